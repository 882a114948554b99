"""Database URL parsing, the redacted display form, the secret registry and scrubbing (no server)."""

from __future__ import annotations

import io
from typing import Any

import pytest
import typer

from ddlcompare import dburl
from ddlcompare.dburl import Host
from ddlcompare.errors import DdlError

PW = "S3cr/et@P:w#?x"
PW_ENC = "S3cr%2Fet%40P%3Aw%23%3Fx"
PW_ENC_LOWER = "S3cr%2fet%40P%3aw%23%3fx"


@pytest.mark.parametrize(
    ("url", "expect"),
    [
        # unencoded / @ : ? # in the userinfo password: the userinfo runs to the last @
        (
            f"postgresql://u:{PW}@127.0.0.1:5432/db",
            {"user": "u", "password": PW, "hosts": (Host("127.0.0.1", 5432),), "database": "db",
             "redacted": "postgresql://u@127.0.0.1:5432/db"},
        ),
        (
            f"mysql://u:{PW_ENC}@h/db",
            {"user": "u", "password": PW, "hosts": (Host("h", None),), "redacted": "mysql://u@h/db"},
        ),
        # the password in the query, with an @ in it: no userinfo, the host is still 127.0.0.1
        (
            f"postgresql://127.0.0.1:5432/db?user=u&password={PW}",
            {"user": "u", "password": PW, "hosts": (Host("127.0.0.1", 5432),), "database": "db",
             "params": (), "redacted": "postgresql://127.0.0.1:5432/db?user=u"},
        ),
        (
            f"mariadb://u@h:3307/db?password={PW}&connect_timeout=5",
            {"user": "u", "password": PW, "hosts": (Host("h", 3307),), "params": (("connect_timeout", "5"),),
             "redacted": "mariadb://u@h:3307/db?connect_timeout=5"},
        ),
        # the query password wins over the userinfo (as in libpq); both are secret
        (
            "postgresql://u:first1@h/db?password=second2",
            {"password": "second2", "redacted": "postgresql://u@h/db"},
        ),
        # a segment without = after a secret parameter continues its value
        (
            "mysql://h/db?password=a&b&unix_socket=/s",
            {"password": "a&b", "params": (("unix_socket", "/s"),), "redacted": "mysql://h/db?unix_socket=/s"},
        ),
        # a secret value inside another parameter's value hides that parameter
        (
            "postgresql://h/db?application_name=x?password=y0ursecret&sslmode=disable",
            {"redacted": "postgresql://h/db?sslmode=disable", "params": (("sslmode", "disable"),)},
        ),
        # secret-looking names are kept for the driver and hidden; sslkey is a file name, not a secret
        (
            "postgresql://h/db?sslpassword=k3yp4ss&sslkey=/k.pem&oauth_client_secret=s3cr3t",
            {"secret_params": (("sslpassword", "k3yp4ss"), ("oauth_client_secret", "s3cr3t")),
             "params": (("sslkey", "/k.pem"),), "redacted": "postgresql://h/db?sslkey=/k.pem"},
        ),
        # IPv6 in brackets (with a zone), several hosts, a socket directory, no host at all
        (
            "postgresql://u@[::1]:5433,[fe80::1%25eth0],h3:5434/db",
            {"hosts": (Host("::1", 5433), Host("fe80::1%eth0", None), Host("h3", 5434))},
        ),
        ("postgresql://%2Fvar%2Frun%2Fpostgresql/db", {"hosts": (Host("/var/run/postgresql", None),)}),
        ("postgresql:///db?service=svc", {"hosts": (), "database": "db", "params": (("service", "svc"),)}),
        ("postgresql://", {"hosts": (), "database": None, "user": None, "password": None}),
        # # is an ordinary character; + stays +; percent-decoding of user and database
        ("mysql://u%40corp:p#1+2@h/my%2Ddb", {"user": "u@corp", "password": "p#1+2", "database": "my-db"}),
        # an empty password is a password (libpq and PyMySQL then use none)
        ("postgresql://u:@h/db", {"user": "u", "password": "", "redacted": "postgresql://u@h/db"}),
        ("postgres+psycopg://h/db", {"scheme": "postgres+psycopg", "dialect": "postgres"}),
        ("MariaDB+PyMySQL://h/db", {"scheme": "mariadb+pymysql", "dialect": "mysql"}),
    ],
)
def test_parse(url: str, expect: dict[str, Any]) -> None:
    u = dburl.parse(url)
    for key, value in expect.items():
        assert getattr(u, key) == value, key
    assert u.password is None or not u.password or u.password not in u.redacted
    assert str(u) == u.redacted and u.redacted in repr(u)
    if u.password and len(u.password) >= 4:
        assert u.password not in repr(u)


