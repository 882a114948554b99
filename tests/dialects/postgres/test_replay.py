"""Statement replay must not change a parse: a file parsed after another (replaying shared
statements) gives exactly the model, dependencies, warnings and positions it gives alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from ddlcompare.dialects.postgres.parse import parse
from ddlcompare.dialects.postgres.replay import CACHE
from ddlcompare.errors import DdlError
from ddlcompare.model.base import ObjectKey, Schema
from tests.support import corpus


def _fingerprint(s: Schema) -> list[tuple[object, ...]]:
    out: list[tuple[object, ...]] = []
    for key, obj in s.objects.items():
        out.append((key, obj, sorted(obj.depends_on), s.position(obj)))
    return out


def _alone(text: str, name: str) -> Schema:
    CACHE.clear()
    return parse(text, name)


def _after(first: str, text: str, name: str) -> Schema:
    CACHE.clear()
    parse(first, "first.sql")
    return parse(text, name)


def _same(a: Schema, b: Schema) -> None:
    assert _fingerprint(a) == _fingerprint(b)
    assert a.access == b.access  # owners and grants kept aside (no --owners / --privileges)
    assert [str(w) for w in a.warnings] == [str(w) for w in b.warnings]


CASES = [
    # an unnamed CHECK's generated name depends on names taken earlier in the file
    (
        "CREATE TABLE t (a int CHECK (a > 0));",
        "CREATE TABLE u (x int, CONSTRAINT t_a_check CHECK (x > 0));\nCREATE TABLE t (a int CHECK (a > 0));",
    ),
    # the same COMMENT applies to a different table definition
    (
        "CREATE TABLE t (a int);\nCOMMENT ON TABLE t IS 'c';",
        "CREATE TABLE t (a int, b int);\nCOMMENT ON TABLE t IS 'c';",
    ),
    # an ALTER adding a PK changes NOT NULL of a column defined differently
    (
        "CREATE TABLE t (a int);\nALTER TABLE ONLY t ADD CONSTRAINT p PRIMARY KEY (a);",
        "CREATE TABLE t (a bigint);\nALTER TABLE ONLY t ADD CONSTRAINT p PRIMARY KEY (a);",
    ),
    # a default that names a function defined only in the second file
    (
        "CREATE TABLE t (a int DEFAULT f());",
        "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'select 1';\nCREATE TABLE t (a int DEFAULT f());",
    ),
    # search_path changes between identical statements
    (
        "SET search_path = a;\nCREATE SCHEMA a;\nCREATE TABLE t (x int);",
        "CREATE SCHEMA a;\nSET search_path = a;\nCREATE TABLE t (x int);",
    ),
    # serial sequences and FKs resolved at the end of the file
    (
        "CREATE TABLE p (id serial PRIMARY KEY);\nCREATE TABLE c (p int REFERENCES p);",
        "CREATE TABLE p (id serial, k int UNIQUE, PRIMARY KEY (k));\nCREATE TABLE c (p int REFERENCES p);",
    ),
]


@pytest.mark.parametrize(("first", "second"), CASES)
def test_replay_matches_a_fresh_parse(first: str, second: str) -> None:
    _same(_after(first, second, "second.sql"), _alone(second, "second.sql"))
    _same(_after(second, second, "second.sql"), _alone(second, "second.sql"))


@pytest.mark.corpus
@pytest.mark.skipif(not corpus.available(), reason="../shared/corpus is absent")
def test_corpus_pairs_parse_the_same_with_replay() -> None:
    checked = 0
    for pair in corpus.pairs("postgres"):
        old, new = pair.old.read_text(encoding="utf-8"), pair.new.read_text(encoding="utf-8")
        try:
            fresh = _alone(new, str(pair.new))
        except DdlError:
            continue
        try:
            replayed = _after(old, new, str(pair.new))
        except DdlError:
            replayed = None  # old.sql alone is invalid: parse new after nothing
        if replayed is not None:
            _same(replayed, fresh)
            checked += 1
    assert checked > 500


def test_a_file_after_itself_is_fully_replayed(tmp_path: Path) -> None:
    text = "\n".join(f"CREATE TABLE t{i} (id int PRIMARY KEY, v text DEFAULT 'x');" for i in range(50))
    CACHE.clear()
    parse(text, "a.sql")
    assert len(CACHE.current) == 50
    parse(text, "b.sql")
    assert len(CACHE.current) == 50 and all(CACHE.current[k] is CACHE.previous[k] for k in CACHE.current)


def _without_memo(text: str, name: str, monkeypatch: pytest.MonkeyPatch) -> Schema:
    with monkeypatch.context() as m:
        m.setattr(CACHE, "recall", lambda key: None)
        return _alone(text, name)


def test_columns_kept_by_their_text_are_the_columns_computed_again(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "\n".join(
        [
            "CREATE SCHEMA app;",
            "CREATE TYPE app.mood AS ENUM ('ok');",
            "CREATE SEQUENCE app.s;",
            "CREATE FUNCTION app.f() RETURNS int LANGUAGE sql AS 'select 1';",
            *(
                f"CREATE TABLE app.t{i} (id bigint NOT NULL, m app.mood DEFAULT 'ok'::app.mood,"
                f" n bigint DEFAULT nextval('app.s'::regclass), k int DEFAULT app.f(), x int);"
                for i in range(3)
            ),
            "DROP TYPE app.mood CASCADE;",  # later tables: the same column text, no type to depend on
            "CREATE TABLE app.u (m text DEFAULT 'ok', n bigint DEFAULT nextval('app.s'::regclass));",
        ]
    )
    kept = _alone(text, "t.sql")
    t0, t2 = kept.objects[ObjectKey("table", "app", "t0")], kept.objects[ObjectKey("table", "app", "t2")]
    assert t2.columns[0] is t0.columns[0]  # kept, not computed again
    _same(kept, _without_memo(text, "t.sql", monkeypatch))


@pytest.mark.corpus
@pytest.mark.skipif(not corpus.available(), reason="../shared/corpus is absent")
def test_corpus_files_parse_the_same_without_kept_results(monkeypatch: pytest.MonkeyPatch) -> None:
    checked = 0
    for _, path in corpus.sides("postgres"):
        text = path.read_text(encoding="utf-8")
        try:
            kept = _alone(text, str(path))
        except DdlError:
            continue
        _same(kept, _without_memo(text, str(path), monkeypatch))
        checked += 1
    assert checked > 1500
