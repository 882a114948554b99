"""Expressions of the PostgreSQL corpus files, keyed by the object that holds them.

Used by test_expr.py: the round-trip check (every expression and view query prints back to the same
parse tree) and the live oracle (the file's expression against the server's rendering of the same
object). Nothing here is copied from the corpus: it is read from ../shared/corpus at test time.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pglast import split
from pglast.parser import ParseError, parse_sql_json

Node = dict[str, Any]

CORPUS = Path(__file__).resolve().parents[3].parent / "shared" / "corpus"
IGNORED_KEYS = frozenset(
    {"location", "rexpr_list_start", "rexpr_list_end", "list_start", "list_end", "stmt_location", "stmt_len"}
)


@dataclass
class Expr:
    """One expression (or view query) of a schema file and the object it belongs to."""

    category: str  # default, check, generated, index_expr, index_where, view, matview, policy_using, ...
    key: tuple[str, ...]  # identifies the object: (schema, table, column) / (schema, table, constraint) / ...
    node: Node
    search_path: tuple[str, ...]
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class FileInfo:
    """A corpus SQL file with its load status on PostgreSQL 15."""

    ident: str
    path: Path
    loads: bool | None  # None: not a schema side (expected.sql and friends)
    error: str = ""


def pg_files() -> Iterator[FileInfo]:
    """Every PostgreSQL SQL file of the corpus, with meta.json's loads_pg15 for schema sides."""
    for meta_path in sorted(CORPUS.glob("pairs/*/*/meta.json")):
        meta = json.loads(meta_path.read_text())
        if meta.get("dialect") != "postgres":
            continue
        loads = meta.get("loads_pg15") or {}
        for sql_path in sorted(meta_path.parent.glob("*.sql")):
            side = sql_path.stem
            ok = loads.get(side) if side in ("old", "new") else None
            yield FileInfo(f"{meta['id']}/{sql_path.name}", sql_path, ok, loads.get("error") or "")
    for meta_path in sorted(CORPUS.glob("schemas/*.json")):
        meta = json.loads(meta_path.read_text())
        if meta.get("dialect") != "postgres":
            continue
        loads = meta.get("loads_pg15") or {}
        yield FileInfo(
            meta["id"], meta_path.with_suffix(".sql"), loads.get("schema"), loads.get("error") or ""
        )


def strip(node: Any) -> Any:
    """A parse tree without location fields."""
    if isinstance(node, dict):
        return {k: strip(v) for k, v in node.items() if k not in IGNORED_KEYS}
    if isinstance(node, list):
        return [strip(v) for v in node]
    return node


def parse(text: str) -> list[Node]:
    """Statements of a SQL text (the `stmt` of each RawStmt)."""
    return [s["stmt"] for s in json.loads(parse_sql_json(text)).get("stmts", []) if "stmt" in s]


def parse_lenient(text: str) -> list[Node]:
    """Statements of a SQL text, skipping the ones PostgreSQL 18's grammar rejects (Greenplum
    syntax, psql meta-commands) instead of failing the whole file."""
    try:
        return parse(text)
    except ParseError:
        pass
    text = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("\\"))
    out: list[Node] = []
    try:
        pieces = split(text, with_parser=False)
    except ParseError:
        return out
    for piece in pieces:
        try:
            out.extend(parse(piece))
        except ParseError:
            continue
    return out


def _strs(nodes: Any) -> list[str]:
    return [n["String"]["sval"] for n in nodes or () if "String" in n]


def _rel(rv: Node, search_path: tuple[str, ...]) -> tuple[str, str]:
    schema = rv.get("schemaname") or (search_path[0] if search_path else "public")
    return schema, rv["relname"]


def _search_path_of(stmt: Node, current: tuple[str, ...]) -> tuple[str, ...]:
    """SET search_path = ... and pg_dump's SELECT pg_catalog.set_config('search_path', '', false)."""
    vs = stmt.get("VariableSetStmt")
    if vs is not None and vs.get("name") == "search_path":
        if vs.get("kind") == "VAR_RESET" or vs.get("kind") == "VAR_SET_DEFAULT":
            return ("public",)
        vals: list[str] = []
        for a in vs.get("args", ()):
            const = a.get("A_Const", {})
            if "sval" in const:
                vals.extend(p.strip().strip('"') for p in const["sval"].get("sval", "").split(","))
        return tuple(v for v in vals if v and v != "pg_catalog" and v != "$user")
    sel = stmt.get("SelectStmt")
    if sel is not None:
        for t in sel.get("targetList", ()):
            fc = t["ResTarget"].get("val", {}).get("FuncCall")
            if fc and _strs(fc["funcname"])[-1:] == ["set_config"]:
                args = fc.get("args", ())
                if len(args) >= 2 and args[0].get("A_Const", {}).get("sval", {}).get("sval") == "search_path":
                    val = args[1].get("A_Const", {}).get("sval", {}).get("sval", "")
                    return tuple(
                        p.strip().strip('"') for p in val.split(",") if p.strip() not in ("", "pg_catalog")
                    )
    return current


