"""PostgreSQL-only object kinds and typed options of neutral kinds."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from ddlcompare.dialects.postgres.names import partition_index_label
from ddlcompare.model.base import Expr, ObjectKey, Option, SchemaObject, fast_inits
from ddlcompare.model.objects import Constraint, Index, PrimaryKey, TableChild, Unique, View

# ---- options of neutral kinds -------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Identity(Option):
    """Column GENERATED ALWAYS|BY DEFAULT AS IDENTITY with its sequence's settings."""

    KIND: ClassVar[str] = "identity"
    always: bool
    sequence: tuple[tuple[str, str], ...] = ()  # non-default sequence options, sorted


@dataclass(frozen=True, slots=True, kw_only=True)
class Storage(Option):
    """Column STORAGE / COMPRESSION / STATISTICS / attribute options."""

    KIND: ClassVar[str] = "storage"
    storage: str | None = None
    compression: str | None = None
    statistics: int | None = None
    attoptions: tuple[str, ...] = ()
    fdw_options: tuple[str, ...] = ()  # OPTIONS (...) of a foreign table column


@dataclass(frozen=True, slots=True, kw_only=True)
class Unlogged(Option):
    KIND: ClassVar[str] = "unlogged"


@dataclass(frozen=True, slots=True, kw_only=True)
class PartitionBy(Option):
    """PARTITION BY strategy (key parts as canonical text)."""

    KIND: ClassVar[str] = "partition_by"
    strategy: str  # RANGE | LIST | HASH
    key: Expr


@dataclass(frozen=True, slots=True, kw_only=True)
class PartitionOf(Option):
    """This table is a partition of `parent` with `bound` (FOR VALUES ... | DEFAULT)."""

    KIND: ClassVar[str] = "partition_of"
    parent: tuple[str, str]
    bound: Expr


@dataclass(frozen=True, slots=True, kw_only=True)
class PartitionIndexNames(Option):
    """Indexes (or primary / unique keys) of partitions attached to this partitioned index (key)
    under a name of their own, not the `<partition>_<columns>_idx[N]` (`_pkey[N]`,
    `<partition>_<columns>_key[N]`) the server gives the one it creates on a partition: (partition
    schema, partition, name), sorted. The model keeps no other partition index or key."""

    KIND: ClassVar[str] = "partition_index_names"
    items: tuple[tuple[str, str, str], ...]


def index_shape(idx: Index) -> tuple[Any, ...]:
    """What makes a partition's index the same as its parent's, names aside (the server's
    CompareIndexInfo: an attach adopts an index of the same shape)."""
    return (idx.parts, idx.unique, idx.method, idx.include, idx.where, idx.nulls_not_distinct)


def partition_naming(o: Index | PrimaryKey | Unique) -> tuple[str, str]:
    """(<columns> part, label) of the name the server gives the copy of partitioned index or key
    `o` it creates on a partition."""
    if isinstance(o, Index):
        return partition_index_label(o.KIND, [*(p.column for p in o.parts), *o.include])
    return partition_index_label(o.KIND, [*o.columns, *o.include])


@dataclass(frozen=True, slots=True, kw_only=True)
class Inherits(Option):
    KIND: ClassVar[str] = "inherits"
    parents: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class RowSecurity(Option):
    KIND: ClassVar[str] = "row_security"
    enabled: bool = False
    forced: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class StorageParams(Option):
    """WITH (fillfactor=70, ...) of a table, index or view, sorted `name=value` strings."""

    KIND: ClassVar[str] = "with"
    params: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class ReplicaIdentity(Option):
    KIND: ClassVar[str] = "replica_identity"
    identity: str  # FULL | NOTHING | USING INDEX name


@dataclass(frozen=True, slots=True, kw_only=True)
class AccessMethod(Option):
    """Table or materialized view access method other than heap."""

    KIND: ClassVar[str] = "access_method"
    method: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Clustered(Option):
    """ALTER TABLE ... CLUSTER ON this index."""

    KIND: ClassVar[str] = "clustered"


@dataclass(frozen=True, slots=True, kw_only=True)
class IndexComment(Option):
    """COMMENT ON INDEX of the index that backs a PRIMARY KEY, UNIQUE or EXCLUDE constraint: the
    server keeps it apart from the constraint's own comment."""

    KIND: ClassVar[str] = "index_comment"
    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class TriggerState(Option):
    """Trigger or rule firing state other than the default ORIGIN/enabled."""

    KIND: ClassVar[str] = "enabled"
    state: str  # DISABLED | REPLICA | ALWAYS


