"""PostgreSQL: schema text -> pglast JSON per statement -> statements applied in order -> Schema.

Statements are applied to a mutable builder the way PostgreSQL would apply them (CREATE, then
ALTER TABLE ... ADD CONSTRAINT, COMMENT ON, ...), so a pg_dump file and a hand-written file of the
same schema end in the same model. The C parser's JSON is used instead of pglast's Python AST
(5-6x slower to build), and parsed statements are cached by text: two snapshots of one schema
share most statements.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import astuple
from functools import partial
from typing import Any, TypeVar

from orjson import JSONDecodeError
from orjson import loads as _orjson_loads  # decodes the parser's JSON about twice as fast as json
from pglast import parser as pgparser

from ddlcompare.dialects import LoadOptions
from ddlcompare.dialects.postgres import expr as pgexpr
from ddlcompare.dialects.postgres.fastpath import SHAPES, Shape, scan
from ddlcompare.dialects.postgres.objects import Namespace
from ddlcompare.dialects.postgres.prefetch import Prefetcher, Prepared, WorkerLost
from ddlcompare.dialects.postgres.replay import CACHE, MISSING, Entry, Recorder, TrackedDict, TrackedSet
from ddlcompare.dialects.postgres.scope import BuilderScope, StaticScope, static_refs
from ddlcompare.dialects.postgres.types import type_name
from ddlcompare.errors import TOO_DEEP, DdlError, Warning, located
from ddlcompare.limits import TooLarge, too_large
from ddlcompare.model.base import Expr, Grant, ObjectKey, OwnerAndGrants, Schema, SchemaObject, evolve
from ddlcompare.model.objects import Column, Opaque, Table
from ddlcompare.plan.hazards import version_from_text
from ddlcompare.source import LineCursor, SourcePos

Node = dict[str, Any]
Handler = Callable[[Node, "Builder"], None]
HANDLERS: dict[str, Handler] = {}
T = TypeVar("T", bound=SchemaObject)

# psql meta-commands pg_dump writes (\restrict since the CVE-2025-8714 fix) are not SQL: a line
# whose first non-blank character is a backslash followed by a letter, ! or ?
_META_START = re.compile(r"[ \t]*\\[a-zA-Z!?]")
# COPY ... FROM stdin; is followed by data lines up to a line holding only \.
_HAS_COPY = re.compile(r"(?i)\bFROM\s+stdin\b")
_COPY_DATA = re.compile(r"(?ims)(^COPY\b[^;]*?\bFROM\s+stdin\b[^;]*;)(.*?^\\\.[ \t]*$)")
# PostgreSQL's lexer ends a `--` comment at a carriage return as at a line feed
_LEADING = re.compile(r"(?:\s++|--[^\n\r]*+(?:[\n\r]|$)|/\*(?:[^*]++|\*(?!/))*+\*/)*+")
# psql meta-commands that read another file or run a query's results: what they add is not read
_INCLUDES = re.compile(r"\\(?:ir?|include(?:_relative)?|gexec)(?![a-zA-Z_])")
_RECENT: dict[str, Node] = {}
_RECENT_CHARS = [0]  # the length of the texts in _RECENT

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


def _loads(js: str) -> Node:
    """The parser's JSON as a tree; orjson stops at 1,024 levels, and so does ddlcompare."""
    try:
        tree: Node = _orjson_loads(js)
    except JSONDecodeError:
        raise DdlError(TOO_DEEP) from None  # the statement's position is added by the caller
    return tree


def _parse_json(sql: str) -> Node:
    js = pgparser.parse_sql_json(sql)
    tree: Node = _loads(js)
    tree[_NOREFS] = not _may_refer(js)
    return tree


def _tree(sql: str) -> Node:
    """A statement's tree again, for a lazy expression being computed (a few are kept: up to 256
    statements and 1 MB of their text, as a tree costs up to 200 times its text)."""
    tree = _RECENT.get(sql)
    if tree is None:
        tree = _loads(pgparser.parse_sql_json(sql))
        if len(_RECENT) >= 256 or _RECENT_CHARS[0] + len(sql) > 1_000_000:
            _RECENT.clear()
            _RECENT_CHARS[0] = 0
        _RECENT[sql] = tree
        _RECENT_CHARS[0] += len(sql)
    return tree


def _find(tree: Node, kind: str, location: int) -> Node | None:
    """The first `kind` node at byte `location` of a statement tree (pre-order)."""
    stack: list[Any] = [tree]
    while stack:
        n = stack.pop()
        if isinstance(n, dict):
            body = n.get(kind)
            if isinstance(body, dict) and body.get("location") == location:
                return {kind: body}
            stack.extend(reversed([v for v in n.values() if isinstance(v, (dict, list))]))
        elif isinstance(n, list):
            stack.extend(reversed(n))
    return None


