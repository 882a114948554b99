"""MySQL/MariaDB statement handlers: CREATE/ALTER/DROP/RENAME TABLE, indexes, views, sequences.

Column definitions go to sqlglot (the body of a CREATE TABLE with its key and constraint elements
blanked out, so sqlglot's line:col still point into the file); keys, constraints, table options and
ALTER TABLE actions are read here, because sqlglot 30 misreads or rejects many of their MySQL forms
(`PRIMARY KEY USING BTREE (...)`, `FOREIGN KEY name (...)`, `ADD INDEX (a)`, `IGNORED`, most table
options). Routines, triggers and events are in handlers_routines.py.
"""

from __future__ import annotations

import dataclasses
import re

from sqlglot import exp
from sqlglot.errors import ParseError, TokenError

from ddlcompare.dialects.mysql import normalize as nz
from ddlcompare.dialects.mysql.grammar import (
    GrammarError,
    PartitionClause,
    PartitionDef,
    PartitionOptions,
    PartitionScheme,
    SpatialType,
    decode_string,
    find_partition_clause,
    parse_index,
    parse_partition,
    parse_partition_defs,
    rewrite_spatial,
)
from ddlcompare.dialects.mysql.objects import (
    AutoIncrement,
    Invisible,
    OnUpdate,
    Partitioning,
    RowFormat,
    Srid,
    SystemVersioning,
    TableOptions,
    ViewOptions,
)
from ddlcompare.dialects.mysql.parse import (
    QNAME,
    Builder,
    CheckState,
    ForeignKeyState,
    IndexState,
    TableState,
    charset_pair,
    handles,
    settle_keys,
)
from ddlcompare.dialects.mysql.split import RawStatement, unquote
from ddlcompare.dialects.mysql.types import (
    TypeSpec,
    canonical_type,
    charset_of,
    check_type_args,
)
from ddlcompare.model.base import Expr, ObjectKey, Option, dependencies, with_options
from ddlcompare.model.objects import Column, IndexPart, Sequence, View
from ddlcompare.source import SourcePos

_IDENT = r"(?:`(?:[^`]++|``)*+`|\"(?:[^\"]++|\"\")*+\"|[\w$]+)"
_LIT = r"'(?:[^'\\]++|\\.|'')*+'|\"(?:[^\"\\]++|\\.|\"\")*+\""

# ---- scanning helpers ---------------------------------------------------------------------------

# plain runs are skipped whole; literals, comments and the three characters that matter are tokens
_SCAN = re.compile(
    r"[^'\"`/#(),\-]+|'(?:[^'\\]++|\\.|'')*+'|\"(?:[^\"\\]++|\\.|\"\")*+\"|`(?:[^`]++|``)*+`"
    r"|/\*.*?\*/|--(?=\s)[^\n]*|\#[^\n]*|([(),])|.",
    re.S,
)


