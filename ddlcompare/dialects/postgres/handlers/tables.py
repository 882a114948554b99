"""CREATE TABLE, ALTER TABLE, CREATE INDEX and table constraints -> model objects."""

from __future__ import annotations

from typing import Any

from ddlcompare.dialects.postgres import names
from ddlcompare.dialects.postgres.fastpath import Shape, shape_handler
from ddlcompare.dialects.postgres.names import choose_name, column_name_part, truncate
from ddlcompare.dialects.postgres.objects import (
    AccessMethod,
    Clustered,
    CompositeType,
    Exclude,
    ForeignTable,
    Identity,
    Inherits,
    OfType,
    PartitionBy,
    PartitionIndexNames,
    PartitionOf,
    ReplicaIdentity,
    RowSecurity,
    Storage,
    StorageParams,
    TriggerState,
    Unlogged,
    ViewDefaults,
    index_shape,
    partition_naming,
)
from ddlcompare.dialects.postgres.parse import Builder, Node, const_value, handles, strings
from ddlcompare.dialects.postgres.replay import CACHE
from ddlcompare.dialects.postgres.types import default_storage, is_serial, needs_lookup, type_name
from ddlcompare.model.base import (
    Expr,
    ObjectKey,
    Option,
    SchemaObject,
    dependencies,
    evolve,
    replace_option,
    with_options,
)
from ddlcompare.model.objects import (
    Check,
    Column,
    Constraint,
    ForeignKey,
    Index,
    IndexPart,
    PrimaryKey,
    Sequence,
    Table,
    TableChild,
    Trigger,
    Unique,
)

_ACTIONS = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}
_MATCH = {"s": "SIMPLE", "f": "FULL", "p": "PARTIAL"}
CONSTRAINT_KINDS = ("primary_key", "unique", "check", "foreign_key", "exclude")
INDEX_BACKED = ("primary_key", "unique", "exclude")
INT_RANGES = {
    "smallint": (-32768, 32767),
    "integer": (-2147483648, 2147483647),
    "bigint": (-9223372036854775808, 9223372036854775807),
}
# Operator classes of pg_catalog (PostgreSQL 15): any other is qualified with its schema, as
# pg_dump writes it.
_BUILTIN_OPCLASS_NAMES = """
    aclitem_ops array_ops bit_minmax_ops bit_ops bool_ops box_inclusion_ops box_ops bpchar_bloom_ops
    bpchar_minmax_ops bpchar_ops bpchar_pattern_ops bytea_bloom_ops bytea_minmax_ops bytea_ops
    char_bloom_ops char_minmax_ops char_ops cid_ops cidr_ops circle_ops date_bloom_ops
    date_minmax_multi_ops date_minmax_ops date_ops enum_ops float4_bloom_ops float4_minmax_multi_ops
    float4_minmax_ops float4_ops float8_bloom_ops float8_minmax_multi_ops float8_minmax_ops float8_ops
    inet_bloom_ops inet_inclusion_ops inet_minmax_multi_ops inet_minmax_ops inet_ops int2_bloom_ops
    int2_minmax_multi_ops int2_minmax_ops int2_ops int4_bloom_ops int4_minmax_multi_ops int4_minmax_ops
    int4_ops int8_bloom_ops int8_minmax_multi_ops int8_minmax_ops int8_ops interval_bloom_ops
    interval_minmax_multi_ops interval_minmax_ops interval_ops jsonb_ops jsonb_path_ops kd_point_ops
    macaddr8_bloom_ops macaddr8_minmax_multi_ops macaddr8_minmax_ops macaddr8_ops macaddr_bloom_ops
    macaddr_minmax_multi_ops macaddr_minmax_ops macaddr_ops money_ops multirange_ops name_bloom_ops
    name_minmax_ops name_ops numeric_bloom_ops numeric_minmax_multi_ops numeric_minmax_ops numeric_ops
    oid_bloom_ops oid_minmax_multi_ops oid_minmax_ops oid_ops oidvector_ops pg_lsn_bloom_ops
    pg_lsn_minmax_multi_ops pg_lsn_minmax_ops pg_lsn_ops point_ops poly_ops quad_point_ops
    range_inclusion_ops range_ops record_image_ops record_ops text_bloom_ops text_minmax_ops text_ops
    text_pattern_ops tid_bloom_ops tid_minmax_multi_ops tid_minmax_ops tid_ops time_bloom_ops
    time_minmax_multi_ops time_minmax_ops time_ops timestamp_bloom_ops timestamp_minmax_multi_ops
    timestamp_minmax_ops timestamp_ops timestamptz_bloom_ops timestamptz_minmax_multi_ops
    timestamptz_minmax_ops timestamptz_ops timetz_bloom_ops timetz_minmax_multi_ops timetz_minmax_ops
    timetz_ops tsquery_ops tsvector_ops uuid_bloom_ops uuid_minmax_multi_ops uuid_minmax_ops uuid_ops
    varbit_minmax_ops varbit_ops varchar_ops varchar_pattern_ops xid8_ops xid_ops
"""
BUILTIN_OPCLASSES = frozenset(_BUILTIN_OPCLASS_NAMES.split())
# Default operator classes per access method (PostgreSQL 15's pg_opclass.opcdefault, with those of
# the contrib extensions btree_gin, btree_gist, citext, cube, hstore, intarray, isn, ltree and seg):
# pg_get_indexdef omits a column's default class, so writing one is a no-op; any other class, such
# as GiST's inet_ops (btree_gist's gist_inet_ops is that type's default), is kept as written.
_DEFAULT_OPCLASS_NAMES = {
    "btree": """
        array_ops bit_ops bool_ops bpchar_ops bytea_ops char_ops date_ops enum_ops float4_ops float8_ops
        inet_ops int2_ops int4_ops int8_ops interval_ops jsonb_ops macaddr8_ops macaddr_ops money_ops
        multirange_ops name_ops numeric_ops oid_ops oidvector_ops pg_lsn_ops range_ops record_ops text_ops
        tid_ops time_ops timestamp_ops timestamptz_ops timetz_ops tsquery_ops tsvector_ops uuid_ops
        varbit_ops xid8_ops
        btree_hstore_ops citext_ops cube_ops ean13_ops isbn13_ops isbn_ops ismn13_ops ismn_ops issn13_ops
        issn_ops ltree_ops seg_ops upc_ops
    """,
    "hash": """
        aclitem_ops array_ops bool_ops bpchar_ops bytea_ops char_ops cid_ops date_ops enum_ops float4_ops
        float8_ops inet_ops int2_ops int4_ops int8_ops interval_ops jsonb_ops macaddr8_ops macaddr_ops
        multirange_ops name_ops numeric_ops oid_ops oidvector_ops pg_lsn_ops range_ops record_ops text_ops
        tid_ops time_ops timestamp_ops timestamptz_ops timetz_ops uuid_ops xid8_ops xid_ops
        citext_ops ean13_ops hash_hstore_ops isbn13_ops isbn_ops ismn13_ops ismn_ops issn13_ops issn_ops
        upc_ops
    """,
    "gin": """
        array_ops jsonb_ops tsvector_ops
        bit_ops bool_ops bpchar_ops bytea_ops char_ops cidr_ops date_ops enum_ops float4_ops float8_ops
        gin_hstore_ops inet_ops int2_ops int4_ops int8_ops interval_ops macaddr8_ops macaddr_ops money_ops
        name_ops numeric_ops oid_ops text_ops time_ops timestamp_ops timestamptz_ops timetz_ops uuid_ops
        varbit_ops varchar_ops
    """,
    "gist": """
        box_ops circle_ops multirange_ops point_ops poly_ops range_ops tsquery_ops tsvector_ops
        gist__int_ops gist__ltree_ops gist_bit_ops gist_bool_ops gist_bpchar_ops gist_bytea_ops
        gist_cash_ops gist_cidr_ops gist_cube_ops gist_date_ops gist_enum_ops gist_float4_ops
        gist_float8_ops gist_hstore_ops gist_inet_ops gist_int2_ops gist_int4_ops gist_int8_ops
        gist_interval_ops gist_ltree_ops gist_macaddr8_ops gist_macaddr_ops gist_numeric_ops gist_oid_ops
        gist_seg_ops gist_text_ops gist_time_ops gist_timestamp_ops gist_timestamptz_ops gist_timetz_ops
        gist_uuid_ops gist_vbit_ops
    """,
    "spgist": "box_ops inet_ops poly_ops quad_point_ops range_ops text_ops",
    "brin": """
        bit_minmax_ops box_inclusion_ops bpchar_minmax_ops bytea_minmax_ops char_minmax_ops date_minmax_ops
        float4_minmax_ops float8_minmax_ops inet_inclusion_ops int2_minmax_ops int4_minmax_ops
        int8_minmax_ops interval_minmax_ops macaddr8_minmax_ops macaddr_minmax_ops name_minmax_ops
        numeric_minmax_ops oid_minmax_ops pg_lsn_minmax_ops range_inclusion_ops text_minmax_ops
        tid_minmax_ops time_minmax_ops timestamp_minmax_ops timestamptz_minmax_ops timetz_minmax_ops
        uuid_minmax_ops varbit_minmax_ops
    """,
}
DEFAULT_OPCLASSES = {method: frozenset(names.split()) for method, names in _DEFAULT_OPCLASS_NAMES.items()}


# ---- helpers ----------------------------------------------------------------------------------


def _collation(b: Builder, node: Node | None) -> str | None:
    """Canonical collation name: pg_catalog dropped, "default" is no collation."""
    if not node:
        return None
    parts = strings(node.get("CollateClause", node).get("collname"))
    if not parts:
        return None
    if len(parts) == 2 and parts[0] == "pg_catalog":
        parts = parts[1:]
    if parts == ["default"]:
        return None
    from ddlcompare.dialects.postgres.names import ident

    if len(parts) == 1:
        for s in b.search_path:
            if ObjectKey("collation", s, parts[0]) in b.objects:
                return f"{ident(s)}.{ident(parts[0])}"
        return ident(parts[0])
    return ".".join(ident(p) for p in parts)


def _collation_dep(ctx: TableContext, node: Node) -> str | None:
    """A column's collation; a user-defined one (CREATE COLLATION) is a dependency."""
    text = _collation(ctx.b, node)
    if text is not None and "." in text:
        parts = strings(node.get("CollateClause", node).get("collname"))
        schema = parts[-2] if len(parts) > 1 else text.split(".")[0].strip('"')
        key = ObjectKey("collation", schema, parts[-1])
        if key in ctx.b.objects:
            ctx.deps.add(key)
    return text


def column_refs(node: Any) -> list[str]:
    """Distinct simple column names referenced in an expression, in order of appearance."""
    out: list[str] = []
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, dict):
            cr = n.get("ColumnRef")
            if cr is not None:
                fields = cr.get("fields", ())
                if fields and "String" in fields[-1]:
                    name = fields[-1]["String"]["sval"]
                    if name not in out:
                        out.append(name)
                continue
            stack.extend(reversed(list(n.values())))
        elif isinstance(n, list):
            stack.extend(reversed(n))
    return out


def _constraint_taken(b: Builder, schema: str, others: set[str]) -> Any:
    def taken(name: str) -> bool:
        return name in others or (schema, name) in b.constraint_names

    return taken


