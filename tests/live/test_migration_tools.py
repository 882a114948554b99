"""Migration tools' files on the live servers: real Liquibase 4.28 runs ddlcompare's changelogs
(`update` reaches new, `rollback-count` of every changeset returns to old: tests/support/liquibase.py),
and the Flyway files run in Flyway's order (versioned files reach new, undo files return to old:
tests/support/flyway.py).

Sample: Liquibase is slow to drive (a JVM, its tracking tables, two commands per case), so the suite
runs one fixture in three of each dialect (those whose id's SHA-256 is 0 mod 3) and a corpus sample
of 1 pair in 48 (PostgreSQL) and 1 in 12 (MySQL) of those that load, the formatted SQL changelog
and the XML one on alternate cases; Flyway on the same cases. DDLCOMPARE_FULL_LIQUIBASE=1 runs every
fixture (Liquibase in both formats) and the measured corpus sample: 1 pair in 6 (PostgreSQL) and
2 in 3 (MySQL), over 100 each. Corpus failures are listed in tests/known_failures/liquibase_corpus.txt
and flyway_corpus.txt."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from ddlcompare import plan_between
from ddlcompare.dialects import LoadOptions, get
from ddlcompare.plan.plan import Plan
from tests.support import corpus, flyway, liquibase
from tests.support.golden import plan_case
from tests.support.known import known
from tests.support.servers import IN_CI, require_mariadb, require_pg
from tests.support.tool_roundtrip import Outcome

pytestmark = pytest.mark.live

ROOT = Path(__file__).resolve().parents[2]
FULL = os.environ.get("DDLCOMPARE_FULL_LIQUIBASE", "") not in ("", "0")
FORMATS = ("liquibase-sql", "liquibase-xml")

# Cases the tools cannot run as written; strict: a case that passes fails until its line goes.
KNOWN: dict[str, str] = {
    "mysql/index_functional": "functional key parts are MySQL 8.0.13+ only; MariaDB 10.11 rejects new.sql",
}


def _digest(name: str) -> int:
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:4], "big")


def _fixtures() -> list[tuple[str, Path]]:
    out = []
    for dialect in ("postgres", "mysql"):
        folder = ROOT / "fixtures" / dialect
        for case in sorted(p for p in folder.iterdir() if (p / "new.sql").is_file()):
            ident = f"{dialect}/{case.name}"
            if FULL or _digest(ident) % 3 == 0:
                out.append((ident, case))
    return out


def _param(ident: str, *values: object) -> object:
    reason = KNOWN.get(ident)
    marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
    ident = ":".join([ident, *(v for v in values if isinstance(v, str))])
    return pytest.param(*values, id=ident, marks=marks)


# corpus sample: a pair is in when its id's SHA-256 is below this share of the range
_CORPUS_SHARE = {"postgres": (1 / 6) if FULL else (1 / 48), "mysql": (2 / 3) if FULL else (1 / 12)}
CORPUS = [
    pair
    for dialect, share in _CORPUS_SHARE.items()
    for pair in corpus.pairs(dialect)
    if pair.loads() and _digest(pair.id) < share * 2**32
]


def _require(dialect: str, tool: str = "") -> None:
    require_pg() if dialect == "postgres" else require_mariadb()
    if tool == "liquibase" and not liquibase.available():
        if IN_CI:
            pytest.fail("Liquibase is not installed (scripts/tools.sh) and CI=true")
        pytest.skip("Liquibase is not installed: bash scripts/tools.sh")


def _check(name: str, out: Outcome) -> None:
    if not out.ok:
        print(f"---- files ----\n{out.files}")
        pytest.fail(f"{name}: failed at {out.stage!r}:\n{out.detail}", pytrace=False)


def _texts(case: Path) -> tuple[str, str]:
    return (case / "old.sql").read_text(encoding="utf-8"), (case / "new.sql").read_text(encoding="utf-8")


def _pair_plan(pair: corpus.Pair) -> tuple[Plan, str, str, str]:
    old, new = (p.read_text(encoding="utf-8") for p in (pair.old, pair.new))
    setup = pair.setup.read_text(encoding="utf-8") if pair.setup else ""
    d = get(pair.dialect)
    try:
        plan = plan_between(d.parse(old, "old.sql", LoadOptions()), d.parse(new, "new.sql", LoadOptions()))
    except Exception as e:  # the round-trip suites report a pair that does not plan
        pytest.skip(f"does not plan: {e}")
    return plan, old, new, setup


@pytest.mark.parametrize(
    ("case", "fmt"),
    [
        _param(ident, case, fmt)
        for ident, case in _fixtures()
        for fmt in (FORMATS if FULL else (FORMATS[_digest(ident) // 3 % 2],))
    ],
)
def test_liquibase_fixture(case: Path, fmt: str) -> None:
    """`liquibase update` then `rollback-count` of the case's changelog, compared live."""
    _require(case.parent.name, "liquibase")
    _check(f"{case.name} ({fmt})", liquibase.roundtrip(plan_case(case), *_texts(case), fmt))


@pytest.mark.parametrize("case", [_param(ident, case) for ident, case in _fixtures()])
def test_flyway_fixture(case: Path) -> None:
    """The case's Flyway files in Flyway's order, then the undo files, compared live."""
    _require(case.parent.name)
    _check(case.name, flyway.roundtrip(plan_case(case), *_texts(case)))


@pytest.mark.corpus
@pytest.mark.parametrize("pair", CORPUS, ids=[p.id for p in CORPUS])
def test_liquibase_corpus(pair: corpus.Pair, request: pytest.FixtureRequest) -> None:
    """Liquibase on the corpus sample (formatted SQL and XML on alternate pairs)."""
    _require(pair.dialect, "liquibase")
    plan, old, new, setup = _pair_plan(pair)
    fmt = FORMATS[_digest(pair.id) % 2]
    out = liquibase.roundtrip(plan, old, new, fmt, setup)
    detail = f"{fmt} stage: {out.stage}\n{out.detail}\n\n{out.files}"
    known("liquibase_corpus").check(request, pair.id, out.ok, detail, category=out.stage)


@pytest.mark.corpus
@pytest.mark.parametrize("pair", CORPUS, ids=[p.id for p in CORPUS])
def test_flyway_corpus(pair: corpus.Pair, request: pytest.FixtureRequest) -> None:
    """Flyway's order on the corpus sample."""
    _require(pair.dialect)
    plan, old, new, setup = _pair_plan(pair)
    out = flyway.roundtrip(plan, old, new, setup)
    detail = f"stage: {out.stage}\n{out.detail}\n\n{out.files}"
    known("flyway_corpus").check(request, pair.id, out.ok, detail, category=out.stage)
