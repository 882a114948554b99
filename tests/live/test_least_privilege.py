"""Least-privileged accounts on both servers: a clear error naming the missing grant, or with
--skip-unreadable a warned, partial comparison that plans nothing for what the account cannot see;
the documented grants read the same model as the superuser.

Each MariaDB case also asks the server, as the account, what information_schema shows it: the kinds
the reader reports unseen must really be hidden, and the others really shown, so that the reader's
reading of SHOW GRANTS is checked against the server and not against itself.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from ddlcompare import load
from ddlcompare.dialects import LoadOptions
from tests.support import mysql_url as my
from tests.support import pgdb
from tests.support.cli import run
from tests.support.diffjson import validated
from tests.support.servers import PG_HOST, PG_PORT, require_mariadb, require_pg

PASSWORD = "s3cr:et/pw"  # URL-quoted below; must never show in messages
QUOTED_PASSWORD = "s3cr%3Aet%2Fpw"

# ----------------------------------------------------------------------------------------------
# MariaDB

MY_FIXTURE = """
CREATE TABLE parent (id int PRIMARY KEY, name varchar(20) NOT NULL, CONSTRAINT positive CHECK (id > 0));
CREATE TABLE child (
  id int PRIMARY KEY, parent_id int, note varchar(20),
  CONSTRAINT fk_parent FOREIGN KEY (parent_id) REFERENCES parent (id) ON DELETE CASCADE
);
CREATE VIEW parent_names AS SELECT id, name FROM parent;
CREATE SEQUENCE tickets START WITH 10 INCREMENT BY 5;
DELIMITER ;;
CREATE TRIGGER parent_upper BEFORE INSERT ON parent FOR EACH ROW SET NEW.name = upper(NEW.name);;
CREATE PROCEDURE touch(IN x int) BEGIN SELECT x; END;;
CREATE FUNCTION plus_one(x int) RETURNS int DETERMINISTIC RETURN x + 1;;
CREATE EVENT purge_child ON SCHEDULE EVERY 1 DAY DO DELETE FROM child WHERE id < 0;;
DELIMITER ;
"""
# the file side differs from the database in a kind every account sees (a table) and in one the
# reduced accounts do not (a trigger): the first must be planned, the second left out
MY_EXTRA = """
CREATE TABLE extra_t (id int PRIMARY KEY);
DELIMITER ;;
CREATE TRIGGER child_note BEFORE INSERT ON child FOR EACH ROW SET NEW.note = 'x';;
DELIMITER ;
"""

# what information_schema shows of each kind (compared between the account and root)
MY_VISIBLE = {
    "tables": "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = %(db)s",
    "checks": "SELECT COUNT(*) FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = %(db)s",
    "views": "SELECT COUNT(*) FROM information_schema.VIEWS"
    " WHERE TABLE_SCHEMA = %(db)s AND VIEW_DEFINITION <> ''",
    "fks": "SELECT COUNT(*) FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = %(db)s",
    "triggers": "SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = %(db)s",
    "events": "SELECT COUNT(*) FROM information_schema.EVENTS WHERE EVENT_SCHEMA = %(db)s",
    "routines": "SELECT COUNT(*) FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = %(db)s"
    " AND ROUTINE_DEFINITION IS NOT NULL",
}
# the error's words for each unseen kind, and what a script must not touch when it is left out
MY_KINDS = {
    "tables": ("cannot see the tables, views and sequences", r"\bTABLE\b|\bSEQUENCE\b"),
    "views": ("cannot see the definitions of views parent_names", r"\bVIEW\b"),
    "fks": ("cannot see the foreign keys of child", r"FOREIGN KEY"),
    "triggers": ("cannot see the triggers", r"\bTRIGGER\b"),
    "events": ("cannot see the events", r"\bEVENT\b"),
    "routines": ("cannot see the stored procedures and functions", r"\bPROCEDURE\b|\bFUNCTION\b"),
}
# the GRANT each unseen kind's message suggests ({db}, {who} filled in)
MY_GRANTS = {
    "tables": "GRANT SELECT ON `{db}`.* TO {who}",
    "views": "GRANT SHOW VIEW ON `{db}`.* TO {who}",
    "fks": "GRANT SHOW VIEW ON `{db}`.* TO {who}",
    "triggers": "GRANT TRIGGER ON `{db}`.* TO {who}",
    "events": "GRANT EVENT ON `{db}`.* TO {who}",
    "routines": "GRANT SELECT ON `mysql`.`proc` TO {who}",
}
DOCUMENTED = (
    "GRANT SELECT, SHOW VIEW, TRIGGER, EVENT ON `{db}`.* TO {u}",
    "GRANT SELECT ON mysql.proc TO {u}",
)

MY_CASES: dict[str, tuple[tuple[str, ...], frozenset[str]]] = {
    "select": (("GRANT SELECT ON `{db}`.* TO {u}",), frozenset(MY_KINDS) - {"tables"}),
    # what a cautious team hands a diff tool
    "select_show_view": (
        ("GRANT SELECT, SHOW VIEW ON `{db}`.* TO {u}",),
        frozenset({"triggers", "events", "routines"}),
    ),
    "plus_trigger": (
        ("GRANT SELECT, SHOW VIEW, TRIGGER ON `{db}`.* TO {u}",),
        frozenset({"events", "routines"}),
    ),
    "plus_event": (("GRANT SELECT, SHOW VIEW, TRIGGER, EVENT ON `{db}`.* TO {u}",), frozenset({"routines"})),
    # EXECUTE shows the routines' rows but not their bodies
    "execute": (
        ("GRANT SELECT, SHOW VIEW, TRIGGER, EVENT, EXECUTE ON `{db}`.* TO {u}",),
        frozenset({"routines"}),
    ),
    # table-level grants only: the other tables, and every CHECK and FOREIGN KEY, are hidden; the
    # triggers of tables it cannot see too, whatever TRIGGER it holds on the others
    "table_level": (
        (
            "GRANT SELECT, SHOW VIEW, TRIGGER ON `{db}`.`parent` TO {u}",
            "GRANT SELECT ON `{db}`.`parent_names` TO {u}",
            "GRANT EVENT ON `{db}`.* TO {u}",
            "GRANT SELECT ON mysql.proc TO {u}",
        ),
        frozenset({"tables", "triggers"}),
    ),
    # the server uses the most specific matching database grant, not the union of all of them
    "first_match": (
        (
            "GRANT SELECT, SHOW VIEW, EVENT ON `{db}`.* TO {u}",
            "GRANT TRIGGER ON `{db}%`.* TO {u}",
            "GRANT SELECT ON mysql.proc TO {u}",
        ),
        frozenset({"triggers"}),
    ),
}


@dataclass(frozen=True)
class MyDb:
    db: str
    file: str  # path of the file side: the database's dump plus MY_EXTRA

    def url(self, user: str) -> str:
        return my.url(self.db, user, QUOTED_PASSWORD)


@pytest.fixture(scope="module")
def mydb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MyDb]:
    require_mariadb()
    db = f"{my.PREFIX}priv_{uuid.uuid4().hex[:8]}"
    try:
        err = my.load(db, MY_FIXTURE)
        assert err is None, err
        path = tmp_path_factory.mktemp("priv") / "old.sql"
        path.write_text(my.dump(db) + MY_EXTRA, encoding="utf-8")
        yield MyDb(db, str(path))
    finally:
        my.drop_db(db)


@pytest.fixture
def account(mydb: MyDb) -> Iterator[tuple[str, list[str]]]:
    """A fresh account (and role names to drop); its grants are the test's to give."""
    user = f"ddlc_priv_{uuid.uuid4().hex[:8]}"
    roles: list[str] = []
    my.sql(f"CREATE USER '{user}'@'localhost' IDENTIFIED BY '{PASSWORD}'")
    try:
        yield user, roles
    finally:
        my.sql(f"DROP USER IF EXISTS '{user}'@'localhost'")
        for r in roles:
            my.sql(f"DROP ROLE IF EXISTS `{r}`")


