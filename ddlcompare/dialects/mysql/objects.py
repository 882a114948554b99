"""MySQL/MariaDB-only object kinds and typed options of neutral kinds."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from ddlcompare.model.base import Expr, Option, SchemaObject, fast_inits

# ---- table options ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Engine(Option):
    """ENGINE = name (canonical spelling: InnoDB, MyISAM, MEMORY, Aria, ...)."""

    KIND: ClassVar[str] = "engine"
    name: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Charset(Option):
    """A table's DEFAULT CHARSET and COLLATE, both resolved (the collation is never implicit)."""

    KIND: ClassVar[str] = "charset"
    charset: str
    collation: str


@dataclass(frozen=True, slots=True, kw_only=True)
class RowFormat(Option):
    """ROW_FORMAT = DYNAMIC | COMPACT | REDUNDANT | COMPRESSED | FIXED | PAGE (DEFAULT: no option)."""

    KIND: ClassVar[str] = "row_format"
    format: str


@dataclass(frozen=True, slots=True, kw_only=True)
class TableOptions(Option):
    """Other table options (KEY_BLOCK_SIZE, STATS_PERSISTENT, PACK_KEYS, ...): sorted (NAME, value)."""

    KIND: ClassVar[str] = "table_options"
    items: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Partitioning(Option):
    """PARTITION BY ...: `clause` is canonical (server defaults such as per-partition ENGINE removed)."""

    KIND: ClassVar[str] = "partition"
    clause: str
    text: str = field(default="", compare=False)  # as written, for rendering


@dataclass(frozen=True, slots=True, kw_only=True)
class SystemVersioning(Option):
    """MariaDB WITH SYSTEM VERSIONING."""

    KIND: ClassVar[str] = "system_versioning"


# ---- column options -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class AutoIncrement(Option):
    """Column AUTO_INCREMENT (the table's counter is state, never compared)."""

    KIND: ClassVar[str] = "auto_increment"


@dataclass(frozen=True, slots=True, kw_only=True)
class OnUpdate(Option):
    """Column ON UPDATE current_timestamp[(n)]."""

    KIND: ClassVar[str] = "on_update"
    expr: Expr


@dataclass(frozen=True, slots=True, kw_only=True)
class Invisible(Option):
    """INVISIBLE column (MySQL 8.0.23+, MariaDB 10.3+) or index (MySQL INVISIBLE, MariaDB IGNORED)."""

    KIND: ClassVar[str] = "invisible"


@dataclass(frozen=True, slots=True, kw_only=True)
class Srid(Option):
    """Spatial column SRID (MySQL 8 `SRID n`, MariaDB `REF_SYSTEM_ID = n`)."""

    KIND: ClassVar[str] = "srid"
    srid: int


# ---- index and constraint options ---------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class IndexKind(Option):
    """FULLTEXT, SPATIAL or VECTOR index (plain and UNIQUE indexes have no option)."""

    KIND: ClassVar[str] = "index_kind"
    kind: str


@dataclass(frozen=True, slots=True, kw_only=True)
class IndexOptions(Option):
    """KEY_BLOCK_SIZE, WITH PARSER, MariaDB vector M/DISTANCE, ...: sorted (NAME, value)."""

    KIND: ClassVar[str] = "index_options"
    items: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class ColumnCheck(Option):
    """A MariaDB column-level CHECK: named after its column and printed inside the column definition."""

    KIND: ClassVar[str] = "column_check"
    column: str


@dataclass(frozen=True, slots=True, kw_only=True)
class NotEnforced(Option):
    """MySQL 8 CHECK ... NOT ENFORCED."""

    KIND: ClassVar[str] = "not_enforced"


# ---- view, trigger and routine options ----------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class ViewOptions(Option):
    """ALGORITHM and SQL SECURITY of a view, present only when one is not the default."""

    KIND: ClassVar[str] = "view_options"
    algorithm: str = "UNDEFINED"  # UNDEFINED | MERGE | TEMPTABLE
    security: str = "DEFINER"  # DEFINER | INVOKER


@dataclass(frozen=True, slots=True, kw_only=True)
class ActionOrder(Option):
    """Firing position of a trigger among those of its table with the same timing and event (1-based).

    Present only when several triggers share timing and event: dumps print them in this order with no
    FOLLOWS/PRECEDES, so the order is what is compared.
    """

    KIND: ClassVar[str] = "action_order"
    position: int


# ---- MySQL-only kinds ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Event(SchemaObject):
    """CREATE EVENT: a scheduled statement.

    `at`, `starts` and `ends` are not compared: the server evaluates them at creation time (and adds
    STARTS = now to a recurring event that had none), so a file and its dump never agree on them.
    """

    KIND: ClassVar[str] = "event"
    every: str | None = None  # `1 DAY`, `'1:30' HOUR_MINUTE`; None: a one-time (AT) event
    at: str | None = field(default=None, compare=False)
    starts: str | None = field(default=None, compare=False)
    ends: str | None = field(default=None, compare=False)
    has_ends: bool = False
    preserve: bool = False  # ON COMPLETION PRESERVE
    status: str = "ENABLE"  # ENABLE | DISABLE | DISABLE ON SLAVE
    body: str = ""  # whitespace-normalised


fast_inits(globals())
