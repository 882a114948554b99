"""PostgreSQL: which hazards each rendered statement carries, for the target server version.

The statement is read back with pglast (it is ddlcompare's own SQL, so every form is known); the
schemas of the render context say what exists before it runs. Lock levels are the ones the
ALTER TABLE, CREATE INDEX and explicit-locking pages name
(https://www.postgresql.org/docs/current/explicit-locking.html); what rewrites a table follows
ALTER TABLE's own test (ATColumnChangeRequiresRewrite, fast defaults, domain constraints).
tests/live/test_hazards_pg.py holds each rewrite and lock claim against pg_class.relfilenode and
pg_locks on PostgreSQL 15, and a rewrite nobody claimed as a mismatch too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from pglast import ast, parse_sql
from pglast.enums import AlterTableType, ConstrType, ObjectType

from ddlcompare.dialects.postgres.names import ident, qualified
from ddlcompare.dialects.postgres.objects import (
    CompositeType,
    Domain,
    Exclude,
    ForeignTable,
    Identity,
    OfType,
    PartitionBy,
    ViewDefaults,
)
from ddlcompare.dialects.postgres.render import (
    _base_type,
    _domain_bases,
    _family,
    _length,
    _q,
    keys_referencing_parents,
    leaf_keys_prebuilt,
    type_change,
)
from ddlcompare.diff.changes import Change, Create, Drop
from ddlcompare.model.base import ObjectKey, Schema, SchemaObject, evolve
from ddlcompare.model.objects import (
    Check,
    Column,
    Constraint,
    ForeignKey,
    Index,
    PrimaryKey,
    Routine,
    Table,
    Unique,
)
from ddlcompare.plan.hazards import DROPPED_TABLE, OLDEST, Hazard, HazardCode, TargetVersion
from ddlcompare.plan.plan import RenderContext, Statement

_CONSTRAINTS = sorted(c.KIND for c in (Check, Exclude, ForeignKey, PrimaryKey, Unique))

H = HazardCode
ACCESS_EXCLUSIVE = "ACCESS EXCLUSIVE"
SHARE = "SHARE"
SHARE_ROW_EXCLUSIVE = "SHARE ROW EXCLUSIVE"

# Built-in functions a column default commonly calls that are VOLATILE: ADD COLUMN with such a
# default rewrites the table on every version. Any other function not known to be STABLE or
# IMMUTABLE (below, or by its own declaration in the schema) is taken as volatile: the cautious side.
_VOLATILE = frozenset(
    {
        "random",
        "clock_timestamp",
        "timeofday",
        "gen_random_uuid",
        "uuid_generate_v1",
        "uuid_generate_v1mc",
        "uuid_generate_v4",
        "nextval",
        "setseed",
        "txid_current",
        "pg_current_xact_id",
    }
)
_NOT_VOLATILE = frozenset(
    {
        "now",
        "statement_timestamp",
        "transaction_timestamp",
        "timezone",
        "lower",
        "upper",
        "btrim",
        "trim",
        "concat",
        "coalesce",
        "to_jsonb",
        "to_json",
        "jsonb_build_object",
        "json_build_object",
        "jsonb_build_array",
        "json_build_array",
        "array_fill",
        "make_interval",
        "make_date",
        "make_timestamp",
        "date_trunc",
        "current_setting",
        "length",
        "abs",
        "round",
        "floor",
        "ceil",
        "replace",
        "substring",
        "encode",
        "decode",
        "md5",
        "to_char",
        "to_timestamp",
        "to_date",
        "char_length",
        "uuid_nil",
        "extract",
        "date_part",
        "format",
        "concat_ws",
        "left",
        "right",
        "position",
        "overlay",
        "make_timestamptz",
        "array_to_string",
        "string_to_array",
    }
)
# information_schema's domains (their base types; the ones with a CHECK are marked)
_BUILTIN_DOMAINS = {
    "information_schema.cardinal_number": ("integer", True),
    "information_schema.yes_or_no": ("character varying(3)", True),
    "information_schema.character_data": ("character varying", False),
    "information_schema.sql_identifier": ("name", False),
    "information_schema.time_stamp": ("timestamp(2) with time zone", False),
}
_TEMPORAL = re.compile(r"(?P<kind>timestamp|time|interval)(?:\((?P<p>\d+)\))?(?P<rest>.*)")
_MAX_PRECISION = 6


def hazards(st: Statement, change: Change, ctx: RenderContext) -> tuple[Hazard, ...]:
    """The hazards of one rendered statement (see the module docstring)."""
    read = _MAY_CARRY.match(st.sql) is not None and _touches_existing(change, ctx)
    if not read and not st.destructive:
        return ()  # most statements of a large plan: something new created
    out: list[Hazard] = []
    judge = _Judge(ctx, ctx.target or OLDEST["postgres"], change, out)
    stmts: Any = ()
    if read:
        try:
            stmts = parse_sql(st.sql)
        except Exception:  # a statement pglast cannot read is judged by its flags alone
            stmts = ()
    for raw in stmts:
        judge.statement(raw.stmt)
    if st.destructive and not judge.accompanying and all(h.code != H.DATA_LOSS for h in out):
        # what the renderer marks as losing data and the statement's form does not explain: the
        # first statement of an enum swap that removes labels, an attribute dropped from a type
        # with typed tables, ...
        out.append(Hazard(H.DATA_LOSS, st.note or "loses data"))
        out.append(Hazard(H.IRREVERSIBLE, "the rollback cannot bring back what this loses"))
    return DROPPED_TABLE if out == list(DROPPED_TABLE) else tuple(dict.fromkeys(out))


class _Judge:
    """Adds the hazards of parsed statements to `out`."""

    def __init__(self, ctx: RenderContext, target: TargetVersion, change: Change, out: list[Hazard]) -> None:
        self.ctx, self.target, self.change, self.out = ctx, target, change, out
        self._types: _Types | None = None
        # set for a statement that only goes along with a destructive one (held back with it):
        # a default dropped and restored around a lossy type change, the type an enum swap creates
        self.accompanying = False

    @property
    def types(self) -> _Types:
        """The domains of both sides, gathered when a rule first needs them (few statements do)."""
        if self._types is None:
            self._types = _Types(self.ctx)
        return self._types

    def add(self, code: HazardCode, message: str, lock: str = "") -> None:
        self.out.append(Hazard(code, message, lock))

    # ---- where things are ----------------------------------------------------------------

    def table(self, rv: Any) -> tuple[ObjectKey, Table | None]:
        """The key of a RangeVar's table and the table as it is before the statement, when it
        exists then and keeps its rows (None for a table created or re-created by this plan)."""
        key = ObjectKey("table", rv.schemaname or "public", rv.relname)
        before = self.ctx.old.get(key)
        if not isinstance(before, Table) or key in self.ctx.recreated:
            return key, None
        if isinstance(self.change, Create) and self.change.obj is not None and _key(self.change.obj) == key:
            return key, None  # statements that complete the creation of this very table
        return key, before

    def kept_matview(self, rv: Any) -> bool:
        """A materialized view that exists before the statement and keeps its rows."""
        key = ObjectKey("materialized_view", rv.schemaname or "public", rv.relname)
        return key in self.ctx.old.objects and key not in self.ctx.recreated

    def existing_tables(self) -> Iterator[tuple[ObjectKey, Table]]:
        """Every table that exists before the statement and keeps its rows (see `table`)."""
        for t in self.ctx.old.of_kind(Table):
            key, before = self.table(ast.RangeVar(schemaname=t.schema, relname=t.name))
            if before is not None:
                yield key, before

    def lock(self, code: HazardCode, level: str, what: str, name: str) -> None:
        self.add(code, f"takes {level} on {name} {what}", level)

    # ---- statements ----------------------------------------------------------------------

    def statement(self, node: Any) -> None:
        if isinstance(node, (ast.CreateEnumStmt, ast.CommentStmt)) or (
            isinstance(node, ast.DropStmt) and node.removeType == ObjectType.OBJECT_TYPE
        ):
            self.accompanying = True
        if isinstance(node, ast.AlterTableStmt):
            if node.objtype in (ObjectType.OBJECT_TABLE, ObjectType.OBJECT_MATVIEW):
                self.alter_table(node)
            elif node.objtype == ObjectType.OBJECT_TYPE:
                self.alter_composite(node)
            elif node.objtype == ObjectType.OBJECT_VIEW:
                self.alter_view(node)
        elif isinstance(node, ast.AlterDomainStmt):
            self.alter_domain(node)
        elif isinstance(node, ast.IndexStmt):
            self.create_index(node)
        elif isinstance(node, ast.DropStmt):
            self.drop(node)
        elif isinstance(node, ast.RefreshMatViewStmt) and not node.concurrent and not node.skipData:
            rel: Any = node.relation
            key = ObjectKey("materialized_view", rel.schemaname or "public", rel.relname)
            if key in self.ctx.old.objects and key not in self.ctx.recreated:
                # the view's rows are written anew into a new file (relfilenode) under the lock
                self.rewrite(_name(key), "to recompute the view")
        elif isinstance(node, ast.RenameStmt) and node.renameType in _RENAMES_FOR_CLIENTS:
            self.add(H.BREAKS_CLIENTS, "renames what application code may use")
        elif isinstance(node, ast.RenameStmt) and node.renameType == ObjectType.OBJECT_TABCONSTRAINT:
            self.rename_constraint(node)
        elif isinstance(node, ast.AlterObjectSchemaStmt):
            self.add(H.BREAKS_CLIENTS, "moves an object to another schema: qualified names stop resolving")

    def alter_table(self, node: Any) -> None:
        key, table = self.table(node.relation)
        if table is not None and table.option(ForeignTable) is not None:
            table = None  # its rows are on the remote server: nothing local is rewritten, scanned or lost
        name = _name(key)
        for cmd in node.cmds or ():
            sub = cmd.subtype
            if sub in (AlterTableType.AT_ColumnDefault, AlterTableType.AT_AddColumn):
                self.accompanying = True  # a generated column re-added, a default restored
            if sub == AlterTableType.AT_AddColumn:
                self.add_column(cmd.def_, table, name)
            elif sub == AlterTableType.AT_DropColumn:
                if table is not None:
                    self.add(H.DATA_LOSS, f"drops column {name}.{cmd.name} and its data")
                    self.add(H.IRREVERSIBLE, f"the rollback re-adds {name}.{cmd.name} empty")
                self.add(H.BREAKS_CLIENTS, f"drops column {name}.{cmd.name}, which queries may use")
            elif sub == AlterTableType.AT_AlterColumnType and table is not None:
                self.column_type(cmd, table, name)
            elif sub == AlterTableType.AT_SetNotNull and table is not None:
                if self.target.at_least(12) and (
                    _has_not_null_check(self.ctx, key, cmd.name) or self.ctx.options.online
                ):
                    # PostgreSQL 12+ proves it from a valid CHECK without a scan: one the schema
                    # has, or the helper --online validates first (render._set_not_null)
                    continue
                self.lock(H.EXCLUSIVE_LOCK, ACCESS_EXCLUSIVE, "while it scans every row", name)
                self.add(H.VALIDATION_SCAN, f"scans {name} to check {cmd.name} has no NULL")
                self.add(H.MAY_FAIL_ON_DATA, f"fails if {name}.{cmd.name} holds a NULL")
            elif sub == AlterTableType.AT_AddConstraint and table is not None:
                self.add_constraint(cmd.def_, name)
            elif sub == AlterTableType.AT_ValidateConstraint and table is not None:
                self.add(H.VALIDATION_SCAN, f"scans {name} to validate {cmd.name}")
                self.add(H.MAY_FAIL_ON_DATA, f"fails if rows of {name} violate {cmd.name}")
            elif sub in (AlterTableType.AT_SetLogged, AlterTableType.AT_SetUnLogged) and table is not None:
                self.rewrite(name, "to change its persistence")
            elif sub in (AlterTableType.AT_SetAccessMethod, AlterTableType.AT_SetTableSpace) and (
                table is not None or self.kept_matview(node.relation)
            ):
                self.rewrite(name, "into its new storage")
            elif sub == AlterTableType.AT_ColumnDefault and cmd.def_ is None and table is not None:
                after = _column_after(self.ctx, key, cmd.name)
                if after is not None and self.unfilled(after):  # not set again later, nor an identity now
                    self.add(H.BREAKS_CLIENTS, self.default_gone(name, after))
            elif sub == AlterTableType.AT_DropConstraint and table is not None:
                self.drop_constraint(key, cmd.name, name)
            elif sub == AlterTableType.AT_AddIdentity and table is not None:
                if cmd.def_ is not None and cmd.def_.generated_when == "a":
                    self.add(H.BREAKS_CLIENTS, f"inserts giving {name}.{cmd.name} a value fail (ALWAYS)")
            elif sub == AlterTableType.AT_SetIdentity and table is not None:
                if any(d.defname == "generated" and _int(d.arg) == ord("a") for d in cmd.def_ or ()):
                    self.add(H.BREAKS_CLIENTS, f"inserts giving {name}.{cmd.name} a value fail (ALWAYS)")
            elif sub == AlterTableType.AT_DropIdentity and table is not None:
                self.add(H.BREAKS_CLIENTS, f"inserts leaving out {name}.{cmd.name} get no value from it")
            elif sub == AlterTableType.AT_DropExpression and table is not None:
                self.add(H.BREAKS_CLIENTS, f"{name}.{cmd.name} stops being computed: writers must supply it")
            elif sub == AlterTableType.AT_DetachPartition and table is not None:
                self.detach_partition(cmd, name)
            elif sub == AlterTableType.AT_AttachPartition:
                part_key, part = self.table(cmd.def_.name)
                if part is not None:
                    self.lock(
                        H.EXCLUSIVE_LOCK,
                        ACCESS_EXCLUSIVE,
                        "while it scans the partition's rows",
                        _name(part_key),
                    )
                    self.add(H.VALIDATION_SCAN, f"scans {_name(part_key)} to check its rows fit the bound")
                    self.add(H.MAY_FAIL_ON_DATA, f"fails if rows of {_name(part_key)} are outside the bound")

    def rewrite(self, name: str, why: str) -> None:
        self.add(H.TABLE_REWRITE, f"rewrites {name} {why}")
        self.lock(H.EXCLUSIVE_LOCK, ACCESS_EXCLUSIVE, "while it rewrites it", name)

    def unfilled(self, col: Column) -> bool:
        """An insert leaving `col` (as it is after the migration) out gets no value: no default of its
        own or of its domain, no identity, no generation expression."""
        return not _fills_itself(col) and self.types.domain_default(col.type) is None

    def default_gone(self, name: str, col: Column, default: str = "the default") -> str:
        """What an insert leaving out `col` of `name` gets once no default fills it."""
        if not col.nullable or self.types.not_null(col.type):
            return f"inserts leaving out {name}.{col.name} fail (NOT NULL)"
        return f"inserts leaving out {name}.{col.name} get NULL instead of {default}"

    def detach_partition(self, cmd: Any, name: str) -> None:
        """DETACH PARTITION: a lock on the partitioned table (unless CONCURRENTLY), and with foreign
        keys referencing it, a check that no referencing row points into the partition."""
        if not cmd.def_.concurrent:
            self.lock(H.EXCLUSIVE_LOCK, ACCESS_EXCLUSIVE, "to detach a partition", name)
        part_key, part = self.table(cmd.def_.name)
        if part is None:
            return
        if isinstance(self.change, Drop) and _key(self.change.obj) == part_key:
            self.accompanying = True  # detached to be dropped: the drop loses the data
        keys = keys_referencing_parents(part, self.ctx.old)
        if keys:
            referencing = ", ".join(sorted({f"{k.schema}.{k.table}" for k in keys}))
            part_name = _name(part_key)
            self.add(H.VALIDATION_SCAN, f"scans {referencing} for rows referring to {part_name}")
            self.add(H.MAY_FAIL_ON_DATA, f"fails while rows of {referencing} refer to rows of {part_name}")

    def drop_constraint(self, table: ObjectKey, conname: str, name: str) -> None:
        """A key INSERT ... ON CONFLICT can name, or a foreign key with an action clients see, dropped
        for good. Any other drop is a relaxation: no query that worked fails."""
        # looked up by key, kind by kind (as the table's children are ordered): no index of the
        # whole old side's children is built for a drop or two
        old = self.ctx.old.objects
        found = (old.get(ObjectKey(kind, table.schema, conname, table.name)) for kind in _CONSTRAINTS)
        dropped = next((c for c in found if isinstance(c, Constraint)), None)
        if dropped is None or self.readded(dropped):
            return
        if isinstance(dropped, (PrimaryKey, Unique, Exclude)):
            what = "INSERT ... ON CONFLICT on it fails"
            self.add(H.BREAKS_CLIENTS, f"drops {conname} of {name} for good: {what}")
        elif isinstance(dropped, ForeignKey) and (
            ObjectKey(Table.KIND, dropped.ref_schema, dropped.ref_table) in self.ctx.new.objects
        ):  # with the referenced table gone, no change of its rows is left to act on
            ref = f"{dropped.ref_schema}.{dropped.ref_table}"
            actions = [
                f"ON {event} {action}"
                for event, action in (("DELETE", dropped.on_delete), ("UPDATE", dropped.on_update))
                if action not in ("NO ACTION", "RESTRICT")
            ]
            if actions:
                what = f"changes to rows of {ref} no longer act on {name} ({', '.join(actions)})"
                self.add(H.BREAKS_CLIENTS, f"drops {conname} of {name} for good: {what}")

    def rename_constraint(self, node: Any) -> None:
        """A key INSERT ... ON CONFLICT ON CONSTRAINT can name: clients naming it fail. (The plan
        may have re-keyed the old side under the new name already: either name is looked up.)"""
        key, _ = self.table(node.relation)
        names = {node.subname, node.newname}
        renamed = any(
            isinstance(c, (PrimaryKey, Unique, Exclude)) and c.name in names
            for c in self.ctx.old.children().get((key.schema, key.name), ())
        )
        if renamed:
            what = "INSERT ... ON CONFLICT ON CONSTRAINT naming it fails"
            self.add(H.BREAKS_CLIENTS, f"renames {node.subname} of {_name(key)} to {node.newname}: {what}")

    def readded(self, dropped: Constraint) -> bool:
        """The constraint is back before the commit: rebuilt, changed under its name, or added again
        with the same definition under another name (a rename)."""
        if dropped.key in self.ctx.new.objects or dropped.key in self.ctx.recreated:
            return True
        return any(
            type(c) is type(dropped) and evolve(c, name=dropped.name, comment=dropped.comment) == dropped
            for c in self.ctx.new.children().get((dropped.schema, dropped.table), ())
        )

    def rebuilt_indexes(self, table: Table, column: str) -> list[str]:
        """The indexes (own, or of a key) of `table` that ALTER COLUMN TYPE rebuilds when only the
        collation of `column` changes: those whose key takes the column's collation, and those with
        an expression or predicate using it (never reused: CheckIndexCompatible)."""
        found = []
        for obj in self.ctx.old.children().get((table.schema, table.name), ()):
            if obj.key not in self.ctx.new.objects or obj.key in self.ctx.recreated:
                continue  # dropped (or rebuilt) by the plan anyway
            if isinstance(obj, (PrimaryKey, Unique)):
                uses = column in obj.columns
            elif isinstance(obj, Exclude):
                texts = [e for e, _ in obj.elements] + ([obj.where.text] if obj.where else [])
                uses = any(_mentions(t, column) for t in texts)
            elif isinstance(obj, Index):
                computed = [p.expr.text for p in obj.parts if p.expr]
                computed += [obj.where.text] if obj.where else []
                own = any(p.column == column and p.collation is None for p in obj.parts)
                uses = own or any(_mentions(t, column) for t in computed)
            else:
                continue
            if uses:
                found.append(obj.name)
        return sorted(found)

    def add_column(self, col: Any, table: Table | None, name: str) -> None:
        if table is None:
            return
        if self.ctx.rollback:
            self.add(H.IRREVERSIBLE, f"re-adds {name}.{col.colname} empty: the dropped data is lost")
        default = None
        not_null = rewrite = False
        for c in col.constraints or ():
            if c.contype == ConstrType.CONSTR_DEFAULT:
                default = c.raw_expr
            elif c.contype in (ConstrType.CONSTR_NOTNULL, ConstrType.CONSTR_PRIMARY):
                not_null = True
            elif c.contype in (ConstrType.CONSTR_IDENTITY, ConstrType.CONSTR_GENERATED):
                rewrite = True
        if _serial(col.typeName):
            rewrite = True
        type_name = _type_name(col.typeName)
        if type_name is not None and self.types.constrained(type_name):
            rewrite = True  # PostgreSQL checks the domain's constraints against every row's new value
        if default is None and type_name is not None:
            default = self.types.domain_default(type_name)
        if default is not None and (not self.target.at_least(11) or _volatile(default, self.ctx.new)):
            rewrite = True
        if rewrite:
            self.rewrite(name, f"to fill the new column {col.colname}")
        if not_null and default is None and not rewrite:
            self.add(
                H.MAY_FAIL_ON_DATA,
                f"fails if {name} has any row: {col.colname} is NOT NULL without a default",
            )

    def column_type(self, cmd: Any, table: Table, name: str) -> None:
        before = table.column(cmd.name)
        after = _column_after(self.ctx, table.key, cmd.name)
        old_type = before.type if isinstance(before, Column) else ""
        new_type = after.type if isinstance(after, Column) else ""
        if old_type and new_type and old_type == new_type and before is not None and after is not None:
            # the same type again (a collation change, an enum swapped under its own name)
            if _user_type(new_type) and _enum_swapped(self.ctx, new_type):
                self.rewrite(name, f"to convert {cmd.name} to the re-created type {new_type}")
                self.add(H.MAY_FAIL_ON_DATA, f"fails if {name}.{cmd.name} holds a removed label")
            elif before.collation != after.collation and (rebuilt := self.rebuilt_indexes(table, cmd.name)):
                # no rewrite (the stored values stay), but the indexes are built anew under the lock
                what = f"while it rebuilds the indexes on {cmd.name} ({', '.join(rebuilt)})"
                self.lock(H.EXCLUSIVE_LOCK, ACCESS_EXCLUSIVE, what, name)
            return
        if not old_type or not new_type or self.types.rewrites(old_type, new_type):
            what = f"{cmd.name} ({old_type or '?'} -> {new_type or '?'})"
            self.rewrite(name, f"to convert {what}{_tz_note(old_type, new_type)}")
        if old_type and new_type:
            _, lossy = type_change(cmd.name, old_type, new_type, _domain_bases(self.ctx))
            if lossy:
                self.add(H.MAY_FAIL_ON_DATA, f"fails if a value of {name}.{cmd.name} does not fit {new_type}")
                self.add(H.DATA_LOSS, f"{name}.{cmd.name}: {old_type} -> {new_type} may round or cut values")
                self.add(H.IRREVERSIBLE, f"the rollback cannot restore what {new_type} cannot hold")

    def alter_composite(self, node: Any) -> None:
        """ALTER TYPE composite ... ALTER ATTRIBUTE ... TYPE ... CASCADE converts the column of every
        table made OF that type, like ALTER COLUMN TYPE."""
        rv: Any = node.relation
        key = ObjectKey(CompositeType.KIND, rv.schemaname or "public", rv.relname)
        before, after = self.ctx.old.get(key), self.ctx.new.get(key)
        if not isinstance(before, CompositeType) or not isinstance(after, CompositeType):
            return
        old_types = {a.name: a.type for a in before.attributes}
        new_types = {a.name: a.type for a in after.attributes}
        changed = [
            (cmd.name, old_types[cmd.name], new_types[cmd.name])
            for cmd in node.cmds or ()
            if cmd.subtype == AlterTableType.AT_AlterColumnType
            and cmd.name in old_types
            and cmd.name in new_types
        ]
        rewritten = [(a, o, n) for a, o, n in changed if self.types.rewrites(o, n)]
        if not rewritten:
            return
        for table in self.ctx.old.of_kind(Table):
            typed = table.option(OfType)
            if typed is None or typed.type != _q(before) or table.key in self.ctx.recreated:
                continue
            attr, old_type, new_type = rewritten[0]
            self.rewrite(
                _name(table.key),
                f"to convert {attr} ({old_type} -> {new_type}){_tz_note(old_type, new_type)}",
            )

    def alter_domain(self, node: Any) -> None:
        """ALTER DOMAIN ADD CONSTRAINT (valid) / SET NOT NULL / VALIDATE CONSTRAINT check every column
        of the domain: each table that has one is scanned under a SHARE lock. DROP DEFAULT: see
        `domain_default_dropped`."""
        names = [n.sval for n in node.typeName]
        dropped_default = node.subtype == "T" and node.def_ is None
        check = node.subtype == "C" and not node.def_.skip_validation
        if not (check or dropped_default or node.subtype in ("O", "V")):
            return
        dkey = ObjectKey(Domain.KIND, *(["public", *names][-2:]))
        domain = self.ctx.old.get(dkey) or self.ctx.new.get(dkey)
        if not isinstance(domain, Domain):
            return
        rendered = _q(domain)
        if dropped_default:
            self.domain_default_dropped(rendered)
            return
        # columns of a domain over this one are checked too
        types = {t for t in self.types.domains if self.types.reaches(t, rendered)}
        for key, before in self.existing_tables():
            cols = [c.name for c in before.columns if c.type in types]
            if not cols:
                continue
            name = _name(key)
            self.lock(H.BLOCKS_WRITES, SHARE, f"while it checks {', '.join(cols)} against the domain", name)
            self.add(H.VALIDATION_SCAN, f"scans {name} to check {', '.join(cols)} against {rendered}")
            self.add(H.MAY_FAIL_ON_DATA, f"fails if a value of {name} violates {rendered}")

    def domain_default_dropped(self, domain: str) -> None:
        """ALTER DOMAIN ... DROP DEFAULT: the columns of the domain (or of a domain over it) that had
        no default of their own get none any more."""
        for key, _ in self.existing_tables():
            after = self.ctx.new.get(key)
            for col in after.columns if isinstance(after, Table) else ():
                if self.types.reaches(col.type, domain) and self.unfilled(col):
                    self.add(H.BREAKS_CLIENTS, self.default_gone(_name(key), col, f"{domain}'s default"))

    def alter_view(self, node: Any) -> None:
        """ALTER VIEW ... ALTER COLUMN c DROP DEFAULT of a view that exists before: inserts through the
        view leaving c out no longer get the view's default."""
        rv: Any = node.relation
        key = ObjectKey("view", rv.schemaname or "public", rv.relname)
        if key not in self.ctx.old.objects or key in self.ctx.recreated:
            return
        after = self.ctx.new.get(key)
        kept = dict(o.items) if after is not None and (o := after.option(ViewDefaults)) else {}
        for cmd in node.cmds or ():
            if cmd.subtype == AlterTableType.AT_ColumnDefault and cmd.def_ is None and cmd.name not in kept:
                self.add(
                    H.BREAKS_CLIENTS,
                    f"inserts through {_name(key)} leaving out {cmd.name} no longer get the view's default",
                )

    def add_constraint(self, con: Any, name: str) -> None:
        what = con.conname or "the constraint"
        if con.contype == ConstrType.CONSTR_CHECK:
            if not con.skip_validation:
                self.lock(H.EXCLUSIVE_LOCK, ACCESS_EXCLUSIVE, "while it scans every row", name)
                self.add(H.VALIDATION_SCAN, f"scans {name} to validate {what}")
                self.add(H.MAY_FAIL_ON_DATA, f"fails if rows of {name} violate {what}")
        elif con.contype == ConstrType.CONSTR_FOREIGN:
            if not con.skip_validation:
                self.lock(H.BLOCKS_WRITES, SHARE_ROW_EXCLUSIVE, "while it checks every row", name)
                self.add(H.VALIDATION_SCAN, f"scans {name} to validate {what}")
                self.add(H.MAY_FAIL_ON_DATA, f"fails if rows of {name} have no match for {what}")
        elif con.contype in (
            ConstrType.CONSTR_PRIMARY,
            ConstrType.CONSTR_UNIQUE,
            ConstrType.CONSTR_EXCLUSION,
        ):
            if con.indexname:
                # takes over a unique index built before (--online), whose build carries the
                # hazards; the key columns are NOT NULL by then (the table's step runs first)
                return
            if self.leaves_prebuilt(con, name):
                # --online, a partitioned table: its leaves got their copies of the key before
                # (their builds carry the hazards); the key adopts them, nothing is built
                briefly = "briefly, SHARE on its partitions: it adopts their keys, nothing is built"
                self.lock(H.EXCLUSIVE_LOCK, ACCESS_EXCLUSIVE, briefly, name)
                return
            self.lock(H.EXCLUSIVE_LOCK, ACCESS_EXCLUSIVE, "while it builds the index", name)
            self.add(H.MAY_FAIL_ON_DATA, f"fails if rows of {name} violate {what}")
            if con.contype == ConstrType.CONSTR_PRIMARY:
                self.add(H.VALIDATION_SCAN, f"scans {name} to check the key columns have no NULL")

    def leaves_prebuilt(self, con: Any, name: str) -> bool:
        """Whether the plan gives the leaf partitions of table `name` their copies of key `con`
        before it (render.leaf_keys_prebuilt)."""
        obj = self.change.obj if isinstance(self.change, Create) else None
        if not isinstance(obj, (PrimaryKey, Unique)) or obj.name != con.conname:
            return False
        return leaf_keys_prebuilt(obj, self.ctx)

    def create_index(self, node: Any) -> None:
        found, table = self.table(node.relation)
        key = found if table is not None else self.matview(node.relation)
        if key is None:
            return
        name = _name(key)
        if not node.relation.inh and table is not None and table.option(PartitionBy) is not None:
            return  # ON ONLY a partitioned table: an INVALID index, nothing built (see render)
        if not node.concurrent:
            self.lock(H.BLOCKS_WRITES, SHARE, "while it builds the index", name)
        if node.unique:
            self.add(H.MAY_FAIL_ON_DATA, f"fails if rows of {name} duplicate the key of {node.idxname}")

    def drop(self, node: Any) -> None:
        kind = node.removeType
        for obj in node.objects or ():
            parts = [str(p.sval) for p in obj if isinstance(p, ast.String)] if isinstance(obj, tuple) else []
            if kind == ObjectType.OBJECT_TABLE and parts:
                key = ObjectKey("table", *(["public", *parts][-2:]))
                if key in self.ctx.new.objects:
                    continue  # re-created by this plan: nothing is lost for clients
                self.out += DROPPED_TABLE
            elif kind == ObjectType.OBJECT_INDEX and parts and not node.concurrent:
                table = self.index_table(parts)
                if table is not None:
                    self.lock(H.EXCLUSIVE_LOCK, ACCESS_EXCLUSIVE, "to drop the index", _name(table.key))
            elif kind == ObjectType.OBJECT_MATVIEW and self.change_key() in self.ctx.recreated:
                # re-created later in this transaction, its query run again: readers wait for it
                key = ObjectKey("materialized_view", *(["public", *parts][-2:]))
                self.lock(H.EXCLUSIVE_LOCK, ACCESS_EXCLUSIVE, "until it is filled anew", _name(key))
            elif kind in _CLIENT_KINDS and self.change_key() not in self.ctx.new.objects:
                self.add(
                    H.BREAKS_CLIENTS,
                    f"drops {_CLIENT_KINDS[kind]} {'.'.join(parts) or ''}, which clients may use",
                )
            elif kind == ObjectType.OBJECT_SEQUENCE and self.change_key() not in self.ctx.new.objects:
                self.add(H.DATA_LOSS, f"drops sequence {'.'.join(parts)} and its current value")
                self.add(H.IRREVERSIBLE, "the rollback re-creates the sequence at its start value")

    def matview(self, rv: Any) -> ObjectKey | None:
        """The key of a RangeVar's materialized view when it exists before the statement and stays."""
        key = ObjectKey("materialized_view", rv.schemaname or "public", rv.relname)
        ok = key in self.ctx.old.objects and key in self.ctx.new.objects and key not in self.ctx.recreated
        return key if ok else None

    def change_key(self) -> ObjectKey | None:
        obj = self.change.obj
        return obj.key if isinstance(obj, SchemaObject) else None

    def index_table(self, parts: list[str]) -> SchemaObject | None:
        """The table (or materialized view) an index being dropped belongs to, when it stays."""
        change = self.change
        if not isinstance(change, Drop) or not isinstance(change.obj, SchemaObject):
            return None
        k = change.obj.key
        if not k.parent:
            return None
        for kind in ("table", "materialized_view"):
            tkey = ObjectKey(kind, k.schema, k.parent)
            table = self.ctx.old.get(tkey)
            if table is not None and tkey in self.ctx.new.objects and tkey not in self.ctx.recreated:
                return table
        return None


