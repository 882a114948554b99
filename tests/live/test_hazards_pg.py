"""The PostgreSQL hazard claims, held against PostgreSQL 15 (target postgres:15).

For every golden fixture, the probes below (forms the fixtures meet rarely) and a deterministic
sample of the loadable corpus pairs (about half: the pairs whose sha256(id) is even, see `SAMPLE`;
pairs the round trip lists as failing for environment reasons stay out), old is loaded into a
fresh database and the forward script runs statement by statement in `statements(plan)` order,
destructive ones included. Around each statement:

- `pg_class.relfilenode` of every table and materialized view: a `table_rewrite` claim for T holds
  iff T's relfilenode changed (a partitioned T has no storage: iff one of its partitions' did), and
  a table of the old database rewritten without a claim on it or on an ancestor is a mismatch too;
- a transactional statement runs inside BEGIN and the backend's own `pg_locks` are read before the
  COMMIT: the level an `exclusive_lock` / `blocks_writes` claim names must be the strongest mode held
  on that table. A statement outside a transaction runs alone (its lock claims cannot be read).

Tables are followed by oid, so a renamed table keeps its identity and a table the plan drops and
creates again is a new table (created by the migration, empty: it is not held to the rewrite rule).

Known failures: tests/known_failures/postgres_hazards.txt (strict in both directions). The figures
(statements, claims checked and confirmed, mismatches) are in each case's user properties, and the
totals of the session are written to `hazards_pg_summary.txt` in the run's temporary directory and
shown as a warning by the last process to finish.
"""

from __future__ import annotations

import fcntl
import json
import os
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import psycopg
import pytest

from ddlcompare import plan_between
from ddlcompare.dialects import LoadOptions, get
from ddlcompare.output.sql import statements
from ddlcompare.plan.hazards import Hazard, HazardCode, parse_target
from ddlcompare.plan.plan import Plan, Statement
from tests.support import corpus, pgdb
from tests.support.known import known
from tests.support.livecache import cache_dir

pytestmark = pytest.mark.live

TARGET = parse_target("postgres:15")
# The classifier cannot know the migration's session time zone and assumes one other than UTC (a
# UTC session lets PostgreSQL 12+ convert timestamp <-> timestamptz without a rewrite).
TIMEZONE = "Europe/Paris"
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "postgres"
H = HazardCode
LOCK_CODES = (H.EXCLUSIVE_LOCK, H.BLOCKS_WRITES)
# PostgreSQL's table lock modes, weakest first (explicit-locking.html)
LOCK_ORDER = (
    "AccessShareLock",
    "RowShareLock",
    "RowExclusiveLock",
    "ShareUpdateExclusiveLock",
    "ShareLock",
    "ShareRowExclusiveLock",
    "ExclusiveLock",
    "AccessExclusiveLock",
)


def _level(mode: str) -> str:
    """`ShareRowExclusiveLock` -> `SHARE ROW EXCLUSIVE` (the spelling of `Hazard.lock`)."""
    words: list[str] = []
    for ch in mode.removesuffix("Lock"):
        if ch.isupper():
            words.append("")
        words[-1] += ch
    return " ".join(words).upper()


# ---- the check ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One old/new pair to migrate on the server: files, or SQL text for the probes below."""

    id: str
    old: Path | str
    new: Path | str
    setup: Path | None = None


def _text(src: Path | str) -> str:
    return src.read_text(encoding="utf-8") if isinstance(src, Path) else src


@dataclass(frozen=True)
class Finding:
    """One checked claim, or a rewrite nobody claimed (`hazard` None)."""

    statement: int  # index in execution order
    sql: str
    table: str
    hazard: Hazard | None
    confirmed: bool
    observed: str  # what the server did

    def __str__(self) -> str:
        what = f"{self.hazard.code} {self.hazard.lock}".strip() if self.hazard else "no table_rewrite claim"
        verdict = "confirmed" if self.confirmed else "MISMATCH"
        return f"#{self.statement} {verdict}: {what} on {self.table}: {self.observed}\n    {self.sql[:300]}"


