"""The prefetch worker (mysql/prefetch.py) must not change a parse: files whose tables the worker read
and whose statements it split give the model, warnings, positions and errors of the main process
reading them alone."""

from __future__ import annotations

import os
from collections.abc import Sequence
from multiprocessing.connection import Connection
from typing import Any

import pytest

from ddlcompare.dialects import LoadOptions
from ddlcompare.dialects.mysql import fastpath, prefetch
from ddlcompare.dialects.mysql.parse import parse_many
from ddlcompare.dialects.mysql.render import snapshot
from ddlcompare.errors import DdlError
from ddlcompare.model.base import Schema
from tests.dialects.mysql.test_fastpath import _pairs, _same, gen_my
from tests.support.worker import SendsOnce


def _files(*texts: str) -> list[tuple[str, str]]:
    return [(t, f"side{i}.sql") for i, t in enumerate(texts)]


def _alone(files: list[tuple[str, str]], monkeypatch: pytest.MonkeyPatch) -> list[Schema] | DdlError:
    with monkeypatch.context() as m:
        m.setattr(prefetch, "MIN_CHARS", 1 << 60)
        try:
            return parse_many(files)
        except DdlError as e:
            return e


def _ahead(
    files: list[tuple[str, str]], monkeypatch: pytest.MonkeyPatch
) -> tuple[list[Schema] | DdlError, int]:
    """Parse with the worker whatever the size, the main process taking its first table only once
    the worker has read them all (else a small file is done before the worker starts); also how
    many tables the main process took from the worker."""
    take = prefetch.Prefetcher.table

    def after_the_worker(self: prefetch.Prefetcher, offset: int) -> Any:
        while len(files) > 1 and 1 not in self._prepared and not self._broken:
            self._take()  # the second file's statements come after the first file's tables
        return take(self, offset)

    before = fastpath.STATS["ahead"]
    with monkeypatch.context() as m:
        m.setattr(prefetch, "MIN_CHARS", 0)
        m.setattr(prefetch.Prefetcher, "table", after_the_worker)
        try:
            got: list[Schema] | DdlError = parse_many(files)
        except DdlError as e:
            got = e
    return got, fastpath.STATS["ahead"] - before


def _compare(files: list[tuple[str, str]], monkeypatch: pytest.MonkeyPatch) -> int:
    alone = _alone(files, monkeypatch)
    ahead, served = _ahead(files, monkeypatch)
    if isinstance(alone, DdlError) or isinstance(ahead, DdlError):
        assert isinstance(alone, DdlError) and isinstance(ahead, DdlError), (alone, ahead)
        assert str(ahead) == str(alone)
        assert ahead.pos == alone.pos
        return served
    _same(alone, ahead)
    assert [snapshot(s) for s in ahead] == [snapshot(s) for s in alone]
    return served


def test_fixture_and_corpus_pairs_parse_the_same_with_the_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    served = 0
    for _name, old, new in _pairs():
        served += _compare([(old.read_text(), str(old)), (new.read_text(), str(new))], monkeypatch)
    assert served > 0


def test_a_generated_dump_pair_is_read_ahead(monkeypatch: pytest.MonkeyPatch) -> None:
    files = _files(gen_my.generate(60), gen_my.generate(60, variant=True))
    assert _compare(files, monkeypatch) == 60  # every table of the first file came from the worker


# A table is read in the session it is applied in: the worker follows USE and the databases'
# character sets; a table the main process already has, an error in a table, a split error in the
# second file and a placeholder view are all left to the main process.
TABLE = (
    "CREATE TABLE `{}` (\n  `a` varchar(10) NOT NULL,\n  `b` int DEFAULT NULL,\n  KEY `k` (`b`)\n"
    ") ENGINE=InnoDB;\n"
)
TWICE = TABLE.format("u").replace("KEY `k`", "KEY `k` (`a`),\n  KEY `k`")  # a duplicate key name
CASES = [
    (
        "USE `d1`;\n" + TABLE.format("t") + "CREATE DATABASE `d2` CHARACTER SET latin1;\nUSE `d2`;\n"
        + TABLE.format("t") + "ALTER DATABASE `d2` COLLATE latin1_bin;\n" + TABLE.format("u"),
        TABLE.format("t"),
    ),
    (TABLE.format("t") + "DROP TABLE `t`;\n" + TABLE.format("t"), TABLE.format("t")),
    (TABLE.format("t") + TABLE.format("t"), TABLE.format("t")),
    (TABLE.format("t") + TWICE, TABLE.format("t")),
    (TABLE.format("t"), TABLE.format("t") + "CREATE TABLE `u` (\n  `a` varchar(10) NOT NULL COMMENT 'x\n"),
    (
        "/*!50001 CREATE VIEW `v` AS SELECT 1 AS `a` */;\n" + TABLE.format("t")
        + "/*!50001 DROP VIEW IF EXISTS `v`*/;\nCREATE VIEW `v` AS SELECT `a` FROM `t`;\n",
        TABLE.format("t"),
    ),
]


@pytest.mark.parametrize("case", range(len(CASES)))
def test_sessions_and_errors_give_the_same_result(case: int, monkeypatch: pytest.MonkeyPatch) -> None:
    served = _compare(_files(*CASES[case]), monkeypatch)
    if case == 0:
        assert served == 3  # each table read by the worker in the session the main process had


def test_errors_keep_their_position_with_the_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    old, new = CASES[3][0], CASES[4][1]
    ahead, _ = _ahead(_files(old, new), monkeypatch)
    assert isinstance(ahead, DdlError)
    assert str(ahead).startswith("side0.sql:6:1: error: duplicate key name")  # the second table
    ahead, _ = _ahead(_files(TABLE.format("t"), new), monkeypatch)
    assert isinstance(ahead, DdlError)
    assert str(ahead).startswith("side1.sql:7:36: error: unterminated string")  # split by the worker


_WORK = prefetch._work


def _dies_after_one_batch(
    texts: Sequence[str], paths: Sequence[str], options: LoadOptions, progress: Any, conn: Connection
) -> None:
    """A worker that sends the first batch of the first file's tables, then is gone."""
    _WORK(texts, paths, options, progress, SendsOnce(conn))  # type: ignore[arg-type]


def test_a_worker_that_dies_leaves_the_main_process_to_finish(monkeypatch: pytest.MonkeyPatch) -> None:
    files = _files(gen_my.generate(100), gen_my.generate(100, variant=True))
    monkeypatch.setattr(prefetch, "_work", _dies_after_one_batch)
    assert _compare(files, monkeypatch) == prefetch._BATCH  # one batch taken, the rest read here


def test_small_files_are_parsed_in_process() -> None:
    """(Threaded hosts: tests/dialects/postgres/test_prefetch.py, the same worker_pays.)"""
    assert not prefetch.Prefetcher.wanted(["CREATE TABLE a (x int);"] * 2)
    assert prefetch.Prefetcher.wanted(["x" * prefetch.MIN_CHARS]) == (os.cpu_count() != 1)
