"""Plan -> Markdown review report."""

from __future__ import annotations

from ddlcompare.diff.changes import Alter, Change, Create, Drop, key_of, verb
from ddlcompare.output.summary import counts
from ddlcompare.plan.plan import Plan, Step
from ddlcompare.source import printable

_ICON = {"create": "+", "drop": "-", "alter": "~"}


def render_markdown(plan: Plan) -> str:
    """Counts, every change per object with its reasons and severity, and what was not migrated."""
    n = counts(plan)
    out = [
        f"# Schema diff report ({plan.dialect})",
        "",
        f"- old: `{printable(plan.old.source)}`" if plan.old.source else "",
        f"- new: `{printable(plan.new.source)}`" if plan.new.source else "",
        "",
        "| create | drop | alter | destructive statements | warnings |",
        "|---:|---:|---:|---:|---:|",
        f"| {n['create']} | {n['drop']} | {n['alter']} | {n['destructive']} | {n['warnings']} |",
        "",
    ]
    out = [line for i, line in enumerate(out) if line or i not in (2, 3)]
    if not plan.changes:
        out.append("No differences.")
    else:
        out += ["## Changes", ""]
        steps = {id(s.change): s for s in plan.steps}
        for ch in plan.changes:
            out += _change(ch, steps.get(id(ch)))
        extra = [s for s in plan.steps if s.reason]
        if extra:
            out += ["## Rebuilt around other changes", ""]
            out += [f"- `{s.key}` ({verb(s.change)}): {s.reason}" for s in extra]
            out.append("")
    warnings = [*plan.old.warnings, *plan.new.warnings]
    if warnings:
        out += ["## Not migrated automatically", ""]
        out += [f"- {w}" for w in warnings]
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def _change(ch: Change, step: Step | None) -> list[str]:
    severity = step.severity if step else "warning"
    lines = [f"### {_ICON[verb(ch)]} {key_of(ch)}  _{severity}_", ""]
    if isinstance(ch, Alter):
        lines += [f"- {r}" for r in ch.reasons]
        for child in ch.children:
            lines.append(f"- column {_ICON[verb(child)]} `{child.obj.name}`")
            if isinstance(child, Alter):
                lines += [f"  - {r}" for r in child.reasons]
    elif isinstance(ch, Create):
        lines.append("- created")
    elif isinstance(ch, Drop):
        lines.append("- dropped")
    lines.append("")
    return lines
