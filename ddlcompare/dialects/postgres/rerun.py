"""Re-runnable PostgreSQL statements: each planned statement rewritten so that running it again after
it ran fails on nothing and changes nothing (issue 9).

Three forms, in order of preference:

- the server's own `IF [NOT] EXISTS` (CREATE TABLE/INDEX/SEQUENCE/..., every DROP, ADD COLUMN,
  DROP COLUMN/CONSTRAINT, ADD VALUE, renames of relations);
- `CREATE OR REPLACE` where it keeps the object's identity (functions, procedures, aggregates,
  views, rules, triggers on PostgreSQL 14+);
- a `DO` block that runs the statement only while the catalog does not show its effect yet
  (constraints, types, domains, policies, other renames, ...).

The keyword is inserted into the statement's own text (never deparsed: bodies and expressions stay
as written), and the edited text is parsed again and must equal the original tree with only that
flag set; otherwise the statement is guarded or left as it is. A statement that runs outside a
transaction (CONCURRENTLY) is never put in a DO block, which runs in one. Statements that re-run
harmlessly (SET DEFAULT, GRANT, COMMENT, ...) and kinds not known here are left as they are.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import pglast
from pglast import ast
from pglast.enums import AlterTableType as AT
from pglast.enums import ObjectType as OT
from pglast.stream import RawStream

from ddlcompare.dialects.postgres.names import ident, literal
from ddlcompare.dialects.postgres.objects import Identity, OfType
from ddlcompare.dialects.postgres.render import LEFTOVER
from ddlcompare.model.base import ObjectKey, Schema
from ddlcompare.model.objects import Table
from ddlcompare.plan.plan import RenderContext, Statement


def rerunnable(st: Statement, ctx: RenderContext) -> Statement:
    """The planner hook: `st` in its re-runnable form (all other fields kept)."""
    if st.note == LEFTOVER:
        sql = leftover_drop(st.sql)
    else:
        target = ctx.target
        # CREATE OR REPLACE TRIGGER is PostgreSQL 14+; no target: the newest server
        replace_trigger = target is None or target.product != "postgres" or target.at_least(14)
        known = _known(ctx)
        sql = rewrite(st.sql, transactional=st.transactional, replace_trigger=replace_trigger, known=known)
    return st if sql == st.sql else replace(st, sql=sql)


@dataclass(frozen=True, slots=True)
class Known:
    """What the two sides say that a statement's text does not."""

    # views and keys on both sides (that the plan may rebuild: drop, then create again) -> catalog
    # tests of their dependents that only the target side has: one that exists shows the object
    # already rebuilt, and it would block the drop (the plan drops the dependents the source side
    # has); (schema, table or "", name)
    rebuilt: Mapping[tuple[str, str, str], tuple[str, ...]] = field(default_factory=dict)
    # the two sides, looked up for the tables a statement names
    sides: tuple[Schema, ...] = ()

    def is_typed(self, schema: str, table: str) -> bool:
        """A table typed (OF a composite type) on either side: DROP COLUMN IF EXISTS fails on it
        even when the column is gone, so its column drops are guarded on the catalog."""
        return any(
            isinstance(t := side.objects.get(ObjectKey("table", schema, table)), Table)
            and t.option(OfType) is not None
            for side in self.sides
        )

    def is_identity(self, schema: str, table: str, column: str) -> bool:
        """An identity column on either side: SET/DROP DEFAULT fails on one, so a default set or
        dropped before the column becomes one (after it stops being one) is skipped on it."""
        return any(
            isinstance(t := side.objects.get(ObjectKey("table", schema, table)), Table)
            and any(c.name == column and c.option(Identity) is not None for c in t.columns)
            for side in self.sides
        )

    def is_swapped(self, schema: str, name: str) -> bool:
        """A name of a relation of one kind on one side and of another on the other (a table that
        becomes a view): run again, DROP TABLE IF EXISTS fails on the view ("is not a table"), so
        the drop is guarded on the relation's kind."""
        kinds = [
            {k for k in _RELKINDS if ObjectKey(k, schema, name) in side.objects} for side in self.sides
        ]
        return len(kinds) == 2 and bool(kinds[0]) and bool(kinds[1]) and kinds[0] != kinds[1]


def _known(ctx: RenderContext) -> Known:
    """The Known of the plan being rendered, kept with its old side (Schema's cache) for the
    plan's other statements: the forward's and the rollback's (whose sides are swapped) apart."""
    cache = ctx.old._cache
    found = cache.get(_KNOWN)
    if found is not None and found[0] is ctx.new and found[1] is ctx.recreated:
        known: Known = found[2]
        return known
    known = Known(rebuilt=_rebuilt(ctx), sides=(ctx.old, ctx.new))
    cache[_KNOWN] = (ctx.new, ctx.recreated, known)
    return known


_KNOWN = "postgres.rerun.known"


