"""MySQL/MariaDB: schema text -> statements (split.py) -> applied in order to a Builder -> Schema.

Statements are applied the way the server would (CREATE, ALTER TABLE ..., RENAME, DROP), on mutable
per-table state: MySQL names unnamed keys and constraints, creates and drops the index a foreign key
needs, and moves key parts along with renamed columns, so a hand-written file and a mysqldump of
the database it builds end in the same model. Statements that cannot be modelled become `Opaque`
objects with a warning (an error under --strict).
"""

from __future__ import annotations

import dataclasses
import gc
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ddlcompare.dialects import LoadOptions
from ddlcompare.dialects.mysql.objects import (
    ActionOrder,
    Charset,
    ColumnCheck,
    Engine,
    IndexKind,
    IndexOptions,
    Invisible,
    NotEnforced,
)
from ddlcompare.dialects.mysql.split import (
    RawStatement,
    is_noise,
    split,
    statement_pos,
    superseded_placeholders,
    unquote,
    use_database,
)
from ddlcompare.dialects.mysql.types import Server, charset_of, server_from_text
from ddlcompare.errors import DdlError, Warning, located
from ddlcompare.limits import TooLarge, too_large
from ddlcompare.model.base import (
    Expr,
    ObjectKey,
    Option,
    OwnerAndGrants,
    Schema,
    SchemaObject,
    dependencies,
    evolve,
    with_options,
)
from ddlcompare.model.objects import (
    Check,
    Column,
    ForeignKey,
    Index,
    IndexPart,
    Opaque,
    PrimaryKey,
    Table,
    Trigger,
)
from ddlcompare.plan.hazards import version_from_text
from ddlcompare.source import SourcePos

if TYPE_CHECKING:
    from ddlcompare.dialects.mysql.prefetch import Prefetcher

Handler = Callable[[RawStatement, "Builder"], None]
HANDLERS: dict[str, Handler] = {}

_IDENT = r"(?:`(?:[^`]++|``)*+`|\"(?:[^\"]++|\"\")*+\"|[\w$]+)"
QNAME = rf"({_IDENT})(?:\s*\.\s*({_IDENT}))?"
_HEAD = re.compile(
    r"(CREATE|ALTER|DROP|RENAME|INSERT|REPLACE|UPDATE|DELETE|SELECT|DO|CALL|TRUNCATE|GRANT|REVOKE"
    r"|ANALYZE|OPTIMIZE|CHECK|REPAIR|LOAD|HANDLER|PREPARE|EXECUTE|DEALLOCATE|WITH|VALUES|TABLE|SHOW"
    r"|EXPLAIN|DESCRIBE|DESC|HELP|KILL|RESET|PURGE|CHANGE|INSTALL|UNINSTALL|XA|SAVEPOINT|RELEASE)(?![\w$])",
    re.I,
)
_ALTER_KIND = re.compile(
    r"ALTER\s+(?:ONLINE\s+|OFFLINE\s+|IGNORE\s+)*(?:(?:ALGORITHM\s*=\s*\w+|DEFINER\s*=\s*\S+|SQL\s+SECURITY\s+\w+)\s+)*"
    r"(TABLE|VIEW|EVENT|SEQUENCE|DATABASE|SCHEMA|PROCEDURE|FUNCTION|USER|SERVER|TABLESPACE|INSTANCE)(?![\w$])",
    re.I,
)
_DROP_KIND = re.compile(
    r"DROP\s+(?:TEMPORARY\s+)?(TABLES?|VIEWS?|INDEX|TRIGGER|PROCEDURE|FUNCTION|EVENT|SEQUENCE|DATABASE|SCHEMA"
    r"|USER|ROLE|SERVER|TABLESPACE|PACKAGE)(?![\w$])",
    re.I,
)
# Statements that carry data or session state, not schema: ignored without a word.
_DATA = frozenset(
    (
        "INSERT",
        "REPLACE",
        "UPDATE",
        "DELETE",
        "SELECT",
        "DO",
        "TRUNCATE",
        "ANALYZE",
        "OPTIMIZE",
        "CHECK",
        "REPAIR",
        "LOAD",
        "HANDLER",
        "WITH",
        "VALUES",
        "TABLE",
        "SHOW",
        "EXPLAIN",
        "DESCRIBE",
        "DESC",
        "HELP",
        "KILL",
        "RESET",
        "PURGE",
        "SAVEPOINT",
        "RELEASE",
        "XA",
    )
)


