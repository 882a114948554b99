"""Command line: `ddlcompare OLD NEW` and `ddlcompare snapshot SOURCE`. Arguments and exit codes only.

Exit codes follow diff(1): 0 no differences, 1 differences, 2 error; and 3 blocked (a step at or
above `--fail-on`).
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn, Protocol, TypeVar

import typer
import typer.core

from ddlcompare import (
    PlanOptions,
    __version__,
    audit,
    dburl,
    dialects,
    fleet,
    history,
    load_detected,
    migrations_plan,
    plan_between,
    scoped,
    shutdown,
)
from ddlcompare.config import CONFIG_FILE, Config, load_config
from ddlcompare.dialects import LoadOptions
from ddlcompare.diff.changes import verb
from ddlcompare.diff.renames import parse_hint
from ddlcompare.errors import DdlError, InternalError, located
from ddlcompare.output.dot import DOT_ENV, find_dot, render_dot, render_svg, too_large_for_svg
from ddlcompare.output.flyway import flyway_files
from ddlcompare.output.json import json_schema, render_json
from ddlcompare.output.liquibase import render_liquibase_sql, render_liquibase_xml
from ddlcompare.output.markdown import render_markdown
from ddlcompare.output.sql import held_steps, render_script
from ddlcompare.output.summary import highest, one_line, severity_counts
from ddlcompare.output.validation import render_validation
from ddlcompare.plan.checks import CheckResult, Validation
from ddlcompare.plan.checks import blocking as blocked_checks
from ddlcompare.plan.hazards import parse_severity, parse_target
from ddlcompare.scope import Scope, parse_kinds
from ddlcompare.source import printable
from ddlcompare.sources import open_source

# typer 0.29's rich help writes a type after every option, `<bool>` after a flag that takes no
# value too (TyperOption.display_type_rich); click's plain help leaves flags bare, and so does ours.
_display_type_rich = typer.core.TyperOption.display_type_rich


def _no_flag_placeholder(self: typer.core.TyperOption, ctx: typer.Context) -> str | None:
    return None if self.is_flag or self.count else _display_type_rich(self, ctx)


typer.core.TyperOption.display_type_rich = _no_flag_placeholder  # type: ignore[method-assign,assignment]


class Format(StrEnum):
    sql = "sql"
    rollback = "rollback"
    markdown = "markdown"
    json = "json"
    dot = "dot"
    validation = "validation"
    liquibase_sql = "liquibase-sql"
    liquibase_xml = "liquibase-xml"
    flyway = "flyway"


class Graph(StrEnum):
    changes = "changes"
    full = "full"


_PLAN_DEFAULTS = PlanOptions()
_SIDE = "schema file, directory of .sql files, git:REV:PATH, git::PATH, - or URL"
_T = TypeVar("_T")

_SKIP_HELP = (
    "live sources: leave out (with a warning) what the account cannot see, on both sides, "
    "instead of failing"
)

# the scope and options-file options, shared by the commands that compare
_SchemaOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--schema", metavar="NAME", help="compare only the objects of this schema (PostgreSQL; repeatable)"
    ),
]
_IncludeOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--include",
        metavar="PATTERN",
        help="compare only objects whose key matches this glob, e.g. 'table:public.audit_*' "
        "(a table's indexes, constraints and triggers go with it; repeatable)",
    ),
]
_ExcludeOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--exclude",
        metavar="PATTERN",
        help="leave out objects whose key matches this glob, e.g. 'index:*.tmp_*' (repeatable)",
    ),
]
_KindsOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--kinds", metavar="KIND,...", help="compare only these kinds: table,index,view,... (repeatable)"
    ),
]
# (help texts are rich markup: a literal `[` is escaped with a backslash, or the bracketed text vanishes)
_ConfigOpt = Annotated[
    Path | None,
    typer.Option(
        "--config",
        help=f"read options from this file (default: the nearest {CONFIG_FILE}, or pyproject.toml "
        "with \\[tool.ddlcompare], from the working directory upward); the command line wins",
    ),
]
_NoConfigOpt = Annotated[bool, typer.Option("--no-config", help="read no options file")]
_AUDIT_HELP = (
    "append one JSON line per comparison to this file: UTC time, OS user, host, version, each input's "
    "name and SHA-256 (of its text, or of a live side's canonical snapshot), changes per severity, "
    "exit code; never a password"
)

_DialectOpt = Annotated[
    str | None,
    typer.Option(
        "--dialect", "-d", help=f"{dialects.accepted()}; detected from the input when omitted"
    ),
]
_DebugOpt = Annotated[
    bool, typer.Option("--debug", help="show the traceback of an internal error (for bug reports)")
]
_QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="no summary on stderr")]
_AuditLogOpt = Annotated[Path | None, typer.Option("--audit-log", help=_AUDIT_HELP)]


def _scope(
    conf: Config,
    schema: list[str] | None,
    include: list[str] | None,
    exclude: list[str] | None,
    kinds: list[str] | None,
) -> Scope:
    """The scope the command line gives, each list replacing the options file's."""
    return Scope(
        schemas=tuple(_pick(schema, conf.schema, ())),
        include=tuple(_pick(include, conf.include, ())),
        exclude=tuple(_pick(exclude, conf.exclude, ())),
        kinds=parse_kinds(_pick(kinds, conf.kinds, ())),
    )


