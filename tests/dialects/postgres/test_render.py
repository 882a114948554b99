"""Table-driven tests of the PostgreSQL renderer's trickiest rules (from / to / want)."""

from __future__ import annotations

import pytest

from ddlcompare.dialects.postgres.names import ident, literal, qualified
from ddlcompare.dialects.postgres.objects import Identity
from ddlcompare.dialects.postgres.render import _alter_column, column_def, dollar_quote, type_change
from ddlcompare.model.base import Expr
from ddlcompare.model.objects import Column, Table

# ---- ALTER COLUMN TYPE: USING and lossy ------------------------------------------------------------

TYPE_CHANGES = [
    # (old, new, USING expected, lossy)
    ("integer", "bigint", None, False),
    ("bigint", "integer", None, True),
    ("smallint", "integer", None, False),
    ("integer", "numeric", None, False),
    ("bigint", "double precision", None, True),
    ("double precision", "real", None, True),
    ("real", "double precision", None, False),
    ("numeric(10,2)", "numeric(12,2)", None, False),
    ("numeric(12,2)", "numeric(10,2)", None, True),
    ("numeric(12,3)", "numeric(12,1)", None, True),
    ("numeric(12,1)", "numeric(12,3)", None, True),  # integer digits 11 -> 9
    ("numeric", "numeric(10,2)", None, True),
    ("numeric(10,2)", "numeric", None, False),
    ("character varying(50)", "character varying(100)", None, False),
    ("character varying(100)", "character varying(20)", None, True),
    ("character varying(10)", "text", None, False),
    ("text", "character varying(10)", None, True),
    ("text", "character(3)", None, True),
    ("character(3)", "text", None, False),
    ("integer", "text", None, False),  # every type has an assignment cast to text
    ("text", "integer", "c::integer", True),
    ("integer", "boolean", "c::boolean", True),
    ("text", "jsonb", "c::jsonb", True),
    ("character varying(10)", "uuid", "c::uuid", True),
    ("timestamp without time zone", "timestamp with time zone", None, False),
    ("timestamp without time zone", "date", None, True),
    ("date", "timestamp without time zone", None, False),
    ("integer[]", "bigint[]", None, False),
    ("integer", "integer[]", "ARRAY[c]::integer[]", False),
    ("integer", "bigint[]", "ARRAY[c]::bigint[]", False),
    ("text", "integer[]", "ARRAY[c]::integer[]", True),
    ("integer[]", "integer", "c[1]::integer", True),
    ("public.posint", "integer", None, False),  # a domain to its base type
    ("integer", "public.posint", None, False),  # checked by the domain: fails rather than loses
]


@pytest.mark.parametrize(("old", "new", "using", "lossy"), TYPE_CHANGES, ids=lambda x: str(x))
def test_type_change(old: str, new: str, using: str | None, lossy: bool) -> None:
    """USING is written when there is no assignment cast; lossy conversions are flagged."""
    assert type_change("c", old, new, {"public.posint": "integer"}) == (using, lossy)


def test_type_change_quotes_the_column() -> None:
    """The USING expression names the column as an identifier."""
    assert type_change("Order", "text", "integer") == ('"Order"::integer', True)


def _table(*cols: Column) -> Table:
    return Table(schema="public", name="t", columns=cols)


