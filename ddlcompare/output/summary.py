"""Counts shared by every output format."""

from __future__ import annotations

from collections import Counter

from ddlcompare.diff.changes import verb
from ddlcompare.plan.plan import Plan


def counts(plan: Plan) -> dict[str, int]:
    """Objects to create, drop and alter (as diffed, before rebuild expansion), and destructive statements."""
    c = Counter(verb(ch) for ch in plan.changes)
    return {
        "create": c["create"],
        "drop": c["drop"],
        "alter": c["alter"],
        "destructive": sum(1 for st in plan.steps for s in st.forward if s.destructive),
        "rebuilt": len({st.key for st in plan.steps if st.reason}),
        "warnings": len(plan.old.warnings) + len(plan.new.warnings),
    }


def one_line(plan: Plan) -> str:
    """`3 to create, 1 to drop, 2 to alter (1 destructive)` or `no differences`."""
    n = counts(plan)
    if not plan.changes:
        return "no differences"
    s = f"{n['create']} to create, {n['drop']} to drop, {n['alter']} to alter"
    if n["destructive"]:
        s += f" ({n['destructive']} destructive statement(s))"
    return s
