"""Is the strategy better than chance? The strategy against random entries over many seeded markets.

On each simulated path the OI strategy trades; then a *random-entry* twin trades the same path with
the same number of trades and the same holding periods (in bars), entering on random bars (the
strategy's trades shuffled in time). If the OI
signals carry no information about future prices the two P&L distributions match, and the one-sided
test of "strategy mean > random mean" gives a large p-value. That is the honest answer for the
article's own generator, where price and OI are independent random walks. On the realistic generator
with ``coupling > 0`` (an OI-driven drift planted in the price, see
:func:`mesbook.data.synthetic.simulate_realistic_market`) the same test finds the edge.

The paths are a :class:`~mesbook.data.synthetic.Sample`: path ``i`` is drawn from child ``i`` of
``SeedSequence(seed)`` (:func:`mesbook.parallel.task_seeds`), its random entries from that child's own
child. Results are therefore bit-identical for a seed, however the paths are spread over processes or a
Dask cluster. The strategy and its twins run on the fast path (:mod:`mesbook.engine.fastpath`): a chunk of paths
shares its bars, so their signals are decided in one 2-D pass (:func:`~mesbook.engine.fastpath.executed_columns`)
and each path trades on arrays (:class:`~mesbook.engine.fastpath.PricedPath`);
:func:`monte_carlo_runs` takes the values (sample, windows, workers), :func:`monte_carlo` the keyword form.
Money is in dollars.
"""
from __future__ import annotations

import dataclasses
import numbers
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Optional, Sequence

import numpy as np
import pandas as pd

from ..core.market import business_days
from ..core.trades import ArrayRun
from ..core.windows import ARTICLE_WINDOWS, Windows
from ..data.synthetic import GENERATORS, PATH_START, Sample
from ..engine.fastpath import FastMarket, PricedPath, executed_columns, fast_terms, require_fast_path
from ..engine.settings import ARTICLE, BacktestSettings, check_settings
from ..estimates import Estimate, estimate, one_sided_t_test
from ..formatting import format_p
from ..parallel import SERIAL, Workers, chunk, task_seeds
from ..validation import check_int
from .keywords import windows_and_workers
from .memo import Memo

RANDOM_TYPES = ("same", "random")


@dataclass(frozen=True)
class MonteCarloResult:
    """Per-path P&L of the strategy and of its random-entry twin, and the test of the difference.

    ``strategy_pnl`` — net P&L of the OI strategy on each path (sum of its trades, dollars).
    ``random_pnl`` — on the same path, the mean net P&L of ``random_draws`` random-entry twins: the
    strategy's trades shuffled in time (dollars). ``trades`` — strategy trades per path.
    ``p_value`` — one-sided paired t-test of mean(strategy − random) > 0 across paths; ``t_statistic``
    its t value.
    """

    strategy_pnl: np.ndarray
    random_pnl: np.ndarray
    trades: np.ndarray
    p_value: float
    t_statistic: float
    generator: str
    coupling: float
    num_periods: int
    random_draws: int
    settings: BacktestSettings = field(repr=False)

    @property
    def num_paths(self) -> int:
        """Number of simulated paths."""
        return len(self.strategy_pnl)

    @property
    def difference(self) -> np.ndarray:
        """Strategy minus random-entry P&L per path, dollars."""
        return self.strategy_pnl - self.random_pnl

    @property
    def mean_difference(self) -> float:
        """Mean edge of the strategy over random entries, dollars per path."""
        return float(self.difference.mean())

    @property
    def estimate(self) -> Estimate:
        """:attr:`mean_difference` with its standard error and 95 % band (:func:`mesbook.estimates.estimate`)."""
        return estimate(self.difference)

    @property
    def std_error(self) -> float:
        """Standard error of :attr:`mean_difference`, dollars (NaN with one path)."""
        return self.estimate.std_error

    def frame(self) -> pd.DataFrame:
        """One row per path: strategy and random-entry P&L (dollars), their difference and the trade count."""
        return pd.DataFrame({"strategy_pnl": self.strategy_pnl, "random_pnl": self.random_pnl,
                             "difference": self.difference, "trades": self.trades},
                            index=pd.RangeIndex(self.num_paths, name="path"))

    def __repr__(self) -> str:
        verdict = "edge found (p < 0.05)" if self.p_value < 0.05 else "no evidence of an edge (p >= 0.05)"
        rows = [
            f"Monte Carlo: {self.num_paths} paths x {self.num_periods} bars, {self.generator} generator, "
            f"coupling {self.coupling:g}",
            f"{'strategy mean P&L':<28}{self.strategy_pnl.mean():>+12,.2f} $",
            f"{'random-entry mean P&L':<28}{self.random_pnl.mean():>+12,.2f} $  ({self.random_draws} draws per path)",
            f"{'difference':<28}{self.mean_difference:>+12,.2f} $  (± {self.estimate.half_width_95:,.2f} $, 95 %)",
            f"{'mean trades per path':<28}{self.trades.mean():>12.1f}",
            f"{'t statistic':<28}{self.t_statistic:>12.2f}",
            f"{'one-sided p-value':<28}{self.p_value:>12.4f}   {verdict}",
        ]
        return "\n".join(rows)


