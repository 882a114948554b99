"""MySQL/MariaDB: changes -> SQL statements for the `mariadb`/`mysql` client; `combine` merges a table's
ALTERs into one (the planner renders the reverse of each change for the rollback).

MySQL DDL is not transactional (every statement commits), so by default (PlanOptions.idempotent)
statements are written to be re-run after a failure part way, or after they all ran: `IF [NOT]
EXISTS` and `CREATE OR REPLACE` wherever MariaDB accepts them (MariaDB KB "ALTER TABLE": ADD COLUMN
IF NOT EXISTS, DROP ... IF EXISTS since 10.0.2, ADD PRIMARY KEY IF NOT EXISTS, ADD PARTITION IF NOT
EXISTS, DROP PARTITION IF EXISTS; "CREATE OR REPLACE" for triggers, routines and events since
10.1.4, sequences since 10.3); where MariaDB has none, ddlcompare.dialects.mysql.rerun adds one
or a guard on the catalog.

Those forms are MariaDB-only; MySQL's ALTER TABLE has none of them (MySQL 8.4 manual, "ALTER
TABLE"), nor CREATE OR REPLACE for routines, triggers and events: a MySQL
`--target-version` (5.7, 8.0, 8.4) gets the plain statements, as `--no-idempotent` does, and its
scripts cannot be re-run after they ran. The plain statements have no IF [NOT] EXISTS and no OR
REPLACE where a plain CREATE is the plain form: a changed routine, trigger or event is dropped and
created, a changed view is `CREATE OR REPLACE VIEW` (MySQL's own way to change one).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import singledispatch

from ddlcompare.dialects.mysql.objects import (
    ActionOrder,
    AutoIncrement,
    Charset,
    ColumnCheck,
    Engine,
    Event,
    IndexKind,
    IndexOptions,
    Invisible,
    NotEnforced,
    OnUpdate,
    Partitioning,
    RowFormat,
    Srid,
    SystemVersioning,
    TableOptions,
    ViewOptions,
)
from ddlcompare.diff.changes import Alter, Change, Create, Drop, Rename
from ddlcompare.model.base import Element, Expr, ObjectKey, Schema, SchemaObject
from ddlcompare.model.objects import (
    Check,
    Column,
    ForeignKey,
    Index,
    IndexPart,
    Opaque,
    PrimaryKey,
    Procedure,
    Routine,
    Table,
    TableChild,
    Trigger,
    View,
)
from ddlcompare.model.objects import Sequence as Seq
from ddlcompare.plan.hazards import OLDEST, Hazard, merged
from ddlcompare.plan.plan import HeldBack, Plan, RenderContext, Statement

St = Statement


@dataclass(frozen=True, slots=True)
class TableAlter(Statement):
    """`ALTER TABLE <table> <clauses>`: `combine` merges those of one table into one statement."""

    table: str = ""  # the rendered table name
    clauses: tuple[str, ...] = ()
    # --online, a COPY rebuild: the gh-ost and pt-online-schema-change command lines doing it instead
    online_tools: tuple[str, ...] = ()
    # re-runnable scripts (see ddlcompare.dialects.mysql.rerun.finish, which writes them last):
    if_exists: bool = False  # the table may be gone on a second run (the plan drops or renames it)
    only_if: str = ""  # a catalog condition under which the statement has not run yet


def ident(name: str) -> str:
    """A backquoted identifier (embedded backquotes doubled)."""
    return "`" + name.replace("`", "``") + "`"


def literal(value: str) -> str:
    """A single-quoted string literal; backslashes escaped too (the default sql_mode reads them)."""
    return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'"


def qualified(schema: str, name: str) -> str:
    """`db`.`name`, or `name` in the dump's own database (schema "")."""
    return f"{ident(schema)}.{ident(name)}" if schema else ident(name)


def _q(obj: SchemaObject) -> str:
    return qualified(obj.schema, obj.name)


def _table_of(obj: TableChild) -> str:
    return qualified(obj.schema, obj.table)


def _e(x: Expr) -> str:
    return x.text or x.canonical


def _cols(cols: Iterable[str]) -> str:
    return ", ".join(ident(c) for c in cols)


def rerun(ctx: RenderContext) -> bool:
    """Whether the statements take MariaDB's re-runnable forms: asked for (not --no-idempotent), for
    MariaDB or a server nobody named (the default target, the oldest MySQL, is for hazards only); a
    MySQL target (--target-version, or a MySQL dump's header) gets the plain statements."""
    target = ctx.target
    return ctx.options.idempotent and (
        target is None or target.product == "mariadb" or target.origin == OLDEST["mysql"].origin
    )


def _if_exists(ctx: RenderContext) -> str:
    return " IF EXISTS" if rerun(ctx) else ""


def _if_not_exists(ctx: RenderContext) -> str:
    return " IF NOT EXISTS" if rerun(ctx) else ""


_DROPS = re.compile(r"^DROP (INDEX|COLUMN|CONSTRAINT) IF EXISTS (`(?:[^`]|``)+`)")
_ADDS = re.compile(
    r"^ADD (COLUMN|(?:UNIQUE |FULLTEXT |SPATIAL )?KEY|CONSTRAINT) IF NOT EXISTS (`(?:[^`]|``)+`)"
)
# the primary key's re-runnable forms (DROP PRIMARY KEY has no IF EXISTS; the key is named PRIMARY)
DROP_PK = ("DROP PRIMARY KEY", "DROP INDEX IF EXISTS `PRIMARY`")
_ADD_PK = "ADD PRIMARY KEY IF NOT EXISTS "


def is_pk_clause(clause: str) -> bool:
    """Whether `clause` drops or adds the primary key (in either form)."""
    return clause in DROP_PK or clause.startswith("ADD PRIMARY KEY")


def _namespace(word: str) -> str:
    return word if word in ("COLUMN", "CONSTRAINT") else "KEY"


def _readd(clauses: Sequence[str]) -> tuple[str, ...]:
    """Clauses with IF NOT EXISTS removed where the same statement drops that name first: the server
    checks IF NOT EXISTS against the table as it was before the statement and would skip the add."""
    dropped: set[tuple[str, str]] = set()
    out = []
    for c in clauses:
        if m := _DROPS.match(c):
            dropped.add((_namespace(m.group(1)), m.group(2).lower()))
        elif (
            (m := _ADDS.match(c)) and (_namespace(m.group(1)), m.group(2).lower()) in dropped
        ) or (c.startswith(_ADD_PK) and ("KEY", "`primary`") in dropped):
            c = c.replace(" IF NOT EXISTS", "", 1)
        out.append(c)
    return tuple(out)


_MODIFY = re.compile(r"^MODIFY COLUMN (`(?:[^`]|``)+`)")


def _last_modify(clauses: Sequence[str]) -> tuple[str, ...]:
    """One MODIFY per column, the last (a column check dropped and added modifies its column twice)."""
    last: dict[str, int] = {}
    for i, c in enumerate(clauses):
        if m := _MODIFY.match(c):
            last[m.group(1).lower()] = i
    return tuple(
        c for i, c in enumerate(clauses) if not (m := _MODIFY.match(c)) or last[m.group(1).lower()] == i
    )


