"""MySQL/MariaDB --online offline: the ALGORITHM and LOCK each ALTER TABLE states per target version,
the cut of a table's clauses by algorithm, the hazards of each part and the COPY command lines (the
claims themselves are held against MariaDB by the --online round trips, tests/live)."""

from __future__ import annotations

import pytest

from ddlcompare import plan_between
from ddlcompare.dialects import LoadOptions, get
from ddlcompare.dialects.mysql.render import TableAlter
from ddlcompare.output.markdown import render_markdown
from ddlcompare.output.sql import render_script, statements
from ddlcompare.plan.hazards import HazardCode, parse_target
from ddlcompare.plan.plan import Plan, PlanOptions

H = HazardCode
OLD = "CREATE TABLE t (id int NOT NULL PRIMARY KEY, a int, b varchar(10), c text) ENGINE=InnoDB;"


def _plan(new: str, target: str | None = "mariadb:10.11", old: str = OLD, online: bool = True) -> Plan:
    d = get("mysql")
    return plan_between(
        d.parse(old, "old.sql", LoadOptions()),
        d.parse(new, "new.sql", LoadOptions()),
        parse_target(target) if target else None,
        PlanOptions(online=online),
    )


def _sql(plan: Plan, *, rollback: bool = False) -> list[str]:
    return [" ".join(st.sql.split()) for st in statements(plan, rollback=rollback)]


ADD_Z = "CREATE TABLE t (id int NOT NULL PRIMARY KEY, a int, b varchar(10), c text, z int) ENGINE=InnoDB;"


@pytest.mark.parametrize(
    ("target", "stated"),
    [
        ("mariadb:10.11", "ALGORITHM=INSTANT"),
        ("mariadb:10.3", "ALGORITHM=INSTANT"),
        ("mysql:8.0.35", "ALGORITHM=INSTANT"),
        ("mysql:8.0.11", "ALGORITHM=INPLACE, LOCK=NONE"),
        ("mysql:5.7", "ALGORITHM=INPLACE, LOCK=NONE"),
        (None, "ALGORITHM=INPLACE, LOCK=NONE"),
    ],
)
def test_add_column_states_the_best_algorithm_of_the_target(target: str | None, stated: str) -> None:
    """INSTANT from MariaDB 10.3 and MySQL 8.0.12 (at the end); MySQL 5.7 has no INSTANT. A MySQL
    target gets the plain statement (MySQL has no ADD COLUMN IF NOT EXISTS)."""
    [sql] = _sql(_plan(ADD_Z, target))
    ine = " IF NOT EXISTS" if target is None or target.startswith("mariadb") else ""
    assert sql == f"ALTER TABLE `t` ADD COLUMN{ine} `z` int AFTER `c`, {stated};"


def test_rollback_is_stated_too() -> None:
    [sql] = _sql(_plan(ADD_Z), rollback=True)
    assert sql == "ALTER TABLE `t` DROP COLUMN IF EXISTS `z`, ALGORITHM=INSTANT;"


def test_without_online_nothing_is_stated() -> None:
    plan, online = _plan(ADD_Z, online=False), _plan(ADD_Z)
    assert _sql(plan) == ["ALTER TABLE `t` ADD COLUMN IF NOT EXISTS `z` int AFTER `c`;"]
    style = get("mysql").STYLE
    assert render_script(plan, style) != render_script(online, style)


def test_fulltext_index_is_built_under_a_shared_lock() -> None:
    """The server refuses LOCK=NONE for a FULLTEXT build; the hazard says writes wait."""
    new = OLD.replace(") ENGINE", ", FULLTEXT KEY ft (c)) ENGINE")
    [st] = statements(_plan(new))
    assert st.sql.endswith(", ALGORITHM=INPLACE, LOCK=SHARED;")
    assert any(h.code == H.BLOCKS_WRITES and h.lock == "SHARED" for h in st.hazards)


