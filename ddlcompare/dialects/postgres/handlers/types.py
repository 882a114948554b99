"""Schemas, extensions, user types and sequences."""

from __future__ import annotations

import dataclasses

from ddlcompare.dialects.postgres.handlers.tables import (
    INT_RANGES,
    TableContext,
    _collation,
    column_from_def,
    role_name,
    sequence_defaults,
    sequence_values,
)
from ddlcompare.dialects.postgres.names import choose_name, truncate
from ddlcompare.dialects.postgres.objects import (
    Attribute,
    CompositeType,
    Domain,
    DomainCheck,
    Enum,
    Extension,
    Namespace,
    RangeType,
)
from ddlcompare.dialects.postgres.parse import Builder, Node, const_value, handles, strings
from ddlcompare.dialects.postgres.types import type_name
from ddlcompare.model.base import ObjectKey, dependencies
from ddlcompare.model.objects import Sequence, Table


def qualified_parts(b: Builder, parts: list[str]) -> tuple[str, str]:
    """(schema, name) of a dotted name list; unqualified names go to the first search_path schema."""
    if len(parts) >= 2:
        return parts[-2], parts[-1]
    return b.default_schema, parts[0]


@handles("CreateSchemaStmt")
def create_schema(n: Node, b: Builder) -> None:
    name = n.get("schemaname") or (role_name(n["authrole"]) if n.get("authrole") else "")
    key = ObjectKey("schema", "", name)
    # `public` exists in every database: creating it again is what old pg_dump versions wrote;
    # created after a DROP SCHEMA public it comes back without the comment it was born with ("")
    if name == "public" and key not in b.objects:
        b.put(Namespace(schema="", name=name, comment="", pos=b.pos))
    elif name != "public" and not (n.get("if_not_exists") and key in b.objects):
        namespace = Namespace(schema="", name=name, pos=b.pos)
        b.put(namespace)
        if n.get("authrole"):
            b.set_owner(namespace, role_name(n["authrole"]))
    elts = n.get("schemaElts")
    if elts:
        saved = b.search_path
        # PostgreSQL pushes the new schema in front of the current path: elements are created in
        # it and names they use are looked up there first, then along the path
        b.search_path = (name, *(s for s in saved if s != name))
        try:
            for elt in elts:
                kind, body = next(iter(elt.items()))
                from ddlcompare.dialects.postgres.parse import HANDLERS

                handler = HANDLERS.get(kind)
                if handler is None:
                    b.unsupported(kind, name, f"statement {kind} inside CREATE SCHEMA")
                else:
                    handler(body, b)
        finally:
            b.search_path = saved


@handles("CreateExtensionStmt")
def create_extension(n: Node, b: Builder) -> None:
    name = n["extname"]
    if name == "plpgsql":
        return  # installed in every database since PostgreSQL 9.0; pg_dump omits it
    key = ObjectKey("extension", "", name)
    if key in b.objects:
        if n.get("if_not_exists"):
            return
        raise b.error(f'extension "{name}" already exists')
    schema = None
    for item in n.get("options", ()):
        d = item["DefElem"]
        if d["defname"] == "schema":
            schema = const_value(d["arg"])
    # without WITH SCHEMA an extension goes to the first schema of search_path
    b.put(Extension(schema="", name=name, in_schema=schema or b.default_schema, pos=b.pos))
    b.add_extension_schema(schema or b.default_schema)


@handles("CreateEnumStmt")
def create_enum(n: Node, b: Builder) -> None:
    schema, name = qualified_parts(b, strings(n["typeName"]))
    b.put(Enum(schema=schema, name=truncate(name), labels=tuple(strings(n.get("vals"))), pos=b.pos))


