"""MySQL/MariaDB data checks: the SQL of each kind and running the checks against a live database in
a read-only transaction with a statement timeout."""

from __future__ import annotations

from collections.abc import Sequence

from ddlcompare.dialects.mysql.render import (
    _INT_RANK,
    _SUPERSETS,
    _TEXT_BYTES,
    _charset_of,
    _split_type,
    ident,
    qualified,
)
from ddlcompare.errors import DdlError
from ddlcompare.model.base import ObjectKey
from ddlcompare.model.objects import Column
from ddlcompare.plan.checks import (
    CheckKind,
    CheckResult,
    DataCheck,
    QueryBuilder,
    Rules,
    Status,
    not_yet,
)
from ddlcompare.plan.plan import Plan, Step

RULES = Rules(name_limit=64, name_in_bytes=False, fk_needs_index=False)  # InnoDB indexes FKs itself

_SIGNED = {"tinyint": 7, "smallint": 15, "mediumint": 23, "int": 31, "bigint": 63}


def _range(base: str, unsigned: bool) -> tuple[int, int]:
    bits = _SIGNED[base]
    return (0, 2 ** (bits + 1) - 1) if unsigned else (-(2**bits), 2**bits - 1)


class Queries(QueryBuilder):
    """The MySQL/MariaDB spelling of the checks' queries."""

    def ident(self, name: str) -> str:
        return ident(name)

    def table_sql(self, key: ObjectKey) -> str:
        return qualified(key.schema, key.name)

    def added_value(self, col: Column) -> str:
        return self.expr(col.default) if col.default is not None else "NULL"

    def any_row_fails(self, col: Column) -> bool:
        return False  # existing rows get the type's implicit default ('' or 0)

    def type_predicate(self, check: DataCheck, col: str) -> tuple[CheckKind, str] | None:
        a, b = check.old_column, check.new_column
        if a is None or b is None:
            return None
        return fit_predicate(col, a, b)


def fit_predicate(col: str, a: Column, b: Column) -> tuple[CheckKind, str] | None:
    """The kind and a predicate true for the values of `col` (column `a` before) that column `b`
    cannot hold or would change in strict mode; None when every value fits or the conversion is
    not one these predicates know."""
    ba, aa, ua = _split_type(a.type)
    bb, ab, ub = _split_type(b.type)
    preds: list[str] = []
    set_a = _charset_of(a.collation) if a.collation else None
    set_b = _charset_of(b.collation) if b.collation else None
    if set_a and set_b and set_a != set_b and set_b not in _SUPERSETS.get(set_a, set()):
        # a character the new set lacks: strict mode refuses it (Incorrect string value)
        preds.append(
            f"CAST(CONVERT(CONVERT({col} USING {set_b}) USING {set_a}) AS BINARY) <> CAST({col} AS BINARY)"
        )
    if ba in ("enum", "set") and bb == ba:
        kept = [x for x in aa if x in ab]
        if len(kept) < len(aa):
            if ba == "enum":
                allowed = ", ".join(ab) or "NULL"
                return CheckKind.ENUM_IN_USE, f"{col} NOT IN ({allowed})"
            mask = sum(1 << n for n, x in enumerate(aa) if x not in ab)
            return CheckKind.ENUM_IN_USE, f"({col} + 0) & {mask} <> 0"
    elif ba in _INT_RANK and bb in _INT_RANK:
        lo_a, hi_a = _range(ba, ua)
        lo, hi = _range(bb, ub)
        if lo > lo_a or hi < hi_a:
            preds.append(f"{col} NOT BETWEEN {lo} AND {hi}")
    elif bb in _INT_RANK and ba in ("decimal", "float", "double"):
        lo, hi = _range(bb, ub)
        preds.append(f"{col} <> ROUND({col}) OR ROUND({col}) NOT BETWEEN {lo} AND {hi}")
    elif bb == "decimal" and (ba in ("decimal", "float", "double") or ba in _INT_RANK):
        p, s = int(ab[0]), int(ab[1]) if len(ab) > 1 else 0
        shrinks = True
        if ba == "decimal":
            pa, sa = int(aa[0]), int(aa[1]) if len(aa) > 1 else 0
            shrinks = sa > s or pa - sa > p - s
        if shrinks:
            preds.append(f"{col} <> ROUND({col}, {s}) OR ABS(ROUND({col}, {s})) >= 1{'0' * (p - s)}")
        if ub and not ua:
            preds.append(f"{col} < 0")
    elif bb in ("char", "varchar") and ab:
        n = int(ab[0])
        if not (ba in ("char", "varchar") and aa and int(aa[0]) <= n):
            preds.append(f"CHAR_LENGTH({col}) > {n}")
    elif bb in ("binary", "varbinary") and ab:
        preds.append(f"LENGTH({col}) > {int(ab[0])}")
    elif bb in _TEXT_BYTES and (ba not in _TEXT_BYTES or _TEXT_BYTES[ba] > _TEXT_BYTES[bb]):
        preds.append(f"LENGTH({col}) > {_TEXT_BYTES[bb]}")
    elif bb == "date" and ba in ("datetime", "timestamp"):
        preds.append(f"{col} <> DATE({col})")
    elif bb == ba and ba in ("datetime", "timestamp", "time"):
        pa, pb = int(aa[0]) if aa else 0, int(ab[0]) if ab else 0
        if pb < pa:
            preds.append(f"MICROSECOND({col}) MOD {10 ** (6 - pb)} <> 0")
    if not preds:
        return None
    return CheckKind.TYPE_FIT, " OR ".join(f"({p})" for p in preds) if len(preds) > 1 else preds[0]


