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
from ddlcompare.dialects.mysql.parse import HANDLERS, Builder, Handler, TableState, parse, parse_many
from ddlcompare.dialects.mysql.split import RawStatement
from ddlcompare.errors import DdlError
from ddlcompare.model.base import Schema
from ddlcompare.source import SourcePos
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


# ---- replay between the sides -----------------------------------------------------------------


def _same(separate: list[Schema], together: list[Schema]) -> None:
    for a, b in zip(separate, together, strict=True):
        assert list(a.objects) == list(b.objects)
        assert a.objects == b.objects
        assert a.warnings == b.warnings
        assert a.access == b.access
        moved = [k for k, o in a.objects.items() if o.pos != b.objects[k].pos]
        assert not moved, moved[:5]


def _pairs() -> list[tuple[str, Path, Path]]:
    out = [(d.name, d / "old.sql", d / "new.sql") for d in sorted((ROOT / "fixtures" / "mysql").iterdir())]
    if corpus.available():
        out += [(p.id, p.path / "old.sql", p.path / "new.sql") for p in corpus.pairs("mysql")]
    return [p for p in out if p[1].exists() and p[2].exists()]


def _parse_or_error(files: list[tuple[str, str]]) -> list[Schema] | str:
    try:
        return parse_many(files)
    except DdlError as e:
        return str(e)


def test_replay_gives_the_same_schemas() -> None:
    """Each fixture and corpus pair read together (the new side replaying the old side's tables)
    gives the schemas, warnings and positions of the two sides read apart."""
    replayed = 0
    for _name, old, new in _pairs():
        files = [(old.read_text(), str(old)), (new.read_text(), str(new))]
        apart: list[Schema] | str
        try:
            apart = [parse(text, path) for text, path in files]
        except DdlError as e:
            apart = str(e)
        before = fastpath.STATS["replayed"]
        together = _parse_or_error(files)
        replayed += fastpath.STATS["replayed"] - before
        if isinstance(apart, str) or isinstance(together, str):
            assert apart == together
            continue
        _same(apart, together)
    print(f"\nreplayed {replayed} CREATE TABLE statements")
    assert replayed > 0


def test_replay_moves_positions_and_respects_session_state(tmp_path: Path) -> None:
    """The new side's table sits elsewhere in its file (positions follow it); under another
    database (USE) the same text is read again, not replayed."""
    table = (
        "CREATE TABLE `t` (\n  `a` int NOT NULL,\n  `b` int DEFAULT NULL,\n"
        "  KEY `k` (`b`)\n) ENGINE=InnoDB;\n"
    )
    # the old side's statement starts at line 3, column 1; the new side's first one at line 5, column 3
    old = "-- MariaDB dump 10.19\nUSE `d1`;\n" + table
    new = "-- MariaDB dump 10.19\nUSE `d1`;\n\n\n  " + table + "USE `d2`;\n" + table
    before = dict(fastpath.STATS)
    together = parse_many([(old, "old.sql"), (new, "new.sql")])
    assert fastpath.STATS["replayed"] - before["replayed"] == 1
    assert fastpath.STATS["accepted"] - before["accepted"] == 2
    _same([parse(old, "old.sql"), parse(new, "new.sql")], together)
    objs = together[1].objects
    index = next(o for k, o in objs.items() if k.kind == "index" and k.schema == "")
    table_obj = next(o for k, o in objs.items() if k.kind == "table" and k.schema == "")
    assert table_obj.pos == SourcePos("new.sql", 5, 3)
    assert index.pos == SourcePos("new.sql", 8, 3)
    assert {k.schema for k in objs if k.kind == "table"} == {"", "d2"}
