"""Inputs: a directory of .sql files as a side, git::PATH (the staged file), and check-migrations."""

from __future__ import annotations

import itertools
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from ddlcompare import load
from ddlcompare.errors import DdlError
from ddlcompare.sources import migration_files
from tests.support import corpus
from tests.support.cli import ROOT, Run, run, run_process

EXAMPLE = ROOT / "fixtures" / "example"
SHOP = ROOT / "fixtures" / "postgres" / "pgdump_shop_evolution"
MYSQL = ROOT / "fixtures" / "mysql" / "column_add"
MYSQL_VIEWS = ROOT / "fixtures" / "mysql" / "view_change"


def split_into(folder: Path, text: str, parts: int) -> list[Path]:
    """`text` cut into about `parts` files 01_part.sql, 02_part.sql, ... at blank lines (between
    statements), or else after lines ending with `;`; the files hold the text exactly, in order."""
    cuts = [i + 1 for i in range(len(text) - 1) if text[i] == "\n" and text[i + 1] == "\n"]
    if len(cuts) < parts:
        cuts = [i + 2 for i in range(len(text) - 1) if text[i : i + 2] == ";\n"]
    step = max(1, len(cuts) // parts)
    bounds = [0, *cuts[step::step][: parts - 1], len(text)]
    folder.mkdir()
    files = []
    for n, (start, end) in enumerate(itertools.pairwise(bounds), 1):
        if start < end:
            f = folder / f"{n:02d}_part.sql"
            f.write_bytes(text[start:end].encode("utf-8"))
            files.append(f)
    assert "".join(f.read_text(encoding="utf-8") for f in files) == text
    return files


def changes(r: Run) -> list[tuple[str, str]]:
    assert not r.crash, r.crash
    assert r.code in (0, 1), r.stderr
    return [(c["key"], c["operation"]) for c in json.loads(r.stdout)["changes"]]


# ---- a directory side ---------------------------------------------------------------------------


@pytest.mark.parametrize("base", [EXAMPLE, SHOP, MYSQL_VIEWS], ids=lambda p: p.name)
def test_directory_side_equals_the_concatenated_file(tmp_path: Path, base: Path) -> None:
    files = split_into(tmp_path / "schema", (base / "new.sql").read_text(encoding="utf-8"), 3)
    assert len(files) >= 2
    r = run(str(tmp_path / "schema"), str(base / "new.sql"))
    assert r.code == 0 and "no differences" in r.stderr, r.stderr
    old = str(base / "old.sql")
    as_dir = run(old, str(tmp_path / "schema"), "-f", "json", "-q")
    as_file = run(old, str(base / "new.sql"), "-f", "json", "-q")
    assert changes(as_dir) == changes(as_file) != []
    sql_dir, sql_file = run(old, str(tmp_path / "schema")), run(old, str(base / "new.sql"))
    assert sql_dir.stdout == sql_file.stdout


@pytest.mark.skipif(not corpus.available(), reason="needs ../shared/corpus")
@pytest.mark.parametrize("dialect", ["postgres", "mysql"])
def test_directory_of_a_real_schema_keeps_objects_and_positions(tmp_path: Path, dialect: str) -> None:
    """Each real schema of the corpus, cut into files: the same objects, and every warning at the
    same place, named by the file it is in with that file's own line."""
    for n, schema in enumerate(corpus.schemas(dialect)):
        text = schema.path.read_text(encoding="utf-8")
        folder = tmp_path / f"s{n}"
        files = split_into(folder, text, 4)
        whole, parts = load(str(schema.path), dialect), load(str(folder), dialect)
        assert whole.objects == parts.objects, schema.id
        starts = []
        line = 1
        for f in files:
            starts.append((line, str(f)))
            line += f.read_text(encoding="utf-8").count("\n")
        expected = []
        for w in whole.warnings:
            if w.pos is None:
                expected.append((w.message, None))
                continue
            start, name = max(s for s in starts if s[0] <= w.pos.line)
            where = (name, w.pos.line - start + 1, w.pos.col)
            expected.append((w.message.replace(str(schema.path), str(folder)), where))
        got = [(w.message, tuple(w.pos) if w.pos else None) for w in parts.warnings]
        assert got == expected, schema.id
        for key, obj in whole.objects.items():
            at, there = whole.position(obj), parts.position(parts.objects[key])
            if at is None:
                assert there is None
                continue
            start, name = max(s for s in starts if s[0] <= at.line)
            assert there == (name, at.line - start + 1, at.col), (schema.id, key)


def test_directory_errors_and_warnings_keep_their_file_positions(tmp_path: Path) -> None:
    d = tmp_path / "schema"
    d.mkdir()
    # no newline at the end: the next file still starts on a line of its own
    (d / "01_tables.sql").write_text("CREATE TABLE a (id int PRIMARY KEY);\nCREATE TABLE b (id int);")
    (d / "02_more.sql").write_text(
        "\n-- a transform is not modelled\n"
        "CREATE TRANSFORM FOR integer LANGUAGE sql "
        "(FROM SQL WITH FUNCTION f(internal), TO SQL WITH FUNCTION g(integer));\n"
    )
    (d / "notes.txt").write_text("not SQL, not read")
    r = run(str(d), str(d))
    assert r.code == 0, r.stderr
    assert f"{d / '02_more.sql'}:3:1: warning: statement CreateTransformStmt" in r.stderr, r.stderr
    (d / "03_bad.sql").write_text("CREATE TABLE c (id int);\n\nALTER TABLEX c;\n")
    r = run(str(EXAMPLE / "old.sql"), str(d))
    assert r.code == 2 and "Traceback" not in r.stderr
    assert r.error_line is not None and r.error_line["path"] == str(d / "03_bad.sql"), r.stderr
    assert (r.error_line["line"], r.error_line["col"]) == ("3", "7"), r.stderr


@pytest.mark.parametrize("dialect", ["postgres", "mysql"])
def test_rename_annotations_in_a_directory(tmp_path: Path, dialect: str) -> None:
    """`-- ddlcompare:renamed-from` lines of a directory's second file annotate its own lines."""
    base = ROOT / "fixtures" / dialect / "rename_annotated"
    d = tmp_path / "schema"
    d.mkdir()
    (d / "01_intro.sql").write_text("-- the schema of the app\n\n-- (tables follow)\n")
    shutil.copy(base / "new.sql", d / "02_tables.sql")
    as_dir = run(str(base / "old.sql"), str(d))
    as_file = run(str(base / "old.sql"), str(base / "new.sql"))
    assert as_dir.code == as_file.code == 1, as_dir.stderr
    assert as_dir.stdout == as_file.stdout and "RENAME" in as_dir.stdout.upper(), as_dir.stdout


def test_directory_without_sql_files_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    r = run(str(tmp_path / "empty"), str(EXAMPLE / "new.sql"))
    assert r.code == 2 and "a directory without .sql files" in r.stderr and "Traceback" not in r.stderr


# ---- git::PATH ----------------------------------------------------------------------------------


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_git_staged_path_reads_the_index(tmp_path: Path) -> None:
    """HEAD has old.sql's schema, the index new.sql's, the work tree a third one: git::PATH is the
    index's, so `ddlcompare git:HEAD:schema.sql git::schema.sql` is what a pre-commit hook checks."""
    git(tmp_path, "init", "-q")
    schema = tmp_path / "schema.sql"
    shutil.copy(EXAMPLE / "old.sql", schema)
    git(tmp_path, "add", "schema.sql")
    git(tmp_path, "commit", "-qm", "old")
    shutil.copy(EXAMPLE / "new.sql", schema)
    git(tmp_path, "add", "schema.sql")
    schema.write_text("CREATE TABLE only_in_the_work_tree (id int);\n")
    staged = run_process("git::schema.sql", str(EXAMPLE / "new.sql"), cwd=tmp_path)
    assert staged.code == 0, staged.stderr
    hook = run_process("git:HEAD:schema.sql", "git::schema.sql", "-f", "json", "-q", cwd=tmp_path)
    direct = run(str(EXAMPLE / "old.sql"), str(EXAMPLE / "new.sql"), "-f", "json", "-q")
    assert changes(hook) == changes(direct)
    for bad, message in (
        ("git::-schema.sql", "does not start with '-'"),
        ("git::missing.sql", "git::missing.sql"),
    ):
        r = run_process(bad, str(EXAMPLE / "new.sql"), cwd=tmp_path)
        assert r.code == 2 and message in r.stderr and not r.crash, r.stderr


# ---- check-migrations ---------------------------------------------------------------------------


def plain_forward(base: Path) -> str:
    """ddlcompare's forward migration from the fixture's old.sql to its new.sql, as plain statements
    (--no-idempotent: the re-runnable script's PL/pgSQL guards are DO blocks, which an offline parse
    keeps as opaque statements)."""
    r = run(str(base / "old.sql"), str(base / "new.sql"), "--no-idempotent", "--allow-destructive", "-q")
    assert r.code == 1, r.stderr
    return r.stdout


@pytest.mark.parametrize(
    ("base", "forward"),
    [
        (SHOP, "plain"),
        (EXAMPLE, "plain"),
        (MYSQL, "expected_forward.sql"),
        (ROOT / "fixtures" / "postgres" / "column_add", "expected_forward.sql"),
        (ROOT / "fixtures" / "postgres" / "sequence_owned_by_column_changes", "plain"),
    ],
    ids=lambda v: v.name if isinstance(v, Path) else v,
)
def test_check_migrations_agrees_with_the_snapshot(tmp_path: Path, base: Path, forward: str) -> None:
    """A folder holding the fixture's forward migration, applied to old.sql, reaches new.sql: exit 0;
    checked against a snapshot it does not reach (old.sql): exit 1 with the way there."""
    mig = tmp_path / "migrations"
    mig.mkdir()
    (mig / "V1__start.sql").write_text("-- nothing to do yet\n")
    text = plain_forward(base) if forward == "plain" else (base / forward).read_text(encoding="utf-8")
    (mig / "V2__evolve.sql").write_text(text, encoding="utf-8")
    r = run("check-migrations", str(base / "old.sql"), str(mig), str(base / "new.sql"))
    assert r.code == 0 and "agrees with" in r.stderr and r.stdout == "", (r.stderr, r.stdout)
    r = run("check-migrations", str(base / "old.sql"), str(mig), str(base / "old.sql"))
    assert r.code == 1 and "differs from" in r.stderr, r.stderr
    assert "-- ddlcompare forward migration" in r.stdout
    r = run("check-migrations", str(base / "old.sql"), str(mig), str(base / "old.sql"), "-f", "json", "-q")
    assert r.code == 1 and json.loads(r.stdout)["changes"]


def test_check_migrations_drops_owned_sequences_with_their_column_or_table(tmp_path: Path) -> None:
    """The offline replay drops a serial's (an OWNED BY) sequence with its table or column, and
    renames carry the ownership along, as the server does."""
    mig = tmp_path / "migrations"
    mig.mkdir()
    (mig / "V1__create.sql").write_text(
        "CREATE TABLE t (id serial PRIMARY KEY, name text);\nCREATE TABLE u (id bigserial, note text);\n"
        "CREATE TABLE v (id int, x int);\nCREATE SEQUENCE v_x_seq OWNED BY v.x;\n"
    )
    (mig / "V2__drop.sql").write_text(
        "DROP TABLE t;\nALTER TABLE u DROP COLUMN id;\n"
        "ALTER TABLE v RENAME TO w;\nALTER TABLE w RENAME COLUMN x TO y;\n"
    )
    base, snapshot = tmp_path / "base.sql", tmp_path / "snapshot.sql"
    base.write_text("CREATE TABLE keep (id int);\n")
    snapshot.write_text(
        "CREATE TABLE keep (id int);\nCREATE TABLE u (note text);\nCREATE TABLE w (id int, y int);\n"
        "CREATE SEQUENCE v_x_seq OWNED BY w.y;\n"
    )
    r = run("check-migrations", str(base), str(mig), str(snapshot))
    assert r.code == 0 and "agrees with" in r.stderr, (r.stderr, r.stdout)


def test_check_migrations_with_flyway_files_written_by_ddlcompare(tmp_path: Path) -> None:
    """`--format flyway` writes V and U files (and .conf beside them): the V files reach new.sql
    (plain statements: see plain_forward)."""
    mig = tmp_path / "mig"
    r = run(str(EXAMPLE / "old.sql"), str(EXAMPLE / "new.sql"), "--format", "flyway", "-o", str(mig),
            "--allow-destructive", "--no-idempotent", "-q")
    assert r.code == 1, r.stderr
    assert any(p.name.startswith("U") for p in mig.iterdir())
    for name in list(mig.iterdir()):
        if name.suffix != ".sql" or not name.name.startswith(("V", "U")):
            name.unlink()  # only the migrations (the outputs of -o are beside them)
    r = run("check-migrations", str(EXAMPLE / "old.sql"), str(mig), str(EXAMPLE / "new.sql"))
    assert r.code == 0, (r.stderr, r.stdout)


def test_check_migrations_error_is_at_its_file(tmp_path: Path) -> None:
    mig = tmp_path / "m"
    mig.mkdir()
    (mig / "001_add.sql").write_text("ALTER TABLE customers ADD COLUMN phone text;\n")
    (mig / "002_bad.sql").write_text("\n\nCREATE TABLEX nope;\n")
    r = run("check-migrations", str(EXAMPLE / "old.sql"), str(mig), str(EXAMPLE / "new.sql"))
    assert r.code == 2 and r.error_line is not None and not r.crash, r.stderr
    assert (r.error_line["path"], r.error_line["line"]) == (str(mig / "002_bad.sql"), "3"), r.stderr


def test_migration_order(tmp_path: Path) -> None:
    names = ("V10__c.sql", "V2__b.sql", "V1_1__a2.sql", "V1__a.sql", "U2__b.sql", "R__views.sql", "V3.conf")
    for name in names:
        (tmp_path / name).write_text("")
    assert [p.name for p in migration_files(str(tmp_path))] == [
        "V1__a.sql",
        "V1_1__a2.sql",
        "V2__b.sql",
        "V10__c.sql",
        "R__views.sql",
    ]
    (tmp_path / "V2.0__again.sql").write_text("")
    with pytest.raises(DdlError, match=r"version 2(\.0)? again"):
        migration_files(str(tmp_path))
    plain = tmp_path / "plain"
    plain.mkdir()
    for name in ("b.sql", "a.sql", "c.txt"):
        (plain / name).write_text("")
    assert [p.name for p in migration_files(str(plain))] == ["a.sql", "b.sql"]
    (plain / "V1__x.sql").write_text("")
    with pytest.raises(DdlError, match="not a Flyway migration name"):
        migration_files(str(plain))


def test_check_migrations_scope(tmp_path: Path) -> None:
    """A scratch table the migrations create but the snapshot leaves out: a difference, unless it is
    out of scope (on the command line or in the options file)."""
    mig = tmp_path / "migrations"
    mig.mkdir()
    (mig / "V1__evolve.sql").write_text(plain_forward(SHOP), encoding="utf-8")
    (mig / "V2__scratch.sql").write_text("CREATE TABLE shop.tmp_import (id integer);\n")
    args = ("check-migrations", str(SHOP / "old.sql"), str(mig), str(SHOP / "new.sql"))
    r = run(*args, "--no-config", "--allow-destructive")
    assert r.code == 1, r.stderr
    assert re.search(r"DROP TABLE (IF EXISTS )?shop\.tmp_import", r.stdout), r.stdout
    assert run(*args, "--exclude", "table:*.tmp_*").code == 0
    conf = tmp_path / "ddlcompare.toml"
    conf.write_text('exclude = ["table:shop.tmp_*"]\n')
    assert run(*args, "--config", str(conf)).code == 0
    assert run(*args, "--config", str(conf), "--exclude", "index:*").code == 1