def handles(*names: str) -> Callable[[Handler], Handler]:
    """Register a handler for statement kinds such as `CREATE TABLE` or `DROP VIEW`."""

    def deco(fn: Handler) -> Handler:
        for n in names:
            HANDLERS[n] = fn
        return fn

    return deco


# ---- mutable per-table state ----------------------------------------------------------------


@dataclass
class IndexState:
    """An index (or the primary key) while statements are applied."""

    name: str  # "" until settle_keys() names it
    parts: list[IndexPart]
    primary: bool = False
    unique: bool = False
    kind: str | None = None  # FULLTEXT | SPATIAL | VECTOR
    method: str | None = None
    comment: str | None = None
    invisible: bool = False
    options: dict[str, str] = field(default_factory=dict)
    implicit: bool = False  # created by the server for a foreign key; dropped when another index serves
    pos: SourcePos | None = None


@dataclass
class ForeignKeyState:
    name: str
    columns: list[str]
    ref_schema: str
    ref_table: str
    ref_columns: list[str]
    on_delete: str = "NO ACTION"
    on_update: str = "NO ACTION"
    pos: SourcePos | None = None


@dataclass
class CheckState:
    name: str
    expr: Expr
    column: str | None = None  # MariaDB column-level check (printed inside the column)
    enforced: bool = True
    pos: SourcePos | None = None


@dataclass
class TableState:
    """A table while statements are applied; `freeze()` gives the model objects."""

    schema: str
    name: str
    columns: list[Column] = field(default_factory=list)
    engine: str = "InnoDB"
    charset: str = "utf8mb4"
    collation: str = "utf8mb4_general_ci"
    comment: str | None = None
    options: dict[str, Option] = field(default_factory=dict)  # other table options by KIND
    indexes: dict[str, IndexState] = field(default_factory=dict)  # by lower-case name, in creation order
    pending: list[IndexState] = field(default_factory=list)  # keys added by the current statement
    fks: dict[str, ForeignKeyState] = field(default_factory=dict)
    checks: dict[str, CheckState] = field(default_factory=dict)
    pos: SourcePos | None = None

    def find_column(self, name: str) -> int | None:
        """Index of a column (names are case-insensitive in MySQL)."""
        low = name.lower()
        for i, c in enumerate(self.columns):
            if c.name.lower() == low:
                return i
        return None

    def column_name(self, name: str) -> str:
        """The declared spelling of a column name (as written when unknown)."""
        i = self.find_column(name)
        return self.columns[i].name if i is not None else name

    @property
    def key(self) -> ObjectKey:
        return ObjectKey("table", self.schema, self.name)


# ---- the builder ------------------------------------------------------------------------------


