"""MySQL/MariaDB: which hazards each rendered statement carries, for the target server version.

An ALTER TABLE is judged clause by clause: `clause_algorithm` says which ALGORITHM (INSTANT, INPLACE
or COPY) a clause needs on the target, and a statement needs the slowest of its clauses'. COPY is
`table_rewrite` (and blocks writes while it copies). The rules follow the MariaDB KB pages "InnoDB
Online DDL Operations with the INSTANT Alter Algorithm" / "... with ALGORITHM=INPLACE" / "ALGORITHM"
and the MySQL 8.0 "Online DDL Operations" table; tests/live/test_hazards_mysql.py holds every INSTANT
and COPY claim against MariaDB 10.11 with rows in the tables. Where the server was found to disagree
with the pages, the measured behaviour is the rule (noted where it applies). Without a target the
oldest supported server (mysql:5.7) is assumed: it copies and rebuilds the most.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import IntEnum

from ddlcompare.dialects.mysql.render import DROP_PK
from ddlcompare.diff.changes import Change, Drop
from ddlcompare.model.base import ObjectKey, Schema, SchemaObject
from ddlcompare.model.objects import Column, Index, PrimaryKey, Routine, Table, View
from ddlcompare.plan.hazards import DROPPED_TABLE, OLDEST, Hazard, HazardCode, TargetVersion
from ddlcompare.plan.plan import RenderContext, Statement

H = HazardCode


class Algorithm(IntEnum):
    """What an ALTER TABLE needs, fastest first: a statement needs the highest of its clauses'."""

    INSTANT = 0  # metadata only
    INPLACE = 1  # InnoDB online: builds an index or rebuilds the table, writes allowed (MariaDB NOCOPY too)
    COPY = 2  # a new table filled row by row: writes wait

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True, slots=True)
class _Rules:
    """What the target server does without copying (see the module docstring for the sources)."""

    mariadb: bool
    add_last: bool  # ADD COLUMN at the end instant: MariaDB 10.3, MySQL 8.0.12
    add_anywhere: bool  # ... at any position: MariaDB 10.4, MySQL 8.0.29
    drop: bool  # DROP COLUMN instant: MariaDB 10.4, MySQL 8.0.29
    reorder: bool  # a column moved instantly: MariaDB 10.4 only
    metadata: bool  # defaults, comments, renames, table options instant: MariaDB 10.3, MySQL 8.0
    extend: bool  # VARCHAR extended, utf8mb3 -> utf8mb4, collation: instant on MariaDB 10.4.3+


def rules(target: TargetVersion | None) -> _Rules:
    """The rules for `target` (None: mysql:5.7)."""
    t = target or OLDEST["mysql"]
    if t.product == "mariadb":
        return _Rules(
            True,
            t.at_least(10, 3),
            t.at_least(10, 4),
            t.at_least(10, 4),
            t.at_least(10, 4),
            t.at_least(10, 3),
            t.at_least(10, 4, 3),
        )
    return _Rules(
        False,
        t.at_least(8, 0, 12),
        t.at_least(8, 0, 29),
        t.at_least(8, 0, 29),
        False,
        t.at_least(8, 0),
        False,
    )


@dataclass
class _Verdict:
    """A clause's algorithm and the hazards it adds for a table that holds rows."""

    algorithm: Algorithm = Algorithm.INSTANT
    hazards: list[Hazard] = field(default_factory=list)
    why: str = ""
    rebuilds: bool = False  # INPLACE by rebuilding the table (not only building or dropping an index)

    def need(self, algorithm: Algorithm, why: str) -> None:
        if algorithm > self.algorithm:
            self.algorithm, self.why = algorithm, why

    def add(self, code: HazardCode, message: str, lock: str = "") -> None:
        self.hazards.append(Hazard(code, message, lock))


_ID = r"`(?:[^`]|``)+`"
_TABLE = re.compile(rf"^(?:({_ID})\.)?({_ID})$")
_PLAIN_ALTER = re.compile(rf"^ALTER TABLE ((?:{_ID}\.)?{_ID}) (.*);$", re.S)
_ADD_COLUMN = re.compile(rf"^ADD COLUMN (?:IF NOT EXISTS )?({_ID}) (.*)$", re.S)
_DROP_COLUMN = re.compile(rf"^DROP COLUMN (?:IF EXISTS )?({_ID})(?:, (ADD COLUMN .*))?$", re.S)
_MODIFY = re.compile(rf"^MODIFY COLUMN ({_ID}) (.*)$", re.S)
_CHANGE = re.compile(rf"^CHANGE COLUMN ({_ID}) ({_ID}) (.*)$", re.S)
_POSITION = re.compile(rf" (?:AFTER ({_ID})|FIRST)$")
_ADD_KEY = re.compile(rf"^ADD (UNIQUE |FULLTEXT |SPATIAL |VECTOR )?KEY (?:IF NOT EXISTS )?({_ID})")
_ADD_PK = re.compile(r"^ADD PRIMARY KEY ")
_DROP_INDEX = re.compile(rf"^DROP INDEX (?:IF EXISTS )?({_ID})$")
_ALTER_INDEX = re.compile(rf"^ALTER INDEX ({_ID}) (?:NOT )?IGNORED$")
_ADD_FK = re.compile(rf"^ADD CONSTRAINT ({_ID}) FOREIGN KEY")
_ADD_CHECK = re.compile(rf"^ADD CONSTRAINT (?:IF NOT EXISTS )?({_ID}) CHECK")
_DROP_FK = re.compile(rf"^DROP FOREIGN KEY (?:IF EXISTS )?({_ID})$")
_DROP_CONSTRAINT = re.compile(rf"^DROP CONSTRAINT (?:IF EXISTS )?({_ID})$")
_OPTION = re.compile(r"^(DEFAULT CHARSET|[A-Z_]+)=(.*)$", re.S)
_VIRTUAL_ALONE = "InnoDB adds or drops VIRTUAL columns in place only alone"
# table options that only change the data dictionary (measured on MariaDB 10.11; the KB lists them)
_META_OPTIONS = frozenset(
    {
        "DEFAULT CHARSET",
        "COMMENT",
        "AUTO_INCREMENT",
        "STATS_PERSISTENT",
        "STATS_AUTO_RECALC",
        "STATS_SAMPLE_PAGES",
        "PACK_KEYS",
        "CHECKSUM",
        "MAX_ROWS",
        "MIN_ROWS",
        "AVG_ROW_LENGTH",
        "DELAY_KEY_WRITE",
        "PAGE_CHECKSUM",
    }
)


