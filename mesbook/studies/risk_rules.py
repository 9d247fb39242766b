"""Risk rules measured: stops, take-profits, a drawdown switch and sizing, over many seeded markets.

Each rule of :data:`RISK_RULES` is a set of :class:`~mesbook.engine.settings.BacktestSettings` fields added to
a base (``REALISTIC`` by default). :func:`risk_rules_table` runs the base and every rule on the same
markets of the realistic generator and reports what changes: the mean net P&L (dollars), the paired
change against the base, the worst market and the average maximum drawdown. A rule shapes the
distribution of outcomes; it does not make a strategy without an edge profitable. The markets and the
paired statistics come from the kernel of :mod:`mesbook.studies.paired`.
"""
from __future__ import annotations

from typing import Any, Mapping, Optional

import pandas as pd

from ..data.synthetic import Sample
from ..engine.settings import REALISTIC, BacktestSettings, check_settings
from .keywords import workers_of
from .paired import paired_runs, paired_summary

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
                     rules: Optional[Mapping[str, Mapping]] = None, generator: str = "realistic",
                     **keywords: Any) -> pd.DataFrame:
    """One row per rule: how it moves net P&L and drawdowns, over ``num_seeds`` seeded markets.

    Market ``i`` is :func:`mesbook.data.synthetic.seeded_market` of ``generator`` for child ``i`` of
    ``seed`` (a :class:`~mesbook.data.synthetic.Sample`; ``keywords``, ``workers=`` or
    ``n_jobs``/``client``/``progress``, spread the markets over :func:`mesbook.studies.paired.paired_runs`).
    Columns: ``mean net P&L ($)`` and its ``std error ($)``; ``change ($)`` — mean paired difference
    from the first rule (the base) and its ``change std error ($)``; ``worst market ($)``;
    ``mean max drawdown (%)`` (negative, percent of the peak); ``mean trades``.
    """
    workers = workers_of(keywords, "risk_rules_table")
    rules = dict(RISK_RULES if rules is None else rules)
    if not rules:
        raise ValueError("pass at least one rule, e.g. {'no rule': {}}")
    check_settings(base, "base")
    settings = {name: base.replace(**dict(changes)) for name, changes in rules.items()}
    runs = paired_runs(settings, Sample(generator, num_seeds, num_periods, seed),
                       measures=("pnl", "trades", "max_drawdown"), workers=workers, desc="risk rules")
    summary = paired_summary(runs["pnl"], against="first")
    table = pd.DataFrame({
        "mean net P&L ($)": summary["mean"], "std error ($)": summary["std_error"],
        "change ($)": summary["change"], "change std error ($)": summary["change_std_error"],
        "worst market ($)": runs["pnl"].min(), "mean max drawdown (%)": runs["max_drawdown"].mean(),
        "mean trades": runs["trades"].mean(),
    })
    table.index = pd.Index(list(settings), name="rule")
    return table[list(RISK_COLUMNS)].round(2)


__all__ = ["RISK_COLUMNS", "RISK_RULES", "risk_rules_table"]
