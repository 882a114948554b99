"""Fuzzing: a seeded, SQL-aware mutation engine over the fixtures, and an oracle around the CLI.

A case is a deterministic function of (seed, index): one fixture side (`fixtures/<dialect>/*/old.sql`,
`new.sql`, and `fixtures/example`), one to three mutations, then a sentinel statement appended
(`CREATE TABLE zz_fuzz_sentinel ...`), then now and then a whole-file re-encoding. The oracle runs
`ddlcompare BASE MUTATED`, `ddlcompare MUTATED BASE` (and sometimes `snapshot MUTATED`) in-process
and reports what breaks the contract:

- `crash`: an uncaught exception (a traceback for the user), keyed by exception type and innermost
  project frame (file and function: stable while lines move);
- `internal_error`: the crash contract's safety net printed `internal error` (a bug all the same);
- `bad_exit`: an exit code other than 0, 1, 2; `traceback_text`: "Traceback" in the output;
- `no_error`: exit 2 without an `error:` line; `unpositioned`: an error about the input file without
  `file:line:col:` (the two sides being of different dialects is a whole-file error and allowed);
- `truncation`: exit 0 or 1 for a file with a NUL byte (the server rejects one; read as the end of a
  statement it silently drops the rest), or without the sentinel in the output. The base side never
  has the sentinel, so a run that read the whole mutated file shows it (created, dropped, in the
  snapshot); whatever swallowed it (an unterminated string, comment, dollar quote, parenthesis or
  compound block) had to be an error. A sentinel read into an opaque statement, with a warning, is
  `swallowed` (a note, not a failure); outputs that name a dropped opaque statement by its first
  words only (see `_shows_text`) need just some warning;
- `bad_encoding`: exit 0 or 1 for a file that is not valid UTF-8;
- `slow`: a run over `SLOW_SECONDS`; `timeout`: a run stopped after `TIMEOUT_SECONDS`.

The campaign (`bench/fuzz_campaign.py`) and the CI sample (`tests/test_fuzz.py`) share all of it.
"""

from __future__ import annotations

import gc
import random
import re
import shlex
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from tests.support.cli import ROOT, Run, run

DIALECTS = ("postgres", "mysql")
SENTINEL = "zz_fuzz_sentinel"
SENTINELS = {
    # the leading `;` ends whatever statement the mutation left open; the newline ends a `--` comment
    "postgres": f"\n;\nCREATE TABLE public.{SENTINEL} (id integer);\n".encode(),
    "mysql": f"\n;\nCREATE TABLE `{SENTINEL}` (`id` int) ENGINE=InnoDB;\n".encode(),
}
SLOW_SECONDS = 5.0
TIMEOUT_SECONDS = 60.0
MAX_BODY = 1_000_000  # bytes: well below the size at which the PostgreSQL parser forks a worker


# -- fixtures ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Side:
    """One fixture file and the other side of its pair."""

    dialect: str
    path: Path
    other: Path

    @property
    def name(self) -> str:
        return str(self.path.relative_to(ROOT))


@cache
def sides(root: Path = ROOT) -> dict[str, tuple[Side, ...]]:
    """Every fixture side by dialect (the bundled example is PostgreSQL)."""
    out: dict[str, list[Side]] = {d: [] for d in DIALECTS}
    pairs = [(d, p) for d in DIALECTS for p in sorted((root / "fixtures" / d).iterdir())]
    pairs.append(("postgres", root / "fixtures" / "example"))
    for dialect, pair in pairs:
        old, new = pair / "old.sql", pair / "new.sql"
        if old.is_file() and new.is_file():
            out[dialect] += [Side(dialect, old, new), Side(dialect, new, old)]
    return {d: tuple(v) for d, v in out.items()}


@cache
def _data(path: Path) -> bytes:
    return path.read_bytes()


