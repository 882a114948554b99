"""Live MySQL/MariaDB: read information_schema with a fixed set of queries and write mariadb-dump-style DDL.

The text imitates `mariadb-dump --no-data --routines --triggers --events` (MariaDB 10.11): CREATE TABLE
as SHOW CREATE TABLE prints it, then triggers after their table, events, routines and views in
`DELIMITER ;;` blocks, so that the offline parser reads a live database and a dump file the same way.

One query per catalog table, all inside one `START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY`:
the number of queries does not grow with the number of tables. The only statement built from the
catalog is the MariaDB sequence query (one UNION ALL over every sequence: SHOW CREATE SEQUENCE's values
are in the sequence table itself, information_schema.SEQUENCES only exists from MariaDB 11.5).
information_schema is not versioned, so the snapshot makes the reads consistent only as far as the
server's data dictionary allows (MySQL 8: atomic DDL; MariaDB: .frm files are read as they are).

What information_schema cannot tell is listed in `KNOWN_GAPS`; the reader writes its best guess.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ddlcompare import dburl
from ddlcompare.dburl import DbUrl
from ddlcompare.dialects.mysql.privileges import Access, grantee, names
from ddlcompare.dialects.mysql.types import SPATIAL_TYPES
from ddlcompare.errors import DdlError
from ddlcompare.model.base import RelationSize, Unseen

if TYPE_CHECKING:
    from ddlcompare.dialects import LoadOptions
    from ddlcompare.model.base import Schema

Row = dict[str, Any]

_QUERY_DIR = Path(__file__).with_name("queries")
_SOCKET = "/run/mysqld/mysqld.sock"  # Debian/Ubuntu packages' default socket, for hints
# one file per catalog table (`name.flavor.sql` overrides `name.sql`); the order is the order they run in
QUERY_NAMES = (
    "tables",
    "columns",
    "statistics",
    "foreign_keys",
    "checks",
    "partitions",
    "views",
    "triggers",
    "routines",
    "parameters",
    "events",
)
# besides QUERY_NAMES: two session SETs, the account query, SHOW GRANTS, START TRANSACTION, COMMIT, and
# for MariaDB the sequence query (MySQL 8 with active roles: SHOW GRANTS ... USING them as well)
SETUP_STATEMENTS = 6
# what a database-level SELECT is needed for: without it information_schema shows only the tables the
# account has table-level grants on, and none of their CHECK and FOREIGN KEY constraints
RELATION_KINDS = frozenset(
    ("table", "view", "sequence", "primary_key", "unique", "index", "check", "foreign_key", "trigger")
)

KNOWN_GAPS = (
    "USING BTREE/HASH written explicitly on an index whose engine default it is (not in STATISTICS)",
    "KEY_BLOCK_SIZE and WITH PARSER on an index; DATA/INDEX DIRECTORY, UNION, INSERT_METHOD, CONNECTION",
    "LIST partitioning DEFAULT partition (information_schema shows it as VALUES IN (0))",
    "per-partition options other than COMMENT (MAX_ROWS, DATA DIRECTORY, ...)",
    "PARTITION BY SYSTEM_TIME LIMIT n (INTERVAL is inferred from the partition bounds)",
    "application-time PERIOD: recognised from its implicit CHECK (`start` < `end`) on temporal columns",
    "routine parameter lists and trigger headers are rebuilt (SHOW CREATE prints the original text)",
    "trigger FOLLOWS/PRECEDES (the order is kept: triggers are written in ACTION_ORDER)",
    "character set introducers of view literals (VIEW_DEFINITION is view_body_utf8, printed without them)",
    "what the account may see is worked out from SHOW GRANTS as the server combines them (first matching"
    " database pattern per grantee); the definer of a routine without SELECT on mysql.proc is refused",
    "MariaDB AGGREGATE functions and Oracle-mode packages",
    "MySQL 8: view ALGORITHM (not in information_schema.VIEWS), untested against a MySQL server",
)

_SEQ_COLUMNS = (
    "start_value",
    "minimum_value",
    "maximum_value",
    "increment",
    "cache_size",
    "cycle_option",
    "next_not_cached_value",
)


@dataclass(frozen=True, slots=True)
class CatalogDump:
    """What read_catalog returns: mariadb-dump-style DDL, how many statements ran, server version,
    and what the account could not see (left out of the text)."""

    text: str
    queries: int
    server_version: str
    unseen: tuple[Unseen, ...] = ()
    sizes: Mapping[tuple[str, str], RelationSize] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class _Hidden:
    """What the builder leaves out because the account cannot see (all of) it."""

    relations: bool = False  # tables, views and sequences (no database-level SELECT)
    views: frozenset[str] = frozenset()  # views whose definition is hidden (no SHOW VIEW)
    routines: bool = False  # bodies hidden (no SELECT on mysql.proc / SHOW_ROUTINE)


# --------------------------------------------------------------------------------------------
# URLs


@dataclass(frozen=True, slots=True)
class MyUrl:
    """A mysql:// or mariadb:// URL and the PyMySQL settings its query gives."""

    url: DbUrl
    unix_socket: str | None = None
    connect_timeout: int = 10
    option_file: str | None = None  # ?read_default_file= (instead of ~/.my.cnf)
    option_group: str | None = None  # ?read_default_group= (read after [client])

    @property
    def scheme(self) -> str:
        return self.url.scheme

    @property
    def user(self) -> str:
        return self.url.user or ""

    @property
    def password(self) -> str | None:
        return self.url.password

    @property
    def host(self) -> str:
        return self.url.hosts[0].name if self.url.hosts and self.url.hosts[0].name else "localhost"

    @property
    def port(self) -> int:
        return (self.url.hosts[0].port if self.url.hosts else None) or 3306

    @property
    def database(self) -> str:
        return self.url.database or ""

    def redacted(self) -> str:
        """The URL without its password, as error messages and source names show it."""
        return self.url.redacted


def redact(url: str) -> str:
    """URL without its password (see ddlcompare.dburl)."""
    return dburl.redact(url)


_PARAMS = ("unix_socket", "socket", "connect_timeout", "read_default_file", "read_default_group")


def parse_url(url: str) -> MyUrl:
    """Parse `mysql://user:password@host:port/db?unix_socket=/path` (also mariadb://, mysql+pymysql://)."""
    u = dburl.parse(url)
    shown = u.redacted
    if u.dialect != "mysql":
        raise DdlError(f"{shown}: not a MySQL/MariaDB URL", hint="use mysql://user:password@host:port/db")
    if len(u.hosts) > 1:
        raise DdlError(f"{shown}: a MySQL/MariaDB URL names one host")
    if not u.database or "/" in u.database:
        raise DdlError(
            f"{shown}: the URL names no database",
            hint="add the database after the host: mysql://user@host/db",
        )
    settings: dict[str, str] = {}
    for key, value in (*u.params, *u.secret_params):
        if key not in _PARAMS or (key == "connect_timeout" and not value.isdigit()):
            raise DdlError(
                f"{shown}: unknown URL parameter {key!r}",
                hint=f"known parameters: {', '.join(_PARAMS)}, user, password",
            )
        settings["unix_socket" if key == "socket" else key] = value
    return MyUrl(
        url=u,
        unix_socket=settings.get("unix_socket") or None,
        connect_timeout=int(settings.get("connect_timeout", 10)),
        option_file=settings.get("read_default_file") or None,
        option_group=settings.get("read_default_group") or None,
    )


# --------------------------------------------------------------------------------------------
# Option files (the [client] group of ~/.my.cnf, as the mysql client reads it) and MYSQL_PWD

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "s": " ", '"': '"', "'": "'", "\\": "\\"}