def _rebuilt(ctx: RenderContext) -> dict[tuple[str, str, str], tuple[str, ...]]:
    """See Known.rebuilt: for each view and key on both sides, the target side's dependents of it
    that the source side does not have as they are (views, functions, foreign keys)."""
    out: dict[tuple[str, str, str], tuple[str, ...]] = {}
    old, new = ctx.old.objects, ctx.new.objects
    # only what the plan drops and creates again can be rebuilt: on a large schema, reading every
    # key's dependents for each side would cost more than the rest of the rendering
    wanted = {k for k in ctx.recreated if k.kind in _REBUILT and k in old and k in new}
    if not wanted:
        return out
    # the target side's index of dependents: the plan has built it already (Schema's cache)
    every = ctx.new.dependents()
    dependents = {d: every[d] for d in sorted(wanted) if every.get(d)}
    for key, deps in dependents.items():
        tests = []
        for d in sorted(deps):
            if old.get(d) == new[d]:
                continue
            if d.kind in ("view", "materialized_view"):
                tests.append(f"pg_catalog.to_regclass({_lit(d.schema, d.name)}) IS NOT NULL")
            elif d.kind in ("function", "procedure") and "(" in d.name:
                name, args = d.name.split("(", 1)
                sig = f"{ident(d.schema)}.{ident(name)}({args}"
                tests.append(f"pg_catalog.to_regprocedure({literal(sig)}) IS NOT NULL")
            elif d.kind == "foreign_key" and d.parent:
                rel = f"pg_catalog.to_regclass({_lit(d.schema, d.parent)})"
                tests.append(_constraint_on(rel, d.name))
        if tests:
            out[(key.schema, key.parent, key.name)] = tuple(tests)
    return out


_REBUILT = frozenset(("view", "materialized_view", "primary_key", "unique"))


def leftover_drop(sql: str) -> str:
    """The `DROP INDEX CONCURRENTLY IF EXISTS` that clears what a failed concurrent build left,
    as a drop of that index only while it is INVALID. Run again once the build succeeded, the
    plain form would drop the finished index, or fail when a constraint has taken it over (ADD
    CONSTRAINT ... USING INDEX). An invalid index serves no query, so dropping it without
    CONCURRENTLY only takes the table's lock for a catalog update (under the phase's
    lock_timeout), and only when there is one; a DO block runs as a transaction of its own."""
    node = _parse(sql)
    if not _is(node, ast.DropStmt) or node.removeType != OT.OBJECT_INDEX or len(node.objects) != 1:
        return sql
    names = _names(node.objects[0])
    index = f"pg_catalog.to_regclass({_lit(*names)})"
    cond = _exists(f"pg_catalog.pg_index WHERE indexrelid = {index} AND NOT indisvalid")
    return _do_block([_Part(f"DROP INDEX {'.'.join(ident(n) for n in names)};", cond)])


def rewrite(
    sql: str,
    *,
    transactional: bool = True,
    replace_trigger: bool = True,
    known: Known = Known(),
) -> str:
    """`sql` (one statement) in its re-runnable form; unchanged when it already is one, re-runs
    harmlessly or is of a kind not known here (see `kind`)."""
    node = _parse(sql)
    if node is None:
        return sql
    parts = _parts(sql, node, replace_trigger, known, transactional)
    if parts is None:
        return sql
    if all(p.cond is None for p in parts) and len(parts) == 1:
        return parts[0].sql
    if not transactional:
        return sql  # a DO block runs in a transaction: not for CONCURRENTLY and the like
    return _do_block(parts)


def kind(sql: str) -> str:
    """The statement's kind as pglast names it (`AlterTableStmt:AT_AddColumn`), for reports."""
    node = _parse(sql)
    if node is None:
        return "unparsed"
    name = type(node).__name__
    if _is(node, ast.AlterTableStmt):
        return name + ":" + ",".join(c.subtype.name for c in node.cmds)
    for attr in ("removeType", "renameType", "kind", "objectType"):
        value = getattr(node, attr, None)
        if value is not None and hasattr(value, "name"):
            return f"{name}:{value.name}"
    return name


def left_as_is(sql: str, *, transactional: bool = True) -> bool:
    """True when `rewrite` leaves the statement unchanged although it is not known to re-run
    harmlessly (for reports and tests)."""
    node = _parse(sql)
    if node is None or _harmless(node) or _is(node, ast.DoStmt) or _native_already(node):
        return False
    if _is(node, ast.AlterTableStmt) and all(c.missing_ok for c in node.cmds):
        return False
    return rewrite(sql, transactional=transactional) == sql


@dataclass(frozen=True, slots=True)
class _Part:
    """A statement of the rewritten form; with `cond`, run only while that SQL condition holds."""

    sql: str
    cond: str | None = None


def _is(node: Any, *types: type) -> bool:
    """Whether `node` is of one of `types` (a call: pglast's Optional fields stay Any for mypy)."""
    return type(node) in types


