"""The data-check harness shared by the live suites of both dialects (tests/live/test_data_checks_*):
a case of fixtures/checks/<dialect>/ loaded with failing or passing rows, its check run through the
library and the command line, the database read before and after, and the migration applied step
by step. A dialect gives a `Server`: how to make a database, load it, read its rows and apply."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ddlcompare import compare, dialects
from ddlcompare.plan.checks import CheckKind, Status
from ddlcompare.plan.plan import Plan
from tests.support.cli import run

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
EXPECT = re.compile(r"^-- expect: (\w+) (\d+) ids ([\d,]+)$", re.M)


@dataclass(frozen=True)
class Server:
    """One dialect's server, as the shared tests use it."""

    dialect: str
    fresh: Callable[[], AbstractContextManager[str]]  # a scratch database's name, dropped after
    url: Callable[[str], str]
    load: Callable[[str, str], None]  # (database, script): raises when the script fails
    contents: Callable[[str], dict[str, list[tuple[Any, ...]]]]  # every row of every table, sorted
    # (database, plan) -> (index of the step that failed or None, error): each step's statements
    apply_steps: Callable[[str, Plan], tuple[int | None, str]]
    # the step whose statements apply step i (MySQL merges a table's steps into one ALTER)
    host_of: Callable[[Plan, int], int] = lambda plan, i: i

    @property
    def cases(self) -> Path:
        return FIXTURES / "checks" / self.dialect

    def plan(self, case: Path) -> Plan:
        return compare(str(case / "old.sql"), str(case / "new.sql"), dialect=self.dialect)


def case_names(server_dialect: str) -> list[str]:
    return sorted(p.name for p in (FIXTURES / "checks" / server_dialect).iterdir())


def expected(case: Path) -> tuple[CheckKind, int, list[str]]:
    """The kind, the count and the sample keys (ids) `fail.sql` says its rows give."""
    m = EXPECT.search((case / "fail.sql").read_text(encoding="utf-8"))
    assert m, f"{case}/fail.sql has no `-- expect: KIND COUNT ids ID,...` line"
    return CheckKind(m.group(1)), int(m.group(2)), m.group(3).split(",")


def check_case(server: Server, case: str, rows: str) -> None:
    """`fail.sql` rows: FAIL with the expected count and sample keys, exit 3, and the migration
    fails at the step checked (or applies and loses the rows counted); `pass.sql` rows: PASS,
    exit 1, and the migration applies. The checks change no row either way."""
    path = server.cases / case
    kind, count, ids = expected(path)
    old, new = str(path / "old.sql"), str(path / "new.sql")
    with server.fresh() as db:
        url = server.url(db)
        for name in ("old.sql", f"{rows}.sql"):
            server.load(db, (path / name).read_text(encoding="utf-8"))
        before = server.contents(db)

        d = dialects.get(server.dialect)
        plan = server.plan(path)
        validation = d.validate(plan)
        assert [c.kind for c in validation.checks] == [kind], validation.checks
        check = validation.checks[0]
        (result,) = d.run_checks(url, validation.checks, 30.0)
        out = run(old, new, "--check-db", url, "--format", "validation", "-q")
        assert server.contents(db) == before, "the data checks changed the database"
        assert not out.crash, out.crash

        if rows == "fail":
            assert (result.status, result.count) == (Status.FAIL, count), result
            assert result.samples == tuple((("id", i),) for i in ids[:5]), result.samples
            assert out.code == 3, out.stderr
            shown = "; ".join(f"id={i}" for i in ids[:5])
            assert f"status: FAIL\n  count: {count}\n  sample keys: {shown}\n" in out.stdout, out.stdout
            failed_at, error = server.apply_steps(db, plan)
            if check.loses:
                assert failed_at is None, error  # applies: the rows counted are the ones lost
            else:
                assert failed_at == server.host_of(plan, check.step_index), (failed_at, error, check.step)
        else:
            assert (result.status, result.count, result.samples) == (Status.PASS, 0, ()), result
            assert out.code == 1, out.stderr
            assert "status: PASS" in out.stdout and "result: PASS" in out.stdout, out.stdout
            assert server.apply_steps(db, plan) == (None, "")


def golden_with_checks(dialect: str) -> list[str]:
    """The golden fixtures whose plan has data checks (listed offline, without a server)."""
    d = dialects.get(dialect)
    out = []
    for case in sorted((FIXTURES / dialect).iterdir()):
        plan = compare(str(case / "old.sql"), str(case / "new.sql"), dialect=dialect)
        if d.validate(plan).checks:
            out.append(case.name)
    return out


def golden_checks_run(server: Server, case: str) -> None:
    """Every data check of a golden fixture is valid SQL on the server: run against the old side
    loaded without rows, each PASSes (an empty table violates nothing and loses nothing)."""
    path = FIXTURES / server.dialect / case
    with server.fresh() as db:
        server.load(db, (path / "old.sql").read_text(encoding="utf-8"))
        d = dialects.get(server.dialect)
        v = d.validate(server.plan(path))
        results = d.run_checks(server.url(db), v.checks, 30.0)
        # a check that uses an object the migration creates (a function a new CHECK calls) cannot run yet
        assert [(c.kind, r.status) for c, r in zip(v.checks, results, strict=True)] == [
            (c.kind, Status.NOT_RUN if c.needs else Status.PASS) for c in v.checks
        ], results


@contextmanager
def nulls_case(server: Server) -> Iterator[tuple[str, Any]]:
    """The `nulls` case loaded with its failing rows; yields (database, its one check)."""
    path = server.cases / "nulls"
    with server.fresh() as db:
        for name in ("old.sql", "fail.sql"):
            server.load(db, (path / name).read_text(encoding="utf-8"))
        (check,) = dialects.get(server.dialect).validate(server.plan(path)).checks
        yield db, check
