"""pytest plugin: pass rates of the corpus suites at the end of the session (works under xdist)."""

from __future__ import annotations

from collections import defaultdict

import pytest

_results: dict[str, dict[str, tuple[bool, bool]]] = defaultdict(dict)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Collect the `corpus_result` property set by tests.support.known (the controller sees all)."""
    for name, value in report.user_properties:
        if name == "corpus_result" and isinstance(value, (tuple, list)):
            suite, case_id, ok, listed = value
            _results[suite][case_id] = (bool(ok), bool(listed))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """One line per corpus suite: passing/total, listed failures, surprises."""
    if not _results:
        return
    tr = terminalreporter
    tr.section("corpus pass rates")
    for suite in sorted(_results):
        rows = _results[suite].values()
        total = len(rows)
        ok = sum(1 for passed, _ in rows if passed)
        new_fail = sum(1 for passed, listed in rows if not passed and not listed)
        fixed = sum(1 for passed, listed in rows if passed and listed)
        tr.write_line(
            f"{suite}: {ok}/{total} pass ({100.0 * ok / total:.1f} %); "
            f"{total - ok - new_fail} known failures, {new_fail} new failures, {fixed} fixed but still listed"
        )