def _parse(sql: str) -> Any:
    try:
        stmts = pglast.parse_sql(sql)
    except pglast.parser.ParseError:
        return None
    return stmts[0].stmt if len(stmts) == 1 else None


# --- the three forms ----------------------------------------------------------------------------

_ID = r'(?:"(?:[^"]|"")*"|[A-Za-z_][\w$]*)'
_QN = rf"{_ID}(?:\s*\.\s*{_ID})*"


def _insert(sql: str, node: Any, pattern: str, text: str, setter: Callable[[Any], None]) -> str | None:
    """`text` inserted where `pattern` (anchored at the start) ends, if the result parses to `node`
    with `setter` applied and nothing else changed; None otherwise."""
    m = re.match(pattern, sql)  # the renderer writes keywords in capitals
    if m is None:
        return None
    out = sql[: m.end()] + text + sql[m.end() :]
    expected = _parse(sql)
    setter(expected)
    got = _parse(out)
    if got is None or _shape(got) != _shape(expected):
        return None
    return out


def _shape(node: Any) -> Any:
    """The parse tree without source positions (which an insertion moves)."""
    return _strip(node(skip_none=True))


def _strip(v: Any) -> Any:
    if isinstance(v, dict):
        return {k: _strip(x) for k, x in v.items() if "location" not in k and k not in _POSITIONS}
    if isinstance(v, (tuple, list)):
        return tuple(_strip(x) for x in v)
    return v


_POSITIONS = frozenset(("stmt_len", "rexpr_list_start", "rexpr_list_end", "list_start", "list_end"))


def _set(attr: str, value: Any = True) -> Callable[[Any], None]:
    def setter(node: Any) -> None:
        setattr(node, attr, value)

    return setter


def _set_cmd(attr: str) -> Callable[[Any], None]:
    def setter(node: Any) -> None:
        setattr(node.cmds[0], attr, True)

    return setter


def _do_block(parts: Iterable[_Part]) -> str:
    """One DO block running each part, a guarded one only while its condition holds; the dollar
    quote's tag is one the statements do not contain."""
    body = []
    for p in parts:
        body.append(p.sql if p.cond is None else f"IF {p.cond} THEN\n{p.sql}\nEND IF;")
    text = "\n".join(body)
    tag, n = "ddlc", 0
    while f"${tag}$" in text:
        n += 1
        tag = f"ddlc{n}"
    return f"DO ${tag}$\nBEGIN\n{text}\nEND\n${tag}$;"


def _lit(*names: str | None) -> str:
    """A string literal of a qualified name, as to_regclass and to_regtype read it."""
    return literal(".".join(ident(n) for n in names if n))


def _rel(rv: Any) -> str:
    return f"pg_catalog.to_regclass({_lit(rv.schemaname, rv.relname)})"


def _names(items: Any) -> list[str]:
    return [i.sval for i in items]


def _typ(names: list[str]) -> str:
    return f"pg_catalog.to_regtype({_lit(*names)})"


def _typename(node: Any) -> str:
    return f"pg_catalog.to_regtype({literal(RawStream()(node))})"


def _exists(query: str) -> str:
    return f"EXISTS (SELECT FROM {query})"


def _not(cond: str) -> str:
    return f"NOT {cond}"


def _constraint_on(rel: str, name: str) -> str:
    return _exists(f"pg_catalog.pg_constraint WHERE conrelid = {rel} AND conname = {literal(name)}")


def _column_on(rel: str, name: str, extra: str = "") -> str:
    return _exists(
        f"pg_catalog.pg_attribute WHERE attrelid = {rel} AND attname = {literal(name)}"
        f" AND NOT attisdropped{extra}"
    )


def _in_namespace(catalog: str, prefix: str, names: list[str]) -> str:
    """An object of a catalog with a name column `<prefix>name` and a namespace `<prefix>namespace`."""
    *schema, name = names
    where = f"{prefix}name = {literal(name)}"
    if schema:
        where += f" AND {prefix}namespace = pg_catalog.to_regnamespace({_lit(schema[-1])})"
    else:
        where += f" AND pg_catalog.pg_{catalog}_is_visible(oid)"
    return _exists(f"pg_catalog.pg_{catalog} WHERE {where}")


def _renamed(before: str, after: str) -> str:
    """A rename runs while the old name (`before` holds) exists and the new one does not: once
    done, or when its relation is gone or renamed by a later statement, it is skipped."""
    return f"{before} AND NOT {after}"


# --- per statement kind -------------------------------------------------------------------------

