"""--online on partitions, held against PostgreSQL 15 with rows in the tables.

- A new (or changed) index of a partitioned table: each leaf partition's index is built CONCURRENTLY
  in a phase outside a transaction, the index created ON ONLY the table and the partitions' indexes
  attached in a transaction, which takes no lock that blocks writes (SHARE or stronger) on a leaf
  partition, where the plain script does (the control); every index ends valid.
- A new PRIMARY KEY / UNIQUE of a partitioned table (PostgreSQL builds no partitioned key's index
  CONCURRENTLY and takes no USING INDEX there): each leaf partition's copy of the key is added over a
  unique index built CONCURRENTLY, and the partitioned key adopts those indexes as they are (same
  index, nothing built under the lock of its transaction).
- A partition's own foreign key, stepping aside while its parent's equivalent key is added, comes
  back NOT VALID (the phase leaves it unvalidated) and is validated in a transaction of its own under
  SHARE UPDATE EXCLUSIVE, which lets writes go on.

Each case: old loaded with rows, the --online forward run phase by phase (the locks of each
transaction read from pg_locks before its COMMIT), the database read back equal to new, the rows
still there, then the rollback run: equal to old again.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import psycopg
import pytest

from tests.live.test_hazards_pg import LOCK_ORDER as MODES  # weakest first
from tests.support import pgdb
from tests.support.golden import case_options
from tests.support.roundtrip import differences, make_plan, scripts
from tests.support.servers import require_pg

pytestmark = pytest.mark.live

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "postgres"
# each case's rows: (the table to count them in, the INSERTs)
ROWS = {
    "partition_index_create_named": (
        "events",
        "INSERT INTO events SELECT g, timestamptz '2024-01-01' + g % 700 * interval '1 day', 'k' || g % 10 "
        "FROM generate_series(1, 20000) g;",
    ),
    "online_partition_index_attach": (
        "m",
        "INSERT INTO m SELECT g, CASE WHEN g % 2 = 0 THEN 'eu' ELSE 'us' END, date '2024-01-01' + g % 700, "
        "g % 100 - 10 FROM generate_series(1, 20000) g;",
    ),
    "partition_key_create_named": (
        "k",
        "INSERT INTO k SELECT g, date '2024-01-01' + g % 1095, 'c' || g, 1 FROM generate_series(1, 20000) g;",
    ),
    "partition_fk_kept_apart": (
        "orders",
        "INSERT INTO customers SELECT generate_series(1, 100); INSERT INTO orders "
        "SELECT g, date '2024-01-01' + g % 365, g % 100 + 1 FROM generate_series(1, 20000) g;",
    ),
}
_PHASE = re.compile(r"^-- phase \d+ of \d+: (in|outside) a transaction$", re.MULTILINE)
_LOCKS = """
SELECT c.relname, l.mode FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
WHERE l.pid = pg_backend_pid() AND l.locktype = 'relation' AND l.granted AND c.relkind = 'r'
"""
_KEYS = "SELECT conname, convalidated FROM pg_constraint WHERE contype = 'f'"


@dataclass(frozen=True)
class Phase:
    transactional: bool
    sql: str
    leaf_locks: dict[str, str]  # leaf table -> strongest mode its transaction held (transactional only)
    validated: dict[str, bool]  # foreign key -> convalidated once the phase ran


def _phases(script: str) -> list[tuple[bool, str]]:
    found = list(_PHASE.finditer(script))
    ends = [m.start() for m in found[1:]] + [len(script)]
    return [(m.group(1) == "in", script[m.end() : end]) for m, end in zip(found, ends, strict=True)]


def _strongest(rows: list[tuple[object, ...]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, mode in rows:
        n, m = str(name), str(mode)
        if m in MODES and (n not in out or MODES.index(m) > MODES.index(out[n])):
            out[n] = m
    return out


def run_phases(db: str, script: str) -> list[Phase]:
    """Run an --online script phase by phase; a transaction is held open after its statements to
    read the locks it took on leaf tables (relkind r), then committed."""
    out = []
    with psycopg.connect(pgdb.url(db), autocommit=True) as conn:
        for transactional, sql in _phases(script):
            locks: dict[str, str] = {}
            if transactional:
                body, commit, _ = sql.rpartition("COMMIT;")
                assert commit, sql
                conn.execute(body.encode())
                locks = _strongest(conn.execute(_LOCKS).fetchall())
                conn.execute("COMMIT")
            else:
                pgdb.load(db, sql, roles=False)  # CONCURRENTLY: psql, one statement at a time
            rows = conn.execute(_KEYS).fetchall()
            out.append(Phase(transactional, sql, locks, {str(n): bool(v) for n, v in rows}))
    return out


def _blocking(phases: list[Phase]) -> list[str]:
    """The leaf tables on which a transaction held a lock that blocks writes, with the mode."""
    share = MODES.index("ShareLock")  # from SHARE on, writes wait
    return [f"{t}: {m}" for p in phases for t, m in p.leaf_locks.items() if MODES.index(m) >= share]


def _count(db: str, table: str) -> int:
    with psycopg.connect(pgdb.url(db), autocommit=True) as conn:
        row = conn.execute(f"SELECT count(*) FROM {table}").fetchone()
    assert row is not None
    return int(str(row[0]))


def _invalid_indexes(db: str) -> list[str]:
    with psycopg.connect(pgdb.url(db), autocommit=True) as conn:
        rows = conn.execute(
            "SELECT indexrelid::regclass::text FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND NOT i.indisvalid"
        ).fetchall()
    return sorted(str(r[0]) for r in rows)


def _texts(case: str) -> tuple[str, str]:
    old, new = ((FIXTURES / case / n).read_text(encoding="utf-8") for n in ("old.sql", "new.sql"))
    return old, new


def _scripts(case: str, online: bool) -> tuple[str, str]:
    opts = case_options(FIXTURES / case)
    plan = make_plan(*_texts(case), options=replace(opts.plan, online=online), renames=opts.renames)
    return scripts(plan)


@contextmanager
def _loaded(case: str) -> Iterator[str]:
    """A fresh database with the case's old side and its rows."""
    with pgdb.fresh_db("ddlc_onpart") as db:
        pgdb.load(db, _texts(case)[0])
        pgdb.load(db, ROWS[case][1], roles=False)
        yield db


