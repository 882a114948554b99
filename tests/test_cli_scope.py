"""The command line's scope (--schema, --include, --exclude, --kinds) and options files."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.cli import ROOT, Run, run

EXAMPLE = ROOT / "fixtures" / "example"
OLD, NEW = str(EXAMPLE / "old.sql"), str(EXAMPLE / "new.sql")

TWO_SCHEMAS_OLD = """CREATE SCHEMA app;
CREATE SCHEMA audit;
CREATE TABLE app.users (id integer PRIMARY KEY, name text);
CREATE TABLE audit.log (id integer PRIMARY KEY, at timestamptz);
CREATE INDEX log_at_idx ON audit.log (at);
"""
TWO_SCHEMAS_NEW = """CREATE SCHEMA app;
CREATE SCHEMA audit;
CREATE TABLE app.users (id integer PRIMARY KEY, name text, email text);
CREATE TABLE app.tmp_import (id integer);
"""


def keys_of(r: Run) -> dict[str, str]:
    """key -> operation of the plan's changes (--format json)."""
    assert not r.crash, r.crash
    assert r.code in (0, 1), r.stderr
    return {c["key"]: c["operation"] for c in json.loads(r.stdout)["changes"]}


def plan_keys(*args: str) -> dict[str, str]:
    return keys_of(run(*args, "-f", "json", "-q"))


@contextmanager
def cwd(path: Path) -> Iterator[None]:
    here = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(here)


def sides(tmp_path: Path) -> tuple[str, str]:
    (tmp_path / "old.sql").write_text(TWO_SCHEMAS_OLD)
    (tmp_path / "new.sql").write_text(TWO_SCHEMAS_NEW)
    return str(tmp_path / "old.sql"), str(tmp_path / "new.sql")


def test_schema_limits_the_plan_and_drops_nothing_outside(tmp_path: Path) -> None:
    old, new = sides(tmp_path)
    everything = keys_of(run(old, new, "-f", "json", "-q", "--no-config"))
    assert everything["table:audit.log"] == "drop"
    only_app = keys_of(run(old, new, "-f", "json", "-q", "--schema", "app", "--no-config"))
    assert only_app == {"table:app.users": "alter", "table:app.tmp_import": "create"}
    r = run(old, new, "--schema", "app", "--allow-destructive", "--no-config")
    assert "DROP" not in r.stdout and "audit" not in r.stdout, r.stdout
    assert plan_keys(old, new, "--schema", "audit", "--schema", "nope", "--no-config") == {
        "table:audit.log": "drop",
        "index:audit.log.log_at_idx": "drop",
        "primary_key:audit.log.log_pkey": "drop",
    }


def test_include_exclude_and_kinds(tmp_path: Path) -> None:
    old, new = sides(tmp_path)
    assert plan_keys(old, new, "--exclude", "*:audit.*", "--exclude", "table:*.tmp_*") == {
        "table:app.users": "alter"
    }
    assert keys_of(run(old, new, "-f", "json", "-q", "--include", "table:audit.*")) == {
        "table:audit.log": "drop",
        "index:audit.log.log_at_idx": "drop",
        "primary_key:audit.log.log_pkey": "drop",
    }
    assert plan_keys(old, new, "--kinds", "index") == {"index:audit.log.log_at_idx": "drop"}
    # the bundled example, reduced to its indexes and views
    got = keys_of(run(OLD, NEW, "-f", "json", "-q", "--kinds", "index,view"))
    assert got and {k.split(":")[0] for k in got} <= {"index", "view"}, got


def test_out_of_scope_dependency_is_reported_not_dropped() -> None:
    """orders is out of scope: nothing touches it, and the view that reads its new column is reported."""
    r = run(OLD, NEW, "--exclude", "table:public.orders", "--allow-destructive")
    assert r.code == 1, r.stderr
    assert "ALTER TABLE public.orders " not in r.stdout and "DROP COLUMN note" not in r.stdout, r.stdout
    assert "TABLE public.orders" not in r.stdout and "orders_customer_idx" not in r.stdout, r.stdout
    assert "warning:" in r.stderr and "table:public.orders is out of scope" in r.stderr, r.stderr


def test_bad_scope_is_an_error() -> None:
    r = run(OLD, NEW, "--kinds", "tabel")
    assert r.code == 2 and "error: --kinds: unknown kind 'tabel'" in r.stderr and "Traceback" not in r.stderr
    my = ROOT / "fixtures" / "mysql" / "column_add"
    r = run(str(my / "old.sql"), str(my / "new.sql"), "--schema", "app")
    assert r.code == 2 and "MySQL/MariaDB objects have no schema" in r.stderr, r.stderr


def test_config_file_is_honoured_and_the_command_line_wins(tmp_path: Path) -> None:
    old, new = sides(tmp_path)
    (tmp_path / "ddlcompare.toml").write_text('schema = ["app"]\nexclude = ["table:*.tmp_*"]\nfmt = "json"\n')
    with cwd(tmp_path):
        r = run(old, new)
        assert r.code == 2 and "ddlcompare.toml:3:1: error:" in r.stderr, r.stderr
        assert "unknown key 'fmt'" in r.stderr
        (tmp_path / "ddlcompare.toml").write_text(
            'schema = ["app"]\nexclude = ["table:*.tmp_*"]\nallow-destructive = true\n'
        )
        assert keys_of(run(old, new, "-f", "json", "-q")) == {"table:app.users": "alter"}
        # the command line replaces the file's list, and --no-... turns its flag off
        got = keys_of(run(old, new, "-f", "json", "-q", "--schema", "audit"))
        assert got["table:audit.log"] == "drop" and "table:app.users" not in got
        dropped = run(old, new, "--schema", "audit").stdout
        assert re.search(r"(?m)^DROP TABLE (IF EXISTS )?audit\.log", dropped), dropped
        held = run(old, new, "--schema", "audit", "--no-allow-destructive").stdout
        assert re.search(r"(?m)^-- DROP TABLE (IF EXISTS )?audit\.log", held), held
        assert "table:audit.log" in keys_of(run(old, new, "-f", "json", "-q", "--no-config"))
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "pyproject.toml").write_text('[tool.ddlcompare]\nkinds = "index"\n')
    with cwd(sub):  # the nearest file wins
        assert keys_of(run(old, new, "-f", "json", "-q")) == {"index:audit.log.log_at_idx": "drop"}
