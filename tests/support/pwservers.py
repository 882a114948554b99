"""A user with a password on each server, for the password and leak tests (created here, dropped after).

PostgreSQL: a role on a private scram-sha-256 cluster (pgauth.py; the shared server trusts 127.0.0.1).
MariaDB: a user on the shared server for TCP 127.0.0.1 and for the local socket (`localhost`).
"""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from tests.support import mysql_url as my
from tests.support import pgauth
from tests.support.servers import mariadb_available, require


@dataclass(frozen=True)
class Server:
    """Where a dialect's password-protected user and its database are."""

    dialect: str
    user: str
    db: str
    port: int
    ipv6: bool  # whether [::1]:port answers


def _ipv6_listens(port: int) -> bool:
    try:
        with socket.create_connection(("::1", port), timeout=2):
            return True
    except OSError:
        return False


@contextmanager
def pg_role(password: str) -> Iterator[Server]:
    """A login role with `password` owning a database with one table `t (a int)`."""
    require(pgauth.available(), "initdb/pg_ctl for a private PostgreSQL cluster")
    with pgauth.cluster() as c:
        user = f"ddlc_sec_{uuid.uuid4().hex[:8]}"
        c.psql(f"CREATE ROLE {user} LOGIN PASSWORD '{password}'")
        c.psql(f"CREATE DATABASE {user} OWNER {user}")
        c.psql(f"SET ROLE {user}; CREATE TABLE t (a int)", db=user)
        yield Server("postgres", user, user, c.port, c.ipv6 and _ipv6_listens(c.port))


@contextmanager
def my_user(password: str) -> Iterator[Server]:
    """A MariaDB user with `password` (from 127.0.0.1 and the socket) on a database with `t (a int)`."""
    require(mariadb_available(), "MariaDB")
    tag = uuid.uuid4().hex[:8]
    user, db = f"ddlc_sec_{tag}", f"{my.PREFIX}sec_{tag}"
    my.create_db(db)
    try:
        for host in ("127.0.0.1", "localhost"):
            my.sql(f"CREATE USER '{user}'@'{host}' IDENTIFIED BY '{password}'")
            my.sql(f"GRANT ALL ON `{db}`.* TO '{user}'@'{host}'")
            # routine bodies are read from mysql.proc (see README: Least privileges)
            my.sql(f"GRANT SELECT ON `mysql`.`proc` TO '{user}'@'{host}'")
        my.sql("CREATE TABLE t (a int)", db=db)
        yield Server("mysql", user, db, 3306, _ipv6_listens(3306))
    finally:
        my.sql(f"DROP USER IF EXISTS '{user}'@'127.0.0.1', '{user}'@'localhost'")
        my.drop_db(db)
