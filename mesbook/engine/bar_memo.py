"""What a market's timestamps alone decide, computed once per distinct set of timestamps.

Studies run :func:`mesbook.run_backtest` hundreds of times on the same bars (a seed sweep draws new prices
and OI on one calendar; the look-ahead audit runs one market under several settings). The option
calendar of those bars (each bar's expiry and the bar it settles in), the release schedule of their open
interest, the quarterly roll window and the bar clock are the same every time, and computing them costs
more than the rest of a short run. :class:`BarMemo` keeps them.

The key is everything that decides the value: the timestamps' content (their dtype with its time zone and
unit, their number and a 128-bit BLAKE2b digest of their int64 ticks, so two equal indexes share an entry
and any changed stamp makes a new one), plus the caller's other inputs (a cycle, a duration, a release
rule). Values are numpy arrays made read-only (or a frozen :class:`~mesbook.clock.BarClock`), so no caller can
change what the next one reads; a caller indexes them, which copies. Each memo (a :class:`mesbook.memo.Memo`)
holds at most :data:`SIZE` entries and :data:`MAX_BYTES` bytes, the least recently used dropped first. Timestamps that are not datetimes
(strings, objects) are not memoized: the callers compute afresh.
"""
from __future__ import annotations

from typing import Optional

import pandas as pd

from ..clock import BarClock, bar_clock
from ..memo import Memo, digest

#: Entries each memo keeps at most (the least recently used is dropped first): enough for the look-ahead
#: audit's truncated copies of a book market (one per bar), which two audits of one market share.
SIZE: int = 1024
#: Bytes of arrays each memo keeps at most (a million-bar schedule is 16 MB): memory stays bounded on long data.
MAX_BYTES: int = 64 * 2**20


def times_key(timestamps: object) -> Optional[tuple]:
    """``(dtype, length, digest)`` of a DatetimeIndex or datetime Series, a key that determines every value
    computed from it; None for anything else (those are not memoized)."""
    if not isinstance(timestamps, (pd.DatetimeIndex, pd.Series)):
        return None
    if not pd.api.types.is_datetime64_any_dtype(timestamps.dtype):
        return None
    ticks = timestamps.array.asi8
    return str(timestamps.dtype), len(ticks), digest(ticks)


class BarMemo(Memo):
    """A :class:`mesbook.memo.Memo` of read-only arrays (or tuples of them), one per key, bounded in entries
    (``size``) and in bytes of arrays (``max_bytes``; a value larger than that is not kept)."""

    def __init__(self, size: int = SIZE, max_bytes: int = MAX_BYTES):
        super().__init__(size, max_bytes, freeze=True)


#: Per-bar option schedules of :func:`mesbook.run_backtest` (expiry on the pricer's clock, settlement bar).
EXPIRIES = BarMemo()
#: Bar clocks (:func:`mesbook.clock.bar_clock`) of runs (:func:`clock_of`).
CLOCKS = BarMemo()
#: Release schedules of open interest (the source bar of each bar's known figure) and roll windows.
SIGNALS = BarMemo()


def clear() -> None:
    """Empty every memo of this module."""
    EXPIRIES.clear()
    SIGNALS.clear()
    CLOCKS.clear()


def clock_of(timestamps: object, periods_per_year: Optional[float] = None) -> BarClock:
    """:func:`mesbook.clock.bar_clock` of ``timestamps`` (a frozen value), memoized on them and
    ``periods_per_year``; a clock that warned (irregular spacing, a :class:`~mesbook.clock.ClockNote`) is not
    kept, so every call on those bars warns as before."""
    stamps = times_key(timestamps)
    try:
        hash(periods_per_year)
    except TypeError:
        stamps = None
    key = None if stamps is None else ("clock", stamps, periods_per_year)
    return CLOCKS.get(key, lambda: bar_clock(timestamps, periods_per_year), keep=lambda c: c.given or not c.notes)


__all__ = ["BarMemo", "CLOCKS", "EXPIRIES", "MAX_BYTES", "SIGNALS", "SIZE", "clear", "clock_of", "times_key"]
