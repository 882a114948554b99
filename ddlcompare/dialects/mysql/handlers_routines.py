"""MySQL/MariaDB handlers for procedures, functions, triggers and events (headers from grammar.py).

Bodies are compared as whitespace-normalised text: the server stores and prints them as written.
DEFINER is kept as `owner`, compared only with --owners (else set aside by Builder.finish).
"""

from __future__ import annotations

import dataclasses
import re

from ddlcompare.dialects.mysql.grammar import (
    DataType,
    Definer,
    Event,
    EventAlter,
    GrammarError,
    Routine,
    Trigger,
    normalise_body,
    parse_definer,
    parse_routine,
)
from ddlcompare.dialects.mysql.handlers import blank_comments
from ddlcompare.dialects.mysql.objects import Event as EventObject
from ddlcompare.dialects.mysql.parse import QNAME, Builder, handles
from ddlcompare.dialects.mysql.split import RawStatement, unquote
from ddlcompare.dialects.mysql.types import STRING_TYPES, TypeSpec, canonical_type, check_type_args
from ddlcompare.model.base import ObjectKey, dependencies
from ddlcompare.model.objects import Argument, Procedure
from ddlcompare.model.objects import Routine as RoutineObject
from ddlcompare.model.objects import Trigger as TriggerObject

# grammar type names (upper case, single-spaced) -> (base, national)
_TYPE_ALIASES = {
    "INTEGER": "int",
    "INT1": "tinyint",
    "INT2": "smallint",
    "INT3": "mediumint",
    "MIDDLEINT": "mediumint",
    "INT4": "int",
    "INT8": "bigint",
    "DEC": "decimal",
    "NUMERIC": "decimal",
    "FIXED": "decimal",
    "REAL": "double",
    "DOUBLE PRECISION": "double",
    "FLOAT4": "float",
    "FLOAT8": "double",
    "CHARACTER": "char",
    "CHARACTER VARYING": "varchar",
    "CHAR VARYING": "varchar",
    "VARCHARACTER": "varchar",
    "VARCHAR2": "varchar",
    "LONG": "mediumtext",
    "LONG VARCHAR": "mediumtext",
    "LONG CHAR VARYING": "mediumtext",
    "LONG VARBINARY": "mediumblob",
    "GEOMCOLLECTION": "geometrycollection",
}


def type_text(dt: DataType, b: Builder, *, resolve_collation: bool) -> str:
    """Canonical text of a routine parameter or return type."""
    if dt.name in ("TYPE OF", "ROW TYPE OF"):
        return dt.text
    name = dt.name
    national = name.startswith("NATIONAL") or name.startswith("NCHAR") or name == "NVARCHAR"
    if national:
        name = "VARCHAR" if ("VAR" in name) else "CHAR"
    base = _TYPE_ALIASES.get(name, name.lower())
    args = tuple(dt.args)
    check_type_args(base, args)
    if base in ("bool", "boolean"):
        base, args = "tinyint", ("1",)
    if base == "float" and len(args) == 1:
        base, args = ("double" if int(args[0]) > 24 else "float"), ()
    flags = {f.upper() for f in dt.flags}
    spec = TypeSpec(
        base,
        args,
        unsigned="UNSIGNED" in flags,
        zerofill="ZEROFILL" in flags,
        charset=dt.charset,
        collation=dt.collation,
        binary="BINARY" in flags,
        national=national,
    )
    if base == "serial":
        spec = TypeSpec("bigint", unsigned=True)
    explicit = dt.charset is not None or dt.collation is not None or national or "BINARY" in flags
    cs = b.server.default_charset
    text, collation = canonical_type(spec, b.server.default_collation(cs), b.server)
    if collation is not None and (resolve_collation or explicit):
        return f"{text} COLLATE {collation}"
    return text


def definer_text(raw: str | Definer) -> str:
    """`user@host` of a DEFINER clause (unquoted)."""
    d = parse_definer(raw) if isinstance(raw, str) else raw
    return d.user if d.host is None else f"{d.user}@{d.host}"


def _owner(b: Builder, d: Definer | None) -> str | None:
    return definer_text(d) if d is not None else None  # kept aside unless compared (Builder.finish)


_ORDER = re.compile(
    r"(FOR\s+EACH\s+ROW\s+)(FOLLOWS|PRECEDES)\s+(`(?:[^`]++|``)*+`|[\w$]+)(?=\s)", re.I | re.S
)


def _parse(b: Builder, stmt: RawStatement, what: str) -> Routine | Trigger | Event | EventAlter | None:
    text = stmt.text
    order: tuple[str, str] | None = None
    m = _ORDER.search(text) if what == "CREATE TRIGGER" else None
    if m is not None:
        # the grammar does not take FOLLOWS/PRECEDES before a body without BEGIN: read it here
        order = (m.group(2).upper(), unquote(m.group(3)))
        text = text[: m.end(1)] + " " * (m.end() - m.end(1)) + text[m.end() :]
    try:
        r = parse_routine(text)
    except GrammarError as e:
        b.unsupported(what, "", f"this {what} ({e.message})", pos=stmt.pos(b.path, e.offset))
        return None
    if order is not None and isinstance(r, Trigger):
        r = dataclasses.replace(r, order=order[0], order_other=order[1])
    if r.body is not None:
        # the mysql/mariadb client strips comments before sending a statement (unless --comments),
        # so the server never stores them: they are not part of the body
        r = dataclasses.replace(r, body=normalise_body(blank_comments(r.body)))
    return r