def _option_value(text: str) -> str:
    """An option value as the mysql client reads it: a `#` outside quotes starts a comment, one pair of
    surrounding quotes is removed, and backslash escapes (\\n \\t \\s ...) are replaced."""
    quote, escaped = "", False
    for i, c in enumerate(text):
        if c in "'\"" and not escaped:
            quote = c if not quote else "" if c == quote else quote
        elif c == "#" and not quote:
            text = text[:i]
            break
        escaped = bool(quote) and c == "\\" and not escaped
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        text = text[1:-1]
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(0)), text)


def read_option_file(path: Path, groups: Sequence[str]) -> dict[str, str]:
    """`key = value` of the given groups of an option file, later groups winning; `-` and `_` are the
    same in names, `loose-` prefixes are dropped, `!include` lines are ignored."""
    out: dict[str, str] = {}
    wanted = False
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        line = line.strip()
        if not line or line[0] in "#;!":
            continue
        if line.startswith("["):
            wanted = line[1 : line.find("]")].strip().lower() in groups if "]" in line else False
            continue
        if not wanted:
            continue
        key, eq, value = line.partition("=")
        key = key.strip().lower().replace("_", "-").removeprefix("loose-")
        out[key] = _option_value(value) if eq else ""
    return out


def _options(u: MyUrl) -> dict[str, str]:
    """The option file's values for this URL: ?read_default_file= or ~/.my.cnf, [client] then
    ?read_default_group=."""
    groups = ["client"] + ([u.option_group.lower()] if u.option_group else [])
    if u.option_file is None:
        path = Path.home() / ".my.cnf"
        if not path.is_file():
            return {}
    else:
        path = Path(u.option_file).expanduser()
    try:
        values = read_option_file(path, groups)
    except OSError as e:
        if u.option_file is None:  # the client too goes on without an unreadable default file
            return {}
        raise DdlError(f"{u.redacted()}: cannot read option file {path}: {e.strerror}") from None
    return values


@dataclass(frozen=True, slots=True)
class _Login:
    """Where and as whom to connect, after the URL, the option file and MYSQL_PWD have had their say."""

    user: str | None
    password: str | None = field(repr=False)
    host: str
    port: int
    unix_socket: str | None


def _login(u: MyUrl) -> _Login:
    """The URL wins over the option file, which wins over MYSQL_PWD (as for the mysql client); the
    file's socket is used when the host is localhost, as the client does."""
    opts = _options(u)
    password = u.password
    if password is None and opts.get("password"):
        password = opts["password"]
    if password is None and os.environ.get("MYSQL_PWD"):
        password = os.environ["MYSQL_PWD"]
    if password:
        dburl.register_secret(password)
    first = u.url.hosts[0] if u.url.hosts else None
    host = (first.name if first and first.name else None) or opts.get("host") or "localhost"
    port_text = str(first.port) if first and first.port else opts.get("port") or "3306"
    if not port_text.isdigit():
        raise DdlError(f"{u.redacted()}: the option file's port is not a number")
    socket = u.unix_socket or (opts.get("socket") if host == "localhost" else None) or None
    return _Login(u.url.user or opts.get("user") or None, password, host, int(port_text), socket)


# --------------------------------------------------------------------------------------------
# Quoting, as the server prints


def qi(name: str, quote: str = "`") -> str:
    """An identifier as SHOW CREATE prints it (always quoted, the quote doubled inside)."""
    return quote + name.replace(quote, quote * 2) + quote


_QL_ESCAPES = str.maketrans({"'": "''", "\\": "\\\\", "\0": "\\0", "\n": "\\n", "\r": "\\r"})


def ql(value: str) -> str:
    """A string literal as the server's append_unescaped() writes COMMENTs (sql_show.cc)."""
    return "'" + value.translate(_QL_ESCAPES) + "'"


def definer(value: str, quote: str = "`") -> str:
    """`user@host` as `user`@`host` (a MariaDB role definer has no host)."""
    user, at, host = value.rpartition("@")
    if not at:
        return qi(value, quote)
    return f"{qi(user, quote)}@{qi(host, quote)}"


def _quote_char(sql_mode: str | None) -> str:
    """The identifier quote SHOW CREATE PROCEDURE/FUNCTION uses for a routine stored under `sql_mode`."""
    return '"' if sql_mode and "ANSI_QUOTES" in sql_mode.split(",") else "`"


_TOKEN = re.compile(r"'(?:[^'\\]++|\\.|'')*+'|\"(?:[^\"\\]++|\\.|\"\")*+\"|`(?:[^`]++|``)*+`|[^'\"`]+", re.S)


def strip_db(sql: str, db: str) -> str:
    """Remove `db`. qualifiers outside literals: SHOW CREATE VIEW omits the current database."""
    target = qi(db) + "."
    if target not in sql:
        return sql
    out: list[str] = []
    for m in _TOKEN.finditer(sql):
        tok = m.group(0)
        # a backquoted name directly followed by "." and another backquoted name is a qualifier
        if tok == qi(db) and sql.startswith(".`", m.end()):
            out.append("\0")
            continue
        out.append(tok)
    return "".join(out).replace("\0.", "")


# --------------------------------------------------------------------------------------------
# Reading


def _load_query(name: str, flavor: str) -> str:
    specific = _QUERY_DIR / f"{name}.{flavor}.sql"
    path = specific if specific.is_file() else _QUERY_DIR / f"{name}.sql"
    return path.read_text(encoding="utf-8")


def _connect(u: MyUrl) -> tuple[Any, Callable[[str], str]]:
    """A PyMySQL connection and a scrub for the driver's messages (the password wherever it came from),
    or a DdlError that says what to try."""
    import pymysql

    login = _login(u)
    secrets = u.url.secrets | (dburl.forms(login.password, login.password) if login.password else set())

    def scrub(text: str) -> str:
        return dburl.scrub(text, secrets)

    kwargs: dict[str, Any] = {
        "user": login.user,
        # bytes: PyMySQL would encode a str password as latin-1 (and fail on other characters)
        "password": (login.password or "").encode("utf-8"),
        "database": u.database,
        "charset": "utf8mb4",
        "connect_timeout": u.connect_timeout,
        "autocommit": True,
        "cursorclass": pymysql.cursors.DictCursor,
    }
    if login.unix_socket:
        kwargs["unix_socket"] = login.unix_socket
    else:
        kwargs["host"] = login.host
        kwargs["port"] = login.port
    try:
        return pymysql.connect(**kwargs), scrub
    except pymysql.err.MySQLError as e:
        code = e.args[0] if e.args and isinstance(e.args[0], int) else 0
        text = scrub(str(e.args[1]) if len(e.args) > 1 else str(e))
        hint = "check host, port, user and password"
        if code in (1045, 1698) and not login.unix_socket:
            # MariaDB installs root with unix_socket authentication (MariaDB 10.4+, Debian since 10.0):
            # over TCP the server refuses it with 1698 whatever the password
            hint = (
                "root is often allowed only over the local socket: "
                f"try {u.scheme}://{u.user or 'root'}@localhost/{u.database}?unix_socket={_SOCKET}"
            )
        elif code == 1049:
            hint = "the database does not exist on this server (SHOW DATABASES lists them)"
        elif code in (2002, 2003, 2005, 2006, 2013):
            hint = (
                f"is the server running and reachable? for a local server try ?unix_socket={_SOCKET}"
                if not login.unix_socket
                else f"is the server running and is {login.unix_socket} its socket?"
            )
        raise DdlError(f"{u.redacted()}: cannot connect: {text}", hint=hint) from None
    except (OSError, ValueError) as e:
        raise DdlError(f"{u.redacted()}: cannot connect: {scrub(str(e))}") from None


