"""PostgreSQL expressions and queries: print pglast JSON parse trees back to SQL, and canonicalise them.

`sql(node)` prints an expression (or `query_sql(node)` a SELECT) so that PostgreSQL parses it back into
the same tree. `canonical(node, scope)` / `canonical_query(node, scope)` print a normalised text that is
only ever compared for equality: it erases the differences between what a person writes and what the
server hands back through pg_get_expr / pg_get_constraintdef / pg_get_indexdef / pg_get_viewdef (implicit
casts spelled out, IN lists turned into `= ANY (ARRAY[...])`, BETWEEN expanded, names schema-qualified,
view column references qualified and `*` expanded, ...).

Both are plain functions of the JSON dicts made by `pglast.parser.parse_sql_json`. A node is a dict with
one key, the node type (`{"A_Expr": {...}}`); the JSON leaves out fields with default values (zero,
false, empty), and `location` fields are ignored.
"""

from __future__ import annotations

import json
import re
import string
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Protocol

from ddlcompare.dialects.postgres import types as pgtypes
from ddlcompare.dialects.postgres.names import ident, literal, qualified
from ddlcompare.errors import DdlError

Node = dict[str, Any]

__all__ = [
    "Scope",
    "SimpleScope",
    "UnsupportedNode",
    "canonical",
    "canonical_query",
    "column_name",
    "query_sql",
    "rename_targets",
    "sql",
    "type_sql",
]


# --------------------------------------------------------------------------------------------------
# scope: how names resolve for canonical()


class Scope(Protocol):
    """Name resolution that canonical() needs: the search path and the known tables."""

    def relation(self, parts: list[str]) -> tuple[str, str]:
        """(schema, name) of a possibly unqualified relation name."""
        ...

    def columns(self, schema: str, name: str) -> list[str] | None:
        """Ordered column names of a known table or view; None when unknown."""
        ...

    def function(self, parts: list[str]) -> list[str]:
        """Canonical function name parts: user functions qualified, pg_catalog dropped."""
        ...

    def type(self, node: Node) -> str:
        """Canonical type name of a TypeName node (format_type spelling, qualified user types)."""
        ...


class SimpleScope:
    """A Scope from a search path and a table-name -> column-names map.

    `tables` maps (schema, name) to column names; `functions` and `types` optionally list the
    (schema, name) of user functions and types so that an unqualified name resolves to the schema
    that really holds it (otherwise: the first schema of the search path).
    """

    __slots__ = ("_functions", "_types", "search_path", "tables")

    def __init__(
        self,
        search_path: Sequence[str] = ("public",),
        tables: Mapping[tuple[str, str], Sequence[str]] | None = None,
        functions: Iterable[tuple[str, str]] = (),
        types: Iterable[tuple[str, str]] = (),
    ) -> None:
        self.search_path = tuple(s for s in search_path if s != "pg_catalog")
        self.tables = dict(tables or {})
        self._functions = frozenset(functions)
        self._types = frozenset(types)

    def relation(self, parts: list[str]) -> tuple[str, str]:
        """(schema, name) of a relation name, looked up along the search path."""
        if len(parts) > 1:
            return parts[-2], parts[-1]
        name = parts[0]
        for schema in self.search_path:
            if (schema, name) in self.tables:
                return schema, name
        if name.startswith("pg_") and not self.search_path:
            return "pg_catalog", name
        return (self.search_path[0] if self.search_path else ""), name

    def columns(self, schema: str, name: str) -> list[str] | None:
        """Column names of a known table, else None."""
        cols = self.tables.get((schema, name))
        return list(cols) if cols is not None else None

    def function(self, parts: list[str]) -> list[str]:
        """Qualify user functions; pg_catalog functions (always searched first) stay bare."""
        if len(parts) > 1:
            if parts[-2] == "pg_catalog":
                return [parts[-1]]
            return parts[-2:]
        name = parts[0]
        for schema in self.search_path:
            if (schema, name) in self._functions:
                return [schema, name]
        # pg_catalog is searched before the path unless the path names it explicitly
        if name in PG_CATALOG_FUNCTIONS or not self.search_path:
            return [name]
        return [self.search_path[0], name]

    def _resolve_type(self, name: str) -> str:
        for schema in self.search_path:
            if (schema, name) in self._types:
                return schema
        return self.search_path[0] if self.search_path else ""

    def type(self, node: Node) -> str:
        """format_type spelling of a TypeName, user types qualified along the search path."""
        return pgtypes.type_name(node, self._resolve_type)


# --------------------------------------------------------------------------------------------------
# printing context


class _Ctx:
    """State of one print: canonical or faithful, the scope, and the FROM items in reach."""

    __slots__ = ("canon", "ctes", "frames", "names", "qualify", "scope", "used")

    def __init__(self, canon: bool, scope: Scope | None, qualify: bool = False) -> None:
        self.canon = canon
        self.scope = scope
        # faithful text with relation, function and type names qualified through the scope, so
        # that a rendered migration does not depend on the search_path it runs with
        self.qualify = qualify and scope is not None
        # one frame per query level: (name the query uses, name printed, column names or None)
        self.frames: list[list[_Entry]] = []
        # range table names taken per query level, and the name chosen for each FROM item
        self.used: list[set[str]] = []
        self.names: dict[int, str] = {}
        # CTE name -> output column names (None if unknown), innermost last
        self.ctes: list[dict[str, list[str] | None]] = []


_Entry = tuple[str, str, "list[str] | None"]


_Handler = Callable[[Any, _Ctx], str]
_FAITHFUL = _Ctx(False, None)


class UnsupportedNode(ValueError):
    """An expression node type the printer does not know (e.g. JSON_TABLE, MERGE in a CTE)."""


def _e(node: Node, c: _Ctx) -> str:
    for tag, body in node.items():
        handler = _H.get(tag)
        if handler is None:
            raise UnsupportedNode(f"cannot print a {tag} node")
        return handler(body, c)
    return ""


def _list(nodes: Iterable[Node], c: _Ctx) -> str:
    return ", ".join([_e(n, c) for n in nodes])


def _str(node: Node) -> str:
    return node["String"]["sval"]  # type: ignore[no-any-return]


def _strs(nodes: Iterable[Node]) -> list[str]:
    return [n["String"]["sval"] for n in nodes]


def _idents(nodes: Iterable[Node]) -> str:
    return ", ".join([ident(n["String"]["sval"]) for n in nodes])


def _dotted(parts: Iterable[str]) -> str:
    return ".".join([ident(p) for p in parts])


# --------------------------------------------------------------------------------------------------
# type names


# pg_catalog type -> the SQL keyword spelling that parses back to pg_catalog.<type> (gram.y
# SystemTypeName); types left out print as pg_catalog.<type>, which parses to the same names
_KW_TYPE = {
    "int2": "smallint",
    "int4": "integer",
    "int8": "bigint",
    "float4": "real",
    "float8": "double precision",
    "numeric": "numeric",
    "bool": "boolean",
    "varchar": "character varying",
    "varbit": "bit varying",
    "json": "json",
}
_INTERVAL_FULL_RANGE = 0x7FFF
_INTERVAL_FIELDS = pgtypes._INTERVAL_FIELDS


def _typmod_list(mods: list[Node], c: _Ctx) -> str:
    return "(" + _list(mods, c) + ")"


def _int_const(node: Node) -> int | None:
    const = node.get("A_Const")
    if const is not None and "ival" in const:
        return int(const["ival"].get("ival", 0))
    return None


def _type(tn: Node, c: _Ctx) -> str:
    """SQL of a TypeName that parses back to the same TypeName."""
    if (c.canon or c.qualify) and c.scope is not None:
        return c.scope.type(tn)
    names = _strs(tn.get("names", ()))
    mods = tn.get("typmods")
    text = ""
    if len(names) == 2 and names[0] == "pg_catalog":
        base = names[1]
        kw = _KW_TYPE.get(base)
        if kw is not None:
            text = kw + (_typmod_list(mods, c) if mods else "")
        elif base in ("timestamp", "timestamptz", "time", "timetz"):
            # TIMESTAMP(p) WITH TIME ZONE and friends (gram.y ConstDatetime)
            word = "timestamp" if base.startswith("timestamp") else "time"
            zone = " with time zone" if base.endswith("tz") else " without time zone"
            text = word + (_typmod_list(mods, c) if mods else "") + zone
        elif base == "interval":
            text = _interval_type(mods, c)
        elif base in ("bpchar", "bit") and mods:
            # CHARACTER and BIT without a length mean length 1 (typmods [1]); a bare
            # pg_catalog.bpchar (from `char 'x'`) has none, so it keeps the qualified spelling
            text = ("character" if base == "bpchar" else "bit") + _typmod_list(mods, c)
    if not text:
        text = _dotted(names) + (_typmod_list(mods, c) if mods else "")
    if tn.get("pct_type"):
        text += "%TYPE"
    for b in tn.get("arrayBounds", ()):
        n = b.get("Integer", {}).get("ival", 0)
        text += f"[{n}]" if n >= 0 else "[]"
    if tn.get("setof"):
        text = "SETOF " + text
    return text


def _interval_type(mods: list[Node] | None, c: _Ctx) -> str:
    if not mods:
        return "interval"
    mask = _int_const(mods[0])
    prec = f"({_e(mods[1], c)})" if len(mods) > 1 else ""
    if mask == _INTERVAL_FULL_RANGE:
        return "interval" + prec
    fields = _INTERVAL_FIELDS.get(mask) if mask is not None else None
    if fields is None:
        return "pg_catalog.interval" + _typmod_list(mods, c)
    return f"interval {fields}{prec}"


def type_sql(node: Node) -> str:
    """SQL text of a TypeName node (the dict inside {"TypeName": ...} or the wrapped node)."""
    return _type(node.get("TypeName", node), _FAITHFUL)


# --------------------------------------------------------------------------------------------------
# constants, column references


def _a_const(n: Node, c: _Ctx) -> str:
    if c.canon:
        return _canon_const(n)
    if "ival" in n:
        return str(n["ival"].get("ival", 0))
    if "sval" in n:
        return literal(n["sval"].get("sval", ""))
    if "fval" in n:
        return n["fval"]["fval"]  # type: ignore[no-any-return]
    if "boolval" in n:
        return "true" if n["boolval"].get("boolval") else "false"
    if "bsval" in n:
        bs: str = n["bsval"]["bsval"]
        return f"{bs[0].upper()}'{bs[1:]}'"
    return "NULL"


def _canon_const(n: Node) -> str:
    # Numbers and strings print alike: PostgreSQL hands back `'-1'::integer` for -1, `(0)::numeric`
    # for 0 and '5'::text for 5 assigned to a text column; the literal's type follows from its
    # context (a column, an operator) either way.  Numeric scale is kept (0.0 <> 0.00 in PostgreSQL).
    if "ival" in n:
        return "'" + str(n["ival"].get("ival", 0)) + "'"
    if "sval" in n:
        text = n["sval"].get("sval", "")
        if 8 <= len(text) <= 40 and text[:4].isdigit() and text[4] == "-":
            # an untyped date/time string: the server stores it converted to the column or
            # operand type ('2020-1-1' as '2020-01-01 00:00:00' when compared with a timestamp);
            # one spelling for all of them (a text column compared with '2020-1-1' loses the
            # difference to '2020-01-01', which is harmless)
            value = _norm_datetime(text)
            if value is not None:
                return literal(value)
        return literal(text)
    if "fval" in n:
        return "'" + _numeric_out(str(n["fval"]["fval"])) + "'"
    if "boolval" in n:
        return "true" if n["boolval"].get("boolval") else "false"
    if "bsval" in n:
        # bit strings come back from the server in binary: X'1F' is '00011111'
        bs: str = n["bsval"]["bsval"]
        if bs[0] in "xX":
            if not all(ch in string.hexdigits for ch in bs[1:]):
                raise DdlError(f'"{bs[1:]}" is not a valid hexadecimal bit string')
            return "'" + "".join(f"{int(ch, 16):04b}" for ch in bs[1:]) + "'"
        return "'" + bs[1:] + "'"
    return "NULL"


def _numeric_out(text: str) -> str:
    """A numeric constant as numeric_out prints it: no exponent, the scale its digits give
    (`1e9` is 1000000000, `1.50e1` is 15.0, `.5` is 0.5), no negative zero."""
    try:
        d = Decimal(text)
    except InvalidOperation:
        return text
    exponent = d.as_tuple().exponent
    if not d.is_finite() or not isinstance(exponent, int) or abs(exponent) > 1000:
        return text  # not worth a thousand-digit text; such a constant compares as written
    out = format(d, "f")
    return out.lstrip("-") if d.is_zero() else out


def _is_negative_const(node: Node) -> bool:
    const = node.get("A_Const")
    if const is None:
        return False
    if "ival" in const:
        return int(const["ival"].get("ival", 0)) < 0
    return "fval" in const and const["fval"]["fval"].startswith("-")


def _column_ref(n: Node, c: _Ctx) -> str:
    fields = n["fields"]
    if c.canon and c.frames:
        return _canon_column_ref(fields, c)
    return ".".join(["*" if "A_Star" in f else ident(f["String"]["sval"]) for f in fields])


def _param_ref(n: Node, c: _Ctx) -> str:
    return f"${n.get('number', 0)}"


# --------------------------------------------------------------------------------------------------
# casts


# PostgreSQL inserts casts to these types by itself (implicit coercions: varchar/char -> text for
# text functions and operators, integer -> numeric / double precision in mixed arithmetic and
# comparisons, int -> bigint, date -> timestamp).  canonical() drops casts to them on anything
# but literals too: the trade-off is that a change that only adds or removes such a cast
# (`a::numeric / b` versus `a / b`, integer division) is missed, in exchange for no false
# difference on every varchar column that went through a text function and every integer
# compared with a numeric.
_IMPLICIT_TARGETS = frozenset(
    {
        "text",
        "character varying",
        "character",
        "name",
        "numeric",
        "bigint",
        "double precision",
        # date -> timestamp / timestamptz for timestamp functions (to_char(date_col, ...)); a cast
        # between the two timestamp types shifts by the time zone, and is lost with this
        "timestamp without time zone",
        "timestamp with time zone",
        "text[]",
        "character varying[]",
        "character[]",
        "numeric[]",
        "bigint[]",
        "double precision[]",
    }
)
# casts of a literal to these name an object: the literal is qualified instead of dropped
_REG_TYPES = frozenset({"regclass"})
# functions whose first argument is a relation name given as text (implicitly cast to regclass)
_REGCLASS_FUNCS = frozenset({"nextval", "currval", "setval"})


def _literal_core(node: Node) -> Node | None:
    """The constant under casts, for a literal or ARRAY[...] of literals; else None."""
    while True:
        if "A_Const" in node:
            return node
        cast = node.get("TypeCast")
        if cast is not None:
            node = cast["arg"]
            continue
        arr = node.get("A_ArrayExpr")
        if arr is not None:
            for el in arr.get("elements", ()):
                if _literal_core(el) is None:
                    return None
            return node
        return None


def _cast_arg(node: Node, text: str) -> str:
    # `-1::int` parses as -(1::int); other operands print with their own parentheses
    if _is_negative_const(node):
        return f"({text})"
    if "A_Indirection" in node or "CollateClause" in node:
        return f"({text})"
    return text


def _type_cast(n: Node, c: _Ctx) -> str:
    arg = n["arg"]
    tn = n["typeName"]
    if not c.canon:
        names = tn.get("names", ())
        if c.qualify and names and _str(names[-1]) in _REG_TYPES and "A_Const" in arg:
            return f"{_regclass_literal(arg['A_Const'], c)}::{_type(tn, c)}"
        return f"{_cast_arg(arg, _e(arg, c))}::{_type(tn, c)}"
    core = _literal_core(arg)
    names = tn.get("names", ())
    scope = c.scope
    assert scope is not None
    if core is not None:
        if names and _str(names[-1]) in _REG_TYPES and "A_Const" in core:
            return _regclass_literal(core["A_Const"], c)
        const = arg.get("A_Const")  # the cast right around the literal decides its stored value
        if const is not None:
            sized = _sized_literal(const, scope.type(tn))
            if sized is not None:
                return sized
            # the server stores a typed literal as its value: print it as the type's output does
            # ('24 hours'::interval comes back as '24:00:00', 't'::boolean as true)
            value = _typed_literal(const, tn, scope.type(tn))
            if value is not None:
                return value
        # a typed literal means the same as the bare literal in its context (a column's DEFAULT, an
        # operand): PostgreSQL adds these casts itself when it stores the expression
        return _e(arg, c)
    target = scope.type(tn)
    # a length or precision (x::varchar(10), x::numeric(10,2)) is part of `target` and keeps the cast
    if target in _IMPLICIT_TARGETS:
        return _e(arg, c)
    return f"{_cast_arg(arg, _e(arg, c))}::{target}"