def _force(sql: str, kind: str, location: int, default: str, type_text: str | None) -> tuple[str, str]:
    """Canonical and rendered text of the expression at `location` of statement `sql`."""
    node = _find(_tree(sql), kind, location)
    assert node is not None, f"no {kind} at {location} of {sql!r}"
    scope = StaticScope(default)
    return pgexpr.canonical(node, scope, type_text), pgexpr.sql(node, scope)


_NOREFS = "\x00norefs"
_FUNCNAMES = re.compile(r'"funcname":\[((?:\{"String":\{"sval":"[^"\\]*"\}\},?)+)\]')
_SVAL = re.compile(r'"sval":"([^"\\]*)"')


def _may_refer(js: str) -> bool:
    """Whether any expression of a statement can name a user function, a relation or a
    sequence (read off the parser's JSON text: most statements name none, and walking every
    expression tree to find that out costs more than the rest of their handling)."""
    # spelled out rather than any(...) over a tuple: this runs for every statement of a dump
    if (
        '"RangeVar"' in js
        or "regclass" in js
        or "regproc" in js
        or "nextval" in js
        or "currval" in js
        or "setval" in js
    ):
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


# Replay indexes (see replay.py) of the tracked containers (the order of Builder._tracked: dicts,
# then sets) and of the other recorded reads and writes
_LAST_DICT, _LAST_SET = 5, 7
_CHILDREN, _ROUTINES, _INHERITANCE, _FINISHER, _WARNING = 8, 9, 10, 11, 12