@handles("AlterEnumStmt")
def alter_enum(n: Node, b: Builder) -> None:
    schema, name = qualified_parts(b, strings(n["typeName"]))
    key = ObjectKey("enum", b.type_schema(name) if len(strings(n["typeName"])) == 1 else schema, name)
    e = b.objects.get(key)
    if not isinstance(e, Enum):
        raise b.error(f'type "{name}" does not exist')
    labels = list(e.labels)

    def existing(label: str) -> int:
        if label not in labels:
            raise b.error(f'"{label}" is not an existing enum label')
        return labels.index(label)

    if n.get("oldVal"):
        labels[existing(n["oldVal"])] = n["newVal"]
    else:
        new = n["newVal"]
        if new in labels:
            if n.get("skipIfNewValExists"):
                return
            raise b.error(f'enum label "{new}" already exists')
        neighbor = n.get("newValNeighbor")
        if neighbor:
            i = existing(neighbor)
            labels.insert(i + (1 if n.get("newValIsAfter") else 0), new)
        else:
            labels.append(new)
    b.update(e, labels=tuple(labels))


@handles("CreateDomainStmt")
def create_domain(n: Node, b: Builder) -> None:
    schema, name = qualified_parts(b, strings(n["domainname"]))
    name = truncate(name)
    base = type_name(n["typeName"], b.type_schema)
    default = None
    not_null = False
    checks: list[DomainCheck] = []
    deps = _user_type_keys(b, base)
    for item in n.get("constraints", ()):
        c = item["Constraint"]
        t = c["contype"]
        if c.get("raw_expr"):  # functions its default and checks call come first
            deps |= b.deps_of(b.refs(c["raw_expr"]))
        if t == "CONSTR_DEFAULT":
            default = b.expr(c["raw_expr"], base)
        elif t == "CONSTR_NOTNULL":
            not_null = True
        elif t == "CONSTR_NULL":
            not_null = False
        elif t == "CONSTR_CHECK":
            checks.append(_domain_check(b, schema, name, c, {d.name for d in checks}))
    b.put(
        Domain(
            schema=schema,
            name=name,
            base_type=base,
            default=default,
            not_null=not_null,
            collation=_collation(b, n.get("collClause")),
            checks=tuple(sorted(checks, key=lambda d: d.name)),
            pos=b.pos,
            depends_on=dependencies(deps),
        )
    )


def _domain_check(b: Builder, schema: str, domain: str, c: Node, taken: set[str]) -> DomainCheck:
    name = c.get("conname")
    if not name:
        # domain CHECKs are named <domain>_check (ChooseConstraintName with no column)
        name = choose_name(domain, "", "check", lambda x: x in taken)
    return DomainCheck(name=truncate(name), expr=b.expr(c["raw_expr"]), valid=not c.get("skip_validation"))


def _user_type_keys(b: Builder, type_text: str) -> set[ObjectKey]:
    base = type_text.split("(")[0].removesuffix("[]")
    if "." not in base:
        return set()
    schema, _, name = base.partition(".")
    name = name.strip('"')
    schema = schema.strip('"')
    return {
        k
        for k in (
            # a table's or view's row type is a type too
            ObjectKey(kind, schema, name)
            for kind in ("enum", "domain", "composite_type", "range_type", "table", "view")
        )
        if k in b.objects
    }


@handles("AlterDomainStmt")
def alter_domain(n: Node, b: Builder) -> None:
    parts = strings(n["typeName"])
    schema, name = (parts[-2], parts[-1]) if len(parts) > 1 else (b.type_schema(parts[0]), parts[0])
    d = b.objects.get(ObjectKey("domain", schema, name))
    if not isinstance(d, Domain):
        raise b.error(f'type "{name}" does not exist')
    sub = n.get("subtype")
    if sub == "T":
        d = b.update(d, default=b.expr(n["def"], d.base_type) if n.get("def") else None)
    elif sub in ("N", "O"):
        b.update(d, not_null=sub == "O")
    elif sub == "C":
        c = n["def"]["Constraint"]
        if c["contype"] == "CONSTR_NOTNULL":
            b.update(d, not_null=True)
        else:
            chk = _domain_check(b, schema, name, c, {x.name for x in d.checks})
            b.update(d, checks=tuple(sorted((*d.checks, chk), key=lambda x: x.name)))
    elif sub == "X":
        b.update(d, checks=tuple(x for x in d.checks if x.name != n.get("name")))
    elif sub == "V":
        b.update(
            d,
            checks=tuple(
                dataclasses.replace(x, valid=True) if x.name == n.get("name") else x for x in d.checks
            ),
        )