_CREATE_TABLE = r"CREATE\s+(?:(?:GLOBAL\s+|LOCAL\s+)?(?:TEMP|TEMPORARY)\s+|UNLOGGED\s+)?TABLE\s+"
_NATIVE_CREATE: dict[type, str] = {
    ast.CreateStmt: _CREATE_TABLE,
    ast.IndexStmt: r"CREATE\s+(?:UNIQUE\s+)?INDEX\s+(?:CONCURRENTLY\s+)?",
    ast.CreateSeqStmt: r"CREATE\s+(?:(?:TEMP|TEMPORARY|UNLOGGED)\s+)?SEQUENCE\s+",
    ast.CreateStatsStmt: r"CREATE\s+STATISTICS\s+",
    ast.CreateForeignServerStmt: r"CREATE\s+SERVER\s+",
    ast.CreateUserMappingStmt: r"CREATE\s+USER\s+MAPPING\s+",
    ast.CreateSchemaStmt: r"CREATE\s+SCHEMA\s+",
    ast.CreateExtensionStmt: r"CREATE\s+EXTENSION\s+",
}
_RELKINDS = frozenset(("table", "view", "materialized_view", "sequence", "foreign_table", "index"))
_RELKIND_OF = {
    OT.OBJECT_TABLE: "rp",
    OT.OBJECT_VIEW: "v",
    OT.OBJECT_MATVIEW: "m",
    OT.OBJECT_SEQUENCE: "S",
    OT.OBJECT_FOREIGN_TABLE: "f",
    OT.OBJECT_INDEX: "iI",
}
_RELATION_RENAME = {
    OT.OBJECT_TABLE: "TABLE",
    OT.OBJECT_VIEW: "VIEW",
    OT.OBJECT_MATVIEW: r"MATERIALIZED\s+VIEW",
    OT.OBJECT_INDEX: "INDEX",
    OT.OBJECT_SEQUENCE: "SEQUENCE",
    OT.OBJECT_FOREIGN_TABLE: r"FOREIGN\s+TABLE",
}
_TS = {
    OT.OBJECT_TSCONFIGURATION: ("ts_config", "cfg"),
    OT.OBJECT_TSDICTIONARY: ("ts_dict", "dict"),
    OT.OBJECT_TSPARSER: ("ts_parser", "prs"),
    OT.OBJECT_TSTEMPLATE: ("ts_template", "tmpl"),
}


