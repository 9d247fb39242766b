"""Open-interest indicators, computed exactly as the article does.

All indicators are in contracts (OI units) per bar:

* ``oi_change`` — OI minus the previous bar's OI;
* ``oi_gradient`` — ``numpy.gradient`` of OI: a *centred* difference (OI[i+1] − OI[i−1]) / 2 inside the
  series, one-sided at the ends. Bar i therefore reads bar i+1 (look-ahead);
* ``oi_short_sma`` / ``oi_long_sma`` — rolling means over the short and long windows.

The warm-up bars where a value is undefined are filled with 0, as the article does; that fill makes
the short average jump from 0 above the (still 0) long average, a crossover that never happened.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .constants import OI_GRADIENT_WINDOW, OI_LONG_SMA_WINDOW, OI_SHORT_SMA_WINDOW
from .validation import check_frame, check_windows

#: Columns added by :func:`calculate_indicators`.
INDICATOR_COLUMNS: tuple[str, ...] = ("oi_change", "oi_gradient", "oi_short_sma", "oi_long_sma")


def centred_gradient(values: np.ndarray) -> np.ndarray:
    """``numpy.gradient`` of a 1-D series (contracts per bar); a single value has gradient 0."""
    if len(values) < 2:
        return np.zeros(len(values))
    return np.gradient(values)


def rolling_mean(values: pd.Series, window: int) -> np.ndarray:
    """Trailing mean over ``window`` bars, NaN until the window is full (pandas' algorithm)."""
    return values.rolling(window=window).mean().to_numpy()


def calculate_indicators(
    df: pd.DataFrame,
    short_sma_window: int = OI_SHORT_SMA_WINDOW,
    long_sma_window: int = OI_LONG_SMA_WINDOW,
    gradient_window: int = OI_GRADIENT_WINDOW,
) -> pd.DataFrame:
    """Return a copy of ``df`` with the article's four OI indicator columns added.

    ``gradient_window`` is validated but, as in the article, not used. The input is not modified.
    """
    check_windows(short_sma_window, long_sma_window, gradient_window)
    check_frame(df, positive=("open_interest",), timestamp=False)
    oi = df["open_interest"].astype(float)
    out = df.copy(deep=False)  # copy-on-write: adding columns never touches the caller's frame
    out["oi_change"] = np.nan_to_num(oi.diff().to_numpy(), nan=0.0)
    out["oi_gradient"] = centred_gradient(oi.to_numpy())
    out["oi_short_sma"] = np.nan_to_num(rolling_mean(oi, short_sma_window), nan=0.0)
    out["oi_long_sma"] = np.nan_to_num(rolling_mean(oi, long_sma_window), nan=0.0)
    return out
