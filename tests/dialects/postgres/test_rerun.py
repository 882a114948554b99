"""Re-runnable PostgreSQL statements (ddlcompare.dialects.postgres.rerun): statement in, re-runnable
statement out, for each family; and, live, a script of every family run twice."""

from __future__ import annotations

import pytest

from ddlcompare.dialects import LoadOptions, get
from ddlcompare.dialects.postgres.rerun import Known, kind, left_as_is, leftover_drop, rewrite
from ddlcompare.diff.compare import diff
from tests.support import pgdb
from tests.support.servers import require_pg

NATIVE = [
    # (plain, re-runnable): the server's own IF [NOT] EXISTS / OR REPLACE, inserted in the text
    ("CREATE TABLE public.t (\n    id integer\n);",
     "CREATE TABLE IF NOT EXISTS public.t (\n    id integer\n);"),
    ("CREATE UNLOGGED TABLE public.t (id integer);",
     "CREATE UNLOGGED TABLE IF NOT EXISTS public.t (id integer);"),
    ("CREATE TABLE public.p PARTITION OF public.t FOR VALUES IN (1);",
     "CREATE TABLE IF NOT EXISTS public.p PARTITION OF public.t FOR VALUES IN (1);"),
    ("CREATE UNIQUE INDEX t_a ON public.t (a) WHERE (a = ANY (ARRAY[1, 2]));",
     "CREATE UNIQUE INDEX IF NOT EXISTS t_a ON public.t (a) WHERE (a = ANY (ARRAY[1, 2]));"),
    ("CREATE SEQUENCE public.s AS bigint START WITH 1;",
     "CREATE SEQUENCE IF NOT EXISTS public.s AS bigint START WITH 1;"),
    ("CREATE MATERIALIZED VIEW public.mv AS SELECT 1 AS one WITH NO DATA;",
     "CREATE MATERIALIZED VIEW IF NOT EXISTS public.mv AS SELECT 1 AS one WITH NO DATA;"),
    ("CREATE FOREIGN TABLE public.f (a integer) SERVER s;",
     "CREATE FOREIGN TABLE IF NOT EXISTS public.f (a integer) SERVER s;"),
    ("CREATE SERVER s FOREIGN DATA WRAPPER w;", "CREATE SERVER IF NOT EXISTS s FOREIGN DATA WRAPPER w;"),
    ("CREATE USER MAPPING FOR public SERVER s;", "CREATE USER MAPPING IF NOT EXISTS FOR public SERVER s;"),
    ("DROP USER MAPPING FOR public SERVER s;", "DROP USER MAPPING IF EXISTS FOR public SERVER s;"),
    ("CREATE STATISTICS public.st ON a, b FROM public.t;",
     "CREATE STATISTICS IF NOT EXISTS public.st ON a, b FROM public.t;"),
    ("CREATE SCHEMA app;", "CREATE SCHEMA IF NOT EXISTS app;"),
    ("CREATE COLLATION public.c (locale = 'C');", "CREATE COLLATION IF NOT EXISTS public.c (locale = 'C');"),
    ("DROP TABLE public.t;", "DROP TABLE IF EXISTS public.t;"),
    ("DROP MATERIALIZED VIEW public.mv;", "DROP MATERIALIZED VIEW IF EXISTS public.mv;"),
    ("DROP TEXT SEARCH CONFIGURATION public.c;", "DROP TEXT SEARCH CONFIGURATION IF EXISTS public.c;"),
    ("DROP TRIGGER tr ON public.t;", "DROP TRIGGER IF EXISTS tr ON public.t;"),
    ("DROP FUNCTION public.f(integer);", "DROP FUNCTION IF EXISTS public.f(integer);"),
    ("DROP CAST (integer AS bigint);", "DROP CAST IF EXISTS (integer AS bigint);"),
    ("DROP OPERATOR public.||++(text, text);", "DROP OPERATOR IF EXISTS public.||++(text, text);"),
    ('DROP TYPE public."Mood";', 'DROP TYPE IF EXISTS public."Mood";'),
    ("ALTER TABLE public.t ADD COLUMN c text DEFAULT '' NOT NULL;",
     "ALTER TABLE public.t ADD COLUMN IF NOT EXISTS c text DEFAULT '' NOT NULL;"),
    ("ALTER TABLE public.t DROP COLUMN c;", "ALTER TABLE IF EXISTS public.t DROP COLUMN IF EXISTS c;"),
    ("ALTER TABLE ONLY public.t DROP CONSTRAINT c;",
     "ALTER TABLE IF EXISTS ONLY public.t DROP CONSTRAINT IF EXISTS c;"),
    ("ALTER TABLE public.t ALTER COLUMN id DROP IDENTITY;",
     "ALTER TABLE IF EXISTS public.t ALTER COLUMN id DROP IDENTITY IF EXISTS;"),
    ("ALTER TABLE public.t ALTER COLUMN g DROP EXPRESSION;",
     "ALTER TABLE IF EXISTS public.t ALTER COLUMN g DROP EXPRESSION IF EXISTS;"),
    ("ALTER TYPE public.pair DROP ATTRIBUTE b;", "ALTER TYPE public.pair DROP ATTRIBUTE IF EXISTS b;"),
    ("ALTER DOMAIN public.d DROP CONSTRAINT d_check;",
     "ALTER DOMAIN public.d DROP CONSTRAINT IF EXISTS d_check;"),
    ("ALTER TYPE public.status ADD VALUE 'shipped' AFTER 'paid';",
     "ALTER TYPE public.status ADD VALUE IF NOT EXISTS 'shipped' AFTER 'paid';"),
    ("ALTER TABLE public.staff RENAME TO employee;",
     "ALTER TABLE IF EXISTS public.staff RENAME TO employee;"),
    ("ALTER MATERIALIZED VIEW public.a RENAME TO b;",
     "ALTER MATERIALIZED VIEW IF EXISTS public.a RENAME TO b;"),
    ("ALTER INDEX public.t_a__ddlc_new RENAME TO t_a;",
     "ALTER INDEX IF EXISTS public.t_a__ddlc_new RENAME TO t_a;"),
    ("CREATE FUNCTION public.f() RETURNS integer LANGUAGE sql AS $$ SELECT 1 $$;",
     "CREATE OR REPLACE FUNCTION public.f() RETURNS integer LANGUAGE sql AS $$ SELECT 1 $$;"),
    ("CREATE PROCEDURE public.p() LANGUAGE sql AS 'SELECT 1';",
     "CREATE OR REPLACE PROCEDURE public.p() LANGUAGE sql AS 'SELECT 1';"),
    ("CREATE VIEW public.v AS\n SELECT 1 AS one;", "CREATE OR REPLACE VIEW public.v AS\n SELECT 1 AS one;"),
    ("CREATE RULE r AS ON UPDATE TO public.t DO INSTEAD NOTHING;",
     "CREATE OR REPLACE RULE r AS ON UPDATE TO public.t DO INSTEAD NOTHING;"),
    ("CREATE AGGREGATE public.a(integer) (SFUNC = int4pl, STYPE = integer);",
     "CREATE OR REPLACE AGGREGATE public.a(integer) (SFUNC = int4pl, STYPE = integer);"),
    ("CREATE TRIGGER tr BEFORE INSERT ON public.t FOR EACH ROW EXECUTE FUNCTION public.f();",
     "CREATE OR REPLACE TRIGGER tr BEFORE INSERT ON public.t FOR EACH ROW EXECUTE FUNCTION public.f();"),
]


