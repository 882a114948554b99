"""Scope: which objects of both sides a comparison looks at (`--schema`, `--include`, `--exclude`,
`--kinds`). Neutral: works on the model's keys, imports no parser.

An object is in scope when its key (`str(ObjectKey)`, e.g. `table:public.staff`,
`index:public.orders.orders_customer_idx`) passes every filter given:

- `schemas`: its schema is one of them (PostgreSQL; a `schema:NAME` object by its name; objects
  without a schema, such as extensions, stay in). MySQL/MariaDB keys carry no schema (a side is one
  database), so `schemas` is refused there.
- `kinds`: its kind is one of them (`table`, `index`, `foreign_key`, ...).
- `include`: it matches one of these globs (fnmatch, case-sensitive; `*` also matches dots).
- `exclude`: it matches none of these globs.

A table-owned object (index, constraint, trigger, policy, rule) goes with its relation: it is out
when its relation fails `schemas`, `include` or `exclude` (not `kinds`, so `--kinds index` compares
the indexes of every table), and `include` also takes it in when its relation matches. Columns are
part of their table and are never filtered alone.

Filtered objects are removed from both sides, so they are neither compared nor touched. A kept
object that depends on a left-out one that differs between the sides, or a left-out object that
depends on a kept one that differs, is reported as a warning: the plan does not touch the left-out
one, and the warning says what it may need by hand. A table and its own indexes and constraints
are not reported (`--kinds table` leaves them out on purpose, and a table's DDL carries them).
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from ddlcompare.errors import DdlError, Warning
from ddlcompare.model.base import ObjectKey, Schema, SchemaObject

# the kinds of keys ddlcompare prints (PostgreSQL's less common objects add their own: `operator`,
# `cast`, `rule`, ...; a kind that is in neither list nor on either side is a typo)
KNOWN_KINDS = frozenset(
    {
        "aggregate",
        "check",
        "composite_type",
        "domain",
        "enum",
        "event",
        "exclude",
        "extension",
        "foreign_key",
        "function",
        "index",
        "materialized_view",
        "opaque",
        "policy",
        "primary_key",
        "procedure",
        "range_type",
        "schema",
        "sequence",
        "table",
        "trigger",
        "unique",
        "view",
    }
)
_RELATIONS = ("table", "view", "materialized_view")
_NAMED = 5  # objects a warning names before it only counts the rest
_KIND_SYNTAX = re.compile(r"[a-z_]+")


@dataclass(frozen=True, slots=True)
class Scope:
    """The filters of a comparison; the empty Scope keeps everything."""

    schemas: tuple[str, ...] = ()
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()

    @property
    def everything(self) -> bool:
        return not (self.schemas or self.include or self.exclude or self.kinds)

    def _passes(self, key: ObjectKey, *, kinds: bool = True) -> bool:
        """`key` passes the filters (all of them, or all but `kinds`); `include` not counted here."""
        if self.schemas:
            schema = key.name if key.kind == "schema" and not key.schema else key.schema
            if schema and schema not in self.schemas:
                return False
        if kinds and self.kinds and key.kind not in self.kinds:
            return False
        text = str(key)
        return not any(fnmatch.fnmatchcase(text, p) for p in self.exclude)

    def _included(self, key: ObjectKey) -> bool:
        text = str(key)
        return not self.include or any(fnmatch.fnmatchcase(text, p) for p in self.include)

    def keeps(self, key: ObjectKey, relation: ObjectKey | None = None) -> bool:
        """Whether the object at `key` is in scope; `relation`: the key of the table (view) that
        owns it, when it is table-owned."""
        if not self._passes(key):
            return False
        if relation is None:
            return self._included(key)
        if not self._passes(relation, kinds=False):
            return False
        return self._included(key) or self._included(relation)


def parse_kinds(values: Iterable[str]) -> tuple[str, ...]:
    """`--kinds table,index --kinds view` -> ("index", "table", "view"): comma lists, repeatable."""
    found: set[str] = set()
    for value in values:
        for part in value.split(","):
            kind = part.strip().lower().replace("-", "_").replace(" ", "_")
            if not kind:
                continue
            if not _KIND_SYNTAX.fullmatch(kind):
                raise DdlError(f"--kinds: {part.strip()!r} is not a kind", hint=_kinds_hint())
            found.add(kind)
    return tuple(sorted(found))


def _kinds_hint() -> str:
    return "kinds are the first word of a key as ddlcompare prints it: " + ", ".join(sorted(KNOWN_KINDS))


def _relation(schema: Schema, key: ObjectKey) -> ObjectKey | None:
    """The key of the relation that owns the object at `key`, when it is table-owned."""
    if not key.parent:
        return None
    for kind in _RELATIONS:
        rel = ObjectKey(kind, key.schema, key.parent)
        if rel in schema.objects:
            return rel
    return ObjectKey("table", key.schema, key.parent)


def scoped(old: Schema, new: Schema, scope: Scope | None) -> tuple[Schema, Schema]:
    """Both sides with only the objects in `scope`, and a warning (on the new side) for each
    dependency that crosses the scope's edge where one end differs between the sides."""
    if scope is None or scope.everything:
        return old, new
    if scope.schemas and "mysql" in (old.dialect, new.dialect):
        raise DdlError(
            "--schema: MySQL/MariaDB objects have no schema in their keys (a side is one database)",
            hint="compare one database per side, and use --include/--exclude on names "
            "(e.g. --exclude 'table:audit_*')",
        )
    present = {k.kind for side in (old, new) for k in side.objects}
    unknown = [k for k in scope.kinds if k not in KNOWN_KINDS and k not in present]
    if unknown:
        raise DdlError(f"--kinds: unknown kind {unknown[0]!r}", hint=_kinds_hint())
    kept_old, out_old = _split(old, scope)
    kept_new, out_new = _split(new, scope)
    warnings = _crossing(old, new, kept_old, kept_new, out_old, out_new)
    return (
        replace(old, objects=kept_old, _cache={}),
        replace(new, objects=kept_new, warnings=new.warnings + warnings, _cache={}),
    )