_RENAMES_FOR_CLIENTS = (ObjectType.OBJECT_COLUMN, ObjectType.OBJECT_TABLE, ObjectType.OBJECT_VIEW)
_CLIENT_KINDS = {
    ObjectType.OBJECT_AGGREGATE: "aggregate",
    ObjectType.OBJECT_TYPE: "type",
    ObjectType.OBJECT_DOMAIN: "domain",
    ObjectType.OBJECT_EXTENSION: "extension",
    ObjectType.OBJECT_OPERATOR: "operator",
    ObjectType.OBJECT_FOREIGN_TABLE: "foreign table",  # its rows stay on the remote server
    ObjectType.OBJECT_VIEW: "view",
    ObjectType.OBJECT_MATVIEW: "materialized view",
    ObjectType.OBJECT_FUNCTION: "function",
    ObjectType.OBJECT_PROCEDURE: "procedure",
    ObjectType.OBJECT_SCHEMA: "schema",
}


_OWNERS = ("table", "materialized_view")  # what indexes, constraints and triggers belong to


def _touches_existing(change: Change, ctx: RenderContext) -> bool:
    """Whether the statements of `change` may act on something that holds rows before it: not so
    when it creates an object of its own, or one of a table created by this plan (most statements
    of a large plan, each a parse saved)."""
    key = change.obj.key if isinstance(change.obj, SchemaObject) else None
    if isinstance(change, Drop):
        # a key, index or trigger of a table the plan drops goes with it: the table's drop
        # carries the hazards
        return (
            key is None
            or not key.parent
            or any(ObjectKey(kind, key.schema, key.parent) in ctx.new.objects for kind in _OWNERS)
        )
    if not isinstance(change, Create):
        return True
    if isinstance(change.obj, Routine):
        # a rebuilt function's create sets again the column defaults and domain checks that call
        # it (render._routine_users): a domain CHECK taken back checks the stored values with the
        # function as it is now (rebuilt because it or something it uses changed)
        return True
    if key is None or not key.parent:
        return False
    return any(
        (k := ObjectKey(kind, key.schema, key.parent)) in ctx.old.objects and k not in ctx.recreated
        for kind in _OWNERS
    )