def _unq(name: str) -> str:
    return name[1:-1].replace("``", "`")


def table_key(rendered: str) -> ObjectKey | None:
    """The key of a table named as the renderer writes it (`t` or `db`.`t`)."""
    m = _TABLE.match(rendered.strip())
    if m is None:
        return None
    return ObjectKey(Table.KIND, _unq(m.group(1)) if m.group(1) else "", _unq(m.group(2)))


def alter_clauses(st: Statement) -> tuple[str, tuple[str, ...]] | None:
    """(table, clauses) of an ALTER TABLE statement of the renderer; None for anything else."""
    clauses = getattr(st, "clauses", ())
    table = getattr(st, "table", "")
    if table and clauses:
        return table, tuple(clauses)
    m = _PLAIN_ALTER.match(st.sql.strip())
    return (m.group(1), (m.group(2),)) if m else None


def clause_algorithm(clause: str, table: ObjectKey, ctx: RenderContext) -> Algorithm:
    """The ALGORITHM one ALTER TABLE clause needs on `ctx.target` (table: the altered table's key;
    ctx.old/ctx.new: the schemas before and after the migration)."""
    return _judge(clause, table, ctx).algorithm


def statement_algorithm(st: Statement, ctx: RenderContext) -> Algorithm | None:
    """The ALGORITHM an ALTER TABLE statement needs (the highest of its clauses'); None for other
    statements and for tables that are not InnoDB-style tables of `ctx.old` (sequences)."""
    found = alter_clauses(st)
    key = table_key(found[0]) if found else None
    if found is None or key is None or not isinstance(ctx.old.get(key), Table):
        return None
    return max(clause_algorithm(c, key, ctx) for c in found[1])


def hazards(st: Statement, change: Change, ctx: RenderContext) -> tuple[Hazard, ...]:
    """The hazards of one rendered statement."""
    out: list[Hazard] = []
    obj = change.obj
    recreated = isinstance(obj, SchemaObject) and obj.key in ctx.new.objects
    if isinstance(change, Drop) and isinstance(obj, Table) and not recreated:
        out += DROPPED_TABLE
    elif isinstance(change, Drop) and isinstance(obj, (View, Routine)) and not recreated:
        out.append(Hazard(H.BREAKS_CLIENTS, f"drops {obj.key.kind} {obj.display}, which clients may use"))
    elif re.match(r"^(?:RENAME TABLE|ALTER TABLE \S+ RENAME (?:TO|AS) )", st.sql):
        out.append(Hazard(H.BREAKS_CLIENTS, "renames a table that queries may use"))
    return _finish(st, out + _clause_hazards(st, ctx))


def statement_hazards(st: Statement, ctx: RenderContext) -> tuple[Hazard, ...]:
    """The hazards of an ALTER TABLE statement from its clauses alone (what `hazards` gives it
    whatever change it was rendered for): for statements cut out of another one (--online)."""
    return _finish(st, _clause_hazards(st, ctx))


def _clause_hazards(st: Statement, ctx: RenderContext) -> list[Hazard]:
    """What the clauses of an ALTER TABLE do to its table, when the table holds rows."""
    out: list[Hazard] = []
    found = alter_clauses(st)
    key = table_key(found[0]) if found else None
    if found is not None and key is not None and holds_rows(key, ctx):
        for clause in found[1]:
            out += _judge(clause, key, ctx).hazards
            added = _ADD_COLUMN.match(clause) if ctx.rollback else None
            if added is not None:
                what = f"{key.name}.{added.group(1)}"
                out.append(Hazard(H.IRREVERSIBLE, f"re-adds {what} empty: the dropped data is lost"))
    return out


def _finish(st: Statement, out: list[Hazard]) -> tuple[Hazard, ...]:
    """`out` with the data loss of a destructive statement, without repeats."""
    if st.destructive and all(h.code != H.DATA_LOSS for h in out):
        out.append(Hazard(H.DATA_LOSS, st.note or "loses data"))
        out.append(Hazard(H.IRREVERSIBLE, "the rollback cannot bring back what this loses"))
    return DROPPED_TABLE if out == list(DROPPED_TABLE) else tuple(dict.fromkeys(out))