def _grant(mydb: MyDb, user: str, grants: tuple[str, ...]) -> None:
    for g in grants:
        my.sql(g.format(db=mydb.db, u=f"'{user}'@'localhost'"))


def _visible(mydb: MyDb, user: str | None) -> dict[str, int]:
    """What information_schema shows of each kind to `user` (root when None)."""
    import pymysql

    conn = pymysql.connect(
        unix_socket=my.MY_SOCKET,
        user=user or my.MY_USER,
        password=PASSWORD if user else "",
        database=mydb.db,
    )
    try:
        with conn.cursor() as cur:
            out = {}
            for kind, query in MY_VISIBLE.items():
                cur.execute(query, {"db": mydb.db})
                out[kind] = int(cur.fetchone()[0])
            return out
    finally:
        conn.close()


def _script_touches(script: str, kinds: frozenset[str]) -> list[str]:
    """Statements of `script` (commented-out ones too) on objects of the unseen kinds."""
    found = []
    for kind in kinds:
        for line in script.splitlines():
            if line.startswith("-- ddlcompare ") or line.startswith("-- MySQL DDL"):
                continue
            if re.search(MY_KINDS[kind][1], line):
                found.append(f"{kind}: {line}")
    return found


@pytest.mark.live_mysql
def test_root_compares_everything(mydb: MyDb) -> None:
    """The baseline: with every privilege the extra table and the extra trigger are both planned."""
    res = run(mydb.file, my.url(mydb.db), "--allow-destructive")
    assert res.code == 1, res.stderr
    assert "DROP TABLE IF EXISTS `extra_t`" in res.stdout
    assert "DROP TRIGGER IF EXISTS `child_note`" in res.stdout
    assert "left out" not in res.stderr


