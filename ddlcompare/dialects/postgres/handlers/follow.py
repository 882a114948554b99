"""What follows a relation or a column when a file renames or moves it.

The server refers to relations and columns by number, so after `ALTER TABLE a RENAME TO b`, `ALTER
TABLE ... SET SCHEMA` or `ALTER TABLE ... RENAME COLUMN` the keys, foreign keys, indexes, views and
defaults that named the old name deparse with the new one. A file's model must say the same, or a
migration history compares unequal to the database it built.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from pglast import parser as pgparser

from ddlcompare.dialects.postgres.handlers.tables import descendants
from ddlcompare.dialects.postgres.names import ident, make_object_name, qualified
from ddlcompare.dialects.postgres.objects import (
    Exclude,
    Inherits,
    PartitionBy,
    PartitionIndexNames,
    PartitionOf,
    Policy,
    partition_naming,
)
from ddlcompare.dialects.postgres.parse import Builder
from ddlcompare.model.base import Expr, ObjectKey, SchemaObject, evolve, replace_option
from ddlcompare.model.objects import (
    Check,
    ForeignKey,
    Index,
    IndexPart,
    PrimaryKey,
    Routine,
    Table,
    Trigger,
    Unique,
    View,
)


def replace_objects(b: Builder, pairs: list[tuple[SchemaObject, SchemaObject]]) -> dict[ObjectKey, ObjectKey]:
    """Put each new object in place of its old one; the owners and grants kept aside for the old
    keys move along. Returns old key -> new key."""
    kept = {old.key: b.access.get(old.key) for old, _ in pairs}
    for old, _ in pairs:
        b.remove(old.key)
    renamed: dict[ObjectKey, ObjectKey] = {}
    for old, new in pairs:
        b.put(new)
        renamed[old.key] = new.key
        if (access := kept[old.key]) is not None:
            b.access[new.key] = access
    return renamed


def follow_relations(b: Builder, renamed: dict[ObjectKey, ObjectKey]) -> None:
    """Point what refers to the renamed or moved relations (keys `renamed`) at their new names:
    foreign keys, partition and inheritance parents, view queries and defaults naming them, and
    dependencies."""
    names = {
        qualified(old.schema, old.name): qualified(new.schema, new.name)
        for old, new in renamed.items()
        if not old.parent
    }
    tables = {(o.schema, o.name): (n.schema, n.name) for o, n in renamed.items() if o.kind == Table.KIND}
    pattern = _names_pattern(names)
    # a relation renamed (not only moved) is also the qualifier of its columns in a view's text,
    # where the view does not give it an alias (`FROM app.a` with `a.id`, not `FROM app.a AS x`)
    qualifiers = [
        (qualified(new.schema, new.name), ident(old.name), ident(new.name))
        for old, new in renamed.items()
        if not old.parent and old.name != new.name
    ]

    def renamed_text(text: str, view: bool) -> str:
        text = pattern.sub(lambda m: names[m.group(1)], text) if names else text
        if view:
            for relation, old_q, new_q in qualifiers:
                if re.search(re.escape(relation) + r"(?![\w$\"])(?! AS )", text):
                    text = re.sub(r"(?<![\w$.\"])" + re.escape(old_q) + r"\.(?=[\w\"$])", new_q + ".", text)
        return text

    def renamed_expr(e: Expr, view: bool = False) -> Expr:
        canonical, text = renamed_text(e.canonical, view), renamed_text(e.text, view)
        return e if (canonical, text) == (e.canonical, e.text) else Expr(canonical, text)

    for obj in list(b.objects.values()):
        changes: dict[str, Any] = {}
        if obj.depends_on & renamed.keys():
            changes["depends_on"] = frozenset(renamed.get(k, k) for k in obj.depends_on)
        if isinstance(obj, ForeignKey) and (obj.ref_schema, obj.ref_table) in tables:
            changes["ref_schema"], changes["ref_table"] = tables[(obj.ref_schema, obj.ref_table)]
        if isinstance(obj, View):
            query = renamed_expr(obj.query, view=True)
            if query != obj.query:
                changes["query"] = query
        if isinstance(obj, Table):
            columns = tuple(
                c if c.default is None else evolve(c, default=renamed_expr(c.default)) for c in obj.columns
            )
            if columns != obj.columns:
                changes["columns"] = columns
            options = obj.options
            part = obj.option(PartitionOf)
            if part is not None and part.parent in tables:
                options = replace_option(options, evolve(part, parent=tables[part.parent]), PartitionOf)
            inherits = obj.option(Inherits)
            if inherits is not None and any(p in tables for p in inherits.parents):
                parents = tuple(tables.get(p, p) for p in inherits.parents)
                options = replace_option(options, evolve(inherits, parents=parents), Inherits)
            if options != obj.options:
                changes["options"] = options
        if changes:
            b.update(obj, **changes)


_TYPE_FIELDS = frozenset({"type", "base_type", "subtype", "returns", "data_type"})


def rename_type(b: Builder, typ: SchemaObject, new: str) -> bool:
    """ALTER TYPE / DOMAIN ... RENAME TO: the type and what names it (column and attribute types,
    domain bases, range subtypes, return types, casts in defaults, checks, indexes and views)
    follow. False, nothing done, when a routine takes the type as an argument: its key names it."""
    old_name = qualified(typ.schema, typ.name)
    pattern = _names_pattern({old_name: qualified(typ.schema, new)})
    for obj in b.objects.values():
        if isinstance(obj, Routine) and any(pattern.search(a.type) for a in obj.arguments):
            return False
    renamed = replace_objects(b, [(typ, dataclasses.replace(typ, name=new))])

    def walk(value: Any, field_name: str = "") -> Any:
        if isinstance(value, str):
            return pattern.sub(qualified(typ.schema, new), value) if field_name in _TYPE_FIELDS else value
        if isinstance(value, Expr):
            canonical = pattern.sub(qualified(typ.schema, new), value.canonical)
            text = pattern.sub(qualified(typ.schema, new), value.text)
            return value if (canonical, text) == (value.canonical, value.text) else Expr(canonical, text)
        if isinstance(value, tuple):
            items = tuple(walk(v) for v in value)
            return value if all(a is c for a, c in zip(items, value, strict=True)) else items
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            changes = _walked_fields(value, walk)
            return evolve(value, **changes) if changes else value
        return value

    for obj in list(b.objects.values()):
        changes = _walked_fields(obj, walk)
        if obj.depends_on & renamed.keys():
            changes["depends_on"] = frozenset(renamed.get(k, k) for k in obj.depends_on)
        if changes:
            b.update(obj, **changes)
    return True


def _walked_fields(obj: Any, walk: Any) -> dict[str, Any]:
    """The fields of dataclass `obj` that `walk(value, name)` changes (keys and routine bodies aside)."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(obj):
        if f.name in ("depends_on", "body", "body_sql", "name", "schema", "pos"):
            continue
        value = getattr(obj, f.name)
        walked = walk(value, f.name)
        if walked is not value:
            out[f.name] = walked
    return out


