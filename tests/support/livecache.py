"""One live load per distinct corpus side, shared by the offline-vs-live and dump-equivalence suites.

Loading a side, reading it back with the live reader and running pg_dump is the slow part of both
suites, and many sides are byte-identical (a pair's new side is often another pair's old side), so
the result is computed once per (setup, text) and cached on disk for every xdist worker of the run.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import pickle
import subprocess
import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from ddlcompare.dialects import LoadOptions, get
from ddlcompare.model.base import Schema
from tests.support import corpus, pgdb


@dataclass(frozen=True)
class LiveSide:
    """What the server made of one side: its load error, or the live model and the pg_dump text."""

    load_error: str = ""
    live: Schema | None = None
    live_error: str = ""  # the live reader raised (the traceback's last line)
    dump: str = ""
    dump_error: str = ""


@dataclass(frozen=True)
class Side:
    """One loadable PostgreSQL corpus file: a pair side or a single schema."""

    id: str  # pairs/<source>/<case>/<old|new> or schemas/<name>
    path: Path
    setup: Path | None = None

    def text(self) -> str:
        """The SQL to parse offline: setup.sql (when the case has one) followed by the side."""
        body = self.path.read_text(encoding="utf-8")
        if self.setup is None:
            return body
        return self.setup.read_text(encoding="utf-8") + "\n" + body


def loadable_sides() -> list[Side]:
    """Every PostgreSQL corpus side that loads on PostgreSQL 15 (missing roles are created)."""
    out: list[Side] = []
    for p in corpus.pairs("postgres"):
        info = p.meta.get("loads_pg15") or {}
        alt = info.get("without_role_statements") or {}
        for side in ("old", "new"):
            f = p.path / f"{side}.sql"
            if f.is_file() and (info.get(side) or alt.get(side)):
                out.append(Side(f"{p.id}/{side}", f, p.setup))
    out += [Side(s.id, s.path) for s in corpus.schemas("postgres") if s.loads()]
    return out


def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory shared by all xdist workers of this run (pytest prunes old runs)."""
    base = tmp_path_factory.getbasetemp()
    root = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    d = root / "livecache"
    d.mkdir(exist_ok=True)
    return d


def live_side(side: Side, where: Path, *, dump: bool = True) -> LiveSide:
    """Load `side` into a fresh database once per distinct text; inspect it and pg_dump it (not
    when `dump` is False: the fixture round trips only need the live model; cached apart)."""
    setup = side.setup.read_text(encoding="utf-8") if side.setup else ""
    body = side.path.read_text(encoding="utf-8")
    digest = hashlib.sha256(f"{setup}\0{body}".encode()).hexdigest()[:24] + ("" if dump else "-nodump")
    data, lock = where / f"{digest}.pickle", where / f"{digest}.lock"
    with open(lock, "w") as lf:
        fcntl.flock(lf, fcntl.LOCK_EX)  # a worker computing the same text makes the other one wait
        if data.is_file():
            result: LiveSide = pickle.loads(data.read_bytes())
            return result
        result = _compute(setup, body, dump)
        data.write_bytes(pickle.dumps(result))
        return result


def _compute(setup: str, body: str, with_dump: bool = True) -> LiveSide:
    with pgdb.fresh_db("ddlc_side") as db:
        try:
            if setup:
                pgdb.load(db, setup)
            pgdb.load(db, body)
        except pgdb.LoadError as e:
            return LiveSide(load_error=str(e))
        # pg_dump (a subprocess) runs while the live reader works: the two are the slow part
        with ThreadPoolExecutor(max_workers=1) as ex:
            dumping = ex.submit(pgdb.pg_dump, db) if with_dump else None
            live, live_error = None, ""
            try:
                live = get("postgres").inspect(pgdb.url(db), LoadOptions())
            except Exception:  # a reader crash is this side's result, not the run's
                live_error = traceback.format_exc(limit=-4)
            dump, dump_error = "", ""
            try:
                dump = dumping.result() if dumping is not None else ""
            except subprocess.CalledProcessError as e:
                dump_error = str(e.stderr)[-2000:]
        return LiveSide(live=live, live_error=live_error, dump=dump, dump_error=dump_error)
