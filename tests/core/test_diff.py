"""diff(): key-set comparison, column changes, field-level reasons, reversibility."""

from __future__ import annotations

from ddlcompare.diff.changes import Alter, Create, Drop
from ddlcompare.diff.compare import diff
from ddlcompare.model.base import Expr, Schema, SchemaObject
from ddlcompare.model.objects import Column, Index, IndexPart, Table


def schema(*objs: SchemaObject) -> Schema:
    return Schema("postgres", {o.key: o for o in objs})


def table(name: str, *cols: Column, comment: str | None = None) -> Table:
    return Table(schema="public", name=name, columns=cols, comment=comment)


def col(name: str, type_: str = "integer", **kw: object) -> Column:
    return Column(name=name, type=type_, **kw)  # type: ignore[arg-type]


def test_equal_schemas_have_no_changes() -> None:
    a = schema(table("t", col("a"), col("b", "text")))
    b = schema(table("t", col("a"), col("b", "text")))
    assert diff(a, b) == ()


def test_create_drop_alter_sorted_by_key() -> None:
    a = schema(table("gone", col("a")), table("kept", col("a")))
    b = schema(table("kept", col("a"), col("b")), table("new", col("a")))
    changes = diff(a, b)
    assert [type(c).__name__ for c in changes] == ["Drop", "Alter", "Create"]
    assert [c.obj.name for c in changes] == ["gone", "kept", "new"]


def test_column_changes_and_reasons() -> None:
    a = schema(table("t", col("a"), col("b", "text"), col("c")))
    b = schema(table("t", col("a", "bigint", nullable=False), col("b", "text"), col("d")))
    (ch,) = diff(a, b)
    assert isinstance(ch, Alter)
    kinds = [(type(c).__name__, c.obj.name) for c in ch.children]
    assert kinds == [("Alter", "a"), ("Create", "d"), ("Drop", "c")]
    first = ch.children[0]
    assert isinstance(first, Alter)
    assert first.reasons == ("type: 'integer' -> 'bigint'", "nullable: True -> False")


def test_expression_equality_uses_canonical_text_only() -> None:
    a = schema(table("t", col("a", default=Expr("0", "0"))))
    b = schema(table("t", col("a", default=Expr("0", "(0)::integer"))))
    assert diff(a, b) == ()
    c = schema(table("t", col("a", default=Expr("1", "1"))))
    (ch,) = diff(a, c)
    assert isinstance(ch, Alter) and ch.children[0].reasons == ("default: 0 -> 1",)  # type: ignore[union-attr]


def test_column_order_only_matters_when_asked() -> None:
    a = schema(table("t", col("a"), col("b"), col("c")))
    b = schema(table("t", col("c"), col("a"), col("b")))
    assert diff(a, b) == ()
    (ch,) = diff(a, b, column_order=True)
    assert isinstance(ch, Alter)
    moved = [c for c in ch.children if isinstance(c, Alter) and c.moved]
    assert [c.obj.name for c in moved] == ["c"]  # the fewest moves: c goes first, a and b stay


def test_reverse_of_diff_is_diff_backwards() -> None:
    idx = Index(schema="public", table="t", name="i", parts=(IndexPart(column="a"),))
    a = schema(table("t", col("a"), comment="x"), idx)
    b = schema(table("t", col("a"), col("b"), comment="y"))
    forward = diff(a, b)
    backward = diff(b, a)
    assert {c.reverse() for c in forward} == set(backward)
    assert any(isinstance(c, Drop) for c in forward) and any(isinstance(c, Create) for c in backward)


def test_table_level_reason_excludes_columns() -> None:
    a = schema(table("t", col("a"), comment="old"))
    b = schema(table("t", col("a"), col("b"), comment="new"))
    (ch,) = diff(a, b)
    assert isinstance(ch, Alter)
    assert ch.reasons == ("comment: 'old' -> 'new'",)
