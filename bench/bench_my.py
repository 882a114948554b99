"""Benchmark ddlcompare on generated MariaDB schema dumps against sqlglot's parse time and against
the PostgreSQL path on the pg_dump pair of the same size, measured alternately in the same run.

    .venv/bin/python bench/bench_my.py [--sizes 2000,10000] [--regen] [--json] [--no-versus-pg]

See bench/README.md for what is measured and the targets.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import time
from functools import partial
from pathlib import Path
from typing import Any

import bench_pg
import benchlib as bl
import gen_my
from benchlib import OUT, log

MYSQL_ENV = {"MYSQL_UNIX_PORT": os.environ.get("MYSQL_UNIX_PORT", "/run/mysqld/mysqld.sock")}
CLIENT_ARGS = ["--user=root"]
# ddlcompare errors that mean "no MySQL dialect yet" rather than a bug
NOT_AVAILABLE = re.compile(
    r"unknown dialect|module 'ddlcompare\.dialects\.mysql[\w.]*' has no attribute"
    r"|No module named 'ddlcompare\.dialects\.mysql|not (?:yet )?(?:available|supported|implemented)"
    r"|NotImplementedError",
    re.I,
)


def paths(n: int) -> dict[str, Path]:
    return {
        "gen_old": OUT / f"gen_my_{n}_old.sql",
        "gen_new": OUT / f"gen_my_{n}_new.sql",
        "old": OUT / f"my_{n}_old.sql",
        "new": OUT / f"my_{n}_new.sql",
        "meta": OUT / f"my_{n}_meta.json",
        "result": OUT / f"my_{n}_result",
    }


def sql(statement: str) -> None:
    """Run one statement with the mariadb client."""
    bl.run(["mariadb", *CLIENT_ARGS, "-e", statement], env=MYSQL_ENV)


def load(db: str, path: Path) -> float:
    """Create db afresh and run the file in it with the mariadb client; wall seconds for the load."""
    sql(f"DROP DATABASE IF EXISTS `{db}`")
    sql(f"CREATE DATABASE `{db}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
    t0 = time.perf_counter()
    with open(path, "rb") as f:
        p = subprocess.run(
            ["mariadb", *CLIENT_ARGS, db],
            stdin=f,
            env={**os.environ, **MYSQL_ENV},
            capture_output=True,
            check=False,
        )
    if p.returncode != 0:
        raise RuntimeError(f"loading {path.name} into {db} failed:\n{p.stderr.decode()[-2000:]}")
    return time.perf_counter() - t0


def prepare(n: int, regen: bool) -> dict[str, Any]:
    """Generate, load and dump both sides of size n unless the dumps exist; the timings recorded."""
    p = paths(n)
    meta = bl.read_meta(p["meta"])
    if not regen and p["old"].exists() and p["new"].exists() and meta:
        log(f"[{n}] reusing {p['old'].name}, {p['new'].name} (--regen to rebuild)")
        return {**meta, "cached": True}
    OUT.mkdir(parents=True, exist_ok=True)
    meta = {"tables": n}
    t0 = time.perf_counter()
    p["gen_old"].write_text(gen_my.generate(n), encoding="utf-8")
    p["gen_new"].write_text(gen_my.generate(n, variant=True), encoding="utf-8")
    meta["generate_s"] = round(time.perf_counter() - t0, 2)
    log(f"[{n}] generated both sides in {meta['generate_s']:.1f}s")
    for side in ("old", "new"):
        db = f"ddlc_bench_my_{n}_{side}"
        try:
            meta[f"load_{side}_s"] = round(load(db, p[f"gen_{side}"]), 2)
            log(f"[{n}] loaded {side} side into {db} in {meta[f'load_{side}_s']:.1f}s")
            dump = ["mariadb-dump", *CLIENT_ARGS, "--no-data", "--routines", "--triggers", "--events",
                    "--skip-dump-date", f"--result-file={p[side]}", db]  # fmt: skip
            meta[f"dump_{side}_s"] = round(bl.timed(partial(bl.run, dump, env=MYSQL_ENV)), 2)
            log(f"[{n}] dumped {side} side in {meta[f'dump_{side}_s']:.1f}s")
        finally:
            sql(f"DROP DATABASE IF EXISTS `{db}`")
    meta["dump_bytes"] = {s: p[s].stat().st_size for s in ("old", "new")}
    bl.write_meta(p["meta"], meta)
    return {**meta, "cached": False}


_VERSIONED = re.compile(r"/\*M?!\d*(.*?)\*/", re.S)


def _unwrap(m: re.Match[str]) -> str:
    body = m.group(1)
    return "" if body.startswith("\\") else body  # /*M!999999\- enable the sandbox mode */ is no SQL


def statements(text: str) -> list[str]:
    """Naive split: versioned comments unwrapped, then `;` at a line end (or the DELIMITER in force)."""
    text = _VERSIONED.sub(_unwrap, text)
    out: list[str] = []
    buf: list[str] = []
    delim = ";"
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if stripped.upper().startswith("DELIMITER "):
            if "".join(buf).strip():
                out.append("".join(buf))
            buf, delim = [], stripped.split(None, 1)[1]
            continue
        buf.append(line)
        if stripped.endswith(delim):
            out.append("".join(buf).rstrip().removesuffix(delim))
            buf = []
    if "".join(buf).strip():
        out.append("".join(buf))
    return [s for s in out if s.strip()]


def floor(n: int, repeat: int) -> dict[str, Any]:
    """Median CPU seconds of sqlglot.parse(stmt, read="mysql") over each dump's statements, and their sum."""
    import sqlglot

    logging.getLogger("sqlglot").setLevel(logging.ERROR)  # "falling back to parsing as a Command"

    out: dict[str, Any] = {"statements": {}, "parse_errors": {}}
    for side in ("old", "new"):
        stmts = statements(paths(n)[side].read_text(encoding="utf-8"))
        errors = 0

        def parse_all(stmts: list[str] = stmts) -> None:
            nonlocal errors
            errors = 0
            for s in stmts:
                try:
                    sqlglot.parse(s, read="mysql")
                except sqlglot.errors.SqlglotError:
                    errors += 1

        out[side] = bl.cpu_median(parse_all, repeat)
        out["statements"][side] = len(stmts)
        out["parse_errors"][side] = errors
    out["total"] = out["old"] + out["new"]
    log(f"[{n}] floor: sqlglot {out['old']:.3f}s + {out['new']:.3f}s CPU over {out['statements']} statements")
    return out


