"""Pre-flight validation offline: the data checks tied to the hazards, the static findings, and the
shape and stability of schema_validation.log."""

from __future__ import annotations

from pathlib import Path

import pytest

from ddlcompare import compare, dialects
from ddlcompare.dialects.postgres.checks import RULES as PG_RULES
from ddlcompare.model.base import ObjectKey, Schema
from ddlcompare.model.objects import Column, Table
from ddlcompare.output.validation import render_validation
from ddlcompare.plan.checks import (
    CHECKED_HAZARDS,
    CheckKind,
    CheckResult,
    Status,
    Validation,
    static_findings,
)
from ddlcompare.plan.plan import Plan
from tests.support.cli import run
from tests.support.golden import plan_case

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
CASES = [
    (d, p.name)
    for d in ("postgres", "mysql")
    for p in sorted((FIXTURES / d).iterdir())
    if (p / "old.sql").is_file()
]
CHECK_CASES = [
    (d, p.name) for d in ("postgres", "mysql") for p in sorted((FIXTURES / "checks" / d).iterdir())
]

# Steps with a may_fail_on_data or data_loss hazard that get no data check, and why (strict: a listed
# step that gets a check, or a risky step neither checked nor listed, fails the test).
EXCEPTIONS = {
    (
        "postgres",
        "foreign_table_options_rendering",
        "table:public.remote_goods",
    ): "a foreign table: its rows are on the remote server (PostgreSQL does not enforce its constraints)",
    (
        "postgres",
        "column_serial_drop",
        "sequence:public.t_id_seq",
    ): "a sequence holds no rows: its value is lost",
    ("postgres", "sequence_drop", "sequence:public.order_no"): "a sequence holds no rows: its value is lost",
    (
        "postgres",
        "history_set_schema_drop_cascade",
        "sequence:app.s",
    ): "a sequence holds no rows: its value is lost",
    ("mysql", "sequence", "sequence:s_gone"): "a sequence holds no rows: its value is lost",
    ("postgres", "composite_type_alter", "composite_type:public.address"): (
        "an attribute dropped from a composite type: values inside composite columns are not counted yet"
    ),
    ("postgres", "typed_table_attribute_change", "composite_type:shop.item"): (
        "typed tables changed through their composite type: not counted yet"
    ),
    ("postgres", "constraint_exclude_add", "exclude:public.booking.booking_no_overlap"): (
        "EXCLUDE constraints (pairs of rows in conflict) are not counted yet"
    ),
    ("postgres", "index_opclass_non_btree", "exclude:public.leases.leases_addr_during_excl"): (
        "EXCLUDE constraints (pairs of rows in conflict) are not counted yet"
    ),
    ("postgres", "table_partition_attach", "table:public.log_2025"): (
        "rows outside a partition bound are not counted yet"
    ),
    ("postgres", "partition_key_attach_detach", "table:public.ev_2025"): (
        "rows outside a partition bound are not counted yet"
    ),
    ("postgres", "partition_key_attach_detach", "table:public.ev_2026"): (
        "rows outside a partition bound are not counted yet"
    ),
    ("postgres", "order_function_rebuilt_with_users", "function:public.pos(integer, integer)"): (
        "a domain CHECK taken back after the function it calls is rebuilt: the values the new function "
        "rejects are not counted yet (the function does not exist before the migration)"
    ),
    ("postgres", "order_function_signature_changed_with_users", "function:public.pos(bigint)"): (
        "a domain CHECK taken back after the function it calls is rebuilt: the values the new function "
        "rejects are not counted yet (the function does not exist before the migration)"
    ),
    ("mysql", "partition_list_drop", "table:t"): "rows of a dropped partition are not counted yet",
    (
        "mysql",
        "system_versioning_drop",
        "table:t",
    ): "history rows of a system-versioned table are not counted yet",
    ("postgres", "online_volatile_default", "table:public.t"): (
        "--online: the helper NOT NULL checks of columns the migration adds and backfills: nothing to "
        "count before the migration (the columns do not exist yet), and the backfill fills every row"
    ),
}


