"""Every PostgreSQL corpus file through the command line, no server: clean exit codes, never a traceback.

- `ddlcompare F F` for every .sql file of the corpus (sides, expected scripts, setup files, schemas):
  exit 0, or exit 2 with a `file:line:col: error:` line for a file PostgreSQL 15 rejects too;
- every single schema of `schemas/` parses without a warning;
- `ddlcompare old new` for every pair: exit 0, 1 or 2 (2 only with a positioned error), no traceback.

Known failures (strict in both directions): tests/known_failures/postgres_offline_self.txt,
postgres_offline_pairs.txt, postgres_schema_warnings.txt.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from ddlcompare.dialects import LoadOptions, get
from tests.support import corpus
from tests.support.cli import Run, run
from tests.support.known import known

pytestmark = [pytest.mark.corpus, pytest.mark.skipif(not corpus.available(), reason="corpus absent")]


@dataclass(frozen=True)
class CorpusFile:
    """One .sql file of the corpus and whether PostgreSQL 15 accepts it (None: not a schema side)."""

    id: str
    path: Path
    valid: bool | None


def _files() -> list[CorpusFile]:
    out: list[CorpusFile] = []
    for p in corpus.pairs("postgres"):
        info = p.meta.get("loads_pg15") or {}
        alt = info.get("without_role_statements") or {}
        for f in sorted(p.path.glob("*.sql")):
            side = f.stem
            valid = bool(info.get(side) or alt.get(side)) if side in ("old", "new") else None
            out.append(CorpusFile(f"{p.id}/{f.name}", f, valid))
    out += [CorpusFile(s.id, s.path, s.loads()) for s in corpus.schemas("postgres")]
    return out


FILES = _files()
PAIRS = corpus.pairs("postgres")
SCHEMAS = corpus.schemas("postgres")


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
    r = run(str(f.path), str(f.path), "--quiet")
    ok, category, detail = _verdict(r, (0,), error_ok=f.valid is not True)
    known("postgres_offline_self").check(request, f.id, ok, detail, category=category)


@pytest.mark.parametrize("pair", PAIRS, ids=[p.id for p in PAIRS])
def test_pair(pair: corpus.Pair, request: pytest.FixtureRequest) -> None:
    """`ddlcompare old new`: exit 0, 1 or 2 with a positioned error, never a traceback."""
    if not (pair.old.is_file() and pair.new.is_file()):
        pytest.skip("one side is missing")
    r = run(str(pair.old), str(pair.new), "--quiet")
    ok, category, detail = _verdict(r, (0, 1), error_ok=not pair.loads())
    known("postgres_offline_pairs").check(request, pair.id, ok, detail, category=category)


@pytest.mark.parametrize("schema", SCHEMAS, ids=[s.id for s in SCHEMAS])
def test_schema_parses_without_warning(schema: corpus.SchemaFile, request: pytest.FixtureRequest) -> None:
    """A real schema (pg_dump or hand-written) is modelled completely: no warning."""
    text = schema.path.read_text(encoding="utf-8")
    try:
        parsed = get("postgres").parse(text, schema.path.name, LoadOptions())
    except Exception as e:  # recorded as this schema's failure
        ok, category, detail = False, f"error: {type(e).__name__}", str(e)
    else:
        ok = not parsed.warnings
        category = "warnings" if parsed.warnings else ""
        detail = "\n".join(str(w) for w in parsed.warnings)
    known("postgres_schema_warnings").check(request, schema.id, ok, detail, category=category)
