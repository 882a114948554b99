"""MySQL/MariaDB: which hazards each rendered statement carries, for the target server version."""

from __future__ import annotations

from ddlcompare.diff.changes import Change, Drop
from ddlcompare.model.base import SchemaObject
from ddlcompare.model.objects import Routine, Table, View
from ddlcompare.plan.hazards import Hazard, HazardCode
from ddlcompare.plan.plan import RenderContext, Statement

H = HazardCode


def hazards(st: Statement, change: Change, ctx: RenderContext) -> tuple[Hazard, ...]:
    """The hazards of one rendered statement."""
    out: list[Hazard] = []
    obj = change.obj
    recreated = isinstance(obj, SchemaObject) and obj.key in ctx.new.objects
    if isinstance(change, Drop) and isinstance(obj, Table) and not recreated:
        out.append(Hazard(H.DATA_LOSS, f"drops table {obj.display} and its rows"))
        out.append(Hazard(H.IRREVERSIBLE, f"the rollback re-creates {obj.display} empty"))
        out.append(Hazard(H.BREAKS_CLIENTS, f"drops table {obj.display}, which queries may use"))
    elif isinstance(change, Drop) and isinstance(obj, (View, Routine)) and not recreated:
        out.append(Hazard(H.BREAKS_CLIENTS, f"drops {obj.key.kind} {obj.display}, which clients may use"))
    elif st.destructive:
        out.append(Hazard(H.DATA_LOSS, st.note or "loses data"))
        out.append(Hazard(H.IRREVERSIBLE, "the rollback cannot bring back what this loses"))
    return tuple(out)
