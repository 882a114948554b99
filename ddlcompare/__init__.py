"""ddlcompare: compare PostgreSQL and MySQL/MariaDB schemas, write migrations with rollback.

Public API: `load(spec)` -> Schema, `compare(old, new)` -> Plan, and the renderers in `ddlcompare.output`.
"""

from __future__ import annotations

import gc
from collections.abc import Sequence
from dataclasses import replace

from ddlcompare import dialects
from ddlcompare.dialects import Dialect, LoadOptions
from ddlcompare.dialects.detect import CONFIDENT, leaning, scores
from ddlcompare.diff.compare import diff, leave_out_unseen
from ddlcompare.diff.renames import RenameHint, annotated, suggest, with_annotations
from ddlcompare.diff.renames import apply as apply_renames
from ddlcompare.errors import DdlError, InternalError
from ddlcompare.model.base import Schema
from ddlcompare.plan.hazards import OLDEST, TargetVersion, parse_target
from ddlcompare.plan.plan import Plan, PlanOptions, make_plan
from ddlcompare.scope import Scope, scoped
from ddlcompare.source import printable
from ddlcompare.sources import Source, joined, migration_files, open_source, relocate_error, relocated

__all__ = [
    "DdlError",
    "LoadOptions",
    "Plan",
    "PlanOptions",
    "RenameHint",
    "Schema",
    "Scope",
    "compare",
    "load",
    "load_source",
    "load_sources",
    "migrations_plan",
    "plan_between",
    "scoped",
]
__version__ = "0.1.0"


def resolve_dialect(sources: list[Source], dialect: str | None) -> Dialect:
    """The dialect given, or the one the sources agree on; an error when they disagree."""
    if dialect:
        return dialects.get(dialect)
    # A side points to a dialect by syntax only that dialect has (a `::` cast, a backtick,
    # ENGINE=); what both accept (a short MySQL table with a `uuid` column) decides nothing,
    # and then the other side's evidence does.
    points: dict[str, tuple[str, str]] = {}  # source name -> (dialect, "is" or "looks like")
    total_pg = total_my = 0
    for src in sources:
        if src.url:
            if src.url_dialect:
                points[src.name] = (src.url_dialect, "is")
            continue
        pg, my = scores(src.text or "")
        total_pg, total_my = total_pg + pg, total_my + my
        lean = leaning(pg, my)
        if lean is not None:
            points[src.name] = (lean, "is" if leaning(pg, my, CONFIDENT) else "looks like")
    kinds = {d for d, _ in points.values()}
    if len(kinds) > 1:
        desc = ", ".join(f"{printable(n)} {how} {_DIALECT_NAMES[d]}" for n, (d, how) in points.items())
        raise DdlError(
            f"the two sides are of different dialects ({desc})",
            hint="comparing PostgreSQL with MySQL is out of scope; give --dialect if one side was misread",
        )
    if kinds:
        return dialects.get(kinds.pop())
    return dialects.get("mysql" if total_my > total_pg else "postgres")


_DIALECT_NAMES = {"postgres": "PostgreSQL", "mysql": "MySQL/MariaDB"}


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
    try:
        parsed = iter(dialect.parse_many(files, options) if files else ())
    except (DdlError, InternalError) as e:
        relocate_error(e, srcs)  # a directory side's error is at its place in its file
        raise
    out = []
    for src in srcs:
        schema = dialect.inspect(src.url, options) if src.url else next(parsed)
        schema = with_annotations(schema, src.text, src.name) if src.text else schema
        out.append(relocated(replace(schema, source=src.name), srcs))
        # A schema is millions of long-lived, acyclic objects: keep the cyclic collector from
        # re-scanning them on every later collection (seconds each on 10,000 tables).
        gc.freeze()
    # what a live side could not see is left out of every side (a warning names what each loses)
    return leave_out_unseen(out)


def load(spec: str, dialect: str | None = None, options: LoadOptions | None = None) -> Schema:
    """Load a schema from a file path, a directory of .sql files, `git:REV:PATH`, `git::PATH`, `-`
    or a database URL."""
    src = open_source(spec)
    return load_source(src, resolve_dialect([src], dialect), options)


def target_of(old: Schema, new: Schema, target: TargetVersion | None = None) -> TargetVersion:
    """The server the migration is for: `target` when given, else the version the old side (the
    database to migrate) or the new side comes from, else the oldest supported (the cautious choice)."""
    if target is not None:
        if target.dialect != new.dialect:
            raise DdlError(f"target version {target} is not a {new.dialect} server")
        return target
    for side, origin in ((old, "old side"), (new, "new side")):
        if side.server:
            return replace(parse_target(side.server), origin=origin)
    return OLDEST["postgres" if new.dialect == "postgres" else "mysql"]


def plan_between(
    old: Schema,
    new: Schema,
    target: TargetVersion | None = None,
    options: PlanOptions | None = None,
    renames: Sequence[RenameHint] = (),
    scope: Scope | None = None,
) -> Plan:
    """Diff two schemas of one dialect and plan the migration; hazards are judged for `target`
    (see `target_of`), the statements written as `options` say. `renames` (and the new side's
    renamed-from annotations) are done in place, keeping data; without them, dropped + added
    pairs that look like renames are only suggested (`Plan.suggestions`). Only the objects in
    `scope` are compared (see `ddlcompare.scope`; `scoped` does it beforehand, with its warnings)."""
    d = dialects.get(new.dialect)
    old, new = leave_out_unseen([old, new])
    old, new = scoped(old, new, scope)
    old, renamed = apply_renames(old, new, (*renames, *annotated(new)), d.RENAMES)
    changes = diff(old, new, column_order=d.COLUMN_ORDER)
    target = target_of(old, new, target)
    plan = make_plan(old, new, changes, d, d.render, target, options or PlanOptions(), renamed)
    found = suggest(changes)
    return d.combine(replace(plan, suggestions=found) if found else plan)


def compare(
    old: str,
    new: str,
    dialect: str | None = None,
    options: LoadOptions | None = None,
    target: TargetVersion | None = None,
    plan_options: PlanOptions | None = None,
    scope: Scope | None = None,
) -> Plan:
    """Load both sides and plan the migration from `old` to `new` (only the objects in `scope`)."""
    srcs = [open_source(old), open_source(new)]
    d = resolve_dialect(srcs, dialect)
    old_schema, new_schema = load_sources(srcs, d, options)
    return plan_between(old_schema, new_schema, target=target, options=plan_options, scope=scope)


def migrations_plan(
    base: str,
    migrations: str,
    snapshot: str,
    dialect: str | None = None,
    options: LoadOptions | None = None,
    plan_options: PlanOptions | None = None,
    scope: Scope | None = None,
) -> Plan:
    """Offline: apply the migrations folder to the base schema (base and migration files parsed
    as one schema history, see `migration_files` for their order) and plan the way from the result
    to `snapshot`. No changes: the folder and the snapshot agree."""
    base_src = open_source(base)
    if base_src.url or base_src.text is None:
        raise DdlError(f"{base_src.name}: the base of check-migrations is a schema file")
    files = migration_files(migrations)
    history = joined(f"{base} + {migrations}", [base_src, *(open_source(str(p)) for p in files)])
    snap = open_source(snapshot)
    d = resolve_dialect([history, snap], dialect)
    old_schema, new_schema = load_sources([history, snap], d, options)
    return plan_between(old_schema, new_schema, options=plan_options, scope=scope)

