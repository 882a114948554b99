"""Neutral object kinds: those at least two dialects have.

Dialect-only kinds (PostgreSQL policies, MySQL events, ...) live in `dialects/<name>/objects.py`.
Values are canonical: identifiers case-folded as the dialect folds them, type names canonical,
expressions as `Expr` (canonical text for equality, source text for rendering).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from ddlcompare.model.base import Element, Expr, ObjectKey, SchemaObject, fast_inits, new_key


@dataclass(frozen=True, slots=True, kw_only=True)
class Column(Element):
    """A table column; its position is its place in `Table.columns`."""

    KIND: ClassVar[str] = "column"
    type: str
    nullable: bool = True
    default: Expr | None = None
    generated: Expr | None = None
    generated_stored: bool = True  # False: VIRTUAL (MySQL, PostgreSQL 18)
    collation: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Table(SchemaObject):
    """A table with its ordered columns; keys, indexes and triggers are objects of their own."""

    KIND: ClassVar[str] = "table"
    columns: tuple[Column, ...] = ()

    def column(self, name: str) -> Column | None:
        for c in self.columns:
            if c.name == name:
                return c
        return None


@dataclass(frozen=True, slots=True, kw_only=True)
class TableChild(SchemaObject):
    """An object owned by one relation (table, view or materialized view)."""

    table: str

    @property
    def key(self) -> ObjectKey:
        return new_key((self.KIND, self.schema, self.name, self.table))

    @property
    def display(self) -> str:
        """`schema.table.name` (what SchemaObject.display makes of the key, without making it)."""
        return ".".join([p for p in (self.schema, self.table, self.name) if p])


@dataclass(frozen=True, slots=True, kw_only=True)
class Constraint(TableChild):
    """Common fields of table constraints."""

    deferrable: bool = False
    initially_deferred: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class PrimaryKey(Constraint):
    KIND: ClassVar[str] = "primary_key"
    columns: tuple[str, ...]
    include: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Unique(Constraint):
    KIND: ClassVar[str] = "unique"
    columns: tuple[str, ...]
    include: tuple[str, ...] = ()
    nulls_not_distinct: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Check(Constraint):
    KIND: ClassVar[str] = "check"
    expr: Expr
    valid: bool = True  # False: NOT VALID
    no_inherit: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class ForeignKey(Constraint):
    KIND: ClassVar[str] = "foreign_key"
    columns: tuple[str, ...]
    ref_schema: str
    ref_table: str
    ref_columns: tuple[str, ...]
    on_delete: str = "NO ACTION"
    on_update: str = "NO ACTION"
    match: str = "SIMPLE"
    valid: bool = True


@dataclass(frozen=True, slots=True)
class IndexPart:
    """One key part: a column or an expression, with its ordering and operator details."""

    column: str | None = None
    expr: Expr | None = None
    descending: bool = False
    nulls_first: bool | None = None  # None: the default for the direction
    collation: str | None = None
    opclass: str | None = None
    length: int | None = None  # MySQL prefix length

    def __str__(self) -> str:
        s = self.column if self.column is not None else f"({self.expr.canonical if self.expr else ''})"
        if self.length is not None:
            s += f"({self.length})"
        if self.collation:
            s += f" COLLATE {self.collation}"
        if self.opclass:
            s += f" {self.opclass}"
        if self.descending:
            s += " DESC"
        if self.nulls_first is not None:
            s += " NULLS FIRST" if self.nulls_first else " NULLS LAST"
        return s


@dataclass(frozen=True, slots=True, kw_only=True)
class Index(TableChild):
    KIND: ClassVar[str] = "index"
    parts: tuple[IndexPart, ...]
    unique: bool = False
    method: str | None = None  # None: the dialect's default (btree)
    include: tuple[str, ...] = ()
    where: Expr | None = None
    nulls_not_distinct: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class View(SchemaObject):
    KIND: ClassVar[str] = "view"
    query: Expr
    columns: tuple[str, ...] = ()  # explicit column names of CREATE VIEW v (a, b)
    check_option: str | None = None  # LOCAL | CASCADED


@dataclass(frozen=True, slots=True, kw_only=True)
class Sequence(SchemaObject):
    KIND: ClassVar[str] = "sequence"
    data_type: str = "bigint"
    start: int = 1
    increment: int = 1
    min_value: int = 1
    max_value: int = 9223372036854775807
    cache: int = 1
    cycle: bool = False
    owned_by: tuple[str, str] | None = None  # (table, column) in the same schema


@dataclass(frozen=True, slots=True)
class Argument:
    """A routine parameter."""

    type: str
    name: str = ""
    mode: str = "IN"  # IN | OUT | INOUT | VARIADIC | TABLE
    default: Expr | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Routine(SchemaObject):
    """A function or procedure; `name` carries the argument signature where the dialect overloads."""

    KIND: ClassVar[str] = "function"
    base_name: str
    arguments: tuple[Argument, ...] = ()
    returns: str | None = None
    language: str = "sql"
    body: str = ""  # compared as written; SQL-standard bodies in canonical form
    body_sql: str = field(default="", compare=False)  # renderable form of a canonical body
    attributes: tuple[tuple[str, str], ...] = ()  # sorted (name, value): volatility, security, ...


@dataclass(frozen=True, slots=True, kw_only=True)
class Procedure(Routine):
    KIND: ClassVar[str] = "procedure"


@dataclass(frozen=True, slots=True, kw_only=True)
class Trigger(TableChild):
    KIND: ClassVar[str] = "trigger"
    timing: str  # BEFORE | AFTER | INSTEAD OF
    events: tuple[str, ...]  # INSERT, UPDATE, DELETE, TRUNCATE (sorted)
    columns: tuple[str, ...] = ()  # UPDATE OF
    for_each_row: bool = True
    when: Expr | None = None
    action: str = ""  # PostgreSQL: canonical EXECUTE FUNCTION call; MySQL: the body


@dataclass(frozen=True, slots=True, kw_only=True)
class Opaque(SchemaObject):
    """A statement read but not modelled yet: its change is reported but never migrated blindly."""

    KIND: ClassVar[str] = "opaque"
    statement: str  # statement kind, e.g. CreateRuleStmt
    text: str  # normalised statement text
    source_text: str = field(default="", compare=False)


fast_inits(globals())
