"""One market frame, checked and read once, for every backtest run on it.

A paired study (:mod:`mesbook.studies.paired`) runs a dozen settings on each market: the realism ladder's
rungs, the caveats, the risk rules. Much of what a run reads from the frame does not depend on the
settings, or depends on a few of them: the frame's checks, its exchange times and the option clock, the
signal codes (the same for every settings object that decides alike, :data:`DECISION_FIELDS`), the realized
volatility of a window. :class:`PreparedMarket` holds the checked frame and computes each of these once,
when first asked. :func:`mesbook.run_backtest` accepts one wherever it accepts a frame (a frame is
prepared on the way in), so a run on a prepared market is the run on its frame, bit for bit.

:class:`Market` is what the trade loop reads: the per-bar arrays of one market under one settings object
(:meth:`PreparedMarket.arrays`). The arrays a prepared market keeps are read-only; the frame it was made
from is not modified.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np
import pandas as pd

from ..clock import exchange_times, is_date_only
from ..core.windows import Windows
from ..memo import Memo, frozen
from ..options.calendar import expiry_moment
from ..options.volatility import realized_volatility
from ..validation import checked_columns
from .decisions import DECISION_FIELDS, SignalCache
from .settings import BacktestSettings

#: Values a prepared market keeps at most: far more than the settings any study runs on one market.
_KEPT = 1024
_DAY_NS = 86_400 * 10**9
_UNIT_NS = {"s": 10**9, "ms": 10**6, "us": 10**3, "ns": 1}


@dataclass(frozen=True)
class Market:
    """Per-bar arrays the trade loop reads (prices in points, vol per year, days on the pricer's clock).

    ``day`` is each bar's close in days since 1970-01-01 as option time is counted
    (:func:`mesbook.options.calendar.time_to_expiry`): date-only bars count whole days (their date), bars
    with a time of day their exact stamp. :meth:`expiry_day` puts expiries on the same clock.
    """

    close: np.ndarray
    fill: np.ndarray
    vol: np.ndarray
    fill_vol: np.ndarray
    day: np.ndarray
    times: pd.DatetimeIndex
    date_only: bool

    def expiry_day(self, expiries: pd.DatetimeIndex, cycle: str) -> np.ndarray:
        """Expiry dates on the clock of :attr:`day`: the date (date-only bars) or its expiry moment."""
        when = pd.DatetimeIndex(expiries) if self.date_only else expiry_moment(expiries, cycle)
        return _days(when)


def _days(times: pd.DatetimeIndex) -> np.ndarray:
    """Days since 1970-01-01 as floats (whole for midnights), in the index's own unit (dates past 2262, as a
    million simulated business days reach, do not fit nanoseconds)."""
    return times.asi8 / (_DAY_NS // _UNIT_NS[times.unit])


class PreparedMarket:
    """A market frame (``timestamp``, ``futures_price``, ``open_interest``, and the columns some settings read),
    checked once, with what its backtests share computed once each.

    The frame is checked as :func:`mesbook.run_backtest` checks it (a ``ValueError``/``TypeError`` names the
    column, the first bad row and the fix); a tz-aware ``timestamp`` is converted to exchange time on a new
    frame (:attr:`data`). :meth:`decisions` and :meth:`arrays` give what a run under given settings reads.
    The frame is read as it is when a value is first asked for: prepare it again after editing it.
    """

    def __init__(self, data: pd.DataFrame):
        columns = checked_columns(data, positive=("futures_price", "open_interest"))  # each column read once
        stamps = columns["timestamp"]
        if isinstance(stamps.dtype, pd.DatetimeTZDtype):  # to the loader's convention, on a new frame
            data = data.assign(timestamp=exchange_times(stamps))
            stamps = data["timestamp"]
        self.data, self.stamps, self.open_interest = data, stamps, columns["open_interest"]
        self.close = frozen(columns["futures_price"].to_numpy(dtype=float, copy=True))
        self.times = exchange_times(stamps)
        self.date_only = is_date_only(self.times)
        self.day = frozen(_days(self.times))  # date-only stamps are midnights already: their whole days
        # read-only arrays by (what, settings values): a key with an unhashable settings value is computed each time
        self._kept = Memo(size=_KEPT, freeze=True)

    def __len__(self) -> int:
        return len(self.close)

    def decisions(self, settings: BacktestSettings, windows: Windows) -> np.ndarray:
        """Signal codes per bar under ``settings`` and ``windows``, before any fill delay
        (:func:`mesbook.engine.decisions.decision_codes`), once per distinct :data:`DECISION_FIELDS` and windows."""
        key = ("decisions", windows, *(getattr(settings, name) for name in DECISION_FIELDS))
        # decision_codes on the frame, from the columns read when it was prepared
        return self._kept.get(key, lambda: SignalCache.from_columns(self.open_interest, lambda: self.stamps, self.data,
                                                                settings).decisions(*windows))

    def arrays(self, settings: BacktestSettings, periods_per_year: Optional[float]) -> Market:
        """The per-bar arrays of a run under ``settings``; ``periods_per_year`` (bars a year) annualizes realized
        volatility."""
        close = self.close
        fill = self.column("open_price") if settings.fill_price == "open" else close
        if settings.volatility == "column":
            vol = self.column(settings.vol_column)
        elif settings.volatility == "realized":
            vol = self._kept.get(("realized", settings.vol_window, periods_per_year),
                             lambda: realized_volatility(close, settings.vol_window, periods_per_year))
            vol = np.where(np.isfinite(vol) & (vol > 0), vol, settings.constant_vol)  # warm-up: the constant
        else:
            vol = np.full(len(close), settings.constant_vol)
        # An open fill cannot know the bar's own close: it prices with the volatility known the bar before.
        fill_vol = np.r_[settings.constant_vol, vol[:-1]] if settings.fill_price == "open" else vol
        # Options trade at implied volatility: the estimate scaled by the variance risk premium (if any).
        vol, fill_vol = settings.implied_vol(vol), settings.implied_vol(fill_vol)
        return Market(close, fill, vol, fill_vol, self.day, self.times, self.date_only)

    def column(self, name: str) -> np.ndarray:
        """A positive numeric column some settings read (``open_price``, a volatility column), checked and read
        once (a ``ValueError``/``TypeError`` names it and its first bad row)."""
        def read() -> np.ndarray:
            return checked_columns(self.data, positive=(name,), timestamp=False)[name].to_numpy(dtype=float, copy=True)
        return self._kept.get(("column", name), read)



def prepared(data: pd.DataFrame | PreparedMarket) -> PreparedMarket:
    """``data`` as a :class:`PreparedMarket` (itself when it is one)."""
    return data if isinstance(data, PreparedMarket) else PreparedMarket(data)


__all__ = ["Market", "PreparedMarket", "prepared"]
