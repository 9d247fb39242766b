"""Open-interest indicators, computed exactly as the article does.

All indicators are in contracts (OI units) per bar:

* ``oi_change`` — OI minus the previous bar's OI;
* ``oi_gradient`` — ``numpy.gradient`` of OI: a *centred* difference (OI[i+1] − OI[i−1]) / 2 inside the
  series, one-sided at the ends. Bar i therefore reads bar i+1 (look-ahead). The engine's honest
  alternatives (:func:`mesbook.core.indicators.oi_indicators`, which computes all four) are the same
  difference one bar late and a windowed slope;
* ``oi_short_sma`` / ``oi_long_sma`` — rolling means over the short and long windows.

The warm-up bars where a value is undefined are filled with 0, as the article does; that fill makes
the short average jump from 0 above the (still 0) long average, a crossover that never happened.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..constants import OI_GRADIENT_WINDOW, OI_LONG_SMA_WINDOW, OI_SHORT_SMA_WINDOW
from ..core.indicators import oi_indicators
from ..validation import check_frame, check_windows


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
    out = df.copy(deep=False)  # copy-on-write: adding columns never touches the caller's frame
    for name, column in oi_indicators(df["open_interest"], short_sma_window, long_sma_window, gradient_window).items():
        out[name] = pd.Series(column, index=out.index, copy=False)  # the new array itself, not a copy of it
    return out


def defined_from(values: np.ndarray) -> int:
    """Index of the first non-zero value: where a zero-filled moving average becomes defined."""
    nonzero = np.flatnonzero(np.asarray(values) != 0)
    return int(nonzero[0]) if len(nonzero) else len(values)


__all__ = ["calculate_indicators", "defined_from"]