def _parts(
    sql: str, node: Any, replace_trigger: bool, known: Known = Known(), transactional: bool = True
) -> list[_Part] | None:
    """The rewritten form as parts, None to leave the statement as it is."""
    if _native_already(node):
        return None
    if _is(node, ast.AlterTableStmt) and len(node.cmds) == 1 and node.cmds[0].subtype == AT.AT_ColumnDefault:
        return _default(sql, node, known)
    if _harmless(node):
        return None
    t = type(node)
    if t is ast.DropStmt and node.removeType in _RELKIND_OF and len(node.objects) == 1:
        names = _names(node.objects[0])
        if len(names) == 2 and transactional and known.is_swapped(names[0], names[-1]):
            kinds = ", ".join(literal(k) for k in _RELKIND_OF[node.removeType])
            rel = f"pg_catalog.to_regclass({_lit(*names)})"
            return [_Part(sql, _exists(f"pg_catalog.pg_class WHERE oid = {rel} AND relkind IN ({kinds})"))]
    if t is ast.DropStmt and node.removeType in (OT.OBJECT_VIEW, OT.OBJECT_MATVIEW) and transactional:
        names = _names(node.objects[0]) if len(node.objects) == 1 else []
        markers = known.rebuilt.get((names[0], "", names[-1])) if len(names) == 2 else None
        native = _insert(sql, node, r"DROP(?:\s+[A-Z]+)+\s+", "IF EXISTS ", _set("missing_ok"))
        if markers and native is not None:
            # run again once rebuilt, the drop would fail on what the script created over it; the
            # CREATE OR REPLACE after it then keeps the view as it is
            return [_Part(native, f"NOT ({' OR '.join(markers)})")]
    if t in _NATIVE_CREATE:
        if t is ast.IndexStmt and not node.idxname:
            return None
        out = _insert(sql, node, _NATIVE_CREATE[t], "IF NOT EXISTS ", _set("if_not_exists"))
        return _one(out)
    if _is(node, ast.CreateForeignTableStmt):
        return _one(_insert(sql, node, r"CREATE\s+FOREIGN\s+TABLE\s+", "IF NOT EXISTS ", _base_if_not_exists))
    if _is(node, ast.CreateTableAsStmt) and node.objtype == OT.OBJECT_MATVIEW:
        pattern = r"CREATE\s+(?:UNLOGGED\s+)?MATERIALIZED\s+VIEW\s+"
        return _one(_insert(sql, node, pattern, "IF NOT EXISTS ", _set("if_not_exists")))
    if _is(node, ast.CreateFunctionStmt, ast.RuleStmt):
        return _one(_insert(sql, node, r"CREATE\s+", "OR REPLACE ", _set("replace")))
    if _is(node, ast.ViewStmt):
        return _one(_insert(sql, node, r"CREATE\s+", "OR REPLACE ", _set("replace")))
    if _is(node, ast.CreateTrigStmt):
        if replace_trigger and not node.isconstraint:
            return _one(_insert(sql, node, r"CREATE\s+", "OR REPLACE ", _set("replace")))
        rel = _rel(node.relation)
        cond = _exists(
            f"pg_catalog.pg_trigger WHERE tgrelid = {rel} AND tgname = {literal(node.trigname)}"
            " AND NOT tgisinternal"
        )
        return [_Part(sql, _not(cond))]
    if _is(node, ast.DropStmt):
        return _one(_insert(sql, node, r"DROP(?:\s+[A-Z]+)+\s+", "IF EXISTS ", _set("missing_ok")))
    if _is(node, ast.DropUserMappingStmt):
        return _one(_insert(sql, node, r"DROP\s+USER\s+MAPPING\s+", "IF EXISTS ", _set("missing_ok")))
    if _is(node, ast.AlterTableStmt):
        return _alter_table(sql, node, known)
    if _is(node, ast.AlterEnumStmt):
        return _alter_enum(sql, node)
    if _is(node, ast.AlterDomainStmt):
        return _alter_domain(sql, node)
    if _is(node, ast.RenameStmt):
        return _rename(sql, node)
    if _is(node, ast.CreateEnumStmt, ast.CreateRangeStmt):
        return [_Part(sql, f"{_typ(_names(node.typeName))} IS NULL")]
    if _is(node, ast.CompositeTypeStmt):
        rv = node.typevar
        return [_Part(sql, f"{_typ([n for n in (rv.schemaname, rv.relname) if n])} IS NULL")]
    if _is(node, ast.CreateDomainStmt):
        return [_Part(sql, f"{_typ(_names(node.domainname))} IS NULL")]
    if _is(node, ast.DefineStmt):
        return _define(sql, node)
    if _is(node, ast.CreatePolicyStmt):
        rel = _rel(node.table)
        name = literal(node.policy_name)
        cond = _exists(f"pg_catalog.pg_policy WHERE polrelid = {rel} AND polname = {name}")
        return [_Part(sql, _not(cond))]
    if _is(node, ast.CreateEventTrigStmt):
        cond = _exists(f"pg_catalog.pg_event_trigger WHERE evtname = {literal(node.trigname)}")
        return [_Part(sql, _not(cond))]
    if _is(node, ast.CreateFdwStmt):
        cond = _exists(f"pg_catalog.pg_foreign_data_wrapper WHERE fdwname = {literal(node.fdwname)}")
        return [_Part(sql, _not(cond))]
    if _is(node, ast.CreateCastStmt):
        src, dst = _typename(node.sourcetype), _typename(node.targettype)
        cond = _exists(f"pg_catalog.pg_cast WHERE castsource = {src} AND casttarget = {dst}")
        return [_Part(sql, _not(cond))]
    if _is(node, ast.AlterObjectSchemaStmt) and node.objectType == OT.OBJECT_EXTENSION:
        cond = _exists(
            f"pg_catalog.pg_extension WHERE extname = {literal(node.object.sval)}"
            f" AND extnamespace = pg_catalog.to_regnamespace({_lit(node.newschema)})"
        )
        return [_Part(sql, _not(cond))]
    return None


def _one(sql: str | None) -> list[_Part] | None:
    return None if sql is None else [_Part(sql)]


def _base_if_not_exists(node: Any) -> None:
    node.base.if_not_exists = True


def _native_already(node: Any) -> bool:
    """Already in a re-runnable form (IF [NOT] EXISTS, OR REPLACE) as the renderer wrote it."""
    for attr in ("if_not_exists", "missing_ok", "replace", "skipIfNewValExists"):
        if getattr(node, attr, False) is True:
            return True
    return _is(node, ast.CreateForeignTableStmt) and bool(node.base.if_not_exists)


