"""Volatility inputs for option pricing, all per year (0.18 = 18 % a year)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..constants import TRADING_DAYS
from ..validation import check_int, check_number


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
    returns = pd.Series(np.r_[np.nan, np.diff(np.log(values))])
    return returns.rolling(window).std().to_numpy() * np.sqrt(periods_per_year)
