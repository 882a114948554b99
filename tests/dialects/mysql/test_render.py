"""Table-driven tests of the MySQL renderer's trickiest rules (from / to / want) and of `combine`."""

from __future__ import annotations

import pytest

from ddlcompare import plan_between
from ddlcompare.dialects import LoadOptions, get
from ddlcompare.dialects.mysql.objects import AutoIncrement, Invisible, OnUpdate
from ddlcompare.dialects.mysql.render import (
    _last_modify,
    _partition_list,
    _readd,
    column_def,
    fk_chunks,
    ident,
    literal,
    lossy,
)
from ddlcompare.model.base import Expr
from ddlcompare.model.objects import Column
from ddlcompare.output.sql import render_script


def _col(type_: str, collation: str | None = None, **kw: object) -> Column:
    return Column(name="c", type=type_, collation=collation, **kw)  # type: ignore[arg-type]


LOSSY = [
    # (old type, old collation, new type, new collation, lossy)
    ("int", None, "bigint", None, False),
    ("bigint", None, "int", None, True),
    ("int", None, "int unsigned", None, True),
    ("int unsigned", None, "bigint", None, False),
    ("int unsigned", None, "int", None, True),
    ("decimal(8,2)", None, "decimal(12,4)", None, False),
    ("decimal(12,4)", None, "decimal(8,2)", None, True),
    ("int", None, "decimal(10,0)", None, False),
    ("int", None, "decimal(5,0)", None, True),
    ("float", None, "double", None, False),
    ("double", None, "float", None, True),
    ("bigint", None, "double", None, True),
    ("varchar(10)", "utf8mb4_general_ci", "varchar(64)", "utf8mb4_general_ci", False),
    ("varchar(64)", "utf8mb4_general_ci", "varchar(10)", "utf8mb4_general_ci", True),
    ("varchar(100)", "utf8mb4_general_ci", "text", "utf8mb4_general_ci", False),
    ("text", "utf8mb4_general_ci", "varchar(100)", "utf8mb4_general_ci", True),
    ("text", "utf8mb4_general_ci", "mediumtext", "utf8mb4_general_ci", False),
    ("enum('a','b')", "utf8mb4_general_ci", "enum('a','b','c')", "utf8mb4_general_ci", False),
    ("enum('a','b','c')", "utf8mb4_general_ci", "enum('a','b')", "utf8mb4_general_ci", True),
    ("varchar(10)", "latin1_swedish_ci", "varchar(10)", "utf8mb4_general_ci", False),
    ("varchar(10)", "utf8mb4_general_ci", "varchar(10)", "latin1_swedish_ci", True),
    ("varchar(10)", "utf8mb4_general_ci", "varchar(10)", "utf8mb4_bin", False),
    ("datetime(3)", None, "datetime", None, True),
    ("date", None, "datetime", None, False),
    ("datetime", None, "date", None, True),
    ("int", None, "varchar(100)", "utf8mb4_general_ci", False),
    ("varchar(100)", "utf8mb4_general_ci", "int", None, True),
]


@pytest.mark.parametrize(("a", "ca", "b", "cb", "want"), LOSSY)
def test_lossy(a: str, ca: str | None, b: str, cb: str | None, want: bool) -> None:
    assert bool(lossy(_col(a, ca), _col(b, cb))) is want


def test_column_def_full() -> None:
    col = Column(
        name="up`d",
        type="datetime(3)",
        nullable=False,
        default=Expr.of("current_timestamp(3)"),
        comment="it's",
        options=(Invisible(), OnUpdate(expr=Expr.of("current_timestamp(3)"))),
    )
    assert column_def(col, "utf8mb4_general_ci") == (
        "`up``d` datetime(3) NOT NULL DEFAULT current_timestamp(3) ON UPDATE current_timestamp(3)"
        " INVISIBLE COMMENT 'it''s'"
    )


def test_column_def_collation_only_when_it_differs() -> None:
    col = _col("varchar(5)", "latin1_swedish_ci")
    assert column_def(col, "latin1_swedish_ci") == "`c` varchar(5)"
    assert (
        column_def(col, "utf8mb4_general_ci")
        == "`c` varchar(5) CHARACTER SET latin1 COLLATE latin1_swedish_ci"
    )
    assert column_def(col, "latin1_swedish_ci", force_collation=True).endswith("COLLATE latin1_swedish_ci")


def test_column_def_generated_and_auto_increment() -> None:
    gen = _col("int", generated=Expr.of("a + 1"), generated_stored=False)
    assert column_def(gen, None) == "`c` int GENERATED ALWAYS AS (a + 1) VIRTUAL"
    ai = _col("bigint", nullable=False, options=(AutoIncrement(),))
    assert column_def(ai, None) == "`c` bigint NOT NULL AUTO_INCREMENT"


def test_quoting() -> None:
    assert ident("a`b") == "`a``b`"
    assert literal("it's \\ x") == "'it''s \\\\ x'"


def test_readd_drops_if_not_exists_after_a_drop_of_the_same_name() -> None:
    out = _readd(
        ["DROP INDEX IF EXISTS `Ix`", "ADD KEY IF NOT EXISTS `ix` (`a`)", "ADD KEY IF NOT EXISTS `j` (`b`)"]
    )
    assert out == ("DROP INDEX IF EXISTS `Ix`", "ADD KEY `ix` (`a`)", "ADD KEY IF NOT EXISTS `j` (`b`)")


