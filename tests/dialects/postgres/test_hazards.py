"""The PostgreSQL hazard judge offline: what clients lose when a key, a foreign key action or a default
goes for good, and the indexes a collation change rebuilds (the lock claims themselves are held
against PostgreSQL 15 by tests/live/test_hazards_pg.py)."""

from __future__ import annotations

import pytest

from ddlcompare import plan_between
from ddlcompare.dialects import LoadOptions, get
from ddlcompare.plan.hazards import Hazard, HazardCode, parse_target
from ddlcompare.plan.plan import PlanOptions

H = HazardCode


def _hazards(old: str, new: str) -> dict[str, tuple[Hazard, ...]]:
    """Each forward statement's hazards (destructive ones included), by its plain SQL (the
    re-runnable forms carry the same hazards)."""
    d = get("postgres")
    plan = plan_between(
        d.parse(old, "old.sql", LoadOptions()),
        d.parse(new, "new.sql", LoadOptions()),
        parse_target("postgres:15"),
        PlanOptions(idempotent=False),
    )
    return {st.sql: st.hazards for step in plan.steps for st in step.forward}


def _of(found: dict[str, tuple[Hazard, ...]], sql_start: str) -> tuple[Hazard, ...]:
    [hazards] = [h for sql, h in found.items() if sql.startswith(sql_start)]
    return hazards


def _breaks(hazards: tuple[Hazard, ...]) -> list[str]:
    return [h.message for h in hazards if h.code == H.BREAKS_CLIENTS]


# ---- a constraint dropped -------------------------------------------------------------------------

PARENT = "CREATE TABLE p (id int PRIMARY KEY);\n"
RANGES = "CREATE TABLE b (r tstzrange, CONSTRAINT b_r_excl EXCLUDE USING gist (r WITH &&));"


@pytest.mark.parametrize(
    ("old", "new", "dropped"),
    [
        ("CREATE TABLE t (a int UNIQUE);", "CREATE TABLE t (a int);", "t_a_key of public.t"),
        (
            "CREATE TABLE t (a int CONSTRAINT t_pkey PRIMARY KEY);",
            "CREATE TABLE t (a int NOT NULL);",
            "t_pkey of public.t",
        ),
        (RANGES, "CREATE TABLE b (r tstzrange);", "b_r_excl of public.b"),
    ],
    ids=["unique", "primary key", "exclude"],
)
def test_a_key_dropped_for_good_breaks_on_conflict(old: str, new: str, dropped: str) -> None:
    hazards = _of(_hazards(old, new), "ALTER TABLE")
    assert _breaks(hazards) == [f"drops {dropped} for good: INSERT ... ON CONFLICT on it fails"]


def test_a_foreign_key_action_dropped_for_good_breaks_clients() -> None:
    fk = "CONSTRAINT c_p_fkey REFERENCES p ON DELETE CASCADE ON UPDATE SET NULL"
    found = _hazards(PARENT + f"CREATE TABLE c (p_id int {fk});", PARENT + "CREATE TABLE c (p_id int);")
    hazards = _of(found, "ALTER TABLE public.c DROP CONSTRAINT")
    assert _breaks(hazards) == [
        "drops c_p_fkey of public.c for good: changes to rows of public.p no longer act on public.c "
        "(ON DELETE CASCADE, ON UPDATE SET NULL)"
    ]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        # the same key under another name (a rename): its columns still take ON CONFLICT
        (
            "CREATE TABLE t (a int CONSTRAINT t_a_key UNIQUE);",
            "CREATE TABLE t (a int CONSTRAINT t_a_uq UNIQUE);",
        ),
        # dropped and added again with another definition, under its name
        (
            "CREATE TABLE t (a int, b int, CONSTRAINT t_uq UNIQUE (a));",
            "CREATE TABLE t (a int, b int, CONSTRAINT t_uq UNIQUE (a, b));",
        ),
        # relaxations: a CHECK, a NO ACTION / RESTRICT foreign key
        ("CREATE TABLE t (a int CONSTRAINT t_a_check CHECK (a > 0));", "CREATE TABLE t (a int);"),
        (PARENT + "CREATE TABLE c (p_id int REFERENCES p);", PARENT + "CREATE TABLE c (p_id int);"),
        (
            PARENT + "CREATE TABLE c (p_id int REFERENCES p ON DELETE RESTRICT);",
            PARENT + "CREATE TABLE c (p_id int);",
        ),
        # the referenced table goes too: no change of its rows is left to cascade
        (PARENT + "CREATE TABLE c (p_id int REFERENCES p ON DELETE CASCADE);", "CREATE TABLE c (p_id int);"),
    ],
    ids=["renamed", "changed", "check", "no action fk", "restrict fk", "referenced table dropped"],
)
def test_constraint_drops_that_stay_unflagged(old: str, new: str) -> None:
    found = _hazards(old, new)
    drops = [h for sql, h in found.items() if "DROP CONSTRAINT" in sql]
    assert drops and not any(_breaks(h) for h in drops), found