def expected_changes(n: int) -> list[tuple[str, str]]:
    """(change, table name) for every change the variant generator applied to size n."""
    return [(what, gen_my.table_name(i)) for what, i in gen_my.variant_changes(n)]


# issue 12: the MySQL path on an N-table mariadb-dump pair within this factor of the PostgreSQL path
# on the N-table pg_dump pair, from this size on
VERSUS_PG_LIMIT = 1.5
VERSUS_PG_MIN_TABLES = 10_000


def bench_size(n: int, args: argparse.Namespace) -> dict[str, Any]:
    """Everything measured for one size, as plain data: with `args.versus_pg`, each MySQL run is
    followed by a run of the PostgreSQL path on the pg_dump pair of the same size (alternating, so
    that both see the same machine)."""
    meta = prepare(n, args.regen)
    pg = bench_pg.paths(n)
    if args.versus_pg:
        bench_pg.prepare(n, args.regen, shared=True)
    fl = floor(n, args.repeat)
    p = paths(n)
    shutil.rmtree(p["result"], ignore_errors=True)
    alternating = ", alternating with PostgreSQL" if args.versus_pg else ""
    log(f"[{n}] ddlcompare end to end, {args.repeat} run(s){alternating}")
    e2e = bl.EndToEnd(True)
    pg_e2e = bl.EndToEnd(True)
    for _ in range(args.repeat):
        one = bl.run_ddlcompare(
            p["old"], p["new"], p["result"], 1, extra=["--dialect", "mysql"], timeout=args.timeout
        )
        e2e.runs += one.runs
        e2e.note = one.note or e2e.note
        if one.crashed:
            break
        if args.versus_pg:
            shutil.rmtree(pg["result"], ignore_errors=True)
            pg_e2e.runs += bl.run_ddlcompare(pg["old"], pg["new"], pg["result"], 1, timeout=args.timeout).runs
    if e2e.crashed and NOT_AVAILABLE.search(e2e.runs[-1].stderr):
        e2e = bl.EndToEnd(False, note=e2e.note)
        log(f"ddlcompare: not available ({e2e.note})")
    rec: dict[str, Any] = {"tables": n, "prepare": meta, "floor_cpu_s": fl}
    rec.update(bl.judge(n, fl["total"], e2e, p["result"] / "diff.json", expected_changes(n)))
    if args.versus_pg and pg_e2e.runs and e2e.available and not e2e.crashed:
        versus = e2e.wall / pg_e2e.wall
        rec["versus_pg"] = {
            "pg_wall_s": round(pg_e2e.wall, 3),
            "pg_cpu_s": round(pg_e2e.cpu, 3),
            "mysql_over_pg_wall": round(versus, 2),
            "mysql_over_pg_cpu": round(e2e.cpu / pg_e2e.cpu, 2),
            "target_applies": n >= VERSUS_PG_MIN_TABLES,
        }
        if n >= VERSUS_PG_MIN_TABLES and versus > VERSUS_PG_LIMIT:
            rec["failures"].append(f"MySQL path {versus:.2f}x the PostgreSQL path > {VERSUS_PG_LIMIT}")
            rec["pass"] = False
    return rec