class Builder:
    """Mutable state while a file's statements are applied; `finish()` freezes it into a Schema."""

    def __init__(self, path: str, text: str, options: LoadOptions, *, record: bool = True) -> None:
        self.path = path
        self.record = record  # keep replay entries for a file parsed after this one
        self.text = text
        self.options = options
        self._options_key = astuple(options)  # with the search_path, part of every replay key
        self.lines = LineCursor(path, text)
        # every database has the public schema; it is modelled so that its comment can be compared
        public = Namespace(schema="", name="public")
        # State that statements read and write is held in tracked containers so that a statement
        # can be replayed in the next file when it reads the same state (see replay.py).
        self.objects: dict[ObjectKey, SchemaObject] = TrackedDict(0, {public.key: public})
        self.relations: dict[tuple[str, str], ObjectKey] = TrackedDict(1)
        # indexes kept in step with `objects` by put/remove (files have 100k objects)
        self.children: dict[tuple[str, str], dict[ObjectKey, None]] = {}
        self.constraint_names: dict[tuple[str, str], int] = TrackedDict(2)
        self._has_inheritance = False
        self.rec: Recorder | None = None
        self.pos_map: dict[SourcePos, SourcePos] = {}  # replayed statements: their old -> new position
        # the same for statements of another file: objects they made keep that file's position,
        # and this file's is found here (a copy of 100,000 objects just to move them costs)
        self.moved: dict[SourcePos, SourcePos] = {}
        # SET default_table_access_method (pg_dump selects a table's method so): the method of a
        # table or materialized view created without USING
        self._table_am = "heap"
        self.search_path = ("public",)
        self.last_refs: tuple[tuple[str, str, str], ...] = ()
        self.norefs = False  # the current statement names no user function, relation or sequence
        self.warnings: list[Warning] = []
        self.pos: SourcePos | None = None
        self.offset = 0
        self.sql = ""
        self.routine_names: set[tuple[str, str]] = TrackedSet(6)  # (schema, name) of user routines
        self.routine_index: dict[tuple[str, str], set[ObjectKey]] = {}  # overloads by (schema, name)
        self.index_concurrently: set[ObjectKey] = TrackedSet(7)
        self.view_outputs: dict[tuple[str, str], list[str]] = TrackedDict(4)  # output column names of views
        # identity sequences: (schema, sequence) -> (table, column); they are part of the column
        self.identity_sequences: dict[tuple[str, str], tuple[str, str]] = TrackedDict(3)
        # owners and grants read but not compared (no --owners / --privileges): see Schema.access
        self.access: dict[ObjectKey, OwnerAndGrants] = TrackedDict(5)
        # work left for finish(): (function, arguments) called with the builder when the file is read
        self.finishers: list[tuple[Callable[..., None], tuple[Any, ...]]] = []
        self._tracked: tuple[Any, ...] = (
            self.objects,
            self.relations,
            self.constraint_names,
            self.identity_sequences,
            self.view_outputs,
            self.access,
            self.routine_names,
            self.index_concurrently,
        )

    # ---- recorded state (see replay.py) -------------------------------------------------

    def _attach(self, rec: Recorder | None) -> None:
        self.rec = rec
        for c in self._tracked:
            c.rec = rec

    @property
    def has_inheritance(self) -> bool:
        if self.rec is not None:
            self.rec.read(_INHERITANCE, None, self._has_inheritance)
        return self._has_inheritance

    @has_inheritance.setter
    def has_inheritance(self, value: bool) -> None:
        if self.rec is not None:
            self.rec.write(_INHERITANCE, None, value)
        self._has_inheritance = value

    def _child_add(self, parent: tuple[str, str], key: ObjectKey) -> None:
        if self.rec is not None:
            self.rec.write(_CHILDREN, (True, parent), key, target=parent)
        self.children.setdefault(parent, {})[key] = None

    def _child_del(self, parent: tuple[str, str], key: ObjectKey) -> None:
        if self.rec is not None:
            self.rec.write(_CHILDREN, (False, parent), key, target=parent)
        self.children.get(parent, {}).pop(key, None)

    def add_routine(self, schema: str, name: str, key: ObjectKey) -> None:
        """Register a function/procedure so that calls of `schema.name` resolve to its overloads."""
        self.routine_names.add((schema, name))
        if self.rec is not None:
            self.rec.write(_ROUTINES, (schema, name), key)
        self.routine_index.setdefault((schema, name), set()).add(key)

    # Schemas that hold an extension share the routine-name set (as (schema, "")) so that reads of
    # them are recorded like any routine lookup; the set only grows, as extension functions stay
    # callable until a DROP EXTENSION that schema files do not write.
    def add_extension_schema(self, schema: str) -> None:
        """An extension was installed in `schema`: calls of unknown functions may resolve there."""
        self.routine_names.add((schema, ""))

    def has_extension(self, schema: str) -> bool:
        return (schema, "") in self.routine_names

    def routines_named(self, schema: str, name: str) -> frozenset[ObjectKey]:
        """Keys of the overloads of `schema.name`."""
        found = frozenset(self.routine_index.get((schema, name), ()))
        if self.rec is not None:
            self.rec.read(_ROUTINES, (schema, name), found)
        return found

    def finish_later(self, fn: Callable[..., None], *args: Any) -> None:
        """Call fn(builder, *args) once the whole file is read."""
        if self.rec is not None:
            self.rec.writes.append((_FINISHER, None, (fn, args)))
        self.finishers.append((fn, args))

    def _replay(self, entry: Entry) -> bool:
        """Apply a recorded statement's writes if every recorded read still gives its answer."""
        reads, writes, old_pos = entry
        tracked = self._tracked
        for idx, key, val in reads:
            if idx <= _LAST_DICT:
                cur = dict.get(tracked[idx], key, MISSING)
                if cur is not val and (cur is MISSING or val is MISSING or cur != val):
                    return False
            elif idx <= _LAST_SET:
                if set.__contains__(tracked[idx], key) != val:
                    return False
            elif idx == _CHILDREN:
                if tuple(self.children.get(key, ())) != val:
                    return False
            elif idx == _ROUTINES:
                if frozenset(self.routine_index.get(key, ())) != val:
                    return False
            elif self._has_inheritance != val:
                return False
        pos = self.pos
        assert pos is not None
        pos_map, moved = self.pos_map, self.moved
        pos_map[old_pos] = pos
        if old_pos.path != self.path:
            moved[old_pos] = pos
        for idx, key, val in writes:
            if idx == 0:
                if val is MISSING:
                    dict.pop(tracked[0], key, None)
                    continue
                # an object keeps the position of the statement that made it: this one, or
                # (for an update) whichever made the object it replaces; an object from another
                # file is kept as it is when `moved` gives its position here (no copy)
                vp = val.pos
                if vp is not None:
                    where: SourcePos | None
                    if vp == old_pos:
                        where = pos
                    else:
                        prev = dict.get(tracked[0], key)
                        where = self.position(prev) if prev is not None else pos_map.get(vp, vp)
                    if where != moved.get(vp, vp):
                        val = evolve(val, pos=where)
                dict.__setitem__(tracked[0], key, val)
            elif idx <= _LAST_DICT:
                if val is MISSING:
                    dict.pop(tracked[idx], key, None)
                else:
                    dict.__setitem__(tracked[idx], key, val)
            elif idx <= _LAST_SET:
                set.add(tracked[idx], key)
            elif idx == _CHILDREN:
                add, parent = key
                if add:
                    self.children.setdefault(parent, {})[val] = None
                else:
                    self.children.get(parent, {}).pop(val, None)
            elif idx == _ROUTINES:
                self.routine_index.setdefault(key, set()).add(val)
            elif idx == _INHERITANCE:
                self._has_inheritance = val
            elif idx == _FINISHER:
                self.finishers.append(val)
            else:
                self.warnings.append(Warning(val, pos))
        return True

    # ---- positions and messages ---------------------------------------------------------

    def position(self, obj: SchemaObject) -> SourcePos | None:
        """Where `obj` is defined in this file (see `moved`)."""
        return None if obj.pos is None else self.moved.get(obj.pos, obj.pos)

    def error(self, message: str, location: int | None = None) -> DdlError:
        """A DdlError at the current statement (or at byte `location` inside it)."""
        pos = self.pos
        if location is not None and location >= 0:
            char = len(self.sql.encode("utf-8")[:location].decode("utf-8", "ignore"))
            pos = self.lines.pos(self.offset + char)
        return DdlError(message, pos)

    def warn(self, message: str) -> None:
        if self.rec is not None:
            self.rec.writes.append((_WARNING, None, message))
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
        """Where unqualified new objects go: the first real schema on the path (set with it)."""
        return self._default_schema

    def qualify_name(self, parts: list[str]) -> tuple[str, str]:
        """(schema, name) of a possibly unqualified relation name, resolved through search_path
        (`relations` holds every object of the relation namespace, see `put`)."""
        if len(parts) >= 2:
            return parts[-2], parts[-1]
        name = parts[-1]
        for s in self.search_path:
            if (s, name) in self.relations:
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
            self._child_add((key.schema, key.parent), key)
        if key.kind == "sequence":
            self._own(obj, True)
        if key.kind in _CONSTRAINT_KINDS:
            cn = (key.schema, key.name)
            self.constraint_names[cn] = self.constraint_names.get(cn, 0) + 1

    def remove(self, key: ObjectKey) -> None:
        obj = self.objects.pop(key)
        if key in self.access:
            del self.access[key]
        if self.relations.get((obj.schema, obj.name)) == key:
            del self.relations[(obj.schema, obj.name)]
        if key.parent:
            self._child_del((key.schema, key.parent), key)
        if key.kind == "sequence":
            self._own(obj, False)
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
        new = evolve(obj, **changes)
        if "owned_by" in changes:
            self._own(obj, False)
            self._own(new, True)
        self.objects[obj.key] = new
        return new

    # A sequence OWNED BY a column is listed under its table (in `children`, as a table name no
    # table has): DROP TABLE and DROP COLUMN drop it as the server does, renames carry it along.
    def _own(self, seq: SchemaObject, add: bool) -> None:
        owner = getattr(seq, "owned_by", None)
        if owner is not None:
            slot = (seq.schema, "\0" + owner[0])
            if add:
                self._child_add(slot, seq.key)
            else:
                self._child_del(slot, seq.key)

    def owned_sequences(self, schema: str, table: str) -> list[SchemaObject]:
        """The sequences OWNED BY a column of schema.table."""
        return self.children_of(schema, "\0" + table)

    # Owners and grants are always read; they sit on the objects only when compared (--owners,
    # --privileges), else aside in `access`, to restore objects a plan re-creates.
    def owner_of(self, obj: SchemaObject) -> str | None:
        if self.options.owners:
            return obj.owner
        kept = self.access.get(obj.key)
        return kept.owner if kept is not None else None

    def grants_of(self, obj: SchemaObject) -> tuple[Grant, ...]:
        if self.options.privileges:
            return obj.grants
        kept = self.access.get(obj.key)
        return kept.grants if kept is not None else ()

    def set_owner(self, obj: SchemaObject, owner: str) -> None:
        if self.options.owners:
            self.update(obj, owner=owner)
        else:
            self.access[obj.key] = evolve(self.access.get(obj.key) or OwnerAndGrants(), owner=owner)

    def set_grants(self, obj: SchemaObject, grants: tuple[Grant, ...]) -> None:
        if self.options.privileges:
            self.update(obj, grants=grants)
        else:
            self.access[obj.key] = evolve(self.access.get(obj.key) or OwnerAndGrants(), grants=grants)

    def update_column(self, table: Table, column: str, /, **changes: Any) -> Table:
        """Replace one column of `table` with a copy carrying `changes`."""
        cols = list(table.columns)
        for i, c in enumerate(cols):
            if c.name == column:
                cols[i] = evolve(c, **changes)
                return self.update(table, columns=tuple(cols))
        raise self.error(f'column "{column}" of relation "{table.name}" does not exist')

    def column(self, table: Table, name: str) -> Column:
        col = table.column(name)
        if col is None:
            raise self.error(f'column "{name}" of relation "{table.name}" does not exist')
        return col

    def children_of(self, schema: str, table: str) -> list[SchemaObject]:
        """Objects owned by relation schema.table (indexes, constraints, triggers, ...)."""
        keys = tuple(self.children.get((schema, table), ()))
        if self.rec is None:  # nothing to record (finishing the file): the plain dict's lookup
            get = dict.__getitem__
            return [get(self.objects, k) for k in keys]
        self.rec.read(_CHILDREN, (schema, table), keys)
        return [self.objects[k] for k in keys]

    # ---- expressions --------------------------------------------------------------------

    @property
    def search_path(self) -> tuple[str, ...]:
        return self._search_path

    @search_path.setter
    def search_path(self, value: tuple[str, ...]) -> None:
        if getattr(self, "rec", None) is not None:
            self.rec.ok = False  # type: ignore[union-attr]  # the replay key holds the path before
        self._search_path = value
        self._context = CACHE.context((value, self._table_am, self._options_key))
        # With at most one real schema on the path, name resolution does not depend on what the
        # file defined so far: results for a statement's nodes can be memoised on the nodes.
        real = [s for s in value if s not in ("$user", "pg_temp", "pg_catalog")]
        self.memo_key: tuple[str, ...] | None = value if len(real) <= 1 else None
        self._default_schema = real[0] if real else "public"

    @property
    def table_am(self) -> str:
        return self._table_am

    @table_am.setter
    def table_am(self, value: str) -> None:
        if self.rec is not None:
            self.rec.ok = False  # the replay key holds the method before
        self._table_am = value
        self._context = CACHE.context((self._search_path, value, self._options_key))

    def expr(self, node: Node, type_text: str | None = None, sql: str | None = None) -> Expr:
        """Canonical + renderable form of an expression node (of statement `sql`, by default the
        current one); its references go to `last_refs`.

        With a single-schema search path the result does not depend on the file's state, so it is
        computed only when first needed, from the statement text and the node's place in it: a
        large schema keeps no parse trees, and expressions at the same place of the same
        statement text compare equal without being computed (two snapshots share most
        statements).
        """
        kind, inner = next(iter(node.items()))
        if self.memo_key is not None and isinstance(inner, dict):
            default = self.default_schema
            location = inner.get("location")
            # some nodes carry no place of their own (a typed literal DATE '...' has -1): those
            # keep their node, the others only the statement text and their place in it
            if isinstance(location, int) and location >= 0:
                token = (self.sql if sql is None else sql, kind, location, default, type_text)
                e = Expr.lazy(partial(_force, *token), token)
            else:
                scope = StaticScope(default)
                e = Expr(source=lambda: (pgexpr.canonical(node, scope, type_text), pgexpr.sql(node, scope)))
            self.last_refs = () if self.norefs else static_refs(node, default)
            return e
        else:
            bscope = BuilderScope(self)
            e = Expr(pgexpr.canonical(node, bscope, type_text), pgexpr.sql(node, bscope))
            refs = tuple(bscope.refs)
        self.last_refs = refs
        return e

    def refs(self, node: Node) -> tuple[tuple[str, str, str], ...]:
        """What an expression refers to, without canonicalising it."""
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
                out |= self.routines_named(schema, name)
        return out

    def type_text(self, node: Node) -> str:
        """Canonical type of a TypeName node."""
        return type_name(node, self.type_schema)

    def scope(self) -> Any:
        return BuilderScope(self)

    # ---- driver -------------------------------------------------------------------------

    def run(self, *, fast: bool = False) -> None:
        self._attach(Recorder() if self.record else None)
        try:
            for sql, offset in statements(self.text, self.path, fast=fast):
                self.apply(sql, offset)
        except _SplitError:
            raise  # the caller splits again with the parser
        except Exception as e:
            raise located(e, self.pos) from e
        finally:
            self._attach(None)

    def run_prepared(self, feed: Iterator[Prepared]) -> None:
        """Apply statements a prefetch worker split, placed and parsed (see prefetch.py)."""
        path = self.path
        self._attach(Recorder() if self.record else None)
        try:
            for sql, offset, line, col, js, norefs in feed:
                self._apply(sql, offset, SourcePos(path, line, col), js, norefs)
        except WorkerLost:
            raise  # the caller parses the file itself
        except Exception as e:
            raise located(e, self.pos) from e
        finally:
            self._attach(None)

    def apply(self, sql: str, offset: int) -> None:
        """Parse and apply one statement starting at character `offset` of the file (or replay
        it, when the previous file had the same statement reading the same state)."""
        lead = _LEADING.match(sql)
        skip = lead.end() if lead else 0
        body = sql[skip:]
        if body.strip():
            self._apply(body, offset + skip, self.lines.pos(offset + skip), None, False)

    def _apply(self, sql: str, offset: int, pos: SourcePos, js: str | Shape | None, norefs: bool) -> None:
        self.offset = offset
        self.sql = sql
        self.pos = pos
        key = (sql, self._context)
        entry = CACHE.get(key)
        rec = self.rec  # one recorder for the whole run (see run), emptied for each statement
        if entry is not None and self._replay(entry):
            if rec is not None:
                CACHE.current[key] = entry
            return
        if rec is None:  # no file follows: nothing to record
            self._apply_parsed(js, norefs)
            return
        rec.reset()
        self._apply_parsed(js, norefs)
        if rec.ok:
            CACHE.current[key] = (tuple(rec.reads), tuple(rec.writes), pos)

    def _apply_parsed(self, js: str | Shape | None, norefs: bool) -> None:
        if js is None or type(js) is tuple:
            # a statement in one of pg_dump's fixed shapes (the worker scanned it, or it is scanned
            # here) applied without the parser, unless the shape's handler leaves it to the parser
            shape = js if js is not None else scan(self.sql)
            if shape is not None and SHAPES[shape[0]](shape, self):
                return
            why = too_large(self.sql, TOKEN)
            if why is not None:
                if _DATA_STATEMENT.match(self.sql):
                    return  # a large INSERT or COPY: skipped like any data statement, unparsed
                raise TooLarge(why, self.pos)
            try:
                tree = _parse_json(self.sql)
            except pgparser.ParseError as e:
                loc = e.args[1] if len(e.args) > 1 and isinstance(e.args[1], int) else 0
                raise DdlError(str(e.args[0]), self.lines.pos(self.offset + max(loc, 0))) from None
            self.norefs = tree.get(_NOREFS, False)
        else:
            assert isinstance(js, str)
            tree = _loads(js)
            self.norefs = norefs
        for raw in tree.get("stmts", ()):
            stmt = raw["stmt"]
            name, body = next(iter(stmt.items()))
            handler = HANDLERS.get(name)
            if handler is None:
                self.unsupported(name, _first_words(self.sql), f"statement {name}")
            else:
                handler(body, self)

    def finish(self) -> Schema:
        try:
            for fn, args in self.finishers:
                fn(self, *args)
        except Exception as e:
            raise located(e, None) from e
        built = self.objects
        # keys sorted alone: sorting (key, object) pairs compares tuples of tuples, a third slower
        objects = {k: dict.__getitem__(built, k) for k in sorted(dict.keys(built))}
        found = version_from_text(self.text)  # a pg_dump header names the server
        server = str(found) if found else ""
        kept = {k: v for k, v in dict.items(self.access) if k in objects}
        warnings = tuple(self.warnings)
        concurrent = frozenset(k for k in set.__iter__(self.index_concurrently) if k in objects)
        return Schema(
            "postgres",
            objects,
            warnings,
            self.path,
            moved=self.moved,
            access=kept,
            server=server,
            concurrent=concurrent,
        )


