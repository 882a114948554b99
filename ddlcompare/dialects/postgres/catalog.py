"""Live PostgreSQL: read the catalogs with a fixed set of queries and write pg_dump-style DDL.

The text imitates `pg_dump --schema-only` (PostgreSQL 15) statement for statement, so that the
offline parser reads a live database and a dump file the same way. One query per object kind, all
in one read-only REPEATABLE READ transaction: the number of queries does not grow with the number
of tables. `search_path` is emptied first so that pg_get_expr, pg_get_viewdef, format_type,
regproc output and friends qualify every name outside pg_catalog, exactly as pg_dump sees them.
"""

from __future__ import annotations

import dataclasses
import functools
import heapq
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pglast.keywords import COL_NAME_KEYWORDS, RESERVED_KEYWORDS, TYPE_FUNC_NAME_KEYWORDS

from ddlcompare import dburl
from ddlcompare.dburl import DbUrl
from ddlcompare.errors import DdlError
from ddlcompare.model.base import RelationSize, Unseen

if TYPE_CHECKING:
    from ddlcompare.dialects import LoadOptions
    from ddlcompare.model.base import Schema

Row = dict[str, Any]
NodeId = tuple[str, int]

_QUERY_DIR = Path(__file__).with_name("queries")
# one file per object kind; the order is the order they run in
QUERY_NAMES = (
    "namespaces",
    "extensions",
    "collations",
    "types",
    "functions",
    "relations",
    "columns",
    "constraints",
    "indexes",
    "triggers",
    "rules",
    "policies",
    "statistics",
    "publications",
    "other_objects",
    "default_acls",
    "dependencies",
    "sizes",
)

# pg_dump_sort.c (PG 15) object type priorities: the output is sorted by these, then by name
PRIO_NAMESPACE = 1
PRIO_COLLATION = 3
PRIO_EXTENSION = 4
PRIO_TYPE = 5
PRIO_CAST = 6
PRIO_FUNC = 7
PRIO_AGG = 8
PRIO_ACCESS_METHOD = 9
PRIO_OPERATOR = 10
PRIO_TSPARSER = 12
PRIO_TSTEMPLATE = 13
PRIO_TSDICT = 14
PRIO_TSCONFIG = 15
PRIO_FDW = 16
PRIO_FOREIGN_SERVER = 17
PRIO_TABLE = 18
PRIO_TABLE_ATTACH = 19
PRIO_ATTRDEF = 20
PRIO_CONSTRAINT = 27
PRIO_INDEX = 28
PRIO_INDEX_ATTACH = 29
PRIO_STATSEXT = 30
PRIO_RULE = 31
PRIO_TRIGGER = 32
PRIO_FK_CONSTRAINT = 33
PRIO_POLICY = 34
PRIO_PUBLICATION = 35
PRIO_PUBLICATION_REL = 36
PRIO_PUBLICATION_SCHEMA = 37
PRIO_EVENT_TRIGGER = 39

# fmtId quotes every keyword that is not unreserved
_QUOTED_KEYWORDS = frozenset(RESERVED_KEYWORDS | COL_NAME_KEYWORDS | TYPE_FUNC_NAME_KEYWORDS)
_PLAIN_IDENT = re.compile(r"[a-z_][a-z0-9_]*\Z")

# GUCs flagged GUC_LIST_QUOTE: pg_dump splits their proconfig value and quotes each element
_LIST_GUCS = frozenset(
    (
        "local_preload_libraries",
        "search_path",
        "session_preload_libraries",
        "shared_preload_libraries",
        "temp_tablespaces",
        "unix_socket_directories",
    )
)

_RELKIND_WORD = {
    "r": "TABLE",
    "p": "TABLE",
    "v": "VIEW",
    "m": "MATERIALIZED VIEW",
    "S": "SEQUENCE",
    "f": "FOREIGN TABLE",
}


# pg_dump's preamble (PG 15), so that the text also restores like a dump
_HEADER = """SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;"""


@dataclass(frozen=True, slots=True)
class CatalogDump:
    """What read_catalog returns: pg_dump-style DDL, how many catalog queries ran, server version,
    and what the account could not read (left out of the text)."""

    text: str
    queries: int
    server_version: int
    unseen: tuple[Unseen, ...] = ()
    sizes: Mapping[tuple[str, str], RelationSize] = field(default_factory=dict)


@functools.lru_cache(maxsize=1 << 16)
def qi(name: str) -> str:
    """Quote an identifier as pg_dump's fmtId (and the server's quote_ident) do."""
    if _PLAIN_IDENT.match(name) and name not in _QUOTED_KEYWORDS:
        return name
    return '"' + name.replace('"', '""') + '"'


def ql(value: str) -> str:
    """A string literal as pg_dump writes it (standard_conforming_strings on)."""
    return "'" + value.replace("'", "''") + "'"


def qn(schema: str, name: str) -> str:
    """Schema-qualified, quoted name."""
    return f"{qi(schema)}.{qi(name)}"


def _dollar_quote(body: str) -> str:
    """Dollar-quote a function body, picking a tag absent from it (pg_dump's appendStringLiteralDQ)."""
    tag = "$"
    suffixes = "_XXXXXXX"
    i = 0
    while tag in body:
        tag += suffixes[i % len(suffixes)]
        i += 1
    return f"{tag}${body}{tag}$"


def connect_params(u: DbUrl) -> dict[str, str]:
    """libpq keywords from a parsed URL: only what the URL gives, so that libpq still fills the rest
    from PGPASSWORD, the password file (PGPASSFILE, ~/.pgpass), the service file (PGSERVICE or
    ?service=) and the other PG* variables."""
    import psycopg

    shown = u.redacted
    if u.dialect != "postgres":
        raise DdlError(f"{shown}: not a PostgreSQL URL", hint="use postgresql://user@host:port/db")
    out: dict[str, str] = {}
    if any(h.name for h in u.hosts):
        out["host"] = ",".join(h.name for h in u.hosts)
    if any(h.port for h in u.hosts):
        out["port"] = ",".join(str(h.port or "") for h in u.hosts)
    if u.user:
        out["user"] = u.user
    if u.password is not None:
        out["password"] = u.password
    if u.database:
        out["dbname"] = u.database
    known = {d.keyword.decode() for d in psycopg.pq.Conninfo.get_defaults()}
    for key, value in (*u.params, *u.secret_params):
        if key == "ssl" and value == "true":  # libpq's URI parser takes the JDBC spelling too
            key, value = "sslmode", "require"
        if key not in known:
            raise DdlError(
                f"{shown}: unknown URL parameter {key!r}",
                hint="URL parameters are libpq connection keywords (sslmode, connect_timeout, service, ...)",
            )
        out[key] = value
    return out


def _connect(u: DbUrl) -> Any:
    """A psycopg connection from explicit parameters (the URL string never reaches libpq, whose
    messages may quote it), or a DdlError whose message is scrubbed of the URL's secrets."""
    import psycopg
    from psycopg.conninfo import make_conninfo
    from psycopg.rows import dict_row

    params = connect_params(u)
    try:
        return psycopg.connect(make_conninfo("", **params), autocommit=True, row_factory=dict_row)
    except psycopg.Error as e:
        msg = u.scrub(str(e)).strip().splitlines()
        hint = "check host, port, database name, user and password"
        if "permission denied for database" in str(e):
            hint = f"the account needs CONNECT on the database: {_grant_connect(u)}"
        raise DdlError(
            f"{u.redacted}: cannot connect: {msg[0] if msg else type(e).__name__}", hint=hint
        ) from None
    except Exception as e:  # anything else a driver raises for odd input: still no password in it
        raise DdlError(f"{u.redacted}: cannot connect: {u.scrub(str(e))}") from None


def _load_query(name: str) -> str:
    return (_QUERY_DIR / f"{name}.sql").read_text(encoding="utf-8")


# how long the reader waits for a table lock another session holds before it gives up
LOCK_TIMEOUT = "30s"


def read_catalog(url: str) -> CatalogDump:
    """Read a live database's catalogs with a fixed number of queries and return pg_dump-style DDL."""
    import psycopg

    u = dburl.parse(url)
    conn = _connect(u)
    rows: dict[str, list[Row]] = {}
    current = "setup"
    try:
        with conn:
            version = conn.info.server_version
            if version < 150000:
                raise DdlError(
                    f"{u.redacted}: PostgreSQL {version // 10000} is not supported by the catalog reader",
                    hint="live mode needs PostgreSQL 15 or later; compare a pg_dump --schema-only file",
                )
            conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            # an empty search_path makes every deparsing function qualify names as pg_dump sees them;
            # DateStyle/IntervalStyle/extra_float_digits as pg_dump sets them (setup_connection)
            conn.execute("SET LOCAL search_path = ''")
            conn.execute("SET LOCAL datestyle = 'ISO'")
            conn.execute("SET LOCAL intervalstyle = 'postgres'")
            conn.execute("SET LOCAL extra_float_digits = 3")
            # catalog queries over many tables cross jit_above_cost, and compiling costs more than it saves
            conn.execute("SET LOCAL jit = off")
            # deparsing an index or a view waits for a table's lock: behind a migration's ACCESS
            # EXCLUSIVE lock it would wait for good, so give up after a while unless the URL set its own
            # (options=-c lock_timeout=...)
            if conn.execute("SHOW lock_timeout").fetchone()["lock_timeout"] == "0":
                conn.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
            for name in QUERY_NAMES:
                current = name
                rows[name] = conn.execute(_load_query(name)).fetchall()
            conn.execute("COMMIT")
    except DdlError:
        raise
    except psycopg.Error as e:
        msg = u.scrub(str(e)).strip().splitlines()
        # every role may read pg_catalog unless a hardened server revoked it from PUBLIC
        hint = None
        if isinstance(e, psycopg.errors.InsufficientPrivilege):
            hint = "the catalog reader needs SELECT on the pg_catalog tables, which PUBLIC has by default"
        elif isinstance(e, psycopg.errors.LockNotAvailable):
            hint = (
                "another session holds a lock on a table this query reads (an ALTER TABLE or a migration "
                "in progress?): retry once it commits, or wait longer with the URL parameter "
                "options=-c%20lock_timeout%3D5min"
            )
        failure = msg[0] if msg else type(e).__name__
        raise DdlError(f"{u.redacted}: catalog query {current!r} failed: {failure}", hint=hint) from None
    builder = _Builder(rows)
    text = builder.build()
    sizes = {
        (r["nspname"], r["relname"]): RelationSize(r["est_rows"], r["est_bytes"]) for r in rows["sizes"]
    }
    return CatalogDump(
        text=text, queries=len(QUERY_NAMES), server_version=version, unseen=builder.unseen(), sizes=sizes
    )


