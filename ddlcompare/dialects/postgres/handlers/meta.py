"""Session settings, comments, owners, grants, renames, drops, and the less common object kinds
kept as `Definition`s (operators, casts, rules, statistics, text search, FDWs, ...)."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from ddlcompare.dialects.postgres.fastpath import Shape, shape_handler
from ddlcompare.dialects.postgres.handlers.follow import (
    follow_column,
    follow_relations,
    rename_type,
    rename_view_column,
    replace_objects,
)
from ddlcompare.dialects.postgres.handlers.tables import CONSTRAINT_KINDS, descendants, role_name
from ddlcompare.dialects.postgres.names import ident, literal, qualified
from ddlcompare.dialects.postgres.objects import (
    ColumnComments,
    CompositeType,
    Definition,
    Domain,
    IndexComment,
)
from ddlcompare.dialects.postgres.parse import (
    Builder,
    Node,
    _normalise_statement,
    const_value,
    handles,
    strings,
)
from ddlcompare.dialects.postgres.types import type_name
from ddlcompare.model.base import Expr, Grant, ObjectKey, SchemaObject, dependencies, replace_option
from ddlcompare.model.objects import ForeignKey, Table, TableChild, View

# ---- session ----------------------------------------------------------------------------------


def _search_path(values: list[str]) -> tuple[str, ...]:
    out = []
    for v in values:
        for part in v.split(","):
            p = part.strip()
            if p.startswith('"') and p.endswith('"'):
                p = p[1:-1].replace('""', '"')
            elif p:
                p = p.lower()
            if p:
                out.append(p)
    return tuple(out)


@handles("VariableSetStmt")
def set_variable(n: Node, b: Builder) -> None:
    if n.get("name") == "default_table_access_method":
        # pg_dump selects the access method of the tables that follow so, not with USING
        args = n.get("args", ())
        reset = n.get("kind") in ("VAR_RESET", "VAR_SET_DEFAULT") or not args
        b.table_am = "heap" if reset else str(const_value(args[0]))
        return
    if n.get("name") != "search_path":
        return  # session settings (statement_timeout, client_encoding, ...) do not change the schema
    if n.get("kind") in ("VAR_RESET", "VAR_SET_DEFAULT"):
        b.search_path = ("$user", "public")
    else:
        # the grammar has already folded unquoted names and removed quotes: each arg is one schema
        b.search_path = tuple(str(const_value(a)) for a in n.get("args", ()))


@handles("SelectStmt")
def select(n: Node, b: Builder) -> None:
    targets = n.get("targetList", ())
    if not n.get("fromClause") and all("A_Const" in t["ResTarget"].get("val", {}) for t in targets):
        return  # SELECT 'message': prints something, changes nothing
    if n.get("fromClause") or len(targets) != 1:
        b.warn("SELECT statement ignored (not part of a schema)")
        return
    fc = targets[0]["ResTarget"].get("val", {}).get("FuncCall")
    fname = strings(fc.get("funcname"))[-1] if fc else ""
    if fname == "set_config" and fc:
        args = [const_value(a) for a in fc.get("args", ())]
        if len(args) != 3:
            raise b.error(f"function set_config takes 3 arguments, not {len(args)}")
        if args[0] == "search_path":
            b.search_path = _search_path([str(args[1])])
        elif args[0] == "default_table_access_method":
            b.table_am = str(args[1]) or "heap"
        return
    if fname in ("setval", "pg_catalog.setval"):
        return  # a sequence's current value is data, never a schema difference
    if fc and _data_only_call(b, strings(fc.get("funcname"))):
        return
    b.warn("SELECT statement ignored (not part of a schema)")


_DDL_WORDS = re.compile(r"\b(?:CREATE|ALTER|DROP|EXECUTE|COMMENT|GRANT|REVOKE|SECURITY\s+LABEL)\b", re.I)


def _data_only_call(b: Builder, parts: list[str]) -> bool:
    """A call of a function of this file whose body holds no DDL and no dynamic SQL: it can only
    change data (install scripts convert data this way), never the schema."""
    from ddlcompare.model.objects import Routine

    keys = routine_keys_for(b, parts)
    if not keys:
        return False
    for key in keys:
        r = b.objects.get(key)
        if not isinstance(r, Routine) or r.language not in ("plpgsql", "sql") or _DDL_WORDS.search(r.body):
            return False
    return True


def routine_keys_for(b: Builder, parts: list[str]) -> set[ObjectKey]:
    from ddlcompare.dialects.postgres.handlers.tables import routine_keys

    return routine_keys(b, parts)


@handles("InsertStmt", "UpdateStmt", "DeleteStmt", "CopyStmt", "TruncateStmt", "MergeStmt")
def data_statement(n: Node, b: Builder) -> None:
    """Data statements (install scripts load and convert data) change no schema: skipped."""


@handles(
    "TransactionStmt",
    "CheckPointStmt",
    "VacuumStmt",
    "LockStmt",
    "DiscardStmt",
    "ListenStmt",
    "NotifyStmt",
    "VariableShowStmt",
    "ExplainStmt",
    "ReindexStmt",
    "LoadStmt",
)
def no_schema_effect(n: Node, b: Builder) -> None:
    """BEGIN/COMMIT and maintenance statements: nothing to model."""


@handles(
    "CreateRoleStmt",
    "AlterRoleStmt",
    "AlterRoleSetStmt",
    "DropRoleStmt",
    "GrantRoleStmt",
    "CreatedbStmt",
    "AlterDatabaseStmt",
    "AlterDatabaseSetStmt",
    "DropdbStmt",
    "CreateTableSpaceStmt",
    "AlterSystemStmt",
    "AlterDatabaseRefreshCollStmt",
)
def cluster_statement(n: Node, b: Builder) -> None:
    b.warn("cluster-level statement ignored (roles, databases and tablespaces are not part of a schema)")


@handles("DoStmt")
def do_block(n: Node, b: Builder) -> None:
    b.unsupported(
        "DoStmt", f"at line {b.pos.line if b.pos else 0}", "a DO block (its effect is unknown offline)"
    )


# ---- finding objects by what a statement names ------------------------------------------------


def _func_key(b: Builder, kinds: tuple[str, ...], owa: Node) -> ObjectKey | None:
    """Key of the function/procedure/aggregate an ObjectWithArgs names."""
    o = owa.get("ObjectWithArgs", owa)
    parts = strings(o.get("objname"))
    schema, base = (parts[-2], parts[-1]) if len(parts) > 1 else (None, parts[0])
    candidates = []
    for k in b.objects:
        if k.kind in kinds and k.name.startswith(base + "(") and (schema is None or k.schema == schema):
            if schema is None and k.schema not in b.search_path:
                continue
            candidates.append(k)
    if o.get("args_unspecified") or ("objargs" not in o and "objfuncargs" not in o):
        return candidates[0] if len(candidates) == 1 else (candidates[0] if candidates else None)
    types = []
    for fp in o.get("objfuncargs") or ():
        p = fp["FunctionParameter"]
        if p.get("mode") in ("FUNC_PARAM_OUT", "FUNC_PARAM_TABLE"):
            continue
        types.append(type_name(p["argType"], b.type_schema))
    if not o.get("objfuncargs"):
        types = [type_name(t.get("TypeName", t), b.type_schema) for t in o.get("objargs") or ()]
    want = f"{base}({', '.join(types)})"
    for k in candidates:
        if k.name == want:
            return k
    # aggregates use `*` and ORDER BY forms; fall back to the single candidate
    return candidates[0] if len(candidates) == 1 else None


def _type_key(b: Builder, node: Node) -> ObjectKey | None:
    tn = node.get("TypeName", node)
    parts = strings(tn.get("names") or node.get("List", {}).get("items"))  # OWNER TO, GRANT: a List
    if not parts:
        return None
    schema, name = (parts[-2], parts[-1]) if len(parts) > 1 else (b.type_schema(parts[0]), parts[0])
    for kind in ("enum", "domain", "composite_type", "range_type", "type"):
        k = ObjectKey(kind, schema, name)
        if k in b.objects:
            return k
    return None


def _child_key(b: Builder, kinds: tuple[str, ...], parts: list[str]) -> ObjectKey | None:
    schema, table = b.qualify_name(parts[:-1])
    for kind in kinds:
        k = ObjectKey(kind, schema, parts[-1], table)
        if k in b.objects:
            return k
    return None


def object_key(b: Builder, objtype: str, obj: Any) -> ObjectKey | None:
    """The key of the object a COMMENT/OWNER/GRANT/DROP statement names (None if unknown)."""
    kind = objtype.removeprefix("OBJECT_")
    if kind in ("TABLE", "VIEW", "MATVIEW", "SEQUENCE", "FOREIGN_TABLE", "INDEX"):
        parts = strings(obj["List"]["items"]) if "List" in obj else [const_value(obj)]
        if "RangeVar" in obj:
            return b.relations.get(b.rangevar(obj))
        return b.relations.get(b.qualify_name(parts))
    if kind == "SCHEMA":
        return ObjectKey("schema", "", str(const_value(obj)))
    if kind == "EXTENSION":
        return ObjectKey("extension", "", str(const_value(obj)))
    if kind in ("TYPE", "DOMAIN"):
        return _type_key(b, obj)
    if kind in ("FUNCTION", "PROCEDURE", "ROUTINE", "AGGREGATE"):
        routine_kinds = {"FUNCTION": ("function",), "PROCEDURE": ("procedure",), "AGGREGATE": ("aggregate",)}
        return _func_key(b, routine_kinds.get(kind, ("function", "procedure")), obj)
    if kind in ("TABCONSTRAINT", "TRIGGER", "POLICY", "RULE"):
        parts = strings(obj["List"]["items"])
        kinds: tuple[str, ...] = {
            "TABCONSTRAINT": CONSTRAINT_KINDS,
            "TRIGGER": ("trigger",),
            "POLICY": ("policy",),
            "RULE": ("rule",),
        }[kind]
        return _child_key(b, kinds, parts)
    ident_ = definition_identity(b, kind, obj)
    if ident_ is None:
        return None
    for k in b.objects:
        if isinstance(b.objects[k], Definition) and b.objects[k].identity == ident_:  # type: ignore[attr-defined]
            return k
    return None


# ---- comments, owners, grants -----------------------------------------------------------------


@handles("CommentStmt")
def comment(n: Node, b: Builder) -> None:
    objtype = n["objtype"]
    text = n.get("comment")
    obj = n["object"]
    if objtype == "OBJECT_DATABASE":
        return  # database comments are not part of a schema dump
    if objtype == "OBJECT_EXTENSION":
        return  # set by the extension itself (its control file), not by the schema's author
    if objtype == "OBJECT_SCHEMA" and const_value(obj) == "public":
        # None is PostgreSQL's own comment on public ('standard public schema': pg_dump 15 omits
        # it, older ones write it); "" is none at all (IS NULL or IS '', pg_dump 15 writes '')
        text = None if text == "standard public schema" else text or ""
    if objtype == "OBJECT_COLUMN":
        parts = strings(obj["List"]["items"])
        if len(parts) < 2:
            raise b.error("column name must be qualified")
        schema, table = b.qualify_name(parts[:-1])
        rel = b.relation(schema, table)
        if isinstance(rel, Table):
            b.update_column(rel, parts[-1], comment=text)
        elif isinstance(rel, CompositeType):
            if all(a.name != parts[-1] for a in rel.attributes):
                raise b.error(f'column "{parts[-1]}" of type "{table}" does not exist')
            attrs = tuple(
                dataclasses.replace(a, comment=text) if a.name == parts[-1] else a for a in rel.attributes
            )
            b.update(rel, attributes=attrs)
        elif rel is not None:
            cur = dict(o.items) if (o := rel.option(ColumnComments)) else {}
            if text is None:
                cur.pop(parts[-1], None)
            else:
                cur[parts[-1]] = text
            new = ColumnComments(items=tuple(sorted(cur.items()))) if cur else None
            b.update(rel, options=replace_option(rel.options, new, ColumnComments))
        return
    if objtype == "OBJECT_DOMCONSTRAINT":
        items = obj["List"]["items"]
        key = _type_key(b, items[0])
        d = b.objects.get(key) if key else None
        cname = const_value(items[1])
        if not isinstance(d, Domain) or all(c.name != cname for c in d.checks):
            raise b.error(f'constraint "{cname}" of domain does not exist')
        b.update(
            d, checks=tuple(dataclasses.replace(c, comment=text) if c.name == cname else c for c in d.checks)
        )
        return
    key = object_key(b, objtype, obj)
    target = b.objects.get(key) if key else None
    if target is None:
        raise b.error(
            f"{objtype.removeprefix('OBJECT_').lower().replace('_', ' ')} named in COMMENT ON does not exist"
        )
    if objtype == "OBJECT_INDEX" and key is not None and key.kind in ("primary_key", "unique", "exclude"):
        # the index of a constraint has a comment of its own, beside the constraint's
        note = IndexComment(text=text) if text else None
        b.update(target, options=replace_option(target.options, note, IndexComment))
        return
    b.update(target, comment=text)


@shape_handler("table_comment")
def _fast_table_comment(shape: Shape, b: Builder) -> bool:
    """pg_dump's COMMENT ON TABLE s.t IS '...': comment's steps for it."""
    _, schema, table, text = shape
    key = b.relations.get((schema, table))
    target = b.objects.get(key) if key else None
    if target is None:
        return False
    b.update(target, comment=text)
    return True


@shape_handler("column_comment")
def _fast_column_comment(shape: Shape, b: Builder) -> bool:
    """pg_dump's COMMENT ON COLUMN s.t.c IS '...' on a table that has the column."""
    _, schema, table, column, text = shape
    rel = b.relation(schema, table, missing_ok=True)
    if not isinstance(rel, Table) or rel.column(column) is None:
        return False
    b.update_column(rel, column, comment=text)
    return True