@pytest.mark.parametrize(
    ("url", "shown", "words"),
    [
        (f"postgresql://u:{PW}@[::1:5432/db", "postgresql://u@[::1:5432/db", "without its closing ]"),
        (f"postgresql://u:{PW}@::1:5432/db", "postgresql://u@::1:5432/db", "must be in brackets"),
        (f"mysql://u:{PW}@[::zz]:3306/db", "mysql://u@[::zz]:3306/db", "not an IPv6 address"),
        (f"mysql://u:{PW}@[::1]x/db", "mysql://u@[::1]x/db", "after the ]"),
        (f"postgresql://[::1:5432/db?user=u&password={PW}", "postgresql://[::1:5432/db?user=u", "closing ]"),
        (f"postgresql://u:{PW}@h:99999/db", "postgresql://u@***", "not a number from 1 to 65535"),
        (f"postgresql://u:{PW}@h:0/db", "postgresql://u@***", "not a number"),
        (f"mysql://u:{PW}@h:x3306/db?a=1", "mysql://u@***", "not a number"),
        # the host forgotten: `u:password/db` reads as host u, port password...: neither shown
        ("postgresql://u:S3cret/db", "postgresql://***", "not a number"),
        ("postgresql://u:S3:cret/db", "postgresql://***", "not a number"),
        (f"postgresql://u:{PW}/db", "postgresql://u@***", "not a number"),
        (f"mysql://u:{PW_ENC}/db", "mysql://***", "not a number"),
        ("postgresql://h/db?x=1@y", "postgresql://h/db?x=1@y", "an @ after the host"),
        ("postgresql://h/db?=1", "postgresql://h/db?=1", "without a name"),
    ],
)
def test_malformed_urls_show_only_the_redacted_form(url: str, shown: str, words: str) -> None:
    assert dburl.redact(url) == shown
    with pytest.raises(DdlError) as e:
        dburl.parse(url)
    text = str(e.value)
    assert e.value.message.startswith(f"{shown}: bad database URL: ") and words in text
    for secret in (PW, PW_ENC, "S3cret", "w#?x"):
        assert secret not in text


@pytest.mark.parametrize(
    "spec", ["postgresql:/u:S3cret@h/db", "mysql:u:S3cret@h/db", "http://u:S3cret@h/db", "nonsense"]
)
def test_not_a_database_url(spec: str) -> None:
    with pytest.raises(DdlError, match="not a database URL") as e:
        dburl.parse(spec)
    assert "S3cret" not in str(e.value)


def test_detection() -> None:
    assert dburl.is_url("postgresql://h/db") and dburl.is_url("mysql+pymysql://h/d")
    assert not dburl.is_url("postgresql:/h/db") and not dburl.is_url("x.sql") and not dburl.is_url("git:a:b")
    assert dburl.dialect_of("postgres:x") == "postgres" and dburl.dialect_of("MARIADB://x") == "mysql"
    assert dburl.dialect_of("C:\\x.sql") is None


@pytest.mark.parametrize(
    "junk", ["", "postgresql://", "postgresql://@@@", "mysql://:@", "postgresql://[", "postgresql://?&&=&"]
)
def test_redact_never_fails(junk: str) -> None:
    assert isinstance(dburl.redact(junk), str)


def test_secrets_and_their_spellings() -> None:
    u = dburl.parse(f"postgresql://u:{PW}@h/db?sslpassword=k3y%2Bpass")
    assert {PW, PW_ENC, PW_ENC_LOWER, "k3y+pass", "k3y%2Bpass", "k3y%2bpass"} <= u.secrets
    assert u.scrub(f"x {PW} y {PW_ENC_LOWER} z k3y+pass") == "x *** y *** z ***"
    # a password the display shows anyway (the user name) is not hidden: that would garble the user
    same = dburl.parse("postgresql://postgres:postgres@h/db")
    assert same.secrets == frozenset() and same.scrub("user postgres") == "user postgres"


def test_registry_and_scope() -> None:
    with dburl.secret_scope():
        with dburl.secret_scope():
            dburl.parse(f"mysql://u:{PW}@h/db")
            dburl.parse("mysql://u:pw1@h/db")  # shorter than MIN_SECRET: not scrubbed from output
            dburl.register_url("postgresql://u:0ther-s3cret@[::1/db")  # malformed, still registered
            dburl.register_secret("fr0m-a-file")
            text = f"{PW} {PW_ENC} pw1 0ther-s3cret fr0m-a-file"
            assert dburl.scrub(text) == "*** *** pw1 *** ***"
            with dburl.secret_scope():
                assert dburl.scrub(text) == text  # a fresh scope knows none of them
            assert dburl.scrub(PW) == "***"
        assert dburl.scrub(PW) == PW  # the enclosing scope is back, without them


def test_scrubbed_writer_works_for_typer() -> None:
    out = io.StringIO()
    with dburl.secret_scope():
        dburl.register_secret(PW)
        hits: list[int] = []
        w = dburl.ScrubbedWriter(out, on_scrub=lambda: hits.append(1))
        with pytest.raises(TypeError):
            w.write(b"")  # type: ignore[arg-type]
        typer.echo(f"error at {PW}", file=w)
        w.write("clean\n")
    assert out.getvalue() == "error at ***\nclean\n" and hits == [1]


def test_dburl_is_neutral() -> None:
    """dburl imports no parser and no driver (the core may use it)."""
    import subprocess
    import sys

    code = (
        "import sys, ddlcompare.dburl; "
        "print(sorted(m for m in ('pglast', 'sqlglot', 'lark', 'psycopg', 'pymysql') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
