"""Reusable scratch databases for the corpus suites: reset after each use instead of dropped.

CREATE DATABASE writes a full catalog copy (~7.5 MB) and DROP DATABASE forces a checkpoint, so a
corpus run that created and dropped three databases per case made checkpoints take tens of seconds
and the server fall behind. Once enabled, `pgdb.fresh_db` leases a database from this per-process
pool; afterwards every object is dropped and the database is checked against the catalog
fingerprint of a freshly created one. A database that does not come back identical is dropped
(batched, see dropper.py) and replaced by a new one, so a lease is always as good as a fresh database.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg import sql

from tests.support import dropper
from tests.support.servers import PG_HOST, PG_PORT, PG_USER

_free: list[str] = []
_fresh_fingerprint: str | None = None
_enabled = False
stats = {"created": 0, "reused": 0, "discarded": 0}

# Drops everything a schema script can create in a database (not cluster-wide roles/tablespaces).
_RESET = r"""
DO $reset$
DECLARE
    r record;
    kind text;
BEGIN
    FOR r IN SELECT evtname FROM pg_event_trigger LOOP
        EXECUTE format('DROP EVENT TRIGGER IF EXISTS %I CASCADE', r.evtname);
    END LOOP;
    FOR r IN SELECT pubname FROM pg_publication LOOP
        EXECUTE format('DROP PUBLICATION IF EXISTS %I', r.pubname);
    END LOOP;
    FOR r IN SELECT extname FROM pg_extension WHERE extname <> 'plpgsql' LOOP
        EXECUTE format('DROP EXTENSION IF EXISTS %I CASCADE', r.extname);
    END LOOP;
    FOR r IN SELECT nspname FROM pg_namespace
             WHERE nspname NOT IN ('public', 'pg_catalog', 'information_schema', 'pg_toast')
               AND nspname !~ '^pg_(toast_)?temp_' LOOP
        EXECUTE format('DROP SCHEMA IF EXISTS %I CASCADE', r.nspname);
    END LOOP;
    -- public itself must survive: pg_dump treats the initdb-created public schema (oid 2200) specially
    FOR r IN SELECT (pg_identify_object(classid, objid, 0)).*
             FROM pg_depend
             WHERE refclassid = 'pg_namespace'::regclass AND refobjid = 'public'::regnamespace
               AND deptype = 'n' LOOP
        kind := CASE r.type WHEN 'statistics object' THEN 'STATISTICS' ELSE upper(r.type) END;
        BEGIN
            EXECUTE format('DROP %s IF EXISTS %s CASCADE', kind, r.identity);
        EXCEPTION WHEN OTHERS THEN
            NULL;  -- already gone with something dropped before it; the fingerprint has the last word
        END;
    END LOOP;
    FOR r IN SELECT fdwname FROM pg_foreign_data_wrapper LOOP
        EXECUTE format('DROP FOREIGN DATA WRAPPER IF EXISTS %I CASCADE', r.fdwname);
    END LOOP;
    FOR r IN SELECT castsource::regtype AS s, casttarget::regtype AS t FROM pg_cast WHERE oid >= 16384 LOOP
        EXECUTE format('DROP CAST IF EXISTS (%s AS %s) CASCADE', r.s, r.t);
    END LOOP;
    FOR r IN SELECT tr.trftype::regtype AS t, l.lanname
             FROM pg_transform tr JOIN pg_language l ON l.oid = tr.trflang LOOP
        EXECUTE format('DROP TRANSFORM IF EXISTS FOR %s LANGUAGE %I CASCADE', r.t, r.lanname);
    END LOOP;
    FOR r IN SELECT lanname FROM pg_language WHERE oid >= 16384 LOOP
        EXECUTE format('DROP LANGUAGE IF EXISTS %I CASCADE', r.lanname);
    END LOOP;
    FOR r IN SELECT amname FROM pg_am WHERE oid >= 16384 LOOP
        EXECUTE format('DROP ACCESS METHOD IF EXISTS %I CASCADE', r.amname);
    END LOOP;
    PERFORM lo_unlink(oid) FROM pg_largeobject_metadata;
    ALTER SCHEMA public OWNER TO pg_database_owner;  -- before DROP OWNED, which would drop it
    FOR r IN SELECT DISTINCT ro.rolname
             FROM pg_shdepend s JOIN pg_roles ro ON ro.oid = s.refobjid
             WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
               AND s.refclassid = 'pg_authid'::regclass AND ro.rolname <> 'postgres' LOOP
        EXECUTE format('DROP OWNED BY %I CASCADE', r.rolname);
    END LOOP;
    DELETE FROM pg_default_acl;  -- the bootstrap superuser's default privileges are not in pg_shdepend
    DELETE FROM pg_db_role_setting
        WHERE setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database());
    EXECUTE format('COMMENT ON DATABASE %I IS NULL', current_database());
    UPDATE pg_namespace SET nspacl = '{pg_database_owner=UC/pg_database_owner,=U/pg_database_owner}'
        WHERE oid = 'public'::regnamespace;
    COMMENT ON SCHEMA public IS 'standard public schema';
