"""Foreign keys and indexes of partitions in the model (issue 11, items 1 and 2): a partition's
copy of its parent's foreign key is implied by the parent's; a partition's index (primary or unique
key) attached to a partitioned index (key) leaves the model, its name kept on the partitioned one
when it is its own."""

from __future__ import annotations

from pathlib import Path

from ddlcompare import plan_between
from ddlcompare.dialects import LoadOptions, get
from ddlcompare.dialects.postgres.names import generated_index_name
from ddlcompare.dialects.postgres.objects import PartitionIndexNames
from ddlcompare.diff.compare import diff
from ddlcompare.model.base import Schema
from ddlcompare.model.objects import ForeignKey, Index, PrimaryKey, Unique
from ddlcompare.output.sql import render_script, statements
from ddlcompare.plan.hazards import HazardCode, parse_target
from ddlcompare.plan.plan import PlanOptions, Statement

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "postgres"
PG = get("postgres")

BASE = """
CREATE TABLE c (id int PRIMARY KEY);
CREATE TABLE o (id int NOT NULL, ts date NOT NULL, cid int) PARTITION BY RANGE (ts);
"""


def _parse(sql: str) -> Schema:
    return PG.parse(sql, "t.sql", LoadOptions())


def _fks(s: Schema) -> list[tuple[str, str]]:
    return sorted((o.table, o.name) for o in s.of_kind(ForeignKey))


def _fixture(case: str, side: str) -> Schema:
    return _parse((FIXTURES / case / side).read_text(encoding="utf-8"))


def test_parent_key_adopts_equivalent_partition_keys_only() -> None:
    s = _parse(
        BASE
        + """
CREATE TABLE o1 PARTITION OF o FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE o2 PARTITION OF o FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
ALTER TABLE ONLY o1 ADD CONSTRAINT o1_same FOREIGN KEY (cid) REFERENCES c;
ALTER TABLE ONLY o2 ADD CONSTRAINT o2_cascade FOREIGN KEY (cid) REFERENCES c (id) ON DELETE CASCADE;
ALTER TABLE o ADD CONSTRAINT o_cid_fk FOREIGN KEY (cid) REFERENCES c (id);
"""
    )
    # o1's key is the parent's (attached); o2's differs in its action: a key of its own
    assert _fks(s) == [("o", "o_cid_fk"), ("o2", "o2_cascade")]


def test_attach_adopts_and_detach_leaves_a_copy() -> None:
    s = _parse(
        BASE
        + """
ALTER TABLE o ADD CONSTRAINT o_cid_fk FOREIGN KEY (cid) REFERENCES c (id);
CREATE TABLE o1 (id int NOT NULL, ts date NOT NULL, cid int CONSTRAINT o1_fk REFERENCES c);
ALTER TABLE o ATTACH PARTITION o1 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE o2 PARTITION OF o FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
"""
    )
    assert _fks(s) == [("o", "o_cid_fk")]
    detached = _parse(
        BASE
        + """
ALTER TABLE o ADD CONSTRAINT o_cid_fk FOREIGN KEY (cid) REFERENCES c (id);
CREATE TABLE o2 PARTITION OF o FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
ALTER TABLE o DETACH PARTITION o2;
"""
    )
    # the server keeps the partition's copy as a key of the now standalone table
    assert _fks(detached) == [("o", "o_cid_fk"), ("o2", "o_cid_fk")]


def test_parent_key_change_plans_the_parent_only() -> None:
    case = "partition_fk_inherited"
    plan = plan_between(_fixture(case, "old.sql"), _fixture(case, "new.sql"))
    script = render_script(plan, PG.STYLE)
    assert "orders_2024" not in script and "orders_2025" not in script
    assert script.count("ADD CONSTRAINT") == 3


def test_generated_index_names() -> None:
    assert generated_index_name("m_2024", "v", "m_2024_v_idx")
    assert generated_index_name("m_2024", "v", "m_2024_v_idx12")
    assert not generated_index_name("m_2024", "v", "m_2024_v_idx0")
    assert not generated_index_name("m_2024", "v", "m_2024_v_lookup")
    long = "measurements_of_the_very_long_partition_name_for_the_year_2026"
    # makeObjectName shortens the table part so that <table>_ts_id_idx fits in 63 bytes
    assert generated_index_name(long, "ts_id", f"{long[:53]}_ts_id_idx")
    assert not generated_index_name(long, "ts_id", f"{long}_ts_id_idx")


