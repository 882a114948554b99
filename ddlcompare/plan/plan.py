"""Plan: changes expanded (rebuilds, dependents) and put in dependency order, each with forward and
rollback SQL from the dialect's renderer. The planner never imports a dialect: it gets its hooks."""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol, TypeVar, cast

from ddlcompare.diff.changes import Alter, Change, Create, Drop, Rename, key_of
from ddlcompare.diff.renames import Renamed, mentions, old_name
from ddlcompare.errors import DdlError, located
from ddlcompare.model.base import ObjectKey, Schema, SchemaObject, evolve
from ddlcompare.model.objects import Column, Table, View
from ddlcompare.model.objects import Sequence as Seq
from ddlcompare.plan.hazards import (
    RECREATED_EMPTY,
    Hazard,
    HazardCode,
    Severity,
    TargetVersion,
    merged,
    severity_of,
)

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Statement:
    """One SQL statement of a script."""

    sql: str
    destructive: bool = False  # loses data: written commented out unless allowed
    transactional: bool = True  # False: goes to the separate section run outside BEGIN/COMMIT
    late: bool = False  # runs after every step (e.g. ALTER SEQUENCE OWNED BY once its table exists)
    early: bool = False  # runs before every step (e.g. ALTER TYPE ... ADD VALUE, committed before use)
    # runs in a transaction of its own (--online: a VALIDATE CONSTRAINT or a backfill, whose long
    # scan must not keep the locks of the statements before it)
    alone: bool = False
    note: str = ""  # why the statement is destructive or special, for the script and report
    hazards: tuple[Hazard, ...] = ()  # what it does to a database with data and traffic


@dataclass(frozen=True, slots=True)
class PlanOptions:
    """How the scripts apply the changes (not which changes): chosen on the command line."""

    online: bool = False  # --online: as few locks, scans and rewrites as the server allows
    lock_timeout: str = "5s"  # PostgreSQL --online: a lock not granted by then fails the statement
    statement_timeout: str = "0"  # PostgreSQL --online: 0 = none (validations may take long)
    # each statement in a form that can run again after it ran (--no-idempotent: the plain ones)
    idempotent: bool = True


@dataclass(frozen=True, slots=True)
class RenderContext:
    """What a renderer may need beyond the change itself."""

    old: Schema
    new: Schema
    implicit_drops: frozenset[ObjectKey] = frozenset()  # dropped along with their dropped table
    target: TargetVersion | None = None  # the server the script is for (hazards depend on it)
    recreated: frozenset[ObjectKey] = frozenset()  # dropped and created again by the plan (empty again)
    rollback: bool = False  # rendering the rollback: what it re-creates comes back without its data
    options: PlanOptions = PlanOptions()


@dataclass(frozen=True, slots=True)
class Step:
    """A change with the statements that apply it and undo it."""

    change: Change
    forward: tuple[Statement, ...]
    rollback: tuple[Statement, ...]
    reason: str = ""  # why a step beyond the plain diff is there ("rebuilt: depends on ...")
    after: tuple[int, ...] = ()  # indices of the steps this one must follow (its dependencies)
    implied_by: int | None = None  # index of the drop that drops this object along with it
    # the forward's hazards: its statements' and the step's own (dependents it rebuilds); kept
    # when a dialect moves the statements into another step (MySQL's one ALTER per table)
    hazards: tuple[Hazard, ...] = ()
    cause: ObjectKey | None = None  # a dependent rebuilt around a change: that change's key
    # what the step does when destructive statements are held back (the default mode); None when
    # it has none (the same as with them allowed)
    held: HeldBack | None = None

    @property
    def key(self) -> ObjectKey:
        return key_of(self.change)

    @property
    def severity(self) -> Severity:
        """The highest severity of the forward's hazards."""
        return severity_of(self.hazards)


@dataclass(frozen=True, slots=True)
class HeldBack:
    """A step with its destructive statements held back (commented out): the statements that still
    run, and the rollback that undoes exactly those. Both empty: the step is held back whole."""

    forward: tuple[Statement, ...] = ()
    rollback: tuple[Statement, ...] = ()

    @property
    def whole(self) -> bool:
        return not self.forward and not self.rollback


HELD_WHOLE = HeldBack()


