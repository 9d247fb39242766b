"""The article's trading rule: an OI moving-average crossover confirmed by OI momentum.

* BUY (buy an ATM call) when the short OI average crosses above the long one on this bar
  (short > long now, short ≤ long on the previous bar) and OI momentum is positive
  (``oi_change`` > 0 or ``oi_gradient`` > 0);
* SELL (buy an ATM put) on the mirror image: a cross below with negative momentum;
* HOLD otherwise, and always on bar 0, which has no previous bar.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..constants import SIGNAL_LABELS
from .indicators import INDICATOR_COLUMNS, defined_from
from ..validation import check_frame

# Integer codes behind the signal labels: 0 HOLD, 1 BUY, 2 SELL (positions in SIGNAL_LABELS).
HOLD_CODE, BUY_CODE, SELL_CODE = 0, 1, 2


def signal_codes(short: np.ndarray, long: np.ndarray, change: np.ndarray, gradient: np.ndarray) -> np.ndarray:
    """Vectorized rule on plain arrays; returns int8 codes (0 HOLD, 1 BUY, 2 SELL)."""
    above, below = short > long, short < long
    was_at_or_below = np.r_[False, short[:-1] <= long[:-1]]
    was_at_or_above = np.r_[False, short[:-1] >= long[:-1]]
    buy = above & was_at_or_below & ((change > 0) | (gradient > 0))
    sell = below & was_at_or_above & ((change < 0) | (gradient < 0))
    codes = np.zeros(len(short), dtype=np.int8)
    codes[buy] = BUY_CODE
    codes[sell & ~buy] = SELL_CODE
    return codes


def labels_from_codes(codes: np.ndarray) -> pd.Categorical:
    """Turn signal codes into a categorical of "HOLD"/"BUY"/"SELL" strings."""
    return pd.Categorical.from_codes(codes, categories=list(SIGNAL_LABELS))


def generate_signals(df: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``df`` with a ``signal`` column of "BUY", "SELL" or "HOLD".

    ``df`` needs the columns made by :func:`calculate_indicators`. The column is a pandas categorical
    whose values are those three strings. The input is not modified.
    """
    check_frame(df, numeric=INDICATOR_COLUMNS, timestamp=False)
    columns = [df[c].to_numpy(dtype=float) for c in ("oi_short_sma", "oi_long_sma", "oi_change", "oi_gradient")]
    out = df.copy(deep=False)  # copy-on-write: adding columns never touches the caller's frame
    out["signal"] = labels_from_codes(signal_codes(*columns))
    return out


def delay_codes(codes: np.ndarray, delay: int) -> np.ndarray:
    """Codes acted on ``delay`` bars after they were decided (HOLD in front); ``delay=0`` returns ``codes``."""
    if not delay:
        return codes
    executed = np.zeros(len(codes), dtype=codes.dtype)
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


def crossings(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Bars where the short OI average crosses above / below the long one, as the bot sees them.

    Uses the article's crossover test (:func:`mesbook.signals.signal_codes`) without the momentum
    filter, on the zero-filled averages of ``frame``.
    """
    return crossing_bars(frame["oi_short_sma"].to_numpy(dtype=float), frame["oi_long_sma"].to_numpy(dtype=float))

def crossing_bars(short: np.ndarray, long: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`crossings` on plain arrays of the two (zero-filled) averages."""
    ones = np.ones(len(short))
    up = np.flatnonzero(signal_codes(short, long, ones, ones) == 1)
    down = np.flatnonzero(signal_codes(short, long, -ones, -ones) == 2)
    return up, down

def signal_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Crossings, how many of them the momentum filter lets through, and where they fall.

    ``frame`` needs the indicator and ``signal`` columns. Rows: crossings above (→ BUY) and below
    (→ SELL). Columns: crossings, signals kept, signals inside the warm-up (before the long average
    is defined + 1 bar, i.e. produced by the zero fill).
    """
    up, down = crossings(frame)
    signal = frame["signal"].astype(str).to_numpy()
    warm_end = defined_from(frame["oi_long_sma"].to_numpy())  # first bar with a real long average
    rows = []
    for name, bars, label in (("crosses above → BUY", up, "BUY"), ("crosses below → SELL", down, "SELL")):
        kept = np.flatnonzero(signal == label)
        rows.append({"rule": name, "crossings": len(bars), "signals": len(kept),
                     "filtered out by momentum": len(bars) - len(kept),
                     "signals from the warm-up": int((kept <= warm_end).sum())})
    return pd.DataFrame(rows).set_index("rule")

def signal_bars(frame: pd.DataFrame) -> pd.DataFrame:
    """The bars that carry a BUY or SELL: date, open interest, change and gradient (contracts), signal."""
    acting = frame[frame["signal"].astype(str) != "HOLD"]
    return pd.DataFrame({
        "date": pd.DatetimeIndex(acting["timestamp"]).strftime("%Y-%m-%d"),
        "open interest": acting["open_interest"].to_numpy(dtype=float).round(1),
        "change": acting["oi_change"].to_numpy(dtype=float).round(1),
        "gradient": acting["oi_gradient"].to_numpy(dtype=float).round(2),
        "signal": acting["signal"].astype(str).to_numpy(),
    }, index=pd.Index(acting.index, name="bar"))
