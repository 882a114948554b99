"""Every PostgreSQL golden case, live: forward reaches new.sql, rollback returns to old.sql (each equal
to a fresh load of the file and to the parsed file); planned with the case's options.txt, and once
more with --online. The fresh loads of old.sql and new.sql are read once per file for all three
tests (tests/support/livecache.py, shared by the xdist workers), not once per test."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from ddlcompare.model.base import Schema
from ddlcompare.plan.plan import Plan
from tests.support.golden import case_options
from tests.support.livecache import Side, live_side
from tests.support.roundtrip import Outcome, holds_back, make_plan, roundtrip_pg
from tests.support.servers import require_pg

pytestmark = pytest.mark.live

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "postgres"
CASES = sorted(p for p in FIXTURES.iterdir() if (p / "new.sql").is_file()) if FIXTURES.is_dir() else []

# Cases that expose a known bug outside the renderer; strict, so a fix makes them fail until removed.
KNOWN: dict[str, str] = {}

# Cases whose parsed file cannot equal the live database it describes; strict like KNOWN.
KNOWN_OFFLINE: dict[str, str] = {
    "policy_add": (
        "TO current_user: the server stores the role that ran CREATE POLICY, which a file parsed "
        "offline cannot know"
    ),
}


def _param(case: Path) -> object:
    reason = KNOWN.get(case.name)
    marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
    return pytest.param(case, id=f"postgres/{case.name}", marks=marks)


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_fixture_roundtrip(case: Path, pg: None, side_cache: Path) -> None:
    """Load old and new, apply forward then rollback (destructive statements included) and compare live."""
    require_pg()
    opts = case_options(case)
    old_live, new_live = _references(case, side_cache)
    out = roundtrip_pg(
        _text(case, "old.sql"),
        _text(case, "new.sql"),
        old_live=old_live,
        new_live=new_live,
        options=opts.plan,
        renames=opts.renames,
        parsed=True,
    )
    _check(case, out)


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_fixture_roundtrip_online(case: Path, pg: None, side_cache: Path) -> None:
    """The same with --online (phases, CONCURRENTLY, NOT VALID + VALIDATE, backfills)."""
    require_pg()
    opts = case_options(case)
    online = replace(opts.plan, online=True)
    old_live, new_live = _references(case, side_cache)
    out = roundtrip_pg(
        _text(case, "old.sql"),
        _text(case, "new.sql"),
        old_live=old_live,
        new_live=new_live,
        options=online,
        renames=opts.renames,
        parsed=True,
    )
    _check(case, out)


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


def _references(case: Path, cache: Path) -> tuple[Schema, Schema]:
    """The live reader's models of old.sql and new.sql each loaded into a fresh database."""
    refs = []
    for name in ("old.sql", "new.sql"):
        live = live_side(Side(f"fixtures/postgres/{case.name}/{name}", case / name), cache, dump=False)
        if live.live is None:
            pytest.fail(f"{case.name}: load {name}: {live.load_error or live.live_error}", pytrace=False)
        refs.append(live.live)
    return refs[0], refs[1]


def _text(case: Path, name: str) -> str:
    return (case / name).read_text(encoding="utf-8")


def _plan_of(case: Path) -> Plan:
    opts = case_options(case)
    return make_plan(_text(case, "old.sql"), _text(case, "new.sql"), options=opts.plan, renames=opts.renames)


HELD = [c for c in CASES if holds_back(_plan_of(c))]


def test_some_fixtures_hold_something_back() -> None:
    """The default-mode round trip below is not vacuous."""
    assert len(HELD) >= 10, [c.name for c in HELD]


@pytest.mark.parametrize("case", [_param(c) for c in HELD])
def test_fixture_roundtrip_held_back(case: Path, pg: None, side_cache: Path) -> None:
    """The default mode (destructive statements held back): forward then rollback returns to old.
    Only the cases where something is held back: elsewhere both modes write the same scripts."""
    require_pg()
    opts = case_options(case)
    old_live, new_live = _references(case, side_cache)
    out = roundtrip_pg(
        _text(case, "old.sql"),
        _text(case, "new.sql"),
        old_live=old_live,
        new_live=new_live,
        allow_destructive=False,
        options=opts.plan,
        renames=opts.renames,
        parsed=True,
    )
    _check(case, out, both=False)
