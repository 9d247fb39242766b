"""The one signal path under settings: which bars signal, for given data, windows and settings.

Every caller that needs signal codes under a :class:`~mesbook.engine.settings.BacktestSettings` goes
through here: :func:`mesbook.run_backtest`, the fast path (:mod:`mesbook.engine.fastpath`), window
sweeps, the look-ahead audit, Monte Carlo and the window explorers of the book.

:class:`SignalCache` holds one market's open interest under one settings object and computes each
distinct rolling window once, so a grid of window pairs (or a slider) costs one rolling mean per
distinct window plus a signal pass per pair. Values match :func:`mesbook.article.indicators.oi_indicators`
bit for bit (tested). Codes are 0 HOLD, 1 BUY, 2 SELL; means and changes are in contracts per bar.

* :meth:`SignalCache.decisions` — the codes the settings compute at each bar's close (roll filter
  applied), before any fill delay;
* :meth:`SignalCache.codes` — the codes the engine trades on: decisions delayed by ``fill_delay`` bars.

:func:`decision_columns` decides many OI series on the same bars at once (bars × series, one 2-D pass), each
column what :func:`decision_codes` gives its frame: the look-ahead audit's scrambled copies go through it.

Time enters twice, both from the timestamps: an ``oi_release`` rule gives each bar the latest figure
released by its close (:func:`known_oi`), and a ``roll_filter`` given as a duration blocks
the bars that open within it after a quarterly expiry moment (:func:`mesbook.options.calendar.roll_window`).
"""
from __future__ import annotations

from typing import Callable, Optional

import numpy as np
import pandas as pd

from ..clock import bar_moments, exchange_times
from ..core.indicators import fill_warmup, indicator_columns, lagged_oi, oi_indicators, rolling_mean
from ..core.signals import delay_codes, signal_codes
from ..core.windows import Windows
from ..data.release import CftcSchedule, FixedDelay, NextBusinessDay, ReleaseRule, latest_released
from ..options.calendar import roll_window, roll_window_mask
from . import bar_memo
from .settings import ARTICLE, BacktestSettings, check_settings


#: The settings that decide which bars signal (before any fill delay): two settings objects equal in these give
#: the same :func:`decision_codes` on the same data.
DECISION_FIELDS: tuple[str, ...] = ("warmup", "gradient", "oi_lag", "oi_release", "roll_filter")
#: Release rules whose moments come from the as-of moments alone (not from other columns of the table).
_TABLE_FREE = (CftcSchedule, FixedDelay, NextBusinessDay)


def _key(kind: str, value: object, timestamps: object) -> Optional[tuple]:
    """The memo key of ``kind`` of ``value`` on ``timestamps`` (:mod:`.bar_memo`); None when either has none."""
    stamps = bar_memo.times_key(timestamps)
    try:
        hash(value)
    except TypeError:
        return None
    return None if stamps is None else (kind, type(value), value, stamps)


def needs_times(settings: BacktestSettings) -> bool:
    """Whether the settings' signals read the timestamps: a release rule for OI, or a roll filter."""
    return settings.oi_release is not None or bool(settings.roll_filter)


def known_oi(open_interest: pd.Series, lag: object, timestamps: Optional[object] = None,
             table: Optional[pd.DataFrame] = None) -> pd.Series:
    """Open interest as known at each bar's close (float contracts): the figure of bar i − ``lag`` for a
    whole number of bars (``oi_lag``), or, for a :class:`~mesbook.data.release.ReleaseRule` (``oi_release``),
    the figure of the latest bar whose OI (as of that bar's close) was released at or before this bar's
    close; NaN before any is.

    ``timestamps`` (exchange time, strictly increasing) are needed for a rule; ``table`` is the market frame
    the rule may read (e.g. :class:`~mesbook.data.release.ReleasedColumn`). Linear in bars.
    """
    if not isinstance(lag, ReleaseRule):
        return lagged_oi(open_interest, lag)
    if timestamps is None:
        raise ValueError("an oi_release rule needs the bars' timestamps; pass timestamps=data['timestamp']")
    source = _release_source(lag, timestamps, open_interest.to_frame("open_interest") if table is None else table)
    values = open_interest.to_numpy(dtype=float)[np.maximum(source, 0)]
    return pd.Series(np.where(source >= 0, values, np.nan), index=open_interest.index)


