"""PostgreSQL parser behaviours that follow what the server does (offline; the corpus suites prove
them against the real server)."""

from __future__ import annotations

import pytest

from ddlcompare.dialects import LoadOptions
from ddlcompare.dialects.postgres.objects import Aggregate, Clustered
from ddlcompare.dialects.postgres.parse import _require_covered, as_server_reads, parse
from ddlcompare.errors import DdlError
from ddlcompare.model.base import ObjectKey
from ddlcompare.model.objects import Index, Table


def _table(sql: str, schema: str, name: str) -> Table:
    t = parse(sql, "t.sql").objects[ObjectKey("table", schema, name)]
    assert isinstance(t, Table)
    return t


def test_cluster_using_marks_the_index_like_alter_table_cluster_on() -> None:
    base = "CREATE TABLE t (id int PRIMARY KEY, a int);\nCREATE INDEX t_a ON t (a);\n"
    by_cluster = parse(base + "CLUSTER t USING t_a;\n", "a.sql")
    by_alter = parse(base + "ALTER TABLE t CLUSTER ON t_a;\n", "b.sql")
    idx = ObjectKey("index", "public", "t_a", "t")
    assert by_cluster.objects[idx].option(Clustered) is not None
    assert by_cluster.objects[idx] == by_alter.objects[idx]
    # CLUSTER without USING reuses the marked index and marks nothing new
    plain = parse(base + "CLUSTER t;\n", "c.sql")
    assert plain.objects[idx].option(Clustered) is None


def test_client_encoding_decodes_the_rest_of_the_file_like_the_server() -> None:
    text = "COMMENT ON SCHEMA public IS 'Résumé';\nSET CLIENT_ENCODING=latin1;\nSELECT 'Résumé';\n"
    out = as_server_reads(text)
    head, tail = out.split("latin1;")
    assert "'Résumé'" in head  # before the SET the file is read as UTF-8
    assert "'RÃ©sumÃ©'" in tail
    assert as_server_reads(text.replace("latin1", "UTF8")) == text.replace("latin1", "UTF8")


def test_create_schema_elements_look_names_up_along_the_path() -> None:
    sql = """
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";
CREATE DOMAIN "Name" varchar(50);
CREATE SCHEMA person
  CREATE TABLE p (name "Name", id uuid DEFAULT uuid_generate_v1());
"""
    col_name, col_id = _table(sql, "person", "p").columns
    # created in the new schema, but "Name" and the extension's function are found in public
    assert col_name.type == 'public."Name"'
    assert col_id.default is not None and col_id.default.text == "public.uuid_generate_v1()"


def test_aggregate_signatures_and_keyword_options() -> None:
    sql = """
CREATE AGGREGATE a(VARIADIC "any" ORDER BY VARIADIC "any") (SFUNC = ordered_set_transition_multi,
    STYPE = internal, FINALFUNC = rank_final, FINALFUNC_EXTRA);
CREATE AGGREGATE b(ORDER BY VARIADIC "any") (SFUNC = ordered_set_transition_multi, STYPE = internal,
    FINALFUNC = rank_final, FINALFUNC_EXTRA);
CREATE AGGREGATE c(numeric) (SFUNC = numeric_add, STYPE = numeric, PARALLEL = SAFE);
CREATE AGGREGATE d(numeric) (SFUNC = numeric_add, STYPE = numeric, PARALLEL = UNSAFE,
    FINALFUNC_MODIFY = READ_ONLY);
"""
    aggs = {o.name: o for o in parse(sql, "t.sql").objects.values() if isinstance(o, Aggregate)}
    assert sorted(aggs) == [
        'a(VARIADIC "any" ORDER BY VARIADIC "any")',
        'b(ORDER BY VARIADIC "any")',
        "c(numeric)",
        "d(numeric)",
    ]
    a = dict(aggs['a(VARIADIC "any" ORDER BY VARIADIC "any")'].definition)
    assert a["sfunc"] == "ordered_set_transition_multi"  # built-in support functions stay unqualified
    assert dict(aggs["c(numeric)"].definition)["parallel"] == "safe"
    # defaults are left out, as the server and pg_dump do
    assert dict(aggs["d(numeric)"].definition) == {"sfunc": "numeric_add", "stype": "numeric"}


