"""The article's simplifications, one at a time: what each one is worth, in dollars.

Each :class:`Caveat` names one thing the article's bot does (a fixed premium, same-bar fills, ...) and
the honest alternative. :func:`caveat_settings` applies exactly that one change to ``ARTICLE`` — never
two, never cumulatively (the cumulative ladder is :mod:`mesbook.studies.ladder`). :func:`caveat_effects` runs
the article and every single-switch variant on the same seeded markets (the paired-study kernel,
:mod:`mesbook.studies.paired`) and reports the mean net P&L before and after, and the mean *paired*
change with its standard error (same markets on both sides, so the market noise cancels). Money is in
dollars.

Every caveat is a field of :class:`~mesbook.engine.settings.BacktestSettings` (*one position at a time* is
``position="scale_in"``: one more option on every signal) except *synthetic data*, which is the market,
not the bot: the tables compare the article's generator with :func:`mesbook.simulate_realistic_market`,
and chapter 7 of the book uses real data.

The Black-76 switches estimate volatility from the last ``vol_window`` daily moves. Before that many
moves exist the engine falls back to ``constant_vol``; on the article's generator that is
:data:`ARTICLE_MARKET_VOL` (its own volatility), on the realistic one the engine's default 18 %.
"""
from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Any, Iterable, Optional

import numpy as np
import pandas as pd

from ..constants import TRADING_DAYS
from ..data.synthetic import GENERATORS, Sample, simulate_realistic_market
from ..engine.backtest import run_backtest
from ..engine.settings import ARTICLE, REALISTIC, BacktestSettings, Commission
from ..parallel import SERIAL, Workers
from ..results import SimulationResult
from ..validation import check_int
from .keywords import workers_of
from .paired import paired_runs, paired_summary

#: Annualized volatility of the article's generator at its start: 1.5 points a day on 4,000 points.
ARTICLE_MARKET_VOL: float = 1.5 * np.sqrt(TRADING_DAYS) / 4000.0
#: The volatility each generator is built with (a fraction a year): the article's start-of-path value,
#: and the long-run volatility ``annual_vol`` of :func:`mesbook.simulate_realistic_market` by default.
GENERATOR_VOL: dict[str, float] = {
    "article": ARTICLE_MARKET_VOL,
    "realistic": inspect.signature(simulate_realistic_market).parameters["annual_vol"].default,
}


@dataclass(frozen=True)
class Caveat:
    """One simplification of the article and its honest alternative.

    ``changes`` are the :class:`BacktestSettings` fields the alternative sets (on top of ``ARTICLE``).
    """

    key: str
    article: str
    honest: str
    changes: dict = field(default_factory=dict)


_BLACK76 = {"pricing": "black76", "volatility": "realized", "rate": REALISTIC.rate}

#: The caveats measured by :func:`caveat_effects`, in the book's order.
CAVEATS: tuple[Caveat, ...] = (
    Caveat("warmup", "zero-filled warm-up", "no signal before the averages exist", {"warmup": "skip"}),
    Caveat("gradient", "centred gradient (reads bar t+1)", "backward gradient", {"gradient": "backward"}),
    Caveat("fill", "fills at the signal's own close", "fills at the next close", {"fill_delay": 1}),
    Caveat("oi_lag", "OI used the day it is dated", "OI used the morning after", {"oi_release": REALISTIC.oi_release}),
    Caveat("premium", "fixed 2.5-point premium", "Black-76 premium, still sold at intrinsic", dict(_BLACK76)),
    Caveat("marks", "fixed premium, intrinsic marks", "Black-76 premium and marks", {**_BLACK76, "mark": "model"}),
    Caveat("expiry", "options never expire", "quarterly expiry, ≥ 14 days out",
           {"expiry_cycle": "quarterly", "min_days_to_expiry": REALISTIC.min_days_to_expiry}),
    Caveat("strike", "at-the-money strike", "one strike (5 points) out of the money",
           {"strike": "offset", "strike_offset": 1}),
    Caveat("position", "one option at a time", "one more option on every signal", {"position": "scale_in"}),
    Caveat("costs", "no fees, spread or slippage", "fees, 1-tick half spread, 1-tick slippage",
           {"commission": Commission(), "half_spread_ticks": 1.0, "slippage_ticks": 1.0}),
)

#: Columns of :func:`caveat_effects`.
EFFECT_COLUMNS: tuple[str, ...] = ("article", "honest", "before", "after", "change", "std_error", "trades_before",
                                   "trades_after")


