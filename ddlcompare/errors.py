"""The one exception ddlcompare raises on purpose, and warnings about input it cannot model."""

from __future__ import annotations

from dataclasses import dataclass

from ddlcompare.source import SourcePos


class DdlError(Exception):
    """Bad input or unsupported DDL; printed as `file:line:col: error: message`, exit code 2."""

    def __init__(self, message: str, pos: SourcePos | None = None, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.pos = pos
        self.hint = hint

    def __str__(self) -> str:
        where = f"{self.pos}: " if self.pos else ""
        return f"{where}error: {self.message}" + (f"\n  hint: {self.hint}" if self.hint else "")


@dataclass(frozen=True, slots=True)
class Warning:
    """Something read but not modelled (kept as an opaque object) or ignored on purpose."""

    message: str
    pos: SourcePos | None = None

    def __str__(self) -> str:
        where = f"{self.pos}: " if self.pos else ""
        return f"{where}warning: {self.message}"