def test_rebuilding_a_table_with_a_fulltext_index_takes_a_shared_lock() -> None:
    old = OLD.replace(") ENGINE", ", FULLTEXT KEY ft (c)) ENGINE")
    new = old.replace("a int,", "a int NOT NULL,")
    [st] = statements(_plan(new, old=old))
    assert st.sql.endswith(", ALGORITHM=INPLACE, LOCK=SHARED;")


def test_plain_index_is_built_without_a_lock() -> None:
    new = OLD.replace(") ENGINE", ", KEY ix_a (a)) ENGINE")
    [st] = statements(_plan(new))
    assert st.sql.endswith(", ALGORITHM=INPLACE, LOCK=NONE;")
    assert H.BLOCKS_WRITES not in {h.code for h in st.hazards}


SPLIT = (
    "CREATE TABLE t (id int NOT NULL PRIMARY KEY, a bigint, b varchar(10) COMMENT 'x', c text, z int,"
    " KEY ix_b (b)) ENGINE=InnoDB;"
)


def test_a_copy_is_cut_from_the_instant_and_inplace_clauses() -> None:
    """INSTANT first, INPLACE next, the COPY last; each part carries its own hazards."""
    plan = _plan(SPLIT)
    sts = statements(plan)
    assert [" ".join(st.sql.split()) for st in sts] == [
        "ALTER TABLE `t` ADD COLUMN IF NOT EXISTS `z` int AFTER `c`, ALGORITHM=INSTANT;",
        # the comment of b goes with the index on b (a clause naming what another changes)
        "ALTER TABLE `t` MODIFY COLUMN `b` varchar(10) COMMENT 'x', ADD KEY IF NOT EXISTS `ix_b` (`b`),"
        " ALGORITHM=INPLACE, LOCK=NONE;",
        "ALTER TABLE `t` MODIFY COLUMN `a` bigint;",
    ]
    assert [H.TABLE_REWRITE in {h.code for h in st.hazards} for st in sts] == [False, False, True]
    copy = sts[-1]
    assert isinstance(copy, TableAlter)
    assert copy.online_tools == (
        "gh-ost --database=\"$DB\" --table=t --alter='MODIFY COLUMN `a` bigint' --execute",
        "pt-online-schema-change --alter 'MODIFY COLUMN `a` bigint' D=\"$DB\",t=t --execute",
    )
    report = render_markdown(plan)
    assert "```sh\n" + "\n".join(copy.online_tools) + "\n```" in report


def test_a_clause_naming_what_a_copy_changes_goes_with_it() -> None:
    """An index on a column whose type changes is built by the copy, not before it."""
    new = OLD.replace("a int", "a bigint").replace(") ENGINE", ", KEY ix_a (a)) ENGINE")
    [st] = statements(_plan(new))
    assert st.sql.startswith("ALTER TABLE `t`\n  MODIFY COLUMN `a` bigint,\n  ADD KEY")
    assert "ALGORITHM" not in st.sql


def test_tools_quote_for_the_shell() -> None:
    new = OLD.replace("c text", "c text COMMENT 'it''s'").replace("a int", "a bigint")
    sts = statements(_plan(new))
    copy = sts[-1]
    assert isinstance(copy, TableAlter)
    assert "--alter='MODIFY COLUMN `a` bigint'" in copy.online_tools[0]
    assert isinstance(sts[0], TableAlter) and not sts[0].online_tools


def test_a_new_table_states_nothing() -> None:
    """A table the migration creates is empty: nothing waits for its ALTERs."""
    old = "CREATE TABLE p (id int NOT NULL PRIMARY KEY) ENGINE=InnoDB;"
    new = (
        old
        + "CREATE TABLE q (id int NOT NULL PRIMARY KEY, p int,"
        + " CONSTRAINT fk FOREIGN KEY (p) REFERENCES p (id));"
    )
    assert all("ALGORITHM" not in s for s in _sql(_plan(new, old=old)))