def _release_source(rule: ReleaseRule, timestamps: object, table: Optional[pd.DataFrame]) -> np.ndarray:
    """Per bar, the position of the latest bar whose OI ``rule`` released by this bar's close (−1 if none);
    ``table`` is the frame the rule may read (None: a frame of rows only, made when the rule is applied)."""
    def compute() -> np.ndarray:
        as_of = exchange_times(timestamps)
        rows = pd.DataFrame(index=range(len(as_of))) if table is None else table  # the columns a rule may read
        released = pd.DatetimeIndex(rule.release_moments(as_of, rows))
        return latest_released(released, bar_moments(as_of))

    # a rule that reads only the as-of moments gives the same source bars for the same timestamps
    return bar_memo.SIGNALS.get(_key("release", rule, timestamps) if type(rule) in _TABLE_FREE else None, compute)


def _blocked_bars(settings: BacktestSettings, timestamps: object) -> Optional[np.ndarray]:
    """The bars the settings' roll filter blocks (booleans, memoized on the timestamps: read only), or None."""
    roll = settings.roll_filter
    if isinstance(roll, pd.Timedelta):
        return bar_memo.SIGNALS.get(_key("roll window", roll, timestamps),
                                    lambda: roll_window(exchange_times(pd.Series(timestamps)), roll))
    if roll:
        return bar_memo.SIGNALS.get(_key("roll bars", roll, timestamps),
                                    lambda: roll_window_mask(pd.DatetimeIndex(timestamps), roll))
    return None


class SignalCache:
    """Signal codes of one OI series under one settings object, for many windows.

    ``open_interest`` is a pandas Series (contracts); ``timestamps`` are needed only when the settings
    read time (:func:`needs_times`: an ``oi_release`` rule or a roll filter); ``table`` is the frame a
    release rule may read columns of. Use :meth:`from_frame` for a market frame.
    """

    def __init__(self, open_interest: pd.Series, settings: BacktestSettings = ARTICLE,
                 timestamps: Optional[pd.DatetimeIndex] = None, table: Optional[pd.DataFrame] = None):
        if not isinstance(open_interest, pd.Series):
            raise TypeError(f"open_interest must be a pandas Series, got {type(open_interest).__name__}")
        self.settings = check_settings(settings)
        if needs_times(settings) and timestamps is None:
            raise ValueError("these settings read time (an oi_release rule or a roll_filter); pass "
                             "timestamps=data['timestamp']")
        self._oi = open_interest.astype(float)
        rule = settings.oi_lag if settings.oi_release is None else settings.oi_release
        self._lagged = known_oi(open_interest, rule, timestamps, table)
        self._means: dict[int, np.ndarray] = {}
        self._momentum: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self._blocked = _blocked_bars(settings, timestamps)

    @classmethod
    def from_frame(cls, data: pd.DataFrame, settings: BacktestSettings = ARTICLE) -> "SignalCache":
        """The cache of a market frame's ``open_interest`` (and ``timestamp``, when the settings read time)."""
        return cls.from_columns(data["open_interest"], lambda: data["timestamp"], data, settings)

    @classmethod
    def from_columns(cls, open_interest: pd.Series, timestamps: Callable[[], pd.Series], data: pd.DataFrame,
                     settings: BacktestSettings = ARTICLE) -> "SignalCache":
        """:meth:`from_frame` from columns already read: ``timestamps()`` gives the frame's ``timestamp`` column,
        asked for only when the settings read time (then ``data`` is the table a release rule may read)."""
        if needs_times(settings):
            return cls(open_interest, settings, timestamps(), data)
        return cls(open_interest, settings)

    def __len__(self) -> int:
        return len(self._oi)

    def mean(self, window: int) -> np.ndarray:
        """Trailing mean of (lagged) OI over ``window`` bars, warm-up handled as the settings say."""
        if window not in self._means:
            self._means[window] = fill_warmup(rolling_mean(self._lagged, window), self.settings.warmup)
        return self._means[window]

    def decisions(self, short: int, long: int, gradient_window: int) -> np.ndarray:
        """Signal codes per bar as the settings compute them (roll filter applied), before any fill delay."""
        change, gradient = self._momentum_for(short, long, gradient_window)
        codes = signal_codes(self.mean(short), self.mean(long), change, gradient)
        if self._blocked is not None:
            codes[self._blocked] = 0
        return codes

    def codes(self, short: int, long: int, gradient_window: int) -> np.ndarray:
        """Executed codes per bar: :meth:`decisions` acted on ``settings.fill_delay`` bars later."""
        return delay_codes(self.decisions(short, long, gradient_window), self.settings.fill_delay)

    def _momentum_for(self, short: int, long: int, gradient_window: int) -> tuple[np.ndarray, np.ndarray]:
        """``(oi_change, oi_gradient)``, computed by ``oi_indicators`` on first use (whose two means are kept).

        The centred gradient ignores ``gradient_window``, as the article does, so it is computed once.
        """
        key = gradient_window if self.settings.gradient == "backward" else 0
        if key not in self._momentum:
            ind = oi_indicators(self._lagged, short, long, gradient_window, warmup=self.settings.warmup,
                                gradient=self.settings.gradient)
            self._momentum[key] = (ind["oi_change"], ind["oi_gradient"])
            self._means.setdefault(short, ind["oi_short_sma"])
            self._means.setdefault(long, ind["oi_long_sma"])
        return self._momentum[key]