def extract(
    text: str,
) -> tuple[list[Expr], dict[tuple[str, str], list[str]], set[tuple[str, str]], set[tuple[str, str]]]:
    """Expressions of a schema text, plus table columns, function and type names it defines."""
    out: list[Expr] = []
    tables: dict[tuple[str, str], list[str]] = {}
    functions: set[tuple[str, str]] = set()
    types: set[tuple[str, str]] = set()
    sp: tuple[str, ...] = ("public",)
    for stmt in parse_lenient(text):
        sp = _search_path_of(stmt, sp)
        for tag, body in stmt.items():
            _extract_stmt(tag, body, sp, out, tables, functions, types)
    return out, tables, functions, types


def _qualify(parts: list[str], sp: tuple[str, ...]) -> tuple[str, str]:
    if len(parts) >= 2:
        return parts[-2], parts[-1]
    return (sp[0] if sp else "public"), parts[0]


def _column(table: tuple[str, str], cd: Node, sp: tuple[str, ...], out: list[Expr]) -> None:
    start = len(out)
    for con in cd.get("constraints", ()):
        _constraint(table, con["Constraint"], sp, out, column=cd["colname"])
    if "raw_default" in cd:
        out.append(Expr("default", (*table, cd["colname"]), cd["raw_default"], sp))
    for x in out[start:]:
        if x.category == "default" and "typeName" in cd:
            x.extra["type"] = cd["typeName"]


def _constraint(
    table: tuple[str, str], con: Node, sp: tuple[str, ...], out: list[Expr], column: str | None
) -> None:
    kind = con["contype"]
    if kind == "CONSTR_DEFAULT" and column is not None:
        out.append(Expr("default", (*table, column), con["raw_expr"], sp))
    elif kind == "CONSTR_CHECK":
        name = con.get("conname") or ""
        out.append(Expr("check", (*table, name), con["raw_expr"], sp, {"column": column}))
    elif kind == "CONSTR_GENERATED" and column is not None:
        out.append(Expr("generated", (*table, column), con["raw_expr"], sp))
    elif kind == "CONSTR_EXCLUSION":
        name = con.get("conname") or ""
        for i, pair in enumerate(con.get("exclusions", ())):
            elem = pair["List"]["items"][0]["IndexElem"]
            if "expr" in elem:
                out.append(Expr("exclude_expr", (*table, name, str(i)), elem["expr"], sp))
        if "where_clause" in con:
            out.append(Expr("exclude_where", (*table, name), con["where_clause"], sp))


