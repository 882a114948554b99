"""Re-runnable MySQL/MariaDB statements (PlanOptions.idempotent, issue 9) and --no-idempotent: the
forms chosen per target, the guards, and (live) that a guard runs its statement exactly once."""

from __future__ import annotations

import re
import uuid

import pytest

from ddlcompare import plan_between
from ddlcompare.dialects import LoadOptions, get
from ddlcompare.dialects.mysql.rerun import guard
from ddlcompare.diff.renames import parse_hint
from ddlcompare.output.sql import statements
from ddlcompare.plan.hazards import parse_target
from ddlcompare.plan.plan import Plan, PlanOptions
from tests.support import mydb
from tests.support.servers import require_mariadb

OLD = """
CREATE TABLE p (id int NOT NULL PRIMARY KEY);
CREATE TABLE t (id int NOT NULL, a int, legacy int, KEY ix_a (a), CONSTRAINT ck_a CHECK (a > 0));
CREATE TABLE nokey (a int NOT NULL);
CREATE VIEW v AS SELECT id FROM t;
DELIMITER ;;
CREATE FUNCTION f(x int) RETURNS int DETERMINISTIC RETURN x;;
CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW SET NEW.a = 1;;
DELIMITER ;
"""
NEW = """
CREATE TABLE p (id int NOT NULL PRIMARY KEY);
CREATE TABLE t (id int NOT NULL, a int, b int, PRIMARY KEY (id), KEY ix_b (b),
  CONSTRAINT ck_a CHECK (a >= 0), CONSTRAINT fk_t_p FOREIGN KEY (b) REFERENCES p (id));
CREATE TABLE nokey (a int NOT NULL, PRIMARY KEY (a));
CREATE TABLE added (id int);
CREATE VIEW v AS SELECT id, a FROM t;
DELIMITER ;;
CREATE FUNCTION f(x int) RETURNS int DETERMINISTIC RETURN x + 1;;
CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW SET NEW.a = 2;;
DELIMITER ;
"""


def _plan(
    old: str = OLD,
    new: str = NEW,
    *,
    target: str | None = None,
    idempotent: bool = True,
    online: bool = False,
    renames: tuple[str, ...] = (),
) -> Plan:
    d = get("mysql")
    return plan_between(
        d.parse(old, "old.sql", LoadOptions()),
        d.parse(new, "new.sql", LoadOptions()),
        parse_target(target) if target else None,
        PlanOptions(online=online, idempotent=idempotent),
        renames=[parse_hint(r) for r in renames],
    )


def _sql(plan: Plan, *, rollback: bool = False) -> list[str]:
    return [" ".join(st.sql.split()) for st in statements(plan, rollback=rollback)]


def test_no_idempotent_writes_the_plain_statements() -> None:
    for rollback in (False, True):
        sql = _sql(_plan(idempotent=False), rollback=rollback)
        assert sql
        for st in sql:
            assert not re.search(r"\bIF (NOT )?EXISTS\b|NOT ATOMIC", st), st
            # OR REPLACE only where it is the plain way to change a view
            assert "OR REPLACE" not in st or st.startswith("CREATE OR REPLACE VIEW `v`"), st
    forward = _sql(_plan(idempotent=False))
    # a changed routine or trigger is dropped and created (MySQL has no CREATE OR REPLACE for them)
    assert "DROP FUNCTION `f`;" in forward
    assert any(st.startswith("DELIMITER ;; CREATE FUNCTION `f`") for st in forward)
    assert "DROP TRIGGER `tr`;" in forward
    assert "ALTER TABLE `nokey` ADD PRIMARY KEY (`a`);" in forward
    assert any(st.startswith("CREATE TABLE `added`") for st in forward)


def test_idempotent_by_default_with_mariadb_forms() -> None:
    forward = _sql(_plan())
    assert "ALTER TABLE `nokey` ADD PRIMARY KEY IF NOT EXISTS (`a`);" in forward
    assert any(st.startswith("CREATE TABLE IF NOT EXISTS `added`") for st in forward)
    assert any(st.startswith("DELIMITER ;; CREATE OR REPLACE FUNCTION `f`") for st in forward)
    assert not any(st.startswith("DROP FUNCTION") for st in forward)
    back = _sql(_plan(), rollback=True)
    assert "ALTER TABLE `nokey` DROP INDEX IF EXISTS `PRIMARY`;" in back


@pytest.mark.parametrize("target", ["mysql:5.7", "mysql:8.0", "mysql:8.4"])
def test_a_mysql_target_gets_the_plain_statements(target: str) -> None:
    for rollback in (False, True):
        assert _sql(_plan(target=target), rollback=rollback) == _sql(
            _plan(target=target, idempotent=False), rollback=rollback
        )


def test_a_primary_key_replaced_in_one_statement_is_added_without_if_not_exists() -> None:
    """IF NOT EXISTS is checked against the table before the statement: it would skip the add."""
    old = "CREATE TABLE t (a int NOT NULL, b int NOT NULL, PRIMARY KEY (a));"
    new = "CREATE TABLE t (a int NOT NULL, b int NOT NULL, PRIMARY KEY (b));"
    (st,) = _sql(_plan(old, new))
    assert st == "ALTER TABLE `t` DROP INDEX IF EXISTS `PRIMARY`, ADD PRIMARY KEY (`b`);"
    (plain,) = _sql(_plan(old, new, idempotent=False))
    assert plain == "ALTER TABLE `t` DROP PRIMARY KEY, ADD PRIMARY KEY (`b`);"


