"""Live round trip of every loadable PostgreSQL corpus pair: forward reaches new, rollback reaches old.

Known failures: tests/known_failures/postgres_roundtrip.txt (strict: a listed case that passes fails);
with --online: postgres_roundtrip_online.txt.

Sample (to keep the suite under 30 minutes on two cores): the plain and held-back round trips run on
half the pairs (corpus.in_half), the --online one on a quarter (corpus.in_sample(id, 4), inside that
half), each plus every pair its known-failure list names; the same pairs every run.
DDLCOMPARE_FULL_CORPUS=1 runs all. Parser and live reader are still compared on every side by
test_offline_vs_live_pg.py and test_dump_equivalence_pg.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import corpus
from tests.support.known import known
from tests.support.livecache import Side, live_side
from tests.support.roundtrip import Outcome, holds_back, make_plan, roundtrip_pg

pytestmark = [
    pytest.mark.live,
    pytest.mark.corpus,
    pytest.mark.skipif(not corpus.available(), reason="corpus absent"),
]

PAIRS = [p for p in corpus.pairs("postgres") if p.loads()]


def _sample(every: int, *lists: str) -> list[corpus.Pair]:
    """The pairs of the 1-in-`every` sample, and those the known-failure `lists` name (their strict
    check must run)."""
    listed = {case for name in lists for case in known(name).entries}
    return [p for p in PAIRS if corpus.in_sample(p.id, every) or p.id in listed]


PLAIN_PAIRS = _sample(2, "postgres_roundtrip")
HELD_PAIRS = _sample(2, "postgres_roundtrip_held")
ONLINE_PAIRS = _sample(4, "postgres_roundtrip_online")


@pytest.mark.parametrize("pair", PLAIN_PAIRS, ids=[p.id for p in PLAIN_PAIRS])
def test_roundtrip(pair: corpus.Pair, pg: None, side_cache: Path, request: pytest.FixtureRequest) -> None:
    """Forward applied to old equals new, rollback applied after it equals old (live reader)."""
    out = run_pair(pair, side_cache)
    detail = (
        f"stage: {out.stage}\n{out.detail}\n\n-- forward --\n{out.forward}\n-- rollback --\n{out.rollback}"
    )
    known("postgres_roundtrip").check(request, pair.id, out.ok, detail, category=out.stage)


@pytest.mark.parametrize("pair", ONLINE_PAIRS, ids=[p.id for p in ONLINE_PAIRS])
def test_roundtrip_online(
    pair: corpus.Pair, pg: None, side_cache: Path, request: pytest.FixtureRequest
) -> None:
    """The same with --online: phases outside and inside transactions, CONCURRENTLY, NOT VALID and
    VALIDATE, backfills reach the same schemas."""
    out = run_pair(pair, side_cache, online=True)
    detail = (
        f"stage: {out.stage}\n{out.detail}\n\n-- forward --\n{out.forward}\n-- rollback --\n{out.rollback}"
    )
    known("postgres_roundtrip_online").check(request, pair.id, out.ok, detail, category=out.stage)


@pytest.mark.parametrize("pair", HELD_PAIRS, ids=[p.id for p in HELD_PAIRS])
def test_roundtrip_held_back(
    pair: corpus.Pair, pg: None, side_cache: Path, request: pytest.FixtureRequest
) -> None:
    """The default mode (destructive statements held back): forward then rollback returns to old.
    A pair with nothing to hold back writes the same scripts in both modes, and test_roundtrip
    runs those: it is run here only when the scripts differ."""
    old, new = (p.read_text(encoding="utf-8") for p in (pair.old, pair.new))
    try:
        held = holds_back(make_plan(old, new))
    except Exception:  # the same plan fails test_roundtrip, with its reason
        held = False
    if not held:
        return
    out = run_pair(pair, side_cache, allow_destructive=False)
    detail = (
        f"stage: {out.stage}\n{out.detail}\n\n-- forward --\n{out.forward}\n-- rollback --\n{out.rollback}"
    )
    known("postgres_roundtrip_held").check(request, pair.id, out.ok, detail, category=out.stage)


def run_pair(
    pair: corpus.Pair, cache: Path, *, allow_destructive: bool = True, online: bool = False
) -> Outcome:
    """The round trip, with both sides' live models taken from the cache the other suites share."""
    refs = []
    for side, stage in ((Side(f"{pair.id}/old", pair.old, pair.setup), "load old"),
                        (Side(f"{pair.id}/new", pair.new, pair.setup), "load new")):  # fmt: skip
        live = live_side(side, cache)
        if live.load_error:
            return Outcome(stage, live.load_error)
        if live.live is None:
            return Outcome("inspect", live.live_error)
        refs.append(live.live)
    setup = pair.setup.read_text(encoding="utf-8") if pair.setup else None
    return roundtrip_pg(
        pair.old.read_text(encoding="utf-8"),
        pair.new.read_text(encoding="utf-8"),
        setup_sql=setup,
        old_live=refs[0],
        new_live=refs[1],
        allow_destructive=allow_destructive,
        online=online,
    )