# -- tokens -----------------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""(?P<ws>\s+)
    |(?P<comment>--[^\n]*|\#[^\n]*|/\*.*?\*/)
    |(?P<dollar>\$(?P<tag>[A-Za-z_]\w*)?\$.*?\$(?P=tag)?\$)
    |(?P<string>[EeXxBbNn]?'(?:[^'\\]|\\.|'')*')
    |(?P<qident>"(?:[^"]|"")*"|`(?:[^`]|``)*`)
    |(?P<number>\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)
    |(?P<word>[^\W\d]\w*)
    |(?P<op>::|<>|!=|<=|>=|\|\||:=|.)""",
    re.S | re.X,
)


@dataclass(frozen=True, slots=True)
class Token:
    kind: str
    start: int
    end: int


def tokens(text: str) -> list[Token]:
    """Tokens of a (possibly broken) SQL text; anything unreadable is a one-character `op`."""
    return [Token(m.lastgroup or "op", m.start(), m.end()) for m in _TOKEN.finditer(text)]


# -- dialect vocabularies ------------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return text.split()


# fmt: off

KEYWORDS = {
    "postgres": _words(
        "TABLE VIEW INDEX UNIQUE PRIMARY KEY FOREIGN REFERENCES CHECK DEFAULT NOT NULL CONSTRAINT ALTER "
        "CREATE DROP ADD COLUMN SCHEMA SEQUENCE FUNCTION PROCEDURE TRIGGER TYPE DOMAIN EXTENSION POLICY "
        "OWNER GRANT REVOKE COMMENT ON IS AS USING WITH WITHOUT MATERIALIZED TEMPORARY UNLOGGED INHERITS "
        "PARTITION OF FOR VALUES FROM TO IN DEFERRABLE INITIALLY DEFERRED CASCADE RESTRICT GENERATED "
        "ALWAYS IDENTITY STORED COLLATE INCLUDE WHERE RETURNS LANGUAGE BEGIN ATOMIC END RULE DO INSTEAD "
        "ENABLE DISABLE ROW LEVEL SECURITY FORCE EXCLUDE OR REPLACE IF EXISTS SET RESET AND SELECT ARRAY "
        "SETOF ONLY ATTACH DETACH VALID VALIDATE RENAME ENUM RANGE AGGREGATE OPERATOR CAST SERVER "
        "FOREIGN_TABLE EVENT STATEMENT EACH BEFORE AFTER EXECUTE OWNED BY NONE CYCLE INCREMENT START "
        "MINVALUE MAXVALUE CACHE TABLESPACE STORAGE PLAIN EXTERNAL MAIN EXTENDED LOCAL CASCADED OPTION"
    ),
    "mysql": _words(
        "TABLE VIEW INDEX KEY UNIQUE PRIMARY FOREIGN REFERENCES CHECK DEFAULT NOT NULL CONSTRAINT ALTER "
        "CREATE DROP ADD COLUMN MODIFY CHANGE ENGINE CHARSET CHARACTER SET COLLATE AUTO_INCREMENT "
        "UNSIGNED ZEROFILL FULLTEXT SPATIAL COMMENT INVISIBLE VISIBLE GENERATED ALWAYS VIRTUAL STORED "
        "PERSISTENT FIRST AFTER PARTITION PARTITIONS SUBPARTITION BY RANGE LIST HASH LINEAR VALUES LESS "
        "THAN MAXVALUE IN TRIGGER BEFORE EACH ROW FOR FOLLOWS PRECEDES PROCEDURE FUNCTION EVENT "
        "SCHEDULE EVERY AT DO BEGIN END DEFINER SQL SECURITY INVOKER ALGORITHM MERGE TEMPTABLE WITH "
        "CASCADED LOCAL OPTION SEQUENCE SYSTEM VERSIONING IGNORED ROW_FORMAT DYNAMIC COMPRESSED ON "
        "UPDATE CURRENT_TIMESTAMP IF EXISTS RETURNS DETERMINISTIC READS MODIFIES DATA DECLARE HANDLER "
        "CURSOR LOOP WHILE REPEAT UNTIL LEAVE ITERATE RETURN USING BTREE KEY_BLOCK_SIZE RENAME TO AS "
        "SELECT FROM WHERE DATABASE SCHEMA USE DELIMITER INSTEAD ENABLE DISABLE SLAVE"
    ),
}
TYPES = {
    "postgres": _words(
        "integer bigint smallint int int4 int8 text varchar char character numeric decimal timestamp "
        "timestamptz interval bit varbit time timetz json jsonb uuid bytea boolean real float float8 "
        "money inet cidr point int4range tsvector xml date serial bigserial oid regclass name"
    ),
    "mysql": _words(
        "int integer tinyint smallint mediumint bigint decimal numeric float double real bit char "
        "varchar binary varbinary text blob tinytext mediumtext longtext tinyblob longblob enum set "
        "json date datetime timestamp time year geometry point polygon bool boolean uuid inet6"
    ),
}
# bounded repetitions: the patterns also run over mutated texts with 100,000-character names
_TYPE_PARAMS = re.compile(
    r"(?i)\b([a-z_]\w{0,30}(?: [a-z_]\w{0,30})?) ?\((\s*\d{1,30}\s*(?:,\s*\d{1,30}\s*)?)\)"
)
# a column definition: a name after a line start, `(` or `,`, then its type (and parameters)
_COLUMN = re.compile(r"(?im)(?:^|[(,])(\s*[`\"]?\w{1,64}[`\"]?\s+)([a-z_]{1,30}(?:\s*\([^()\n]{0,40}\))?)")
_TABLE_NAME = re.compile(
    r"(?i)\bCREATE\s+(?:OR\s+REPLACE\s+)?(?:TABLE|VIEW|MATERIALIZED\s+VIEW|TYPE|DOMAIN|SEQUENCE|FUNCTION"
    r"|PROCEDURE|TRIGGER|EVENT|AGGREGATE)\s+(?:IF\s+NOT\s+EXISTS\s+)?([`\"\w.]{1,200})"
)

DEFAULTS = {
    "postgres": [
        "gen_code()", "my_schema.gen_code()", "gen_code(1, 'x')", "nextval()", "now(1, 2, 3)",
        "current_timestamp(99)", "(1/0)", "-", "'x'::unknown_type", "ROW(1)", "ARRAY[]", "B'102'",
        "X'zz'", "NULL NULL", "(SELECT 1)", "'a' COLLATE \"C\"", "CAST(1 AS)", "1::", "$1",
        "nextval('missing_seq'::regclass)", "-(-(-1))", "'{}'::int[][][]", "interval '1' year to",
        "E'\\\\x00'", "U&'\\0000'", "9" * 400,
    ],
    "mysql": [
        "gen_code()", "db.gen_code()", "gen_code(1, 'x')", "uuid(1)", "now(7)", "current_timestamp(99)",
        "(1/0)", "-", "NULL NULL", "(SELECT 1)", "b'102'", "x'zz'", "0x", "_utf8mb4'x'",
        "_binary 'x' COLLATE x", "CONVERT('x' USING nope)", "curdate", "(`missing`)", "nextval(s)",
        "DATE_ADD()", "CAST(1 AS)", "'x' 'y'", "-(-(-1))", "9" * 400, "1e999",
    ],
}
META_LINES = {
    "postgres": [
        "\\restrict abc123", "\\unrestrict abc123", "\\restrict", "\\connect db", "\\connect -",
        "\\connect -reuse-previous=on \"dbname='x'\"", "\\.", "\\i other.sql", "\\set ON_ERROR_STOP on",
        "\\q", "\\\\", "\\", " \\connect db", "\\gset", "\\if true", "\\endif",
        "COPY public.t (a) FROM stdin;", "COPY public.t (a) FROM stdin;\n1\n\\.",
        "SET client_encoding = 'LATIN1';", "SET client_encoding = 'WIN1252';",
        "SET client_encoding = 'nope';",
        "SET search_path = nope, pg_catalog;", "SELECT pg_catalog.set_config('search_path', '', false);",
        "SELECT pg_catalog.set_config('search_path');", "SELECT pg_catalog.set_config();",
        "SET default_tablespace = '';", "SET standard_conforming_strings = off;",
    ],
    "mysql": [
        "DELIMITER ;;", "DELIMITER //", "DELIMITER $$", "DELIMITER", "DELIMITER ;", "delimiter |",
        "DELIMITER ;;\n", "USE `db`;", "USE nope", "/*!40101 SET NAMES utf8mb4 */;",
        "/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/",
        "/*M!999999\\- enable the sandbox mode */",
        "/*!", "/*!50001 CREATE VIEW `v` AS SELECT 1 AS `a` */;", "SET NAMES latin1;",
        "SET character_set_client = utf8;", "SET sql_mode = 'ANSI_QUOTES';",
        "SET sql_mode='NO_BACKSLASH_ESCAPES';",
        "LOCK TABLES `t` WRITE;", "UNLOCK TABLES;", "CREATE DATABASE IF NOT EXISTS `other`;",
        "\\d //", "source other.sql",
    ],
}
DUMP_HEADERS = {
    "postgres": [
        "--\n-- Name: {name}; Type: TABLE; Schema: public; Owner: postgres\n--",
        "--\n-- Name: {name}; Type: TABLE; Schema: public; Owner: postgres",
        "-- Name: {name}; Type: TABLE; Schema: public; Owner:",
        "-- Name: {name}; Type:",
        "-- Name: {name}",
        "-- Name: ; Type: ; Schema: ; Owner: ",
        "-- Name: {name}; Type: ACL; Schema: public; Owner: postgres",
        "-- Name: TABLE {name}; Type: ACL; Schema: public; Owner: postgres",
        "-- Name: {name} {name}_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres",
        "-- Data for Name: {name}; Type: TABLE DATA; Schema: public; Owner: postgres",
        "--\n-- PostgreSQL database dump\n--",
        "--\n-- PostgreSQL database dump complete\n--",
    ],
    "mysql": [
        "--\n-- Table structure for table `{name}`\n--",
        "-- Table structure for table `{name}",
        "--\n-- Temporary table structure for view `{name}`\n--",
        "--\n-- Final view structure for view `{name}`\n--",
        "-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)",
        "-- MariaDB dump 10.19-11.4.2-MariaDB, for debian-linux-gnu (x86_64)",
        "-- Dump completed on 2024-01-01",
        "-- Host: localhost    Database: {name}",
    ],
}
STATEMENTS = {
    "postgres": [
        "ALTER TABLE {t} OWNER TO postgres;", "ALTER TABLE ONLY {t} OWNER TO someone;",
        "GRANT SELECT ON TABLE {t} TO PUBLIC;", "GRANT ALL ON TABLE {t} TO reader WITH GRANT OPTION;",
        "REVOKE ALL ON TABLE {t} FROM PUBLIC;", "GRANT SELECT (a) ON TABLE {t} TO reader;",
        "GRANT USAGE ON SCHEMA public TO reader;", "ALTER SCHEMA public OWNER TO someone;",
        "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO reader;",
        "ALTER DEFAULT PRIVILEGES FOR ROLE postgres REVOKE ALL ON FUNCTIONS FROM PUBLIC;",
        "COMMENT ON TABLE {t} IS 'x';", "COMMENT ON COLUMN {t}.missing IS 'x';",
        "COMMENT ON CONSTRAINT c ON {t} IS NULL;", "COMMENT ON FUNCTION f(int) IS 'x';",
        "ALTER TABLE {t} ADD COLUMN zz integer;", "ALTER TABLE {t} DROP COLUMN missing;",
        "ALTER TABLE {t} ALTER COLUMN missing SET DEFAULT 1;", "ALTER TABLE missing ADD COLUMN a int;",
        "ALTER TABLE {t} RENAME TO {t}_renamed;", "ALTER TABLE {t} RENAME COLUMN a TO b;",
        "ALTER TABLE {t} ADD CONSTRAINT c FOREIGN KEY (a) REFERENCES missing (x);",
        "ALTER TABLE ONLY {t} ADD CONSTRAINT {t}_pkey PRIMARY KEY (id);",
        "ALTER TABLE {t} ATTACH PARTITION missing FOR VALUES IN (1);",
        "ALTER TABLE {t} ENABLE ROW LEVEL SECURITY;", "CREATE POLICY p ON {t} USING (true);",
        "CREATE INDEX ON {t} (missing);", "CREATE UNIQUE INDEX i ON {t} USING btree (a) WHERE (a > 0);",
        "DROP TABLE {t};", "DROP TABLE {t} CASCADE;", "DROP SCHEMA public CASCADE;",
        "CREATE VIEW zz_v AS SELECT * FROM {t};", "CREATE TABLE {t} (a int);",
        "CREATE TABLE zz_child () INHERITS ({t});", "CREATE TABLE zz_part PARTITION OF {t} DEFAULT;",
        "CREATE TRIGGER trg BEFORE INSERT ON {t} FOR EACH ROW EXECUTE FUNCTION missing();",
        "CREATE SEQUENCE s OWNED BY {t}.missing;", "ALTER SEQUENCE missing OWNED BY {t}.a;",
        "SELECT pg_catalog.setval('missing', 1, false);", "CREATE SCHEMA public;",
        "ALTER TABLE {t} ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (SEQUENCE NAME s);",
        "CREATE TYPE {t} AS (a int);", "CREATE DOMAIN d AS int CHECK (VALUE > 0);",
        "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END;",
        "CREATE RULE r AS ON INSERT TO {t} DO INSTEAD NOTHING;", "ALTER EXTENSION x ADD TABLE {t};",
        "ALTER TYPE {t} OWNER TO someone;",
        "ALTER DOMAIN {t} OWNER TO someone;", "GRANT USAGE ON TYPE {t} TO r;",
        "GRANT ALL ON FUNCTION {t}() TO reader;", "REVOKE ALL ON FUNCTION {t}(integer) FROM PUBLIC;",
        "ALTER FUNCTION {t} OWNER TO someone;", "ALTER SEQUENCE {t} OWNER TO someone;",
        "ALTER VIEW {t} OWNER TO someone;",
        "GRANT ALL ON SEQUENCE {t} TO reader;", "COMMENT ON TYPE {t} IS 'x';",
        "ALTER MATERIALIZED VIEW {t} OWNER TO x;", "GRANT SELECT ON ALL TABLES IN SCHEMA public TO reader;",
        "ALTER AGGREGATE {t}(integer) OWNER TO x;", "COMMENT ON COLUMN {t} IS 'x';", "DROP TYPE {t} CASCADE;",
        "ALTER TABLE {t} ALTER COLUMN id TYPE text USING id::text;",
        "ALTER TYPE {t} ADD VALUE 'zz' BEFORE 'x';",
        "ALTER TYPE {t} RENAME VALUE 'missing' TO 'x';", "ALTER DOMAIN {t} DROP CONSTRAINT missing;",
    ],
    "mysql": [
        "ALTER TABLE {t} ADD COLUMN zz int;", "ALTER TABLE {t} DROP COLUMN missing;",
        "ALTER TABLE {t} MODIFY missing int;", "ALTER TABLE {t} CHANGE a b int FIRST;",
        "ALTER TABLE missing ADD COLUMN a int;", "ALTER TABLE {t} ADD INDEX (missing);",
        "ALTER TABLE {t} ADD CONSTRAINT c FOREIGN KEY (a) REFERENCES missing (x);",
        "ALTER TABLE {t} DROP PRIMARY KEY;", "ALTER TABLE {t} DROP INDEX missing;",
        "ALTER TABLE {t} DROP FOREIGN KEY missing;", "ALTER TABLE {t} RENAME TO {t}_renamed;",
        "ALTER TABLE {t} ENGINE=MyISAM;", "ALTER TABLE {t} PARTITION BY HASH (id) PARTITIONS 0;",
        "ALTER TABLE {t} ADD PARTITION (PARTITION p VALUES LESS THAN (1));",
        "ALTER TABLE {t} COMMENT 'x', AUTO_INCREMENT = 99999999999999999999999;",
        "RENAME TABLE {t} TO zz_x, zz_x TO {t};", "DROP TABLE {t};", "DROP TABLE IF EXISTS {t};",
        "CREATE INDEX i ON {t} (missing(10));", "DROP INDEX missing ON {t};",
        "CREATE TABLE {t} LIKE missing;", "CREATE TABLE zz_like LIKE {t};",
        "CREATE TABLE zz_sel AS SELECT 1;",
        "CREATE VIEW zz_v AS SELECT * FROM {t};", "CREATE TABLE {t} (a int);",
        "CREATE TRIGGER trg BEFORE INSERT ON {t} FOR EACH ROW SET NEW.a = 1;",
        "CREATE TRIGGER trg BEFORE INSERT ON missing FOR EACH ROW BEGIN END;",
        "CREATE PROCEDURE p() BEGIN SELECT 1; END;", "CREATE FUNCTION f() RETURNS int RETURN 1;",
        "CREATE EVENT e ON SCHEDULE EVERY 1 DAY DO DELETE FROM {t};",
        "CREATE SEQUENCE s START WITH 1 INCREMENT BY 0;", "ALTER TABLE {t} ADD SYSTEM VERSIONING;",
        "ALTER TABLE {t} ALTER COLUMN a SET DEFAULT gen_code();",
        "ALTER TABLE {t} ALTER INDEX i INVISIBLE;",
        "CREATE DATABASE zz_db; USE zz_db;", "DROP DATABASE IF EXISTS zz_db;",
        "ALTER TABLE {t} ADD COLUMN c int GENERATED ALWAYS AS (missing + 1) VIRTUAL;",
        "ALTER TABLE {t} ALTER COLUMN missing DROP DEFAULT;", "ALTER TABLE {t} RENAME COLUMN missing TO b;",
        "ALTER TABLE {t} RENAME INDEX missing TO b;", "ALTER TABLE {t} CONVERT TO CHARACTER SET latin1;",
        "ALTER TABLE {t} DROP CHECK missing;",
        "ALTER TABLE {t} ORDER BY a;", "ALTER TABLE {t} ADD FULLTEXT (missing);",
        "DROP TRIGGER missing;", "DROP VIEW {t};",
        "DROP PROCEDURE IF EXISTS {t};", "ALTER EVENT {t} DISABLE;",
        "ALTER VIEW {t} AS SELECT 1;",
        "CREATE OR REPLACE VIEW {t} AS SELECT 1;", "ALTER DATABASE d CHARACTER SET x;",
        "ALTER TABLE {t} REMOVE PARTITIONING;", "ALTER TABLE {t} DROP PARTITION missing;",
        "ALTER TABLE {t} REORGANIZE PARTITION p INTO (PARTITION q VALUES LESS THAN MAXVALUE);",
        "ALTER SEQUENCE {t} RESTART WITH 99999999999999999999999;", "GRANT SELECT ON {t} TO 'u'@'%';",
        "ALTER TABLE {t} AUTO_INCREMENT = -1;", "ALTER TABLE {t} MODIFY a int FIRST, DROP a;",
    ],
}
INSERT_BYTES = [
    b"\x00", b"\x00\x00\x00", b"\x01", b"\x07", b"\x08", b"\x0b", b"\x0c", b"\x1a", b"\x1b[31m", b"\x7f",
    b"\xff", b"\xfe", b"\xc3", b"\xc3(", b"\xe2\x82", b"\xf0\x9f\x98", b"\xc0\xaf", b"\xed\xa0\x80",
    b"\xf4\x90\x80\x80", b"\x80", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xc2\xa0", b"\xe2\x80\xa8",
    b"\xe2\x80\xae", b"\xe3\x80\x80", b"\xf0\x9f\x92\xa9", b"\r", b"\r\n", b"\t", b"\\", b"\\N", b"\\0",
]
UNBALANCED = [
    "'", '"', "`", "(", ")", "((", "))", "/*", "*/", "$$", "$x$", "E'\\", "[", "]", "{", "}", "/*!",
    "/*!50003", "'\\", "--", "#", "$1$", "b'", "x'", "N'", "U&'", "$", "\\",
]

# fmt: on


# -- mutations ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ctx:
    """What a mutation may draw from besides its input."""

    dialect: str
    rng: random.Random
    side: Side


Mutation = Callable[[str, Ctx], str | None]  # text -> mutated text, or None when it does not apply
MUTATIONS: dict[str, Mutation] = {}


def mutation(fn: Mutation) -> Mutation:
    MUTATIONS[fn.__name__.removeprefix("m_")] = fn
    return fn


def _pick_token(text: str, ctx: Ctx, kinds: Sequence[str] | None = None) -> Token | None:
    toks = [t for t in tokens(text) if t.kind != "ws" and (kinds is None or t.kind in kinds)]
    return ctx.rng.choice(toks) if toks else None


def _line_starts(text: str) -> list[int]:
    return [0, *(m.end() for m in re.finditer("\n", text))]


def _insert_line(text: str, ctx: Ctx, line: str) -> str:
    at = ctx.rng.choice(_line_starts(text))
    return text[:at] + line + "\n" + text[at:]


def _tables(text: str) -> list[str]:
    return _TABLE_NAME.findall(text) or ["t"]


def _size(ctx: Ctx) -> int:
    return ctx.rng.choice((64, 200, 500, 1000, 5000, 20000))


@mutation
def m_token_delete(text: str, ctx: Ctx) -> str | None:
    t = _pick_token(text, ctx)
    return None if t is None else text[: t.start] + text[t.end :]


@mutation
def m_token_duplicate(text: str, ctx: Ctx) -> str | None:
    t = _pick_token(text, ctx)
    return None if t is None else text[: t.end] + " " + text[t.start : t.end] + text[t.end :]


@mutation
def m_token_swap(text: str, ctx: Ctx) -> str | None:
    toks = [t for t in tokens(text) if t.kind != "ws"]
    if len(toks) < 2:
        return None
    i = ctx.rng.randrange(len(toks) - 1)
    j = i + 1 if ctx.rng.random() < 0.6 else ctx.rng.randrange(i + 1, len(toks))
    a, b = toks[i], toks[j]
    return (
        text[: a.start]
        + text[b.start : b.end]
        + text[a.end : b.start]
        + text[a.start : a.end]
        + text[b.end :]
    )


@mutation
def m_keyword_swap(text: str, ctx: Ctx) -> str | None:
    t = _pick_token(text, ctx, ("word",))
    if t is None:
        return None
    words = KEYWORDS[ctx.dialect] + TYPES[ctx.dialect]
    return text[: t.start] + ctx.rng.choice(words) + text[t.end :]


@mutation
def m_line_delete(text: str, ctx: Ctx) -> str | None:
    lines = text.splitlines(keepends=True)
    if not lines:
        return None
    i = ctx.rng.randrange(len(lines))
    n = ctx.rng.choice((1, 1, 1, 2, 5))
    return "".join(lines[:i] + lines[i + n :])


@mutation
def m_line_duplicate(text: str, ctx: Ctx) -> str | None:
    lines = text.splitlines(keepends=True)
    if not lines:
        return None
    i = ctx.rng.randrange(len(lines))
    n = ctx.rng.choice((1, 1, 3, 10))
    return "".join(lines[: i + n] + lines[i : i + n] + lines[i + n :])


@mutation
def m_line_swap(text: str, ctx: Ctx) -> str | None:
    lines = text.splitlines(keepends=True)
    if len(lines) < 2:
        return None
    i, j = sorted(ctx.rng.sample(range(len(lines)), 2))
    lines[i], lines[j] = lines[j], lines[i]
    return "".join(lines)


@mutation
def m_truncate(text: str, ctx: Ctx) -> str | None:
    """Cut at a random point, inside a token (mid-word, mid-string, mid-comment) most of the time."""
    toks = [t for t in tokens(text) if t.end - t.start > 1 and t.kind != "ws"]
    strings = [t for t in toks if t.kind in ("string", "dollar", "comment", "qident")]
    r = ctx.rng.random()
    if strings and r < 0.35:
        t = ctx.rng.choice(strings)
    elif toks and r < 0.8:
        t = ctx.rng.choice(toks)
    else:
        return text[: ctx.rng.randrange(len(text) + 1)]
    return text[: ctx.rng.randrange(t.start + 1, t.end)]


@mutation
def m_insert_bytes(text: str, ctx: Ctx) -> str | None:
    """Control characters, NUL, invalid UTF-8, BOMs (as surrogate escapes: written back as bytes)."""
    raw = ctx.rng.choice(INSERT_BYTES)
    if ctx.rng.random() < 0.2:
        raw = bytes(ctx.rng.randrange(256) for _ in range(ctx.rng.randrange(1, 8)))
    toks = tokens(text)
    if toks and ctx.rng.random() < 0.5:
        t = ctx.rng.choice(toks)
        at = ctx.rng.randrange(t.start, t.end + 1)
    else:
        at = ctx.rng.randrange(len(text) + 1)
    return text[:at] + raw.decode("utf-8", "surrogateescape") + text[at:]


@mutation
def m_unbalanced(text: str, ctx: Ctx) -> str | None:
    """A lone quote, parenthesis, comment or dollar-quote opener or closer, or one side of a pair removed."""
    if ctx.rng.random() < 0.3:
        pairs = [t for t in tokens(text) if t.kind in ("string", "qident", "dollar", "comment")]
        pairs += [t for t in tokens(text) if t.kind == "op" and text[t.start] in "()"]
        if pairs:
            t = ctx.rng.choice(pairs)
            at = t.start if ctx.rng.random() < 0.5 else t.end - 1
            return text[:at] + text[at + 1 :]
    at = ctx.rng.randrange(len(text) + 1)
    return text[:at] + ctx.rng.choice(UNBALANCED) + text[at:]


@mutation
def m_deep_nesting(text: str, ctx: Ctx) -> str | None:
    """Hundreds or thousands of nested parentheses, comments, casts, unary operators or array levels."""
    n = _size(ctx)
    kind = ctx.rng.choice(("parens", "parens", "comment", "cast", "unary", "array", "binary", "case", "not"))
    t = _pick_token(text, ctx, ("number", "word", "string"))
    if t is None:
        return None
    inner = text[t.start : t.end]
    if kind == "parens":
        new = "(" * n + inner + ")" * n
    elif kind == "comment":
        new = "/*" * n + " x " + "*/" * n + inner
    elif kind == "cast":
        new = inner + "::int" * n
    elif kind == "unary":
        new = "- " * n + inner
    elif kind == "array":
        new = "ARRAY" + "[" * n + inner + "]" * n
    elif kind == "binary":
        new = " + ".join([inner] * n)
    elif kind == "case":
        new = "CASE WHEN true THEN " * n + inner + " END" * n
    else:
        new = "NOT " * n + inner
    return text[: t.start] + new + text[t.end :]


@mutation
def m_check_nesting(text: str, ctx: Ctx) -> str | None:
    """A CHECK constraint nested hundreds of parentheses deep, added to a table."""
    m = list(re.finditer(r"(?i)\bCREATE\s+TABLE\b[^;(]*\(", text))
    if not m:
        return None
    at = ctx.rng.choice(m).end()
    n = ctx.rng.choice((100, 300, 500, 1000, 3000))
    col = "a" if ctx.rng.random() < 0.5 else "1"
    return text[:at] + f" CHECK ({'(' * n}{col} > 0{')' * n}), " + text[at:]


@mutation
def m_huge_number(text: str, ctx: Ctx) -> str | None:
    t = _pick_token(text, ctx, ("number",))
    if t is None:
        return None
    digits = ctx.rng.choice((19, 20, 39, 40, 310, 4301, 5000))
    new = ctx.rng.choice(
        (
            "9" * digits,
            "-" + "9" * digits,
            "1" + "0" * digits,
            "1e999",
            "-1e999",
            "1e-999",
            "0.0" * 3,
            "-0",
            "00000000000000000001",
            "0x" + "f" * digits,
            "." + "9" * digits,
            "1" * digits + ".5",
            "2147483648",
            "-2147483649",
            "9223372036854775808",
            "18446744073709551616",
            "-1",
            "0",
        )
    )
    return text[: t.start] + new + text[t.end :]


@mutation
def m_huge_identifier(text: str, ctx: Ctx) -> str | None:
    t = _pick_token(text, ctx, ("word", "qident"))
    if t is None:
        return None
    q = "`" if ctx.dialect == "mysql" else '"'
    n = ctx.rng.choice((63, 64, 65, 255, 256, 10_000, 100_000))
    new = ctx.rng.choice(
        (
            "x" * n,
            f"{q}{'y' * n}{q}",
            f"{q}{q}",
            f"{q}a{q}{q}b{q}",
            f"{q}x.y{q}",
            f"{q}a;b{q}",
            f"{q}\n{q}",
            f"{q}é{'ü' * n}{q}",
            f"{q}\U0001f4a9{q}",
            f"{q} {q}",
            f"{q}a--b{q}",
            f"{q}a/*b{q}",
            "_" * n,
            "é" * n,
            f"{q}{'x' * 70}{q}",
        )
    )
    return text[: t.start] + new + text[t.end :]


@mutation
def m_splice(text: str, ctx: Ctx) -> str | None:
    """A prefix of this side and a suffix of another fixture (another dialect now and then)."""
    dialect = ctx.dialect if ctx.rng.random() < 0.85 else ctx.rng.choice(DIALECTS)
    other = _data(ctx.rng.choice(sides()[dialect]).path).decode("utf-8", "surrogateescape")
    if ctx.rng.random() < 0.5:
        a = ctx.rng.choice([*_line_starts(text), len(text)])
        b = ctx.rng.choice(_line_starts(other))
    else:
        a, b = ctx.rng.randrange(len(text) + 1), ctx.rng.randrange(len(other) + 1)
    return text[:a] + other[b:]


@mutation
def m_type_params(text: str, ctx: Ctx) -> str | None:
    """`varchar(((20)))`, negative, zero, huge, missing or extra type parameters."""
    found = list(_TYPE_PARAMS.finditer(text))
    if not found:
        return None
    m = ctx.rng.choice(found)
    p = m.group(2).strip().split(",")[0].strip()
    new = ctx.rng.choice(
        (
            f"(({p}))",
            f"((({p})))",
            f"(-{p})",
            "(0)",
            "(-1)",
            f"({'9' * 30})",
            "(4294967296)",
            f"({p}, {p}, {p})",
            "()",
            f"({p}",
            f"{p})",
            f"({p}.5)",
            f"('{p}')",
            f"({p}) ({p})",
            "(max)",
            "(1e3)",
            f"({p} + 1)",
            "(NULL)",
            "(a)",
            f"(({p}), 2)",
            f"({p},)",
            "(,)",
        )
    )
    return text[: m.start(2) - 1] + new + text[m.end() :]


@mutation
def m_type_swap(text: str, ctx: Ctx) -> str | None:
    found = list(_COLUMN.finditer(text))
    if not found:
        return None
    m = ctx.rng.choice(found)
    ty = ctx.rng.choice(TYPES[ctx.dialect])
    params = ctx.rng.choice(("", "", "(10)", "(10, 2)", "(((5)))", "(-3)", "('a', 'b')", "[]", "[][]", "(0)"))
    return text[: m.start(2)] + ty + params + text[m.end(2) :]


@mutation
def m_unknown_default(text: str, ctx: Ctx) -> str | None:
    """A default calling an unknown function (or another odd default), on a column or replacing one."""
    value = ctx.rng.choice(DEFAULTS[ctx.dialect])
    existing = list(re.finditer(r"(?i)\bDEFAULT\s+", text))
    if existing and ctx.rng.random() < 0.5:
        m = ctx.rng.choice(existing)
        rest = tokens(text[m.end() :])
        cut = m.end() + (rest[0].end if rest else 0)
        return text[: m.end()] + value + text[cut:]
    found = list(_COLUMN.finditer(text))
    if not found:
        return None
    m = ctx.rng.choice(found)
    return text[: m.end(2)] + f" DEFAULT {value}" + text[m.end(2) :]


@mutation
def m_meta_line(text: str, ctx: Ctx) -> str | None:
    """psql meta-commands and COPY for PostgreSQL; DELIMITER, USE and versioned comments for MySQL."""
    return _insert_line(text, ctx, ctx.rng.choice(META_LINES[ctx.dialect]))


@mutation
def m_dump_header(text: str, ctx: Ctx) -> str | None:
    """A dump's comment header (pg_dump's `-- Name: x; Type: ...`), whole or truncated."""
    header = ctx.rng.choice(DUMP_HEADERS[ctx.dialect]).format(name=ctx.rng.choice(_tables(text)))
    if ctx.rng.random() < 0.4:
        header = header[: ctx.rng.randrange(len(header) + 1)]
    return _insert_line(text, ctx, header)


@mutation
def m_statement(text: str, ctx: Ctx) -> str | None:
    """An extra statement about the file's objects or missing ones, sometimes cut short (a dump line
    truncated): ownership, grants, comments, ALTERs, DROPs, duplicates."""
    stmt = ctx.rng.choice(STATEMENTS[ctx.dialect]).format(t=ctx.rng.choice(_tables(text)))
    if ctx.rng.random() < 0.4:
        toks = [t for t in tokens(stmt) if t.kind != "ws"]
        cut = ctx.rng.choice(toks).start if toks else 0
        stmt = stmt[:cut] + ctx.rng.choice(("", ";"))
    return _insert_line(text, ctx, stmt)


@mutation
def m_comment(text: str, ctx: Ctx) -> str | None:
    """A comment in a random place: `--` to the end of a line, `/* */` between tokens, `#`, nested."""
    t = _pick_token(text, ctx)
    at = 0 if t is None else (t.start if ctx.rng.random() < 0.5 else t.end)
    c = ctx.rng.choice(
        (
            "-- x",
            "--",
            "/* x */",
            "/**/",
            "/* /* nested */ */",
            "#",
            "# x",
            "/*!*/",
            "/*+ x */",
            "--\n",
            "-- ;",
            "/* ; */",
            "-- '",
        )
    )
    return text[:at] + c + text[at:]


@mutation
def m_whitespace(text: str, ctx: Ctx) -> str | None:
    """Whitespace removed between tokens or replaced by tabs, form feeds, CR, Unicode spaces."""
    ws = [t for t in tokens(text) if t.kind == "ws"]
    if not ws:
        return None
    new = ctx.rng.choice(
        ("", "\t", "\f", "\v", "\r", "\r\n", "\u00a0", "\u2028", "\u3000", "\u200b", "\n" * 50)
    )
    chosen = ctx.rng.sample(ws, min(len(ws), ctx.rng.choice((1, 3, 20))))
    out, pos = [], 0
    for t in sorted(chosen, key=lambda t: t.start):
        out += [text[pos : t.start], new]
        pos = t.end
    return "".join(out) + text[pos:]


@mutation
def m_case(text: str, ctx: Ctx) -> str | None:
    t = _pick_token(text, ctx, ("word", "qident", "string"))
    if t is None:
        return None
    s = text[t.start : t.end]
    new = ctx.rng.choice((s.upper(), s.lower(), s.swapcase(), s.replace("i", "İ"), s.replace("s", "ſ")))
    return text[: t.start] + new + text[t.end :]


@mutation
def m_char_flip(text: str, ctx: Ctx) -> str | None:
    if not text:
        return None
    out = list(text)
    for _ in range(ctx.rng.choice((1, 1, 2, 5))):
        out[ctx.rng.randrange(len(out))] = chr(
            ctx.rng.choice((ctx.rng.randrange(32, 127), ctx.rng.randrange(0, 0x3000)))
        )
    return "".join(out)


# whole-file transforms applied after the sentinel: the file as another encoding or line ending
def _encode(data: bytes, codec: str) -> bytes:
    return data.decode("utf-8", "surrogateescape").encode(codec, "surrogatepass")


def _latin1(data: bytes) -> bytes:
    """The text in Latin-1 where it can be (what does not fit stays UTF-8, invalid bytes stay)."""
    out = bytearray()
    for ch in data.decode("utf-8", "surrogateescape"):
        o = ord(ch)
        if o < 256:
            out.append(o)
        elif 0xDC80 <= o <= 0xDCFF:
            out.append(o - 0xDC00)
        else:
            out += ch.encode("utf-8", "surrogatepass")
    return bytes(out)


TRANSFORMS: dict[str, Callable[[bytes], bytes]] = {
    "utf16le": lambda d: _encode(d, "utf-16-le"),
    "utf16": lambda d: _encode(d, "utf-16"),  # with a BOM
    "utf16be": lambda d: _encode(d, "utf-16-be"),
    "utf32": lambda d: _encode(d, "utf-32"),
    "bom": lambda d: b"\xef\xbb\xbf" + d,
    "double_bom": lambda d: b"\xef\xbb\xbf\xef\xbb\xbf" + d,
    "utf16_bom_only": lambda d: b"\xff\xfe" + d,
    "latin1": lambda d: _latin1(d.replace(b"'", "'é".encode(), 1)),
    "crlf": lambda d: d.replace(b"\n", b"\r\n"),
    "cr": lambda d: d.replace(b"\n", b"\r"),
}


def sentinel_bytes(dialect: str, transform: str | None) -> bytes:
    """The sentinel as it ends a case's file (re-encoded like the rest)."""
    data = SENTINELS[dialect]
    return (
        TRANSFORMS[transform](data) if transform in ("cr", "crlf", "utf16le", "utf16be", "latin1") else data
    )


