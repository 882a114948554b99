"""Split a MySQL/MariaDB dump or DDL script into statements, the way the `mysql` client would.

What this handles, and why:

* `DELIMITER xx` client commands (any delimiter: `;;`, `$$`, `//`), case-insensitive, at a statement start.
* Versioned comments `/*!NNNNN ... */`, `/*M!NNNNNN ... */` and `/*! ... */`: their content is SQL
  (mysqldump puts whole triggers, events and views inside them, split over several consecutive
  comments such as `/*!50003 CREATE*/ /*!50017 DEFINER=...*/ /*!50003 TRIGGER ... END */;;`).
  The markers are *blanked* (replaced by spaces of the same length), so `text[i]` of a statement is
  always character `offset + i` of the file: a parser error at (line, col) inside `text` maps back to
  the file with `statement_pos()`.
* The MariaDB client sandbox line `/*M!999999\\- enable the sandbox mode */` is dropped like a comment.
* `/* */`, `-- ` and `#` comments; strings in both quote styles with backslash and doubled-quote
  escapes; backquoted identifiers. `NO_BACKSLASH_ESCAPES` set by an earlier `SET sql_mode` turns
  backslash escapes off, as the server would.
* Compound statements without DELIMITER (hand-written files, e.g. sqldef tests): while the delimiter is
  `;` and a statement is a CREATE TRIGGER/PROCEDURE/FUNCTION/EVENT, ALTER EVENT or `BEGIN NOT ATOMIC`,
  a `;` only ends it outside BEGIN ... END / CASE ... END nesting.
* A last statement without a delimiter.

The file is scanned with one compiled regex per delimiter (and escaping mode) whose match() skips plain
text and whole literals in C and stops at the next character that matters (delimiter, comment,
versioned marker): usually one match per statement, about 0.1 s for a 2,000-table (2-3 MB) dump.

Placeholder views: mysqldump writes every view twice. First a stand-in so that other views can refer
to it: old dumps write `/*!50001 CREATE TABLE `v` (...)*/`, newer ones `/*!50001 CREATE VIEW `v` AS
SELECT 1 AS `a`, ...*/` (MariaDB writes `NULL AS`), each followed later by `DROP TABLE`/`DROP VIEW` and
the real `CREATE ALGORITHM=... DEFINER=... VIEW v`. The rule a consumer applies is "a later CREATE
[OR REPLACE] VIEW of the same name wins": `superseded_placeholders()` returns the indexes of the
statements to skip; `is_view_placeholder()` recognises the view-shaped stand-in on its own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from ddlcompare.errors import DdlError
from ddlcompare.source import SourcePos


@dataclass(frozen=True, slots=True)
class RawStatement:
    """One statement: its text (versioned-comment markers blanked, delimiter removed) and where it starts."""

    text: str
    offset: int  # of text[0] in the file; text[i] is file character offset + i
    line: int  # 1-based line of text[0]
    col: int  # 1-based column (in characters) of text[0]
    versioned: bool  # some of the text came from inside a /*!...*/ or /*M!...*/ comment

    def pos(self, path: str, index: int = 0) -> SourcePos:
        """Source position of character `index` of `text` (for error messages)."""
        return statement_pos(self, path, index)


def statement_pos(stmt: RawStatement, path: str, index: int = 0, line: int = 0, col: int = 0) -> SourcePos:
    """File position of `stmt.text[index]`, or of a 1-based (line, col) inside `stmt.text` when line > 0."""
    if line <= 0:
        head = stmt.text[: max(0, index)]
        line = head.count("\n") + 1
        col = index - (head.rfind("\n") + 1) + 1
    # Only the first line of a statement is offset by its start column.
    return SourcePos(path, stmt.line + line - 1, stmt.col + col - 1 if line == 1 else col)


# -- the scanner -----------------------------------------------------------------------------------------

# Every alternative starts with a literal character and no global IGNORECASE is used, so that `re` can
# skip straight to candidate characters (its charset-prefix search); this is what makes the scanner
# fast. Possessive quantifiers keep an unterminated literal from backtracking exponentially.
_SQ = r"'(?:[^'\\]++|\\.|'')*+'"
_DQ = r'"(?:[^"\\]++|\\.|"")*+"'
_SQ_NOBS = r"'(?:[^']++|'')*+'"
_DQ_NOBS = r'"(?:[^"]++|"")*+"'
_BQ = r"`(?:[^`]++|``)*+`"
_SANDBOX_HEAD = "/*M!999999\\-"
_SANDBOX = r"/\*M!999999\\-[^*]*+\*/"
# Six version digits only when a space follows, so `/*!50003CREATE` still reads five.
_VOPEN = r"/\*M?!(?:\d{6}(?=\s)|\d{5})?"
_BLOCK = r"/\*.*?\*/"
_LINE = (r"--(?=[\x00-\x20]|\Z)[^\n]*+", r"\#[^\n]*+")
_BAD = ("'", '"', "`", r"/\*")  # an opening that did not match a terminated form above


def _compound_words() -> list[str]:
    """BEGIN / CASE / END [IF|LOOP|WHILE|REPEAT|CASE] as whole words, each alternative literal-first."""
    out = []
    for word in ("BEGIN", "CASE", "END"):
        tail = r"(?:\s++(?:IF|LOOP|WHILE|REPEAT|CASE)(?![\w$]))?" if word == "END" else ""
        for first in (word[0], word[0].lower()):
            out.append(rf"{first}(?<![\w$.@]{first})(?i:{word[1:]}{tail})(?![\w$])")
    return out


@lru_cache(maxsize=32)
def _scanner(delimiter: str, backslash: bool, compound: bool) -> re.Pattern[str]:
    """The regex that skips to and captures the next interesting token (group 1; None at the end).

    The skipped part is everything that cannot end a statement or open a comment: plain text and
    complete quoted literals. One match() usually covers a whole statement up to its delimiter.
    """
    sq, dq = (_SQ, _DQ) if backslash else (_SQ_NOBS, _DQ_NOBS)
    words = _compound_words() if compound else []
    specials = "/*-" + delimiter[0] + ("BbCcEe" if compound else "")
    special_class = "".join(sorted({re.escape(ch) for ch in specials}))
    plain = rf"[^'\"`#{special_class}]++"
    starts_token = "|".join([r"/\*", r"\*/", _LINE[0], re.escape(delimiter), *words])
    lone = rf"(?!{starts_token})[{special_class}]"
    tokens = [sq, dq, _BQ, _SANDBOX, _VOPEN, _BLOCK, r"\*/", *_LINE, re.escape(delimiter), *words, *_BAD]
    return re.compile(rf"(?:{plain}|{sq}|{dq}|{_BQ}|{lone})*+({'|'.join(tokens)})?", re.S)


_DELIMITER_CMD = re.compile(r"delimiter[ \t]+(\S+)[^\n]*", re.I)
_NON_SPACE = re.compile(r"\S")
# Statements whose body may hold `;` inside BEGIN ... END (recognised on the raw text).
_USER = r"(?:`(?:[^`]|``)*`|'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|[\w.$%-]+)"
_DEFINER_CLAUSE = rf"DEFINER\s*=\s*(?:CURRENT_USER(?:\s*\(\s*\))?|{_USER}(?:\s*@\s*{_USER})?)"
_DEFINER = _DEFINER_CLAUSE + r"\s+"
_ROUTINE_HEAD = re.compile(
    rf"(?:CREATE\s+(?:OR\s+REPLACE\s+)?(?:{_DEFINER})?(?:AGGREGATE\s+)?(?:TRIGGER|PROCEDURE|FUNCTION|EVENT)"
    rf"|ALTER\s+(?:{_DEFINER})?EVENT|BEGIN\s+NOT\s+ATOMIC)(?![\w$])",
    re.I,
)
_SQL_MODE_SET = re.compile(r"SET\b.*\bsql_mode\b", re.I | re.S)
_ASSIGN = re.compile(
    r"(@@(?:session\.|global\.|local\.)?sql_mode|(?<![@\w])sql_mode|@[\w.$]+)\s*:?=\s*"
    r"('(?:[^'\\]|\\.|'')*'|\"(?:[^\"\\]|\\.|\"\")*\"|@@[\w.]+|@[\w.$]+|\w+)",
    re.I,
)


class _ModeTracker:
    """Follows `SET sql_mode` so that NO_BACKSLASH_ESCAPES changes string scanning as on the server."""

    __slots__ = ("mode", "saved")

    def __init__(self) -> None:
        self.mode = ""  # unknown server default: assume backslash escapes (the MySQL default)
        self.saved: dict[str, str] = {}

    def feed(self, text: str) -> None:
        """Update from one statement's text (only SET statements naming sql_mode matter)."""
        if not _SQL_MODE_SET.match(text):
            return
        for target, value in _ASSIGN.findall(text):
            target = target.lower()
            if value[:1] in "'\"":
                resolved = value[1:-1]
            elif value.lower().startswith("@@"):
                resolved = self.mode if "sql_mode" in value.lower() else ""
            elif value.startswith("@"):
                resolved = self.saved.get(value.lower(), "")
            else:
                resolved = value  # DEFAULT or a bare word: treat as a mode list
            if target.endswith("sql_mode") and not target.startswith("@@global"):
                self.mode = resolved if resolved.upper() != "DEFAULT" else ""
            elif target.startswith("@") and not target.startswith("@@"):
                self.saved[target] = resolved

    @property
    def backslash(self) -> bool:
        """Whether backslash is an escape character in string literals."""
        return "NO_BACKSLASH_ESCAPES" not in self.mode.upper()