def _parse_dotted(text: str) -> list[str]:
    """Split an object name as regclass input does: dots separate, quotes keep case and dots."""
    if '"' not in text:
        return text.lower().split(".")
    parts: list[str] = []
    cur: list[str] = []
    i, n = 0, len(text)
    quoted = False
    while i < n:
        ch = text[i]
        if quoted:
            if ch == '"':
                if i + 1 < n and text[i + 1] == '"':
                    cur.append('"')
                    i += 1
                else:
                    quoted = False
            else:
                cur.append(ch)
        elif ch == '"':
            quoted = True
        elif ch == ".":
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch.lower())
        i += 1
    parts.append("".join(cur))
    return parts


def _regclass_literal(const: Node, c: _Ctx) -> str:
    """A relation name written as a string ('seq', 'public.seq'), qualified through the scope."""
    if "sval" not in const or c.scope is None:
        return _canon_const(const)
    parts = _parse_dotted(const["sval"].get("sval", "").strip())
    schema, name = c.scope.relation(parts)
    return literal(qualified(schema, name))


# --------------------------------------------------------------------------------------------------
# typed literals: the server stores a typed constant as its value and prints the type's output form


def _norm_bool(text: str) -> str | None:
    # boolin accepts these spellings (and unique prefixes, rarely written)
    t = text.strip().lower()
    if t in ("t", "true", "y", "yes", "on", "1"):
        return "true"
    if t in ("f", "false", "n", "no", "off", "0"):
        return "false"
    return None


def _norm_int(text: str) -> str | None:
    try:
        return str(int(text.strip()))
    except ValueError:
        return None


def _norm_float(text: str) -> str | None:
    try:
        value = float(text.strip())
    except ValueError:
        return None
    if value != value or value in (float("inf"), float("-inf")):
        return None
    # float8out prints the shortest exact digits, without a trailing ".0"
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def _norm_money(text: str) -> str | None:
    try:
        value = Decimal(text.strip().replace("$", "").replace(",", ""))
    except InvalidOperation:
        return None
    return f"{value:.2f}"


def _norm_uuid(text: str) -> str | None:
    hexdigits = text.strip().strip("{}").replace("-", "").lower()
    if len(hexdigits) != 32 or any(ch not in "0123456789abcdef" for ch in hexdigits):
        return None
    h = hexdigits
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _parse_datetime(text: str) -> datetime | None:
    t = text.strip().replace("T", " ", 1)
    if len(t) >= 3 and t[-3] in "+-" and t[-2:].isdigit() and ":" in t:
        t += ":00"  # Python wants +HH:MM; PostgreSQL writes +HH
    try:
        return datetime.fromisoformat(t)
    except ValueError:
        pass
    # 2020-1-2 3:04:05: pad the fields that fromisoformat insists on
    date_part, _, rest = t.partition(" ")
    ymd = date_part.split("-")
    if len(ymd) != 3 or not all(p.isdigit() for p in ymd):
        return None
    head = f"{int(ymd[0]):04d}-{int(ymd[1]):02d}-{int(ymd[2]):02d}"
    rest = rest.strip()
    if rest:
        zone = ""
        for i, ch in enumerate(rest):
            if ch in "+-Zz" and i > 0:
                rest, zone = rest[:i], rest[i:]
                break
        hms = rest.split(":")
        if not 2 <= len(hms) <= 3 or not all(hms):
            return None
        sec = hms[2] if len(hms) == 3 else "00"
        whole, _, frac = sec.partition(".")
        if not (hms[0].isdigit() and hms[1].isdigit() and whole.isdigit() and (not frac or frac.isdigit())):
            return None
        head += f" {int(hms[0]):02d}:{int(hms[1]):02d}:{int(whole):02d}"
        if frac:
            head += "." + (frac + "000000")[:6]
        z = re.fullmatch(r"([+-])(\d{1,2})(?::?(\d{2}))?", zone)
        if z:  # +0:00, +5, +0530: the +HH:MM that fromisoformat reads
            zone = f"{z.group(1)}{int(z.group(2)):02d}:{z.group(3) or '00'}"
        head += zone
    try:
        return datetime.fromisoformat(head)
    except ValueError:
        return None


def _fmt_time(h: int, m: int, s: int, us: int) -> str:
    text = f"{h:02d}:{m:02d}:{s:02d}"
    if us:
        text += f".{us:06d}".rstrip("0")
    return text


def _norm_datetime(text: str) -> str | None:
    """One spelling for date, timestamp and timestamptz values: `YYYY-MM-DD[ HH:MM:SS[.f]]`, the
    time left out at midnight, offsets converted to UTC.  timestamptz values are printed in the
    server's TimeZone; values without an offset are taken as UTC, the usual setting."""
    d = _parse_datetime(text)
    if d is None:
        return None
    if d.tzinfo is not None:
        d = d.astimezone(UTC)
    if d.hour == d.minute == d.second == d.microsecond == 0:
        return f"{d:%Y-%m-%d}"
    return f"{d:%Y-%m-%d} " + _fmt_time(d.hour, d.minute, d.second, d.microsecond)


def _norm_time(text: str) -> str | None:
    parts = text.strip().split(":")
    if not 2 <= len(parts) <= 3 or not all(parts):
        return None
    try:
        h, m = int(parts[0]), int(parts[1])
        sec = Decimal(parts[2]) if len(parts) == 3 else Decimal(0)
    except (ValueError, InvalidOperation):
        return None
    whole = int(sec)
    return _fmt_time(h, m, whole, int((sec - whole) * 1_000_000))


_INTERVAL_UNITS: dict[str, tuple[str, int]] = {}
for _names, _unit, _mult in (
    ("microsecond microseconds usec usecs us", "us", 1),
    ("millisecond milliseconds msec msecs ms", "us", 1000),
    ("second seconds sec secs s", "us", 1_000_000),
    ("minute minutes min mins m", "us", 60_000_000),
    ("hour hours hr hrs h", "us", 3_600_000_000),
    ("day days d", "day", 1),
    ("week weeks w", "day", 7),
    ("month months mon mons", "mon", 1),
    ("year years yr yrs y", "mon", 12),
    ("decade decades", "mon", 120),
    ("century centuries", "mon", 1200),
    ("millennium millennia millenniums", "mon", 12000),
):
    for _n in _names.split():
        _INTERVAL_UNITS[_n] = (_unit, _mult)
# the field a bare number means under an interval typmod (its lowest field), and what is kept
_INTERVAL_BARE = {4: "year", 2: "month", 8: "day", 1024: "hour", 2048: "minute", 4096: "second", 6: "month"}
_USEC_DAY = 86_400_000_000


def _interval_parts(text: str, mask: int) -> tuple[int, int, int] | None:
    """(months, days, microseconds) of interval input in the common forms, None when unsure."""
    tokens = text.strip().lower().replace(",", " ").split()
    if tokens and tokens[0] == "@":
        tokens = tokens[1:]
    ago = bool(tokens) and tokens[-1] == "ago"
    if ago:
        tokens = tokens[:-1]
    if not tokens:
        return None
    months = Decimal(0)
    days = Decimal(0)
    usec = Decimal(0)
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if ":" in tok:
            sign = -1 if tok.startswith("-") else 1
            fields = tok.lstrip("+-").split(":")
            try:
                nums = [Decimal(f) for f in fields]
            except InvalidOperation:
                return None
            if len(nums) == 2:
                # hh:mm, or mm:ss under MINUTE TO SECOND
                nums = [Decimal(0), *nums] if mask == 6144 else [*nums, Decimal(0)]
            if len(nums) != 3:
                return None
            usec += sign * ((nums[0] * 60 + nums[1]) * 60 + nums[2]) * 1_000_000
            i += 1
            continue
        number = tok
        unit = None
        j = 0
        while j < len(tok) and (tok[j].isdigit() or tok[j] in "+-."):
            j += 1
        if 0 < j < len(tok):  # "5days"
            number, unit = tok[:j], tok[j:]
        elif i + 1 < len(tokens) and tokens[i + 1] in _INTERVAL_UNITS:
            unit = tokens[i + 1]
            i += 1
        elif i + 1 < len(tokens) and ":" in tokens[i + 1]:
            unit = "day"  # DecodeInterval: a bare number before a time of day counts days
        try:
            value = Decimal(number)
        except InvalidOperation:
            return None
        if unit is None:
            bare = _INTERVAL_BARE.get(mask, "second")
            unit = bare
        kind_mult = _INTERVAL_UNITS.get(unit)
        if kind_mult is None:
            return None
        kind, mult = kind_mult
        if kind == "mon":
            whole = value * mult
            months += int(whole)
            frac = whole - int(whole)
            days += int(frac * 30)
            usec += (frac * 30 - int(frac * 30)) * _USEC_DAY
        elif kind == "day":
            whole = value * mult
            days += int(whole)
            usec += (whole - int(whole)) * _USEC_DAY
        else:
            usec += value * mult
        i += 1
    sign = -1 if ago else 1
    m, d, u = sign * int(months), sign * int(days), sign * int(usec.to_integral_value())
    # AdjustIntervalForTypmod: drop what lies below the typmod's last field
    if mask in (4,):
        m, d, u = int(m / 12) * 12, 0, 0
    elif mask in (2, 6):
        d, u = 0, 0
    elif mask == 8:
        u = 0
    elif mask in (1024, 1032):
        u = int(u / 3_600_000_000) * 3_600_000_000
    elif mask in (2048, 3080, 3072):
        u = int(u / 60_000_000) * 60_000_000
    return m, d, u


