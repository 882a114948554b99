"""Access to ../shared/corpus (real schemas and peers' test pairs); tests skip when it is absent."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CORPUS = Path(os.environ.get("DDLCOMPARE_CORPUS", ROOT.parent / "shared" / "corpus"))


def in_sample(case_id: str, every: int) -> bool:
    """Whether a case is in the deterministic 1-in-`every` sample (sha256 of its id a multiple of
    `every`) that the suite's slowest variants run, to keep the suite under 30 minutes on two cores;
    a 1-in-4 sample lies inside the 1-in-2 one. DDLCOMPARE_FULL_CORPUS=1 runs them on every case
    (the figures of a closing note)."""
    if os.environ.get("DDLCOMPARE_FULL_CORPUS") == "1":
        return True
    return int(hashlib.sha256(case_id.encode()).hexdigest(), 16) % every == 0


def in_half(case_id: str) -> bool:
    """The 1-in-2 sample (sha256 of the id even)."""
    return in_sample(case_id, 2)


def available() -> bool:
    return (CORPUS / "INDEX.json").is_file()


@dataclass(frozen=True)
class Pair:
    """One old/new case of the corpus."""

    id: str  # e.g. pairs/apgdiff/add_column
    path: Path
    meta: dict[str, Any]

    @property
    def dialect(self) -> str:
        return str(self.meta["dialect"])

    @property
    def old(self) -> Path:
        return self.path / "old.sql"

    @property
    def new(self) -> Path:
        return self.path / "new.sql"

    @property
    def setup(self) -> Path | None:
        p = self.path / "setup.sql"
        return p if p.is_file() else None

    def loads(self) -> bool:
        """Both sides load on our server (PostgreSQL 15 or MariaDB 10.11), roles created as needed."""
        key = "loads_pg15" if self.dialect == "postgres" else "loads_mariadb"
        info = self.meta.get(key) or {}
        if info.get("old") and info.get("new"):
            return True
        alt = info.get("without_role_statements") or {}
        return bool(alt.get("old") and alt.get("new"))


@dataclass(frozen=True)
class SchemaFile:
    """One single real schema of the corpus."""

    id: str
    path: Path
    meta: dict[str, Any]

    @property
    def dialect(self) -> str:
        return str(self.meta["dialect"])

    def loads(self) -> bool:
        key = "loads_pg15" if self.dialect == "postgres" else "loads_mariadb"
        info = self.meta.get(key) or {}
        return bool(info.get("schema"))


@cache
def pairs(dialect: str) -> tuple[Pair, ...]:
    if not available():
        return ()
    out = []
    for meta_path in sorted(CORPUS.glob("pairs/*/*/meta.json")):
        meta = json.loads(meta_path.read_text())
        if meta["dialect"] == dialect:
            out.append(Pair(meta["id"], meta_path.parent, meta))
    return tuple(out)


@cache
def schemas(dialect: str) -> tuple[SchemaFile, ...]:
    if not available():
        return ()
    out = []
    for meta_path in sorted(CORPUS.glob("schemas/*.json")):
        meta = json.loads(meta_path.read_text())
        if meta["dialect"] == dialect:
            out.append(SchemaFile(meta["id"], meta_path.with_suffix(".sql"), meta))
    return tuple(out)


def sides(dialect: str) -> list[tuple[str, Path]]:
    """Every corpus SQL file of a dialect: (id, path) of pair sides and single schemas."""
    out = []
    for p in pairs(dialect):
        for side in ("old", "new"):
            f = p.path / f"{side}.sql"
            if f.is_file():
                out.append((f"{p.id}/{side}", f))
    out += [(s.id, s.path) for s in schemas(dialect)]
    return out