_HARMLESS_NODES = (
    ast.AlterSeqStmt,  # the renderer writes no RESTART: options and OWNED BY set again
    ast.AlterFunctionStmt,
    ast.AlterOwnerStmt,
    ast.AlterPolicyStmt,
    ast.GrantStmt,
    ast.CommentStmt,
    ast.VariableSetStmt,
    ast.SelectStmt,  # setval guarded by its own WHERE
    ast.UpdateStmt,  # a backfill of the rows still NULL
    ast.AlterDefaultPrivilegesStmt,
    ast.AlterForeignServerStmt,
    ast.AlterUserMappingStmt,
    ast.AlterFdwStmt,
    ast.AlterExtensionStmt,
    ast.AlterEventTrigStmt,
    ast.AlterStatsStmt,
    ast.AlterOperatorStmt,
    ast.AlterTSConfigurationStmt,
    ast.AlterTSDictionaryStmt,
    ast.AlterCollationStmt,
)
# ALTER TABLE commands that set something to a value: running them again sets the same value
_HARMLESS_CMDS = frozenset(
    (
        AT.AT_ColumnDefault,
        AT.AT_SetNotNull,
        AT.AT_DropNotNull,
        AT.AT_SetStatistics,
        AT.AT_SetOptions,
        AT.AT_ResetOptions,
        AT.AT_SetStorage,
        AT.AT_SetCompression,
        AT.AT_AlterColumnType,
        AT.AT_AlterConstraint,
        AT.AT_ValidateConstraint,
        AT.AT_ChangeOwner,
        AT.AT_ClusterOn,
        AT.AT_DropCluster,
        AT.AT_SetLogged,
        AT.AT_SetUnLogged,
        AT.AT_SetRelOptions,
        AT.AT_ResetRelOptions,
        AT.AT_ReplaceRelOptions,
        AT.AT_EnableTrig,
        AT.AT_EnableAlwaysTrig,
        AT.AT_EnableReplicaTrig,
        AT.AT_DisableTrig,
        AT.AT_EnableTrigAll,
        AT.AT_DisableTrigAll,
        AT.AT_EnableTrigUser,
        AT.AT_DisableTrigUser,
        AT.AT_EnableRule,
        AT.AT_EnableAlwaysRule,
        AT.AT_EnableReplicaRule,
        AT.AT_DisableRule,
        AT.AT_EnableRowSecurity,
        AT.AT_DisableRowSecurity,
        AT.AT_ForceRowSecurity,
        AT.AT_NoForceRowSecurity,
        AT.AT_SetIdentity,
        AT.AT_ReplicaIdentity,
        AT.AT_SetAccessMethod,
        AT.AT_SetTableSpace,
        AT.AT_SetExpression,
    )
)


def _harmless(node: Any) -> bool:
    if _is(node, *_HARMLESS_NODES):
        return True
    if _is(node, ast.AlterTableStmt):
        return all(c.subtype in _HARMLESS_CMDS for c in node.cmds)
    if _is(node, ast.AlterDomainStmt):
        return node.subtype in ("T", "N", "O", "V")
    return False


def _alter_table(
    sql: str, node: Any, known: Known = Known()
) -> list[_Part] | None:
    if len(node.cmds) > 1:
        return _split(node)
    cmd = node.cmds[0]
    st = cmd.subtype
    kinds = {OT.OBJECT_TYPE: "TYPE", OT.OBJECT_FOREIGN_TABLE: r"FOREIGN\s+TABLE"}
    what = kinds.get(node.objtype, r"\w+(?:\s+VIEW)?")
    head = rf"ALTER\s+{what}\s+(?:ONLY\s+)?{_QN}\s+"
    rel = _rel(node.relation)
    typed = node.objtype == OT.OBJECT_TYPE
    if st == AT.AT_AddColumn and not typed:
        pattern = head + r"ADD\s+(?:COLUMN\s+)?"
        return _one(_insert(sql, node, pattern, "IF NOT EXISTS ", _set_cmd("missing_ok")))
    if st == AT.AT_AddColumn:  # ALTER TYPE ... ADD ATTRIBUTE has no IF NOT EXISTS
        return [_Part(sql, _not(_column_on(rel, cmd.def_.colname)))]
    rv = node.relation
    if st == AT.AT_DropColumn and known.is_typed(rv.schemaname or "public", rv.relname):
        return [_Part(sql, _column_on(rel, cmd.name))]
    if st == AT.AT_DropColumn:
        pattern = head + (r"DROP\s+ATTRIBUTE\s+" if typed else r"DROP\s+(?:COLUMN\s+)?")
        return _dropped_from(_insert(sql, node, pattern, "IF EXISTS ", _set_cmd("missing_ok")), typed)
    if st == AT.AT_DropConstraint:
        out = _insert(sql, node, head + r"DROP\s+CONSTRAINT\s+", "IF EXISTS ", _set_cmd("missing_ok"))
        parts = _dropped_from(out, typed)
        markers = known.rebuilt.get((rv.schemaname or "public", rv.relname, cmd.name))
        if parts and markers:  # a key rebuilt: as for a view (see Known.rebuilt)
            return [_Part(parts[0].sql, f"NOT ({' OR '.join(markers)})")]
        return parts
    if st in (AT.AT_DropIdentity, AT.AT_DropExpression):
        word = "IDENTITY" if st == AT.AT_DropIdentity else "EXPRESSION"
        pattern = head + rf"ALTER\s+(?:COLUMN\s+)?{_ID}\s+DROP\s+{word}"
        return _dropped_from(_insert(sql, node, pattern, " IF EXISTS", _set_cmd("missing_ok")), typed)
    if st == AT.AT_AddConstraint and cmd.def_.conname:
        return [_Part(sql, _not(_constraint_on(rel, cmd.def_.conname)))]
    if st == AT.AT_AddIdentity:
        return [_Part(sql, _column_on(rel, cmd.name, " AND attidentity = ''"))]
    if st in (AT.AT_AddInherit, AT.AT_DropInherit):
        inherits = _exists(f"pg_catalog.pg_inherits WHERE inhrelid = {rel} AND inhparent = {_rel(cmd.def_)}")
        return [_Part(sql, _not(inherits) if st == AT.AT_AddInherit else inherits)]
    if st in (AT.AT_AttachPartition, AT.AT_DetachPartition):
        if getattr(cmd.def_, "concurrent", False):
            return None
        part = _exists(f"pg_catalog.pg_inherits WHERE inhrelid = {_rel(cmd.def_.name)} AND inhparent = {rel}")
        return [_Part(sql, _not(part) if st == AT.AT_AttachPartition else part)]
    if st in (AT.AT_AddOf, AT.AT_DropOf):  # both fail when the table already is (is not) typed
        op = "=" if st == AT.AT_AddOf else "<>"
        return [_Part(sql, _exists(f"pg_catalog.pg_class WHERE oid = {rel} AND reloftype {op} 0"))]
    if st == AT.AT_GenericOptions and node.objtype == OT.OBJECT_FOREIGN_TABLE:
        opts = f"(SELECT ftoptions FROM pg_catalog.pg_foreign_table WHERE ftrelid = {rel})"
        return _options(sql, cmd.def_, opts)
    if st == AT.AT_AlterColumnGenericOptions:
        col = literal(cmd.name)
        opts = (
            f"(SELECT attfdwoptions FROM pg_catalog.pg_attribute WHERE attrelid = {rel} AND attname = {col})"
        )
        return _options(sql, cmd.def_, opts)
    return None


