"""A window sweep as a P&L matrix, for the multiple tests: every pair's per-bar P&L, and its random-entry twin's.

The statistics of :mod:`mesbook.studies.multiple_testing` take a P&L matrix — bars down, one column per
strategy — as the reality check and the SPA test take one. This module builds it for a window sweep, on the fast
path (:class:`~mesbook.engine.fastpath.FastMarket`), from the same runs as
:func:`mesbook.studies.sweep.sweep_windows` (tested):

* :func:`sweep_pnl` — each pair's account change per bar (dollars), one column per (short, long, gradient);
* :func:`random_entry_pnl` — the same for each pair's random-entry twin (its own trades at random bars);
* :func:`sweep_verdict` — both, then :func:`mesbook.studies.multiple_testing.verdict` on them.

Inputs are never modified; everything is seeded, so a seed gives bit-identical matrices.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Union

import numpy as np
import pandas as pd

from ..constants import INITIAL_CASH, OI_GRADIENT_WINDOW
from ..core.trades import ArrayRun
from ..engine.fastpath import FastMarket
from ..engine.settings import ARTICLE, BacktestSettings
from ..parallel import task_seeds
from ..validation import check_int
from .multiple_testing import MultipleTestingVerdict, verdict
from .sweep import WINDOW_COLUMNS, window_grid


def sweep_pnl(data: pd.DataFrame, shorts: Iterable[int], longs: Iterable[int],
              gradients: Iterable[int] = (OI_GRADIENT_WINDOW,), settings: BacktestSettings = ARTICLE, *,
              initial_cash: float = INITIAL_CASH) -> pd.DataFrame:
    """Per-bar P&L (dollars) of every window pair of a sweep: one column per (short, long, gradient).

    Row ``t`` is the change of the account value from bar ``t − 1`` to bar ``t`` (the first bar against
    ``initial_cash``), so each column sums to the pair's net P&L, the value
    :func:`mesbook.studies.sweep.sweep_windows` reports (tested). Columns are a MultiIndex named
    ``short``, ``long``, ``gradient`` (bars), in :func:`~mesbook.studies.sweep.window_grid` order; the
    index is the data's timestamps. Needs settings the fast path runs (e.g. ``ARTICLE``).
    """
    market, runs = _sweep_runs(data, shorts, longs, gradients, settings, initial_cash, "sweep_pnl")
    return _matrix(market, runs, [market.bar_pnl(run) for run in runs.values()])


def random_entry_pnl(data: pd.DataFrame, shorts: Iterable[int], longs: Iterable[int],
                     gradients: Iterable[int] = (OI_GRADIENT_WINDOW,), settings: BacktestSettings = ARTICLE, *,
                     draws: int = 10, seed: Union[int, np.random.SeedSequence] = 0,
                     initial_cash: float = INITIAL_CASH) -> pd.DataFrame:
    """Per-bar P&L (dollars) of each pair's random-entry twin, laid out like :func:`sweep_pnl`.

    A twin trades the pair's own trades (same number, durations, call/put sides) in a random order, back
    to back from the pair's first entry: same time in the market, random entry bars
    (:meth:`mesbook.engine.fastpath.FastMarket.twins`, as in :mod:`mesbook.studies.montecarlo`). Each
    column is the mean over ``draws`` twins; pair ``i`` draws its twins' orders, one permutation per twin,
    from child ``i`` of ``SeedSequence(seed)``: bit-identical for a seed.
    """
    draws = check_int("draws", draws)
    market, runs = _sweep_runs(data, shorts, longs, gradients, settings, initial_cash, "random_entry_pnl")
    columns = []
    for run, child in zip(runs.values(), task_seeds(seed, len(runs))):
        twin = np.zeros(len(market.price))
        if len(run.pnl):
            rng = np.random.default_rng(child)
            twins = market.twins(run, np.stack([rng.permutation(len(run.pnl)) for _ in range(draws)]))
            for k in range(draws):
                twin += market.bar_pnl(ArrayRun(twins.entries[k], twins.exits[k], twins.signs[k], twins.strikes[k],
                                                twins.pnl[k]))
        columns.append(twin / draws)
    return _matrix(market, runs, columns)


def sweep_verdict(data: pd.DataFrame, shorts: Iterable[int], longs: Iterable[int],
                  gradients: Iterable[int] = (OI_GRADIENT_WINDOW,), settings: BacktestSettings = ARTICLE, *,
                  random_draws: int = 10, initial_cash: float = INITIAL_CASH, **options: Any) -> MultipleTestingVerdict:
    """:func:`~mesbook.studies.multiple_testing.verdict` on a window sweep: the raw best pair next to its
    multiple-testing corrections.

    Builds :func:`sweep_pnl` and, when ``random_draws`` > 0, :func:`random_entry_pnl` (seeded from child 2
    of ``SeedSequence(seed)``) for the grid, then calls the verdict with ``options`` (``seed``, ``reps``,
    ``block_size``, ``n_blocks``, ``studentize``, ``periods_per_year``). About a second for 400 pairs × 500 bars.
    """
    pnl = sweep_pnl(data, shorts, longs, gradients, settings, initial_cash=initial_cash)
    twins = None
    if check_int("random_draws", random_draws, minimum=0):
        child = task_seeds(options.get("seed", 0), 3)[2]
        twins = random_entry_pnl(data, shorts, longs, gradients, settings, draws=random_draws, seed=child,
                                 initial_cash=initial_cash)
    return verdict(pnl, twins, **options)


def _sweep_runs(data: pd.DataFrame, shorts: Iterable[int], longs: Iterable[int], gradients: Iterable[int],
                settings: BacktestSettings, initial_cash: float, caller: str) -> tuple[FastMarket, dict]:
    """The market on the fast path and the article's trades of every window combination, by (short, long, gradient)."""
    market = FastMarket.from_frame(data, settings, initial_cash=initial_cash, caller=caller)
    return market, {combo: market.run(combo) for combo in window_grid(shorts, longs, gradients)}


def _matrix(market: FastMarket, runs: dict, columns: list[np.ndarray]) -> pd.DataFrame:
    index = pd.MultiIndex.from_tuples(list(runs), names=list(WINDOW_COLUMNS))
    return pd.DataFrame(np.column_stack(columns), index=pd.Index(market.times, name="timestamp"), columns=index)


__all__ = ["random_entry_pnl", "sweep_pnl", "sweep_verdict"]