def _relation_taken(b: Builder, schema: str, others: set[str]) -> Any:
    return lambda name: (
        name in others or (schema, name) in b.relations or (schema, name) in b.identity_sequences
    )


def _table_key(schema: str, name: str) -> ObjectKey:
    return ObjectKey("table", schema, name)


def _type_deps(b: Builder, type_text: str, node: Node) -> set[ObjectKey]:
    """Keys of user types a column type refers to (enums, domains, composites, ranges, tables)."""
    parts = strings(node.get("names"))
    if len(parts) == 1 and "." not in type_text.split("(")[0]:
        return set()
    schema, name = (parts[-2], parts[-1]) if len(parts) >= 2 else (b.type_schema(parts[0]), parts[0])
    if schema == "pg_catalog":
        return set()
    out = set()
    for k in ("enum", "domain", "composite_type", "range_type", "table", "view"):
        key = ObjectKey(k, schema, name)
        if key in b.objects:
            out.add(key)
    return out


def expr_deps(b: Builder, node: Any) -> set[ObjectKey]:
    """Sequences (nextval('...')), user functions and relations an expression refers to."""
    if not (isinstance(node, dict) and ("SelectStmt" in node or "List" in node)):
        return b.deps_of(b.refs(node))
    return _walk_deps(b, node)


def _walk_deps(b: Builder, node: Any) -> set[ObjectKey]:
    """References of a whole query: relations in FROM, functions, sequences."""
    out: set[ObjectKey] = set()
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, dict):
            fc = n.get("FuncCall")
            if fc is not None:
                parts = strings(fc.get("funcname"))
                if parts and parts[-1] in ("nextval", "setval", "currval") and fc.get("args"):
                    arg = fc["args"][0]
                    lit = arg.get("TypeCast", {}).get("arg", arg)
                    val = const_value(lit)
                    if isinstance(val, str):
                        schema, name = b.qualify_name([p.strip('"') for p in val.split(".")])
                        k = ObjectKey("sequence", schema, name)
                        if k in b.objects:
                            out.add(k)
                else:
                    out |= routine_keys(b, parts)
            # a cast to a user type (`'ok'::mood`): the query keeps that type alive
            tn = n.get("typeName")
            if isinstance(tn, dict) and "names" in tn:
                out |= _type_deps(b, b.type_text(tn), tn)
            # a RangeVar in a list is wrapped; as a field (INSERT INTO t, UPDATE t) it is not
            rv = n.get("RangeVar") or (n if "relname" in n else None)
            if rv is not None:
                schema, name = b.rangevar(rv)
                rk = b.relations.get((schema, name))
                if rk is not None:
                    out.add(rk)
            stack.extend(n.values())
        elif isinstance(n, list):
            stack.extend(n)
    return out


def routine_keys(b: Builder, parts: list[str]) -> set[ObjectKey]:
    """Keys of every user routine (all overloads) a function name may resolve to."""
    if not parts or (len(parts) == 2 and parts[0] == "pg_catalog"):
        return set()
    if len(parts) == 1:
        schemas = [s for s in b.search_path if (s, parts[0]) in b.routine_names]
        if not schemas:
            return set()
        schema, name = schemas[0], parts[0]
    else:
        schema, name = parts[-2], parts[-1]
    return set(b.routines_named(schema, name))


# ---- columns ----------------------------------------------------------------------------------


class TableContext:
    """Constraints gathered while a CREATE TABLE or ALTER TABLE is read, created afterwards in
    PostgreSQL's order (index-backed ones, then checks, then foreign keys)."""

    def __init__(self, b: Builder, schema: str, table: str) -> None:
        self.b = b
        self.schema = schema
        self.table = table
        self.pending: list[tuple[Node, str | None]] = []
        self.sequences: list[Sequence] = []
        self.deps: set[ObjectKey] = set()  # of the columns read: types, sequences, functions
        self.like_indexes: list[tuple[Table, bool]] = []  # LIKE src INCLUDING INDEXES [COMMENTS]


def column_from_def(
    ctx: TableContext, cd: Node, *, serial_ok: bool = True, memo: tuple[str, str] | None = None
) -> Column:
    """A Column from a ColumnDef node; its constraints go to `ctx` for later creation.

    `memo` is (the column's text, the default schema): a plain column (a type that needs no
    lookup, NULL / NOT NULL / DEFAULT only) is the same object wherever that text occurs again,
    as `id bigint NOT NULL` does in thousands of tables. Only what depends on the objects defined
    so far (the types and sequences it refers to) is looked up again.
    """
    b = ctx.b
    if memo is not None:
        hit = CACHE.recall(memo)
        if hit is not None:
            known, known_refs = hit
            assert isinstance(known, Column)
            if known_refs:
                ctx.deps |= b.deps_of(known_refs)
            if "." in known.type:
                ctx.deps |= _type_deps(b, known.type, cd["typeName"])
            return known
    name = cd["colname"]
    if len(name) > 31:  # at most 4 bytes a character: only longer names can exceed 63 bytes
        name = truncate(name)
    tn = cd["typeName"]
    serial = is_serial(tn) if serial_ok else None
    type_text = serial or b.type_text(tn)
    nullable = True
    default: Expr | None = None
    generated: Expr | None = None
    stored = True
    options: list[Option] = []
    last: Node | None = None
    # a column worth keeping (see `memo`): its type needs no search_path lookup, and no constraint
    # but these three; `refs` are what its default refers to
    plain = memo is not None and not serial and not needs_lookup(tn)
    refs: tuple[tuple[str, str, str], ...] = ()
    for item in cd.get("constraints", ()):
        c = item["Constraint"]
        t = c["contype"]
        if t == "CONSTR_NULL":
            nullable = True
        elif t == "CONSTR_NOTNULL":
            nullable = False
        elif t == "CONSTR_DEFAULT":
            default = b.expr(c["raw_expr"], type_text)
            refs = b.last_refs
            if refs:
                ctx.deps |= b.deps_of(refs)
        elif t == "CONSTR_IDENTITY":
            plain = False
            options.append(
                Identity(always=c.get("generated_when") == "a", sequence=_seq_opts(b, c, type_text))
            )
            register_identity(b, ctx.schema, ctx.table, name, c)
            nullable = False
        elif t == "CONSTR_GENERATED":
            plain = False
            generated = b.expr(c["raw_expr"])
            if b.last_refs:
                ctx.deps |= b.deps_of(b.last_refs)
            stored = c.get("generated_kind", "s") != "v"
        elif t in (
            "CONSTR_ATTR_DEFERRABLE",
            "CONSTR_ATTR_NOT_DEFERRABLE",
            "CONSTR_ATTR_DEFERRED",
            "CONSTR_ATTR_IMMEDIATE",
        ):
            plain = False
            if last is None:
                raise b.error("misplaced constraint attribute", c.get("location"))
            if t == "CONSTR_ATTR_DEFERRABLE":
                last["deferrable"] = True
            elif t == "CONSTR_ATTR_DEFERRED":
                last["initdeferred"] = True
            continue
        else:
            plain = False
            c = dict(c)  # attributes that follow may be set on it
            ctx.pending.append((c, name))
            last = c
            if t == "CONSTR_PRIMARY":
                nullable = False
            continue
        last = None
    if "storage_name" in cd or "storage" in cd or "compression" in cd or "fdwoptions" in cd:
        storage = Storage(
            storage=_storage_name(cd.get("storage_name") or cd.get("storage")),
            compression=cd.get("compression") or None,
            fdw_options=reloptions(cd.get("fdwoptions")),
        )
        if storage.storage or storage.compression or storage.fdw_options:
            options.append(storage)
    if "." in type_text:  # only qualified (user) types are dependencies
        ctx.deps |= _type_deps(b, type_text, tn)
    if serial:
        seq_name = choose_name(
            ctx.table,
            name,
            "seq",
            lambda n: (ctx.schema, n) in b.relations or any(s.name == n for s in ctx.sequences),
        )
        lo, hi = INT_RANGES[serial]
        seq = Sequence(
            schema=ctx.schema,
            name=seq_name,
            data_type=serial,
            start=1,
            increment=1,
            min_value=1,
            max_value=hi,
            cache=1,
            owned_by=(ctx.table, name),
            pos=b.pos,
        )
        ctx.sequences.append(seq)
        ctx.deps.add(seq.key)
        node, sql = _nextval_node(ctx.schema, seq_name)
        default = b.expr(node, sql=sql)
        nullable = False
        del lo
    column = Column(
        name=name,
        type=type_text,
        nullable=nullable,
        default=default,
        generated=generated,
        generated_stored=stored,
        collation=_collation_dep(ctx, cd["collClause"]) if "collClause" in cd else None,
        options=with_options(*options) if options else (),
    )  # no position of its own: its table's is the one reported
    if plain and not options and column.collation is None:
        assert memo is not None
        CACHE.remember(memo, (column, refs))
    return column


def _storage_name(value: Any) -> str | None:
    if not value:
        return None
    if isinstance(value, str) and len(value) == 1:
        return {"p": "PLAIN", "e": "EXTERNAL", "m": "MAIN", "x": "EXTENDED"}.get(value)
    return str(value).upper()


def _nextval_node(schema: str, seq: str) -> tuple[Node, str]:
    """The default of a serial column, as a node of its own little statement (and that text)."""
    from ddlcompare.dialects.postgres.names import literal, qualified

    return _select_expr(f"nextval({literal(qualified(schema, seq))}::regclass)")


def register_identity(b: Builder, schema: str, table: str, column: str, c: Node) -> None:
    """Remember the implicit sequence of an identity column: later statements may name it."""
    vals = sequence_values(b, c.get("options") or [], "bigint")
    _register_identity_sequence(b, schema, table, column, vals.get("sequence_name"))


def _register_identity_sequence(
    b: Builder, schema: str, table: str, column: str, parts: list[str] | None
) -> None:
    if parts:
        seq_schema, seq = (parts[-2], parts[-1]) if len(parts) > 1 else (schema, parts[0])
    else:
        seq_schema, seq = schema, choose_name(table, column, "seq", _relation_taken(b, schema, set()))
    b.identity_sequences[(seq_schema, seq)] = (table, column)


def _seq_opts(b: Builder, c: Node, type_text: str) -> tuple[tuple[str, str], ...]:
    """Identity sequence options that differ from the defaults, canonical."""
    opts = c.get("options") or []
    if not opts:
        return ()
    return _nondefault_sequence_options(sequence_values(b, opts, type_text), type_text)


def _nondefault_sequence_options(vals: dict[str, Any], type_text: str) -> tuple[tuple[str, str], ...]:
    increment = vals.get("increment", 1)
    defaults = sequence_defaults(type_text, increment)
    # pg_dump spells every default out (START WITH 1 ... NO MINVALUE): only real settings count
    min_value = defaults["min_value"] if vals.get("min_value") is None else vals["min_value"]
    max_value = defaults["max_value"] if vals.get("max_value") is None else vals["max_value"]
    defaults.update(increment=1, start=min_value if increment > 0 else max_value)
    given = {**vals, "min_value": min_value, "max_value": max_value}
    out = []
    for k in ("start", "increment", "min_value", "max_value", "cache", "cycle"):
        if k in given and given[k] != defaults.get(k):
            out.append((k, str(given[k])))
    return tuple(sorted(out))


