"""Changes carry full definitions (issue 10 item 2): a column added or changed shows its type,
nullability, default and generated expression, and a changed body (view, function, trigger,
policy) a unified diff, in diff.json and in the Markdown report."""

from __future__ import annotations

from pathlib import Path

from tests.support.cli import run
from tests.support.diffjson import validated

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

OLD = """\
CREATE TABLE t (a integer NOT NULL, b text);
CREATE TABLE gone (id bigint NOT NULL, note text DEFAULT 'x');
CREATE FUNCTION f(x integer) RETURNS integer LANGUAGE plpgsql AS $$
BEGIN
  IF x > 0 THEN
    RETURN x;
  END IF;
  RETURN 0;
END;
$$;
"""
NEW = """\
CREATE TABLE t (a bigint NOT NULL DEFAULT 0, c numeric(10,2) GENERATED ALWAYS AS (a * 2) STORED);
CREATE FUNCTION f(x integer) RETURNS integer LANGUAGE plpgsql AS $$
BEGIN
  IF x > 0 THEN
    RETURN x * 2;
  END IF;
  RETURN 0;
END;
$$;
"""


def _pair(tmp_path: Path) -> tuple[str, str]:
    (tmp_path / "old.sql").write_text(OLD, encoding="utf-8")
    (tmp_path / "new.sql").write_text(NEW, encoding="utf-8")
    return str(tmp_path / "old.sql"), str(tmp_path / "new.sql")


def test_json_columns_carry_their_definitions(tmp_path: Path) -> None:
    doc = validated(run(*_pair(tmp_path), "-q", "-f", "json").stdout)
    changes = {c["key"]: c for c in doc["changes"]}
    cols = {c["name"]: c for c in changes["table:public.t"]["columns"]}
    a = cols["a"]
    assert a["operation"] == "alter" and "type: 'integer' -> 'bigint'" in a["reasons"]
    assert a["definition"] == {
        "type": "bigint", "nullable": False, "default": "0", "generated": None,
        "generated_stored": None, "collation": None, "options": {}, "comment": None,
        "sql": "bigint NOT NULL DEFAULT 0",
    }  # fmt: skip
    assert a["old_definition"]["type"] == "integer" and a["old_definition"]["default"] is None
    c = cols["c"]
    assert c["operation"] == "create" and "old_definition" not in c
    assert c["definition"]["type"] == "numeric(10,2)" and c["definition"]["nullable"] is True
    assert "a * 2" in c["definition"]["generated"] and c["definition"]["generated_stored"] is True
    assert cols["b"]["operation"] == "drop" and cols["b"]["definition"]["type"] == "text"
    # a dropped table lists the columns it loses, as they were
    gone = {c["name"]: c["definition"] for c in changes["table:public.gone"]["columns"]}
    assert gone["id"]["sql"] == "bigint NOT NULL" and gone["note"]["default"] == "'x'"


def test_json_changed_body_is_a_unified_diff(tmp_path: Path) -> None:
    doc = validated(run(*_pair(tmp_path), "-q", "-f", "json").stdout)
    f = next(c for c in doc["changes"] if c["key"] == "function:public.f(integer)")
    [body] = f["diffs"]
    assert body["field"] == "body"
    lines = body["diff"].splitlines()
    assert lines[:2] == ["--- old body", "+++ new body"] and lines[2].startswith("@@ ")
    assert "-    RETURN x;" in lines and "+    RETURN x * 2;" in lines
    assert "   IF x > 0 THEN" in lines  # context around the change


def test_markdown_shows_definitions_and_body_diffs(tmp_path: Path) -> None:
    md = run(*_pair(tmp_path), "-q", "-f", "markdown").stdout
    # the report's order is kept: severity counts first
    assert md.index("| critical | high | medium | low |") < md.index("## Changes")
    assert (
        "- column ~ `a`: `integer NOT NULL` -> `bigint NOT NULL DEFAULT 0`\n  - type: 'integer' -> 'bigint'"
    ) in md
    assert "- column + `c`: `numeric(10,2) GENERATED ALWAYS AS (" in md
    assert "- column - `b` (was `text`)" in md
    assert "- column - `note` (was `text DEFAULT 'x'`)" in md
    section = md[md.index("### ~ function:public.f(integer)"):]
    assert "`body` changed:\n\n```diff\n--- old body\n+++ new body\n@@ " in section
    assert "\n-    RETURN x;\n+    RETURN x * 2;\n" in section
    assert "- body: " not in md  # not as two long lines


def test_view_trigger_policy_bodies_are_diffs() -> None:
    """Fixtures of both dialects: a view's query, a trigger's action, a policy's expressions."""
    cases = {
        ("postgres", "view_alter_query"): "query",
        ("postgres", "policy_alter_using"): "using",
        ("mysql", "trigger_change"): "action",
        ("mysql", "event_change"): "body",
    }
    for (dialect, name), field in cases.items():
        case = FIXTURES / dialect / name
        args = (str(case / "old.sql"), str(case / "new.sql"), "-q", "-d", dialect)
        doc = validated(run(*args, "-f", "json").stdout)
        diffs = [d for c in doc["changes"] for d in c.get("diffs", ()) if d["field"] == field]
        assert diffs, (name, field)
        assert all(d["diff"].startswith(f"--- old {field}\n+++ new {field}\n@@ ") for d in diffs)
        md = run(*args, "-f", "markdown").stdout
        assert f"`{field}` changed:\n\n```diff\n--- old {field}" in md, name
        assert f"\n- {field}: " not in md, name


def test_dialect_attributes_of_a_column(tmp_path: Path) -> None:
    """What only a dialect has (an identity, AUTO_INCREMENT, ON UPDATE) is part of the definition."""
    (tmp_path / "old.sql").write_text("CREATE TABLE t (a int);\n", encoding="utf-8")
    (tmp_path / "new.sql").write_text(
        "CREATE TABLE t (a int, id bigint GENERATED ALWAYS AS IDENTITY);\n", encoding="utf-8"
    )
    args = (str(tmp_path / "old.sql"), str(tmp_path / "new.sql"), "-q")
    doc = validated(run(*args, "-f", "json").stdout)
    [col] = [c for ch in doc["changes"] for c in ch.get("columns", ()) if c["name"] == "id"]
    assert col["definition"]["options"] == {"identity": {"always": True, "sequence": []}}
    md = run(*args, "-f", "markdown").stdout
    assert "- column + `id`: `bigint NOT NULL [identity: always=true, sequence=()]`" in md
    (tmp_path / "old.sql").write_text("CREATE TABLE t (a int) ENGINE=InnoDB;\n", encoding="utf-8")
    (tmp_path / "new.sql").write_text(
        "CREATE TABLE t (a int, u timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP) "
        "ENGINE=InnoDB;\n",
        encoding="utf-8",
    )
    doc = validated(run(*args, "-d", "mysql", "-f", "json").stdout)
    [col] = [c for ch in doc["changes"] for c in ch.get("columns", ()) if c["name"] == "u"]
    assert col["definition"]["options"] == {"on_update": {"expr": "current_timestamp()"}}