def table_alter(
    table: str,
    *clauses: str,
    destructive: bool = False,
    note: str = "",
    hazards: tuple[Hazard, ...] = (),
    if_exists: bool = False,
    only_if: str = "",
) -> TableAlter:
    """One ALTER TABLE statement of `clauses` (`hazards`: those of the statements they come from;
    `if_exists`, `only_if`: see TableAlter)."""
    clauses = _last_modify(_readd(clauses))
    if len(clauses) == 1:
        sql = f"ALTER TABLE {table} {clauses[0]};"
    else:
        sql = f"ALTER TABLE {table}\n  " + ",\n  ".join(clauses) + ";"
    return TableAlter(
        sql,
        destructive=destructive,
        note=note,
        hazards=hazards,
        table=table,
        clauses=tuple(clauses),
        if_exists=if_exists,
        only_if=only_if,
    )


def delimited(sql: str) -> str:
    """A statement with a compound body, in a `DELIMITER ;;` block (mysqldump's convention) so that
    the client does not cut it at the body's semicolons (MariaDB KB "Delimiters")."""
    return f"DELIMITER ;;\n{sql.rstrip().rstrip(';')};;\nDELIMITER ;"


# ---- columns ----------------------------------------------------------------------------------


def _charset_of(collation: str) -> str:
    return "binary" if collation == "binary" else collation.split("_", 1)[0]


def column_def(
    col: Column, table_collation: str | None, *, force_collation: bool = False, check: str = ""
) -> str:
    """A column definition as SHOW CREATE TABLE orders it; CHARACTER SET/COLLATE when it differs from
    the table's default (or always, with `force_collation`: the table's default changes too)."""
    parts = [ident(col.name), col.type]
    if col.collation is not None and (force_collation or col.collation != table_collation):
        # both names: CHARACTER SET alone means that set's default collation
        parts.append(f"CHARACTER SET {_charset_of(col.collation)} COLLATE {col.collation}")
    srid = col.option(Srid)
    if col.generated is not None:
        parts.append(
            f"GENERATED ALWAYS AS ({_e(col.generated)}) {'STORED' if col.generated_stored else 'VIRTUAL'}"
        )
    else:
        if not col.nullable:
            parts.append("NOT NULL")
        elif col.type.startswith("timestamp"):
            # explicit: with explicit_defaults_for_timestamp off a bare TIMESTAMP is NOT NULL
            parts.append("NULL")
        if col.default is not None:
            parts.append(f"DEFAULT {_e(col.default)}")
        elif col.nullable and col.type.startswith("timestamp"):
            parts.append("DEFAULT NULL")
        on_update = col.option(OnUpdate)
        if on_update is not None:
            parts.append(f"ON UPDATE {_e(on_update.expr)}")
        if col.option(AutoIncrement) is not None:
            parts.append("AUTO_INCREMENT")
    if srid is not None:
        parts.append(f"REF_SYSTEM_ID={srid.srid}")  # MariaDB spelling; MySQL 8 writes SRID n
    if col.option(Invisible) is not None:
        parts.append("INVISIBLE")
    if col.comment is not None:
        parts.append(f"COMMENT {literal(col.comment)}")
    if check:
        parts.append(f"CHECK ({check})")
    return " ".join(parts)


def _table_collation(t: Table) -> str | None:
    cs = t.option(Charset)
    return cs.collation if cs else None


def _column_check(schema: Schema, t: Table, column: str) -> str:
    """The expression of a MariaDB column-level CHECK on `column` (printed inside its definition)."""
    key = ObjectKey("check", t.schema, column, t.name)
    ck = schema.objects.get(key)
    if isinstance(ck, Check) and (opt := ck.option(ColumnCheck)) is not None and opt.column == column:
        return _e(ck.expr)
    return ""


# ---- keys, indexes and constraints ------------------------------------------------------------


def _part(p: IndexPart) -> str:
    s = ident(p.column) if p.column is not None else f"({_e(p.expr) if p.expr else ''})"
    if p.length is not None:
        s += f"({p.length})"
    if p.descending:
        s += " DESC"
    return s


def _index_tail(ix: Index | PrimaryKey) -> str:
    out = []
    method = ix.method if isinstance(ix, Index) else None
    opts = ix.option(IndexOptions)
    items = dict(opts.items) if opts else {}
    items.pop("PARTS", None)
    method = method or items.pop("USING", None)
    if method:
        out.append(f"USING {method}")
    for k, v in sorted(items.items()):
        out.append(f"WITH PARSER {v}" if k == "WITH PARSER" else f"{k}={v}")
    if ix.comment is not None:
        out.append(f"COMMENT {literal(ix.comment)}")
    if ix.option(Invisible) is not None:
        out.append("IGNORED")  # MariaDB 10.6+ (MySQL 8: INVISIBLE)
    return (" " + " ".join(out)) if out else ""


def key_def(ix: Index | PrimaryKey, *, if_not_exists: bool = False) -> str:
    """PRIMARY KEY / UNIQUE KEY / FULLTEXT KEY / SPATIAL KEY / KEY definition."""
    if isinstance(ix, PrimaryKey):
        opts = ix.option(IndexOptions)
        parts = dict(opts.items).get("PARTS") if opts else None
        body = _pk_parts(parts) if parts else _cols(ix.columns)
        ine = " IF NOT EXISTS" if if_not_exists else ""
        return f"PRIMARY KEY{ine} ({body}){_index_tail(ix)}"
    kind = ix.option(IndexKind)
    head = f"{kind.kind} KEY" if kind else "UNIQUE KEY" if ix.unique else "KEY"
    head += " IF NOT EXISTS" if if_not_exists else ""
    return f"{head} {ident(ix.name)} ({', '.join(_part(p) for p in ix.parts)}){_index_tail(ix)}"


def _pk_parts(text: str) -> str:
    """Primary key parts kept as `col(len) DESC, ...` text by the parser: quote the column names."""
    out = []
    for piece in text.split(", "):
        m = re.match(r"^(.+?)((?:\(\d+\))?(?: DESC)?)$", piece)
        assert m is not None
        out.append(ident(m.group(1)) + m.group(2))
    return ", ".join(out)


def fk_def(fk: ForeignKey, *, if_not_exists: bool = True) -> str:
    """CONSTRAINT ... FOREIGN KEY IF NOT EXISTS ... REFERENCES ... (MariaDB's re-runnable form, KB
    "ALTER TABLE"; without `if_not_exists` the plain one); NO ACTION is the default and left out."""
    ine = " IF NOT EXISTS" if if_not_exists else ""
    s = (
        f"CONSTRAINT {ident(fk.name)} FOREIGN KEY{ine} ({_cols(fk.columns)}) "
        f"REFERENCES {qualified(fk.ref_schema, fk.ref_table)} ({_cols(fk.ref_columns)})"
    )
    if fk.on_delete != "NO ACTION":
        s += f" ON DELETE {fk.on_delete}"
    if fk.on_update != "NO ACTION":
        s += f" ON UPDATE {fk.on_update}"
    return s


def check_def(ck: Check) -> str:
    s = f"CONSTRAINT {ident(ck.name)} CHECK ({_e(ck.expr)})"
    return s + (" NOT ENFORCED" if ck.option(NotEnforced) else "")


# ---- table options ----------------------------------------------------------------------------


def _table_options(t: Table) -> list[str]:
    out = []
    engine = t.option(Engine)
    if engine:
        out.append(f"ENGINE={engine.name}")
    cs = t.option(Charset)
    if cs:
        out.append(f"DEFAULT CHARSET={cs.charset} COLLATE={cs.collation}")
    rf = t.option(RowFormat)
    if rf:
        out.append(f"ROW_FORMAT={rf.format}")
    other = t.option(TableOptions)
    for k, v in other.items if other else ():
        out.append(f"{k}={v}")
    if t.comment is not None:
        out.append(f"COMMENT={literal(t.comment)}")
    return out