def sequence_defaults(data_type: str, increment: int) -> dict[str, Any]:
    lo, hi = INT_RANGES.get(data_type, INT_RANGES["bigint"])
    if increment > 0:
        return {"increment": increment, "min_value": 1, "max_value": hi, "cache": 1, "cycle": False}
    return {"increment": increment, "min_value": lo, "max_value": -1, "cache": 1, "cycle": False}


def sequence_values(b: Builder, items: list[Node], data_type: str) -> dict[str, Any]:
    """Values given in a sequence option list (CREATE/ALTER SEQUENCE, identity options)."""
    out: dict[str, Any] = {}
    for item in items:
        d = item["DefElem"]
        name, arg = d["defname"], d.get("arg")
        if name == "as":
            out["data_type"] = type_name(arg.get("TypeName", arg), b.type_schema)
        elif name in ("start", "increment", "cache", "restart"):
            if arg is not None:
                out[name] = _bigint(b, const_value(arg))
        elif name in ("minvalue", "maxvalue"):
            out["min_value" if name == "minvalue" else "max_value"] = (
                None if arg is None else _bigint(b, const_value(arg))
            )
        elif name == "cycle":
            out["cycle"] = bool(const_value(arg)) if arg is not None else True
        elif name == "owned_by":
            out["owned_by"] = strings(arg["List"]["items"] if "List" in arg else arg)
        elif name == "sequence_name":
            out["sequence_name"] = strings(arg["List"]["items"] if "List" in arg else arg)
        elif name in ("logged", "unlogged"):
            continue
    return out


def _bigint(b: Builder, value: Any) -> int:
    """A sequence parameter: a bigint, as PostgreSQL reads it (`1e9` and `1.0` are its errors)."""
    text = str(value).strip()
    digits = text.removeprefix("-").removeprefix("+")
    if digits.isdigit() and digits.isascii() and len(digits) <= 19:
        number = int(text)
        if -(2**63) <= number < 2**63:
            return number
    raise b.error(f'invalid value for a sequence parameter: "{text}" is not a bigint')


# ---- constraints ------------------------------------------------------------------------------


def create_constraints(ctx: TableContext) -> None:
    """Create the constraints gathered in `ctx`, naming unnamed ones as PostgreSQL does."""
    b = ctx.b
    order = {
        "CONSTR_PRIMARY": 0,
        "CONSTR_UNIQUE": 0,
        "CONSTR_EXCLUSION": 0,
        "CONSTR_CHECK": 1,
        "CONSTR_FOREIGN": 2,
        "CONSTR_NOTNULL": 1,
    }
    chosen: set[str] = set()
    pending = _without_redundant_keys(ctx.pending)
    for c, col in sorted(pending, key=lambda p: order.get(p[0]["contype"], 3)):
        obj = make_constraint(b, ctx.schema, ctx.table, c, col, chosen)
        if obj is not None:
            chosen.add(obj.name)
            b.put(obj)
            if isinstance(obj, PrimaryKey):
                _set_not_null(b, ctx.schema, ctx.table, obj.columns)


def _without_redundant_keys(pending: list[tuple[Node, str | None]]) -> list[tuple[Node, str | None]]:
    """PostgreSQL drops a PRIMARY KEY/UNIQUE of one statement that repeats another on the same
    columns (`id int PRIMARY KEY UNIQUE`), keeping the primary key; an unnamed survivor takes the
    name of the one dropped (transformIndexConstraints)."""
    kinds = ("CONSTR_PRIMARY", "CONSTR_UNIQUE")
    keys = [(c, col) for c, col in pending if c["contype"] in kinds and not c.get("indexname")]
    if len(keys) < 2:
        return pending

    def shape(c: Node, col: str | None) -> tuple[Any, ...]:
        cols = tuple(strings(c.get("keys"))) or ((col,) if col else ())
        return (
            cols,
            tuple(strings(c.get("including"))),
            bool(c.get("nulls_not_distinct")),
            bool(c.get("deferrable")),
            bool(c.get("initdeferred")),
        )

    # the primary key is considered first so that it is the one kept
    ordered = sorted(keys, key=lambda p: p[0]["contype"] != "CONSTR_PRIMARY")
    kept: dict[tuple[Any, ...], Node] = {}
    dropped: set[int] = set()
    for c, col in ordered:
        s = shape(c, col)
        prior = kept.get(s)
        if prior is None:
            kept[s] = c
            continue
        dropped.add(id(c))
        if not prior.get("conname") and c.get("conname"):
            prior["conname"] = c["conname"]
    return [(c, col) for c, col in pending if id(c) not in dropped]


def _set_not_null(b: Builder, schema: str, table: str, columns: tuple[str, ...]) -> None:
    t = b.table(schema, table)
    for name in columns:
        col = t.column(name)
        if col is not None and col.nullable:
            t = b.update_column(t, name, nullable=False)


def _constraint_fields(
    b: Builder, schema: str, table: str, deferrable: bool = False, initially_deferred: bool = False
) -> dict[str, Any]:
    """The fields every constraint of schema.table gets from the statement that makes it."""
    return {
        "schema": schema,
        "table": table,
        "deferrable": deferrable,
        "initially_deferred": initially_deferred,
        "pos": b.pos,
        "depends_on": frozenset({_table_key(schema, table)}),
    }


def make_constraint(
    b: Builder, schema: str, table: str, c: Node, column: str | None, chosen: set[str]
) -> SchemaObject | None:
    """One table constraint object from a Constraint node (None for NOT NULL handled elsewhere)."""
    t = c["contype"]
    name = truncate(c["conname"]) if c.get("conname") else None
    common = _constraint_fields(b, schema, table, bool(c.get("deferrable")), bool(c.get("initdeferred")))
    if t in ("CONSTR_PRIMARY", "CONSTR_UNIQUE"):
        if c.get("indexname"):
            return _constraint_using_index(b, schema, table, c, name, common)
        cols = tuple(strings(c.get("keys"))) or ((column,) if column else ())
        include = tuple(strings(c.get("including")))
        if name is None:
            label = "pkey" if t == "CONSTR_PRIMARY" else "key"
            addition = "" if t == "CONSTR_PRIMARY" else column_name_part(cols + include)
            name = choose_name(table, addition, label, _relation_taken(b, schema, chosen))
        opts = _index_options(c.get("options"))
        if t == "CONSTR_PRIMARY":
            return PrimaryKey(name=name, columns=cols, include=include, options=opts, **common)
        return Unique(
            name=name,
            columns=cols,
            include=include,
            nulls_not_distinct=bool(c.get("nulls_not_distinct")),
            options=opts,
            **common,
        )
    if t == "CONSTR_CHECK":
        expr_node = c["raw_expr"]
        if name is None:
            refs = column_refs(expr_node)
            name = choose_name(
                table, refs[0] if len(refs) == 1 else "", "check", _constraint_taken(b, schema, chosen)
            )
        deps = expr_deps(b, expr_node) | {_table_key(schema, table)}
        common["depends_on"] = frozenset(deps)
        return Check(
            name=name,
            expr=b.expr(expr_node, sql=c.get(SOURCE_SQL)),
            valid=not c.get("skip_validation"),
            no_inherit=bool(c.get("is_no_inherit")),
            **common,
        )
    if t == "CONSTR_FOREIGN":
        cols = tuple(strings(c.get("fk_attrs"))) or ((column,) if column else ())
        ref_schema, ref_table = b.rangevar(c["pktable"])
        if name is None:
            name = choose_name(table, column_name_part(cols), "fkey", _constraint_taken(b, schema, chosen))
        ref_cols = tuple(strings(c.get("pk_attrs")))
        on_delete = _ACTIONS[c.get("fk_del_action", "a")]
        set_cols = strings(c.get("fk_del_set_cols"))
        if set_cols:
            on_delete += f" ({', '.join(set_cols)})"
        fk = ForeignKey(
            name=name,
            columns=cols,
            ref_schema=ref_schema,
            ref_table=ref_table,
            ref_columns=ref_cols,
            on_delete=on_delete,
            on_update=_ACTIONS[c.get("fk_upd_action", "a")],
            match=_MATCH[c.get("fk_matchtype", "s")],
            valid=not c.get("skip_validation"),
            **common,
        )
        b.finish_later(_resolve_fk, fk.key)
        return fk
    if t == "CONSTR_EXCLUSION":
        elements = []
        cols_for_name: list[str] = []
        for pair in c.get("exclusions", ()):
            elem, ops = pair["List"]["items"]
            part = index_part(b, elem["IndexElem"], (c.get("access_method") or "gist").lower())
            op = ".".join(strings(ops["List"]["items"] if "List" in ops else ops))
            elements.append((str(part), op))
            cols_for_name.append(part.column or "expr")
        if name is None:
            name = choose_name(
                table, column_name_part(cols_for_name), "excl", _relation_taken(b, schema, chosen)
            )
        where = c.get("where_clause")
        return Exclude(
            name=name,
            method=(c.get("access_method") or "gist").lower(),
            elements=tuple(elements),
            include=tuple(strings(c.get("including"))),
            where=b.expr(where) if where else None,
            options=_index_options(c.get("options")),
            **common,
        )
    if t == "CONSTR_NOTNULL":
        for k in strings(c.get("keys")) or ([column] if column else []):
            _set_not_null(b, schema, table, (k,))
        return None
    raise b.error(f"unsupported constraint type {t}", c.get("location"))


def _constraint_using_index(
    b: Builder, schema: str, table: str, c: Node, name: str | None, common: dict[str, Any]
) -> SchemaObject:
    """ADD CONSTRAINT ... PRIMARY KEY|UNIQUE USING INDEX idx: the index becomes the constraint."""
    ikey = ObjectKey("index", schema, c["indexname"], table)
    idx = b.objects.get(ikey)
    if not isinstance(idx, Index):
        raise b.error(f'index "{c["indexname"]}" does not exist')
    b.remove(ikey)
    cols = tuple(p.column or "" for p in idx.parts)
    name = name or idx.name
    if c["contype"] == "CONSTR_PRIMARY":
        return PrimaryKey(name=name, columns=cols, include=idx.include, **common)
    return Unique(
        name=name, columns=cols, include=idx.include, nulls_not_distinct=idx.nulls_not_distinct, **common
    )


def _resolve_fk(b: Builder, key: ObjectKey) -> None:
    """At the end of the file: referenced columns default to the referenced primary key, and the
    FK depends on the key it references (PostgreSQL will not drop that key under it)."""
    fk = b.objects.get(key)
    if not isinstance(fk, ForeignKey):
        return
    children = b.children_of(fk.ref_schema, fk.ref_table)
    # The result depends on these objects only: a file that shares them with the previous one
    # (the same statements, replayed) shares the resolved FK too, which the diff then skips.
    memo = CACHE.recall(id(fk))
    if (
        memo is not None
        and memo[0] is fk
        and len(memo[1]) == len(children)
        and all(x is y for x, y in zip(memo[1], children, strict=True))
    ):
        b.objects[key] = memo[2]
        return
    target = _table_key(fk.ref_schema, fk.ref_table)
    ref_cols = fk.ref_columns
    deps = set(fk.depends_on) | {target}
    keys = [o for o in children if isinstance(o, (PrimaryKey, Unique))]
    if not ref_cols:
        pk = next((o for o in keys if isinstance(o, PrimaryKey)), None)
        if pk is not None:
            ref_cols = pk.columns
    for k in keys:
        assert isinstance(k, (PrimaryKey, Unique))
        if set(k.columns) == set(ref_cols):
            deps.add(k.key)
            break
    else:
        for o in children:
            if isinstance(o, Index) and o.unique and {p.column for p in o.parts} == set(ref_cols):
                deps.add(o.key)
                break
    resolved = evolve(fk, ref_columns=ref_cols, depends_on=dependencies(deps))
    CACHE.remember(id(fk), (fk, children, resolved))  # holding fk keeps its id from being reused
    b.objects[key] = resolved


