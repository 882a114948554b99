"""lark grammars for the MySQL syntax sqlglot cannot parse or mangles, and the plain data they produce.

* `parse_partition()` / `parse_partition_defs()`: PARTITION BY ... clauses (`find_partition_clause()`
  cuts one off a CREATE/ALTER TABLE so that sqlglot gets the rest).
* `parse_routine()`: CREATE PROCEDURE / FUNCTION / TRIGGER / EVENT headers; the body stays text.
* `parse_index()`: standalone CREATE INDEX.
* `rewrite_spatial()`: spatial column types, by a same-statement rewrite for sqlglot (see its docstring).

Each parse function raises `GrammarError` (message, 1-based line/column and 0-based offset inside the
text given); `GrammarError.to_ddl()` turns it into a DdlError at the right file position.
Expressions are kept as whitespace-normalised source slices (`normalise_expr()`), bodies as
whitespace-normalised text (`normalise_body()`), with string literals byte-exact in both.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

from lark import Lark, Token, Transformer, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken, VisitError
from lark.lexer import PatternRE, PatternStr, TerminalDef

from ddlcompare.dialects.mysql.split import RawStatement, statement_pos, unquote, unwrap_versioned
from ddlcompare.dialects.mysql.types import SPATIAL_TYPES
from ddlcompare.errors import DdlError

# -- loading ---------------------------------------------------------------------------------------------

# ddlcompare/dialects/mysql/grammar.py -> the repository's top-level grammars/ folder.
_REPO_GRAMMARS = Path(__file__).resolve().parents[3] / "grammars"
_PACKAGE_GRAMMARS = Path(__file__).resolve().parents[2] / "grammars"  # if packaged inside ddlcompare/
_STARTS: dict[str, list[str]] = {"mysql_partition": ["partition_clause", "partition_defs"]}
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_WORD_ALTS = re.compile(r"\(\?:(?:\(\?i:[A-Za-z_][A-Za-z0-9_]*\)\|?)+\)\Z")
KEYWORD_PRIORITY = 2  # above IDENT (0), below the closed word lists (3) that must win over keywords


def grammar_dir() -> Path:
    """The folder holding the .lark files."""
    return _REPO_GRAMMARS if _REPO_GRAMMARS.is_dir() else _PACKAGE_GRAMMARS


def _keywordise(term: TerminalDef) -> None:
    """Make word literals whole-word, case-insensitive keywords that beat IDENT where both fit."""
    pat = term.pattern
    if isinstance(pat, PatternStr) and _WORD.match(pat.value):
        term.pattern = PatternRE(re.escape(pat.value) + r"(?![\w$])", ("i",))
        term.priority = max(term.priority, KEYWORD_PRIORITY)
    elif isinstance(pat, PatternRE) and _WORD_ALTS.match(pat.value):
        # A named terminal made of word literals ("BEFORE"i | "AFTER"i) compiles to (?:(?i:A)|(?i:B)).
        term.pattern = PatternRE(pat.value + r"(?![\w$])", pat.flags)
        term.priority = max(term.priority, KEYWORD_PRIORITY)


@cache
def parser(name: str) -> Lark:
    """The LALR parser (contextual lexer) for grammars/<name>.lark, built once per process."""
    path = grammar_dir() / f"{name}.lark"
    return Lark(
        path.read_text(encoding="utf-8"),
        parser="lalr",
        lexer="contextual",
        start=_STARTS.get(name, ["start"]),
        maybe_placeholders=True,
        import_paths=[grammar_dir()],
        source_path=str(path),
        edit_terminals=_keywordise,
    )


# -- errors ----------------------------------------------------------------------------------------------


class GrammarError(ValueError):
    """Input the grammar does not accept: where (inside the parsed text) and what was expected."""

    def __init__(self, message: str, line: int, column: int, offset: int) -> None:
        super().__init__(f"{line}:{column}: {message}")
        self.message = message
        self.line = line
        self.column = column
        self.offset = offset

    def to_ddl(self, path: str, stmt: RawStatement, base: int = 0) -> DdlError:
        """A DdlError at the file position, for text that was `stmt.text[base:]`."""
        return DdlError(self.message, statement_pos(stmt, path, base + self.offset))


def _describe(err: UnexpectedInput, text: str) -> GrammarError:
    """A GrammarError saying where lark stopped and what it expected there."""
    offset = max(0, min(getattr(err, "pos_in_stream", None) or 0, len(text)))
    if isinstance(err, UnexpectedToken):
        tok = err.token
        if tok.type == "$END":
            offset = len(text)
            what = "unexpected end of statement"
        else:
            offset = tok.start_pos if tok.start_pos is not None else offset
            what = f"unexpected {tok.value!r}"
        expected = sorted(e for e in err.expected if not e.startswith("__"))
        if expected:
            what += f", expected one of {', '.join(expected[:8])}"
    elif isinstance(err, UnexpectedCharacters):
        what = f"unexpected character {text[offset : offset + 1]!r}"
    elif isinstance(err, UnexpectedEOF):
        offset = len(text)
        what = "unexpected end of statement"
    else:  # pragma: no cover - lark has no other UnexpectedInput kinds
        what = str(err)
    head = text[:offset]
    line = head.count("\n") + 1
    return GrammarError(what, line, offset - (head.rfind("\n") + 1) + 1, offset)


def _parse(name: str, text: str, start: str | None = None) -> Tree[Token]:
    """Parse with grammar `name`, turning lark's errors into GrammarError."""
    try:
        tree: Tree[Token] = parser(name).parse(text, start=start)
    except UnexpectedInput as err:
        raise _describe(err, text) from None
    return tree


