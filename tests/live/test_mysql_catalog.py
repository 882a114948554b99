"""The live MySQL/MariaDB catalog reader vs mariadb-dump: same statements, fixed query count, no writes."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from ddlcompare.dialects.mysql import split as mysplit
from ddlcompare.dialects.mysql.catalog import parse_url, read_catalog, redact, strip_db
from ddlcompare.errors import DdlError
from tests.support import corpus
from tests.support import mysql_url as my
from tests.support.servers import MY_SOCKET, require_mariadb

ROOT = Path(__file__).resolve().parents[2]
TARGET_RATE = 0.98

# A rich schema: every column type family, charsets, defaults of every kind, keys of every kind,
# foreign keys, checks, partitions of each kind, views, triggers, routines, events, a sequence and
# system-versioned tables (MariaDB 10.11 syntax).
FIXTURE = r"""
CREATE TABLE parent (
  id int unsigned NOT NULL AUTO_INCREMENT,
  code varchar(20) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  name varchar(100) COLLATE utf8mb4_unicode_ci NOT NULL DEFAULT 'it''s',
  latin varchar(10) CHARACTER SET latin1 DEFAULT 'x',
  PRIMARY KEY (id),
  UNIQUE KEY uq_code (code),
  KEY ix_name_prefix (name(10))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci COMMENT='parent''s table';
INSERT INTO parent (code, name) VALUES ('a', 'b');

CREATE TABLE kitchen (
  id bigint(20) unsigned zerofill NOT NULL AUTO_INCREMENT,
  ti tinyint NOT NULL DEFAULT -1,
  si smallint unsigned DEFAULT 7,
  mi mediumint DEFAULT NULL,
  b1 bit(1) DEFAULT b'1',
  b8 bit(8) NOT NULL DEFAULT b'101',
  bo boolean NOT NULL DEFAULT TRUE,
  de decimal(12,4) unsigned NOT NULL DEFAULT 0.5,
  fl float(7,3) DEFAULT 1.5,
  dbl double NOT NULL DEFAULT 1e10,
  re real DEFAULT NULL,
  d date NOT NULL DEFAULT '2020-01-01',
  dt datetime(3) NOT NULL DEFAULT current_timestamp(3) ON UPDATE current_timestamp(3),
  ts timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  ts2 timestamp NULL DEFAULT NULL,
  ts3 timestamp(6) NOT NULL DEFAULT '2001-02-03 04:05:06.789',
  tm time(2) DEFAULT '12:34:56.78',
  yr year DEFAULT 2024,
  c char(3) NOT NULL DEFAULT '',
  vc varchar(255) CHARACTER SET utf8mb3 COLLATE utf8mb3_bin DEFAULT 'a\\b"c',
  bn binary(4) DEFAULT 'ab',
  vb varbinary(16) DEFAULT NULL,
  tt tinytext,
  tx text COLLATE utf8mb4_bin DEFAULT ('hello'),
  mt mediumtext NOT NULL,
  lt longtext CHARACTER SET latin1,
  bl blob,
  mbl mediumblob,
  lbl longblob,
  en enum('a','b''q','c') NOT NULL DEFAULT 'b''q',
  st set('x','y','z') DEFAULT 'x,z',
  js json DEFAULT NULL CHECK (json_valid(js)),
  js2 longtext CHARACTER SET utf8mb4 COLLATE utf8mb4_bin DEFAULT '{}',
  g geometry DEFAULT NULL,
  pt point NOT NULL,
  ls linestring DEFAULT NULL,
  pg polygon DEFAULT NULL,
  mp multipoint DEFAULT NULL,
  gc geometrycollection DEFAULT NULL,
  u uuid DEFAULT NULL,
  i4 inet4 DEFAULT NULL,
  i6 inet6 DEFAULT NULL,
  expr_def int DEFAULT (1 + 2),
  rnd double DEFAULT rand(),
  uu varchar(36) DEFAULT uuid(),
  gen_v int GENERATED ALWAYS AS (ti * 2) VIRTUAL,
  gen_s varchar(40) AS (concat(uu, '-')) STORED,
  hidden int INVISIBLE DEFAULT 5 COMMENT 'not in SELECT *',
  cmt int COMMENT 'with ''quote'' and \\ backslash' CHECK (cmt > 0),
  comp blob COMPRESSED,
  parent_id int unsigned DEFAULT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_ti_si (ti, si),
  KEY ix_desc (d DESC, dt),
  KEY ix_ignored (mi) COMMENT 'ignored too' IGNORED,
  KEY ix_cmt (yr) COMMENT 'index comment',
  KEY ix_gen (gen_v),
  KEY ix_hash_blob (bl(20)),
  UNIQUE KEY uq_long (mt),
  FULLTEXT KEY ft_tx (tt, mt),
  SPATIAL KEY sp_pt (pt),
  CONSTRAINT fk_parent FOREIGN KEY (parent_id) REFERENCES parent (id) ON DELETE SET NULL ON UPDATE CASCADE,
  CONSTRAINT chk_de CHECK (de >= 0),
  CHECK (si < 1000)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 ROW_FORMAT=DYNAMIC STATS_PERSISTENT=0 COMMENT='kitchen sink';

CREATE TABLE child (
  a int NOT NULL,
  b int NOT NULL,
  p int unsigned,
  `weird ``name``` int DEFAULT NULL,
  PRIMARY KEY (a, b),
  CONSTRAINT fk_c1 FOREIGN KEY (p) REFERENCES parent (id) ON DELETE CASCADE,
  CONSTRAINT fk_c0 FOREIGN KEY (p) REFERENCES parent (id) ON DELETE NO ACTION ON UPDATE RESTRICT
) ENGINE=InnoDB ROW_FORMAT=COMPACT;

CREATE TABLE myisam_t (id int NOT NULL, v varchar(10), KEY (v))
  ENGINE=MyISAM CHECKSUM=1 PACK_KEYS=1 DELAY_KEY_WRITE=1 MAX_ROWS=1000 MIN_ROWS=10 AVG_ROW_LENGTH=50
  DEFAULT CHARSET=latin1;
CREATE TABLE aria_t (id int NOT NULL PRIMARY KEY) ENGINE=Aria TRANSACTIONAL=1 PAGE_CHECKSUM=1;
CREATE TABLE mem_t (id int NOT NULL, k int, PRIMARY KEY (id), KEY kb (k) USING BTREE) ENGINE=MEMORY;
CREATE TABLE comp_t (id int PRIMARY KEY) ENGINE=InnoDB ROW_FORMAT=COMPRESSED KEY_BLOCK_SIZE=8;
CREATE TABLE pc_t (id int PRIMARY KEY) ENGINE=InnoDB PAGE_COMPRESSED=1 PAGE_COMPRESSION_LEVEL=3
  STATS_AUTO_RECALC=1 STATS_SAMPLE_PAGES=10;

CREATE TABLE p_range (id int NOT NULL, d date NOT NULL, PRIMARY KEY (id, d))
  PARTITION BY RANGE (year(d)) (PARTITION p2019 VALUES LESS THAN (2020) COMMENT 'old',
  PARTITION p2020 VALUES LESS THAN (2021), PARTITION pmax VALUES LESS THAN MAXVALUE);
CREATE TABLE p_list (id int NOT NULL, r int NOT NULL)
  PARTITION BY LIST (r)
  (PARTITION pa VALUES IN (1,2), PARTITION pb VALUES IN (3), PARTITION pn VALUES IN (NULL));
CREATE TABLE p_hash (id int NOT NULL) PARTITION BY HASH (id) PARTITIONS 4;
CREATE TABLE p_hash_named (id int NOT NULL) PARTITION BY HASH (id) (PARTITION a, PARTITION b);
CREATE TABLE p_lhash (id int NOT NULL) PARTITION BY LINEAR HASH (id % 7) PARTITIONS 3;
CREATE TABLE p_key (id int NOT NULL PRIMARY KEY) PARTITION BY KEY () PARTITIONS 2;
CREATE TABLE p_lkey (id int NOT NULL, s varchar(5) NOT NULL) PARTITION BY LINEAR KEY (id, s) PARTITIONS 3;
CREATE TABLE p_rcols (a int NOT NULL, b varchar(5) NOT NULL) PARTITION BY RANGE COLUMNS (a, b)
  (PARTITION p0 VALUES LESS THAN (10, 'm'), PARTITION p1 VALUES LESS THAN (MAXVALUE, MAXVALUE));
CREATE TABLE p_lcols (c varchar(5) NOT NULL) PARTITION BY LIST COLUMNS (c)
  (PARTITION p0 VALUES IN ('a','b'), PARTITION p1 VALUES IN ('c'));
CREATE TABLE p_sub (id int NOT NULL, d date NOT NULL) PARTITION BY RANGE (year(d))
  SUBPARTITION BY HASH (to_days(d)) SUBPARTITIONS 2
  (PARTITION p0 VALUES LESS THAN (2000), PARTITION p1 VALUES LESS THAN MAXVALUE);
CREATE TABLE p_sub2 (id int NOT NULL, d date NOT NULL) PARTITION BY RANGE (year(d)) SUBPARTITION BY KEY (id)
  (PARTITION p0 VALUES LESS THAN (2000) (SUBPARTITION s0, SUBPARTITION s1),
   PARTITION p1 VALUES LESS THAN MAXVALUE (SUBPARTITION s2, SUBPARTITION s3));

CREATE TABLE versioned (id int PRIMARY KEY, v int) COMMENT 'history kept' WITH SYSTEM VERSIONING;
CREATE TABLE versioned2 (id int PRIMARY KEY, v int WITHOUT SYSTEM VERSIONING,
  rs timestamp(6) GENERATED ALWAYS AS ROW START INVISIBLE,
  re timestamp(6) GENERATED ALWAYS AS ROW END INVISIBLE,
  PERIOD FOR SYSTEM_TIME(rs, re)) WITH SYSTEM VERSIONING;
CREATE TABLE p_vers (id int) WITH SYSTEM VERSIONING
  PARTITION BY SYSTEM_TIME INTERVAL 1 MONTH STARTS '2024-01-01 00:00:00' PARTITIONS 3;
CREATE TABLE app_period (id int, s date NOT NULL, e date NOT NULL, PERIOD FOR valid(s, e),
  UNIQUE KEY (id, valid WITHOUT OVERLAPS));

CREATE SEQUENCE seq1 START WITH 100 INCREMENT BY 5 MINVALUE 10 MAXVALUE 100000 CACHE 20 CYCLE;
CREATE SEQUENCE seq2;
CREATE SEQUENCE seq3 NOCACHE COMMENT 'commented sequence';
CREATE TABLE uses_seq (id bigint NOT NULL DEFAULT nextval(seq2) PRIMARY KEY);

CREATE ALGORITHM=MERGE SQL SECURITY INVOKER VIEW v_parent AS
  SELECT id, code, 'lit''x' AS lit FROM parent WHERE id > 1 WITH CASCADED CHECK OPTION;
CREATE ALGORITHM=TEMPTABLE VIEW v_join AS
  SELECT p.id, k.ti AS `kitchen ti`, count(*) AS n FROM parent p JOIN kitchen k ON k.parent_id = p.id
  GROUP BY p.id, k.ti;
CREATE VIEW v_local AS SELECT * FROM v_parent WITH LOCAL CHECK OPTION;
CREATE VIEW v_union AS SELECT id FROM parent UNION ALL SELECT a FROM child;
CREATE VIEW v_other_db AS SELECT 1 AS one, 'ddlc_mycat_x.y' AS s FROM information_schema.COLLATIONS LIMIT 1;

DELIMITER ;;
CREATE TRIGGER trg_bi BEFORE INSERT ON parent FOR EACH ROW
BEGIN
  -- a comment; with semicolon
  SET NEW.name = concat(NEW.name, '!');
END;;
CREATE DEFINER=`root`@`localhost` TRIGGER trg_bi2 BEFORE INSERT ON parent FOR EACH ROW FOLLOWS trg_bi
  SET NEW.code = upper(NEW.code);;
CREATE TRIGGER trg_au AFTER UPDATE ON kitchen FOR EACH ROW
  INSERT INTO child (a, b, p) VALUES (OLD.ti, NEW.ti, NULL);;
CREATE PROCEDURE proc_a(IN p_id INT, OUT p_cnt BIGINT UNSIGNED, INOUT p_s VARCHAR(20) CHARSET latin1)
  COMMENT 'counts'
  READS SQL DATA
  SQL SECURITY INVOKER
BEGIN
  SELECT count(*) INTO p_cnt FROM parent WHERE id > p_id;
  SET p_s = concat(p_s, 'x');
END;;
CREATE PROCEDURE proc_noargs() SELECT 1;;
CREATE FUNCTION fn_add(a INT, b DECIMAL(10,2)) RETURNS decimal(12,2)
  DETERMINISTIC
  NO SQL
RETURN a + b;;
CREATE FUNCTION fn_str(s TEXT) RETURNS varchar(50) CHARSET utf8mb4 COLLATE utf8mb4_bin
  RETURN left(s, 50);;
CREATE FUNCTION fn_txt(s TEXT) RETURNS text RETURN s;;
CREATE FUNCTION fn_blob(s BLOB) RETURNS blob MODIFIES SQL DATA RETURN s;;
CREATE EVENT ev_once ON SCHEDULE AT '2030-01-01 00:00:00' ON COMPLETION PRESERVE DISABLE COMMENT 'once'
  DO DELETE FROM child WHERE a < 0;;
CREATE EVENT ev_every ON SCHEDULE EVERY 1 DAY STARTS '2024-01-01 03:00:00' ENDS '2031-01-01 00:00:00' DO
BEGIN
  DELETE FROM child WHERE a < 0;
  DELETE FROM child WHERE b < 0;
END;;
CREATE EVENT ev_comp ON SCHEDULE EVERY '1:30' HOUR_MINUTE STARTS '2024-05-06 07:08:09' DO SELECT 1;;
DELIMITER ;
SET sql_mode = 'ANSI_QUOTES,NO_ENGINE_SUBSTITUTION';
CREATE PROCEDURE "proc_ansi"() SELECT "x";
SET sql_mode = DEFAULT;
"""

# What information_schema cannot show (catalog.KNOWN_GAPS): each statement here is expected to differ.
GAPS_FIXTURE = r"""
CREATE TABLE gap_btree (id int NOT NULL, KEY ix (id) USING BTREE) ENGINE=InnoDB;
CREATE TABLE gap_list_default (r int NOT NULL)
  PARTITION BY LIST (r) (PARTITION p1 VALUES IN (1), PARTITION pd DEFAULT);
CREATE TABLE gap_vers_limit (id int) WITH SYSTEM VERSIONING PARTITION BY SYSTEM_TIME LIMIT 1000 PARTITIONS 3;
CREATE VIEW gap_introducer AS SELECT _latin1'x' AS x;
"""
GAP_KEYS = {
    ("TABLE", "gap_btree"),
    ("TABLE", "gap_list_default"),
    ("TABLE", "gap_vers_limit"),
}

# --------------------------------------------------------------------------------------------
# Comparing two dump texts statement by statement

_WS = re.compile(r"\s+")
_AUTO_INC = re.compile(r" AUTO_INCREMENT=\d+")
_LITERAL_OR_CODE = re.compile(r"'(?:[^'\\]|\\.|'')*'|\"(?:[^\"\\]|\\.|\"\")*\"|`(?:[^`]|``)*`|[^'\"`]+", re.S)
_INT_WIDTH = re.compile(r"\b(tinyint|smallint|mediumint|int|integer|bigint)\(\d+\)", re.I)
_INTRODUCER = re.compile(r"(?<![\w$])_(?:utf8mb3|utf8mb4|utf8|latin1|ascii)'")
_NAME = re.compile(r"(`(?:[^`]|``)*`|\"(?:[^\"]|\"\")*\"|[\w$]+)")


def _light(text: str) -> str:
    """Whitespace outside literals collapsed; AUTO_INCREMENT counters removed."""
    out = []
    for m in _LITERAL_OR_CODE.finditer(text):
        tok = m.group(0)
        out.append(tok if tok[0] in "'\"`" else _WS.sub(" ", tok))
    return _AUTO_INC.sub("", "".join(out).strip()).replace("( ", "(").replace(" )", ")")


def _header(text: str) -> str:
    """Beyond _light: identifier quotes, keyword case, integer display widths and introducers ignored.

    For the parts SHOW CREATE keeps as the user typed them and information_schema only has in parsed
    form: trigger headers, routine parameter lists, character set introducers of view literals.
    """
    out = []
    for m in _LITERAL_OR_CODE.finditer(_light(text)):
        tok = m.group(0)
        if tok[0] == "`" or (tok[0] == '"' and not tok.startswith("\"'")):
            out.append(tok[1:-1].replace(tok[0] * 2, tok[0]).lower())
        elif tok[0] == "'":
            out.append(tok)
        else:
            out.append(_INT_WIDTH.sub(r"\1", tok.lower()))
    text = "".join(out)
    # a procedure parameter without a mode is IN
    proc = re.match(r"(create definer=\S+ procedure \S+?\()(.*?)(\)\s)", text, re.S)
    if proc:
        params = [p.strip() for p in proc.group(2).split(",") if p.strip()]
        params = [p if re.match(r"(in|out|inout)\s", p) else f"in {p}" for p in params]
        text = proc.group(1) + ", ".join(params) + text[proc.end(2) :]
    text = (
        re.sub(r"\s+", " ", text).replace(" (", "(").replace("( ", "(").replace(" )", ")").replace(" ,", ",")
    )
    # information_schema.VIEWS keeps the query without character set introducers (view_body_utf8)
    return _INTRODUCER.sub("'", text)


def _key(stmt: str) -> tuple[str, str] | None:
    kind = mysplit.create_kind(stmt)
    if kind is not None:
        m = re.search(rf"\b{kind.split()[-1]}\s+(?:IF\s+NOT\s+EXISTS\s+)?{_NAME.pattern}", stmt, re.I)
        return (kind, mysplit.unquote(m.group(1)) if m else "?")
    m = re.match(r"DO\s+SETVAL\(\s*" + _NAME.pattern, stmt, re.I)
    if m:
        return ("SETVAL", mysplit.unquote(m.group(1)))
    return None


def statements(text: str) -> dict[tuple[str, str], str]:
    """The schema statements of a dump: (kind, name) -> text, view placeholders and session noise dropped."""
    raw = mysplit.split(text, "<dump>")
    skip = mysplit.superseded_placeholders(raw)
    out: dict[tuple[str, str], str] = {}
    for i, st in enumerate(raw):
        if i in skip or mysplit.is_noise(st):
            continue
        body = st.text.strip()
        if re.match(r"DROP\s", body, re.I):
            continue
        key = _key(body)
        if key is None:
            continue
        if key[0] == "TRIGGER":
            # triggers are per table: keep them apart from a table of the same name
            key = ("TRIGGER", key[1])
        out[key] = body
    return out


@dataclass
class Comparison:
    """Statement-by-statement result of one database."""

    name: str
    total: int = 0
    exact: int = 0
    header_equal: int = 0
    diffs: list[tuple[tuple[str, str], str, str]] = field(default_factory=list)
    missing: list[tuple[str, str]] = field(default_factory=list)
    header_only: list[tuple[str, str]] = field(default_factory=list)
    extra: list[tuple[str, str]] = field(default_factory=list)
    queries: int = 0
    seconds: float = 0.0


def compare(name: str, dump_text: str, mine_text: str) -> Comparison:
    """Compare the mariadb-dump statements with the reader's, after light normalisation."""
    theirs = statements(dump_text)
    mine = statements(mine_text)
    c = Comparison(name)
    for key, text in theirs.items():
        c.total += 1
        other = mine.get(key)
        if other is None:
            c.missing.append(key)
            continue
        if _light(text) == _light(other):
            c.exact += 1
            c.header_equal += 1
        elif _header(text) == _header(other):
            c.header_equal += 1
            c.header_only.append(key)
        else:
            c.diffs.append((key, _light(text), _light(other)))
    c.extra = [k for k in mine if k not in theirs]
    return c


def _scratch(name: str) -> str:
    return f"{my.PREFIX}{hashlib.sha1(name.encode()).hexdigest()[:10]}_{uuid.uuid4().hex[:6]}"


def _check(name: str, text: str, roundtrip: bool = False) -> Comparison:
    """Load `text` into a fresh database, dump it, read it, compare; the databases are dropped after.

    With `roundtrip`, the reader's text is also loaded into a second database, whose mariadb-dump must
    match the first one's (the text is valid DDL that rebuilds the same schema).
    """
    db = _scratch(name)
    db2 = _scratch(name + "/roundtrip")
    try:
        err = my.load(db, text)
        if err is not None:
            raise RuntimeError(f"{name}: does not load: {err}")
        dump_text = my.dump(db)
        t0 = time.perf_counter()
        cat = read_catalog(my.url(db))
        secs = time.perf_counter() - t0
        c = compare(name, dump_text.replace(db, "DB"), cat.text.replace(db, "DB"))
        c.queries = cat.queries
        c.seconds = secs
        if roundtrip:
            err = my.load(db2, cat.text)
            if err is not None:
                raise RuntimeError(f"{name}: the reader's text does not load: {err}")
            # the text keeps `db`.name references (sequence defaults) as SHOW CREATE TABLE prints them
            again_text = my.dump(db2).replace(db2, "DB").replace(db, "DB")
            again = compare(name + " (roundtrip)", dump_text.replace(db, "DB"), again_text)
            c.diffs += again.diffs
            c.missing += again.missing
            c.extra += again.extra
        return c
    finally:
        my.drop_db(db)
        my.drop_db(db2)


def _describe(results: list[Comparison]) -> str:
    total = sum(c.total for c in results)
    exact = sum(c.exact for c in results)
    header = sum(c.header_equal for c in results)
    lines = [
        f"statements {total}: exact (light normalisation) {exact} = {exact / max(total, 1):.2%}, "
        f"with trigger/routine headers normalised {header} = {header / max(total, 1):.2%}"
    ]
    for c in results:
        for key, theirs, mine in c.diffs:
            lines.append(f"DIFF {c.name} {key}:\n  dump: {theirs}\n  mine: {mine}")
        for key in c.header_only:
            lines.append(f"HEADER {c.name} {key}")
        for key in c.missing:
            lines.append(f"MISSING {c.name} {key}")
        for key in c.extra:
            lines.append(f"EXTRA {c.name} {key}")
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# Tests that need no server


@pytest.mark.parametrize(
    ("url", "expect"),
    [
        (
            "mysql://root:s%40cr%3At@db.example:3307/app",
            {"user": "root", "password": "s@cr:t", "host": "db.example", "port": 3307, "database": "app"},
        ),
        (
            "mariadb://u%20x@localhost/my%2Ddb?unix_socket=/run/mysqld/mysqld.sock",
            {"user": "u x", "password": None, "database": "my-db", "unix_socket": "/run/mysqld/mysqld.sock"},
        ),
        ("mysql+pymysql://a@h/d", {"user": "a", "host": "h", "port": 3306, "database": "d"}),
    ],
)
def test_url_forms(url: str, expect: dict[str, Any]) -> None:
    u = parse_url(url)
    for k, v in expect.items():
        assert getattr(u, k) == v, k
    assert "s@cr" not in u.redacted() and "cr%3At" not in redact(url)


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("mysql://root@localhost/", "names no database"),
        ("mysql://root@localhost:notaport/db", "bad database URL"),
        ("mysql://root@localhost/db?sslmode=on", "unknown URL parameter"),
        ("postgresql://root@localhost/db", "not a MySQL"),
    ],
)
def test_bad_urls(url: str, words: str) -> None:
    with pytest.raises(DdlError) as e:
        parse_url(url)
    assert words in e.value.message