def _grant_connect(u: DbUrl) -> str:
    """`GRANT CONNECT ON DATABASE db TO role` for the URL's database and role, for hints."""
    user = u.user or "..."
    return f"GRANT CONNECT ON DATABASE {qi(u.database or user)} TO {qi(user)}"


def inspect(url: str, options: LoadOptions) -> Schema:
    """Read a live PostgreSQL database into the model through the offline parser; what the account
    cannot read is an error, or with `skip_unreadable` left out of comparisons with a warning."""
    from ddlcompare.dialects import unreadable
    from ddlcompare.dialects.postgres.parse import parse

    dump = read_catalog(url)
    shown = dburl.redact(url)
    v = dump.server_version
    server = f"postgres:{v // 10000}.{v % 10000}"
    schema = dataclasses.replace(parse(dump.text, shown, options), server=server, sizes=dump.sizes)
    return unreadable(schema, dump.unseen, shown, options)


# --------------------------------------------------------------------------------------------
# ACLs


def _split_aclitem(item: str) -> tuple[str, str, str]:
    """grantee, privilege letters, grantor of an aclitem's text form (names dequoted as putid quotes them)."""

    def name_at(pos: int) -> tuple[str, int]:
        out = []
        while pos < len(item) and item[pos] not in "=/":
            if item[pos] == '"':
                pos += 1
                while pos < len(item):
                    if item[pos] == '"':
                        if pos + 1 < len(item) and item[pos + 1] == '"':
                            out.append('"')
                            pos += 2
                            continue
                        pos += 1
                        break
                    out.append(item[pos])
                    pos += 1
            else:
                out.append(item[pos])
                pos += 1
        return "".join(out), pos

    grantee, pos = name_at(0)
    slash = item.index("/", pos + 1)
    privs = item[pos + 1 : slash]
    grantor, _ = name_at(slash + 1)
    return grantee, privs, grantor


_PRIV_ORDER = {
    "TABLE": (
        ("r", "SELECT"),
        ("a", "INSERT"),
        ("x", "REFERENCES"),
        ("d", "DELETE"),
        ("t", "TRIGGER"),
        ("D", "TRUNCATE"),
        ("w", "UPDATE"),
    ),
    "COLUMN": (("r", "SELECT"), ("a", "INSERT"), ("x", "REFERENCES"), ("w", "UPDATE")),
    "SEQUENCE": (("r", "SELECT"), ("U", "USAGE"), ("w", "UPDATE")),
    "FUNCTION": (("X", "EXECUTE"),),
    "SCHEMA": (("C", "CREATE"), ("U", "USAGE")),
    "TYPE": (("U", "USAGE"),),
    "FOREIGN TABLE": (("r", "SELECT"),),
    "FOREIGN DATA WRAPPER": (("U", "USAGE"),),
    "FOREIGN SERVER": (("U", "USAGE"),),
}
_PRIV_ORDER["TABLES"] = _PRIV_ORDER["TABLE"]
_PRIV_ORDER["SEQUENCES"] = _PRIV_ORDER["SEQUENCE"]
_PRIV_ORDER["FUNCTIONS"] = _PRIV_ORDER["FUNCTION"]
_PRIV_ORDER["PROCEDURE"] = _PRIV_ORDER["FUNCTION"]
_PRIV_ORDER["SCHEMAS"] = _PRIV_ORDER["SCHEMA"]
_PRIV_ORDER["TYPES"] = _PRIV_ORDER["TYPE"]


def _acl_name(name: str) -> str:
    """A role name as aclitem output writes it (the backend's putid)."""
    if all(ch.isalnum() or ch == "_" for ch in name):
        return name
    return '"' + name.replace('"', '""') + '"'


def _parse_privs(letters: str, kind: str, sub: str | None) -> tuple[str, str]:
    """Privilege lists (without, with grant option) as pg_dump's parseAclItem renders them."""
    order = _PRIV_ORDER["COLUMN" if sub is not None and kind == "TABLE" else kind]
    plain: list[str] = []
    wgo: list[str] = []
    all_plain = all_wgo = True
    suffix = f"({sub})" if sub is not None else ""
    for code, word in order:
        pos = letters.find(code)
        if pos < 0:
            all_plain = all_wgo = False
        elif pos + 1 < len(letters) and letters[pos + 1] == "*":
            wgo.append(word + suffix)
            all_plain = False
        else:
            plain.append(word + suffix)
            all_wgo = False
    if all_wgo:
        return "", "ALL" + suffix
    if all_plain:
        return "ALL" + suffix, ""
    return ",".join(plain), ",".join(wgo)


def acl_commands(
    kind: str,
    name: str,
    acl: Sequence[str] | None,
    base: Sequence[str],
    owner: str | None,
    *,
    sub: str | None = None,
    prefix: str = "",
) -> list[str]:
    """GRANT/REVOKE statements turning `base` into `acl`, as pg_dump's buildACLCommands (PG 15)."""
    if acl is None:
        return []
    grants = [a for a in acl if a not in base]
    revokes = [b for b in base if b not in acl]
    first: list[str] = []
    second: list[str] = []
    target = f"{name} " if name else ""
    for item in revokes:
        grantee, letters, _ = _split_aclitem(item)
        plain, wgo = _parse_privs(letters.replace("*", ""), kind, sub)
        privs = plain or wgo
        if privs:
            who = qi(grantee) if grantee else "PUBLIC"
            first.append(f"{prefix}REVOKE {privs} ON {kind} {target}FROM {who};")
    for item in grants:
        grantee, letters, grantor = _split_aclitem(item)
        plain, wgo = _parse_privs(letters, kind, sub)
        if not plain and not wgo:
            continue
        out = first if owner is not None and grantee == owner and grantor == owner else second
        who = qi(grantee) if grantee else "PUBLIC"
        other_grantor = grantor and grantor != owner
        if other_grantor:
            out.append(f"SET SESSION AUTHORIZATION {qi(grantor)};")
        if plain:
            out.append(f"{prefix}GRANT {plain} ON {kind} {target}TO {who};")
        if wgo:
            out.append(f"{prefix}GRANT {wgo} ON {kind} {target}TO {who} WITH GRANT OPTION;")
        if other_grantor:
            out.append("RESET SESSION AUTHORIZATION;")
    return first + second


# --------------------------------------------------------------------------------------------
# Output entries and ordering


@dataclass(slots=True)
class _Entry:
    """One pg_dump TOC entry: statements, their comments, their ACL statements, sort key, dependencies."""

    prio: int
    schema: str
    name: str
    node: NodeId
    sql: list[str]
    tiebreak: str = ""
    deps: set[NodeId] = field(default_factory=set)
    acl: list[str] = field(default_factory=list)


def _sorted_entries(entries: list[_Entry]) -> list[_Entry]:
    """Sort by (priority, schema, name) and then move entries after what they depend on."""
    entries.sort(key=lambda e: (e.prio, e.schema, e.name, e.tiebreak))
    index_of: dict[NodeId, list[int]] = defaultdict(list)
    for i, e in enumerate(entries):
        index_of[e.node].append(i)
    waiting = [0] * len(entries)
    dependents: list[list[int]] = [[] for _ in entries]
    for i, e in enumerate(entries):
        for d in e.deps:
            for j in index_of.get(d, ()):
                if j != i:
                    waiting[i] += 1
                    dependents[j].append(i)
    ready = [i for i, n in enumerate(waiting) if n == 0]
    heapq.heapify(ready)
    done = [False] * len(entries)
    out: list[_Entry] = []
    pending = 0
    while len(out) < len(entries):
        if not ready:
            # a dependency loop: break it at the first entry not yet written, as pg_dump would
            while done[pending]:
                pending += 1
            ready.append(pending)
            waiting[pending] = 0
        i = heapq.heappop(ready)
        if done[i]:
            continue
        done[i] = True
        out.append(entries[i])
        for k in dependents[i]:
            waiting[k] -= 1
            if waiting[k] == 0 and not done[k]:
                heapq.heappush(ready, k)
    return out


# --------------------------------------------------------------------------------------------
# The builder


def _comment(kind: str, target: str, description: str | None) -> list[str]:
    if description is None:
        return []
    return [f"COMMENT ON {kind} {target} IS {ql(description)};"]


def _reloptions(options: Iterable[str] | None, prefix: str = "") -> list[str]:
    """`name='value'` items of a reloptions array, as pg_dump's appendReloptionsArrayAH."""
    out = []
    for opt in options or ():
        name, _, value = opt.partition("=")
        out.append(f"{prefix}{qi(name)}={ql(value)}")
    return out


def _split_guc_list(value: str) -> list[str]:
    """Elements of a GUC_LIST_QUOTE value as flatten_set_variable_args stored them (SplitGUCList)."""
    items: list[str] = []
    i, n = 0, len(value)
    while True:
        while i < n and value[i].isspace():
            i += 1
        if i < n and value[i] == '"':
            i += 1
            buf = []
            while i < n:
                if value[i] == '"':
                    if i + 1 < n and value[i + 1] == '"':
                        buf.append('"')
                        i += 2
                        continue
                    i += 1
                    break
                buf.append(value[i])
                i += 1
            item = "".join(buf)
        else:
            start = i
            while i < n and value[i] != "," and not value[i].isspace():
                i += 1
            item = value[start:i]
        items.append(item)
        while i < n and value[i].isspace():
            i += 1
        if i < n and value[i] == ",":
            i += 1
            continue
        break
    return items