def _transform(transformer: Transformer[Token, Any], tree: Tree[Token]) -> Any:
    """`transformer.transform(tree)`, with what a rule raised (lark wraps it in VisitError) raised
    as itself: a GrammarError about a token stays a positioned error about the input."""
    try:
        return transformer.transform(tree)
    except VisitError as err:
        raise err.orig_exc from None


# The server's `ulonglong_num`: a decimal or hex literal of at most 64 bits.
_WHOLE = re.compile(r"\d+|0[xX][0-9a-fA-F]+")


def whole_number(tok: Token) -> int:
    """The value of a NUMBER token where only a whole number is allowed (a count, a size, an
    algorithm): GrammarError at the token for `1e9`, `2.5` or more than 64 bits, as the server's
    "Only integers allowed as number here" and out-of-range errors."""
    text = str(tok)
    if _WHOLE.fullmatch(text):
        base = 16 if text[1:2] in ("x", "X") else 10
        digits = (text[2:] if base == 16 else text).lstrip("0")
        # the length first: int() of thousands of digits is slow, and refused past 4,300
        if len(digits) <= (16 if base == 16 else 20) and int(digits or "0", base) < 1 << 64:
            return int(digits or "0", base)
        what = "out of range"
    else:
        what = "not a whole number"
    shown = text if len(text) <= 30 else text[:30] + "..."
    message = f"{shown} is {what} (only integers are allowed here)"
    raise GrammarError(message, tok.line or 1, tok.column or 1, tok.start_pos or 0)


# -- text helpers ----------------------------------------------------------------------------------------

_LITERAL = r"'(?:[^'\\]++|\\.|'')*+'|\"(?:[^\"\\]++|\\.|\"\")*+\"|`(?:[^`]++|``)*+`|/\*.*?\*/"
_NORMALISE = re.compile(rf"({_LITERAL})|((?:--(?=\s)|\#)[^\n]*)\s*|(\s+)", re.S)


def normalise_body(text: str) -> str:
    """Collapse whitespace runs outside literals to one space; literals and comments stay byte-exact.

    A `--`/`#` comment keeps the newline that ends it, so the text stays executable.
    """

    def sub(m: re.Match[str]) -> str:
        if m.group(1) is not None:
            return m.group(1)
        if m.group(2) is not None:
            return m.group(2) + "\n"
        return " "

    return _NORMALISE.sub(sub, text).strip()


def normalise_expr(text: str) -> str:
    """Like normalise_body(), and no space after `(` or `,` nor before `)` or `,` (mysqldump's spacing)."""

    def sub(m: re.Match[str]) -> str:
        if m.group(1) is not None:
            return m.group(1)
        if m.group(2) is not None:
            return m.group(2) + "\n"
        s = m.string
        before = s[m.start() - 1] if m.start() > 0 else ""
        after = s[m.end()] if m.end() < len(s) else ""
        return "" if before in "(," or after in ")," else " "

    return _NORMALISE.sub(sub, text).strip()


_ESCAPES = {"0": "\0", "b": "\b", "n": "\n", "r": "\r", "t": "\t", "Z": "\x1a"}
_STRING_ESCAPE = re.compile(r"\\(.)|('')|(\"\")", re.S)


def decode_string(literal: str) -> str:
    """The value of a quoted SQL string literal (backslash escapes as MySQL reads them, doubled quotes)."""
    body = literal[1:-1]

    def sub(m: re.Match[str]) -> str:
        if m.group(1) is not None:
            c = m.group(1)
            # \% and \_ keep their backslash (they are LIKE escapes), as in MySQL.
            return "\\" + c if c in "%_" else _ESCAPES.get(c, c)
        return (m.group(2) or m.group(3))[0]

    return _STRING_ESCAPE.sub(sub, body)


# -- shared data -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QualifiedName:
    """`name` or `schema.name`, unquoted."""

    schema: str | None
    name: str

    def __str__(self) -> str:
        return f"{self.schema}.{self.name}" if self.schema else self.name


@dataclass(frozen=True, slots=True)
class _Group:
    """A parenthesised chunk: source span (with the parentheses) and its top-level comma-separated items."""

    start: int
    end: int
    items: tuple[tuple[int, int], ...]


def _span(node: Token | _Group) -> tuple[int, int]:
    """Source span of a token or a parenthesised group."""
    if isinstance(node, _Group):
        return node.start, node.end
    return node.start_pos or 0, node.end_pos or 0