def split(text: str, path: str) -> list[RawStatement]:
    """Split `text` (the content of `path`) into statements; raise DdlError on an unterminated literal."""
    out: list[RawStatement] = []
    modes = _ModeTracker()
    delimiter = ";"
    pos = 0
    n = len(text)
    start = -1  # offset of the current statement's first character, -1 between statements
    blanks: list[tuple[int, int]] = []  # versioned-comment markers inside the current statement
    vopen_at: list[int] = []  # open versioned comments (they nest in MySQL's KEY ALGORITHM output)
    depth = 0  # BEGIN/CASE nesting inside a routine statement
    line_no = 1
    line_from = 0  # offset up to which line_no has been counted
    rx = _scanner(delimiter, True, False)

    def error(message: str, at: int) -> DdlError:
        return DdlError(message, SourcePos.from_offset(path, text, at))

    while True:
        m = rx.match(text, pos)
        assert m is not None  # the pattern can match the empty string
        g = m.group(1)
        at = m.start(1) if g is not None else m.end()
        if g is None and at < n:  # pragma: no cover - every character is either skipped or a token
            raise error("cannot split here", at)
        if start < 0:
            nz = _NON_SPACE.search(text, pos, at)
            if nz is not None:
                # A statement starts here, unless it is the DELIMITER client command.
                head = nz.start()
                cmd = _DELIMITER_CMD.match(text, head)
                if cmd is not None:
                    delimiter = cmd.group(1)
                    pos = cmd.end()
                    rx = _scanner(delimiter, modes.backslash, False)
                    continue
                start = head
                depth = 0
                if delimiter == ";" and _ROUTINE_HEAD.match(text, head) is not None:
                    # a routine whose `;` may be inside BEGIN ... END
                    rx = _scanner(delimiter, modes.backslash, True)
                    pos = head  # rescan the head with the scanner that sees BEGIN/END
                    continue
        if g is None:
            break
        c = g[0]
        pos = m.end()
        if c == "'" or c == '"' or c == "`":
            if len(g) == 1:
                raise error("unterminated " + ("quoted identifier" if c == "`" else "string"), at)
            if start < 0:
                start = at
            continue
        if g == delimiter:
            if vopen_at or depth > 0:
                continue
            if start >= 0:
                cut = _cut(text, start, at, blanks)
                if cut is not None:
                    stripped, off = cut
                    line_no += text.count("\n", line_from, off)
                    line_from = off
                    col = off - text.rfind("\n", 0, off)
                    out.append(RawStatement(stripped, off, line_no, col, bool(blanks)))
                    if stripped[0] in "Ss":  # only SET statements can change sql_mode
                        modes.feed(stripped)
                start = -1
                blanks.clear()
                rx = _scanner(delimiter, modes.backslash, False)
            continue
        if c == "/":
            if g.startswith(_SANDBOX_HEAD):
                continue  # the MariaDB client's sandbox command: not SQL
            if g[2:3] == "!" or g[2:4] == "M!":
                if start < 0:
                    start = at
                vopen_at.append(at)
                blanks.append((at, pos))
            elif len(g) == 2:
                raise error("unterminated comment", at)
            continue
        if c == "*":
            if vopen_at:
                vopen_at.pop()
                blanks.append((at, pos))
            elif start < 0:
                start = at
            continue
        if c == "-" or c == "#":
            continue
        # BEGIN / CASE / END [...] inside a routine statement
        word = g[:3].upper()
        if word == "BEG" or word == "CAS":
            depth += 1
        elif depth > 0 and (len(g) == 3 or g.rsplit(None, 1)[-1].upper() == "CASE"):
            depth -= 1  # END closes BEGIN or a CASE expression, END CASE a CASE statement
    if vopen_at:
        raise error("unterminated versioned comment", vopen_at[-1])
    cut = _cut(text, start, n, blanks) if start >= 0 else None
    if cut is not None:  # the last statement had no delimiter
        stripped, off = cut
        line_no += text.count("\n", line_from, off)
        out.append(RawStatement(stripped, off, line_no, off - text.rfind("\n", 0, off), bool(blanks)))
    return out


