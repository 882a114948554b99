"""Flyway's files (ddlcompare --format flyway) applied as Flyway applies them, with psql / the
mariadb client: versioned files `V<version>__*.sql` in version order, each in a transaction of its own
unless its `.conf` says `executeInTransaction=false`; undo files `U<version>__*.sql` newest version
first. Flyway itself is not installable from the registries this project may use."""

from __future__ import annotations

import re

from ddlcompare.dialects import get
from ddlcompare.output.flyway import flyway_files
from ddlcompare.plan.plan import Plan
from tests.support import mydb, pgdb
from tests.support.tool_roundtrip import Databases, Outcome, tool_roundtrip

_NAME = re.compile(r"^(?P<kind>[VU])(?P<version>\d+(?:_\d+)*)__(?P<description>.+)\.sql$")


def ordered(files: dict[str, str], kind: str) -> list[str]:
    """The `kind` (V or U) files in the order Flyway runs them: versions compared part by part as
    numbers; undo files newest first."""
    names = [(m, n) for n in files if (m := _NAME.match(n)) and m["kind"] == kind]
    names.sort(key=lambda mn: tuple(int(x) for x in mn[0]["version"].split("_")), reverse=kind == "U")
    return [n for _, n in names]


def _apply(files: dict[str, str], kind: str, db: Databases) -> str | None:
    for name in ordered(files, kind):
        sql = files[name]
        in_transaction = "executeInTransaction=false" not in files.get(f"{name}.conf", "")
        if db.dialect == "postgres":
            proc = pgdb.psql(db.migrated, sql, single_transaction=in_transaction)
        else:
            proc = mydb.client(db.migrated, sql)
        if proc.returncode != 0:
            return f"{name}: {proc.stderr.strip()[-2000:]}"
    return None


def roundtrip(plan: Plan, old_sql: str, new_sql: str, setup_sql: str = "") -> Outcome:
    """The versioned files in Flyway's order (then equal to new), the undo files (equal to old)."""
    files = flyway_files(plan, get(plan.dialect).STYLE, "1", allow_destructive=True)
    shown = "\n".join(f"---- {name} ----\n{text}" for name, text in files.items())
    return tool_roundtrip(
        plan.dialect,
        old_sql,
        new_sql,
        setup_sql,
        shown,
        ("versioned", lambda db: _apply(files, "V", db)),
        ("undo", lambda db: _apply(files, "U", db)),
    )
