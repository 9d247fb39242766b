"""The paired-study kernel: the same seeded markets under several settings, and one summary of them.

Every study that asks "what does this change of settings do to the bot?" over many markets runs the
same experiment on a :class:`~mesbook.data.synthetic.Sample` of seeded markets, and every variant runs on
the same market, so differences between variants are *paired* and the market noise cancels.

* :func:`paired_runs` — the per-market frame: markets down, ``(measure, variant)`` across. The markets
  are spread over a :class:`~mesbook.parallel.Workers` (local processes or a Dask cluster); the numbers
  do not depend on how. Each variant's values are kept per process by (sample, settings, measures,
  windows, cash), so a later study that runs the same settings on the same markets only runs what is new
  (a sample's first markets are read from a larger one kept: market ``i`` does not depend on the count).
  The backtests skip the statistics table; the drawdown is :func:`mesbook.metrics.max_drawdown_percent`, the
  table's own.
* :func:`paired_summary` — one table per measure: ``mean``, ``std_error``, and the mean paired
  ``change`` (with ``change_std_error``) against the first variant or the previous one, computed by
  :func:`mesbook.estimates.estimates`.

The caveats, the realism ladder, the risk rules and the generator comparison are all built on these
two functions. Money is in dollars.
"""
from __future__ import annotations

from functools import partial
from typing import Callable, Mapping, Optional, Sequence, Union

import numpy as np
import pandas as pd

from ..clock import bar_clock
from ..constants import INITIAL_CASH
from ..core.windows import ARTICLE_WINDOWS, Windows
from ..data.synthetic import Sample
from ..engine.backtest import run_backtest
from ..engine.fastpath import prepared_run, supports_fast_path
from ..engine.prepared import PreparedMarket
from ..engine.settings import BacktestSettings, check_settings
from ..estimates import estimates
from ..metrics import max_drawdown_percent
from ..parallel import SERIAL, Workers
from ..validation import check_number
from .memo import Memo

#: What :func:`paired_runs` can record per market and variant: net P&L (dollars), number of trades,
#: maximum drawdown (percent of the peak, negative) and the market's annualized price volatility
#: (a fraction a year; the same for every variant, since it belongs to the market).
MEASURES: tuple[str, ...] = ("pnl", "trades", "max_drawdown", "volatility")
#: Columns of :func:`paired_summary`.
SUMMARY_COLUMNS: tuple[str, ...] = ("mean", "std_error", "change", "change_std_error")
#: What :func:`paired_summary` measures changes against.
AGAINST: tuple[str, str] = ("first", "previous")

Variants = Union[Mapping[str, BacktestSettings], Sequence[tuple[str, BacktestSettings]]]


def paired_runs(
    variants: Variants,
    sample: Sample,
    *,
    measures: Sequence[str] = ("pnl", "trades"),
    windows: Windows = ARTICLE_WINDOWS,
    initial_cash: float = INITIAL_CASH,
    workers: Workers = SERIAL,
    desc: str = "paired study",
) -> pd.DataFrame:
    """Each variant's ``measures`` on each market of ``sample``.

    ``variants`` are named settings, as a mapping or ``(name, settings)`` pairs, in the order the
    summary compares them. Each cell comes from ``run_backtest(market_i, settings, initial_cash=initial_cash,
    **windows.keywords())`` on market ``i`` of the :class:`~mesbook.data.synthetic.Sample`; ``workers`` spread
    the markets.

    Returns a frame indexed by ``market`` (0 … markets − 1) with a column MultiIndex ``(measure, variant)``;
    ``frame["pnl"]`` is the net P&L (dollars), markets down, variants across. ``trades`` are integers, the
    other measures floats (see :data:`MEASURES`).
    """
    pairs = _variants(variants)
    if not isinstance(sample, Sample):
        raise TypeError(f"sample must be a Sample, e.g. Sample('article', 40, seed=7), got {type(sample).__name__}")
    if not isinstance(windows, Windows):
        raise TypeError(f"windows must be a Windows, e.g. Windows(10, 30, 5), got {type(windows).__name__}")
    if not isinstance(workers, Workers):
        raise TypeError(f"workers must be a Workers, e.g. Workers(n_jobs=-1), got {type(workers).__name__}")
    initial_cash = check_number("initial_cash", initial_cash)
    measures = _measures(measures)
    values = np.stack(_columns([s for _, s in pairs], sample, measures, windows,
                                initial_cash, workers, desc), axis=2)
    names = [name for name, _ in pairs]
    index = pd.RangeIndex(sample.markets, name="market")
    frames = {}
    for k, measure in enumerate(measures):
        block = values[:, k, :]
        frames[measure] = pd.DataFrame(block.astype(np.int64) if measure == "trades" else block, index=index,
                                       columns=pd.Index(names, name="variant"))
    return pd.concat(frames, axis=1, names=["measure", "variant"])


