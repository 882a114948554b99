"""Plan -> forward or rollback SQL script."""

from __future__ import annotations

from dataclasses import dataclass, replace

from ddlcompare.diff.changes import Create, Drop
from ddlcompare.plan.plan import Plan, Statement


@dataclass(frozen=True, slots=True)
class ScriptStyle:
    """How a dialect wraps its scripts."""

    transactional: bool = True  # wrap in BEGIN/COMMIT
    preamble: tuple[str, ...] = ()  # statements run first (inside the transaction when there is one)
    header: tuple[str, ...] = ()  # comment lines under the title
    comment: str = "--"


def held_back(plan: Plan, *, rollback: bool = False) -> set[int]:
    """Steps that cannot run once destructive statements are commented out: drops of what a
    commented-out statement still uses, objects dropped along with a table that stays, and steps
    after a drop that did not happen (transitively)."""
    steps = plan.steps
    order = range(len(steps) - 1, -1, -1) if rollback else range(len(steps))
    preds: dict[int, set[int]] = {i: set() for i in order}
    for i, st in enumerate(steps):
        for j in st.after:  # forward: j before i; rollback: i before j
            (preds[j] if rollback else preds[i]).add(i if rollback else j)
    commented = {
        i for i in order if any(s.destructive for s in (steps[i].rollback if rollback else steps[i].forward))
    }
    # in the rollback every step runs reversed: its drops are the forward creates
    drops = {i for i in order if isinstance(steps[i].change, Create if rollback else Drop)}
    # a key or constraint dropped because its table goes stays while that drop is held back
    table_drop = {(k.schema, k.name): i for i in drops if (k := steps[i].key).kind == "table"}
    blocked: set[int] = {
        i for i in drops if (p := steps[i].key).parent and table_drop.get((p.schema, p.parent)) in commented
    }
    changed = True
    while changed:  # implied drops point forward in the order, so iterate to a fixpoint
        changed = False
        for i in order:
            if i in blocked or i in commented:
                continue
            stop = commented | blocked
            implied = None if rollback else steps[i].implied_by
            if (implied is not None and implied in stop) or any(
                k in stop and (k in drops or i in drops) for k in preds[i]
            ):
                blocked.add(i)
                changed = True
    return blocked


def statements(plan: Plan, *, rollback: bool = False, skip: set[int] | None = None) -> list[Statement]:
    """Statements of the script in execution order: early ones, the steps, then late ones.
    Steps in `skip` are written commented out."""
    order = range(len(plan.steps) - 1, -1, -1) if rollback else range(len(plan.steps))
    early: list[Statement] = []
    main: list[Statement] = []
    late: list[Statement] = []
    for i in order:
        step = plan.steps[i]
        for st in step.rollback if rollback else step.forward:
            if skip and i in skip:
                st = replace(st, destructive=True, note=_SKIPPED)
            (late if st.late else early if st.early else main).append(st)
    return early + main + late


_SKIPPED = "SKIPPED: depends on a destructive statement that is commented out"


def render_script(
    plan: Plan, style: ScriptStyle, *, rollback: bool = False, allow_destructive: bool = False
) -> str:
    """The whole script; destructive statements commented out unless allowed.

    Runs of transactional statements are wrapped in BEGIN/COMMIT; a statement that cannot run in
    a transaction block gets a marked section of its own between them, in plan order.
    """
    c = style.comment
    skip = set() if allow_destructive else held_back(plan, rollback=rollback)
    sts = statements(plan, rollback=rollback, skip=skip)
    title = "rollback" if rollback else "forward"
    lines = [f"{c} ddlcompare {title} migration ({plan.dialect})"]
    lines += [f"{c} {h}" for h in style.header]
    destructive = sum(1 for s in sts if s.destructive and s.note != _SKIPPED)
    held = sum(1 for s in sts if s.note == _SKIPPED)
    if destructive and not allow_destructive:
        also = f" (and {held} statement(s) that depend on them)" if held else ""
        lines.append(
            f"{c} {destructive} destructive statement(s){also} are commented out below; "
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
    lines.append("")  # the final newline, without copying the whole script once more to add it
    return "\n".join(lines)


def _emit(st: Statement, c: str, allow_destructive: bool) -> str:
    if not st.destructive:
        return f"{c} {st.note}\n{st.sql}" if st.note else st.sql
    warn = f"{c} {st.note}" if st.note == _SKIPPED else f"{c} DESTRUCTIVE: {st.note or 'loses data'}"
    if allow_destructive:
        return f"{warn}\n{st.sql}"
    return warn + "\n" + "\n".join(f"{c} {line}" if line else c for line in st.sql.split("\n"))
