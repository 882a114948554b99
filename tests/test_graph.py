"""The dependency graph (ddlcompare.output.dot): Graphviz renders every fixture's graph without a
warning, a drop and a re-create of one object are two nodes, and the plan's ordering is its edges."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ddlcompare.output.dot import render_dot
from ddlcompare.plan.plan import Plan
from tests.support.cli import run
from tests.support.golden import plan_case
from tests.support.graphviz import render

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CASES = sorted(
    p for d in ("postgres", "mysql") for p in (FIXTURES / d).iterdir() if (p / "new.sql").is_file()
)


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.parent.name}/{c.name}")
def test_every_fixture_graph_renders(case: Path) -> None:
    """`dot -Tsvg` renders the graph (changes and full) without error or warning; every step is a
    node of the SVG, and every dependency that ordered the plan an edge."""
    plan = plan_case(case)
    for full in (False, True):
        text = render_dot(plan, full=full)
        proc = render(text)
        assert proc.returncode == 0 and proc.stderr == b"", proc.stderr.decode()
        svg = proc.stdout.decode()
        titles = re.findall(r'<g id="node\d+" class="node">\s*<title>(.*?)</title>', svg)
        ids = _step_ids(plan)
        assert {_svg_text(i) for i in ids} <= set(titles)
        assert len([t for t in titles if not t.startswith("object:")]) == len(plan.steps)
        for i, s in enumerate(plan.steps):
            for j in s.after:
                assert f"{_dot_q(ids[j])} -> {_dot_q(ids[i])}" in text
        edges = re.findall(r'<g id="edge\d+" class="edge">', svg)
        assert len(edges) == text.count(" -> ")


def _step_ids(plan: Plan) -> list[str]:
    """`operation:key` of each step; a second step of one operation on one key gets `#2`."""
    ids: list[str] = []
    for s in plan.steps:
        base = f"{type(s.change).__name__.lower()}:{s.key}"
        ids.append(base if base not in ids else f"{base}#{sum(i.split('#')[0] == base for i in ids) + 1}")
    return ids


def _dot_q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _svg_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def test_drop_and_recreate_are_two_nodes() -> None:
    """A view rebuilt around a column type change: its drop and its re-create are distinct nodes
    (one id would make Graphviz merge them and the drop vanish), ordered drop -> alter -> create."""
    plan = plan_case(FIXTURES / "postgres" / "column_type_change_with_view")
    svg = render(render_dot(plan)).stdout.decode()
    assert "<title>drop:view:public.rich</title>" in svg
    assert "<title>create:view:public.rich</title>" in svg
    assert "<title>drop:view:public.rich&#45;&gt;alter:table:public.accounts</title>" in svg
    assert "<title>alter:table:public.accounts&#45;&gt;create:view:public.rich</title>" in svg
    # clustered by schema
    assert '<title>cluster_public</title>' in svg


def test_changes_graph_holds_neighbours_full_graph_holds_everything() -> None:
    """By default the graph holds the changed objects and the objects next to them; `full` holds
    every object of both sides."""
    plan = plan_case(FIXTURES / "postgres" / "column_type_change_with_view")
    changes, full = render_dot(plan), render_dot(plan, full=True)
    # view owners depends on the altered table: a neighbour, drawn as an unchanged object
    assert '"object:view:public.owners"' in changes
    assert '"alter:table:public.accounts" -> "object:view:public.owners"' in changes
    objects = {str(k) for k in (*plan.old.objects, *plan.new.objects)} - {str(s.key) for s in plan.steps}
    assert all(f'"object:{k}"' in full for k in objects)
    assert len(objects) > changes.count('"object:') // 2  # fewer in the changes graph
    assert render_dot(plan) == changes  # same input, same bytes


def test_graph_option_on_the_command_line() -> None:
    """`--format dot` prints the changes graph; `--graph full` adds every unchanged object."""
    case = FIXTURES / "postgres" / "column_type_change_with_view"
    args = (str(case / "old.sql"), str(case / "new.sql"), "-q", "-f", "dot")
    changes, full = run(*args).stdout, run(*args, "--graph", "full").stdout
    assert changes == render_dot(plan_case(case)) and full == render_dot(plan_case(case), full=True)
    assert changes.count('"object:') < full.count('"object:')
    bad = run(*args, "--graph", "all")
    assert bad.code == 2 and "--graph" in bad.stderr
