"""Passwords kept off the command line, against servers that check them.

PostgreSQL (private scram cluster): PGPASSWORD, a password file (PGPASSFILE, ?passfile=, ~/.pgpass),
a service file (PGSERVICEFILE with ?service= or PGSERVICE). MariaDB (TCP 127.0.0.1:3306): MYSQL_PWD,
~/.my.cnf, ?read_default_file= and ?read_default_group=. Each is shown to be what lets the user in
(without it, or with a wrong value, the server refuses), and which source wins when there are several.
HOME points at a scratch directory in every test, so that the real ~/.pgpass or ~/.my.cnf play no part.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import pgauth, pwservers
from tests.support.cli import Run, run, run_process
from tests.support.pwservers import Server

SECRET = "S3cr/et@P:w#?x"
WRONG = "Wr0ng/pa@ss:w#?y"


@pytest.fixture(scope="module")
def pg_server() -> Iterator[Server]:
    with pwservers.pg_role(SECRET) as server:
        yield server


@pytest.fixture(scope="module")
def my_server() -> Iterator[Server]:
    with pwservers.my_user(SECRET) as server:
        yield server


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A scratch HOME, and none of the variables these tests set."""
    monkeypatch.setenv("HOME", str(tmp_path))
    for var in ("PGPASSWORD", "PGPASSFILE", "PGSERVICE", "PGSERVICEFILE", "MYSQL_PWD"):
        monkeypatch.delenv(var, raising=False)
    return tmp_path


def ok(r: Run) -> None:
    assert r.code == 0 and not r.crash, r.stderr
    assert "CREATE TABLE" in r.stdout
    assert SECRET not in r.stdout + r.stderr


def refused(r: Run, words: str) -> None:
    assert r.code == 2 and not r.crash, r.stdout + r.stderr
    assert "cannot connect" in r.stderr and words in r.stderr, r.stderr
    assert SECRET not in r.stderr and WRONG not in r.stderr


# --------------------------------------------------------------------------------------------
# PostgreSQL


def _pg_url(s: Server, password: str | None = None, query: str = "") -> str:
    auth = s.user if password is None else f"{s.user}:{password}"
    return f"postgresql://{auth}@127.0.0.1:{s.port}/{s.db}{query}"


def _pgpass_line(s: Server, password: str) -> str:
    """host:port:db:user:password with : and \\ escaped as the password file wants."""
    escaped = password.replace("\\", "\\\\").replace(":", "\\:")
    return f"127.0.0.1:{s.port}:{s.db}:{s.user}:{escaped}\n"


@pytest.mark.live
def test_pg_the_password_is_checked(pg_server: Server, home: Path) -> None:
    refused(run("snapshot", _pg_url(pg_server)), "no password supplied")
    refused(run("snapshot", _pg_url(pg_server, WRONG)), "password authentication failed")
    ok(run("snapshot", _pg_url(pg_server, SECRET)))


