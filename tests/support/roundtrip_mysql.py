"""The live MySQL round trip on MariaDB: load old and new into fresh databases, apply the forward
script to old with the `mariadb` client, read it back with the live reader (equal to new, column
order and definers included), apply the rollback (equal to old again)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from functools import cache

from ddlcompare import plan_between
from ddlcompare.dialects import LoadOptions, get
from ddlcompare.dialects.mysql.render import rerun
from ddlcompare.diff.changes import Alter, Change
from ddlcompare.diff.compare import diff
from ddlcompare.diff.renames import RenameHint, with_annotations
from ddlcompare.model.base import Schema
from ddlcompare.output.sql import render_script
from ddlcompare.plan.hazards import TargetVersion, parse_target
from ddlcompare.plan.plan import Plan, PlanOptions, RenderContext
from tests.support import mydb, mysql_url

PREFIX = "ddlc_myrt_"


@dataclass(frozen=True)
class Outcome:
    """Where the round trip stopped: "ok", or load old|load new|plan|forward|forward again|
    forward result|rollback|rollback again|rollback result"""

    stage: str
    detail: str = ""
    forward: str = ""
    rollback: str = ""
    # with `parsed`: how the database after the forward script differs from the parsed new file
    # and after the rollback from the parsed old one (empty when both are equal)
    offline: str = ""

    @property
    def ok(self) -> bool:
        return self.stage == "ok"


@contextmanager
def scratch() -> Iterator[str]:
    """A fresh empty database named `ddlc_myrt_<random>` (unique across xdist workers), always dropped."""
    name = PREFIX + uuid.uuid4().hex[:16]
    proc = mydb.client(None, f"CREATE DATABASE `{name}`;")
    if proc.returncode != 0:
        raise RuntimeError(f"cannot create {name}: {proc.stderr}")
    try:
        yield name
    finally:
        mydb.client(None, f"DROP DATABASE IF EXISTS `{name}`;")


def inspect(db: str, *, definers: bool = True) -> Schema:
    """The live reader's model of `db`, by default with the definers (a view, routine, trigger or
    event the scripts re-create must keep the definer it had; they are planned without --owners)."""
    return get("mysql").inspect(mysql_url.url(db), LoadOptions(owners=definers))


def describe(changes: tuple[Change, ...]) -> str:
    """Readable differences: one line per change, column changes indented."""
    lines = []
    for c in changes:
        if isinstance(c, Alter):
            lines.append(f"alter {getattr(c.new, 'key', c.new.name)}: {'; '.join(c.reasons)}")
            for ch in c.children:
                what = "; ".join(ch.reasons) if isinstance(ch, Alter) else type(ch).__name__.lower()
                lines.append(f"    column {ch.obj.name}: {what}")
        else:
            lines.append(f"{type(c).__name__.lower()} {getattr(c.obj, 'key', c.obj.name)}")
    return "\n".join(lines)


def differences(actual: Schema, expected: Schema) -> str:
    """Empty when equal (column order included), else the changes from actual to expected."""
    return describe(diff(actual, expected, column_order=True))


@cache
def server_target() -> TargetVersion:
    """The version of the MariaDB server the round trips run on: an --online script is written for
    it, so that the server holds every ALGORITHM it states (it refuses one it cannot honour)."""
    proc = mydb.client(None, "SELECT VERSION();")
    m = re.search(r"(\d+\.\d+\.\d+)", proc.stdout)
    if proc.returncode != 0 or m is None:
        raise RuntimeError(f"cannot read the server version: {proc.stderr}")
    return parse_target(f"mariadb:{m.group(1)}", "the test server")


def make_plan(
    old_sql: str,
    new_sql: str,
    *,
    online: bool = False,
    target: TargetVersion | None = None,
    renames: Sequence[RenameHint] = (),
    idempotent: bool = True,
) -> Plan:
    """The plan from old to new for `target`; with `online`, written with --online (for the test
    server unless `target` says otherwise); `idempotent` False: --no-idempotent."""
    d = get("mysql")
    return plan_between(
        d.parse(old_sql, "old.sql", LoadOptions()),
        with_annotations(d.parse(new_sql, "new.sql", LoadOptions()), new_sql, "new.sql"),
        target=target or (server_target() if online else None),
        options=PlanOptions(online=online, idempotent=idempotent),
        renames=renames,
    )


def scripts(
    old_sql: str,
    new_sql: str,
    *,
    allow_destructive: bool = True,
    online: bool = False,
    target: TargetVersion | None = None,
    renames: Sequence[RenameHint] = (),
    idempotent: bool = True,
) -> tuple[str, str]:
    """(forward, rollback), destructive statements included or (default mode) held back."""
    plan = make_plan(
        old_sql, new_sql, online=online, target=target, renames=renames, idempotent=idempotent
    )
    style = get("mysql").STYLE
    return (
        render_script(plan, style, allow_destructive=allow_destructive),
        render_script(plan, style, rollback=True, allow_destructive=allow_destructive),
    )


def holds_back(
    old_sql: str, new_sql: str, *, online: bool = False, target: TargetVersion | None = None
) -> bool:
    """Whether the default scripts differ from the --allow-destructive ones (something is held back):
    only then does the default-mode round trip prove more than the other one."""
    plan = make_plan(old_sql, new_sql, online=online, target=target)
    style = get("mysql").STYLE
    return any(
        render_script(plan, style, rollback=rollback, allow_destructive=True)
        != render_script(plan, style, rollback=rollback, allow_destructive=False)
        for rollback in (False, True)
    )


def _run(db: str, sql: str) -> str | None:
    proc = mydb.client(db, sql)
    if proc.returncode != 0:
        return proc.stderr.strip() or f"mariadb exited with {proc.returncode}"
    return None


def roundtrip_mysql(
    old_sql: str,
    new_sql: str,
    *,
    allow_destructive: bool = True,
    online: bool = False,
    target: TargetVersion | None = None,
    renames: Sequence[RenameHint] = (),
    idempotent: bool = True,
    parsed: bool = False,
) -> Outcome:
    """Run the round trip of one pair. With destructive statements held back (the default mode) the
    forward reaches only part of new, so only the return to old is compared. With `online` the
    scripts are written with --online for the server they run on. Re-runnable scripts (not
    `idempotent` False, not a MySQL target) run twice each, and the readbacks see the second run.
    `parsed`: the database after the forward script is also compared with the parsed new file, and
    after the rollback with the parsed old file (read without definers, as a file has none unless
    it says so), into `Outcome.offline`."""
    try:
        plan = make_plan(
            old_sql, new_sql, online=online, target=target, renames=renames, idempotent=idempotent
        )
        style = get("mysql").STYLE
        forward, rollback = (
            render_script(plan, style, rollback=back, allow_destructive=allow_destructive)
            for back in (False, True)
        )
    except Exception as e:
        return Outcome("plan", f"{type(e).__name__}: {e}")
    # --no-idempotent and a MySQL target (named, or read from a dump's header) get the plain
    # statements, which do not run twice
    twice = rerun(RenderContext(plan.old, plan.new, target=plan.target, options=plan.options))
    with ExitStack() as stack:
        a, b, c = (stack.enter_context(scratch()) for _ in range(3))
        for db, sql, stage in ((a, old_sql, "load old"), (b, new_sql, "load new"), (c, old_sql, "load old")):
            err = mydb.load(db, sql)
            if err is not None:
                return Outcome(stage, err, forward, rollback)
        err = _run(a, forward)
        if err is not None:
            return Outcome("forward", err, forward, rollback)
        # the scripts can run again after they ran (issue 9): the readbacks below see the second run
        err = _run(a, forward) if twice else None
        if err is not None:
            return Outcome("forward again", err, forward, rollback)
        report = differences(inspect(a), inspect(b)) if allow_destructive else ""
        if report:
            return Outcome("forward result", report, forward, rollback)
        offline: list[str] = []
        if allow_destructive and parsed:
            offline.append(_offline(a, new_sql, "new.sql"))
        err = _run(a, rollback)
        if err is not None:
            return Outcome("rollback", err, forward, rollback)
        err = _run(a, rollback) if twice else None
        if err is not None:
            return Outcome("rollback again", err, forward, rollback)
        report = differences(inspect(a), inspect(c))
        if report:
            return Outcome("rollback result", report, forward, rollback)
        if parsed:
            offline.append(_offline(a, old_sql, "old.sql"))
    return Outcome("ok", "", forward, rollback, "".join(offline))


def _offline(db: str, sql: str, name: str) -> str:
    """How database `db` differs from `sql` parsed (empty when equal)."""
    report = differences(inspect(db, definers=False), get("mysql").parse(sql, name, LoadOptions()))
    return f"live database vs parsed {name}:\n{report}\n" if report else ""
