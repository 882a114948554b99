"""Name resolution for expressions while a file is applied: search_path, known tables, functions."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from ddlcompare.dialects.postgres.types import type_name
from ddlcompare.model.objects import Table, View

if TYPE_CHECKING:
    from ddlcompare.dialects.postgres.parse import Builder


@cache
def builtin_functions() -> frozenset[str]:
    """Names of pg_catalog functions."""
    text = (
        resources.files("ddlcompare.dialects.postgres").joinpath("builtin_functions.txt").read_text("utf-8")
    )
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


class BuilderScope:
    """The expression printer's view of the schema being built (see expr.Scope)."""

    __slots__ = ("b",)

    def __init__(self, builder: Builder) -> None:
        self.b = builder

    def relation(self, parts: list[str]) -> tuple[str, str]:
        return self.b.qualify_name(parts)

    def columns(self, schema: str, name: str) -> list[str] | None:
        rel = self.b.relation(schema, name, missing_ok=True)
        if isinstance(rel, Table):
            return [c.name for c in rel.columns]
        if isinstance(rel, View):
            return self.b.view_outputs.get((schema, name))
        return None

    def function(self, parts: list[str]) -> list[str]:
        if len(parts) >= 2:
            return parts[-1:] if parts[-2] == "pg_catalog" else parts[-2:]
        name = parts[0]
        if name in builtin_functions():
            return [name]
        routines = self.b.routine_names
        for s in self.b.search_path:
            if (s, name) in routines:
                return [s, name]
        return [self.b.default_schema, name]

    def type(self, node: dict[str, Any]) -> str:
        return type_name(node, self.b.type_schema)
