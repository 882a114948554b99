"""The CI gate and the server version: `--fail-on` (exit 3 after every output is written) and
`--target-version` (hazards judged for that server)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.cli import run
from tests.support.diffjson import validated

# adds a nullable column (low), an index on an existing table (medium: blocks writes while it
# builds) and drops a table (critical)
OLD = "CREATE TABLE t (id integer PRIMARY KEY, name text);\nCREATE TABLE gone (id integer);\n"
NEW = "CREATE TABLE t (id integer PRIMARY KEY, name text, email text);\nCREATE INDEX t_name ON t (name);\n"
# only additive, catalog-only changes
ADD_ONLY = "CREATE TABLE t (id integer PRIMARY KEY, name text);\nCREATE TABLE fresh (id integer);\n"


def _pair(tmp_path: Path, new: str) -> tuple[str, str]:
    (tmp_path / "old.sql").write_text(OLD)
    (tmp_path / "new.sql").write_text(new)
    return str(tmp_path / "old.sql"), str(tmp_path / "new.sql")


@pytest.mark.parametrize(
    ("gate", "code"), [("critical", 3), ("high", 3), ("medium", 3), ("low", 3), (None, 1)]
)
def test_fail_on_blocks_at_or_above_the_gate(tmp_path: Path, gate: str | None, code: int) -> None:
    """A dropped table is critical: every gate blocks it, after the outputs are written."""
    old, new = _pair(tmp_path, NEW)
    out = tmp_path / "out"
    r = run(old, new, "-o", str(out), *(("--fail-on", gate) if gate else ()))
    assert r.code == code, r.stderr
    assert (out / "migration_forward.sql").is_file() and (out / "diff.json").is_file()
    if gate:
        assert f"at or above --fail-on {gate}" in r.stderr
    else:
        assert "blocked" not in r.stderr


def test_fail_on_passes_what_is_below_the_gate(tmp_path: Path) -> None:
    """`--fail-on high` passes medium and low steps: exit 1 (differences), not 3."""
    (tmp_path / "old.sql").write_text("CREATE TABLE t (id integer PRIMARY KEY, name text);\n")
    (tmp_path / "new.sql").write_text(
        "CREATE TABLE t (id integer PRIMARY KEY, name text);\nCREATE INDEX t_name ON t (name);\n"
    )
    args = (str(tmp_path / "old.sql"), str(tmp_path / "new.sql"))
    assert run(*args, "--fail-on", "high").code == 1
    blocked = run(*args, "--fail-on", "medium")
    assert blocked.code == 3 and "blocked: 1 step(s)" in blocked.stderr


def test_fail_on_low_passes_no_difference(tmp_path: Path) -> None:
    """With nothing to do there is no step to block: exit 0 even at the lowest gate."""
    (tmp_path / "a.sql").write_text(OLD)
    assert run(str(tmp_path / "a.sql"), str(tmp_path / "a.sql"), "--fail-on", "low").code == 0


def test_additive_changes_are_low(tmp_path: Path) -> None:
    old, new = _pair(tmp_path, ADD_ONLY + "CREATE TABLE gone (id integer);\n")
    doc = validated(run(old, new, "-f", "json").stdout)
    assert {s["severity"] for s in doc["steps"]} == {"low"}
    assert run(old, new, "--fail-on", "medium").code == 1


@pytest.mark.parametrize(
    "bad", [("--fail-on", "severe"), ("--target-version", "oracle:19"), ("--target-version", "15")]
)
def test_bad_gate_or_version_is_an_error(tmp_path: Path, bad: tuple[str, str]) -> None:
    old, new = _pair(tmp_path, NEW)
    r = run(old, new, *bad)
    assert r.code == 2 and not r.crash and "error" in r.stderr and bad[1] in r.stderr


def test_target_of_the_other_dialect_is_an_error(tmp_path: Path) -> None:
    old, new = _pair(tmp_path, NEW)
    r = run(old, new, "--target-version", "mariadb:10.11")
    assert r.code == 2 and "not a postgres server" in r.stderr


VOLATILE_DEFAULT_OLD = "CREATE TABLE t (id integer);\n"
CONSTANT_DEFAULT_NEW = "CREATE TABLE t (id integer, n integer NOT NULL DEFAULT 0);\n"


@pytest.mark.parametrize(
    ("target", "rewrite"), [("postgres:10", True), ("postgres:11", False), ("postgres:15", False)]
)
def test_constant_default_rewrites_only_before_11(tmp_path: Path, target: str, rewrite: bool) -> None:
    """PostgreSQL 11 adds a column with a constant default without rewriting the table."""
    (tmp_path / "old.sql").write_text(VOLATILE_DEFAULT_OLD)
    (tmp_path / "new.sql").write_text(CONSTANT_DEFAULT_NEW)
    r = run(str(tmp_path / "old.sql"), str(tmp_path / "new.sql"), "-f", "json", "--target-version", target)
    doc = validated(r.stdout)
    assert doc["target"] == target
    codes = {h["code"] for s in doc["steps"] for h in s["hazards"]}
    assert ("table_rewrite" in codes) is rewrite


def test_target_read_from_the_dump_header(tmp_path: Path) -> None:
    """Without --target-version, the old side's pg_dump header names the server."""
    header = "--\n-- PostgreSQL database dump\n--\n\n-- Dumped from database version 10.23\n\n"
    (tmp_path / "old.sql").write_text(header + VOLATILE_DEFAULT_OLD)
    (tmp_path / "new.sql").write_text(CONSTANT_DEFAULT_NEW)
    doc = validated(run(str(tmp_path / "old.sql"), str(tmp_path / "new.sql"), "-f", "json").stdout)
    assert doc["target"] == "postgres:10.23"
    assert any(h["code"] == "table_rewrite" for s in doc["steps"] for h in s["hazards"])
