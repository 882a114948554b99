"""Renames that keep data: hints from `--rename KIND:OLD=NEW` and from `-- ddlcompare:renamed-from OLD`
annotations of the new side, applied to the old schema before the diff (the old object re-keyed under
its new name, its children and references following it as they do on the server), and scored
suggestions for dropped + added pairs that look like renames (never applied without a hint)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import TypeVar

from ddlcompare.diff.changes import Alter, Change, Create, Drop, Rename
from ddlcompare.errors import DdlError
from ddlcompare.model.base import ObjectKey, Schema, SchemaObject, evolve
from ddlcompare.model.objects import Column, ForeignKey, Index, Table, View
from ddlcompare.model.objects import Sequence as Seq
from ddlcompare.source import SourcePos, printable

COLUMN = "column"
LABEL = "enum_label"
_RELATIONS = frozenset(("table", "view", "materialized_view", "sequence"))
_TYPES = frozenset(("enum", "domain", "composite_type", "range_type"))


@dataclass(frozen=True, slots=True)
class RenameHint:
    """One asked-for rename: `kind:old` as ddlcompare prints the old side's keys, renamed to `new`
    in the same parent; `origin` says where it was asked for (for errors)."""

    kind: str
    old: str
    new: str
    origin: str = ""
    # from an annotation: the old key, its parent (a column's table) named as the new side names it
    key: ObjectKey | None = None
    pos: SourcePos | None = None  # of the annotation

    @property
    def option(self) -> str:
        """The command-line option that asks for it."""
        return f"--rename {self.kind}:{self.old}={self.new}"


def parse_hint(text: str) -> RenameHint:
    """`KIND:OLD=NEW` (the value of `--rename`) as a hint; a clear error when malformed."""
    kind, colon, rest = text.partition(":")
    old, eq, new = rest.rpartition("=")
    if not colon or not eq or not kind or not old or not new:
        raise DdlError(
            f"--rename {printable(text)}: expected KIND:OLD=NEW",
            hint="e.g. --rename table:public.staff=employee or --rename column:public.staff.picture=photo",
        )
    return RenameHint(kind.strip().lower(), old.strip(), new.strip(), f"--rename {text}")


@dataclass(frozen=True, slots=True)
class Annotation:
    """A `-- ddlcompare:renamed-from OLD` line: `target` is the next line with SQL on it."""

    pos: SourcePos  # of the annotation
    old: str
    line: int  # of the target
    target: str  # its text, stripped


_ANNOTATION = re.compile(r"^[ \t]*--[ \t]*ddlcompare:renamed-from[ \t]+(\S+)[ \t]*\r?$", re.M | re.I)


def scan_annotations(text: str, path: str) -> tuple[Annotation, ...]:
    """The rename annotations of a source text, each with the line it annotates. A plain text scan,
    the same for every dialect: the parsers keep no comments."""
    if "ddlcompare:renamed-from" not in text.lower():
        return ()
    lines = text.split("\n")
    out = []
    for m in _ANNOTATION.finditer(text):
        line = text.count("\n", 0, m.start()) + 1
        n = line + 1
        while n <= len(lines) and (not lines[n - 1].strip() or lines[n - 1].strip().startswith("--")):
            n += 1
        if n > len(lines):
            raise DdlError("a renamed-from annotation annotates nothing", SourcePos(path, line, 1))
        out.append(Annotation(SourcePos(path, line, 1), _unquote(m.group(1)), n, lines[n - 1].strip()))
    return tuple(out)


def with_annotations(schema: Schema, text: str, path: str) -> Schema:
    """`schema` (parsed from `text`, named `path`) with the rename annotations of its text."""
    notes = scan_annotations(text, path)
    return replace(schema, annotations=notes) if notes else schema


def _unquote(name: str) -> str:
    if len(name) > 1 and name[0] == name[-1] and name[0] in '"`':
        return name[1:-1].replace(name[0] * 2, name[0])
    return name


def annotated(schema: Schema) -> tuple[RenameHint, ...]:
    """The hints of `schema.annotations` (a new side's), in the old side's terms: each annotates the
    CREATE on its target line, or a column definition of the table whose CREATE precedes it."""
    if not schema.annotations:
        return ()
    at_line: dict[tuple[str, int], list[SchemaObject]] = {}
    for obj in schema.objects.values():
        pos = schema.position(obj)
        if pos is not None:
            at_line.setdefault((pos.path, pos.line), []).append(obj)
    tables = sorted(
        ((pos.path, pos.line), t) for t in schema.of_kind(Table) if (pos := schema.position(t)) is not None
    )
    out = []
    for a in schema.annotations:
        if re.match(r"create\b", a.target, re.I):
            found = at_line.get((a.pos.path, a.line), [])
            own = [o for o in found if not o.key.parent] or found
            if len(own) != 1:
                raise DdlError(f"renamed-from {a.old}: no single object is created on line {a.line}", a.pos)
            k = own[0].key
            out.append(_hint(k.kind, k.schema, k.parent, a.old, k.name, a.pos))
            continue
        before = [t for (path, line), t in tables if path == a.pos.path and line < a.pos.line]
        word = re.match(r'\s*("(?:[^"]|"")+"|`(?:[^`]|``)+`|[^\s(,]+)', a.target)
        col = _column_named(before[-1], _unquote(word.group(1))) if before and word else None
        if col is None:
            raise DdlError(
                f"renamed-from {a.old}: line {a.line} is neither a CREATE nor a column of a CREATE TABLE",
                a.pos,
            )
        t = before[-1]
        out.append(_hint(COLUMN, t.schema, t.name, a.old, col.name, a.pos))
    return tuple(out)


def _hint(kind: str, schema: str, parent: str, old: str, new: str, pos: SourcePos) -> RenameHint:
    """The hint of an annotation: object `old` (of `parent`, named by its new name) is now `new`."""
    key = ObjectKey(kind, schema, old, parent)
    return RenameHint(kind, _shown(key), new, str(pos), key, pos)


def _column_named(table: Table, name: str) -> Column | None:
    exact = table.column(name)
    if exact is not None:
        return exact
    folded = [c for c in table.columns if c.name.lower() == name.lower()]
    return folded[0] if len(folded) == 1 else None


# ---- applying hints ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What a dialect can rename in place, and whether its views follow a renamed table (PostgreSQL
    stores views parsed: they do; MySQL stores their text: they break and are rebuilt)."""

    kinds: frozenset[str]
    views_follow: bool


@dataclass(frozen=True, slots=True)
class Renamed:
    """The renames done to an old schema, in the order they run, and `before`: for every object of
    the renamed schema they changed (re-keyed, or naming a renamed table or column where the server
    follows it), the old side's object as it was."""

    renames: tuple[Rename, ...] = ()
    before: Mapping[ObjectKey, SchemaObject] = field(default_factory=dict)


def apply(
    old: Schema, new: Schema, hints: Sequence[RenameHint], caps: Capabilities
) -> tuple[Schema, Renamed]:
    """`old` with the renames of `hints` done (objects first, relations before what they own, then
    columns and labels), and what they did."""
    if not hints:
        return old, Renamed()
    return _Renaming(old, new, caps).run(hints)


class _Renaming:
    """The work of `apply`: the old side's objects as the renames done so far left them, with
    which relations were renamed and which keys moved (what each later rename looks up)."""

    def __init__(self, old: Schema, new: Schema, caps: Capabilities) -> None:
        self.old, self.new, self.caps = old, new, caps
        self.objects: dict[ObjectKey, SchemaObject] = dict(old.objects)
        self.relations: dict[tuple[str, str], str] = {}  # (schema, old name) -> new name
        self.keymap: dict[ObjectKey, ObjectKey] = {}  # old key -> key after the renames

    def run(self, hints: Sequence[RenameHint]) -> tuple[Schema, Renamed]:
        old, objects, keymap = self.old, self.objects, self.keymap
        renames: list[Rename] = []
        # relations first: what they own is found under their new name
        ordered = sorted(hints, key=lambda h: (h.kind in (COLUMN, LABEL), h.kind not in _RELATIONS, h.old))
        for h in ordered:
            if h.key is not None and self.done_before(h):
                continue  # an annotation left in the file from an earlier migration
            if h.kind not in self.caps.kinds:
                raise _error(
                    h,
                    f"{old.dialect} cannot rename a {h.kind.replace('_', ' ')} in place",
                    hint=f"renamable here: {', '.join(sorted(self.caps.kinds))}",
                )
            if h.kind in (COLUMN, LABEL):
                renames.append(self.rename_part(h))
            else:
                renames += self.rename_object(h)
        if self.caps.views_follow and self.relations:
            self.follow_views()
        back = {after: before for before, after in keymap.items() if before in old.objects}
        before = {
            key: orig
            for key, obj in objects.items()
            if (orig := old.objects.get(back.get(key, key))) is not None and orig is not obj
        }
        if keymap:  # what depends on a re-keyed object depends on its new key (its text is unchanged)
            for key, obj in list(objects.items()):
                if obj.depends_on & keymap.keys():
                    objects[key] = evolve(obj, depends_on=frozenset(keymap.get(d, d) for d in obj.depends_on))
        access = {keymap.get(k, k): v for k, v in old.access.items()}
        return replace(old, objects=objects, access=access, _cache={}), Renamed(tuple(renames), before)

    def done_before(self, h: RenameHint) -> bool:
        """Whether the old side has the annotated object under its new name only (renamed already)."""
        assert h.key is not None
        objects = self.objects
        if h.kind in (COLUMN, LABEL):
            kind = "table" if h.kind == COLUMN else "enum"
            owner = objects.get(ObjectKey(kind, h.key.schema, h.key.parent))
            names = _parts(owner)
            return owner is not None and h.new in names and h.key.name not in names
        at = h.key._replace(parent=h.key.parent)
        return (
            at not in objects
            and at._replace(name=h.new) in objects
            and not self.relations.get((at.schema, at.name))
        )

    def find(self, h: RenameHint) -> ObjectKey:
        """The old side's key `h` names, in the old schema's terms (before any rename)."""
        if h.key is not None:  # from an annotation: the parent is named as the new side names it
            back = {(s, n): o for (s, o), n in self.relations.items()}
            return h.key._replace(parent=back.get((h.key.schema, h.key.parent), h.key.parent))
        wanted = f"{h.kind}:{h.old}"
        old = self.old
        if h.kind not in (COLUMN, LABEL):
            for key in old.objects:
                if key.kind == h.kind and str(key) == wanted:
                    return key
        else:
            owners = old.of_kind(Table) if h.kind == COLUMN else [o for o in old if o.key.kind == "enum"]
            for owner in sorted(owners, key=lambda o: -len(_shown(o.key))):
                prefix = _shown(owner.key) + "."
                name = h.old[len(prefix) :]
                if h.old.startswith(prefix) and name in _parts(owner):
                    return ObjectKey(h.kind, owner.schema, name, owner.name)
        raise _error(h, f"the old side has no {h.kind.replace('_', ' ')} {h.old}")

    def rename_object(self, h: RenameHint) -> list[Rename]:
        """The object of `h` renamed; for a relation, what it owns follows it, and what it owns under
        a name made from its own (`staff_pkey`) is renamed along when the new side has that name made
        from the new one (`employee_pkey`)."""
        objects, new = self.objects, self.new
        key = self.find(h)
        parent = self.relations.get((key.schema, key.parent), key.parent) if key.parent else ""
        at = key._replace(parent=parent)
        obj = objects.get(at)
        if obj is None:
            raise _error(h, f"the old side has no {h.kind.replace('_', ' ')} {h.old}")
        target = at._replace(name=h.new)
        if target in objects:
            raise _error(h, f"the old side already has a {h.kind.replace('_', ' ')} named {h.new}")
        if target not in new.objects:
            raise _error(h, f"the new side has no {h.kind.replace('_', ' ')} {_shown(target)}")
        renamed = evolve(obj, name=h.new)
        del objects[at]
        objects[target] = renamed
        self.remap(key, target)
        self.remap(at, target)
        out = [Rename(obj, renamed)]
        if key.kind in _TYPES:
            self.follow_type(key.schema, key.name, h.new)
        if key.kind in _RELATIONS and not key.parent:
            self.relations[(key.schema, key.name)] = h.new
            self.follow_relation(key.schema, key.name, h.new)
            for child_key, child in sorted(objects.items()):
                own = child_key.parent == h.new and child_key.schema == key.schema
                if not own or child_key.kind not in self.caps.kinds or not child.name.startswith(key.name):
                    continue
                made = h.new + child.name[len(key.name) :]
                wanted = child_key._replace(name=made)
                if made != child.name and wanted in new.objects and wanted not in objects:
                    moved = evolve(child, name=made)
                    del objects[child_key]
                    objects[wanted] = moved
                    self.remap(child_key, wanted)
                    out.append(Rename(child, moved))
        return out

    def remap(self, before: ObjectKey, after: ObjectKey) -> None:
        """Record that `before` is now `after`, also for what became `before` earlier."""
        keymap = self.keymap
        for k, v in keymap.items():
            if v == before:
                keymap[k] = after
        keymap[before] = after

    def follow_relation(self, schema: str, before: str, after: str) -> None:
        """What follows a renamed relation on the server: the objects it owns (indexes, constraints,
        triggers), foreign keys that reference it, sequences owned by its columns."""
        objects = self.objects
        for key, obj in list(objects.items()):
            changes: dict[str, object] = {}
            if key.parent == before and key.schema == schema and "table" in _field_names(obj):
                changes["table"] = after
            if isinstance(obj, ForeignKey) and (obj.ref_schema, obj.ref_table) == (schema, before):
                changes["ref_table"] = after
            if (
                isinstance(obj, Seq)
                and obj.owned_by is not None
                and obj.owned_by[0] == before
                and obj.schema == schema
            ):
                changes["owned_by"] = (after, obj.owned_by[1])
            if changes:
                moved = evolve(obj, **changes)
                del objects[key]
                objects[moved.key] = moved
                if moved.key != key:
                    self.remap(key, moved.key)

    def rename_part(self, h: RenameHint) -> Rename:
        """A column of a table (or a label of an enum) renamed; what names the column follows it."""
        objects = self.objects
        key = self.find(h)
        owner_kind = "table" if h.kind == COLUMN else "enum"
        first = ObjectKey(owner_kind, key.schema, key.parent)
        owner_key = self.keymap.get(first, first)  # the table or type renamed first
        owner = objects.get(owner_key)
        what = h.kind.replace("_", " ")
        if owner is None:
            raise _error(h, f"the old side has no {what} {h.old}")
        names = _parts(owner)
        if key.name not in names:
            raise _error(h, f"the old side has no {what} {h.old}")
        if h.new in names:
            raise _error(h, f"{_shown(owner_key)} already has a {what} named {h.new}")
        other = self.new.objects.get(owner_key)
        if h.new not in _parts(other):
            raise _error(h, f"the new side has no {what} {_shown(owner_key)}.{h.new}")
        if isinstance(owner, Table):
            columns = tuple(evolve(c, name=h.new) if c.name == key.name else c for c in owner.columns)
            renamed: SchemaObject = evolve(owner, columns=columns)
            self.follow_column(owner_key, key.name, h.new)
        else:
            renamed = evolve(owner, labels=tuple(h.new if x == key.name else x for x in names))
        objects[owner_key] = renamed
        return Rename(owner, renamed, h.kind, key.name, h.new)

    def follow_column(self, table: ObjectKey, before: str, after: str) -> None:
        """What names a renamed column follows it on the server: the keys, indexes, foreign keys and
        triggers of its table, foreign keys that reference it, a sequence it owns."""

        def names(cols: tuple[str, ...]) -> tuple[str, ...]:
            return tuple(after if c == before else c for c in cols)

        objects = self.objects
        where = (table.schema, table.name)
        for key, obj in list(objects.items()):
            changes: dict[str, object] = {}
            own = (key.schema, key.parent) == where
            fnames = _field_names(obj)
            if own:
                for f in ("columns", "include"):
                    value = getattr(obj, f, None) if f in fnames else None
                    if not isinstance(value, tuple) or before not in value:
                        continue
                    if all(isinstance(v, str) for v in value):
                        changes[f] = names(value)
                if isinstance(obj, Index) and any(p.column == before for p in obj.parts):
                    changes["parts"] = tuple(
                        replace(p, column=after) if p.column == before else p for p in obj.parts
                    )
            refs = isinstance(obj, ForeignKey) and (obj.ref_schema, obj.ref_table) == where
            if refs and isinstance(obj, ForeignKey) and before in obj.ref_columns:
                changes["ref_columns"] = names(obj.ref_columns)
            if isinstance(obj, Seq) and obj.owned_by == (table.name, before) and obj.schema == table.schema:
                changes["owned_by"] = (table.name, after)
            if changes:
                objects[key] = evolve(obj, **changes)

    def follow_views(self) -> None:
        """Views and column defaults naming a renamed relation follow it on the server (PostgreSQL
        keeps them parsed: `nextval('s')` holds the sequence, not its name): one that differs from
        the new side's only by those names is taken as the new side's."""
        relations, objects = self.relations, self.objects

        def renamed(text: str, schema: str) -> str:
            for (where, before), after in relations.items():
                if where == schema or not where:
                    text = re.sub(_IDENT.format(re.escape(before)), after, text)
            return text

        for key, obj in list(objects.items()):
            other = self.new.objects.get(key)
            if other is None or obj == other:
                continue
            if isinstance(obj, View) and isinstance(other, View):
                follows = renamed(obj.query.canonical, obj.schema) == other.query.canonical
                if follows and evolve(obj, query=other.query) == other:
                    objects[key] = evolve(obj, query=other.query)
            elif isinstance(obj, Table) and isinstance(other, Table):
                cols = []
                for c in obj.columns:
                    twin = other.column(c.name)
                    theirs = twin.default if twin is not None else None
                    if c.default is not None and theirs is not None and c.default != theirs:
                        follows = renamed(c.default.canonical, obj.schema) == theirs.canonical
                        c = evolve(c, default=theirs) if follows else c
                    cols.append(c)
                if tuple(cols) != obj.columns:
                    objects[key] = evolve(obj, columns=tuple(cols))

    def follow_type(self, schema: str, before: str, after: str) -> None:
        """Columns of a renamed type (or an array of it) follow it on the server."""
        old_type = f"{schema}.{before}" if schema else before
        new_type = f"{schema}.{after}" if schema else after
        objects = self.objects
        for key, obj in list(objects.items()):
            if not isinstance(obj, Table):
                continue
            cols = tuple(
                evolve(c, type=new_type + c.type[len(old_type) :])
                if c.type == old_type or c.type.startswith(old_type + "[")
                else c
                for c in obj.columns
            )
            if cols != obj.columns:
                objects[key] = evolve(obj, columns=cols)


def _error(h: RenameHint, message: str, hint: str | None = None) -> DdlError:
    """An error about `h`: at the annotation's place, or naming the option."""
    if h.pos is not None:
        return DdlError(f"renamed-from {h.old.rpartition('.')[2]}: {message}", h.pos, hint=hint)
    return DdlError(f"{h.origin}: {message}", hint=hint)


def _parts(owner: SchemaObject | None) -> list[str]:
    """The names of a table's columns, or an enum's labels (what a part rename renames)."""
    if isinstance(owner, Table):
        return [c.name for c in owner.columns]
    return list(getattr(owner, "labels", ()))


def _shown(key: ObjectKey) -> str:
    return str(key).partition(":")[2]


def _field_names(obj: object) -> frozenset[str]:
    return frozenset(f.name for f in fields(obj))  # type: ignore[arg-type]


_IDENT = r'(?<![\w$"`])(?:"{0}"|`{0}`|{0})(?![\w$"`])'


def mentions(text: str, name: str) -> bool:
    """Whether SQL `text` has `name` as an identifier (plain, or quoted either way)."""
    return re.search(_IDENT.format(re.escape(name)), text) is not None


def old_name(rename: Rename) -> str:
    """The name a rename takes away."""
    return rename.before if rename.part else rename.old.name


# ---- suggestions -------------------------------------------------------------------------------


_T = TypeVar("_T", Column, Table)


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A dropped and an added object (or column) that look like one renamed: never applied, listed
    with the option that would apply it."""

    hint: RenameHint
    score: float  # 0..1: how alike they are
    why: str


def suggest(changes: Sequence[Change]) -> tuple[Suggestion, ...]:
    """Scored suggestions: a dropped and an added column of one table with the same type,
    nullability and default; a dropped and an added table of one schema with the same columns."""
    out: list[Suggestion] = []
    dropped = [ch.old for ch in changes if isinstance(ch, Drop) and isinstance(ch.old, Table)]
    added = [ch.new for ch in changes if isinstance(ch, Create) and isinstance(ch.new, Table)]
    pairs = [
        (_score(a.name, b.name, 0.6), a, b)
        for a in dropped
        for b in added
        if isinstance(a, Table) and isinstance(b, Table) and a.schema == b.schema and _same_columns(a, b)
    ]
    for score, a, b in _one_to_one(pairs):
        hint = RenameHint("table", _shown(a.key), b.name)
        out.append(Suggestion(hint, score, "same columns"))
    for ch in changes:
        if not isinstance(ch, Alter) or not isinstance(ch.old, Table) or not isinstance(ch.new, Table):
            continue
        gone = [c.old for c in ch.children if isinstance(c, Drop)]
        came = [c.new for c in ch.children if isinstance(c, Create)]
        col_pairs = [
            (_score(a.name, b.name, 0.5), a, b)
            for a in gone
            for b in came
            if isinstance(a, Column) and isinstance(b, Column) and _same_column(a, b)
        ]
        for score, x, y in _one_to_one(col_pairs):
            hint = RenameHint(COLUMN, f"{_shown(ch.old.key)}.{x.name}", y.name)
            out.append(Suggestion(hint, score, "same type, nullability and default"))
    return tuple(sorted(out, key=lambda s: (-s.score, s.hint.option)))


def _score(a: str, b: str, base: float) -> float:
    """`base` for being alike, the rest for how alike the names are."""
    return round(base + (1 - base) * difflib.SequenceMatcher(None, a.lower(), b.lower()).ratio(), 2)


def _one_to_one(pairs: list[tuple[float, _T, _T]]) -> list[tuple[float, _T, _T]]:
    """The best-scored pairs with each side used once (greedy, deterministic)."""
    used: set[int] = set()
    out = []
    for score, a, b in sorted(pairs, key=lambda p: (-p[0], p[1].name, p[2].name)):
        if id(a) in used or id(b) in used:
            continue
        used.update((id(a), id(b)))
        out.append((score, a, b))
    return out


def _same_column(a: Column, b: Column) -> bool:
    return evolve(a, name=b.name, comment=b.comment) == b


def _same_columns(a: Table, b: Table) -> bool:
    return bool(a.columns) and a.columns == b.columns


__all__ = [
    "Annotation",
    "Capabilities",
    "RenameHint",
    "Renamed",
    "Suggestion",
    "annotated",
    "apply",
    "mentions",
    "old_name",
    "parse_hint",
    "scan_annotations",
    "suggest",
    "with_annotations",
]
