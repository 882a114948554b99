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
    with pytest.raises(DdlError, match=r"a directory without \.sql files"):
        open_source(str(tmp_path))  # a directory side reads its .sql files (tests/test_cli_inputs.py)


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


def test_nul_byte_is_a_positioned_error(tmp_path: Path) -> None:
    """A NUL byte would end the input early for the C parsers: refused where it is, with its offset."""
    p = tmp_path / "nul.sql"
    p.write_bytes(b"CREATE TABLE a (id int);\n-- \xc3\xa9\x00\nCREATE TABLE b (id int);\n")
    with pytest.raises(DdlError) as e:
        open_source(str(p))
    assert str(e.value).startswith(f"{p}:2:5: error: NUL byte at byte offset 30")


def test_utf16_is_named(tmp_path: Path) -> None:
    p = tmp_path / "u16.sql"
    p.write_bytes("CREATE TABLE t (a int);".encode("utf-16"))
    with pytest.raises(DdlError, match="the file is UTF-16"):
        open_source(str(p))


def test_invalid_utf8_names_the_byte_offset(tmp_path: Path) -> None:
    p = tmp_path / "bad.sql"
    p.write_bytes(b"\xef\xbb\xbfCREATE TABLE t (a int);\n\xff")
    with pytest.raises(DdlError, match=r"not valid UTF-8 at byte offset 27 \(byte 0xff\)"):
        open_source(str(p))


@pytest.mark.parametrize(
    "spec",
    ["git:--output=/tmp/x:s.sql", "git:HEAD:-s.sql", "git::-s.sql", "git::--output=/tmp/x", "git:HEAD:"],
)
def test_git_spec_that_looks_like_an_option_is_refused(
    spec: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """git never sees REV or PATH as one of its options (`--output=FILE` would write a file)."""
    monkeypatch.chdir(tmp_path)
    with pytest.raises(DdlError, match=r"do(es)? not start with '-'"):
        open_source(spec)
    assert list(tmp_path.iterdir()) == []


def test_quoted_names_and_strings_are_no_evidence() -> None:
    # a backtick inside a PostgreSQL name, MySQL words inside strings
    pg = Source("a.sql", "CREATE TABLE \"we`ird\" (id integer::bigint);\nCOMMENT ON TABLE x IS 'ENGINE=x';")
    assert resolve_dialect([pg], None).NAME == "postgres"
    my = Source("b.sql", "CREATE TABLE `x::text` (id int(11)) COMMENT 'LANGUAGE plpgsql $$';")
    assert resolve_dialect([my], None).NAME == "mysql"


def test_a_side_that_only_looks_like_the_other_dialect_is_refused() -> None:
    """One `::` cast is syntax MySQL does not have: next to a MySQL dump, the sides disagree."""
    pg = Source("pg.sql", "CREATE TABLE t (id integer DEFAULT '1'::integer);")
    dump = Source("my.sql", "-- MySQL dump 10.13\nCREATE TABLE `t` (`id` int) ENGINE=InnoDB;")
    with pytest.raises(DdlError) as e:
        resolve_dialect([pg, dump], None)
    assert "pg.sql looks like PostgreSQL, my.sql is MySQL/MariaDB" in str(e.value)
    assert resolve_dialect([pg, dump], "mysql").NAME == "mysql"  # --dialect decides


def test_display_width_reads_as_mysql() -> None:
    assert resolve_dialect([Source("t.sql", "CREATE TABLE t (id int(11) NOT NULL);")], None).NAME == "mysql"