def _extract_stmt(
    tag: str,
    b: Node,
    sp: tuple[str, ...],
    out: list[Expr],
    tables: dict[tuple[str, str], list[str]],
    functions: set[tuple[str, str]],
    types: set[tuple[str, str]],
) -> None:
    if tag == "CreateStmt":
        table = _rel(b["relation"], sp)
        cols = tables.setdefault(table, [])
        for elt in b.get("tableElts", ()):
            if "ColumnDef" in elt:
                cols.append(elt["ColumnDef"]["colname"])
                _column(table, elt["ColumnDef"], sp, out)
            elif "Constraint" in elt:
                _constraint(table, elt["Constraint"], sp, out, None)
    elif tag == "AlterTableStmt" and b.get("objtype") in ("OBJECT_TABLE", None, "OBJECT_FOREIGN_TABLE"):
        table = _rel(b["relation"], sp)
        for cmd_node in b.get("cmds", ()):
            cmd = cmd_node["AlterTableCmd"]
            sub = cmd.get("subtype")
            d = cmd.get("def")
            if sub == "AT_ColumnDefault" and d is not None:
                out.append(Expr("default", (*table, cmd["name"]), d, sp))
            elif sub == "AT_AddConstraint" and d is not None:
                _constraint(table, d["Constraint"], sp, out, None)
            elif sub == "AT_AddColumn" and d is not None:
                tables.setdefault(table, []).append(d["ColumnDef"]["colname"])
                _column(table, d["ColumnDef"], sp, out)
            elif sub == "AT_DropColumn" and table in tables and cmd.get("name") in tables[table]:
                tables[table].remove(cmd["name"])
    elif tag == "IndexStmt":
        table = _rel(b["relation"], sp)
        name = b.get("idxname") or ""
        for i, p in enumerate(b.get("indexParams", ())):
            elem = p["IndexElem"]
            if "expr" in elem:
                out.append(Expr("index_expr", (*table, name, str(i)), elem["expr"], sp))
        if "whereClause" in b:
            out.append(Expr("index_where", (*table, name), b["whereClause"], sp))
    elif tag == "ViewStmt":
        view = _rel(b["view"], sp)
        tables[view] = _strs(b.get("aliases")) or []
        out.append(Expr("view", view, b["query"], sp, {"aliases": _strs(b.get("aliases"))}))
    elif tag == "CreateTableAsStmt" and b.get("objtype") == "OBJECT_MATVIEW":
        into = b["into"]
        view = _rel(into["rel"], sp)
        tables[view] = _strs(into.get("colNames")) or []
        out.append(Expr("matview", view, b["query"], sp, {"aliases": _strs(into.get("colNames"))}))
    elif tag == "CreatePolicyStmt":
        table = _rel(b["table"], sp)
        if "qual" in b:
            out.append(Expr("policy_using", (*table, b["policy_name"]), b["qual"], sp))
        if "with_check" in b:
            out.append(Expr("policy_check", (*table, b["policy_name"]), b["with_check"], sp))
    elif tag == "CreateTrigStmt" and "whenClause" in b:
        table = _rel(b["relation"], sp)
        out.append(Expr("trigger_when", (*table, b["trigname"]), b["whenClause"], sp))
    elif tag == "CreateDomainStmt":
        dom = _qualify(_strs(b["domainname"]), sp)
        types.add(dom)
        for con in b.get("constraints", ()):
            c = con["Constraint"]
            if c["contype"] == "CONSTR_CHECK":
                out.append(Expr("domain_check", (*dom, c.get("conname") or ""), c["raw_expr"], sp))
            elif c["contype"] == "CONSTR_DEFAULT":
                out.append(Expr("domain_default", dom, c["raw_expr"], sp))
    elif tag == "AlterDomainStmt":
        dom = _qualify(_strs(b["typeName"]), sp)
        d = b.get("def")
        if b.get("subtype") == "C" and d is not None and d["Constraint"]["contype"] == "CONSTR_CHECK":
            c = d["Constraint"]
            out.append(Expr("domain_check", (*dom, c.get("conname") or ""), c["raw_expr"], sp))
        elif b.get("subtype") == "T" and d is not None:
            out.append(Expr("domain_default", dom, d, sp))
    elif tag == "CreateFunctionStmt":
        functions.add(_qualify(_strs(b["funcname"]), sp))
        for p in b.get("parameters", ()):
            fp = p["FunctionParameter"]
            if "defexpr" in fp:
                out.append(
                    Expr(
                        "param_default",
                        (*_qualify(_strs(b["funcname"]), sp), fp.get("name", "")),
                        fp["defexpr"],
                        sp,
                    )
                )
    elif tag in ("CreateEnumStmt", "CompositeTypeStmt", "CreateRangeStmt"):
        names = _strs(b.get("typeName") or (b.get("typevar", {}) and []))
        if tag == "CompositeTypeStmt":
            types.add(_rel(b["typevar"], sp))
        elif names:
            types.add(_qualify(names, sp))
    elif tag == "RuleStmt" and "whereClause" in b:
        out.append(Expr("rule_where", (*_rel(b["relation"], sp), b["rulename"]), b["whereClause"], sp))


# --------------------------------------------------------------------------------------------------
# the live oracle: load a file into a scratch database and read back the server's expressions

PSQL_ENV = {"PGHOST": "127.0.0.1", "PGPORT": "5432", "PGUSER": "postgres"}
ROLE_MISSING = re.compile(r'role "([^"]+)" does not exist')


def role_only_failure(info: FileInfo) -> bool:
    """A side that loads, or fails only because roles are missing (the loader creates them)."""
    if info.loads:
        return True
    if info.loads is None or not info.error:
        return False
    parts = [p for p in info.error.split("; ") if info.path.name.split(".")[0] in p or ":" not in p]
    return bool(parts) and all(ROLE_MISSING.search(p) for p in parts)


