"""Scratch MariaDB databases over the local socket for the live MySQL tests: URLs, loading, dumping."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from tests.support.servers import MY_SOCKET, MY_USER

PREFIX = "ddlc_mycat_"


def url(db: str, user: str = MY_USER, password: str | None = None) -> str:
    """A mysql:// URL for `db` on the local socket."""
    auth = user if password is None else f"{user}:{password}"
    return f"mysql://{auth}@localhost/{db}?unix_socket={MY_SOCKET}"


def client(*args: str, input_: str | None = None, db: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run the `mariadb` client as the test user over the socket (comments kept, as mysqldump's are)."""
    cmd = ["mariadb", f"--socket={MY_SOCKET}", f"--user={MY_USER}", "--comments", *args]
    if db is not None:
        cmd.append(db)
    return subprocess.run(cmd, input=input_, capture_output=True, text=True, check=False)


def sql(statement: str, db: str | None = None) -> str:
    """Run one statement, return its tab-separated output; raise on error."""
    res = client("-N", "-B", "-e", statement, db=db)
    if res.returncode != 0:
        raise RuntimeError(res.stderr.strip())
    return res.stdout


def create_db(name: str) -> None:
    assert name.startswith(PREFIX)
    sql(f"DROP DATABASE IF EXISTS `{name}`; CREATE DATABASE `{name}`")


def drop_db(name: str) -> None:
    assert name.startswith(PREFIX)
    sql(f"DROP DATABASE IF EXISTS `{name}`")


_DB_STATEMENT = re.compile(r"(?im)^\s*(?:(?:CREATE|DROP)\s+(?:DATABASE|SCHEMA)\b[^;]*;|USE\s+[^;]*;)")


def prepare(text: str, original_db: str | None = None) -> str:
    """A corpus file made loadable into a scratch database: CREATE/DROP DATABASE and USE removed.

    Mirrors the corpus `loader_preprocessing` notes (e.g. sakila's `USE sakila` and `sakila.` names).
    """
    text = _DB_STATEMENT.sub("", text)
    if original_db:
        text = re.sub(rf"(?<![\w$`]){re.escape(original_db)}\.(?=[\w`])", "", text)
    return text


def load(db: str, text: str) -> str | None:
    """Load DDL into a fresh `db`; the client's error text, or None."""
    create_db(db)
    res = client(input_=text, db=db)
    return res.stderr.strip() or None if res.returncode != 0 else None


def dump(db: str) -> str:
    """`mariadb-dump --no-data --routines --triggers --events` of `db`."""
    res = subprocess.run(
        [
            "mariadb-dump",
            f"--socket={MY_SOCKET}",
            f"--user={MY_USER}",
            "--no-data",
            "--routines",
            "--triggers",
            "--events",
            "--skip-dump-date",
            db,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if res.returncode != 0:
        raise RuntimeError(res.stderr.strip())
    return res.stdout


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")
