"""The lark grammars (partitions, routines, CREATE INDEX), the spatial rewrite, corpus and live checks."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlglot

from ddlcompare.dialects.mysql.grammar import (
    DataType,
    Definer,
    Event,
    EventAlter,
    GrammarError,
    KeyPart,
    PartitionClause,
    PartitionDef,
    PartitionOptions,
    PartitionScheme,
    QualifiedName,
    Routine,
    Schedule,
    SpatialType,
    SubpartitionDef,
    Trigger,
    decode_string,
    find_partition_clause,
    normalise_body,
    normalise_expr,
    parse_definer,
    parse_index,
    parse_partition,
    parse_partition_defs,
    parse_routine,
    parser,
    rewrite_spatial,
)
from ddlcompare.dialects.mysql.split import (
    RawStatement,
    create_kind,
    is_noise,
    split,
    superseded_placeholders,
    unwrap_versioned,
)
from ddlcompare.errors import DdlError
from ddlcompare.source import SourcePos
from tests.support import corpus
from tests.support.servers import MY_SOCKET, MY_USER, mariadb_available, require, require_mariadb

# -- loader ----------------------------------------------------------------------------------------------


def test_parsers_are_cached_lalr() -> None:
    for name in ("mysql_partition", "mysql_routine", "mysql_index"):
        p = parser(name)
        assert p is parser(name)
        assert p.options.parser == "lalr" and p.options.lexer == "contextual"


# -- text helpers ----------------------------------------------------------------------------------------


def test_normalise_body_keeps_literals_and_line_comments() -> None:
    body = "BEGIN\n  SET x = 'a  \n b';   -- note  here\n  SET y = \"c  d\" /* keep   this */;\n\tEND"
    assert normalise_body(body) == (
        "BEGIN SET x = 'a  \n b'; -- note  here\nSET y = \"c  d\" /* keep   this */; END"
    )
    assert normalise_body("  `a  b`   # c\n") == "`a  b` # c"


def test_normalise_expr_tightens_parentheses_and_commas() -> None:
    assert normalise_expr(" ( 1 ,  'a , b' ) ") == "(1,'a , b')"
    assert normalise_expr("year( `d` ) +  1") == "year(`d`) + 1"


def test_decode_string() -> None:
    assert decode_string("'it''s'") == "it's"
    assert decode_string("'a\\'b\\nc\\\\d\\%'") == "a'b\nc\\d\\%"
    assert decode_string('"say ""hi"""') == 'say "hi"'


def test_parse_definer() -> None:
    assert parse_definer("`root`@`localhost`") == Definer("root", "localhost")
    assert parse_definer("'app'@'%'") == Definer("app", "%")
    assert parse_definer("CURRENT_USER()") == Definer("CURRENT_USER")
    assert parse_definer("some_role") == Definer("some_role")


# -- partitions ------------------------------------------------------------------------------------------


def test_range_partitions_as_mysqldump_prints_them() -> None:
    text = (
        "/*!50100 PARTITION BY RANGE (year(`d`))\n"
        "(PARTITION p0 VALUES LESS THAN (2020) COMMENT = 'old \\'stuff\\'' ENGINE = InnoDB,\n"
        " PARTITION p1 VALUES LESS THAN (2025) MAX_ROWS = 1000 MIN_ROWS = 10 ENGINE = InnoDB,\n"
        " PARTITION pmax VALUES LESS THAN MAXVALUE ENGINE = InnoDB) */"
    )
    assert parse_partition(text) == PartitionClause(
        PartitionScheme("RANGE", expr="year(`d`)"),
        None,
        (
            PartitionDef(
                "p0", less_than=("2020",), options=PartitionOptions(engine="InnoDB", comment="old 'stuff'")
            ),
            PartitionDef(
                "p1", less_than=("2025",), options=PartitionOptions("InnoDB", max_rows=1000, min_rows=10)
            ),
            PartitionDef("pmax", less_than=("MAXVALUE",), options=PartitionOptions(engine="InnoDB")),
        ),
    )


def test_columns_partitions_and_options() -> None:
    clause = parse_partition(
        "/*!50500 PARTITION BY RANGE  COLUMNS(a, `b c`)\n(PARTITION p0 VALUES LESS THAN (10, 'm') "
        "DATA DIRECTORY = '/d' INDEX DIRECTORY '/i' TABLESPACE = ts NODEGROUP 1 STORAGE ENGINE InnoDB,\n"
        " PARTITION p1 VALUES LESS THAN (MAXVALUE, MAXVALUE)) */"
    )
    assert clause.by == PartitionScheme("RANGE", columns=True, column_names=("a", "b c"))
    assert clause.partitions[0].less_than == ("10", "'m'")
    assert clause.partitions[0].options == PartitionOptions(
        engine="InnoDB", data_directory="/d", index_directory="/i", tablespace="ts", nodegroup=1
    )
    assert clause.partitions[1].less_than == ("MAXVALUE", "MAXVALUE")
    lists = parse_partition("PARTITION BY LIST COLUMNS (a, b) (PARTITION p0 VALUES IN ((1, 'a'), (2,'b')))")
    assert lists.by == PartitionScheme("LIST", columns=True, column_names=("a", "b"))
    assert lists.partitions[0].values_in == ("(1,'a')", "(2,'b')")