def psql(db: str, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run psql on a database with ON_ERROR_STOP."""
    env = {**os.environ, **PSQL_ENV}
    return subprocess.run(
        ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", db, *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def load(db: str, files: list[Path], roles: set[str], max_roles: int = 20) -> str | None:
    """(Re)create `db` and load the files into it, creating missing roles (NOLOGIN); error or None."""
    for _ in range(max_roles + 1):
        psql("postgres", "-c", f'DROP DATABASE IF EXISTS "{db}"')
        res = psql("postgres", "-c", f'CREATE DATABASE "{db}"')
        if res.returncode:
            return res.stderr
        err = None
        for f in files:
            res = psql(db, "-f", str(f))
            if res.returncode:
                err = res.stderr
                break
        if err is None:
            return None
        m = ROLE_MISSING.search(err)
        if not m:
            return err
        role = m.group(1)
        res = psql("postgres", "-c", f'CREATE ROLE "{role}" NOLOGIN')
        if res.returncode and "already exists" not in res.stderr:
            return res.stderr
        roles.add(role)
    return "too many missing roles"


def drop(db: str) -> None:
    """Drop a scratch database (waiting for a connection slot when the server is busy)."""
    with connect("postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


SERVER_QUERIES = {
    "default": """
        SELECT n.nspname, c.relname, a.attname, pg_get_expr(d.adbin, d.adrelid), a.attgenerated::text
        FROM pg_attrdef d JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
        JOIN pg_class c ON c.oid = d.adrelid JOIN pg_namespace n ON n.oid = c.relnamespace""",
    "check": """
        SELECT n.nspname, c.relname, con.conname, pg_get_constraintdef(con.oid), con.contype::text
        FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace WHERE con.contype IN ('c', 'x')""",
    "domain_check": """
        SELECT n.nspname, t.typname, con.conname, pg_get_constraintdef(con.oid), ''
        FROM pg_constraint con JOIN pg_type t ON t.oid = con.contypid
        JOIN pg_namespace n ON n.oid = t.typnamespace WHERE con.contype = 'c'""",
    "domain_default": """
        SELECT n.nspname, t.typname, '', pg_get_expr(t.typdefaultbin, 0), ''
        FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.typdefaultbin IS NOT NULL""",
    "index": """
        SELECT n.nspname, c.relname, i.relname, pg_get_indexdef(x.indexrelid), ''
        FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')""",
    "view": """
        SELECT n.nspname, c.relname, c.relkind::text, pg_get_viewdef(c.oid),
               (SELECT string_agg(quote_ident(attname), ',' ORDER BY attnum) FROM pg_attribute
                WHERE attrelid = c.oid AND attnum > 0 AND NOT attisdropped)
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('v', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema')""",
    "policy": "SELECT schemaname::text, tablename::text, policyname::text, qual, with_check FROM pg_policies",
    "trigger": """
        SELECT n.nspname, c.relname, t.tgname, pg_get_triggerdef(t.oid), ''
        FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE NOT t.tgisinternal""",
    "rule": """
        SELECT schemaname::text, tablename::text, rulename::text, definition, '' FROM pg_rules
        WHERE schemaname NOT IN ('pg_catalog', 'information_schema')""",
    "columns": """
        SELECT n.nspname, c.relname, string_agg(a.attname, ',' ORDER BY a.attnum), '', ''
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
        WHERE c.relkind IN ('r', 'v', 'm', 'p', 'f') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
        GROUP BY 1, 2""",
}


def _expr_of(text: str) -> Node:
    return parse("SELECT " + text)[0]["SelectStmt"]["targetList"][0]["ResTarget"]["val"]  # type: ignore[no-any-return]


def _constraint_expr(definition: str) -> Node:
    stmt = parse(f"ALTER TABLE x ADD CONSTRAINT c {definition}")[0]
    return stmt["AlterTableStmt"]["cmds"][0]["AlterTableCmd"]["def"]["Constraint"]  # type: ignore[no-any-return]


ServerExprs = tuple[dict[tuple[Any, ...], Expr], dict[tuple[str, str], list[str]]]


def server_exprs(db: str) -> ServerExprs:
    """The server's own rendering of every expression of a database (see read_server)."""
    with connect(db, autocommit=True) as conn:
        return read_server(conn)


def connect(db: str, autocommit: bool = False, attempts: int = 30) -> Any:
    """A psycopg connection to the local server, waiting while it has too many clients."""
    import time

    import psycopg

    for attempt in range(attempts):
        try:
            return psycopg.connect(host="127.0.0.1", user="postgres", dbname=db, autocommit=autocommit)
        except psycopg.OperationalError as e:
            if "too many clients" not in str(e) or attempt == attempts - 1:
                raise
            time.sleep(1 + attempt % 5)
    raise AssertionError("unreachable")


