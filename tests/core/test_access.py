"""Owners and grants are always read: compared on the objects with --owners / --privileges, else
kept aside (Schema.access) and used only to restore what a plan re-creates."""

from __future__ import annotations

from ddlcompare import plan_between
from ddlcompare.dialects import LoadOptions, get
from ddlcompare.model.base import Grant, ObjectKey, OwnerAndGrants, evolve
from ddlcompare.output.sql import render_script

PG_OLD = """
CREATE TABLE t (id integer, a integer);
CREATE VIEW v AS SELECT id, a FROM t;
ALTER VIEW v OWNER TO report_owner;
GRANT SELECT ON v TO reader;
GRANT SELECT ON t TO reader;
"""
PG_NEW = PG_OLD.replace("a integer)", "a bigint)")
VIEW = ObjectKey("view", "public", "v")
KEPT = OwnerAndGrants("report_owner", (Grant("reader", "SELECT"),))


def test_pg_kept_aside_without_the_flags() -> None:
    s = get("postgres").parse(PG_OLD, "old.sql", LoadOptions())
    v = s.objects[VIEW]
    assert (v.owner, v.grants) == (None, ())
    assert s.access[VIEW] == KEPT
    assert s.whole(VIEW) == evolve(v, owner="report_owner", grants=KEPT.grants)


def test_pg_on_the_objects_with_the_flags() -> None:
    s = get("postgres").parse(PG_OLD, "old.sql", LoadOptions(owners=True, privileges=True))
    v = s.objects[VIEW]
    assert (v.owner, v.grants) == (KEPT.owner, KEPT.grants)
    assert VIEW not in s.access
    assert s.whole(VIEW) is v


def test_pg_one_flag_keeps_the_other_aside() -> None:
    s = get("postgres").parse(PG_OLD, "old.sql", LoadOptions(owners=True))
    assert (s.objects[VIEW].owner, s.objects[VIEW].grants) == ("report_owner", ())
    assert s.access[VIEW] == OwnerAndGrants(None, KEPT.grants)


def test_pg_dropped_object_leaves_nothing_aside() -> None:
    s = get("postgres").parse(
        PG_OLD + "DROP VIEW v;\nCREATE VIEW v AS SELECT id FROM t;\n", "x.sql", LoadOptions()
    )
    assert VIEW not in s.access


def test_pg_rebuilt_view_comes_back_owned_and_granted() -> None:
    d = get("postgres")
    plan = plan_between(d.parse(PG_OLD, "old.sql", LoadOptions()), d.parse(PG_NEW, "new.sql", LoadOptions()))
    for rollback in (False, True):
        script = render_script(plan, d.STYLE, rollback=rollback)
        assert "ALTER VIEW public.v OWNER TO report_owner;" in script
        assert "GRANT SELECT ON TABLE public.v TO reader;" in script
        assert "ON TABLE public.t" not in script  # the table is altered in place: its grants stay


MY_OLD = """
CREATE TABLE `t` (`id` int NOT NULL, PRIMARY KEY (`id`)) ENGINE=InnoDB;
CREATE DEFINER=`app`@`%` VIEW `v` AS select `t`.`id` AS `id` from `t`;
"""
MY_NEW = MY_OLD.replace("AS `id` from", "AS `id`, 1 AS `one` from")
MY_VIEW = ObjectKey("view", "", "v")


def test_mysql_definer_kept_aside_and_rendered() -> None:
    d = get("mysql")
    old, new = d.parse(MY_OLD, "old.sql", LoadOptions()), d.parse(MY_NEW, "new.sql", LoadOptions())
    assert old.objects[MY_VIEW].owner is None
    assert old.access[MY_VIEW] == OwnerAndGrants("app@%")
    script = render_script(plan_between(old, new), d.STYLE)
    assert "CREATE OR REPLACE DEFINER=`app`@`%` VIEW `v`" in script
    compared = d.parse(MY_OLD, "old.sql", LoadOptions(owners=True))
    assert compared.objects[MY_VIEW].owner == "app@%" and not compared.access