@pytest.mark.parametrize(
    ("text", "scheme"),
    [
        ("PARTITION BY HASH (`id`)\nPARTITIONS 4", PartitionScheme("HASH", expr="`id`", count=4)),
        (
            "PARTITION BY LINEAR HASH (id MOD 7) PARTITIONS 3",
            PartitionScheme("HASH", True, expr="id MOD 7", count=3),
        ),
        ("PARTITION BY KEY (s_id, r_id)", PartitionScheme("KEY", column_names=("s_id", "r_id"))),
        (
            "PARTITION BY LINEAR KEY ALGORITHM=2 (a) PARTITIONS 4",
            PartitionScheme("KEY", True, column_names=("a",), algorithm=2, count=4),
        ),
        (
            "/*!50100 PARTITION BY KEY */ /*!50611 ALGORITHM = 1 */ /*!50100 ()\n      PARTITIONS 3 */",
            PartitionScheme("KEY", algorithm=1, count=3),
        ),
        ("PARTITION BY LIST (region_code)", PartitionScheme("LIST", expr="region_code")),
        (
            "PARTITION BY SYSTEM_TIME INTERVAL 1 MONTH STARTS TIMESTAMP'2026-11-25'\nPARTITIONS 3",
            PartitionScheme("SYSTEM_TIME", interval="1 MONTH", starts="TIMESTAMP '2026-11-25'", count=3),
        ),
        ("PARTITION BY SYSTEM_TIME LIMIT 1000 AUTO", PartitionScheme("SYSTEM_TIME", limit=1000, auto=True)),
    ],
)  # fmt: skip
def test_partition_schemes(text: str, scheme: PartitionScheme) -> None:
    assert parse_partition(text).by == scheme


def test_subpartitions_and_system_time_definitions() -> None:
    clause = parse_partition(
        "PARTITION BY RANGE (year(`d`))\nSUBPARTITION BY KEY (`id`)\n"
        "(PARTITION `p0` VALUES LESS THAN (1990)\n (SUBPARTITION `s0` COMMENT = 'x' ENGINE = InnoDB,\n"
        "  SUBPARTITION `s1` ENGINE = InnoDB),\n PARTITION `p1` VALUES LESS THAN MAXVALUE\n"
        " (SUBPARTITION `s2` ENGINE = InnoDB,\n  SUBPARTITION `s3` ENGINE = InnoDB))"
    )
    assert clause.subpartition_by == PartitionScheme("KEY", column_names=("id",))
    assert clause.partitions[0].subpartitions == (
        SubpartitionDef("s0", PartitionOptions(engine="InnoDB", comment="x")),
        SubpartitionDef("s1", PartitionOptions(engine="InnoDB")),
    )
    hashed = parse_partition(
        "PARTITION BY RANGE (a) SUBPARTITION BY LINEAR HASH (to_days(d)) SUBPARTITIONS 2"
    )
    assert hashed.subpartition_by == PartitionScheme("HASH", True, expr="to_days(d)", count=2)
    versioned = parse_partition(
        "PARTITION BY SYSTEM_TIME LIMIT 1000\n"
        "(PARTITION `p0` HISTORY ENGINE = InnoDB,\n PARTITION `pn` CURRENT)"
    )
    assert [(p.name, p.system_time) for p in versioned.partitions] == [("p0", "HISTORY"), ("pn", "CURRENT")]


def test_partition_definitions_alone() -> None:
    assert parse_partition_defs("(PARTITION `p east` VALUES IN (7, 8, 9) COMMENT 'a,b')") == (
        PartitionDef("p east", values_in=("7", "8", "9"), options=PartitionOptions(comment="a,b")),
    )


def test_find_partition_clause_skips_literals_comments_and_parentheses() -> None:
    text = (
        "CREATE TABLE t (a int COMMENT 'PARTITION BY x', b int AS (a) VIRTUAL) /* PARTITION BY */\n"
        "ENGINE=InnoDB -- PARTITION BY\n PARTITION BY HASH (a)"
    )
    i = find_partition_clause(text)
    assert i is not None and text[i:] == "PARTITION BY HASH (a)"
    assert find_partition_clause("CREATE TABLE t (a int) ENGINE=InnoDB") is None
    # Inside a versioned comment (after the splitter blanked its markers):
    stmt = split("CREATE TABLE t (a int)\n/*!50100 PARTITION BY HASH (a) */;", "t.sql")[0]
    j = find_partition_clause(stmt.text)
    assert j is not None and parse_partition(stmt.text[j:]).by == PartitionScheme("HASH", expr="a")


def test_partition_error_position_maps_to_the_file() -> None:
    sql = "CREATE TABLE t (a int)\nPARTITION BY RANGE (a)\n(PARTITION p VALUES LESS THAN 10);"
    stmt = split(sql, "x.sql")[0]
    base = find_partition_clause(stmt.text)
    assert base is not None
    with pytest.raises(GrammarError) as info:
        parse_partition(stmt.text[base:])
    assert (info.value.line, info.value.column) == (2, 31)
    assert "expected one of" in info.value.message
    err = info.value.to_ddl("x.sql", stmt, base)
    assert isinstance(err, DdlError) and err.pos == SourcePos("x.sql", 3, 31)


# -- routines, triggers, events --------------------------------------------------------------------------