def _default(sql: str, node: Any, known: Known) -> list[_Part] | None:
    """SET/DROP DEFAULT re-runs harmlessly, except on a column that is an identity on one side: run
    again once it is one, it fails ("is an identity column")."""
    rv, col = node.relation, node.cmds[0].name
    if not known.is_identity(rv.schemaname or "public", rv.relname, col):
        return None
    return [_Part(sql, _column_on(_rel(rv), col, " AND attidentity = ''"))]


def _dropped_from(sql: str | None, typed: bool) -> list[_Part] | None:
    """A drop from a table also skips a table that is gone: a script may drop the part, then the
    table (ALTER TYPE has no IF EXISTS)."""
    if sql is None or typed:
        return _one(sql)
    pattern = r"ALTER\s+(?:FOREIGN\s+)?TABLE\s+"
    return _one(_insert(sql, _parse(sql), pattern, "IF EXISTS ", _set("missing_ok")))


def _options(sql: str, defs: Any, current: str) -> list[_Part] | None:
    """OPTIONS (ADD k 'v', SET k 'v', DROP k): ADD fails on a key that is there, DROP on one that
    is not; run unless every added or set pair and no dropped key is there."""
    have, gone = [], []
    for d in defs or ():
        action = getattr(d.defaction, "name", "DEFELEM_UNSPEC")
        if action == "DEFELEM_DROP":
            gone.append(d.defname)
        elif isinstance(d.arg, ast.String):
            have.append(f"{d.defname}={d.arg.sval}")
        else:
            return None
    cur = f"coalesce({current}, '{{}}')"
    checks = []
    if have:
        checks.append(f"ARRAY[{', '.join(literal(h) for h in have)}]::text[] <@ {cur}")
    for key in gone:
        prefix = literal(key + "=%")
        checks.append(f"NOT EXISTS (SELECT FROM pg_catalog.unnest({cur}) o WHERE o LIKE {prefix})")
    return [_Part(sql, f"NOT ({' AND '.join(checks)})")] if checks else None


def _split(node: Any) -> list[_Part] | None:
    """A statement of several commands (ALTER TYPE ... DROP ATTRIBUTE a, ADD ATTRIBUTE b) as one
    statement per command, each in its own re-runnable form; None unless each deparses faithfully."""
    parts: list[_Part] = []
    for cmd in node.cmds:
        one = ast.AlterTableStmt(relation=node.relation, cmds=(cmd,), objtype=node.objtype, missing_ok=False)
        text = RawStream()(one) + ";"
        again = _parse(text)
        if again is None or _shape(again.cmds[0]) != _shape(cmd):
            return None
        sub = _alter_table(text, again)
        if sub is None:
            if not _harmless(again):
                return None
            sub = [_Part(text)]
        parts += sub
    return parts


def _alter_enum(sql: str, node: Any) -> list[_Part] | None:
    typ = _typ(_names(node.typeName))
    if node.oldVal is None:  # ADD VALUE: runs outside a transaction, so the native form only
        pattern = rf"ALTER\s+TYPE\s+{_QN}\s+ADD\s+VALUE\s+"
        return _one(_insert(sql, node, pattern, "IF NOT EXISTS ", _set("skipIfNewValExists")))

    def label(value: str) -> str:
        return _exists(f"pg_catalog.pg_enum WHERE enumtypid = {typ} AND enumlabel = {literal(value)}")

    return [_Part(sql, _renamed(label(node.oldVal), label(node.newVal)))]


