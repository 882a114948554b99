"""Plan -> Markdown review report: the severity summary first, then every change with its hazards
and the statements that carry them."""

from __future__ import annotations

import re

from ddlcompare.diff.changes import Alter, Create, Drop, key_of, verb
from ddlcompare.output.details import body_diffs, column_changes, column_sql, other_reasons
from ddlcompare.output.summary import Reviewed, counts, reviewed, severity_counts
from ddlcompare.plan.hazards import Severity
from ddlcompare.plan.plan import Plan
from ddlcompare.source import printable

_COUNTED = ("create", "drop", "alter", "rebuilt", "destructive", "warnings")
_ICON = {"create": "+", "drop": "-", "alter": "~", "rename": ">"}


def render_markdown(plan: Plan) -> str:
    """Severity counts, change counts, every change with its hazards, and what was not migrated."""
    n = counts(plan)
    sev = severity_counts(plan)
    out = [f"# Schema diff report ({plan.dialect})"]
    out += [
        f"- {side}: `{printable(s.source)}`" for side, s in (("old", plan.old), ("new", plan.new)) if s.source
    ]
    if plan.target is not None:
        out.append(f"- hazards judged for: `{plan.target}` ({plan.target.origin or 'given'})")
    if len(out) > 1:
        out.insert(1, "")
    out += [
        "",
        "| critical | high | medium | low |",
        "|---:|---:|---:|---:|",
        "| " + " | ".join(str(sev[str(s)]) for s in sorted(Severity, reverse=True)) + " |",
        "",
        "| create | drop | alter | rebuilt | destructive statements | warnings |",
        "|---:|---:|---:|---:|---:|---:|",
        "| " + " | ".join(str(n[k]) for k in _COUNTED) + " |",
        "",
    ]
    if not plan.changes:
        out.append("No differences.")
    else:
        out += ["## Changes", ""]
        for r in sorted(reviewed(plan), key=lambda r: -r.severity):
            out += _change(r)
    if plan.suggestions:
        out += _suggestions(plan)
    warnings = [*plan.old.warnings, *plan.new.warnings]
    if warnings:
        out += ["## Not migrated automatically", ""]
        out += [f"- {w}" for w in warnings]
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def _suggestions(plan: Plan) -> list[str]:
    """Dropped + added pairs that look like renames: nothing is renamed without the option."""
    out = [
        "## Rename suggestions",
        "",
        "Dropped and added as planned above; to rename instead, keeping the data, run again with the option:",
        "",
        "| score | option | why |",
        "|---:|---|---|",
    ]
    out += [f"| {s.score:.2f} | `{s.hint.option}` | {s.why} |" for s in plan.suggestions]
    out.append("")
    return out


def _change(r: Reviewed) -> list[str]:
    ch = r.change
    lines = [f"### {_ICON[verb(ch)]} {key_of(ch)}  **{r.severity}**", ""]
    diffs = body_diffs(ch)
    if isinstance(ch, Alter):
        lines += [f"- {x}" for x in other_reasons(ch, diffs)]
    elif isinstance(ch, Create):
        lines.append("- created")
    elif isinstance(ch, Drop):
        lines.append("- dropped")
    else:
        lines += [f"- {x} (data kept)" for x in ch.reasons]
    for op, col, old, reasons in column_changes(ch):
        if op == "drop":
            lines.append(f"- column {_ICON[op]} {_code(col.name)} (was {_code(column_sql(col))})")
        elif old is not None:
            was, now = _code(column_sql(old)), _code(column_sql(col))
            lines.append(f"- column {_ICON[op]} {_code(col.name)}: {was} -> {now}")
            lines += [f"  - {x}" for x in reasons]
        else:
            lines.append(f"- column {_ICON[op]} {_code(col.name)}: {_code(column_sql(col))}")
    for step in r.steps:
        if step.reason:
            lines.append(f"- `{step.key}` ({verb(step.change)}): {step.reason}")
    for d in diffs:  # a changed body as a unified diff, not as two long lines
        fence = _fence(d.text)
        lines += [*([""] if lines[-1] else []), f"{_code(d.field)} changed:", ""]
        lines += [f"{fence}diff", *d.lines, fence]
    if r.hazards:
        lines += ["", "Hazards:", ""]
        lines += [f"- **{h.code.value}** ({h.severity}): {h.message}" for h in r.hazards]
    carrying = [st for step in r.steps for st in step.forward if st.hazards]
    if carrying:
        lines += ["", "Statements that carry them:", "", "```sql"]
        for st in carrying:
            lines.append(f"-- {', '.join(h.code.value for h in st.hazards)}")
            lines.append(st.sql)
        lines.append("```")
    # --online: a dialect may attach the command lines of online schema-change tools to a statement
    # that copies its table (MySQL: gh-ost, pt-online-schema-change)
    tools = [cmd for st in carrying for cmd in getattr(st, "online_tools", ())]
    if tools:
        lines += ["", _TOOLS, "", "```sh", *tools, "```"]
    lines.append("")
    return lines


def _code(text: str) -> str:
    """`text` as inline code, however many backticks it holds."""
    run = max((len(m) for m in _BACKTICKS.findall(text)), default=0)
    ticks = "`" * (run + 1)
    pad = " " if run or text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def _fence(text: str) -> str:
    """A code fence longer than any run of backticks in `text`."""
    run = max((len(m) for m in _BACKTICKS.findall(text)), default=0)
    return "`" * max(3, run + 1)


_BACKTICKS = re.compile(r"`+")

_TOOLS = (
    "Online alternatives to the copies above, for tools you run yourself (ddlcompare runs neither; "
    "`$DB` is the database the script runs in). gh-ost refuses tables with foreign keys or triggers, "
    "and both tools need a PRIMARY KEY or UNIQUE key that both sides share:"
)
