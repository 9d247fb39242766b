"""The engine's risk and sizing rules: stops, take-profit, the drawdown switch and position size.

Each rule reads one :class:`~mesbook.engine.settings.BacktestSettings` field and is off when that field
is ``None``. :func:`mesbook.run_backtest` calls them for each trade (the rules watch one position at a
time; ``position="scale_in"`` refuses them): the exit rules on the closes strictly between a trade's
entry and its scheduled exit, the drawdown switch on the marked equity curve. Premiums and marks are
index points per option, cash and costs dollars.
"""
from __future__ import annotations

from typing import Optional

import numpy as np

from ..validation import MAX_INT
from .settings import BacktestSettings


def contracts_to_buy(s: BacktestSettings, equity: float, cost_per_contract: float, fee: float) -> int:
    """Contracts to buy: ``s.contracts``; or, with ``s.equity_fraction``, as many as that share of
    ``equity`` pays for at ``cost_per_contract + fee`` dollars each (the fixed count when that is free);
    capped, with ``s.max_premium_at_risk``, by that many dollars of premium (``cost_per_contract`` each).
    Always a whole number from 0 to :data:`mesbook.validation.MAX_INT` (an astronomically cheap option
    does not buy more)."""
    contracts = s.contracts
    if s.equity_fraction is not None and cost_per_contract + fee > 0:
        contracts = _whole(s.equity_fraction * equity, cost_per_contract + fee)
    if s.max_premium_at_risk is not None:
        contracts = min(contracts, _whole(s.max_premium_at_risk, cost_per_contract))
    return contracts


def _whole(money: float, price: float) -> int:
    """How many whole items at ``price`` (≥ 0) ``money`` buys, floor division, within [0, MAX_INT]; a
    free item: MAX_INT; undefined amounts (NaN): 0."""
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        count = np.floor_divide(money, price)
        if np.isnan(count):  # inf // x is NaN where inf / x is inf
            count = np.floor(np.divide(money, price))
    return int(min(max(count, 0.0), MAX_INT)) if count == count else 0


def first_trigger(
    s: BacktestSettings, marks: Optional[np.ndarray], paid: float, favourable_move: np.ndarray
) -> Optional[tuple[int, str]]:
    """First bar (offset into the trade's bars after entry) where an exit rule fires, and which rule.

    ``marks`` are the option's values at those bars and ``paid`` its price (points; ``marks`` may be
    ``None`` when no rule reads them); ``favourable_move`` is the futures move in the trade's favour
    since the fill (points). ``stop_loss`` fires at a mark ≤ (1 − stop_loss)·paid, ``take_profit`` at a
    mark ≥ (1 + take_profit)·paid, ``underlying_stop_points`` at a move ≤ −that many points. When two
    fire on the same bar the first name in alphabetical order wins. ``None`` if nothing fires.
    """
    rules = []
    if s.stop_loss is not None:
        rules.append((marks <= (1 - s.stop_loss) * paid, "stop_loss"))
    if s.take_profit is not None:
        rules.append((marks >= (1 + s.take_profit) * paid, "take_profit"))
    if s.underlying_stop_points is not None:
        rules.append((favourable_move <= -s.underlying_stop_points, "underlying_stop"))
    hits = [(int(np.argmax(mask)), name) for mask, name in rules if mask.any()]
    return min(hits) if hits else None


def drawdown_halted(s: BacktestSettings, peak: float | np.ndarray, equity: float | np.ndarray) -> bool | np.ndarray:
    """True where the drawdown switch trips: ``equity`` (dollars) is ``s.max_drawdown`` (a fraction) or
    more below its running ``peak`` (dollars), i.e. ``(peak − equity) / peak ≥ max_drawdown``. Never with
    ``max_drawdown=None`` or a peak ≤ 0. Scalars give a bool, arrays (aligned) a bool array.

    :func:`mesbook.run_backtest` applies it to the **marked** equity curve (``result.equity``: cash plus
    the open option at its mark, at every close) against that curve's running maximum. The switch
    **latches**: once it trips at a close, no trade opens at any later bar for the rest of the run; an
    option held at that close is kept until its own exit (signal, expiry, stop or the last bar).
    """
    peak_, equity_ = np.asarray(peak), np.asarray(equity)
    if s.max_drawdown is None:
        out = np.zeros(np.broadcast(peak_, equity_).shape, dtype=bool)
    else:
        out = (peak_ > 0) & (peak_ - equity_ >= s.max_drawdown * peak_)
    return bool(out) if out.ndim == 0 else out


__all__ = ["contracts_to_buy", "drawdown_halted", "first_trigger"]
