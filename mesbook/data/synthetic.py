"""Synthetic markets beyond the article: a realistic seeded generator and fast Monte Carlo paths.

:func:`simulate_realistic_market` produces a market frame whose price has what the article's Gaussian
random walk lacks — volatility that comes in clusters (GARCH(1,1)), fat-tailed daily moves (Student-t
shocks) and a return measured in percent rather than points — and whose open interest follows the
quarterly roll sawtooth of the real CFTC figures (see ``mesbook/data/README.md``). An optional
price–OI *coupling* plants a genuine, tradeable edge so the article's strategy can be tested against a
market where it ought to work, and against one where it cannot.

:func:`simulate_paths` draws many paths of the article's own generator at once, each one identical to
a seeded call of :func:`mesbook.simulate_market_data`.

A study over many markets runs on a :class:`Sample`: ``markets`` markets of ``bars`` bars from one of
the :data:`MARKET_GENERATORS`, the one place the seeding rule lives. Market ``i`` is
:func:`seeded_market` of the ``i``-th child of ``SeedSequence(seed)`` (:func:`mesbook.parallel.task_seeds`),
so two samples with one seed share their markets (the first 40 of 400 are the 40, market for market), and
a study's numbers never depend on how its markets are spread over processes. The book's own samples are
named in :mod:`mesbook.studies.samples`.
"""
from __future__ import annotations

import dataclasses
import inspect
import numbers
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from typing import NamedTuple

import numpy as np
import pandas as pd

from ..constants import NUM_PERIODS, OI_LONG_SMA_WINDOW, OI_SHORT_SMA_WINDOW, TRADING_DAYS
from ..core.indicators import rolling_mean_columns, rolling_means
from ..core.market import article_walks, business_days, market_frame
from ..options.calendar import ROLL_DAYS_BEFORE, days_to_expiry, option_expiries
from ..parallel import RandomSource, SeedLike, root_seed, seed_generator, task_seeds
from ..validation import check_int, check_number


class MarketPaths(NamedTuple):
    """Many paths of the article's market, one row per path and one column per bar.

    ``futures_price`` is in index points and ``open_interest`` in contracts; both have shape
    ``(num_paths, num_periods)``. The tuple unpacks as ``prices, oi = simulate_paths(...)``.
    """

    futures_price: np.ndarray
    open_interest: np.ndarray


