"""Schema history from git: `ddlcompare log PATH` and the staged-change check of `ddlcompare precommit`.

git is always called with its arguments as data: paths after `--` under `--literal-pathspecs` (no
pathspec magic), object names after `--end-of-options`, so that no path or revision is read as an
option.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from ddlcompare import load_detected, plan_between
from ddlcompare.dialects import LoadOptions
from ddlcompare.errors import DdlError
from ddlcompare.plan.plan import Plan
from ddlcompare.source import printable
from ddlcompare.sources import Source, decode_text, open_source

_FIELD = "\x1f"


@dataclass(frozen=True, slots=True)
class Revision:
    """One commit that touched the file: its hash, committer date (ISO 8601), subject, and the
    file's path in that commit (a rename changes it)."""

    commit: str
    date: str
    subject: str
    path: str | None


def _git(args: Sequence[str], what: str) -> bytes:
    try:
        proc = subprocess.run(["git", "--literal-pathspecs", *args], capture_output=True, check=False)
    except OSError as e:
        raise DdlError(f"{what}: cannot run git: {e.strerror}") from None
    if proc.returncode != 0:
        msg = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise DdlError(f"{printable(what)}: {printable(msg[-1]) if msg else 'git failed'}")
    return proc.stdout


def revisions(path: str) -> list[Revision]:
    """The commits that changed `path`, newest first, following renames (`git log --follow`)."""
    out = _git(
        ["log", "--follow", "-z", "--name-only", f"--format=%H{_FIELD}%cI{_FIELD}%s", "--", path], path
    ).decode("utf-8", "replace")
    revs: list[Revision] = []
    for token in out.split("\0"):
        token = token.lstrip("\n")
        parts = token.split(_FIELD)
        if len(parts) == 3 and len(parts[0]) >= 40 and all(c in "0123456789abcdef" for c in parts[0]):
            revs.append(Revision(parts[0], parts[1], parts[2], None))
        elif token and revs and revs[-1].path is None:
            last = revs[-1]
            revs[-1] = Revision(last.commit, last.date, last.subject, token)
    return revs


def blob(rev: str, path: str) -> str | None:
    """The text of `path` at `rev` (`rev` empty: the staged version), or None when it is not there."""
    proc = subprocess.run(
        ["git", "cat-file", "blob", "--end-of-options", f"{rev}:{path}"], capture_output=True, check=False
    )
    if proc.returncode != 0:
        return None
    return decode_text(f"git:{rev}:{path}", proc.stdout)


@dataclass(frozen=True, slots=True)
class Step:
    """One commit of the file's history and the plan from the version before it."""

    revision: Revision
    plan: Plan


def history(path: str, dialect: str | None = None, options: LoadOptions | None = None) -> Iterator[Step]:
    """Each commit that changed `path`, newest first, with the plan from the previous version (an
    empty schema before the first commit; a commit that deleted the file has an empty new side)."""
    if path.startswith("-"):
        raise DdlError(f"{printable(path)}: a path that starts with '-' (write ./{printable(path)})")
    revs = revisions(path)
    if not revs:
        raise DdlError(f"{printable(path)}: no commit of this path in the git history")
    srcs = []
    known = None  # a merge lists no path: the file is where the newer commit found it
    for r in revs:
        where = r.path or known
        known = where
        text = blob(r.commit, where) if where is not None else blob(r.commit, _relative(path))
        srcs.append(Source(name=f"git:{r.commit[:12]}:{where or path}", text=text or ""))
    srcs.append(Source(name="(before the first commit)", text=""))
    schemas = load_detected(srcs, dialect, options).schemas
    for i, rev in enumerate(revs):
        yield Step(rev, plan_between(schemas[i + 1], schemas[i]))


def _relative(path: str) -> str:
    """`path` as git's REV:PATH reads it relative to the current directory."""
    if path.startswith(("/", "./", "../")):
        return path
    return f"./{path}"


@dataclass(frozen=True, slots=True)
class Staged:
    """A staged schema file compared with HEAD (`new_file`: not in HEAD, the old side is empty)."""

    path: str
    plan: Plan
    new_file: bool


def staged(
    paths: Sequence[str], dialect: str | None = None, options: LoadOptions | None = None
) -> list[Staged]:
    """Each file as staged (else as in the work tree) compared with its version in HEAD."""
    out = []
    for path in paths:
        rel = _relative(path)
        old = blob("HEAD", rel)
        new = blob("", rel)
        if new is None:  # not in the index: the file as it is
            new = open_source(path).text or ""
        srcs = [Source(name=f"git:HEAD:{path}", text=old or ""), Source(name=path, text=new)]
        a, b = load_detected(srcs, dialect, options).schemas
        out.append(Staged(path, plan_between(a, b), old is None))
    return out