# The statement forms the judge has rules for; any other (CREATE TABLE, CREATE VIEW, COMMENT, GRANT,
# ...) carries no hazard of its own, and reading it back would cost a parse for nothing.
_MAY_CARRY = re.compile(r"\s*(?:ALTER\s|DROP\s|REFRESH\s|CREATE\s+(?:UNIQUE\s+)?INDEX\s)", re.IGNORECASE)


def volatile_default(text: str, schema: Schema) -> bool:
    """Whether a column default (its SQL text) is volatile, with the functions of `schema`: ADD
    COLUMN with it rewrites the table. Unreadable text counts as volatile (the cautious side)."""
    try:
        sel: Any = parse_sql(f"SELECT {text}")[0].stmt
        return _volatile(sel.targetList[0].val, schema)
    except Exception:
        return True


def _volatile(expr: Any, schema: Schema, depth: int = 0) -> bool:
    """Whether the default expression is volatile once PostgreSQL has planned it (a SQL function
    made of one SELECT of an expression is inlined: its body counts, not its declaration)."""
    for node in _walk(expr):
        if isinstance(node, ast.FuncCall):
            names = [n.sval for n in node.funcname or ()]
            fname = names[-1]
            if fname in _VOLATILE:
                return True
            if fname in _NOT_VOLATILE and names[:-1] in ([], ["pg_catalog"]):
                continue
            found = _routines(schema, names)
            if found and all(dict(r.attributes).get("volatility") in ("STABLE", "IMMUTABLE") for r in found):
                continue
            single = found[0] if len(found) == 1 and not node.args and depth < 5 else None
            body = _inlined(single) if single is not None and not single.arguments else None
            if body is None or _volatile(body, schema, depth + 1):
                return True
    return False