@dataclass(frozen=True)
class Outcome:
    """Everything one case measured."""

    statements: int
    findings: tuple[Finding, ...]
    unchecked: int = 0  # lock claims of statements run outside a transaction
    created_rewritten: int = 0  # rewrites of tables the migration created (informational)
    error: str = ""  # where the case could not run (load, plan, a statement)
    steps: int = 0  # plan steps with forward statements

    @property
    def mismatches(self) -> list[Finding]:
        return [f for f in self.findings if not f.confirmed]

    @property
    def claims(self) -> int:
        return sum(1 for f in self.findings if f.hazard is not None)

    @property
    def confirmed(self) -> int:
        return sum(1 for f in self.findings if f.hazard is not None and f.confirmed)

    def figures(self) -> dict[str, int]:
        by_code = {f"claims {c}": 0 for c in (H.TABLE_REWRITE, *LOCK_CODES)}
        for f in self.findings:
            if f.hazard is not None:
                by_code[f"claims {f.hazard.code}"] += 1
        return {
            "cases": 1,
            "steps": self.steps,
            "statements": self.statements,
            "claims": self.claims,
            "confirmed": self.confirmed,
            "unclaimed_rewrites": sum(1 for f in self.findings if f.hazard is None),
            "mismatches": len(self.mismatches),
            "unchecked": self.unchecked,
            "created_rewritten": self.created_rewritten,
            "errors": int(bool(self.error)),
            **by_code,
        }


@dataclass(frozen=True)
class Rel:
    """A table or materialized view as pg_class has it at one moment."""

    name: str  # schema.name, unquoted as hazard messages write it
    kind: str
    filenode: int
    parent: int  # pg_inherits parent oid (partition or inheritance child), 0 without


_RELS = """
SELECT c.oid::int, n.nspname || '.' || c.relname, c.relkind::text, c.relfilenode::int,
       coalesce((SELECT i.inhparent::int FROM pg_inherits i WHERE i.inhrelid = c.oid LIMIT 1), 0)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'm', 'p')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp)'
"""
_LOCKS = """
SELECT relation::int, mode FROM pg_locks
WHERE pid = pg_backend_pid() AND locktype = 'relation' AND granted AND relation IS NOT NULL
"""


def _rels(conn: psycopg.Connection[tuple[object, ...]]) -> dict[int, Rel]:
    rows = conn.execute(_RELS).fetchall()
    return {int(str(r[0])): Rel(str(r[1]), str(r[2]), int(str(r[3])), int(str(r[4]))) for r in rows}


def _named(message: str, rels: dict[int, Rel], before: str) -> int | None:
    """The oid of the table a hazard message names right after `before` (the longest such name)."""
    found = [(len(r.name), oid) for oid, r in rels.items() if f"{before}{r.name} " in f"{message} "]
    return max(found)[1] if found else None


def _ancestors(oid: int, rels: dict[int, Rel]) -> Iterator[int]:
    seen: set[int] = set()
    while oid in rels and oid not in seen:
        seen.add(oid)
        yield oid
        oid = rels[oid].parent


