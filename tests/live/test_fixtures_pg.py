"""Every PostgreSQL golden case, live: forward reaches new.sql, rollback returns to old.sql."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.roundtrip import roundtrip_pg
from tests.support.servers import require_pg

pytestmark = pytest.mark.live

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "postgres"
CASES = sorted(p for p in FIXTURES.iterdir() if (p / "new.sql").is_file()) if FIXTURES.is_dir() else []

# Cases that expose a known bug outside the renderer; strict, so a fix makes them fail until removed.
KNOWN: dict[str, str] = {}


def _param(case: Path) -> object:
    reason = KNOWN.get(case.name)
    marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
    return pytest.param(case, id=f"postgres/{case.name}", marks=marks)


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_fixture_roundtrip(case: Path, pg: None) -> None:
    """Load old and new, apply forward then rollback (destructive statements included) and compare live."""
    require_pg()
    out = roundtrip_pg(
        (case / "old.sql").read_text(encoding="utf-8"), (case / "new.sql").read_text(encoding="utf-8")
    )
    if not out.ok:
        print(f"---- forward ----\n{out.forward}\n---- rollback ----\n{out.rollback}")
        pytest.fail(f"{case.name}: failed at stage {out.stage!r}:\n{out.detail}", pytrace=False)