def _int(node: Any) -> int | None:
    return int(node.ival or 0) if isinstance(node, ast.Integer) else None


def _fills_itself(col: Column) -> bool:
    """An insert leaving the column out gets a value of the column's own: its default, identity or
    generation expression."""
    return col.default is not None or col.generated is not None or col.option(Identity) is not None


def _column_after(ctx: RenderContext, table: ObjectKey, column: str) -> Column | None:
    """The column as it is after the migration (None when it or its table goes)."""
    after = ctx.new.get(table)
    return after.column(column) if isinstance(after, Table) else None


def _mentions(expr: str, column: str) -> bool:
    """The expression text names the column (as an identifier, not inside a longer one)."""
    return re.search(rf'(?<![\w$"]){re.escape(ident(column))}(?![\w$"])', expr) is not None


def _key(obj: Any) -> ObjectKey | None:
    return obj.key if isinstance(obj, SchemaObject) else None


def _name(key: ObjectKey) -> str:
    return f"{key.schema}.{key.name}"


def _walk(node: Any) -> Iterator[Any]:
    """Every AST node under `node`."""
    if isinstance(node, ast.Node):
        yield node
        for attr in node:
            yield from _walk(getattr(node, attr))
    elif isinstance(node, tuple):
        for x in node:
            yield from _walk(x)


