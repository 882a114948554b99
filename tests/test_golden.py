"""Golden cases: fixtures/<dialect>/<case>/ old.sql + new.sql -> expected forward and rollback scripts.

A case may hold `options.txt`: command-line flags the case is planned with (--online,
--target-version V, --lock-timeout V, --statement-timeout V; whitespace-separated, `#` comments),
and `expected_report.md`: the Markdown report, checked when the file is there.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ddlcompare.dialects import get
from ddlcompare.diff.changes import Alter, Change
from ddlcompare.diff.compare import diff
from ddlcompare.model.base import Schema
from ddlcompare.output.markdown import render_markdown
from ddlcompare.output.sql import render_script
from tests.support.golden import Golden, load_case_side, plan_case

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CASES = sorted(p for p in FIXTURES.glob("*/*") if (p / "new.sql").is_file() and (p / "old.sql").is_file())


def _id(case: Path) -> str:
    return f"{case.parent.name}/{case.name}"


def _load(path: Path, dialect: str) -> Schema:
    return load_case_side(path, dialect)


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_golden(case: Path, golden: Golden) -> None:
    """Forward (destructive statements commented out) and rollback scripts match the golden files."""
    d = get(case.parent.name)
    plan = plan_case(case)
    golden.check(case / "expected_forward.sql", render_script(plan, d.STYLE))
    golden.check(case / "expected_rollback.sql", render_script(plan, d.STYLE, rollback=True))
    if (case / "expected_report.md").is_file():
        golden.check(case / "expected_report.md", render_markdown(plan))


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_invariants(case: Path) -> None:
    """A side compared with itself has no changes; the reversed forward diff is the backward diff."""
    d = get(case.parent.name)
    old, new = _load(case / "old.sql", d.NAME), _load(case / "new.sql", d.NAME)
    assert diff(new, new, column_order=d.COLUMN_ORDER) == ()
    assert diff(old, old, column_order=d.COLUMN_ORDER) == ()
    forward = diff(old, new, column_order=d.COLUMN_ORDER)
    backward = diff(new, old, column_order=d.COLUMN_ORDER)
    assert forward, "a golden case must have at least one change"
    assert {_unordered(c.reverse()) for c in forward} == {_unordered(c) for c in backward}


def _unordered(change: Change) -> object:
    """A change with its column changes as a set: `diff` lists them in the new side's order."""
    if isinstance(change, Alter):
        return (change.old, change.new, frozenset(change.children), change.moved)
    return change
