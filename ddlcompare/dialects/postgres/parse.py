"""PostgreSQL: schema text -> pglast JSON per statement -> statements applied in order -> Schema.

Statements are applied to a mutable builder the way PostgreSQL would apply them (CREATE, then
ALTER TABLE ... ADD CONSTRAINT, COMMENT ON, ...), so a pg_dump file and a hand-written file of the
same schema end in the same model. The C parser's JSON is used instead of pglast's Python AST
(5-6x slower to build), and parsed statements are cached by text: two snapshots of one schema
share most statements.
"""

from __future__ import annotations

import dataclasses
import gc
import json
import re

try:  # orjson decodes the parser's JSON about twice as fast; json is the fallback
    from orjson import loads as _loads
except ImportError:  # pragma: no cover
    _loads = json.loads  # type: ignore[assignment]
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from pglast import parser as pgparser

from ddlcompare.dialects import LoadOptions
from ddlcompare.dialects.postgres import expr as pgexpr
from ddlcompare.dialects.postgres.objects import Namespace
from ddlcompare.dialects.postgres.scope import BuilderScope, StaticScope, static_refs
from ddlcompare.errors import DdlError, Warning
from ddlcompare.model.base import Expr, ObjectKey, Schema, SchemaObject
from ddlcompare.model.objects import Column, Opaque, Table
from ddlcompare.source import LineCursor, SourcePos

Node = dict[str, Any]
Handler = Callable[[Node, "Builder"], None]
HANDLERS: dict[str, Handler] = {}
T = TypeVar("T", bound=SchemaObject)

# psql meta-commands pg_dump writes (\restrict since the CVE-2025-8714 fix) are not SQL
_META = re.compile(r"(?m)^[ \t]*\\[a-zA-Z!?].*$")
# COPY ... FROM stdin; is followed by data lines up to a line holding only \.
_HAS_COPY = re.compile(r"(?i)\bFROM\s+stdin\b")
_COPY_DATA = re.compile(r"(?ims)(^COPY\b[^;]*?\bFROM\s+stdin\b[^;]*;)(.*?^\\\.[ \t]*$)")
_LEADING = re.compile(r"(?:\s+|--[^\n]*(?:\n|$)|/\*(?:[^*]|\*(?!/))*\*/)*")
_JSON_CACHE: dict[str, Node] = {}
_MEMO = "\x00ddlcompare"  # key under which results are memoised on parsed nodes
_JSON_CACHE_LIMIT = 400_000

RELATION_KINDS = (
    "table",
    "view",
    "materialized_view",
    "sequence",
    "index",
    "foreign_table",
    "composite_type",
)
_CONSTRAINT_KINDS = frozenset(("primary_key", "unique", "check", "foreign_key", "exclude"))
# constraints backed by an index of the same name share the relation namespace
_NAMESPACE_KINDS = frozenset((*RELATION_KINDS, "primary_key", "unique", "exclude"))


def handles(*names: str) -> Callable[[Handler], Handler]:
    """Register a handler for pglast statement node names."""

    def deco(fn: Handler) -> Handler:
        for n in names:
            HANDLERS[n] = fn
        return fn

    return deco


def _parse_json(sql: str) -> Node:
    tree = _JSON_CACHE.get(sql)
    if tree is None:
        js = pgparser.parse_sql_json(sql)
        tree = _loads(js)
        tree[_NOREFS] = not _may_refer(js)
        if len(_JSON_CACHE) > _JSON_CACHE_LIMIT:
            _JSON_CACHE.clear()
        _JSON_CACHE[sql] = tree
    return tree


_NOREFS = "\x00norefs"
_FUNCNAMES = re.compile(r'"funcname":\[((?:\{"String":\{"sval":"[^"\\]*"\}\},?)+)\]')
_SVAL = re.compile(r'"sval":"([^"\\]*)"')