@pytest.mark.parametrize(("plain", "want"), NATIVE, ids=[p for p, _ in NATIVE])
def test_native_forms(plain: str, want: str) -> None:
    assert rewrite(plain) == want
    assert rewrite(want) == want  # already re-runnable: left as it is


GUARDED = [
    # (plain, a condition the DO block must test)
    ("ALTER TABLE public.t ADD CONSTRAINT c CHECK (a > 0) NOT VALID;",
     "IF NOT EXISTS (SELECT FROM pg_catalog.pg_constraint WHERE conrelid = pg_catalog.to_regclass('public.t')"
     " AND conname = 'c') THEN"),
    ("ALTER TABLE public.t ADD CONSTRAINT t_pkey PRIMARY KEY USING INDEX t_pkey;", "AND conname = 't_pkey'"),
    ("CREATE TYPE public.mood AS ENUM ('sad', 'ok');",
     "IF pg_catalog.to_regtype('public.mood') IS NULL THEN"),
    ('CREATE TYPE public."Pair" AS (a integer);', "IF pg_catalog.to_regtype('public.\"Pair\"') IS NULL THEN"),
    ("CREATE DOMAIN public.d AS integer CHECK (VALUE > 0);", "pg_catalog.to_regtype('public.d') IS NULL"),
    ("CREATE TYPE public.r AS RANGE (subtype = integer);", "pg_catalog.to_regtype('public.r') IS NULL"),
    ("CREATE TYPE public.b;", "pg_catalog.to_regtype('public.b') IS NULL"),
    ("CREATE TYPE public.b (INPUT = bin, OUTPUT = bout);", "AND typisdefined"),
    ("ALTER TABLE public.t RENAME COLUMN a TO b;", "attname = 'a' AND NOT attisdropped) AND NOT EXISTS"),
    ("ALTER TABLE public.t RENAME CONSTRAINT a TO b;", "conname = 'a') AND NOT EXISTS"),
    ("ALTER TYPE public.status RENAME TO status__ddlc_old;",
     "IF pg_catalog.to_regtype('public.status') IS NOT NULL"
     " AND pg_catalog.to_regtype('public.status__ddlc_old') IS NULL THEN"),
    ("ALTER TYPE public.f RENAME VALUE 'sad' TO 'unhappy';", "enumlabel = 'sad') AND NOT EXISTS"),
    ("ALTER TRIGGER a ON public.t RENAME TO b;", "pg_catalog.pg_trigger WHERE tgrelid"),
    ("CREATE POLICY p ON public.t USING (true);", "pg_catalog.pg_policy WHERE polrelid"),
    ("CREATE EVENT TRIGGER e ON ddl_command_start EXECUTE FUNCTION public.f();", "evtname = 'e'"),
    ("CREATE FOREIGN DATA WRAPPER w;", "fdwname = 'w'"),
    ("CREATE CAST (integer AS public.pair) WITH INOUT;",
     "castsource = pg_catalog.to_regtype('integer') AND casttarget = pg_catalog.to_regtype('public.pair')"),
    ("CREATE OPERATOR public.=== (LEFTARG = integer, RIGHTARG = integer, FUNCTION = int4eq);",
     "IF pg_catalog.to_regoperator('public.===(integer, integer)') IS NULL THEN"),
    ("CREATE TEXT SEARCH CONFIGURATION public.c (COPY = english);",
     "pg_catalog.pg_ts_config WHERE cfgname = 'c'"),
    ("ALTER TABLE public.t ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY;", "attidentity = ''"),
    ("ALTER TABLE public.c INHERIT public.p;", "IF NOT EXISTS (SELECT FROM pg_catalog.pg_inherits"),
    ("ALTER TABLE public.c NO INHERIT public.p;", "IF EXISTS (SELECT FROM pg_catalog.pg_inherits"),
    ("ALTER TABLE public.l ATTACH PARTITION public.l1 FOR VALUES IN (1);",
     "IF NOT EXISTS (SELECT FROM pg_catalog.pg_inherits"),
    ("ALTER TABLE public.l DETACH PARTITION public.l1;", "IF EXISTS (SELECT FROM pg_catalog.pg_inherits"),
    ("ALTER TABLE public.t OF public.pair;", "reloftype = 0"),
    ("ALTER TABLE public.t NOT OF;", "reloftype <> 0"),
    ("ALTER TYPE public.pair ADD ATTRIBUTE c text;", "attname = 'c'"),
    ("ALTER DOMAIN public.d ADD CONSTRAINT d_check CHECK (VALUE > 0);",
     "contypid = pg_catalog.to_regtype('public.d')"),
    ("ALTER FOREIGN TABLE public.f OPTIONS (DROP a, ADD b '1', SET c 'x');",
     "IF NOT (ARRAY['b=1', 'c=x']::text[] <@ coalesce((SELECT ftoptions"),
    ("ALTER EXTENSION hstore SET SCHEMA ext;", "extname = 'hstore'"),
]