def decision_codes(data: pd.DataFrame, settings: BacktestSettings, windows: Windows) -> np.ndarray:
    """Signal codes per bar (0 HOLD, 1 BUY, 2 SELL) of a market frame under ``settings`` and ``windows``,
    before any fill delay: ``SignalCache.from_frame(data, settings).decisions(*windows)``."""
    return SignalCache.from_frame(data, settings).decisions(*windows)


def reads_oi_only(settings: BacktestSettings) -> bool:
    """Whether the settings' signals read no column but ``open_interest`` (and the timestamps): no release rule,
    or one that dates figures from the timestamps alone. Then :func:`decision_columns` applies."""
    return settings.oi_release is None or type(settings.oi_release) in _TABLE_FREE


def decision_columns(open_interest: np.ndarray, settings: BacktestSettings, windows: Windows,
                     timestamps: Optional[object] = None) -> np.ndarray:
    """:func:`decision_codes` of many OI series on the same bars at once, one column each.

    ``open_interest`` is bars × series (contracts); ``timestamps`` are the bars' (needed when the settings read
    time, :func:`needs_times`). Column j is, bit for bit, the codes of the market frame whose open interest is
    column j (``tests/test_decisions.py``), computed in one 2-D pass with no frame per series. Only for settings
    that read no other column (:func:`reads_oi_only`); a ``ValueError`` otherwise.
    """
    check_settings(settings)
    if not reads_oi_only(settings):
        raise ValueError(f"decision_columns reads open interest only, but oi_release={settings.oi_release!r} "
                         "reads other columns of the market frame; use decision_codes on each frame")
    if needs_times(settings) and timestamps is None:
        raise ValueError("these settings read time (an oi_release rule or a roll_filter); pass "
                         "timestamps=data['timestamp']")
    oi = np.asarray(open_interest, dtype=float)
    if oi.ndim != 2:
        raise ValueError(f"open_interest must be bars × series (2-D), got shape {oi.shape}")
    n = len(oi)
    if settings.oi_release is not None:  # the figure of each bar's source bar, NaN before any is released
        source = _release_source(settings.oi_release, timestamps, None)  # a table-free rule reads no column
        known = np.where((source >= 0)[:, None], oi[np.maximum(source, 0)], np.nan)
    elif settings.oi_lag:  # what Series.shift(lag) gives each column
        known = np.full(oi.shape, np.nan)
        known[settings.oi_lag:] = oi[: max(n - settings.oi_lag, 0)]
    else:
        known = oi
    short, long, gradient_window = windows
    ind = indicator_columns(known, short, long, gradient_window, warmup=settings.warmup, gradient=settings.gradient)
    codes = signal_codes(ind["oi_short_sma"], ind["oi_long_sma"], ind["oi_change"], ind["oi_gradient"])
    blocked = _blocked_bars(settings, timestamps)
    if blocked is not None:
        codes[blocked] = 0
    return codes


__all__ = ["DECISION_FIELDS", "SignalCache", "decision_codes", "decision_columns", "known_oi", "needs_times", "reads_oi_only"]
