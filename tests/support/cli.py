"""Run the `ddlcompare` command line in-process (fast) or as a subprocess, capturing everything."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import traceback
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# `file:line:col: error: message`, the documented error shape
ERROR_LINE = re.compile(r"(?m)^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): error: (?P<message>.+)$")


@dataclass(frozen=True)
class Run:
    """Exit code and output of one invocation; `crash` is the traceback of an uncaught exception."""

    code: int
    stdout: str
    stderr: str
    crash: str = ""

    @property
    def error_line(self) -> re.Match[str] | None:
        return ERROR_LINE.search(self.stderr)


def run(*args: str) -> Run:
    """`ddlcompare ARGS` through `ddlcompare.cli.main`, as the console script would run it."""
    from ddlcompare.cli import main

    out, err = io.StringIO(), io.StringIO()
    code, crash = 0, ""
    with redirect_stdout(out), redirect_stderr(err):
        try:
            main(list(args))
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        except BaseException:  # exactly what the console script would print as a traceback
            code, crash = 1, traceback.format_exc()
    return Run(code, out.getvalue(), err.getvalue(), crash)


def run_process(
    *args: str, cwd: Path | None = None, stdin: bytes | None = None, env: dict[str, str] | None = None
) -> Run:
    """`ddlcompare ARGS` as a real subprocess (python -m ddlcompare) for the end-to-end checks."""
    proc = subprocess.run(
        [sys.executable, "-m", "ddlcompare", *args],
        cwd=cwd or ROOT,
        input=stdin,
        capture_output=True,
        check=False,
        env={**os.environ, **(env or {})},
    )
    stderr = proc.stderr.decode("utf-8", "replace")
    crash = stderr if "Traceback (most recent call last)" in stderr else ""
    return Run(proc.returncode, proc.stdout.decode("utf-8", "replace"), stderr, crash)
