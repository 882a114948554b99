"""PostgreSQL: changes -> SQL statements (forward; the planner renders the reverse for rollback)."""

from __future__ import annotations

import collections
import dataclasses
import re
from collections.abc import Sequence
from functools import singledispatch
from typing import Any, TypeVar

from ddlcompare.dialects.postgres.names import (
    choose_name,
    generated_index_name,
    ident,
    literal,
    make_object_name,
    qualified,
    truncate,
)
from ddlcompare.dialects.postgres.objects import (
    AccessMethod,
    Aggregate,
    Attribute,
    Clustered,
    ColumnComments,
    CompositeType,
    ConstraintTrigger,
    Definition,
    Domain,
    Enum,
    Exclude,
    Extension,
    ForeignTable,
    Identity,
    IndexComment,
    Inherits,
    MaterializedView,
    Namespace,
    OfType,
    PartitionBy,
    PartitionIndexNames,
    PartitionOf,
    Policy,
    RangeType,
    Referencing,
    ReplicaIdentity,
    RowSecurity,
    Storage,
    StorageParams,
    TriggerState,
    Unlogged,
    ViewDefaults,
    ViewOptions,
    index_shape,
    partition_naming,
)
from ddlcompare.dialects.postgres.types import default_storage
from ddlcompare.dialects.postgres.usage import columns_used
from ddlcompare.diff.changes import Alter, Change, Create, Drop, Rename
from ddlcompare.model.base import (
    Element,
    Expr,
    Grant,
    ObjectKey,
    Schema,
    SchemaObject,
    evolve,
    replace_option,
)
from ddlcompare.model.objects import (
    Check,
    Column,
    Constraint,
    ForeignKey,
    Index,
    IndexPart,
    Opaque,
    PrimaryKey,
    Procedure,
    Routine,
    Table,
    Trigger,
    Unique,
    View,
)
from ddlcompare.model.objects import (
    Sequence as Seq,
)
from ddlcompare.plan.plan import RenderContext, Statement

St = Statement


def _q(obj: SchemaObject) -> str:
    return qualified(obj.schema, obj.name)


def _rel(schema: str, table: str) -> str:
    return qualified(schema, table)


# ---- identities (for DROP, COMMENT ON, ALTER ... OWNER TO) ------------------------------------


def identity(obj: SchemaObject) -> tuple[str, str]:
    """(SQL object kind, rendered name) as COMMENT ON / DROP / OWNER TO spell them."""
    if isinstance(obj, Namespace):
        return "SCHEMA", ident(obj.name)
    if isinstance(obj, Extension):
        return "EXTENSION", ident(obj.name)
    if isinstance(obj, Table):
        return ("FOREIGN TABLE" if obj.option(ForeignTable) else "TABLE"), _q(obj)
    if isinstance(obj, MaterializedView):
        return "MATERIALIZED VIEW", _q(obj)
    if isinstance(obj, View):
        return "VIEW", _q(obj)
    if isinstance(obj, Seq):
        return "SEQUENCE", _q(obj)
    if isinstance(obj, Index):
        return "INDEX", _q(obj)
    if isinstance(obj, (Enum, CompositeType, RangeType)):
        return "TYPE", _q(obj)
    if isinstance(obj, Domain):
        return "DOMAIN", _q(obj)
    if isinstance(obj, Routine):
        kind = "PROCEDURE" if isinstance(obj, Procedure) else "FUNCTION"
        return kind, f"{qualified(obj.schema, obj.base_name)}{obj.name[len(obj.base_name) :]}"
    if isinstance(obj, Aggregate):
        return "AGGREGATE", f"{qualified(obj.schema, obj.base_name)}({obj.arguments})"
    if isinstance(obj, (Constraint, Exclude)):
        return "CONSTRAINT", f"{ident(obj.name)} ON {_rel(obj.schema, obj.table)}"
    if isinstance(obj, Trigger):
        return "TRIGGER", f"{ident(obj.name)} ON {_rel(obj.schema, obj.table)}"
    if isinstance(obj, Policy):
        return "POLICY", f"{ident(obj.name)} ON {_rel(obj.schema, obj.table)}"
    if isinstance(obj, Definition):
        return obj.kind, obj.identity
    return obj.KIND.upper(), _q(obj)


def _comment(obj: SchemaObject, text: str | None) -> St:
    kind, name = identity(obj)
    if isinstance(obj, Namespace) and obj.name == "public" and text is None:
        text = PUBLIC_COMMENT  # the comment every database's public schema is created with
    return St(f"COMMENT ON {kind} {name} IS {literal(text) if text is not None else 'NULL'};")


PUBLIC_COMMENT = "standard public schema"


def _owner(obj: SchemaObject) -> list[St]:
    if obj.owner is None or isinstance(obj, (Constraint, Exclude, Trigger, Policy, Index)):
        return []
    kind, name = identity(obj)
    return [St(f"ALTER {kind} {name} OWNER TO {ident(obj.owner)};")]


def _grant_target(obj: SchemaObject) -> str:
    kind, name = identity(obj)
    if kind in ("VIEW", "MATERIALIZED VIEW", "FOREIGN TABLE"):
        kind = "TABLE"
    return f"{kind} {name}"


def _grant_sql(obj: SchemaObject, g: Grant, grant: bool) -> St:
    cols = f" ({', '.join(ident(c) for c in g.columns)})" if g.columns else ""
    who = "PUBLIC" if g.grantee == "public" else ident(g.grantee)
    if grant:
        opt = " WITH GRANT OPTION" if g.grantable else ""
        return St(f"GRANT {g.privilege}{cols} ON {_grant_target(obj)} TO {who}{opt};")
    return St(f"REVOKE {g.privilege}{cols} ON {_grant_target(obj)} FROM {who};")


def _default_grants(obj: SchemaObject) -> set[Grant]:
    """Privileges PostgreSQL grants to PUBLIC when an object is created."""
    if isinstance(obj, (Routine, Aggregate)):
        return {Grant("public", "EXECUTE")}
    if isinstance(obj, (Enum, Domain, CompositeType, RangeType)):
        return {Grant("public", "USAGE")}
    return set()


def _grants(old: SchemaObject | None, new: SchemaObject) -> list[St]:
    before = set(old.grants) if old is not None else _default_grants(new)
    after = set(new.grants)
    if old is None and not new.grants:
        return []  # grants were not read (no --privileges): nothing to say
    out = [_grant_sql(new, g, False) for g in sorted(before - after, key=str)]
    out += [_grant_sql(new, g, True) for g in sorted(after - before, key=str)]
    return out


def _extras(obj: SchemaObject) -> list[St]:
    """Comment, owner and grants of a newly created object."""
    out = [_comment(obj, obj.comment)] if obj.comment is not None else []
    return out + _owner(obj) + _grants(None, obj)


# ---- expressions and clauses ------------------------------------------------------------------


def _e(x: Expr) -> str:
    return x.text or x.canonical


def _paren(x: Expr) -> str:
    t = _e(x)
    return t if t.startswith("(") and _balanced(t[1:-1]) and t.endswith(")") else f"({t})"


def _balanced(s: str) -> bool:
    depth = 0
    for ch in s:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def _cols(cols: Sequence[str]) -> str:
    return ", ".join(ident(c) for c in cols)


def _params(p: StorageParams | ViewOptions | None) -> str:
    if p is None or not p.params:
        return ""
    return " WITH (" + ", ".join(_param(x) for x in p.params) + ")"


def _param(p: str) -> str:
    k, _, v = p.partition("=")
    if re.fullmatch(r"-?\d+(\.\d+)?|true|false|on|off", v):
        return f"{k}={v}"
    return f"{k}={literal(v)}"


def dollar_quote(body: str) -> str:
    """Dollar-quote a function body with a tag the body does not contain."""
    for tag in ("$$", "$_$", "$body$", "$fn$"):
        if tag not in body:
            return f"{tag}{body}{tag}"
    i = 0
    while f"$q{i}$" in body:
        i += 1
    return f"$q{i}${body}$q{i}$"


def column_def(col: Column, options: str = "") -> str:
    """Column definition as in CREATE TABLE / ADD COLUMN; `options` (a foreign table column's
    ` OPTIONS (...)`) right after the type, where the grammar takes them (before COLLATE,
    DEFAULT and NOT NULL)."""
    s = f"{ident(col.name)} {col.type}{options}"
    if col.collation:
        s += f" COLLATE {col.collation}"
    if col.generated is not None:
        s += f" GENERATED ALWAYS AS ({_e(col.generated)}) {'STORED' if col.generated_stored else 'VIRTUAL'}"
    ident_opt = col.option(Identity)
    if ident_opt is not None:
        s += f" GENERATED {'ALWAYS' if ident_opt.always else 'BY DEFAULT'} AS IDENTITY"
        if ident_opt.sequence:
            s += " (" + " ".join(_seq_clause(k, v) for k, v in ident_opt.sequence) + ")"
    if col.default is not None and col.generated is None:
        s += f" DEFAULT {_e(col.default)}"
    if not col.nullable and ident_opt is None:
        s += " NOT NULL"
    return s


def _seq_clause(k: str, v: str) -> str:
    if v == "None" and k in ("min_value", "max_value"):
        return "NO MINVALUE" if k == "min_value" else "NO MAXVALUE"
    return {
        "start": f"START WITH {v}",
        "increment": f"INCREMENT BY {v}",
        "min_value": f"MINVALUE {v}",
        "max_value": f"MAXVALUE {v}",
        "cache": f"CACHE {v}",
        "cycle": "CYCLE" if v == "True" else "NO CYCLE",
    }[k]


def _index_part(p: IndexPart) -> str:
    s = ident(p.column) if p.column is not None else (_paren(p.expr) if p.expr else "")
    if p.collation:
        s += f" COLLATE {p.collation}"
    if p.opclass:
        s += f" {p.opclass}"
    if p.descending:
        s += " DESC"
    if p.nulls_first is not None:
        s += " NULLS FIRST" if p.nulls_first else " NULLS LAST"
    return s


def _deferrable(c: Constraint | Exclude) -> str:
    if not c.deferrable:
        return ""
    return " DEFERRABLE INITIALLY DEFERRED" if c.initially_deferred else " DEFERRABLE"


def constraint_def(c: SchemaObject) -> str:
    """The constraint clause after ADD CONSTRAINT name."""
    if isinstance(c, PrimaryKey):
        inc = f" INCLUDE ({_cols(c.include)})" if c.include else ""
        return f"PRIMARY KEY ({_cols(c.columns)}){inc}{_params(c.option(StorageParams))}{_deferrable(c)}"
    if isinstance(c, Unique):
        nnd = " NULLS NOT DISTINCT" if c.nulls_not_distinct else ""
        inc = f" INCLUDE ({_cols(c.include)})" if c.include else ""
        return f"UNIQUE{nnd} ({_cols(c.columns)}){inc}{_params(c.option(StorageParams))}{_deferrable(c)}"
    if isinstance(c, Check):
        s = f"CHECK {_paren(c.expr)}"
        if c.no_inherit:
            s += " NO INHERIT"
        if not c.valid:
            s += " NOT VALID"
        return s
    if isinstance(c, ForeignKey):
        s = f"FOREIGN KEY ({_cols(c.columns)}) REFERENCES {_rel(c.ref_schema, c.ref_table)}"
        if c.ref_columns:
            s += f" ({_cols(c.ref_columns)})"
        if c.match != "SIMPLE":
            s += f" MATCH {c.match}"
        if c.on_update != "NO ACTION":
            s += f" ON UPDATE {c.on_update}"
        if c.on_delete != "NO ACTION":
            s += f" ON DELETE {c.on_delete}"
        s += _deferrable(c)
        if not c.valid:
            s += " NOT VALID"
        return s
    if isinstance(c, Exclude):
        elems = ", ".join(f"{e} WITH {op}" for e, op in _exclude_elements(c))
        s = f"EXCLUDE USING {c.method} ({elems})"
        if c.include:
            s += f" INCLUDE ({_cols(c.include)})"
        s += _params(c.option(StorageParams))
        if c.where is not None:
            s += f" WHERE {_paren(c.where)}"
        return s + _deferrable(c)
    raise TypeError(type(c))


def _exclude_elements(c: Exclude) -> list[tuple[str, str]]:
    return list(c.elements)


# ---- create -----------------------------------------------------------------------------------


@singledispatch
def create(obj: Element, ctx: RenderContext) -> list[St]:
    raise NotImplementedError(f"create {type(obj).__name__}")


@create.register
def _(obj: Namespace, ctx: RenderContext) -> list[St]:
    return [St(f"CREATE SCHEMA IF NOT EXISTS {ident(obj.name)};"), *_extras(obj)]


@create.register
def _(obj: Extension, ctx: RenderContext) -> list[St]:
    schema = f" WITH SCHEMA {ident(obj.in_schema)}" if obj.in_schema else ""
    return [St(f"CREATE EXTENSION IF NOT EXISTS {ident(obj.name)}{schema};"), *_extras(obj)]


@create.register
def _(obj: Enum, ctx: RenderContext) -> list[St]:
    labels = ", ".join(literal(v) for v in obj.labels)
    return [St(f"CREATE TYPE {_q(obj)} AS ENUM ({labels});"), *_extras(obj)]


@create.register
def _(obj: Domain, ctx: RenderContext) -> list[St]:
    s = f"CREATE DOMAIN {_q(obj)} AS {obj.base_type}"
    if obj.collation:
        s += f" COLLATE {obj.collation}"
    if obj.default is not None:
        s += f" DEFAULT {_e(obj.default)}"
    if obj.not_null:
        s += " NOT NULL"
    for c in obj.checks:
        s += f" CONSTRAINT {ident(c.name)} CHECK {_paren(c.expr)}"
    out = [St(s + ";")]
    for c in obj.checks:
        if not c.valid:
            out.append(St(f"-- constraint {c.name} is NOT VALID on the source side"))
        if c.comment is not None:
            out.append(
                St(f"COMMENT ON CONSTRAINT {ident(c.name)} ON DOMAIN {_q(obj)} IS {literal(c.comment)};")
            )
    return out + _extras(obj)


@create.register
def _(obj: CompositeType, ctx: RenderContext) -> list[St]:
    attrs = ", ".join(
        f"{ident(a.name)} {a.type}" + (f" COLLATE {a.collation}" if a.collation else "")
        for a in obj.attributes
    )
    out = [St(f"CREATE TYPE {_q(obj)} AS ({attrs});")]
    out += [_attribute_comment(obj, a.name, a.comment) for a in obj.attributes if a.comment is not None]
    return out + _extras(obj)


def _attribute_comment(obj: CompositeType, name: str, text: str | None) -> St:
    value = literal(text) if text is not None else "NULL"
    return St(f"COMMENT ON COLUMN {_q(obj)}.{ident(name)} IS {value};")


def _attributes_in_place(old: CompositeType, new: CompositeType) -> bool:
    """ALTER TYPE can drop attributes and append new ones: can it reach `new`'s attribute order?"""
    names = {a.name for a in new.attributes}
    kept = [a.name for a in old.attributes if a.name in names]
    added = [a.name for a in new.attributes if a.name not in kept]
    return kept + added == [a.name for a in new.attributes]


