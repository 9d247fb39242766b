"""Window sweeps: one statistic for every (short, long, gradient) window combination.

:func:`sweep_windows` returns a tidy table, one row per combination with ``short < long``; use
:func:`sweep_heatmap` to pivot it into a short × long matrix for a heatmap. Every value equals what
:func:`mesbook.run_backtest` reports for that combination (tested), but the work is shared: with
settings the fast path supports (:func:`mesbook.engine.fastpath.supports_fast_path`, e.g. ``ARTICLE``) one
:class:`~mesbook.engine.fastpath.FastMarket` computes each distinct rolling window once and each
combination costs one signal pass and one array simulation, less than one single backtest. Other
settings run :func:`mesbook.run_backtest` per combination. The book's own grid is :data:`SWEEP_SHORTS` ×
:data:`SWEEP_LONGS`.

A sweep is also the quickest way to fool yourself: the best cell of a heatmap is the best *in this
sample*. :mod:`mesbook.studies.walkforward` measures how much of it survives on data the choice never saw.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import partial
from typing import Any, Optional

import numpy as np
import pandas as pd

from ..clock import bar_clock
from ..constants import INITIAL_CASH, OI_GRADIENT_WINDOW, OI_LONG_SMA_WINDOW, OI_SHORT_SMA_WINDOW
from ..core.trades import ArrayRun
from ..engine.backtest import run_backtest
from ..engine.prepared import PreparedMarket
from ..engine.fastpath import FastMarket, supports_fast_path
from ..engine.settings import ARTICLE, BacktestSettings, check_settings
from ..metrics import STAT_LABELS, bar_returns, compute_stats, sharpe_ratio
from ..parallel import Workers, chunk
from ..validation import check_frame, check_int, check_number
from .keywords import workers_of
from .memo import Memo, frame_key

__all__ = ["STATISTIC_ALIASES", "WINDOW_COLUMNS", "neighbour_contrast", "resolve_statistic", "sweep_heatmap",
           "sweep_windows", "window_grid"]

#: Short names for the statistics people sweep most; any row label of ``compute_stats`` works too.
STATISTIC_ALIASES: dict[str, str] = {"net_pnl": "Net P&L [$]", "sharpe": "Sharpe Ratio", "trades": "# Trades"}
#: Columns of a sweep table before the statistic's own column.
WINDOW_COLUMNS: tuple[str, str, str] = ("short", "long", "gradient")


def resolve_statistic(statistic: object) -> str:
    """The ``compute_stats`` label for ``statistic`` (an alias such as "sharpe", or a label itself)."""
    if not isinstance(statistic, str):
        raise TypeError(f"statistic must be a string such as 'net_pnl' or 'Sharpe Ratio', got {type(statistic).__name__}")
    label = STATISTIC_ALIASES.get(statistic, statistic)
    if label not in STAT_LABELS:
        raise ValueError(
            f"statistic={statistic!r} is unknown; use one of {sorted(STATISTIC_ALIASES)} or a statistics label "
            f"such as {', '.join(repr(s) for s in STAT_LABELS[5:12])}"
        )
    return label


def window_grid(shorts: object, longs: object, gradients: object = (OI_GRADIENT_WINDOW,)) -> list[tuple[int, int, int]]:
    """Every (short, long, gradient) with ``short < long``, sorted; duplicates in the inputs are dropped.

    Each argument is an iterable of window lengths in bars (integers ≥ 1). Raises ``ValueError`` when no
    pair has ``short < long``.
    """
    values = {name: _windows(name, v) for name, v in (("shorts", shorts), ("longs", longs), ("gradients", gradients))}
    grid = [(s, l, g) for s in values["shorts"] for l in values["longs"] if s < l for g in values["gradients"]]
    if not grid:
        raise ValueError(
            f"no window pair has short < long (shorts {values['shorts']}, longs {values['longs']}); "
            "give some long windows larger than some short ones"
        )
    return grid


def sweep_windows(
    data: pd.DataFrame,
    shorts: Iterable[int],
    longs: Iterable[int],
    gradients: Iterable[int] = (OI_GRADIENT_WINDOW,),
    settings: BacktestSettings = ARTICLE,
    statistic: str = "net_pnl",
    *,
    initial_cash: float = INITIAL_CASH,
    periods_per_year: Optional[float] = None,
    **keywords: Any,
) -> pd.DataFrame:
    """``statistic`` of a backtest of ``data`` for every window combination; one row per combination.

    Columns: ``short``, ``long``, ``gradient`` (bars) and one named after ``statistic`` — "net_pnl"
    (dollars), "sharpe", "trades" or any label of :func:`mesbook.metrics.compute_stats` (units in the
    label). Combinations with ``short >= long`` are skipped. ``initial_cash`` is dollars; ``periods_per_year``
    (bars a year, for annualized statistics) defaults to the data's clock (:func:`mesbook.clock.bar_clock`); ``keywords``
    spread the combinations (``workers=``, or ``n_jobs``/``client``/``progress`` as
    :func:`mesbook.parallel.parallel_map` takes them), with identical results. The input frame is not
    modified.
    """
    workers = workers_of(keywords, "sweep_windows")
    check_settings(settings)
    label = resolve_statistic(statistic)
    grid = window_grid(shorts, longs, gradients)
    initial_cash = check_number("initial_cash", initial_cash)
    check_frame(data, positive=("futures_price", "open_interest"))
    periods_per_year = bar_clock(data["timestamp"], periods_per_year).periods_per_year
    key = (frame_key(data), tuple(grid), settings, label, statistic, initial_cash, periods_per_year)
    return _SWEEPS.get(key, lambda: _sweep(data, grid, settings, label, statistic, initial_cash, periods_per_year,
                                           workers)).copy()


#: Sweeps by (the market's content, grid, settings, statistic, cash, year): the chapter 8 heatmap, its explorer and
#: its self-check ask for the same sweep, and a walk-forward's folds for the same slices.
_SWEEPS = Memo(size=64)


def _sweep(data: pd.DataFrame, grid: list[tuple[int, int, int]], settings: BacktestSettings, label: str,
           statistic: str, initial_cash: float, periods_per_year: float, workers: Workers) -> pd.DataFrame:
    count = workers.count
    pieces = chunk(grid, 1 if count == 1 else 4 * count)  # a few chunks per worker balance the load
    if supports_fast_path(settings):  # each distinct window once, before the work is split
        shared = FastMarket.from_frame(data, settings, initial_cash=initial_cash, caller="sweep_windows")
        shared.warm(w for s, l, _ in grid for w in (s, l))
        work = partial(_fast_chunk, label=label, periods_per_year=periods_per_year)
    else:
        shared, work = data, partial(_engine_chunk, label=label, settings=settings, initial_cash=initial_cash,
                                     periods_per_year=periods_per_year)
    values = workers.map(work, pieces, shared=shared, desc="window sweep")
    table = pd.DataFrame(grid, columns=list(WINDOW_COLUMNS))
    table[statistic] = [v for piece in values for v in piece]
    return table


def sweep_heatmap(table: pd.DataFrame, statistic: Optional[str] = None, gradient: Optional[int] = None) -> pd.DataFrame:
    """Pivot a :func:`sweep_windows` table to a matrix: short windows down, long windows across.

    ``statistic`` defaults to the table's only statistic column. With several gradient windows in the
    table, pick one with ``gradient``. Cells where ``short >= long`` are NaN.
    """
    if not isinstance(table, pd.DataFrame) or not set(WINDOW_COLUMNS) <= set(table.columns):
        raise TypeError("table must be the DataFrame returned by sweep_windows (columns short, long, gradient, ...)")
    others = [c for c in table.columns if c not in WINDOW_COLUMNS]
    statistic = statistic_column(table, statistic)
    if statistic not in others:
        raise ValueError(f"statistic {statistic!r} is not a column of the table; it has {others}")
    gradients = sorted(table["gradient"].unique())
    if gradient is None:
        if len(gradients) != 1:
            raise ValueError(f"the table has gradient windows {gradients}; choose one with gradient=")
        gradient = gradients[0]
    if gradient not in gradients:
        raise ValueError(f"gradient={gradient!r} is not in the table; it has {gradients}")
    rows = table[table["gradient"] == gradient]
    return rows.pivot(index="short", columns="long", values=statistic).astype(float)


def _fast_chunk(combos: Sequence[tuple[int, int, int]], market: FastMarket, *, label: str,
                periods_per_year: float) -> list[float]:
    out = []
    for combo in combos:
        run = market.run(combo)
        if label == "# Trades":
            out.append(len(run.pnl))
            continue
        out.append(_statistic(label, market.equity(run), run, market, periods_per_year))
    return out


def _statistic(label: str, equity: np.ndarray, run: ArrayRun, market: FastMarket, periods_per_year: float) -> Any:
    """One statistic computed as run_backtest's compute_stats computes it, skipping the other rows."""
    if label == "Net P&L [$]":
        return float(equity[-1] - market.terms.initial_cash)
    curve = pd.Series(equity, index=pd.Index(market.times, name="timestamp"), name="equity")
    if label == "Sharpe Ratio":
        return sharpe_ratio(bar_returns(curve).to_numpy(), periods_per_year)
    trades = pd.DataFrame({
        "entry_time": market.times[run.entries], "exit_time": market.times[run.exits], "entry_bar": run.entries,
        "exit_bar": run.exits, "pnl": run.pnl, "costs": np.zeros(len(run.pnl)),
    })
    stats = compute_stats(curve, trades, prices=pd.Series(market.price, index=curve.index),
                          periods_per_year=periods_per_year, initial_cash=market.terms.initial_cash)
    return stats[label]


