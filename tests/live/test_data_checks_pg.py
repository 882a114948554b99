"""The data checks of schema_validation.log, held against PostgreSQL 15.

Every case of fixtures/checks/postgres/ (one per data check kind; `fail.sql` starts with
`-- expect: KIND COUNT ids ID,...`) is loaded into a fresh database, old side first, then with rows:

- `fail.sql` (rows that violate the step): `--check-db` reports FAIL with COUNT and the sample
  keys ID,... (primary keys of the first 5 offending rows), and exits 3; the forward migration,
  applied anyway step by step with the destructive statements, fails at the step the check names;
  for the data_loss kinds it applies, and the rows counted (COUNT, by hand) are the ones lost.
- `pass.sql` (clean rows): PASS, exit 1, and the whole migration applies.

Either way the checks leave every row as it was (read-only). All cases run (about 20 s in all).
"""

from __future__ import annotations

import re
import tempfile
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

import psycopg
import pytest

from ddlcompare import compare, dialects
from ddlcompare.plan.checks import CheckKind, Status
from tests.support import pgdb
from tests.support.cli import run
from tests.support.servers import require_pg

pytestmark = pytest.mark.live

CASES = Path(__file__).resolve().parents[2] / "fixtures" / "checks" / "postgres"
EXPECT = re.compile(r"^-- expect: (\w+) (\d+) ids ([\d,]+)$", re.M)


def expected(case: Path) -> tuple[CheckKind, int, list[str]]:
    """The kind, the count and the sample keys (ids) `fail.sql` says its rows give."""
    m = EXPECT.search((case / "fail.sql").read_text(encoding="utf-8"))
    assert m, f"{case}/fail.sql has no `-- expect: KIND COUNT ids ID,...` line"
    return CheckKind(m.group(1)), int(m.group(2)), m.group(3).split(",")


