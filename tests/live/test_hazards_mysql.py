"""The MySQL hazard classifier's ALGORITHM claims, held against MariaDB 10.11 (target mariadb:10.11).

Cases: every golden fixture fixtures/mysql/*/ and the corpus MySQL pairs whose two sides load on
MariaDB (all of them: the run takes about a minute with -n 2; see `SAMPLE_EVERY` to thin them).
For each case old.sql is loaded into a fresh database and every table of it gets one row: a value
for each stored column chosen by its type (1 for numbers, ENUM and SET (their first member), '1'
for strings, 2001-01-01 for dates, POINT(1 1) for geometry), inserted with foreign_key_checks=0 and
an empty sql_mode; the same value everywhere keeps foreign keys satisfied (parent and child hold
1). Then the forward statements run in order (destructive ones included) with foreign_key_checks=1
and the server's sql_mode. For each ALTER TABLE of a table that exists before the migration:

- said INSTANT: it must succeed with `, ALGORITHM=INSTANT` appended;
- said INPLACE: `, ALGORITHM=INSTANT` must be refused (error 1845/1846) and `, ALGORITHM=INPLACE` run;
- said COPY (table_rewrite): `, ALGORITHM=INPLACE` must be refused, then it runs plain;
- the statement carries table_rewrite exactly when it is said to need COPY (merged statements carry
  the union of their clauses' hazards);
- a statement that fails on the rows must carry may_fail_on_data.

Partition maintenance (ADD/DROP PARTITION, PARTITION BY, REMOVE PARTITIONING) is not checked:
MariaDB accepts no ALGORITHM there or ignores it (REMOVE PARTITIONING is accepted with INSTANT).
Known mismatches: tests/known_failures/mysql_hazards.txt (strict both ways).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pymysql
import pytest

from ddlcompare import plan_between
from ddlcompare.dialects import LoadOptions, get
from ddlcompare.dialects.mysql.hazards import Algorithm, alter_clauses, statement_algorithm
from ddlcompare.model.base import Schema
from ddlcompare.model.objects import Column, Table
from ddlcompare.output.sql import statements
from ddlcompare.plan.hazards import HazardCode, parse_target
from ddlcompare.plan.plan import PlanOptions, RenderContext, Statement
from tests.support import corpus, mydb
from tests.support.known import known
from tests.support.servers import MY_SOCKET, MY_USER, require_mariadb

pytestmark = pytest.mark.live_mysql

TARGET = parse_target("mariadb:10.11", "test")
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "mysql"
SAMPLE_EVERY = 1  # every n-th loading corpus pair by sorted id (1: all)
NOT_SUPPORTED = (1845, 1846)  # ER_ALTER_OPERATION_NOT_SUPPORTED(_REASON)
_PARTITION = re.compile(r"^(?:ADD|DROP|TRUNCATE) PARTITION|^REMOVE PARTITIONING|^PARTITION BY")


@dataclass(frozen=True)
class Case:
    id: str
    old: Path
    new: Path


def _cases() -> list[Case]:
    out = [
        Case(f"fixtures/mysql/{p.name}", p / "old.sql", p / "new.sql")
        for p in sorted(FIXTURES.iterdir())
        if (p / "new.sql").is_file() and p.name != "index_functional"  # MariaDB rejects its new.sql
    ]
    pairs = [p for p in corpus.pairs("mysql") if p.loads()]
    out += [Case(p.id, p.old, p.new) for p in pairs[::SAMPLE_EVERY]]
    return out


CASES = _cases()


@dataclass
class Figures:
    """What one case measured."""

    tables: int = 0
    with_rows: int = 0
    checked: int = 0
    confirmed: int = 0
    unverifiable: int = 0
    rewrite_beyond: int = 0  # table_rewrite on a statement that needs no COPY
    by_algorithm: dict[str, int] = field(default_factory=dict)
    mismatches: list[str] = field(default_factory=list)
    stopped: str = ""

    def line(self) -> str:
        algs = " ".join(f"{k}={v}" for k, v in sorted(self.by_algorithm.items()))
        return (
            f"tables={self.tables} with_rows={self.with_rows} checked={self.checked} "
            f"confirmed={self.confirmed} mismatches={len(self.mismatches)} unverifiable={self.unverifiable} "
            f"rewrite_beyond={self.rewrite_beyond} "
            f"[{algs}]" + (f" stopped: {self.stopped}" if self.stopped else "")
        )


def _value(col: Column) -> str | None:
    """A literal for one row of `col` (None: leave it to its default)."""
    base = re.match(r"\w+", col.type)
    t = base.group(0).lower() if base else ""
    if col.generated is not None:
        return None
    if t in ("date",):
        return "'2001-01-01'"
    if t in ("datetime", "timestamp"):
        return "'2001-01-01 00:00:00'"
    if t == "time":
        return "'01:00:00'"
    if t == "year":
        return "2001"
    if t in ("point", "geometry"):
        return "ST_GeomFromText('POINT(1 1)')"
    if t in ("linestring", "polygon", "multipoint", "multilinestring", "multipolygon", "geometrycollection"):
        return None
    if t == "uuid":
        return "'00000000-0000-0000-0000-000000000001'"
    if t in ("inet4", "inet6"):
        return "'1.1.1.1'" if t == "inet4" else "'::1'"
    if t in ("char", "varchar", "binary", "varbinary", "json") or t.endswith(("text", "blob")):
        return "'1'"
    return "1"  # numbers, bit, enum and set (their first member)


def _fill(conn: pymysql.connections.Connection, schema: Schema) -> tuple[int, int]:
    """One row in every table of `schema` that takes one: (tables, tables with a row)."""
    tables = schema.of_kind(Table)
    filled = 0
    with conn.cursor() as cur:
        cur.execute("SET SESSION foreign_key_checks = 0, sql_mode = ''")
        for t in tables:
            name = f"`{t.name.replace('`', '``')}`"
            cols = [(c, v) for c in t.columns if (v := _value(c)) is not None]
            names = ", ".join(f"`{c.name.replace('`', '``')}`" for c, _ in cols)
            for sql in (
                f"INSERT INTO {name} ({names}) VALUES ({', '.join(v for _, v in cols)})",
                f"INSERT INTO {name} () VALUES ()",
            ):
                try:
                    cur.execute(sql)
                    filled += 1
                    break
                except pymysql.MySQLError:
                    continue
        cur.execute("SET SESSION foreign_key_checks = 1, sql_mode = DEFAULT")
    return len(tables), filled


def _runnable(st: Statement) -> str:
    """The statement as one server statement (a `DELIMITER ;;` block unwrapped; "" for comments)."""
    sql = st.sql.strip()
    if sql.startswith("DELIMITER ;;\n"):
        sql = sql.removeprefix("DELIMITER ;;\n").removesuffix("DELIMITER ;").rstrip().removesuffix(";;")
    lines = [ln for ln in sql.splitlines() if not ln.lstrip().startswith("--")]
    return "\n".join(lines).strip()


def _run(cur: pymysql.cursors.Cursor, sql: str) -> tuple[int, str] | None:
    """None when it ran, else (error code, message)."""
    try:
        cur.execute(sql)
        return None
    except pymysql.MySQLError as e:
        code = e.args[0] if e.args and isinstance(e.args[0], int) else -1
        return code, str(e.args[1] if len(e.args) > 1 else e)


def _with(sql: str, algorithm: str) -> str:
    return sql.rstrip().removesuffix(";") + f", ALGORITHM={algorithm}"


def check_case(case: Case) -> Figures:
    """Load, fill and migrate one case, checking every ALTER TABLE's claimed algorithm."""
    d = get("mysql")
    old_sql, new_sql = case.old.read_text(encoding="utf-8"), case.new.read_text(encoding="utf-8")
    # the plain statements (--no-idempotent): hazards are judged on them, and a guard is several
    # statements on one line, which one cursor.execute does not take
    plan = plan_between(
        d.parse(old_sql, "old.sql", LoadOptions()),
        d.parse(new_sql, "new.sql", LoadOptions()),
        TARGET,
        PlanOptions(idempotent=False),
    )
    ctx = RenderContext(plan.old, plan.new, target=plan.target)
    fig = Figures()
    with mydb.fresh_database() as db:
        err = mydb.load(db, old_sql)
        if err is not None:
            fig.stopped = f"load old: {err[:200]}"
            return fig
        conn = pymysql.connect(
            unix_socket=MY_SOCKET, user=MY_USER, database=db, autocommit=True, charset="utf8mb4"
        )
        try:
            fig.tables, fig.with_rows = _fill(conn, plan.old)
            with conn.cursor() as cur:
                for st in statements(plan):
                    sql = _runnable(st)
                    if sql:
                        _step(cur, st, sql, ctx, fig)
                    if fig.stopped:
                        break
        finally:
            conn.close()
    return fig


