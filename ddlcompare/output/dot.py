"""Plan -> Graphviz DOT: the steps of the plan, the objects around them, and the dependencies that
ordered the plan; and DOT -> SVG through Graphviz's `dot` when it is installed."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass

from ddlcompare.diff.changes import Drop, verb
from ddlcompare.errors import DdlError
from ddlcompare.model.base import ObjectKey, SchemaObject
from ddlcompare.output.impact import both_sides, plan_dependents
from ddlcompare.plan.plan import Plan, Step
from ddlcompare.source import printable

# border and text colour by operation, fill colour by severity
_COLOR = {"create": "darkgreen", "drop": "red3", "alter": "darkorange", "rename": "blue"}
_FILL = {"critical": "#f4a6a6", "high": "#f9cb9c", "medium": "#ffe599", "low": "#d9ead3"}
_SHAPE = {"create": "box", "drop": "octagon", "alter": "box", "rename": "cds"}

DOT_ENV = "DDLCOMPARE_DOT"  # names the Graphviz `dot` to run (else `dot` on PATH)
# Graphviz lays out 5,000 nodes in about 20 s and larger graphs in minutes, and an SVG of that many
# boxes is no picture to read: beyond this, only the DOT file is written
SVG_MAX_NODES = 2000


@dataclass(frozen=True, slots=True)
class _Node:
    id: str
    key: ObjectKey
    attrs: str


def render_dot(plan: Plan, full: bool = False) -> str:
    """One node per step, distinct for a drop and a re-create of one object (coloured by operation,
    filled by severity), one per object the changed ones depend on or that depends on them (or
    every object of both sides when `full`), clusters by schema, and edges from what must come
    first to what follows: the plan's ordering (solid), an object dropped along with another
    (dashed), and the dependencies of unchanged objects (grey)."""
    step_ids = _step_ids(plan.steps)
    nodes = [_step_node(s, step_ids[i]) for i, s in enumerate(plan.steps)]
    # the node that stands for a changed object in edges to unchanged ones: its last step (the
    # re-create of a drop + create, the object as the migration leaves it)
    final: dict[ObjectKey, str] = {}
    for i, s in enumerate(plan.steps):
        final[s.key] = step_ids[i]

    edges: set[tuple[str, str, str]] = set()
    for i, s in enumerate(plan.steps):
        for j in s.after:
            edges.add((step_ids[j], step_ids[i], ""))
        if s.implied_by is not None:
            edges.add((step_ids[s.implied_by], step_ids[i], 'style="dashed", label="drops with it"'))

    objects = both_sides(plan)
    dependents = plan_dependents(plan)
    around: set[ObjectKey] = set(objects) - set(final) if full else set()
    if not full:
        for s in plan.steps:
            around.update(_depends_on(s))
            around.update(dependents.get(s.key, ()))
        around.difference_update(final)
        around.intersection_update(objects)
    context = {k: f"object:{k}" for k in around}
    for k in sorted(around, key=str):
        nodes.append(_Node(context[k], k, _context_attrs(k)))

    def node_of(k: ObjectKey) -> str | None:
        return final.get(k) or context.get(k)

    grey = 'color="grey55", style="dashed"'
    for k in sorted(around, key=str):  # unchanged objects: their dependencies, and their dependents
        for dep in objects[k].depends_on:
            a = node_of(dep)
            if a is not None:
                edges.add((a, context[k], grey))
        for dependent in dependents.get(k, ()):
            b = node_of(dependent)
            if b is not None and dependent not in around:
                edges.add((context[k], b, grey))
    for i, s in enumerate(plan.steps):  # a changed object on an unchanged one
        for dep in _depends_on(s):
            if dep in context:
                edges.add((context[dep], step_ids[i], grey))

    lines = [
        "digraph ddlcompare {",
        "  rankdir=LR;",
        '  node [fontname="monospace", fontsize=10];',
        '  edge [fontname="monospace", fontsize=9];',
    ]
    by_schema: dict[str, list[_Node]] = {}
    for n in nodes:
        by_schema.setdefault(n.key.schema if n.key.kind != "schema" else "", []).append(n)
    for schema in sorted(by_schema):
        members = by_schema[schema]
        if schema:
            lines.append(f"  subgraph {_q('cluster_' + schema)} {{")
            lines.append(f'    label={_q(schema)}; style="rounded"; color="grey70";')
        indent = "    " if schema else "  "
        lines += [f"{indent}{_q(n.id)} [{n.attrs}];" for n in members]
        if schema:
            lines.append("  }")
    for a, b, attrs in sorted(edges):
        lines.append(f"  {_q(a)} -> {_q(b)}" + (f" [{attrs}];" if attrs else ";"))
    lines.append("}")
    return "\n".join(lines) + "\n"


def _step_ids(steps: Iterable[Step]) -> list[str]:
    """`operation:key`, numbered from the second step of the same operation on one key."""
    ids: list[str] = []
    seen: dict[str, int] = {}
    for s in steps:
        base = f"{verb(s.change)}:{s.key}"
        n = seen[base] = seen.get(base, 0) + 1
        ids.append(base if n == 1 else f"{base}#{n}")
    return ids


def _step_node(s: Step, node_id: str) -> _Node:
    op = verb(s.change)
    sev = str(s.severity)
    k = s.key
    label = _label(f"{op} {k.kind}", _display(k), sev + (" (rebuilt)" if s.reason else ""))
    style = "filled,dashed" if s.reason else "filled"
    attrs = (
        f"label={label}, shape={_SHAPE[op]}, color={_COLOR[op]}, fontcolor={_COLOR[op]}, "
        f'style="{style}", fillcolor="{_FILL[sev]}", penwidth={3 if sev == "critical" else 1}'
    )
    if s.reason:
        attrs += f", tooltip={_q(s.reason)}"
    return _Node(node_id, k, attrs)


def _context_attrs(k: ObjectKey) -> str:
    return (
        f"label={_label(k.kind, _display(k))}, shape=ellipse, "
        'color="grey55", fontcolor="grey35", style="dotted"'
    )


def _depends_on(s: Step) -> frozenset[ObjectKey]:
    obj = s.change.old if isinstance(s.change, Drop) else s.change.obj
    return obj.depends_on if isinstance(obj, SchemaObject) else frozenset()


def _display(k: ObjectKey) -> str:
    return ".".join(p for p in (k.parent, k.name) if p)


def _label(*lines: str) -> str:
    """A DOT label of lines (`\\n` in DOT is a line break; what the lines hold is escaped)."""
    return '"' + "\\n".join(_escape(x) for x in lines) + '"'


def _escape(text: object) -> str:
    return printable(str(text)).replace("\\", "\\\\").replace('"', '\\"')


def _q(text: object) -> str:
    """A DOT quoted string: names may hold quotes, backslashes and line breaks."""
    return '"' + _escape(text) + '"'


def too_large_for_svg(plan: Plan, full: bool = False) -> str | None:
    """Why the graph gets no SVG (too many nodes to lay out), or None."""
    n = len({*plan.old.objects, *plan.new.objects, *(s.key for s in plan.steps)}) if full else len(plan.steps)
    if n > SVG_MAX_NODES:
        return f"{n} nodes, more than the {SVG_MAX_NODES} Graphviz lays out in reasonable time"
    return None


def find_dot() -> str | None:
    """Graphviz's `dot`: the program DDLCOMPARE_DOT names, else `dot` on PATH; None when missing."""
    named = os.environ.get(DOT_ENV)
    if named:
        found = shutil.which(named)
        if found is None:
            raise DdlError(
                f"{DOT_ENV}={printable(named)}: no such program", hint="unset it or name Graphviz's dot"
            )
        return found
    return shutil.which("dot")


def render_svg(dot_text: str, dot: str) -> str:
    """`dot_text` laid out as SVG by the Graphviz program `dot` (same input and Graphviz, same
    bytes: it writes no timestamp)."""
    try:
        proc = subprocess.run(
            [dot, "-Tsvg"], input=dot_text.encode(), capture_output=True, check=False, timeout=300
        )
    except (OSError, subprocess.TimeoutExpired) as e:
        raise DdlError(f"{dot}: cannot run Graphviz: {e}") from None
    if proc.returncode != 0:
        err = printable(proc.stderr.decode(errors="replace").strip()[:500])
        raise DdlError(f"{dot}: Graphviz failed (exit {proc.returncode}): {err}")
    return proc.stdout.decode()
