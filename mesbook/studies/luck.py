"""Many seeded markets, one number each: how much of a result is luck.

:func:`seed_sweep` runs the article's bot once per seed (chapter 5's :data:`~mesbook.studies.samples.SEED_SWEEP`
by default), optionally with coin-flip sides; :func:`sweep_summary` reduces one or more sweeps to a few
numbers (runs, share profitable, median, worst and best net P&L in dollars); :func:`paired_difference`
asks whether two sweeps differ by more than luck (:mod:`mesbook.estimates`); :func:`best_pairs` finds the
best window pair of each seeded market on the chapter 8 grid (:data:`mesbook.studies.samples.SWEEP_SHORTS`
× :data:`~mesbook.studies.samples.SWEEP_LONGS`); :func:`fair_breakeven_days` says why the article's options are
cheap: how long an at-the-money option must be held, on average, to pay its fixed premium back.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Optional

import numpy as np
import pandas as pd

from ..constants import (FUTURES_MULTIPLIER, INITIAL_CASH, NUM_PERIODS, OI_GRADIENT_WINDOW, OI_LONG_SMA_WINDOW,
                         OI_SHORT_SMA_WINDOW, OPTION_PREMIUM_FIXED, STRIKE_INTERVAL)
from ..core.indicators import indicator_columns
from ..core.market import ARTICLE_PRICE_VOLATILITY, article_walks
from ..core.signals import BUY_CODE, HOLD_CODE, SELL_CODE, signal_codes
from ..core.trades import Terms, article_equity, article_run
from ..estimates import estimate, one_sided_t_test
from ..validation import check_int, check_windows
from .memo import Memo
from .samples import BEST_PAIRS_SEEDS, SEED_SWEEP, SWEEP_LONGS, SWEEP_SHORTS, book_market
from .sweep import STATISTIC_NAMES, sweep_rank, sweep_windows


def seed_sweep(seeds: Iterable[int] = SEED_SWEEP, *, coin_flip: bool = False, **article_kwargs) -> pd.DataFrame:
    """Run the article's bot once per seed; one row per seed with its summary numbers.

    ``article_kwargs`` are :func:`mesbook.run_article`'s keywords but ``data`` and ``seed`` (the bars, the
    windows, premium, cash, strike grid). With
    ``coin_flip=True`` every BUY/SELL label is replaced by a fair coin (seeded by the seed + 1,000,000),
    keeping the bars on which the bot acts: a bot that ignores open interest when it picks a side.
    Columns: final value and net P&L (dollars), trades, win rate (%), how many trades started in the money
    (the strike is the nearest grid strike, so up to half a strike interval in the money) and the sum of
    their intrinsic values at entry (dollars, at the article's $5 a point), the bars all trades were held, and
    ``call bars − put bars``: how many more bars the run held a call than a put.

    Each row is what ``run_article(seed=s, **article_kwargs)`` gives, computed on arrays: every seed's open
    interest goes through the indicators as one 2-D array, and the markets with their signals are kept per
    process for the same seeds, bars and windows, so sweeps that differ only in the trading terms (premium,
    cash, strike grid, coin-flip sides) share them. A sweep is computed once per process for the same seeds
    and arguments (a chapter, its canonical numbers and its self-check ask for the same sweep): each call
    returns its own copy.
    """
    seeds = tuple(int(seed) for seed in seeds)
    stray = sorted(set(article_kwargs) - set(_ARTICLE_KEYWORDS))
    if stray:
        raise TypeError(f"seed_sweep got {stray}; it takes run_article's keywords {list(_ARTICLE_KEYWORDS)} "
                        "(each seed makes its own market)")
    # Each keyword's type is part of the key, so that premium=25 and premium=25.0 are not taken for each other.
    key = (seeds, coin_flip, tuple(sorted((k, type(v), v) for k, v in article_kwargs.items())))
    return _SWEEPS.get(key, lambda: _seed_sweep(seeds, coin_flip, article_kwargs)).copy()


#: The keywords of :func:`mesbook.run_article` a sweep passes on, with their defaults.
_ARTICLE_KEYWORDS: dict[str, object] = {
    "num_periods": NUM_PERIODS, "short_sma_window": OI_SHORT_SMA_WINDOW, "long_sma_window": OI_LONG_SMA_WINDOW,
    "gradient_window": OI_GRADIENT_WINDOW, "initial_cash": INITIAL_CASH, "premium": OPTION_PREMIUM_FIXED,
    "strike_interval": STRIKE_INTERVAL}
#: Sweeps by (seeds, coin_flip, keywords with their types).
_SWEEPS = Memo()
#: The seeds' markets and signals by (seeds, bars, windows): what sweeps with other terms share.
_MARKETS = Memo(size=4)


def _seed_sweep(seeds: tuple[int, ...], coin_flip: bool, article_kwargs: dict) -> pd.DataFrame:
    given = {**_ARTICLE_KEYWORDS, **article_kwargs}
    num_periods = check_int("num_periods", given["num_periods"])
    windows = check_windows(given["short_sma_window"], given["long_sma_window"], given["gradient_window"])
    terms = Terms(given["initial_cash"], given["premium"], FUTURES_MULTIPLIER, given["strike_interval"])
    prices, codes = _MARKETS.get((seeds, num_periods, windows), lambda: _article_signals(seeds, num_periods, windows))
    rows = []
    for seed, price, signal in zip(seeds, prices.T, codes.T):
        if coin_flip:
            acting = signal != HOLD_CODE
            coins = np.random.default_rng(seed + 1_000_000).integers(0, 2, acting.sum())
            signal = signal.copy()
            signal[acting] = np.where(coins == 1, BUY_CODE, SELL_CODE)
        run = article_run(price, signal, terms)
        final_value = float(article_equity(run, price, terms)[-1])
        moneyness = np.where(run.signs > 0, 1.0, -1.0) * (price[run.entries] - run.strikes)
        held, calls = run.exits - run.entries, run.signs > 0
        trades = len(run.pnl)
        rows.append({"seed": seed, "final value ($)": final_value, "net P&L ($)": final_value - terms.initial_cash,
                     "trades": trades, "win rate (%)": 100 * (int((run.pnl > 0).sum()) / trades if trades else 0.0),
                     "in the money at entry": int((moneyness > 0).sum()),
                     "intrinsic at entry ($)": float(FUTURES_MULTIPLIER * moneyness.clip(min=0).sum()),
                     "bars held": int(held.sum()), "call bars − put bars": int(held[calls].sum() - held[~calls].sum())})
    return pd.DataFrame(rows).set_index("seed")


def _article_signals(seeds: tuple[int, ...], num_periods: int, windows: tuple[int, int, int]
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Each seed's article market (``simulate_market_data(num_periods, seed=s)``) and its signal codes, one
    column per seed: the indicators of every market at once (:func:`~mesbook.core.indicators.indicator_columns`,
    each column the one-market result to the bit)."""
    walks = [article_walks(np.random.default_rng(seed).normal, num_periods) for seed in seeds]
    prices = np.column_stack([price for price, _ in walks]) if walks else np.zeros((num_periods, 0))
    oi = np.column_stack([oi for _, oi in walks]) if walks else np.zeros((num_periods, 0))
    columns = indicator_columns(oi, *windows)
    codes = signal_codes(columns["oi_short_sma"], columns["oi_long_sma"], columns["oi_change"], columns["oi_gradient"])
    return prices, codes


def sweep_summary(*sweeps: pd.DataFrame, names: Optional[Sequence[str]] = None) -> pd.DataFrame:
    """A few numbers about one or more :func:`seed_sweep` results, one column each.

    Rows: runs, share of profitable runs (%), median / worst / best net P&L (dollars), median trades, and
    net P&L per trade (dollars: all runs' P&L over all their trades).
    """
    if not sweeps:
        raise ValueError("pass at least one seed_sweep result")
    names = list(names) if names is not None else [f"{len(s)} seeds" for s in sweeps]
    if len(names) != len(sweeps):
        raise ValueError(f"got {len(sweeps)} sweeps but {len(names)} names")
    columns = {}
    for name, sweep in zip(names, sweeps):
        pnl = sweep["net P&L ($)"]
        columns[name] = pd.Series({
            "runs": len(pnl),
            "profitable runs (%)": round(100 * float((pnl > 0).mean()), 1),
            "median net P&L ($)": round(float(pnl.median()), 2),
            "worst net P&L ($)": round(float(pnl.min()), 2),
            "best net P&L ($)": round(float(pnl.max()), 2),
            "median trades": float(sweep["trades"].median()),
            "net P&L per trade ($)": round(float(pnl.sum() / max(sweep["trades"].sum(), 1)), 2),
        }, dtype=object)
    return pd.DataFrame(columns)


def best_pairs(seeds: Iterable[int] = BEST_PAIRS_SEEDS, shorts: Sequence[int] = SWEEP_SHORTS,
               longs: Sequence[int] = SWEEP_LONGS, statistic: str = "net_pnl") -> pd.DataFrame:
    """For each seeded market of the article (the book's 500 bars): the best window pair of the grid and its value."""
    rows = []
    for seed in seeds:
        table = sweep_windows(book_market(int(seed)), shorts, longs, statistic=statistic)
        best = table.loc[table[statistic].idxmax()]
        rows.append({"seed": int(seed), "short": int(best["short"]), "long": int(best["long"]),
                     STATISTIC_NAMES.get(statistic, statistic): round(float(best[statistic]), 2),
                     "article's rank": sweep_rank(table, statistic=statistic)})
    return pd.DataFrame(rows).set_index("seed")


def paired_difference(first: pd.Series, second: pd.Series) -> pd.Series:
    """``first − second`` market by market (same index, e.g. two sweeps' net P&L): is the gap more than luck?

    Returns a Series: ``markets``, ``mean`` difference, ``std_error`` (sd with ddof 1 / √markets), the 95 %
    interval ``low 95``/``high 95`` (mean ± 1.96 standard errors), the ``t statistic`` (mean / standard error)
    and the one-sided ``p-value`` of "first beats second on average" (Student-t, markets − 1 degrees of
    freedom). Units are those of the inputs.
    """
    if not isinstance(first, pd.Series) or not isinstance(second, pd.Series):
        raise TypeError("first and second must be pandas Series of one number per market, e.g. sweep['net P&L ($)']")
    if not first.index.equals(second.index):
        raise ValueError("first and second must cover the same markets (same index) to be paired")
    if len(first) < 2:
        raise ValueError(f"a paired difference needs at least two markets, got {len(first)}")
    difference = (first - second).to_numpy(dtype=float)
    if not np.isfinite(difference).all():
        raise ValueError("first and second must be finite numbers; drop missing markets first")
    gap = estimate(difference)
    t_statistic, p_value = one_sided_t_test(difference)
    return pd.Series({"markets": gap.n, "mean": gap.mean, "std_error": gap.std_error, "low 95": gap.low_95,
                      "high 95": gap.high_95, "t statistic": t_statistic, "p-value": p_value})


#: What :func:`lead_mechanism` compares with the lead of one sweep over another, market by market.
LEAD_CAUSES: dict[str, str] = {"trades": "trades", "calls": "call bars − put bars", "held": "bars held"}


def lead_mechanism(first: pd.DataFrame, second: pd.DataFrame) -> pd.Series:
    """Why ``first`` (a :func:`seed_sweep`) leads ``second`` on the same markets: per market, the lead in net P&L
    against the difference in each candidate cause of :data:`LEAD_CAUSES` (more trades, more bars in calls than
    in puts, longer holding).

    Returns, per cause, ``rho <cause>``: Spearman's rank correlation of the lead with that difference (NaN when the
    difference never varies, as holding time does when both bots always hold an option), and ``mean <cause>``: the
    mean difference (trades, bars).
    """
    if not first.index.equals(second.index):
        raise ValueError("first and second must cover the same markets (same index) to be compared")
    lead = first["net P&L ($)"] - second["net P&L ($)"]
    out = {}
    for name, column in LEAD_CAUSES.items():
        difference = (first[column] - second[column]).astype(float)
        out[f"rho {name}"] = _spearman(lead, difference)
        out[f"mean {name}"] = float(difference.mean())
    return pd.Series(out)


def _spearman(first: pd.Series, second: pd.Series) -> float:
    """Spearman's rank correlation of two Series without missing values (NaN when either never varies).

    The Pearson correlation of their average ranks, computed as ``scipy.stats.spearmanr`` does (so the same
    number to the bit) without importing ``scipy.stats``, which costs a chapter more than the whole study.
    """
    if first.nunique() < 2 or second.nunique() < 2:
        return float("nan")
    ranks = np.column_stack([first.rank().to_numpy(dtype=float), second.rank().to_numpy(dtype=float)])
    return float(np.corrcoef(ranks, rowvar=False)[1, 0])



#: The mean of max(0, Z) for a standard normal Z, 1 / √(2π): what an at-the-money option pays on average, per
#: standard deviation of a driftless normal move of the price until it is closed.
HALF_NORMAL_MEAN: float = 1 / math.sqrt(2 * math.pi)


def fair_breakeven_days(premium_points: float = OPTION_PREMIUM_FIXED / FUTURES_MULTIPLIER,
                        daily_volatility: float = ARTICLE_PRICE_VOLATILITY) -> float:
    """Days an at-the-money option must be held for its mean payoff to equal its premium, both in points.

    On a driftless normal walk with ``daily_volatility`` points a day, the move over *h* days has a standard
    deviation of ``daily_volatility`` × √h, and the option pays on average :data:`HALF_NORMAL_MEAN` times that:
    the premium is paid back at h = (premium / (HALF_NORMAL_MEAN × daily_volatility))². Defaults: the article's
    fixed premium (2.5 points) and its price walk's step (1.5 points a day).
    """
    if not (premium_points > 0 and daily_volatility > 0):
        raise ValueError(f"premium_points and daily_volatility must be > 0, got {premium_points!r} and "
                         f"{daily_volatility!r}")
    return (premium_points / (HALF_NORMAL_MEAN * daily_volatility)) ** 2


__all__ = ["HALF_NORMAL_MEAN", "LEAD_CAUSES", "best_pairs", "fair_breakeven_days", "lead_mechanism", "paired_difference",
           "seed_sweep", "sweep_summary"]
