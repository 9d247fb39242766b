"""The paired-study kernel: the same seeded markets under several settings, and one summary of them.

Every study that asks "what does this change of settings do to the bot?" over many markets runs the
same experiment: market ``i`` is :func:`mesbook.data.synthetic.seeded_market` of a generator for child
``i`` of ``SeedSequence(seed)`` (:func:`mesbook.parallel.task_seeds`), and every variant runs on that
same market, so differences between variants are *paired* and the market noise cancels.

* :func:`paired_runs` — the per-market frame: markets down, ``(measure, variant)`` across. Work is
  spread by :func:`mesbook.parallel.parallel_map` (``n_jobs`` local processes or a Dask ``client``);
  the numbers do not depend on how it is spread.
* :func:`paired_summary` — one table per measure: ``mean``, ``std_error``, and the mean paired
  ``change`` (with ``change_std_error``) against the first variant or the previous one.

The caveats, the realism ladder, the risk rules and the generator comparison are all built on these
two functions. Money is in dollars.
"""
from __future__ import annotations

from functools import partial
from typing import Any, Mapping, Optional, Sequence, Union

import numpy as np
import pandas as pd

from ..constants import INITIAL_CASH, TRADING_DAYS
from ..data.synthetic import MARKET_GENERATORS, seeded_market
from ..engine.backtest import run_backtest
from ..engine.settings import BacktestSettings, check_settings
from ..parallel import parallel_map, task_seeds
from ..validation import check_int, check_number

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
    *,
    generator: str = "article",
    num_seeds: int = 50,
    num_periods: int = 500,
    seed: int = 0,
    coupling: float = 0.0,
    measures: Sequence[str] = ("pnl", "trades"),
    windows: Optional[Mapping[str, int]] = None,
    initial_cash: float = INITIAL_CASH,
    n_jobs: int = 1,
    client: Optional[Any] = None,
    progress: bool = False,
    desc: str = "paired study",
) -> pd.DataFrame:
    """Each variant's ``measures`` on each of ``num_seeds`` seeded markets.

    ``variants`` are named settings, as a mapping or ``(name, settings)`` pairs, in the order the
    summary compares them. Market ``i`` is ``seeded_market(generator, num_periods, child_i, coupling)``
    with ``child_i`` the ``i``-th of :func:`mesbook.parallel.task_seeds` of ``seed``. Each cell comes
    from ``run_backtest(market_i, settings, initial_cash=initial_cash, **windows)``; ``windows`` are
    ``short_sma_window``/``long_sma_window``/``gradient_window`` (bars).

    Returns a frame indexed by ``market`` (0 … num_seeds − 1) with a column MultiIndex
    ``(measure, variant)``; ``frame["pnl"]`` is the net P&L, markets down, variants across. ``trades``
    are integers, the other measures floats (see :data:`MEASURES`).
    """
    pairs = _variants(variants)
    if generator not in MARKET_GENERATORS:
        raise ValueError(f"generator={generator!r} is not an option; choose one of {MARKET_GENERATORS}")
    num_seeds = check_int("num_seeds", num_seeds, minimum=2)
    num_periods = check_int("num_periods", num_periods, minimum=2)
    coupling = check_number("coupling", coupling, minimum=-np.inf)
    initial_cash = check_number("initial_cash", initial_cash)
    measures = _measures(measures)
    work = partial(_one_market, generator=generator, num_periods=num_periods, coupling=coupling,
                   settings=[s for _, s in pairs], measures=measures, windows=dict(windows or {}),
                   initial_cash=initial_cash)
    rows = parallel_map(work, task_seeds(seed, num_seeds), n_jobs=n_jobs, client=client, progress=progress, desc=desc)
    values = np.array(rows)  # markets x measures x variants
    names = [name for name, _ in pairs]
    index = pd.RangeIndex(num_seeds, name="market")
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
    root = np.sqrt(len(values))
    change = values.sub(values.iloc[:, 0], axis=0) if against == "first" else values.diff(axis=1)
    table = pd.DataFrame({
        "mean": values.mean(), "std_error": values.std(ddof=1) / root,
        "change": change.mean(), "change_std_error": change.std(ddof=1) / root,
    }, index=values.columns)
    return table[list(SUMMARY_COLUMNS)]


def market_volatility(data: pd.DataFrame, periods_per_year: float = TRADING_DAYS) -> float:
    """Annualized volatility of a market frame's ``futures_price``: std (ddof 1) of log returns × √periods."""
    prices = data["futures_price"].to_numpy(dtype=float)
    return float(np.std(np.diff(np.log(prices)), ddof=1) * np.sqrt(periods_per_year))


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


def _one_market(child: np.random.SeedSequence, *, generator: str, num_periods: int, coupling: float,
                settings: list[BacktestSettings], measures: list[str], windows: dict[str, int],
                initial_cash: float) -> np.ndarray:
    """``measures x variants`` values on market ``child``."""
    data = seeded_market(generator, num_periods, child, coupling)
    statistics = "max_drawdown" in measures
    out = np.empty((len(measures), len(settings)))
    volatility = market_volatility(data) if "volatility" in measures else np.nan
    for j, s in enumerate(settings):
        result = run_backtest(data, s, initial_cash=initial_cash, statistics=statistics, **windows)
        for k, measure in enumerate(measures):
            if measure == "pnl":
                out[k, j] = result.net_pnl
            elif measure == "trades":
                out[k, j] = len(result.trades)
            elif measure == "max_drawdown":
                out[k, j] = result.stats["Max. Drawdown [%]"]
            else:
                out[k, j] = volatility
    return out


__all__ = ["AGAINST", "MEASURES", "SUMMARY_COLUMNS", "market_volatility", "paired_runs", "paired_summary"]
