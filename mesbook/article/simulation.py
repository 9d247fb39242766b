"""The article's trading simulation, vectorized.

One option at a time. On each bar, in this order:

1. an open option is closed on an opposing signal (a PUT on BUY, a CALL on SELL) or on the last bar,
   for P&L = intrinsic value × multiplier − premium (dollars);
2. if flat, not on the last bar, and cash ≥ premium: BUY opens an ATM call and SELL an ATM put at this
   bar's futures price, paying the premium in cash;
3. equity = cash + intrinsic value × multiplier of the open option (the article marks options at
   intrinsic value only).

Every trade therefore runs from one signal that changes direction to the next one, or to the end.
The simulation loops neither over bars nor over trades. :func:`run_article` is the article's whole
script in one call (market → indicators → signals → this simulation).
"""
from __future__ import annotations

from dataclasses import dataclass
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
from .contract import get_atm_strike, intrinsic_value
from .indicators import calculate_indicators
from .market import SeedLike, simulate_market_data, validate_market_data
from ..results import TRADE_COLUMNS, SimulationResult, count_signals
from .signals import codes_from_labels, generate_signals
from ..validation import check_frame, check_number

_DIRECTION = np.array([0, 1, -1], dtype=np.int8)  # signal code -> +1 call, -1 put, 0 none


def position_runs(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Entry bars, exit bars and option signs (+1 call, −1 put) of the article's trades, ignoring cash.

    A trade opens on every BUY/SELL that differs from the last BUY/SELL before it (never on the last
    bar) and closes where the next one opens, or on the last bar.
    """
    n = len(codes)
    direction = _DIRECTION[codes]
    candidates = np.flatnonzero(direction[: n - 1] != 0)
    signs = direction[candidates]
    changes = np.r_[True, signs[1:] != signs[:-1]] if len(signs) else np.zeros(0, dtype=bool)
    entries = candidates[changes]
    exits = np.r_[entries[1:], n - 1].astype(np.int64) if len(entries) else np.zeros(0, dtype=np.int64)
    return entries, exits, signs[changes].astype(np.int64)


def affordable_trades(pnl: np.ndarray, initial_cash: float, premium: float) -> int:
    """How many leading trades the account can pay for.

    Cash before trade k is ``initial_cash`` plus the P&L of trades 0..k−1; once it is below the premium
    the bot is flat and its cash never changes again, so every later trade is skipped too.
    """
    cash_before = initial_cash + np.r_[0.0, np.cumsum(pnl[:-1])] if len(pnl) else np.zeros(0)
    short = np.flatnonzero(cash_before < premium)
    return int(short[0]) if len(short) else len(pnl)


def equity_curve(exits: np.ndarray, pnl: np.ndarray, unrealized: np.ndarray, initial_cash: float) -> np.ndarray:
    """Account value per bar, dollars: initial cash + P&L realized so far + ``unrealized``.

    ``pnl`` is each trade's realized P&L, booked on its exit bar; ``unrealized`` is, per bar, the open
    trade's value minus what was paid for it (0 when flat).
    """
    realized = np.zeros(len(unrealized))
    np.add.at(realized, exits, pnl)  # several trades may close on one bar (position="scale_in")
    return initial_cash + np.cumsum(realized) + unrealized


def open_trade_index(n: int, entries: np.ndarray, exits: np.ndarray) -> np.ndarray:
    """For each bar, the index of the trade open at its close, or −1 when flat.

    The article's trades are back to back (one closes on the bar the next opens), so the bot holds an
    option on every bar from the first entry up to, not including, the last exit.
    """
    holding = np.full(n, -1, dtype=np.int64)
    if len(entries):
        marks = np.zeros(n, dtype=np.int64)
        marks[entries] = 1
        span = slice(entries[0], exits[-1])
        holding[span] = np.cumsum(marks[span]) - 1
    return holding


@dataclass(frozen=True)
class ArrayRun:
    """The article's trades on one price series: entry and exit bars, option signs (+1 call, −1 put),
    strikes (points) and P&L per trade (dollars) — only the trades the account could pay for."""

    entries: np.ndarray
    exits: np.ndarray
    signs: np.ndarray
    strikes: np.ndarray
    pnl: np.ndarray


def article_run(
    price: np.ndarray,
    codes: np.ndarray,
    *,
    initial_cash: float = INITIAL_CASH,
    premium: float = OPTION_PREMIUM_FIXED,
    multiplier: float = FUTURES_MULTIPLIER,
    strike_interval: float = STRIKE_INTERVAL,
) -> ArrayRun:
    """The article's trades for signal ``codes`` executed at ``price`` (index points), on plain arrays.

    ``premium`` is dollars per option. No validation: callers check their inputs once at the boundary.
    """
    entries, exits, signs = position_runs(codes)
    strikes = get_atm_strike(price[entries], strike_interval)
    pnl = intrinsic_value(signs, price[exits], strikes) * multiplier - premium
    keep = affordable_trades(pnl, initial_cash, premium)
    return ArrayRun(entries[:keep], exits[:keep], signs[:keep], strikes[:keep], pnl[:keep])


def article_equity(
    run: ArrayRun,
    price: np.ndarray,
    *,
    initial_cash: float = INITIAL_CASH,
    premium: float = OPTION_PREMIUM_FIXED,
    multiplier: float = FUTURES_MULTIPLIER,
) -> np.ndarray:
    """Account value per bar (dollars) of an :class:`ArrayRun`: cash plus the open option at intrinsic value."""
    n = len(price)
    unrealized = np.zeros(n)
    if len(run.entries):
        span = slice(run.entries[0], run.exits[-1])
        k = open_trade_index(n, run.entries, run.exits)[span]
        unrealized[span] = intrinsic_value(run.signs[k], price[span], run.strikes[k]) * multiplier - premium
    return equity_curve(run.exits, run.pnl, unrealized, initial_cash)


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
    initial_cash = check_number("initial_cash", initial_cash)
    premium = check_number("premium", premium)
    multiplier = check_number("multiplier", multiplier, strict=True)
    check_frame(df, positive=("futures_price",))
    if "signal" not in df.columns:
        raise ValueError("missing column 'signal'; run generate_signals(df) first")
    codes = codes_from_labels(df["signal"])
    price = df["futures_price"].to_numpy(dtype=float)
    times = pd.DatetimeIndex(df["timestamp"])

    run = article_run(price, codes, initial_cash=initial_cash, premium=premium, multiplier=multiplier,
                      strike_interval=strike_interval)
    equity = article_equity(run, price, initial_cash=initial_cash, premium=premium, multiplier=multiplier)
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
            "premium": np.full(len(entries), premium),
            "pnl": run.pnl,
        },
        columns=list(TRADE_COLUMNS),
    )
    return SimulationResult(
        final_value=float(equity[-1]),
        trades=trades,
        equity=pd.Series(equity, index=pd.Index(times, name="timestamp"), name="equity"),
        initial_cash=initial_cash,
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
    seed: SeedLike = None,
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
