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

The samples are the book's, named in :mod:`mesbook.studies.samples`. Samples that share a seed share
their markets: market ``i`` of ``seed=7`` is child ``i`` of ``SeedSequence(7)``
(:class:`mesbook.data.synthetic.Sample`) in the Monte Carlo, the ladder, the caveats and the paired studies
alike. The 40 markets of the ladder are the first 40 of the Monte Carlo's 400, the 100 of the caveat
tables the first 100; their means differ only because the samples do. The book's market and chapter 5's
seed sweep are the exception: they call the article's script with ``seed=7`` and ``seed=0 … 199``
(``simulate_market_data`` seeds its own generator with the number), so their markets are other draws of
the same generator. Money is in dollars; results are cached per process.
"""
from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple, Optional, Sequence

import numpy as np
import pandas as pd

from ..article.simulation import run_article
from ..data.synthetic import simulate_realistic_market
from ..engine.backtest import run_backtest
from ..engine.settings import ARTICLE, HONEST, REALISTIC, BacktestSettings
from ..estimates import estimate
from ..formatting import format_p, full_table, usd
from .audit import article_signals, crossover_bars, lookahead_audit
from .baseline import EXPECTATION_ROW, no_edge_runs
from .ladder import FAIR_RUNG, rung_settings
from .luck import seed_sweep
from .montecarlo import monte_carlo_runs
from .paired import paired_runs
from .real_runs import real_data_runs
from .samples import (
    BOOK_BARS, BOOK_SEED, CAVEATS, LADDER, MONTE_CARLO, SEED_SWEEP, SWEEP_LONGS, SWEEP_SHORTS, WALK_FORWARD_BARS,
    WALK_FORWARD_FOLD, book_market,
)
from .sweep_matrix import sweep_verdict
from .walkforward import walk_forward

#: The ladder rung that prices options with Black-76, before they expire.
BLACK76_RUNG: str = "Black-76 prices"
#: The ladder rung that adds the variance premium to fair expiring options (no costs yet).
VARIANCE_PREMIUM_RUNG: str = "variance premium"

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
    """The ladder's fair rung (:data:`~mesbook.studies.ladder.FAIR_RUNG`): fair expiring options priced at
    the market's own volatility, no variance premium, every cost still off."""
    return rung_settings(FAIR_RUNG, HONEST)


def _variance_premium() -> BacktestSettings:
    """The ladder's variance-premium rung: fair expiring options bought at implied volatility, costs still off."""
    return rung_settings(VARIANCE_PREMIUM_RUNG, HONEST)


@lru_cache(maxsize=None)
def _no_edge(generator: str) -> pd.DataFrame:
    """Per-market P&L of :func:`mesbook.studies.baseline.no_edge_runs` (REALISTIC) on the ladder's markets."""
    return no_edge_runs(REALISTIC, LADDER.replace(generator=generator))


_TASK_SEEDS = f"{BOOK_SEED} (task seeds)"
_OWN_SEED = "(simulate_market_data's own seed)"

