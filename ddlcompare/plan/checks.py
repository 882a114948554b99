"""Pre-flight validation of a plan: static findings about the new side and the plan, and the data
checks a migration needs before it runs (one read-only counting query per risky change).

Neutral: which checks a plan needs comes from its steps (their hazards and changes); the SQL of
each check and running it against a live database belong to the dialects (dialects/*/checks.py),
which get here through the `queries` / `extra` callables."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

from ddlcompare.diff.changes import Alter, Create, Drop
from ddlcompare.model.base import Expr, ObjectKey, Schema, SchemaObject
from ddlcompare.model.objects import (
    Check,
    Column,
    ForeignKey,
    Index,
    IndexPart,
    PrimaryKey,
    Routine,
    Table,
    TableChild,
    Unique,
)
from ddlcompare.plan.hazards import HazardCode
from ddlcompare.plan.plan import Plan, Step

# hazards whose steps need a data check (see `data_checks`)
CHECKED_HAZARDS = frozenset({HazardCode.MAY_FAIL_ON_DATA, HazardCode.DATA_LOSS})


class CheckKind(StrEnum):
    """The data check kinds; their values are printed in the log."""

    NULLS = "nulls"  # NULLs in a column made NOT NULL
    ANY_ROW = "any_row"  # a NOT NULL column added without default: any row fails
    DUPLICATES = "duplicates"  # duplicate key groups before a UNIQUE / PRIMARY KEY / unique index
    ORPHANS = "orphans"  # rows whose non-NULL key has no match in the referenced table
    CHECK = "check"  # rows that violate a new (or newly validated) CHECK
    TYPE_FIT = "type_fit"  # values that do not fit a narrower type
    ENUM_IN_USE = "enum_in_use"  # values that use an enum label (or SET member) being removed
    DROPPED_COLUMN = "dropped_column"  # non-NULL values of a dropped (or overwritten) column
    DROPPED_TABLE = "dropped_table"  # rows of a dropped table
    DROPPED_PARTITION = "dropped_partition"  # rows of a dropped partition


# kinds that count what is lost rather than what makes the step fail
LOSS_KINDS = frozenset({CheckKind.DROPPED_COLUMN, CheckKind.DROPPED_TABLE, CheckKind.DROPPED_PARTITION})


@dataclass(frozen=True, slots=True)
class DataCheck:
    """One read-only query counting the rows that would make step `step` fail (or be lost).

    `table` is the table the rows are counted in, as it is before the migration; `key_columns` its
    primary key there (the sample keys; none without one). The kind-specific fields say what the
    dialect renders: `columns` (the column(s) concerned), `old_column`/`new_column`, `parts`/`where`
    /`nulls_distinct` (a unique key), `ref_table`/`ref_columns`/`match` (a foreign key), `expr` (a
    CHECK), `labels` (the enum labels kept), `name` (the constraint, index or partition).
    `added` maps columns the migration adds to the table (not there yet) to the value they get."""

    kind: CheckKind
    step: ObjectKey
    step_index: int
    table: ObjectKey
    what: str  # one line for the log: what is counted
    key_columns: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()
    old_column: Column | None = None
    new_column: Column | None = None
    parts: tuple[IndexPart, ...] = ()
    where: Expr | None = None
    nulls_distinct: bool = True
    ref_table: ObjectKey | None = None
    ref_exists: bool = True  # False: the referenced table is created by the migration (empty)
    ref_columns: tuple[str, ...] = ()
    match: str = "SIMPLE"
    expr: Expr | None = None
    labels: tuple[str, ...] = ()
    name: str = ""
    added: tuple[tuple[str, Column], ...] = ()
    # objects the query uses that the migration creates (a function a new CHECK calls): the check
    # cannot run before the migration, and is reported NOT RUN with them
    needs: tuple[ObjectKey, ...] = ()
    # filled in by the dialect: the count query (one row, one column `n`) and the sample query
    # (the key columns of up to 5 offending rows; "" without a primary key)
    sql: str = ""
    sample_sql: str = ""

    @property
    def loses(self) -> bool:
        """True when the count is of rows whose data the step loses (it does not fail on them)."""
        return self.kind in LOSS_KINDS


class Status(StrEnum):
    PASS = "PASS"
    FAIL = "FAIL"
    ERROR = "ERROR"  # the query itself failed (a timeout, a missing privilege): nothing proven
    NOT_RUN = "NOT RUN"


@dataclass(frozen=True, slots=True)
class CheckResult:
    """What one data check found in a live database."""

    status: Status
    count: int = 0
    samples: tuple[tuple[tuple[str, str], ...], ...] = ()  # up to 5 rows' (key column, value) pairs
    error: str = ""


class Level(StrEnum):
    ERROR = "error"  # the migration cannot work as written
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Finding:
    """One static finding about the new side or the plan."""

    code: str  # missing_reference, fk_without_index, no_primary_key, duplicate_index,
    # redundant_index, long_name, opaque_statement, held_back
    level: Level
    subject: str  # the object (or statement) it is about
    message: str


@dataclass(frozen=True, slots=True)
class Rules:
    """What a dialect's static checks depend on."""

    name_limit: int  # the longest name the server keeps
    name_in_bytes: bool  # the limit counts UTF-8 bytes (PostgreSQL), else characters (MySQL)
    fk_needs_index: bool  # the server does not index a foreign key's columns itself (PostgreSQL)


