"""Plan -> Liquibase changelog: formatted SQL (`--format liquibase-sql`) or XML (`liquibase-xml`).

Each changeset holds the statements of one plan step (the step's early and late statements go in
changesets of their own at the two ends, where the SQL script puts them) and, as its rollback, the
statements the rollback script runs for that step, so that `liquibase update` runs the forward script
and `liquibase rollback-count N` (N = all changesets) runs the rollback script, statement for
statement. Statements that cannot run in a transaction get `runInTransaction:false` changesets, one
statement each (a driver sends a multi-statement string as one implicit transaction). Statements are
sent whole (`splitStatements:false`): bodies and guards hold semicolons. Ids are the plan's digest and
a number: the same comparison gives the same changelog, and another one new ids.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from xml.sax.saxutils import quoteattr

from ddlcompare.errors import DdlError
from ddlcompare.output.sql import ScriptStyle, emit, sql_literal, step_statements
from ddlcompare.plan.plan import Plan, Statement

AUTHOR = "ddlcompare"
_EARLY, _STEPS, _LATE = 0, 1, 2

# Lines Liquibase's formatted-SQL reader takes as its own directives wherever they stand (it reads
# line by line, quoting unseen): inside a statement they would be swallowed.
_DIRECTIVE = re.compile(
    r"^\s*--\s*(liquibase\s+formatted|changeset\s|rollback\s|comment:?\s|precondition|validchecksum|ignorelines)",
    re.IGNORECASE,
)


@dataclass
class _Changeset:
    """One changeset: the statements it runs and the ones its rollback runs (None: nothing)."""

    transactional: bool
    forward: list[Statement] = field(default_factory=list)
    rollback: list[Statement] | None = None


def _phase(st: Statement) -> int:
    return _LATE if st.late else _EARLY if st.early else _STEPS


def _runs(sts: list[Statement], style: ScriptStyle) -> list[list[Statement]]:
    """Statements cut where the script cuts them (transaction or not, `alone`); outside a
    transaction, and for servers whose DDL is never transactional, one statement each."""
    runs: list[list[Statement]] = []
    for st in sts:
        together = style.transactional and st.transactional and not st.alone
        last = runs[-1] if runs else None
        if last is not None and together and last[-1].transactional and not last[-1].alone:
            last.append(st)
        else:
            runs.append([st])
    return runs


def _changesets(forward: list[Statement], rollback: list[Statement], style: ScriptStyle) -> list[_Changeset]:
    """Changesets of one unit (a step's statements of one phase) whose rollbacks, which Liquibase runs
    in reverse changeset order, run `rollback` in its order: each rollback run goes to the nearest
    earlier changeset that runs the same way, or to a changeset of its own that runs nothing."""
    sets = [_Changeset(style.transactional and run[0].transactional, run) for run in _runs(forward, style)]
    holder = len(sets)
    for run in _runs(rollback, style):
        transactional = style.transactional and run[0].transactional
        c = holder - 1
        if c >= 0 and sets[c].rollback is None and sets[c].transactional == transactional:
            sets[c].rollback = run
            holder = c
        else:
            sets.insert(holder, _Changeset(transactional, [], run))
    return sets


def changesets(plan: Plan, style: ScriptStyle, *, allow_destructive: bool) -> list[_Changeset]:
    """The changelog's changesets in order."""
    units: dict[tuple[int, int], tuple[list[Statement], list[Statement]]] = {}
    for i, st in step_statements(plan, allow_destructive=allow_destructive):
        units.setdefault((_phase(st), i), ([], []))[0].append(st)
    # the rollback script runs its early statements first: the changesets Liquibase rolls back first
    # are the last ones, where the forward's late statements are
    for i, st in step_statements(plan, rollback=True, allow_destructive=allow_destructive):
        units.setdefault((_LATE - _phase(st), i), ([], []))[1].append(st)
    out: list[_Changeset] = []
    for key in sorted(units):
        out += _changesets(*units[key], style)
    return out


def _body(
    sts: list[Statement], transactional: bool, plan: Plan, style: ScriptStyle, allow: bool, c: str
) -> str:
    """The SQL a changeset (or its rollback) sends: the script's settings, then its statements
    (commented out with `c` when held back); a statement kept for the mysql client's DELIMITER is
    sent bare."""
    timeouts = {
        "lock_timeout": sql_literal(plan.options.lock_timeout),
        "statement_timeout": sql_literal(plan.options.statement_timeout),
    }
    lines: list[str] = []
    if transactional:
        if plan.options.online:
            lines += [x.format(**timeouts) for x in style.online_transaction]
        lines += style.preamble
    elif plan.options.online and style.transactional:
        lines += [x.format(**timeouts) for x in style.online_session]
    runs = [st for st in sts if not st.destructive or allow]
    lines += [emit(_bare(st, style), c, allow) for st in sts]
    if not runs:  # only commented-out statements: Liquibase needs something to run
        lines.append(style.noop)
    return "\n".join(lines)


def _bare(st: Statement, style: ScriptStyle) -> Statement:
    """`st` as a driver takes it: without the client's DELIMITER lines and the delimiter they set."""
    prefix = style.client_delimiter
    lines = st.sql.split("\n")
    if not prefix or len(lines) < 3 or not lines[0].startswith(prefix) or not lines[-1].startswith(prefix):
        return st
    delimiter = lines[0][len(prefix) :].strip()
    body = "\n".join(lines[1:-1]).rstrip()
    if delimiter and body.endswith(delimiter):
        body = body[: -len(delimiter)] + ";"
    return replace(st, sql=body)


def _ids(sets: list[_Changeset]) -> list[str]:
    digest = hashlib.sha256()
    for cs in sets:
        for st in (*cs.forward, *(cs.rollback or ())):
            digest.update(st.sql.encode("utf-8", "surrogateescape") + b"\x00")
    prefix = digest.hexdigest()[:10]
    width = max(3, len(str(len(sets))))
    return [f"{prefix}-{n:0{width}d}" for n in range(1, len(sets) + 1)]


def render_liquibase_sql(plan: Plan, style: ScriptStyle, *, allow_destructive: bool = False) -> str:
    """A Liquibase formatted SQL changelog of the plan."""
    sets = changesets(plan, style, allow_destructive=allow_destructive)
    # what the script comments out is commented as `-- | ...`: a line such as `-- COMMENT ON ...`
    # would be read as a changeset's comment directive
    c = f"{style.comment} |"
    lines = ["--liquibase formatted sql", f"-- ddlcompare migration ({plan.dialect}), a Liquibase changelog"]
    for cs, ident in zip(sets, _ids(sets), strict=True):
        attrs = [f"--changeset {AUTHOR}:{ident}"]
        if not cs.transactional:
            attrs.append("runInTransaction:false")
        attrs += ["splitStatements:false", "rollbackSplitStatements:false", "stripComments:false"]
        body = _body(cs.forward, cs.transactional, plan, style, allow_destructive, c)
        back = (
            _body(cs.rollback, cs.transactional, plan, style, allow_destructive, c)
            if cs.rollback is not None
            else "empty"
        )
        for text in (body, back):
            for line in text.split("\n"):
                if _DIRECTIVE.match(line):
                    raise DdlError(
                        f"a line Liquibase's formatted SQL takes for its own: {line.strip()!r}",
                        hint="use --format liquibase-xml",
                    )
        lines += ["", " ".join(attrs), body]
        lines += [f"--rollback {line}" if line else "--rollback" for line in back.split("\n")]
    lines.append("")
    return "\n".join(lines)


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def render_liquibase_xml(plan: Plan, style: ScriptStyle, *, allow_destructive: bool = False) -> str:
    """A Liquibase XML changelog of the plan: `<sql>` and `<rollback>` per changeset."""
    sets = changesets(plan, style, allow_destructive=allow_destructive)
    c = style.comment
    ns = "http://www.liquibase.org/xml/ns/dbchangelog"
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f"<!-- ddlcompare migration ({plan.dialect}) as a Liquibase changelog -->",
        f'<databaseChangeLog xmlns="{ns}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"',
        f'    xsi:schemaLocation="{ns} {ns}/dbchangelog-4.28.xsd">',
    ]
    sql_attrs = 'splitStatements="false" stripComments="false"'
    for cs, ident in zip(sets, _ids(sets), strict=True):
        tx = "" if cs.transactional else ' runInTransaction="false"'
        lines.append(f"  <changeSet id={quoteattr(ident)} author={quoteattr(AUTHOR)}{tx}>")
        body = _body(cs.forward, cs.transactional, plan, style, allow_destructive, c)
        lines.append(f"    <sql {sql_attrs}>{_cdata(body)}</sql>")
        if cs.rollback is None:
            lines.append("    <rollback/>")
        else:
            back = _body(cs.rollback, cs.transactional, plan, style, allow_destructive, c)
            lines.append(f"    <rollback><sql {sql_attrs}>{_cdata(back)}</sql></rollback>")
        lines.append("  </changeSet>")
    lines += ["</databaseChangeLog>", ""]
    return "\n".join(lines)
