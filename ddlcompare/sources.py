"""Sources of a schema: a file, a directory of `.sql` files, `-` (stdin), a git revision
(`git:REV:PATH`), the staged file (`git::PATH`) or a live URL."""

from __future__ import annotations

import bisect
import re
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from ddlcompare import dburl
from ddlcompare.errors import DdlError, InternalError
from ddlcompare.model.base import Schema
from ddlcompare.source import SourcePos, printable

URL_SCHEMES = dburl.SCHEMES


@dataclass(frozen=True, slots=True)
class Source:
    """Where a schema comes from: text (with the name errors cite) or a live URL."""

    name: str  # for a URL: its redacted form (dburl), never the password
    text: str | None = None
    url: str | None = field(default=None, repr=False)
    # several files read as one text (a directory side): (file name, line of the text it starts on)
    parts: tuple[tuple[str, int], ...] = field(default=(), repr=False)

    def real(self, pos: SourcePos) -> SourcePos:
        """Where `pos` (in this source's text) is in the file it comes from."""
        if not self.parts or pos.path != self.name:
            return pos
        i = bisect.bisect_right([start for _, start in self.parts], pos.line) - 1
        name, start = self.parts[max(i, 0)]
        return SourcePos(name, pos.line - start + 1, pos.col)

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
    if spec.startswith("git::"):
        return _git_staged(spec)
    if spec.startswith("git:"):
        return _git(spec)
    path = Path(spec)
    if not path.exists() and dburl.url_scheme(spec) is not None:
        raise dburl.unknown_scheme(spec)  # `postgresq://...` is no file name to look for
    if not path.exists():
        raise DdlError(
            f"{printable(spec)}: no such file",
            hint="give a schema file, a directory of .sql files, git:REV:PATH, git::PATH or a database URL",
        )
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix == ".sql" and p.is_file())
        if not files:
            raise DdlError(f"{printable(spec)}: a directory without .sql files")
        return combined(spec, files)
    return Source(name=spec, text=_decode(spec, _read(spec, path)))


