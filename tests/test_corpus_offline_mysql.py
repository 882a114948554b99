"""Every MySQL corpus file through the command line, no server: clean exit codes, never a traceback.

- `ddlcompare F F --dialect mysql` for every .sql file of the MySQL pairs and schemas: exit 0, or
  exit 2 with a `file:line:col: error:` line for a file MariaDB rejects too;
- `ddlcompare old new --dialect mysql` for every pair: exit 0, 1 or 2 (2 only with a positioned
  error), no traceback;
- the snapshot of every side that parses parses back to the same model.

Known failures (strict in both directions): tests/known_failures/mysql_offline_self.txt,
mysql_offline_pairs.txt, mysql_snapshot.txt.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from ddlcompare.dialects import LoadOptions, get
from ddlcompare.diff.compare import diff
from ddlcompare.errors import DdlError
from tests.support import corpus
from tests.support.cli import Run, run
from tests.support.known import known
from tests.support.roundtrip_mysql import describe

pytestmark = [pytest.mark.corpus, pytest.mark.skipif(not corpus.available(), reason="corpus absent")]


@dataclass(frozen=True)
class CorpusFile:
    """One .sql file of the corpus and whether MariaDB accepts it (None: not a schema side)."""

    id: str
    path: Path
    valid: bool | None


def _files() -> list[CorpusFile]:
    out: list[CorpusFile] = []
    for p in corpus.pairs("mysql"):
        info = p.meta.get("loads_mariadb") or {}
        for f in sorted(p.path.glob("*.sql")):
            valid = bool(info.get(f.stem)) if f.stem in ("old", "new") else None
            out.append(CorpusFile(f"{p.id}/{f.name}", f, valid))
    out += [CorpusFile(s.id, s.path, s.loads()) for s in corpus.schemas("mysql")]
    return out


FILES = _files()
PAIRS = corpus.pairs("mysql")


def _verdict(r: Run, allowed: tuple[int, ...], error_ok: bool) -> tuple[bool, str, str]:
    """(ok, category, detail) of one command-line run."""
    if r.crash:
        last = r.crash.strip().splitlines()[-1]
        return False, f"traceback: {last}", r.crash
    if r.code == 2:
        if r.error_line is None:
            return False, "exit 2 without file:line:col", r.stderr
        if not error_ok:
            return False, f"false error: {r.error_line['message']}", r.stderr
        return True, "", ""
    if r.code not in allowed:
        return False, f"exit {r.code}", f"{r.stderr}\n{r.stdout[-4000:]}"
    return True, "", ""


@pytest.mark.parametrize("f", FILES, ids=[f.id for f in FILES])
def test_file_against_itself(f: CorpusFile, request: pytest.FixtureRequest) -> None:
    """`ddlcompare F F`: no differences (0), or a positioned error (2) for a file the server rejects."""
    r = run(str(f.path), str(f.path), "--dialect", "mysql", "--quiet")
    ok, category, detail = _verdict(r, (0,), error_ok=f.valid is not True)
    known("mysql_offline_self").check(request, f.id, ok, detail, category=category)


@pytest.mark.parametrize("pair", PAIRS, ids=[p.id for p in PAIRS])
def test_pair(pair: corpus.Pair, request: pytest.FixtureRequest) -> None:
    """`ddlcompare old new`: exit 0, 1 or 2 with a positioned error, never a traceback."""
    if not (pair.old.is_file() and pair.new.is_file()):
        pytest.skip("one side is missing")
    r = run(str(pair.old), str(pair.new), "--dialect", "mysql", "--quiet")
    ok, category, detail = _verdict(r, (0, 1), error_ok=not pair.loads())
    known("mysql_offline_pairs").check(request, pair.id, ok, detail, category=category)


SIDES = [f for f in FILES if f.valid]


@pytest.mark.parametrize("f", SIDES, ids=[f.id for f in SIDES])
def test_snapshot_parses_back(f: CorpusFile, request: pytest.FixtureRequest) -> None:
    """parse(snapshot(parse(F))) equals parse(F), column order included."""
    d = get("mysql")
    try:
        parsed = d.parse(f.path.read_text(encoding="utf-8"), f.path.name, LoadOptions())
    except DdlError:
        pytest.skip("the file does not parse")
    text = d.snapshot(parsed)
    try:
        again = d.parse(text, "snapshot.sql", LoadOptions())
    except DdlError as e:
        ok, category, detail = False, "snapshot does not parse", f"{e}\n\n{text}"
    else:
        changes = diff(parsed, again, column_order=True)
        ok, category = not changes, "differs" if changes else ""
        detail = f"parsed file (old) vs parsed snapshot (new):\n{describe(changes)}\n\n{text}"
    known("mysql_snapshot").check(request, f.id, ok, detail, category=category)


SCHEMAS = corpus.schemas("mysql")


@pytest.mark.parametrize("schema", SCHEMAS, ids=[s.id for s in SCHEMAS])
def test_schema_parses_without_warning(schema: corpus.SchemaFile) -> None:
    """A real MySQL schema is modelled completely: no opaque statement, no warning."""
    parsed = get("mysql").parse(schema.path.read_text(encoding="utf-8"), schema.path.name, LoadOptions())
    assert not parsed.warnings, "\n".join(str(w) for w in parsed.warnings)
