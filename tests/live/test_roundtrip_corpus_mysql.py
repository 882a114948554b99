"""Live round trip of every MySQL corpus pair whose two sides load on MariaDB: forward reaches new,
rollback reaches old (live reader, column order included).

Known failures: tests/known_failures/mysql_roundtrip.txt (strict: a listed case that passes fails).
"""

from __future__ import annotations

import pytest

from tests.support import corpus
from tests.support.known import known
from tests.support.roundtrip_mysql import roundtrip_mysql
from tests.support.servers import require_mariadb

pytestmark = [
    pytest.mark.live_mysql,
    pytest.mark.corpus,
    pytest.mark.skipif(not corpus.available(), reason="corpus absent"),
]

PAIRS = [p for p in corpus.pairs("mysql") if p.loads()]


@pytest.mark.parametrize("pair", PAIRS, ids=[p.id for p in PAIRS])
def test_roundtrip(pair: corpus.Pair, request: pytest.FixtureRequest) -> None:
    """Forward applied to old equals new, rollback applied after it equals old."""
    require_mariadb()
    out = roundtrip_mysql(pair.old.read_text(encoding="utf-8"), pair.new.read_text(encoding="utf-8"))
    detail = (
        f"stage: {out.stage}\n{out.detail}\n\n-- forward --\n{out.forward}\n-- rollback --\n{out.rollback}"
    )
    known("mysql_roundtrip").check(request, pair.id, out.ok, detail, category=out.stage)
