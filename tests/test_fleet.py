"""Fleets and history: `ddlcompare drift` (live databases in parallel), `ddlcompare log` (a file's git
history) and `--audit-log` (one JSON line per comparison, never a password)."""

from __future__ import annotations

import json
import os
import pty
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ddlcompare.fleet import folder_names
from tests.support import mysql_url, pgdb
from tests.support.cli import ROOT, run
from tests.support.servers import PG_HOST, PG_PORT, PG_USER, require_mariadb, require_pg

SECRET = "Dr1ft-S3cret/pw"
BASE = "CREATE TABLE t (id integer PRIMARY KEY, name text);\nCREATE TABLE audit (id integer);\n"
DRIFTED = "CREATE TABLE t (id integer PRIMARY KEY);\nCREATE TABLE audit (id integer);\n"  # name dropped


def closed_port() -> int:
    """A local TCP port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pg_url(db: str, password: str | None = None) -> str:
    auth = PG_USER if password is None else f"{PG_USER}:{password}"
    return f"postgresql://{auth}@{PG_HOST}:{PG_PORT}/{db}"


def everything_written(root: Path) -> str:
    return "".join(p.read_text(encoding="utf-8") for p in sorted(root.rglob("*")) if p.is_file())


def audit_lines(path: Path) -> list[dict[str, object]]:
    text = path.read_text(encoding="utf-8")
    assert text.endswith("\n")
    return [json.loads(line) for line in text.splitlines()]


def check_audit_fields(line: dict[str, object], command: str, code: int) -> None:
    assert set(line) >= {"time", "user", "host", "version", "command", "inputs", "severity", "exit_code"}
    assert isinstance(line["time"], str) and line["time"].endswith("Z")
    assert line["command"] == command and line["exit_code"] == code
    assert line["user"] and line["host"] and line["version"]


@pytest.fixture
def pg_fleet() -> Iterator[tuple[str, str]]:
    """Two live PostgreSQL databases: one as the baseline says, one drifted (a column dropped)."""
    require_pg()
    with pgdb.fresh_db("ddlc_fleet") as in_sync, pgdb.fresh_db("ddlc_fleet") as drifted:
        pgdb.load(in_sync, BASE)
        pgdb.load(drifted, DRIFTED)
        yield in_sync, drifted


def test_drift_postgres_three_targets(pg_fleet: tuple[str, str], tmp_path: Path) -> None:
    in_sync, drifted = pg_fleet
    base = tmp_path / "base.sql"
    base.write_text(BASE, encoding="utf-8")
    port = closed_port()
    targets = [
        pg_url(in_sync, SECRET),  # trust auth: the password is sent and ignored, and must never show
        pg_url(drifted),
        f"postgresql://{PG_USER}:{SECRET}@127.0.0.1:{port}/nowhere",
    ]
    out, log = tmp_path / "out", tmp_path / "audit.jsonl"
    r = run("drift", str(base), *targets, "--jobs", "3", "--output-dir", str(out), "--audit-log", str(log))
    assert not r.crash
    assert r.code == 1, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == f"postgresql://{PG_USER}@{PG_HOST}:{PG_PORT}/{in_sync}: in sync"
    assert lines[1] == (
        f"postgresql://{PG_USER}@{PG_HOST}:{PG_PORT}/{drifted}: 1 difference (highest severity: critical)"
    )
    assert lines[2].startswith(f"postgresql://{PG_USER}@127.0.0.1:{port}/nowhere: unreachable: ")
    assert "in sync" not in lines[2]
    assert "1 in sync, 1 drifted, 1 unreachable" in r.stderr
    assert "\r" not in r.stderr  # no progress bar when stderr is not a terminal

    folders = sorted(p.name for p in out.iterdir() if p.is_dir())
    assert folders == sorted(
        [
            f"postgresql_{PG_USER}_{PG_HOST}_{PG_PORT}_{in_sync}",
            f"postgresql_{PG_USER}_{PG_HOST}_{PG_PORT}_{drifted}",
            f"postgresql_{PG_USER}_127.0.0.1_{port}_nowhere",
        ]
    )
    drifted_dir = out / f"postgresql_{PG_USER}_{PG_HOST}_{PG_PORT}_{drifted}"
    report = json.loads((drifted_dir / "diff.json").read_text(encoding="utf-8"))
    assert [c["key"] for c in report["changes"]] == ["table:public.t"]
    # baseline is the old side: the rollback script brings the target back to the baseline
    assert "name" in (drifted_dir / "migration_rollback.sql").read_text(encoding="utf-8")
    in_sync_dir = out / f"postgresql_{PG_USER}_{PG_HOST}_{PG_PORT}_{in_sync}"
    assert json.loads((in_sync_dir / "diff.json").read_text(encoding="utf-8"))["changes"] == []
    unreachable = out / f"postgresql_{PG_USER}_127.0.0.1_{port}_nowhere"
    assert [p.name for p in unreachable.iterdir()] == ["unreachable.txt"]
    assert "unreachable" in (out / "drift.txt").read_text(encoding="utf-8")

    records = audit_lines(log)
    assert len(records) == 3
    for rec, code in zip(records, (0, 1, 4), strict=True):
        check_audit_fields(rec, "drift", code)
    ins = [rec["inputs"] for rec in records]
    assert all(i[0]["name"] == str(base) and i[0]["hashed"] == "text" for i in ins)  # type: ignore[index]
    assert ins[0][1]["hashed"] == "snapshot" and len(ins[0][1]["sha256"]) == 64  # type: ignore[index]
    assert ins[0][1]["sha256"] != ins[1][1]["sha256"]  # type: ignore[index]
    assert records[1]["severity"] == {"critical": 1, "high": 0, "medium": 0, "low": 0}
    assert records[2]["severity"] is None and "error" in records[2]
    for text in (r.stdout, r.stderr, everything_written(out), log.read_text(encoding="utf-8")):
        assert SECRET not in text and "S3cret" not in text


def test_drift_unreachable_only_is_not_in_sync(pg_fleet: tuple[str, str], tmp_path: Path) -> None:
    in_sync, _ = pg_fleet
    base = tmp_path / "base.sql"
    base.write_text(BASE, encoding="utf-8")
    r = run("drift", str(base), pg_url(in_sync))
    assert (r.code, r.stdout.strip()) == (0, f"{pg_url(in_sync)}: in sync")
    r = run("drift", str(base), pg_url(in_sync), f"postgresql://{PG_USER}@127.0.0.1:{closed_port()}/x", "-q")
    assert r.code == 4, r.stderr
    assert r.stdout.splitlines()[1].split(": ")[1] == "unreachable"
    assert r.stderr == ""
    # a missing file target is unreachable too, the baseline's error is an error (exit 2)
    r = run("drift", str(base), str(tmp_path / "missing.sql"))
    assert r.code == 4 and "unreachable: " in r.stdout
    r = run("drift", str(tmp_path / "missing.sql"), pg_url(in_sync))
    assert r.code == 2 and r.error_line is None and "missing.sql: no such file" in r.stderr


def test_drift_mariadb(tmp_path: Path) -> None:
    require_mariadb()
    base = tmp_path / "base.sql"
    base.write_text("CREATE TABLE t (id int NOT NULL PRIMARY KEY, name varchar(20));\n", encoding="utf-8")
    dbs = [f"{mysql_url.PREFIX}fleet_{os.getpid()}_{i}" for i in range(2)]
    try:
        for db in dbs:
            mysql_url.create_db(db)
        mysql_url.sql("CREATE TABLE t (id int NOT NULL PRIMARY KEY, name varchar(20))", db=dbs[0])
        mysql_url.sql("CREATE TABLE t (id int NOT NULL PRIMARY KEY, name varchar(40))", db=dbs[1])
        r = run("drift", str(base), *(mysql_url.url(db) for db in dbs), "-j", "2")
    finally:
        for db in dbs:
            mysql_url.drop_db(db)
    assert r.code == 1, r.stderr
    assert r.stdout.splitlines()[0].endswith(": in sync")
    assert r.stdout.splitlines()[1].endswith(": 1 difference (highest severity: low)")


def test_drift_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    base = tmp_path / "base.sql"
    base.write_text(BASE, encoding="utf-8")
    other = tmp_path / "other.sql"
    other.write_text(DRIFTED, encoding="utf-8")
    primary, secondary = pty.openpty()
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "ddlcompare", "drift", str(base), str(base), str(other)],
            cwd=ROOT,
            stderr=secondary,
            stdout=subprocess.PIPE,
            check=False,
        )
        os.close(secondary)
        secondary = -1
        err = b""
        while True:
            try:
                chunk = os.read(primary, 4096)
            except OSError:
                break
            if not chunk:
                break
            err += chunk
    finally:
        os.close(primary)
        if secondary >= 0:
            os.close(secondary)
    assert proc.returncode == 1
    assert b"\rdrift [" in err and b"2/2" in err
    assert proc.stdout.decode().splitlines() == [
        f"{base}: in sync",
        f"{other}: 1 difference (highest severity: critical)",
    ]


def test_folder_names_are_safe_and_distinct() -> None:
    names = folder_names(["postgresql://u@h:5432/db", "postgresql://u@h:5432/db", "../../etc/x", "a b/c"])
    assert names == ["postgresql_u_h_5432_db", "postgresql_u_h_5432_db-2", "etc_x", "a_b_c"]


def git(repo: Path, *args: str) -> str:
    proc = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True)
    return proc.stdout


def scratch_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.email", "dev@example.com")
    git(repo, "config", "user.name", "Dev")
    git(repo, "config", "commit.gpgsign", "false")
    return repo


def test_log_walks_three_commits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = scratch_repo(tmp_path)
    (repo / "db").mkdir()
    schema = repo / "db" / "schema.sql"
    versions = [
        ("create t", "CREATE TABLE t (id integer PRIMARY KEY);\n"),
        ("add name", "CREATE TABLE t (id integer PRIMARY KEY, name text);\n"),
        ("orders, drop name", "CREATE TABLE t (id integer PRIMARY KEY);\nCREATE TABLE orders (id int);\n"),
    ]
    for subject, text in versions:
        schema.write_text(text, encoding="utf-8")
        git(repo, "add", "db/schema.sql")
        git(repo, "commit", "-q", "-m", subject)
    git(repo, "mv", "db/schema.sql", "db/main.sql")  # --follow keeps the history across a rename
    git(repo, "commit", "-q", "-m", "rename")
    hashes = git(repo, "log", "--format=%H").split()
    monkeypatch.chdir(repo / "db")
    r = run("log", "main.sql")
    assert r.code == 0, r.stderr
    blocks = r.stdout.split("\n" + hashes[1][:12])
    head = r.stdout.splitlines()
    assert head[0].startswith(f"{hashes[0][:12]} ") and head[0].endswith(" rename")
    assert head[1] == "    no differences"
    assert len(blocks) == 2
    text = r.stdout
    assert f"{hashes[1][:12]} " in text and " orders, drop name\n" in text
    assert "    create table:public.orders\n" in text and "    alter table:public.t\n" in text
    assert f"{hashes[3][:12]} " in text and text.rstrip().endswith("create table:public.t")
    first = text[text.index(hashes[3][:12]) :].splitlines()
    assert first[1:] == [  # the first version against an empty schema
        "    2 to create, 0 to drop, 0 to alter; highest severity: low",
        "    create primary_key:public.t.t_pkey",
        "    create table:public.t",
    ]
    # a path is data, never an option
    r = run("log", "--", "-p")
    assert r.code == 2 and "traceback" not in r.stderr.lower()


def test_audit_log_of_compare_never_holds_a_password(tmp_path: Path) -> None:
    require_pg()
    old = tmp_path / "old.sql"
    old.write_text(BASE, encoding="utf-8")
    new = tmp_path / "new.sql"
    new.write_text(DRIFTED, encoding="utf-8")
    log = tmp_path / "nested" / "audit.jsonl"
    log.parent.mkdir()
    r = run(str(old), str(new), "--audit-log", str(log), "-q")
    assert r.code == 1
    r = run(str(old), str(new), "--audit-log", str(log), "-q", "--fail-on", "critical")
    assert r.code == 3
    with pgdb.fresh_db("ddlc_fleet") as db:
        pgdb.load(db, BASE)
        r = run(str(old), pg_url(db, SECRET), "--audit-log", str(log), "-q")
        assert r.code == 0, r.stderr
        snapshot = run("snapshot", pg_url(db)).stdout
    recs = audit_lines(log)
    assert [rec["exit_code"] for rec in recs] == [1, 3, 0]
    for rec, code in zip(recs, (1, 3, 0), strict=True):
        check_audit_fields(rec, "compare", code)
    assert recs[0]["inputs"][0] == {  # type: ignore[index]
        "role": "old",
        "name": str(old),
        "sha256": __import__("hashlib").sha256(BASE.encode()).hexdigest(),
        "hashed": "text",
    }
    assert recs[0]["severity"] == {"critical": 1, "high": 0, "medium": 0, "low": 0}
    live = recs[2]["inputs"][1]  # type: ignore[index]
    assert live["name"] == pg_url(db) and live["hashed"] == "snapshot"
    assert live["sha256"] == __import__("hashlib").sha256(snapshot.encode()).hexdigest()
    assert SECRET not in log.read_text(encoding="utf-8") and "S3cret" not in log.read_text(encoding="utf-8")


def test_drift_and_audit_with_a_real_password(tmp_path: Path) -> None:
    """MariaDB over TCP with a user whose password is checked: drift and compare connect with it,
    and no output, report or audit line holds it (in any spelling test_secrets searches for)."""
    from tests.support import pwservers
    from tests.test_secrets import spellings

    password = "Fl33t/pa@ss:w#?z"
    leaks = spellings(password)
    with pwservers.my_user(password) as server:
        url = f"mysql://{server.user}:{password}@127.0.0.1:{server.port}/{server.db}"
        base = tmp_path / "base.sql"
        base.write_text("CREATE TABLE t (a int);\n", encoding="utf-8")
        out, log = tmp_path / "out", tmp_path / "audit.jsonl"
        r = run("drift", str(base), url, "-o", str(out), "--audit-log", str(log))
        assert r.code == 0, r.stderr
        r2 = run(str(base), url, "--audit-log", str(log), "-o", str(tmp_path / "cmp"))
        assert r2.code == 0, r2.stderr
        wrong = url.replace(password, "Wr0ng-pass-x")
        r3 = run("drift", str(base), wrong, "--audit-log", str(log))
        assert r3.code == 4 and ": unreachable: " in r3.stdout
    shown = f"mysql://{server.user}@127.0.0.1:{server.port}/{server.db}"
    assert r.stdout == f"{shown}: in sync\n"
    recs = audit_lines(log)
    assert [rec["command"] for rec in recs] == ["drift", "compare", "drift"]
    assert [rec["exit_code"] for rec in recs] == [0, 0, 4]
    assert recs[0]["inputs"][1]["name"] == shown  # type: ignore[index]
    written = everything_written(out) + everything_written(tmp_path / "cmp") + log.read_text(encoding="utf-8")
    for text in (r.stdout, r.stderr, r2.stdout, r2.stderr, r3.stdout, r3.stderr, written):
        assert not [s for s in leaks if s in text]
    assert "Wr0ng-pass-x" not in r3.stdout + r3.stderr + log.read_text(encoding="utf-8")
