"""`--mask`: the report and the JSON without the values a schema may hold that are not for every
reader (a default holding a token, a comment naming a customer, the literals of a CHECK, a
routine's body), so that they can be posted where the schema itself may not be. The SQL scripts
are never masked: they must apply the real values.

Values are masked where the model names them (a column's default, an object's comment, a body),
and statements and expressions by their literals: string literals keep their quotes and lose their
text, numbers are masked after DEFAULT and inside CHECK (...) (elsewhere they are sizes, such as
varchar(255), which say nothing)."""

from __future__ import annotations

from dataclasses import dataclass

MASK = "<masked>"

# model fields whose whole value is masked: defaults, comments and bodies (a MySQL trigger's
# action is its body); named as `field_reasons` and the JSON name them
MASKED_FIELDS = frozenset({"default", "comment", "comments", "body", "body_sql", "action", "definition"})
# kinds whose statements are mostly a body: masked whole, but for their first line
ROUTINE_KINDS = frozenset({"function", "procedure", "aggregate", "trigger", "event", "constraint_trigger"})

_WORD = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_$")
_DIGITS = frozenset("0123456789")


@dataclass(frozen=True, slots=True)
class Masking:
    """How a dialect quotes its literals, which is all masking needs to know of it."""

    backslash_escapes: bool = False  # '\'' escapes a quote (MySQL; PostgreSQL only in E'...')
    double_quoted_strings: bool = False  # "..." is a string (MySQL), not an identifier
    dollar_quotes: bool = False  # $tag$...$tag$ strings (PostgreSQL)

    def value(self, text: str | None) -> str | None:
        """A masked field's value: the placeholder, or None when there is none."""
        return None if text is None else MASK

    def reason(self, reason: str) -> str:
        """A `field: old -> new` reason with the values of a masked field hidden, literals of others."""
        name, sep, _ = reason.partition(": ")
        if sep and name in MASKED_FIELDS:
            return f"{name}: changed ({MASK})"
        return self.literals(reason, numbers=name in ("expr", "check", "checks"))

    def statement(self, sql: str, kind: str) -> str:
        """A statement of a change to an object of `kind`: a routine's keeps its first line only."""
        if kind in ROUTINE_KINDS:
            first = sql.split("\n", 1)[0]
            head = self.literals(first)
            return head if head == sql else f"{head} ... {MASK}"
        return self.literals(sql)

    def literals(self, text: str, numbers: bool = False) -> str:
        """`text` (SQL) with the text of every string literal masked, and numbers after DEFAULT,
        inside CHECK (...), or everywhere when `numbers`."""
        out: list[str] = []
        i, n = 0, len(text)
        last_word = ""
        check_depths: list[int] = []  # paren depths at which a CHECK's parentheses opened
        depth = 0
        after_check = False
        while i < n:
            c = text[i]
            if c == "'" or (c == '"' and self.double_quoted_strings):
                escapes = self.backslash_escapes or _e_prefixed(text, i)
                end = _string_end(text, i, c, escapes)
                out.append(f"{c}{MASK}{c}")
                i = end
                last_word = ""
                continue
            if c in "`\"":  # a quoted identifier: names are not masked
                end = _string_end(text, i, c, False)
                out.append(text[i:end])
                i = end
                last_word = ""
                continue
            if c == "$" and self.dollar_quotes and (i == 0 or text[i - 1] not in _WORD):
                close = text.find("$", i + 1)
                tag = text[i : close + 1] if close > i else ""
                if tag and all(ch in _WORD and ch != "$" for ch in tag[1:-1]):
                    body_end = text.find(tag, close + 1)
                    body_end = n if body_end < 0 else body_end
                    # a DO block is code (the guards of re-runnable scripts): its literals are
                    # masked, not its statements; any other dollar-quoted string is a literal
                    body = self.literals(text[close + 1 : body_end]) if last_word == "DO" else MASK
                    out.append(f"{tag}{body}{tag}")
                    i = min(n, body_end + len(tag))
                    last_word = ""
                    continue
            if c in _WORD:
                j = i
                while j < n and text[j] in _WORD:
                    j += 1
                word = text[i:j]
                if c in _DIGITS and (numbers or last_word == "DEFAULT" or check_depths):
                    out.append(MASK)
                    while j < n and (text[j] in _DIGITS or text[j] == "." or text[j] in "eE+-") and (
                        text[j] not in "+-" or text[j - 1] in "eE"
                    ):
                        j += 1
                else:
                    out.append(word)
                last_word = word.upper()
                after_check = last_word == "CHECK"
                i = j
                continue
            if c == "(":
                depth += 1
                if after_check:
                    check_depths.append(depth)
            elif c == ")":
                if check_depths and check_depths[-1] == depth:
                    check_depths.pop()
                depth -= 1
            if not c.isspace():
                after_check = False
                if c not in "-+":  # DEFAULT -1: the sign keeps the number masked
                    last_word = ""
            out.append(c)
            i += 1
        return "".join(out)


def _e_prefixed(text: str, i: int) -> bool:
    """A PostgreSQL escape string E'...' (backslashes escape)."""
    return i > 0 and text[i - 1] in "eE" and (i < 2 or text[i - 2] not in _WORD)


def _string_end(text: str, start: int, quote: str, escapes: bool) -> int:
    """The index after the literal opening at `start` (a doubled quote stays inside)."""
    i, n = start + 1, len(text)
    while i < n:
        ch = text[i]
        if escapes and ch == "\\":
            i += 2
            continue
        if ch == quote:
            if i + 1 < n and text[i + 1] == quote:
                i += 2
                continue
            return i + 1
        i += 1
    return n