class Builder:
    """Mutable state while a file's statements are applied; `finish()` freezes it into a Schema."""

    def __init__(self, path: str, text: str, options: LoadOptions) -> None:
        self.path = path
        self.text = text
        self.options = options
        self.server: Server = server_from_text(text)
        self.tables: dict[tuple[str, str], TableState] = {}
        self.objects: dict[ObjectKey, SchemaObject] = {}  # views, routines, events, sequences, opaque
        # triggers: (schema, name) -> trigger; creation order decides the firing order
        self.triggers: dict[tuple[str, str], Trigger] = {}
        self.trigger_seq: dict[tuple[str, str], float] = {}
        self.warnings: list[Warning] = []
        self.home: str | None = None  # the dump's own database (schema "")
        self.current: str | None = None  # the database USE selected last
        self.db_charsets: dict[str, tuple[str, str]] = {}  # CREATE DATABASE ... CHARACTER SET
        self.view_columns: dict[tuple[str, str], tuple[str, ...]] = {}  # output names, for view queries
        self.stmt: RawStatement = RawStatement("", 0, 1, 1, False)
        # replay between the files of one diff (fastpath.py): tables read from a statement text
        # before, and whether this file adds its own for a file read after it
        self.replay: dict[tuple[object, ...], Any] | None = None
        self.record = False
        self.ahead: Prefetcher | None = None  # a worker reading this file's tables ahead (prefetch.py)
        self.fast = 0  # statements the fast path read (or replayed)
        self.clean = False  # the current statement left no garbage cycles (see run)
        self.pos: SourcePos | None = None
        self.seq = 0

    # ---- positions and messages -------------------------------------------------------------

    def error(self, message: str, index: int | None = None) -> DdlError:
        """A DdlError at the current statement (or at character `index` inside it)."""
        pos = self.pos if index is None else statement_pos(self.stmt, self.path, index)
        return DdlError(message, pos)

    def error_at(self, message: str, line: int, col: int) -> DdlError:
        """A DdlError at a 1-based (line, col) inside the current statement's text."""
        return DdlError(message, statement_pos(self.stmt, self.path, line=line, col=col))

    def warn(self, message: str, pos: SourcePos | None = None) -> None:
        self.warnings.append(Warning(message, pos or self.pos))

    def unsupported(
        self, kind: str, name: str, what: str, pos: SourcePos | None = None, text: str | None = None
    ) -> None:
        """Keep a statement we do not model as an opaque object (a change to it is still reported)."""
        pos = pos or self.pos
        if self.options.strict:
            raise DdlError(f"{what} is not supported (--strict)", pos)
        from ddlcompare.dialects.mysql.grammar import normalise_body

        source = self.stmt.text if text is None else text
        self.warn(f"{what} is not modelled; kept as an opaque object and compared as text", pos)
        base = f"{kind} {name}".strip()
        oname = base
        n = 2
        while ObjectKey("opaque", "", oname) in self.objects:
            oname = f"{base} #{n}"
            n += 1
        obj = Opaque(
            schema="", name=oname, statement=kind, text=normalise_body(source), source_text=source, pos=pos
        )
        self.objects[obj.key] = obj

    # ---- names ------------------------------------------------------------------------------

    def schema_of(self, db: str | None) -> str:
        """Model schema of a database name: "" for the dump's own database."""
        if db is None:
            db = self.current
        if db is None or db == self.home:
            return ""
        return db

    def qname(self, m: re.Match[str], first: int = 1) -> tuple[str, str]:
        """(schema, name) of a QNAME match starting at group `first`."""
        a, b = m.group(first), m.group(first + 1)
        if b is not None:
            return self.schema_of(unquote(a)), unquote(b)
        return self.schema_of(None), unquote(a)

    def table(self, schema: str, name: str, *, missing_ok: bool = False) -> TableState | None:
        t = self.tables.get((schema, name))
        if t is None and not missing_ok:
            raise self.error(f"table {_display(schema, name)} does not exist")
        return t

    def default_charset(self, schema: str) -> tuple[str, str]:
        """The charset and collation a new table gets when it names none."""
        db = self.current if schema == "" else schema
        got = self.db_charsets.get(db or "")
        if got is not None:
            return got
        cs = self.server.default_charset
        return cs, self.server.default_collation(cs)

    def columns_of(self, db: str | None, name: str) -> list[str] | None:
        """Column names of a table or view (for view canonicalisation)."""
        schema = self.schema_of(db) if db is not None else self.schema_of(None)
        t = self.tables.get((schema, name))
        if t is not None:
            return [c.name for c in t.columns]
        cols = self.view_columns.get((schema, name))
        return list(cols) if cols else None

    # ---- driver -----------------------------------------------------------------------------

    def statements(self) -> tuple[list[RawStatement], frozenset[int]]:
        """The file's statements and the indexes of those to skip (superseded view placeholders)."""
        text = self.text
        if self.server.mariadb and "/*!" in text:
            text = _mysql_only_comments(text)
        stmts = split(text, self.path)
        return stmts, superseded_placeholders(stmts)

    def run(self, prepared: tuple[list[RawStatement], frozenset[int]] | None = None) -> None:
        """Apply the file's statements (`prepared`: as statements() gives them, split by a worker)."""
        stmts, skip = self.statements() if prepared is None else prepared
        from ddlcompare.dialects.mysql import fastpath

        # sqlglot's trees point to their parents: with the cyclic GC off (see parse) they would
        # pile up, 7 KB a table and 500 MB for a statement near the size limit; collecting the
        # young generations frees them and leaves the model alone. A collection scans everything
        # allocated since the last one (80 ms per 1,000 dump tables), so what a clean statement
        # (no garbage cycles: a dump's SET, DROP TABLE, a CREATE TABLE the fast path read from
        # its memo) allocates is frozen instead (O(1)) while the young generations hold no garbage.
        general = 0  # statements since the last collection that may have left cycles
        young_clean = False  # the young generations hold no garbage (after a collection)
        for i, stmt in enumerate(stmts):
            if i in skip:
                continue
            fast, misses = self.fast, fastpath.MISSES[0]
            self.clean = False
            self.apply(stmt)
            clean = self.clean or (self.fast != fast and fastpath.MISSES[0] == misses)
            if not clean:
                general += 1
                young_clean = False
            if general >= _COLLECT_EVERY or len(stmt.text) > _LARGE or (clean and not young_clean):
                gc.collect(1)
                general = 0
                young_clean = True
            if young_clean:
                gc.freeze()

    def apply(self, stmt: RawStatement) -> None:
        """Apply one statement."""
        self.stmt = stmt
        self.pos = stmt.pos(self.path)
        self.seq += 1
        text = stmt.text
        if is_noise(text):
            db = use_database(text)
            if db is not None:
                if self.home is None:
                    self.home = db
                self.current = db
            self.clean = True
            return
        m = _HEAD.match(text)
        if m is None:
            if text.startswith("/*") or text.startswith("--") or text.startswith("#"):
                self.clean = True
                return  # only comments left (an empty versioned comment)
            self.unsupported("statement", _first_words(text), f"statement {_first_words(text)!r}")
            return
        verb = m.group(1).upper()
        if verb in _DATA:
            self.clean = True
            return
        if verb == "CREATE":
            from ddlcompare.dialects.mysql.split import create_kind

            kind = create_kind(text)
            key = f"CREATE {kind}" if kind else ""
        elif verb == "ALTER":
            a = _ALTER_KIND.match(text)
            key = f"ALTER {a.group(1).upper()}" if a else ""
        elif verb == "DROP":
            d = _DROP_KIND.match(text)
            key = f"DROP {d.group(1).upper().rstrip('S')}" if d else ""
            if key == "DROP TABLE" and re.match(r"DROP\s+TABLES\b", text, re.I):
                key = "DROP TABLE"
        elif verb == "RENAME":
            key = "RENAME TABLE" if re.match(r"RENAME\s+TABLES?\b", text, re.I) else "RENAME"
        elif verb in ("GRANT", "REVOKE"):
            self.clean = True
            return  # privileges are compared only on request; MySQL grants live outside the schema
        else:
            key = verb
        handler = HANDLERS.get(key)
        if handler is None:
            self.unsupported("statement", _first_words(text), f"statement {_first_words(text)!r}")
            return
        why = too_large(text, _TOKEN)
        if why is not None:
            raise TooLarge(why, self.pos)
        handler(stmt, self)

    # ---- freezing ---------------------------------------------------------------------------

    def finish(self) -> Schema:
        objects: dict[ObjectKey, SchemaObject] = dict(self.objects)
        for t in self.tables.values():
            self.pos = t.pos  # where an unexpected failure while freezing is reported
            for obj in freeze_table(t, self):
                objects[obj.key] = obj
        for obj in self._ordered_triggers():
            objects[obj.key] = obj
        # definers not compared (no --owners) are kept aside: a view, routine, trigger or event
        # the plan re-creates must name its definer again (see Schema.access)
        kept: dict[ObjectKey, OwnerAndGrants] = {}
        if not self.options.owners:
            for key, obj in objects.items():
                if obj.owner is not None:
                    kept[key] = OwnerAndGrants(owner=obj.owner)
                    objects[key] = evolve(obj, owner=None)
        found = version_from_text(self.text)  # a mysqldump header names the server
        server = str(found) if found else ""
        ordered = dict(sorted(objects.items()))
        return Schema("mysql", ordered, tuple(self.warnings), self.path, server=server, access=kept)

    def _ordered_triggers(self) -> list[Trigger]:
        groups: dict[tuple[str, str, str, tuple[str, ...]], list[tuple[float, Trigger]]] = {}
        for key, trg in self.triggers.items():
            g = (trg.schema, trg.table, trg.timing, trg.events)
            groups.setdefault(g, []).append((self.trigger_seq[key], trg))
        out: list[Trigger] = []
        for members in groups.values():
            members.sort(key=lambda x: x[0])
            if len(members) == 1:
                out.append(members[0][1])
                continue
            for i, (_, trg) in enumerate(members, 1):
                out.append(
                    dataclasses.replace(trg, options=with_options(*trg.options, ActionOrder(position=i)))
                )
        return out


