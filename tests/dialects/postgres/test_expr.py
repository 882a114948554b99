"""Tests of the PostgreSQL expression printer and canonicaliser (ddlcompare.dialects.postgres.expr).

Fast unit tests need neither the server nor the corpus. The corpus tests read ../shared/corpus:
`test_corpus_round_trip` (every expression and view query of every PostgreSQL corpus file prints back
to the same parse tree) and the live oracle `test_corpus_canonical_matches_server` (each file is loaded
into PostgreSQL and the file's expressions must canonicalise like the server's own rendering of the
same objects, while deliberate changes must not).
"""

from __future__ import annotations

import collections
import copy
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from ddlcompare.dialects.postgres import expr
from ddlcompare.dialects.postgres.expr import SimpleScope

try:
    from . import corpus_expr as ce  # type: ignore[import-not-found,unused-ignore]
except ImportError:
    import corpus_expr as ce  # type: ignore[import-not-found,no-redef,unused-ignore]

Node = dict[str, Any]
# scratch database names end with this process's own tag: another suite (a second worktree) runs
# side by side on the same server, and a fixed name let one run drop the other's database
_RUN = uuid.uuid4().hex[:8]


def _expr(text: str) -> Node:
    return ce.parse("SELECT " + text)[0]["SelectStmt"]["targetList"][0]["ResTarget"]["val"]  # type: ignore[no-any-return]


def _query(text: str) -> Node:
    return ce.parse(text)[0]


# --------------------------------------------------------------------------------------------------
# sql(): prints back to the same parse tree

EXPRESSIONS = [
    "-1::int",
    "(-1.5)::numeric",
    "- x",
    "+ x",
    "'a''b' || E'\\\\n'",
    "B'101' | X'FF'",
    "$1 + $2",
    "x::varchar(10)::text",
    "cast(x as double precision)",
    "x::timestamp(3) with time zone",
    "x::time with time zone",
    "interval '1' day",
    "interval '1 2:3:4' day to second(3)",
    "x::interval(3)",
    "x::char",
    "x::char(3)",
    "char 'x'",
    "x::bit",
    "x::bit varying(5)",
    "x::float",
    "x::float(3)",
    "x::decimal(10,2)",
    'x::"char"',
    "x::public.my_type[]",
    "x::int[3][]",
    "x::setof int",
    "f(x)",
    "pg_catalog.f(x)",
    '"left"(x, 2)',
    "count(*)",
    "count(distinct x)",
    "string_agg(x, ',' order by y desc nulls first)",
    "percentile_cont(0.5) within group (order by x)",
    "count(*) filter (where x > 1)",
    "sum(x) over ()",
    "sum(x) over w",
    "sum(x) over (w order by y)",
    "sum(x) over (partition by a order by b rows between unbounded preceding and current row)",
    "sum(x) over (order by b range between '1 day'::interval preceding and '1 day' following exclude ties)",
    "sum(x) over (order by b groups 2 preceding exclude current row)",
    "sum(x) over (rows unbounded preceding)",
    "sum(x) over (rows between current row and unbounded following exclude group)",
    "f(variadic array[1,2])",
    "f(a, variadic b)",
    "f(a => 1, b => 2)",
    "f(a := 1)",
    "extract(year from x)",
    "extract(epoch from x)",
    "extract('hour' from x)",
    "trim(both 'x' from y)",
    "trim(leading from y)",
    "trim(trailing 'a' from y)",
    "trim(y)",
    "trim(from y, z)",
    "substring(x from 2 for 3)",
    "substring(x from 2)",
    "substring(x for 3)",
    "substring(x similar 'a' escape '#')",
    "substring(x, 1, 2)",
    "position('a' in x)",
    "position(a || b in c)",
    "overlay(x placing 'y' from 2 for 3)",
    "overlay(x placing 'y' from 2)",
    "collation for (x)",
    "x at time zone 'UTC'",
    "x at local",
    "x is normalized",
    "x is nfkc normalized",
    "x is not nfd normalized",
    "normalize(x)",
    "normalize(x, nfkd)",
    "(a, b) overlaps (c, d)",
    "system_user",
    "xmlexists('//a' passing x)",
    "x = any (array[1,2])",
    "x = all (y)",
    "x operator(pg_catalog.=) any (y)",
    "x operator(pg_catalog.+) y",
    "x is distinct from y",
    "x is not distinct from y",
    "nullif(x, y)",
    "x in (1, 2, 3)",
    "x not in ('a', 'b')",
    "x like 'a%'",
    "x not like 'a%' escape '#'",
    "x ilike 'a'",
    "x not ilike 'a' escape '!'",
    "x similar to 'a'",
    "x not similar to 'a' escape '#'",
    "x between 1 and 2",
    "x not between 1 and 2",
    "x between symmetric 1 and 2",
    "x not between symmetric 1 and 2",
    "x between y + 1 and z * 2",
    "a and b and c",
    "a and (b and c)",
    "(a or b) and not c",
    "not (a = b)",
    "x is null",
    "x is not null",
    "x isnull",
    "x notnull",
    "x is true",
    "x is not false",
    "x is unknown",
    "x is not unknown",
    "exists (select 1 from t where t.a = x)",
    "x in (select a from t)",
    "x not in (select a from t)",
    "x = any (select a from t)",
    "x > all (select a from t)",
    "(select max(a) from t)",
    "array(select a from t)",
    "(a, b) in (select a, b from t)",
    "case when a then 1 when b then 2 else 3 end",
    "case x when 1 then 'a' end",
    "coalesce(a, b, 0)",
    "greatest(a, b)",
    "least(a, b)",
    "current_timestamp",
    "current_timestamp(3)",
    "current_time(2)",
    "current_date",
    "localtime",
    "localtimestamp(0)",
    "current_user",
    "current_role",
    "session_user",
    "user",
    "current_catalog",
    "current_schema",
    "array[1, 2]",
    "array[[1, 2], [3, 4]]",
    "array[]::int[]",
    "row(1, 2)",
    "row()",
    "row(1)",
    "(1, 2)",
    "x[1]",
    "x[1:2]",
    "x[:2]",
    "x[1:]",
    "x[:]",
    "x[1][2]",
    "(x).f",
    "(x).*",
    "(x).f[1]",
    "x.y[1].z",
    "(f(x)).y",
    "(f(x))[1]",
    "$1[1]",
    "($1).f",
    'x collate "C"',
    'x collate pg_catalog."default"',
    '(x || y) collate "en_US"',
    "grouping(a, b)",
    "xmlelement(name foo, xmlattributes(a as b, c), d, e)",
    'xmlelement(name "Foo")',
    "xmlforest(a, b as c)",
    "xmlparse(document x)",
    "xmlparse(content x preserve whitespace)",
    "xmlroot(x, version '1.0', standalone yes)",
    "xmlroot(x, version no value, standalone no value)",
    "xmlroot(x, version '1.1')",
    "xmlpi(name php, 'x')",
    "xmlpi(name php)",
    "xmlconcat(a, b)",
    "x is document",
    "xmlserialize(content x as text)",
    "xmlserialize(document x as varchar(10) indent)",
    "json_object('a': 1, 'b' value 2)",
    "json_array(1, 2)",
    "x is json",
    "x is not json",
    "x is json object with unique keys",
    "'a' ~ 'b'",
    "x::regclass",
    "'public.seq'::regclass",
    "nextval('seq'::regclass)",
    "x->>'a'",
    "x #> '{a,b}'",
    "x @> '{\"a\":1}'::jsonb",
    "1.5e10",
    "123456789012345",
    "- 1",
    "(x + y) * z",
    "x - -1",
    "x ^ 2 ^ 3",
    '"MixedCase"."Col"',
    '"select"',
    "t.*",
    "a.b.c.d",
]

