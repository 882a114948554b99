"""Views, materialized views, functions, procedures, aggregates, triggers, policies and rules."""

from __future__ import annotations

import copy
import re
from typing import Any

from ddlcompare.dialects.postgres.handlers.tables import (
    expr_deps,
    reloptions,
    role_name,
    routine_keys,
)
from ddlcompare.dialects.postgres.names import ident, literal, qualified, truncate
from ddlcompare.dialects.postgres.objects import (
    AccessMethod,
    Aggregate,
    ConstraintTrigger,
    MaterializedView,
    Policy,
    Referencing,
    StorageParams,
    ViewOptions,
)
from ddlcompare.dialects.postgres.parse import Builder, Node, const_value, handles, strings
from ddlcompare.dialects.postgres.types import type_name
from ddlcompare.errors import DdlError
from ddlcompare.model.base import Expr, ObjectKey, Option, dependencies, with_options
from ddlcompare.model.objects import Argument, Procedure, Routine, Table, Trigger, View

_CHECK_OPTION = {"LOCAL_CHECK_OPTION": "LOCAL", "CASCADED_CHECK_OPTION": "CASCADED"}


def _query(b: Builder, node: Node) -> Expr:
    from ddlcompare.dialects.postgres import expr as pgexpr

    return Expr(pgexpr.canonical_query(node, b.scope()), pgexpr.sql(node, b.scope()))


def named_columns(b: Builder, query: Node, names: list[str]) -> tuple[Node, tuple[str, ...]]:
    """(query, column list) of `CREATE VIEW v (a, b) AS query` as the server keeps them: the list's
    names become the aliases of the query's first outputs (pg_get_viewdef prints `t.id AS a`, and
    a live database has no list), so the parsed file meets the live catalog. A `*` among them is
    expanded first, as the server expands it when it creates the view. The list stays when the
    names cannot move into the query (VALUES, an unknown `*`, more names than outputs)."""
    from ddlcompare.dialects.postgres import expr as pgexpr

    if not names:
        return query, ()
    sel = query.get("SelectStmt")
    while sel is not None and sel.get("op") not in (None, "SETOP_NONE") and sel.get("larg"):
        sel = sel["larg"].get("SelectStmt", sel["larg"])
    if sel is None or not sel.get("targetList"):
        return query, tuple(names)
    targets: list[Node] = []
    starred = False
    for t in sel["targetList"]:
        val = t["ResTarget"].get("val", {})
        if "ColumnRef" in val and "A_Star" in val["ColumnRef"]["fields"][-1]:
            expanded = _expand_star(b, sel, strings(val["ColumnRef"]["fields"][:-1]))
            if expanded is None:
                return query, tuple(names)
            targets += expanded
            starred = True
        else:
            targets.append(t)
    if len(names) > len(targets):
        return query, tuple(names)
    if starred:
        # parse trees are shared by statements of the same text (parse.py's cache): change a copy
        query = copy.deepcopy(query)
        sel = query["SelectStmt"]
        while sel.get("op") not in (None, "SETOP_NONE") and sel.get("larg"):
            sel = sel["larg"].get("SelectStmt", sel["larg"])
        sel["targetList"] = targets
    return pgexpr.rename_targets(query, names), ()


def _expand_star(b: Builder, sel: Node, qualifier: list[str]) -> list[Node] | None:
    """The targets `t.c` a `*` (or `q.*`) of a SELECT stands for, None when its columns are unknown."""
    items = _star_items(b, sel, qualifier)
    if items is None:
        return None
    return [
        {"ResTarget": {"val": {"ColumnRef": {"fields": [{"String": {"sval": n}} for n in (rel, col)]}}}}
        for rel, cols in items
        for col in cols
    ]


