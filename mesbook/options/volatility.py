"""Volatility inputs for option pricing, all per year (0.18 = 18 % a year)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..constants import TRADING_DAYS
from ..core.indicators import window_input
from ..validation import check_int, check_number

try:  # the kernel behind Series.rolling(w).std() (pandas is pinned; without it, the public call)
    from pandas._libs.window.aggregations import roll_var as _roll_var
except ImportError:  # pragma: no cover
    _roll_var = None


def realized_volatility(
    prices: pd.Series | np.ndarray, window: int = 20, periods_per_year: float = TRADING_DAYS
) -> np.ndarray:
    """Trailing realized volatility per year: the standard deviation (ddof=1) of the last ``window``
    log returns up to and including each bar, times sqrt(``periods_per_year``).

    Uses only prices up to each bar (no look-ahead); NaN until ``window`` returns exist.
    """
    window = check_int("window", window, minimum=2)
    periods_per_year = check_number("periods_per_year", periods_per_year, strict=True)
    values = np.asarray(prices, dtype=float)
    if values.ndim != 1 or (values <= 0).any() or not np.isfinite(values).all():
        raise ValueError("prices must be a 1-D series of finite prices > 0")
    returns = np.r_[np.nan, np.diff(np.log(values))]
    return rolling_std(returns, window) * np.sqrt(periods_per_year)


def rolling_std(values: np.ndarray, window: int) -> np.ndarray:
    """``pd.Series(values).rolling(window).std()`` (ddof=1, NaN until ``window`` values) as an array, bit for
    bit: pandas' own kernel on the same input (float64, infinities as NaN) and the same trailing bounds,
    without building the Series and its window object on every backtest (tests/test_volatility.py)."""
    if _roll_var is None:  # pragma: no cover
        return pd.Series(values, dtype=float).rolling(window).std().to_numpy()
    data = np.asarray(values, dtype=np.float64)
    if len(data) == 0:
        return data.copy()
    data = window_input(data)
    end = np.arange(1, len(data) + 1, dtype=np.int64)
    start = np.maximum(end - window, 0)
    with np.errstate(all="ignore"):
        variance = _roll_var(data, start, end, window, ddof=1)
        std = np.sqrt(variance)
    std[variance < 0] = 0  # pandas' zsqrt
    return std
