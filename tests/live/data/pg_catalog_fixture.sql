-- Hand-written schema exercising every object kind the catalog reader emits.
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'ddlc_cat_reader') THEN CREATE ROLE ddlc_cat_reader NOLOGIN; END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'ddlc_cat_writer') THEN CREATE ROLE ddlc_cat_writer NOLOGIN; END IF;
END $$;

CREATE EXTENSION IF NOT EXISTS citext WITH SCHEMA public;
CREATE EXTENSION IF NOT EXISTS pgcrypto;
COMMENT ON SCHEMA public IS 'the public one';
CREATE SCHEMA app AUTHORIZATION ddlc_cat_writer;
CREATE SCHEMA "Mixed Case";
COMMENT ON SCHEMA app IS 'application objects';
GRANT USAGE ON SCHEMA app TO ddlc_cat_reader;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;

CREATE COLLATION app.ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
CREATE COLLATION app.c_copy (locale = 'C');
COMMENT ON COLLATION app.ci IS 'case insensitive';

CREATE TYPE app.mood AS ENUM ('sad', 'ok', 'happy', 'it''s');
COMMENT ON TYPE app.mood IS 'how one feels';
CREATE TYPE app.pair AS (a integer, b text COLLATE "C", c numeric(10,2)[]);
COMMENT ON COLUMN app.pair.a IS 'first';
CREATE TYPE app.floatrange AS RANGE (subtype = float8, subtype_diff = float8mi);
CREATE DOMAIN app.posint AS integer DEFAULT 1 NOT NULL CONSTRAINT posint_check CHECK (VALUE > 0);
CREATE DOMAIN app.email AS citext COLLATE "C" CONSTRAINT email_at CHECK (VALUE ~ '@') CONSTRAINT email_len CHECK (length(VALUE) < 200);
ALTER DOMAIN app.email ADD CONSTRAINT email_nv CHECK (VALUE <> '') NOT VALID;
COMMENT ON DOMAIN app.posint IS 'positive';
COMMENT ON CONSTRAINT posint_check ON DOMAIN app.posint IS 'must be positive';
GRANT USAGE ON TYPE app.mood TO ddlc_cat_reader;

CREATE FUNCTION app.add(a integer, b integer DEFAULT 1) RETURNS integer
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT a + b $$;
CREATE FUNCTION app.touch() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = app, pg_temp SET work_mem = '64MB' AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END $$;
CREATE FUNCTION app.series(n integer) RETURNS SETOF integer LANGUAGE sql STABLE ROWS 10 COST 5 AS 'SELECT generate_series(1, n)';
CREATE FUNCTION app.tab(n integer) RETURNS TABLE(x integer, y text) LANGUAGE sql AS $$ SELECT n, n::text $$;
CREATE FUNCTION app.atomic_add(a integer, b integer) RETURNS integer LANGUAGE sql IMMUTABLE
BEGIN ATOMIC
  SELECT a + b;
END;
CREATE FUNCTION app.outp(IN a integer, OUT b integer, INOUT c text) LANGUAGE sql AS $$ SELECT a, c $$;
CREATE FUNCTION app.vari(VARIADIC xs integer[]) RETURNS integer LANGUAGE sql LEAKPROOF AS $$ SELECT array_length(xs, 1) $$;
CREATE PROCEDURE app.do_it(IN x integer) LANGUAGE plpgsql AS $$ BEGIN RAISE NOTICE '%', x; END $$;
CREATE FUNCTION app.int_sum(state integer, v integer) RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT state + v';
CREATE AGGREGATE app.my_sum(integer) (SFUNC = app.int_sum, STYPE = integer, INITCOND = '0');
CREATE AGGREGATE app.my_count(*) (SFUNC = int8inc, STYPE = bigint, INITCOND = '0', PARALLEL = SAFE);
COMMENT ON FUNCTION app.add(integer, integer) IS 'adds';
COMMENT ON PROCEDURE app.do_it(integer) IS 'does it';
COMMENT ON AGGREGATE app.my_sum(integer) IS 'sums';
REVOKE ALL ON FUNCTION app.touch() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.touch() TO ddlc_cat_writer;
ALTER FUNCTION app.add(integer, integer) OWNER TO ddlc_cat_writer;

