"""Read the first file's dump-shaped tables from its end, and split the later files, in a second process.

The main process applies a file's statements in order. The dump-shaped CREATE TABLE statements of the
first file are most of its work (fastpath.py), and a table's reading depends on nothing but its text
and the session it is read in (what the replay between files relies on): a forked worker reads them
from the last one backwards while the main process goes forwards, and the main process takes the
worker's table for a statement it reaches when the worker read it under the same session, until the
two meet. Then the worker splits the later files, which the main process would otherwise split
itself when it gets to them. (The later files' tables mostly replay the first file's, which costs
the main process less than unpickling a table would: the worker leaves them alone.)
What arrives is exactly what the main process would have computed itself (same splitter, same
reader, checked against the same session); the main process does whatever the worker did not send.
"""

from __future__ import annotations

import gc
import multiprocessing
import re
from collections.abc import Sequence
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

from ddlcompare.dialects import LoadOptions, start_worker, stop_worker, worker_pays
from ddlcompare.dialects.mysql.split import RawStatement, is_noise

if TYPE_CHECKING:
    from ddlcompare.dialects.mysql.parse import Builder, TableState

# files below this size (all together) are parsed in-process: forking costs more than it saves
MIN_CHARS = 2_000_000
_BATCH = 32  # tables per message: the main process can take a table once its batch is sent
_DONE = 1 << 62  # progress once the main process is past the first file

Prepared = tuple[list[RawStatement], frozenset[int]]  # a file's statements and those to skip
Session = tuple[object, ...]  # fastpath.session() of the builder reading a table
# messages: ("tables", [(statement offset, session, table), ...]), ("statements", file index,
# Prepared) and ("failed", file index): the main process splits that file itself
_TABLES, _STATEMENTS, _FAILED = "tables", "statements", "failed"
# statements that change the session a table is read in (besides USE, which is_noise() covers)
_SESSION = re.compile(r"(?:CREATE|ALTER)\s+(?:DATABASE|SCHEMA)(?![\w$])", re.I)


def _work(
    texts: Sequence[str], paths: Sequence[str], options: LoadOptions, progress: Any, conn: Connection
) -> None:
    """In the worker: the first file's tables from the end, then the later files' statements."""
    from ddlcompare.dialects.mysql import handlers  # noqa: F401  (registers the handlers)
    from ddlcompare.dialects.mysql.parse import Builder

    gc.freeze()  # the parent's objects: a collection here would scan them (and copy their pages)
    gc.enable()
    try:
        b = Builder(paths[0], texts[0], options)
        _tables(b, b.statements(), progress, conn)
    except Exception:  # the main process reads the tables itself and meets the error
        pass
    for i in range(1, len(texts)):
        try:
            prepared = Builder(paths[i], texts[i], options).statements()
        except Exception:  # the main process splits the file itself and reports the error
            conn.send((_FAILED, i))
            continue
        conn.send((_STATEMENTS, i, prepared))
    conn.close()


def _tables(b: Builder, prepared: Prepared, progress: Any, conn: Connection) -> None:
    from ddlcompare.dialects.mysql.fastpath import read_table, session

    stmts, skip = prepared
    # forwards: the session each CREATE TABLE is read in, from the statements that change it
    todo: list[tuple[RawStatement, tuple[str | None, str | None, dict[str, tuple[str, str]]]]] = []
    state = (b.home, b.current, dict(b.db_charsets))
    for i, stmt in enumerate(stmts):
        text = stmt.text
        if i in skip:
            continue
        if text.startswith("CREATE TABLE `"):
            todo.append((stmt, state))
        elif is_noise(text) or _SESSION.match(text):
            b.apply(stmt)
            if (b.home, b.current, b.db_charsets) != state:
                state = (b.home, b.current, dict(b.db_charsets))
    # backwards, until the main process has got as far
    batch: list[tuple[int, Session, TableState]] = []
    for stmt, (home, current, charsets) in reversed(todo):
        if stmt.offset <= progress.value:
            break
        b.home, b.current, b.db_charsets = home, current, charsets
        b.stmt, b.pos = stmt, stmt.pos(b.path)
        warned = len(b.warnings)
        try:
            t = read_table(stmt, b)
        except Exception:  # the main process reads it and reports the error
            t = None
        if t is None or len(b.warnings) != warned:
            del b.warnings[warned:]
            continue
        batch.append((stmt.offset, session(b), t))
        if len(batch) >= _BATCH:
            conn.send((_TABLES, batch))
            batch = []
    conn.send((_TABLES, batch))


class Prefetcher:
    """A worker reading the first of `texts` ahead (its tables) and splitting the others."""

    def __init__(self, texts: Sequence[str], paths: Sequence[str], options: LoadOptions) -> None:
        # offset of the statement the main process is at (shared memory, seen by the forked worker)
        self._progress = multiprocessing.get_context("fork").RawValue("q", -1)
        self._proc, self._conn = start_worker(_work, texts, paths, options, self._progress)
        self._tables: dict[int, tuple[Session, TableState]] = {}  # by statement offset
        self._prepared: dict[int, Prepared | None] = {}  # by file index; None: split it yourself
        self._broken = False

    @staticmethod
    def wanted(texts: Sequence[str]) -> bool:
        """Whether a worker pays off for these files (see worker_pays)."""
        return worker_pays(texts, MIN_CHARS)

    def table(self, offset: int) -> tuple[Session, TableState] | None:
        """The worker's table for the first file's statement at `offset` and the session it was read
        in (the caller checks it is its own); None when the worker has not sent one. The main process
        is taken to be at `offset`: the worker stops before it."""
        self._progress.value = offset
        got = self._tables.pop(offset, None)
        if got is None:  # (once the two have met, the rest is here: no system call for it)
            while not self._broken and self._conn.poll():
                self._take()
            got = self._tables.pop(offset, None)
        return got

    def first_done(self) -> None:
        """The main process is past the first file: the worker stops reading its tables."""
        self._progress.value = _DONE
        self._tables.clear()

    def statements(self, index: int) -> Prepared | None:
        """The statements of file `index` (> 0) as Builder.statements() gives them; None when the
        worker could not split them."""
        while index not in self._prepared and not self._broken:
            self._take()
        self._tables.clear()  # what came since first_done()
        return self._prepared.pop(index, None)

    def _take(self) -> None:
        try:
            msg = self._conn.recv()
        except (EOFError, OSError):  # the worker died: the main process does the rest itself
            self._broken = True
            return
        if msg[0] == _TABLES:
            for offset, state, t in msg[1]:
                self._tables[offset] = (state, t)
        elif msg[0] == _STATEMENTS:
            self._prepared[msg[1]] = msg[2]
        else:
            self._prepared[msg[1]] = None

    def close(self) -> None:
        stop_worker(self._proc, self._conn)