# a removed option goes back to its default with `= DEFAULT` or `= 0` (MariaDB KB "CREATE TABLE")
_OPTION_RESET = {
    "STATS_PERSISTENT": "DEFAULT",
    "STATS_AUTO_RECALC": "DEFAULT",
    "STATS_SAMPLE_PAGES": "DEFAULT",
}
_OPTION_RESET |= {"PACK_KEYS": "DEFAULT", "PAGE_CHECKSUM": "DEFAULT", "TRANSACTIONAL": "DEFAULT"}


def _alter_options(old: Table, new: Table, *, force_charset: bool = False) -> list[str]:
    """Table option clauses that turn `old`'s options into `new`'s."""
    out = []
    if old.option(Engine) != new.option(Engine) and (e := new.option(Engine)) is not None:
        out.append(f"ENGINE={e.name}")
    a, b = old.option(Charset), new.option(Charset)
    if (a != b or force_charset) and b is not None:
        # DEFAULT CHARSET, never CONVERT TO: CONVERT TO also rewrites every text column and widens
        # TEXT to MEDIUMTEXT where the new set needs more bytes (MariaDB KB "ALTER TABLE", CONVERT TO);
        # the columns whose collation changes are each modified explicitly instead.
        out.append(f"DEFAULT CHARSET={b.charset} COLLATE={b.collation}")
    ra, rb = old.option(RowFormat), new.option(RowFormat)
    if ra != rb:
        out.append(f"ROW_FORMAT={rb.format if rb else 'DEFAULT'}")
    oa, ob = old.option(TableOptions), new.option(TableOptions)
    ia, ib = dict(oa.items) if oa else {}, dict(ob.items) if ob else {}
    for k in sorted(ia.keys() | ib.keys()):
        if ia.get(k) != ib.get(k):
            out.append(f"{k}={ib[k]}" if k in ib else f"{k}={_OPTION_RESET.get(k, '0')}")
    if old.comment != new.comment:
        out.append(f"COMMENT={literal(new.comment or '')}")
    return out


# ---- partitions -------------------------------------------------------------------------------


def _split_top(text: str) -> list[str]:
    """`text` cut at top-level commas (outside parentheses and quotes)."""
    out, depth, start, quote = [], 0, 0, ""
    for i, ch in enumerate(text):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"`":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "," and depth == 0:
            out.append(text[start:i].strip())
            start = i + 1
    out.append(text[start:].strip())
    return [p for p in out if p]


def _partition_list(clause: str) -> tuple[str, list[str]]:
    """(scheme, partition definitions) of a canonical PARTITION BY clause; no list: []."""
    depth, quote = 0, ""
    for i, ch in enumerate(clause):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"`":
            quote = ch
        elif ch == "(":
            if depth == 0 and clause[i:].lstrip("(").lstrip().upper().startswith("PARTITION "):
                return clause[:i].strip(), _split_top(clause[i + 1 : clause.rindex(")")])
            depth += 1
        elif ch == ")":
            depth -= 1
    return clause, []


def _partition_name(definition: str) -> str:
    """The (quoted) name of `PARTITION name ...`."""
    m = re.match(r"PARTITION\s+(`(?:[^`]|``)+`|\S+)", definition, re.I)
    assert m is not None
    name = m.group(1)
    return name if name.startswith("`") else ident(name)


def _written(p: Partitioning) -> str:
    """The clause as written (the canonical one rewrites functions, e.g. TO_DAYS, and unquotes names)."""
    return p.text or p.clause


def _partition_statements(
    t: str, old: Partitioning | None, new: Partitioning | None, ctx: RenderContext
) -> list[St]:
    """ADD or DROP PARTITION when only whole RANGE/LIST partitions come or go, else re-partition."""
    if new is None:
        assert old is not None
        # the rows stay: REMOVE PARTITIONING copies them into one unpartitioned table
        return [St(f"ALTER TABLE {t} REMOVE PARTITIONING;")]
    if old is not None:
        sa, pa = _partition_list(old.clause)
        sb, pb = _partition_list(new.clause)
        wa, wb = _partition_list(_written(old))[1], _partition_list(_written(new))[1]
        if len(wa) != len(pa):
            wa = pa
        if len(wb) != len(pb):
            wb = pb
        ranged = sb.upper().startswith(("PARTITION BY RANGE", "PARTITION BY LIST"))
        if sa == sb and ranged and pa and pb:
            if pb[: len(pa)] == pa and len(pb) > len(pa):
                # new partitions after the last one: ADD PARTITION (MariaDB KB "ALTER TABLE", partitions)
                added = ", ".join(wb[len(pa) :])
                return [St(f"ALTER TABLE {t} ADD PARTITION{_if_not_exists(ctx)} ({added});")]
            kept = [p for p in pa if p in pb]
            if kept == pb and len(pa) > len(pb):
                gone = [_partition_name(w) for p, w in zip(pa, wa, strict=True) if p not in pb]
                return [
                    St(
                        f"ALTER TABLE {t} DROP PARTITION{_if_exists(ctx)} {', '.join(gone)};",
                        destructive=True,
                        note=f"drops partition(s) {', '.join(gone)} of {t} and their rows",
                    )
                ]
    # the whole scheme changes: the server moves every row into the new partitions
    return [St(f"ALTER TABLE {t} {_written(new)};")]


# ---- create -----------------------------------------------------------------------------------


@singledispatch
def create(obj: Element, ctx: RenderContext) -> list[St]:
    raise NotImplementedError(f"cannot create {type(obj).__name__}")


def create_table_sql(t: Table, schema: Schema, *, if_not_exists: bool = True) -> str:
    """CREATE TABLE with its columns, primary key, indexes and checks (foreign keys come apart, once
    the tables they reference exist)."""
    coll = _table_collation(t)
    lines = [column_def(c, coll, check=_column_check(schema, t, c.name)) for c in t.columns]
    children = schema.children().get((t.schema, t.name), []) if schema is not None else []
    keys = [c for c in children if isinstance(c, (PrimaryKey, Index))]
    keys.sort(key=lambda k: (not isinstance(k, PrimaryKey), not getattr(k, "unique", False), k.name))
    lines += [key_def(k) for k in keys]
    checks = sorted(
        (c for c in children if isinstance(c, Check) and c.option(ColumnCheck) is None), key=lambda c: c.name
    )
    lines += [check_def(c) for c in checks]
    tail = " ".join(_table_options(t))
    head = "CREATE TABLE IF NOT EXISTS" if if_not_exists else "CREATE TABLE"
    sql = f"{head} {_q(t)} (\n  " + ",\n  ".join(lines) + f"\n) {tail}"
    if t.option(SystemVersioning):
        sql += " WITH SYSTEM VERSIONING"
    part = t.option(Partitioning)
    if part is not None:
        sql += f"\n{_written(part)}"
    return sql + ";"


@create.register
def _(obj: Table, ctx: RenderContext) -> list[St]:
    return [St(create_table_sql(obj, ctx.new, if_not_exists=rerun(ctx)))]


def _inlined(obj: TableChild, ctx: RenderContext) -> bool:
    """Keys and checks of a table created by the plan are written inside its CREATE TABLE."""
    return ObjectKey("table", obj.schema, obj.table) not in ctx.old.objects


@create.register
def _(obj: Index, ctx: RenderContext) -> list[St]:
    if _inlined(obj, ctx):
        return []
    return [table_alter(_table_of(obj), f"ADD {key_def(obj, if_not_exists=rerun(ctx))}")]