def test_strip_db_keeps_literals() -> None:
    sql = "select `d`.`t`.`a` AS `a`,'`d`.`t`' AS `s` from `d`.`t` join `e`.`t` on(`d`.`t`.`a` = 1)"
    assert strip_db(sql, "d") == (
        "select `t`.`a` AS `a`,'`d`.`t`' AS `s` from `t` join `e`.`t` on(`t`.`a` = 1)"
    )


# --------------------------------------------------------------------------------------------
# Live tests

pytestmark_live = pytest.mark.live_mysql


@pytest.fixture
def mariadb() -> None:
    require_mariadb()


@pytest.mark.live_mysql
def test_connection_errors(mariadb: None) -> None:
    with pytest.raises(DdlError) as e:
        read_catalog(
            f"mysql://root@localhost/{my.PREFIX}missing_{uuid.uuid4().hex[:6]}?unix_socket={MY_SOCKET}"
        )
    assert "Unknown database" in e.value.message and e.value.hint and "does not exist" in e.value.hint
    with pytest.raises(DdlError) as e:
        read_catalog("mysql://root:secret@127.0.0.1:3306/mysql")
    assert "secret" not in str(e.value)
    assert e.value.hint and ("unix_socket" in e.value.hint)
    with pytest.raises(DdlError) as e:
        read_catalog("mysql://root@localhost/mysql?unix_socket=/nonexistent/mysqld.sock")
    assert "cannot connect" in e.value.message