@handles("AlterOwnerStmt")
def alter_owner(n: Node, b: Builder) -> None:
    key = object_key(b, n["objectType"], n["object"])
    target = b.objects.get(key) if key else None
    if target is not None:
        b.set_owner(target, role_name(n["newowner"]))


_ALL = {
    "TABLE": ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"),
    "SEQUENCE": ("USAGE", "SELECT", "UPDATE"),
    "FUNCTION": ("EXECUTE",),
    "PROCEDURE": ("EXECUTE",),
    "ROUTINE": ("EXECUTE",),
    "SCHEMA": ("USAGE", "CREATE"),
    "TYPE": ("USAGE",),
    "DOMAIN": ("USAGE",),
    "FDW": ("USAGE",),
    "FOREIGN_SERVER": ("USAGE",),
    "LANGUAGE": ("USAGE",),
}


@handles("GrantStmt")
def grant(n: Node, b: Builder) -> None:
    objtype = n["objtype"].removeprefix("OBJECT_")
    if n.get("targtype") != "ACL_TARGET_OBJECT":
        if b.options.privileges:
            b.unsupported("GrantStmt", "ALL IN SCHEMA", "GRANT ... ON ALL ... IN SCHEMA")
        return
    grantees = [role_name(r) for r in n.get("grantees", ())]
    privs: list[tuple[str, tuple[str, ...]]] = []
    for p in n.get("privileges") or ():
        ap = p["AccessPriv"]
        privs.append((ap.get("priv_name", "all").upper(), tuple(strings(ap.get("cols")))))
    if not privs:
        privs = [(x, ()) for x in _ALL.get(objtype, ("ALL",))]
    for obj in n.get("objects", ()):
        kind = "TABLE" if objtype in ("TABLE", "VIEW", "MATVIEW", "FOREIGN_TABLE") else objtype
        key = object_key(b, n["objtype"] if kind != "TABLE" else "OBJECT_TABLE", obj)
        target = b.objects.get(key) if key else None
        if target is None:
            continue
        grants = set(b.grants_of(target))
        owner = b.owner_of(target)
        for role in (g for g in grantees if g != owner):  # an owner's own privileges are implied
            for priv, cols in privs:
                expanded = _ALL.get(kind, (priv,)) if priv == "ALL" else (priv,)
                for pv in expanded:
                    g = Grant(role, pv, cols, bool(n.get("grant_option")))
                    if n.get("is_grant"):
                        grants.add(g)
                    else:
                        grants = {
                            x
                            for x in grants
                            if not (x.grantee == role and x.privilege == pv and x.columns == cols)
                        }
        b.set_grants(target, tuple(sorted(grants, key=str)))