def extra_checks(i: int, step: Step, plan: Plan) -> list[DataCheck]:
    """No MySQL-only kind is checked yet (a dropped partition's rows: see the README's gaps)."""
    return []


def run(url: str, checks: Sequence[DataCheck], timeout: float) -> list[CheckResult]:
    """Run `checks` against `url` in one read-only transaction, each under the server's statement
    time limit (MariaDB `max_statement_time`, seconds; MySQL `max_execution_time`, ms). A check whose
    query fails is an ERROR and the others go on. Nothing is written: the session and the
    transaction are read-only, and the transaction is rolled back."""
    import pymysql

    from ddlcompare.dialects.mysql.catalog import _connect, parse_url

    u = parse_url(url)
    conn, scrub = _connect(u)
    out: list[CheckResult] = []
    try:
        with conn, conn.cursor() as cur:
            version = str(conn.get_server_info()).lower()
            if "mariadb" in version:
                cur.execute(f"SET SESSION max_statement_time = {max(timeout, 0.001):.3f}")
            else:
                cur.execute(f"SET SESSION max_execution_time = {max(1, int(timeout * 1000))}")
            cur.execute("SET SESSION TRANSACTION READ ONLY")
            cur.execute("START TRANSACTION READ ONLY")
            for check in checks:
                if check.needs:
                    out.append(not_yet(check))
                    continue
                try:
                    cur.execute(check.sql)
                    row = cur.fetchone()
                    n = int(row["n"]) if row else 0
                    samples: tuple[tuple[tuple[str, str], ...], ...] = ()
                    if n and check.sample_sql:
                        cur.execute(check.sample_sql)
                        samples = tuple(
                            tuple((k, _show(r[k])) for k in check.key_columns) for r in cur.fetchall()
                        )
                    out.append(CheckResult(Status.FAIL if n else Status.PASS, n, samples))
                except pymysql.err.MySQLError as e:
                    text = scrub(str(e.args[1]) if len(e.args) > 1 else str(e))
                    out.append(CheckResult(Status.ERROR, error=text))
            cur.execute("ROLLBACK")
    except pymysql.err.MySQLError as e:
        text = scrub(str(e.args[1]) if len(e.args) > 1 else str(e))
        raise DdlError(f"{u.redacted()}: data checks failed: {text}") from None
    return out


def _show(value: object) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)