def contents(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of the public schema, sorted: what the checks must not change."""
    with psycopg.connect(url, autocommit=True) as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1"
            )
        ]
        return {t: sorted(map(tuple, conn.execute(f'SELECT * FROM public."{t}"')), key=repr) for t in tables}


def apply_steps(url: str, case: Path) -> tuple[int | None, str]:
    """Apply the forward migration step by step (destructive statements included), each step in its
    own transaction; the index of the step that failed (None when all applied) and the error."""
    plan = compare(str(case / "old.sql"), str(case / "new.sql"), dialect="postgres")
    with psycopg.connect(url, autocommit=True) as conn:
        for i, step in enumerate(plan.steps):
            try:
                with conn.transaction():
                    for st in step.forward:
                        conn.execute(st.sql)
            except psycopg.Error as e:
                return i, str(e).strip()
    return None, ""


@pytest.mark.parametrize("rows", ["fail", "pass"])
@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir()), ids=str)
def test_data_check(case: str, rows: str) -> None:
    require_pg()
    path = CASES / case
    kind, count, ids = expected(path)
    old, new = str(path / "old.sql"), str(path / "new.sql")
    with pgdb.fresh_db("ddlc_chk") as db:
        url = pgdb.url(db)
        pgdb.load(db, (path / "old.sql").read_text(encoding="utf-8"))
        pgdb.load(db, (path / f"{rows}.sql").read_text(encoding="utf-8"))
        before = contents(url)

        d = dialects.get("postgres")
        plan = compare(old, new, dialect="postgres")
        validation = d.validate(plan)
        assert [c.kind for c in validation.checks] == [kind], validation.checks
        check = validation.checks[0]
        (result,) = d.run_checks(url, validation.checks, 30.0)
        out = run(old, new, "--check-db", url, "--format", "validation", "-q")
        assert contents(url) == before, "the data checks changed the database"
        assert not out.crash, out.crash

        if rows == "fail":
            assert (result.status, result.count) == (Status.FAIL, count), result
            assert result.samples == tuple((("id", i),) for i in ids[:5]), result.samples
            assert out.code == 3, out.stderr
            shown = "; ".join(f"id={i}" for i in ids[:5])
            assert f"status: FAIL\n  count: {count}\n  sample keys: {shown}\n" in out.stdout, out.stdout
            failed_at, error = apply_steps(url, path)
            if check.loses:
                assert failed_at is None, error  # applies: the rows counted are the ones lost
            else:
                assert failed_at == check.step_index, (failed_at, error, check.step)
        else:
            assert (result.status, result.count, result.samples) == (Status.PASS, 0, ()), result
            assert out.code == 1, out.stderr
            assert "status: PASS" in out.stdout and "result: PASS" in out.stdout, out.stdout
            assert apply_steps(url, path) == (None, "")


GOLDEN = CASES.parents[1] / "postgres"


def golden_with_checks() -> list[str]:
    """The golden fixtures whose plan has data checks (listed offline, without a server)."""
    d = dialects.get("postgres")
    out = []
    for case in sorted(GOLDEN.iterdir()):
        plan = compare(str(case / "old.sql"), str(case / "new.sql"), dialect="postgres")
        if d.validate(plan).checks:
            out.append(case.name)
    return out


@pytest.mark.parametrize("case", golden_with_checks(), ids=str)
def test_golden_checks_run(case: str) -> None:
    """Every data check of every golden fixture is valid SQL on the server: run against the old side
    loaded without rows, each PASSes (an empty table violates nothing and loses nothing)."""
    require_pg()
    path = GOLDEN / case
    with pgdb.fresh_db("ddlc_chk") as db:
        pgdb.load(db, (path / "old.sql").read_text(encoding="utf-8"))
        d = dialects.get("postgres")
        v = d.validate(compare(str(path / "old.sql"), str(path / "new.sql"), dialect="postgres"))
        results = d.run_checks(pgdb.url(db), v.checks, 30.0)
        # a check that uses an object the migration creates (a function a new CHECK calls) cannot run yet
        assert [(c.kind, r.status) for c, r in zip(v.checks, results, strict=True)] == [
            (c.kind, Status.NOT_RUN if c.needs else Status.PASS) for c in v.checks
        ], results


def test_read_only_timeout_and_no_password() -> None:
    """The checks run in a read-only transaction under the statement timeout (a write and a slow
    query are ERRORs that block, the other checks still run), and a password in the URL is
    printed nowhere."""
    require_pg()
    path = CASES / "nulls"
    with pgdb.fresh_db("ddlc_chk") as db:
        url = pgdb.url(db)
        pgdb.load(db, (path / "old.sql").read_text(encoding="utf-8"))
        pgdb.load(db, (path / "fail.sql").read_text(encoding="utf-8"))
        d = dialects.get("postgres")
        (check,) = d.validate(
            compare(str(path / "old.sql"), str(path / "new.sql"), dialect="postgres")
        ).checks
        write = replace(check, sql="CREATE TABLE intruder (id int)", sample_sql="")
        slow = replace(check, sql="SELECT count(*) AS n FROM pg_sleep(5)", sample_sql="")
        results = d.run_checks(url, [write, slow, check], 0.5)
        assert [r.status for r in results] == [Status.ERROR, Status.ERROR, Status.FAIL]
        assert "read-only transaction" in results[0].error
        assert "statement timeout" in results[1].error
        assert contents(url) == {"t": [(1, 1), (2, None), (3, None)]}

        secret = "Pw-" + uuid.uuid4().hex  # trust authentication ignores it
        with_password = url.replace("postgres@", f"postgres:{secret}@")
        with tempfile.TemporaryDirectory() as out_dir:
            out = run(
                str(path / "old.sql"), str(path / "new.sql"), "--check-db", with_password, "-o", out_dir, "-q"
            )
            assert out.code == 3, out.stderr
            written = "".join(p.read_text(encoding="utf-8") for p in Path(out_dir).iterdir())
        assert "status: FAIL" in written
        assert secret not in out.stdout + out.stderr + written
