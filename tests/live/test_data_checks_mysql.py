"""The data checks of schema_validation.log, held against MariaDB 10.11 (strict sql_mode, the default).

Every case of fixtures/checks/mysql/ (one per data check kind; `fail.sql` starts with
`-- expect: KIND COUNT ids ID,...`) is loaded into a fresh database, old side first, then with rows:

- `fail.sql` (rows that violate the step): `--check-db` reports FAIL with COUNT and the sample
  keys ID,... (primary keys of the first 5 offending rows), and exits 3; the forward migration,
  applied anyway step by step with the destructive statements, fails at the step the check names
  (or at the step its ALTER TABLE was merged into: one ALTER per table, the member steps keep
  no statements of their own);
  for the data_loss kinds it applies, and the rows counted (COUNT, by hand) are the ones lost.
- `pass.sql` (clean rows): PASS, exit 1, and the whole migration applies.

Either way the checks leave every row as it was (read-only). All cases run (about 20 s in all).
The harness is shared with PostgreSQL's (tests/support/datachecks.py).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pymysql
import pytest

from ddlcompare import dialects
from ddlcompare.plan.checks import Status
from ddlcompare.plan.plan import Plan
from tests.support import datachecks, mydb, mysql_url
from tests.support.servers import MY_SOCKET, MY_USER, require_mariadb

pytestmark = pytest.mark.live


def connect(db: str) -> Any:
    return pymysql.connect(unix_socket=MY_SOCKET, user=MY_USER, database=db, autocommit=True)


def contents(db: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of the database, sorted: what the checks must not change."""
    with connect(db) as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE' ORDER BY 1"
        )
        out = {}
        for (t,) in cur.fetchall():
            cur.execute(f"SELECT * FROM `{t}`")
            out[t] = sorted(cur.fetchall(), key=repr)
        return out


def load(db: str, sql: str) -> None:
    error = mydb.load(db, sql)
    assert error is None, error


def apply_steps(db: str, plan: Plan) -> tuple[int | None, str]:
    """Apply the forward migration step by step (destructive statements included); the index of
    the step whose statement failed (None when all applied) and the error."""
    with connect(db) as conn, conn.cursor() as cur:
        for i, step in enumerate(plan.steps):
            try:
                for st in step.forward:
                    cur.execute(st.sql)
            except pymysql.err.MySQLError as e:
                return i, str(e)
    return None, ""


def host_of(plan: Plan, i: int) -> int:
    """The step whose statements apply step `i`: itself, or for a member of a merged ALTER TABLE
    (no statements of its own) the step of its table that carries the merged statement."""
    step = plan.steps[i]
    if step.forward:
        return i
    table = (step.key.schema, step.key.parent or step.key.name)
    hosts = [
        j
        for j, s in enumerate(plan.steps)
        if s.forward and (s.key.schema, s.key.parent or s.key.name) == table
    ]
    assert len(hosts) == 1, hosts
    return hosts[0]


SERVER = datachecks.Server(
    dialect="mysql",
    fresh=mydb.fresh_database,
    url=mysql_url.url,
    load=load,
    contents=contents,
    apply_steps=apply_steps,
    host_of=host_of,
)


@pytest.mark.parametrize("rows", ["fail", "pass"])
@pytest.mark.parametrize("case", datachecks.case_names("mysql"), ids=str)
def test_data_check(case: str, rows: str) -> None:
    require_mariadb()
    datachecks.check_case(SERVER, case, rows)


@pytest.mark.parametrize("case", datachecks.golden_with_checks("mysql"), ids=str)
def test_golden_checks_run(case: str) -> None:
    """Every data check of every golden fixture is valid SQL on the server."""
    require_mariadb()
    datachecks.golden_checks_run(SERVER, case)


def test_read_only_and_timeout() -> None:
    """The checks run in a read-only transaction under max_statement_time: a write and a slow query
    are ERRORs that block, the other checks still run, and no row changes."""
    require_mariadb()
    with datachecks.nulls_case(SERVER) as (db, check):
        write = replace(check, sql="INSERT INTO t VALUES (9, 9)", sample_sql="")
        slow = replace(check, sql="SELECT SLEEP(5) AS n", sample_sql="")
        results = dialects.get("mysql").run_checks(mysql_url.url(db), [write, slow, check], 0.5)
        assert [r.status for r in results] == [Status.ERROR, Status.ERROR, Status.FAIL]
        assert "READ ONLY" in results[0].error
        assert "max_statement_time" in results[1].error
        assert contents(db) == {"t": [(1, 1), (2, None), (3, None)]}
