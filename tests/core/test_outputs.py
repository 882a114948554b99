"""Markdown, JSON and DOT renderings of a plan."""

from __future__ import annotations

from ddlcompare.diff.compare import diff
from ddlcompare.model.base import Schema
from ddlcompare.model.objects import Column, Table
from ddlcompare.output.dot import render_dot
from ddlcompare.output.json import FORMAT_VERSION, render_json
from ddlcompare.output.markdown import render_markdown
from ddlcompare.plan.plan import make_plan
from tests.core.test_plan import Hooks, render, tbl, view
from tests.support.diffjson import validated


def _plan():  # type: ignore[no-untyped-def]
    old = Schema("test", {t.key: t for t in (tbl("gone", "a"), tbl("t", "a"))})
    t2 = Table(schema="s", name="t", columns=(Column(name="a", type="bigint"), Column(name="b", type="int")))
    v = view("v", "t")
    new = Schema("test", {o.key: o for o in (t2, v)})
    return make_plan(old, new, diff(old, new), Hooks(), render)


def test_json_shape() -> None:
    doc = validated(render_json(_plan()))
    assert doc["format_version"] == FORMAT_VERSION and doc["dialect"] == "test"
    assert doc["summary"]["create"] == 1 and doc["summary"]["drop"] == 1 and doc["summary"]["alter"] == 1
    assert doc["summary"]["destructive"] == 1
    alter = next(c for c in doc["changes"] if c["operation"] == "alter")
    assert alter["key"] == "table:s.t"
    assert {c["name"]: c["operation"] for c in alter["columns"]} == {"a": "alter", "b": "create"}
    gone = [s for s in doc["steps"] if s["key"] == "table:s.gone"]
    assert [s["severity"] for s in gone] == ["critical"]
    assert gone[0]["hazards"] == [{"code": "data_loss", "message": "drops it"}]
    assert doc["summary"]["severity"] == {"critical": 1, "high": 0, "medium": 0, "low": 2}


def test_markdown_lists_every_change_with_reasons() -> None:
    md = render_markdown(_plan())
    assert md.startswith("# Schema diff report (test)")
    # the severity counts come first: a reviewer reads them before anything else
    assert md.index("| critical | high | medium | low |") < md.index("| create | drop |")
    assert "| 1 | 0 | 0 | 2 |" in md and "| 1 | 1 | 1 | 0 | 1 | 0 |" in md
    assert "### ~ table:s.t  **low**" in md and "  - type: 'int' -> 'bigint'" in md
    # each column change with its definition (the altered one: as it was and as it is)
    assert "- column ~ `a`: `int` -> `bigint`\n  - type: 'int' -> 'bigint'" in md
    assert "- column + `b`: `int`" in md
    # the critical change is listed first, with its hazard and the statements that apply it
    assert md.index("### - table:s.gone  **critical**") < md.index("### ~ table:s.t")
    assert "- **data_loss** (critical): drops it" in md
    assert "-- data_loss [DESTRUCTIVE, held back]\nDROP table:s.gone;" in md


def test_dot_has_a_node_per_step_and_dependency_edges() -> None:
    dot = render_dot(_plan())
    assert dot.startswith("digraph ddlcompare {") and dot.rstrip().endswith("}")
    # the view depends on the table: ordered after it, an edge between the two steps
    assert '"alter:table:s.t" -> "create:view:s.v";' in dot
    steps = _plan().steps
    assert sum(f'"{type(s.change).__name__.lower()}:{s.key}" [label=' in dot for s in steps) == len(steps)
    assert 'subgraph "cluster_s" {' in dot and 'fillcolor="#f4a6a6"' in dot  # a critical drop