def _blank(m: re.Match[str]) -> str:
    return re.sub(r"[^\n]", " ", m.group(0))


def _blank_meta(text: str, path: str) -> str:
    """`text` with psql meta-command lines blanked out (same length, so offsets stay true).

    Found from the backslashes, which are rare in DDL: a multiline regex tries every line start
    of a 20 MB dump, which costs 0.15 s. A meta-command that brings in statements ddlcompare
    cannot see (`\\i`, `\\gexec`) is an error, not a silent gap in the schema."""
    parts: list[str] = []
    done = 0
    i = text.find("\\")
    while i >= 0:
        start = text.rfind("\n", 0, i) + 1
        end = i + 1
        m = _META_START.match(text, start)
        if m is not None and m.end() == i + 2:
            end = text.find("\n", i)
            end = len(text) if end < 0 else end
            _check_meta(text, path, i, end)
            parts += (text[done:start], " " * (end - start))
            done = end
        i = text.find("\\", end)
    if not parts:
        return text
    parts.append(text[done:])
    return "".join(parts)


def _check_meta(text: str, path: str, start: int, end: int) -> None:
    """Refuse a meta-command line whose blanking would hide statements."""
    cr = text.find("\r", start, end)
    if cr >= 0 and text[cr:end].strip():
        # psql reads up to a line feed: with CR line ends the whole rest of the file is this line
        raise DdlError(
            "a psql meta-command line goes on after a carriage return (a file with CR line ends?): "
            "psql would read the rest of the line, and every statement on it, as its arguments",
            SourcePos.from_offset(path, text, cr),
        )
    m = _INCLUDES.match(text, start)
    if m is not None:
        raise DdlError(
            f"psql {m.group(0)} brings in statements from elsewhere, which ddlcompare does not read: "
            "the schema would be compared without them",
            SourcePos.from_offset(path, text, start),
            hint="compare a file with the included statements written out (pg_dump writes none)",
        )