def output_columns(b: Builder, query: Node) -> list[str] | None:
    """Output column names of a SELECT, as PostgreSQL derives them (None when a `*` is unknown)."""
    sel = query.get("SelectStmt", query)
    while sel.get("op") not in (None, "SETOP_NONE") and sel.get("larg"):
        sel = sel["larg"]["SelectStmt"] if "SelectStmt" in sel["larg"] else sel["larg"]
    out: list[str] = []
    for t in sel.get("targetList", ()):
        rt = t["ResTarget"]
        if rt.get("name"):
            out.append(rt["name"])
            continue
        val = rt.get("val", {})
        if "ColumnRef" in val:
            fields = val["ColumnRef"]["fields"]
            if "A_Star" in fields[-1]:
                star = _star_columns(b, sel, strings(fields[:-1]))
                if star is None:
                    return None
                out += star
                continue
            out.append(fields[-1]["String"]["sval"])
        elif "FuncCall" in val:
            out.append(strings(val["FuncCall"]["funcname"])[-1])
        elif "TypeCast" in val and "ColumnRef" in val["TypeCast"].get("arg", {}):
            out.append(
                val["TypeCast"]["arg"]["ColumnRef"]["fields"][-1].get("String", {}).get("sval", "?column?")
            )
        else:
            out.append("?column?")
    return out


def _star_columns(b: Builder, sel: Node, qualifier: list[str]) -> list[str] | None:
    """Columns a `*` (or `t.*`) of a SELECT expands to, from its FROM items (None when unknown)."""
    items = _star_items(b, sel, qualifier)
    return None if items is None else [c for _, cols in items for c in cols]


def _star_items(b: Builder, sel: Node, qualifier: list[str]) -> list[tuple[str, list[str]]] | None:
    """The FROM items (relation name, its columns) a `*` (or `t.*`) of a SELECT covers; None when
    one's columns are unknown, or when `t` names no item or more than one."""
    items: list[tuple[str, list[str]]] = []
    for item in sel.get("fromClause", ()):
        found = _from_item_columns(b, item)
        if found is None:
            return None
        items += found
    if qualifier:
        items = [(n, cols) for n, cols in items if n == qualifier[-1]]
        if len(items) != 1:
            return None
    return items


def _from_item_columns(b: Builder, item: Node) -> list[tuple[str, list[str]]] | None:
    """(name the item goes by, its columns) for each relation of a FROM item."""
    if "JoinExpr" in item:
        j = item["JoinExpr"]
        if j.get("usingClause") or j.get("isNatural") or j.get("alias"):
            return None  # merged or renamed columns
        left, right = _from_item_columns(b, j["larg"]), _from_item_columns(b, j["rarg"])
        return None if left is None or right is None else left + right
    rv = item.get("RangeVar")
    if rv is None:
        return None
    schema, name = b.rangevar(rv)
    rel = b.relation(schema, name, missing_ok=True)
    cols: list[str] | None = None
    if isinstance(rel, Table):
        cols = [c.name for c in rel.columns]
    elif isinstance(rel, View):
        cols = b.view_outputs.get((schema, name))
    if cols is None:
        return None
    alias = rv.get("alias") or {}
    renamed = strings(alias.get("colnames"))
    cols = renamed + cols[len(renamed) :]
    return [(alias.get("aliasname") or name, cols)]


@handles("ViewStmt")
def create_view(n: Node, b: Builder) -> None:
    rv = n["view"]
    schema, name = b.rangevar(rv)
    if not rv.get("schemaname"):
        schema = b.default_schema
    name = truncate(name)
    if rv.get("relpersistence") == "t":
        b.warn(f"temporary view {name} ignored (not part of a schema)")
        return
    params = []
    check = _CHECK_OPTION.get(n.get("withCheckOption", ""))
    for p in reloptions(n.get("options")):
        k, _, v = p.partition("=")
        if k == "check_option":
            check = v.upper()
        else:
            params.append(p)
    query, columns = named_columns(b, n["query"], strings(n.get("aliases")))
    if n.get("options") and any(i["DefElem"]["defname"] == "recursive" for i in n["options"]):
        params = [p for p in params if not p.startswith("recursive=")]
    view = View(
        schema=schema,
        name=name,
        query=_query(b, query),
        columns=columns,
        check_option=check,
        options=with_options(ViewOptions(params=tuple(params)) if params else None),
        pos=b.pos,
        depends_on=dependencies(expr_deps(b, query)),
    )
    b.put(view, replace_ok=bool(n.get("replace")))
    outputs = list(view.columns) or output_columns(b, query)
    if outputs is not None:
        b.view_outputs[(schema, name)] = outputs