@create.register
def _(obj: PrimaryKey, ctx: RenderContext) -> list[St]:
    if _inlined(obj, ctx):
        return []
    # ADD PRIMARY KEY IF NOT EXISTS: MariaDB KB "ALTER TABLE" (plain when the statement drops it first)
    return [table_alter(_table_of(obj), f"ADD {key_def(obj, if_not_exists=rerun(ctx))}")]


def _column_check_change(obj: Check, ctx: RenderContext) -> list[St]:
    """A MariaDB column-level CHECK is part of its column's definition (MariaDB KB "CONSTRAINT"): it
    comes and goes with a MODIFY COLUMN of that column as `ctx.new` has it (DROP CONSTRAINT does not
    see it). Nothing when the table's own ALTER modifies the column anyway, or the column goes."""
    col = obj.option(ColumnCheck)
    assert col is not None
    key = ObjectKey("table", obj.schema, obj.table)
    t, before = ctx.new.objects.get(key), ctx.old.objects.get(key)
    if not isinstance(t, Table) or not isinstance(before, Table):
        return []
    c = t.column(col.column)
    if c is None or before.column(col.column) is None or _altered_columns(before, t).get(c.name):
        return []
    check = _column_check(ctx.new, t, c.name)
    return [table_alter(_table_of(obj), f"MODIFY COLUMN {column_def(c, _table_collation(t), check=check)}")]


def _altered_columns(old: Table, new: Table) -> dict[str, bool]:
    """Columns the table's own ALTER modifies (changed, moved, or re-stated for a new default set)."""
    from ddlcompare.diff.compare import diff_columns

    out = {ch.obj.name: True for ch in diff_columns(old.columns, new.columns, column_order=True)}
    if _table_collation(old) != _table_collation(new):
        out |= {c.name: True for c in new.columns if c.collation is not None}
    return out


@create.register
def _(obj: Check, ctx: RenderContext) -> list[St]:
    if _inlined(obj, ctx):
        return []
    if obj.option(ColumnCheck) is not None:
        return _column_check_change(obj, ctx)
    # ADD CONSTRAINT IF NOT EXISTS: MariaDB 10.2.1+ (MariaDB KB "ALTER TABLE")
    clause = check_def(obj).replace("CONSTRAINT", f"CONSTRAINT{_if_not_exists(ctx)}", 1)
    return [table_alter(_table_of(obj), f"ADD {clause}")]


@create.register
def _(obj: ForeignKey, ctx: RenderContext) -> list[St]:
    return [
        table_alter(
            _table_of(obj), *_restate_fk_index(obj, ctx), f"ADD {fk_def(obj, if_not_exists=rerun(ctx))}"
        )
    ]


def _restate_fk_index(fk: ForeignKey, ctx: RenderContext) -> list[str]:
    """An existing plain key on exactly the foreign key's columns, dropped and added again with it.

    The key may be one the server generated for an earlier foreign key; adding a foreign key then
    generates a key named after the constraint and drops the old generated one (MariaDB sql_table.cc,
    foreign_key_prefix), so the model's key would be renamed. A key added in the same statement is
    the user's and is kept.
    """
    if ObjectKey("table", fk.schema, fk.table) not in ctx.old.objects:
        return []
    want = [c.lower() for c in fk.columns]
    for obj in ctx.new.children().get((fk.schema, fk.table), []):
        if (
            isinstance(obj, Index)
            and not obj.unique
            and not obj.options
            and obj.name.lower() != fk.name.lower()
            and [
                p.column.lower() if p.column and p.length is None and not p.descending else ""
                for p in obj.parts
            ]
            == want
            and ctx.old.objects.get(obj.key) == obj
        ):
            return [
                f"DROP INDEX{_if_exists(ctx)} {ident(obj.name)}",
                f"ADD {key_def(obj, if_not_exists=rerun(ctx))}",
            ]
    return []


def _definer(obj: SchemaObject, schema: Schema) -> str:
    """` DEFINER=user@host` of a view, routine, trigger or event as `schema` (the side being
    created) has it, compared (--owners) or not: CREATE OR REPLACE without it makes the migrating
    user the definer, and an object with SQL SECURITY DEFINER then runs with that user's rights."""
    owner = obj.owner
    if owner is None:
        kept = schema.access.get(obj.key)
        owner = kept.owner if kept is not None else None
    if owner is None or owner == "CURRENT_USER":
        return ""
    user, at, host = owner.rpartition("@")
    return f" DEFINER={ident(user)}@{ident(host)}" if at else f" DEFINER={ident(owner)}"


def view_sql(v: View, schema: Schema, *, replace: bool = True) -> str:
    """CREATE [OR REPLACE] VIEW with its algorithm, definer, security and check option."""
    opt = v.option(ViewOptions)
    head = "CREATE OR REPLACE" if replace else "CREATE"
    if opt is not None:
        head += f" ALGORITHM={opt.algorithm}"
    head += _definer(v, schema)
    if opt is not None:
        head += f" SQL SECURITY {opt.security}"
    names = _view_column_list(v)
    cols = f" ({_cols(names)})" if names else ""
    sql = f"{head} VIEW {_q(v)}{cols} AS {_e(v.query).strip().rstrip(';')}"
    if v.check_option:
        sql += f" WITH {v.check_option} CHECK OPTION"
    return sql + ";"


def _view_column_list(v: View) -> tuple[str, ...]:
    """Column names to declare: those of the model, or the canonical query's output names when the
    query as written does not produce them (a `CREATE VIEW v (a, b)` the parser folded into aliases)."""
    if v.columns:
        return v.columns
    from ddlcompare.dialects.mysql.normalize import parse_sql

    try:
        canon = parse_sql(v.query.canonical)
        text = parse_sql(_e(v.query))
    except Exception:
        return ()
    want = _output_names(canon)
    got = _output_names(text)
    if want and len(want) == len(got) and [w.lower() for w in want] != [g.lower() for g in got]:
        return tuple(want)
    return ()


def _output_names(tree: object) -> list[str]:
    from sqlglot import exp

    node = tree
    while isinstance(node, exp.Union):
        node = node.left
    if not isinstance(node, exp.Select):
        return []
    return [p.alias_or_name for p in node.expressions]


@create.register
def _(obj: View, ctx: RenderContext) -> list[St]:
    return [St(view_sql(obj, ctx.new, replace=rerun(ctx)))]


def _or_replace(replace: bool) -> str:
    return " OR REPLACE" if replace else ""


def _routine_sql(r: Routine, schema: Schema, *, replace: bool = True) -> str:
    is_proc = isinstance(r, Procedure)
    attrs = dict(r.attributes)
    kind = "PROCEDURE" if is_proc else "AGGREGATE FUNCTION" if attrs.get("aggregate") == "YES" else "FUNCTION"
    args = ", ".join((f"{a.mode} " if is_proc else "") + f"{ident(a.name)} {a.type}" for a in r.arguments)
    name = qualified(r.schema, r.base_name)
    sql = f"CREATE{_or_replace(replace)}{_definer(r, schema)} {kind} {name}({args})"
    if r.returns is not None and not is_proc:
        sql += f" RETURNS {r.returns}"
    chars = []
    if attrs.get("deterministic") == "YES":
        chars.append("DETERMINISTIC")
    if "data_access" in attrs:
        chars.append(attrs["data_access"])
    if "security" in attrs:
        chars.append(f"SQL SECURITY {attrs['security']}")
    if r.comment is not None:
        chars.append(f"COMMENT {literal(r.comment)}")
    if chars:
        sql += "\n  " + " ".join(chars)
    return delimited(f"{sql}\n{r.body}")


@create.register
def _(obj: Routine, ctx: RenderContext) -> list[St]:
    return [St(_routine_sql(obj, ctx.new, replace=rerun(ctx)))]


