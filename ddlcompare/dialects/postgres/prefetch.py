"""Split and parse large schema files in a second process while the first applies statements.

Applying a statement to the model needs the model built so far, so files are applied one
statement after the other. Splitting a file into statements, finding each statement's line and
running PostgreSQL's C parser on it need nothing but the text: a forked worker does that part
ahead of the main process and streams the results, so with two cores it runs beside the main
process instead of before it.
What arrives is exactly what the main process would have computed itself (same splitter, same
parser); the main process falls back to doing it itself whenever the worker cannot help.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from multiprocessing.connection import Connection
from typing import Any

from pglast import parser as pgparser

from ddlcompare.dialects import start_worker, stop_worker, worker_pays
from ddlcompare.dialects.postgres.fastpath import Shape, scan

# files below this size (both together) are parsed in-process: forking costs more than it saves
MIN_CHARS = 2_000_000
# statements per message: small at first so that the main process starts at once, then larger
_FIRST_BATCH, _BATCH = 64, 2000
# ... and at most about this many characters of JSON: 26 statements near the size limit make 400 MB,
# which a batch would hold twice (the list and its pickle) in the worker and once in the main process
_BATCH_CHARS = 8_000_000

# One prepared statement: text (leading comments stripped), its character offset in the file, its
# line and column, the parser's JSON or the statement's shape (see fastpath.py; None: the main
# process parses it, e.g. to report a syntax error itself) and whether it can name no user
# function, relation or sequence.
Prepared = tuple[str, int, int, int, str | Shape | None, bool]
_END = "end"  # the file's statements are all sent
_SPLIT_ERROR = "split-error"  # the fast splitter could not split the file: the main process does
_FAILED = "failed"  # anything else went wrong: the main process does the file itself


def _work(texts: Sequence[str], paths: Sequence[str], conn: Connection) -> None:
    """In the worker: prepare every statement of every text, in order."""
    from ddlcompare.dialects.postgres.parse import _LEADING, TOKEN, _may_refer, _SplitError, statements
    from ddlcompare.limits import too_large
    from ddlcompare.source import LineCursor

    earlier: set[str] = set()  # statements of earlier files: the main process replays most of them
    for text, path in zip(texts, paths, strict=True):
        cursor = LineCursor(path, text)
        batch: list[Prepared] = []
        size = _FIRST_BATCH
        chars = 0  # of the JSON in `batch`
        mine: set[str] = set()
        try:
            for sql, offset in statements(text, path, fast=True):
                lead = _LEADING.match(sql)
                skip = lead.end() if lead else 0
                body = sql[skip:]
                if not body.strip():
                    continue
                pos = cursor.pos(offset + skip)
                js: str | Shape | None = None
                norefs = False
                if body in earlier:
                    pass  # the main process replays it, most likely
                elif (shape := scan(body)) is not None:
                    js = shape
                elif too_large(body, TOKEN) is None:  # else the main process says so
                    try:
                        js = pgparser.parse_sql_json(body)
                    except pgparser.ParseError:
                        js = None
                    else:
                        norefs = not _may_refer(js)
                mine.add(body)
                batch.append((body, offset + skip, pos.line, pos.col, js, norefs))
                chars += len(js) if type(js) is str else 0
                if len(batch) >= size or chars >= _BATCH_CHARS:
                    conn.send(batch)
                    batch, chars = [], 0
                    size = min(size * 4, _BATCH)
        except _SplitError:
            conn.send(batch)
            conn.send(_SPLIT_ERROR)
        except Exception:  # the main process meets the same error and reports it
            conn.send(batch)
            conn.send(_FAILED)
        else:
            conn.send(batch)
            conn.send(_END)
        earlier |= mine
    conn.close()


class Prefetcher:
    """A worker process preparing the statements of `texts`, consumed one text after another."""

    def __init__(self, texts: Sequence[str], paths: Sequence[str]) -> None:
        self._proc, self._conn = start_worker(_work, texts, paths)
        self._next = 0  # index of the text whose stream comes next
        self._open = False  # a stream was handed out and not read to its end
        self._broken = False

    @staticmethod
    def wanted(texts: Sequence[str]) -> bool:
        """Whether a worker pays off for these files (see worker_pays)."""
        return worker_pays(texts, MIN_CHARS)

    def stream(self, index: int) -> Iterator[Prepared] | None:
        """The prepared statements of text `index` (texts are taken in order); None once the
        worker cannot serve it. The iterator raises `split_error` where the fast splitter failed
        and WorkerLost when the worker cannot go on."""
        if self._broken or index != self._next:
            return None
        self._next += 1
        self._open = True
        return self._iter()

    def _iter(self) -> Iterator[Prepared]:
        from ddlcompare.dialects.postgres.parse import _SplitError

        while True:
            msg = self._recv()
            if isinstance(msg, list):
                yield from msg
                continue
            self._open = False
            if msg == _END:
                return
            if msg == _SPLIT_ERROR:
                raise _SplitError("the fast splitter cannot split this file")
            raise WorkerLost(msg)

    def _recv(self) -> Any:
        try:
            return self._conn.recv()
        except (EOFError, OSError):
            # the worker died: what it sent of this file stays valid, the rest never comes
            self._broken = True
            self._open = False
            raise WorkerLost("worker exited") from None

    def abandon(self) -> None:
        """The current stream will not be read further (the main process starts the file over)."""
        try:
            while self._open:
                msg = self._recv()
                if not isinstance(msg, list):
                    self._open = False
        except WorkerLost:
            pass

    def close(self) -> None:
        stop_worker(self._proc, self._conn)


class WorkerLost(Exception):
    """The worker could not prepare the rest of a file: the main process does it itself."""
