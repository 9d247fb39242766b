"""A straightforward per-bar implementation of the article's pipeline.

Written the way the article's script works (Python loops over bars with ``.iloc``), from its description,
so that it can serve twice: as the baseline the benchmarks measure mesbook against, and as the oracle
the tests compare mesbook with. Deliberately slow; do not use it for anything else.
"""
from __future__ import annotations

import numpy as np
import pandas as pd


def loop_indicators(df: pd.DataFrame, short: int, long: int) -> pd.DataFrame:
    frame = df.copy()
    oi = frame["open_interest"]
    frame["oi_change"] = oi.diff()
    frame["oi_gradient"] = np.gradient(oi.to_numpy()) if len(frame) > 1 else 0.0
    frame["oi_short_sma"] = oi.rolling(window=short).mean()
    frame["oi_long_sma"] = oi.rolling(window=long).mean()
    indicator_columns = ["oi_change", "oi_gradient", "oi_short_sma", "oi_long_sma"]
    frame[indicator_columns] = frame[indicator_columns].fillna(0)
    return frame


def loop_signals(df: pd.DataFrame) -> pd.DataFrame:
    frame = df.copy()
    labels = ["HOLD"] * len(frame)
    for i in range(1, len(frame)):
        s_now, l_now = frame["oi_short_sma"].iloc[i], frame["oi_long_sma"].iloc[i]
        s_prev, l_prev = frame["oi_short_sma"].iloc[i - 1], frame["oi_long_sma"].iloc[i - 1]
        change, grad = frame["oi_change"].iloc[i], frame["oi_gradient"].iloc[i]
        crossed_up = s_now > l_now and s_prev <= l_prev
        crossed_down = s_now < l_now and s_prev >= l_prev
        if crossed_up and (change > 0 or grad > 0):
            labels[i] = "BUY"
        elif crossed_down and (change < 0 or grad < 0):
            labels[i] = "SELL"
    frame["signal"] = labels
    return frame


def loop_simulation(
    df: pd.DataFrame,
    initial_cash: float = 100_000,
    premium: float = 12.5,
    multiplier: float = 5,
    strike_interval: float = 5,
) -> tuple[float, list[dict], list[float]]:
    """Return (final value, list of round trips, equity per bar)."""
    cash = initial_cash
    position = None
    trades: list[dict] = []
    equity: list[float] = []
    last = len(df) - 1
    for i in range(len(df)):
        price = df["futures_price"].iloc[i]
        signal = df["signal"].iloc[i]
        if position is not None:
            opposing = (position["type"] == "CALL" and signal == "SELL") or (
                position["type"] == "PUT" and signal == "BUY"
            )
            if opposing or i == last:
                if position["type"] == "CALL":
                    value = max(0.0, price - position["strike"])
                else:
                    value = max(0.0, position["strike"] - price)
                cash += value * multiplier
                trades.append(
                    {
                        "entry_bar": position["bar"],
                        "exit_bar": i,
                        "option_type": position["type"],
                        "strike": position["strike"],
                        "pnl": value * multiplier - premium,
                    }
                )
                position = None
        if position is None and i != last and signal in ("BUY", "SELL") and cash >= premium:
            strike = round(price / strike_interval) * strike_interval
            cash -= premium
            position = {"type": "CALL" if signal == "BUY" else "PUT", "strike": strike, "bar": i}
        if position is not None:
            sign = 1 if position["type"] == "CALL" else -1
            equity.append(cash + max(0.0, sign * (price - position["strike"])) * multiplier)
        else:
            equity.append(cash)
    return cash, trades, equity
