"""ddlcompare: compare PostgreSQL and MySQL/MariaDB schemas, write migrations with rollback.

Public API: `load(spec)` -> Schema, `compare(old, new)` -> Plan, and the renderers in `ddlcompare.output`.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from ddlcompare import dialects
from ddlcompare.dialects import Dialect, LoadOptions
from ddlcompare.dialects.detect import CONFIDENT, leaning, scores
from ddlcompare.diff.compare import diff, leave_out_unseen
from ddlcompare.diff.renames import RenameHint, annotated, suggest, with_annotations
from ddlcompare.diff.renames import apply as apply_renames
from ddlcompare.errors import DdlError, InternalError, Warning
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
    "load_detected",
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


# `progress(done, total)`: how many of the sources are read (the command line draws it; the
# library never prints)
Progress = Callable[[int, int], None]


def load_sources(
    srcs: list[Source], dialect: Dialect, options: LoadOptions | None = None, progress: Progress | None = None
) -> list[Schema]:
    """Parse or inspect sources into Schemas, in order; the files are parsed together so that the
    dialect can share work between them (two snapshots of one schema share most statements).
    `progress(done, total)` is called before the first source and as sources are read."""
    options = options or LoadOptions()
    for src in srcs:
        url_d = src.url_dialect if src.url else None
        if url_d and dialects.ALIASES[url_d] != dialect.NAME:
            raise DdlError(f"{src.name} is a {url_d} URL, but the dialect is {dialect.NAME}")
    files = [(src.text or "", src.name) for src in srcs if not src.url]
    if progress is not None:
        progress(0, len(srcs))
    try:
        parsed = iter(dialect.parse_many(files, options) if files else ())
    except (DdlError, InternalError) as e:
        relocate_error(e, srcs)  # a directory side's error is at its place in its file
        raise
    done = len(files)
    if progress is not None and files:
        progress(done, len(srcs))
    out = []
    for src in srcs:
        if src.url:
            schema = dialect.inspect(src.url, options)
            done += 1
            if progress is not None:
                progress(done, len(srcs))
        else:
            schema = next(parsed)
        schema = with_annotations(schema, src.text, src.name) if src.text else schema
        out.append(relocated(replace(schema, source=src.name), srcs))
        # A schema is millions of long-lived, acyclic objects: keep the cyclic collector from
        # re-scanning them on every later collection (seconds each on 10,000 tables).
        gc.freeze()
    # what a live side could not see is left out of every side (a warning names what each loses)
    return leave_out_unseen(out)


@dataclass(frozen=True, slots=True)
class Loaded:
    """Sources loaded by `load_detected`: the dialect they were read in, their schemas, and the
    warning (also among the schemas' warnings) when that is not the dialect first chosen."""

    dialect: Dialect
    schemas: list[Schema]
    switched: Warning | None = None


def load_detected(
    srcs: list[Source],
    dialect: str | None = None,
    options: LoadOptions | None = None,
    progress: Progress | None = None,
    also: Sequence[Source] = (),
) -> Loaded:
    """`resolve_dialect` (of `srcs` and `also`, sources that take part in the choice without being
    loaded, e.g. the database the checks run against) and `load_sources`, with a second try for a
    file that does not parse: when it parses cleanly in the other dialect, a detected dialect gives
    way to it (with a warning), and a given one keeps its error with a hint to try the other (also
    when the other fails too but the text clearly is the other's).
    Not when a URL fixes the dialect, nor when the text's own evidence points to the first one."""
    d = resolve_dialect([*srcs, *also], dialect)
    try:
        return Loaded(d, load_sources(srcs, d, options, progress))
    except DdlError as e:
        other = _other_dialect(srcs, also, d, e, options, progress)
        if dialect:
            looks = other.dialect.NAME if other is not None else _clearly_other(srcs, also, d)
            if looks is not None:
                hint = f"this looks like a {_DIALECT_NAMES[looks]} dump; try --dialect {looks}"
                e.hint = hint if e.hint is None else f"{hint}; {e.hint}"
            raise
        if other is None:
            raise
        name = _DIALECT_NAMES[other.dialect.NAME]
        note = Warning(
            f"not {_DIALECT_NAMES[d.NAME]} ({e.message}): read as {name} (--dialect chooses)", e.pos
        )
        at = next((i for i, s in enumerate(srcs) if e.pos is not None and _holds(s, e.pos.path)), 0)
        schemas = list(other.schemas)
        schemas[at] = replace(schemas[at], warnings=(note, *schemas[at].warnings))
        return Loaded(other.dialect, schemas, note)


def _holds(src: Source, path: str) -> bool:
    """Whether `path` (an error's file) is `src` or one of its files."""
    return path == src.name or any(path == name for name, _ in src.parts)


def _clearly_other(srcs: list[Source], also: Sequence[Source], failed: Dialect) -> str | None:
    """The other dialect's name when the texts' evidence is certain of it (dialects.detect)."""
    if any(s.url for s in (*srcs, *also)):
        return None
    lean = leaning(*_evidence(srcs), CONFIDENT)
    return lean if lean is not None and lean != failed.NAME else None


def _evidence(srcs: list[Source]) -> tuple[int, int]:
    """The texts' PostgreSQL and MySQL evidence (dialects.detect), summed over the sources."""
    pg = my = 0
    for src in srcs:
        p, m = scores(src.text or "")
        pg, my = pg + p, my + m
    return pg, my


def _other_dialect(
    srcs: list[Source],
    also: Sequence[Source],
    failed: Dialect,
    error: DdlError,
    options: LoadOptions | None,
    progress: Progress | None,
) -> Loaded | None:
    """The sources loaded in the dialect other than `failed`, when that parses them cleanly and
    nothing says they are `failed`'s: a URL (its scheme is its dialect), or the texts' evidence
    (syntax only `failed` has, see dialects.detect)."""
    if any(s.url for s in (*srcs, *also)):
        return None
    lean = leaning(*_evidence(srcs))
    if lean == failed.NAME:
        return None
    other = dialects.get("mysql" if failed.NAME == "postgres" else "postgres")
    # The MySQL parser lets through some of what PostgreSQL rejects as a typo (`id integer,, x
    # text`, or `garbage here;` as an opaque statement with a warning). Without MySQL syntax in the
    # text, only a PostgreSQL syntax error at a word (COMMENT, KEY, AFTER, ENGINE: MySQL's syntax)
    # lets MySQL read it, and only without a warning.
    lenient = other.NAME == "mysql" and lean != "mysql"
    if lenient and _AT_WORD.search(error.message) is None:
        return None
    try:
        schemas = load_sources(srcs, other, options, progress)
    except Exception:  # any failure: the other dialect does not read it either
        return None
    if lenient and any(s.warnings for s in schemas):
        return None
    return Loaded(other, schemas)


_AT_WORD = re.compile(r'^syntax error at or near "[A-Za-z_]')


def load(spec: str, dialect: str | None = None, options: LoadOptions | None = None) -> Schema:
    """Load a schema from a file path, a directory of .sql files, `git:REV:PATH`, `git::PATH`, `-`
    or a database URL."""
    return load_detected([open_source(spec)], dialect, options).schemas[0]


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
    old_schema, new_schema = load_detected([open_source(old), open_source(new)], dialect, options).schemas
    return plan_between(old_schema, new_schema, target=target, options=plan_options, scope=scope)


def migrations_plan(
    base: str,
    migrations: str,
    snapshot: str,
    dialect: str | None = None,
    options: LoadOptions | None = None,
    plan_options: PlanOptions | None = None,
    scope: Scope | None = None,
    progress: Progress | None = None,
) -> Plan:
    """Offline: apply the migrations folder to the base schema (base and migration files parsed
    as one schema history, see `migration_files` for their order) and plan the way from the result
    to `snapshot`. No changes: the folder and the snapshot agree."""
    base_src = open_source(base)
    if base_src.url or base_src.text is None:
        raise DdlError(f"{base_src.name}: the base of check-migrations is a schema file")
    files = migration_files(migrations)
    history = joined(f"{base} + {migrations}", [base_src, *(open_source(str(p)) for p in files)])
    loaded = load_detected([history, open_source(snapshot)], dialect, options, progress)
    old_schema, new_schema = loaded.schemas
    return plan_between(old_schema, new_schema, options=plan_options, scope=scope)