@dataclass(slots=True)
class _Rel:
    """A relation row, its quoted qualified name and its columns."""

    row: Row
    qname: str
    cols: list[Row] = field(default_factory=list)


class _Builder:
    """Turn the catalog rows into pg_dump-ordered DDL text."""

    def __init__(self, rows: dict[str, list[Row]]) -> None:
        self.rows = rows
        self.entries: list[_Entry] = []
        self.hidden_mappings: list[str] = []  # user mappings whose options the account cannot read
        self.rels: dict[int, _Rel] = {
            r["oid"]: _Rel(r, qn(r["nspname"], r["relname"])) for r in rows["relations"]
        }
        self.nsp_by_oid: dict[int, str] = {r["oid"]: r["nspname"] for r in rows["namespaces"]}
        self.nsp_node: dict[str, NodeId] = {r["nspname"]: ("n", r["oid"]) for r in rows["namespaces"]}
        for c in rows["columns"]:
            rel = self.rels.get(c["attrelid"])
            if rel is not None:
                rel.cols.append(c)
        # domains by the name format_type gives a column of the type -> the base type under them all
        bases = {qn(t["nspname"], t["typname"]): t["basetype"] for t in rows["types"] if t["typtype"] == "d"}
        self.domain_base: dict[str, str] = {}
        for dom, base in bases.items():
            seen = {dom}
            while base in bases and base not in seen:
                seen.add(base)
                base = bases[base]
            self.domain_base[dom] = base
        # composite types' columns
        self.type_cols: dict[int, list[Row]] = defaultdict(list)
        comp_relids = {t["typrelid"]: t["oid"] for t in rows["types"] if t["typtype"] == "c"}
        for c in rows["columns"]:
            if c["attrelid"] in comp_relids:
                self.type_cols[comp_relids[c["attrelid"]]].append(c)
        # map catalog objects to the node that carries their DDL
        self.type_node: dict[int, NodeId] = {}
        for t in rows["types"]:
            # functions name a base type through its shell, which comes before them
            tnode: NodeId = ("tshell", t["oid"]) if t["typtype"] == "b" else ("t", t["oid"])
            self.type_node[t["oid"]] = tnode
            if t["typarray"]:
                self.type_node[t["typarray"]] = tnode
        for r in rows["relations"]:
            self.type_node[r["reltype"]] = ("r", r["oid"])
            if r["reltypearray"]:
                self.type_node[r["reltypearray"]] = ("r", r["oid"])
        self.comp_node: dict[int, NodeId] = {relid: ("t", toid) for relid, toid in comp_relids.items()}
        self.func_oids = {f["oid"] for f in rows["functions"]}
        # per-table data
        self.checks: dict[int, list[Row]] = defaultdict(list)
        self.domain_checks: dict[int, list[Row]] = defaultdict(list)
        self.constraints_by_oid: dict[int, Row] = {}
        for con in rows["constraints"]:
            self.constraints_by_oid[con["oid"]] = con
            if con["contypid"]:
                self.domain_checks[con["contypid"]].append(con)
            elif con["contype"] == "c":
                self.checks[con["conrelid"]].append(con)
        self.index_by_oid: dict[int, Row] = {i["indexrelid"]: i for i in rows["indexes"]}
        self.deps_raw: dict[tuple[str, int, int], list[NodeId]] = defaultdict(list)
        for d in rows["dependencies"]:
            node = self._ref_node(d["refclass"], d["refobjid"])
            if node is not None and node[0] == "tshell" and d["kind"] != "f":
                node = ("t", node[1])  # only functions make do with the shell
            if node is not None:
                self.deps_raw[(d["kind"], d["objid"], d["objsub"])].append(node)

    # ---- helpers

    def _ref_node(self, refclass: str, oid: int) -> NodeId | None:
        if refclass == "pg_class":
            if oid in self.rels:
                return ("r", oid)
            return self.comp_node.get(oid)
        if refclass == "pg_type":
            return self.type_node.get(oid)
        if refclass == "pg_proc":
            return ("f", oid) if oid in self.func_oids else None
        if refclass == "pg_collation":
            return ("C", oid)
        if refclass == "pg_foreign_server":
            return ("srv", oid)
        if refclass == "pg_am":
            return ("am", oid)
        return None

    def _deps(self, kind: str, oid: int, sub: int = 0) -> set[NodeId]:
        return set(self.deps_raw.get((kind, oid, sub), ()))

    def add(
        self,
        prio: int,
        schema: str,
        name: str,
        node: NodeId,
        sql: list[str],
        *,
        tiebreak: str = "",
        deps: Iterable[NodeId] = (),
        acl: list[str] | None = None,
    ) -> _Entry:
        e = _Entry(prio, schema, name, node, sql, tiebreak, set(deps), acl or [])
        if schema in self.nsp_node:
            e.deps.add(self.nsp_node[schema])
        e.deps.discard(node)
        self.entries.append(e)
        return e

    # ---- object kinds

    def unseen(self) -> tuple[Unseen, ...]:
        """What build() left out because the account cannot read it (call after build)."""
        if not self.hidden_mappings:
            return ()
        names = sorted(self.hidden_mappings)
        return (
            Unseen(
                kinds=frozenset(("user_mapping",)),
                schema="",
                names=frozenset(names),
                what=f"the options of user mappings {', '.join(names)}",
                reason="PostgreSQL shows them only to superusers, to the mapped role when it has USAGE "
                "on the server (GRANT USAGE ON FOREIGN SERVER ...), and for PUBLIC mappings to "
                "members of the server's owner",
            ),
        )

    def build(self) -> str:
        self._index_class_deps()
        self.namespaces()
        self.extensions()
        self.collations()
        self.types()
        self.functions()
        self.relations()
        self.constraints()
        self.indexes()
        self.statistics()
        self.rules()
        self.triggers()
        self.policies()
        self.publications()
        self.others()
        ordered = _sorted_entries(self.entries)
        parts: list[str] = [_HEADER]
        for e in ordered:
            parts.extend(e.sql)
        for e in ordered:
            parts.extend(e.acl)
        parts.extend(self.default_acls())
        return "\n\n".join(parts) + "\n"

    def _index_class_deps(self) -> None:
        # 'a' rows (pg_class objects: column types, collations, typed tables) by relation
        self.class_deps: dict[int, set[NodeId]] = defaultdict(set)
        for (k, o, _s), nodes in self.deps_raw.items():
            if k == "a":
                self.class_deps[o].update(nodes)

    def namespaces(self) -> None:
        for n in self.rows["namespaces"]:
            name = n["nspname"]
            sql: list[str] = []
            node = ("n", n["oid"])
            if name == "public":
                # PG 15 pg_dump: public is never created; its owner only when not pg_database_owner,
                # its initdb comment skipped, and a removed comment replicated as ''
                if not n["default_owner"]:
                    sql.append(f"ALTER SCHEMA public OWNER TO {qi(n['owner'])};")
                desc = n["description"]
                if desc is None:
                    sql.append("COMMENT ON SCHEMA public IS '';")
                elif desc != "standard public schema":
                    sql.extend(_comment("SCHEMA", "public", desc))
            else:
                sql.append(f"CREATE SCHEMA {qi(name)};")
                sql.append(f"ALTER SCHEMA {qi(name)} OWNER TO {qi(n['owner'])};")
                sql.extend(_comment("SCHEMA", qi(name), n["description"]))
            base = n["baseacl"]
            if name == "public":
                # PG 15 pg_dump takes public's initial ACL to be {owner=UC/owner,=U/owner}, whoever owns it
                owner = _acl_name(n["owner"])
                base = [f"{owner}=UC/{owner}", f"=U/{owner}"]
            acl = acl_commands("SCHEMA", qi(name), n["acl"], base, n["owner"])
            self.add(PRIO_NAMESPACE, "", name, node, sql, acl=acl)

    def extensions(self) -> None:
        for x in self.rows["extensions"]:
            sql = [f"CREATE EXTENSION IF NOT EXISTS {qi(x['extname'])} WITH SCHEMA {qi(x['nspname'])};"]
            sql.extend(_comment("EXTENSION", qi(x["extname"]), x["description"]))
            self.add(
                PRIO_EXTENSION,
                "",
                x["extname"],
                ("x", x["oid"]),
                sql,
                deps=[self.nsp_node.get(x["nspname"], ("n", 0))],
            )

    def collations(self) -> None:
        for c in self.rows["collations"]:
            name = qn(c["nspname"], c["collname"])
            provider = {"c": "libc", "i": "icu", "d": "default"}.get(c["collprovider"], "libc")
            parts = [f"provider = {provider}"]
            if not c["collisdeterministic"]:
                parts.append("deterministic = false")
            if c["colliculocale"] is not None:
                parts.append(f"locale = {ql(c['colliculocale'])}")
            elif c["collcollate"] == c["collctype"]:
                parts.append(f"locale = {ql(c['collcollate'] or '')}")
            else:
                parts.append(f"lc_collate = {ql(c['collcollate'] or '')}")
                parts.append(f"lc_ctype = {ql(c['collctype'] or '')}")
            sql = [
                f"CREATE COLLATION {name} ({', '.join(parts)});",
                f"ALTER COLLATION {name} OWNER TO {qi(c['owner'])};",
            ]
            sql.extend(_comment("COLLATION", name, c["description"]))
            self.add(PRIO_COLLATION, c["nspname"], c["collname"], ("C", c["oid"]), sql)

    def types(self) -> None:
        for t in self.rows["types"]:
            name = qn(t["nspname"], t["typname"])
            kind = t["typtype"]
            node = ("t", t["oid"])
            deps = self._deps("t", t["oid"])
            word = "DOMAIN" if kind == "d" else "TYPE"
            sql: list[str] = []
            if kind == "e":
                labels = ",\n".join(f"    {ql(label)}" for label in t["labels"])
                sql.append(f"CREATE TYPE {name} AS ENUM (\n{labels}\n);")
            elif kind == "r":
                sql.append(self._range_type(name, t))
            elif kind == "c":
                cols = self.type_cols.get(t["oid"], [])
                items = []
                for c in cols:
                    coll = f" COLLATE {c['collation']}" if c["collation"] else ""
                    items.append(f"\t{qi(c['attname'])} {c['typname']}{coll}")
                    deps |= self.class_deps.get(t["typrelid"], set())
                sql.append(f"CREATE TYPE {name} AS (\n" + ",\n".join(items) + "\n);")
            elif kind == "d":
                sql.extend(self._domain(name, t))
            elif kind == "p" and not t["typisdefined"]:
                sql.append(f"CREATE TYPE {name};")
            elif kind == "b":
                # a shell first, so that the I/O functions can name the type (as pg_dump does)
                shell = [f"CREATE TYPE {name};"]
                self.add(PRIO_TYPE, t["nspname"], t["typname"], ("tshell", t["oid"]), shell)
                sql.extend(self._base_type(name, t))
            else:
                continue
            sql.append(f"ALTER {word} {name} OWNER TO {qi(t['owner'])};")
            sql.extend(_comment(word, name, t["description"]))
            if kind == "c":
                for c in self.type_cols.get(t["oid"], []):
                    sql.extend(_comment("COLUMN", f"{name}.{qi(c['attname'])}", c["description"]))
            if kind == "d":
                for con in self.domain_checks.get(t["oid"], []):
                    sql.extend(
                        _comment("CONSTRAINT", f"{qi(con['conname'])} ON DOMAIN {name}", con["description"])
                    )
            acl = acl_commands("TYPE", name, t["acl"], t["baseacl"], t["owner"])
            self.add(PRIO_TYPE, t["nspname"], t["typname"], node, sql, deps=deps, acl=acl)
            if kind == "d":
                for con in self.domain_checks.get(t["oid"], []):
                    if not con["convalidated"]:
                        add = f"ADD CONSTRAINT {qi(con['conname'])} {con['condef']}"
                        sql = [f"ALTER DOMAIN {name}\n    {add};"]
                        self.add(
                            PRIO_CONSTRAINT,
                            t["nspname"],
                            con["conname"],
                            ("con", con["oid"]),
                            sql,
                            deps=[node],
                        )

    def _range_type(self, name: str, t: Row) -> str:
        parts = [f"subtype = {t['rngsubtype']}"]
        if t["rngmultitype"]:
            parts.append(f"multirange_type_name = {t['rngmultitype']}")
        if t["rngopclass"]:
            parts.append(f"subtype_opclass = {t['rngopclass']}")
        if t["rngcollation"]:
            parts.append(f"collation = {t['rngcollation']}")
        if t["rngcanonical"]:
            parts.append(f"canonical = {t['rngcanonical']}")
        if t["rngsubdiff"]:
            parts.append(f"subtype_diff = {t['rngsubdiff']}")
        return f"CREATE TYPE {name} AS RANGE (\n    " + ",\n    ".join(parts) + "\n);"

    def _domain(self, name: str, t: Row) -> list[str]:
        text = f"CREATE DOMAIN {name} AS {t['basetype']}"
        if t["collation"]:
            text += f" COLLATE {t['collation']}"
        if t["typnotnull"]:
            text += " NOT NULL"
        if t["typdefault"] is not None:
            text += f" DEFAULT {t['typdefault']}"
        for con in self.domain_checks.get(t["oid"], []):
            if con["convalidated"]:
                text += f"\n\tCONSTRAINT {qi(con['conname'])} {con['condef']}"
        return [text + ";"]

    def _base_type(self, name: str, t: Row) -> list[str]:
        # pg_dump's dumpBaseType, property for property in its order (the AST keeps the order)
        parts = [
            f"INTERNALLENGTH = {'variable' if t['typlen'] == -1 else t['typlen']}",
            f"INPUT = {t['typinput']}",
            f"OUTPUT = {t['typoutput']}",
        ]
        for key, word in (
            ("typreceive", "RECEIVE"),
            ("typsend", "SEND"),
            ("typmodin", "TYPMOD_IN"),
            ("typmodout", "TYPMOD_OUT"),
            ("typanalyze", "ANALYZE"),
        ):
            if t[key]:
                parts.append(f"{word} = {t[key]}")
        if t["collatable"]:
            parts.append("COLLATABLE = true")
        if t["typdefault"] is not None:
            parts.append(f"DEFAULT = {ql(t['typdefault'])}")
        if t["typsubscript"]:
            parts.append(f"SUBSCRIPT = {t['typsubscript']}")
        if t["typelem"]:
            parts.append(f"ELEMENT = {t['typelem']}")
        if t["typcategory"] != "U":
            parts.append(f"CATEGORY = {ql(t['typcategory'])}")
        if t["typispreferred"]:
            parts.append("PREFERRED = true")
        if t["typdelim"] != ",":
            parts.append(f"DELIMITER = {ql(t['typdelim'])}")
        parts.append("ALIGNMENT = " + {"c": "char", "s": "int2", "i": "int4", "d": "double"}[t["typalign"]])
        storage = {"p": "plain", "e": "external", "x": "extended", "m": "main"}[t["typstorage"]]
        parts.append(f"STORAGE = {storage}")
        if t["typbyval"]:
            parts.append("PASSEDBYVALUE")
        return [f"CREATE TYPE {name} (\n    " + ",\n    ".join(parts) + "\n);"]

    def functions(self) -> None:
        for f in self.rows["functions"]:
            if f["prokind"] == "a":
                self._aggregate(f)
            else:
                self._function(f)

    def _function(self, f: Row) -> None:
        keyword = "PROCEDURE" if f["prokind"] == "p" else "FUNCTION"
        schema = f["nspname"]
        sig = f"{qi(f['proname'])}({f['iargs']})"
        qsig = f"{qi(schema)}.{sig}"
        text = f"CREATE {keyword} {qi(schema)}.{qi(f['proname'])}({f['args']})"
        if f["prokind"] != "p":
            text += f" RETURNS {f['result']}"
        text += f"\n    LANGUAGE {qi(f['lanname'])}"
        if f["trftypes"]:
            text += " TRANSFORM " + ", ".join(f"FOR TYPE {t}" for t in f["trftypes"])
        if f["prokind"] == "w":
            text += " WINDOW"
        if f["provolatile"] == "i":
            text += " IMMUTABLE"
        elif f["provolatile"] == "s":
            text += " STABLE"
        if f["proisstrict"]:
            text += " STRICT"
        if f["prosecdef"]:
            text += " SECURITY DEFINER"
        if f["proleakproof"]:
            text += " LEAKPROOF"
        # default cost is 1 for C and internal functions, 100 otherwise (pg_proc.c)
        if f["procost"] != "0":
            default_cost = "1" if f["lanname"] in ("internal", "c") else "100"
            if f["procost"] != default_cost:
                text += f" COST {f['procost']}"
        if f["proretset"] and f["prorows"] not in ("0", "1000"):
            text += f" ROWS {f['prorows']}"
        if f["prosupport"]:
            text += f" SUPPORT {f['prosupport']}"
        if f["proparallel"] == "s":
            text += " PARALLEL SAFE"
        elif f["proparallel"] == "r":
            text += " PARALLEL RESTRICTED"
        for item in f["proconfig"] or ():
            gname, sep, value = item.partition("=")
            if not sep:
                continue
            if gname.lower() in _LIST_GUCS:
                val = ", ".join(ql(v) for v in _split_guc_list(value))
            else:
                val = ql(value)
            text += f"\n    SET {qi(gname)} TO {val}"
        if f["sqlbody"] is not None:
            body = f["sqlbody"]
        elif f["probin"] is not None:
            body = f"AS {ql(f['probin'])}"
            if f["prosrc"]:
                body += f", {ql(f['prosrc'])}"
        else:
            body = f"AS {_dollar_quote(f['prosrc'])}"
        text += f"\n    {body};"
        sql = [text, f"ALTER {keyword} {qsig} OWNER TO {qi(f['owner'])};"]
        sql.extend(_comment(keyword, qsig, f["description"]))
        acl = acl_commands(keyword, qsig, f["acl"], f["baseacl"], f["owner"])
        self.add(
            PRIO_FUNC,
            schema,
            f["proname"],
            ("f", f["oid"]),
            sql,
            tiebreak=f["iargs"],
            deps=self._deps("f", f["oid"]),
            acl=acl,
        )

    def _aggregate(self, f: Row) -> None:
        schema = f["nspname"]
        args = f["args"] or "*"
        iargs = f["iargs"] or "*"
        qsig = f"{qi(schema)}.{qi(f['proname'])}({iargs})"
        parts = [f"SFUNC = {f['aggtransfn']}", f"STYPE = {f['aggtranstype']}"]
        if f["aggtransspace"]:
            parts.append(f"SSPACE = {f['aggtransspace']}")
        if f["agginitval"] is not None:
            parts.append(f"INITCOND = {ql(f['agginitval'])}")
        modify_default = "r" if f["aggkind"] == "n" else "w"
        modify = {"r": "READ_ONLY", "s": "SHAREABLE", "w": "READ_WRITE"}
        if f["aggfinalfn"]:
            parts.append(f"FINALFUNC = {f['aggfinalfn']}")
            if f["aggfinalextra"]:
                parts.append("FINALFUNC_EXTRA")
            if f["aggfinalmodify"] != modify_default:
                parts.append(f"FINALFUNC_MODIFY = {modify.get(f['aggfinalmodify'], 'READ_ONLY')}")
        if f["aggcombinefn"]:
            parts.append(f"COMBINEFUNC = {f['aggcombinefn']}")
        if f["aggserialfn"]:
            parts.append(f"SERIALFUNC = {f['aggserialfn']}")
        if f["aggdeserialfn"]:
            parts.append(f"DESERIALFUNC = {f['aggdeserialfn']}")
        if f["aggmtransfn"]:
            parts.append(f"MSFUNC = {f['aggmtransfn']}")
            parts.append(f"MINVFUNC = {f['aggminvtransfn']}")
            parts.append(f"MSTYPE = {f['aggmtranstype']}")
        if f["aggmtransspace"]:
            parts.append(f"MSSPACE = {f['aggmtransspace']}")
        if f["aggminitval"] is not None:
            parts.append(f"MINITCOND = {ql(f['aggminitval'])}")
        if f["aggmfinalfn"]:
            parts.append(f"MFINALFUNC = {f['aggmfinalfn']}")
            if f["aggmfinalextra"]:
                parts.append("MFINALFUNC_EXTRA")
            if f["aggmfinalmodify"] != modify_default:
                parts.append(f"MFINALFUNC_MODIFY = {modify.get(f['aggmfinalmodify'], 'READ_ONLY')}")
        if f["aggsortop"]:
            parts.append(f"SORTOP = {f['aggsortop']}")
        if f["aggkind"] == "h":
            parts.append("HYPOTHETICAL")
        if f["proparallel"] == "s":
            parts.append("PARALLEL = safe")
        elif f["proparallel"] == "r":
            parts.append("PARALLEL = restricted")
        sql = [
            f"CREATE AGGREGATE {qi(schema)}.{qi(f['proname'])}({args}) (\n    "
            + ",\n    ".join(parts)
            + "\n);",
            f"ALTER AGGREGATE {qsig} OWNER TO {qi(f['owner'])};",
        ]
        sql.extend(_comment("AGGREGATE", qsig, f["description"]))
        acl = acl_commands("FUNCTION", qsig, f["acl"], f["baseacl"], f["owner"])
        self.add(
            PRIO_AGG,
            schema,
            f["proname"],
            ("f", f["oid"]),
            sql,
            tiebreak=iargs,
            deps=self._deps("f", f["oid"]),
            acl=acl,
        )

    # ---- relations

    def relations(self) -> None:
        # NOT NULL and defaults that children inherit (pg_dump's flagInhAttrs)
        notnull_by_rel: dict[int, dict[str, bool]] = {}
        default_by_rel: dict[int, dict[str, bool]] = {}
        for oid, rel in self.rels.items():
            notnull_by_rel[oid] = {c["attname"]: c["attnotnull"] for c in rel.cols}
            default_by_rel[oid] = {c["attname"]: c["default_expr"] is not None for c in rel.cols}
        for oid, rel in self.rels.items():
            r = rel.row
            kind = r["relkind"]
            if kind == "S":
                self._sequence(rel)
            elif kind in ("v", "m"):
                self._view(rel)
            else:
                self._table(rel, notnull_by_rel, default_by_rel)
            del oid

    def _sequence(self, rel: _Rel) -> None:
        r = rel.row
        name = rel.qname
        seqtype = r["seqtype"]
        ascending = not r["seqincrement"].startswith("-")
        bounds = {"smallint": (-32768, 32767), "integer": (-2147483648, 2147483647)}
        lo, hi = bounds.get(seqtype, (-9223372036854775808, 9223372036854775807))
        default_min, default_max = (1, hi) if ascending else (lo, -1)
        lines = [f"    START WITH {r['seqstart']}", f"    INCREMENT BY {r['seqincrement']}"]
        lines.append("    NO MINVALUE" if int(r["seqmin"]) == default_min else f"    MINVALUE {r['seqmin']}")
        lines.append("    NO MAXVALUE" if int(r["seqmax"]) == default_max else f"    MAXVALUE {r['seqmax']}")
        lines.append(f"    CACHE {r['seqcache']}" + ("\n    CYCLE" if r["seqcycle"] else ""))
        owning = self.rels.get(r["owning_rel"]) if r["owning_rel"] else None
        sql: list[str] = []
        deps: set[NodeId] = set()
        if owning is not None and r["owning_kind"] == "i":
            # an identity sequence follows its table's persistence unless altered since (PG 15.x pg_dump)
            persistence = ""
            if r["relpersistence"] != owning.row["relpersistence"]:
                persistence = "    UNLOGGED\n" if r["relpersistence"] == "u" else "    LOGGED\n"
            col = self._col_name(owning, r["owning_col"])
            cmd = "ALWAYS" if self._col(owning, r["owning_col"])["attidentity"] == "a" else "BY DEFAULT"
            sql.append(
                f"ALTER TABLE {owning.qname} ALTER COLUMN {qi(col)} ADD GENERATED {cmd} AS IDENTITY (\n"
                f"    SEQUENCE NAME {name}\n" + persistence + "\n".join(lines) + "\n);"
            )
            deps.add(("r", owning.row["oid"]))
        else:
            head = "CREATE UNLOGGED SEQUENCE" if r["relpersistence"] == "u" else "CREATE SEQUENCE"
            as_type = f"\n    AS {seqtype}" if seqtype != "bigint" else ""
            sql.append(f"{head} {name}{as_type}\n" + "\n".join(lines) + ";")
            sql.append(f"ALTER TABLE {name} OWNER TO {qi(r['owner'])};")
            if owning is not None:
                col = self._col_name(owning, r["owning_col"])
                sql.append(f"ALTER SEQUENCE {name} OWNED BY {owning.qname}.{qi(col)};")
                deps.add(("r", owning.row["oid"]))
        sql.extend(_comment("SEQUENCE", name, r["description"]))
        acl = acl_commands("SEQUENCE", name, r["acl"], r["baseacl"], r["owner"])
        self.add(PRIO_TABLE, r["nspname"], r["relname"], ("r", r["oid"]), sql, deps=deps, acl=acl)

    @staticmethod
    def _col(rel: _Rel, attnum: int) -> Row:
        for c in rel.cols:
            if c["attnum"] == attnum:
                return c
        raise KeyError(attnum)

    def _undomain(self, rel: _Rel, text: str) -> str:
        """`text` (a CHECK) without the casts the server adds to a domain column's value to reach
        its base type (`(qty)::integer < 100` for `qty < 100`): written or not, they are the same
        constraint, and a file does not spell them."""
        for c in rel.cols:
            base = self.domain_base.get(c["typname"])
            if base is not None:
                text = text.replace(f"({qi(c['attname'])})::{base}", qi(c["attname"]))
        return text

    def _col_name(self, rel: _Rel, attnum: int) -> str:
        return str(self._col(rel, attnum)["attname"])

    def _view(self, rel: _Rel) -> None:
        r = rel.row
        name = rel.qname
        deps = self._deps("r", r["oid"]) | self.class_deps.get(r["oid"], set())
        body = r["viewdef"].rstrip().rstrip(";")
        if r["relkind"] == "v":
            opts = _reloptions(r["reloptions"])
            with_ = f" WITH ({', '.join(opts)})" if opts else ""
            text = f"CREATE VIEW {name}{with_} AS\n{body}"
            if r["checkoption"]:
                text += f"\n  WITH {r['checkoption']} CHECK OPTION"
            word = "VIEW"
        else:
            opts = _reloptions(r["reloptions"]) + _reloptions(r["toast_reloptions"], "toast.")
            with_ = f"\nWITH ({', '.join(opts)})" if opts else ""
            text = f"CREATE MATERIALIZED VIEW {name}{with_} AS\n{body}\n  WITH NO DATA"
            word = "MATERIALIZED VIEW"
        sql = [text + ";"]
        sql.extend(self._column_alters(rel, set(), {}))
        sql.extend(self._replica_identity(rel))
        sql = self._access_method(rel, sql)
        sql.append(f"ALTER TABLE {name} OWNER TO {qi(r['owner'])};")
        sql.extend(self._rel_comments(rel, word))
        acl = self._rel_acl(rel)
        self.add(PRIO_TABLE, r["nspname"], r["relname"], ("r", r["oid"]), sql, deps=deps, acl=acl)
        for c in rel.cols:
            if c["default_expr"] is not None:
                self._separate_default(rel, c)

    @staticmethod
    def _replica_identity(rel: _Rel) -> list[str]:
        """REPLICA IDENTITY NOTHING/FULL (USING INDEX comes with the index); pg_dump writes it only for
        tables and materialized views (a foreign table's relreplident is 'n' from birth)."""
        r = rel.row
        if r["relkind"] not in ("r", "p", "m"):
            return []
        if r["relreplident"] == "n":
            return [f"ALTER TABLE ONLY {rel.qname} REPLICA IDENTITY NOTHING;"]
        if r["relreplident"] == "f":
            return [f"ALTER TABLE ONLY {rel.qname} REPLICA IDENTITY FULL;"]
        return []

    @staticmethod
    def _access_method(rel: _Rel, sql: list[str]) -> list[str]:
        """pg_dump selects a table's access method with SET default_table_access_method."""
        am = rel.row["amname"]
        if am is None or am == "heap":
            return sql
        return [
            f"SET default_table_access_method = {qi(am)};",
            *sql,
            "SET default_table_access_method = heap;",
        ]

    def _rel_comments(self, rel: _Rel, word: str) -> list[str]:
        out = _comment(word, rel.qname, rel.row["description"])
        for c in rel.cols:
            out.extend(_comment("COLUMN", f"{rel.qname}.{qi(c['attname'])}", c["description"]))
        return out

    def _rel_acl(self, rel: _Rel) -> list[str]:
        r = rel.row
        kind = "SEQUENCE" if r["relkind"] == "S" else "TABLE"
        out = acl_commands(kind, rel.qname, r["acl"], r["baseacl"], r["owner"])
        for c in rel.cols:
            if c["acl"] is not None:
                out.extend(acl_commands("TABLE", rel.qname, c["acl"], [], r["owner"], sub=qi(c["attname"])))
        return out

    def _separate_default(self, rel: _Rel, c: Row, expr: str | None = None) -> None:
        r = rel.row
        expr = c["default_expr"] if expr is None else expr
        deps = self._deps("d", r["oid"], c["attnum"]) | {("r", r["oid"])}
        self.add(
            PRIO_ATTRDEF,
            r["nspname"],
            r["relname"],
            ("ad", r["oid"] * 10000 + c["attnum"]),
            [f"ALTER TABLE ONLY {rel.qname} ALTER COLUMN {qi(c['attname'])} SET DEFAULT {expr};"],
            tiebreak=f"{c['attnum']:06d}",
            deps=deps,
        )

    def _default_is_separate(self, rel: _Rel, c: Row) -> bool:
        """A default using a sequence owned by its own table would make a dependency loop: pg_dump
        breaks it by writing the default as a separate ALTER TABLE (repairTableAttrDefMultiLoop)."""
        for kind, ref in self.deps_raw.get(("d", rel.row["oid"], c["attnum"]), ()):
            seq = self.rels.get(ref) if kind == "r" else None
            if seq is not None and seq.row["relkind"] == "S" and seq.row["owning_rel"] == rel.row["oid"]:
                return True
        return False

    def _column_alters(self, rel: _Rel, printed: set[str], inh_notnull: dict[str, bool]) -> list[str]:
        """Per-column ALTERs pg_dump appends to CREATE TABLE (NOT NULL of unprinted columns,
        statistics, storage, compression, options, FDW options)."""
        out: list[str] = []
        qname = rel.qname
        foreign = "FOREIGN " if rel.row["relkind"] == "f" else ""
        for c in rel.cols:
            col = qi(c["attname"])
            if (
                rel.row["relkind"] in ("r", "p", "f")
                and c["attname"] not in printed
                and c["attnotnull"]
                and not inh_notnull.get(c["attname"], False)
            ):
                out.append(f"ALTER {foreign}TABLE ONLY {qname} ALTER COLUMN {col} SET NOT NULL;")
            if c["attstattarget"] >= 0:
                target = c["attstattarget"]
                out.append(f"ALTER {foreign}TABLE ONLY {qname} ALTER COLUMN {col} SET STATISTICS {target};")
            if c["attstorage"] != c["typstorage"]:
                storage = {"p": "PLAIN", "e": "EXTERNAL", "m": "MAIN", "x": "EXTENDED"}[c["attstorage"]]
                out.append(f"ALTER {foreign}TABLE ONLY {qname} ALTER COLUMN {col} SET STORAGE {storage};")
            if c["attcompression"] in ("p", "l"):
                method = "pglz" if c["attcompression"] == "p" else "lz4"
                out.append(f"ALTER {foreign}TABLE ONLY {qname} ALTER COLUMN {col} SET COMPRESSION {method};")
            if c["attoptions"]:
                # Debian's 15.20 build keeps a private pg_attver=N entry here, which its pg_dump hides
                options = ", ".join(o for o in c["attoptions"] if not o.startswith("pg_attver="))
            else:
                options = ""
            if options:
                out.append(f"ALTER {foreign}TABLE ONLY {qname} ALTER COLUMN {col} SET ({options});")
            if c["fdwoptions"]:
                out.append(
                    f"ALTER FOREIGN TABLE {qname} ALTER COLUMN {col} OPTIONS (\n    {c['fdwoptions']}\n);"
                )
        return out

    def _table(
        self,
        rel: _Rel,
        notnull_by_rel: dict[int, dict[str, bool]],
        default_by_rel: dict[int, dict[str, bool]],
    ) -> None:
        r = rel.row
        name = rel.qname
        ispartition = bool(r["relispartition"])
        parents = [p for p in r["parents"] or () if p in self.rels]
        inh_notnull: dict[str, bool] = {}
        inh_default: dict[str, bool] = {}
        for p in parents:
            for col, nn in notnull_by_rel.get(p, {}).items():
                inh_notnull[col] = inh_notnull.get(col, False) or nn
            for col, has in default_by_rel.get(p, {}).items():
                inh_default[col] = inh_default.get(col, False) or has
        deps = self._deps("r", r["oid"]) | self.class_deps.get(r["oid"], set())
        if not ispartition:
            deps |= {("r", p) for p in parents}
        items: list[str] = []
        printed: set[str] = set()
        separate: list[tuple[Row, str]] = []
        for c in rel.cols:
            should_print = c["attislocal"] or ispartition
            expr = c["default_expr"]
            if expr is None and inh_default.get(c["attname"]) and not c["attgenerated"]:
                expr = "NULL"  # pg_dump manufactures DEFAULT NULL where a parent has a default
            if not should_print:
                if expr is not None and not c["attgenerated"]:
                    separate.append((c, expr))
                continue
            printed.add(c["attname"])
            print_default = expr is not None
            if print_default and not c["attgenerated"] and self._default_is_separate(rel, c):
                separate.append((c, expr))
                print_default = False
            if expr is not None and c["default_expr"] is not None:
                deps |= self._deps("d", r["oid"], c["attnum"]) if print_default else set()
            print_notnull = c["attnotnull"] and (not inh_notnull.get(c["attname"], False) or ispartition)
            if r["oftype"] and not print_default and not print_notnull:
                continue
            text = qi(c["attname"])
            if not r["oftype"]:
                text += f" {c['typname']}"
            if print_default:
                if c["attgenerated"] == "s":
                    text += f" GENERATED ALWAYS AS ({expr}) STORED"
                else:
                    text += f" DEFAULT {expr}"
            if print_notnull:
                text += " NOT NULL"
            if c["collation"]:
                text += f" COLLATE {c['collation']}"
            items.append(text)
        for con in self.checks.get(r["oid"], []):
            if not con["convalidated"] or (not con["conislocal"] and not ispartition):
                continue
            items.append(f"CONSTRAINT {qi(con['conname'])} {self._undomain(rel, con['condef'])}")
            deps |= self._deps("c", r["oid"])
        unlogged = "UNLOGGED " if r["relpersistence"] == "u" else ""
        foreign = "FOREIGN " if r["relkind"] == "f" else ""
        text = f"CREATE {unlogged}{foreign}TABLE {name}"
        if r["oftype"]:
            text += f" OF {r['oftype']}"
        if items:
            text += " (\n    " + ",\n    ".join(items) + "\n)"
        elif not r["oftype"]:
            text += " (\n)"
        if parents and not ispartition:
            text += "\nINHERITS (" + ", ".join(self.rels[p].qname for p in parents) + ")"
        if r["relkind"] == "p":
            text += f"\nPARTITION BY {r['partkey']}"
        if r["relkind"] == "f":
            text += f"\nSERVER {r['srvname']}"
        opts = _reloptions(r["reloptions"]) + _reloptions(r["toast_reloptions"], "toast.")
        if opts:
            text += f"\nWITH ({', '.join(opts)})"
        if r["relkind"] == "f" and r["ftoptions"]:
            text += f"\nOPTIONS (\n    {r['ftoptions']}\n)"
        sql = [text + ";"]
        sql.extend(self._column_alters(rel, printed, inh_notnull))
        sql.extend(self._replica_identity(rel))
        sql = self._access_method(rel, sql)
        if r["relforcerowsecurity"]:
            sql.append(f"ALTER TABLE ONLY {name} FORCE ROW LEVEL SECURITY;")
        sql.append(f"ALTER {foreign}TABLE {name} OWNER TO {qi(r['owner'])};")
        sql.extend(self._rel_comments(rel, _RELKIND_WORD[r["relkind"]]))
        self.add(
            PRIO_TABLE, r["nspname"], r["relname"], ("r", r["oid"]), sql, deps=deps, acl=self._rel_acl(rel)
        )
        for c, expr in separate:
            self._separate_default(rel, c, expr)
        if ispartition and parents:
            parent = self.rels[parents[0]]
            self.add(
                PRIO_TABLE_ATTACH,
                r["nspname"],
                r["relname"],
                ("att", r["oid"]),
                [f"ALTER TABLE ONLY {parent.qname} ATTACH PARTITION {name} {r['partbound']};"],
                deps=[("r", r["oid"]), ("r", parent.row["oid"])],
            )
        if r["relrowsecurity"]:
            self.add(
                PRIO_POLICY,
                r["nspname"],
                r["relname"],
                ("rls", r["oid"]),
                [f"ALTER TABLE {name} ENABLE ROW LEVEL SECURITY;"],
                deps=[("r", r["oid"])],
            )

    # ---- post-data

    def constraints(self) -> None:
        # a partition's foreign key of its own follows its parents' keys: written before them, an
        # equivalent one would be read as adopted by them (as restoring pg_dump's order does)
        parent_fks: dict[int, list[int]] = defaultdict(list)
        for con in self.rows["constraints"]:
            if con["contype"] == "f" and not con["conparentid"] and not con["contypid"]:
                parent_fks[con["conrelid"]].append(con["oid"])
        for con in self.rows["constraints"]:
            if con["contypid"]:
                continue
            rel = self.rels.get(con["conrelid"])
            if rel is None:
                continue
            r = rel.row
            extra: list[NodeId] = []
            if con["contype"] == "c" and con["convalidated"]:
                # written inside CREATE TABLE; pg_dump still comments on it separately
                if con["description"] is not None:
                    target = f"{qi(con['conname'])} ON {rel.qname}"
                    self.add(
                        PRIO_CONSTRAINT,
                        r["nspname"],
                        con["conname"],
                        ("con", con["oid"]),
                        _comment("CONSTRAINT", target, con["description"]),
                        tiebreak=r["relname"],
                        deps=[("r", r["oid"])],
                    )
                continue
            if con["contype"] == "c":
                if not con["conislocal"] and not r["relispartition"]:
                    continue
                condef = self._undomain(rel, con["condef"])
                sql = [f"ALTER TABLE {rel.qname}\n    ADD CONSTRAINT {qi(con['conname'])} {condef};"]
                prio = PRIO_CONSTRAINT
            elif con["contype"] == "f":
                if con["conparentid"]:
                    continue  # cloned from the partitioned parent's foreign key
                only = "" if r["relkind"] == "p" else "ONLY "
                sql = [
                    f"ALTER TABLE {only}{rel.qname}\n    ADD CONSTRAINT {qi(con['conname'])} {con['condef']};"
                ]
                prio = PRIO_FK_CONSTRAINT
                if r["relispartition"]:
                    extra = [("con", oid) for a in self._ancestors(rel) for oid in parent_fks.get(a, ())]
            else:
                idx = self.index_by_oid.get(con["conindid"])
                condef = con["condef"]
                if con["contype"] in ("p", "u") and idx is not None and idx["reloptions"]:
                    # pg_dump builds PRIMARY KEY / UNIQUE itself, with the index's storage options
                    # (pg_get_constraintdef prints them only for ALTER TABLE's own rebuilds)
                    with_ = f" WITH ({', '.join(_reloptions(idx['reloptions']))})"
                    m = re.search(r" DEFERRABLE( INITIALLY DEFERRED)?$", condef)
                    cut = m.start() if m else len(condef)
                    condef = condef[:cut] + with_ + condef[cut:]
                sql = [f"ALTER TABLE ONLY {rel.qname}\n    ADD CONSTRAINT {qi(con['conname'])} {condef};"]
                prio = PRIO_CONSTRAINT
                if idx is not None and idx["indisclustered"]:
                    sql.append(f"ALTER TABLE {rel.qname} CLUSTER ON {qi(idx['relname'])};")
            sql.extend(_comment("CONSTRAINT", f"{qi(con['conname'])} ON {rel.qname}", con["description"]))
            self.add(
                prio,
                r["nspname"],
                con["conname"],
                ("con", con["oid"]),
                sql,
                tiebreak=r["relname"],
                deps=[("r", r["oid"]), *extra],
            )

    def _ancestors(self, rel: _Rel) -> list[int]:
        """Oids of the tables partition `rel` is (directly or not) a partition of."""
        out: list[int] = []
        while rel.row["relispartition"] and rel.row["parents"]:
            parent = self.rels.get(rel.row["parents"][0])
            if parent is None or parent.row["oid"] in out:
                break
            out.append(parent.row["oid"])
            rel = parent
        return out

    def indexes(self) -> None:
        for i in self.rows["indexes"]:
            rel = self.rels.get(i["indrelid"])
            if rel is None:
                continue
            r = rel.row
            qidx = qn(r["nspname"], i["relname"])
            sql: list[str] = []
            if i["conoid"] is None:
                sql.append(i["indexdef"] + ";")
                for st in i["stattargets"] or ():
                    attnum, target = st.split(" ")
                    sql.append(f"ALTER INDEX {qidx} ALTER COLUMN {attnum} SET STATISTICS {target};")
                if i["indisclustered"]:
                    sql.append(f"ALTER TABLE {rel.qname} CLUSTER ON {qi(i['relname'])};")
            if i["indisreplident"]:
                sql.append(f"ALTER TABLE ONLY {rel.qname} REPLICA IDENTITY USING INDEX {qi(i['relname'])};")
            sql.extend(_comment("INDEX", qidx, i["description"]))
            deps: list[NodeId] = [("r", r["oid"])]
            if i["conoid"] is not None:
                deps.append(("con", i["conoid"]))
            if sql:
                self.add(PRIO_INDEX, r["nspname"], i["relname"], ("i", i["indexrelid"]), sql, deps=deps)
            parent = self.index_by_oid.get(i["parent_index"]) if i["parent_index"] else None
            if parent is not None:
                prel = self.rels.get(parent["indrelid"])
                if prel is None:
                    continue
                pq = qn(prel.row["nspname"], parent["relname"])
                self.add(
                    PRIO_INDEX_ATTACH,
                    r["nspname"],
                    i["relname"],
                    ("ia", i["indexrelid"]),
                    [f"ALTER INDEX {pq} ATTACH PARTITION {qidx};"],
                    deps=[
                        ("i", i["indexrelid"]),
                        ("i", parent["indexrelid"]),
                        ("con", i["conoid"] or 0),
                        ("con", parent["conoid"] or 0),
                    ],
                )

    def statistics(self) -> None:
        for s in self.rows["statistics"]:
            name = qn(s["nspname"], s["stxname"])
            sql = [s["def"] + ";"]
            if s["stxstattarget"] >= 0:
                sql.append(f"ALTER STATISTICS {name} SET STATISTICS {s['stxstattarget']};")
            sql.append(f"ALTER STATISTICS {name} OWNER TO {qi(s['owner'])};")
            sql.extend(_comment("STATISTICS", name, s["description"]))
            self.add(
                PRIO_STATSEXT, s["nspname"], s["stxname"], ("s", s["oid"]), sql, deps=[("r", s["stxrelid"])]
            )

    def rules(self) -> None:
        for ru in self.rows["rules"]:
            rel = self.rels.get(ru["ev_class"])
            if rel is None:
                continue
            sql = [ru["ruledef"].rstrip().rstrip(";") + ";"]
            state = {"D": "DISABLE", "A": "ENABLE ALWAYS", "R": "ENABLE REPLICA"}.get(ru["ev_enabled"])
            if state:
                sql.append(f"ALTER TABLE {rel.qname} {state} RULE {qi(ru['rulename'])};")
            sql.extend(_comment("RULE", f"{qi(ru['rulename'])} ON {rel.qname}", ru["description"]))
            self.add(
                PRIO_RULE,
                rel.row["nspname"],
                ru["rulename"],
                ("ru", ru["oid"]),
                sql,
                tiebreak=rel.row["relname"],
                deps=[("r", rel.row["oid"])],
            )

    def triggers(self) -> None:
        for t in self.rows["triggers"]:
            rel = self.rels.get(t["tgrelid"])
            if rel is None:
                continue
            sql: list[str] = []
            if not t["is_clone"]:
                sql.append(t["tgdef"] + ";")
            state = {"D": "DISABLE", "A": "ENABLE ALWAYS", "R": "ENABLE REPLICA", "O": "ENABLE"}.get(
                t["tgenabled"]
            )
            if state and (t["tgenabled"] != "O" or t["is_clone"]):
                foreign = "FOREIGN " if rel.row["relkind"] == "f" else ""
                sql.append(f"ALTER {foreign}TABLE {rel.qname} {state} TRIGGER {qi(t['tgname'])};")
            sql.extend(_comment("TRIGGER", f"{qi(t['tgname'])} ON {rel.qname}", t["description"]))
            self.add(
                PRIO_TRIGGER,
                rel.row["nspname"],
                t["tgname"],
                ("tg", t["oid"]),
                sql,
                tiebreak=rel.row["relname"],
                deps=[("r", rel.row["oid"])],
            )

    def policies(self) -> None:
        for p in self.rows["policies"]:
            rel = self.rels.get(p["polrelid"])
            if rel is None:
                continue
            cmd = {"*": "", "r": " FOR SELECT", "a": " FOR INSERT", "w": " FOR UPDATE", "d": " FOR DELETE"}[
                p["polcmd"]
            ]
            text = f"CREATE POLICY {qi(p['polname'])} ON {rel.qname}"
            if not p["polpermissive"]:
                text += " AS RESTRICTIVE"
            text += cmd
            if p["roles"] is not None:
                text += f" TO {p['roles']}"
            if p["qual"] is not None:
                text += f" USING ({p['qual']})"
            if p["withcheck"] is not None:
                text += f" WITH CHECK ({p['withcheck']})"
            sql = [text + ";"]
            sql.extend(_comment("POLICY", f"{qi(p['polname'])} ON {rel.qname}", p["description"]))
            self.add(
                PRIO_POLICY,
                rel.row["nspname"],
                p["polname"],
                ("pol", p["oid"]),
                sql,
                tiebreak=rel.row["relname"],
                deps=[("r", rel.row["oid"])],
            )

    def publications(self) -> None:
        for p in self.rows["publications"]:
            name = qi(p["pubname"])
            text = f"CREATE PUBLICATION {name}"
            if p["puballtables"]:
                text += " FOR ALL TABLES"
            ops = [
                op
                for op, on in (
                    ("insert", p["pubinsert"]),
                    ("update", p["pubupdate"]),
                    ("delete", p["pubdelete"]),
                    ("truncate", p["pubtruncate"]),
                )
                if on
            ]
            text += f" WITH (publish = '{', '.join(ops)}'"
            if p["pubviaroot"]:
                text += ", publish_via_partition_root = true"
            text += ");"
            sql = [text, f"ALTER PUBLICATION {name} OWNER TO {qi(p['owner'])};"]
            sql.extend(_comment("PUBLICATION", name, p["description"]))
            self.add(PRIO_PUBLICATION, "", p["pubname"], ("pub", p["oid"]), sql)
            for item in p["rels"] or ():
                relid_s, cols, qual = item.split("|", 2)
                rel = self.rels.get(int(relid_s))
                if rel is None:
                    continue
                stmt = f"ALTER PUBLICATION {name} ADD TABLE ONLY {rel.qname}"
                if cols:
                    stmt += f" ({cols})"
                if qual:
                    stmt += f" WHERE ({qual})"
                self.add(
                    PRIO_PUBLICATION_REL,
                    rel.row["nspname"],
                    f"{p['pubname']} {rel.row['relname']}",
                    ("pubrel", 0),
                    [stmt + ";"],
                    deps=[("pub", p["oid"]), ("r", rel.row["oid"])],
                )
            for nsp_oid in p["schemas"] or ():
                nsp = self.nsp_by_oid.get(nsp_oid)
                if nsp is None:
                    continue
                self.add(
                    PRIO_PUBLICATION_SCHEMA,
                    nsp,
                    p["pubname"],
                    ("pubns", 0),
                    [f"ALTER PUBLICATION {name} ADD TABLES IN SCHEMA {qi(nsp)};"],
                    deps=[("pub", p["oid"])],
                )

    def others(self) -> None:
        """Operators, text search objects, FDWs, servers, access methods, casts, event triggers."""
        for row in self.rows["other_objects"]:
            getattr(self, f"_other_{row['kind']}")(row["oid"], row["nspname"], row["data"])

    def _other_operator(self, oid: int, schema: str, d: Row) -> None:
        parts = [f"FUNCTION = {d['code']}"]
        if d["left"] is not None:
            parts.append(f"LEFTARG = {d['left']}")
        if d["right"] is not None:
            parts.append(f"RIGHTARG = {d['right']}")
        if d["com"]:
            parts.append(f"COMMUTATOR = {d['com']}")
        if d["neg"]:
            parts.append(f"NEGATOR = {d['neg']}")
        if d["merges"]:
            parts.append("MERGES")
        if d["hashes"]:
            parts.append("HASHES")
        if d["rest"]:
            parts.append(f"RESTRICT = {d['rest']}")
        if d["join"]:
            parts.append(f"JOIN = {d['join']}")
        name = f"{qi(schema)}.{d['name']}"
        sig = f"{name}({d['left'] or 'NONE'}, {d['right'] or 'NONE'})"
        sql = [
            f"CREATE OPERATOR {name} (\n    " + ",\n    ".join(parts) + "\n);",
            f"ALTER OPERATOR {sig} OWNER TO {qi(d['owner'])};",
            *_comment("OPERATOR", sig, d["description"]),
        ]
        self.add(PRIO_OPERATOR, schema, d["name"], ("op", oid), sql, tiebreak=sig, deps=[("f", d["func"])])

    def _other_ts_parser(self, oid: int, schema: str, d: Row) -> None:
        name = qn(schema, d["name"])
        text = (
            f"CREATE TEXT SEARCH PARSER {name} (\n    START = {d['start']},\n    GETTOKEN = {d['token']},\n"
        )
        text += f"    END = {d['end']},\n"
        if d["headline"]:
            text += f"    HEADLINE = {d['headline']},\n"
        text += f"    LEXTYPES = {d['lextype']} );"
        sql = [text, *_comment("TEXT SEARCH PARSER", name, d["description"])]
        self.add(PRIO_TSPARSER, schema, d["name"], ("tsp", oid), sql)

    def _other_ts_template(self, oid: int, schema: str, d: Row) -> None:
        name = qn(schema, d["name"])
        text = f"CREATE TEXT SEARCH TEMPLATE {name} (\n"
        if d["init"]:
            text += f"    INIT = {d['init']},\n"
        text += f"    LEXIZE = {d['lexize']} );"
        sql = [text, *_comment("TEXT SEARCH TEMPLATE", name, d["description"])]
        self.add(PRIO_TSTEMPLATE, schema, d["name"], ("tst", oid), sql)

    def _other_ts_dict(self, oid: int, schema: str, d: Row) -> None:
        name = qn(schema, d["name"])
        text = f"CREATE TEXT SEARCH DICTIONARY {name} (\n    TEMPLATE = {d['template']}"
        if d["options"]:
            text += f",\n    {d['options']}"
        sql = [
            text + " );",
            f"ALTER TEXT SEARCH DICTIONARY {name} OWNER TO {qi(d['owner'])};",
            *_comment("TEXT SEARCH DICTIONARY", name, d["description"]),
        ]
        self.add(PRIO_TSDICT, schema, d["name"], ("tsd", oid), sql)

    def _other_ts_config(self, oid: int, schema: str, d: Row) -> None:
        name = qn(schema, d["name"])
        text = f"CREATE TEXT SEARCH CONFIGURATION {name} (\n    PARSER = {d['parser']} );"
        mappings: list[tuple[str, list[str]]] = []
        for token, dictname in d["maps"] or ():
            if mappings and mappings[-1][0] == token:
                mappings[-1][1].append(dictname)
            else:
                mappings.append((token, [dictname]))
        sql = [text]
        for token, dicts in mappings:
            mapping = f"ADD MAPPING FOR {qi(token)} WITH {', '.join(dicts)}"
            sql.append(f"ALTER TEXT SEARCH CONFIGURATION {name}\n    {mapping};")
        sql.append(f"ALTER TEXT SEARCH CONFIGURATION {name} OWNER TO {qi(d['owner'])};")
        sql.extend(_comment("TEXT SEARCH CONFIGURATION", name, d["description"]))
        self.add(PRIO_TSCONFIG, schema, d["name"], ("tsc", oid), sql)

    def _other_fdw(self, oid: int, schema: str, d: Row) -> None:
        name = qi(d["name"])
        text = f"CREATE FOREIGN DATA WRAPPER {name}"
        if d["handler"]:
            text += f" HANDLER {d['handler']}"
        if d["validator"]:
            text += f" VALIDATOR {d['validator']}"
        if d["options"]:
            text += f" OPTIONS (\n    {d['options']}\n)"
        sql = [
            text + ";",
            f"ALTER FOREIGN DATA WRAPPER {name} OWNER TO {qi(d['owner'])};",
            *_comment("FOREIGN DATA WRAPPER", name, d["description"]),
        ]
        acl = acl_commands("FOREIGN DATA WRAPPER", name, d["acl"], d["baseacl"], d["owner"])
        self.add(PRIO_FDW, schema, d["name"], ("fdw", oid), sql, acl=acl)

    def _other_server(self, oid: int, schema: str, d: Row) -> None:
        name = qi(d["name"])
        text = f"CREATE SERVER {name}"
        if d["type"]:
            text += f" TYPE {ql(d['type'])}"
        if d["version"]:
            text += f" VERSION {ql(d['version'])}"
        text += f" FOREIGN DATA WRAPPER {qi(d['fdw'])}"
        if d["options"]:
            text += f" OPTIONS (\n    {d['options']}\n)"
        sql = [
            text + ";",
            f"ALTER SERVER {name} OWNER TO {qi(d['owner'])};",
            *_comment("SERVER", name, d["description"]),
        ]
        for user, options, readable in d["mappings"] or ():
            if not readable:  # its options are hidden from this account: left out, not guessed
                self.hidden_mappings.append(f"{user} SERVER {d['name']}")
                continue
            mapping = f"CREATE USER MAPPING FOR {qi(user)} SERVER {name}"
            if options:
                mapping += f" OPTIONS (\n    {options}\n)"
            sql.append(mapping + ";")
        acl = acl_commands("FOREIGN SERVER", name, d["acl"], d["baseacl"], d["owner"])
        self.add(
            PRIO_FOREIGN_SERVER, schema, d["name"], ("srv", oid), sql, deps=[("fdw", d["fdwoid"])], acl=acl
        )

    def _other_access_method(self, oid: int, schema: str, d: Row) -> None:
        kind = {"i": "TYPE INDEX ", "t": "TYPE TABLE "}.get(d["type"], "")
        sql = [
            f"CREATE ACCESS METHOD {qi(d['name'])} {kind}HANDLER {d['handler']};",
            *_comment("ACCESS METHOD", qi(d["name"]), d["description"]),
        ]
        self.add(PRIO_ACCESS_METHOD, schema, d["name"], ("am", oid), sql)

    def _other_cast(self, oid: int, schema: str, d: Row) -> None:
        target = f"({d['source']} AS {d['target']})"
        text = f"CREATE CAST {target} "
        if d["method"] == "b":
            text += "WITHOUT FUNCTION"
        elif d["method"] == "i":
            text += "WITH INOUT"
        elif d["funcsig"]:
            text += f"WITH FUNCTION {d['funcsig']}"
        if d["context"] == "a":
            text += " AS ASSIGNMENT"
        elif d["context"] == "i":
            text += " AS IMPLICIT"
        sql = [text + ";", *_comment("CAST", target, d["description"])]
        self.add(
            PRIO_CAST, schema, f"{d['source']} {d['target']}", ("cast", oid), sql, deps=[("f", d["func"])]
        )

    def _other_event_trigger(self, oid: int, schema: str, d: Row) -> None:
        name = qi(d["name"])
        text = f"CREATE EVENT TRIGGER {name} ON {qi(d['event'])}"
        if d["tags"]:
            text += f"\n         WHEN TAG IN ({d['tags']})"
        sql = [text + f"\n   EXECUTE FUNCTION {d['func']}();"]
        state = {"D": "DISABLE", "A": "ENABLE ALWAYS", "R": "ENABLE REPLICA"}.get(d["enabled"])
        if state:
            sql.append(f"ALTER EVENT TRIGGER {name} {state};")
        sql.append(f"ALTER EVENT TRIGGER {name} OWNER TO {qi(d['owner'])};")
        sql.extend(_comment("EVENT TRIGGER", name, d["description"]))
        self.add(PRIO_EVENT_TRIGGER, schema, d["name"], ("evt", oid), sql)

    def default_acls(self) -> list[str]:
        kinds = {"r": "TABLES", "S": "SEQUENCES", "f": "FUNCTIONS", "T": "TYPES", "n": "SCHEMAS"}
        out: list[str] = []
        rows = sorted(
            self.rows["default_acls"], key=lambda d: (d["nspname"] or "", d["role"], d["defaclobjtype"])
        )
        for d in rows:
            kind = kinds.get(d["defaclobjtype"])
            if kind is None:
                continue
            prefix = f"ALTER DEFAULT PRIVILEGES FOR ROLE {qi(d['role'])} "
            if d["nspname"] is not None:
                prefix += f"IN SCHEMA {qi(d['nspname'])} "
            out.extend(acl_commands(kind, "", d["acl"], d["baseacl"], d["role"], prefix=prefix))
        return out