def _trigger_sql(tr: Trigger, schema: Schema, *, replace: bool = True) -> str:
    order = ""
    pos = tr.option(ActionOrder)
    if pos is not None and pos.position > 1:
        # dumps carry no FOLLOWS: place the trigger after the one that fires before it
        for other in schema.objects.values():
            if (
                isinstance(other, Trigger)
                and other.table == tr.table
                and other.schema == tr.schema
                and (other.timing, other.events) == (tr.timing, tr.events)
                and (o := other.option(ActionOrder)) is not None
                and o.position == pos.position - 1
            ):
                order = f" FOLLOWS {ident(other.name)}"
    sql = (
        f"CREATE{_or_replace(replace)}{_definer(tr, schema)} TRIGGER {_q(tr)} {tr.timing}"
        f" {' OR '.join(tr.events)}"
        f" ON {_table_of(tr)} FOR EACH ROW{order}\n{tr.action}"
    )
    return delimited(sql)


@create.register
def _(obj: Trigger, ctx: RenderContext) -> list[St]:
    return [St(_trigger_sql(obj, ctx.new, replace=rerun(ctx)))]


def _event_sql(ev: Event, schema: Schema, *, replace: bool = True) -> str:
    if ev.every is not None:
        sched = f"EVERY {ev.every}"
        if ev.starts:
            sched += f" STARTS {ev.starts}"
        if ev.has_ends and ev.ends:
            sched += f" ENDS {ev.ends}"
    else:
        # AT is evaluated at creation and not compared: one in the past with NOT PRESERVE drops itself
        sched = f"AT {ev.at or 'CURRENT_TIMESTAMP + INTERVAL 1 DAY'}"
    sql = (
        f"CREATE{_or_replace(replace)}{_definer(ev, schema)} EVENT {_q(ev)} ON SCHEDULE {sched}\n"
        f"  ON COMPLETION {'' if ev.preserve else 'NOT '}PRESERVE {ev.status}"
    )
    if ev.comment is not None:
        sql += f" COMMENT {literal(ev.comment)}"
    return delimited(f"{sql}\nDO {ev.body}")


@create.register
def _(obj: Event, ctx: RenderContext) -> list[St]:
    return [St(_event_sql(obj, ctx.new, replace=rerun(ctx)))]


def _sequence_clauses(s: Seq) -> str:
    return (
        f"START WITH {s.start} MINVALUE {s.min_value} MAXVALUE {s.max_value} INCREMENT BY {s.increment}"
        + (f" CACHE {s.cache}" if s.cache else " NOCACHE")
        + (" CYCLE" if s.cycle else " NOCYCLE")
    )


@create.register
def _(obj: Seq, ctx: RenderContext) -> list[St]:
    # MariaDB 10.3+ sequences (MariaDB KB "CREATE SEQUENCE")
    sql = f"CREATE SEQUENCE{_if_not_exists(ctx)} {_q(obj)} {_sequence_clauses(obj)}"
    if obj.comment is not None:
        sql += f" COMMENT={literal(obj.comment)}"
    return [St(sql + ";")]


@create.register
def _(obj: Opaque, ctx: RenderContext) -> list[St]:
    return [
        St(
            f"-- MANUAL: {obj.name} is not modelled; apply it by hand:\n-- "
            + obj.source_text.strip().replace("\n", "\n-- ")
        )
    ]


# ---- drop -------------------------------------------------------------------------------------


@singledispatch
def drop(obj: Element, ctx: RenderContext) -> list[St]:
    raise NotImplementedError(f"cannot drop {type(obj).__name__}")


@drop.register
def _(obj: Table, ctx: RenderContext) -> list[St]:
    return [
        St(
            f"DROP TABLE{_if_exists(ctx)} {_q(obj)};",
            destructive=True,
            note=f"drops table {obj.display} and its data",
        )
    ]


def _goes_with_table(obj: TableChild, ctx: RenderContext) -> bool:
    """A key, check or trigger of a table the plan drops goes with it."""
    return ObjectKey("table", obj.schema, obj.table) not in ctx.new.objects


@drop.register
def _(obj: Index, ctx: RenderContext) -> list[St]:
    if _goes_with_table(obj, ctx):
        return []
    return [table_alter(_table_of(obj), f"DROP INDEX{_if_exists(ctx)} {ident(obj.name)}")]


@drop.register
def _(obj: PrimaryKey, ctx: RenderContext) -> list[St]:
    if _goes_with_table(obj, ctx):
        return []
    # DROP PRIMARY KEY has no IF EXISTS; DROP INDEX does, and the key is the index named PRIMARY
    return [table_alter(_table_of(obj), DROP_PK[rerun(ctx)])]


@drop.register
def _(obj: Check, ctx: RenderContext) -> list[St]:
    if _goes_with_table(obj, ctx):
        return []
    if obj.option(ColumnCheck) is not None:
        return _column_check_change(obj, ctx)
    return [table_alter(_table_of(obj), f"DROP CONSTRAINT{_if_exists(ctx)} {ident(obj.name)}")]


@drop.register
def _(obj: ForeignKey, ctx: RenderContext) -> list[St]:
    ref = ObjectKey("table", obj.ref_schema, obj.ref_table)
    # a foreign key to another table that is dropped too must go first: the referenced table cannot be
    # dropped while a constraint points at it (MariaDB KB "DROP TABLE")
    if _goes_with_table(obj, ctx) and (
        ref not in ctx.old.objects or ref in ctx.new.objects or obj.ref_table == obj.table
    ):
        return []
    return [table_alter(_table_of(obj), f"DROP FOREIGN KEY{_if_exists(ctx)} {ident(obj.name)}")]


@drop.register
def _(obj: View, ctx: RenderContext) -> list[St]:
    return [St(f"DROP VIEW{_if_exists(ctx)} {_q(obj)};")]


@drop.register
def _(obj: Routine, ctx: RenderContext) -> list[St]:
    kind = "PROCEDURE" if isinstance(obj, Procedure) else "FUNCTION"
    return [St(f"DROP {kind}{_if_exists(ctx)} {qualified(obj.schema, obj.base_name)};")]


@drop.register
def _(obj: Trigger, ctx: RenderContext) -> list[St]:
    if _goes_with_table(obj, ctx):
        return []
    return [St(f"DROP TRIGGER{_if_exists(ctx)} {_q(obj)};")]


@drop.register
def _(obj: Event, ctx: RenderContext) -> list[St]:
    return [St(f"DROP EVENT{_if_exists(ctx)} {_q(obj)};")]


@drop.register
def _(obj: Seq, ctx: RenderContext) -> list[St]:
    return [
        St(
            f"DROP SEQUENCE{_if_exists(ctx)} {_q(obj)};",
            destructive=True,
            note=f"drops sequence {obj.display} and its current value",
        )
    ]


@drop.register
def _(obj: Opaque, ctx: RenderContext) -> list[St]:
    return [St(f"-- MANUAL: {obj.name} is not modelled; drop it by hand if needed")]


# ---- planning hooks ---------------------------------------------------------------------------


def _differs(a: SchemaObject, b: SchemaObject) -> set[str]:
    from ddlcompare.model.base import field_values

    x, y = dict(field_values(a)), dict(field_values(b))
    return {k for k in x.keys() | y.keys() if k not in ("owner", "grants") and x.get(k) != y.get(k)}


