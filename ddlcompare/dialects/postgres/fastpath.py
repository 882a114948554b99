"""A fast path for the statements pg_dump writes in a fixed shape.

A 10,000-table dump adds its keys and foreign keys (`ALTER TABLE ONLY s.t` + newline +
`    ADD CONSTRAINT n PRIMARY KEY (a, b)`), identities, plain indexes and table comments in 60,000
statements of a few fixed shapes. `scan` recognises them with regular expressions, without
PostgreSQL's parser and its JSON tree, and the handlers registered with `shape_handler` (next to
the general ones, in handlers/) apply them to the builder through the same steps as the general
path; they decline (the statement then goes to the general path) wherever the builder's state needs
more than those steps, such as a partitioned table. Anything not in the exact shape (another
spacing, a clause more, an unusual name) is left to the general path, so both build equal models
(tests/dialects/postgres/test_fastpath.py compares them over every fixture and corpus file).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pglast.keywords import COL_NAME_KEYWORDS, RESERVED_KEYWORDS, TYPE_FUNC_NAME_KEYWORDS

if TYPE_CHECKING:
    from ddlcompare.dialects.postgres.parse import Builder

# A statement the fast path read: its kind (a key of SHAPES) and its names, unquoted.
Shape = tuple[Any, ...]
ShapeHandler = Callable[[Shape, "Builder"], bool]
SHAPES: dict[str, ShapeHandler] = {}
ENABLED = True  # the tests turn it off to read the same statements the general way

# a name as pg_dump writes it: plain when it can be (lower case, not a keyword pg_dump would quote),
# else in double quotes (no doubled quote inside: those go to the general path)
_NAME = r'[a-z_][a-z0-9_$]{0,62}|"[^"\n]+"'
_LIST = rf"(?:{_NAME})(?:, (?:{_NAME}))*"
_ACTION = r"CASCADE|RESTRICT|SET NULL|SET DEFAULT"
_HEAD = rf"ALTER TABLE ONLY ({_NAME})\.({_NAME})\n    ADD CONSTRAINT ({_NAME}) "
_KEY = re.compile(rf"{_HEAD}(PRIMARY KEY|UNIQUE) \(({_LIST})\)")
_FOREIGN = re.compile(
    rf"{_HEAD}FOREIGN KEY \(({_LIST})\) REFERENCES ({_NAME})\.({_NAME})\(({_LIST})\)"
    rf"(?: ON UPDATE ({_ACTION}))?(?: ON DELETE ({_ACTION}))?"
)
_ITEM = re.compile(_NAME)
# CREATE [UNIQUE] INDEX n ON s.t USING btree (a, b DESC, c NULLS FIRST): columns only, no ONLY
_PART = rf"(?:{_NAME})(?: DESC)?(?: NULLS (?:FIRST|LAST))?"
_INDEX = re.compile(
    rf"CREATE (UNIQUE )?INDEX ({_NAME}) ON ({_NAME})\.({_NAME}) USING btree \(({_PART}(?:, {_PART})*)\)"
)
_NUMBER = r"-?\d{1,18}"  # a bigint whatever its digits
_IDENTITY = re.compile(
    rf"ALTER TABLE ({_NAME})\.({_NAME}) ALTER COLUMN ({_NAME}) "
    rf"ADD GENERATED (ALWAYS|BY DEFAULT) AS IDENTITY \(\n"
    rf"    SEQUENCE NAME ({_NAME})\.({_NAME})\n"
    rf"    START WITH ({_NUMBER})\n    INCREMENT BY ({_NUMBER})\n"
    rf"    (?:NO MINVALUE|MINVALUE ({_NUMBER}))\n    (?:NO MAXVALUE|MAXVALUE ({_NUMBER}))\n"
    rf"    CACHE ({_NUMBER})\n\)"
)
# COMMENT ON TABLE s.t IS '...' / COMMENT ON COLUMN s.t.c IS '...' (quotes doubled inside)
_COMMENT = re.compile(
    rf"COMMENT ON (TABLE|COLUMN) ({_NAME})\.({_NAME})(?:\.({_NAME}))? IS '([^']*(?:''[^']*)*)'"
)
_INDEX_PART = re.compile(rf"({_NAME})( DESC)?(?: NULLS (FIRST|LAST))?")
# longer statements are left to the general path, which also applies the size limits
_MAX_CHARS = 2000
# NULLS FIRST|LAST as PostgreSQL keeps it: only the order that is not the default for the direction
_NULLS_FIRST = {("FIRST", False): True, ("LAST", True): False}
_ACTIONS = {None: "a", "CASCADE": "c", "RESTRICT": "r", "SET NULL": "n", "SET DEFAULT": "d"}


def shape_handler(kind: str) -> Callable[[ShapeHandler], ShapeHandler]:
    """Register the handler of one shape: it applies the statement and returns True, or returns
    False, having changed nothing, when the general path must read the statement."""

    def deco(fn: ShapeHandler) -> ShapeHandler:
        SHAPES[kind] = fn
        return fn

    return deco


def scan(sql: str) -> Shape | None:
    """The shape of a statement (text without leading comments or the closing semicolon), or None."""
    if not ENABLED or len(sql) > _MAX_CHARS:
        return None
    quoted = '"' in sql  # else every name is plain: no name needs unquoting
    if sql.startswith("CREATE "):
        return _index(sql, quoted)
    if sql.startswith("COMMENT ON "):
        return _comment(sql, quoted)
    if not sql.startswith("ALTER TABLE ONLY "):
        return _identity(sql, quoted) if sql.startswith("ALTER TABLE ") else None
    if " FOREIGN KEY (" in sql:
        m = _FOREIGN.fullmatch(sql)
        if m is None:
            return None
        schema, table, name, columns, ref_schema, ref_table, ref_columns, on_update, on_delete = m.groups()
        names = _names(quoted, schema, table, name, ref_schema, ref_table)
        cols, ref_cols = _list(quoted, columns), _list(quoted, ref_columns)
        if names is None or cols is None or ref_cols is None:
            return None
        return ("foreign_key", *names, cols, ref_cols, _ACTIONS[on_update], _ACTIONS[on_delete])
    m = _KEY.fullmatch(sql)
    if m is None:
        return None
    schema, table, name, kind, columns = m.groups()
    names = _names(quoted, schema, table, name)
    cols = _list(quoted, columns)
    if names is None or cols is None:
        return None
    return ("primary_key" if kind == "PRIMARY KEY" else "unique", *names, cols)


def _index(sql: str, quoted: bool) -> Shape | None:
    m = _INDEX.fullmatch(sql)
    if m is None:
        return None
    unique, name, schema, table, columns = m.groups()
    names = _names(quoted, name, schema, table)
    if names is None:
        return None
    parts: tuple[tuple[str, bool, bool | None], ...] | None
    if not quoted and " DESC" not in columns and " NULLS " not in columns:
        cols = _list(quoted, columns)
        parts = tuple((c, False, None) for c in cols) if cols is not None else None
    else:
        parts = _index_parts(columns)
    return ("index", *names, unique is not None, parts) if parts is not None else None


def _index_parts(columns: str) -> tuple[tuple[str, bool, bool | None], ...] | None:
    parts = []
    for part in _INDEX_PART.finditer(columns):
        column = _name(part.group(1))
        if column is None:
            return None
        descending = part.group(2) is not None
        nulls_first = _NULLS_FIRST.get((part.group(3), descending))
        parts.append((column, descending, nulls_first))
    return tuple(parts)


def _comment(sql: str, quoted: bool) -> Shape | None:
    m = _COMMENT.fullmatch(sql)
    if m is None or (m.group(1) == "COLUMN") != (m.group(4) is not None):
        return None
    what, schema, table, column, text = m.groups()
    # (a double quote inside the comment's text makes the names go the careful way: still right)
    names = _names(quoted, schema, table, column) if column is not None else _names(quoted, schema, table)
    if names is None:
        return None
    # IS '' removes the comment, as IS NULL does
    return (what.lower() + "_comment", *names, text.replace("''", "'") or None)


def _identity(sql: str, quoted: bool) -> Shape | None:
    m = _IDENTITY.fullmatch(sql)
    if m is None:
        return None
    schema, table, column, generated, seq_schema, seq_name, start, increment, lo, hi, cache = m.groups()
    names = _names(quoted, schema, table, column, seq_schema, seq_name)
    if names is None:
        return None
    # the values the parser's option list gives (sequence_values): an absent bound is None
    values = (
        ("start", int(start)),
        ("increment", int(increment)),
        ("min_value", None if lo is None else int(lo)),
        ("max_value", None if hi is None else int(hi)),
        ("cache", int(cache)),
    )
    return ("identity", *names[:3], generated == "ALWAYS", *names[3:], values)


def _name(word: str) -> str | None:
    """A name as the parser reads it; None where the general path must decide (a keyword, or a name
    the server would shorten: the pattern takes plain names of up to 63 characters only)."""
    if word[0] == '"':
        name = word[1:-1]
        return name if len(name.encode("utf-8")) < 64 else None
    return word if word not in _QUOTED_KEYWORDS else None


def _names(quoted: bool, *words: str) -> tuple[str, ...] | None:
    if not quoted:  # plain names: only a keyword among them sends the statement to the parser
        return words if _QUOTED_KEYWORDS.isdisjoint(words) else None
    out = tuple(_name(w) for w in words)
    return None if None in out else out  # type: ignore[return-value]


def _list(quoted: bool, text: str) -> tuple[str, ...] | None:
    return _names(quoted, *(_ITEM.findall(text) if quoted else text.split(", ")))


# the keywords pg_dump quotes (all but the unreserved ones): written plain, the parser decides
_QUOTED_KEYWORDS = frozenset(RESERVED_KEYWORDS | COL_NAME_KEYWORDS | TYPE_FUNC_NAME_KEYWORDS)
