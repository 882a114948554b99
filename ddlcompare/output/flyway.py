"""Plan -> Flyway migration files (`--format flyway --migration-version V --output-dir DIR`).

The script's pieces (ddlcompare.output.pieces) are joined while they run the same way: one
versioned file `V<V>__<description>.sql` when everything runs in one transaction, else
`V<V>_1__...`, `V<V>_2__...` in order, each with its undo `U<V>_<n>__...` (Flyway's undo naming;
Flyway undoes the newest version first, which runs the rollback script in its order). A file whose
statements cannot run in a transaction gets a `<file>.conf` holding `executeInTransaction=false`.
Files hold what the dialect's client runs (MySQL routines keep their DELIMITER lines, which Flyway
reads too), without BEGIN/COMMIT: Flyway wraps each transactional migration itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ddlcompare.diff.changes import Create, Drop, Rename, key_of
from ddlcompare.errors import DdlError
from ddlcompare.output.pieces import Piece, piece_sql, pieces
from ddlcompare.output.sql import ScriptStyle
from ddlcompare.plan.plan import Plan, Statement

_VERSION = re.compile(r"^\d+(?:[._]\d+)*$")
_DESCRIPTION_LIMIT = 60


@dataclass(frozen=True, slots=True)
class _Version:
    transactional: bool
    forward: tuple[Statement, ...]
    rollback: tuple[Statement, ...]
    steps: tuple[int, ...]  # the plan steps whose statements it runs, for its description


def _joined(parts: list[Piece]) -> list[_Version]:
    """Consecutive pieces that run the same way, joined (an undo joins in reverse order); a piece
    holding a statement that must run alone (--online) is not joined with others."""
    out: list[_Version] = []
    alone = False
    for p in parts:
        solo = any(st.alone for st in (*p.forward, *(p.rollback or ())))
        last = out[-1] if out else None
        if last is not None and last.transactional == p.transactional and not solo and not alone:
            back = (p.rollback or ()) + last.rollback
            steps = last.steps + ((p.step,) if p.forward and p.step not in last.steps else ())
            out[-1] = _Version(p.transactional, last.forward + p.forward, back, steps)
        else:
            out.append(_Version(p.transactional, p.forward, p.rollback or (), (p.step,) if p.forward else ()))
        alone = solo
    return out


def _description(plan: Plan, steps: tuple[int, ...]) -> str:
    """What the version does, from the plan's changes it applies, safe in a file name."""
    keys = []
    for i in steps:
        ch = plan.steps[i].change
        verb = (
            "create" if isinstance(ch, Create)
            else "drop" if isinstance(ch, Drop)
            else "rename" if isinstance(ch, Rename)
            else "alter"
        )  # fmt: skip
        k = key_of(ch)
        keys.append(f"{verb} {k.kind} {k.name}")
    if not keys:
        return "no_op"
    text = keys[0] + (f" and {len(keys) - 1} more" if len(keys) > 1 else "")
    safe = re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_").lower()
    return safe[:_DESCRIPTION_LIMIT].rstrip("_") or "migration"


def flyway_files(
    plan: Plan, style: ScriptStyle, version: str, *, allow_destructive: bool = False
) -> dict[str, str]:
    """File name -> content of the versioned, undo and config files."""
    if not _VERSION.match(version):
        raise DdlError(f"--migration-version {version!r}: not a Flyway version (digits separated by . or _)")
    base = version.replace(".", "_")
    versions = _joined(pieces(plan, style, allow_destructive=allow_destructive))
    files: dict[str, str] = {}
    c = style.comment
    for n, v in enumerate(versions, 1):
        number = base if len(versions) == 1 else f"{base}_{n}"
        name = f"{number}__{_description(plan, v.steps)}.sql"
        head = f"{c} ddlcompare migration ({plan.dialect}), Flyway version {number.replace('_', '.')}"
        for prefix, sts in (("V", v.forward), ("U", v.rollback)):
            what = "" if prefix == "V" else f"{c} undoes V{name}\n"
            body = piece_sql(sts, v.transactional, plan, style, allow_destructive, c, bare=False)
            files[f"{prefix}{name}"] = f"{head}\n{what}{body}\n"
            if not v.transactional:
                files[f"{prefix}{name}.conf"] = "executeInTransaction=false\n"
    return files