def statements(text: str, path: str, *, fast: bool = False) -> Iterator[tuple[str, int]]:
    """(statement text, character offset) of every statement.

    psql meta-commands and COPY ... FROM stdin data are blanked out (same length, so offsets stay
    true). The parser-based splitter understands BEGIN ATOMIC bodies; when the text has a syntax
    error the scanner-based one still splits it, and the statement's own parse reports the error.
    `fast` splits with a tokenizer of quotes, comments and semicolons instead (a full parse of a
    20 MB dump just to find its semicolons costs as much as parsing its statements); the caller
    falls back to the parser-based split when a statement then fails to parse.
    """
    clean = text
    if "\\" in text:
        if "stdin" in text and _HAS_COPY.search(text):
            clean = _COPY_DATA.sub(lambda m: m.group(1) + _blank(m)[len(m.group(1)) :], clean)
        clean = _blank_meta(clean, path)
    # a case-insensitive regex scan of a 20 MB dump costs 0.5 s; lower() and `in` cost 0.04 s
    if fast and ("atomic" not in clean.lower() or not _ATOMIC.search(clean)):
        yield from _fast_split(clean)
        return
    try:
        slices = pgparser.split(clean, with_parser=True, only_slices=True)
    except pgparser.ParseError:
        # The file has a syntax error: split it by the tokenizer (pglast's scanner-based split
        # silently drops statements it cannot read) so that the bad statement's own parse
        # reports it at its place.
        try:
            yield from _fast_split(clean)
        except _SplitError:
            try:
                slices = pgparser.split(clean, with_parser=False, only_slices=True)
            except pgparser.ParseError as e:
                loc = e.args[1] if len(e.args) > 1 and isinstance(e.args[1], int) else 0
                raise DdlError(str(e.args[0]), SourcePos.from_offset(path, text, max(loc, 0))) from None
            _require_covered(clean, slices, path)
            for sl in slices:
                yield clean[sl], sl.start
        return
    for sl in slices:
        yield clean[sl], sl.start