@handles("CreateTableAsStmt")
def create_table_as(n: Node, b: Builder) -> None:
    into = n["into"]
    schema, name = b.rangevar(into["rel"])
    if not into["rel"].get("schemaname"):
        schema = b.default_schema
    if n.get("objtype") != "OBJECT_MATVIEW":
        b.unsupported(
            "CreateTableAsStmt", f"{schema}.{name}", "CREATE TABLE ... AS (column types are unknown offline)"
        )
        return
    if n.get("if_not_exists") and (schema, name) in b.relations:
        return
    params = reloptions(into.get("options"))
    query, columns = named_columns(b, n["query"], strings(into.get("colNames")))
    method = into.get("accessMethod") or b.table_am
    mv = MaterializedView(
        schema=schema,
        name=truncate(name),
        query=_query(b, query),
        columns=columns,
        with_data=not into.get("skipData"),
        options=with_options(
            StorageParams(params=params) if params else None,
            AccessMethod(method=method) if method != "heap" else None,
        ),
        pos=b.pos,
        depends_on=dependencies(expr_deps(b, query)),
    )
    b.put(mv)
    outputs = list(mv.columns) or output_columns(b, query)
    if outputs is not None:
        b.view_outputs[(schema, mv.name)] = outputs


@handles("RefreshMatViewStmt")
def refresh_matview(n: Node, b: Builder) -> None:
    schema, name = b.rangevar(n["relation"])
    mv = b.relation(schema, name)
    if isinstance(mv, MaterializedView) and not n.get("skipData"):
        b.update(mv, with_data=True)


# ---- functions and procedures -----------------------------------------------------------------

_MODES = {
    "FUNC_PARAM_IN": "IN",
    "FUNC_PARAM_OUT": "OUT",
    "FUNC_PARAM_INOUT": "INOUT",
    "FUNC_PARAM_VARIADIC": "VARIADIC",
    "FUNC_PARAM_TABLE": "TABLE",
    "FUNC_PARAM_DEFAULT": "IN",
}


def signature(name: str, args: tuple[Argument, ...]) -> str:
    """`name(type, ...)` of the input arguments: a routine's identity in PostgreSQL."""
    return f"{name}({', '.join(a.type for a in args if a.mode in ('IN', 'INOUT', 'VARIADIC'))})"


def routine_args(b: Builder, params: list[Node] | None) -> tuple[Argument, ...]:
    out = []
    for p in params or ():
        fp = p["FunctionParameter"]
        mode = _MODES.get(fp.get("mode", "FUNC_PARAM_IN"), "IN")
        default = b.expr(fp["defexpr"]) if fp.get("defexpr") else None
        out.append(
            Argument(
                type=type_name(fp["argType"], b.type_schema),
                name=fp.get("name", ""),
                mode=mode,
                default=default,
            )
        )
    return tuple(out)


def _type_keys(b: Builder, texts: list[str]) -> set[ObjectKey]:
    out = set()
    for t in texts:
        base = t.removeprefix("SETOF ").split("(")[0].removesuffix("[]")
        if "." in base:
            schema, _, name = base.partition(".")
            for kind in ("enum", "domain", "composite_type", "range_type", "table", "view"):
                k = ObjectKey(kind, schema.strip('"'), name.strip('"'))
                if k in b.objects:
                    out.add(k)
    return out


@handles("CreateFunctionStmt")
def create_function(n: Node, b: Builder) -> None:
    parts = strings(n["funcname"])
    schema, base = (parts[-2], parts[-1]) if len(parts) > 1 else (b.default_schema, parts[0])
    args = routine_args(b, n.get("parameters"))
    opts: dict[str, Any] = {}
    for item in n.get("options", ()):
        d = item["DefElem"]
        opts.setdefault(d["defname"], []).append(d.get("arg"))
    language = str(const_value(opts["language"][0])).lower() if "language" in opts else "sql"
    body = body_sql = ""
    uses: set[ObjectKey] = set()
    if "as" in opts:
        vals = const_value(opts["as"][0])
        body = (
            ", ".join(literal(v) for v in vals)
            if isinstance(vals, list) and len(vals) > 1
            else (vals[0] if isinstance(vals, list) else str(vals))
        )
    elif n.get("sql_body"):
        body, body_sql = _sql_body(b, n["sql_body"])
        # the server records what a SQL-standard body uses (functions, tables, sequences): they
        # cannot be dropped before it, and it is rebuilt around them
        uses = expr_deps(b, n["sql_body"])
    table_cols = [a for a in args if a.mode == "TABLE"]
    returns = None
    if table_cols:
        returns = "TABLE(" + ", ".join(f"{ident(a.name)} {a.type}" for a in table_cols) + ")"
    elif n.get("returnType"):
        returns = type_name(n["returnType"], b.type_schema)
    elif not n.get("is_procedure"):
        outs = [a for a in args if a.mode in ("OUT", "INOUT")]
        if len(outs) == 1:
            returns = outs[0].type
        elif outs:
            returns = "record"
    attrs = _attributes(b, opts, language, returns)
    cls = Procedure if n.get("is_procedure") else Routine
    name = signature(base, args)
    obj = cls(
        schema=schema,
        name=name,
        base_name=base,
        arguments=args,
        returns=returns,
        language=language,
        body=body,
        body_sql=body_sql,
        attributes=attrs,
        pos=b.pos,
        depends_on=dependencies(
            _type_keys(b, [a.type for a in args] + ([returns] if returns else [])) | uses
        ),
    )
    b.put(obj, replace_ok=bool(n.get("replace")))
    b.add_routine(schema, base, obj.key)


