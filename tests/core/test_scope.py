"""Scope (--schema/--include/--exclude/--kinds) on real schemas, and options files (ddlcompare.config)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ddlcompare import Schema, Scope, load, plan_between, scoped
from ddlcompare.config import find_config, load_config
from ddlcompare.errors import DdlError
from ddlcompare.scope import parse_kinds
from tests.support.cli import ROOT

EXAMPLE = ROOT / "fixtures" / "example"
MYSQL = ROOT / "fixtures" / "mysql" / "column_add"


def keys(schema: Schema) -> set[str]:
    return {str(k) for k in schema.objects}


def example() -> tuple[Schema, Schema]:
    return load(str(EXAMPLE / "old.sql")), load(str(EXAMPLE / "new.sql"))


def test_empty_scope_keeps_everything() -> None:
    old, new = example()
    a, b = scoped(old, new, Scope())
    assert a is old and b is new


def test_exclude_takes_a_table_with_its_children() -> None:
    """Excluding a table leaves out its indexes, constraints and triggers too, on both sides."""
    old, new = example()
    a, b = scoped(old, new, Scope(exclude=("table:public.orders",)))
    for side in (a, b):
        assert not any(k.endswith("public.orders") or ".orders." in k for k in keys(side)), keys(side)
        assert "table:public.customers" in keys(side)
    assert "index:public.orders.orders_customer_idx" in keys(old)


def test_include_takes_children_of_matching_tables() -> None:
    old, _ = example()
    a, _b = scoped(old, old, Scope(include=("table:public.orders",)))
    assert keys(a) == {
        "table:public.orders",
        "primary_key:public.orders.orders_pkey",
        "foreign_key:public.orders.orders_customer_id_fkey",
        "check:public.orders.orders_total_check",
        "index:public.orders.orders_customer_idx",
    }


def test_kinds_and_globs() -> None:
    old, _ = example()
    a, _b = scoped(old, old, Scope(kinds=("index", "view")))
    assert keys(a) == {"index:public.orders.orders_customer_idx", "view:public.customer_totals"}
    a, _b = scoped(old, old, Scope(exclude=("*:public.customer*",)))
    assert not any("customer" in k.split(":")[1].split(".")[1] for k in keys(a) if "." in k)


def test_schema_filter_keeps_the_schema_object() -> None:
    base = ROOT / "fixtures" / "postgres" / "quoting_names"
    new = load(str(base / "new.sql"))
    a, _b = scoped(new, new, Scope(schemas=("My Schema",)))
    assert keys(a) and all(
        k.startswith("schema:My Schema") or ":My Schema." in k or k.startswith("extension:") for k in keys(a)
    ), keys(a)
    assert "schema:My Schema" in keys(a)


def test_plan_never_drops_what_is_out_of_scope() -> None:
    """The new side drops a column of orders; with orders out of scope nothing touches it, and a
    kept object depending on it is reported."""
    old, new = example()
    full = plan_between(old, new)
    assert any("orders" in str(s.key) for s in full.steps)
    plan = plan_between(old, new, scope=Scope(exclude=("table:public.orders",)))
    touched = {str(s.key) for s in plan.steps}
    assert not any(k == "table:public.orders" or ".orders." in k for k in touched), touched
    messages = [w.message for w in plan.new.warnings]
    assert any(
        "table:public.orders is out of scope" in m and "view:public.customer_totals" in m for m in messages
    ), messages


def test_mysql_refuses_schema() -> None:
    s = load(str(MYSQL / "old.sql"))
    with pytest.raises(DdlError, match="MySQL/MariaDB objects have no schema"):
        scoped(s, s, Scope(schemas=("app",)))
    a, _b = scoped(s, s, Scope(kinds=("table",)))
    assert keys(a) == {"table:users"}


def test_kinds_parsing_and_unknown_kind() -> None:
    assert parse_kinds(["table,index", " view ", "foreign-key"]) == ("foreign_key", "index", "table", "view")
    old, _ = example()
    with pytest.raises(DdlError, match="unknown kind 'tabel'"):
        scoped(old, old, Scope(kinds=("tabel",)))
    with pytest.raises(DdlError):
        parse_kinds(["table;drop"])


# ---- options files ------------------------------------------------------------------------------


def test_config_found_upward_and_ddlcompare_toml_wins(tmp_path: Path) -> None:
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    assert find_config(deep) is None or not str(find_config(deep)).startswith(str(tmp_path))
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.ddlcompare]\nexclude = ["table:*.tmp_*"]\n'
    )
    assert find_config(deep) == (tmp_path / "pyproject.toml").resolve()
    conf = load_config(deep)
    assert conf.exclude == ("table:*.tmp_*",) and conf.path.endswith("pyproject.toml")
    (tmp_path / "a" / "ddlcompare.toml").write_text(
        'schema = "app"\nkinds = ["table", "index"]\nonline = true\n'
    )
    conf = load_config(deep)
    assert conf.schema == ("app",) and conf.kinds == ("table", "index") and conf.online is True
    assert conf.exclude is None


def test_pyproject_without_the_table_is_passed_over(tmp_path: Path) -> None:
    (tmp_path / "ddlcompare.toml").write_text('dialect = "postgres"\n')
    sub = tmp_path / "pkg"
    sub.mkdir()
    (sub / "pyproject.toml").write_text('[project]\nname = "x"\n[tool.ruff]\nline-length = 100\n')
    assert load_config(sub).dialect == "postgres"


def test_config_errors_name_the_file(tmp_path: Path) -> None:
    f = tmp_path / "ddlcompare.toml"
    f.write_text('dialect = "postgres"\nfail_on = "high"\n')
    with pytest.raises(DdlError) as e:
        load_config(tmp_path)
    assert "unknown key 'fail_on'" in str(e.value) and str(e.value).startswith(f"{f.resolve()}:2:1: error")
    f.write_text("online = 'yes'\n")
    with pytest.raises(DdlError, match="online must be true or false"):
        load_config(tmp_path)
    f.write_text("include = [\n")
    with pytest.raises(DdlError) as e:
        load_config(tmp_path)
    assert str(e.value).startswith(f"{f.resolve()}:") and "invalid TOML" in str(e.value)


def test_config_values_are_checked_at_their_line(tmp_path: Path) -> None:
    f = tmp_path / "pyproject.toml"
    for line, message in (
        ('dialect = "oracle"', "dialect: unknown dialect 'oracle'"),
        ('fail-on = "hgih"', "fail-on: unknown severity 'hgih'"),
        ("kinds = [1]", "kinds must be a string or a list of strings"),
    ):
        f.write_text(f'[project]\nname = "x"\n\n[tool.ddlcompare]\n\n{line}\n')
        with pytest.raises(DdlError) as e:
            load_config(tmp_path)
        expected = f"{f.resolve()}:6:1: error: [tool.ddlcompare]: {message}"
        assert str(e.value).startswith(expected), str(e.value)


def test_a_table_and_its_own_children_are_not_reported() -> None:
    """--kinds table leaves out the indexes and constraints on purpose: no warning for them, but
    still one for the view over a changed table and the enum a kept table uses."""
    old, new = example()
    _a, b = scoped(old, new, Scope(kinds=("table",)))
    messages = [w.message for w in b.warnings if "out of scope" in w.message]
    reported = [m.split(" is out of scope")[0].split(": ")[-1] for m in messages]
    assert not any(k.startswith(("index:", "primary_key:", "check:", "unique:")) for k in reported), reported
    assert any("view:public.customer_totals is out of scope" in m for m in messages), messages
    assert any("enum:public.order_status is out of scope" in m for m in messages), messages