@handles("AlterDefaultPrivilegesStmt")
def default_privileges(n: Node, b: Builder) -> None:
    if b.options.privileges:
        b.unsupported("AlterDefaultPrivilegesStmt", "default privileges", "ALTER DEFAULT PRIVILEGES")


# ---- renames and drops ------------------------------------------------------------------------


@handles("RenameStmt")
def rename(n: Node, b: Builder) -> None:
    kind = n["renameType"].removeprefix("OBJECT_")
    new = n["newname"]
    if kind == "COLUMN":
        schema, table = b.rangevar(n["relation"])
        rel = b.relation(schema, table)
        if isinstance(rel, View) and rename_view_column(b, rel, n["subname"], new):
            return
        if isinstance(rel, Table):
            # partitions and inheritance children have the column too: the server renames it there
            for t in [rel, *descendants(b, rel)]:
                b.update_column(t, n["subname"], name=new)  # column name -> new
                for seq in b.owned_sequences(t.schema, t.name):
                    if seq.owned_by == (t.name, n["subname"]):  # type: ignore[attr-defined]
                        b.update(seq, owned_by=(t.name, new))
                follow_column(b, t.schema, t.name, n["subname"], new)
            return
    elif kind in ("TABLE", "VIEW", "MATVIEW", "SEQUENCE", "INDEX", "FOREIGN_TABLE") and n.get("relation"):
        schema, old = b.rangevar(n["relation"])
        rel = b.relation(schema, old, missing_ok=bool(n.get("missing_ok")))
        if rel is None:
            return
        pairs = [(rel, dataclasses.replace(rel, name=new))]
        if not isinstance(rel, TableChild):  # an index has no children of its own
            pairs += [(c, dataclasses.replace(c, table=new)) for c in b.children_of(schema, old)]  # type: ignore[call-arg]
        owned = b.owned_sequences(schema, old)
        renamed = replace_objects(b, pairs)
        for seq in owned:
            b.update(b.objects[seq.key], owned_by=(new, seq.owned_by[1]))  # type: ignore[attr-defined]
        follow_relations(b, renamed)
        return
    elif kind in ("TYPE", "DOMAIN"):
        key = _type_key(b, n["object"])
        typ = b.objects.get(key) if key is not None else None
        if typ is not None and rename_type(b, typ, new):
            return
    elif kind in ("TRIGGER", "POLICY") and n.get("relation"):
        schema, table = b.rangevar(n["relation"])
        child = b.objects.get(ObjectKey(kind.lower(), schema, n["subname"], table))
        if child is not None:
            follow_relations(b, replace_objects(b, [(child, dataclasses.replace(child, name=new))]))
            return
    elif kind == "TABCONSTRAINT":
        schema, table = b.rangevar(n["relation"])
        for k in CONSTRAINT_KINDS:
            o = b.objects.get(ObjectKey(k, schema, n["subname"], table))
            if o is not None:
                b.remove(o.key)
                b.put(dataclasses.replace(o, name=new))
                return
    b.unsupported("RenameStmt", f"{kind} {new}", f"ALTER ... RENAME of a {kind.lower()}")


