"""MySQL/MariaDB parser and normaliser: spellings that meet, names the server gives, ALTERs."""

from __future__ import annotations

import pytest

from ddlcompare.dialects import LoadOptions, get
from ddlcompare.dialects.mysql.objects import (
    ActionOrder,
    AutoIncrement,
    Charset,
    ColumnCheck,
    Engine,
    Event,
    IndexKind,
    Invisible,
    OnUpdate,
    Partitioning,
    RowFormat,
    SystemVersioning,
    TableOptions,
    ViewOptions,
)
from ddlcompare.dialects.mysql.types import Server, server_from_text
from ddlcompare.diff.compare import diff
from ddlcompare.errors import DdlError
from ddlcompare.model.base import ObjectKey, Schema
from ddlcompare.model.objects import (
    Check,
    Column,
    ForeignKey,
    Index,
    Opaque,
    PrimaryKey,
    Procedure,
    Routine,
    Sequence,
    Table,
    Trigger,
    View,
)


def parse(text: str, **opts: bool) -> Schema:
    return get("mysql").parse(text, "t.sql", LoadOptions(**opts))


def table(s: Schema, name: str = "t") -> Table:
    obj = s.get(ObjectKey("table", "", name))
    assert isinstance(obj, Table), sorted(map(str, s.objects))
    return obj


def col(s: Schema, name: str, table_name: str = "t") -> Column:
    c = table(s, table_name).column(name)
    assert c is not None
    return c


def same(a: str, b: str) -> None:
    changes = diff(parse(a), parse(b), column_order=True)
    assert not changes, changes


def differ(a: str, b: str) -> None:
    assert diff(parse(a), parse(b), column_order=True)


# ---- types ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("int(11)", "int"),
        ("integer", "int"),
        ("int4", "int"),
        ("int8", "bigint"),
        ("middleint", "mediumint"),
        ("bool", "tinyint(1)"),
        ("boolean", "tinyint(1)"),
        ("tinyint(4)", "tinyint"),
        ("dec", "decimal(10,0)"),
        ("numeric(5)", "decimal(5,0)"),
        ("fixed(6,2)", "decimal(6,2)"),
        ("real", "double"),
        ("double precision", "double"),
        ("float(30)", "double"),
        ("float(10)", "float"),
        ("char", "char(1)"),
        ("character varying(10)", "varchar(10)"),
        ("year(4)", "year"),
        ("timestamp(0)", "timestamp"),
        ("text(300)", "text"),
        ("text(200)", "tinytext"),
        ("long", "mediumtext"),
        ("bit", "bit(1)"),
        ("binary", "binary(1)"),
        ("bigint(20) unsigned", "bigint unsigned"),
    ],
)
def test_type_spellings_meet(a: str, b: str) -> None:
    same(f"CREATE TABLE t (c {a});", f"CREATE TABLE t (c {b});")


def test_display_width_kept_for_zerofill_only() -> None:
    assert col(parse("CREATE TABLE t (c int(5) zerofill);"), "c").type == "int(5) unsigned zerofill"
    differ("CREATE TABLE t (c int(5) zerofill);", "CREATE TABLE t (c int(6) zerofill);")
    differ("CREATE TABLE t (c tinyint(1));", "CREATE TABLE t (c tinyint);")


def test_enum_values_compared() -> None:
    assert col(parse("CREATE TABLE t (c enum('a','it''s'));"), "c").type == "enum('a','it''s')"
    differ("CREATE TABLE t (c enum('a','b'));", "CREATE TABLE t (c enum('b','a'));")


# ---- character sets ---------------------------------------------------------------------------


def test_charset_inherited_from_table_and_server() -> None:
    s = parse("CREATE TABLE t (a varchar(5), b varchar(5) CHARACTER SET latin1) DEFAULT CHARSET=utf8mb4;")
    assert col(s, "a").collation == "utf8mb4_general_ci"
    assert col(s, "b").collation == "latin1_swedish_ci"
    assert table(s).option(Charset) == Charset(charset="utf8mb4", collation="utf8mb4_general_ci")
    same(
        "CREATE TABLE t (a varchar(5));",
        "CREATE TABLE t (a varchar(5) COLLATE utf8mb4_general_ci) CHARSET utf8mb4;",
    )


def test_charset_alone_means_its_default_collation() -> None:
    s = parse("CREATE TABLE t (a varchar(5) CHARACTER SET utf8mb4) COLLATE=utf8mb4_unicode_ci;")
    assert col(s, "a").collation == "utf8mb4_general_ci"
    assert table(s).option(Charset) == Charset(charset="utf8mb4", collation="utf8mb4_unicode_ci")