def needs_rebuild(change: Alter) -> bool:
    """Keys, checks and foreign keys are dropped and added again (in one ALTER TABLE, see combine);
    tables, views, routines, triggers, events and sequences change in place or are replaced."""
    old, new = change.old, change.new
    assert isinstance(old, SchemaObject) and isinstance(new, SchemaObject)
    if type(old) is not type(new):
        return True
    if isinstance(new, Index):
        # only IGNORED can change in place (ALTER INDEX ... [NOT] IGNORED, MariaDB 10.6+)
        return bool(_differs(old, new) - {"options.invisible"})
    if isinstance(new, (PrimaryKey, Check, ForeignKey)):
        return True
    return isinstance(new, Opaque)


def _column_changes(change: Alter) -> Iterable[tuple[Column | None, Column | None]]:
    for ch in change.children:
        a = ch.old if isinstance(ch, (Alter, Drop)) else None
        b = ch.new if isinstance(ch, (Alter, Create)) else None
        assert isinstance(a, Column | None) and isinstance(b, Column | None)
        yield a, b


def invalidates(change: Alter, dependent: SchemaObject) -> bool:
    """A foreign key must be dropped and added again around a change of one of its columns: the
    server refuses to change a column a foreign key uses (MariaDB KB "Foreign Keys", errno 150)."""
    t = change.new
    if not isinstance(t, Table) or not isinstance(dependent, ForeignKey):
        return False
    used: set[str] = set()
    if dependent.table == t.name and dependent.schema == t.schema:
        used |= {c.lower() for c in dependent.columns}
    if dependent.ref_table == t.name and dependent.ref_schema == t.schema:
        used |= {c.lower() for c in dependent.ref_columns}
    for a, b in _column_changes(change):
        name = (a or b).name.lower()  # type: ignore[union-attr]
        if name not in used:
            continue
        if a is None or b is None or (a.type, a.collation) != (b.type, b.collation):
            return True
    return False


# ---- alter ------------------------------------------------------------------------------------


@singledispatch
def alter(old: Element, new: Element, change: Alter, ctx: RenderContext) -> list[St]:
    raise NotImplementedError(f"cannot alter {type(new).__name__}")


_INT_RANK = {"tinyint": 1, "smallint": 2, "mediumint": 3, "int": 4, "bigint": 5}
_TEXT_BYTES = {"tinytext": 255, "text": 65535, "mediumtext": 16777215, "longtext": 4294967295}
_TEXT_BYTES |= {"tinyblob": 255, "blob": 65535, "mediumblob": 16777215, "longblob": 4294967295}
_MB = {"utf8mb4": 4, "utf8mb3": 3, "utf16": 4, "utf16le": 4, "utf32": 4, "ucs2": 2, "latin1": 1, "ascii": 1}
# character sets every character of the key fits into (a conversion to them loses nothing)
_SUPERSETS = {
    "ascii": {"latin1", "utf8mb3", "utf8mb4", "utf16", "utf32", "ucs2"},
    "latin1": {"utf8mb3", "utf8mb4", "utf16", "utf32"},
    "utf8mb3": {"utf8mb4", "utf16", "utf32"},
    "ucs2": {"utf8mb4", "utf16", "utf32"},
    "utf8mb4": {"utf16", "utf32"},
    "utf16": {"utf8mb4", "utf32"},
    "utf32": {"utf8mb4", "utf16"},
}


def _split_type(t: str) -> tuple[str, list[str], bool]:
    m = re.match(r"^(\w+)(?:\((.*)\))?(.*)$", t, re.S)
    assert m is not None
    args = _split_top(m.group(2)) if m.group(2) else []
    return m.group(1), args, "unsigned" in m.group(3)


def _capacity(base: str, args: list[str], collation: str | None) -> int | None:
    """Bytes a string value of the type can hold (None: not a string type)."""
    mb = _MB.get(_charset_of(collation), 2) if collation else 1
    if base in ("char", "varchar", "binary", "varbinary"):
        return int(args[0]) * mb if args else mb
    return _TEXT_BYTES.get(base)


def lossy(a: Column, b: Column) -> str:
    """Why changing column `a` into `b` can lose or reject stored values ("" when it cannot)."""
    if b.generated is not None:
        return ""  # computed again from the other columns
    ta, tb = a.type, b.type
    ca_set = _charset_of(a.collation) if a.collation else None
    cb_set = _charset_of(b.collation) if b.collation else None
    if ca_set and cb_set and ca_set != cb_set and cb_set not in _SUPERSETS.get(ca_set, set()):
        return f"converts from {ca_set} to {cb_set}"
    if ta == tb:
        return ""
    ba, aa, ua = _split_type(ta)
    bb, ab, ub = _split_type(tb)
    why = f"changes type from {ta} to {tb}"
    if ba in ("enum", "set") and bb == ba:
        return why if not set(aa) <= set(ab) else ""
    if ba in _INT_RANK and bb in _INT_RANK:
        if _INT_RANK[bb] < _INT_RANK[ba] or (ua and not ub and _INT_RANK[bb] == _INT_RANK[ba]):
            return why
        return why if (ub and not ua) else ""
    if ba == bb == "decimal":
        pa, sa = int(aa[0]), int(aa[1])
        pb, sb = int(ab[0]), int(ab[1])
        return why if sb < sa or pb - sb < pa - sa or (ub and not ua) else ""
    if ba in _INT_RANK and bb == "decimal":
        digits = {"tinyint": 3, "smallint": 5, "mediumint": 8, "int": 10, "bigint": 20}[ba]
        return why if int(ab[0]) - int(ab[1]) < digits or (ub and not ua) else ""
    if ba in ("float", "double") and bb == "double":
        return ""
    if ba in _INT_RANK and bb == "double":
        return why if ba == "bigint" else ""
    ca, cb = _capacity(ba, aa, a.collation), _capacity(bb, ab, b.collation)
    if cb is not None and ca is not None:
        binary_a = ba in ("binary", "varbinary") or ba.endswith("blob")
        binary_b = bb in ("binary", "varbinary") or bb.endswith("blob")
        if binary_a != binary_b and binary_a:
            return why
        return why if cb < ca else ""
    if cb is not None and (bb in _TEXT_BYTES or cb >= 64):
        return ""  # numbers, dates and enums fit in a long enough string
    if ba in ("datetime", "timestamp", "time") and bb == ba:
        return why if (int(ab[0]) if ab else 0) < (int(aa[0]) if aa else 0) else ""
    if ba == "date" and bb in ("datetime", "timestamp"):
        return "" if bb == "datetime" else why
    if ba == "timestamp" and bb == "datetime":
        return why if (int(ab[0]) if ab else 0) < (int(aa[0]) if aa else 0) else ""
    if ba == "bit" and bb == "bit":
        return why if int(ab[0]) < int(aa[0]) else ""
    return why


def _position(prev: str | None) -> str:
    return f" AFTER {ident(prev)}" if prev is not None else " FIRST"