def _check_result(case: str, db: str, rollback: str) -> None:
    """`db` (migrated) reads back as new with its rows; after `rollback`, as old."""
    old, new = _texts(case)
    table = ROWS[case][0]
    assert _count(db, table) == 20000
    with pgdb.fresh_db("ddlc_onpart") as ref:
        pgdb.load(ref, new)
        assert not (report := differences(pgdb.url(db), pgdb.url(ref))), report
    pgdb.load(db, rollback, roles=False)
    with pgdb.fresh_db("ddlc_onpart") as ref:
        pgdb.load(ref, old)
        assert not (report := differences(pgdb.url(db), pgdb.url(ref))), report
    assert _count(db, table) == 20000


def _as_one_phase(script: str) -> str:
    """A script of one transaction (without --online) in the form `run_phases` reads."""
    return f"-- phase 1 of 1: in a transaction\n{script}"


@pytest.mark.parametrize("case", ["partition_index_create_named", "online_partition_index_attach"])
def test_partitioned_index_built_without_blocking_writes(case: str, pg: None) -> None:
    require_pg()
    forward, rollback = _scripts(case, online=True)
    assert "ON ONLY" in forward and "CONCURRENTLY" in forward, forward
    with _loaded(case) as control:  # the plain script builds the partitions' indexes in its transaction
        assert _blocking(run_phases(control, _as_one_phase(_scripts(case, online=False)[0])))
    with _loaded(case) as db:
        phases = run_phases(db, forward)
        assert any(not p.transactional for p in phases)
        # (a changed index's DROP INDEX, in a phase before, takes ACCESS EXCLUSIVE: briefly, no scan)
        creating = [p for p in phases if " ON ONLY " in p.sql]
        assert creating and all(p.transactional for p in creating)
        assert _blocking(creating) == [], "a transaction creating an index blocks writes to a leaf"
        assert _invalid_indexes(db) == []
        _check_result(case, db, rollback)


