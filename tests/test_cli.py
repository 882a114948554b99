"""The command line: exit codes, output files and formats, error messages, flags, determinism, snapshot."""

from __future__ import annotations

from pathlib import Path

import pytest

from ddlcompare.dialects import LoadOptions, get
from ddlcompare.diff.compare import diff
from ddlcompare.errors import MESSAGE_LIMIT, DdlError
from tests.support import corpus
from tests.support.cli import ROOT, Run, run, run_process
from tests.support.diffjson import validated
from tests.support.graphviz import dot_program

EXAMPLE = ROOT / "fixtures" / "example"
FIXTURE_SIDES = sorted((ROOT / "fixtures" / "postgres").glob("*/*.sql"))
FIXTURE_SIDES = [p for p in FIXTURE_SIDES if p.name in ("old.sql", "new.sql")]

OLD = "CREATE TABLE t (id integer PRIMARY KEY, name text);\nCREATE TABLE gone (id integer);\n"
NEW = "CREATE TABLE t (id integer PRIMARY KEY, name text, email text);\n"
# a statement the PostgreSQL model does not cover (kept as an opaque object with a warning)
UNMODELLED = (
    "CREATE TRANSFORM FOR integer LANGUAGE sql "
    "(FROM SQL WITH FUNCTION f(internal), TO SQL WITH FUNCTION g(integer));\n"
)


def write(tmp_path: Path, name: str, text: str | bytes) -> str:
    """Write a schema file and return its path as a string."""
    p = tmp_path / name
    if isinstance(text, bytes):
        p.write_bytes(text)
    else:
        p.write_text(text, encoding="utf-8")
    return str(p)


def assert_error(r: Run, path: str, *, positioned: bool = True) -> None:
    """Exit 2, no traceback, and the documented `path:line:col: error: message` line."""
    assert not r.crash, r.crash
    assert r.code == 2, (r.code, r.stderr)
    assert "Traceback" not in r.stderr
    if positioned:
        m = r.error_line
        assert m is not None, r.stderr
        assert m["path"] == path, r.stderr
    else:
        assert "error:" in r.stderr and Path(path).name in r.stderr, r.stderr


# ---- exit codes ---------------------------------------------------------------------------------


def test_exit_0_without_differences(tmp_path: Path) -> None:
    """Same schema on both sides: exit 0 and a forward script with no statements."""
    a = write(tmp_path, "a.sql", OLD)
    b = write(tmp_path, "b.sql", "-- same, reformatted\ncreate table gone(id int);\n" + OLD.split("\n")[0])
    r = run(a, b)
    assert not r.crash, r.crash
    assert r.code == 0, r.stderr
    assert "no differences" in r.stderr


def test_exit_1_with_differences(tmp_path: Path) -> None:
    """Differences: exit 1, forward SQL on stdout, a one-line summary on stderr."""
    r = run(write(tmp_path, "old.sql", OLD), write(tmp_path, "new.sql", NEW))
    assert not r.crash, r.crash
    assert r.code == 1, r.stderr
    assert "ADD COLUMN IF NOT EXISTS email text" in r.stdout  # re-runnable by default
    assert r.stderr.startswith("ddlcompare: ")


def test_quiet_prints_nothing_on_stderr(tmp_path: Path) -> None:
    """`--quiet`: no summary."""
    r = run(write(tmp_path, "old.sql", OLD), write(tmp_path, "new.sql", NEW), "--quiet")
    assert r.code == 1 and r.stderr == ""


def test_exit_2_on_bad_sql(tmp_path: Path) -> None:
    """A syntax error: exit 2 and `path:line:col: error:` pointing at the statement."""
    text = "CREATE TABLE ok (id integer);\n\nCREATE TABLE t (id integer,, x text);\n"
    bad = write(tmp_path, "bad.sql", text)
    r = run(write(tmp_path, "old.sql", OLD), bad)
    assert_error(r, bad)
    m = r.error_line
    assert m is not None and m["line"] == "3", r.stderr


def test_exit_2_on_unterminated_statement(tmp_path: Path) -> None:
    """An unbalanced parenthesis is an error, not an empty schema."""
    bad = write(tmp_path, "bad.sql", "CREATE TABLE t (id integer;\n")
    assert_error(run(write(tmp_path, "old.sql", OLD), bad), bad)


def test_exit_2_on_garbage_statement(tmp_path: Path) -> None:
    """A statement that is not SQL at all is an error, not ignored."""
    text = "CREATE TABLE t (id integer);\ngarbage here;\nCREATE TABLE u (id integer);\n"
    bad = write(tmp_path, "bad.sql", text)
    assert_error(run(write(tmp_path, "old.sql", OLD), bad), bad)