def test_procedure_header() -> None:
    r = parse_routine(
        "CREATE DEFINER=`root`@`localhost` PROCEDURE `db`.`p_io`(IN a INT UNSIGNED ZEROFILL, "
        "OUT b VARCHAR(20) "
        "CHARACTER SET latin1 COLLATE latin1_bin, INOUT c DECIMAL(10,2), d ENUM('x','y,z'), IN OUT e TEXT)\n"
        "    MODIFIES SQL DATA\n    SQL SECURITY INVOKER\n    COMMENT 'proc; with ''quotes'''\n"
        "    LANGUAGE SQL NOT DETERMINISTIC\n"
        "BEGIN\n  DECLARE x INT DEFAULT 0;\n  SET b = 'done  x';\nEND"
    )
    assert isinstance(r, Routine)
    assert (r.kind, r.name, r.definer) == (
        "PROCEDURE",
        QualifiedName("db", "p_io"),
        Definer("root", "localhost"),
    )
    assert [(p.mode, p.name) for p in r.params] == [
        ("IN", "a"),
        ("OUT", "b"),
        ("INOUT", "c"),
        (None, "d"),
        ("INOUT", "e"),
    ]
    assert r.params[0].type == DataType("INT", (), ("UNSIGNED", "ZEROFILL"), text="INT UNSIGNED ZEROFILL")
    assert r.params[1].type == DataType(
        "VARCHAR", ("20",), (), "latin1", "latin1_bin", "VARCHAR(20) CHARACTER SET latin1 COLLATE latin1_bin"
    )
    assert r.params[2].type.args == ("10", "2")
    assert r.params[3].type.args == ("'x'", "'y,z'")
    assert (r.data_access, r.security, r.comment, r.language, r.deterministic) == (
        "MODIFIES SQL DATA",
        "INVOKER",
        "proc; with 'quotes'",
        "SQL",
        False,
    )
    assert r.returns is None
    assert r.body == "BEGIN DECLARE x INT DEFAULT 0; SET b = 'done  x'; END"


def test_function_header() -> None:
    r = parse_routine(
        "CREATE DEFINER=`root`@`localhost` FUNCTION `f_name`(id INT) RETURNS varchar(50) CHARSET utf8mb4 "
        "COLLATE utf8mb4_bin\n    READS SQL DATA\n    DETERMINISTIC\nRETURN (SELECT 1)"
    )
    assert isinstance(r, Routine) and r.kind == "FUNCTION"
    assert r.returns == DataType(
        "VARCHAR", ("50",), (), "utf8mb4", "utf8mb4_bin", "varchar(50) CHARSET utf8mb4 COLLATE utf8mb4_bin"
    )
    assert (r.deterministic, r.data_access, r.body) == (True, "READS SQL DATA", "RETURN (SELECT 1)")
    agg = parse_routine(
        "CREATE OR REPLACE AGGREGATE FUNCTION IF NOT EXISTS a(x DOUBLE PRECISION) RETURNS INT BEGIN END"
    )
    assert isinstance(agg, Routine)
    assert (agg.or_replace, agg.aggregate, agg.if_not_exists) == (True, True, True)
    assert agg.params[0].type.name == "DOUBLE PRECISION"
    anchored = parse_routine("CREATE FUNCTION f(x TYPE OF t.c) RETURNS ROW TYPE OF t RETURN x")
    assert isinstance(anchored, Routine) and anchored.params[0].type == DataType(
        "TYPE OF", ("t.c",), text="TYPE OF t.c"
    )


@pytest.mark.parametrize(
    "body",
    [
        "comment_loop: LOOP LEAVE comment_loop; END LOOP",  # starts with a characteristic's prefix
        "notify: BEGIN END",
        "SET @x = 1",
        "DO SLEEP(1)",
        "IF 1 THEN SELECT 1; END IF",
        "SELECT 'DETERMINISTIC'",
    ],
)
def test_body_starts_after_the_last_characteristic(body: str) -> None:
    r = parse_routine(f"CREATE PROCEDURE p() NO SQL {body}")
    assert isinstance(r, Routine) and r.body == body and r.data_access == "NO SQL"


def test_trigger_header() -> None:
    t = parse_routine(
        "CREATE            DEFINER=`root`@`localhost`            TRIGGER tr_bi "
        "BEFORE INSERT ON logt FOR EACH ROW\n"
        "BEGIN\n  IF NEW.msg IS NULL THEN SET NEW.msg = 'it''s;  \"empty\" */ \\\\ x'; END IF;\nEND"
    )
    assert isinstance(t, Trigger)
    assert (t.name, t.timing, t.events, t.table) == (
        QualifiedName(None, "tr_bi"),
        "BEFORE",
        ("INSERT",),
        QualifiedName(None, "logt"),
    )
    assert t.body == "BEGIN IF NEW.msg IS NULL THEN SET NEW.msg = 'it''s;  \"empty\" */ \\\\ x'; END IF; END"
    ordered = parse_routine(
        "create trigger db.tr after update on db.t for each row precedes other update t2 set a = 1"
    )
    assert isinstance(ordered, Trigger)
    assert (ordered.order, ordered.order_other, ordered.table) == (
        "PRECEDES",
        "other",
        QualifiedName("db", "t"),
    )
    multi = parse_routine(
        "CREATE TRIGGER IF NOT EXISTS tr BEFORE INSERT OR UPDATE ON t FOR EACH ROW SET @x = 1"
    )
    assert isinstance(multi, Trigger) and multi.events == ("INSERT", "UPDATE") and multi.if_not_exists


