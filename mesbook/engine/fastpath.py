"""The article's simulation on plain arrays: the fast path behind sweeps, walk-forward and Monte Carlo.

When the settings only change *which bars signal* (warm-up, gradient, OI lag, roll filter, fill delay)
and keep the article's execution (a fixed premium, intrinsic marks, no expiry, no costs, one option at
a time), a backtest reduces to a few array operations: signal codes, the article's trade runs
(:func:`mesbook.backtest.position_runs`) and an intrinsic-value payoff. :func:`supports_fast_path` says
when that holds; the results are then identical to :func:`mesbook.run_backtest` (tested).

:class:`IndicatorCache` computes each distinct rolling window of one OI series once, so a grid of
window pairs costs one rolling mean per distinct window plus a signal pass per pair.
Money is in dollars, prices and strikes in index points, OI in contracts.
"""
from __future__ import annotations

from typing import Optional

import numpy as np
import pandas as pd

from .backtest import roll_window_mask
from ..article.indicators import fill_warmup, lagged_oi, oi_indicators, rolling_mean
from .settings import ARTICLE, BacktestSettings
from ..article.signals import delay_codes, signal_codes

#: Settings that change which bars signal; the fast path handles any value of these.
SIGNAL_FIELDS: tuple[str, ...] = ("warmup", "gradient", "oi_lag", "roll_filter_bars", "fill_delay",
                                  "fixed_premium_points")
#: Settings that must keep the article's value for the fast path (they change how trades are executed).
EXECUTION_FIELDS: tuple[str, ...] = (
    "position", "fill_price", "pricing", "mark", "exercise", "expiry_cycle", "strike", "commission", "slippage_ticks",
    "half_spread_ticks", "round_to_tick", "contracts", "equity_fraction", "max_premium_at_risk", "stop_loss", "take_profit",
    "underlying_stop_points", "max_drawdown",
)


def supports_fast_path(settings: BacktestSettings) -> bool:
    """True when ``settings`` execute trades exactly as the article does (see :data:`EXECUTION_FIELDS`)."""
    if not isinstance(settings, BacktestSettings):
        raise TypeError(f"settings must be a BacktestSettings (e.g. mesbook.ARTICLE), got {type(settings).__name__}")
    return all(getattr(settings, name) == getattr(ARTICLE, name) for name in EXECUTION_FIELDS)


def require_fast_path(settings: BacktestSettings, caller: str) -> None:
    """Raise ``ValueError`` naming the offending settings unless :func:`supports_fast_path` holds."""
    if not supports_fast_path(settings):
        changed = [name for name in EXECUTION_FIELDS if getattr(settings, name) != getattr(ARTICLE, name)]
        raise ValueError(
            f"{caller} needs settings that execute trades as the article does; these differ from ARTICLE: "
            f"{changed}. Only {', '.join(SIGNAL_FIELDS)} may change (run_backtest handles the rest)"
        )


class IndicatorCache:
    """OI indicators of one series for many windows, each distinct window computed once.

    Built with the signal settings (``warmup``, ``gradient``, ``oi_lag``, ``roll_filter_bars``,
    ``fill_delay``) of a :class:`~mesbook.settings.BacktestSettings`; values match
    :func:`mesbook.indicators.oi_indicators` bit for bit. ``timestamps`` are needed only for the roll
    filter. Means and changes are in contracts per bar.
    """

    def __init__(self, open_interest: pd.Series, settings: BacktestSettings = ARTICLE,
                 timestamps: Optional[pd.DatetimeIndex] = None):
        if not isinstance(open_interest, pd.Series):
            raise TypeError(f"open_interest must be a pandas Series, got {type(open_interest).__name__}")
        if not isinstance(settings, BacktestSettings):
            raise TypeError(f"settings must be a BacktestSettings (e.g. mesbook.ARTICLE), got {type(settings).__name__}")
        self.settings = settings
        self._oi = open_interest.astype(float)
        self._lagged = lagged_oi(open_interest, settings.oi_lag)
        self._means: dict[int, np.ndarray] = {}
        self._momentum: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self._blocked: Optional[np.ndarray] = None
        if settings.roll_filter_bars:
            if timestamps is None:
                raise ValueError("roll_filter_bars needs timestamps; pass timestamps=data['timestamp']")
            self._blocked = roll_window_mask(pd.DatetimeIndex(timestamps), settings.roll_filter_bars)

    def __len__(self) -> int:
        return len(self._oi)

    def mean(self, window: int) -> np.ndarray:
        """Trailing mean of (lagged) OI over ``window`` bars, warm-up handled as the settings say."""
        if window not in self._means:
            self._means[window] = fill_warmup(rolling_mean(self._lagged, window), self.settings.warmup)
        return self._means[window]

    def codes(self, short: int, long: int, gradient_window: int) -> np.ndarray:
        """Executed signal codes per bar (0 HOLD, 1 BUY, 2 SELL): decisions, roll filter, then fill delay."""
        change, gradient = self._momentum_for(short, long, gradient_window)
        codes = signal_codes(self.mean(short), self.mean(long), change, gradient)
        if self._blocked is not None:
            codes[self._blocked] = 0
        return delay_codes(codes, self.settings.fill_delay)

    def _momentum_for(self, short: int, long: int, gradient_window: int) -> tuple[np.ndarray, np.ndarray]:
        """``(oi_change, oi_gradient)``, computed by ``oi_indicators`` on first use (whose two means are kept).

        The centred gradient ignores ``gradient_window``, as the article does, so it is computed once.
        """
        key = gradient_window if self.settings.gradient == "backward" else 0
        if key not in self._momentum:
            ind = oi_indicators(self._oi, short, long, gradient_window, warmup=self.settings.warmup,
                                gradient=self.settings.gradient, lag=self.settings.oi_lag)
            self._momentum[key] = (ind["oi_change"], ind["oi_gradient"])
            self._means.setdefault(short, ind["oi_short_sma"])
            self._means.setdefault(long, ind["oi_long_sma"])
        return self._momentum[key]