def test_exit_2_on_missing_file(tmp_path: Path) -> None:
    """A missing file: exit 2, the path in the error, no traceback."""
    missing = str(tmp_path / "nope.sql")
    assert_error(run(write(tmp_path, "old.sql", OLD), missing), missing, positioned=False)


def test_exit_2_on_invalid_utf8(tmp_path: Path) -> None:
    """Invalid UTF-8: exit 2 with the position of the first bad byte."""
    bad = write(tmp_path, "latin1.sql", "CREATE TABLE t (id integer);\n-- caf\xe9\n".encode("latin-1"))
    r = run(write(tmp_path, "old.sql", OLD), bad)
    assert_error(r, bad)
    m = r.error_line
    assert m is not None and (m["line"], m["col"]) == ("2", "7"), r.stderr


def test_exit_2_on_mixed_dialects(tmp_path: Path) -> None:
    """A PostgreSQL file against a MySQL file: exit 2 naming both, no traceback."""
    pg_text = "CREATE TABLE t (id serial PRIMARY KEY, tags text[]);\nCREATE EXTENSION hstore;\n"
    pg = write(tmp_path, "pg.sql", pg_text)
    my = write(
        tmp_path,
        "my.sql",
        "CREATE TABLE `t` (`id` int NOT NULL AUTO_INCREMENT, PRIMARY KEY (`id`)) "
        "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n",
    )
    r = run(pg, my)
    assert_error(r, my, positioned=False)
    assert "dialect" in r.stderr


def test_exit_2_on_unknown_dialect(tmp_path: Path) -> None:
    """`--dialect oracle`: exit 2, no traceback."""
    a = write(tmp_path, "a.sql", OLD)
    r = run(a, a, "--dialect", "oracle")
    assert_error(r, "oracle", positioned=False)


def test_real_process_error_has_no_traceback(tmp_path: Path) -> None:
    """The installed entry point (a subprocess) turns errors into one message and exit 2."""
    bad = write(tmp_path, "bad.sql", "CREATE TABLE t (id integer,, x text);\n")
    r = run_process(write(tmp_path, "old.sql", OLD), bad)
    assert_error(r, bad)


