"""Impact analysis on live databases (issue 10 item 2): when the old side is a live database, each
change shows the estimated rows and size of the table it touches, from the server's statistics,
checked here against the server's own count and size functions."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import psycopg
import pytest

from tests.support import mysql_url, pgdb
from tests.support.cli import run
from tests.support.diffjson import validated
from tests.support.servers import require_mariadb, require_pg

ROWS = 40_000
PG_OLD = f"""
CREATE TABLE public.big (id int PRIMARY KEY, note text);
INSERT INTO public.big SELECT g, md5(g::text) FROM generate_series(1, {ROWS}) g;
CREATE TABLE public.fresh (id int);
CREATE VIEW public.big_notes AS SELECT note FROM public.big;
VACUUM ANALYZE public.big;
"""
PG_NEW = """
CREATE TABLE public.big (id int PRIMARY KEY, note text, added timestamptz DEFAULT clock_timestamp());
CREATE TABLE public.fresh (id int, b int);
CREATE VIEW public.big_notes AS SELECT note FROM public.big;
"""


def _within(estimate: int, actual: int, tolerance: float) -> bool:
    return abs(estimate - actual) <= tolerance * actual


def test_postgres_sizes(tmp_path: Path) -> None:
    require_pg()
    new = tmp_path / "new.sql"
    new.write_text(PG_NEW, encoding="utf-8")
    with pgdb.fresh_db("ddlc_sizes") as db:
        proc = pgdb.psql(db, PG_OLD)
        assert proc.returncode == 0, proc.stderr
        with psycopg.connect(pgdb.url(db), autocommit=True) as conn:
            count, total = conn.execute(
                "SELECT count(*), pg_total_relation_size('public.big') FROM public.big"
            ).fetchone() or (0, 0)
            r = run(pgdb.url(db), str(new), "--format", "json")
            assert r.code == 1, r.stderr
            impact = {c["key"]: c["impact"] for c in validated(r.stdout)["changes"]}
            big = impact["table:public.big"]
            assert big["table"] == "public.big" and big["dependents"] == ["view:public.big_notes"]
            # statistics, checked against the server's count and size functions
            assert _within(big["rows"], count, 0.05), (big, count)
            assert _within(big["bytes"], total, 0.10), (big, total)
            # a table never analysed has no estimate: unknown, not 0
            assert impact["table:public.fresh"]["rows"] is None
            report = run(pgdb.url(db), str(new), "--format", "markdown").stdout
            assert f"- table `public.big`: about {big['rows']:,} rows, " in report, report
            assert "- table `public.fresh`: rows unknown (no statistics yet)" in report



MY_OLD = """
CREATE TABLE big (id int NOT NULL PRIMARY KEY, note varchar(40)) ENGINE=InnoDB;
INSERT INTO big SELECT seq, md5(seq) FROM seq_1_to_{rows};
CREATE TABLE other (id int NOT NULL PRIMARY KEY, big_id int,
    CONSTRAINT fk_big FOREIGN KEY (big_id) REFERENCES big (id)) ENGINE=InnoDB;
ANALYZE TABLE big;
"""
MY_NEW = """
CREATE TABLE big (id int NOT NULL PRIMARY KEY, note varchar(40),
    flag tinyint NOT NULL DEFAULT 0) ENGINE=InnoDB;
CREATE TABLE other (id int NOT NULL PRIMARY KEY, big_id int,
    CONSTRAINT fk_big FOREIGN KEY (big_id) REFERENCES big (id)) ENGINE=InnoDB;
"""


def test_mysql_sizes(tmp_path: Path) -> None:
    require_mariadb()
    new = tmp_path / "new.sql"
    new.write_text(MY_NEW, encoding="utf-8")
    db = mysql_url.PREFIX + "sizes_" + uuid.uuid4().hex[:8]
    mysql_url.create_db(db)
    try:
        mysql_url.client("-e", MY_OLD.format(rows=ROWS), db=db).check_returncode()
        count = int(mysql_url.sql("SELECT count(*) FROM big", db))
        r = run(mysql_url.url(db), str(new), "--format", "json")
        assert r.code == 1, r.stderr
        big = {c["key"]: c["impact"] for c in validated(r.stdout)["changes"]}["table:big"]
        assert big["table"] == "big" and big["dependents"] == ["foreign_key:other.fk_big"]
        # InnoDB samples its statistics: within a quarter of the real count
        assert _within(big["rows"], count, 0.25), (big, count)
        assert big["bytes"] >= 16384 * 2  # at least a page of data and one of the primary key
        report = run(mysql_url.url(db), str(new), "--format", "markdown").stdout
        assert f"- table `big`: about {big['rows']:,} rows, " in report, report
    finally:
        mysql_url.drop_db(db)


@pytest.mark.parametrize("fmt", ["markdown", "json"])
def test_offline_has_no_sizes(fmt: str, tmp_path: Path) -> None:
    """A file side has no statistics: the report says nothing of sizes, the JSON null."""
    old = tmp_path / "old.sql"
    old.write_text("CREATE TABLE t (a int);\n", encoding="utf-8")
    new = tmp_path / "new.sql"
    new.write_text("CREATE TABLE t (a int, b int);\n", encoding="utf-8")
    out = run(str(old), str(new), "--format", fmt).stdout
    if fmt == "json":
        assert json.loads(out)["changes"][0]["impact"]["rows"] is None
    else:
        assert "rows" not in out