@dataclass(frozen=True, slots=True)
class Validation:
    """Everything `schema_validation.log` says before any data check runs."""

    plan: Plan
    findings: tuple[Finding, ...]
    checks: tuple[DataCheck, ...]
    unchecked: tuple[tuple[ObjectKey, str], ...] = field(default=())  # risky steps without a check: why


Queries = Callable[[DataCheck], "DataCheck | None"]
Extra = Callable[[int, Step, Plan], Sequence[DataCheck]]


# ---- data checks ---------------------------------------------------------------------------------


def data_checks(
    plan: Plan, queries: Queries, extra: Extra | None = None
) -> tuple[tuple[DataCheck, ...], tuple[tuple[ObjectKey, str], ...]]:
    """The data checks of every step with a `may_fail_on_data` or `data_loss` hazard, with their SQL
    from `queries` (which returns None for a check the dialect knows cannot fail, e.g. a type change
    that widens); `extra` adds the dialect's own kinds (an enum swap, a dropped partition). Also
    returned: the risky steps left without any check, with why."""
    out: list[DataCheck] = []
    unchecked: list[tuple[ObjectKey, str]] = []
    for i, step in enumerate(plan.steps):
        if not any(h.code in CHECKED_HAZARDS for h in step.hazards):
            continue
        found = [*_step_checks(i, step, plan), *(extra(i, step, plan) if extra else ())]
        rendered = [r for r in (queries(c) for c in found) if r is not None]
        out.extend(dict.fromkeys(rendered))
        if not rendered:
            unchecked.append((step.key, _why_unchecked(step)))
    return tuple(out), tuple(unchecked)


def _why_unchecked(step: Step) -> str:
    codes = [h for h in step.hazards if h.code in CHECKED_HAZARDS]
    return "; ".join(dict.fromkeys(f"{h.code}: {h.message}" for h in codes))


def _step_checks(i: int, step: Step, plan: Plan) -> list[DataCheck]:
    change = step.change
    obj = change.obj
    if isinstance(change, Drop) and isinstance(obj, Table):
        return [_base(CheckKind.DROPPED_TABLE, i, step, plan, obj.key, f"rows of {obj.display}, dropped")]
    if isinstance(change, Alter) and isinstance(obj, Table):
        return _column_checks(i, step, plan, change)
    if isinstance(change, (Create, Alter)) and isinstance(obj, TableChild):
        if isinstance(change, Alter) and _only_validated(change) is None:
            return []
        return _constraint_checks(i, step, plan, obj)
    return []


def _only_validated(change: Alter) -> SchemaObject | None:
    """An altered constraint that becomes valid (NOT VALID -> valid) is checked like a new one."""
    old, new = change.old, change.new
    if isinstance(old, (Check, ForeignKey)) and isinstance(new, (Check, ForeignKey)):
        return new if new.valid and not old.valid else None
    return None


def _base(kind: CheckKind, i: int, step: Step, plan: Plan, table: ObjectKey, what: str) -> DataCheck:
    before = plan.old.get(table)
    return DataCheck(
        kind, step.key, i, table, what, key_columns=primary_key(plan.old, table) if before else ()
    )