def _validation(dialect: str, case: Path) -> Validation:
    """The validation of a golden case planned as its golden files are (options.txt, annotations)."""
    if case.parent.name == dialect:
        return dialects.get(dialect).validate(plan_case(case))
    plan = compare(str(case / "old.sql"), str(case / "new.sql"), dialect=dialect)
    return dialects.get(dialect).validate(plan)


def test_every_risky_step_has_a_check() -> None:
    """Every step of every golden fixture with a may_fail_on_data or data_loss hazard has at least one
    data check naming it, except the EXCEPTIONS (each with its reason)."""
    unchecked: set[tuple[str, str, str]] = set()
    risky = checked = 0
    for dialect, name in CASES:
        v = _validation(dialect, FIXTURES / dialect / name)
        named = {c.step for c in v.checks}
        for step in v.plan.steps:
            if not any(h.code in CHECKED_HAZARDS for h in step.hazards):
                continue
            risky += 1
            if step.key in named:
                checked += 1
            else:
                unchecked.add((dialect, name, str(step.key)))
        assert {str(k) for k, _ in v.unchecked} == {u[2] for u in unchecked if u[:2] == (dialect, name)}
    assert unchecked == set(EXCEPTIONS)
    assert checked >= 60 and risky == checked + len(EXCEPTIONS)


def test_checks_name_their_step_and_hold_sql() -> None:
    for dialect, name in CASES:
        v = _validation(dialect, FIXTURES / dialect / name)
        for c in v.checks:
            step = v.plan.steps[c.step_index]
            assert step.key == c.step
            assert any(h.code in CHECKED_HAZARDS for h in step.hazards)
            assert c.sql.startswith("SELECT count(*) AS n FROM ")
            # sample keys only from a primary key, and only the key's columns
            assert bool(c.sample_sql) == bool(c.key_columns)


@pytest.mark.parametrize(("dialect", "name"), CHECK_CASES)
def test_check_fixture_has_one_check_of_its_kind(dialect: str, name: str) -> None:
    v = _validation(dialect, FIXTURES / "checks" / dialect / name)
    kind = "type_fit" if name.startswith("type_fit") else name
    assert [c.kind for c in v.checks] == [CheckKind(kind)]


def test_kinds_cover_both_dialects() -> None:
    """Each kind has a fixture in each dialect where it exists (MySQL fills a NOT NULL column added
    without a default with the type's implicit default: no any_row there)."""
    kinds = {(d, "type_fit" if n.startswith("type_fit") else n) for d, n in CHECK_CASES}
    loss_or_fail = {k.value for k in CheckKind} - {"dropped_partition"}
    assert {k for d, k in kinds if d == "postgres"} == loss_or_fail
    assert {k for d, k in kinds if d == "mysql"} == loss_or_fail - {"any_row"}


def test_semantics_of_the_queries() -> None:
    """NULL passes a CHECK; a unique key ignores rows with a NULL (unless NULLS NOT DISTINCT) and
    keeps the index's predicate and expressions; an FK skips NULL keys."""
    v = _validation("postgres", FIXTURES / "postgres" / "index_add_partial")
    (c,) = v.checks
    assert "WHERE (((deleted IS FALSE) AND (a > 0))) AND a IS NOT NULL GROUP BY a" in c.sql
    v = _validation("postgres", FIXTURES / "postgres" / "index_nulls_not_distinct")
    (c,) = v.checks
    assert "IS NOT NULL" not in c.sql
    v = _validation("postgres", FIXTURES / "checks" / "postgres" / "check")
    assert v.checks[0].sql.endswith("WHERE NOT ((qty > 0))")
    v = _validation("mysql", FIXTURES / "checks" / "mysql" / "orphans")
    assert "t.`parent_id` IS NOT NULL AND NOT EXISTS (SELECT 1 FROM `parent` p" in v.checks[0].sql


# ---- static checks ---------------------------------------------------------------------------------


def _findings(tmp_path: Path, dialect: str, new: str, old: str = "") -> list[tuple[str, str, str]]:
    (tmp_path / "old.sql").write_text(old, encoding="utf-8")
    (tmp_path / "new.sql").write_text(new, encoding="utf-8")
    v = _validation(dialect, tmp_path)
    return [(f.code, f.subject, f.message) for f in v.findings]