def _norm_interval(text: str, mask: int = 0x7FFF) -> str | None:
    parts = _interval_parts(text, mask)
    if parts is None:
        return None
    months, days, usec = parts
    out: list[str] = []
    before = False

    def field(value: int, unit: str) -> None:
        nonlocal before
        if not value:
            return
        sign = "+" if before and value > 0 else ""
        before = before or value < 0
        out.append(f"{sign}{value} {unit}{'' if value == 1 else 's'}")

    field(int(months / 12), "year")
    field(months - int(months / 12) * 12, "mon")
    field(days, "day")
    if usec or not out:
        neg = usec < 0
        u = -usec if neg else usec
        sign = "-" if neg else ("+" if before else "")
        secs, micro = divmod(u, 1_000_000)
        out.append(sign + _fmt_time(secs // 3600, secs // 60 % 60, secs % 60, micro))
    return " ".join(out)


def _norm_jsonb(text: str) -> str | None:
    try:
        value = json.loads(text, parse_float=Decimal, parse_int=Decimal)
    except ValueError:
        return None
    return _jsonb_out(value)


def _jsonb_out(v: Any) -> str:
    if isinstance(v, dict):
        # jsonb keeps the last of duplicate keys and orders keys by length, then bytes
        keys = sorted(v, key=lambda k: (len(k.encode()), k.encode()))
        items = [json.dumps(k, ensure_ascii=False) + ": " + _jsonb_out(v[k]) for k in keys]
        return "{" + ", ".join(items) + "}"
    if isinstance(v, list):
        return "[" + ", ".join(_jsonb_out(x) for x in v) + "]"
    if isinstance(v, Decimal):
        return format(v, "f")
    return json.dumps(v, ensure_ascii=False)


_TYPED_LITERAL: dict[str, Callable[[str], str | None]] = {
    "boolean": _norm_bool,
    "smallint": _norm_int,
    "integer": _norm_int,
    "bigint": _norm_int,
    "real": _norm_float,
    "double precision": _norm_float,
    "money": _norm_money,
    "uuid": _norm_uuid,
    "date": _norm_datetime,
    "timestamp without time zone": _norm_datetime,
    "timestamp with time zone": _norm_datetime,
    "time without time zone": _norm_time,
    "interval": _norm_interval,
    "jsonb": _norm_jsonb,
}


_SIZED = re.compile(r"(character varying|character|bit varying|bit|numeric)\((\d+)(?:,(\d+))?\)")


def _sized_literal(const: Node, type_text: str) -> str | None:
    """The value of a literal cast to a type with a length or scale, as the cast leaves it: the
    server keeps such a cast (`'JPN'::character(1)`, `1.2345::numeric(5,2)`), which truncates the
    string or rounds the number, so it is not the bare literal (`'JPN'::bpchar`, `1.2345`).
    None for other casts (and what the cast would refuse)."""
    m = _SIZED.fullmatch(type_text)
    if m is None:
        return None
    kind, size = m.group(1), int(m.group(2))
    if kind == "numeric":
        raw = const.get("fval", {}).get("fval") if "fval" in const else None
        if raw is None and "ival" in const:
            raw = str(const["ival"].get("ival", 0))
        try:
            value = Decimal(raw) if raw is not None else None
        except InvalidOperation:
            value = None
        scale = int(m.group(3) or 0)
        if value is None or not value.is_finite() or scale > 1000 or abs(value.adjusted()) > 1000:
            return None
        rounded = value.quantize(Decimal(1).scaleb(-scale), rounding=ROUND_HALF_UP)
        return "'" + _numeric_out(str(rounded)) + "'"
    if kind.startswith("bit"):
        if "bsval" in const:
            bits = _canon_const(const).strip("'")
        else:
            bits = const.get("sval", {}).get("sval", "x") if "sval" in const else "x"
            if bits.strip("01"):
                return None  # not a binary string (bit input reads x... as hexadecimal)
        bits = bits[:size]
        return "'" + (bits.ljust(size, "0") if kind == "bit" else bits) + "'"
    if "sval" not in const:
        return None
    value = const["sval"].get("sval", "")[:size]
    # bpchar pads to the length and ignores trailing spaces: 'J'::character(3) is 'J'
    return literal(value.rstrip(" ") if kind == "character" else value)


def _typed_literal(const: Node, tn: Node | None, type_text: str) -> str | None:
    """The value of a literal as the server prints it once stored with type `type_text`."""
    if "sval" in const:
        text = const["sval"].get("sval", "")
    elif "ival" in const:
        text = str(const["ival"].get("ival", 0))
    elif "fval" in const:
        text = const["fval"]["fval"]
    else:
        return None
    base = type_text.split("(")[0]
    if "sval" not in const and base in ("real", "double precision", "money"):
        # a number cast to float stays a numeric constant with a run-time cast, printed as written
        # (only string literals are converted when the expression is stored)
        return None
    if base.startswith("interval"):
        mask = 0x7FFF
        if tn is not None and tn.get("typmods"):
            mask = _int_const(tn["typmods"][0]) or 0x7FFF
        else:
            for m, words in _INTERVAL_FIELDS.items():
                if base == f"interval {words}":
                    mask = m
        value = _norm_interval(text, mask)
    else:
        if base.startswith("timestamp") or base.startswith("time "):
            base = type_text.split("(")[0] + ("" if "(" not in type_text else type_text.split(")", 1)[1])
        func = _TYPED_LITERAL.get(base)
        if func is None:
            return None
        value = func(text)
    if value is None:
        return None
    return value if value in ("true", "false") else literal(value)


# --------------------------------------------------------------------------------------------------
# operators


def _op_name(names: list[Node], c: _Ctx) -> str:
    """An operator name; schema-qualified ones need OPERATOR(schema.op) syntax."""
    if len(names) == 1:
        return _str(names[0])
    parts = _strs(names)
    if c.canon and parts[0] == "pg_catalog":
        return parts[-1]
    return "OPERATOR(" + ".".join([ident(p) for p in parts[:-1]]) + "." + parts[-1] + ")"


def _binary(left: str, op: str, right: str) -> str:
    return f"({left} {op} {right})"


def _a_expr(n: Node, c: _Ctx) -> str:
    kind = n["kind"]
    return _AEXPR[kind](n, c)


def _aexpr_op(n: Node, c: _Ctx) -> str:
    op = _op_name(n["name"], c)
    rexpr = n.get("rexpr")
    lexpr = n.get("lexpr")
    if lexpr is None:
        return f"({op} {_e(rexpr, c)})" if rexpr is not None else f"({op})"
    if rexpr is None:  # postfix operators are gone since PostgreSQL 14, but keep the shape
        return f"({_e(lexpr, c)} {op})"
    return _binary(_e(lexpr, c), op, _e(rexpr, c))


def _aexpr_any_all(n: Node, c: _Ctx) -> str:
    word = "ANY" if n["kind"] == "AEXPR_OP_ANY" else "ALL"
    return f"({_e(n['lexpr'], c)} {_op_name(n['name'], c)} {word} ({_e(n['rexpr'], c)}))"


def _aexpr_distinct(n: Node, c: _Ctx) -> str:
    left, right = _e(n["lexpr"], c), _e(n["rexpr"], c)
    if n["kind"] == "AEXPR_DISTINCT":
        return f"({left} IS DISTINCT FROM {right})"
    if c.canon:
        # PostgreSQL stores IS NOT DISTINCT FROM as NOT (IS DISTINCT FROM) and prints it so
        return f"(NOT ({left} IS DISTINCT FROM {right}))"
    return f"({left} IS NOT DISTINCT FROM {right})"


def _aexpr_nullif(n: Node, c: _Ctx) -> str:
    return f"NULLIF({_e(n['lexpr'], c)}, {_e(n['rexpr'], c)})"


def _contains_column(node: Any) -> bool:
    """Whether an expression refers to a column (contain_vars_of_level, roughly)."""
    if isinstance(node, dict):
        if "ColumnRef" in node:
            return True
        if "SubLink" in node:
            return False  # a sublink's own columns belong to its query level
        return any(_contains_column(v) for v in node.values())
    if isinstance(node, list):
        return any(_contains_column(v) for v in node)
    return False


def _aexpr_in(n: Node, c: _Ctx) -> str:
    negated = _str(n["name"][0]) == "<>"
    items = n["rexpr"]["List"]["items"] if "List" in n["rexpr"] else [n["rexpr"]]
    left = _e(n["lexpr"], c)
    if not c.canon:
        return f"({left} {'NOT IN' if negated else 'IN'} ({_list(items, c)}))"
    boolop, tests = _in_tests(n, c)
    if len(tests) == 1:
        return tests[0]
    return "(" + (" AND " if boolop == "AND_EXPR" else " OR ").join(tests) + ")"


def _in_tests(n: Node, c: _Ctx) -> tuple[str, list[str]]:
    """transformAExprIn: items without column references become `x = ANY (ARRAY[...])` (when there
    are two or more of them), the others separate `x = item` tests, joined by OR (AND for NOT IN)."""
    negated = _str(n["name"][0]) == "<>"
    items = n["rexpr"]["List"]["items"] if "List" in n["rexpr"] else [n["rexpr"]]
    left = _e(n["lexpr"], c)
    op = "<>" if negated else "="
    tests: list[str] = []
    nonvars = [i for i in items if not _contains_column(i)]
    rest = items
    if len(nonvars) > 1:
        word = "ALL" if negated else "ANY"
        tests.append(f"({left} {op} {word} (ARRAY[{_list(nonvars, c)}]))")
        rest = [i for i in items if _contains_column(i)]
    tests.extend(_binary(left, op, _e(i, c)) for i in rest)
    return ("AND_EXPR" if negated else "OR_EXPR"), tests


def _between_tests(n: Node, c: _Ctx) -> tuple[str, list[str]]:
    """transformAExprBetween: the comparisons a BETWEEN stands for, and how they are joined."""
    kind = n["kind"]
    left = _e(n["lexpr"], c)
    lo_node, hi_node = n["rexpr"]["List"]["items"]
    lo, hi = _e(lo_node, c), _e(hi_node, c)
    if kind == "AEXPR_BETWEEN":
        return "AND_EXPR", [f"({left} >= {lo})", f"({left} <= {hi})"]
    if kind == "AEXPR_NOT_BETWEEN":
        return "OR_EXPR", [f"({left} < {lo})", f"({left} > {hi})"]
    if kind == "AEXPR_BETWEEN_SYM":
        return "OR_EXPR", [
            f"(({left} >= {lo}) AND ({left} <= {hi}))",
            f"(({left} >= {hi}) AND ({left} <= {lo}))",
        ]
    return "AND_EXPR", [f"(({left} < {lo}) OR ({left} > {hi}))", f"(({left} < {hi}) OR ({left} > {lo}))"]


def _expansion(node: Node, c: _Ctx) -> tuple[str, list[str]] | None:
    """The boolean tree an IN list or BETWEEN becomes on the server, for flattening into AND/OR."""
    a = node.get("A_Expr")
    if a is None:
        return None
    if a["kind"] == "AEXPR_IN":
        return _in_tests(a, c)
    if a["kind"].startswith("AEXPR_BETWEEN") or a["kind"].startswith("AEXPR_NOT_BETWEEN"):
        return _between_tests(a, c)
    return None


_LIKE_WORDS = {
    "~~": "LIKE",
    "!~~": "NOT LIKE",
    "~~*": "ILIKE",
    "!~~*": "NOT ILIKE",
    "~": "SIMILAR TO",
    "!~": "NOT SIMILAR TO",
}
_ESCAPE_FUNCS = {
    "AEXPR_LIKE": "like_escape",
    "AEXPR_ILIKE": "like_escape",
    "AEXPR_SIMILAR": "similar_to_escape",
}


def _aexpr_like(n: Node, c: _Ctx) -> str:
    opname = _str(n["name"][-1])
    left = _e(n["lexpr"], c)
    rexpr = n["rexpr"]
    if c.canon:
        # LIKE is the ~~ operator (and ILIKE ~~*, SIMILAR TO ~ on similar_to_escape()); the server
        # prints the operator
        return _binary(left, opname, _e(rexpr, c))
    word = _LIKE_WORDS[opname]
    func = rexpr.get("FuncCall")
    escape_func = _ESCAPE_FUNCS[n["kind"]]
    if func is not None and _strs(func["funcname"]) == ["pg_catalog", escape_func]:
        args = func.get("args", ())
        if escape_func == "similar_to_escape" and len(args) == 1:
            return f"({left} {word} {_e(args[0], c)})"
        if len(args) == 2:
            return f"({left} {word} {_e(args[0], c)} ESCAPE {_e(args[1], c)})"
    return f"({left} {word} {_e(rexpr, c)})"


def _aexpr_between(n: Node, c: _Ctx) -> str:
    kind = n["kind"]
    left = _e(n["lexpr"], c)
    lo_node, hi_node = n["rexpr"]["List"]["items"]
    lo, hi = _e(lo_node, c), _e(hi_node, c)
    if c.canon:
        boolop, tests = _between_tests(n, c)
        return "(" + (" AND " if boolop == "AND_EXPR" else " OR ").join(tests) + ")"
    word = {
        "AEXPR_BETWEEN": "BETWEEN",
        "AEXPR_NOT_BETWEEN": "NOT BETWEEN",
        "AEXPR_BETWEEN_SYM": "BETWEEN SYMMETRIC",
        "AEXPR_NOT_BETWEEN_SYM": "NOT BETWEEN SYMMETRIC",
    }[kind]
    return f"({left} {word} {lo} AND {hi})"


_AEXPR: dict[str, _Handler] = {
    "AEXPR_OP": _aexpr_op,
    "AEXPR_OP_ANY": _aexpr_any_all,
    "AEXPR_OP_ALL": _aexpr_any_all,
    "AEXPR_DISTINCT": _aexpr_distinct,
    "AEXPR_NOT_DISTINCT": _aexpr_distinct,
    "AEXPR_NULLIF": _aexpr_nullif,
    "AEXPR_IN": _aexpr_in,
    "AEXPR_LIKE": _aexpr_like,
    "AEXPR_ILIKE": _aexpr_like,
    "AEXPR_SIMILAR": _aexpr_like,
    "AEXPR_BETWEEN": _aexpr_between,
    "AEXPR_NOT_BETWEEN": _aexpr_between,
    "AEXPR_BETWEEN_SYM": _aexpr_between,
    "AEXPR_NOT_BETWEEN_SYM": _aexpr_between,
}


def _bool_expr(n: Node, c: _Ctx) -> str:
    op = n["boolop"]
    args = n.get("args", ())
    if op == "NOT_EXPR":
        return f"(NOT {_e(args[0], c)})"
    word = " AND " if op == "AND_EXPR" else " OR "
    if c.canon:
        # AND and OR are associative: the server flattens what it prints, the parser only the left
        # operand, and IN/BETWEEN expansion nests; flatten all
        flat: list[Node] = []
        _flatten(args, op, flat)
        parts: list[str] = []
        for a in flat:
            expanded = _expansion(a, c)
            if expanded is not None and expanded[0] == op:
                parts.extend(expanded[1])
            else:
                parts.append(_e(a, c))
        return "(" + word.join(parts) + ")"
    return "(" + word.join([_e(a, c) for a in args]) + ")"


def _flatten(args: Iterable[Node], op: str, out: list[Node]) -> None:
    for a in args:
        b = a.get("BoolExpr")
        if b is not None and b["boolop"] == op:
            _flatten(b.get("args", ()), op, out)
        else:
            out.append(a)


_NULLTEST = {"IS_NULL": "IS NULL", "IS_NOT_NULL": "IS NOT NULL"}
_BOOLTEST = {
    "IS_TRUE": "IS TRUE",
    "IS_NOT_TRUE": "IS NOT TRUE",
    "IS_FALSE": "IS FALSE",
    "IS_NOT_FALSE": "IS NOT FALSE",
    "IS_UNKNOWN": "IS UNKNOWN",
    "IS_NOT_UNKNOWN": "IS NOT UNKNOWN",
}


def _null_test(n: Node, c: _Ctx) -> str:
    return f"({_e(n['arg'], c)} {_NULLTEST[n['nulltesttype']]})"


def _boolean_test(n: Node, c: _Ctx) -> str:
    return f"({_e(n['arg'], c)} {_BOOLTEST[n['booltesttype']]})"


# --------------------------------------------------------------------------------------------------
# function calls


def _func_name(parts: list[str], c: _Ctx) -> str:
    if (c.canon or c.qualify) and c.scope is not None:
        parts = c.scope.function(parts)
    return _dotted(parts)


def _func_call(n: Node, c: _Ctx) -> str:
    parts = _strs(n["funcname"])
    args = n.get("args", ())
    if n.get("funcformat") == "COERCE_SQL_SYNTAX" and not c.canon:
        special = _SQL_SYNTAX.get(parts[-1])
        if special is not None and len(parts) == 2:
            text = special(args, c)
            if text is not None:
                return text
    variadic = n.get("func_variadic")
    if c.canon:
        text = _canon_func(parts, n, args, c)
        if text is not None:
            return text
        if variadic and args:
            # the server passes the arguments of a VARIADIC array parameter as VARIADIC ARRAY[...]
            last = args[-1]
            while "TypeCast" in last:
                last = last["TypeCast"]["arg"]
            if "A_ArrayExpr" in last:
                args = [*args[:-1], *last["A_ArrayExpr"].get("elements", ())]
                variadic = False
    name = _func_name(parts, c)
    if n.get("agg_star"):
        inner = "*"
    else:
        inner = _list(args, c)
        if variadic and args:
            head = _list(args[:-1], c)
            inner = (head + ", " if head else "") + "VARIADIC " + _e(args[-1], c)
        if n.get("agg_distinct"):
            inner = "DISTINCT " + inner
    order = n.get("agg_order")
    within = ""
    if order:
        if n.get("agg_within_group"):
            within = f" WITHIN GROUP (ORDER BY {_list(order, c)})"
        else:
            inner += f" ORDER BY {_list(order, c)}"
    text = f"{name}({inner}){within}"
    flt = n.get("agg_filter")
    if flt is not None:
        text += f" FILTER (WHERE {_e(flt, c)})"
    over = n.get("over")
    if over is not None:
        text += " OVER " + _window_ref(over, c)
    return text


def _canon_func(parts: list[str], n: Node, args: Sequence[Node], c: _Ctx) -> str | None:
    name = parts[-1]
    if len(parts) > 2 or (len(parts) == 2 and parts[0] != "pg_catalog"):
        return None
    if name in ("now", "transaction_timestamp") and not args and "over" not in n:
        # now() and transaction_timestamp() are CURRENT_TIMESTAMP: one spelling for all three
        return "now()"
    if name in _REGCLASS_FUNCS and args:
        core = _literal_core(args[0])
        if core is not None and "A_Const" in core:
            rest = "".join([", " + _e(a, c) for a in args[1:]])
            return f"{name}({_regclass_literal(core['A_Const'], c)}{rest})"
    return None


def _b(node: Node, c: _Ctx) -> str:
    """An operand in a b_expr position of special syntax: parenthesised unless atomic."""
    text = _e(node, c)
    if text.startswith("(") or _is_atomic(node):
        return text
    return f"({text})"


def _is_atomic(node: Node) -> bool:
    for tag in node:
        return tag in ("ColumnRef", "FuncCall", "ParamRef", "A_Const") and not _is_negative_const(node)
    return False


def _sql_extract(args: Sequence[Node], c: _Ctx) -> str | None:
    if len(args) != 2 or "sval" not in args[0].get("A_Const", {}):
        return None
    field = args[0]["A_Const"]["sval"].get("sval", "")
    word = field if field.isalpha() and field.islower() else literal(field)
    return f"EXTRACT({word} FROM {_e(args[1], c)})"


def _sql_overlay(args: Sequence[Node], c: _Ctx) -> str | None:
    if len(args) not in (3, 4):
        return None
    tail = f" FOR {_e(args[3], c)}" if len(args) == 4 else ""
    return f"OVERLAY({_e(args[0], c)} PLACING {_e(args[1], c)} FROM {_e(args[2], c)}{tail})"


def _sql_position(args: Sequence[Node], c: _Ctx) -> str | None:
    if len(args) != 2:
        return None
    # gram.y: POSITION(b IN a) is position(a, b); both operands are b_expr
    return f"POSITION({_b(args[1], c)} IN {_b(args[0], c)})"


def _sql_substring(args: Sequence[Node], c: _Ctx) -> str | None:
    if len(args) == 2:
        return f"SUBSTRING({_e(args[0], c)} FROM {_e(args[1], c)})"
    if len(args) == 3:
        return f"SUBSTRING({_e(args[0], c)} FROM {_e(args[1], c)} FOR {_e(args[2], c)})"
    return None


def _trim(word: str) -> Callable[[Sequence[Node], _Ctx], str | None]:
    def emit(args: Sequence[Node], c: _Ctx) -> str | None:
        if not args:
            return None
        # TRIM(BOTH x FROM y) is btrim(y, x): the characters come last
        if len(args) == 1:
            return f"TRIM({word} FROM {_e(args[0], c)})"
        return f"TRIM({word} {_e(args[-1], c)} FROM {_list(args[:-1], c)})"

    return emit


def _sql_timezone(args: Sequence[Node], c: _Ctx) -> str | None:
    if len(args) == 2:
        return f"({_b(args[1], c)} AT TIME ZONE {_b(args[0], c)})"
    if len(args) == 1:
        return f"({_b(args[0], c)} AT LOCAL)"
    return None


def _sql_collation_for(args: Sequence[Node], c: _Ctx) -> str | None:
    return f"COLLATION FOR ({_e(args[0], c)})" if len(args) == 1 else None


def _normal_form(node: Node) -> str | None:
    const = node.get("A_Const", {})
    form = const.get("sval", {}).get("sval") if "sval" in const else None
    return form if form in ("NFC", "NFD", "NFKC", "NFKD") else None


def _sql_is_normalized(args: Sequence[Node], c: _Ctx) -> str | None:
    if len(args) == 1:
        return f"({_b(args[0], c)} IS NORMALIZED)"
    form = _normal_form(args[1]) if len(args) == 2 else None
    return f"({_b(args[0], c)} IS {form} NORMALIZED)" if form else None


def _sql_normalize(args: Sequence[Node], c: _Ctx) -> str | None:
    if len(args) == 1:
        return f"NORMALIZE({_e(args[0], c)})"
    form = _normal_form(args[1]) if len(args) == 2 else None
    return f"NORMALIZE({_e(args[0], c)}, {form})" if form else None


def _sql_overlaps(args: Sequence[Node], c: _Ctx) -> str | None:
    if len(args) != 4:
        return None
    return f"(({_e(args[0], c)}, {_e(args[1], c)}) OVERLAPS ({_e(args[2], c)}, {_e(args[3], c)}))"


def _sql_system_user(args: Sequence[Node], c: _Ctx) -> str | None:
    return "SYSTEM_USER" if not args else None


def _sql_xmlexists(args: Sequence[Node], c: _Ctx) -> str | None:
    if len(args) != 2:
        return None
    return f"XMLEXISTS({_b(args[0], c)} PASSING {_b(args[1], c)})"


_SQL_SYNTAX: dict[str, Callable[[Sequence[Node], _Ctx], str | None]] = {
    "extract": _sql_extract,
    "overlay": _sql_overlay,
    "position": _sql_position,
    "substring": _sql_substring,
    "btrim": _trim("BOTH"),
    "ltrim": _trim("LEADING"),
    "rtrim": _trim("TRAILING"),
    "timezone": _sql_timezone,
    "pg_collation_for": _sql_collation_for,
    "is_normalized": _sql_is_normalized,
    "normalize": _sql_normalize,
    "overlaps": _sql_overlaps,
    "system_user": _sql_system_user,
    "xmlexists": _sql_xmlexists,
}


_FRAME_UNITS = ((2, "RANGE"), (4, "ROWS"), (8, "GROUPS"))


def _frame_bound(opts: int, start: bool, offset: Node | None, c: _Ctx) -> str:
    shift = 0 if start else 1
    if opts & (0x20 << shift):
        return "UNBOUNDED PRECEDING"
    if opts & (0x80 << shift):
        return "UNBOUNDED FOLLOWING"
    if opts & (0x200 << shift):
        return "CURRENT ROW"
    off = _e(offset, c) if offset is not None else "NULL"
    if opts & (0x800 << (shift * 1)) if start else opts & 0x1000:
        return f"{off} PRECEDING"
    return f"{off} FOLLOWING"


def _frame(opts: int, w: Node, c: _Ctx) -> str:
    if not opts & 1:  # FRAMEOPTION_NONDEFAULT
        return ""
    unit = next((word for bit, word in _FRAME_UNITS if opts & bit), "RANGE")
    start = _frame_bound(opts, True, w.get("startOffset"), c)
    if opts & 0x10:  # FRAMEOPTION_BETWEEN
        text = f"{unit} BETWEEN {start} AND {_frame_bound(opts, False, w.get('endOffset'), c)}"
    else:
        text = f"{unit} {start}"
    if opts & 0x8000:
        text += " EXCLUDE CURRENT ROW"
    elif opts & 0x10000:
        text += " EXCLUDE GROUP"
    elif opts & 0x20000:
        text += " EXCLUDE TIES"
    return text


def _window_spec(w: Node, c: _Ctx) -> str:
    parts = []
    if w.get("refname"):
        parts.append(ident(w["refname"]))
    if w.get("partitionClause"):
        parts.append("PARTITION BY " + _list(w["partitionClause"], c))
    if w.get("orderClause"):
        parts.append("ORDER BY " + _list(w["orderClause"], c))
    frame = _frame(w.get("frameOptions", 0), w, c)
    if frame:
        parts.append(frame)
    return "(" + " ".join(parts) + ")"


def _window_ref(w: Node, c: _Ctx) -> str:
    # OVER name (no parentheses) sets `name`; OVER (name ...) sets `refname`
    bare = not (w.get("refname") or w.get("partitionClause") or w.get("orderClause"))
    if w.get("name") and bare and not w.get("frameOptions", 0) & 1:
        return ident(w["name"])
    return _window_spec(w, c)


# --------------------------------------------------------------------------------------------------
# other expressions


def _sublink(n: Node, c: _Ctx) -> str:
    kind = n["subLinkType"]
    sub = _subquery(n["subselect"], c)
    if kind == "EXISTS_SUBLINK":
        return f"(EXISTS {sub})"
    if kind == "EXPR_SUBLINK":
        return sub
    if kind == "ARRAY_SUBLINK":
        return f"ARRAY{sub}"
    test = _e(n["testexpr"], c) if "testexpr" in n else ""
    oper = n.get("operName")
    word = "ALL" if kind == "ALL_SUBLINK" else "ANY"
    if not oper:
        if c.canon:
            return f"({test} = ANY {sub})"
        return f"({test} IN {sub})"
    return f"({test} {_op_name(oper, c)} {word} {sub})"


def _case_expr(n: Node, c: _Ctx) -> str:
    out = ["CASE"]
    if "arg" in n:
        out.append(_e(n["arg"], c))
    for w in n.get("args", ()):
        cw = w["CaseWhen"]
        out.append(f"WHEN {_e(cw['expr'], c)} THEN {_e(cw['result'], c)}")
    if "defresult" in n:
        out.append("ELSE " + _e(n["defresult"], c))
    elif c.canon:
        out.append("ELSE NULL")  # transformCaseExpr supplies ELSE NULL and the server prints it
    out.append("END")
    return " ".join(out)


def _coalesce(n: Node, c: _Ctx) -> str:
    return f"COALESCE({_list(n['args'], c)})"


def _min_max(n: Node, c: _Ctx) -> str:
    word = "GREATEST" if n["op"] == "IS_GREATEST" else "LEAST"
    return f"{word}({_list(n['args'], c)})"


_SVF = {
    "SVFOP_CURRENT_DATE": "CURRENT_DATE",
    "SVFOP_CURRENT_TIME": "CURRENT_TIME",
    "SVFOP_CURRENT_TIME_N": "CURRENT_TIME",
    "SVFOP_CURRENT_TIMESTAMP": "CURRENT_TIMESTAMP",
    "SVFOP_CURRENT_TIMESTAMP_N": "CURRENT_TIMESTAMP",
    "SVFOP_LOCALTIME": "LOCALTIME",
    "SVFOP_LOCALTIME_N": "LOCALTIME",
    "SVFOP_LOCALTIMESTAMP": "LOCALTIMESTAMP",
    "SVFOP_LOCALTIMESTAMP_N": "LOCALTIMESTAMP",
    "SVFOP_CURRENT_ROLE": "CURRENT_ROLE",
    "SVFOP_CURRENT_USER": "CURRENT_USER",
    "SVFOP_USER": "USER",
    "SVFOP_SESSION_USER": "SESSION_USER",
    "SVFOP_CURRENT_CATALOG": "CURRENT_CATALOG",
    "SVFOP_CURRENT_SCHEMA": "CURRENT_SCHEMA",
}
# canonical spellings: CURRENT_TIMESTAMP is now(); CURRENT_ROLE and USER are CURRENT_USER
_SVF_CANON = {
    "SVFOP_CURRENT_TIMESTAMP": "now()",
    "SVFOP_CURRENT_ROLE": "CURRENT_USER",
    "SVFOP_USER": "CURRENT_USER",
}


def _sql_value_function(n: Node, c: _Ctx) -> str:
    op = n["op"]
    if c.canon:
        text = _SVF_CANON.get(op)
        if text is not None:
            return text
    text = _SVF[op]
    if op.endswith("_N"):
        text += f"({n.get('typmod', 0)})"
    return text


def _array_expr(n: Node, c: _Ctx) -> str:
    return f"ARRAY[{_list(n.get('elements', ()), c)}]"


def _row_expr(n: Node, c: _Ctx) -> str:
    args = n.get("args", ())
    if n.get("row_format") == "COERCE_IMPLICIT_CAST" and len(args) > 1 and not c.canon:
        return f"({_list(args, c)})"
    return f"ROW({_list(args, c)})"


def _indices(n: Node, c: _Ctx) -> str:
    lo = _e(n["lidx"], c) if "lidx" in n else ""
    hi = _e(n["uidx"], c) if "uidx" in n else ""
    if n.get("is_slice"):
        return f"[{lo}:{hi}]"
    return f"[{hi}]"


def _indirection_suffix(ind: Iterable[Node], c: _Ctx) -> str:
    out = []
    for i in ind:
        if "A_Indices" in i:
            out.append(_indices(i["A_Indices"], c))
        elif "A_Star" in i:
            out.append(".*")
        else:
            out.append("." + ident(_str(i)))
    return "".join(out)


def _a_indirection(n: Node, c: _Ctx) -> str:
    arg = n["arg"]
    ind = n["indirection"]
    text = _e(arg, c)
    # a column reference followed by a subscript needs no parentheses; field selection does
    # (`(a).b`, as `a.b` would name column b of table a)
    if not ("ColumnRef" in arg and "A_Indices" in ind[0]) or c.canon:
        text = f"({text})"
    return text + _indirection_suffix(ind, c)


def _collate(n: Node, c: _Ctx) -> str:
    names = _strs(n["collname"])
    if c.canon and len(names) == 2 and names[0] == "pg_catalog":
        names = names[1:]
    return f"({_e(n['arg'], c)} COLLATE {_dotted(names)})"


def _named_arg(n: Node, c: _Ctx) -> str:
    return f"{ident(n['name'])} => {_e(n['arg'], c)}"


def _grouping_func(n: Node, c: _Ctx) -> str:
    return f"GROUPING({_list(n['args'], c)})"


def _set_to_default(n: Node, c: _Ctx) -> str:
    return "DEFAULT"


def _a_star(n: Node, c: _Ctx) -> str:
    return "*"


def _string(n: Node, c: _Ctx) -> str:
    return ident(n["sval"])


def _list_node(n: Node, c: _Ctx) -> str:
    return f"({_list(n.get('items', ()), c)})"


def _xml_expr(n: Node, c: _Ctx) -> str:
    op = n["op"]
    args = n.get("args", ())
    if op == "IS_XMLCONCAT":
        return f"XMLCONCAT({_list(args, c)})"
    if op == "IS_XMLELEMENT":
        parts = ["NAME " + ident(n["name"])]
        if n.get("named_args"):
            parts.append(f"XMLATTRIBUTES({_xml_named(n['named_args'], c)})")
        parts.extend(_e(a, c) for a in args)
        return f"XMLELEMENT({', '.join(parts)})"
    if op == "IS_XMLFOREST":
        return f"XMLFOREST({_xml_named(n.get('named_args', ()), c)})"
    if op == "IS_XMLPARSE":
        doc = "DOCUMENT" if n.get("xmloption") == "XMLOPTION_DOCUMENT" else "CONTENT"
        keep = len(args) > 1 and args[1].get("A_Const", {}).get("boolval", {}).get("boolval")
        ws = " PRESERVE WHITESPACE" if keep else ""
        return f"XMLPARSE({doc} {_e(args[0], c)}{ws})"
    if op == "IS_XMLPI":
        tail = f", {_e(args[0], c)}" if args else ""
        return f"XMLPI(NAME {ident(n['name'])}{tail})"
    if op == "IS_XMLROOT":
        version = args[1]
        vtext = "NO VALUE" if version.get("A_Const", {}).get("isnull") else _e(version, c)
        standalone = _int_const(args[2]) if len(args) > 2 else 3
        sa = {0: ", STANDALONE YES", 1: ", STANDALONE NO", 2: ", STANDALONE NO VALUE"}.get(
            standalone or 0, ""
        )
        if standalone == 0:
            sa = ", STANDALONE YES"
        return f"XMLROOT({_e(args[0], c)}, VERSION {vtext}{sa})"
    if op == "IS_DOCUMENT":
        return f"({_e(args[0], c)} IS DOCUMENT)"
    return f"XMLSERIALIZE({_list(args, c)})"


def _xml_named(targets: Iterable[Node], c: _Ctx) -> str:
    out = []
    for t in targets:
        rt = t["ResTarget"]
        text = _e(rt["val"], c)
        if rt.get("name"):
            text += " AS " + ident(rt["name"])
        out.append(text)
    return ", ".join(out)


def _xml_serialize(n: Node, c: _Ctx) -> str:
    doc = "DOCUMENT" if n.get("xmloption") == "XMLOPTION_DOCUMENT" else "CONTENT"
    indent = " INDENT" if n.get("indent") else ""
    return f"XMLSERIALIZE({doc} {_e(n['expr'], c)} AS {_type(n['typeName'], c)}{indent})"


# JSON (PostgreSQL 16+): the common constructors and IS JSON


def _json_format(fmt: Node | None) -> str:
    if not fmt or fmt.get("format_type", "JS_FORMAT_DEFAULT") == "JS_FORMAT_DEFAULT":
        return ""
    text = " FORMAT JSON"
    enc = fmt.get("encoding", "JS_ENC_DEFAULT")
    if enc != "JS_ENC_DEFAULT":
        text += " ENCODING " + enc[len("JS_ENC_") :]
    return text


def _json_value_expr(n: Node, c: _Ctx) -> str:
    return _e(n["raw_expr"], c) + _json_format(n.get("format"))


def _json_output(n: Node | None, c: _Ctx) -> str:
    if not n:
        return ""
    tn = n.get("typeName")
    if tn is None:
        return ""
    return " RETURNING " + _type(tn, c) + _json_format(n.get("returning", {}).get("format"))


def _json_object(n: Node, c: _Ctx) -> str:
    items = []
    for kv in n.get("exprs", ()):
        pair = kv["JsonKeyValue"]
        items.append(
            f"{_e(pair['key'], c)} : {_json_value_expr(pair['value']['JsonValueExpr'], c)}"
            if "JsonValueExpr" in pair["value"]
            else f"{_e(pair['key'], c)} : {_json_value_expr(pair['value'], c)}"
        )
    text = ", ".join(items)
    text += " ABSENT ON NULL" if n.get("absent_on_null") else ""
    text += " WITH UNIQUE KEYS" if n.get("unique") else ""
    return f"JSON_OBJECT({text}{_json_output(n.get('output'), c)})"


def _json_array(n: Node, c: _Ctx) -> str:
    items = [
        _json_value_expr(v["JsonValueExpr"], c) if "JsonValueExpr" in v else _e(v, c)
        for v in n.get("exprs", ())
    ]
    text = ", ".join(items)
    if not n.get("absent_on_null"):
        text += " NULL ON NULL"
    return f"JSON_ARRAY({text}{_json_output(n.get('output'), c)})"


_JSON_ITEM = {
    "JS_TYPE_ANY": "JSON",
    "JS_TYPE_OBJECT": "JSON OBJECT",
    "JS_TYPE_ARRAY": "JSON ARRAY",
    "JS_TYPE_SCALAR": "JSON SCALAR",
}


def _json_is(n: Node, c: _Ctx) -> str:
    text = _e(n["expr"], c) + _json_format(n.get("format"))
    unique = " WITH UNIQUE KEYS" if n.get("unique_keys") else ""
    return f"({text} IS {_JSON_ITEM[n.get('item_type', 'JS_TYPE_ANY')]}{unique})"


# --------------------------------------------------------------------------------------------------
# queries


def _subquery(node: Node, c: _Ctx) -> str:
    return "(" + _select(node, c) + ")"


def _select_node(n: Node, c: _Ctx) -> str:
    return "(" + _select({"SelectStmt": n}, c) + ")"


def _select(node: Node, c: _Ctx) -> str:
    s = node.get("SelectStmt")
    if s is None:
        return _e(node, c)  # other statements in CTEs (INSERT ... RETURNING) are not supported
    out: list[str] = []
    with_clause = s.get("withClause")
    c.frames.append([])
    c.used.append(set())
    if c.canon:
        # names of this level first: the CTE queries and subqueries below see them as taken
        for item in s.get("fromClause", ()):
            _assign_names(item, c)
    pushed_cte = False
    try:
        if with_clause is not None:
            pushed_cte = True
            out.append(_with(with_clause.get("WithClause", with_clause), c))
        op = s.get("op", "SETOP_NONE")
        if op != "SETOP_NONE":
            word = {"SETOP_UNION": "UNION", "SETOP_INTERSECT": "INTERSECT", "SETOP_EXCEPT": "EXCEPT"}[op]
            if s.get("all"):
                word += " ALL"
            # larg and rarg are SelectStmt pointers: the JSON gives them without the node tag
            left = _set_operand({"SelectStmt": s["larg"]}, c)
            right = _set_operand({"SelectStmt": s["rarg"]}, c)
            out.append(f"{left} {word} {right}")
            targets: list[tuple[str, str, Node]] = []
        elif "valuesLists" in s:
            out.append("VALUES " + ", ".join([_list_node(v["List"], c) for v in s["valuesLists"]]))
            targets = []
        else:
            targets = _simple_select(s, c, out)
        _select_tail(s, c, out, targets)
    finally:
        c.frames.pop()
        c.used.pop()
        if pushed_cte:
            c.ctes.pop()
    return " ".join(out)


def _assign_names(node: Node, c: _Ctx) -> None:
    """set_rtable_names: every range table entry gets a name unique in its query level and the
    enclosing ones (the server prints `t_1` for a second `t`), in range table order."""
    for tag, n in node.items():
        if tag == "JoinExpr":
            _assign_names(n["larg"], c)
            _assign_names(n["rarg"], c)
            name = n["alias"]["aliasname"] if n.get("alias") else None
        elif tag == "RangeVar":
            name = n["alias"]["aliasname"] if n.get("alias") else n["relname"]
        elif tag == "RangeFunction":
            name = n["alias"]["aliasname"] if n.get("alias") else _func_refname(n)
        elif tag == "RangeTableSample":
            _assign_names(n["relation"], c)
            return
        else:
            name = n["alias"]["aliasname"] if n.get("alias") else None
        if not name:
            return
        unique = name
        i = 0
        while any(unique in level for level in c.used):
            i += 1
            unique = f"{name}_{i}"
        c.used[-1].add(unique)
        c.names[id(n)] = unique


def _printed_name(n: Node, name: str, c: _Ctx) -> str:
    return c.names.get(id(n), name)


def _set_operand(node: Node, c: _Ctx) -> str:
    return "(" + _select(node, c) + ")"


def _with(w: Node, c: _Ctx) -> str:
    scope: dict[str, list[str] | None] = {}
    c.ctes.append(scope)
    items = []
    recursive = bool(w.get("recursive"))
    for cte_node in w.get("ctes", ()):
        cte = cte_node["CommonTableExpr"]
        name = cte["ctename"]
        cols = _strs(cte.get("aliascolnames", ()))
        if recursive:
            scope[name] = cols or None
        text = ident(name)
        if cols:
            text += f"({_idents(cte['aliascolnames'])})"
        mat = cte.get("ctematerialized", "CTEMaterializeDefault")
        text += " AS "
        if mat == "CTEMaterializeAlways":
            text += "MATERIALIZED "
        elif mat == "CTEMaterializeNever":
            text += "NOT MATERIALIZED "
        text += "(" + _select(cte["ctequery"], c) + ")"
        search = cte.get("search_clause")
        if search:
            order = "BREADTH" if search.get("search_breadth_first") else "DEPTH"
            text += (
                f" SEARCH {order} FIRST BY {_idents(search['search_col_list'])}"
                f" SET {ident(search['search_seq_column'])}"
            )
        cycle = cte.get("cycle_clause")
        if cycle:
            text += f" CYCLE {_idents(cycle['cycle_col_list'])} SET {ident(cycle['cycle_mark_column'])}"
            if "cycle_mark_value" in cycle:
                text += f" TO {_e(cycle['cycle_mark_value'], c)} DEFAULT {_e(cycle['cycle_mark_default'], c)}"
            text += f" USING {ident(cycle['cycle_path_column'])}"
        scope[name] = cols or _output_names(cte["ctequery"])
        items.append(text)
    return ("WITH RECURSIVE " if recursive else "WITH ") + ", ".join(items)


def _simple_select(s: Node, c: _Ctx, out: list[str]) -> list[tuple[str, str, Node]]:
    head = "SELECT"
    distinct = s.get("distinctClause")
    if distinct is not None and not any(distinct):
        head += " DISTINCT"  # plain DISTINCT is a list holding one NIL
    from_text = ""
    if "fromClause" in s:
        from_text = " FROM " + ", ".join([_from_item(f, c) for f in s["fromClause"]])
    if distinct and any(distinct):
        head += f" DISTINCT ON ({_list(distinct, c)})"
    targets = _targets(s.get("targetList", ()), c)
    if targets:
        head += " " + ", ".join([t[0] for t in targets])
    into = s.get("intoClause")
    if into is not None:
        persistence = {"t": "TEMPORARY ", "u": "UNLOGGED "}.get(into["rel"].get("relpersistence", "p"), "")
        head += " INTO " + persistence + _range_var(into["rel"], _FAITHFUL)
    out.append(head + from_text)
    if "whereClause" in s:
        out.append("WHERE " + _e(s["whereClause"], c))
    if "groupClause" in s:
        items = [_group_item(g, c, targets) for g in s["groupClause"]]
        out.append("GROUP BY " + ("DISTINCT " if s.get("groupDistinct") else "") + ", ".join(items))
    if "havingClause" in s:
        out.append("HAVING " + _e(s["havingClause"], c))
    if "windowClause" in s:
        wins = [
            f"{ident(w['WindowDef']['name'])} AS {_window_spec(w['WindowDef'], c)}" for w in s["windowClause"]
        ]
        out.append("WINDOW " + ", ".join(wins))
    return targets


def _select_tail(s: Node, c: _Ctx, out: list[str], targets: list[tuple[str, str, Node]]) -> None:
    if "sortClause" in s:
        out.append("ORDER BY " + ", ".join([_sort_by(x["SortBy"], c, targets) for x in s["sortClause"]]))
    count = s.get("limitCount")
    option = s.get("limitOption", "LIMIT_OPTION_DEFAULT")
    if "limitOffset" in s:
        out.append("OFFSET " + _e(s["limitOffset"], c))
    if count is not None:
        if option == "LIMIT_OPTION_WITH_TIES":
            out.append(f"FETCH FIRST {_fetch_count(count, c)} ROWS WITH TIES")
        elif count.get("A_Const", {}).get("isnull"):
            out.append("LIMIT ALL")
        else:
            out.append("LIMIT " + _e(count, c))
    for lk in s.get("lockingClause", ()):
        out.append(_locking(lk["LockingClause"], c))


def _fetch_count(node: Node, c: _Ctx) -> str:
    text = _e(node, c)
    return text if "A_Const" in node and not _is_negative_const(node) else f"({text})"


_LOCK_STRENGTH = {
    "LCS_FORKEYSHARE": "FOR KEY SHARE",
    "LCS_FORSHARE": "FOR SHARE",
    "LCS_FORNOKEYUPDATE": "FOR NO KEY UPDATE",
    "LCS_FORUPDATE": "FOR UPDATE",
}


def _locking(lk: Node, c: _Ctx) -> str:
    text = _LOCK_STRENGTH[lk["strength"]]
    rels = lk.get("lockedRels")
    if rels:
        text += " OF " + ", ".join([_range_var(r["RangeVar"], _FAITHFUL) for r in rels])
    policy = lk.get("waitPolicy", "LockWaitBlock")
    if policy == "LockWaitSkip":
        text += " SKIP LOCKED"
    elif policy == "LockWaitError":
        text += " NOWAIT"
    return text


def _targets(items: Sequence[Node], c: _Ctx) -> list[tuple[str, str, Node]]:
    """Printed target list entries: (text, output name, expression)."""
    out: list[tuple[str, str, Node]] = []
    for item in items:
        rt = item["ResTarget"]
        val = rt["val"]
        name = rt.get("name")
        if c.canon:
            expanded = _expand_star(val, c)
            if expanded is not None:
                out.extend(expanded)
                continue
            if name is None:
                name = column_name(val)
            tc = val.get("TypeCast")
            if tc is not None and _literal_core(tc["arg"]) is None and c.scope is not None:
                # a cast at the top of an output column sets the view column's type: PostgreSQL
                # never adds one there itself, so it is the user's and must count
                text = f"{_cast_arg(tc['arg'], _e(tc['arg'], c))}::{c.scope.type(tc['typeName'])}"
            else:
                text = _e(val, c)
            out.append((f"{text} AS {ident(name)}", name, val))
            continue
        text = _e(val, c)
        if name is not None:
            text += " AS " + ident(name)
        out.append((text, name or "", val))
    return out


def _group_item(node: Node, c: _Ctx, targets: list[tuple[str, str, Node]]) -> str:
    gs = node.get("GroupingSet")
    if gs is not None:
        kind = gs["kind"]
        content = gs.get("content", ())
        if kind == "GROUPING_SET_EMPTY":
            return "()"
        inner = ", ".join([_group_item(x, c, targets) for x in content])
        word = {
            "GROUPING_SET_ROLLUP": "ROLLUP",
            "GROUPING_SET_CUBE": "CUBE",
            "GROUPING_SET_SETS": "GROUPING SETS",
        }
        return f"{word.get(kind, '')}({inner})"
    if c.canon:
        ref = _target_ref(node, targets, group=True, frames=c.frames)
        if ref is not None:
            return _e(ref, c)
    return _e(node, c)


def _target_ref(
    node: Node, targets: list[tuple[str, str, Node]], group: bool, frames: list[list[_Entry]] | None = None
) -> Node | None:
    """The target a GROUP BY / ORDER BY item refers to by position (`1`) or output name."""
    pos = _int_const(node)
    if pos is not None and 1 <= pos <= len(targets):
        return targets[pos - 1][2]
    ref = node.get("ColumnRef")
    if ref is not None and len(ref["fields"]) == 1 and "String" in ref["fields"][0]:
        name = _str(ref["fields"][0])
        # ORDER BY looks at output names first; GROUP BY only when no input column has the name
        if group and frames and any(cols is None or name in cols for _, _, cols in frames[-1]):
            return None
        hits = [t for t in targets if t[1] == name]
        if len(hits) == 1:
            return hits[0][2]
    return None


def _sort_by(n: Node, c: _Ctx, targets: list[tuple[str, str, Node]] | None = None) -> str:
    node = n["node"]
    if c.canon and targets:
        ref = _target_ref(node, targets, group=False)
        if ref is not None:
            node = ref
    text = _e(node, c)
    d = n.get("sortby_dir", "SORTBY_DEFAULT")
    if d == "SORTBY_ASC":
        text += "" if c.canon else " ASC"
    elif d == "SORTBY_DESC":
        text += " DESC"
    elif d == "SORTBY_USING":
        text += " USING " + _op_name(n["useOp"], c)
    nulls = n.get("sortby_nulls", "SORTBY_NULLS_DEFAULT")
    if c.canon:
        # NULLS LAST is the default for ascending order, NULLS FIRST for descending
        desc = d == "SORTBY_DESC"
        if nulls == "SORTBY_NULLS_FIRST" and not desc:
            text += " NULLS FIRST"
        elif nulls == "SORTBY_NULLS_LAST" and desc:
            text += " NULLS LAST"
    elif nulls == "SORTBY_NULLS_FIRST":
        text += " NULLS FIRST"
    elif nulls == "SORTBY_NULLS_LAST":
        text += " NULLS LAST"
    return text


def _sort_by_node(n: Node, c: _Ctx) -> str:
    return _sort_by(n, c)


def _alias(a: Node | None) -> str:
    if not a:
        return ""
    text = " AS " + ident(a["aliasname"])
    if a.get("colnames"):
        text += f"({_idents(a['colnames'])})"
    return text


def _from_item(node: Node, c: _Ctx) -> str:
    for tag, body in node.items():
        handler = _FROM.get(tag)
        if handler is None:
            return _e(node, c)
        return handler(body, c)
    return ""


def _cte_columns(name: str, c: _Ctx) -> tuple[bool, list[str] | None]:
    for scope in reversed(c.ctes):
        if name in scope:
            return True, scope[name]
    return False, None


def _range_var(n: Node, c: _Ctx) -> str:
    alias = n.get("alias")
    relname = n["relname"]
    schema = n.get("schemaname")
    if c.canon and c.scope is not None:
        is_cte, cols = (False, None) if schema else _cte_columns(relname, c)
        if is_cte:
            text = ident(relname)
        else:
            schema, relname = c.scope.relation([schema, relname] if schema else [relname])
            text = qualified(schema, relname)
            cols = c.scope.columns(schema, relname)
        refname = alias["aliasname"] if alias else relname
        printed = _printed_name(n, refname, c)
        if alias and alias.get("colnames"):
            names = _strs(alias["colnames"])
            cols = names + (cols[len(names) :] if cols else [])
        if c.frames:
            c.frames[-1].append((refname, printed, cols))
        if not n.get("inh", False):
            text = "ONLY " + text
        # the server prints an alias only where it differs from the relation name
        if printed != relname:
            text += " AS " + ident(printed)
        if alias and alias.get("colnames"):
            text += f"({_idents(alias['colnames'])})"
        return text
    if c.qualify and c.scope is not None and not schema and not _cte_columns(relname, c)[0]:
        schema = c.scope.relation([relname])[0]
    parts = [p for p in (n.get("catalogname"), schema, relname) if p]
    text = _dotted(parts)
    if not n.get("inh", False):
        text = "ONLY " + text
    return text + _alias(alias)


def _join(n: Node, c: _Ctx) -> str:
    frame = c.frames[-1] if c.frames else None
    start = len(frame) if frame is not None else 0
    left = _from_item(n["larg"], c)
    right_node = n["rarg"]
    right = _from_item(right_node, c)
    if "JoinExpr" in right_node and not right.startswith("("):
        right = f"({right})"
    jt = n.get("jointype", "JOIN_INNER")
    word = {
        "JOIN_INNER": "JOIN",
        "JOIN_LEFT": "LEFT JOIN",
        "JOIN_FULL": "FULL JOIN",
        "JOIN_RIGHT": "RIGHT JOIN",
    }[jt]
    natural = n.get("isNatural")
    if natural:
        word = "NATURAL " + word
    using = n.get("usingClause")
    if using:
        cond = f" USING ({_idents(using)})"
        if n.get("join_using_alias"):
            cond += " AS " + ident(n["join_using_alias"]["aliasname"])
    elif "quals" in n:
        cond = " ON " + _e(n["quals"], c)
    else:
        cond = ""
        if jt == "JOIN_INNER" and not natural:
            word = "CROSS JOIN"
    text = f"{left} {word} {right}{cond}"
    alias = n.get("alias")
    if alias:
        if frame is not None:
            cols = (
                _join_columns(frame[start:], using) if not alias.get("colnames") else _strs(alias["colnames"])
            )
            del frame[start:]
            frame.append((alias["aliasname"], _printed_name(n, alias["aliasname"], c), cols))
        return f"({text}){_alias(alias)}"
    return f"({text})" if c.canon else text


def _join_columns(entries: list[_Entry], using: list[Node] | None) -> list[str] | None:
    cols: list[str] = []
    merged = _strs(using) if using else []
    cols.extend(merged)
    for _, _, ecols in entries:
        if ecols is None:
            return None
        cols.extend(x for x in ecols if x not in merged)
    return cols


def _range_subselect(n: Node, c: _Ctx) -> str:
    alias = n.get("alias")
    lateral = n.get("lateral")
    if not lateral:
        saved, c.frames = c.frames, []
        try:
            text = _subquery(n["subquery"], c)
        finally:
            c.frames = saved
    else:
        text = _subquery(n["subquery"], c)
    if lateral:
        text = "LATERAL " + text
    if c.frames and alias:
        cols = _strs(alias.get("colnames", ())) or None
        out_names = _output_names(n["subquery"])
        if cols and out_names:
            cols = cols + out_names[len(cols) :]
        printed = _printed_name(n, alias["aliasname"], c)
        c.frames[-1].append((alias["aliasname"], printed, cols or out_names))
        if c.canon:
            return f"{text} AS {ident(printed)}" + (f"({_idents(alias['colnames'])})" if cols else "")
    return text + _alias(alias)


def _coldefs(defs: Iterable[Node], c: _Ctx) -> str:
    out = []
    for d in defs:
        cd = d["ColumnDef"]
        text = f"{ident(cd['colname'])} {_type(cd['typeName'], c)}"
        if cd.get("collClause"):
            text += " COLLATE " + _dotted(_strs(cd["collClause"]["collname"]))
        out.append(text)
    return ", ".join(out)


def _range_function(n: Node, c: _Ctx) -> str:
    funcs = []
    for item in n.get("functions", ()):
        pair = item["List"]["items"]
        text = _e(pair[0], c)
        if len(pair) > 1 and pair[1] and "List" in pair[1]:
            text += f" AS ({_coldefs(pair[1]['List']['items'], c)})"
        funcs.append(text)
    text = f"ROWS FROM ({', '.join(funcs)})" if n.get("is_rowsfrom") else funcs[0]
    if n.get("lateral"):
        text = "LATERAL " + text
    if n.get("ordinality"):
        text += " WITH ORDINALITY"
    alias = n.get("alias")
    coldefs = n.get("coldeflist")
    refname = alias["aliasname"] if alias else _func_refname(n)
    printed = _printed_name(n, refname, c)
    if c.canon:
        # the server names the column of a scalar function after the alias and prints it: `AS n(n)`
        colnames = _strs(alias.get("colnames", ())) if alias else []
        if printed != refname or alias:
            text += " AS " + ident(printed)
        if coldefs:
            text += f"({_coldefs(coldefs, c)})"
        elif colnames and colnames != [refname]:
            text += f"({', '.join([ident(x) for x in colnames])})"
    elif alias:
        text += " AS " + ident(alias["aliasname"])
        if coldefs:
            text += f"({_coldefs(coldefs, c)})"
        elif alias.get("colnames"):
            text += f"({_idents(alias['colnames'])})"
    elif coldefs:
        text += f" AS ({_coldefs(coldefs, c)})"
    if c.frames:
        cols = None
        if coldefs:
            cols = [d["ColumnDef"]["colname"] for d in coldefs]
        elif alias and alias.get("colnames"):
            cols = _strs(alias["colnames"])
        c.frames[-1].append((refname, printed, cols))
    return text


def _func_refname(n: Node) -> str:
    funcs = n.get("functions", ())
    if funcs:
        first = funcs[0]["List"]["items"][0]
        if "FuncCall" in first:
            return _strs(first["FuncCall"]["funcname"])[-1]
    return ""


def _range_table_sample(n: Node, c: _Ctx) -> str:
    rel = _from_item(n["relation"], c)
    text = f"{rel} TABLESAMPLE {_dotted(_strs(n['method']))}({_list(n.get('args', ()), c)})"
    if "repeatable" in n:
        text += f" REPEATABLE ({_e(n['repeatable'], c)})"
    return text


def _range_table_func(n: Node, c: _Ctx) -> str:
    # XMLTABLE: the row expression and the document are c_expr in gram.y
    head = ""
    spaces = n.get("namespaces")
    if spaces:
        items = []
        for item in spaces:
            rt = item["ResTarget"]
            val = _b(rt["val"], c)
            items.append(f"{val} AS {ident(rt['name'])}" if rt.get("name") else f"DEFAULT {val}")
        head = f"XMLNAMESPACES({', '.join(items)}), "
    cols = []
    for col_node in n.get("columns", ()):
        col = col_node["RangeTableFuncCol"]
        text = ident(col["colname"])
        if col.get("for_ordinality"):
            cols.append(text + " FOR ORDINALITY")
            continue
        text += " " + _type(col["typeName"], c)
        if "colexpr" in col:
            text += " PATH " + _b(col["colexpr"], c)
        if "coldefexpr" in col:
            text += " DEFAULT " + _b(col["coldefexpr"], c)
        if col.get("is_not_null"):
            text += " NOT NULL"
        cols.append(text)
    text = f"XMLTABLE({head}{_b(n['rowexpr'], c)} PASSING {_b(n['docexpr'], c)} COLUMNS {', '.join(cols)})"
    if n.get("lateral"):
        text = "LATERAL " + text
    alias = n.get("alias")
    if c.frames:
        names = [x["RangeTableFuncCol"]["colname"] for x in n.get("columns", ())]
        refname = alias["aliasname"] if alias else "xmltable"
        c.frames[-1].append((refname, _printed_name(n, refname, c), names))
    return text + _alias(alias)


_FROM: dict[str, _Handler] = {
    "RangeTableFunc": _range_table_func,
    "RangeVar": _range_var,
    "JoinExpr": _join,
    "RangeSubselect": _range_subselect,
    "RangeFunction": _range_function,
    "RangeTableSample": _range_table_sample,
}


# --------------------------------------------------------------------------------------------------
# canonical column references and output names


def _canon_column_ref(fields: list[Node], c: _Ctx) -> str:
    if "A_Star" in fields[-1]:
        return ".".join(["*" if "A_Star" in f else ident(f["String"]["sval"]) for f in fields])
    names = [f["String"]["sval"] for f in fields]
    if len(names) == 1:
        # an unqualified column: the server qualifies it with the name of its FROM item
        col = names[0]
        for frame in reversed(c.frames):
            hits = [printed for _, printed, cols in frame if cols is not None and col in cols]
            if len(hits) == 1:
                return f"{ident(hits[0])}.{ident(col)}"
            if hits:
                break
            rows = [printed for user, printed, cols in frame if user == col]
            if rows and all(cols is not None for _, _, cols in frame):
                # no column has the name: it is the FROM item's whole row, which the server prints `a.*`
                return f"{ident(rows[0])}.*"
            if len(frame) == 1 and frame[0][2] is None and frame is c.frames[-1]:
                return f"{ident(frame[0][1])}.{ident(col)}"
        return ident(col)
    if len(names) >= 3:
        # schema.table.column: the server prints the range table name only
        names = names[-2:]
    for frame in reversed(c.frames):
        for user, printed, _ in frame:
            if user == names[0]:
                return ".".join([ident(printed), *[ident(p) for p in names[1:]]])
    return ".".join([ident(p) for p in names])


def _expand_star(val: Node, c: _Ctx) -> list[tuple[str, str, Node]] | None:
    """`*` and `t.*` in a target list, expanded as the server stores them (when columns are known)."""
    ref = val.get("ColumnRef")
    if ref is None or "A_Star" not in ref["fields"][-1] or not c.frames:
        return None
    frame = c.frames[-1]
    fields = ref["fields"]
    if len(fields) == 1:
        entries = frame
    else:
        name = fields[-2]["String"]["sval"]
        entries = [e for e in frame if e[0] == name]
    out: list[tuple[str, str, Node]] = []
    for _, refname, cols in entries:
        if cols is None:
            return None
        for col in cols:
            node: Node = {"ColumnRef": {"fields": [{"String": {"sval": refname}}, {"String": {"sval": col}}]}}
            out.append((f"{ident(refname)}.{ident(col)} AS {ident(col)}", col, node))
    return out if entries else None


_SVF_NAMES = {
    "SVFOP_CURRENT_DATE": "current_date",
    "SVFOP_CURRENT_TIME": "current_time",
    "SVFOP_CURRENT_TIME_N": "current_time",
    "SVFOP_CURRENT_TIMESTAMP": "current_timestamp",
    "SVFOP_CURRENT_TIMESTAMP_N": "current_timestamp",
    "SVFOP_LOCALTIME": "localtime",
    "SVFOP_LOCALTIME_N": "localtime",
    "SVFOP_LOCALTIMESTAMP": "localtimestamp",
    "SVFOP_LOCALTIMESTAMP_N": "localtimestamp",
    "SVFOP_CURRENT_ROLE": "current_role",
    "SVFOP_CURRENT_USER": "current_user",
    "SVFOP_USER": "user",
    "SVFOP_SESSION_USER": "session_user",
    "SVFOP_CURRENT_CATALOG": "current_catalog",
    "SVFOP_CURRENT_SCHEMA": "current_schema",
}


def _figure(node: Node | None) -> tuple[str, int]:
    """FigureColnameInternal: (name, strength) - 2 a real name, 1 a fallback, 0 none."""
    if node is None:
        return "?column?", 0
    for tag, n in node.items():
        if tag == "ColumnRef":
            last = n["fields"][-1]
            if "String" in last:
                return last["String"]["sval"], 2
            return "?column?", 0
        if tag == "A_Indirection":
            for i in reversed(n["indirection"]):
                if "String" in i:
                    return i["String"]["sval"], 2
            return _figure(n["arg"])
        if tag == "FuncCall":
            return n["funcname"][-1]["String"]["sval"], 2
        if tag == "A_Expr":
            if n["kind"] == "AEXPR_NULLIF":
                return "nullif", 2
            return "?column?", 0
        if tag == "TypeCast":
            name, strength = _figure(n["arg"])
            if strength <= 1:
                return n["typeName"]["names"][-1]["String"]["sval"], 1
            return name, strength
        if tag == "CollateClause":
            return _figure(n["arg"])
        if tag == "GroupingFunc":
            return "grouping", 2
        if tag == "SubLink":
            kind = n["subLinkType"]
            if kind == "EXISTS_SUBLINK":
                return "exists", 2
            if kind == "ARRAY_SUBLINK":
                return "array", 2
            if kind == "EXPR_SUBLINK":
                names = _output_names(n["subselect"], figure_only=True)
                if names:
                    return names[0], 2
            return "?column?", 0
        if tag == "CaseExpr":
            name, strength = _figure(n.get("defresult"))
            if strength <= 1:
                return "case", 1
            return name, strength
        if tag == "A_ArrayExpr":
            return "array", 2
        if tag == "RowExpr":
            return "row", 2
        if tag == "CoalesceExpr":
            return "coalesce", 2
        if tag == "MinMaxExpr":
            return ("greatest" if n["op"] == "IS_GREATEST" else "least"), 2
        if tag == "SQLValueFunction":
            return _SVF_NAMES[n["op"]], 2
        if tag == "XmlExpr":
            name = n["op"][3:].lower()
            return (name, 2) if name != "document" else ("?column?", 0)
        if tag == "XmlSerialize":
            return "xmlserialize", 2
        if tag == "JsonObjectConstructor":
            return "json_object", 2
        if tag == "JsonArrayConstructor":
            return "json_array", 2
    return "?column?", 0


def column_name(node: Node) -> str:
    """The output column name PostgreSQL gives an unnamed target expression (FigureColname)."""
    return _figure(node)[0]


def _output_names(node: Node, figure_only: bool = False) -> list[str] | None:
    """Output column names of a SELECT (None if it has a `*` we cannot expand)."""
    s = node.get("SelectStmt")
    if s is None:
        return None
    while s.get("op", "SETOP_NONE") != "SETOP_NONE":
        s = s["larg"]
    if "valuesLists" in s:
        first = s["valuesLists"][0]["List"].get("items", ())
        return [f"column{i + 1}" for i in range(len(first))]
    names = []
    for item in s.get("targetList", ()):
        rt = item["ResTarget"]
        if rt.get("name"):
            names.append(rt["name"])
            continue
        ref = rt["val"].get("ColumnRef")
        if ref is not None and "A_Star" in ref["fields"][-1]:
            if figure_only:
                return None
            return None
        names.append(column_name(rt["val"]))
    return names


# --------------------------------------------------------------------------------------------------
# dispatch and public functions


_H: dict[str, _Handler] = {
    "A_Const": _a_const,
    "ColumnRef": _column_ref,
    "ParamRef": _param_ref,
    "TypeCast": _type_cast,
    "A_Expr": _a_expr,
    "BoolExpr": _bool_expr,
    "NullTest": _null_test,
    "BooleanTest": _boolean_test,
    "FuncCall": _func_call,
    "SubLink": _sublink,
    "CaseExpr": _case_expr,
    "CoalesceExpr": _coalesce,
    "MinMaxExpr": _min_max,
    "SQLValueFunction": _sql_value_function,
    "A_ArrayExpr": _array_expr,
    "RowExpr": _row_expr,
    "A_Indirection": _a_indirection,
    "CollateClause": _collate,
    "NamedArgExpr": _named_arg,
    "GroupingFunc": _grouping_func,
    "SetToDefault": _set_to_default,
    "A_Star": _a_star,
    "String": _string,
    "List": _list_node,
    "XmlExpr": _xml_expr,
    "XmlSerialize": _xml_serialize,
    "JsonObjectConstructor": _json_object,
    "JsonArrayConstructor": _json_array,
    "JsonIsPredicate": _json_is,
    "SortBy": _sort_by_node,
    "SelectStmt": _select_node,
    "TypeName": lambda n, c: _type(n, c),
}


def sql(node: Node, scope: Scope | None = None) -> str:
    """PostgreSQL text of an expression node that parses back to the same tree; with a `scope`,
    names of relations, functions and types are qualified through it (as pg_dump writes them)."""
    c = _Ctx(False, scope, qualify=scope is not None)
    if "SelectStmt" in node:
        return _select(node, c)
    return _e(node, c)


def query_sql(node: Node) -> str:
    """PostgreSQL text of a query (SelectStmt node, set operations and VALUES included)."""
    return _select(node, _Ctx(False, None))


def canonical(node: Node, scope: Scope, type: Node | str | None = None) -> str:
    """Normalised text of an expression for equality with the server's own rendering.

    `type` (a TypeName node or canonical type name) is the type the expression is stored as, e.g. a
    column's for its DEFAULT: a bare literal is then normalised as the server stores it.
    """
    c = _Ctx(True, scope)
    if "SelectStmt" in node:
        return _select(node, c)
    if type is not None and "A_Const" in node:
        tn = type if isinstance(type, dict) else None
        tn = tn.get("TypeName", tn) if tn is not None else None
        text = scope.type(tn) if tn is not None else str(type)
        value = _typed_literal(node["A_Const"], tn, text)
        if value is not None:
            return value
    return _e(node, c)


def canonical_query(node: Node, scope: Scope, columns: Sequence[str] | None = None) -> str:
    """Normalised text of a view query; `columns` are the view's own column names if it lists them."""
    c = _Ctx(True, scope)
    if columns:
        node = rename_targets(node, list(columns))
    names = _output_names(node)
    if names:
        # the server names every branch's outputs of a UNION/INTERSECT/EXCEPT after the result's
        # columns (the first branch's names, or the view's list): SELECT 3 AS id, b.label AS name
        node = _name_branches(node, names)
    return _select(node, c)


def _name_branches(node: Node, names: list[str]) -> Node:
    """Each branch of a set operation with its outputs named `names`."""
    s = node["SelectStmt"]
    if s.get("op", "SETOP_NONE") == "SETOP_NONE":
        if _output_names(node) is None:
            return node  # a `*` the renderer expands: its names are not known here
        return rename_targets(node, names)
    left = _name_branches({"SelectStmt": s["larg"]}, names)["SelectStmt"]
    right = _name_branches({"SelectStmt": s["rarg"]}, names)["SelectStmt"]
    return {"SelectStmt": {**s, "larg": left, "rarg": right}}


def rename_targets(node: Node, columns: list[str]) -> Node:
    """A SELECT whose first outputs are named `columns` (the column list of CREATE VIEW v (a, b))."""
    s = node["SelectStmt"]
    if s.get("op", "SETOP_NONE") != "SETOP_NONE":
        left = rename_targets({"SelectStmt": s["larg"]}, columns)["SelectStmt"]
        return {"SelectStmt": {**s, "larg": left}}
    if "targetList" not in s:
        return node
    targets = []
    for i, item in enumerate(s["targetList"]):
        rt = dict(item["ResTarget"])
        if i < len(columns):
            rt["name"] = columns[i]
        targets.append({"ResTarget": rt})
    return {"SelectStmt": {**s, "targetList": targets}}


# pg_catalog functions callable from SQL (PostgreSQL 15 pg_proc, less I/O and internal-only ones,
# plus the PostgreSQL 16-18 additions): an unqualified call of one of these names resolves there
# first, since pg_catalog is searched before the search path.
_PG_CATALOG_FUNCTION_NAMES = """
    abbrev abs aclcontains acldefault aclexplode aclinsert aclitemeq aclremove acos acosd acosh age
    amvalidate any_value anyarray_send anycompatiblearray_send anytextcat area array_agg array_append
    array_cat array_dims array_eq array_fill array_ge array_gt array_larger array_le array_length
    array_lower array_lt array_ndims array_ne array_position array_positions array_prepend array_remove
    array_replace array_reverse array_sample array_send array_shuffle array_smaller array_sort array_to_json
    array_to_string array_to_tsvector array_upper arraycontained arraycontains arrayoverlap ascii asin asind
    asinh atan atan2 atan2d atand atanh avg bit bit_and bit_count bit_length bit_or bit_send bit_xor bitand
    bitcat bitcmp biteq bitge bitgt bitle bitlt bitne bitnot bitor bitshiftleft bitshiftright bittypmodin
    bitxor bool bool_and bool_or booland_statefunc booleq boolge boolgt boolle boollt boolne
    boolor_statefunc boolsend bound_box box box_above box_above_eq box_add box_below box_below_eq box_center
    box_contain box_contain_pt box_contained box_distance box_div box_eq box_ge box_gt box_intersect box_le
    box_left box_lt box_mul box_overabove box_overbelow box_overlap box_overleft box_overright box_right
    box_same box_send box_sub bpchar bpchar_larger bpchar_pattern_ge bpchar_pattern_gt bpchar_pattern_le
    bpchar_pattern_lt bpchar_smaller bpcharcmp bpchareq bpcharge bpchargt bpchariclike bpcharicnlike
    bpcharicregexeq bpcharicregexne bpcharle bpcharlike bpcharlt bpcharne bpcharnlike bpcharregexeq
    bpcharregexne bpcharsend bpchartypmodin brin_bloom_summary_send brin_desummarize_range
    brin_minmax_multi_summary_send brin_summarize_new_values brin_summarize_range broadcast btarraycmp
    btboolcmp btbpchar_pattern_cmp btcharcmp btequalimage btfloat48cmp btfloat4cmp btfloat84cmp btfloat8cmp
    btint24cmp btint28cmp btint2cmp btint42cmp btint48cmp btint4cmp btint82cmp btint84cmp btint8cmp
    btnamecmp btnametextcmp btoidcmp btoidvectorcmp btrecordcmp btrecordimagecmp btrim bttext_pattern_cmp
    bttextcmp bttextnamecmp bttidcmp btvarstrequalimage byteacat byteacmp byteaeq byteage byteagt byteale
    bytealike bytealt byteane byteanlike byteasend cardinality casefold cash_cmp cash_div_cash cash_div_flt4
    cash_div_flt8 cash_div_int2 cash_div_int4 cash_div_int8 cash_eq cash_ge cash_gt cash_le cash_lt cash_mi
    cash_mul_flt4 cash_mul_flt8 cash_mul_int2 cash_mul_int4 cash_mul_int8 cash_ne cash_pl cash_send
    cash_words cashlarger cashsmaller cbrt ceil ceiling center char char_length character_length chareq
    charge chargt charle charlt charne charsend chr cideq cidr cidr_send cidsend circle circle_above
    circle_add_pt circle_below circle_center circle_contain circle_contain_pt circle_contained
    circle_distance circle_div_pt circle_eq circle_ge circle_gt circle_le circle_left circle_lt
    circle_mul_pt circle_ne circle_overabove circle_overbelow circle_overlap circle_overleft
    circle_overright circle_right circle_same circle_send circle_sub_pt clock_timestamp close_ls close_lseg
    close_pb close_pl close_ps close_sb col_description concat concat_ws convert convert_from convert_to
    corr cos cosd cosh cot cotd count covar_pop covar_samp crc32 crc32c cume_dist current_database
    current_query current_schema current_schemas current_setting current_user currtid2 currval cursor_to_xml
    cursor_to_xmlschema database_to_xml database_to_xml_and_xmlschema database_to_xmlschema date date_add
    date_bin date_cmp date_cmp_timestamp date_cmp_timestamptz date_eq date_eq_timestamp date_eq_timestamptz
    date_ge date_ge_timestamp date_ge_timestamptz date_gt date_gt_timestamp date_gt_timestamptz date_larger
    date_le date_le_timestamp date_le_timestamptz date_lt date_lt_timestamp date_lt_timestamptz date_mi
    date_mi_interval date_mii date_ne date_ne_timestamp date_ne_timestamptz date_part date_pl_interval
    date_pli date_send date_smaller date_subtract date_trunc datemultirange daterange daterange_canonical
    daterange_subdiff datetime_pl datetimetz_pl dcbrt decode degrees dense_rank dexp diagonal diameter
    dist_bp dist_bs dist_cpoint dist_cpoly dist_lp dist_ls dist_pathp dist_pb dist_pc dist_pl dist_polyc
    dist_polyp dist_ppath dist_ppoly dist_ps dist_sb dist_sl dist_sp div dlog1 dlog10 dpow dround dsqrt
    dtrunc elem_contained_by_multirange elem_contained_by_range encode enum_cmp enum_eq enum_first enum_ge
    enum_gt enum_larger enum_last enum_le enum_lt enum_ne enum_range enum_send enum_smaller every exp
    extract factorial family first_value float4 float48div float48eq float48ge float48gt float48le float48lt
    float48mi float48mul float48ne float48pl float4_accum float4abs float4div float4eq float4ge float4gt
    float4larger float4le float4lt float4mi float4mul float4ne float4pl float4send float4smaller float4um
    float4up float8 float84div float84eq float84ge float84gt float84le float84lt float84mi float84mul
    float84ne float84pl float8_accum float8_avg float8_combine float8_corr float8_covar_pop
    float8_covar_samp float8_regr_accum float8_regr_avgx float8_regr_avgy float8_regr_combine
    float8_regr_intercept float8_regr_r2 float8_regr_slope float8_regr_sxx float8_regr_sxy float8_regr_syy
    float8_stddev_pop float8_stddev_samp float8_var_pop float8_var_samp float8abs float8div float8eq
    float8ge float8gt float8larger float8le float8lt float8mi float8mul float8ne float8pl float8send
    float8smaller float8um float8up floor flt4_mul_cash flt8_mul_cash fmgr_c_validator
    fmgr_internal_validator fmgr_sql_validator format format_type gamma gcd gen_random_uuid generate_series
    generate_subscripts get_bit get_byte get_current_ts_config getdatabaseencoding getpgusername
    gin_clean_pending_list gin_cmp_tslexeme gin_compare_jsonb has_any_column_privilege has_column_privilege
    has_database_privilege has_foreign_data_wrapper_privilege has_function_privilege has_language_privilege
    has_parameter_privilege has_schema_privilege has_sequence_privilege has_server_privilege
    has_table_privilege has_tablespace_privilege has_type_privilege hash_aclitem hash_aclitem_extended
    hash_array hash_array_extended hash_multirange hash_multirange_extended hash_numeric
    hash_numeric_extended hash_range hash_range_extended hash_record hash_record_extended hashbpchar
    hashbpcharextended hashchar hashcharextended hashenum hashenumextended hashfloat4 hashfloat4extended
    hashfloat8 hashfloat8extended hashinet hashinetextended hashint2 hashint2extended hashint4
    hashint4extended hashint8 hashint8extended hashmacaddr hashmacaddr8 hashmacaddr8extended
    hashmacaddrextended hashname hashnameextended hashoid hashoidextended hashoidvector
    hashoidvectorextended hashtext hashtextextended hashtid hashtidextended height host hostmask in_range
    inet_client_addr inet_client_port inet_merge inet_same_family inet_send inet_server_addr
    inet_server_port inetand inetmi inetmi_int8 inetnot inetor inetpl initcap int2 int24div int24eq int24ge
    int24gt int24le int24lt int24mi int24mul int24ne int24pl int28div int28eq int28ge int28gt int28le
    int28lt int28mi int28mul int28ne int28pl int2_avg_accum int2_avg_accum_inv int2_mul_cash int2_sum
    int2abs int2and int2div int2eq int2ge int2gt int2int4_sum int2larger int2le int2lt int2mi int2mod
    int2mul int2ne int2not int2or int2pl int2send int2shl int2shr int2smaller int2um int2up int2vectorsend
    int2xor int4 int42div int42eq int42ge int42gt int42le int42lt int42mi int42mul int42ne int42pl int48div
    int48eq int48ge int48gt int48le int48lt int48mi int48mul int48ne int48pl int4_avg_accum
    int4_avg_accum_inv int4_avg_combine int4_mul_cash int4_sum int4abs int4and int4div int4eq int4ge int4gt
    int4inc int4larger int4le int4lt int4mi int4mod int4mul int4multirange int4ne int4not int4or int4pl
    int4range int4range_canonical int4range_subdiff int4send int4shl int4shr int4smaller int4um int4up
    int4xor int8 int82div int82eq int82ge int82gt int82le int82lt int82mi int82mul int82ne int82pl int84div
    int84eq int84ge int84gt int84le int84lt int84mi int84mul int84ne int84pl int8_avg int8_mul_cash int8_sum
    int8abs int8and int8dec int8dec_any int8div int8eq int8ge int8gt int8inc int8inc_any
    int8inc_float8_float8 int8larger int8le int8lt int8mi int8mod int8mul int8multirange int8ne int8not
    int8or int8pl int8pl_inet int8range int8range_canonical int8range_subdiff int8send int8shl int8shr
    int8smaller int8um int8up int8xor integer_pl_date inter_lb inter_sb inter_sl interval interval_accum
    interval_accum_inv interval_avg interval_cmp interval_combine interval_div interval_eq interval_ge
    interval_gt interval_hash interval_hash_extended interval_larger interval_le interval_lt interval_mi
    interval_mul interval_ne interval_pl interval_pl_date interval_pl_time interval_pl_timestamp
    interval_pl_timestamptz interval_pl_timetz interval_send interval_smaller interval_um intervaltypmodin
    is_normalized isclosed isempty isfinite ishorizontal isopen isparallel isperp isvertical json_agg
    json_array_element json_array_element_text json_array_elements json_array_elements_text
    json_array_length json_build_array json_build_object json_each json_each_text json_extract_path
    json_extract_path_text json_object json_object_agg json_object_field json_object_field_text
    json_object_keys json_populate_record json_populate_recordset json_scalar json_send json_serialize
    json_strip_nulls json_to_record json_to_recordset json_to_tsvector json_typeof jsonb_agg
    jsonb_array_element jsonb_array_element_text jsonb_array_elements jsonb_array_elements_text
    jsonb_array_length jsonb_build_array jsonb_build_object jsonb_cmp jsonb_concat jsonb_contained
    jsonb_contains jsonb_delete jsonb_delete_path jsonb_each jsonb_each_text jsonb_eq jsonb_exists
    jsonb_exists_all jsonb_exists_any jsonb_extract_path jsonb_extract_path_text jsonb_ge jsonb_gt
    jsonb_hash jsonb_hash_extended jsonb_insert jsonb_le jsonb_lt jsonb_ne jsonb_object jsonb_object_agg
    jsonb_object_field jsonb_object_field_text jsonb_object_keys jsonb_path_exists jsonb_path_exists_opr
    jsonb_path_exists_tz jsonb_path_match jsonb_path_match_opr jsonb_path_match_tz jsonb_path_query
    jsonb_path_query_array jsonb_path_query_array_tz jsonb_path_query_first jsonb_path_query_first_tz
    jsonb_path_query_tz jsonb_populate_record jsonb_populate_recordset jsonb_pretty jsonb_send jsonb_set
    jsonb_set_lax jsonb_strip_nulls jsonb_to_record jsonb_to_recordset jsonb_to_tsvector jsonb_typeof
    jsonpath_send justify_days justify_hours justify_interval lag last_value lastval lcm lead left length
    lgamma like like_escape line line_distance line_eq line_horizontal line_interpt line_intersect
    line_parallel line_perp line_send line_vertical ln lo_close lo_creat lo_create lo_export lo_from_bytea
    lo_get lo_import lo_lseek lo_lseek64 lo_open lo_put lo_tell lo_tell64 lo_truncate lo_truncate64
    lo_unlink log log10 loread lower lower_inc lower_inf lowrite lpad lseg lseg_center lseg_distance lseg_eq
    lseg_ge lseg_gt lseg_horizontal lseg_interpt lseg_intersect lseg_le lseg_length lseg_lt lseg_ne
    lseg_parallel lseg_perp lseg_send lseg_vertical ltrim macaddr macaddr8 macaddr8_and macaddr8_cmp
    macaddr8_eq macaddr8_ge macaddr8_gt macaddr8_le macaddr8_lt macaddr8_ne macaddr8_not macaddr8_or
    macaddr8_send macaddr8_set7bit macaddr_and macaddr_cmp macaddr_eq macaddr_ge macaddr_gt macaddr_le
    macaddr_lt macaddr_ne macaddr_not macaddr_or macaddr_send make_date make_interval make_time
    make_timestamp make_timestamptz makeaclitem masklen max md5 min min_scale mod mode money mul_d_interval
    multirange multirange_adjacent_multirange multirange_adjacent_range multirange_after_multirange
    multirange_after_range multirange_before_multirange multirange_before_range multirange_cmp
    multirange_contained_by_multirange multirange_contained_by_range multirange_contains_elem
    multirange_contains_multirange multirange_contains_range multirange_eq multirange_ge multirange_gt
    multirange_intersect multirange_intersect_agg_transfn multirange_le multirange_lt multirange_minus
    multirange_ne multirange_overlaps_multirange multirange_overlaps_range multirange_overleft_multirange
    multirange_overleft_range multirange_overright_multirange multirange_overright_range multirange_send
    multirange_union mxid_age name nameconcatoid nameeq nameeqtext namege namegetext namegt namegttext
    nameiclike nameicnlike nameicregexeq nameicregexne namele nameletext namelike namelt namelttext namene
    namenetext namenlike nameregexeq nameregexne namesend netmask network network_cmp network_eq network_ge
    network_gt network_larger network_le network_lt network_ne network_overlap network_smaller network_sub
    network_subeq network_sup network_supeq nextval normalize notlike now npoints nth_value ntile
    num_nonnulls num_nulls numeric numeric_abs numeric_add numeric_cmp numeric_div numeric_div_trunc
    numeric_eq numeric_exp numeric_ge numeric_gt numeric_inc numeric_larger numeric_le numeric_ln
    numeric_log numeric_lt numeric_mod numeric_mul numeric_ne numeric_pl_pg_lsn numeric_power numeric_send
    numeric_smaller numeric_sqrt numeric_sub numeric_uminus numeric_uplus numerictypmodin nummultirange
    numnode numrange numrange_subdiff obj_description octet_length oid oideq oidge oidgt oidlarger oidle
    oidlt oidne oidsend oidsmaller oidvectoreq oidvectorge oidvectorgt oidvectorle oidvectorlt oidvectorne
    oidvectorsend oidvectortypes on_pb on_pl on_ppath on_ps on_sb on_sl overlaps overlay parse_ident path
    path_add path_add_pt path_contain_pt path_distance path_div_pt path_inter path_length path_mul_pt
    path_n_eq path_n_ge path_n_gt path_n_le path_n_lt path_npoints path_send path_sub_pt pclose percent_rank
    percentile_cont percentile_disc pg_advisory_lock pg_advisory_lock_shared pg_advisory_unlock
    pg_advisory_unlock_all pg_advisory_unlock_shared pg_advisory_xact_lock pg_advisory_xact_lock_shared
    pg_available_extension_versions pg_available_extensions pg_backend_pid pg_backup_start pg_backup_stop
    pg_basetype pg_blocking_pids pg_cancel_backend pg_char_to_encoding pg_client_encoding
    pg_collation_actual_version pg_collation_for pg_collation_is_visible pg_column_compression
    pg_column_is_updatable pg_column_size pg_conf_load_time pg_config pg_control_checkpoint pg_control_init
    pg_control_recovery pg_control_system pg_conversion_is_visible pg_copy_logical_replication_slot
    pg_copy_physical_replication_slot pg_create_logical_replication_slot pg_create_physical_replication_slot
    pg_create_restore_point pg_current_logfile pg_current_snapshot pg_current_wal_flush_lsn
    pg_current_wal_insert_lsn pg_current_wal_lsn pg_current_xact_id pg_current_xact_id_if_assigned pg_cursor
    pg_database_collation_actual_version pg_database_size pg_ddl_command_send pg_dependencies_send
    pg_describe_object pg_drop_replication_slot pg_encoding_max_length pg_encoding_to_char
    pg_event_trigger_ddl_commands pg_event_trigger_dropped_objects pg_event_trigger_table_rewrite_oid
    pg_event_trigger_table_rewrite_reason pg_export_snapshot pg_extension_config_dump
    pg_extension_update_paths pg_filenode_relation pg_function_is_visible pg_get_backend_memory_contexts
    pg_get_catalog_foreign_keys pg_get_constraintdef pg_get_expr pg_get_function_arg_default
    pg_get_function_arguments pg_get_function_identity_arguments pg_get_function_result
    pg_get_function_sqlbody pg_get_functiondef pg_get_indexdef pg_get_keywords pg_get_multixact_members
    pg_get_object_address pg_get_partition_constraintdef pg_get_partkeydef pg_get_publication_tables
    pg_get_replica_identity_index pg_get_replication_slots pg_get_ruledef pg_get_serial_sequence
    pg_get_shmem_allocations pg_get_statisticsobjdef pg_get_statisticsobjdef_columns
    pg_get_statisticsobjdef_expressions pg_get_triggerdef pg_get_userbyid pg_get_viewdef
    pg_get_wal_replay_pause_state pg_get_wal_resource_managers pg_has_role pg_hba_file_rules
    pg_ident_file_mappings pg_identify_object pg_identify_object_as_address pg_import_system_collations
    pg_index_column_has_property pg_index_has_property pg_indexam_has_property pg_indexam_progress_phasename
    pg_indexes_size pg_input_error_info pg_input_is_valid pg_is_in_recovery pg_is_other_temp_schema
    pg_is_wal_replay_paused pg_isolation_test_session_is_blocked pg_jit_available pg_last_committed_xact
    pg_last_wal_receive_lsn pg_last_wal_replay_lsn pg_last_xact_replay_timestamp pg_listening_channels
    pg_lock_status pg_log_backend_memory_contexts pg_logical_emit_message pg_logical_slot_get_binary_changes
    pg_logical_slot_get_changes pg_logical_slot_peek_binary_changes pg_logical_slot_peek_changes
    pg_ls_archive_statusdir pg_ls_dir pg_ls_logdir pg_ls_logicalmapdir pg_ls_logicalsnapdir
    pg_ls_replslotdir pg_ls_tmpdir pg_ls_waldir pg_lsn pg_lsn_cmp pg_lsn_eq pg_lsn_ge pg_lsn_gt pg_lsn_hash
    pg_lsn_hash_extended pg_lsn_larger pg_lsn_le pg_lsn_lt pg_lsn_mi pg_lsn_mii pg_lsn_ne pg_lsn_pli
    pg_lsn_send pg_lsn_smaller pg_mcv_list_items pg_mcv_list_send pg_my_temp_schema pg_ndistinct_send
    pg_nextoid pg_node_tree_send pg_notification_queue_usage pg_notify pg_opclass_is_visible
    pg_operator_is_visible pg_opfamily_is_visible pg_options_to_table pg_partition_ancestors
    pg_partition_root pg_partition_tree pg_postmaster_start_time pg_prepared_statement pg_prepared_xact
    pg_promote pg_read_binary_file pg_read_file pg_read_file_old pg_relation_filenode pg_relation_filepath
    pg_relation_is_publishable pg_relation_is_updatable pg_relation_size pg_reload_conf
    pg_replication_origin_advance pg_replication_origin_create pg_replication_origin_drop
    pg_replication_origin_oid pg_replication_origin_progress pg_replication_origin_session_is_setup
    pg_replication_origin_session_progress pg_replication_origin_session_reset
    pg_replication_origin_session_setup pg_replication_origin_xact_reset pg_replication_origin_xact_setup
    pg_replication_slot_advance pg_rotate_logfile pg_rotate_logfile_old pg_safe_snapshot_blocking_pids
    pg_sequence_last_value pg_sequence_parameters pg_settings_get_flags pg_show_all_file_settings
    pg_show_all_settings pg_show_replication_origin_status pg_size_bytes pg_size_pretty pg_sleep
    pg_sleep_for pg_sleep_until pg_snapshot_send pg_snapshot_xip pg_snapshot_xmax pg_snapshot_xmin
    pg_stat_clear_snapshot pg_stat_file pg_stat_force_next_flush pg_stat_get_activity
    pg_stat_get_analyze_count pg_stat_get_archiver pg_stat_get_autoanalyze_count
    pg_stat_get_autovacuum_count pg_stat_get_backend_activity pg_stat_get_backend_activity_start
    pg_stat_get_backend_client_addr pg_stat_get_backend_client_port pg_stat_get_backend_dbid
    pg_stat_get_backend_idset pg_stat_get_backend_pid pg_stat_get_backend_start pg_stat_get_backend_userid
    pg_stat_get_backend_wait_event pg_stat_get_backend_wait_event_type pg_stat_get_backend_xact_start
    pg_stat_get_bgwriter_buf_written_checkpoints pg_stat_get_bgwriter_buf_written_clean
    pg_stat_get_bgwriter_maxwritten_clean pg_stat_get_bgwriter_requested_checkpoints
    pg_stat_get_bgwriter_stat_reset_time pg_stat_get_bgwriter_timed_checkpoints pg_stat_get_blocks_fetched
    pg_stat_get_blocks_hit pg_stat_get_buf_alloc pg_stat_get_buf_fsync_backend
    pg_stat_get_buf_written_backend pg_stat_get_checkpoint_sync_time pg_stat_get_checkpoint_write_time
    pg_stat_get_db_active_time pg_stat_get_db_blk_read_time pg_stat_get_db_blk_write_time
    pg_stat_get_db_blocks_fetched pg_stat_get_db_blocks_hit pg_stat_get_db_checksum_failures
    pg_stat_get_db_checksum_last_failure pg_stat_get_db_conflict_all pg_stat_get_db_conflict_bufferpin
    pg_stat_get_db_conflict_lock pg_stat_get_db_conflict_snapshot pg_stat_get_db_conflict_startup_deadlock
    pg_stat_get_db_conflict_tablespace pg_stat_get_db_deadlocks pg_stat_get_db_idle_in_transaction_time
    pg_stat_get_db_numbackends pg_stat_get_db_session_time pg_stat_get_db_sessions
    pg_stat_get_db_sessions_abandoned pg_stat_get_db_sessions_fatal pg_stat_get_db_sessions_killed
    pg_stat_get_db_stat_reset_time pg_stat_get_db_temp_bytes pg_stat_get_db_temp_files
    pg_stat_get_db_tuples_deleted pg_stat_get_db_tuples_fetched pg_stat_get_db_tuples_inserted
    pg_stat_get_db_tuples_returned pg_stat_get_db_tuples_updated pg_stat_get_db_xact_commit
    pg_stat_get_db_xact_rollback pg_stat_get_dead_tuples pg_stat_get_function_calls
    pg_stat_get_function_self_time pg_stat_get_function_total_time pg_stat_get_ins_since_vacuum
    pg_stat_get_last_analyze_time pg_stat_get_last_autoanalyze_time pg_stat_get_last_autovacuum_time
    pg_stat_get_last_vacuum_time pg_stat_get_live_tuples pg_stat_get_mod_since_analyze pg_stat_get_numscans
    pg_stat_get_progress_info pg_stat_get_recovery_prefetch pg_stat_get_replication_slot pg_stat_get_slru
    pg_stat_get_snapshot_timestamp pg_stat_get_subscription pg_stat_get_subscription_stats
    pg_stat_get_tuples_deleted pg_stat_get_tuples_fetched pg_stat_get_tuples_hot_updated
    pg_stat_get_tuples_inserted pg_stat_get_tuples_returned pg_stat_get_tuples_updated
    pg_stat_get_vacuum_count pg_stat_get_wal pg_stat_get_wal_receiver pg_stat_get_wal_senders
    pg_stat_get_xact_blocks_fetched pg_stat_get_xact_blocks_hit pg_stat_get_xact_function_calls
    pg_stat_get_xact_function_self_time pg_stat_get_xact_function_total_time pg_stat_get_xact_numscans
    pg_stat_get_xact_tuples_deleted pg_stat_get_xact_tuples_fetched pg_stat_get_xact_tuples_hot_updated
    pg_stat_get_xact_tuples_inserted pg_stat_get_xact_tuples_returned pg_stat_get_xact_tuples_updated
    pg_stat_have_stats pg_stat_reset pg_stat_reset_replication_slot pg_stat_reset_shared
    pg_stat_reset_single_function_counters pg_stat_reset_single_table_counters pg_stat_reset_slru
    pg_stat_reset_subscription_stats pg_statistics_obj_is_visible pg_stop_making_pinned_objects
    pg_switch_wal pg_table_is_visible pg_table_size pg_tablespace_databases pg_tablespace_location
    pg_tablespace_size pg_terminate_backend pg_timezone_abbrevs pg_timezone_names pg_total_relation_size
    pg_trigger_depth pg_try_advisory_lock pg_try_advisory_lock_shared pg_try_advisory_xact_lock
    pg_try_advisory_xact_lock_shared pg_ts_config_is_visible pg_ts_dict_is_visible pg_ts_parser_is_visible
    pg_ts_template_is_visible pg_type_is_visible pg_typeof pg_visible_in_snapshot pg_wal_lsn_diff
    pg_wal_replay_pause pg_wal_replay_resume pg_walfile_name pg_walfile_name_offset pg_xact_commit_timestamp
    pg_xact_commit_timestamp_origin pg_xact_status phraseto_tsquery pi plainto_tsquery plpgsql_validator
    point point_above point_add point_below point_distance point_div point_eq point_horiz point_left
    point_mul point_ne point_right point_send point_sub point_vert poly_above poly_below poly_center
    poly_contain poly_contain_pt poly_contained poly_distance poly_left poly_npoints poly_overabove
    poly_overbelow poly_overlap poly_overleft poly_overright poly_right poly_same poly_send polygon popen
    position postgresql_fdw_validator pow power pt_contained_circle pt_contained_poly query_to_xml
    query_to_xml_and_xmlschema query_to_xmlschema querytree quote_ident quote_literal quote_nullable radians
    radius random random_normal range_adjacent range_adjacent_multirange range_after range_after_multirange
    range_agg range_before range_before_multirange range_cmp range_contained_by
    range_contained_by_multirange range_contains range_contains_elem range_contains_multirange range_eq
    range_ge range_gt range_intersect range_intersect_agg range_intersect_agg_transfn range_le range_lt
    range_merge range_minus range_ne range_overlaps range_overlaps_multirange range_overleft
    range_overleft_multirange range_overright range_overright_multirange range_send range_union rank
    record_eq record_ge record_gt record_image_eq record_image_ge record_image_gt record_image_le
    record_image_lt record_image_ne record_le record_lt record_ne record_send regclass regclasssend
    regcollationsend regconfigsend regdictionarysend regexp_count regexp_instr regexp_like regexp_match
    regexp_matches regexp_replace regexp_split_to_array regexp_split_to_table regexp_substr regnamespacesend
    regoperatorsend regopersend regproceduresend regprocsend regr_avgx regr_avgy regr_count regr_intercept
    regr_r2 regr_slope regr_sxx regr_sxy regr_syy regrolesend regtypesend repeat replace reverse right round
    row_number row_security_active row_to_json rpad rtrim satisfies_hash_partition scale schema_to_xml
    schema_to_xml_and_xmlschema schema_to_xmlschema session_user set_bit set_byte set_config set_masklen
    setseed setval setweight sha224 sha256 sha384 sha512 shobj_description sign similar_escape
    similar_to_escape sin sind sinh slope spg_poly_quad_compress split_part sqrt starts_with
    statement_timestamp stddev stddev_pop stddev_samp string_agg string_to_array string_to_table strip
    strpos substr substring sum system_user table_to_xml table_to_xml_and_xmlschema table_to_xmlschema tan
    tand tanh text text_ge text_gt text_larger text_le text_lt text_pattern_ge text_pattern_gt
    text_pattern_le text_pattern_lt text_smaller textanycat textcat texteq texteqname textgename textgtname
    texticlike texticnlike texticregexeq texticregexne textlen textlename textlike textltname textne
    textnename textnlike textregexeq textregexne textsend tideq tidge tidgt tidlarger tidle tidlt tidne
    tidsend tidsmaller time time_cmp time_eq time_ge time_gt time_hash time_hash_extended time_larger
    time_le time_lt time_mi_interval time_mi_time time_ne time_pl_interval time_send time_smaller
    timedate_pl timeofday timestamp timestamp_cmp timestamp_cmp_date timestamp_cmp_timestamptz timestamp_eq
    timestamp_eq_date timestamp_eq_timestamptz timestamp_ge timestamp_ge_date timestamp_ge_timestamptz
    timestamp_gt timestamp_gt_date timestamp_gt_timestamptz timestamp_hash timestamp_hash_extended
    timestamp_larger timestamp_le timestamp_le_date timestamp_le_timestamptz timestamp_lt timestamp_lt_date
    timestamp_lt_timestamptz timestamp_mi timestamp_mi_interval timestamp_ne timestamp_ne_date
    timestamp_ne_timestamptz timestamp_pl_interval timestamp_send timestamp_smaller timestamptypmodin
    timestamptz timestamptz_cmp timestamptz_cmp_date timestamptz_cmp_timestamp timestamptz_eq
    timestamptz_eq_date timestamptz_eq_timestamp timestamptz_ge timestamptz_ge_date timestamptz_ge_timestamp
    timestamptz_gt timestamptz_gt_date timestamptz_gt_timestamp timestamptz_larger timestamptz_le
    timestamptz_le_date timestamptz_le_timestamp timestamptz_lt timestamptz_lt_date timestamptz_lt_timestamp
    timestamptz_mi timestamptz_mi_interval timestamptz_ne timestamptz_ne_date timestamptz_ne_timestamp
    timestamptz_pl_interval timestamptz_send timestamptz_smaller timestamptztypmodin timetypmodin timetz
    timetz_cmp timetz_eq timetz_ge timetz_gt timetz_hash timetz_hash_extended timetz_larger timetz_le
    timetz_lt timetz_mi_interval timetz_ne timetz_pl_interval timetz_send timetz_smaller timetzdate_pl
    timetztypmodin timezone to_ascii to_bin to_char to_date to_hex to_json to_jsonb to_number to_oct
    to_regclass to_regcollation to_regnamespace to_regoper to_regoperator to_regproc to_regprocedure
    to_regrole to_regtype to_timestamp to_tsquery to_tsvector transaction_timestamp translate trim_array
    trim_scale trunc ts_debug ts_delete ts_filter ts_headline ts_lexize ts_match_qv ts_match_tq ts_match_tt
    ts_match_vq ts_parse ts_rank ts_rank_cd ts_rewrite ts_stat ts_token_type tsmultirange tsq_mcontained
    tsq_mcontains tsquery_and tsquery_cmp tsquery_eq tsquery_ge tsquery_gt tsquery_le tsquery_lt tsquery_ne
    tsquery_not tsquery_or tsquery_phrase tsquerysend tsrange tsrange_subdiff tstzmultirange tstzrange
    tstzrange_subdiff tsvector_cmp tsvector_concat tsvector_eq tsvector_ge tsvector_gt tsvector_le
    tsvector_lt tsvector_ne tsvector_to_array tsvectorsend txid_current txid_current_if_assigned
    txid_current_snapshot txid_snapshot_send txid_snapshot_xip txid_snapshot_xmax txid_snapshot_xmin
    txid_status txid_visible_in_snapshot unistr unknownsend unnest upper upper_inc upper_inf uuid_cmp
    uuid_eq uuid_extract_timestamp uuid_extract_version uuid_ge uuid_gt uuid_hash uuid_hash_extended uuid_le
    uuid_lt uuid_ne uuid_send uuidv4 uuidv7 var_pop var_samp varbit varbit_send varbitcmp varbiteq varbitge
    varbitgt varbitle varbitlt varbitne varbittypmodin varchar varcharsend varchartypmodin variance version
    void_send websearch_to_tsquery width width_bucket xid xid8_larger xid8_smaller xid8cmp xid8eq xid8ge
    xid8gt xid8le xid8lt xid8ne xid8send xideq xideqint4 xidneq xidneqint4 xidsend xml xml_is_well_formed
    xml_is_well_formed_content xml_is_well_formed_document xml_send xmlagg xmlcomment xmlconcat2 xmlexists
    xmlvalidate xpath xpath_exists
"""
# support functions of built-in aggregates (internal-only, but user aggregates name them)
_AGGREGATE_SUPPORT_FUNCTION_NAMES = """
    array_agg_array_finalfn array_agg_array_transfn array_agg_finalfn array_agg_transfn bool_accum
    bool_accum_inv bool_alltrue bool_anytrue bytea_string_agg_finalfn bytea_string_agg_transfn
    cume_dist_final dense_rank_final int2_accum int2_accum_inv int4_accum int4_accum_inv int8_accum
    int8_accum_inv int8_avg_accum int8_avg_accum_inv int8_avg_combine int8_avg_deserialize
    int8_avg_serialize json_agg_finalfn json_agg_transfn json_object_agg_finalfn json_object_agg_transfn
    jsonb_agg_finalfn jsonb_agg_transfn jsonb_object_agg_finalfn jsonb_object_agg_transfn mode_final
    multirange_agg_finalfn multirange_agg_transfn numeric_accum numeric_accum_inv numeric_avg
    numeric_avg_accum numeric_avg_combine numeric_avg_deserialize numeric_avg_serialize numeric_combine
    numeric_deserialize numeric_poly_avg numeric_poly_combine numeric_poly_deserialize
    numeric_poly_serialize numeric_poly_stddev_pop numeric_poly_stddev_samp numeric_poly_sum
    numeric_poly_var_pop numeric_poly_var_samp numeric_serialize numeric_stddev_pop numeric_stddev_samp
    numeric_sum numeric_var_pop numeric_var_samp ordered_set_transition ordered_set_transition_multi
    percent_rank_final percentile_cont_float8_final percentile_cont_float8_multi_final
    percentile_cont_interval_final percentile_cont_interval_multi_final percentile_disc_final
    percentile_disc_multi_final range_agg_finalfn range_agg_transfn rank_final string_agg_finalfn
    string_agg_transfn
"""
PG_CATALOG_FUNCTIONS = frozenset((_PG_CATALOG_FUNCTION_NAMES + _AGGREGATE_SUPPORT_FUNCTION_NAMES).split())