def test_event_header() -> None:
    e = parse_routine(
        "CREATE DEFINER=`root`@`localhost` EVENT `ev_every` ON SCHEDULE EVERY 1 HOUR "
        "STARTS '2030-01-01 00:00:00' ENDS '2031-01-01 00:00:00' ON COMPLETION PRESERVE DISABLE "
        "COMMENT 'hourly' DO DELETE FROM logt WHERE at < "
        "NOW() - INTERVAL 1 DAY"
    )
    assert isinstance(e, Event)
    assert e.schedule == Schedule(None, "1", "HOUR", "'2030-01-01 00:00:00'", "'2031-01-01 00:00:00'")
    assert (e.preserve, e.status, e.comment) == (True, "DISABLE", "hourly")
    assert e.body == "DELETE FROM logt WHERE at < NOW() - INTERVAL 1 DAY"
    at = parse_routine(
        "create event if not exists e on schedule at current_timestamp + interval 1 hour "
        "on completion not preserve disable on slave do begin select 1; end"
    )
    assert isinstance(at, Event)
    assert at.schedule == Schedule(at="current_timestamp + interval 1 hour")
    assert (at.preserve, at.status, at.if_not_exists) == (False, "DISABLE ON SLAVE", True)
    q = parse_routine(
        "CREATE EVENT e ON SCHEDULE EVERY '1:30' HOUR_MINUTE STARTS now() DISABLE ON REPLICA DO SELECT 1"
    )
    assert isinstance(q, Event) and q.schedule == Schedule(None, "'1:30'", "HOUR_MINUTE", "now()")
    assert q.status == "DISABLE ON SLAVE"


def test_alter_event() -> None:
    a = parse_routine(
        "ALTER EVENT `cleanup` ON SCHEDULE EVERY 1 DAY ON COMPLETION NOT PRESERVE ENABLE COMMENT '' "
        "DO delete from records"
    )
    assert a == EventAlter(
        QualifiedName(None, "cleanup"),
        Schedule(every="1", unit="DAY"),
        False,
        None,
        "ENABLE",
        "",
        "delete from records",
        94,
    )
    b = parse_routine("ALTER DEFINER=CURRENT_USER EVENT e RENAME TO db.e2 DISABLE")
    assert isinstance(b, EventAlter) and b.rename_to == QualifiedName("db", "e2") and b.body is None


def test_routine_error_position() -> None:
    sql = "DELIMITER ;;\nCREATE PROCEDURE p(IN a INT,\n  OUT b BOGUS) SELECT 1;;\n"
    stmt = split(sql, "r.sql")[0]
    with pytest.raises(GrammarError) as info:
        parse_routine(stmt.text)
    assert (info.value.line, info.value.column) == (2, 9)
    assert info.value.to_ddl("r.sql", stmt).pos == SourcePos("r.sql", 3, 9)


# -- CREATE INDEX ----------------------------------------------------------------------------------------


def test_create_index() -> None:
    ix = parse_index(
        "CREATE INDEX ix USING BTREE ON t (a(10), b DESC, (lower(c)) ASC) COMMENT 'x' INVISIBLE "
        "ALGORITHM = INPLACE LOCK=NONE"
    )
    assert ix.parts == (
        KeyPart("a", 10),
        KeyPart("b", order="DESC"),
        KeyPart(None, expr="lower(c)", order="ASC"),
    )
    assert (ix.using, ix.comment, ix.visible, ix.algorithm, ix.lock) == (
        "BTREE",
        "x",
        False,
        "INPLACE",
        "NONE",
    )
    ux = parse_index("create unique index if not exists ux on db.t (`a b`(5)) using hash key_block_size = 8")
    assert (ux.kind, ux.table, ux.using, ux.key_block_size, ux.if_not_exists) == (
        "UNIQUE",
        QualifiedName("db", "t"),
        "HASH",
        8,
        True,
    )
    ft = parse_index("CREATE FULLTEXT INDEX ft ON t (title, body) WITH PARSER ngram")
    assert (ft.kind, ft.parser, len(ft.parts)) == ("FULLTEXT", "ngram", 2)
    assert parse_index("CREATE SPATIAL INDEX sp ON t (g)").kind == "SPATIAL"
    vec = parse_index("CREATE VECTOR INDEX v ON vectors (vector_col) DISTANCE=COSINE M=16")
    assert vec.options == (("DISTANCE", "COSINE"), ("M", "16"))
    online = parse_index("CREATE OR REPLACE ONLINE INDEX ix ON t (a) NOT IGNORED WAIT 5")
    assert (online.or_replace, online.online, online.ignored) == (True, "ONLINE", False)
    commented = parse_index("CREATE INDEX user_email_idx /* @renamed from=email_idx */ ON users (email)")
    assert commented.name == "user_email_idx"


# -- spatial ---------------------------------------------------------------------------------------------