@handles("CREATE PROCEDURE", "CREATE FUNCTION")
def create_routine(stmt: RawStatement, b: Builder) -> None:
    r = _parse(b, stmt, "CREATE " + ("PROCEDURE" if "PROCEDURE" in stmt.text[:200].upper() else "FUNCTION"))
    if r is None:
        return
    if not isinstance(r, Routine):
        b.unsupported("CREATE ROUTINE", "", "this routine statement")
        return
    schema = b.schema_of(r.name.schema)
    kind = "procedure" if r.kind == "PROCEDURE" else "function"
    key = ObjectKey(kind, schema, r.name.name)
    existing = _find_ci(b, key)
    if existing is not None:
        if r.if_not_exists:
            return
        if not r.or_replace:
            raise b.error(f"{kind.upper()} {r.name.name} already exists")
        del b.objects[existing]
    args = tuple(
        Argument(
            type=type_text(p.type, b, resolve_collation=False),
            name=p.name,
            mode=(p.mode or "IN") if kind == "procedure" else "IN",
        )
        for p in r.params
    )
    attrs: list[tuple[str, str]] = []
    if r.deterministic:
        attrs.append(("deterministic", "YES"))
    if r.data_access not in (None, "CONTAINS SQL"):
        attrs.append(("data_access", r.data_access))
    if r.security not in (None, "DEFINER"):
        attrs.append(("security", r.security))
    if r.aggregate:
        attrs.append(("aggregate", "YES"))
    returns = type_text(r.returns, b, resolve_collation=True) if r.returns is not None else None
    cls = Procedure if kind == "procedure" else RoutineObject
    b.objects[key] = cls(
        schema=schema,
        name=r.name.name,
        base_name=r.name.name,
        arguments=args,
        returns=returns,
        language="sql",
        body=r.body,
        attributes=tuple(sorted(attrs)),
        comment=r.comment or None,
        owner=_owner(b, r.definer),
        pos=b.pos,
    )


def _find_ci(b: Builder, key: ObjectKey) -> ObjectKey | None:
    """The key of an existing routine/event with this name (names are case-insensitive)."""
    if key in b.objects:
        return key
    low = key.name.lower()
    for k in b.objects:
        if k.kind == key.kind and k.schema == key.schema and k.name.lower() == low:
            return k
    return None


@handles("CREATE TRIGGER")
def create_trigger(stmt: RawStatement, b: Builder) -> None:
    r = _parse(b, stmt, "CREATE TRIGGER")
    if r is None:
        return
    if not isinstance(r, Trigger):
        b.unsupported("CREATE TRIGGER", "", "this trigger statement")
        return
    table_schema = b.schema_of(r.table.schema)
    schema = b.schema_of(r.name.schema) if r.name.schema else table_schema
    t = b.table(table_schema, r.table.name)
    assert t is not None
    tkey = (schema, r.name.name)
    if tkey in b.triggers:
        if r.if_not_exists:
            return
        if not r.or_replace:
            raise b.error(f"trigger {r.name.name} already exists")
        del b.triggers[tkey]
    seq = float(b.seq)
    if r.order is not None and r.order_other is not None:
        other = b.trigger_seq.get((schema, r.order_other))
        if other is not None:
            later = sorted(s for s in b.trigger_seq.values() if s > other)
            earlier = sorted(s for s in b.trigger_seq.values() if s < other)
            if r.order == "FOLLOWS":
                seq = (other + later[0]) / 2 if later else other + 0.5
            else:
                seq = (other + earlier[-1]) / 2 if earlier else other - 0.5
    b.triggers[tkey] = TriggerObject(
        schema=schema,
        name=r.name.name,
        table=t.name,
        timing=r.timing,
        events=tuple(sorted(r.events)),
        for_each_row=True,
        action=r.body,
        owner=_owner(b, r.definer),
        depends_on=dependencies({t.key}),
        pos=b.pos,
    )
    b.trigger_seq[tkey] = seq


@handles("CREATE EVENT", "ALTER EVENT")
def create_event(stmt: RawStatement, b: Builder) -> None:
    r = _parse(b, stmt, "EVENT")
    if r is None:
        return
    if isinstance(r, EventAlter):
        _alter_event(b, r)
        return
    if not isinstance(r, Event):
        b.unsupported("CREATE EVENT", "", "this event statement")
        return
    schema = b.schema_of(r.name.schema)
    key = ObjectKey("event", schema, r.name.name)
    existing = _find_ci(b, key)
    if existing is not None:
        if r.if_not_exists:
            return
        if not r.or_replace:
            raise b.error(f"event {r.name.name} already exists")
        del b.objects[existing]
    s = r.schedule
    b.objects[key] = EventObject(
        schema=schema,
        name=r.name.name,
        every=f"{s.every} {s.unit}" if s.every is not None else None,
        at=s.at,
        starts=s.starts,
        ends=s.ends,
        has_ends=s.ends is not None,
        preserve=bool(r.preserve),
        status=r.status or "ENABLE",
        body=r.body,
        comment=r.comment or None,
        owner=_owner(b, r.definer),
        pos=b.pos,
    )


