"""Helpers shared by bench_pg.py and bench_my.py: timing, child processes, result checks, tables."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
OUT = BENCH / "out"
VENV_BIN = ROOT / ".venv" / "bin"
DDLCOMPARE = VENV_BIN / "ddlcompare"
# Same entry point as the console script, for a tree where it is not installed (yet).
_FROM_SOURCE = "import sys; from ddlcompare.cli import entry; sys.argv[0] = 'ddlcompare'; entry()"
MEMORY_LIMIT = 1_000_000_000  # bytes: "peak memory < 1 GB"
RATIO_LIMIT = 3.0
RATIO_MIN_TABLES = 10_000  # the ratio target applies to pairs of at least this many tables


def log(msg: str) -> None:
    """Progress on stderr, so stdout stays clean for the table or --json."""
    print(msg, file=sys.stderr, flush=True)


def run(cmd: Sequence[str], *, env: dict[str, str] | None = None, quiet: bool = True) -> None:
    """Run a helper command (psql, pg_dump, ...); raise with its stderr when it fails."""
    full_env = {**os.environ, **(env or {})}
    p = subprocess.run(list(cmd), env=full_env, capture_output=quiet, text=True, check=False)
    if p.returncode != 0:
        tail = (p.stderr or "")[-2000:] if quiet else ""
        raise RuntimeError(f"{cmd[0]} failed with exit code {p.returncode}:\n{tail}")


def timed(fn: Callable[[], Any]) -> float:
    """Wall seconds taken by fn()."""
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def cpu_median(fn: Callable[[], Any], repeat: int) -> float:
    """Median CPU seconds (process_time) of `repeat` calls of fn()."""
    times = []
    for _ in range(repeat):
        t0 = time.process_time()
        fn()
        times.append(time.process_time() - t0)
    return statistics.median(times)


@dataclass
class ChildRun:
    """One run of a child process: exit code, wall seconds, CPU seconds and peak memory.

    `maxrss` is wait4's figure: the largest RSS of the child or of one of its own children (a
    maximum, not a sum). `tree_rss` is the largest sum of the RSS of the child and its descendants
    sampled every few milliseconds (pages a forked worker shares with its parent count twice)."""

    returncode: int
    wall: float
    cpu: float
    maxrss: int  # bytes
    stderr: str
    timed_out: bool = False
    tree_rss: int = 0  # bytes

    @property
    def peak(self) -> int:
        """The memory figure checked against the limit: the larger of the two."""
        return max(self.maxrss, self.tree_rss)

    @property
    def crashed(self) -> bool:
        """An error exit, a kill, or a traceback (Python exits 1 on an uncaught exception too)."""
        return self.returncode not in (0, 1) or "Traceback (most recent call last)" in self.stderr


def _tree_rss(pid: int) -> int:
    """Sum of the RSS (bytes) of a process and its descendants, from /proc (0 where it is gone)."""
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/status", encoding="ascii", errors="replace") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
                        break
            with open(f"/proc/{p}/task/{p}/children", encoding="ascii") as f:
                stack.extend(int(x) for x in f.read().split())
        except (OSError, ValueError):
            continue
    return total


class _TreeSampler(threading.Thread):
    """Samples _tree_rss(pid) until stopped; `peak` is the largest sum seen."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.005):
            self.peak = max(self.peak, _tree_rss(self.pid))


def run_child(cmd: Sequence[str], stderr_path: Path, timeout: float | None = None) -> ChildRun:
    """Run cmd with stdout discarded; rusage comes from wait4 on that pid, so earlier children don't count.

    After `timeout` seconds the child is killed and the run counts as timed out.
    """
    with open(os.devnull, "wb") as devnull, open(stderr_path, "wb") as err:
        t0 = time.perf_counter()
        p = subprocess.Popen(list(cmd), stdout=devnull, stderr=err, stdin=subprocess.DEVNULL, cwd=ROOT)
        timer = threading.Timer(timeout, p.kill) if timeout else None
        if timer:
            timer.start()
        sampler = _TreeSampler(p.pid)
        sampler.start()
        try:
            _, status, ru = os.wait4(p.pid, 0)
        finally:
            if timer:
                timer.cancel()
            sampler.done.set()
            sampler.join()
        wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)  # already reaped: keep Popen from waiting again
    timed_out = timeout is not None and wall >= timeout and p.returncode < 0
    text = stderr_path.read_text(encoding="utf-8", errors="replace")
    if timed_out:
        text += f"\ntimed out after {wall:.0f}s (killed)\n"
    return ChildRun(
        returncode=p.returncode,
        wall=wall,
        cpu=ru.ru_utime + ru.ru_stime,
        maxrss=ru.ru_maxrss * 1024,  # Linux reports KiB
        stderr=text,
        timed_out=timed_out,
        tree_rss=sampler.peak,
    )


