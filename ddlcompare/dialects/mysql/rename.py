"""MySQL/MariaDB statements of renames that keep data (ddlcompare.diff.renames)."""

from __future__ import annotations

from ddlcompare.diff.changes import Rename
from ddlcompare.model.objects import Index, Table
from ddlcompare.plan.hazards import OLDEST, TargetVersion
from ddlcompare.plan.plan import RenderContext, Statement


def _in_place(target: TargetVersion) -> bool:
    """RENAME COLUMN and (on MariaDB) RENAME INDEX: MySQL 8.0, MariaDB 10.5.2."""
    return target.at_least(10, 5, 2) if target.product == "mariadb" else target.at_least(8, 0)


def rename(change: Rename, ctx: RenderContext) -> list[Statement]:
    """RENAME TABLE (tables and views), RENAME COLUMN (CHANGE COLUMN before MySQL 8.0 and MariaDB
    10.5.2, with the whole definition), RENAME INDEX (dropped and added before MariaDB 10.5.2)."""
    from ddlcompare.dialects.mysql.render import (
        _column_check,
        _table_collation,
        column_def,
        create,
        drop,
        ident,
        qualified,
    )

    old, new = change.old, change.new
    target = ctx.target or OLDEST["mysql"]
    if change.part == "column":
        assert isinstance(new, Table)
        table = qualified(new.schema, new.name)
        if _in_place(target):
            return [
                Statement(
                    f"ALTER TABLE {table} RENAME COLUMN {ident(change.before)} TO {ident(change.after)};"
                )
            ]
        col = new.column(change.after)
        assert col is not None
        cdef = column_def(col, _table_collation(new), check=_column_check(ctx.new, new, col.name))
        return [Statement(f"ALTER TABLE {table} CHANGE COLUMN {ident(change.before)} {cdef};")]
    if isinstance(old, Index):
        if target.product == "mysql" or _in_place(target):
            table = qualified(old.schema, old.table)
            return [Statement(f"ALTER TABLE {table} RENAME INDEX {ident(old.name)} TO {ident(new.name)};")]
        return [*drop(old, ctx), *create(new, ctx)]
    return [
        Statement(f"RENAME TABLE {qualified(old.schema, old.name)} TO {qualified(new.schema, new.name)};")
    ]