def simulate_realistic_market(
    num_periods: int = NUM_PERIODS,
    seed: RandomSource = None,
    start: str = "2023-01-01",
    *,
    start_price: float = 4000.0,
    annual_vol: float = 0.18,
    garch: tuple[float, float] = (0.08, 0.90),
    tail_dof: float = 4.0,
    annual_drift: float = 0.06,
    oi_base: float = 20000.0,
    roll_build: float = 0.35,
    roll_drop: float = 0.25,
    oi_noise: float = 0.01,
    coupling: float = 0.0,
    coupling_lag: int = 1,
    coupling_windows: tuple[int, int] = (OI_SHORT_SMA_WINDOW, OI_LONG_SMA_WINDOW),
    frame: bool = True,
) -> pd.DataFrame | dict[str, object]:
    """Simulate a market frame with clustered, fat-tailed returns and a quarterly OI roll cycle.

    Bars are business days from ``start``. Returned columns:

    * ``timestamp``; ``futures_price`` (index points, > 0); ``open_interest`` (contracts, > 0);
    * ``volatility`` — the true conditional volatility of the return into that bar, annualized
      (a fraction per year: 0.18 = 18 %), i.e. sqrt(252 × daily variance);
    * ``days_to_expiry`` — calendar days to the quarterly expiry (third Friday of Mar/Jun/Sep/Dec) that
      ends the bar's roll cycle; 0 on expiry day.

    Price. The log return into bar t is ``μ − h_t/2 + sqrt(h_t)·z_t + edge_t`` where μ =
    ``annual_drift``/252, ``z_t`` are Student-t shocks with ``tail_dof`` degrees of freedom rescaled to
    unit variance (``tail_dof=math.inf`` gives Gaussian shocks) and ``h_t`` is a GARCH(1,1) daily
    variance, ``h_t = ω + α·h_{t−1}·z²_{t−1} + β·h_{t−1}``, with ``garch = (α, β)`` (α + β < 1) and
    ω set so that the long-run volatility is ``annual_vol`` (per year); ``h_0`` is that long-run level.
    ``start_price`` (index points) is the close just before bar 0, as in the article.

    Open interest. ``log OI = log(oi_base) + cycle + oi_noise × (Gaussian random walk)``. Over each
    quarterly cycle the ``cycle`` term climbs by ``−log(1 − roll_drop)``: a share ``1 − roll_build``
    evenly across the quarter and a share ``roll_build`` during the last 8 calendar days (from the
    futures roll date to expiry). On the first bar after expiry it falls back, so OI drops by about
    ``roll_drop`` (0.25 = a quarter), as in the CFTC data. ``oi_base`` (contracts) is the level just
    after an expiry, before noise; ``oi_noise`` is the daily standard deviation of the log-OI noise.

    Coupling. With ``coupling`` ≠ 0 the return into bar t gains ``edge_t = coupling × σ_d × s_{t−lag}``
    where σ_d is the long-run daily volatility, ``lag = coupling_lag`` bars and ``s_j`` is
    :func:`oi_trend_signal` — the sign of short minus long moving average of OI over
    ``coupling_windows`` bars, using OI up to bar j only. ``coupling`` is therefore a per-bar Sharpe
    ratio of the planted edge (0.1 ≈ 0.11 % a day at 18 % volatility). With ``coupling_lag ≥ 1`` the
    edge is predictable at the previous close, so a strategy trading at closes can capture it;
    ``coupling_lag=0`` makes OI and price move together on the same bar, which no such strategy can use.
    The OI path and every random draw are the same whatever ``coupling`` is, so for one seed the OI
    signals are identical with and without the edge.

    ``seed``: an int, a ``numpy.random.SeedSequence`` or ``Generator`` (bit-identical output for the same
    seed), or ``None`` for fresh OS entropy (unlike the article's generator, never the global NumPy
    state). Draws: ``num_periods`` price shocks, then ``num_periods`` OI noise terms.

    ``frame=False`` returns the same columns as a dict of arrays (``timestamp`` a DatetimeIndex) without
    building the frame: for studies that run thousands of markets and only read their arrays.
    """
    dates, days_left, law = _realistic_setup(
        num_periods, start, start_price=start_price, annual_vol=annual_vol, garch=garch, tail_dof=tail_dof,
        annual_drift=annual_drift, oi_base=oi_base, roll_build=roll_build, roll_drop=roll_drop, oi_noise=oi_noise,
        coupling=coupling, coupling_lag=coupling_lag, coupling_windows=coupling_windows)
    futures_price, open_interest, variance = (row[0] for row in law.paths([seed_generator(seed)], num_periods))
    columns = {
        "timestamp": dates,
        "futures_price": futures_price,
        "open_interest": open_interest,
        "volatility": np.sqrt(variance * TRADING_DAYS),
        "days_to_expiry": days_left,
    }
    return pd.DataFrame(columns) if frame else columns


def _realistic_defaults() -> dict[str, object]:
    """The keyword defaults of :func:`simulate_realistic_market` (its law's parameters), from its signature."""
    skip = {"num_periods", "seed", "start", "frame"}
    return {name: p.default for name, p in inspect.signature(simulate_realistic_market).parameters.items()
            if name not in skip}