def _step(cur: pymysql.cursors.Cursor, st: Statement, sql: str, ctx: RenderContext, fig: Figures) -> None:
    """Run one statement, checking its claims when it is an ALTER TABLE of a table with rows."""
    found = alter_clauses(st)
    alg = statement_algorithm(st, ctx)
    short = " ".join(sql.split())[:160]
    if found is None or alg is None or any(_PARTITION.match(c) for c in found[1]):
        if found is not None and alg is not None:
            fig.unverifiable += 1
        err = _run(cur, sql)
        if err is not None:
            _failed(st, err, short, fig)
        return
    fig.checked += 1
    fig.by_algorithm[str(alg)] = fig.by_algorithm.get(str(alg), 0) + 1
    rewrite = any(h.code == HazardCode.TABLE_REWRITE for h in st.hazards)
    ok = True
    if alg == Algorithm.COPY and not rewrite:
        ok = False
        fig.mismatches.append(f"said COPY but table_rewrite is missing: {short}")
    elif rewrite and alg != Algorithm.COPY:
        # a merged statement carries every hazard of the statements it took clauses from, also
        # of those whose other clauses went to another statement (a foreign key re-added apart)
        fig.rewrite_beyond += 1
    if alg == Algorithm.INSTANT:
        err = _run(cur, _with(sql, "INSTANT"))
        if err is None:
            fig.confirmed += ok
            return
        if err[0] in NOT_SUPPORTED:
            fig.mismatches.append(f"said INSTANT, server: {err[1]}: {short}")
            err = _run(cur, sql)
            if err is not None:
                _failed(st, err, short, fig)
        else:
            _failed(st, err, short, fig)
        return
    refused = _run(cur, _with(sql, "INSTANT" if alg == Algorithm.INPLACE else "INPLACE"))
    if refused is None:
        fig.mismatches.append(f"said {alg}, but the server ran it with a faster ALGORITHM: {short}")
        return
    if refused[0] not in NOT_SUPPORTED:
        _failed(st, refused, short, fig)
        return
    err = _run(cur, _with(sql, "INPLACE") if alg == Algorithm.INPLACE else sql)
    if err is None:
        fig.confirmed += ok
    elif alg == Algorithm.INPLACE and err[0] in NOT_SUPPORTED:
        fig.mismatches.append(f"said INPLACE, server needs COPY: {err[1]}: {short}")
        err = _run(cur, sql)
        if err is not None:
            _failed(st, err, short, fig)
    else:
        _failed(st, err, short, fig)


def _failed(st: Statement, err: tuple[int, str], short: str, fig: Figures) -> None:
    """A statement the rows (or the server) refused: the case cannot go on."""
    if not any(h.code == HazardCode.MAY_FAIL_ON_DATA for h in st.hazards):
        fig.mismatches.append(f"failed without may_fail_on_data ({err[0]} {err[1]}): {short}")
    fig.stopped = f"{err[0]} {err[1][:160]}: {short}"


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_algorithms(case: Case, request: pytest.FixtureRequest) -> None:
    """Every checked ALTER TABLE behaves on MariaDB 10.11 as its claimed ALGORITHM says."""
    require_mariadb()
    fig = check_case(case)
    request.node.user_properties.append(("hazard_figures", fig.line()))
    print(f"HAZARDS {case.id}: {fig.line()}")
    detail = "\n".join(fig.mismatches)
    known("mysql_hazards").check(request, case.id, not fig.mismatches, detail, category="algorithm")