def _serial(type_name: Any) -> bool:
    names = [n.sval for n in type_name.names] if type_name is not None else []
    return bool(names) and names[-1] in (
        "serial",
        "bigserial",
        "smallserial",
        "serial4",
        "serial8",
        "serial2",
    )


def _routines(schema: Schema, names: list[str]) -> list[Routine]:
    """The functions of the schema a call of `names` (optionally schema-qualified) may mean."""
    fname, where = names[-1], names[:-1]
    return [r for r in schema.of_kind(Routine) if r.base_name == fname and (not where or [r.schema] == where)]


def _inlined(r: Routine) -> Any:
    """The expression PostgreSQL inlines in place of a call of `r` (a SQL function whose body is one
    SELECT of an expression, neither SECURITY DEFINER nor with SET), or None."""
    attrs = dict(r.attributes)
    if r.language != "sql" or attrs.get("security") == "DEFINER" or any(k.startswith("set ") for k in attrs):
        return None
    body = r.body.strip().rstrip(";")
    try:
        stmts = parse_sql(body if body.upper().startswith("SELECT") else "")
    except Exception:  # a body pglast cannot read is not inlined: the cautious side
        return None
    if len(stmts) != 1 or not isinstance(stmts[0].stmt, ast.SelectStmt):
        return None
    sel: Any = stmts[0].stmt
    if (
        sel.fromClause
        or sel.whereClause
        or sel.groupClause
        or sel.limitCount
        or len(sel.targetList or ()) != 1
    ):
        return None
    return sel.targetList[0].val


