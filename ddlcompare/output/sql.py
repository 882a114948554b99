"""Plan -> forward or rollback SQL script."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from ddlcompare.diff.changes import Drop
from ddlcompare.output.mask import Masking
from ddlcompare.plan.plan import Plan, Statement


@dataclass(frozen=True, slots=True)
class ScriptStyle:
    """How a dialect wraps its scripts."""

    transactional: bool = True  # wrap in BEGIN/COMMIT
    preamble: tuple[str, ...] = ()  # statements run first (inside the transaction when there is one)
    header: tuple[str, ...] = ()  # comment lines under the title
    plain_header: tuple[str, ...] | None = None  # instead of `header` with --no-idempotent, when set
    comment: str = "--"
    # --online: statements opening each transaction, and each run of statements outside one,
    # formatted with the plan's timeouts as quoted literals ({lock_timeout}, {statement_timeout})
    online_transaction: tuple[str, ...] = ()
    online_session: tuple[str, ...] = ()
    noop: str = "SELECT 1;"  # a statement that does nothing (a changeset must run something)
    # a client command that sets the statement delimiter (`DELIMITER ;;`): dropped for a driver
    client_delimiter: str = ""
    masking: Masking = field(default_factory=Masking)  # how --mask finds literals (output.mask)


def held_back(plan: Plan) -> frozenset[int]:
    """Steps that cannot run once destructive statements are commented out: drops of what a
    commented-out statement still uses, objects dropped along with a table that stays, and steps
    after a drop that did not happen (transitively). Computed once per plan."""
    return plan.memo("held_back", _held_back)


def _held_back(plan: Plan) -> frozenset[int]:
    steps = plan.steps
    preds: dict[int, set[int]] = {i: set(st.after) for i, st in enumerate(steps)}
    commented = {i for i, st in enumerate(steps) if any(s.destructive for s in st.forward)}
    drops = {i for i, st in enumerate(steps) if isinstance(st.change, Drop)}
    # a key or constraint dropped because its table goes stays while that drop is held back
    table_drop = {(k.schema, k.name): i for i in drops if (k := steps[i].key).kind == "table"}
    blocked: set[int] = {
        i for i in drops if (p := steps[i].key).parent and table_drop.get((p.schema, p.parent)) in commented
    }
    changed = True
    while changed:  # implied drops point forward in the order, so iterate to a fixpoint
        changed = False
        for i, step in enumerate(steps):
            if i in blocked or i in commented:
                continue
            implied = step.implied_by
            if (implied is not None and implied in commented | blocked) or any(
                k in blocked or (k in commented and (k in drops or i in drops)) for k in preds[i]
            ):
                blocked.add(i)
                changed = True
    return frozenset(blocked)


def held_steps(plan: Plan) -> list[int]:
    """The steps the default script holds back, in whole or in part: those with destructive
    statements, and those held back with them."""
    destructive = {i for i, s in enumerate(plan.steps) if any(st.destructive for st in s.forward)}
    return sorted(destructive | held_back(plan))


def statements(plan: Plan, *, rollback: bool = False) -> list[Statement]:
    """Statements of the script in execution order, destructive ones included: early ones, the
    steps, then late ones."""
    return _phased([st for _, st in step_statements(plan, rollback=rollback, allow_destructive=True)])


def step_statements(
    plan: Plan, *, rollback: bool = False, allow_destructive: bool = False
) -> list[tuple[int, Statement]]:
    """(step index, statement) of the script, steps in the script's order, before early and late
    statements are moved to the ends; destructive statements held back (marked) unless allowed.
    Formats that cut the script into pieces (Liquibase changesets) start from these."""
    if not allow_destructive:
        return _held_statements(plan, rollback=rollback)
    order = range(len(plan.steps) - 1, -1, -1) if rollback else range(len(plan.steps))
    return [(i, st) for i in order for st in (plan.steps[i].rollback if rollback else plan.steps[i].forward)]


_SKIPPED = "SKIPPED: depends on a destructive statement that is commented out"
_WITH_STEP = "HELD BACK: goes with a destructive statement of the same change"
_UNDOES_HELD = "HELD BACK: undoes a forward statement that is commented out"
_REWRITTEN = "HELD BACK: needs a destructive statement of the same change; what runs without it follows"
_HELD_NOTES = (_SKIPPED, _WITH_STEP, _UNDOES_HELD, _REWRITTEN)


def _held_statements(plan: Plan, *, rollback: bool) -> list[tuple[int, Statement]]:
    """The statements of the script with destructive statements held back, by step.

    Forward: each step runs what its `held` keeps (a table's column changes that lose nothing);
    the rest is commented out, and so are the steps that need it. Rollback: exactly the inverse of
    what the forward runs; its own destructive statements run, marked (they undo what the forward
    created). A step only the rollback has (a dependent rebuilt around an undone change) is held
    back with the change it goes around."""
    skip = held_back(plan)
    whole = skip | {i for i, st in enumerate(plan.steps) if st.held is not None and st.held.whole}
    held_keys = {plan.steps[i].key for i in whole}
    out: list[tuple[int, Statement]] = []
    order = range(len(plan.steps) - 1, -1, -1) if rollback else range(len(plan.steps))
    for i in order:
        step = plan.steps[i]
        if rollback:
            rollback_only = not step.forward and step.cause is not None and bool(step.rollback)
            if i in whole or (rollback_only and step.cause in held_keys):
                out += [(i, replace(st, destructive=True, note=_UNDOES_HELD)) for st in step.rollback]
                continue
            for st in step.rollback if step.held is None else step.held.rollback:
                if st.destructive:
                    st = replace(st, destructive=False, note=f"DESTRUCTIVE: {st.note or 'loses data'}")
                out.append((i, st))
        elif i in skip:
            out += [(i, replace(st, destructive=True, note=_SKIPPED)) for st in step.forward]
        elif step.held is None:
            out += [(i, st) for st in step.forward]
        else:
            runs = {st.sql for st in step.held.forward}
            shown = {st.sql for st in step.forward}
            rewritten = [st for st in step.held.forward if st.sql not in shown]
            with_step = _REWRITTEN if rewritten else _WITH_STEP
            for st in step.forward:
                if st.sql in runs or st.destructive:
                    out.append((i, st))
                else:
                    out.append((i, replace(st, destructive=True, note=with_step)))
            out += [(i, st) for st in rewritten]
    return out


def _phased(sts: list[Statement]) -> list[Statement]:
    """Early statements first, late ones last, the rest in order."""
    return (
        [s for s in sts if s.early and not s.late]
        + [s for s in sts if not s.early and not s.late]
        + [s for s in sts if s.late]
    )


def render_script(
    plan: Plan, style: ScriptStyle, *, rollback: bool = False, allow_destructive: bool = False
) -> str:
    """The whole script; destructive statements held back (commented out) unless allowed, and the
    rollback undoing exactly what the forward runs.

    Runs of transactional statements are wrapped in BEGIN/COMMIT; a statement that cannot run in
    a transaction block gets a marked section of its own between them, in plan order, and one
    marked `alone` a transaction of its own. With --online (`plan.options`) each of these is a
    numbered phase, opened by the style's timeout settings.
    """
    c = style.comment
    by_step = step_statements(plan, rollback=rollback, allow_destructive=allow_destructive)
    sts = _phased([st for _, st in by_step])
    title = "rollback" if rollback else "forward"
    lines = [f"{c} ddlcompare {title} migration ({plan.dialect})"]
    plain = not plan.options.idempotent and style.plain_header is not None
    lines += [f"{c} {h}" for h in (style.plain_header if plain else style.header) or ()]
    destructive = sum(1 for s in sts if s.destructive and s.note not in _HELD_NOTES)
    held = sum(1 for s in sts if s.note in _HELD_NOTES)
    if destructive and not allow_destructive:
        also = f" (and {held} statement(s) held back with them)" if held else ""
        lines.append(
            f"{c} {destructive} destructive statement(s){also} are commented out below; "
            "review them and rerun with --allow-destructive to include them."
        )
    elif held and not allow_destructive:
        lines.append(
            f"{c} {held} statement(s) are commented out below: they undo forward statements that are "
            "commented out (rerun both with --allow-destructive to include them)."
        )
    if not sts:
        lines.append(f"{c} no changes")
        return "\n".join(lines) + "\n"
    segments: list[tuple[bool, list[Statement]]] = []
    for st in sts:
        # an `alone` statement neither joins the run before it nor lets the next one join it
        last = segments[-1] if segments else None
        if last is not None and last[0] == st.transactional and not st.alone and not last[1][-1].alone:
            last[1].append(st)
        else:
            segments.append((st.transactional, [st]))
    online = plan.options.online and style.transactional  # phases: transactions and runs outside them
    if online:
        lines.append(
            f"{c} --online: {len(segments)} phase{'s' if len(segments) > 1 else ''}, each in a transaction "
            "or outside one as marked. A "
            "failed phase leaves the phases before it applied: fix the cause, then resume at that phase."
        )
    for n, (transactional, group) in enumerate(segments, 1):
        lines.append("")
        if online:
            where = "in a transaction" if transactional else "outside a transaction"
            lines.append(f"{c} phase {n} of {len(segments)}: {where}")
        if transactional:
            if style.transactional:
                lines.append("BEGIN;")
            if online:
                lines.extend(online_settings(plan, style.online_transaction))
            lines.extend(style.preamble)
            lines.extend(emit(s, c, allow_destructive) for s in group)
            if style.transactional:
                lines.append("COMMIT;")
        elif online:
            lines.extend(online_settings(plan, style.online_session))
            lines.extend(emit(s, c, allow_destructive) for s in group)
        else:
            lines.append(
                f"{c} ---- Outside a transaction: the statement(s) below cannot run in a transaction. ----"
            )
            lines.extend(emit(s, c, allow_destructive) for s in group)
            lines.append(f"{c} ---- End of the statements outside a transaction. ----")
    lines.append("")  # the final newline, without copying the whole script once more to add it
    return "\n".join(lines)


def online_settings(plan: Plan, templates: tuple[str, ...]) -> list[str]:
    """A style's --online setting statements with the plan's timeouts as quoted literals."""
    timeouts = {
        "lock_timeout": _quoted(plan.options.lock_timeout),
        "statement_timeout": _quoted(plan.options.statement_timeout),
    }
    return [x.format(**timeouts) for x in templates]


def _quoted(value: str) -> str:
    """An SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def emit(st: Statement, c: str, allow_destructive: bool) -> str:
    """The statement's text in a script: with its note, commented out when held back."""
    if not st.destructive:
        return f"{c} {st.note}\n{st.sql}" if st.note else st.sql
    warn = f"{c} {st.note}" if st.note in _HELD_NOTES else f"{c} DESTRUCTIVE: {st.note or 'loses data'}"
    if allow_destructive:
        return f"{warn}\n{st.sql}"
    return warn + "\n" + "\n".join(f"{c} {line}" if line else c for line in st.sql.split("\n"))
