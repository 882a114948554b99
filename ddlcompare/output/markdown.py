"""Plan -> Markdown review report, in the order a reviewer reads it: the severity summary first;
the destructive statements and the steps held back with them; then every change with its full
definition, body diffs, impact (dependents, and the table's size when the old side is live),
hazards and the statements that apply it; rename suggestions; what was not migrated last."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ddlcompare.diff.changes import Alter, Create, Drop, key_of, verb
from ddlcompare.output.details import body_diffs, column_changes, column_sql, masked_reasons, other_reasons
from ddlcompare.output.impact import Impact, human_bytes, impacts
from ddlcompare.output.mask import MASK, Masking
from ddlcompare.output.sql import held_steps
from ddlcompare.output.summary import Reviewed, counts, reviewed, severity_counts
from ddlcompare.plan.hazards import Severity
from ddlcompare.plan.plan import Plan, Statement, Step
from ddlcompare.source import printable

_COUNTED = ("create", "drop", "alter", "rebuilt", "destructive", "warnings")
_ICON = {"create": "+", "drop": "-", "alter": "~", "rename": ">"}
_MAX_DEPENDENTS = 25  # listed by name; beyond, counted


def render_markdown(
    plan: Plan, *, mask: Masking | None = None, allow_destructive: bool = False, notes: Sequence[str] = ()
) -> str:
    """The review report of `plan`. `mask`: without the values --mask hides; `allow_destructive`:
    whether the script runs its destructive statements (else they are held back); `notes`: lines
    about the run for the header (an output that was not written, and why)."""
    n = counts(plan)
    sev = severity_counts(plan)
    out = [f"# Schema diff report ({plan.dialect})"]
    out += [
        f"- {side}: `{printable(s.source)}`" for side, s in (("old", plan.old), ("new", plan.new)) if s.source
    ]
    if plan.target is not None:
        out.append(f"- hazards judged for: `{plan.target}` ({plan.target.origin or 'given'})")
    if mask is not None:
        out.append(
            f"- masked (--mask): defaults, comments, routine bodies and the literals of statements and "
            f"CHECKs read `{MASK}`; the SQL files hold the real values"
        )
    out += [f"- {note}" for note in notes]
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
        out += _destructive(plan, mask, allow_destructive)
        out += ["## Changes", ""]
        impact = impacts(plan)
        for r in sorted(reviewed(plan), key=lambda r: -r.severity):
            out += _change(r, impact[key_of(r.change)], mask, allow_destructive)
    if plan.suggestions:
        out += _suggestions(plan, mask)
    warnings = [*plan.old.warnings, *plan.new.warnings]
    if warnings:
        out += ["## Not migrated automatically", ""]
        out += [f"- {_literals(str(w), mask)}" for w in warnings]
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def _destructive(plan: Plan, mask: Masking | None, allow_destructive: bool) -> list[str]:
    """The steps with destructive statements, and (by default) the steps held back with them."""
    if allow_destructive:
        picked = [i for i, s in enumerate(plan.steps) if any(st.destructive for st in s.forward)]
        intro = "These statements destroy data, and the forward script runs them (--allow-destructive):"
    else:
        picked = held_steps(plan)
        intro = (
            "The forward script holds these steps back (commented out): their statements destroy data, "
            "or need one that does. Review them, then run again with --allow-destructive to include them:"
        )
    if not picked:
        return []
    out = ["## Destructive statements and held-back steps", "", intro, ""]
    for i in picked:
        step = plan.steps[i]
        why = "destructive" if any(st.destructive for st in step.forward) else "held back with them"
        out.append(f"- {_code(str(step.key))} ({verb(step.change)}, {step.severity}): {why}")
    out += ["", "```sql"]
    for i in picked:
        step = plan.steps[i]
        out += [_sql(st, step, mask, allow_destructive) for st in step.forward]
    out += ["```", ""]
    return out


def _literals(text: str, mask: Masking | None) -> str:
    return text if mask is None else mask.literals(text)


def _sql(
    st: Statement, step: Step, mask: Masking | None, allow_destructive: bool, codes: bool = False
) -> str:
    """A forward statement as the report shows it, after one comment line with its hazards' codes
    (with `codes`) and a mark when it destroys data."""
    text = st.sql if mask is None else mask.statement(st.sql, step.key.kind)
    notes = ", ".join(h.code.value for h in st.hazards) if codes else ""
    if st.destructive:
        mark = "[DESTRUCTIVE]" if allow_destructive else "[DESTRUCTIVE, held back]"
        notes += (" " if notes else "") + mark
    return f"-- {notes}\n{text}" if notes else text


def _suggestions(plan: Plan, mask: Masking | None) -> list[str]:
    """Dropped + added pairs that look like renames: nothing is renamed without the option."""
    out = [
        "## Rename suggestions",
        "",
        "Dropped and added as planned above; to rename instead, keeping the data, run again with the option:",
        "",
        "| score | option | why |",
        "|---:|---|---|",
    ]
    out += [f"| {s.score:.2f} | `{s.hint.option}` | {_literals(s.why, mask)} |" for s in plan.suggestions]
    out.append("")
    return out


def _change(r: Reviewed, impact: Impact, mask: Masking | None, allow_destructive: bool) -> list[str]:
    ch = r.change
    lines = [f"### {_ICON[verb(ch)]} {key_of(ch)}  **{r.severity}**", ""]
    diffs = body_diffs(ch, mask)
    if isinstance(ch, Alter):
        lines += [f"- {x}" for x in other_reasons(ch, diffs, mask)]
    elif isinstance(ch, Create):
        lines.append("- created")
    elif isinstance(ch, Drop):
        lines.append("- dropped")
    else:
        lines += [f"- {x} (data kept)" for x in masked_reasons(ch.reasons, mask)]
    for op, col, old, reasons in column_changes(ch, mask):
        if op == "drop":
            lines.append(f"- column {_ICON[op]} {_code(col.name)} (was {_code(column_sql(col, mask))})")
        elif old is not None:
            was, now = _code(column_sql(old, mask)), _code(column_sql(col, mask))
            lines.append(f"- column {_ICON[op]} {_code(col.name)}: {was} -> {now}")
            lines += [f"  - {x}" for x in reasons]
        else:
            lines.append(f"- column {_ICON[op]} {_code(col.name)}: {_code(column_sql(col, mask))}")
    for step in r.steps:
        if step.reason:
            lines.append(f"- `{step.key}` ({verb(step.change)}): {step.reason}")
    for d in diffs:  # a changed body as a unified diff, not as two long lines
        fence = _fence(d.text)
        lines += [*([""] if lines[-1] else []), f"{_code(d.field)} changed:", ""]
        lines += [f"{fence}diff", *d.lines, fence]
    lines += _impact(impact)
    if r.hazards:
        lines += ["", "Hazards:", ""]
        lines += [f"- **{h.code.value}** ({h.severity}): {_literals(h.message, mask)}" for h in r.hazards]
    applying = [(st, step) for step in r.steps for st in step.forward]
    if applying:
        shown = [_sql(st, step, mask, allow_destructive, codes=True) for st, step in applying]
        fence = _fence("\n".join(shown))
        lines += ["", f"<details><summary>Statements that apply it ({len(applying)})</summary>", ""]
        lines += [f"{fence}sql", *shown, fence, "", "</details>"]
    # --online: a dialect may attach the command lines of online schema-change tools to a statement
    # that copies its table (MySQL: gh-ost, pt-online-schema-change)
    tools = [cmd for st, _ in applying if st.hazards for cmd in getattr(st, "online_tools", ())]
    if tools:
        lines += ["", _TOOLS, "", "```sh", *tools, "```"]
    lines.append("")
    return lines


def _impact(impact: Impact) -> list[str]:
    """The change's reach: the table's size (live old side) and what depends on it."""
    out = []
    if impact.table is not None and impact.size is not None:
        size = impact.size
        rows = f"about {size.rows:,} rows" if size.rows is not None else "rows unknown (no statistics yet)"
        on_disk = f", {human_bytes(size.bytes)} on disk" if size.bytes is not None else ""
        table = ".".join(p for p in impact.table if p)
        out.append(f"- table {_code(table)}: {rows}{on_disk} (the old database's estimates)")
    if impact.dependents:
        names = ", ".join(_code(str(k)) for k in impact.dependents[:_MAX_DEPENDENTS])
        more = len(impact.dependents) - _MAX_DEPENDENTS
        names += f" and {more} more" if more > 0 else ""
        out.append(f"- depended on by {len(impact.dependents)}: {names}")
    return ["", "Impact:", "", *out] if out else []


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
