"""Counts and per-change safety shared by every output format."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ddlcompare.diff.changes import Change, Rename, key_of, verb
from ddlcompare.plan.hazards import Hazard, Severity, merged, severity_of
from ddlcompare.plan.plan import Plan, Step


@dataclass(frozen=True, slots=True)
class Reviewed:
    """One change as a reviewer sees it: the steps that apply it (with the dependents rebuilt
    around it) and their hazards."""

    change: Change
    steps: tuple[Step, ...]
    hazards: tuple[Hazard, ...]

    @property
    def severity(self) -> Severity:
        return severity_of(self.hazards)


def reviewed(plan: Plan) -> list[Reviewed]:
    """Every change of `plan` in diff order with its steps and hazards."""
    by_key: dict[object, list[Step]] = {}
    for st in plan.steps:
        by_key.setdefault(st.cause if st.cause is not None and st.reason else st.key, []).append(st)
    out = []
    for ch in plan.changes:
        # a rename is its own step; a table renamed and altered shares its key with the alter
        steps = tuple(
            s
            for s in by_key.get(key_of(ch), ())
            if s.change is ch or not (isinstance(s.change, Rename) or isinstance(ch, Rename))
        )
        out.append(Reviewed(ch, steps, merged(*(s.hazards for s in steps))))
    return out


def severity_counts(plan: Plan) -> dict[str, int]:
    """Changes per severity, highest first: what a reviewer reads before anything else."""
    c = Counter(r.severity for r in reviewed(plan))
    return {str(s): c[s] for s in sorted(Severity, reverse=True)}


def highest(plan: Plan) -> Severity | None:
    """The highest severity of any forward step (None without steps): what `--fail-on` compares."""
    return max((s.severity for s in plan.steps), default=None)


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
    """`3 to create, 1 to drop, 2 to alter (1 destructive); highest severity: critical` or
    `no differences`."""
    n = counts(plan)
    if not plan.changes:
        return "no differences"
    s = f"{n['create']} to create, {n['drop']} to drop, {n['alter']} to alter"
    renames = sum(1 for ch in plan.changes if verb(ch) == "rename")
    if renames:
        s += f", {renames} to rename"
    if n["destructive"]:
        s += f" ({n['destructive']} destructive statement(s))"
    top = highest(plan)
    if top is not None:
        s += f"; highest severity: {top}"
    return s