def _type_name(type_name: Any) -> str | None:
    """The rendered name of a (non-array) TypeName, as column types and `_q` write it."""
    if type_name is None or type_name.arrayBounds:
        return None
    names = [n.sval for n in type_name.names]
    if len(names) == 1:
        return qualified("public", names[0])
    return qualified(names[-2], names[-1]) if names[-2] != "pg_catalog" else None


class _Types:
    """The domains of both sides, to judge what converting or adding a column of a type does."""

    def __init__(self, ctx: RenderContext) -> None:
        self.domains: dict[str, Domain] = {}
        for side in (ctx.old, ctx.new):  # the new side's definition wins
            for d in side.of_kind(Domain):
                self.domains[_q(d)] = d

    def base(self, t: str) -> tuple[str, bool] | None:
        """(base type, has constraints of its own) of domain `t`, None for another type."""
        d = self.domains.get(t)
        if d is not None:
            return d.base_type, bool(d.checks) or d.not_null
        return _BUILTIN_DOMAINS.get(t)

    def constrained(self, t: str) -> bool:
        """`t` is a domain with a CHECK or NOT NULL, its own or a base domain's."""
        for _ in range(20):  # a domain over a domain over ...
            b = self.base(t)
            if b is None:
                return False
            if b[1]:
                return True
            t = b[0]
        return True

    def not_null(self, t: str) -> bool:
        """`t` is a domain declared NOT NULL, itself or a base domain."""
        for _ in range(20):
            d = self.domains.get(t)
            if d is None:
                return False
            if d.not_null:
                return True
            t = d.base_type
        return False

    def reaches(self, t: str, domain: str) -> bool:
        """`t` is `domain` or a domain over it (at any depth)."""
        for _ in range(20):
            if t == domain:
                return True
            b = self.base(t)
            if b is None:
                return False
            t = b[0]
        return False

    def domain_default(self, t: str) -> Any:
        """The default a column of domain `t` takes without one of its own (parsed), or None."""
        for _ in range(20):
            d = self.domains.get(t)
            if d is None:
                return None
            if d.default is not None:
                try:
                    sel: Any = parse_sql(f"SELECT {d.default.text}")[0].stmt
                    return sel.targetList[0].val
                except Exception:  # unreadable: judged volatile, the cautious side
                    return ast.FuncCall(funcname=(ast.String(sval="unknown"),))
            t = d.base_type
        return None

    def rewrites(self, old: str, new: str) -> bool:
        """Whether ALTER COLUMN TYPE from `old` to `new` rewrites the table: unless the conversion is
        binary (a domain to its base, a binary-coercible cast, a typmod that only widens) or checks
        nothing but a constraint-free domain (PostgreSQL's ATColumnChangeRequiresRewrite)."""
        if old == new:
            return False
        if old.endswith("[]") or new.endswith("[]"):
            return True  # converting arrays maps each element (ArrayCoerceExpr): always a rewrite
        for _ in range(20):
            b = self.base(old)
            if b is None:
                break
            old = b[0]
        for _ in range(20):
            b = self.base(new)
            if b is None:
                break
            if b[1]:
                return True
            new = b[0]
        return old != new and not _binary_coercible(old, new)