def monte_carlo(num_paths: int = 1000, num_periods: int = 500, seed: Optional[int | np.random.SeedSequence] = 0,
                coupling: float = 0.0, settings: BacktestSettings = ARTICLE, *, generator: Optional[str] = None,
                random_draws: int = 10, random_types: str = "same", **keywords: Any) -> MonteCarloResult:
    """Run the strategy and random-entry twins on ``num_paths`` seeded markets; test the difference.

    ``generator`` is "article" (independent price and OI, the article's script) or "realistic"; by
    default "article" when ``coupling == 0`` and "realistic" otherwise. ``coupling`` is the planted
    per-bar Sharpe ratio of the OI edge (realistic generator only). ``seed`` is a non-negative int or a
    ``numpy.random.SeedSequence`` (``None``: fresh entropy, not reproducible). The markets are the
    :class:`~mesbook.data.synthetic.Sample` of these arguments; ``keywords`` are the bot's windows and the
    workers (``windows=`` or ``short_sma_window``/..., ``workers=`` or ``n_jobs``/``client``/``progress``;
    the answer does not depend on the workers). Everything else as in :func:`monte_carlo_runs`.
    """
    windows, workers = windows_and_workers(keywords, "monte_carlo")
    generator = ("article" if coupling == 0 else "realistic") if generator is None else generator
    return monte_carlo_runs(Sample(generator, num_paths, num_periods, seed, coupling), settings, windows=windows,
                            random_draws=random_draws, random_types=random_types, workers=workers)


def monte_carlo_runs(sample: Sample, settings: BacktestSettings = ARTICLE, *, windows: Windows = ARTICLE_WINDOWS,
                     random_draws: int = 10, random_types: str = "same", workers: Workers = SERIAL) -> MonteCarloResult:
    """The strategy and its random-entry twins on every market of ``sample``; the paired test of the difference.

    The sample's generator is "article" or "realistic". ``settings`` must execute trades as the article
    does (fixed premium, intrinsic value, no costs: see :mod:`mesbook.engine.fastpath`); the signal
    switches (warm-up, gradient, OI lag, fill delay, roll filter) are free.

    Random entries: a twin takes the strategy's trades in a random order and lays them back to back from
    the strategy's first entry bar (:meth:`mesbook.engine.fastpath.FastMarket.twins`), so it has the same
    trades count, holding periods (bars) and time in the market, but entry bars unrelated to the signals;
    each trade is an ATM option at the same fixed premium. ``random_types="same"`` keeps each trade's option
    type; "random" draws call or put with equal odds (which also credits the strategy for its call/put mix,
    not only its timing: on the article's upward-drifting prices that alone looks like an edge). Keeping the
    trades in the same span matters on the realistic generator, whose point volatility grows with the price
    level. ``random_draws`` twins per path are averaged to steady the benchmark. ``workers`` spread the paths.

    A sample with an int seed is run once per process for the same arguments (a chapter, its canonical numbers
    and its self-check ask for the same test; the workers do not change the answer): each call returns its
    own copy of the arrays. A smaller sample of the same markets is read from the first paths of a larger one kept.
    """
    random_draws = check_int("random_draws", random_draws)
    if random_types not in RANDOM_TYPES:
        raise ValueError(f"random_types={random_types!r} is not an option; choose one of {RANDOM_TYPES}")
    check_settings(settings)
    require_fast_path(settings, "monte_carlo")
    if sample.generator not in GENERATORS:
        raise ValueError(f"generator={sample.generator!r} is not an option; choose one of {GENERATORS}")
    key = (sample, settings, windows, random_draws, random_types)
    if not isinstance(sample.seed, numbers.Integral):  # a SeedSequence: equal ones hash apart, no key
        return _run(*key, workers)
    result = _RUNS.get(key, lambda: _computed(key, workers))
    return dataclasses.replace(result, strategy_pnl=result.strategy_pnl.copy(), random_pnl=result.random_pnl.copy(),
                               trades=result.trades.copy())


#: Results by (sample, settings, windows, random_draws, random_types): the workers do not change them.
_RUNS = Memo()


def _run(sample: Sample, settings: BacktestSettings, windows: Windows, random_draws: int, random_types: str,
         workers: Workers) -> MonteCarloResult:
    shared = None
    if sample.generator == "article":  # every path in one call (path i from child i); tasks then read their rows
        prices, oi = sample.paths()
        shared = _ArticlePaths(prices, oi, business_days(PATH_START, sample.bars))
    tasks = chunk(list(enumerate(sample.children())), 4 * workers.count)
    work = partial(_paths_chunk, sample=sample, settings=settings, windows=windows, random_draws=random_draws,
                   random_types=random_types)
    parts = workers.map(work, tasks, shared=shared, desc="Monte Carlo paths")
    strategy, random, trades = (np.concatenate([p[k] for p in parts]) for k in range(3))
    return _result(sample, settings, random_draws, strategy, random, trades)


def _computed(key: tuple, workers: Workers) -> MonteCarloResult:
    first = _first_paths(key)
    return _run(*key, workers) if first is None else first