def read_catalog(url: str) -> CatalogDump:
    """Read a live database with a fixed number of information_schema queries; mariadb-dump-style DDL."""
    import pymysql

    u = parse_url(url)
    conn, scrub = _connect(u)
    rows: dict[str, list[Row]] = {}
    sent = 0
    current = "setup"
    try:
        with conn, conn.cursor() as cur:
            # MariaDB's handshake prefixes "5.5.5-" for old replication clients (MDEV-4088)
            version = str(conn.get_server_info()).removeprefix("5.5.5-")
            flavor = "mariadb" if "mariadb" in version.lower() else "mysql"
            # sql_mode affects how expressions are printed (ANSI_QUOTES); +00:00 is what mysqldump sets,
            # so TIMESTAMP defaults print the same; MySQL 8 caches TABLES statistics (AUTO_INCREMENT)
            session = "SET SESSION sql_mode = '', time_zone = '+00:00'"
            if flavor == "mysql":
                session += ", information_schema_stats_expiry = 0"
            cur.execute(session)
            # read-only twice over: for the whole session, and for the snapshot transaction itself
            cur.execute("SET SESSION TRANSACTION READ ONLY")
            sent += 2
            current = "grants"
            cur.execute(
                "SELECT CURRENT_USER() AS user, CURRENT_ROLE() AS role, @@lower_case_table_names AS lctn"
            )
            account = cur.fetchone()
            cur.execute("SHOW GRANTS")
            sent += 2
            grant_lines = [str(next(iter(r.values()))) for r in cur.fetchall()]
            role = account["role"]
            if flavor == "mysql" and role and role != "NONE":
                # MySQL 8 lists a role's privileges only when asked to (MariaDB lists the enabled ones)
                cur.execute(f"SHOW GRANTS FOR CURRENT_USER() USING {role}")
                sent += 1
                grant_lines = [str(next(iter(r.values()))) for r in cur.fetchall()]
            access = Access.from_show_grants(grant_lines, fold=int(account["lctn"] or 0) != 0)
            cur.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY")
            sent += 1
            for name in QUERY_NAMES:
                current = name
                cur.execute(_load_query(name, flavor), {"db": u.database})
                sent += 1
                rows[name] = list(cur.fetchall())
            if flavor == "mariadb" and access.has("SELECT", u.database):
                current = "sequences"
                seqs = sorted(r["TABLE_NAME"] for r in rows["tables"] if r["TABLE_TYPE"] == "SEQUENCE")
                cur.execute(_sequence_query(u.database, seqs))
                sent += 1
                rows["sequences"] = list(cur.fetchall())
            else:
                rows["sequences"] = []
            cur.execute("COMMIT")
            sent += 1
    except DdlError:
        raise
    except pymysql.err.MySQLError as e:
        text = scrub(str(e.args[1]) if len(e.args) > 1 else str(e))
        raise DdlError(f"{u.redacted()}: catalog query {current!r} failed: {text}") from None
    hidden, unseen = _visibility(access, u.database, flavor, version, rows, grantee(str(account["user"])))
    text = _Builder(rows, u.database, version, flavor, hidden).build()
    return CatalogDump(
        text=text, queries=sent, server_version=version, unseen=unseen, sizes=_sizes(rows["tables"])
    )


def _sizes(tables: Iterable[Row]) -> dict[tuple[str, str], RelationSize]:
    """Each base table's estimated rows and bytes (data and indexes) from information_schema.TABLES:
    the engine's statistics (InnoDB samples them), for the report's impact analysis. Tables are
    keyed with the schema "" as the model keys them (one database per source)."""
    out = {}
    for r in tables:
        if r["TABLE_TYPE"] not in ("BASE TABLE", "SYSTEM VERSIONED"):
            continue
        data, index = r["DATA_LENGTH"], r["INDEX_LENGTH"]
        size = None if data is None and index is None else int(data or 0) + int(index or 0)
        rows = r["TABLE_ROWS"]
        out[("", str(r["TABLE_NAME"]))] = RelationSize(None if rows is None else int(rows), size)
    return out


def _visibility(
    access: Access, db: str, flavor: str, version: str, rows: dict[str, list[Row]], who: str
) -> tuple[_Hidden, tuple[Unseen, ...]]:
    """What the account cannot see of `db`: from its grants where information_schema hides rows
    without a trace (tables, triggers, events, routines), from the rows where it blanks them (view
    definitions, routine bodies, foreign keys' rules)."""
    out: list[Unseen] = []
    on_db = f"{qi(db)}.*"

    def needs(privilege: str, why: str = "") -> str:
        grant = f"GRANT {privilege} ON {on_db} TO {who}"
        return f"the account needs the {privilege} privilege on {db}{why} ({grant})"

    relations = not access.has("SELECT", db)
    if relations:
        out.append(
            Unseen(
                RELATION_KINDS,
                "",
                what=f"the tables, views and sequences of {db}",
                reason=needs(
                    "SELECT",
                    " as a whole: with table-level grants information_schema shows only those tables, "
                    "and none of their CHECK and FOREIGN KEY constraints",
                ),
            )
        )
    kinds = {r["TABLE_NAME"]: r["TABLE_TYPE"] for r in rows["tables"]}
    definitions = {v["TABLE_NAME"]: v["VIEW_DEFINITION"] for v in rows["views"]}
    views = sorted(
        (n for n, k in kinds.items() if k == "VIEW" and not definitions.get(n)), key=_sort_key
    )
    if views and not relations:
        out.append(
            Unseen(
                frozenset(("view",)),
                "",
                frozenset(views),
                what=f"the definitions of views {names(views)}",
                reason=needs("SHOW VIEW"),
            )
        )
    fk_tables = sorted(
        {f["TABLE_NAME"] for f in rows["foreign_keys"] if f["UPDATE_RULE"] is None}, key=_sort_key
    )
    if fk_tables and not relations:
        out.append(
            Unseen(
                frozenset(("foreign_key",)),
                "",
                frozenset(fk_tables),
                what=f"the foreign keys of {names(fk_tables)}",
                reason="information_schema shows a foreign key's rules only to an account with a privilege "
                f"besides SELECT on its table, e.g. SHOW VIEW (GRANT SHOW VIEW ON {on_db} TO {who})",
            )
        )
    if not access.has("TRIGGER", db):
        tables = [n for n, k in kinds.items() if k in ("BASE TABLE", "SYSTEM VERSIONED")]
        missing = sorted((t for t in tables if not access.has("TRIGGER", db, t)), key=_sort_key)
        if relations or missing:
            partly = not relations and len(missing) < len(tables)
            out.append(
                Unseen(
                    frozenset(("trigger",)),
                    "",
                    None if relations else frozenset(missing),
                    what=f"the triggers of tables {names(missing)}" if partly else f"the triggers of {db}",
                    reason=needs("TRIGGER"),
                )
            )
    if not access.has("EVENT", db):
        out.append(Unseen(frozenset(("event",)), "", what=f"the events of {db}", reason=needs("EVENT")))
    routines = not _sees_routines(access, db, flavor, version) or any(
        r["ROUTINE_DEFINITION"] is None for r in rows["routines"]
    )
    if routines:
        if flavor == "mysql":
            reason = f"the account needs the SHOW_ROUTINE privilege (GRANT SHOW_ROUTINE ON *.* TO {who})"
        elif _version(version) >= (11, 3):
            reason = needs("SHOW CREATE ROUTINE")
        else:
            reason = f"the account needs SELECT on mysql.proc (GRANT SELECT ON `mysql`.`proc` TO {who})"
        out.append(
            Unseen(
                frozenset(("procedure", "function")),
                "",
                what=f"the stored procedures and functions of {db}",
                reason=reason,
            )
        )
    return _Hidden(relations, frozenset(views), routines), tuple(out)


def _version(version: str) -> tuple[int, int]:
    m = re.match(r"(\d+)\.(\d+)", version)
    return (int(m.group(1)), int(m.group(2))) if m else (0, 0)


