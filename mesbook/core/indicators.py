"""Open-interest indicators on plain series: moving averages, change and gradient, the article's and the honest ones.

All indicators are in contracts (OI units) per bar:

* ``oi_change`` — OI minus the previous bar's OI;
* ``oi_gradient`` — ``numpy.gradient`` of OI (the article's *centred* difference, which reads bar i+1),
  or its honest alternatives: the same difference one bar late, or a backward slope over a window;
* ``oi_short_sma`` / ``oi_long_sma`` — rolling means over the short and long windows.

:func:`oi_indicators` computes the four with any of these choices; the article's
:func:`mesbook.calculate_indicators` is its article-exact call, and the engine's signal path
(:mod:`mesbook.engine.decisions`) caches its pieces per window.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from pandas._libs.window.aggregations import roll_mean as _roll_mean  # pandas' rolling-mean kernel (pinned)

#: The indicator columns, in the order :func:`mesbook.calculate_indicators` adds them.
INDICATOR_COLUMNS: tuple[str, ...] = ("oi_change", "oi_gradient", "oi_short_sma", "oi_long_sma")


def centred_gradient(values: np.ndarray) -> np.ndarray:
    """``numpy.gradient`` of a 1-D series (contracts per bar); a single value has gradient 0."""
    if len(values) < 2:
        return np.zeros(len(values))
    return np.gradient(values)


def rolling_mean(values: pd.Series, window: int) -> np.ndarray:
    """Trailing mean over ``window`` bars, NaN until the window is full: ``values.rolling(window).mean()``
    bit for bit.

    pandas sums each window with a compensated running sum, which a cumulative sum cannot reproduce on
    open interest that is not whole, so its own compiled kernel is called on the array, as ``Rolling.mean``
    calls it (float64 values, inf as NaN, the trailing bounds, ``min_periods`` = the window) but without
    building a Rolling object: about a sixth of the cost on a chapter's series. Anything else (an extension
    dtype, a window that is not a whole number ≥ 1) goes through pandas itself. A test holds the two equal.
    """
    plain = values.to_numpy() if isinstance(values, pd.Series) else None
    whole = isinstance(window, (int, np.integer)) and not isinstance(window, bool) and window >= 1
    if plain is None or plain.dtype.kind not in "iuf" or not len(plain) or not whole:
        return values.rolling(window=window).mean().to_numpy()
    x = plain.astype(np.float64)
    infinite = np.isinf(x)
    if infinite.any():
        x = np.where(infinite, np.nan, x)
    end = np.arange(1, len(x) + 1, dtype=np.int64)
    start = np.clip(end - int(window), 0, len(x))
    return _roll_mean(x, start, end, int(window))


def lagged_oi(open_interest: pd.Series, lag: int) -> pd.Series:
    """OI as known ``lag`` bars later (float contracts): bar i holds the figure of bar i − lag, NaN before."""
    oi = open_interest.astype(float)
    return oi.shift(lag) if lag else oi


def fill_warmup(values: np.ndarray, warmup: str) -> np.ndarray:
    """The article's 0 in place of undefined warm-up values (``"fill_zero"``), or NaN kept (``"skip"``)."""
    return np.nan_to_num(values, nan=0.0) if warmup == "fill_zero" else values


def oi_indicators(
    open_interest: pd.Series,
    short_sma_window: int,
    long_sma_window: int,
    gradient_window: int,
    *,
    warmup: str = "fill_zero",
    gradient: str = "centred",
    lag: int = 0,
) -> dict[str, np.ndarray]:
    """The four indicator arrays, with the article's choices or honest ones (contracts, per bar).

    ``warmup="fill_zero"`` fills undefined warm-up values with 0 (the article); ``"skip"`` leaves them
    NaN so that no signal can fire before every indicator exists. ``gradient="centred"`` is
    ``numpy.gradient`` (reads bar i+1, the article); ``"lagged"`` is that centred gradient one bar late,
    bar i holding ``numpy.gradient``'s value at bar i − 1 — (OI[i] − OI[i−2]) / 2 inside the series, the
    same two-bar span and scale, reading only the past (undefined at bar 0); ``"backward"`` is
    (OI[i] − OI[i−w]) / w over ``gradient_window`` = w bars, which reads only the past. ``lag`` shifts OI
    by that many bars first, so bar i sees the figure of bar i − lag (a publication delay). Windows are
    not validated here.
    """
    oi = lagged_oi(open_interest, lag)
    values = oi.to_numpy()
    if gradient == "centred":
        grad = centred_gradient(values)
    elif gradient == "lagged":
        grad = np.r_[np.nan, centred_gradient(values)[:-1]][: len(values)]
    else:
        earlier = np.full(len(values), np.nan)
        earlier[gradient_window:] = values[:-gradient_window]
        grad = (values - earlier) / gradient_window
    columns = {
        "oi_change": np.r_[np.nan, np.diff(values)][: len(values)],
        "oi_gradient": grad,
        "oi_short_sma": rolling_mean(oi, short_sma_window),
        "oi_long_sma": rolling_mean(oi, long_sma_window),
    }
    return {name: fill_warmup(column, warmup) for name, column in columns.items()}


__all__ = ["INDICATOR_COLUMNS", "centred_gradient", "fill_warmup", "lagged_oi", "oi_indicators", "rolling_mean"]
