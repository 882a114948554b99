"""Live catalog reader against pg_dump: same statements after pglast normalisation, fixed query count."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

HOST = os.environ.get("DDLC_PG_HOST", "127.0.0.1")
PORT = os.environ.get("DDLC_PG_PORT", "5432")
USER = os.environ.get("DDLC_PG_USER", "postgres")
CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
if not CORPUS.is_dir():
    CORPUS = Path("/work/shared/corpus")
DATA = Path(__file__).with_name("data")
FIXTURE = DATA / "pg_catalog_fixture.sql"

_META_LINE = re.compile(r"(?m)^\\[a-zA-Z].*$")
_ROLE_MISSING = re.compile(r'role "((?:[^"]|"")+)" does not exist')


def _url(db: str) -> str:
    return f"postgresql://{USER}@{HOST}:{PORT}/{db}"


def _run(cmd: list[str], input_: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run a client program, waiting out a full server ("too many clients") for a while."""
    for attempt in range(30):
        res = subprocess.run(cmd, input=input_, capture_output=True, text=True, check=False)
        if res.returncode == 0 or "too many clients" not in res.stderr:
            break
        time.sleep(1 + attempt % 5)
    return res


def _psql(db: str, *args: str, input_: str | None = None) -> subprocess.CompletedProcess[str]:
    return _run(
        ["psql", "-X", "-q", "-h", HOST, "-p", PORT, "-U", USER, "-d", db, "-v", "ON_ERROR_STOP=1", *args],
        input_,
    )


def server_available() -> bool:
    """Whether the local server answers and psql/pg_dump are installed."""
    if shutil.which("psql") is None or shutil.which("pg_dump") is None:
        return False
    return _psql("postgres", "-c", "SELECT 1").returncode == 0