@pytest.mark.parametrize(("plain", "cond"), GUARDED, ids=[p for p, _ in GUARDED])
def test_guarded_forms(plain: str, cond: str) -> None:
    out = rewrite(plain)
    assert out.startswith("DO $ddlc$\nBEGIN\n") and out.endswith("\nEND\n$ddlc$;"), out
    assert cond in out, out
    assert f"\n{plain}\nEND IF;" in out  # the statement itself, as written
    assert rewrite(plain, transactional=False) == plain  # a DO block is a transaction: never outside one


HARMLESS = [
    "ALTER TABLE public.t ALTER COLUMN a SET DEFAULT 2;",
    "ALTER TABLE public.t ALTER COLUMN a SET NOT NULL;",
    "ALTER TABLE public.t ALTER COLUMN a TYPE bigint;",
    "ALTER TABLE public.t VALIDATE CONSTRAINT c;",
    "ALTER TABLE public.t ENABLE ROW LEVEL SECURITY;",
    "ALTER SEQUENCE public.s OWNED BY public.t.id;",
    "GRANT SELECT ON TABLE public.t TO PUBLIC;",
    "COMMENT ON TABLE public.t IS 'x';",
    "ALTER FUNCTION public.f() OWNER TO postgres;",
    "SET LOCAL lock_timeout = '5s';",
    "UPDATE public.t SET token = DEFAULT WHERE token IS NULL;",
    "-- MANUAL: not modelled",
]


