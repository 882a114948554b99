"""The neutral hazard vocabulary: severity rules, target versions."""

from __future__ import annotations

import pytest

from ddlcompare.errors import DdlError
from ddlcompare.plan.hazards import (
    Hazard,
    HazardCode,
    Severity,
    TargetVersion,
    parse_severity,
    parse_target,
    severity_of,
    version_from_text,
)

# the table: the JSON codes are a contract, and so is the severity each one carries
EXPECTED = {
    "data_loss": "critical",
    "irreversible": "critical",
    "table_rewrite": "high",
    "exclusive_lock": "high",
    "may_fail_on_data": "high",
    "breaks_clients": "high",
    "validation_scan": "medium",
    "blocks_writes": "medium",
    "dependents_rebuilt": "medium",
    "non_transactional": "medium",
}


def test_every_code_has_its_severity() -> None:
    assert {c.value: str(Hazard(c, "x").severity) for c in HazardCode} == EXPECTED


def test_severity_is_the_highest_hazard() -> None:
    assert severity_of([]) is Severity.LOW
    found = [Hazard(HazardCode.BLOCKS_WRITES, "a"), Hazard(HazardCode.TABLE_REWRITE, "b")]
    assert severity_of(found) is Severity.HIGH
    assert parse_severity(" High ") is Severity.HIGH and Severity.CRITICAL > Severity.HIGH
    with pytest.raises(DdlError, match="unknown severity"):
        parse_severity("severe")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("postgres:15", TargetVersion("postgres", (15,))),
        ("PostgreSQL:12.4", TargetVersion("postgres", (12, 4))),
        ("mysql:8.0.32", TargetVersion("mysql", (8, 0, 32))),
        ("mariadb:10.11", TargetVersion("mariadb", (10, 11))),
    ],
)
def test_parse_target(text: str, expected: TargetVersion) -> None:
    got = parse_target(text)
    assert (got.product, got.version) == (expected.product, expected.version)
    assert got.dialect == ("postgres" if expected.product == "postgres" else "mysql")


@pytest.mark.parametrize("bad", ["oracle:19", "postgres", "postgres:", "mysql:8.x", "15"])
def test_bad_target(bad: str) -> None:
    with pytest.raises(DdlError, match="invalid target version"):
        parse_target(bad)


def test_version_comparisons() -> None:
    assert parse_target("mysql:8.0.12").at_least(8, 0, 12)
    assert not parse_target("mysql:8.0.11").at_least(8, 0, 12)
    assert parse_target("postgres:12").at_least(11)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("-- Dumped from database version 15.4 (Debian 15.4-1)\n", "postgres:15.4"),
        ("-- MariaDB dump 10.19  Distrib 10.11.6-MariaDB\n--\n-- Server version\t10.11.6-MariaDB-0+deb12u1\n",
         "mariadb:10.11.6"),
        ("-- MySQL dump 10.13  Distrib 8.0.36\n--\n-- Server version\t8.0.36\n", "mysql:8.0.36"),
        ("CREATE TABLE t (id int);\n", None),
    ],
)  # fmt: skip
def test_version_from_dump_header(header: str, expected: str | None) -> None:
    found = version_from_text(header)
    assert (str(found) if found else None) == expected
