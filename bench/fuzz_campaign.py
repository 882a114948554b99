"""Fuzz campaign (not a test): N mutated fixture inputs over both dialects, failures saved and grouped.

    .venv/bin/python bench/fuzz_campaign.py                       # 100,000 inputs, seed 1, 2 workers
    .venv/bin/python bench/fuzz_campaign.py -n 20000 --workers 1  # a smaller campaign on a busy machine
    .venv/bin/python bench/fuzz_campaign.py --dialect mysql --seed 7 --out bench/out/fuzz-my
    .venv/bin/python bench/fuzz_campaign.py --summary-only        # regroup the results already there

Cases come from `tests/support/fuzz.py` (what is mutated and what counts as a failure is documented
there); case `i` of seed `S` is always the same input, so `--seed S --start i -n 1` reruns it. The work
is cut into chunks of `--chunk` cases, each run by a fresh worker process (`--workers` at a time): the
in-process runs are fast, and a worker that dies (a segfault in a C parser) or hangs only loses its
current case, which is recorded as `fatal` or `hang`. A campaign resumes: finished chunks are kept.

Output (`--out`, default `bench/out/fuzz/`, gitignored):

- `chunks/*.jsonl`: one line per case (exit codes, findings, seconds);
- `summary.md` and `summary.json`: counts of cases and runs by exit code and dialect, findings by kind
  and key (an exception type and its innermost ddlcompare frame; unpositioned errors by message),
  with their locations, slow inputs, figures;
- `failures/<dialect>/<kind>/<key>/<case>/`: up to `--keep` inputs per key (smallest first):
  `input.sql`, `base.sql`, `command.sh` (the command line, run from that folder), `finding.txt`
  (traceback or output); with `--minimize` (default) the first also gets `minimized.sql` and
  `minimized.sh`, reduced by delta debugging while the same key still shows.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support import fuzz  # noqa: E402

HANG_SECONDS = 300.0  # a case without progress for this long is killed (TIMEOUT_SECONDS stops most)


# -- worker ------------------------------------------------------------------------------------------------


def work(seed: int, start: int, end: int, results: Path, dialect: str | None, stdin_rate: float) -> None:
    """Check cases start..end-1, appending a `begin` line before and a result line after each."""
    inputs = results.parent.parent / "inputs"
    inputs.mkdir(exist_ok=True)
    current = results.with_suffix(".current")
    with (
        open(results, "a", encoding="utf-8") as out,
        tempfile.TemporaryDirectory(prefix="ddlcompare-fuzz-") as tmp,
    ):
        for i in range(start, end):
            out.write(json.dumps({"begin": i}) + "\n")
            out.flush()
            case = fuzz.make_case(seed, i, dialect, stdin_rate)
            current.write_bytes(case.data)  # the parent keeps it if this process dies on the case
            v = fuzz.check_case(case, Path(tmp))
            if v.findings:
                # saved as run: the summary must not regenerate inputs with code changed since
                (inputs / f"{seed}-{i}.sql").write_bytes(case.data)
            row = {
                "i": i,
                "dialect": case.dialect,
                "side": case.side.name,
                "base": str(case.base.relative_to(ROOT)),
                "mutations": case.mutations,
                "transform": case.transform,
                "size": len(case.data),
                "codes": v.codes,
                "seconds": round(v.seconds, 4),
                "findings": [
                    {
                        "kind": f.kind,
                        "key": f.key,
                        "argv": f.argv,
                        "location": f.location,
                        "seconds": round(f.seconds, 3),
                        "detail": f.detail[-6000:],
                    }
                    for f in v.findings
                ],
            }
            out.write(json.dumps(row) + "\n")
            out.flush()
        out.write(json.dumps({"done": True}) + "\n")


# -- parent ------------------------------------------------------------------------------------------------


def _read(path: Path) -> tuple[list[dict[str, Any]], int | None, bool]:
    """(result rows, index begun without a result, done) of a chunk file."""
    rows: list[dict[str, Any]] = []
    begun: int | None = None
    done = False
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                obj = json.loads(line)
            except json.JSONDecodeError:
                continue  # a line cut by a killed worker
            if "begin" in obj:
                begun = obj["begin"]
            elif "done" in obj:
                done = True
            else:
                rows.append(obj)
                begun = None
    return rows, begun, done


def _lost(i: int, kind: str, detail: str, seed: int, dialect: str | None) -> dict[str, Any]:
    # not regenerated here: what hung may be the case's generation itself
    return {
        "i": i,
        "dialect": dialect or fuzz.DIALECTS[i % 2],
        "side": "",
        "mutations": [],
        "transform": None,
        "size": 0,
        "codes": [],
        "seconds": 0.0,
        "findings": [
            {"kind": kind, "key": kind, "argv": [], "location": "", "seconds": 0.0, "detail": detail}
        ],
    }


def campaign(args: argparse.Namespace) -> None:
    chunks_dir = args.out / "chunks"
    chunks_dir.mkdir(parents=True, exist_ok=True)
    todo = [
        (a, min(a + args.chunk, args.start + args.n))
        for a in range(args.start, args.start + args.n, args.chunk)
    ]
    pending = [c for c in todo if not _read(chunks_dir / f"{c[0]:08d}.jsonl")[2]]
    print(f"{len(todo) - len(pending)} of {len(todo)} chunks already done", file=sys.stderr)
    running: dict[tuple[int, int], tuple[subprocess.Popen[bytes], int, float]] = {}
    t0 = time.time()
    finished = len(todo) - len(pending)
    try:
        _loop(args, todo, pending, running, chunks_dir, t0, finished)
    finally:
        for proc, _, _ in running.values():  # stopped early (Ctrl-C): no orphan workers
            proc.kill()
    print(f"campaign finished in {time.time() - t0:.0f} s", file=sys.stderr)


def _loop(
    args: argparse.Namespace,
    todo: list[tuple[int, int]],
    pending: list[tuple[int, int]],
    running: dict[tuple[int, int], tuple[subprocess.Popen[bytes], int, float]],
    chunks_dir: Path,
    t0: float,
    finished: int,
) -> None:
    while pending or running:
        while pending and len(running) < args.workers:
            chunk = pending.pop(0)
            running[chunk] = _spawn(args, chunk, chunks_dir)
        time.sleep(0.5)
        for chunk, (proc, size, since) in list(running.items()):
            path = chunks_dir / f"{chunk[0]:08d}.jsonl"
            cur = path.stat().st_size if path.exists() else 0
            if cur != size:
                running[chunk] = (proc, cur, time.time())
            code = proc.poll()
            hung = code is None and time.time() - since > HANG_SECONDS
            if hung:
                proc.kill()
                proc.wait()
            if code is None and not hung:
                continue
            del running[chunk]
            rows, begun, done = _read(path)
            if done:
                finished += 1
                rate = (sum(b - a for a, b in todo[:finished]) or 1) / max(time.time() - t0, 1e-9)
                print(
                    f"chunk {chunk[0]}-{chunk[1]} done ({finished}/{len(todo)}, {rate:.1f} cases/s)",
                    file=sys.stderr,
                )
                continue
            # the worker died or hung: record the case it was on, go on after it
            if begun is not None:
                current = path.with_suffix(".current")
                if current.exists():
                    shutil.copyfile(current, args.out / "inputs" / f"{args.seed}-{begun}.sql")
                kind = "hang" if hung else "fatal"
                detail = (
                    f"worker {'killed after no progress' if hung else f'exited with {code}'} on this case"
                )
                with open(path, "a", encoding="utf-8") as f:
                    f.write(json.dumps(_lost(begun, kind, detail, args.seed, args.dialect)) + "\n")
                nxt = begun + 1
            else:
                nxt = max((r["i"] for r in rows), default=chunk[0] - 1) + 1
            print(f"worker for {chunk} stopped at {nxt - 1} ({'hang' if hung else code})", file=sys.stderr)
            if nxt < chunk[1]:
                running[chunk] = _spawn(args, chunk, chunks_dir, start=nxt)
            else:
                with open(path, "a", encoding="utf-8") as f:
                    f.write(json.dumps({"done": True}) + "\n")
                finished += 1


def _spawn(
    args: argparse.Namespace, chunk: tuple[int, int], chunks_dir: Path, start: int | None = None
) -> tuple[subprocess.Popen[bytes], int, float]:
    path = chunks_dir / f"{chunk[0]:08d}.jsonl"
    if start is None and path.exists():
        path.unlink()  # an unfinished chunk from an interrupted campaign: start it again
    first = chunk[0] if start is None else start
    cmd = [
        sys.executable, __file__, "--worker", "--seed", str(args.seed), "--start", str(first),
        "-n", str(chunk[1] - first), "--results", str(path), "--stdin-rate", str(args.stdin_rate),
    ]  # fmt: skip
    if args.dialect:
        cmd += ["--dialect", args.dialect]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdin=subprocess.DEVNULL)
    return proc, path.stat().st_size if path.exists() else 0, time.time()


# -- summary and saved failures ------------------------------------------------------------------------------


def _slug(key: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", key).strip("_")[:90] or "x"


def summarise(args: argparse.Namespace) -> None:
    rows: list[dict[str, Any]] = []
    for path in sorted((args.out / "chunks").glob("*.jsonl")):
        rows += _read(path)[0]
    rows.sort(key=lambda r: r["i"])
    cases = Counter(r["dialect"] for r in rows)
    codes: Counter[tuple[str, int]] = Counter()
    for r in rows:
        for c in r["codes"]:
            codes[(r["dialect"], c)] += 1
    # one entry per (dialect, kind, key): how many runs and cases, where, which cases
    groups: dict[tuple[str, str, str], dict[str, Any]] = {}
    for r in rows:
        for f in r["findings"]:
            g = groups.setdefault(
                (r["dialect"], f["kind"], f["key"]),
                {"runs": 0, "cases": [], "locations": Counter(), "mutations": Counter()},
            )
            g["runs"] += 1
            if not g["cases"] or g["cases"][-1]["i"] != r["i"]:
                g["cases"].append(r)
                g["mutations"].update(r["mutations"])
            if f["location"]:
                g["locations"][f["location"]] += 1
    kinds: Counter[tuple[str, str]] = Counter()
    failing_cases: dict[str, set[int]] = defaultdict(set)
    for (d, kind, _), g in groups.items():
        kinds[(d, kind)] += len(g["cases"])
        if kind not in fuzz.NOTE_KINDS:
            failing_cases[d].update(r["i"] for r in g["cases"])
    secs = sorted(r["seconds"] for r in rows)
    summary = {
        "seed": args.seed,
        "cases": dict(cases),
        "runs_by_exit_code": {f"{d} exit {c}": n for (d, c), n in sorted(codes.items())},
        "failing_cases": {d: len(v) for d, v in failing_cases.items()},
        "cases_by_kind": {f"{d} {k}": n for (d, k), n in sorted(kinds.items())},
        "seconds_per_case": {
            "median": secs[len(secs) // 2] if secs else 0,
            "p99": secs[int(len(secs) * 0.99)] if secs else 0,
            "max": secs[-1] if secs else 0,
            "total": round(sum(secs), 1),
        },
        "groups": [
            {
                "dialect": d,
                "kind": kind,
                "key": key,
                "cases": len(g["cases"]),
                "runs": g["runs"],
                "locations": dict(g["locations"].most_common(5)),
                "mutations": dict(g["mutations"].most_common(6)),
                "examples": [
                    f"{args.seed}:{r['i']}" for r in sorted(g["cases"], key=lambda r: r["size"])[:5]
                ],
            }
            for (d, kind, key), g in sorted(
                groups.items(), key=lambda kv: (kv[0][0], kv[0][1], -len(kv[1]["cases"]))
            )
        ],
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "summary.json").write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")
    saved = _save_failures(args, groups) if not args.no_save else {}
    (args.out / "summary.md").write_text(_markdown(summary, saved), encoding="utf-8")
    print((args.out / "summary.md").read_text(encoding="utf-8"))


def _save_failures(
    args: argparse.Namespace, groups: dict[tuple[str, str, str], dict[str, Any]]
) -> dict[str, str]:
    """Up to --keep inputs per group (smallest first), from the inputs the workers saved; the first
    one minimised. -> {group: minimised input}."""
    root = args.out / "failures"
    shutil.rmtree(root, ignore_errors=True)
    minimized: dict[str, str] = {}
    for (d, kind, key), g in sorted(groups.items()):
        examples = sorted(g["cases"], key=lambda r: r["size"])[: args.keep]
        for n, r in enumerate(examples):
            folder = root / d / kind / _slug(key) / f"case-{args.seed}-{r['i']}"
            folder.mkdir(parents=True, exist_ok=True)
            saved = args.out / "inputs" / f"{args.seed}-{r['i']}.sql"
            f = next(f for f in r["findings"] if f["key"] == key and f["kind"] == kind)
            what = f"case {args.seed}:{r['i']} [{d}] {r['side']}: {', '.join(r['mutations'])}"
            (folder / "finding.txt").write_text(
                f"{what}\n{kind}: {key}\n{f['location']}\n\n{f['detail']}\n", encoding="utf-8"
            )
            if not saved.exists():
                continue
            data = saved.read_bytes()
            shutil.copyfile(saved, folder / "input.sql")
            if r.get("base"):
                shutil.copyfile(ROOT / r["base"], folder / "base.sql")
            argv = f["argv"]
            mutated = next((a for a in argv if a.endswith("mutated.sql")), "-")
            cmd = fuzz.reproducer(argv, mutated, "input.sql", "base.sql") if argv else "(see finding.txt)"
            (folder / "command.sh").write_text(cmd + (" < input.sql" if mutated == "-" else "") + "\n")
            if n or not args.minimize or kind in ("fatal", "hang", "timeout", "slow") or mutated == "-":
                continue
            if kind == "truncation" and not data.endswith(fuzz.sentinel_bytes(d, r["transform"])):
                continue  # re-encoded around the sentinel: cutting it would only find a lost sentinel
            with tempfile.TemporaryDirectory(prefix="ddlcompare-fuzz-min-") as tmp:
                fails = fuzz.still_fails(argv, mutated, key, Path(tmp))
                if fails(data):
                    small = fuzz.minimize(data, fails, keep_suffix=fuzz.sentinel_bytes(d, r["transform"]))
                    (folder / "minimized.sql").write_bytes(small)
                    (folder / "minimized.sh").write_text(
                        fuzz.reproducer(argv, mutated, "minimized.sql", "base.sql") + "\n", encoding="utf-8"
                    )
                    minimized[f"{d} {kind} {key}"] = small.decode("utf-8", "backslashreplace")
    return minimized


def _markdown(s: dict[str, Any], minimized: dict[str, str]) -> str:
    lines = [f"# Fuzz campaign, seed {s['seed']}", ""]
    lines.append(
        f"Cases: {s['cases']}; failing cases (notes not counted): {s['failing_cases']}; "
        f"seconds per case: {s['seconds_per_case']}"
    )
    lines += [
        "",
        "Runs by exit code: " + ", ".join(f"{k}: {v}" for k, v in s["runs_by_exit_code"].items()),
        "",
    ]
    lines += [
        "| dialect | kind | key | cases | runs | locations | examples |",
        "|---|---|---|---|---|---|---|",
    ]
    for g in s["groups"]:
        locs = ", ".join(g["locations"])
        ex = ", ".join(g["examples"][:3])
        key = g["key"].replace("|", "\\|")
        lines.append(f"| {g['dialect']} | {g['kind']} | {key} | {g['cases']} | {g['runs']} | {locs} | {ex} |")
    if minimized:
        lines += ["", "## Minimised inputs", ""]
        for key, text in minimized.items():
            lines += [f"### {key}", "", "```", text[:1500], "```", ""]
    return "\n".join(lines) + "\n"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("-n", type=int, default=100_000, help="number of cases (default 100,000)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--start", type=int, default=0, help="first case index")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--chunk", type=int, default=500, help="cases per worker process")
    p.add_argument("--dialect", choices=fuzz.DIALECTS, help="only this dialect (default: both, alternating)")
    p.add_argument("--stdin-rate", type=float, default=0.002, help="share of cases also run through stdin")
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "fuzz")
    p.add_argument("--keep", type=int, default=3, help="inputs saved per failure key")
    p.add_argument("--no-minimize", dest="minimize", action="store_false")
    p.add_argument("--no-save", action="store_true", help="summary only, no saved inputs")
    p.add_argument("--summary-only", action="store_true", help="regroup the existing chunk results")
    p.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--results", type=Path, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.worker:
        work(args.seed, args.start, args.start + args.n, args.results, args.dialect, args.stdin_rate)
        return
    os.environ.setdefault("PYTHONHASHSEED", "0")
    # `kill` of the parent stops its workers too (SystemExit runs the campaign's `finally`)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if not args.summary_only:
        campaign(args)
    summarise(args)


if __name__ == "__main__":
    main()