@handles("DropStmt")
def drop(n: Node, b: Builder) -> None:
    objtype = n["removeType"]
    for obj in n.get("objects", ()):
        if objtype == "OBJECT_EXTENSION" and const_value(obj) == "plpgsql":
            continue  # built in, not modelled (see create_extension)
        key = object_key(b, objtype, obj)
        if key is None or key not in b.objects:
            if n.get("missing_ok"):
                continue
            raise b.error(f"{objtype.removeprefix('OBJECT_').lower()} to drop does not exist")
        target = b.objects[key]
        gone = _drop_object(b, target)
        if objtype == "OBJECT_SCHEMA":  # what the schema holds goes with it (CASCADE, or nothing)
            for obj in [o for o in b.objects.values() if o.schema == key.name and o.key in b.objects]:
                gone |= _drop_object(b, obj)
        if n.get("behavior") == "DROP_CASCADE":
            _drop_dependents(b, gone)


def _drop_object(b: Builder, target: SchemaObject) -> set[ObjectKey]:
    """Remove `target` with what the server drops along with it; the keys removed."""
    if target.key not in b.objects:
        return set()
    b.remove(target.key)
    gone = {target.key}
    if not isinstance(target, TableChild):
        for child in b.children_of(target.schema, target.name):
            b.remove(child.key)
            gone.add(child.key)
        for seq in b.owned_sequences(target.schema, target.name):
            b.remove(seq.key)  # a serial's sequence goes with its table
            gone.add(seq.key)
    return gone