# -- cases ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One fuzz input and how to run it; a deterministic function of (seed, index)."""

    seed: int
    index: int
    dialect: str
    side: Side
    base: Path  # the unmutated file on the other side of the comparison
    mutations: tuple[str, ...]
    body: bytes  # the mutated fixture text
    transform: str | None  # whole-file re-encoding applied after the sentinel
    options: tuple[str, ...]  # extra options for the compare runs
    snapshot: bool  # also run `snapshot MUTATED`
    stdin: bool  # (campaign) also run as a subprocess with the mutated side on standard input

    @property
    def data(self) -> bytes:
        """The file given to ddlcompare: the mutated text, the sentinel, then the re-encoding."""
        data = self.body + SENTINELS[self.dialect]
        return TRANSFORMS[self.transform](data) if self.transform else data

    @property
    def id(self) -> str:
        return f"{self.seed}:{self.index}"

    def describe(self) -> str:
        extra = f" then {self.transform}" if self.transform else ""
        return f"case {self.id} [{self.dialect}] {self.side.name}: {', '.join(self.mutations)}{extra}"


def make_case(seed: int, index: int, dialect: str | None = None, stdin_rate: float = 0.0) -> Case:
    """Case `index` of the campaign `seed`: dialects alternate unless one is given."""
    rng = random.Random(f"ddlcompare-fuzz:{seed}:{index}")
    dialect = dialect or DIALECTS[index % 2]
    side = rng.choice(sides()[dialect])
    base = side.path if rng.random() < 0.5 else side.other
    ctx = Ctx(dialect, rng, side)
    text = _data(side.path).decode("utf-8", "surrogateescape")
    names = sorted(MUTATIONS)
    applied: list[str] = []
    for _ in range(rng.choice((1, 1, 1, 2, 2, 3))):
        for _attempt in range(10):
            name = rng.choice(names)
            new = MUTATIONS[name](text, ctx)
            if new is not None and new != text and len(new) <= MAX_BODY:
                text = new
                applied.append(name)
                break
    transform = rng.choice(sorted(TRANSFORMS)) if rng.random() < 0.05 else None
    options: list[str] = []
    fmt = rng.choice(("sql", "sql", "sql", "rollback", "json", "markdown", "dot"))
    if fmt != "sql":
        options += ["--format", fmt]
    if rng.random() < 0.3:
        options += ["--owners", "--privileges"]
    if rng.random() < 0.5:
        options += ["--dialect", dialect]
    if rng.random() < 0.1:
        options.append("--allow-destructive")
    if rng.random() < 0.1:
        options.append("--strict")
    snapshot, stdin = rng.random() < 0.25, rng.random() < stdin_rate
    # drawn last, so the cases of earlier campaigns stay what they were
    if rng.random() < 0.2:
        options.append("--online")
    return Case(
        seed=seed,
        index=index,
        dialect=dialect,
        side=side,
        base=base,
        mutations=tuple(applied),
        body=text.encode("utf-8", "surrogateescape"),
        transform=transform,
        options=tuple(options),
        snapshot=snapshot,
        stdin=stdin,
    )