#: Every canonical run, by key. ``sample`` and the numbers come from :func:`canonical_runs`.
CANONICAL: dict[str, Canonical] = {
    "article_seed7": Canonical("the article's bot, the book's market", "1-5", "article", f"{BOOK_SEED} {_OWN_SEED}",
                               "the article's script"),
    "article_200_runs": Canonical("the article's bot, seed sweep", "5", "article",
                                  f"{SEED_SWEEP[0]} to {SEED_SWEEP[-1]} {_OWN_SEED}", "the article's script"),
    "article_400": Canonical("the article's bot, Monte Carlo sample", "9", "article", _TASK_SEEDS, "ARTICLE"),
    "article_100": Canonical("the article's bot, first 100 of those markets", "6", "article", _TASK_SEEDS,
                             "ARTICLE"),
    "article_40": Canonical("the article's bot, first 40 of those markets", "9, 10", "article", _TASK_SEEDS,
                            "ARTICLE"),
    "random_entry_400": Canonical("its random-entry twin (same trades, random bars)", "9", "article",
                                  _TASK_SEEDS, "ARTICLE, 10 twins per market"),
    "bot_minus_twin_400": Canonical("bot minus twin (the edge of the signals)", "9", "article", _TASK_SEEDS,
                                    "ARTICLE"),
    "fair_no_costs_40": Canonical("fair expiring options, no costs", "9, 10", "article", _TASK_SEEDS,
                                  "REALISTIC without variance premium or costs"),
    "variance_premium_40": Canonical("fair expiring options at implied volatility, no costs", "9", "article",
                                     _TASK_SEEDS, "REALISTIC without costs"),
    "no_edge_40": Canonical("a buyer with no edge, after costs (drift-free twins)", "9, 11", "article_driftless",
                            _TASK_SEEDS, "REALISTIC"),
    "realistic_40": Canonical("every simplification off", "9, 10", "article", _TASK_SEEDS, "REALISTIC"),
    "honest_40": Canonical("every simplification off, roll filter", "9, 10", "article", _TASK_SEEDS, "HONEST"),
    "realistic_gen_fair_no_costs_40": Canonical("fair expiring options, no costs", "9, 10", "realistic",
                                                _TASK_SEEDS, "REALISTIC without variance premium or costs"),
    "realistic_gen_no_edge_40": Canonical("a buyer with no edge, after costs (drift-free twins)", "9, 11",
                                          "realistic_driftless", _TASK_SEEDS, "REALISTIC"),
    "realistic_gen_realistic_40": Canonical("every simplification off", "9, 10", "realistic", _TASK_SEEDS,
                                            "REALISTIC"),
    "realistic_gen_honest_40": Canonical("every simplification off, roll filter", "9, 10", "realistic",
                                         _TASK_SEEDS, "HONEST"),
    "realistic_gen_seed7": Canonical("every simplification off, one market", "7, 10", "realistic", "7", "REALISTIC"),
}


@lru_cache(maxsize=None)
def _monte_carlo():
    return monte_carlo_runs(MONTE_CARLO)


@lru_cache(maxsize=None)
def _honest_runs(generator: str) -> pd.DataFrame:
    """Net P&L and trades of ARTICLE, the Black-76 and fair-no-costs rungs, REALISTIC and HONEST on the ladder's
    40 markets."""
    variants = {"article": ARTICLE, "black76": rung_settings(BLACK76_RUNG, HONEST), "fair_no_costs": _fair_no_costs(),
                "variance_premium": _variance_premium(), "realistic": REALISTIC, "honest": HONEST}
    return paired_runs(variants, LADDER.replace(generator=generator), desc="canonical runs")


@lru_cache(maxsize=None)
def _seed_sweep() -> pd.DataFrame:
    return seed_sweep(SEED_SWEEP)


def _sample(key: str) -> tuple[np.ndarray, Optional[np.ndarray]]:
    """Per-market net P&L (dollars) and trades of one canonical run."""
    if key == "article_seed7":
        result = run_article(book_market(BOOK_SEED))[1].summary()
        return np.array([result.net_pnl]), np.array([result.num_trades])
    if key == "article_200_runs":
        sweep = _seed_sweep()
        return sweep["net P&L ($)"].to_numpy(float), sweep["trades"].to_numpy(float)
    if key in ("article_400", "article_100", "article_40", "random_entry_400", "bot_minus_twin_400"):
        mc = _monte_carlo()
        size = {"article_100": CAVEATS.markets, "article_40": LADDER.markets}.get(key, MONTE_CARLO.markets)
        pnl = {"random_entry_400": mc.random_pnl, "bot_minus_twin_400": mc.difference}.get(key, mc.strategy_pnl)
        return np.asarray(pnl[:size], float), np.asarray(mc.trades[:size], float)
    if key == "realistic_gen_seed7":
        result = run_backtest(simulate_realistic_market(BOOK_BARS, seed=BOOK_SEED), REALISTIC)
        return np.array([result.net_pnl]), np.array([len(result.trades)])
    generator = "realistic" if key.startswith("realistic_gen_") else "article"
    if key.endswith("no_edge_40"):
        runs = _no_edge(generator)
        return runs[("pnl", EXPECTATION_ROW)].to_numpy(float), runs[("trades", EXPECTATION_ROW)].to_numpy(float)
    variant = key.removeprefix("realistic_gen_").removesuffix("_40")
    runs = _honest_runs(generator)
    return runs[("pnl", variant)].to_numpy(float), runs[("trades", variant)].to_numpy(float)