class _Base(Transformer[Token, Any]):
    """Shared rules: names and parenthesised groups."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def name(self, c: list[Token]) -> str:
        return unquote(str(c[0]))

    def qname(self, c: list[str | None]) -> QualifiedName:
        first, second = c[0], c[1]
        assert first is not None
        return QualifiedName(first, second) if second is not None else QualifiedName(None, first)

    def group(self, c: list[Token | _Group]) -> _Group:
        start, _ = _span(c[0])
        _, end = _span(c[-1])
        items: list[tuple[int, int]] = []
        item_start: int | None = None
        item_end = 0
        for node in c[1:-1]:
            if isinstance(node, Token) and node.type == "COMMA":
                items.append((item_start if item_start is not None else node.start_pos or 0, item_end))
                item_start = None
                continue
            s, e = _span(node)
            item_start = s if item_start is None else item_start
            item_end = e
        if item_start is not None:
            items.append((item_start, item_end))
        return _Group(start, end, tuple(items))

    def inner(self, g: _Group) -> str:
        """The group's text without its parentheses, normalised."""
        return normalise_expr(self.text[g.start + 1 : g.end - 1])

    def items(self, g: _Group) -> tuple[str, ...]:
        """The group's comma-separated items, each normalised."""
        return tuple(normalise_expr(self.text[s:e]) for s, e in g.items)


# -- partitions ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PartitionOptions:
    """Per-partition options as written (None: not given); `comment` is the decoded string."""

    engine: str | None = None
    comment: str | None = None
    data_directory: str | None = None
    index_directory: str | None = None
    max_rows: int | None = None
    min_rows: int | None = None
    tablespace: str | None = None
    nodegroup: int | None = None


@dataclass(frozen=True, slots=True)
class SubpartitionDef:
    """`SUBPARTITION name options`."""

    name: str
    options: PartitionOptions = PartitionOptions()


@dataclass(frozen=True, slots=True)
class PartitionDef:
    """`PARTITION name [VALUES ...] options [(subpartitions)]`.

    less_than: RANGE bounds, one normalised expression per column; bare MAXVALUE gives ("MAXVALUE",).
    values_in: LIST values, one normalised item each (a tuple `(1,'a')` for LIST COLUMNS on 2 columns).
    system_time: "HISTORY" or "CURRENT" (MariaDB PARTITION BY SYSTEM_TIME).
    """

    name: str
    less_than: tuple[str, ...] | None = None
    values_in: tuple[str, ...] | None = None
    system_time: str | None = None
    options: PartitionOptions = PartitionOptions()
    subpartitions: tuple[SubpartitionDef, ...] = ()


@dataclass(frozen=True, slots=True)
class PartitionScheme:
    """How rows map to partitions: `PARTITION BY ...` or `SUBPARTITION BY ...`.

    kind: RANGE, LIST, HASH, KEY or SYSTEM_TIME. columns: RANGE/LIST COLUMNS. expr: the normalised
    expression of RANGE/LIST/HASH. column_names: of KEY and ... COLUMNS (empty KEY () = primary key).
    count: PARTITIONS n / SUBPARTITIONS n. interval/starts/limit/auto: SYSTEM_TIME options.
    """

    kind: str
    linear: bool = False
    columns: bool = False
    expr: str | None = None
    column_names: tuple[str, ...] = ()
    algorithm: int | None = None
    count: int | None = None
    interval: str | None = None
    starts: str | None = None
    limit: int | None = None
    auto: bool = False


@dataclass(frozen=True, slots=True)
class PartitionClause:
    """A whole PARTITION BY clause."""

    by: PartitionScheme
    subpartition_by: PartitionScheme | None = None
    partitions: tuple[PartitionDef, ...] = ()