# -- oracle ------------------------------------------------------------------------------------------------

FAILURE_KINDS = (
    "crash", "internal_error", "bad_exit", "traceback_text", "no_error", "unpositioned", "truncation",
    "bad_encoding", "timeout", "fatal", "hang",
)  # fmt: skip
NOTE_KINDS = ("slow", "swallowed")  # reported, not failures
_FRAME = re.compile(r'File "(?P<file>[^"]+)", line (?P<line>\d+), in (?P<func>\S+)')
_EXC_LINE = re.compile(
    r"^(?P<type>[A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt|Warning|Timeout|Iteration)\b)"
)
# errors about both files as a whole, rightly without a position
_WHOLE_FILE = re.compile(r"error: the two sides are of different dialects")


@dataclass(frozen=True)
class Finding:
    """One broken promise of one run. `key` groups findings of one bug (see `crash_key`)."""

    kind: str
    key: str
    argv: tuple[str, ...]
    detail: str
    location: str = ""  # file:line of the innermost project frame, for crashes
    seconds: float = 0.0


@dataclass(frozen=True)
class Verdict:
    """Every run of one case: exit codes, findings, time."""

    case: Case
    codes: tuple[int, ...]
    findings: tuple[Finding, ...]
    seconds: float
    runs: tuple[tuple[tuple[str, ...], Run], ...] = field(default=(), repr=False)


