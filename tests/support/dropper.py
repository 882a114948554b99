"""Deferred, batched DROP DATABASE for scratch databases the pool (dbpool.py) gives up on.

Every DROP DATABASE makes PostgreSQL run an immediate checkpoint (2-7 s on the shared test server,
much more when many databases exist). Concurrent drop requests share one checkpoint, so queued
databases are dropped in concurrent batches in a background thread, and at the end of the session.
"""

from __future__ import annotations

import atexit
import threading

import psycopg
from psycopg import sql

from tests.support.servers import PG_HOST, PG_PORT, PG_USER

BATCH = 12  # databases dropped together: one or two checkpoints for the whole batch

_lock = threading.Lock()
_pending: list[str] = []
_threads: list[threading.Thread] = []
_enabled = False


def enable() -> None:
    """Defer drops from now on (per process; flushed at exit)."""
    global _enabled
    if not _enabled:
        _enabled = True
        atexit.register(flush)


def defer(name: str) -> bool:
    """Queue `name` for dropping; False when deferring is off (the caller drops it now)."""
    if not _enabled:
        return False
    with _lock:
        _pending.append(name)
        if len(_pending) < BATCH or any(t.is_alive() for t in _threads):
            return True
        batch = _pending[:]
        _pending.clear()
        _threads[:] = [t for t in _threads if t.is_alive()]
        t = threading.Thread(target=_drop_all, args=(batch,), daemon=True)
        _threads.append(t)
    t.start()
    return True


def flush() -> None:
    """Drop every queued database and wait for the background batches."""
    for t in list(_threads):
        t.join()
    with _lock:
        batch = _pending[:]
        _pending.clear()
    _drop_all(batch)


def _drop_one(name: str) -> None:
    try:
        with psycopg.connect(
            host=PG_HOST, port=PG_PORT, user=PG_USER, dbname="postgres", autocommit=True
        ) as c:
            c.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    except psycopg.Error:
        pass  # a leftover scratch database is harmless; never fail a test while cleaning up


def _drop_all(names: list[str]) -> None:
    if not names:
        return
    # plain threads, not an executor: this also runs from atexit, when executors refuse new work
    for start in range(0, len(names), BATCH):
        threads = [threading.Thread(target=_drop_one, args=(n,)) for n in names[start : start + BATCH]]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