compare_app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
snapshot_app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
json_schema_app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
check_migrations_app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"ddlcompare {__version__}")
        raise typer.Exit(0)


# The other commands, listed by the default command's --help (main dispatches them: _SUBCOMMANDS)
_PURPOSES = {  # name: (arguments, purpose)
    "snapshot": ("SOURCE", "print a canonical DDL snapshot of a schema file or database"),
    "check-migrations": (
        "BASE DIR SNAPSHOT",
        "apply a migrations folder to a base schema (offline) and compare the result with the snapshot",
    ),
    "drift": ("BASELINE TARGET...", "compare one baseline with many databases or files, a verdict each"),
    "log": ("PATH", "what each commit of a schema file changed (git log --follow)"),
    "precommit": ("FILE...", "the pre-commit hook: block a staged schema change at or above --fail-on"),
    "json-schema": ("", "print the JSON Schema of --format json and diff.json"),
}


@compare_app.command(
    help="Compare two schemas (files, directories of .sql files, git:REV:PATH, git::PATH, - or "
    "database URLs) and print the forward migration.\n\n"
    "Exit codes: 0 no differences, 1 differences, 2 error, 3 blocked (a step at or above --fail-on).\n\n"
    "Other commands (ddlcompare COMMAND --help for each):\n"
    + "\n".join(f"  ddlcompare {f'{n} {args}'.strip()}: {what}" for n, (args, what) in _PURPOSES.items())
)
def compare_cmd(
    old: Annotated[str, typer.Argument(metavar="OLD", help=f"old side: {_SIDE}")],
    new: Annotated[str, typer.Argument(metavar="NEW", help=f"new side: {_SIDE}")],
    dialect: _DialectOpt = None,
    output_dir: Annotated[
        Path | None,
        typer.Option(
            "--output-dir",
            "-o",
            help="write migration_forward.sql, migration_rollback.sql, schema_diff_report.md, diff.json, "
            "schema_validation.log, dependency_graph.dot and dependency_graph.svg (when Graphviz's dot "
            f"is installed: on PATH, or named by {DOT_ENV})",
        ),
    ] = None,
    fmt: Annotated[
        Format,
        typer.Option(
            "--format",
            "-f",
            help="what to print on stdout (flyway: writes V/U migration files into --output-dir and "
            "prints their names)",
        ),
    ] = Format.sql,
    migration_version: Annotated[
        str, typer.Option("--migration-version", help="--format flyway: the files' version (V<version>__)")
    ] = "1",
    graph: Annotated[
        Graph,
        typer.Option(
            "--graph",
            help="the dependency graph: the changed objects with their dependencies and dependents "
            "(changes), or every object of both sides (full)",
        ),
    ] = Graph.changes,
    allow_destructive: Annotated[
        bool | None,
        typer.Option(
            "--allow-destructive/--no-allow-destructive",
            help="include DROP and lossy changes instead of commenting them out",
            show_default=False,
        ),
    ] = None,
    strict: Annotated[
        bool | None,
        typer.Option(
            "--strict/--no-strict", help="statements that cannot be modelled are errors", show_default=False
        ),
    ] = None,
    owners: Annotated[
        bool | None, typer.Option("--owners/--no-owners", help="compare object owners", show_default=False)
    ] = None,
    privileges: Annotated[
        bool | None, typer.Option("--privileges/--no-privileges", help="compare grants", show_default=False)
    ] = None,
    target_version: Annotated[
        str | None,
        typer.Option(
            "--target-version",
            help="the server the migration is for, e.g. postgres:15, mysql:8.0.32, mariadb:10.11 "
            "(default: the old side's version, from a dump header or the live database, else the "
            "oldest supported): hazards depend on it",
        ),
    ] = None,
    fail_on: Annotated[
        str | None,
        typer.Option(
            "--fail-on",
            help="after writing every output, exit 3 when a step's severity is at or above this one "
            "(low, medium, high, critical)",
        ),
    ] = None,
    check_db: Annotated[
        str | None,
        typer.Option(
            "--check-db",
            help="run the data checks of schema_validation.log against this database (read-only); "
            "exit 3 when one fails, after writing every output",
        ),
    ] = None,
    check_timeout: Annotated[
        float,
        typer.Option("--check-timeout", min=0.001, help="statement timeout of each data check, in seconds"),
    ] = 60.0,
    online: Annotated[
        bool | None,
        typer.Option(
            "--online/--no-online",
            help="write the migration for a database serving traffic: as few locks, scans and rewrites "
            "as the server allows",
            show_default=False,
        ),
    ] = None,
    lock_timeout: Annotated[
        str | None,
        typer.Option(
            "--lock-timeout",
            help="PostgreSQL --online: SET LOCAL lock_timeout of each transaction "
            f"\\[default: {_PLAN_DEFAULTS.lock_timeout}]",
        ),
    ] = None,
    statement_timeout: Annotated[
        str | None,
        typer.Option(
            "--statement-timeout",
            help="PostgreSQL --online: SET LOCAL statement_timeout of each transaction (0: none) "
            f"\\[default: {_PLAN_DEFAULTS.statement_timeout}]",
        ),
    ] = None,
    idempotent: Annotated[
        bool | None,
        typer.Option(
            "--idempotent/--no-idempotent",
            help="write statements that can run again after they ran (IF [NOT] EXISTS, OR REPLACE, "
            "guards); --no-idempotent writes the plain statements \\[default: idempotent]",
            show_default=False,
        ),
    ] = None,
    rename: Annotated[
        list[str] | None,
        typer.Option(
            "--rename",
            metavar="KIND:OLD=NEW",
            help="rename in place, keeping the data: OLD is the old side's key as ddlcompare prints it, "
            "NEW the new name in the same parent (table:public.staff=employee, "
            "column:public.staff.picture=photo); repeatable",
        ),
    ] = None,
    schema: _SchemaOpt = None,
    include: _IncludeOpt = None,
    exclude: _ExcludeOpt = None,
    kinds: _KindsOpt = None,
    config: _ConfigOpt = None,
    no_config: _NoConfigOpt = False,
    quiet: _QuietOpt = False,
    skip_unreadable: Annotated[
        bool | None,
        typer.Option("--skip-unreadable/--no-skip-unreadable", help=_SKIP_HELP, show_default=False),
    ] = None,
    audit_log: _AuditLogOpt = None,
    mask: Annotated[
        bool | None,
        typer.Option(
            "--mask/--no-mask",
            help="hide defaults, comments, routine bodies and the literals of statements and CHECKs "
            "in the report and the JSON (the SQL files keep the real values)",
            show_default=False,
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="print the version")
    ] = False,
    debug: _DebugOpt = False,
) -> None:
    conf = Config() if no_config else load_config(path=config)
    dialect = _pick(dialect, conf.dialect, None)
    target_version = _pick(target_version, conf.target_version, None)
    fail_on = _pick(fail_on, conf.fail_on, None)
    allow_destructive = _pick(allow_destructive, conf.allow_destructive, False)
    online = _pick(online, conf.online, False)
    options = LoadOptions(
        strict=_pick(strict, conf.strict, False),
        owners=_pick(owners, conf.owners, False),
        privileges=_pick(privileges, conf.privileges, False),
        skip_unreadable=_pick(skip_unreadable, conf.skip_unreadable, False),
    )
    scope = _scope(conf, schema, include, exclude, kinds)
    target = parse_target(target_version) if target_version is not None else None
    hints = [parse_hint(r) for r in rename or ()]
    gate = parse_severity(fail_on) if fail_on is not None else None
    if check_db is not None and dburl.dialect_of(check_db) is None:
        raise DdlError(
            f"--check-db {printable(dburl.redact(check_db))}: not a database URL",
            hint="give postgresql://user@host/db or mysql://user@host/db",
        )
    srcs = [open_source(old), open_source(new)]
    # the database the checks run against says which dialect it is, like a live side would
    check_src = [open_source(check_db)] if check_db is not None else []
    with _loading(quiet) as progress:
        loaded = load_detected(srcs, dialect, options, progress, also=check_src)
    d, (old_side, new_side) = loaded.dialect, loaded.schemas
    masking = d.STYLE.masking if _pick(mask, conf.mask, False) else None
    audited = (  # the audit log names the inputs whole, before the scope is applied
        [
            fleet.audit_input(r, s, x, d)
            for r, s, x in zip(("old", "new"), srcs, (old_side, new_side), strict=True)
        ]
        if audit_log is not None
        else []
    )
    schemas = scoped(old_side, new_side, scope)
    # the input texts are not needed any more: a 50 MB file would be held through the plan
    del srcs, loaded, old_side, new_side
    if not quiet:
        for w in (*schemas[0].warnings, *schemas[1].warnings):
            typer.echo(str(w), err=True)
    plan_options = PlanOptions(
        online=online,
        lock_timeout=_pick(lock_timeout, conf.lock_timeout, _PLAN_DEFAULTS.lock_timeout),
        statement_timeout=_pick(statement_timeout, conf.statement_timeout, _PLAN_DEFAULTS.statement_timeout),
        idempotent=_pick(idempotent, conf.idempotent, _PLAN_DEFAULTS.idempotent),
    )
    plan = plan_between(schemas[0], schemas[1], target=target, options=plan_options, renames=hints)

    # each output is rendered when it is written and dropped after (for a 20 MB schema each costs
    # 100 MB, and most runs write one)
    forward = functools.partial(render_script, plan, d.STYLE, allow_destructive=allow_destructive)
    rollback = functools.partial(forward, rollback=True)
    dot = functools.partial(render_dot, plan, full=graph is Graph.full)
    checked: list[tuple[Validation, list[CheckResult] | None]] = []

    def validation_log() -> str:
        if not checked:
            held = () if allow_destructive else held_steps(plan)
            v = d.validate(plan, held)
            results = list(d.run_checks(check_db, v.checks, check_timeout)) if check_db is not None else None
            checked.append((v, results))
        v, results = checked[0]
        return render_validation(v, results, dburl.redact(check_db) if check_db is not None else "")

    if check_db is not None:
        dburl.register_url(check_db)
        validation_log()  # before writing anything: a database that cannot be read is an error (exit 2)
    # with --output-dir the SVG is written when Graphviz can draw it; the report says so when it is not
    svg_skip: str | None = None
    dot_program: str | None = None
    if output_dir is not None:
        dot_program = find_dot()
        svg_skip = too_large_for_svg(plan, full=graph is Graph.full)
        if dot_program is None:
            svg_skip = f"Graphviz's dot is not installed (not on PATH; {DOT_ENV} may name it)"
    notes = [f"dependency_graph.svg not written: {svg_skip}"] if svg_skip else []
    report = functools.partial(
        render_markdown, plan, mask=masking, allow_destructive=allow_destructive, notes=notes
    )
    as_json = functools.partial(render_json, plan, mask=masking)
    if output_dir is not None:
        try:
            output_dir.mkdir(parents=True, exist_ok=True)
            for name, render in (
                ("migration_forward.sql", forward),
                ("migration_rollback.sql", rollback),
                ("schema_diff_report.md", report),
                ("diff.json", as_json),
                ("schema_validation.log", validation_log),
                ("dependency_graph.dot", dot),
            ):
                (output_dir / name).write_text(_scrubbed(render()), encoding="utf-8")
            if svg_skip is None and dot_program is not None:
                svg = render_svg(_scrubbed(dot()), dot_program)
                (output_dir / "dependency_graph.svg").write_text(_scrubbed(svg), encoding="utf-8")
            else:  # no stale graph of an earlier run beside this run's files
                (output_dir / "dependency_graph.svg").unlink(missing_ok=True)
                if not quiet:
                    typer.echo(f"ddlcompare: dependency_graph.svg not written: {svg_skip}", err=True)
        except OSError as e:
            raise DdlError(f"{output_dir}: cannot write: {e.strerror}") from None
    if fmt is Format.flyway:
        if output_dir is None:
            raise DdlError("--format flyway writes files: give --output-dir")
        files = flyway_files(plan, d.STYLE, migration_version, allow_destructive=allow_destructive)
        try:
            for name, text in files.items():
                (output_dir / name).write_text(_scrubbed(text), encoding="utf-8")
        except OSError as e:
            raise DdlError(f"{output_dir}: cannot write: {e.strerror}") from None
        _print("".join(f"{name}\n" for name in files))
    elif output_dir is None or fmt is not Format.sql:
        renders: dict[Format, Callable[[], str]] = {
            Format.sql: forward,
            Format.rollback: rollback,
            Format.markdown: report,
            Format.json: as_json,
            Format.dot: dot,
            Format.validation: validation_log,
            Format.liquibase_sql: functools.partial(
                render_liquibase_sql, plan, d.STYLE, allow_destructive=allow_destructive
            ),
            Format.liquibase_xml: functools.partial(
                render_liquibase_xml, plan, d.STYLE, allow_destructive=allow_destructive
            ),
        }
        _print(renders[fmt]())
    if not quiet:
        where = f"; written to {printable(str(output_dir))}/" if output_dir is not None else ""
        typer.echo(f"ddlcompare: {one_line(plan)}{where}", err=True)
    code = 1 if plan.changes else 0
    failed = blocked_checks(checked[0][1] or []) if checked else 0
    top = highest(plan)
    if failed:
        typer.echo(f"ddlcompare: blocked: {failed} data check(s) FAIL or ERROR (see the log)", err=True)
        code = 3
    elif gate is not None and top is not None and top >= gate:
        blocking = sum(1 for s in plan.steps if s.severity >= gate)
        typer.echo(f"ddlcompare: blocked: {blocking} step(s) at or above --fail-on {gate}", err=True)
        code = 3
    if audit_log is not None:
        audit.append(audit_log, [audit.entry("compare", audited, severity_counts(plan), code)])
    raise typer.Exit(code)