# what PostgreSQL accepts in a BEGIN ATOMIC body besides RETURN
_BODY_STATEMENTS = frozenset(("SelectStmt", "InsertStmt", "UpdateStmt", "DeleteStmt", "MergeStmt"))


def _sql_body(b: Builder, node: Node) -> tuple[str, str]:
    """SQL-standard body (RETURN expr / BEGIN ATOMIC ... END): (canonical, renderable) text."""
    from ddlcompare.dialects.postgres import expr as pgexpr

    items = node.get("List", {}).get("items", [node]) if isinstance(node, dict) else node
    flat: list[Node] = []
    atomic = False
    for it in items:
        if "List" in it:
            atomic = True
            flat.extend(it["List"].get("items", ()))
        else:
            flat.append(it)
    canon, text = [], []
    for s in flat:
        if "ReturnStmt" in s:
            value = s["ReturnStmt"]["returnval"]
            canon.append("RETURN " + pgexpr.canonical(value, b.scope()))
            text.append("RETURN " + pgexpr.sql(value, b.scope()))
        else:
            tag = next(iter(s), "")
            if tag not in _BODY_STATEMENTS:  # the server's error
                word = tag.removesuffix("Stmt").upper()
                raise b.error(f"{word} is not yet supported in unquoted SQL function body")
            canon.append(pgexpr.canonical_query(s, b.scope()))
            text.append(pgexpr.sql(s, b.scope()))
    if atomic or len(flat) != 1 or "ReturnStmt" not in flat[0]:
        rendered = "BEGIN ATOMIC\n    " + ";\n    ".join(text) + ";\nEND"
        return "BEGIN ATOMIC " + "; ".join(canon) + "; END", rendered
    return canon[0], text[0]


def _attributes(
    b: Builder, opts: dict[str, Any], language: str, returns: str | None
) -> tuple[tuple[str, str], ...]:
    """Routine attributes that differ from PostgreSQL's defaults, as sorted (name, value)."""
    out: dict[str, str] = {}

    def first(k: str) -> Any:
        return const_value(opts[k][-1]) if k in opts else None

    vol = first("volatility")
    if vol and vol.lower() != "volatile":
        out["volatility"] = vol.upper()
    if first("strict"):
        out["strict"] = "STRICT"
    if first("security"):
        out["security"] = "DEFINER"
    if first("leakproof"):
        out["leakproof"] = "LEAKPROOF"
    if first("window"):
        out["window"] = "WINDOW"
    par = first("parallel")
    if par and par.lower() != "unsafe":
        out["parallel"] = par.upper()
    default_cost = 1.0 if language in ("c", "internal") else 100.0
    cost = first("cost")
    if cost is not None and _float(cost) != default_cost:
        out["cost"] = _num(cost)
    rows = first("rows")
    sets = bool(returns and (returns.startswith("SETOF ") or returns.startswith("TABLE(")))
    if rows is not None and sets and _float(rows) != 1000.0:
        out["rows"] = _num(rows)
    if "support" in opts:
        v = opts["support"][-1]
        parts = const_value(v) if not isinstance(v, list) else [const_value(x) for x in v]
        out["support"] = ".".join(parts) if isinstance(parts, list) else str(parts)
    for setting in opts.get("set", ()):
        vs = setting["VariableSetStmt"]
        vals = [const_value(a) for a in vs.get("args", ())]
        if vs.get("kind") == "VAR_SET_VALUE":
            text = ", ".join(_setting_value(v) for v in vals)
        else:
            text = "FROM CURRENT" if vs.get("kind") == "VAR_SET_CURRENT" else "DEFAULT"
        # the server stores a setting under its own spelling of the name (GUCArrayAdd)
        out[f"set {_GUC_NAMES.get(vs['name'].lower(), vs['name'])}"] = text
    return tuple(sorted(out.items()))