def summarize_sample(pnl: Sequence[float], trades: Optional[Sequence[float]] = None) -> dict[str, float]:
    """Mean, 95 % interval (mean ± 1.96 standard errors; NaN for one value), median, share > 0 (%), trades."""
    pnl = np.asarray(pnl, dtype=float)
    if pnl.ndim != 1 or len(pnl) == 0 or not np.isfinite(pnl).all():
        raise ValueError("pnl must be a non-empty 1-D sequence of finite dollar amounts")
    band = estimate(pnl)
    return {"sample": band.n, "mean ($)": band.mean, "low 95 ($)": band.low_95, "high 95 ($)": band.high_95,
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


def means_outside(keys: Sequence[str], decimals: int = 2) -> str:
    """Which of the runs ``keys`` have a mean outside another's 95 % interval, as a clause for prose, e.g. "the mean
    of the article's bot, first 40 of those markets ($130.65) lies outside the interval of the article's bot, Monte
    Carlo sample ($107.10 to $129.93)"; or "each mean lies inside every other interval"."""
    runs = canonical_runs(keys)
    clauses = []
    for key, row in runs.iterrows():
        for other, band in runs.iterrows():
            if other != key and np.isfinite(band["low 95 ($)"]) and not band["low 95 ($)"] <= row["mean ($)"] <= band["high 95 ($)"]:
                clauses.append(f"the mean of {row['run']} ({usd(row['mean ($)'], decimals)}) lies outside the interval "
                               f"of {band['run']} ({usd(band['low 95 ($)'], decimals)} to {usd(band['high 95 ($)'], decimals)})")
    return "; ".join(clauses) or "each mean lies inside every other interval"


#: Columns of :func:`verdict_table`.
VERDICT_COLUMNS: tuple[str, ...] = ("the article says", "where", "what the book measured", "sample", "estimate",
                                    "95 % interval", "the claim is", "because")

#: The values of the column "the claim is" (:func:`claim_verdict`).
CLAIM_VERDICTS: tuple[str, ...] = ("supported", "refuted", "no evidence for it", "untestable")


def interval_verdict(low: float, high: float) -> str:
    """"consistent with zero" when ``[low, high]`` holds 0, else "above zero" / "below zero"; NaN: one path."""
    if not (np.isfinite(low) and np.isfinite(high)):
        return "one path, no interval"
    if low > high:
        raise ValueError(f"low ({low}) must not exceed high ({high})")
    return "consistent with zero" if low <= 0 <= high else ("above zero" if low > 0 else "below zero")


class Claim(NamedTuple):
    """One claim of the article: its words (quoted, or closely paraphrased in brackets) and its place, and the sign
    of the effect it predicts for the measurement: +1 (above zero), −1 (below zero) or 0 (an effect either way)."""

    says: str
    where: str
    sign: int


#: The article's claims the book tests, each with its place in the article (its part and section).
CLAIMS: dict[str, Claim] = {
    "signals": Claim("combined changes and trends in open interest “can signal potential market direction”",
                     "Part 2.1", +1),
    "gradient": Claim("the gradient is “the instantaneous rate of change of Open Interest”", "Part 2.4, oi_gradient",
                      0),
    "overfitting": Claim("an optimized model can do well on history but “poorly in live trading”: overfitting",
                         "Part 4.4", -1),
    "volatility": Claim("implied volatility: “Higher IV means higher option premiums. This is a critical factor.”",
                        "Part 3.2", -1),
    "theta": Claim("time decay “is a major factor” for options held for extended periods", "Part 3.6", -1),
    "costs": Claim("commissions “can significantly impact the profitability” of frequent trading", "Part 3.5", -1),
    "simplifications": Claim("the simplifications of option pricing, frictions and expiry “are significant”",
                             "Conclusion", -1),
    "real": Claim("open interest of the futures “can provide clues for the directional bias of options trades”",
                  "Part 1.2", +1),
}


def claim_verdict(low: float, high: float, sign: int) -> str:
    """What an interval says of a claim that predicts an effect of ``sign`` (+1 above zero, −1 below, 0 either way).

    "supported" when the 95 % interval ``[low, high]`` excludes zero on the predicted side; "refuted" when it
    excludes zero on the other side; "no evidence for it" when it holds zero (which is not proof of no effect);
    "untestable" without an interval (one path). See :data:`CLAIM_VERDICTS`.
    """
    if sign not in (-1, 0, 1):
        raise ValueError(f"sign must be +1, -1 or 0, got {sign!r}")
    word = interval_verdict(low, high)
    if word == "one path, no interval":
        return "untestable"
    if word == "consistent with zero":
        return "no evidence for it"
    side = 1 if word == "above zero" else -1
    return "supported" if sign in (0, side) else "refuted"


def _paired_change(pnl: pd.DataFrame, before: str, after: str) -> tuple[float, float, float]:
    """Mean paired change ``after − before`` across markets (dollars) and its 95 % interval."""
    change = summarize_sample((pnl[after] - pnl[before]).to_numpy(float))
    return change["mean ($)"], change["low 95 ($)"], change["high 95 ($)"]


def verdict_table() -> pd.DataFrame:
    """Every claim of the article that the book tested: its words and place, the measurement, the verdict.

    One row per :data:`CLAIMS` entry (:data:`VERDICT_COLUMNS`): what the article says (quoted, or paraphrased in
    brackets) and where, what the book measured and on what sample, the estimate and its 95 % interval in dollars
    (mean ± 1.96 standard errors across markets or folds; none for one path), whether the claim is supported,
    refuted, without evidence or untestable (:func:`claim_verdict`, or the audit for the gradient, whose claim is a
    matter of fact, not of sign) and why. Built from the same studies as the chapters: the Monte Carlo (chapter 9),
    the look-ahead audit and the paired runs of the ladder's split gradient rung (chapters 3, 9), the walk-forward
    sweep and its multiple-testing verdict (chapter 8), the canonical honest runs (chapters 9-10) and the real-data
    runs (chapter 7). Returned as a :class:`~mesbook.formatting.FullTable`: every cell shown whole. About fifteen
    seconds.
    """
    rows = []

    def add(key, measured, sample, estimate, low, high, because, verdict=None):
        claim = CLAIMS[key]
        rows.append((claim.says, claim.where, measured, sample, estimate, low, high,
                     verdict or claim_verdict(low, high, claim.sign), because))

    mc = _monte_carlo()
    add("signals", "bot minus a random-entry twin with the same trades", f"{mc.num_paths} simulated markets",
        mc.mean_difference, mc.estimate.low_95, mc.estimate.high_95,
        f"no measurable edge over random entries; one-sided p = {format_p(mc.p_value)}")
    data = book_market(BOOK_SEED)
    audit = lookahead_audit(article_signals(), data, crossover_bars(data), n_scrambles=10)
    gradient = paired_runs({"centred": ARTICLE, "lagged": ARTICLE.replace(gradient="lagged")}, CAVEATS,
                           desc="verdict")["pnl"]
    add("gradient", "P&L change when the same two-bar gradient is taken one bar later (the ladder's split rung), "
        "reading only the past", f"{CAVEATS.markets} simulated markets", *_paired_change(gradient, "centred", "lagged"),
        f"the formula reads the next bar: {len(audit.leaks)} of {len(audit.checks)} audited decisions change with it",
        verdict="refuted" if len(audit.leaks) else "supported")
    history = book_market(BOOK_SEED, WALK_FORWARD_BARS)
    folds = walk_forward(history, SWEEP_SHORTS, SWEEP_LONGS, train_bars=WALK_FORWARD_FOLD, test_bars=WALK_FORWARD_FOLD,
                         statistic="net_pnl")
    gap = summarize_sample((folds["out_of_sample"] - folds["in_sample"]).to_numpy(float))
    sweep = sweep_verdict(data, SWEEP_SHORTS, SWEEP_LONGS, seed=BOOK_SEED)
    add("overfitting", f"out-of-sample minus in-sample P&L of the window pair chosen in-sample (in-sample mean "
        f"{usd(folds['in_sample'].mean(), 0)}, out of sample {usd(folds['out_of_sample'].mean(), 0)})",
        f"{len(folds)} walk-forward folds of {WALK_FORWARD_FOLD} bars", gap["mean ($)"], gap["low 95 ($)"],
        gap["high 95 ($)"], f"best of {sweep.n_strategies} pairs: {sweep.test_name} p = {format_p(sweep.spa_vs_random)} against "
        f"random entries, deflated Sharpe {sweep.dsr:.2f}")
    honest = _honest_runs("article")["pnl"]
    add("volatility", "P&L change when fair options are bought at implied volatility (the variance premium)",
        f"{LADDER.markets} simulated markets", *_paired_change(honest, "fair_no_costs", "variance_premium"),
        f"priced at {REALISTIC.implied_vol_ratio:.2f} × realized volatility, a pessimistic ratio (chapter 9)")
    add("theta", "P&L change when Black-76 options get a quarterly expiry", f"{LADDER.markets} simulated markets",
        *_paired_change(honest, "black76", "fair_no_costs"), "an option that expires loses its time value")
    add("costs", "P&L change when commissions, spread and slippage are charged", f"{LADDER.markets} simulated markets",
        *_paired_change(honest, "variance_premium", "realistic"), "a sure cost on every trade")
    add("simplifications", "P&L change from the article's settings to HONEST (every simplification removed)",
        f"{LADDER.markets} simulated markets", *_paired_change(honest, "article", "honest"),
        f"the article's bot makes {usd(honest['article'].mean(), 2)} a market, HONEST {usd(honest['honest'].mean(), 2)}")
    real = real_data_runs().set_index(["settings", "windows", "OI dated"])
    published = real.loc[("honest prices", "10 / 30 weeks", "publication"), "net P&L ($)"]
    add("real", "net P&L of the bot on CFTC open interest and S&P 500 closes, 2010-2018 (a hypothetical MES, honest "
        "prices)", "1 real path", published, np.nan, np.nan, "one history has no interval")
    table = pd.DataFrame(rows, columns=["says", "where", "measured", "sample", "estimate", "low", "high", "verdict",
                                        "because"])
    return full_table(pd.DataFrame({
        VERDICT_COLUMNS[0]: table["says"], VERDICT_COLUMNS[1]: table["where"], VERDICT_COLUMNS[2]: table["measured"],
        VERDICT_COLUMNS[3]: table["sample"], VERDICT_COLUMNS[4]: [usd(v, 2) for v in table["estimate"]],
        VERDICT_COLUMNS[5]: [f"{usd(lo, 2)} to {usd(hi, 2)}" if np.isfinite(lo) else "—"
                             for lo, hi in zip(table["low"], table["high"])],
        VERDICT_COLUMNS[6]: table["verdict"], VERDICT_COLUMNS[7]: table["because"],
    }))


def canonical_table(keys: Optional[Sequence[str]] = None) -> pd.DataFrame:
    """:func:`canonical_runs` for reading: the run, its sample, and mean [95 % interval] in whole dollars."""
    runs = canonical_runs(keys)
    interval = [f"{lo:,.0f} to {hi:,.0f}" if np.isfinite(lo) else "one market"
                for lo, hi in zip(runs["low 95 ($)"], runs["high 95 ($)"])]
    return full_table(pd.DataFrame({
        "run": runs["run"], "market": runs["market"], "settings": runs["settings"], "markets": runs["sample"],
        "mean ($)": runs["mean ($)"].round(2), "95 % interval ($)": interval,
        "profitable (%)": runs["profitable (%)"].round(1),
    }, index=runs.index))


__all__ = ["CANONICAL", "CLAIMS", "CLAIM_VERDICTS", "COLUMNS", "Canonical", "Claim", "canonical_runs", "canonical_table",
           "canonical_value", "claim_verdict", "describe", "means_outside", "interval_verdict", "summarize_sample", "verdict_table",
           "VERDICT_COLUMNS"]