@snapshot_app.command(help="Print a canonical DDL snapshot of a schema (file, git:REV:PATH, - or URL).")
def snapshot_cmd(
    source: Annotated[str, typer.Argument(help="schema file, git:REV:PATH, - or database URL")],
    dialect: _DialectOpt = None,
    owners: Annotated[bool, typer.Option("--owners", help="include owners")] = False,
    privileges: Annotated[bool, typer.Option("--privileges", help="include grants")] = False,
    skip_unreadable: Annotated[bool, typer.Option("--skip-unreadable", help=_SKIP_HELP)] = False,
    debug: _DebugOpt = False,
) -> None:
    src = open_source(source)
    options = LoadOptions(owners=owners, privileges=privileges, skip_unreadable=skip_unreadable)
    with _loading(False) as progress:
        loaded = load_detected([src], dialect, options, progress)
    d, schema = loaded.dialect, loaded.schemas[0]
    if schema.unseen:  # a partial snapshot says so
        for w in schema.warnings:
            typer.echo(str(w), err=True)
    elif loaded.switched is not None:  # read in the dialect the detection did not choose
        typer.echo(str(loaded.switched), err=True)
    sys.stdout.write(d.snapshot(schema))


@check_migrations_app.command(
    help="Offline: apply a folder of migrations to a base schema (parsed as one schema history: "
    "Flyway's V<version>__x.sql in version order, then R__x.sql, U files left out; other names in name "
    "order) and compare the result with the committed snapshot. Exit 0 when they agree, 1 with the "
    "forward migration from the migrations' result to the snapshot when they do not, 2 on an error."
)
def check_migrations_cmd(
    base: Annotated[
        str, typer.Argument(help="the schema the migrations start from: file, directory, git:REV:PATH")
    ],
    migrations: Annotated[str, typer.Argument(help="the folder of migration .sql files")],
    snapshot: Annotated[
        str, typer.Argument(help="the committed snapshot they must reach: file, directory, git:REV:PATH")
    ],
    dialect: _DialectOpt = None,
    fmt: Annotated[
        Format, typer.Option("--format", "-f", help="what to print when they differ: sql, markdown or json")
    ] = Format.sql,
    allow_destructive: Annotated[
        bool | None,
        typer.Option(
            "--allow-destructive/--no-allow-destructive",
            help="write DROPs in the printed migration uncommented",
            show_default=False,
        ),
    ] = None,
    strict: Annotated[
        bool | None,
        typer.Option(
            "--strict/--no-strict", help="statements that cannot be modelled are errors", show_default=False
        ),
    ] = None,
    schema: _SchemaOpt = None,
    include: _IncludeOpt = None,
    exclude: _ExcludeOpt = None,
    kinds: _KindsOpt = None,
    config: _ConfigOpt = None,
    no_config: _NoConfigOpt = False,
    quiet: _QuietOpt = False,
    debug: _DebugOpt = False,
) -> None:
    if fmt not in (Format.sql, Format.markdown, Format.json):
        raise DdlError(f"check-migrations --format {fmt}: use sql, markdown or json")
    conf = Config() if no_config else load_config(path=config)
    with _loading(quiet) as progress:
        plan = migrations_plan(
            base,
            migrations,
            snapshot,
            _pick(dialect, conf.dialect, None),
            LoadOptions(strict=_pick(strict, conf.strict, False)),
            scope=_scope(conf, schema, include, exclude, kinds),
            progress=progress,
        )
    if not quiet:
        for w in (*plan.old.warnings, *plan.new.warnings):
            typer.echo(str(w), err=True)
    if not plan.changes:
        if not quiet:
            agree = f"{printable(migrations)} applied to {printable(base)} agrees with {printable(snapshot)}"
            typer.echo(f"ddlcompare: {agree}", err=True)
        raise typer.Exit(0)
    if fmt is Format.json:
        _print(render_json(plan))
    elif fmt is Format.markdown:
        _print(render_markdown(plan))
    else:
        style = dialects.get(plan.dialect).STYLE
        destructive = _pick(allow_destructive, conf.allow_destructive, False)
        _print(render_script(plan, style, allow_destructive=destructive))
    if not quiet:
        typer.echo(
            f"ddlcompare: {printable(migrations)} applied to {printable(base)} differs from "
            f"{printable(snapshot)}; to reach it: {one_line(plan)}",
            err=True,
        )
    raise typer.Exit(1)