def _first_paths(key: tuple) -> Optional[MonteCarloResult]:
    """The result for ``key`` from one kept for a larger sample of the same markets: its first paths (path ``i``
    and its twins do not depend on how many paths there are), tested again; ``None`` when none is kept."""
    big = _RUNS.kept_for_more_markets(key)
    if big is None:
        return None
    sample, settings, _, random_draws, _ = key
    n = sample.markets
    return _result(sample, settings, random_draws, big.strategy_pnl[:n].copy(), big.random_pnl[:n].copy(),
                   big.trades[:n].copy())


def _result(sample: Sample, settings: BacktestSettings, random_draws: int, strategy: np.ndarray, random: np.ndarray,
            trades: np.ndarray) -> MonteCarloResult:
    t_statistic, p_value = one_sided_t_test(strategy - random)
    return MonteCarloResult(strategy, random, trades, p_value, t_statistic, sample.generator, sample.coupling,
                            sample.bars, random_draws, settings)


@dataclass(frozen=True)
class _ArticlePaths:
    """Article-generator paths (rows) shared by every task; prices in points, OI in contracts."""

    prices: np.ndarray
    oi: np.ndarray
    times: pd.DatetimeIndex


def _paths_chunk(tasks: list[tuple[int, np.random.SeedSequence]], shared: Optional[_ArticlePaths], *, sample: Sample,
                 settings: BacktestSettings, windows: Windows, random_draws: int,
                 random_types: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Strategy P&L, mean twin P&L and trades of each path of ``tasks``: the paths' signal codes are decided in one
    2-D pass over their open interest (every path of a sample has the same bars), then each path trades on arrays."""
    prices, oi, times = _chunk_paths(tasks, shared, sample)
    codes = executed_columns(np.ascontiguousarray(oi.T), settings, windows, times)
    terms = fast_terms(settings)
    out = np.zeros((3, len(tasks)))
    for row, (_, child) in enumerate(tasks):
        if codes is None:  # signals that read other columns: one market at a time
            market = FastMarket(prices[row], pd.Series(oi[row], name="open_interest"),
                                pd.Series(times, name="timestamp"), settings, caller="monte_carlo")
            run = market.run(windows)
        else:
            market = PricedPath(prices[row], terms)
            run = market.execute(codes[:, row])
        rng = np.random.default_rng(task_seeds(child, 1)[0])
        out[:, row] = run.pnl.sum(), _random_entry_pnl(rng, market, run, random_draws, random_types), len(run.pnl)
    return out[0], out[1], out[2].astype(np.int64)


def _chunk_paths(tasks: list[tuple[int, np.random.SeedSequence]], shared: Optional[_ArticlePaths],
                 sample: Sample) -> tuple[np.ndarray, np.ndarray, pd.DatetimeIndex]:
    """Prices (index points) and OI (contracts) of the tasks' paths, one row each, and their common bars."""
    if shared is not None:
        rows = [path for path, _ in tasks]
        return shared.prices[rows], shared.oi[rows], shared.times
    markets = sample.columns([child for _, child in tasks])  # every path of the chunk at once, no frame per path
    return markets["futures_price"], markets["open_interest"], pd.DatetimeIndex(markets["timestamp"])


def _random_entry_pnl(rng: np.random.Generator, market: PricedPath, run: ArrayRun, draws: int,
                      random_types: str) -> float:
    """Mean total P&L (dollars) of ``draws`` random-entry twins of the trades in ``run``.

    The twins' orders are drawn at once (``argsort`` of uniforms, one row per twin); with
    ``random_types="random"`` their sides are then drawn too.
    """
    if not len(run.pnl):
        return 0.0
    orders = np.argsort(rng.random((draws, len(run.pnl))), axis=1)
    signs = None if random_types == "same" else rng.choice(np.array([-1, 1]), size=orders.shape)
    return float(market.twins(run, orders, signs).pnl.sum(axis=1).mean())


def monte_carlo_label(result: MonteCarloResult) -> str:
    """How tables and figures name the market of a Monte Carlo result."""
    if result.generator == "article":
        return "article's market"
    return f"realistic market, coupling {result.coupling:g}"

def monte_carlo_table(*results, names: Optional[Sequence[str]] = None) -> pd.DataFrame:
    """One row per :class:`mesbook.MonteCarloResult`: mean P&L per path (dollars), the edge, t and p."""
    if not results:
        raise ValueError("pass at least one monte_carlo result")
    names = list(names) if names is not None else [monte_carlo_label(r) for r in results]
    if len(names) != len(results):
        raise ValueError(f"got {len(results)} results but {len(names)} names")
    rows = []
    for result in results:
        rows.append({
            "paths": result.num_paths,
            "strategy ($)": round(float(result.strategy_pnl.mean()), 2),
            "random entries ($)": round(float(result.random_pnl.mean()), 2),
            "difference ($)": round(result.mean_difference, 2),
            "± 95 % ($)": round(result.estimate.half_width_95, 2),
            "t": round(result.t_statistic, 2),
            "p-value": format_p(result.p_value),
        })
    return pd.DataFrame(rows, index=pd.Index(names, name="market"))
