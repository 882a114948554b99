"""pg_dump's constraint statements read by the fast path (fastpath.py) build the model the general
path builds: every fixture and corpus PostgreSQL file, alone and as pairs (replaying one another),
read with the fast path and without it, must give the same objects, dependencies, positions,
warnings and errors; the statements it declines and the errors of the ones it accepts too."""

from __future__ import annotations

import collections
import re
import sys
from pathlib import Path

import pytest

from ddlcompare.dialects.postgres import fastpath, handlers, prefetch
from ddlcompare.dialects.postgres import parse as pgparse
from ddlcompare.dialects.postgres.replay import CACHE
from ddlcompare.errors import DdlError
from ddlcompare.model.base import Schema
from tests.dialects.postgres.test_replay import _same
from tests.support import corpus

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = ROOT / "fixtures" / "postgres"
sys.path.insert(0, str(ROOT / "bench"))
import gen_pg  # noqa: E402


def _parse(files: list[tuple[str, str]], fast: bool, monkeypatch: pytest.MonkeyPatch) -> list[Schema] | str:
    CACHE.clear()
    with monkeypatch.context() as m:
        m.setattr(fastpath, "ENABLED", fast)
        try:
            return pgparse.parse_many(files)
        except DdlError as e:
            return str(e)


def _counting(monkeypatch: pytest.MonkeyPatch) -> collections.Counter[str]:
    """How many statements each shape handler applied (declined ones not counted)."""
    assert handlers.tables  # registered the shape handlers
    applied: collections.Counter[str] = collections.Counter()
    for kind, handler in list(fastpath.SHAPES.items()):

        def count(
            shape: fastpath.Shape, b: pgparse.Builder, handler: fastpath.ShapeHandler = handler
        ) -> bool:
            done = handler(shape, b)
            applied[shape[0]] += done
            return done

        monkeypatch.setitem(fastpath.SHAPES, kind, count)
    return applied


def _both_ways(files: list[tuple[str, str]], monkeypatch: pytest.MonkeyPatch) -> None:
    fast, general = _parse(files, True, monkeypatch), _parse(files, False, monkeypatch)
    if isinstance(general, str) or isinstance(fast, str):
        assert fast == general
        return
    for a, b in zip(fast, general, strict=True):
        _same(a, b)


def _read(path: Path) -> tuple[str, str]:
    return path.read_text(encoding="utf-8"), str(path)


def test_fixtures_both_ways(monkeypatch: pytest.MonkeyPatch) -> None:
    applied = _counting(monkeypatch)
    files = sorted(FIXTURES.rglob("*.sql"))
    for f in files:
        _both_ways([_read(f)], monkeypatch)
    pairs = [p for p in FIXTURES.iterdir() if (p / "old.sql").is_file() and (p / "new.sql").is_file()]
    for case in sorted(pairs):
        _both_ways([_read(case / "old.sql"), _read(case / "new.sql")], monkeypatch)
    print(f"\nfixtures/postgres: {dict(applied)} statements applied by the fast path")
    assert applied["primary_key"] and applied["foreign_key"]


@pytest.mark.corpus
@pytest.mark.skipif(not corpus.available(), reason="corpus absent")
def test_corpus_both_ways(monkeypatch: pytest.MonkeyPatch) -> None:
    applied = _counting(monkeypatch)
    for _, path in corpus.sides("postgres"):
        _both_ways([_read(path)], monkeypatch)
    for pair in corpus.pairs("postgres"):
        _both_ways([_read(pair.old), _read(pair.new)], monkeypatch)
    print(f"\ncorpus: {dict(applied)} statements applied by the fast path")
    assert sum(applied.values()) > 100  # the corpus has real pg_dump files


def test_generated_dump_takes_the_fast_path_with_the_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    """bench/gen_pg.py's tables as pg_dump writes their keys, read by the prefetch worker (which
    scans the shapes) and in one process with the fast path off: the same schemas."""
    old, new = gen_pg.generate(60), gen_pg.generate(60, variant=True)
    keys = "".join(
        f"ALTER TABLE ONLY {t}\n    ADD CONSTRAINT {t.split('.')[1]}_dump_code UNIQUE (code);\n"
        for t in sorted(set(re.findall(r"CREATE TABLE (\w+\.\w+)", old)))
    )
    files = [(old + keys, "old.sql"), (new + keys, "new.sql")]
    applied = _counting(monkeypatch)
    with monkeypatch.context() as m:
        m.setattr(prefetch, "MIN_CHARS", 0)
        fast = _parse(files, True, monkeypatch)
    general = _parse(files, False, monkeypatch)
    assert not isinstance(fast, str) and not isinstance(general, str)
    for a, b in zip(fast, general, strict=True):
        _same(a, b)
    assert applied["unique"] >= 60  # the worker's shapes, applied (the new side replays its own)