@json_schema_app.command(help="Print the JSON Schema (draft 2020-12) of --format json and diff.json.")
def json_schema_cmd() -> None:
    sys.stdout.write(json_schema())


drift_app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
log_app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
precommit_app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)


@drift_app.command(
    help="Compare one BASELINE (file, git:REV:PATH or URL) with many TARGETS (databases, files) in "
    "parallel; one verdict line per target (in sync, N differences, unreachable).\n\n"
    "Exit codes: 0 every target in sync, 1 a target drifted, 4 none drifted but a target could not be "
    "read (unreachable), 2 error (bad arguments, unreadable baseline)."
)
def drift_cmd(
    baseline: Annotated[str, typer.Argument(help="the expected schema: file, git:REV:PATH or URL")],
    targets: Annotated[list[str], typer.Argument(help="databases (URLs) or files to check")],
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="targets read at once")] = 4,
    output_dir: Annotated[
        Path | None,
        typer.Option(
            "--output-dir",
            "-o",
            help="write each target's reports (migration_forward.sql, ... as for OLD NEW; baseline is "
            "old, the target new) into a folder named after it without its password, and drift.txt",
        ),
    ] = None,
    dialect: _DialectOpt = None,
    owners: Annotated[bool, typer.Option("--owners", help="compare object owners")] = False,
    privileges: Annotated[bool, typer.Option("--privileges", help="compare grants")] = False,
    skip_unreadable: Annotated[bool, typer.Option("--skip-unreadable", help=_SKIP_HELP)] = False,
    audit_log: _AuditLogOpt = None,
    quiet: _QuietOpt = False,
    debug: _DebugOpt = False,
) -> None:
    options = LoadOptions(owners=owners, privileges=privileges, skip_unreadable=skip_unreadable)
    bar = _Progress("drift") if sys.stderr.isatty() and not quiet else None
    d, base, verdicts = fleet.drift(
        baseline, targets, dialect, options, jobs, progress=bar.update if bar else None
    )
    if bar is not None:
        bar.close()
    if output_dir is not None:
        fleet.write_all(verdicts, d, output_dir)
    _print("".join(f"{v.line}\n" for v in verdicts))
    code = fleet.exit_code(verdicts)
    if audit_log is not None:
        audit.append(audit_log, [fleet.audit_entry(base, v) for v in verdicts])
    if not quiet:
        n = {k: sum(1 for v in verdicts if v.status == k) for k in (fleet.IN_SYNC, fleet.DRIFTED)}
        lost = len(verdicts) - sum(n.values())
        typer.echo(
            f"ddlcompare: {len(verdicts)} target(s): {n[fleet.IN_SYNC]} in sync, "
            f"{n[fleet.DRIFTED]} drifted, {lost} unreachable",
            err=True,
        )
    raise typer.Exit(code)