@dataclass(frozen=True, slots=True)
class Plan:
    """An ordered migration: `steps` forward; rollback runs their `rollback` in reverse order."""

    dialect: str
    old: Schema
    new: Schema
    changes: tuple[Change, ...]
    steps: tuple[Step, ...]
    notes: tuple[str, ...] = field(default=())
    target: TargetVersion | None = None  # the server version hazards were judged for
    options: PlanOptions = PlanOptions()
    recreated: frozenset[ObjectKey] = frozenset()  # dropped and created again (RenderContext.recreated)
    # dropped + added pairs that look like renames, never applied (ddlcompare.diff.renames.Suggestion)
    suggestions: tuple[Any, ...] = ()
    # what several outputs derive from the plan (held-back steps, impacts), computed once per plan
    # by `memo`; not copied by dataclasses.replace, which makes another plan
    _memo: dict[str, Any] = field(default_factory=dict, init=False, compare=False, repr=False)

    def memo(self, name: str, compute: Callable[[Plan], T]) -> T:
        """`compute(self)`, computed on the first call for `name` only."""
        if name not in self._memo:
            self._memo[name] = compute(self)
        return cast(T, self._memo[name])


class Hooks(Protocol):
    """The dialect's planning decisions."""

    def rebuild(self, change: Alter) -> bool:
        """True when the alter cannot be done in place: drop and create instead."""

    def invalidates(self, change: Alter, dependent: SchemaObject) -> bool:
        """True when applying `change` in place breaks `dependent`, which must be rebuilt around it."""

    def converts(self, change: Alter, dependent: SchemaObject) -> bool:
        """True when applying `change` in place also converts `dependent` (a type swap converts the
        columns of that type): what depends on `dependent` may break as if it depended on `change`."""

    def detaches(self, rebuilt: SchemaObject, dependent: SchemaObject) -> bool:
        """True when `dependent` can stop using `rebuilt` in place while it is dropped and created
        (a column default calling a function is dropped and set again by the function's own steps)
        instead of being rebuilt around it: a table keeps its rows."""

    def kind_rank(self, kind: str) -> int:
        """Tie-break order of kinds when creating (drops use the reverse)."""

    def namespace(self, obj: SchemaObject) -> tuple[str, ...]:
        """Objects with equal namespaces collide by name: a drop must precede the create."""

    def dropped_with(self, obj: SchemaObject, dropped: frozenset[ObjectKey]) -> ObjectKey | None:
        """The key among `dropped` whose drop also drops `obj` (a table takes its indexes along)."""

    def container(self, obj: SchemaObject) -> ObjectKey | None:
        """The namespace object `obj` lives in: created before it, dropped after it."""

    def hazards(self, statement: Statement, change: Change, ctx: RenderContext) -> Sequence[Hazard]:
        """What `statement` (rendered for `change`) does to a database with data and traffic, for
        the server `ctx.target`."""

    def rerunnable(self, statement: Statement, ctx: RenderContext) -> Statement:
        """`statement` in a form that does nothing when run again after it ran (IF [NOT] EXISTS,
        OR REPLACE, a guard on the catalog); asked only when `ctx.options.idempotent`."""


Render = Callable[[Change, RenderContext], Sequence[Statement]]