def _sees_routines(access: Access, db: str, flavor: str, version: str) -> bool:
    """Whether information_schema shows every routine of `db` with its body to this account (besides
    their definer): MySQL 8.0.20+ SHOW_ROUTINE or global SELECT; MariaDB SELECT on mysql.proc, or from
    11.3 SHOW CREATE ROUTINE."""
    if flavor == "mysql":
        return access.has_global("SHOW_ROUTINE") or access.has_global("SELECT")
    if access.has("SELECT", "mysql", "proc"):
        return True
    return _version(version) >= (11, 3) and access.has("SHOW CREATE ROUTINE", db)


def _sequence_query(db: str, names: Sequence[str]) -> str:
    """One SELECT over every sequence table (a sequence's settings are its only row); empty when none."""
    cols = ", ".join(_SEQ_COLUMNS)
    if not names:
        return f"SELECT NULL AS name, {', '.join(f'NULL AS {c}' for c in _SEQ_COLUMNS)} FROM DUAL WHERE 0"
    parts = [f"SELECT {ql(n)} AS name, {cols} FROM {qi(db)}.{qi(n)}" for n in names]
    return "\nUNION ALL\n".join(parts)


def inspect(url: str, options: LoadOptions) -> Schema:
    """Read a live MySQL/MariaDB database into the model through the offline parser; what the account
    cannot see is an error, or with `skip_unreadable` left out of comparisons with a warning."""
    from ddlcompare.dialects import unreadable
    from ddlcompare.dialects.mysql.parse import parse

    dump = read_catalog(url)
    shown = dburl.redact(url)
    schema = dataclasses.replace(parse(dump.text, shown, options), sizes=dump.sizes)
    return unreadable(schema, dump.unseen, shown, options)


# --------------------------------------------------------------------------------------------
# Building the dump text


@dataclass(slots=True)
class _Index:
    """One key of a table: name, kind and parts in key order."""

    name: str
    non_unique: bool
    index_type: str
    comment: str
    ignored: bool
    parts: list[Row] = field(default_factory=list)


@dataclass(slots=True)
class _Table:
    """A table (or view, or sequence) row with everything hanging off it."""

    row: Row
    columns: list[Row] = field(default_factory=list)
    indexes: dict[str, _Index] = field(default_factory=dict)
    fks: dict[str, list[Row]] = field(default_factory=dict)
    checks: list[Row] = field(default_factory=list)
    partitions: list[Row] = field(default_factory=list)
    triggers: list[Row] = field(default_factory=list)

    @property
    def name(self) -> str:
        return str(self.row["TABLE_NAME"])


def _sort_key(name: str) -> bytes:
    """Byte order of names, as SHOW TABLES and InnoDB's foreign key set sort them."""
    return name.encode("utf-8")


def _split_options(text: str) -> list[str]:
    """CREATE_OPTIONS split on the spaces between options (engine attribute values may hold spaces)."""
    return [m.group(0) for m in re.finditer(r"(?:`(?:[^`]++|``)*+`|'(?:[^'\\]++|\\.|'')*+'|[^\s`']+)+", text)]


def _table_options(create_options: str | None) -> list[str]:
    """CREATE_OPTIONS items as SHOW CREATE TABLE writes them: `row_format=DYNAMIC` -> `ROW_FORMAT=DYNAMIC`."""
    out = []
    for item in _split_options(create_options or ""):
        if item == "partitioned":
            continue
        name, eq, value = item.partition("=")
        if not eq:
            out.append(item)
        elif name.startswith("`"):
            out.append(item)  # engine-defined attribute, already as SHOW CREATE TABLE prints it
        else:
            out.append(f"{name.upper()}={value}")
    return out


_INTERVAL_UNITS = (("WEEK", 604800), ("DAY", 86400), ("HOUR", 3600), ("MINUTE", 60), ("SECOND", 1))


