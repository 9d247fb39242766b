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

from ..article.simulation import entry_moneyness, run_article, run_trading_simulation
from ..constants import FUTURES_MULTIPLIER, OPTION_PREMIUM_FIXED
from ..core.market import ARTICLE_PRICE_VOLATILITY
from ..estimates import estimate, one_sided_t_test
from .memo import Memo
from .samples import BEST_PAIRS_SEEDS, SEED_SWEEP, SWEEP_LONGS, SWEEP_SHORTS, book_market
from .sweep import STATISTIC_NAMES, sweep_rank, sweep_windows


def seed_sweep(seeds: Iterable[int] = SEED_SWEEP, *, coin_flip: bool = False, **article_kwargs) -> pd.DataFrame:
    """Run the article's bot once per seed; one row per seed with its summary numbers.

    ``article_kwargs`` go to :func:`mesbook.run_article` (windows, premium, cash...). With
    ``coin_flip=True`` every BUY/SELL label is replaced by a fair coin (seeded by the seed + 1,000,000),
    keeping the bars on which the bot acts: a bot that ignores open interest when it picks a side.
    Columns: final value and net P&L (dollars), trades, win rate (%), how many trades started in the money
    (the strike is the nearest grid strike, so up to half a strike interval in the money) and the sum of
    their intrinsic values at entry (dollars, at the article's $5 a point), the bars all trades were held, and
    ``call bars − put bars``: how many more bars the run held a call than a put.

    A sweep is computed once per process for the same seeds and arguments (a chapter, its canonical numbers
    and its self-check ask for the same sweep): each call returns its own copy.
    """
    seeds = tuple(int(seed) for seed in seeds)
    # Each keyword's type is part of the key, so that premium=25 and premium=25.0 are not taken for each other.
    key = (seeds, coin_flip, tuple(sorted((k, type(v), v) for k, v in article_kwargs.items())))
    return _SWEEPS.get(key, lambda: _seed_sweep(seeds, coin_flip, article_kwargs)).copy()


#: Sweeps by (seeds, coin_flip, keywords with their types).
_SWEEPS = Memo()


def _seed_sweep(seeds: tuple[int, ...], coin_flip: bool, article_kwargs: dict) -> pd.DataFrame:
    rows = []
    for seed in seeds:
        frame, result = run_article(seed=int(seed), **article_kwargs)
        if coin_flip:
            acting = frame["signal"].astype(str).to_numpy() != "HOLD"
            coins = np.random.default_rng(int(seed) + 1_000_000).integers(0, 2, acting.sum())
            labels = frame["signal"].astype(str).to_numpy().copy()
            labels[acting] = np.where(coins == 1, "BUY", "SELL")
            frame = frame.assign(signal=labels)
            cash_premium = {k: v for k, v in article_kwargs.items()
                            if k in ("initial_cash", "premium", "strike_interval")}
            result = run_trading_simulation(frame, **cash_premium)
        summary = result.summary()
        moneyness = entry_moneyness(result.trades).to_numpy()
        held = (result.trades["exit_bar"] - result.trades["entry_bar"]).to_numpy()
        calls = (result.trades["option_type"] == "CALL").to_numpy()
        rows.append({"seed": int(seed), "final value ($)": summary.final_value, "net P&L ($)": summary.net_pnl,
                     "trades": summary.num_trades, "win rate (%)": 100 * summary.win_rate,
                     "in the money at entry": int((moneyness > 0).sum()),
                     "intrinsic at entry ($)": float(FUTURES_MULTIPLIER * moneyness.clip(min=0).sum()),
                     "bars held": int(held.sum()), "call bars − put bars": int(held[calls].sum() - held[~calls].sum())})
    return pd.DataFrame(rows).set_index("seed")


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
        out[f"rho {name}"] = (float(lead.corr(difference, method="spearman")) if difference.nunique() > 1
                              else float("nan"))
        out[f"mean {name}"] = float(difference.mean())
    return pd.Series(out)


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