def test_utf8_is_utf8mb3_and_binary_attribute() -> None:
    same(
        "CREATE TABLE t (a varchar(5) CHARACTER SET utf8 COLLATE utf8_unicode_ci, b varchar(4) BINARY);",
        "CREATE TABLE t (a varchar(5) CHARACTER SET utf8mb3 COLLATE utf8mb3_unicode_ci, b "
        "varchar(4) COLLATE utf8mb4_bin);",
    )
    assert col(parse("CREATE TABLE t (a national varchar(3));"), "a").collation == "utf8mb3_general_ci"


def test_mysql8_dump_default_collation() -> None:
    server = server_from_text("-- MySQL dump 10.13\n-- Server version\t8.0.36\n")
    assert server == Server(False, (8, 0, 36))
    assert server.default_collation("utf8mb4") == "utf8mb4_0900_ai_ci"
    assert Server(True, (11, 8)).default_collation("utf8mb4") == "utf8mb4_uca1400_ai_ci"


def test_json_and_mariadb_longtext_check_meet() -> None:
    same(
        "CREATE TABLE t (j json);",
        "CREATE TABLE t (j longtext CHARACTER SET utf8mb4 COLLATE utf8mb4_bin DEFAULT NULL CHECK "
        "(json_valid(`j`)));",
    )
    assert not [o for o in parse("CREATE TABLE t (j json);") if isinstance(o, Check)]


def test_convert_to_charset_grows_text() -> None:
    s = parse(
        "CREATE TABLE t (a text, b varchar(3)) CHARSET latin1; ALTER TABLE t CONVERT TO "
        "CHARACTER SET utf8mb4;"
    )
    assert col(s, "a").type == "mediumtext"
    assert col(s, "b").collation == "utf8mb4_general_ci"


# ---- defaults and expressions -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("int DEFAULT '0'", "int DEFAULT 0"),
        ("int DEFAULT NULL", "int"),
        ("decimal(10,2) DEFAULT '0'", "decimal(10,2) DEFAULT 0.00"),
        ("double DEFAULT '1e3'", "double DEFAULT 1000"),
        ("float DEFAULT 1.50", "float DEFAULT 1.5"),
        ("bit(1) DEFAULT b'1'", "bit(1) DEFAULT 1"),
        ("tinyint(1) DEFAULT true", "bool DEFAULT '1'"),
        ("varchar(3) DEFAULT 0", "varchar(3) DEFAULT '0'"),
        ("timestamp DEFAULT now()", "timestamp NULL DEFAULT current_timestamp()"),
        ("timestamp DEFAULT CURRENT_TIMESTAMP(0)", "timestamp DEFAULT localtimestamp"),
        (
            "datetime(3) DEFAULT now(3) ON UPDATE now(3)",
            "datetime(3) DEFAULT current_timestamp(3) ON UPDATE current_timestamp(3)",
        ),
        ("datetime DEFAULT '2020-01-01'", "datetime DEFAULT '2020-01-01 00:00:00'"),
        ("date DEFAULT 20200101", "date DEFAULT '2020-01-01'"),
        ("time DEFAULT '10:00'", "time DEFAULT '10:00:00'"),
        ("date DEFAULT DATE '2024-01-01'", "date DEFAULT '2024-01-01'"),
        ("int DEFAULT (1+1)", "int DEFAULT (1 + 1)"),
        ("int AS (a*2)", "int GENERATED ALWAYS AS (`A` * 2) VIRTUAL"),
        (
            "varchar(9) AS (concat(a,'x')) PERSISTENT",
            "varchar(9) GENERATED ALWAYS AS (CONCAT(`a`, 'x')) STORED",
        ),
    ],
)
def test_default_and_generated_spellings_meet(a: str, b: str) -> None:
    same(f"CREATE TABLE t (a int, c {a});", f"CREATE TABLE t (a int, c {b});")