def make_plan(
    old: Schema,
    new: Schema,
    changes: Sequence[Change],
    hooks: Hooks,
    render: Render,
    target: TargetVersion | None = None,
    options: PlanOptions = PlanOptions(),
    renamed: Renamed | None = None,
) -> Plan:
    """Expand, order and render `changes` (from `diff(old, new)`); hazards are judged for `target`,
    the statements written as `options` say. `renamed`: the renames done to `old` before the diff
    (see ddlcompare.diff.renames), run before what uses the new names."""
    renamed = renamed or Renamed()
    renames = renamed.renames
    expanded, reasons, causes, rollback_only = _expand(old, new, changes, hooks, renamed)
    ordered, preds, implied_by = _order(old, new, [*renames, *expanded], hooks, causes, renamed)
    implicit = frozenset(key_of(ordered[i]) for i in implied_by)
    dropped = {key_of(ch) for ch in ordered if isinstance(ch, Drop)}
    recreated = frozenset(key_of(ch) for ch in ordered if isinstance(ch, Create) and key_of(ch) in dropped)
    fwd_ctx = RenderContext(old, new, implicit, target, recreated, options=options)
    # The rollback applies the reversed plan from `new` back to `old`: creates it re-does are the
    # forward's implicit drops, so nothing is implicit there.
    back_ctx = RenderContext(new, old, frozenset(), target, recreated, rollback=True, options=options)
    rebuilt_around = _rebuilt_around(ordered, causes, rollback_only)
    steps = []
    for i, change in enumerate(ordered):
        forward = () if id(change) in rollback_only else _render(render, change, fwd_ctx, hooks)
        own: tuple[Hazard, ...] = ()
        rebuilt = rebuilt_around.get(key_of(change))
        if rebuilt and not isinstance(change, Drop) and id(change) not in rollback_only:
            shown = ", ".join(map(str, rebuilt[:10]))
            if len(rebuilt) > 10:
                shown += f" and {len(rebuilt) - 10} more"
            own = (Hazard(HazardCode.DEPENDENTS_REBUILT, f"drops and re-creates around it: {shown}"),)
        steps.append(
            Step(
                change,
                forward,
                _render(render, change.reverse(), back_ctx, hooks),
                reasons.get(id(change), ""),
                tuple(sorted(preds.get(i, ()))),
                implied_by.get(i),
                merged(*(st.hazards for st in forward), own),
                causes.get(id(change)),
                _held(change, forward, render, fwd_ctx, back_ctx, hooks),
            )
        )
    planned = (*renames, *changes)
    return Plan(
        new.dialect, old, new, planned, tuple(steps), target=target, options=options, recreated=recreated
    )


def _held(
    change: Change,
    forward: tuple[Statement, ...],
    render: Render,
    fwd_ctx: RenderContext,
    back_ctx: RenderContext,
    hooks: Hooks,
) -> HeldBack | None:
    """What the step does with its destructive statements held back (see `HeldBack`). A table
    keeps the column changes that lose nothing, rendered on their own with their rollback; any
    other step with something destructive is held back whole."""
    if not any(st.destructive for st in forward):
        return None
    if all(st.destructive for st in forward) or not isinstance(change, Alter):
        return HELD_WHOLE
    old, new = change.old, change.new
    if not isinstance(old, Table) or not isinstance(new, Table) or not change.children:
        return HELD_WHOLE
    kept = tuple(c for c in change.children if not _destructive_column_change(old, c, render, fwd_ctx, hooks))
    if len(kept) == len(change.children):
        return HELD_WHOLE  # the destructive part is not a column's: nothing smaller to keep
    middle = _with_columns(new, old, [c for c in change.children if c not in kept])
    applied = Alter(old, middle, kept, change.moved)
    runs = _render(render, applied, fwd_ctx, hooks)
    if any(st.destructive for st in runs):
        return HELD_WHOLE
    return HeldBack(runs, _render(render, applied.reverse(), back_ctx, hooks))


def _destructive_column_change(
    table: Table, child: Change, render: Render, ctx: RenderContext, hooks: Hooks
) -> bool:
    """Whether the dialect writes `child` alone (a column change of `table`) as a destructive statement."""
    alone = Alter(table, _with_columns(table, table, [child], apply=True), (child,))
    return any(st.destructive for st in _render(render, alone, ctx, hooks))


def _with_columns(base: Table, old: Table, changes: Sequence[Change], *, apply: bool = False) -> Table:
    """`base` with the column changes `changes` applied (`apply`) or undone (back to `old`'s columns).
    A column coming back goes where it was in `old`: after the columns that preceded it there."""
    cols = list(base.columns)
    old_name = [c.name for c in old.columns]
    for ch in changes:
        name = ch.obj.name
        at = next((i for i, c in enumerate(cols) if c.name == name), None)
        if apply:
            wanted = None if isinstance(ch, Drop) else ch.new
        else:
            wanted = None if isinstance(ch, Create) else ch.old
        if wanted is None:
            if at is not None:
                del cols[at]
            continue
        assert isinstance(wanted, Column)
        if at is not None:
            cols[at] = wanted
            continue
        preceding = set(old_name[: old_name.index(name)]) if name in old_name else set()
        place = max((i + 1 for i, c in enumerate(cols) if c.name in preceding), default=0)
        cols.insert(place if preceding or not apply else len(cols), wanted)
    return evolve(base, columns=tuple(cols))