def _require_covered(text: str, slices: Sequence[slice], path: str) -> None:
    """The scanner-based split leaves out what it cannot read (an odd `$1$`): every character
    outside its statements must be blank, a comment or a semicolon, or it is an error there."""
    done = 0
    for sl in (*slices, slice(len(text), len(text))):
        gap_end = _GAP.match(text, done, sl.start).end()  # type: ignore[union-attr]  # matches ""
        if gap_end < sl.start:
            try:
                if not pgparser.parse_sql(text[done : sl.start]):
                    gap_end = sl.start  # only comments the pattern does not follow (nested ones)
                message = "cannot read this statement"
            except pgparser.ParseError as e:
                message = str(e.args[0])
                loc = e.args[1] if len(e.args) > 1 and isinstance(e.args[1], int) else 0
                gap_end = done + max(loc, 0)
            if gap_end < sl.start:
                raise DdlError(message, SourcePos.from_offset(path, text, gap_end))
        done = max(done, sl.stop)


_GAP = re.compile(r"(?:\s++|;|--[^\n\r]*+|/\*(?:[^*]++|\*(?!/))*+\*/)*+")
_ATOMIC = re.compile(r"(?i)\bBEGIN\s+ATOMIC\b")
_DATA_STATEMENT = re.compile(r"(?i)(?:INSERT|UPDATE|DELETE|MERGE|COPY)\b")
# PostgreSQL's tokens for the size limit (see limits.py): a comment, else a token (group 1)
TOKEN = re.compile(
    r"""--[^\n\r]*+|/\*(?:[^*]++|\*(?!/))*+\*/"""
    r"""|([Ee]'(?:[^'\\]++|\\.|'')*+'|'(?:[^']++|'')*+'|"(?:[^"]++|"")*+"|\$(\w*)\$[\s\S]*?\$\2\$|\w++|[^\s\w])"""
)
# One statement up to its semicolon, skipping what can hide one: strings (E'' with backslash
# escapes), quoted names, comments and dollar quotes. Anything it cannot read (an unterminated quote,
# a nested comment) stops it short of a semicolon, and the caller falls back to the parser's split.
_STATEMENT = re.compile(
    r"""(?:[^;'"$/\-Ee]++|[Ee](?!')|[Ee]'(?:[^'\\]++|\\.|'')*+'|'(?:[^']++|'')*+'"""
    r"""|"(?:[^"]++|"")*+"|--[^\n\r]*+|/\*(?:[^*]++|\*(?!/))*+\*/|/(?!\*)|-(?!-)|\$(\w*)\$[\s\S]*?\$\1\$|\$(?!\w*\$))*+"""
)


