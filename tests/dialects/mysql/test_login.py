"""MySQL/MariaDB login settings: URL parameters, option files, MYSQL_PWD (no server)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ddlcompare.dialects.mysql import catalog
from ddlcompare.dialects.mysql.catalog import parse_url, read_option_file
from ddlcompare.errors import DdlError


def test_option_file_as_the_client_reads_it(tmp_path: Path) -> None:
    f = tmp_path / "my.cnf"
    f.write_text(
        "# comment\n"
        "[mysqld]\npassword = server-side\n"
        "[client]\n"
        "  user = app   # trailing comment\n"
        "password = \"S3cr/et@P:w#?x\"\n"
        "loose_port = 3307\n"
        "socket='/tmp/my sock'\n"
        "skip-ssl\n"
        "!include /nonexistent/other.cnf\n"
        "[ddlc]\n"
        "host = db.example\n"
        "password = tab\\there\\s\n"
    )
    assert read_option_file(f, ["client"]) == {
        "user": "app",
        "password": "S3cr/et@P:w#?x",
        "port": "3307",
        "socket": "/tmp/my sock",
        "skip-ssl": "",
    }
    both = read_option_file(f, ["client", "ddlc"])
    assert both["host"] == "db.example" and both["password"] == "tab\there " and both["user"] == "app"


def _login(url: str) -> catalog._Login:
    return catalog._login(parse_url(url))


def test_url_wins_over_the_file_which_wins_over_mysql_pwd(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("MYSQL_PWD", "fr0m-env")
    # no ~/.my.cnf: MYSQL_PWD
    assert _login("mysql://u@127.0.0.1/db").password == "fr0m-env"
    (tmp_path / ".my.cnf").write_text(
        "[client]\nuser=fileuser\npassword=fr0m-file\nhost=filehost\nport=3310\nsocket=/s.sock\n"
    )
    got = _login("mysql://127.0.0.1/db")
    assert (got.user, got.password, got.host, got.port, got.unix_socket) == (
        "fileuser", "fr0m-file", "127.0.0.1", 3310, None  # a host other than localhost: TCP
    )
    got = _login("mysql://u:fr0m-url@localhost:3306/db")
    assert (got.user, got.password, got.port, got.unix_socket) == ("u", "fr0m-url", 3306, "/s.sock")
    got = _login("mysql://u@localhost/db?password=fr0m-query&unix_socket=/q.sock")
    assert (got.password, got.unix_socket) == ("fr0m-query", "/q.sock")
    got = _login("mysql:///db")  # everything from the file
    assert (got.user, got.host, got.port, got.unix_socket) == ("fileuser", "filehost", 3310, None)


def test_explicit_option_file_and_group(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("MYSQL_PWD", raising=False)
    (tmp_path / ".my.cnf").write_text("[client]\npassword=home-file\n")
    other = tmp_path / "other.cnf"
    other.write_text("[client]\npassword=other-file\n[ddlc]\nuser=grouped\n")
    u = f"mysql://127.0.0.1/db?read_default_file={other}"
    assert _login(u).password == "other-file" and _login(u).user is None
    assert _login(f"{u}&read_default_group=ddlc").user == "grouped"
    with pytest.raises(DdlError, match="cannot read option file") as e:
        _login(f"mysql://u:S3cr/et@h/db?read_default_file={tmp_path}/missing.cnf")
    assert "S3cr" not in str(e.value)


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("mysql://u@h1,h2/db", "names one host"),
        ("mysql://u@h/db?sslpassword=S3cr3t-value", "unknown URL parameter 'sslpassword'"),
        ("mysql://u@h/db?connect_timeout=soon", "unknown URL parameter"),
    ],
)
def test_refused_parameters(url: str, words: str) -> None:
    with pytest.raises(DdlError, match=words) as e:
        parse_url(url)
    assert "S3cr3t-value" not in str(e.value)
