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