@pytest.mark.parametrize("plain", HARMLESS)
def test_harmless_statements_stay(plain: str) -> None:
    assert rewrite(plain) == plain
    assert not left_as_is(plain)


def test_concurrently_gets_the_native_form_only() -> None:
    sql = "CREATE INDEX CONCURRENTLY t_a ON public.t (a);"
    assert rewrite(sql, transactional=False) == "CREATE INDEX CONCURRENTLY IF NOT EXISTS t_a ON public.t (a);"
    drop = "DROP INDEX CONCURRENTLY public.t_a;"
    assert rewrite(drop, transactional=False) == "DROP INDEX CONCURRENTLY IF EXISTS public.t_a;"


def test_leftover_drop_only_drops_an_invalid_index() -> None:
    out = leftover_drop("DROP INDEX CONCURRENTLY IF EXISTS public.t_pkey;")
    assert "indexrelid = pg_catalog.to_regclass('public.t_pkey') AND NOT indisvalid" in out
    assert "\nDROP INDEX public.t_pkey;\n" in out


def test_triggers_before_14_and_constraint_triggers_are_guarded() -> None:
    sql = "CREATE TRIGGER tr BEFORE INSERT ON public.t FOR EACH ROW EXECUTE FUNCTION public.f();"
    assert "tgname = 'tr' AND NOT tgisinternal" in rewrite(sql, replace_trigger=False)
    con = "CREATE CONSTRAINT TRIGGER tr AFTER INSERT ON public.t FOR EACH ROW EXECUTE FUNCTION public.f();"
    assert rewrite(con).startswith("DO $ddlc$")  # OR REPLACE is refused for constraint triggers


def _side(ddl: str) -> Known:
    """What a schema of `ddl` on one side tells the rewrite."""
    return Known(sides=(get("postgres").parse(ddl, "side.sql", LoadOptions()),))


def test_typed_table_drop_column_is_guarded() -> None:
    sql = "ALTER TABLE public.points DROP COLUMN label;"
    assert rewrite(sql) == "ALTER TABLE IF EXISTS public.points DROP COLUMN IF EXISTS label;"
    typed = _side("CREATE TYPE public.pt AS (x int, label text); CREATE TABLE public.points OF public.pt;")
    assert "attname = 'label'" in rewrite(sql, known=typed)


def test_default_of_an_identity_column_is_guarded() -> None:
    sql = "ALTER TABLE public.t ALTER COLUMN c2 DROP DEFAULT;"
    assert rewrite(sql) == sql
    out = rewrite(sql, known=_side("CREATE TABLE public.t (c2 int GENERATED ALWAYS AS IDENTITY);"))
    assert "attname = 'c2' AND NOT attisdropped AND attidentity = ''" in out


def test_dollar_tag_is_not_in_the_statement() -> None:
    sql = "CREATE TYPE public.t AS ENUM ('$ddlc$');"
    out = rewrite(sql)
    assert out.startswith("DO $ddlc1$") and out.endswith("$ddlc1$;") and sql in out


def test_text_is_kept_where_deparsing_would_change_it() -> None:
    body = "CREATE FUNCTION public.f() RETURNS integer\n    LANGUAGE sql\n    AS $_$ SELECT  1 -- keep\n$_$;"
    assert rewrite(body) == body.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1)