def check_statements(db: str, sts: Sequence[Statement], preamble: Sequence[str]) -> Outcome:
    """Run `sts` in `db` (which holds the old side) and hold each claim against the server."""
    findings: list[Finding] = []
    unchecked = created_rewritten = 0
    with psycopg.connect(pgdb.url(db), autocommit=True, options=f"-c TimeZone={TIMEZONE}") as conn:
        original = set(_rels(conn))
        for i, st in enumerate(sts):
            before = _rels(conn)
            locks: dict[int, str] = {}
            try:
                if st.transactional:
                    conn.execute("BEGIN")
                    for line in preamble:
                        conn.execute(line)
                    conn.execute(st.sql)
                    for oid, mode in conn.execute(_LOCKS).fetchall():
                        o, m = int(str(oid)), str(mode)
                        stronger = o not in locks or LOCK_ORDER.index(m) > LOCK_ORDER.index(locks[o])
                        if o in before and m in LOCK_ORDER and stronger:
                            locks[o] = m
                    conn.execute("COMMIT")
                else:
                    conn.execute(st.sql)
            except psycopg.Error as e:
                return Outcome(
                    i, tuple(findings), unchecked, created_rewritten, f"statement #{i}: {e}\n{st.sql}"
                )
            after = _rels(conn)
            rewritten = {
                oid
                for oid, r in before.items()
                if r.kind != "p" and oid in after and after[oid].filenode != r.filenode
            }
            created_rewritten += len(rewritten - original)
            rewritten &= original
            claimed: set[int] = set()
            for h in st.hazards:
                if h.code == H.TABLE_REWRITE:
                    oid = _named(h.message, before, "rewrites ")
                    if oid is None:
                        findings.append(Finding(i, st.sql, "?", h, False, f"names no table: {h.message}"))
                        continue
                    claimed.add(oid)
                    parts = {o for o in rewritten if oid in _ancestors(o, before)}
                    done = oid in rewritten if before[oid].kind != "p" else bool(parts)
                    seen = "relfilenode changed" if done else "relfilenode unchanged"
                    findings.append(Finding(i, st.sql, before[oid].name, h, done, seen))
                elif h.code in LOCK_CODES:
                    oid = _named(h.message, before, "on ")
                    if oid is None:
                        findings.append(Finding(i, st.sql, "?", h, False, f"names no table: {h.message}"))
                    elif not st.transactional:
                        unchecked += 1
                    else:
                        held = _level(locks[oid]) if oid in locks else "no lock"
                        findings.append(
                            Finding(i, st.sql, before[oid].name, h, held == h.lock, f"held {held}")
                        )
            for oid in sorted(rewritten):
                if not claimed.intersection(_ancestors(oid, before)):
                    findings.append(Finding(i, st.sql, before[oid].name, None, False, "relfilenode changed"))
    return Outcome(len(sts), tuple(findings), unchecked, created_rewritten)


def plan_for(case: Case) -> Plan:
    """The case's plan, with hazards judged for postgres:15."""
    d = get("postgres")
    old = d.parse(_text(case.old), "old.sql", LoadOptions())
    new = d.parse(_text(case.new), "new.sql", LoadOptions())
    return plan_between(old, new, target=TARGET)


def plan_statements(case: Case) -> list[Statement]:
    """The forward statements of the case's plan, in execution order (destructive ones included)."""
    return statements(plan_for(case))


def run_case(case: Case, sts: Sequence[Statement] | None = None) -> Outcome:
    """Load the case's old side into a fresh database and check the (given or planned) statements."""
    steps = 0
    if sts is None:
        try:
            plan = plan_for(case)
        except Exception as e:  # a planner crash is this case's failure
            return Outcome(0, (), error=f"plan: {type(e).__name__}: {e}")
        sts, steps = statements(plan), sum(1 for step in plan.steps if step.forward)
    with pgdb.fresh_db("ddlc_hz") as db:
        try:
            if case.setup is not None:
                pgdb.load(db, case.setup.read_text(encoding="utf-8"))
            pgdb.load(db, _text(case.old))
        except pgdb.LoadError as e:
            return Outcome(0, (), error=f"load old: {e}")
        pgdb.ensure_roles(pgdb.roles_in("\n".join(st.sql for st in sts)))  # roles new.sql brings
        return replace(check_statements(db, sts, get("postgres").STYLE.preamble), steps=steps)


# ---- the cases ---------------------------------------------------------------------------------


def _fixtures() -> list[Case]:
    if not FIXTURES.is_dir():
        return []
    return [
        Case(f"postgres/{p.name}", p / "old.sql", p / "new.sql")
        for p in sorted(FIXTURES.iterdir())
        if (p / "new.sql").is_file()
    ]