def split_top(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Spans of the comma-separated items of text[start:end] at parenthesis depth 0 (trimmed)."""
    end = len(text) if end is None else end
    out: list[tuple[int, int]] = []
    depth = 0
    item = start
    for m in _SCAN.finditer(text, start, end):
        ch = m.group(1)
        if ch is None:
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif depth == 0:
            out.append(_trim(text, item, m.start()))
            item = m.end()
    out.append(_trim(text, item, end))
    return [s for s in out if s[1] > s[0]]


_COMMENTS = re.compile(
    r"('(?:[^'\\]++|\\.|'')*+'|\"(?:[^\"\\]++|\\.|\"\")*+\"|`(?:[^`]++|``)*+`)|(/\*.*?\*/|--(?=\s)[^\n]*|#[^\n]*)",
    re.S,
)


def blank_comments(text: str) -> str:
    """`text` with comments replaced by spaces (same length: positions stay true)."""
    if "--" not in text and "#" not in text and "/*" not in text:
        return text
    return _COMMENTS.sub(lambda m: m.group(1) or re.sub(r"[^\n]", " ", m.group(2)), text)


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def matching_paren(text: str, open_at: int) -> int:
    """Offset of the `)` closing the `(` at `open_at`, -1 when unbalanced."""
    depth = 0
    for m in _SCAN.finditer(text, open_at):
        ch = m.group(1)
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return m.start()
    return -1


def _name(raw: str) -> str:
    return unquote(raw.strip())


def _names(text: str) -> list[str]:
    return [_name(text[s:e]) for s, e in split_top(text)]


_WS = re.compile(r"\s*")
_WORD_RX: dict[str, re.Pattern[str]] = {}


class Cursor:
    """A tiny tokenizer over one definition: words, names, literals and parenthesised groups."""

    _TOKEN = re.compile(rf"\s*(?:({_LIT})|(`(?:[^`]++|``)*+`)|([\w$.@]+)|(=)|(\()|(\S))", re.S)

    def __init__(self, text: str, pos: int = 0, end: int | None = None) -> None:
        self.text = text
        self.pos = pos
        self.end = len(text) if end is None else end

    def at_end(self) -> bool:
        return _WS.match(self.text, self.pos).end() >= self.end  # type: ignore[union-attr]

    def _words(self, words: tuple[str, ...]) -> int:
        pos = self.pos
        for w in words:
            rx = _WORD_RX.get(w)
            if rx is None:
                rx = _WORD_RX[w] = re.compile(rf"\s*{re.escape(w)}(?![\w$])", re.I)
            m = rx.match(self.text, pos, self.end)
            if m is None:
                return -1
            pos = m.end()
        return pos

    def peek_word(self, *words: str) -> bool:
        """Whether the next tokens are these words (case-insensitive)."""
        return self._words(words) >= 0

    def word(self, *words: str) -> bool:
        """Consume these words when they come next."""
        pos = self._words(words)
        if pos < 0:
            return False
        self.pos = pos
        return True

    def next(self) -> tuple[str, str] | None:
        """(kind, text) of the next token: lit, ident, word, eq, group (whole parentheses), other."""
        m = self._TOKEN.match(self.text, self.pos, self.end)
        if m is None:
            return None
        kinds = ("lit", "ident", "word", "eq", "group", "other")
        for i, k in enumerate(kinds, 1):
            if m.group(i) is not None:
                if k == "group":
                    close = matching_paren(self.text, m.start(5))
                    if close < 0 or close >= self.end:
                        raise ValueError("unbalanced parentheses")
                    self.pos = close + 1
                    return "group", self.text[m.start(5) : close + 1]
                self.pos = m.end()
                return k, m.group(i)
        return None  # pragma: no cover

    def name(self) -> str | None:
        """An identifier (quoted or not) when one comes next."""
        save = self.pos
        tok = self.next()
        if tok is not None and tok[0] in ("ident", "word"):
            return _name(tok[1])
        self.pos = save
        return None

    def group(self) -> str | None:
        """A parenthesised group (with its parentheses) when one comes next."""
        save = self.pos
        tok = self.next()
        if tok is not None and tok[0] == "group":
            return tok[1]
        self.pos = save
        return None

    def value(self) -> str | None:
        """An option value after an optional `=`: a literal (decoded), word or group."""
        save = self.pos
        tok = self.next()
        if tok is not None and tok[0] == "eq":
            tok = self.next()
        if tok is None:
            self.pos = save
            return None
        if tok[0] == "lit":
            return decode_string(tok[1])
        if tok[0] == "ident":
            return _name(tok[1])
        return tok[1]

    def rest(self) -> str:
        return self.text[self.pos : self.end].strip()


# ---- key and constraint definitions --------------------------------------------------------------

_ELEMENT = re.compile(
    rf"\s*(?:CONSTRAINT(?:\s+(?!PRIMARY\b|UNIQUE\b|FOREIGN\b|CHECK\b)({_IDENT}))?\s+)?"
    r"(PRIMARY\s+KEY|UNIQUE(?:\s+(?:INDEX|KEY))?|FOREIGN\s+KEY|CHECK|(?:FULLTEXT|SPATIAL|VECTOR)(?:\s+(?:INDEX|KEY))?"
    r"|INDEX|KEY|PERIOD\s+FOR)(?![\w$])",
    re.I,
)
_PART = re.compile(rf"\s*(?:({_IDENT})\s*(?:\(\s*(\d+)\s*\))?|(\())", re.S)
_ORDER = re.compile(r"\s*(ASC|DESC)(?![\w$])", re.I)
_FK_ACTION = re.compile(
    r"\s*ON\s+(DELETE|UPDATE)\s+(RESTRICT|CASCADE|SET\s+NULL|SET\s+DEFAULT|NO\s+ACTION)(?![\w$])", re.I
)
_MATCH = re.compile(r"\s*MATCH\s+(FULL|PARTIAL|SIMPLE)(?![\w$])", re.I)


def key_parts(text: str) -> list[IndexPart]:
    """Key parts of `(a(10) DESC, (expr), ...)`."""
    inner = text.strip()[1:-1]
    parts: list[IndexPart] = []
    for s, e in split_top(inner):
        item = inner[s:e]
        m = _PART.match(item)
        if m is None:
            raise ValueError(f"bad key part {item!r}")
        if m.group(3) is not None:
            close = matching_paren(item, m.start(3))
            expr = nz.expr_text(item[m.start(3) + 1 : close])
            rest = item[close + 1 :]
            parts.append(IndexPart(expr=expr, descending=_desc(rest)))
            continue
        rest = item[m.end() :]
        parts.append(
            IndexPart(
                column=_name(m.group(1)),
                length=int(m.group(2)) if m.group(2) else None,
                descending=_desc(rest),
            )
        )
    return parts


def _desc(rest: str) -> bool:
    o = _ORDER.match(rest)
    return bool(o and o.group(1).upper() == "DESC")


@dataclasses.dataclass
class KeyDef:
    """A key/constraint element of CREATE TABLE or ALTER TABLE ADD."""

    kind: str  # PRIMARY | UNIQUE | INDEX | FULLTEXT | SPATIAL | VECTOR | FOREIGN | CHECK | PERIOD
    symbol: str | None  # CONSTRAINT symbol
    name: str | None = None  # index name
    parts: list[IndexPart] = dataclasses.field(default_factory=list)
    method: str | None = None
    comment: str | None = None
    invisible: bool = False
    options: dict[str, str] = dataclasses.field(default_factory=dict)
    if_not_exists: bool = False
    fk: ForeignKeyState | None = None
    check: Expr | None = None
    enforced: bool = True


def parse_element(text: str, b: Builder, table_schema: str) -> KeyDef | None:
    """A key/constraint element, or None when `text` is a column definition."""
    m = _ELEMENT.match(text)
    if m is None:
        return None
    symbol = _name(m.group(1)) if m.group(1) else None
    words = m.group(2).upper().split()
    kind = {
        "PRIMARY": "PRIMARY",
        "UNIQUE": "UNIQUE",
        "FOREIGN": "FOREIGN",
        "CHECK": "CHECK",
        "PERIOD": "PERIOD",
    }.get(words[0], "INDEX" if words[0] in ("INDEX", "KEY") else words[0])
    cur = Cursor(text, m.end())
    kd = KeyDef(kind, symbol)
    if kind == "PERIOD":
        return kd
    if kind == "CHECK":
        group = cur.group()
        if group is None:
            raise ValueError("CHECK without an expression")
        kd.check = nz.expr_text(group[1:-1])
        if cur.word("NOT", "ENFORCED"):
            kd.enforced = False
        cur.word("ENFORCED")
        return kd
    if cur.word("IF", "NOT", "EXISTS"):
        kd.if_not_exists = True
    if kind == "FOREIGN":
        kd.name = cur.name() if not cur.peek_word("(") else None
        cols = cur.group()
        if cols is None or not cur.word("REFERENCES"):
            raise ValueError("FOREIGN KEY needs (columns) REFERENCES table (columns)")
        ref = re.compile(rf"\s*{QNAME}", re.S).match(text, cur.pos)
        if ref is None:
            raise ValueError("REFERENCES needs a table name")
        cur.pos = ref.end()
        ref_schema = b.schema_of(unquote(ref.group(1))) if ref.group(2) else table_schema
        ref_table = unquote(ref.group(2) or ref.group(1))
        ref_cols = cur.group()
        fk = ForeignKeyState(
            name="",
            columns=_names(cols[1:-1]),
            ref_schema=ref_schema,
            ref_table=ref_table,
            ref_columns=_names(ref_cols[1:-1]) if ref_cols else [],
        )
        _fk_tail(text, cur, fk)
        kd.fk = fk
        return kd
    # PRIMARY KEY / UNIQUE / INDEX / FULLTEXT / SPATIAL: [name] [USING x] (parts) [options]
    if not cur.peek_word("USING") and not _next_is_group(cur):
        kd.name = cur.name()
    _index_options(cur, kd)
    group = cur.group()
    if group is None:
        raise ValueError("a key needs its (columns)")
    kd.parts = key_parts(group)
    _index_options(cur, kd)
    if not cur.at_end():
        raise ValueError(f"unexpected {cur.rest()[:30]!r}")
    return kd


def _next_is_group(cur: Cursor) -> bool:
    return re.compile(r"\s*\(").match(cur.text, cur.pos, cur.end) is not None


def _fk_tail(text: str, cur: Cursor, fk: ForeignKeyState) -> None:
    while True:
        m = _MATCH.match(text, cur.pos, cur.end)
        if m:
            cur.pos = m.end()
            continue
        a = _FK_ACTION.match(text, cur.pos, cur.end)
        if a is None:
            break
        cur.pos = a.end()
        action = " ".join(a.group(2).upper().split())
        # InnoDB treats RESTRICT and NO ACTION alike (checked at once); SHOW CREATE TABLE omits RESTRICT
        action = "NO ACTION" if action == "RESTRICT" else action
        if a.group(1).upper() == "DELETE":
            fk.on_delete = action
        else:
            fk.on_update = action
    if not cur.at_end():
        raise ValueError(f"unexpected {cur.rest()[:30]!r}")


def _index_options(cur: Cursor, kd: KeyDef) -> None:
    while not cur.at_end():
        if cur.word("USING") or cur.word("TYPE"):
            kd.method = (cur.value() or "").upper()
        elif cur.word("COMMENT"):
            kd.comment = cur.value()
        elif cur.word("KEY_BLOCK_SIZE"):
            kd.options["KEY_BLOCK_SIZE"] = cur.value() or ""
        elif cur.word("WITH", "PARSER"):
            kd.options["WITH PARSER"] = (cur.name() or "").lower()
        elif cur.word("VISIBLE"):
            kd.invisible = False
        elif cur.word("INVISIBLE"):
            kd.invisible = True
        elif cur.word("NOT", "IGNORED"):
            kd.invisible = False
        elif cur.word("IGNORED"):
            kd.invisible = True
        elif cur.word("CLUSTERING"):
            kd.options["CLUSTERING"] = (cur.value() or "").upper()
        elif cur.word("ENGINE_ATTRIBUTE") or cur.word("SECONDARY_ENGINE_ATTRIBUTE"):
            cur.value()
        elif cur.word("M") or cur.word("DISTANCE"):
            word = cur.text[: cur.pos].split()[-1].upper()
            kd.options[word] = (cur.value() or "").lower()
        else:
            return


# ---- applying keys ------------------------------------------------------------------------------


def add_key(b: Builder, t: TableState, kd: KeyDef, *, column_level: str | None = None) -> None:
    """Apply one key/constraint element; keys wait in `t.pending` for settle_keys() to name them."""
    pos = b.pos
    if kd.kind == "CHECK":
        assert kd.check is not None
        _add_check(b, t, kd.symbol, kd.check, kd.enforced, column_level)
        return
    if kd.kind == "FOREIGN":
        assert kd.fk is not None
        add_fk(b, t, kd.fk, kd.symbol, kd.name)
        return
    if kd.kind == "PERIOD":
        b.unsupported("PERIOD", t.name, "PERIOD FOR (application-time periods)")
        return
    if kd.kind == "PRIMARY":
        for p in kd.parts:
            i = t.find_column(p.column or "")
            if i is not None and t.columns[i].nullable:
                # primary key columns are NOT NULL, whatever the definition said
                t.columns[i] = dataclasses.replace(t.columns[i], nullable=False)
        ix = IndexState(
            "PRIMARY", kd.parts, primary=True, unique=True, method=kd.method, comment=kd.comment, pos=pos
        )
        ix.options = dict(kd.options)
        t.pending.append(ix)
        return
    name = kd.name or kd.symbol or ""  # CONSTRAINT u UNIQUE (a) names the index u
    if (
        name
        and kd.if_not_exists
        and (name.lower() in t.indexes or any(p.name.lower() == name.lower() for p in t.pending))
    ):
        return
    t.pending.append(
        IndexState(
            name,
            kd.parts,
            unique=kd.kind == "UNIQUE",
            kind=kd.kind if kd.kind in ("FULLTEXT", "SPATIAL", "VECTOR") else None,
            method=kd.method,
            comment=kd.comment,
            invisible=kd.invisible,
            options=dict(kd.options),
            pos=pos,
        )
    )


def _add_check(
    b: Builder, t: TableState, symbol: str | None, expr: Expr, enforced: bool, column: str | None
) -> None:
    if symbol is None:
        if column is not None and b.server.check_names == "mariadb":
            symbol = column  # MariaDB names a column-level check after its column
        elif b.server.check_names == "mariadb":
            n = 1 + max((int(k[11:]) for k in t.checks if re.fullmatch(r"constraint_\d+", k)), default=0)
            symbol = f"CONSTRAINT_{n}"
        else:
            n = 1 + max(
                (
                    int(k.rsplit("_", 1)[1])
                    for k in t.checks
                    if re.fullmatch(rf"{re.escape(t.name.lower())}_chk_\d+", k)
                ),
                default=0,
            )
            symbol = f"{t.name}_chk_{n}"
    keep_column = column if b.server.check_names == "mariadb" else None
    t.checks[symbol.lower()] = CheckState(symbol, expr, keep_column, enforced, b.pos)


def add_fk(
    b: Builder, t: TableState, fk: ForeignKeyState, symbol: str | None, index_name: str | None
) -> None:
    """Add a foreign key and the index the server generates for it (settle_keys() drops it when
    another key serves)."""
    if not fk.columns:  # `FOREIGN KEY () REFERENCES ...`: the server's syntax error
        raise b.error(f"a foreign key of table `{t.name}` lists no column")
    key_name = symbol or index_name  # MariaDB names the generated key after the constraint
    if symbol is None and index_name is not None and b.server.mariadb:
        symbol = index_name  # MariaDB: FOREIGN KEY name (...) names the constraint too
    if not b.server.mariadb:
        key_name = index_name or symbol
    if symbol is None:
        prefix = f"{t.name}_ibfk_"
        n = 1 + max(
            (
                int(k[len(prefix) :])
                for k in t.fks
                if k.startswith(prefix.lower()) and k[len(prefix) :].isdigit()
            ),
            default=0,
        )
        symbol = f"{prefix}{n}"
    if symbol.lower() in t.fks:
        raise b.error(f"duplicate foreign key constraint name {symbol!r}")
    fk.name = symbol
    fk.pos = b.pos
    t.fks[symbol.lower()] = fk
    parts = [IndexPart(column=c) for c in fk.columns]
    t.pending.append(IndexState(key_name or "", parts, implicit=True, pos=b.pos))


# ---- columns ------------------------------------------------------------------------------------

_NOT_NEWLINE = re.compile(r"[^\n]")
_PERSISTENT = re.compile(r"(?<![\w$`])PERSISTENT(?![\w$])", re.I)
_COLUMN_NOISE = re.compile(
    r"(?<![\w$`])(?:COLUMN_FORMAT\s+\w+|STORAGE\s+(?:DISK|MEMORY|DEFAULT))(?![\w$])", re.I
)
_TYPE_ARGS_BASE = {
    exp.DataType.Type.TINYINT: "tinyint",
    exp.DataType.Type.UTINYINT: "tinyint",
    exp.DataType.Type.SMALLINT: "smallint",
    exp.DataType.Type.USMALLINT: "smallint",
    exp.DataType.Type.MEDIUMINT: "mediumint",
    exp.DataType.Type.UMEDIUMINT: "mediumint",
    exp.DataType.Type.INT: "int",
    exp.DataType.Type.UINT: "int",
    exp.DataType.Type.BIGINT: "bigint",
    exp.DataType.Type.UBIGINT: "bigint",
    exp.DataType.Type.DECIMAL: "decimal",
    exp.DataType.Type.UDECIMAL: "decimal",
    exp.DataType.Type.FLOAT: "float",
    exp.DataType.Type.DOUBLE: "double",
    exp.DataType.Type.UDOUBLE: "double",
    exp.DataType.Type.BOOLEAN: "bool",
    exp.DataType.Type.BIT: "bit",
    exp.DataType.Type.CHAR: "char",
    exp.DataType.Type.NCHAR: "nchar",
    exp.DataType.Type.VARCHAR: "varchar",
    exp.DataType.Type.NVARCHAR: "nvarchar",
    exp.DataType.Type.BINARY: "binary",
    exp.DataType.Type.VARBINARY: "varbinary",
    exp.DataType.Type.TINYTEXT: "tinytext",
    exp.DataType.Type.TEXT: "text",
    exp.DataType.Type.MEDIUMTEXT: "mediumtext",
    exp.DataType.Type.LONGTEXT: "longtext",
    exp.DataType.Type.TINYBLOB: "tinyblob",
    exp.DataType.Type.BLOB: "blob",
    exp.DataType.Type.MEDIUMBLOB: "mediumblob",
    exp.DataType.Type.LONGBLOB: "longblob",
    exp.DataType.Type.DATE: "date",
    exp.DataType.Type.TIME: "time",
    exp.DataType.Type.DATETIME: "datetime",
    exp.DataType.Type.TIMESTAMP: "timestamp",
    exp.DataType.Type.TIMESTAMPTZ: "timestamp",
    exp.DataType.Type.TIMESTAMPLTZ: "timestamp",
    exp.DataType.Type.YEAR: "year",
    exp.DataType.Type.ENUM: "enum",
    exp.DataType.Type.SET: "set",
    exp.DataType.Type.JSON: "json",
    exp.DataType.Type.GEOMETRY: "geometry",
    exp.DataType.Type.UUID: "uuid",
    exp.DataType.Type.IPV4: "inet4",
    exp.DataType.Type.IPV6: "inet6",
    exp.DataType.Type.VECTOR: "vector",
    exp.DataType.Type.SERIAL: "serial",
}
_UNSIGNED_TYPES = frozenset(
    (
        exp.DataType.Type.UTINYINT,
        exp.DataType.Type.USMALLINT,
        exp.DataType.Type.UMEDIUMINT,
        exp.DataType.Type.UINT,
        exp.DataType.Type.UBIGINT,
        exp.DataType.Type.UDECIMAL,
        exp.DataType.Type.UDOUBLE,
    )
)


def _type_spec(dt: exp.DataType) -> TypeSpec:
    base = _TYPE_ARGS_BASE.get(dt.this)
    if base is None:
        base = dt.sql(dialect=nz.MyDialect).split("(", 1)[0].lower()
    args: list[str] = []
    for p in dt.expressions:
        node = p.this if isinstance(p, exp.DataTypeParam) else p
        if isinstance(node, exp.Literal):
            args.append(nz.quote_string(str(node.this)) if node.is_string else str(node.this))
        else:
            args.append(node.sql(dialect=nz.MyDialect))
    check_type_args(base, args)
    national = False
    if base in ("nchar", "nvarchar"):
        base, national = base[1:], True
    if base == "bool":
        base, args = "tinyint", ["1"]
    if base == "float" and len(args) == 1:
        # FLOAT(p): p <= 24 is FLOAT, 25..53 DOUBLE (MySQL 8.0 manual, 13.1.4)
        base, args = ("double" if int(args[0]) > 24 else "float"), []
    if base in ("enum", "set"):
        args = [nz.quote_string(_unq_str(a)) for a in args]
    return TypeSpec(base, tuple(args), unsigned=dt.this in _UNSIGNED_TYPES, national=national)


def _unq_str(a: str) -> str:
    return decode_string(a) if a[:1] in "'\"" else a


def column_from_def(
    b: Builder, t: TableState, cd: exp.ColumnDef, spatial: dict[str, SpatialType]
) -> tuple[Column, list[KeyDef]]:
    """A canonical Column and the inline keys/constraints it declares."""
    name = cd.name
    kind = cd.args.get("kind")
    if not isinstance(kind, exp.DataType):
        raise ValueError(f"column `{name}` has no type")
    spec = _type_spec(kind)
    keys: list[KeyDef] = []
    nullable = True
    default_node: exp.Expression | None = None
    comment: str | None = None
    generated: Expr | None = None
    stored = False
    opts: list[Option | None] = []
    checks: list[Expr] = []
    for c in cd.constraints:
        k = c.args.get("kind") if isinstance(c, exp.ColumnConstraint) else c
        if isinstance(k, exp.NotNullColumnConstraint):
            nullable = bool(k.args.get("allow_null"))
        elif isinstance(k, exp.DefaultColumnConstraint):
            default_node = k.this
        elif isinstance(k, exp.CommentColumnConstraint):
            comment = str(k.this.this) if isinstance(k.this, exp.Literal) else k.this.sql()
        elif isinstance(k, exp.CharacterSetColumnConstraint):
            spec = dataclasses.replace(spec, charset=k.this.name.lower())
        elif isinstance(k, exp.CollateColumnConstraint):
            spec = dataclasses.replace(spec, collation=k.this.name.lower())
        elif isinstance(k, exp.AutoIncrementColumnConstraint):
            opts.append(AutoIncrement())
        elif isinstance(k, exp.ZeroFillColumnConstraint):
            spec = dataclasses.replace(spec, zerofill=True)
        elif isinstance(k, exp.OnUpdateColumnConstraint):
            opts.append(OnUpdate(expr=nz.on_update_expr(k.this)))
        elif isinstance(k, exp.InvisibleColumnConstraint):
            opts.append(Invisible())
        elif isinstance(k, exp.ComputedColumnConstraint):
            generated = nz.expr_of(k.this)
            stored = bool(k.args.get("persisted"))
        elif isinstance(k, exp.GeneratedAsIdentityColumnConstraint) and k.args.get("expression") is not None:
            generated = nz.expr_of(k.args["expression"])
        elif isinstance(k, exp.PrimaryKeyColumnConstraint):
            keys.append(KeyDef("PRIMARY", None, parts=[IndexPart(column=name)]))
        elif isinstance(k, exp.UniqueColumnConstraint):
            keys.append(KeyDef("UNIQUE", None, parts=[IndexPart(column=name)]))
        elif isinstance(k, exp.CheckColumnConstraint):
            checks.append(nz.expr_of(k.this))
        elif isinstance(k, exp.Reference):
            keys.append(_inline_reference(b, t, name, k))
        elif isinstance(k, exp.CaseSpecificColumnConstraint) or (
            isinstance(k, exp.Expression) and k.sql(dialect=nz.MyDialect).upper() == "BINARY"
        ):
            spec = dataclasses.replace(spec, binary=True)
        else:
            raise ValueError(f"column attribute {c.sql(dialect=nz.MyDialect)!r}")
    if spec.base == "serial":
        # SERIAL is BIGINT UNSIGNED NOT NULL AUTO_INCREMENT UNIQUE
        spec = TypeSpec("bigint", unsigned=True)
        nullable = False
        opts.append(AutoIncrement())
        keys.append(KeyDef("UNIQUE", None, parts=[IndexPart(column=name)]))
    sp = spatial.get(name)
    if sp is not None:
        spec = dataclasses.replace(spec, base=sp.name)
        if sp.srid is not None:
            opts.append(Srid(srid=sp.srid))
    type_text, collation = canonical_type(spec, t.collation, b.server)
    # MariaDB's JSON is LONGTEXT with a json_valid() check (MariaDB KB "JSON Data Type"): one type here
    if type_text == "json":
        collation = None
    elif type_text == "longtext":
        for e in checks:
            if e.canonical.lower().replace("`", "") in (f"json_valid({name.lower()})",):
                checks.remove(e)
                type_text, collation = "json", None
                break
    default: Expr | None = None
    if default_node is not None:
        default = nz.default_expr(default_node, type_text)
    if generated is not None:
        default = None
    for e in checks:
        keys.append(KeyDef("CHECK", None, check=e))
    col = Column(
        name=name,
        type=type_text,
        nullable=nullable,
        default=default,
        generated=generated,
        generated_stored=stored if generated is not None else True,
        collation=collation,
        comment=comment,
        options=with_options(*opts),
    )
    return col, keys


def _inline_reference(b: Builder, t: TableState, column: str, ref: exp.Reference) -> KeyDef:
    target = ref.this
    table = target.this if isinstance(target, exp.Schema) else target
    cols = [e.name for e in target.expressions] if isinstance(target, exp.Schema) else []
    assert isinstance(table, exp.Table)
    fk = ForeignKeyState("", [column], b.schema_of(table.db) if table.db else t.schema, table.name, cols)
    for opt in ref.args.get("options") or []:
        text = " ".join(str(opt).upper().split())
        m = re.match(r"ON (DELETE|UPDATE) (.+)", text)
        if m:
            action = "NO ACTION" if m.group(2) == "RESTRICT" else m.group(2)
            if m.group(1) == "DELETE":
                fk.on_delete = action
            else:
                fk.on_update = action
    return KeyDef("FOREIGN", None, fk=fk)


def parse_columns(
    b: Builder, text: str, spans: list[tuple[int, int]], body: tuple[int, int]
) -> list[exp.ColumnDef]:
    """sqlglot ColumnDefs of the column items among `spans` of `text` (other items blanked out)."""
    # everything in the body that is not a kept column definition becomes spaces (newlines stay),
    # with one comma between kept items: sqlglot's line:col stay those of the statement
    header = "CREATE TABLE _"
    head_len = body[0]
    pieces = [header.ljust(head_len) if head_len >= len(header) else header + " ", "("]
    prev_end = body[0] + 1
    for i, (s, e) in enumerate(sorted(spans)):
        gap = _NOT_NEWLINE.sub(" ", text[prev_end:s])
        if i:
            gap = "," + gap[1:] if gap else ","
        pieces.append(gap)
        pieces.append(text[s:e])
        prev_end = e
    pieces.append(_NOT_NEWLINE.sub(" ", text[prev_end : body[1]]))
    pieces.append(")")
    sql = "".join(pieces)
    low = sql.lower()
    if "persistent" in low:
        sql = _PERSISTENT.sub("STORED    ", sql)
    if "column_format" in low or "storage" in low:
        sql = _COLUMN_NOISE.sub(lambda m: " " * len(m.group(0)), sql)
    tree = nz.parse_sql(sql)
    if not isinstance(tree, exp.Create) or not isinstance(tree.this, exp.Schema):
        raise ValueError("not a column list")
    return [c for c in tree.this.expressions if isinstance(c, exp.ColumnDef)]


# ---- table options ------------------------------------------------------------------------------

_ENGINES = {
    e.lower(): e
    for e in (
        "InnoDB",
        "MyISAM",
        "MEMORY",
        "Aria",
        "CSV",
        "ARCHIVE",
        "BLACKHOLE",
        "FEDERATED",
        "MRG_MyISAM",
        "SEQUENCE",
        "CONNECT",
        "ROCKSDB",
        "SPIDER",
        "S3",
        "ColumnStore",
        "OQGRAPH",
        "Mroonga",
        "ndbcluster",
        "TokuDB",
    )
}
_ENGINES["heap"] = "MEMORY"
_ENGINES["merge"] = "MRG_MyISAM"
_ENGINES["ndb"] = "ndbcluster"
_OPTION = re.compile(
    r"\s*,?\s*(DEFAULT\s+)?(CHARACTER\s+SET|CHARSET|COLLATE|DATA\s+DIRECTORY|INDEX\s+DIRECTORY|START\s+TRANSACTION"
    r"|WITH\s+SYSTEM\s+VERSIONING|[A-Za-z_]+)(?![\w$])",
    re.I,
)


@dataclasses.dataclass
class TableOpts:
    engine: str | None = None
    charset: str | None = None
    collation: str | None = None
    comment: str | None = None
    row_format: str | None = None
    other: dict[str, str] = dataclasses.field(default_factory=dict)
    versioning: bool = False


def parse_table_options(text: str) -> TableOpts:
    """Table options (ENGINE=..., DEFAULT CHARSET ..., COMMENT '...', ...); AUTO_INCREMENT dropped."""
    out = TableOpts()
    cur = Cursor(text)
    while not cur.at_end():
        m = _OPTION.match(text, cur.pos)
        if m is None:
            raise ValueError(f"unexpected {cur.rest()[:30]!r}")
        cur.pos = m.end()
        name = " ".join(m.group(2).upper().split())
        if name == "WITH SYSTEM VERSIONING":
            out.versioning = True
            continue
        if name == "START TRANSACTION":
            continue
        if name == "TABLESPACE":
            value = cur.value() or ""
            out.other["TABLESPACE"] = value
            if cur.word("STORAGE"):
                out.other["STORAGE"] = (cur.value() or "").upper()
            continue
        got = cur.value()
        if got is None:
            raise ValueError(f"table option {name} without a value")
        value = got
        if name in ("CHARACTER SET", "CHARSET"):
            out.charset = value.lower()
        elif name == "COLLATE":
            out.collation = value.lower()
        elif name == "ENGINE" or name == "TYPE":
            out.engine = _ENGINES.get(value.lower(), value)
        elif name == "COMMENT":
            out.comment = value
        elif name == "ROW_FORMAT":
            out.row_format = value.upper()
        elif name == "AUTO_INCREMENT":
            continue  # the counter is state, not schema
        elif name == "UNION":
            out.other[name] = ",".join(_names(value[1:-1])) if value.startswith("(") else value
        else:
            upper = value.upper() if re.fullmatch(r"[\w]+", value) and name not in ("CONNECTION",) else value
            out.other[name] = upper
    return out


def apply_table_options(b: Builder, t: TableState, o: TableOpts) -> None:
    """Set a table's options; a new default charset applies to columns added later only."""
    if o.engine is not None:
        t.engine = o.engine
    if o.charset is not None or o.collation is not None:
        t.charset, t.collation = charset_pair(b, o.charset, o.collation, t.schema)
    if o.comment is not None:
        t.comment = o.comment or None
    if o.row_format is not None:
        if o.row_format == "DEFAULT":
            t.options.pop(RowFormat.KIND, None)
        else:
            t.options[RowFormat.KIND] = RowFormat(format=o.row_format)
    if o.other:
        prev = dict(t.options[TableOptions.KIND].items) if TableOptions.KIND in t.options else {}  # type: ignore[attr-defined]
        prev.update(o.other)
        t.options[TableOptions.KIND] = TableOptions(items=tuple(sorted(prev.items())))
    if o.versioning:
        t.options[SystemVersioning.KIND] = SystemVersioning()


# ---- partitions ---------------------------------------------------------------------------------


def _popts(o: PartitionOptions, engine: str) -> str:
    out = []
    if o.engine is not None and _ENGINES.get(o.engine.lower(), o.engine) != engine:
        out.append(f"ENGINE={_ENGINES.get(o.engine.lower(), o.engine)}")
    for f in (
        "comment",
        "data_directory",
        "index_directory",
        "max_rows",
        "min_rows",
        "tablespace",
        "nodegroup",
    ):
        v = getattr(o, f)
        if v is not None:
            out.append(f"{f.upper()}={nz.quote_string(str(v)) if isinstance(v, str) else v}")
    return (" " + " ".join(out)) if out else ""


def _scheme(s: PartitionScheme) -> str:
    head = ("LINEAR " if s.linear else "") + s.kind
    if s.kind == "KEY":
        algo = f" ALGORITHM={s.algorithm}" if s.algorithm not in (None, 2) else ""
        body = f"{algo} ({','.join(c.lower() for c in s.column_names)})"
    elif s.kind == "SYSTEM_TIME":
        body = ""
        if s.interval:
            body += f" INTERVAL {s.interval}"
        if s.limit is not None:
            body += f" LIMIT {s.limit}"
        if s.auto:
            body += " AUTO"
    elif s.columns:
        body = f" COLUMNS({','.join(c.lower() for c in s.column_names)})"
    else:
        body = f"({nz.expr_text(s.expr or '').canonical})"
    return head + body


def _values(items: tuple[str, ...]) -> str:
    return ",".join(nz.expr_text(i).canonical if i.upper() != "MAXVALUE" else "MAXVALUE" for i in items)


def _pdef(p: PartitionDef, engine: str) -> str:
    s = f"PARTITION {p.name.lower()}"
    if p.less_than is not None:
        s += " VALUES LESS THAN " + (
            "MAXVALUE" if p.less_than == ("MAXVALUE",) else f"({_values(p.less_than)})"
        )
    if p.values_in is not None:
        s += f" VALUES IN ({_values(p.values_in)})"
    if p.system_time is not None:
        s += f" {p.system_time}"
    s += _popts(p.options, engine)
    if p.subpartitions:
        s += (
            " ("
            + ", ".join(
                f"SUBPARTITION {sp.name.lower()}{_popts(sp.options, engine)}" for sp in p.subpartitions
            )
            + ")"
        )
    return s


def partition_option(clause: PartitionClause, text: str, engine: str) -> Partitioning:
    """Canonical PARTITION BY clause; per-partition ENGINE equal to the table's is a default."""
    parts = clause.partitions
    count = clause.by.count
    trivial = all(
        p.name.lower() == f"p{i}"
        and p.less_than is None
        and p.values_in is None
        and p.system_time is None
        and not _popts(p.options, engine)
        and not p.subpartitions
        for i, p in enumerate(parts)
    )
    if parts and trivial and clause.by.kind in ("HASH", "KEY"):
        count, parts = len(parts), ()
    out = f"PARTITION BY {_scheme(clause.by)}"
    if count is not None and not parts:
        out += f" PARTITIONS {count}"
    if clause.subpartition_by is not None:
        out += f" SUBPARTITION BY {_scheme(clause.subpartition_by)}"
        if clause.subpartition_by.count is not None:
            out += f" SUBPARTITIONS {clause.subpartition_by.count}"
    if parts:
        out += " (" + ", ".join(_pdef(p, engine) for p in parts) + ")"
    return Partitioning(clause=out, text=" ".join(text.split()))


# ---- CREATE TABLE -------------------------------------------------------------------------------

_CREATE_TABLE = re.compile(
    rf"CREATE\s+(OR\s+REPLACE\s+)?(TEMPORARY\s+)?TABLE\s+(IF\s+NOT\s+EXISTS\s+)?{QNAME}\s*", re.I | re.S
)
_LIKE = re.compile(rf"\(?\s*LIKE\s+{QNAME}\s*\)?\s*$", re.I | re.S)
_VERSIONING_TAIL = re.compile(r"WITH\s+SYSTEM\s+VERSIONING", re.I)


@handles("CREATE TABLE")
def create_table(stmt: RawStatement, b: Builder) -> None:
    from ddlcompare.dialects.mysql.fastpath import fast_table

    fast = fast_table(stmt, b)  # a dump-shaped statement, read line by line (see fastpath.py)
    if fast is not None:
        b.tables[(fast.schema, fast.name)] = fast
        b.fast += 1
        return
    rewritten = rewrite_spatial(blank_comments(stmt.text))
    text = rewritten.text
    m = _CREATE_TABLE.match(text)
    if m is None:
        b.unsupported("CREATE TABLE", "", "this CREATE TABLE form")
        return
    schema, name = b.qname(m, 4)
    if m.group(2):
        b.warn(f"temporary table `{name}` ignored (it is not part of the schema)")
        return
    existing = b.tables.get((schema, name))
    if existing is not None or ObjectKey("view", schema, name) in b.objects:
        if m.group(3):
            return
        if m.group(1):
            b.tables.pop((schema, name), None)
            _drop_triggers_of(b, schema, name)
        else:
            raise b.error(f"table {name!r} already exists")
    rest = text[m.end() :]
    like = _LIKE.match(rest)
    if like is not None:
        src_schema, src_name = b.qname(like, 1)
        src = b.table(src_schema, src_name)
        assert src is not None
        t = dataclasses.replace(
            src,
            schema=schema,
            name=name,
            columns=list(src.columns),
            options=dict(src.options),
            indexes={k: dataclasses.replace(v, parts=list(v.parts)) for k, v in src.indexes.items()},
            fks={},  # CREATE TABLE ... LIKE copies no foreign keys (MySQL 8.0 manual 15.1.20.3)
            checks=dict(src.checks),
            pos=b.pos,
        )
        b.tables[(schema, name)] = t
        return
    open_at = m.end()
    if open_at >= len(text) or text[open_at] != "(":
        b.unsupported("CREATE TABLE", name, "CREATE TABLE ... SELECT")
        return
    close = matching_paren(text, open_at)
    if close < 0:
        raise b.error("unbalanced parentheses in CREATE TABLE", open_at)
    tail = text[close + 1 :]
    if re.search(r"(?<![\w$])(SELECT|AS\s+SELECT|IGNORE|REPLACE)(?![\w$])", _strip_literals(tail), re.I):
        b.unsupported("CREATE TABLE", name, "CREATE TABLE ... SELECT")
        return
    t = TableState(schema, name, pos=b.pos)
    t.charset, t.collation = b.default_charset(schema)
    try:
        pcut = find_partition_clause(tail)
        opt_text = tail if pcut is None else tail[:pcut]
        opts = parse_table_options(opt_text)
        apply_table_options(b, t, opts)
        if pcut is not None:
            clause = parse_partition(tail[pcut:])
            t.options[Partitioning.KIND] = partition_option(clause, tail[pcut:], t.engine)
    except GrammarError as e:
        b.unsupported(
            "CREATE TABLE",
            name,
            f"this partition clause ({e.message})",
            pos=_pos_in(b, stmt, close + 1 + (pcut or 0) + e.offset),
        )
        return
    except ValueError as e:
        b.unsupported("CREATE TABLE", name, f"table options of `{name}` ({e})")
        return
    if not _fill_table(b, stmt, text, dict(rewritten.columns), t, open_at, close):
        return
    b.tables[(schema, name)] = t


def _pos_in(b: Builder, stmt: RawStatement, index: int) -> SourcePos:
    return stmt.pos(b.path, index)


def _strip_literals(text: str) -> str:
    return re.sub(_LIT + r"|`(?:[^`]++|``)*+`", "''", text)


def _fill_table(
    b: Builder,
    stmt: RawStatement,
    text: str,
    spatial: dict[str, SpatialType],
    t: TableState,
    open_at: int,
    close: int,
) -> bool:
    """Columns and keys of a CREATE TABLE body; False (and an opaque object) when it cannot be read."""
    spans = split_top(text, open_at + 1, close)
    col_spans: list[tuple[int, int]] = []
    keys: list[tuple[KeyDef, int]] = []
    for s, e in spans:
        try:
            kd = parse_element(text[s:e], b, t.schema)
        except ValueError as err:
            b.unsupported(
                "CREATE TABLE", t.name, f"definition {text[s:e][:40]!r} ({err})", pos=stmt.pos(b.path, s)
            )
            return False
        if kd is None:
            col_spans.append((s, e))
        else:
            keys.append((kd, s))
    columns: list[tuple[exp.ColumnDef, int]] = []
    spatial = dict(spatial)
    if col_spans:
        try:
            defs = parse_columns(b, text, col_spans, (open_at, close))
        except (ParseError, TokenError) as err:
            pos = b.pos
            errs = getattr(err, "errors", None)
            if errs:
                pos = b.error_at("", errs[0].get("line") or 1, errs[0].get("col") or 1).pos
            b.unsupported(
                "CREATE TABLE", t.name, f"a column definition of `{t.name}` sqlglot cannot read", pos=pos
            )
            return False
        except ValueError as err:
            b.unsupported("CREATE TABLE", t.name, f"columns of `{t.name}` ({err})")
            return False
        for cd, (s, _e) in zip(defs, col_spans, strict=False):
            columns.append((cd, s))
    # elements in textual order: the server adds a column's own keys as it reads the column, and
    # the index of a foreign key where the foreign key stands (sql_yacc.yy)
    items: list[tuple[int, exp.ColumnDef | KeyDef]] = sorted(
        [(s, cd) for cd, s in columns] + [(s, kd) for kd, s in keys], key=lambda x: x[0]
    )
    for s, item in items:
        if isinstance(item, KeyDef):
            b.pos = stmt.pos(b.path, s)
            add_key(b, t, item)
            continue
        try:
            col, ks = column_from_def(b, t, item, spatial)
        except ValueError as err:
            b.unsupported("CREATE TABLE", t.name, f"column `{item.name}` ({err})")
            return False
        if t.find_column(col.name) is not None:
            raise b.error(f"duplicate column name {col.name!r}", s)
        t.columns.append(col)
        for kd in ks:
            add_key(b, t, kd, column_level=col.name if kd.kind == "CHECK" else None)
    b.pos = stmt.pos(b.path)
    settle_keys(t, b)
    return True


def _drop_triggers_of(b: Builder, schema: str, table: str) -> None:
    for key in [k for k, trg in b.triggers.items() if trg.schema == schema and trg.table == table]:
        del b.triggers[key]
        b.trigger_seq.pop(key, None)


# ---- ALTER TABLE --------------------------------------------------------------------------------

_ALTER_TABLE = re.compile(
    rf"ALTER\s+(?:ONLINE\s+|OFFLINE\s+|IGNORE\s+)*TABLE\s+(IF\s+EXISTS\s+)?{QNAME}\s*", re.I | re.S
)
_POSITION = re.compile(rf"\s+(FIRST|AFTER\s+({_IDENT}))\s*$", re.I | re.S)
_ACTION = re.compile(
    r"(ADD|DROP|MODIFY|CHANGE|ALTER|RENAME|CONVERT|ALGORITHM|LOCK|FORCE|ORDER|ENABLE|DISABLE|DISCARD|IMPORT"
    r"|REMOVE|PARTITION|COALESCE|REORGANIZE|EXCHANGE|ANALYZE|CHECK|OPTIMIZE|REBUILD|REPAIR|TRUNCATE|WITH|WITHOUT"
    r"|VALIDATION)(?![\w$])",
    re.I,
)


@handles("ALTER TABLE")
def alter_table(stmt: RawStatement, b: Builder) -> None:
    text = blank_comments(stmt.text)
    m = _ALTER_TABLE.match(text)
    if m is None:
        b.unsupported("ALTER TABLE", "", "this ALTER TABLE form")
        return
    schema, name = b.qname(m, 2)
    t = b.tables.get((schema, name))
    if t is None:
        if m.group(1):
            return
        if any(
            o.statement == "CREATE TABLE" and o.name.split(" ", 2)[-1] == name
            for o in b.objects.values()
            if hasattr(o, "statement")
        ):
            b.unsupported("ALTER TABLE", name, f"ALTER TABLE of the unmodelled table `{name}`")
            return
        raise b.error(f"table {name!r} does not exist")
    body_start = m.end()
    pcut = find_partition_clause(text[body_start:])
    end = len(text) if pcut is None else body_start + pcut
    for s, e in split_top(text, body_start, end):
        b.pos = stmt.pos(b.path, s)
        try:
            t = _alter_action(b, stmt, t, text[s:e], s)
        except (ValueError, GrammarError, ParseError, TokenError) as err:
            msg = getattr(err, "message", None) or str(err).splitlines()[0]
            b.unsupported(
                "ALTER TABLE", f"{name} {text[s:e][:30]}", f"ALTER TABLE action {text[s:e][:40]!r} ({msg})"
            )
    b.pos = stmt.pos(b.path)
    settle_keys(t, b)
    if pcut is not None:
        try:
            clause = parse_partition(text[body_start + pcut :])
        except GrammarError as e:
            b.unsupported("ALTER TABLE", name, f"partition clause ({e.message})")
            return
        t.options[Partitioning.KIND] = partition_option(clause, text[body_start + pcut :], t.engine)


def _alter_action(b: Builder, stmt: RawStatement, t: TableState, action: str, offset: int) -> TableState:
    """Apply one ALTER TABLE action; returns the (possibly renamed) table."""
    am = _ACTION.match(action)
    if am is None:
        # table options (ENGINE=..., COMMENT=..., DEFAULT CHARSET=...)
        apply_table_options(b, t, parse_table_options(action))
        return t
    verb = am.group(1).upper()
    cur = Cursor(action, am.end())
    if verb == "ADD":
        return _alter_add(b, stmt, t, action, cur, offset)
    if verb == "DROP":
        _alter_drop(b, t, cur)
        return t
    if verb in ("MODIFY", "CHANGE"):
        cur.word("COLUMN")
        if_exists = cur.word("IF", "EXISTS")
        old = cur.name() if verb == "CHANGE" else None
        rest_start = cur.pos
        defn = action[rest_start:]
        position = _POSITION.search(defn)
        if position:
            defn = defn[: position.start()]
        named = re.match(rf"\s*({_IDENT})", defn)
        if named is None or (verb == "CHANGE" and old is None):
            raise b.error(f"{verb} needs a column name and its definition", offset + rest_start)
        col_name = _name(named.group(1))
        old = old or col_name
        i = t.find_column(old)
        if i is None:
            if if_exists:
                return t
            raise ValueError(f"unknown column {old!r}")
        col, keys = _one_column(b, t, action, rest_start, rest_start + len(defn), stmt, offset)
        prev = t.columns[i]
        if "primary" in t.indexes and any(
            (p.column or "").lower() == prev.name.lower() for p in t.indexes["primary"].parts
        ):
            col = dataclasses.replace(col, nullable=False)
        t.columns[i] = col
        # the old column-level check goes with the old definition (MariaDB keeps checks in the field)
        t.checks.pop(prev.name.lower(), None) if t.checks.get(
            prev.name.lower(), CheckState("", Expr(""))
        ).column else None
        if col.name != prev.name:
            _rename_column_refs(b, t, prev.name, col.name)
        if position:
            _move_column(t, col.name, position)
        for kd in keys:
            add_key(b, t, kd, column_level=col.name if kd.kind == "CHECK" else None)
        return t
    if verb == "ALTER":
        if cur.word("INDEX") or cur.word("KEY"):
            ix_name = cur.name() or ""
            ix = t.indexes.get(ix_name.lower())
            if ix is None:
                raise ValueError(f"unknown key {ix_name!r}")
            if cur.word("INVISIBLE") or cur.word("IGNORED"):
                ix.invisible = True
            elif cur.word("VISIBLE") or cur.word("NOT", "IGNORED"):
                ix.invisible = False
            return t
        if cur.word("CHECK") or cur.word("CONSTRAINT"):
            ck_name = cur.name() or ""
            ck = t.checks.get(ck_name.lower())
            if ck is None:
                raise ValueError(f"unknown check {ck_name!r}")
            ck.enforced = not cur.word("NOT", "ENFORCED")
            return t
        cur.word("COLUMN")
        col_name = cur.name() or ""
        i = t.find_column(col_name)
        if i is None:
            raise ValueError(f"unknown column {col_name!r}")
        col = t.columns[i]
        if cur.word("SET", "DEFAULT"):
            nodes = nz.parse_sql("SELECT " + cur.rest()).expressions if cur.rest().strip() else []
            if len(nodes) != 1:
                raise ValueError("SET DEFAULT needs one value")
            t.columns[i] = dataclasses.replace(col, default=nz.default_expr(nodes[0], col.type))
        elif cur.word("DROP", "DEFAULT"):
            t.columns[i] = dataclasses.replace(col, default=None)
        elif cur.word("SET", "INVISIBLE"):
            t.columns[i] = dataclasses.replace(col, options=with_options(*col.options, Invisible()))
        elif cur.word("SET", "VISIBLE"):
            t.columns[i] = dataclasses.replace(
                col, options=tuple(o for o in col.options if not isinstance(o, Invisible))
            )
        else:
            raise ValueError("unknown ALTER COLUMN form")
        return t
    if verb == "RENAME":
        if cur.word("COLUMN"):
            old, new = cur.name() or "", ""
            cur.word("TO")
            new = cur.name() or ""
            i = t.find_column(old)
            if i is None:
                raise ValueError(f"unknown column {old!r}")
            prev = t.columns[i]
            t.columns[i] = dataclasses.replace(prev, name=new)
            _rename_column_refs(b, t, prev.name, new)
            return t
        if cur.word("INDEX") or cur.word("KEY"):
            old = cur.name() or ""
            cur.word("TO")
            new = cur.name() or ""
            ix = t.indexes.pop(old.lower(), None)
            if ix is None:
                raise ValueError(f"unknown key {old!r}")
            ix.name = new
            t.indexes[new.lower()] = ix
            return t
        cur.word("TO") or cur.word("AS")
        rm = re.compile(rf"\s*{QNAME}\s*$", re.S).match(action, cur.pos)
        if rm is None:
            raise ValueError("RENAME needs a name")
        schema, name = b.qname(rm, 1)
        return _rename_table(b, t, schema, name)
    if verb == "CONVERT":
        if not cur.word("TO"):
            raise ValueError("CONVERT TO CHARACTER SET expected")
        cur.word("CHARACTER", "SET") or cur.word("CHARSET")
        cs = (cur.value() or "").lower()
        coll = cur.value() if cur.word("COLLATE") else None
        _convert(b, t, cs, coll)
        return t
    if verb == "WITH" or verb == "WITHOUT" or verb == "VALIDATION":
        return t
    if verb in (
        "ALGORITHM",
        "LOCK",
        "FORCE",
        "ORDER",
        "ENABLE",
        "DISABLE",
        "ANALYZE",
        "CHECK",
        "OPTIMIZE",
        "REBUILD",
        "REPAIR",
    ):
        if verb == "DISABLE" and cur.word("KEYS"):
            return t
        if verb in ("ENABLE",) and cur.word("KEYS"):
            return t
        if verb in ("ALGORITHM", "LOCK", "FORCE", "ORDER") or cur.word("PARTITION"):
            return t  # how the server runs the ALTER, not what it makes
    if verb == "REMOVE" and cur.word("PARTITIONING"):
        t.options.pop(Partitioning.KIND, None)
        return t
    raise ValueError(f"{verb} is not modelled")


def _one_column(
    b: Builder, t: TableState, action: str, s: int, e: int, stmt: RawStatement, offset: int
) -> tuple[Column, list[KeyDef]]:
    """Parse one column definition action[s:e] (keeping file positions in errors)."""
    text = " " * (offset + s) + action[s:e]
    # a fake statement head keeps character positions: the definition starts where it does in the file
    head = "CREATE TABLE _ ("
    pad = offset + s - len(head)
    if pad >= 0:
        text = head + " " * pad + action[s:e] + ")"
        body = (len(head) - 1, len(text) - 1)
        span = (len(head) + pad, len(head) + pad + (e - s))
    else:
        text = head + action[s:e] + ")"
        body = (len(head) - 1, len(text) - 1)
        span = (len(head), len(head) + (e - s))
    rewritten = rewrite_spatial(text)
    defs = parse_columns(b, rewritten.text, [span], body)
    if len(defs) != 1:
        raise ValueError("expected one column definition")
    return column_from_def(b, t, defs[0], dict(rewritten.columns))


def _alter_add(
    b: Builder, stmt: RawStatement, t: TableState, action: str, cur: Cursor, offset: int
) -> TableState:
    if cur.word("SYSTEM", "VERSIONING"):
        t.options[SystemVersioning.KIND] = SystemVersioning()
        return t
    if cur.word("PARTITION"):
        part = t.options.get(Partitioning.KIND)
        group = cur.group()
        if part is None or group is None:
            raise ValueError("ADD PARTITION on a table without partitions")
        assert isinstance(part, Partitioning)
        defs = parse_partition_defs(group)
        merged = part.text.rstrip()
        merged = merged[:-1] + ", " + group.strip()[1:] if merged.endswith(")") else merged + " " + group
        t.options[Partitioning.KIND] = partition_option(parse_partition(merged), merged, t.engine)
        del defs
        return t
    start = cur.pos
    kd = parse_element(action[start:], b, t.schema)
    if kd is not None:
        add_key(b, t, kd)
        return t
    cur.word("COLUMN")
    if_not_exists = cur.word("IF", "NOT", "EXISTS")
    group_start = re.compile(r"\s*\(").match(action, cur.pos)
    if group_start is not None:
        close = matching_paren(action, group_start.end() - 1)
        for s, e in split_top(action, group_start.end(), close):
            col, keys = _one_column(b, t, action, s, e, stmt, offset)
            _add_column(b, t, col, keys, None, if_not_exists)
        return t
    defn_start = cur.pos
    defn = action[defn_start:]
    position = _POSITION.search(defn)
    end = defn_start + (position.start() if position else len(defn))
    col, keys = _one_column(b, t, action, defn_start, end, stmt, offset)
    _add_column(b, t, col, keys, position, if_not_exists)
    return t


def _add_column(
    b: Builder,
    t: TableState,
    col: Column,
    keys: list[KeyDef],
    position: re.Match[str] | None,
    if_not_exists: bool,
) -> None:
    if t.find_column(col.name) is not None:
        if if_not_exists:
            return
        raise ValueError(f"duplicate column name {col.name!r}")
    t.columns.append(col)
    if position:
        _move_column(t, col.name, position)
    for kd in keys:
        add_key(b, t, kd, column_level=col.name if kd.kind == "CHECK" else None)


def _move_column(t: TableState, name: str, position: re.Match[str]) -> None:
    i = t.find_column(name)
    assert i is not None
    col = t.columns.pop(i)
    if position.group(1).upper() == "FIRST":
        t.columns.insert(0, col)
        return
    after = _name(position.group(2))
    j = t.find_column(after)
    if j is None:
        t.columns.insert(i, col)
        raise ValueError(f"unknown column {after!r} in AFTER")
    t.columns.insert(j + 1, col)


def _rename_column_refs(b: Builder, t: TableState, old: str, new: str) -> None:
    """A column renamed (RENAME COLUMN, CHANGE): its keys, its table's foreign keys, checks and
    generated columns, and the foreign keys of other tables that reference it follow, as the server
    rewrites them."""
    low = old.lower()
    for ix in [*t.indexes.values(), *t.pending]:
        ix.parts = [
            dataclasses.replace(p, column=new) if (p.column or "").lower() == low else p for p in ix.parts
        ]
    for fk in t.fks.values():
        fk.columns = [new if c.lower() == low else c for c in fk.columns]
    for other in b.tables.values():
        for fk in other.fks.values():
            if (fk.ref_schema, fk.ref_table) == (t.schema, t.name):
                fk.ref_columns = [new if c.lower() == low else c for c in fk.ref_columns]
    ck = t.checks.pop(low, None)
    if ck is not None:
        if ck.column is not None and ck.name.lower() == low:
            ck.name, ck.column = new, new
        t.checks[ck.name.lower()] = ck
    for ck in t.checks.values():
        ck.expr = _renamed_column(ck.expr, old, new)
    for i, col in enumerate(t.columns):  # generated columns over it
        if col.generated is not None and (gen := _renamed_column(col.generated, old, new)) != col.generated:
            t.columns[i] = dataclasses.replace(col, generated=gen)


# a string, a quoted identifier, a word, or any other character of a MySQL expression
_EXPR_TOKEN = re.compile(r"'(?:[^'\\]|\\.|'')*'|\"(?:[^\"\\]|\\.|\"\")*\"|`(?:[^`]|``)+`|[\w$]+|\S")


def _renamed_column(e: Expr, old: str, new: str) -> Expr:
    """An expression of one table's columns with column `old` called `new` (names of columns are
    case-insensitive; a function or a qualified name's part of that name stays), canonical again."""
    text = _renamed_words(e.text, old, new)
    return e if text == e.text else nz.expr_text(text)


def _renamed_words(sql: str, old: str, new: str) -> str:
    if old.lower() not in sql.lower():
        return sql
    tokens = list(_EXPR_TOKEN.finditer(sql))
    out: list[str] = []
    done = 0
    for i, m in enumerate(tokens):
        word = m.group(0)
        quoted = word.startswith("`")
        name = word[1:-1].replace("``", "`") if quoted else word
        if name.lower() != old.lower() or not (quoted or word[0].isalpha() or word[0] in "_$"):
            continue
        before = tokens[i - 1].group(0) if i > 0 else ""
        after = tokens[i + 1].group(0) if i + 1 < len(tokens) else ""
        if after in ("(", ".") or before == ".":
            continue
        out += [sql[done : m.start()], nz.ident(new)]
        done = m.end()
    return sql if not out else "".join([*out, sql[done:]])


def _alter_drop(b: Builder, t: TableState, cur: Cursor) -> None:
    if cur.word("PRIMARY", "KEY"):
        if t.indexes.pop("primary", None) is None:
            raise ValueError("no primary key to drop")
        return
    if cur.word("FOREIGN", "KEY"):
        if_exists = cur.word("IF", "EXISTS")
        name = cur.name() or ""
        if t.fks.pop(name.lower(), None) is None and not if_exists:
            raise ValueError(f"unknown foreign key {name!r}")
        return
    if cur.word("INDEX") or cur.word("KEY"):
        if_exists = cur.word("IF", "EXISTS")
        name = cur.name() or ""
        if t.indexes.pop(name.lower(), None) is None and not if_exists:
            raise ValueError(f"unknown key {name!r}")
        return
    if cur.word("CHECK") or cur.word("CONSTRAINT"):
        if_exists = cur.word("IF", "EXISTS")
        name = cur.name() or ""
        low = name.lower()
        # DROP CONSTRAINT finds checks, foreign keys and (MySQL 8.0.19+) unique keys by name
        found = t.checks.pop(low, None) or t.fks.pop(low, None) or t.indexes.pop(low, None)
        if found is None and not if_exists:
            raise ValueError(f"unknown constraint {name!r}")
        return
    if cur.word("SYSTEM", "VERSIONING"):
        t.options.pop(SystemVersioning.KIND, None)
        return
    if cur.word("PARTITION"):
        part = t.options.get(Partitioning.KIND)
        if not isinstance(part, Partitioning):
            raise ValueError("DROP PARTITION on a table without partitions")
        names = {n.lower() for n in _names(cur.rest())}
        clause = parse_partition(part.text)
        kept = tuple(p for p in clause.partitions if p.name.lower() not in names)
        new = dataclasses.replace(clause, partitions=kept)
        t.options[Partitioning.KIND] = partition_option(new, part.text, t.engine)
        return
    cur.word("COLUMN")
    if_exists = cur.word("IF", "EXISTS")
    name = cur.name() or ""
    i = t.find_column(name)
    if i is None:
        if if_exists:
            return
        raise ValueError(f"unknown column {name!r}")
    col = t.columns.pop(i)
    low = col.name.lower()
    # the column leaves every index; an index left without parts goes (MySQL 8.0 manual 15.1.9)
    for key, ix in list(t.indexes.items()):
        ix.parts = [p for p in ix.parts if (p.column or "").lower() != low]
        if not ix.parts:
            del t.indexes[key]
    ck = t.checks.get(low)
    if ck is not None and ck.column is not None:
        del t.checks[low]


def _convert(b: Builder, t: TableState, charset: str, collation: str | None) -> None:
    """CONVERT TO CHARACTER SET: the table default and every character column change set."""
    from ddlcompare.dialects.mysql.types import text_length_type

    cs, coll = charset_pair(b, charset, collation, t.schema)
    old_max = {c.name: _mbmaxlen(charset_of(c.collation)) for c in t.columns if c.collation}
    new_max = _mbmaxlen(cs)
    t.charset, t.collation = cs, coll
    for i, c in enumerate(t.columns):
        if c.collation is None:
            continue
        type_text = c.type
        base = type_text.split("(", 1)[0]
        if base in ("tinytext", "text", "mediumtext") and new_max > old_max[c.name]:
            # TEXT grows so that it still holds as many characters (MySQL 8.0 manual, ALTER TABLE
            # "Changing the Character Set")
            cap = {"tinytext": 255, "text": 65535, "mediumtext": 16777215}[base]
            chars = cap // old_max[c.name]
            type_text = text_length_type("text", chars * new_max)
        t.columns[i] = dataclasses.replace(c, type=type_text, collation=coll)


def _mbmaxlen(charset: str) -> int:
    return {
        "utf8mb4": 4,
        "utf8mb3": 3,
        "utf16": 4,
        "utf16le": 4,
        "utf32": 4,
        "ucs2": 2,
        "big5": 2,
        "gbk": 2,
        "gb2312": 2,
        "gb18030": 4,
        "sjis": 2,
        "cp932": 2,
        "euckr": 2,
        "ujis": 3,
        "eucjpms": 3,
    }.get(charset, 1)


def _rename_table(b: Builder, t: TableState, schema: str, name: str) -> TableState:
    if (schema, name) in b.tables:
        raise ValueError(f"table {name!r} already exists")
    del b.tables[(t.schema, t.name)]
    old_schema, old_name = t.schema, t.name
    t.schema, t.name = schema, name
    b.tables[(schema, name)] = t
    for key, trg in list(b.triggers.items()):
        if trg.schema == old_schema and trg.table == old_name:
            b.triggers[key] = dataclasses.replace(trg, table=name, depends_on=dependencies({t.key}))
    # foreign keys that referenced the old name follow the table
    for other in b.tables.values():
        for fk in other.fks.values():
            if fk.ref_schema == old_schema and fk.ref_table == old_name:
                fk.ref_schema, fk.ref_table = schema, name
    return t


# ---- other table statements ---------------------------------------------------------------------

_RENAME = re.compile(rf"\s*{QNAME}\s+TO\s+{QNAME}\s*$", re.I | re.S)


@handles("RENAME TABLE")
def rename_table(stmt: RawStatement, b: Builder) -> None:
    text = stmt.text
    m = re.match(r"RENAME\s+TABLES?(?![\w$])\s*", text, re.I)
    if m is None or m.end() == len(text):
        raise b.error("RENAME TABLE needs `a TO b`", m.end() if m else None)
    for s, e in split_top(text, m.end()):
        r = _RENAME.match(text[s:e])
        if r is None:
            raise b.error("RENAME TABLE needs `a TO b`", s)
        schema, name = b.qname(r, 1)
        new_schema, new_name = b.qname(r, 3)
        t = b.tables.get((schema, name))
        if t is not None:
            try:
                _rename_table(b, t, new_schema, new_name)
            except ValueError as err:
                raise b.error(str(err), s) from None
            continue
        view = b.objects.pop(ObjectKey("view", schema, name), None)
        if view is None:
            raise b.error(f"table {name!r} does not exist", s)
        b.objects[ObjectKey("view", new_schema, new_name)] = dataclasses.replace(
            view, schema=new_schema, name=new_name
        )


_DROP = re.compile(
    r"DROP\s+(?:TEMPORARY\s+)?(TABLES?|VIEWS?|SEQUENCE|PROCEDURE|FUNCTION|EVENT|TRIGGER|DATABASE|SCHEMA|INDEX)\s+"
    r"(?:IF\s+EXISTS\s+)?",
    re.I,
)


def _drop_names(b: Builder, stmt: RawStatement) -> tuple[str, bool, list[tuple[str, str]]]:
    text = stmt.text
    m = _DROP.match(text)
    if m is None:
        raise b.error("cannot read this DROP statement")
    if_exists = "EXISTS" in text[: m.end()].upper()
    body = re.sub(r"\s+(RESTRICT|CASCADE)\s*$", "", text[m.end() :], flags=re.I)
    names = []
    for s, e in split_top(body):
        q = re.compile(rf"\s*{QNAME}\s*$", re.S).match(body[s:e])
        if q is None:
            raise b.error(f"bad name {body[s:e]!r}")
        names.append(b.qname(q, 1))
    return m.group(1).upper(), if_exists, names


@handles("DROP TABLE")
def drop_table(stmt: RawStatement, b: Builder) -> None:
    _, if_exists, names = _drop_names(b, stmt)
    for schema, name in names:
        if b.tables.pop((schema, name), None) is not None:
            _drop_triggers_of(b, schema, name)
        elif not if_exists and ObjectKey("opaque", "", f"CREATE TABLE {name}") not in b.objects:
            raise b.error(f"unknown table {name!r}")
        b.objects.pop(ObjectKey("opaque", "", f"CREATE TABLE {name}"), None)
    b.clean = True  # regular expressions and dict updates only (see Builder.run)


@handles("DROP VIEW")
def drop_view(stmt: RawStatement, b: Builder) -> None:
    _, if_exists, names = _drop_names(b, stmt)
    for schema, name in names:
        if b.objects.pop(ObjectKey("view", schema, name), None) is None and not if_exists:
            raise b.error(f"unknown view {name!r}")


@handles("DROP SEQUENCE")
def drop_sequence(stmt: RawStatement, b: Builder) -> None:
    _, if_exists, names = _drop_names(b, stmt)
    for schema, name in names:
        if b.objects.pop(ObjectKey("sequence", schema, name), None) is None and not if_exists:
            raise b.error(f"unknown sequence {name!r}")


@handles("DROP DATABASE", "DROP SCHEMA")
def drop_database(stmt: RawStatement, b: Builder) -> None:
    return None  # the dump's own database is recreated by its loader; objects stay as read


@handles("CREATE DATABASE", "CREATE SCHEMA", "ALTER DATABASE", "ALTER SCHEMA")
def create_database(stmt: RawStatement, b: Builder) -> None:
    m = re.match(
        rf"(?:CREATE|ALTER)\s+(?:DATABASE|SCHEMA)\s+(?:IF\s+NOT\s+EXISTS\s+)?({_IDENT})?\s*(.*)$",
        stmt.text,
        re.I | re.S,
    )
    if m is None:
        return
    db = _name(m.group(1)) if m.group(1) else (b.current or "")
    rest = m.group(2)
    cs = re.search(r"(?:CHARACTER\s+SET|CHARSET)\s*=?\s*([\w]+)", rest, re.I)
    coll = re.search(r"COLLATE\s*=?\s*([\w]+)", rest, re.I)
    if cs or coll:
        b.db_charsets[db] = charset_pair(b, cs.group(1) if cs else None, coll.group(1) if coll else None, "")


@handles("DROP INDEX")
def drop_index(stmt: RawStatement, b: Builder) -> None:
    m = re.match(
        rf"DROP\s+INDEX\s+(?:IF\s+EXISTS\s+)?({_IDENT})\s+ON\s+{QNAME}(?:\s+(?:ALGORITHM|LOCK)\s*=?\s*\w+)*\s*$",
        stmt.text,
        re.I | re.S,
    )
    if m is None:
        raise b.error("cannot read this DROP INDEX")
    name = _name(m.group(1))
    schema, table = b.qname(m, 2)
    t = b.table(schema, table)
    assert t is not None
    if t.indexes.pop(name.lower(), None) is None and "EXISTS" not in stmt.text[:30].upper():
        raise b.error(f"unknown key {name!r} on `{table}`")


@handles("CREATE INDEX")
def create_index(stmt: RawStatement, b: Builder) -> None:
    try:
        ix = parse_index(stmt.text)
    except GrammarError as e:
        b.unsupported("CREATE INDEX", "", f"this CREATE INDEX ({e.message})", pos=stmt.pos(b.path, e.offset))
        return
    schema = b.schema_of(ix.table.schema)
    t = b.table(schema, ix.table.name)
    assert t is not None
    if ix.or_replace:
        t.indexes.pop(ix.name.lower(), None)
    parts = [
        IndexPart(column=p.column, length=p.length, descending=p.order == "DESC")
        if p.column is not None
        else IndexPart(expr=nz.expr_text(p.expr or ""), descending=p.order == "DESC")
        for p in ix.parts
    ]
    kind = {"UNIQUE": "UNIQUE", "FULLTEXT": "FULLTEXT", "SPATIAL": "SPATIAL", "VECTOR": "VECTOR"}.get(
        ix.kind or "", "INDEX"
    )
    kd = KeyDef(
        kind,
        None,
        name=ix.name,
        parts=parts,
        method=ix.using,
        comment=ix.comment,
        if_not_exists=ix.if_not_exists,
    )
    if ix.visible is False or ix.ignored:
        kd.invisible = True
    if ix.key_block_size is not None:
        kd.options["KEY_BLOCK_SIZE"] = str(ix.key_block_size)
    if ix.parser is not None:
        kd.options["WITH PARSER"] = ix.parser.lower()
    for k, v in ix.options:
        if k not in ("WAIT", "NOWAIT"):
            kd.options[k] = v.lower()
    add_key(b, t, kd)
    settle_keys(t, b)


# ---- views --------------------------------------------------------------------------------------

_USER = r"(?:`(?:[^`]++|``)*+`|'(?:[^'\\]++|\\.)*+'|\"(?:[^\"\\]++|\\.)*+\"|[\w.$%-]+)"
_DEFINER = rf"DEFINER\s*=\s*(?:CURRENT_USER(?:\s*\(\s*\))?|{_USER}(?:\s*@\s*{_USER})?)"
_VIEW = re.compile(
    rf"(CREATE|ALTER)\s+(OR\s+REPLACE\s+)?(?:ALGORITHM\s*=\s*(\w+)\s+)?(?:({_DEFINER})\s+)?"
    rf"(?:SQL\s+SECURITY\s+(\w+)\s+)?VIEW\s+(IF\s+NOT\s+EXISTS\s+)?{QNAME}\s*",
    re.I | re.S,
)
_CHECK_OPTION = re.compile(r"\s+WITH\s+(?:(CASCADED|LOCAL)\s+)?CHECK\s+OPTION\s*$", re.I)


@handles("CREATE VIEW", "ALTER VIEW")
def create_view(stmt: RawStatement, b: Builder) -> None:
    text = stmt.text
    m = _VIEW.match(text)
    if m is None:
        b.unsupported("CREATE VIEW", "", "this CREATE VIEW form")
        return
    schema, name = b.qname(m, 7)
    pos = m.end()
    columns: tuple[str, ...] = ()
    if pos < len(text) and text[pos] == "(":
        close = matching_paren(text, pos)
        columns = tuple(_names(text[pos + 1 : close]))
        pos = close + 1
    am = re.compile(r"\s*AS(?![\w$])\s*", re.I).match(text, pos)
    if am is None:
        raise b.error("CREATE VIEW needs AS <query>", pos)
    query = text[am.end() :]
    check_option = None
    co = _CHECK_OPTION.search(query)
    if co:
        check_option = (co.group(1) or "CASCADED").upper()
        query = query[: co.start()]
    key = ObjectKey("view", schema, name)
    alter = m.group(1).upper() == "ALTER"
    if key in b.objects and not (m.group(2) or alter):
        if m.group(6):
            return
        raise b.error(f"view {name!r} already exists")
    if (schema, name) in b.tables:
        raise b.error(f"table {name!r} already exists")
    algorithm = (m.group(3) or "UNDEFINED").upper()
    security = (m.group(5) or "DEFINER").upper()
    owner = None
    if m.group(4):  # kept aside unless compared (Builder.finish)
        from ddlcompare.dialects.mysql.handlers_routines import definer_text

        owner = definer_text(m.group(4).split("=", 1)[1])
    home = b.home if b.home is not None else b.current
    # the server stores `CREATE VIEW v (a, b) AS SELECT x, y` as `SELECT x AS a, y AS b`
    q = nz.view_query(query, home, b.columns_of, columns)
    deps = _view_deps(b, query, schema)
    opt = (
        ViewOptions(algorithm=algorithm, security=security)
        if (algorithm, security) != ("UNDEFINED", "DEFINER")
        else None
    )
    view = View(
        schema=schema,
        name=name,
        query=q,
        check_option=check_option,
        owner=owner,
        options=with_options(opt),
        depends_on=dependencies(deps),
        pos=b.pos,
    )
    b.view_columns[(schema, name)] = columns or _output_columns(query)
    b.objects[key] = view


def _output_columns(query: str) -> tuple[str, ...]:
    try:
        tree = nz.parse_sql(query)
    except (ParseError, TokenError):
        return ()
    if isinstance(tree, exp.Select):
        return tuple(p.alias_or_name for p in tree.expressions)
    return ()


def _view_deps(b: Builder, query: str, schema: str) -> set[ObjectKey]:
    out: set[ObjectKey] = set()
    for m in re.finditer(rf"(?<![\w$.])({_IDENT})(?:\s*\.\s*({_IDENT}))?", _strip_literals(query)):
        s, n = (
            (b.schema_of(unquote(m.group(1))), unquote(m.group(2)))
            if m.group(2)
            else (schema, unquote(m.group(1)))
        )
        if (s, n) in b.tables:
            out.add(ObjectKey("table", s, n))
        elif ObjectKey("view", s, n) in b.objects:
            out.add(ObjectKey("view", s, n))
    return out


# ---- sequences ----------------------------------------------------------------------------------

_SEQ = re.compile(
    rf"(CREATE|ALTER)\s+(OR\s+REPLACE\s+)?(?:TEMPORARY\s+)?SEQUENCE\s+(IF\s+(?:NOT\s+)?EXISTS\s+)?{QNAME}\s*",
    re.I | re.S,
)
_SEQ_OPT = re.compile(
    r"\s*,?\s*(?:(START)\s+(?:WITH\s*|=\s*)?|(MINVALUE|MAXVALUE)\s*=?\s*|(NO\s*MINVALUE|NOMINVALUE|NO\s*MAXVALUE|NOMAXVALUE)"
    r"|(INCREMENT)\s+(?:BY\s*|=\s*)?|(CACHE)\s*=?\s*|(NOCACHE)|(CYCLE|NOCYCLE|NO\s+CYCLE)|(AS)\s+|(ENGINE)\s*=?\s*"
    r"|(RESTART)(?:\s+(?:WITH\s*|=\s*))?|(COMMENT)\s*=?\s*)",
    re.I,
)
_BIG = 9223372036854775807


@handles("CREATE SEQUENCE", "ALTER SEQUENCE")
def create_sequence(stmt: RawStatement, b: Builder) -> None:
    text = stmt.text
    m = _SEQ.match(text)
    if m is None:
        b.unsupported("CREATE SEQUENCE", "", "this SEQUENCE statement")
        return
    schema, name = b.qname(m, 4)
    key = ObjectKey("sequence", schema, name)
    alter = m.group(1).upper() == "ALTER"
    vals: dict[str, object] = {}
    pos = m.end()
    num = re.compile(r"\s*(-?\s*\d+)")
    while pos < len(text) and text[pos:].strip():
        o = _SEQ_OPT.match(text, pos)
        if o is None:
            raise b.error(f"unexpected {text[pos : pos + 20].strip()!r} in SEQUENCE", pos)
        pos = o.end()
        g = o.groups()
        if g[0] or g[1] or g[3] or g[4] or g[9]:
            word = (g[0] or g[1] or g[3] or g[4] or g[9]).upper()
            n = num.match(text, pos)
            if n is None:
                if word == "RESTART":
                    continue
                raise b.error(f"{word} needs a number", pos)
            pos = n.end()
            digits = "".join(n.group(1).split())  # the sign may stand apart, even a line before
            # MariaDB's sequence values are signed 64-bit: its parser refuses a longer literal
            # (and Python's int() refuses 4,300 digits and more)
            if len(digits.lstrip("-").lstrip("0")) > 19 or abs(int(digits)) > _BIG:
                raise b.error(
                    f"{word} {digits[:30]}{'...' if len(digits) > 30 else ''} is out of range "
                    "(sequence values are 64-bit)",
                    n.start(1),
                )
            vals[
                {
                    "START": "start",
                    "MINVALUE": "min_value",
                    "MAXVALUE": "max_value",
                    "INCREMENT": "increment",
                    "CACHE": "cache",
                    "RESTART": "restart",
                }[word]
            ] = int(digits)
        elif g[2]:
            vals["min_value" if "MIN" in g[2].upper() else "max_value"] = None
        elif g[5]:
            vals["cache"] = 0
        elif g[6]:
            vals["cycle"] = g[6].upper() == "CYCLE"
        elif g[7]:
            t = re.compile(r"\s*(\w+(?:\s+unsigned)?)", re.I).match(text, pos)
            if t is None:
                raise b.error("AS needs a type", pos)
            vals["data_type"] = " ".join(t.group(1).lower().split())
            pos = t.end()
        elif g[8]:
            w = re.compile(r"\s*(\w+)").match(text, pos)
            if w is None:
                raise b.error("ENGINE needs a name", pos)
            pos = w.end()
        elif g[10]:
            lit = re.compile(rf"\s*({_LIT})").match(text, pos)
            if lit is None:
                raise b.error("COMMENT needs a string", pos)
            vals["comment"] = decode_string(lit.group(1))
            pos = lit.end()
    vals.pop("restart", None)
    if alter:
        prev = b.objects.get(key)
        if not isinstance(prev, Sequence):
            raise b.error(f"unknown sequence {name!r}")
        changes = {k: v for k, v in vals.items() if v is not None}
        b.objects[key] = dataclasses.replace(prev, **changes)  # type: ignore[arg-type]
        return
    if key in b.objects and not m.group(2):
        if m.group(3):
            return
        raise b.error(f"sequence {name!r} already exists")
    # MariaDB defaults (CREATE SEQUENCE, MariaDB KB): ascending 1..2^63-2, cache 1000
    inc = int(vals.get("increment", 1) or 1)  # type: ignore[call-overload]
    asc = inc > 0
    min_v = vals.get("min_value")
    max_v = vals.get("max_value")
    min_value = int(min_v) if min_v is not None else (1 if asc else -_BIG)  # type: ignore[call-overload]
    max_value = int(max_v) if max_v is not None else (_BIG - 1 if asc else -1)  # type: ignore[call-overload]
    start = int(vals.get("start", min_value if asc else max_value))  # type: ignore[call-overload]
    seq = Sequence(
        schema=schema,
        name=name,
        data_type=str(vals.get("data_type", "bigint")),
        start=start,
        increment=inc,
        min_value=min_value,
        max_value=max_value,
        cache=int(vals.get("cache", 1000)),  # type: ignore[call-overload]
        cycle=bool(vals.get("cycle", False)),
        comment=vals.get("comment") or None,  # type: ignore[arg-type]
        pos=b.pos,
    )
    b.objects[key] = seq


from ddlcompare.dialects.mysql import handlers_routines  # noqa: E402,F401  (registers those handlers)