# (as written, as MariaDB's SHOW CREATE TABLE prints it), each checked on the live server by
# fixtures/mysql/column_default_expressions
EXPRESSION_DEFAULTS = [
    (
        "json DEFAULT (JSON_ARRAY())",
        "longtext CHARACTER SET utf8mb4 COLLATE utf8mb4_bin DEFAULT json_array() CHECK (json_valid(`c`))",
    ),
    ("json DEFAULT(json_object('k', 1))", "json DEFAULT json_object('k',1)"),
    ("char(36) DEFAULT (uuid())", "char(36) DEFAULT uuid()"),
    ("decimal(5,2) DEFAULT (0)", "decimal(5,2) DEFAULT 0.00"),
    ("int DEFAULT (1.5)", "int DEFAULT 2"),
    ("int DEFAULT ((-1))", "int DEFAULT -1"),
    ("int DEFAULT (NULL)", "int DEFAULT NULL"),
    ("double DEFAULT (1e3)", "double DEFAULT 1000"),
    ("datetime DEFAULT (now())", "datetime DEFAULT current_timestamp()"),
    ("datetime(3) DEFAULT (CURRENT_TIMESTAMP(3))", "datetime(3) DEFAULT current_timestamp(3)"),
    ("varchar(9) DEFAULT ('abc')", "varchar(9) DEFAULT 'abc'"),
    ("text DEFAULT ('')", "text DEFAULT ''"),
    ("int DEFAULT (0x10)", "int DEFAULT 16"),
    ("varbinary(4) DEFAULT 0x41", "varbinary(4) DEFAULT 'A'"),
    ("varbinary(4) DEFAULT (0x4142)", "varbinary(4) DEFAULT 'AB'"),
    ("varchar(4) DEFAULT b'1000001'", "varchar(4) DEFAULT 'A'"),
    ("enum('A','B') DEFAULT 0x42", "enum('A','B') DEFAULT 'B'"),
    ("blob DEFAULT (0x41)", "blob DEFAULT 'A'"),
]


@pytest.mark.parametrize(("a", "b"), EXPRESSION_DEFAULTS)
def test_expression_defaults_meet_the_server(a: str, b: str) -> None:
    """A default written as an expression in parentheses, or a hexadecimal or bit literal, meets
    the server's form of it (MariaDB stores a constant expression as its literal)."""
    same(f"CREATE TABLE t (a int, c {a});", f"CREATE TABLE t (a int, c {b});")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("json DEFAULT (JSON_ARRAY())", "json DEFAULT (JSON_OBJECT())"),
        ("int DEFAULT (1)", "int DEFAULT (2)"),
        ("int DEFAULT (1.4)", "int DEFAULT 2"),
        ("varbinary(4) DEFAULT 0x41", "varbinary(4) DEFAULT 'B'"),
        ("varbinary(4) DEFAULT 0xFF", "varbinary(4) DEFAULT 0xFE"),
        ("int DEFAULT 0x41", "int DEFAULT 'A'"),
        ("datetime DEFAULT (now())", "datetime DEFAULT (now() + INTERVAL 1 DAY)"),
    ],
)
def test_expression_defaults_still_differ(a: str, b: str) -> None:
    differ(f"CREATE TABLE t (a int, c {a});", f"CREATE TABLE t (a int, c {b});")


def test_parenthesised_literal_default_keeps_its_parentheses() -> None:
    """MySQL 8 takes a literal default on a TEXT, BLOB or JSON column only as an expression."""
    c = col(parse("CREATE TABLE t (c text DEFAULT ('none'));"), "c")
    assert c.default is not None and c.default.text == "('none')"


def test_on_update_and_auto_increment_options() -> None:
    s = parse("CREATE TABLE t (id int AUTO_INCREMENT PRIMARY KEY, u timestamp ON UPDATE CURRENT_TIMESTAMP);")
    assert col(s, "id").option(AutoIncrement) is not None
    assert col(s, "id").nullable is False
    on_update = col(s, "u").option(OnUpdate)
    assert on_update is not None and on_update.expr.canonical == "current_timestamp()"


def test_check_expression_spacing_case_parentheses() -> None:
    same(
        "CREATE TABLE t (a int, b int, CONSTRAINT c CHECK (a>0 AND (b<5 OR b IS NULL)));",
        "CREATE TABLE t (a int, b int, CONSTRAINT c CHECK ((`A` > 0) and (`b` < 5 or `b` is null)));",
    )
    differ(
        "CREATE TABLE t (a int, b int, CONSTRAINT c CHECK ((a + b) * 2 > 0));",
        "CREATE TABLE t (a int, b int, CONSTRAINT c CHECK (a + b * 2 > 0));",
    )


def test_auto_increment_counter_is_not_schema() -> None:
    same("CREATE TABLE t (id int) AUTO_INCREMENT=100;", "CREATE TABLE t (id int);")


# ---- table options ----------------------------------------------------------------------------


def test_table_options() -> None:
    t = table(
        parse(
            "CREATE TABLE t (a int) ENGINE=myisam ROW_FORMAT=dynamic COMMENT='x' STATS_PERSISTENT=1 "
            "KEY_BLOCK_SIZE=8 PACK_KEYS=1 WITH SYSTEM VERSIONING;"
        )
    )
    assert t.option(Engine) == Engine(name="MyISAM")
    assert t.option(RowFormat) == RowFormat(format="DYNAMIC")
    assert t.comment == "x"
    assert t.option(TableOptions) == TableOptions(
        items=(("KEY_BLOCK_SIZE", "8"), ("PACK_KEYS", "1"), ("STATS_PERSISTENT", "1"))
    )
    assert t.option(SystemVersioning) is not None
    same("CREATE TABLE t (a int);", "CREATE TABLE t (a int) ENGINE=InnoDB;")