# Everything a schema script can leave behind in a database, for the pool-reset check below.
_KITCHEN_SINK = """
CREATE ROLE ddlc_pool_role NOLOGIN;
CREATE SCHEMA s AUTHORIZATION ddlc_pool_role;
CREATE EXTENSION IF NOT EXISTS hstore;
CREATE DOMAIN posint AS integer CHECK (VALUE > 0);
CREATE TYPE mood AS ENUM ('sad', 'happy');
CREATE TYPE pair AS (a integer, b text);
CREATE TYPE floatrange AS RANGE (subtype = float8);
CREATE TABLE t (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY, n posint, m mood, h hstore,
                s serial, CHECK (n < 100));
CREATE TABLE c (id integer REFERENCES t, note text DEFAULT 'x');
CREATE INDEX ON c (note);
CREATE STATISTICS st ON id, note FROM c;
CREATE VIEW v AS SELECT * FROM t;
CREATE MATERIALIZED VIEW mv AS SELECT id FROM t;
CREATE FUNCTION f(integer) RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT $1';
CREATE FUNCTION trg() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';
CREATE PROCEDURE p() LANGUAGE sql AS 'SELECT 1';
CREATE AGGREGATE agg(integer) (SFUNC = int4pl, STYPE = integer);
CREATE OPERATOR === (LEFTARG = integer, RIGHTARG = integer, FUNCTION = int4eq);
CREATE OPERATOR CLASS oc FOR TYPE integer USING hash AS OPERATOR 1 ===, FUNCTION 1 hashint4(integer);
CREATE CAST (pair AS text) WITH INOUT;
CREATE COLLATION coll (locale = 'C');
CREATE TEXT SEARCH CONFIGURATION tsc (COPY = english);
CREATE FOREIGN DATA WRAPPER w;
CREATE SERVER srv FOREIGN DATA WRAPPER w;
CREATE USER MAPPING FOR ddlc_pool_role SERVER srv;
CREATE FOREIGN TABLE ft (a integer) SERVER srv;
CREATE FUNCTION evt() RETURNS event_trigger LANGUAGE plpgsql AS 'BEGIN END';
CREATE EVENT TRIGGER et ON ddl_command_start EXECUTE FUNCTION evt();
CREATE PUBLICATION pub FOR TABLE t;
ALTER TABLE t ENABLE ROW LEVEL SECURITY;
CREATE POLICY pol ON t USING (true);
CREATE TRIGGER tr BEFORE INSERT ON c FOR EACH ROW EXECUTE FUNCTION trg();
CREATE RULE r AS ON UPDATE TO c DO INSTEAD NOTHING;
CREATE TABLE s.owned (a integer);
ALTER TABLE c OWNER TO ddlc_pool_role;
GRANT SELECT ON t TO ddlc_pool_role;
ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO ddlc_pool_role;
ALTER DEFAULT PRIVILEGES FOR ROLE ddlc_pool_role IN SCHEMA s GRANT SELECT ON TABLES TO PUBLIC;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT CREATE ON SCHEMA public TO ddlc_pool_role;
COMMENT ON SCHEMA public IS 'changed';
SELECT lo_create(0);
DO $$BEGIN EXECUTE format('COMMENT ON DATABASE %I IS %L', current_database(), 'c');
  EXECUTE format('ALTER DATABASE %I SET work_mem = %L', current_database(), '8MB'); END$$;
ALTER SCHEMA public OWNER TO ddlc_pool_role;
"""


def test_pooled_database_is_reset(pg: None) -> None:
    """A pooled database that held every kind of object dumps like a fresh one after its reset."""
    from tests.support import dbpool, pgdb

    pgdb.psql("postgres", "DROP ROLE IF EXISTS ddlc_pool_role")  # a leftover of an interrupted run
    with pgdb.fresh_db("ddlc_pool") as fresh:
        expected = pgdb.strip_meta(pgdb.pg_dump(fresh))
    with dbpool.lease("ddlc_pool") as db:
        pgdb.load(db, _KITCHEN_SINK, roles=False)
        used = db
    assert used in dbpool._free, "the reset did not bring the database back to a fresh state"
    assert pgdb.strip_meta(pgdb.pg_dump(used)) == expected
    # the role is cluster-wide; nothing in the database refers to it any more
    proc = pgdb.psql("postgres", "DROP ROLE ddlc_pool_role")
    assert proc.returncode == 0, proc.stderr