class _PartitionTransformer(_Base):
    def _scheme_expr(self, g: _Group) -> str:
        """The expression of `HASH (...)`, `RANGE (...)`, `LIST (...)`: the server needs one."""
        text = self.inner(g)
        if not text.strip():
            head = self.text[: g.end - 1]
            line = head.count("\n") + 1
            raise GrammarError("an expression is needed here", line, g.end - 1 - head.rfind("\n"), g.end - 1)
        return text

    def by_hash(self, c: list[Any]) -> PartitionScheme:
        return PartitionScheme("HASH", linear=c[0] is not None, expr=self._scheme_expr(c[1]))

    def by_key(self, c: list[Any]) -> PartitionScheme:
        return PartitionScheme("KEY", linear=c[0] is not None, algorithm=c[1], column_names=c[2])

    def by_range(self, c: list[Any]) -> PartitionScheme:
        return PartitionScheme("RANGE", expr=self._scheme_expr(c[0]))

    def by_range_columns(self, c: list[Any]) -> PartitionScheme:
        return PartitionScheme("RANGE", columns=True, column_names=c[0])

    def by_list(self, c: list[Any]) -> PartitionScheme:
        return PartitionScheme("LIST", expr=self._scheme_expr(c[0]))

    def by_list_columns(self, c: list[Any]) -> PartitionScheme:
        return PartitionScheme("LIST", columns=True, column_names=c[0])

    def by_system_time(self, c: list[Any]) -> PartitionScheme:
        interval, starts = c[0] if c[0] is not None else (None, None)
        limit, auto = c[1], c[2] is not None
        return PartitionScheme("SYSTEM_TIME", interval=interval, starts=starts, limit=limit, auto=auto)

    def algorithm(self, c: list[Token]) -> int:
        return whole_number(c[0])

    def interval(self, c: list[Any]) -> tuple[str, str | None]:
        value = self.inner(c[0]) if isinstance(c[0], _Group) else str(c[0])
        return f"{value} {str(c[1]).upper()}", c[2]

    def starts(self, c: list[Any]) -> str:
        return normalise_expr(" ".join(str(x) for x in c if x is not None))

    def limit(self, c: list[Token]) -> int:
        return whole_number(c[0])

    def partitions(self, c: list[Token]) -> int:
        return whole_number(c[0])

    subpartitions = partitions

    def column_list(self, c: list[str | None]) -> tuple[str, ...]:
        return tuple(x for x in c if x is not None)

    def subpartition_by(self, c: list[Any]) -> PartitionScheme:
        scheme: PartitionScheme = c[0]
        return replace(scheme, count=c[1])

    def partition_clause(self, c: list[Any]) -> PartitionClause:
        by: PartitionScheme = c[0]
        return PartitionClause(replace(by, count=c[1]), c[2], c[3] if c[3] is not None else ())

    def partition_defs(self, c: list[PartitionDef]) -> tuple[PartitionDef, ...]:
        return tuple(c)

    def subpartition_defs(self, c: list[SubpartitionDef]) -> tuple[SubpartitionDef, ...]:
        return tuple(c)

    def less_than(self, c: list[Any]) -> tuple[str, tuple[str, ...]]:
        if isinstance(c[0], _Group):
            return "less_than", self.items(c[0])
        return "less_than", ("MAXVALUE",)

    def values_in(self, c: list[Any]) -> tuple[str, tuple[str, ...]]:
        return "values_in", self.items(c[0])

    def history(self, c: list[Any]) -> tuple[str, str]:
        return "system_time", "HISTORY"

    def current(self, c: list[Any]) -> tuple[str, str]:
        return "system_time", "CURRENT"

    # options come back as (field, value) pairs, folded into PartitionOptions by the definitions
    def engine(self, c: list[Any]) -> tuple[str, Any]:
        return "engine", c[-1]

    def comment(self, c: list[Token]) -> tuple[str, Any]:
        return "comment", decode_string(str(c[-1]))

    def data_directory(self, c: list[Token]) -> tuple[str, Any]:
        return "data_directory", decode_string(str(c[-1]))

    def index_directory(self, c: list[Token]) -> tuple[str, Any]:
        return "index_directory", decode_string(str(c[-1]))

    def max_rows(self, c: list[Token]) -> tuple[str, Any]:
        return "max_rows", whole_number(c[-1])

    def min_rows(self, c: list[Token]) -> tuple[str, Any]:
        return "min_rows", whole_number(c[-1])

    def tablespace(self, c: list[Any]) -> tuple[str, Any]:
        return "tablespace", c[-1]

    def nodegroup(self, c: list[Token]) -> tuple[str, Any]:
        return "nodegroup", whole_number(c[-1])

    @staticmethod
    def _options(pairs: list[tuple[str, Any]]) -> PartitionOptions:
        return PartitionOptions(**dict(pairs)) if pairs else PartitionOptions()

    def partition_def(self, c: list[Any]) -> PartitionDef:
        # children: name, values or None, options..., subpartition definitions or None
        name: str = c[0]
        values = c[1]
        kwargs: dict[str, Any] = {}
        if values is not None:
            kwargs[values[0]] = values[1]
        return PartitionDef(name, options=self._options(c[2:-1]), subpartitions=c[-1] or (), **kwargs)

    def subpartition_def(self, c: list[Any]) -> SubpartitionDef:
        return SubpartitionDef(c[0], self._options(c[1:]))


def parse_partition(text: str) -> PartitionClause:
    """Parse `PARTITION BY ...` (versioned-comment wrappers such as /*!50100 ... */ allowed)."""
    text = unwrap_versioned(text)
    tree = _parse("mysql_partition", text, "partition_clause")
    result: PartitionClause = _transform(_PartitionTransformer(text), tree)
    return result


def parse_partition_defs(text: str) -> tuple[PartitionDef, ...]:
    """Parse a bare `(PARTITION ..., PARTITION ...)` list (ALTER TABLE ... ADD PARTITION)."""
    text = unwrap_versioned(text)
    tree = _parse("mysql_partition", text, start="partition_defs")
    result: tuple[PartitionDef, ...] = _transform(_PartitionTransformer(text), tree)
    return result


_TOP_SCAN = re.compile(
    rf"({_LITERAL})|(?:--(?=\s)|\#)[^\n]*|(\()|(\))|(?<![\w$.@])(PARTITION\s+BY)(?![\w$])",
    re.S | re.I,
)


def find_partition_clause(text: str) -> int | None:
    """Offset of the top-level `PARTITION BY` of a CREATE/ALTER TABLE text (blanked markers), or None.

    The clause runs to the end of the statement: `text[:i]` goes to sqlglot, `text[i:]` to
    parse_partition().
    """
    depth = 0
    for m in _TOP_SCAN.finditer(text):
        if m.group(2):
            depth += 1
        elif m.group(3):
            depth -= 1
        elif m.group(4) and depth == 0:
            return m.start(4)
    return None


# -- routines, triggers, events --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Definer:
    """`DEFINER = user@host`, unquoted; CURRENT_USER (or a MariaDB role) has host None."""

    user: str
    host: str | None = None


