"""MySQL/MariaDB --online: every ALTER TABLE of a table that holds rows states the ALGORITHM it
needs, and a table's clauses are cut by algorithm so that cheap ones are not dragged into a copy.

The algorithm of each clause is the hazard module's (`clause_algorithm`, for the target version):

- all clauses INSTANT: `, ALGORITHM=INSTANT`;
- all at most INPLACE: `, ALGORITHM=INPLACE, LOCK=NONE`, or `LOCK=SHARED` where a clause's hazards
  say writes wait (a FULLTEXT or SPATIAL index built, a table with one rebuilt, an AUTO_INCREMENT
  column filled: the server refuses LOCK=NONE there);
- otherwise a COPY, stated as nothing (the server picks; it keeps its table_rewrite hazard), with
  the equivalent gh-ost and pt-online-schema-change command lines for the report.

A server refuses an ALGORITHM or LOCK it cannot honour (error 1845/1846), so a script that runs
proves every claim. The statements run INSTANT first, then INPLACE, then COPY. A clause that names
what another clause adds, drops, renames or changes stays with it, in the slower statement of the
two: the later statement must not need what only the earlier one did (or undid), which keeps the
clauses' order safe without judging each dependency.
"""

from __future__ import annotations

import dataclasses
import re
import shlex
from collections.abc import Sequence

from ddlcompare.dialects.mysql.hazards import (
    Algorithm,
    clause_algorithm,
    holds_rows,
    statement_hazards,
    table_key,
)
from ddlcompare.dialects.mysql.render import DROP_PK, TableAlter, fk_chunks, table_alter
from ddlcompare.model.base import ObjectKey, Schema
from ddlcompare.model.objects import PrimaryKey
from ddlcompare.plan.hazards import HazardCode
from ddlcompare.plan.plan import HeldBack, Plan, RenderContext, Statement

_ID = re.compile(r"`((?:[^`]|``)+)`")
# the clause's own object: what it adds, drops, renames or changes (CHANGE COLUMN: both names)
_SUBJECT = re.compile(
    r"^(?:ADD|DROP|MODIFY|CHANGE|ALTER)\b[A-Z ]*?(?:IF (?:NOT )?EXISTS )?(`(?:[^`]|``)+`)"
    r"(?: (`(?:[^`]|``)+`))?"
)
_PK = "\0primary key"  # the primary key, which has no name in a clause


def online(plan: Plan) -> Plan:
    """`plan` with its ALTER TABLE statements written for --online (unchanged without it)."""
    if not plan.options.online:
        return plan
    fwd = RenderContext(
        plan.old, plan.new, target=plan.target, recreated=plan.recreated, options=plan.options
    )
    back = dataclasses.replace(fwd, old=plan.new, new=plan.old, rollback=True)
    steps = []
    for step in plan.steps:
        held = step.held
        if held is not None and not held.whole:
            held = HeldBack(_statements(held.forward, fwd), _statements(held.rollback, back))
        steps.append(
            dataclasses.replace(
                step,
                forward=_statements(step.forward, fwd),
                rollback=_statements(step.rollback, back),
                held=held,
            )
        )
    return dataclasses.replace(plan, steps=tuple(steps))


def _statements(stmts: Sequence[Statement], ctx: RenderContext) -> tuple[Statement, ...]:
    out: list[Statement] = []
    for st in stmts:
        key = table_key(st.table) if isinstance(st, TableAlter) else None
        if isinstance(st, TableAlter) and key is not None and holds_rows(key, ctx):
            out += split(st, key, ctx)
        else:
            out.append(st)  # a new or re-created table is empty: nothing waits for it
    return tuple(out)


def split(st: TableAlter, key: ObjectKey, ctx: RenderContext) -> list[TableAlter]:
    """`st` as one statement per algorithm (INSTANT, INPLACE, COPY), each stating its own."""
    clauses = st.clauses
    algorithms = [clause_algorithm(c, key, ctx) for c in clauses]
    for group in _linked(clauses, key, ctx):
        slowest = max(algorithms[i] for i in group)
        for i in group:
            algorithms[i] = slowest
    out = []
    for algorithm in Algorithm:
        chosen = [c for c, a in zip(clauses, algorithms, strict=True) if a == algorithm]
        for chunk in fk_chunks(chosen) if chosen else ():
            part = table_alter(
                st.table,
                *chunk,
                destructive=st.destructive,
                note=st.note,
                if_exists=st.if_exists,
                only_if=st.only_if,
            )
            out.append(_stated(part, key, ctx))
    return out


def _stated(part: TableAlter, key: ObjectKey, ctx: RenderContext) -> TableAlter:
    """`part` with its hazards and the ALGORITHM (and LOCK) they allow."""
    hazards = statement_hazards(part, ctx)
    algorithm = max(clause_algorithm(c, key, ctx) for c in part.clauses)
    if algorithm == Algorithm.COPY:
        return dataclasses.replace(part, hazards=hazards, online_tools=tools(part, key))
    if algorithm == Algorithm.INSTANT:
        stated = "ALGORITHM=INSTANT"
    else:
        shared = any(h.code == HazardCode.BLOCKS_WRITES and h.lock == "SHARED" for h in hazards)
        stated = f"ALGORITHM=INPLACE, LOCK={'SHARED' if shared else 'NONE'}"
    sep = ",\n  " if len(part.clauses) > 1 else ", "
    return dataclasses.replace(part, sql=part.sql.removesuffix(";") + f"{sep}{stated};", hazards=hazards)


def _linked(clauses: Sequence[str], key: ObjectKey, ctx: RenderContext) -> list[list[int]]:
    """Groups of clauses (indices) that must run in one statement: one names what another acts on."""
    pk_columns = _pk_columns(ctx.old, key) | _pk_columns(ctx.new, key)
    subjects: list[set[str]] = []
    named: list[set[str]] = []
    for c in clauses:
        names = {_unq(n) for n in _ID.findall(c)}
        own = set()
        if "PRIMARY KEY" in c or c in DROP_PK:
            # an AUTO_INCREMENT column must stay a key (error 1075): the key goes with its columns
            own = {_PK} | pk_columns
            names |= own
        elif m := _SUBJECT.match(c):
            own = {_unq(g[1:-1]) for g in m.groups() if g}
        subjects.append(own)
        named.append(names)
    parent = list(range(len(clauses)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, own in enumerate(subjects):
        for j, names in enumerate(named):
            if i != j and own & names:
                parent[find(i)] = find(j)
    groups: dict[int, list[int]] = {}
    for i in range(len(clauses)):
        groups.setdefault(find(i), []).append(i)
    return list(groups.values())


def _unq(name: str) -> str:
    """An identifier as the server compares it (column, index and constraint names ignore case)."""
    return name.replace("``", "`").lower()


def _pk_columns(schema: Schema, key: ObjectKey) -> set[str]:
    kids = schema.children().get((key.schema, key.name), [])
    return {c.lower() for k in kids if isinstance(k, PrimaryKey) for c in k.columns}


def tools(st: TableAlter, key: ObjectKey) -> tuple[str, ...]:
    """The gh-ost and pt-online-schema-change command lines that run the clauses of `st` as an
    online copy (documented tools the user runs; the database is `$DB` when the dump's own)."""
    alter = shlex.quote(", ".join(st.clauses))
    db = shlex.quote(key.schema) if key.schema else '"$DB"'
    table = shlex.quote(key.name)
    return (
        f"gh-ost --database={db} --table={table} --alter={alter} --execute",
        f"pt-online-schema-change --alter {alter} D={db},t={table} --execute",
    )


__all__ = ["online", "split", "tools"]
