"""The PostgreSQL hazard judge offline: what clients lose when a key or a foreign key action goes for
good (the lock claims themselves are held against PostgreSQL 15 by tests/live/test_hazards_pg.py)."""

from __future__ import annotations

import pytest

from ddlcompare import plan_between
from ddlcompare.dialects import LoadOptions, get
from ddlcompare.plan.hazards import Hazard, HazardCode, parse_target

H = HazardCode


def _hazards(old: str, new: str) -> dict[str, tuple[Hazard, ...]]:
    """Each forward statement's hazards (destructive ones included), by its SQL."""
    d = get("postgres")
    plan = plan_between(
        d.parse(old, "old.sql", LoadOptions()),
        d.parse(new, "new.sql", LoadOptions()),
        parse_target("postgres:15"),
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
