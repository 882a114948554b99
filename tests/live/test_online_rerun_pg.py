"""An --online forward script stopped after any phase, then run again from the top, still reaches
new: the re-runnable statements (the default) skip what the phases before the stop did.

For each PostgreSQL fixture whose options.txt has --online (and not --no-idempotent): load old,
apply phases 1..k of the forward (k = 1 .. N-1; the phases are the `-- phase k of N` sections of
output/sql.py), then the whole forward, and read the database back: equal to new.sql loaded on its
own. (k = N, the whole script twice, is the live round trip's 'forward again'.)
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support import pgdb
from tests.support.golden import case_options
from tests.support.roundtrip import differences, make_plan, scripts
from tests.support.servers import require_pg

pytestmark = pytest.mark.live

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "postgres"
CASES = sorted(
    p
    for p in (FIXTURES.iterdir() if FIXTURES.is_dir() else ())
    if (p / "new.sql").is_file() and case_options(p).plan.online and case_options(p).plan.idempotent
)
_PHASE = re.compile(r"^-- phase \d+ of \d+: ", re.MULTILINE)


def phases(script: str) -> list[str]:
    """The phases of an --online script, in order, each with its SET statements and BEGIN/COMMIT."""
    starts = [m.start() for m in _PHASE.finditer(script)]
    return [script[a:b] for a, b in zip(starts, [*starts[1:], len(script)], strict=True)]


def test_online_fixtures_exist() -> None:
    """The test below is not vacuous: some fixtures are --online, with several phases."""
    assert len(CASES) >= 4, [c.name for c in CASES]


def test_phases_split_the_script() -> None:
    one, two = "-- phase 1 of 2: in a transaction\nBEGIN;\nCOMMIT;\n\n", "-- phase 2 of 2: outside\nX;\n"
    assert phases("-- head\n\n" + one + two) == [one, two]


@pytest.mark.parametrize("case", CASES, ids=[f"postgres/{c.name}" for c in CASES])
def test_online_rerun_from_any_phase(case: Path, pg: None) -> None:
    require_pg()
    opts = case_options(case)
    old, new = ((case / n).read_text(encoding="utf-8") for n in ("old.sql", "new.sql"))
    forward, _ = scripts(make_plan(old, new, options=opts.plan, renames=opts.renames))
    parts = phases(forward)
    assert len(parts) >= 2, forward
    with pgdb.fresh_db("ddlc_rerun") as ref:
        pgdb.load(ref, new)
        for k in range(1, len(parts)):
            with pgdb.fresh_db("ddlc_rerun") as db:
                pgdb.load(db, old)
                pgdb.load(db, "".join(parts[:k]), roles=False)
                try:
                    pgdb.load(db, forward, roles=False)
                except pgdb.LoadError as e:
                    pytest.fail(f"{case.name}: stopped after phase {k}, run again: {e}", pytrace=False)
                report = differences(pgdb.url(db), pgdb.url(ref))
                assert not report, f"{case.name}: stopped after phase {k}, run again:\n{report}"
