"""squawk (https://squawkhq.com) as an independent judge of the PostgreSQL hazards: render the forward
script of every golden fixture and corpus pair, lint all of them in one squawk run, and put each
violation on the statement it points at.

`python -m tests.support.squawk` prints the per-rule counts (violations, matched, unmatched, style).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from pglast import ast, parse_sql
from pglast.enums import ObjectType

from ddlcompare import plan_between
from ddlcompare.dialects import LoadOptions, get
from ddlcompare.diff.changes import Create, Drop
from ddlcompare.diff.renames import with_annotations
from ddlcompare.errors import DdlError
from ddlcompare.output.sql import render_script, statements
from ddlcompare.plan.hazards import parse_target
from ddlcompare.plan.plan import Plan, PlanOptions
from tests.support import corpus
from tests.support.golden import case_options

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures" / "postgres"
# the squawk-cli of this interpreter's environment (the test extras), else the one on PATH
SQUAWK = Path(sys.executable).parent / "squawk"
if not SQUAWK.is_file():
    SQUAWK = Path(shutil.which("squawk") or "squawk")
TARGET = "postgres:15"  # the server of this machine; squawk is told the same (--pg-version)
KNOWN = ROOT / "tests" / "known_failures" / "postgres_squawk.txt"


@dataclass(frozen=True)
class Case:
    """One old/new pair: a golden fixture or a corpus pair."""

    id: str
    old: Path
    new: Path


@dataclass(frozen=True)
class Placed:
    """One statement of a rendered script: its lines (0-based, inclusive) and hazard codes."""

    sql: str
    first: int
    last: int
    hazards: frozenset[str]
    existing: bool = False  # acts on a table (or its index) that exists before the migration and stays

    @property
    def excerpt(self) -> str:
        return excerpt(self.sql)


@dataclass(frozen=True)
class Rendered:
    """The forward script of a case (destructive statements included) and where its statements are."""

    case: Case
    script: str
    statements: tuple[Placed, ...]

    def at(self, line: int) -> Placed | None:
        """The statement on a 0-based line; None for BEGIN, COMMIT, the preamble and comments."""
        for st in self.statements:
            if st.first <= line <= st.last:
                return st
        return None


@dataclass(frozen=True)
class Violation:
    """One squawk finding, 0-based line as squawk reports it."""

    rule: str
    line: int
    message: str


@dataclass(frozen=True)
class Finding:
    """A violation on its statement (None: a line outside any statement)."""

    case: str
    violation: Violation
    statement: Placed | None
    script_line: str  # the script line the violation points at, for statement-less findings

    @property
    def excerpt(self) -> str:
        return self.statement.excerpt if self.statement else excerpt(self.script_line)

    @property
    def key(self) -> str:
        """The line of tests/known_failures/postgres_squawk.txt naming this finding."""
        return f"{self.violation.rule} {self.case} {self.excerpt}"


def excerpt(sql: str, width: int = 120) -> str:
    """The statement on one line, whitespace collapsed, cut to `width` characters."""
    flat = " ".join(sql.split())
    return flat if len(flat) <= width else flat[: width - 3] + "..."


def cases() -> list[Case]:
    """Every golden PostgreSQL fixture, then every corpus PostgreSQL pair with both sides."""
    out = [
        Case(f"fixtures/postgres/{p.name}", p / "old.sql", p / "new.sql")
        for p in sorted(FIXTURES.iterdir())
        if (p / "old.sql").is_file() and (p / "new.sql").is_file()
    ]
    out += [Case(p.id, p.old, p.new) for p in corpus.pairs("postgres") if p.old.is_file() and p.new.is_file()]
    return out


def render(case: Case, online: bool = False) -> Rendered:
    """Plan the case for PostgreSQL 15 (with --online when asked) and place each forward statement
    in the rendered script. Raises DdlError when ddlcompare rejects a side."""
    d = get("postgres")
    old = d.parse(case.old.read_text(encoding="utf-8"), case.old.name, LoadOptions())
    new_text = case.new.read_text(encoding="utf-8")
    new = with_annotations(d.parse(new_text, case.new.name, LoadOptions()), new_text, case.new.name)
    renames = case_options(case.old.parent).renames  # a fixture's --rename hints (corpus pairs: none)
    # the plain statements: squawk cannot see into the DO blocks of the re-runnable forms, and the
    # guards change no lock, scan or timeout it judges
    options = PlanOptions(online=online, idempotent=False)
    plan = plan_between(old, new, target=parse_target(TARGET), options=options, renames=renames)
    kept = _kept_tables(plan)
    script = render_script(plan, d.STYLE, allow_destructive=True)
    placed: list[Placed] = []
    pos = 0
    for st in statements(plan):
        # render_script emits the statements in this order, each starting a line of its own
        at = script.find(st.sql, pos)
        while at > 0 and script[at - 1] != "\n":
            at = script.find(st.sql, at + 1)
        if at < 0:
            raise AssertionError(f"{case.id}: statement not found in the script: {excerpt(st.sql)}")
        first = script.count("\n", 0, at)
        placed.append(
            Placed(
                st.sql,
                first,
                first + st.sql.count("\n"),
                frozenset(str(h.code) for h in st.hazards),
                bool(_tables_of(st.sql, plan) & kept),
            )
        )
        pos = at + len(st.sql)
    return Rendered(case, script, tuple(placed))


def lint(scripts: Mapping[str, str]) -> dict[str, list[Violation]]:
    """squawk's violations of each script (name -> text), in one squawk run over a temporary folder."""
    out: dict[str, list[Violation]] = {name: [] for name in scripts}
    with tempfile.TemporaryDirectory(prefix="ddlc-squawk-") as tmp:
        files: dict[str, str] = {}
        for n, (name, text) in enumerate(sorted(scripts.items())):
            f = Path(tmp) / f"{n:05d}.sql"
            f.write_text(text, encoding="utf-8")
            files[f.name] = name
        # no .squawk.toml is read from the temporary folder: the default rule set, as a user gets it
        r = subprocess.run(
            [str(SQUAWK), "--reporter", "json", "--pg-version", TARGET.split(":")[1], *sorted(files)],
            cwd=tmp,
            capture_output=True,
            text=True,
            timeout=300,
            env={**os.environ, "NO_COLOR": "1"},
        )
    if r.returncode not in (0, 1):  # 1: violations found
        raise RuntimeError(f"squawk exited {r.returncode}: {r.stderr[-2000:]}")
    for v in json.loads(r.stdout or "[]"):
        out[files[Path(v["file"]).name]].append(Violation(v["rule_name"], int(v["line"]), v["message"]))
    return out


