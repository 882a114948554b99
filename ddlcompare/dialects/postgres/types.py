"""PostgreSQL type names: pglast TypeName nodes -> the canonical spelling of format_type()."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ddlcompare.dialects.postgres.names import ident, qualified
from ddlcompare.errors import DdlError

Node = dict[str, Any]

# pg_catalog types (format_type prints them without a schema)
BUILTIN = frozenset(
    [
        "aclitem",
        "any",
        "anyarray",
        "anycompatible",
        "anycompatiblearray",
        "anycompatiblemultirange",
        "anycompatiblenonarray",
        "anycompatiblerange",
        "anyelement",
        "anyenum",
        "anymultirange",
        "anynonarray",
        "anyrange",
        "bit",
        "bool",
        "box",
        "bpchar",
        "bytea",
        "char",
        "cid",
        "cidr",
        "circle",
        "cstring",
        "date",
        "datemultirange",
        "daterange",
        "event_trigger",
        "fdw_handler",
        "float4",
        "float8",
        "gtsvector",
        "index_am_handler",
        "inet",
        "int2",
        "int2vector",
        "int4",
        "int4multirange",
        "int4range",
        "int8",
        "int8multirange",
        "int8range",
        "internal",
        "interval",
        "json",
        "jsonb",
        "jsonpath",
        "language_handler",
        "line",
        "lseg",
        "macaddr",
        "macaddr8",
        "money",
        "name",
        "numeric",
        "nummultirange",
        "numrange",
        "oid",
        "oidvector",
        "path",
        "pg_brin_bloom_summary",
        "pg_brin_minmax_multi_summary",
        "pg_ddl_command",
        "pg_dependencies",
        "pg_lsn",
        "pg_mcv_list",
        "pg_ndistinct",
        "pg_node_tree",
        "pg_snapshot",
        "point",
        "polygon",
        "record",
        "refcursor",
        "regclass",
        "regcollation",
        "regconfig",
        "regdictionary",
        "regnamespace",
        "regoper",
        "regoperator",
        "regproc",
        "regprocedure",
        "regrole",
        "regtype",
        "table_am_handler",
        "text",
        "tid",
        "time",
        "timestamp",
        "timestamptz",
        "timetz",
        "trigger",
        "tsm_handler",
        "tsmultirange",
        "tsquery",
        "tsrange",
        "tstzmultirange",
        "tstzrange",
        "tsvector",
        "txid_snapshot",
        "unknown",
        "uuid",
        "varbit",
        "varchar",
        "void",
        "xid",
        "xid8",
        "xml",
    ]
)

# internal name -> format_type spelling (also the aliases the grammar does not fold itself)
ALIASES = {
    "bool": "boolean",
    "boolean": "boolean",
    "int8": "bigint",
    "bigint": "bigint",
    "int2": "smallint",
    "smallint": "smallint",
    "int4": "integer",
    "int": "integer",
    "integer": "integer",
    "float4": "real",
    "real": "real",
    "float8": "double precision",
    "double precision": "double precision",
    "bpchar": "character",
    "character": "character",
    "varchar": "character varying",
    "character varying": "character varying",
    "time": "time without time zone",
    "timestamp": "timestamp without time zone",
    "timestamptz": "timestamp with time zone",
    "timetz": "time with time zone",
    "varbit": "bit varying",
    "bit varying": "bit varying",
    "decimal": "numeric",
    "char": '"char"',
    "any": '"any"',
    "serial4": "integer",
    "serial8": "bigint",
    "serial2": "smallint",
}
SERIALS = {
    "serial": "integer",
    "serial4": "integer",
    "bigserial": "bigint",
    "serial8": "bigint",
    "smallserial": "smallint",
    "serial2": "smallint",
}

_INTERVAL_FIELDS = {
    4: "year",
    2: "month",
    8: "day",
    1024: "hour",
    2048: "minute",
    4096: "second",
    6: "year to month",
    1032: "day to hour",
    3080: "day to minute",
    7176: "day to second",
    3072: "hour to minute",
    7168: "hour to second",
    6144: "minute to second",
}
_INTERVAL_FULL = 0x7FFF
_BUILTIN_OR_ALIAS = BUILTIN | ALIASES.keys()


def names_of(node: Node) -> list[str]:
    """The dotted name parts of a TypeName (or any node with a `names` String list)."""
    return [n["String"]["sval"] for n in node.get("names", ())]


def _typmods(node: Node) -> list[str]:
    out = []
    for m in node.get("typmods", ()):
        c = m.get("A_Const")
        if c is not None:
            if "ival" in c:
                out.append(str(c["ival"].get("ival", 0)))
            elif "sval" in c:
                out.append(c["sval"].get("sval", ""))
            elif "fval" in c:
                value = c["fval"].get("fval", "")
                if value.isdigit():  # an integer past int4 is lexed as a float; typmods are int4
                    shown = value if len(value) <= 30 else f"{value[:30]}... ({len(value)} digits)"
                    raise DdlError(f'value "{shown}" is out of range for type integer')
                out.append(value)
            else:
                out.append("NULL")
        elif "ColumnRef" in m:  # a type modifier written as a bare word, e.g. geometry(Point)
            out.append(".".join(f["String"]["sval"] for f in m["ColumnRef"]["fields"] if "String" in f))
        else:
            out.append("?")
    return out


def _base(name: str, mods: list[str]) -> str:
    """format_type's spelling of a pg_catalog type with its modifiers."""
    canon = ALIASES.get(name, name)
    if name in ("timestamp", "timestamptz", "time", "timetz"):
        prec = f"({mods[0]})" if mods else ""
        zone = "with" if name.endswith("tz") else "without"
        return f"{'timestamp' if name.startswith('timestamp') else 'time'}{prec} {zone} time zone"
    if name == "interval":
        if not mods:
            return "interval"
        fields = int(mods[0]) if mods[0].lstrip("-").isdigit() else _INTERVAL_FULL
        text = "interval"
        if fields != _INTERVAL_FULL and fields in _INTERVAL_FIELDS:
            text += " " + _INTERVAL_FIELDS[fields]
        if len(mods) > 1:
            text += f"({mods[1]})"
        return text
    if name == "bpchar" and not mods:
        # `bpchar` itself, without a length (format_type's spelling): the keyword CHARACTER always
        # has one (char is char(1)), so `character` here would truncate 'JPN'::bpchar to 'J'
        return "bpchar"
    if mods:
        return f"{canon}({','.join(mods)})"
    return canon


