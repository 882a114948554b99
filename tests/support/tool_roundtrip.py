"""The live round trip of a migration tool's files: old loaded into a database, the tool's forward
applied (the database then reads back equal to new), its undo applied (equal to old again); new and
old loaded on their own into two more databases as the references."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass

from ddlcompare.dialects import LoadOptions, get
from ddlcompare.diff.compare import diff
from ddlcompare.model.base import Schema
from tests.support import mydb, pgdb
from tests.support.roundtrip_mysql import describe, inspect, scratch

META = "lbmeta"  # PostgreSQL: a schema for the tool's own tables, left out of the comparison


@dataclass(frozen=True)
class Outcome:
    """Where the round trip stopped: "ok", or load old|load new|<forward stage>|<forward stage>
    result|<undo stage>|<undo stage> result."""

    stage: str
    detail: str = ""
    files: str = ""  # what the tool ran, for the failure message

    @property
    def ok(self) -> bool:
        return self.stage == "ok"


@dataclass(frozen=True)
class Databases:
    """The database migrated (`migrated`), and where the tool keeps its own tables (`meta`: a schema
    of it on PostgreSQL, a database of its own on MariaDB)."""

    dialect: str
    migrated: str
    meta: str


Apply = tuple[str, Callable[[Databases], str | None]]  # (stage name, apply: error text or None)


@contextmanager
def _databases(dialect: str, count: int) -> Iterator[list[str]]:
    with ExitStack() as stack:
        if dialect == "postgres":
            yield [stack.enter_context(pgdb.fresh_db("ddlc_tool")) for _ in range(count)]
        else:
            yield [stack.enter_context(scratch()) for _ in range(count)]


def _load(dialect: str, db: str, setup_sql: str, sql: str) -> str | None:
    if dialect == "postgres":
        try:
            if setup_sql:
                pgdb.load(db, setup_sql)
            pgdb.load(db, sql)
        except pgdb.LoadError as e:
            return str(e)
        return None
    return (mydb.load(db, setup_sql) if setup_sql else None) or mydb.load(db, sql)


def _read(dialect: str, db: str) -> Schema:
    if dialect == "postgres":
        return get("postgres").inspect(pgdb.url(db), LoadOptions())
    # without definers: a view or routine created without DEFINER= belongs to the account that ran
    # it (root@127.0.0.1 over JDBC, root@localhost for the client that loads new)
    return inspect(db, definers=False)


def _without(schema: Schema, drop: str) -> Schema:
    """`schema` without the tool's schema and what is in it."""
    objects = {k: o for k, o in schema.objects.items() if k.schema != drop and k.name != drop}
    return Schema(schema.dialect, objects)


def tool_roundtrip(
    dialect: str, old_sql: str, new_sql: str, setup_sql: str, files: str, forward: Apply, undo: Apply
) -> Outcome:
    """Run `forward` on a database holding old and compare it with new, then `undo` and compare
    with old. `setup_sql` goes into every database first."""
    with _databases(dialect, 4 if dialect == "mysql" else 3) as dbs:
        a, b, c = dbs[:3]
        for db, sql, stage in ((a, old_sql, "load old"), (b, new_sql, "load new"), (c, old_sql, "load old")):
            err = _load(dialect, db, setup_sql, sql)
            if err is not None:
                return Outcome(stage, err, files)
        if dialect == "postgres":
            pgdb.psql(a, f"CREATE SCHEMA {META};")
        where = Databases(dialect, a, META if dialect == "postgres" else dbs[3])
        column_order = get(dialect).COLUMN_ORDER
        for (stage, apply), expected in ((forward, _read(dialect, b)), (undo, _read(dialect, c))):
            err = apply(where)
            if err is not None:
                return Outcome(stage, err, files)
            changes = diff(_without(_read(dialect, a), META), expected, column_order=column_order)
            if changes:
                return Outcome(f"{stage} result", describe(tuple(changes)), files)
    return Outcome("ok", "", files)