def test_spatial_rewrite_for_sqlglot() -> None:
    text = unwrap_versioned(
        "CREATE TABLE `t` (\n  `id` int NOT NULL,\n  `g` point NOT NULL /*!80003 SRID 4326 */,\n"
        "  point POINT,\n  `c` geomcollection REF_SYSTEM_ID=3857 DEFAULT NULL,\n"
        "  `l` LineString, `m` multipoint, `n` multilinestring,\n"
        "  `o` multipolygon, `p` polygon, `q` geometrycollection, `r` geometry,\n"
        "  `x` int GENERATED ALWAYS AS (ST_X(POINT(1, 2))) VIRTUAL,\n"
        "  SPATIAL KEY point (`g`),\n  KEY `k` (point)\n)"
    )
    r = rewrite_spatial(text)
    assert dict(r.columns) == {
        "g": SpatialType("point", 4326),
        "point": SpatialType("point"),
        "c": SpatialType("geometrycollection", 3857),
        "l": SpatialType("linestring"),
        "m": SpatialType("multipoint"),
        "n": SpatialType("multilinestring"),
        "o": SpatialType("multipolygon"),
        "p": SpatialType("polygon"),
        "q": SpatialType("geometrycollection"),
        "r": SpatialType("geometry"),
    }
    assert "SRID" not in r.text and "POINT(1, 2)" in r.text and "SPATIAL KEY point (`g`)" in r.text
    with pytest.raises(sqlglot.errors.ParseError):
        sqlglot.parse_one(text, read="mysql")
    tree = sqlglot.parse_one(r.text, read="mysql")
    assert isinstance(tree, sqlglot.exp.Create)
    assert sorted(
        c.name for c in tree.find_all(sqlglot.exp.ColumnDef) if c.kind and c.kind.is_type("geometry")
    ) == sorted(r.columns)


def test_spatial_rewrite_in_alter_table_and_no_op() -> None:
    r = rewrite_spatial(
        "ALTER TABLE t ADD COLUMN p POINT NOT NULL SRID 0 AFTER id, MODIFY q MULTIPOLYGON, RENAME TO point"
    )
    assert dict(r.columns) == {"p": SpatialType("point", 0), "q": SpatialType("multipolygon")}
    assert r.text.endswith("RENAME TO point")
    plain = "CREATE TABLE t (a int, b varchar(10) DEFAULT 'point')"
    assert rewrite_spatial(plain).text is plain and not rewrite_spatial(plain).columns


# -- corpus ----------------------------------------------------------------------------------------------


def mysql_corpus_files() -> list[Path]:
    """Every .sql file of the MySQL pairs (all sides, expected migrations, fixtures) and schemas."""
    files: list[Path] = []
    for pair in corpus.pairs("mysql"):
        files += sorted(pair.path.glob("*.sql"))
    files += [s.path for s in corpus.schemas("mysql")]
    return files


ROUTINES = ("TRIGGER", "PROCEDURE", "FUNCTION", "EVENT")


def parse_all(stmts: list[RawStatement], path: str) -> dict[str, int]:
    """Parse every routine, standalone index and partition clause with the grammars; count by kind."""
    counts = {"routine": 0, "index": 0, "partition": 0}
    for stmt in stmts:
        kind = create_kind(stmt)
        try:
            if kind in ROUTINES or stmt.text[:11].upper().replace("\n", " ").startswith("ALTER EVENT"):
                parse_routine(stmt.text)
                counts["routine"] += 1
            elif kind == "INDEX":
                parse_index(stmt.text)
                counts["index"] += 1
            elif kind == "TABLE" or stmt.text[:5].upper() == "ALTER":
                base = find_partition_clause(stmt.text)
                if base is not None:
                    try:
                        parse_partition(stmt.text[base:])
                    except GrammarError as err:
                        raise err.to_ddl(path, stmt, base) from None
                    counts["partition"] += 1
        except GrammarError as err:
            raise err.to_ddl(path, stmt) from None
    return counts


@pytest.mark.corpus
def test_corpus_routines_indexes_and_partitions_parse() -> None:
    if not corpus.available():
        pytest.skip("corpus absent")
    totals = {"routine": 0, "index": 0, "partition": 0}
    for path in mysql_corpus_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        for key, n in parse_all(split(text, str(path)), str(path)).items():
            totals[key] += n
    # Counted when written: 94 routines (incl. ALTER EVENT), 33 CREATE INDEX, 20 partition clauses.
    assert totals["routine"] >= 90 and totals["index"] >= 30 and totals["partition"] >= 20, totals


@pytest.mark.corpus
def test_corpus_routine_bodies_are_whole() -> None:
    if not corpus.available():
        pytest.skip("corpus absent")
    for path in mysql_corpus_files():
        for stmt in split(path.read_text(encoding="utf-8", errors="replace"), str(path)):
            first = stmt.text.split(None, 1)[0].upper()
            assert first not in ("END", "DECLARE", "IF", "ELSE", "ELSEIF", "LOOP", "RETURN"), (path, stmt)
            if create_kind(stmt) in ROUTINES:
                r = parse_routine(stmt.text)
                assert not isinstance(r, EventAlter)
                head = r.body.split(None, 1)[0].upper().rstrip(":")
                if head == "BEGIN" or r.body.upper().startswith(("BEGIN ", "BEGIN;")):
                    assert r.body.upper().rstrip().endswith(("END", "END;")), (path, r.body[-60:])


# -- live MariaDB ----------------------------------------------------------------------------------------

