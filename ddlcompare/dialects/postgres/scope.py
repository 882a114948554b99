"""Name resolution for expressions while a file is applied: search_path, known tables, functions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ddlcompare.dialects.postgres.types import type_name
from ddlcompare.model.objects import Table, View

if TYPE_CHECKING:
    from ddlcompare.dialects.postgres.parse import Builder


def builtin_functions() -> frozenset[str]:
    """Names of pg_catalog functions (one list, kept with the expression printer)."""
    from ddlcompare.dialects.postgres.expr import PG_CATALOG_FUNCTIONS

    return PG_CATALOG_FUNCTIONS


_REG = frozenset(("regclass", "regproc", "regprocedure", "regtype"))
_SEQ_FUNCS = frozenset(("nextval", "currval", "setval"))


class StaticScope:
    """Name resolution with a single-schema search path: a pure function of that schema.

    With one real schema on the path, an unqualified name resolves to it whatever the file has
    defined so far, so expressions can be canonicalised later (lazily) with the same result.
    """

    __slots__ = ("default",)

    def __init__(self, default: str) -> None:
        self.default = default

    def relation(self, parts: list[str]) -> tuple[str, str]:
        return (parts[-2], parts[-1]) if len(parts) >= 2 else (self.default, parts[-1])

    def columns(self, schema: str, name: str) -> list[str] | None:
        return None

    def function(self, parts: list[str]) -> list[str]:
        if len(parts) >= 2:
            return parts[-1:] if parts[-2] == "pg_catalog" else parts[-2:]
        return [parts[0]] if parts[0] in builtin_functions() else [self.default, parts[0]]

    def type(self, node: dict[str, Any]) -> str:
        default = self.default
        return type_name(node, lambda _name: default)


def static_refs(node: Any, default: str) -> tuple[tuple[str, str, str], ...]:
    """What BuilderScope would record for `node` under StaticScope(default): user functions
    called, relations named in sub-queries, and relations named by regclass literals."""
    out: list[tuple[str, str, str]] = []
    _refs(node, default, out, builtin_functions())
    return tuple(out)


def _rel_literal(const: dict[str, Any], default: str) -> tuple[str, str, str] | None:
    from ddlcompare.dialects.postgres.expr import _parse_dotted

    if "sval" not in const:
        return None
    rel = _parse_dotted(const["sval"].get("sval", ""))
    return ("rel", rel[-2], rel[-1]) if len(rel) > 1 else ("rel", default, rel[-1])


def _refs(n: Any, default: str, out: list[tuple[str, str, str]], builtins: frozenset[str]) -> None:
    # a hand-rolled walk: this runs for every expression of every table, so the common leaves
    # (constants, column references) return at once
    if isinstance(n, list):
        for x in n:
            _refs(x, default, out, builtins)
        return
    if not isinstance(n, dict):
        return
    for kind, body in n.items():
        if kind in _LEAVES or not isinstance(body, dict):
            if isinstance(body, list):
                _refs(body, default, out, builtins)
            continue
        if kind == "FuncCall":
            parts = [x["String"]["sval"] for x in body.get("funcname", ()) if "String" in x]
            if len(parts) >= 2 and parts[-2] != "pg_catalog":
                out.append(("fn", parts[-2], parts[-1]))
            elif len(parts) == 1 and parts[0] not in builtins:
                out.append(("fn", default, parts[0]))
            args = body.get("args")
            if parts and parts[-1] in _SEQ_FUNCS and args and "A_Const" in args[0]:
                ref = _rel_literal(args[0]["A_Const"], default)
                if ref:
                    out.append(ref)
        elif kind == "TypeCast":
            names = body.get("typeName", {}).get("names", ())
            arg = body.get("arg", {})
            if names and names[-1].get("String", {}).get("sval") in _REG and "A_Const" in arg:
                ref = _rel_literal(arg["A_Const"], default)
                if ref:
                    out.append(ref)
        elif kind == "RangeVar":
            out.append(("rel", body.get("schemaname") or default, body.get("relname", "")))
            continue
        for v in body.values():
            if isinstance(v, (dict, list)):
                _refs(v, default, out, builtins)


_LEAVES = frozenset(
    ("A_Const", "ColumnRef", "SQLValueFunction", "ParamRef", "String", "Integer", "TypeName", "A_Star")
)


class BuilderScope:
    """The expression printer's view of the schema being built (see expr.Scope)."""

    __slots__ = ("b", "refs")

    def __init__(self, builder: Builder) -> None:
        self.b = builder
        self.refs: list[tuple[str, str, str]] = []  # ("rel"|"fn", schema, name) the expression uses

    def relation(self, parts: list[str]) -> tuple[str, str]:
        schema, name = self.b.qualify_name(parts)
        self.refs.append(("rel", schema, name))
        return schema, name

    def columns(self, schema: str, name: str) -> list[str] | None:
        rel = self.b.relation(schema, name, missing_ok=True)
        if isinstance(rel, Table):
            return [c.name for c in rel.columns]
        if isinstance(rel, View):
            return self.b.view_outputs.get((schema, name))
        return None

    def function(self, parts: list[str]) -> list[str]:
        if len(parts) >= 2:
            if parts[-2] == "pg_catalog":
                return parts[-1:]
            self.refs.append(("fn", parts[-2], parts[-1]))
            return parts[-2:]
        name = parts[0]
        if name in builtin_functions():
            return [name]
        routines = self.b.routine_names
        path = self.b.search_path
        schema = next((s for s in path if (s, name) in routines), None)
        if schema is None:
            # not a user routine: PostgreSQL found it when the statement ran, so it comes from an
            # extension, in the first schema on the path that holds one
            schema = next((s for s in path if self.b.has_extension(s)), self.b.default_schema)
        self.refs.append(("fn", schema, name))
        return [schema, name]

    def type(self, node: dict[str, Any]) -> str:
        return self.b.type_text(node)
