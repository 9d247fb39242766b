"""The book's headline numbers: one table of canonical runs, each with its seed, sample and interval.

The article's bot is run on many samples in this book (one market, 40, 100, 200, 400 markets), and each
chapter used to quote its own number. This module is the one place those headline numbers come from.
Every row is built by calling the study that produced it, with the arguments the chapters use:

* :func:`canonical_runs` — one row per canonical run (see :data:`CANONICAL` for the keys): what was run,
  on which market generator, seed and sample size, with which settings, and the mean net P&L with its
  95 % interval (mean ± 1.96 standard errors across markets; no interval for a single market), the
  median, the share of profitable markets and the mean number of trades;
* :func:`canonical_value` — one number of one row; :func:`describe` — a row as text for a sentence of
  prose (the chapters glue these into their paragraphs).

Samples that share a seed share their markets: market ``i`` of ``seed=7`` is child ``i`` of
``SeedSequence(7)`` (:func:`mesbook.parallel.task_seeds`) in the Monte Carlo, the ladder, the caveats and
the paired studies alike. The 40 markets of the ladder are the first 40 of the Monte Carlo's 400, the 100
of the caveat tables the first 100; their means differ only because the samples do. Chapter 5's seed sweep
is the exception: it calls the article's script with ``seed=0 … 199`` (the global NumPy seed), so its
markets are other draws of the same generator. Money is in dollars; results are cached per process.
"""
from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple, Optional, Sequence

import numpy as np
import pandas as pd

from ..article.pipeline import run_article
from ..data.synthetic import simulate_realistic_market
from ..engine.backtest import run_backtest
from ..formatting import usd
from ..engine.settings import ARTICLE, HONEST, REALISTIC, BacktestSettings
from .ladder import ladder_steps
from .montecarlo import monte_carlo
from .paired import paired_runs
from .seeds import seed_sweep

#: The seed of every canonical run (the book's seed).
SEED: int = 7
#: Markets of the Monte Carlo sample (chapter 9) and of the ladder / honest-run sample (chapters 9 and 10).
MONTE_CARLO_PATHS: int = 400
LADDER_MARKETS: int = 40
#: Markets of the caveat tables of chapter 6 and of chapter 5's seed sweep.
CAVEAT_MARKETS: int = 100
SEED_SWEEP_RUNS: int = 200
#: Two-sided 95 % normal quantile of every interval in the table.
Z95: float = 1.96

#: Columns of :func:`canonical_runs`.
COLUMNS: tuple[str, ...] = ("run", "chapter", "market", "seed", "sample", "settings", "mean ($)", "low 95 ($)",
                            "high 95 ($)", "median ($)", "profitable (%)", "trades")


class Canonical(NamedTuple):
    """One canonical run: its description, where the book uses it, and how its per-market P&L is made."""

    run: str
    chapter: str
    market: str
    seed: str
    settings: str


def _fair_no_costs() -> BacktestSettings:
    """The ladder rung just before ``REALISTIC``: fair expiring options, every cost still off."""
    settings = [s for _, s in ladder_steps(HONEST)]
    for before, after in zip(settings, settings[1:]):
        if after == REALISTIC:
            return before
    raise ValueError("no rung of the realism ladder equals REALISTIC; canonical runs need it (see mesbook.studies.ladder)")