# ---- freezing a table -------------------------------------------------------------------------


def _generated_prefix(a: IndexState, b: IndexState) -> bool:
    """Whether one of two keys is server-generated and a whole-column prefix of the other
    (MariaDB sql_table.cc foreign_key_prefix())."""
    if a.implicit:
        if b.implicit and len(a.parts) > len(b.parts):
            a, b = b, a
    elif b.implicit:
        a, b = b, a
    else:
        return False
    if b.kind is not None or len(a.parts) > len(b.parts):
        return False
    for pa, pb in zip(a.parts, b.parts, strict=False):
        if (
            pa.column is None
            or pb.column is None
            or pa.column.lower() != pb.column.lower()
            or pa.length != pb.length
        ):
            return False
    return True


def settle_keys(t: TableState, b: Builder) -> None:
    """Merge a statement's new keys into the table as the server does: drop generated foreign key
    indexes another key makes redundant, then name unnamed keys in order (`col`, `col_2`, ...)."""
    if not t.pending:
        return
    keys = list(t.indexes.values()) + t.pending
    t.pending = []
    dropped: set[int] = set()
    for i, key in enumerate(keys):
        for j in range(i):
            if j in dropped:
                continue
            other = keys[j]
            if _generated_prefix(key, other):
                if not other.implicit or (key.implicit and len(key.parts) < len(other.parts)):
                    dropped.add(i)
                else:
                    dropped.add(j)
                break
    out: dict[str, IndexState] = {}
    for i, key in enumerate(keys):
        if i in dropped:
            continue
        if not key.parts:  # `UNIQUE KEY ()`: the server's syntax error
            raise b.error(f"a key of table `{t.name}` lists no column")
        if key.primary:
            if "primary" in out:
                raise b.error(f"multiple primary key defined on table `{t.name}`")
            out = {"primary": key, **out}
            continue
        if not key.name:
            first = key.parts[0].column
            base = t.column_name(first) if first is not None else "functional_index"
            taken = set(out) | {"primary"}
            name = base
            n = 2
            while name.lower() in taken:
                name = f"{base}_{n}"
                n += 1
            key.name = name
        elif key.name.lower() in out or key.name.lower() == "primary":
            raise b.error(f"duplicate key name {key.name!r} on table `{t.name}`")
        out[key.name.lower()] = key
    t.indexes = out


