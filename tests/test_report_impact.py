"""The reviewer's report (issue 10 item 2): each change's impact (what depends on it, from the
dependency graph), the destructive and held-back steps in a section of their own, every statement
that applies a change, warnings last, and `--mask`, which hides defaults, comments, CHECK literals
and routine bodies in the report and the JSON but never in the SQL."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ddlcompare.output.mask import Masking
from tests.support.cli import run
from tests.support.diffjson import validated

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SHOP = FIXTURES / "postgres" / "pgdump_shop_evolution"

SECRETS_OLD = """\
CREATE TABLE public.acct (id int PRIMARY KEY, api_key text DEFAULT 'sk_live_OLDSECRET',
    salary numeric CHECK (salary < 777123));
COMMENT ON TABLE public.acct IS 'owned by Alice Secretname';
CREATE FUNCTION public.pw() RETURNS text LANGUAGE sql AS $$ SELECT 'hunter2-old' $$;
CREATE VIEW public.v AS SELECT id FROM public.acct WHERE api_key <> 'viewsecret-old';
"""
SECRETS_NEW = """\
CREATE TABLE public.acct (id int PRIMARY KEY, api_key text DEFAULT 'sk_live_NEWSECRET',
    salary numeric CHECK (salary < 888456), pin int DEFAULT 424242);
COMMENT ON TABLE public.acct IS 'owned by Bob Hiddenname';
CREATE FUNCTION public.pw() RETURNS text LANGUAGE sql AS $$ SELECT 'hunter2-new' $$;
CREATE VIEW public.v AS SELECT id FROM public.acct WHERE api_key <> 'viewsecret-new';
"""
SECRETS = (
    *("OLDSECRET", "NEWSECRET", "Alice", "Hiddenname"),
    *("777123", "888456", "424242", "hunter2", "viewsecret"),
)

MY_OLD = (
    "CREATE TABLE t (id int NOT NULL, note varchar(20) DEFAULT 'pw=abc', PRIMARY KEY (id))\n"
    "  COMMENT='Carol';\n"
)
MY_NEW = (
    "CREATE TABLE t (id int NOT NULL, note varchar(20) DEFAULT 'pw=xyz' COMMENT \"it\\'s Dave\",\n"
    "  n int DEFAULT 31337, CHECK (n < 99991), PRIMARY KEY (id)) COMMENT='Erin';\n"
)


def _section(report: str, heading: str) -> str:
    """The lines of the `### heading` section of a report."""
    start = report.index(f"### {heading}")
    end = report.find("\n### ", start + 1)
    return report[start : end if end >= 0 else len(report)]


def test_dependents_from_the_graph() -> None:
    """A change lists what depends on it: through views and routines, never the table's own parts."""
    r = run(str(SHOP / "old.sql"), str(SHOP / "new.sql"), "--format", "markdown")
    assert r.code == 1, r.stderr
    enum = _section(r.stdout, "~ enum:shop.order_state")
    assert "- depended on by 2: `table:shop.orders`, `view:shop.open_orders`" in enum, enum
    customers = _section(r.stdout, "~ table:shop.customers")
    # the orders' FK references customers; the customers' own key is part of the table, not beyond it
    assert "`foreign_key:shop.orders.orders_customer_id_fkey`" in customers
    assert "primary_key:shop.customers" not in customers.split("Impact:")[1].split("Hazards:")[0]
    doc = json.loads(run(str(SHOP / "old.sql"), str(SHOP / "new.sql"), "--format", "json").stdout)
    impact = {c["key"]: c["impact"] for c in doc["changes"]}
    assert impact["enum:shop.order_state"]["dependents"] == ["table:shop.orders", "view:shop.open_orders"]
    assert impact["table:shop.customers"]["table"] == "shop.customers"
    assert impact["table:shop.customers"]["rows"] is None  # offline: no estimates


def test_report_order_and_every_statement(tmp_path: Path) -> None:
    """Severity summary, then destructive/held-back steps, then changes (each with every statement
    that applies it), then what was not migrated."""
    case = FIXTURES / "postgres" / "column_drop"
    r = run(str(case / "old.sql"), str(case / "new.sql"), "--format", "markdown")
    md = r.stdout
    headings = ("| critical |", "## Destructive statements and held-back steps", "## Changes")
    order = [md.index(x) for x in headings]
    assert order == sorted(order), md
    held = md[order[1] : order[2]]
    assert "- `table:public.t` (alter, critical): destructive" in held
    assert "-- [DESTRUCTIVE, held back]\nALTER TABLE IF EXISTS public.t DROP COLUMN IF EXISTS legacy;" in held
    allowed = run(str(case / "old.sql"), str(case / "new.sql"), "--format", "markdown", "--allow-destructive")
    assert "the forward script runs them (--allow-destructive)" in allowed.stdout
    assert "-- [DESTRUCTIVE]\nALTER TABLE IF EXISTS public.t DROP COLUMN" in allowed.stdout
    # a statement without hazards is listed too (the earlier report showed only those with some)
    shop = run(str(SHOP / "old.sql"), str(SHOP / "new.sql"), "--format", "markdown").stdout
    customers = _section(shop, "~ table:shop.customers")
    assert "<details><summary>Statements that apply it (4)</summary>" in customers
    assert "COMMENT ON COLUMN shop.customers.vip IS 'very important';" in customers
    # a statement that is not migrated is reported last
    old = tmp_path / "old.sql"
    old.write_text("CREATE TABLE t (a int);\n", encoding="utf-8")
    new = tmp_path / "new.sql"
    new.write_text("CREATE TABLE t (a int, b int);\nALTER SYSTEM SET work_mem = '4MB';\n", encoding="utf-8")
    md = run(str(old), str(new), "--format", "markdown").stdout
    assert md.rstrip().rsplit("\n## ", 1)[1].startswith("Not migrated automatically"), md