def test_like_including_indexes_copies_plain_indexes_with_generated_names() -> None:
    sql = """
CREATE TABLE tpl (created_at timestamptz NOT NULL, note text);
CREATE INDEX tpl_created ON tpl (created_at) WHERE note IS NOT NULL;
COMMENT ON INDEX tpl_created IS 'by time';
CREATE TABLE plain (LIKE tpl);
CREATE TABLE copied (id int PRIMARY KEY, LIKE tpl INCLUDING ALL);
"""
    objects = parse(sql, "t.sql").objects
    indexes = {o.name: o for o in objects.values() if isinstance(o, Index)}
    assert sorted(indexes) == ["copied_created_at_idx", "tpl_created"]
    src, copy = indexes["tpl_created"], indexes["copied_created_at_idx"]
    assert (copy.parts, copy.where, copy.comment) == (src.parts, src.where, src.comment)
    assert ObjectKey("table", "public", "copied") in copy.depends_on


def test_owner_and_grants_of_types_and_domains() -> None:
    """ALTER TYPE/DOMAIN ... OWNER TO and GRANT ... ON TYPE name the type by a plain List of names
    (COMMENT and DROP by a TypeName): both find the type."""
    sql = (
        "CREATE TYPE s AS ENUM ('a');\nCREATE DOMAIN d AS int;\nALTER TYPE public.s OWNER TO alice;\n"
        "ALTER DOMAIN d OWNER TO bob;\nGRANT USAGE ON TYPE s TO carol;\n"
    )
    objects = parse(sql, "t.sql", LoadOptions(owners=True, privileges=True)).objects
    enum, domain = objects[ObjectKey("enum", "public", "s")], objects[ObjectKey("domain", "public", "d")]
    assert (enum.owner, domain.owner) == ("alice", "bob")
    assert [(g.grantee, g.privilege) for g in enum.grants] == [("carol", "USAGE")]


def test_psql_include_is_refused() -> None:
    """`\\i` brings in statements ddlcompare does not read: an error, not a schema with a gap."""
    for meta in ("\\i other.sql", "\\ir other.sql", "\\include other.sql", "\\gexec"):
        with pytest.raises(DdlError, match="does not read") as e:
            parse(f"CREATE TABLE a (id int);\n{meta}\nCREATE TABLE b (id int);\n", "s.sql")
        assert e.value.pos is not None and e.value.pos.line == 2
    other = parse("\\set x 1\nCREATE TABLE b (id int);\n", "s.sql")  # a harmless meta-command
    assert ObjectKey("table", "public", "b") in other.objects


def test_what_the_scanner_split_cannot_read_is_an_error() -> None:
    """pglast's scanner split leaves out what it cannot read (`E$$x`): an error at its place,
    never a statement silently gone."""
    with pytest.raises(DdlError, match="syntax error") as e:
        parse("CREATE TABLE a (id int);\nE$$x;\nCREATE TABLE b (id int);\n", "s.sql")
    assert e.value.pos is not None and e.value.pos.line == 2
    # between statements: nested comments (which the gap pattern does not follow) are only comments
    text = "/* a /* nested */ comment */ CREATE TABLE a (id int); -- c\n;  SELECT 1"
    start = text.index("CREATE")
    _require_covered(text, [slice(start, text.index(";")), slice(text.index("SELECT"), len(text))], "n.sql")
    with pytest.raises(DdlError, match="syntax error"):
        _require_covered(text + "\n$1$;", [slice(start, text.index(";"))], "n.sql")


# -- the parsed file meets the live catalog of the database it is loaded into (issue 11) ------------

_VIEW_BASE = "CREATE TABLE t (id int, name text, active boolean);\nCREATE TABLE u (id int, extra text);\n"


def _same(a: str, b: str) -> None:
    from ddlcompare.diff.compare import diff

    assert diff(parse(a, "a.sql", LoadOptions()), parse(b, "b.sql", LoadOptions())) == ()


