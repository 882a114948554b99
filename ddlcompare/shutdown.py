"""Garbage a process need not free because it is about to end.

The console script ends with `os._exit` after its outputs are written (see `cli.entry`). Freeing a
large structure costs one deallocation per object: 0.2 s for the replay entries of a 10,000-table
pair, and the memory is rarely given back to the system anyway. In such a process a structure that
is done with is parked here instead; everywhere else (the library, tests) `discard` says no and the
caller frees it as usual.
"""

from __future__ import annotations

_parked: list[object] | None = None


def park_garbage() -> None:
    """Keep what `discard` is given until the process ends: only for a process that ends with
    os._exit (no teardown), where freeing it would be work for nothing."""
    global _parked
    if _parked is None:
        _parked = []


def discard(obj: object) -> bool:
    """Park `obj` when the process ends without teardown (True); False: the caller frees it."""
    if _parked is None:
        return False
    _parked.append(obj)
    return True