class _Progress:
    """A one-line progress bar on stderr (a terminal only), erased when done. With a `delay`, it is
    drawn only once the work has lasted that long, so that quick runs stay quiet, and then redrawn
    every second with the seconds elapsed (one long step, such as parsing a large file, gives no
    update to draw on)."""

    def __init__(self, label: str, delay: float = 0.0) -> None:
        self.label = label
        self._lock = threading.Lock()
        self._state: tuple[int, int] | None = None
        self._timed = delay > 0
        self._shown = not self._timed  # whether updates are drawn
        self._drawn = self._closed = False
        self._start = time.monotonic()
        self._timer: threading.Timer | None = None
        if self._timed:
            self._tick(delay)

    def _tick(self, after: float) -> None:
        self._timer = threading.Timer(after, self._show)
        self._timer.daemon = True
        self._timer.start()

    def _show(self) -> None:
        with self._lock:
            if not self._closed:
                self._shown = True
                if self._state is not None:
                    self._draw(*self._state)
                self._tick(1.0)

    def update(self, done: int, total: int) -> None:
        with self._lock:
            self._state = (done, total)
            if self._shown and not self._closed:
                self._draw(done, total)

    def _draw(self, done: int, total: int) -> None:
        width = 30
        full = width * done // max(total, 1)
        elapsed = f", {int(time.monotonic() - self._start)} s" if self._timed else ""
        sys.stderr.write(f"\r{self.label} [{'#' * full}{' ' * (width - full)}] {done}/{total}{elapsed}")
        sys.stderr.flush()
        self._drawn = True

    def close(self) -> None:
        with self._lock:
            self._closed = True
            if self._timer is not None:
                self._timer.cancel()
            if self._drawn:
                sys.stderr.write("\r\x1b[2K")
                sys.stderr.flush()