def primary_key(schema: Schema, table: ObjectKey) -> tuple[str, ...]:
    """The primary key columns of `table` in `schema` (none without one)."""
    # among the primary keys (a list the schema keeps), not the table's children: the index of
    # all children costs ten times as much, and a plan asks this for a few tables
    for pk in schema.of_kind(PrimaryKey):
        if pk.table == table.name and pk.schema == table.schema:
            return pk.columns
    return ()


def _column_checks(i: int, step: Step, plan: Plan, change: Alter) -> list[DataCheck]:
    old, new = change.old, change.new
    assert isinstance(old, Table) and isinstance(new, Table)
    if old.key not in plan.old.objects:
        return []
    out: list[DataCheck] = []
    name = old.display
    for child in change.children:
        if isinstance(child, Drop) and isinstance(child.old, Column):
            c = child.old
            out.append(
                replace(
                    _base(
                        CheckKind.DROPPED_COLUMN,
                        i,
                        step,
                        plan,
                        old.key,
                        f"non-NULL values of {name}.{c.name}",
                    ),
                    columns=(c.name,),
                    old_column=c,
                )
            )
        elif isinstance(child, Create) and isinstance(child.new, Column):
            c = child.new
            if not c.nullable and c.default is None and c.generated is None:
                out.append(
                    replace(
                        _base(
                            CheckKind.ANY_ROW,
                            i,
                            step,
                            plan,
                            old.key,
                            f"rows of {name}: {c.name} is NOT NULL without a default",
                        ),
                        columns=(c.name,),
                        new_column=c,
                    )
                )
        elif isinstance(child, Alter) and isinstance(child.old, Column) and isinstance(child.new, Column):
            a, b = child.old, child.new
            base = replace(
                _base(CheckKind.NULLS, i, step, plan, old.key, ""),
                columns=(a.name,),
                old_column=a,
                new_column=b,
            )
            if b.generated is not None and a.generated != b.generated:
                what = f"non-NULL values of {name}.{a.name}, computed anew"
                out.append(replace(base, kind=CheckKind.DROPPED_COLUMN, what=what))
                continue
            if a.nullable and not b.nullable:
                out.append(replace(base, what=f"NULLs in {name}.{a.name}, made NOT NULL"))
            if b.generated is None and (a.type != b.type or a.collation != b.collation):
                what = f"values of {name}.{a.name} that do not fit {b.type}"
                out.append(replace(base, kind=CheckKind.TYPE_FIT, what=what))
    return out


def _constraint_checks(i: int, step: Step, plan: Plan, obj: TableChild) -> list[DataCheck]:
    table = ObjectKey(Table.KIND, obj.schema, obj.table)
    before = plan.old.get(table)
    if not isinstance(before, Table) or table not in plan.new.objects:
        return []  # a table the migration creates is empty
    after = plan.new.get(table)
    assert isinstance(after, Table)
    added = tuple((c.name, c) for c in after.columns if before.column(c.name) is None)
    where = f"{obj.schema}.{obj.table}" if obj.schema else obj.table
    # a referenced table the migration creates is answered without it (empty: every key is an orphan)
    handled = (
        {table, ObjectKey(Table.KIND, obj.ref_schema, obj.ref_table)}
        if isinstance(obj, ForeignKey)
        else {table}
    )
    fresh = {k for k in obj.depends_on if k not in plan.old.objects or k in _recreated(plan)}
    needs = tuple(sorted(k for k in fresh - handled if not k.parent))  # keys and indexes: not queried
    return [replace(c, needs=needs) for c in _kinds(i, step, plan, obj, table, added, where)]


def _kinds(
    i: int,
    step: Step,
    plan: Plan,
    obj: TableChild,
    table: ObjectKey,
    added: tuple[tuple[str, Column], ...],
    where: str,
) -> list[DataCheck]:
    if isinstance(obj, (PrimaryKey, Unique)) or (isinstance(obj, Index) and obj.unique):
        cols = obj.columns if isinstance(obj, (PrimaryKey, Unique)) else ()
        parts = obj.parts if isinstance(obj, Index) else tuple(IndexPart(column=c) for c in cols)
        nnd = bool(getattr(obj, "nulls_not_distinct", False))
        what = f"duplicate key groups of {where} before {obj.name}"
        return [
            replace(
                _base(CheckKind.DUPLICATES, i, step, plan, table, what),
                name=obj.name,
                parts=parts,
                columns=tuple(p.column for p in parts if p.column),
                where=obj.where if isinstance(obj, Index) else None,
                nulls_distinct=not nnd and not isinstance(obj, PrimaryKey),
                added=added,
            )
        ]
    if isinstance(obj, ForeignKey):
        ref = ObjectKey(Table.KIND, obj.ref_schema, obj.ref_table)
        what = f"rows of {where} with no match in {obj.ref_table} for {obj.name}"
        return [
            replace(
                _base(CheckKind.ORPHANS, i, step, plan, table, what),
                name=obj.name,
                columns=obj.columns,
                ref_table=ref,
                ref_exists=isinstance(plan.old.get(ref), Table) and ref not in _recreated(plan),
                ref_columns=obj.ref_columns,
                match=obj.match,
                added=added,
            )
        ]
    if isinstance(obj, Check):
        what = f"rows of {where} that violate {obj.name}"
        return [
            replace(
                _base(CheckKind.CHECK, i, step, plan, table, what), name=obj.name, expr=obj.expr, added=added
            )
        ]
    return []


