"""The article's trading rule: an OI moving-average crossover confirmed by OI momentum.

* BUY (buy an ATM call) when the short OI average crosses above the long one on this bar
  (short > long now, short ≤ long on the previous bar) and OI momentum is positive
  (``oi_change`` > 0 or ``oi_gradient`` > 0);
* SELL (buy an ATM put) on the mirror image: a cross below with negative momentum;
* HOLD otherwise, and always on bar 0, which has no previous bar.

The rule itself works on plain arrays (:func:`mesbook.core.signals.signal_codes`, shared with the
engine); :func:`generate_signals` is the article's function around it. :func:`crossings`,
:func:`signal_table`, :func:`signal_bars`, :func:`confirmed_by` and :func:`named_signals` read its result for chapters 3
and 4.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..core.indicators import INDICATOR_COLUMNS
from ..core.signals import labels_from_codes, signal_codes
from ..validation import check_frame
from .indicators import defined_from


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


def crossings(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Bars where the short OI average crosses above / below the long one, as the bot sees them.

    Uses the article's crossover test (:func:`mesbook.core.signals.signal_codes`) without the momentum
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


def confirmed_by(frame: pd.DataFrame) -> pd.Series:
    """For each bar with a BUY or SELL, which momentum condition agreed with its side: "both", "change" or
    "gradient" (the rule needs one of the two). A BUY needs the change or the gradient above zero, a SELL below.

    ``frame`` needs the indicator and ``signal`` columns; the result is indexed by ``bar``, like :func:`signal_bars`.
    A signal confirmed by the gradient alone is one the look-ahead made: the centred gradient reads the next bar.
    """
    acting = frame[frame["signal"].astype(str) != "HOLD"]
    side = np.where(acting["signal"].astype(str).to_numpy() == "BUY", 1.0, -1.0)
    change = np.sign(acting["oi_change"].to_numpy(dtype=float)) == side
    gradient = np.sign(acting["oi_gradient"].to_numpy(dtype=float)) == side
    return pd.Series(np.select([change & gradient, change], ["both", "change"], "gradient"),
                     index=pd.Index(acting.index, name="bar"), name="confirmed by")


def named_signals(frame: pd.DataFrame) -> pd.DataFrame:
    """The signals chapter 4's paragraphs name, one row each, with the columns of :func:`signal_bars`, ``bar`` and
    ``confirmed by`` (:func:`confirmed_by`). Rows, by name:

    * ``warm_first`` and ``warm_last``: the first and the last signal up to the bar where the long average appears
      (the zero fill's crossings);
    * ``change`` and ``gradient``: the first signal that the change alone, or the gradient alone, let through;
    * ``first_real``: the first signal after the bar where the long average appears.

    A row is left out when no signal fits it (a short market, another seed).
    """
    bars = signal_bars(frame).join(confirmed_by(frame))
    long_from = defined_from(frame["oi_long_sma"].to_numpy())
    warm, real = bars[bars.index <= long_from], bars[bars.index > long_from]
    picks = {"warm_first": warm.head(1), "warm_last": warm.tail(1), "first_real": real.head(1),
             "change": bars[bars["confirmed by"] == "change"].head(1),
             "gradient": bars[bars["confirmed by"] == "gradient"].head(1)}
    rows = [rows.reset_index().assign(name=name) for name, rows in picks.items() if len(rows)]
    if not rows:
        return bars.reset_index().iloc[:0].set_index(pd.Index([], name="name"))
    return pd.concat(rows).set_index("name")


__all__ = ["confirmed_by", "named_signals", "crossing_bars", "crossings", "generate_signals", "signal_bars", "signal_table"]
