"""One option at a time, on plain arrays: the article's trade runs, what the account can pay for, the equity curve.

The article's bot holds at most one option: a trade opens on every BUY/SELL that differs from the last
one before it and closes where the next one opens, or on the last bar. :func:`article_run` turns signal
codes and prices into those trades (an :class:`ArrayRun`) under the trading :class:`Terms` (cash,
premium, dollars per point, strike grid), :func:`article_equity` into the account value per bar. The
article's :func:`mesbook.run_trading_simulation` and the engine's fast path (:mod:`mesbook.engine.fastpath`)
both run on them; :func:`equity_curve` is the engine's too. The arrays are not validated here (callers
check them once at the boundary); the terms are, when they are made. Money in dollars, prices in index
points.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..constants import FUTURES_MULTIPLIER, INITIAL_CASH, OPTION_PREMIUM_FIXED, STRIKE_INTERVAL
from ..validation import check_number
from .contract import intrinsic_value, nearest_strike


@dataclass(frozen=True)
class Terms:
    """The article's trading terms: the account's ``initial_cash`` and the ``premium`` of one option
    (dollars), the ``multiplier`` (dollars per index point) and the ``strike_interval`` (index points
    between listed strikes). The defaults are the article's; checked when made (cash and premium ≥ 0,
    multiplier and interval > 0), so a ``ValueError`` names the field."""

    initial_cash: float = INITIAL_CASH
    premium: float = OPTION_PREMIUM_FIXED
    multiplier: float = FUTURES_MULTIPLIER
    strike_interval: float = STRIKE_INTERVAL

    def __post_init__(self) -> None:
        for name, strict in (("initial_cash", False), ("premium", False), ("multiplier", True),
                             ("strike_interval", True)):
            object.__setattr__(self, name, check_number(name, getattr(self, name), strict=strict))


#: The article's terms: $100,000, a $12.50 premium, $5 a point, strikes every 5 points.
ARTICLE_TERMS = Terms()

_DIRECTION = np.array([0, 1, -1], dtype=np.int8)  # signal code -> +1 call, -1 put, 0 none


def position_runs(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Entry bars, exit bars and option signs (+1 call, −1 put) of the article's trades, ignoring cash.

    A trade opens on every BUY/SELL that differs from the last BUY/SELL before it (never on the last
    bar) and closes where the next one opens, or on the last bar.
    """
    n = len(codes)
    candidates = np.flatnonzero(codes[: n - 1])  # BUY or SELL (codes 1, 2), never on the last bar
    signs = _DIRECTION[codes[candidates]]
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


def article_run(price: np.ndarray, codes: np.ndarray, terms: Terms = ARTICLE_TERMS) -> ArrayRun:
    """The article's trades for signal ``codes`` executed at ``price`` (index points) under ``terms``:
    ATM options at the terms' premium, only those the account can pay for."""
    entries, exits, signs = position_runs(codes)
    strikes = nearest_strike(price[entries], terms.strike_interval)
    pnl = intrinsic_value(signs, price[exits], strikes) * terms.multiplier - terms.premium
    keep = affordable_trades(pnl, terms.initial_cash, terms.premium)
    return ArrayRun(entries[:keep], exits[:keep], signs[:keep], strikes[:keep], pnl[:keep])


def article_equity(run: ArrayRun, price: np.ndarray, terms: Terms = ARTICLE_TERMS) -> np.ndarray:
    """Account value per bar (dollars) of an :class:`ArrayRun`: cash plus the open option at intrinsic value.

    The same sums as :func:`equity_curve` over :func:`open_trade_index` and :func:`intrinsic_value`, bit for
    bit, built trade by trade instead of bar by bar: the article's trades are back to back, so the open
    trade's strike and side are its own values repeated over the bars it is held, and the realized P&L is
    one level per stretch between exits. Two arrays as long as the data are written, instead of a dozen.
    """
    n = len(price)
    if not len(run.entries):
        return equity_curve(run.exits, run.pnl, np.zeros(n), terms.initial_cash)
    # realized: initial cash + the P&L of every trade closed so far (the running sum, from 0.0, over exits)
    levels = np.cumsum(np.r_[0.0, run.pnl])
    np.add(terms.initial_cash, levels, out=levels)
    equity = np.repeat(levels, np.diff(np.r_[0, run.exits, n]))
    # unrealized, on the bars an option is held: max(0, sign × (F − K)) × multiplier − premium
    span = slice(run.entries[0], run.exits[-1])
    held = np.diff(np.r_[run.entries, run.exits[-1]])
    value = np.repeat(run.strikes, held)
    np.subtract(price[span], value, out=value)  # F − K, written over K
    np.negative(value, out=value, where=np.repeat(run.signs < 0, held))  # (−1) × x, exactly
    np.maximum(0.0, value, out=value)
    value *= terms.multiplier
    value -= terms.premium
    equity[span] += value
    return equity


__all__ = ["ARTICLE_TERMS", "ArrayRun", "Terms", "affordable_trades", "article_equity", "article_run", "equity_curve", "open_trade_index",
           "position_runs"]