# A schema with everything the grammars must read back from mariadb-dump (written for this test).
RICH_SCHEMA = r"""
CREATE TABLE r_range (id INT NOT NULL, d DATE NOT NULL, PRIMARY KEY (id, d))
  PARTITION BY RANGE (YEAR(d)) (
    PARTITION p0 VALUES LESS THAN (2020) COMMENT = 'old ''stuff''' ENGINE = InnoDB,
    PARTITION p1 VALUES LESS THAN (2025) ENGINE = InnoDB MAX_ROWS = 1000 MIN_ROWS = 10,
    PARTITION pmax VALUES LESS THAN MAXVALUE ENGINE = InnoDB);
CREATE TABLE r_rcols (a INT, b VARCHAR(10), c DATE)
  PARTITION BY RANGE COLUMNS (a, b) (
    PARTITION p0 VALUES LESS THAN (10, 'm'), PARTITION p1 VALUES LESS THAN (MAXVALUE, MAXVALUE));
CREATE TABLE r_list (id INT, region INT)
  PARTITION BY LIST (region) (PARTITION pn VALUES IN (1, 2, NULL), PARTITION ps VALUES IN (3));
CREATE TABLE r_lcols (id INT, cc CHAR(2), n INT)
  PARTITION BY LIST COLUMNS (cc, n) (
    PARTITION pe VALUES IN (('de', 1), ('fr', 2)), PARTITION pa VALUES IN (('us', 3)));
CREATE TABLE r_hash (id INT) PARTITION BY HASH (id) PARTITIONS 4;
CREATE TABLE r_lhash (id INT) PARTITION BY LINEAR HASH (id MOD 7) PARTITIONS 3;
CREATE TABLE r_key (id INT PRIMARY KEY) PARTITION BY KEY ALGORITHM = 2 (id) PARTITIONS 2;
CREATE TABLE r_lkey (id INT, b INT) PARTITION BY LINEAR KEY (id, b) PARTITIONS 2;
CREATE TABLE r_sub (id INT, d DATE)
  PARTITION BY RANGE (YEAR(d)) SUBPARTITION BY HASH (TO_DAYS(d)) SUBPARTITIONS 2 (
    PARTITION p0 VALUES LESS THAN (1990), PARTITION p1 VALUES LESS THAN MAXVALUE);
CREATE TABLE r_sub2 (id INT, d DATE)
  PARTITION BY RANGE (YEAR(d)) SUBPARTITION BY KEY (id) (
    PARTITION p0 VALUES LESS THAN (1990) (SUBPARTITION s0 COMMENT 'x', SUBPARTITION s1),
    PARTITION p1 VALUES LESS THAN MAXVALUE (SUBPARTITION s2, SUBPARTITION s3));
CREATE TABLE r_vers (id INT, x INT) WITH SYSTEM VERSIONING
  PARTITION BY SYSTEM_TIME INTERVAL 1 MONTH PARTITIONS 3;
CREATE TABLE r_vers2 (id INT) WITH SYSTEM VERSIONING
  PARTITION BY SYSTEM_TIME LIMIT 1000 (PARTITION p0 HISTORY, PARTITION pn CURRENT);
CREATE TABLE geo (id INT PRIMARY KEY, g GEOMETRY NOT NULL, p POINT REF_SYSTEM_ID=4326 NOT NULL, l LINESTRING,
  pg POLYGON, mp MULTIPOINT, ml MULTILINESTRING, mpg MULTIPOLYGON, gc GEOMETRYCOLLECTION,
  name VARCHAR(200) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci,
  body TEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci,
  SPATIAL INDEX sp_p (p), FULLTEXT KEY ft (name, body), KEY pre (name(10), id DESC) COMMENT 'prefix');
CREATE INDEX ix_geo_name USING BTREE ON geo (name(20), id DESC)
  COMMENT 'standalone' ALGORITHM = INPLACE LOCK = NONE;
CREATE UNIQUE INDEX ux_geo ON geo (id, name(5)) USING HASH;
CREATE SPATIAL INDEX sx_g ON geo (g);
CREATE FULLTEXT INDEX fx_body ON geo (body);
CREATE TABLE logt (id INT AUTO_INCREMENT PRIMARY KEY, msg VARCHAR(200),
  at DATETIME DEFAULT CURRENT_TIMESTAMP);
CREATE INDEX IF NOT EXISTS ix_ign ON logt (msg) IGNORED;  -- MariaDB has no functional key parts
CREATE TABLE vt (id INT, v INT) WITH SYSTEM VERSIONING;
CREATE SEQUENCE seq1 START WITH 100 INCREMENT BY 5 MAXVALUE 100000 CYCLE;
CREATE ALGORITHM=MERGE SQL SECURITY INVOKER VIEW v1 AS SELECT id, name FROM geo WHERE id > 0
  WITH CASCADED CHECK OPTION;
CREATE ALGORITHM=TEMPTABLE VIEW v2 AS SELECT COUNT(*) AS n, 'it''s; a */ test' AS s FROM logt;
CREATE VIEW v3 AS SELECT * FROM v1 WITH LOCAL CHECK OPTION;
DELIMITER ;;
CREATE TRIGGER tr_bi BEFORE INSERT ON logt FOR EACH ROW
BEGIN
  IF NEW.msg IS NULL THEN SET NEW.msg = 'it''s;  "empty" */ \\ x'; END IF;
  CASE WHEN NEW.id > 10 THEN SET NEW.msg = CONCAT(NEW.msg, '!'); ELSE BEGIN END; END CASE;
END;;
CREATE TRIGGER tr_bi2 BEFORE INSERT ON logt FOR EACH ROW FOLLOWS tr_bi SET NEW.at = NOW();;
CREATE TRIGGER tr_ad AFTER DELETE ON logt FOR EACH ROW
  INSERT INTO logt(msg) VALUES (CONCAT('deleted ', OLD.id));;
CREATE PROCEDURE p_io(IN a INT, OUT b VARCHAR(20) CHARACTER SET latin1, INOUT c DECIMAL(10,2))
  COMMENT 'proc; with ''quotes''' SQL SECURITY INVOKER MODIFIES SQL DATA
BEGIN
  DECLARE x INT DEFAULT 0;
  lbl: LOOP SET x = x + 1; IF x > a THEN LEAVE lbl; END IF; END LOOP lbl;
  SET b = 'done'; SET c = c * 2;
END;;
CREATE FUNCTION f_add(a INT, b INT) RETURNS int(11) DETERMINISTIC NO SQL RETURN a + b;;
CREATE FUNCTION f_name(id INT) RETURNS varchar(50) CHARSET utf8mb4 COLLATE utf8mb4_bin
  READS SQL DATA NOT DETERMINISTIC
BEGIN
  DECLARE r VARCHAR(50);
  SELECT msg INTO r FROM logt WHERE logt.id = id LIMIT 1;
  RETURN r;
END;;
CREATE PROCEDURE p_empty() SELECT 1;;
CREATE EVENT ev_every ON SCHEDULE EVERY 1 HOUR STARTS '2030-01-01 00:00:00' ENDS '2031-01-01 00:00:00'
  ON COMPLETION PRESERVE DISABLE COMMENT 'hourly' DO DELETE FROM logt WHERE at < NOW() - INTERVAL 1 DAY;;
CREATE EVENT ev_at ON SCHEDULE AT '2035-01-01 00:00:00' ON COMPLETION NOT PRESERVE DISABLE ON SLAVE
  DO BEGIN INSERT INTO logt(msg) VALUES ('at'); INSERT INTO logt(msg) VALUES ('two'); END;;
CREATE EVENT ev_q ON SCHEDULE EVERY '1:30' HOUR_MINUTE DISABLE DO SELECT 1;;
DELIMITER ;
"""

