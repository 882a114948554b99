"""Large inputs: a statement over the size limit is a positioned error, data statements of any size
are skipped, large literals come out whole, and the limit counts tokens as each dialect's lexer
does. The memory figures themselves are measured by bench/bench_memory.py, not here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ddlcompare import limits
from ddlcompare.dialects.mysql.parse import _TOKEN as MYSQL_TOKEN
from ddlcompare.dialects.postgres.parse import TOKEN as PG_TOKEN
from tests.support.cli import run

# a CHECK of this many `a = N` terms has about four times as many tokens: over the limit
OVER = limits.MAX_TOKENS // 4 + 1_000
PG_TABLE = "CREATE TABLE t (a integer);\n"
MY_TABLE = "CREATE TABLE `t` (`a` int) ENGINE=InnoDB;\n"


def _write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _check(terms: int, quote: str) -> str:
    body = " OR ".join(f"a = {i}" for i in range(terms))
    return f"CREATE TABLE {quote}u{quote} (a int, CONSTRAINT {quote}c{quote} CHECK ({body}));\n"


@pytest.mark.parametrize(
    ("dialect", "table", "quote"), [("postgres", PG_TABLE, ""), ("mysql", MY_TABLE, "`")]
)
def test_a_statement_over_the_limit_is_an_error_at_its_place(
    tmp_path: Path, dialect: str, table: str, quote: str
) -> None:
    old = _write(tmp_path, "old.sql", table)
    new = _write(tmp_path, "new.sql", table + "\n" + _check(OVER, quote))
    r = run(old, new, "--dialect", dialect)
    assert not r.crash and r.code == 2, r.stderr
    assert r.stderr.startswith(f"{new}:3:1: error: statement too large: more than 250,000 tokens"), r.stderr
    assert len(r.stderr) < 400


@pytest.mark.parametrize(
    ("dialect", "table", "insert"),
    [
        ("postgres", PG_TABLE, "INSERT INTO t VALUES {};\n"),
        ("mysql", MY_TABLE, "INSERT INTO `t` VALUES {};\n"),
    ],
)
def test_a_data_statement_of_any_size_is_skipped(
    tmp_path: Path, dialect: str, table: str, insert: str
) -> None:
    rows = ",".join(f"({i})" for i in range(limits.MAX_TOKENS // 2))
    old = _write(tmp_path, "old.sql", table)
    new = _write(tmp_path, "new.sql", table + insert.format(rows))
    r = run(old, new, "--dialect", dialect)
    assert not r.crash and r.code == 0, r.stderr


@pytest.mark.parametrize(
    ("dialect", "create"),
    [
        ("postgres", "CREATE TABLE t (a text DEFAULT '{}');\n"),
        ("mysql", "CREATE TABLE `t` (`a` varchar(10) DEFAULT '{}') ENGINE=InnoDB;\n"),
    ],
)
def test_a_large_literal_comes_out_whole(tmp_path: Path, dialect: str, create: str) -> None:
    """A 5 MB default (one token however long) is read and rendered without loss."""
    literal = "".join(f"{i:07d}" for i in range(700_000)) + "''end"
    old = _write(tmp_path, "old.sql", create.format("x"))
    new = _write(tmp_path, "new.sql", create.format(literal))
    r = run(old, new, "--dialect", dialect)
    assert not r.crash and r.code == 1, r.stderr
    assert f"'{literal}'" in r.stdout


def _limited(monkeypatch: pytest.MonkeyPatch, n: int) -> None:
    monkeypatch.setattr(limits, "MAX_TOKENS", n)


@pytest.mark.parametrize(
    ("pattern", "sql", "tokens"),
    [
        # a string, a quoted name and a dollar-quoted body are one token each; comments none
        (PG_TOKEN, "SELECT 'a;b''c', \"x y\", $f$ 1 2 3 $f$ -- a b c\n/* d e */ FROM t", 8),
        (PG_TOKEN, "SELECT E'it\\'s' + 1", 4),
        # a standard string ends at its quote even after a backslash: `+ 1` is counted
        (PG_TOKEN, "SELECT 'C:\\' + 1", 4),
        (MYSQL_TOKEN, "SELECT 'it\\'s', \"q\", `a b` # c d\n-- e f\n/* g */ FROM t", 8),
        # a versioned comment holds code: its content counts (and its / * ! * / too)
        (MYSQL_TOKEN, "/*!50001 CREATE VIEW v */", 9),
    ],
)
def test_the_limit_counts_tokens_as_the_lexer_does(
    monkeypatch: pytest.MonkeyPatch, pattern: re.Pattern[str], sql: str, tokens: int
) -> None:
    _limited(monkeypatch, tokens)
    padded = sql + " " * tokens  # the count starts only past MAX_TOKENS characters
    assert limits.too_large(padded, pattern) is None
    _limited(monkeypatch, tokens - 1)
    assert limits.too_large(padded, pattern) is not None
