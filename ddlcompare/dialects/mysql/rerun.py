"""MySQL/MariaDB: statements made re-runnable where the renderer's own `IF [NOT] EXISTS` forms do not
reach (the planner's `rerunnable` hook, asked after a statement's hazards are judged on its plain
form, and only when the scripts are to be re-runnable; see ddlcompare.dialects.mysql.render).

- a rename (`--rename`): `RENAME TABLE IF EXISTS` (MariaDB 10.5.2+, KB "RENAME TABLE"),
  `RENAME COLUMN IF EXISTS`, `RENAME INDEX IF EXISTS`, `CHANGE COLUMN IF EXISTS` (KB "ALTER TABLE");
- an ALTER TABLE of a table the plan drops later (a foreign key it holds must go first), or that
  the rollback renames back after altering it: `ALTER TABLE IF EXISTS` (MariaDB 10.5.2+);
- ADD/DROP SYSTEM VERSIONING and REMOVE PARTITIONING, which have no such form, and the ALTERs of a
  table that run before it becomes system-versioned (see `rerunnable`);

and where the target has no native form (a MariaDB before 10.5.2, or no --target-version), a guard:
an anonymous compound statement (`BEGIN NOT ATOMIC IF <catalog condition> THEN <statement>; END IF;
END`, MariaDB 10.1.1+, KB "BEGIN END") that runs the statement only while information_schema shows
that it has not run yet. A guard changes nothing on the first run; it is one statement (a client
sends it whole, like a routine, in a DELIMITER block), and the statement in it is written as is,
not quoted into a string. A MySQL target gets the plain statements (`render.rerun`), so nothing
here applies to it.
"""

from __future__ import annotations

import dataclasses
import re

from ddlcompare.dialects.mysql.hazards import table_key
from ddlcompare.dialects.mysql.objects import SystemVersioning
from ddlcompare.dialects.mysql.render import TableAlter, delimited, literal, qualified, rerun
from ddlcompare.diff.changes import Rename
from ddlcompare.model.base import ObjectKey
from ddlcompare.model.objects import Table
from ddlcompare.plan.plan import HeldBack, Plan, RenderContext, Statement

_ID = r"`(?:[^`]|``)+`"
_NAME = rf"(?:{_ID}\.)?{_ID}"
_RENAME_TABLE = re.compile(rf"^RENAME TABLE ({_NAME}) TO ({_NAME});$")
# the in-place renames of rename.py (CHANGE COLUMN before RENAME COLUMN existed)
_RENAME_PART = re.compile(
    rf"^ALTER TABLE ({_NAME}) (RENAME COLUMN|RENAME INDEX|CHANGE COLUMN) ({_ID}) ", re.S
)
_VERSIONING = re.compile(rf"^ALTER TABLE ({_NAME}) (ADD|DROP) SYSTEM VERSIONING;$")
_UNPARTITION = re.compile(rf"^ALTER TABLE ({_NAME}) REMOVE PARTITIONING;$")
_ALTER = re.compile(rf"^ALTER TABLE ({_NAME}) ")


def rerunnable(st: Statement, ctx: RenderContext) -> Statement:
    """`st` in a form that does nothing when it runs again after it ran (unchanged when it is one).
    An ALTER TABLE that `combine` may merge or --online split is only marked (`finish` writes it)."""
    if not rerun(ctx):
        return st
    sql = st.sql
    if isinstance(st, TableAlter):
        key = table_key(st.table)
        if key is None:
            return st
        if _dropped_later(key, ctx):
            return dataclasses.replace(st, if_exists=True)
        if _versioned_later(key, ctx):
            # MariaDB refuses to add or drop a column of a system-versioned table even where IF [NOT]
            # EXISTS would skip it (error 4119, measured on 10.11): what runs before ADD SYSTEM
            # VERSIONING runs only while the table is not versioned yet
            return dataclasses.replace(st, only_if=f"{_versioned(key)} = 0")
        return st
    if m := _RENAME_TABLE.match(sql):
        if _native(ctx):
            return dataclasses.replace(st, sql="RENAME TABLE IF EXISTS " + sql.removeprefix("RENAME TABLE "))
        return _guarded(st, _table_exists(_key(m.group(1))))
    if m := _RENAME_PART.match(sql):
        # the renamed column or index must still have its old name (all three have IF EXISTS)
        at = m.end(2)
        st = dataclasses.replace(st, sql=f"{sql[:at]} IF EXISTS{sql[at:]}")
        key = _key(m.group(1))
        return _if_table(st, key, ctx) if _dropped_later(key, ctx) else st
    if m := _VERSIONING.match(sql):
        return _guarded(st, f"{_versioned(_key(m.group(1)))} {'=' if m.group(2) == 'ADD' else '>'} 0")
    if m := _UNPARTITION.match(sql):
        return _guarded(st, f"{_count('PARTITIONS', _key(m.group(1)), 'PARTITION_NAME IS NOT NULL')} > 0")
    return st