def holds_rows(key: ObjectKey, ctx: RenderContext) -> bool:
    """The table exists before the migration and keeps its rows (not created or re-created by it)."""
    return isinstance(ctx.old.get(key), Table) and key not in ctx.recreated and key in ctx.new.objects


# ---- one clause -------------------------------------------------------------------------------


def _judge(clause: str, key: ObjectKey, ctx: RenderContext) -> _Verdict:
    """The verdict of one clause (hazards only matter for a table that holds rows)."""
    r = rules(ctx.target)
    before, after = ctx.old.get(key), ctx.new.get(key)
    old = before if isinstance(before, Table) else None
    new = after if isinstance(after, Table) else old
    v = _Verdict()
    name = f"{key.schema}.{key.name}" if key.schema else key.name
    if old is None or new is None:
        v.need(Algorithm.COPY, "the table is not known before the migration")
        return v
    j = _Clause(clause, old, new, ctx, r, v, name)
    j.judge()
    if not _innodb(old) and j.storage:
        # other engines (MyISAM, Aria, MEMORY) have no online ALTER: all but comments, defaults,
        # renames and statistics options is copied (measured on MariaDB 10.11: even CHECKSUM= and
        # DEFAULT CHARSET= on MyISAM)
        v.need(Algorithm.COPY, f"{_engine(old)} tables are copied")
    if v.algorithm == Algorithm.COPY:
        v.add(H.TABLE_REWRITE, f"copies {name} row by row (ALGORITHM=COPY: {v.why})")
        v.add(H.BLOCKS_WRITES, f"writes to {name} wait while it is copied", "SHARED")
    elif v.rebuilds and (kind := _shared_rebuild(key, ctx)):
        # InnoDB rebuilds such a table in place only under LOCK=SHARED (measured on MariaDB 10.11:
        # "Fulltext index creation requires a lock", "Do not support online operation on table
        # with GIS index")
        v.add(H.BLOCKS_WRITES, f"writes to {name} wait while it is rebuilt ({kind} index)", "SHARED")
    return v


def _shared_rebuild(key: ObjectKey, ctx: RenderContext) -> str:
    """FULLTEXT or SPATIAL when the table has such an index before or after the migration ("" when
    it has neither): rebuilding it in place then needs LOCK=SHARED."""
    from ddlcompare.dialects.mysql.objects import IndexKind

    for schema in (ctx.old, ctx.new):
        for ix in schema.children().get((key.schema, key.name), []):
            kind = ix.option(IndexKind) if isinstance(ix, Index) else None
            if kind is not None and kind.kind.upper() in ("FULLTEXT", "SPATIAL"):
                return kind.kind.upper()
    return ""


def _engine(t: Table) -> str:
    from ddlcompare.dialects.mysql.objects import Engine

    e = t.option(Engine)
    return e.name if e is not None else "InnoDB"


def _innodb(t: Table) -> bool:
    return _engine(t).lower() == "innodb"


