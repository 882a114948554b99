"""Plan -> forward or rollback SQL script."""

from __future__ import annotations

from dataclasses import dataclass

from ddlcompare.plan.plan import Plan, Statement


@dataclass(frozen=True, slots=True)
class ScriptStyle:
    """How a dialect wraps its scripts."""

    transactional: bool = True  # wrap in BEGIN/COMMIT
    preamble: tuple[str, ...] = ()  # statements run first (inside the transaction when there is one)
    header: tuple[str, ...] = ()  # comment lines under the title
    comment: str = "--"


def statements(plan: Plan, *, rollback: bool = False) -> list[Statement]:
    """Statements of the script in execution order: steps, then late statements."""
    steps = reversed(plan.steps) if rollback else plan.steps
    main: list[Statement] = []
    late: list[Statement] = []
    for step in steps:
        for st in step.rollback if rollback else step.forward:
            (late if st.late else main).append(st)
    return main + late


def render_script(
    plan: Plan, style: ScriptStyle, *, rollback: bool = False, allow_destructive: bool = False
) -> str:
    """The whole script; destructive statements commented out unless allowed."""
    c = style.comment
    sts = statements(plan, rollback=rollback)
    title = "rollback" if rollback else "forward"
    lines = [f"{c} ddlcompare {title} migration ({plan.dialect})"]
    lines += [f"{c} {h}" for h in style.header]
    destructive = sum(1 for s in sts if s.destructive)
    if destructive and not allow_destructive:
        lines.append(
            f"{c} {destructive} destructive statement(s) are commented out below; "
            "review them and rerun with --allow-destructive to include them."
        )
    if not sts:
        lines.append(f"{c} no changes")
        return "\n".join(lines) + "\n"
    body = [s for s in sts if s.transactional]
    outside = [s for s in sts if not s.transactional]
    lines.append("")
    if body:
        if style.transactional:
            lines.append("BEGIN;")
        lines.extend(style.preamble)
        lines.extend(_emit(s, c, allow_destructive) for s in body)
        if style.transactional:
            lines.append("COMMIT;")
    if outside:
        lines += [
            "",
            f"{c} ---- The statements below cannot run inside a transaction block. ----",
            f"{c} ---- Run them one by one, after the transaction above has committed. ----",
        ]
        lines.extend(_emit(s, c, allow_destructive) for s in outside)
    return "\n".join(lines) + "\n"


def _emit(st: Statement, c: str, allow_destructive: bool) -> str:
    if not st.destructive:
        return f"{c} {st.note}\n{st.sql}" if st.note else st.sql
    warn = f"{c} DESTRUCTIVE: {st.note or 'loses data'}"
    if allow_destructive:
        return f"{warn}\n{st.sql}"
    return warn + "\n" + "\n".join(f"{c} {line}" if line else c for line in st.sql.split("\n"))