def _realistic_setup(num_periods: int, start: object, *, start_price: float, annual_vol: float,
                     garch: tuple[float, float], tail_dof: float, annual_drift: float, oi_base: float,
                     roll_build: float, roll_drop: float, oi_noise: float, coupling: float, coupling_lag: int,
                     coupling_windows: tuple[int, int]) -> tuple[pd.DatetimeIndex, np.ndarray, "_RealisticLaw"]:
    """The checked parameters of :func:`simulate_realistic_market`: its bars, days to expiry and law."""
    num_periods = check_int("num_periods", num_periods)
    dates, elapsed, in_roll, days_left = _calendar(start, num_periods)
    start_price = check_number("start_price", start_price, strict=True)
    annual_vol = check_number("annual_vol", annual_vol, strict=True)
    alpha, beta = _check_garch(garch)
    tail_dof = _check_tail_dof(tail_dof)
    annual_drift = check_number("annual_drift", annual_drift, minimum=-np.inf)
    oi_base = check_number("oi_base", oi_base, strict=True)
    roll_build = _check_fraction("roll_build", roll_build, closed=True)
    roll_drop = _check_fraction("roll_drop", roll_drop, closed=False)
    oi_noise = check_number("oi_noise", oi_noise)
    coupling = check_number("coupling", coupling, minimum=-np.inf)
    coupling_lag = check_int("coupling_lag", coupling_lag, minimum=0)
    short_window, long_window = _check_coupling_windows(coupling_windows)
    law = _RealisticLaw(start_price, annual_vol**2 / TRADING_DAYS, alpha, beta, tail_dof, annual_drift, oi_base,
                        _roll_lift(elapsed, in_roll, roll_build, roll_drop), oi_noise, coupling, coupling_lag,
                        (short_window, long_window))
    return dates, days_left, law


@dataclass(frozen=True)
class _RealisticLaw:
    """The realistic generator's checked parameters (see :func:`simulate_realistic_market`), daily variance
    instead of annual volatility and the roll cycle's log-OI lift per bar; :meth:`paths` draws markets."""

    start_price: float
    daily_variance: float
    alpha: float
    beta: float
    tail_dof: float
    annual_drift: float
    oi_base: float
    cycle: np.ndarray
    oi_noise: float
    coupling: float
    coupling_lag: int
    coupling_windows: tuple[int, int]

    def paths(self, generators: list[np.random.Generator], num_periods: int) -> tuple[np.ndarray, ...]:
        """Prices, OI and daily variances of one market per generator (rows), each drawn from its own generator
        in the documented order; every step after the draws and the GARCH recursion runs on all rows at once,
        so a market is the same bits alone or among others."""
        shocks = np.empty((len(generators), num_periods))
        oi_steps = np.empty((len(generators), num_periods))
        for row, rng in enumerate(generators):
            shocks[row] = _unit_shocks(rng, self.tail_dof, num_periods)
            oi_steps[row] = rng.standard_normal(num_periods)
        variance = np.stack([garch_variance(row, self.daily_variance, self.alpha, self.beta) for row in shocks]) \
            if len(shocks) else shocks
        with np.errstate(over="ignore", under="ignore", invalid="ignore"):  # checked just below
            open_interest = self.oi_base * np.exp(self.cycle + self.oi_noise * np.cumsum(oi_steps, axis=1))
            edge = 0.0  # no coupling: no edge (the signal is not computed)
            if self.coupling:
                trend = oi_trend_signal(open_interest.T, *self.coupling_windows).T
                edge = self.coupling * np.sqrt(self.daily_variance) * _lagged(trend, self.coupling_lag)
            log_returns = self.annual_drift / TRADING_DAYS - variance / 2 + np.sqrt(variance) * shocks + edge
            futures_price = self.start_price * np.exp(np.cumsum(log_returns, axis=1))
        _check_output(futures_price, open_interest)
        return futures_price, open_interest, variance


def garch_variance(shocks: np.ndarray, long_run_variance: float, alpha: float, beta: float) -> np.ndarray:
    """GARCH(1,1) conditional variances for unit-variance ``shocks`` (per bar, in squared return units).

    ``h_0 = long_run_variance`` and ``h_t = ω + (α·z²_{t−1} + β)·h_{t−1}`` with
    ``ω = long_run_variance × (1 − α − β)``. Because the shocks are drawn first, the recursion is linear
    in h with known coefficients; it runs once through ``itertools.accumulate`` (under 10 ms per 100,000
    bars), the only sequential step of the generator.
    """
    shocks = np.asarray(shocks, dtype=float)
    long_run_variance = check_number("long_run_variance", long_run_variance)
    alpha, beta = _check_garch((alpha, beta))
    omega = long_run_variance * (1.0 - alpha - beta)
    growth = (alpha * shocks[:-1] ** 2 + beta).tolist()
    steps = accumulate(growth, lambda previous, factor: omega + factor * previous, initial=long_run_variance)
    return np.fromiter(steps, dtype=float, count=len(shocks))