QUERIES = [
    "select 1",
    "select distinct a, b from t",
    "select distinct on (a, b) a, b from t order by a, b desc",
    'select a as x, b "Y", c from t',
    "select * from t",
    "select t.*, u.a from t, u",
    "select * from only t",
    "select * from s.t as x(a, b)",
    "select * from t join u on t.a = u.a",
    "select * from t inner join u using (a, b)",
    "select * from t left outer join u using (a) as j",
    "select * from t right join u on true",
    "select * from t full join u on t.a = u.a",
    "select * from t natural join u",
    "select * from t natural left join u",
    "select * from t cross join u",
    "select * from t join (u join v on u.a = v.a) on t.a = u.a",
    "select * from (t join u on t.a = u.a) as j",
    "select * from t, lateral (select * from u where u.a = t.a) s",
    "select * from (select 1) as s(a)",
    "select * from (select 1) s",
    "select * from (values (1, 'a'), (2, 'b')) as v(a, b)",
    "select * from generate_series(1, 10) as g",
    "select * from generate_series(1, 10) with ordinality as g(a, n)",
    "select * from lateral f(x) as g",
    "select * from rows from (f(1) as (a int, b text), g(2)) with ordinality as z(a, b, c)",
    'select * from f() as (a int, b text collate "C")',
    "select * from f() as z(a int)",
    "select * from t tablesample system (10) repeatable (42)",
    "select * from t tablesample bernoulli (5)",
    "select a from t where a > 1 group by a having count(*) > 1",
    "select a from t group by distinct rollup(a, b), cube((a, b)), grouping sets ((), a, (a, b))",
    "select a from t group by ()",
    "select sum(x) over w from t window w as (partition by a order by b), w2 as (w rows 2 preceding)",
    "select a from t order by a using <, b nulls first",
    "select a from t order by a asc nulls last",
    "select a from t limit 10 offset 5",
    "select a from t limit all",
    "select a from t offset 5",
    "select a from t fetch first 5 rows only",
    "select a from t order by a fetch next (1 + 1) rows with ties",
    "select a from t for update",
    "select a from t for no key update of t nowait",
    "select a from t for share of t, u skip locked",
    "select a from t for key share",
    "select 1 union select 2",
    "select 1 union all select 2 order by 1 limit 1",
    "select 1 intersect select 2",
    "select 1 except all select 2",
    "(select 1 union select 2) intersect select 3",
    "select 1 union (select 2 intersect select 3)",
    "(select 1 order by 1 limit 1) union all (select 2)",
    "with c as (select 1) select * from c",
    "with recursive c(n) as (select 1 union all select n + 1 from c where n < 10) select n from c",
    "with c as materialized (select 1), d as not materialized (select 2) select * from c, d",
    "with recursive c(a) as (select 1 union all select a from c) search depth first by a set o table c",
    "with recursive c(a) as (select 1 union all select a from c) search breadth first by a set o table c",
    "with recursive c(a) as (select 1 union all select a from c)"
    " cycle a set cy to true default false using p select * from c",
    "with recursive c(a) as (select 1 union all select a from c) cycle a set cy using p select * from c",
    "values (1, 2), (3, 4)",
    "values (1) order by 1 limit 1",
    "with c as (select 1) select 1 union select 2",
    "select (select 1) as x",
    "select a from t where exists (select 1 from u where u.a = t.a)",
    "select a, count(*) filter (where b) from t group by a",
    'select * from t as "T" join u as "select" on "T".a = "select".a',
    "select array_agg(x order by y) from t",
    "select * from t, unnest(t.arr) with ordinality as u(v, n)",
    "select 1 into temp x",
    "select * from t where a = any(array(select b from u))",
    "select * from xmltable('/a' passing x columns b int path 'b')",
]