CREATE SEQUENCE app.counter AS integer START WITH 100 INCREMENT BY 5 MINVALUE 10 MAXVALUE 100000 CACHE 3 CYCLE;
CREATE SEQUENCE app.down INCREMENT BY -1;
CREATE UNLOGGED SEQUENCE app.ulseq;
COMMENT ON SEQUENCE app.counter IS 'counts';
GRANT USAGE ON SEQUENCE app.counter TO ddlc_cat_reader;

CREATE TABLE app.users (
    id bigserial PRIMARY KEY,
    email app.email NOT NULL,
    name text COLLATE app.ci,
    mood app.mood DEFAULT 'ok',
    score numeric(8,2) DEFAULT 0 CHECK (score >= 0),
    tags text[] DEFAULT '{}'::text[],
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz,
    full_label text GENERATED ALWAYS AS (name || ' <' || email || '>') STORED,
    counter integer DEFAULT nextval('app.counter'),
    CONSTRAINT users_email_key UNIQUE (email),
    CONSTRAINT users_name_len CHECK (char_length(name) < 100) NOT VALID
) WITH (fillfactor = 80, autovacuum_enabled = false);
ALTER TABLE app.users ALTER COLUMN name SET STATISTICS 500;
ALTER TABLE app.users ALTER COLUMN tags SET STORAGE EXTERNAL;
ALTER TABLE app.users ALTER COLUMN name SET (n_distinct = 100);
ALTER TABLE app.users ALTER COLUMN name SET COMPRESSION pglz;
ALTER TABLE app.users REPLICA IDENTITY FULL;
COMMENT ON TABLE app.users IS 'people';
COMMENT ON COLUMN app.users.email IS 'their "email"';
COMMENT ON CONSTRAINT users_email_key ON app.users IS 'unique mail';
COMMENT ON INDEX app.users_email_key IS 'index of unique mail';
GRANT SELECT, INSERT ON app.users TO ddlc_cat_reader;
GRANT SELECT (id, name), UPDATE (name) ON app.users TO ddlc_cat_writer;
GRANT ALL ON app.users TO ddlc_cat_writer WITH GRANT OPTION;

