"""Scratch PostgreSQL databases for live tests (created with pytest-postgresql's janitor, always dropped)."""

from __future__ import annotations

import re
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pytest_postgresql.janitor import DatabaseJanitor

from tests.support import dbpool
from tests.support.servers import PG_HOST, PG_PORT, PG_USER

_META = re.compile(r"(?m)^\\(?:restrict|unrestrict|connect)\b.*$")
_ROLE_PATTERNS = [
    # CREATE POLICY ... TO r1, r2 USING/WITH CHECK
    re.compile(r"\bPOLICY\b[^;]*?\bTO\s+((?:\"(?:[^\"]|\"\")+\"|[A-Za-z_][\w$]*)(?:\s*,\s*(?:\"(?:[^\"]|\"\")+\"|[A-Za-z_][\w$]*))*)",
               re.I | re.S),
    re.compile(r"\bOWNER\s+TO\s+(\"(?:[^\"]|\"\")+\"|[A-Za-z_][\w$]*)", re.I),
    re.compile(r"\bAUTHORIZATION\s+(\"(?:[^\"]|\"\")+\"|[A-Za-z_][\w$]*)", re.I),
    re.compile(
        r"\b(?:TO|FROM)\s+((?:\"(?:[^\"]|\"\")+\"|[A-Za-z_][\w$]*)(?:\s*,\s*(?:\"(?:[^\"]|\"\")+\"|[A-Za-z_][\w$]*))*)"
        r"\s*(?:WITH\s+GRANT\s+OPTION\s*)?(?:;|$)",
        re.I | re.M,
    ),
    re.compile(r"\bFOR\s+ROLE\s+(\"(?:[^\"]|\"\")+\"|[A-Za-z_][\w$]*)", re.I),
    re.compile(r"\bFOR\s+USER\s+(\"(?:[^\"]|\"\")+\"|[A-Za-z_][\w$]*)", re.I),
]
_BUILTIN_ROLES = {"public", "current_user", "session_user", "current_role", "postgres", "root"}


def url(dbname: str) -> str:
    return f"postgresql://{PG_USER}@{PG_HOST}:{PG_PORT}/{dbname}"


def psql(dbname: str, sql: str, *, single_transaction: bool = False) -> subprocess.CompletedProcess[str]:
    """Run `sql` with psql (which understands pg_dump's meta-commands), stopping at the first error."""
    args = [
        "psql",
        "-X",
        "-q",
        "-h",
        PG_HOST,
        "-p",
        PG_PORT,
        "-U",
        PG_USER,
        "-d",
        dbname,
        "-v",
        "ON_ERROR_STOP=1",
    ]
    if single_transaction:
        args.append("--single-transaction")
    return subprocess.run(args, input=sql, capture_output=True, text=True, check=False)


def roles_in(sql: str) -> set[str]:
    """Role names a script refers to (OWNER TO, GRANT ... TO, AUTHORIZATION, ...), best effort."""
    out: set[str] = set()
    for rx in _ROLE_PATTERNS:
        for m in rx.finditer(sql):
            for part in re.split(r"\s*,\s*", m.group(1)):
                name = part[1:-1].replace('""', '"') if part.startswith('"') else part.lower()
                if name and name not in _BUILTIN_ROLES and name.upper() not in ("PUBLIC",):
                    out.add(name)
    return out


def ensure_roles(names: set[str]) -> None:
    """Create missing roles (NOLOGIN; roles are cluster-wide and harmless to leave behind)."""
    for name in sorted(names):
        q = name.replace('"', '""')
        lit = name.replace("'", "''")
        psql(
            "postgres",
            f"DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{lit}') THEN "
            f'CREATE ROLE "{q}" NOLOGIN; END IF; EXCEPTION WHEN duplicate_object THEN NULL; END$$;',
        )


class LoadError(Exception):
    """A script failed to load; the message is psql's error."""


def load(dbname: str, sql: str, *, roles: bool = True) -> None:
    """Run a schema script in `dbname`, creating the roles it names first."""
    if roles:
        ensure_roles(roles_in(sql))
    proc = psql(dbname, sql)
    if proc.returncode != 0:
        raise LoadError(proc.stderr.strip()[-2000:])


def load_file(dbname: str, path: Path, *, roles: bool = True) -> None:
    load(dbname, path.read_text(encoding="utf-8"), roles=roles)


@contextmanager
def fresh_db(prefix: str = "ddlc") -> Iterator[str]:
    """A new empty database for one test; dropped afterwards even when the test fails."""
    if dbpool.enabled():  # the corpus suites reuse reset databases instead (see dbpool.py)
        with dbpool.lease(prefix) as name:
            yield name
        return
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    janitor = DatabaseJanitor(user=PG_USER, host=PG_HOST, port=PG_PORT, dbname=name, version=15)
    janitor.init()
    try:
        yield name
    finally:
        janitor.drop()


def pg_dump(dbname: str) -> str:
    """`pg_dump --schema-only` of a database."""
    proc = subprocess.run(
        ["pg_dump", "--schema-only", "-h", PG_HOST, "-p", PG_PORT, "-U", PG_USER, dbname],
        capture_output=True,
        text=True,
        check=True,
    )
    return proc.stdout


def strip_meta(sql: str) -> str:
    return _META.sub("", sql)