@create.register
def _(obj: RangeType, ctx: RenderContext) -> list[St]:
    params = ", ".join([f"subtype = {obj.subtype}", *(f"{k} = {v}" for k, v in obj.params)])
    return [St(f"CREATE TYPE {_q(obj)} AS RANGE ({params});"), *_extras(obj)]


def _sequence_body(obj: Seq) -> str:
    cycle = " CYCLE" if obj.cycle else ""
    return (
        f" AS {obj.data_type} START WITH {obj.start} INCREMENT BY {obj.increment}"
        f" MINVALUE {obj.min_value} MAXVALUE {obj.max_value} CACHE {obj.cache}{cycle}"
    )


@create.register
def _(obj: Seq, ctx: RenderContext) -> list[St]:
    out = [St(f"CREATE SEQUENCE {_q(obj)}{_sequence_body(obj)};"), *_extras(obj)]
    if obj.owned_by:
        t, c = obj.owned_by
        out.append(St(f"ALTER SEQUENCE {_q(obj)} OWNED BY {_rel(obj.schema, t)}.{ident(c)};", late=True))
    return out


@create.register
def _(obj: Table, ctx: RenderContext) -> list[St]:
    part = obj.option(PartitionOf)
    unlogged = "UNLOGGED " if obj.option(Unlogged) else ""
    after: list[St] = []
    # a foreign partition is a FOREIGN TABLE: CREATE TABLE ... PARTITION OF ... SERVER is a syntax error
    kind = "FOREIGN TABLE" if obj.option(ForeignTable) else f"{unlogged}TABLE"
    if part is not None:
        parent = ctx.new.get(_table_key(*part.parent))
        s = f"CREATE {kind} {_q(obj)} PARTITION OF {_rel(*part.parent)} {_e(part.bound)}"
        if isinstance(parent, Table):
            for col in obj.columns:
                pc = parent.column(col.name)
                if pc is not None and pc.default != col.default:
                    after += _set_default(obj, col)
                if pc is not None and not col.nullable and pc.nullable:
                    after.append(St(f"ALTER TABLE {_q(obj)} ALTER COLUMN {ident(col.name)} SET NOT NULL;"))
    elif (of := obj.option(OfType)) is not None:
        # the columns are the type's attributes; defaults and NOT NULL are added afterwards
        s = f"CREATE {unlogged}TABLE {_q(obj)} OF {of.type}"
        for c in obj.columns:
            if c.default is not None:
                after += _set_default(obj, c)
            if not c.nullable:
                after.append(St(f"ALTER TABLE {_q(obj)} ALTER COLUMN {ident(c.name)} SET NOT NULL;"))
    else:
        inh = obj.option(Inherits)
        parents = {c.name for p in (inh.parents if inh else ()) for c in _columns_of(ctx.new, p)}
        cols = [column_def(c, _fdw_column_options(c)) for c in obj.columns if c.name not in parents]
        body = ",\n    ".join(cols)
        s = f"CREATE {kind} {_q(obj)} (\n    {body}\n)" if cols else f"CREATE {kind} {_q(obj)} ()"
        if inh:
            s += f" INHERITS ({', '.join(_rel(*p) for p in inh.parents)})"
            for c in obj.columns:
                if c.name in parents:
                    inherited = next(
                        (x for p in inh.parents for x in _columns_of(ctx.new, p) if x.name == c.name), None
                    )
                    if inherited is not None and inherited.default != c.default:
                        after += _set_default(obj, c)
                    if inherited is not None and inherited.nullable and not c.nullable:
                        after.append(St(f"ALTER TABLE {_q(obj)} ALTER COLUMN {ident(c.name)} SET NOT NULL;"))
                    # an inherited column's OPTIONS of a foreign table: not in the definition above
                    if options := _fdw_column_options(c):
                        alter = f"ALTER FOREIGN TABLE {_q(obj)} ALTER COLUMN {ident(c.name)}"
                        after.append(St(f"{alter}{options};"))
    pb = obj.option(PartitionBy)
    if pb is not None:
        s += f" PARTITION BY {pb.strategy} ({_e(pb.key)})"
    am = obj.option(AccessMethod)
    if am is not None:
        s += f" USING {ident(am.method)}"
    s += _params(obj.option(StorageParams))
    ft = obj.option(ForeignTable)
    if ft is not None:
        s += f" SERVER {ident(ft.server)}" + _fdw_options(ft.params)
    out = [St(s + ";"), *after]
    out += _table_options(obj, None)
    for c in obj.columns:
        st = c.option(Storage)
        if st is not None:  # a foreign column's OPTIONS are part of its definition above
            out += _storage(obj, c, dataclasses.replace(st, fdw_options=()))
        if c.comment is not None:
            out.append(St(f"COMMENT ON COLUMN {_q(obj)}.{ident(c.name)} IS {literal(c.comment)};"))
    # a table created again (a rebuild) takes back the sequences it owned, which its drop released:
    # the sequences' own steps say nothing when their OWNED BY did not change
    for seq in _owned_sequences(ctx.new, obj):
        before = ctx.old.get(seq.key)
        if isinstance(before, Seq) and before.owned_by == seq.owned_by:
            out.append(St(f"ALTER SEQUENCE {_q(seq)} OWNED BY {_owner_column(seq)};", late=True))
    return out + _extras(obj)


def _owned_sequences(schema: Schema, table: Table) -> list[Seq]:
    """The sequences of `schema` OWNED BY a column of `table` (indexed once per schema)."""
    index: dict[tuple[str, str], list[Seq]] | None = schema._cache.get(_OWNED_INDEX)
    if index is None:
        index = schema._cache[_OWNED_INDEX] = {}
        for seq in schema.of_kind(Seq):
            if seq.owned_by is not None:
                index.setdefault((seq.schema, seq.owned_by[0]), []).append(seq)
    return index.get((table.schema, table.name), [])


_OWNED_INDEX = ("postgres", "owned sequences")


def _owner_column(seq: Seq) -> str:
    assert seq.owned_by is not None
    return f"{_rel(seq.schema, seq.owned_by[0])}.{ident(seq.owned_by[1])}"


def _fdw_options(params: Sequence[str]) -> str:
    """OPTIONS (name 'value', ...) of a foreign table, server or column."""
    if not params:
        return ""
    items = []
    for p in params:
        k, _, v = p.partition("=")
        items.append(f"{ident(k)} {literal(v)}")
    return f" OPTIONS ({', '.join(items)})"


def _fdw_column_options(c: Column) -> str:
    st = c.option(Storage)
    return _fdw_options(st.fdw_options) if st is not None else ""


def _fdw_alter(old: Sequence[str], new: Sequence[str]) -> str:
    """ALTER ... OPTIONS (ADD a 'x', SET b 'y', DROP c) turning `old` into `new`, or ""."""
    a = dict(p.partition("=")[::2] for p in old)
    b = dict(p.partition("=")[::2] for p in new)
    items = [f"DROP {ident(k)}" for k in sorted(a.keys() - b.keys())]
    for k in sorted(b):
        if k not in a:
            items.append(f"ADD {ident(k)} {literal(b[k])}")
        elif a[k] != b[k]:
            items.append(f"SET {ident(k)} {literal(b[k])}")
    return f" OPTIONS ({', '.join(items)})" if items else ""


def _table_key(schema: str, name: str) -> Any:
    from ddlcompare.model.base import ObjectKey

    return ObjectKey("table", schema, name)


def _columns_of(schema: Schema, rel: tuple[str, str]) -> tuple[Column, ...]:
    t = schema.get(_table_key(*rel))
    return t.columns if isinstance(t, Table) else ()


def _set_default(t: Table, c: Column) -> list[St]:
    if c.default is None:
        return [St(f"ALTER TABLE {_q(t)} ALTER COLUMN {ident(c.name)} DROP DEFAULT;")]
    return [St(f"ALTER TABLE {_q(t)} ALTER COLUMN {ident(c.name)} SET DEFAULT {_e(c.default)};")]


def _storage(t: Table, c: Column, st: Storage, old: Storage | None = None) -> list[St]:
    old = old or Storage()
    base = f"ALTER TABLE {_q(t)} ALTER COLUMN {ident(c.name)}"
    out = []
    if st.storage != old.storage:
        # back to the type's own storage (PostgreSQL 15 has no SET STORAGE DEFAULT)
        out.append(St(f"{base} SET STORAGE {st.storage or default_storage(c.type) or 'EXTENDED'};"))
    if st.compression != old.compression:
        out.append(St(f"{base} SET COMPRESSION {st.compression or 'DEFAULT'};"))
    if st.statistics != old.statistics:
        out.append(St(f"{base} SET STATISTICS {st.statistics if st.statistics is not None else -1};"))
    if st.fdw_options != old.fdw_options:
        out.append(
            St(
                f"ALTER FOREIGN TABLE {_q(t)} ALTER COLUMN {ident(c.name)}"
                f"{_fdw_alter(old.fdw_options, st.fdw_options)};"
            )
        )
    if st.attoptions != old.attoptions:
        if old.attoptions:
            names = ", ".join(o.split("=")[0] for o in old.attoptions)
            out.append(St(f"{base} RESET ({names});"))
        if st.attoptions:
            out.append(St(f"{base} SET ({', '.join(_param(o) for o in st.attoptions)});"))
    return out


def _table_options(t: Table, old: Table | None) -> list[St]:
    """RLS and replica identity (as ALTER TABLE), compared with `old` when there is one."""
    out = []
    rls, prev = (
        t.option(RowSecurity) or RowSecurity(),
        (old.option(RowSecurity) if old else None) or RowSecurity(),
    )
    if rls.enabled != prev.enabled:
        out.append(St(f"ALTER TABLE {_q(t)} {'ENABLE' if rls.enabled else 'DISABLE'} ROW LEVEL SECURITY;"))
    if rls.forced != prev.forced:
        out.append(St(f"ALTER TABLE {_q(t)} {'FORCE' if rls.forced else 'NO FORCE'} ROW LEVEL SECURITY;"))
    ri = t.option(ReplicaIdentity)
    pri = old.option(ReplicaIdentity) if old else None
    if ri != pri:
        out.append(St(f"ALTER TABLE {_q(t)} REPLICA IDENTITY {ri.identity if ri else 'DEFAULT'};"))
    return out


def _constraint_create(obj: SchemaObject, ctx: RenderContext | None = None) -> list[St]:
    """ADD CONSTRAINT; under --online on a table with rows (`ctx` given), see `_online_constraint`."""
    assert isinstance(obj, (Constraint, Exclude))
    if ctx is not None and _left_by_detach(obj, ctx):
        return []
    out = _online_constraint(obj, ctx) if ctx is not None and ctx.options.online else None
    if out is None:
        out = [
            St(
                f"ALTER TABLE {_rel(obj.schema, obj.table)} ADD CONSTRAINT {ident(obj.name)} "
                f"{constraint_def(obj)};"
            )
        ]
    if ctx is not None and isinstance(obj, (PrimaryKey, Unique)):
        out = [*_own_partition_keys(obj, ctx), *(_leaf_keys_concurrently(obj, ctx) or ()), *out]
    if ctx is not None and isinstance(obj, ForeignKey):
        # a partition's equivalent key of its own would be adopted: it steps aside meanwhile (and
        # comes back, under --online, NOT VALID then validated: a leaf partition accepts that)
        apart = _partition_fks_like(obj, ctx.new)
        out = [*(_dropped_aside(o) for o in apart), *out]
        for o in apart:
            out += _constraint_create(o, ctx)
    if obj.comment is not None:
        out.append(_comment(obj, obj.comment))
    return out + _index_comment(obj, None)


def _index_comment(new: SchemaObject, old: SchemaObject | None) -> list[St]:
    """COMMENT ON INDEX of the index backing a key or exclusion constraint, when it changes."""
    a = old.option(IndexComment) if old is not None else None
    b = new.option(IndexComment)
    if a == b:
        return []
    text = literal(b.text) if b is not None else "NULL"
    return [St(f"COMMENT ON INDEX {_rel(new.schema, new.name)} IS {text};")]


def _dropped_aside(fk: ForeignKey) -> St:
    return St(f"ALTER TABLE {_rel(fk.schema, fk.table)} DROP CONSTRAINT IF EXISTS {ident(fk.name)};")


def _fk_shape(fk: ForeignKey) -> tuple[Any, ...]:
    """What PostgreSQL compares before it attaches a partition's foreign key to its parent's."""
    return (
        fk.columns,
        fk.ref_schema,
        fk.ref_table,
        fk.ref_columns,
        fk.on_delete,
        fk.on_update,
        fk.match,
        fk.deferrable,
        fk.initially_deferred,
    )


def _partition_fks_like(fk: ForeignKey, side: Schema) -> list[ForeignKey]:
    """The foreign keys of their own that partitions (any level) of `fk`'s table have with its
    definition: adding `fk` would make them its copies."""
    table = _table_of(fk, side)
    if table is None or table.option(PartitionBy) is None:
        return []
    below = {(table.schema, table.name)}
    grew = True
    while grew:  # the partitions below, level by level
        grew = False
        for t in side.of_kind(Table):
            po = t.option(PartitionOf)
            if po is not None and po.parent in below and (t.schema, t.name) not in below:
                below.add((t.schema, t.name))
                grew = True
    below.discard((table.schema, table.name))
    children = side.children()
    return [
        o
        for key in sorted(below)
        for o in children.get(key, ())
        if isinstance(o, ForeignKey) and o.valid and _fk_shape(o) == _fk_shape(fk)
    ]


for _cls in (PrimaryKey, Unique, Check, ForeignKey, Exclude):
    create.register(_cls, _constraint_create)


def _online_constraint(obj: Constraint | Exclude, ctx: RenderContext) -> list[St] | None:
    """A constraint added without holding a strong lock through a scan or an index build, or None
    where PostgreSQL offers no such way (an EXCLUDE, a key of a partitioned table, a table this
    plan creates): a UNIQUE or PRIMARY KEY takes over a unique index built CONCURRENTLY (ADD
    CONSTRAINT ... USING INDEX: a brief ACCESS EXCLUSIVE, no scan); a CHECK or FOREIGN KEY is added
    NOT VALID (brief lock) and validated in a transaction of its own (SHARE UPDATE EXCLUSIVE:
    reads and writes go on)."""
    t = _rel(obj.schema, obj.table)
    table = _kept_relation(ctx, obj.schema, obj.table, kinds=(Table.KIND,))
    after = ctx.new.get(ObjectKey(Table.KIND, obj.schema, obj.table))
    partitioned = any(x is not None and x.option(PartitionBy) is not None for x in (table, after))
    if isinstance(obj, (PrimaryKey, Unique)) and table is not None and not partitioned:
        index = Index(
            schema=obj.schema,
            table=obj.table,
            name=obj.name,
            parts=tuple(IndexPart(column=c) for c in obj.columns),
            unique=True,
            include=obj.include,
            nulls_not_distinct=isinstance(obj, Unique) and obj.nulls_not_distinct,
            options=tuple(o for o in obj.options if isinstance(o, StorageParams)),
        )
        kind = "PRIMARY KEY" if isinstance(obj, PrimaryKey) else "UNIQUE"
        using = f"ADD CONSTRAINT {ident(obj.name)} {kind} USING INDEX {ident(obj.name)}{_deferrable(obj)}"
        return [*_build_concurrently(index, obj.name), St(f"ALTER TABLE {t} {using};")]
    if not isinstance(obj, (Check, ForeignKey)) or not obj.valid:
        return None
    if isinstance(obj, ForeignKey):
        # the referenced table is locked too (SHARE ROW EXCLUSIVE) while a valid key is checked;
        # a partitioned table cannot take a NOT VALID foreign key before PostgreSQL 18
        ref = _kept_relation(ctx, obj.ref_schema, obj.ref_table, kinds=(Table.KIND,))
        if (table is None and ref is None) or partitioned:
            return None
    elif table is None:
        return None
    return [
        St(f"ALTER TABLE {t} ADD CONSTRAINT {ident(obj.name)} {constraint_def(evolve(obj, valid=False))};"),
        St(f"ALTER TABLE {t} VALIDATE CONSTRAINT {ident(obj.name)};", alone=True),
    ]