@pytest.mark.live_mysql
@pytest.mark.parametrize("case", sorted(MY_CASES))
def test_reduced_account(mydb: MyDb, account: tuple[str, list[str]], case: str) -> None:
    user, _ = account
    grants, unseen = MY_CASES[case]
    _grant(mydb, user, grants)
    root, mine = _visible(mydb, None), _visible(mydb, user)
    # the server really hides what the reader reports, and really shows the rest
    if "tables" in unseen:
        assert (mine["tables"], mine["checks"]) < (root["tables"], root["checks"]), mine
    else:
        assert (mine["tables"], mine["checks"]) == (root["tables"], root["checks"]), mine
    for kind in ("views", "fks", "triggers", "events", "routines"):
        if "tables" in unseen and kind != "events" and kind != "routines":
            continue  # hidden or not, they belong to tables the account cannot all see
        if kind in unseen:
            assert mine[kind] < root[kind], (kind, mine, root)
        else:
            assert mine[kind] == root[kind], (kind, mine, root)

    url = mydb.url(user)
    who = f"`{user}`@`localhost`"
    res = run(mydb.file, url)
    assert res.code == 2 and not res.crash, res
    assert PASSWORD not in res.stderr and QUOTED_PASSWORD not in res.stderr
    assert res.stderr.startswith(f"error: mysql://{user}@localhost/{mydb.db}")
    for kind, (words, _) in MY_KINDS.items():
        assert (words in res.stderr) == (kind in unseen), (kind, res.stderr)
    for kind in unseen:
        assert MY_GRANTS[kind].format(db=mydb.db, who=who) in res.stderr, res.stderr

    # with the option: a partial comparison, both ways, that plans nothing for the unseen kinds
    # tables left out take their views, keys and triggers with them
    untouched = unseen | ({"views", "fks", "triggers"} if "tables" in unseen else set())
    forward = run(mydb.file, url, "--skip-unreadable", "--allow-destructive")
    backward = run(url, mydb.file, "--skip-unreadable", "--allow-destructive")
    for res, table_stmt in ((forward, "DROP TABLE IF EXISTS `extra_t`"), (backward, "CREATE TABLE")):
        assert res.code in (0, 1) and not res.crash, res
        assert _script_touches(res.stdout, frozenset(untouched)) == []
        if "tables" not in unseen:
            assert res.code == 1 and table_stmt in res.stdout, res.stdout
        for kind in unseen:
            assert f"{MY_KINDS[kind][0].removeprefix('cannot see ')}" in res.stderr
            assert f"warning: mysql://{user}@localhost/{mydb.db}?unix_socket" in res.stderr
        # the file side says what it lost: at least the trigger it has and the database has not
        assert re.search(r"warning: .*old\.sql: .*left out of the comparison", res.stderr), res.stderr
        if "triggers" in unseen and "tables" not in unseen:  # (else past the first five named)
            assert "trigger child.child_note" in res.stderr
        assert PASSWORD not in res.stderr and QUOTED_PASSWORD not in res.stderr
    # and what is compared compares equal but for the file's extras the account can see
    res = run(mydb.file, url, "--skip-unreadable", "--format", "json")
    changes = [c["key"] for c in validated(res.stdout)["changes"]]
    expect = [] if "tables" in unseen else ["primary_key:extra_t.PRIMARY", "table:extra_t"]
    if not untouched & {"triggers"}:
        expect.append("trigger:child.child_note")
    assert changes == expect, changes


