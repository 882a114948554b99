"""CLI polish (issue 10 item 11): help without placeholders after flags and with the subcommands,
the accepted dialect names, progress on a terminal only, a file read in the other dialect when it
parses there, and clear errors for an unknown URL scheme."""

from __future__ import annotations

import io
import os
import pty
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

import ddlcompare
from ddlcompare import cli
from tests.support.cli import ROOT, Run, run
from tests.support.servers import PG_HOST, PG_PORT, PG_USER, require_pg
from tests.test_precommit import git, hook_env, manifest, scratch_repo

# A MySQL table with nothing only MySQL has (detection gives no lean) that PostgreSQL rejects
MY_PLAIN = "CREATE TABLE t (id int NOT NULL COMMENT 'the id');\n"
MY_PLAIN_NEW = "CREATE TABLE t (id int NOT NULL COMMENT 'the id', name varchar(20));\n"
# PostgreSQL the MySQL parser cannot read (an array type, a `::` cast)
PG_TEXT = "CREATE TABLE t (id integer, tags text[]);\nCREATE VIEW v AS SELECT id::text AS s FROM t;\n"


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def assert_error(r: Run, path: str | None = None) -> None:
    """Exit 2, no traceback, and `file:line:col: error:` (or `error:` for a command-line mistake)."""
    assert not r.crash, r.crash
    assert r.code == 2, (r.code, r.stderr)
    assert "Traceback" not in r.stderr
    if path is not None:
        m = r.error_line
        assert m is not None and m["path"] == path, r.stderr
    else:
        assert r.stderr.startswith("error: "), r.stderr


# --------------------------------------------------------------------------------------------
# --help


def help_text(monkeypatch: pytest.MonkeyPatch, *args: str) -> str:
    """`ddlcompare ARGS --help` on a wide console, box drawing and line wrapping taken out."""
    monkeypatch.setenv("COLUMNS", "250")
    r = run(*args, "--help")
    assert r.code == 0 and not r.crash, r.stderr
    return re.sub(r"[\s│╭╮╰╯─]+", " ", r.stdout)


@pytest.mark.parametrize("command", ["", *sorted(cli._SUBCOMMANDS)])
def test_help_shows_no_placeholder_after_a_flag(monkeypatch: pytest.MonkeyPatch, command: str) -> None:
    text = help_text(monkeypatch, *([command] if command else []))
    assert "<bool>" not in text
    # an option that takes a value keeps its placeholder
    if command in ("", "drift"):
        assert "--output-dir -o <path>" in text
    if command in ("", "snapshot", "drift", "log", "precommit", "check-migrations"):
        assert "--dialect -d <str>" in text
    assert "--help Show this message and exit." in text


def test_default_help_lists_every_subcommand(monkeypatch: pytest.MonkeyPatch) -> None:
    assert set(cli._PURPOSES) == set(cli._SUBCOMMANDS)  # a new subcommand gets listed
    text = help_text(monkeypatch)
    assert "Other commands" in text
    for name, (args, purpose) in cli._PURPOSES.items():
        assert f"ddlcompare {f'{name} {args}'.strip()}: {purpose}" in text
    assert "ddlcompare snapshot SOURCE: print a canonical DDL snapshot" in text


def test_help_keeps_bracketed_text(monkeypatch: pytest.MonkeyPatch) -> None:
    """Help texts are rich markup: an unescaped `[...]` vanished from them."""
    text = help_text(monkeypatch)
    assert "pyproject.toml with [tool.ddlcompare], from" in text
    assert "each transaction [default: 5s]" in text
    assert "the plain statements [default: idempotent]" in text