@pytest.mark.parametrize(
    ("written", "server"),
    [
        (
            "CREATE VIEW v (ident, label) AS SELECT id, name FROM t WHERE active;",
            "CREATE VIEW v AS SELECT t.id AS ident, t.name AS label FROM public.t WHERE t.active;",
        ),
        ("CREATE VIEW v (a) AS SELECT id, name FROM t;", "CREATE VIEW v AS SELECT t.id AS a, t.name FROM t;"),
        (
            "CREATE VIEW v (a, b) AS SELECT * FROM t;",
            "CREATE VIEW v AS SELECT t.id AS a, t.name AS b, t.active FROM public.t;",
        ),
        (
            "CREATE VIEW v (a, b, c, d) AS SELECT t.*, u.extra FROM t JOIN u ON u.id = t.id;",
            "CREATE VIEW v AS SELECT t.id AS a, t.name AS b, t.active AS c, u.extra AS d"
            " FROM public.t JOIN public.u ON u.id = t.id;",
        ),
        (
            "CREATE MATERIALIZED VIEW m (k) AS SELECT id FROM t;",
            "CREATE MATERIALIZED VIEW m AS SELECT t.id AS k FROM public.t;",
        ),
        (
            "CREATE VIEW v AS SELECT to_jsonb(q) AS j FROM u AS q;",
            "CREATE VIEW v AS SELECT to_jsonb(q.*) AS j FROM u q;",
        ),
    ],
)
def test_view_spellings_meet_pg_get_viewdef(written: str, server: str) -> None:
    """A view's column list is the aliases pg_get_viewdef prints; a whole-row reference is `q.*`."""
    _same(_VIEW_BASE + written, _VIEW_BASE + server)


def test_a_view_column_list_still_names_the_columns() -> None:
    from ddlcompare.diff.compare import diff

    a = parse(_VIEW_BASE + "CREATE VIEW v (a, b) AS SELECT id, name FROM t;", "a.sql", LoadOptions())
    b = parse(_VIEW_BASE + "CREATE VIEW v (a, c) AS SELECT id, name FROM t;", "b.sql", LoadOptions())
    assert diff(a, b)


def test_range_type_default_multirange_name() -> None:
    """PostgreSQL 14+ names the multirange itself; the catalog names it explicitly."""
    plain = "CREATE TYPE floatrange AS RANGE (subtype = float8);"
    named = "CREATE TYPE floatrange AS RANGE (subtype = float8, multirange_type_name = floatmultirange);"
    _same(plain, named)
    _same("CREATE TYPE span AS RANGE (subtype = int4);",
          "CREATE TYPE span AS RANGE (subtype = int4, multirange_type_name = span_multirange);")  # fmt: skip
    from ddlcompare.diff.compare import diff

    other = "CREATE TYPE floatrange AS RANGE (subtype = float8, multirange_type_name = fm);"
    assert diff(parse(plain, "a.sql", LoadOptions()), parse(other, "b.sql", LoadOptions()))


def test_a_view_column_list_over_a_star_follows_each_snapshot() -> None:
    """The same CREATE VIEW text over a table with another column expands to that column too."""
    view = "CREATE VIEW v (a, b) AS SELECT * FROM t;\n"
    old = parse("CREATE TABLE t (id int, name text);\n" + view, "a.sql", LoadOptions())
    new = parse("CREATE TABLE t (id int, name text, extra int);\n" + view, "b.sql", LoadOptions())
    key = ObjectKey("view", "public", "v")
    assert "extra" not in old.objects[key].query.canonical  # type: ignore[attr-defined]
    assert "extra" in new.objects[key].query.canonical  # type: ignore[attr-defined]


def test_an_operator_class_is_default_only_for_its_access_method() -> None:
    def opclass(method: str, column: str, ops: str) -> str | None:
        sql = f"CREATE TABLE t (a inet, b int);\nCREATE INDEX i ON t USING {method} ({column} {ops});\n"
        idx = parse(sql, "t.sql").objects[ObjectKey("index", "public", "i", "t")]
        assert isinstance(idx, Index)
        return idx.parts[0].opclass

    # pg_get_indexdef omits a column's default class: writing it changes nothing
    assert opclass("btree", "a", "inet_ops") is None
    assert opclass("spgist", "a", "inet_ops") is None
    assert opclass("brin", "b", "int4_minmax_ops") is None
    assert opclass("gist", "b", "public.gist_int4_ops") is None  # btree_gist's
    # GiST's inet_ops is not its type's default (btree_gist's gist_inet_ops is): kept
    assert opclass("gist", "a", "inet_ops") == "inet_ops"
    assert opclass("gin", "a", "jsonb_path_ops") == "jsonb_path_ops"
    assert opclass("btree", "a", "text_pattern_ops") == "text_pattern_ops"