def _rebuilt_around(
    ordered: Sequence[Change], causes: dict[int, ObjectKey], rollback_only: set[int]
) -> dict[ObjectKey, list[ObjectKey]]:
    """For each changed object, the dependents the forward drops and re-creates around it (sorted)."""
    out: dict[ObjectKey, set[ObjectKey]] = {}
    for ch in ordered:
        cause = None if id(ch) in rollback_only else causes.get(id(ch))
        if cause is not None and cause != key_of(ch):
            out.setdefault(cause, set()).add(key_of(ch))
    return {k: sorted(v) for k, v in out.items()}


_OUTSIDE_TRANSACTION = Hazard(HazardCode.NON_TRANSACTIONAL, "runs outside the transaction: no atomic undo")


def _render(render: Render, change: Change, ctx: RenderContext, hooks: Hooks) -> tuple[Statement, ...]:
    """The statements of one change with their hazards; an unexpected failure names the object's
    place in the source."""
    try:
        out = []
        for n, st in enumerate(render(change, ctx)):
            found = hooks.hazards(st, change, ctx)
            if n == 0 and ctx.rollback and isinstance(change, Create) and isinstance(change.new, Table):
                found = (*found, RECREATED_EMPTY)
            if not st.transactional:
                found = (*found, _OUTSIDE_TRANSACTION)
            if isinstance(change, Rename) and not any(h.code is HazardCode.BREAKS_CLIENTS for h in found):
                found = (*found, *_renamed_for_clients(change))
            st = replace(st, hazards=merged(st.hazards, found)) if found else st
            # hazards are judged on the plain statement; the guard around it changes none of them
            out.append(hooks.rerunnable(st, ctx) if ctx.options.idempotent else st)
        return tuple(out)
    except Exception as e:
        side = ctx.old if isinstance(change, Drop) else ctx.new
        obj = change.obj
        raise located(e, side.position(obj) if isinstance(obj, SchemaObject) else obj.pos) from e


_CLIENT_KINDS = frozenset(
    ("table", "view", "materialized_view", "sequence", "enum", "domain", "composite_type")
)


def _renamed_for_clients(change: Rename) -> tuple[Hazard, ...]:
    """A rename of what queries name (a table, a column, a view, ...) breaks the ones not updated."""
    if change.part:
        what = f"{change.part.replace('_', ' ')} {change.old.display}.{change.before}"
    elif change.old.key.kind in _CLIENT_KINDS:
        what = f"{change.old.key.kind.replace('_', ' ')} {change.old.display}"
    else:
        return ()
    return (Hazard(HazardCode.BREAKS_CLIENTS, f"renames {what}, which queries may name"),)


