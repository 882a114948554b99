"""Test configuration: golden-file updating and the corpus/server switches."""

from __future__ import annotations

import pytest

from tests.support.golden import Golden

# corpus pass rates at the end of the session (registered here so the xdist controller has it)
pytest_plugins = ["tests.support.corpus_summary"]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite golden files instead of comparing")


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Golden:
    return Golden(bool(request.config.getoption("--update-golden")))
