"""squawk on the --online forward scripts (offline: no database).

Every golden fixture and corpus PostgreSQL pair is planned with --online for PostgreSQL 15 and
linted by squawk (tests/support/squawk.py). The rules of the locks --online exists to avoid
(GUARDED) must not fire on a statement acting on a table that exists before the migration and
keeps its rows, unless tests/known_failures/postgres_squawk_online.txt lists the finding with the
reason it cannot be avoided (`<rule> <case id> <statement excerpt>`, strict both ways). The counts
of every rule are recorded as the `squawk_online_tally` property.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.support import corpus, squawk
from tests.support.squawk import Case, Finding

GUARDED = frozenset(
    {
        "require-concurrent-index-creation",
        "require-concurrent-index-deletion",
        "constraint-missing-not-valid",
        "adding-foreign-key-constraint",
        "adding-not-nullable-field",
        "disallowed-unique-constraint",
        "require-lock-timeout",
        "require-statement-timeout",
        "require-timeout-settings",
    }
)
TIMEOUT_RULES = frozenset({"require-lock-timeout", "require-statement-timeout", "require-timeout-settings"})
KNOWN = squawk.ROOT / "tests" / "known_failures" / "postgres_squawk_online.txt"


def _params() -> list[object]:
    out: list[object] = []
    for c in squawk.cases():
        marks = [pytest.mark.corpus] if c.id.startswith("pairs/") else []
        out.append(pytest.param(c, id=c.id, marks=marks))
    return out


def guarded(findings: tuple[Finding, ...]) -> dict[str, Finding]:
    """The findings of a GUARDED rule on a statement acting on a table that exists before (a timeout
    rule anywhere: every statement must run under the timeouts), by known-list key."""
    return {
        f.key: f
        for f in findings
        if f.violation.rule in GUARDED
        and (f.violation.rule in TIMEOUT_RULES or f.statement is None or f.statement.existing)
    }


@pytest.mark.parametrize("case", _params())
def test_online_script_avoids_guarded_rules(case: Case) -> None:
    """No GUARDED violation on a pre-existing table that postgres_squawk_online.txt does not list;
    every line listed for the case still occurs."""
    j = squawk.judged(online=True)
    if case.id in j.rejected:
        pytest.skip(f"ddlcompare rejects a side: {j.rejected[case.id]}")
    found = guarded(j.findings[case.id])
    known = {k for k in squawk.read_known(KNOWN) if k.split(" ", 2)[1:2] == [case.id]}
    new = [f"{k}\n    squawk: {f.violation.message}" for k, f in found.items() if k not in known]
    squawk.fail_against_known(
        new,
        sorted(known - found.keys()),
        unlisted="--online leaves these lock hazards (avoid them, or list them with the reason):",
        listed_in="postgres_squawk_online.txt",
    )


def test_known_list_is_well_formed() -> None:
    """Each listed line names a guarded rule and a case this suite runs (corpus cases when present)."""
    ids = {c.id for c in squawk.cases()}
    for k in sorted(squawk.read_known(KNOWN)):
        parts = k.split(" ", 2)
        assert len(parts) == 3, f"expected `<rule> <case id> <excerpt>`: {k}"
        rule, case_id, _ = parts
        assert rule in GUARDED, f"{rule} is not a guarded rule: {k}"
        if case_id.startswith("pairs/") and not corpus.available():
            continue
        assert case_id in ids, f"no such case: {k}"


def test_online_tally(record_property: Callable[[str, object], None]) -> None:
    """Counts per rule of the --online scripts, all rules and the guarded ones on pre-existing tables
    (recorded as `squawk_online_tally`); `python -m tests.test_squawk_online` prints them."""
    text = tally()
    record_property("squawk_online_tally", text)
    assert "total" in text


def tally() -> str:
    from tests.test_squawk_judge import ACCEPT, STYLE

    j = squawk.judged(online=True)
    findings = [f for fs in j.findings.values() for f in fs]
    t = squawk.tally(findings, ACCEPT, STYLE)
    on_existing = [f for fs in j.findings.values() for f in guarded(fs).values()]
    rows = [squawk.table(t), "", "guarded rules on tables that exist before the migration:"]
    for rule in sorted(GUARDED):
        rows.append(f"  {rule:45} {sum(1 for f in on_existing if f.violation.rule == rule):>5}")
    rows.append(f"cases: {len(j.findings)} linted, {len(j.rejected)} rejected by ddlcompare")
    return "\n".join(rows)


if __name__ == "__main__":
    print(tally())