def _expand(
    old: Schema, new: Schema, changes: Sequence[Change], hooks: Hooks, renamed: Renamed
) -> tuple[list[Change], dict[int, str], dict[int, ObjectKey], set[int]]:
    """Alters that cannot run in place become drop + create; dependents they break are rebuilt too.
    Also returned: why a step was added, for a rebuilt dependent the change it goes around, and the
    rebuilds only the rollback needs (ids of their changes)."""
    by_key: dict[ObjectKey, list[Change]] = {}
    reasons: dict[int, str] = {}
    causes: dict[int, ObjectKey] = {}
    for ch in changes:
        by_key.setdefault(key_of(ch), []).append(ch)

    rebuilt: set[ObjectKey] = set()
    queue: list[tuple[ObjectKey, Alter | None]] = []

    def rebuild(key: ObjectKey, why: str, cause: ObjectKey | None = None) -> None:
        if key in rebuilt:
            return
        # re-created: with the owner and grants each side has, compared or not
        x, y = old.whole(key), new.whole(key)
        if x is None or y is None:
            return
        rebuilt.add(key)
        drop, create = Drop(x), Create(y)
        if why:
            reasons[id(drop)] = reasons[id(create)] = why
        if cause is not None:
            causes[id(drop)] = causes[id(create)] = cause
        by_key[key] = [drop, create]
        queue.append((key, None))

    dependents = old.dependents()
    # A changed object (not a table or sequence: they hold data) that names a renamed object is
    # dropped as it was before the renames and created after them, both ways: in between, what
    # it says of the renamed object holds under neither name.
    near_renames = {r.new.key for r in renamed.renames}
    relations = {(k.schema, k.name): k for k in near_renames if not k.parent}
    for ch in changes:
        if not renamed.renames or not isinstance(ch, Alter) or isinstance(ch.old, (Table, Seq)):
            continue
        assert isinstance(ch.old, SchemaObject) and isinstance(ch.new, SchemaObject)
        k = key_of(ch)
        near = [d for d in sorted(ch.old.depends_on | ch.new.depends_on) if d in near_renames]
        owner = relations.get((k.schema, k.parent)) if k.parent else None
        if owner is not None:
            near.insert(0, owner)
        if isinstance(ch.old, View):  # a dialect may not know what a view's query uses
            text = ch.old.query.canonical
            near += [r.new.key for r in renamed.renames if mentions(text, old_name(r))]
        if near:
            x, y = renamed.before.get(k, old.whole(k)), new.whole(k)
            assert x is not None and y is not None
            rebuilt.add(k)
            drop, create = Drop(x), Create(y)
            reasons[id(drop)] = reasons[id(create)] = f"rebuilt around the rename of {near[0]}"
            causes[id(drop)] = causes[id(create)] = near[0]
            by_key[k] = [drop, create]
            queue.append((k, None))
    for ch in changes:
        if key_of(ch) in rebuilt:
            continue
        if isinstance(ch, Alter) and hooks.rebuild(ch):
            rebuild(key_of(ch), "")
        elif isinstance(ch, Alter):
            queue.append((key_of(ch), ch))
        elif isinstance(ch, Drop):
            # An unchanged object that used a dropped one now binds to another object of the same
            # name (a table replaced by a view): it is rebuilt. Tables are never rebuilt for it:
            # they would lose their rows, and such a change shows in their own definition.
            for dep_key in sorted(dependents.get(key_of(ch), ())):
                if dep_key in by_key or dep_key.kind == Table.KIND:
                    continue
                if dep_key in new.objects and hooks.detaches(old.objects[key_of(ch)], old.objects[dep_key]):
                    continue  # lets go of it in place (a domain's check calling a dropped function)
                rebuild(dep_key, f"rebuilt: depends on {key_of(ch)}")

    def candidate(dep_key: ObjectKey) -> SchemaObject | None:
        return None if dep_key in rebuilt or dep_key not in new.objects else old.objects[dep_key]

    def visit(dep_key: ObjectKey, key: ObjectKey, cause: ObjectKey) -> None:
        if key in rebuilt and _detached(key, dep_key):
            return
        rebuild(dep_key, f"rebuilt: depends on {key}", cause)

    def _detached(key: ObjectKey, dep_key: ObjectKey) -> bool:
        before, after = old.whole(key), new.whole(key)
        dep_before, dep_after = old.objects[dep_key], new.objects[dep_key]
        return (
            before is not None
            and after is not None
            and hooks.detaches(before, dep_before)
            and (key not in dep_after.depends_on or hooks.detaches(after, dep_after))
        )

    _propagate(queue, dependents, candidate, visit, hooks)
    rollback_only = _rollback_rebuilds(old, new, changes, hooks, by_key, reasons, causes)
    out = [ch for key in sorted(by_key) for ch in by_key[key]]
    return out, reasons, causes, rollback_only


def _rollback_rebuilds(
    old: Schema,
    new: Schema,
    changes: Sequence[Change],
    hooks: Hooks,
    by_key: dict[ObjectKey, list[Change]],
    reasons: dict[int, str],
    causes: dict[int, ObjectKey],
) -> set[int]:
    """Dependents that the rollback breaks but the forward does not, rebuilt in the rollback only:
    undoing an added enum label swaps the type, adding it did not. They go into `by_key` as drop +
    create steps with no forward statements; the rollback runs their reverses around the alter."""
    rollback_only: set[int] = set()
    dependents = new.dependents()  # the rollback starts from the new side
    queue: list[tuple[ObjectKey, Alter | None]] = [
        (key_of(ch), ch.reverse())
        for ch in changes
        if isinstance(ch, Alter) and by_key.get(key_of(ch)) == [ch]
    ]
    done: set[ObjectKey] = set()

    def candidate(dep_key: ObjectKey) -> SchemaObject | None:
        return None if dep_key in done or dep_key not in old.objects else new.objects[dep_key]

    def visit(dep_key: ObjectKey, key: ObjectKey, cause: ObjectKey) -> None:
        if dep_key in by_key:
            return  # changed or rebuilt by the forward: its own steps are reversed
        done.add(dep_key)
        # re-created: with the owner and grants each side has, compared or not
        before, after = old.whole(dep_key), new.whole(dep_key)
        assert before is not None and after is not None
        drop, create = Drop(before), Create(after)
        reasons[id(drop)] = reasons[id(create)] = f"rebuilt in the rollback: depends on {key}"
        causes[id(drop)] = causes[id(create)] = cause
        rollback_only.update((id(drop), id(create)))
        by_key[dep_key] = [drop, create]
        queue.append((dep_key, None))

    _propagate(queue, dependents, candidate, visit, hooks)
    return rollback_only


