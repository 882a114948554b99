"""Fuzzing in the suite: the oracle's own checks, a seeded, time-boxed sample of mutated fixtures, and
regression fixtures (`fixtures/fuzz/<dialect>/`) for every crasher found.

The sample runs `SAMPLE_CASES` cases of each seed in `SAMPLE_SEEDS` (both dialects alternate) through
the oracle of `tests/support/fuzz.py`; a finding fails the test unless its key is that of a regression
fixture still marked as failing (so a known bug does not hide a new one, and fixing one shows in its
regression test). `DDLCOMPARE_FUZZ_SECONDS` bounds the whole sample's wall time (default 90 s): a
seed whose share is spent stops early and says how far it got. The full campaign is
`bench/fuzz_campaign.py` (100,000 cases, not in CI).
"""

from __future__ import annotations

import os
import random
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support import fuzz
from tests.support.cli import ROOT, Run

FUZZ_FIXTURES = ROOT / "fixtures" / "fuzz"
SAMPLE_SEEDS = tuple(range(1001, 1017))
SAMPLE_CASES = 250  # per seed: about 50-60 s of CPU for the 16 seeds
SAMPLE_STDIN = 0.003  # share of cases also run as a subprocess reading standard input
SAMPLE_SECONDS = float(os.environ.get("DDLCOMPARE_FUZZ_SECONDS", "90"))


# -- regression fixtures -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Regression:
    """A minimised input that broke the contract: `fixtures/fuzz/<dialect>/<name>.sql`, compared
    with that folder's `base.sql` both ways (and snapshotted) with `options`, or read from standard
    input when `stdin`. `key` is the finding it gave (see fuzz.crash_key); `xfail` says why it still
    fails, until the fix lands and the mark goes."""

    dialect: str
    name: str
    key: str
    options: tuple[str, ...] = ()
    xfail: str | None = None
    stdin: bool = False

    @property
    def path(self) -> Path:
        return FUZZ_FIXTURES / self.dialect / f"{self.name}.sql"

    @property
    def base(self) -> Path:
        """`<name>.base.sql` when the input needs its own other side, else the folder's `base.sql`."""
        own = FUZZ_FIXTURES / self.dialect / f"{self.name}.base.sql"
        return own if own.is_file() else FUZZ_FIXTURES / self.dialect / "base.sql"