LIVE_DB = "ddlc_my_split_live"


def _mysql_cli(*args: str, stdin: str | None = None) -> str:
    proc = subprocess.run(
        [*args, f"--socket={MY_SOCKET}", f"--user={MY_USER}"],
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.fixture
def live_dump() -> Iterator[tuple[str, Any]]:
    require_mariadb()
    client, dump = (
        shutil.which("mariadb") or shutil.which("mysql"),
        shutil.which("mariadb-dump") or shutil.which("mysqldump"),
    )
    require(
        client is not None and dump is not None and mariadb_available(), "the mariadb / mariadb-dump clients"
    )
    assert client is not None and dump is not None
    import pymysql

    _mysql_cli(client, "-e", f"DROP DATABASE IF EXISTS {LIVE_DB}; CREATE DATABASE {LIVE_DB}")
    conn = pymysql.connect(unix_socket=MY_SOCKET, user=MY_USER, database=LIVE_DB)
    try:
        _mysql_cli(client, LIVE_DB, stdin=RICH_SCHEMA)
        text = _mysql_cli(
            dump, "--no-data", "--routines", "--triggers", "--events", "--single-transaction", LIVE_DB
        )
        yield text, conn
    finally:
        conn.close()
        _mysql_cli(client, "-e", f"DROP DATABASE IF EXISTS {LIVE_DB}")


def _rows(conn: Any, sql: str) -> list[tuple[Any, ...]]:
    with conn.cursor() as cur:
        cur.execute(sql, (LIVE_DB,))
        return list(cur.fetchall())


def _by_name(conn: Any, columns: str, view: str) -> dict[str, tuple[Any, ...]]:
    """information_schema.<view> rows of the live database, keyed by their first column (the name)."""
    schema_column = {"TRIGGERS": "TRIGGER_SCHEMA", "ROUTINES": "ROUTINE_SCHEMA", "EVENTS": "EVENT_SCHEMA"}[
        view
    ]
    rows = _rows(conn, f"SELECT {columns} FROM information_schema.{view} WHERE {schema_column}=%s")
    return {str(r[0]): r for r in rows}


@pytest.mark.live_mysql
def test_live_dump_splits_and_parses(live_dump: tuple[str, Any]) -> None:
    text, conn = live_dump
    stmts = split(text, "live.sql")
    assert text.startswith("/*M!999999") or text.startswith("--")
    kept = [s for s in stmts if not is_noise(s)]
    counts = parse_all(kept, "live.sql")
    by_kind: dict[str | None, list[RawStatement]] = {}
    for s in kept:
        by_kind.setdefault(create_kind(s), []).append(s)

    # Everything the server has is in the dump, once (placeholder views aside).
    triggers = _by_name(
        conn, "TRIGGER_NAME, ACTION_TIMING, EVENT_MANIPULATION, EVENT_OBJECT_TABLE", "TRIGGERS"
    )
    routines = _by_name(
        conn,
        "ROUTINE_NAME, ROUTINE_TYPE, SQL_DATA_ACCESS, SECURITY_TYPE, IS_DETERMINISTIC, ROUTINE_COMMENT",
        "ROUTINES",
    )
    events = _by_name(
        conn, "EVENT_NAME, STATUS, ON_COMPLETION, INTERVAL_VALUE, INTERVAL_FIELD, EVENT_COMMENT", "EVENTS"
    )
    assert counts["routine"] == len(triggers) + len(routines) + len(events) == 3 + 4 + 3

    for s in by_kind["TRIGGER"]:
        t = parse_routine(s.text)
        assert isinstance(t, Trigger)
        _, timing, event, table = triggers[t.name.name]
        assert (t.timing, t.events, t.table.name) == (timing, (event,), table)
        assert t.definer is not None and t.definer.user == MY_USER
    for s in by_kind["PROCEDURE"] + by_kind["FUNCTION"]:
        r = parse_routine(s.text)
        assert isinstance(r, Routine)
        _, kind, access, security, deterministic, comment = routines[r.name.name]
        assert r.kind == kind
        assert (r.data_access or "CONTAINS SQL", r.security or "DEFINER") == (access, security)
        assert bool(r.deterministic) == (deterministic == "YES")
        assert (r.comment or "") == comment
    p_io = parse_routine(next(s.text for s in by_kind["PROCEDURE"] if "p_io" in s.text))
    assert isinstance(p_io, Routine)
    assert [(p.mode, p.name, p.type.name) for p in p_io.params] == [
        ("IN", "a", "INT"),
        ("OUT", "b", "VARCHAR"),
        ("INOUT", "c", "DECIMAL"),
    ]
    assert p_io.params[1].type.charset == "latin1"
    for s in by_kind["EVENT"]:
        e = parse_routine(s.text)
        assert isinstance(e, Event)
        _, status, completion, value, field, comment = events[e.name.name]
        assert (e.status or "ENABLE").startswith(
            "DISABLE" if status.startswith(("DISABLED", "SLAVESIDE")) else "ENABLE"
        )
        assert ("PRESERVE" if e.preserve else "NOT PRESERVE") == completion
        if value is not None:
            assert (e.schedule.every or "").strip("'") == str(value).strip("'") and e.schedule.unit == field
        assert (e.comment or "") == comment

    # Partition clauses against information_schema.PARTITIONS.
    parts: dict[str, list[tuple[Any, ...]]] = {}
    query = (
        "SELECT TABLE_NAME, PARTITION_NAME, SUBPARTITION_NAME, PARTITION_METHOD, SUBPARTITION_METHOD "
        "FROM information_schema.PARTITIONS WHERE TABLE_SCHEMA=%s AND PARTITION_NAME IS NOT NULL "
        "ORDER BY PARTITION_ORDINAL_POSITION, SUBPARTITION_ORDINAL_POSITION"
    )
    for row in _rows(conn, query):
        parts.setdefault(str(row[0]), []).append(row)
    seen = set()
    for s in by_kind["TABLE"]:
        base = find_partition_clause(s.text)
        name = s.text.split("`")[1]
        if base is None:
            assert name not in parts
            continue
        seen.add(name)
        clause = parse_partition(s.text[base:])
        rows = parts[name]
        method = (
            ("LINEAR " if clause.by.linear else "")
            + clause.by.kind
            + (" COLUMNS" if clause.by.columns else "")
        )
        assert method == rows[0][3]
        if clause.subpartition_by is not None:
            sub = clause.subpartition_by
            assert ("LINEAR " if sub.linear else "") + sub.kind == rows[0][4]
        names = [str(r[1]) for r in rows]
        if clause.partitions:
            assert list(dict.fromkeys(names)) == [p.name for p in clause.partitions]
            listed_subs = [sp.name for p in clause.partitions for sp in p.subpartitions]
            if listed_subs:
                assert [str(r[2]) for r in rows] == listed_subs
        else:
            assert len(set(names)) == clause.by.count
    assert seen == set(parts) and counts["partition"] == len(parts) == 12

    # Spatial columns come back through the rewrite; the sequence and the placeholder views are recognised.
    geo = next(s for s in by_kind["TABLE"] if s.text.startswith("CREATE TABLE `geo`"))
    spatial = rewrite_spatial(geo.text)
    assert {k: v.name for k, v in spatial.columns.items()} == {
        "g": "geometry",
        "p": "point",
        "l": "linestring",
        "pg": "polygon",
        "mp": "multipoint",
        "ml": "multilinestring",
        "mpg": "multipolygon",
        "gc": "geometrycollection",
    }
    assert isinstance(sqlglot.parse_one(spatial.text, read="mysql"), sqlglot.exp.Create)
    assert len(by_kind["SEQUENCE"]) == 1
    superseded = superseded_placeholders(stmts)
    assert sorted(stmts[i].text.split("`")[1] for i in superseded) == ["v1", "v2", "v3"]
    assert len(by_kind["VIEW"]) == 6

    # The standalone CREATE INDEX statements the server accepted parse too (the dump inlines them).
    script = [s for s in split(RICH_SCHEMA, "schema.sql") if create_kind(s) == "INDEX"]
    assert [parse_index(s.text).name for s in script] == [
        "ix_geo_name",
        "ux_geo",
        "sx_g",
        "fx_body",
        "ix_ign",
    ]