def _propagate(
    queue: list[tuple[ObjectKey, Alter | None]],
    dependents: dict[ObjectKey, set[ObjectKey]],
    candidate: Callable[[ObjectKey], SchemaObject | None],
    visit: Callable[[ObjectKey, ObjectKey, ObjectKey], None],
    hooks: Hooks,
) -> None:
    """Follow changes to their dependents: `queue` holds (key, alter), alter None for an object
    rebuilt (all its dependents break). A dependent that `candidate` gives and the alter breaks is
    passed to `visit(dependent key, key, the change it goes around)`, which may queue more; one
    the alter converts in place passes the alter on to its own dependents."""
    converted: set[tuple[ObjectKey, int]] = set()
    while queue:
        key, alter = queue.pop(0)
        for dep_key in sorted(dependents.get(key, ())):
            dep = candidate(dep_key)
            if dep is None:
                continue
            if alter is None or hooks.invalidates(alter, dep):
                # around the change itself: through a converted table it is not a dependency
                visit(dep_key, key, key if alter is None else key_of(alter))
            elif hooks.converts(alter, dep) and (dep_key, id(alter)) not in converted:
                # the change goes on through `dep` (kept, converted in place) to what uses it
                converted.add((dep_key, id(alter)))
                queue.append((dep_key, alter))


def _rename_edges(
    changes: list[Change],
    renames: dict[ObjectKey, list[int]],
    causes: dict[int, ObjectKey],
    before: Mapping[ObjectKey, SchemaObject],
    edge: Callable[[int | None, int | None], None],
) -> None:
    """Renames run in their order, before anything built or altered (the plan was made with the new
    names) and before the drops of what they changed (rendered under the new names); what is
    rebuilt around a rename, or dropped while it names a renamed object, is dropped before them."""
    if not renames:
        return
    order = sorted(i for ii in renames.values() for i in ii)
    for a, b in itertools.pairwise(order):
        edge(a, b)
    for i, ch in enumerate(changes):
        if isinstance(ch, Rename):
            continue
        key = key_of(ch)
        if not isinstance(ch, Drop) or key in before:
            for r in order:
                edge(r, i)
        elif causes.get(id(ch)) in renames or (
            isinstance(ch.old, SchemaObject) and ch.old.depends_on & renames.keys()
        ):
            edge(i, order[0])


