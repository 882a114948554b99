"""The parser and the live reader agree: parse(file) equals inspect(the file loaded into a database).

Known failures: tests/known_failures/postgres_offline_vs_live.txt (strict in both directions).
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
def test_offline_equals_live(side: Side, pg: None, side_cache: Path, request: pytest.FixtureRequest) -> None:
    """No difference between the parsed file and the database it was loaded into."""
    ok, category, detail = compare_offline_live(side, side_cache)
    known("postgres_offline_vs_live").check(request, side.id, ok, detail, category=category)


def compare_offline_live(side: Side, cache: Path) -> tuple[bool, str, str]:
    """(equal, failure category, Markdown report) for one side."""
    live = live_side(side, cache)
    if live.load_error:
        return False, "load", live.load_error
    if live.live is None:
        return False, "inspect crash", live.live_error
    d = get("postgres")
    try:
        parsed = d.parse(side.text(), side.path.name, LoadOptions())
    except Exception:  # a parser crash or error is this case's failure
        return False, "parse error", traceback.format_exc(limit=-4)
    if not diff(parsed, live.live, column_order=d.COLUMN_ORDER):
        return True, "", ""
    try:
        report = render_markdown(plan_between(parsed, live.live))
    except Exception:  # the difference is the finding; a planner crash must not hide it
        report = "\n".join(str(c) for c in diff(parsed, live.live)) + "\n" + traceback.format_exc(limit=-3)
    return False, "differs", f"parsed file (old) vs live database (new):\n\n{report}"