def _kept_relation(
    ctx: RenderContext, schema: str, name: str, kinds: tuple[str, ...] = ("table", "materialized_view")
) -> SchemaObject | None:
    """The relation `schema.name` when it exists before the migration and keeps its rows (neither
    created, dropped nor re-created by the plan): what an online statement must not block."""
    for kind in kinds:
        key = ObjectKey(kind, schema, name)
        rel = ctx.old.get(key)
        if rel is not None and key in ctx.new.objects and key not in ctx.recreated:
            return rel
    return None


def _concurrently(obj: Index, ctx: RenderContext, side: Schema) -> bool:
    """Whether the index is built or dropped CONCURRENTLY: under --online, or as `side`'s source
    declares it, on a relation that has rows before the migration. Never on a partitioned table:
    PostgreSQL cannot build or drop its indexes concurrently."""
    rel = _kept_relation(ctx, obj.schema, obj.table)
    if rel is None or rel.option(PartitionBy) is not None:
        return False
    return ctx.options.online or obj.key in side.concurrent


def _swapped(obj: Index, ctx: RenderContext) -> bool:
    """An index whose definition changes, under --online: the new one is built under a temporary
    name before the old one goes (`_index_swap`), so that queries always have one. Not where a
    column of its table goes or changes type or collation, nor where it uses a function rebuilt
    by the plan: the old index may use it, and must go in its own step before that change."""
    if not (ctx.options.online and obj.key in ctx.recreated):
        return False
    was = ctx.old.get(obj.key)
    if was is not None and any(d in ctx.recreated and d.kind != Table.KIND for d in was.depends_on):
        return False  # it uses a function the plan drops and creates again: it goes before that
    before = ctx.old.get(ObjectKey(Table.KIND, obj.schema, obj.table))
    after = ctx.new.get(ObjectKey(Table.KIND, obj.schema, obj.table))
    if not isinstance(before, Table) or not isinstance(after, Table):
        return before is None and after is None  # a materialized view's index (its view is kept)
    for col in before.columns:
        now = after.column(col.name)
        if now is None or (now.type, now.collation) != (col.type, col.collation):
            return False
    return True


def _index_sql(obj: Index, name: str | None = None, *, concurrently: bool = False, only: bool = False) -> str:
    """CREATE INDEX (CONCURRENTLY IF NOT EXISTS, under another name when given; ON ONLY: of a
    partitioned table, without the indexes of its partitions)."""
    unique = "UNIQUE " if obj.unique else ""
    how = "CONCURRENTLY IF NOT EXISTS " if concurrently else ""
    on = "ONLY " if only else ""
    s = f"CREATE {unique}INDEX {how}{ident(name or obj.name)} ON {on}{_rel(obj.schema, obj.table)}"
    if obj.method:
        s += f" USING {obj.method}"
    s += f" ({', '.join(_index_part(p) for p in obj.parts)})"
    if obj.include:
        s += f" INCLUDE ({_cols(obj.include)})"
    if obj.nulls_not_distinct:
        s += " NULLS NOT DISTINCT"
    s += _params(obj.option(StorageParams))
    if obj.where is not None:
        s += f" WHERE {_paren(obj.where)}"
    return s + ";"


LEFTOVER = "a failed concurrent build leaves an INVALID index: dropped so that the phase can run again"


def _build_concurrently(obj: Index, name: str) -> list[St]:
    """CREATE INDEX CONCURRENTLY of `obj` under `name`, outside any transaction (it cannot run in
    one), after dropping what a failed earlier run left under that name."""
    drop = f"DROP INDEX CONCURRENTLY IF EXISTS {qualified(obj.schema, name)};"
    return [
        St(drop, transactional=False, note=LEFTOVER),
        St(_index_sql(obj, name, concurrently=True), transactional=False),
    ]


def _index_swap(obj: Index) -> list[St]:
    """Replace an index by its new definition without a moment without it: build the new one under
    a temporary name, drop the old one, rename (SHARE UPDATE EXCLUSIVE since PostgreSQL 12)."""
    tmp = truncate(f"{obj.name}__ddlc_new")
    return [
        *_build_concurrently(obj, tmp),
        St(f"DROP INDEX CONCURRENTLY IF EXISTS {_q(obj)};", transactional=False),
        # outside a transaction too: the swap is one phase, which can run again from its start
        St(f"ALTER INDEX {qualified(obj.schema, tmp)} RENAME TO {ident(obj.name)};", transactional=False),
    ]


@create.register
def _(obj: Index, ctx: RenderContext) -> list[St]:
    if _left_by_detach(obj, ctx):
        return []
    attached = _attached_concurrently(obj, ctx)
    out: list[St] = []
    if attached is not None:
        out += attached
    elif not _concurrently(obj, ctx, ctx.new):
        # a partition's index of a name of its own is built first (CONCURRENTLY under --online, on
        # a partition with rows): the partitioned index adopts it (one there already as it is)
        for own in _own_partition_indexes(obj):
            if _there_already(own, ctx):
                continue
            concurrently = _concurrently(own, ctx, ctx.new)
            out += _build_concurrently(own, own.name) if concurrently else [St(_index_sql(own))]
        out.append(St(_index_sql(obj)))
    elif _swapped(obj, ctx):
        out += _index_swap(obj)
    else:
        out += _build_concurrently(obj, obj.name)
    if obj.option(Clustered):
        out.append(St(f"ALTER TABLE {_rel(obj.schema, obj.table)} CLUSTER ON {ident(obj.name)};"))
    if obj.comment is not None:
        out.append(_comment(obj, obj.comment))
    return out


def _attached_concurrently(obj: Index, ctx: RenderContext) -> list[St] | None:
    """Under --online, a new index of a partitioned table with rows, built without a lock that blocks
    writes through a partition's build (PostgreSQL builds no partitioned index CONCURRENTLY): each
    leaf partition's index built CONCURRENTLY (or the one of that name and definition it has), then
    CREATE INDEX ... ON ONLY the table and each partitioned partition (INVALID, nothing built) and
    ALTER INDEX ... ATTACH PARTITION of each partition's index, lowest level first: the last one
    attached makes the index valid (a changed one too, after its drop, which takes the partitions'
    indexes with it). None (the plain CREATE INDEX) when the table has no partition,
    or one that the plan creates, attaches, detaches or drops (an index left without all of its
    partitions' would stay INVALID), or a foreign table (it takes none)."""
    start = _online_partitioned(obj, ctx)
    if start is None:
        return None
    table, own, plain, addition = start
    builds: list[St] = []
    onlys = [St(_index_sql(obj, only=True))]
    attaches: list[St] = []
    taken: dict[str, set[str]] = {}

    def below(parent: Table, parent_index: str) -> bool:
        parts = _kept_partitions(parent, ctx)
        if parts is None:
            return False
        for part in parts:
            name = own.get((part.schema, part.name))
            name = name or _free_partition_index_name(obj, part, addition, ctx, taken)
            idx = evolve(plain, schema=part.schema, table=part.name, name=name)
            if part.option(PartitionBy) is not None:
                onlys.append(St(_index_sql(idx, only=True)))
                if not below(part, qualified(part.schema, name)):
                    return False
            elif not _there_already(idx, ctx):
                builds.extend(_build_concurrently(idx, name))
            attaches.append(St(f"ALTER INDEX {parent_index} ATTACH PARTITION {_q(idx)};"))
        return True

    if not _partitions_of(table, ctx.new) or not below(table, _q(obj)):
        return None
    return [*builds, *onlys, *attaches]


def _online_partitioned(
    obj: _Part, ctx: RenderContext
) -> tuple[Table, dict[tuple[str, str], str], _Part, str] | None:
    """Under --online, for a new (or re-created) index or key of a partitioned table with rows: the
    table, its partitions' names of their own, `obj` without them (what each partition's copy
    is) and the <columns> part of the names the server gives those copies. None otherwise."""
    if not ctx.options.online or (obj.key in ctx.old.objects and obj.key not in ctx.recreated):
        return None
    table = _kept_relation(ctx, obj.schema, obj.table, kinds=(Table.KIND,))
    if not isinstance(table, Table) or table.option(PartitionBy) is None:
        return None
    plain = evolve(obj, options=replace_option(obj.options, None, PartitionIndexNames), comment=None)
    return table, _partition_index_names(obj), plain, partition_naming(obj)[0]


def _kept_partitions(parent: Table, ctx: RenderContext) -> list[Table] | None:
    """The partitions of `parent` (one level) when the plan keeps each as it is, rows and bound:
    None when it creates, attaches, detaches or drops one, or one is a foreign table (an online
    build over the partitions cannot count on them)."""
    parts = _partitions_of(parent, ctx.new)
    if [p.key for p in parts] != [p.key for p in _partitions_of(parent, ctx.old)]:
        return None
    for part in parts:
        before = ctx.old.get(part.key)
        if (
            _kept_relation(ctx, part.schema, part.name, kinds=(Table.KIND,)) is None
            or not isinstance(before, Table)
            or before.option(PartitionOf) != part.option(PartitionOf)
            or part.option(ForeignTable) is not None
        ):
            return None
    return parts


def _there_already(idx: Index, ctx: RenderContext) -> bool:
    """Whether a partition's index `idx` is there before the migration, of its definition: the
    partitioned index adopts it as it is."""
    had = ctx.old.get(idx.key)
    return isinstance(had, Index) and index_shape(had) == index_shape(idx)


def _partitions_of(table: Table, side: Schema) -> list[Table]:
    """The partitions of `table` on `side` (one level), by name."""
    parent = (table.schema, table.name)
    return sorted(
        (t for t in side.of_kind(Table) if (po := t.option(PartitionOf)) is not None and po.parent == parent),
        key=lambda t: (t.schema, t.name),
    )


def _free_partition_index_name(
    obj: Index | PrimaryKey | Unique,
    part: Table,
    addition: str,
    ctx: RenderContext,
    taken: dict[str, set[str]],
) -> str:
    """The name the server would give `obj`'s index (key) on partition `part`, free of every
    relation name either side has, and of those the server may have given the partition indexes
    (keys) the model does not keep (the other partitioned ones over `part` named alike: each of
    their numbered names, as many as there are)."""
    names = taken.get(part.schema)
    if names is None:
        names = taken[part.schema] = _relation_names(part.schema, ctx.old, ctx.new)
    label = partition_naming(obj)[1]
    kinds: tuple[type, ...] = (Index,) if isinstance(obj, Index) else (PrimaryKey, Unique)
    others = {  # by key: an index on both sides counts once
        o.key: naming[0]
        for side in (ctx.old, ctx.new)
        for o in _indexes_over(part, side, kinds)
        if o.key != obj.key
        and (part.schema, part.name) not in _partition_index_names(o)
        and (naming := partition_naming(o))[1] == label
    }
    counts = collections.Counter(others.values())
    reserved = {
        make_object_name(part.name, a, f"{label}{n or ''}")
        for a, count in counts.items()
        for n in range(count)
    }
    name = choose_name(part.name, addition, label, lambda n: n in names or n in reserved)
    names.add(name)
    return name


_Part = TypeVar("_Part", bound=Index | PrimaryKey | Unique)


def _own_partition_indexes(obj: _Part) -> list[_Part]:
    """The indexes (keys) of `obj`'s partitions that have a name of their own, as plain ones."""
    names = obj.option(PartitionIndexNames)
    opts = replace_option(replace_option(obj.options, None, PartitionIndexNames), None, IndexComment)
    plain = evolve(obj, options=opts, comment=None)
    items = names.items if names else ()
    return [evolve(plain, schema=schema, table=part, name=name) for schema, part, name in items]


def _own_partition_keys(obj: PrimaryKey | Unique, ctx: RenderContext) -> list[St]:
    """A partitioned key whose partitions' keys have names of their own: those are added first,
    the deepest partitions first (a partitioned partition's key adopts theirs), and the key
    adopts them; one the partition has already (same name and definition) is adopted as it is.
    Under --online a leaf partition with rows takes its key over a unique index built
    CONCURRENTLY, as a plain table does (`_online_constraint`)."""
    out = []
    for own in sorted(_own_partition_indexes(obj), key=lambda o: (-_depth(o, ctx.new), o.table)):
        had = ctx.old.get(own.key)
        if had is not None and _plain(had) == own:
            continue
        online = _online_constraint(own, ctx) if ctx.options.online else None
        if online is not None:
            out += online
            continue
        add = f"ADD CONSTRAINT {ident(own.name)} {constraint_def(own)}"
        out.append(St(f"ALTER TABLE {_rel(own.schema, own.table)} {add};"))
    return out


def leaf_keys_prebuilt(obj: PrimaryKey | Unique, ctx: RenderContext) -> bool:
    """Whether the plan gives every leaf partition of `obj`'s table its copy of `obj` before `obj`
    (`_leaf_keys_concurrently`), so that adding `obj` builds nothing: what hazards.py judges."""
    return _leaf_keys_concurrently(obj, ctx) is not None


def _leaf_keys_concurrently(obj: PrimaryKey | Unique, ctx: RenderContext) -> list[St] | None:
    """Under --online, a new key of a partitioned table with rows: PostgreSQL builds no partitioned
    key's index CONCURRENTLY, and adding the key builds every leaf's under locks that block writes.
    So each leaf partition first gets its copy of the key (under the name the server would give it)
    over a unique index built CONCURRENTLY (`_online_constraint`), and the key then adopts them (a
    brief lock, nothing built). Nothing when a partition is created, attached, detached, dropped or
    foreign in this plan (None: the plain ADD CONSTRAINT then builds what it must)."""
    start = _online_partitioned(obj, ctx)
    if start is None:
        return None
    table, own, plain, addition = start
    out: list[St] = []
    taken: dict[str, set[str]] = {}

    def leaves(parent: Table) -> bool:
        parts = _kept_partitions(parent, ctx)
        if parts is None:
            return False
        for part in parts:
            if part.option(PartitionBy) is not None:
                if not leaves(part):
                    return False
                continue
            if (part.schema, part.name) in own:  # added by _own_partition_keys, the same way
                continue
            name = _free_partition_index_name(obj, part, addition, ctx, taken)
            key = evolve(plain, schema=part.schema, table=part.name, name=name)
            built = _online_constraint(key, ctx)
            if built is None:
                return False
            out.extend(built)
        return True

    return out if _partitions_of(table, ctx.new) and leaves(table) else None


def _depth(o: SchemaObject, side: Schema) -> int:
    """How many tables the table of `o` is a partition of, directly or not."""
    table = _table_of(o, side)
    return len(_partition_parents(table, side)) if table is not None else 0