def _index_options(items: list[Node] | None) -> tuple[Option, ...]:
    params = reloptions(items)
    return with_options(StorageParams(params=params)) if params else ()


def reloptions(items: list[Node] | None) -> tuple[str, ...]:
    """WITH (name = value, ...) as sorted `name=value` strings."""
    out = []
    for item in items or ():
        d = item["DefElem"]
        name = d["defname"]
        if d.get("defnamespace"):
            name = f"{d['defnamespace']}.{name}"
        arg = d.get("arg")
        # the grammar already folds unquoted words (TRUE, on); quoted values keep their case
        value = "true" if arg is None else str(const_value(arg))
        out.append(f"{name}={value}")
    return tuple(sorted(out))


# ---- CREATE TABLE -----------------------------------------------------------------------------


@handles("CreateStmt")
def create_table(n: Node, b: Builder) -> None:
    rv = n["relation"]
    schema, name = b.rangevar(rv)
    name = truncate(name)
    if rv.get("relpersistence") == "t":
        b.warn(f"temporary table {name} ignored (not part of a schema)")
        return
    if n.get("if_not_exists") and (schema, name) in b.relations:
        return
    ctx = TableContext(b, schema, name)
    columns: dict[str, Column] = {}
    options: list[Option] = []
    deps: set[ObjectKey] = set()
    of_type = n.get("ofTypename")
    if of_type:
        type_text = type_name(of_type, b.type_schema)
        tkey = next(iter(_type_deps(b, type_text, of_type)), None)
        ctype = b.objects.get(tkey) if tkey else None
        if not isinstance(ctype, CompositeType):
            raise b.error(f'type "{type_text}" is not a composite type')
        for a in ctype.attributes:
            columns[a.name] = Column(name=a.name, type=a.type, collation=a.collation)
        options.append(OfType(type=type_text))
        deps.add(ctype.key)
    parents = [b.rangevar(p) for p in n.get("inhRelations", ())]
    bound = n.get("partbound")
    if bound:
        parent = b.table(*parents[0])
        for col in parent.columns:
            columns[col.name] = evolve(col, options=_inheritable(col.options))
        options.append(PartitionOf(parent=parents[0], bound=partition_bound(b, bound, parent)))
        b.has_inheritance = True
        deps.add(parent.key)
    elif parents:
        for p in parents:
            parent = b.table(*p)
            deps.add(parent.key)
            for col in parent.columns:
                if col.name not in columns:
                    columns[col.name] = evolve(col, default=col.default, options=_inheritable(col.options))
        options.append(Inherits(parents=tuple(parents)))
        b.has_inheritance = True
    elts = n.get("tableElts", ())
    # a column's text runs to the next element (or the statement's end): it is the memo key of
    # column_from_def when locations are character offsets too (an ASCII statement)
    sql = b.sql if b.memo_key is not None and b.sql.isascii() else None
    for i, elt in enumerate(elts):
        if "ColumnDef" in elt:
            cd = elt["ColumnDef"]
            if (bound or of_type) and not cd.get("typeName"):
                _partition_column_options(ctx, columns, cd)
                continue
            memo = None
            if sql is not None:
                start = cd.get("location", -1)
                end = next(iter(elts[i + 1].values())).get("location", -1) if i + 1 < len(elts) else len(sql)
                if 0 <= start < end:
                    memo = (sql[start:end], b.default_schema)
            col = column_from_def(ctx, cd, memo=memo)
            prev = columns.get(col.name)
            if prev is not None and parents and not bound:
                # a local definition merges with the inherited one (same type required)
                col = evolve(
                    col, nullable=col.nullable and prev.nullable, default=col.default or prev.default
                )
            columns[col.name] = col
        elif "Constraint" in elt:
            ctx.pending.append((dict(elt["Constraint"]), None))
        elif "TableLikeClause" in elt:
            _like(ctx, columns, elt["TableLikeClause"])
        else:
            raise b.error(f"unsupported table element {next(iter(elt))}")
    if rv.get("relpersistence") == "u":
        options.append(Unlogged())
    if n.get("partspec"):
        options.append(partition_by(b, n["partspec"]))
    params = reloptions(n.get("options"))
    if params:
        options.append(StorageParams(params=params))
    # without USING a table gets default_table_access_method; a partitioned table has none (PG 15)
    method = n.get("accessMethod") or (None if n.get("partspec") else b.table_am)
    if method and method != "heap":
        options.append(AccessMethod(method=method))
    for seq in ctx.sequences:
        b.put(seq)
    table = Table(
        schema=schema,
        name=name,
        columns=tuple(columns.values()),
        options=with_options(*options),
        pos=b.pos,
        depends_on=dependencies(deps | ctx.deps),
    )
    b.put(table)
    create_constraints(ctx)
    for src, comments in ctx.like_indexes:  # after the table's own constraints, as PostgreSQL does
        _copy_like_indexes(b, table, src, comments)


def _inheritable(options: tuple[Option, ...]) -> tuple[Option, ...]:
    return tuple(o for o in options if not isinstance(o, Identity))


def _partition_column_options(ctx: TableContext, columns: dict[str, Column], cd: Node) -> None:
    """`CREATE TABLE p PARTITION OF t (col WITH OPTIONS DEFAULT 0, ...)`: per-partition column options."""
    b = ctx.b
    name = cd["colname"]
    col = columns.get(name)
    if col is None:
        raise b.error(f'column "{name}" named in partition does not exist')
    for item in cd.get("constraints", ()):
        c = item["Constraint"]
        if c["contype"] == "CONSTR_DEFAULT":
            col = evolve(col, default=b.expr(c["raw_expr"], col.type))
            ctx.deps |= expr_deps(b, c["raw_expr"])
        elif c["contype"] == "CONSTR_NOTNULL":
            col = evolve(col, nullable=False)
        else:
            ctx.pending.append((dict(c), name))
    columns[name] = col


def _like(ctx: TableContext, columns: dict[str, Column], like: Node) -> None:
    """LIKE source [INCLUDING ...]: copy columns (and what the options ask for)."""
    b = ctx.b
    src = b.table(*b.rangevar(like["relation"]))
    opts = like.get("options", 0)
    # CREATE_TABLE_LIKE_* bits (parsenodes.h): COMMENTS 1, COMPRESSION 2, CONSTRAINTS 4, DEFAULTS 8,
    # GENERATED 16, IDENTITY 32, INDEXES 64, STATISTICS 128, STORAGE 256; ALL = all bits
    for col in src.columns:
        c = evolve(
            col,
            default=col.default if opts & 8 else None,
            generated=col.generated if opts & 16 else None,
            comment=col.comment if opts & 1 else None,
            options=tuple(
                o
                for o in col.options
                if (opts & 32 or not isinstance(o, Identity)) and (opts & 256 or not isinstance(o, Storage))
            ),
            pos=b.pos,
        )
        columns[c.name] = c
    if opts & 4:
        for o in b.children_of(src.schema, src.name):
            if isinstance(o, Check):
                ctx.pending.append(
                    (
                        {
                            "contype": "CONSTR_CHECK",
                            "conname": o.name,
                            "raw_expr": _select_expr(o.expr.text)[0],
                            SOURCE_SQL: _select_expr(o.expr.text)[1],
                        },
                        None,
                    )
                )
    if opts & 64:
        ctx.like_indexes.append((src, bool(opts & 1)))
        if any(isinstance(o, (PrimaryKey, Unique, Exclude)) for o in b.children_of(src.schema, src.name)):
            b.warn(f"LIKE {src.name} INCLUDING INDEXES: key and exclusion constraints are not copied")


SOURCE_SQL = "\x00sql"  # a constraint node made from text of its own: the statement it belongs to


def _select_expr(text: str) -> tuple[Node, str]:
    """An expression parsed as `SELECT <text>`: the node and that statement's text."""
    from ddlcompare.dialects.postgres.parse import _parse_json

    sql = f"SELECT {text}"
    node: Node = _parse_json(sql)["stmts"][0]["stmt"]["SelectStmt"]["targetList"][0]["ResTarget"]["val"]
    return node, sql


def partition_by(b: Builder, spec: Node) -> PartitionBy:
    """PARTITION BY strategy (key, ...)."""
    strategy = spec.get("strategy", "")
    strategy = {
        "PARTITION_STRATEGY_RANGE": "RANGE",
        "PARTITION_STRATEGY_LIST": "LIST",
        "PARTITION_STRATEGY_HASH": "HASH",
    }.get(strategy, strategy.upper())
    parts = []
    texts = []
    for p in spec.get("partParams", ()):
        pe = p["PartitionElem"]
        if pe.get("name"):
            piece = pe["name"]
            text = piece
        else:
            e = b.expr(pe["expr"])
            piece, text = f"({e.canonical})", f"({e.text})"
        coll = _collation(b, pe.get("collation") and {"collname": pe["collation"]})
        ops = strings(pe.get("opclass"))
        if coll:
            piece += f" COLLATE {coll}"
            text += f" COLLATE {coll}"
        if ops:
            piece += f" {'.'.join(ops)}"
            text += f" {'.'.join(ops)}"
        parts.append(piece)
        texts.append(text)
    return PartitionBy(strategy=strategy, key=Expr(", ".join(parts), ", ".join(texts)))


def partition_bound(b: Builder, bound: Node, parent: Table | None = None) -> Expr:
    """FOR VALUES ... | DEFAULT as canonical and renderable text; the values are read as the
    parent's partition key types (the server prints '2020-01-01 00:00:00+00' for a timestamptz)."""
    pb = bound.get("PartitionBoundSpec", bound)
    if pb.get("is_default"):
        return Expr("DEFAULT", "DEFAULT")
    strategy = pb.get("strategy")
    key_types = _partition_key_types(parent)

    def lst(items: list[Node], same_type: bool = False) -> tuple[str, str]:
        exprs = [
            _bound_value(
                b, x, key_types[0 if same_type else i] if len(key_types) > (0 if same_type else i) else None
            )
            for i, x in enumerate(items)
        ]
        return ", ".join(e.canonical for e in exprs), ", ".join(e.text for e in exprs)

    if strategy == "h":
        t = f"FOR VALUES WITH (modulus {pb.get('modulus', 0)}, remainder {pb.get('remainder', 0)})"
        return Expr(t, t)
    if strategy == "l":
        c, t = lst(pb.get("listdatums", ()), same_type=True)
        return Expr(f"FOR VALUES IN ({c})", f"FOR VALUES IN ({t})")
    lc, lt = lst(pb.get("lowerdatums", ()))
    uc, ut = lst(pb.get("upperdatums", ()))
    return Expr(f"FOR VALUES FROM ({lc}) TO ({uc})", f"FOR VALUES FROM ({lt}) TO ({ut})")