_PROGRESS_DELAY = 1.0  # seconds of loading before its progress is drawn


@contextlib.contextmanager
def _loading(quiet: bool) -> Iterator[Callable[[int, int], None] | None]:
    """The progress callback of loading the sources: a bar on stderr when it is a terminal (not
    with --quiet), drawn once loading has taken `_PROGRESS_DELAY`, erased when it ends or fails."""
    bar = _Progress("reading", delay=_PROGRESS_DELAY) if sys.stderr.isatty() and not quiet else None
    try:
        yield bar.update if bar is not None else None
    finally:
        if bar is not None:
            bar.close()


@log_app.command(
    help="Walk the git history of a schema file (git log --follow PATH): each commit with what it "
    "changed since the previous version (its summary and the changed objects' keys), newest first."
)
def log_cmd(
    path: Annotated[str, typer.Argument(help="a schema file tracked by git")],
    dialect: _DialectOpt = None,
    debug: _DebugOpt = False,
) -> None:
    out = []
    for step in history.history(path, dialect):
        r = step.revision
        out.append(f"{r.commit[:12]} {r.date} {printable(r.subject)}\n    {one_line(step.plan)}\n")
        out.extend(f"    {line}\n" for line in fleet.change_lines(step.plan))
    _print("".join(out))


@precommit_app.command(
    help="The pre-commit hook: compare each staged FILE with its version in HEAD (a new file with an "
    "empty schema) and block the commit (exit 3) when a change is at or above --fail-on. Prints a line "
    "per changed file, and the blocking steps."
)
def precommit_cmd(
    files: Annotated[list[str], typer.Argument(help="staged schema files")],
    fail_on: Annotated[
        str, typer.Option("--fail-on", help="block at this severity or above (low, medium, high, critical)")
    ] = "critical",
    dialect: _DialectOpt = None,
    debug: _DebugOpt = False,
) -> None:
    gate = parse_severity(fail_on)
    blocked = 0
    for st in history.staged(files, dialect):
        if not st.plan.changes:
            continue
        name = printable(st.path) + (" (new file)" if st.new_file else "")
        top = highest(st.plan)
        if top is None or top < gate:
            typer.echo(f"{name}: {one_line(st.plan)}", err=True)
            continue
        blocked += 1
        typer.echo(f"{name}: blocked (--fail-on {gate}): {one_line(st.plan)}", err=True)
        for step in st.plan.steps:
            if step.severity >= gate:
                codes = ", ".join(sorted({str(h.code) for h in step.hazards}))
                typer.echo(f"  {step.severity}: {verb(step.change)} {step.key} ({codes})", err=True)
    if blocked:
        typer.echo(
            f"ddlcompare: {blocked} file(s) blocked; the report: ddlcompare git:HEAD:FILE FILE -f markdown",
            err=True,
        )
        raise typer.Exit(3)


