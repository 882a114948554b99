"""Live round trip of every MySQL corpus pair whose two sides load on MariaDB: forward reaches new,
rollback reaches old (live reader, column order included).

Known failures: tests/known_failures/mysql_roundtrip.txt (strict: a listed case that passes fails).
The same runs again with --online for the server (mysql_roundtrip_online*.txt): MariaDB refuses
an ALGORITHM or LOCK it cannot honour, so a pass proves every one the scripts state.

Sample (to keep the suite under 30 minutes on two cores): the plain round trips (and held back) on
half the pairs (corpus.in_half), the --online ones on a quarter (corpus.in_sample(id, 4), inside that
half), each plus every pair its known-failure list names; the same pairs every run.
DDLCOMPARE_FULL_CORPUS=1 runs all. Every pair's ALGORITHM claims are still held against the server
by test_hazards_mysql.py, and every side's parse against its live read by test_offline_vs_live_mysql.py.
"""

from __future__ import annotations

import pytest

from tests.support import corpus
from tests.support.known import known
from tests.support.roundtrip_mysql import holds_back, roundtrip_mysql
from tests.support.servers import require_mariadb

pytestmark = [
    pytest.mark.live_mysql,
    pytest.mark.corpus,
    pytest.mark.skipif(not corpus.available(), reason="corpus absent"),
]

PAIRS = [p for p in corpus.pairs("mysql") if p.loads()]


def _suite(name: str, online: bool) -> str:
    return name.replace("mysql_roundtrip", "mysql_roundtrip_online") if online else name


def _sample(suite: str) -> list[object]:
    """(pair, online) of the plain sample (1 in 2) and the --online one (1 in 4), each with the pairs
    the suite's known-failure list names (their strict check must run)."""
    out = []
    for pair in PAIRS:
        for online, every in ((False, 2), (True, 4)):
            if corpus.in_sample(pair.id, every) or pair.id in known(_suite(suite, online)).entries:
                out.append(pytest.param(pair, online, id=f"{pair.id}-{'online' if online else 'plain'}"))
    return out


@pytest.mark.parametrize(("pair", "online"), _sample("mysql_roundtrip"))
def test_roundtrip(pair: corpus.Pair, online: bool, request: pytest.FixtureRequest) -> None:
    """Forward applied to old equals new, rollback applied after it equals old."""
    require_mariadb()
    out = roundtrip_mysql(
        pair.old.read_text(encoding="utf-8"), pair.new.read_text(encoding="utf-8"), online=online
    )
    detail = (
        f"stage: {out.stage}\n{out.detail}\n\n-- forward --\n{out.forward}\n-- rollback --\n{out.rollback}"
    )
    known(_suite("mysql_roundtrip", online)).check(request, pair.id, out.ok, detail, category=out.stage)


@pytest.mark.parametrize(("pair", "online"), _sample("mysql_roundtrip_held"))
def test_roundtrip_held_back(pair: corpus.Pair, online: bool, request: pytest.FixtureRequest) -> None:
    """The default mode (destructive statements held back): forward then rollback returns to old.
    A pair with nothing to hold back writes the same scripts in both modes, and test_roundtrip
    runs those: it is run here only when the scripts differ."""
    require_mariadb()
    old, new = (p.read_text(encoding="utf-8") for p in (pair.old, pair.new))
    try:
        held = holds_back(old, new, online=online)
    except Exception:  # the same plan fails test_roundtrip, with its reason
        held = False
    if not held:
        return
    out = roundtrip_mysql(old, new, allow_destructive=False, online=online)
    detail = (
        f"stage: {out.stage}\n{out.detail}\n\n-- forward --\n{out.forward}\n-- rollback --\n{out.rollback}"
    )
    known(_suite("mysql_roundtrip_held", online)).check(request, pair.id, out.ok, detail, category=out.stage)
