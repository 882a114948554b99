"""Real Liquibase 4.28 runs ddlcompare's changelogs on the live servers: `update` reaches new,
`rollback-count` of every changeset returns to old (tests/support/liquibase.py).

Sample: Liquibase is slow to drive (a JVM, its tracking tables, two commands per case), so the suite
runs one fixture in three of each dialect (those whose id's SHA-256 is 0 mod 3) and a corpus sample
of 1 pair in 48 (PostgreSQL) and 1 in 12 (MySQL) of those that load, the formatted SQL changelog
and the XML one on alternate cases. DDLCOMPARE_FULL_LIQUIBASE=1 runs every fixture in both formats
and the measured corpus sample: 1 pair in 6 (PostgreSQL) and 2 in 3 (MySQL), over 100 each.
Corpus failures are listed in tests/known_failures/liquibase_corpus.txt."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from ddlcompare import plan_between
from ddlcompare.dialects import LoadOptions, get
from tests.support import corpus, liquibase
from tests.support.golden import plan_case
from tests.support.known import known
from tests.support.servers import IN_CI, require_mariadb, require_pg

pytestmark = pytest.mark.live

ROOT = Path(__file__).resolve().parents[2]
FULL = os.environ.get("DDLCOMPARE_FULL_LIQUIBASE", "") not in ("", "0")
FORMATS = ("liquibase-sql", "liquibase-xml")

# Cases Liquibase cannot run as written; strict: a case that passes fails until its line goes.
KNOWN: dict[str, str] = {
    "mysql/index_functional": "functional key parts are MySQL 8.0.13+ only; MariaDB 10.11 rejects new.sql",
}


def _digest(name: str) -> int:
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:4], "big")


def _cases() -> list[object]:
    out = []
    for dialect in ("postgres", "mysql"):
        folder = ROOT / "fixtures" / dialect
        for case in sorted(p for p in folder.iterdir() if (p / "new.sql").is_file()):
            ident = f"{dialect}/{case.name}"
            formats = FORMATS if FULL else (FORMATS[_digest(ident) // 3 % 2],)
            if not FULL and _digest(ident) % 3:
                continue
            for fmt in formats:
                reason = KNOWN.get(ident)
                marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
                out.append(pytest.param(case, fmt, id=f"{ident}:{fmt}", marks=marks))
    return out


# corpus sample: a pair is in when its id's SHA-256 is below this share of the range
_CORPUS_SHARE = {"postgres": (1 / 6) if FULL else (1 / 48), "mysql": (2 / 3) if FULL else (1 / 12)}


def _corpus_pairs() -> list[object]:
    out = []
    for dialect, share in _CORPUS_SHARE.items():
        for pair in corpus.pairs(dialect):
            if pair.loads() and _digest(pair.id) < share * 2**32:
                fmt = FORMATS[_digest(pair.id) % 2]
                out.append(pytest.param(pair, fmt, id=f"{pair.id}:{fmt}"))
    return out


def _require(dialect: str) -> None:
    require_pg() if dialect == "postgres" else require_mariadb()
    if not liquibase.available():
        if IN_CI:
            pytest.fail("Liquibase is not installed (scripts/tools.sh) and CI=true")
        pytest.skip("Liquibase is not installed: bash scripts/tools.sh")


@pytest.mark.corpus
@pytest.mark.parametrize(("pair", "fmt"), _corpus_pairs())
def test_liquibase_corpus(pair: corpus.Pair, fmt: str, request: pytest.FixtureRequest) -> None:
    """The same for a sample of the corpus pairs that load."""
    _require(pair.dialect)
    old, new = (p.read_text(encoding="utf-8") for p in (pair.old, pair.new))
    setup = pair.setup.read_text(encoding="utf-8") if pair.setup else ""
    try:
        d = get(pair.dialect)
        plan = plan_between(d.parse(old, "old.sql", LoadOptions()), d.parse(new, "new.sql", LoadOptions()))
    except Exception as e:  # the round-trip suites report a pair that does not plan
        pytest.skip(f"does not plan: {e}")
    out = liquibase.roundtrip(plan, old, new, fmt, setup)
    detail = f"stage: {out.stage}\n{out.detail}\n\n{out.changelog}"
    known("liquibase_corpus").check(request, pair.id, out.ok, detail, category=out.stage)


@pytest.mark.parametrize(("case", "fmt"), _cases())
def test_liquibase_roundtrip(case: Path, fmt: str) -> None:
    """`liquibase update` then `rollback-count` of the case's changelog, compared live."""
    dialect = case.parent.name
    _require(dialect)
    plan = plan_case(case)
    old_sql = (case / "old.sql").read_text(encoding="utf-8")
    new_sql = (case / "new.sql").read_text(encoding="utf-8")
    out = liquibase.roundtrip(plan, old_sql, new_sql, fmt)
    if not out.ok:
        print(f"---- changelog ----\n{out.changelog}")
        pytest.fail(f"{case.name} ({fmt}): failed at {out.stage!r}:\n{out.detail}", pytrace=False)