END
$reset$;
"""

# What distinguishes a used database from a fresh one: user objects in every per-database catalog.
_FINGERPRINT = r"""
SELECT jsonb_build_object(
  'namespaces', (SELECT array_agg(nspname::text ORDER BY nspname) FROM pg_namespace
                 WHERE nspname !~ '^pg_(toast_)?temp_'),
  'public', (SELECT jsonb_build_array(oid::int, nspowner::regrole::text, nspacl::text,
                                      obj_description(oid, 'pg_namespace'))
             FROM pg_namespace WHERE nspname = 'public'),
  'extensions', (SELECT array_agg(extname || ' ' || extversion ORDER BY extname) FROM pg_extension),
  'languages', (SELECT array_agg(lanname::text ORDER BY lanname) FROM pg_language),
  'database', (SELECT jsonb_build_array(datacl::text, shobj_description(oid, 'pg_database'))
               FROM pg_database WHERE datname = current_database()),
  'settings', (SELECT count(*) FROM pg_db_role_setting
               WHERE setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database())),
  'user_objects', (SELECT jsonb_object_agg(c, n) FROM (
      SELECT 'class' AS c, count(*) AS n FROM pg_class WHERE oid >= 16384
      UNION ALL SELECT 'type', count(*) FROM pg_type WHERE oid >= 16384
      UNION ALL SELECT 'proc', count(*) FROM pg_proc WHERE oid >= 16384
      UNION ALL SELECT 'operator', count(*) FROM pg_operator WHERE oid >= 16384
      UNION ALL SELECT 'opclass', count(*) FROM pg_opclass WHERE oid >= 16384
      UNION ALL SELECT 'opfamily', count(*) FROM pg_opfamily WHERE oid >= 16384
      UNION ALL SELECT 'collation', count(*) FROM pg_collation WHERE oid >= 16384
      UNION ALL SELECT 'conversion', count(*) FROM pg_conversion WHERE oid >= 16384
      UNION ALL SELECT 'cast', count(*) FROM pg_cast WHERE oid >= 16384
      UNION ALL SELECT 'am', count(*) FROM pg_am WHERE oid >= 16384
      UNION ALL SELECT 'ts', (SELECT count(*) FROM pg_ts_config WHERE oid >= 16384)
                           + (SELECT count(*) FROM pg_ts_dict WHERE oid >= 16384)
                           + (SELECT count(*) FROM pg_ts_parser WHERE oid >= 16384)
                           + (SELECT count(*) FROM pg_ts_template WHERE oid >= 16384)
      UNION ALL SELECT 'constraint', count(*) FROM pg_constraint WHERE oid >= 16384
      UNION ALL SELECT 'attrdef', count(*) FROM pg_attrdef
      UNION ALL SELECT 'trigger', count(*) FROM pg_trigger WHERE oid >= 16384
      UNION ALL SELECT 'rewrite', count(*) FROM pg_rewrite WHERE oid >= 16384
      UNION ALL SELECT 'policy', count(*) FROM pg_policy
      UNION ALL SELECT 'statistic_ext', count(*) FROM pg_statistic_ext
      UNION ALL SELECT 'event_trigger', count(*) FROM pg_event_trigger
      UNION ALL SELECT 'publication', count(*) FROM pg_publication
      UNION ALL SELECT 'fdw', count(*) FROM pg_foreign_data_wrapper
      UNION ALL SELECT 'server', count(*) FROM pg_foreign_server
      UNION ALL SELECT 'user_mapping', count(*) FROM pg_user_mapping
      UNION ALL SELECT 'transform', count(*) FROM pg_transform
      UNION ALL SELECT 'default_acl', count(*) FROM pg_default_acl
      UNION ALL SELECT 'largeobject', count(*) FROM pg_largeobject_metadata
      UNION ALL SELECT 'init_privs', count(*) FROM pg_init_privs WHERE objoid >= 16384
      UNION ALL SELECT 'description', count(*) FROM pg_description WHERE objoid >= 16384
      UNION ALL SELECT 'seclabel', count(*) FROM pg_seclabel
      UNION ALL SELECT 'shdepend', count(*) FROM pg_shdepend
          WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
  ) AS counts)
)::text
"""


def enable() -> None:
    """Lease pooled databases from `pgdb.fresh_db` from now on (per process)."""
    global _enabled
    _enabled = True
    dropper.enable()


def enabled() -> bool:
    return _enabled


def _connect(dbname: str) -> psycopg.Connection[tuple[object, ...]]:
    return psycopg.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname=dbname, autocommit=True)


def _create(prefix: str) -> str:
    global _fresh_fingerprint
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with _connect("postgres") as c:
        c.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    stats["created"] += 1
    if _fresh_fingerprint is None:
        _fresh_fingerprint = _fingerprint(name)
    return name


def _fingerprint(name: str) -> str:
    with _connect(name) as c:
        row = c.execute(_FINGERPRINT).fetchone()
    assert row is not None
    return str(row[0])


def _reset(name: str) -> bool:
    """Empty `name` again; True when it is now indistinguishable from a fresh database."""
    try:
        with _connect("postgres") as c:  # a test may have left a session open (or an idle transaction)
            c.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> "
                "pg_backend_pid()",
                (name,),
            )
        with _connect(name) as c:
            c.execute(_RESET)
        return _fingerprint(name) == _fresh_fingerprint
    except psycopg.Error:
        return False


@contextmanager
def lease(prefix: str = "ddlc") -> Iterator[str]:
    """A database as empty as a fresh one; reset and returned to the pool afterwards."""
    if _free:
        name = _free.pop()
        stats["reused"] += 1
    else:
        name = _create(prefix)
    try:
        yield name
    finally:
        if _reset(name):
            _free.append(name)
        else:
            stats["discarded"] += 1
            dropper.defer(name)


def close() -> None:
    """Drop the pooled databases (end of the session)."""
    while _free:
        dropper.defer(_free.pop())
    dropper.flush()
