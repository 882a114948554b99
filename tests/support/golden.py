"""Golden files: compared by default, rewritten with `pytest --update-golden` (then review the diff);
the options a fixture case is planned with (its options.txt)."""

from __future__ import annotations

import argparse
import shlex
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from ddlcompare import plan_between
from ddlcompare.dialects import LoadOptions, get
from ddlcompare.diff.renames import RenameHint, parse_hint, with_annotations
from ddlcompare.model.base import Schema
from ddlcompare.plan.hazards import TargetVersion, parse_target
from ddlcompare.plan.plan import Plan, PlanOptions


class Golden:
    def __init__(self, update: bool) -> None:
        self.update = update

    def check(self, path: Path, actual: str) -> None:
        if self.update:
            if not path.is_file() or path.read_text(encoding="utf-8") != actual:
                path.write_text(actual, encoding="utf-8")
            return
        if not path.is_file():
            pytest.fail(f"{path} is missing: run pytest --update-golden and review it")
        expected = path.read_text(encoding="utf-8")
        assert actual == expected, f"{path} differs (run pytest --update-golden and review the diff)"


# ---- per-case command-line options ------------------------------------------------------------

OPTIONS_FILE = "options.txt"  # fixtures/<dialect>/<case>/options.txt: flags the case is planned with


@dataclass(frozen=True)
class CaseOptions:
    """What a case's options.txt asks for (the command's own flags, same meaning)."""

    plan: PlanOptions = field(default_factory=PlanOptions)
    target: TargetVersion | None = None
    flags: tuple[str, ...] = ()  # as written, for test ids and messages
    renames: tuple[RenameHint, ...] = ()  # --rename KIND:OLD=NEW


def case_options(case: Path) -> CaseOptions:
    """The options of a fixture case: its options.txt (flags separated by blanks or lines, `#`
    comments), none when absent. Golden and live fixture tests plan the case with them."""
    path = case / OPTIONS_FILE
    if not path.is_file():
        return CaseOptions()
    text = "\n".join(line.split("#", 1)[0] for line in path.read_text(encoding="utf-8").splitlines())
    flags = tuple(shlex.split(text))
    parser = argparse.ArgumentParser(prog=str(path), add_help=False, exit_on_error=False)
    parser.add_argument("--online", action="store_true")
    defaults = PlanOptions()
    parser.add_argument("--lock-timeout", default=defaults.lock_timeout)
    parser.add_argument("--statement-timeout", default=defaults.statement_timeout)
    parser.add_argument("--target-version")
    parser.add_argument("--rename", action="append", default=[])
    parser.add_argument("--no-idempotent", dest="idempotent", action="store_false")
    try:
        args = parser.parse_args(flags)
    except (argparse.ArgumentError, SystemExit) as e:
        raise ValueError(f"{path}: {e}") from None
    plan = PlanOptions(args.online, args.lock_timeout, args.statement_timeout, args.idempotent)
    target = parse_target(args.target_version) if args.target_version else None
    return CaseOptions(plan, target, flags, tuple(parse_hint(r) for r in args.rename))


def load_case_side(path: Path, dialect: str) -> Schema:
    """One side of a fixture case, with its renamed-from annotations (the new side's hints)."""
    text = path.read_text(encoding="utf-8")
    return with_annotations(get(dialect).parse(text, path.name, LoadOptions()), text, path.name)


def plan_case(case: Path) -> Plan:
    """A fixture case (fixtures/<dialect>/<case>/) planned as the golden files are: with its
    options.txt and annotations."""
    dialect = case.parent.name
    opts = case_options(case)
    old, new = load_case_side(case / "old.sql", dialect), load_case_side(case / "new.sql", dialect)
    return plan_between(old, new, opts.target, opts.plan, renames=opts.renames)