def test_partitions_canonical() -> None:
    same(
        "CREATE TABLE t (id int, d date) PARTITION BY RANGE (year(d)) "
        "(PARTITION p0 VALUES LESS THAN (2000), PARTITION p1 VALUES LESS THAN MAXVALUE);",
        "CREATE TABLE `t` (`id` int(11) DEFAULT NULL, `d` date DEFAULT NULL) ENGINE=InnoDB\n"
        " PARTITION BY RANGE (year(`d`))\n(PARTITION `p0` VALUES LESS THAN (2000) ENGINE = InnoDB,\n"
        " PARTITION `p1` VALUES LESS THAN MAXVALUE ENGINE = InnoDB);",
    )
    same(
        "CREATE TABLE t (id int) PARTITION BY HASH (id) PARTITIONS 2;",
        "CREATE TABLE t (id int) /*!50100 PARTITION BY HASH (`id`)\n(PARTITION p0 ENGINE = "
        "InnoDB,\n PARTITION p1 ENGINE = InnoDB) */;",
    )
    p = table(parse("CREATE TABLE t (id int) PARTITION BY KEY () PARTITIONS 4;")).option(Partitioning)
    assert p is not None and p.clause == "PARTITION BY KEY () PARTITIONS 4"


# ---- keys and names ---------------------------------------------------------------------------


def test_unnamed_keys_are_named_like_the_server() -> None:
    s = parse(
        "CREATE TABLE t (Name varchar(9), e int, KEY (name(5)), UNIQUE (name), UNIQUE INDEX "
        "(name, e), KEY (e));"
    )
    names = {o.name: o for o in s if isinstance(o, Index)}
    assert set(names) == {"Name", "Name_2", "Name_3", "e"}
    assert names["Name_2"].unique and names["Name"].parts[0].length == 5


def test_key_and_index_are_one() -> None:
    same("CREATE TABLE t (a int, KEY k (a));", "CREATE TABLE t (a int, INDEX k USING BTREE (a));")
    differ("CREATE TABLE t (a int, KEY k (a));", "CREATE TABLE t (a int, KEY k (a) USING HASH);")


def test_index_details() -> None:
    s = parse(
        "CREATE TABLE t (a varchar(20), b text, p point NOT NULL, KEY k (a(10) DESC) COMMENT 'c' IGNORED, "
        "FULLTEXT KEY ft (b), SPATIAL KEY sp (p), KEY full_len (a(20)));"
    )
    k = s.get(ObjectKey("index", "", "k", "t"))
    assert isinstance(k, Index)
    assert k.comment == "c" and k.option(Invisible) is not None
    assert k.parts[0].descending and k.parts[0].length == 10
    ft = s.get(ObjectKey("index", "", "ft", "t"))
    assert isinstance(ft, Index) and ft.option(IndexKind) == IndexKind(kind="FULLTEXT")
    full = s.get(ObjectKey("index", "", "full_len", "t"))
    assert isinstance(full, Index) and full.parts[0].length is None
    assert col(s, "p").type == "point"


def test_primary_key_named_primary_and_not_null() -> None:
    s = parse("CREATE TABLE t (a int, b int, PRIMARY KEY (a, b));")
    pk = s.get(ObjectKey("primary_key", "", "PRIMARY", "t"))
    assert isinstance(pk, PrimaryKey) and pk.columns == ("a", "b")
    assert col(s, "a").nullable is False


def test_foreign_key_names_and_generated_index() -> None:
    s = parse(
        "CREATE TABLE p (id int PRIMARY KEY);"
        "CREATE TABLE c (id int, pid int, x int, FOREIGN KEY (pid) REFERENCES p(id) ON DELETE RESTRICT,"
        " CONSTRAINT fk_x FOREIGN KEY (x) REFERENCES p(id) ON DELETE CASCADE);"
    )
    fks = {o.name: o for o in s if isinstance(o, ForeignKey)}
    assert set(fks) == {"c_ibfk_1", "fk_x"}
    assert fks["c_ibfk_1"].on_delete == "NO ACTION"  # RESTRICT: the same in InnoDB
    indexes = {o.name for o in s if isinstance(o, Index)}
    assert indexes == {"pid", "fk_x"}