def test_several_commands_are_split() -> None:
    out = rewrite("ALTER TYPE public.a DROP ATTRIBUTE city, ADD ATTRIBUTE country text;")
    assert "ALTER TYPE public.a DROP ATTRIBUTE IF EXISTS city;\nIF NOT EXISTS" in out
    assert "\nALTER TYPE public.a ADD ATTRIBUTE country text;\nEND IF;" in out


def test_kind_names_statements() -> None:
    assert kind("ALTER TABLE public.t ADD COLUMN c text;") == "AlterTableStmt:AT_AddColumn"
    assert kind("DROP TABLE public.t;") == "DropStmt:OBJECT_TABLE"
    assert kind("not sql at all") == "unparsed"


# A migration of every family over SETUP (loaded once, plain), in plan order: renames of what SETUP
# has, creations, changes, drops. Rewritten, it runs twice.
SETUP = """
CREATE SCHEMA app;
CREATE TYPE app.mood AS ENUM ('sad', 'ok');
CREATE TYPE app.pair AS (a integer, b text);
CREATE TABLE app.t (id integer NOT NULL, a integer, m app.mood, legacy integer, extra text,
                    g integer GENERATED ALWAYS AS (a * 2) STORED, CONSTRAINT t_pkey PRIMARY KEY (id),
                    CONSTRAINT t_old CHECK (a < 100));
CREATE INDEX t_a_idx ON app.t (a);
CREATE FUNCTION app.f() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
CREATE TRIGGER t_trg BEFORE INSERT ON app.t FOR EACH ROW EXECUTE FUNCTION app.f();
ALTER TABLE app.t ENABLE ROW LEVEL SECURITY;
CREATE POLICY p ON app.t USING (true);
CREATE TABLE app.child (x integer);
CREATE VIEW app.v AS SELECT id, a FROM app.t;
CREATE AGGREGATE app.agg(integer) (SFUNC = int4pl, STYPE = integer);
CREATE TABLE app.typed OF app.pair;
"""
MIGRATION = """
ALTER TABLE app.t RENAME COLUMN extra TO note;
ALTER TABLE app.t RENAME CONSTRAINT t_pkey TO t_pk;
ALTER INDEX app.t_a_idx RENAME TO t_a_index;
ALTER TRIGGER t_trg ON app.t RENAME TO t_trigger;
ALTER POLICY p ON app.t RENAME TO p2;
ALTER TYPE app.mood RENAME VALUE 'sad' TO 'unhappy';
ALTER TYPE app.mood RENAME TO feeling;
ALTER TABLE app.child RENAME TO kid;
CREATE TYPE app.span AS RANGE (subtype = integer);
CREATE DOMAIN app.posint AS integer;
CREATE SEQUENCE app.seq;
CREATE TABLE app.n (id integer);
ALTER TABLE app.t ADD COLUMN extra2 text DEFAULT '' NOT NULL;
ALTER TABLE app.t DROP COLUMN legacy;
ALTER TABLE app.t ALTER COLUMN g DROP EXPRESSION;
ALTER TABLE app.t ADD CONSTRAINT t_a_check CHECK (a > 0) NOT VALID;
ALTER TABLE app.t VALIDATE CONSTRAINT t_a_check;
ALTER TABLE app.t DROP CONSTRAINT t_old;
ALTER TABLE app.t ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY;
CREATE UNIQUE INDEX t_note_key ON app.t (note);
ALTER TABLE app.t ADD CONSTRAINT t_note_key UNIQUE USING INDEX t_note_key;
CREATE TRIGGER t_trg2 BEFORE UPDATE ON app.t FOR EACH ROW EXECUTE FUNCTION app.f();
CREATE CONSTRAINT TRIGGER t_ctrg AFTER INSERT ON app.t FOR EACH ROW EXECUTE FUNCTION app.f();
CREATE VIEW app.w AS SELECT id, a FROM app.t;
CREATE RULE r AS ON UPDATE TO app.w DO INSTEAD NOTHING;
CREATE MATERIALIZED VIEW app.mv AS SELECT id FROM app.t WITH NO DATA;
CREATE POLICY p3 ON app.t USING (true);
ALTER TYPE app.feeling ADD VALUE 'happy' AFTER 'ok';
ALTER TYPE app.pair ADD ATTRIBUTE c integer CASCADE;
ALTER TYPE app.pair DROP ATTRIBUTE b CASCADE, ADD ATTRIBUTE d text CASCADE;
ALTER DOMAIN app.posint ADD CONSTRAINT posint_check CHECK (VALUE > 0);
CREATE TABLE app.base (x integer);
ALTER TABLE app.kid INHERIT app.base;
ALTER TABLE app.typed NOT OF;
CREATE TABLE app.typed2 (a integer, c integer, d text);
ALTER TABLE app.typed2 OF app.pair;
CREATE TABLE app.log (at date) PARTITION BY RANGE (at);
CREATE TABLE app.log_1 (at date);
ALTER TABLE app.log ATTACH PARTITION app.log_1 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE FUNCTION app.g() RETURNS integer LANGUAGE sql AS $$ SELECT 1 $$;
CREATE AGGREGATE app.agg2(integer) (SFUNC = int4pl, STYPE = integer);
CREATE OPERATOR app.=== (LEFTARG = integer, RIGHTARG = integer, FUNCTION = int4eq);
CREATE CAST (app.pair AS integer) WITH INOUT;
CREATE TEXT SEARCH CONFIGURATION app.tsc (COPY = english);
CREATE COLLATION app.coll (locale = 'C');
CREATE STATISTICS app.st ON id, a FROM app.t;
CREATE FOREIGN DATA WRAPPER ddlc_rerun_w;
CREATE SERVER ddlc_rerun_s FOREIGN DATA WRAPPER ddlc_rerun_w;
CREATE FOREIGN TABLE app.ft (a integer OPTIONS (column_name 'A'))
    SERVER ddlc_rerun_s OPTIONS (table_name 'x');
ALTER FOREIGN TABLE app.ft OPTIONS (DROP table_name, ADD schema_name 's');
ALTER FOREIGN TABLE app.ft ALTER COLUMN a OPTIONS (SET column_name 'B');
DROP VIEW app.v;
DROP TABLE app.n;
DROP AGGREGATE app.agg(integer);
"""