def _alter_domain(sql: str, node: Any) -> list[_Part] | None:
    typ = _typ(_names(node.typeName))
    if node.subtype == "X":
        pattern = rf"ALTER\s+DOMAIN\s+{_QN}\s+DROP\s+CONSTRAINT\s+"
        return _one(_insert(sql, node, pattern, "IF EXISTS ", _set("missing_ok")))
    if node.subtype == "C" and node.def_.conname:
        name = literal(node.def_.conname)
        cond = _exists(f"pg_catalog.pg_constraint WHERE contypid = {typ} AND conname = {name}")
        return [_Part(sql, _not(cond))]
    return None


def _rename(sql: str, node: Any) -> list[_Part] | None:
    rt = node.renameType
    if rt in _RELATION_RENAME and node.relation is not None:
        pattern = rf"ALTER\s+{_RELATION_RENAME[rt]}\s+"
        return _one(_insert(sql, node, pattern, "IF EXISTS ", _set("missing_ok")))
    if rt in (OT.OBJECT_COLUMN, OT.OBJECT_ATTRIBUTE):
        rel = _rel(node.relation)
        return [_Part(sql, _renamed(_column_on(rel, node.subname), _column_on(rel, node.newname)))]
    if rt == OT.OBJECT_TABCONSTRAINT:
        rel = _rel(node.relation)
        return [_Part(sql, _renamed(_constraint_on(rel, node.subname), _constraint_on(rel, node.newname)))]
    if rt == OT.OBJECT_DOMCONSTRAINT:
        typ = _typ(_names(node.object))

        def con(name: str) -> str:
            return _exists(f"pg_catalog.pg_constraint WHERE contypid = {typ} AND conname = {literal(name)}")

        return [_Part(sql, _renamed(con(node.subname), con(node.newname)))]
    if rt in (OT.OBJECT_TYPE, OT.OBJECT_DOMAIN):
        names = _names(node.object)
        before, after = _typ(names), _typ([*names[:-1], node.newname])
        return [_Part(sql, f"{before} IS NOT NULL AND {after} IS NULL")]
    if rt in (OT.OBJECT_TRIGGER, OT.OBJECT_POLICY, OT.OBJECT_RULE):
        rel = _rel(node.relation)
        catalog, relcol, namecol = {
            OT.OBJECT_TRIGGER: ("pg_trigger", "tgrelid", "tgname"),
            OT.OBJECT_POLICY: ("pg_policy", "polrelid", "polname"),
            OT.OBJECT_RULE: ("pg_rewrite", "ev_class", "rulename"),
        }[rt]

        def named(name: str) -> str:
            return _exists(f"pg_catalog.{catalog} WHERE {relcol} = {rel} AND {namecol} = {literal(name)}")

        return [_Part(sql, _renamed(named(node.subname), named(node.newname)))]
    if rt == OT.OBJECT_SCHEMA:

        before, after = (f"pg_catalog.to_regnamespace({_lit(n)})" for n in (node.subname, node.newname))
        return [_Part(sql, f"{before} IS NOT NULL AND {after} IS NULL")]
    return None


def _define(sql: str, node: Any) -> list[_Part] | None:
    k = node.kind
    names = _names(node.defnames)
    if k == OT.OBJECT_AGGREGATE:  # CREATE OR REPLACE AGGREGATE: PostgreSQL 12+
        return _one(_insert(sql, node, r"CREATE\s+", "OR REPLACE ", _set("replace")))
    if k == OT.OBJECT_COLLATION:
        return _one(_insert(sql, node, r"CREATE\s+COLLATION\s+", "IF NOT EXISTS ", _set("if_not_exists")))
    if k == OT.OBJECT_TYPE:
        if node.definition is None:  # a shell type
            return [_Part(sql, f"{_typ(names)} IS NULL")]
        # the shell type of a base type exists before its definition: test that it is defined
        cond = _exists(f"pg_catalog.pg_type WHERE oid = {_typ(names)} AND typisdefined")
        return [_Part(sql, _not(cond))]
    if k in _TS:
        catalog, prefix = _TS[k]
        return [_Part(sql, _not(_in_namespace(catalog, prefix, names)))]
    if k == OT.OBJECT_OPERATOR:
        args = {d.defname.lower(): d.arg for d in node.definition or ()}
        left, right = (RawStream()(args[a]) if a in args else "NONE" for a in ("leftarg", "rightarg"))
        signature = literal(f"{'.'.join(ident(n) for n in names[:-1])}{'.' if len(names) > 1 else ''}"
                            f"{names[-1]}({left}, {right})")
        return [_Part(sql, f"pg_catalog.to_regoperator({signature}) IS NULL")]
    return None