@pytest.mark.live_mysql
def test_documented_grants_read_what_root_reads(mydb: MyDb, account: tuple[str, list[str]]) -> None:
    user, _ = account
    _grant(mydb, user, DOCUMENTED)
    assert _visible(mydb, user) == _visible(mydb, None)
    mine, root = load(mydb.url(user)), load(my.url(mydb.db))
    assert mine.unseen == () and mine.warnings == root.warnings
    assert mine.objects == root.objects
    assert len(root.objects) >= 12  # tables, keys, check, fk, view, sequence, trigger, routines, event
    res = run(mydb.file, mydb.url(user), "--allow-destructive")
    assert res.code == 1 and "DROP TRIGGER IF EXISTS `child_note`" in res.stdout, res


@pytest.mark.live_mysql
def test_grants_through_a_role_and_a_pattern(mydb: MyDb, account: tuple[str, list[str]]) -> None:
    """The documented grants given through a default role and a database pattern count too."""
    user, roles = account
    role = f"ddlc_priv_r_{uuid.uuid4().hex[:8]}"
    my.sql(f"CREATE ROLE `{role}`")
    roles.append(role)
    pattern = mydb.db[:-3] + "%"
    my.sql(f"GRANT SELECT, SHOW VIEW ON `{pattern}`.* TO '{user}'@'localhost'")
    my.sql(f"GRANT TRIGGER, EVENT ON `{mydb.db}`.* TO `{role}`")
    my.sql(f"GRANT SELECT ON mysql.proc TO `{role}`")
    my.sql(f"GRANT `{role}` TO '{user}'@'localhost'")
    my.sql(f"SET DEFAULT ROLE `{role}` FOR '{user}'@'localhost'")
    assert _visible(mydb, user) == _visible(mydb, None)
    assert load(mydb.url(user)).objects == load(my.url(mydb.db)).objects


@pytest.mark.live_mysql
def test_snapshot_says_what_it_left_out(mydb: MyDb, account: tuple[str, list[str]]) -> None:
    user, _ = account
    _grant(mydb, user, MY_CASES["select_show_view"][0])
    assert run("snapshot", mydb.url(user)).code == 2
    res = run("snapshot", mydb.url(user), "--skip-unreadable")
    assert res.code == 0, res
    assert "cannot see the triggers" in res.stderr and "CREATE TABLE IF NOT EXISTS `parent`" in res.stdout
    assert f"-- left out: the account cannot see the triggers of {mydb.db}\n" in res.stdout
    body = res.stdout.split("\n\n", 1)[1]
    assert "TRIGGER" not in body and "PROCEDURE" not in body and "EVENT" not in body


# ----------------------------------------------------------------------------------------------
# PostgreSQL

PG_FIXTURE = """
CREATE SCHEMA app;
CREATE SCHEMA vault;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
CREATE TABLE app.item (id int PRIMARY KEY, owner text NOT NULL, qty int CHECK (qty >= 0));
CREATE SEQUENCE app.ticket START 100 INCREMENT 5 MAXVALUE 100000 CACHE 3;
CREATE VIEW app.item_owners AS SELECT id, owner FROM app.item WHERE qty > 0;
CREATE FUNCTION app.bump(x int) RETURNS int LANGUAGE plpgsql AS $$BEGIN RETURN x + 1; END$$;
REVOKE EXECUTE ON FUNCTION app.bump(int) FROM PUBLIC;
CREATE FUNCTION app.stamp() RETURNS trigger LANGUAGE plpgsql
    AS $$BEGIN NEW.owner := lower(NEW.owner); RETURN NEW; END$$;
CREATE TRIGGER item_stamp BEFORE INSERT ON app.item FOR EACH ROW EXECUTE FUNCTION app.stamp();
ALTER TABLE app.item ENABLE ROW LEVEL SECURITY;
CREATE POLICY own ON app.item USING (owner = current_user);
CREATE TABLE vault.secret (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, body text);
COMMENT ON TABLE vault.secret IS 'no role but the owner may use this schema';
CREATE VIEW vault.secret_ids AS SELECT id FROM vault.secret;
CREATE FUNCTION vault.peek() RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM vault.secret';
CREATE FOREIGN DATA WRAPPER {fdw};
CREATE SERVER remote FOREIGN DATA WRAPPER {fdw} OPTIONS (host 'db.example', dbname 'remote');
ALTER SERVER remote OWNER TO {owner};
CREATE USER MAPPING FOR PUBLIC SERVER remote OPTIONS (user 'app', password 'secret');
CREATE USER MAPPING FOR {least} SERVER remote OPTIONS (user 'least');
GRANT USAGE ON SCHEMA app TO {least};
"""
PG_EXTRA = "\nCREATE TABLE app.extra (id integer);\n"


