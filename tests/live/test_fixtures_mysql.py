"""Every MySQL golden case, live on MariaDB: forward reaches new.sql, rollback returns to old.sql."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.roundtrip_mysql import holds_back, roundtrip_mysql
from tests.support.servers import require_mariadb

pytestmark = pytest.mark.live_mysql

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "mysql"
CASES = sorted(p for p in FIXTURES.iterdir() if (p / "new.sql").is_file()) if FIXTURES.is_dir() else []

# Cases MariaDB 10.11 cannot run; strict, so a server that can makes them fail until removed.
KNOWN: dict[str, str] = {
    "index_functional": "functional key parts are MySQL 8.0.13+ only; MariaDB 10.11 rejects new.sql",
}


def _param(case: Path) -> object:
    reason = KNOWN.get(case.name)
    marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
    return pytest.param(case, id=f"mysql/{case.name}", marks=marks)


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_fixture_roundtrip(case: Path) -> None:
    """Load old and new, apply forward then rollback (destructive statements included) and compare live."""
    require_mariadb()
    out = roundtrip_mysql(
        (case / "old.sql").read_text(encoding="utf-8"), (case / "new.sql").read_text(encoding="utf-8")
    )
    if not out.ok:
        print(f"---- forward ----\n{out.forward}\n---- rollback ----\n{out.rollback}")
        pytest.fail(f"{case.name}: failed at stage {out.stage!r}:\n{out.detail}", pytrace=False)


def _text(case: Path, name: str) -> str:
    return (case / name).read_text(encoding="utf-8")


HELD = [c for c in CASES if holds_back(_text(c, "old.sql"), _text(c, "new.sql"))]


def test_some_fixtures_hold_something_back() -> None:
    """The default-mode round trip below is not vacuous."""
    assert len(HELD) >= 3, [c.name for c in HELD]


@pytest.mark.parametrize("case", [_param(c) for c in HELD])
def test_fixture_roundtrip_held_back(case: Path) -> None:
    """The default mode (destructive statements held back): forward then rollback returns to old.
    Only the cases where something is held back: elsewhere both modes write the same scripts."""
    require_mariadb()
    out = roundtrip_mysql(_text(case, "old.sql"), _text(case, "new.sql"), allow_destructive=False)
    if not out.ok:
        print(f"---- forward ----\n{out.forward}\n---- rollback ----\n{out.rollback}")
        pytest.fail(f"{case.name}: failed at stage {out.stage!r}:\n{out.detail}", pytrace=False)