def _may_refer(js: str) -> bool:
    """Whether any expression of a statement can name a user function, a relation or a
    sequence (read off the parser's JSON text: most statements name none, and walking every
    expression tree to find that out costs more than the rest of their handling)."""
    if any(word in js for word in ('"RangeVar"', "regclass", "regproc", "nextval", "currval", "setval")):
        return True
    calls = js.count('"FuncCall"')
    if not calls:
        return False
    from ddlcompare.dialects.postgres.expr import PG_CATALOG_FUNCTIONS

    seen = 0
    for m in _FUNCNAMES.finditer(js):
        seen += 1
        names = _SVAL.findall(m.group(1))
        if len(names) == 1 and names[0] not in PG_CATALOG_FUNCTIONS:
            return True
        if len(names) >= 2 and names[-2] != "pg_catalog":
            return True
    return seen != calls  # a name the pattern could not read: assume the worst


def strings(nodes: list[Node] | None) -> list[str]:
    """Values of a list of String nodes (names, options)."""
    return [n["String"]["sval"] for n in nodes or () if "String" in n]


def const_value(node: Node | None) -> Any:
    """Python value of an A_Const / Integer / Float / String / Boolean node (None for NULL)."""
    if node is None:
        return None
    if "A_Const" in node:
        c = node["A_Const"]
        if c.get("isnull"):
            return None
        node = c
    if "ival" in node:
        v = node["ival"]
        return v.get("ival", 0) if isinstance(v, dict) else v
    if "Integer" in node:
        return node["Integer"].get("ival", 0)
    if "fval" in node:
        return node["fval"].get("fval", "0") if isinstance(node["fval"], dict) else node["fval"]
    if "Float" in node:
        return node["Float"].get("fval", "0")
    if "sval" in node:
        return node["sval"].get("sval", "") if isinstance(node["sval"], dict) else node["sval"]
    if "String" in node:
        return node["String"].get("sval", "")
    if "boolval" in node:
        return bool(node["boolval"].get("boolval", False))
    if "Boolean" in node:
        return bool(node["Boolean"].get("boolval", False))
    if "TypeName" in node:
        return ".".join(strings(node["TypeName"].get("names")))
    if "List" in node:
        return [const_value(x) for x in node["List"].get("items", ())]
    return None


def def_elems(items: list[Node] | None) -> dict[str, Any]:
    """DefElem list -> {name: node or value}; `arg` kept as node when it is not a plain constant."""
    out: dict[str, Any] = {}
    for item in items or ():
        d = item["DefElem"]
        out[d["defname"]] = d.get("arg")
    return out


