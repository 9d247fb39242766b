"""The realism ladder: what each of the article's simplifications is worth, one rung at a time.

Start from ``ARTICLE`` and switch the simplifications off one by one, *cumulatively*, in this order:

1. ``article`` — the article exactly;
2. ``warm-up skipped`` — no signal until every indicator exists (no zero-filled false crossover);
3. ``gradient one bar late`` — the article's centred OI gradient taken one bar late,
   (OI[t] − OI[t−2]) / 2: the same two-bar span, but no peek at the next bar (``gradient="lagged"``);
4. ``gradient window`` — the gradient becomes a slope over ``gradient_window`` bars
   (``gradient="backward"``), a window the article defines but never uses;
5. ``next-bar fills`` — a signal is acted on at the next bar's close, not the close that made it;
6. ``OI lag 1`` — the OI figure is used the morning after it is published;
7. ``Black-76 prices`` — premiums and marks from Black-76 with realized volatility, not a fixed 2.5 points;
8. ``quarterly expiry`` — options expire (theta is paid); up to here options are *fair* (priced at the
   volatility the market has);
9. ``variance premium`` — options are bought, marked and sold at implied volatility, above realized
   (``implied_vol_ratio``; the sourced default is Carr & Wu's, see :data:`~mesbook.engine.settings.IMPLIED_VOL_RATIO`);
10. ``costs`` — commission, half spread and slippage, in CME's premium-dependent ticks (``REALISTIC``);
11. ``roll filter`` — no new trades for a few bars after each quarterly expiry's OI drop (``HONEST``).

Rungs 3 and 4 split one change (the article's gradient to a 5-bar backward slope) into its two parts:
removing the look-ahead, then switching on the window. Every rung is run on the same seeded markets (a
:class:`~mesbook.data.synthetic.Sample`; :func:`ladder_runs`); the table gives the mean net P&L across
them with its standard error and 95 % band (:mod:`mesbook.estimates`), and the mean *paired* change from
the rung before (same markets, so the market noise cancels; the kernel is :mod:`mesbook.studies.paired`).
:func:`realism_ladder` and :func:`ladder_pnl` are the keyword forms (``num_seeds``, ``seed``, ``n_jobs``,
...). :func:`rung_settings` gives one rung's settings by name. The top of the ladder, ``HONEST``, is a
preset of :mod:`mesbook.engine.settings`. Money is in dollars.
"""
from __future__ import annotations

from typing import Any

import pandas as pd

from ..constants import INITIAL_CASH
from ..core.windows import ARTICLE_WINDOWS, Windows
from ..data.synthetic import Sample
from ..engine.settings import ARTICLE, HONEST, BacktestSettings, check_settings
from ..estimates import Z95, estimates
from ..parallel import SERIAL, Workers
from .keywords import windows_and_workers
from .paired import paired_runs, paired_summary

#: The rungs above the article, in order: a name and the settings fields it takes from the target.
RUNGS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("warm-up skipped", ("warmup",)),
    ("gradient one bar late", ("gradient",)),
    ("gradient window", ("gradient",)),
    ("next-bar fills", ("fill_delay", "fill_price")),
    ("OI lag 1", ("oi_lag", "oi_release")),
    ("Black-76 prices", ("pricing", "mark", "exercise", "volatility", "constant_vol", "vol_window", "vol_column", "rate")),
    ("quarterly expiry", ("expiry_cycle", "min_days_to_expiry")),
    ("variance premium", ("implied_vol_ratio", "implied_vol_add")),
    ("costs", ("commission", "slippage_ticks", "half_spread_ticks", "tick_size", "tick_size_above", "tick_threshold")),
    ("roll filter", ("roll_filter",)),
)
#: Rungs that stop part-way: when the target changes one of these fields from the article's value, the
#: rung sets the value given here and a later rung takes the target's.
WAYPOINTS: dict[str, dict[str, object]] = {"gradient one bar late": {"gradient": "lagged"}}
#: The last rung whose options are priced fairly (at the market's own volatility), with no costs.
FAIR_RUNG: str = "quarterly expiry"

#: Columns of :func:`realism_ladder`'s table.
LADDER_COLUMNS: tuple[str, ...] = ("changes", "mean_pnl", "std_error", "low_95", "high_95", "change", "change_std_error",
                                   "mean_trades")


def ladder_steps(target: BacktestSettings = HONEST) -> list[tuple[str, BacktestSettings]]:
    """The rungs as ``(name, settings)``: ``ARTICLE`` first, then each rung's fields taken from ``target``.

    The last rung equals ``target``. Raises ``ValueError`` when ``target`` differs from ``ARTICLE`` in a
    setting no rung covers (stops, sizing, strike rules...): the ladder measures the article's
    simplifications only.
    """
    check_settings(target, "target")
    covered = {name for _, fields in RUNGS for name in fields}
    stray = sorted(set(ARTICLE.differences(target)) - covered)
    if stray:
        raise ValueError(f"target changes {stray}, which no rung of the ladder covers; set them as in ARTICLE")
    steps = [("article", ARTICLE)]
    for name, fields in RUNGS:
        values = {f: getattr(target, f) for f in fields}
        for f, value in WAYPOINTS.get(name, {}).items():
            if values[f] != getattr(ARTICLE, f):
                values[f] = value
        steps.append((name, steps[-1][1].replace(**values)))
    return steps