def roll_cycle(timestamps: pd.DatetimeIndex, roll_build: float, roll_drop: float) -> tuple[np.ndarray, np.ndarray]:
    """Quarterly roll pattern of log open interest, and calendar days to each bar's quarterly expiry.

    Returns ``(offset, days)``: ``offset`` is the log-OI lift over the cycle's starting level (0 just
    after an expiry, ``−log(1 − roll_drop)`` on expiry day); ``days`` (int64) counts calendar days to the
    expiry that closes the cycle (an expiry day belongs to the cycle it ends). See
    :func:`simulate_realistic_market` for the shape.
    """
    roll_build = _check_fraction("roll_build", roll_build, closed=True)
    roll_drop = _check_fraction("roll_drop", roll_drop, closed=False)
    elapsed, in_roll, days = _cycle_terms(pd.DatetimeIndex(timestamps).normalize())
    return _roll_lift(elapsed, in_roll, roll_build, roll_drop), days


def _cycle_terms(dates: pd.DatetimeIndex) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The calendar part of :func:`roll_cycle` on normalized ``dates``: the share of each bar's quarterly cycle
    elapsed, its share of the roll (0 before the roll date, 1 on expiry day) and calendar days to expiry."""
    margin = pd.Timedelta(days=100)
    grid = option_expiries(dates.min() - margin, dates.max() + margin, "quarterly")
    following = grid.searchsorted(dates, side="left")
    next_expiry, previous_expiry = grid[following], grid[following - 1]
    days = days_to_expiry(dates, next_expiry)
    elapsed = np.asarray((dates - previous_expiry).days) / np.asarray((next_expiry - previous_expiry).days)
    in_roll = np.clip((ROLL_DAYS_BEFORE - days) / ROLL_DAYS_BEFORE, 0.0, 1.0)
    return elapsed, in_roll, days


def _roll_lift(elapsed: np.ndarray, in_roll: np.ndarray, roll_build: float, roll_drop: float) -> np.ndarray:
    """Log-OI lift over a cycle (see :func:`roll_cycle`) from its calendar terms (:func:`_cycle_terms`)."""
    lift = -np.log1p(-roll_drop)
    return lift * ((1.0 - roll_build) * elapsed + roll_build * in_roll)


def _calendar(start: object, num_periods: int) -> tuple[pd.DatetimeIndex, np.ndarray, np.ndarray, np.ndarray]:
    """``num_periods`` business days from ``start`` and their :func:`_cycle_terms`, computed once per date range
    (every market of a sample shares its dates): the arrays are read-only, the frame built from them copies."""
    try:
        return _cached_calendar(start, num_periods)
    except TypeError:  # an unhashable start: computed afresh (business_days names it if it is no date)
        return _calendar_of(start, num_periods)


@lru_cache(maxsize=64)
def _cached_calendar(start: object, num_periods: int) -> tuple[pd.DatetimeIndex, np.ndarray, np.ndarray, np.ndarray]:
    return _calendar_of(start, num_periods)


def _calendar_of(start: object, num_periods: int) -> tuple[pd.DatetimeIndex, np.ndarray, np.ndarray, np.ndarray]:
    dates = business_days(start, num_periods)
    terms = _cycle_terms(dates)
    for array in terms:
        array.flags.writeable = False
    return (dates, *terms)


def oi_trend_signal(
    open_interest: np.ndarray,
    short_window: int = OI_SHORT_SMA_WINDOW,
    long_window: int = OI_LONG_SMA_WINDOW,
) -> np.ndarray:
    """+1 where the short moving average of OI is above the long one, −1 below, 0 otherwise.

    Bar j uses OI up to and including bar j only (trailing averages, windows in bars); bars before the
    long window fills are 0. This is the trend the article's crossover rule trades on. ``open_interest`` is
    one series (bars), or bars × series: each column's signal, the same numbers as alone.
    """
    short_window, long_window = _check_window_pair(short_window, long_window, "short_window", "long_window")
    values = np.asarray(open_interest, dtype=float)
    if values.ndim == 2:
        short, long = rolling_mean_columns(values, short_window, long_window)
    else:
        short, long = rolling_means(pd.Series(values), short_window, long_window)
    return np.nan_to_num(np.sign(short - long), nan=0.0)


def simulate_paths(num_paths: int, num_periods: int = NUM_PERIODS, seed: RandomSource = None) -> MarketPaths:
    """Many independent paths of the article's generator (:func:`mesbook.simulate_market_data`).

    Same distributions: price steps N(0.1, 1.5) points from 4000, floored at 100 points; OI steps
    N(10, 100) contracts from 20,000, floored at 1,000. Returns a :class:`MarketPaths` of two
    ``(num_paths, num_periods)`` arrays (index points, contracts).

    Path i is drawn from the i-th child of ``np.random.SeedSequence(seed)``, so it is bit-identical to::

        child = np.random.SeedSequence(seed, spawn_key=(i,))     # == SeedSequence(seed).spawn(i + 1)[i]
        simulate_market_data(num_periods, seed=np.random.default_rng(child))

    and does not depend on ``num_paths``: asking for more paths only appends rows. ``seed`` may be an
    int, a ``SeedSequence`` (its children are derived without changing it) or ``None`` (fresh entropy).
    The loop runs over paths, each drawing all its bars in one call
    (:func:`mesbook.core.market.article_walks`, the article's own walks).
    """
    num_paths = check_int("num_paths", num_paths)
    num_periods = check_int("num_periods", num_periods)
    futures_price = np.empty((num_paths, num_periods))
    open_interest = np.empty((num_paths, num_periods))
    for path, child in enumerate(task_seeds(seed, num_paths)):
        futures_price[path], open_interest[path] = article_walks(np.random.default_rng(child).normal, num_periods)
    return MarketPaths(futures_price, open_interest)


def _lagged(values: np.ndarray, lag: int) -> np.ndarray:
    """``values`` shifted ``lag`` bars later along the last axis (bars), zeros in front (bar t gets the value of
    bar t − lag)."""
    if lag == 0:
        return values
    out = np.zeros(values.shape)
    bars = values.shape[-1]
    if lag < bars:
        out[..., lag:] = values[..., : bars - lag]
    return out


def _unit_shocks(rng: np.random.Generator, tail_dof: float, size: int) -> np.ndarray:
    """Student-t draws rescaled to variance 1 (Gaussian when ``tail_dof`` is infinite)."""
    if np.isinf(tail_dof):
        return rng.standard_normal(size)
    return rng.standard_t(tail_dof, size) * np.sqrt((tail_dof - 2.0) / tail_dof)


def _check_garch(garch: object) -> tuple[float, float]:
    if not isinstance(garch, (tuple, list)) or len(garch) != 2:
        raise TypeError(f"garch must be a pair (alpha, beta) such as (0.08, 0.90), got {garch!r}")
    alpha = check_number("garch alpha", garch[0])
    beta = check_number("garch beta", garch[1])
    if alpha + beta >= 1:
        raise ValueError(
            f"garch alpha + beta must be < 1 for a finite long-run volatility, got {alpha} + {beta} = {alpha + beta}; "
            "lower one of them"
        )
    return alpha, beta


def _check_tail_dof(tail_dof: object) -> float:
    if isinstance(tail_dof, numbers.Real) and not isinstance(tail_dof, bool) and tail_dof == np.inf:
        return np.inf
    value = check_number("tail_dof", tail_dof)
    if value <= 2:
        raise ValueError(
            f"tail_dof must be > 2 so the shocks have a finite variance, got {value}; 4 is typical for daily returns"
        )
    return value


def _check_fraction(name: str, value: object, closed: bool) -> float:
    value = check_number(name, value)
    if value > 1 or (not closed and value == 1):
        bound = "<= 1" if closed else "< 1"
        raise ValueError(f"{name} must be a fraction {bound}, got {value}")
    return value


def _check_coupling_windows(windows: object) -> tuple[int, int]:
    if not isinstance(windows, (tuple, list)) or len(windows) != 2:
        raise TypeError(
            f"coupling_windows must be a pair (short, long) of bar counts such as (10, 30), got {windows!r}"
        )
    return _check_window_pair(windows[0], windows[1], "coupling_windows short", "coupling_windows long")


def _check_window_pair(short: object, long: object, short_name: str, long_name: str) -> tuple[int, int]:
    short, long = check_int(short_name, short), check_int(long_name, long)
    if short >= long:
        raise ValueError(f"{short_name} ({short}) must be smaller than {long_name} ({long}); swap them")
    return short, long


def _check_output(futures_price: np.ndarray, open_interest: np.ndarray) -> None:
    for name, values in (("futures_price", futures_price), ("open_interest", open_interest)):
        if not (np.isfinite(values).all() and (values > 0).all()):
            raise ValueError(
                f"the parameters drove {name} to 0 or infinity; lower annual_vol, oi_noise, coupling or num_periods"
            )


_REALISTIC_DEFAULTS = _realistic_defaults()
#: Market generators of the Monte Carlo and ladder studies.
GENERATORS: tuple[str, str] = ("article", "realistic")
#: The same generators with the price drift removed (see :func:`seeded_market`).
DRIFTLESS_GENERATORS: tuple[str, str] = ("article_driftless", "realistic_driftless")
#: Every generator :func:`seeded_market` (and the paired studies on it) accepts.
MARKET_GENERATORS: tuple[str, ...] = GENERATORS + DRIFTLESS_GENERATORS
#: Start date of every simulated path (business days), as in the article.
PATH_START = "2023-01-01"


def _drift(generator: str) -> dict[str, float]:
    """The keyword that takes the price drift out of a ``_driftless`` generator (none for the others)."""
    if not generator.endswith("_driftless"):
        return {}
    return {"price_drift": 0.0} if generator.startswith("article") else {"annual_drift": 0.0}


def seeded_market(generator: str, num_periods: int, seed: np.random.SeedSequence, coupling: float = 0.0, *,
                  frame: bool = True) -> pd.DataFrame | dict[str, object]:
    """One market frame from ``generator`` (one of :data:`MARKET_GENERATORS`) for one task seed.

    "article" is :func:`mesbook.simulate_market_data` drawn from ``default_rng(seed)`` (path ``i`` of
    :func:`simulate_paths` for child ``i``); "realistic" is
    :func:`mesbook.data.synthetic.simulate_realistic_market` with that seed and ``coupling``.

    The ``_driftless`` variants are the same markets, from the same random draws, with no price drift:
    "article_driftless" has ``price_drift=0`` (the article's walk gains 0.1 point a bar on average),
    "realistic_driftless" has ``annual_drift=0`` (log returns average −variance/2, so the price is a
    martingale, as Black-76 assumes of a futures price). Open interest is unchanged, so the signals are
    the same bar for bar; only the price's trend is gone.

    ``frame=False``: the same columns as a dict of arrays (``timestamp`` a DatetimeIndex), no frame built.
    """
    if generator in ("article", "article_driftless"):
        if coupling != 0:
            raise ValueError("the article generator draws price and OI independently; coupling needs generator='realistic'")
        drift = _drift(generator)
        num_periods = check_int("num_periods", num_periods)
        price, oi = article_walks(np.random.default_rng(seed).normal, num_periods, **drift)
        dates = business_days(PATH_START, num_periods)
        return market_frame(dates, price, oi) if frame else {"timestamp": dates, "futures_price": price, "open_interest": oi}
    if generator in ("realistic", "realistic_driftless"):
        drift = _drift(generator)
        return simulate_realistic_market(num_periods, seed=seed, start=PATH_START, coupling=coupling, frame=frame,
                                         **drift)
    raise ValueError(f"generator={generator!r} is not an option; choose one of {MARKET_GENERATORS}")


def seeded_markets(generator: str, num_periods: int, seeds: list[np.random.SeedSequence],
                   coupling: float = 0.0) -> dict[str, object]:
    """The markets of :func:`seeded_market` for each of ``seeds``, at once: ``timestamp`` (their shared bars),
    ``futures_price`` and ``open_interest`` as 2-D arrays with one row per seed, the numbers each market has
    alone. The realistic generators draw each market from its own seed and run the rest on all rows together."""
    if generator not in MARKET_GENERATORS:
        raise ValueError(f"generator={generator!r} is not an option; choose one of {MARKET_GENERATORS}")
    if generator.startswith("article"):
        rows = [seeded_market(generator, num_periods, seed, coupling, frame=False) for seed in seeds]
        empty = np.empty((0, check_int("num_periods", num_periods)))
        return {"timestamp": business_days(PATH_START, num_periods),
                **{name: np.stack([row[name] for row in rows]) if rows else empty
                   for name in ("futures_price", "open_interest")}}
    drift = _drift(generator)
    dates, _, law = _realistic_setup(num_periods, PATH_START, **{**_REALISTIC_DEFAULTS, "coupling": coupling, **drift})
    futures_price, open_interest, _ = law.paths([seed_generator(seed) for seed in seeds], num_periods)
    return {"timestamp": dates, "futures_price": futures_price, "open_interest": open_interest}


@dataclass(frozen=True)
class Sample:
    """``markets`` seeded markets of ``bars`` bars from ``generator`` (one of
    :data:`~mesbook.data.synthetic.MARKET_GENERATORS`), with a planted price–OI ``coupling`` (realistic
    generators only).

    ``seed`` is a non-negative int or a ``numpy.random.SeedSequence`` (``None``: fresh entropy, drawn once
    when the sample is made). Checked when made. Market ``i`` is :meth:`market` of child ``i`` of
    :meth:`children`: ``seeded_market(generator, bars, task_seeds(seed, markets)[i], coupling)``.
    """

    generator: str
    markets: int
    bars: int = NUM_PERIODS
    seed: SeedLike = 0
    coupling: float = 0.0

    def __post_init__(self) -> None:
        if self.generator not in MARKET_GENERATORS:
            raise ValueError(f"generator={self.generator!r} is not an option; choose one of {MARKET_GENERATORS}")
        object.__setattr__(self, "markets", check_int("markets (num_seeds, num_paths)", self.markets, minimum=2))
        object.__setattr__(self, "bars", check_int("bars (num_periods)", self.bars, minimum=2))
        coupling = check_number("coupling", self.coupling, minimum=-np.inf)
        if coupling != 0 and self.generator.startswith("article"):
            raise ValueError("the article generator draws price and OI independently; coupling needs "
                             "generator='realistic'")
        object.__setattr__(self, "coupling", coupling)
        object.__setattr__(self, "seed", root_seed(None) if self.seed is None else self.seed)
        root_seed(self.seed)  # a TypeError or ValueError naming seed

    def children(self) -> list[np.random.SeedSequence]:
        """The seed of each market, in order: child ``i`` of ``SeedSequence(seed)``."""
        return task_seeds(self.seed, self.markets)

    def market(self, child: np.random.SeedSequence, *, frame: bool = True) -> pd.DataFrame | dict[str, object]:
        """The market frame of one of :meth:`children` (``bars`` bars of the sample's generator);
        ``frame=False``: its columns as a dict of arrays, the same numbers without building the frame."""
        return seeded_market(self.generator, self.bars, child, self.coupling, frame=frame)

    def columns(self, children: list[np.random.SeedSequence]) -> dict[str, object]:
        """The markets of some of :meth:`children` at once (:func:`seeded_markets`): their shared ``timestamp``
        and 2-D ``futures_price`` and ``open_interest``, one row per child, the numbers of :meth:`market`."""
        return seeded_markets(self.generator, self.bars, list(children), self.coupling)

    def paths(self) -> MarketPaths:
        """Every market of an "article" sample at once, as arrays (one row per market, the same numbers as
        :meth:`market`): :func:`~mesbook.data.synthetic.simulate_paths`."""
        if self.generator != "article":
            raise ValueError(f"paths() draws the article generator's markets; this sample's is {self.generator!r}")
        return simulate_paths(self.markets, self.bars, seed=root_seed(self.seed))

    def first(self, markets: int) -> "Sample":
        """The sample of its first ``markets`` markets (the same markets, fewer of them)."""
        markets = check_int("markets", markets, minimum=2, maximum=self.markets)
        return self.replace(markets=markets)

    def replace(self, **changes: object) -> "Sample":
        """A copy with ``changes`` applied (e.g. ``seed=MARKET_SEED``), checked again."""
        return dataclasses.replace(self, **changes)
