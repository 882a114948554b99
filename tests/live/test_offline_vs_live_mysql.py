"""The parser and the live reader agree (MySQL on MariaDB): parse(file) equals inspect(the file loaded
into a fresh database), column order included.

Every corpus MySQL pair side that loads on MariaDB 10.11 (meta `loads_mariadb`) and every single
schema that loads. Known failures: tests/known_failures/mysql_offline_vs_live.txt (strict).
"""

from __future__ import annotations

import traceback
from pathlib import Path

import pytest

from ddlcompare.dialects import LoadOptions, get
from ddlcompare.diff.compare import diff
from tests.support import corpus, mydb
from tests.support.known import known
from tests.support.roundtrip_mysql import describe, inspect, scratch
from tests.support.servers import require_mariadb

pytestmark = [
    pytest.mark.live_mysql,
    pytest.mark.corpus,
    pytest.mark.skipif(not corpus.available(), reason="corpus absent"),
]


def _sides() -> list[tuple[str, Path]]:
    out: list[tuple[str, Path]] = []
    for p in corpus.pairs("mysql"):
        info = p.meta.get("loads_mariadb") or {}
        out += [(f"{p.id}/{side}", p.path / f"{side}.sql") for side in ("old", "new") if info.get(side)]
    out += [(s.id, s.path) for s in corpus.schemas("mysql") if s.loads()]
    return out


SIDES = _sides()


@pytest.mark.parametrize("side", SIDES, ids=[s[0] for s in SIDES])
def test_offline_equals_live(side: tuple[str, Path], request: pytest.FixtureRequest) -> None:
    """No difference between the parsed file and the database it was loaded into."""
    require_mariadb()
    ok, category, detail = compare_offline_live(side[1])
    known("mysql_offline_vs_live").check(request, side[0], ok, detail, category=category)


def compare_offline_live(path: Path) -> tuple[bool, str, str]:
    """(equal, failure category, readable differences) for one file."""
    text = path.read_text(encoding="utf-8")
    d = get("mysql")
    try:
        parsed = d.parse(text, path.name, LoadOptions())
    except Exception:  # a parser crash or error is this case's failure
        return False, "parse error", traceback.format_exc(limit=-4)
    with scratch() as db:
        err = mydb.load(db, text)
        if err is not None:
            return False, "load", err
        try:
            live = inspect(db, definers=False)  # a file without DEFINER is loaded as the test's user
        except Exception:
            return False, "inspect crash", traceback.format_exc(limit=-4)
    changes = diff(parsed, live, column_order=d.COLUMN_ORDER)
    if not changes:
        return True, "", ""
    return False, "differs", f"parsed file (old) vs live database (new):\n{describe(changes)}"