def _alter_event(b: Builder, r: EventAlter) -> None:
    schema = b.schema_of(r.name.schema)
    key = _find_ci(b, ObjectKey("event", schema, r.name.name))
    if key is None:
        raise b.error(f"unknown event {r.name.name}")
    ev = b.objects.pop(key)
    assert isinstance(ev, EventObject)
    changes: dict[str, object] = {}
    if r.schedule is not None:
        s = r.schedule
        changes.update(
            every=f"{s.every} {s.unit}" if s.every is not None else None,
            at=s.at,
            starts=s.starts,
            ends=s.ends,
            has_ends=s.ends is not None,
        )
    if r.preserve is not None:
        changes["preserve"] = r.preserve
    if r.status is not None:
        changes["status"] = r.status
    if r.comment is not None:
        changes["comment"] = r.comment or None
    if r.body is not None:
        changes["body"] = r.body
    if r.definer is not None:
        changes["owner"] = definer_text(r.definer)
    if r.rename_to is not None:
        schema = b.schema_of(r.rename_to.schema)
        changes.update(schema=schema, name=r.rename_to.name)
    new = dataclasses.replace(ev, **changes)  # type: ignore[arg-type]
    b.objects[new.key] = new


_DROP_ROUTINE = re.compile(
    rf"DROP\s+(PROCEDURE|FUNCTION|EVENT|TRIGGER)\s+(IF\s+EXISTS\s+)?{QNAME}\s*$", re.I | re.S
)


@handles("DROP PROCEDURE", "DROP FUNCTION", "DROP EVENT", "DROP TRIGGER")
def drop_routine(stmt: RawStatement, b: Builder) -> None:
    m = _DROP_ROUTINE.match(stmt.text)
    if m is None:
        raise b.error("cannot read this DROP statement")
    kind = m.group(1).lower()
    schema, name = b.qname(m, 3)
    if kind == "trigger":
        if (schema, name) in b.triggers:
            del b.triggers[(schema, name)]
            b.trigger_seq.pop((schema, name), None)
        elif not m.group(2):
            raise b.error(f"unknown trigger {name}")
        return
    key = _find_ci(b, ObjectKey(kind, schema, name))
    if key is not None:
        del b.objects[key]
    elif not m.group(2):
        raise b.error(f"unknown {kind} {name}")


_ALTER_ROUTINE = re.compile(rf"ALTER\s+(PROCEDURE|FUNCTION)\s+{QNAME}\s*(.*)$", re.I | re.S)


@handles("ALTER PROCEDURE", "ALTER FUNCTION")
def alter_routine(stmt: RawStatement, b: Builder) -> None:
    m = _ALTER_ROUTINE.match(stmt.text)
    if m is None:
        b.unsupported("ALTER ROUTINE", "", "this ALTER PROCEDURE/FUNCTION")
        return
    kind = m.group(1).lower()
    schema, name = b.qname(m, 2)
    key = _find_ci(b, ObjectKey(kind, schema, name))
    if key is None:
        raise b.error(f"unknown {kind} {name}")
    r = b.objects[key]
    assert isinstance(r, RoutineObject)
    attrs = dict(r.attributes)
    comment = r.comment
    rest = m.group(4)
    for cm in re.finditer(
        r"COMMENT\s+('(?:[^'\\]++|\\.|'')*+')|(NOT\s+)?DETERMINISTIC|(CONTAINS\s+SQL|NO\s+SQL|READS\s+SQL\s+DATA"
        r"|MODIFIES\s+SQL\s+DATA)|SQL\s+SECURITY\s+(DEFINER|INVOKER)",
        rest,
        re.I,
    ):
        if cm.group(1):
            from ddlcompare.dialects.mysql.grammar import decode_string

            comment = decode_string(cm.group(1)) or None
        elif cm.group(3):
            access = " ".join(cm.group(3).upper().split())
            attrs.pop("data_access", None)
            if access != "CONTAINS SQL":
                attrs["data_access"] = access
        elif cm.group(4):
            attrs.pop("security", None)
            if cm.group(4).upper() != "DEFINER":
                attrs["security"] = cm.group(4).upper()
        elif "DETERMINISTIC" in cm.group(0).upper():
            attrs.pop("deterministic", None)
            if cm.group(2) is None:
                attrs["deterministic"] = "YES"
    b.objects[key] = dataclasses.replace(r, attributes=tuple(sorted(attrs.items())), comment=comment)


__all__ = ["STRING_TYPES", "unquote"]
