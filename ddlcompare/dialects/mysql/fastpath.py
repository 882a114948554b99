"""Fast path for dump-shaped CREATE TABLE statements (mysqldump, mariadb-dump, SHOW CREATE TABLE).

Such a statement has one column or key per line, two spaces of indent, a comma at the end of every
element line but the last, and the table options on the closing `) ...` line. Its lines repeat
across the tables of a schema (the same `id`, `created_at` or PRIMARY KEY line in thousands of
tables) and between the two sides of a diff. `fast_table` reads such a statement line by line and
reads each distinct line once: a column line goes through the same sqlglot reading as the general
path (alone, in a one-column statement), a key line through the same element reader, and the result
is kept by the line's text and everything it depends on (table collation and schema, the session's
database, the server). Anything it does not fully recognise makes it return None before it changes
the builder, and the general path (handlers.create_table) reads the statement as before.

The two paths build equal tables for every statement the fast path accepts:
tests/dialects/mysql/test_fastpath.py compares them statement by statement over every fixture and
corpus MySQL file.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from typing import Literal

from sqlglot.errors import ParseError, TokenError

from ddlcompare.dialects.mysql import handlers as h
from ddlcompare.dialects.mysql import normalize as nz
from ddlcompare.dialects.mysql.grammar import (
    GrammarError,
    decode_string,
    find_partition_clause,
    rewrite_spatial,
)
from ddlcompare.dialects.mysql.parse import (
    Builder,
    CheckState,
    ForeignKeyState,
    IndexState,
    TableState,
    settle_keys,
)
from ddlcompare.dialects.mysql.split import RawStatement, unquote
from ddlcompare.model.base import Expr, ObjectKey
from ddlcompare.model.objects import Column
from ddlcompare.source import SourcePos

# `CREATE TABLE `name` (` and nothing else on the first line
_HEAD = re.compile(r"CREATE TABLE (`(?:[^`\n]++|``)++`) \(\n")
# a line whose first token could start a key element: the general element reader decides
_KEYWORD = re.compile(r"[A-Za-z]")
_TAIL_WORDS = re.compile(r"(?<![\w$])(SELECT|AS\s+SELECT|IGNORE|REPLACE)(?![\w$])", re.I)

# Memo entries: a column line -> (Column, its inline keys); a key line -> KeyDef; False when the
# line cannot be read here (the general path reports why). Bounded: cleared when full.
ColumnItem = tuple[Column, list[h.KeyDef]]  # a column and the keys it declares inline
_LINES: dict[tuple[str, int], ColumnItem | h.KeyDef | Literal[False]] = {}
_TAILS: dict[str, h.TableOpts | Literal[False]] = {}
_MAX_ENTRIES = 200_000

# statements accepted / declined in this process (read by the equality test and the benchmark)
STATS = {"accepted": 0, "declined": 0, "replayed": 0, "ahead": 0}
# memo misses: a miss may build sqlglot trees (garbage cycles), a statement without one builds none
MISSES = [0]
ENABLED = True


def _one_item(line: str) -> bool:
    """Whether `line` is exactly one complete element: balanced parentheses, closed literals and
    identifiers, no comment and no comma at depth 0 (so the line split equals split_top's)."""
    depth = 0
    for m in h._SCAN.finditer(line):
        ch = m.group(1)
        if ch is None:
            tok = m.group(0)
            if tok[0] in "'\"`" and (len(tok) < 2 or tok[-1] != tok[0]):
                return False  # an unterminated literal or identifier
            if tok.startswith(("/*", "--", "#")):
                return False
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                return False
        elif depth == 0:
            return False
    return depth == 0


def _column(b: Builder, t: TableState, line: str) -> tuple[Column, list[h.KeyDef]] | None:
    """A column line read as the general path reads it: sqlglot on a one-column statement."""
    head = "CREATE TABLE _ ("
    text = head + line + ")"
    try:
        defs = h.parse_columns(b, text, [(len(head), len(head) + len(line))], (len(head) - 1, len(text) - 1))
        if len(defs) != 1:
            return None
        return h.column_from_def(b, t, defs[0], {})
    except (ParseError, TokenError, ValueError):
        return None


def _read_line(b: Builder, t: TableState, line: str, ctx: int) -> ColumnItem | h.KeyDef | None:
    if line.startswith("CONSTRAINT `"):
        kd = _constraint(line, t.schema)
        if kd is not None:
            return kd
    key = (line, ctx)
    got: ColumnItem | h.KeyDef | Literal[False] | None = _LINES.get(key)
    if got is None:
        MISSES[0] += 1
        if len(_LINES) >= _MAX_ENTRIES:
            _LINES.clear()
        got = False
        if _one_item(line):
            try:
                kd = h.parse_element(line, b, t.schema) if _KEYWORD.match(line) else None
            except ValueError:
                kd = None
                got = False
            else:
                if kd is not None:
                    got = kd if kd.kind not in ("PERIOD",) else False
                elif line.startswith("`"):
                    got = _column(b, t, line) or False
        _LINES[key] = got
    if got is False:
        return None
    if isinstance(got, h.KeyDef):
        return _copy(got)
    assert isinstance(got, tuple)
    col, keys = got
    return (col, [_copy(k) for k in keys]) if keys else got


def _copy(kd: h.KeyDef) -> h.KeyDef:
    """A fresh KeyDef: keys and foreign keys hand their lists to the mutable table state."""
    if kd.kind == "CHECK":
        return kd  # nothing of it is kept mutable
    fk = kd.fk
    if fk is not None:
        fk = _fk_copy(fk, fk.pos)
    return h.KeyDef(
        kd.kind,
        kd.symbol,
        name=kd.name,
        parts=list(kd.parts),
        method=kd.method,
        comment=kd.comment,
        invisible=kd.invisible,
        options=dict(kd.options),
        if_not_exists=kd.if_not_exists,
        fk=fk,
        check=kd.check,
        enforced=kd.enforced,
    )


# A named foreign key or check as SHOW CREATE TABLE prints it: the name makes the line unique to
# its table, so it is read here rather than kept by its text. Anything else goes to parse_element.
_BQ = r"`(?:[^`\n]++|``)++`"
_FOREIGN = re.compile(
    rf"CONSTRAINT ({_BQ}) FOREIGN KEY \(({_BQ}(?:, ?{_BQ})*+)\) REFERENCES ({_BQ}) \(({_BQ}(?:, ?{_BQ})*+)\)"
    r"((?: ON (?:DELETE|UPDATE) (?:RESTRICT|CASCADE|SET NULL|SET DEFAULT|NO ACTION))*+)"
)
_FK_ACTION = re.compile(r" ON (DELETE|UPDATE) (RESTRICT|CASCADE|SET NULL|SET DEFAULT|NO ACTION)")
_NAME = re.compile(_BQ)
_CHECK = re.compile(rf"CONSTRAINT ({_BQ}) CHECK ")
_CHECKS: dict[str, Expr | Literal[False]] = {}  # the text after the name -> the check's expression


def _constraint(line: str, table_schema: str) -> h.KeyDef | None:
    """`CONSTRAINT `x` FOREIGN KEY (...) REFERENCES `t` (...) [ON ...]` or `CONSTRAINT `x` CHECK (...)`,
    as parse_element reads them; None for any other form."""
    m = _FOREIGN.fullmatch(line)
    if m is not None:
        fk = ForeignKeyState(
            name="",
            columns=[unquote(n) for n in _NAME.findall(m.group(2))],
            ref_schema=table_schema,
            ref_table=unquote(m.group(3)),
            ref_columns=[unquote(n) for n in _NAME.findall(m.group(4))],
        )
        for a in _FK_ACTION.finditer(m.group(5)):
            # as handlers._fk_tail: InnoDB treats RESTRICT as NO ACTION
            action = "NO ACTION" if a.group(2) == "RESTRICT" else a.group(2)
            if a.group(1) == "DELETE":
                fk.on_delete = action
            else:
                fk.on_update = action
        return h.KeyDef("FOREIGN", unquote(m.group(1)), name=None, fk=fk)
    c = _CHECK.match(line)
    if c is None:
        return None
    rest = line[c.end() :]
    expr = _CHECKS.get(rest)
    if expr is None:
        MISSES[0] += 1
        if len(_CHECKS) >= _MAX_ENTRIES:
            _CHECKS.clear()
        expr = False
        if rest.startswith("(") and h.matching_paren(rest, 0) == len(rest) - 1 and _one_item(rest):
            expr = nz.expr_text(rest[1:-1])
        _CHECKS[rest] = expr
    if expr is False:
        return None
    return h.KeyDef("CHECK", unquote(c.group(1)), check=expr)


_CONTEXTS: dict[tuple[object, ...], int] = {}


def _context(b: Builder, t: TableState) -> int:
    """A small number for what a line's reading depends on besides its text (a key is hashed
    for every line; the Server dataclass hashes in Python)."""
    what = (t.collation, t.schema, b.home, b.current, b.server)
    got = _CONTEXTS.get(what)
    if got is None:
        got = _CONTEXTS[what] = len(_CONTEXTS)
    return got


def _options(tail: str) -> h.TableOpts | None:
    """Table options of the `) ...` line as parse_table_options reads them. A dump's options differ
    from table to table only in AUTO_INCREMENT (ignored) and the COMMENT at the end: the rest is
    read once."""
    comment: str | None = None
    c = _TAIL_COMMENT.search(tail)
    if c is not None and not _QUOTES.search(tail, 0, c.start()):
        # the COMMENT literal is the last option (it wins over an earlier one, as when read whole)
        comment = decode_string(tail[c.start(1) :])
        tail = tail[: c.start()]
    if not _QUOTES.search(tail):
        tail = _AUTO_INCREMENT.sub("", tail)  # no literal it could be part of
    got: h.TableOpts | Literal[False] | None = _TAILS.get(tail)
    if got is None:
        MISSES[0] += 1
        if len(_TAILS) >= _MAX_ENTRIES:
            _TAILS.clear()
        got = False
        if find_partition_clause(tail) is None and not _TAIL_WORDS.search(h._strip_literals(tail)):
            try:
                got = h.parse_table_options(tail)
            except (ValueError, GrammarError):
                got = False
        _TAILS[tail] = got
    if got is False:
        return None
    return got if comment is None else dataclasses.replace(got, comment=comment)


_TAIL_COMMENT = re.compile(r" COMMENT=('(?:[^'\\]++|\\.|'')*+')$", re.S)
_QUOTES = re.compile(r"['\"`]")
_AUTO_INCREMENT = re.compile(r" AUTO_INCREMENT=\d+(?![\w$])")


def fast_table(stmt: RawStatement, b: Builder) -> TableState | None:
    """The table of a dump-shaped CREATE TABLE, applied as the general path would; None (the builder
    untouched) when the statement is not in that shape or anything in it needs the general path."""
    if not ENABLED:
        return None
    text = stmt.text
    m = _HEAD.match(text)
    if m is None:
        STATS["declined"] += 1
        return None
    replay = b.replay
    key: tuple[object, ...] = ()
    if replay is not None:
        key = (text, *session(b))
        entry = replay.get(key)
        if entry is not None:
            t = _replayed(stmt, b, entry)
            if t is not None:
                STATS["replayed"] += 1
                return t
    if b.ahead is not None:
        t = _ahead(stmt, b, key)
        if t is not None:
            return t
    t = _read(stmt, b, m)
    STATS["accepted" if t is not None else "declined"] += 1
    if t is not None and replay is not None and b.record:
        replay[key] = (_copy_table(t, t.pos, None), stmt.line, stmt.col)
    return t


def session(b: Builder) -> tuple[object, ...]:
    """Everything a dump-shaped CREATE TABLE's reading depends on besides its text and whether its
    name is taken (see _read_line): with the text, the key of a replay entry."""
    return (b.home, b.current, b.default_charset(b.schema_of(None)), b.server)


def read_table(stmt: RawStatement, b: Builder) -> TableState | None:
    """fast_table's reading of a statement without replay, for a prefetch worker: the builder's
    tables are not consulted (the worker has none; the main process checks them)."""
    m = _HEAD.match(stmt.text)
    return _read(stmt, b, m) if m is not None and ENABLED else None


def _read(stmt: RawStatement, b: Builder, m: re.Match[str]) -> TableState | None:
    text = stmt.text
    if h.blank_comments(text) != text:
        return None
    sp = rewrite_spatial(text)
    if sp.columns or sp.text != text:
        return None
    return _scan(stmt, b, m)


def _ahead(stmt: RawStatement, b: Builder, key: tuple[object, ...]) -> TableState | None:
    """The table a prefetch worker read from this very statement under the same session (see
    mysql/prefetch.py); None when it has none or the name is taken (the general path decides)."""
    assert b.ahead is not None
    got = b.ahead.table(stmt.offset)
    if got is None:
        return None
    state, t = got
    if state != (key[1:] if key else session(b)):
        return None
    if (t.schema, t.name) in b.tables or ObjectKey("view", t.schema, t.name) in b.objects:
        return None
    STATS["ahead"] += 1
    b.pos = stmt.pos(b.path)  # where _scan leaves it
    if b.replay is not None and b.record:
        # the worker's table becomes the entry; the builder changes a copy of it
        b.replay[key] = (t, stmt.line, stmt.col)
        return _copy_table(t, t.pos, None)
    return t


# ---- replay between the sides of a diff -----------------------------------------------------------

# replay key -> (the table as the statement left it, line and column of the statement)
Replay = dict[tuple[object, ...], tuple[TableState, int, int]]


def _replayed(stmt: RawStatement, b: Builder, entry: tuple[TableState, int, int]) -> TableState | None:
    """The recorded table for the same statement text read again (the other side of a diff), its
    positions moved to this statement; None when the builder's state makes it another statement."""
    tmpl, line, col = entry
    if (tmpl.schema, tmpl.name) in b.tables or ObjectKey("view", tmpl.schema, tmpl.name) in b.objects:
        return None  # exists: the general path raises or replaces
    path = b.path
    dline = stmt.line - line
    dcol = stmt.col - col

    def move(pos: SourcePos | None) -> SourcePos | None:
        if pos is None:
            return None
        # only the first line of a statement is offset by its start column (statement_pos)
        return SourcePos(path, pos.line + dline, pos.col + dcol if pos.line == line else pos.col)

    b.pos = stmt.pos(path)  # where the general path leaves it
    return _copy_table(tmpl, b.pos, move)


def _copy_table(
    t: TableState, pos: SourcePos | None, move: Callable[[SourcePos | None], SourcePos | None] | None
) -> TableState:
    """A copy of a settled table state sharing nothing mutable (columns are frozen and shared);
    `move` maps the positions of its keys, foreign keys and checks."""
    mv = move or (lambda p: p)
    return TableState(
        t.schema,
        t.name,
        columns=list(t.columns),
        engine=t.engine,
        charset=t.charset,
        collation=t.collation,
        comment=t.comment,
        options=dict(t.options),
        indexes={
            k: IndexState(
                ix.name,
                list(ix.parts),
                primary=ix.primary,
                unique=ix.unique,
                kind=ix.kind,
                method=ix.method,
                comment=ix.comment,
                invisible=ix.invisible,
                options=dict(ix.options),
                implicit=ix.implicit,
                pos=mv(ix.pos),
            )
            for k, ix in t.indexes.items()
        },
        fks={
            k: _fk_copy(fk, mv(fk.pos))
            for k, fk in t.fks.items()
        },
        checks={
            k: CheckState(ck.name, ck.expr, column=ck.column, enforced=ck.enforced, pos=mv(ck.pos))
            for k, ck in t.checks.items()
        },
        pos=pos,
    )


def _scan(stmt: RawStatement, b: Builder, m: re.Match[str]) -> TableState | None:
    text = stmt.text
    schema, name = b.schema_of(None), unquote(m.group(1))
    if (schema, name) in b.tables or ObjectKey("view", schema, name) in b.objects:
        return None  # exists: the general path raises or replaces
    close = text.rfind("\n)")
    if close < m.end() or text.find("\n", close + 1) >= 0:
        return None
    opts = _options(text[close + 2 :])
    if opts is None:
        return None
    t = TableState(schema, name, pos=b.pos)
    t.charset, t.collation = b.default_charset(schema)
    try:
        h.apply_table_options(b, t, opts)
    except ValueError:
        return None
    ctx = _context(b, t)
    # every element line: two spaces, the element, a comma unless it is the last
    items: list[tuple[int, ColumnItem | h.KeyDef]] = []
    start = m.end()
    lines = text[start:close].split("\n")
    last = len(lines) - 1
    names: set[str] = set()
    for i, line in enumerate(lines):
        if not line.startswith("  ") or line[2:3].isspace():
            return None
        if i < last:
            if not line.endswith(","):
                return None
            item = line[2:-1]
        else:
            if line.endswith(","):
                return None
            item = line[2:]
        got = _read_line(b, t, item, ctx)
        if got is None:
            return None
        if isinstance(got, tuple):
            low = got[0].name.lower()
            if low in names:
                return None  # a duplicate column: the general path reports it
            names.add(low)
        items.append((i, got))
    # from here on as handlers._fill_table: elements in textual order, settle_keys at the end
    path, first = b.path, stmt.line + 1
    for i, element in items:
        if isinstance(element, h.KeyDef):
            # stmt.pos(b.path, offset of the element): body line i is the statement's line i + 2,
            # and the element starts at its third character
            b.pos = SourcePos(path, first + i, 3)
            h.add_key(b, t, element)
            continue
        col, ks = element
        t.columns.append(col)
        for kd in ks:
            h.add_key(b, t, kd, column_level=col.name if kd.kind == "CHECK" else None)
    b.pos = stmt.pos(b.path)
    settle_keys(t, b)
    return t


def _fk_copy(fk: ForeignKeyState, pos: SourcePos | None) -> ForeignKeyState:
    """A foreign key's state with lists of its own (the builder changes them in place) at `pos`."""
    return ForeignKeyState(
        fk.name,
        list(fk.columns),
        fk.ref_schema,
        fk.ref_table,
        list(fk.ref_columns),
        on_delete=fk.on_delete,
        on_update=fk.on_update,
        pos=pos,
    )
