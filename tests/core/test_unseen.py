"""Schema.unseen: what a live side could not see is left out of both sides, with warnings."""

from __future__ import annotations

import pytest

from ddlcompare import plan_between
from ddlcompare.dialects import LoadOptions, unreadable
from ddlcompare.diff.compare import leave_out_unseen
from ddlcompare.errors import DdlError
from ddlcompare.model.base import Schema, SchemaObject, Unseen
from ddlcompare.model.objects import Column, Procedure, Table, Trigger

TRIGGERS = Unseen(frozenset({"trigger"}), "app", what="the triggers of app", reason="needs TRIGGER")


def schema(*objs: SchemaObject, source: str = "", unseen: tuple[Unseen, ...] = ()) -> Schema:
    return Schema("postgres", {o.key: o for o in objs}, source=source, unseen=unseen)


def table(name: str) -> Table:
    return Table(schema="app", name=name, columns=(Column(name="id", type="integer"),))


def trigger(name: str, table: str) -> Trigger:
    return Trigger(schema="app", name=name, table=table, timing="BEFORE", events=("INSERT",), action="f()")


def proc(name: str) -> Procedure:
    return Procedure(schema="app", name=f"{name}()", base_name=name, body="BEGIN END")


def test_covers_kind_schema_and_names() -> None:
    t = trigger("tr", "t1")
    assert TRIGGERS.covers(t.key)
    assert not TRIGGERS.covers(table("t1").key)
    assert not Unseen(frozenset({"trigger"}), "other").covers(t.key)
    # names restrict table-owned objects by their relation, others by their own name
    on_t2 = Unseen(frozenset({"trigger"}), "app", frozenset({"t2"}))
    assert not on_t2.covers(t.key)
    assert on_t2.covers(trigger("tr", "t2").key)
    assert Unseen(frozenset({"procedure"}), "app", frozenset({"p()"})).covers(proc("p").key)


def test_both_sides_lose_the_unseen_kind() -> None:
    file = schema(table("t1"), trigger("tr", "t1"), trigger("only_in_file", "t1"), source="old.sql")
    live = schema(table("t1"), source="live", unseen=(TRIGGERS,))
    plan = plan_between(file, live)
    # without the leave-out the file's triggers would be dropped
    assert plan.changes == ()
    assert not any(o.KIND == "trigger" for o in plan.old)
    (w,) = plan.old.warnings
    assert w.message.startswith("old.sql: trigger app.t1.only_in_file, trigger app.t1.tr left out")
    assert "cannot see the triggers of app" in w.message
    # and the other way round: nothing is created for what the live side could not see
    assert plan_between(live, file).changes == ()


def test_what_is_seen_is_still_compared() -> None:
    file = schema(table("t1"), table("gone"), trigger("tr", "t1"), proc("p"), source="old.sql")
    live = schema(table("t1"), proc("p"), source="live", unseen=(TRIGGERS,))
    plan = plan_between(file, live)
    assert [(type(c).__name__, c.obj.name) for c in plan.changes] == [("Drop", "gone")]


def test_names_limit_the_leave_out() -> None:
    # the account may create triggers on t1 only: t2's trigger is compared, t1's is left out
    partial = Unseen(frozenset({"trigger"}), "app", frozenset({"t1"}), what="the triggers of t1")
    file = schema(table("t1"), table("t2"), trigger("a", "t1"), trigger("b", "t2"), source="f")
    live = schema(table("t1"), table("t2"), source="live", unseen=(partial,))
    (ch,) = plan_between(file, live).changes
    assert (type(ch).__name__, ch.obj.name) == ("Drop", "b")


def test_nothing_unseen_is_the_same_schema() -> None:
    a, b = schema(table("t")), schema(table("t"))
    out = leave_out_unseen([a, b])
    assert out[0] is a and out[1] is b


def test_long_lists_are_counted() -> None:
    trs = [trigger(f"tr{i}", "t1") for i in range(8)]
    (out, _) = leave_out_unseen([schema(table("t1"), *trs, source="f"), schema(unseen=(TRIGGERS,))])
    (w,) = out.warnings
    assert "and 3 more left out" in w.message
    assert out.of_kind(Trigger) == []  # the cache of the unfiltered schema is not reused


def test_unreadable_fails_or_warns() -> None:
    live = schema(table("t1"), source="live")
    with pytest.raises(DdlError) as e:
        unreadable(live, [TRIGGERS], "mysql://u@h/app", LoadOptions())
    assert str(e.value).startswith("error: mysql://u@h/app: cannot see the triggers of app: needs TRIGGER")
    assert "--skip-unreadable" in str(e.value)
    out = unreadable(live, [TRIGGERS], "mysql://u@h/app", LoadOptions(skip_unreadable=True))
    assert out.unseen == (TRIGGERS,)
    assert [w.message for w in out.warnings] == [
        "mysql://u@h/app: cannot see the triggers of app, left out: needs TRIGGER"
    ]
    assert unreadable(live, [], "x", LoadOptions()) is live