def _project_frames(tb: str) -> list[tuple[str, str, str]]:
    """(file relative to the repository, line, function) of the traceback's ddlcompare frames."""
    out = []
    for m in _FRAME.finditer(tb):
        f = m["file"].replace("\\", "/")
        i = f.rfind("/ddlcompare/")
        if i >= 0 and "/tests/" not in f[:i]:
            out.append((f[i + 1 :], m["line"], m["func"]))
    return out


def exception_type(tb: str) -> str:
    """The type of the last exception of a traceback (the one that escaped)."""
    for line in reversed(tb.strip().splitlines()):
        m = _EXC_LINE.match(line)
        if m:
            return m["type"].rsplit(".", 1)[-1]
    return "unknown"


def crash_key(tb: str) -> tuple[str, str]:
    """(`Type at file:function`, `file:line`) of a traceback: the innermost ddlcompare frame names
    the place to fix (the frame calling into sqlglot or pglast when the library raised). For a
    RecursionError the frame that repeats most is the recursion, whichever frame hit the limit."""
    etype = exception_type(tb)
    frames = _project_frames(tb)
    if not frames:
        return f"{etype} outside ddlcompare", ""
    f, line, func = frames[-1]
    if etype == "RecursionError":
        counts: dict[tuple[str, str], int] = {}
        for ff, _, fn in frames:
            counts[(ff, fn)] = counts.get((ff, fn), 0) + 1
        (f, func), n = max(counts.items(), key=lambda kv: kv[1])
        if n > 1:
            line = next(ln for ff, ln, fn in reversed(frames) if (ff, fn) == (f, func))
        else:
            f, line, func = frames[-1]
    return f"{etype} at {f}:{func}", f"{f}:{line}"