def _rename_partition_index(obj: Index | PrimaryKey | Unique, schema: str, part: str, name: str) -> St:
    """The index that partitioned index `obj` has on partition `schema.part` (made by the server,
    under a name of its choosing, or attached) gets `name`: looked up in the partition tree,
    renamed unless it has that name already (it may run again), nothing if there is none."""
    lookup = (
        "SELECT t.relid INTO i FROM pg_catalog.pg_partition_tree("
        f"pg_catalog.to_regclass({literal(_q(obj))})) t"
        " JOIN pg_catalog.pg_index x ON x.indexrelid = t.relid"
        f" WHERE x.indrelid = pg_catalog.to_regclass({literal(qualified(schema, part))});"
    )
    return St(
        "DO $ddlc$\nDECLARE\n    i regclass;\nBEGIN\n"
        f"{lookup}\n"
        "IF i IS NOT NULL AND i IS DISTINCT FROM "
        f"pg_catalog.to_regclass({literal(qualified(schema, name))}) THEN\n"
        f"EXECUTE pg_catalog.format('ALTER INDEX %s RENAME TO %I', i, {literal(name)});\n"
        "END IF;\nEND\n$ddlc$;"
    )


def _partition_index_renames(
    old: Index | PrimaryKey | Unique, new: Index | PrimaryKey | Unique, ctx: RenderContext
) -> list[St]:
    """Partition indexes whose name changes: to the new side's own name (unless the partition's
    index of that name is what an ATTACH of this plan adopts), or (an own name the new side does
    not have) back to a name of the kind the server gives, free on both sides."""
    before, after = _partition_index_names(old), _partition_index_names(new)
    out = []
    for (schema, part), name in sorted(after.items()):
        had = ctx.old.get(evolve(new, schema=schema, table=part, name=name).key)
        if before.get((schema, part)) != name and not (had is not None and _adopted_by_attach(had, ctx)):
            out.append(_rename_partition_index(new, schema, part, name))
    addition, label = partition_naming(new)
    taken: set[str] | None = None
    for schema, part in sorted(before):
        now = ctx.new.get(ObjectKey(Table.KIND, schema, part))
        if (schema, part) in after or not isinstance(now, Table) or now.option(PartitionOf) is None:
            continue  # kept, gone, or detached (its index keeps its name)
        if taken is None:
            taken = _relation_names(schema, ctx.old, ctx.new)
        generated = choose_name(part, addition, label, taken.__contains__)
        taken.add(generated)
        out.append(_rename_partition_index(new, schema, part, generated))
    return out


def detach_copies(table: Table, side: Schema) -> list[SchemaObject]:
    """What partition `table` keeps (as its own objects) when it is detached: a copy of each
    foreign key, primary key, unique key and index of the tables it is a partition of, named as the
    server named the copy (see handlers.tables._detached_copies, which the parser uses)."""
    out: list[SchemaObject] = []
    shapes: set[Any] = set()
    children = side.children()
    for parent in _partition_parents(table, side):
        for o in children.get(parent, ()):
            if isinstance(o, ForeignKey):
                shape: Any = (ForeignKey, o.columns, o.ref_schema, o.ref_table, o.ref_columns, o.on_delete)
                name = o.name
            elif isinstance(o, (PrimaryKey, Unique, Index)):
                shape = (type(o), *_part_shape(o))
                own = _partition_index_names(o).get((table.schema, table.name))
                name = own or make_object_name(table.name, *partition_naming(o))
            else:
                continue
            if shape in shapes:
                continue
            shapes.add(shape)
            out.append(_plain(evolve(o, table=table.name, name=name, comment=None)))
    return out


def _plain(obj: SchemaObject) -> SchemaObject:
    """`obj` without the names of its partitions' indexes (a detached copy has none known)."""
    if obj.option(PartitionIndexNames) is None:
        return obj
    return evolve(obj, options=replace_option(obj.options, None, PartitionIndexNames))


def _left_by_detach(obj: SchemaObject, ctx: RenderContext) -> bool:
    """Whether `obj` (created) is what the DETACH of its table in this plan leaves there."""
    before, after = _table_of(obj, ctx.old), _table_of(obj, ctx.new)
    if before is None or after is None or before.option(PartitionOf) is None or after.option(PartitionOf):
        return False
    return _plain(obj) in detach_copies(before, ctx.old)


def _adopted_by_attach(obj: SchemaObject, ctx: RenderContext) -> bool:
    """Whether `obj` (dropped) is what the ATTACH of its table in this plan adopts for a parent's
    key or index (PostgreSQL attaches an equivalent one instead of making another), under a name
    the new side accepts: any for a foreign key (the model keeps the parent's only), for an index
    or a primary or unique key the partition's name on the new side (its own one, or a generated
    one)."""
    before, after = _table_of(obj, ctx.old), _table_of(obj, ctx.new)
    if before is None or after is None or before.option(PartitionOf) or after.option(PartitionOf) is None:
        return False
    for copy in detach_copies(after, ctx.new):
        if type(copy) is not type(obj) or evolve(_plain(obj), name=copy.name) != copy:
            continue
        if not isinstance(obj, (Index, PrimaryKey, Unique)):
            return True
        roots = [o for o in _indexes_over(after, ctx.new, (type(obj),)) if _part_shape(o) == _part_shape(obj)]
        own = _partition_index_names(roots[0]).get((after.schema, after.name)) if roots else None
        if own is not None:
            return own == obj.name
        addition, label = partition_naming(obj)
        return generated_index_name(after.name, addition, obj.name, label)
    return False


def _part_shape(o: Index | PrimaryKey | Unique) -> tuple[Any, ...]:
    """What a partition's index or key has in common with its parent's."""
    return index_shape(o) if isinstance(o, Index) else (o.columns, o.include)


def _indexes_over(table: Table, side: Schema, kinds: tuple[type, ...] = (Index,)) -> list[Any]:
    """The indexes (objects of `kinds`) of the tables `table` is a partition of."""
    children = side.children()
    return [o for p in _partition_parents(table, side) for o in children.get(p, ()) if isinstance(o, kinds)]


def _partition_parents(table: Table, side: Schema) -> list[tuple[str, str]]:
    """(schema, name) of the tables `table` is a partition of, its parent first."""
    out: list[tuple[str, str]] = []
    cur: Table | None = table
    seen = {(table.schema, table.name)}
    while cur is not None and (po := cur.option(PartitionOf)) is not None and po.parent not in seen:
        seen.add(po.parent)
        out.append(po.parent)
        parent = side.get(ObjectKey(Table.KIND, *po.parent))
        cur = parent if isinstance(parent, Table) else None
    return out


def _table_of(obj: SchemaObject, side: Schema) -> Table | None:
    t = side.get(ObjectKey(Table.KIND, obj.schema, getattr(obj, "table", "")))
    return t if isinstance(t, Table) else None


def _adopted_by_new_index(obj: SchemaObject, ctx: RenderContext) -> bool:
    """Whether partition index (key) `obj` (dropped) is adopted under its name by a partitioned
    index (key) the plan creates (see their creates): then it stays."""
    table = _table_of(obj, ctx.new)
    if table is None or table.option(PartitionOf) is None or not isinstance(obj, (Index, PrimaryKey, Unique)):
        return False
    return any(
        o.key not in ctx.old.objects and _plain(obj) in _own_partition_indexes(o)
        for o in _indexes_over(table, ctx.new, (type(obj),))
    )


def _name_reused_by_partition_index(obj: Index, new: Schema) -> bool:
    """Whether the index a partition has on its own (`obj`, dropped) gives its name to the index
    it has for a partitioned index on the new side."""
    table = _table_of(obj, new)
    if table is None or table.option(PartitionOf) is None:
        return False
    for o in _indexes_over(table, new):
        names = o.option(PartitionIndexNames)
        if names is not None and (obj.schema, obj.table, obj.name) in names.items:
            return True
    return False


def _partition_index_names(idx: SchemaObject) -> dict[tuple[str, str], str]:
    names = idx.option(PartitionIndexNames)
    return {(s, p): n for s, p, n in (names.items if names else ())}


_RELATION_KINDS = frozenset(
    ("table", "view", "materialized_view", "sequence", "index", "primary_key", "unique", "exclude")
)


def _relation_names(schema: str, *sides: Schema) -> set[str]:
    """Names that relations (indexes included, partition indexes of their own name too) have in
    `schema` on either side: a name the server generates must avoid them all."""
    out: set[str] = set()
    for side in sides:
        for o in side:
            if o.schema == schema and o.key.kind in _RELATION_KINDS:
                out.add(o.name)
                names = o.option(PartitionIndexNames)
                out.update(n for s, _, n in (names.items if names else ()) if s == schema)
    return out


def _view_sql(obj: View, replace: bool = False) -> str:
    kind = "MATERIALIZED VIEW" if isinstance(obj, MaterializedView) else "VIEW"
    cols = f" ({_cols(obj.columns)})" if obj.columns else ""
    head = f"CREATE {'OR REPLACE ' if replace else ''}{kind} {_q(obj)}{cols}"
    am = obj.option(AccessMethod)
    if am is not None:
        head += f" USING {ident(am.method)}"
    opts = obj.option(ViewOptions) or obj.option(StorageParams)
    s = f"{head}{_params(opts)} AS\n{_e(obj.query)}"
    if isinstance(obj, MaterializedView):
        s += "\nWITH DATA" if obj.with_data else "\nWITH NO DATA"
    elif obj.check_option:
        s += f"\nWITH {obj.check_option} CHECK OPTION"
    return s + ";"


@create.register
def _(obj: View, ctx: RenderContext) -> list[St]:
    out = [St(_view_sql(obj))]
    out += _view_column_comments(obj, None)
    out += _view_defaults(obj, None)
    return out + _extras(obj)


@create.register
def _(obj: MaterializedView, ctx: RenderContext) -> list[St]:
    if obj.key in ctx.recreated and not obj.with_data and ctx.new.server:
        # re-created around another change: it comes back populated, as readers had it. A dump
        # (its header names the server) or a live catalog says WITH NO DATA of every materialized
        # view whatever its state; only hand-written DDL that says so is kept unpopulated.
        obj = dataclasses.replace(obj, with_data=True)
    return [St(_view_sql(obj)), *_view_column_comments(obj, None), *_extras(obj)]


def _view_column_comments(obj: View, old: View | None) -> list[St]:
    """COMMENT ON COLUMN for a view's columns, against `old`'s when there is one."""
    after = dict(o.items) if (o := obj.option(ColumnComments)) else {}
    before = dict(o.items) if old is not None and (o := old.option(ColumnComments)) else {}
    out = []
    for name in sorted(before.keys() | after.keys()):
        if before.get(name) != after.get(name):
            text = after.get(name)
            value = literal(text) if text is not None else "NULL"
            out.append(St(f"COMMENT ON COLUMN {_q(obj)}.{ident(name)} IS {value};"))
    return out


def _view_defaults(obj: View, old: View | None) -> list[St]:
    """ALTER VIEW ... ALTER COLUMN SET/DROP DEFAULT (defaults for inserts through the view)."""
    after = dict(o.items) if (o := obj.option(ViewDefaults)) else {}
    before = dict(o.items) if old is not None and (o := old.option(ViewDefaults)) else {}
    out = []
    for name in sorted(before.keys() | after.keys()):
        if before.get(name) != after.get(name):
            head = f"ALTER VIEW {_q(obj)} ALTER COLUMN {ident(name)}"
            x = after.get(name)
            out.append(St(f"{head} SET DEFAULT {_e(x)};" if x is not None else f"{head} DROP DEFAULT;"))
    return out


def _routine_sql(obj: Routine, replace: bool = False) -> str:
    kind = "PROCEDURE" if isinstance(obj, Procedure) else "FUNCTION"
    args = []
    for a in obj.arguments:
        if a.mode == "TABLE":
            continue
        s = "" if a.mode == "IN" else a.mode + " "
        if a.name:
            s += ident(a.name) + " "
        s += a.type
        if a.default is not None:
            s += f" DEFAULT {_e(a.default)}"
        args.append(s)
    name = qualified(obj.schema, obj.base_name)
    head = f"CREATE {'OR REPLACE ' if replace else ''}{kind} {name}({', '.join(args)})"
    if obj.returns and not isinstance(obj, Procedure):
        head += f"\n    RETURNS {obj.returns}"
    head += f"\n    LANGUAGE {ident(obj.language) if obj.language != 'c' else 'c'}"
    for k, v in obj.attributes:
        if k in ("volatility", "strict", "leakproof", "window", "parallel"):
            head += f"\n    {'PARALLEL ' + v if k == 'parallel' else v}"
        elif k == "security":
            head += "\n    SECURITY DEFINER"
        elif k in ("cost", "rows"):
            head += f"\n    {k.upper()} {v}"
        elif k == "support":
            head += f"\n    SUPPORT {v}"
        elif k.startswith("set "):
            name = k[4:]
            head += f"\n    SET {name} " + ("FROM CURRENT" if v == "FROM CURRENT" else f"TO {v}")
    if obj.body.startswith(("RETURN ", "BEGIN ATOMIC")):
        return f"{head}\n{obj.body_sql or obj.body};"
    if obj.language == "c" and "," in obj.body and obj.body.startswith("'"):
        return f"{head}\n    AS {obj.body};"
    return f"{head}\n    AS {dollar_quote(obj.body)};"


@create.register
def _(obj: Routine, ctx: RenderContext) -> list[St]:
    out = [St(_routine_sql(obj)), *_extras(obj)]
    return out + _routine_users(obj, ctx, attach=True)


def _calls(x: Expr | None, r: Routine) -> bool:
    """Whether expression `x` calls a function named as `r` (any overload: at worst one more
    default is dropped and set again)."""
    if x is None:
        return False
    name = re.escape(qualified(r.schema, r.base_name))
    return re.search(rf'(?<![\w$".]){name}\(', x.canonical) is not None


def detaches(rebuilt: SchemaObject, dependent: SchemaObject) -> bool:
    """A table whose column defaults call a rebuilt function, or a domain whose default or checks
    do, drops them before the function's DROP and sets them again after its CREATE (see
    _routine_users) instead of being rebuilt: the table keeps its rows. A generated column that
    calls it cannot let go of it in place (PostgreSQL 15): its table is rebuilt."""
    if not isinstance(rebuilt, Routine) or isinstance(rebuilt, Aggregate):
        return False
    if isinstance(dependent, Table):
        return not any(_calls(c.generated, rebuilt) for c in dependent.columns) and any(
            _calls(c.default, rebuilt) for c in dependent.columns
        )
    if isinstance(dependent, Domain):
        return _calls(dependent.default, rebuilt) or any(_calls(c.expr, rebuilt) for c in dependent.checks)
    return False