# what DROP ... CASCADE removes whole when it depends on a dropped object; a table loses only the
# column or default that does (not modelled: such scripts are rare, and a table never goes)
_CASCADE_KINDS = frozenset(
    {"view", "materialized_view", "index", "trigger", "rule", "policy", *CONSTRAINT_KINDS}
)


def _drop_dependents(b: Builder, gone: set[ObjectKey]) -> None:
    """DROP ... CASCADE: the views, keys, indexes, ... that depend on what went, transitively."""
    todo = set(gone)
    while todo:
        tables = {(k.schema, k.name) for k in todo if k.kind == Table.KIND}
        hit = [
            o
            for o in b.objects.values()
            if o.key.kind in _CASCADE_KINDS
            and (o.depends_on & todo or (isinstance(o, ForeignKey) and (o.ref_schema, o.ref_table) in tables))
        ]
        todo = set()
        for obj in hit:
            todo |= _drop_object(b, obj)


_MOVABLE = frozenset(
    {"OBJECT_TABLE", "OBJECT_VIEW", "OBJECT_MATVIEW", "OBJECT_SEQUENCE", "OBJECT_FOREIGN_TABLE"}
)


@handles("AlterObjectSchemaStmt")
def set_schema(n: Node, b: Builder) -> None:
    """ALTER TABLE/VIEW/SEQUENCE ... SET SCHEMA: the relation moves with its indexes, keys,
    triggers and owned sequences; what refers to it follows (it refers by OID, so the server's
    deparsed text names the new schema). Other kinds are compared by text."""
    if n["objectType"] not in _MOVABLE or not n.get("relation"):
        alter_definition(n, b)
        return
    schema, name = b.rangevar(n["relation"])
    rel = b.relation(schema, name, missing_ok=bool(n.get("missing_ok")))
    if rel is None:
        return
    target = n["newschema"]
    if target == rel.schema:
        return
    moving = [rel, *b.children_of(schema, name), *b.owned_sequences(schema, name)]
    pairs = [(obj, dataclasses.replace(obj, schema=target)) for obj in moving]
    follow_relations(b, replace_objects(b, pairs))