def testfk_chunks_split_a_same_name_readd() -> None:
    clauses = [
        "DROP FOREIGN KEY IF EXISTS `fk`",
        "MODIFY COLUMN `a` int",
        "ADD CONSTRAINT `fk` FOREIGN KEY (`a`)",
    ]
    assert fk_chunks(clauses) == [clauses[:2], clauses[2:]]


def test_last_modify_wins() -> None:
    assert _last_modify(
        ["MODIFY COLUMN `a` int", "ADD KEY `k` (`a`)", "MODIFY COLUMN `A` int CHECK (a > 0)"]
    ) == (
        "ADD KEY `k` (`a`)",
        "MODIFY COLUMN `A` int CHECK (a > 0)",
    )


def test_partition_list() -> None:
    head, parts = _partition_list(
        "PARTITION BY RANGE(f(y, 1)) (PARTITION p0 VALUES LESS THAN (1), "
        "PARTITION p1 VALUES LESS THAN MAXVALUE)"
    )
    assert head == "PARTITION BY RANGE(f(y, 1))"
    assert parts == ["PARTITION p0 VALUES LESS THAN (1)", "PARTITION p1 VALUES LESS THAN MAXVALUE"]
    assert _partition_list("PARTITION BY HASH(id) PARTITIONS 4") == ("PARTITION BY HASH(id) PARTITIONS 4", [])


def _scripts(old: str, new: str) -> tuple[str, str]:
    d = get("mysql")
    plan = plan_between(d.parse(old, "old.sql", LoadOptions()), d.parse(new, "new.sql", LoadOptions()))
    return render_script(plan, d.STYLE, allow_destructive=True), render_script(
        plan, d.STYLE, rollback=True, allow_destructive=True
    )


def test_combine_one_alter_per_table() -> None:
    fwd, back = _scripts(
        "CREATE TABLE t (id int PRIMARY KEY, a int, b int, KEY ix_a (a));",
        "CREATE TABLE t (id int PRIMARY KEY, b bigint, a int, c int, KEY ix_a (a, b), UNIQUE KEY u (c));",
    )
    assert fwd.count("ALTER TABLE") == 1
    # the rollback's narrowing and drop are destructive: a second statement, commented out unless allowed
    assert back.count("ALTER TABLE") == 2 and back.count("-- DESTRUCTIVE") == 1
    assert "DROP INDEX IF EXISTS `ix_a`" in fwd and "ADD KEY `ix_a` (`a`, `b`)" in fwd


def test_fk_to_a_table_created_later_is_added_after_it() -> None:
    fwd, _ = _scripts(
        "CREATE TABLE a (id int PRIMARY KEY);",
        "CREATE TABLE a (id int PRIMARY KEY, z_id int);\nCREATE TABLE z (id int PRIMARY KEY);\n"
        "ALTER TABLE a ADD CONSTRAINT fk_z FOREIGN KEY (z_id) REFERENCES z (id);",
    )
    assert fwd.index("CREATE TABLE IF NOT EXISTS `z`") < fwd.index("ADD CONSTRAINT `fk_z`")
    # the table's whole ALTER moved down to the foreign key, after the table it references
    assert fwd.count("ALTER TABLE `a`") == 1


def test_case_only_rename_is_a_change_column() -> None:
    fwd, back = _scripts(
        "CREATE TABLE t (id int PRIMARY KEY, c2 int);", "CREATE TABLE t (id int PRIMARY KEY, C2 int);"
    )
    assert "CHANGE COLUMN `c2` `C2` int AFTER `id`" in fwd
    assert "DROP COLUMN" not in fwd and "CHANGE COLUMN `C2` `c2` int AFTER `id`" in back


def test_routines_use_delimiter_blocks() -> None:
    fwd, _ = _scripts(
        "CREATE TABLE t (id int PRIMARY KEY);",
        "CREATE TABLE t (id int PRIMARY KEY);\nDELIMITER ;;\n"
        "CREATE PROCEDURE p() BEGIN SELECT 1; SELECT 2; END;;\nDELIMITER ;",
    )
    assert (
        "DELIMITER ;;\nCREATE OR REPLACE PROCEDURE `p`()\nBEGIN SELECT 1; SELECT 2; END;;\nDELIMITER ;" in fwd
    )


def test_snapshot_parses_back() -> None:
    d = get("mysql")
    text = (
        "CREATE TABLE p (id int NOT NULL AUTO_INCREMENT PRIMARY KEY, n varchar(5) CHARACTER SET latin1);\n"
        "CREATE TABLE c (id int PRIMARY KEY, p_id int, KEY (p_id),"
        " CONSTRAINT fk FOREIGN KEY (p_id) REFERENCES p (id), CHECK (id > 0)) COMMENT 'x';\n"
        "CREATE VIEW v (a) AS SELECT id FROM p;\nCREATE SEQUENCE s START WITH 3;\n"
    )
    schema = d.parse(text, "a.sql", LoadOptions())
    again = d.parse(d.snapshot(schema), "snapshot.sql", LoadOptions())
    from ddlcompare.diff.compare import diff

    assert diff(schema, again, column_order=True) == ()
