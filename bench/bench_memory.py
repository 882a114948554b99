"""Peak memory of ddlcompare on 20 MB inputs of every shape, both dialects (not a test).

    .venv/bin/python bench/bench_memory.py [--mb 20] [--only literal,small] [--dialect postgres] [--json]

Shapes (generated into bench/out/memory/, deterministic):

- `literal`: one table whose default is a single string literal of the whole size;
- `small`: the size in small CREATE TABLE statements (370,000 PostgreSQL, 270,000 MySQL tables),
  compared against an empty schema both ways and against itself;
- `near-limit`: CHECK constraints just under the statement size limit (limits.py), one after the
  other up to the size;
- `over-limit`: one CHECK of the whole size: a positioned error (exit 2), refused before parsing;
- `garbage`: a 50 MB line of one word: a syntax error (MySQL: an opaque statement with a warning)
  whose message stays short.

Each run is one `ddlcompare OLD NEW` process; its peak is the larger of wait4's maximum RSS and the
sampled RSS sum of the process and its prefetch worker (shared pages counted twice). The target is
benchlib.MEMORY_LIMIT ("about 1 GB"), the expected exit code, and stderr (messages, warnings and the
summary line) under 500 characters.
Exit 0 when every run meets it, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import benchlib as bl
from benchlib import OUT, log

HERE = OUT / "memory"
EMPTY = {
    "postgres": "CREATE TABLE z (a integer);\n",
    "mysql": "CREATE TABLE `z` (`a` int) ENGINE=InnoDB;\n",
}
MESSAGE_LIMIT = 500  # characters of stderr for the error shapes


def _literal(dialect: str, size: int) -> Iterator[str]:
    yield "CREATE TABLE t (a text DEFAULT '"
    yield "x" * size
    yield "');\n"


def _small(dialect: str, size: int) -> Iterator[str]:
    line = (
        "CREATE TABLE t{} (id integer NOT NULL, name text);\n"
        if dialect == "postgres"
        else "CREATE TABLE `t{}` (`id` int NOT NULL, `name` varchar(20)) ENGINE=InnoDB;\n"
    )
    written = i = 0
    while written < size:
        stmt = line.format(i)
        written += len(stmt)
        i += 1
        yield stmt


def _check(dialect: str, name: str, terms: int) -> str:
    q = "`" if dialect == "mysql" else ""
    body = " OR ".join(f"a = {i}" for i in range(terms))
    return f"CREATE TABLE {q}{name}{q} (a int, CONSTRAINT {q}c_{name}{q} CHECK ({body}));\n"


def _near_limit(dialect: str, size: int) -> Iterator[str]:
    from ddlcompare.limits import MAX_TOKENS

    stmt_size, i = 0, 0
    while stmt_size * i < size:
        stmt = _check(dialect, f"t{i}", MAX_TOKENS // 4 - 500)  # four tokens a term
        stmt_size = len(stmt)
        i += 1
        yield stmt


def _over_limit(dialect: str, size: int) -> Iterator[str]:
    yield _check(dialect, "t", size // 14)


def _garbage(dialect: str, size: int) -> Iterator[str]:
    yield "CREATE TABLE t (a int);\n"
    yield "x" * (size * 5 // 2)  # 50 MB for the default 20
    yield "\n"


@dataclass(frozen=True)
class Shape:
    name: str
    make: Callable[[str, int], Iterator[str]]
    pairs: tuple[str, ...]  # "empty>big", "big>empty", "big>big"
    exit_code: int
    mysql_exit_code: int | None = None  # when MySQL's differs


SHAPES = (
    Shape("literal", _literal, ("empty>big",), 1),
    Shape("small", _small, ("empty>big", "big>empty", "big>big"), 1),
    Shape("near-limit", _near_limit, ("empty>big",), 1),
    Shape("over-limit", _over_limit, ("empty>big",), 2),
    # MySQL keeps a statement it does not know as an opaque object, with a warning (see README)
    Shape("garbage", _garbage, ("empty>big",), 2, mysql_exit_code=1),
)


@dataclass(frozen=True)
class Result:
    shape: str
    dialect: str
    pair: str
    input_mb: float
    exit_code: int
    wall_s: float
    peak_mib: int
    stderr_chars: int
    ok: bool


def _file(shape: Shape, dialect: str, size: int) -> Path:
    path = HERE / f"{shape.name}-{dialect}-{size}.sql"
    if not path.exists():
        HERE.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        with tmp.open("w", encoding="utf-8") as f:
            for part in shape.make(dialect, size):
                f.write(part)
        tmp.rename(path)
    return path


def measure(shape: Shape, dialect: str, size: int) -> list[Result]:
    big = _file(shape, dialect, size)
    empty = HERE / f"empty-{dialect}.sql"
    empty.write_text(EMPTY[dialect], encoding="utf-8")
    out = []
    for pair in shape.pairs:
        old, new = {"empty>big": (empty, big), "big>empty": (big, empty), "big>big": (big, big)}[pair]
        log(f"{shape.name} {dialect} {pair} ({big.stat().st_size / 1e6:.1f} MB) ...")
        cmd = [*bl.ddlcompare_cmd(), str(old), str(new), "--dialect", dialect]
        r = bl.run_child(cmd, HERE / "stderr.txt", timeout=1800)
        expected = shape.exit_code
        if dialect == "mysql" and shape.mysql_exit_code is not None:
            expected = shape.mysql_exit_code
        if pair == "big>big":
            expected = 0
        ok = (
            r.returncode == expected
            and "Traceback" not in r.stderr
            and "internal error" not in r.stderr
            and r.peak < bl.MEMORY_LIMIT
            and len(r.stderr) < MESSAGE_LIMIT
        )
        out.append(
            Result(
                shape.name,
                dialect,
                pair,
                round(big.stat().st_size / 1e6, 1),
                r.returncode,
                round(r.wall, 1),
                r.peak >> 20,
                len(r.stderr),
                ok,
            )
        )
        log(f"  exit {r.returncode}, {r.wall:.1f} s, {r.peak >> 20} MiB, stderr {len(r.stderr)} chars")
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=int, default=20, help="input size in MB (default 20)")
    ap.add_argument("--only", help="comma-separated shapes (default: all)")
    ap.add_argument("--dialect", choices=("postgres", "mysql"), help="one dialect (default: both)")
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    args = ap.parse_args()
    wanted = set(args.only.split(",")) if args.only else {s.name for s in SHAPES}
    dialects = [args.dialect] if args.dialect else ["postgres", "mysql"]
    results = [
        r
        for shape in SHAPES
        if shape.name in wanted
        for dialect in dialects
        for r in measure(shape, dialect, args.mb * 1_000_000)
    ]
    if args.json:
        print(json.dumps([asdict(r) for r in results], indent=2))
    else:
        print(
            f"{'shape':<11} {'dialect':<9} {'pair':<10} {'MB':>5} {'exit':>4} {'s':>6} {'MiB':>6} "
            f"{'stderr':>6}  ok"
        )
        for r in results:
            print(
                f"{r.shape:<11} {r.dialect:<9} {r.pair:<10} {r.input_mb:>5} {r.exit_code:>4} {r.wall_s:>6} "
                f"{r.peak_mib:>6} {r.stderr_chars:>6}  {'ok' if r.ok else 'FAIL'}"
            )
        print(
            f"target: peak < {bl.MEMORY_LIMIT / 1e9:.1f} GB, expected exit code, "
            f"stderr < {MESSAGE_LIMIT} chars"
        )
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