def test_own_partition_index_names_are_kept_generated_ones_not() -> None:
    s = _fixture("partition_index_own_name", "new.sql")
    names = {o.name: o.option(PartitionIndexNames) for o in s.of_kind(Index)}
    assert set(names) == {"m_v_idx", "m_ts_id_idx", "m_2024_v_idx"}
    v = names["m_v_idx"]
    assert v is not None and v.items == (
        ("public", "m_2025_r1", "m_2025_r1_v_lookup"),
        ("public", "measurements_of_the_very_long_partition_name_for_the_year_2026", "measurements: v"),
    )
    assert names["m_ts_id_idx"] is None and names["m_2024_v_idx"] is None


def test_attach_levels_in_any_order() -> None:
    """The catalog reader attaches a sub-partitioned partition's index to the top one before the
    index below it: the leaf's index then goes to the top index, with its own name."""
    head = """
CREATE TABLE m (ts date NOT NULL, r int NOT NULL, v text) PARTITION BY RANGE (ts);
CREATE TABLE m1 PARTITION OF m FOR VALUES FROM ('2024-01-01') TO ('2025-01-01') PARTITION BY LIST (r);
CREATE TABLE m1_a PARTITION OF m1 FOR VALUES IN (1);
CREATE INDEX m_v_idx ON ONLY m (v);
CREATE INDEX m1_v_idx ON ONLY m1 (v);
CREATE INDEX m1_a_own ON m1_a (v);
"""
    top = "ALTER INDEX m_v_idx ATTACH PARTITION m1_v_idx;\n"
    low = "ALTER INDEX m1_v_idx ATTACH PARTITION m1_a_own;\n"
    top_first, low_first = top + low, low + top
    a, b = _parse(head + top_first), _parse(head + low_first)
    assert not diff(a, b)
    (idx,) = a.of_kind(Index)
    assert idx.option(PartitionIndexNames) == PartitionIndexNames(items=(("public", "m1_a", "m1_a_own"),))


def test_index_on_only_adopts_nothing() -> None:
    """CREATE INDEX ... ON ONLY builds the partitioned index alone: the partitions' indexes stay
    theirs until attached."""
    s = _parse(
        """
CREATE TABLE m (ts date NOT NULL, v text) PARTITION BY RANGE (ts);
CREATE TABLE m1 PARTITION OF m FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE INDEX m1_v ON m1 (v);
CREATE INDEX m_v_idx ON ONLY m (v);
"""
    )
    assert sorted(o.name for o in s.of_kind(Index)) == ["m1_v", "m_v_idx"]


def test_pgdump_fixtures_are_dumps_of_the_hand_written_ones() -> None:
    """The pg_dump fixtures model the same schemas as the hand-written ones they were dumped from."""
    pairs = [
        ("pgdump_partition_fks", "partition_fk_adopted"),
        ("pgdump_partition_indexes", "partition_index_own_name"),
        ("pgdump_partition_keys", "partition_key_own_name"),
    ]
    for dumped, written in pairs:
        for side in ("old.sql", "new.sql"):
            assert not diff(_fixture(written, side), _fixture(dumped, side)), f"{dumped}/{side}"


def test_detach_keeps_the_copies_attach_adopts_them() -> None:
    """A planned DETACH leaves the partition's copies of its parents' keys and indexes (not written
    again; one the new side lacks is dropped); the ATTACH of the rollback adopts them (not dropped
    before it). The parser gives a detached partition the same copies."""
    case = "partition_detach_keys"
    plan = plan_between(_fixture(case, "old.sql"), _fixture(case, "new.sql"))
    forward, rollback = render_script(plan, PG.STYLE), render_script(plan, PG.STYLE, rollback=True)
    assert "ADD CONSTRAINT" not in forward and "CREATE INDEX" not in forward
    assert "DROP CONSTRAINT IF EXISTS log_actor_fk" in forward
    assert "DROP INDEX" not in rollback and "DROP CONSTRAINT" not in rollback
    old = (FIXTURES / case / "old.sql").read_text(encoding="utf-8")
    detached = _parse(old + "ALTER TABLE log DETACH PARTITION log_2023;\n")
    kept = sorted((o.KIND, o.name) for o in detached if getattr(o, "table", "") == "log_2023")
    assert kept == [
        ("foreign_key", "log_actor_fk"),
        ("index", "log_2023_msg_own"),
        ("primary_key", "log_2023_pkey"),
    ]


# ---- --online ----------------------------------------------------------------------------------

ONLINE = PlanOptions(online=True, idempotent=False)
TREE = """
CREATE TABLE m (id int NOT NULL, ts date NOT NULL, v text) PARTITION BY RANGE (ts);
CREATE TABLE m1 PARTITION OF m FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
"""


def _online(old: str, new: str) -> tuple[list[Statement], str]:
    plan = plan_between(_parse(old), _parse(new), options=ONLINE, target=parse_target("postgres:15"))
    return statements(plan), render_script(plan, PG.STYLE)


