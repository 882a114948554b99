"""Rewrite the known-failure lists from a recorded corpus run (then review the diff).

    DDLCOMPARE_CORPUS_RESULTS=/tmp/corpus-run .venv/bin/pytest -n 2 -m corpus
    .venv/bin/python -m tests.known_failures.update /tmp/corpus-run

Passing cases are removed, failures keep their reason, and new failures are added as
`UNTRIAGED (<stage>): <first line of the failure>` for a human to replace with a root cause.
Only the suites present in the run are rewritten.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tests.support.known import KNOWN_DIR, known

HEADER = (
    "# Known failures of the {suite} corpus suite: `<case id>: <reason>` per line (tests/support/known.py).\n"
    "# Strict: an unlisted failure fails the run, and so does a listed case that passes (remove its line).\n"
    "# Regenerate with tests/known_failures/update.py, then review the reasons.\n"
)


def _first_line(detail: str) -> str:
    for line in detail.splitlines():
        s = line.strip().lstrip("#~+- ").strip()
        if s and not s.startswith(("parsed file", "Schema diff report", "old:", "new:", "stage:", "|")):
            return s[:160]
    return ""


def update(results: Path) -> list[str]:
    """Rewrite every list whose suite appears in `results`; the names of the rewritten files."""
    runs: dict[str, dict[str, dict[str, object]]] = {}
    for f in sorted(results.glob("*.jsonl")):
        for line in f.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            runs.setdefault(row["suite"], {})[row["id"]] = row
    written = []
    for suite, rows in sorted(runs.items()):
        old = known(suite).entries
        lines = []
        for case_id in sorted(rows):
            row = rows[case_id]
            if row["ok"]:
                continue
            reason = old.get(case_id) or (
                f"UNTRIAGED ({row['category'] or 'failure'}): {_first_line(str(row['detail']))}"
            )
            lines.append(f"{case_id}: {reason}")
        path = KNOWN_DIR / f"{suite}.txt"
        path.write_text(HEADER.format(suite=suite) + "".join(f"{x}\n" for x in lines), encoding="utf-8")
        written.append(path.name)
    return written


if __name__ == "__main__":
    print("\n".join(update(Path(sys.argv[1]))))
