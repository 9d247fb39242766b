"""Many seeded markets, one number each: how much of a result is luck.

:func:`seed_sweep` runs the article's bot once per seed (chapter 5), optionally with coin-flip sides;
:func:`sweep_summary` reduces one or more sweeps to a few numbers (runs, share profitable, median, worst
and best net P&L in dollars); :func:`best_pairs` finds the best window pair of each seeded market on the
chapter 8 grid (:data:`mesbook.studies.sweep.SWEEP_SHORTS` × :data:`~mesbook.studies.sweep.SWEEP_LONGS`).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Optional

import numpy as np
import pandas as pd

from ..article.market import simulate_market_data
from ..article.simulation import run_article
from ..article.simulation import run_trading_simulation
from .sweep import STATISTIC_NAMES, SWEEP_LONGS, SWEEP_SHORTS, sweep_rank, sweep_windows


def seed_sweep(seeds: Iterable[int] = range(200), *, coin_flip: bool = False, **article_kwargs) -> pd.DataFrame:
    """Run the article's bot once per seed; one row per seed with its summary numbers.

    ``article_kwargs`` go to :func:`mesbook.run_article` (windows, premium, cash...). With
    ``coin_flip=True`` every BUY/SELL label is replaced by a fair coin (seeded by the seed + 1,000,000),
    keeping the bars on which the bot acts: a bot that ignores open interest when it picks a side.
    """
    rows = []
    for seed in seeds:
        frame, result = run_article(seed=int(seed), **article_kwargs)
        if coin_flip:
            acting = frame["signal"].astype(str).to_numpy() != "HOLD"
            coins = np.random.default_rng(int(seed) + 1_000_000).integers(0, 2, acting.sum())
            labels = frame["signal"].astype(str).to_numpy().copy()
            labels[acting] = np.where(coins == 1, "BUY", "SELL")
            frame = frame.assign(signal=labels)
            cash_premium = {k: v for k, v in article_kwargs.items() if k in ("initial_cash", "premium")}
            result = run_trading_simulation(frame, **cash_premium)
        summary = result.summary()
        rows.append({"seed": int(seed), "final value ($)": summary.final_value, "net P&L ($)": summary.net_pnl,
                     "trades": summary.num_trades, "win rate (%)": 100 * summary.win_rate})
    return pd.DataFrame(rows).set_index("seed")


def sweep_summary(*sweeps: pd.DataFrame, names: Optional[Sequence[str]] = None) -> pd.DataFrame:
    """A few numbers about one or more :func:`seed_sweep` results, one column each.

    Rows: runs, share of profitable runs (%), median / worst / best net P&L (dollars), median trades.
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
        }, dtype=object)
    return pd.DataFrame(columns)


def best_pairs(seeds: Iterable[int], shorts: Sequence[int] = SWEEP_SHORTS, longs: Sequence[int] = SWEEP_LONGS,
               statistic: str = "net_pnl") -> pd.DataFrame:
    """For each seeded market of the article (500 bars): the best window pair of the grid and its value."""
    rows = []
    for seed in seeds:
        table = sweep_windows(simulate_market_data(500, seed=int(seed)), shorts, longs, statistic=statistic)
        best = table.loc[table[statistic].idxmax()]
        rows.append({"seed": int(seed), "short": int(best["short"]), "long": int(best["long"]),
                     STATISTIC_NAMES.get(statistic, statistic): round(float(best[statistic]), 2),
                     "article's rank": sweep_rank(table, statistic=statistic)})
    return pd.DataFrame(rows).set_index("seed")


__all__ = ["best_pairs", "seed_sweep", "sweep_summary"]