# the settings whose names are not all lower case (pg_settings)
_GUC_NAMES = {n.lower(): n for n in ("DateStyle", "IntervalStyle", "TimeZone")}


def _setting_value(v: Any) -> str:
    """A SET value as written back: bare when it reads as a plain name or number, else quoted
    (30s, 'Europe/Paris', '$user')."""
    if isinstance(v, str):
        return v if re.fullmatch(r"[a-z_][a-z0-9_]*", v) else literal(v)
    return str(v)


def _num(v: Any) -> str:
    f = _float(v)
    return str(int(f)) if f.is_integer() else repr(f)


def _float(v: Any) -> float:
    """A numeric option as the parser gives it: decimal, or (PostgreSQL 16+) 0x/0o/0b and `_`."""
    text = str(v).replace("_", "")
    try:
        return float(text)
    except ValueError:
        try:
            return float(int(text, 0))
        except OverflowError:  # a hex literal beyond what a float holds: the server refuses it too
            raise DdlError(f"value {text[:20]}... is out of range for type double precision") from None


@handles("DefineStmt")
def define(n: Node, b: Builder) -> None:
    from ddlcompare.dialects.postgres.handlers.meta import definition

    if n.get("kind") == "OBJECT_AGGREGATE":
        _aggregate(n, b)
    else:
        definition(n, b)


def _aggregate(n: Node, b: Builder) -> None:
    parts = strings(n["defnames"])
    schema, base = (parts[-2], parts[-1]) if len(parts) > 1 else (b.default_schema, parts[0])
    args = n.get("args") or []
    arg_types: list[str] = []
    if args and args[0] and "List" in args[0]:
        for fp in args[0]["List"].get("items", ()):
            p = fp["FunctionParameter"]
            variadic = "VARIADIC " if p.get("mode") == "FUNC_PARAM_VARIADIC" else ""
            arg_types.append(variadic + type_name(p["argType"], b.type_schema))
    elif n.get("oldstyle"):
        for item in n.get("definition", ()):
            d = item["DefElem"]
            if d["defname"].lower() == "basetype":
                t = d["arg"]
                arg_types.append(type_name(t.get("TypeName", t), b.type_schema))
    # the number of direct arguments of an ordered-set aggregate (the JSON leaves out a zero)
    ordered = args[1]["Integer"].get("ival", 0) if len(args) > 1 and args[1] and "Integer" in args[1] else -1
    arglist = ", ".join(arg_types) or "*"
    if isinstance(ordered, int) and ordered >= 0:
        direct, agg = arg_types[:ordered], arg_types[ordered:]
        if not agg and direct and direct[-1].startswith("VARIADIC "):
            # (VARIADIC t ORDER BY VARIADIC t): the parser keeps the VARIADIC argument once
            agg = direct[-1:]
        arglist = f"{', '.join(direct)} ORDER BY {', '.join(agg)}".strip()
    definition: list[tuple[str, str]] = []
    for item in n.get("definition", ()):
        d = item["DefElem"]
        key = d["defname"].lower()
        if key == "basetype":
            continue
        arg = d.get("arg")
        if arg is not None and "TypeName" in arg:
            value = type_name(arg["TypeName"], b.type_schema)
        elif arg is not None and "List" in arg:
            value = ".".join(str(x) for x in const_value(arg))
        else:
            value = str(const_value(arg)) if arg is not None else "true"
        if key in ("parallel", "finalfunc_modify", "mfinalfunc_modify"):
            # keywords, not names; a default the server does not keep is left out, like pg_dump does
            value = value.rsplit(".", 1)[-1].lower()
            ordered_set = isinstance(ordered, int) and ordered >= 0
            if value == ("unsafe" if key == "parallel" else "read_write" if ordered_set else "read_only"):
                continue
        elif key in (
            "sfunc",
            "finalfunc",
            "combinefunc",
            "serialfunc",
            "deserialfunc",
            "msfunc",
            "minvfunc",
            "mfinalfunc",
        ):
            if arg is not None and "TypeName" in arg:  # a bare name parses as a type: unqualified
                value = ".".join(strings(arg["TypeName"]["names"]))
            value = ".".join(b.scope().function(value.split(".")))
        definition.append((key, value))
    name = f"{base}({arglist})"
    b.put(
        Aggregate(
            schema=schema,
            name=name,
            base_name=base,
            arguments=arglist,
            definition=tuple(sorted(definition)),
            pos=b.pos,
        ),
        replace_ok=bool(n.get("replace")),
    )