def test_generated_index_dropped_when_another_serves() -> None:
    s = parse(
        "CREATE TABLE p (id int PRIMARY KEY);"
        "CREATE TABLE c (id int, pid int, CONSTRAINT fk FOREIGN KEY (pid) REFERENCES p(id));"
        "CREATE INDEX both_cols ON c (pid, id);"
    )
    assert {o.name for o in s if isinstance(o, Index)} == {"both_cols"}
    s2 = parse(
        "CREATE TABLE p (id int PRIMARY KEY);"
        "CREATE TABLE c (pid int, CONSTRAINT fk FOREIGN KEY (pid) REFERENCES p(id), FOREIGN KEY "
        "(pid) REFERENCES p(id));"
    )
    assert {o.name for o in s2 if isinstance(o, Index)} == {"pid"}


def test_checks_named_like_mariadb() -> None:
    s = parse(
        "CREATE TABLE t (a int CHECK (a > 0), b int, CHECK (b > 0), CONSTRAINT x CHECK (b < 9), "
        "CHECK (a < b));"
    )
    checks = {o.name: o for o in s if isinstance(o, Check)}
    assert set(checks) == {"a", "CONSTRAINT_1", "x", "CONSTRAINT_2"}
    assert checks["a"].option(ColumnCheck) == ColumnCheck(column="a")


# ---- ALTER TABLE and friends ------------------------------------------------------------------


def test_alter_table_actions() -> None:
    s = parse(
        "CREATE TABLE t (id int NOT NULL, x int, y varchar(10), z int, PRIMARY KEY (id));"
        "ALTER TABLE t ADD COLUMN extra int AFTER id, ADD KEY ix (extra), DROP COLUMN z;"
        "ALTER TABLE t MODIFY y varchar(20) NOT NULL FIRST, CHANGE x x2 bigint DEFAULT 7;"
        "ALTER TABLE t ADD INDEX (x2); ALTER TABLE t RENAME COLUMN x2 TO x3, RENAME INDEX ix TO ix2;"
        "ALTER TABLE t ALTER COLUMN x3 DROP DEFAULT, COMMENT 'c';"
    )
    t = table(s)
    assert [c.name for c in t.columns] == ["y", "id", "extra", "x3"]
    assert col(s, "x3").type == "bigint" and col(s, "x3").default is None
    assert t.comment == "c"
    ix = s.get(ObjectKey("index", "", "x2", "t"))
    assert isinstance(ix, Index) and ix.parts[0].column == "x3"
    assert s.get(ObjectKey("index", "", "ix2", "t")) is not None


def test_hand_written_alter_meets_create() -> None:
    same(
        "CREATE TABLE t (a int); ALTER TABLE t ADD COLUMN b int FIRST, ADD UNIQUE KEY u (a);",
        "CREATE TABLE t (b int, a int, UNIQUE KEY u (a));",
    )


def test_rename_and_drop() -> None:
    s = parse(
        "CREATE TABLE a (id int); CREATE TABLE b (id int); RENAME TABLE a TO a2, b TO b2;"
        "ALTER TABLE b2 RENAME TO b3; DROP TABLE IF EXISTS b3, nope;"
    )
    assert sorted(k.name for k in s.objects) == ["a2"]


def test_create_index_statement() -> None:
    s = parse(
        "CREATE TABLE t (a varchar(20)); CREATE UNIQUE INDEX u USING BTREE ON t (a(5) DESC) COMMENT 'x';"
    )
    u = s.get(ObjectKey("index", "", "u", "t"))
    assert isinstance(u, Index) and u.unique and u.comment == "x" and u.parts[0].length == 5


# ---- views, routines, triggers, events, sequences ---------------------------------------------


def test_view_query_meets_server_form() -> None:
    same(
        "CREATE TABLE t (a int, flag int); CREATE VIEW v AS select a from t where flag;",
        "CREATE TABLE t (a int, flag int); CREATE ALGORITHM=UNDEFINED DEFINER=`root`@`localhost` "
        "SQL SECURITY DEFINER "
        "VIEW `v` AS select `t`.`a` AS `a` from `t` where `t`.`flag` <> 0;",
    )
    same(
        "CREATE TABLE t (a int); CREATE TABLE u (a int, b int);"
        "CREATE VIEW v (x, n) AS SELECT t.a, count(*) FROM t JOIN u ON u.a = t.a GROUP BY t.a;",
        "CREATE TABLE t (a int); CREATE TABLE u (a int, b int);"
        "CREATE VIEW v AS select `t`.`a` AS `x`,count(0) AS `n` from (`t` join `u` on(`u`.`a` = "
        "`t`.`a`)) group by `t`.`a`;",
    )
    differ(
        "CREATE TABLE t (a int); CREATE VIEW v AS SELECT a FROM t;",
        "CREATE TABLE t (a int); CREATE VIEW v AS SELECT a + 1 AS a FROM t;",
    )