def freeze_table(t: TableState, b: Builder) -> list[SchemaObject]:
    """The model objects of one table: the Table, its key, indexes, foreign keys and checks."""
    out: list[SchemaObject] = []
    table_key = t.key
    dep = frozenset({table_key})
    opts: list[Option | None] = [Engine(name=t.engine), Charset(charset=t.charset, collation=t.collation)]
    opts += list(t.options.values())
    out.append(
        Table(
            schema=t.schema,
            name=t.name,
            columns=tuple(t.columns),
            comment=t.comment,
            options=with_options(*opts),
            pos=t.pos,
        )
    )
    default_method = "HASH" if t.engine in ("MEMORY",) else "BTREE"
    by_name: dict[str, int] = {}  # lower-case column name -> its first index (as find_column)
    for i, c in enumerate(t.columns):
        by_name.setdefault(c.name.lower(), i)
    for ix in t.indexes.values():
        parts = tuple(_declared_part(t, p, by_name) for p in ix.parts)
        method = ix.method if ix.method != default_method else None
        extra: list[Option | None] = []
        if ix.options:
            extra.append(IndexOptions(items=tuple(sorted(ix.options.items()))))
        if ix.invisible:
            extra.append(Invisible())
        if ix.primary:
            from ddlcompare.dialects.mysql.objects import IndexOptions as _IO

            if any(p.length is not None or p.descending for p in parts) or method:
                items = dict(ix.options)
                items["PARTS"] = ", ".join(str(p) for p in parts)
                if method:
                    items["USING"] = method
                extra = [_IO(items=tuple(sorted(items.items())))]
            out.append(
                PrimaryKey(
                    schema=t.schema,
                    name="PRIMARY",
                    table=t.name,
                    columns=tuple(p.column or "" for p in parts),
                    comment=ix.comment,
                    options=with_options(*extra),
                    depends_on=dep,
                    pos=ix.pos,
                )
            )
            continue
        if ix.kind:
            extra.append(IndexKind(kind=ix.kind))
        out.append(
            Index(
                schema=t.schema,
                name=ix.name,
                table=t.name,
                parts=parts,
                unique=ix.unique,
                method=method,
                comment=ix.comment,
                options=with_options(*extra),
                depends_on=dep,
                pos=ix.pos,
            )
        )
    for fk in t.fks.values():
        ref = b.tables.get((fk.ref_schema, fk.ref_table))
        ref_cols = tuple(ref.column_name(c) if ref else c for c in fk.ref_columns)
        out.append(
            ForeignKey(
                schema=t.schema,
                name=fk.name,
                table=t.name,
                columns=tuple(t.column_name(c) for c in fk.columns),
                ref_schema=fk.ref_schema,
                ref_table=fk.ref_table,
                ref_columns=ref_cols,
                on_delete=fk.on_delete,
                on_update=fk.on_update,
                depends_on=dependencies({table_key, ObjectKey("table", fk.ref_schema, fk.ref_table)}),
                pos=fk.pos,
            )
        )
    for ck in t.checks.values():
        copts: list[Option | None] = []
        if ck.column is not None:
            copts.append(ColumnCheck(column=t.column_name(ck.column)))
        if not ck.enforced:
            copts.append(NotEnforced())
        out.append(
            Check(
                schema=t.schema,
                name=ck.name,
                table=t.name,
                expr=ck.expr,
                options=with_options(*copts),
                depends_on=dep,
                pos=ck.pos,
            )
        )
    return out


