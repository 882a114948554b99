"""MySQL/MariaDB: sqlglot nodes -> canonical values (types, defaults, expressions, view queries).

The server reprints what it stores (SHOW CREATE TABLE, SHOW CREATE VIEW, information_schema): a
hand-written `DEFAULT '0'` comes back as `DEFAULT 0`, `now()` as `current_timestamp()`, a view's
`select a from t` as ``select `t`.`a` AS `a` from `t` ``. Every value is canonicalised here so that
both spellings meet: expressions by a sqlglot round trip without redundant parentheses, identifier
case or quoting, literals by the column's type.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from typing import Any

import sqlglot
from sqlglot import exp
from sqlglot.dialects.mysql import MySQL
from sqlglot.errors import ParseError, TokenError
from sqlglot.tokens import TokenType  # type: ignore[attr-defined]

from ddlcompare.dialects.mysql.types import FLOAT_TYPES, INTEGER_TYPES, NUMERIC_TYPES, TEMPORAL_TYPES
from ddlcompare.errors import TOO_DEEP, DdlError
from ddlcompare.model.base import Expr


class MyDialect(MySQL):
    """sqlglot's MySQL dialect with the type aliases it gets wrong or lacks (MySQL 8.0 manual, 13.1).

    sqlglot reads INT8 as TINYINT, REAL as FLOAT and LONG as BIGINT; MySQL reads them as BIGINT,
    DOUBLE (unless REAL_AS_FLOAT) and MEDIUMTEXT. MIDDLEINT, INT3, NATIONAL ... and LONG VARCHAR are
    missing.
    """

    class Tokenizer(MySQL.Tokenizer):
        KEYWORDS = {
            **MySQL.Tokenizer.KEYWORDS,
            "INT8": TokenType.BIGINT,
            "INT3": TokenType.MEDIUMINT,
            "MIDDLEINT": TokenType.MEDIUMINT,
            "REAL": TokenType.DOUBLE,
            "LONG": TokenType.MEDIUMTEXT,
            "LONG VARCHAR": TokenType.MEDIUMTEXT,
            "LONG VARBINARY": TokenType.MEDIUMBLOB,
            "NATIONAL VARCHAR": TokenType.NVARCHAR,
            "NATIONAL CHAR": TokenType.NCHAR,
            "NATIONAL CHARACTER": TokenType.NCHAR,
            "INET4": TokenType.IPV4,
            "INET6": TokenType.IPV6,
        }


def parse_sql(sql: str) -> exp.Expression:
    """One statement through sqlglot (MySQL dialect); ParseError/TokenError propagate.

    On some malformed input sqlglot fails with other exceptions (`DATE_ADD()` builds a node with a
    missing argument and raises TypeError): those are input it cannot read as well, so they come
    out as a ParseError too, and every caller treats them like its own parse errors. Running out of
    stack is left alone (the crash contract reports it as input nested too deeply).
    """
    if _too_deep(sql):
        raise DdlError(TOO_DEEP)
    try:
        tree: Any = sqlglot.parse_one(sql, read=MyDialect)
    except (ParseError, TokenError, RecursionError, MemoryError):
        raise
    except Exception as err:
        raise ParseError(f"sqlglot cannot read this ({type(err).__name__}: {err})") from err
    return tree  # type: ignore[no-any-return]


# sqlglot's compiled parser follows nested FROM parentheses without Python's recursion check and
# overflows the C stack (a segfault) past about 16,000 levels; expressions stop at 1,000 already
_NESTING_LIMIT = 1000
_PARENS = re.compile(r"""'(?:[^'\\]++|\\.|'')*+'|"(?:[^"\\]++|\\.|"")*+"|`(?:[^`]++|``)*+`|[()]""")


def _too_deep(sql: str) -> bool:
    """Whether `sql` nests parentheses (outside strings and quoted names) past the limit."""
    if sql.count("(") <= _NESTING_LIMIT:
        return False
    depth = 0
    for m in _PARENS.finditer(sql):
        token = m.group(0)
        if token == "(":
            depth += 1
            if depth > _NESTING_LIMIT:
                return True
        elif token == ")":
            depth -= 1
    return False


def ident(name: str) -> str:
    """A backquoted identifier."""
    return "`" + name.replace("`", "``") + "`"


def quote_string(value: str) -> str:
    """A single-quoted SQL string literal (quotes doubled, backslashes escaped)."""
    return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'"