def test_default_table_access_method_applies_to_tables_and_matviews_created_without_using() -> None:
    from ddlcompare.dialects.postgres.objects import AccessMethod

    sql = (
        "CREATE ACCESS METHOD h2 TYPE TABLE HANDLER heap_tableam_handler;\n"
        "SET default_table_access_method = h2;\n"
        "CREATE TABLE a (id int);\nCREATE TABLE b (id int) USING heap;\n"
        "CREATE TABLE p (k int) PARTITION BY LIST (k);\n"
        "CREATE MATERIALIZED VIEW mv AS SELECT 1 AS x;\n"
        "RESET default_table_access_method;\nCREATE TABLE c (id int);\n"
        "ALTER TABLE c SET ACCESS METHOD h2;\nALTER TABLE a SET ACCESS METHOD heap;\n"
    )
    objects = parse(sql, "t.sql").objects

    def method(kind: str, name: str) -> str | None:
        am = objects[ObjectKey(kind, "public", name)].option(AccessMethod)
        return am.method if am is not None else None

    assert method("table", "b") is None  # heap, the built-in default, is not an option
    assert method("table", "p") is None  # a partitioned table has no access method
    assert method("materialized_view", "mv") == "h2"
    assert method("table", "c") == "h2"
    assert method("table", "a") is None


def test_owned_sequences_go_with_their_table_or_column_and_follow_renames() -> None:
    from ddlcompare.dialects.postgres.parse import parse_many
    from ddlcompare.model.objects import Sequence

    base = "CREATE TABLE t (id serial, x int);\nCREATE TABLE u (id serial);\nALTER TABLE u RENAME TO w;\n"
    more = "DROP TABLE t;\nALTER TABLE w RENAME COLUMN id TO ident;\n"
    # the second file replays the first one's statements: the replay keeps the ownership index too
    first, second = parse_many([(base, "a.sql"), (base + more, "b.sql")])
    assert {str(k) for k in first.objects if k.kind == "sequence"} == {
        "sequence:public.t_id_seq",
        "sequence:public.u_id_seq",
    }
    seq = second.objects[ObjectKey("sequence", "public", "u_id_seq")]
    assert isinstance(seq, Sequence) and seq.owned_by == ("w", "ident")
    assert ObjectKey("sequence", "public", "t_id_seq") not in second.objects  # gone with DROP TABLE
    dropped = parse(base + "ALTER TABLE w DROP COLUMN id;\n", "c.sql")
    assert ObjectKey("sequence", "public", "u_id_seq") not in dropped.objects  # gone with its column
    kept = parse(base + "ALTER SEQUENCE u_id_seq OWNED BY NONE;\nDROP TABLE w;\n", "d.sql")
    assert ObjectKey("sequence", "public", "u_id_seq") in kept.objects


def test_public_keeps_its_own_comment_unless_removed_or_created_again() -> None:
    public = ObjectKey("schema", "", "public")

    def comment(sql: str) -> str | None:
        return parse(sql, "t.sql").objects[public].comment

    assert comment("CREATE TABLE t (id int);\n") is None  # 'standard public schema', the default
    assert comment("COMMENT ON SCHEMA public IS 'standard public schema';\n") is None  # dumps up to 14
    assert comment("COMMENT ON SCHEMA public IS '';\n") == ""  # pg_dump 15: no comment at all
    assert comment("COMMENT ON SCHEMA public IS NULL;\n") == ""
    assert comment("DROP SCHEMA public;\nCREATE SCHEMA public;\n") == ""  # born again without one
    assert comment("COMMENT ON SCHEMA public IS 'app';\n") == "app"