@pytest.mark.parametrize("text", EXPRESSIONS)
def test_sql_round_trips_expression(text: str) -> None:
    node = _expr(text)
    printed = expr.sql(node)
    assert ce.strip(_expr(printed)) == ce.strip(node), printed


@pytest.mark.parametrize("text", QUERIES)
def test_sql_round_trips_query(text: str) -> None:
    node = _query(text)
    printed = expr.query_sql(node)
    assert ce.strip(_query(printed)) == ce.strip(node), printed


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1::int", "integer"),
        ("1::int8", "int8"),
        ("1::varchar(10)", "character varying(10)"),
        ("1::timestamp(3) with time zone", "timestamp(3) with time zone"),
        ("1::interval day to second(2)", "interval day to second(2)"),
        ("1::char(2)", "character(2)"),
        ("1::public.t[]", "public.t[]"),
        ('1::"Mixed"', '"Mixed"'),
        ("1::numeric(10, 2)", "numeric(10, 2)"),
    ],
)
def test_type_sql(text: str, expected: str) -> None:
    assert expr.type_sql(_expr(text)["TypeCast"]["typeName"]) == expected


def test_sql_spellings() -> None:
    assert expr.sql(_expr("a between 1 and 2")) == "(a BETWEEN 1 AND 2)"
    assert expr.sql(_expr("x not like 'a%' escape '#'")) == "(x NOT LIKE 'a%' ESCAPE '#')"
    assert expr.sql(_expr("-1::int")) == "(- 1::integer)"
    assert expr.sql(_expr("(-1)::int")) == "(-1)::integer"
    assert expr.sql(_expr("extract(year from x)")) == "EXTRACT(year FROM x)"
    assert expr.sql(_expr("trim(both 'x' from y)")) == "TRIM(BOTH 'x' FROM y)"
    assert expr.sql(_expr('"Order"."select"')) == '"Order"."select"'
    assert expr.sql(_expr("E'a\\\\b'")) == "E'a\\\\b'"
    assert expr.query_sql(_query("select * from t where a in (1,2) order by 1 desc")) == (
        "SELECT * FROM t WHERE (a IN (1, 2)) ORDER BY 1 DESC"
    )


# --------------------------------------------------------------------------------------------------
# canonical(): the text a person writes equals what the server hands back

SCOPE = SimpleScope(
    ("public",),
    {("public", "users"): ["id", "name", "email"], ("public", "orders"): ["id", "user_id", "total"]},
    functions=[("public", "my_func")],
)