@dataclass
class EndToEnd:
    """ddlcompare measured over several runs."""

    available: bool
    runs: list[ChildRun] = field(default_factory=list)
    note: str = ""

    @property
    def wall(self) -> float:
        return statistics.median(r.wall for r in self.runs)

    @property
    def cpu(self) -> float:
        return statistics.median(r.cpu for r in self.runs)

    @property
    def maxrss(self) -> int:
        """The checked peak memory (ChildRun.peak), the highest of the runs."""
        return max(r.peak for r in self.runs)

    @property
    def returncodes(self) -> list[int]:
        return [r.returncode for r in self.runs]

    @property
    def crashed(self) -> bool:
        return any(r.crashed for r in self.runs)


def ddlcompare_cmd() -> list[str]:
    """The installed console script, else the same entry point run from the source tree."""
    if DDLCOMPARE.exists():
        return [str(DDLCOMPARE)]
    return [str(VENV_BIN / "python"), "-c", _FROM_SOURCE]


def run_ddlcompare(
    old: Path,
    new: Path,
    result_dir: Path,
    repeat: int,
    extra: Sequence[str] = (),
    stop_on_error: bool = True,
    timeout: float | None = None,
) -> EndToEnd:
    """Run `ddlcompare OLD NEW --output-dir DIR` `repeat` times, one child at a time."""
    e2e = EndToEnd(True)
    if not DDLCOMPARE.exists():
        log(f"    {DDLCOMPARE.relative_to(ROOT)} not installed: running ddlcompare.cli:main from source")
    cmd = [*ddlcompare_cmd(), str(old), str(new), "--output-dir", str(result_dir), *extra]
    stderr_path = result_dir.with_name(result_dir.name + ".stderr")
    for k in range(repeat):
        r = run_child(cmd, stderr_path, timeout)
        e2e.runs.append(r)
        crash = " (crashed)" if r.crashed else ""
        log(
            f"    run {k + 1}/{repeat}: exit {r.returncode}{crash}, {r.wall:.2f}s, {r.cpu:.2f}s CPU,"
            f" {mib(r.maxrss)} MiB (largest process), {mib(r.tree_rss)} MiB (process tree)"
        )
        if r.crashed and stop_on_error:
            e2e.note = last_line(r.stderr)
            break
    return e2e


def last_line(text: str) -> str:
    """The last non-empty line of text (an error message or the tail of a traceback)."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    return lines[-1].strip() if lines else ""


@dataclass
class DiffCheck:
    """What diff.json reports, and which generator changes it mentions."""

    ok: bool
    changes: int = 0
    summary: dict[str, int] = field(default_factory=dict)
    found: int = 0
    expected: int = 0
    missing: list[str] = field(default_factory=list)
    note: str = ""


def check_diff_json(path: Path, expected: Sequence[tuple[str, str]]) -> DiffCheck:
    """Count diff.json's changes; each (change, object name) the generator applied must appear in some key."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        return DiffCheck(False, note=f"diff.json unreadable: {e}")
    changes = doc.get("changes", [])
    keys = [str(c.get("key", "")) for c in changes]
    missing = [f"{what} ({name})" for what, name in expected if not any(name in k for k in keys)]
    found = len(expected) - len(missing)
    return DiffCheck(
        ok=bool(changes) and not missing,
        changes=len(changes),
        summary={k: v for k, v in doc.get("summary", {}).items() if isinstance(v, int)},
        found=found,
        expected=len(expected),
        missing=missing,
    )