def _cut(text: str, start: int, end: int, blanks: list[tuple[int, int]]) -> tuple[str, int] | None:
    """text[start:end] with versioned markers blanked, trimmed, and its offset; None when empty."""
    body = text[start:end]
    if blanks:
        pieces = []
        last = start
        for b0, b1 in blanks:
            pieces.append(text[last:b0])
            pieces.append(" " * (b1 - b0))
            last = b1
        pieces.append(text[last:end])
        body = "".join(pieces)
    stripped = body.strip()
    if not stripped:
        return None
    return stripped, start + (len(body) - len(body.lstrip()))


def unwrap_versioned(text: str) -> str:
    """`text` with versioned-comment markers (`/*!50100`, `/*M!100100`, `*/`) blanked, same length."""
    if "/*" not in text:
        return text
    rx = _scanner("\x00", True, False)
    pieces: list[str] = []
    last = 0
    depth = 0
    pos = 0
    while True:
        m = rx.match(text, pos)
        g = m.group(1) if m is not None else None
        if m is None or g is None:
            break
        pos = m.end()
        opening = g[:3] == "/*!" or (g[:4] == "/*M!" and not g.startswith(_SANDBOX_HEAD))
        if opening or (g == "*/" and depth > 0):
            depth += 1 if opening else -1
            pieces.append(text[last : m.start(1)])
            pieces.append(" " * (m.end() - m.start(1)))
            last = m.end()
    pieces.append(text[last:])
    return "".join(pieces)


