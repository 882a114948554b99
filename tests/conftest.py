"""Test configuration: golden-file updating and the corpus/server switches."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.support.golden import Golden

# Graphviz's dot as scripts/setup.sh provides it when the system has none (ddlcompare finds it
# through DDLCOMPARE_DOT, as a user would point it at one off PATH)
_LOCAL_DOT = Path(__file__).resolve().parents[1] / ".tools" / "bin" / "dot"
if "DDLCOMPARE_DOT" not in os.environ and _LOCAL_DOT.is_file():
    os.environ["DDLCOMPARE_DOT"] = str(_LOCAL_DOT)

# corpus pass rates at the end of the session (registered here so the xdist controller has it)
pytest_plugins = ["tests.support.corpus_summary"]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite golden files instead of comparing")


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Golden:
    return Golden(bool(request.config.getoption("--update-golden")))


# Single tests of tens of seconds to minutes (one loop over the whole corpus each), run first: xdist
# hands tests out in collection order, and one of these started near the end kept a core busy for
# minutes while the other sat idle (the 28-minute runs ended on test_corpus_match_rate alone).
SLOW_FIRST = (
    "tests/live/test_pg_catalog.py::test_corpus_match_rate",
    "tests/dialects/postgres/test_expr.py::test_corpus_canonical_matches_server",
    "tests/test_fuzz.py::test_sentinel_survives_unmutated_fixtures",
    "tests/live/test_mysql_catalog.py::test_corpus_matches_dump",
    "tests/live/test_pg_catalog.py::test_query_count_does_not_grow",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """SLOW_FIRST at the front, in that order; the rest keeps its order (a stable sort)."""
    rank = {nodeid: i for i, nodeid in enumerate(SLOW_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid, len(rank)))