def judge(
    n: int, floor_s: float, e2e: EndToEnd, diff_json: Path, expected: Sequence[tuple[str, str]]
) -> dict[str, Any]:
    """The end-to-end figures for one size and the PASS/FAIL verdict against the targets."""
    fails: list[str] = []
    out: dict[str, Any] = {}
    if not e2e.available or not e2e.runs:  # no verdict: pass is None
        out["ddlcompare"] = {"available": False, "note": e2e.note}
        return {**out, "pass": None, "failures": []}
    elif e2e.crashed:
        out["ddlcompare"] = {
            "available": True,
            "crashed": True,
            "exit_codes": e2e.returncodes,
            "note": e2e.note,
        }
        fails.append(f"ddlcompare failed (exit {e2e.returncodes}): {e2e.note}")
    else:
        ratio = e2e.wall / floor_s if floor_s > 0 else float("inf")
        out["ddlcompare"] = {
            "available": True,
            "crashed": False,
            "wall_s": round(e2e.wall, 3),
            "cpu_s": round(e2e.cpu, 3),
            "peak_rss_bytes": e2e.maxrss,  # the larger of the two below
            "peak_rss_process_bytes": max(r.maxrss for r in e2e.runs),
            "peak_rss_tree_bytes": max(r.tree_rss for r in e2e.runs),
            "exit_codes": e2e.returncodes,
            "ratio": round(ratio, 2),
            "ratio_target_applies": n >= RATIO_MIN_TABLES,
        }
        if any(c != 1 for c in e2e.returncodes):
            fails.append(f"exit code {e2e.returncodes} (want 1: differences)")
        if e2e.maxrss >= MEMORY_LIMIT:
            fails.append(f"peak RSS {mib(e2e.maxrss)} MiB >= 1 GB")
        if n >= RATIO_MIN_TABLES and ratio > RATIO_LIMIT:
            fails.append(f"ratio {ratio:.2f} > {RATIO_LIMIT}")
        dc = check_diff_json(diff_json, expected)
        out["diff"] = {
            "changes": dc.changes,
            "summary": dc.summary,
            "generator_changes_found": dc.found,
            "generator_changes": dc.expected,
            "missing": dc.missing,
            "note": dc.note,
        }
        if not dc.ok:
            fails.append(dc.note or f"diff.json does not name: {', '.join(dc.missing) or 'any change'}")
    out["pass"] = not fails
    out["failures"] = fails
    return out


E2E_HEADERS = ("ddlcompare s", "cpu s", "ratio", "peak MiB", "exit", "changes (found)", "result")


def e2e_cells(rec: dict[str, Any]) -> list[str]:
    """Table cells for E2E_HEADERS."""
    d = rec["ddlcompare"]
    verdict = {True: "PASS", False: "FAIL", None: "n/a"}[rec["pass"]]
    if not d["available"]:
        return ["n/a", "-", "-", "-", "-", "-", verdict]
    if d["crashed"]:
        return ["error", "-", "-", "-", ",".join(map(str, d["exit_codes"])), "-", verdict]
    diff = rec["diff"]
    ratio = f"{d['ratio']:.2f}" + ("" if d["ratio_target_applies"] else " (info)")
    found = f"{diff['changes']} ({diff['generator_changes_found']}/{diff['generator_changes']})"
    exits = ",".join(map(str, d["exit_codes"]))
    return [f"{d['wall_s']:.3f}", f"{d['cpu_s']:.3f}", ratio, mib(d["peak_rss_bytes"]), exits, found, verdict]


def print_targets(records: Sequence[dict[str, Any]]) -> None:
    """The targets, then every failure reason."""
    print(
        f"\ntargets: ratio (ddlcompare wall / floor CPU) <= {RATIO_LIMIT} at >= {RATIO_MIN_TABLES} tables;"
        " peak RSS < 1 GB; exit code 1; diff.json names every generated change"
    )
    for r in records:
        for f in r["failures"]:
            print(f"  FAIL {r['tables']}: {f}")


def print_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """A plain aligned text table on stdout."""
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    print(line)
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)))


def read_meta(path: Path) -> dict[str, Any]:
    """Timings recorded when the dumps were made (empty when absent)."""
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return data
    except (OSError, ValueError):
        return {}


def write_meta(path: Path, meta: dict[str, Any]) -> None:
    path.write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def mib(n: int) -> str:
    return f"{n / 2**20:.0f}"