#: Every canonical run, by key. ``sample`` and the numbers come from :func:`canonical_runs`.
CANONICAL: dict[str, Canonical] = {
    "article_seed7": Canonical("the article's bot, the book's market", "1-5", "article", "7 (global NumPy seed)",
                               "the article's script"),
    "article_200_runs": Canonical("the article's bot, seed sweep", "5", "article", "0 to 199 (global NumPy seed)",
                                  "the article's script"),
    "article_400": Canonical("the article's bot, Monte Carlo sample", "9", "article", "7 (task seeds)", "ARTICLE"),
    "article_100": Canonical("the article's bot, first 100 of those markets", "6", "article", "7 (task seeds)",
                             "ARTICLE"),
    "article_40": Canonical("the article's bot, first 40 of those markets", "9, 10", "article", "7 (task seeds)",
                            "ARTICLE"),
    "random_entry_400": Canonical("its random-entry twin (same trades, random bars)", "9", "article",
                                  "7 (task seeds)", "ARTICLE, 10 twins per market"),
    "bot_minus_twin_400": Canonical("bot minus twin (the edge of the signals)", "9", "article", "7 (task seeds)",
                                    "ARTICLE"),
    "fair_no_costs_40": Canonical("fair expiring options, no costs", "9, 10", "article", "7 (task seeds)",
                                  "REALISTIC without costs"),
    "realistic_40": Canonical("every simplification off", "9, 10", "article", "7 (task seeds)", "REALISTIC"),
    "honest_40": Canonical("every simplification off, roll filter", "9, 10", "article", "7 (task seeds)", "HONEST"),
    "realistic_gen_fair_no_costs_40": Canonical("fair expiring options, no costs", "9, 10", "realistic",
                                                "7 (task seeds)", "REALISTIC without costs"),
    "realistic_gen_realistic_40": Canonical("every simplification off", "9, 10", "realistic", "7 (task seeds)",
                                            "REALISTIC"),
    "realistic_gen_honest_40": Canonical("every simplification off, roll filter", "9, 10", "realistic",
                                         "7 (task seeds)", "HONEST"),
    "realistic_gen_seed7": Canonical("every simplification off, one market", "7, 10", "realistic", "7", "REALISTIC"),
}


@lru_cache(maxsize=None)
def _monte_carlo():
    return monte_carlo(MONTE_CARLO_PATHS, seed=SEED)


@lru_cache(maxsize=None)
def _honest_runs(generator: str) -> pd.DataFrame:
    """Net P&L and trades of ARTICLE, fair-no-costs, REALISTIC and HONEST on the ladder's 40 markets."""
    variants = {"article": ARTICLE, "fair_no_costs": _fair_no_costs(), "realistic": REALISTIC, "honest": HONEST}
    return paired_runs(variants, generator=generator, num_seeds=LADDER_MARKETS, seed=SEED, desc="canonical runs")


@lru_cache(maxsize=None)
def _seed_sweep() -> pd.DataFrame:
    return seed_sweep(range(SEED_SWEEP_RUNS))


def _sample(key: str) -> tuple[np.ndarray, Optional[np.ndarray]]:
    """Per-market net P&L (dollars) and trades of one canonical run."""
    if key == "article_seed7":
        result = run_article(seed=SEED)[1].summary()
        return np.array([result.net_pnl]), np.array([result.num_trades])
    if key == "article_200_runs":
        sweep = _seed_sweep()
        return sweep["net P&L ($)"].to_numpy(float), sweep["trades"].to_numpy(float)
    if key in ("article_400", "article_100", "article_40", "random_entry_400", "bot_minus_twin_400"):
        mc = _monte_carlo()
        size = {"article_100": CAVEAT_MARKETS, "article_40": LADDER_MARKETS}.get(key, MONTE_CARLO_PATHS)
        pnl = {"random_entry_400": mc.random_pnl, "bot_minus_twin_400": mc.difference}.get(key, mc.strategy_pnl)
        return np.asarray(pnl[:size], float), np.asarray(mc.trades[:size], float)
    if key == "realistic_gen_seed7":
        result = run_backtest(simulate_realistic_market(500, seed=SEED), REALISTIC)
        return np.array([result.net_pnl]), np.array([len(result.trades)])
    generator = "realistic" if key.startswith("realistic_gen_") else "article"
    variant = key.removeprefix("realistic_gen_").removesuffix("_40")
    runs = _honest_runs(generator)
    return runs[("pnl", variant)].to_numpy(float), runs[("trades", variant)].to_numpy(float)


