"""The data checks of schema_validation.log, held against PostgreSQL 15.

Every case of fixtures/checks/postgres/ (one per data check kind; `fail.sql` starts with
`-- expect: KIND COUNT ids ID,...`) is loaded into a fresh database, old side first, then with rows:

- `fail.sql` (rows that violate the step): `--check-db` reports FAIL with COUNT and the sample
  keys ID,... (primary keys of the first 5 offending rows), and exits 3; the forward migration,
  applied anyway step by step with the destructive statements, fails at the step the check names;
  for the data_loss kinds it applies, and the rows counted (COUNT, by hand) are the ones lost.
- `pass.sql` (clean rows): PASS, exit 1, and the whole migration applies.

Either way the checks leave every row as it was (read-only). All cases run (about 20 s in all).
The harness is shared with MariaDB's (tests/support/datachecks.py).
"""

from __future__ import annotations

import tempfile
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

import psycopg
import pytest

from ddlcompare import dialects
from ddlcompare.plan.checks import Status
from ddlcompare.plan.plan import Plan
from tests.support import datachecks, pgdb
from tests.support.cli import run
from tests.support.servers import require_pg

pytestmark = pytest.mark.live


def contents(db: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of the public schema, sorted: what the checks must not change."""
    with psycopg.connect(pgdb.url(db), autocommit=True) as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1"
            )
        ]
        return {t: sorted(map(tuple, conn.execute(f'SELECT * FROM public."{t}"')), key=repr) for t in tables}


def apply_steps(db: str, plan: Plan) -> tuple[int | None, str]:
    """Apply the forward migration step by step (destructive statements included), each step in its
    own transaction; the index of the step that failed (None when all applied) and the error."""
    with psycopg.connect(pgdb.url(db), autocommit=True) as conn:
        for i, step in enumerate(plan.steps):
            try:
                with conn.transaction():
                    for st in step.forward:
                        conn.execute(st.sql)
            except psycopg.Error as e:
                return i, str(e).strip()
    return None, ""


SERVER = datachecks.Server(
    dialect="postgres",
    fresh=lambda: pgdb.fresh_db("ddlc_chk"),
    url=pgdb.url,
    load=pgdb.load,
    contents=contents,
    apply_steps=apply_steps,
)


@pytest.mark.parametrize("rows", ["fail", "pass"])
@pytest.mark.parametrize("case", datachecks.case_names("postgres"), ids=str)
def test_data_check(case: str, rows: str) -> None:
    require_pg()
    datachecks.check_case(SERVER, case, rows)


@pytest.mark.parametrize("case", datachecks.golden_with_checks("postgres"), ids=str)
def test_golden_checks_run(case: str) -> None:
    """Every data check of every golden fixture is valid SQL on the server."""
    require_pg()
    datachecks.golden_checks_run(SERVER, case)


def test_read_only_timeout_and_no_password() -> None:
    """The checks run in a read-only transaction under the statement timeout (a write and a slow
    query are ERRORs that block, the other checks still run), and a password in the URL is
    printed nowhere."""
    require_pg()
    path = SERVER.cases / "nulls"
    with datachecks.nulls_case(SERVER) as (db, check):
        url = pgdb.url(db)
        write = replace(check, sql="CREATE TABLE intruder (id int)", sample_sql="")
        slow = replace(check, sql="SELECT count(*) AS n FROM pg_sleep(5)", sample_sql="")
        results = dialects.get("postgres").run_checks(url, [write, slow, check], 0.5)
        assert [r.status for r in results] == [Status.ERROR, Status.ERROR, Status.FAIL]
        assert "read-only transaction" in results[0].error
        assert "statement timeout" in results[1].error
        assert contents(db) == {"t": [(1, 1), (2, None), (3, None)]}

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