def _tz_note(old: str, new: str) -> str:
    kinds = {_base_type(old), _base_type(new)}
    tz = {("with time zone" in t) for t in (old, new)}
    if kinds == {"timestamp"} and len(tz) == 2 and not old.endswith("[]"):
        return "; PostgreSQL 12+ skips the rewrite when the session TimeZone is UTC"
    return ""


def _has_not_null_check(ctx: RenderContext, table: ObjectKey, column: str) -> bool:
    """A valid `CHECK (column IS NOT NULL)` on the table, before and after the migration."""
    want = {f"({column} IS NOT NULL)", f"{column} IS NOT NULL"}
    for side in (ctx.old, ctx.new):
        if not any(
            c.valid and c.table == table.name and c.schema == table.schema and c.expr.text in want
            for c in side.of_kind(Check)
        ):
            return False
    return True


def _user_type(t: str) -> bool:
    return "." in t.split("(")[0].removesuffix("[]")


def _enum_swapped(ctx: RenderContext, type_name: str) -> bool:
    """The enum `type_name` is re-created by this plan (labels removed or reordered)."""
    from ddlcompare.dialects.postgres.objects import Enum

    schema, _, name = type_name.removesuffix("[]").partition(".")
    key = ObjectKey(Enum.KIND, schema.strip('"'), name.strip('"'))
    a, b = ctx.old.get(key), ctx.new.get(key)
    return isinstance(a, Enum) and isinstance(b, Enum) and a.labels != b.labels


