"""Statement replay: the second snapshot of a schema mostly repeats the first one's statements.

While a statement is applied, every read of the builder's state (which objects exist, which names
are taken, ...) and every write is recorded. The same statement text met again (in the other file,
under the same search_path and options) is replayed from its writes when each recorded read gives
the same answer again: the handler would then compute the same writes, so parsing it is skipped.
Reads the recorder cannot check (iterating over all objects, changing the search_path) make a
statement unreplayable.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from typing import Any

from ddlcompare import shutdown

MISSING: Any = object()  # a read of an absent key; a write that deletes


class Recorder:
    """Reads and writes of one statement. A read of something the statement wrote itself is not
    kept: it is determined by the writes, which replay makes again."""

    __slots__ = ("ok", "reads", "writes", "written")

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """Start recording another statement."""
        self.reads: list[tuple[int, Any, Any]] = []
        self.writes: list[tuple[int, Any, Any]] = []
        self.written: set[tuple[int, Any]] = set()
        self.ok = True

    def read(self, idx: int, key: Any, value: Any) -> None:
        if (idx, key) not in self.written:
            self.reads.append((idx, key, value))

    def write(self, idx: int, key: Any, value: Any, target: Any = None) -> None:
        self.writes.append((idx, key, value))
        self.written.add((idx, key if target is None else target))


class TrackedDict(dict[Any, Any]):
    """A dict whose reads and writes go to a Recorder while one is attached.

    The recording is written out in each method rather than through Recorder.read/write: a
    large file makes millions of these calls, and the extra call was a tenth of applying it."""

    __slots__ = ("idx", "rec")

    def __init__(self, idx: int, *args: Any) -> None:
        super().__init__(*args)
        self.idx = idx
        self.rec: Recorder | None = None

    def get(self, key: Any, default: Any = None) -> Any:
        v = dict.get(self, key, MISSING)
        rec = self.rec
        if rec is not None and (self.idx, key) not in rec.written:
            rec.reads.append((self.idx, key, v))
        return default if v is MISSING else v

    def __getitem__(self, key: Any) -> Any:
        v = dict.get(self, key, MISSING)
        rec = self.rec
        if rec is not None and (self.idx, key) not in rec.written:
            rec.reads.append((self.idx, key, v))
        if v is MISSING:
            raise KeyError(key)
        return v

    def __contains__(self, key: object) -> bool:
        v = dict.get(self, key, MISSING)
        rec = self.rec
        if rec is not None and (self.idx, key) not in rec.written:
            rec.reads.append((self.idx, key, v))
        return v is not MISSING

    def __setitem__(self, key: Any, value: Any) -> None:
        rec = self.rec
        if rec is not None:
            rec.writes.append((self.idx, key, value))
            rec.written.add((self.idx, key))
        dict.__setitem__(self, key, value)

    def __delitem__(self, key: Any) -> None:
        rec = self.rec
        if rec is not None:
            rec.writes.append((self.idx, key, MISSING))
            rec.written.add((self.idx, key))
        dict.__delitem__(self, key)

    def pop(self, key: Any, *default: Any) -> Any:
        v = self.get(key, MISSING)
        if v is MISSING:
            if default:
                return default[0]
            raise KeyError(key)
        del self[key]
        return v

    def setdefault(self, key: Any, default: Any = None) -> Any:
        v = self.get(key, MISSING)
        if v is MISSING:
            self[key] = default
            return default
        return v

    def _whole(self) -> None:
        if self.rec is not None:
            self.rec.ok = False  # depends on everything: not checkable

    def __iter__(self) -> Iterator[Any]:
        self._whole()
        return dict.__iter__(self)

    def __len__(self) -> int:
        self._whole()
        return dict.__len__(self)

    def keys(self) -> Any:
        self._whole()
        return dict.keys(self)

    def values(self) -> Any:
        self._whole()
        return dict.values(self)

    def items(self) -> Any:
        self._whole()
        return dict.items(self)


class TrackedSet(set[Any]):
    """A set whose membership tests and additions go to a Recorder while one is attached."""

    __slots__ = ("idx", "rec")

    def __init__(self, idx: int) -> None:
        super().__init__()
        self.idx = idx
        self.rec: Recorder | None = None

    def __contains__(self, key: object) -> bool:
        found = set.__contains__(self, key)
        if self.rec is not None:
            self.rec.read(self.idx, key, found)
        return found

    def add(self, key: Any) -> None:
        if self.rec is not None:
            self.rec.write(self.idx, key, True)
        set.add(self, key)

    def __iter__(self) -> Iterator[Any]:
        if self.rec is not None:
            self.rec.ok = False
        return set.__iter__(self)


Entry = tuple[tuple[tuple[int, Any, Any], ...], tuple[tuple[int, Any, Any], ...], Any]


class Cache:
    """Replay entries of the previous parse (to replay) and of the current one (for the next),
    and results of work done once a file is read (`remember`/`recall`), kept the same way."""

    def __init__(self) -> None:
        self.previous: dict[Hashable, Entry] = {}
        self.current: dict[Hashable, Entry] = {}
        self._memo: dict[Hashable, Any] = {}
        self._memo_previous: dict[Hashable, Any] = {}
        self._contexts: dict[Hashable, int] = {}

    def context(self, what: Hashable) -> int:
        """A small number standing for `what` (search_path and options) in replay keys: a key is
        hashed three times a statement, and a nested tuple is hashed again each time."""
        return self._contexts.setdefault(what, len(self._contexts))

    def start(self) -> None:
        """A new file: what the last one recorded becomes replayable, older entries go."""
        self.previous, self.current = self.current, {}
        self._memo_previous, self._memo = self._memo, {}

    def get(self, key: Hashable) -> Entry | None:
        return self.current.get(key) or self.previous.get(key)

    def remember(self, key: Hashable, value: Any) -> None:
        self._memo[key] = value

    def recall(self, key: Hashable) -> Any:
        """What `remember` kept under `key` in this file or the previous one (None if nothing)."""
        found = self._memo.get(key)
        return self._memo_previous.get(key) if found is None else found

    def clear(self) -> None:
        held = (self.previous, self.current, self._memo, self._memo_previous)
        if shutdown.discard(held):  # the process ends soon: not freed entry by entry
            self.previous, self.current, self._memo, self._memo_previous = {}, {}, {}, {}
            return
        for d in held:
            d.clear()


CACHE = Cache()
