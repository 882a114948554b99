"""What the model does to build large schemas fast must not change what it builds: the `__init__`
`fast_inits` gives the model classes, `evolve`, and the replay cache parked at exit."""

from __future__ import annotations

import dataclasses
import importlib
import inspect
from typing import Any

import pytest

from ddlcompare import shutdown
from ddlcompare.model.base import evolve
from ddlcompare.model.objects import Column, PrimaryKey, Table

MODEL_MODULES = (
    "ddlcompare.model.base",
    "ddlcompare.model.objects",
    "ddlcompare.dialects.postgres.objects",
    "ddlcompare.dialects.mysql.objects",
)


def _frozen_slotted(module: str) -> list[type]:
    ns = vars(importlib.import_module(module))
    return [
        c
        for c in ns.values()
        if isinstance(c, type)
        and c.__module__ == module
        and dataclasses.is_dataclass(c)
        and "__slots__" in c.__dict__
        and c.__dataclass_params__.frozen  # type: ignore[attr-defined]
    ]


def _classes() -> list[type]:
    return [c for m in MODEL_MODULES for c in _frozen_slotted(m)]


class _Marker:
    """A distinct value for each required field (any type: __init__ does not check)."""

    def __init__(self, name: str) -> None:
        self.name = name


def _arguments(cls: type) -> tuple[list[Any], dict[str, Any]]:
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        value = _Marker(f.name)
        if f.kw_only:
            kwargs[f.name] = value
        else:
            args.append(value)
    return args, kwargs


def _slots(obj: object) -> list[Any]:
    return [getattr(obj, f.name) for f in dataclasses.fields(obj)]  # type: ignore[arg-type]


def test_every_model_class_has_the_fast_init() -> None:
    classes = _classes()
    assert len(classes) > 60  # the four modules' model classes, not an empty list
    slow = [c.__qualname__ for c in classes if "__original_init__" not in c.__dict__]
    assert slow == []


@pytest.mark.parametrize("cls", _classes(), ids=lambda c: f"{c.__module__.rsplit('.', 1)[-1]}.{c.__name__}")
def test_fast_init_builds_what_the_dataclass_init_builds(cls: type) -> None:
    fast, original = cls.__dict__["__init__"], cls.__dict__["__original_init__"]
    a, b = inspect.signature(fast), inspect.signature(original)
    assert [(p.name, p.kind, p.annotation) for p in a.parameters.values()] == [
        (p.name, p.kind, p.annotation) for p in b.parameters.values()
    ]
    defaults = [repr(p.default) for p in b.parameters.values()]
    assert [repr(p.default) for p in a.parameters.values()] == defaults
    # every field given
    args, kwargs = _arguments(cls)
    x, y = object.__new__(cls), object.__new__(cls)
    fast(x, *args, **kwargs)
    original(y, *args, **kwargs)
    assert _slots(x) == _slots(y)
    # only the required fields: defaults and default factories
    required = [f for f in dataclasses.fields(cls) if f.default is f.default_factory is dataclasses.MISSING]
    kw = {f.name: kwargs[f.name] for f in required if f.kw_only}
    positional = [f for f in dataclasses.fields(cls) if not f.kw_only]
    pos = [a for a, f in zip(args, positional, strict=True) if f in required]
    x, y = object.__new__(cls), object.__new__(cls)
    fast(x, *pos, **kw)
    original(y, *pos, **kw)
    assert _slots(x) == _slots(y)
    for f in dataclasses.fields(cls):  # a factory makes a new value for each object
        if f.default_factory is not dataclasses.MISSING and isinstance(getattr(x, f.name), (dict, list, set)):
            assert getattr(x, f.name) is not getattr(y, f.name)


def test_fast_init_keeps_the_classes_frozen_and_checked() -> None:
    col = Column(name="id", type="integer")
    with pytest.raises(dataclasses.FrozenInstanceError):
        col.name = "other"  # type: ignore[misc]
    with pytest.raises(TypeError):
        Column("id", "integer")  # type: ignore[misc]  # keyword-only, as before
    with pytest.raises(TypeError):
        Column(name="id")  # type: ignore[call-arg]  # a required field
    with pytest.raises(TypeError):
        Column(name="id", type="integer", colour="red")  # type: ignore[call-arg]


def test_evolve_copies_every_field_but_the_changed_ones() -> None:
    t = Table(schema="s", name="t", columns=(Column(name="id", type="integer"),), comment="c")
    u = evolve(t, comment="d")
    assert u.comment == "d" and u.columns is t.columns and u.name == "t" and u.schema == "s"
    assert t.comment == "c" and u != t and evolve(u, comment="c") == t
    pk = PrimaryKey(schema="s", table="t", name="t_pkey", columns=("id",))
    assert evolve(pk, columns=("id", "x")).columns == ("id", "x") and type(evolve(pk)) is PrimaryKey
    with pytest.raises(TypeError, match="no field 'colour'"):
        evolve(pk, colour="red")


def test_replay_cache_is_parked_only_when_the_process_ends_without_teardown(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ddlcompare.dialects.postgres.replay import Cache

    cache = Cache()
    cache.current["statement"] = ((), (), None)
    entries = cache.current
    monkeypatch.setattr(shutdown, "_parked", None)
    cache.clear()  # the library: freed here
    assert cache.current is entries and entries == {}
    cache.current["statement"] = ((), (), None)
    shutdown.park_garbage()  # the console script
    cache.clear()
    assert cache.current == {} and cache.current is not entries
    assert entries == {"statement": ((), (), None)}
    assert shutdown._parked is not None and any(entries is held for held in shutdown._parked[0])  # type: ignore[union-attr]