KEY = "ALTER TABLE ONLY public.{table}\n    ADD CONSTRAINT {name} {what};\n"
IDENTITY = (
    "ALTER TABLE public.{table} ALTER COLUMN {column} ADD GENERATED {how} AS IDENTITY (\n"
    "    SEQUENCE NAME public.{table}_{column}_seq\n    START WITH 7\n    INCREMENT BY 1\n"
    "    {bounds}\n    CACHE 1\n);\n"
)


@pytest.mark.parametrize(
    "text",
    [
        # accepted: plain tables, quoted names, several columns, actions
        "CREATE TABLE public.t (a int, b int);\n"
        + KEY.format(table="t", name="t_pkey", what="PRIMARY KEY (a, b)"),
        'CREATE TABLE public."T x" ("A" int);\n'
        + KEY.format(table='"T x"', name='"T x_key"', what='UNIQUE ("A")'),
        "CREATE TABLE public.p (id int PRIMARY KEY);\nCREATE TABLE public.c (pid int);\n"
        + KEY.format(
            table="c",
            name="c_fk",
            what="FOREIGN KEY (pid) REFERENCES public.p(id) ON UPDATE SET NULL ON DELETE RESTRICT",
        ),
        # declined: a partitioned table (its partitions adopt the key), an identity's sequence
        "CREATE TABLE public.r (id int, k int) PARTITION BY RANGE (k);\n"
        "CREATE TABLE public.r1 PARTITION OF public.r FOR VALUES FROM (0) TO (10);\n"
        + KEY.format(table="r", name="r_pkey", what="PRIMARY KEY (id, k)"),
        "CREATE TABLE public.r (id int, k int) PARTITION BY RANGE (k);\n"
        "CREATE TABLE public.p (id int UNIQUE);\n"
        "CREATE TABLE public.r1 PARTITION OF public.r FOR VALUES FROM (0) TO (10);\n"
        + KEY.format(table="r", name="r_fk", what="FOREIGN KEY (id) REFERENCES public.p(id)"),
        "CREATE TABLE public.t (id int GENERATED ALWAYS AS IDENTITY);\n"
        + KEY.format(table="t_id_seq", name="s_key", what="UNIQUE (id)"),
        "CREATE VIEW public.v AS SELECT 1 AS a;\n" + KEY.format(table="v", name="v_key", what="UNIQUE (a)"),
        "CREATE TABLE public.t (a int, b text);\n"
        'CREATE UNIQUE INDEX t_ab ON public.t USING btree (a DESC NULLS LAST, b NULLS FIRST, "a" DESC);\n',
        "CREATE TABLE public.t (a int);\nCREATE MATERIALIZED VIEW public.m AS SELECT a FROM public.t;\n"
        "CREATE INDEX m_a ON public.m USING btree (a);\n",
        "CREATE TABLE public.r (k int) PARTITION BY RANGE (k);\n"
        "CREATE TABLE public.r1 PARTITION OF public.r FOR VALUES FROM (0) TO (10);\n"
        "CREATE INDEX r_k ON public.r USING btree (k);\n",
        "CREATE TABLE public.t (a int);\nCREATE INDEX t_a ON public.t USING btree (a);\n"
        "CREATE INDEX t_a ON public.t USING btree (a);\n",
        "CREATE INDEX t_a ON public.gone USING btree (a);\n",
        "CREATE TABLE public.t (id int NOT NULL, b bigint NOT NULL);\n"
        + IDENTITY.format(table="t", column="id", how="ALWAYS", bounds="NO MINVALUE\n    NO MAXVALUE")
        + IDENTITY.format(table="t", column="b", how="BY DEFAULT", bounds="MINVALUE 5\n    MAXVALUE 90"),
        "CREATE TABLE public.t (id int);\n"
        + IDENTITY.format(table="t", column="id", how="ALWAYS", bounds="MINVALUE -3\n    NO MAXVALUE")
        + IDENTITY.format(table="t", column="id", how="ALWAYS", bounds="NO MINVALUE\n    NO MAXVALUE"),
        "CREATE TABLE public.t (id int);\n"  # the column's type decides which bound is the default
        + IDENTITY.format(table="t", column="id", how="ALWAYS", bounds="MINVALUE 1\n    MAXVALUE 2147483647"),
        "CREATE TABLE public.t (id int);\n"
        + IDENTITY.format(table="t", column="nope", how="ALWAYS", bounds="NO MINVALUE\n    NO MAXVALUE"),
        "CREATE VIEW public.t AS SELECT 1 AS id;\n"
        + IDENTITY.format(table="t", column="id", how="ALWAYS", bounds="NO MINVALUE\n    NO MAXVALUE"),
        "CREATE TABLE public.t (a int);\nCREATE VIEW public.v AS SELECT 1 AS a;\n"
        "COMMENT ON TABLE public.t IS 'it''s t';\nCOMMENT ON COLUMN public.t.a IS 'the a';\n"
        "COMMENT ON TABLE public.v IS 'a view';\nCOMMENT ON COLUMN public.v.a IS 'v''s a';\n"
        "COMMENT ON TABLE public.t IS '';\nCOMMENT ON COLUMN public.t.a IS '';\n",
        "COMMENT ON TABLE public.gone IS 'x';\n",
        "CREATE TABLE public.t (a int);\nCOMMENT ON COLUMN public.t.nope IS 'x';\n",
        # errors: the same message at the same place
        KEY.format(table="missing", name="m_key", what="UNIQUE (a)"),
        "CREATE TABLE public.t (a int CONSTRAINT t_key UNIQUE);\n"
        + KEY.format(table="t", name="t_key", what="UNIQUE (a)"),
        "CREATE TABLE public.t (a int);\n" + KEY.format(table="t", name="t_key", what="UNIQUE (nope)"),
        "CREATE TABLE public.t (a int);\n"
        + KEY.format(table="t", name="t_fk", what="FOREIGN KEY (a) REFERENCES public.gone(a)"),
    ],
)
def test_small_cases_both_ways(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _both_ways([(text, "t.sql")], monkeypatch)
    _both_ways([(text, "a.sql"), (text, "b.sql")], monkeypatch)  # the second replays the first


@pytest.mark.parametrize(
    "sql",
    [
        "ALTER TABLE ONLY public.t\n    ADD CONSTRAINT k UNIQUE NULLS NOT DISTINCT (a)",
        "ALTER TABLE ONLY public.t\n    ADD CONSTRAINT k PRIMARY KEY (a) INCLUDE (b)",
        "ALTER TABLE ONLY public.t\n    ADD CONSTRAINT k UNIQUE (a) DEFERRABLE",
        "ALTER TABLE ONLY public.t\n    ADD CONSTRAINT k FOREIGN KEY (a) REFERENCES public.u(a) NOT VALID",
        "ALTER TABLE ONLY public.t\n    ADD CONSTRAINT k FOREIGN KEY (a) REFERENCES public.u(a) MATCH FULL",
        "ALTER TABLE ONLY public.t\n    ADD CONSTRAINT k FOREIGN KEY (a) REFERENCES u(a)",  # unqualified
        "ALTER TABLE public.t\n    ADD CONSTRAINT k UNIQUE (a)",  # not ONLY
        "ALTER TABLE ONLY public.t ADD CONSTRAINT k UNIQUE (a)",  # hand-written spacing
        "ALTER TABLE ONLY public.T\n    ADD CONSTRAINT k UNIQUE (a)",  # upper case: folded by the parser
        "ALTER TABLE ONLY public.t\n    ADD CONSTRAINT select UNIQUE (a)",  # a reserved word
        'ALTER TABLE ONLY public.t\n    ADD CONSTRAINT "a""b" UNIQUE (a)',  # a doubled quote
        # shortened by the server
        "ALTER TABLE ONLY public.t\n    ADD CONSTRAINT " + "k" * 64 + " UNIQUE (a)",
    ],
)
def test_other_forms_go_to_the_general_path(sql: str) -> None:
    assert fastpath.scan(sql) is None


@pytest.mark.parametrize(
    "sql",
    [
        "CREATE INDEX i ON public.t USING gin (a)",
        "CREATE INDEX i ON ONLY public.t USING btree (a)",
        "CREATE INDEX i ON public.t USING btree (lower(a))",
        "CREATE INDEX i ON public.t USING btree (a) WHERE (a > 0)",
        "CREATE INDEX i ON public.t USING btree (a) INCLUDE (b)",
        "CREATE INDEX i ON public.t USING btree (a text_pattern_ops)",
        'CREATE INDEX i ON public.t USING btree (a COLLATE "C")',
        "CREATE INDEX i ON t USING btree (a)",
        "CREATE INDEX CONCURRENTLY i ON public.t USING btree (a)",
        "COMMENT ON TABLE t IS 'x'",
        "COMMENT ON TABLE public.t IS E'x'",
        "COMMENT ON TABLE public.t IS NULL",
        "COMMENT ON COLUMN public.t IS 'x'",
        "COMMENT ON TABLE public.t.c IS 'x'",
        "COMMENT ON VIEW public.v IS 'x'",
    ],
)
def test_other_index_and_comment_forms_go_to_the_general_path(sql: str) -> None:
    assert fastpath.scan(sql) is None


def test_pg_dump_forms_are_scanned() -> None:
    assert fastpath.scan("ALTER TABLE ONLY app.t\n    ADD CONSTRAINT t_pkey PRIMARY KEY (id, \"Key\")") == (
        "primary_key",
        "app",
        "t",
        "t_pkey",
        ("id", "Key"),
    )
    fk = "ALTER TABLE ONLY app.t\n    ADD CONSTRAINT t_fk FOREIGN KEY (a) REFERENCES audit.u(b)"
    fk += " ON DELETE CASCADE"
    assert fastpath.scan(fk) == ("foreign_key", "app", "t", "t_fk", "audit", "u", ("a",), ("b",), "a", "c")
