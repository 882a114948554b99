"""Every MySQL golden case, live on MariaDB: forward reaches new.sql, rollback returns to old.sql
(equal both to a fresh load of the file and to the parsed file); with the case's options.txt, and
again with --online for the server (which refuses an ALGORITHM or LOCK it cannot honour: passing
proves every one the scripts state)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.golden import case_options
from tests.support.roundtrip_mysql import Outcome, holds_back, roundtrip_mysql
from tests.support.servers import require_mariadb

pytestmark = pytest.mark.live_mysql

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "mysql"
CASES = sorted(p for p in FIXTURES.iterdir() if (p / "new.sql").is_file()) if FIXTURES.is_dir() else []

# Cases MariaDB 10.11 cannot run; strict, so a server that can makes them fail until removed.
KNOWN: dict[str, str] = {
    "index_functional": "functional key parts are MySQL 8.0.13+ only; MariaDB 10.11 rejects new.sql",
}


# Cases whose --online scripts cannot run a second time (strict, like KNOWN).
KNOWN_ONLINE: dict[str, str] = {
    "table_many_changes_one_alter": (
        "rollback again: a column both moved and narrowed is first moved with its old type (so that "
        "the order holds when the narrowing is held back), and on a second run that move widens it "
        "again, which the ALGORITHM stated for a move (INPLACE/INSTANT) refuses (1846)"
    ),
}


# Cases whose parsed file cannot equal the live database it describes; strict like KNOWN.
KNOWN_OFFLINE: dict[str, str] = {}


def _param(case: Path, known: dict[str, str] = KNOWN) -> object:
    reason = KNOWN.get(case.name) or known.get(case.name)
    marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
    return pytest.param(case, id=f"mysql/{case.name}", marks=marks)


def _text(case: Path, name: str) -> str:
    return (case / name).read_text(encoding="utf-8")


def _run(case: Path, *, allow_destructive: bool = True, online: bool = False) -> Outcome:
    """The round trip of `case` with its options (and --online for the server when `online`)."""
    opts = case_options(case)
    return roundtrip_mysql(
        _text(case, "old.sql"),
        _text(case, "new.sql"),
        allow_destructive=allow_destructive,
        online=online or opts.plan.online,
        target=None if online else opts.target,
        renames=opts.renames,
        idempotent=opts.plan.idempotent,
        parsed=True,
    )


def _check(case: Path, out: Outcome, *, both: bool = True) -> None:
    """The round trip succeeded, and the live database equals the parsed files unless KNOWN_OFFLINE
    says why not (`both`: the forward result was compared too, so a listed case must differ)."""
    if not out.ok:
        print(f"---- forward ----\n{out.forward}\n---- rollback ----\n{out.rollback}")
        pytest.fail(f"{case.name}: failed at stage {out.stage!r}:\n{out.detail}", pytrace=False)
    reason = KNOWN_OFFLINE.get(case.name)
    if out.offline and reason is None:
        pytest.fail(f"{case.name}: the database differs from the parsed file:\n{out.offline}", pytrace=False)
    if both and reason is not None and not out.offline:
        pytest.fail(f"{case.name}: equal to the parsed files now: take it off KNOWN_OFFLINE", pytrace=False)


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_fixture_roundtrip(case: Path) -> None:
    """Load old and new, apply forward then rollback (destructive statements included) and compare live."""
    require_mariadb()
    _check(case, _run(case))


@pytest.mark.parametrize("case", [_param(c, KNOWN_ONLINE) for c in CASES])
def test_fixture_roundtrip_online(case: Path) -> None:
    """The same with --online for the server: every ALGORITHM and LOCK stated is honoured."""
    require_mariadb()
    _check(case, _run(case, online=True))


HELD = [c for c in CASES if holds_back(_text(c, "old.sql"), _text(c, "new.sql"))]


def test_some_fixtures_hold_something_back() -> None:
    """The default-mode round trip below is not vacuous."""
    assert len(HELD) >= 3, [c.name for c in HELD]


@pytest.mark.parametrize("case", [_param(c) for c in HELD])
def test_fixture_roundtrip_held_back(case: Path) -> None:
    """The default mode (destructive statements held back): forward then rollback returns to old.
    Only the cases where something is held back: elsewhere both modes write the same scripts."""
    require_mariadb()
    _check(case, _run(case, allow_destructive=False), both=False)


@pytest.mark.parametrize("case", [_param(c, KNOWN_ONLINE) for c in HELD])
def test_fixture_roundtrip_held_back_online(case: Path) -> None:
    """The default mode with --online for the server."""
    require_mariadb()
    _check(case, _run(case, allow_destructive=False, online=True), both=False)
