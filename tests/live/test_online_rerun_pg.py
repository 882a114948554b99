"""An --online forward script stopped after any phase, then run again from the top, still reaches
new: the re-runnable statements (the default) skip what the phases before the stop did.

For each PostgreSQL fixture planned with --online (its options.txt, plus --online; not the
--no-idempotent ones) whose forward has several phases: load old, apply phases 1..k of the forward
(k = 1 .. N-1; the phases are the `-- phase k of N` sections of output/sql.py), then the whole
forward, and read the database back: equal to new.sql loaded on its own. (k = N, the whole script
twice, is the live round trip's 'forward again'.) The same for the corpus pairs that load, on one
pair in eight (sha256 of the id; DDLCOMPARE_FULL_CORPUS=1 runs all), failures listed in
tests/known_failures/postgres_online_rerun.txt.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pytest

from ddlcompare.diff.renames import RenameHint
from ddlcompare.plan.plan import PlanOptions
from tests.support import corpus, pgdb
from tests.support.golden import case_options
from tests.support.known import known
from tests.support.roundtrip import differences, make_plan, scripts
from tests.support.servers import require_pg

pytestmark = pytest.mark.live

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "postgres"
CASES = sorted(
    p
    for p in (FIXTURES.iterdir() if FIXTURES.is_dir() else ())
    if (p / "new.sql").is_file() and case_options(p).plan.idempotent
)
FULL = os.environ.get("DDLCOMPARE_FULL_CORPUS") == "1"
PAIRS = [
    p
    for p in corpus.pairs("postgres")
    if p.loads() and (FULL or int(hashlib.sha256(p.id.encode()).hexdigest(), 16) % 8 == 0)
]
_PHASE = re.compile(r"^-- phase \d+ of \d+: ", re.MULTILINE)


def phases(script: str) -> list[str]:
    """The phases of an --online script, in order, each with its SET statements and BEGIN/COMMIT."""
    starts = [m.start() for m in _PHASE.finditer(script)]
    if not starts:  # nothing to do: no phase
        return []
    return [script[a:b] for a, b in zip(starts, [*starts[1:], len(script)], strict=True)]


def _forward(old: str, new: str, options: PlanOptions, renames: Sequence[RenameHint] = ()) -> str:
    return scripts(make_plan(old, new, options=replace(options, online=True), renames=renames))[0]


def _rerun_from_each_phase(old: str, new: str, forward: str, setup: str = "") -> str | None:
    """None when every stop-then-rerun reaches new, else what went wrong."""
    parts = phases(forward)
    with pgdb.fresh_db("ddlc_rerun") as ref:
        if setup:
            pgdb.load(ref, setup)
        pgdb.load(ref, new)
        for k in range(1, len(parts)):
            with pgdb.fresh_db("ddlc_rerun") as db:
                if setup:
                    pgdb.load(db, setup)
                pgdb.load(db, old)
                try:
                    pgdb.load(db, "".join(parts[:k]), roles=False)
                    pgdb.load(db, forward, roles=False)
                except pgdb.LoadError as e:
                    return f"stopped after phase {k} of {len(parts)}, run again: {e}"
                report = differences(pgdb.url(db), pgdb.url(ref))
                if report:
                    return f"stopped after phase {k} of {len(parts)}, run again:\n{report}"
    return None


def test_online_fixtures_exist() -> None:
    """The test below is not vacuous: many fixtures have several phases under --online."""
    several = [c for c in CASES if len(phases(_forward(*_texts(c), case_options(c).plan))) >= 2]
    assert len(several) >= 20, [c.name for c in several]


def test_phases_split_the_script() -> None:
    one, two = "-- phase 1 of 2: in a transaction\nBEGIN;\nCOMMIT;\n\n", "-- phase 2 of 2: outside\nX;\n"
    assert phases("-- head\n\n" + one + two) == [one, two]


def _texts(case: Path) -> tuple[str, str]:
    old, new = ((case / n).read_text(encoding="utf-8") for n in ("old.sql", "new.sql"))
    return old, new


@pytest.mark.parametrize("case", CASES, ids=[f"postgres/{c.name}" for c in CASES])
def test_online_rerun_from_any_phase(case: Path, pg: None) -> None:
    require_pg()
    opts = case_options(case)
    old, new = _texts(case)
    forward = _forward(old, new, opts.plan, opts.renames)
    if len(phases(forward)) < 2:
        return  # one phase: stopping after it is the whole script, run twice by the round trip
    failed = _rerun_from_each_phase(old, new, forward)
    assert failed is None, f"{case.name}: {failed}"


@pytest.mark.corpus
@pytest.mark.parametrize("pair", PAIRS, ids=[p.id for p in PAIRS])
def test_online_rerun_corpus(pair: corpus.Pair, pg: None, request: pytest.FixtureRequest) -> None:
    """The same for corpus pairs (a pair that does not plan is the round-trip suites' to report)."""
    require_pg()
    old, new = (p.read_text(encoding="utf-8") for p in (pair.old, pair.new))
    setup = pair.setup.read_text(encoding="utf-8") if pair.setup else ""
    try:
        forward = _forward(old, new, PlanOptions())
    except Exception:
        return
    if len(phases(forward)) < 2:
        return
    failed = _rerun_from_each_phase(old, new, forward, setup)
    known("postgres_online_rerun").check(request, pair.id, failed is None, failed or "", category="rerun")