def test_view_options_and_definer_only_with_owners() -> None:
    text = (
        "CREATE TABLE t (a int); CREATE ALGORITHM=MERGE DEFINER=`u`@`%` SQL SECURITY INVOKER VIEW v "
        "AS SELECT a FROM t WITH CHECK OPTION;"
    )
    v = parse(text).get(ObjectKey("view", "", "v"))
    assert isinstance(v, View)
    assert v.option(ViewOptions) == ViewOptions(algorithm="MERGE", security="INVOKER")
    assert v.check_option == "CASCADED" and v.owner is None
    owned = parse(text, owners=True).get(ObjectKey("view", "", "v"))
    assert owned is not None and owned.owner == "u@%"


def test_placeholder_views_of_dumps_are_skipped() -> None:
    s = parse(
        "CREATE TABLE t (a int);\n/*!50001 CREATE VIEW `v` AS SELECT\n 1 AS `a` */;\n"
        "/*!50001 DROP VIEW IF EXISTS `v`*/;\n/*!50001 CREATE ALGORITHM=UNDEFINED */\n"
        "/*!50013 DEFINER=`root`@`localhost` SQL SECURITY DEFINER */\n/*!50001 VIEW `v` AS "
        "select `t`.`a` AS `a` from `t` */;"
    )
    assert isinstance(s.get(ObjectKey("view", "", "v")), View)


def test_routines() -> None:
    s = parse(
        "DELIMITER ;;\nCREATE DEFINER=`root`@`localhost` PROCEDURE pr(IN a int(11), OUT b varchar(10))\n"
        " READS SQL DATA COMMENT 'c'\nBEGIN\n  -- note\n  SELECT a INTO b;\nEND;;\n"
        "CREATE FUNCTION fn(x int) RETURNS varchar(5) DETERMINISTIC RETURN concat(x, '');;\nDELIMITER ;\n"
    )
    pr = s.get(ObjectKey("procedure", "", "pr"))
    assert isinstance(pr, Procedure)
    assert [(a.mode, a.name, a.type) for a in pr.arguments] == [
        ("IN", "a", "int"),
        ("OUT", "b", "varchar(10)"),
    ]
    assert pr.body == "BEGIN SELECT a INTO b; END"  # comments are stripped by the client, never stored
    assert pr.attributes == (("data_access", "READS SQL DATA"),) and pr.comment == "c"
    fn = s.get(ObjectKey("function", "", "fn"))
    assert isinstance(fn, Routine) and fn.returns == "varchar(5) COLLATE utf8mb4_general_ci"


def test_triggers_and_their_order() -> None:
    s = parse(
        "CREATE TABLE t (a int);\nDELIMITER ;;\n"
        "CREATE TRIGGER t1 BEFORE INSERT ON t FOR EACH ROW SET NEW.a = 1;;\n"
        "CREATE TRIGGER t0 BEFORE INSERT ON t FOR EACH ROW PRECEDES t1 SET NEW.a = 0;;\n"
        "CREATE TRIGGER t2 AFTER DELETE ON t FOR EACH ROW BEGIN\n  DELETE FROM t;\nEND;;\nDELIMITER ;\n"
    )
    trg = {o.name: o for o in s if isinstance(o, Trigger)}
    assert trg["t0"].option(ActionOrder) == ActionOrder(position=1)
    assert trg["t1"].option(ActionOrder) == ActionOrder(position=2)
    assert trg["t2"].option(ActionOrder) is None and trg["t2"].action == "BEGIN DELETE FROM t; END"
    assert trg["t2"].key == ObjectKey("trigger", "", "t2", "t")


def test_event_starts_is_not_compared() -> None:
    same(
        "CREATE EVENT e ON SCHEDULE EVERY 1 DAY DO SELECT 1;",
        "CREATE DEFINER=`root`@`localhost` EVENT `e` ON SCHEDULE EVERY 1 DAY STARTS '2026-01-01 10:00:00' "
        "ON COMPLETION NOT PRESERVE ENABLE DO SELECT 1;",
    )
    e = parse("CREATE EVENT e ON SCHEDULE EVERY 2 HOUR DISABLE DO SELECT 1;").get(ObjectKey("event", "", "e"))
    assert isinstance(e, Event) and e.every == "2 HOUR" and e.status == "DISABLE"


def test_sequences_defaults() -> None:
    same(
        "CREATE SEQUENCE s;",
        "CREATE SEQUENCE `s` start with 1 minvalue 1 maxvalue 9223372036854775806 increment by 1 "
        "cache 1000 nocycle ENGINE=InnoDB;\n"
        "DO SETVAL(`s`, 1, 0);",
    )
    seq = parse("CREATE SEQUENCE s INCREMENT BY -1;").get(ObjectKey("sequence", "", "s"))
    assert isinstance(seq, Sequence) and seq.max_value == -1 and seq.start == -1


