"""Hand-written vs dumped: a corpus file and pg_dump of the database it builds parse to the same model.

Known failures: tests/known_failures/postgres_dump_equivalence.txt (strict in both directions).
"""

from __future__ import annotations

import traceback
from pathlib import Path

import pytest

from ddlcompare import plan_between
from ddlcompare.dialects import LoadOptions, get
from ddlcompare.diff.compare import diff
from ddlcompare.output.markdown import render_markdown
from tests.support import corpus
from tests.support.known import known
from tests.support.livecache import Side, live_side, loadable_sides

pytestmark = [
    pytest.mark.live,
    pytest.mark.corpus,
    pytest.mark.skipif(not corpus.available(), reason="corpus absent"),
]

SIDES = loadable_sides()


@pytest.mark.parametrize("side", SIDES, ids=[s.id for s in SIDES])
def test_file_equals_its_dump(side: Side, pg: None, side_cache: Path, request: pytest.FixtureRequest) -> None:
    """No difference between the parsed file and the parsed `pg_dump --schema-only` of its database."""
    ok, category, detail = compare_file_dump(side, side_cache)
    known("postgres_dump_equivalence").check(request, side.id, ok, detail, category=category)


def compare_file_dump(side: Side, cache: Path) -> tuple[bool, str, str]:
    """(equal, failure category, Markdown report) for one side."""
    live = live_side(side, cache)
    if live.load_error:
        return False, "load", live.load_error
    if live.dump_error:
        return False, "pg_dump", live.dump_error
    d = get("postgres")
    try:
        parsed = d.parse(side.text(), side.path.name, LoadOptions())
    except Exception:  # a parser crash or error is this case's failure
        return False, "parse file", traceback.format_exc(limit=-4)
    try:
        dumped = d.parse(live.dump, "pg_dump.sql", LoadOptions())
    except Exception:
        return False, "parse dump", traceback.format_exc(limit=-4)
    if not diff(parsed, dumped, column_order=d.COLUMN_ORDER):
        return True, "", ""
    try:
        report = render_markdown(plan_between(parsed, dumped))
    except Exception:  # the difference is the finding; a planner crash must not hide it
        report = "\n".join(str(c) for c in diff(parsed, dumped)) + "\n" + traceback.format_exc(limit=-3)
    return False, "differs", f"parsed file (old) vs parsed pg_dump (new):\n\n{report}"