def test_static_missing_references_and_keys(tmp_path: Path) -> None:
    found = _findings(
        tmp_path,
        "postgres",
        "CREATE TABLE p (id int PRIMARY KEY);\n"
        "CREATE TABLE c (id int PRIMARY KEY, pid int, x int);\n"
        "ALTER TABLE c ADD CONSTRAINT c_pid_fk FOREIGN KEY (pid) REFERENCES p (id);\n"
        "ALTER TABLE c ADD CONSTRAINT c_x_fk FOREIGN KEY (x) REFERENCES gone (id);\n"
        "CREATE TABLE nokey (a int);\n"
        "CREATE INDEX c_x_idx ON c (x);\n"
        "CREATE INDEX c_x_idx2 ON c (x);\n"
        "CREATE INDEX c_x_id_idx ON c (x, id);\n",
    )
    codes = [(code, subject) for code, subject, _ in found]
    assert ("missing_reference", "public.c.c_x_fk") in codes
    assert ("fk_without_index", "public.c.c_pid_fk") in codes
    assert ("fk_without_index", "public.c.c_x_fk") not in codes  # c_x_idx starts with x
    assert ("no_primary_key", "public.nokey") in codes
    assert ("no_primary_key", "public.p") not in codes
    messages = {m for c, _, m in found if c in ("duplicate_index", "redundant_index")}
    assert "index c_x_idx and index c_x_idx2 have the same key (x)" in messages
    assert "index c_x_idx (x) is a prefix of index c_x_id_idx (x, id)" in messages


def test_static_duplicate_indexes_on_expressions(tmp_path: Path) -> None:
    # keys starting with an expression are compared too; keys starting on different columns
    # never are duplicates or prefixes of each other (the check passes such tables over)
    found = _findings(
        tmp_path,
        "postgres",
        "CREATE TABLE t (id int PRIMARY KEY, a text, b text);\n"
        "CREATE INDEX t_la ON t (lower(a));\n"
        "CREATE INDEX t_la2 ON t (lower(a));\n"
        "CREATE INDEX t_la_b ON t (lower(a), b);\n"
        "CREATE INDEX t_lb ON t (lower(b));\n"
        "CREATE TABLE u (id int PRIMARY KEY, a text, b text);\n"
        "CREATE INDEX u_a ON u (a);\n"
        "CREATE INDEX u_b_a ON u (b, a);\n",
    )
    messages = sorted(m for c, _, m in found if c in ("duplicate_index", "redundant_index"))
    assert messages == [
        "index t_la ((lower(a))) is a prefix of index t_la_b ((lower(a)), b)",
        "index t_la and index t_la2 have the same key ((lower(a)))",
        "index t_la2 ((lower(a))) is a prefix of index t_la_b ((lower(a)), b)",
    ]


def test_static_long_names(tmp_path: Path) -> None:
    # PostgreSQL keeps 63 bytes: 32 two-byte characters are 64 bytes (counted on the model: the
    # PostgreSQL parser itself cuts a longer identifier in a file to 63 bytes, as the server does)
    name = "é" * 32
    table = Table(schema="public", name=name, columns=(Column(name="id", type="integer"),))
    new = Schema("postgres", {table.key: table})
    plan = Plan("postgres", Schema("postgres", {}), new, (), ())
    found = static_findings(plan, PG_RULES)
    assert [(f.code, f.message) for f in found if f.code == "long_name"] == [
        ("long_name", f"table name {name!r} is 64 bytes; the server keeps 63")
    ]
    ok = _findings(tmp_path, "mysql", f"CREATE TABLE `{name}` (id int NOT NULL PRIMARY KEY) ENGINE=InnoDB;\n")
    assert ok == []
    long = "c" * 65
    found_my = _findings(
        tmp_path, "mysql", f"CREATE TABLE t (id int NOT NULL PRIMARY KEY, `{long}` int) ENGINE=InnoDB;\n"
    )
    assert [(c, m.split(" is ")[1]) for c, _, m in found_my] == [
        ("long_name", "65 characters; the server keeps 64")
    ]


