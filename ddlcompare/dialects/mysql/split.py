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
  a `;` only ends it outside BEGIN ... END / CASE ... END nesting. A BEGIN whose END never comes is an
  error at the BEGIN: read on, it would swallow the rest of the file (the client would end the
  statement at the first `;`, where the server refuses it).
* With another delimiter the client sends the text up to it as one query, and the server runs every
  statement in it (the client turns multi-statements on): such a query is split at `;` again
  (`_server_split()`), so `DELETE FROM t; CREATE TABLE u ...;;` creates u. The same goes for the rest
  of the file when the delimiter never comes again (the client sends it at the end of the input).
* A last statement without a delimiter.
* What would silently lose text is an error at its position: a `--`/`#` comment or a DELIMITER line
  running on past a carriage return (MySQL ends lines only at LF: a file with CR-only line ends would
  be one line), text after the delimiter on a DELIMITER line (the client ignores it), a DELIMITER line
  inside a query (its delimiter was left out before it; the server refuses it).

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
from typing import Protocol

from ddlcompare.errors import DdlError
from ddlcompare.source import SourcePos


class _ErrorAt(Protocol):
    """Makes the DdlError for a message at an offset (of the file, or of the text being split)."""

    def __call__(self, message: str, at: int, hint: str | None = None) -> DdlError: ...


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
    """BEGIN / CASE / END [IF|LOOP|WHILE|REPEAT|CASE|FOR] as whole words, each alternative literal-first
    (MariaDB's FOR loop ends with END FOR)."""
    out = []
    for word in ("BEGIN", "CASE", "END"):
        tail = r"(?:\s++(?:IF|LOOP|WHILE|REPEAT|CASE|FOR)(?![\w$]))?" if word == "END" else ""
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
_USER = r"(?:`(?:[^`]++|``)*+`|'(?:[^'\\]++|\\.)*+'|\"(?:[^\"\\]++|\\.)*+\"|[\w.$%-]+)"
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
    r"('(?:[^'\\]++|\\.|'')*+'|\"(?:[^\"\\]++|\\.|\"\")*+\"|@@[\w.]+|@[\w.$]+|\w+)",
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


_DELIMITER_HINT = "(the delimiter hint)"  # sentinel: sub_error's default hint, made when needed


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

    opens: list[int] = []  # offsets of the BEGIN/CASE words not yet closed (depth == len(opens))
    delimiter_at = 0  # offset of the DELIMITER command that set the current delimiter

    def error(message: str, at: int, hint: str | None = None) -> DdlError:
        return DdlError(message, SourcePos.from_offset(path, text, at), hint=hint)

    def emit(lo: int, hi: int, tail: bool = False) -> None:
        """Append the statement(s) text[lo:hi] (the delimiter cut off) to `out`.

        With a delimiter other than `;` the mysql client sends text[lo:hi] as one query, which the
        server splits into its statements at `;` (the client enables multi-statements):
        `_server_split()` does the same. `tail`: the input ended before the delimiter came.
        """
        nonlocal line_no, line_from
        body = _blanked(text, lo, hi, blanks)
        if delimiter == ";":
            spans = [(0, len(body))]
            if body.rstrip()[-9:].upper() == "DELIMITER":
                stray = _DELIMITER_AT_END.search(body.rstrip())
                if stray is not None:  # `CREATE ...\nDELIMITER ;;`: the `;` before it left out
                    raise error(_INSIDE, lo + stray.start(1))
        else:

            def sub_error(message: str, at: int, hint: str | None = _DELIMITER_HINT) -> DdlError:
                if hint is not _DELIMITER_HINT:
                    return error(message, lo + at, hint)
                # the default hint counts the file's lines up to the DELIMITER command: only when
                # there is an error (done for every statement, it made splitting quadratic)
                where = SourcePos.from_offset(path, text, delimiter_at).line
                hint = (
                    f"the delimiter is {delimiter!r} here (DELIMITER at line {where}): the mysql client "
                    f"sends the text up to the next {delimiter!r} as one query, and the server splits it "
                    "at `;`"
                )
                return error(message, lo + at, hint)

            spans = _server_split(body, modes.backslash, tail, sub_error)
        for s0, s1 in spans:
            # leading comments off: a statement is classified by its first word (a comment left in
            # front of it, as after a versioned marker or a `;` in a query, would hide it)
            lead = _LEADING_COMMENTS.match(body, s0, s1)
            first = lead.end() if lead is not None else s0
            stripped = body[first:s1].rstrip()
            if not stripped:
                continue
            off = lo + first
            line_no += text.count("\n", line_from, off)
            line_from = off
            col = off - text.rfind("\n", 0, off)
            versioned = any(b0 < lo + s1 and b1 > lo + s0 for b0, b1 in blanks)
            out.append(RawStatement(stripped, off, line_no, col, versioned))
            if stripped[0] in "Ss":  # only SET statements can change sql_mode
                modes.feed(stripped)

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
                    _check_delimiter_line(cmd, error)
                    delimiter = cmd.group(1)
                    delimiter_at = head
                    pos = cmd.end()
                    rx = _scanner(delimiter, modes.backslash, False)
                    continue
                start = head
                depth = 0
                opens.clear()
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
            if depth > 0:
                continue
            if vopen_at:
                # the client ends the statement here all the same (and the server then refuses the
                # unterminated comment); read on, `/*!40101 SET @a = 1; CREATE TABLE ... */` would
                # be one SET statement, ignored
                raise error(
                    f"the delimiter {delimiter!r} inside a versioned comment: the mysql client ends the "
                    "statement here, inside the comment",
                    at,
                )
            if start >= 0:
                emit(start, at)
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
            _check_line_comment(g, at, error)
            continue
        # BEGIN / CASE / END [...] inside a routine statement
        word = g[:3].upper()
        if word == "BEG" or word == "CAS":
            depth += 1
            opens.append(at)
        elif depth > 0 and (len(g) == 3 or g.rsplit(None, 1)[-1].upper() == "CASE"):
            depth -= 1  # END closes BEGIN or a CASE expression, END CASE a CASE statement
            opens.pop()
    if vopen_at:
        raise error("unterminated versioned comment", vopen_at[-1])
    if start >= 0 and opens:
        message, hint = _unclosed_block(text[opens[0] : opens[0] + 5])
        raise error(message, opens[0], hint)
    if start >= 0:  # the last statement had no delimiter
        emit(start, n, tail=True)
    return out