# Forms the fixtures and the corpus sample meet rarely or never: (name, old, new). Each table of
# the old side exists before the migration, so every claim on it is checked.
_PROBES = (
    (
        "type_changes",
        """CREATE TABLE public.t (id integer, vc varchar(10), vn varchar(20), tx text, n numeric(10,2),
             ns numeric(10,2), nu numeric(10,2), ts timestamp(3), tt timestamp, tz timestamp,
             ti time(2), tw timestamptz(0), va varchar(10)[], vb bit varying(5), ci cidr, si smallint,
             bp character(5), js json, ix varchar(10), vt varchar(10)[], t6 timestamp, iv interval(3),
             iw interval(2), tm time);
           CREATE INDEX t_ix ON public.t (ix);""",
        """CREATE TABLE public.t (id integer, vc varchar(20), vn varchar(10), tx varchar(5), n numeric(12,2),
             ns numeric(10,3), nu numeric, ts timestamp(6), tt timestamp(3), tz timestamptz,
             ti time(4), tw timestamptz, va varchar(20)[], vb bit varying(10), ci inet, si integer,
             bp varchar(5), js jsonb, ix text, vt text[], t6 timestamp(6), iv interval, iw interval(4),
             tm time(6));
           CREATE INDEX t_ix ON public.t (ix);""",
    ),
    (
        "domains",
        """CREATE DOMAIN public.posint AS integer CHECK (VALUE > 0);
           CREATE DOMAIN public.plain AS integer;
           CREATE DOMAIN public.nn AS integer NOT NULL DEFAULT 0;
           CREATE DOMAIN public.onpos AS public.posint;
           CREATE DOMAIN public.stamp AS timestamptz DEFAULT clock_timestamp();
           CREATE DOMAIN public.stamp_now AS timestamptz DEFAULT now();
           CREATE TABLE public.t (a public.posint, b integer, c integer, d public.plain);""",
        """CREATE DOMAIN public.posint AS integer CHECK (VALUE > 0);
           CREATE DOMAIN public.plain AS integer;
           CREATE DOMAIN public.nn AS integer NOT NULL DEFAULT 0;
           CREATE DOMAIN public.onpos AS public.posint;
           CREATE DOMAIN public.stamp AS timestamptz DEFAULT clock_timestamp();
           CREATE DOMAIN public.stamp_now AS timestamptz DEFAULT now();
           CREATE TABLE public.t (a integer, b public.posint, c public.plain, d integer,
             e public.nn, f public.onpos, g public.stamp, h public.stamp_now, i public.posint[],
             j information_schema.sql_identifier, k information_schema.yes_or_no);""",
    ),
    (
        "defaults",
        """CREATE FUNCTION public.stable_f() RETURNS integer LANGUAGE sql STABLE AS 'SELECT 1';
           CREATE FUNCTION public.volatile_f() RETURNS integer LANGUAGE sql AS 'SELECT 1';
           CREATE FUNCTION public.pl_f() RETURNS integer LANGUAGE plpgsql AS 'BEGIN RETURN 1; END';
           CREATE FUNCTION public.inl_f() RETURNS double precision LANGUAGE sql AS 'SELECT random()';
           CREATE SEQUENCE public.s;
           CREATE TABLE public.t (id integer);""",
        """CREATE FUNCTION public.stable_f() RETURNS integer LANGUAGE sql STABLE AS 'SELECT 1';
           CREATE FUNCTION public.volatile_f() RETURNS integer LANGUAGE sql AS 'SELECT 1';
           CREATE FUNCTION public.pl_f() RETURNS integer LANGUAGE plpgsql AS 'BEGIN RETURN 1; END';
           CREATE FUNCTION public.inl_f() RETURNS double precision LANGUAGE sql AS 'SELECT random()';
           CREATE SEQUENCE public.s;
           CREATE TABLE public.t (id integer, q integer DEFAULT public.pl_f(),
             r float8 DEFAULT public.inl_f(),
             a timestamp DEFAULT (now() AT TIME ZONE 'utc') NOT NULL,
             b timestamptz DEFAULT pg_catalog.now(), c text DEFAULT 'x' || 'y',
             d uuid DEFAULT gen_random_uuid(),
             e timestamptz DEFAULT CURRENT_TIMESTAMP, f bigint DEFAULT nextval('public.s'),
             g integer DEFAULT public.stable_f(), h integer DEFAULT public.volatile_f(),
             i double precision DEFAULT random(), j integer GENERATED ALWAYS AS (id * 2) STORED,
             k integer GENERATED BY DEFAULT AS IDENTITY, l serial, m text DEFAULT lower('X'),
             n date DEFAULT CURRENT_DATE, o integer[] DEFAULT '{}', p jsonb DEFAULT '{}'::jsonb);""",
    ),
    (
        "citext",
        """CREATE EXTENSION citext WITH SCHEMA public;
           CREATE TABLE public.t (a text, b varchar(10), c public.citext);""",
        """CREATE EXTENSION citext WITH SCHEMA public;
           CREATE TABLE public.t (a public.citext, b public.citext, c text);""",
    ),
    (
        "domain_constraints",
        """CREATE DOMAIN public.d AS integer;
           CREATE DOMAIN public.e AS integer;
           CREATE DOMAIN public.f AS integer;
           ALTER DOMAIN public.f ADD CONSTRAINT f_pos CHECK (VALUE > 0) NOT VALID;
           CREATE TABLE public.t (a public.d, b public.e, c public.f);
           CREATE TABLE public.u (a public.d);""",
        """CREATE DOMAIN public.d AS integer CONSTRAINT d_pos CHECK (VALUE > 0);
           CREATE DOMAIN public.e AS integer NOT NULL;
           CREATE DOMAIN public.f AS integer CONSTRAINT f_pos CHECK (VALUE > 0);
           CREATE TABLE public.t (a public.d, b public.e, c public.f);
           CREATE TABLE public.u (a public.d);""",
    ),
    (
        "hierarchies",
        """CREATE TABLE public.p (id integer, v integer) PARTITION BY RANGE (id);
           CREATE TABLE public.p1 PARTITION OF public.p FOR VALUES FROM (0) TO (10);
           CREATE TABLE public.p2 PARTITION OF public.p FOR VALUES FROM (10) TO (20);
           CREATE TABLE public.par (id integer, v integer);
           CREATE TABLE public.kid (w integer) INHERITS (public.par);""",
        """CREATE TABLE public.p (id integer, v bigint, x timestamptz DEFAULT clock_timestamp())
             PARTITION BY RANGE (id);
           CREATE TABLE public.p1 PARTITION OF public.p FOR VALUES FROM (0) TO (10);
           CREATE TABLE public.p2 PARTITION OF public.p FOR VALUES FROM (10) TO (20);
           CREATE TABLE public.par (id integer, v bigint NOT NULL);
           CREATE TABLE public.kid (w integer) INHERITS (public.par);""",
    ),
    (
        "typed_tables",
        """CREATE TYPE public.item AS (a integer, b varchar(5), c integer);
           CREATE TABLE public.items OF public.item;""",
        """CREATE TYPE public.item AS (a bigint, b varchar(10), c integer);
           CREATE TABLE public.items OF public.item;""",
    ),
    (
        "constraints_and_storage",
        """CREATE TABLE public.a (id integer PRIMARY KEY, v integer, w integer, u text);
           CREATE TABLE public.b (id integer, a_id integer);
           CREATE UNLOGGED TABLE public.c (id integer);
           CREATE MATERIALIZED VIEW public.mv AS SELECT id FROM public.a;""",
        """CREATE TABLE public.a (id integer PRIMARY KEY, v integer NOT NULL CHECK (v > 0), w integer UNIQUE,
             u text COLLATE "C");
           CREATE TABLE public.b (id integer, a_id integer REFERENCES public.a);
           ALTER TABLE public.b ADD CONSTRAINT b_id_check CHECK (id > 0) NOT VALID;
           CREATE INDEX b_a_id ON public.b (a_id);
           CREATE TABLE public.c (id integer);
           CREATE MATERIALIZED VIEW public.mv AS SELECT id FROM public.a;
           CREATE UNIQUE INDEX mv_id ON public.mv (id);""",
    ),
)
PROBES = [Case(f"probe/{name}", old, new) for name, old, new in _PROBES]


