"""The live round trip: load old and new into fresh databases, apply forward to old twice, read both
back with the live reader (no difference), apply rollback twice (equal to old again). Applying each
script a second time proves it re-runnable (the default); --no-idempotent scripts run once."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass

from ddlcompare import plan_between
from ddlcompare.dialects import LoadOptions, get
from ddlcompare.diff.compare import diff
from ddlcompare.diff.renames import RenameHint, with_annotations
from ddlcompare.model.base import Schema
from ddlcompare.output.markdown import render_markdown
from ddlcompare.output.sql import render_script
from ddlcompare.plan.plan import Plan, PlanOptions
from tests.support import pgdb


@dataclass(frozen=True)
class Outcome:
    """Where the round trip stopped: "ok", or load old|load new|plan|forward|forward again|forward
    result|rollback|rollback again|..."""

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


def differences(a_url: str, b_url: str | Schema) -> str:
    """Empty when the two live databases are equal in the model, else a readable report."""
    d = get("postgres")
    a = d.inspect(a_url, LoadOptions())
    b = b_url if isinstance(b_url, Schema) else d.inspect(b_url, LoadOptions())
    changes = diff(a, b, column_order=d.COLUMN_ORDER)
    if not changes:
        return ""
    return render_markdown(plan_between(a, b))


def make_plan(
    old_sql: str,
    new_sql: str,
    old_name: str = "old.sql",
    new_name: str = "new.sql",
    options: PlanOptions | None = None,
    renames: Sequence[RenameHint] = (),
) -> Plan:
    d = get("postgres")
    new = with_annotations(d.parse(new_sql, new_name, LoadOptions()), new_sql, new_name)
    return plan_between(d.parse(old_sql, old_name, LoadOptions()), new, options=options, renames=renames)


def scripts(plan: Plan, *, allow_destructive: bool = True) -> tuple[str, str]:
    """(forward, rollback) of a plan, destructive statements included or held back."""
    style = get("postgres").STYLE
    return (
        render_script(plan, style, allow_destructive=allow_destructive),
        render_script(plan, style, rollback=True, allow_destructive=allow_destructive),
    )


def holds_back(plan: Plan) -> bool:
    """Whether the default scripts differ from the --allow-destructive ones (something is held back):
    only then does the default-mode round trip prove more than the other one."""
    return scripts(plan) != scripts(plan, allow_destructive=False)


def roundtrip_pg(
    old_sql: str,
    new_sql: str,
    *,
    setup_sql: str | None = None,
    forward: str | None = None,
    rollback: str | None = None,
    old_live: Schema | None = None,
    new_live: Schema | None = None,
    allow_destructive: bool = True,
    online: bool = False,
    options: PlanOptions | None = None,
    renames: Sequence[RenameHint] = (),
    twice: bool | None = None,
    parsed: bool = False,
) -> Outcome:
    """Run the round trip; `forward`/`rollback` default to ddlcompare's scripts for the pair, planned
    with `options` (`online`: the default options with --online).

    `old_live`/`new_live`: the live reader's models of the two sides loaded on their own, when the
    caller already has them (the corpus suites cache them); then one database is enough. With
    destructive statements held back (`allow_destructive` False, the default mode of the command)
    the forward reaches only part of new, so only the return to old is compared. `twice`: apply
    each script a second time; by default when the scripts are ddlcompare's re-runnable ones.
    `parsed`: the database after the forward script is also compared with the parsed new file,
    and after the rollback with the parsed old file, into `Outcome.offline` (a model that only
    meets a fresh load of the file still finds changes against a live database).
    """
    opts = options or PlanOptions(online=online)
    if twice is None:
        twice = opts.idempotent
    if forward is None or rollback is None:
        try:
            plan = make_plan(old_sql, new_sql, options=opts, renames=renames)
            forward, rollback = scripts(plan, allow_destructive=allow_destructive)
        except Exception as e:
            return Outcome("plan", f"{type(e).__name__}: {e}")
    with ExitStack() as stack:
        a = stack.enter_context(pgdb.fresh_db("ddlc_rt"))
        loads = [(a, old_sql, "load old")]
        new_ref: str | Schema | None = new_live
        old_ref: str | Schema | None = old_live
        if new_ref is None or old_ref is None:
            b = stack.enter_context(pgdb.fresh_db("ddlc_rt"))
            c = stack.enter_context(pgdb.fresh_db("ddlc_rt"))
            loads += [(b, new_sql, "load new"), (c, old_sql, "load old")]
            new_ref, old_ref = pgdb.url(b), pgdb.url(c)
        assert new_ref is not None and old_ref is not None
        for db, sql, stage in loads:
            try:
                if setup_sql:
                    pgdb.load(db, setup_sql)
                pgdb.load(db, sql)
            except pgdb.LoadError as e:
                return Outcome(stage, str(e), forward, rollback)
        # each script twice: its re-runnable form (the default) must run again and change nothing,
        # which the readbacks below prove after the second run
        for stage in ("forward", "forward again")[: 2 if twice else 1]:
            try:
                pgdb.load(a, forward, roles=False)
            except pgdb.LoadError as e:
                return Outcome(stage, str(e), forward, rollback)
        report = differences(pgdb.url(a), new_ref) if allow_destructive else ""
        if report:
            return Outcome("forward result", report, forward, rollback)
        offline: list[str] = []
        if allow_destructive and parsed:
            offline.append(_offline("new.sql", differences(pgdb.url(a), _parse(new_sql, "new.sql"))))
        for stage in ("rollback", "rollback again")[: 2 if twice else 1]:
            try:
                pgdb.load(a, rollback, roles=False)
            except pgdb.LoadError as e:
                return Outcome(stage, str(e), forward, rollback)
        report = differences(pgdb.url(a), old_ref)
        if report:
            return Outcome("rollback result", report, forward, rollback)
        if parsed:
            offline.append(_offline("old.sql", differences(pgdb.url(a), _parse(old_sql, "old.sql"))))
    return Outcome("ok", "", forward, rollback, "".join(offline))


def _offline(name: str, report: str) -> str:
    return f"live database (old) vs parsed {name} (new):\n{report}\n" if report else ""


def _parse(sql: str, name: str) -> Schema:
    return get("postgres").parse(sql, name, LoadOptions())
