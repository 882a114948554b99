"""Guess the dialect of a schema text from cheap textual evidence (no parser imported)."""

from __future__ import annotations

import re

_PG = [
    (re.compile(r"PostgreSQL database dump"), 50),
    (re.compile(r"^\\(?:restrict|unrestrict|connect)\b", re.M), 50),
    (re.compile(r"\bset_config\s*\(", re.I), 20),
    (re.compile(r"::[a-z_]+", re.I), 3),
    (
        re.compile(r"\bCREATE\s+(?:OR\s+REPLACE\s+)?(?:EXTENSION|DOMAIN|POLICY|MATERIALIZED\s+VIEW)\b", re.I),
        15,
    ),
    (re.compile(r"\b(?:text|integer|int|bigint|varchar|uuid)\[\]", re.I), 8),
    (re.compile(r"\b(?:serial|bigserial|jsonb|timestamptz|bytea|tsvector|uuid)\b", re.I), 4),
    (re.compile(r"\bLANGUAGE\s+plpgsql\b", re.I), 10),
    (re.compile(r"\$\$"), 4),
    (re.compile(r"\bOWNER\s+TO\b", re.I), 5),
    (re.compile(r"\bSET\s+search_path\b", re.I), 10),
    (re.compile(r"\bGENERATED\s+(?:ALWAYS|BY\s+DEFAULT)\s+AS\s+IDENTITY\b", re.I), 8),
]
_MY = [
    (re.compile(r"MySQL dump|MariaDB dump|mysqldump|mariadb-dump"), 50),
    (re.compile(r"/\*M?!\d{5,6}"), 20),
    (re.compile(r"`"), 2),
    (re.compile(r"\bENGINE\s*=", re.I), 15),
    (re.compile(r"\bAUTO_INCREMENT\b", re.I), 8),
    # the client command on a line of its own (COPY ... DELIMITER is PostgreSQL)
    (re.compile(r"(?mi)^[ \t]*DELIMITER[ \t]+\S+[ \t]*$"), 15),
    (
        re.compile(
            r"\b(?:UNSIGNED|ZEROFILL|TINYINT|MEDIUMINT|LONGTEXT|MEDIUMTEXT|TINYTEXT|DATETIME)\b", re.I
        ),
        4,
    ),
    (re.compile(r"\bDEFAULT\s+CHARSET\b", re.I), 15),
    (re.compile(r"\bON\s+UPDATE\s+CURRENT_TIMESTAMP\b", re.I), 10),
    (re.compile(r"\bLOCK\s+TABLES\b", re.I), 10),
]


_SAMPLE = 64_000  # characters looked at: dump headers and the first statements decide


def _score(text: str, rules: list[tuple[re.Pattern[str], int]]) -> int:
    sample = text[:_SAMPLE]
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
    return _score(text, _PG), _score(text, _MY)


def detect(text: str) -> str | None:
    """'postgres', 'mysql', or None when the text gives no evidence either way."""
    pg, my = scores(text)
    if pg == my:
        return None
    return "postgres" if pg > my else "mysql"


CONFIDENT = 12  # a lead this large makes one file's dialect certain on its own
