"""Plan -> Graphviz DOT: changed objects and the dependencies that order them."""

from __future__ import annotations

from ddlcompare.diff.changes import verb
from ddlcompare.plan.plan import Plan
from ddlcompare.source import printable

_COLOR = {"create": "darkgreen", "drop": "red3", "alter": "darkorange", "rename": "blue"}


def render_dot(plan: Plan) -> str:
    """One node per step (colour by operation), edges from dependency to dependent."""
    keys = {s.key for s in plan.steps}
    lines = ["digraph ddlcompare {", "  rankdir=LR;", '  node [shape=box, fontname="monospace"];']
    for s in plan.steps:
        op = verb(s.change)
        style = ', style="dashed"' if s.reason else ""
        lines.append(f'  {_id(s.key)} [label={_id(f"{op} {s.key}")}, color={_COLOR[op]}{style}];')
    edges = set()
    for s in plan.steps:
        obj = s.change.obj
        for d in getattr(obj, "depends_on", ()):
            if d in keys:
                edges.add((str(d), str(s.key)))
    lines += [f"  {_id(a)} -> {_id(b)};" for a, b in sorted(edges)]
    lines.append("}")
    return "\n".join(lines) + "\n"


def _id(text: object) -> str:
    """A DOT quoted string: names may hold quotes, backslashes and line breaks."""
    escaped = str(text).replace("\\", "\\\\").replace('"', '\\"')
    return '"' + printable(escaped) + '"'