@dataclass(frozen=True)
class Judged:
    """Every case rendered and linted: findings per case id, and the cases ddlcompare rejects."""

    findings: dict[str, tuple[Finding, ...]]
    rejected: dict[str, str]


def _kept_tables(plan: Plan) -> frozenset[tuple[str, str]]:
    """(schema, name) of the tables that exist before the migration and keep their rows."""
    dropped = {st.key for st in plan.steps if isinstance(st.change, Drop)}
    created = {st.key for st in plan.steps if isinstance(st.change, Create)}
    return frozenset(
        (k.schema, k.name)
        for k in plan.old.objects
        if k.kind == "table" and k in plan.new.objects and k not in dropped & created
    )


def _tables_of(sql: str, plan: Plan) -> frozenset[tuple[str, str]]:
    """(schema, name) of every relation a statement names, an index standing for its table."""
    try:
        nodes = [raw.stmt for raw in parse_sql(sql)]
    except Exception:  # a comment-only statement (MANUAL), or text pglast cannot read
        return frozenset()
    names: set[tuple[str, str]] = set()
    for node in _walk(nodes):
        if isinstance(node, ast.RangeVar):
            names.add((node.schemaname or "public", str(node.relname)))
        elif isinstance(node, ast.DropStmt) and node.removeType == ObjectType.OBJECT_INDEX:
            for obj in node.objects or ():
                *schema, name = [str(p.sval) for p in obj if isinstance(p, ast.String)]
                names.add((schema[-1] if schema else "public", name))
    # an index (or the index of a key) stands for its table: DROP INDEX, ALTER INDEX ... RENAME
    index_table = {
        (k.schema, k.name): (k.schema, k.parent)
        for side in (plan.old, plan.new)
        for k in side.objects
        if k.kind in ("index", "primary_key", "unique", "exclude")
    }
    return frozenset(index_table.get(n, n) for n in names)


