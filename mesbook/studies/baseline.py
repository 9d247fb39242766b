"""What a buyer with no edge should expect after costs, and where an honest run sits against it.

A buyer with *no edge* enters at times that carry no information about the price's future: on the
article's generator (price and OI independent random walks) or the realistic one without coupling, the
bot itself is such a buyer. If the options were fair and the price had no trend, that buyer's expected
net P&L would be zero before costs. Three things move it:

* **costs** — fees, half spread and slippage: a sure loss on every trade;
* **the variance risk premium** — bought and sold at implied volatility above the volatility the market
  delivers, an option loses value faster than its moves pay back (``implied_vol_ratio``/``implied_vol_add``);
* **drift** — both simulated walks drift up, and the bot holds calls longer than puts on them, so it
  collects the price's trend; a trend is not an edge the OI signal finds.

:func:`no_edge_runs` measures the three on the same seeded markets, paired: the settings with fair
options and no costs on the *driftless* twin of each market (same random draws, no trend; see
:func:`mesbook.data.synthetic.seeded_market`), then with the variance premium, then with the costs — the
**no-edge expectation** — and last the run itself, on the market with its drift (and coupling, if any).
:func:`no_edge_table` summarizes them; the ``change`` of the last row is what the drift (and a planted
coupling) adds to a buyer with no edge. Money is in dollars; volatilities per year.
"""
from __future__ import annotations

import math
from typing import Any, Iterable, Optional

import pandas as pd

from ..constants import INITIAL_CASH
from ..core.windows import ARTICLE_WINDOWS, Windows
from ..data.synthetic import GENERATORS, Sample
from ..engine.settings import NO_COMMISSION, REALISTIC, VRP_LOG_VARIANCE_RATIO, BacktestSettings, check_settings
from ..estimates import Z95
from ..estimates import estimates
from ..parallel import SERIAL, Workers
from .keywords import windows_and_workers
from .paired import paired_runs, paired_summary

#: Row labels of :func:`no_edge_table`, in order.
NO_EDGE_ROWS: tuple[str, ...] = ("fair options, no drift", "+ variance premium", "+ costs: no-edge expectation",
                                 "+ drift: the run")
#: The row holding the no-edge expectation.
EXPECTATION_ROW: str = NO_EDGE_ROWS[2]
#: Columns of :func:`no_edge_table`.
NO_EDGE_COLUMNS: tuple[str, ...] = ("mean_pnl", "std_error", "low_95", "high_95", "change", "change_std_error",
                                    "mean_trades", "pnl_per_trade")


def no_edge_steps(settings: BacktestSettings = REALISTIC) -> list[tuple[str, BacktestSettings]]:
    """The first three rows' settings: ``settings`` with fair options and no costs, then with its variance
    premium, then ``settings`` itself. ``settings`` must price options by a model (``pricing="black76"``):
    the article's fixed 2.5-point premium has no fair value to start from."""
    check_settings(settings)
    if settings.pricing != "black76":
        raise ValueError("the no-edge expectation needs model prices (pricing='black76', e.g. mesbook.REALISTIC); "
                         "the article's fixed 2.5-point premium has no fair value to start from")
    fair = settings.replace(implied_vol_ratio=1.0, implied_vol_add=0.0, commission=NO_COMMISSION, slippage_ticks=0.0,
                            half_spread_ticks=0.0, round_to_tick=False)
    premium = fair.replace(implied_vol_ratio=settings.implied_vol_ratio, implied_vol_add=settings.implied_vol_add)
    return list(zip(NO_EDGE_ROWS[:3], (fair, premium, settings)))


def no_edge_runs(settings: BacktestSettings, sample: Sample, *, windows: Windows = ARTICLE_WINDOWS,
                 initial_cash: float = INITIAL_CASH, workers: Workers = SERIAL) -> pd.DataFrame:
    """Per-market net P&L and trades of the four rows of :data:`NO_EDGE_ROWS`, paired market by market.

    The first three rows run on the driftless twins of ``sample``'s markets ("<generator>_driftless", no
    coupling: the same seeds), the last on ``sample`` itself, with its coupling. The twins share every
    random draw, so the paired change of the last row is the drift's (and the coupling's) share alone.
    Returns the :func:`mesbook.studies.paired.paired_runs` frame: markets down, ``(measure, row)`` across,
    measures ``pnl`` (dollars) and ``trades``; ``windows`` are the bot's.
    """
    if sample.generator not in GENERATORS:
        raise ValueError(f"generator={sample.generator!r} is not an option; choose one of {GENERATORS} (its "
                         "driftless twin is used for the no-edge rows)")
    common = dict(windows=windows, initial_cash=initial_cash, workers=workers)
    driftless = sample.replace(generator=f"{sample.generator}_driftless", coupling=0.0)
    quiet = paired_runs(no_edge_steps(settings), driftless, desc="no-edge markets", **common)
    run = paired_runs({NO_EDGE_ROWS[3]: settings}, sample, desc="the run", **common)
    return pd.concat({m: pd.concat([quiet[m], run[m]], axis=1) for m in ("pnl", "trades")}, axis=1,
                     names=["measure", "variant"])