def _bound_value(b: Builder, node: Node, type_text: str | None) -> Expr:
    cr = node.get("ColumnRef")
    if cr is not None:  # MINVALUE / MAXVALUE arrive as column references
        word = strings(cr.get("fields"))[-1].upper()
        if word in ("MINVALUE", "MAXVALUE"):
            return Expr(word, word)
    return b.expr(node, type_text)


def _partition_key_types(parent: Table | None) -> list[str | None]:
    """Types of a partitioned table's key columns (None for a key expression)."""
    pb = parent.option(PartitionBy) if parent is not None else None
    if parent is None or pb is None:
        return []
    out: list[str | None] = []
    for part in pb.key.canonical.split(", "):
        col = parent.column(part.split(" ")[0])
        out.append(col.type if col is not None else None)
    return out


@handles("CreateForeignTableStmt")
def create_foreign_table(n: Node, b: Builder) -> None:
    base = n["base"]
    create_table(base, b)
    schema, name = b.rangevar(base["relation"])
    t = b.table(schema, truncate(name))
    opt = ForeignTable(server=n["servername"], params=reloptions(n.get("options")))
    # a foreign table has no access method, whatever default_table_access_method says
    options = replace_option(t.options, None, AccessMethod)
    b.update(t, options=replace_option(options, opt, ForeignTable))
    server = ObjectKey("server", "", n["servername"])
    if server in b.objects:
        b.update(b.objects[t.key], depends_on=t.depends_on | {server})


# ---- CREATE INDEX -----------------------------------------------------------------------------


def index_part(b: Builder, e: Node, method: str) -> IndexPart:
    """An IndexPart from an IndexElem node of an index (or exclusion constraint) of `method`."""
    expr = b.expr(e["expr"]) if e.get("expr") else None
    ops = strings(e.get("opclass"))
    if len(ops) == 2 and ops[0] == "pg_catalog":
        ops = ops[1:]
    if len(ops) == 1 and ops[0] not in BUILTIN_OPCLASSES:
        # an extension's (gin_trgm_ops) or a user's operator class, found along the path
        path = b.search_path
        ops = [next((s for s in path if b.has_extension(s)), b.default_schema), ops[0]]
    opclass = ".".join(ops) if ops else None
    if ops and ops[-1] in DEFAULT_OPCLASSES.get(method, ()):
        opclass = None
    if opclass and e.get("opclassopts"):
        opclass += f" ({', '.join(reloptions(e['opclassopts']))})"
    desc = e.get("ordering") == "SORTBY_DESC"
    nulls = e.get("nulls_ordering", "SORTBY_NULLS_DEFAULT")
    nulls_first = None
    if nulls == "SORTBY_NULLS_FIRST" and not desc:
        nulls_first = True
    elif nulls == "SORTBY_NULLS_LAST" and desc:
        nulls_first = False
    coll = strings(e.get("collation"))
    return IndexPart(
        column=e.get("name"),
        expr=expr,
        descending=desc,
        nulls_first=nulls_first,
        collation=_collation(b, {"collname": e["collation"]}) if coll else None,
        opclass=opclass,
    )


@handles("IndexStmt")
def create_index(n: Node, b: Builder) -> None:
    schema, table = b.rangevar(n["relation"])
    rel = b.relation(schema, table)
    assert rel is not None
    method = (n.get("accessMethod") or "btree").lower()
    parts = tuple(index_part(b, e["IndexElem"], method) for e in n.get("indexParams", ()))
    including = [e["IndexElem"] for e in n.get("indexIncludingParams", ())]
    if any("name" not in e for e in including):  # the server's error
        raise b.error("expressions are not supported in included columns")
    include = tuple(e["name"] for e in including)
    name = n.get("idxname")
    if name:
        name = truncate(name)
        if n.get("if_not_exists") and (
            (schema, name) in b.relations or _implied_by_parent(b, rel, n, parts, include, name)
        ):
            return
    else:
        name = _index_name(b, schema, table, parts, include)
    where = n.get("whereClause")
    deps = {rel.key}
    for e in n.get("indexParams", ()):
        if e["IndexElem"].get("expr"):
            deps |= expr_deps(b, e["IndexElem"]["expr"])
    if where:
        deps |= expr_deps(b, where)
    idx = Index(
        schema=schema,
        table=table,
        name=name,
        parts=parts,
        unique=bool(n.get("unique")),
        method=None if method == "btree" else method,
        include=include,
        where=b.expr(where) if where else None,
        nulls_not_distinct=bool(n.get("nulls_not_distinct")),
        options=_index_options(n.get("options")),
        pos=b.pos,
        depends_on=dependencies(deps),
    )
    b.put(idx)
    if n.get("concurrent"):
        b.index_concurrently.add(idx.key)
    if isinstance(rel, Table) and rel.option(PartitionBy) is not None and n["relation"].get("inh", False):
        _adopt_partition_indexes(b, rel, idx)


def _implied_by_parent(
    b: Builder, rel: SchemaObject, n: Node, parts: tuple[IndexPart, ...], include: tuple[str, ...], name: str
) -> bool:
    """CREATE INDEX IF NOT EXISTS of the index a partition got from its parent's index (under the
    name PostgreSQL chose for it), which the model keeps only on the parent."""
    po = rel.option(PartitionOf) if isinstance(rel, Table) else None
    if po is None or name != _index_name(b, rel.schema, rel.name, parts, include):
        return False
    same = (parts, bool(n.get("unique")), include)
    return any(
        isinstance(o, Index) and (o.parts, o.unique, o.include) == same for o in b.children_of(*po.parent)
    )


def _index_name(
    b: Builder, schema: str, table: str, parts: tuple[IndexPart, ...], include: tuple[str, ...]
) -> str:
    """PostgreSQL's name for an unnamed index: <table>_<columns>_idx, made unique."""
    label = "idx"  # "key" is for constraints only; a plain CREATE UNIQUE INDEX is named _idx
    return choose_name(table, index_addition(parts, include), label, _relation_taken(b, schema, set()))


def index_addition(parts: tuple[IndexPart, ...], include: tuple[str, ...]) -> str:
    """The <columns> part of the name PostgreSQL generates for an index of these parts."""
    return names.index_addition([*(p.column for p in parts), *include])


def _absorb_partition_index(b: Builder, root_key: ObjectKey, child: SchemaObject) -> None:
    """Partition index or key `child`, attached (at any level) to partitioned index or key
    `root_key`, leaves the model; its name stays on the root when it is its own (see
    PartitionIndexNames), with the names `child` itself kept for the partitions below it."""
    root = b.objects.get(root_key)
    kinds = (Index, PrimaryKey, Unique)
    if not isinstance(root, kinds) or not isinstance(child, kinds):
        return
    items = set(cur.items) if (cur := root.option(PartitionIndexNames)) else set()
    if (below := child.option(PartitionIndexNames)) is not None:
        items |= set(below.items)
    addition, label = partition_naming(root)
    if not names.generated_index_name(child.table, addition, child.name, label):
        items.add((child.schema, child.table, child.name))
    opt = PartitionIndexNames(items=tuple(sorted(items))) if items else None
    if opt != root.option(PartitionIndexNames):
        b.update(root, options=replace_option(root.options, opt, PartitionIndexNames))


def _copy_like_indexes(b: Builder, table: Table, src: Table, comments: bool) -> None:
    """LIKE src INCLUDING INDEXES: src's plain indexes, created anew with their own generated names."""
    for o in list(b.children_of(src.schema, src.name)):
        if isinstance(o, Index):
            name = _index_name(b, table.schema, table.name, o.parts, o.include)
            deps = (o.depends_on - {src.key}) | {table.key}
            b.put(
                evolve(
                    o,
                    schema=table.schema,
                    table=table.name,
                    name=name,
                    comment=o.comment if comments else None,
                    pos=b.pos,
                    depends_on=dependencies(deps),
                )
            )


def _adopt_partition_indexes(b: Builder, parent: Table, idx: Index) -> None:
    """An index created on a partitioned table adopts an equivalent index a partition already has
    (PostgreSQL attaches it instead of building another): that index is now implied by `idx`."""
    for part in _inheritors(b, parent):
        if part.option(PartitionOf) is not None:
            _adopt_index(b, part, idx)


def _adopt_index(b: Builder, part: Table, idx: Index) -> None:
    """Remove the index of partition `part` that parent index `idx` adopts (and so on below)."""
    same = (idx.parts, idx.unique, idx.method, idx.include, idx.where, idx.nulls_not_distinct)
    for o in b.children_of(part.schema, part.name):
        if (
            isinstance(o, Index)
            and (o.parts, o.unique, o.method, o.include, o.where, o.nulls_not_distinct) == same
        ):
            b.remove(o.key)
            _absorb_partition_index(b, idx.key, o)
            break
    if part.option(PartitionBy) is not None:
        _adopt_partition_indexes(b, part, idx)


def _adopt_key(b: Builder, part: Table, key: PrimaryKey | Unique) -> None:
    """Remove the key of partition `part` that parent key `key` adopts (and so on below): its name
    stays on `key` when it is its own (PartitionIndexNames)."""
    shape = _partition_shape(key)
    for o in b.children_of(part.schema, part.name):
        if isinstance(o, (PrimaryKey, Unique)) and _partition_shape(o) == shape:
            b.remove(o.key)
            _absorb_partition_index(b, key.key, o)
            break
    for sub in _inheritors(b, part) if part.option(PartitionBy) is not None else ():
        if sub.option(PartitionOf) is not None:
            _adopt_key(b, sub, key)


# ---- ALTER TABLE ------------------------------------------------------------------------------


@handles("AlterTableStmt")
def alter_table(n: Node, b: Builder) -> None:
    rv = n["relation"]
    schema, name = b.rangevar(rv)
    if (schema, name) in b.identity_sequences:
        return  # ALTER TABLE/SEQUENCE on an identity sequence: owner and persistence follow the table
    index_attach = n.get("objtype") == "OBJECT_INDEX" and all(
        c["AlterTableCmd"]["subtype"] == "AT_AttachPartition" for c in n.get("cmds", ())
    )
    rel = b.relation(schema, name, missing_ok=bool(n.get("missing_ok")) or index_attach)
    if rel is None and index_attach:
        rel = _attached_index_root(b, n)
        if rel is None and not n.get("missing_ok"):
            raise b.error(f'relation "{schema}.{name}" does not exist')
    if rel is None:
        return
    recurse = rv.get("inh", False)  # ONLY: do not recurse to partitions/children
    for item in n.get("cmds", ()):
        cmd = item["AlterTableCmd"]
        sub = cmd["subtype"]
        fn = ALTER_CMDS.get(sub)
        if fn is None:
            b.unsupported("AlterTableStmt", f"{schema}.{name} {sub}", f"ALTER TABLE subcommand {sub}")
            continue
        rel = b.objects[rel.key]
        fn(b, rel, cmd, recurse)