# (as written, as pg_get_expr / pg_get_constraintdef / pg_get_indexdef print it)
SAME = [
    ("''", "''::text"),
    ("amount >= 0", "(amount >= (0)::numeric)"),
    ("lower(name)", "lower((name)::text)"),
    (
        "status IN ('a', 'b')",
        "((status)::text = ANY ((ARRAY['a'::character varying, 'b'::character varying])::text[]))",
    ),
    ("status not in ('a', 'b')", "((status)::text <> ALL (ARRAY['a'::text, 'b'::text]))"),
    ("z in (1, a)", "((z = 1) OR (z = a))"),
    ("-1", "'-1'::integer"),
    ("'2020-01-01'::date", "'2020-01-01'"),
    ("x between 1 and 2", "((x >= 1) AND (x <= 2))"),
    ("x not between 1 and 2", "((x < 1) OR (x > 2))"),
    ("a like 'x%'", "(a ~~ 'x%'::text)"),
    ("a ilike 'x%'", "(a ~~* 'x%'::text)"),
    ("a not like 'x%'", "(a !~~ 'x%'::text)"),
    ("a similar to 'x'", "(a ~ similar_to_escape('x'::text))"),
    ("a != b", "(a <> b)"),
    ("now()", "CURRENT_TIMESTAMP"),
    ("transaction_timestamp()", "now()"),
    ("pg_catalog.lower(x)", "lower(x)"),
    ("LOWER(X)", "lower(x)"),
    ("nextval('seq')", "nextval('public.seq'::regclass)"),
    ("nextval('\"MySeq\"'::regclass)", "nextval('public.\"MySeq\"'::regclass)"),
    ("my_func(x)", "public.my_func(x)"),
    ("uuid_generate_v4()", "public.uuid_generate_v4()"),
    ("a is not distinct from b", "(NOT (a IS DISTINCT FROM b))"),
    ("case when a then 1 end", "CASE WHEN a THEN 1 ELSE NULL::integer END"),
    ("((a > 0) and (b > 0)) and c", "((a > 0) AND (b > 0) AND c)"),
    ("x = any('{1,2}')", "(x = ANY ('{1,2}'::integer[]))"),
    ("'t'::boolean", "true"),
    ("'24 hours'::interval", "'24:00:00'::interval"),
    ("'90'::interval minute", "'01:30:00'::interval minute"),
    ("'2006-11-10 00:00:00+01'::timestamptz", "'2006-11-09 23:00:00+00'::timestamp with time zone"),
    ('\'{"b":1,"a":[1.0]}\'::jsonb', '\'{"a": [1.0], "b": 1}\'::jsonb'),
    ("X'1F'", "'00011111'::\"bit\""),
    ("jsonb_extract_path_text(col, 'foo')", "jsonb_extract_path_text(col, VARIADIC ARRAY['foo'::text])"),
    ('lower(x) collate "C"', '(lower(x) COLLATE pg_catalog."C")'),
    ("CURRENT_ROLE", "CURRENT_USER"),
    ("extract(year from d)", "EXTRACT(year FROM d)"),
    ("'1e3'::float8", "'1000'::double precision"),
    ("5.0::float8", "(5.0)::double precision"),
    ("f > -5.0", "(f > ('-5.0'::numeric)::double precision)"),
    # PostgreSQL 15 stores AT TIME ZONE as timezone(zone, x), 16+ prints it back as written
    ("x AT TIME ZONE 'utc' > '2020-01-01'", "(timezone('utc'::text, x) > '2020-01-01 00:00:00'::timestamp)"),
    ("timezone('utc', now())", "(now() AT TIME ZONE 'utc'::text)"),
    # numeric constants as numeric_out prints them (no exponent, the scale of their digits)
    ("price < 1e9", "(price < '1000000000'::numeric)"),
    ("price < 1.50e1", "(price < 15.0)"),
    # a cast with a length or scale keeps what it cuts off
    ("'JPN'::character(1)", "'J'::bpchar"),
    ("'J'::character(3)", "'J'::bpchar"),
    ("'abcdef'::varchar(3)", "'abc'::character varying"),
    ("1.2345::numeric(5,2)", "1.23"),
    ("B'1'::bit(4)", "B'1000'"),
]

DIFFERENT = [
    ("amount >= 0", "(amount > (0)::numeric)"),
    ("amount >= 0", "(amount >= (1)::numeric)"),
    ("amount >= 0", "(total >= (0)::numeric)"),
    ("0.0", "0.00"),
    ("status IN ('a', 'b')", "((status)::text = ANY (ARRAY['a'::text, 'c'::text]))"),
    ("status IN ('a', 'b')", "((status)::text <> ALL (ARRAY['a'::text, 'b'::text]))"),
    ("x between 1 and 2", "((x >= 1) AND (x < 2))"),
    ("now()", "statement_timestamp()"),
    ("now()", "LOCALTIMESTAMP"),
    ("nextval('seq')", "nextval('other.seq'::regclass)"),
    ("x::date", "x"),
    ("x::varchar(10)", "(x)::character varying(20)"),
    ("'1 day'::interval", "'24:00:00'::interval"),
    ("a like 'x%'", "(a ~~* 'x%'::text)"),
    ("true", "false"),
    ("lower(name)", "upper((name)::text)"),
    ("x AT TIME ZONE 'utc'", "timezone('Asia/Tokyo'::text, x)"),
    ("x AT TIME ZONE 'utc'", "timezone(x, 'utc'::text)"),
    ("'JPN'::bpchar", "'JPN'::character(1)"),
    ("'JPN'", "'JPN'::character(2)"),
    ("'abcdef'::varchar(3)", "'abcdef'::character varying"),
    ("1.2345::numeric(5,2)", "1.2345"),
    ("1.2345::numeric(5,3)", "1.2345::numeric(5,2)"),
    ("1e9", "100000000"),
]


@pytest.mark.parametrize(("written", "server"), SAME)
def test_canonical_equal(written: str, server: str) -> None:
    server_scope = SimpleScope((), SCOPE.tables)
    assert expr.canonical(_expr(written), SCOPE) == expr.canonical(_expr(server), server_scope)


@pytest.mark.parametrize(("written", "server"), DIFFERENT)
def test_canonical_different(written: str, server: str) -> None:
    server_scope = SimpleScope((), SCOPE.tables)
    assert expr.canonical(_expr(written), SCOPE) != expr.canonical(_expr(server), server_scope)


@pytest.mark.parametrize(
    ("literal", "type_name", "server"),
    [
        ("'24 hours'", "interval", "'24:00:00'::interval"),
        ("'1 day'", "interval", "'1 day'::interval"),
        ("'2020-1-1'", "date", "'2020-01-01'::date"),
        ("'t'", "boolean", "true"),
        ("'{\"a\":1}'", "jsonb", "'{\"a\": 1}'::jsonb"),
        ("'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'", "uuid", "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid"),
    ],
)
def test_canonical_default_with_column_type(literal: str, type_name: str, server: str) -> None:
    tn = _expr(f"x::{type_name}")["TypeCast"]["typeName"]
    assert expr.canonical(_expr(literal), SCOPE, tn) == expr.canonical(_expr(server), SCOPE, tn)
    assert expr.canonical(_expr(literal), SCOPE, type_name) == expr.canonical(_expr(server), SCOPE)