@dataclass(frozen=True, slots=True)
class DataType:
    """A parameter or return type: upper-case name (single-spaced), arguments and attributes.

    MariaDB anchored types: name "TYPE OF" / "ROW TYPE OF" with the anchor as the only argument.
    """

    name: str
    args: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()  # UNSIGNED, ZEROFILL, BINARY, ... upper case, in source order
    charset: str | None = None
    collation: str | None = None
    text: str = ""  # the whole type, normalised source


@dataclass(frozen=True, slots=True)
class Param:
    """A routine parameter; mode None means IN for procedures (functions have no modes in MySQL)."""

    mode: str | None
    name: str
    type: DataType


@dataclass(frozen=True, slots=True)
class Routine:
    """CREATE PROCEDURE / FUNCTION. Characteristics are None when not written.

    Server defaults when None: deterministic False, data_access "CONTAINS SQL", security "DEFINER",
    language "SQL".
    """

    kind: str  # PROCEDURE | FUNCTION
    name: QualifiedName
    params: tuple[Param, ...]
    returns: DataType | None
    body: str  # normalise_body() of everything after the header
    body_offset: int  # where the body starts in the parsed text
    definer: Definer | None = None
    or_replace: bool = False
    if_not_exists: bool = False
    aggregate: bool = False
    deterministic: bool | None = None
    data_access: str | None = None  # CONTAINS SQL | NO SQL | READS SQL DATA | MODIFIES SQL DATA
    security: str | None = None  # DEFINER | INVOKER
    comment: str | None = None  # decoded
    language: str | None = None


@dataclass(frozen=True, slots=True)
class Trigger:
    """CREATE TRIGGER name BEFORE|AFTER event ON table FOR EACH ROW [FOLLOWS|PRECEDES other] body."""

    name: QualifiedName
    timing: str  # BEFORE | AFTER
    events: tuple[str, ...]  # INSERT | UPDATE | DELETE (MariaDB 11 allows several)
    table: QualifiedName
    body: str
    body_offset: int
    order: str | None = None  # FOLLOWS | PRECEDES
    order_other: str | None = None
    definer: Definer | None = None
    or_replace: bool = False
    if_not_exists: bool = False


@dataclass(frozen=True, slots=True)
class Schedule:
    """ON SCHEDULE AT ts | EVERY n unit [STARTS ts] [ENDS ts]; expressions normalised."""

    at: str | None = None
    every: str | None = None
    unit: str | None = None  # upper case
    starts: str | None = None
    ends: str | None = None


@dataclass(frozen=True, slots=True)
class Event:
    """CREATE EVENT. None: not written (server defaults: NOT PRESERVE, ENABLE)."""

    name: QualifiedName
    schedule: Schedule
    body: str
    body_offset: int
    preserve: bool | None = None  # ON COMPLETION [NOT] PRESERVE
    status: str | None = None  # ENABLE | DISABLE | DISABLE ON SLAVE (REPLICA is read as SLAVE)
    comment: str | None = None
    definer: Definer | None = None
    or_replace: bool = False
    if_not_exists: bool = False


@dataclass(frozen=True, slots=True)
class EventAlter:
    """ALTER EVENT: only what it changes is set (None / empty: unchanged)."""

    name: QualifiedName
    schedule: Schedule | None = None
    preserve: bool | None = None
    rename_to: QualifiedName | None = None
    status: str | None = None
    comment: str | None = None
    body: str | None = None
    body_offset: int | None = None
    definer: Definer | None = None


_USER_PART = re.compile(r"`(?:[^`]++|``)*+`|'(?:[^'\\]++|\\.|'')*+'|\"(?:[^\"\\]++|\\.|\"\")*+\"|[^@\s()]+")


def _user_part(raw: str) -> str:
    """One side of user@host, unquoted."""
    return decode_string(raw) if raw[:1] in "'\"" else unquote(raw)


def parse_definer(raw: str) -> Definer:
    """`root`@`localhost`, 'u'@'%', CURRENT_USER() or a role name -> Definer."""
    parts = _USER_PART.findall(raw)
    if not parts:
        raise ValueError(f"not a user: {raw!r}")
    user = _user_part(parts[0])
    if len(parts) == 1 and user.upper() == "CURRENT_USER":
        return Definer("CURRENT_USER")
    return Definer(user, _user_part(parts[1]) if len(parts) > 1 else None)


