"""The crossover rule on plain arrays, and the signal codes every layer trades on.

Codes are int8: 0 HOLD, 1 BUY, 2 SELL (positions in :data:`mesbook.constants.SIGNAL_LABELS`).
:func:`signal_codes` is the article's rule on the four indicator arrays: BUY when the short OI average
crosses above the long one with positive OI momentum (change or gradient), SELL on the mirror image,
HOLD otherwise and always on bar 0. The article's :func:`mesbook.generate_signals` labels its result;
the engine's signal path (:mod:`mesbook.engine.decisions`) uses it under settings.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..constants import SIGNAL_LABELS

# Integer codes behind the signal labels: 0 HOLD, 1 BUY, 2 SELL (positions in SIGNAL_LABELS).
HOLD_CODE, BUY_CODE, SELL_CODE = 0, 1, 2
_LABELS = pd.CategoricalDtype(list(SIGNAL_LABELS))


def signal_codes(short: np.ndarray, long: np.ndarray, change: np.ndarray, gradient: np.ndarray) -> np.ndarray:
    """Vectorized rule on plain arrays; returns int8 codes (0 HOLD, 1 BUY, 2 SELL)."""
    n = len(short)
    buy, sell = np.greater(short, long), np.less(short, long)  # crossed above / below on this bar...
    if n:
        buy[0] = sell[0] = False  # ...and bar 0 has no previous bar
        buy[1:] &= np.less_equal(short[:-1], long[:-1])  # was at or below on the previous bar
        sell[1:] &= np.greater_equal(short[:-1], long[:-1])  # was at or above
    buy &= np.greater(change, 0) | np.greater(gradient, 0)
    sell &= np.less(change, 0) | np.less(gradient, 0)
    # short > long and short < long exclude each other, so a bar is never both: 1 BUY, 2 SELL, else 0
    codes = buy.view(np.int8)
    codes += sell.view(np.int8) << 1
    return codes


def labels_from_codes(codes: np.ndarray) -> pd.Categorical:
    """Turn signal codes into a categorical of "HOLD"/"BUY"/"SELL" strings."""
    return pd.Categorical.from_codes(codes, dtype=_LABELS)


def delay_codes(codes: np.ndarray, delay: int) -> np.ndarray:
    """Codes acted on ``delay`` bars after they were decided (HOLD in front); ``delay=0`` returns ``codes``. Bars run
    down the first axis (a 2-D array is one series per column)."""
    if not delay:
        return codes
    executed = np.zeros(codes.shape, dtype=codes.dtype)  # bars down: one series, or one column per series
    if delay < len(codes):
        executed[delay:] = codes[: len(codes) - delay]
    return executed


def codes_from_labels(signal: pd.Series) -> np.ndarray:
    """Map a ``signal`` column (strings or categorical) back to int8 codes, rejecting unknown labels."""
    if isinstance(signal.dtype, pd.CategoricalDtype) and list(signal.cat.categories) == list(SIGNAL_LABELS):
        codes = signal.cat.codes.to_numpy()
        if (codes < 0).any():
            raise ValueError("column 'signal' has missing values; every bar needs BUY, SELL or HOLD")
        return codes.astype(np.int8)
    values = signal.to_numpy(dtype=object)
    codes = np.full(len(values), -1, dtype=np.int8)
    for code, label in enumerate(SIGNAL_LABELS):
        codes[values == label] = code
    if (codes < 0).any():
        row = int(np.flatnonzero(codes < 0)[0])
        raise ValueError(
            f"column 'signal' has {values[row]!r} at row {row}; allowed values are {', '.join(SIGNAL_LABELS)}"
        )
    return codes


__all__ = ["BUY_CODE", "HOLD_CODE", "SELL_CODE", "codes_from_labels", "delay_codes", "labels_from_codes",
           "signal_codes"]