VIEW_SAME = [
    (
        "select id, name from users where id > 0",
        "SELECT users.id, users.name FROM public.users WHERE (users.id > 0)",
    ),
    (
        "select * from users",
        "SELECT users.id, users.name, users.email FROM public.users",
    ),
    (
        "select u.name, count(*) n from users u join orders o on u.id = o.user_id group by u.name",
        "SELECT u.name, count(*) AS n FROM (public.users u JOIN public.orders o ON ((u.id = o.user_id)))"
        " GROUP BY u.name",
    ),
    (
        "select 'a' as kind, total from orders order by 2",
        "SELECT 'a'::text AS kind, orders.total FROM public.orders ORDER BY orders.total",
    ),
    (
        "select id from users where id in (select user_id from orders where total > 10)",
        "SELECT users.id FROM public.users WHERE (users.id IN ( SELECT orders.user_id FROM public.orders"
        " WHERE (orders.total > (10)::numeric)))",
    ),
    (
        "select id from users where exists (select 1 from users where id = 1)",
        "SELECT users.id FROM public.users WHERE (EXISTS ( SELECT 1 FROM public.users users_1"
        " WHERE (users_1.id = 1)))",
    ),
    (
        "select n from generate_series(1, 3) n",
        "SELECT n.n FROM generate_series(1, 3) n(n)",
    ),
    (
        "select name as who from users group by who",
        "SELECT users.name AS who FROM public.users GROUP BY users.name",
    ),
    # every branch of a set operation prints the result's column names (the first branch's)
    (
        "select id, name from users union select id, total from orders",
        "SELECT users.id, users.name FROM public.users UNION SELECT orders.id, orders.total AS name"
        " FROM public.orders",
    ),
    (
        "select id from users intersect select user_id from orders except select 3",
        "(SELECT users.id FROM public.users INTERSECT SELECT orders.user_id AS id FROM public.orders)"
        " EXCEPT SELECT 3 AS id",
    ),
]


@pytest.mark.parametrize(("written", "server"), VIEW_SAME)
def test_canonical_query_equal(written: str, server: str) -> None:
    server_scope = SimpleScope((), SCOPE.tables)
    assert expr.canonical_query(_query(written), SCOPE) == expr.canonical_query(_query(server), server_scope)


def test_canonical_query_view_columns() -> None:
    written = expr.canonical_query(_query("select id, name from users"), SCOPE, ["a", "b"])
    server = expr.canonical_query(_query("SELECT users.id AS a, users.name AS b FROM public.users"), SCOPE)
    assert written == server
    assert written != expr.canonical_query(
        _query("SELECT users.id AS a, users.email AS b FROM public.users"), SCOPE
    )


def test_canonical_query_set_operation_view_columns() -> None:
    """A view's column list names every branch of its UNION, as the server prints it."""
    query = _query("select id, name from users union select 1, 'x'")
    written = expr.canonical_query(query, SCOPE, ["a", "b"])
    server = expr.canonical_query(
        _query("SELECT users.id AS a, users.name AS b FROM public.users UNION SELECT 1 AS a, 'x'::text AS b"),
        SCOPE,
    )
    assert written == server
    assert written != expr.canonical_query(
        _query("SELECT users.id AS a, users.name AS b FROM public.users UNION SELECT 2 AS a, 'x'::text AS b"),
        SCOPE,
    )


def test_column_name() -> None:
    assert expr.column_name(_expr("t.a")) == "a"
    assert expr.column_name(_expr("count(*)")) == "count"
    assert expr.column_name(_expr("'a'::text")) == "text"
    assert expr.column_name(_expr("x::text")) == "x"
    assert expr.column_name(_expr("1 + 1")) == "?column?"
    assert expr.column_name(_expr("case when a then b else c end")) == "c"


def test_scope() -> None:
    scope = SimpleScope(("app", "public"), {("public", "t"): ["a"]}, functions=[("app", "f")])
    assert scope.relation(["t"]) == ("public", "t")
    assert scope.relation(["u"]) == ("app", "u")
    assert scope.relation(["s", "u"]) == ("s", "u")
    assert scope.columns("public", "t") == ["a"]
    assert scope.columns("public", "x") is None
    assert scope.function(["f"]) == ["app", "f"]
    assert scope.function(["lower"]) == ["lower"]
    assert scope.function(["pg_catalog", "lower"]) == ["lower"]
    assert scope.function(["g"]) == ["app", "g"]
    assert scope.type(_expr("x::int4")["TypeCast"]["typeName"]) == "integer"
    assert scope.type(_expr("x::mood")["TypeCast"]["typeName"]) == "app.mood"


# --------------------------------------------------------------------------------------------------
# the server decides: typed literals and small schemas on the live server


def _connect(db: str = "postgres") -> Any:
    import psycopg

    try:
        return ce.connect(db, autocommit=True)
    except psycopg.OperationalError as e:  # pragma: no cover - CI always has the server
        pytest.skip(f"no PostgreSQL server: {e}")


