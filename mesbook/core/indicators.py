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

try:  # the kernel behind Series.rolling(w).mean() (pandas is pinned; rolling_mean falls back to the public call)
    from pandas._libs.window.aggregations import roll_mean as _roll_mean
except ImportError:  # pragma: no cover
    _roll_mean = None

#: The indicator columns, in the order :func:`mesbook.calculate_indicators` adds them.
INDICATOR_COLUMNS: tuple[str, ...] = ("oi_change", "oi_gradient", "oi_short_sma", "oi_long_sma")


def centred_gradient(values: np.ndarray) -> np.ndarray:
    """``numpy.gradient`` along the bars (the first axis: one series, or series side by side), contracts per bar;
    fewer than two bars have gradient 0."""
    if len(values) < 2:
        return np.zeros(np.shape(values))
    return np.gradient(values, axis=0)


def window_input(values: np.ndarray) -> np.ndarray:
    """What pandas' rolling kernels read (as ``Series.rolling`` prepares it): ``values`` as float64 with
    infinities as NaN; the array itself when it is float64 and holds no infinity (one sum tells)."""
    data = values if values.dtype == np.float64 else values.astype(np.float64)
    with np.errstate(all="ignore"):
        if not np.isfinite(data.sum()):  # a finite sum: no infinity (and no NaN) anywhere
            infinite = np.isinf(data)
            if infinite.any():
                data = np.where(infinite, np.nan, data)
    return data


def _whole(windows: tuple) -> bool:
    """Whether every window is a whole number ≥ 1 (what the kernels are called with; else pandas decides)."""
    return all(isinstance(w, (int, np.integer)) and not isinstance(w, bool) and w >= 1 for w in windows)


def rolling_mean(values: pd.Series, window: int) -> np.ndarray:
    """Trailing mean over ``window`` bars, NaN until the window is full: ``values.rolling(window).mean()`` as
    a new array of the caller's own (pandas' algorithm, bit for bit; see :func:`rolling_means`)."""
    return rolling_means(values, window)[0]


def rolling_means(values: pd.Series, *windows: int) -> list[np.ndarray]:
    """:func:`rolling_mean` for each of ``windows``, reading the series once.

    What ``Series.rolling(window).mean()`` computes, called without its wrapper: the same Cython kernel on
    the same input (float64, infinities as NaN) and the same window bounds (trailing, clipped to the
    series), with ``min_periods`` = ``window``. The wrapper's bounds and result Series cost as much again
    as the kernel on a million bars; ``tests/test_indicators.py`` holds the two equal bit for bit. Anything
    else (not a Series of plain numbers, an extension dtype, a window that is not a whole number ≥ 1, another
    pandas than the pinned one) goes through pandas itself.
    """
    plain = values.to_numpy() if isinstance(values, pd.Series) else None
    if _roll_mean is None or plain is None or plain.dtype.kind not in "iuf" or not _whole(windows):
        return [values.rolling(window=window).mean().to_numpy().copy() for window in windows]
    windows = tuple(int(w) for w in windows)
    n = len(plain)
    if n == 0:
        return [plain.astype(np.float64) for _ in windows]
    data = window_input(plain)
    with np.errstate(all="ignore"):
        end = np.arange(1, n + 1, dtype=np.int64)  # already within [0, n]: pandas' clip leaves it as it is
        start = np.empty(n, dtype=np.int64)
        means = []
        for window in windows:
            np.subtract(end, window, out=start)
            np.maximum(start, 0, out=start)  # pandas' clip to [0, n] (end − window < n)
            means.append(_roll_mean(data, start, end, window))
        return means


def lagged_oi(open_interest: pd.Series, lag: int) -> pd.Series:
    """OI as known ``lag`` bars later (float contracts): bar i holds the figure of bar i − lag, NaN before."""
    oi = open_interest.astype(float)
    return oi.shift(lag) if lag else oi


def fill_warmup(values: np.ndarray, warmup: str) -> np.ndarray:
    """The article's 0 in place of undefined warm-up values (``"fill_zero"``), or NaN kept (``"skip"``).

    ``"fill_zero"`` returns a new array, ``numpy.nan_to_num(values, nan=0.0)``: NaN becomes 0 and an infinity
    the largest finite number of its sign."""
    if warmup != "fill_zero":
        return values
    values = np.asarray(values)
    if values.dtype.kind != "f":
        return np.nan_to_num(values, nan=0.0)
    return _zero_undefined(values.copy())