class Builder:
    """Mutable state while a file's statements are applied; `finish()` freezes it into a Schema."""

    def __init__(self, path: str, text: str, options: LoadOptions) -> None:
        self.path = path
        self.text = text
        self.options = options
        self.lines = LineCursor(path, text)
        # every database has the public schema; it is modelled so that its comment can be compared
        public = Namespace(schema="", name="public")
        self.objects: dict[ObjectKey, SchemaObject] = {public.key: public}
        self.relations: dict[tuple[str, str], ObjectKey] = {}
        # indexes kept in step with `objects` by put/remove (files have 100k objects)
        self.children: dict[tuple[str, str], dict[ObjectKey, None]] = {}
        self.constraint_names: dict[tuple[str, str], int] = {}
        self.has_inheritance = False
        self.search_path = ("public",)
        self.last_refs: tuple[tuple[str, str, str], ...] = ()
        self.norefs = False  # the current statement names no user function, relation or sequence
        self.warnings: list[Warning] = []
        self.pos: SourcePos | None = None
        self.offset = 0
        self.sql = ""
        self.routine_names: set[tuple[str, str]] = set()  # (schema, name) of user functions/procedures
        self.routine_index: dict[tuple[str, str], set[ObjectKey]] = {}  # overloads by (schema, name)
        self.index_concurrently: set[ObjectKey] = set()
        self.view_outputs: dict[tuple[str, str], list[str]] = {}  # output column names of views
        # identity sequences: (schema, sequence) -> (table, column); they are part of the column
        self.identity_sequences: dict[tuple[str, str], tuple[str, str]] = {}
        # work left for finish(): things that need the whole file
        self.finishers: list[Callable[[], None]] = []

    # ---- positions and messages ---------------------------------------------------------

    def error(self, message: str, location: int | None = None) -> DdlError:
        """A DdlError at the current statement (or at byte `location` inside it)."""
        pos = self.pos
        if location is not None and location >= 0:
            char = len(self.sql.encode("utf-8")[:location].decode("utf-8", "ignore"))
            pos = self.lines.pos(self.offset + char)
        return DdlError(message, pos)

    def warn(self, message: str) -> None:
        self.warnings.append(Warning(message, self.pos))

    def unsupported(self, kind: str, name: str, what: str) -> None:
        """Keep a statement we do not model as an opaque object (a change to it is still reported)."""
        if self.options.strict:
            raise DdlError(f"{what} is not supported (--strict)", self.pos)
        text = _normalise_statement(self.sql)
        self.warn(f"{what} is not modelled; kept as an opaque object and compared as text")
        obj = Opaque(
            schema="", name=f"{kind} {name}", statement=kind, text=text, source_text=self.sql, pos=self.pos
        )
        self.objects[obj.key] = obj

    # ---- names --------------------------------------------------------------------------

    @property
    def default_schema(self) -> str:
        for s in self.search_path:
            if s not in ("pg_catalog", "$user", "pg_temp"):
                return s
        return "public"

    def qualify_name(self, parts: list[str], kinds: tuple[str, ...] = RELATION_KINDS) -> tuple[str, str]:
        """(schema, name) of a possibly unqualified name, resolved through search_path."""
        if len(parts) >= 2:
            return parts[-2], parts[-1]
        name = parts[-1]
        for s in self.search_path:
            if (s, name) in self.relations:
                return s, name
            for k in kinds:
                if ObjectKey(k, s, name) in self.objects:
                    return s, name
        return self.default_schema, name

    def rangevar(self, rv: Node) -> tuple[str, str]:
        """(schema, name) of a RangeVar node."""
        rv = rv.get("RangeVar", rv)
        if rv.get("schemaname"):
            return rv["schemaname"], rv["relname"]
        return self.qualify_name([rv["relname"]])

    def type_schema(self, name: str) -> str:
        """Schema of an unqualified user type name, through search_path."""
        for s in self.search_path:
            for k in (
                "enum",
                "domain",
                "composite_type",
                "range_type",
                "table",
                "view",
                "definition",
                "type",
            ):
                if ObjectKey(k, s, name) in self.objects:
                    return s
        return self.default_schema

    # ---- objects ------------------------------------------------------------------------

    def put(self, obj: SchemaObject, *, replace_ok: bool = False) -> None:
        """Add a new object; an existing key is an error as in PostgreSQL (unless replace_ok)."""
        key = obj.key
        if key in self.objects and not replace_ok:
            raise self.error(f"{_describe(key)} already exists")
        self.objects[key] = obj
        if key.kind in _NAMESPACE_KINDS:
            self.relations[(obj.schema, obj.name)] = key
        if key.parent:
            self.children.setdefault((key.schema, key.parent), {})[key] = None
        if key.kind in _CONSTRAINT_KINDS:
            cn = (key.schema, key.name)
            self.constraint_names[cn] = self.constraint_names.get(cn, 0) + 1

    def remove(self, key: ObjectKey) -> None:
        obj = self.objects.pop(key)
        if self.relations.get((obj.schema, obj.name)) == key:
            del self.relations[(obj.schema, obj.name)]
        if key.parent:
            self.children.get((key.schema, key.parent), {}).pop(key, None)
        if key.kind in _CONSTRAINT_KINDS:
            cn = (key.schema, key.name)
            self.constraint_names[cn] -= 1
            if not self.constraint_names[cn]:
                del self.constraint_names[cn]

    def relation(self, schema: str, name: str, *, missing_ok: bool = False) -> SchemaObject | None:
        """The table/view/sequence/... called schema.name."""
        key = self.relations.get((schema, name))
        if key is None:
            if missing_ok:
                return None
            raise self.error(f'relation "{schema}.{name}" does not exist')
        return self.objects[key]

    def table(self, schema: str, name: str) -> Table:
        obj = self.relation(schema, name)
        if not isinstance(obj, Table):
            raise self.error(f'"{schema}.{name}" is not a table')
        return obj

    def update(self, obj: T, **changes: Any) -> T:
        """Replace `obj` (same key) with a copy carrying `changes`."""
        new = dataclasses.replace(obj, **changes)
        self.objects[obj.key] = new
        return new

    def update_column(self, table: Table, column: str, /, **changes: Any) -> Table:
        """Replace one column of `table` with a copy carrying `changes`."""
        cols = list(table.columns)
        for i, c in enumerate(cols):
            if c.name == column:
                cols[i] = dataclasses.replace(c, **changes)
                return self.update(table, columns=tuple(cols))
        raise self.error(f'column "{column}" of relation "{table.name}" does not exist')

    def column(self, table: Table, name: str) -> Column:
        col = table.column(name)
        if col is None:
            raise self.error(f'column "{name}" of relation "{table.name}" does not exist')
        return col

    def children_of(self, schema: str, table: str) -> list[SchemaObject]:
        """Objects owned by relation schema.table (indexes, constraints, triggers, ...)."""
        return [self.objects[k] for k in self.children.get((schema, table), ())]

    # ---- expressions --------------------------------------------------------------------

    @property
    def search_path(self) -> tuple[str, ...]:
        return self._search_path

    @search_path.setter
    def search_path(self, value: tuple[str, ...]) -> None:
        self._search_path = value
        # With at most one real schema on the path, name resolution does not depend on what the
        # file defined so far: results for a statement's nodes can be memoised on the nodes.
        real = [s for s in value if s not in ("$user", "pg_temp", "pg_catalog")]
        self.memo_key: tuple[str, ...] | None = value if len(real) <= 1 else None

    def expr(self, node: Node, type_text: str | None = None) -> Expr:
        """Canonical + renderable form of an expression node; its references go to `last_refs`.

        Parsed statements are cached by text, so the same node dicts come back for the same
        statement in the other file: the result is memoised on the node itself.
        """
        inner = next(iter(node.values()))
        memo = inner.get(_MEMO) if isinstance(inner, dict) else None
        if memo is not None and memo[0] == self.memo_key and memo[1] == type_text:
            self.last_refs = memo[3]
            return memo[2]  # type: ignore[no-any-return]
        if self.memo_key is not None and isinstance(inner, dict):
            # resolution does not depend on the file's state: canonicalise when first compared
            scope = StaticScope(self.default_schema)
            e = Expr(source=lambda: (pgexpr.canonical(node, scope, type_text), pgexpr.sql(node, scope)))
            refs = () if self.norefs else static_refs(node, scope.default)
            inner[_MEMO] = (self.memo_key, type_text, e, refs)
        else:
            bscope = BuilderScope(self)
            e = Expr(pgexpr.canonical(node, bscope, type_text), pgexpr.sql(node, bscope))
            refs = tuple(bscope.refs)
        self.last_refs = refs
        return e

    def refs(self, node: Node) -> tuple[tuple[str, str, str], ...]:
        """What an expression refers to, without canonicalising it."""
        inner = next(iter(node.values()))
        memo = inner.get(_MEMO) if isinstance(inner, dict) else None
        if memo is not None and memo[0] == self.memo_key:
            return memo[3]  # type: ignore[no-any-return]
        if self.memo_key is not None:
            return () if self.norefs else static_refs(node, self.default_schema)
        self.expr(node)
        return self.last_refs

    def deps_of(self, refs: tuple[tuple[str, str, str], ...]) -> set[ObjectKey]:
        """Keys of the relations and routines an expression's references resolve to now."""
        out: set[ObjectKey] = set()
        for kind, schema, name in refs:
            if kind == "rel":
                k = self.relations.get((schema, name))
                if k is not None:
                    out.add(k)
            else:
                out |= self.routine_index.get((schema, name), set())
        return out

    def type_text(self, node: Node) -> str:
        """Canonical type of a TypeName node (memoised like expressions)."""
        memo = node.get(_MEMO)
        if memo is not None and memo[0] == self.memo_key:
            return memo[1]  # type: ignore[no-any-return]
        from ddlcompare.dialects.postgres.types import type_name

        text = type_name(node, self.type_schema)
        if self.memo_key is not None:
            node[_MEMO] = (self.memo_key, text)
        return text

    def scope(self) -> Any:
        return BuilderScope(self)

    # ---- driver -------------------------------------------------------------------------

    def run(self) -> None:
        for sql, offset in statements(self.text, self.path):
            self.apply(sql, offset)

    def apply(self, sql: str, offset: int) -> None:
        """Parse and apply one statement starting at character `offset` of the file."""
        lead = _LEADING.match(sql)
        skip = lead.end() if lead else 0
        self.offset = offset + skip
        self.sql = sql[skip:]
        if not self.sql.strip():
            return
        self.pos = self.lines.pos(self.offset)
        try:
            tree = _parse_json(self.sql)
        except pgparser.ParseError as e:
            loc = e.args[1] if len(e.args) > 1 and isinstance(e.args[1], int) else 0
            raise DdlError(str(e.args[0]), self.lines.pos(self.offset + max(loc, 0))) from None
        self.norefs = tree.get(_NOREFS, False)
        for raw in tree.get("stmts", ()):
            stmt = raw["stmt"]
            name, body = next(iter(stmt.items()))
            handler = HANDLERS.get(name)
            if handler is None:
                self.unsupported(name, _first_words(self.sql), f"statement {name}")
            else:
                handler(body, self)

    def finish(self) -> Schema:
        for fn in self.finishers:
            fn()
        objects = dict(sorted(self.objects.items()))
        return Schema("postgres", objects, tuple(self.warnings), self.path)