@pytest.mark.live
def test_every_family_runs_twice_and_changes_nothing() -> None:
    require_pg()
    plain = [s.strip() + ";" for s in MIGRATION.split(";\n") if s.strip()]
    rerun = [rewrite(s) for s in plain]
    assert not [s for s in plain if left_as_is(s)]
    same = [a for a, b in zip(plain, rerun, strict=True) if a == b]
    assert all("VALIDATE" in s for s in same), same  # every other statement gets a re-runnable form
    d = get("postgres")
    with pgdb.fresh_db("ddlc_rerun") as db, pgdb.fresh_db("ddlc_rerun") as ref:
        for x in (db, ref):
            pgdb.load(x, SETUP, roles=False)
        pgdb.load(ref, "\n".join(plain), roles=False)
        script = "\n".join(rerun)
        pgdb.load(db, script, roles=False)
        first = d.inspect(pgdb.url(db), LoadOptions())
        pgdb.load(db, script, roles=False)  # raises on any error
        second = d.inspect(pgdb.url(db), LoadOptions())
        assert diff(first, second) == ()
        assert diff(second, d.inspect(pgdb.url(ref), LoadOptions())) == ()
        with pytest.raises(pgdb.LoadError):  # the plain script cannot run twice: the test has teeth
            pgdb.load(ref, "\n".join(plain), roles=False)


def test_drop_of_a_rebuilt_view_is_skipped_once_rebuilt() -> None:
    marker = "pg_catalog.to_regprocedure('public.f(text, text)') IS NOT NULL"
    known = Known(rebuilt={("public", "", "v"): (marker,)})
    out = rewrite("DROP VIEW public.v;", known=known)
    assert f"IF NOT ({marker}) THEN\nDROP VIEW IF EXISTS public.v;\nEND IF;" in out
    assert rewrite("DROP VIEW public.w;", known=known) == "DROP VIEW IF EXISTS public.w;"


def test_drop_of_a_rebuilt_key_is_skipped_once_rebuilt() -> None:
    marker = "EXISTS (SELECT FROM pg_catalog.pg_constraint WHERE conname = 'fk')"
    known = Known(rebuilt={("public", "users", "users_pkey"): (marker,)})
    out = rewrite("ALTER TABLE public.users DROP CONSTRAINT users_pkey;", known=known)
    drop = "ALTER TABLE IF EXISTS public.users DROP CONSTRAINT IF EXISTS users_pkey;"
    assert f"IF NOT ({marker}) THEN\n{drop}" in out
