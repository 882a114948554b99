"""Generate a deterministic N-table MariaDB/MySQL schema for benchmarks.

    python bench/gen_my.py N OUT.sql [--variant]

The output is plain DDL for the `mariadb` client (triggers in DELIMITER blocks), to be run inside
an existing database. `--variant` applies about ten changes spread over the schema;
`variant_changes(n)` lists them.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

SEED = 20240612
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
ROW_FORMATS = ("DYNAMIC", "COMPACT")
# column definitions (without the name), chosen 0-4 per table
EXTRA_COLUMNS: tuple[tuple[str, str], ...] = (
    ("is_enabled", "tinyint(1) NOT NULL DEFAULT 1"),
    ("big_counter", "bigint(20) unsigned NOT NULL DEFAULT 0"),
    ("ratio", "double DEFAULT NULL"),
    ("weight", "decimal(10,3) unsigned DEFAULT NULL COMMENT 'kilograms'"),
    ("country", "char(2) CHARACTER SET ascii COLLATE ascii_general_ci NOT NULL DEFAULT 'FR'"),
    ("notes", "text DEFAULT NULL"),
    ("payload", "blob DEFAULT NULL"),
    ("ext_id", "binary(16) DEFAULT NULL COMMENT 'uuid bytes'"),
    ("due_on", "date DEFAULT NULL"),
    ("seen_at", "datetime(3) NOT NULL DEFAULT current_timestamp(3)"),
    ("level", "enum('low','mid','high') NOT NULL DEFAULT 'low'"),
    ("rank", "mediumint(8) unsigned DEFAULT NULL"),
    ("built", "year(4) DEFAULT NULL"),
    ("opens_at", "time NOT NULL DEFAULT '08:00:00'"),
    ("score", "float NOT NULL DEFAULT 0"),
    ("label", "varchar(120) NOT NULL DEFAULT 'unnamed' COMMENT 'display label'"),
)


@dataclass
class Table:
    """One generated table and the knobs the variant turns."""

    i: int
    extras: list[tuple[str, str]]
    title_len: int = 200
    status_default: str = "active"
    check: str = "`amount` < 1000000000"
    added: list[str] = field(default_factory=list)
    dropped: set[str] = field(default_factory=set)
    drop_title_index: bool = False
    extra_index: bool = False
    view_extra: bool = False
    trigger_v2: bool = False

    @property
    def name(self) -> str:
        return f"{WORDS[self.i % len(WORDS)]}_{self.i:05d}"


def table_name(i: int) -> str:
    """Name of table number i (1-based)."""
    return Table(i, []).name


def _tables(n: int) -> list[Table]:
    rng = random.Random(SEED)
    return [Table(i, rng.sample(EXTRA_COLUMNS, rng.randint(0, 4))) for i in range(1, n + 1)]


def _pick(n: int, frac: float, ok: set[int], taken: set[int]) -> int | None:
    """The allowed, unused table nearest to frac*n."""
    want = max(1, round(frac * n))
    for i in sorted(ok - taken, key=lambda i: (abs(i - want), i)):
        taken.add(i)
        return i
    return None


def variant_changes(n: int) -> list[tuple[str, int]]:
    """The (change, table number) pairs `--variant` applies to an n-table schema."""
    taken: set[int] = set()
    every = set(range(1, n + 1))
    views = {i for i in every if i % 25 == 0}
    trigs = {i for i in every if i % 100 == 0}
    plain = every - views - trigs
    plan = [
        ("add column", 0.05, plain),
        ("drop column", 0.15, plain),
        ("widen varchar", 0.25, plain),
        ("change default", 0.35, plain),
        ("drop index", 0.45, plain),
        ("add index", 0.55, plain),
        ("change view", 0.65, views),
        ("change check", 0.75, plain),
        ("change trigger body", 0.85, trigs),
    ]
    out = [(what, i) for what, frac, ok in plan if (i := _pick(n, frac, ok, taken)) is not None]
    out.append(("add table", n + 1))
    return out


def _apply_variant(tables: list[Table]) -> None:
    for what, i in variant_changes(len(tables)):
        if what == "add table":
            tables.append(Table(i, random.Random(SEED + 1).sample(EXTRA_COLUMNS, 2)))
            continue
        t = tables[i - 1]
        if what == "add column":
            t.added.append("`reviewed_by` varchar(64) DEFAULT NULL COMMENT 'who reviewed it'")
        elif what == "drop column":
            t.dropped.add("valid_from")
        elif what == "widen varchar":
            t.title_len = 400
        elif what == "change default":
            t.status_default = "draft"
        elif what == "drop index":
            t.drop_title_index = True
        elif what == "add index":
            t.extra_index = True
        elif what == "change view":
            t.view_extra = True
        elif what == "change check":
            t.check = "`amount` < 1000000000 and `qty` <= 10000"
        elif what == "change trigger body":
            t.trigger_v2 = True


def _table_ddl(t: Table) -> Iterator[str]:
    cols = [
        "  `id` int(10) unsigned NOT NULL AUTO_INCREMENT",
        "  `code` varchar(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL COMMENT 'business key'",
    ]
    if t.i > 1:
        cols.append("  `parent_id` int(10) unsigned DEFAULT NULL COMMENT 'row of the previous table'")
    cols += [
        f"  `title` varchar({t.title_len}) NOT NULL DEFAULT ''",
        f"  `status` enum('draft','active','suspended','archived') NOT NULL DEFAULT '{t.status_default}'",
        "  `flags` set('new','hot','sale','hidden') NOT NULL DEFAULT ''",
        "  `amount` decimal(12,2) unsigned NOT NULL DEFAULT 0.00",
        "  `qty` smallint(5) unsigned NOT NULL DEFAULT 0",
        "  `attrs` json DEFAULT NULL",
    ]
    if "valid_from" not in t.dropped:
        cols.append("  `valid_from` date NOT NULL DEFAULT '2020-01-01'")
    cols += [
        "  `created_at` timestamp NOT NULL DEFAULT current_timestamp()",
        "  `updated_at` timestamp NOT NULL DEFAULT current_timestamp() ON UPDATE current_timestamp()",
    ]
    cols += [f"  `{name}` {spec}" for name, spec in t.extras]
    cols += [f"  {c}" for c in t.added]
    keys = ["  PRIMARY KEY (`id`)", "  UNIQUE KEY `uq_code` (`code`)"]
    if not t.drop_title_index:
        keys.append("  KEY `ix_title` (`title`(20))")
    keys.append("  KEY `ix_status_created` (`status`,`created_at`)")
    if t.extra_index:
        keys.append("  KEY `ix_amount_qty` (`amount`,`qty`)")
    if t.i > 1:
        keys.append(
            f"  CONSTRAINT `fk_{t.name}_parent` FOREIGN KEY (`parent_id`)"
            f" REFERENCES `{table_name(t.i - 1)}` (`id`) ON DELETE CASCADE"
        )
    keys.append(f"  CONSTRAINT `ck_{t.name}_amount` CHECK ({t.check})")
    body = ",\n".join(cols + keys)
    word = WORDS[t.i % len(WORDS)]
    comment = f"{word.capitalize()} records, part {t.i} (it''s generated)"
    opts = (
        "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci"
        f" ROW_FORMAT={ROW_FORMATS[t.i % 2]} COMMENT='{comment}'"
    )
    yield f"CREATE TABLE `{t.name}` (\n{body}\n) {opts};"
    if t.i % 25 == 0:
        extra = ", `amount`" if t.view_extra else ""
        yield (
            f"CREATE VIEW `v_{t.name}` AS\n"
            f"  SELECT `id`, `code`, `status`, `created_at`{extra}\n"
            f"  FROM `{t.name}`\n"
            f"  WHERE `status` <> 'archived';"
        )
    if t.i % 100 == 0:
        cap = "1000000" if not t.trigger_v2 else "500000"
        yield "DELIMITER ;;"
        yield (
            f"CREATE TRIGGER `trg_{t.name}_bi` BEFORE INSERT ON `{t.name}` FOR EACH ROW\n"
            "BEGIN\n"
            f"  IF NEW.amount > {cap} THEN\n"
            f"    SET NEW.amount = {cap};\n"
            "  END IF;\n"
            "  SET NEW.code = UPPER(NEW.code);\n"
            "END;;"
        )
        yield "DELIMITER ;"
    yield ""


def generate(n: int, variant: bool = False) -> str:
    """The whole schema as SQL text."""
    tables = _tables(n)
    if variant:
        _apply_variant(tables)
    parts = ["-- generated by bench/gen_my.py; deterministic, do not edit", ""]
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
