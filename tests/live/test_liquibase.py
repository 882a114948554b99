"""Real Liquibase 4.28 runs ddlcompare's changelogs on the live servers: `update` reaches new,
`rollback-count` of every changeset returns to old (tests/support/liquibase.py).

Sample: Liquibase is slow to drive (a JVM, its tracking tables, two commands per case), so the suite
runs one fixture in three of each dialect (those whose name's SHA-256 is 0 mod 3), the formatted
SQL changelog and the XML one on alternate cases. DDLCOMPARE_FULL_LIQUIBASE=1 runs every fixture in
both formats."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from tests.support import liquibase
from tests.support.golden import plan_case
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


@pytest.mark.parametrize(("case", "fmt"), _cases())
def test_liquibase_roundtrip(case: Path, fmt: str) -> None:
    """`liquibase update` then `rollback-count` of the case's changelog, compared live."""
    dialect = case.parent.name
    require_pg() if dialect == "postgres" else require_mariadb()
    if not liquibase.available():
        if IN_CI:
            pytest.fail("Liquibase is not installed (scripts/tools.sh) and CI=true")
        pytest.skip("Liquibase is not installed: bash scripts/tools.sh")
    plan = plan_case(case)
    old_sql = (case / "old.sql").read_text(encoding="utf-8")
    new_sql = (case / "new.sql").read_text(encoding="utf-8")
    out = liquibase.roundtrip(plan, old_sql, new_sql, fmt)
    if not out.ok:
        print(f"---- changelog ----\n{out.changelog}")
        pytest.fail(f"{case.name} ({fmt}): failed at {out.stage!r}:\n{out.detail}", pytrace=False)