# ---- triggers, policies, rules ----------------------------------------------------------------

_EVENTS = ((4, "INSERT"), (8, "DELETE"), (16, "UPDATE"), (32, "TRUNCATE"))


@handles("CreateTrigStmt")
def create_trigger(n: Node, b: Builder) -> None:
    schema, table = b.rangevar(n["relation"])
    rel = b.relation(schema, table)
    assert rel is not None
    timing = {2: "BEFORE", 64: "INSTEAD OF"}.get(n.get("timing", 0), "AFTER")
    events = tuple(sorted(name for bit, name in _EVENTS if n.get("events", 0) & bit))
    fn = b.scope().function(strings(n["funcname"]))
    fn_text = ".".join(ident(p) for p in fn)
    args = ", ".join(literal(a) for a in strings(n.get("args")))
    options: list[Option] = []
    if n.get("isconstraint"):
        ref = None
        if n.get("constrrel"):
            ref = qualified(*b.rangevar(n["constrrel"]))
        options.append(
            ConstraintTrigger(
                deferrable=bool(n.get("deferrable")),
                initially_deferred=bool(n.get("initdeferred")),
                ref_table=ref,
            )
        )
    trans = n.get("transitionRels")
    if trans:
        old = new = None
        for t in trans:
            tt = t["TriggerTransition"]
            if tt.get("isNew"):
                new = tt["name"]
            else:
                old = tt["name"]
        options.append(Referencing(old_table=old, new_table=new))
    when = n.get("whenClause")
    deps = {rel.key} | routine_keys(b, fn)
    if when:
        deps |= expr_deps(b, when)
    trig = Trigger(
        schema=schema,
        table=table,
        name=truncate(n["trigname"]),
        timing=timing,
        events=events,
        columns=tuple(strings(n.get("columns"))),
        for_each_row=bool(n.get("row")),
        when=b.expr(when) if when else None,
        action=f"EXECUTE FUNCTION {fn_text}({args})",
        options=with_options(*options),
        pos=b.pos,
        depends_on=dependencies(deps),
    )
    b.put(trig, replace_ok=bool(n.get("replace")))


@handles("CreatePolicyStmt")
def create_policy(n: Node, b: Builder) -> None:
    schema, table = b.rangevar(n["table"])
    rel = b.relation(schema, table)
    assert rel is not None
    qual, check = n.get("qual"), n.get("with_check")
    deps = {rel.key}
    for e in (qual, check):
        if e:
            deps |= expr_deps(b, e)
    b.put(
        Policy(
            schema=schema,
            table=table,
            name=truncate(n["policy_name"]),
            command=(n.get("cmd_name") or "all").upper(),
            permissive=bool(n.get("permissive")),
            roles=tuple(sorted({role_name(r) for r in n.get("roles", ())} or {"public"})),
            using=b.expr(qual) if qual else None,
            with_check=b.expr(check) if check else None,
            pos=b.pos,
            depends_on=dependencies(deps),
        )
    )


@handles("AlterPolicyStmt")
def alter_policy(n: Node, b: Builder) -> None:
    schema, table = b.rangevar(n["table"])
    p = b.objects.get(ObjectKey("policy", schema, n["policy_name"], table))
    if not isinstance(p, Policy):
        raise b.error(f'policy "{n["policy_name"]}" for table "{table}" does not exist')
    changes: dict[str, Any] = {}
    if n.get("roles"):
        changes["roles"] = tuple(sorted({role_name(r) for r in n["roles"]}))
    if n.get("qual"):
        changes["using"] = b.expr(n["qual"])
    if n.get("with_check"):
        changes["with_check"] = b.expr(n["with_check"])
    b.update(p, **changes)