def _alter_columns(
    old: Table, new: Table, change: Alter, ctx: RenderContext
) -> tuple[list[str], list[tuple[str, str]]]:
    """(clauses that lose nothing, [(destructive clause, why)]) for the column changes of `change`.

    Added and moved columns are placed in the new order, each AFTER its new predecessor: going
    through them in that order, every predecessor is already in its final place. A lossy change of
    a moved column first moves it with its old definition (so the safe part keeps the order right)
    and then changes it in the destructive part.
    """
    coll = _table_collation(new)
    force = _table_collation(old) != coll
    kinds: dict[str, Change] = {ch.obj.name: ch for ch in change.children}
    # names differ only in case: the same column to the server, renamed with CHANGE COLUMN
    dropped = {ch.obj.name.lower(): ch.obj for ch in change.children if isinstance(ch, Drop)}
    renamed: dict[str, Column] = {}
    for child in change.children:
        prior = dropped.get(child.obj.name.lower())
        if isinstance(child, Create) and isinstance(prior, Column):
            renamed[child.obj.name] = prior
    safe: list[str] = []
    risky: list[tuple[str, str]] = []
    prev: str | None = None
    for col in new.columns:
        ch = kinds.get(col.name)
        check = _column_check(ctx.new, new, col.name)
        cdef = column_def(col, coll, force_collation=force, check=check)
        if isinstance(ch, Create) and col.name in renamed:
            a = renamed[col.name]
            clause = f"CHANGE COLUMN {ident(a.name)} {cdef}{_position(prev)}"
            why = lossy(a, col)
            if why:
                risky.append((clause, f"{new.display}.{col.name} {why}"))
            else:
                safe.append(clause)
        elif isinstance(ch, Create):
            safe.append(f"ADD COLUMN{_if_not_exists(ctx)} {cdef}{_position(prev)}")
        elif isinstance(ch, Alter):
            assert isinstance(ch.old, Column)
            a = ch.old
            where = _position(prev) if ch.moved else ""
            why = lossy(a, col)
            regen = (a.generated is None) != (col.generated is None) or (
                a.generated is not None and a.generated_stored != col.generated_stored
            )
            if regen:
                # a column cannot become or stop being generated, or switch VIRTUAL/STORED, in place
                # (MariaDB KB "Generated Columns"): drop it and add it again at its place
                risky.append(
                    (
                        f"DROP COLUMN{_if_exists(ctx)} {ident(a.name)}, ADD COLUMN {cdef}{_position(prev)}",
                        f"recreates column {new.display}.{col.name}"
                        + (" and loses its data" if a.generated is None else ""),
                    )
                )
            elif why:
                if where:
                    safe.append(
                        f"MODIFY COLUMN {column_def(a, _table_collation(old), force_collation=True)}{where}"
                    )
                risky.append(
                    (
                        f"MODIFY COLUMN {column_def(col, coll, force_collation=force, check=check)}",
                        f"{new.display}.{col.name} {why}",
                    )
                )
            else:
                safe.append(
                    f"MODIFY COLUMN {column_def(col, coll, force_collation=force, check=check)}{where}"
                )
        elif force and col.collation is not None:
            # the table's default set changes: keep this column's own set and collation
            safe.append(f"MODIFY COLUMN {column_def(col, coll, force_collation=True, check=check)}")
        prev = col.name
    gone = {c.name for c in renamed.values()}
    for ch in change.children:
        if isinstance(ch, Drop) and ch.obj.name not in gone:
            risky.append(
                (
                    f"DROP COLUMN{_if_exists(ctx)} {ident(ch.old.name)}",
                    f"drops column {new.display}.{ch.old.name} and its data",
                )
            )
    return safe, risky


@alter.register
def _(old: Table, new: Table, change: Alter, ctx: RenderContext) -> list[St]:
    t = _q(new)
    safe, risky = _alter_columns(old, new, change, ctx)
    safe += _alter_options(old, new)
    out: list[St] = []
    pa, pb = old.option(Partitioning), new.option(Partitioning)
    if old.option(SystemVersioning) and not new.option(SystemVersioning):
        out.append(
            St(
                f"ALTER TABLE {t} DROP SYSTEM VERSIONING;",
                destructive=True,
                note=f"drops the row history of {new.display}",
            )
        )
    if pa is not None and pb is None:
        out += _partition_statements(t, pa, pb, ctx)
    if safe:
        out.append(table_alter(t, *safe))
    if risky:
        out.append(
            table_alter(t, *(c for c, _ in risky), destructive=True, note="; ".join(w for _, w in risky))
        )
    if pb is not None and pa != pb:
        out += _partition_statements(t, pa, pb, ctx)
    if new.option(SystemVersioning) and not old.option(SystemVersioning):
        out.append(St(f"ALTER TABLE {t} ADD SYSTEM VERSIONING;"))
    return out


@alter.register
def _(old: Index, new: Index, change: Alter, ctx: RenderContext) -> list[St]:
    state = "IGNORED" if new.option(Invisible) else "NOT IGNORED"
    return [table_alter(_table_of(new), f"ALTER INDEX {ident(new.name)} {state}")]


@alter.register
def _(old: View, new: View, change: Alter, ctx: RenderContext) -> list[St]:
    # CREATE OR REPLACE VIEW in both modes: it is how MySQL and MariaDB change a view
    return [St(view_sql(new, ctx.new))]


@alter.register
def _(old: Routine, new: Routine, change: Alter, ctx: RenderContext) -> list[St]:
    if not rerun(ctx):
        return drop(old, ctx) + create(new, ctx)  # MySQL has no CREATE OR REPLACE here
    return [St(_routine_sql(new, ctx.new))]


@alter.register
def _(old: Trigger, new: Trigger, change: Alter, ctx: RenderContext) -> list[St]:
    if old.table != new.table or not rerun(ctx):
        return drop(old, ctx) + create(new, ctx)
    return [St(_trigger_sql(new, ctx.new))]


@alter.register
def _(old: Event, new: Event, change: Alter, ctx: RenderContext) -> list[St]:
    if not rerun(ctx):
        return drop(old, ctx) + create(new, ctx)
    return [St(_event_sql(new, ctx.new))]


@alter.register
def _(old: Seq, new: Seq, change: Alter, ctx: RenderContext) -> list[St]:
    sets = []
    if old.increment != new.increment:
        sets.append(f"INCREMENT BY {new.increment}")
    if old.min_value != new.min_value:
        sets.append(f"MINVALUE {new.min_value}")
    if old.max_value != new.max_value:
        sets.append(f"MAXVALUE {new.max_value}")
    if old.start != new.start:
        sets.append(f"START WITH {new.start}")
    if old.cache != new.cache:
        sets.append(f"CACHE {new.cache}" if new.cache else "NOCACHE")
    if old.cycle != new.cycle:
        sets.append("CYCLE" if new.cycle else "NOCYCLE")
    out = [St(f"ALTER SEQUENCE{_if_exists(ctx)} {_q(new)} {' '.join(sets)};")] if sets else []
    if old.comment != new.comment:
        # ALTER SEQUENCE cannot set a comment; a sequence is a table to ALTER TABLE (MariaDB KB)
        out.append(St(f"ALTER TABLE {_q(new)} COMMENT={literal(new.comment or '')};"))
    return out


# ---- render -----------------------------------------------------------------------------------


def render(change: Change, ctx: RenderContext) -> Sequence[St]:
    """SQL for one change."""
    if isinstance(change, Create):
        out = create(change.new, ctx)
    elif isinstance(change, Drop):
        out = drop(change.old, ctx)
    elif isinstance(change, Rename):
        from ddlcompare.dialects.mysql.rename import rename

        out = rename(change, ctx)
    else:
        out = alter(change.old, change.new, change, ctx)
    # notes become `--` comment lines: a name with a line break must not end the comment
    return [
        dataclasses.replace(st, note=" ".join(st.note.split())) if "\n" in st.note or "\r" in st.note else st
        for st in out
    ]


# ---- combine ----------------------------------------------------------------------------------


def _table_alters(stmts: Sequence[St]) -> str | None:
    """The table all of `stmts` alter, when every one is a mergeable TableAlter of one table."""
    tables = {st.table for st in stmts if isinstance(st, TableAlter)}
    if len(tables) != 1 or not all(isinstance(st, TableAlter) for st in stmts):
        return None
    return tables.pop()