def summarize_no_edge(runs: pd.DataFrame) -> pd.DataFrame:
    """The table of :func:`no_edge_table` from the per-market frame of :func:`no_edge_runs`."""
    pnl, trades = runs["pnl"][list(NO_EDGE_ROWS)], runs["trades"][list(NO_EDGE_ROWS)]
    summary, band = paired_summary(pnl, against="previous"), estimates(pnl)
    table = pd.DataFrame({
        "mean_pnl": band["mean"], "std_error": band["std_error"], "low_95": band["low_95"], "high_95": band["high_95"],
        "change": summary["change"], "change_std_error": summary["change_std_error"],
        "mean_trades": trades.mean(), "pnl_per_trade": pnl.sum() / trades.sum().clip(lower=1),
    }, index=pd.Index(list(NO_EDGE_ROWS), name="buyer"))
    return table[list(NO_EDGE_COLUMNS)]


def no_edge_table(settings: BacktestSettings = REALISTIC, generator: str = "article", num_seeds: int = 40,
                  num_periods: int = 500, seed: int = 7, *, coupling: float = 0.0, **keywords: Any) -> pd.DataFrame:
    """What a buyer with no edge should expect under ``settings``, and where the run itself sits.

    One row per :data:`NO_EDGE_ROWS`, from :func:`no_edge_runs` on ``num_seeds`` markets of ``generator``
    (``num_periods`` bars, market ``i`` from child ``i`` of ``seed``, as in the realism ladder and the
    canonical runs) with ``coupling``; ``keywords`` are the bot's windows and the workers
    (:mod:`mesbook.studies.keywords`). Columns (dollars): ``mean_pnl`` — mean net P&L per market with
    ``std_error`` and the 95 % band ``low_95``/``high_95``; ``change`` — mean paired change from the row above
    (NaN on the first) and ``change_std_error``; ``mean_trades`` — trades per market; ``pnl_per_trade`` —
    total P&L over total trades.

    Reading it: the first row should be consistent with zero (fair options, no trend: no edge to find);
    the second row's change is the variance premium's cost, the third's the costs'; the third row is
    the **no-edge expectation**; the last row's change is what the drift (and any coupling) adds.
    """
    windows, workers = windows_and_workers(keywords, "no_edge_table")
    sample = Sample(generator, num_seeds, num_periods, seed, coupling)
    return summarize_no_edge(no_edge_runs(settings, sample, windows=windows, workers=workers))


#: A smaller variance premium for :func:`variance_premium_sensitivity`: half of Carr and Wu's mean log variance
#: ratio (the premium of a variance swap, which weighs out-of-the-money puts), turned into a volatility ratio the
#: way ``IMPLIED_VOL_RATIO`` is, exp(0.594 / 4) ≈ 1.16. A sensitivity, not an estimate of the at-the-money premium.
SMALLER_VOL_RATIO: float = math.exp(VRP_LOG_VARIANCE_RATIO / 4)

#: Columns of :func:`variance_premium_sensitivity`.
SENSITIVITY_COLUMNS: tuple[str, ...] = ("ratio", "premium step ($)", "step low 95 ($)", "step high 95 ($)",
                                        "no-edge expectation ($)", "low 95 ($)", "high 95 ($)")


def variance_premium_sensitivity(ratios: Optional[Iterable[float]] = None, settings: BacktestSettings = REALISTIC,
                                 **table_keywords: Any) -> pd.DataFrame:
    """The no-edge expectation for several variance premiums: :func:`no_edge_table` with ``implied_vol_ratio`` set
    to each of ``ratios`` (default: :data:`SMALLER_VOL_RATIO` and ``settings``' own ratio).

    One row per ratio: the ``ratio``, the ``premium step`` (the mean paired change the premium makes to fair options
    on drift-free markets, dollars per market) with its 95 % interval, and the no-edge expectation after costs with
    its 95 % band. ``table_keywords`` go to :func:`no_edge_table` (generator, markets, workers...).
    """
    settings = check_settings(settings)
    ratios = [SMALLER_VOL_RATIO, settings.implied_vol_ratio] if ratios is None else list(ratios)
    rows = []
    for ratio in ratios:
        table = no_edge_table(settings.replace(implied_vol_ratio=float(ratio)), **table_keywords)
        step, expect = table.loc[NO_EDGE_ROWS[1]], table.loc[EXPECTATION_ROW]
        half = Z95 * step["change_std_error"]
        rows.append((float(ratio), step["change"], step["change"] - half, step["change"] + half, expect["mean_pnl"],
                     expect["low_95"], expect["high_95"]))
    return pd.DataFrame(rows, columns=list(SENSITIVITY_COLUMNS)).set_index("ratio")


__all__ = ["EXPECTATION_ROW", "NO_EDGE_COLUMNS", "NO_EDGE_ROWS", "SENSITIVITY_COLUMNS", "SMALLER_VOL_RATIO",
           "no_edge_runs", "no_edge_steps", "no_edge_table", "summarize_no_edge", "variance_premium_sensitivity"]