def test_online_partitioned_index_attaches_concurrent_builds() -> None:
    """A new partitioned index: each partition's index built CONCURRENTLY outside a transaction
    (under its own name, or the server's, numbered past the ones other partitioned indexes may
    hold), ON ONLY the table, then attached; only the builds claim a lock on the partitions, none
    that blocks writes."""
    old = TREE + "CREATE TABLE m2 PARTITION OF m FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');\n"
    old += "CREATE INDEX m_v_idx ON m (v);\n"
    added = "CREATE INDEX m2_own ON m2 (v) WHERE v > '';\nCREATE INDEX m_v_part ON m (v) WHERE v > '';\n"
    sts, _ = _online(old, old + added)
    assert [(st.sql, st.transactional) for st in sts] == [
        ("DROP INDEX CONCURRENTLY IF EXISTS public.m1_v_idx1;", False),
        ("CREATE INDEX CONCURRENTLY IF NOT EXISTS m1_v_idx1 ON public.m1 (v) WHERE (v > '');", False),
        ("DROP INDEX CONCURRENTLY IF EXISTS public.m2_own;", False),
        ("CREATE INDEX CONCURRENTLY IF NOT EXISTS m2_own ON public.m2 (v) WHERE (v > '');", False),
        ("CREATE INDEX m_v_part ON ONLY public.m (v) WHERE (v > '');", True),
        ("ALTER INDEX public.m_v_part ATTACH PARTITION public.m1_v_idx1;", True),
        ("ALTER INDEX public.m_v_part ATTACH PARTITION public.m2_own;", True),
    ]
    assert not [h for st in sts for h in st.hazards if h.code == HazardCode.BLOCKS_WRITES]


def test_online_partitioned_index_stays_plain_where_partitions_change() -> None:
    """A partition the plan creates, or a foreign table partition (it takes no index): the plain
    CREATE INDEX, which builds every partition's index at once (its lock claimed); an own-named
    index of a partition with rows is still built CONCURRENTLY before it."""
    new = TREE + "CREATE TABLE m2 PARTITION OF m FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');\n"
    index = "CREATE INDEX m1_own ON m1 (v);\nCREATE INDEX m_v_idx ON m (v);\n"
    sts, _ = _online(TREE, new + index)
    assert [st.sql for st in sts if "INDEX" in st.sql] == [
        "DROP INDEX CONCURRENTLY IF EXISTS public.m1_own;",
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS m1_own ON public.m1 (v);",
        "CREATE INDEX m_v_idx ON public.m (v);",
    ]
    assert [h.code for h in sts[-1].hazards] == [HazardCode.BLOCKS_WRITES]
    foreign = TREE + """
CREATE SERVER s FOREIGN DATA WRAPPER postgres_fdw;
CREATE FOREIGN TABLE m2 PARTITION OF m FOR VALUES FROM ('2025-01-01') TO ('2026-01-01') SERVER s;
"""
    sts, _ = _online(foreign, foreign + "CREATE INDEX m_v_idx ON m (v);\n")
    assert [st.sql for st in sts] == ["CREATE INDEX m_v_idx ON public.m (v);"]


def test_online_own_partition_key_not_valid_on_a_leaf_only() -> None:
    """A partition's own key stepping aside for its parent's comes back NOT VALID, then validated
    in a transaction of its own, on a leaf; a sub-partitioned partition refuses NOT VALID (before
    PostgreSQL 18): plain there."""
    own = "ALTER TABLE o1 ADD CONSTRAINT o1_fk FOREIGN KEY (cid) REFERENCES c ON DELETE CASCADE;\n"
    parent = "ALTER TABLE o ADD CONSTRAINT o_fk FOREIGN KEY (cid) REFERENCES c (id) ON DELETE CASCADE;\n"
    for sub, expected in (("", True), (" PARTITION BY RANGE (id)", False)):
        tables = f"""{BASE}
CREATE TABLE o1 PARTITION OF o FOR VALUES FROM ('2024-01-01') TO ('2025-01-01'){sub};
"""
        # added after the parent's, the partition's key stays its own
        sts, _ = _online(tables + own, tables + parent + own)
        added = [st for st in sts if "ADD CONSTRAINT o1_fk" in st.sql]
        assert len(added) == 1 and added[0].sql.endswith("NOT VALID;") == expected, added
        validate = [st for st in sts if "VALIDATE CONSTRAINT o1_fk" in st.sql]
        assert [st.alone for st in validate] == ([True] if expected else [])


# ---- primary and unique keys of partitions ---------------------------------------------------------


def _key_names(s: Schema) -> dict[str, tuple[tuple[str, str, str], ...]]:
    """Each key of the schema by name, with the own names of its partitions' keys."""
    return {
        o.name: (names.items if (names := o.option(PartitionIndexNames)) else ())
        for o in [*s.of_kind(PrimaryKey), *s.of_kind(Unique)]
    }