def _declared_part(t: TableState, p: IndexPart, by_name: dict[str, int]) -> IndexPart:
    """Key part with its column spelled as declared, and a prefix as long as the column dropped."""
    if p.column is None:
        return p
    i = by_name.get(p.column.lower())
    if i is None:
        return p
    col = t.columns[i]
    length = p.length
    if length is not None:
        m = re.match(r"(?:var)?char\((\d+)\)|(?:var)?binary\((\d+)\)", col.type)
        if m and int(m.group(1) or m.group(2)) == length:
            length = None  # a "prefix" covering the whole column is the whole column
    if col.name == p.column and length == p.length:
        return p
    return dataclasses.replace(p, column=col.name, length=length)


def charset_pair(b: Builder, charset: str | None, collation: str | None, schema: str) -> tuple[str, str]:
    """Resolved (charset, collation) of a table from what it names."""
    from ddlcompare.dialects.mysql.types import canonical_charset, canonical_collation

    if collation is not None:
        coll = canonical_collation(collation)
        return charset_of(coll), coll
    if charset is not None:
        cs = canonical_charset(charset)
        return cs, b.server.default_collation(cs)
    return b.default_charset(schema)


_VERSIONED = re.compile(
    r"('(?:[^'\\]++|\\.|'')*+'|\"(?:[^\"\\]++|\\.|\"\")*+\"|`(?:[^`]++|``)*+`|--(?=\s)[^\n]*|#[^\n]*)|/\*!(\d{5})(?!\d)",
    re.S,
)


def _mysql_only_comments(text: str) -> str:
    """MariaDB reads `/*!50700 ... */` and later MySQL 5.7+ version comments as plain comments
    (MariaDB KB "Comment Syntax": executable comments for MySQL 5.7+ are ignored): blank their `!NNNNN`."""

    def sub(m: re.Match[str]) -> str:
        if m.group(1) is not None:
            return m.group(1)
        return m.group(0) if int(m.group(2)) < 50700 else "/*" + " " * 6

    if all(int(v) < 50700 for v in _VERSION_NUMBER.findall(text)):
        return text  # nothing to blank (a MariaDB dump has only /*!4xxxx and /*!500xx): skip the scan
    return _VERSIONED.sub(sub, text)


