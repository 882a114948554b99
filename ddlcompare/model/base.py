"""The neutral schema model: keys, objects, options and the Schema container.

Every model class is a frozen, slotted dataclass compared by value; source positions and
derived dependency sets are kept out of equality so two sources of the same schema compare equal.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, NamedTuple, TypeVar

from ddlcompare.errors import Warning
from ddlcompare.source import SourcePos


class ObjectKey(NamedTuple):
    """Stable identity of an object: `kind:schema[.parent].name`.

    A NamedTuple rather than a dataclass: keys are hashed and compared millions of times on
    large schemas, and tuples do that in C. Still immutable, ordered and compared by value.
    """

    kind: str
    schema: str
    name: str
    parent: str = ""  # owning table of an index, constraint, trigger or policy; "" keeps ordering total

    def __str__(self) -> str:
        return f"{self.kind}:{'.'.join(p for p in (self.schema, self.parent, self.name) if p)}"


def new_key(parts: tuple[str, str, str, str]) -> ObjectKey:
    """ObjectKey(kind, schema, name, parent) without the keyword handling of its constructor
    (keys are made for every lookup of a large schema)."""
    return _tuple_new(ObjectKey, parts)


_tuple_new: Callable[[type[ObjectKey], tuple[str, str, str, str]], ObjectKey] = tuple.__new__


class Expr:
    """An SQL expression: `canonical` decides equality, `text` is what gets rendered.

    Either may be computed lazily from a `source` (a pure function of the parsed node): a schema
    of 10,000 tables has 100,000 expressions, and most are only ever compared with themselves
    (the same object, when both sides share a statement) or never at all. Immutable once
    computed; equality and hash use the canonical text only.
    """

    __slots__ = ("_canonical", "_source", "_text", "_token")

    def __init__(
        self,
        canonical: str | None = None,
        text: str | None = None,
        *,
        source: Callable[[], tuple[str, str]] | None = None,
        token: Hashable | None = None,
    ) -> None:
        if canonical is None and source is None:
            raise TypeError("Expr needs a canonical text or a source")
        self._canonical = canonical
        self._text = text
        self._source = source
        # Equal tokens promise equal canonical forms (same statement text, same place in it,
        # same name resolution): two snapshots of a schema compare without canonicalising.
        self._token = token

    @classmethod
    def lazy(cls, source: Callable[[], tuple[str, str]], token: Hashable) -> Expr:
        """An expression computed from `source` when first needed (the parser makes 100,000)."""
        e = object.__new__(cls)
        e._canonical = e._text = None
        e._source = source
        e._token = token
        return e

    def _force(self) -> None:
        assert self._source is not None
        canonical, text = self._source()
        self._canonical = canonical
        if self._text is None:
            # one string when both spell it alike: a 20 MB literal default is kept once, not twice
            self._text = canonical if text == canonical else text
        self._source = None

    @property
    def canonical(self) -> str:
        if self._canonical is None:
            self._force()
        assert self._canonical is not None
        return self._canonical

    @property
    def text(self) -> str:
        if self._text is None:
            if self._source is not None:
                self._force()
            return self._text or self.canonical
        return self._text

    def __eq__(self, other: object) -> bool:
        if self is other:
            return True
        if not isinstance(other, Expr):
            return NotImplemented
        if self._token is not None and self._token == other._token:
            return True
        return self.canonical == other.canonical

    def __hash__(self) -> int:
        return hash(self.canonical)

    def __repr__(self) -> str:
        return f"Expr(canonical={self.canonical!r}, text={self.text!r})"

    def __str__(self) -> str:
        return self.text or self.canonical

    def __reduce__(self) -> tuple[type[Expr], tuple[str, str]]:
        return (Expr, (self.canonical, self.text))

    @classmethod
    def of(cls, canonical: str, text: str | None = None) -> Expr:
        """Expression whose rendered text defaults to its canonical form."""
        return cls(canonical, canonical if text is None else text)


@dataclass(frozen=True, slots=True, kw_only=True)
class Option:
    """A dialect-specific, typed attribute (atlas's Attr): subclasses live in the dialect folders."""

    KIND: ClassVar[str]


@dataclass(frozen=True, slots=True)
class Grant:
    """One privilege held by one grantee, optionally on some columns only."""

    grantee: str
    privilege: str
    columns: tuple[str, ...] = ()
    grantable: bool = False

    def __str__(self) -> str:
        cols = f" ({', '.join(self.columns)})" if self.columns else ""
        return f"{self.privilege}{cols} TO {self.grantee}" + (" WITH GRANT OPTION" if self.grantable else "")


@dataclass(frozen=True, slots=True)
class OwnerAndGrants:
    """What a source says of an object's owner and grants when they are not compared (without
    --owners / --privileges): kept aside (Schema.access) so that an object the plan drops and
    re-creates comes back owned and granted as before."""

    owner: str | None = None
    grants: tuple[Grant, ...] = ()  # sorted


@dataclass(frozen=True, slots=True, kw_only=True)
class Element:
    """Anything with a name, a comment, dialect options and a source position."""

    KIND: ClassVar[str]
    name: str
    comment: str | None = None
    options: tuple[Option, ...] = ()  # sorted by KIND, at most one per KIND
    # where the source that made the object defines it (Schema.position: where a schema has it)
    pos: SourcePos | None = field(default=None, compare=False, repr=False)

    def option(self, cls: type[OptionT]) -> OptionT | None:
        """The option of type `cls`, if present."""
        for o in self.options:
            if type(o) is cls:
                return o
        return None


OptionT = TypeVar("OptionT", bound=Option)
SchemaObjectT = TypeVar("SchemaObjectT", bound="SchemaObject")


NO_DEPENDENCIES: frozenset[ObjectKey] = frozenset()


def dependencies(keys: Iterable[ObjectKey]) -> frozenset[ObjectKey]:
    """`keys` as a frozenset, the empty one shared: each empty frozenset takes 216 bytes, and a
    schema of 370,000 tables without dependencies would hold 80 MB of them."""
    found = frozenset(keys)
    return found if found else NO_DEPENDENCIES


@dataclass(frozen=True, slots=True, kw_only=True)
class SchemaObject(Element):
    """An object with its own CREATE statement."""

    schema: str
    owner: str | None = None  # compared only with --owners
    grants: tuple[Grant, ...] = ()  # sorted; compared only with --privileges
    depends_on: frozenset[ObjectKey] = field(default=frozenset(), compare=False, repr=False)

    @property
    def key(self) -> ObjectKey:
        return new_key((self.KIND, self.schema, self.name, ""))

    @property
    def display(self) -> str:
        """Human name for reports: `schema.name`, `schema.table.name` for table-owned objects."""
        k = self.key
        return ".".join([p for p in (k.schema, k.parent, k.name) if p])


_CopyT = TypeVar("_CopyT")
_COPIERS: dict[type, tuple[frozenset[str], Callable[[Any, dict[str, Any]], Any]]] = {}


def evolve(obj: _CopyT, /, **changes: Any) -> _CopyT:
    """`dataclasses.replace` for the model's frozen dataclasses, about 1.6x faster: a large schema's
    parse copies objects tens of thousands of times (each statement that alters one, each FK
    resolved at the end of a file). Model classes run no `__post_init__` and every field is an
    `__init__` argument, so copying the fields is all `replace` would do."""
    cls = type(obj)
    copier = _COPIERS.get(cls)
    if copier is None:
        copier = _COPIERS[cls] = _copier(cls)
    names, copy = copier
    if not names.issuperset(changes):
        raise TypeError(f"{cls.__name__} has no field {sorted(set(changes) - names)[0]!r}")
    new: _CopyT = copy(obj, changes)
    return new


def _copier(cls: type) -> tuple[frozenset[str], Callable[[Any, dict[str, Any]], Any]]:
    """A function copying an instance of `cls` field by field (see `_slot_setters`)."""
    fields = dataclasses.fields(cls)
    setters = _slot_setters(cls)
    if setters is None:
        return frozenset(f.name for f in fields), lambda obj, changes: dataclasses.replace(obj, **changes)
    lines = ["def copy(obj, c):", "    new = _new(_cls)"]
    for f in fields:
        lines.append(f"    _set_{f.name}(new, c[{f.name!r}] if {f.name!r} in c else obj.{f.name})")
    lines.append("    return new")
    scope: dict[str, Any] = {"_new": object.__new__, "_cls": cls, **setters}
    exec("\n".join(lines), scope)
    return frozenset(f.name for f in fields), scope["copy"]


def _slot_setters(cls: type) -> dict[str, Callable[[Any, Any], None]] | None:
    """`_set_<field>`: the `__set__` of each field's slot descriptor, which stores the value without
    the frozen class's `__setattr__` (the descriptor is the slot itself; `object.__setattr__`
    would look it up along the class hierarchy on every call). None when building an instance is
    more than storing its fields (a `__post_init__`, an init-only or non-init field) or a field has
    no slot: such a class keeps what dataclasses wrote."""
    if (
        hasattr(cls, "__post_init__")
        or any("InitVar" in str(f.type) for f in cls.__dataclass_fields__.values())  # type: ignore[attr-defined]
        or any(not f.init for f in dataclasses.fields(cls))
    ):
        return None
    setters: dict[str, Callable[[Any, Any], None]] = {}
    for f in dataclasses.fields(cls):
        slot: Any = next((k.__dict__[f.name] for k in cls.__mro__ if f.name in k.__dict__), None)
        if type(slot).__name__ != "member_descriptor":
            return None
        setters[f"_set_{f.name}"] = slot.__set__
    return setters


class _Factory:
    """The default of a field made by a default factory (shown as dataclasses shows it)."""

    def __repr__(self) -> str:
        return "<factory>"


_FACTORY = _Factory()


def fast_inits(namespace: Mapping[str, Any]) -> None:
    """Give each frozen slotted dataclass defined in `namespace` (a model module's globals()) an
    `__init__` that stores its fields through their slot descriptors: the same signature and the
    same objects as the dataclasses one, built twice as fast (a 10,000-table schema pair builds
    about a million model objects). Classes with `__post_init__`, init-only or non-init fields
    keep theirs."""
    for cls in list(namespace.values()):
        if not isinstance(cls, type) or "__dataclass_fields__" not in cls.__dict__:
            continue
        params = cls.__dataclass_params__  # type: ignore[attr-defined]
        if not params.frozen or "__slots__" not in cls.__dict__ or "__original_init__" in cls.__dict__:
            continue
        init = _fast_init(cls)
        if init is not None:
            cls.__original_init__ = cls.__dict__["__init__"]  # type: ignore[attr-defined]  # for the tests
            cls.__init__ = init  # type: ignore[misc]


def _fast_init(cls: type) -> Callable[..., None] | None:
    fields = dataclasses.fields(cls)
    setters = _slot_setters(cls)
    if setters is None:
        return None
    scope: dict[str, Any] = {**setters, "_FACTORY": _FACTORY}
    positional: list[str] = []
    keyword: list[str] = []
    body: list[str] = []
    for f in fields:
        if f.default is not dataclasses.MISSING:
            scope[f"_default_{f.name}"] = f.default
            param = f"{f.name}=_default_{f.name}"
        elif f.default_factory is not dataclasses.MISSING:
            scope[f"_factory_{f.name}"] = f.default_factory
            param = f"{f.name}=_FACTORY"
            body.append(f"    if {f.name} is _FACTORY: {f.name} = _factory_{f.name}()")
        else:
            param = f.name
        (keyword if f.kw_only else positional).append(param)
        body.append(f"    _set_{f.name}(self, {f.name})")
    params = ", ".join(["self", *positional, *(["*", *keyword] if keyword else [])])
    exec(f"def __init__({params}):\n" + "\n".join(body or ["    pass"]), scope)
    init: Callable[..., None] = scope["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__annotations__ = dict(cls.__dict__["__init__"].__annotations__)
    return init


def with_options(*options: Option | None) -> tuple[Option, ...]:
    """Canonical options tuple: Nones dropped, sorted by KIND."""
    present = [o for o in options if o is not None]
    if len(present) <= 1:
        return tuple(present)
    return tuple(sorted(present, key=lambda o: o.KIND))


def replace_option(options: tuple[Option, ...], new: Option | None, cls: type[Option]) -> tuple[Option, ...]:
    """`options` with the option of type `cls` replaced by `new` (or removed when None)."""
    return with_options(*(o for o in options if type(o) is not cls), new)


def field_values(obj: Any) -> Iterator[tuple[str, Any]]:
    """(name, value) of every compared field, options expanded as `options.<KIND>`."""
    for f in dataclasses.fields(obj):
        if not f.compare:
            continue
        value = getattr(obj, f.name)
        if f.name == "options":
            for o in value:
                yield f"options.{o.KIND}", o
        else:
            yield f.name, value


def _show(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, Expr):
        return value.canonical
    if isinstance(value, tuple):
        return "(" + ", ".join(_show(v) for v in value) + ")"
    if isinstance(value, Option):
        inner = ", ".join(f"{k}={_show(v)}" for k, v in field_values(value))
        return inner or "on"
    return repr(value) if isinstance(value, str) else str(value)


def field_reasons(old: Any, new: Any, skip: frozenset[str] = frozenset()) -> tuple[str, ...]:
    """Readable `field: old -> new` lines for every compared field that differs."""
    a, b = dict(field_values(old)), dict(field_values(new))
    reasons = []
    for name in list(a) + [n for n in b if n not in a]:
        if name in skip:
            continue
        va, vb = a.get(name), b.get(name)
        if va != vb:
            reasons.append(f"{name}: {_show(va)} -> {_show(vb)}")
    return tuple(reasons)


@dataclass(frozen=True, slots=True)
class Unseen:
    """Objects a source could not read (a live account without some privilege): a comparison leaves
    them out on both sides, so that nothing is planned for what one side could not see."""

    kinds: frozenset[str]  # ObjectKey.kind of the objects
    schema: str  # ObjectKey.schema of the objects
    names: frozenset[str] | None = None  # only these (table-owned objects: by their relation); None: all
    what: str = ""  # for messages: "triggers of app", "the definitions of views v1, v2"
    reason: str = ""  # for messages: the privilege that would show them, with its GRANT

    def covers(self, key: ObjectKey) -> bool:
        if key.kind not in self.kinds or key.schema != self.schema:
            return False
        return self.names is None or (key.parent or key.name) in self.names


@dataclass(frozen=True, slots=True)
class RelationSize:
    """A live table's size as its server estimates it (statistics, not a count): never compared."""

    rows: int | None  # estimated rows; None when the server has no estimate (never analysed)
    bytes: int | None  # on disk, indexes and TOAST included; None when unknown


@dataclass(frozen=True, slots=True)
class Schema:
    """A whole normalised schema of one dialect: objects by key, plus what was read but not modelled."""

    dialect: str
    objects: Mapping[ObjectKey, SchemaObject]
    warnings: tuple[Warning, ...] = field(default=(), compare=False)
    source: str = field(default="", compare=False)
    _cache: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)
    # Objects may be shared with a schema parsed earlier (the same statement in both files): their
    # `pos` is then where that other source has them, and this maps it to where this one does.
    moved: Mapping[SourcePos, SourcePos] = field(default_factory=dict, compare=False, repr=False)
    # what the source could not read (live accounts without some privilege): see Unseen
    unseen: tuple[Unseen, ...] = field(default=(), compare=False)
    # the server the schema comes from, `product:version` (postgres:15.4), when known (a dump's
    # header, a live database): hazards are judged for it
    server: str = field(default="", compare=False)
    # owners and grants read but not compared: see OwnerAndGrants and `whole`
    access: Mapping[ObjectKey, OwnerAndGrants] = field(default_factory=dict, compare=False, repr=False)
    # indexes the source builds CONCURRENTLY (PostgreSQL): not compared (a live database cannot
    # tell how an index was built), but a migration builds or drops them so too
    concurrent: frozenset[ObjectKey] = field(default=frozenset(), compare=False, repr=False)
    # `-- ddlcompare:renamed-from` lines of the source (ddlcompare.diff.renames.Annotation)
    annotations: tuple[Any, ...] = field(default=(), compare=False, repr=False)
    # live sources: each table's size as the server estimates it, by (schema, table), for the
    # report's impact analysis (a rewrite of 40 GB reads differently from one of 40 kB)
    sizes: Mapping[tuple[str, str], RelationSize] = field(default_factory=dict, compare=False, repr=False)

    def whole(self, key: ObjectKey) -> SchemaObject | None:
        """The object at `key` with the owner and grants kept aside for it (see OwnerAndGrants):
        what a plan re-creating it must restore."""
        obj = self.objects.get(key)
        kept = self.access.get(key)
        if obj is None or kept is None:
            return obj
        owner = obj.owner if obj.owner is not None else kept.owner
        return evolve(obj, owner=owner, grants=obj.grants or kept.grants)

    def position(self, obj: SchemaObject) -> SourcePos | None:
        """Where `obj` is defined in this schema's source."""
        return None if obj.pos is None else self.moved.get(obj.pos, obj.pos)

    def __iter__(self) -> Iterator[SchemaObject]:
        return iter(self.objects.values())

    def get(self, key: ObjectKey) -> SchemaObject | None:
        return self.objects.get(key)

    def of_kind(self, cls: type[SchemaObjectT]) -> list[SchemaObjectT]:
        """Objects of one class (and its subclasses), computed once per schema."""
        found = self._cache.get(cls)
        if found is None:
            found = self._cache[cls] = [o for o in self.objects.values() if isinstance(o, cls)]
        return found

    def children(self) -> dict[tuple[str, str], list[SchemaObject]]:
        """Relation-owned objects (indexes, constraints, triggers, ...) by (schema, relation name),
        computed once per schema (renderers ask once per table). Callers must not change it."""
        out: dict[tuple[str, str], list[SchemaObject]] | None = self._cache.get("children")
        if out is None:
            out = self._cache["children"] = {}
            for key, obj in self.objects.items():  # the mapping's key is the object's (not rebuilt)
                _, schema, _, parent = key
                if parent:
                    kids = out.get((schema, parent))
                    if kids is None:
                        out[(schema, parent)] = [obj]
                    else:
                        kids.append(obj)
        return out

    def dependents(self) -> dict[ObjectKey, set[ObjectKey]]:
        """Reverse of `depends_on`: key -> keys of the objects that depend on it, computed once
        per schema (the plan and the report both ask). Callers must not change it."""
        out: dict[ObjectKey, set[ObjectKey]] | None = self._cache.get("dependents")
        if out is not None:
            return out
        out = self._cache["dependents"] = {}
        for key, obj in self.objects.items():
            for dep in obj.depends_on:
                found = out.get(dep)
                if found is None:
                    out[dep] = {key}
                else:
                    found.add(key)
        return out


fast_inits(globals())
