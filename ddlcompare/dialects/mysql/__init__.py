"""MySQL/MariaDB dialect: dump splitter + sqlglot/lark parser, catalog reader, renderer and planning hooks."""

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


class MysqlDialect:
    """The MySQL/MariaDB dialect (see ddlcompare.dialects.Dialect)."""

    NAME = "mysql"
    COLUMN_ORDER = True  # columns can be moved (FIRST / AFTER) and their order shows in SELECT *
    STYLE = ScriptStyle(
        transactional=False,
        header=(
            "MySQL DDL is not transactional: each statement commits; the script can be re-run after a "
            "failure part way.",
        ),
        plain_header=(
            "MySQL DDL is not transactional: each statement commits; written with --no-idempotent, the "
            "script cannot be re-run after a failure part way.",
        ),
        noop="DO 0;",
        client_delimiter="DELIMITER ",
        masking=Masking(backslash_escapes=True, double_quoted_strings=True),
    )

    # renamed in place (RENAME TABLE, RENAME COLUMN / CHANGE, RENAME INDEX); views name their tables
    # in their stored text, so a renamed table's views are rebuilt around the rename
    RENAMES = Capabilities(frozenset(("table", "column", "view", "index")), views_follow=False)

    def parse(self, text: str, path: str, options: LoadOptions) -> Schema:
        """Parse a mysqldump file or hand-written MySQL/MariaDB DDL."""
        from ddlcompare.dialects.mysql.parse import parse

        return parse(text, path, options)

    def parse_many(self, files: Sequence[tuple[str, str]], options: LoadOptions) -> list[Schema]:
        """Parse several files; a later one replays the dump-shaped tables it shares with an earlier one."""
        from ddlcompare.dialects.mysql.parse import parse_many

        return parse_many(files, options)

    def inspect(self, url: str, options: LoadOptions) -> Schema:
        """Read a live MySQL/MariaDB database (read-only) into the model."""
        from ddlcompare.dialects.mysql.catalog import inspect  # type: ignore[import-not-found,unused-ignore]

        schema: Schema = inspect(url, options)
        return schema

    def snapshot(self, schema: Schema) -> str:
        """Canonical DDL of a whole schema."""
        from ddlcompare.dialects.mysql.render import snapshot  # type: ignore[import-not-found,unused-ignore]

        text: str = snapshot(schema)
        return text

    def render(self, change: Change, ctx: RenderContext) -> Sequence[Statement]:
        from ddlcompare.dialects.mysql.render import render  # type: ignore[import-not-found,unused-ignore]

        out: Sequence[Statement] = render(change, ctx)
        return out

    def hazards(self, statement: Statement, change: Change, ctx: RenderContext) -> Sequence[Hazard]:
        from ddlcompare.dialects.mysql.hazards import hazards  # type: ignore[import-not-found,unused-ignore]

        found: Sequence[Hazard] = hazards(statement, change, ctx)
        return found

    def rerunnable(self, statement: Statement, ctx: RenderContext) -> Statement:
        """Renames, versioning and partitioning changes, and ALTERs of a table dropped later, in
        MariaDB's IF EXISTS forms or guarded on the catalog (the rest is written re-runnable)."""
        from ddlcompare.dialects.mysql.rerun import rerunnable

        return rerunnable(statement, ctx)

    def rebuild(self, change: Alter) -> bool:
        from ddlcompare.dialects.mysql.render import needs_rebuild  # type: ignore[import-not-found,unused-ignore]

        return bool(needs_rebuild(change))

    def invalidates(self, change: Alter, dependent: SchemaObject) -> bool:
        from ddlcompare.dialects.mysql.render import invalidates  # type: ignore[import-not-found,unused-ignore]

        return bool(invalidates(change, dependent))

    def converts(self, change: Alter, dependent: SchemaObject) -> bool:
        """MySQL changes no type that other objects' columns use (ENUM is a column type there)."""
        return False

    def detaches(self, rebuilt: SchemaObject, dependent: SchemaObject) -> bool:
        """What uses a rebuilt object is rebuilt around it."""
        return False

    def kind_rank(self, kind: str) -> int:
        return _RANK.get(kind, len(_RANK))

    def namespace(self, obj: SchemaObject) -> tuple[str, ...]:
        """Tables, views and sequences share a namespace per database; keys and constraints per table."""
        k = obj.key
        if k.kind in ("table", "view", "sequence"):
            return ("relation", k.schema, k.name)
        if k.kind in ("index", "primary_key"):
            return ("index", k.schema, k.parent, k.name.lower())
        if k.kind in ("check", "foreign_key"):
            # CHECK and FOREIGN KEY names share a per-table namespace (MySQL 8.0.16+: per database)
            return ("constraint", k.schema, k.parent, k.name.lower())
        if k.kind in ("function", "procedure", "event", "trigger"):
            return (k.kind, k.schema, k.name.lower())
        return (k.kind, k.schema, k.parent, k.name)

    def dropped_with(self, obj: SchemaObject, dropped: frozenset[ObjectKey]) -> ObjectKey | None:
        """Objects owned by a dropped table (keys, constraints, triggers) go with it."""
        k = obj.key
        table = ObjectKey("table", k.schema, k.parent)
        return table if k.parent and table in dropped else None

    def container(self, obj: SchemaObject) -> ObjectKey | None:
        """Databases are not modelled: objects live in the dump's own database."""
        return None

    def combine(self, plan: Plan) -> Plan:
        """One ALTER TABLE per table (one table rebuild instead of many); with --online, cut by the
        ALGORITHM each part needs, which it states."""
        from ddlcompare.dialects.mysql.online import online
        from ddlcompare.dialects.mysql.render import combine
        from ddlcompare.dialects.mysql.rerun import finish

        combined: Plan = finish(online(combine(plan)))
        return combined

    def validate(self, plan: Plan, held: Sequence[int] = ()) -> Validation:
        from ddlcompare.dialects.mysql.checks import RULES, Queries, extra_checks
        from ddlcompare.plan.checks import validate

        return validate(plan, RULES, Queries(), extra_checks, held)

    def run_checks(self, url: str, checks: Sequence[DataCheck], timeout: float) -> Sequence[CheckResult]:
        from ddlcompare.dialects.mysql.checks import run

        return run(url, checks, timeout)

    def detect(self, text: str) -> int:
        from ddlcompare.dialects.detect import _MY, _evidence, _score

        return _score(_evidence(text), _MY)


_RANK = {
    k: i
    for i, k in enumerate(
        [
            "sequence",
            "table",
            "primary_key",
            "index",
            "check",
            "function",
            "procedure",
            "view",
            "foreign_key",
            "trigger",
            "event",
            "opaque",
        ]
    )
}

DIALECT = MysqlDialect()