# ---- less common kinds: compared by canonical statement text ----------------------------------

_DEFINE_KINDS = {
    "OBJECT_OPERATOR": "OPERATOR",
    "OBJECT_COLLATION": "COLLATION",
    "OBJECT_TYPE": "TYPE",
    "OBJECT_TSPARSER": "TEXT SEARCH PARSER",
    "OBJECT_TSDICTIONARY": "TEXT SEARCH DICTIONARY",
    "OBJECT_TSTEMPLATE": "TEXT SEARCH TEMPLATE",
    "OBJECT_TSCONFIGURATION": "TEXT SEARCH CONFIGURATION",
}


def definition_identity(b: Builder, kind: str, node: Any) -> str | None:
    """Rendered identity of a Definition named by COMMENT/ALTER/DROP (`kind` without OBJECT_)."""
    if kind == "OPERATOR":
        o = node.get("ObjectWithArgs", node)
        parts = strings(o.get("objname"))
        args = [
            type_name(t.get("TypeName", t), b.type_schema) if t else "NONE" for t in o.get("objargs") or ()
        ]
        schema = parts[-2] if len(parts) > 1 else b.default_schema
        return f"{ident(schema)}.{parts[-1]}({', '.join(args)})"
    if kind == "CAST":
        items = node["List"]["items"]
        src, dst = (type_name(i["TypeName"], b.type_schema) for i in items[:2])
        return f"({src} AS {dst})"
    if kind in ("FDW", "FOREIGN_SERVER", "EVENT_TRIGGER", "ACCESS_METHOD", "LANGUAGE", "PUBLICATION"):
        return ident(str(const_value(node)))
    if kind in (
        "COLLATION",
        "TSPARSER",
        "TSDICTIONARY",
        "TSTEMPLATE",
        "TSCONFIGURATION",
        "STATISTIC_EXT",
        "CONVERSION",
    ):
        parts = strings(node["List"]["items"]) if "List" in node else [str(const_value(node))]
        schema = parts[-2] if len(parts) > 1 else b.default_schema
        return qualified(schema, parts[-1])
    return None


def _put_definition(
    b: Builder,
    kind: str,
    schema: str,
    name: str,
    identity: str,
    table: str = "",
    replace_ok: bool = False,
    depends_on: frozenset[ObjectKey] = frozenset(),
    sql: str | None = None,
) -> None:
    """Put a Definition compared by its normalised text: the statement's, or `sql` standing for it."""
    text = _normalise_statement(sql or b.sql)
    canonical = _qualify_text(b, text)
    if kind == "OPERATOR":
        # CREATE OPERATOR takes FUNCTION = or its older spelling PROCEDURE = (pg_dump writes FUNCTION)
        canonical = re.sub(r"(?i)\bprocedure\s*=", "function =", canonical)
    elif kind in ("FOREIGN DATA WRAPPER", "SERVER", "USER MAPPING"):
        # generic options are a set of names: compared in name order, as the catalog reads them
        canonical = _OPTIONS.sub(_sorted_options, canonical)
    obj = Definition(
        schema=schema,
        name=name,
        kind=kind,
        identity=identity,
        definition=Expr(canonical, b.sql),  # rendered as written
        table=table,
        pos=b.pos,
        depends_on=depends_on,
    )
    b.put(obj, replace_ok=replace_ok)


_OPTION = r"""(?:"(?:[^"]++|"")*+"|\w+) '(?:[^']++|'')*+'"""
_OPTIONS = re.compile(rf"\bOPTIONS \(({_OPTION}(?:, {_OPTION})*)\)")