def _recreated(plan: Plan) -> frozenset[ObjectKey]:
    dropped = {s.key for s in plan.steps if isinstance(s.change, Drop)}
    return frozenset(s.key for s in plan.steps if isinstance(s.change, Create) and s.key in dropped)


# ---- static checks -------------------------------------------------------------------------------


def static_findings(plan: Plan, rules: Rules, held: Iterable[int] = ()) -> tuple[Finding, ...]:
    """The static findings of the new side and the plan, in a stable order; `held` are the indices
    of the steps the default script holds back (`output.sql.held_back`, plus those with destructive
    statements), empty with --allow-destructive."""
    new = plan.new
    out: list[Finding] = []
    out += _missing_references(new)
    if rules.fk_needs_index:
        out += _unindexed_fks(new)
    out += _no_primary_key(new)
    out += _duplicate_indexes(new)
    out += _long_names(new, rules)
    for side, schema in (("old", plan.old), ("new", plan.new)):
        for w in schema.warnings:
            out.append(Finding("opaque_statement", Level.WARNING, f"{side} side", str(w)))
    for i in sorted(set(held)):
        step = plan.steps[i]
        destructive = [s for s in step.forward if s.destructive]
        why = destructive[0].note if destructive and destructive[0].note else "needs a held-back statement"
        out.append(
            Finding(
                "held_back",
                Level.WARNING,
                str(step.key),
                f"commented out unless --allow-destructive: {why}",
            )
        )
    return tuple(out)


def _columns_of(obj: SchemaObject) -> tuple[str, ...]:
    if isinstance(obj, (PrimaryKey, Unique, ForeignKey)):
        return obj.columns + getattr(obj, "include", ())
    if isinstance(obj, Index):
        return tuple(p.column for p in obj.parts if p.column) + obj.include
    return ()


def _by_key(found: list[tuple[ObjectKey, Finding]]) -> list[Finding]:
    """Findings in the order of their objects' keys (an object's own in the order found): sorting
    the few findings instead of every object of a large schema."""
    return [f for _, f in sorted(found, key=lambda kf: kf[0])]


def _missing_references(schema: Schema) -> list[Finding]:
    return _by_key(list(_missing_references_found(schema)))


def _missing_references_found(schema: Schema) -> Iterator[tuple[ObjectKey, Finding]]:
    def missing(obj: TableChild, message: str) -> tuple[ObjectKey, Finding]:
        return obj.key, Finding("missing_reference", Level.ERROR, obj.display, message)

    # table by table (the schema's index of owned objects): one lookup of each table and its
    # column names, not one per index and constraint
    for (sch, name), kids in schema.children().items():
        table = schema.get(ObjectKey(Table.KIND, sch, name))
        columns = {c.name for c in table.columns} if isinstance(table, Table) else None
        for obj in kids:
            if not isinstance(obj, TableChild):
                continue
            if table is not None and columns is not None:
                for col in _columns_of(obj):
                    if col not in columns:
                        what = f"{obj.KIND} {obj.name} names column {col}"
                        yield missing(obj, f"{what}, which {table.display} does not have")
            if isinstance(obj, ForeignKey):
                ref = schema.get(ObjectKey(Table.KIND, obj.ref_schema, obj.ref_table))
                shown = f"{obj.ref_schema}.{obj.ref_table}" if obj.ref_schema else obj.ref_table
                if not isinstance(ref, Table):
                    what = f"foreign key {obj.name} references table {shown}"
                    yield missing(obj, f"{what}, which does not exist")
                    continue
                for col in obj.ref_columns:
                    if ref.column(col) is None:
                        what = f"foreign key {obj.name} references column {shown}.{col}"
                        yield missing(obj, f"{what}, which does not exist")