MY, PG = "ddlcompare/dialects/mysql/", "ddlcompare/dialects/postgres/"
LOST, NUL = (
    "truncation: the end of the input silently lost",
    "truncation: a NUL byte in the input silently lost",
)
_MY = ("--dialect", "mysql")
_INT = "the MySQL renderer reads type parameters with int()"
REGRESSIONS: tuple[Regression, ...] = (
    # MySQL
    Regression(  # campaign seed 36: `DELIMITER` and a no-break space inside a `|`-delimited query
        "mysql", "delimiter_no_break_space", LOST, _MY,
    ),
    Regression(  # the CI sample (seeds 1007, 1011) and campaign seed 35: a varchar without a length
        "mysql", "varchar_without_length", f"IndexError at {MY}hazards.py:type_change", _MY,
    ),
    Regression(
        "mysql", "check_nested_500", f"RecursionError at {MY}normalize.py:parse_sql",
    ),
    Regression(
        "mysql", "varchar_nested_parens", f"ValueError at {MY}render.py:_capacity", _MY,
    ),
    Regression(
        "mysql", "binary_quoted_length", f"ValueError at {MY}render.py:_capacity", _MY,
    ),
    Regression(
        "mysql", "decimal_letter_params", f"ValueError at {MY}render.py:lossy", _MY,
    ),
    Regression(
        "mysql", "default_unknown_function", f"IndexError at {MY}normalize.py:_literal_value", _MY,
    ),
    Regression(
        "mysql", "default_date_add_no_arguments", f"TypeError at {MY}normalize.py:parse_sql", _MY,
    ),
    Regression(
        "mysql", "alter_change_nothing", f"AttributeError at {MY}handlers.py:_alter_action", _MY,
    ),
    Regression(
        "mysql", "partition_range_no_expression", f"IndexError at {MY}normalize.py:expr_text", _MY,
    ),
    Regression(
        "mysql", "rename_table_nothing", f"AssertionError at {MY}handlers.py:rename_table", _MY,
    ),
    Regression(
        "mysql", "procedure_unterminated_begin", LOST, _MY,
    ),
    Regression(
        "mysql", "nul_byte", NUL, _MY,
    ),
    Regression(
        "mysql", "delimiter_left_open", LOST, _MY,
    ),
    Regression(
        "mysql", "cr_line_endings", LOST, _MY,
    ),
    Regression(
        "mysql", "array_type_nested_500", f"RecursionError at {MY}handlers.py:_type_spec", _MY,
    ),
    Regression(
        "mysql", "generated_array_nested_500", f"RecursionError at {MY}normalize.py:canonical", _MY,
    ),
    Regression(
        "mysql", "sequence_start_5000_digits", f"ValueError at {MY}handlers.py:create_sequence", _MY,
    ),
    Regression(
        "mysql", "function_blob_nested_parens", f"ValueError at {MY}types.py:canonical_type", _MY,
    ),
    Regression(
        "mysql", "partitions_float_count", f"VisitError at {MY}grammar.py:parse_partition", _MY,
    ),
    Regression(
        "mysql", "stdin_invalid_utf8", "invalid UTF-8 accepted", _MY, stdin=True,
    ),
    Regression(
        "mysql", "varchar_length_5000_digits", f"ValueError at {MY}render.py:_capacity", _MY,
    ),
    Regression(
        "mysql", "default_decimal_out_of_range", f"unknown at {MY}normalize.py:default_expr", _MY,
    ),
    Regression(
        "mysql", "delimiter_open_event_body", LOST, _MY,
    ),
    Regression(
        "mysql", "sequence_sign_on_its_own_line", f"ValueError at {MY}handlers.py:create_sequence", _MY,
    ),
    Regression(
        "mysql", "key_without_columns", f"IndexError at {MY}parse.py:settle_keys", _MY,
    ),
    Regression(  # campaign seed 38: a foreign key listing no column, read by the hazard classifier
        "mysql", "fk_without_columns", f"IndexError at {MY}hazards.py:<genexpr>",
        ("--format", "markdown", "--owners", "--privileges", "--dialect", "mysql"),
    ),
    Regression(  # sqlglot's compiled parser overflowed the C stack: the process died
        "mysql", "view_from_nested_20000", "fatal: segmentation fault", _MY,
    ),
    # PostgreSQL
    Regression(
        "postgres", "alter_type_owner", f"IndexError at {PG}handlers/meta.py:_type_key",
        ("--owners", "--privileges"),
    ),
    Regression(
        "postgres", "set_config_one_argument", f"IndexError at {PG}handlers/meta.py:select",
    ),
    Regression(
        "postgres", "default_nested_array_1000", f"JSONDecodeError at {PG}parse.py:_parse_json",
    ),
    Regression(
        "postgres", "default_bad_hex_bit_string", f"ValueError at {PG}expr.py:<genexpr>",
    ),
    Regression(
        "postgres", "dollar_digit_tag", LOST,
    ),
    Regression(
        "postgres", "identity_on_view", f"AssertionError at {PG}handlers/tables.py:_at_identity",
    ),
    Regression(
        "postgres", "comment_on_column_unqualified", f"IndexError at {PG}parse.py:qualify_name",
    ),
    Regression(
        "postgres", "sequence_increment_float", f"ValueError at {PG}handlers/tables.py:sequence_values",
    ),
    Regression(
        "postgres", "sequence_owned_by_one_name", f"IndexError at {PG}parse.py:qualify_name",
    ),
    Regression(
        "postgres", "index_include_expression", f"KeyError at {PG}handlers/tables.py:<genexpr>",
    ),
    Regression(
        "postgres", "function_cost_hex", f"ValueError at {PG}handlers/routines.py:_attributes",
    ),
    Regression(
        "postgres", "atomic_body_grant", f"unknown at {PG}expr.py:_e",
    ),
    Regression(
        "postgres", "psql_meta_cr_line_endings", LOST,
    ),
    Regression(
        "postgres", "cr_line_endings", LOST,
    ),
    Regression(
        "postgres", "enum_neighbor_missing", f"ValueError at {PG}handlers/types.py:alter_enum",
    ),
    Regression(
        "postgres", "numeric_precision_5000_digits", f"ValueError at {PG}render.py:<genexpr>",
    ),
    Regression(  # a column default computed only when its column is compared: no position
        "postgres", "hex_default_compared_lazily", "unpositioned", ("--dialect", "postgres", "--strict"),
    ),

    Regression(  # campaign seed 33: a hexadecimal COST beyond a float's range
        "postgres", "function_cost_hex_overflow", f"OverflowError at {PG}handlers/routines.py:_float",
        ("--format", "markdown", "--owners", "--privileges"),
    ),
    Regression(  # campaign seed 33: an invalid bit string read only when a report names the change
        "postgres", "bit_string_compared_in_report", "unpositioned", ("--format", "json"),
    ),
    Regression(  # the CI sample (seed 1015): a foreign key altered in place while its key is dropped
        "postgres", "fk_alter_key_dropped", "unpositioned", ("--format", "json"),
    ),
    Regression(
        "postgres", "nul_byte", NUL,
    ),
    Regression(
        "postgres", "stdin_invalid_utf8", f"UnicodeEncodeError at {PG}parse.py:_parse_json", stdin=True,
    ),
)  # fmt: skip


