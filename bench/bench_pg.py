"""Benchmark ddlcompare on generated PostgreSQL schema dumps against pglast's parse time.

    .venv/bin/python bench/bench_pg.py [--sizes 2000,10000] [--regen] [--json] [--shared]
    .venv/bin/python bench/bench_pg.py --live-queries [--sizes 10000]

See bench/README.md for what is measured and the targets.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import benchlib as bl
import gen_pg
from benchlib import OUT, log

PG_BIN = Path("/usr/lib/postgresql/15/bin")
RESTRICT_KEY = "ddlcomparebench"  # fixed \\restrict key: byte-identical dumps from run to run


@dataclass(frozen=True)
class Server:
    """Where to load and dump: the shared server or a private throwaway cluster."""

    host: str
    port: int
    user: str = "postgres"
    private: bool = False

    def env(self) -> dict[str, str]:
        return {"PGHOST": self.host, "PGPORT": str(self.port), "PGUSER": self.user}

    def url(self, db: str) -> str:
        return f"postgresql://{self.user}@{self.host}:{self.port}/{db}"


def _as_postgres(cmd: list[str]) -> list[str]:
    """pg_ctl and initdb refuse to run as root: run them as the postgres user then."""
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextlib.contextmanager
def private_cluster() -> Iterator[Server]:
    """A throwaway PostgreSQL 15 cluster (fsync off, many locks), stopped and removed afterwards."""
    data = Path(tempfile.mkdtemp(prefix="ddlc-bench-pg-"))
    if os.geteuid() == 0:
        shutil.chown(data, "postgres", "postgres")
    port = _free_port()
    log(f"starting a private cluster in {data} on port {port}")
    initdb = [str(PG_BIN / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust"]
    bl.run(_as_postgres([*initdb, "-E", "UTF8", "--locale=C", "--no-sync"]))
    opts = (
        f"-c port={port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={data}"
        " -c max_locks_per_transaction=4096 -c fsync=off -c synchronous_commit=off"
        " -c full_page_writes=off -c shared_buffers=256MB"
    )
    ctl = [str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(data / "server.log")]
    try:
        bl.run(_as_postgres([*ctl, "-o", opts, "-w", "start"]))
        yield Server("127.0.0.1", port, private=True)
    finally:
        with contextlib.suppress(RuntimeError):
            bl.run(_as_postgres([*ctl, "-m", "fast", "-w", "stop"]))
        shutil.rmtree(data, ignore_errors=True)


@contextlib.contextmanager
def server_for(shared: bool) -> Iterator[Server]:
    """The shared server at 127.0.0.1:5432 (PGHOST/PGPORT override) or a private cluster."""
    if shared:
        yield Server(os.environ.get("PGHOST", "127.0.0.1"), int(os.environ.get("PGPORT", "5432")))
    else:
        with private_cluster() as srv:
            yield srv


def load(srv: Server, db: str, sql: Path) -> float:
    """Create db afresh and run sql in it; wall seconds for the load alone."""
    env = srv.env()
    bl.run(["dropdb", "--if-exists", db], env=env)
    bl.run(["createdb", db], env=env)
    cmd = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", db, "-f", str(sql)]
    if srv.private:
        cmd.insert(1, "--single-transaction")  # plenty of locks there
    else:  # autocommit: one transaction per statement keeps below max_locks_per_transaction=64
        env = {**env, "PGOPTIONS": "-c synchronous_commit=off"}
    return bl.timed(lambda: bl.run(cmd, env=env))


def table_count(srv: Server, db: str) -> int | None:
    """Tables in the generated schemas of db, or None when db does not exist."""
    q = "SELECT count(*) FROM pg_tables WHERE schemaname IN ('app','billing','inventory','audit')"
    p = subprocess.run(
        ["psql", "-X", "-At", "-d", db, "-c", q],
        env={**os.environ, **srv.env()},
        capture_output=True,
        text=True,
        check=False,
    )
    return int(p.stdout.strip()) if p.returncode == 0 and p.stdout.strip().isdigit() else None


def paths(n: int) -> dict[str, Path]:
    return {
        "gen_old": OUT / f"gen_pg_{n}_old.sql",
        "gen_new": OUT / f"gen_pg_{n}_new.sql",
        "old": OUT / f"pg_{n}_old.sql",
        "new": OUT / f"pg_{n}_new.sql",
        "meta": OUT / f"pg_{n}_meta.json",
        "result": OUT / f"pg_{n}_result",
    }


def prepare(n: int, regen: bool, shared: bool) -> dict[str, Any]:
    """Generate, load and dump both sides of size n unless the dumps exist; the timings recorded."""
    p = paths(n)
    meta = bl.read_meta(p["meta"])
    if not regen and p["old"].exists() and p["new"].exists() and meta:
        log(f"[{n}] reusing {p['old'].name}, {p['new'].name} (--regen to rebuild)")
        return {**meta, "cached": True}
    OUT.mkdir(parents=True, exist_ok=True)
    meta = {"tables": n, "cluster": "shared" if shared else "private"}
    t0 = time.perf_counter()
    p["gen_old"].write_text(gen_pg.generate(n), encoding="utf-8")
    p["gen_new"].write_text(gen_pg.generate(n, variant=True), encoding="utf-8")
    meta["generate_s"] = round(time.perf_counter() - t0, 2)
    log(f"[{n}] generated both sides in {meta['generate_s']:.1f}s")
    with server_for(shared) as srv:
        for side in ("old", "new"):
            db = f"ddlc_bench_{n}_{side}"
            meta[f"load_{side}_s"] = round(load(srv, db, p[f"gen_{side}"]), 2)
            log(f"[{n}] loaded {side} side into {db} in {meta[f'load_{side}_s']:.1f}s")
            dump = [
                "pg_dump",
                "--schema-only",
                "--no-owner",
                f"--restrict-key={RESTRICT_KEY}",
                "-d",
                db,
                "-f",
                str(p[side]),
            ]
            meta[f"dump_{side}_s"] = round(bl.timed(partial(bl.run, dump, env=srv.env())), 2)
            log(f"[{n}] dumped {side} side in {meta[f'dump_{side}_s']:.1f}s")
            bl.run(["dropdb", db], env=srv.env())
    meta["dump_bytes"] = {s: p[s].stat().st_size for s in ("old", "new")}
    bl.write_meta(p["meta"], meta)
    return {**meta, "cached": False}


def sql_only(text: str) -> str:
    """Blank out psql meta-commands (pg_dump's \\restrict/\\unrestrict lines), which pglast cannot parse."""
    return "".join("\n" if ln.startswith("\\") else ln for ln in text.splitlines(keepends=True))


def floor(n: int, repeat: int) -> dict[str, float]:
    """Median CPU seconds of pglast.parser.parse_sql_json per dump, and their sum."""
    from pglast.parser import parse_sql_json

    out: dict[str, float] = {}
    for side in ("old", "new"):
        text = sql_only(paths(n)[side].read_text(encoding="utf-8"))
        out[side] = bl.cpu_median(partial(parse_sql_json, text), repeat)
    out["total"] = out["old"] + out["new"]
    log(f"[{n}] floor: parse_sql_json {out['old']:.3f}s + {out['new']:.3f}s CPU")
    return out


def expected_changes(n: int) -> list[tuple[str, str]]:
    """(change, table name) for every change the variant generator applied to size n."""
    return [(what, gen_pg.table_name(i).split(".")[1]) for what, i in gen_pg.variant_changes(n)]


def bench_size(n: int, args: argparse.Namespace) -> dict[str, Any]:
    """Everything measured for one size, as plain data."""
    meta = prepare(n, args.regen, args.shared)
    fl = floor(n, args.repeat)
    p = paths(n)
    shutil.rmtree(p["result"], ignore_errors=True)
    log(f"[{n}] ddlcompare end to end, {args.repeat} run(s)")
    e2e = bl.run_ddlcompare(p["old"], p["new"], p["result"], args.repeat, timeout=args.timeout)
    rec: dict[str, Any] = {"tables": n, "prepare": meta, "floor_cpu_s": fl}
    rec.update(bl.judge(n, fl["total"], e2e, p["result"] / "diff.json", expected_changes(n)))
    return rec


def _row(rec: dict[str, Any]) -> list[str]:
    return [str(rec["tables"]), f"{rec['floor_cpu_s']['total']:.3f}", *bl.e2e_cells(rec)]


def report(records: list[dict[str, Any]]) -> None:
    """The human-readable table, preparation timings and failure reasons."""
    print("Preparation (seconds; 'cached' = recorded when the dumps were made):")
    for r in records:
        m = r["prepare"]
        g = m.get
        print(
            f"  {r['tables']:>6} tables: generate {g('generate_s', '?')}, load old {g('load_old_s', '?')}"
            f" / new {g('load_new_s', '?')}, pg_dump old {g('dump_old_s', '?')} / new {g('dump_new_s', '?')}"
            f" ({g('cluster', '?')} cluster{', cached' if g('cached') else ''})"
        )
    print()
    bl.print_table(["tables", "floor cpu s", *bl.E2E_HEADERS], [_row(r) for r in records])
    bl.print_targets(records)


@contextlib.contextmanager
def counting_executes() -> Iterator[list[str]]:
    """Record every statement psycopg sends through Cursor.execute (Connection.execute goes there too)."""
    import psycopg

    sent: list[str] = []
    original = psycopg.Cursor.execute

    def execute(self: Any, query: Any, *a: Any, **kw: Any) -> Any:
        sent.append(str(query)[:60])
        return original(self, query, *a, **kw)

    psycopg.Cursor.execute = execute  # type: ignore[method-assign]
    try:
        yield sent
    finally:
        psycopg.Cursor.execute = original  # type: ignore[method-assign]


def live_queries(args: argparse.Namespace) -> int:
    """Catalog query count of the live reader for a 10-table and an N-table database."""
    try:
        from ddlcompare.dialects.postgres.catalog import read_catalog
    except ImportError as e:
        print(f"live reader: not available ({e})")
        return 1
    big = max(args.sizes)
    rows: list[dict[str, Any]] = []
    with server_for(args.shared) as srv:
        for n in (10, big):
            db = f"ddlc_bench_live_{n}"
            if table_count(srv, db) != n:
                sql = OUT / f"gen_pg_{n}_old.sql"
                if not sql.exists():
                    OUT.mkdir(parents=True, exist_ok=True)
                    sql.write_text(gen_pg.generate(n), encoding="utf-8")
                log(f"[live] loading {n} tables into {db}: {load(srv, db, sql):.1f}s")
            try:
                with counting_executes() as sent:
                    t0 = time.perf_counter()
                    res = read_catalog(srv.url(db))
                    secs = time.perf_counter() - t0
            except Exception as e:  # report, whatever the reader raises
                rows.append({"tables": n, "error": f"{type(e).__name__}: {e}"})
                continue
            q = res.queries
            rows.append(
                {
                    "tables": n,
                    "queries": q if isinstance(q, int) else len(q),
                    "executed": len(sent),
                    "read_s": round(secs, 3),
                    "server_version": str(res.server_version),
                    "text_chars": len(res.text),
                }
            )
            log(f"[live] {n} tables: {rows[-1]}")
            if not srv.private and not args.keep_db:
                bl.run(["dropdb", "--if-exists", db], env=srv.env())
    ok = (
        all("error" not in r for r in rows)
        and len({r["queries"] for r in rows}) == 1
        and len({r["executed"] for r in rows}) == 1
    )
    if args.json:
        print(json.dumps({"live_queries": rows, "pass": ok}, indent=2))
    else:
        keys = ("tables", "queries", "executed", "read_s", "server_version")
        cells = [
            [str(r.get(k, "-")) for k in keys] + [str(r.get("text_chars", r.get("error", "-")))] for r in rows
        ]
        bl.print_table(["tables", ".queries", "executed", "read s", "server", "text chars / error"], cells)
        print(
            "(.queries is what read_catalog reports; executed counts the statements psycopg sent, "
            "BEGIN/SET/COMMIT included)"
        )
        print("PASS: same query count for both sizes" if ok else "FAIL: query counts differ, or errors")
    return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    """CLI entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="2000,10000", help="comma-separated table counts (default 2000,10000)")
    ap.add_argument("--regen", action="store_true", help="regenerate, reload and re-dump even if dumps exist")
    ap.add_argument("--repeat", type=int, default=3, help="runs per measurement, median taken (default 3)")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON instead of a table")
    ap.add_argument(
        "--timeout", type=float, default=900, help="kill a ddlcompare run after this many seconds"
    )
    ap.add_argument(
        "--shared",
        action="store_true",
        help="load into the shared server (PGHOST/PGPORT, default 127.0.0.1:5432) instead of "
        "a private throwaway cluster; pg_dump of many tables fails there (max_locks=64)",
    )
    ap.add_argument(
        "--live-queries",
        action="store_true",
        help="only count the live reader's catalog queries on 10 and max(--sizes) tables",
    )
    ap.add_argument("--keep-db", action="store_true", help="with --live-queries --shared: keep the databases")
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
    return 0 if all(r["pass"] is True for r in records) else 1


if __name__ == "__main__":
    sys.path.insert(0, str(bl.ROOT))
    sys.exit(main())