# ---- expressions --------------------------------------------------------------------------

_NESTING = (exp.Binary, exp.Not, exp.Neg, exp.BitwiseNot, exp.Between, exp.In)
_NOW = (exp.CurrentTimestamp, exp.Localtimestamp, exp.Localtime)
_NOW_NAMES = frozenset(("now", "localtime", "localtimestamp", "current_timestamp"))


def _now_precision(node: exp.Expression) -> int | None:
    """Fractional-second precision of a CURRENT_TIMESTAMP synonym, None when `node` is not one."""
    arg: exp.Expression | None = None
    if isinstance(node, _NOW):
        arg = node.this if isinstance(node.this, exp.Expression) else None
    elif isinstance(node, exp.Anonymous) and str(node.this).lower() in _NOW_NAMES:
        arg = node.expressions[0] if node.expressions else None
    else:
        return None
    if isinstance(arg, exp.Literal) and not arg.is_string:
        return int(str(arg.this))
    return 0


def now_text(precision: int) -> str:
    """The server's spelling: current_timestamp() / current_timestamp(3)."""
    return f"current_timestamp({precision})" if precision else "current_timestamp()"


def _canon_node(node: exp.Expression, *, lower_columns: bool = True) -> exp.Expression:
    node = node.copy()
    if isinstance(node, exp.Paren):
        node = node.this
    for paren in list(node.find_all(exp.Paren)):
        paren.replace(paren.this)

    def fix(n: exp.Expression) -> exp.Expression:
        if isinstance(n, exp.Introducer):
            return n.expression  # type: ignore[no-any-return]  # _utf8mb4'x' is 'x'
        if isinstance(n, exp.Boolean):
            return exp.Literal.number(1 if n.this else 0)
        prec = _now_precision(n)
        if prec is not None:
            return exp.Anonymous(
                this="CURRENT_TIMESTAMP", expressions=[exp.Literal.number(prec)] if prec else []
            )
        if isinstance(n, exp.Identifier):
            name = n.this.lower() if lower_columns and isinstance(n.parent, exp.Column) else n.this
            return exp.Identifier(this=name, quoted=False)
        if isinstance(n, exp.Anonymous):
            name = str(n.this).upper()
            # MariaDB prints LENGTH() as octet_length() (the same function)
            n.set("this", "LENGTH" if name == "OCTET_LENGTH" else name)
        return n

    node = node.transform(fix, copy=False)
    # Parentheses are structure: put them back around every nested operator, so `(a+b)*c` and
    # `a+b*c` stay apart while `(a > 0)` and `a > 0` meet.
    _wrap_nested(node)
    return node


def _wrap_nested(n: exp.Expression) -> None:
    """Post-order: every operator inside another operator gets its own parentheses."""
    for child in list(n.iter_expressions()):
        _wrap_nested(child)
    if isinstance(n, _NESTING) and isinstance(n.parent, _NESTING):
        paren = exp.Paren()
        n.replace(paren)
        paren.set("this", n)


def canonical(node: exp.Expression) -> str:
    """Canonical text of an expression node (identifiers unquoted, columns lower case)."""
    try:
        return _canon_node(node).sql(dialect=MyDialect)
    except Exception:
        return node.sql(dialect=MyDialect)


def expr_of(node: exp.Expression) -> Expr:
    """Canonical + renderable form of an expression node."""
    inner = node.this if isinstance(node, exp.Paren) else node
    return Expr(canonical(inner), inner.sql(dialect=MyDialect))


_EXPR_CACHE: dict[str, Expr] = {}


def expr_text(text: str) -> Expr:
    """Canonical form of an expression given as text (partition expressions, grammar output)."""
    got = _EXPR_CACHE.get(text)
    if got is None:
        try:
            nodes = parse_sql(f"SELECT {text}").expressions if text.strip() else []
            if len(nodes) != 1:
                raise ParseError("not one expression")
            got = expr_of(nodes[0])
        except (ParseError, TokenError):
            squeezed = " ".join(text.split())
            got = Expr(squeezed.replace("`", "").lower(), squeezed)
        _EXPR_CACHE[text] = got
    return got


# ---- defaults -----------------------------------------------------------------------------

_DATE = re.compile(r"^(\d{4})-?(\d{1,2})-?(\d{1,2})")
_TIME = re.compile(r"(\d{1,3}):(\d{1,2})(?::(\d{1,2}))?(?:\.(\d+))?$")