@dataclass(frozen=True, slots=True, kw_only=True)
class ConstraintTrigger(Option):
    KIND: ClassVar[str] = "constraint_trigger"
    deferrable: bool = False
    initially_deferred: bool = False
    ref_table: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Referencing(Option):
    """Trigger transition tables: REFERENCING OLD TABLE AS a NEW TABLE AS b."""

    KIND: ClassVar[str] = "referencing"
    old_table: str | None = None
    new_table: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ViewOptions(Option):
    """View WITH (security_barrier, security_invoker, ...), sorted."""

    KIND: ClassVar[str] = "view_options"
    params: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class ColumnComments(Option):
    """Comments on the columns of a view, materialized view (name, comment), sorted by name."""

    KIND: ClassVar[str] = "column_comments"
    items: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class ViewDefaults(Option):
    """ALTER VIEW ... ALTER COLUMN c SET DEFAULT e: defaults for inserts through the view."""

    KIND: ClassVar[str] = "column_defaults"
    items: tuple[tuple[str, Expr], ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class ForeignTable(Option):
    """CREATE FOREIGN TABLE ... SERVER s OPTIONS (...)."""

    KIND: ClassVar[str] = "foreign"
    server: str
    params: tuple[str, ...] = ()  # sorted name=value


@dataclass(frozen=True, slots=True, kw_only=True)
class OfType(Option):
    """CREATE TABLE t OF composite_type."""

    KIND: ClassVar[str] = "of_type"
    type: str


# ---- PostgreSQL-only kinds ----------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Namespace(SchemaObject):
    """CREATE SCHEMA."""

    KIND: ClassVar[str] = "schema"

    @property
    def key(self) -> ObjectKey:
        return ObjectKey(self.KIND, "", self.name)


@dataclass(frozen=True, slots=True, kw_only=True)
class Extension(SchemaObject):
    """CREATE EXTENSION; `schema` is "" (extension names are database-wide), `in_schema` where it lives."""

    KIND: ClassVar[str] = "extension"
    in_schema: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Enum(SchemaObject):
    KIND: ClassVar[str] = "enum"
    labels: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DomainCheck:
    name: str
    expr: Expr
    valid: bool = True
    comment: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Domain(SchemaObject):
    KIND: ClassVar[str] = "domain"
    base_type: str
    default: Expr | None = None
    not_null: bool = False
    collation: str | None = None
    checks: tuple[DomainCheck, ...] = ()  # sorted by name


@dataclass(frozen=True, slots=True)
class Attribute:
    """A composite type attribute."""

    name: str
    type: str
    collation: str | None = None
    comment: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CompositeType(SchemaObject):
    KIND: ClassVar[str] = "composite_type"
    attributes: tuple[Attribute, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class RangeType(SchemaObject):
    KIND: ClassVar[str] = "range_type"
    subtype: str
    params: tuple[tuple[str, str], ...] = ()  # subtype_opclass, collation, canonical, subtype_diff, ...


@dataclass(frozen=True, slots=True, kw_only=True)
class MaterializedView(View):
    KIND: ClassVar[str] = "materialized_view"
    # populated or not is the data's state, not the schema's: pg_dump --schema-only always writes
    # WITH NO DATA, so it is kept for rendering but not compared
    with_data: bool = field(default=True, compare=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class Exclude(Constraint):
    """EXCLUDE USING method (element WITH operator, ...)."""

    KIND: ClassVar[str] = "exclude"
    method: str
    elements: tuple[tuple[str, str], ...]  # (canonical element, operator)
    include: tuple[str, ...] = ()
    where: Expr | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Policy(TableChild):
    """Row-level security policy (CREATE POLICY)."""

    KIND: ClassVar[str] = "policy"
    command: str = "ALL"
    permissive: bool = True
    roles: tuple[str, ...] = ("public",)
    using: Expr | None = None
    with_check: Expr | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Aggregate(SchemaObject):
    """CREATE AGGREGATE, compared by its canonical definition."""

    KIND: ClassVar[str] = "aggregate"
    base_name: str
    arguments: str
    definition: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Definition(SchemaObject):
    """A less common object (operator, cast, rule, statistics, text search object, foreign data
    wrapper, server, event trigger, ...), compared by its canonical statement text and migrated
    by drop and create. `kind` is the SQL noun used in DROP/COMMENT ON."""

    KIND: ClassVar[str] = "definition"
    kind: str  # e.g. "OPERATOR", "CAST", "RULE", "STATISTICS", "TEXT SEARCH CONFIGURATION"
    identity: str  # rendered name in DROP/COMMENT: `public.===(integer, integer)`, `r ON public.t`
    definition: Expr  # canonical statement text / source statement text
    table: str = ""  # owning relation of rules

    @property
    def key(self) -> ObjectKey:
        return ObjectKey(self.kind.lower().replace(" ", "_"), self.schema, self.name, self.table)


fast_inits(globals())
