"""Generic diff: key-set comparison of two schemas into typed changes (migra's idea, dataclass equality)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from ddlcompare.diff.changes import Alter, Change, Create, Drop
from ddlcompare.errors import Warning, located
from ddlcompare.model.base import ObjectKey, Schema, SchemaObject, Unseen
from ddlcompare.model.objects import Column, Table
from ddlcompare.source import SourcePos

_NAMED = 5  # objects a "left out" warning names before it only counts the rest


def leave_out_unseen(schemas: Sequence[Schema]) -> list[Schema]:
    """The schemas without what any of them could not see (`Schema.unseen`), each with a warning
    naming the objects it loses: a live account that cannot see triggers must not make the
    comparison drop (or create) the triggers of the other side."""
    unseen = tuple(dict.fromkeys(u for s in schemas for u in s.unseen))
    if not unseen:
        return list(schemas)
    out = []
    for s in schemas:
        kept: dict[ObjectKey, SchemaObject] = {}
        left: dict[Unseen, list[SchemaObject]] = {}
        for key, obj in s.objects.items():
            u = next((u for u in unseen if u.covers(key)), None)
            if u is None:
                kept[key] = obj
            else:
                left.setdefault(u, []).append(obj)
        if not left and s.unseen == unseen:
            out.append(s)
            continue
        warnings = list(s.warnings)
        for u, objs in left.items():
            objs.sort(key=lambda o: o.key)
            shown = ", ".join(f"{o.key.kind.replace('_', ' ')} {o.display}" for o in objs[:_NAMED])
            if len(objs) > _NAMED:
                shown += f" and {len(objs) - _NAMED} more"
            where = f"{s.source}: " if s.source else ""
            warnings.append(
                Warning(f"{where}{shown} left out of the comparison: a live source cannot see {u.what}")
            )
        out.append(replace(s, objects=kept, warnings=tuple(warnings), unseen=unseen, _cache={}))
    return out



def diff(old: Schema, new: Schema, *, column_order: bool = False) -> tuple[Change, ...]:
    """Changes that turn `old` into `new`, sorted by key; tables carry their column changes."""
    try:
        return _diff(old, new, column_order)
    except Exception as e:
        raise located(e, _failing_position(old, new, column_order)) from e


def _diff(old: Schema, new: Schema, column_order: bool) -> tuple[Change, ...]:
    a, b = old.objects, new.objects
    # Only keys that differ are sorted: two snapshots of 10,000 tables share nearly every object,
    # often as the very same instance (see the PostgreSQL parser's statement replay).
    differing = [key for key, x in a.items() if (y := b.get(key)) is not x and x != y]
    differing += b.keys() - a.keys()
    changes = (_change(a.get(key), b.get(key), column_order) for key in sorted(differing))
    return tuple(ch for ch in changes if ch is not None)


def _change(x: SchemaObject | None, y: SchemaObject | None, column_order: bool) -> Change | None:
    """The change from `x` to `y` (of one key, found to differ); None when only the column order
    of a dialect that ignores it differs."""
    if x is None:
        assert y is not None
        return Create(y)
    if y is None:
        return Drop(x)
    if isinstance(x, Table) and isinstance(y, Table):
        children = diff_columns(x.columns, y.columns, column_order=column_order)
        if not children and not _table_fields_differ(x, y):
            return None
        change = Alter(x, y, children)
    else:
        change = Alter(x, y)
    # The reasons read every differing field, expressions included, which a dialect may only
    # canonicalise now: a value it cannot read fails here, where the object's place is known,
    # rather than in a report written later.
    for c in (change, *change.children):
        if isinstance(c, Alter):
            c.reasons  # noqa: B018
    return change


def _failing_position(old: Schema, new: Schema, column_order: bool) -> SourcePos | None:
    """Where the object is whose comparison fails (searched again only once something failed, to
    keep the comparison itself a tight loop)."""
    for key, x in old.objects.items():
        y = new.get(key)
        try:
            if y is not None and x != y:
                _change(x, y, column_order)
        except Exception:
            return new.position(y) if y is not None else old.position(x)
    return None


def _table_fields_differ(x: Table, y: Table) -> bool:
    from dataclasses import replace

    return replace(x, columns=()) != replace(y, columns=())


def diff_columns(
    old: tuple[Column, ...], new: tuple[Column, ...], *, column_order: bool
) -> tuple[Change, ...]:
    """Column changes in new-side order (drops last); `moved` marks columns that must change place."""
    by_old = {c.name: c for c in old}
    by_new = {c.name: c for c in new}
    moved = _moved_columns(
        [c.name for c in old if c.name in by_new], [c.name for c in new if c.name in by_old]
    )
    out: list[Change] = []
    for col in new:
        prev = by_old.get(col.name)
        if prev is None:
            out.append(Create(col))
        else:
            is_moved = column_order and col.name in moved
            if prev != col or is_moved:
                out.append(Alter(prev, col, moved=is_moved))
    out.extend(Drop(c) for c in old if c.name not in by_new)
    return tuple(out)


def _moved_columns(old_order: list[str], new_order: list[str]) -> set[str]:
    """Common columns outside a longest common subsequence: the fewest that must move."""
    n, m = len(old_order), len(new_order)
    if old_order == new_order:
        return set()
    lcs = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            lcs[i][j] = (
                lcs[i + 1][j + 1] + 1 if old_order[i] == new_order[j] else max(lcs[i + 1][j], lcs[i][j + 1])
            )
    keep: set[str] = set()
    i = j = 0
    while i < n and j < m:
        if old_order[i] == new_order[j]:
            keep.add(old_order[i])
            i += 1
            j += 1
        elif lcs[i + 1][j] >= lcs[i][j + 1]:
            i += 1
        else:
            j += 1
    return set(new_order) - keep
