"""Typed changes between two schemas; every change knows its reverse."""

from __future__ import annotations

from dataclasses import dataclass

from ddlcompare.model.base import Element, ObjectKey, SchemaObject, field_reasons


@dataclass(frozen=True, slots=True)
class Create:
    """`new` exists only on the new side."""

    new: Element

    @property
    def obj(self) -> Element:
        return self.new

    def reverse(self) -> Drop:
        return Drop(self.new)


@dataclass(frozen=True, slots=True)
class Drop:
    """`old` exists only on the old side."""

    old: Element

    @property
    def obj(self) -> Element:
        return self.old

    def reverse(self) -> Create:
        return Create(self.old)


@dataclass(frozen=True, slots=True)
class Alter:
    """Same key on both sides, different values; `children` are a table's column changes."""

    old: Element
    new: Element
    children: tuple[Change, ...] = ()
    moved: bool = False  # a column whose place among the columns changed (where order matters)

    @property
    def obj(self) -> Element:
        return self.new

    @property
    def reasons(self) -> tuple[str, ...]:
        """Field-level reasons, `field: old -> new`; a table's columns are reported as children."""
        own = field_reasons(self.old, self.new, skip=frozenset({"columns"}))
        return (*own, "position") if self.moved else own

    def reverse(self) -> Alter:
        return Alter(self.new, self.old, tuple(c.reverse() for c in self.children), self.moved)


@dataclass(frozen=True, slots=True)
class Rename:
    """`old` renamed in place to `new`, its data kept (asked for: `--rename` or an annotation). With
    `part` ("column", "label") it is one of the object's parts renamed, `before` to `after`."""

    old: SchemaObject
    new: SchemaObject
    part: str = ""
    before: str = ""
    after: str = ""

    @property
    def obj(self) -> SchemaObject:
        return self.new

    @property
    def reasons(self) -> tuple[str, ...]:
        if self.part:
            return (f"{self.part} renamed: {self.before!r} -> {self.after!r}",)
        return (f"renamed: {self.old.name!r} -> {self.new.name!r}",)

    def reverse(self) -> Rename:
        return Rename(self.new, self.old, self.part, self.after, self.before)


Change = Create | Drop | Alter | Rename


def key_of(change: Change) -> ObjectKey:
    """Key of the schema object a top-level change is about."""
    obj = change.obj
    assert isinstance(obj, SchemaObject), "column changes have no key of their own"
    return obj.key


def verb(change: Change) -> str:
    """create | drop | alter | rename, for reports and JSON."""
    return type(change).__name__.lower()