def caveat_list() -> pd.DataFrame:
    """The caveats as a table: what the article does, the alternative, and the settings fields it changes."""
    changed = [", ".join(c.changes) for c in CAVEATS]
    return pd.DataFrame({"the article": [c.article for c in CAVEATS], "switched to": [c.honest for c in CAVEATS],
                         "settings changed": changed}, index=pd.Index([c.key for c in CAVEATS], name="caveat"))


def caveat(key: str) -> Caveat:
    """The :class:`Caveat` called ``key`` (a ``ValueError`` lists the keys otherwise)."""
    for item in CAVEATS:
        if item.key == key:
            return item
    raise ValueError(f"no caveat {key!r}; choose from {', '.join(c.key for c in CAVEATS)}")


def _keys(keys: Iterable[str]) -> list[str]:
    if isinstance(keys, str):
        raise TypeError("pass caveat keys as a list, e.g. ['fill', 'costs'], not a single string")
    chosen = [str(k) for k in keys]
    for key in chosen:
        caveat(key)  # validates
    return chosen


def caveat_settings(keys: Iterable[str] = (), generator: str = "article") -> BacktestSettings:
    """``ARTICLE`` with the honest alternative of every caveat in ``keys`` (e.g. ``["fill"]``).

    One key is the book's one-at-a-time measurement; several keys combine them (the explorer does
    that). ``generator`` ("article" or "realistic") chooses the fallback volatility of the Black-76
    switches (see the module docstring).
    """
    if generator not in GENERATORS:
        raise ValueError(f"generator={generator!r} is not an option; choose one of {GENERATORS}")
    changes: dict = {}
    for key in _keys(keys):
        changes.update(caveat(key).changes)
    if changes.get("pricing") == "black76" and generator == "article":
        changes["constant_vol"] = ARTICLE_MARKET_VOL
    return ARTICLE.replace(**changes)


def run_caveats(data: pd.DataFrame, keys: Iterable[str] = (), generator: str = "article", **kwargs) -> SimulationResult:
    """The article's bot on ``data`` with the honest alternative of each caveat in ``keys``:
    ``run_backtest(data, caveat_settings(keys, generator), **kwargs)`` (``kwargs``: windows and cash)."""
    return run_backtest(data, caveat_settings(keys, generator), **kwargs)


def net_pnl(data: pd.DataFrame, settings: BacktestSettings = ARTICLE, **kwargs) -> tuple[float, int]:
    """``(net P&L in dollars, number of trades)`` of ``run_backtest(data, settings, **kwargs)``, without
    the statistics table (for studies over many markets)."""
    result = run_backtest(data, settings, statistics=False, **kwargs)
    return result.net_pnl, len(result.trades)


def caveat_runs(sample: Sample, caveats: Optional[Iterable[str]] = None, *,
                workers: Workers = SERIAL) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Net P&L (dollars) and trades of the article and of each single-caveat variant, per market of ``sample``.

    Two frames, markets down, ``"article"`` then one column per caveat key (all of :data:`CAVEATS` by
    default) across. The sample's generator is "article" or "realistic"; ``workers`` spread the markets
    (the numbers do not change).
    """
    keys = _keys(c.key for c in CAVEATS) if caveats is None else _keys(caveats)
    if sample.generator not in GENERATORS:
        raise ValueError(f"generator={sample.generator!r} is not an option; choose one of {GENERATORS}")
    variants = [("article", ARTICLE)] + [(k, caveat_settings([k], sample.generator)) for k in keys]
    runs = paired_runs(variants, sample, workers=workers, desc="caveats")
    return runs["pnl"], runs["trades"]


def caveat_pnl(generator: str = "article", num_seeds: int = 100, num_periods: int = 500, seed: int = 7,
               caveats: Optional[Iterable[str]] = None, **keywords: Any) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`caveat_runs` on ``num_seeds`` markets of ``generator``, ``num_periods`` bars long: market ``i``
    from child ``i`` of ``seed`` (as in the realism ladder; :class:`~mesbook.data.synthetic.Sample`).
    ``keywords`` spread the markets: ``workers=``, or ``n_jobs``/``client``/``progress``
    (:func:`mesbook.parallel.parallel_map`); the numbers do not change.
    """
    workers = workers_of(keywords, "caveat_pnl")
    return caveat_runs(Sample(generator, num_seeds, num_periods, seed), caveats, workers=workers)


def summarize_caveats(pnl: pd.DataFrame, trades: pd.DataFrame) -> pd.DataFrame:
    """The table of :func:`caveat_effects` from the per-market frames of :func:`caveat_pnl`."""
    keys = [k for k in pnl.columns if k != "article"]
    summary = paired_summary(pnl[["article", *keys]], against="first").loc[keys]
    return pd.DataFrame({
        "article": [caveat(k).article for k in keys],
        "honest": [caveat(k).honest for k in keys],
        "before": float(pnl["article"].mean()),
        "after": summary["mean"].to_numpy(),
        "change": summary["change"].to_numpy(),
        "std_error": summary["change_std_error"].to_numpy(),
        "trades_before": float(trades["article"].mean()),
        "trades_after": trades[keys].mean().to_numpy(),
    }, index=pd.Index(keys, name="caveat"))[list(EFFECT_COLUMNS)]