def _normalise_message(msg: str) -> str:
    msg = re.sub(r"(['\"`]).*?\1", r"\1…\1", msg)
    return re.sub(r"\d+", "N", msg)[:160]


def check_run(
    run_: Run,
    argv: Sequence[str],
    *,
    sentinel: bool,
    seconds: float,
    mutated: str | None = None,
    nul: bool = False,
    utf8: bool = True,
    debug: Callable[[], Run] | None = None,
) -> list[Finding]:
    """What `run_` of `argv` breaks. `sentinel`: the mutated file (`mutated` in argv) ends with the
    sentinel; `nul`: it holds a NUL byte; `utf8`: it is valid UTF-8 (after a BOM); `debug`: reruns
    with `--debug` (for internal errors)."""
    out: list[Finding] = []
    av = tuple(argv)

    def add(kind: str, key: str, detail: str, location: str = "") -> None:
        out.append(Finding(kind, key, av, detail, location, seconds))

    if run_.crash:
        if "FuzzTimeout" in run_.crash:
            add("timeout", "timeout", f"stopped after {TIMEOUT_SECONDS:.0f} s")
            return out
        key, loc = crash_key(run_.crash)
        add("crash", key, run_.crash, loc)
        return out
    if run_.code not in (0, 1, 2):
        add("bad_exit", f"exit {run_.code}", run_.stderr[-2000:])
    if "Traceback (most recent call last)" in run_.stderr + run_.stdout:
        key, loc = crash_key(run_.stderr + run_.stdout)
        add("traceback_text", key, run_.stderr[-4000:], loc)
    elif "internal error" in run_.stderr:
        # the crash contract's safety net: group by the traceback `--debug` shows, if it does
        dbg = debug() if debug is not None else None
        tb = (dbg.crash or dbg.stderr) if dbg is not None else ""
        if "Traceback (most recent call last)" in tb:
            key, loc = crash_key(tb)
        else:
            line = next((ln for ln in run_.stderr.splitlines() if "internal error" in ln), "")
            key, loc = f"internal error: {_normalise_message(line.split('internal error', 1)[1])}", ""
        add("internal_error", key, run_.stderr[-2000:] + ("\n--debug:\n" + tb[-4000:] if tb else ""), loc)
    if run_.code == 2 and "internal error" not in run_.stderr and not out:
        if "error:" not in run_.stderr:
            add("no_error", "exit 2 without an error line", run_.stderr[-2000:])
        elif run_.error_line is None and not _WHOLE_FILE.search(run_.stderr):
            line = next((ln for ln in run_.stderr.splitlines() if "error:" in ln), "")
            add("unpositioned", f"unpositioned: {_normalise_message(line)}", run_.stderr[-2000:])
    if not utf8 and run_.code in (0, 1):
        # a file that is not UTF-8 is an error with its position; read anyway, its bytes turn into
        # replacement characters or surrogates in the model and the scripts
        add("bad_encoding", "invalid UTF-8 accepted", run_.stderr[-1000:])
    if nul and run_.code in (0, 1):
        # the server rejects a NUL byte; read as the end of a statement it silently drops the rest
        add("truncation", "truncation: a NUL byte in the input silently lost", run_.stderr[-1000:])
    elif sentinel and run_.code in (0, 1):
        said = (run_.stdout + run_.stderr).lower()
        warned = [ln for ln in run_.stderr.lower().splitlines() if "warning:" in ln]
        if SENTINEL not in said and (_shows_text(argv, mutated) or not warned):
            add(
                "truncation",
                "truncation: the end of the input silently lost",
                run_.stdout[-1000:] + run_.stderr[-1000:],
            )
        elif any(SENTINEL in ln for ln in warned) or SENTINEL not in said:
            # read as (part of) an opaque statement, with a warning: not silent, but worth a look
            msg = _normalise_message(
                next((ln for ln in warned if SENTINEL in ln), warned[0]).split("warning:", 1)[1]
            )
            add("swallowed", f"swallowed: {msg}", "\n".join(warned)[-2000:])
    if seconds > SLOW_SECONDS:
        add("slow", "slow", f"{seconds:.1f} s")
    return out


