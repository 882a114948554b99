"""PostgreSQL data checks: the SQL of each kind, the enum swap's own check, and running the checks
against a live database in a read-only transaction with a statement timeout."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

from ddlcompare import dburl
from ddlcompare.dialects.postgres.names import ident, literal, qualified
from ddlcompare.dialects.postgres.objects import Enum, ForeignTable, Identity
from ddlcompare.diff.changes import Alter
from ddlcompare.errors import DdlError
from ddlcompare.model.base import ObjectKey
from ddlcompare.model.objects import Column, Table
from ddlcompare.plan.checks import (
    CheckKind,
    CheckResult,
    DataCheck,
    QueryBuilder,
    Rules,
    Status,
    Validation,
    not_yet,
    primary_key,
)
from ddlcompare.plan.plan import Plan, Step

RULES = Rules(name_limit=63, name_in_bytes=True, fk_needs_index=True)

_INT_RANGE = {
    "smallint": (-32768, 32767),
    "integer": (-2147483648, 2147483647),
    "bigint": (-9223372036854775808, 9223372036854775807),
}
_INT_RANK = {"smallint": 1, "integer": 2, "bigint": 3}
_EXACT = {"smallint", "integer", "bigint", "numeric"}
_FLOAT = {"real", "double precision"}
_STRINGS = ("character varying", "character", "text")
_NUMERIC = re.compile(r"numeric\((\d+)(?:,(\d+))?\)")
_LENGTH = re.compile(r"(character varying|character|bit varying|bit)\((\d+)\)")
_TIMESTAMP = re.compile(r"(timestamp|time)(?:\((\d)\))? (with|without) time zone")


class Queries(QueryBuilder):
    """The PostgreSQL spelling of the checks' queries."""

    def ident(self, name: str) -> str:
        return ident(name)

    def table_sql(self, key: ObjectKey) -> str:
        return qualified(key.schema, key.name)

    def added_value(self, col: Column) -> str:
        value = self.expr(col.default) if col.default is not None else "NULL"
        return f"CAST({value} AS {col.type})"

    def any_row_fails(self, col: Column) -> bool:
        return col.option(Identity) is None and not col.type.endswith("serial")

    def type_predicate(self, check: DataCheck, col: str) -> tuple[CheckKind, str] | None:
        if check.kind is CheckKind.ENUM_IN_USE:
            allowed = ", ".join(literal(x) for x in check.labels) or "NULL"
            if check.old_column is not None and check.old_column.type.endswith("[]"):
                return CheckKind.ENUM_IN_USE, (
                    f"EXISTS (SELECT 1 FROM unnest({col}) v WHERE v::text NOT IN ({allowed}))"
                )
            return CheckKind.ENUM_IN_USE, f"{col}::text NOT IN ({allowed})"
        a, b = check.old_column, check.new_column
        if a is None or b is None or a.type == b.type:
            return None
        pred = fit_predicate(col, a.type, b.type)
        return None if pred is None else (CheckKind.TYPE_FIT, pred)


def fit_predicate(col: str, old: str, new: str) -> str | None:
    """True for the values of `col` (of type `old`) that `new` cannot hold or would change; None
    when every value fits or the conversion is not one these predicates know (the step is then
    listed as unchecked)."""
    m = _LENGTH.fullmatch(new)
    if m:
        n = int(m.group(2))
        om = _LENGTH.fullmatch(old)
        if om and om.group(1) == m.group(1) and int(om.group(2)) <= n:
            return None
        if m.group(1).startswith("bit"):
            return f"length({col}) > {n}"
        return f"char_length({col}::text) > {n}"
    if new in _INT_RANGE:
        lo, hi = _INT_RANGE[new]
        if old in _INT_RANK:
            return None if _INT_RANK[old] <= _INT_RANK[new] else f"{col} NOT BETWEEN {lo} AND {hi}"
        if old.startswith("numeric") or old in _FLOAT:
            # the cast rounds: values it changes are lost, values it cannot hold fail
            return f"{col} <> round({col}) OR round({col}) NOT BETWEEN {lo} AND {hi}"
        if old.startswith(_STRINGS):
            return (
                f"CASE WHEN {col}::text ~ '^\\s*[+-]?[0-9]+\\s*$' "
                f"THEN {col}::text::numeric NOT BETWEEN {lo} AND {hi} ELSE TRUE END"
            )
        return None
    m = _NUMERIC.fullmatch(new)
    if m and (old in _EXACT or old.startswith("numeric") or old in _FLOAT):
        p, s = int(m.group(1)), int(m.group(2) or 0)
        om = _NUMERIC.fullmatch(old)
        if om and int(om.group(2) or 0) <= s and int(om.group(1)) - int(om.group(2) or 0) <= p - s:
            return None
        v = f"{col}::numeric"
        return f"{v} <> round({v}, {s}) OR abs(round({v}, {s})) >= 1{'0' * (p - s)}"
    if new == "real" and (old == "double precision" or old.startswith("numeric")):
        return f"CASE WHEN abs({col}) > 3.4e38 THEN TRUE ELSE {col}::real::double precision <> {col} END"
    if new == "date" and (old.startswith("timestamp")):
        return f"{col}::date <> {col}"
    tm_new, tm_old = _TIMESTAMP.fullmatch(new), _TIMESTAMP.fullmatch(old)
    if tm_new and tm_old and tm_new.group(1, 3) == tm_old.group(1, 3):
        pn, po = int(tm_new.group(2) or 6), int(tm_old.group(2) or 6)
        return None if pn >= po else f"{col}::{new} <> {col}"
    return None


