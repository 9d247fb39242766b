"""A study's result computed once per process for the same arguments, shared by whoever asks again.

A chapter runs a study, its canonical numbers (:mod:`mesbook.studies.canonical`) and its self-check
(:func:`mesbook.exercises.check`) ask for the same one, on the same seed: a :class:`Memo` keeps the last few
results by their arguments, so the second and third asks cost nothing. What a memo keeps is never handed
out as such: the study returns a copy to each caller, so no caller can change what another one reads.
Arguments that cannot be a key (unhashable values, a ``SeedSequence`` whose equal twins hash apart) are
computed afresh each time. :func:`frame_key` turns a market frame into a key by its content, so that the same
market simulated twice is one key. :func:`clear_memos` forgets every result (for timing a first computation).
"""
from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

import numpy as np
import pandas as pd

R = TypeVar("R")

_MEMOS: list["Memo"] = []


class Memo:
    """The results of one study by key, at most ``size`` of them (the least recently used go first)."""

    def __init__(self, size: int = 16) -> None:
        self.size = size
        self._results: OrderedDict[Hashable, object] = OrderedDict()
        _MEMOS.append(self)

    def get(self, key: Hashable, compute: Callable[[], R]) -> R:
        """The result kept for ``key``, or ``compute()`` kept under it; ``compute()`` alone if ``key`` is unhashable."""
        try:
            hash(key)
        except TypeError:
            return compute()
        if key in self._results:
            self._results.move_to_end(key)
            return self._results[key]  # type: ignore[return-value]
        result = compute()
        self._results[key] = result
        while len(self._results) > self.size:
            self._results.popitem(last=False)
        return result

    def find(self, key: Hashable) -> object:
        """The result kept for ``key`` (now the most recently used), or ``None`` (also when ``key`` is unhashable)."""
        try:
            if key not in self._results:
                return None
        except TypeError:
            return None
        self._results.move_to_end(key)
        return self._results[key]

    def keys(self) -> list[Hashable]:
        """The keys kept, least recently used first."""
        return list(self._results)

    def clear(self) -> None:
        self._results.clear()


def frame_key(data: object) -> Hashable:
    """A frame's content as a key: its index, column names, dtypes, lengths and a digest of every column's bytes, so
    two frames with the same numbers (a chapter's market and the self-check's, simulated again) are one key. A frame
    with any column that is not plain numbers or times (text, categories) gives an unhashable key: computed afresh
    each time."""
    parts = [("index", getattr(data, "index", None))] + list(data.items()) if hasattr(data, "items") else []
    if not parts or not all(isinstance(values, (pd.Series, pd.Index)) and isinstance(values.dtype, np.dtype)
                            and values.dtype.kind in "biufmM" for _, values in parts):
        return [id(data)]  # unhashable: never kept
    return tuple((name, str(values.dtype), len(values), _digest(values.to_numpy())) for name, values in parts)


def _digest(values: np.ndarray) -> bytes:
    """A 256-bit BLAKE2 digest of an array's bytes: a key that stays small however long the market is."""
    return hashlib.blake2b(np.ascontiguousarray(values).view(np.uint8), digest_size=32).digest()


def clear_memos() -> None:
    """Forget every study result kept so far."""
    for memo in _MEMOS:
        memo.clear()


__all__ = ["Memo", "clear_memos", "frame_key"]
