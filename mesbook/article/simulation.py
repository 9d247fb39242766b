"""The article's trading simulation, vectorized.

One option at a time. On each bar, in this order:

1. an open option is closed on an opposing signal (a PUT on BUY, a CALL on SELL) or on the last bar,
   for P&L = intrinsic value × multiplier − premium (dollars);
2. if flat, not on the last bar, and cash ≥ premium: BUY opens an ATM call and SELL an ATM put at this
   bar's futures price, paying the premium in cash;
3. equity = cash + intrinsic value × multiplier of the open option (the article marks options at
   intrinsic value only).

Every trade therefore runs from one signal that changes direction to the next one, or to the end.
The simulation loops neither over bars nor over trades: the trades are the runs of
:func:`mesbook.core.trades.article_run` on plain arrays, shared with the engine's fast path.
:func:`run_article` is the article's whole script in one call (market → indicators → signals → this
simulation); :func:`trade_table` and :func:`entry_moneyness` read its trade log for chapter 5.
"""
from __future__ import annotations

from typing import Optional

import numpy as np
import pandas as pd

from ..constants import (
    FUTURES_MULTIPLIER,
    INITIAL_CASH,
    NUM_PERIODS,
    OI_GRADIENT_WINDOW,
    OI_LONG_SMA_WINDOW,
    OI_SHORT_SMA_WINDOW,
    OPTION_PREMIUM_FIXED,
    STRIKE_INTERVAL,
)
from ..core.market import validate_market_data
from ..core.signals import codes_from_labels
from ..core.trades import Terms, article_equity, article_run
from ..results import TRADE_COLUMNS, SimulationResult, count_signals
from ..validation import check_frame
from .indicators import calculate_indicators
from .market import ArticleSeed, simulate_market_data
from .signals import generate_signals


def run_trading_simulation(
    df: pd.DataFrame,
    initial_cash: float = INITIAL_CASH,
    premium: float = OPTION_PREMIUM_FIXED,
    multiplier: float = FUTURES_MULTIPLIER,
    strike_interval: float = STRIKE_INTERVAL,
) -> SimulationResult:
    """Replay the article's option-buying bot over a frame with ``futures_price`` and ``signal``.

    ``initial_cash`` and ``premium`` are dollars (the premium is per option, 12.5 = 2.5 points × $5);
    ``multiplier`` is dollars per index point; ``strike_interval`` is index points. Returns a
    :class:`~mesbook.results.SimulationResult`; the input frame is not modified.
    """
    terms = Terms(initial_cash, premium, multiplier, strike_interval)
    check_frame(df, positive=("futures_price",))
    if "signal" not in df.columns:
        raise ValueError("missing column 'signal'; run generate_signals(df) first")
    codes = codes_from_labels(df["signal"])
    price = df["futures_price"].to_numpy(dtype=float)
    times = pd.DatetimeIndex(df["timestamp"])

    run = article_run(price, codes, terms)
    equity = article_equity(run, price, terms)
    entries, exits = run.entries, run.exits
    trades = pd.DataFrame(
        {
            "entry_time": times[entries],
            "exit_time": times[exits],
            "entry_bar": entries,
            "exit_bar": exits,
            "option_type": np.where(run.signs > 0, "CALL", "PUT"),
            "strike": run.strikes,
            "entry_price": price[entries],
            "exit_price": price[exits],
            "premium": np.full(len(entries), terms.premium),
            "pnl": run.pnl,
        },
        columns=list(TRADE_COLUMNS),
    )
    return SimulationResult(
        final_value=float(equity[-1]),
        trades=trades,
        equity=pd.Series(equity, index=pd.Index(times, name="timestamp"), name="equity", copy=False),
        initial_cash=terms.initial_cash,
        signal_counts=count_signals(codes),
    )


def trade_table(result: SimulationResult) -> pd.DataFrame:
    """The trade log in a readable form: dates, option, prices and strike (points), P&L (dollars).

    "in the money at entry" is :func:`entry_moneyness` (points; negative: out of the money).
    """
    trades = result.trades
    return pd.DataFrame({
        "opened": pd.DatetimeIndex(trades["entry_time"]).strftime("%Y-%m-%d"),
        "closed": pd.DatetimeIndex(trades["exit_time"]).strftime("%Y-%m-%d"),
        "bars held": (trades["exit_bar"] - trades["entry_bar"]).to_numpy(),
        "option": trades["option_type"].to_numpy(),
        "price at entry": trades["entry_price"].round(2).to_numpy(),
        "strike": trades["strike"].to_numpy(),
        "in the money at entry": entry_moneyness(trades).round(2).to_numpy(),
        "price at exit": trades["exit_price"].round(2).to_numpy(),
        "P&L ($)": trades["pnl"].round(2).to_numpy(),
    }, index=pd.RangeIndex(1, len(trades) + 1, name="trade"))


def entry_moneyness(trades: pd.DataFrame) -> pd.Series:
    """How far each trade's option starts in the money, index points: sign × (entry price − strike).

    ``trades`` is a trade log (:attr:`SimulationResult.trades`). Positive: the option starts in the money
    by that many points and is worth it at once under the article's intrinsic-value rule; negative: it
    starts out of the money. With the article's nearest-strike rule the value lies within ± half the
    strike interval (± 2.5 points). The intrinsic value at entry is ``entry_moneyness(trades).clip(lower=0)``.
    """
    if not isinstance(trades, pd.DataFrame):
        raise TypeError(f"trades must be a trade log DataFrame (result.trades), got {type(trades).__name__}")
    missing = [c for c in ("option_type", "entry_price", "strike") if c not in trades.columns]
    if missing:
        raise ValueError(f"trades is missing column(s) {missing}; pass result.trades of run_trading_simulation")
    sign = np.where(trades["option_type"].to_numpy() == "CALL", 1.0, -1.0)
    moneyness = sign * (trades["entry_price"].to_numpy(dtype=float) - trades["strike"].to_numpy(dtype=float))
    return pd.Series(moneyness, index=trades.index, name="moneyness at entry (points)")


def run_article(
    data: Optional[pd.DataFrame] = None,
    *,
    num_periods: int = NUM_PERIODS,
    seed: ArticleSeed = None,
    short_sma_window: int = OI_SHORT_SMA_WINDOW,
    long_sma_window: int = OI_LONG_SMA_WINDOW,
    gradient_window: int = OI_GRADIENT_WINDOW,
    initial_cash: float = INITIAL_CASH,
    premium: float = OPTION_PREMIUM_FIXED,
    strike_interval: float = STRIKE_INTERVAL,
) -> tuple[pd.DataFrame, SimulationResult]:
    """Run the article's script end to end; return (frame with indicators and signals, result).

    The article's main block as one call: data → indicators → signals → :func:`run_trading_simulation`.
    With ``data=None`` the market is simulated (``num_periods`` bars, ``seed``); otherwise ``data`` is
    validated and used as is. ``premium`` and ``initial_cash`` are dollars; ``strike_interval`` is the
    strike grid in index points (the article's 5; a smaller one puts each strike nearer the entry price).
    """
    if data is None:
        data = simulate_market_data(num_periods, seed=seed)
    else:
        validate_market_data(data)
    frame = generate_signals(calculate_indicators(data, short_sma_window, long_sma_window, gradient_window))
    return frame, run_trading_simulation(frame, initial_cash=initial_cash, premium=premium,
                                         strike_interval=strike_interval)


__all__ = ["entry_moneyness", "run_article", "run_trading_simulation", "trade_table"]