def _sorted_options(m: re.Match[str]) -> str:
    items = re.findall(_OPTION, m.group(1))
    return f"OPTIONS ({', '.join(sorted(items))})"


def _qualify_text(b: Builder, text: str) -> str:
    # pg_dump qualifies names with the schema; hand-written DDL relies on search_path: drop the
    # default schema prefix so both spell the definition the same way
    schema = b.default_schema
    return re.sub(rf"\b{re.escape(ident(schema))}\.", "", text)


def definition(n: Node, b: Builder) -> None:
    """DefineStmt other than aggregates: operators, collations, base types, text search objects."""
    kind = _DEFINE_KINDS.get(n.get("kind", ""))
    if kind is None:
        b.unsupported("DefineStmt", n.get("kind", "?"), f"CREATE {n.get('kind', '?')}")
        return
    parts = strings(n.get("defnames"))
    schema = parts[-2] if len(parts) > 1 else b.default_schema
    if kind == "OPERATOR":
        args = {
            k: v
            for k, v in (
                (i["DefElem"]["defname"].lower(), i["DefElem"].get("arg")) for i in n.get("definition", ())
            )
        }
        lt = (
            type_name(
                args["leftarg"]["TypeName"]
                if args.get("leftarg") and "TypeName" in args["leftarg"]
                else args["leftarg"],
                b.type_schema,
            )
            if args.get("leftarg")
            else "NONE"
        )
        rt = (
            type_name(
                args["rightarg"]["TypeName"]
                if args.get("rightarg") and "TypeName" in args["rightarg"]
                else args["rightarg"],
                b.type_schema,
            )
            if args.get("rightarg")
            else "NONE"
        )
        ident_ = f"{ident(schema)}.{parts[-1]}({lt}, {rt})"
        _put_definition(b, kind, schema, f"{parts[-1]}({lt}, {rt})", ident_)
        return
    if kind == "TYPE" and not n.get("definition"):
        return  # a shell type (CREATE TYPE t;) is completed by its later full definition
    sql = _collation_copy(n, parts) if kind == "COLLATION" else None
    _put_definition(
        b, kind, schema, parts[-1], qualified(schema, parts[-1]), replace_ok=kind == "TYPE", sql=sql
    )


def _collation_copy(n: Node, parts: list[str]) -> str | None:
    """CREATE COLLATION c FROM a built-in collation, spelled as the provider and locale it copies
    (what the catalog keeps); None when the source is not one whose locale is known."""
    src = next((d["DefElem"] for d in n.get("definition", ()) if d["DefElem"]["defname"] == "from"), None)
    if src is None:
        return None
    names = strings(src["arg"]["List"]["items"]) if "List" in src["arg"] else [str(const_value(src["arg"]))]
    if len(names) == 2 and names[0] != "pg_catalog":
        return None
    name = names[-1]
    if name in ("C", "POSIX", "ucs_basic"):
        provider, locale = "libc", "C" if name == "ucs_basic" else name
    elif name.endswith("-x-icu"):
        provider, locale = "icu", name.removesuffix("-x-icu")
    else:
        return None
    target = ".".join(ident(p) for p in parts)
    return f"CREATE COLLATION {target} (provider = {provider}, locale = {literal(locale)})"


@handles("CreateCastStmt")
def create_cast(n: Node, b: Builder) -> None:
    src = type_name(n["sourcetype"], b.type_schema)
    dst = type_name(n["targettype"], b.type_schema)
    _put_definition(b, "CAST", "", f"{src} AS {dst}", f"({src} AS {dst})")


@handles("CreateFdwStmt")
def create_fdw(n: Node, b: Builder) -> None:
    _put_definition(b, "FOREIGN DATA WRAPPER", "", n["fdwname"], ident(n["fdwname"]))


@handles("CreateForeignServerStmt")
def create_server(n: Node, b: Builder) -> None:
    _put_definition(b, "SERVER", "", n["servername"], ident(n["servername"]))


@handles("CreateUserMappingStmt")
def create_user_mapping(n: Node, b: Builder) -> None:
    user = role_name(n["user"])
    _put_definition(
        b,
        "USER MAPPING",
        "",
        f"{user} SERVER {n['servername']}",
        f"FOR {ident(user)} SERVER {ident(n['servername'])}",
    )


@handles("CreateEventTrigStmt")
def create_event_trigger(n: Node, b: Builder) -> None:
    _put_definition(b, "EVENT TRIGGER", "", n["trigname"], ident(n["trigname"]))