LIVE_DEFAULTS = [
    ("interval", "'24 hours'"),
    ("interval", "'1 day 2 hours'"),
    ("interval", "'90 minutes'"),
    ("interval", "'1.5 years'"),
    ("interval", "'-1 day'"),
    ("interval", "'2 weeks ago'"),
    ("interval minute", "'90'"),
    ("interval year", "'1.5'"),
    ("interval hour", "'1.5'"),
    ("interval day to second", "'1 2:03:04.5'"),
    ("date", "'2020-1-2'"),
    ("timestamp", "'2020-01-02'"),
    ("timestamp", "'2020-01-02 3:04:05.120'"),
    ("timestamptz", "'2006-11-10 00:00:00+01'"),
    ("time", "'1:02'"),
    ("boolean", "'yes'"),
    ("boolean", "'f'"),
    ("integer", "'-1'"),
    ("bigint", "'+42'"),
    ("double precision", "'1e3'"),
    ("real", "'1.5'"),
    ("numeric", "'1.50'"),
    ("jsonb", '\'{"b": 1, "a": [1.0, 2e2, "x\\n"], "a": null}\''),
    ("uuid", "'{A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11}'"),
    ("text", "'it''s'"),
    ("bit(8)", "X'1F'"),
    ("character varying(5)", "'ab'"),
    ("character(3)", "'JPN'::bpchar"),
    ("character(3)", "'JPN'::character(1)"),
    ("character(3)", "'J'::character(3)"),
    ("numeric", "1.2345::numeric(5,2)"),
    ("numeric", "1e9"),
    ("timestamp", "(now() AT TIME ZONE 'utc')"),
    ("text[]", "'{a,b}'"),
    ("integer[]", "ARRAY[1, 2]"),
]


@pytest.mark.live
def test_live_defaults_match_server() -> None:
    """Defaults written bare and cast, against pg_get_expr of the stored default."""
    db = f"ddlc_expr_live_defaults_{_RUN}"
    with _connect() as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {db}")
        admin.execute(f"CREATE DATABASE {db}")
    try:
        with _connect(db) as conn:
            cols = ", ".join(f"c{i} {t} DEFAULT {v}" for i, (t, v) in enumerate(LIVE_DEFAULTS))
            conn.execute("SET TimeZone = 'UTC'")
            conn.execute(f"CREATE TABLE t ({cols})")
            conn.execute("SET search_path = ''")
            rows = conn.execute(
                "SELECT a.attname, pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d JOIN pg_attribute a"
                " ON a.attrelid = d.adrelid AND a.attnum = d.adnum WHERE d.adrelid = 'public.t'::regclass"
            ).fetchall()
        server = dict(rows)
        failures = []
        for i, (type_text, value) in enumerate(LIVE_DEFAULTS):
            tn = _expr(f"x::{type_text}")["TypeCast"]["typeName"]
            srv = expr.canonical(_expr(server[f"c{i}"]), SimpleScope(()), tn)
            bare = expr.canonical(_expr(value), SCOPE, tn)
            cast = expr.canonical(_expr(f"{value}::{type_text}"), SCOPE)
            if not bare == cast == srv:
                failures.append((type_text, value, server[f"c{i}"], bare, cast, srv))
        assert not failures
    finally:
        with _connect() as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {db}")


# --------------------------------------------------------------------------------------------------
# the corpus

needs_corpus = pytest.mark.skipif(not ce.CORPUS.is_dir(), reason="../shared/corpus is absent")
QUERY_CATEGORIES = ("view", "matview")


def _corpus_expressions() -> list[tuple[str, ce.Expr]]:
    seen: set[str] = set()
    out = []
    for info in ce.pg_files():
        exprs, *_ = ce.extract(info.path.read_text())
        for x in exprs:
            key = repr(ce.strip(x.node))
            if key not in seen:
                seen.add(key)
                out.append((info.ident, x))
    return out


@pytest.mark.corpus
@needs_corpus
def test_corpus_round_trip() -> None:
    """Every expression and view query of the corpus prints back to the same tree."""
    failures = []
    items = _corpus_expressions()
    for ident, x in items:
        query = x.category in QUERY_CATEGORIES
        try:
            text = expr.query_sql(x.node) if query else expr.sql(x.node)
            back = _query(text) if query else _expr(text)
            ok = ce.strip(back) == ce.strip(x.node)
        except Exception as e:  # a crash is a failure to report, with the others
            text, ok = f"{type(e).__name__}: {e}", False
        if not ok:
            failures.append((ident, x.category, text))
    print(f"round trip: {len(items) - len(failures)}/{len(items)} corpus expressions")
    assert not failures, failures[:20]


def _canon(x: ce.Expr, scope: SimpleScope, node: Node | None = None, type_name: Node | None = None) -> str:
    """canonical() of a corpus expression; a DEFAULT is canonicalised with its column's type, as the
    model does on both sides."""
    node = node if node is not None else x.node
    if x.category in QUERY_CATEGORIES:
        return expr.canonical_query(node, scope, x.extra.get("aliases") or None)
    return expr.canonical(node, scope, type_name)


_SWAPPED_OPS = {
    "<": ">=",
    ">": "<=",
    "<=": ">",
    ">=": "<",
    "=": "<>",
    "<>": "=",
    "+": "-",
    "-": "+",
    "*": "/",
}


