"""The dump-shaped CREATE TABLE fast path (fastpath.py) builds the same tables as the general path.

Every CREATE TABLE of every fixture and corpus MySQL file is read both ways, statement by statement,
under the builder state the file has reached: the fast path's table (or the error it raised) must
equal the general path's, positions of the table, keys, foreign keys and checks included, and the
general path must have warned nothing about a statement the fast path accepted.
"""

from __future__ import annotations

import contextlib
import dataclasses
import sys
from pathlib import Path

import pytest

from ddlcompare.dialects.mysql import fastpath, handlers
from ddlcompare.dialects.mysql.parse import HANDLERS, Builder, Handler, TableState, parse
from ddlcompare.dialects.mysql.split import RawStatement
from ddlcompare.errors import DdlError
from tests.support import corpus

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "bench"))
import gen_my  # noqa: E402


@dataclasses.dataclass
class Tally:
    statements: int = 0  # CREATE TABLE statements seen
    dump_head: int = 0  # of which start as a dump does: CREATE TABLE `name` (<newline>
    accepted: int = 0  # read by the fast path
    mismatches: list[str] = dataclasses.field(default_factory=list)


def _both_ways(tally: Tally, label: str) -> Handler:
    """A CREATE TABLE handler that reads each statement with the fast path, then with the general
    path (which is what the builder keeps), and records any difference."""

    def handler(stmt: RawStatement, b: Builder) -> None:
        tally.statements += 1
        tally.dump_head += fastpath._HEAD.match(stmt.text) is not None
        pos = b.pos
        fast: object
        try:
            fast = fastpath.fast_table(stmt, b)
        except DdlError as e:
            fast = ("error", str(e))
        b.pos = pos
        warned = len(b.warnings)
        fastpath.ENABLED = False
        raised: DdlError | None = None
        try:
            handlers.create_table(stmt, b)
        except DdlError as e:
            raised = e
        finally:
            fastpath.ENABLED = True
        if fast is not None:
            tally.accepted += 1
            _compare(tally, f"{label}:{stmt.line}", fast, raised, b, warned)
        if raised is not None:
            raise raised

    return handler


def _compare(
    tally: Tally, where: str, fast: object, raised: DdlError | None, b: Builder, warned: int
) -> None:
    slow_error = ("error", str(raised)) if raised is not None else None
    if slow_error is not None or isinstance(fast, tuple):
        if fast != slow_error:
            tally.mismatches.append(f"{where}: fast {fast!r} vs general {slow_error!r}")
        return
        assert isinstance(fast, TableState)
        slow = b.tables.get((fast.schema, fast.name))
        if slow != fast:
            tally.mismatches.append(f"{where}: fast {fast!r}\n  vs general {slow!r}")
        if len(b.warnings) != warned:
            tally.mismatches.append(f"{where}: the general path warned {b.warnings[warned:]}")


def _compare_files(paths: list[tuple[str, Path]], monkeypatch: pytest.MonkeyPatch) -> Tally:
    tally = Tally()
    for label, path in paths:
        monkeypatch.setitem(HANDLERS, "CREATE TABLE", _both_ways(tally, label))
        with contextlib.suppress(DdlError):  # an invalid file: the statements before the error count
            parse(path.read_text(), str(path))
    return tally


def _report(tally: Tally, what: str) -> None:
    print(
        f"\n{what}: fast path accepted {tally.accepted} of {tally.statements} CREATE TABLE statements"
        f" ({tally.dump_head} with a dump's head line)"
    )
    assert not tally.mismatches, "\n".join(tally.mismatches[:20])


def test_fixtures_both_ways(monkeypatch: pytest.MonkeyPatch) -> None:
    files = sorted((ROOT / "fixtures" / "mysql").rglob("*.sql"))
    assert files
    tally = _compare_files([(str(f.relative_to(ROOT)), f) for f in files], monkeypatch)
    _report(tally, "fixtures/mysql")
    assert tally.accepted > 0


@pytest.mark.corpus
@pytest.mark.skipif(not corpus.available(), reason="corpus absent")
def test_corpus_both_ways(monkeypatch: pytest.MonkeyPatch) -> None:
    paths = list(corpus.sides("mysql")) + [(s.id, s.path) for s in corpus.schemas("mysql")]
    tally = _compare_files(paths, monkeypatch)
    _report(tally, "corpus")
    # a third of the corpus CREATE TABLE statements are hand-written (unquoted, one line, ...);
    # nearly all of the others are SHOW CREATE TABLE text
    assert tally.accepted >= 0.9 * tally.dump_head


def test_generated_dump_shape_is_accepted(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """bench/gen_my.py writes SHOW CREATE TABLE text: every table takes the fast path, same model."""
    src = tmp_path / "gen.sql"
    src.write_text(gen_my.generate(120), encoding="utf-8")
    tally = _compare_files([("gen", src)], monkeypatch)
    _report(tally, "generated")
    assert tally.statements == 120 and tally.accepted == 120


def test_not_dump_shaped_is_declined() -> None:
    """Hand-written forms go to the general path, which gives the same result as before."""
    before = dict(fastpath.STATS)
    text = (
        "CREATE TABLE a (id int PRIMARY KEY, b varchar(5));\n"  # unquoted, one line
        "CREATE TABLE `b` (\n  `id` int NOT NULL, -- a comment\n  PRIMARY KEY (`id`)\n);\n"
        "CREATE TABLE `c` (\n  `id` int NOT NULL\n) ENGINE=InnoDB\nPARTITION BY HASH (`id`);\n"
        "CREATE TABLE `d` (\n  `id` int NOT NULL, `e` int\n);\n"  # two columns on a line
        "CREATE TABLE `e` (\n  `p` point NOT NULL\n);\n"  # spatial: rewritten for sqlglot
    )
    schema = parse(text, "t.sql")
    assert fastpath.STATS["accepted"] == before["accepted"]
    assert fastpath.STATS["declined"] - before["declined"] == 5
    tables = {k.name for k in schema.objects if k.kind == "table"}
    assert tables == {"a", "b", "c", "d", "e"}


def test_accepted_statement_errors_like_the_general_path() -> None:
    """A duplicate key name raises the same positioned error on both paths."""
    text = "CREATE TABLE `t` (\n  `a` int NOT NULL,\n  KEY `k` (`a`),\n  KEY `k` (`a`)\n);\n"
    errors = []
    for enabled in (True, False):
        fastpath.ENABLED = enabled
        try:
            with pytest.raises(DdlError) as e:
                parse(text, "t.sql")
        finally:
            fastpath.ENABLED = True
        errors.append(str(e.value))
    assert errors[0] == errors[1] and "duplicate key name" in errors[0]