def _binary_coercible(old: str, new: str) -> bool:
    """Whether ALTER COLUMN ... TYPE from `old` to `new` keeps the stored bytes (no rewrite):
    a longer or unbounded varchar, text <-> varchar, a wider numeric of the same scale, a longer
    varbit, cidr -> inet (PostgreSQL's binary-coercible casts, pg_cast castmethod 'b')."""
    if old.endswith("[]") != new.endswith("[]"):
        return False
    bo, bn = _base_type(old), _base_type(new)
    lo, ln = _length(old), _length(new)
    strings = ("text", "character varying")
    if bo in strings and bn in strings:
        if bn == "text" or ln is None:
            return True
        return bo == "character varying" and lo is not None and ln[0] >= lo[0]
    if bo == bn == "numeric":
        if ln is None:
            return True
        if lo is None:
            return False
        scale_o = lo[1] if len(lo) > 1 else 0
        scale_n = ln[1] if len(ln) > 1 else 0
        return scale_o == scale_n and ln[0] >= lo[0]
    if bo == bn == "bit varying":
        return ln is None or (lo is not None and ln[0] >= lo[0])
    if (bo, bn) == ("cidr", "inet"):
        return True
    ci_o, ci_n = bo.endswith("citext"), bn.endswith("citext")
    if (ci_o or ci_n) and (ci_o or bo in strings) and (ci_n or bn in strings):
        # the citext extension's casts from and to text and varchar are binary; a varchar(n)
        # target adds a length check
        return ci_n or ln is None
    mo, mn = _TEMPORAL.fullmatch(old), _TEMPORAL.fullmatch(new)
    if mo and mn and mo["kind"] == mn["kind"] and _tz(mo["rest"]) == _tz(mn["rest"]):
        # a precision that does not drop (timestamp_support, interval_support) relabels the value
        po, pn = mo["p"], mn["p"]
        if mo["kind"] == "interval" and (mo["rest"] or mn["rest"]):
            return False  # interval fields: left to the rewrite (the cautious side)
        return pn is None or int(pn) >= _MAX_PRECISION or (po is not None and int(pn) >= int(po))
    return _family(old) == _family(new) and old == new


def _tz(rest: str) -> str:
    return rest.strip().removeprefix("without time zone").strip()