def _broken_create_table(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the PostgreSQL CREATE TABLE handler fail as a bug would."""
    from ddlcompare.dialects.postgres import handlers  # noqa: F401  (registers the handlers)
    from ddlcompare.dialects.postgres.parse import HANDLERS

    def broken(*_: object) -> None:
        raise IndexError("list index out of range")

    monkeypatch.setitem(HANDLERS, "CreateStmt", broken)


def test_internal_error_is_exit_2_with_position(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug is never exit 1 (a CI gate would read "differences") and never a bare traceback."""
    _broken_create_table(monkeypatch)
    new = write(tmp_path, "new.sql", "-- c\nCREATE TABLE t (id integer);\n")
    r = run(write(tmp_path, "old.sql", ""), new)
    assert not r.crash, r.crash
    assert r.code == 2 and "Traceback" not in r.stderr, r.stderr
    assert r.stderr.startswith(f"ddlcompare: {new}:2:1: internal error: IndexError: list index out of range")
    assert "--debug" in r.stderr


def test_debug_shows_the_traceback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _broken_create_table(monkeypatch)
    r = run(write(tmp_path, "old.sql", ""), write(tmp_path, "new.sql", NEW), "--debug")
    assert r.code == 2 and "Traceback (most recent call last)" in r.stderr and "in broken" in r.stderr


def test_deep_nesting_is_a_positioned_error(tmp_path: Path) -> None:
    """MySQL's expression parser recurses per parenthesis: too deep is the input's error, at its place."""
    deep = "(" * 500 + "id > 0" + ")" * 500
    table = "CREATE TABLE t (id int) ENGINE=InnoDB;\n"
    new = write(tmp_path, "deep.sql", f"{table}CREATE TABLE u (id int, CHECK {deep}) ENGINE=InnoDB;\n")
    r = run(write(tmp_path, "old.sql", table), new)
    assert_error(r, new)
    assert r.error_line is not None and r.error_line["line"] == "2" and "nested too deeply" in r.stderr


def test_file_name_cannot_forge_a_line(tmp_path: Path) -> None:
    """Control characters of a name are shown escaped, so output lines are ddlcompare's own."""
    forged = write(tmp_path, "x.sql\nddlcompare: no differences", "CREATE TABLE t (id integer,, x);\n")
    r = run(write(tmp_path, "old.sql", OLD), forged)
    assert r.code == 2 and len(r.stderr.splitlines()) == 1, r.stderr
    assert "x.sql\\nddlcompare: no differences:1:" in r.stderr


def test_long_error_excerpt_is_cut(tmp_path: Path) -> None:
    """A garbage token of a megabyte gives a readable message, not a megabyte of stderr."""
    bad = write(tmp_path, "bad.sql", "CREATE TABLE t (id integer " + "x" * 1_000_000 + ");\n")
    r = run(write(tmp_path, "old.sql", OLD), bad)
    assert_error(r, bad)
    assert len(r.stderr) < 300 and '"xxxxxxxxxx' in r.stderr and "(1,000,000 characters)" in r.stderr


def test_names_quoted_one_after_another_are_not_cut() -> None:
    """Only the parsers' `near "..."` excerpt is cut: the text between two quoted names is not one."""
    grant = "GRANT TRIGGER ON `app`.* TO `reader`@`localhost`"
    message = f"cannot see the triggers of app: the account needs the TRIGGER privilege ({grant}); " * 3
    assert str(DdlError(message)).count(grant) == 3


def test_long_message_is_cut_in_the_middle() -> None:
    """What no quote delimits is still cut: a message stays near MESSAGE_LIMIT whatever it holds."""
    text = str(DdlError("unknown " + "y" * 100_000 + " here"))
    assert len(text) < MESSAGE_LIMIT + 100 and "characters omitted" in text and text.endswith(" here")


def test_invalid_utf8_on_stdin(tmp_path: Path) -> None:
    """stdin is read as bytes and decoded like a file: a positioned error, not an encoding crash."""
    r = run_process(write(tmp_path, "old.sql", OLD), "-", stdin=b"CREATE TABLE t (id int);\n\xff\xfe\n")
    assert r.code == 2 and "Traceback" not in r.stderr, r.stderr
    assert r.stderr.startswith("<stdin>:2:1: error: not valid UTF-8 at byte offset 25"), r.stderr


def test_nul_byte_is_refused_not_truncated(tmp_path: Path) -> None:
    """Before, the statements after a NUL vanished and the migration dropped their tables."""
    new = write(tmp_path, "new.sql", b"CREATE TABLE t (id integer);\n\x00CREATE TABLE gone (id integer);\n")
    r = run(write(tmp_path, "old.sql", OLD), new)
    assert_error(r, new)
    assert "NUL byte" in r.stderr and "DROP" not in r.stdout


# ---- outputs -------------------------------------------------------------------------------------


def test_output_dir_writes_the_whole_set(tmp_path: Path) -> None:
    """`--output-dir`: forward, rollback, report, JSON, validation log, the dependency graph and its
    SVG, consistent with `--format`; a second run writes the same bytes (no timestamps)."""
    dot_program()  # the SVG needs Graphviz
    old, new = write(tmp_path, "old.sql", OLD), write(tmp_path, "new.sql", NEW)
    out = tmp_path / "out" / "nested"
    r = run(old, new, "--output-dir", str(out), "--allow-destructive")
    assert r.code == 1, r.stderr
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "dependency_graph.dot",
        "dependency_graph.svg",
        "diff.json",
        "migration_forward.sql",
        "migration_rollback.sql",
        "schema_diff_report.md",
        "schema_validation.log",
    ]
    fwd = run(old, new, "--allow-destructive").stdout
    back = run(old, new, "--allow-destructive", "--format", "rollback").stdout
    assert (out / "migration_forward.sql").read_text(encoding="utf-8") == fwd
    assert (out / "migration_rollback.sql").read_text(encoding="utf-8") == back
    assert "DROP TABLE IF EXISTS public.gone" in fwd and "CREATE TABLE IF NOT EXISTS public.gone" in back
    validated((out / "diff.json").read_text(encoding="utf-8"))
    assert (out / "schema_diff_report.md").read_text(encoding="utf-8").startswith("# Schema diff report")
    graph = (out / "dependency_graph.dot").read_text(encoding="utf-8")
    assert graph == run(old, new, "--format", "dot").stdout
    svg = (out / "dependency_graph.svg").read_text(encoding="utf-8")
    assert svg.startswith("<?xml") and "<title>drop:table:public.gone</title>" in svg
    again = tmp_path / "again"
    assert run(old, new, "--output-dir", str(again), "--allow-destructive").code == 1
    for name in names:
        assert (again / name).read_bytes() == (out / name).read_bytes(), name