def paired_summary(values: pd.DataFrame, against: str = "first") -> pd.DataFrame:
    """Mean, standard error and mean paired change of one measure, one row per variant.

    ``values`` has markets down and variants across (e.g. ``paired_runs(...)["pnl"]``; at least two
    markets). Columns: ``mean``; ``std_error`` — standard deviation (ddof 1) / √markets; ``change`` —
    mean over markets of this variant minus the first variant (``against="first"``; 0 on the first
    row) or minus the previous variant (``against="previous"``; NaN on the first row);
    ``change_std_error`` — the standard error of that paired change. Units are those of ``values``.
    """
    if not isinstance(values, pd.DataFrame):
        raise TypeError(f"values must be a DataFrame (markets down, variants across), got {type(values).__name__}")
    if against not in AGAINST:
        raise ValueError(f"against={against!r} is not an option; choose one of {AGAINST}")
    if len(values) < 2:
        raise ValueError(f"values needs at least two markets (rows) for a standard error, got {len(values)}")
    if values.shape[1] < 1:
        raise ValueError("values needs at least one variant (column)")
    change = values.sub(values.iloc[:, 0], axis=0) if against == "first" else values.diff(axis=1)
    level, step = estimates(values), estimates(change)
    return pd.DataFrame({"mean": level["mean"], "std_error": level["std_error"], "change": step["mean"],
                         "change_std_error": step["std_error"]}, index=values.columns)[list(SUMMARY_COLUMNS)]


def market_volatility(data: pd.DataFrame, periods_per_year: Optional[float] = None) -> float:
    """Annualized volatility of a market frame's ``futures_price``: std (ddof 1) of log returns × √periods,
    ``periods_per_year`` defaulting to the data's clock (:func:`mesbook.clock.bar_clock`)."""
    prices = data["futures_price"].to_numpy(dtype=float)
    year = bar_clock(data["timestamp"], periods_per_year).periods_per_year
    return float(np.std(np.diff(np.log(prices)), ddof=1) * np.sqrt(year))


def _variants(variants: Variants) -> list[tuple[str, BacktestSettings]]:
    if isinstance(variants, Mapping):
        pairs = list(variants.items())
    elif isinstance(variants, (str, BacktestSettings)) or not isinstance(variants, Sequence):
        raise TypeError("variants must be named settings: a dict {name: settings} or a list of (name, settings)")
    else:
        pairs = [tuple(v) for v in variants]
    if not pairs:
        raise ValueError("pass at least one variant, e.g. {'article': mesbook.ARTICLE}")
    for pair in pairs:
        if len(pair) != 2:
            raise TypeError(f"each variant must be a (name, settings) pair, got {pair!r}")
        check_settings(pair[1], f"variant {pair[0]!r}")
    names = [str(name) for name, _ in pairs]
    if len(set(names)) != len(names):
        raise ValueError(f"variant names must be unique, got {names}")
    return [(str(name), s) for name, s in pairs]