def _unclosed_block(word: str) -> tuple[str, str]:
    """Message and hint for a BEGIN (or CASE) whose END never comes before the end of the input."""
    word = word.split()[0].upper() if word.split() else "BEGIN"
    return (
        f"{word} without a matching END: the statement runs on to the end of the file",
        "a routine, trigger or event body holding `;` must end with END; without DELIMITER "
        "the mysql client ends the statement at the first `;`",
    )


def _check_line_comment(comment: str, at: int, error: _ErrorAt) -> None:
    """Refuse a `--` or `#` comment that runs on past a carriage return into more text.

    MySQL ends these comments only at a line feed: in a file with CR-only line ends (old Mac
    files) the comment swallows every following "line" to the end of the file, silently (the
    mysql client does the same).
    """
    cr = comment.find("\r")
    if cr >= 0 and comment[cr:].strip():
        raise error(
            "this comment runs on past a carriage return (CR): MySQL ends `--` and `#` comments only at "
            "a line feed, so the text after the CR is comment too; convert CR line ends to LF",
            at,
        )


def _check_delimiter_line(cmd: re.Match[str], error: _ErrorAt) -> None:
    """Refuse text after the delimiter on a DELIMITER line: the mysql client ignores it silently,
    and with CR-only line ends it is the rest of the file."""
    rest = cmd.string[cmd.end(1) : cmd.end()]
    body = rest.strip()
    if not body or (body.startswith(("--", "#", "/*")) and "\r" not in rest.strip(" \t\r")):
        return
    at = cmd.end(1) + (len(rest) - len(rest.lstrip()))
    if "\r" in rest.rstrip():
        raise error(
            "this DELIMITER line runs on past a carriage return (CR): the mysql client ends a line only "
            "at a line feed; convert CR line ends to LF",
            at,
        )
    raise error(
        f"text after the delimiter {cmd.group(1)!r} on a DELIMITER line (the mysql client ignores it); "
        "put it on a line of its own",
        at,
    )


_COMPOUND_HEAD = re.compile(
    r"(?:[\w$]+\s*:\s*)?(?:BEGIN|IF|CASE|LOOP|WHILE|REPEAT|FOR)(?![\w$])"
    rf"|CREATE\s+(?:OR\s+REPLACE\s+)?(?:{_DEFINER})?PACKAGE(?![\w$])",
    re.I,
)
_LEADING_COMMENTS = re.compile(r"(?:\s++|/\*.*?\*/|(?:--(?=[\x00-\x20]|\Z)|\#)[^\n]*+)*+", re.S)


_INSIDE = "DELIMITER inside a statement: the statement before it is not ended by the delimiter"
_DELIMITER_AT_END = re.compile(r"(?:\A|\n)[ \t]*+(DELIMITER)[ \t]*+\Z", re.I)
# after DELIMITER any blank but a line break: a no-break space is no separator to the client, which
# then sends the line inside the query, where it is a syntax error all the same
_DELIMITER_LINE_HINT = re.compile(r"^[ \t]*+DELIMITER[^\S\n]", re.I | re.M)
# A whole DELIMITER command line (one word after it), found outside literals and comments.
_DELIMITER_LINE = re.compile(
    rf"{_SQ}|{_DQ}|{_BQ}|{_BLOCK}|{_LINE[0]}|{_LINE[1]}|^[ \t]*+(DELIMITER)[^\S\n]++\S++[ \t\r]*+$",
    re.I | re.M | re.S,
)