def test_mask_postgres(tmp_path: Path) -> None:
    """--mask: no default, comment, CHECK literal, routine or view literal in the report or the
    JSON (which says it is masked and still validates); the SQL keeps every value."""
    (tmp_path / "old.sql").write_text(SECRETS_OLD, encoding="utf-8")
    (tmp_path / "new.sql").write_text(SECRETS_NEW, encoding="utf-8")
    old, new = str(tmp_path / "old.sql"), str(tmp_path / "new.sql")
    out = tmp_path / "out"
    r = run(old, new, "--mask", "--output-dir", str(out), "--allow-destructive")
    assert r.code == 1, r.stderr
    report = (out / "schema_diff_report.md").read_text(encoding="utf-8")
    doc_text = (out / "diff.json").read_text(encoding="utf-8")
    for secret in SECRETS:
        assert secret not in report, secret
        assert secret not in doc_text, secret
    assert validated(doc_text)["masked"] is True
    assert "- comment: changed (<masked>)" in report
    assert "`pin`: `integer DEFAULT <masked>`" in report
    assert "CREATE OR REPLACE FUNCTION public.pw() ... <masked>" in report
    # what is not secret stays readable: names, types, the CHECK's shape, the guard's statement
    assert "ADD CONSTRAINT acct_salary_check CHECK (salary < <masked>);" in report
    forward = (out / "migration_forward.sql").read_text(encoding="utf-8")
    rollback = (out / "migration_rollback.sql").read_text(encoding="utf-8")
    assert all(s in forward for s in ("NEWSECRET", "Hiddenname", "888456", "424242", "hunter2-new"))
    assert all(s in rollback for s in ("OLDSECRET", "Alice", "777123", "hunter2-old"))
    plain = validated(run(old, new, "--format", "json").stdout)
    assert plain["masked"] is False and "NEWSECRET" in json.dumps(plain)


def test_mask_mysql(tmp_path: Path) -> None:
    """MySQL quoting: backslash escapes and double-quoted strings are literals too."""
    (tmp_path / "old.sql").write_text(MY_OLD, encoding="utf-8")
    (tmp_path / "new.sql").write_text(MY_NEW, encoding="utf-8")
    args = (str(tmp_path / "old.sql"), str(tmp_path / "new.sql"), "--dialect", "mysql", "--mask")
    for fmt in ("markdown", "json"):
        r = run(*args, "--format", fmt)
        assert r.code == 1, r.stderr
        for secret in ("pw=", "Carol", "Dave", "Erin", "31337", "99991"):
            assert secret not in r.stdout, (fmt, secret)
    sql = run(*args).stdout
    assert all(s in sql for s in ("pw=xyz", "Dave", "Erin", "31337", "99991"))


def test_masking_lexer() -> None:
    """Literals are masked whatever they hold; names, types and sizes are not."""
    pg = Masking(dollar_quotes=True)
    assert pg.literals("ALTER TABLE \"t'1\" ADD c varchar(255) DEFAULT 'a''b' NOT NULL;") == (
        "ALTER TABLE \"t'1\" ADD c varchar(255) DEFAULT '<masked>' NOT NULL;"
    )
    assert pg.literals("COMMENT ON TABLE t IS E'it\\'s';") == "COMMENT ON TABLE t IS E'<masked>';"
    assert pg.literals("SET DEFAULT -1.5e3;") == "SET DEFAULT -<masked>;"
    assert pg.literals("CHECK (a IN (1, 2)) AND b > 3") == "CHECK (a IN (<masked>, <masked>)) AND b > 3"
    assert pg.literals("x $q$ it's $q$ y") == "x $q$<masked>$q$ y"
    assert pg.literals("DO $d$ BEGIN PERFORM 'x'; END $d$;") == "DO $d$ BEGIN PERFORM '<masked>'; END $d$;"
    my = Masking(backslash_escapes=True, double_quoted_strings=True)
    masked = my.literals("COMMENT 'a\\'b' DEFAULT \"c\" `d\"e`")
    assert masked == "COMMENT '<masked>' DEFAULT \"<masked>\" `d\"e`"
    assert re.fullmatch(r"[^0-9]*", pg.reason("expr: (a > 5) -> (a > 6)"))


def test_mask_from_the_options_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`mask = true` in ddlcompare.toml masks as --mask does; --no-mask on the command line wins."""
    (tmp_path / "old.sql").write_text(SECRETS_OLD, encoding="utf-8")
    (tmp_path / "new.sql").write_text(SECRETS_NEW, encoding="utf-8")
    (tmp_path / "ddlcompare.toml").write_text("mask = true\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    masked = run("old.sql", "new.sql", "--format", "markdown").stdout
    assert "NEWSECRET" not in masked and "<masked>" in masked
    plain = run("old.sql", "new.sql", "--format", "markdown", "--no-mask").stdout
    assert "NEWSECRET" in plain