def known_keys() -> set[str]:
    """Finding keys of the regressions still failing: the sample tolerates those."""
    return {r.key for r in REGRESSIONS if r.xfail}


def _param(r: Regression) -> object:
    marks = [pytest.mark.xfail(strict=True, reason=r.xfail)] if r.xfail else []
    return pytest.param(r, id=f"{r.dialect}/{r.name}", marks=marks)


def regression_findings(r: Regression) -> list[fuzz.Finding]:
    """Every finding of a regression input's command lines."""
    data = r.path.read_bytes()
    sentinel = fuzz.SENTINEL.encode() in data
    nul, utf8 = b"\x00" in data, fuzz.is_utf8(data)
    base, path = str(r.base), str(r.path)
    if r.stdin:
        argv = (base, "-", *r.options)
        t0 = time.perf_counter()
        run_ = fuzz.run_stdin(argv, data)
        secs = time.perf_counter() - t0
        found = fuzz.check_run(run_, argv, sentinel=sentinel, seconds=secs, mutated="-", nul=nul, utf8=utf8)
        return [f for f in found if f.kind in fuzz.FAILURE_KINDS]
    found = []
    snapshot = ("--dialect", r.dialect, *(o for o in r.options if o in ("--owners", "--privileges")))
    for argv in ((base, path, *r.options), (path, base, *r.options), ("snapshot", path, *snapshot)):
        run_, secs = fuzz.run_timed(argv)
        found += fuzz.check_run(run_, argv, sentinel=sentinel, seconds=secs, mutated=path, nul=nul, utf8=utf8)
    return [f for f in found if f.kind in fuzz.FAILURE_KINDS]


@pytest.mark.parametrize("r", [_param(r) for r in REGRESSIONS])
def test_regression(r: Regression) -> None:
    """A crasher found by fuzzing: exit 0/1/2, no traceback, no internal error, errors positioned,
    nothing after it silently dropped."""
    found = regression_findings(r)
    assert not found, "\n\n".join(f"{f.kind}: {f.key}\n{f.detail[-1500:]}" for f in found)


def test_regressions_listed() -> None:
    """Every file under fixtures/fuzz/ is a listed regression (or a base), and each exists."""
    listed = {r.path for r in REGRESSIONS}
    on_disk = {p for p in FUZZ_FIXTURES.glob("*/*.sql") if not p.name.endswith("base.sql")}
    assert on_disk == listed
    assert all(r.base.is_file() for r in REGRESSIONS)


# -- the sample -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", SAMPLE_SEEDS)
def test_fuzz_sample(seed: int, tmp_path: Path) -> None:
    """SAMPLE_CASES mutated fixtures of this seed: no finding other than a known one."""
    budget = SAMPLE_SECONDS / len(SAMPLE_SEEDS)
    known = known_keys()
    t0 = time.perf_counter()
    new: list[str] = []
    done = 0
    for i in range(SAMPLE_CASES):
        if time.perf_counter() - t0 > budget:
            break
        v = fuzz.check_case(fuzz.make_case(seed, i, stdin_rate=SAMPLE_STDIN), tmp_path)
        done += 1
        for f in v.findings:
            if f.kind in fuzz.FAILURE_KINDS and f.key not in known:
                argv = " ".join(f.argv)
                new.append(f"{v.case.describe()}\n  {f.kind}: {f.key}\n  {argv}\n{f.detail[-1200:]}")
    assert not new, f"{len(new)} new finding(s) (rerun one: make_case({seed}, i)):\n\n" + "\n\n".join(new[:5])
    if done < SAMPLE_CASES:
        print(f"seed {seed}: time box reached after {done} of {SAMPLE_CASES} cases")


# -- the engine and the oracle -----------------------------------------------------------------------------