def _literal_value(node: exp.Expression) -> tuple[str, bool] | None:
    """(value, is_string) of a literal default, None when it is an expression. A hexadecimal or
    bit literal is its number here (see `_bytes_literal` for its value as a string)."""
    if isinstance(node, exp.Introducer):
        node = node.expression
    if isinstance(node, exp.Cast) and isinstance(node.this, exp.Literal) and node.this.is_string:
        node = node.this  # DATE '2024-01-01', TIME '12:00:00': typed literals are their string
    else:
        # TIMESTAMP '...' (sqlglot reads it as a function of one argument; MySQL as a literal)
        if isinstance(node, exp.Timestamp):
            arg = node.this
        elif isinstance(node, exp.Anonymous) and str(node.this).upper() == "TIMESTAMP":
            arg = node.expressions[0] if len(node.expressions) == 1 else None
        else:
            arg = None
        if isinstance(arg, exp.Literal) and arg.is_string:
            node = arg
    if isinstance(node, exp.National):
        return str(node.this), True
    if isinstance(node, exp.Literal):
        return str(node.this), bool(node.is_string)
    if isinstance(node, exp.Neg) and isinstance(node.this, exp.Literal) and not node.this.is_string:
        return "-" + str(node.this.this), False
    if isinstance(node, exp.Boolean):
        return ("1" if node.this else "0"), False
    if isinstance(node, exp.BitString):
        return str(int(str(node.this) or "0", 2)), False
    if isinstance(node, exp.HexString):
        return str(int(str(node.this) or "0", 16)), False
    return None


def _number(value: str) -> Decimal | None:
    """A numeric literal's value; None for what is not one (MySQL reads no `inf` or `nan`)."""
    try:
        num = Decimal(value.strip() or "0")
    except InvalidOperation:
        return None
    return num if num.is_finite() else None


_DOUBLE_MAX = Decimal("1.7976931348623157e308")


def _check_range(base: str, args: str, num: Decimal, value: str) -> None:
    """Refuse a numeric default the column cannot hold, as the server does (errors 1067 and 1367),
    before it is turned into a number thousands of digits long."""
    if base in FLOAT_TYPES:
        ok = abs(num) <= _DOUBLE_MAX
    elif base == "decimal":
        m = re.fullmatch(r"\s*(\d+)\s*(?:,\s*(\d+)\s*)?", args)
        whole = int(m.group(1)) - int(m.group(2) or 0) if m else 65
        ok = num.is_zero() or num.adjusted() < max(whole, 0)
    else:  # integers, YEAR, BIT: 64 bits at most
        ok = num.is_zero() or num.adjusted() < 20
    if not ok:
        shown = value if len(value) <= 30 else value[:30] + "..."
        kind = f"{base}({args})" if args else base
        raise DdlError(f"invalid default value {shown} for a column of type {kind}")


def _plain(d: Decimal) -> str:
    text = format(d.normalize(), "f")
    return "0" if text in ("-0", "") else text


def _temporal(base: str, fsp: int, value: str) -> str:
    """'2020-01-01' for datetime -> '2020-01-01 00:00:00' (and fractional digits to the column's fsp)."""
    v = value.strip()
    if base == "time":
        m = _TIME.match(v)
        if not m:
            return v
        h, mi, s, frac = m.group(1), m.group(2), m.group(3) or "0", m.group(4) or ""
        out = f"{int(h):02d}:{int(mi):02d}:{int(s):02d}"
        return out + ("." + frac.ljust(fsp, "0")[:fsp] if fsp else "")
    d = _DATE.match(v)
    if not d:
        return v
    date = f"{d.group(1)}-{int(d.group(2)):02d}-{int(d.group(3)):02d}"
    if base == "date":
        return date
    rest = v[d.end() :].lstrip(" T")
    t = _TIME.match(rest) if rest else None
    h, mi, s, frac = (
        (t.group(1), t.group(2), t.group(3) or "0", t.group(4) or "") if t else ("0", "0", "0", "")
    )
    out = f"{date} {int(h):02d}:{int(mi):02d}:{int(s):02d}"
    return out + ("." + frac.ljust(fsp, "0")[:fsp] if fsp else "")


