"""Plan -> JSON for machines (a documented, versioned shape shared by every dialect)."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from ddlcompare.diff.changes import Alter, Change, Rename, key_of, verb
from ddlcompare.output.details import body_diffs, column_changes, column_definition
from ddlcompare.output.summary import counts, severity_counts
from ddlcompare.plan.hazards import Hazard
from ddlcompare.plan.plan import Plan

FORMAT_VERSION = 2  # 2: severity low..critical, hazards, summary.severity, target
SCHEMA_FILE = "diff.schema.json"  # the published JSON Schema (draft 2020-12) of the document, packaged


def json_schema() -> str:
    """The JSON Schema of what `render_json` writes, as shipped in the package."""
    return resources.files(__package__ or "ddlcompare.output").joinpath(SCHEMA_FILE).read_text("utf-8")


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    """The JSON document as plain data."""
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
                "hazards": [_hazard(h) for h in s.hazards],
                "reason": s.reason or None,
                "forward": [st.sql for st in s.forward],
                "rollback": [st.sql for st in s.rollback],
                "destructive": any(st.destructive for st in s.forward),
            }
        )
    doc = {
        "format_version": FORMAT_VERSION,
        "dialect": plan.dialect,
        "target": str(plan.target) if plan.target else None,
        "summary": {**counts(plan), "severity": severity_counts(plan)},
        "changes": [_change(ch) for ch in plan.changes],
        "steps": steps,
        "warnings": [
            {
                "message": w.message,
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
                "why": s.why,
            }
            for s in plan.suggestions
        ]
    return doc


def _hazard(h: Hazard) -> dict[str, Any]:
    d: dict[str, Any] = {"code": h.code.value, "message": h.message}
    if h.lock:
        d["lock"] = h.lock
    return d


def _change(ch: Change) -> dict[str, Any]:
    k = key_of(ch)
    d: dict[str, Any] = {"key": str(k), "kind": k.kind, "operation": verb(ch)}
    if isinstance(ch, Rename):
        d["reasons"] = list(ch.reasons)
        if ch.part:
            d[ch.part] = {"old": ch.before, "new": ch.after}
        else:
            d["old_key"] = str(ch.old.key)
    if isinstance(ch, Alter):
        d["reasons"] = list(ch.reasons)
        d["diffs"] = [{"field": b.field, "diff": b.text} for b in body_diffs(ch)]
    columns = column_changes(ch)
    if isinstance(ch, Alter) or columns:
        d["columns"] = [
            {
                "name": col.name,
                "operation": op,
                "reasons": list(reasons),
                "definition": column_definition(col),
                **({"old_definition": column_definition(old)} if old is not None else {}),
            }
            for op, col, old, reasons in columns
        ]
    return d


def render_json(plan: Plan) -> str:
    return json.dumps(plan_to_dict(plan), indent=2, sort_keys=False) + "\n"
