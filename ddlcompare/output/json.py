"""Plan -> JSON for machines (a documented, versioned shape shared by every dialect)."""

from __future__ import annotations

import json
from collections.abc import Callable
from importlib import resources
from typing import Any

from ddlcompare.diff.changes import Alter, Change, Rename, key_of, verb
from ddlcompare.output.details import body_diffs, column_changes, column_definition, masked_reasons
from ddlcompare.output.impact import Impact, impacts
from ddlcompare.output.mask import Masking
from ddlcompare.output.summary import counts, severity_counts
from ddlcompare.plan.hazards import Hazard
from ddlcompare.plan.plan import Plan

FORMAT_VERSION = 3  # 2: severity low..critical, hazards, summary.severity, target; 3: impact, masked
SCHEMA_FILE = "diff.schema.json"  # the published JSON Schema (draft 2020-12) of the document, packaged


def json_schema() -> str:
    """The JSON Schema of what `render_json` writes, as shipped in the package."""
    return resources.files(__package__ or "ddlcompare.output").joinpath(SCHEMA_FILE).read_text("utf-8")


def plan_to_dict(plan: Plan, mask: Masking | None = None) -> dict[str, Any]:
    """The JSON document as plain data; with `mask`, without the values --mask hides."""

    def sql(text: str, kind: str) -> str:
        return text if mask is None else mask.statement(text, kind)

    def literals(text: str) -> str:
        return text if mask is None else mask.literals(text)

    impact = impacts(plan)
    steps = []
    for s in plan.steps:
        k = s.key
        steps.append(
            {
                "key": str(k),
                "kind": k.kind,
                "schema": k.schema,
                "parent": k.parent or None,
                "name": k.name,
                "operation": verb(s.change),
                "severity": str(s.severity),
                "hazards": [_hazard(h, literals) for h in s.hazards],
                "reason": s.reason or None,
                "forward": [sql(st.sql, k.kind) for st in s.forward],
                "rollback": [sql(st.sql, k.kind) for st in s.rollback],
                "destructive": any(st.destructive for st in s.forward),
            }
        )
    doc = {
        "format_version": FORMAT_VERSION,
        "dialect": plan.dialect,
        "target": str(plan.target) if plan.target else None,
        "masked": mask is not None,
        "summary": {**counts(plan), "severity": severity_counts(plan)},
        "changes": [_change(ch, impact[key_of(ch)], mask) for ch in plan.changes],
        "steps": steps,
        "warnings": [
            {
                "message": literals(w.message),
                "file": w.pos.path if w.pos else None,
                "line": w.pos.line if w.pos else None,
            }
            for w in (*plan.old.warnings, *plan.new.warnings)
        ],
    }
    if plan.suggestions:  # only then: documents without renames stay as they were
        doc["rename_suggestions"] = [
            {
                "option": s.hint.option,
                "kind": s.hint.kind,
                "old": s.hint.old,
                "new": s.hint.new,
                "score": s.score,
                "why": literals(s.why),
            }
            for s in plan.suggestions
        ]
    return doc


def _hazard(h: Hazard, literals: Callable[[str], str]) -> dict[str, Any]:
    d: dict[str, Any] = {"code": h.code.value, "message": literals(h.message)}
    if h.lock:
        d["lock"] = h.lock
    return d


def _change(ch: Change, impact: Impact, mask: Masking | None) -> dict[str, Any]:
    k = key_of(ch)
    size = impact.size
    d: dict[str, Any] = {
        "key": str(k),
        "kind": k.kind,
        "operation": verb(ch),
        "impact": {
            "dependents": [str(x) for x in impact.dependents],
            "table": ".".join(p for p in impact.table if p) if impact.table else None,
            "rows": size.rows if size is not None else None,
            "bytes": size.bytes if size is not None else None,
        },
    }
    if isinstance(ch, Rename):
        d["reasons"] = list(masked_reasons(ch.reasons, mask))
        if ch.part:
            d[ch.part] = {"old": ch.before, "new": ch.after}
        else:
            d["old_key"] = str(ch.old.key)
    if isinstance(ch, Alter):
        d["reasons"] = list(masked_reasons(ch.reasons, mask))
        d["diffs"] = [{"field": b.field, "diff": b.text} for b in body_diffs(ch, mask)]
    columns = column_changes(ch, mask)
    if isinstance(ch, Alter) or columns:
        d["columns"] = [
            {
                "name": col.name,
                "operation": op,
                "reasons": list(reasons),
                "definition": column_definition(col, mask),
                **({"old_definition": column_definition(old, mask)} if old is not None else {}),
            }
            for op, col, old, reasons in columns
        ]
    return d


def render_json(plan: Plan, mask: Masking | None = None) -> str:
    return json.dumps(plan_to_dict(plan, mask), indent=2, sort_keys=False) + "\n"