class _Clause:
    """Judges one clause of an ALTER TABLE of `old` (the table before) into `new` (after)."""

    def __init__(
        self, clause: str, old: Table, new: Table, ctx: RenderContext, r: _Rules, v: _Verdict, name: str
    ) -> None:
        self.clause, self.old, self.new, self.ctx, self.r, self.v, self.name = (
            clause,
            old,
            new,
            ctx,
            r,
            v,
            name,
        )
        self.storage = True  # touches rows or indexes (False: the data dictionary only)

    def need(self, algorithm: Algorithm, why: str) -> None:
        self.v.need(algorithm, why)

    def rebuild(self, why: str) -> None:
        """INPLACE, rebuilding the table."""
        self.need(Algorithm.INPLACE, why)
        self.v.rebuilds = True

    def meta(self, why: str) -> None:
        """A change of the data dictionary only."""
        if not self.r.metadata:
            self.need(Algorithm.INPLACE, why)

    def judge(self) -> None:
        c = self.clause
        if m := _DROP_COLUMN.match(c):
            self.drop_column(_unq(m.group(1)))
            if m.group(2):
                # a column turned generated (or back): dropped and added again in one clause
                add = _ADD_COLUMN.match(m.group(2))
                if add:
                    self.add_column(_unq(add.group(1)), add.group(2))
        elif m := _ADD_COLUMN.match(c):
            self.add_column(_unq(m.group(1)), m.group(2))
        elif m := _MODIFY.match(c):
            self.modify(_unq(m.group(1)), _unq(m.group(1)), m.group(2), moved=bool(_POSITION.search(c)))
        elif m := _CHANGE.match(c):
            self.modify(_unq(m.group(1)), _unq(m.group(2)), m.group(3), moved=None)
        elif m := _ADD_KEY.match(c):
            self.add_key((m.group(1) or "").strip(), _unq(m.group(2)))
        elif _ADD_PK.match(c):
            self.rebuild("a new primary key rebuilds the table")
            self.v.add(H.MAY_FAIL_ON_DATA, f"fails if rows of {self.name} repeat or lack the new primary key")
            self.v.add(H.VALIDATION_SCAN, f"reads every row of {self.name} to build the primary key")
        elif c in DROP_PK:
            if self._pk_renamed():
                self.meta("the primary key becomes a UNIQUE key of the same columns")
            elif _pk(self.ctx.new, self.new) is not None or self._new_clustering_key():
                self.rebuild("the primary key is replaced: the table is rebuilt")
            else:
                self.need(Algorithm.COPY, "a primary key dropped without a new one")
        elif m := _DROP_INDEX.match(c):
            if self._same_index(_unq(m.group(1))) or self._renamed_index(_unq(m.group(1)), dropped=True):
                self.meta("an index dropped and added again unchanged")
            else:
                self.need(Algorithm.INPLACE, "DROP INDEX frees the index")
        elif _ALTER_INDEX.match(c):
            self.meta("ALTER INDEX ... IGNORED")
        elif m := _ADD_FK.match(c):
            # foreign_key_checks=1 (the script does not turn it off): the rows are checked by a copy
            self.need(Algorithm.COPY, "ADD FOREIGN KEY with foreign_key_checks=1")
            self.v.add(H.VALIDATION_SCAN, f"checks every row of {self.name} against {_unq(m.group(1))}")
            self.v.add(
                H.MAY_FAIL_ON_DATA, f"fails if rows of {self.name} have no match for {_unq(m.group(1))}"
            )
        elif m := _ADD_CHECK.match(c):
            self.need(Algorithm.COPY, "ADD CONSTRAINT ... CHECK")
            if not c.rstrip().endswith("NOT ENFORCED"):
                self.v.add(H.VALIDATION_SCAN, f"checks every row of {self.name} against {_unq(m.group(1))}")
                self.v.add(H.MAY_FAIL_ON_DATA, f"fails if rows of {self.name} violate {_unq(m.group(1))}")
        elif _DROP_FK.match(c):
            # MariaDB 10.11 drops it instantly (measured); MySQL 8.0: INPLACE, no rebuild
            if not (self.r.mariadb and self.r.extend):
                self.need(Algorithm.INPLACE, "DROP FOREIGN KEY")
        elif _DROP_CONSTRAINT.match(c):
            self.meta("DROP CONSTRAINT")
        elif c in ("ADD SYSTEM VERSIONING",):
            self.need(Algorithm.COPY, "ADD SYSTEM VERSIONING")
        elif c == "DROP SYSTEM VERSIONING":
            self.rebuild("DROP SYSTEM VERSIONING rebuilds the table")
        elif c.startswith(("ADD PARTITION", "DROP PARTITION", "TRUNCATE PARTITION")):
            # RANGE/LIST partitions come or go without touching the others' rows
            self.need(Algorithm.INPLACE, "partition maintenance")
        elif c == "REMOVE PARTITIONING" or c.startswith("PARTITION BY"):
            self.need(Algorithm.COPY, "the rows move into a new partitioning")
        elif m := _OPTION.match(c):
            self.option(m.group(1), m.group(2))
        else:
            self.need(Algorithm.COPY, f"unknown clause {c[:40]!r}")  # the cautious side

    # ---- columns -----------------------------------------------------------------------------

    def _old_col(self, name: str) -> Column | None:
        return _col(self.old, name)

    def _rebuild_blocks_instant(self) -> str:
        """Why the table cannot add, drop or move columns instantly ("" when it can)."""
        from ddlcompare.dialects.mysql.objects import IndexKind, RowFormat

        rf = self.old.option(RowFormat)
        if rf is not None and rf.format.upper() == "COMPRESSED":
            return "ROW_FORMAT=COMPRESSED tables cannot change columns instantly"
        for ix in self._keys():
            kind = ix.option(IndexKind) if isinstance(ix, Index) else None
            if kind is not None and kind.kind.upper() == "FULLTEXT":
                # the hidden FTS_DOC_ID column (MariaDB KB, INSTANT: "Limitations"; measured)
                return "a table with a FULLTEXT index cannot change columns instantly"
        return ""

    def _keys(self) -> list[Index | PrimaryKey]:
        kids = self.ctx.old.children().get((self.old.schema, self.old.name), [])
        return [k for k in kids if isinstance(k, (Index, PrimaryKey))]

    def _indexed(self, column: str) -> tuple[bool, bool]:
        """(in an index or key, the only column left of the primary key) for a column of `old`."""
        col = column.lower()
        indexed = only_pk = False
        for k in self._keys():
            cols = (
                [c.lower() for c in k.columns]
                if isinstance(k, PrimaryKey)
                else [(p.column or "").lower() for p in k.parts]
            )
            if col in cols:
                indexed = True
                if isinstance(k, PrimaryKey) and all(c == col or _col(self.new, c) is None for c in cols):
                    only_pk = True
        return indexed, only_pk

    def add_column(self, name: str, rest: str) -> None:
        col = _col(self.new, name)
        if col is None:
            self.need(Algorithm.COPY, f"column {name} is unknown")
            return
        from ddlcompare.dialects.mysql.objects import AutoIncrement

        if col.generated is not None and col.generated_stored:
            self.need(Algorithm.COPY, f"a STORED generated column {name} is computed for every row")
            self.v.add(H.MAY_FAIL_ON_DATA, f"fails if the expression of {self.name}.{name} fails on a row")
            return
        if not col.nullable and col.default is None and _spatial(col):
            # no implicit value: rows get an empty geometry, which a SPATIAL index refuses (measured)
            self.v.add(
                H.MAY_FAIL_ON_DATA, f"fails if {self.name} has rows: {name} is NOT NULL without default"
            )
        if col.option(AutoIncrement) is not None:
            self.rebuild(f"the AUTO_INCREMENT column {name} is filled by a rebuild")
            # "Adding an auto-increment column requires a lock. Try LOCK=SHARED" (MariaDB 10.11)
            self.v.add(H.BLOCKS_WRITES, f"writes to {self.name} wait while {name} is filled", "SHARED")
            return
        last = self._at_end(name)
        if col.generated is not None:
            # re-added where a column of that name was (render._alter_columns' generated swap): in place
            if not (last or self._old_col(name) is not None) or self._beyond_virtual():
                self.need(Algorithm.COPY, _VIRTUAL_ALONE)
            self.meta(f"the VIRTUAL column {name}")
            return
        if self._virtual_after(name):
            self.need(Algorithm.COPY, f"{name} goes before a VIRTUAL column: {_VIRTUAL_ALONE}")
            return
        blocked = self._rebuild_blocks_instant()
        if blocked:
            self.rebuild(blocked)
        elif not (self.r.add_anywhere or (self.r.add_last and last)):
            self.rebuild(f"ADD COLUMN {name} {'at the end' if last else 'in the middle'}")

    def _at_end(self, name: str) -> bool:
        """No column of the old table comes after `name` in the new one."""
        names = [c.name.lower() for c in self.new.columns]
        i = names.index(name.lower())
        return all(self._old_col(n) is None for n in names[i + 1 :])

    def drop_column(self, name: str) -> None:
        a = self._old_col(name)
        gone = _col(self.new, name) is None
        if gone:
            self.v.add(H.DATA_LOSS, f"drops column {self.name}.{name} and its data")
            self.v.add(H.IRREVERSIBLE, f"the rollback re-adds {self.name}.{name} empty")
            self.v.add(H.BREAKS_CLIENTS, f"drops column {self.name}.{name}, which queries may use")
        # an index or key of the column is dropped by its own clause (DROP INDEX, DROP PRIMARY KEY)
        if a is not None and _virtual(a):
            if self._beyond_virtual():
                self.need(Algorithm.COPY, _VIRTUAL_ALONE)
            self.meta(f"the VIRTUAL column {name}")
        elif blocked := self._rebuild_blocks_instant():
            self.rebuild(blocked)
        elif not self.r.drop:
            self.rebuild(f"DROP COLUMN {name}")

    def modify(self, old_name: str, new_name: str, rest: str, moved: bool | None) -> None:
        a, b = self._old_col(old_name), _col(self.new, new_name)
        if a is None or b is None:
            self.need(Algorithm.COPY, f"column {old_name} is unknown")
            return
        if old_name.lower() != new_name.lower():
            self.v.add(H.BREAKS_CLIENTS, f"renames column {self.name}.{old_name}, which queries may use")
        if old_name != new_name:
            self.meta(f"renames column {old_name}")
        pos = _POSITION.search(rest)
        if moved is None:  # CHANGE COLUMN always names a place: moved when it is a new one
            moved = pos is not None and self._prev(old_name) != (
                _unq(pos.group(1)).lower() if pos.group(1) else None
            )
        from ddlcompare.dialects.mysql.render import _table_collation, column_def

        stated = rest[: pos.start()] if pos else rest
        if (
            stated
            == column_def(a, _table_collation(self.old), force_collation=True)[len(f"`{a.name}`") + 1 :]
        ):
            b = a  # a lossy change moves the column with its old definition first (render._alter_columns)
        if moved and (_virtual(a) or self._crosses_virtual(a.name)):
            self.need(Algorithm.COPY, f"{new_name} moves across a VIRTUAL column: {_VIRTUAL_ALONE}")
        elif moved:
            blocked = self._rebuild_blocks_instant()
            if blocked or not self.r.reorder:
                self.rebuild(blocked or f"moves column {new_name}")
        self.column_change(a, b, new_name)
        self.storage = bool(moved) or self.storage_change(a, b)

    def storage_change(self, a: Column, b: Column) -> bool:
        """Whether changing `a` into `b` touches more than the data dictionary."""

        from ddlcompare.dialects.mysql.objects import AutoIncrement

        fields = (a.type, a.collation, a.nullable, a.generated, a.generated_stored)
        auto = (a.option(AutoIncrement) is None, b.option(AutoIncrement) is None)
        return (
            fields != (b.type, b.collation, b.nullable, b.generated, b.generated_stored) or auto[0] != auto[1]
        )

    def _virtual_after(self, name: str) -> bool:
        """An existing VIRTUAL column comes after the added column `name` in the new table."""
        names = [c.name.lower() for c in self.new.columns]
        later = self.new.columns[names.index(name.lower()) + 1 :]
        return any(_virtual(c) and self._old_col(c.name) is not None for c in later)

    def _crosses_virtual(self, name: str) -> bool:
        """The moved column `name` changes sides with an existing VIRTUAL column."""

        def before(t: Table) -> set[str]:
            names = [c.name.lower() for c in t.columns]
            cut = names.index(name.lower())
            return {c.name.lower() for c in t.columns[:cut] if _virtual(c)}

        kept = {c.name.lower() for c in self.new.columns if _virtual(c) and self._old_col(c.name)}
        return before(self.old) & kept != before(self.new) & kept

    def _beyond_virtual(self) -> bool:
        """The table changes more than VIRTUAL columns added and columns dropped (indexes aside):
        combine puts those changes in the same ALTER, and InnoDB adds or drops a VIRTUAL column in
        place only alone (measured on MariaDB 10.11: with a MODIFY, a table COMMENT or a stored
        column added it needs COPY)."""
        from ddlcompare.dialects.mysql.render import _alter_options

        # a column whose kind changes (plain, STORED, VIRTUAL) is dropped and added again
        swapped = {
            c.name.lower()
            for c in self.new.columns
            if (a := self._old_col(c.name)) is not None
            and ((a.generated is None) != (c.generated is None) or a.generated_stored != c.generated_stored)
        }
        common_old = [c for c in self.old.columns if _col(self.new, c.name) and c.name.lower() not in swapped]
        common_new = [c for c in self.new.columns if self._old_col(c.name) and c.name.lower() not in swapped]
        if [c.name.lower() for c in common_old] != [c.name.lower() for c in common_new]:
            return True
        if any(a != b for a, b in zip(common_old, common_new, strict=True)):
            return True
        added = [c for c in self.new.columns if self._old_col(c.name) is None or c.name.lower() in swapped]
        if any(not _virtual(c) for c in added):
            return True
        if _alter_options(self.old, self.new):
            return True
        from ddlcompare.model.objects import Check, ForeignKey

        def constraints(schema: Schema) -> set[object]:
            kids = schema.children().get((self.old.schema, self.old.name), [])
            return {k for k in kids if isinstance(k, (Check, ForeignKey, PrimaryKey))}

        return constraints(self.ctx.old) != constraints(self.ctx.new)

    def _prev(self, name: str) -> str | None:
        """The column before `name` in the old table (lower case), None when it is the first."""
        names = [c.name.lower() for c in self.old.columns]
        i = names.index(name.lower())
        return names[i - 1] if i else None

    def column_change(self, a: Column, b: Column, name: str) -> None:
        """The algorithm and hazards of changing column `a` into `b` in place."""
        from ddlcompare.dialects.mysql.objects import AutoIncrement, Srid
        from ddlcompare.dialects.mysql.render import lossy

        if (a.generated is None) != (b.generated is None) or a.generated_stored != b.generated_stored:
            self.need(Algorithm.COPY, f"the generated column {name} is computed again")
        elif a.generated != b.generated and not _virtual(b):
            self.need(Algorithm.COPY, f"the STORED column {name} is computed again")
        if a.option(AutoIncrement) is None and b.option(AutoIncrement) is not None:
            self.need(Algorithm.COPY, f"{name} becomes AUTO_INCREMENT")
        if a.option(Srid) != b.option(Srid):
            self.need(Algorithm.COPY, f"the SRID of {name} changes")
        # a TIMESTAMP NOT NULL without a default gets CURRENT_TIMESTAMP from the server (measured)
        implicit = b.default is None and b.type.lower().startswith("timestamp")
        if a.nullable and not b.nullable and (implicit or (b.default and not _constant(b.default.canonical))):
            self.need(Algorithm.COPY, f"{name} becomes NOT NULL with a non-constant default")
        if a.nullable != b.nullable:
            self.rebuild(f"{name} becomes {'NULL' if b.nullable else 'NOT NULL'}: a rebuild")
            if not b.nullable:
                self.v.add(H.MAY_FAIL_ON_DATA, f"fails if {self.name}.{name} holds a NULL (strict mode)")
        self.type_change(a, b, name)
        if a.generated is None and b.generated is None:
            why = lossy(a, b)
            if why:
                self.v.add(
                    H.MAY_FAIL_ON_DATA, f"fails if a value of {self.name}.{name} does not fit (strict mode)"
                )
                self.v.add(H.DATA_LOSS, f"{self.name}.{name} {why}")
                self.v.add(H.IRREVERSIBLE, f"the rollback cannot restore what {self.name}.{name} lost")
        if (a.default, a.comment, a.options) != (b.default, b.comment, b.options):
            self.meta(f"the attributes of {name}")

    def type_change(self, a: Column, b: Column, name: str) -> None:
        from ddlcompare.dialects.mysql.render import _charset_of, _split_type

        same_set = (a.collation and _charset_of(a.collation)) == (b.collation and _charset_of(b.collation))
        if a.type == b.type and a.collation == b.collation:
            return
        ba, aa, ua = _split_type(a.type)
        bb, ab, ub = _split_type(b.type)
        indexed = self._indexed(a.name)[0]
        if a.type == b.type and same_set:
            # the collation only: MariaDB 10.4.3+ instant, the indexes on it rebuilt in place
            if not self.r.extend:
                self.need(Algorithm.COPY, f"the collation of {name} changes")
            elif indexed:
                self.need(Algorithm.INPLACE, f"the indexes on {name} are sorted again")
            return
        if ba in ("enum", "set") and bb == ba and ab[: len(aa)] == aa and ua == ub:
            if _members_bytes(ba, len(aa)) == _members_bytes(bb, len(ab)):
                if not self.r.metadata:
                    self.need(Algorithm.INPLACE, f"members added to {name}")
                return
            self.need(Algorithm.COPY, f"{name} needs a wider {ba} field")
            return
        lengths = [int(x[0]) for x in (aa, ab) if x and x[0].strip().isdigit()]
        if (ba == bb == "varchar" or (ba, bb) == ("varbinary", "varbinary")) and len(lengths) == 2:
            # (a length that is no number, or none, is left to the server to refuse: COPY below)
            self.varchar(a, b, name, lengths[0], lengths[1], indexed, same_set)
            return
        texts = ("tinytext", "text", "mediumtext", "longtext")
        if ba == bb and ba in texts and aa == ab and self.r.extend and _widening_set(a, b) and not indexed:
            return
        self.need(Algorithm.COPY, f"the type of {name} changes ({a.type} -> {b.type})")

    def varchar(
        self, a: Column, b: Column, name: str, la: int, lb: int, indexed: bool, same_set: bool
    ) -> None:
        """VARCHAR extended (or its set widened from utf8mb3 to utf8mb4): InnoDB keeps each value's
        bytes when the length prefix stays readable (MariaDB 10.4.3+: instant when the old maximum is
        at most 127 or more than 255 bytes, or the new one at most 255; measured on 10.11; MySQL:
        INPLACE while the prefix stays one or two bytes)."""
        from ddlcompare.dialects.mysql.render import _MB, _charset_of

        mba = _MB.get(_charset_of(a.collation), 4) if a.collation else 1
        mbb = _MB.get(_charset_of(b.collation), 4) if b.collation else 1
        bytes_a, bytes_b = la * mba, lb * mbb
        if not same_set and not (self.r.extend and _widening_set(a, b)):
            self.need(Algorithm.COPY, f"the character set of {name} changes")
            return
        if bytes_b < bytes_a:
            self.need(Algorithm.COPY, f"{name} is shortened")
            return
        if self.r.extend:
            if bytes_a <= 127 or bytes_a > 255 or bytes_b <= 255:
                if not same_set and indexed:
                    self.need(Algorithm.INPLACE, f"the indexes on {name} are built again")
                return
            self.need(Algorithm.COPY, f"{name} needs a 2-byte length ({bytes_a} -> {bytes_b} bytes)")
            return
        if (bytes_a > 255) == (bytes_b > 255) and same_set:
            self.need(Algorithm.INPLACE, f"{name} is extended")
            return
        self.need(Algorithm.COPY, f"{name} needs a 2-byte length ({bytes_a} -> {bytes_b} bytes)")

    # ---- keys --------------------------------------------------------------------------------

    def _pk_renamed(self) -> bool:
        """The primary key is dropped and a UNIQUE key on its columns added: InnoDB keeps clustering
        the rows by it (measured on MariaDB 10.11: instant)."""
        before, after = _pk(self.ctx.old, self.old), _pk(self.ctx.new, self.new)
        if before is None or after is not None:
            return False
        want = [c.lower() for c in before.columns]
        for k in self.ctx.new.children().get((self.new.schema, self.new.name), []):
            if not isinstance(k, Index) or not k.unique or self.ctx.old.get(k.key) == k:
                continue
            if [(p.column or "").lower() for p in k.parts] == want:
                return True
        return False

    def _new_clustering_key(self) -> bool:
        """A UNIQUE key on NOT NULL columns added in the same ALTER: InnoDB clusters the rows by it
        in place of the dropped primary key (measured: INPLACE)."""
        kids = self.ctx.new.children().get((self.new.schema, self.new.name), [])
        for k in kids:
            if isinstance(k, Index) and k.unique and self.ctx.old.get(k.key) != k:
                cols = [_col(self.new, p.column) if p.column else None for p in k.parts]
                if all(c is not None and not c.nullable for c in cols):
                    return True
        return False

    def _same_index(self, name: str) -> bool:
        """An index dropped and added again with the same definition to the server: only the case
        of its column names changed (a column renamed in case only; MariaDB compares them
        case-insensitively and keeps the index: measured)."""

        def find(schema: Schema) -> Index | None:
            kids = schema.children().get((self.old.schema, self.old.name), [])
            return next((k for k in kids if isinstance(k, Index) and k.name.lower() == name.lower()), None)

        a, b = find(self.ctx.old), find(self.ctx.new)
        if a is None or b is None:
            return False
        # identical: restated on purpose (a foreign key's index, render._restate_fk_index), rebuilt
        return a != b and _lower_parts(a) == _lower_parts(b)

    def _renamed_index(self, name: str, *, dropped: bool) -> bool:
        """An index dropped under one name and added under another with the same definition: the
        server renames it (measured on MariaDB 10.11: instant)."""
        kids = self.ctx.old.children().get((self.old.schema, self.old.name), [])
        after = self.ctx.new.children().get((self.new.schema, self.new.name), [])
        olds = {k.name.lower(): k for k in kids if isinstance(k, Index)}
        news = {k.name.lower(): k for k in after if isinstance(k, Index)}
        this = (olds if dropped else news).get(name.lower())
        others = [k for n, k in (news if dropped else olds).items() if n not in (olds if dropped else news)]
        if this is None:
            return False
        gone = [this] if dropped else [k for k in others if _lower_parts(k) == _lower_parts(this)]
        if any(self._fk_generated(k, kids) for k in gone):
            return False
        return any(_lower_parts(k) == _lower_parts(this) for k in others)

    @staticmethod
    def _fk_generated(ix: Index, kids: list[SchemaObject]) -> bool:
        """`ix` may be the key the server generated for a foreign key (named after the constraint or
        its first column): dropped and added under another name it is built again, not renamed
        (measured on MariaDB 10.11: "ALGORITHM=INSTANT is not supported. Reason: ADD INDEX")."""
        from ddlcompare.model.objects import ForeignKey

        cols = [(p.column or "").lower() for p in ix.parts]
        return any(
            isinstance(fk, ForeignKey)
            and [c.lower() for c in fk.columns] == cols[: len(fk.columns)]
            and ix.name.lower() in (fk.name.lower(), fk.columns[0].lower())
            for fk in kids
        )

    def add_key(self, kind: str, name: str) -> None:
        if self._same_index(name) or self._renamed_index(name, dropped=False):
            self.meta("an index dropped and added again unchanged")
            return
        if kind == "UNIQUE" and self._pk_renamed():
            self.meta(f"{name} takes the place of the primary key")
            self.v.add(H.MAY_FAIL_ON_DATA, f"fails if rows of {self.name} duplicate the key of {name}")
            return
        if " USING HASH" in self.clause:
            # a long UNIQUE is a hidden VIRTUAL column plus an index (measured: needs COPY)
            self.need(Algorithm.COPY, f"UNIQUE {name} USING HASH adds a hidden VIRTUAL column")
        self.need(Algorithm.INPLACE, f"ADD {kind + ' ' if kind else ''}INDEX builds {name}")
        if kind in ("FULLTEXT", "SPATIAL"):
            # LOCK=SHARED is the least these builds allow (MariaDB KB, INPLACE: "ADD FULLTEXT INDEX")
            self.v.add(
                H.BLOCKS_WRITES, f"writes to {self.name} wait while it builds {kind} index {name}", "SHARED"
            )
        if kind == "FULLTEXT" and len(self._added_fulltext()) > 1:
            # combine puts a table's new indexes in one ALTER
            self.need(Algorithm.COPY, "InnoDB builds one FULLTEXT index per ALTER in place")
        if kind == "UNIQUE":
            self.v.add(H.MAY_FAIL_ON_DATA, f"fails if rows of {self.name} duplicate the key of {name}")

    def _added_fulltext(self) -> list[str]:
        from ddlcompare.dialects.mysql.objects import IndexKind

        out = []
        for ix in self.ctx.new.children().get((self.new.schema, self.new.name), []):
            kind = ix.option(IndexKind) if isinstance(ix, Index) else None
            if kind is not None and kind.kind.upper() == "FULLTEXT" and self.ctx.old.get(ix.key) != ix:
                out.append(ix.name)
        return out

    # ---- table options -----------------------------------------------------------------------

    def option(self, key: str, value: str) -> None:
        if key == "ENGINE":
            if value.lower() == _engine(self.old).lower():
                self.rebuild("ENGINE rebuilds the table")
            else:
                self.need(Algorithm.COPY, f"ENGINE={value} moves the rows to another engine")
        elif key in _META_OPTIONS:
            self.storage = not (key == "COMMENT" or key.startswith("STATS_"))
            self.meta(f"{key}=")
        else:  # ROW_FORMAT, KEY_BLOCK_SIZE, PAGE_COMPRESSED, ...: the table is rebuilt in place
            self.rebuild(f"{key}= rebuilds the table")