def test_partition_foreign_key_validated_apart(pg: None) -> None:
    require_pg()
    case, fk = "partition_fk_kept_apart", "orders_2024_customer_fk"
    forward, rollback = _scripts(case, online=True)
    with _loaded(case) as control:  # the plain script validates it as it adds it
        (phase,) = run_phases(control, _as_one_phase(_scripts(case, online=False)[0]))
        assert phase.validated[fk] and f"ADD CONSTRAINT {fk}" in phase.sql
    with _loaded(case) as db:
        phases = run_phases(db, forward)
        (add,) = [i for i, p in enumerate(phases) if f"ADD CONSTRAINT {fk}" in p.sql]
        (validate,) = [i for i, p in enumerate(phases) if f"VALIDATE CONSTRAINT {fk}" in p.sql]
        assert add < validate
        assert not phases[add].validated[fk], "added validated: its rows were checked under the lock"
        # VALIDATE CONSTRAINT: SHARE UPDATE EXCLUSIVE on the partition, which writers do not wait for
        assert phases[validate].leaf_locks["orders_2024"] == "ShareUpdateExclusiveLock"
        assert phases[validate].validated[fk]
        assert _blocking([phases[validate]]) == []
        _check_result(case, db, rollback)


_LEAF_UNIQUE = """
SELECT c.relname, i.indexrelid::oid FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
WHERE i.indisunique AND c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace
"""
_LEAF_KEYS = """
SELECT count(*) FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
WHERE k.contype IN ('p', 'u') AND c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace
"""


def test_partitioned_key_adopts_leaf_keys_built_concurrently(pg: None) -> None:
    require_pg()
    case = "partition_key_create_named"
    forward, rollback = _scripts(case, online=True)
    with _loaded(case) as db, psycopg.connect(pgdb.url(db), autocommit=True) as conn:
        indexes = set(conn.execute(_LEAF_UNIQUE).fetchall())
        adopting = 0
        for transactional, sql in _phases(forward):
            if transactional:
                body, commit, _ = sql.rpartition("COMMIT;")
                assert commit, sql
                conn.execute(body.encode())
                if "ALTER TABLE public.k ADD CONSTRAINT" in sql:
                    adopting += 1
                    # the hazard says: ACCESS EXCLUSIVE on k, SHARE on its partitions (briefly);
                    # a leaf taking its key over its index in the same phase holds ACCESS EXCLUSIVE
                    using = r"ALTER TABLE public\.(\w+) ADD CONSTRAINT \w+ [A-Z ]+ USING"
                    taking = set(re.findall(using, sql))
                    leaf_locks = {
                        t: m
                        for t, m in _strongest(conn.execute(_LOCKS).fetchall()).items()
                        if t.startswith("k") and t not in taking
                    }
                    assert leaf_locks and set(leaf_locks.values()) == {"ShareLock"}, leaf_locks
                conn.execute("COMMIT")
            else:
                pgdb.load(db, sql, roles=False)
            now = set(conn.execute(_LEAF_UNIQUE).fetchall())
            if transactional:  # no transaction builds a leaf's index: only the phases outside one
                assert now <= indexes, f"built in a transaction: {now - indexes}\n{sql}"
            indexes = now
        assert adopting, "no transaction adds the partitioned keys"
        # three leaves, two keys each: every leaf key over an index built CONCURRENTLY (or there before)
        assert len(indexes) == 6 and conn.execute(_LEAF_KEYS).fetchone() == (6,)
        assert _invalid_indexes(db) == []
        _check_result(case, db, rollback)
