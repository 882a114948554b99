"""Liquibase changelogs (ddlcompare/output/liquibase.py), offline: their shape and what each
changeset runs and rolls back; tests/live/test_liquibase.py runs them with real Liquibase."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from ddlcompare import PlanOptions, plan_between
from ddlcompare.dialects import LoadOptions, get
from ddlcompare.errors import DdlError
from ddlcompare.output.liquibase import render_liquibase_sql, render_liquibase_xml
from ddlcompare.output.pieces import pieces
from ddlcompare.output.sql import render_script
from ddlcompare.plan.plan import Plan


def _plan(dialect: str, old: str, new: str, **options: bool) -> Plan:
    d = get(dialect)
    sides = (d.parse(old, "old.sql", LoadOptions()), d.parse(new, "new.sql", LoadOptions()))
    return plan_between(*sides, options=PlanOptions(**options))


PG_OLD = "CREATE TABLE t (id int PRIMARY KEY, a int);\nCREATE TABLE gone (x int);\n"
PG_NEW = (
    "CREATE TABLE t (id int PRIMARY KEY, a int, b text NOT NULL DEFAULT '');\n"
    "CREATE INDEX CONCURRENTLY t_a ON t (a);\n"
    "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END; $$;\n"
)


def _sql_lines(text: str) -> list[str]:
    """Statement lines of a script (no comments, no transaction control, no settings)."""
    skip = re.compile(r"^(--|BEGIN;|COMMIT;|SET LOCAL |SET )")
    return [line for line in text.split("\n") if line and not skip.match(line)]


def test_changesets_run_the_forward_script_and_roll_back_as_the_rollback_script() -> None:
    """Concatenated in order the changesets are the forward script; their rollbacks, in reverse
    order, are the rollback script (statement for statement)."""
    plan = _plan("postgres", PG_OLD, PG_NEW)
    style = get("postgres").STYLE
    sets = pieces(plan, style, allow_destructive=True)
    forward = [st.sql for cs in sets for st in cs.forward]
    rollback = [st.sql for cs in reversed(sets) for st in (cs.rollback or ())]
    assert _sql_lines("\n".join(forward)) == _sql_lines(render_script(plan, style, allow_destructive=True))
    assert _sql_lines("\n".join(rollback)) == _sql_lines(
        render_script(plan, style, rollback=True, allow_destructive=True)
    )


def test_statements_outside_a_transaction_get_changesets_of_their_own() -> None:
    plan = _plan("postgres", PG_OLD, PG_NEW)
    text = render_liquibase_sql(plan, get("postgres").STYLE, allow_destructive=True)
    blocks = text.split("\n--changeset ")[1:]
    concurrent = [b for b in blocks if "CONCURRENTLY" in b.split("\n--rollback", 1)[0]]
    assert concurrent and all(b.split("\n", 1)[0].count("runInTransaction:false") == 1 for b in concurrent)
    # one statement each: a driver would send several as one implicit transaction
    assert all(b.split("\n--rollback", 1)[0].count(";") == 1 for b in concurrent)
    # the transactional changesets carry the script's settings
    assert all("SET LOCAL check_function_bodies = false;" in b for b in blocks if "runInTransaction" not in b)


def test_changeset_ids_are_stable_and_differ_between_migrations() -> None:
    style = get("postgres").STYLE
    a = render_liquibase_sql(_plan("postgres", PG_OLD, PG_NEW), style)
    b = render_liquibase_sql(_plan("postgres", PG_OLD, PG_NEW), style)
    c = render_liquibase_sql(_plan("postgres", PG_OLD, PG_NEW + "CREATE TABLE u (x int);\n"), style)
    ids = re.findall(r"^--changeset ddlcompare:(\S+)", a, re.M)
    assert a == b and len(ids) == len(set(ids)) > 1
    assert set(ids).isdisjoint(re.findall(r"^--changeset ddlcompare:(\S+)", c, re.M))


def test_held_back_statements_are_commented_so_liquibase_does_not_read_them_as_directives() -> None:
    """Without --allow-destructive the drop is commented out as in the script, with `-- |` so that
    a commented `COMMENT ON ...` is not taken for Liquibase's `--comment` directive."""
    old = PG_OLD + "COMMENT ON TABLE gone IS 'x';\n"
    plan = _plan("postgres", old, PG_NEW)
    text = render_liquibase_sql(plan, get("postgres").STYLE, allow_destructive=False)
    assert re.search(r"^-- \| DROP TABLE (IF EXISTS )?public\.gone;$", text, re.M), text
    assert not re.search(r"^DROP TABLE", text, re.M)
    assert not re.search(r"^--\s*comment", text, re.M | re.I)


def test_a_statement_line_liquibase_would_swallow_is_refused_in_formatted_sql_only() -> None:
    new = "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$\n--comment: hidden\nSELECT 1\n$$;\n"
    plan = _plan("postgres", "", new)
    style = get("postgres").STYLE
    with pytest.raises(DdlError, match="liquibase-xml"):
        render_liquibase_sql(plan, style)
    root = ET.fromstring(render_liquibase_xml(plan, style))
    ns = "{http://www.liquibase.org/xml/ns/dbchangelog}"
    sql = root.find(f"{ns}changeSet/{ns}sql")
    assert sql is not None and "--comment: hidden" in (sql.text or "")


def test_xml_changelog_is_well_formed_with_one_changeset_per_sql_changeset() -> None:
    plan = _plan("postgres", PG_OLD, PG_NEW)
    style = get("postgres").STYLE
    ns = "{http://www.liquibase.org/xml/ns/dbchangelog}"
    root = ET.fromstring(render_liquibase_xml(plan, style, allow_destructive=True))
    sets = root.findall(f"{ns}changeSet")
    assert len(sets) == render_liquibase_sql(plan, style, allow_destructive=True).count("\n--changeset ")
    assert all(s.find(f"{ns}rollback") is not None for s in sets)


def test_mysql_routines_are_sent_without_the_client_delimiter() -> None:
    old = "CREATE TABLE t (id int);\n"
    new = old + "DELIMITER ;;\nCREATE PROCEDURE p() BEGIN SELECT 1; SELECT 2; END;;\nDELIMITER ;\n"
    plan = _plan("mysql", old, new)
    text = render_liquibase_sql(plan, get("mysql").STYLE, allow_destructive=True)
    assert "DELIMITER" not in text
    assert re.search(r"^BEGIN SELECT 1; SELECT 2; END;$", text, re.M), text
    assert "runInTransaction:false" in text


def test_online_statements_outside_a_transaction_are_sent_alone_with_the_timeouts_around_them() -> None:
    """The driver pipelines a multi-statement string, which CONCURRENTLY refuses: under --online the
    session's timeouts go in changesets of their own, before the statement (update) and after it
    (its rollback runs first)."""
    plan = _plan("postgres", PG_OLD, PG_NEW, online=True)
    text = render_liquibase_sql(plan, get("postgres").STYLE, allow_destructive=True)
    blocks = [b.split("\n--rollback", 1)[0].split("\n", 1)[1] for b in text.split("\n--changeset ")[1:]]
    concurrent = [i for i, b in enumerate(blocks) if "CONCURRENTLY" in b]
    assert concurrent
    for i in concurrent:
        assert blocks[i].count(";") == 1 and "SET " not in blocks[i]
        assert blocks[i - 1].startswith("SET lock_timeout = '5s';")
        assert blocks[i + 1].startswith("SET lock_timeout = '5s';")