def create_db(name: str) -> None:
    _psql("postgres", "-c", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    res = _psql("postgres", "-c", f'CREATE DATABASE "{name}"')
    if res.returncode != 0:
        raise RuntimeError(res.stderr)


def drop_db(name: str) -> None:
    _psql("postgres", "-c", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# Emptying a database is much cheaper than DROP/CREATE DATABASE on a busy server. Whatever it
# leaves behind is seen by both pg_dump and the reader, so it cannot fake a match; a load that
# fails after a reset is retried in a brand-new database.
_RESET = r"""
DO $reset$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT pubname FROM pg_publication LOOP
        EXECUTE format('DROP PUBLICATION %I', r.pubname);
    END LOOP;
    FOR r IN SELECT evtname FROM pg_event_trigger LOOP
        EXECUTE format('DROP EVENT TRIGGER %I', r.evtname);
    END LOOP;
    FOR r IN SELECT extname FROM pg_extension WHERE oid >= 16384 LOOP
        EXECUTE format('DROP EXTENSION IF EXISTS %I CASCADE', r.extname);
    END LOOP;
    FOR r IN SELECT nspname FROM pg_namespace WHERE nspname !~ '^pg_' AND nspname <> 'information_schema' LOOP
        EXECUTE format('DROP SCHEMA %I CASCADE', r.nspname);
    END LOOP;
    FOR r IN SELECT fdwname FROM pg_foreign_data_wrapper LOOP
        EXECUTE format('DROP FOREIGN DATA WRAPPER IF EXISTS %I CASCADE', r.fdwname);
    END LOOP;
    FOR r IN SELECT castsource::regtype AS s, casttarget::regtype AS t FROM pg_cast WHERE oid >= 16384 LOOP
        EXECUTE format('DROP CAST IF EXISTS (%s AS %s) CASCADE', r.s, r.t);
    END LOOP;
    FOR r IN SELECT lanname FROM pg_language WHERE oid >= 16384 LOOP
        EXECUTE format('DROP LANGUAGE IF EXISTS %I CASCADE', r.lanname);
    END LOOP;
    FOR r IN SELECT amname FROM pg_am WHERE oid >= 16384 LOOP
        EXECUTE format('DROP ACCESS METHOD IF EXISTS %I CASCADE', r.amname);
    END LOOP;
    DELETE FROM pg_default_acl;
    CREATE SCHEMA public AUTHORIZATION pg_database_owner;
    GRANT USAGE ON SCHEMA public TO PUBLIC;
    COMMENT ON SCHEMA public IS 'standard public schema';
    -- initdb's public schema has its ACL in pg_init_privs; pg_dump compares against it
    INSERT INTO pg_init_privs
        SELECT oid, 'pg_namespace'::regclass, 0, 'i', nspacl FROM pg_namespace WHERE nspname = 'public';
END
$reset$;
"""


def reset_db(name: str) -> bool:
    """Empty a scratch database (or create it); False when that failed."""
    exists = _psql("postgres", "-Atc", f"SELECT 1 FROM pg_database WHERE datname = '{name}'").stdout.strip()
    if not exists:
        create_db(name)
        return True
    return _psql(name, "-c", _RESET).returncode == 0


def load(db: str, files: list[Path], tries: int = 8, *, reuse: bool = False) -> str | None:
    """Load files into an empty `db`, creating missing roles (NOLOGIN) and retrying; the error or None."""
    err = None
    fresh = not reuse
    for _ in range(tries):
        if fresh or not reset_db(db):
            create_db(db)
            fresh = True
        err = None
        for f in files:
            res = _psql(db, "-f", str(f))
            if res.returncode != 0:
                err = res.stderr.strip()
                break
        if err is None:
            return None
        m = _ROLE_MISSING.search(err)
        if m is None:
            if not fresh:
                fresh = True
                continue
            return err
        role = m.group(1).replace('""', '"')
        _psql("postgres", "-c", f'CREATE ROLE "{role.replace(chr(34), chr(34) * 2)}" NOLOGIN')
    return err


def pg_dump(db: str) -> str:
    res = _run(["pg_dump", "--schema-only", "-h", HOST, "-p", PORT, "-U", USER, db])
    if res.returncode != 0:
        raise RuntimeError(res.stderr)
    return res.stdout


def normalised(text: str) -> Counter[str]:
    """Statements normalised by pglast's deparser, as a multiset; SET lines and psql meta-commands dropped."""
    from pglast import parser

    out: Counter[str] = Counter()
    for stmt in parser.split(_META_LINE.sub("", text)):
        s = stmt.strip()
        head = s[:40].upper()
        if head.startswith(("SET ", "RESET ")) or head.startswith("SELECT PG_CATALOG.SET_CONFIG"):
            continue
        out[parser.deparse_protobuf(parser.parse_sql_protobuf(s))] += 1
    return out


@dataclass
class Outcome:
    """Result of comparing pg_dump and read_catalog for one database."""

    only_dump: Counter[str]
    only_catalog: Counter[str]
    queries: int
    seconds: float

    @property
    def same(self) -> bool:
        return not self.only_dump and not self.only_catalog


def compare_db(db: str) -> Outcome:
    """pg_dump and read_catalog of one database, as normalised statement multisets."""
    from ddlcompare.dialects.postgres.catalog import read_catalog
    from ddlcompare.errors import DdlError

    dump = normalised(pg_dump(db))
    for attempt in range(30):
        try:
            t0 = time.perf_counter()
            cat = read_catalog(_url(db))
            secs = time.perf_counter() - t0
            break
        except DdlError as e:
            if "too many clients" not in str(e) or attempt == 29:
                raise
            time.sleep(2)
    mine = normalised(cat.text)
    return Outcome(dump - mine, mine - dump, cat.queries, secs)


def corpus_sides() -> Iterator[tuple[str, str, list[Path]]]:
    """(source, case/side, files to load) for every PostgreSQL corpus side that loads on PG 15."""
    for meta_path in sorted((CORPUS / "pairs").glob("*/*/meta.json")):
        meta = json.loads(meta_path.read_text())
        if meta.get("dialect") != "postgres":
            continue
        loads = meta.get("loads_pg15") or {}
        error = loads.get("error") or ""
        case = meta_path.parent
        setup = [case / "setup.sql"] if (case / "setup.sql").exists() else []
        for side in ("old", "new"):
            f = case / f"{side}.sql"
            if not f.exists():
                continue
            side_error = " ".join(p for p in error.split("; ") if p.startswith(f"{side}.sql"))
            ok = loads.get(side) is True or ("does not exist" in side_error and "role" in side_error)
            if ok:
                yield case.parent.name, f"{case.name}/{side}", [*setup, f]
    for meta_path in sorted((CORPUS / "schemas").glob("*.json")):
        meta = json.loads(meta_path.read_text())
        if meta.get("dialect") == "postgres" and (meta.get("loads_pg15") or {}).get("schema") is True:
            yield "schemas", meta_path.stem, [meta_path.with_suffix(".sql")]


# ------------------------------------------------------------------------------------------
# pytest

_CI = os.environ.get("CI", "").lower() == "true"


@pytest.fixture(scope="module")
def server() -> None:
    if not server_available():
        if _CI:
            pytest.fail("PostgreSQL server not reachable (CI=true)")
        pytest.skip("PostgreSQL server not reachable")


def _scratch(tag: str) -> str:
    return f"ddlc_cat_{tag}_{uuid.uuid4().hex[:8]}"


@pytest.mark.live
def test_fixture_matches_pg_dump(server: None) -> None:
    db = _scratch("fx")
    try:
        assert load(db, [FIXTURE]) is None
        out = compare_db(db)
        assert out.same, f"only in pg_dump: {dict(out.only_dump)}\nonly in catalog: {dict(out.only_catalog)}"
    finally:
        drop_db(db)


def _tables_sql(n: int) -> str:
    parts = ["CREATE SCHEMA s;"]
    for i in range(n):
        parts.append(
            f"CREATE TABLE s.t{i} (id serial PRIMARY KEY, name text NOT NULL DEFAULT 'x', "
            f"ref integer, CHECK (ref > 0));"
            f"CREATE INDEX t{i}_name ON s.t{i} (name);"
            f"COMMENT ON COLUMN s.t{i}.name IS 'n{i}';"
        )
    return "\n".join(parts)


@pytest.mark.live
def test_query_count_does_not_grow(server: None) -> None:
    from ddlcompare.dialects.postgres.catalog import read_catalog

    counts = []
    for n in (10, 300):
        db = _scratch(f"n{n}")
        try:
            create_db(db)
            res = _psql(db, input_=_tables_sql(n))
            assert res.returncode == 0, res.stderr
            dump = read_catalog(_url(db))
            counts.append(dump.queries)
            assert dump.text.count("CREATE TABLE s.t") == n
        finally:
            drop_db(db)
    assert counts[0] == counts[1]


@pytest.mark.live
def test_connection_error_is_a_ddl_error(server: None) -> None:
    from ddlcompare.dialects.postgres.catalog import read_catalog
    from ddlcompare.errors import DdlError

    with pytest.raises(DdlError) as exc:
        read_catalog(f"postgresql://{USER}:secret@{HOST}:{PORT}/ddlc_cat_no_such_db_{uuid.uuid4().hex[:6]}")
    assert "cannot connect" in str(exc.value)
    assert "secret" not in str(exc.value)


@pytest.mark.live
def test_table_locked_by_another_session_gives_up_with_a_clear_error(
    server: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Behind another session's ACCESS EXCLUSIVE lock the reader stops after its lock timeout (its
    own, or the URL's) with an error naming the cause, instead of waiting for good."""
    import psycopg

    from ddlcompare.dialects.postgres import catalog
    from ddlcompare.errors import DdlError

    db = f"ddlc_cat_lock_{uuid.uuid4().hex[:6]}"
    create_db(db)
    try:
        schema = "CREATE TABLE t (v text); CREATE INDEX t_lower ON t (lower(v));"
        assert _psql(db, "-c", schema).returncode == 0
        catalog.read_catalog(_url(db))  # not locked: read as usual
        with psycopg.connect(f"host={HOST} port={PORT} user={USER} dbname={db}") as holder:
            holder.execute("LOCK TABLE t IN ACCESS EXCLUSIVE MODE")
            monkeypatch.setattr(catalog, "LOCK_TIMEOUT", "300ms")
            for url in (_url(db), _url(db) + "?options=-c%20lock_timeout%3D200ms"):
                with pytest.raises(DdlError, match="lock timeout") as exc:  # (without it: waits for good)
                    catalog.read_catalog(url)
                assert "another session holds a lock" in (exc.value.hint or "")
            holder.rollback()
    finally:
        drop_db(db)


def restores(src: str, dst: str) -> Outcome:
    """Load read_catalog's text of `src` into an empty `dst`; pg_dump of both, compared."""
    from ddlcompare.dialects.postgres.catalog import read_catalog

    text = read_catalog(_url(src)).text
    if not reset_db(dst):
        create_db(dst)
    res = _psql(dst, input_=text)
    assert res.returncode == 0, res.stderr[-2000:]
    a, b = normalised(pg_dump(src)), normalised(pg_dump(dst))
    return Outcome(a - b, b - a, 0, 0.0)


@pytest.mark.live
def test_fixture_text_restores(server: None) -> None:
    """The text is in a valid order: it restores, and the restored database dumps the same."""
    src, dst = _scratch("fx"), _scratch("rs")
    try:
        assert load(src, [FIXTURE]) is None
        out = restores(src, dst)
        assert out.same, f"only in source: {dict(out.only_dump)}\nonly in restored: {dict(out.only_catalog)}"
    finally:
        drop_db(src)
        drop_db(dst)


@pytest.mark.live
@pytest.mark.corpus
@pytest.mark.skipif(not CORPUS.is_dir(), reason="corpus absent")
def test_corpus_match_rate(server: None) -> None:
    """Identical statement multisets for >= 98 % of loadable corpus sides (one scratch database, reset).
    A side byte-identical to one already compared (a quarter of them: a pair's new side is often the
    next pair's old side) takes that side's result instead of loading it again; it still counts."""
    per_source: dict[str, list[int]] = {}
    failures: list[str] = []
    # digest of the files loaded -> None (did not load) or (same, first differences)
    seen: dict[str, tuple[bool, str] | None] = {}
    db = _scratch("c")
    try:
        for source, side, files in corpus_sides():
            digest = hashlib.sha256(b"\0".join(f.read_bytes() for f in files)).hexdigest()
            if digest not in seen:
                if load(db, files, reuse=True) is not None:
                    seen[digest] = None
                else:
                    out = compare_db(db)
                    dump_only, cat_only = sorted(out.only_dump)[:2], sorted(out.only_catalog)[:2]
                    seen[digest] = (out.same, f"pg_dump only {dump_only}; catalog only {cat_only}")
            result = seen[digest]
            if result is None:
                continue
            counts = per_source.setdefault(source, [0, 0])
            counts[0] += 1
            if result[0]:
                counts[1] += 1
            else:
                failures.append(f"{source}/{side}: {result[1]}")
    finally:
        drop_db(db)
    for source, (total, same) in sorted(per_source.items()):
        print(f"{source}: {same}/{total} identical ({100 * same / total:.1f} %)")
    total = sum(t for t, _ in per_source.values())
    same = sum(s for _, s in per_source.values())
    assert total
    assert same / total >= 0.98, "\n".join(failures)