def test_generated_key_names() -> None:
    assert generated_index_name("k_2024", "", "k_2024_pkey", "pkey")
    assert generated_index_name("k_2024", "", "k_2024_pkey1", "pkey")
    assert not generated_index_name("k_2024", "", "k_2024_pk", "pkey")
    assert generated_index_name("k_2024", "code_ts", "k_2024_code_ts_key2", "key")
    assert not generated_index_name("k_2024", "code_ts", "k_2024_code_ts_idx", "key")
    long = "keys_of_the_very_long_partition_name_for_the_year_2026_and_more"
    assert generated_index_name(long, "", f"{long[:58]}_pkey", "pkey")
    assert generated_index_name(long, "code_ts_region", f"{long[:44]}_code_ts_region_key", "key")


KEYS = """
CREATE TABLE k (id int NOT NULL, ts date NOT NULL, code text) PARTITION BY RANGE (ts);
CREATE TABLE k1 PARTITION OF k FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE k2 PARTITION OF k FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
"""


def test_parent_key_adopts_partition_keys_under_their_names() -> None:
    """ALTER TABLE parent ADD PRIMARY KEY / UNIQUE attaches the partitions' keys of the same columns
    (the server does, whatever their names); ALTER TABLE ONLY (pg_dump's form) attaches none."""
    own = """
ALTER TABLE k1 ADD CONSTRAINT k1_own_pk PRIMARY KEY (id, ts);
ALTER TABLE k2 ADD CONSTRAINT k2_pkey PRIMARY KEY (id, ts);
ALTER TABLE k1 ADD CONSTRAINT k1_code UNIQUE (code, ts);
"""
    s = _parse(KEYS + own + "ALTER TABLE k ADD PRIMARY KEY (id, ts);\nALTER TABLE k ADD UNIQUE (code, ts);\n")
    assert _key_names(s) == {
        "k_pkey": (("public", "k1", "k1_own_pk"),),
        "k_code_ts_key": (("public", "k1", "k1_code"),),
    }
    only = _parse(KEYS + own + "ALTER TABLE ONLY k ADD PRIMARY KEY (id, ts);\n")
    assert set(_key_names(only)) == {"k_pkey", "k1_own_pk", "k2_pkey", "k1_code"}


def test_dumped_keys_parse_as_the_file() -> None:
    """pg_dump's form (ALTER TABLE ONLY ... ADD CONSTRAINT, then ALTER INDEX parent ATTACH PARTITION
    child) gives the model of the statements that made the schema, the levels attached in any
    order."""
    head = """
CREATE TABLE k (id int NOT NULL, ts date NOT NULL, r int NOT NULL) PARTITION BY RANGE (ts);
CREATE TABLE k1 PARTITION OF k FOR VALUES FROM ('2024-01-01') TO ('2025-01-01') PARTITION BY LIST (r);
CREATE TABLE k1_a PARTITION OF k1 FOR VALUES IN (1);
ALTER TABLE ONLY k ADD CONSTRAINT k_pkey PRIMARY KEY (id, ts, r);
ALTER TABLE ONLY k1 ADD CONSTRAINT k1_pkey PRIMARY KEY (id, ts, r);
ALTER TABLE ONLY k1_a ADD CONSTRAINT k1_a_mine PRIMARY KEY (id, ts, r);
"""
    top = "ALTER INDEX k_pkey ATTACH PARTITION k1_pkey;\n"
    low = "ALTER INDEX k1_pkey ATTACH PARTITION k1_a_mine;\n"
    written = _parse(
        head.split("ALTER TABLE ONLY k ADD")[0]
        + "ALTER TABLE k1_a ADD CONSTRAINT k1_a_mine PRIMARY KEY (id, ts, r);\n"
        + "ALTER TABLE k ADD PRIMARY KEY (id, ts, r);\n"
    )
    assert _key_names(written) == {"k_pkey": (("public", "k1_a", "k1_a_mine"),)}
    for order in (top + low, low + top):
        assert not diff(written, _parse(head + order)), order


def test_detached_partition_keeps_its_keys_own_names() -> None:
    s = _parse(
        KEYS
        + "ALTER TABLE k1 ADD CONSTRAINT k1_own_pk PRIMARY KEY (id, ts);\n"
        + "ALTER TABLE k ADD PRIMARY KEY (id, ts);\nALTER TABLE k ADD UNIQUE (code, ts);\n"
        + "ALTER TABLE k DETACH PARTITION k1;\nALTER TABLE k DETACH PARTITION k2;\n"
    )
    kept = ("k_pkey", "k_code_ts_key", "k1_own_pk", "k1_code_ts_key", "k2_pkey", "k2_code_ts_key")
    assert _key_names(s) == {n: () for n in kept}