# -- classification --------------------------------------------------------------------------------------

_NOISE = re.compile(
    r"""(?:
        SET(?![\w$])(?!\s+(?:PASSWORD|ROLE|DEFAULT\s+ROLE)(?![\w$]))
      | (?:LOCK|UNLOCK)\s+TABLES?(?![\w$])
      | USE(?![\w$])
      | (?:START\s+TRANSACTION|COMMIT|ROLLBACK|BEGIN(?:\s+WORK)?\s*$)(?![\w$])
      | ALTER\s+TABLE\s+\S+\s+(?:DISABLE|ENABLE)\s+KEYS\s*$
      | FLUSH(?![\w$])
    )""",
    re.I | re.X,
)
_IDENT = r"(?:`(?:[^`]|``)*`|\"(?:[^\"]|\"\")*\"|[\w$]+)"
_USE = re.compile(rf"USE\s+({_IDENT})\s*$", re.I)


def is_noise(stmt: RawStatement | str) -> bool:
    """True for statements that only change session state: SET, LOCK/UNLOCK TABLES, USE, transactions.

    `USE` is noise for the schema but changes the current database: see `use_database()`.
    """
    text = stmt.text if isinstance(stmt, RawStatement) else stmt
    return not text.strip() or _NOISE.match(text) is not None


def unquote(name: str) -> str:
    """An identifier without its backquotes (or ANSI double quotes), doubled quotes undone."""
    if len(name) >= 2 and name[0] == name[-1] and name[0] in '`"':
        q = name[0]
        return name[1:-1].replace(q + q, q)
    return name