def _split(
    schema: Schema, scope: Scope
) -> tuple[dict[ObjectKey, SchemaObject], dict[ObjectKey, SchemaObject]]:
    kept: dict[ObjectKey, SchemaObject] = {}
    out: dict[ObjectKey, SchemaObject] = {}
    for key, obj in schema.objects.items():
        (kept if scope.keeps(key, _relation(schema, key)) else out)[key] = obj
    return kept, out


def _owns(relation: ObjectKey, child: ObjectKey) -> bool:
    return bool(child.parent) and relation.kind in _RELATIONS and (relation.schema, relation.name) == (
        child.schema,
        child.parent,
    )


def _differs(key: ObjectKey, old: Schema, new: Schema) -> str:
    """How the object at `key` differs between the sides ("" when it does not)."""
    a, b = old.objects.get(key), new.objects.get(key)
    if a is None and b is None:
        return ""
    if a is None:
        return "created"
    if b is None:
        return "dropped"
    return "" if a is b or a == b else "changed"


def _crossing(
    old: Schema,
    new: Schema,
    kept_old: dict[ObjectKey, SchemaObject],
    kept_new: dict[ObjectKey, SchemaObject],
    out_old: dict[ObjectKey, SchemaObject],
    out_new: dict[ObjectKey, SchemaObject],
) -> tuple[Warning, ...]:
    """Warnings for dependencies across the scope's edge that the plan may break: a kept object
    depending on a left-out one that differs between the sides (the plan neither drops nor
    changes it), and a left-out object depending on a kept one that the plan changes."""
    kept = kept_old.keys() | kept_new.keys()
    left_out = out_old.keys() | out_new.keys()
    found: dict[ObjectKey, set[str]] = {}  # left-out key -> what ties it to the kept objects
    for objects in (old.objects, new.objects):
        for key, obj in objects.items():
            for dep in obj.depends_on:
                if key in kept and dep in left_out:
                    inner, outside = key, dep
                elif key in left_out and dep in kept:
                    inner, outside = dep, key
                else:
                    continue
                if _owns(inner, outside) or _owns(outside, inner):
                    continue  # a table and its own index or constraint: each DDL takes care of the other
                if inner == key:  # a kept object needs the left-out one, which differs between the sides
                    how = _differs(outside, old, new)
                    why = f"{inner} depends on it ({how} on the new side)"
                else:  # the left-out one needs a kept object that the plan creates, drops or changes
                    how = _differs(inner, old, new)
                    why = f"it depends on {inner} ({how} by the plan)"
                if how:
                    found.setdefault(outside, set()).add(why)
    where = f"{new.source}: " if new.source else ""
    warnings = []
    for outside in sorted(found):
        whys = sorted(found[outside])
        shown = "; ".join(whys[:_NAMED]) + (f"; and {len(whys) - _NAMED} more" if len(whys) > _NAMED else "")
        warnings.append(
            Warning(
                f"{where}{outside} is out of scope and left untouched, but {shown}: check it by hand"
            )
        )
    return tuple(warnings)
