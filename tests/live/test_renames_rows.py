"""Renames keep data, live: old loaded with rows, forward applied, the rows are there under the new
names; rollback applied, they are back under the old ones. A suggestion alone renames nothing."""

from __future__ import annotations

import pytest

from ddlcompare.dialects import get
from ddlcompare.diff.renames import parse_hint
from ddlcompare.output.sql import render_script
from ddlcompare.plan.hazards import parse_target
from ddlcompare.plan.plan import Plan
from tests.support import mydb, pgdb
from tests.support.roundtrip import make_plan as pg_plan
from tests.support.roundtrip_mysql import make_plan as my_plan
from tests.support.roundtrip_mysql import scratch
from tests.support.servers import require_mariadb, require_pg

PG_OLD = """
CREATE TABLE staff (id integer PRIMARY KEY, name text NOT NULL, picture text);
CREATE INDEX staff_name_idx ON staff (name);
CREATE VIEW staff_names AS SELECT id, name FROM staff;
CREATE TABLE badge (id integer PRIMARY KEY, staff_id integer REFERENCES staff (id));
"""
PG_NEW = """
-- ddlcompare:renamed-from staff
CREATE TABLE employee (
    id integer PRIMARY KEY,
    name text NOT NULL,
    -- ddlcompare:renamed-from picture
    photo text
);
CREATE INDEX employee_name_idx ON employee (name);
CREATE VIEW staff_names AS SELECT id, name FROM employee;
CREATE TABLE badge (id integer PRIMARY KEY, staff_id integer REFERENCES employee (id));
"""
ROWS = "INSERT INTO staff VALUES (1, 'ada', 'a.png'), (2, 'bob', NULL); INSERT INTO badge VALUES (10, 2);"

MY_OLD = """
CREATE TABLE `staff` (`id` int NOT NULL, `name` varchar(50) NOT NULL, `picture` varchar(200) DEFAULT NULL,
  PRIMARY KEY (`id`), KEY `staff_name` (`name`)) ENGINE=InnoDB;
CREATE TABLE `badge` (`id` int NOT NULL, `staff_id` int DEFAULT NULL, PRIMARY KEY (`id`),
  KEY `badge_staff` (`staff_id`),
  CONSTRAINT `badge_staff_fk` FOREIGN KEY (`staff_id`) REFERENCES `staff` (`id`)) ENGINE=InnoDB;
CREATE VIEW `staff_names` AS SELECT `id`, `name` FROM `staff`;
"""
MY_NEW = """
CREATE TABLE `employee` (`id` int NOT NULL, `name` varchar(50) NOT NULL, `photo` varchar(200) DEFAULT NULL,
  PRIMARY KEY (`id`), KEY `employee_name` (`name`)) ENGINE=InnoDB;
CREATE TABLE `badge` (`id` int NOT NULL, `staff_id` int DEFAULT NULL, PRIMARY KEY (`id`),
  KEY `badge_staff` (`staff_id`),
  CONSTRAINT `badge_staff_fk` FOREIGN KEY (`staff_id`) REFERENCES `employee` (`id`)) ENGINE=InnoDB;
CREATE VIEW `staff_names` AS SELECT `id`, `name` FROM `employee`;
"""
MY_HINTS = [parse_hint("table:staff=employee"), parse_hint("column:staff.picture=photo")]


def _pg(db: str, sql: str) -> str:
    """The one value `sql` selects (psql's aligned output: header, rule, value, count)."""
    proc = pgdb.psql(db, sql)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.splitlines()[2].strip()


def _scripts(plan: Plan) -> tuple[str, str]:
    style = get(plan.dialect).STYLE
    return render_script(plan, style), render_script(plan, style, rollback=True)


@pytest.mark.live
def test_pg_rows_follow_annotated_renames(pg: None) -> None:
    """Annotations rename staff -> employee and picture -> photo: the rows follow, both ways, with
    each script run twice (the guarded renames run once)."""
    require_pg()
    forward, rollback = _scripts(pg_plan(PG_OLD, PG_NEW))
    assert "DROP TABLE" not in forward and "DROP COLUMN" not in forward
    with pgdb.fresh_db("ddlc_rn") as db:
        pgdb.load(db, PG_OLD + ROWS)
        pgdb.load(db, forward, roles=False)
        pgdb.load(db, forward, roles=False)
        assert _pg(
            db, "SELECT string_agg(id || ':' || coalesce(photo, '-'), ',' ORDER BY id) FROM employee"
        ) == ("1:a.png,2:-")
        assert _pg(db, "SELECT count(*) FROM staff_names") == "2"
        assert _pg(db, "SELECT staff_id FROM badge") == "2"
        pgdb.load(db, rollback, roles=False)
        pgdb.load(db, rollback, roles=False)
        assert _pg(
            db, "SELECT string_agg(id || ':' || coalesce(picture, '-'), ',' ORDER BY id) FROM staff"
        ) == ("1:a.png,2:-")
        assert _pg(db, "SELECT to_regclass('public.employee') IS NULL") == "t"


@pytest.mark.live
def test_pg_suggestion_renames_nothing(pg: None) -> None:
    """Without a hint the column is only suggested: the forward drops it (held back by default)."""
    require_pg()
    new = PG_OLD.replace("picture", "photo")
    plan = pg_plan(PG_OLD, new)
    assert [s.hint.option for s in plan.suggestions] == ["--rename column:public.staff.picture=photo"]
    forward = _scripts(plan)[0]
    assert "RENAME" not in forward
    with pgdb.fresh_db("ddlc_rn") as db:
        pgdb.load(db, PG_OLD + ROWS)
        pgdb.load(db, forward, roles=False)
        assert _pg(db, "SELECT count(picture) FROM staff") == "1"  # held back, untouched
        assert _pg(db, "SELECT count(photo) FROM staff") == "0"  # added empty: nothing renamed


def _my(db: str, sql: str) -> str:
    proc = mydb.client(db, sql)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else ""


@pytest.mark.live_mysql
@pytest.mark.parametrize("target", [None, "mariadb:10.11"], ids=["change-column", "rename-column"])
def test_mysql_rows_follow_renames(target: str | None) -> None:
    """--rename table and column (CHANGE COLUMN for the oldest target, RENAME COLUMN for MariaDB
    10.11): the rows follow, both ways, each script run twice; the view is rebuilt around the rename."""
    require_mariadb()
    plan = my_plan(MY_OLD, MY_NEW, target=parse_target(target) if target else None, renames=MY_HINTS)
    forward, rollback = _scripts(plan)
    assert "DROP TABLE" not in forward and "DROP COLUMN" not in forward
    with scratch() as db:
        assert mydb.load(db, MY_OLD + ROWS) is None
        assert mydb.load(db, forward) is None
        assert mydb.load(db, forward) is None  # re-runnable: a second run changes nothing
        got = "SELECT GROUP_CONCAT(CONCAT(id, ':', COALESCE(photo, '-')) ORDER BY id) FROM employee"
        assert _my(db, got) == "1:a.png,2:-"
        assert _my(db, "SELECT COUNT(*) FROM staff_names") == "2"
        assert mydb.load(db, rollback) is None
        assert mydb.load(db, rollback) is None
        back = "SELECT GROUP_CONCAT(CONCAT(id, ':', COALESCE(picture, '-')) ORDER BY id) FROM staff"
        assert _my(db, back) == "1:a.png,2:-"
        assert _my(db, "SELECT COUNT(*) FROM staff_names") == "2"