_FK_DROP = re.compile(r"^DROP FOREIGN KEY (?:IF EXISTS )?(`(?:[^`]|``)+`)$")
_FK_ADD = re.compile(r"^ADD CONSTRAINT (`(?:[^`]|``)+`) FOREIGN KEY")


def _merge(stmts: Iterable[St]) -> list[St]:
    """The clauses of one table's ALTERs as few statements as order allows.

    Those that lose nothing go first in one statement, the destructive ones in a second (commented
    out unless allowed). A foreign key added after a destructive change stays after it: it may need
    that change's column type. A primary key change joins the destructive statement when there is
    one: an AUTO_INCREMENT column must stay a key until it is dropped (error 1075). Each statement
    carries the hazards of the statements whose clauses it holds.
    """
    Clause = tuple[str, tuple[Hazard, ...]]  # a clause with the hazards of its statement
    safe: list[Clause] = []
    tail: list[tuple[bool, list[Clause], list[str]]] = []  # (destructive, clauses, notes)
    table = ""
    stmts_seen = list(stmts)
    for st in stmts_seen:
        assert isinstance(st, TableAlter)
        table = st.table
        own = [(c, st.hazards) for c in st.clauses]
        if st.destructive or (tail and any(_FK_ADD.match(c) for c in st.clauses)):
            if tail and tail[-1][0] == st.destructive:
                tail[-1][1].extend(own)
                tail[-1][2].append(st.note)
            else:
                tail.append((st.destructive, own, [st.note]))
        else:
            safe.extend(own)
    alters = [st for st in stmts_seen if isinstance(st, TableAlter)]
    if_exists = any(st.if_exists for st in alters)
    only_if = next((st.only_if for st in alters if st.only_if), "")
    risky = next((run for run in tail if run[0]), None)
    if risky is not None:
        pk = [x for x in safe if is_pk_clause(x[0])]
        if pk:
            safe = [x for x in safe if x[0] not in {c for c, _ in pk}]
            risky[1][:0] = pk
    runs = ([(False, safe, [""])] if safe else []) + tail
    out: list[St] = []
    for destructive, clauses, notes in runs:
        note = "; ".join(n for n in notes if n)
        start = 0
        for chunk in fk_chunks([c for c, _ in clauses]):
            held = clauses[start : start + len(chunk)]  # the chunks cut the clauses in order
            start += len(chunk)
            found = merged(*(h for _, h in held))
            out.append(
                table_alter(
                    table,
                    *chunk,
                    destructive=destructive,
                    note=note,
                    hazards=found,
                    if_exists=if_exists,
                    only_if=only_if,
                )
            )
    return out


def fk_chunks(clauses: list[str]) -> list[list[str]]:
    """`clauses` cut before a foreign key added under a name the same statement drops: InnoDB
    refuses both in one ALTER TABLE (errno 121, duplicate key)."""
    chunks: list[list[str]] = [[]]
    dropped: set[str] = set()
    for c in clauses:
        if (m := _FK_ADD.match(c)) and m.group(1).lower() in dropped:
            chunks.append([])
            dropped = set()
        if m := _FK_DROP.match(c):
            dropped.add(m.group(1).lower())
        chunks[-1].append(c)
    return [ch for ch in chunks if ch]


def combine(plan: Plan) -> Plan:
    """One ALTER TABLE per table (MySQL copies or rebuilds a table for many ALTERs, MariaDB KB
    "ALTER TABLE"): the column, key and constraint changes of a table that the plan orders near each
    other become one statement, placed where no dependency is broken.

    A step joins an earlier group of its table when everything it must follow comes before the
    group; otherwise the group moves down to it when no step in between needs the group. The merged
    statements live in one host step; the other members keep their place with no SQL of their own.
    The rollback merges the members' rollback clauses in reverse order at the same host.
    """
    steps = list(plan.steps)
    groups: list[list[int]] = []
    host: list[int] = []  # per group: the step whose place it takes
    needs: list[set[int]] = []  # per group: the steps its members must follow
    open_group: dict[str, int] = {}
    member_of: dict[int, int] = {}

    def at(p: int) -> int:
        """Where the statements of step `p` run now."""
        return host[member_of[p]] if p in member_of else p

    def needs_of(k: int) -> set[int]:
        """What the statements running at step `k` must follow (nothing when they moved away)."""
        if k in member_of:
            g = member_of[k]
            return needs[g] if host[g] == k else set()
        return set(steps[k].after)

    for j, st in enumerate(steps):
        t = _table_alters([*st.forward, *st.rollback]) if st.forward else None
        if t is None:
            continue
        g = open_group.get(t)
        if g is not None:
            members = set(groups[g])
            h = host[g]
            joined = False
            if all(p in members or at(p) < h for p in st.after):
                joined = True  # pulled up into the group
            elif all(not (needs_of(k) & members) for k in range(h + 1, j)):
                host[g] = j  # the group moves down to this step
                joined = True
            if joined:
                groups[g].append(j)
                member_of[j] = g
                needs[g] |= set(st.after) - members - {j}
                continue
        open_group[t] = len(groups)
        member_of[j] = len(groups)
        groups.append([j])
        host.append(j)
        needs.append(set(st.after))
    for g, group in enumerate(groups):
        if len(group) < 2:
            continue
        fwd = _merge(s for m in group for s in steps[m].forward)
        back = _merge(s for m in reversed(group) for s in steps[m].rollback)
        held: HeldBack | None = None
        if any(s.held is not None for s in (steps[m] for m in group)):
            # with destructive clauses held back: what each member still runs, merged, and its undoing
            # a clause the merge put with the destructive ones (a primary key dropped with its
            # AUTO_INCREMENT column) is held back with them, and so is its step
            risky = {c for s in fwd if s.destructive and isinstance(s, TableAlter) for c in s.clauses}
            kept = [
                st
                for st in (steps[m] for m in group)
                if (st.held is None or not st.held.whole)
                and not any(
                    c in risky
                    for s in (st.forward if st.held is None else st.held.forward)
                    if isinstance(s, TableAlter)
                    for c in s.clauses
                )
            ]
            runs = [s for st in kept for s in (st.forward if st.held is None else st.held.forward)]
            undo = [
                s for st in reversed(kept) for s in (st.rollback if st.held is None else st.held.rollback)
            ]
            held = HeldBack(tuple(_merge(runs)), tuple(_merge(undo)))
        for m in group:
            if m == host[g]:
                steps[m] = dataclasses.replace(steps[m], forward=tuple(fwd), rollback=tuple(back), held=held)
            else:
                steps[m] = dataclasses.replace(steps[m], forward=(), rollback=(), held=None)
    return dataclasses.replace(plan, steps=tuple(steps))


# ---- snapshot ---------------------------------------------------------------------------------


def snapshot(schema: Schema) -> str:
    """Canonical DDL of `schema`: every object created in dependency order (parses back equal)."""
    from ddlcompare.dialects.mysql import DIALECT
    from ddlcompare.diff.compare import diff
    from ddlcompare.output.sql import statements
    from ddlcompare.plan.plan import make_plan

    empty = Schema(schema.dialect, {})
    plan = combine(make_plan(empty, schema, diff(empty, schema), DIALECT, render))
    title = f"-- ddlcompare snapshot ({schema.dialect})" + (f" of {schema.source}" if schema.source else "")
    # a partial snapshot says so in itself, not only on stderr
    lines = [title, *(f"-- left out: the account cannot see {u.what}" for u in schema.unseen), ""]
    lines += [s.sql for s in statements(plan)]
    return "\n".join(lines) + "\n"


__all__ = ["combine", "invalidates", "needs_rebuild", "render", "snapshot"]