def _leading(kids: Iterable[SchemaObject]) -> list[tuple[str, ...]]:
    """The leading columns of every index and key among a table's objects (what can serve a lookup)."""
    out: list[tuple[str, ...]] = []
    for kid in kids:
        if isinstance(kid, (PrimaryKey, Unique)):
            out.append(kid.columns)
        elif isinstance(kid, Index) and kid.where is None:
            cols: list[str] = []
            for p in kid.parts:
                if p.column is None:
                    break
                cols.append(p.column)
            out.append(tuple(cols))
    return out


def _unindexed_fks(schema: Schema) -> list[Finding]:
    found: list[tuple[ObjectKey, Finding]] = []
    for (sch, name), kids in schema.children().items():
        fks = [k for k in kids if isinstance(k, ForeignKey)]
        table = schema.get(ObjectKey(Table.KIND, sch, name)) if fks else None
        if not isinstance(table, Table):
            continue
        leading = _leading(kids)
        firsts = {lead[0] for lead in leading if lead}  # what serves a one-column key
        for fk in fks:
            n, wanted = len(fk.columns), set(fk.columns)
            if n == 1 and fk.columns[0] in firsts:
                continue
            if n != 1 and any(len(lead) >= n and set(lead[:n]) == wanted for lead in leading):
                continue
            message = (
                f"no index starts with ({', '.join(fk.columns)}): deleting or updating a row of "
                f"{fk.ref_table} scans {table.display}"
            )
            found.append((fk.key, Finding("fk_without_index", Level.WARNING, fk.display, message)))
    return _by_key(found)


def _no_primary_key(schema: Schema) -> list[Finding]:
    with_pk = {(o.schema, o.table) for o in schema.of_kind(PrimaryKey)}
    found = [
        (key, Finding("no_primary_key", Level.WARNING, t.display, f"table {t.display} has no primary key"))
        for key, t in schema.objects.items()
        if type(t) is Table and (key.schema, key.name) not in with_pk
    ]
    return _by_key(found)


def _signature(obj: SchemaObject) -> tuple[object, ...] | None:
    """What makes two indexes the same index to the server: parts, method, predicate, options."""
    if isinstance(obj, (PrimaryKey, Unique)):
        return (tuple(IndexPart(column=c) for c in obj.columns), None, None, ())
    if isinstance(obj, Index):
        return (obj.parts, obj.method, obj.where, obj.options)
    return None


def _duplicate_indexes(schema: Schema) -> list[Finding]:
    out: list[Finding] = []
    for (sch, tname), kids in sorted(schema.children().items()):
        if not _may_overlap(kids):
            continue
        signed = [(k, s) for k in kids if (s := _signature(k)) is not None]
        keyed = sorted(signed, key=lambda ks: ks[0].key)
        shown = f"{sch}.{tname}" if sch else tname
        for n, (a, sa) in enumerate(keyed):
            for b, sb in keyed[n + 1 :]:
                if sa == sb:
                    out.append(
                        Finding(
                            "duplicate_index",
                            Level.WARNING,
                            shown,
                            f"{a.KIND} {a.name} and {b.KIND} {b.name} have the same key ({_parts(sa)})",
                        )
                    )
            for b, sb in keyed:
                if b is a or not isinstance(a, Index) or a.unique or sa[1:] != sb[1:]:
                    continue
                pa, pb = sa[0], sb[0]
                assert isinstance(pa, tuple) and isinstance(pb, tuple)
                if len(pa) < len(pb) and pb[: len(pa)] == pa:
                    out.append(
                        Finding(
                            "redundant_index",
                            Level.INFO,
                            shown,
                            f"index {a.name} ({_parts(sa)}) is a prefix of {b.KIND} {b.name} ({_parts(sb)})",
                        )
                    )
    return out


