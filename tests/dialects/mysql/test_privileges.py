"""SHOW GRANTS lines and what they allow on a database (the live counterpart is
tests/live/test_least_privilege.py, which checks these verdicts against the server)."""

from __future__ import annotations

import pytest

from ddlcompare.dialects.mysql.privileges import ALL, Access, Grant, grantee, parse_grant

U = "`u`@`%`"


@pytest.mark.parametrize(
    ("line", "expect"),
    [
        (
            "GRANT USAGE ON *.* TO `u`@`%` IDENTIFIED BY PASSWORD '*D821'",
            Grant(U, frozenset(), None),
        ),
        (
            "GRANT SELECT, SHOW VIEW ON `app\\_1`.* TO `u`@`%`",
            Grant(U, frozenset({"SELECT", "SHOW VIEW"}), "app\\_1"),
        ),
        # column privileges do not hold for the whole table
        (
            "GRANT SELECT (`id`, `on`), INSERT (`a`), TRIGGER ON `app`.`t ``x` TO `u`@`%`",
            Grant(U, frozenset({"TRIGGER"}), "app", "t `x"),
        ),
        (
            "GRANT EXECUTE ON PROCEDURE `app`.`p` TO `u`@`%`",
            Grant(U, frozenset({"EXECUTE"}), "app", "p", routine=True),
        ),
        (
            "GRANT ALL PRIVILEGES ON *.* TO `root`@`localhost` IDENTIFIED VIA unix_socket WITH GRANT OPTION",
            Grant("`root`@`localhost`", frozenset({ALL}), None),
        ),
        ("GRANT EVENT ON `app`.* TO `r1`", Grant("`r1`", frozenset({"EVENT"}), "app")),
        ("GRANT SHOW_ROUTINE ON *.* TO `u`@`%`", Grant(U, frozenset({"SHOW_ROUTINE"}), None)),
        ("REVOKE INSERT ON `mysql`.* FROM `u`@`%`", Grant(U, frozenset({"INSERT"}), "mysql", revoke=True)),
        ("GRANT `r1` TO `u`@`%`", None),
        ("GRANT `r1`@`%`,`r2`@`%` TO `u`@`%`", None),
        ("GRANT PROXY ON ''@'%' TO 'root'@'localhost' WITH GRANT OPTION", None),
        ("SET DEFAULT ROLE `r1` FOR `u`@`%`", None),
    ],
)
def test_parse_grant(line: str, expect: Grant | None) -> None:
    assert parse_grant(line) == expect


def access(*lines: str, fold: bool = False) -> Access:
    return Access.from_show_grants(lines, fold=fold)


def test_global_database_and_table_grants_add_up() -> None:
    a = access(
        "GRANT SELECT ON *.* TO `u`@`%`",
        "GRANT SHOW VIEW ON `app`.* TO `u`@`%`",
        "GRANT TRIGGER ON `app`.`t1` TO `u`@`%`",
    )
    assert a.on_database("app") == {"SELECT", "SHOW VIEW"}
    assert a.has("TRIGGER", "app", "t1") and not a.has("TRIGGER", "app", "t2")
    assert not a.has("TRIGGER", "app")
    assert a.has("SELECT", "mysql", "proc")  # global SELECT covers mysql.proc


def test_first_matching_database_grant_wins() -> None:
    # the server takes the most specific matching entry, not the union (checked live)
    a = access("GRANT SELECT, SHOW VIEW ON `app`.* TO `u`@`%`", "GRANT TRIGGER ON `app%`.* TO `u`@`%`")
    assert a.on_database("app") == {"SELECT", "SHOW VIEW"}
    assert a.on_database("app2") == {"TRIGGER"}
    b = access("GRANT SELECT ON `a%`.* TO `u`@`%`", "GRANT TRIGGER ON `app%`.* TO `u`@`%`")
    assert b.on_database("app") == {"TRIGGER"}  # the later wildcard is the more specific
    assert b.on_database("abc") == {"SELECT"}


def test_patterns_and_escapes() -> None:
    a = access("GRANT SELECT ON `app\\_1`.* TO `u`@`%`", "GRANT EVENT ON `b_`.* TO `u`@`%`")
    assert a.has("SELECT", "app_1") and not a.has("SELECT", "appx1")
    assert a.has("EVENT", "bx") and not a.has("EVENT", "bxy")
    assert not access("GRANT SELECT ON `App`.* TO `u`@`%`").has("SELECT", "app")
    assert access("GRANT SELECT ON `App`.* TO `u`@`%`", fold=True).has("SELECT", "app")


def test_roles_are_separate_grantees() -> None:
    # MariaDB lists the enabled roles' grants under their own names: each role's first match counts
    a = access(
        "GRANT `r` TO `u`@`%`",
        "GRANT SELECT ON `app`.* TO `u`@`%`",
        "GRANT TRIGGER, EVENT ON `app%`.* TO `r`",
        "GRANT SELECT ON `mysql`.`proc` TO `r`",
    )
    assert a.on_database("app") == {"SELECT", "TRIGGER", "EVENT"}
    assert a.has("SELECT", "mysql", "proc")


def test_all_privileges_and_partial_revokes() -> None:
    a = access("GRANT ALL PRIVILEGES ON `app`.* TO `u`@`%`")
    assert a.has("TRIGGER", "app") and a.has("SHOW VIEW", "app") and not a.has("SELECT", "mysql", "proc")
    b = access("GRANT SELECT, EVENT ON *.* TO `u`@`%`", "REVOKE EVENT ON `app`.* FROM `u`@`%`")
    assert b.has("EVENT", "other") and not b.has("EVENT", "app")
    assert b.has_global("EVENT") and not b.has_global("TRIGGER")


def test_grantee_quoting() -> None:
    assert grantee("u@%") == "`u`@`%`"
    assert grantee("we`ird@localhost") == "`we``ird`@`localhost`"
    assert grantee("role") == "`role`"
