"""What a statement does to a database that holds data and serves traffic: the hazard vocabulary,
the severity rules, and the server version hazards depend on. Neutral: each dialect decides which
hazards its statements carry (dialects/*/hazards.py)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum, StrEnum

from ddlcompare.errors import DdlError


class HazardCode(StrEnum):
    """The hazard codes; their values are part of the JSON contract."""

    DATA_LOSS = "data_loss"
    TABLE_REWRITE = "table_rewrite"
    EXCLUSIVE_LOCK = "exclusive_lock"
    BLOCKS_WRITES = "blocks_writes"
    VALIDATION_SCAN = "validation_scan"
    MAY_FAIL_ON_DATA = "may_fail_on_data"
    DEPENDENTS_REBUILT = "dependents_rebuilt"
    BREAKS_CLIENTS = "breaks_clients"
    IRREVERSIBLE = "irreversible"
    NON_TRANSACTIONAL = "non_transactional"


class Severity(IntEnum):
    """Ordered: a CI gate fails at or above one of them."""

    LOW = 0  # additive or catalog-only
    MEDIUM = 1
    HIGH = 2
    CRITICAL = 3

    def __str__(self) -> str:
        return self.name.lower()


_SEVERITY = {
    HazardCode.DATA_LOSS: Severity.CRITICAL,
    HazardCode.IRREVERSIBLE: Severity.CRITICAL,
    HazardCode.TABLE_REWRITE: Severity.HIGH,
    HazardCode.EXCLUSIVE_LOCK: Severity.HIGH,  # emitted only for tables that exist before the step
    HazardCode.MAY_FAIL_ON_DATA: Severity.HIGH,
    HazardCode.BREAKS_CLIENTS: Severity.HIGH,
    HazardCode.VALIDATION_SCAN: Severity.MEDIUM,
    HazardCode.BLOCKS_WRITES: Severity.MEDIUM,
    HazardCode.DEPENDENTS_REBUILT: Severity.MEDIUM,
    HazardCode.NON_TRANSACTIONAL: Severity.MEDIUM,
}


@dataclass(frozen=True, slots=True)
class Hazard:
    """One hazard of one statement: `message` says what and where (a lock names its level in
    `lock`, e.g. ACCESS EXCLUSIVE, so that tests can hold it against the server's pg_locks)."""

    code: HazardCode
    message: str
    lock: str = ""

    @property
    def severity(self) -> Severity:
        return _SEVERITY[self.code]


# The hazards of dropping a table and of the rollback re-creating it: one shared instance of each,
# since the step names the table (a plan dropping 370,000 tables held a million messages that
# differed only in the name: 150 MB).
DROPPED_TABLE = (
    Hazard(HazardCode.DATA_LOSS, "drops the table and its rows"),
    Hazard(HazardCode.IRREVERSIBLE, "the rollback re-creates the table empty"),
    Hazard(HazardCode.BREAKS_CLIENTS, "drops a table that queries may use"),
)
RECREATED_EMPTY = Hazard(HazardCode.IRREVERSIBLE, "re-creates the table empty: its rows are gone")


def severity_of(hazards: Iterable[Hazard]) -> Severity:
    """The highest severity among `hazards`; LOW without any."""
    return max((h.severity for h in hazards), default=Severity.LOW)


def parse_severity(text: str) -> Severity:
    """`critical`, `high`, `medium` or `low` (any case)."""
    try:
        return Severity[text.strip().upper()]
    except KeyError:
        raise DdlError(f"unknown severity {text!r}", hint="use one of: low, medium, high, critical") from None


def merged(*groups: Iterable[Hazard]) -> tuple[Hazard, ...]:
    """The hazards of `groups` without repeats, in first-seen order."""
    filled = [g for g in groups if g]
    if len(filled) == 1 and isinstance(filled[0], tuple) and len(set(filled[0])) == len(filled[0]):
        return filled[0]  # shared, not copied: most steps have one statement with hazards
    return tuple(dict.fromkeys(h for g in filled for h in g))


@dataclass(frozen=True, slots=True, order=True)
class TargetVersion:
    """The server a migration is meant for: hazards depend on its version."""

    product: str  # postgres | mysql | mariadb
    version: tuple[int, ...]
    origin: str = ""  # where it was learnt, for reports: "--target-version", "old side", ...

    def at_least(self, *version: int) -> bool:
        return self.version >= version

    @property
    def dialect(self) -> str:
        return "postgres" if self.product == "postgres" else "mysql"

    def __str__(self) -> str:
        return f"{self.product}:{'.'.join(map(str, self.version))}"


# The oldest versions supported: without a better source, hazards are judged for them (the
# cautious choice: older servers rewrite and scan more).
OLDEST = {
    "postgres": TargetVersion("postgres", (12,), "oldest supported"),
    "mysql": TargetVersion("mysql", (5, 7), "oldest supported"),
    "mariadb": TargetVersion("mariadb", (10, 3), "oldest supported"),
}

_PRODUCTS = {
    "postgres": "postgres",
    "postgresql": "postgres",
    "pg": "postgres",
    "mysql": "mysql",
    "mariadb": "mariadb",
}
_TARGET = re.compile(r"(?P<product>[a-z]+):(?P<version>\d+(?:\.\d+){0,2})")


def parse_target(text: str, origin: str = "--target-version") -> TargetVersion:
    """`postgres:15`, `mysql:8.0.32`, `mariadb:10.11` -> TargetVersion."""
    m = _TARGET.fullmatch(text.strip().lower())
    product = _PRODUCTS.get(m.group("product")) if m else None
    if m is None or product is None:
        raise DdlError(
            f"invalid target version {text!r}",
            hint="use PRODUCT:VERSION (postgres, mysql or mariadb), e.g. postgres:15 or mariadb:10.11",
        )
    return TargetVersion(product, tuple(int(p) for p in m.group("version").split(".")), origin)


_PG_HEADER = re.compile(r"(?m)^-- Dumped from database version (\d+)(?:\.(\d+))?")
_MY_HEADER = re.compile(r"(?m)^--\s*Server version:?\s*(\d+)\.(\d+)(?:\.(\d+))?([^\n]*)")


def version_from_text(text: str) -> TargetVersion | None:
    """The server version a dump's header names (pg_dump, mysqldump, mariadb-dump), if any."""
    head = text[:4000]
    m = _PG_HEADER.search(head)
    if m:
        return TargetVersion("postgres", tuple(int(g) for g in m.groups() if g is not None), "dump header")
    m = _MY_HEADER.search(head)
    if m:
        version = tuple(int(g) for g in m.groups()[:3] if g is not None)
        mariadb = "mariadb" in m.group(4).lower() or version[0] >= 10
        return TargetVersion("mariadb" if mariadb else "mysql", version, "dump header")
    return None