CREATE TABLE app.orders (
    id integer GENERATED ALWAYS AS IDENTITY (START WITH 10 INCREMENT BY 2),
    user_id bigint NOT NULL REFERENCES app.users(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    total numeric NOT NULL,
    note varchar(200),
    placed date DEFAULT CURRENT_DATE,
    during tsrange,
    PRIMARY KEY (id),
    EXCLUDE USING gist (during WITH &&) WHERE (total > 0)
);
CREATE TABLE app.order_lines (
    order_id integer NOT NULL,
    line smallint GENERATED BY DEFAULT AS IDENTITY,
    qty integer CONSTRAINT qty_pos CHECK (qty > 0),
    PRIMARY KEY (order_id, line),
    FOREIGN KEY (order_id) REFERENCES app.orders(id) MATCH FULL ON UPDATE RESTRICT
);
ALTER TABLE app.order_lines ADD CONSTRAINT fk_nv FOREIGN KEY (order_id) REFERENCES app.orders(id) NOT VALID;
CREATE INDEX orders_user_idx ON app.orders USING btree (user_id) INCLUDE (total) WITH (fillfactor = 70);
CREATE UNIQUE INDEX orders_note_lower ON app.orders (lower(note::text) COLLATE "C" DESC NULLS LAST) WHERE note IS NOT NULL;
ALTER TABLE app.orders CLUSTER ON orders_user_idx;
ALTER INDEX app.orders_note_lower ALTER COLUMN 1 SET STATISTICS 50;
COMMENT ON INDEX app.orders_user_idx IS 'by user';
ALTER TABLE app.orders ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.orders FORCE ROW LEVEL SECURITY;
CREATE POLICY own_orders ON app.orders FOR SELECT TO ddlc_cat_reader, ddlc_cat_writer USING (user_id = 1);
CREATE POLICY restrict_ins ON app.orders AS RESTRICTIVE FOR INSERT WITH CHECK (total > 0);
CREATE POLICY all_p ON app.orders USING (true) WITH CHECK (total < 1000);
COMMENT ON POLICY own_orders ON app.orders IS 'own only';

CREATE TRIGGER users_touch BEFORE UPDATE ON app.users FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION app.touch();
CREATE TRIGGER users_touch2 AFTER INSERT OR DELETE ON app.users FOR EACH STATEMENT EXECUTE FUNCTION app.touch();
ALTER TABLE app.users DISABLE TRIGGER users_touch2;
COMMENT ON TRIGGER users_touch ON app.users IS 'touches';
CREATE CONSTRAINT TRIGGER orders_ct AFTER INSERT ON app.orders DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION app.touch();

CREATE UNLOGGED TABLE app.scratch (k text, v jsonb);
CREATE TABLE app.base (id integer NOT NULL, kind text DEFAULT 'base', CONSTRAINT base_kind_chk CHECK (kind <> ''));
CREATE TABLE app.child (extra int NOT NULL, kind text DEFAULT 'child') INHERITS (app.base);
ALTER TABLE app.child ALTER COLUMN id SET DEFAULT 7;
CREATE TABLE app.child2 (CONSTRAINT c2 CHECK (id > 0)) INHERITS (app.base);
ALTER TABLE ONLY app.child2 ALTER COLUMN kind SET NOT NULL;

CREATE TABLE app.events (id bigint NOT NULL, at timestamptz NOT NULL, payload jsonb, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
CREATE TABLE app.events_2024 PARTITION OF app.events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE app.events_def PARTITION OF app.events DEFAULT;
CREATE TABLE app.events_2025 PARTITION OF app.events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01') PARTITION BY LIST (id);
CREATE TABLE app.events_2025_a PARTITION OF app.events_2025 FOR VALUES IN (1, 2, 3);
CREATE INDEX events_payload_idx ON app.events USING gin (payload);
CREATE INDEX events_at_brin ON ONLY app.events USING brin (at);
CREATE TABLE app.hashed (id int) PARTITION BY HASH (id);
CREATE TABLE app.hashed_0 PARTITION OF app.hashed FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TRIGGER ev_trig AFTER INSERT ON app.events FOR EACH ROW EXECUTE FUNCTION app.touch();
ALTER TABLE app.events_def DISABLE TRIGGER ev_trig;

CREATE TYPE app.rowtype AS (x int);
CREATE TABLE app.typed OF app.rowtype (x WITH OPTIONS NOT NULL);

CREATE VIEW app.active_users WITH (security_barrier = true) AS SELECT id, email FROM app.users WHERE score > 0 WITH LOCAL CHECK OPTION;
CREATE VIEW app.v2 AS SELECT u.id, o.total FROM app.active_users u JOIN app.orders o ON o.user_id = u.id;
CREATE VIEW "Mixed Case"."View" AS SELECT 1 AS "One";
ALTER VIEW app.v2 ALTER COLUMN total SET DEFAULT 0;
COMMENT ON VIEW app.v2 IS 'joined';
COMMENT ON COLUMN app.v2.total IS 'total col';
CREATE MATERIALIZED VIEW app.mv AS SELECT user_id, sum(total) AS s FROM app.orders GROUP BY user_id WITH NO DATA;
CREATE UNIQUE INDEX mv_user ON app.mv (user_id);
COMMENT ON MATERIALIZED VIEW app.mv IS 'totals';
GRANT SELECT ON app.mv TO ddlc_cat_reader;
CREATE RULE no_del AS ON DELETE TO app.scratch DO INSTEAD NOTHING;
COMMENT ON RULE no_del ON app.scratch IS 'no deletes';
CREATE STATISTICS app.st1 (ndistinct, dependencies) ON user_id, placed FROM app.orders;
ALTER STATISTICS app.st1 SET STATISTICS 200;
COMMENT ON STATISTICS app.st1 IS 'stats';
CREATE PUBLICATION pub_all FOR TABLE app.users, app.orders WITH (publish = 'insert, update');
CREATE PUBLICATION pub2 FOR TABLES IN SCHEMA "Mixed Case";
CREATE PUBLICATION pub3 FOR TABLE app.orders (id, note) WHERE (note <> 'x');
COMMENT ON PUBLICATION pub_all IS 'pub';
ALTER DEFAULT PRIVILEGES IN SCHEMA app GRANT SELECT ON TABLES TO ddlc_cat_reader;
ALTER DEFAULT PRIVILEGES FOR ROLE ddlc_cat_writer REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
ALTER DEFAULT PRIVILEGES GRANT USAGE ON SEQUENCES TO ddlc_cat_writer;
ALTER TABLE app.scratch OWNER TO ddlc_cat_writer;
ALTER TYPE app.mood OWNER TO ddlc_cat_writer;
CREATE TABLE public.plain (a int, "B" text, "select" int);

-- rarer kinds
CREATE FUNCTION app.txt_concat(text, text) RETURNS text LANGUAGE sql IMMUTABLE AS 'SELECT $1 || $2';
CREATE OPERATOR app.||+ (FUNCTION = app.txt_concat, LEFTARG = text, RIGHTARG = text, COMMUTATOR = OPERATOR(app.||+));
COMMENT ON OPERATOR app.||+ (text, text) IS 'concat';
CREATE TEXT SEARCH DICTIONARY app.simple_en (TEMPLATE = pg_catalog.simple, STOPWORDS = english);
CREATE TEXT SEARCH CONFIGURATION app.cfg (COPY = pg_catalog.english);
ALTER TEXT SEARCH CONFIGURATION app.cfg ALTER MAPPING FOR word WITH app.simple_en, english_stem;
CREATE TEXT SEARCH PARSER app.prs (START = prsd_start, GETTOKEN = prsd_nexttoken, END = prsd_end,
                                   LEXTYPES = prsd_lextype, HEADLINE = prsd_headline);
CREATE TEXT SEARCH TEMPLATE app.tmpl (INIT = dsimple_init, LEXIZE = dsimple_lexize);
COMMENT ON TEXT SEARCH CONFIGURATION app.cfg IS 'config';
CREATE FOREIGN DATA WRAPPER fdw_dummy OPTIONS (debug 'true');
CREATE SERVER srv_dummy TYPE 'x' VERSION '1' FOREIGN DATA WRAPPER fdw_dummy OPTIONS (host 'h', port '1');
CREATE USER MAPPING FOR PUBLIC SERVER srv_dummy OPTIONS (user 'u');
CREATE USER MAPPING FOR ddlc_cat_reader SERVER srv_dummy;
GRANT USAGE ON FOREIGN SERVER srv_dummy TO ddlc_cat_reader;
CREATE FOREIGN TABLE app.ft (a integer OPTIONS (column_name 'A') NOT NULL, b text) SERVER srv_dummy
    OPTIONS (table_name 't');
COMMENT ON FOREIGN TABLE app.ft IS 'foreign';
CREATE ACCESS METHOD heap2 TYPE TABLE HANDLER heap_tableam_handler;
CREATE TABLE app.on_heap2 (x int) USING heap2;
CREATE CAST (app.pair AS text) WITH INOUT AS ASSIGNMENT;
CREATE UNLOGGED TABLE app.ul_ident (id bigint GENERATED BY DEFAULT AS IDENTITY, CONSTRAINT ul_pk PRIMARY KEY (id)
    WITH (fillfactor = 50) DEFERRABLE);
CREATE FUNCTION app.count_users() RETURNS bigint LANGUAGE sql STABLE BEGIN ATOMIC SELECT count(*) FROM app.users; END;
CREATE FUNCTION app.first_user() RETURNS app.users LANGUAGE sql AS 'SELECT * FROM app.users LIMIT 1';
CREATE VIEW app.aaa_first AS SELECT app.count_users() AS n, app.v2.* FROM app.v2;
CREATE TABLE app.tbl_comments (c int CONSTRAINT c_pos CHECK (c > 0));
COMMENT ON CONSTRAINT c_pos ON app.tbl_comments IS 'inline check comment';
ALTER SCHEMA public OWNER TO ddlc_cat_writer;
CREATE FUNCTION app.evt() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN END $$;
CREATE EVENT TRIGGER evt_ddl ON ddl_command_end WHEN TAG IN ('CREATE TABLE', 'ALTER TABLE')
    EXECUTE FUNCTION app.evt();
ALTER EVENT TRIGGER evt_ddl DISABLE;
CREATE TYPE app.mytext;
CREATE FUNCTION app.mytext_in(cstring) RETURNS app.mytext LANGUAGE internal IMMUTABLE STRICT AS 'textin';
CREATE FUNCTION app.mytext_out(app.mytext) RETURNS cstring LANGUAGE internal IMMUTABLE STRICT AS 'textout';
CREATE TYPE app.mytext (INPUT = app.mytext_in, OUTPUT = app.mytext_out, LIKE = text, CATEGORY = 'S');
CREATE TABLE app.uses_mytext (v app.mytext);
