"""Dialect registry: name -> module, imported lazily so the core never loads a parser it does not need."""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Protocol

from ddlcompare.diff.changes import Alter, Change
from ddlcompare.diff.renames import Capabilities
from ddlcompare.errors import DdlError, Warning
from ddlcompare.model.base import ObjectKey, Schema, SchemaObject, Unseen
from ddlcompare.output.sql import ScriptStyle
from ddlcompare.plan.checks import CheckResult, DataCheck, Validation
from ddlcompare.plan.hazards import Hazard
from ddlcompare.plan.plan import Plan, RenderContext, Statement

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess


@dataclass(frozen=True, slots=True)
class LoadOptions:
    """What a parser or catalog reader keeps and how strict it is."""

    strict: bool = False  # unmodelled statements are errors, not warnings
    owners: bool = False  # keep ownership (compared only when asked)
    privileges: bool = False  # keep grants (compared only when asked)
    # live sources: leave out (with a warning) what the account cannot see, instead of failing
    skip_unreadable: bool = False


def worker_pays(texts: Sequence[str], min_chars: int) -> bool:
    """Whether a forked worker parsing ahead (a dialect's prefetch.py) pays off: large enough files,
    a system that can fork and more than one core. Not from a process running other threads (a host
    application): a forked child gets their locks in whatever state they were."""
    return (
        sum(map(len, texts)) >= min_chars
        and hasattr(os, "fork")
        and os.cpu_count() != 1
        and threading.active_count() == 1
    )


def start_worker(target: Callable[..., None], *args: object) -> tuple[BaseProcess, Connection]:
    """`target(*args, conn)` in a forked process (a dialect's prefetch worker), and the receiving
    end of `conn`, a pipe with a large buffer."""
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    conn, child = ctx.Pipe(duplex=False)
    with contextlib.suppress(ImportError, AttributeError, OSError):  # not Linux, or a lower limit
        import fcntl

        # Linux pipes hold 64 KiB: a larger buffer saves the worker a wait per 64 KiB sent
        fcntl.fcntl(child.fileno(), fcntl.F_SETPIPE_SZ, 1 << 20)
    proc = ctx.Process(target=target, args=(*args, child), daemon=True)
    proc.start()
    child.close()
    return proc, conn


def stop_worker(proc: BaseProcess, conn: Connection) -> None:
    """Close the pipe of a worker from start_worker and end it, done or not."""
    conn.close()
    if proc.is_alive():
        proc.terminate()
    proc.join()


def unreadable(schema: Schema, unseen: Sequence[Unseen], source: str, options: LoadOptions) -> Schema:
    """A live schema that could not see `unseen`: an error naming the missing grants, or with
    `skip_unreadable` the schema marking them unseen (left out of comparisons), with a warning each."""
    if not unseen:
        return schema
    if not options.skip_unreadable:
        raise DdlError(
            f"{source}: " + "; ".join(f"cannot see {u.what}: {u.reason}" for u in unseen),
            hint="grant what is missing, or pass --skip-unreadable to leave it out of the comparison "
            "(with a warning)",
        )
    warnings = tuple(Warning(f"{source}: cannot see {u.what}, left out: {u.reason}") for u in unseen)
    return replace(schema, warnings=schema.warnings + warnings, unseen=schema.unseen + tuple(unseen))


class Dialect(Protocol):
    """What a dialect module provides (see dialects/postgres/__init__.py)."""

    NAME: str
    COLUMN_ORDER: bool  # column order is part of a table's identity
    STYLE: ScriptStyle
    RENAMES: Capabilities  # what can be renamed in place

    def parse(self, text: str, path: str, options: LoadOptions) -> Schema: ...

    def parse_many(self, files: Sequence[tuple[str, str]], options: LoadOptions) -> list[Schema]:
        """Parse several (text, path) files, in order (a dialect may share work between them)."""
        ...

    def inspect(self, url: str, options: LoadOptions) -> Schema: ...

    def snapshot(self, schema: Schema) -> str: ...

    def render(self, change: Change, ctx: RenderContext) -> Sequence[Statement]: ...

    def hazards(self, statement: Statement, change: Change, ctx: RenderContext) -> Sequence[Hazard]: ...

    def rerunnable(self, statement: Statement, ctx: RenderContext) -> Statement: ...

    def rebuild(self, change: Alter) -> bool: ...

    def invalidates(self, change: Alter, dependent: SchemaObject) -> bool: ...

    def converts(self, change: Alter, dependent: SchemaObject) -> bool: ...

    def detaches(self, rebuilt: SchemaObject, dependent: SchemaObject) -> bool: ...

    def kind_rank(self, kind: str) -> int: ...

    def namespace(self, obj: SchemaObject) -> tuple[str, ...]: ...

    def dropped_with(self, obj: SchemaObject, dropped: frozenset[ObjectKey]) -> ObjectKey | None: ...

    def container(self, obj: SchemaObject) -> ObjectKey | None: ...

    def combine(self, plan: Plan) -> Plan:
        """Merge steps where the dialect wants fewer statements (MySQL: one ALTER TABLE per table)."""
        ...

    def detect(self, text: str) -> int: ...

    def validate(self, plan: Plan, held: Sequence[int] = ()) -> Validation:
        """The static findings and data checks of `plan` (see ddlcompare.plan.checks); `held`: the
        steps the default script holds back."""
        ...

    def run_checks(self, url: str, checks: Sequence[DataCheck], timeout: float) -> Sequence[CheckResult]:
        """Run the data checks against a live database, read-only, each under `timeout` seconds."""
        ...


_MODULES = {"postgres": "ddlcompare.dialects.postgres", "mysql": "ddlcompare.dialects.mysql"}
ALIASES = {
    "postgres": "postgres",
    "postgresql": "postgres",
    "pg": "postgres",
    "mysql": "mysql",
    "mariadb": "mysql",
}


def accepted() -> str:
    """The names `--dialect` accepts, each dialect with its aliases: `postgres (or postgresql, pg)
    or mysql (or mariadb)`."""
    out = []
    for canonical in _MODULES:
        aliases = [n for n, c in ALIASES.items() if c == canonical and n != canonical]
        out.append(f"{canonical} (or {', '.join(aliases)})" if aliases else canonical)
    return " or ".join(out)


def unknown(name: str) -> DdlError:
    """The error for a dialect name that is none of the accepted ones."""
    return DdlError(f"unknown dialect {name!r}", hint=f"use {accepted()}")


def get(name: str) -> Dialect:
    """The dialect module for `name` (postgres, postgresql, pg, mysql, mariadb)."""
    canonical = ALIASES.get(name.lower())
    if canonical is None:
        raise unknown(name)
    dialect: Dialect = importlib.import_module(_MODULES[canonical]).DIALECT
    return dialect


def available() -> list[str]:
    """Names of dialects whose module is present."""
    out = []
    for name, mod in _MODULES.items():
        if importlib.util.find_spec(mod) is not None:
            out.append(name)
    return out
