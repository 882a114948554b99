"""The script cut into pieces that each run on their own and know their undo, for the formats that
apply a migration piece by piece and roll it back piece by piece (Liquibase changesets, Flyway
versions): run in order the pieces are the forward script; their undos, run in reverse order, are the
rollback script, statement for statement.

A piece holds the statements of one plan step (the step's early and late statements go in pieces of
their own at the two ends, where the script puts them). Statements that cannot run in a transaction
are one per piece (a driver sends a multi-statement string as one implicit transaction).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ddlcompare.output.sql import ScriptStyle, emit, online_settings, step_statements
from ddlcompare.plan.plan import Plan, Statement

_EARLY, _STEPS, _LATE = 0, 1, 2


@dataclass(frozen=True, slots=True)
class Piece:
    """Statements that run together, in a transaction or not, and the ones that undo them (None:
    nothing to undo)."""

    step: int  # the plan step it belongs to
    transactional: bool
    forward: tuple[Statement, ...] = ()
    rollback: tuple[Statement, ...] | None = None


def _phase(st: Statement) -> int:
    return _LATE if st.late else _EARLY if st.early else _STEPS


def _runs(sts: list[Statement], style: ScriptStyle) -> list[list[Statement]]:
    """Statements cut where the script cuts them (transaction or not, `alone`); outside a
    transaction, and for servers whose DDL is never transactional, one statement each."""
    runs: list[list[Statement]] = []
    for st in sts:
        together = style.transactional and st.transactional and not st.alone
        last = runs[-1] if runs else None
        if last is not None and together and last[-1].transactional and not last[-1].alone:
            last.append(st)
        else:
            runs.append([st])
    return runs


def _pieces(
    step: int, forward: list[Statement], rollback: list[Statement], style: ScriptStyle
) -> list[Piece]:
    """Pieces of one unit (a step's statements of one phase) whose undos, run in reverse piece
    order, run `rollback` in its order: each rollback run goes to the nearest earlier piece that
    runs the same way, or to a piece of its own that runs nothing."""
    sets = [
        Piece(step, style.transactional and run[0].transactional, tuple(run)) for run in _runs(forward, style)
    ]
    holder = len(sets)
    for run in _runs(rollback, style):
        transactional = style.transactional and run[0].transactional
        c = holder - 1
        if c >= 0 and sets[c].rollback is None and sets[c].transactional == transactional:
            sets[c] = replace(sets[c], rollback=tuple(run))
            holder = c
        else:
            sets.insert(holder, Piece(step, transactional, (), tuple(run)))
    return sets


def pieces(plan: Plan, style: ScriptStyle, *, allow_destructive: bool) -> list[Piece]:
    """The changelog's changesets in order."""
    units: dict[tuple[int, int], tuple[list[Statement], list[Statement]]] = {}
    for i, st in step_statements(plan, allow_destructive=allow_destructive):
        units.setdefault((_phase(st), i), ([], []))[0].append(st)
    # the rollback script runs its early statements first: the changesets Liquibase rolls back first
    # are the last ones, where the forward's late statements are
    for i, st in step_statements(plan, rollback=True, allow_destructive=allow_destructive):
        units.setdefault((_LATE - _phase(st), i), ([], []))[1].append(st)
    out: list[Piece] = []
    for key in sorted(units):
        out += _pieces(key[1], *units[key], style)
    return out


def piece_sql(
    sts: tuple[Statement, ...],
    transactional: bool,
    plan: Plan,
    style: ScriptStyle,
    allow: bool,
    c: str,
    *,
    bare: bool = True,
    session: bool = True,
) -> str:
    """The SQL of a piece (or of its undo): the script's settings, then its statements (commented
    out with `c` when held back); with `bare`, a statement kept for the mysql client's DELIMITER is
    written as a driver takes it."""
    lines: list[str] = []
    if transactional:
        if plan.options.online:
            lines += online_settings(plan, style.online_transaction)
        lines += style.preamble
    elif session and plan.options.online and style.transactional:
        lines += session_settings(plan, style)
    runs = [st for st in sts if not st.destructive or allow]
    lines += [emit(_bare(st, style) if bare else st, c, allow) for st in sts]
    if not runs:  # only commented-out statements: a piece must run something
        lines.append(style.noop)
    return "\n".join(lines)


def _bare(st: Statement, style: ScriptStyle) -> Statement:
    """`st` as a driver takes it: without the client's DELIMITER lines and the delimiter they set."""
    prefix = style.client_delimiter
    lines = st.sql.split("\n")
    if not prefix or len(lines) < 3 or not lines[0].startswith(prefix) or not lines[-1].startswith(prefix):
        return st
    delimiter = lines[0][len(prefix) :].strip()
    body = "\n".join(lines[1:-1]).rstrip()
    if delimiter and body.endswith(delimiter):
        body = body[: -len(delimiter)] + ";"
    return replace(st, sql=body)


def session_settings(plan: Plan, style: ScriptStyle) -> list[str]:
    """The --online settings of a run of statements outside a transaction (lock and statement
    timeouts), none without --online."""
    if not (plan.options.online and style.transactional):
        return []
    return online_settings(plan, style.online_session)