def _mutate(node: Node, kind: str) -> Node | None:
    """A deliberate change: the first constant, operator or column reference altered."""
    node = copy.deepcopy(node)
    done = False

    def walk(n: Any) -> None:
        nonlocal done
        if done:
            return
        if isinstance(n, dict):
            const = n.get("A_Const")
            if kind == "const" and const is not None:
                if "ival" in const:
                    const["ival"]["ival"] = const["ival"].get("ival", 0) + 1
                elif "sval" in const:
                    const["sval"]["sval"] = const["sval"].get("sval", "") + "x"
                elif "fval" in const:
                    const["fval"]["fval"] += "1"
                else:
                    return
                done = True
                return
            op = n.get("A_Expr")
            if kind == "op" and op is not None and op.get("kind") == "AEXPR_OP":
                name = op["name"][-1]["String"]
                if name["sval"] in _SWAPPED_OPS:
                    name["sval"] = _SWAPPED_OPS[name["sval"]]
                    done = True
                    return
            ref = n.get("ColumnRef")
            if kind == "col" and ref is not None and "String" in ref["fields"][-1]:
                ref["fields"][-1]["String"]["sval"] += "_other"
                done = True
                return
            for v in n.values():
                walk(v)
        elif isinstance(n, list):
            for v in n:
                walk(v)

    walk(node)
    return node if done else None


class _Loader:
    """Loads corpus sides in a transaction of a per-thread scratch database (rolled back after
    reading), falling back to a database of its own loaded by psql."""

    def __init__(self) -> None:
        self.local = threading.local()
        self.lock = threading.Lock()
        self.roles: set[str] = set()
        self.dbs: set[str] = set()

    def _db(self) -> str:
        if not hasattr(self.local, "db"):
            with self.lock:
                name = f"ddlc_expr_w{len(self.dbs)}_{_RUN}"
                self.dbs.add(name)
            ce.psql("postgres", "-c", f'DROP DATABASE IF EXISTS "{name}"')
            ce.psql("postgres", "-c", f'CREATE DATABASE "{name}"')
            self.local.db = name
        return str(self.local.db)

    def read(self, job: tuple[int, ce.FileInfo]) -> tuple[ce.FileInfo, ce.ServerExprs | None, str | None]:
        i, info = job
        files = [info.path]
        setup = info.path.parent / "setup.sql"
        if setup.exists():
            files.insert(0, setup)
        roles: set[str] = set()
        try:
            with ce.connect(self._db()) as conn:
                err = ce.load_in_transaction(conn, [f.read_text() for f in files], roles)
                if err is None:
                    try:
                        return info, ce.read_server(conn), None
                    finally:
                        conn.rollback()
            db = f"ddlc_expr_o{i}_{_RUN}"
            err = ce.load(db, files, roles)
            try:
                return info, (None if err else ce.server_exprs(db)), err
            finally:
                ce.drop(db)
        finally:
            with self.lock:
                self.roles |= roles

    def close(self) -> None:
        for db in self.dbs:
            ce.drop(db)
        for role in self.roles:
            ce.psql("postgres", "-c", f'DROP ROLE IF EXISTS "{role}"')


def _compare_side(info: ce.FileInfo, server: ce.ServerExprs, tally: dict[str, Any]) -> None:
    srv, tables = server
    exprs, _, functions, types = ce.extract(info.path.read_text())
    latest: dict[tuple[Any, ...], ce.Expr] = {}
    for x in exprs:
        if x.category != "param_default":
            latest[(x.category, *x.key)] = x
    server_scope = SimpleScope((), tables, functions, types)
    claimed: set[tuple[Any, ...]] = set()
    for key, x in latest.items():
        scope = SimpleScope(x.search_path or ("public",), tables, functions, types)
        column_type = x.extra.get("type")
        mine = _canon(x, scope, type_name=column_type)
        s = srv.get(key)
        if s is None and "" in key[3:]:
            # an unnamed constraint or index: the server object of the same table that matches, or
            # the only candidate
            cands = [
                k
                for k in srv
                if k[0] == x.category and k[1:3] == x.key[:2] and k not in claimed and len(k) == len(key)
            ]
            hit = next(
                (k for k in cands if _canon(srv[k], server_scope, type_name=column_type) == mine), None
            )
            if hit is None and len(cands) == 1:
                hit = cands[0]
            s = srv[hit] if hit is not None else None
            if hit is not None:
                claimed.add(hit)
        if s is None:
            continue  # the object is not on the server (dropped later in the file, ...)
        theirs = _canon(s, server_scope, type_name=column_type)
        tally["total"][x.category] += 1
        if mine == theirs:
            tally["ok"][x.category] += 1
        else:
            tally["mismatch"].append((info.ident, x.category, x.key, mine, theirs))
        for kind in ("const", "op", "col"):
            changed = _mutate(x.node, kind)
            if changed is not None:
                tally["mutations"] += 1
                if _canon(x, scope, changed, column_type) == theirs:
                    tally["false_equal"].append((info.ident, x.category, x.key, kind))


