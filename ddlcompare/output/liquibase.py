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
from dataclasses import dataclass

from ddlcompare.errors import DdlError
from ddlcompare.output.pieces import piece_sql, pieces, session_settings
from ddlcompare.output.sql import ScriptStyle
from ddlcompare.plan.plan import Plan

AUTHOR = "ddlcompare"

# Lines Liquibase's formatted-SQL reader takes as its own directives wherever they stand (it reads
# line by line, quoting unseen): inside a statement they would be swallowed.
_DIRECTIVE = re.compile(
    r"^\s*--\s*(liquibase\s+formatted|changeset\s|rollback\s|comment:?\s|precondition|validchecksum|ignorelines)",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class _Changeset:
    transactional: bool
    sql: str
    rollback: str | None  # None: nothing to roll back


def _changesets(plan: Plan, style: ScriptStyle, allow_destructive: bool, c: str) -> list[_Changeset]:
    """The pieces' changesets. Under --online, a piece outside a transaction is sent alone: the
    driver would pipeline the session's timeout settings with it, which CONCURRENTLY refuses; the
    settings go in a changeset before it (for update) and one after it (its rollback, run before the
    piece's)."""
    out: list[_Changeset] = []
    settings = "\n".join(session_settings(plan, style))
    for p in pieces(plan, style, allow_destructive=allow_destructive):
        alone = bool(settings) and not p.transactional
        forward = piece_sql(p.forward, p.transactional, plan, style, allow_destructive, c, session=not alone)
        back = (
            None
            if p.rollback is None
            else piece_sql(p.rollback, p.transactional, plan, style, allow_destructive, c, session=not alone)
        )
        if alone:
            out.append(_Changeset(False, settings, None))
        out.append(_Changeset(p.transactional, forward, back))
        if alone:
            out.append(_Changeset(False, settings, settings))
    return out


def _ids(sets: list[_Changeset]) -> list[str]:
    digest = hashlib.sha256()
    for cs in sets:
        text = f"{cs.transactional}\x00{cs.sql}\x00{cs.rollback}\x00"
        digest.update(text.encode("utf-8", "surrogateescape"))
    prefix = digest.hexdigest()[:10]
    width = max(3, len(str(len(sets))))
    return [f"{prefix}-{n:0{width}d}" for n in range(1, len(sets) + 1)]


def render_liquibase_sql(plan: Plan, style: ScriptStyle, *, allow_destructive: bool = False) -> str:
    """A Liquibase formatted SQL changelog of the plan."""
    # what the script comments out is commented as `-- | ...`: a line such as `-- COMMENT ON ...`
    # would be read as a changeset's comment directive
    c = f"{style.comment} |"
    sets = _changesets(plan, style, allow_destructive, c)
    lines = ["--liquibase formatted sql", f"-- ddlcompare migration ({plan.dialect}), a Liquibase changelog"]
    for cs, ident in zip(sets, _ids(sets), strict=True):
        attrs = [f"--changeset {AUTHOR}:{ident}"]
        if not cs.transactional:
            attrs.append("runInTransaction:false")
        attrs += ["splitStatements:false", "rollbackSplitStatements:false", "stripComments:false"]
        back = "empty" if cs.rollback is None else cs.rollback
        for text in (cs.sql, back):
            for line in text.split("\n"):
                if _DIRECTIVE.match(line):
                    raise DdlError(
                        f"a line Liquibase's formatted SQL takes for its own: {line.strip()!r}",
                        hint="use --format liquibase-xml",
                    )
        lines += ["", " ".join(attrs), cs.sql]
        lines += [f"--rollback {line}" if line else "--rollback" for line in back.split("\n")]
    lines.append("")
    return "\n".join(lines)


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def render_liquibase_xml(plan: Plan, style: ScriptStyle, *, allow_destructive: bool = False) -> str:
    """A Liquibase XML changelog of the plan: `<sql>` and `<rollback>` per changeset."""
    # imported here: xml.sax.saxutils brings urllib, http and ssl with it, 50 ms of every run
    from xml.sax.saxutils import quoteattr

    c = style.comment
    sets = _changesets(plan, style, allow_destructive, c)
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
        lines.append(f"    <sql {sql_attrs}>{_cdata(cs.sql)}</sql>")
        if cs.rollback is None:
            lines.append("    <rollback/>")
        else:
            lines.append(f"    <rollback><sql {sql_attrs}>{_cdata(cs.rollback)}</sql></rollback>")
        lines.append("  </changeSet>")
    lines += ["</databaseChangeLog>", ""]
    return "\n".join(lines)
