"""Guess the dialect of a schema text from cheap textual evidence (no parser imported)."""

from __future__ import annotations

import re

# Weights: 8 or more marks syntax only one dialect has (a `::` cast, a backtick, ENGINE=); less
# marks what both accept but one writes more often (serial and uuid are MySQL/MariaDB types too).
_PG = [
    (re.compile(r"PostgreSQL database dump"), 50),
    (re.compile(r"^\\(?:restrict|unrestrict|connect)\b", re.M), 50),
    (re.compile(r"\bset_config\s*\(", re.I), 20),
    (re.compile(r"::[a-z_]+", re.I), 8),
    (
        re.compile(r"\bCREATE\s+(?:OR\s+REPLACE\s+)?(?:EXTENSION|DOMAIN|POLICY|MATERIALIZED\s+VIEW)\b", re.I),
        15,
    ),
    (re.compile(r"\b(?:text|integer|int|bigint|varchar|uuid)\[\]", re.I), 8),
    (re.compile(r"\b(?:jsonb|timestamptz|bytea|tsvector)\b", re.I), 8),
    (re.compile(r"\b(?:serial|bigserial|uuid)\b", re.I), 2),
    (re.compile(r"\bLANGUAGE\s+plpgsql\b", re.I), 10),
    (re.compile(r"\$\$"), 8),
    (re.compile(r"\bOWNER\s+TO\b", re.I), 8),
    (re.compile(r"\bSET\s+search_path\b", re.I), 10),
    (re.compile(r"\bGENERATED\s+(?:ALWAYS|BY\s+DEFAULT)\s+AS\s+IDENTITY\b", re.I), 8),
]
_MY = [
    (re.compile(r"MySQL dump|MariaDB dump|mysqldump|mariadb-dump"), 50),
    (re.compile(r"/\*M?!\d{5,6}"), 20),
    (re.compile(r"``"), 8),  # a quoted name (its text removed, see _evidence)
    (re.compile(r"\bENGINE\s*=", re.I), 15),
    (re.compile(r"\bAUTO_INCREMENT\b", re.I), 8),
    # the client command on a line of its own (COPY ... DELIMITER is PostgreSQL)
    (re.compile(r"(?mi)^[ \t]*DELIMITER[ \t]+\S+[ \t]*$"), 15),
    (
        re.compile(
            r"\b(?:UNSIGNED|ZEROFILL|TINYINT|MEDIUMINT|LONGTEXT|MEDIUMTEXT|TINYTEXT|DATETIME)\b", re.I
        ),
        8,
    ),
    # a display width: PostgreSQL's integer types take no modifier
    (re.compile(r"\b(?:tiny|small|medium|big)?int(?:eger)?\s*\(\s*\d+\s*\)", re.I), 8),
    (re.compile(r"\bDEFAULT\s+CHARSET\b", re.I), 15),
    (re.compile(r"\b(?:COLLATE|CHARSET)\s*=", re.I), 8),  # table options; PostgreSQL has no `=` there
    (re.compile(r"(?mi)^[ \t]*USE[ \t]+\w+[ \t]*;"), 10),
    (re.compile(r"\bON\s+UPDATE\s+CURRENT_TIMESTAMP\b", re.I), 10),
    (re.compile(r"\bLOCK\s+TABLES\b", re.I), 10),
]
# What is quoted is a name or a value, not syntax: `"a`b"` is a PostgreSQL name, `'::text'` a
# string. Their text is removed (one line at most, so an odd quote cannot hide the rest).
_QUOTED = re.compile(r"\"[^\"\n]*\"|`[^`\n]*`|'[^'\n]*'")


def _emptied(m: re.Match[str]) -> str:
    return m.group(0)[0] * 2


_SAMPLE = 64_000  # characters looked at: dump headers and the first statements decide


def _evidence(text: str) -> str:
    """The part of `text` that is looked at, quoted names and strings emptied."""
    return _QUOTED.sub(_emptied, text[:_SAMPLE])


def _score(sample: str, rules: list[tuple[re.Pattern[str], int]]) -> int:
    """Evidence for one dialect in `sample` (a text passed through `_evidence`)."""
    total = 0
    for rx, weight in rules:
        n = 0
        for _ in rx.finditer(sample):
            n += 1
            if n == 10:  # evidence saturates: a few hits say as much as thousands
                break
        total += weight * n
    return total


def scores(text: str) -> tuple[int, int]:
    """(PostgreSQL evidence, MySQL evidence) of a text."""
    sample = _evidence(text)
    return _score(sample, _PG), _score(sample, _MY)


def detect(text: str) -> str | None:
    """'postgres', 'mysql', or None when the text gives no evidence either way."""
    pg, my = scores(text)
    if pg == my:
        return None
    return "postgres" if pg > my else "mysql"


CONFIDENT = 12  # a lead this large makes one file's dialect certain on its own
LEAN = 8  # one mark of syntax only one dialect has: a file with it cannot be the other dialect


def leaning(pg: int, my: int, lead: int = LEAN) -> str | None:
    """The dialect that (PostgreSQL, MySQL) evidence points to by at least `lead`, if any."""
    if pg - my >= lead:
        return "postgres"
    if my - pg >= lead:
        return "mysql"
    return None