def _routine_users(r: Routine, ctx: RenderContext, *, attach: bool) -> list[St]:
    """Column defaults and domain defaults and checks that call `r` on both sides while their
    table or domain stays (see `detaches`): dropped before `r` goes (attach False: `r` is dropped,
    for good or to be created again) and set again once a function of that name is created. What
    calls it on one side only is changed by its own step, ordered around `r` by its dependencies."""
    here, there = (ctx.new, ctx.old) if attach else (ctx.old, ctx.new)
    out: list[St] = []
    for user in _users_of(here, r.key):
        other = there.get(user.key)
        if user.key in ctx.recreated or type(other) is not type(user):
            continue
        if isinstance(user, Table):
            assert isinstance(other, Table)
            if any(_calls(c.generated, r) for c in user.columns):
                continue  # its table is rebuilt (see detaches)
            for c in user.columns:
                was = other.column(c.name)
                if c.default is None or was is None:
                    continue
                if _calls(c.default, r) and _calls(was.default, r):
                    head = f"ALTER TABLE {_q(user)} ALTER COLUMN {ident(c.name)}"
                    what = f"SET DEFAULT {_e(c.default)}" if attach else "DROP DEFAULT"
                    out.append(St(f"{head} {what};"))
            continue
        assert isinstance(user, Domain) and isinstance(other, Domain)
        head = f"ALTER DOMAIN {_q(user)}"
        if user.default is not None and _calls(user.default, r) and _calls(other.default, r):
            out.append(St(f"{head} SET DEFAULT {_e(user.default)};" if attach else f"{head} DROP DEFAULT;"))
        others = {c.name: c for c in other.checks}
        for chk in user.checks:
            if not (_calls(chk.expr, r) and chk.name in others and _calls(others[chk.name].expr, r)):
                continue
            if attach:
                nv = "" if chk.valid else " NOT VALID"
                out.append(St(f"{head} ADD CONSTRAINT {ident(chk.name)} CHECK {_paren(chk.expr)}{nv};"))
                if chk.comment is not None:
                    on = f"{ident(chk.name)} ON DOMAIN {_q(user)}"
                    out.append(St(f"COMMENT ON CONSTRAINT {on} IS {literal(chk.comment)};"))
            else:
                out.append(St(f"{head} DROP CONSTRAINT {ident(chk.name)};"))
    return out


def _users_of(schema: Schema, key: ObjectKey) -> list[Table | Domain]:
    """The tables and domains of `schema` that depend on `key` (indexed once per schema)."""
    index: dict[ObjectKey, list[Table | Domain]] | None = schema._cache.get(_USERS_INDEX)
    if index is None:
        index = schema._cache[_USERS_INDEX] = {}
        users: list[Table | Domain] = [*schema.of_kind(Table), *schema.of_kind(Domain)]
        for obj in users:
            for dep in obj.depends_on:
                index.setdefault(dep, []).append(obj)
    return index.get(key, [])


_USERS_INDEX = ("postgres", "tables and domains by what they use")


@create.register
def _(obj: Aggregate, ctx: RenderContext) -> list[St]:
    body = ", ".join(f"{k.upper()} = {_agg_value(k, v)}" for k, v in obj.definition)
    return [
        St(f"CREATE AGGREGATE {qualified(obj.schema, obj.base_name)}({obj.arguments}) ({body});"),
        *_extras(obj),
    ]


def _agg_value(k: str, v: str) -> str:
    if k in ("initcond", "minitcond"):
        return literal(v)
    return v


def _trigger_sql(obj: Trigger) -> str:
    ct = obj.option(ConstraintTrigger)
    events = []
    for e in obj.events:
        if e == "UPDATE" and obj.columns:
            events.append(f"UPDATE OF {_cols(obj.columns)}")
        else:
            events.append(e)
    s = f"CREATE {'CONSTRAINT ' if ct else ''}TRIGGER {ident(obj.name)} {obj.timing} {' OR '.join(events)}"
    s += f" ON {_rel(obj.schema, obj.table)}"
    if ct is not None:
        if ct.ref_table:
            s += f" FROM {ct.ref_table}"
        s += (
            " DEFERRABLE INITIALLY DEFERRED"
            if ct.initially_deferred
            else (" DEFERRABLE" if ct.deferrable else " NOT DEFERRABLE")
        )
    ref = obj.option(Referencing)
    if ref is not None:
        s += " REFERENCING"
        if ref.old_table:
            s += f" OLD TABLE AS {ident(ref.old_table)}"
        if ref.new_table:
            s += f" NEW TABLE AS {ident(ref.new_table)}"
    s += " FOR EACH ROW" if obj.for_each_row else " FOR EACH STATEMENT"
    if obj.when is not None:
        s += f" WHEN {_paren(obj.when)}"
    return f"{s} {obj.action};"


def _trigger_state(obj: Trigger | Definition, old: Trigger | Definition | None) -> list[St]:
    st = obj.option(TriggerState)
    prev = old.option(TriggerState) if old is not None else None
    if st == prev:
        return []
    word = "TRIGGER" if isinstance(obj, Trigger) else "RULE"
    table = obj.table
    state = st.state if st else "ENABLE"
    verb = {
        "DISABLED": "DISABLE",
        "ALWAYS": "ENABLE ALWAYS",
        "REPLICA": "ENABLE REPLICA",
        "ENABLE": "ENABLE",
    }[state]
    return [St(f"ALTER TABLE {_rel(obj.schema, table)} {verb} {word} {ident(obj.name)};")]


@create.register
def _(obj: Trigger, ctx: RenderContext) -> list[St]:
    out = [St(_trigger_sql(obj)), *_trigger_state(obj, None)]
    if obj.comment is not None:
        out.append(_comment(obj, obj.comment))
    return out


def _policy_sql(obj: Policy) -> str:
    s = f"CREATE POLICY {ident(obj.name)} ON {_rel(obj.schema, obj.table)}"
    if not obj.permissive:
        s += " AS RESTRICTIVE"
    if obj.command != "ALL":
        s += f" FOR {obj.command}"
    s += " TO " + ", ".join("PUBLIC" if r == "public" else _role(r) for r in obj.roles)
    if obj.using is not None:
        s += f" USING {_paren(obj.using)}"
    if obj.with_check is not None:
        s += f" WITH CHECK {_paren(obj.with_check)}"
    return s + ";"


def _role(r: str) -> str:
    if r in ("current_user", "session_user", "current_role"):
        return r.upper()
    return ident(r)


@create.register
def _(obj: Policy, ctx: RenderContext) -> list[St]:
    out = [St(_policy_sql(obj))]
    if obj.comment is not None:
        out.append(_comment(obj, obj.comment))
    return out


@create.register
def _(obj: Definition, ctx: RenderContext) -> list[St]:
    text = obj.definition.text.rstrip().rstrip(";")
    out = [St(text + ";"), *_trigger_state(obj, None)]
    return out + _extras(obj)


@create.register
def _(obj: Opaque, ctx: RenderContext) -> list[St]:
    return [
        St(
            f"-- MANUAL: {obj.name} is not modelled; apply it by hand:\n-- "
            + obj.source_text.strip().replace("\n", "\n-- ")
        )
    ]


# ---- drop -------------------------------------------------------------------------------------


@singledispatch
def drop(obj: Element, ctx: RenderContext) -> list[St]:
    kind, name = identity(obj)  # type: ignore[arg-type]
    return [St(f"DROP {kind} {name};")]


@drop.register
def _(obj: Table, ctx: RenderContext) -> list[St]:
    if obj.option(ForeignTable) is not None:
        return [St(f"DROP FOREIGN TABLE {_q(obj)};")]  # the data lives on the foreign server
    # a sequence it owns that the new side keeps, owned by the same column of the table created
    # again (a rebuild), is released first: the server would drop it with the table
    keep = [
        St(f"ALTER SEQUENCE IF EXISTS {_q(seq)} OWNED BY NONE;")
        for seq in _owned_sequences(ctx.old, obj)
        if isinstance(after := ctx.new.get(seq.key), Seq) and after.owned_by == seq.owned_by
    ]
    note = f"drops table {obj.display} and its data"
    drop_table = St(f"DROP TABLE {_q(obj)};", destructive=True, note=note)
    part = obj.option(PartitionOf)
    if part is not None and keys_referencing_parents(obj, ctx.old):
        # the server refuses to drop a partition of a table a foreign key references (the key's
        # copies point at it) until it is detached, which checks that no row refers to its rows;
        # the detach is part of the drop: held back with it
        detach = St(
            f"ALTER TABLE {_rel(*part.parent)} DETACH PARTITION {_q(obj)};",
            destructive=True,
            note=f"detaches {obj.display} to drop it: a foreign key references its partitioned table",
        )
        return [*keep, detach, drop_table]
    return [*keep, drop_table]


def keys_referencing_parents(table: Table, schema: Schema) -> list[ForeignKey]:
    """The foreign keys of `schema` that reference a partitioned table `table` is a partition of
    (at any level)."""
    ancestors = set(_partition_parents(table, schema))
    return [fk for fk in schema.of_kind(ForeignKey) if (fk.ref_schema, fk.ref_table) in ancestors]


@drop.register
def _(obj: Seq, ctx: RenderContext) -> list[St]:
    # IF EXISTS: a sequence owned by a dropped table has gone with it
    return [St(f"DROP SEQUENCE IF EXISTS {_q(obj)};")]


@drop.register
def _(obj: Routine, ctx: RenderContext) -> list[St]:
    kind, name = identity(obj)
    detach = _routine_users(obj, ctx, attach=False)
    return [*detach, St(f"DROP {kind} {name};")]


@drop.register
def _(obj: Namespace, ctx: RenderContext) -> list[St]:
    return [St(f"DROP SCHEMA {ident(obj.name)};")]


@drop.register
def _(obj: Extension, ctx: RenderContext) -> list[St]:
    return [St(f"DROP EXTENSION {ident(obj.name)};")]


def _constraint_drop(obj: SchemaObject, ctx: RenderContext | None = None) -> list[St]:
    assert isinstance(obj, (Constraint, Exclude))
    if ctx is not None and (_adopted_by_attach(obj, ctx) or _adopted_by_new_index(obj, ctx)):
        return []
    return [St(f"ALTER TABLE {_rel(obj.schema, obj.table)} DROP CONSTRAINT {ident(obj.name)};")]


for _cls in (PrimaryKey, Unique, Check, ForeignKey, Exclude):
    drop.register(_cls, _constraint_drop)


@drop.register
def _(obj: Opaque, ctx: RenderContext) -> list[St]:
    return [St(f"-- MANUAL: {obj.name} is not modelled; drop it by hand if needed")]


@drop.register
def _(obj: MaterializedView, ctx: RenderContext) -> list[St]:
    return [St(f"DROP MATERIALIZED VIEW {_q(obj)};")]


@drop.register
def _(obj: Index, ctx: RenderContext) -> list[St]:
    if _adopted_by_attach(obj, ctx) or _adopted_by_new_index(obj, ctx):
        return []
    if _name_reused_by_partition_index(obj, ctx.new):
        # once the forward ran, the name is the partitioned index's (not to be dropped on its own)
        return [
            St(
                "DO $ddlc$\nBEGIN\nIF EXISTS (SELECT FROM pg_catalog.pg_class WHERE oid = "
                f"pg_catalog.to_regclass({literal(_q(obj))}) AND NOT relispartition) THEN\n"
                f"DROP INDEX {_q(obj)};\nEND IF;\nEND\n$ddlc$;"
            )
        ]
    if not _concurrently(obj, ctx, ctx.old):
        return [St(f"DROP INDEX {_q(obj)};")]
    if _swapped(obj, ctx):
        return []  # dropped once its new definition is built (see _index_swap)
    return [St(f"DROP INDEX CONCURRENTLY IF EXISTS {_q(obj)};", transactional=False)]


# ---- alter ------------------------------------------------------------------------------------

_REBUILD_IGNORE = frozenset({"comment", "owner", "grants"})


def _differs(a: SchemaObject, b: SchemaObject, ignore: frozenset[str]) -> set[str]:
    from ddlcompare.model.base import field_values

    x, y = dict(field_values(a)), dict(field_values(b))
    return {k for k in x.keys() | y.keys() if k not in ignore and x.get(k) != y.get(k)}


def needs_rebuild(change: Alter) -> bool:
    """True when the change cannot be applied in place and the object is dropped and created."""
    old, new = change.old, change.new
    assert isinstance(old, SchemaObject) and isinstance(new, SchemaObject)
    if type(old) is not type(new):
        return True
    diff = _differs(old, new, _REBUILD_IGNORE)
    if isinstance(new, Table):
        fo, fn = old.option(ForeignTable), new.option(ForeignTable)
        if fo is not None and fn is not None and fo.server != fn.server:
            return True  # ALTER FOREIGN TABLE cannot change the server; the table holds no data
        return bool(diff & {"options.partition_by"}) or (
            "options.partition_of" in diff
            and _partition_parent(old) != _partition_parent(new)
            and _partition_parent(old) is not None
            and _partition_parent(new) is not None
        )
    if isinstance(new, Index):
        return bool(diff - {"options.clustered", "options.with", "options.partition_index_names"})
    if isinstance(new, (ForeignKey, Check)):
        return (
            bool(diff - {"valid", "deferrable", "initially_deferred"})
            or (isinstance(new, Check) and "valid" in diff and new.valid is False)
            # PostgreSQL binds a foreign key to the index of the key it references: a new key
            # (the primary key dropped for a unique one) means a new constraint
            or (isinstance(new, ForeignKey) and old.depends_on != new.depends_on)
        )
    if isinstance(new, (PrimaryKey, Unique, Exclude)):
        return bool(diff - {"options.index_comment", "options.partition_index_names"})
    if isinstance(new, View):  # includes materialized views
        in_place = {"options.view_options", "options.with", "options.column_comments"}
        in_place.add("options.access_method")  # materialized views only (SET ACCESS METHOD)
        if not isinstance(new, MaterializedView):
            in_place |= {"check_option", "options.column_defaults"}
        return bool(diff - in_place)
    if isinstance(new, Routine):
        assert isinstance(old, Routine)
        sig = [(a.name, a.mode, a.type) for a in old.arguments] != [
            (a.name, a.mode, a.type) for a in new.arguments
        ]
        # CREATE OR REPLACE cannot remove a parameter default: a default added here would be
        # removed by the rollback, so either way the routine is dropped and created
        defaults_changed = any(
            (a.default is None) != (b.default is None)
            for a, b in zip(old.arguments, new.arguments, strict=False)
        )
        return sig or old.returns != new.returns or defaults_changed
    if isinstance(new, Trigger):
        return bool(diff - {"options.enabled"})
    if isinstance(new, Policy):
        return bool(diff & {"command", "permissive"})
    if isinstance(new, (Aggregate, Definition, RangeType, Opaque)):
        return bool(diff - {"options.enabled"})
    if isinstance(new, Enum):
        return False  # labels are added in place or the type is swapped (_enum_swap)
    if isinstance(new, Domain):
        return bool(diff & {"base_type", "collation"})
    if isinstance(new, Seq):
        return False
    if isinstance(new, CompositeType):
        assert isinstance(old, CompositeType)
        return not _attributes_in_place(old, new)
    return False


def _partition_parent(t: SchemaObject) -> tuple[str, str] | None:
    p = t.option(PartitionOf)
    return p.parent if p else None