@pytest.mark.live_mysql
def test_fixture_matches_dump(mariadb: None) -> None:
    c = _check("fixture", FIXTURE, roundtrip=True)
    report = _describe([c])
    print(report)
    assert not c.missing and not c.extra and not c.diffs, report
    assert c.header_equal == c.total, report


@pytest.mark.live_mysql
def test_known_gaps_still_differ(mariadb: None) -> None:
    """The gaps are real and limited to what KNOWN_GAPS says (a fix shows up here as a pass to update)."""
    c = _check("gaps", GAPS_FIXTURE)
    report = _describe([c])
    print(report)
    assert {key for key, _, _ in c.diffs} == GAP_KEYS, report
    assert ("VIEW", "gap_introducer") in c.header_only, report


def _corpus_texts() -> Iterator[tuple[str, str]]:
    """(id, loadable text) of every MySQL corpus side that loads on MariaDB, duplicates dropped."""
    seen: set[str] = set()
    for p in corpus.pairs("mysql"):
        if not p.loads():
            continue
        for side in ("old", "new"):
            f = p.path / f"{side}.sql"
            text = my.prepare(my.read(f))
            digest = hashlib.sha1(text.encode()).hexdigest()
            if f.is_file() and digest not in seen and text.strip():
                seen.add(digest)
                yield f"{p.id}/{side}", text
    for s in corpus.schemas("mysql"):
        if s.loads():
            yield s.id, my.prepare(my.read(s.path), "sakila" if "sakila" in s.id else None)