def use_database(stmt: RawStatement | str) -> str | None:
    """The database a `USE db` statement switches to, else None."""
    text = stmt.text if isinstance(stmt, RawStatement) else stmt
    m = _USE.match(text)
    return unquote(m.group(1)) if m else None


_CREATE_KIND = re.compile(
    rf"CREATE\s+(?:OR\s+REPLACE\s+)?(?:(?:ALGORITHM\s*=\s*\w+|{_DEFINER_CLAUSE}"
    r"|SQL\s+SECURITY\s+\w+|AGGREGATE|UNIQUE|FULLTEXT|SPATIAL|VECTOR|TEMPORARY|ONLINE|OFFLINE)\s+)*"
    r"(TABLE|VIEW|INDEX|TRIGGER|PROCEDURE|FUNCTION|EVENT|SEQUENCE|DATABASE|SCHEMA|SERVER|TABLESPACE"
    r"|LOGFILE\s+GROUP|USER|ROLE|PACKAGE\s+BODY|PACKAGE)(?![\w$])",
    re.I,
)


def create_kind(stmt: RawStatement | str) -> str | None:
    """The object kind a CREATE statement makes (TABLE, VIEW, INDEX, TRIGGER, ...), upper case, else None."""
    text = stmt.text if isinstance(stmt, RawStatement) else stmt
    m = _CREATE_KIND.match(text)
    return " ".join(m.group(1).upper().split()) if m else None


_QNAME = rf"({_IDENT})(?:\s*\.\s*({_IDENT}))?"
_CREATE_VIEW = re.compile(
    rf"CREATE\s+(?:OR\s+REPLACE\s+)?(?:ALGORITHM\s*=\s*\w+\s+)?(?:{_DEFINER})?"
    rf"(?:SQL\s+SECURITY\s+\w+\s+)?VIEW\s+(?:IF\s+NOT\s+EXISTS\s+)?{_QNAME}",
    re.I,
)
_CREATE_TABLE = re.compile(
    rf"CREATE\s+(?:OR\s+REPLACE\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?{_QNAME}",
    re.I,
)
_PLACEHOLDER_VIEW = re.compile(
    rf"CREATE\s+VIEW\s+{_QNAME}\s+AS\s+SELECT\s+"
    rf"(?:(?:NULL|\d+|'[^']*')\s+AS\s+{_IDENT}\s*,\s*)*(?:NULL|\d+|'[^']*')\s+AS\s+{_IDENT}\s*$",
    re.I,
)


def is_view_placeholder(stmt: RawStatement | str) -> bool:
    """True for mysqldump's stand-in view `CREATE VIEW v AS SELECT 1 AS a, NULL AS b` (no options)."""
    text = stmt.text if isinstance(stmt, RawStatement) else stmt
    return _PLACEHOLDER_VIEW.match(text) is not None


def _qualified(m: re.Match[str], db: str | None) -> tuple[str | None, str]:
    if m.group(2) is not None:
        return unquote(m.group(1)), unquote(m.group(2))
    return db, unquote(m.group(1))


def superseded_placeholders(stmts: Sequence[RawStatement]) -> frozenset[int]:
    """Indexes of CREATE TABLE / CREATE VIEW statements replaced by a later CREATE VIEW of the same name.

    mysqldump's stand-ins for views are exactly these; `USE db` statements are followed so that
    names in different databases do not collide.
    """
    db: str | None = None
    creates: list[tuple[int, tuple[str | None, str], bool]] = []  # index, name, is_view
    for i, stmt in enumerate(stmts):
        text = stmt.text
        head = text[:6].upper()
        if head.startswith("USE") and (len(text) == 3 or text[3:4].isspace()):
            db = use_database(text) or db
            continue
        if head != "CREATE":
            continue
        mv = _CREATE_VIEW.match(text)
        if mv:
            creates.append((i, _qualified(mv, db), True))
            continue
        mt = _CREATE_TABLE.match(text)
        if mt:
            creates.append((i, _qualified(mt, db), False))
    out: set[int] = set()
    seen_view: set[tuple[str | None, str]] = set()
    for i, name, is_view in reversed(creates):
        if name in seen_view:
            out.add(i)
        if is_view:
            seen_view.add(name)
    return frozenset(out)
