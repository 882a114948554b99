"""Validation -> `schema_validation.log`: the static findings, then one block per data check (its
SQL, and PASS/FAIL with the count and sample keys once run against a database). Plain text, the
same bytes for the same input (no timestamps)."""

from __future__ import annotations

from collections.abc import Sequence

from ddlcompare.plan.checks import CheckKind, CheckResult, DataCheck, Status, Validation


def render_validation(
    validation: Validation, results: Sequence[CheckResult] | None = None, database: str = ""
) -> str:
    """The log; `results` (one per check, in order) from the run against `database` (its URL
    without the password), or None when the checks were not run."""
    plan = validation.plan
    checks = validation.checks
    if results is not None and len(results) != len(checks):
        raise ValueError("one result per data check")
    lines = [f"ddlcompare schema validation ({plan.dialect})"]
    if plan.old.source or plan.new.source:
        lines += [f"old: {plan.old.source or '-'}", f"new: {plan.new.source or '-'}"]
    if plan.target is not None:
        lines.append(f"target: {plan.target}")
    if results is None:
        lines.append("data checks: not run (pass --check-db URL to run them against a database)")
    else:
        lines.append(f"data checks: run against {database or 'the database'} (read-only)")

    lines += ["", f"== Static checks: {len(validation.findings)} finding(s)"]
    for f in validation.findings:
        lines.append(f"[{f.level}] {f.code}: {f.subject}: {f.message}")

    statuses = [Status.NOT_RUN] * len(checks) if results is None else [r.status for r in results]
    counts = ", ".join(f"{statuses.count(s)} {s}" for s in Status if statuses.count(s))
    lines += ["", f"== Data checks: {len(checks)} check(s)" + (f": {counts}" if counts else "")]
    for n, check in enumerate(checks, 1):
        lines.append("")
        lines += _block(n, check, None if results is None else results[n - 1])

    if validation.unchecked:
        lines += [
            "",
            f"== Steps that may fail or lose data without a data check: {len(validation.unchecked)}",
        ]
        for key, why in validation.unchecked:
            lines.append(f"{key}: {why}")

    lines.append("")
    blocked = sum(1 for s in statuses if s in (Status.FAIL, Status.ERROR))
    if results is None:
        lines.append(f"result: NOT RUN ({len(checks)} data check(s))")
    elif blocked:
        lines.append(f"result: BLOCKED ({blocked} data check(s) FAIL or ERROR)")
    else:
        lines.append(f"result: PASS ({len(checks)} data check(s))")
    lines.append("")
    return "\n".join(lines)


def _block(n: int, check: DataCheck, result: CheckResult | None) -> list[str]:
    if check.loses:
        meaning = "rows whose data the step loses"
    elif check.kind is CheckKind.TYPE_FIT:
        meaning = "rows the step rejects, or whose value it rounds"
    else:
        meaning = "rows that make the step fail"
    out = [
        f"check {n}: {check.kind}",
        f"  step: {check.step} (step {check.step_index + 1})",
        f"  table: {'.'.join(p for p in (check.table.schema, check.table.name) if p)}",
        f"  counts: {check.what} ({meaning})",
    ]
    if check.needs:
        out.append(f"  uses: {', '.join(map(str, check.needs))} (created by the migration)")
    if result is None:
        out.append(f"  status: {Status.NOT_RUN}")
    else:
        out.append(f"  status: {result.status}")
        if result.status is Status.ERROR:
            out.append(f"  error: {result.error}")
        elif result.status is Status.NOT_RUN:
            out.append(f"  not run: {result.error}")
        else:
            out.append(f"  count: {result.count}")
        if result.samples:
            shown = "; ".join(", ".join(f"{k}={v}" for k, v in row) for row in result.samples)
            out.append(f"  sample keys: {shown}")
        elif result.count and not check.key_columns:
            out.append("  sample keys: none (the table has no primary key)")
    out.append(f"  sql: {check.sql}")
    return out