def type_name(
    node: Node,
    resolve: Callable[[str], str] | None = None,
) -> str:
    """Canonical type text of a TypeName node.

    `resolve(name)` gives the schema of an unqualified non-builtin type (search_path lookup);
    without it such names stay unqualified.
    """
    parts = names_of(node)
    mods = _typmods(node) if "typmods" in node else []
    if node.get("pct_type"):
        return ".".join(ident(p) for p in parts) + "%TYPE"
    if (len(parts) == 2 and parts[0] == "pg_catalog") or (len(parts) == 1 and parts[0] in _BUILTIN_OR_ALIAS):
        text = _base(parts[-1], mods)
    elif len(parts) == 1 and parts[0].startswith("_") and parts[0][1:] in BUILTIN:
        text = _base(parts[0][1:], mods) + "[]"
    else:
        if len(parts) == 1:
            schema = resolve(parts[0]) if resolve else ""
            text = qualified(schema, parts[0])
        else:
            text = ".".join(ident(p) for p in parts[-2:])
        if mods:
            text += f"({','.join(mods)})"
    bounds = node.get("arrayBounds")
    if bounds:
        # PostgreSQL ignores array dimensions and sizes: every array type is just `t[]`
        text += "[]"
    if node.get("setof"):
        text = "SETOF " + text
    return text


def needs_lookup(node: Node) -> bool:
    """Whether type_name() of this TypeName asks `resolve` (an unqualified user type)."""
    names = node.get("names", ())
    if len(names) != 1 or node.get("pct_type"):
        return False
    name = names[0]["String"]["sval"]
    return name not in _BUILTIN_OR_ALIAS and not (name.startswith("_") and name[1:] in BUILTIN)


def is_serial(node: Node) -> str | None:
    """The integer type behind serial/bigserial/smallserial, or None."""
    names = node.get("names", ())
    if len(names) == 1 and not node.get("arrayBounds") and not node.get("typmods"):
        return SERIALS.get(names[0]["String"]["sval"])
    return None


# typstorage of pg_catalog types (PostgreSQL 15): what a column gets without SET STORAGE
_PLAIN = frozenset(
    [
        "bigint",
        "smallint",
        "int2vector",
        "integer",
        "regproc",
        "oid",
        "tid",
        "xid",
        "cid",
        "oidvector",
        "boolean",
        '"char"',
        "name",
        "line",
        "real",
        "double_precision",
        "circle",
        "money",
        "macaddr",
        "macaddr8",
        "aclitem",
        "date",
        "time_without_time_zone",
        "timestamp_without_time_zone",
        "timestamp_with_time_zone",
        "interval",
        "time_with_time_zone",
        "regprocedure",
        "regoper",
        "regoperator",
        "regclass",
        "regcollation",
        "regtype",
        "regrole",
        "regnamespace",
        "uuid",
        "gtsvector",
        "tsquery",
        "regconfig",
        "regdictionary",
        "xid8",
        "point",
        "lseg",
        "box",
    ]
)
_MAIN = frozenset(("cidr", "numeric", "inet"))


def default_storage(type_text: str) -> str | None:
    """STORAGE a column of this type has by default (None for user types: unknown offline)."""
    if type_text.endswith("[]"):
        return "EXTENDED"
    base = re.sub(r"\(.*?\)", "", type_text).strip().replace(" ", "_")
    if base in _PLAIN:
        return "PLAIN"
    if base in _MAIN:
        return "MAIN"
    if "." in base:
        return None
    return "EXTENDED"