def _bytes_literal(node: exp.Expression) -> str | None:
    """A hexadecimal or bit literal as the string it stands for in a string context (`0x41` is 'A'
    in a CHAR, BINARY or TEXT column, 65 in an INT one): quoted when its bytes are UTF-8 text (the
    server prints the stored string then), else x'..'; None for other nodes."""
    if isinstance(node, exp.Introducer):
        node = node.expression
    if isinstance(node, exp.HexString):
        digits = str(node.this)
        raw = bytes.fromhex(digits if len(digits) % 2 == 0 else "0" + digits)
    elif isinstance(node, exp.BitString):
        bits = str(node.this)
        raw = int(bits or "0", 2).to_bytes((len(bits) + 7) // 8, "big")
    else:
        return None
    try:
        return quote_string(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return f"x'{raw.hex().upper()}'"


def _unwrap(node: exp.Expression) -> exp.Expression:
    """`node` without the parentheses around it: `DEFAULT ((1))` is `DEFAULT (1)`."""
    while isinstance(node, exp.Paren):
        node = node.this
    return node


def default_expr(node: exp.Expression, type_text: str) -> Expr | None:
    """Canonical DEFAULT of a column of canonical type `type_text`; None for DEFAULT NULL.

    A literal or CURRENT_TIMESTAMP written as an expression in parentheses (`DEFAULT (0)`,
    `DEFAULT ('')`, `DEFAULT (now())`) is the literal: MariaDB stores and prints it as one
    (`DEFAULT 0.00` on a DECIMAL(5,2), `DEFAULT current_timestamp()`), and MySQL 8, which keeps
    the parentheses, gives the column the same value. The parentheses stay in the text (MySQL 8
    accepts a literal on a TEXT, BLOB or JSON column only in parentheses).
    """
    outer = node
    node = _unwrap(node)
    if isinstance(node, exp.Null):
        return None
    prec = _now_precision(node)
    if prec is not None:
        return Expr.of(now_text(prec))
    lit = _literal_value(node)
    if lit is None:
        # an expression default (MariaDB 10.2+, MySQL 8.0.13+): the server drops redundant parentheses
        e = expr_of(node)
        return Expr(e.canonical, f"({e.text})")
    got = _literal_default(node, lit, type_text)
    return got if outer is node else Expr(got.canonical, f"({got.canonical})")


def _literal_default(node: exp.Expression, lit: tuple[str, bool], type_text: str) -> Expr:
    """Canonical DEFAULT of a literal `node` whose (value, is_string) is `lit`."""
    value, is_string = lit
    base = type_text.split("(", 1)[0].split(" ", 1)[0]
    args = type_text[len(base) + 1 : type_text.find(")")] if "(" in type_text else ""
    if base not in NUMERIC_TYPES and base not in TEMPORAL_TYPES:
        text = _bytes_literal(node)
        if text is not None:
            return Expr.of(text)
    if base in INTEGER_TYPES or base == "year":
        num = _number(value)
        if num is not None:
            _check_range(base, args, num, value)
            text = str(int(num.to_integral_value(ROUND_HALF_UP)))
            return Expr.of(text)
    elif base == "decimal":
        num = _number(value)
        if num is not None:
            _check_range(base, args, num, value)
            scale = int(args.split(",")[1]) if "," in args else 0
            with localcontext() as ctx:
                ctx.prec = 200  # DECIMAL(65,30) needs more than the default 28 digits
                text = str(num.quantize(Decimal(1).scaleb(-scale), rounding=ROUND_HALF_UP))
            return Expr.of(text)
    elif base in FLOAT_TYPES:
        num = _number(value)
        if num is not None:
            _check_range(base, args, num, value)
            return Expr.of(_plain(num))
    elif base == "bit":
        num = _number(value) if not is_string else None
        if num is not None:
            _check_range(base, args, num, value)
        bits = int(num) if num is not None else int.from_bytes(value.encode("latin-1", "replace"), "big")
        return Expr.of(f"b'{bits:b}'")
    elif base in ("date", "datetime", "timestamp", "time"):
        fsp = int(args) if args.isdigit() else 0
        return Expr.of(quote_string(_temporal(base, fsp, value)))
    return Expr.of(quote_string(value))


def on_update_expr(node: exp.Expression) -> Expr:
    """Canonical ON UPDATE value (only CURRENT_TIMESTAMP synonyms are allowed by the server)."""
    prec = _now_precision(node)
    if prec is not None:
        return Expr.of(now_text(prec))
    return expr_of(node)


# ---- view queries -------------------------------------------------------------------------

ColumnsOf = Callable[[str | None, str], list[str] | None]
_CONDITION_PARENTS = (exp.Where, exp.Having, exp.And, exp.Or, exp.Not, exp.Xor)


def view_query(sql: str, home: str | None, columns_of: ColumnsOf, names: tuple[str, ...] = ()) -> Expr:
    """Canonical form of a view's SELECT, meeting the server's rewrite of it.

    MariaDB and MySQL store views qualified and aliased: `select a from t where flag` is printed as
    ``select `t`.`a` AS `a` from `t` where `t`.`flag` <> 0``, `count(*)` as `count(0)`, joins inside
    parentheses. Both spellings are brought to that form; `home` is the dump's own database, whose
    qualifier the server leaves out.
    """
    text = sql.strip()
    try:
        tree = parse_sql(text)
    except (ParseError, TokenError):
        squeezed = " ".join(text.split())
        return Expr(squeezed.replace("`", "").lower(), text)
    try:
        canon = _canon_view(tree, text, home, columns_of, names)
    except Exception:
        canon = canonical(tree)
    return Expr(canon, text)


def _select_items_text(sql: str) -> list[str]:
    """Source text of the first SELECT's items (what the server names unaliased expressions after)."""
    try:
        tokens = MyDialect().tokenize(sql)
    except TokenError:
        return []
    depth = 0
    items: list[str] = []
    start: int | None = None
    last_end = 0
    started = False
    for tok in tokens:
        tt = tok.token_type
        if not started:
            if tt == TokenType.SELECT:
                started = True
            continue
        if depth == 0 and tt in (
            TokenType.FROM,
            TokenType.WHERE,
            TokenType.GROUP_BY,
            TokenType.ORDER_BY,
            TokenType.LIMIT,
            TokenType.HAVING,
            TokenType.UNION,
            TokenType.INTO,
        ):
            break
        if depth == 0 and tt in (TokenType.DISTINCT, TokenType.ALL) and start is None:
            continue
        if tt == TokenType.L_PAREN:
            depth += 1
        elif tt == TokenType.R_PAREN:
            depth -= 1
        if depth == 0 and tt == TokenType.COMMA:
            if start is not None:
                items.append(sql[start:last_end])
            start = None
            continue
        if start is None:
            start = tok.start
        last_end = tok.end + 1
    if start is not None:
        items.append(sql[start:last_end])
    return items


def _canon_view(
    tree: exp.Expression,
    text: str,
    home: str | None,
    columns_of: ColumnsOf,
    column_names: tuple[str, ...] = (),
) -> str:
    tree = tree.copy()
    # ((a JOIN b ON ...) JOIN c ON ...) in FROM: the server's parentheses around joins
    for select in list(tree.find_all(exp.Select)):
        from_ = select.args.get("from_") or select.args.get("from")
        if from_ is None:
            continue
        base, joins = _flatten_joins(from_.this)
        if joins:
            from_.set("this", base)
            select.set("joins", joins + list(select.args.get("joins") or []))
    for join in tree.find_all(exp.Join):
        # `a, b`, `a CROSS JOIN b` and `a INNER JOIN b` are all stored as `a join b`
        if str(join.args.get("kind") or "").upper() in ("INNER", "CROSS"):
            join.set("kind", None)
    for ordered in tree.find_all(exp.Ordered):
        if not ordered.args.get("desc"):
            ordered.set("desc", None)  # ASC is the default the server prints or not
    # the home database's qualifier
    for table in tree.find_all(exp.Table):
        if table.args.get("db") is not None and home is not None and table.db == home:
            table.set("db", None)
    raw_items = _select_items_text(text)
    top: Any = tree
    while isinstance(top, exp.Union):
        top = top.left  # the server names a UNION's columns after its first SELECT
    for select in list(tree.find_all(exp.Select)):
        _qualify(select, columns_of)
        if (select is not top and not isinstance(select.parent, (exp.Subquery, exp.Union))) or (
            isinstance(select.parent, exp.Subquery)
            and not isinstance(select.parent.parent, (exp.From, exp.Join))
        ):
            # a subquery inside an expression: its output names are never seen
            select.set("expressions", [p.this if isinstance(p, exp.Alias) else p for p in select.expressions])
            continue
        names = raw_items if select is top else []
        new: list[Any] = []
        for i, proj in enumerate(select.expressions):
            if isinstance(proj, exp.Alias):
                new.append(proj)
                continue
            if isinstance(proj, exp.Column) and not isinstance(proj.this, exp.Star):
                alias = proj.name
            elif isinstance(proj, exp.Star) or (
                isinstance(proj, exp.Column) and isinstance(proj.this, exp.Star)
            ):
                new.append(proj)
                continue
            elif i < len(names):
                alias = names[i].strip()
            else:
                alias = proj.sql(dialect=MyDialect)
            new.append(exp.alias_(proj, exp.to_identifier(alias)))
        if select is top and column_names and len(column_names) == len(new):
            new = [
                exp.alias_(p.this if isinstance(p, exp.Alias) else p, exp.to_identifier(n))
                for p, n in zip(new, column_names, strict=True)
            ]
        select.set("expressions", new)
        # ORDER BY an output name is stored as ORDER BY the expression it names
        named = {a.alias.lower(): a.this for a in new if isinstance(a, exp.Alias)}
        order = select.args.get("order")
        if order is not None:
            for o in order.expressions:
                c = o.this
                if isinstance(c, exp.Column) and not c.table and c.name.lower() in named:
                    target = named[c.name.lower()]
                    if not (isinstance(target, exp.Column) and target.name.lower() == c.name.lower()):
                        c.replace(target.copy())
    # count(*) is stored as count(0)
    for star in list(tree.find_all(exp.Star)):
        if isinstance(star.parent, exp.Count):
            star.replace(exp.Literal.number(0))
    # a bare column used as a condition is stored as `col <> 0`
    for col in list(tree.find_all(exp.Column)):
        parent = col.parent
        if isinstance(parent, _CONDITION_PARENTS) or (isinstance(parent, exp.Join) and col.arg_key == "on"):
            col.replace(exp.NEQ(this=col.copy(), expression=exp.Literal.number(0)))
    for table_alias in tree.find_all(exp.TableAlias):
        ident_node = table_alias.this
        if isinstance(ident_node, exp.Identifier):
            ident_node.set("quoted", False)
    out = _canon_node(tree)
    for a in out.find_all(exp.Alias):
        a.set("alias", exp.Identifier(this=a.alias.lower(), quoted=True))
    return out.sql(dialect=MyDialect)


def _flatten_joins(node: exp.Expression) -> tuple[exp.Expression, list[exp.Expression]]:
    """The first table of a parenthesised join nest and its joins, in order."""
    joins = list(node.args.get("joins") or [])
    if joins:
        node.set("joins", None)
    if isinstance(node, exp.Subquery) and not node.alias and isinstance(node.this, (exp.Table, exp.Subquery)):
        base, inner = _flatten_joins(node.this)
        return base, inner + joins
    return node, joins


def _qualify(select: exp.Select, columns_of: ColumnsOf) -> None:
    """Qualify unqualified columns of one SELECT with the source that has them (as the server does)."""
    sources: list[tuple[str, list[str] | None]] = []
    from_ = select.args.get("from_") or select.args.get("from")
    tables: list[exp.Expression] = []
    if from_ is not None:
        tables.append(from_.this)
    tables += [j.this for j in select.args.get("joins") or []]
    for t in tables:
        if isinstance(t, exp.Table):
            cols = columns_of(t.db or None, t.name)
            sources.append((t.alias_or_name, cols))
        elif isinstance(t, exp.Subquery):
            inner = t.this
            cols = [p.alias_or_name for p in inner.expressions] if isinstance(inner, exp.Select) else None
            sources.append((t.alias_or_name, cols))
    if not sources:
        return
    aliases = {p.alias.lower() for p in select.expressions if isinstance(p, exp.Alias)}
    for col in select.find_all(exp.Column):
        if col.table or isinstance(col.this, exp.Star):
            continue
        if col.find_ancestor(exp.Select) is not select:
            continue
        name = col.name.lower()
        owners = [s for s, cols in sources if cols is not None and name in (c.lower() for c in cols)]
        if len(owners) == 1:
            col.set("table", exp.to_identifier(owners[0]))
        elif len(sources) == 1 and sources[0][1] is None and name not in aliases:
            col.set("table", exp.to_identifier(sources[0][0]))
