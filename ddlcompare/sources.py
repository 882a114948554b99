"""Sources of a schema: a file, `-` (stdin), a git revision (`git:REV:PATH`) or a live URL."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ddlcompare import dburl
from ddlcompare.errors import DdlError
from ddlcompare.source import SourcePos, printable

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
        # bytes, decoded like a file's: the locale's text layer would let invalid UTF-8 through
        return Source(name="<stdin>", text=_decode("<stdin>", sys.stdin.buffer.read()))
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


_OTHER_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)


def decode_text(name: str, data: bytes) -> str:
    """The text of schema bytes read from elsewhere (git), checked as a file's are."""
    return _decode(name, data)


def _decode(name: str, data: bytes) -> str:
    """The text of a schema file: UTF-8, with or without a byte order mark, and every byte of it.

    A NUL byte is refused: the C parsers would stop at it and silently lose the rest of the file.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
        base = 3
    else:
        base = 0
        for bom, encoding in _OTHER_BOMS:
            if data.startswith(bom):
                raise DdlError(
                    f"the file is {encoding} (byte order mark at byte offset 0); ddlcompare reads UTF-8",
                    SourcePos(name, 1, 1),
                    hint=f"convert it first, e.g. iconv -f {encoding} -t UTF-8",
                )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise DdlError(
            f"not valid UTF-8 at byte offset {base + e.start} (byte 0x{data[e.start]:02x}); "
            "ddlcompare reads UTF-8 files",
            _byte_pos(name, data, e.start),
            hint="convert the file to UTF-8, e.g. iconv -f LATIN1 -t UTF-8",
        ) from None
    nul = data.find(b"\0")
    if nul >= 0:
        raise DdlError(
            f"NUL byte at byte offset {base + nul}: a schema file holds text only",
            _byte_pos(name, data, nul),
        )
    return text


def _byte_pos(name: str, data: bytes, offset: int) -> SourcePos:
    """Line and column (in characters, as every other position) of byte `offset` of UTF-8 `data`."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    col = len(data[line_start:offset].decode("utf-8", "replace")) + 1
    return SourcePos(name, data.count(b"\n", 0, offset) + 1, col)


def _git(spec: str) -> Source:
    try:
        _, rev, path = spec.split(":", 2)
    except ValueError:
        raise DdlError(f"{printable(spec)}: expected git:REV:PATH") from None
    if not rev or not path or rev.startswith("-") or path.startswith("-"):
        # git would read a leading "-" as one of its options (--output=FILE writes a file)
        raise DdlError(
            f"{printable(spec)}: expected git:REV:PATH with a revision and a path that do not start with '-'"
        )
    # `--end-of-options`: whatever REV:PATH says, git takes it as an object name, never an option
    proc = subprocess.run(
        ["git", "cat-file", "blob", "--end-of-options", f"{rev}:{path}"], capture_output=True, check=False
    )
    if proc.returncode != 0:
        msg = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise DdlError(f"{printable(spec)}: {msg[-1] if msg else 'git cat-file failed'}")
    return Source(name=spec, text=_decode(spec, proc.stdout))