# ---- databases, noise, errors -----------------------------------------------------------------


def test_use_of_the_dump_database_is_the_default_schema() -> None:
    s = parse(
        "CREATE DATABASE shop; USE shop; CREATE TABLE t (a int); CREATE TABLE shop.u (a int); "
        "CREATE TABLE other.w (a int);"
    )
    assert {(k.schema, k.name) for k in s.objects} == {("", "t"), ("", "u"), ("other", "w")}


def test_mariadb_ignores_mysql57_version_comments() -> None:
    s = parse("CREATE TABLE t (a int, /*!50705 g geometry NOT NULL,*/ b int);")
    assert [c.name for c in table(s).columns] == ["a", "b"]


def test_data_statements_are_ignored() -> None:
    s = parse(
        "CREATE TABLE t (a int); INSERT INTO t VALUES (1); LOCK TABLES t WRITE; UNLOCK TABLES; "
        "SET NAMES utf8mb4;"
    )
    assert not s.warnings and len(s.objects) == 1


def test_unsupported_becomes_opaque_with_warning_or_error() -> None:
    text = "CREATE TABLE t (a int);\nCREATE SERVER s FOREIGN DATA WRAPPER mysql OPTIONS (HOST 'x');\n"
    s = parse(text)
    assert [type(o) for o in s if not isinstance(o, Table)] == [Opaque]
    assert len(s.warnings) == 1 and str(s.warnings[0]).startswith("t.sql:2:1: warning:")
    with pytest.raises(DdlError, match=r"t\.sql:2:1: error: .*--strict"):
        parse(text, strict=True)


def test_column_sqlglot_cannot_read_is_opaque_at_its_position() -> None:
    s = parse("CREATE TABLE t (\n  a int,\n  b int AUTO_RANDOM\n);")
    assert isinstance(next(iter(s)), Opaque)
    assert s.warnings[0].pos is not None and s.warnings[0].pos.line == 3


def test_invalid_statement_is_a_clear_error() -> None:
    with pytest.raises(DdlError, match=r"t\.sql:1:\d+: error: table 'x' does not exist|does not exist"):
        parse("ALTER TABLE x ADD COLUMN a int;")
    with pytest.raises(DdlError, match=r"already exists"):
        parse("CREATE TABLE t (a int); CREATE TABLE t (a int);")


def test_column_names_are_case_insensitive_table_names_are_not() -> None:
    same("CREATE TABLE t (Id int, KEY k (id));", "CREATE TABLE t (Id int, KEY k (ID));")
    differ("CREATE TABLE t (a int);", "CREATE TABLE T (a int);")


def test_opaque_kinds_do_not_collide() -> None:
    s = parse(
        "CREATE TABLE t (a int);\nCREATE SERVER s1 FOREIGN DATA WRAPPER mysql OPTIONS (HOST "
        "'x');\nCREATE SERVER s2 FOREIGN DATA WRAPPER mysql OPTIONS (HOST 'y');"
    )
    assert len([o for o in s if isinstance(o, Opaque)]) == 2


def test_default_calling_a_function_without_arguments() -> None:
    """`DEFAULT gen_code()` is an expression default, not a TIMESTAMP literal (it was an IndexError)."""
    c = col(parse("CREATE TABLE t (c varchar(10) DEFAULT (gen_code()));"), "c")
    assert c.default is not None and c.default.canonical.lower() == "gen_code()"
    same("CREATE TABLE t (c datetime DEFAULT TIMESTAMP '2020-01-01 00:00:00');",
         "CREATE TABLE t (c datetime DEFAULT '2020-01-01 00:00:00');")  # fmt: skip


@pytest.mark.parametrize("type_text", ["varchar(((20)))", "decimal(1e3)", "float(x)"])
def test_type_arguments_are_whole_numbers(type_text: str) -> None:
    """What MariaDB refuses as a syntax error is a positioned error here (it was a renderer crash)."""
    with pytest.raises(DdlError, match="whole numbers") as e:
        parse(f"CREATE TABLE t (id int);\nCREATE TABLE u (a {type_text});")
    assert e.value.pos is not None and e.value.pos.line == 2


# -- malformed input the fuzzer found: positioned errors or opaque statements, never a crash ------------


