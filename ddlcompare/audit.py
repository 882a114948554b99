"""The audit log (`--audit-log FILE`): one JSON line appended per comparison.

A line says when (UTC), who (the OS user and the host), with which ddlcompare, what was compared
(each input's name, as printed everywhere else: a URL without its password, and the SHA-256 of its
text or, for a live database, of its canonical snapshot), what came out (changes per severity) and
the exit code. It never holds a password: names are redacted, and the line is scrubbed of every
registered secret before it is written.
"""

from __future__ import annotations

import getpass
import hashlib
import os
import socket
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import orjson

from ddlcompare import dburl
from ddlcompare.errors import DdlError


@dataclass(frozen=True, slots=True)
class Input:
    """One side of a comparison as the audit log names it."""

    role: str  # old, new, baseline, target
    name: str  # redacted for a URL
    sha256: str | None  # None: the side could not be read
    hashed: str  # "none", "text" (a file's decoded text) or "snapshot" (a live database's canonical snapshot)


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry and no LOGNAME/USER
        return str(os.getuid()) if hasattr(os, "getuid") else "unknown"


def entry(
    command: str,
    inputs: list[Input],
    severity: dict[str, int] | None,
    exit_code: int,
    error: str | None = None,
    now: datetime | None = None,
) -> dict[str, object]:
    """The record of one comparison (`severity`: changes per severity, None when it did not run)."""
    from ddlcompare import __version__

    when = (now or datetime.now(UTC)).astimezone(UTC)
    out: dict[str, object] = {
        "time": when.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "user": _user(),
        "host": socket.gethostname(),
        "version": __version__,
        "command": command,
        "inputs": [
            {"role": i.role, "name": i.name, "sha256": i.sha256, "hashed": i.hashed} for i in inputs
        ],
        "severity": severity,
        "exit_code": exit_code,
    }
    if error is not None:
        out["error"] = error
    return out


def append(path: Path, records: list[dict[str, object]]) -> None:
    """Append one JSON line per record to `path` (created when missing), scrubbed of every secret."""
    text = "".join(dburl.scrub(orjson.dumps(r).decode("utf-8")) + "\n" for r in records)
    try:
        with path.open("a", encoding="utf-8") as f:
            f.write(text)
    except OSError as e:
        raise DdlError(f"{path}: cannot write the audit log: {e.strerror}") from None