def _may_overlap(kids: list[SchemaObject]) -> bool:
    """Whether two of a table's keys may be duplicates or one a prefix of another: both need the
    same first part (or one with no parts), so a table whose keys all start on different columns
    is passed over without comparing (or computing) their signatures."""
    firsts: set[str | None] = set()  # None: an expression
    first: str | None
    for kid in kids:
        if isinstance(kid, (PrimaryKey, Unique)):
            if not kid.columns:
                return True
            first = kid.columns[0]
        elif isinstance(kid, Index):
            if not kid.parts:
                return True
            first = kid.parts[0].column
        else:
            continue
        if first in firsts:
            return True
        firsts.add(first)
    return False


def _parts(sig: tuple[object, ...]) -> str:
    parts = sig[0]
    assert isinstance(parts, tuple)
    return ", ".join(str(p) for p in parts)


def _long_names(schema: Schema, rules: Rules) -> list[Finding]:
    limit = rules.name_limit

    def size(name: str) -> int:
        return len(name.encode("utf-8")) if rules.name_in_bytes else len(name)

    # a name this short is within the limit in any encoding (UTF-8 takes at most 4 bytes a character)
    safe = limit // 4

    def too_long(name: str) -> bool:
        n = len(name)
        # (an ASCII name takes a byte a character: most names are decided without encoding them)
        return n > safe and not (n <= limit and name.isascii()) and size(name) > limit

    unit = "bytes" if rules.name_in_bytes else "characters"
    found: list[tuple[ObjectKey, Finding]] = []

    def add(obj: SchemaObject, kind: str, name: str) -> None:
        message = f"{kind} name {name!r} is {size(name)} {unit}; the server keeps {limit}"
        found.append((obj.key, Finding("long_name", Level.ERROR, obj.display, message)))

    for obj in schema:
        name = obj.base_name if isinstance(obj, Routine) else obj.name  # a routine's name has its signature
        if too_long(name):
            add(obj, obj.KIND, name)
        if isinstance(obj, Table):
            for c in obj.columns:
                if too_long(c.name):
                    add(obj, "column", c.name)
    return _by_key(found)


def validate(
    plan: Plan,
    rules: Rules,
    queries: Queries,
    extra: Extra | None = None,
    held: Iterable[int] = (),
) -> Validation:
    """The static findings and the data checks of `plan` (see `static_findings`, `data_checks`)."""
    checks, unchecked = data_checks(plan, queries, extra)
    return Validation(plan, static_findings(plan, rules, held), checks, unchecked)


def not_yet(check: DataCheck) -> CheckResult:
    """The result of a check that cannot run before the migration (see `DataCheck.needs`)."""
    made = ", ".join(map(str, check.needs))
    return CheckResult(
        Status.NOT_RUN, error=f"uses {made}, which the migration creates: check after that step"
    )


def blocking(results: Sequence[CheckResult]) -> int:
    """How many results block the migration (FAIL, or ERROR: nothing proven)."""
    return sum(1 for r in results if r.status in (Status.FAIL, Status.ERROR))


# ---- the queries, in standard SQL: each dialect fills in its spelling ------------------------------