def test_cases_are_deterministic() -> None:
    """A case is a function of (seed, index): same bytes and options each time, others differ."""
    a = [fuzz.make_case(7, i) for i in range(40)]
    b = [fuzz.make_case(7, i) for i in range(40)]
    assert [(c.data, c.options, c.side, c.mutations) for c in a] == [
        (c.data, c.options, c.side, c.mutations) for c in b
    ]
    assert len({c.data for c in a}) >= 35
    assert {c.dialect for c in a} == set(fuzz.DIALECTS)
    assert all(c.mutations for c in a)


def test_fixture_sides() -> None:
    """Both sides of every fixture pair of both dialects, and the bundled example."""
    s = fuzz.sides()
    assert len(s["postgres"]) == 2 * len(list((ROOT / "fixtures" / "postgres").glob("*/old.sql"))) + 2
    assert len(s["mysql"]) == 2 * len(list((ROOT / "fixtures" / "mysql").glob("*/old.sql")))
    assert any(side.path.parent.name == "example" for side in s["postgres"])


@pytest.mark.parametrize("name", sorted(fuzz.MUTATIONS))
def test_every_mutation_applies(name: str) -> None:
    """Each mutation changes some of the fixture sides of each dialect (none is dead code)."""
    for dialect in fuzz.DIALECTS:
        sides = fuzz.sides()[dialect]
        changed = 0
        for n, side in enumerate(sides):
            text = side.path.read_text(encoding="utf-8")
            new = fuzz.MUTATIONS[name](text, fuzz.Ctx(dialect, random.Random(n), side))
            changed += new is not None and new != text
        assert changed >= max(3, len(sides) // 20), (name, dialect, changed, len(sides))


def test_sentinel_survives_unmutated_fixtures(tmp_path: Path) -> None:
    """The oracle finds nothing in an unmutated fixture with the sentinel: every side compares
    (exit 1, the sentinel created) and no false truncation is reported."""
    m = tmp_path / "side.sql"
    bad = []
    for dialect, sides in fuzz.sides().items():
        for side in sides:
            m.write_bytes(side.path.read_bytes() + fuzz.SENTINELS[dialect])
            argv = (str(side.other), str(m))
            r, secs = fuzz.run_timed(argv)
            found = fuzz.check_run(r, argv, sentinel=True, seconds=secs, mutated=str(m))
            if r.code != 1 or found:
                bad.append(f"{side.name}: exit {r.code} {[f.key for f in found]} {r.stderr[-300:]}")
    assert not bad, "\n".join(bad)


TB = """Traceback (most recent call last):
  File "/x/ddlcompare/cli.py", line 130, in main
    app(args=args)
  File "/x/ddlcompare/dialects/mysql/render.py", line 899, in _capacity
    return int(args[0])
  File "/x/.venv/lib/python3.11/site-packages/sqlglot/parser.py", line 10, in parse
    raise ValueError("x")
ValueError: invalid literal for int() with base 10: '((20))'
"""


def _run(code: int, stdout: str = "", stderr: str = "", crash: str = "") -> Run:
    return Run(code, stdout, stderr, crash)


def _kinds(
    r: Run, *, nul: bool = False, utf8: bool = True, mutated: str = "b", fmt: str = "sql"
) -> list[tuple[str, str]]:
    """Findings of a run of `ddlcompare a b --format FMT` (the mutated file being `mutated`)."""
    argv = ("a", "b", "--format", fmt)
    found = fuzz.check_run(r, argv, sentinel=True, seconds=0.1, nul=nul, utf8=utf8, mutated=mutated)
    return [(f.kind, f.key) for f in found]


def test_oracle_crash_keys() -> None:
    """A traceback is a crash keyed by its type and innermost ddlcompare frame (not the library's)."""
    key = "ValueError at ddlcompare/dialects/mysql/render.py:_capacity"
    assert _kinds(_run(1, crash=TB)) == [("crash", key)]
    assert fuzz.crash_key(TB)[1] == "ddlcompare/dialects/mysql/render.py:899"
    frame = '  File "/x/ddlcompare/dialects/mysql/normalize.py", line {}, in canonical\n    x\n'
    frames = "".join(frame.format(n) for n in (5, 9, 9))
    deep = (
        "Traceback (most recent call last):\n"
        + frames
        + '  File "/x/ddlcompare/dialects/mysql/types.py", line 3, in leaf\n'
        + "RecursionError: maximum recursion depth exceeded\n"
    )
    # the recursion, not whichever frame happened to hit the limit
    assert fuzz.crash_key(deep)[0] == "RecursionError at ddlcompare/dialects/mysql/normalize.py:canonical"


def test_oracle_exit_codes_and_errors() -> None:
    """Exit codes outside 0-2, tracebacks printed, internal errors, unpositioned errors are findings."""
    ok_error = 'f.sql:3:7: error: syntax error at or near "("\n'
    assert _kinds(_run(2, stderr=ok_error)) == []
    assert _kinds(_run(2, stderr="error: the two sides are of different dialects (a is mysql)\n")) == []
    assert _kinds(_run(2, stderr="error: syntax error somewhere\n")) == [
        ("unpositioned", "unpositioned: error: syntax error somewhere")
    ]
    assert _kinds(_run(2, stderr="something odd\n")) == [("no_error", "exit 2 without an error line")]
    assert [k for k, _ in _kinds(_run(3, stdout=fuzz.SENTINEL))] == ["bad_exit"]
    assert [k for k, _ in _kinds(_run(2, stderr=TB))] == ["traceback_text"]
    internal = "f.sql:1:1: error: internal error: IndexError: list index out of range\n"
    with_debug = fuzz.check_run(
        _run(2, stderr=internal), ("a", "b"), sentinel=False, seconds=0.1, debug=lambda: _run(2, stderr=TB)
    )
    assert [(f.kind, f.key) for f in with_debug] == [
        ("internal_error", "ValueError at ddlcompare/dialects/mysql/render.py:_capacity")
    ]
    assert [k for k, _ in _kinds(_run(2, stderr=internal))] == ["internal_error"]
    # a file that is not UTF-8 must be refused
    assert _kinds(_run(1, stdout=fuzz.SENTINEL), utf8=False) == [("bad_encoding", "invalid UTF-8 accepted")]
    assert _kinds(_run(2, stderr="-:2:1: error: not valid UTF-8 (byte 0xff)\n"), utf8=False) == []
    assert fuzz.is_utf8(b"\xef\xbb\xbfok") and not fuzz.is_utf8(b"ok\xff")


def test_oracle_truncation() -> None:
    """Exit 0/1 without the sentinel anywhere is a silent truncation (NUL bytes keyed apart); the
    sentinel only in a warning was read as part of an opaque statement (a note, not a failure)."""
    assert _kinds(_run(1, stdout="CREATE TABLE public.zz_fuzz_sentinel (id integer);")) == []
    assert _kinds(_run(0, stdout="-- no changes")) == [
        ("truncation", "truncation: the end of the input silently lost")
    ]
    assert _kinds(_run(1, stdout="DROP TABLE t;"), nul=True) == [
        ("truncation", "truncation: a NUL byte in the input silently lost")
    ]
    assert _kinds(_run(2, stderr="f.sql:1:1: error: x\n")) == []
    assert _kinds(_run(1, stdout=fuzz.SENTINEL), nul=True) == [
        ("truncation", "truncation: a NUL byte in the input silently lost")
    ]
    warned = "f.sql:4:1: warning: statement 'CREATE TABLE ZZ_FUZZ_SENTINEL' is not modelled\n"
    assert [k for k, _ in _kinds(_run(1, stdout="-- MANUAL", stderr=warned))] == ["swallowed"]
    assert "swallowed" in fuzz.NOTE_KINDS and "truncation" in fuzz.FAILURE_KINDS
    # swallowed into an opaque statement named by other words: a script dropping it shows only that
    # name, one creating it (or JSON, or a snapshot) shows its text
    other = "f.sql:2:1: warning: statement 'C CREATE TABLE' is not modelled\n"
    assert [k for k, _ in _kinds(_run(1, stdout="-- DROP C", stderr=other), mutated="a")] == ["swallowed"]
    for fmt, mutated in (("sql", "b"), ("json", "a"), ("rollback", "a")):
        assert [k for k, _ in _kinds(_run(1, stderr=other), mutated=mutated, fmt=fmt)] == ["truncation"]
    assert [k for k, _ in _kinds(_run(1, stderr=other), mutated="b", fmt="rollback")] == ["swallowed"]
    assert [k for k, _ in _kinds(_run(1, stdout="-- DROP C"), mutated="a")] == ["truncation"]


def test_minimize() -> None:
    """Delta debugging keeps what the predicate needs and the fixed suffix, and drops the rest."""
    data = b"CREATE TABLE a (x int);\nCREATE TABLE bad (y BAD(1));\nCREATE TABLE c (z int);\n" + b"SUFFIX"
    small = fuzz.minimize(data, lambda d: b"BAD" in d and d.endswith(b"SUFFIX"), keep_suffix=b"SUFFIX")
    assert small == b"BAD" + b"SUFFIX"