def _lower_parts(ix: Index) -> tuple[object, ...]:
    from dataclasses import replace

    parts = tuple(replace(p, column=p.column.lower()) if p.column else p for p in ix.parts)
    return (parts, ix.unique, ix.method, ix.options, ix.comment, ix.include, ix.where)


def _spatial(c: Column) -> bool:
    base = c.type.split("(")[0].lower()
    return base in (
        "point",
        "geometry",
        "linestring",
        "polygon",
        "multipoint",
        "multilinestring",
    ) or base in (
        "multipolygon",
        "geometrycollection",
    )


def _constant(default: str) -> bool:
    """A literal default (not CURRENT_TIMESTAMP or an expression)."""
    d = default.strip().lower()
    return not (d.startswith("(") or "current_timestamp" in d or "now(" in d or d.endswith(")"))


def _virtual(c: Column) -> bool:
    return c.generated is not None and not c.generated_stored


def _col(t: Table, name: str) -> Column | None:
    """A column by name, as the server finds it (case-insensitive)."""
    low = name.lower()
    return next((c for c in t.columns if c.name.lower() == low), None)


def _members_bytes(kind: str, n: int) -> int:
    """Bytes an ENUM or SET of n members is stored in."""
    if kind == "enum":
        return 1 if n <= 255 else 2
    size = (n + 7) // 8
    return 8 if size > 4 else 4 if size == 3 else size


def _widening_set(a: Column, b: Column) -> bool:
    """utf8mb3 -> utf8mb4 (every stored byte sequence stays valid)."""
    from ddlcompare.dialects.mysql.render import _charset_of

    ca = _charset_of(a.collation) if a.collation else ""
    cb = _charset_of(b.collation) if b.collation else ""
    return ca in ("utf8mb3", "utf8") and cb == "utf8mb4"


__all__ = [
    "Algorithm",
    "alter_clauses",
    "clause_algorithm",
    "hazards",
    "holds_rows",
    "rules",
    "statement_algorithm",
    "statement_hazards",
    "table_key",
]


def _pk(schema: Schema, t: Table) -> PrimaryKey | None:
    for k in schema.children().get((t.schema, t.name), []):
        if isinstance(k, PrimaryKey):
            return k
    return None
