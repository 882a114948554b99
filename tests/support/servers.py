"""Whether the real servers answer; under CI=true a missing server fails the test instead of skipping it."""

from __future__ import annotations

import os
import shutil
import subprocess
from functools import cache

import pytest

PG_HOST = os.environ.get("DDLCOMPARE_PG_HOST", "127.0.0.1")
PG_PORT = os.environ.get("DDLCOMPARE_PG_PORT", "5432")
PG_USER = os.environ.get("DDLCOMPARE_PG_USER", "postgres")
MY_SOCKET = os.environ.get("DDLCOMPARE_MYSQL_SOCKET", "/run/mysqld/mysqld.sock")
MY_USER = os.environ.get("DDLCOMPARE_MYSQL_USER", "root")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@cache
def pg_available() -> bool:
    if shutil.which("psql") is None:
        return False
    proc = subprocess.run(
        ["psql", "-X", "-h", PG_HOST, "-p", PG_PORT, "-U", PG_USER, "-d", "postgres", "-Atc", "select 1"],
        capture_output=True,
        text=True,
        check=False,
    )
    return proc.returncode == 0


@cache
def mariadb_available() -> bool:
    try:
        import pymysql

        pymysql.connect(unix_socket=MY_SOCKET, user=MY_USER).close()
        return True
    except Exception:
        return False


def require(available: bool, what: str) -> None:
    """Skip when the server is missing, except under CI where a skipped live test is a failure."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{what} is not reachable and CI=true: live tests must run")
    pytest.skip(f"{what} is not reachable")


def require_pg() -> None:
    require(pg_available(), f"PostgreSQL at {PG_HOST}:{PG_PORT}")


def require_mariadb() -> None:
    require(mariadb_available(), f"MariaDB at {MY_SOCKET}")