def rung_settings(name: str, target: BacktestSettings = HONEST) -> BacktestSettings:
    """The settings of the rung called ``name`` on the way to ``target`` (see :func:`ladder_steps`);
    e.g. ``rung_settings(FAIR_RUNG)``: fair expiring options, no variance premium, no costs."""
    steps = dict(ladder_steps(target))
    if name not in steps:
        raise ValueError(f"no rung {name!r}; the rungs are {list(steps)}")
    return steps[name]


def ladder_runs(sample: Sample, target: BacktestSettings = HONEST, *, windows: Windows = ARTICLE_WINDOWS,
                initial_cash: float = INITIAL_CASH, workers: Workers = SERIAL) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Net P&L and trade counts of every rung on every market of ``sample``: two frames, seeds down, rungs
    across. Each cell is ``run_backtest(market_i, rung).net_pnl`` (dollars) or its number of trades."""
    runs = paired_runs(ladder_steps(target), sample, windows=windows, initial_cash=initial_cash, workers=workers,
                       desc="realism ladder")
    pnl, trades = runs["pnl"], runs["trades"]
    for frame in (pnl, trades):
        frame.index.name, frame.columns.name = "seed", "rung"
    return pnl, trades


def ladder_pnl(num_seeds: int = 50, num_periods: int = 500, seed: int = 0, generator: str = "article", *,
               target: BacktestSettings = HONEST, coupling: float = 0.0, initial_cash: float = INITIAL_CASH,
               **keywords: Any) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`ladder_runs` on ``num_seeds`` markets of ``num_periods`` bars of ``generator``, seeded by ``seed``
    (market ``i`` from child ``i`` of ``SeedSequence(seed)``, see :class:`~mesbook.data.synthetic.Sample`).

    ``keywords``: the bot's windows (``windows=`` or ``short_sma_window``/``long_sma_window``/``gradient_window``)
    and where the markets run (``workers=`` or ``n_jobs``/``client``/``progress``); see
    :mod:`mesbook.studies.keywords`.
    """
    windows, workers = windows_and_workers(keywords, "ladder_pnl")
    return ladder_runs(Sample(generator, num_seeds, num_periods, seed, coupling), target, windows=windows,
                       initial_cash=initial_cash, workers=workers)


def realism_ladder(num_seeds: int = 50, num_periods: int = 500, seed: int = 0, generator: str = "article", *,
                   target: BacktestSettings = HONEST, coupling: float = 0.0, **keywords: Any) -> pd.DataFrame:
    """One row per rung (see the module docstring): how mean net P&L moves as realism is added.

    Columns (dollars unless said): ``changes`` — the settings the rung switched; ``mean_pnl`` — mean net
    P&L across seeds; ``std_error`` — its standard error; ``low_95``/``high_95`` — mean ± 1.96 standard
    errors; ``change`` — mean paired change from the previous rung (NaN on the first); ``change_std_error``
    — its standard error; ``mean_trades`` — trades per market. Markets and ``keywords`` (windows, workers)
    as in :func:`ladder_pnl`.
    """
    windows, workers = windows_and_workers(keywords, "realism_ladder")
    sample = Sample(generator, num_seeds, num_periods, seed, coupling)
    return summarize_ladder(*ladder_runs(sample, target, windows=windows, workers=workers), ladder_steps(target))


def summarize_ladder(pnl: pd.DataFrame, trades: pd.DataFrame, steps: list[tuple[str, BacktestSettings]]) -> pd.DataFrame:
    """The table of :func:`realism_ladder` from the per-seed frames of :func:`ladder_pnl`."""
    summary, band = paired_summary(pnl, against="previous"), estimates(pnl)
    settings = [s for _, s in steps]
    changes = ["—"] + [
        ", ".join(f"{name}={new!r}" for name, (_, new) in before.differences(after).items())
        for before, after in zip(settings, settings[1:])
    ]
    table = pd.DataFrame({
        "changes": changes, "mean_pnl": band["mean"], "std_error": band["std_error"], "low_95": band["low_95"],
        "high_95": band["high_95"], "change": summary["change"], "change_std_error": summary["change_std_error"],
        "mean_trades": trades.mean(),
    }, index=pnl.columns)[list(LADDER_COLUMNS)]
    table.attrs["markets"] = len(pnl)  # for the figure's text
    return table


def ladder_table(ladder: pd.DataFrame) -> pd.DataFrame:
    """A :func:`mesbook.realism_ladder` table for reading: mean net P&L with its 95 % band, the step, trades."""
    return pd.DataFrame({
        "mean net P&L ($)": ladder["mean_pnl"].round(1),
        "95 % band ($)": [f"{a:,.0f} to {b:,.0f}" for a, b in zip(ladder["low_95"], ladder["high_95"])],
        "step ($)": ladder["change"].round(1),
        "step ± 95 % ($)": (Z95 * ladder["change_std_error"]).round(1),
        "trades per market": ladder["mean_trades"].round(1),
    }, index=pd.Index(ladder.index, name="rung"))
