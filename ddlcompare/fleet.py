"""Drift across environments: one baseline compared with many targets (`ddlcompare drift`).

The baseline (a file, `git:REV:PATH` or a URL) is loaded once; the targets are loaded in parallel
(live databases are read in worker threads; reading a catalog is waiting on the network), and each
is planned against the baseline in the calling thread as it arrives. A target that cannot be read
(a closed port, a wrong password, a missing file) is `unreachable`, never "in sync".
"""

from __future__ import annotations

import concurrent.futures
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ddlcompare import dburl, load_sources, plan_between, resolve_dialect
from ddlcompare.audit import Input, digest, entry
from ddlcompare.dialects import Dialect, LoadOptions
from ddlcompare.diff.changes import key_of, verb
from ddlcompare.errors import DdlError, located
from ddlcompare.model.base import Schema
from ddlcompare.output.dot import render_dot
from ddlcompare.output.json import render_json
from ddlcompare.output.markdown import render_markdown
from ddlcompare.output.sql import held_steps, render_script
from ddlcompare.output.summary import highest, severity_counts
from ddlcompare.output.validation import render_validation
from ddlcompare.plan.plan import Plan
from ddlcompare.source import printable
from ddlcompare.sources import Source, open_source

IN_SYNC = "in sync"
DRIFTED = "drifted"
UNREACHABLE = "unreachable"

# exit codes of `ddlcompare drift`
EXIT_IN_SYNC = 0
EXIT_DRIFTED = 1
EXIT_UNREACHABLE = 4


@dataclass(frozen=True, slots=True)
class Loaded:
    """A side that was read: its schema and how the audit log names it."""

    schema: Schema
    audit: Input


@dataclass(frozen=True, slots=True)
class Verdict:
    """The outcome for one target: in sync, drifted (with its plan) or unreachable (with why)."""

    target: str  # the name as printed: a URL without its password
    status: str
    plan: Plan | None = None
    error: str | None = None
    audit: Input | None = None

    @property
    def line(self) -> str:
        """`NAME: in sync`, `NAME: 3 differences (highest severity: high)` or `NAME: unreachable: why`."""
        name = printable(self.target)
        if self.status == UNREACHABLE:
            return f"{name}: {UNREACHABLE}: {printable(self.error or '')}"
        if self.plan is None or not self.plan.changes:
            return f"{name}: {IN_SYNC}"
        n = len(self.plan.changes)
        top = highest(self.plan)
        worst = f" (highest severity: {top})" if top is not None else ""
        return f"{name}: {n} difference{'s' if n != 1 else ''}{worst}"

    @property
    def exit_code(self) -> int:
        return {IN_SYNC: EXIT_IN_SYNC, DRIFTED: EXIT_DRIFTED}.get(self.status, EXIT_UNREACHABLE)


def exit_code(verdicts: Sequence[Verdict]) -> int:
    """1 when any target drifted; else 4 when any could not be read; else 0."""
    codes = {v.exit_code for v in verdicts}
    if EXIT_DRIFTED in codes:
        return EXIT_DRIFTED
    return EXIT_UNREACHABLE if EXIT_UNREACHABLE in codes else EXIT_IN_SYNC


def audit_input(role: str, src: Source, schema: Schema, dialect: Dialect) -> Input:
    """How the audit log names a side: the SHA-256 of its text, or of a live side's canonical snapshot."""
    if src.url is None:
        return Input(role, src.name, digest(src.text or ""), "text")
    return Input(role, src.name, digest(dialect.snapshot(schema)), "snapshot")


def _load(src: Source, dialect: Dialect, options: LoadOptions, role: str) -> Loaded:
    schema = load_sources([src], dialect, options)[0]
    return Loaded(schema, audit_input(role, src, schema, dialect))


def _message(e: BaseException) -> str:
    """The first line of the error (its hint is for a single comparison), without any secret."""
    err = e if isinstance(e, DdlError) or not isinstance(e, Exception) else located(e, None)
    lines = str(err).splitlines() or ["unknown error"]
    return dburl.scrub(lines[0].removeprefix("error: "))