_VERSION_NUMBER = re.compile(r"/\*!(\d{5})(?!\d)")


_COLLECT_EVERY = 1000  # statements
_LARGE = 100_000  # characters: a statement whose parse trees are worth collecting at once
# MySQL's tokens for the size limit (see limits.py): a comment, else a token (group 1); a versioned
# comment `/*!50001 ... */` holds code, so its content counts
_TOKEN = re.compile(
    r"""--(?=\s)[^\n]*+|\#[^\n]*+|/\*(?!!)(?:[^*]++|\*(?!/))*+\*/"""
    r"""|('(?:[^'\\]++|\\.|'')*+'|"(?:[^"\\]++|\\.|"")*+"|`(?:[^`]++|``)*+`|\w++|[^\s\w])"""
)


def _display(schema: str, name: str) -> str:
    return f"`{schema}`.`{name}`" if schema else f"`{name}`"


def _first_words(sql: str) -> str:
    words = re.findall(r"[A-Za-z_][\w]*", sql[:200])
    return " ".join(words[:3]).upper()


def parse(text: str, path: str, options: LoadOptions | None = None) -> Schema:
    """Parse a MySQL/MariaDB schema file (mysqldump output or hand-written DDL) into a Schema."""
    return _parse(text, path, options or LoadOptions(), None, record=False)


def parse_many(files: Sequence[tuple[str, str]], options: LoadOptions | None = None) -> list[Schema]:
    """Parse MySQL schema files (text, path) in order: a dump-shaped CREATE TABLE whose text (under
    the same session state) an earlier file read is not read again (fastpath.py), and large files
    are read ahead by a worker (prefetch.py). The entries live for this call only."""
    from ddlcompare.dialects.mysql import handlers  # noqa: F401  (registers the handlers, for the worker too)
    from ddlcompare.dialects.mysql.prefetch import Prefetcher

    options = options or LoadOptions()
    replay: dict[tuple[object, ...], Any] | None = {} if len(files) > 1 else None
    last = len(files) - 1
    texts = [text for text, _ in files]
    prefetcher = Prefetcher(texts, [path for _, path in files], options) if Prefetcher.wanted(texts) else None
    try:
        return [
            _parse(text, path, options, replay, record=i < last, prefetcher=prefetcher, index=i)
            for i, (text, path) in enumerate(files)
        ]
    finally:
        if prefetcher is not None:
            prefetcher.close()


def _parse(
    text: str,
    path: str,
    options: LoadOptions,
    replay: dict[tuple[object, ...], Any] | None,
    *,
    record: bool,
    prefetcher: Prefetcher | None = None,
    index: int = 0,
) -> Schema:
    from ddlcompare.dialects.mysql import handlers  # noqa: F401  (registers the handlers)

    b = Builder(path, text, options)
    b.replay = replay
    b.record = record
    prepared = None
    if prefetcher is not None:
        if index == 0:
            b.ahead = prefetcher
        else:
            prepared = prefetcher.statements(index)
    enabled = gc.isenabled()
    gc.disable()  # bulk creation of small immutable objects: the cyclic GC only costs here
    done = False
    try:
        try:
            b.run(prepared)
        finally:
            if b.ahead is not None:
                b.ahead.first_done()
                b.ahead = None
        schema = b.finish()
        done = True
        return schema
    except Exception as e:
        raise located(e, b.pos) from e
    finally:
        if enabled:
            if done:
                # the young generations hold the schema and what the last statements left: collect
                # them (sqlglot's trees are cycles), then freeze the rest, long-lived and acyclic,
                # or the first collection after enabling scans millions of objects (as postgres)
                gc.collect(1)
                gc.freeze()
            gc.enable()


def describe(key: ObjectKey) -> str:
    """`kind "schema.parent.name"` for messages."""
    return f'{key.kind.replace("_", " ")} "{".".join(p for p in (key.schema, key.parent, key.name) if p)}"'