def _is_subsequence(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    it = iter(b)
    return all(x in it for x in a)


def invalidates(change: Alter, dependent: SchemaObject) -> bool:
    """Views, policies, rules and triggers with WHEN break under a column type change or drop, and
    under an enum type swap (of a column they read, see `converts`, or of the type itself)."""
    if _enum_swapped(change):
        return isinstance(dependent, (View, Policy, Definition)) or (
            isinstance(dependent, Trigger) and (dependent.when is not None or bool(dependent.columns))
        )
    if not isinstance(change.new, Table):
        return isinstance(dependent, (View, Policy)) and isinstance(change.new, (Domain, CompositeType))
    if not isinstance(dependent, (View, Policy, Definition, Trigger)):
        return False
    if isinstance(dependent, Trigger) and dependent.when is None and not dependent.columns:
        return False
    changed = set()
    for ch in change.children:
        if isinstance(ch, Drop):
            changed.add(ch.old.name)
        elif isinstance(ch, Alter):
            a, b = ch.old, ch.new
            assert isinstance(a, Column) and isinstance(b, Column)
            if a.type != b.type or a.collation != b.collation or a.generated != b.generated:
                changed.add(a.name)
    if not changed:
        return False
    # only what uses a changed column breaks, as PostgreSQL tracks it (column-level pg_depend)
    used = columns_used(dependent)
    return used is None or not used.isdisjoint(changed)


def converts(change: Alter, dependent: SchemaObject) -> bool:
    """An enum type swap converts the columns of that type in place (ALTER COLUMN ... TYPE), which
    PostgreSQL refuses while a view or rule reads them: the table's dependents are checked too."""
    if not _enum_swapped(change) or not isinstance(dependent, Table):
        return False
    assert isinstance(change.old, Enum)
    name = _q(change.old)
    return any(col.type in (name, f"{name}[]") for col in dependent.columns)


def _enum_swapped(change: Alter) -> bool:
    """The change removes or reorders enum labels: the type is swapped (see _enum_swap)."""
    old, new = change.old, change.new
    return isinstance(old, Enum) and isinstance(new, Enum) and not _is_subsequence(old.labels, new.labels)


@singledispatch
def alter(old: Element, new: Element, change: Alter, ctx: RenderContext) -> list[St]:
    return _common(old, new)  # type: ignore[arg-type]


def _common(old: SchemaObject, new: SchemaObject) -> list[St]:
    out = []
    if old.comment != new.comment:
        out.append(_comment(new, new.comment))
    if old.owner != new.owner and new.owner is not None:
        out += _owner(new)
    if old.grants != new.grants:
        out += _grants(old, new)
    return out


# type families for ALTER COLUMN TYPE: within one family PostgreSQL has an assignment cast
_NUMERIC = ("smallint", "integer", "bigint", "numeric", "real", "double precision")
_STRING = ("text", "character varying", "character", '"char"', "name", "citext")
_TIME = ("date", "timestamp", "time")


def _base_type(t: str) -> str:
    t = t.removesuffix("[]")
    t = re.sub(r"\(.*?\)", "", t)
    for prefix in _TIME:
        if t.startswith(prefix):
            return prefix
    return t.strip()


def _family(t: str) -> str:
    b = _base_type(t)
    if b in _NUMERIC:
        return "numeric"
    if b in _STRING or b.endswith(".citext"):
        return "string"
    if b in _TIME:
        return "time"
    return b


def _needs_using(old: str, new: str) -> bool:
    if old.endswith("[]") != new.endswith("[]"):
        return True
    fo, fn = _family(old), _family(new)
    if fo == fn:
        return fo not in ("numeric", "string", "time") and _base_type(old) != _base_type(new)
    return fn != "string"  # anything has an assignment cast to text types


def _length(t: str) -> tuple[int, ...] | None:
    m = re.search(r"\(([\d, ]+)\)", t)
    return tuple(int(x) for x in m.group(1).split(",")) if m else None


def _lossy(old: str, new: str) -> bool:
    """Can converting values of type `old` to `new` lose information or fail?"""
    if old == new:
        return False
    fo, fn = _family(old), _family(new)
    bo, bn = _base_type(old), _base_type(new)
    if fo != fn:
        return fn != "string"
    if fo == "string":
        lo, ln = _length(old), _length(new)
        if ln is None:
            return bn == "character" and bo != "character"
        return lo is None or ln[0] < lo[0]
    if fo == "numeric":
        order = {"smallint": 1, "integer": 2, "bigint": 3, "numeric": 4, "real": 5, "double precision": 6}
        if bo == bn == "numeric":
            lo, ln = _length(old), _length(new)
            if ln is None:
                return False
            if lo is None:
                return True
            ps_o = (lo[0], lo[1] if len(lo) > 1 else 0)
            ps_n = (ln[0], ln[1] if len(ln) > 1 else 0)
            return ps_n[1] < ps_o[1] or ps_n[0] - ps_n[1] < ps_o[0] - ps_o[1]
        if bn in ("real", "double precision") and bo in ("bigint", "numeric"):
            return True
        return order[bn] < order[bo] or (
            bo in ("real", "double precision", "numeric") and bn in ("smallint", "integer", "bigint")
        )
    if fo == "time":
        return bn == "date" and bo != "date"
    return True


@alter.register
def _(old: Table, new: Table, change: Alter, ctx: RenderContext) -> list[St]:
    t = _q(new)
    out: list[St] = []
    parents = _same_parents(old, new)
    domains = _domain_bases(ctx)
    of_old, of_new = old.option(OfType), new.option(OfType)
    typed = of_old is not None and of_new is not None and of_old.type == of_new.type
    if of_old is not None and not typed:
        out.append(St(f"ALTER TABLE {t} NOT OF;"))
    for ch in change.children:
        if typed or parents:
            # Render only what is left to do on this column once earlier statements have run: the
            # type's ALTER ... CASCADE (a typed table), or the parents' ALTER TABLE, which recurses
            # to partitions and inheritance children.
            before = ch.old if isinstance(ch, (Alter, Drop)) else None
            after = ch.new if isinstance(ch, (Alter, Create)) else None
            assert isinstance(before, Column | None) and isinstance(after, Column | None)
            if typed:
                implied = _after_type(ctx, old, ch.obj.name, before)
                if implied is not None and before is None:
                    continue  # added by the type's ALTER, which also sets its options
            else:
                implied = _after_parents(ctx, parents, ch.obj.name, before, kept=after is not None)
            if implied is not None and after is not None:
                if implied != after:
                    out += _alter_column(new, implied, after, domains, online=_checked_not_null(ctx))
                continue
            if implied is None and after is None:
                continue
            ch = Create(after) if after is not None else Drop(implied) if implied is not None else ch
        if isinstance(ch, Create):
            col = ch.new
            assert isinstance(col, Column)
            out += _add_column(new, col, ctx)
            st = col.option(Storage)
            if st is not None:
                out += _storage(new, col, st)
            if col.comment is not None:
                out.append(St(f"COMMENT ON COLUMN {t}.{ident(col.name)} IS {literal(col.comment)};"))
        elif isinstance(ch, Drop):
            # a child table that keeps the column must keep its own copy: ONLY leaves it there
            only = "ONLY " if _kept_by_child(ctx.new, new, ch.old.name) else ""
            out.append(
                St(
                    f"ALTER TABLE {only}{t} DROP COLUMN {ident(ch.old.name)};",
                    destructive=True,
                    note=f"drops column {new.display}.{ch.old.name} and its data",
                )
            )
        else:
            a, b = ch.old, ch.new
            assert isinstance(a, Column) and isinstance(b, Column)
            out += _alter_column(new, a, b, domains, online=_checked_not_null(ctx))
    out += _alter_table_options(old, new, ctx)
    if of_new is not None and not typed:
        # the columns now match the type's attributes exactly, as OF requires: held back with
        # a column drop it needs
        drop = next((st for st in out if st.destructive), None)
        out.append(
            St(
                f"ALTER TABLE {t} OF {of_new.type};",
                destructive=drop is not None,
                note=drop.note if drop else "",
            )
        )
    return out + _common(old, new)


def _add_column(t: Table, col: Column, ctx: RenderContext) -> list[St]:
    """ADD COLUMN; in a rollback, a NOT NULL column without a default (one the forward dropped: its
    data is gone) is added so that it cannot fail on rows: filled with its type's zero value, which
    is dropped as the default right after (PostgreSQL 11+ adds a constant default without a
    rewrite). A type without a known zero value is added nullable, then SET NOT NULL, noted."""
    add = f"ALTER TABLE {_q(t)} ADD COLUMN"
    needs_value = (
        ctx.rollback
        and not col.nullable
        and col.default is None
        and col.generated is None
        and col.option(Identity) is None
    )
    if not needs_value:
        if ctx.options.online and _volatile_default(col, ctx):
            return _add_column_backfilled(t, col, ctx)
        return [St(f"{add} {column_def(col)};")]
    note = f"re-adds {t.display}.{col.name}: its data is gone"
    zero = _zero_value(col.type, ctx.new)
    if zero is None:
        nullable = dataclasses.replace(col, nullable=True)
        fill = f"{note}: fails while the table has rows; fill the column first"
        return [
            St(f"{add} {column_def(nullable)};", note=note),
            *_set_not_null(t, col.name, _checked_not_null(ctx), note=fill),
        ]
    filled = dataclasses.replace(col, default=Expr(zero))
    return [
        St(f"{add} {column_def(filled)};", note=f"{note}: existing rows get {zero}"),
        St(f"ALTER TABLE {_q(t)} ALTER COLUMN {ident(col.name)} DROP DEFAULT;"),
    ]


def _volatile_default(col: Column, ctx: RenderContext) -> bool:
    """A plain column whose default is volatile: ADD COLUMN with it rewrites the table."""
    if col.default is None or col.generated is not None or col.option(Identity) is not None:
        return False
    from ddlcompare.dialects.postgres.hazards import volatile_default  # hazards imports this module

    return volatile_default(_e(col.default), ctx.new)


def _add_column_backfilled(t: Table, col: Column, ctx: RenderContext) -> list[St]:
    """--online: a column with a volatile default added without the rewrite ADD COLUMN would do under
    ACCESS EXCLUSIVE: added without a default (catalog only), the default set for new rows, the
    existing rows backfilled by an UPDATE in a transaction of its own (row locks: readers go on),
    then NOT NULL as `_set_not_null` sets it."""
    base = f"ALTER TABLE {_q(t)}"
    bare = dataclasses.replace(col, default=None, nullable=True)
    assert col.default is not None
    out = [
        St(f"{base} ADD COLUMN {column_def(bare)};"),
        St(f"{base} ALTER COLUMN {ident(col.name)} SET DEFAULT {_e(col.default)};"),
        St(
            f"UPDATE {_q(t)} SET {ident(col.name)} = DEFAULT WHERE {ident(col.name)} IS NULL;",
            alone=True,
            note=(
                f"BACKFILL: gives the existing rows of {t.display} a value of {col.name}'s default, "
                "in one UPDATE; on a large table run it in batches instead (it may be re-run)"
            ),
        ),
    ]
    return out if col.nullable else out + _set_not_null(t, col.name, _checked_not_null(ctx))


def _set_not_null(t: Table, column: str, online: bool, note: str = "") -> list[St]:
    """SET NOT NULL; under --online (a table with rows) without its scan under ACCESS EXCLUSIVE: a
    CHECK (column IS NOT NULL) added NOT VALID, validated in a transaction of its own (SHARE UPDATE
    EXCLUSIVE: reads and writes go on), lets SET NOT NULL (PostgreSQL 12+) skip the scan; the
    helper check is dropped after. hazards.py relies on this: keep the two in step. `note` goes
    on the first statement."""
    base = f"ALTER TABLE {_q(t)}"
    set_nn = St(f"{base} ALTER COLUMN {ident(column)} SET NOT NULL;")
    if not online:
        return [dataclasses.replace(set_nn, note=note)]
    check = ident(not_null_helper(column))
    return [
        St(f"{base} ADD CONSTRAINT {check} CHECK ({ident(column)} IS NOT NULL) NOT VALID;", note=note),
        St(f"{base} VALIDATE CONSTRAINT {check};", alone=True),
        set_nn,
        St(f"{base} DROP CONSTRAINT {check};"),
    ]


def _checked_not_null(ctx: RenderContext) -> bool:
    """Whether SET NOT NULL goes through the helper CHECK (`_set_not_null`): under --online, for a
    target that skips the scan when a valid CHECK proves the column (PostgreSQL 12+)."""
    return ctx.options.online and (ctx.target is None or ctx.target.at_least(12))


def not_null_helper(column: str) -> str:
    """The name of the helper CHECK that `_set_not_null` adds and drops under --online."""
    return truncate(f"{column}__ddlc_not_null")


_ZERO = {
    "smallint": "0", "integer": "0", "bigint": "0", "numeric": "0", "real": "0",
    "double precision": "0", "text": "''", "character varying": "''", "character": "''",
    "citext": "''", "boolean": "false", "date": "'epoch'::date",
    "timestamp without time zone": "'epoch'::timestamp", "timestamp with time zone": "'epoch'::timestamptz",
    "time without time zone": "'00:00'::time", "interval": "'0'::interval", "bytea": "''::bytea",
    "uuid": "'00000000-0000-0000-0000-000000000000'::uuid", "json": "'{}'::json", "jsonb": "'{}'::jsonb",
    "inet": "'0.0.0.0'::inet",
}  # fmt: skip


def _zero_value(column_type: str, schema: Schema) -> str | None:
    """A value every column of `column_type` accepts, or None: arrays are empty, enums take their
    first label, domains and other types have none known (a domain's CHECK may refuse any)."""
    if column_type.endswith("[]"):
        return f"'{{}}'::{column_type}"
    base = " ".join(re.sub(r"\(.*?\)", "", column_type).split())
    if base in _ZERO:
        return _ZERO[base]
    for e in schema.of_kind(Enum):
        if _q(e) == column_type and e.labels:
            return f"{literal(e.labels[0])}::{column_type}"
    return None


def _composite_of(schema: Schema, table: Table) -> CompositeType | None:
    """The composite type a typed table (CREATE TABLE ... OF type) is of, in `schema`."""
    for key in table.depends_on:
        if key.kind == CompositeType.KIND:
            obj = schema.get(key)
            if isinstance(obj, CompositeType):
                return obj
    return None


def _after_type(ctx: RenderContext, table: Table, name: str, col: Column | None) -> Column | None:
    """Column `name` of a typed table once its type's ALTER TYPE ... CASCADE has run: attributes
    added, dropped and retyped there are added, dropped and retyped on the table too."""
    ta, tb = _composite_of(ctx.old, table), _composite_of(ctx.new, table)
    a = {x.name: x for x in ta.attributes} if ta else {}
    b = {x.name: x for x in tb.attributes} if tb else {}
    if name in a and name not in b:
        return None
    if name in b and (name not in a or col is None):
        return Column(name=name, type=b[name].type, collation=b[name].collation)
    if col is not None and name in a and name in b and _retyped(a[name], b[name]):
        return dataclasses.replace(col, type=b[name].type, collation=b[name].collation)
    return col


def _retyped(a: Attribute, b: Attribute) -> bool:
    return (a.type, a.collation) != (b.type, b.collation)


def _typed_tables(schema: Schema, type_name: str) -> list[Table]:
    return [t for t in schema.of_kind(Table) if (o := t.option(OfType)) is not None and o.type == type_name]


def _same_parents(old: Table, new: Table) -> tuple[tuple[str, str], ...]:
    """Parents (partitioned table or inheritance parents) a table has on both sides."""
    po, pn = old.option(PartitionOf), new.option(PartitionOf)
    if po is not None and pn is not None and po.parent == pn.parent:
        return (pn.parent,)
    io, inn = old.option(Inherits), new.option(Inherits)
    if io is not None and inn is not None:
        return tuple(p for p in inn.parents if p in io.parents)
    return ()


def _after_parents(
    ctx: RenderContext, parents: tuple[tuple[str, str], ...], name: str, col: Column | None, *, kept: bool
) -> Column | None:
    """Column `name` of a child table once its parents' ALTER TABLE statements have recursed:
    ADD/DROP COLUMN, TYPE, SET/DROP DEFAULT and SET/DROP NOT NULL all recurse to children
    (https://www.postgresql.org/docs/current/sql-altertable.html). A column the child still has
    after its parent dropped it was defined locally as well, and DROP COLUMN leaves it there."""
    cur = col
    for p in parents:
        pa = next((c for c in _columns_of(ctx.old, p) if c.name == name), None)
        pb = next((c for c in _columns_of(ctx.new, p) if c.name == name), None)
        if pa is None and pb is not None and cur is None:
            cur = dataclasses.replace(pb, comment=None, options=())
        elif pa is not None and pb is None and not kept:
            cur = None
        elif pa is not None and pb is not None and cur is not None:
            if (pa.type, pa.collation) != (pb.type, pb.collation):
                cur = dataclasses.replace(cur, type=pb.type, collation=pb.collation)
            if pa.default != pb.default:
                cur = dataclasses.replace(cur, default=pb.default)
            if pa.nullable != pb.nullable:
                cur = dataclasses.replace(cur, nullable=pb.nullable)
    return cur


def _domain_bases(ctx: RenderContext) -> dict[str, str]:
    """Rendered domain name -> its base type, over both sides of the change."""
    out: dict[str, str] = {}
    for schema in (ctx.old, ctx.new):
        for obj in schema.of_kind(Domain):
            out[_q(obj)] = obj.base_type
    return out


def type_change(
    column: str, old: str, new: str, domains: dict[str, str] | None = None
) -> tuple[str | None, bool]:
    """(USING expression or None, lossy) for ALTER COLUMN ... TYPE from `old` to `new`.

    A domain and its base type convert both ways without USING: PostgreSQL coerces to a domain
    with an assignment cast plus a constraint check, which fails the statement rather than losing
    data (https://www.postgresql.org/docs/current/domains.html).
    """
    if old == new:
        return None, False
    domains = domains or {}
    if domains.get(old) == new:
        return None, False
    if domains.get(new) == old:
        return None, False
    old_array, new_array = old.endswith("[]"), new.endswith("[]")
    if not old_array and new_array:
        # no cast turns a scalar into an array: wrap the value
        return f"ARRAY[{ident(column)}]::{new}", _lossy(old, new.removesuffix("[]"))
    if old_array and not new_array:
        return f"{ident(column)}[1]::{new}", True  # keeps the first element only
    if _is_user_type(old) and old != new:
        # no cast leads from an enum (or other user type) to another type but its text form
        if _family(new) == "string":
            return f"{ident(column)}::text", False
        return f"{ident(column)}::text::{new}", True  # fails where a value has no counterpart
    using = f"{ident(column)}::{new}" if _needs_using(old, new) else None
    return using, _lossy(old, new)


_INT_BOUNDS = {
    "smallint": (-32768, 32767),
    "integer": (-2147483648, 2147483647),
    "bigint": (-9223372036854775808, 9223372036854775807),
}


def _identity_bounds(column_type: str, seq: dict[str, str]) -> tuple[int, int]:
    """MINVALUE and MAXVALUE of an identity sequence, defaults spelled out."""
    lo, hi = _INT_BOUNDS.get(column_type, _INT_BOUNDS["bigint"])
    if int(seq.get("increment", "1")) > 0:
        return int(seq.get("min_value", "1")), int(seq.get("max_value", str(hi)))
    return int(seq.get("min_value", str(lo))), int(seq.get("max_value", "-1"))


def _identity_start(seq: dict[str, str]) -> int:
    """The START an identity sequence takes by default: its MINVALUE ascending (default 1), its
    MAXVALUE descending (default -1)."""
    if int(seq.get("increment", "1")) > 0:
        return int(seq.get("min_value", "1"))
    return int(seq.get("max_value", "-1"))


def _kept_by_child(schema: Schema, parent: Table, column: str) -> bool:
    """Whether a table inheriting from `parent` (in `schema`) has a column of that name."""
    me = (parent.schema, parent.name)
    for t in schema.of_kind(Table):
        inh = t.option(Inherits)
        if inh is not None and me in inh.parents and t.column(column) is not None:
            return True
    return False


def _is_user_type(t: str) -> bool:
    """A schema-qualified type name: an enum, domain, composite or extension type, not a builtin."""
    return "." in t.split("(")[0].removesuffix("[]")


def _alter_column(
    t: Table, a: Column, b: Column, domains: dict[str, str] | None = None, *, online: bool = False
) -> list[St]:
    base = f"ALTER TABLE {_q(t)} ALTER COLUMN {ident(b.name)}"
    out: list[St] = []
    if a.generated != b.generated or a.generated_stored != b.generated_stored:
        if b.generated is None:
            out.append(St(f"{base} DROP EXPRESSION;"))
            a = Column(
                name=a.name, type=a.type, nullable=a.nullable, collation=a.collation, options=a.options
            )
        else:
            # PostgreSQL 15 cannot change a generation expression in place (SET EXPRESSION is
            # PostgreSQL 17): re-add the column. Both statements are marked so that they are
            # commented out together; indexes on the column go with it.
            note = f"re-creates generated column {t.display}.{b.name}"
            out.append(St(f"ALTER TABLE {_q(t)} DROP COLUMN {ident(b.name)};", destructive=True, note=note))
            out.append(St(f"ALTER TABLE {_q(t)} ADD COLUMN {column_def(b)};", destructive=True, note=note))
            return out
    ai, bi = a.option(Identity), b.option(Identity)
    if ai is not None and bi is None:
        out.append(St(f"{base} DROP IDENTITY;"))
    default_note = ""  # set when the default is dropped and restored around a lossy type change
    if a.type != b.type or a.collation != b.collation:
        s = f"{base} TYPE {b.type}"
        if b.collation:
            s += f" COLLATE {b.collation}"
        using, lossy = type_change(b.name, a.type, b.type, domains)
        if using is not None:
            s += f" USING {using}"
        # The old default is cast to the new type with an assignment cast; where there is none
        # (USING needed) or it may fail, ALTER TYPE errors out: drop it first and set it after.
        note = f"{t.display}.{b.name}: {a.type} -> {b.type} may lose data or fail" if lossy else ""
        if a.default is not None and a.type != b.type and (lossy or using is not None):
            default_note = note
            out.append(St(f"{base} DROP DEFAULT;", destructive=lossy, note=note))
            a = Column(
                name=a.name,
                type=a.type,
                nullable=a.nullable,
                collation=a.collation,
                options=a.options,
                generated=a.generated,
            )
        out.append(St(s + ";", destructive=lossy, note=note))
    if a.default != b.default and b.generated is None:
        out += [St(x.sql, destructive=bool(default_note), note=default_note) for x in _set_default(t, b)]
    # ADD GENERATED ... AS IDENTITY requires the column to be NOT NULL already
    # (https://www.postgresql.org/docs/current/sql-altertable.html), so SET NOT NULL goes first.
    if a.nullable != b.nullable:
        out += [St(f"{base} DROP NOT NULL;")] if b.nullable else _set_not_null(t, b.name, online)
    if bi is not None and ai is None:
        opts = " (" + " ".join(_seq_clause(k, v) for k, v in bi.sequence) + ")" if bi.sequence else ""
        out.append(St(f"{base} ADD GENERATED {'ALWAYS' if bi.always else 'BY DEFAULT'} AS IDENTITY{opts};"))
    elif ai is not None and bi is not None and ai != bi:
        clauses = []
        if ai.always != bi.always:
            clauses.append(f"SET GENERATED {'ALWAYS' if bi.always else 'BY DEFAULT'}")
        old_seq, new_seq = dict(ai.sequence), dict(bi.sequence)
        bounds = ("min_value", "max_value", "increment")
        if any(old_seq.get(k) != new_seq.get(k) for k in bounds):
            if "start" not in new_seq:
                # PostgreSQL checks START against the new bounds: spell the default start out
                old_seq.setdefault("start", "")
                new_seq["start"] = str(_identity_start(new_seq))
            # ... and the sequence's current value too: when the bounds narrow, move it in first
            lo, hi = _identity_bounds(b.type, new_seq)
            old_lo, old_hi = _identity_bounds(a.type, {**old_seq, "increment": new_seq.get("increment", "1")})
            if lo > old_lo or hi < old_hi:
                out.append(
                    St(
                        f"SELECT setval(s::regclass, {new_seq['start']}, false) FROM "
                        f"pg_get_serial_sequence({literal(_q(t))}, {literal(b.name)}) AS s "
                        "WHERE coalesce(pg_sequence_last_value(s::regclass) "
                        f"NOT BETWEEN {lo} AND {hi}, true);"
                    )
                )
        for k in sorted(old_seq.keys() | new_seq.keys()):
            if old_seq.get(k) != new_seq.get(k):
                v = new_seq.get(k)
                if v is None:
                    v = {"start": "1", "increment": "1", "cache": "1", "cycle": "False"}.get(k)
                    if v is None:
                        clauses.append("SET NO " + ("MINVALUE" if k == "min_value" else "MAXVALUE"))
                        continue
                clauses.append("SET " + _seq_clause(k, v))
        if clauses:
            out.append(St(f"{base} {' '.join(clauses)};"))
    sa, sb = a.option(Storage), b.option(Storage)
    if sa != sb:
        out += _storage(t, b, sb or Storage(), sa)
    if a.comment != b.comment:
        out.append(
            St(
                f"COMMENT ON COLUMN {_q(t)}.{ident(b.name)} IS "
                f"{literal(b.comment) if b.comment is not None else 'NULL'};"
            )
        )
    return out


def _alter_table_options(old: Table, new: Table, ctx: RenderContext) -> list[St]:
    t = _q(new)
    out = []
    if bool(old.option(Unlogged)) != bool(new.option(Unlogged)):
        out.append(St(f"ALTER TABLE {t} SET {'UNLOGGED' if new.option(Unlogged) else 'LOGGED'};"))
    out += _set_access_method(f"ALTER TABLE {t}", old, new)
    out += _reloptions(f"ALTER TABLE {t}", old.option(StorageParams), new.option(StorageParams))
    po, pn = old.option(PartitionOf), new.option(PartitionOf)
    if po != pn:
        if po is not None:
            out.append(St(f"ALTER TABLE {_rel(*po.parent)} DETACH PARTITION {t};"))
            if pn is None:
                # what the partition had for its parents' keys and indexes stays on the table:
                # what the new side does not have goes
                kept = {_plain(o) for o in ctx.new.children().get((new.schema, new.name), ())}
                for copy in detach_copies(old, ctx.old):
                    if copy in kept:
                        continue
                    if isinstance(copy, Index):
                        out.append(St(f"DROP INDEX IF EXISTS {_q(copy)};"))
                    else:
                        out.append(St(f"ALTER TABLE {t} DROP CONSTRAINT IF EXISTS {ident(copy.name)};"))
        if pn is not None:
            out.append(St(f"ALTER TABLE {_rel(*pn.parent)} ATTACH PARTITION {t} {_e(pn.bound)};"))
    io, inn = old.option(Inherits), new.option(Inherits)
    if io != inn:
        before, after = set(io.parents if io else ()), set(inn.parents if inn else ())
        out += [St(f"ALTER TABLE {t} NO INHERIT {_rel(*p)};") for p in sorted(before - after)]
        out += [St(f"ALTER TABLE {t} INHERIT {_rel(*p)};") for p in sorted(after - before)]
    fo, fn = old.option(ForeignTable), new.option(ForeignTable)
    if fo is not None and fn is not None and fo.params != fn.params:
        out.append(St(f"ALTER FOREIGN TABLE {t}{_fdw_alter(fo.params, fn.params)};"))
    out += _table_options(new, old)
    return out


def _set_access_method(head: str, old: SchemaObject, new: SchemaObject) -> list[St]:
    """SET ACCESS METHOD (PostgreSQL 15): the table is rewritten in place, its data kept."""
    a, b = old.option(AccessMethod), new.option(AccessMethod)
    if a == b:
        return []
    return [St(f"{head} SET ACCESS METHOD {ident(b.method if b is not None else 'heap')};")]


def _reloptions(
    head: str, old: StorageParams | ViewOptions | None, new: StorageParams | ViewOptions | None
) -> list[St]:
    a = dict(p.split("=", 1) for p in (old.params if old else ()))
    b = dict(p.split("=", 1) for p in (new.params if new else ()))
    out = []
    removed = sorted(a.keys() - b.keys())
    if removed:
        out.append(St(f"{head} RESET ({', '.join(removed)});"))
    changed = sorted(k for k in b if a.get(k) != b[k])
    if changed:
        out.append(St(f"{head} SET ({', '.join(_param(f'{k}={b[k]}') for k in changed)});"))
    return out


@alter.register
def _(old: Index, new: Index, change: Alter, ctx: RenderContext) -> list[St]:
    out = _reloptions(f"ALTER INDEX {_q(new)}", old.option(StorageParams), new.option(StorageParams))
    if bool(old.option(Clustered)) != bool(new.option(Clustered)):
        t = _rel(new.schema, new.table)
        out.append(
            St(
                f"ALTER TABLE {t} CLUSTER ON {ident(new.name)};"
                if new.option(Clustered)
                else f"ALTER TABLE {t} SET WITHOUT CLUSTER;"
            )
        )
    if old.option(PartitionIndexNames) != new.option(PartitionIndexNames):
        out += _partition_index_renames(old, new, ctx)
    return out + _common(old, new)


def _alter_constraint(old: SchemaObject, new: SchemaObject, online: bool = False) -> list[St]:
    assert isinstance(old, Constraint) and isinstance(new, Constraint)
    t = _rel(new.schema, new.table)
    if getattr(old, "valid", True) and getattr(new, "valid", True) is False:
        # a validated constraint cannot be marked NOT VALID again: re-add it unvalidated
        return _constraint_drop(old) + _constraint_create(new)
    out = []
    if (old.deferrable, old.initially_deferred) != (new.deferrable, new.initially_deferred):
        out.append(
            St(f"ALTER TABLE {t} ALTER CONSTRAINT {ident(new.name)}{_deferrable(new) or ' NOT DEFERRABLE'};")
        )
    if getattr(old, "valid", True) is False and getattr(new, "valid", True):
        # --online: in a transaction of its own, not holding the locks of the statements before it
        out.append(St(f"ALTER TABLE {t} VALIDATE CONSTRAINT {ident(new.name)};", alone=online))
    return out + _common(old, new) + _index_comment(new, old)


def _alter_key(old: SchemaObject, new: SchemaObject, ctx: RenderContext) -> list[St]:
    out = _alter_constraint(old, new, ctx.options.online)
    keys = (PrimaryKey, Unique)
    renamed = old.option(PartitionIndexNames) != new.option(PartitionIndexNames)
    if renamed and isinstance(old, keys) and isinstance(new, keys):
        out += _partition_index_renames(old, new, ctx)
    return out


for _cls in (Check, ForeignKey, Exclude):
    alter.register(_cls, lambda old, new, change, ctx: _alter_constraint(old, new, ctx.options.online))
for _cls in (PrimaryKey, Unique):
    alter.register(_cls, lambda old, new, change, ctx: _alter_key(old, new, ctx))


@alter.register
def _(old: View, new: View, change: Alter, ctx: RenderContext) -> list[St]:
    kind = "MATERIALIZED VIEW" if isinstance(new, MaterializedView) else "VIEW"
    head = f"ALTER {kind} {_q(new)}"
    out = _set_access_method(head, old, new)
    out += _reloptions(
        head,
        old.option(ViewOptions) or old.option(StorageParams),
        new.option(ViewOptions) or new.option(StorageParams),
    )
    if old.check_option != new.check_option:
        # check_option is a view option too: ALTER VIEW ... SET (check_option = local|cascaded)
        # (https://www.postgresql.org/docs/current/sql-alterview.html)
        out.append(
            St(f"{head} SET (check_option={new.check_option.lower()});")
            if new.check_option
            else St(f"{head} RESET (check_option);")
        )
    out += _view_column_comments(new, old)
    if not isinstance(new, MaterializedView):
        out += _view_defaults(new, old)
    return out + _common(old, new)


@alter.register
def _(old: Seq, new: Seq, change: Alter, ctx: RenderContext) -> list[St]:
    clauses = []
    if old.data_type != new.data_type:
        clauses.append(f"AS {new.data_type}")
    for field, word in (
        ("increment", "INCREMENT BY"),
        ("min_value", "MINVALUE"),
        ("max_value", "MAXVALUE"),
        ("start", "START WITH"),
        ("cache", "CACHE"),
    ):
        if getattr(old, field) != getattr(new, field) or (
            field in ("min_value", "max_value") and old.data_type != new.data_type
        ):
            clauses.append(f"{word} {getattr(new, field)}")
    if old.cycle != new.cycle:
        clauses.append("CYCLE" if new.cycle else "NO CYCLE")
    out = _sequence_into_range(old, new)
    if clauses:
        out.append(St(f"ALTER SEQUENCE {_q(new)} {' '.join(clauses)};"))
    if old.owned_by != new.owned_by:
        if old.owned_by is not None:
            # released before any step: the plan may drop the old owning column or table (DROP
            # COLUMN, DROP TABLE, a rebuild) before the late OWNED BY below, and the server would
            # drop the sequence with it
            out.append(St(f"ALTER SEQUENCE IF EXISTS {_q(old)} OWNED BY NONE;", early=True))
        if new.owned_by is not None:
            out.append(St(f"ALTER SEQUENCE {_q(new)} OWNED BY {_owner_column(new)};", late=True))
    return out + _common(old, new)


def _sequence_into_range(old: Seq, new: Seq) -> list[St]:
    """Move a sequence that has not reached a raised MINVALUE (lowered MAXVALUE when descending)
    onto the new bound first: ALTER SEQUENCE rejects a current value outside the new range
    ("RESTART value (1) cannot be less than MINVALUE"), while a plain RESTART would move a
    sequence that is already past the bound backwards."""
    name = literal(_q(new))
    if new.increment > 0 and new.min_value > old.min_value and new.min_value <= old.max_value:
        cond = f"last_value < {new.min_value}"
        bound = new.min_value
    elif new.increment < 0 and new.max_value < old.max_value and new.max_value >= old.min_value:
        cond = f"last_value > {new.max_value}"
        bound = new.max_value
    else:
        return []
    return [St(f"SELECT pg_catalog.setval({name}, {bound}, false) FROM {_q(new)} WHERE {cond};")]


@alter.register
def _(old: Routine, new: Routine, change: Alter, ctx: RenderContext) -> list[St]:
    fields = _differs(old, new, _REBUILD_IGNORE)
    out = [St(_routine_sql(new, replace=True))] if fields else []
    removed = {k for k, _ in old.attributes} - {k for k, _ in new.attributes}
    kind, name = identity(new)
    for k in sorted(removed):
        if k.startswith("set "):
            out.append(St(f"ALTER {kind} {name} RESET {k[4:]};"))
    return out + _common(old, new)


@alter.register
def _(old: Trigger, new: Trigger, change: Alter, ctx: RenderContext) -> list[St]:
    return _trigger_state(new, old) + _common(old, new)


@alter.register
def _(old: Policy, new: Policy, change: Alter, ctx: RenderContext) -> list[St]:
    head = f"ALTER POLICY {ident(new.name)} ON {_rel(new.schema, new.table)}"
    clauses = []
    if old.roles != new.roles:
        clauses.append("TO " + ", ".join("PUBLIC" if r == "public" else _role(r) for r in new.roles))
    if old.using != new.using and new.using is not None:
        clauses.append(f"USING {_paren(new.using)}")
    if old.with_check != new.with_check and new.with_check is not None:
        clauses.append(f"WITH CHECK {_paren(new.with_check)}")
    out = [St(f"{head} {' '.join(clauses)};")] if clauses else []
    if (old.using is not None and new.using is None) or (
        old.with_check is not None and new.with_check is None
    ):
        out = [St(f"DROP POLICY {ident(new.name)} ON {_rel(new.schema, new.table)};"), St(_policy_sql(new))]
    return out + _common(old, new)


@alter.register
def _(old: Enum, new: Enum, change: Alter, ctx: RenderContext) -> list[St]:
    if not _is_subsequence(old.labels, new.labels):
        return _enum_swap(old, new, ctx) + _common(old, new)
    out = []
    labels = list(old.labels)
    for i, label in enumerate(new.labels):
        if label in labels:
            continue
        # place it after its predecessor in the new order (or before the first label)
        if i > 0:
            clause = f" AFTER {literal(new.labels[i - 1])}"
            labels.insert(labels.index(new.labels[i - 1]) + 1, label)
        elif labels:
            clause = f" BEFORE {literal(labels[0])}"
            labels.insert(0, label)
        else:
            clause = ""
            labels.append(label)
        out.append(
            St(
                f"ALTER TYPE {_q(new)} ADD VALUE {literal(label)}{clause};",
                transactional=False,
                # early: a new label cannot be used in the transaction that adds it
                # (https://www.postgresql.org/docs/current/sql-altertype.html, Notes)
                early=True,
                note="ALTER TYPE ... ADD VALUE: the new value is usable only once committed",
            )
        )
    return out + _common(old, new)


def _enum_swap(old: Enum, new: Enum, ctx: RenderContext) -> list[St]:
    """Remove or reorder enum labels: PostgreSQL can only add them
    (https://www.postgresql.org/docs/current/sql-altertype.html), so the type is renamed, created
    anew and every column using it converted through text before the old type is dropped."""
    removed = [x for x in old.labels if x not in new.labels]
    note = (
        f"{new.display}: removes {', '.join(literal(x) for x in removed)}; rows holding them make it fail"
        if removed
        else f"{new.display}: reorders its labels"
    )
    tmp = truncate(f"{old.name}__ddlc_old")
    qtmp = qualified(new.schema, tmp)
    out = [
        St(f"ALTER TYPE {_q(old)} RENAME TO {ident(tmp)};", destructive=True, note=note),
        St(f"CREATE TYPE {_q(new)} AS ENUM ({', '.join(literal(v) for v in new.labels)});"),
    ]
    for table, col in _columns_of_type(ctx.old, _q(old)):
        if ctx.new.get(table.key) is None:
            continue  # dropped by this migration before the type changes
        base = f"ALTER TABLE {_q(table)} ALTER COLUMN {ident(col.name)}"
        array = "[]" if col.type.endswith("[]") else ""
        # The default is an expression of the old type: it cannot be cast automatically. The
        # target side's default is restored where the column keeps the type: the old one may use a
        # removed label, and in a rollback the table's own change has already run.
        target = ctx.new.get(table.key)
        tcol = target.column(col.name) if isinstance(target, Table) else None
        default = tcol.default if tcol is not None and tcol.type == col.type else col.default
        if col.default is not None:
            out.append(St(f"{base} DROP DEFAULT;"))
        out.append(St(f"{base} TYPE {col.type} USING {ident(col.name)}::text{array}::{col.type};"))
        if default is not None:
            out.append(St(f"{base} SET DEFAULT {_e(default)};"))
    out.append(St(f"DROP TYPE {qtmp};"))
    # all or nothing: commented out together when destructive statements are not allowed
    return [St(x.sql, destructive=True, note=note, transactional=x.transactional) for x in out]


def _columns_of_type(schema: Schema, type_name: str) -> list[tuple[Table, Column]]:
    """Columns of type `type_name` (or an array of it), except those a parent's ALTER recurses to."""
    out = []
    for obj in schema:
        if not isinstance(obj, Table) or obj.option(PartitionOf) is not None:
            continue
        inh = obj.option(Inherits)
        inherited = {c.name for p in (inh.parents if inh else ()) for c in _columns_of(schema, p)}
        for col in obj.columns:
            if col.type in (type_name, f"{type_name}[]") and col.name not in inherited:
                out.append((obj, col))
    return out


@alter.register
def _(old: Domain, new: Domain, change: Alter, ctx: RenderContext) -> list[St]:
    head = f"ALTER DOMAIN {_q(new)}"
    out = []
    if old.default != new.default:
        out.append(St(f"{head} SET DEFAULT {_e(new.default)};" if new.default else f"{head} DROP DEFAULT;"))
    if old.not_null != new.not_null:
        out.append(St(f"{head} {'SET' if new.not_null else 'DROP'} NOT NULL;"))
    before = {c.name: c for c in old.checks}
    after = {c.name: c for c in new.checks}

    def readd(name: str) -> bool:
        # a changed check, or a validated one that must become NOT VALID again: drop and re-add
        a, b = before[name], after[name]
        return a.expr != b.expr or (a.valid and not b.valid)

    for name in before:
        if name not in after or readd(name):
            out.append(St(f"{head} DROP CONSTRAINT {ident(name)};"))
    for name, c in after.items():
        if name not in before or readd(name):
            nv = "" if c.valid else " NOT VALID"
            out.append(St(f"{head} ADD CONSTRAINT {ident(name)} CHECK {_paren(c.expr)}{nv};"))
        elif not before[name].valid and c.valid:
            out.append(St(f"{head} VALIDATE CONSTRAINT {ident(name)};"))
        if c.comment != (before[name].comment if name in before and not readd(name) else None):
            out.append(
                St(
                    f"COMMENT ON CONSTRAINT {ident(name)} ON DOMAIN {_q(new)} IS "
                    f"{literal(c.comment) if c.comment is not None else 'NULL'};"
                )
            )
    return out + _common(old, new)


@alter.register
def _(old: CompositeType, new: CompositeType, change: Alter, ctx: RenderContext) -> list[St]:
    if not _attributes_in_place(old, new):
        # attribute order is part of the type (row constructors are positional)
        return drop(old, ctx) + create(new, ctx)
    head = f"ALTER TYPE {_q(new)}"
    a = {x.name: x for x in old.attributes}
    b = {x.name: x for x in new.attributes}
    clauses = [f"DROP ATTRIBUTE {ident(n)}" for n in a if n not in b]
    for n, x in b.items():
        if n not in a:
            clauses.append(
                f"ADD ATTRIBUTE {ident(n)} {x.type}" + (f" COLLATE {x.collation}" if x.collation else "")
            )
        elif (a[n].type, a[n].collation) != (x.type, x.collation):
            clauses.append(
                f"ALTER ATTRIBUTE {ident(n)} TYPE {x.type}"
                + (f" COLLATE {x.collation}" if x.collation else "")
            )
    dropped = [n for n in a if n not in b]
    # typed tables of the type follow it only with CASCADE (otherwise the ALTER fails)
    if _typed_tables(ctx.old, _q(old)):
        clauses = [f"{c} CASCADE" for c in clauses]
    out = (
        [
            St(
                f"{head} {', '.join(clauses)};",
                destructive=bool(dropped),
                note=f"drops attribute(s) {', '.join(dropped)} of {new.display}" if dropped else "",
            )
        ]
        if clauses
        else []
    )
    # A column the CASCADE adds to a typed table gets its WITH OPTIONS (default, NOT NULL) here,
    # right after it exists: the table's own step may run before this one in a rollback.
    domains = _domain_bases(ctx)
    for table in _typed_tables(ctx.new, _q(new)) if clauses else ():
        for n in b:
            col = table.column(n)
            added = Column(name=n, type=b[n].type, collation=b[n].collation)
            if n in a or col is None or col == added:
                continue
            for st in _alter_column(table, added, col, domains, online=_checked_not_null(ctx)):
                # held back with the ALTER TYPE when that one is destructive
                out.append(dataclasses.replace(st, destructive=out[0].destructive, note=out[0].note))
    for n, x in b.items():
        if x.comment != (a[n].comment if n in a else None):
            out.append(_attribute_comment(new, n, x.comment))
    return out + _common(old, new)


@alter.register
def _(old: Extension, new: Extension, change: Alter, ctx: RenderContext) -> list[St]:
    out = []
    if old.in_schema != new.in_schema and new.in_schema:
        out.append(St(f"ALTER EXTENSION {ident(new.name)} SET SCHEMA {ident(new.in_schema)};"))
    return out + _common(old, new)


@alter.register
def _(old: Definition, new: Definition, change: Alter, ctx: RenderContext) -> list[St]:
    return _trigger_state(new, old) + _common(old, new)


# ---- entry points -----------------------------------------------------------------------------


def render(change: Change, ctx: RenderContext) -> Sequence[St]:
    """SQL for one change."""
    if isinstance(change, Create):
        out = create(change.new, ctx)
    elif isinstance(change, Drop):
        obj = change.old
        assert isinstance(obj, SchemaObject)
        if obj.key in ctx.implicit_drops:
            return []
        out = drop(obj, ctx)
    elif isinstance(change, Rename):
        from ddlcompare.dialects.postgres.rename import rename

        out = rename(change, ctx)
    else:
        out = alter(change.old, change.new, change, ctx)
    # notes become `--` comment lines: a name with a line break must not end the comment
    return [
        dataclasses.replace(st, note=_one_line(st.note)) if "\n" in st.note or "\r" in st.note else st
        for st in out
    ]


def _one_line(text: str) -> str:
    return text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")


def snapshot(schema: Schema) -> str:
    """Canonical DDL of `schema`: every object created in dependency order."""
    from ddlcompare.dialects.postgres import DIALECT
    from ddlcompare.diff.compare import diff
    from ddlcompare.output.sql import statements
    from ddlcompare.plan.plan import PlanOptions, make_plan

    empty = Schema(schema.dialect, {})
    # a snapshot is plain DDL: the re-runnable forms are for migrations
    plain = PlanOptions(idempotent=False)
    plan = make_plan(empty, schema, diff(empty, schema), DIALECT, render, options=plain)
    lines = [
        f"-- ddlcompare snapshot ({schema.dialect}) of {schema.source}"
        if schema.source
        else f"-- ddlcompare snapshot ({schema.dialect})",
        # a partial snapshot says so in itself, not only on stderr
        *(f"-- left out: the account cannot see {u.what}" for u in schema.unseen),
        "SET check_function_bodies = false;",
        "",
    ]
    lines += [s.sql for s in statements(plan)]
    return "\n".join(lines) + "\n"


__all__: list[str] = ["LEFTOVER", "needs_rebuild", "render", "snapshot"]