ALTER_COLUMN = [
    (
        "default dropped and restored around a USING conversion",
        Column(name="c", type="text", default=Expr.of("'{}'")),
        Column(name="c", type="jsonb", default=Expr.of("'{}'")),
        [
            ("ALTER TABLE public.t ALTER COLUMN c DROP DEFAULT;", True),
            ("ALTER TABLE public.t ALTER COLUMN c TYPE jsonb USING c::jsonb;", True),
            ("ALTER TABLE public.t ALTER COLUMN c SET DEFAULT '{}';", True),
        ],
    ),
    (
        "widening keeps the default",
        Column(name="c", type="integer", default=Expr.of("0")),
        Column(name="c", type="bigint", default=Expr.of("0")),
        [("ALTER TABLE public.t ALTER COLUMN c TYPE bigint;", False)],
    ),
    (
        "identity added to a nullable column: NOT NULL first",
        Column(name="id", type="integer"),
        Column(name="id", type="integer", nullable=False, options=(Identity(always=True),)),
        [
            ("ALTER TABLE public.t ALTER COLUMN id SET NOT NULL;", False),
            ("ALTER TABLE public.t ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY;", False),
        ],
    ),
    (
        "identity dropped keeps NOT NULL",
        Column(name="id", type="integer", nullable=False, options=(Identity(always=False),)),
        Column(name="id", type="integer", nullable=False),
        [("ALTER TABLE public.t ALTER COLUMN id DROP IDENTITY;", False)],
    ),
    (
        "identity options",
        Column(name="id", type="bigint", nullable=False, options=(Identity(always=True),)),
        Column(
            name="id",
            type="bigint",
            nullable=False,
            options=(Identity(always=False, sequence=(("increment", "2"), ("max_value", "1000"))),),
        ),
        [
            # the bounds narrow: the current value is moved in first, and the default START is
            # spelled out because PostgreSQL checks it against the new bounds
            (
                "SELECT setval(s::regclass, 1, false) FROM pg_get_serial_sequence('public.t', 'id') AS s "
                "WHERE coalesce(pg_sequence_last_value(s::regclass) NOT BETWEEN 1 AND 1000, true);",
                False,
            ),
            (
                "ALTER TABLE public.t ALTER COLUMN id SET GENERATED BY DEFAULT SET INCREMENT BY 2 "
                "SET MAXVALUE 1000 SET START WITH 1;",
                False,
            ),
        ],
    ),
    (
        "identity options back to their defaults",
        Column(
            name="id",
            type="bigint",
            nullable=False,
            options=(Identity(always=False, sequence=(("increment", "2"), ("max_value", "1000"))),),
        ),
        Column(name="id", type="bigint", nullable=False, options=(Identity(always=False),)),
        [("ALTER TABLE public.t ALTER COLUMN id SET INCREMENT BY 1 SET NO MAXVALUE SET START WITH 1;", False)],  # noqa: E501
    ),
    (
        "generated expression changed: the column is re-added, both statements destructive",
        Column(name="g", type="integer", generated=Expr.of("(a + 1)")),
        Column(name="g", type="integer", generated=Expr.of("(a + 2)")),
        [
            ("ALTER TABLE public.t DROP COLUMN g;", True),
            ("ALTER TABLE public.t ADD COLUMN g integer GENERATED ALWAYS AS ((a + 2)) STORED;", True),
        ],
    ),
    (
        "generation dropped",
        Column(name="g", type="integer", generated=Expr.of("(a + 1)")),
        Column(name="g", type="integer"),
        [("ALTER TABLE public.t ALTER COLUMN g DROP EXPRESSION;", False)],
    ),
    (
        "collation only",
        Column(name="c", type="text"),
        Column(name="c", type="text", collation='"C"'),
        [('ALTER TABLE public.t ALTER COLUMN c TYPE text COLLATE "C";', False)],
    ),
]


@pytest.mark.parametrize(("what", "old", "new", "want"), ALTER_COLUMN, ids=[c[0] for c in ALTER_COLUMN])
def test_alter_column(what: str, old: Column, new: Column, want: list[tuple[str, bool]]) -> None:
    """Statements (and their destructive flags) for one column change."""
    got = [(s.sql, s.destructive) for s in _alter_column(_table(new), old, new)]
    assert got == want


# ---- column definitions: identity clauses ----------------------------------------------------------