# ---- a default dropped ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "message"),
    [
        ("c int DEFAULT 1", "inserts leaving out public.t.c get NULL instead of the default"),
        ("c int NOT NULL DEFAULT 1", "inserts leaving out public.t.c fail (NOT NULL)"),
    ],
    ids=["nullable", "not null"],
)
def test_a_default_dropped_for_good_breaks_clients(column: str, message: str) -> None:
    found = _hazards(f"CREATE TABLE t (id int, {column});", f"CREATE TABLE t (id int, {column[:-10]});")
    hazards = _of(found, "ALTER TABLE public.t ALTER COLUMN c DROP DEFAULT")
    assert _breaks(hazards) == [message]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        # dropped around a type change that needs USING, and set again
        ("CREATE TABLE t (c text DEFAULT '{}');", "CREATE TABLE t (c jsonb DEFAULT '{}');"),
        # a serial becoming an identity: the identity supplies the values
        ("CREATE TABLE t (c serial);", "CREATE TABLE t (c int GENERATED BY DEFAULT AS IDENTITY);"),
        # the column's domain supplies one
        (
            "CREATE DOMAIN d AS int DEFAULT 0; CREATE TABLE t (c d DEFAULT 1);",
            "CREATE DOMAIN d AS int DEFAULT 0; CREATE TABLE t (c d);",
        ),
    ],
    ids=["around a type change", "serial to identity", "domain default"],
)
def test_default_drops_that_stay_unflagged(old: str, new: str) -> None:
    found = _hazards(old, new)
    drops = [h for sql, h in found.items() if sql.endswith("DROP DEFAULT;")]
    assert drops and not any(_breaks(h) for h in drops), found


def test_a_domain_default_dropped_breaks_the_columns_without_their_own() -> None:
    old = "CREATE DOMAIN d AS int DEFAULT 0; CREATE TABLE t (a d, b d DEFAULT 1, c d NOT NULL);"
    new = "CREATE DOMAIN d AS int; CREATE TABLE t (a d, b d DEFAULT 1, c d NOT NULL);"
    hazards = _of(_hazards(old, new), "ALTER DOMAIN public.d DROP DEFAULT")
    assert _breaks(hazards) == [
        "inserts leaving out public.t.a get NULL instead of public.d's default",
        "inserts leaving out public.t.c fail (NOT NULL)",
    ]


def test_a_domain_default_no_column_uses_breaks_nothing() -> None:
    hazards = _of(_hazards("CREATE DOMAIN d AS int DEFAULT 0;", "CREATE DOMAIN d AS int;"), "ALTER DOMAIN")
    assert not _breaks(hazards)


SHARE = "SHARE"
POSINT = """CREATE DOMAIN lim AS int;
CREATE FUNCTION pos(n int, lo lim) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT n > lo $$;
CREATE DOMAIN posint AS int CONSTRAINT posint_check CHECK (pos(VALUE, 0));
"""
RENAMED = "floor lim) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT n >= floor"


@pytest.mark.parametrize(
    ("change", "stock"),
    [
        # a parameter renamed: CREATE OR REPLACE cannot, the function is dropped and created
        (("lo lim) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT n > lo", RENAMED), True),
        (("DOMAIN lim AS int", "DOMAIN lim AS bigint"), True),
        (("DOMAIN lim AS int", "DOMAIN lim AS bigint"), False),
    ],
    ids=["function changed", "its argument's domain changed", "no column uses the domain"],
)
def test_a_domain_check_taken_back_around_a_rebuilt_function_checks_the_columns(
    change: tuple[str, str], stock: bool
) -> None:
    """The CHECK the planner detaches while the function it calls is rebuilt validates every value
    of the domain's columns when it is added again, as any ALTER DOMAIN ... ADD CONSTRAINT does."""
    old = POSINT + ("CREATE TABLE stock (id int, n posint);" if stock else "")
    hazards = _of(_hazards(old, old.replace(*change)), "ALTER DOMAIN public.posint ADD CONSTRAINT")
    checks = "takes SHARE on public.stock while it checks n against the domain"
    expected = (
        [
            Hazard(H.BLOCKS_WRITES, checks, SHARE),
            Hazard(H.VALIDATION_SCAN, "scans public.stock to check n against public.posint"),
            Hazard(H.MAY_FAIL_ON_DATA, "fails if a value of public.stock violates public.posint"),
        ]
        if stock
        else []
    )
    assert list(hazards) == expected


def test_a_view_column_default_dropped_breaks_inserts_through_the_view() -> None:
    table = "CREATE TABLE t (a int); CREATE VIEW v AS SELECT a FROM t;"
    hazards = _of(_hazards(table + "ALTER VIEW v ALTER COLUMN a SET DEFAULT 1;", table), "ALTER VIEW")
    assert _breaks(hazards) == ["inserts through public.v leaving out a no longer get the view's default"]


# ---- a collation changed --------------------------------------------------------------------------


def test_a_collation_change_rebuilds_the_indexes_using_it_under_access_exclusive() -> None:
    indexes = (
        "CREATE INDEX t_a_idx ON t (a); CREATE INDEX t_c_lower ON t (lower(c));"
        'CREATE INDEX t_d_c ON t (d COLLATE "C");'
    )
    old = "CREATE TABLE t (a text, b text CONSTRAINT t_b_key UNIQUE, c text, d text, e text);" + indexes
    new = 'CREATE TABLE t (a text COLLATE "C", b text COLLATE "C" CONSTRAINT t_b_key UNIQUE,'
    new += ' c text COLLATE "C", d text COLLATE "C", e text COLLATE "C");' + indexes
    found = _hazards(old, new)
    for column, index in (("a", "t_a_idx"), ("b", "t_b_key"), ("c", "t_c_lower")):
        [lock] = _of(found, f"ALTER TABLE public.t ALTER COLUMN {column} TYPE")
        assert (lock.code, lock.lock) == (H.EXCLUSIVE_LOCK, "ACCESS EXCLUSIVE")
        assert lock.message.endswith(f"on public.t while it rebuilds the indexes on {column} ({index})")
    # an index giving its own collation is reused; a column without an index changes the catalog only
    assert _of(found, "ALTER TABLE public.t ALTER COLUMN d TYPE") == ()
    assert _of(found, "ALTER TABLE public.t ALTER COLUMN e TYPE") == ()
