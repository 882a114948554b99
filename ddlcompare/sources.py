"""Sources of a schema: a file, `-` (stdin), a git revision (`git:REV:PATH`) or a live URL."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ddlcompare import dburl
from ddlcompare.errors import DdlError
from ddlcompare.source import SourcePos

URL_SCHEMES = dburl.SCHEMES


@dataclass(frozen=True, slots=True)
class Source:
    """Where a schema comes from: text (with the name errors cite) or a live URL."""

    name: str  # for a URL: its redacted form (dburl), never the password
    text: str | None = None
    url: str | None = field(default=None, repr=False)

    @property
    def url_dialect(self) -> str | None:
        return None if self.url is None else dburl.dialect_of(self.url)


def is_url(spec: str) -> bool:
    return dburl.is_url(spec)


def open_source(spec: str) -> Source:
    """Resolve a command-line argument into a Source."""
    if is_url(spec) or (dburl.dialect_of(spec) is not None and not Path(spec).exists()):
        # `postgresql:/u:pw@h/db` (a slash short) is a URL to refuse, not a file name to echo
        return Source(name=dburl.parse(spec).redacted, url=spec)
    if spec == "-":
        return Source(name="<stdin>", text=sys.stdin.read())
    if spec.startswith("git:"):
        return _git(spec)
    path = Path(spec)
    if not path.exists():
        raise DdlError(f"{spec}: no such file", hint="give a schema file, git:REV:PATH, or a database URL")
    if path.is_dir():
        raise DdlError(f"{spec}: is a directory, expected a schema file")
    try:
        data = path.read_bytes()
    except OSError as e:
        raise DdlError(f"{spec}: cannot read: {e.strerror}") from None
    return Source(name=spec, text=_decode(spec, data))


def _decode(name: str, data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        col = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
        raise DdlError(f"not valid UTF-8 (byte 0x{data[e.start]:02x})", SourcePos(name, line, col)) from None


def _git(spec: str) -> Source:
    try:
        _, rev, path = spec.split(":", 2)
    except ValueError:
        raise DdlError(f"{spec}: expected git:REV:PATH") from None
    proc = subprocess.run(["git", "show", f"{rev}:{path}"], capture_output=True, check=False)
    if proc.returncode != 0:
        msg = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise DdlError(f"{spec}: {msg[-1] if msg else 'git show failed'}")
    return Source(name=spec, text=_decode(spec, proc.stdout))