def test_static_opaque_and_held_back(tmp_path: Path) -> None:
    (tmp_path / "old.sql").write_text("CREATE TABLE t (id int PRIMARY KEY, legacy text);\n", encoding="utf-8")
    (tmp_path / "new.sql").write_text(
        "CREATE TABLE t (id int PRIMARY KEY);\nCREATE RULE r AS ON INSERT TO t DO INSTEAD NOTHING;\n",
        encoding="utf-8",
    )
    out = run(str(tmp_path / "old.sql"), str(tmp_path / "new.sql"), "--format", "validation", "-q")
    assert out.code == 1, out.stderr
    assert "[warning] held_back: table:public.t: commented out unless --allow-destructive" in out.stdout
    allowed = run(
        str(tmp_path / "old.sql"),
        str(tmp_path / "new.sql"),
        "--format",
        "validation",
        "-q",
        "--allow-destructive",
    )
    assert "held_back" not in allowed.stdout


# ---- the log -----------------------------------------------------------------------------------------


def test_log_not_run_shape_and_stability(tmp_path: Path) -> None:
    case = FIXTURES / "postgres" / "destructive_commented_out"
    args = (str(case / "old.sql"), str(case / "new.sql"), "--format", "validation", "-q")
    first, second = run(*args), run(*args)
    assert first.code == 1 and first.stdout == second.stdout
    log = first.stdout
    assert log.startswith("ddlcompare schema validation (postgres)\n")
    assert "data checks: not run (pass --check-db URL to run them against a database)" in log
    blocks = [b for b in log.split("\n\n") if b.startswith("check ")]
    v = _validation("postgres", case)
    assert len(blocks) == len(v.checks) == 4
    for n, (block, check) in enumerate(zip(blocks, v.checks, strict=True), 1):
        lines = block.splitlines()
        assert lines[0] == f"check {n}: {check.kind}"
        assert lines[1] == f"  step: {check.step} (step {check.step_index + 1})"
        assert "  status: NOT RUN" in lines
        assert lines[-1] == f"  sql: {check.sql}"
    assert log.endswith("result: NOT RUN (4 data check(s))\n")
    # --output-dir writes the same log
    run(*args[:2], "--output-dir", str(tmp_path), "-q")
    assert (tmp_path / "schema_validation.log").read_text(encoding="utf-8") == log


def test_log_with_results() -> None:
    case = FIXTURES / "checks" / "postgres" / "duplicates"
    v = _validation("postgres", case)
    results = [CheckResult(Status.FAIL, 2, ((("id", "1"),), (("id", "2"),)))]
    log = render_validation(v, results, "postgresql://u@h/db")
    assert "data checks: run against postgresql://u@h/db (read-only)" in log
    assert "  status: FAIL\n  count: 2\n  sample keys: id=1; id=2\n" in log
    assert log.endswith("result: BLOCKED (1 data check(s) FAIL or ERROR)\n")
    err = render_validation(
        v, [CheckResult(Status.ERROR, error="canceling statement due to statement timeout")]
    )
    assert "  status: ERROR\n  error: canceling statement due to statement timeout\n" in err
    ok = render_validation(v, [CheckResult(Status.PASS)])
    assert ok.endswith("result: PASS (1 data check(s))\n")
    with pytest.raises(ValueError):
        render_validation(v, [])


def test_check_db_must_be_a_url() -> None:
    case = FIXTURES / "checks" / "postgres" / "nulls"
    out = run(str(case / "old.sql"), str(case / "new.sql"), "--check-db", str(case / "old.sql"))
    assert out.code == 2 and "not a database URL" in out.stderr


def test_step_keys_are_object_keys() -> None:
    v = _validation("mysql", FIXTURES / "mysql" / "table_many_changes_one_alter")
    assert {c.step for c in v.checks} == {
        ObjectKey("table", "", "t"),
        ObjectKey("index", "", "uq_a", "t"),
        ObjectKey("check", "", "ck_c", "t"),
    }