def drift(
    baseline: str,
    targets: Sequence[str],
    dialect: str | None = None,
    options: LoadOptions | None = None,
    jobs: int = 4,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[Dialect, Loaded, list[Verdict]]:
    """Compare `baseline` (the old side) with each target (the new side, as found), `jobs` at a time.

    Returns the dialect, the loaded baseline and one verdict per target in the order given;
    `progress(done, total)` is called as each target is finished. An unreadable baseline is an
    error (DdlError); an unreadable target is an `unreachable` verdict."""
    options = options or LoadOptions()
    base_src = open_source(baseline)
    opened: list[Source | BaseException] = []
    for spec in targets:
        dburl.register_url(spec)
        try:
            opened.append(open_source(spec))
        except DdlError as e:  # a missing file or a malformed URL: that target's verdict
            opened.append(e)
    names = [
        o.name if isinstance(o, Source) else _shown(spec) for o, spec in zip(opened, targets, strict=True)
    ]
    d = resolve_dialect([base_src, *(o for o in opened if isinstance(o, Source))], dialect)
    base = _load(base_src, d, options, "baseline")
    verdicts: dict[int, Verdict] = {}

    def finish(i: int, outcome: Loaded | BaseException) -> None:
        if isinstance(outcome, BaseException):
            why = _message(outcome)
            verdicts[i] = Verdict(names[i], UNREACHABLE, error=why.removeprefix(f"{names[i]}: "))
        else:
            try:
                plan = plan_between(base.schema, outcome.schema)
            except Exception as e:  # a bug planning one target must not hide the others
                verdicts[i] = Verdict(names[i], UNREACHABLE, error=_message(e), audit=outcome.audit)
            else:
                status = DRIFTED if plan.changes else IN_SYNC
                verdicts[i] = Verdict(names[i], status, plan=plan, audit=outcome.audit)
        if progress is not None:
            progress(len(verdicts), len(targets))

    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures: dict[concurrent.futures.Future[Loaded], int] = {}
        for i, o in enumerate(opened):
            if isinstance(o, BaseException):
                finish(i, o)
            elif o.url is None:  # files are parsed here: parsing holds the GIL anyway
                try:
                    loaded = _load(o, d, options, "target")
                except Exception as e:
                    finish(i, e)
                else:
                    finish(i, loaded)
            else:
                futures[pool.submit(_load, o, d, options, "target")] = i
        for fut in concurrent.futures.as_completed(futures):
            i = futures[fut]
            try:
                got: Loaded | BaseException = fut.result()
            except Exception as e:
                got = e
            finish(i, got)
    return d, base, [verdicts[i] for i in range(len(targets))]


def _shown(spec: str) -> str:
    return dburl.redact(spec) if dburl.dialect_of(spec) is not None else spec


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def folder_names(names: Sequence[str]) -> list[str]:
    """A safe, distinct folder name for each target name (already without its password):
    `postgresql://app@db:5432/prod` -> `postgresql_app_db_5432_prod`; a name met twice gets `-2`, ..."""
    out: list[str] = []
    seen: set[str] = set()
    for name in names:
        base = _UNSAFE.sub("_", name.replace("://", "_")).strip("._-")[:100] or "target"
        candidate, n = base, 1
        while candidate.lower() in seen:
            n += 1
            candidate = f"{base}-{n}"
        seen.add(candidate.lower())
        out.append(candidate)
    return out


REPORT_FILES = (
    "migration_forward.sql",
    "migration_rollback.sql",
    "schema_diff_report.md",
    "diff.json",
    "schema_validation.log",
    "dependency_graph.dot",
)


def write_reports(plan: Plan, dialect: Dialect, folder: Path, allow_destructive: bool = False) -> None:
    """The files `--output-dir` holds for one comparison: the two scripts, the report, diff.json,
    the validation log (data checks NOT RUN) and the dependency graph (DOT)."""
    held = () if allow_destructive else held_steps(plan)
    style = dialect.STYLE
    files: list[tuple[str, Callable[[], str]]] = [
        ("migration_forward.sql", lambda: render_script(plan, style, allow_destructive=allow_destructive)),
        (
            "migration_rollback.sql",
            lambda: render_script(plan, style, allow_destructive=allow_destructive, rollback=True),
        ),
        ("schema_diff_report.md", lambda: render_markdown(plan)),
        ("diff.json", lambda: render_json(plan)),
        ("schema_validation.log", lambda: render_validation(dialect.validate(plan, held), None, "")),
        ("dependency_graph.dot", lambda: render_dot(plan)),
    ]
    folder.mkdir(parents=True, exist_ok=True)
    for name, render in files:
        (folder / name).write_text(dburl.scrub(render()), encoding="utf-8")


def write_all(verdicts: Sequence[Verdict], dialect: Dialect, output_dir: Path) -> list[Path]:
    """One folder per target under `output_dir`: the reports of a reachable target, `unreachable.txt`
    for one that could not be read; and `drift.txt`, every verdict line. Returns the folders."""
    folders = [output_dir / n for n in folder_names([v.target for v in verdicts])]
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
        for v, folder in zip(verdicts, folders, strict=True):
            if v.plan is not None:
                write_reports(v.plan, dialect, folder)
                (folder / "unreachable.txt").unlink(missing_ok=True)
            else:  # no report of an earlier run may pass for this one's
                folder.mkdir(parents=True, exist_ok=True)
                for stale in REPORT_FILES:
                    (folder / stale).unlink(missing_ok=True)
                (folder / "unreachable.txt").write_text(dburl.scrub(v.line + "\n"), encoding="utf-8")
        index = "".join(f"{f.name}\t{v.line}\n" for v, f in zip(verdicts, folders, strict=True))
        (output_dir / "drift.txt").write_text(dburl.scrub(index), encoding="utf-8")
    except OSError as e:
        raise DdlError(f"{output_dir}: cannot write: {e.strerror}") from None
    return folders


def change_lines(plan: Plan) -> list[str]:
    """`create table:public.orders`, one per change, in diff order."""
    return [f"{verb(ch)} {key_of(ch)}" for ch in plan.changes]



def audit_entry(base: Loaded, v: Verdict) -> dict[str, object]:
    """The audit-log line of one target's comparison (an unreachable target: no hash, its error)."""
    target = v.audit or Input("target", v.target, None, "none")
    severity = severity_counts(v.plan) if v.plan is not None else None
    return entry("drift", [base.audit, target], severity, v.exit_code, error=v.error)
