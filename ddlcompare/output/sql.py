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
    """Statements of the script in execution order: early ones, the steps, then late ones."""
    steps = reversed(plan.steps) if rollback else plan.steps
    early: list[Statement] = []
    main: list[Statement] = []
    late: list[Statement] = []
    for step in steps:
        for st in step.rollback if rollback else step.forward:
            (late if st.late else early if st.early else main).append(st)
    return early + main + late


def render_script(
    plan: Plan, style: ScriptStyle, *, rollback: bool = False, allow_destructive: bool = False
) -> str:
    """The whole script; destructive statements commented out unless allowed.

    Runs of transactional statements are wrapped in BEGIN/COMMIT; a statement that cannot run in
    a transaction block gets a marked section of its own between them, in plan order.
    """
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
    segments: list[tuple[bool, list[Statement]]] = []
    for st in sts:
        if segments and segments[-1][0] == st.transactional:
            segments[-1][1].append(st)
        else:
            segments.append((st.transactional, [st]))
    for transactional, group in segments:
        lines.append("")
        if transactional:
            if style.transactional:
                lines.append("BEGIN;")
            lines.extend(style.preamble)
            lines.extend(_emit(s, c, allow_destructive) for s in group)
            if style.transactional:
                lines.append("COMMIT;")
        else:
            lines.append(
                f"{c} ---- Outside a transaction: the statement(s) below cannot run in a transaction. ----"
            )
            lines.extend(_emit(s, c, allow_destructive) for s in group)
            lines.append(f"{c} ---- End of the statements outside a transaction. ----")
    return "\n".join(lines) + "\n"


def _emit(st: Statement, c: str, allow_destructive: bool) -> str:
    if not st.destructive:
        return f"{c} {st.note}\n{st.sql}" if st.note else st.sql
    warn = f"{c} DESTRUCTIVE: {st.note or 'loses data'}"
    if allow_destructive:
        return f"{warn}\n{st.sql}"
    return warn + "\n" + "\n".join(f"{c} {line}" if line else c for line in st.sql.split("\n"))