_SUBCOMMANDS = {
    "snapshot": snapshot_app,
    "json-schema": json_schema_app,
    "drift": drift_app,
    "log": log_app,
    "precommit": precommit_app,
    "check-migrations": check_migrations_app,
}


def _pick(given: _T | None, configured: _T | None, default: _T) -> _T:
    """The command line's value, else the options file's, else the default."""
    if given is not None:
        return given
    return configured if configured is not None else default


_warned: list[bool] = []  # whether this run has said that it scrubbed its output


def _scrubbed(text: str) -> str:
    """`text` without the passwords of the command line's URLs (sources are named by their redacted
    URL already; this catches what a driver or a library might echo)."""
    clean = dburl.scrub(text)
    if clean != text:
        _warn_scrubbed()
    return clean


def _print(text: str) -> None:
    """Write `text` to stdout scrubbed as a whole, then in pieces: encoding a 30 MB script at once
    would copy it whole (a piece of scrubbed text holds no secret, so scrubbing each piece again
    finds nothing)."""
    text = _scrubbed(text)
    for start in range(0, len(text), _PIECE):
        sys.stdout.write(text[start : start + _PIECE])


_PIECE = 1 << 20  # characters


def _warn_scrubbed() -> None:
    if not _warned:
        _warned.append(True)
        sys.stderr.write("ddlcompare: warning: a database password occurred in the output; written as ***\n")