@handles("CompositeTypeStmt")
def create_composite(n: Node, b: Builder) -> None:
    schema, name = b.rangevar(n["typevar"])
    if not n["typevar"].get("schemaname"):
        schema = b.default_schema
    ctx = TableContext(b, schema, name)
    attrs = []
    for elt in n.get("coldeflist", ()):
        col = column_from_def(ctx, elt["ColumnDef"], serial_ok=False)
        attrs.append(Attribute(name=col.name, type=col.type, collation=col.collation))
    deps = set()
    for a in attrs:
        deps |= _user_type_keys(b, a.type)
    b.put(
        CompositeType(
            schema=schema,
            name=truncate(name),
            attributes=tuple(attrs),
            pos=b.pos,
            depends_on=dependencies(deps),
        )
    )


@handles("CreateRangeStmt")
def create_range(n: Node, b: Builder) -> None:
    schema, name = qualified_parts(b, strings(n["typeName"]))
    subtype = ""
    params = []
    for item in n.get("params", ()):
        d = item["DefElem"]
        arg = d.get("arg")
        if d["defname"] == "subtype":
            subtype = type_name(arg.get("TypeName", arg), b.type_schema)
        else:
            value = const_value(arg)
            if isinstance(value, list):
                value = ".".join(str(v) for v in value)
            if d["defname"] == "multirange_type_name":
                value = str(value) if "." in str(value) else f"{schema}.{value}"
                if value == f"{schema}.{default_multirange_name(name)}":
                    continue  # the server's own choice, which the catalog names explicitly
            params.append((d["defname"], str(value)))
    b.put(RangeType(schema=schema, name=name, subtype=subtype, params=tuple(sorted(params)), pos=b.pos))


def default_multirange_name(range_name: str) -> str:
    """The multirange type PostgreSQL 14+ creates with a range type that names none
    (makeMultirangeTypeName): `multi` before the first `range` in the name, else `_multirange`
    after it, clipped to 63 bytes."""
    at = range_name.find("range")
    if at < 0:
        return range_name[:52] + "_multirange"  # NAMEDATALEN - 12 characters of the name
    return truncate(range_name[:at] + "multi" + range_name[at:])


# ---- sequences --------------------------------------------------------------------------------


@handles("CreateSeqStmt")
def create_sequence(n: Node, b: Builder) -> None:
    rv = n["sequence"]
    schema, name = b.rangevar(rv)
    if not rv.get("schemaname"):
        schema = b.default_schema
    name = truncate(name)
    if n.get("if_not_exists") and (schema, name) in b.relations:
        return
    vals = sequence_values(b, n.get("options", ()), "bigint")
    seq = _sequence_from(Sequence(schema=schema, name=name, pos=b.pos), vals, fresh=True)
    b.put(seq)
    if "owned_by" in vals:
        _owned_by(b, seq, vals["owned_by"])


@handles("AlterSeqStmt")
def alter_sequence(n: Node, b: Builder) -> None:
    schema, name = b.rangevar(n["sequence"])
    if (schema, name) in b.identity_sequences:
        _alter_identity_sequence(b, schema, name, n)
        return
    seq = b.relation(schema, name, missing_ok=bool(n.get("missing_ok")))
    if seq is None:
        return
    if not isinstance(seq, Sequence):
        raise b.error(f'"{name}" is not a sequence')
    vals = sequence_values(b, n.get("options", ()), seq.data_type)
    seq = b.update(seq, **dataclasses.asdict(_sequence_from(seq, vals, fresh=False), dict_factory=_shallow))
    if "owned_by" in vals:
        _owned_by(b, seq, vals["owned_by"])