@dataclass(frozen=True)
class PgDb:
    db: str
    file: str
    owner: str  # owns the foreign server
    least: str  # the documented privileges: CONNECT, USAGE on app, member of the server's owner
    reduced: str  # CONNECT only (from PUBLIC)

    def url(self, role: str | None = None) -> str:
        return f"postgresql://{role or pgdb.PG_USER}@{PG_HOST}:{PG_PORT}/{self.db}"


@pytest.fixture(scope="module")
def pg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PgDb]:
    require_pg()
    tag = uuid.uuid4().hex[:8]
    owner, least, reduced = (f"ddlc_priv_{tag}_{r}" for r in ("owner", "least", "reduced"))
    setup = pgdb.psql(
        "postgres",
        f"CREATE ROLE {owner} NOLOGIN; CREATE ROLE {least} LOGIN IN ROLE {owner};"
        f" CREATE ROLE {reduced} LOGIN;",
    )
    assert setup.returncode == 0, setup.stderr
    try:
        with pgdb.fresh_db("ddlc_priv") as db:
            sql = PG_FIXTURE.format(fdw=f"fdw_{tag}", owner=owner, least=least)
            pgdb.load(db, sql, roles=False)
            path = tmp_path_factory.mktemp("privpg") / "old.sql"
            path.write_text(pgdb.strip_meta(pgdb.pg_dump(db)) + PG_EXTRA, encoding="utf-8")
            yield PgDb(db, str(path), owner, least, reduced)
    finally:
        for role in (least, reduced, owner):
            pgdb.psql("postgres", f"DROP ROLE IF EXISTS {role};")


@pytest.mark.live
def test_pg_documented_privileges_read_what_the_superuser_reads(pg: PgDb) -> None:
    mine, root = load(pg.url(pg.least)), load(pg.url())
    assert mine.unseen == ()
    assert mine.objects == root.objects
    kinds = {k.kind for k in root.objects}
    assert {"table", "view", "function", "policy", "sequence", "trigger", "user_mapping"} <= kinds
    assert any(k.schema == "vault" for k in root.objects)  # read without USAGE on vault
    res = run(pg.file, pg.url(pg.least), "--allow-destructive")
    assert res.code == 1 and "DROP TABLE IF EXISTS app.extra;" in res.stdout, res


@pytest.mark.live
def test_pg_hidden_user_mapping_options(pg: PgDb) -> None:
    res = run(pg.file, pg.url(pg.reduced))
    assert res.code == 2 and not res.crash, res
    assert res.stderr.startswith(f"error: {pg.url(pg.reduced)}: cannot see the options of user mappings ")
    assert f"{pg.least} SERVER remote" in res.stderr and "public SERVER remote" in res.stderr
    assert "GRANT USAGE ON FOREIGN SERVER" in res.stderr and "--skip-unreadable" in res.stderr

    for args in ((pg.file, pg.url(pg.reduced)), (pg.url(pg.reduced), pg.file)):
        res = run(*args, "--skip-unreadable", "--allow-destructive")
        assert res.code == 1 and not res.crash, res
        assert re.search(r"TABLE (IF (NOT )?EXISTS )?app\.extra", res.stdout), res.stdout
        assert "USER MAPPING" not in res.stdout, res.stdout
        assert "user mapping public SERVER remote" in res.stderr  # the file side's warning
        assert "cannot see the options of user mappings" in res.stderr
    # everything but the mappings is read as the superuser reads it
    mine = load(pg.url(pg.reduced), options=LoadOptions(skip_unreadable=True))
    root = load(pg.url())
    assert {k: o for k, o in root.objects.items() if k.kind != "user_mapping"} == dict(mine.objects)


@pytest.mark.live
def test_pg_without_connect(pg: PgDb) -> None:
    role = f"{pg.reduced}_nc"
    pgdb.psql("postgres", f"CREATE ROLE {role} LOGIN; REVOKE CONNECT ON DATABASE {pg.db} FROM PUBLIC;")
    try:
        res = run("snapshot", pg.url(role))
        assert res.code == 2 and not res.crash, res
        assert "permission denied for database" in res.stderr
        assert (
            f"hint: the account needs CONNECT on the database: GRANT CONNECT ON DATABASE {pg.db} TO {role}"
            in res.stderr
        )
    finally:
        pgdb.psql("postgres", f"GRANT CONNECT ON DATABASE {pg.db} TO PUBLIC; DROP ROLE IF EXISTS {role};")