def _names_pattern(names: dict[str, str]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(q) for q in sorted(names, key=len, reverse=True)) or "(?!)"
    return re.compile(r"(?<![\w$.\"])(" + alternatives + r")(?![\w$\"])")


def follow_column(b: Builder, schema: str, table: str, old: str, new: str) -> None:
    """ALTER TABLE ... RENAME COLUMN old TO new (the table's column already renamed): its keys,
    indexes, foreign keys (both ends), checks, exclusion elements, generated columns, partition
    key, triggers and policies follow; a view naming it reads `x.new AS old` (its own column keeps
    the name), as the server deparses it. A partitioned index or key over the column keeps the
    names the server gave its partitions' copies (from the old column name) as names of their own."""

    def cols(names: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(new if c == old else c for c in names)

    def expr(e: Expr | None) -> Expr | None:
        return None if e is None else renamed_column(e, old, new)

    t = b.table(schema, table)
    changes: dict[str, Any] = {}
    columns = tuple(c if c.generated is None else evolve(c, generated=expr(c.generated)) for c in t.columns)
    if columns != t.columns:
        changes["columns"] = columns
    key = t.option(PartitionBy)
    if key is not None and (renamed := expr(key.key)) != key.key:
        changes["options"] = replace_option(t.options, evolve(key, key=renamed), PartitionBy)
    if changes:
        t = b.update(t, **changes)
    for child in b.children_of(schema, table):
        changes = {}
        if isinstance(child, (PrimaryKey, Unique)):
            changes = {"columns": cols(child.columns), "include": cols(child.include)}
        elif isinstance(child, ForeignKey):
            changes = {"columns": cols(child.columns)}
        elif isinstance(child, Index):
            parts = tuple(_renamed_part(p, old, new) for p in child.parts)
            changes = {"parts": parts, "include": cols(child.include), "where": expr(child.where)}
        elif isinstance(child, Check):
            changes = {"expr": expr(child.expr)}
        elif isinstance(child, Trigger):
            when = None if child.when is None else renamed_column(child.when, old, new, row=True)
            changes = {"columns": cols(child.columns), "when": when}
        elif isinstance(child, Policy):
            changes = {"using": expr(child.using), "with_check": expr(child.with_check)}
        elif isinstance(child, Exclude):
            elements = tuple((_renamed_sql(e, old, new), op) for e, op in child.elements)
            changes = {"elements": elements, "include": cols(child.include), "where": expr(child.where)}
        changes = {k: v for k, v in changes.items() if v != getattr(child, k)}
        if changes and isinstance(child, (Index, PrimaryKey, Unique)) and t.option(PartitionBy) is not None:
            changes["options"] = _partition_names_kept(b, t, child, evolve(child, **changes))
        if changes:
            b.update(child, **changes)
    table_key = ObjectKey(Table.KIND, schema, table)
    for obj in list(b.objects.values()):
        if isinstance(obj, ForeignKey) and (obj.ref_schema, obj.ref_table) == (schema, table):
            if old in obj.ref_columns:
                b.update(obj, ref_columns=cols(obj.ref_columns))
        elif isinstance(obj, View) and table_key in obj.depends_on:
            query = _view_query(b, obj.query, (schema, table), old, new)
            if query is not None:
                b.update(obj, query=query)


def _partition_names_kept(
    b: Builder, table: Table, before: Index | PrimaryKey | Unique, after: Index | PrimaryKey | Unique
) -> tuple[Any, ...]:
    """`after`'s options with the names of the copies on `table`'s partitions kept as their own:
    the server named each from the columns as they were (and renames no index), and a name the
    model does not keep is the one generated from the columns as they are."""
    names = before.option(PartitionIndexNames)
    kept = {(s, p): n for s, p, n in (names.items if names is not None else ())}
    was, label = partition_naming(before)
    now, _ = partition_naming(after)
    if was != now:
        for part in descendants(b, table, partitions_only=True):
            if (part.schema, part.name) not in kept:
                kept[(part.schema, part.name)] = make_object_name(part.name, was, label)
    items = tuple(sorted((s, p, n) for (s, p), n in kept.items()))
    opt = PartitionIndexNames(items=items) if items else None
    return replace_option(after.options, opt, PartitionIndexNames)


def rename_view_column(b: Builder, view: View, old: str, new: str) -> bool:
    """ALTER VIEW ... RENAME COLUMN: the view's output is named `new` (its query says `... AS
    new`), and the views over it follow as they do a table's column. False when the query has no
    such output to rename (an explicit column list, a set operation: left to the caller)."""
    from ddlcompare.dialects.postgres import expr as pgexpr
    from ddlcompare.dialects.postgres.parse import _parse_json

    if view.columns:
        return False
    stmt = _parse_json(view.query.text)["stmts"][0]["stmt"]
    sel = stmt.get("SelectStmt", {})
    if sel.get("op") not in (None, "SETOP_NONE"):
        return False
    for target in sel.get("targetList", ()):
        res = target["ResTarget"]
        val = res.get("val", {})
        fields = val.get("ColumnRef", {}).get("fields", [])
        named = res.get("name") or (fields[-1].get("String", {}).get("sval") if fields else None)
        if named == old:
            res["name"] = new
            break
    else:
        return False
    query = Expr(pgexpr.canonical_query(stmt, b.scope()), pgexpr.sql(stmt, b.scope()))
    b.update(view, query=query)
    outputs = b.view_outputs.get((view.schema, view.name))
    if outputs is not None:
        b.view_outputs[(view.schema, view.name)] = [new if c == old else c for c in outputs]
    key = view.key
    for obj in list(b.objects.values()):
        if isinstance(obj, View) and key in obj.depends_on:
            renamed = _view_query(b, obj.query, (view.schema, view.name), old, new)
            if renamed is not None:
                b.update(obj, query=renamed)
    return True


def _renamed_part(part: IndexPart, old: str, new: str) -> IndexPart:
    if part.column == old:
        return evolve(part, column=new)
    if part.expr is not None:
        return evolve(part, expr=renamed_column(part.expr, old, new))
    return part


def renamed_column(e: Expr, old: str, new: str, *, row: bool = False) -> Expr:
    """An expression over one table's columns with column `old` called `new` (`row`: a trigger's
    WHEN, where they are NEW.old and OLD.old)."""
    canonical, text = _renamed_sql(e.canonical, old, new, row), _renamed_sql(e.text, old, new, row)
    return e if (canonical, text) == (e.canonical, e.text) else Expr(canonical, text)


# tokens that are a plain word (an identifier or a keyword usable as a column name)
_NOT_WORDS = {"RESERVED_KEYWORD"}


def _renamed_sql(sql: str, old: str, new: str, row: bool = False) -> str:
    """`sql` (an expression of one table's columns) with the column reference `old` written `new`:
    a word naming `old`, not a function (before `(`), a type (after `::`) or a qualified name's part
    (but NEW.old and OLD.old when `row`)."""
    if old.lower() not in sql.lower() and ident(old) not in sql:
        return sql
    data = sql.encode("utf-8")
    try:
        tokens = pgparser.scan(sql)
    except pgparser.ParseError:
        return sql
    out: list[bytes] = []
    done = 0
    for i, tok in enumerate(tokens):
        if tok.kind in _NOT_WORDS or not (tok.name == "IDENT" or tok.kind != "NO_KEYWORD"):
            continue
        word = data[tok.start : tok.end + 1].decode("utf-8")
        name = word[1:-1].replace('""', '"') if word.startswith('"') else word.lower()
        if name != old:
            continue
        before = tokens[i - 1].name if i > 0 else ""
        after = tokens[i + 1].name if i + 1 < len(tokens) else ""
        qualifier = data[tokens[i - 2].start : tokens[i - 2].end + 1].lower() if i > 1 else b""
        if before == "ASCII_46" and row and qualifier in (b"new", b"old"):
            before = ""
        if after in ("ASCII_40", "ASCII_46") or before in ("TYPECAST", "ASCII_46"):  # ( . :: .
            continue
        out += [data[done : tok.start], ident(new).encode("utf-8")]
        done = tok.end + 1
    return sql if not out else b"".join([*out, data[done:]]).decode("utf-8")


def _view_query(b: Builder, query: Expr, table: tuple[str, str], old: str, new: str) -> Expr | None:
    """A view's query with its references to column `old` of `table` renamed `new` (None: it has
    none). An output that was the bare column keeps its name (`t.new AS old`), as the view's
    column does on the server."""
    from ddlcompare.dialects.postgres import expr as pgexpr
    from ddlcompare.dialects.postgres.parse import _parse_json

    stmt = _parse_json(query.text)["stmts"][0]["stmt"]
    renamer = _ViewRenamer(b, table, old, new)
    renamer.walk(stmt, [])
    if not renamer.renames:
        return None
    return Expr(pgexpr.canonical_query(stmt, b.scope()), pgexpr.sql(stmt, b.scope()))


class _ViewRenamer:
    """Walks a query, renaming the column references that resolve to one table's column: a
    qualified `q.old` where q names that table in an enclosing FROM, an unqualified `old` where
    the innermost FROM that has such a column is that table's."""

    def __init__(self, b: Builder, table: tuple[str, str], old: str, new: str) -> None:
        self.b, self.table, self.old, self.new = b, table, old, new
        self.renames = 0

    def walk(self, node: Any, scopes: list[tuple[set[str], bool]]) -> None:
        """`scopes`: for each enclosing SELECT, (names the table goes by, another relation there
        has a column `old`)."""
        if isinstance(node, list):
            for item in node:
                self.walk(item, scopes)
            return
        if not isinstance(node, dict):
            return
        sel = node.get("SelectStmt")
        if sel is not None:
            self._select(sel, scopes)
            return
        ref = node.get("ColumnRef")
        if ref is not None:
            self._column(ref, scopes)
            return
        for value in node.values():
            self.walk(value, scopes)

    def _select(self, sel: dict[str, Any], scopes: list[tuple[set[str], bool]]) -> None:
        ctes = set()
        with_clause = sel.get("withClause")
        if with_clause:
            for cte in with_clause.get("ctes", ()):
                ctes.add(cte["CommonTableExpr"]["ctename"])
            self.walk(with_clause, scopes)
        names: set[str] = set()
        others = [False]
        for item in sel.get("fromClause", ()):
            self._from_item(item, ctes, names, others)
        inner = [*scopes, (names, others[0])]
        for key, value in sel.items():
            if key == "withClause":
                continue
            if key == "targetList":
                for target in value:
                    res = target["ResTarget"]
                    val = res.get("val", {})
                    before = self.renames
                    self.walk(val, inner)
                    if self.renames != before and "ColumnRef" in val and not res.get("name"):
                        res["name"] = self.old  # the bare column renamed: the output keeps its name
                continue
            self.walk(value, inner)

    def _from_item(self, item: dict[str, Any], ctes: set[str], names: set[str], others: list[bool]) -> None:
        rv = item.get("RangeVar")
        if rv is not None:
            alias = (rv.get("alias") or {}).get("aliasname")
            if not rv.get("schemaname") and rv["relname"] in ctes:
                return
            schema, name = self.b.rangevar(rv)
            if (schema, name) == self.table:
                names.add(alias or name)
            elif self.old in self._columns(schema, name):
                others[0] = True
            return
        join = item.get("JoinExpr")
        if join is not None:
            self._from_item(join["larg"], ctes, names, others)
            self._from_item(join["rarg"], ctes, names, others)
            return
        # a subquery or function in FROM: its outputs are not looked up (taken not to be `old`)

    def _columns(self, schema: str, name: str) -> list[str]:
        rel = self.b.relation(schema, name, missing_ok=True)
        if isinstance(rel, Table):
            return [c.name for c in rel.columns]
        return list(self.b.view_outputs.get((schema, name)) or ())

    def _column(self, ref: dict[str, Any], scopes: list[tuple[set[str], bool]]) -> None:
        fields = ref["fields"]
        words = [f.get("String", {}).get("sval") if isinstance(f, dict) else None for f in fields]
        if words[-1] != self.old:
            return
        if len(words) == 2:
            if any(words[0] in names for names, _ in scopes):
                fields[-1] = {"String": {"sval": self.new}}
                self.renames += 1
            return
        if len(words) != 1:
            return
        for names, others in reversed(scopes):  # the innermost FROM with such a column binds it
            if names:
                fields[-1] = {"String": {"sval": self.new}}
                self.renames += 1
                return
            if others:
                return