# Pairs the round trip cannot apply for reasons of the environment (roles, owners) stay out.
SAMPLE = [
    Case(p.id, p.old, p.new, p.setup)
    for p in corpus.pairs("postgres")
    if p.loads() and corpus.in_half(p.id) and p.id not in known("postgres_roundtrip").entries
]
CASES = PROBES + _fixtures() + SAMPLE


@pytest.fixture(scope="session")
def totals(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, int]]:
    """This process's figures; at the end of the session they are added to the run's, and the
    process that completes them (every case, or every worker) writes and shows the totals."""
    mine: dict[str, int] = {}
    yield mine
    if not mine:
        return
    where = cache_dir(tmp_path_factory)
    with open(where / "hazards_pg.lock", "w") as lf:
        fcntl.flock(lf, fcntl.LOCK_EX)
        parts = where / "hazards_pg.parts.json"
        run: dict[str, object] = json.loads(parts.read_text()) if parts.is_file() else {"workers": 0}
        run["workers"] = int(str(run["workers"])) + 1
        for k, v in mine.items():
            run[k] = int(str(run.get(k, 0))) + v
        parts.write_text(json.dumps(run))
        workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
        if run["workers"] == workers or run.get("cases") == len(CASES):
            line = summary({k: int(str(v)) for k, v in run.items() if k != "workers"})
            (where / "hazards_pg_summary.txt").write_text(line + "\n")
            warnings.warn(line, pytest.PytestWarning, stacklevel=1)


