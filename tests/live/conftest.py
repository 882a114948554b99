"""Fixtures of the live corpus suites: pooled scratch databases and the shared side cache."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import dbpool, livecache
from tests.support.servers import require_pg


@pytest.fixture(scope="session")
def pooled_dbs() -> Iterator[None]:
    """`pgdb.fresh_db` leases reset databases (see dbpool.py); they are dropped at the end."""
    dbpool.enable()
    yield
    dbpool.close()
    out = os.environ.get("DDLCOMPARE_CORPUS_RESULTS")
    if out:  # how often a database had to be replaced, for tuning the reset
        Path(out).mkdir(parents=True, exist_ok=True)
        (Path(out) / f"dbpool.{os.getpid()}.json").write_text(json.dumps(dbpool.stats))


@pytest.fixture
def pg(pooled_dbs: None) -> None:
    """The server must answer (skip locally, fail under CI=true)."""
    require_pg()


@pytest.fixture(scope="session")
def side_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where live_side() results are shared between the suites and the xdist workers."""
    return livecache.cache_dir(tmp_path_factory)