def extra_checks(i: int, step: Step, plan: Plan) -> list[DataCheck]:
    """An enum swapped for one without some labels: the columns of that type that hold a label
    the new type lacks (every column of the type, in every table the migration keeps)."""
    change = step.change
    if not isinstance(change, Alter) or not isinstance(change.old, Enum) or not isinstance(change.new, Enum):
        return []
    labels = change.new.labels  # a swap that only reorders keeps every value: its check passes
    name = qualified(change.old.schema, change.old.name)
    out = []
    for table in sorted(plan.old.of_kind(Table), key=lambda t: t.key):
        if table.key not in plan.new.objects:
            continue
        for c in table.columns:
            if c.type in (name, f"{name}[]"):
                out.append(
                    DataCheck(
                        CheckKind.ENUM_IN_USE,
                        step.key,
                        i,
                        table.key,
                        f"values of {table.display}.{c.name} that use a label {name} loses",
                        key_columns=primary_key(plan.old, table.key),
                        columns=(c.name,),
                        old_column=c,
                        labels=labels,
                    )
                )
    return out


def remote_checks(v: Validation) -> Validation:
    """`v` without the data checks of foreign tables, listed as unchecked instead: their rows are on
    the remote server, which the migration neither scans nor changes (PostgreSQL does not enforce a
    foreign table's constraints), and reading them needs the remote server and a user mapping."""
    tables = {**v.plan.old.objects, **v.plan.new.objects}

    def remote(key: ObjectKey) -> bool:
        t = tables.get(key)
        return isinstance(t, Table) and t.option(ForeignTable) is not None

    kept = tuple(c for c in v.checks if not remote(c.table))
    if len(kept) == len(v.checks):
        return v
    gone = tuple(
        (c.step, "a foreign table: its rows are on the remote server, which the migration does not check")
        for c in v.checks
        if remote(c.table)
    )
    return dataclasses.replace(v, checks=kept, unchecked=(*v.unchecked, *gone))


def run(url: str, checks: Sequence[DataCheck], timeout: float) -> list[CheckResult]:
    """Run `checks` against `url` in one read-only transaction (REPEATABLE READ: one snapshot for
    all), each under `statement_timeout`; a check whose query fails is an ERROR, the others go on
    (each runs in a savepoint). Nothing is written: the transaction is read-only and rolled back."""
    import psycopg

    from ddlcompare.dialects.postgres.catalog import _connect

    u = dburl.parse(url)
    conn = _connect(u)
    out: list[CheckResult] = []
    try:
        with conn:
            conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            conn.execute("SET TRANSACTION READ ONLY")
            conn.execute(f"SET LOCAL statement_timeout = {max(1, int(timeout * 1000))}")
            for check in checks:
                if check.needs:
                    out.append(not_yet(check))
                    continue
                conn.execute("SAVEPOINT ddlcompare_check")
                try:
                    row = conn.execute(check.sql).fetchone()
                    n = int(row["n"]) if row else 0
                    samples: tuple[tuple[tuple[str, str], ...], ...] = ()
                    if n and check.sample_sql:
                        rows = conn.execute(check.sample_sql).fetchall()
                        samples = tuple(tuple((k, _show(r[k])) for k in check.key_columns) for r in rows)
                    out.append(CheckResult(Status.FAIL if n else Status.PASS, n, samples))
                    conn.execute("RELEASE SAVEPOINT ddlcompare_check")
                except psycopg.Error as e:
                    conn.execute("ROLLBACK TO SAVEPOINT ddlcompare_check")
                    msg = u.scrub(str(e)).strip().splitlines()
                    out.append(CheckResult(Status.ERROR, error=msg[0] if msg else type(e).__name__))
            conn.execute("ROLLBACK")
    except psycopg.Error as e:
        msg = u.scrub(str(e)).strip().splitlines()
        raise DdlError(f"{u.redacted}: data checks failed: {msg[0] if msg else type(e).__name__}") from None
    return out


def _show(value: object) -> str:
    return "NULL" if value is None else str(value)
