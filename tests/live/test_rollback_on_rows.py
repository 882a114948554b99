"""The rollback of dropped NOT NULL columns runs on a table that holds rows (the round trips load
empty tables): it re-adds them so that it cannot fail, and the catalog is old's again. Each fixture
table gets two rows before the forward (--allow-destructive) drops the columns."""

from __future__ import annotations

from pathlib import Path

import pytest

from ddlcompare.dialects import LoadOptions, get
from ddlcompare.diff.compare import diff
from tests.support import mydb, pgdb
from tests.support.roundtrip import make_plan as pg_plan
from tests.support.roundtrip import scripts as pg_scripts
from tests.support.roundtrip_mysql import differences, inspect, scratch
from tests.support.roundtrip_mysql import scripts as my_scripts
from tests.support.servers import require_mariadb, require_pg

pytestmark = pytest.mark.live

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
PG_ROWS = """INSERT INTO t VALUES
    (1, 5, 'x', 'ok', now(), '{a}', gen_random_uuid(), 'k'),
    (2, 6, 'y', 'sad', now(), '{}', gen_random_uuid(), NULL);"""
MY_ROWS = "INSERT INTO t VALUES (1, 5, 'x', 'b', NOW(), 'k'), (2, 6, 'y', 'a', NOW(), NULL);"


def _text(dialect: str, name: str) -> str:
    return (FIXTURES / dialect / "column_drop_not_null" / name).read_text(encoding="utf-8")


def test_postgres_rollback_re_adds_not_null_columns_on_rows(pg: None) -> None:
    require_pg()
    old, new = _text("postgres", "old.sql"), _text("postgres", "new.sql")
    forward, rollback = pg_scripts(pg_plan(old, new))
    with pgdb.fresh_db("ddlc_rows") as db, pgdb.fresh_db("ddlc_rows") as ref:
        pgdb.load(db, old)
        pgdb.load(ref, old)
        pgdb.load(db, PG_ROWS)
        # each twice: the re-runnable scripts (the default) run again on rows and change nothing
        pgdb.load(db, forward, roles=False)
        pgdb.load(db, forward, roles=False)
        pgdb.load(db, rollback, roles=False)  # raises on failure: a NOT NULL column re-added on rows
        pgdb.load(db, rollback, roles=False)
        d = get("postgres")
        live, expected = d.inspect(pgdb.url(db), LoadOptions()), d.inspect(pgdb.url(ref), LoadOptions())
        assert diff(live, expected) == ()
        count = pgdb.psql(db, "SELECT count(*) FROM t WHERE n = 0 AND s = '' AND m = 'sad';").stdout
        assert "2" in count.split()


def test_mariadb_rollback_re_adds_not_null_columns_on_rows() -> None:
    require_mariadb()
    old, new = _text("mysql", "old.sql"), _text("mysql", "new.sql")
    forward, rollback = my_scripts(old, new)
    with scratch() as db, scratch() as ref:
        assert mydb.load(db, old) is None and mydb.load(ref, old) is None
        assert mydb.client(db, MY_ROWS).returncode == 0
        for script in (forward, rollback):
            proc = mydb.client(db, script)
            assert proc.returncode == 0, proc.stderr
        assert differences(inspect(db), inspect(ref)) == ""
        assert mydb.client(db, "SELECT count(*) FROM t").stdout.split()[-1] == "2"