def load_in_transaction(conn: Any, texts: list[str], roles: set[str], max_roles: int = 20) -> str | None:
    """Run schema texts in a transaction left open for read_server(); missing roles are created
    (NOLOGIN, committed) and the load retried. Error text, or None with the transaction open."""
    import psycopg

    for _ in range(max_roles + 1):
        try:
            for text in texts:
                conn.execute(text)
            return None
        except psycopg.Error as e:
            conn.rollback()
            msg = str(e)
            m = ROLE_MISSING.search(msg)
            if not m:
                return msg
            role = m.group(1)
            with connect("postgres", autocommit=True) as admin:
                try:
                    admin.execute(f'CREATE ROLE "{role}" NOLOGIN')  # type: ignore[arg-type,unused-ignore]
                    roles.add(role)
                except (psycopg.errors.DuplicateObject, psycopg.errors.UniqueViolation):
                    pass  # created meanwhile (by another load running at the same time)
    return "too many missing roles"


def read_server(conn: Any) -> ServerExprs:
    """The server's own rendering of every expression, keyed like extract()'s, with search_path ''."""
    out: dict[tuple[Any, ...], Expr] = {}
    tables: dict[tuple[str, str], list[str]] = {}
    sp: tuple[str, ...] = ()
    conn.execute("SET search_path = ''")
    rows = {k: conn.execute(q).fetchall() for k, q in SERVER_QUERIES.items()}
    for schema, name, cols, _, _ in rows["columns"]:
        tables[(schema, name)] = cols.split(",")
    for schema, table, col, text, generated in rows["default"]:
        cat = "generated" if generated else "default"
        out[(cat, schema, table, col)] = Expr(cat, (schema, table, col), _expr_of(text), sp)
    for schema, table, name, text, kind in rows["check"]:
        con = _constraint_expr(text)
        if kind == "c":
            out[("check", schema, table, name)] = Expr("check", (schema, table, name), con["raw_expr"], sp)
        else:
            for i, pair in enumerate(con.get("exclusions", ())):
                elem = pair["List"]["items"][0]["IndexElem"]
                if "expr" in elem:
                    ekey = (schema, table, name, str(i))
                    out[("exclude_expr", *ekey)] = Expr("exclude_expr", ekey, elem["expr"], sp)
            if "where_clause" in con:
                key = (schema, table, name)
                out[("exclude_where", *key)] = Expr("exclude_where", key, con["where_clause"], sp)
    for schema, dom, name, text, _ in rows["domain_check"]:
        dkey = (schema, dom, name)
        out[("domain_check", *dkey)] = Expr("domain_check", dkey, _constraint_expr(text)["raw_expr"], sp)
    for schema, dom, _, text, _ in rows["domain_default"]:
        out[("domain_default", schema, dom)] = Expr("domain_default", (schema, dom), _expr_of(text), sp)
    for schema, table, name, text, _ in rows["index"]:
        idx = parse(text)[0]["IndexStmt"]
        for i, p in enumerate(idx.get("indexParams", ())):
            if "expr" in p["IndexElem"]:
                ikey = (schema, table, name, str(i))
                out[("index_expr", *ikey)] = Expr("index_expr", ikey, p["IndexElem"]["expr"], sp)
        if "whereClause" in idx:
            out[("index_where", schema, table, name)] = Expr(
                "index_where", (schema, table, name), idx["whereClause"], sp
            )
    for schema, name, kind, text, cols in rows["view"]:
        cat = "view" if kind == "v" else "matview"
        node = parse(text)[0]
        out[(cat, schema, name)] = Expr(cat, (schema, name), node, sp, {"columns": cols})
    for schema, table, name, qual, check in rows["policy"]:
        if qual:
            out[("policy_using", schema, table, name)] = Expr(
                "policy_using", (schema, table, name), _expr_of(qual), sp
            )
        if check:
            out[("policy_check", schema, table, name)] = Expr(
                "policy_check", (schema, table, name), _expr_of(check), sp
            )
    for schema, table, name, text, _ in rows["trigger"]:
        trig = parse(text)[0]["CreateTrigStmt"]
        if "whenClause" in trig:
            out[("trigger_when", schema, table, name)] = Expr(
                "trigger_when", (schema, table, name), trig["whenClause"], sp
            )
    for schema, table, name, text, _ in rows["rule"]:
        rule = parse(text)[0]["RuleStmt"]
        if "whereClause" in rule:
            out[("rule_where", schema, table, name)] = Expr(
                "rule_where", (schema, table, name), rule["whereClause"], sp
            )
    return out, tables
