"""make_plan(): dependency order, rebuilds around changes, cycles, implicit drops, rollback."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import pytest

from ddlcompare.diff.changes import Alter, Change, Drop, key_of
from ddlcompare.diff.compare import diff
from ddlcompare.errors import DdlError
from ddlcompare.model.base import Expr, ObjectKey, Schema, SchemaObject
from ddlcompare.model.objects import Column, ForeignKey, Table, View
from ddlcompare.model.objects import Sequence as SequenceObject
from ddlcompare.output.sql import ScriptStyle, render_script
from ddlcompare.plan.hazards import Hazard, HazardCode
from ddlcompare.plan.plan import Plan, RenderContext, Statement, make_plan


class Hooks:
    """Minimal dialect: views break when a table column type changes; tables take children along."""

    def rebuild(self, change: Alter) -> bool:
        return isinstance(change.new, View)

    def invalidates(self, change: Alter, dependent: SchemaObject) -> bool:
        return isinstance(dependent, View)

    def converts(self, change: Alter, dependent: SchemaObject) -> bool:
        # stands for a type swap, which only narrowing needs (as removing an enum label does): the
        # tables using the changed object are converted in place
        new = change.new
        return isinstance(new, SequenceObject) and new.data_type == "integer" and isinstance(dependent, Table)

    def detaches(self, rebuilt: SchemaObject, dependent: SchemaObject) -> bool:
        return False

    def kind_rank(self, kind: str) -> int:
        return {"table": 0, "view": 1, "foreign_key": 2}.get(kind, 9)

    def namespace(self, obj: SchemaObject) -> tuple[str, ...]:
        return (obj.key.kind, obj.schema, obj.name)

    def dropped_with(self, obj: SchemaObject, dropped: frozenset[ObjectKey]) -> ObjectKey | None:
        parent = ObjectKey("table", obj.schema, obj.key.parent)
        return parent if obj.key.parent and parent in dropped else None

    def container(self, obj: SchemaObject) -> ObjectKey | None:
        return None

    def hazards(self, statement: Statement, change: Change, ctx: RenderContext) -> Sequence[Hazard]:
        return (Hazard(HazardCode.DATA_LOSS, "drops it"),) if statement.destructive else ()

    def rerunnable(self, statement: Statement, ctx: RenderContext) -> Statement:
        return statement


def render(change: Change, ctx: RenderContext) -> Sequence[Statement]:
    verb = type(change).__name__.upper()
    if isinstance(change, Drop) and key_of(change) in ctx.implicit_drops:
        return []
    return [Statement(f"{verb} {key_of(change)};", destructive=isinstance(change, Drop))]


def schema(*objs: SchemaObject) -> Schema:
    return Schema("test", {o.key: o for o in objs})


def tbl(name: str, *cols: str, deps: frozenset[ObjectKey] = frozenset()) -> Table:
    return Table(
        schema="s", name=name, columns=tuple(Column(name=c, type="int") for c in cols), depends_on=deps
    )


def view(name: str, on: str, query: str = "q") -> View:
    return View(schema="s", name=name, query=Expr(query), depends_on=frozenset({ObjectKey("table", "s", on)}))


def fk(name: str, table: str, ref: str) -> ForeignKey:
    deps = frozenset({ObjectKey("table", "s", table), ObjectKey("table", "s", ref)})
    return ForeignKey(
        schema="s",
        table=table,
        name=name,
        columns=("a",),
        ref_schema="s",
        ref_table=ref,
        ref_columns=("a",),
        depends_on=deps,
    )


def order(old: Schema, new: Schema) -> list[str]:
    plan = make_plan(old, new, diff(old, new), Hooks(), render)
    return [st.forward[0].sql if st.forward else f"(implicit {st.key})" for st in plan.steps]


def rollback_statements(plan: Plan) -> list[str]:
    """The statements of the rollback script, in order (BEGIN/COMMIT left out)."""
    rollback = render_script(plan, ScriptStyle(), rollback=True, allow_destructive=True)
    return [
        line
        for line in rollback.splitlines()
        if line.endswith(";") and not line.startswith(("BEGIN", "COMMIT"))
    ]


def test_creates_follow_dependencies_and_fks_come_after_both_tables() -> None:
    new = schema(tbl("a", "a"), tbl("b", "a"), fk("a_fk", "a", "b"), fk("b_fk", "b", "a"))
    steps = order(schema(), new)
    assert steps.index("CREATE foreign_key:s.a.a_fk;") > steps.index("CREATE table:s.b;")
    assert steps.index("CREATE foreign_key:s.b.b_fk;") > steps.index("CREATE table:s.a;")


def test_dependents_are_dropped_first() -> None:
    old = schema(tbl("t", "a"), view("v", "t"))
    assert order(old, schema()) == ["DROP view:s.v;", "DROP table:s.t;"]


def test_view_is_rebuilt_around_a_table_change() -> None:
    old = schema(tbl("t", "a"), view("v", "t"))
    new_t = replace(tbl("t", "a"), columns=(Column(name="a", type="bigint"),))
    new = schema(new_t, view("v", "t"))
    plan = make_plan(old, new, diff(old, new), Hooks(), render)
    assert [st.forward[0].sql for st in plan.steps] == [
        "DROP view:s.v;",
        "ALTER table:s.t;",
        "CREATE view:s.v;",
    ]
    assert all(st.reason.startswith("rebuilt") for st in plan.steps if st.key.kind == "view")
    body = rollback_statements(plan)
    assert body == ["DROP view:s.v;", "ALTER table:s.t;", "CREATE view:s.v;"]


def test_unchanged_dependent_of_a_replaced_object_is_rebuilt() -> None:
    # table s.d becomes a view s.d over a new table: v reads the same but binds to the new s.d
    old = schema(tbl("d", "a"), view("v", "d"))
    new = schema(tbl("t", "a"), view("d", "t", query="q2"), view("v", "d"))
    steps = order(old, new)
    assert steps.index("DROP view:s.v;") < steps.index("DROP table:s.d;")
    assert steps.index("CREATE view:s.v;") > steps.index("CREATE view:s.d;")


def test_children_of_a_dropped_table_render_nothing_but_roll_back() -> None:
    child = fk("t_fk", "t", "u")
    old = schema(tbl("t", "a"), tbl("u", "a"), child)
    plan = make_plan(old, schema(tbl("u", "a")), diff(old, schema(tbl("u", "a"))), Hooks(), render)
    by_key = {st.key: st for st in plan.steps}
    assert by_key[child.key].forward == ()
    assert by_key[child.key].rollback[0].sql == f"CREATE {child.key};"


def test_non_fk_cycle_is_a_clear_error() -> None:
    a = tbl("a", "x", deps=frozenset({ObjectKey("table", "s", "b")}))
    b = tbl("b", "x", deps=frozenset({ObjectKey("table", "s", "a")}))
    with pytest.raises(DdlError, match=r"dependency cycle between: table:s\.a, table:s\.b"):
        order(schema(), schema(a, b))


def test_destructive_statements_are_commented_out_unless_allowed() -> None:
    old = schema(tbl("t", "a"))
    plan = make_plan(old, schema(), diff(old, schema()), Hooks(), render)
    guarded = render_script(plan, ScriptStyle())
    assert "-- DROP table:s.t;" in guarded and "\nDROP table:s.t;" not in guarded
    assert "1 destructive statement(s)" in guarded
    allowed = render_script(plan, ScriptStyle(), allow_destructive=True)
    assert "\nDROP table:s.t;" in allowed


def test_plan_is_deterministic() -> None:
    new = schema(*(tbl(f"t{i}", "a") for i in range(30)), *(view(f"v{i}", f"t{i}") for i in range(30)))
    assert order(schema(), new) == order(schema(), new)
    assert order(schema(), new)[0] == "CREATE table:s.t0;"


def test_dependents_of_a_converted_table_are_rebuilt_and_the_table_is_kept() -> None:
    seq = SequenceObject(schema="s", name="q", data_type="bigint")
    uses = frozenset({seq.key})
    old = schema(seq, tbl("t", "a", deps=uses), view("v", "t"), tbl("u", "a"), view("w", "u"))
    new = schema(
        replace(seq, data_type="integer"),
        tbl("t", "a", deps=uses),
        view("v", "t"),
        tbl("u", "a"),
        view("w", "u"),
    )
    assert order(old, new) == ["DROP view:s.v;", "ALTER sequence:s.q;", "CREATE view:s.v;"]


def test_what_only_the_rollback_breaks_is_rebuilt_in_the_rollback_only() -> None:
    seq = SequenceObject(schema="s", name="q", data_type="integer")
    uses = frozenset({seq.key})
    old = schema(seq, tbl("t", "a", deps=uses), view("v", "t"))
    new = schema(replace(seq, data_type="bigint"), tbl("t", "a", deps=uses), view("v", "t"))
    plan = make_plan(old, new, diff(old, new), Hooks(), render)
    forward = [s.sql for st in plan.steps for s in st.forward]
    assert forward == ["ALTER sequence:s.q;"]
    assert all(st.reason.startswith("rebuilt in the rollback") for st in plan.steps if st.key.kind == "view")
    body = rollback_statements(plan)
    assert body == ["DROP view:s.v;", "ALTER sequence:s.q;", "CREATE view:s.v;"]
