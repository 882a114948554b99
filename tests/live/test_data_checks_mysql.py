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
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pymysql
import pytest

from ddlcompare import compare, dialects
from ddlcompare.plan.checks import CheckKind, Status
from ddlcompare.plan.plan import Plan
from tests.support import mydb, mysql_url
from tests.support.cli import run
from tests.support.servers import MY_SOCKET, MY_USER, require_mariadb

pytestmark = pytest.mark.live

CASES = Path(__file__).resolve().parents[2] / "fixtures" / "checks" / "mysql"
EXPECT = re.compile(r"^-- expect: (\w+) (\d+) ids ([\d,]+)$", re.M)


def expected(case: Path) -> tuple[CheckKind, int, list[str]]:
    """The kind, the count and the sample keys (ids) `fail.sql` says its rows give."""
    m = EXPECT.search((case / "fail.sql").read_text(encoding="utf-8"))
    assert m, f"{case}/fail.sql has no `-- expect: KIND COUNT ids ID,...` line"
    return CheckKind(m.group(1)), int(m.group(2)), m.group(3).split(",")


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


def apply_steps(db: str, case: Path) -> tuple[int | None, str]:
    """Apply the forward migration step by step (destructive statements included); the index of
    the step whose statement failed (None when all applied) and the error."""
    plan = compare(str(case / "old.sql"), str(case / "new.sql"), dialect="mysql")
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


@pytest.mark.parametrize("rows", ["fail", "pass"])
@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir()), ids=str)
def test_data_check(case: str, rows: str) -> None:
    require_mariadb()
    path = CASES / case
    kind, count, ids = expected(path)
    old, new = str(path / "old.sql"), str(path / "new.sql")
    with mydb.fresh_database() as db:
        url = mysql_url.url(db)
        for name in ("old.sql", f"{rows}.sql"):
            assert mydb.load(db, (path / name).read_text(encoding="utf-8")) is None
        before = contents(db)

        d = dialects.get("mysql")
        plan = compare(old, new, dialect="mysql")
        validation = d.validate(plan)
        assert [c.kind for c in validation.checks] == [kind], validation.checks
        check = validation.checks[0]
        (result,) = d.run_checks(url, validation.checks, 30.0)
        out = run(old, new, "--check-db", url, "--format", "validation", "-q")
        assert contents(db) == before, "the data checks changed the database"
        assert not out.crash, out.crash

        if rows == "fail":
            assert (result.status, result.count) == (Status.FAIL, count), result
            assert result.samples == tuple((("id", i),) for i in ids[:5]), result.samples
            assert out.code == 3, out.stderr
            shown = "; ".join(f"id={i}" for i in ids[:5])
            assert f"status: FAIL\n  count: {count}\n  sample keys: {shown}\n" in out.stdout, out.stdout
            failed_at, error = apply_steps(db, path)
            if check.loses:
                assert failed_at is None, error  # applies: the rows counted are the ones lost
            else:
                assert failed_at == host_of(plan, check.step_index), (failed_at, error, check.step)
        else:
            assert (result.status, result.count, result.samples) == (Status.PASS, 0, ()), result
            assert out.code == 1, out.stderr
            assert "status: PASS" in out.stdout and "result: PASS" in out.stdout, out.stdout
            assert apply_steps(db, path) == (None, "")


GOLDEN = CASES.parents[1] / "mysql"


def golden_with_checks() -> list[str]:
    """The golden fixtures whose plan has data checks (listed offline, without a server)."""
    d = dialects.get("mysql")
    out = []
    for case in sorted(GOLDEN.iterdir()):
        plan = compare(str(case / "old.sql"), str(case / "new.sql"), dialect="mysql")
        if d.validate(plan).checks:
            out.append(case.name)
    return out


@pytest.mark.parametrize("case", golden_with_checks(), ids=str)
def test_golden_checks_run(case: str) -> None:
    """Every data check of every golden fixture is valid SQL on the server: run against the old side
    loaded without rows, each PASSes (an empty table violates nothing and loses nothing)."""
    require_mariadb()
    path = GOLDEN / case
    with mydb.fresh_database() as db:
        assert mydb.load(db, (path / "old.sql").read_text(encoding="utf-8")) is None
        d = dialects.get("mysql")
        v = d.validate(compare(str(path / "old.sql"), str(path / "new.sql"), dialect="mysql"))
        results = d.run_checks(mysql_url.url(db), v.checks, 30.0)
        # a check that uses an object the migration creates (a function a new CHECK calls) cannot run yet
        assert [(c.kind, r.status) for c, r in zip(v.checks, results, strict=True)] == [
            (c.kind, Status.NOT_RUN if c.needs else Status.PASS) for c in v.checks
        ], results


def test_read_only_and_timeout() -> None:
    """The checks run in a read-only transaction under max_statement_time: a write and a slow query
    are ERRORs that block, the other checks still run, and no row changes."""
    require_mariadb()
    path = CASES / "nulls"
    with mydb.fresh_database() as db:
        for name in ("old.sql", "fail.sql"):
            assert mydb.load(db, (path / name).read_text(encoding="utf-8")) is None
        d = dialects.get("mysql")
        (check,) = d.validate(compare(str(path / "old.sql"), str(path / "new.sql"), dialect="mysql")).checks
        write = replace(check, sql="INSERT INTO t VALUES (9, 9)", sample_sql="")
        slow = replace(check, sql="SELECT SLEEP(5) AS n", sample_sql="")
        results = d.run_checks(mysql_url.url(db), [write, slow, check], 0.5)
        assert [r.status for r in results] == [Status.ERROR, Status.ERROR, Status.FAIL]
        assert "READ ONLY" in results[0].error
        assert "max_statement_time" in results[1].error
        assert contents(db) == {"t": [(1, 1), (2, None), (3, None)]}
