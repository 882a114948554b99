"""Scratch MariaDB databases for live tests: fresh, loaded with the `mariadb` client, always dropped."""

from __future__ import annotations

import re
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from tests.support.servers import MY_SOCKET, MY_USER

PREFIX = "ddlc_myp_"
_CLIENT = ["--protocol=socket", f"--socket={MY_SOCKET}", f"--user={MY_USER}"]
# statements that would leave the scratch database (the corpus loader strips them the same way)
_DATABASE_STMT = re.compile(r"(?im)^\s*(?:DROP|CREATE)\s+(?:DATABASE|SCHEMA)\b[^;]*;[ \t]*$")
_USE_STMT = re.compile(r"(?im)^\s*USE\s+`?(\w+)`?\s*;[ \t]*$")


def client(database: str | None, sql: str, *, force: bool = False) -> subprocess.CompletedProcess[str]:
    """Run `sql` with the mariadb client (which understands DELIMITER and the dump's comments)."""
    args = ["mariadb", *_CLIENT, "--batch", "--default-character-set=utf8mb4"]
    if force:
        args.append("--force")
    if database:
        args.append(database)
    return subprocess.run(args, input=sql, capture_output=True, text=True, check=False)


def dump(database: str) -> subprocess.CompletedProcess[str]:
    """`mariadb-dump --no-data --routines --triggers --events` of one database."""
    args = ["mariadb-dump", *_CLIENT, "--no-data", "--routines", "--triggers", "--events", database]
    return subprocess.run(args, capture_output=True, text=True, check=False)


def confine(sql: str) -> str:
    """The script without statements that create, drop or switch databases, and without the
    qualifier of the database it selected (as the corpus loader did: `loader_preprocessing`)."""
    used = {m.group(1) for m in _USE_STMT.finditer(sql)}
    sql = _DATABASE_STMT.sub("", sql)
    sql = _USE_STMT.sub("", sql)
    for db in used:
        sql = re.sub(rf"(?<![\w.`])`?{re.escape(db)}`?\.(?=[`\w])", "", sql)
    return sql


@contextmanager
def fresh_database() -> Iterator[str]:
    """A new empty database (utf8mb4, the server's default collation), dropped on exit."""
    name = PREFIX + uuid.uuid4().hex[:12]
    proc = client(None, f"CREATE DATABASE `{name}`;")
    if proc.returncode != 0:
        raise RuntimeError(f"cannot create {name}: {proc.stderr}")
    try:
        yield name
    finally:
        client(None, f"DROP DATABASE IF EXISTS `{name}`;")


def load(database: str, sql: str) -> str | None:
    """Load a script into `database`; the client's error text, or None when it loaded."""
    proc = client(database, confine(sql))
    if proc.returncode != 0:
        return proc.stderr.strip() or f"mariadb exited with {proc.returncode}"
    return None