def test_output_dir_without_graphviz_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without Graphviz's dot (or for a graph too large to lay out) the set is written but the SVG,
    and the summary says why; a DDLCOMPARE_DOT naming no program is an error."""
    monkeypatch.delenv("DDLCOMPARE_DOT", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    old, new = write(tmp_path, "old.sql", OLD), write(tmp_path, "new.sql", NEW)
    out = tmp_path / "out"
    r = run(old, new, "--output-dir", str(out))
    assert r.code == 1, r.stderr
    assert "dependency_graph.svg not written: Graphviz's dot is not installed" in r.stderr
    assert (out / "dependency_graph.dot").is_file() and not (out / "dependency_graph.svg").exists()
    report = (out / "schema_diff_report.md").read_text(encoding="utf-8")
    assert "- dependency_graph.svg not written: Graphviz's dot is not installed" in report
    # a graph too large to lay out gets its DOT file only
    monkeypatch.undo()
    dot_program()
    monkeypatch.setattr("ddlcompare.output.dot.SVG_MAX_NODES", 1)
    r = run(old, new, "--output-dir", str(out))
    assert r.code == 1 and "dependency_graph.svg not written: 2 nodes, more than the 1 " in r.stderr, r.stderr
    assert (out / "dependency_graph.dot").is_file() and not (out / "dependency_graph.svg").exists()
    monkeypatch.setenv("DDLCOMPARE_DOT", "no-such-dot")
    r = run(old, new, "--output-dir", str(out))
    assert r.code == 2 and "DDLCOMPARE_DOT=no-such-dot: no such program" in r.stderr, r.stderr


def test_output_dir_that_cannot_be_written_is_an_error(tmp_path: Path) -> None:
    """`--output-dir` on a regular file: exit 2, no traceback."""
    old, new = write(tmp_path, "old.sql", OLD), write(tmp_path, "new.sql", NEW)
    blocker = write(tmp_path, "file", "x")
    r = run(old, new, "--output-dir", blocker)
    assert_error(r, blocker, positioned=False)


def test_json_format(tmp_path: Path) -> None:
    """`--format json`: valid JSON with the documented top-level and per-step keys."""
    r = run(str(EXAMPLE / "old.sql"), str(EXAMPLE / "new.sql"), "--format", "json")
    assert r.code == 1, r.stderr
    doc = validated(r.stdout)
    assert set(doc) == {
        "format_version", "dialect", "target", "masked", "summary", "changes", "steps", "warnings",
    }  # fmt: skip
    assert doc["format_version"] == 3 and doc["dialect"] == "postgres" and doc["masked"] is False
    assert doc["target"] == "postgres:12"  # no version in the files: the oldest supported
    assert set(doc["summary"]) >= {"create", "drop", "alter", "destructive", "warnings", "severity"}
    assert list(doc["summary"]["severity"]) == ["critical", "high", "medium", "low"]
    assert doc["steps"] and doc["changes"]
    for step in doc["steps"]:
        assert set(step) == {
            "key", "kind", "schema", "parent", "name", "operation", "severity", "hazards", "reason",
            "forward", "rollback", "destructive",
        }  # fmt: skip
        assert step["operation"] in ("create", "drop", "alter")
        assert step["severity"] in ("critical", "high", "medium", "low")
        for h in step["hazards"]:
            assert set(h) <= {"code", "message", "lock"} and h["code"] and h["message"]
    for ch in doc["changes"]:
        assert {"key", "kind", "operation", "impact"} <= set(ch)


@pytest.mark.parametrize("fmt", ["sql", "rollback", "markdown", "dot"])
def test_other_formats(fmt: str) -> None:
    """Every `--format` prints something on stdout and exits 1 for the example pair."""
    r = run(str(EXAMPLE / "old.sql"), str(EXAMPLE / "new.sql"), "--format", fmt)
    assert not r.crash, r.crash
    assert r.code == 1 and r.stdout.strip(), r.stderr


def test_stdin_source(tmp_path: Path) -> None:
    """`-` reads one side from stdin."""
    r = run_process(write(tmp_path, "old.sql", OLD), "-", stdin=NEW.encode())
    assert r.code == 1 and "ADD COLUMN IF NOT EXISTS email" in r.stdout, r.stderr


# ---- flags ---------------------------------------------------------------------------------------


def test_strict_turns_unmodelled_statements_into_errors(tmp_path: Path) -> None:
    """Without `--strict` an unmodelled statement is a warning; with it, a positioned error."""
    f = write(tmp_path, "t.sql", "CREATE TABLE t (id integer);\n" + UNMODELLED)
    loose = run(f, f)
    assert loose.code == 0 and "warning:" in loose.stderr, loose.stderr
    strict = run(f, f, "--strict")
    assert_error(strict, f)
    m = strict.error_line
    assert m is not None and m["line"] == "2", strict.stderr


def test_destructive_statements_are_commented_out(tmp_path: Path) -> None:
    """DROP TABLE is written commented out unless `--allow-destructive`."""
    old, new = write(tmp_path, "old.sql", OLD), write(tmp_path, "new.sql", NEW)
    safe = run(old, new).stdout
    lines = safe.splitlines()
    assert any(line.startswith("-- ") and "DROP TABLE IF EXISTS public.gone" in line for line in lines), safe
    assert not any(line.startswith("DROP TABLE") for line in lines), safe
    assert "--allow-destructive" in safe  # the script says how to include them
    unsafe = run(old, new, "--allow-destructive").stdout
    assert "DROP TABLE IF EXISTS public.gone;" in unsafe.splitlines(), unsafe
    plain = run(old, new, "--allow-destructive", "--no-idempotent").stdout  # the plain statements
    assert "DROP TABLE public.gone;" in plain.splitlines(), plain


def test_lossy_type_change_is_commented_out(tmp_path: Path) -> None:
    """Narrowing a column type is destructive too."""
    old = write(tmp_path, "old.sql", "CREATE TABLE t (v varchar(200));\n")
    new = write(tmp_path, "new.sql", "CREATE TABLE t (v varchar(20));\n")
    lines = run(old, new).stdout.splitlines()
    alter = [line for line in lines if "TYPE character varying(20)" in line]
    assert alter and all(line.startswith("--") for line in alter), lines


# ---- determinism and snapshot -------------------------------------------------------------------


def _deterministic_pairs() -> list[tuple[Path, Path]]:
    pairs = [(EXAMPLE / "old.sql", EXAMPLE / "new.sql")]
    if corpus.available():
        big = [p for p in corpus.pairs("postgres") if p.id.startswith("pairs/pagila-history/")]
        pairs += [(p.old, p.new) for p in big[-1:]]
    return pairs


@pytest.mark.parametrize("pair", _deterministic_pairs(), ids=lambda p: str(p[0].parent.name))
def test_output_is_deterministic(pair: tuple[Path, Path], tmp_path: Path) -> None:
    """Two processes with different hash seeds write the same bytes (every output file)."""
    outs = []
    for seed in ("1", "2"):
        d = tmp_path / seed
        r = run_process(str(pair[0]), str(pair[1]), "-o", str(d), "--allow-destructive",
                        env={"PYTHONHASHSEED": seed})  # fmt: skip
        assert not r.crash and r.code in (0, 1), r.stderr
        outs.append({p.name: p.read_bytes() for p in sorted(d.iterdir())})
    assert outs[0] == outs[1]


SNAPSHOT_FILES = [EXAMPLE / "old.sql", EXAMPLE / "new.sql", *FIXTURE_SIDES]


@pytest.mark.parametrize("path", SNAPSHOT_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_snapshot_parses_back_to_the_same_model(path: Path) -> None:
    """`ddlcompare snapshot F`, parsed again, has no difference with F."""
    r = run("snapshot", str(path))
    assert not r.crash, r.crash
    assert r.code == 0, r.stderr
    d = get("postgres")
    original = d.parse(path.read_text(encoding="utf-8"), path.name, LoadOptions())
    again = d.parse(r.stdout, "snapshot.sql", LoadOptions())
    changes = diff(original, again, column_order=d.COLUMN_ORDER)
    assert not changes, "\n".join(str(c) for c in changes) + "\n\n" + r.stdout


def test_snapshot_error_is_positioned(tmp_path: Path) -> None:
    """`ddlcompare snapshot` reports bad input like the compare command."""
    bad = write(tmp_path, "bad.sql", "CREATE TABLE t (id integer,, x text);\n")
    assert_error(run("snapshot", bad), bad)


def test_version() -> None:
    """`--version` prints the version and exits 0."""
    r = run("--version")
    assert r.code == 0 and r.stdout.startswith("ddlcompare ")


GOLDEN_CASES = sorted(p.parent for p in (ROOT / "fixtures").glob("*/*/old.sql") if p.parts[-3] != "fuzz")


@pytest.mark.parametrize("case", GOLDEN_CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_owners_and_privileges_never_crash(case: Path) -> None:
    """The golden pairs with ownership and grants compared (as the golden tests do not), both ways.

    `ALTER TYPE ... OWNER TO` once stopped every pg_dump with an enum at an internal error."""
    dialect = case.parent.name
    for a, b in (("old.sql", "new.sql"), ("new.sql", "old.sql")):
        r = run(str(case / a), str(case / b), "--owners", "--privileges", "-d", dialect, "-q", "-f", "json")
        assert not r.crash and r.code in (0, 1), (r.crash, r.stderr)