def _walk(node: object) -> Iterator[object]:
    if isinstance(node, ast.Node):
        yield node
        for attr in node:
            yield from _walk(getattr(node, attr))
    elif isinstance(node, (tuple, list)):
        for x in node:
            yield from _walk(x)


@cache
def judged(online: bool = False) -> Judged:
    """All cases (planned with --online when asked), computed once per process (a few seconds: one
    squawk run for all scripts)."""
    rendered: dict[str, Rendered] = {}
    rejected: dict[str, str] = {}
    for case in cases():
        try:
            rendered[case.id] = render(case, online)
        except DdlError as e:
            rejected[case.id] = str(e).splitlines()[0]
    violations = lint({cid: r.script for cid, r in rendered.items()})
    findings: dict[str, tuple[Finding, ...]] = {}
    for cid, r in rendered.items():
        lines = r.script.split("\n")
        findings[cid] = tuple(
            Finding(cid, v, r.at(v.line), lines[v.line] if v.line < len(lines) else "")
            for v in sorted(violations[cid], key=lambda v: (v.line, v.rule))
        )
    return Judged(findings, rejected)


def fail_against_known(new: list[str], gone: list[str], *, unlisted: str, listed_in: str) -> None:
    """Fail the test when a finding is not listed (`new`, each under `unlisted`) or a listed line no
    longer occurs (`gone`): the known lists are strict both ways."""
    msg = []
    if new:
        msg.append(unlisted)
        msg += new
    if gone:
        msg.append(f"listed in {listed_in} but no longer found (remove the lines):")
        msg += gone
    if msg:
        pytest.fail("\n".join(msg), pytrace=False)


@cache
def read_known(path: Path = KNOWN) -> frozenset[str]:
    """The lines of the known list: `<rule> <case id> <statement excerpt>` (comments, blanks ignored)."""
    if not path.is_file():
        return frozenset()
    return frozenset(
        {s for raw in path.read_text(encoding="utf-8").splitlines() if (s := raw.strip()) and s[0] != "#"}
    )


@dataclass(frozen=True)
class Tally:
    """Per-rule counts of a run."""

    violations: Counter[str]
    matched: Counter[str]
    unmatched: Counter[str]
    style: Counter[str]


def tally(findings: Iterable[Finding], accept: Mapping[str, frozenset[str]], style: Iterable[str]) -> Tally:
    """Count the findings of each rule: matched by an acceptable hazard, unmatched, or a style rule."""
    style_rules = set(style)
    t = Tally(Counter(), Counter(), Counter(), Counter())
    for f in findings:
        rule = f.violation.rule
        t.violations[rule] += 1
        if rule in style_rules:
            t.style[rule] += 1
        elif f.statement is not None and f.statement.hazards & accept.get(rule, frozenset()):
            t.matched[rule] += 1
        else:
            t.unmatched[rule] += 1
    return t


def table(t: Tally) -> str:
    """The tally as an aligned text table, most frequent rule first."""
    rows = [f"{'rule':45} {'violations':>10} {'matched':>8} {'unmatched':>9} {'style':>6}"]
    for rule, n in sorted(t.violations.items(), key=lambda kv: (-kv[1], kv[0])):
        rows.append(f"{rule:45} {n:>10} {t.matched[rule]:>8} {t.unmatched[rule]:>9} {t.style[rule]:>6}")
    total = (sum(t.violations.values()), sum(t.matched.values()), sum(t.unmatched.values()))
    rows.append(f"{'total':45} {total[0]:>10} {total[1]:>8} {total[2]:>9} {sum(t.style.values()):>6}")
    return "\n".join(rows)


if __name__ == "__main__":
    from tests.test_squawk_judge import ACCEPT, STYLE

    j = judged()
    print(table(tally((f for fs in j.findings.values() for f in fs), ACCEPT, STYLE)))
    print(f"cases: {len(j.findings)} linted, {len(j.rejected)} rejected by ddlcompare")