class _SplitError(Exception):
    """The fast splitter met something it does not read."""


def _fast_split(text: str) -> Iterator[tuple[str, int]]:
    pos, n = 0, len(text)
    match = _STATEMENT.match
    while pos < n:
        end = match(text, pos).end()  # type: ignore[union-attr]  # the pattern matches ""
        if end < n and text[end] != ";":
            raise _SplitError(f"cannot split at offset {end}")
        # the statement without its leading comments (pg_dump's header of each): the callers'
        # own match of them then ends at once
        start = _LEADING.match(text, pos, end).end()  # type: ignore[union-attr]  # matches ""
        if start < end:
            yield text[start:end], start
        pos = end + 1


# PostgreSQL client encodings that are not UTF-8, as Python codecs
_CODECS = {
    **{f"LATIN{i}": f"iso8859_{n}" for i, n in enumerate((1, 2, 3, 4, 9, 10, 13, 14, 15, 16), 1)},
    **{f"WIN{n}": f"cp{n}" for n in (866, 874, 1250, 1251, 1252, 1253, 1254, 1255, 1256, 1257, 1258)},
    **{f"ISO_8859_{n}": f"iso8859_{n}" for n in (5, 6, 7, 8)},
    "KOI8R": "koi8_r",
    "KOI8U": "koi8_u",
}
_CLIENT_ENCODING = re.compile(
    r"(?im)^[ \t]*SET[ \t]+(?:SESSION[ \t]+)?client_encoding[ \t]*(?:=|TO)[ \t]*'?([\w-]+)'?[ \t]*;"
)