def is_utf8(data: bytes) -> bool:
    """Whether a file is valid UTF-8 once a UTF-8 byte order mark is taken off."""
    try:
        data.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _shows_text(argv: Sequence[str], mutated: str | None) -> bool:
    """Whether the output of `argv` shows the text of what the mutated file creates, so the
    sentinel must be in it even when it went into an opaque statement (whose drop shows only a
    name): a snapshot, JSON (both scripts), the forward script to it, the rollback script from it."""
    if not argv or argv[0] == "snapshot":
        return True
    fmt = argv[argv.index("--format") + 1] if "--format" in argv[:-1] else "sql"
    new_side = len(argv) > 1 and argv[1] == mutated
    return fmt == "json" or (fmt == "sql" and new_side) or (fmt == "rollback" and not new_side)


class FuzzTimeout(BaseException):
    """A run over TIMEOUT_SECONDS (a BaseException: nothing in ddlcompare may catch it)."""


def _alarm(signum: int, frame: object) -> None:
    raise FuzzTimeout


def fresh_state() -> None:
    """Undo what one in-process run leaves behind that a new process would not have.

    The PostgreSQL parser keeps the previous file's statements to replay them in the next file
    (within one command that is the other side; across fuzz runs it would be the previous case),
    and the CLI freezes loaded schemas out of the cyclic collector's reach (a leak over thousands
    of runs)."""
    replay = sys.modules.get("ddlcompare.dialects.postgres.replay")
    if replay is not None:
        replay.CACHE.clear()
    gc.unfreeze()


