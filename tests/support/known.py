"""Known-failure lists for the corpus suites: strict in both directions, so the lists only shrink.

A list is `tests/known_failures/<name>.txt`, one `<case id>: <reason>` per line (`#` comments and
blank lines ignored). An unlisted case that fails, and a listed case that passes, both fail the
test; a listed case that fails is an xfail carrying its reason. Every outcome is recorded as a
`corpus_result` user property for the pass-rate summary (tests/support/corpus_summary.py), and
appended to `$DDLCOMPARE_CORPUS_RESULTS/<suite>.jsonl` when that variable names a directory (triage).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

KNOWN_DIR = Path(__file__).resolve().parents[1] / "known_failures"
_LINE = re.compile(r"^(?P<id>\S+):\s*(?P<reason>.*)$")


@dataclass(frozen=True)
class KnownFailures:
    """The known-failure list of one suite."""

    suite: str
    path: Path
    entries: dict[str, str]

    def check(
        self, request: pytest.FixtureRequest, case_id: str, ok: bool, detail: str = "", *, category: str = ""
    ) -> None:
        """Pass, fail or xfail `case_id` according to the list, and record the outcome."""
        listed = case_id in self.entries
        request.node.user_properties.append(("corpus_result", (self.suite, case_id, ok, listed)))
        _record(self.suite, case_id, ok, category, detail)
        if ok and listed:
            pytest.fail(f"{case_id} passes now: remove its line from {self.path.name}", pytrace=False)
        if not ok and not listed:
            pytest.fail(f"{case_id} fails and is not in {self.path.name}:\n{detail}", pytrace=False)
        if not ok:
            pytest.xfail(f"{self.entries[case_id]}")


@cache
def known(suite: str) -> KnownFailures:
    """The list `tests/known_failures/<suite>.txt` (empty when the file is absent)."""
    path = KNOWN_DIR / f"{suite}.txt"
    entries: dict[str, str] = {}
    if path.is_file():
        for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            m = _LINE.match(line)
            if m is None:
                raise ValueError(f"{path}:{n}: expected `<case id>: <reason>`")
            entries[m["id"]] = m["reason"]
    return KnownFailures(suite, path, entries)


def _record(suite: str, case_id: str, ok: bool, category: str, detail: str) -> None:
    out = os.environ.get("DDLCOMPARE_CORPUS_RESULTS")
    if not out:
        return
    Path(out).mkdir(parents=True, exist_ok=True)
    row = {"suite": suite, "id": case_id, "ok": ok, "category": category, "detail": detail[:20000]}
    # one file per process: xdist workers never interleave their writes
    with open(Path(out) / f"{suite}.{os.getpid()}.jsonl", "a", encoding="utf-8") as f:
        f.write(json.dumps(row) + "\n")