@handles(
    "AlterEventTrigStmt",
    "AlterTSConfigurationStmt",
    "AlterStatsStmt",
    "AlterFdwStmt",
    "AlterForeignServerStmt",
    "AlterOperatorStmt",
    "AlterTSDictionaryStmt",
    "AlterExtensionStmt",
    "AlterExtensionContentsStmt",
    "AlterCollationStmt",
    "AlterTypeStmt",
    "AlterPublicationStmt",
    "AlterUserMappingStmt",
    "AlterObjectDependsStmt",
    "AlterFunctionStmt",
)
def alter_definition(n: Node, b: Builder) -> None:
    """An ALTER of a kind compared by text: appended to the object it alters when it is known."""
    name = {
        "AlterEventTrigStmt": ("EVENT_TRIGGER", n.get("trigname")),
        "AlterTSConfigurationStmt": ("TSCONFIGURATION", {"List": {"items": n.get("cfgname", [])}}),
        "AlterStatsStmt": ("STATISTIC_EXT", {"List": {"items": n.get("defnames", [])}}),
    }.get(next(iter(_stmt_name(b))))
    key = None
    if name is not None and name[1] is not None:
        node = name[1] if isinstance(name[1], dict) else {"String": {"sval": name[1]}}
        key = object_key(b, "OBJECT_" + name[0], node)
    target = b.objects.get(key) if key else None
    if isinstance(target, Definition):
        add = _normalise_statement(b.sql)
        d = target.definition
        b.update(target, definition=Expr(d.canonical + "; " + _qualify_text(b, add), d.text + ";\n" + b.sql))
        return
    b.unsupported(next(iter(_stmt_name(b))), _first(b), "this ALTER statement")


def _stmt_name(b: Builder) -> list[str]:
    from ddlcompare.dialects.postgres.parse import _parse_json

    return [next(iter(s["stmt"])) for s in _parse_json(b.sql).get("stmts", ())]


def _first(b: Builder) -> str:
    return " ".join(b.sql.split()[:4])


@handles("CreateStatsStmt")
def create_statistics(n: Node, b: Builder) -> None:
    parts = strings(n.get("defnames"))
    if not parts:
        b.unsupported("CreateStatsStmt", "unnamed", "CREATE STATISTICS without a name")
        return
    schema = parts[-2] if len(parts) > 1 else b.default_schema
    _put_definition(b, "STATISTICS", schema, parts[-1], qualified(schema, parts[-1]))


@handles("CreateAmStmt")
def create_access_method(n: Node, b: Builder) -> None:
    _put_definition(b, "ACCESS METHOD", "", n["amname"], ident(n["amname"]))


@handles("CreatePLangStmt")
def create_language(n: Node, b: Builder) -> None:
    if n["plname"] in ("plpgsql", "sql", "c", "internal"):
        return  # built in
    _put_definition(b, "LANGUAGE", "", n["plname"], ident(n["plname"]), replace_ok=bool(n.get("replace")))


@handles("CreatePublicationStmt")
def create_publication(n: Node, b: Builder) -> None:
    _put_definition(b, "PUBLICATION", "", n["pubname"], ident(n["pubname"]))


@handles("CreateConversionStmt")
def create_conversion(n: Node, b: Builder) -> None:
    parts = strings(n.get("conversion_name"))
    schema = parts[-2] if len(parts) > 1 else b.default_schema
    _put_definition(b, "CONVERSION", schema, parts[-1], qualified(schema, parts[-1]))


@handles(
    "CreateOpClassStmt",
    "CreateOpFamilyStmt",
    "AlterOpFamilyStmt",
    "CreateTransformStmt",
    "CreateSubscriptionStmt",
    "ImportForeignSchemaStmt",
    "SecLabelStmt",
    "CreateConversionStmt_",
)
def rare(n: Node, b: Builder) -> None:
    kind = next(iter(_stmt_name(b)))
    b.unsupported(kind, _first(b), f"statement {kind}")


@handles("RuleStmt")
def create_rule(n: Node, b: Builder) -> None:
    from ddlcompare.dialects.postgres.handlers.tables import _walk_deps

    schema, table = b.rangevar(n["relation"])
    rel = b.relation(schema, table)
    assert rel is not None
    name = n["rulename"]
    deps = {rel.key} | _walk_deps(b, n.get("actions")) | _walk_deps(b, n.get("whereClause"))
    _put_definition(
        b,
        "RULE",
        schema,
        name,
        f"{ident(name)} ON {qualified(schema, table)}",
        table=table,
        replace_ok=bool(n.get("replace")),
        depends_on=dependencies(deps),
    )


__all__ = ["object_key"]
