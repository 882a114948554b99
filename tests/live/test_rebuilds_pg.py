"""Objects re-created around a column change, on the server: only what uses the column is dropped
(the others keep their OID), and what comes back is whole: its comment, its owner and grants
(read without --owners / --privileges), and a materialized view populated even when the dump it
was read from says WITH NO DATA (as pg_dump always does)."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from ddlcompare import plan_between
from ddlcompare.dialects import LoadOptions, get
from ddlcompare.output.sql import render_script
from tests.support import pgdb
from tests.support.servers import require_pg

pytestmark = pytest.mark.live

CASE = Path(__file__).resolve().parents[2] / "fixtures" / "postgres" / "view_column_level_deps"
HEADER = "--\n-- PostgreSQL database dump\n--\n\n-- Dumped from database version 15.4\n\n"

# (catalog, name column, name): an object whose OID tells whether it was re-created
_OBJECTS = {
    "v_owner": ("pg_class", "relname"),
    "mv_owner": ("pg_class", "relname"),
    "p_owner": ("pg_policy", "polname"),
    "t_owner": ("pg_trigger", "tgname"),
    "v_balance": ("pg_class", "relname"),
    "mv_balance": ("pg_class", "relname"),
    "p_balance": ("pg_policy", "polname"),
    "t_balance": ("pg_trigger", "tgname"),
    "v_star": ("pg_class", "relname"),
    "v_row": ("pg_class", "relname"),
}
KEPT = {"v_owner", "mv_owner", "p_owner", "t_owner"}


def _oids(db: str) -> dict[str, int]:
    with psycopg.connect(pgdb.url(db)) as conn:
        out = {}
        for name, (catalog, column) in _OBJECTS.items():
            row = conn.execute(f"SELECT oid FROM {catalog} WHERE {column} = %s", (name,)).fetchone()
            assert row is not None, name
            out[name] = int(row[0])
        return out


def _access(db: str) -> list[tuple[str, str, str]]:
    """Owner and ACL of the re-created views that the fixture gives an owner and grants."""
    with psycopg.connect(pgdb.url(db)) as conn:
        rows = conn.execute(
            "SELECT relname, pg_get_userbyid(relowner), coalesce(relacl::text, '') FROM pg_class"
            " WHERE relname IN ('v_balance', 'mv_balance') ORDER BY relname"
        ).fetchall()
    return [(str(a), str(b), str(c)) for a, b, c in rows]


def _script(old_sql: str, new_sql: str, *, rollback: bool = False) -> str:
    d = get("postgres")
    plan = plan_between(
        d.parse(old_sql, "old.sql", LoadOptions()), d.parse(new_sql, "new.sql", LoadOptions())
    )
    return render_script(plan, d.STYLE, rollback=rollback)


def _forward(old_sql: str, new_sql: str) -> str:
    return _script(old_sql, new_sql)


def test_only_dependents_of_the_changed_column_are_recreated(pg: None) -> None:
    require_pg()
    old_sql = (CASE / "old.sql").read_text(encoding="utf-8")
    new_sql = (CASE / "new.sql").read_text(encoding="utf-8")
    with pgdb.fresh_db("ddlc_rebuild") as db:
        pgdb.load(db, old_sql)
        before, access = _oids(db), _access(db)
        assert [owner for _, owner, _ in access] == ["postgres", "ddlc_report_owner"]
        assert all("ddlc_reader=r/" in acl for _, _, acl in access)
        pgdb.load(db, _forward(old_sql, new_sql), roles=False)
        after = _oids(db)
        recreated = {name for name in _OBJECTS if before[name] != after[name]}
        assert recreated == set(_OBJECTS) - KEPT
        assert _access(db) == access
        pgdb.load(db, _script(old_sql, new_sql, rollback=True), roles=False)
        assert _access(db) == access
        with psycopg.connect(pgdb.url(db)) as conn:
            comment = conn.execute(
                "SELECT obj_description('public.v_balance'::regclass, 'pg_class')"
            ).fetchone()
            populated = conn.execute(
                "SELECT relispopulated FROM pg_class WHERE relname = 'mv_balance'"
            ).fetchone()
        assert comment == ("balances, kept when the view is re-created",)
        assert populated == (True,)


def test_rebuilt_materialized_view_from_a_dump_is_populated(pg: None) -> None:
    """pg_dump --schema-only writes WITH NO DATA for every materialized view: re-created from such
    a dump, the view must still come back populated (readers of an unpopulated one get an error)."""
    require_pg()
    old_sql = (CASE / "old.sql").read_text(encoding="utf-8")
    dumped_old = HEADER + old_sql.replace(
        "FROM accounts GROUP BY owner;", "FROM accounts GROUP BY owner WITH NO DATA;"
    )
    dumped_old = dumped_old.replace(
        "sum(balance) AS total FROM accounts;", "sum(balance) AS total FROM accounts WITH NO DATA;"
    )
    dumped_new = dumped_old.replace("balance numeric(10,2)", "balance numeric(14,2)")
    assert dumped_old.count("WITH NO DATA") == 2
    with pgdb.fresh_db("ddlc_rebuild") as db:
        pgdb.load(db, old_sql)  # the live database has them populated
        pgdb.load(db, _forward(dumped_old, dumped_new), roles=False)
        with psycopg.connect(pgdb.url(db)) as conn:
            rows = conn.execute(
                "SELECT relname, relispopulated FROM pg_class WHERE relkind = 'm' ORDER BY relname"
            ).fetchall()
            total = conn.execute("SELECT count(*) FROM mv_balance").fetchone()
    assert rows == [("mv_balance", True), ("mv_owner", True)]
    assert total == (1,)