def summary(t: dict[str, int]) -> str:
    share = 100.0 * t.get("confirmed", 0) / t["claims"] if t.get("claims") else 0.0
    codes = ", ".join(
        f"{k.removeprefix('claims ')} {v}" for k, v in sorted(t.items()) if k.startswith("claims ")
    )
    return (
        f"PostgreSQL hazards on the server: {t.get('cases', 0)} cases, {t.get('steps', 0)} steps, "
        f"{t.get('statements', 0)} statements, "
        f"{t.get('claims', 0)} claims checked, {t.get('confirmed', 0)} confirmed ({share:.1f} %), "
        f"{t.get('unclaimed_rewrites', 0)} unclaimed rewrites, {t.get('mismatches', 0)} mismatches, "
        f"{t.get('unchecked', 0)} lock claims outside a transaction, {t.get('errors', 0)} cases not run "
        f"(claims by code: {codes})"
    )


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hazards_hold_on_server(
    case: Case, pg: None, totals: dict[str, int], request: pytest.FixtureRequest
) -> None:
    """Every rewrite and lock claim of the forward script is what PostgreSQL 15 does."""
    out = run_case(case)
    for k, v in out.figures().items():
        totals[k] = totals.get(k, 0) + v
    request.node.user_properties.append(("hazard_figures", out.figures()))
    detail = out.error or "\n".join(map(str, out.mismatches))
    ok = not out.error and not out.mismatches
    known("postgres_hazards").check(
        request, case.id, ok, detail, category="error" if out.error else "mismatch"
    )


# ---- the check catches what it must -------------------------------------------------------------


def _fixture(name: str) -> Case:
    return Case(f"postgres/{name}", FIXTURES / name / "old.sql", FIXTURES / name / "new.sql")


def test_unclaimed_rewrite_is_caught(pg: None) -> None:
    """A type change that rewrites its table, stripped of its table_rewrite claim, is a mismatch."""
    case = _fixture("column_type_change")
    sts = plan_statements(case)
    assert any(h.code == H.TABLE_REWRITE for st in sts for h in st.hazards)
    stripped = [replace(st, hazards=tuple(h for h in st.hazards if h.code != H.TABLE_REWRITE)) for st in sts]
    out = run_case(case, stripped)
    assert not out.error, out.error
    assert [f for f in out.mismatches if f.hazard is None], out.findings


def test_false_claims_are_caught(pg: None) -> None:
    """A rewrite claimed where none happens and a lock level the server does not take are mismatches."""
    case = _fixture("index_add_unique")
    sts = plan_statements(case)
    locking = [st for st in sts if any(h.code == H.BLOCKS_WRITES for h in st.hazards)]
    assert locking, sts
    target = next(h for h in locking[0].hazards if h.code == H.BLOCKS_WRITES)
    table = target.message.split(" on ", 1)[1].split(" ")[0]
    wrong = (
        Hazard(H.TABLE_REWRITE, f"rewrites {table} for no reason"),
        Hazard(H.EXCLUSIVE_LOCK, f"takes ACCESS EXCLUSIVE on {table} while it builds", "ACCESS EXCLUSIVE"),
    )
    doctored = [replace(st, hazards=st.hazards + wrong) if st is locking[0] else st for st in sts]
    out = run_case(case, doctored)
    assert not out.error, out.error
    refuted = {f.hazard for f in out.mismatches}
    assert set(wrong) <= refuted, out.findings
    assert any(f.confirmed and f.hazard == target for f in out.findings), out.findings
