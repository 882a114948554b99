"""Sources: files, git revisions, URLs, decoding errors; dialect resolution."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from ddlcompare import resolve_dialect
from ddlcompare.errors import DdlError
from ddlcompare.sources import Source, is_url, open_source


def test_url_detection_and_redaction() -> None:
    assert is_url("postgresql://u:secret@h/db") and is_url("mysql+pymysql://h/db") and not is_url("x.sql")
    src = open_source("postgresql://u:secret@h:5432/db")
    assert src.name == "postgresql://u@h:5432/db" and src.url_dialect == "postgres"
    assert open_source("mariadb://root@localhost/db").url_dialect == "mysql"
    # a password with unencoded reserved characters, or in the query, is not part of the name
    src = open_source("postgresql://u:S3cr/et@P:w#?x@h/db")
    assert src.name == "postgresql://u@h/db" and "S3cr" not in repr(src)
    assert open_source("mysql://h/db?user=u&password=S3cr/et@P:w#?x").name == "mysql://h/db?user=u"


def test_url_a_slash_short_is_refused_without_its_password() -> None:
    with pytest.raises(DdlError, match="not a database URL") as e:
        open_source("postgresql:/u:S3cret@h/db")
    assert "S3cret" not in str(e.value)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(DdlError, match="no such file"):
        open_source(str(tmp_path / "nope.sql"))
    with pytest.raises(DdlError, match="is a directory"):
        open_source(str(tmp_path))


def test_invalid_utf8_has_a_position(tmp_path: Path) -> None:
    p = tmp_path / "bad.sql"
    p.write_bytes(b"CREATE TABLE t (a int);\n-- caf\xe9\n")
    with pytest.raises(DdlError) as e:
        open_source(str(p))
    assert str(e.value).startswith(f"{p}:2:7: error: not valid UTF-8")


def test_bom_is_dropped(tmp_path: Path) -> None:
    p = tmp_path / "bom.sql"
    p.write_bytes(b"\xef\xbb\xbfCREATE TABLE t (a int);")
    assert open_source(str(p)).text == "CREATE TABLE t (a int);"


def test_git_revision(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def git(*args: str) -> None:
        subprocess.run(
            ["git", "-c", "user.email=t@t", "-c", "user.name=t", *args],
            cwd=tmp_path,
            check=True,
            capture_output=True,
        )

    git("init", "-q")
    (tmp_path / "s.sql").write_text("CREATE TABLE a (x int);\n")
    git("add", "s.sql")
    git("commit", "-qm", "one")
    (tmp_path / "s.sql").write_text("CREATE TABLE b (x int);\n")
    monkeypatch.chdir(tmp_path)
    assert open_source("git:HEAD:s.sql").text == "CREATE TABLE a (x int);\n"
    with pytest.raises(DdlError, match=r"git:HEAD:nope\.sql"):
        open_source("git:HEAD:nope.sql")


def test_mixed_dialects_are_refused() -> None:
    pg = Source("a.sql", "-- PostgreSQL database dump\nCREATE TABLE t (id serial);\n")
    my = Source("b.sql", "CREATE TABLE `t` (`id` int) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;")
    with pytest.raises(DdlError, match="different dialects"):
        resolve_dialect([pg, my], None)
    assert resolve_dialect([pg, pg], None).NAME == "postgres"


def test_weak_evidence_follows_the_other_side() -> None:
    # a short MySQL file with a uuid column: on its own it leans PostgreSQL; the dump decides
    weak = Source("n.sql", "CREATE TABLE users (id BINARY(16) DEFAULT (UUID_TO_BIN(UUID())));")
    dump = Source("o.sql", "-- MySQL dump 10.13\nCREATE TABLE `users` (`id` int) ENGINE=InnoDB;")
    assert resolve_dialect([dump, weak], None).NAME == "mysql"
