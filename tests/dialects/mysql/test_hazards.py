"""The MySQL hazard classifier offline: version rules, merged statements, codes (the ALGORITHM claims
themselves are held against MariaDB by tests/live/test_hazards_mysql.py)."""

from __future__ import annotations

import pytest

from ddlcompare import plan_between
from ddlcompare.dialects import LoadOptions, get
from ddlcompare.dialects.mysql.hazards import Algorithm, statement_algorithm
from ddlcompare.plan.hazards import HazardCode, parse_target
from ddlcompare.plan.plan import Plan, RenderContext, Statement

H = HazardCode
OLD = "CREATE TABLE t (id int NOT NULL PRIMARY KEY, a int, b varchar(10), c int) ENGINE=InnoDB;"


def _plan(new: str, target: str | None, old: str = OLD) -> Plan:
    d = get("mysql")
    return plan_between(
        d.parse(old, "old.sql", LoadOptions()),
        d.parse(new, "new.sql", LoadOptions()),
        parse_target(target) if target else None,
    )


def _alters(plan: Plan) -> list[tuple[Statement, Algorithm | None]]:
    ctx = RenderContext(plan.old, plan.new, target=plan.target)
    return [
        (st, statement_algorithm(st, ctx))
        for step in plan.steps
        for st in step.forward
        if st.sql.startswith("ALTER TABLE")
    ]


def _codes(st: Statement) -> set[HazardCode]:
    return {h.code for h in st.hazards}


@pytest.mark.parametrize(
    ("target", "expected"),
    [("mariadb:10.11", Algorithm.INSTANT), ("mariadb:10.3", Algorithm.INPLACE), (None, Algorithm.INPLACE)],
)
def test_add_column_in_the_middle_depends_on_the_version(target: str | None, expected: Algorithm) -> None:
    """MariaDB 10.4+ adds anywhere instantly, 10.3 only at the end; mysql:5.7 (no target) rebuilds."""
    new = "CREATE TABLE t (id int NOT NULL PRIMARY KEY, a int, z int, b varchar(10), c int) ENGINE=InnoDB;"
    [(st, alg)] = _alters(_plan(new, target))
    assert alg == expected
    assert H.TABLE_REWRITE not in _codes(st)


def test_type_change_copies_and_narrowing_may_fail() -> None:
    new = "CREATE TABLE t (id int NOT NULL PRIMARY KEY, a smallint, b varchar(10), c int) ENGINE=InnoDB;"
    [(st, alg)] = _alters(_plan(new, "mariadb:10.11"))
    assert alg == Algorithm.COPY
    assert {H.TABLE_REWRITE, H.BLOCKS_WRITES, H.MAY_FAIL_ON_DATA, H.DATA_LOSS} <= _codes(st)
    assert H.NON_TRANSACTIONAL not in _codes(st)


@pytest.mark.parametrize(
    ("b_type", "expected"),
    [("varchar(20)", Algorithm.INSTANT), ("varchar(64)", Algorithm.INSTANT), ("varchar(5)", Algorithm.COPY)],
)
def test_varchar_extension(b_type: str, expected: Algorithm) -> None:
    """utf8mb4 varchar(10) is 40 bytes (<= 127): extending it keeps a readable 1-byte length."""
    old = "CREATE TABLE t (id int NOT NULL PRIMARY KEY, b varchar(10)) DEFAULT CHARSET=utf8mb4;"
    new = f"CREATE TABLE t (id int NOT NULL PRIMARY KEY, b {b_type}) DEFAULT CHARSET=utf8mb4;"
    [(_, alg)] = _alters(_plan(new, "mariadb:10.11", old))
    assert alg == expected


def test_drop_column_hazards() -> None:
    new = "CREATE TABLE t (id int NOT NULL PRIMARY KEY, a int, b varchar(10)) ENGINE=InnoDB;"
    [(st, alg)] = _alters(_plan(new, "mariadb:10.11"))
    assert alg == Algorithm.INSTANT
    assert {H.DATA_LOSS, H.IRREVERSIBLE, H.BREAKS_CLIENTS} <= _codes(st)


def test_merged_statement_carries_the_hazards_of_its_clauses() -> None:
    """A column added (instant) and a foreign key added (COPY) merge into one ALTER: it says COPY."""
    old = OLD + "\nCREATE TABLE p (id int NOT NULL PRIMARY KEY);"
    new = (
        "CREATE TABLE t (id int NOT NULL PRIMARY KEY, a int, b varchar(10), c int, z int,"
        " CONSTRAINT fk FOREIGN KEY (c) REFERENCES p (id)) ENGINE=InnoDB;\n"
        "CREATE TABLE p (id int NOT NULL PRIMARY KEY);"
    )
    alters = _alters(_plan(new, "mariadb:10.11", old))
    merged = [(st, alg) for st, alg in alters if "ADD COLUMN" in st.sql and "FOREIGN KEY" in st.sql]
    assert len(merged) == 1
    st, alg = merged[0]
    assert alg == Algorithm.COPY
    assert {H.TABLE_REWRITE, H.VALIDATION_SCAN, H.MAY_FAIL_ON_DATA} <= _codes(st)


def test_table_created_by_the_plan_has_no_hazards() -> None:
    """A foreign key added to a new (empty) table rewrites nothing that holds rows."""
    old = "CREATE TABLE p (id int NOT NULL PRIMARY KEY);"
    child = "CREATE TABLE t (id int NOT NULL PRIMARY KEY, c int, FOREIGN KEY (c) REFERENCES p (id));"
    new = old + "\n" + child
    for step in _plan(new, "mariadb:10.11", old).steps:
        assert not step.hazards