def as_server_reads(text: str) -> str:
    """The file as the server reads it: text after `SET client_encoding = X` is decoded in X.

    The file itself is UTF-8, so a script that declares another encoding puts mojibake into the
    catalog (`Résumé` becomes `RÃ©sumÃ©`); the model follows the server.
    """
    if text.isascii() or ("lient_encoding" not in text and "LIENT_ENCODING" not in text):
        return text  # an ASCII file reads the same in every client encoding
    parts, pos, codec = [], 0, None
    for m in _CLIENT_ENCODING.finditer(text):
        parts.append(_decoded(text[pos : m.end()], codec))
        pos = m.end()
        codec = _CODECS.get(m.group(1).upper().replace("-", "_"))
    parts.append(_decoded(text[pos:], codec))
    return "".join(parts)


def _decoded(segment: str, codec: str | None) -> str:
    return segment if codec is None or segment.isascii() else segment.encode().decode(codec, "replace")


def parse(text: str, path: str, options: LoadOptions | None = None) -> Schema:
    """Parse a PostgreSQL schema file into a Schema."""
    return parse_many([(text, path)], options)[0]


def parse_many(files: Sequence[tuple[str, str]], options: LoadOptions | None = None) -> list[Schema]:
    """Parse PostgreSQL schema files (text, path), in order: a later file replays the statements
    it shares with an earlier one, and large files are split and parsed ahead by a worker."""
    texts = [as_server_reads(text) for text, _ in files]
    paths = [path for _, path in files]
    prefetcher = Prefetcher(texts, paths) if Prefetcher.wanted(texts) else None
    # Several files replay among themselves and leave no entries behind (they would outlive the
    # parse: 2 KB a statement); a single file keeps its entries for a `parse` of the next one.
    several, last = len(files) > 1, len(files) - 1
    try:
        # imported once the worker runs: it needs none of them
        from ddlcompare.dialects.postgres import handlers  # noqa: F401  (registers the handlers)

        return [
            _parse_one(text, path, options or LoadOptions(), prefetcher, i, record=not several or i < last)
            for i, (text, path) in enumerate(zip(texts, paths, strict=True))
        ]
    finally:
        if prefetcher is not None:
            prefetcher.close()
        if several:
            CACHE.clear()


def _parse_one(
    text: str, path: str, options: LoadOptions, prefetcher: Prefetcher | None, index: int, *, record: bool
) -> Schema:
    CACHE.start()
    enabled = gc.isenabled()
    gc.disable()  # bulk creation of small immutable objects: the cyclic GC only costs here
    try:
        feed = prefetcher.stream(index) if prefetcher is not None else None
        try:
            b = Builder(path, text, options, record=record)
            if feed is None:
                b.run(fast=True)
            else:
                try:
                    b.run_prepared(feed)
                except WorkerLost:
                    b = Builder(path, text, options, record=record)
                    b.run(fast=True)
        except TooLarge:
            raise  # the parser's split would only spend memory on it
        except (DdlError, _SplitError):
            # the fast split may have cut a statement wrongly: split by the parser and start over
            if prefetcher is not None:
                prefetcher.abandon()
            b = Builder(path, text, options, record=record)
            b.run()
        return b.finish()
    finally:
        if enabled:
            # what the file built is long-lived: without freezing it, the first collection after
            # enabling would scan millions of objects (the core freezes loaded schemas anyway)
            gc.freeze()
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
