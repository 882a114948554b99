"""ddlcompare: compare PostgreSQL and MySQL/MariaDB schemas, write migrations with rollback.

Public API: `load(spec)` -> Schema, `compare(old, new)` -> Plan, and the renderers in `ddlcompare.output`.
"""

from __future__ import annotations

import gc
from dataclasses import replace

from ddlcompare import dialects
from ddlcompare.dialects import Dialect, LoadOptions
from ddlcompare.dialects.detect import CONFIDENT, scores
from ddlcompare.diff.compare import diff, leave_out_unseen
from ddlcompare.errors import DdlError
from ddlcompare.model.base import Schema
from ddlcompare.plan.plan import Plan, make_plan
from ddlcompare.sources import Source, open_source

__all__ = [
    "DdlError",
    "LoadOptions",
    "Plan",
    "Schema",
    "compare",
    "load",
    "load_source",
    "load_sources",
    "plan_between",
]
__version__ = "0.1.0"


def resolve_dialect(sources: list[Source], dialect: str | None) -> Dialect:
    """The dialect given, or the one the sources agree on; an error when they disagree."""
    if dialect:
        return dialects.get(dialect)
    # each side's evidence counts; a side is certain of its dialect only by a clear lead (a short
    # MySQL table with a `uuid` column must not read as PostgreSQL next to a MySQL dump)
    certain: dict[str, str] = {}
    total_pg = total_my = 0
    for src in sources:
        if src.url:
            if src.url_dialect:
                certain[src.name] = src.url_dialect
            continue
        pg, my = scores(src.text or "")
        total_pg, total_my = total_pg + pg, total_my + my
        if abs(pg - my) >= CONFIDENT:
            certain[src.name] = "postgres" if pg > my else "mysql"
    kinds = set(certain.values())
    if len(kinds) > 1:
        desc = ", ".join(f"{n} is {d}" for n, d in certain.items())
        raise DdlError(
            f"the two sides are of different dialects ({desc})",
            hint="comparing PostgreSQL with MySQL is out of scope",
        )
    if kinds:
        return dialects.get(kinds.pop())
    return dialects.get("mysql" if total_my > total_pg else "postgres")


def load_source(src: Source, dialect: Dialect, options: LoadOptions | None = None) -> Schema:
    """Parse or inspect one source into a Schema."""
    return load_sources([src], dialect, options)[0]


def load_sources(srcs: list[Source], dialect: Dialect, options: LoadOptions | None = None) -> list[Schema]:
    """Parse or inspect sources into Schemas, in order; the files are parsed together so that the
    dialect can share work between them (two snapshots of one schema share most statements)."""
    options = options or LoadOptions()
    for src in srcs:
        url_d = src.url_dialect if src.url else None
        if url_d and dialects.ALIASES[url_d] != dialect.NAME:
            raise DdlError(f"{src.name} is a {url_d} URL, but the dialect is {dialect.NAME}")
    files = [(src.text or "", src.name) for src in srcs if not src.url]
    parsed = iter(dialect.parse_many(files, options) if files else ())
    out = []
    for src in srcs:
        schema = dialect.inspect(src.url, options) if src.url else next(parsed)
        out.append(replace(schema, source=src.name))
        # A schema is millions of long-lived, acyclic objects: keep the cyclic collector from
        # re-scanning them on every later collection (seconds each on 10,000 tables).
        gc.freeze()
    # what a live side could not see is left out of every side (a warning names what each loses)
    return leave_out_unseen(out)


def load(spec: str, dialect: str | None = None, options: LoadOptions | None = None) -> Schema:
    """Load a schema from a file path, `git:REV:PATH`, `-` or a database URL."""
    src = open_source(spec)
    return load_source(src, resolve_dialect([src], dialect), options)


def plan_between(old: Schema, new: Schema) -> Plan:
    """Diff two schemas of one dialect and plan the migration."""
    d = dialects.get(new.dialect)
    old, new = leave_out_unseen([old, new])
    changes = diff(old, new, column_order=d.COLUMN_ORDER)
    return d.combine(make_plan(old, new, changes, d, d.render))


def compare(old: str, new: str, dialect: str | None = None, options: LoadOptions | None = None) -> Plan:
    """Load both sides and plan the migration from `old` to `new`."""
    srcs = [open_source(old), open_source(new)]
    d = resolve_dialect(srcs, dialect)
    return plan_between(*load_sources(srcs, d, options))