def report(records: list[dict[str, Any]]) -> None:
    """The human-readable table, preparation timings and failure reasons."""
    print("Preparation (seconds; 'cached' = recorded when the dumps were made):")
    for r in records:
        g = r["prepare"].get
        print(
            f"  {r['tables']:>6} tables: generate {g('generate_s', '?')}, load old {g('load_old_s', '?')}"
            f" / new {g('load_new_s', '?')}, mariadb-dump old {g('dump_old_s', '?')}"
            f" / new {g('dump_new_s', '?')}"
            f"{' (cached)' if g('cached') else ''}"
        )
    print()
    rows = []
    for r in records:
        fl = r["floor_cpu_s"]
        stmts = f"{fl['statements']['old']}+{fl['statements']['new']}"
        errs = f"{fl['parse_errors']['old']}+{fl['parse_errors']['new']}"
        rows.append([str(r["tables"]), f"{fl['total']:.3f}", stmts, errs, *bl.e2e_cells(r)])
    bl.print_table(["tables", "floor cpu s", "statements", "sqlglot errors", *bl.E2E_HEADERS], rows)
    versus = [r for r in records if "versus_pg" in r]
    if versus:
        print("\nAgainst the PostgreSQL path on the pg_dump pair of the same size (runs alternating):")
        cells = []
        for r in versus:
            v = r["versus_pg"]
            d = r["ddlcompare"]
            cells.append(
                [
                    str(r["tables"]),
                    f"{d['wall_s']:.3f}",
                    f"{v['pg_wall_s']:.3f}",
                    f"{v['mysql_over_pg_wall']:.2f}" + ("" if v["target_applies"] else " (info)"),
                    f"{d['cpu_s']:.3f}",
                    f"{v['pg_cpu_s']:.3f}",
                    f"{v['mysql_over_pg_cpu']:.2f}",
                ]
            )
        heads = ["tables", "mysql s", "postgres s", "mysql/pg", "mysql cpu s", "postgres cpu s", "cpu ratio"]
        bl.print_table(heads, cells)
        print(f"target: mysql/pg <= {VERSUS_PG_LIMIT} at >= {VERSUS_PG_MIN_TABLES} tables")
    for r in records:
        if not r["ddlcompare"]["available"]:
            print(f"\nddlcompare: not available ({r['ddlcompare']['note']})")
            break
    bl.print_targets(records)


def live_queries(args: argparse.Namespace) -> int:
    """Catalog query count of the live reader for a 10-table and an N-table database."""
    from ddlcompare.dialects.mysql.catalog import read_catalog

    rows: list[dict[str, Any]] = []
    for n in (10, max(args.sizes)):
        gen = OUT / f"gen_my_{n}_old.sql"
        if not gen.exists():
            OUT.mkdir(parents=True, exist_ok=True)
            gen.write_text(gen_my.generate(n), encoding="utf-8")
        db = f"ddlc_bench_my_live_{n}"
        try:
            log(f"[live] loading {n} tables into {db}: {load(db, gen):.1f}s")
            t0 = time.perf_counter()
            res = read_catalog(f"mysql://root@localhost/{db}?unix_socket={MYSQL_ENV['MYSQL_UNIX_PORT']}")
            secs = time.perf_counter() - t0
            rows.append(
                {
                    "tables": n,
                    "queries": res.queries,
                    "read_s": round(secs, 3),
                    "server_version": str(res.server_version),
                    "create_tables": res.text.count("CREATE TABLE `"),
                }
            )
            log(f"[live] {n} tables: {rows[-1]}")
        finally:
            sql(f"DROP DATABASE IF EXISTS `{db}`")
    ok = len({r["queries"] for r in rows}) == 1 and all(r["create_tables"] == r["tables"] for r in rows)
    if args.json:
        print(json.dumps({"live_queries": rows, "pass": ok}, indent=2))
    else:
        keys = ("tables", "queries", "read_s", "server_version", "create_tables")
        cells = [[str(r[k]) for k in keys] for r in rows]
        bl.print_table(["tables", ".queries", "read s", "server", "CREATE TABLEs read"], cells)
        print("PASS: same query count for both sizes" if ok else "FAIL: counts differ or tables missing")
    return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    """CLI entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="2000,10000", help="comma-separated table counts (default 2000,10000)")
    ap.add_argument(
        "--no-versus-pg",
        dest="versus_pg",
        action="store_false",
        help="do not run the PostgreSQL path on the pg_dump pair of each size (bench_pg.py) alternately",
    )
    ap.add_argument("--regen", action="store_true", help="regenerate, reload and re-dump even if dumps exist")
    ap.add_argument("--repeat", type=int, default=3, help="runs per measurement, median taken (default 3)")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON instead of a table")
    ap.add_argument(
        "--timeout", type=float, default=900, help="kill a ddlcompare run after this many seconds"
    )
    ap.add_argument(
        "--live-queries",
        action="store_true",
        help="live catalog reader: query count for 10 tables and for max(--sizes) tables",
    )
    args = ap.parse_args(argv)
    try:
        args.sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        ap.error("--sizes takes comma-separated integers")
    if args.live_queries:
        return live_queries(args)
    records = [bench_size(n, args) for n in args.sizes]
    if args.json:
        print(json.dumps(records, indent=2))
    else:
        report(records)
    return 0 if all(r["pass"] is not False for r in records) else 1


if __name__ == "__main__":
    sys.exit(main())
