"""Foreign keys and indexes of partitions (issue 11, items 1 and 2): each side of the partition
fixtures parses to the model the live catalog reader gives for the database it builds, and to the
model of that database's pg_dump. The round trips themselves run in test_fixtures_pg.py; the
offline checks in tests/dialects/postgres/test_partitions.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from ddlcompare import plan_between
from ddlcompare.dialects import LoadOptions, get
from ddlcompare.diff.compare import diff
from ddlcompare.model.base import Schema
from ddlcompare.output.markdown import render_markdown
from ddlcompare.plan.hazards import HazardCode as H
from tests.support import pgdb
from tests.support.roundtrip import differences, make_plan, scripts
from tests.support.servers import require_pg

pytestmark = pytest.mark.live

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "postgres"
CASES = [
    "partition_fk_inherited",
    "partition_fk_adopted",
    "partition_index_own_name",
    "partition_index_create_named",
    "partition_detach_keys",
    "partition_fk_kept_apart",
    "partition_drop_referenced",
    "partition_fk_mutual_change",
    "partition_key_own_name",
    "partition_key_create_named",
    "partition_key_attach_detach",
]
# pg_dump writes a partition's own foreign key before its parent's equivalent one (by name): a
# restore (and the parser) attaches it to the parent's, where the dumped database kept it apart
DUMP_ADOPTS = {"partition_fk_kept_apart/new.sql"}
SIDES = [(case, side) for case in CASES for side in ("old.sql", "new.sql")]


def _parse(sql: str) -> Schema:
    return get("postgres").parse(sql, "new.sql", LoadOptions())


def _differences(a: Schema, b: Schema) -> str:
    d = get("postgres")
    if not diff(a, b, column_order=d.COLUMN_ORDER):
        return ""
    return render_markdown(plan_between(a, b))


@pytest.mark.parametrize(("case", "side"), SIDES, ids=[f"{c}/{s}" for c, s in SIDES])
def test_file_equals_live_and_dump(case: str, side: str, pg: None) -> None:
    """parse(file) == inspect(database loaded with it) == parse(pg_dump of that database)."""
    require_pg()
    d = get("postgres")
    text = (FIXTURES / case / side).read_text(encoding="utf-8")
    parsed = d.parse(text, side, LoadOptions())
    with pgdb.fresh_db("ddlc_part") as db:
        pgdb.load(db, text)
        live = d.inspect(pgdb.url(db), LoadOptions())
        dumped = d.parse(pgdb.pg_dump(db), "pg_dump.sql", LoadOptions())
    assert not (report := _differences(parsed, live)), f"file vs live catalog:\n{report}"
    if f"{case}/{side}" in DUMP_ADOPTS:
        assert _differences(parsed, dumped), "the dump no longer adopts the partition's key"
    else:
        assert not (report := _differences(parsed, dumped)), f"file vs pg_dump:\n{report}"


def test_referenced_partition_dropped_only_once_no_row_points_into_it(pg: None) -> None:
    """A partition of a table foreign keys reference is detached before it is dropped: the drop
    works on the server, the detach is held back with the drop, and it carries the check the
    server makes: a referencing row pointing into the partition fails it (may_fail_on_data)."""
    require_pg()
    case = FIXTURES / "partition_drop_referenced"
    old_sql, new_sql = ((case / side).read_text(encoding="utf-8") for side in ("old.sql", "new.sql"))
    plan = make_plan(old_sql, new_sql)
    forward, _ = scripts(plan)
    detach = next(
        st
        for step in plan.steps
        for st in step.forward
        if "DETACH PARTITION public.payments_2024_0" in st.sql
    )
    assert detach.destructive
    assert {h.code for h in detach.hazards} >= {H.VALIDATION_SCAN, H.MAY_FAIL_ON_DATA}
    held_back = scripts(plan, allow_destructive=False)[0].splitlines()
    detaches = [line for line in held_back if "DETACH PARTITION public.payments_2024_0" in line]
    assert detaches and all(line.startswith("-- ") for line in detaches)
    rows = (
        "INSERT INTO payments VALUES (2, 2024), (3, 2025);"
        "INSERT INTO refunds VALUES (1, 2, 2024);"  # (2, 2024) lives in payments_2024_0
    )
    with pgdb.fresh_db("ddlc_part") as db:
        pgdb.load(db, old_sql + rows)
        with pytest.raises(pgdb.LoadError, match="violates foreign key constraint"):
            pgdb.load(db, forward, roles=False)
        pgdb.psql(db, "DELETE FROM refunds;")
        pgdb.load(db, forward, roles=False)
        assert not (report := differences(pgdb.url(db), _parse(new_sql))), report