def test_set_schema_moves_what_goes_with_the_relation() -> None:
    """ALTER TABLE ... SET SCHEMA: the table's key, index and owned sequence move with it, the
    owner and grants kept aside for re-creation too, and a key elsewhere that references it follows."""
    s = parse(
        "CREATE SCHEMA app;\n"
        "CREATE TABLE public.t (id serial PRIMARY KEY, v text);\n"
        "CREATE INDEX t_v ON public.t (v);\n"
        "CREATE TABLE public.c (t_id int REFERENCES public.t (id));\n"
        "ALTER TABLE public.t OWNER TO someone;\n"
        "ALTER TABLE public.t SET SCHEMA app;\n",
        "history.sql",
        LoadOptions(),
    )
    assert not [k for k in s.objects if k.schema == "public" and k.name in ("t", "t_pkey", "t_v", "t_id_seq")]
    moved = {ObjectKey("primary_key", "app", "t_pkey", "t"), ObjectKey("index", "app", "t_v", "t")}
    assert moved <= s.objects.keys()
    table = s.objects[ObjectKey("table", "app", "t")]
    assert isinstance(table, Table) and table.columns[0].default is not None
    assert "app.t_id_seq" in table.columns[0].default.canonical
    assert s.access[ObjectKey("table", "app", "t")].owner == "someone"
    fk = next(o for o in s.objects.values() if o.key.kind == "foreign_key")
    assert (fk.ref_schema, fk.ref_table) == ("app", "t")  # type: ignore[attr-defined]


def _view_text(sql: str, name: str) -> tuple[str, str]:
    s = parse(sql, "history.sql", LoadOptions())
    view = s.objects[ObjectKey("view", "public", name)]
    return view.query.canonical, view.query.text  # type: ignore[attr-defined]


def test_rename_column_follows_in_expressions_only_where_it_is_the_column() -> None:
    """RENAME COLUMN n: a function, a type, a string and a qualified name's part called n stay;
    NEW.n and OLD.n in a trigger's WHEN follow, as does a quoted column."""
    s = parse(
        "CREATE FUNCTION n(i int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT i';\n"
        'CREATE TABLE t (n int, "Mixed" int, CHECK (n(n) > 0 AND n::text <> \'n\' AND "Mixed" > n));\n'
        "CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;\n"
        "CREATE TRIGGER t_t BEFORE UPDATE OF n ON t FOR EACH ROW WHEN (NEW.n <> OLD.n)"
        " EXECUTE FUNCTION f();\n"
        "ALTER TABLE t RENAME COLUMN n TO amount;\n"
        'ALTER TABLE t RENAME COLUMN "Mixed" TO plain;\n',
        "history.sql",
        LoadOptions(),
    )
    check = next(o for o in s.objects.values() if o.key.kind == "check")
    text = check.expr.text  # type: ignore[attr-defined]
    assert "n(amount)" in text and "amount::text" in text and "'n'" in text and "plain > amount" in text
    trigger = next(o for o in s.objects.values() if o.key.kind == "trigger")
    assert trigger.columns == ("amount",)  # type: ignore[attr-defined]
    assert trigger.when.text.lower() == "(new.amount <> old.amount)"  # type: ignore[attr-defined]


def test_rename_column_in_views_follows_the_scopes() -> None:
    """A view's reference to the renamed column follows where it resolves to that table: through
    an alias, unqualified in the table's own FROM; not where an inner FROM's other table has a
    column of that name, nor for a CTE named like the table. A bare output keeps its name. (The
    fixture postgres/history_renames holds the same views, compared live.)"""
    base = (
        "CREATE TABLE t (id int, n int);\n"
        "CREATE TABLE o (id int, n int);\n"
        "CREATE VIEW v AS SELECT n, (SELECT max(n) FROM o) AS inner_n,"
        " (SELECT o.id FROM o WHERE o.id = t.n LIMIT 1) AS outer_n FROM t;\n"
        "CREATE VIEW a AS SELECT x.n AS xn, x.n FROM t AS x;\n"
        "CREATE VIEW w AS WITH t AS (SELECT n FROM o) SELECT n FROM t;\n"
    )
    renamed = base + "ALTER TABLE t RENAME COLUMN n TO amount;\n"
    canonical, text = _view_text(renamed, "v")
    assert text == (
        "SELECT amount AS n, (SELECT max(n) FROM public.o) AS inner_n,"
        " (SELECT o.id FROM public.o WHERE (o.id = t.amount) LIMIT 1) AS outer_n FROM public.t"
    )
    assert canonical.startswith("SELECT t.amount AS n, (SELECT max(o.n) AS max FROM public.o) AS inner_n")
    assert _view_text(renamed, "a")[1] == "SELECT x.amount AS xn, x.amount AS n FROM public.t AS x"
    assert _view_text(renamed, "w") == _view_text(base, "w")