def _blank(m: re.Match[str]) -> str:
    return re.sub(r"[^\n]", " ", m.group(0))


def statements(text: str, path: str) -> Iterator[tuple[str, int]]:
    """(statement text, character offset) of every statement.

    psql meta-commands and COPY ... FROM stdin data are blanked out (same length, so offsets stay
    true). The parser-based splitter understands BEGIN ATOMIC bodies; when the text has a syntax
    error the scanner-based one still splits it, and the statement's own parse reports the error.
    """
    clean = text
    if "\\" in text:
        if "stdin" in text and _HAS_COPY.search(text):
            clean = _COPY_DATA.sub(lambda m: m.group(1) + _blank(m)[len(m.group(1)) :], clean)
        if text.lstrip().startswith("\\") or any(m in text for m in ("\n\\", "\n \\", "\n\t\\")):
            clean = _META.sub(_blank, clean)
    try:
        slices = pgparser.split(clean, with_parser=True, only_slices=True)
    except pgparser.ParseError:
        try:
            slices = pgparser.split(clean, with_parser=False, only_slices=True)
        except pgparser.ParseError as e:
            loc = e.args[1] if len(e.args) > 1 and isinstance(e.args[1], int) else 0
            raise DdlError(str(e.args[0]), SourcePos.from_offset(path, text, max(loc, 0))) from None
    for sl in slices:
        yield clean[sl], sl.start


def parse(text: str, path: str, options: LoadOptions | None = None) -> Schema:
    """Parse a PostgreSQL schema file into a Schema."""
    from ddlcompare.dialects.postgres import handlers  # noqa: F401  (registers the handlers)

    b = Builder(path, text, options or LoadOptions())
    enabled = gc.isenabled()
    gc.disable()  # bulk creation of small immutable objects: the cyclic GC only costs here
    try:
        b.run()
        return b.finish()
    finally:
        if enabled:
            gc.enable()


def _first_words(sql: str) -> str:
    words = re.findall(r"[A-Za-z_][\w.\"]*", sql[:200])
    return " ".join(words[:4])


def _normalise_statement(sql: str) -> str:
    """Statement text for opaque comparison: pglast's C deparser, else collapsed whitespace."""
    try:
        out: str = pgparser.deparse_protobuf(pgparser.parse_sql_protobuf(sql))
        return out
    except Exception:
        return " ".join(sql.split())


def _describe(key: ObjectKey) -> str:
    return f'{key.kind.replace("_", " ")} "{".".join(p for p in (key.schema, key.parent, key.name) if p)}"'