@pytest.mark.live
@pytest.mark.corpus
@needs_corpus
def test_corpus_canonical_matches_server() -> None:
    """canonical(file's expression) == canonical(server's rendering) for every corpus side that
    loads on the server; deliberate changes of a constant, operator or column never compare equal."""
    _connect().close()
    sides = []
    seen: set[str] = set()
    for f in ce.pg_files():
        if f.loads is None or not ce.role_only_failure(f):
            continue
        setup = f.path.parent / "setup.sql"
        content = (setup.read_text() if setup.exists() else "") + "\n" + f.path.read_text()
        if content not in seen:  # many sides are the same file (one case's new is the next one's old)
            seen.add(content)
            sides.append(f)
    loader = _Loader()
    tally: dict[str, Any] = {
        "total": collections.Counter(),
        "ok": collections.Counter(),
        "mismatch": [],
        "mutations": 0,
        "false_equal": [],
    }
    try:
        with ThreadPoolExecutor(3) as pool:
            for info, server, err in pool.map(loader.read, enumerate(sides)):
                if server is not None and err is None:
                    _compare_side(info, server, tally)
    finally:
        loader.close()
    total, ok = sum(tally["total"].values()), sum(tally["ok"].values())
    for cat in sorted(tally["total"]):
        print(f"{cat:16} {tally['ok'][cat]:5}/{tally['total'][cat]:5}")
    print(
        f"all {ok}/{total}; {tally['mutations']} deliberate changes,"
        f" {len(tally['false_equal'])} compared equal"
    )
    for m in tally["mismatch"]:
        print("MISMATCH", *m, sep="\n  ")
    assert total > 1500  # ~1,930 expressions of ~1,220 distinct loadable sides
    assert ok >= 0.98 * total, tally["mismatch"][:20]
    for cat, n in tally["total"].items():
        assert tally["ok"][cat] >= 0.95 * n, (cat, [m for m in tally["mismatch"] if m[1] == cat][:10])
    assert not tally["false_equal"], tally["false_equal"][:20]


LIVE_TABLE = """CREATE TABLE public.t (
    a integer, b bigint, n numeric(10, 2), f double precision, s varchar(20), c char(2), x text,
    d date, ts timestamptz, flag boolean, j jsonb, arr text[], iv interval)"""

LIVE_CHECKS = [
    "a in (1, b) or flag",
    "flag and a between 1 and 2",
    "a between 1 and 2 and flag",
    "a not between 1 and 2 or flag",
    "a between symmetric 1 and 2",
    "a not in (1, 2) and flag",
    "s in ('x', 'y')",
    "s not in ('x')",
    "lower(s) = 'x'",
    "n >= 0 and n <= 100.50",
    "f > -5.0 and f < 5",
    "a + b > n",
    "c = 'ab'",
    "length(c) = 2",
    "s like 'a%' and s not ilike 'b%' and x similar to 'c%'",
    "s is not null and coalesce(x, '') <> ''",
    "a is distinct from b and a is not distinct from b",
    "case when flag then a > 0 else a < 0 end",
    "case a when 1 then true end",
    "d > '2020-01-01' and ts < now() + interval '1 day'",
    "ts > current_timestamp - '24 hours'::interval",
    "extract(year from d) > 2000",
    "j ? 'key' and j @> '{\"a\": 1}'",
    "j->>'k' in ('a', 'b')",
    "arr @> array['a'] and cardinality(arr) < 10",
    "array_length(arr, 1) > 0 or arr = '{}'",
    "x ~ '^[a-z]+$' and x !~* 'Z'",
    "position('a' in x) > 0 and substring(x from 1 for 2) = 'ab'",
    "trim(both ' ' from x) = x and btrim(x) = x",
    "not (a = 1) and not flag",
    "a = any(array[1, 2, 3]) and a <> all('{4,5}')",
    "iv < '1 day' and iv > interval '1 hour'",
    "(a, b) is not null",
    "greatest(a, b) < 10 and least(a, 0) > -10",
    "nullif(x, '') is not null",
    "a::numeric / 3 > 1",
    "s::text = x",
    "date_trunc('day', ts) = ts",
    "x is normalized",
    "ts at time zone 'UTC' > '2020-01-01'",
    "timezone('utc', ts) < '2100-01-01'",
    "c <> 'JPN'::character(1) and c <> 'XY'::bpchar",
    "n < 1e9 and n > 1.5e-3",
    "s <> 'abcdef'::varchar(3)",
    "a % 2 = 0 and -a < 0 and @a > 0",
    "f between 0.5 and 1.5",
    "x collate \"C\" > 'a'",
    "flag is not true and flag is not unknown",
    "octet_length(x) < 100 and char_length(x) < 50",
    "to_char(d, 'YYYY') <> '2000'",
]


@pytest.mark.live
def test_live_checks_match_server() -> None:
    """CHECK constraints written by hand, against pg_get_constraintdef of the stored constraint."""
    db = f"ddlc_expr_live_checks_{_RUN}"
    with _connect() as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {db}")
        admin.execute(f"CREATE DATABASE {db}")
    try:
        with _connect(db) as conn:
            conn.execute(LIVE_TABLE)
            for i, check in enumerate(LIVE_CHECKS):
                conn.execute(f"ALTER TABLE public.t ADD CONSTRAINT c{i} CHECK ({check})")  # type: ignore[arg-type,unused-ignore]
            conn.execute("SET search_path = ''")
            rows = conn.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
                " WHERE conrelid = 'public.t'::regclass"
            ).fetchall()
        server = {name: ce._constraint_expr(text)["raw_expr"] for name, text in rows}
        scope = SimpleScope(("public",), {("public", "t"): ["a", "b", "n", "f", "s", "c", "x", "d", "ts"]})
        server_scope = SimpleScope((), scope.tables)
        failures = []
        for i, check in enumerate(LIVE_CHECKS):
            mine = expr.canonical(_expr(check), scope)
            theirs = expr.canonical(server[f"c{i}"], server_scope)
            if mine != theirs:
                failures.append((check, mine, theirs))
        for f in failures:
            print("MISMATCH", *f, sep="\n  ")
        assert not failures
    finally:
        with _connect() as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {db}")
