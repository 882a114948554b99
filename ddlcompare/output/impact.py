"""What a change reaches beyond itself, for the report and the JSON: the objects that depend on the
changed one (from the dependency graph both sides declare), and, when the old side is a live
database, the size of the table it touches (the server's estimates), so that a reviewer sees a
rewrite of 40 GB for what it is."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ddlcompare.diff.changes import Change, key_of
from ddlcompare.model.base import ObjectKey, RelationSize, SchemaObject
from ddlcompare.plan.plan import Plan

# kinds whose objects hold rows: a change to one, or to an object of one, touches its data
_TABLE_KINDS = frozenset({"table", "materialized_view"})


@dataclass(frozen=True, slots=True)
class Impact:
    """The dependents of one changed object and the size of its table."""

    dependents: tuple[ObjectKey, ...]  # directly or through others, sorted; the table's own parts left out
    table: tuple[str, str] | None  # (schema, table) the change touches, when it touches one
    size: RelationSize | None  # that table's size on the old side (live sources only)


def both_sides(plan: Plan) -> dict[ObjectKey, SchemaObject]:
    """Every object of both sides, the new side's where both have it."""
    return {**plan.old.objects, **plan.new.objects}


def plan_dependents(plan: Plan) -> dict[ObjectKey, set[ObjectKey]]:
    """Who depends on each key, over both sides of `plan` (the new side's object where both have
    one): the reverse of `depends_on`, built once per plan (callers must not change it)."""
    return plan.memo("dependents", _both_dependents)


def _both_dependents(plan: Plan) -> dict[ObjectKey, set[ObjectKey]]:
    # the new side's index (the plan built it already) plus the objects only the old side has: a
    # second index over every object of both sides costs as much as the plan's
    new = plan.new.objects
    out = dict(plan.new.dependents())
    for key, obj in plan.old.objects.items():
        if key not in new:
            for dep in obj.depends_on:
                out[dep] = out.get(dep, set()) | {key}  # a new set: the schema's own stays as it is
    return out


def impacts(plan: Plan) -> dict[ObjectKey, Impact]:
    """The impact of every change of `plan`, by the change's key (computed once per plan)."""
    return plan.memo("impacts", _impacts)


def _impacts(plan: Plan) -> dict[ObjectKey, Impact]:
    index = plan_dependents(plan)
    return {key_of(ch): _impact(ch, index, plan.old.sizes) for ch in plan.changes}


def _impact(
    ch: Change, index: Mapping[ObjectKey, set[ObjectKey]], sizes: Mapping[tuple[str, str], RelationSize]
) -> Impact:
    k = key_of(ch)
    table = (k.schema, k.parent) if k.parent else (k.schema, k.name) if k.kind in _TABLE_KINDS else None
    found: set[ObjectKey] = set()
    todo = [k]
    while todo:  # a view over a view over the changed object breaks with it too
        via = todo.pop()
        for d in index.get(via, ()):
            if d in found or d == k or _part_of(d, via) or _part_of(d, k):
                continue
            found.add(d)
            # through what reads the object (views, routines, types), not through a table: the
            # table's own indexes and keys are not reached by a change of a type it uses
            if d.kind not in _TABLE_KINDS:
                todo.append(d)
    if table is not None:  # its own indexes, keys and triggers are part of the change, not beyond it
        found = {d for d in found if (d.schema, d.parent) != table}
    return Impact(tuple(sorted(found)), table, sizes.get(table) if table is not None else None)


def _part_of(d: ObjectKey, table: ObjectKey) -> bool:
    """`d` is an index, key, trigger or policy of `table`."""
    if not d.parent or table.kind not in _TABLE_KINDS:
        return False
    return (d.schema, d.parent) == (table.schema, table.name)


def human_bytes(n: int) -> str:
    """`40.0 GB`-style size (powers of 1024, as the servers' size functions print them)."""
    size = float(n)
    for unit in ("bytes", "kB", "MB", "GB", "TB"):
        if size < 1024 or unit == "TB":
            return f"{n} bytes" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    raise AssertionError("unreachable")