def _alter_identity_sequence(b: Builder, schema: str, name: str, n: Node) -> None:
    """ALTER SEQUENCE on an identity column's sequence: its options belong to the column."""
    from ddlcompare.dialects.postgres.handlers.tables import sequence_defaults
    from ddlcompare.dialects.postgres.objects import Identity
    from ddlcompare.model.base import replace_option

    table, column = b.identity_sequences[(schema, name)]
    t = b.table(schema, table)
    col = b.column(t, column)
    cur = col.option(Identity)
    if cur is None:
        return
    vals = sequence_values(b, n.get("options", ()), col.type)
    seq = dict(cur.sequence)
    defaults = {
        **sequence_defaults(col.type, int(vals.get("increment", seq.get("increment", 1)))),
        "increment": 1,
    }
    for k, v in vals.items():
        if k not in ("start", "increment", "min_value", "max_value", "cache", "cycle"):
            continue
        value = defaults.get(k) if v is None else v
        if (value == defaults.get(k) and k != "start") or (k == "start" and value == 1):
            seq.pop(k, None)
        else:
            seq[k] = str(value)
    b.update_column(
        t,
        column,
        options=replace_option(
            col.options, Identity(always=cur.always, sequence=tuple(sorted(seq.items()))), Identity
        ),
    )


def _shallow(items: list[tuple[str, object]]) -> dict[str, object]:
    return {
        k: v
        for k, v in items
        if k in ("data_type", "start", "increment", "min_value", "max_value", "cache", "cycle")
    }


def _sequence_from(seq: Sequence, vals: dict[str, object], *, fresh: bool) -> Sequence:
    """`seq` with the option values given; unset bounds follow PostgreSQL's defaults."""
    data_type = str(vals.get("data_type", seq.data_type))
    increment = int(vals.get("increment", seq.increment))  # type: ignore[call-overload]
    defaults = sequence_defaults(data_type, increment)
    lo, hi = INT_RANGES.get(data_type, INT_RANGES["bigint"])
    type_changed = data_type != seq.data_type

    def bound(key: str) -> int:
        if key in vals:
            v = vals[key]
            return int(defaults[key]) if v is None else int(v)  # type: ignore[call-overload]
        cur = int(getattr(seq, key))
        if fresh:
            return int(defaults[key])
        # ALTER SEQUENCE ... AS type moves bounds that sat at the old type's limits
        if type_changed and key == "max_value" and cur in (v[1] for v in INT_RANGES.values()):
            return hi
        if type_changed and key == "min_value" and cur in (v[0] for v in INT_RANGES.values()):
            return lo
        return cur

    min_value, max_value = bound("min_value"), bound("max_value")
    start = vals.get("start")
    if start is None:
        start = (min_value if increment > 0 else max_value) if fresh else seq.start
    return dataclasses.replace(
        seq,
        data_type=data_type,
        increment=increment,
        min_value=min_value,
        max_value=max_value,
        start=int(start),  # type: ignore[call-overload]
        cache=int(vals.get("cache", 1 if fresh else seq.cache)),  # type: ignore[call-overload]
        cycle=bool(vals.get("cycle", False if fresh else seq.cycle)),
    )


def _owned_by(b: Builder, seq: Sequence, parts: list[str]) -> None:
    if parts == ["none"] or not parts:
        b.update(seq, owned_by=None)
        return
    if len(parts) < 2:  # the server's error
        raise b.error("invalid OWNED BY option (specify OWNED BY table.column or OWNED BY NONE)")
    col = parts[-1]
    schema, table = (parts[-3], parts[-2]) if len(parts) >= 3 else b.qualify_name(parts[-2:-1])
    t = b.relation(schema, table)
    if not isinstance(t, Table) or t.column(col) is None:
        raise b.error(f'column "{col}" of relation "{table}" does not exist')
    if schema != seq.schema:
        raise b.error("sequence must be in the same schema as the table it is linked to")
    b.update(seq, owned_by=(table, col))
