"""PostgreSQL identifiers: quoting as quote_ident does, truncation, and the names PostgreSQL
generates for unnamed constraints and indexes (ChooseConstraintName / ChooseRelationName)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from pglast.keywords import COL_NAME_KEYWORDS, RESERVED_KEYWORDS, TYPE_FUNC_NAME_KEYWORDS

NAMEDATALEN = 64  # identifiers keep at most 63 bytes
_SAFE = re.compile(r"^[a-z_][a-z0-9_$]*$")
_QUOTE_KEYWORDS = frozenset(RESERVED_KEYWORDS | COL_NAME_KEYWORDS | TYPE_FUNC_NAME_KEYWORDS)


def ident(name: str) -> str:
    """Quote an identifier where PostgreSQL's quote_ident would."""
    if _SAFE.match(name) and name not in _QUOTE_KEYWORDS:
        return name
    return '"' + name.replace('"', '""') + '"'


def qualified(schema: str, name: str) -> str:
    """`schema.name`, each part quoted as needed; no schema part when schema is empty."""
    return f"{ident(schema)}.{ident(name)}" if schema else ident(name)


def literal(value: str) -> str:
    """A string literal, E'' form when it holds backslashes (as quote_literal does)."""
    s = "'" + value.replace("'", "''") + "'"
    if "\\" in value:
        return "E" + s.replace("\\", "\\\\")
    return s


def truncate(name: str) -> str:
    """Truncate to NAMEDATALEN-1 bytes without splitting a UTF-8 character, as the server does."""
    raw = name.encode("utf-8")
    if len(raw) < NAMEDATALEN:
        return name
    return raw[: NAMEDATALEN - 1].decode("utf-8", "ignore")


def _clip(s: str, nbytes: int) -> str:
    return s.encode("utf-8")[:nbytes].decode("utf-8", "ignore")


def make_object_name(name1: str, name2: str, label: str) -> str:
    """PostgreSQL's makeObjectName: name1_name2_label, shortening the longer of name1/name2 first."""
    n1, n2 = len(name1.encode()), len(name2.encode()) if name2 else 0
    overhead = len(label.encode()) + 1 if label else 0
    if name2:
        overhead += 1
    avail = NAMEDATALEN - 1 - overhead
    while n1 + n2 > avail:
        if n1 > n2:
            n1 -= 1
        else:
            n2 -= 1
    # shorten by whole characters, as pg_mbcliplen does
    a = _clip(name1, n1)
    out = a
    if name2:
        out += "_" + _clip(name2, n2)
    if label:
        out += "_" + label
    return out


def choose_name(name1: str, name2: str, label: str, taken: Callable[[str], bool]) -> str:
    """makeObjectName, then name1_name2_label1, ...2 until `taken` says the name is free."""
    candidate = make_object_name(name1, name2, label)
    n = 0
    while taken(candidate):
        n += 1
        candidate = make_object_name(name1, name2, f"{label}{n}")
    return candidate


def column_name_part(columns: Iterable[str]) -> str:
    """ChooseIndexNameAddition / ChooseForeignKeyConstraintNameAddition: names joined by '_',
    stopping once the buffer is full."""
    buf = ""
    for i, name in enumerate(columns):
        if i:
            buf += "_"
        buf += name
        if len(buf.encode()) >= NAMEDATALEN:
            break
    return _clip(buf, NAMEDATALEN - 1)


def index_addition(columns: Iterable[str | None]) -> str:
    """The <columns> part of a generated index name (ChooseIndexColumnNames): a key or included
    column by name, an expression (None) as `expr`, a repeated name numbered."""
    names: list[str] = []
    for col in columns:
        base = col or "expr"
        cand, i = base, 0
        while cand in names:
            i += 1
            cand = f"{base}{i}"
        names.append(cand)
    return column_name_part(names)


def partition_index_label(kind: str, columns: Iterable[str | None]) -> tuple[str, str]:
    """(<columns> part, label) of the name the server gives the index it creates on a partition for
    a partitioned index (`kind` index) or key (primary_key, unique) of these key and included
    columns (ChooseIndexName): <columns>_idx, _pkey (no columns part), <columns>_key."""
    if kind == "primary_key":
        return "", "pkey"
    return index_addition(columns), "key" if kind == "unique" else "idx"


def generated_index_name(table: str, addition: str, name: str, label: str = "idx") -> bool:
    """Whether `name` is one the server gives an unnamed index of `table` whose <columns> part is
    `addition` (makeObjectName, truncated, with or without a collision number); `label` pkey or
    key for the index of a primary key or unique constraint (addition empty for a primary key)."""
    if name == make_object_name(table, addition, label):
        return True
    m = re.search(rf"{label}([1-9][0-9]*)$", name)
    return m is not None and name == make_object_name(table, addition, f"{label}{m.group(1)}")