def _read(name: str, path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as e:
        raise DdlError(f"{printable(name)}: cannot read: {e.strerror}") from None


def combined(name: str, files: Sequence[Path]) -> Source:
    """`files` read as one schema history named `name`, in the order given (a schema-as-code
    folder); positions stay those of each file (Source.real)."""
    return joined(name, [Source(name=str(p), text=_decode(str(p), _read(str(p), p))) for p in files])


def joined(name: str, sources: Sequence[Source]) -> Source:
    """The texts of `sources` as one schema history named `name`, in the order given; positions
    stay those of each source's files (Source.real). Each text must end with a complete statement:
    the end of a file is no statement boundary to the parsers."""
    texts: list[str] = []
    parts: list[tuple[str, int]] = []
    line = 1
    for src in sources:
        text = src.text or ""
        if text and not text.endswith("\n"):
            text += "\n"
        parts.extend((file_name, line + start - 1) for file_name, start in src.parts or ((src.name, 1),))
        line += text.count("\n")
        texts.append(text)
    return Source(name=name, text="".join(texts), parts=tuple(parts))


# Flyway's names: V<version>__<description>.sql (versioned), U... (undo), R__<description>.sql (repeatable)
_FLYWAY = re.compile(r"(?P<prefix>[VUR])(?P<version>[0-9]+(?:[._][0-9]+)*)?__(?P<description>.*)\.sql", re.I)


def migration_files(spec: str) -> list[Path]:
    """The `.sql` files of a migrations folder in the order they apply: Flyway's versioned files
    (`V1__x.sql`, `V1_1__y.sql`, `V2__z.sql`) in version order, then its repeatable files
    (`R__name.sql`) in name order, its undo files (`U1__x.sql`) left out; a folder of other names
    in name order. Mixing the two, or two files of one version, is an error."""
    path = Path(spec)
    if not path.is_dir():
        raise DdlError(f"{printable(spec)}: not a directory", hint="give the folder of migration files")
    files = sorted(p for p in path.iterdir() if p.suffix == ".sql" and p.is_file())
    if not files:
        raise DdlError(f"{printable(spec)}: a directory without .sql files")
    matches = {p: _FLYWAY.fullmatch(p.name) for p in files}
    flyway = [p for p, m in matches.items() if m is not None]
    if not flyway:
        return files
    plain = [p for p, m in matches.items() if m is None]
    if plain:
        raise DdlError(
            f"{printable(str(plain[0]))}: not a Flyway migration name, beside "
            f"{printable(flyway[0].name)} (V<version>__<description>.sql)",
            hint="name every file like Flyway, or none (then they apply in name order)",
        )
    versioned: dict[tuple[int, ...], Path] = {}
    repeatable = []
    for p, m in matches.items():
        assert m is not None
        prefix, version = m["prefix"].upper(), m["version"]
        if prefix == "R":
            if version:
                raise DdlError(f"{printable(str(p))}: a repeatable migration has no version (R__name.sql)")
            repeatable.append(p)
        elif not version:
            raise DdlError(f"{printable(str(p))}: expected {prefix}<version>__<description>.sql")
        elif prefix == "V":
            key = tuple(int(n) for n in re.split(r"[._]", version))
            while len(key) > 1 and key[-1] == 0:  # Flyway: 1.0 is 1
                key = key[:-1]
            if key in versioned:
                raise DdlError(f"{printable(str(p))}: version {version} again (also {versioned[key].name})")
            versioned[key] = p
    return [versioned[k] for k in sorted(versioned)] + repeatable


def relocated(schema: Schema, sources: Sequence[Source]) -> Schema:
    """`schema` with the positions in the texts of combined `sources` (directories) mapped to their
    files: the objects' (through Schema.moved), the warnings' and the rename annotations'."""
    srcs = {s.name: s for s in sources if s.parts}
    if not srcs:
        return schema

    def real(pos: SourcePos | None) -> SourcePos | None:
        src = srcs.get(pos.path) if pos is not None else None
        return src.real(pos) if src is not None and pos is not None else pos

    moved: dict[SourcePos, SourcePos] = dict(schema.moved)
    for obj in schema.objects.values():
        at = schema.position(obj)
        where = real(at)
        if obj.pos is not None and where is not None and where != at:
            moved[obj.pos] = where
    warnings = tuple(replace(w, pos=real(w.pos)) if w.pos is not None else w for w in schema.warnings)
    notes = []
    for a in schema.annotations:
        pos = real(a.pos)
        notes.append(replace(a, pos=pos, line=a.line - a.pos.line + pos.line) if pos is not None else a)
    return replace(schema, moved=moved, warnings=warnings, annotations=tuple(notes))


def relocate_error(err: Exception, sources: Sequence[Source]) -> None:
    """Map the position of a parse error in a combined source's text to its file, in place."""
    if isinstance(err, DdlError | InternalError) and err.pos is not None:
        for src in sources:
            if src.parts and err.pos.path == src.name:
                err.pos = src.real(err.pos)


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


def _git_staged(spec: str) -> Source:
    """`git::PATH`: the file as staged in git's index (`git show :PATH`), e.g. for a pre-commit hook;
    PATH as git reads it (from the top of the work tree, or relative with ./ or ../)."""
    path = spec[len("git::") :]
    if not path or path.startswith("-"):
        raise DdlError(f"{printable(spec)}: expected git::PATH with a path that does not start with '-'")
    # `--end-of-options`: whatever PATH says, git takes ":PATH" as an object name, never an option
    proc = subprocess.run(
        ["git", "cat-file", "blob", "--end-of-options", f":{path}"], capture_output=True, check=False
    )
    if proc.returncode != 0:
        msg = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise DdlError(f"{printable(spec)}: {msg[-1] if msg else 'git cat-file failed'} (is it staged?)")
    return Source(name=spec, text=_decode(spec, proc.stdout))


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