def _attached_index_root(b: Builder, n: Node) -> SchemaObject | None:
    """ALTER INDEX mid ATTACH PARTITION leaf where `mid`, a partition's index, is already attached
    to its own parent and so left the model: the index of the nearest ancestor of leaf's table
    that has one of the same definition takes `leaf` instead (the catalog reader attaches the
    levels from the top)."""
    pc = n["cmds"][0]["AlterTableCmd"]["def"]["PartitionCmd"]
    key = b.relations.get(b.rangevar(pc["name"]))
    leaf = b.objects.get(key) if key is not None else None
    shape = _partition_shape(leaf) if leaf is not None else None
    if leaf is None or shape is None:
        return None
    table = b.objects.get(_table_key(leaf.schema, getattr(leaf, "table", "")))
    seen: set[tuple[str, str]] = set()
    while isinstance(table, Table) and (po := table.option(PartitionOf)) is not None:
        if po.parent in seen:
            break
        seen.add(po.parent)
        for o in b.children_of(*po.parent):
            if _partition_shape(o) == shape:
                return o
        table = b.objects.get(_table_key(*po.parent))
    return None


def _partition_shape(o: SchemaObject) -> tuple[Any, ...] | None:
    """What a partition's index or key must match to be attached to its parent's: a partitioned
    key takes a key of the partition (primary or unique: the server compares the indexes only),
    never a plain index."""
    if isinstance(o, Index):
        return ("index", *index_shape(o))
    if isinstance(o, (PrimaryKey, Unique)):
        return ("key", o.columns, o.include, isinstance(o, Unique) and o.nulls_not_distinct)
    return None


def _inheritors(b: Builder, table: Table) -> list[Table]:
    """Tables that inherit from or are partitions of `table` (direct only)."""
    out: list[Table] = []
    if not b.has_inheritance:
        return out
    for o in b.objects.values():
        if isinstance(o, Table):
            po = o.option(PartitionOf)
            inh = o.option(Inherits)
            if (po and po.parent == (table.schema, table.name)) or (
                inh and (table.schema, table.name) in inh.parents
            ):
                out.append(o)
    return out


def _table(b: Builder, rel: SchemaObject) -> Table:
    """`rel` as the table the ALTER TABLE subcommand needs (PostgreSQL's own error otherwise)."""
    if not isinstance(rel, Table):
        raise b.error(f'"{rel.name}" is not a table')
    return rel


def _for_table(b: Builder, rel: SchemaObject, recurse: bool) -> list[Table]:
    out = [_table(b, rel)]
    if recurse:
        i = 0
        while i < len(out):
            out.extend(_inheritors(b, out[i]))
            i += 1
    return out


def _at_add_column(b: Builder, rel: SchemaObject, cmd: Node, recurse: bool) -> None:
    for t in _for_table(b, rel, recurse):
        ctx = TableContext(b, t.schema, t.name)
        cd = cmd["def"]["ColumnDef"]
        if t.column(cd["colname"]) is not None:
            if cmd.get("missing_ok") or t is not rel:
                continue
            raise b.error(f'column "{cd["colname"]}" of relation "{t.name}" already exists')
        col = column_from_def(ctx, cd)
        for seq in ctx.sequences:
            b.put(seq)
        deps = set(t.depends_on) | ctx.deps
        b.update(t, columns=(*t.columns, col), depends_on=dependencies(deps))
        if t is rel:
            create_constraints(ctx)


def _at_drop_column(b: Builder, rel: SchemaObject, cmd: Node, recurse: bool) -> None:
    for t in _for_table(b, rel, recurse):
        if t.column(cmd["name"]) is None:
            if cmd.get("missing_ok") or t is not rel:
                continue
            raise b.error(f'column "{cmd["name"]}" of relation "{t.name}" does not exist')
        b.update(t, columns=tuple(c for c in t.columns if c.name != cmd["name"]))
        for o in b.children_of(t.schema, t.name):
            if _uses_column(o, cmd["name"]):
                b.remove(o.key)
        for seq in b.owned_sequences(t.schema, t.name):
            if seq.owned_by == (t.name, cmd["name"]):  # type: ignore[attr-defined]
                b.remove(seq.key)  # the server drops the column's owned sequence with it


def _uses_column(o: SchemaObject, col: str) -> bool:
    if isinstance(o, (PrimaryKey, Unique)):
        return col in o.columns or col in o.include
    if isinstance(o, ForeignKey):
        return col in o.columns
    if isinstance(o, Index):
        return any(p.column == col for p in o.parts) or col in o.include
    return False


def _at_default(b: Builder, rel: SchemaObject, cmd: Node, recurse: bool) -> None:
    if not isinstance(rel, Table):
        # ALTER VIEW v ALTER COLUMN c SET DEFAULT: defaults for inserts through the view
        cur = dict(o.items) if (o := rel.option(ViewDefaults)) else {}
        if cmd.get("def"):
            cur[cmd["name"]] = b.expr(cmd["def"])
        else:
            cur.pop(cmd["name"], None)
        new = ViewDefaults(items=tuple(sorted(cur.items()))) if cur else None
        b.update(rel, options=replace_option(rel.options, new, ViewDefaults))
        return
    node = cmd.get("def")
    deps = expr_deps(b, node) if node else set()
    for t in _for_table(b, rel, recurse):
        col = b.column(t, cmd["name"])
        t = b.update_column(t, cmd["name"], default=b.expr(node, col.type) if node else None)
        if deps:
            b.update(t, depends_on=t.depends_on | deps)


def _at_not_null(b: Builder, rel: SchemaObject, cmd: Node, recurse: bool) -> None:
    for t in _for_table(b, rel, recurse):
        b.column(t, cmd["name"])
        b.update_column(t, cmd["name"], nullable=cmd["subtype"] == "AT_DropNotNull")


def _at_type(b: Builder, rel: SchemaObject, cmd: Node, recurse: bool) -> None:
    cd = cmd["def"]["ColumnDef"]
    text = type_name(cd["typeName"], b.type_schema)
    coll = _collation(b, cd.get("collClause"))
    for t in _for_table(b, rel, recurse):
        b.column(t, cmd["name"])
        t = b.update_column(t, cmd["name"], type=text, collation=coll)
        b.update(t, depends_on=t.depends_on | _type_deps(b, text, cd["typeName"]))


def _at_add_constraint(b: Builder, rel: SchemaObject, cmd: Node, recurse: bool) -> None:
    rel = _table(b, rel)
    ctx = TableContext(b, rel.schema, rel.name)
    ctx.pending.append((dict(cmd["def"]["Constraint"]), None))
    before = set(b.children.get((rel.schema, rel.name), ())) if rel.option(PartitionBy) else None
    create_constraints(ctx)
    if before is not None:
        for o in list(b.children_of(rel.schema, rel.name)):
            if isinstance(o, ForeignKey) and o.key not in before:
                _adopt_partition_fks(b, rel, o)
            elif isinstance(o, (PrimaryKey, Unique)) and o.key not in before and recurse:
                # (ALTER TABLE ONLY, as pg_dump writes it: the partitions' keys are attached one
                # by one by ALTER INDEX ... ATTACH PARTITION)
                for part in _inheritors(b, rel):
                    if part.option(PartitionOf) is not None:
                        _adopt_key(b, part, o)


# pg_dump's `ALTER TABLE ONLY s.t ADD CONSTRAINT n PRIMARY KEY|UNIQUE|FOREIGN KEY ...` as read by
# fastpath.scan: the steps alter_table, _at_add_constraint and make_constraint take for a named
# constraint on a table that is neither partitioned nor an identity's sequence (else declined).


def _plain_table(b: Builder, schema: str, table: str) -> bool:
    """Whether ADD CONSTRAINT on schema.table is only the new constraint (what the fast path does)."""
    if (schema, table) in b.identity_sequences:
        return False
    rel = b.relation(schema, table, missing_ok=True)
    return isinstance(rel, Table) and rel.option(PartitionBy) is None


@shape_handler("primary_key")
@shape_handler("unique")
def _fast_key(shape: Shape, b: Builder) -> bool:
    kind, schema, table, name, columns = shape
    if not _plain_table(b, schema, table):
        return False
    common = _constraint_fields(b, schema, table)
    if kind == "unique":
        b.put(Unique(name=name, columns=columns, include=(), nulls_not_distinct=False, options=(), **common))
        return True
    b.put(PrimaryKey(name=name, columns=columns, include=(), options=(), **common))
    _set_not_null(b, schema, table, columns)
    return True


@shape_handler("foreign_key")
def _fast_foreign_key(shape: Shape, b: Builder) -> bool:
    _, schema, table, name, ref_schema, ref_table, columns, ref_columns, on_update, on_delete = shape
    if not _plain_table(b, schema, table):
        return False
    fk = ForeignKey(
        name=name,
        columns=columns,
        ref_schema=ref_schema,
        ref_table=ref_table,
        ref_columns=ref_columns,
        on_delete=_ACTIONS[on_delete],
        on_update=_ACTIONS[on_update],
        match=_MATCH["s"],
        valid=True,
        **_constraint_fields(b, schema, table),
    )
    b.finish_later(_resolve_fk, fk.key)
    b.put(fk)
    return True


@shape_handler("index")
def _fast_index(shape: Shape, b: Builder) -> bool:
    """CREATE [UNIQUE] INDEX n ON s.t USING btree (columns): create_index's steps for it."""
    _, name, schema, table, unique, columns = shape
    rel = b.relation(schema, table, missing_ok=True)
    if rel is None or (isinstance(rel, Table) and rel.option(PartitionBy) is not None):
        return False
    parts = tuple(
        IndexPart(column=column, descending=descending, nulls_first=nulls_first)
        for column, descending, nulls_first in columns
    )
    b.put(
        Index(
            schema=schema,
            table=table,
            name=name,
            parts=parts,
            unique=unique,
            pos=b.pos,
            depends_on=dependencies({rel.key}),
        )
    )
    return True


@shape_handler("identity")
def _fast_identity(shape: Shape, b: Builder) -> bool:
    """pg_dump's ALTER TABLE s.t ALTER COLUMN c ADD GENERATED ... AS IDENTITY (SEQUENCE NAME ...):
    _at_identity's steps for it, on a table that has the column."""
    _, schema, table, column, always, seq_schema, seq_name, values = shape
    if (schema, table) in b.identity_sequences:
        return False
    rel = b.relation(schema, table, missing_ok=True)
    col = rel.column(column) if isinstance(rel, Table) else None
    if col is None:
        return False
    assert isinstance(rel, Table)
    vals = {**dict(values), "sequence_name": [seq_schema, seq_name]}
    ident = Identity(always=always, sequence=_nondefault_sequence_options(vals, col.type))
    _register_identity_sequence(b, schema, table, col.name, vals["sequence_name"])
    b.update_column(rel, col.name, options=replace_option(col.options, ident, Identity), nullable=False)
    return True


# ---- foreign keys of partitions ------------------------------------------------------------------
# A foreign key of a partitioned table is inherited by every partition: PostgreSQL clones it (or
# attaches an equivalent key the partition already has, which keeps its own name), drops the
# copies with it, refuses to drop a copy on its own, and pg_dump and the catalog reader leave the
# copies out (conparentid set). The model keeps the parent's key only.


