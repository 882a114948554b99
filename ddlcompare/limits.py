"""How large one statement may be: the bound that keeps memory at about 1 GB whatever the input.

A statement's parse tree costs about 1 KB of memory per token (pglast's tree as Python dicts,
sqlglot's and lark's as objects), so a 20 MB CHECK of a million `OR` terms would take 5 to 11 GB.
Strings, quoted names and dollar-quoted bodies count as one token each (a 50 MB literal is one
token); comments count for nothing. Real schemas stay far below the limit: no statement of the
shared corpus reaches 20,000 characters.
"""

from __future__ import annotations

import re

from ddlcompare.errors import DdlError

MAX_TOKENS = 250_000


class TooLarge(DdlError):
    """A statement over the limit: an error at its place (never retried another way)."""


def too_large(sql: str, token: re.Pattern[str]) -> str | None:
    """Why `sql` is too large to model, or None. `token` is the dialect's lexer in one pattern:
    each match is a comment (group 1 unset) or a token (group 1 set: a string, quoted name,
    dollar-quoted body, word or symbol). Cheap for ordinary statements: a statement with fewer characters
    than the limit cannot have more tokens."""
    if len(sql) <= MAX_TOKENS:
        return None
    count = 0
    for m in token.finditer(sql):
        if m.group(1) is not None:
            count += 1
            if count > MAX_TOKENS:
                return (
                    f"statement too large: more than {MAX_TOKENS:,} tokens outside strings and comments "
                    "(ddlcompare reads statements up to that size so that memory stays near 1 GB)"
                )
    return None
