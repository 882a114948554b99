"""Generate a deterministic N-table PostgreSQL schema for benchmarks.

    python bench/gen_pg.py N OUT.sql [--variant]

The output is plain DDL (one statement per line group, no transaction), loadable with
`psql -f` in autocommit mode. `--variant` applies about ten changes spread over the schema;
`variant_changes(n)` lists them so a benchmark can check what the diff should report.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

SEED = 20240611
SCHEMAS = ("app", "billing", "inventory", "audit")
WORDS = (
    "account",
    "order",
    "invoice",
    "product",
    "shipment",
    "customer",
    "supplier",
    "payment",
    "ledger",
    "stock",
    "warehouse",
    "contract",
    "ticket",
    "session",
    "device",
    "region",
)
ENUMS = {
    "app.record_status": ("draft", "active", "suspended", "archived"),
    "billing.currency": ("EUR", "USD", "GBP", "JPY", "CHF"),
    "inventory.unit": ("piece", "kg", "litre", "metre"),
    "audit.level": ("debug", "info", "warning", "error"),
}
SEQUENCES = {
    "billing.invoice_no_seq": "START WITH 1000 INCREMENT BY 1 CACHE 20",
    "inventory.lot_no_seq": "START WITH 1 INCREMENT BY 10 MAXVALUE 999999999 CYCLE",
    "audit.event_seq": "AS integer START WITH 1",
}
# (name, type, default or None, nullable)
EXTRA_COLUMNS: tuple[tuple[str, str, str | None, bool], ...] = (
    ("qty", "integer", "0", False),
    ("priority", "smallint", "(5)::smallint", False),
    ("is_enabled", "boolean", "true", False),
    ("label", "character varying(120)", "'unnamed'::character varying", True),
    ("notes", "text", None, True),
    ("ext_id", "uuid", None, True),
    ("ratio", "double precision", "1.0", True),
    ("weight", "numeric(10,3)", None, True),
    ("ttl", "interval", "'1 day'::interval", True),
    ("client_ip", "inet", None, True),
    ("payload", "bytea", None, True),
    ("seen_at", "timestamp without time zone", "LOCALTIMESTAMP", True),
    ("scores", "integer[]", "ARRAY[]::integer[]", True),
    ("currency", "billing.currency", "'EUR'::billing.currency", False),
    ("unit", "inventory.unit", None, True),
    ("level", "audit.level", "'info'::audit.level", True),
    ("invoice_no", "bigint", "nextval('billing.invoice_no_seq'::regclass)", False),
    ("lot_no", "bigint", "nextval('inventory.lot_no_seq'::regclass)", True),
    ("settings", "json", "'{}'::json", True),
    ("due_on", "date", "(CURRENT_DATE + 30)", True),
)


@dataclass
class Table:
    """One generated table and the knobs the variant turns."""

    i: int
    extras: list[tuple[str, str, str | None, bool]]
    code_len: int = 32
    status_default: str = "'active'::app.record_status"
    check: str = "amount >= (0)::numeric"
    added: list[str] = field(default_factory=list)
    dropped: set[str] = field(default_factory=set)
    drop_created_index: bool = False
    include_index: bool = False
    view_extra: bool = False
    function_v2: bool = False

    @property
    def schema(self) -> str:
        return SCHEMAS[self.i % len(SCHEMAS)]

    @property
    def name(self) -> str:
        return f"{WORDS[self.i % len(WORDS)]}_{self.i:05d}"

    @property
    def qname(self) -> str:
        return f"{self.schema}.{self.name}"


def table_name(i: int) -> str:
    """Qualified name of table number i (1-based)."""
    return Table(i, []).qname


def _tables(n: int) -> list[Table]:
    rng = random.Random(SEED)
    out = []
    for i in range(1, n + 1):
        k = rng.randint(0, 4)
        out.append(Table(i, rng.sample(EXTRA_COLUMNS, k)))
    return out


def _pick(n: int, frac: float, ok: set[int] | None = None, taken: set[int] | None = None) -> int | None:
    """The table nearest to frac*n that is allowed (a multiple of something) and not yet used."""
    want = max(1, round(frac * n))
    cands = sorted(range(1, n + 1), key=lambda i: (abs(i - want), i))
    for i in cands:
        if ok is not None and i not in ok:
            continue
        if taken is not None and i in taken:
            continue
        if taken is not None:
            taken.add(i)
        return i
    return None


def variant_changes(n: int) -> list[tuple[str, int]]:
    """The (change, table number) pairs `--variant` applies to an n-table schema."""
    taken: set[int] = set()
    views = {i for i in range(1, n + 1) if i % 25 == 0}
    funcs = {i for i in range(1, n + 1) if i % 100 == 0}
    plain = set(range(1, n + 1)) - views - funcs
    plan = [
        ("add column", 0.05, plain),
        ("drop column", 0.15, plain),
        ("widen varchar", 0.25, plain),
        ("change default", 0.35, plain),
        ("drop index", 0.45, plain),
        ("add include index", 0.55, plain),
        ("change view", 0.65, views),
        ("change check", 0.75, plain),
        ("change function body", 0.85, funcs),
    ]
    out = []
    for what, frac, ok in plan:
        i = _pick(n, frac, ok, taken)
        if i is not None:
            out.append((what, i))
    out.append(("add table", n + 1))
    return out


def _apply_variant(tables: list[Table]) -> None:
    n = len(tables)
    for what, i in variant_changes(n):
        if what == "add table":
            rng = random.Random(SEED + 1)
            tables.append(Table(i, rng.sample(EXTRA_COLUMNS, 2)))
            continue
        t = tables[i - 1]
        if what == "add column":
            t.added.append("reviewed_by text")
        elif what == "drop column":
            t.dropped.add("valid_from")
        elif what == "widen varchar":
            t.code_len = 64
        elif what == "change default":
            t.status_default = "'draft'::app.record_status"
        elif what == "drop index":
            t.drop_created_index = True
        elif what == "add include index":
            t.include_index = True
        elif what == "change view":
            t.view_extra = True
        elif what == "change check":
            t.check = "amount >= (0)::numeric AND amount < 1000000000::numeric"
        elif what == "change function body":
            t.function_v2 = True


def _header() -> Iterator[str]:
    yield "-- generated by bench/gen_pg.py; deterministic, do not edit"
    yield "SET client_min_messages = warning;"
    for s in SCHEMAS:
        yield f"CREATE SCHEMA {s};"
    for name, labels in ENUMS.items():
        vals = ", ".join(f"'{v}'" for v in labels)
        yield f"CREATE TYPE {name} AS ENUM ({vals});"
    for name, opts in SEQUENCES.items():
        yield f"CREATE SEQUENCE {name} {opts};"
    yield ""


def _table_ddl(t: Table) -> Iterator[str]:
    identity = "ALWAYS" if t.i % 3 else "BY DEFAULT"
    cols = [
        f"    id bigint GENERATED {identity} AS IDENTITY",
        f"    code character varying({t.code_len}) NOT NULL",
    ]
    if t.i > 1:
        cols.append("    parent_id bigint")
    cols += [
        f"    status app.record_status DEFAULT {t.status_default} NOT NULL",
        "    amount numeric(12,2) DEFAULT 0 NOT NULL",
        "    created_at timestamp with time zone DEFAULT now() NOT NULL",
    ]
    if "valid_from" not in t.dropped:
        cols.append("    valid_from date DEFAULT '2020-01-01'::date")
    cols += [
        "    tags text[] DEFAULT '{}'::text[] NOT NULL",
        "    attrs jsonb DEFAULT '{}'::jsonb NOT NULL",
    ]
    for name, typ, default, nullable in t.extras:
        d = f" DEFAULT {default}" if default is not None else ""
        nn = "" if nullable else " NOT NULL"
        cols.append(f"    {name} {typ}{d}{nn}")
    cols += [f"    {c}" for c in t.added]
    cons = [
        f"    CONSTRAINT {t.name}_pkey PRIMARY KEY (id)",
        f"    CONSTRAINT {t.name}_code_key UNIQUE (code)",
        f"    CONSTRAINT {t.name}_amount_check CHECK ({t.check})",
    ]
    if t.i > 1:
        prev = table_name(t.i - 1)
        fk = f"FOREIGN KEY (parent_id) REFERENCES {prev}(id) ON DELETE CASCADE"
        cons.append(f"    CONSTRAINT {t.name}_parent_fkey {fk}")
    body = ",\n".join(cols + cons)
    yield f"CREATE TABLE {t.qname} (\n{body}\n);"
    if not t.drop_created_index:
        yield f"CREATE INDEX {t.name}_created_idx ON {t.qname} USING btree (created_at DESC, id);"
    yield (
        f"CREATE INDEX {t.name}_lower_code_idx ON {t.qname} USING btree (lower((code)::text))"
        " WHERE (status <> 'archived'::app.record_status);"
    )
    if t.include_index:
        yield f"CREATE INDEX {t.name}_code_incl_idx ON {t.qname} USING btree (code) INCLUDE (status, amount);"
    word = WORDS[t.i % len(WORDS)]
    yield f"COMMENT ON TABLE {t.qname} IS '{word.capitalize()} records, part {t.i} (it''s generated)';"
    if t.i % 25 == 0:
        extra = ", amount" if t.view_extra else ""
        yield (
            f"CREATE VIEW {t.schema}.v_{t.name} AS\n"
            f"  SELECT id, code, status, created_at{extra}\n"
            f"  FROM {t.qname}\n"
            f"  WHERE status <> 'archived'::app.record_status;"
        )
    if t.i % 100 == 0:
        fn = f"{t.schema}.{t.name}_guard"
        check = "NEW.amount < 0" if not t.function_v2 else "NEW.amount < 0 OR NEW.amount > 1000000"
        yield (
            f"CREATE FUNCTION {fn}() RETURNS trigger\n"
            "    LANGUAGE plpgsql\n"
            "    AS $$\n"
            "BEGIN\n"
            f"  IF {check} THEN\n"
            "    RAISE EXCEPTION 'amount out of range: %', NEW.amount;\n"
            "  END IF;\n"
            "  NEW.tags := array_append(NEW.tags, TG_OP::text);\n"
            "  RETURN NEW;\n"
            "END;\n"
            "$$;"
        )
        yield (
            f"CREATE TRIGGER {t.name}_guard_trg BEFORE INSERT OR UPDATE ON {t.qname}"
            f" FOR EACH ROW EXECUTE FUNCTION {fn}();"
        )
    yield ""


def generate(n: int, variant: bool = False) -> str:
    """The whole schema as SQL text."""
    tables = _tables(n)
    if variant:
        _apply_variant(tables)
    parts = list(_header())
    for t in tables:
        parts.extend(_table_ddl(t))
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    """CLI entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int, help="number of tables")
    ap.add_argument("out", type=Path, help="output .sql file ('-' for stdout)")
    ap.add_argument("--variant", action="store_true", help="apply the deterministic changes")
    args = ap.parse_args(argv)
    if args.n < 1:
        ap.error("N must be at least 1")
    text = generate(args.n, args.variant)
    if str(args.out) == "-":
        sys.stdout.write(text)
    else:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
