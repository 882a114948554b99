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
from tests.support import pgdb
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
]
# pg_dump writes a partition's own foreign key before its parent's equivalent one (by name): a
# restore (and the parser) attaches it to the parent's, where the dumped database kept it apart
DUMP_ADOPTS = {"partition_fk_kept_apart/new.sql"}
SIDES = [(case, side) for case in CASES for side in ("old.sql", "new.sql")]


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
