"""What a MySQL/MariaDB account may see of one database, worked out from its SHOW GRANTS.

information_schema leaves out, without an error, what the account has no privilege for: triggers
without TRIGGER, events without EVENT, routines' bodies without SELECT on mysql.proc (MariaDB) or
SHOW_ROUTINE (MySQL 8), and with only table-level grants every other table and every CHECK and
FOREIGN KEY. The catalog reader asks the server for the account's grants and compares them with what
it needs (`Access`), so that it can fail or leave such kinds out instead of reading less.

SHOW GRANTS lists the account's grants and, on MariaDB, those of its enabled roles (each with its
own grantee); the server combines them as it checks access (sql_acl.cc acl_get): per grantee, the
global privileges plus those of the first database grant whose pattern matches the database, most
specific first (an exact name, then the pattern with the longest prefix before a wildcard); the
grantees' privileges are then added up. Table-level grants are added as they are.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

ALL = "ALL PRIVILEGES"
_TOKEN = re.compile(
    r"`(?:[^`]++|``)*+`|'(?:[^'\\]++|\\.|'')*+'|\"(?:[^\"\\]++|\\.|\"\")*+\"|[(),.*@]|[^\s`'\"(),.*@]+", re.S
)
_OBJECT_TYPES = ("TABLE", "PROCEDURE", "FUNCTION", "PACKAGE")


@dataclass(frozen=True, slots=True)
class Grant:
    """One `GRANT privileges ON target TO grantee` line (REVOKE: a MySQL 8 partial revoke)."""

    grantee: str
    privileges: frozenset[str]  # upper case; ALL PRIVILEGES as ALL; column privileges left out
    db: str | None  # None: *.* (global); else the name or, for database grants, a pattern
    table: str | None = None  # None: db.*
    routine: bool = False  # ON PROCEDURE/FUNCTION/PACKAGE
    revoke: bool = False


def _unquote(tok: str) -> str:
    if tok[:1] in "`'\"" and len(tok) >= 2:
        q = tok[0]
        return tok[1:-1].replace(q * 2, q)
    return tok


def parse_grant(line: str) -> Grant | None:
    """A SHOW GRANTS line as a Grant; None for lines granting roles or PROXY, and SET DEFAULT ROLE."""
    toks = _TOKEN.findall(line)
    if not toks or toks[0].upper() not in ("GRANT", "REVOKE"):
        return None
    revoke = toks[0].upper() == "REVOKE"
    i = 1
    privs: set[str] = set()
    words: list[str] = []
    while i < len(toks) and toks[i].upper() != "ON":
        t = toks[i]
        if t == "(":  # a column list: the privilege holds for those columns only
            depth = 1
            i += 1
            while i < len(toks) and depth:
                depth += {"(": 1, ")": -1}.get(toks[i], 0)
                i += 1
            words = []
            continue
        if t == ",":
            if words:
                privs.add(" ".join(words).upper())
            words = []
        else:
            words.append(t)
        i += 1
    if words:
        privs.add(" ".join(words).upper())
    if i >= len(toks) or "PROXY" in privs:
        return None  # GRANT role TO user: the role's own grants are listed under its name
    i += 1
    routine = False
    if i < len(toks) and toks[i].upper() in _OBJECT_TYPES:
        routine = toks[i].upper() != "TABLE"
        i += 1
        if i < len(toks) and toks[i].upper() == "BODY":
            i += 1
    target: list[str] = []
    while i < len(toks) and toks[i].upper() not in ("TO", "FROM"):
        target.append(toks[i])
        i += 1
    # `user`@`host`, or a role's bare name
    grantee = "".join(toks[i + 1 : i + 4] if toks[i + 2 : i + 3] == ["@"] else toks[i + 1 : i + 2])
    if "ALL" in privs:
        privs.discard("ALL")
        privs.add(ALL)
    privs.discard("USAGE")
    db: str | None
    table: str | None = None
    if target == ["*", ".", "*"]:
        db = None
    elif len(target) == 3 and target[1] == ".":
        db = _unquote(target[0])
        table = None if target[2] == "*" else _unquote(target[2])
    else:
        return None
    return Grant(grantee, frozenset(privs), db, table, routine, revoke)


def _specificity(pattern: str) -> int:
    """How early a database pattern sorts (sql_acl.cc get_sort): a name without wildcards first,
    then by the position of the first wildcard, later first."""
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            i += 2
            continue
        if c in "%_":
            return min(i + 1, 127)
        i += 1
    return 128


def _pattern(pattern: str, fold: bool) -> re.Pattern[str]:
    out = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        out.append(".*" if c == "%" else "." if c == "_" else re.escape(c))
        i += 1
    return re.compile("".join(out), re.S | (re.I if fold else 0))


@dataclass(frozen=True, slots=True)
class Access:
    """The account's grants, and what they allow on one database."""

    grants: tuple[Grant, ...]
    fold: bool = False  # lower_case_table_names <> 0: names compare case-insensitively

    @classmethod
    def from_show_grants(cls, lines: Iterable[str], fold: bool = False) -> Access:
        return cls(tuple(g for g in map(parse_grant, lines) if g is not None), fold)

    def _matches(self, pattern: str, db: str) -> bool:
        return _pattern(pattern, self.fold).fullmatch(db) is not None

    def _same(self, a: str, b: str) -> bool:
        return a.lower() == b.lower() if self.fold else a == b

    def on_database(self, db: str) -> frozenset[str]:
        """Privileges the account holds on every table of `db` (global and database grants)."""
        out: set[str] = set()
        for grantee in dict.fromkeys(g.grantee for g in self.grants):
            mine = [g for g in self.grants if g.grantee == grantee and not g.routine]
            for g in mine:
                if g.db is None and not g.revoke:
                    out |= g.privileges
            matching = [
                (_specificity(g.db), -i, g)
                for i, g in enumerate(mine)
                if g.db is not None and g.table is None and not g.revoke and self._matches(g.db, db)
            ]
            if matching:
                # the first match in the server's order, not their union
                out |= max(matching, key=lambda m: m[:2])[2].privileges
            for g in mine:  # MySQL 8 partial revokes (exact database names)
                if g.revoke and g.db is not None and g.table is None and self._same(g.db, db):
                    out -= g.privileges
        return frozenset(out)

    def on_table(self, db: str, table: str) -> frozenset[str]:
        """Privileges on one table: its database's plus its own table grants."""
        out = set(self.on_database(db))
        for g in self.grants:
            if (
                not g.routine
                and not g.revoke
                and g.db is not None
                and g.table is not None
                and self._same(g.db, db)
                and self._same(g.table, table)
            ):
                out |= g.privileges
        return frozenset(out)

    def has(self, privilege: str, db: str, table: str | None = None) -> bool:
        """Whether `privilege` holds on `db` (on `table` of it, when given)."""
        privs = self.on_database(db) if table is None else self.on_table(db, table)
        return privilege in privs or ALL in privs

    def has_global(self, privilege: str) -> bool:
        privs: set[str] = set()
        for g in self.grants:
            if g.db is None and not g.revoke:
                privs |= g.privileges
        return privilege in privs or ALL in privs


def grantee(current_user: str) -> str:
    """`user`@`host` of CURRENT_USER()'s `user@host`, for the GRANT statements messages suggest."""
    user, at, host = current_user.rpartition("@")
    if not at:
        return f"`{current_user}`"
    return f"`{user.replace('`', '``')}`@`{host.replace('`', '``')}`"


def names(items: Sequence[str], limit: int = 5) -> str:
    """`a, b, c` (and `and N more` past `limit`) for messages."""
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")