def _order(
    old: Schema,
    new: Schema,
    changes: list[Change],
    hooks: Hooks,
    causes: dict[int, ObjectKey],
    renamed: Renamed | None = None,
) -> tuple[list[Change], dict[int, set[int]], dict[int, int]]:
    """Topological order (priority Kahn: drops first, then by kind rank and key, deterministic);
    for each position in that order the positions of the steps it must follow; and the drops that
    happen along with another (position -> position of the drop that does it)."""
    n = len(changes)
    drops: dict[ObjectKey, int] = {}
    builds: dict[ObjectKey, int] = {}  # create or alter
    renames: dict[ObjectKey, list[int]] = {}
    for i, ch in enumerate(changes):
        if isinstance(ch, Rename):
            renames.setdefault(key_of(ch), []).append(i)
        else:
            (drops if isinstance(ch, Drop) else builds)[key_of(ch)] = i

    edges: list[set[int]] = [set() for _ in range(n)]

    def edge(a: int | None, b: int | None) -> None:
        if a is not None and b is not None and a != b:
            edges[a].add(b)

    namespaces: dict[tuple[str, ...], list[int]] = {}
    _rename_edges(changes, renames, causes, renamed.before if renamed else {}, edge)
    for i, ch in enumerate(changes):
        if isinstance(ch, Rename):
            continue
        key = key_of(ch)
        assert isinstance(ch.obj, SchemaObject)
        home = hooks.container(ch.obj)
        if home is not None and home != key:
            if isinstance(ch, Drop):
                edge(i, drops.get(home))
            else:
                b = builds.get(home)
                if b is not None and isinstance(changes[b], Create):
                    edge(b, i)
        if isinstance(ch, Drop):
            assert isinstance(ch.old, SchemaObject)
            for d in ch.old.depends_on:  # dependents go before what they depend on
                edge(i, drops.get(d))
                b = builds.get(d)
                if b is not None and isinstance(changes[b], Alter):
                    edge(i, b)
            namespaces.setdefault(hooks.namespace(ch.old), []).append(i)
        else:
            obj = ch.new
            assert isinstance(obj, SchemaObject)
            for d in obj.depends_on:  # built after what it needs
                edge(builds.get(d), i)
            if isinstance(ch, Alter):
                assert isinstance(ch.old, SchemaObject)
                for d in ch.old.depends_on - obj.depends_on:  # stop using d before d goes or changes
                    edge(i, drops.get(d))
                    b = builds.get(d)
                    if b is not None and isinstance(changes[b], Alter):
                        edge(i, b)
            edge(drops.get(key), i)
    for i, ch in enumerate(changes):
        if isinstance(ch, Create):
            assert isinstance(ch.new, SchemaObject)
            for j in namespaces.get(hooks.namespace(ch.new), ()):
                edge(j, i)
        # a dependent rebuilt around a change: dropped before it, created after it
        cause = causes.get(id(ch))
        if cause is not None and cause != key_of(ch):
            if isinstance(ch, Drop):
                edge(i, builds.get(cause))
                edge(i, drops.get(cause))
            else:
                edge(builds.get(cause), i)
    # An object dropped along with its table really goes when the table does: whatever had to
    # wait for its drop (a function its trigger calls) waits for the table's drop instead.
    implied: dict[int, int] = {}
    dropped = frozenset(drops)
    for i, ch in enumerate(changes):
        if isinstance(ch, Drop) and isinstance(ch.old, SchemaObject):
            owner = hooks.dropped_with(ch.old, dropped)
            if owner is not None and owner != key_of(ch):
                implied[i] = drops[owner]
    for _ in range(2):  # a child of a child (an index of a dropped view's table) settles in two
        for child, owner_step in implied.items():
            for b in list(edges[child]):
                if b != owner_step:
                    edge(owner_step, b)

    indegree = [0] * n
    for outs in edges:
        for b in outs:
            indegree[b] += 1

    def priority(i: int) -> tuple[int, int, ObjectKey]:
        ch = changes[i]
        rank = hooks.kind_rank(key_of(ch).kind)
        if isinstance(ch, Drop):
            return (0, -rank, key_of(ch))
        if isinstance(ch, Rename):
            return (1, i, key_of(ch))  # in the order they were applied
        return (2, rank, key_of(ch))

    heap = [(priority(i), i) for i in range(n) if indegree[i] == 0]
    heapq.heapify(heap)
    out: list[Change] = []
    position: dict[int, int] = {}
    while heap:
        _, i = heapq.heappop(heap)
        position[i] = len(out)
        out.append(changes[i])
        for b in sorted(edges[i]):
            indegree[b] -= 1
            if indegree[b] == 0:
                heapq.heappush(heap, (priority(b), b))
    if len(out) != n:
        blocked = sorted((i for i in range(n) if indegree[i] > 0), key=lambda i: str(key_of(changes[i])))
        stuck = [str(key_of(changes[i])) for i in blocked]
        first = changes[blocked[0]]
        side = old if isinstance(first, Drop) else new
        where = side.position(first.obj) if isinstance(first.obj, SchemaObject) else None
        raise DdlError("dependency cycle between: " + ", ".join(stuck[:20]), where)
    preds: dict[int, set[int]] = {}
    for a, outs in enumerate(edges):
        for b in outs:
            preds.setdefault(position[b], set()).add(position[a])
    return out, preds, {position[c]: position[p] for c, p in implied.items()}