COLUMN_DEFS = [
    (Column(name="id", type="integer", nullable=False), "id integer NOT NULL"),
    (
        Column(name="id", type="bigint", nullable=False, options=(Identity(always=True),)),
        "id bigint GENERATED ALWAYS AS IDENTITY",
    ),
    (
        Column(
            name="id",
            type="bigint",
            nullable=False,
            options=(Identity(always=False, sequence=(("cycle", "True"), ("start", "100"))),),
        ),
        "id bigint GENERATED BY DEFAULT AS IDENTITY (CYCLE START WITH 100)",
    ),
    (
        Column(
            name="id",
            type="integer",
            nullable=False,
            options=(Identity(always=True, sequence=(("max_value", "None"), ("min_value", "None"))),),
        ),
        "id integer GENERATED ALWAYS AS IDENTITY (NO MAXVALUE NO MINVALUE)",
    ),
    (
        Column(name="g", type="numeric", generated=Expr.of("(w * h)")),
        "g numeric GENERATED ALWAYS AS ((w * h)) STORED",
    ),
    (
        Column(name="Name", type="text", collation='"C"', default=Expr.of("''"), nullable=False),
        '"Name" text COLLATE "C" DEFAULT \'\' NOT NULL',
    ),
]


@pytest.mark.parametrize(("col", "want"), COLUMN_DEFS, ids=[w for _, w in COLUMN_DEFS])
def test_column_def(col: Column, want: str) -> None:
    """Column clauses as in CREATE TABLE / ADD COLUMN."""
    assert column_def(col) == want


# ---- dollar quoting -------------------------------------------------------------------------------

DOLLAR = [
    (" SELECT 1 ", "$$ SELECT 1 $$"),
    ("SELECT '$$'", "$_$SELECT '$$'$_$"),
    ("$$ $_$", "$body$$$ $_$$body$"),
    ("$$ $_$ $body$", "$fn$$$ $_$ $body$$fn$"),
    ("$$ $_$ $body$ $fn$", "$q0$$$ $_$ $body$ $fn$$q0$"),
    ("$$ $_$ $body$ $fn$ $q0$", "$q1$$$ $_$ $body$ $fn$ $q0$$q1$"),
    ("", "$$$$"),
]


@pytest.mark.parametrize(("body", "want"), DOLLAR, ids=[w for _, w in DOLLAR])
def test_dollar_quote(body: str, want: str) -> None:
    """The tag is one the body does not contain."""
    assert dollar_quote(body) == want


def test_dollar_quote_tag_not_closed_early() -> None:
    """A body ending in `$` must not merge with the closing tag into a different tag."""
    quoted = dollar_quote("SELECT 1 $")
    tag = quoted[: quoted.index("$", 1) + 1]
    assert quoted.endswith(tag) and quoted[len(tag) : -len(tag)] == "SELECT 1 $"


# ---- identifiers and literals ---------------------------------------------------------------------

IDENTS = [
    ("orders", "orders"),
    ("Orders", '"Orders"'),
    ("order", '"order"'),  # reserved
    ("user", '"user"'),  # reserved
    ("name", "name"),  # unreserved keyword
    ("my table", '"my table"'),
    ('we"ird', '"we""ird"'),
    ("café", '"café"'),
    ("_x1$", "_x1$"),
    ("1abc", '"1abc"'),
    ("", '""'),
]


@pytest.mark.parametrize(("name", "want"), IDENTS, ids=[n or "empty" for n, _ in IDENTS])
def test_ident(name: str, want: str) -> None:
    """Quoted exactly where quote_ident would quote."""
    assert ident(name) == want


def test_qualified() -> None:
    """Each part quoted on its own."""
    assert qualified("My Schema", "t") == '"My Schema".t'
    assert qualified("", "Order") == '"Order"'


LITERALS = [
    ("plain", "'plain'"),
    ("it's", "'it''s'"),
    ("a\\b", "E'a\\\\b'"),
    ("line\nbreak", "'line\nbreak'"),
]


@pytest.mark.parametrize(("value", "want"), LITERALS, ids=[w for _, w in LITERALS])
def test_literal(value: str, want: str) -> None:
    """Single quotes doubled; backslashes in E'' form."""
    assert literal(value) == want