def _fk_shape(b: Builder, fk: ForeignKey) -> tuple[Any, ...]:
    """What PostgreSQL compares before attaching a partition's foreign key to its parent's
    (tryAttachPartitionForeignKey): columns, referenced table and columns, actions, deferral."""
    ref_cols = fk.ref_columns
    if not ref_cols:  # REFERENCES t: the referenced table's primary key (resolved at the end)
        pk = next((o for o in b.children_of(fk.ref_schema, fk.ref_table) if isinstance(o, PrimaryKey)), None)
        ref_cols = pk.columns if pk is not None else ()
    return (
        fk.columns,
        fk.ref_schema,
        fk.ref_table,
        ref_cols,
        fk.on_delete,
        fk.on_update,
        fk.match,
        fk.deferrable,
        fk.initially_deferred,
    )


def _adopt_partition_fks(b: Builder, parent: Table, fk: ForeignKey) -> None:
    """`fk` of partitioned table `parent` is inherited by its partitions (all levels)."""
    shape = _fk_shape(b, fk)
    for part in _inheritors(b, parent):
        if part.option(PartitionOf) is not None:
            _adopt_fk(b, part, shape)


def _adopt_fk(b: Builder, part: Table, shape: tuple[Any, ...]) -> None:
    """A partition's own valid foreign key of that shape is attached to the parent's (implied by
    it); the partitions below inherit it in turn."""
    for o in b.children_of(part.schema, part.name):
        if isinstance(o, ForeignKey) and o.valid and _fk_shape(b, o) == shape:
            b.remove(o.key)
            break
    for sub in _inheritors(b, part) if part.option(PartitionBy) is not None else ():
        if sub.option(PartitionOf) is not None:
            _adopt_fk(b, sub, shape)


def _ancestors(b: Builder, table: Table) -> list[Table]:
    """The tables `table` is a partition of, its parent first."""
    out: list[Table] = []
    seen = {(table.schema, table.name)}
    while (po := table.option(PartitionOf)) is not None and po.parent not in seen:
        seen.add(po.parent)
        parent = b.objects.get(_table_key(*po.parent))
        if not isinstance(parent, Table):
            break
        out.append(parent)
        table = parent
    return out


def _detached_copies(b: Builder, ancestors: list[Table], child: Table) -> None:
    """DETACH PARTITION: the partition keeps what it had for its parents' foreign keys, keys and
    indexes, as objects of its own now. Names: an index's or key's own name where the partitioned
    one kept it (PartitionIndexNames), else the name the server gave the copy (the parent's for a
    foreign key, <table>_pkey, <table>_<columns>_key|idx), no comment. A foreign key an attach
    adopted kept its own name, which the model no longer knows: such a copy gets the generated
    one. (render.detach_copies makes the same copies for a planned DETACH.)"""
    taken = {o.name for o in b.children_of(child.schema, child.name)}
    below = {(t.schema, t.name) for t in descendants(b, child, partitions_only=True)}
    shapes: set[tuple[Any, ...]] = set()
    for parent in ancestors:
        for o in b.children_of(parent.schema, parent.name):
            deps = dependencies((o.depends_on - {parent.key}) | {child.key})
            if isinstance(o, ForeignKey):
                if (shape := _fk_shape(b, o)) in shapes:
                    continue
                shapes.add(shape)
                name = o.name
                if name in taken:
                    free = _constraint_taken(b, child.schema, taken)
                    name = choose_name(child.name, column_name_part(o.columns), "fkey", free)
                copy: SchemaObject = evolve(
                    o, table=child.name, name=name, comment=None, pos=b.pos, depends_on=deps
                )
                b.finish_later(_resolve_fk, copy.key)
            elif isinstance(o, (PrimaryKey, Unique, Index)):
                if (key_shape := (type(o), _partition_shape(o))) in shapes:
                    continue
                shapes.add(key_shape)
                copy = _detached_index(b, o, child, below, taken, deps)
            else:
                continue
            taken.add(copy.name)
            b.put(copy)


def _detached_index(
    b: Builder,
    idx: Index | PrimaryKey | Unique,
    child: Table,
    below: set[tuple[str, str]],
    taken: set[str],
    deps: frozenset[ObjectKey],
) -> SchemaObject:
    """The index (key) partitioned index (key) `idx` has on `child`, standalone after DETACH: its
    own name or the one the server gave it; it takes from `idx` the own names of its own
    partitions' indexes (`below`: the partitions under `child`)."""
    current = idx.option(PartitionIndexNames)
    names = {(s, p): n for s, p, n in (current.items if current else ())}
    name = names.pop((child.schema, child.name), None)
    if name is None:
        addition, label = partition_naming(idx)
        name = choose_name(child.name, addition, label, _relation_taken(b, child.schema, taken))
    moved = tuple(sorted((s, p, n) for (s, p), n in names.items() if (s, p) in below))
    kept = tuple(sorted((s, p, n) for (s, p), n in names.items() if (s, p) not in below))
    if kept != (current.items if current else ()):
        opt = PartitionIndexNames(items=kept) if kept else None
        b.update(idx, options=replace_option(idx.options, opt, PartitionIndexNames))
    mine = PartitionIndexNames(items=moved) if moved else None
    opts = replace_option(idx.options, mine, PartitionIndexNames)
    return evolve(idx, table=child.name, name=name, options=opts, comment=None, pos=b.pos, depends_on=deps)


def descendants(b: Builder, table: Table, *, partitions_only: bool = False) -> list[Table]:
    """The tables below `table`, at every level: its partitions and (unless `partitions_only`)
    inheritance children, each once."""
    out: list[Table] = []
    seen = {(table.schema, table.name)}
    todo = [table]
    while todo:
        for t in _inheritors(b, todo.pop()):
            if (t.schema, t.name) not in seen and (not partitions_only or t.option(PartitionOf) is not None):
                seen.add((t.schema, t.name))
                out.append(t)
                todo.append(t)
    return out


def _find_constraint(b: Builder, rel: SchemaObject, name: str) -> SchemaObject | None:
    for k in CONSTRAINT_KINDS:
        o = b.objects.get(ObjectKey(k, rel.schema, name, rel.name))
        if o is not None:
            return o
    return None


def _at_drop_constraint(b: Builder, rel: SchemaObject, cmd: Node, recurse: bool) -> None:
    o = _find_constraint(b, rel, cmd["name"])
    if o is None:
        if cmd.get("missing_ok"):
            return
        raise b.error(f'constraint "{cmd["name"]}" of relation "{rel.name}" does not exist')
    b.remove(o.key)


def _at_validate(b: Builder, rel: SchemaObject, cmd: Node, recurse: bool) -> None:
    o = _find_constraint(b, rel, cmd["name"])
    if isinstance(o, (Check, ForeignKey)):
        b.update(o, valid=True)


def _at_identity(b: Builder, rel: SchemaObject, cmd: Node, recurse: bool) -> None:
    rel = _table(b, rel)
    col = b.column(rel, cmd["name"])
    sub = cmd["subtype"]
    if sub == "AT_AddIdentity":
        c = cmd["def"]["Constraint"]
        ident_opt: Identity | None = Identity(
            always=c.get("generated_when") == "a", sequence=_seq_opts(b, c, col.type)
        )
        register_identity(b, rel.schema, rel.name, col.name, c)
        b.update_column(
            rel, col.name, options=replace_option(col.options, ident_opt, Identity), nullable=False
        )
    elif sub == "AT_DropIdentity":
        b.update_column(rel, col.name, options=replace_option(col.options, None, Identity))
    else:  # AT_SetIdentity: SET GENERATED ... / SET sequence options
        cur = col.option(Identity) or Identity(always=False)
        always = cur.always
        seq = dict(cur.sequence)
        for item in cmd["def"]["List"]["items"] if "List" in cmd.get("def", {}) else cmd.get("def", []):
            d = item["DefElem"]
            if d["defname"] == "generated":
                always = const_value(d["arg"]) == 1 or d["arg"].get("Integer", {}).get("ival") == 1
        seq_vals = sequence_values(
            b,
            [
                i
                for i in (cmd["def"]["List"]["items"] if "List" in cmd.get("def", {}) else [])
                if i["DefElem"]["defname"] != "generated"
            ],
            col.type,
        )
        defaults = {**sequence_defaults(col.type, int(seq_vals.get("increment", 1))), "increment": 1}
        for k, v in seq_vals.items():
            if k in defaults and v != defaults[k]:
                seq[k] = str(v)
            elif k in defaults:
                seq.pop(k, None)
        new = Identity(always=always, sequence=tuple(sorted(seq.items())))
        b.update_column(rel, col.name, options=replace_option(col.options, new, Identity))


def _at_owner(b: Builder, rel: SchemaObject, cmd: Node, recurse: bool) -> None:
    b.set_owner(rel, role_name(cmd["newowner"]))


def role_name(spec: Node) -> str:
    """Canonical role name of a RoleSpec node."""
    r = spec.get("RoleSpec", spec)
    t = r.get("roletype", "ROLESPEC_CSTRING")
    if t == "ROLESPEC_PUBLIC":
        return "public"
    if t != "ROLESPEC_CSTRING":
        return str(t).removeprefix("ROLESPEC_").lower()
    return str(r.get("rolename", ""))


def _at_attach_partition(b: Builder, rel: SchemaObject, cmd: Node, recurse: bool) -> None:
    pc = cmd["def"]["PartitionCmd"]
    schema, name = b.rangevar(pc["name"])
    if rel.KIND in ("index", "primary_key", "unique", "exclude"):
        # ALTER INDEX parent ATTACH PARTITION child: the child index is implied by the parent's
        child_key = b.relations.get((schema, name))
        if child_key is not None:
            child_index = b.objects[child_key]
            b.remove(child_key)
            _absorb_partition_index(b, rel.key, child_index)
        return
    child = b.table(schema, name)
    rel = _table(b, rel)
    b.has_inheritance = True
    opts = replace_option(
        child.options,
        PartitionOf(parent=(rel.schema, rel.name), bound=partition_bound(b, pc["bound"], rel)),
        PartitionOf,
    )
    child = b.update(child, options=opts, depends_on=child.depends_on | {rel.key})
    # constraints copied from the parent when the partition was created standalone are implied
    parent_checks = {(o.name, o.expr) for o in b.children_of(rel.schema, rel.name) if isinstance(o, Check)}
    for o in b.children_of(child.schema, child.name):
        if isinstance(o, Check) and (o.name, o.expr) in parent_checks:
            b.remove(o.key)
    # ... and so are its indexes and key constraints equivalent to the parent's, which the attach
    # adopts (they become the parent's partitions of them)
    for o in list(b.children_of(rel.schema, rel.name)):
        if isinstance(o, Index):
            _adopt_index(b, child, o)
        elif isinstance(o, (PrimaryKey, Unique)):
            _adopt_key(b, child, o)
        elif isinstance(o, ForeignKey):
            _adopt_fk(b, child, _fk_shape(b, o))


def _at_detach_partition(b: Builder, rel: SchemaObject, cmd: Node, recurse: bool) -> None:
    schema, name = b.rangevar(cmd["def"]["PartitionCmd"]["name"])
    child = b.table(schema, name)
    ancestors = _ancestors(b, child)
    child = b.update(child, options=replace_option(child.options, None, PartitionOf))
    _detached_copies(b, ancestors, child)