class _RoutineTransformer(_Base):
    def start(self, c: list[Any]) -> Routine | Trigger | Event:
        obj: Routine | Trigger | Event = c[2]
        return replace(obj, or_replace=c[0] is not None, definer=c[1])

    def alter(self, c: list[Any]) -> EventAlter:
        alter: EventAlter = c[1]
        return replace(alter, definer=c[0])

    def alter_event(self, c: list[Any]) -> EventAlter:
        name, schedule, preserve, rename, status, comment, body = c
        text, offset = self._body(body) if body is not None else (None, None)
        return EventAlter(
            name,
            schedule,
            preserve,
            rename,
            status,
            comment[1] if comment else None,
            text,
            offset,
        )

    def rename(self, c: list[QualifiedName]) -> QualifiedName:
        return c[0]

    def or_replace(self, c: list[Any]) -> bool:
        return True

    def definer(self, c: list[Token]) -> Definer:
        return parse_definer(str(c[0]))

    def if_not_exists(self, c: list[Any]) -> bool:
        return True

    # types
    def data_type(self, c: list[Any]) -> DataType:
        tok: Token = c[0]
        args = self.items(c[1]) if c[1] is not None else ()
        flags: list[str] = []
        charset = collation = None
        end = _span(c[1])[1] if c[1] is not None else tok.end_pos or 0
        for attr in c[2:]:
            if isinstance(attr, Token):
                flags.append(str(attr).upper())
                end = attr.end_pos or end
            elif attr[0] == "charset":
                charset, end = attr[1], attr[2]
            else:
                collation, end = attr[1], attr[2]
        name = " ".join(str(tok).upper().split())
        text = normalise_expr(self.text[tok.start_pos or 0 : end])
        return DataType(name, args, tuple(flags), charset, collation, text)

    def charset(self, c: list[Any]) -> tuple[str, str, int]:
        return "charset", c[-1][0], c[-1][1]

    def collate(self, c: list[Any]) -> tuple[str, str, int]:
        return "collate", c[-1][0], c[-1][1]

    def charset_name(self, c: list[Token]) -> tuple[str, int]:
        raw = str(c[0])
        value = decode_string(raw) if raw[:1] in "'\"" else unquote(raw)
        return value.lower(), c[0].end_pos or 0

    def anchored_type(self, c: list[QualifiedName]) -> DataType:
        return DataType("TYPE OF", (str(c[0]),), text=f"TYPE OF {c[0]}")

    def anchored_row_type(self, c: list[QualifiedName]) -> DataType:
        return DataType("ROW TYPE OF", (str(c[0]),), text=f"ROW TYPE OF {c[0]}")

    def param(self, c: list[Any]) -> Param:
        mode = " ".join(str(c[0]).upper().split()).replace("IN OUT", "INOUT") if c[0] is not None else None
        return Param(mode, c[1], c[2])

    def returns(self, c: list[DataType]) -> DataType:
        return c[0]

    # characteristics come back as (field, value) pairs
    def comment(self, c: list[Token]) -> tuple[str, Any]:
        return "comment", decode_string(str(c[-1]))

    def language(self, c: list[Any]) -> tuple[str, Any]:
        return "language", "SQL"

    def deterministic(self, c: list[Any]) -> tuple[str, Any]:
        return "deterministic", c[0] is None

    def contains_sql(self, c: list[Any]) -> tuple[str, Any]:
        return "data_access", "CONTAINS SQL"

    def no_sql(self, c: list[Any]) -> tuple[str, Any]:
        return "data_access", "NO SQL"

    def reads_sql_data(self, c: list[Any]) -> tuple[str, Any]:
        return "data_access", "READS SQL DATA"

    def modifies_sql_data(self, c: list[Any]) -> tuple[str, Any]:
        return "data_access", "MODIFIES SQL DATA"

    def security(self, c: list[Token]) -> tuple[str, Any]:
        return "security", str(c[0]).upper()

    def _body(self, tok: Token) -> tuple[str, int]:
        return normalise_body(str(tok)), tok.start_pos or 0

    def _routine(self, kind: str, c: list[Any], returns: DataType | None, chars: list[Any]) -> Routine:
        body, body_offset = self._body(c[-1])
        kwargs: dict[str, Any] = dict(x for x in chars if isinstance(x, tuple))
        if_not_exists, name = c[0] is not None, c[1]
        params = tuple(x for x in c[2:] if isinstance(x, Param))
        return Routine(kind, name, params, returns, body, body_offset, if_not_exists=if_not_exists, **kwargs)

    def procedure(self, c: list[Any]) -> Routine:
        return self._routine("PROCEDURE", c, None, c[2:-1])

    def function(self, c: list[Any]) -> Routine:
        returns = next(x for x in c if isinstance(x, DataType))
        i = c.index(returns)
        routine = self._routine("FUNCTION", c[1:], returns, c[i + 1 : -1])
        return replace(routine, aggregate=c[0] is not None)

    # triggers
    def order(self, c: list[Any]) -> tuple[str, str]:
        return str(c[0]).upper(), c[1]

    def trigger(self, c: list[Any]) -> Trigger:
        body, body_offset = self._body(c[-1])
        events = tuple(str(x).upper() for x in c if isinstance(x, Token) and x.type == "EVENT_KIND")
        tables = [x for x in c if isinstance(x, QualifiedName)]
        timing = next(str(x).upper() for x in c if isinstance(x, Token) and x.type == "TIMING")
        order = c[-2]
        return Trigger(
            tables[0],
            timing,
            events,
            tables[1],
            body,
            body_offset,
            order=order[0] if order else None,
            order_other=order[1] if order else None,
            if_not_exists=c[0] is not None,
        )

    # events
    def expr(self, c: list[Any]) -> str:
        start, _ = _span(c[0])
        _, end = _span(c[-1])
        return normalise_expr(self.text[start:end])

    def at(self, c: list[str]) -> Schedule:
        return Schedule(at=c[0])

    def every(self, c: list[Any]) -> Schedule:
        value = self.inner(c[0]) if isinstance(c[0], _Group) else str(c[0])
        return Schedule(every=value, unit=str(c[1]).upper(), starts=c[2], ends=c[3])

    def starts(self, c: list[str]) -> str:
        return c[0]

    ends = starts

    def completion(self, c: list[Any]) -> bool:
        return c[0] is None

    def status(self, c: list[Any]) -> str:
        word = str(c[0]).upper()
        return word + " ON SLAVE" if len(c) > 1 and c[1] is not None else word

    def on_replica(self, c: list[Any]) -> bool:
        return True

    def event(self, c: list[Any]) -> Event:
        body, body_offset = self._body(c[-1])
        if_not_exists, name, schedule, preserve, status, comment = c[:6]
        return Event(
            name,
            schedule,
            body,
            body_offset,
            preserve=preserve,
            status=status,
            comment=comment[1] if comment else None,
            if_not_exists=if_not_exists is not None,
        )


