"""`--output-dir` on every fixture (issue 10 item 1): the command writes the whole set, each file
what its format says: both scripts, the report, a diff.json that validates against the shipped
schema, the validation log, the DOT graph and the SVG Graphviz drew of it. Run through the command
line with the case's own options (options.txt), as a user would."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.cli import run
from tests.support.diffjson import validated
from tests.support.golden import case_options
from tests.support.graphviz import dot_program

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CASES = sorted(
    p for d in ("postgres", "mysql") for p in (FIXTURES / d).iterdir() if (p / "new.sql").is_file()
)


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.parent.name}/{c.name}")
def test_output_dir_writes_the_set(case: Path, tmp_path: Path) -> None:
    dot_program()  # the SVG is part of the set: Graphviz must be there (fails under CI when not)
    out = tmp_path / "out"
    args = (str(case / "old.sql"), str(case / "new.sql"), "--dialect", case.parent.name)
    args += case_options(case).flags
    r = run(*args, "--output-dir", str(out), "--quiet")
    assert not r.crash, r.crash
    assert r.code == 1, r.stderr

    def text(name: str) -> str:
        return (out / name).read_text(encoding="utf-8")

    assert text("migration_forward.sql") == run(*args).stdout
    assert text("migration_rollback.sql").strip()
    doc = validated(text("diff.json"))
    report = text("schema_diff_report.md")
    assert report.startswith(f"# Schema diff report ({case.parent.name})")
    assert all(f" {c['key']}  **" in report for c in doc["changes"])  # every change has its section
    assert text("schema_validation.log").strip()
    assert text("dependency_graph.dot").startswith("digraph ddlcompare {")
    svg = text("dependency_graph.svg")
    assert svg.startswith("<?xml") and svg.rstrip().endswith("</svg>")