def _system_time_interval(bounds: Sequence[str | None]) -> tuple[str, datetime] | None:
    """`INTERVAL n UNIT` and STARTS inferred from the history partitions' upper bounds, else None.

    A LIMIT-partitioned table has no bounds (NULL): its LIMIT is not in information_schema.
    """
    try:
        times = [datetime.strptime(b, "%Y-%m-%d %H:%M:%S") for b in bounds if b is not None]
    except ValueError:
        return None
    if len(times) != len(bounds):
        return None
    if len(times) < 2:
        return None
    a, b = times[0], times[1]
    months = (b.year - a.year) * 12 + b.month - a.month
    if months > 0 and a.replace(year=b.year, month=b.month) == b:
        unit = "YEAR" if months % 12 == 0 else "MONTH"
        n = months // 12 if unit == "YEAR" else months
        back_months = a.year * 12 + a.month - 1 - months
        try:
            start = a.replace(year=back_months // 12, month=back_months % 12 + 1)
        except ValueError:
            return None
        return f"{n} {unit}", start
    secs = int((b - a).total_seconds())
    if secs <= 0:
        return None
    for unit, size in _INTERVAL_UNITS:
        if secs % size == 0:
            return f"{secs // size} {unit}", a - (b - a)
    return None


class _Builder:
    """Turn the catalog rows into mariadb-dump-ordered DDL text."""

    def __init__(
        self, rows: dict[str, list[Row]], db: str, version: str, flavor: str, hidden: _Hidden | None = None
    ) -> None:
        self.rows = rows
        self.db = db
        self.version = version
        self.mariadb = flavor == "mariadb"
        self.hidden = hidden or _Hidden()
        self.tables: dict[str, _Table] = {}
        for r in rows["tables"]:
            if not self.hidden.relations and r["TABLE_NAME"] not in self.hidden.views:
                self.tables[r["TABLE_NAME"]] = _Table(r)
        for c in rows["columns"]:
            t = self.tables.get(c["TABLE_NAME"])
            if t is not None:
                t.columns.append(c)
        for s in rows["statistics"]:
            t = self.tables.get(s["TABLE_NAME"])
            if t is None:
                continue
            idx = t.indexes.get(s["INDEX_NAME"])
            if idx is None:
                idx = _Index(
                    name=s["INDEX_NAME"],
                    non_unique=bool(int(s["NON_UNIQUE"])),
                    index_type=s["INDEX_TYPE"] or "",
                    comment=s["INDEX_COMMENT"] or "",
                    ignored=s["IGNORED"] == "YES",
                )
                t.indexes[idx.name] = idx
            idx.parts.append(s)
        for idx_table in self.tables.values():
            for idx in idx_table.indexes.values():
                idx.parts.sort(key=lambda p: int(p["SEQ_IN_INDEX"]))
        for f in rows["foreign_keys"]:
            t = self.tables.get(f["TABLE_NAME"])
            if t is not None and f["UPDATE_RULE"] is not None:  # without its rules: reported unseen
                t.fks.setdefault(f["CONSTRAINT_NAME"], []).append(f)
        for ch in rows["checks"]:
            t = self.tables.get(ch["TABLE_NAME"])
            if t is not None:
                t.checks.append(ch)
        for p in rows["partitions"]:
            t = self.tables.get(p["TABLE_NAME"])
            if t is not None:
                t.partitions.append(p)
        for tr in rows["triggers"]:
            t = self.tables.get(tr["EVENT_OBJECT_TABLE"])
            if t is not None:
                t.triggers.append(tr)
        self.params: dict[tuple[str, str], list[Row]] = defaultdict(list)
        for p in rows["parameters"]:
            self.params[(p["ROUTINE_TYPE"], p["SPECIFIC_NAME"])].append(p)
        self.sequences = {r["name"]: r for r in rows["sequences"] if r.get("name") is not None}
        self.views = {v["TABLE_NAME"]: v for v in rows["views"]}

    # ---- whole text

    def build(self) -> str:
        out: list[str] = [self.header()]
        ordered = sorted(self.tables.values(), key=lambda t: _sort_key(t.name))
        for t in ordered:
            if t.row["TABLE_TYPE"] == "SEQUENCE":
                out.append(self.sequence(t))
        for t in ordered:
            kind = t.row["TABLE_TYPE"]
            if kind == "VIEW":
                out.append(self.view_placeholder(t))
            elif kind != "SEQUENCE":
                out.append(self.table(t))
                out.extend(self.trigger(t, tr) for tr in t.triggers)
        out.append(self.events())
        out.append(self.routines())
        out.extend(self.view(t) for t in self.views_in_dependency_order(ordered))
        out.append(self.footer())
        return "".join(out)

    def header(self) -> str:
        return (
            "-- ddlcompare live catalog\n"
            "-- in the form of mariadb-dump --no-data --routines --triggers --events\n"
            f"-- Database: {self.db}\n"
            f"-- Server version\t{self.version}\n\n"
            "/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;\n"
            "/*!40101 SET @OLD_CHARACTER_SET_RESULTS=@@CHARACTER_SET_RESULTS */;\n"
            "/*!40101 SET @OLD_COLLATION_CONNECTION=@@COLLATION_CONNECTION */;\n"
            "/*!40101 SET NAMES utf8mb4 */;\n"
            "/*!40103 SET @OLD_TIME_ZONE=@@TIME_ZONE */;\n"
            "/*!40103 SET TIME_ZONE='+00:00' */;\n"
            "/*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */;\n"
            "/*!40014 SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */;\n"
            "/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */;\n"
            "/*!40111 SET @OLD_SQL_NOTES=@@SQL_NOTES, SQL_NOTES=0 */;\n"
        )

    def footer(self) -> str:
        return (
            "/*!40103 SET TIME_ZONE=@OLD_TIME_ZONE */;\n\n"
            "/*!40101 SET SQL_MODE=@OLD_SQL_MODE */;\n"
            "/*!40014 SET FOREIGN_KEY_CHECKS=@OLD_FOREIGN_KEY_CHECKS */;\n"
            "/*!40014 SET UNIQUE_CHECKS=@OLD_UNIQUE_CHECKS */;\n"
            "/*!40101 SET CHARACTER_SET_CLIENT=@OLD_CHARACTER_SET_CLIENT */;\n"
            "/*!40101 SET CHARACTER_SET_RESULTS=@OLD_CHARACTER_SET_RESULTS */;\n"
            "/*!40101 SET COLLATION_CONNECTION=@OLD_COLLATION_CONNECTION */;\n"
            "/*!40111 SET SQL_NOTES=@OLD_SQL_NOTES */;\n\n"
            "-- Dump completed\n"
        )

    # ---- sequences

    def sequence(self, t: _Table) -> str:
        s = self.sequences.get(t.name)
        head = f"\n--\n-- Sequence structure for {qi(t.name)}\n--\n\nDROP SEQUENCE IF EXISTS {qi(t.name)};\n"
        if s is None:
            return head + f"-- sequence {qi(t.name)} could not be read\n"
        # SHOW CREATE SEQUENCE (sql_sequence.cc, MariaDB 10.3+): lower-case words, then table options
        text = (
            f"CREATE SEQUENCE {qi(t.name)} start with {s['start_value']} minvalue {s['minimum_value']}"
            f" maxvalue {s['maximum_value']} increment by {s['increment']}"
            + (f" cache {s['cache_size']}" if int(s["cache_size"]) else " nocache")
            + (" cycle" if int(s["cycle_option"]) else " nocycle")
            + f" ENGINE={t.row['ENGINE']}"
        )
        if t.row["TABLE_COMMENT"]:
            text += f" COMMENT={ql(t.row['TABLE_COMMENT'])}"
        # mariadb-dump keeps the next value even with --no-data
        return head + text + f";\nDO SETVAL({qi(t.name)}, {s['next_not_cached_value']}, 0);\n"

    # ---- tables

    def table(self, t: _Table) -> str:
        return (
            f"\n--\n-- Table structure for table {qi(t.name)}\n--\n\n"
            f"DROP TABLE IF EXISTS {qi(t.name)};\n"
            "/*!40101 SET @saved_cs_client     = @@character_set_client */;\n"
            "/*!40101 SET character_set_client = utf8mb4 */;\n"
            f"{self.create_table(t)};\n"
            "/*!40101 SET character_set_client = @saved_cs_client */;\n"
        )

    def create_table(self, t: _Table) -> str:
        r = t.row
        column_checks: dict[str, list[Row]] = defaultdict(list)
        table_checks: list[Row] = []
        period = self.app_period(t)
        for ch in t.checks:
            if period is not None and ch is period[0]:
                continue
            if ch["LEVEL"] == "Column":
                column_checks[ch["CONSTRAINT_NAME"]].append(ch)
            else:
                table_checks.append(ch)
        lines = [self.column(t, c, column_checks.get(c["COLUMN_NAME"], ())) for c in t.columns]
        if period is not None:
            lines.append(f"PERIOD FOR {qi(period[1])} ({qi(period[2])}, {qi(period[3])})")
        lines.extend(self.key(t, idx, period) for idx in t.indexes.values())
        row_start = [c for c in t.columns if c["GENERATION_EXPRESSION"] == "ROW START"]
        row_end = [c for c in t.columns if c["GENERATION_EXPRESSION"] == "ROW END"]
        if row_start and row_end:
            lines.append(
                f"PERIOD FOR SYSTEM_TIME ({qi(row_start[0]['COLUMN_NAME'])}, {qi(row_end[0]['COLUMN_NAME'])})"
            )
        for name in sorted(t.fks, key=_sort_key):
            lines.append(self.foreign_key(name, t.fks[name]))
        for ch in table_checks:
            lines.append(self.check(ch))
        text = f"CREATE TABLE {qi(t.name)} (\n  " + ",\n  ".join(lines) + "\n)"
        opts = [f"ENGINE={r['ENGINE']}"]
        if r["AUTO_INCREMENT"] is not None and int(r["AUTO_INCREMENT"]) > 1:
            opts.append(f"AUTO_INCREMENT={r['AUTO_INCREMENT']}")
        if r["TABLE_CHARSET"]:
            opts.append(f"DEFAULT CHARSET={r['TABLE_CHARSET']}")
        if r["TABLE_COLLATION"]:
            opts.append(f"COLLATE={r['TABLE_COLLATION']}")
        opts.extend(_table_options(r["CREATE_OPTIONS"]))
        if r["TABLE_COMMENT"]:
            opts.append(f"COMMENT={ql(r['TABLE_COMMENT'])}")
        if r["TABLE_TYPE"] == "SYSTEM VERSIONED":
            opts.append("WITH SYSTEM VERSIONING")
        text += " " + " ".join(opts)
        if t.partitions:
            text += self.partition_clause(t)
        return text

    def column(self, t: _Table, c: Row, checks: Iterable[Row]) -> str:
        r = t.row
        ctype = c["COLUMN_TYPE"]
        parts = [qi(c["COLUMN_NAME"]), ctype]
        extra = [e.strip() for e in (c["EXTRA"] or "").split(",") if e.strip()]
        lowered = [e.lower() for e in extra]
        coll = c["COLLATION_NAME"]
        if coll and coll != r["TABLE_COLLATION"]:
            if self.mariadb or c["CHARACTER_SET_NAME"] != r["TABLE_CHARSET"]:
                parts.append(f"CHARACTER SET {c['CHARACTER_SET_NAME']} COLLATE {coll}")
            else:
                parts.append(f"COLLATE {coll}")
        invisible = "invisible" in lowered
        gen = c["GENERATION_EXPRESSION"]
        if gen in ("ROW START", "ROW END"):
            parts.append(f"GENERATED ALWAYS AS {gen}")
            if invisible:
                parts.append("INVISIBLE")
        elif c["IS_GENERATED"] == "ALWAYS" and gen is not None:
            stored = any(e.startswith("stored") for e in lowered)
            parts.append(f"GENERATED ALWAYS AS ({gen}) {'STORED' if stored else 'VIRTUAL'}")
            if not self.mariadb and c["IS_NULLABLE"] == "NO":
                parts.append("NOT NULL")
            if invisible:
                parts.append("INVISIBLE" if self.mariadb else "/*!80023 INVISIBLE */")
        else:
            if c["IS_NULLABLE"] == "NO":
                parts.append("NOT NULL")
            elif ctype.startswith("timestamp"):
                parts.append("NULL")  # sql_show.cc: a nullable TIMESTAMP says so
            if invisible and self.mariadb:
                parts.append("INVISIBLE")
            default = self.default(c, lowered)
            if default is not None:
                parts.append(f"DEFAULT {default}")
            if "without system versioning" in lowered:
                parts.append("WITHOUT SYSTEM VERSIONING")
            for e, low in zip(extra, lowered, strict=True):
                if low.startswith("on update "):
                    on_update = e[len("on update ") :]
                    parts.append(f"ON UPDATE {on_update if self.mariadb else on_update.upper()}")
            if "auto_increment" in lowered:
                parts.append("AUTO_INCREMENT")
            if invisible and not self.mariadb:
                parts.append("/*!80023 INVISIBLE */")
        if c["COLUMN_COMMENT"]:
            parts.append(f"COMMENT {ql(c['COLUMN_COMMENT'])}")
        for ch in checks:
            parts.append(f"CHECK ({ch['CHECK_CLAUSE']})")
        return " ".join(parts)

    def default(self, c: Row, extra: Sequence[str]) -> str | None:
        """The DEFAULT clause's value as SHOW CREATE TABLE prints it, None for no clause."""
        value = c["COLUMN_DEFAULT"]
        if self.mariadb:
            # MariaDB 10.2.7+: already in SHOW CREATE TABLE form; 'NULL' is DEFAULT NULL
            return None if value is None else str(value)
        # MySQL 8: raw value; NULL means DEFAULT NULL for nullable columns that can have a literal default
        dtype = (c["DATA_TYPE"] or "").lower()
        if value is None:
            if c["IS_NULLABLE"] == "YES" and "auto_increment" not in extra and dtype not in _MYSQL_NO_DEFAULT:
                return "NULL"
            return None
        if "default_generated" in extra:
            if re.fullmatch(r"CURRENT_TIMESTAMP(\(\d\))?", value, re.I):
                return str(value).upper()
            return f"({value})"
        if dtype == "bit" or (value.startswith("0x") and dtype in ("binary", "varbinary")):
            return str(value)
        return ql(str(value))

    def app_period(self, t: _Table) -> tuple[Row, str, str, str] | None:
        """MariaDB application-time period (10.4+), recognised by its implicit CHECK (`s` < `e`)."""
        if not self.mariadb:
            return None
        temporal = {
            c["COLUMN_NAME"]
            for c in t.columns
            if c["IS_NULLABLE"] == "NO" and c["DATA_TYPE"] in ("date", "datetime", "timestamp")
        }
        for ch in t.checks:
            m = re.fullmatch(r"`((?:[^`]|``)+)` < `((?:[^`]|``)+)`", ch["CHECK_CLAUSE"] or "")
            if ch["LEVEL"] != "Table" or m is None:
                continue
            start, end = (g.replace("``", "`") for g in m.groups())
            if start in temporal and end in temporal and not ch["CONSTRAINT_NAME"].startswith("CONSTRAINT_"):
                return ch, ch["CONSTRAINT_NAME"], start, end
        return None

    def key(self, t: _Table, idx: _Index, period: tuple[Row, str, str, str] | None) -> str:
        engine = (t.row["ENGINE"] or "").upper()
        if idx.name == "PRIMARY":
            head = "PRIMARY KEY"
        elif idx.index_type == "FULLTEXT":
            head = f"FULLTEXT KEY {qi(idx.name)}"
        elif idx.index_type == "SPATIAL":
            head = f"SPATIAL KEY {qi(idx.name)}"
        elif not idx.non_unique:
            head = f"UNIQUE KEY {qi(idx.name)}"
        else:
            head = f"KEY {qi(idx.name)}"
        cols: list[str] = []
        parts = idx.parts
        overlaps = ""
        if (
            period is not None
            and not idx.non_unique
            and len(parts) >= 3
            and [p["COLUMN_NAME"] for p in parts[-2:]] == [period[3], period[2]]
        ):
            parts = parts[:-2]
            overlaps = f"{qi(period[1])} WITHOUT OVERLAPS"
        for p in parts:
            if p["COLUMN_NAME"] is None and p["EXPRESSION"]:
                col = f"({p['EXPRESSION']})"
            else:
                col = qi(p["COLUMN_NAME"])
                if p["SUB_PART"] is not None and idx.index_type != "SPATIAL":
                    col += f"({p['SUB_PART']})"
            if p["COLLATION"] == "D":
                col += " DESC"
            cols.append(col)
        if overlaps:
            cols.append(overlaps)
        text = f"{head} ({','.join(cols)})"
        # only a non-default algorithm is visible: HASH on a B-tree engine (MariaDB long unique keys,
        # 10.4+), BTREE on MEMORY (whose default is HASH)
        if idx.index_type == "HASH" and engine not in ("MEMORY", "HEAP"):
            text += " USING HASH"
        elif idx.index_type == "BTREE" and engine in ("MEMORY", "HEAP"):
            text += " USING BTREE"
        if idx.comment:
            text += f" COMMENT {ql(idx.comment)}"
        if idx.ignored:
            text += " IGNORED" if self.mariadb else " /*!80000 INVISIBLE */"
        return text

    def foreign_key(self, name: str, cols: list[Row]) -> str:
        first = cols[0]
        ref = qi(first["REFERENCED_TABLE_NAME"])
        if first["REFERENCED_TABLE_SCHEMA"] and first["REFERENCED_TABLE_SCHEMA"] != self.db:
            ref = f"{qi(first['REFERENCED_TABLE_SCHEMA'])}.{ref}"
        text = (
            f"CONSTRAINT {qi(name)} FOREIGN KEY ({', '.join(qi(c['COLUMN_NAME']) for c in cols)})"
            f" REFERENCES {ref} ({', '.join(qi(c['REFERENCED_COLUMN_NAME']) for c in cols)})"
        )
        # InnoDB prints an action unless it is the default RESTRICT (ha_innodb.cc get_foreign_key_create_info)
        if first["DELETE_RULE"] and first["DELETE_RULE"] != "RESTRICT":
            text += f" ON DELETE {first['DELETE_RULE']}"
        if first["UPDATE_RULE"] and first["UPDATE_RULE"] != "RESTRICT":
            text += f" ON UPDATE {first['UPDATE_RULE']}"
        return text

    def check(self, ch: Row) -> str:
        text = f"CONSTRAINT {qi(ch['CONSTRAINT_NAME'])} CHECK ({ch['CHECK_CLAUSE']})"
        if ch["ENFORCED"] == "NO":
            text += " /*!80016 NOT ENFORCED */"
        return text

    # ---- partitions

    def partition_clause(self, t: _Table) -> str:
        """` PARTITION BY ...` as MariaDB's generate_partition_syntax() writes it (sql_partition.cc)."""
        rows = t.partitions
        first = rows[0]
        engine = t.row["ENGINE"]
        method = first["PARTITION_METHOD"]
        parts: dict[str, list[Row]] = {}
        for p in rows:
            parts.setdefault(p["PARTITION_NAME"], []).append(p)
        names = list(parts)
        out = ""
        if method == "SYSTEM_TIME":
            out = "\n PARTITION BY SYSTEM_TIME"
            bounds = [ps[0]["PARTITION_DESCRIPTION"] for ps in parts.values()]
            interval = _system_time_interval([b for b in bounds if b != "CURRENT"])
            if interval is not None:
                out += f" INTERVAL {interval[0]} STARTS TIMESTAMP'{interval[1]:%Y-%m-%d %H:%M:%S}'"
            default = names == [f"p{i}" for i in range(len(names) - 1)] + ["pn"]
            if default:
                return out + f"\nPARTITIONS {len(names)}"
            items = [
                f"PARTITION {qi(n)} {'CURRENT' if ps[0]['PARTITION_DESCRIPTION'] == 'CURRENT' else 'HISTORY'}"
                f" ENGINE = {engine}"
                for n, ps in parts.items()
            ]
            return out + "\n(" + ",\n ".join(items) + ")"
        expr = first["PARTITION_EXPRESSION"] or ""
        if method.endswith("COLUMNS"):
            out = f"\n PARTITION BY {method.split()[0]}  COLUMNS({expr})"
        else:
            out = f"\n PARTITION BY {method} ({expr})"
        sub = first["SUBPARTITION_METHOD"]
        sub_default = True
        if sub:
            out += f"\nSUBPARTITION BY {sub} ({first['SUBPARTITION_EXPRESSION'] or ''})"
            sub_default = all(
                [p["SUBPARTITION_NAME"] for p in ps] == [f"{n}sp{i}" for i in range(len(ps))]
                for n, ps in parts.items()
            )
            if sub_default:
                out += f"\nSUBPARTITIONS {len(parts[names[0]])}"
        plain = method in ("HASH", "LINEAR HASH", "KEY", "LINEAR KEY")
        if (
            plain
            and not sub
            and names == [f"p{i}" for i in range(len(names))]
            and not any(ps[0]["PARTITION_COMMENT"] for ps in parts.values())
        ):
            # generate_partition_syntax() leaves out the default count of one
            return out + (f"\nPARTITIONS {len(names)}" if len(names) > 1 else "")
        items = []
        for n, ps in parts.items():
            p = ps[0]
            item = f"PARTITION {qi(n)}"
            desc = p["PARTITION_DESCRIPTION"]
            if method.startswith("RANGE"):
                item += " VALUES LESS THAN " + ("MAXVALUE" if desc == "MAXVALUE" else f"({desc})")
            elif method.startswith("LIST"):
                item += f" VALUES IN ({desc})"
            if p["PARTITION_COMMENT"]:
                item += f" COMMENT = {ql(p['PARTITION_COMMENT'])}"
            if sub and not sub_default:
                subs = [
                    f"SUBPARTITION {qi(s['SUBPARTITION_NAME'])}"
                    + (f" COMMENT = {ql(s['PARTITION_COMMENT'])}" if s["PARTITION_COMMENT"] else "")
                    + f" ENGINE = {engine}"
                    for s in ps
                ]
                item += "\n (" + ",\n  ".join(subs) + ")"
            else:
                item += f" ENGINE = {engine}"
            items.append(item)
        return out + "\n(" + ",\n ".join(items) + ")"

    # ---- views

    def view_placeholder(self, t: _Table) -> str:
        cols = ",\n ".join(f"NULL AS {qi(c['COLUMN_NAME'])}" for c in t.columns) or "1 AS `1`"
        return (
            f"\n--\n-- Temporary table structure for view {qi(t.name)}\n--\n\n"
            f"DROP TABLE IF EXISTS {qi(t.name)};\n"
            f"/*!50001 DROP VIEW IF EXISTS {qi(t.name)}*/;\n"
            "SET @saved_cs_client     = @@character_set_client;\n"
            "SET character_set_client = utf8mb4;\n"
            f"/*!50001 CREATE VIEW {qi(t.name)} AS SELECT\n {cols} */;\n"
            "SET character_set_client = @saved_cs_client;\n"
        )

    def views_in_dependency_order(self, ordered: Sequence[_Table]) -> list[_Table]:
        """Views by name, each moved after the views it selects from.

        mariadb-dump writes them by name only and relies on its placeholders, which breaks a view WITH
        CHECK OPTION over a later one (the placeholder is not updatable); this order loads as it is.
        """
        views = [t for t in ordered if t.row["TABLE_TYPE"] == "VIEW"]
        marker = {t.name: qi(self.db) + "." + qi(t.name) for t in views}
        deps = {
            t.name: {
                n
                for n, m in marker.items()
                if n != t.name and m in (self.views.get(t.name) or {}).get("VIEW_DEFINITION", "")
            }
            for t in views
        }
        out: list[_Table] = []
        done: set[str] = set()

        def visit(t: _Table, path: set[str]) -> None:
            if t.name in done or t.name in path:
                return
            path.add(t.name)
            for d in sorted(deps[t.name], key=_sort_key):
                visit(self.tables[d], path)
            done.add(t.name)
            out.append(t)

        for t in views:
            visit(t, set())
        return out

    def view(self, t: _Table) -> str:
        v = self.views.get(t.name)
        if v is None or not v["VIEW_DEFINITION"]:
            raise DdlError(
                f"view {self.db}.{t.name}: the definition is not readable",
                hint="the user needs the SHOW VIEW privilege (or to be the view's definer)",
            )
        body = strip_db(v["VIEW_DEFINITION"], self.db)
        check = v["CHECK_OPTION"]
        tail = f"\n/*!50002 WITH {check} CHECK OPTION */" if check and check != "NONE" else ""
        return (
            f"\n--\n-- Final view structure for view {qi(t.name)}\n--\n\n"
            f"/*!50001 DROP VIEW IF EXISTS {qi(t.name)}*/;\n"
            + self.charset_lines("50001", v, 25, ";")
            + f"/*!50001 CREATE ALGORITHM={v['ALGORITHM']} */\n"
            f"/*!50013 DEFINER={definer(v['DEFINER'])} SQL SECURITY {v['SECURITY_TYPE']} */\n"
            f"/*!50001 VIEW {qi(t.name)} AS {body} */{tail};\n" + self.charset_restore("50001", 25, ";")
        )

    @staticmethod
    def charset_lines(version: str, row: Row, width: int, end: str) -> str:
        """Save the client character set and set the object's, as mariadb-dump does around it."""
        pairs = (
            ("@saved_cs_client", "@@character_set_client"),
            ("@saved_cs_results", "@@character_set_results"),
            ("@saved_col_connection", "@@collation_connection"),
            ("character_set_client", row["CHARACTER_SET_CLIENT"]),
            ("character_set_results", row["CHARACTER_SET_CLIENT"]),
            ("collation_connection", row["COLLATION_CONNECTION"]),
        )
        return "".join(f"/*!{version} SET {k:<{width}}= {v} */{end}\n" for k, v in pairs)

    @staticmethod
    def charset_restore(version: str, width: int, end: str) -> str:
        """Restore what charset_lines() saved."""
        pairs = (
            ("character_set_client", "@saved_cs_client"),
            ("character_set_results", "@saved_cs_results"),
            ("collation_connection", "@saved_col_connection"),
        )
        return "".join(f"/*!{version} SET {k:<{width}}= {v} */{end}\n" for k, v in pairs)

    # ---- triggers, events, routines

    @staticmethod
    def _wrap(parts: Sequence[tuple[str, str]]) -> str:
        """`/*!NNNNN text*/` pieces, or the bare text when a piece holds `*/` (it would end the comment)."""
        if any("*/" in text for _, text in parts):
            return " ".join(text.strip() for _, text in parts)
        return " ".join(f"/*!{v} {text}*/" if v else text for v, text in parts)

    def trigger(self, t: _Table, tr: Row) -> str:
        head = (
            f"TRIGGER {qi(tr['TRIGGER_NAME'])} {tr['ACTION_TIMING']} {tr['EVENT_MANIPULATION']}"
            f" ON {qi(t.name)} FOR EACH ROW {tr['ACTION_STATEMENT']} "
        )
        stmt = self._wrap(
            [("50003", "CREATE"), ("50017", f"DEFINER={definer(tr['DEFINER'])}"), ("50003", head)]
        )
        return (
            self.charset_lines("50003", tr, 21, " ;")
            + "/*!50003 SET @saved_sql_mode       = @@sql_mode */ ;\n"
            + f"/*!50003 SET sql_mode              = {ql(tr['SQL_MODE'] or '')} */ ;\n"
            + "DELIMITER ;;\n"
            + stmt
            + ";;\nDELIMITER ;\n"
            + "/*!50003 SET sql_mode              = @saved_sql_mode */ ;\n"
            + self.charset_restore("50003", 21, " ;")
        )

    def events(self) -> str:
        evs = self.rows["events"]
        if not evs:
            return ""
        out = [
            f"\n--\n-- Dumping events for database {ql(self.db)}\n--\n",
            "/*!50106 SET @save_time_zone= @@TIME_ZONE */ ;\nDELIMITER ;;\n",
        ]
        for e in sorted(evs, key=lambda e: _sort_key(e["EVENT_NAME"])):
            out.append(f"/*!50106 DROP EVENT IF EXISTS {qi(e['EVENT_NAME'])} */;;\n")
            out.append(self.charset_lines("50003", e, 21, " ;;"))
            out.append("/*!50003 SET @saved_sql_mode       = @@sql_mode */ ;;\n")
            out.append(f"/*!50003 SET sql_mode              = {ql(e['SQL_MODE'] or '')} */ ;;\n")
            out.append("/*!50003 SET @saved_time_zone      = @@time_zone */ ;;\n")
            out.append(f"/*!50003 SET time_zone             = {ql(e['TIME_ZONE'] or 'SYSTEM')} */ ;;\n")
            out.append(
                self._wrap(
                    [
                        ("50106", "CREATE"),
                        ("50117", f"DEFINER={definer(e['DEFINER'])}"),
                        ("50106", self.event_text(e)),
                    ]
                )
                + " ;;\n"
            )
            out.append("/*!50003 SET time_zone             = @saved_time_zone */ ;;\n")
            out.append("/*!50003 SET sql_mode              = @saved_sql_mode */ ;;\n")
            out.append(self.charset_restore("50003", 21, " ;;"))
        out.append("DELIMITER ;\n/*!50106 SET TIME_ZONE= @save_time_zone */ ;\n")
        return "".join(out)

    @staticmethod
    def event_text(e: Row) -> str:
        """`EVENT ... DO body` as SHOW CREATE EVENT prints it (event_data_objects.cc get_create_event)."""
        text = f"EVENT {qi(e['EVENT_NAME'])} ON SCHEDULE "
        if e["EVENT_TYPE"] == "RECURRING":
            text += f"EVERY {e['INTERVAL_VALUE']} {e['INTERVAL_FIELD']}"
            if e["STARTS"] is not None:
                text += f" STARTS '{e['STARTS']}'"
            if e["ENDS"] is not None:
                text += f" ENDS '{e['ENDS']}'"
        else:
            text += f"AT '{e['EXECUTE_AT']}'"
        text += " ON COMPLETION " + ("PRESERVE" if e["ON_COMPLETION"] == "PRESERVE" else "NOT PRESERVE")
        status = e["STATUS"]
        text += " " + {"ENABLED": "ENABLE", "DISABLED": "DISABLE"}.get(status, "DISABLE ON SLAVE")
        if e["EVENT_COMMENT"]:
            text += f" COMMENT {ql(e['EVENT_COMMENT'])}"
        return text + f" DO {e['EVENT_DEFINITION']} "

    def routines(self) -> str:
        rts = self.rows["routines"]
        if not rts or self.hidden.routines:
            return ""
        out = [f"\n--\n-- Dumping routines for database {ql(self.db)}\n--\n"]
        for r in sorted(rts, key=lambda r: (r["ROUTINE_TYPE"], _sort_key(r["ROUTINE_NAME"]))):
            kind = r["ROUTINE_TYPE"]
            out.append("/*!50003 SET @saved_sql_mode       = @@sql_mode */ ;\n")
            out.append(f"/*!50003 SET sql_mode              = {ql(r['SQL_MODE'] or '')} */ ;\n")
            out.append(f"/*!50003 DROP {kind} IF EXISTS {qi(r['ROUTINE_NAME'])} */;\n")
            out.append(self.charset_lines("50003", r, 21, " ;"))
            out.append("DELIMITER ;;\n" + self.routine_text(r) + "\n;;\nDELIMITER ;\n")
            out.append("/*!50003 SET sql_mode              = @saved_sql_mode */ ;\n")
            out.append(self.charset_restore("50003", 21, " ;"))
        return "".join(out)

    def routine_text(self, r: Row) -> str:
        """CREATE PROCEDURE/FUNCTION as SHOW CREATE prints it, the parameter list rebuilt from PARAMETERS."""
        if r["ROUTINE_DEFINITION"] is None:
            raise DdlError(
                f"routine {self.db}.{r['ROUTINE_NAME']}: the body is not readable",
                hint="the user must be the routine's definer or have SELECT on mysql.proc "
                "(MariaDB) / SHOW_ROUTINE (MySQL 8)",
            )
        q = _quote_char(r["SQL_MODE"])
        kind = r["ROUTINE_TYPE"]
        params = []
        returns = ""
        db_coll = r["DATABASE_COLLATION"]
        db_cs = db_coll.split("_", 1)[0] if db_coll else None
        for p in self.params.get((kind, r["ROUTINE_NAME"]), ()):
            dtd = p["DTD_IDENTIFIER"]
            if int(p["ORDINAL_POSITION"]) == 0:
                # mysql.proc.returns is server-written: the character set is always spelled out
                returns = f" RETURNS {dtd}"
                if p["CHARACTER_SET_NAME"] and p["CHARACTER_SET_NAME"] != "binary":
                    returns += f" CHARSET {p['CHARACTER_SET_NAME']} COLLATE {p['COLLATION_NAME']}"
                continue
            text = f"{qi(p['PARAMETER_NAME'], q)} {dtd}"
            cs = p["CHARACTER_SET_NAME"]
            if cs and cs != "binary":
                if cs != db_cs:
                    text += f" CHARSET {cs}"
                    if p["COLLATION_IS_DEFAULT"] != "Yes":
                        text += f" COLLATE {p['COLLATION_NAME']}"
                elif p["COLLATION_NAME"] != db_coll:
                    text += f" COLLATE {p['COLLATION_NAME']}"
            if kind == "PROCEDURE":
                text = f"{p['PARAMETER_MODE']} {text}"
            params.append(text)
        head = (
            f"CREATE DEFINER={definer(r['DEFINER'], q)} {kind} {qi(r['ROUTINE_NAME'], q)}"
            f"({', '.join(params)}){returns}\n"
        )
        access = r["SQL_DATA_ACCESS"]
        if access and access != "CONTAINS SQL":
            head += f"    {access}\n"
        if r["IS_DETERMINISTIC"] == "YES":
            head += "    DETERMINISTIC\n"
        if r["SECURITY_TYPE"] == "INVOKER":
            head += "    SQL SECURITY INVOKER\n"
        if r["ROUTINE_COMMENT"]:
            head += f"    COMMENT {ql(r['ROUTINE_COMMENT'])}\n"
        return head + str(r["ROUTINE_DEFINITION"])


_MYSQL_NO_DEFAULT = frozenset(
    (
        "tinyblob",
        "blob",
        "mediumblob",
        "longblob",
        "tinytext",
        "text",
        "mediumtext",
        "longtext",
        "json",
    )
) | SPATIAL_TYPES
