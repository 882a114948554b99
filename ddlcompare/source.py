"""Source positions: where in which file an object or an error comes from."""

from __future__ import annotations

import re
from typing import NamedTuple

# C0/C1 controls and the bidirectional overrides ("Trojan source"): printed escaped, never obeyed,
# so that a file name or a quoted token cannot forge a line of output or reorder what a reader sees.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """`text` with control characters shown as escapes (`\\n`, `\\x00`, `\\u202e`)."""
    if _UNPRINTABLE.search(text) is None:
        return text
    return _UNPRINTABLE.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), text)


class SourcePos(NamedTuple):
    """A 1-based line and column (in characters) inside a named source.

    A NamedTuple: every statement of a large file gets one, and replay hashes and compares them,
    which tuples do in C.
    """

    path: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{printable(self.path)}:{self.line}:{self.col}"

    @classmethod
    def from_offset(cls, path: str, text: str, offset: int) -> SourcePos:
        """Position of character `offset` of `text`."""
        offset = max(0, min(offset, len(text)))
        line_start = text.rfind("\n", 0, offset) + 1
        return cls(path, text.count("\n", 0, offset) + 1, offset - line_start + 1)


class LineIndex:
    """Offset -> SourcePos for one text, in O(log n) per lookup (a dump has 100k statements)."""

    __slots__ = ("_starts", "path", "text")

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        starts = [0]
        find = text.find
        i = find("\n")
        while i >= 0:
            starts.append(i + 1)
            i = find("\n", i + 1)
        self._starts = starts

    def pos(self, offset: int) -> SourcePos:
        """Position of character `offset`."""
        from bisect import bisect_right

        line = bisect_right(self._starts, offset)
        return SourcePos(self.path, line, offset - self._starts[line - 1] + 1)


class LineCursor:
    """Positions of (mostly) increasing offsets in one pass: statements come in file order, so
    counting the newlines since the previous offset is all the work there is."""

    __slots__ = ("_line", "_line_start", "_off", "path", "text")

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        self._off = 0
        self._line = 1
        self._line_start = 0

    def pos(self, offset: int) -> SourcePos:
        """Position of character `offset`."""
        if offset < self._off:
            return SourcePos.from_offset(self.path, self.text, offset)
        text = self.text
        n = text.count("\n", self._off, offset)
        if n:
            self._line += n
            self._line_start = text.rfind("\n", self._off, offset) + 1
        self._off = offset
        return SourcePos(self.path, self._line, offset - self._line_start + 1)