def run_timed(argv: Sequence[str]) -> tuple[Run, float]:
    """One in-process run with a wall-clock limit (main thread only: the limit is SIGALRM)."""
    fresh_state()
    use_alarm = hasattr(signal, "setitimer") and _is_main_thread()
    old = signal.signal(signal.SIGALRM, _alarm) if use_alarm else None
    if use_alarm:
        signal.setitimer(signal.ITIMER_REAL, TIMEOUT_SECONDS)
    t0 = time.perf_counter()
    try:
        r = run(*argv)
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old)
    return r, time.perf_counter() - t0


def _is_main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


def invocations(case: Case, mutated: str, base: str | None = None) -> list[tuple[str, ...]]:
    """The command lines of a case, the mutated file being at `mutated`."""
    b = base or str(case.base)
    out = [(b, mutated, *case.options), (mutated, b, *case.options)]
    if case.snapshot:
        snap = ["--dialect", case.dialect] if "--dialect" in case.options else []
        if "--owners" in case.options:
            snap += ["--owners", "--privileges"]
        out.append(("snapshot", mutated, *snap))
    return out


def _debug_rerun(argv: tuple[str, ...]) -> Callable[[], Run]:
    return lambda: run_timed((*argv, "--debug"))[0]


def check_case(case: Case, workdir: Path, *, keep_runs: bool = False) -> Verdict:
    """Write the case's file under `workdir`, run its command lines in-process (and through
    standard input in a subprocess when the case asks) and collect the findings."""
    mutated = workdir / "mutated.sql"
    mutated.write_bytes(case.data)
    # re-encoded files too: exit 0 or 1 claims the file was read, so its last statement was
    sentinel = True
    nul = b"\x00" in case.data
    utf8 = is_utf8(case.data)
    codes: list[int] = []
    findings: list[Finding] = []
    runs: list[tuple[tuple[str, ...], Run]] = []
    t0 = time.perf_counter()
    for argv in invocations(case, str(mutated)):
        r, secs = run_timed(argv)
        codes.append(r.code)
        findings += check_run(
            r,
            argv,
            sentinel=sentinel,
            seconds=secs,
            mutated=str(mutated),
            nul=nul,
            utf8=utf8,
            debug=_debug_rerun(argv),
        )
        if keep_runs:
            runs.append((argv, r))
    if case.stdin:
        argv = (str(case.base), "-", *case.options)
        t1 = time.perf_counter()
        r = run_stdin(argv, case.data)
        codes.append(r.code)
        findings += check_run(
            r, argv, sentinel=sentinel, seconds=time.perf_counter() - t1, mutated="-", nul=nul, utf8=utf8
        )
    return Verdict(case, tuple(codes), tuple(findings), time.perf_counter() - t0, tuple(runs))


_FULL_TRACEBACK = (
    # the console script's traceback with every frame: Python prints only the innermost 1,000,
    # which for a RecursionError are all inside the library, hiding the ddlcompare frame to fix
    "import sys; sys.tracebacklimit = 1_000_000; from ddlcompare.cli import main; main()"
)


def run_stdin(argv: Sequence[str], data: bytes) -> Run:
    """`ddlcompare ARGV` as a subprocess (like `run_process`) with `data` on standard input."""
    proc = subprocess.run(
        [sys.executable, "-c", _FULL_TRACEBACK, *argv], cwd=ROOT, input=data, capture_output=True, check=False
    )
    stderr = proc.stderr.decode("utf-8", "replace")
    crash = stderr if "Traceback (most recent call last)" in stderr else ""
    return Run(proc.returncode, proc.stdout.decode("utf-8", "replace"), stderr, crash)


def run_cases(cases: Sequence[Case]) -> Iterator[Verdict]:
    """Check cases one after the other in a private temporary directory."""
    with tempfile.TemporaryDirectory(prefix="ddlcompare-fuzz-") as tmp:
        for case in cases:
            yield check_case(case, Path(tmp))


# -- reproducing and minimising -----------------------------------------------------------------------


def reproducer(argv: Sequence[str], mutated: str, input_name: str, base_name: str | None = None) -> str:
    """The command line of a finding with the mutated file renamed (as saved next to it)."""
    out = []
    for a in argv:
        if a == mutated:
            out.append(input_name)
        elif base_name is not None and a.endswith(".sql") and Path(a).is_file():
            out.append(base_name)
        else:
            out.append(a)
    return "ddlcompare " + " ".join(shlex.quote(a) for a in out)


def still_fails(argv: Sequence[str], mutated: str, key: str, workdir: Path) -> Callable[[bytes], bool]:
    """A predicate for `minimize`: does `argv`, with these bytes as the mutated file, still give a
    finding with `key` (crash keys ignore the kind: a crash and an internal error are one bug)."""
    path = workdir / "minimize.sql"
    av = [str(path) if a == mutated else a for a in argv]

    def check(data: bytes) -> bool:
        path.write_bytes(data)
        r, secs = run_timed(av)
        got = check_run(
            r,
            av,
            sentinel=SENTINEL.encode() in data,
            seconds=secs,
            mutated=str(path),
            nul=b"\x00" in data,
            utf8=is_utf8(data),
            debug=_debug_rerun(tuple(av)),
        )
        return any(f.key == key for f in got)

    return check


def minimize(
    data: bytes, fails: Callable[[bytes], bool], *, keep_suffix: bytes = b"", budget: int = 1500
) -> bytes:
    """A smaller input that still `fails` (delta debugging over lines, then tokens, then bytes).

    `keep_suffix` (the sentinel) stays at the end of every candidate. At most `budget` checks."""
    calls = 0
    body = data[: len(data) - len(keep_suffix)] if keep_suffix and data.endswith(keep_suffix) else data
    suffix = keep_suffix if body is not data else b""

    def test(parts: list[bytes]) -> bool:
        nonlocal calls
        calls += 1
        return fails(b"".join(parts) + suffix)

    def ddmin(parts: list[bytes]) -> list[bytes]:
        n = 2
        while len(parts) >= 2 and calls < budget:
            chunk = max(1, len(parts) // n)
            reduced = False
            for i in range(0, len(parts), chunk):
                candidate = parts[:i] + parts[i + chunk :]
                if candidate and test(candidate):
                    parts, n, reduced = candidate, max(n - 1, 2), True
                    break
                if calls >= budget:
                    break
            if not reduced:
                if chunk == 1:
                    break
                n = min(len(parts), n * 2)
        return parts

    parts = ddmin(body.splitlines(keepends=True))
    text = b"".join(parts).decode("utf-8", "surrogateescape")
    toks = [text[t.start : t.end].encode("utf-8", "surrogateescape") for t in tokens(text)]
    parts = ddmin(toks)
    small = b"".join(parts)
    if len(small) <= 400:
        parts = ddmin([bytes([c]) for c in small])
    return b"".join(parts) + suffix
