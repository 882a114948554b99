"""PostgreSQL connection parameters from a URL: explicit, and only what the URL gives (no server)."""

from __future__ import annotations

import pytest

from ddlcompare import dburl
from ddlcompare.dialects.postgres.catalog import connect_params
from ddlcompare.errors import DdlError


@pytest.mark.parametrize(
    ("url", "params"),
    [
        (
            "postgresql://u:S3cr/et@P:w#?x@127.0.0.1:5432/db?connect_timeout=5",
            {"host": "127.0.0.1", "port": "5432", "user": "u", "password": "S3cr/et@P:w#?x", "dbname": "db",
             "connect_timeout": "5"},
        ),
        # nothing given: nothing passed, so PGHOST, PGPASSWORD, ~/.pgpass, PGSERVICE still apply
        ("postgresql://", {}),
        ("postgresql:///?service=svc", {"service": "svc"}),
        ("postgres://u@/db", {"user": "u", "dbname": "db"}),
        (
            "postgresql://[::1]:5433,h2/db?ssl=true&sslpassword=k3y",
            {"host": "::1,h2", "port": "5433,", "dbname": "db", "sslmode": "require", "sslpassword": "k3y"},
        ),
        ("postgresql://%2Ftmp/db?user=q&passfile=/p", {"host": "/tmp", "dbname": "db", "user": "q",
                                                        "passfile": "/p"}),
    ],
)
def test_connect_params(url: str, params: dict[str, str]) -> None:
    assert connect_params(dburl.parse(url)) == params


def test_unknown_parameter_and_wrong_dialect() -> None:
    with pytest.raises(DdlError, match="unknown URL parameter 'nope'"):
        connect_params(dburl.parse("postgresql://h/db?nope=1"))
    with pytest.raises(DdlError, match="not a PostgreSQL URL"):
        connect_params(dburl.parse("mysql://h/db"))
