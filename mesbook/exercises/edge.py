"""Exercises of part 3, "Is there an edge?" (chapters 8-10), registered on import, on the chapters' samples.

The sizes are the book's (:mod:`mesbook.studies.samples`); the seed is the student's.
"""
from __future__ import annotations

from functools import lru_cache

import pandas as pd

from ..core.windows import Windows
from ..engine.settings import ARTICLE, REALISTIC, BacktestSettings
from ..studies.attribution import attribute_pnl
from ..studies.audit import article_signals, crossover_bars, lookahead_audit
from ..studies.ladder import ladder_runs, ladder_steps, summarize_ladder
from ..studies.montecarlo import monte_carlo_runs
from ..studies.samples import (
    LADDER, MONTE_CARLO, SWEEP_LONGS, SWEEP_SHORTS, WALK_FORWARD_BARS, WALK_FORWARD_FOLD, book_market as article_market,
)
from ..studies.sweep import sweep_rank, sweep_windows
from ..studies.walkforward import walk_forward
from .base import Question, book_market, realistic_market, register


#: The planted edges tried in chapter 9's exercise, per-bar Sharpe ratios.
COUPLING_STEPS: tuple[float, ...] = tuple(round(0.01 * k, 2) for k in range(1, 11))
#: The faster windows of chapter 9's ladder exercise (the chapter's ladders use the article's 10 and 30).
FAST_WINDOWS = Windows(5, 20)
#: The one rule changed in chapter 8's ranking exercise.
BACKWARD = ARTICLE.replace(gradient="backward")


@lru_cache(maxsize=8)
def _book_sweep(seed: int, settings: BacktestSettings = ARTICLE) -> pd.DataFrame:
    return sweep_windows(book_market(seed), SWEEP_SHORTS, SWEEP_LONGS, settings=settings, statistic="net_pnl")


@lru_cache(maxsize=8)
def _book_walk_forward(seed: int) -> pd.DataFrame:
    history = article_market(seed, WALK_FORWARD_BARS)
    return walk_forward(history, SWEEP_SHORTS, SWEEP_LONGS, train_bars=WALK_FORWARD_FOLD, test_bars=WALK_FORWARD_FOLD,
                        statistic="net_pnl")


def _small_edge_t(seed: int) -> float:
    """The t statistic of the chapter's smallest planted edge, on the chapter's Monte Carlo sample (realistic)."""
    sample = MONTE_CARLO.replace(seed=seed, generator="realistic", coupling=COUPLING_STEPS[0])
    return round(monte_carlo_runs(sample).t_statistic, 2)


def _random_sides_t(seed: int) -> float:
    return round(monte_carlo_runs(MONTE_CARLO.replace(seed=seed), random_types="random").t_statistic, 2)


def _costliest_change(seed: int) -> float:
    """The most negative paired change of the realism ladder (the chapter's sample, realistic generator) with
    :data:`FAST_WINDOWS`, dollars."""
    sample = LADDER.replace(seed=seed, generator="realistic")
    ladder = summarize_ladder(*ladder_runs(sample, windows=FAST_WINDOWS), ladder_steps())
    return float(ladder["change"].min())


def _constant_vol_vega(seed: int) -> float:
    return float(attribute_pnl(realistic_market(seed), REALISTIC.replace(volatility="constant")).totals()["vega"])


def _first_leak(seed: int, short: int, long: int) -> int:
    """First leaking bar after the bar on which the long average appears (``long - 1``); -1 if none."""
    data = book_market(seed)
    leaks = lookahead_audit(article_signals(short, long), data, crossover_bars(data, short, long), n_scrambles=10).leaks
    return int(next((bar for bar in leaks if bar > long - 1), -1))


