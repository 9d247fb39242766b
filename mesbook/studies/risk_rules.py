"""Risk rules measured: stops, take-profits, a drawdown switch and sizing, over many seeded markets.

Each rule of :data:`RISK_RULES` is a set of :class:`~mesbook.settings.BacktestSettings` fields added to
a base (``REALISTIC`` by default). :func:`risk_rules_table` runs the base and every rule on the same
markets of the realistic generator and reports what changes: the mean net P&L (dollars), the paired
change against the base, the worst market and the average maximum drawdown. A rule shapes the
distribution of outcomes; it does not make a strategy without an edge profitable.
"""
from __future__ import annotations

from typing import Mapping, Optional

import numpy as np
import pandas as pd

from ..engine.backtest import run_backtest
from ..parallel import task_seeds
from ..engine.settings import REALISTIC, BacktestSettings
from ..data.synthetic import GENERATORS, seeded_market
from ..validation import check_int

#: The rules compared in the book: a name and the settings it changes on top of the base.
RISK_RULES: dict[str, dict] = {
    "no rule": {},
    "stop-loss: option at half its price": {"stop_loss": 0.5},
    "take-profit: option at twice its price": {"take_profit": 1.0},
    "stop on the future: 50 points against": {"underlying_stop_points": 50.0},
    "drawdown switch: 2 % below the peak": {"max_drawdown": 0.02},
    "size: 1 % of equity per trade": {"equity_fraction": 0.01},
}

#: Columns of :func:`risk_rules_table`.
RISK_COLUMNS: tuple[str, ...] = ("mean net P&L ($)", "std error ($)", "change ($)", "change std error ($)",
                                 "worst market ($)", "mean max drawdown (%)", "mean trades")


def risk_rules_table(num_seeds: int = 50, num_periods: int = 500, seed: int = 7, *, base: BacktestSettings = REALISTIC,
                     rules: Optional[Mapping[str, Mapping]] = None, generator: str = "realistic") -> pd.DataFrame:
    """One row per rule: how it moves net P&L and drawdowns, over ``num_seeds`` seeded markets.

    Market ``i`` is :func:`mesbook.synthetic.seeded_market` of ``generator`` for child ``i`` of ``seed``.
    Columns: ``mean net P&L ($)`` and its ``std error ($)``; ``change ($)`` — mean paired difference
    from the first rule (the base) and its ``change std error ($)``; ``worst market ($)``;
    ``mean max drawdown (%)`` (negative, percent of the peak); ``mean trades``.
    """
    rules = dict(RISK_RULES if rules is None else rules)
    if not rules:
        raise ValueError("pass at least one rule, e.g. {'no rule': {}}")
    if not isinstance(base, BacktestSettings):
        raise TypeError(f"base must be a BacktestSettings (e.g. mesbook.REALISTIC), got {type(base).__name__}")
    if generator not in GENERATORS:
        raise ValueError(f"generator={generator!r} is not an option; choose one of {GENERATORS}")
    num_seeds = check_int("num_seeds", num_seeds, minimum=2)
    settings = {name: base.replace(**dict(changes)) for name, changes in rules.items()}
    pnl = np.empty((num_seeds, len(settings)))
    drawdown = np.empty_like(pnl)
    trades = np.empty_like(pnl)
    for i, child in enumerate(task_seeds(seed, num_seeds)):
        data = seeded_market(generator, check_int("num_periods", num_periods, minimum=2), child)
        for j, s in enumerate(settings.values()):
            result = run_backtest(data, s)
            pnl[i, j], trades[i, j] = result.net_pnl, len(result.trades)
            drawdown[i, j] = result.stats["Max. Drawdown [%]"]
    change = pnl - pnl[:, :1]
    root = np.sqrt(num_seeds)
    table = pd.DataFrame({
        "mean net P&L ($)": pnl.mean(axis=0), "std error ($)": pnl.std(axis=0, ddof=1) / root,
        "change ($)": change.mean(axis=0), "change std error ($)": change.std(axis=0, ddof=1) / root,
        "worst market ($)": pnl.min(axis=0), "mean max drawdown (%)": drawdown.mean(axis=0),
        "mean trades": trades.mean(axis=0),
    }, index=pd.Index(list(settings), name="rule"))
    return table[list(RISK_COLUMNS)].round(2)


__all__ = ["RISK_COLUMNS", "RISK_RULES", "risk_rules_table"]