def finish(plan: Plan) -> Plan:
    """`plan` with its marked ALTER TABLE statements written re-runnable, once `combine` and
    --online have merged and cut them: `ALTER TABLE IF EXISTS` or a guard."""
    ctx = RenderContext(plan.old, plan.new, target=plan.target, options=plan.options)
    if not rerun(ctx):
        return plan
    # a table renamed by --rename: the rollback alters it under its new name before renaming it back,
    # so on a second run of the rollback that name is gone
    renamed = frozenset(
        table_key(qualified(ch.new.schema, ch.new.name))
        for ch in (step.change for step in plan.steps)
        if isinstance(ch, Rename) and not ch.part and isinstance(ch.new, Table)
    )

    def done(stmts: tuple[Statement, ...], gone: frozenset[ObjectKey | None]) -> tuple[Statement, ...]:
        return tuple(_finished(st, ctx, gone) for st in stmts)

    steps = []
    for step in plan.steps:
        held = step.held
        if held is not None and not held.whole:
            held = HeldBack(done(held.forward, frozenset()), done(held.rollback, renamed))
        steps.append(
            dataclasses.replace(
                step,
                forward=done(step.forward, frozenset()),
                rollback=done(step.rollback, renamed),
                held=held,
            )
        )
    return dataclasses.replace(plan, steps=tuple(steps))


def _finished(st: Statement, ctx: RenderContext, gone: frozenset[ObjectKey | None]) -> Statement:
    """`st` written as marked; an ALTER TABLE of a table in `gone` also doing nothing without it."""
    if not isinstance(st, TableAlter):
        m = _ALTER.match(st.sql)
        if m and table_key(m.group(1)) in gone:
            return _if_table(st, _key(m.group(1)), ctx)
        return st
    key = _key(st.table)
    out: Statement = st
    conditions = []
    if st.if_exists or key in gone:
        if _native(ctx):
            out = _if_table(st, key, ctx)
        else:
            conditions.append(_table_exists(key))
    if st.only_if:
        conditions.append(st.only_if)
    return _guarded(out, " AND ".join(conditions)) if conditions else out


def _if_table(st: Statement, key: ObjectKey, ctx: RenderContext) -> Statement:
    """`st` (an ALTER TABLE) doing nothing when its table is gone: `ALTER TABLE IF EXISTS` (MariaDB
    10.5.2+), else a guard."""
    if _native(ctx):
        return dataclasses.replace(st, sql="ALTER TABLE IF EXISTS " + st.sql.removeprefix("ALTER TABLE "))
    return _guarded(st, _table_exists(key))


def _native(ctx: RenderContext) -> bool:
    """RENAME TABLE IF EXISTS and ALTER TABLE IF EXISTS: MariaDB 10.5.2+ (KB "RENAME TABLE",
    "ALTER TABLE"); an older or unnamed server gets a guard instead."""
    t = ctx.target
    return t is not None and t.product == "mariadb" and t.at_least(10, 5, 2)


def guard(sql: str, condition: str) -> str:
    """`sql` run only when `condition` holds: one MariaDB compound statement in a DELIMITER block.
    Not a prepared statement from a string (which MySQL would run too): that takes four statements,
    and a JDBC driver (Liquibase) refuses several in one; EXECUTE IMMEDIATE, one, takes no subquery."""
    return delimited(f"BEGIN NOT ATOMIC IF {condition} THEN {sql.strip().removesuffix(';')}; END IF; END")


def _guarded(st: Statement, condition: str) -> Statement:
    return dataclasses.replace(st, sql=guard(st.sql, condition))


def _key(rendered: str) -> ObjectKey:
    key = table_key(rendered)
    assert key is not None, rendered
    return key


def _where(key: ObjectKey) -> str:
    """The catalog rows of table `key` (its database, or the script's current one)."""
    schema = literal(key.schema) if key.schema else "DATABASE()"
    return f"TABLE_SCHEMA = {schema} AND TABLE_NAME = {literal(key.name)}"


def _count(view: str, key: ObjectKey, condition: str = "") -> str:
    extra = f" AND {condition}" if condition else ""
    return f"(SELECT COUNT(*) FROM information_schema.{view} WHERE {_where(key)}{extra})"


def _table_exists(key: ObjectKey) -> str:
    return f"{_count('TABLES', key)} > 0"


def _versioned(key: ObjectKey) -> str:
    return _count("TABLES", key, "TABLE_TYPE = 'SYSTEM VERSIONED'")


def _dropped_later(key: ObjectKey, ctx: RenderContext) -> bool:
    """Whether the plan drops table `key` (in `ctx.old`, not in `ctx.new`)."""
    return key in ctx.old.objects and key not in ctx.new.objects


def _versioned_later(key: ObjectKey, ctx: RenderContext) -> bool:
    """Whether the plan turns system versioning on for table `key` (after its other ALTERs)."""
    a, b = ctx.old.objects.get(key), ctx.new.objects.get(key)
    return (
        isinstance(a, Table)
        and isinstance(b, Table)
        and a.option(SystemVersioning) is None
        and b.option(SystemVersioning) is not None
    )


__all__ = ["finish", "guard", "rerunnable"]