def _at_rls(b: Builder, rel: SchemaObject, cmd: Node, recurse: bool) -> None:
    cur = rel.option(RowSecurity) or RowSecurity()
    sub = cmd["subtype"]
    new = {
        "AT_EnableRowSecurity": evolve(cur, enabled=True),
        "AT_DisableRowSecurity": evolve(cur, enabled=False),
        "AT_ForceRowSecurity": evolve(cur, forced=True),
        "AT_NoForceRowSecurity": evolve(cur, forced=False),
    }[sub]
    b.update(
        rel, options=replace_option(rel.options, new if new.enabled or new.forced else None, RowSecurity)
    )


def _at_cluster(b: Builder, rel: SchemaObject, cmd: Node, recurse: bool) -> None:
    for o in b.children_of(rel.schema, rel.name):
        if o.option(Clustered):
            b.update(o, options=replace_option(o.options, None, Clustered))
    if cmd["subtype"] == "AT_ClusterOn":
        target = b.relations.get((rel.schema, cmd["name"]))
        idx = b.objects.get(target) if target else None
        if idx is None:
            raise b.error(f'index "{cmd["name"]}" for table "{rel.name}" does not exist')
        b.update(idx, options=replace_option(idx.options, Clustered(), Clustered))


@handles("ClusterStmt")
def cluster(n: Node, b: Builder) -> None:
    """CLUSTER t USING i marks i as the table's cluster index, like ALTER TABLE t CLUSTER ON i.

    CLUSTER without USING reuses the marked index, and a partitioned table keeps no mark.
    """
    rv, index = n.get("relation"), n.get("indexname")
    if rv is None or not index:
        return
    rel = b.relation(*b.rangevar(rv))
    if rel is not None and rel.option(PartitionBy) is None:
        _at_cluster(b, rel, {"subtype": "AT_ClusterOn", "name": index}, False)


def _at_column_storage(b: Builder, rel: SchemaObject, cmd: Node, recurse: bool) -> None:
    if not isinstance(rel, Table):
        return
    col = b.column(rel, cmd["name"])
    cur = col.option(Storage) or Storage()
    sub = cmd["subtype"]
    arg = cmd.get("def")
    if sub == "AT_SetStorage":
        storage: str | None = str(const_value(arg)).upper()
        if storage == default_storage(col.type):
            storage = None  # the type's own storage: pg_dump writes nothing for it
        cur = evolve(cur, storage=storage)
    elif sub == "AT_SetCompression":
        cur = evolve(cur, compression=str(const_value(arg)).lower())
    elif sub == "AT_SetStatistics":
        v = int(const_value(arg))
        cur = evolve(cur, statistics=None if v == -1 else v)
    elif sub == "AT_SetOptions":
        # a later SET of the same option replaces its value
        params = dict(p.partition("=")[::2] for p in cur.attoptions)
        items = (arg or {}).get("List", {}).get("items", arg)
        params.update(p.partition("=")[::2] for p in reloptions(items))
        cur = evolve(cur, attoptions=tuple(sorted(f"{k}={v}" for k, v in params.items())))
    elif sub == "AT_AlterColumnGenericOptions":
        cur = evolve(cur, fdw_options=generic_options(b, cur.fdw_options, arg))
    elif sub == "AT_ResetOptions":
        cur = evolve(cur, attoptions=())
    empty = cur == Storage()
    b.update_column(rel, col.name, options=replace_option(col.options, None if empty else cur, Storage))


def _at_reloptions(b: Builder, rel: SchemaObject, cmd: Node, recurse: bool) -> None:
    arg = cmd.get("def")
    items = arg["List"]["items"] if arg and "List" in arg else (arg or [])
    cur = rel.option(StorageParams)
    params = dict(p.split("=", 1) for p in (cur.params if cur else ()))
    if cmd["subtype"] == "AT_SetRelOptions":
        params.update(p.partition("=")[::2] for p in reloptions(items))
    else:
        for item in items:
            params.pop(item["DefElem"]["defname"], None)
    new = StorageParams(params=tuple(sorted(f"{k}={v}" for k, v in params.items()))) if params else None
    b.update(rel, options=replace_option(rel.options, new, StorageParams))


def _at_replica_identity(b: Builder, rel: SchemaObject, cmd: Node, recurse: bool) -> None:
    ri = cmd["def"]["ReplicaIdentityStmt"]
    kind = ri.get("identity_type")
    value = {"d": None, "f": "FULL", "n": "NOTHING", "i": f"USING INDEX {ri.get('name')}"}.get(kind)
    b.update(
        rel,
        options=replace_option(
            rel.options, ReplicaIdentity(identity=value) if value else None, ReplicaIdentity
        ),
    )


def _at_logged(b: Builder, rel: SchemaObject, cmd: Node, recurse: bool) -> None:
    unlogged = Unlogged() if cmd["subtype"] == "AT_SetUnLogged" else None
    b.update(rel, options=replace_option(rel.options, unlogged, Unlogged))


def _at_access_method(b: Builder, rel: SchemaObject, cmd: Node, recurse: bool) -> None:
    """ALTER TABLE | MATERIALIZED VIEW ... SET ACCESS METHOD m (PostgreSQL 15)."""
    method = cmd.get("name") or "heap"
    am = AccessMethod(method=method) if method != "heap" else None
    b.update(rel, options=replace_option(rel.options, am, AccessMethod))


def _at_trigger_state(b: Builder, rel: SchemaObject, cmd: Node, recurse: bool) -> None:
    sub = cmd["subtype"]
    state = {
        "AT_EnableTrig": None,
        "AT_DisableTrig": "DISABLED",
        "AT_EnableAlwaysTrig": "ALWAYS",
        "AT_EnableReplicaTrig": "REPLICA",
        "AT_EnableRule": None,
        "AT_DisableRule": "DISABLED",
        "AT_EnableAlwaysRule": "ALWAYS",
        "AT_EnableReplicaRule": "REPLICA",
    }[sub]
    is_rule = "Rule" in sub
    for o in b.children_of(rel.schema, rel.name):
        if o.name == cmd.get("name") and (isinstance(o, Trigger) != is_rule):
            opt = TriggerState(state=state) if state else None
            b.update(o, options=replace_option(o.options, opt, TriggerState))
            return
    if not is_rule and rel.option(PartitionOf) is not None:
        # the trigger is a clone of the partitioned parent's; its per-partition state is not modelled
        b.unsupported(
            "AlterTableStmt", f"{rel.schema}.{rel.name} {cmd.get('name')}", "a partition's trigger state"
        )
        return
    raise b.error(
        f'{"rule" if is_rule else "trigger"} "{cmd.get("name")}" for table "{rel.name}" does not exist'
    )


def _at_inherit(b: Builder, rel: SchemaObject, cmd: Node, recurse: bool) -> None:
    parent = b.rangevar(cmd["def"])
    cur = rel.option(Inherits)
    parents = list(cur.parents) if cur else []
    if cmd["subtype"] == "AT_AddInherit":
        parents.append(parent)
    elif parent in parents:
        parents.remove(parent)
    new = Inherits(parents=tuple(parents)) if parents else None
    b.has_inheritance = True
    b.update(rel, options=replace_option(rel.options, new, Inherits))


def _at_drop_expression(b: Builder, rel: SchemaObject, cmd: Node, recurse: bool) -> None:
    rel = _table(b, rel)
    b.update_column(rel, cmd["name"], generated=None)


def generic_options(b: Builder, cur: tuple[str, ...], arg: Node | None) -> tuple[str, ...]:
    """FDW OPTIONS ([ADD | SET | DROP] name 'value', ...) applied to sorted `name=value` strings."""
    params = dict(p.split("=", 1) for p in cur)
    for item in (arg or {}).get("List", {}).get("items", ()):
        d = item["DefElem"]
        name, action = d["defname"], d.get("defaction", "DEFELEM_UNSPEC")
        if action == "DEFELEM_DROP":
            if params.pop(name, None) is None:
                raise b.error(f'option "{name}" not found')
        elif action == "DEFELEM_SET":
            if name not in params:
                raise b.error(f'option "{name}" not found')
            params[name] = str(const_value(d.get("arg")))
        else:
            if name in params:
                raise b.error(f'option "{name}" provided more than once')
            params[name] = str(const_value(d.get("arg")))
    return tuple(sorted(f"{k}={v}" for k, v in params.items()))


def _at_generic_options(b: Builder, rel: SchemaObject, cmd: Node, recurse: bool) -> None:
    ft = rel.option(ForeignTable)
    if ft is None:
        raise b.error(f'"{rel.name}" is not a foreign table')
    params = generic_options(b, ft.params, cmd.get("def"))
    b.update(rel, options=replace_option(rel.options, evolve(ft, params=params), ForeignTable))


def _at_ignore(b: Builder, rel: SchemaObject, cmd: Node, recurse: bool) -> None:
    """Physical settings ddlcompare does not compare (tablespace)."""


ALTER_CMDS = {
    "AT_AddColumn": _at_add_column,
    "AT_AddColumnToView": _at_add_column,
    "AT_DropColumn": _at_drop_column,
    "AT_ColumnDefault": _at_default,
    "AT_SetNotNull": _at_not_null,
    "AT_DropNotNull": _at_not_null,
    "AT_AlterColumnType": _at_type,
    "AT_AddConstraint": _at_add_constraint,
    "AT_DropConstraint": _at_drop_constraint,
    "AT_ValidateConstraint": _at_validate,
    "AT_AddIdentity": _at_identity,
    "AT_SetIdentity": _at_identity,
    "AT_DropIdentity": _at_identity,
    "AT_ChangeOwner": _at_owner,
    "AT_AttachPartition": _at_attach_partition,
    "AT_DetachPartition": _at_detach_partition,
    "AT_EnableRowSecurity": _at_rls,
    "AT_DisableRowSecurity": _at_rls,
    "AT_ForceRowSecurity": _at_rls,
    "AT_NoForceRowSecurity": _at_rls,
    "AT_ClusterOn": _at_cluster,
    "AT_DropCluster": _at_cluster,
    "AT_SetStorage": _at_column_storage,
    "AT_SetCompression": _at_column_storage,
    "AT_SetStatistics": _at_column_storage,
    "AT_SetOptions": _at_column_storage,
    "AT_ResetOptions": _at_column_storage,
    "AT_SetRelOptions": _at_reloptions,
    "AT_ResetRelOptions": _at_reloptions,
    "AT_ReplicaIdentity": _at_replica_identity,
    "AT_SetLogged": _at_logged,
    "AT_SetAccessMethod": _at_access_method,
    "AT_SetUnLogged": _at_logged,
    "AT_EnableTrig": _at_trigger_state,
    "AT_DisableTrig": _at_trigger_state,
    "AT_EnableAlwaysTrig": _at_trigger_state,
    "AT_EnableReplicaTrig": _at_trigger_state,
    "AT_EnableRule": _at_trigger_state,
    "AT_DisableRule": _at_trigger_state,
    "AT_EnableAlwaysRule": _at_trigger_state,
    "AT_EnableReplicaRule": _at_trigger_state,
    "AT_AddInherit": _at_inherit,
    "AT_DropInherit": _at_inherit,
    "AT_DropExpression": _at_drop_expression,
    "AT_SetTableSpace": _at_ignore,
    "AT_AlterColumnGenericOptions": _at_column_storage,
    "AT_GenericOptions": _at_generic_options,
}

__all__ = ["Constraint", "TableChild", "create_constraints", "make_constraint"]