class _Entry(Protocol):
    def __call__(self, argv: list[str] | None = None) -> None: ...


def _no_passwords(entry: _Entry) -> _Entry:
    """Run `entry` with stdout and stderr scrubbed of the secrets of every URL among the arguments
    (registered before anything runs, so that even a usage error cannot echo one)."""

    @functools.wraps(entry)
    def run(argv: list[str] | None = None) -> None:
        with dburl.secret_scope():
            for arg in sys.argv[1:] if argv is None else argv:
                dburl.register_url(arg)
                if arg.startswith("--") and "=" in arg:  # --check-db=URL
                    dburl.register_url(arg.split("=", 1)[1])
            _warned.clear()
            out, err = sys.stdout, sys.stderr
            sys.stderr = dburl.ScrubbedWriter(err)
            sys.stdout = dburl.ScrubbedWriter(out, on_scrub=_warn_scrubbed)
            try:
                entry(argv)
            finally:
                sys.stdout, sys.stderr = out, err

    return run


@_no_passwords
def main(argv: list[str] | None = None) -> None:
    """Entry point: dispatch `snapshot`, `json-schema` or compare. A DdlError is the input's fault:
    its message and exit 2. Anything else is ddlcompare's: `internal error`, also exit 2 (exit 1 would read as
    "differences found" to a CI gate), with the traceback only under --debug."""
    args = list(sys.argv[1:] if argv is None else argv)
    sub = _SUBCOMMANDS.get(args[0]) if args else None
    app, prog = (sub, f"ddlcompare {args[0]}") if sub is not None else (compare_app, "ddlcompare")
    if sub is not None:
        args = args[1:]
    debug = "--debug" in args
    try:
        # not standalone: typer would draw its usage errors in a box, which a CI log shows as
        # box-drawing characters around the one line that matters
        code = app(args=args, prog_name=prog, standalone_mode=False)
    except DdlError as e:
        _fail(str(e))
    except typer.TyperException as e:  # a usage error (unknown option, missing argument, bad value)
        _usage_error(e)
    except (KeyboardInterrupt, typer.Abort):
        sys.stderr.write("interrupted\n")
        sys.exit(130)
    except Exception as e:  # the crash contract: never a bare traceback, never exit 1
        err = located(e, None)
        if isinstance(err, DdlError):
            _fail(str(err))
        cause = err.cause if isinstance(err, InternalError) else e
        if debug:
            traceback.print_exception(cause, file=sys.stderr)
        _fail(
            f"ddlcompare: {err}\n  hint: this is a bug in ddlcompare; please report it with the input "
            + ("and the traceback above" if debug else "(run again with --debug for the traceback)")
        )
    # the commands end with typer.Exit(code), which typer returns when not standalone
    sys.exit(code if isinstance(code, int) else 0)


def entry() -> NoReturn:
    """The console script: `main`, then the process ends without the interpreter's teardown. Freeing
    the objects a large schema pair leaves behind one by one took 0.4 s of a 12 s run (10,000 tables),
    and nothing is left to do: the outputs are written and closed, the streams flushed here."""
    code = 0
    shutdown.park_garbage()  # what would be freed on the way out is left to os._exit below
    try:
        main()
    except SystemExit as done:  # main always ends this way, with an int
        code = done.code if isinstance(done.code, int) else 2
    with contextlib.suppress(OSError):  # a reader that closed the pipe early (`| head`) took what it wanted
        sys.stdout.flush()
        sys.stderr.flush()
    os._exit(code)


def _usage_error(e: typer.TyperException) -> NoReturn:
    """`error: ...` with a hint, then the usage line; exit 2 (as for bad input)."""
    ctx: typer.Context | None = getattr(e, "ctx", None)
    where = ctx.command_path if ctx is not None else "ddlcompare"
    error = DdlError(e.format_message(), hint=f"{where} --help lists the arguments and options")
    _fail(f"{error}\n{ctx.get_usage()}" if ctx is not None else str(error))


def _fail(message: str) -> NoReturn:
    sys.stderr.write(f"{message}\n")
    sys.exit(2)


def _available() -> str:  # pragma: no cover - used by --help text only
    return ", ".join(dialects.available())