class QueryBuilder:
    """Renders a DataCheck's count and sample queries in the SQL both servers accept (count(*),
    NOT EXISTS, GROUP BY ... HAVING, window counts); a dialect subclass gives its quoting, the value
    of a column the migration adds, and the predicates of type changes. `__call__` is a `Queries`."""

    SAMPLES = 5

    def ident(self, name: str) -> str:
        raise NotImplementedError

    def table_sql(self, key: ObjectKey) -> str:
        raise NotImplementedError

    def added_value(self, col: Column) -> str:
        """The value an added column gets in every existing row (its default, else NULL)."""
        raise NotImplementedError

    def type_predicate(self, check: DataCheck, col: str) -> tuple[CheckKind, str] | None:
        """For a TYPE_FIT check: the (possibly refined) kind and a predicate true for the values of
        column expression `col` that do not fit; None when every value fits."""
        raise NotImplementedError

    def any_row_fails(self, col: Column) -> bool:
        """Whether adding NOT NULL column `col` without a default fails on a table with rows."""
        raise NotImplementedError

    def expr(self, e: Expr) -> str:
        return e.text or e.canonical

    # ----

    def __call__(self, check: DataCheck) -> DataCheck | None:
        kind = check.kind
        src = self.source(check.table, check.added)
        col = self.ident(check.columns[0]) if check.columns else ""
        if kind is CheckKind.DROPPED_TABLE or kind is CheckKind.ANY_ROW:
            if kind is CheckKind.ANY_ROW and (
                check.new_column is None or not self.any_row_fails(check.new_column)
            ):
                return None
            return self.counted(check, src, "TRUE")
        if kind is CheckKind.DROPPED_COLUMN:
            return self.counted(check, src, f"{col} IS NOT NULL")
        if kind is CheckKind.NULLS:
            return self.counted(check, src, f"{col} IS NULL")
        if kind is CheckKind.CHECK:
            assert check.expr is not None
            return self.counted(check, src, f"NOT ({self.expr(check.expr)})")
        if kind is CheckKind.TYPE_FIT or kind is CheckKind.ENUM_IN_USE:
            found = self.type_predicate(check, col)
            if found is None:
                return None
            refined, pred = found
            return self.counted(replace(check, kind=refined), src, f"{col} IS NOT NULL AND ({pred})")
        if kind is CheckKind.ORPHANS:
            return self.orphans(check, src)
        if kind is CheckKind.DUPLICATES:
            return self.duplicates(check, src)
        return None

    def source(self, table: ObjectKey, added: tuple[tuple[str, Column], ...]) -> str:
        """The FROM item of `table` as the step sees it: with the columns the migration adds."""
        if not added:
            return self.table_sql(table)
        extra = ", ".join(f"{self.added_value(c)} AS {self.ident(n)}" for n, c in added)
        return f"(SELECT src.*, {extra} FROM {self.table_sql(table)} src)"

    def keys(self, check: DataCheck, alias: str = "") -> str:
        return ", ".join(f"{alias}{self.ident(c)}" for c in check.key_columns)

    def counted(self, check: DataCheck, src: str, pred: str) -> DataCheck:
        where = "" if pred == "TRUE" else f" WHERE {pred}"
        sql = f"SELECT count(*) AS n FROM {src} t{where}"
        sample = ""
        if check.key_columns:
            keys = self.keys(check)
            sample = f"SELECT {keys} FROM {src} t{where} ORDER BY {keys} LIMIT {self.SAMPLES}"
        return replace(check, sql=sql, sample_sql=sample)

    def orphans(self, check: DataCheck, src: str) -> DataCheck:
        cols = [f"t.{self.ident(c)}" for c in check.columns]
        if check.match.upper() == "FULL":
            # MATCH FULL: all NULL passes, some NULL fails, none NULL must match
            some = " OR ".join(f"{c} IS NOT NULL" for c in cols)
            gate = f"({some})"
        else:
            gate = " AND ".join(f"{c} IS NOT NULL" for c in cols)
        if check.ref_exists and check.ref_table is not None:
            on = " AND ".join(
                f"p.{self.ident(r)} = {c}" for r, c in zip(check.ref_columns, cols, strict=False)
            )
            missing = f"NOT EXISTS (SELECT 1 FROM {self.table_sql(check.ref_table)} p WHERE {on})"
        else:
            missing = "TRUE"  # the referenced table is created by the migration: empty
        pred = f"{gate} AND {missing}"
        if check.match.upper() == "FULL":
            anynull = " OR ".join(f"{c} IS NULL" for c in cols)
            pred = f"{gate} AND ({anynull} OR {missing})"
        return self.counted(check, src, pred)

    def part(self, p: IndexPart) -> str:
        if p.column is not None:
            return self.ident(p.column)
        assert p.expr is not None
        return f"({self.expr(p.expr)})"

    def duplicates(self, check: DataCheck, src: str) -> DataCheck:
        exprs = [self.part(p) for p in check.parts]
        conds = [f"({self.expr(check.where)})"] if check.where is not None else []
        if check.nulls_distinct:
            conds += [f"{e} IS NOT NULL" for e in exprs]  # a key with a NULL never collides
        where = f" WHERE {' AND '.join(conds)}" if conds else ""
        group = ", ".join(exprs)
        sql = (
            f"SELECT count(*) AS n FROM (SELECT 1 AS one FROM {src} t{where} "
            f"GROUP BY {group} HAVING count(*) > 1) g"
        )
        sample = ""
        if check.key_columns:
            keys = self.keys(check)
            inner = f"{self.keys(check, 't.')}, count(*) OVER (PARTITION BY {group}) AS dup"
            sample = (
                f"SELECT {keys} FROM (SELECT {inner} "
                f"FROM {src} t{where}) d WHERE dup > 1 ORDER BY {keys} LIMIT {self.SAMPLES}"
            )
        return replace(check, sql=sql, sample_sql=sample)
