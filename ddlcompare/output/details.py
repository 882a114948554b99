"""What a change is, in full, for the report and the JSON: a column's definition (type,
nullability, default, generated expression), and a unified diff of a changed body (a view's query,
a routine's body, a trigger's action, a policy's expressions) instead of its two versions on one
line each. Read from the Plan's changes (model objects); shared by the Markdown and JSON outputs."""

from __future__ import annotations

import dataclasses
import difflib
from dataclasses import dataclass
from typing import Any

from ddlcompare.diff.changes import Alter, Change, Create, Drop
from ddlcompare.model.base import Expr, field_values
from ddlcompare.model.objects import Column, Table
from ddlcompare.output.mask import MASKED_FIELDS, Masking

# fields that hold a body: shown as a unified diff whatever their length
_BODIES = frozenset({"query", "body", "action", "when", "using", "with_check", "definition"})
_CONTEXT = 3  # lines of context around each hunk


@dataclass(frozen=True, slots=True)
class BodyDiff:
    """One changed body: its field and the unified diff of its old and new text."""

    field: str
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def column_definition(col: Column, mask: Masking | None = None) -> dict[str, Any]:
    """A column's definition as plain data, with `sql`: how a column definition spells it;
    its default, comment and the literals of its generated expression masked with `mask`."""
    return {
        "type": col.type,
        "nullable": col.nullable,
        "default": _masked(_text(col.default), mask),
        "generated": _literals(_text(col.generated), mask),
        "generated_stored": col.generated_stored if col.generated is not None else None,
        "collation": col.collation,
        "options": {o.KIND: {k: _plain(v) for k, v in field_values(o)} for o in col.options},
        "comment": _masked(col.comment, mask),
        "sql": column_sql(col, mask),
    }


def column_sql(col: Column, mask: Masking | None = None) -> str:
    """`type [COLLATE c] [NOT NULL] [DEFAULT e] [GENERATED ALWAYS AS (e) STORED|VIRTUAL]`: the
    column's definition as its statement would write it (the type and expressions as the source
    spells them)."""
    out = [col.type]
    if col.collation:
        out.append(f"COLLATE {col.collation}")
    if not col.nullable:
        out.append("NOT NULL")
    if col.default is not None:
        out.append(f"DEFAULT {_masked(_text(col.default), mask)}")
    if col.generated is not None:
        kind = "STORED" if col.generated_stored else "VIRTUAL"
        out.append(f"GENERATED ALWAYS AS ({_literals(_text(col.generated), mask)}) {kind}")
    # the dialect's own attributes (identity, AUTO_INCREMENT, ON UPDATE, ...), by their option kind
    for o in col.options:
        values = ", ".join(f"{k}={_shown(v)}" for k, v in field_values(o))
        out.append(f"[{o.KIND}{f': {values}' if values else ''}]")
    return " ".join(out)


ColumnChange = tuple[str, Column, Column | None, tuple[str, ...]]


def column_changes(ch: Change, mask: Masking | None = None) -> list[ColumnChange]:
    """(operation, column, its old version (alters), reasons) of each column a change touches:
    an altered table's column changes, every column of a created or dropped table; the reasons
    masked with `mask`."""
    if isinstance(ch, Alter):
        out: list[ColumnChange] = []
        for c in ch.children:
            col = c.obj
            if not isinstance(col, Column):
                continue
            if isinstance(c, Alter):
                assert isinstance(c.old, Column)
                out.append(("alter", col, c.old, masked_reasons(c.reasons, mask)))
            else:
                out.append(("create" if isinstance(c, Create) else "drop", col, None, ()))
        return out
    if isinstance(ch, Create | Drop) and isinstance(ch.obj, Table):
        op = "create" if isinstance(ch, Create) else "drop"
        return [(op, col, None, ()) for col in ch.obj.columns]
    return []


def body_diffs(ch: Change, mask: Masking | None = None) -> tuple[BodyDiff, ...]:
    """Unified diffs of the bodies an alter changes (and of any other changed text that runs over
    several lines); none for other changes. With `mask`: none of a masked field (its reason says
    that it changed), and the literals of the others' lines masked."""
    if not isinstance(ch, Alter) or type(ch.old) is not type(ch.new):
        return ()
    out = []
    for f in dataclasses.fields(ch.old):
        if not f.compare or f.name in ("columns", "options"):
            continue
        a, b = getattr(ch.old, f.name), getattr(ch.new, f.name)
        if a == b or not _textual(a) or not _textual(b):
            continue
        old, new = _text(a) or "", _text(b) or ""
        if f.name not in _BODIES and "\n" not in old + new:
            continue
        if mask is not None:
            if f.name in MASKED_FIELDS:
                continue
            old, new = mask.literals(old, numbers=True), mask.literals(new, numbers=True)
            if old == new:  # only literals changed: the reason says that it changed
                continue
        lines = difflib.unified_diff(
            old.splitlines(), new.splitlines(), f"old {f.name}", f"new {f.name}", n=_CONTEXT, lineterm=""
        )
        out.append(BodyDiff(f.name, tuple(lines)))
    return tuple(out)


def other_reasons(ch: Alter, diffs: tuple[BodyDiff, ...], mask: Masking | None = None) -> tuple[str, ...]:
    """The alter's reasons but those its body diffs show, masked with `mask`."""
    shown = tuple(f"{d.field}: " for d in diffs)
    reasons = tuple(r for r in ch.reasons if not r.startswith(shown)) if shown else ch.reasons
    return masked_reasons(reasons, mask)


def masked_reasons(reasons: tuple[str, ...], mask: Masking | None) -> tuple[str, ...]:
    return reasons if mask is None else tuple(mask.reason(r) for r in reasons)


def _masked(text: str | None, mask: Masking | None) -> str | None:
    return text if mask is None else mask.value(text)


def _literals(text: str | None, mask: Masking | None) -> str | None:
    return text if mask is None or text is None else mask.literals(text, numbers=True)


def _plain(value: object) -> Any:
    """A field value as JSON data: expressions as written, tuples as lists."""
    if isinstance(value, Expr):
        return value.text
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value if value is None or isinstance(value, str | int | float | bool) else str(value)


def _shown(value: object) -> str:
    if isinstance(value, tuple):
        return "(" + ", ".join(_shown(v) for v in value) + ")"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(_plain(value))


def _textual(value: object) -> bool:
    return value is None or isinstance(value, str | Expr)


def _text(value: Expr | str | None) -> str | None:
    if value is None:
        return None
    return value.text if isinstance(value, Expr) else value

