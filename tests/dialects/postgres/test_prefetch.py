"""The prefetch worker must not change a parse: files split and parsed by the worker give the
model, dependencies, warnings, positions and errors that the main process gives on its own."""

from __future__ import annotations

import os
import threading
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pytest

from ddlcompare.dialects.postgres import parse as pgparse
from ddlcompare.dialects.postgres import prefetch
from ddlcompare.dialects.postgres.replay import CACHE
from ddlcompare.errors import DdlError
from ddlcompare.model.base import Schema
from tests.dialects.postgres.test_replay import _same
from tests.support import corpus
from tests.support.worker import SendsOnce

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "postgres"


def _files(*texts: str) -> list[tuple[str, str]]:
    return [(t, f"side{i}.sql") for i, t in enumerate(texts)]


def _sequential(files: list[tuple[str, str]]) -> list[Schema]:
    CACHE.clear()
    return pgparse.parse_many(files)


def _prefetched(files: list[tuple[str, str]], monkeypatch: pytest.MonkeyPatch) -> tuple[list[Schema], int]:
    """Parse with the worker whatever the size; also how many files the worker served whole."""
    served = []
    run_prepared = pgparse.Builder.run_prepared

    def counting(self: pgparse.Builder, feed: Any) -> None:
        run_prepared(self, feed)
        served.append(self.path)

    CACHE.clear()
    with monkeypatch.context() as m:
        m.setattr(prefetch, "MIN_CHARS", 0)
        m.setattr(pgparse.Builder, "run_prepared", counting)
        return pgparse.parse_many(files), len(served)


def _compare(files: list[tuple[str, str]], monkeypatch: pytest.MonkeyPatch) -> int:
    alone = _sequential(files)
    ahead, served = _prefetched(files, monkeypatch)
    assert len(ahead) == len(alone)
    for a, b in zip(ahead, alone, strict=True):
        _same(a, b)
    return served


@pytest.mark.parametrize("case", sorted(p.name for p in FIXTURES.iterdir() if p.is_dir()))
def test_fixture_pairs_parse_the_same_with_the_worker(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    d = FIXTURES / case
    files = [(p.read_text(encoding="utf-8"), str(p)) for p in (d / "old.sql", d / "new.sql")]
    assert _compare(files, monkeypatch) == 2  # the worker served both files


@pytest.mark.corpus
@pytest.mark.skipif(not corpus.available(), reason="../shared/corpus is absent")
def test_corpus_pairs_parse_the_same_with_the_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    checked = served = 0
    for pair in corpus.pairs("postgres"):
        files = [(p.read_text(encoding="utf-8"), str(p)) for p in (pair.old, pair.new)]
        try:
            alone = _sequential(files)
        except DdlError as e:
            with pytest.raises(DdlError) as info:
                _prefetched(files, monkeypatch)
            assert str(info.value) == str(e)
            continue
        ahead, n = _prefetched(files, monkeypatch)
        for a, b in zip(ahead, alone, strict=True):
            _same(a, b)
        checked += 1
        served += n
    assert checked > 800 and served > 1600


# A nested comment stops the fast splitter, so the file is split by the parser instead; a syntax
# error is reported where it is; a `\restrict` line and COPY data are blanked by the worker too.
FALLBACKS = [
    "CREATE TABLE a (x int);\n/* outer /* inner */ still a comment; */\nCREATE TABLE b (y int);",
    "CREATE TABLE a (x int);\nCREATE TABLE b (y int;\nCREATE TABLE c (z int);",
    "\\restrict abc\nCREATE TABLE a (x int);\nCOPY a (x) FROM stdin;\n1;\n\\.\n\\unrestrict abc\n",
    "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END;\nCREATE TABLE a (x int);",
]


@pytest.mark.parametrize("text", FALLBACKS)
def test_files_the_fast_path_cannot_take_give_the_same_result(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = _files("CREATE TABLE a (x int);", text)
    try:
        expected: list[Schema] | DdlError = _sequential(files)
    except DdlError as e:
        expected = e
    if isinstance(expected, DdlError):
        with pytest.raises(DdlError) as info:
            _prefetched(files, monkeypatch)
        assert str(info.value) == str(expected)
        assert info.value.pos == expected.pos
    else:
        _compare(files, monkeypatch)


def _dies_after_one_batch(texts: list[str], paths: list[str], conn: Connection) -> None:
    """A worker that sends the first batch of the first file, then is gone."""
    prefetch._work(texts, paths, SendsOnce(conn))  # type: ignore[arg-type]


def test_a_worker_that_dies_leaves_the_main_process_to_finish(monkeypatch: pytest.MonkeyPatch) -> None:
    old = "\n".join(f"CREATE TABLE t{i} (id int PRIMARY KEY, v text DEFAULT 'x');" for i in range(300))
    new = old + "\nCREATE TABLE extra (id int);"
    files = _files(old, new)
    alone = _sequential(files)
    monkeypatch.setattr(prefetch, "_work", _dies_after_one_batch)
    ahead, served = _prefetched(files, monkeypatch)
    assert served == 0  # the first file was started over, the second never went to the worker
    for a, b in zip(ahead, alone, strict=True):
        _same(a, b)


def test_small_files_and_threaded_hosts_are_parsed_in_process() -> None:
    assert not prefetch.Prefetcher.wanted(["CREATE TABLE a (x int);"] * 2)
    large = ["x" * prefetch.MIN_CHARS]
    assert prefetch.Prefetcher.wanted(large) == (os.cpu_count() != 1)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not prefetch.Prefetcher.wanted(large)
    finally:
        stop.set()
        other.join()
