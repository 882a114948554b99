"""The live round trip: load old and new into fresh databases, apply forward to old, read both back
with the live reader (no difference), apply rollback (equal to old again)."""

from __future__ import annotations

from dataclasses import dataclass

from ddlcompare import plan_between
from ddlcompare.dialects import LoadOptions, get
from ddlcompare.diff.compare import diff
from ddlcompare.output.markdown import render_markdown
from ddlcompare.output.sql import render_script
from ddlcompare.plan.plan import Plan
from tests.support import pgdb


@dataclass(frozen=True)
class Outcome:
    """Where the round trip stopped: "ok", or load old|load new|plan|forward|forward result|rollback|..."""

    stage: str
    detail: str = ""
    forward: str = ""
    rollback: str = ""

    @property
    def ok(self) -> bool:
        return self.stage == "ok"


def _differences(a_url: str, b_url: str) -> str:
    """Empty when the two live databases are equal in the model, else a readable report."""
    d = get("postgres")
    a = d.inspect(a_url, LoadOptions())
    b = d.inspect(b_url, LoadOptions())
    changes = diff(a, b, column_order=d.COLUMN_ORDER)
    if not changes:
        return ""
    return render_markdown(plan_between(a, b))


def make_plan(old_sql: str, new_sql: str, old_name: str = "old.sql", new_name: str = "new.sql") -> Plan:
    d = get("postgres")
    return plan_between(d.parse(old_sql, old_name, LoadOptions()), d.parse(new_sql, new_name, LoadOptions()))


def roundtrip_pg(
    old_sql: str,
    new_sql: str,
    *,
    setup_sql: str | None = None,
    forward: str | None = None,
    rollback: str | None = None,
) -> Outcome:
    """Run the round trip; `forward`/`rollback` default to ddlcompare's scripts for the pair."""
    if forward is None or rollback is None:
        try:
            plan = make_plan(old_sql, new_sql)
        except Exception as e:
            return Outcome("plan", f"{type(e).__name__}: {e}")
        style = get("postgres").STYLE
        forward = render_script(plan, style, allow_destructive=True)
        rollback = render_script(plan, style, rollback=True, allow_destructive=True)
    with pgdb.fresh_db("ddlc_rt") as a, pgdb.fresh_db("ddlc_rt") as b, pgdb.fresh_db("ddlc_rt") as c:
        for db, sql, stage in ((a, old_sql, "load old"), (b, new_sql, "load new"), (c, old_sql, "load old")):
            try:
                if setup_sql:
                    pgdb.load(db, setup_sql)
                pgdb.load(db, sql)
            except pgdb.LoadError as e:
                return Outcome(stage, str(e), forward, rollback)
        try:
            pgdb.load(a, forward, roles=False)
        except pgdb.LoadError as e:
            return Outcome("forward", str(e), forward, rollback)
        report = _differences(pgdb.url(a), pgdb.url(b))
        if report:
            return Outcome("forward result", report, forward, rollback)
        try:
            pgdb.load(a, rollback, roles=False)
        except pgdb.LoadError as e:
            return Outcome("rollback", str(e), forward, rollback)
        report = _differences(pgdb.url(a), pgdb.url(c))
        if report:
            return Outcome("rollback result", report, forward, rollback)
    return Outcome("ok", "", forward, rollback)