def parse_routine(text: str) -> Routine | Trigger | Event | EventAlter:
    """Parse CREATE PROCEDURE / FUNCTION / TRIGGER / EVENT or ALTER EVENT (header + opaque body)."""
    text = unwrap_versioned(text)
    tree = _parse("mysql_routine", text)
    result: Routine | Trigger | Event | EventAlter = _transform(_RoutineTransformer(text), tree)
    return result


# -- CREATE INDEX ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class KeyPart:
    """One indexed column `col[(length)] [ASC|DESC]` or functional part `(expr) [ASC|DESC]`."""

    column: str | None
    length: int | None = None
    expr: str | None = None  # normalised, without the surrounding parentheses
    order: str | None = None  # ASC | DESC as written


@dataclass(frozen=True, slots=True)
class IndexDef:
    """A standalone CREATE INDEX. kind: None (plain), UNIQUE, FULLTEXT, SPATIAL or VECTOR."""

    name: str
    table: QualifiedName
    parts: tuple[KeyPart, ...]
    kind: str | None = None
    using: str | None = None  # BTREE | HASH | RTREE (before ON or among the options; last wins)
    comment: str | None = None  # decoded
    visible: bool | None = None
    ignored: bool | None = None  # MariaDB IGNORED / NOT IGNORED
    key_block_size: int | None = None
    parser: str | None = None
    algorithm: str | None = None  # upper case
    lock: str | None = None  # upper case
    options: tuple[tuple[str, str], ...] = ()  # anything else: (NAME, value), e.g. MariaDB vector M=16
    or_replace: bool = False
    if_not_exists: bool = False
    online: str | None = None  # ONLINE | OFFLINE (MariaDB)


class _IndexTransformer(_Base):
    def start(self, c: list[Any]) -> IndexDef:
        or_replace, online, kind, if_not_exists, name, using, table, parts = c[:8]
        fields: dict[str, Any] = {}
        if using is not None:
            fields["using"] = using[1]
        other: list[tuple[str, str]] = []
        for key, value in c[8:]:
            if key == "other":
                other.append(value)
            elif key is not None:
                fields[key] = value
        return IndexDef(
            name,
            table,
            parts,
            kind=str(kind).upper() if kind is not None else None,
            options=tuple(other),
            or_replace=or_replace is not None,
            if_not_exists=if_not_exists is not None,
            online=str(online).upper() if online is not None else None,
            **fields,
        )

    def or_replace(self, c: list[Any]) -> bool:
        return True

    def if_not_exists(self, c: list[Any]) -> bool:
        return True

    def using(self, c: list[Token]) -> tuple[str, Any]:
        return "using", str(c[0]).upper()

    def key_parts(self, c: list[KeyPart]) -> tuple[KeyPart, ...]:
        return tuple(c)

    def prefix(self, c: list[Token]) -> int:
        return whole_number(c[0])

    def column_part(self, c: list[Any]) -> KeyPart:
        return KeyPart(c[0], c[1], None, str(c[2]).upper() if c[2] is not None else None)

    def expr_part(self, c: list[Any]) -> KeyPart:
        return KeyPart(None, None, self.inner(c[0]), str(c[1]).upper() if c[1] is not None else None)

    def key_block_size(self, c: list[Token]) -> tuple[str, Any]:
        return "key_block_size", whole_number(c[-1])

    def parser(self, c: list[str]) -> tuple[str, Any]:
        return "parser", c[0]

    def comment(self, c: list[Token]) -> tuple[str, Any]:
        return "comment", decode_string(str(c[-1]))

    def visibility(self, c: list[Token]) -> tuple[str, Any]:
        return "visible", str(c[0]).upper() == "VISIBLE"

    def ignored(self, c: list[Any]) -> tuple[str, Any]:
        return "ignored", c[0] is None

    def attribute(self, c: list[Token]) -> tuple[str, Any]:
        return "other", (str(c[0]).upper(), decode_string(str(c[-1])))

    def algorithm(self, c: list[Token]) -> tuple[str, Any]:
        return "algorithm", str(c[-1]).upper()

    def lock(self, c: list[Token]) -> tuple[str, Any]:
        return "lock", str(c[-1]).upper()

    def wait(self, c: list[Token]) -> tuple[str, Any]:
        return "other", ("WAIT", str(c[0]))

    def nowait(self, c: list[Any]) -> tuple[str, Any]:
        return "other", ("NOWAIT", "")

    def other(self, c: list[Token]) -> tuple[str, Any]:
        raw = str(c[1])
        value = decode_string(raw) if raw[:1] in "'\"" else raw
        return "other", (str(c[0]).upper(), value)


