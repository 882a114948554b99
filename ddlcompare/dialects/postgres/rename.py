"""PostgreSQL statements of renames that keep data (ddlcompare.diff.renames): ALTER ... RENAME."""

from __future__ import annotations

from ddlcompare.dialects.postgres.names import ident, literal
from ddlcompare.diff.changes import Rename
from ddlcompare.plan.plan import RenderContext, Statement


def rename(change: Rename, ctx: RenderContext) -> list[Statement]:
    """`ALTER <kind> ... RENAME [COLUMN | VALUE | CONSTRAINT] old TO new` for one rename."""
    from ddlcompare.dialects.postgres.render import identity

    old, new = change.old, change.new
    kind, name = identity(old)
    if change.part == "column":
        sql = f"ALTER {kind} {name} RENAME COLUMN {ident(change.before)} TO {ident(change.after)};"
    elif change.part == "enum_label":
        sql = f"ALTER TYPE {name} RENAME VALUE {literal(change.before)} TO {literal(change.after)};"
    elif kind == "CONSTRAINT":
        _, _, table = name.partition(" ON ")
        sql = f"ALTER TABLE {table} RENAME CONSTRAINT {ident(old.name)} TO {ident(new.name)};"
    else:
        sql = f"ALTER {kind} {name} RENAME TO {ident(new.name)};"
    return [Statement(sql)]
