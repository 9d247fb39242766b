"""Values computed once and kept by key: the one least-recently-used store, and the one content digest.

Two layers keep results: the engine keeps what a market's timestamps alone decide
(:mod:`mesbook.engine.bar_memo`), the studies keep whole study results (:mod:`mesbook.studies.memo`), and a
:class:`~mesbook.engine.prepared.PreparedMarket` keeps what its runs share. Each is a :class:`Memo`:

* at most ``size`` entries, and optionally ``max_bytes`` bytes of numpy arrays (a value larger than that is not
  kept), the least recently used dropped first;
* a key that is ``None`` or has no hash is never kept: its value is computed each time;
* with ``freeze=True`` every numpy array of a value (itself, or inside a tuple) is made read-only before it is
  handed out, so no caller can change what the next one reads.

:func:`digest` is the one content key of an array: a BLAKE2b digest of its bytes, so two equal arrays (two
equal timestamp indexes, a market simulated twice) are one key and any changed value makes a new one.
"""
from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Optional, TypeVar

import numpy as np

R = TypeVar("R")


def digest(values: np.ndarray, size: int = 16) -> bytes:
    """A BLAKE2b digest (``size`` bytes) of an array's bytes: a key that stays small however long the array is."""
    return hashlib.blake2b(np.ascontiguousarray(values).view(np.uint8), digest_size=size).digest()


def frozen(value: R) -> R:
    """``value`` with every numpy array in it (itself, or inside a tuple) made read-only."""
    if isinstance(value, tuple):
        return tuple(frozen(v) for v in value)  # type: ignore[return-value]
    if isinstance(value, np.ndarray):
        value.flags.writeable = False
    return value


def _nbytes(value: object) -> int:
    """Bytes of the numpy arrays in ``value`` (itself, or inside a tuple)."""
    if isinstance(value, tuple):
        return sum(_nbytes(v) for v in value)
    return value.nbytes if isinstance(value, np.ndarray) else 0


def _hashable(key: object) -> bool:
    if key is None:
        return False
    try:
        hash(key)
    except TypeError:
        return False
    return True


class Memo:
    """Values by key, least recently used dropped first: at most ``size`` entries and ``max_bytes`` bytes of arrays
    (None: no byte bound); ``freeze`` makes every array of a value read-only (see the module's docstring)."""

    def __init__(self, size: int = 16, max_bytes: Optional[int] = None, freeze: bool = False) -> None:
        self.size, self.max_bytes, self.freeze, self.nbytes = size, max_bytes, freeze, 0
        self._store: OrderedDict[Hashable, object] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Optional[Hashable], compute: Callable[[], R],
            keep: Optional[Callable[[R], bool]] = None) -> R:
        """The value kept for ``key``, or ``compute()`` kept under it; ``compute()`` alone when ``key`` is None or
        has no hash. A value for which ``keep(value)`` is false is returned without being kept (computed again
        next time)."""
        if not _hashable(key):
            return compute()
        with self._lock:
            if key in self._store:
                self._store.move_to_end(key)
                return self._store[key]  # type: ignore[return-value]
        value = compute()
        if self.freeze:
            value = frozen(value)
        size = _nbytes(value) if self.max_bytes is not None else 0
        if (keep is not None and not keep(value)) or (self.max_bytes is not None and size > self.max_bytes):
            return value
        with self._lock:
            if key not in self._store:
                self._store[key] = value
                self.nbytes += size
            while len(self._store) > self.size or (self.max_bytes is not None and self.nbytes > self.max_bytes):
                dropped = self._store.popitem(last=False)[1]
                self.nbytes -= _nbytes(dropped) if self.max_bytes is not None else 0
        return value

    def find(self, key: Hashable) -> object:
        """The value kept for ``key`` (now the most recently used), or ``None`` (also when ``key`` has no hash)."""
        if not _hashable(key):
            return None
        with self._lock:
            if key not in self._store:
                return None
            self._store.move_to_end(key)
            return self._store[key]

    def keys(self) -> list[Hashable]:
        """The keys kept, least recently used first."""
        with self._lock:
            return list(self._store)

    def __len__(self) -> int:
        return len(self._store)

    def clear(self) -> None:
        with self._lock:
            self._store.clear()
            self.nbytes = 0


__all__ = ["Memo", "digest", "frozen"]