def _measures(measures: Sequence[str]) -> list[str]:
    if isinstance(measures, str):
        raise TypeError("pass measures as a list, e.g. ['pnl', 'trades'], not a single string")
    chosen = list(measures)
    unknown = [m for m in chosen if m not in MEASURES]
    if unknown or not chosen or len(set(chosen)) != len(chosen):
        raise ValueError(f"measures {chosen} are not a list of distinct names from {MEASURES}")
    return chosen


#: One variant's ``markets x measures`` values by (sample, settings, measures, windows, initial cash): a chapter's
#: studies, its canonical numbers and its self-check run the same settings on the same markets (the ladder's
#: rungs, the no-edge rows), and each variant is run once.
_VARIANTS = Memo(size=256)


def _columns(settings: list[BacktestSettings], sample: Sample, measures: list[str], windows: Windows,
             initial_cash: float, workers: Workers, desc: str) -> list[np.ndarray]:
    """Each of ``settings``' ``markets x measures`` values; those not kept yet run in one pass over the markets."""
    keys = [(sample, s, tuple(measures), windows, initial_cash) for s in settings]
    columns = [_kept(key) for key in keys]
    todo = [j for j, column in enumerate(columns) if column is None]
    if todo:
        work = partial(_one_market, sample=sample, settings=[settings[j] for j in todo], measures=measures,
                       windows=windows, initial_cash=initial_cash)
        values = np.array(workers.map(work, sample.children(), desc=desc))  # markets x measures x variants
        for n, j in enumerate(todo):
            columns[j] = values[:, :, n]
            _VARIANTS.get(keys[j], lambda n=n: values[:, :, n].copy())
    return columns


def _kept(key: tuple) -> Optional[np.ndarray]:
    """The values kept for ``key``, or the first rows of those kept for a larger sample of the same markets (market
    ``i`` of a sample does not depend on how many it has); ``None`` when neither is kept."""
    found = _VARIANTS.find(key)
    if found is not None:
        return found
    more = _VARIANTS.kept_for_more_markets(key)
    return None if more is None else more[: key[0].markets]


def _one_market(child: np.random.SeedSequence, *, sample: Sample, settings: list[BacktestSettings],
                measures: list[str], windows: Windows, initial_cash: float) -> np.ndarray:
    """``measures x variants`` values on the market of ``child``."""
    data = sample.market(child)
    market = PreparedMarket(data)  # checked once; what the variants share is computed once
    out = np.empty((len(measures), len(settings)))
    volatility = market_volatility(data) if "volatility" in measures else np.nan
    for j, s in enumerate(settings):
        pnl, trades, equity = _variant_run(market, s, windows, initial_cash)
        for k, measure in enumerate(measures):
            if measure == "pnl":
                out[k, j] = pnl
            elif measure == "trades":
                out[k, j] = trades
            elif measure == "max_drawdown":
                out[k, j] = max_drawdown_percent(equity())
            else:
                out[k, j] = volatility
    return out


def _variant_run(market: PreparedMarket, settings: BacktestSettings, windows: Windows,
                 initial_cash: float) -> tuple[float, int, Callable[[], pd.Series]]:
    """Net P&L (dollars), trades and the equity curve (when asked for) of one variant on one market: through the fast
    path when the settings execute as the article does (the same numbers as the backtest, on arrays), else
    :func:`~mesbook.engine.backtest.run_backtest` without its statistics."""
    if supports_fast_path(settings):
        path, run = prepared_run(market, settings, windows, initial_cash)
        curve = path.equity(run)
        return float(curve[-1] - initial_cash), len(run.pnl), lambda: pd.Series(curve, index=market.times)
    result = run_backtest(market, settings, initial_cash=initial_cash, statistics=False, **windows.keywords())
    return result.net_pnl, result.trade_count, lambda: result.equity  # the trade log is never built


__all__ = ["AGAINST", "MEASURES", "SUMMARY_COLUMNS", "market_volatility", "paired_runs",
           "paired_summary"]
