"""Options kept in a file: `ddlcompare.toml`, or the `[tool.ddlcompare]` table of a `pyproject.toml`,
found from a directory upward (the first directory holding either; in one directory
`ddlcompare.toml` wins). Keys are the long options of `ddlcompare OLD NEW` without their dashes;
the command line wins over them.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ddlcompare import dialects
from ddlcompare.errors import DdlError
from ddlcompare.plan.hazards import parse_severity, parse_target
from ddlcompare.source import SourcePos, printable

CONFIG_FILE = "ddlcompare.toml"
PYPROJECT = "pyproject.toml"

# key -> (type the file gives, field of Config)
_STRINGS = ("dialect", "fail-on", "target-version", "lock-timeout", "statement-timeout")
_LISTS = ("schema", "include", "exclude", "kinds")
_FLAGS = (
    "allow-destructive",
    "online",
    "idempotent",
    "strict",
    "owners",
    "privileges",
    "skip-unreadable",
    "mask",
)
KEYS = (*_STRINGS, *_LISTS, *_FLAGS)
# values read now, so that a wrong one is an error at its line of the file
_CHECKS: dict[str, Callable[[str], object]] = {
    "dialect": lambda name: _dialect(name),
    "fail-on": parse_severity,
    "target-version": parse_target,
}


@dataclass(frozen=True, slots=True)
class Config:
    """The options a file gives (None: not given); `path`: the file, "" when none was found."""

    path: str = ""
    dialect: str | None = None
    fail_on: str | None = None
    target_version: str | None = None
    lock_timeout: str | None = None
    statement_timeout: str | None = None
    schema: tuple[str, ...] | None = None
    include: tuple[str, ...] | None = None
    exclude: tuple[str, ...] | None = None
    kinds: tuple[str, ...] | None = None
    allow_destructive: bool | None = None
    online: bool | None = None
    idempotent: bool | None = None
    strict: bool | None = None
    owners: bool | None = None
    privileges: bool | None = None
    skip_unreadable: bool | None = None
    mask: bool | None = None


def _dialect(name: str) -> str:
    """`name` checked against the registry's names (without importing the dialect's parser)."""
    canonical = dialects.ALIASES.get(name.lower())
    if canonical is None:
        raise dialects.unknown(name)
    return canonical


def find_config(start: Path) -> Path | None:
    """The options file that applies in directory `start`: the nearest `ddlcompare.toml`, or
    `pyproject.toml` with a `[tool.ddlcompare]` table, from `start` upward."""
    start = start.resolve()
    for directory in (start, *start.parents):
        own = directory / CONFIG_FILE
        if own.is_file():
            return own
        pyproject = directory / PYPROJECT
        if pyproject.is_file() and _has_table(pyproject):
            return pyproject
    return None


def _has_table(pyproject: Path) -> bool:
    """Whether `pyproject` has a `[tool.ddlcompare]` table (a broken one counts: its error is shown)."""
    try:
        text = pyproject.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    return _TOOL_TABLE.search(text) is not None


# `[tool.ddlcompare]`, `[tool.ddlcompare.x]` or a dotted `tool.ddlcompare.key = ...`
_TOOL_TABLE = re.compile(r"(?m)^\s*\[\s*tool\s*\.\s*ddlcompare\s*[\].]|^\s*tool\s*\.\s*ddlcompare\b")
_TOML_AT = re.compile(r" \(at line (\d+), column (\d+)\)$")


def load_config(start: Path | None = None, path: Path | None = None) -> Config:
    """The options of `path`, or of the file found from `start` (the working directory) upward;
    an empty Config when there is none. A malformed file, an unknown key or a value of the wrong
    type is an error naming the file."""
    if path is None:
        path = find_config(start or Path.cwd())
        if path is None:
            return Config()
    name = str(path)
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as e:
        raise DdlError(f"{printable(name)}: cannot read: {e.strerror}") from None
    except UnicodeDecodeError:
        raise DdlError("not valid UTF-8", SourcePos(name, 1, 1)) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        m = _TOML_AT.search(str(e))
        pos = SourcePos(name, int(m[1]), int(m[2])) if m else SourcePos(name, 1, 1)
        raise DdlError(f"invalid TOML: {_TOML_AT.sub('', str(e))}", pos) from None
    if path.name == PYPROJECT:
        tool = data.get("tool", {})
        table = tool.get("ddlcompare", {}) if isinstance(tool, dict) else {}
        where = "[tool.ddlcompare]"
    else:
        table, where = data, CONFIG_FILE
    if not isinstance(table, dict):
        raise DdlError(f"{where} must be a table", SourcePos(name, 1, 1))
    return _config(name, text, where, table)


def _config(name: str, text: str, where: str, table: Mapping[str, Any]) -> Config:
    values: dict[str, Any] = {}
    for key, value in table.items():
        pos = _key_pos(name, text, key)
        if key not in KEYS:
            raise DdlError(
                f"{where}: unknown key {printable(key)!r}",
                pos,
                hint="known keys: " + ", ".join(sorted(KEYS)),
            )
        field = key.replace("-", "_")
        if key in _STRINGS:
            if not isinstance(value, str):
                raise DdlError(f"{where}: {key} must be a string", pos)
            check = _CHECKS.get(key)
            if check is not None:
                try:
                    check(value)
                except DdlError as e:
                    raise DdlError(f"{where}: {key}: {e.message}", pos, hint=e.hint) from None
            values[field] = value
        elif key in _LISTS:
            items = [value] if isinstance(value, str) else value
            if not isinstance(items, list) or not all(isinstance(v, str) for v in items):
                raise DdlError(f"{where}: {key} must be a string or a list of strings", pos)
            values[field] = tuple(items)
        else:
            if not isinstance(value, bool):
                raise DdlError(f"{where}: {key} must be true or false", pos)
            values[field] = value
    return Config(path=name, **values)


def _key_pos(name: str, text: str, key: str) -> SourcePos:
    """Where `key` is set in the file (its first `key =` line), for messages."""
    m = re.search(rf"(?m)^[ \t]*[\"']?{re.escape(key)}[\"']?[ \t]*=", text)
    if m is None:
        return SourcePos(name, 1, 1)
    start = m.start() + len(m[0]) - len(m[0].lstrip())
    return SourcePos.from_offset(name, text, start)