RENAME_OLD = "CREATE TABLE staff (id int NOT NULL PRIMARY KEY, picture varchar(200));"
RENAME_NEW = "CREATE TABLE employee (id int NOT NULL PRIMARY KEY, photo varchar(200), x int);"
RENAMES = ("table:staff=employee", "column:staff.picture=photo")


def test_renames_on_mariadb_105_use_if_exists() -> None:
    plan = _plan(RENAME_OLD, RENAME_NEW, target="mariadb:10.11", renames=RENAMES)
    forward = _sql(plan)
    assert forward[:2] == [
        "RENAME TABLE IF EXISTS `staff` TO `employee`;",
        "ALTER TABLE `employee` RENAME COLUMN IF EXISTS `picture` TO `photo`;",
    ]
    back = _sql(plan, rollback=True)
    # the rollback alters the table under its new name before renaming it back: that name is gone
    # on a second run, so every statement on it says IF EXISTS
    assert back == [
        "ALTER TABLE IF EXISTS `employee` DROP COLUMN IF EXISTS `x`;",
        "ALTER TABLE IF EXISTS `employee` RENAME COLUMN IF EXISTS `photo` TO `picture`;",
        "RENAME TABLE IF EXISTS `employee` TO `staff`;",
    ]


def test_renames_before_mariadb_105_are_guarded() -> None:
    plan = _plan(RENAME_OLD, RENAME_NEW, target="mariadb:10.4", renames=RENAMES)
    first = _sql(plan)[0]
    assert first == (
        "DELIMITER ;; BEGIN NOT ATOMIC IF (SELECT COUNT(*) FROM information_schema.TABLES"
        " WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'staff') > 0"
        " THEN RENAME TABLE `staff` TO `employee`; END IF; END;; DELIMITER ;"
    )


def test_hazards_are_those_of_the_plain_statements() -> None:
    """The guard is added after the hazards are judged: both modes report the same ones."""
    for target in ("mariadb:10.4", "mariadb:10.11"):
        a = _plan(RENAME_OLD, RENAME_NEW, target=target, renames=RENAMES)
        b = _plan(RENAME_OLD, RENAME_NEW, target=target, renames=RENAMES, idempotent=False)
        assert [s.hazards for s in a.steps] == [s.hazards for s in b.steps]
        assert any(s.hazards for s in a.steps)


def test_alters_before_system_versioning_run_only_while_the_table_is_not_versioned() -> None:
    old = "CREATE TABLE t (id int NOT NULL PRIMARY KEY, v int);"
    new = "CREATE TABLE t (id int NOT NULL PRIMARY KEY, v int, w int) WITH SYSTEM VERSIONING;"
    forward = _sql(_plan(old, new, target="mariadb:10.11"))
    assert len(forward) == 2
    versioned = "TABLE_TYPE = 'SYSTEM VERSIONED') = 0 THEN "
    assert versioned + "ALTER TABLE `t` ADD COLUMN IF NOT EXISTS `w` int AFTER `v`; END IF;" in forward[0]
    assert versioned + "ALTER TABLE `t` ADD SYSTEM VERSIONING; END IF;" in forward[1]


def test_guard_is_one_compound_statement_holding_the_statement_as_written() -> None:
    """One statement (a JDBC driver takes no more), in a DELIMITER block like a routine."""
    sql = "ALTER TABLE `t`\n  COMMENT='it''s; a \\ path';"
    assert guard(sql, "1 = 1") == (
        "DELIMITER ;;\nBEGIN NOT ATOMIC IF 1 = 1 THEN ALTER TABLE `t`\n  COMMENT='it''s; a \\ path';"
        " END IF; END;;\nDELIMITER ;"
    )


@pytest.mark.live_mysql
def test_guard_runs_its_statement_once_on_the_server() -> None:
    """A guarded statement runs while its condition holds, and does nothing after (no error)."""
    require_mariadb()
    db = "ddlc_rerun_" + uuid.uuid4().hex[:12]
    assert mydb.client(None, f"CREATE DATABASE `{db}`;").returncode == 0
    try:
        assert mydb.client(db, "CREATE TABLE t (id int NOT NULL PRIMARY KEY, n int);").returncode == 0
        cond = (
            "(SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()"
            " AND TABLE_NAME = 't' AND COLUMN_NAME = 'n') > 0"
        )
        st = guard("ALTER TABLE `t` RENAME COLUMN `n` TO `m`, COMMENT='it''s \\\\ done';", cond)
        for _ in range(2):
            proc = mydb.client(db, st)
            assert proc.returncode == 0, proc.stderr
        shown = mydb.client(db, "SHOW CREATE TABLE t;").stdout
        assert "`m` int" in shown and "`n`" not in shown
        # the comment arrived as written: one quote and one backslash
        check = "SELECT TABLE_COMMENT = 'it''s \\\\ done' FROM information_schema.TABLES"
        check += " WHERE TABLE_NAME = 't' AND TABLE_SCHEMA = DATABASE();"
        assert mydb.client(db, check).stdout.split()[-1] == "1"
    finally:
        mydb.client(None, f"DROP DATABASE IF EXISTS `{db}`;")