def _check_no_delimiter_line(body: str, start: int, end: int, error: _ErrorAt) -> None:
    """Refuse a DELIMITER command line inside one query: the client sends it to the server, for
    which it is a syntax error (the delimiter before it was left out)."""
    if _DELIMITER_LINE_HINT.search(body, start, end) is None:
        return
    for m in _DELIMITER_LINE.finditer(body, start, end):
        if m.group(1) is not None:
            raise error(_INSIDE, m.start(1))


def _server_split(body: str, backslash: bool, tail: bool, error: _ErrorAt) -> list[tuple[int, int]]:
    """Spans of the statements in one query sent with a delimiter other than `;` (`body`: its text,
    versioned markers blanked), split at `;` as the server does with multi-statements.

    A statement that is not a routine, trigger, event, package or compound statement cannot hold a
    `;` (outside literals and comments): its first `;` ends it. One that can is followed through
    BEGIN/CASE ... END nesting; a `;` outside them ends it only when no END follows in the query,
    since IF/LOOP/WHILE/REPEAT bodies (not followed here) also hold `;` (then the rest stays one
    statement, as before). `tail`: the input ended inside this query, so a BEGIN left open is an
    error (not so for a query ended by its delimiter: it is bounded, and the routine handlers read it).
    """
    spans: list[tuple[int, int]] = []
    n = len(body)
    last_end = -2  # offset of the last END word outside literals and comments (-1: none)
    pos = 0
    while pos < n:
        lead = _LEADING_COMMENTS.match(body, pos)
        head = lead.end() if lead is not None else pos
        if head >= n:
            break  # only comments left
        after = body[head + 9 : head + 10]
        if body[head : head + 9].upper() == "DELIMITER" and after.isspace() and after != "\n":
            raise error(_INSIDE, head)
        compound = _ROUTINE_HEAD.match(body, head) is not None or _COMPOUND_HEAD.match(body, head) is not None
        rx = _scanner(";", backslash, compound)
        opens: list[int] = []
        p = head
        cut = n
        while True:
            m = rx.match(body, p)
            assert m is not None  # the pattern can match the empty string
            g = m.group(1)
            if g is None:
                break
            at = m.start(1)
            p = m.end()
            if g == ";":
                if opens:
                    continue
                if compound:
                    if last_end == -2:
                        last_end = _last_end_word(body, backslash)
                    if last_end > at:
                        break  # an END follows: maybe a construct not followed here; keep it whole
                cut = at
                break
            c = g[0]
            if c in "'\"`/*-#":
                continue  # literals and comments (checked by the first scan)
            word = g[:3].upper()
            if word == "BEG" or word == "CAS":
                opens.append(at)
            elif opens and (len(g) == 3 or g.rsplit(None, 1)[-1].upper() == "CASE"):
                opens.pop()
        if cut == n and opens and tail:
            message, hint = _unclosed_block(body[opens[0] : opens[0] + 5])
            raise error(message, opens[0], hint)
        stray = _DELIMITER_AT_END.search(body, head, cut)
        if stray is not None:
            # `END\nDELIMITER ;`: the delimiter was left out before the DELIMITER line
            raise error(_INSIDE, stray.start(1))
        _check_no_delimiter_line(body, head, cut, error)
        spans.append((pos, cut))
        pos = cut + 1
    return spans


def _last_end_word(body: str, backslash: bool) -> int:
    """Offset of the last END word of `body` outside literals and comments, -1 when none."""
    rx = _scanner(";", backslash, True)
    last = -1
    p = 0
    while True:
        m = rx.match(body, p)
        if m is None or m.group(1) is None:
            return last
        g = m.group(1)
        if g[0] in "Ee":
            last = m.start(1)
        p = m.end()


def _blanked(text: str, start: int, end: int, blanks: list[tuple[int, int]]) -> str:
    """text[start:end] with the versioned markers in `blanks` replaced by spaces (same length)."""
    if not blanks:
        return text[start:end]
    pieces = []
    last = start
    for b0, b1 in blanks:
        pieces.append(text[last:b0])
        pieces.append(" " * (b1 - b0))
        last = b1
    pieces.append(text[last:end])
    return "".join(pieces)


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
_IDENT = r"(?:`(?:[^`]++|``)*+`|\"(?:[^\"]++|\"\")*+\"|[\w$]+)"
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