def summarize_sample(pnl: Sequence[float], trades: Optional[Sequence[float]] = None) -> dict[str, float]:
    """Mean, 95 % interval (mean ± 1.96 standard errors; NaN for one value), median, share > 0 (%), trades."""
    pnl = np.asarray(pnl, dtype=float)
    if pnl.ndim != 1 or len(pnl) == 0 or not np.isfinite(pnl).all():
        raise ValueError("pnl must be a non-empty 1-D sequence of finite dollar amounts")
    mean = float(pnl.mean())
    half = Z95 * float(pnl.std(ddof=1)) / np.sqrt(len(pnl)) if len(pnl) > 1 else np.nan
    return {"sample": len(pnl), "mean ($)": mean, "low 95 ($)": mean - half, "high 95 ($)": mean + half,
            "median ($)": float(np.median(pnl)), "profitable (%)": 100.0 * float((pnl > 0).mean()),
            "trades": float(np.mean(trades)) if trades is not None else np.nan}


@lru_cache(maxsize=None)
def _row(key: str) -> tuple:
    if key not in CANONICAL:
        raise ValueError(f"{key!r} is not a canonical run; choose one of {sorted(CANONICAL)}")
    row = dict(CANONICAL[key]._asdict())
    row.update(summarize_sample(*_sample(key)))
    return tuple(row[c] for c in COLUMNS)


def canonical_runs(keys: Optional[Sequence[str]] = None) -> pd.DataFrame:
    """The canonical runs (all of :data:`CANONICAL`, or only ``keys``), one row each, indexed by key.

    Columns (:data:`COLUMNS`): ``run``, ``chapter`` (where the book uses it), ``market`` (generator),
    ``seed``, ``sample`` (markets), ``settings``, ``mean ($)``, ``low 95 ($)``/``high 95 ($)`` (NaN for a
    single market), ``median ($)``, ``profitable (%)``, ``trades`` (mean per market). Net P&L on
    \\$100,000, 500 daily bars per market.
    """
    if isinstance(keys, str):
        raise TypeError("keys must be a list of canonical keys, e.g. ['article_400'], not a single string")
    chosen = list(CANONICAL) if keys is None else list(keys)
    table = pd.DataFrame([_row(k) for k in chosen], columns=list(COLUMNS), index=pd.Index(chosen, name="key"))
    return table.astype({"sample": np.int64})


def canonical_value(key: str, column: str = "mean ($)") -> float:
    """One number of one canonical run, e.g. ``canonical_value("realistic_40", "high 95 ($)")``."""
    if column not in COLUMNS[6:]:
        raise ValueError(f"column {column!r} is not a number of the table; choose one of {list(COLUMNS[6:])}")
    return float(_row(key)[COLUMNS.index(column)])


def describe(key: str, decimals: int = 0) -> dict[str, str]:
    """One canonical run as text for prose: ``mean``, ``low``, ``high`` (dollars, "−" for minus), ``median``,
    ``sample`` (markets), ``profitable`` (%, whole) and ``trades`` (one decimal). A single market has no
    ``low``/``high``.
    """
    row = canonical_runs([key]).iloc[0]
    text = {name: usd(row[column], decimals) for name, column in
            (("mean", "mean ($)"), ("low", "low 95 ($)"), ("high", "high 95 ($)"), ("median", "median ($)"))
            if np.isfinite(row[column])}
    text.update(sample=f"{row['sample']:,}", profitable=f"{row['profitable (%)']:.0f}", trades=f"{row['trades']:.1f}")
    return text


def canonical_table(keys: Optional[Sequence[str]] = None) -> pd.DataFrame:
    """:func:`canonical_runs` for reading: the run, its sample, and mean [95 % interval] in whole dollars."""
    runs = canonical_runs(keys)
    interval = [f"{lo:,.0f} to {hi:,.0f}" if np.isfinite(lo) else "one market"
                for lo, hi in zip(runs["low 95 ($)"], runs["high 95 ($)"])]
    return pd.DataFrame({
        "run": runs["run"], "market": runs["market"], "settings": runs["settings"], "markets": runs["sample"],
        "mean ($)": runs["mean ($)"].round(2), "95 % interval ($)": interval,
        "profitable (%)": runs["profitable (%)"].round(1),
    }, index=runs.index)


__all__ = ["CANONICAL", "COLUMNS", "Canonical", "canonical_runs", "canonical_table", "canonical_value", "describe",
           "summarize_sample"]