def _zero_undefined(values: np.ndarray) -> np.ndarray:
    """``numpy.nan_to_num(values, nan=0.0)`` written into ``values`` (a float array of the caller's own, of any
    shape: one market's column or many markets' columns side by side), in one pass that finds the few undefined
    bars instead of three over every bar."""
    undefined = ~np.isfinite(values)
    if undefined.any():
        values[undefined] = np.nan_to_num(values[undefined], nan=0.0)
    return values


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
    columns = momentum(oi.to_numpy(), gradient, gradient_window)  # new arrays, this function's own
    columns["oi_short_sma"], columns["oi_long_sma"] = rolling_means(oi, short_sma_window, long_sma_window)
    if warmup != "fill_zero":
        return columns
    return {name: _zero_undefined(column) for name, column in columns.items()}


def momentum(values: np.ndarray, gradient: str, gradient_window: int) -> dict[str, np.ndarray]:
    """``oi_change`` and ``oi_gradient`` (``gradient`` = "centred", "lagged" or "backward", as in
    :func:`oi_indicators`) of ``values`` along its first axis: one market's bars, or many markets' bars side by
    side (bars × markets), each column what it would be alone, bit for bit. New arrays, with NaN undefined."""
    if gradient in ("centred", "lagged"):
        centred = centred_gradient(values)
        if gradient == "centred":
            grad = centred
        else:
            grad = np.full(values.shape, np.nan)
            grad[1:] = centred[:-1]
    else:
        earlier = np.full(values.shape, np.nan)
        earlier[gradient_window:] = values[:-gradient_window]
        grad = (values - earlier) / gradient_window
    change = np.empty(values.shape)
    change[:1] = np.nan
    np.subtract(values[1:], values[:-1], out=change[1:])
    return {"oi_change": change, "oi_gradient": grad}


def rolling_mean_columns(values: np.ndarray, *windows: int) -> list[np.ndarray]:
    """:func:`rolling_means` of each column of a 2-D float array (bars × markets), bit for bit, in one pass.

    The columns are laid end to end and each window is clipped at its own column's first bar: pandas' kernel
    starts its sums afresh wherever a window does not overlap the one before, so each column is summed as if
    it were alone (``tests/test_indicators.py`` holds the two equal). Without the kernel, pandas' own
    ``DataFrame.rolling``, which runs column by column."""
    values = np.asarray(values, dtype=np.float64)
    n, k = values.shape
    if _roll_mean is None or not _whole(windows) or n == 0 or k == 0:
        frame = pd.DataFrame(values)
        return [frame.rolling(window=w).mean().to_numpy().copy() for w in windows]
    data = np.ascontiguousarray(window_input(np.ravel(values, order="F")))  # column after column
    end = np.arange(1, n * k + 1, dtype=np.int64)
    first = np.repeat(np.arange(k, dtype=np.int64) * n, n)  # each bar's column's first position
    start = np.empty(n * k, dtype=np.int64)
    means = []
    for window in (int(w) for w in windows):
        np.subtract(end, window, out=start)
        np.maximum(start, first, out=start)
        means.append(_roll_mean(data, start, end, window).reshape((n, k), order="F"))
    return means


def indicator_columns(values: np.ndarray, short_sma_window: int, long_sma_window: int, gradient_window: int, *,
                      warmup: str = "fill_zero", gradient: str = "centred") -> dict[str, np.ndarray]:
    """:func:`oi_indicators` (``lag=0``) of many OI series at once: ``values`` is bars × series (float
    contracts, already as known at each bar), each result column what ``oi_indicators`` gives that series."""
    values = np.asarray(values, dtype=np.float64)
    columns = momentum(values, gradient, gradient_window)
    columns["oi_short_sma"], columns["oi_long_sma"] = rolling_mean_columns(values, short_sma_window,
                                                                           long_sma_window)
    if warmup != "fill_zero":
        return columns
    return {name: _zero_undefined(column) for name, column in columns.items()}


__all__ = ["INDICATOR_COLUMNS", "centred_gradient", "fill_warmup", "indicator_columns", "lagged_oi", "momentum",
           "oi_indicators", "rolling_mean", "rolling_mean_columns", "rolling_means", "window_input"]