def caveat_effects(generator: str = "article", num_seeds: int = 100, num_periods: int = 500, seed: int = 7,
                   caveats: Optional[Iterable[str]] = None, **keywords: Any) -> pd.DataFrame:
    """What each caveat is worth: one row per caveat, switched alone from ``ARTICLE``.

    Columns: ``article`` / ``honest`` — what the article does and the alternative; ``before`` — mean net
    P&L of the article's bot across the markets (dollars); ``after`` — the same with this one caveat
    removed; ``change`` — the mean paired difference ``after − before``; ``std_error`` — its standard
    error; ``trades_before`` / ``trades_after`` — mean trades per market. Markets (and ``keywords``: the
    workers) as in :func:`caveat_pnl`.
    """
    return summarize_caveats(*caveat_pnl(generator, num_seeds, num_periods, seed, caveats, **keywords))


def caveat_table(effects: pd.DataFrame) -> pd.DataFrame:
    """A readable form of :func:`caveat_effects`: dollars rounded, the change written "±" its error."""
    return pd.DataFrame({
        "switched to": effects["honest"],
        "before ($)": effects["before"].round(0).astype(int),
        "after ($)": effects["after"].round(0).astype(int),
        "change ($)": [f"{c:+,.0f} ± {e:,.0f}" for c, e in zip(effects["change"], effects["std_error"])],
        "trades": [f"{b:.1f} → {a:.1f}" for b, a in zip(effects["trades_before"], effects["trades_after"])],
    }, index=effects.index)


def market_comparison(num_seeds: int = 100, num_periods: int = 500, seed: int = 7, **keywords: Any) -> pd.DataFrame:
    """The *synthetic data* caveat: the article's bot on the article's generator and on the realistic one.

    One column per generator; rows: mean net P&L and its standard error (dollars), share of profitable
    markets (%), mean trades, and the price's annualized volatility (%) three ways: the generator's
    setting (:data:`GENERATOR_VOL`: the article's 1.5 points a day at 4,000; the realistic generator's
    long-run GARCH volatility), the median over markets of each market's realized volatility, and the
    root mean square of those (the square root of the mean realized variance). The article's market barely
    moves, which is why a 2.5-point option can look fairly priced there. On the realistic generator the
    median market realizes less than the setting: volatility comes in clusters and fat-tailed bursts, so a
    few turbulent markets carry much of the variance and the typical 500-bar market is calmer; the root
    mean square comes closer to the setting. Markets as in :func:`caveat_pnl` (the same seeds for both
    generators); ``keywords`` (the workers) as there.
    """
    workers = workers_of(keywords, "market_comparison")
    num_periods = check_int("num_periods", num_periods, minimum=30)
    columns = {}
    for generator in GENERATORS:
        runs = paired_runs({"article": ARTICLE}, Sample(generator, num_seeds, num_periods, seed),
                           measures=("pnl", "trades", "volatility"), workers=workers, desc=f"{generator} markets")
        pnl = runs["pnl"]["article"].to_numpy()
        vols = runs["volatility"]["article"].to_numpy()
        summary = paired_summary(runs["pnl"]).loc["article"]
        columns[generator] = pd.Series({
            "mean net P&L ($)": round(float(summary["mean"]), 2),
            "standard error ($)": round(float(summary["std_error"]), 2),
            "profitable markets (%)": round(100 * float((pnl > 0).mean()), 1),
            "mean trades": round(float(np.mean(runs["trades"]["article"].to_numpy())), 1),
            "volatility setting (% a year)": round(100 * GENERATOR_VOL[generator], 2),
            "median realized volatility (% a year)": round(100 * float(np.median(vols)), 2),
            "root-mean-square realized volatility (% a year)": round(100 * float(np.sqrt(np.mean(vols**2))), 2),
        }, dtype=object)
    return pd.DataFrame(columns)


__all__ = [
    "ARTICLE_MARKET_VOL", "CAVEATS", "EFFECT_COLUMNS", "GENERATOR_VOL", "Caveat", "caveat", "caveat_effects", "caveat_list",
    "caveat_pnl", "caveat_runs",
    "caveat_settings", "caveat_table", "market_comparison", "net_pnl", "run_caveats",
    "summarize_caveats",
]
