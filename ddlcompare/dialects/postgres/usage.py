"""PostgreSQL: which columns a view, materialized view, policy or trigger uses, as PostgreSQL's own
dependency tracking records them (pg_depend with a column number): a column change breaks only the
objects that use that column, or every column (`*`, a whole-row reference, NATURAL JOIN).

Names are matched without resolving which table they belong to: a name used for another table's
column counts too. That errs on the side of rebuilding, never of leaving a broken dependent.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from pglast import ast, parse_sql

from ddlcompare.model.base import SchemaObject
from ddlcompare.model.objects import Trigger, View

ALL: None = None  # every column is used (or the text could not be read)


def columns_used(obj: SchemaObject) -> frozenset[str] | None:
    """The column names `obj` uses, or None when it uses (or may use) them all."""
    from ddlcompare.dialects.postgres.objects import Policy

    if isinstance(obj, View):
        return _used(f"{obj.query.text}")
    if isinstance(obj, Policy):
        exprs = [e.text for e in (obj.using, obj.with_check) if e is not None]
        return _used("SELECT " + ", ".join(exprs)) if exprs else frozenset()
    if isinstance(obj, Trigger):
        names = frozenset(obj.columns)
        if obj.when is None:
            return names
        when = _used(f"SELECT {obj.when.text}")
        return None if when is None else names | when
    return ALL


@lru_cache(maxsize=4096)
def _used(sql: str) -> frozenset[str] | None:
    try:
        stmts = parse_sql(sql)
    except Exception:  # text pglast cannot read: assume every column is used
        return ALL
    relations: set[str] = {"new", "old"}  # a trigger's rows
    names: set[str] = set()
    refs: list[tuple[Any, ...]] = []
    for node in _walk(stmts):
        if isinstance(node, ast.RangeVar):
            relations.add(str(node.relname))
            if node.alias is not None:
                relations.add(str(node.alias.aliasname))
        elif isinstance(node, ast.RangeSubselect | ast.RangeFunction) and node.alias is not None:
            relations.add(str(node.alias.aliasname))
        elif isinstance(node, ast.JoinExpr):
            if node.isNatural:
                return ALL
            for u in node.usingClause or ():
                names.add(str(u.sval))
        elif isinstance(node, ast.ColumnRef):
            refs.append(tuple(node.fields or ()))
    for fields in refs:
        if any(isinstance(f, ast.A_Star) for f in fields):
            return ALL
        if len(fields) == 1 and isinstance(fields[0], ast.String) and fields[0].sval in relations:
            return ALL  # a whole-row reference: `t` as a value
        last = fields[-1] if fields else None
        if isinstance(last, ast.String):
            names.add(str(last.sval))
    return frozenset(names)


def _walk(node: Any) -> Iterator[Any]:
    """Every AST node under `node`."""
    if isinstance(node, ast.Node):
        yield node
        for attr in node:
            yield from _walk(getattr(node, attr))
    elif isinstance(node, tuple | list):
        for x in node:
            yield from _walk(x)
