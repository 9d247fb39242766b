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

from collections.abc import Hashable

import numpy as np
import pandas as pd

from ..memo import Memo as _Memo
from ..memo import digest

_MEMOS: list["Memo"] = []


class Memo(_Memo):
    """The results of one study by key, at most ``size`` of them (the least recently used go first): a
    :class:`mesbook.memo.Memo` that :func:`clear_memos` empties."""

    def __init__(self, size: int = 16) -> None:
        super().__init__(size)
        _MEMOS.append(self)

    def kept_for_more_markets(self, key: tuple) -> object:
        """The result kept for a key that differs from ``key`` only in its first item: a
        :class:`~mesbook.data.synthetic.Sample` of more markets whose first ones are ``key[0]``'s (market ``i`` of a
        sample does not depend on how many it has, so the caller takes the first results); ``None`` if none is."""
        sample, rest = key[0], key[1:]
        for other in self.keys():
            if other[1:] == rest and other[0].markets > sample.markets and other[0].first(sample.markets) == sample:
                return self.find(other)
        return None


def frame_key(data: object) -> Hashable:
    """A frame's content as a key: its index, column names, dtypes, lengths and a digest of every column's bytes, so
    two frames with the same numbers (a chapter's market and the self-check's, simulated again) are one key. A frame
    with any column that is not plain numbers or times (text, categories) gives an unhashable key: computed afresh
    each time."""
    parts = [("index", getattr(data, "index", None))] + list(data.items()) if hasattr(data, "items") else []
    if not parts or not all(isinstance(values, (pd.Series, pd.Index)) and isinstance(values.dtype, np.dtype)
                            and values.dtype.kind in "biufmM" for _, values in parts):
        return [id(data)]  # unhashable: never kept
    return tuple((name, str(values.dtype), len(values), digest(values.to_numpy(), 32)) for name, values in parts)


def clear_memos() -> None:
    """Forget every study result kept so far."""
    for memo in _MEMOS:
        memo.clear()


__all__ = ["Memo", "clear_memos", "frame_key"]
