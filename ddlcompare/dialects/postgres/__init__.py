"""PostgreSQL dialect: pglast parser, catalog reader, renderer and planning hooks."""

from __future__ import annotations

from collections.abc import Sequence

from ddlcompare.dialects import LoadOptions
from ddlcompare.diff.changes import Alter, Change
from ddlcompare.diff.renames import Capabilities
from ddlcompare.model.base import ObjectKey, Schema, SchemaObject
from ddlcompare.output.mask import Masking
from ddlcompare.output.sql import ScriptStyle
from ddlcompare.plan.checks import CheckResult, DataCheck, Validation
from ddlcompare.plan.hazards import Hazard
from ddlcompare.plan.plan import Plan, RenderContext, Statement


class PostgresDialect:
    """The PostgreSQL dialect (see ddlcompare.dialects.Dialect)."""

    NAME = "postgres"
    COLUMN_ORDER = False  # PostgreSQL cannot reorder columns; order is not compared
    STYLE = ScriptStyle(
        transactional=True,
        # bodies may refer to objects created later in the script (as pg_dump does)
        preamble=("SET LOCAL check_function_bodies = false;",),
        # --online: a lock not granted in time fails the statement instead of queueing every
        # later reader and writer of the table behind it
        online_transaction=(
            "SET LOCAL lock_timeout = {lock_timeout};",
            "SET LOCAL statement_timeout = {statement_timeout};",
        ),
        online_session=(
            "SET lock_timeout = {lock_timeout};",
            "SET statement_timeout = {statement_timeout};",
        ),
        masking=Masking(dollar_quotes=True),
    )

    # renamed in place (ALTER ... RENAME); views follow a renamed table on the server
    RENAMES = Capabilities(
        frozenset(
            (
                "table", "column", "view", "materialized_view", "sequence", "index", "primary_key",
                "unique", "check", "foreign_key", "exclude", "trigger", "enum", "domain",
                "composite_type", "enum_label",
            )
        ),
        views_follow=True,
    )

    def parse(self, text: str, path: str, options: LoadOptions) -> Schema:
        """Parse a PostgreSQL schema file."""
        from ddlcompare.dialects.postgres.parse import parse

        return parse(text, path, options)

    def parse_many(self, files: Sequence[tuple[str, str]], options: LoadOptions) -> list[Schema]:
        """Parse several files; a later one replays the statements it shares with an earlier one,
        and large files are split and parsed ahead in a second process."""
        from ddlcompare.dialects.postgres.parse import parse_many

        return parse_many(files, options)

    def inspect(self, url: str, options: LoadOptions) -> Schema:
        """Read a live PostgreSQL database (read-only) into the model."""
        from ddlcompare.dialects.postgres.catalog import inspect

        return inspect(url, options)

    def snapshot(self, schema: Schema) -> str:
        """Canonical DDL of a whole schema."""
        from ddlcompare.dialects.postgres.render import snapshot

        return snapshot(schema)

    def render(self, change: Change, ctx: RenderContext) -> Sequence[Statement]:
        from ddlcompare.dialects.postgres.render import render

        return render(change, ctx)

    def hazards(self, statement: Statement, change: Change, ctx: RenderContext) -> Sequence[Hazard]:
        from ddlcompare.dialects.postgres.hazards import hazards

        found: Sequence[Hazard] = hazards(statement, change, ctx)
        return found

    def rerunnable(self, statement: Statement, ctx: RenderContext) -> Statement:
        """IF [NOT] EXISTS, OR REPLACE or a catalog guard (see ddlcompare.dialects.postgres.rerun)."""
        from ddlcompare.dialects.postgres.rerun import rerunnable

        return rerunnable(statement, ctx)

    def rebuild(self, change: Alter) -> bool:
        from ddlcompare.dialects.postgres.render import needs_rebuild

        return needs_rebuild(change)

    def invalidates(self, change: Alter, dependent: SchemaObject) -> bool:
        from ddlcompare.dialects.postgres.render import invalidates

        return invalidates(change, dependent)

    def converts(self, change: Alter, dependent: SchemaObject) -> bool:
        from ddlcompare.dialects.postgres.render import converts

        return converts(change, dependent)

    def detaches(self, rebuilt: SchemaObject, dependent: SchemaObject) -> bool:
        from ddlcompare.dialects.postgres.render import detaches

        return detaches(rebuilt, dependent)

    def kind_rank(self, kind: str) -> int:
        return _RANK.get(kind, len(_RANK))

    def namespace(self, obj: SchemaObject) -> tuple[str, ...]:
        """Relations (and the indexes behind constraints) share one namespace per schema."""
        k = obj.key
        if k.kind in _RELATION_NS:
            return ("relation", k.schema, k.name)
        if k.kind in _CONSTRAINT_NS:
            return ("constraint", k.schema, k.parent, k.name)
        if k.kind in ("enum", "domain", "composite_type", "range_type"):
            return ("type", k.schema, k.name)
        if k.kind in ("function", "procedure", "aggregate"):
            return ("routine", k.schema, k.name)
        return (k.kind, k.schema, k.parent, k.name)

    def dropped_with(self, obj: SchemaObject, dropped: frozenset[ObjectKey]) -> ObjectKey | None:
        """Objects owned by a dropped relation go with it; so do sequences owned by a dropped table."""
        k = obj.key
        if k.kind == "foreign_key":
            return None  # dropped on its own: it may tie two dropped tables into a cycle
        if k.parent:
            for kind in ("table", "view", "materialized_view"):
                rel = ObjectKey(kind, k.schema, k.parent)
                if rel in dropped:
                    return rel
        owned = getattr(obj, "owned_by", None)
        if owned is not None and ObjectKey("table", k.schema, owned[0]) in dropped:
            return ObjectKey("table", k.schema, owned[0])
        return None

    def container(self, obj: SchemaObject) -> ObjectKey | None:
        """Objects live in their schema (extensions and schemas themselves in none)."""
        return ObjectKey("schema", "", obj.schema) if obj.schema else None

    def combine(self, plan: Plan) -> Plan:
        """PostgreSQL applies each change on its own: nothing to merge."""
        return plan

    def validate(self, plan: Plan, held: Sequence[int] = ()) -> Validation:
        from ddlcompare.dialects.postgres.checks import RULES, Queries, extra_checks, remote_checks
        from ddlcompare.plan.checks import validate

        return remote_checks(validate(plan, RULES, Queries(), extra_checks, held))

    def run_checks(self, url: str, checks: Sequence[DataCheck], timeout: float) -> Sequence[CheckResult]:
        from ddlcompare.dialects.postgres.checks import run

        return run(url, checks, timeout)

    def detect(self, text: str) -> int:
        from ddlcompare.dialects.detect import _PG, _evidence, _score

        return _score(_evidence(text), _PG)


_RANK = {
    k: i
    for i, k in enumerate(
        [
            "schema",
            "extension",
            "collation",
            "enum",
            "range_type",
            "domain",
            "composite_type",
            "type",
            "function",
            "procedure",
            "aggregate",
            "operator",
            "cast",
            "sequence",
            "table",
            "primary_key",
            "unique",
            "exclude",
            "check",
            "index",
            "view",
            "materialized_view",
            "foreign_key",
            "trigger",
            "rule",
            "policy",
            "statistics",
        ]
    )
}
_RELATION_NS = frozenset(
    (
        "table",
        "view",
        "materialized_view",
        "sequence",
        "index",
        "primary_key",
        "unique",
        "exclude",
        "composite_type",
    )
)
_CONSTRAINT_NS = frozenset(("primary_key", "unique", "exclude", "check", "foreign_key"))

DIALECT = PostgresDialect()