def test_rename_table_follows_in_keys_views_defaults_and_parents() -> None:
    """RENAME TO: foreign keys, views (the table's name as its columns' qualifier, not an alias),
    serial defaults of a renamed sequence, partition and inheritance parents follow."""
    s = parse(
        "CREATE TABLE t (id serial PRIMARY KEY);\n"
        "CREATE TABLE c (t_id int REFERENCES t (id));\n"
        "CREATE VIEW v AS SELECT t.id, x.id AS xid FROM t, t x;\n"
        "CREATE TABLE p (k int) PARTITION BY LIST (k);\n"
        "CREATE TABLE p1 PARTITION OF p FOR VALUES IN (1);\n"
        "CREATE TABLE kid (y int) INHERITS (c);\n"
        "ALTER TABLE t RENAME TO u;\n"
        "ALTER SEQUENCE t_id_seq RENAME TO u_id_seq;\n"
        "ALTER TABLE p RENAME TO q;\n"
        "ALTER TABLE c RENAME TO d;\n",
        "history.sql",
        LoadOptions(),
    )
    fk = next(o for o in s.objects.values() if o.key.kind == "foreign_key")
    assert (fk.ref_table, fk.table) == ("u", "d")  # type: ignore[attr-defined]
    view = s.objects[ObjectKey("view", "public", "v")]
    assert view.query.text == "SELECT u.id, x.id AS xid FROM public.u, public.u AS x"  # type: ignore[attr-defined]
    table = s.objects[ObjectKey("table", "public", "u")]
    assert "public.u_id_seq" in table.columns[0].default.text  # type: ignore[attr-defined,union-attr]
    assert "p1" in {k.name for k in s.objects} and "PartitionOf(parent=('public', 'q')" in repr(
        s.objects[ObjectKey("table", "public", "p1")]
    )
    assert "('public', 'd')" in repr(s.objects[ObjectKey("table", "public", "kid")])


def test_rename_view_column_follows_in_views_over_it() -> None:
    """ALTER VIEW ... RENAME COLUMN: the view's output takes the new name and the views over it
    name it so, keeping their own output names."""
    sql = (
        "CREATE TABLE t (id int, m text);\n"
        "CREATE VIEW v AS SELECT id, m FROM t;\n"
        "CREATE VIEW w AS SELECT v.m FROM v;\n"
        "ALTER VIEW v RENAME COLUMN m TO feeling;\n"
    )
    assert _view_text(sql, "v")[1] == "SELECT id, m AS feeling FROM public.t"
    assert _view_text(sql, "w")[1] == "SELECT v.feeling AS m FROM public.v"


def test_rename_type_follows_and_leaves_routine_signatures_alone() -> None:
    """ALTER TYPE ... RENAME TO: column types (arrays too) and casts follow; a type a routine takes
    as an argument names the routine's key, so that rename stays unmodelled (a warning)."""
    s = parse(
        "CREATE TYPE mood AS ENUM ('ok');\n"
        "CREATE TABLE t (m mood DEFAULT 'ok'::mood, ms mood[]);\n"
        "ALTER TYPE mood RENAME TO feeling;\n",
        "history.sql",
        LoadOptions(),
    )
    table = s.objects[ObjectKey("table", "public", "t")]
    assert isinstance(table, Table)
    assert [c.type for c in table.columns] == ["public.feeling", "public.feeling[]"]
    assert table.columns[0].default is not None and "public.feeling" in table.columns[0].default.text
    assert ObjectKey("enum", "public", "feeling") in s.objects and not s.warnings
    s = parse(
        "CREATE TYPE mood AS ENUM ('ok');\n"
        "CREATE FUNCTION f(m mood) RETURNS int LANGUAGE sql AS 'SELECT 1';\n"
        "ALTER TYPE mood RENAME TO feeling;\n",
        "history.sql",
        LoadOptions(),
    )
    assert ObjectKey("enum", "public", "mood") in s.objects
    assert any("not modelled" in str(w) for w in s.warnings)
