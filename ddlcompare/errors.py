"""The one exception ddlcompare raises on purpose, the wrapper for the ones it does not, and warnings
about input it cannot model."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ddlcompare.source import SourcePos, printable

# Longest message printed whole: an error quoting a 50 MB token must stay readable (a message
# listing every missing grant with its GRANT statement is about 1,000 characters).
MESSAGE_LIMIT = 2000


# a quoted excerpt of the input after "near" (`at or near "..."`, the parsers' syntax errors) longer
# than this is cut to its start; only there, as other messages quote several names in a row
EXCERPT_LIMIT = 80
_LONG_EXCERPT = re.compile(
    "near (?:" + "|".join(f"{q}[^{q}\\n]{{{EXCERPT_LIMIT + 1},}}+{q}" for q in ("\"", "'", "`")) + ")"
)


def _cut_excerpt(m: re.Match[str]) -> str:
    quote, body = m.group(0)[5], m.group(0)[6:-1]
    return f"near {quote}{body[: EXCERPT_LIMIT - 20]}...{quote} ({len(body):,} characters)"


def shorten(text: str, limit: int = MESSAGE_LIMIT) -> str:
    """`text` with a long quoted excerpt after "near" cut to its start, then cut in the middle to
    about `limit` characters, saying how much was left out."""
    if len(text) > EXCERPT_LIMIT:
        text = _LONG_EXCERPT.sub(_cut_excerpt, text)
    if len(text) <= limit:
        return text
    half = limit // 2
    return f"{text[:half]} ... ({len(text) - 2 * half} characters omitted) ... {text[-half:]}"


def _show_pos(pos: SourcePos | None) -> str:
    return f"{pos}: " if pos else ""


class DdlError(Exception):
    """Bad input or unsupported DDL; printed as `file:line:col: error: message`, exit code 2."""

    def __init__(self, message: str, pos: SourcePos | None = None, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.pos = pos
        self.hint = hint

    def __str__(self) -> str:
        text = f"{_show_pos(self.pos)}error: {printable(shorten(self.message))}"
        return text + (f"\n  hint: {printable(shorten(self.hint))}" if self.hint else "")


class InternalError(Exception):
    """An exception ddlcompare did not expect, with the input position it was working on when known.

    The command line prints it as `ddlcompare: internal error: ...` and exits 2 (never 1, which
    would read as "differences found"); `--debug` adds the traceback of `cause`.
    """

    def __init__(self, cause: BaseException, pos: SourcePos | None = None) -> None:
        super().__init__(f"{type(cause).__name__}: {cause}")
        self.cause = cause
        self.pos = pos

    def __str__(self) -> str:
        detail = printable(shorten(f"{type(self.cause).__name__}: {self.cause}"))
        return f"{_show_pos(self.pos)}internal error: {detail}"


TOO_DEEP = "nested too deeply to read (parentheses, expressions or subqueries)"


def located(exc: Exception, pos: SourcePos | None) -> Exception:
    """What to raise for `exc`, met while working on the input at `pos`: DdlError and InternalError
    pass through; running out of stack (deeply nested input) is the input's error; anything else
    is an InternalError at `pos`."""
    if isinstance(exc, DdlError):
        if exc.pos is None:
            exc.pos = pos  # raised where the statement's position was not at hand
        return exc
    if isinstance(exc, InternalError):
        return exc
    if isinstance(exc, RecursionError):
        return DdlError(TOO_DEEP, pos)
    return InternalError(exc, pos)


@dataclass(frozen=True, slots=True)
class Warning:
    """Something read but not modelled (kept as an opaque object) or ignored on purpose."""

    message: str
    pos: SourcePos | None = None

    def __str__(self) -> str:
        return f"{_show_pos(self.pos)}warning: {printable(shorten(self.message))}"