def test_dialect_help_and_error_list_the_accepted_names(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    names = "postgres (or postgresql, pg) or mysql (or mariadb)"
    for command in ("", "snapshot", "check-migrations", "drift", "log", "precommit"):
        assert f"{names}; detected from the input" in help_text(monkeypatch, *([command] if command else []))
    a = write(tmp_path, "a.sql", "CREATE TABLE t (id integer);\n")
    r = run("--dialect", "oracle", a, a)
    assert_error(r)
    assert r.stderr == f"error: unknown dialect 'oracle'\n  hint: use {names}\n"
    # the options file's dialect is checked against the same names
    conf = write(tmp_path, "ddlcompare.toml", 'dialect = "oracle"\n')
    r = run("--config", conf, a, a)
    assert r.code == 2 and f"hint: use {names}" in r.stderr, r.stderr
    # every accepted name works
    for name in ("postgres", "postgresql", "pg", "PG"):
        assert run("-d", name, a, a).code == 0


# --------------------------------------------------------------------------------------------
# unknown URL schemes


def test_unknown_url_scheme_is_named(tmp_path: Path) -> None:
    a = write(tmp_path, "a.sql", "CREATE TABLE t (id integer);\n")
    r = run("postgresq://app:s3cretpw@db.example/app", a)
    assert_error(r)
    assert "no such file" not in r.stderr
    assert r.stderr == (
        "error: postgresq://app@db.example/app: unknown URL scheme 'postgresq'\n"
        "  hint: did you mean postgresql://? ddlcompare reads postgresql://, postgres://, mysql://, "
        "mariadb:// URLs\n"
    )
    r = run("snapshot", "sqlite:///tmp/app.db")
    assert_error(r)
    assert "unknown URL scheme 'sqlite'" in r.stderr and "did you mean" not in r.stderr
    # a file name is still a file name
    r = run(a, str(tmp_path / "missing.sql"))
    assert_error(r)
    assert "missing.sql: no such file" in r.stderr


def test_unknown_scheme_never_shows_its_password(tmp_path: Path) -> None:
    a = write(tmp_path, "a.sql", "CREATE TABLE t (id integer);\n")
    for args in (
        ("mysq://root:s3cretpw@db/app", a),
        (a, a, "--check-db", "postgresq://app:s3cretpw@db/app"),
        (a, a, "--check-db=postgresq://app:s3cretpw@db/app"),
    ):
        r = run(*args)
        assert_error(r)
        assert "s3cretpw" not in r.stderr + r.stdout, r.stderr


# --------------------------------------------------------------------------------------------
# a file read in the other dialect


def test_short_mysql_file_is_read_as_mysql(tmp_path: Path) -> None:
    """The new user's file: `int(11)` is MySQL's display width."""
    f = write(tmp_path, "my.sql", "CREATE TABLE t (id int(11) NOT NULL);\n")
    r = run("snapshot", f)
    assert r.code == 0 and "(mysql)" in r.stdout and "`id` int NOT NULL" in r.stdout, r.stderr


def test_detected_dialect_gives_way_when_the_other_parses(tmp_path: Path) -> None:
    old = write(tmp_path, "old.sql", MY_PLAIN)
    new = write(tmp_path, "new.sql", MY_PLAIN_NEW)
    r = run("snapshot", old)
    assert r.code == 0, r.stderr
    assert "-- ddlcompare snapshot (mysql)" in r.stdout and "COMMENT 'the id'" in r.stdout
    assert r.stderr == (
        f'{old}:1:33: warning: not PostgreSQL (syntax error at or near "COMMENT"): read as '
        "MySQL/MariaDB (--dialect chooses)\n"
    )
    r = run(old, new)
    assert r.code == 1, r.stderr
    assert "ALTER TABLE `t` ADD COLUMN IF NOT EXISTS `name` varchar(20)" in r.stdout
    assert f"{old}:1:33: warning: not PostgreSQL" in r.stderr
    # the library does the same, the warning among the schema's
    schema = ddlcompare.load(old)
    assert schema.dialect == "mysql"
    assert [w.message.split(" (")[0] for w in schema.warnings] == ["not PostgreSQL"]


def test_given_dialect_keeps_its_error_with_a_hint(tmp_path: Path) -> None:
    my = write(tmp_path, "my.sql", MY_PLAIN)
    r = run("snapshot", "--dialect", "postgres", my)
    assert_error(r, my)
    assert r.stderr == (
        f'{my}:1:33: error: syntax error at or near "COMMENT"\n'
        "  hint: this looks like a MySQL/MariaDB dump; try --dialect mysql\n"
    )
    pg = write(tmp_path, "pg.sql", PG_TEXT)
    r = run("--dialect", "mysql", pg, pg)
    assert_error(r, pg)
    assert r.stderr.endswith("\n  hint: this looks like a PostgreSQL dump; try --dialect postgres\n")


def test_given_dialect_names_the_one_the_text_clearly_is(tmp_path: Path) -> None:
    """The other dialect fails too (a typo), but the text is certainly PostgreSQL: the hint says so."""
    pg = write(tmp_path, "pg.sql", PG_TEXT + "CREATE TABLE u (a int,, b int);\n")
    r = run("snapshot", "--dialect", "mysql", pg)
    assert_error(r, pg)
    assert r.stderr.endswith("\n  hint: this looks like a PostgreSQL dump; try --dialect postgres\n")
    r = run("snapshot", "--dialect", "postgres", pg)  # the real error
    assert_error(r, pg)
    assert r.stderr == f'{pg}:3:23: error: syntax error at or near ","\n'


def test_a_typo_stays_an_error(tmp_path: Path) -> None:
    """The MySQL parser lets some typos through: a PostgreSQL syntax error at punctuation, or a
    statement MySQL would only keep as opaque, is no reason to read a file as MySQL."""
    for text in (
        "CREATE TABLE ok (id integer);\n\nCREATE TABLE t (id integer,, x text);\n",
        "CREATE TABLE t (id integer);\ngarbage here;\n",
    ):
        bad = write(tmp_path, "bad.sql", text)
        for args in (("snapshot", bad), ("snapshot", "-d", "postgres", bad)):
            r = run(*args)
            assert_error(r, bad)
            assert "warning" not in r.stderr and "try --dialect" not in r.stderr, r.stderr
    # a file with PostgreSQL-only syntax is PostgreSQL, whatever MySQL makes of its error
    text = "CREATE TABLE t (id integer DEFAULT 1::int);\nCREATE TABLE u (x int COMMENT 'y');\n"
    pg = write(tmp_path, "pg.sql", text)
    r = run("snapshot", pg)
    assert_error(r, pg)
    assert "MySQL" not in r.stderr


def test_precommit_and_log_read_the_other_dialect(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The hook and `log` load their sides as the comparison does."""
    repo = scratch_repo(tmp_path)
    monkeypatch.chdir(repo)
    (repo / "schema.sql").write_text(MY_PLAIN, encoding="utf-8")
    git(repo, "add", ".")
    r = run("precommit", "schema.sql")
    assert r.code == 0 and r.stderr.startswith("schema.sql (new file): 1 to create"), r.stderr
    git(repo, "commit", "-q", "-m", "first")
    (repo / "schema.sql").write_text(MY_PLAIN_NEW, encoding="utf-8")
    git(repo, "commit", "-q", "-a", "-m", "add name")
    r = run("log", "schema.sql")
    assert r.code == 0, r.stderr
    assert "alter table:t" in r.stdout and "create table:t" in r.stdout, r.stdout


def test_a_url_fixes_the_dialect(tmp_path: Path) -> None:
    """A side or --check-db that is a URL says which dialect it is: no second try."""
    my = write(tmp_path, "my.sql", MY_PLAIN)
    r = run(my, my, "--check-db", "postgresql://nobody@127.0.0.1:1/none")
    assert_error(r, my)
    assert "try --dialect" not in r.stderr and "warning" not in r.stderr


# --------------------------------------------------------------------------------------------
# progress


CHILD = "import sys; import ddlcompare.cli as c; c._PROGRESS_DELAY = float(sys.argv[1]); c.main(sys.argv[2:])"
BAR = re.compile(rb"\rreading \[[# ]{30}\] \d/\d")


def run_with_stderr(
    tmp_path: Path, delay: float | None, *args: str, tty: bool
) -> tuple[int, bytes, bytes, float]:
    """Run ddlcompare in a child with stderr on a pseudo-terminal (`tty`) or a pipe, stdout to a
    file; `delay` replaces the progress delay (None: the default). Exit code, stdout, stderr bytes
    and seconds taken."""
    cmd = [sys.executable, "-m", "ddlcompare"] if delay is None else [sys.executable, "-c", CHILD, str(delay)]
    out_path = tmp_path / "stdout"
    start = time.monotonic()
    with out_path.open("wb") as out:
        if not tty:
            proc = subprocess.run([*cmd, *args], stdout=out, stderr=subprocess.PIPE, cwd=ROOT, check=False)
            return proc.returncode, out_path.read_bytes(), proc.stderr, time.monotonic() - start
        master, slave = pty.openpty()
        child = subprocess.Popen([*cmd, *args], stdout=out, stderr=slave, stdin=subprocess.DEVNULL, cwd=ROOT)
        os.close(slave)
        err = bytearray()
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not data:
                break
            err += data
        os.close(master)
        code = child.wait()
    return code, out_path.read_bytes(), bytes(err), time.monotonic() - start


def test_progress_on_a_terminal(tmp_path: Path) -> None:
    old = write(tmp_path, "old.sql", "CREATE TABLE t (id integer);\n")
    new = write(tmp_path, "new.sql", "CREATE TABLE t (id integer, name text);\n")
    code, out, err, _ = run_with_stderr(tmp_path, 0.0, old, new, tty=True)
    assert code == 1 and b"ADD COLUMN" in out
    bars = BAR.findall(err)
    assert bars[0].endswith(b"0/2") and bars[-1].endswith(b"2/2"), err
    assert b"\x1b[2K" in err  # erased when done
    assert err.rstrip().endswith(b"highest severity: low"), err
    assert b"reading" not in out
    # --quiet: none
    code, _, err, _ = run_with_stderr(tmp_path, 0.0, old, new, "-q", tty=True)
    assert code == 1 and b"reading" not in err and err == b"", err
    # a run shorter than the delay draws nothing
    code, _, err, _ = run_with_stderr(tmp_path, 30.0, old, new, tty=True)
    assert code == 1 and b"reading" not in err and b"\x1b[2K" not in err, err
    # snapshot and check-migrations too
    code, out, err, _ = run_with_stderr(tmp_path, 0.0, "snapshot", new, tty=True)
    assert code == 0 and b"name text" in out and BAR.findall(err)[-1].endswith(b"1/1"), err
    (tmp_path / "migrations").mkdir()
    write(tmp_path, "migrations/V1__name.sql", "ALTER TABLE t ADD COLUMN name text;\n")
    code, _, err, _ = run_with_stderr(
        tmp_path, 0.0, "check-migrations", old, str(tmp_path / "migrations"), new, tty=True
    )
    assert code == 0 and BAR.findall(err)[-1].endswith(b"2/2"), err
    assert err.split(b"\x1b[2K")[-1].startswith(b"ddlcompare: "), err
    # an error erases the bar before its message
    bad = write(tmp_path, "bad.sql", "CREATE TABLE t (id integer,, x text);\n")
    code, _, err, _ = run_with_stderr(tmp_path, 0.0, old, bad, tty=True)
    assert code == 2 and BAR.search(err) is not None, err
    assert err.split(b"\x1b[2K")[-1].startswith(f"{bad}:1:28: error:".encode()), err


def test_progress_of_a_live_read_on_a_terminal(tmp_path: Path) -> None:
    """A live side is a step of its own: the file is read (1/2), then the database (2/2)."""
    require_pg()
    url = f"postgresql://{PG_USER}@{PG_HOST}:{PG_PORT}/postgres"
    empty = write(tmp_path, "empty.sql", "-- nothing\n")
    code, _, err, _ = run_with_stderr(tmp_path, 0.0, empty, url, "--schema", "public", tty=True)
    assert code in (0, 1), err
    bars = [b[-3:] for b in BAR.findall(err)]
    assert bars == [b"0/2", b"1/2", b"2/2"], err


def test_no_progress_in_a_pipe(tmp_path: Path) -> None:
    old = write(tmp_path, "old.sql", "CREATE TABLE t (id integer);\n")
    new = write(tmp_path, "new.sql", "CREATE TABLE t (id integer, name text);\n")
    code, out, err, _ = run_with_stderr(tmp_path, 0.0, old, new, tty=False)
    assert code == 1 and b"ADD COLUMN" in out
    assert b"reading" not in err and b"\r" not in err and b"\x1b" not in err, err


def test_progress_of_a_large_file_on_a_terminal(tmp_path: Path) -> None:
    """The real thing, with the default delay: reading 10,000 tables takes about 2 s here (a
    second side that adds one table is replayed quickly)."""
    text = "".join(
        f"CREATE TABLE t{i} (id integer PRIMARY KEY, name text NOT NULL, at timestamp DEFAULT now());\n"
        f"CREATE INDEX t{i}_name ON t{i} (name);\n"
        for i in range(10_000)
    )
    old = write(tmp_path, "old.sql", text)
    new = write(tmp_path, "new.sql", text + "CREATE TABLE extra (id integer);\n")
    code, out, err, _ = run_with_stderr(tmp_path, None, old, new, tty=True)
    assert code == 1 and b"CREATE TABLE IF NOT EXISTS public.extra" in out, err
    assert BAR.search(err) is not None, err
    assert err.split(b"\x1b[2K")[-1].startswith(b"ddlcompare: 1 to create"), err


def test_progress_bar_waits_for_its_delay(monkeypatch: pytest.MonkeyPatch) -> None:
    buf = io.StringIO()
    monkeypatch.setattr(sys, "stderr", buf)
    bar = cli._Progress("reading", delay=0.3)
    bar.update(0, 2)
    assert buf.getvalue() == ""  # not yet
    time.sleep(0.6)
    assert buf.getvalue() == f"\rreading [{' ' * 30}] 0/2, 0 s"  # the timer drew the latest state
    time.sleep(1.0)  # and redraws it every second, with the seconds elapsed
    assert re.fullmatch(r"(\rreading \[ {30}\] 0/2, \d s){2,3}", buf.getvalue()), buf.getvalue()
    assert buf.getvalue().endswith(("0/2, 1 s", "0/2, 2 s"))
    bar.update(1, 2)
    bar.close()
    assert re.search(rf"\rreading \[{'#' * 15} {{15}}\] 1/2, \d s\r\x1b\[2K$", buf.getvalue())
    drawn = buf.getvalue()
    time.sleep(1.2)
    assert buf.getvalue() == drawn  # closed: no more ticks
    # closed before the delay: nothing, ever
    buf = io.StringIO()
    monkeypatch.setattr(sys, "stderr", buf)
    bar = cli._Progress("reading", delay=0.2)
    bar.update(1, 2)
    bar.close()
    time.sleep(0.4)
    assert buf.getvalue() == ""


# --------------------------------------------------------------------------------------------
# the README's pre-commit recipe


def test_readme_pre_commit_recipe_blocks_at_its_fail_on(tmp_path: Path) -> None:
    """The recipe as the README writes it (its hook's args), run by the real pre-commit with the
    offline hook of .pre-commit-hooks.yaml: an index (medium) commits, a type change (high) is
    blocked."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### pre-commit and CI") :]
    recipe = yaml.safe_load(section.split("```yaml\n", 1)[1].split("```", 1)[0])
    (readme_hook,) = recipe["repos"][0]["hooks"]
    assert readme_hook["id"] in manifest() and readme_hook["args"] == ["--fail-on", "high"]
    exe = shutil.which("pre-commit", path=str(Path(sys.executable).parent)) or shutil.which("pre-commit")
    assert exe is not None
    repo = scratch_repo(tmp_path)
    env = hook_env(tmp_path)
    hook = dict(manifest()["ddlcompare-system"], args=readme_hook["args"])
    config = {"repos": [{"repo": "local", "hooks": [hook]}]}
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    schema = repo / "schema.sql"
    table = "CREATE TABLE users (id integer PRIMARY KEY, name text);\n"
    schema.write_text(table, encoding="utf-8")
    git(repo, "add", ".")
    assert subprocess.run([exe, "install"], cwd=repo, capture_output=True, env=env).returncode == 0
    first = git(repo, "commit", "-q", "-m", "first", env=env)
    assert first.returncode == 0, first.stdout + first.stderr
    schema.write_text(table + "CREATE INDEX users_name ON users (name);\n", encoding="utf-8")
    git(repo, "add", "schema.sql")
    medium = git(repo, "commit", "-m", "index", env=env)
    assert medium.returncode == 0, medium.stdout + medium.stderr
    head = git(repo, "rev-parse", "HEAD").stdout
    # a type change staged, then the working tree changed back: the commit (of what is staged) is
    # blocked (pre-commit sets unstaged changes aside; test_precommit_command shows that the
    # command itself reads the index)
    schema.write_text(table.replace("id integer", "id bigint"), encoding="utf-8")
    git(repo, "add", "schema.sql")
    schema.write_text(table + "CREATE INDEX users_name ON users (name);\n", encoding="utf-8")
    high = git(repo, "commit", "-m", "bigint", env=env)
    out = high.stdout + high.stderr
    assert high.returncode != 0 and "schema.sql: blocked (--fail-on high)" in out, out
    assert git(repo, "rev-parse", "HEAD").stdout == head
    # pre-commit put the unstaged working tree back
    assert "CREATE INDEX" in schema.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--bogus", "a.sql", "b.sql"], "error: No such option: --bogus"),
        ([], "error: Missing argument 'OLD'."),
        (["--format", "nope", "a.sql", "b.sql"], "error: Invalid value for '--format'"),
        (["snapshot", "--nope", "x.sql"], "error: No such option: --nope"),
    ],
)
def test_usage_errors_are_plain_lines(args: list[str], message: str) -> None:
    # typer draws usage errors in a box; a CI log wants the usage, the error and a hint as lines
    r = run(*args)
    assert_error(r)
    lines = r.stderr.splitlines()
    assert lines[0].startswith(message)
    assert lines[1].startswith("  hint: ddlcompare") and "--help" in lines[1]
    assert lines[2].startswith("Usage: ddlcompare")
    assert not re.search("[\u2500-\u257f]", r.stderr)  # no box-drawing characters
    assert r.stdout == ""


def test_console_script_ends_with_mains_code_and_all_its_output(tmp_path: Path) -> None:
    # the console script ends the process without the interpreter's teardown (cli.entry): what main
    # printed must still arrive whole, and the exit code must be main's
    old = write(tmp_path, "old.sql", "".join(f"CREATE TABLE t{i} (id integer);\n" for i in range(300)))
    new = write(tmp_path, "new.sql", "".join(f"CREATE TABLE t{i} (id bigint);\n" for i in range(300)))
    in_process = run(old, new)
    for args, code in (([old, new], 1), ([old, old], 0), ([old, str(tmp_path / "missing.sql")], 2)):
        proc = subprocess.run(
            [sys.executable, "-m", "ddlcompare", *args], capture_output=True, cwd=ROOT, check=False
        )
        assert proc.returncode == code, proc.stderr
        assert b"Traceback" not in proc.stderr
    assert proc.stderr.decode().startswith(f"error: {tmp_path / 'missing.sql'}: no such file")
    full = subprocess.run(
        [sys.executable, "-m", "ddlcompare", old, new], capture_output=True, cwd=ROOT, check=False
    )
    assert full.stdout.decode() == in_process.stdout and in_process.stdout.count("ALTER COLUMN") == 300