@pytest.mark.live
def test_pg_pgpassword(pg_server: Server, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PGPASSWORD", SECRET)
    ok(run("snapshot", _pg_url(pg_server)))
    # a password in the URL wins
    refused(run("snapshot", _pg_url(pg_server, WRONG)), "password authentication failed")
    monkeypatch.setenv("PGPASSWORD", WRONG)
    refused(run("snapshot", _pg_url(pg_server)), "password authentication failed")
    ok(run_process("snapshot", _pg_url(pg_server), env={"PGPASSWORD": SECRET, "HOME": str(home)}))


@pytest.mark.live
def test_pg_password_file(pg_server: Server, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    passfile = home / "pass"
    passfile.write_text(_pgpass_line(pg_server, SECRET))
    passfile.chmod(0o600)
    ok(run("snapshot", _pg_url(pg_server, query=f"?passfile={passfile}")))
    monkeypatch.setenv("PGPASSFILE", str(passfile))
    ok(run("snapshot", _pg_url(pg_server)))
    monkeypatch.delenv("PGPASSFILE")
    refused(run("snapshot", _pg_url(pg_server)), "no password supplied")
    (home / ".pgpass").write_text(_pgpass_line(pg_server, SECRET))
    (home / ".pgpass").chmod(0o600)
    ok(run("snapshot", _pg_url(pg_server)))


@pytest.mark.live
def test_pg_service_file(pg_server: Server, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    services = home / "services.conf"
    services.write_text(
        f"[ddlc]\nhost=127.0.0.1\nport={pg_server.port}\nuser={pg_server.user}\ndbname={pg_server.db}\n"
        f"password={SECRET}\n"
        f"[ddlc_otherdb]\nhost=127.0.0.1\nport={pg_server.port}\nuser={pg_server.user}\ndbname=nope\n"
        f"password={SECRET}\n"
    )
    monkeypatch.setenv("PGSERVICEFILE", str(services))
    ok(run("snapshot", "postgresql:///?service=ddlc"))
    ok(run("snapshot", "postgresql://?service=ddlc"))
    # the URL's database wins over the service's
    ok(run("snapshot", f"postgresql:///{pg_server.db}?service=ddlc_otherdb"))
    refused(run("snapshot", "postgresql:///?service=ddlc_otherdb"), '"nope" does not exist')
    monkeypatch.setenv("PGSERVICE", "ddlc")
    ok(run("snapshot", "postgresql://"))


@pytest.mark.live
def test_pg_closed_port_is_reported_fast(home: Path) -> None:
    refused(run("snapshot", f"postgresql://u:{SECRET}@127.0.0.1:{pgauth.free_port()}/db"), "refused")


# --------------------------------------------------------------------------------------------
# MariaDB


def _my_url(s: Server, password: str | None = None, query: str = "", user: bool = True) -> str:
    auth = "" if not user else (f"{s.user}@" if password is None else f"{s.user}:{password}@")
    return f"mysql://{auth}127.0.0.1:{s.port}/{s.db}{query}"


@pytest.mark.live_mysql
def test_my_the_password_is_checked(my_server: Server, home: Path) -> None:
    refused(run("snapshot", _my_url(my_server)), "using password: NO")
    refused(run("snapshot", _my_url(my_server, WRONG)), "using password: YES")
    ok(run("snapshot", _my_url(my_server, SECRET)))


@pytest.mark.live_mysql
def test_my_mysql_pwd(my_server: Server, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MYSQL_PWD", SECRET)
    ok(run("snapshot", _my_url(my_server)))
    refused(run("snapshot", _my_url(my_server, WRONG)), "Access denied")  # the URL wins
    monkeypatch.setenv("MYSQL_PWD", WRONG)
    refused(run("snapshot", _my_url(my_server)), "Access denied")
    ok(run_process("snapshot", _my_url(my_server), env={"MYSQL_PWD": SECRET, "HOME": str(home)}))


@pytest.mark.live_mysql
def test_my_cnf(my_server: Server, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # `#` needs quotes in an option file (it starts a comment otherwise)
    (home / ".my.cnf").write_text(f'[client]\nuser = {my_server.user}\npassword = "{SECRET}"\n')
    ok(run("snapshot", _my_url(my_server, user=False)))
    refused(run("snapshot", _my_url(my_server, WRONG)), "Access denied")  # the URL wins
    monkeypatch.setenv("MYSQL_PWD", WRONG)
    ok(run("snapshot", _my_url(my_server, user=False)))  # the file wins over MYSQL_PWD
    # for localhost the file's socket is used, as the mysql client does (its port is closed)
    (home / ".my.cnf").write_text(
        f'[client]\nuser={my_server.user}\npassword="{SECRET}"\nsocket=/run/mysqld/mysqld.sock\n'
        f"port={pgauth.free_port()}\n"
    )
    ok(run("snapshot", f"mysql://localhost/{my_server.db}"))


@pytest.mark.live_mysql
def test_my_read_default_file_and_group(my_server: Server, home: Path) -> None:
    (home / ".my.cnf").write_text(f"[client]\npassword={WRONG[:5]}\n")  # not read: a file is named
    cnf = home / "ddlc.cnf"
    cnf.write_text(f"[client]\nuser={my_server.user}\n[ddlc]\npassword='{SECRET}'\n")
    url = _my_url(my_server, user=False, query=f"?read_default_file={cnf}")
    ok(run("snapshot", f"{url}&read_default_group=ddlc"))
    refused(run("snapshot", url), "using password: NO")  # [client] only: no password