def _engine_chunk(combos: Sequence[tuple[int, int, int]], data: pd.DataFrame, *, label: str,
                  settings: BacktestSettings, initial_cash: float, periods_per_year: float) -> list[Any]:
    """The statistic of each combination's backtest; net P&L and the Sharpe ratio are computed from the equity as
    ``compute_stats`` computes them, without the rest of its table."""
    table = label not in ("Net P&L [$]", "Sharpe Ratio")
    out = []
    market = PreparedMarket(data)  # checked and read once for every combination
    for s, l, g in combos:
        result = run_backtest(market, settings, short_sma_window=s, long_sma_window=l, gradient_window=g,
                              initial_cash=initial_cash, periods_per_year=periods_per_year, statistics=table)
        if label == "Net P&L [$]":
            out.append(float(result.equity.to_numpy(dtype=float)[-1] - initial_cash))
        elif label == "Sharpe Ratio":
            out.append(sharpe_ratio(bar_returns(result.equity).to_numpy(), periods_per_year))
        else:
            out.append(result.stats[label])
    return out


def _windows(name: str, values: object) -> list[int]:
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise TypeError(f"{name} must be an iterable of window lengths in bars, e.g. range(5, 25), got {values!r}")
    windows = sorted({check_int(f"each of {name}", v) for v in values})
    if not windows:
        raise ValueError(f"{name} is empty; give at least one window length in bars")
    return windows