def parse_index(text: str) -> IndexDef:
    """Parse a standalone CREATE [UNIQUE|FULLTEXT|SPATIAL|VECTOR] INDEX statement."""
    text = unwrap_versioned(text)
    result: IndexDef = _transform(_IndexTransformer(text), _parse("mysql_index", text))
    return result


# -- spatial types ---------------------------------------------------------------------------------------
#
# sqlglot 30.30 (read="mysql") parses GEOMETRY but rejects POINT, LINESTRING, POLYGON, MULTIPOINT,
# MULTILINESTRING, MULTIPOLYGON and GEOMETRYCOLLECTION, and the MySQL 8 `SRID n` / MariaDB
# `REF_SYSTEM_ID = n` column attributes. A lark grammar for column definitions would duplicate what
# sqlglot already does well for every other column, and a dialect subclass cannot help for MULTIPOINT
# and GEOMETRYCOLLECTION (sqlglot has no such DataType) nor for SRID. So: a lexical rewrite of the
# statement before sqlglot sees it: each spatial type becomes GEOMETRY (a type sqlglot keeps) and the
# SRID attribute is blanked, while the exact type and SRID are returned per column for the normaliser
# to put back. Offsets are preserved (padding with spaces) except that POINT grows by 3 characters,
# which can only shift positions later on the same line.

# Words after which a spatial word is a name (RENAME TO point, KEY point (...)), not a column's type.
_NOT_COLUMN_NAME = frozenset(
    {
        *("to", "as", "table", "exists", "references", "key", "index", "on", "like", "by", "after", "first"),
        *("column", "constraint", "foreign", "primary", "unique", "check", "default", "comment", "using"),
        *("rename", "drop", "modify", "change", "add", "collate", "set", "charset", "into"),
    }
)


@dataclass(frozen=True, slots=True)
class SpatialType:
    """A spatial column's real type (lower case, GEOMCOLLECTION read as GEOMETRYCOLLECTION) and SRID."""

    name: str
    srid: int | None = None


@dataclass(frozen=True, slots=True)
class SpatialRewrite:
    """Statement text safe for sqlglot, and the spatial columns it rewrote (by unquoted column name)."""

    text: str
    columns: Mapping[str, SpatialType] = field(default_factory=dict)


_SPATIAL_SCAN = re.compile(
    rf"({_LITERAL})|(?:--(?=\s)|\#)[^\n]*|(\()|(\))|(,)"
    r"|(SRID\s+(\d{1,10})|REF_SYSTEM_ID\s*=\s*(\d{1,10}))(?![\w$])|([\w$]+)|(\S)",
    re.S | re.I,
)


def rewrite_spatial(text: str) -> SpatialRewrite:
    """Rewrite spatial column types in a CREATE/ALTER TABLE text to GEOMETRY for sqlglot (see above)."""
    lowered = text.lower()
    if not any(t in lowered for t in ("point", "linestring", "polygon", "geom", "srid", "ref_system_id")):
        return SpatialRewrite(text)
    pieces: list[str] = []
    last = 0
    columns: dict[str, SpatialType] = {}
    prev_name: str | None = None  # the previous significant token, when it can be a column name
    prev_text = ""
    current: str | None = None  # spatial column of the current column definition
    depth = 0
    for m in _SPATIAL_SCAN.finditer(text):
        lit, lpar, rpar, comma, srid, word, other = (
            m.group(1),
            m.group(2),
            m.group(3),
            m.group(4),
            m.group(5),
            m.group(8),
            m.group(9),
        )
        if m.group(0).startswith(("--", "#")) and lit is None and word is None and other is None:
            continue  # a line comment
        if srid is not None:
            if current is not None:
                value = int(m.group(6) or m.group(7))
                columns[current] = replace(columns[current], srid=value)
                pieces.append(text[last : m.start()])
                pieces.append(" " * (m.end() - m.start()))
                last = m.end()
            prev_name, prev_text = None, srid
            continue
        if word is not None and word.lower() in SPATIAL_TYPES and prev_name is not None and prev_text != ".":
            rest = text[m.end() :].lstrip()
            if not rest.startswith("("):  # POINT(1, 2) is a function call
                kind = word.lower()
                columns[prev_name] = SpatialType("geometrycollection" if kind == "geomcollection" else kind)
                current = prev_name
                pieces.append(text[last : m.start()])
                pieces.append("GEOMETRY".ljust(len(word)))
                last = m.end()
                prev_name, prev_text = None, word
                continue
        if lpar is not None:
            depth += 1
        elif rpar is not None:
            depth -= 1
        elif comma is not None and depth <= 1:
            current = None  # next column definition (or next ALTER TABLE spec)
        if lit is not None and lit.startswith("`"):
            prev_name = unquote(lit)
        elif word is not None and word.lower() not in _NOT_COLUMN_NAME:
            prev_name = word
        else:
            prev_name = None
        prev_text = m.group(0) if other is not None else ""
    if not columns:
        return SpatialRewrite(text)
    pieces.append(text[last:])
    return SpatialRewrite("".join(pieces), columns)