@pytest.mark.parametrize(
    ("sql", "message", "where"),
    [
        ("CREATE TABLE keep (a int);\nALTER TABLE keep CHANGE;", "CHANGE needs a column name", (2, 24)),
        ("CREATE TABLE keep (a int);\nALTER TABLE keep CHANGE a;", "CHANGE needs a column name", (2, 26)),
        ("RENAME TABLE;", "RENAME TABLE needs `a TO b`", (1, 13)),
        ("CREATE SEQUENCE s START " + "9" * 5000 + ";",
         "START 999999999999999999999999999999... is out of range", (1, 25)),
        ("CREATE SEQUENCE s MAXVALUE 9223372036854775808;",
         "MAXVALUE 9223372036854775808 is out of range", (1, 28)),
        ("CREATE SEQUENCE s ENGINE;", "ENGINE needs a name", (1, 25)),
        ("CREATE SEQUENCE s COMMENT 5;", "COMMENT needs a string", (1, 27)),
    ],
)  # fmt: skip
def test_malformed_statements_are_positioned_errors(sql: str, message: str, where: tuple[int, int]) -> None:
    with pytest.raises(DdlError) as e:
        parse(sql)
    assert e.value.message.startswith(message), e.value.message
    assert e.value.pos is not None and (e.value.pos.line, e.value.pos.col) == where


def test_largest_sequence_values_are_read() -> None:
    (seq,) = [o for o in parse("CREATE SEQUENCE s MINVALUE -9223372036854775807 START 9223372036854775806;")]
    assert (seq.min_value, seq.start) == (-9223372036854775807, 9223372036854775806)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("sql", "warning"),
    [
        # sqlglot raises TypeError on DATE_ADD(): read like its parse errors
        ("CREATE TABLE t (i int DEFAULT DATE_ADD());", "a column definition of `t` sqlglot cannot read"),
        ("CREATE TABLE t (a int) PARTITION BY HASH (a) PARTITIONS 1e9;",
         "this partition clause (1e9 is not a whole number"),
        ("CREATE TABLE t (a int) PARTITION BY HASH (a) PARTITIONS 99999999999999999999999;",
         "this partition clause (99999999999999999999999 is out of range"),
        ("CREATE TABLE t (a int) PARTITION BY RANGE () (PARTITION p VALUES LESS THAN (1));",
         "this partition clause (an expression is needed here)"),
    ],
)  # fmt: skip
def test_unreadable_parts_are_opaque_with_a_warning(sql: str, warning: str) -> None:
    s = parse(sql)
    assert [type(o) for o in s] == [Opaque]
    assert len(s.warnings) == 1 and s.warnings[0].message.startswith(warning), s.warnings
    with pytest.raises(DdlError, match="--strict"):
        parse(sql, strict=True)


def test_partitions_count_in_hex_is_read() -> None:
    same("CREATE TABLE t (a int) PARTITION BY HASH (a) PARTITIONS 0x4;",
         "CREATE TABLE t (a int) PARTITION BY HASH (a) PARTITIONS 4;")  # fmt: skip


def test_statements_after_an_open_delimiter_are_read() -> None:
    """`DELIMITER ;;` never closed: the rest is one query the server splits at `;` (the DELETE
    first used to hide the table after it)."""
    s = parse("DELIMITER ;;\nDELETE FROM a;\nCREATE TABLE t (a int);\n")
    assert table(s).column("a") is not None


@pytest.mark.parametrize(
    ("column", "message"),
    [
        ("a varchar(" + "9" * 5000 + ")",
         "the argument 999999999999999999999999999999... of type varchar is out of range (max = 4294967295)"),
        ("a decimal(4294967296,2)",
         "the argument 4294967296 of type decimal is out of range (max = 4294967295)"),
        ("a decimal(8,2) DEFAULT 1e999", "invalid default value 1e999 for a column of type decimal(8,2)"),
        ("a decimal(8,2) DEFAULT 1234567", "invalid default value 1234567 for a column of type decimal(8,2)"),
        ("a int DEFAULT 1e20", "invalid default value 1e20 for a column of type int"),
        ("a double DEFAULT -1e309", "invalid default value -1e309 for a column of type double"),
        ("a bit(8) DEFAULT 1e99999999999", "invalid default value 1e99999999999 for a column of type bit(8)"),
    ],
)  # fmt: skip
def test_numbers_out_of_range_are_errors(column: str, message: str) -> None:
    """The server refuses these (errors 1439, 1067, 1367); they were crashes on huge numbers."""
    with pytest.raises(DdlError) as e:
        parse(f"CREATE TABLE t (id int);\nCREATE TABLE u ({column});")
    assert e.value.message == message
    assert e.value.pos is not None and e.value.pos.line == 2


def test_numbers_in_range_are_read() -> None:
    a = "CREATE TABLE t (a decimal(8,2) DEFAULT 123456.004, b double DEFAULT 1e308, c text(4294967295));"
    b = "CREATE TABLE t (a decimal(8,2) DEFAULT '123456.00', b double DEFAULT 1e308, c longtext);"
    same(a, b)
    differ("CREATE TABLE t (a int DEFAULT 'inf');", "CREATE TABLE t (a int DEFAULT 0);")