register(
    # Chapter 8
    Question("ch8.article_rank", "Seed 7, the chapter's grid of windows, net P&L, but with the backward gradient "
             "(ARTICLE.replace(gradient='backward')): what rank does the article's pair 10 / 30 take (1 = best)?",
             lambda seed: sweep_rank(_book_sweep(seed, BACKWARD)), "int",
             "sweep_windows(data, samples.SWEEP_SHORTS, samples.SWEEP_LONGS, settings=...), then sweep_rank: the "
             "pairs whose net P&L is higher, plus 1.",
             "Far from the top this time: one rule changed, and the ranking of the same pairs on the same market "
             "moves. None of the pairs knew in advance which rules and which market it would face.",
             why_any_seed="Compare it with the rank under the article's centred gradient: one rule changed, and "
             "the ranking of the same pairs on the same market moves."),
    Question("ch8.beat_median", "In the chapter's walk-forward (2,000 bars, folds of 200 + 200), how many dollars more "
             "than the median pair does the chosen pair earn out of sample, added up over the folds?",
             lambda seed: float((_book_walk_forward(seed)["out_of_sample"] - _book_walk_forward(seed)["test_median"]).sum()),
             "float",
             "Subtract the column test_median from out_of_sample in the walk_forward table and add up the differences "
             "(a negative total: the chosen pair earned less).",
             "Close to nothing, or less: the pair that was best in the past does no better than a typical pair in the "
             "future.", tolerance=0.01, unit="dollars"),
    # Chapter 9
    Question("ch9.small_edge", "With 400 paths (seed 7) on the realistic generator and the chapter's smallest "
             "coupling, 0.01, what t statistic does the test report? Give two decimals.", _small_edge_t, "float",
             "monte_carlo(400, seed=MARKET_SEED, coupling=0.01, generator='realistic').t_statistic",
             "Below 2, so p is above 0.05: on this market 400 paths can't tell a per-bar Sharpe ratio of 0.01 from "
             "luck, while 0.02 shows clearly.", tolerance=0.005,
             why_any_seed="A per-bar Sharpe ratio of 0.01 sits at the edge of what 400 paths can see: on some "
             "markets the t statistic passes 2, on others it stays below."),
    Question("ch9.random_sides", "Article generator, 400 paths, seed 7, but random entries that pick call or put "
             "by a coin (random_types='random'). What is the t statistic, to two decimals?", _random_sides_t, "float",
             "monte_carlo(400, seed=MARKET_SEED, random_types='random').t_statistic",
             "Large, and still no information in the signals: OI drifts up, so the strategy holds calls longer "
             "than puts, and on a price that drifts up that alone beats a coin. A fair benchmark keeps the "
             "strategy's option types.", tolerance=0.005),
    Question("ch9.costliest_rung", "On the realistic generator (40 seeds, seed 7), with faster windows of 5 and 20 "
             "bars, the rung of the realism ladder that lowers the mean net P&L the most: by how many dollars does "
             "it change it (the table's change, a negative number)?", _costliest_change, "float",
             "realism_ladder(40, seed=MARKET_SEED, generator='realistic', short_sma_window=5, long_sma_window=20), "
             "column change: its most negative value.",
             "Pricing the option with the market's own volatility, and it takes more than with the article's "
             "windows: faster windows trade more often, and every trade at a fixed 2.5 points was a gift.",
             tolerance=0.01, unit="dollars",
             why_any_seed="The rung with the most negative change costs the most; on the book's market it is pricing "
             "the option with the market's own volatility, with these windows as with the article's."),
    # Chapter 10
    Question("ch10.constant_vol", "Attribute the REALISTIC run on the realistic seed-7 market again, but with "
             "volatility='constant'. What is the total vega P&L in dollars?", _constant_vol_vega, "float",
             "REALISTIC.replace(volatility='constant') in attribute_pnl, then .totals()['vega'].",
             "Zero: vega pays for changes of the volatility fed to the model, and a constant never changes.",
             tolerance=0.005, unit="dollars", repeats=True),
    Question("ch10.first_leak", "Audit the article's signals on the book's market with windows 5 and 20 (cut points "
             "at their crossovers, 10 scrambles). At which bar is the first leak after bar 19, where the long average "
             "appears? (-1 if there is none.)", lambda seed: _first_leak(seed, 5, 20), "int",
             "lookahead_audit(article_signals(5, 20), data, crossover_bars(data, 5, 20), n_scrambles=10).leaks, "
             "then the first bar above 19: the earlier ones come from the zero-filled warm-up.",
             "Other windows, other crossings, same flaw: wherever the change alone does not confirm the cross, the "
             "centred gradient decides with the next bar's figure."),
)


__all__ = [
    "COUPLING_STEPS",
    "FAST_WINDOWS",
]