def _run_corpus() -> tuple[list[Comparison], list[str]]:
    """_check() every corpus side, four at a time (the time goes to DDL commits, not CPU)."""
    from concurrent.futures import ThreadPoolExecutor

    def one(item: tuple[str, str]) -> Comparison | str:
        try:
            return _check(*item)
        except RuntimeError as e:
            return str(e)[:300]

    with ThreadPoolExecutor(max_workers=4) as pool:
        done = list(pool.map(one, _corpus_texts()))
    return [c for c in done if isinstance(c, Comparison)], [c for c in done if isinstance(c, str)]


@pytest.mark.live_mysql
@pytest.mark.corpus
def test_corpus_matches_dump(mariadb: None) -> None:
    if not corpus.available():
        pytest.skip("corpus absent")
    results, failures = _run_corpus()
    report = _describe(results)
    print(report)
    total = sum(c.total for c in results)
    header = sum(c.header_equal for c in results)
    assert results and not failures, "\n".join(failures)
    assert header / total >= TARGET_RATE, report


def _gen(n: int) -> str:
    res = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "gen_my.py"), str(n), "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    return res.stdout


class _Recorder:
    """Every statement PyMySQL sends, by patching Cursor.execute."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        import pymysql.cursors

        self.sent: list[str] = []
        self.read_only: Any = None
        self.write_error: Any = None
        original = pymysql.cursors.Cursor.execute

        def execute(cur: Any, query: str, args: Any = None) -> int:
            self.sent.append(query)
            result: int = original(cur, query, args)
            if query.startswith("START TRANSACTION"):
                # inside the reader's transaction: flagged read-only, and a write is refused (1792)
                original(cur, "SELECT @@tx_read_only AS ro", None)
                self.read_only = cur.fetchone()
                try:
                    original(cur, "UPDATE `order_00001` SET `title` = `title`", None)
                except pymysql.err.MySQLError as e:
                    self.write_error = e.args[0]
            return result

        monkeypatch.setattr(pymysql.cursors.Cursor, "execute", execute)


_READ_ONLY_STATEMENT = re.compile(
    r"\s*(?:--[^\n]*\n\s*)*(SELECT|SET SESSION|SHOW GRANTS|START TRANSACTION|COMMIT)\b", re.I
)


@pytest.mark.live_mysql
def test_query_count_is_fixed_and_reads_only(mariadb: None, monkeypatch: pytest.MonkeyPatch) -> None:
    counts = {}
    for n in (10, 300):
        db = f"{my.PREFIX}gen{n}_{uuid.uuid4().hex[:6]}"
        try:
            err = my.load(db, _gen(n))
            assert err is None, err
            rec = _Recorder(monkeypatch)
            cat = read_catalog(my.url(db))
            monkeypatch.undo()
            assert cat.text.count("CREATE TABLE `") == n
            counts[n] = (cat.queries, len(rec.sent))
            assert all(_READ_ONLY_STATEMENT.match(q) for q in rec.sent), rec.sent
            assert rec.read_only == {"ro": 1}
            assert rec.write_error == 1792  # ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION
            assert "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY" in rec.sent
        finally:
            my.drop_db(db)
    assert counts[10] == counts[300], counts
    assert counts[10][0] == counts[10][1]


@pytest.mark.live_mysql
def test_select_only_user(mariadb: None) -> None:
    """A user with only SELECT and SHOW VIEW reads the same tables and views as root."""
    db = f"{my.PREFIX}ro_{uuid.uuid4().hex[:6]}"
    user = f"ddlc_mycat_ro_{uuid.uuid4().hex[:6]}"
    password = "p@ss:w/rd"
    try:
        tables_views = FIXTURE.split("DELIMITER ;;")[0]
        assert my.load(db, tables_views) is None
        my.sql(f"CREATE USER '{user}'@'localhost' IDENTIFIED BY '{password}'")
        my.sql(f"GRANT SELECT, SHOW VIEW ON `{db}`.* TO '{user}'@'localhost'")
        from urllib.parse import quote

        mine = statements(read_catalog(my.url(db, user, quote(password, safe=""))).text)
        root = statements(read_catalog(my.url(db)).text)
        assert mine == root
    finally:
        my.sql(f"DROP USER IF EXISTS '{user}'@'localhost'")
        my.drop_db(db)


@pytest.mark.live_mysql
def test_inspect_parses(mariadb: None) -> None:
    pytest.importorskip("ddlcompare.dialects.mysql.parse")
    from ddlcompare.dialects import LoadOptions
    from ddlcompare.dialects.mysql.catalog import inspect

    db = f"{my.PREFIX}insp_{uuid.uuid4().hex[:6]}"
    try:
        assert my.load(db, _gen(30)) is None
        schema = inspect(my.url(db), LoadOptions())
        assert schema is not None
    finally:
        my.drop_db(db)


def main() -> None:
    """`python -m tests.live.test_mysql_catalog [fixture|corpus]`: print the comparison report."""
    what = sys.argv[1] if len(sys.argv) > 1 else "fixture"
    if what == "fixture":
        print(_describe([_check("fixture", FIXTURE, roundtrip=True), _check("gaps", GAPS_FIXTURE)]))
    else:
        results, failures = _run_corpus()
        print("\n".join(f"LOAD FAIL {f}" for f in failures))
        print(_describe(results))
        print(json.dumps({"sides": len(results)}))


if __name__ == "__main__":
    main()