#: The window grid of chapter 8, in bars: short windows (heatmap rows) and long windows (columns); one of
#: the book's samples (:mod:`mesbook.studies.samples`).
SWEEP_SHORTS: tuple[int, ...] = tuple(range(2, 21, 2))
SWEEP_LONGS: tuple[int, ...] = tuple(range(10, 61, 5))

#: How the statistics of :func:`mesbook.sweep_windows` are named in figures and tables.
STATISTIC_NAMES: dict[str, str] = {"net_pnl": "net P&L ($)", "sharpe": "Sharpe ratio", "trades": "trades"}


def statistic_column(table: pd.DataFrame, statistic: Optional[str] = None) -> str:
    """The statistic column of a :func:`sweep_windows` table: ``statistic``, or the only non-window column."""
    if statistic is not None:
        return statistic
    others = [c for c in table.columns if c not in WINDOW_COLUMNS]
    if len(others) != 1:
        raise ValueError(f"the table has statistic columns {others}; choose one with statistic=")
    return others[0]


def sweep_rank(table: pd.DataFrame, short: int = OI_SHORT_SMA_WINDOW, long: int = OI_LONG_SMA_WINDOW,
               statistic: Optional[str] = None) -> int:
    """Rank (1 = best) of the pair ``short``/``long`` among all pairs of a :func:`mesbook.sweep_windows` table.

    Ties share the better rank; a pair that is not in the table raises ``KeyError``.
    """
    statistic = statistic_column(table, statistic)
    chosen = table[(table["short"] == short) & (table["long"] == long)]
    if chosen.empty:
        raise KeyError(f"the pair {short}/{long} is not in the table")
    value = float(chosen[statistic].iloc[0])
    return int((table[statistic].to_numpy(dtype=float) > value).sum() + 1)


def sweep_leaders(table: pd.DataFrame, top: int = 5, statistic: Optional[str] = None) -> pd.DataFrame:
    """The ``top`` pairs of a sweep table by its statistic, then the article's pair (10 / 30), with ranks."""
    statistic = statistic_column(table, statistic)
    ranked = table.sort_values(statistic, ascending=False, kind="stable").reset_index(drop=True)
    ranked.index = pd.RangeIndex(1, len(ranked) + 1, name="rank")
    article = ranked[(ranked["short"] == OI_SHORT_SMA_WINDOW) & (ranked["long"] == OI_LONG_SMA_WINDOW)]
    rows = pd.concat([ranked.head(top), article[article.index > top]])
    out = rows[["short", "long"]].astype(int).copy()
    out[STATISTIC_NAMES.get(statistic, statistic)] = rows[statistic].astype(float).round(2)
    out["share of pairs it beats (%)"] = (100 * (len(ranked) - rows.index) / (len(ranked) - 1)).round(1)
    return out


def neighbour_contrast(table: pd.DataFrame, statistic: Optional[str] = None) -> pd.DataFrame:
    """How the best pair's neighbours on its row of the grid (its short window) compare: the nearest pair, and the
    nearest pair whose statistic is below zero (nearest in long window; a tie goes to the shorter one).

    Rows ``"nearest"`` and ``"nearest below zero"`` (absent when no pair of the row is below zero), columns
    ``short``, ``long`` and the statistic. A lone bright cell next to losing ones is more likely luck than a plateau.
    """
    statistic = statistic_column(table, statistic)
    best = table.loc[table[statistic].astype(float).idxmax()]
    row = table[(table["short"] == best["short"]) & (table["long"] != best["long"])]
    row = row.assign(_distance=(row["long"] - best["long"]).abs()).sort_values(["_distance", "long"], kind="stable")
    picks = {"nearest": row.head(1), "nearest below zero": row[row[statistic].astype(float) < 0].head(1)}
    out = pd.concat([frame.assign(pair=name) for name, frame in picks.items() if len(frame)])
    return out.set_index("pair")[["short", "long", statistic]]

