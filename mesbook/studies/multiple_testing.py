"""Many tests, one winner: statistics that remember how many strategies were tried before the best.

A window sweep backtests hundreds of window pairs on one market and keeps the best. Its Sharpe ratio is
the *maximum* of hundreds of noisy estimates, so it is high even when no pair has any skill. This module
holds the corrections, each written once:

* :func:`probabilistic_sharpe_ratio` and :func:`deflated_sharpe_ratio` — Bailey & López de Prado (2014),
  "The Deflated Sharpe Ratio", *Journal of Portfolio Management* 40(5). The probability that the true
  Sharpe ratio beats zero once the expected best of ``n_trials`` skill-free trials
  (:func:`expected_max_sharpe`) and non-normal returns are accounted for. :func:`implied_trials` turns
  many correlated trials into the paper's "implied independent trials" (its Appendix A.3, eq. 9).
* :func:`spa_test` and :func:`reality_check` — Hansen's (2005) test of superior predictive ability and
  White's (2000) reality check (:mod:`mesbook.studies.spa`, held to ``arch.bootstrap.SPA`` in the tests): can
  *any* of the strategies beat a benchmark, after searching over all of them? Seeded, so bit-identical for a
  seed.
* :func:`backtest_overfitting` — the probability of backtest overfitting (PBO) by combinatorially
  symmetric cross-validation, Bailey, Borwein, López de Prado & Zhu (2017), *Journal of Computational
  Finance* 20(4): how often the in-sample best pair ranks in the bottom half out of sample.
* :func:`verdict` — all of the above on one P&L matrix, next to the raw best column
  (:class:`MultipleTestingVerdict`).

Like the SPA test, every statistic here takes a P&L (or loss) matrix — bars down, one column per
strategy — and nothing else; building it is the caller's job. For a window sweep that is
:mod:`mesbook.studies.sweep_matrix` (the per-bar P&L of every pair and of its random-entry twin, and
:func:`~mesbook.studies.sweep_matrix.sweep_verdict`).

Units, once for the module. P&L is in **dollars per bar**; a strategy's Sharpe ratio here is the simple
``mean / std`` (ddof 1) of its per-bar P&L, **per bar**, the quantity of Bailey & López de Prado.
"Annualized" values multiply it by ``sqrt(periods_per_year)``. This is not
:func:`mesbook.metrics.sharpe_ratio`, which compounds returns as backtesting.py does. A strategy that
never moves (zero spread) has Sharpe 0. Kurtosis is the plain fourth moment (3 for a normal law), as in
the paper. Inputs are never modified.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from itertools import combinations
from typing import Optional, Union

import numpy as np
import pandas as pd
from scipy.special import ndtr, ndtri


from ..constants import TRADING_DAYS
from ..formatting import format_p, usd
from ..parallel import task_seeds
from ..validation import check_int, check_number
from .spa import BOOTSTRAPS, spa_pvalues

__all__ = [
    "EULER_GAMMA",
    "DeflatedSharpe",
    "MultipleTestingVerdict",
    "OverfittingResult",
    "SPAResult",
    "backtest_overfitting",
    "deflated_sharpe_ratio",
    "expected_max_sharpe",
    "implied_trials",
    "per_bar_sharpe",
    "probabilistic_sharpe_ratio",
    "reality_check",
    "spa_test",
    "verdict",
]

#: The Euler–Mascheroni constant γ of the expected-maximum formula (Bailey & López de Prado 2014, eq. 1).
EULER_GAMMA = 0.5772156649015329

PnLLike = Union[pd.DataFrame, np.ndarray]


# --------------------------------------------------------------------------------------------------
# input checks
# --------------------------------------------------------------------------------------------------
def _pnl_matrix(pnl: object, name: str = "pnl", min_bars: int = 2, min_strategies: int = 1) -> np.ndarray:
    """``pnl`` as a float (bars × strategies) array; refuses text, NaN/inf and too few rows or columns."""
    if isinstance(pnl, pd.Series):
        pnl = pnl.to_frame()
    if isinstance(pnl, pd.DataFrame):
        kinds = pnl.dtypes
        bad = [i for i, kind in enumerate(kinds) if pd.api.types.is_bool_dtype(kind) or not pd.api.types.is_numeric_dtype(kind)]
        if bad:
            raise TypeError(f"{name} must hold numbers (dollars per bar); column {pnl.columns[bad[0]]!r} has dtype "
                            f"{kinds.iloc[bad[0]]}. Convert it with pd.to_numeric")
        values = pnl.to_numpy(dtype=float, na_value=np.nan)
    elif isinstance(pnl, np.ndarray):
        if pnl.dtype.kind not in "iuf":
            raise TypeError(f"{name} must be a numeric array (dollars per bar), got dtype {pnl.dtype}")
        values = pnl.astype(float)
    else:
        raise TypeError(f"{name} must be a DataFrame or 2-D array of per-bar P&L, one column per strategy "
                        f"(e.g. sweep_pnl(...)), got {type(pnl).__name__}")
    if values.ndim == 1:
        values = values[:, None]
    if values.ndim != 2:
        raise ValueError(f"{name} must be 2-D (bars × strategies), got shape {values.shape}")
    bad = ~np.isfinite(values)
    if bad.any():
        row, col = (int(i) for i in np.argwhere(bad)[0])
        raise ValueError(f"{name} has a missing or infinite value at row {row}, column {col}; "
                         "fill flat bars with 0 and drop bars that have no P&L for every strategy")
    if values.shape[0] < min_bars:
        raise ValueError(f"{name} has {values.shape[0]} bar(s); pass at least {min_bars} rows (bars)")
    if values.shape[1] < min_strategies:
        raise ValueError(f"{name} has {values.shape[1]} strategy column(s); pass at least {min_strategies}")
    return values


def _kurtosis_and_skew(skew: object, kurtosis: object) -> tuple[float, float]:
    skew = check_number("skew", skew, minimum=-math.inf)
    kurtosis = check_number("kurtosis", kurtosis, minimum=1.0)  # E[z^4] >= (E[z^2])^2 = 1
    if kurtosis < 1 + skew**2:
        raise ValueError(f"kurtosis ({kurtosis}) must be at least 1 + skew² ({1 + skew**2:g}); pass the plain "
                         "fourth moment (3 for a normal law), not the excess kurtosis")
    return skew, kurtosis


def _labels(pnl: object, k: int) -> list:
    return list(pnl.columns) if isinstance(pnl, pd.DataFrame) else list(range(k))


# --------------------------------------------------------------------------------------------------
# Sharpe ratios: probabilistic and deflated (Bailey & López de Prado 2014)
# --------------------------------------------------------------------------------------------------
def per_bar_sharpe(pnl: PnLLike) -> np.ndarray:
    """Per-bar Sharpe ratio of each column of ``pnl`` (bars × strategies, dollars or returns per bar).

    ``mean / std`` with ddof 1; 0.0 for a column with no spread (a strategy that never trades).
    Multiply by ``sqrt(periods_per_year)`` to annualize. Returns one value per column.
    """
    values = _pnl_matrix(pnl)
    mean, std = values.mean(axis=0), values.std(axis=0, ddof=1)
    return np.divide(mean, std, out=np.zeros_like(mean), where=std > 0)


def _moments(column: np.ndarray) -> tuple[float, float]:
    """Sample skewness and (plain) kurtosis of one column, population moments as in the paper."""
    centred = column - column.mean()
    m2 = float(np.mean(centred**2))
    if m2 == 0:
        return 0.0, 3.0
    return float(np.mean(centred**3) / m2**1.5), float(np.mean(centred**4) / m2**2)


def probabilistic_sharpe_ratio(sharpe: float, n_obs: int, skew: float = 0.0, kurtosis: float = 3.0,
                               benchmark: float = 0.0) -> float:
    """Probability that the true Sharpe ratio exceeds ``benchmark``, given an estimate from ``n_obs`` bars.

    ``sharpe`` and ``benchmark`` are **per bar** (not annualized: divide an annual Sharpe by
    ``sqrt(periods_per_year)``); ``skew`` and ``kurtosis`` are those of the per-bar returns (kurtosis 3
    for normal returns). Bailey & López de Prado (2014), eq. 2::

        PSR = Φ((SR − SR*) · √(T − 1) / √(1 − γ₃·SR + (γ₄ − 1)/4 · SR²))
    """
    sharpe = check_number("sharpe", sharpe, minimum=-math.inf)
    benchmark = check_number("benchmark", benchmark, minimum=-math.inf)
    n_obs = check_int("n_obs", n_obs, minimum=2)
    skew, kurtosis = _kurtosis_and_skew(skew, kurtosis)
    spread = 1.0 - skew * sharpe + (kurtosis - 1.0) / 4.0 * sharpe**2
    if spread <= 0:
        raise ValueError(f"skew={skew} and kurtosis={kurtosis} give a non-positive variance for sharpe={sharpe}; "
                         "check that sharpe is per bar, not annualized")
    return float(ndtr((sharpe - benchmark) * math.sqrt(n_obs - 1) / math.sqrt(spread)))


def expected_max_sharpe(n_trials: float, sharpe_variance: float, mean: float = 0.0) -> float:
    """Expected best Sharpe ratio of ``n_trials`` independent skill-free trials (eq. 1 of the paper).

    ``E[max] ≈ mean + √V · ((1 − γ)·Φ⁻¹(1 − 1/N) + γ·Φ⁻¹(1 − 1/(N·e)))`` with γ the Euler–Mascheroni
    constant. ``sharpe_variance`` is the variance of the trials' Sharpe ratios, in the units of the
    result (per bar² for per-bar Sharpe ratios). ``n_trials`` may be fractional (implied trials); with one
    trial nothing was selected and the result is ``mean``.
    """
    n_trials = check_number("n_trials", n_trials, minimum=1.0)
    sharpe_variance = check_number("sharpe_variance", sharpe_variance)
    mean = check_number("mean", mean, minimum=-math.inf)
    if n_trials == 1.0:
        return mean
    quantiles = (1 - EULER_GAMMA) * ndtri(1 - 1 / n_trials) + EULER_GAMMA * ndtri(1 - 1 / (n_trials * math.e))
    return float(mean + math.sqrt(sharpe_variance) * quantiles)


@dataclass(frozen=True)
class DeflatedSharpe:
    """A deflated Sharpe ratio. ``sharpe`` and ``benchmark`` (the expected best of ``n_trials``
    skill-free trials, SR₀) are per bar; ``probability`` is the DSR: the probability that the true
    Sharpe ratio of the selected strategy is above zero after the selection."""

    sharpe: float
    benchmark: float
    probability: float
    n_trials: float
    n_obs: int
    skew: float
    kurtosis: float

    def annualized(self, periods_per_year: float = TRADING_DAYS) -> tuple[float, float]:
        """(Sharpe, SR₀) per year: both times ``sqrt(periods_per_year)``."""
        root = math.sqrt(check_number("periods_per_year", periods_per_year, strict=True))
        return self.sharpe * root, self.benchmark * root


def deflated_sharpe_ratio(sharpe: float, n_obs: int, n_trials: float, sharpe_variance: float,
                          skew: float = 0.0, kurtosis: float = 3.0) -> DeflatedSharpe:
    """Deflated Sharpe ratio of the best of ``n_trials`` strategies (Bailey & López de Prado 2014).

    The probabilistic Sharpe ratio of ``sharpe`` against SR₀ = :func:`expected_max_sharpe` (mean 0): the
    chance that the selected strategy's true Sharpe ratio beats what the best of ``n_trials`` skill-free
    trials would show. ``sharpe`` is **per bar**, ``sharpe_variance`` the variance of the trials' per-bar
    Sharpe ratios, ``n_obs`` the number of bars, ``skew``/``kurtosis`` those of the selected strategy's
    per-bar returns. The paper's example (N = 100, V = 1/2 per year, T = 1250 days, annual SR 2.5,
    skew −3, kurtosis 10) gives SR₀ ≈ 0.1132 per day and DSR ≈ 0.9004 (tested).
    """
    benchmark = expected_max_sharpe(n_trials, sharpe_variance)
    probability = probabilistic_sharpe_ratio(sharpe, n_obs, skew, kurtosis, benchmark)
    return DeflatedSharpe(float(sharpe), benchmark, probability, float(n_trials), int(n_obs), float(skew),
                          float(kurtosis))


def implied_trials(pnl: PnLLike) -> tuple[float, float]:
    """(N̂, ρ̂): implied independent trials of correlated strategies, ``N̂ = ρ̂ + (1 − ρ̂)·M``.

    ρ̂ is the average correlation between the per-bar P&L of the ``M`` columns of ``pnl`` (columns with no
    spread are left out of the average; ρ̂ is clipped to [0, 1]). Bailey & López de Prado (2014),
    Appendix A.3, eq. 9: M strategies that all move together count as one trial.
    """
    values = _pnl_matrix(pnl, min_strategies=1)
    m = values.shape[1]
    live = values[:, values.std(axis=0) > 0]
    if live.shape[1] < 2:
        return float(m), 0.0
    corr = np.corrcoef(live, rowvar=False)
    k = corr.shape[0]
    rho = float(np.clip((corr.sum() - k) / (k * (k - 1)), 0.0, 1.0))
    return rho + (1 - rho) * m, rho


# --------------------------------------------------------------------------------------------------
# reality check and SPA (White 2000; Hansen 2005)
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SPAResult:
    """The p-values of "no strategy beats the benchmark" (:func:`spa_test`).

    ``lower``/``consistent``/``upper`` differ in how poor strategies are re-centred (Hansen 2005; see
    :mod:`mesbook.studies.spa`). With ``studentize`` True, ``consistent`` is Hansen's SPA p-value; with it
    False the statistic is White's reality check and ``upper`` is White's p-value, ``consistent`` the same
    statistic with Hansen's re-centring. ``best`` is the column with the highest mean P&L over the benchmark,
    ``best_mean`` that mean (dollars per bar).
    """

    lower: float
    consistent: float
    upper: float
    best: object
    best_mean: float
    studentize: bool
    reps: int
    block_size: int
    bootstrap: str


def spa_test(pnl: PnLLike, benchmark: Optional[object] = None, *, reps: int = 1000,
             block_size: Optional[int] = None, bootstrap: str = "stationary", studentize: bool = True,
             seed: Union[int, np.random.SeedSequence] = 0) -> SPAResult:
    """Test whether any column of ``pnl`` (bars × strategies, dollars per bar; higher is better) beats
    ``benchmark`` (per-bar P&L of one strategy, same bars; ``None`` = zero, i.e. not trading).

    The null is "no strategy has a higher expected P&L than the benchmark". With ``studentize=True`` the
    statistic is Hansen's (2005) ``T^SPA``, each strategy's mean edge divided by its standard error, and
    ``consistent`` is his SPA p-value; with ``studentize=False`` the statistic is the best mean edge itself,
    White's (2000) reality check (``upper`` is White's p-value), and the p-values are those of
    ``arch.bootstrap.SPA`` 8.0.0 on losses equal to minus the P&L, bit for bit (whose ``studentize`` flag
    changes none of them). :func:`mesbook.studies.spa.spa_pvalues` computes them. ``block_size`` is the
    mean block length in bars of the ``bootstrap`` ("stationary", "circular" or "moving block"); ``None``
    uses ⌊√T⌋. The bootstrap draws from ``numpy.random.default_rng(seed)``, so a seed gives bit-identical
    p-values.
    """
    values = _pnl_matrix(pnl, min_bars=3)
    n, k = values.shape
    if benchmark is None:
        base = np.zeros(n)
    else:
        base = _pnl_matrix(np.asarray(benchmark, dtype=float) if not isinstance(benchmark, (pd.Series, pd.DataFrame))
                           else benchmark, name="benchmark", min_bars=3)
        if base.shape != (n, 1):
            raise ValueError(f"benchmark must be one series with one value per bar of pnl ({n} bars), got shape "
                             f"{base.shape}; pass None to compare with not trading")
        base = base[:, 0]
    reps = check_int("reps", reps, minimum=10)
    size = int(math.sqrt(n)) if block_size is None else check_int("block_size", block_size, maximum=n)
    if bootstrap not in BOOTSTRAPS:
        raise ValueError(f"bootstrap={bootstrap!r} is unknown; use one of {tuple(dict.fromkeys(BOOTSTRAPS.values()))}")
    if not isinstance(studentize, bool):
        raise TypeError(f"studentize must be True or False, got {studentize!r}")
    rng = np.random.default_rng(seed if isinstance(seed, np.random.SeedSequence) else check_int("seed", seed, minimum=0))
    edge = values - base[:, None]
    lower, consistent, upper = spa_pvalues(edge, block_size=size, reps=reps, bootstrap=bootstrap,
                                           studentize=studentize, rng=rng)
    means = edge.mean(axis=0)
    best = int(np.argmax(means))
    return SPAResult(lower, consistent, upper, _labels(pnl, k)[best], float(means[best]), studentize, reps, size,
                     bootstrap)


def reality_check(pnl: PnLLike, benchmark: Optional[object] = None, **options) -> float:
    """White's (2000) reality-check p-value: :func:`spa_test` without studentization, its ``upper`` value.

    Same arguments as :func:`spa_test` (except ``studentize``).
    """
    if "studentize" in options:
        raise TypeError("reality_check is the non-studentized test; call spa_test(studentize=...) instead")
    return spa_test(pnl, benchmark, studentize=False, **options).upper


# --------------------------------------------------------------------------------------------------
# probability of backtest overfitting (CSCV, Bailey, Borwein, López de Prado & Zhu 2017)
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class OverfittingResult:
    """CSCV result: ``probability`` (PBO) is the share of the ``n_combinations`` splits whose
    in-sample best strategy ranks at or below the median out of sample (logit ≤ 0). ``logits`` holds
    λ = ln(ω / (1 − ω)) per split, ω the out-of-sample relative rank in (0, 1)."""

    probability: float
    logits: np.ndarray = field(repr=False)
    n_blocks: int
    n_combinations: int


def backtest_overfitting(pnl: PnLLike, n_blocks: int = 16) -> OverfittingResult:
    """Probability of backtest overfitting of choosing the best column of ``pnl`` by per-bar Sharpe.

    Combinatorially symmetric cross-validation: the bars are cut into ``n_blocks`` (even) consecutive
    blocks of near-equal length; for every way of taking half of them as the in-sample set (the rest
    out of sample) the strategy with the best in-sample Sharpe is found and its out-of-sample Sharpe
    ranked among all strategies (ties take the mid rank; a flat strategy has Sharpe 0). Deterministic:
    no random numbers. ``C(n_blocks, n_blocks/2)`` splits (12,870 for 16 blocks).
    """
    values = _pnl_matrix(pnl, min_strategies=2)
    n_blocks = check_int("n_blocks", n_blocks, minimum=2, maximum=24)
    if n_blocks % 2:
        raise ValueError(f"n_blocks must be even (half the blocks in sample, half out), got {n_blocks}")
    if values.shape[0] < 2 * n_blocks:
        raise ValueError(f"pnl has {values.shape[0]} bars, too few for {n_blocks} blocks of at least 2 bars; "
                         "pass fewer n_blocks or more bars")
    pieces = np.array_split(values, n_blocks)
    count = np.array([len(p) for p in pieces], dtype=float)
    total = np.stack([p.sum(axis=0) for p in pieces])
    squares = np.stack([(p**2).sum(axis=0) for p in pieces])
    splits = list(combinations(range(n_blocks), n_blocks // 2))
    chosen = np.zeros((len(splits), n_blocks))
    for row, blocks in enumerate(splits):
        chosen[row, list(blocks)] = 1.0
    sharpe = _block_sharpe(chosen, count, total, squares)  # each half-set once: in sample here ...
    position = {blocks: row for row, blocks in enumerate(splits)}
    complement = np.array([position[tuple(sorted(set(range(n_blocks)) - set(b)))] for b in splits])
    oos_sharpe = sharpe[complement]  # ... and out of sample for the split that holds the other half
    best = np.argmax(sharpe, axis=1)
    picked = oos_sharpe[np.arange(len(best)), best][:, None]
    rank = (oos_sharpe < picked).sum(axis=1) + 0.5 * ((oos_sharpe == picked).sum(axis=1) - 1) + 1
    omega = rank / (values.shape[1] + 1)
    logits = np.log(omega / (1 - omega))
    return OverfittingResult(float(np.mean(logits <= 0)), logits, n_blocks, len(logits))


def _block_sharpe(chosen: np.ndarray, count: np.ndarray, total: np.ndarray, squares: np.ndarray) -> np.ndarray:
    """Per-bar Sharpe (ddof 1) of every strategy over the union of the chosen blocks, one row per split."""
    n = (chosen @ count)[:, None]
    mean = (chosen @ total) / n
    variance = np.maximum((chosen @ squares) - n * mean**2, 0.0) / (n - 1)
    std = np.sqrt(variance)
    tiny = 1e-12 * np.maximum(np.abs(mean), 1.0)  # a flat strategy's rounding residue is not spread
    return np.divide(mean, std, out=np.zeros_like(mean), where=std > tiny)


# --------------------------------------------------------------------------------------------------
# the verdict: every statistic above on one P&L matrix
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class MultipleTestingVerdict:
    """The multiple-testing verdict on a set of strategies run on the same bars (e.g. a window sweep), as
    :func:`verdict` finds it.

    Sharpe ratios are annualized (``periods_per_year``); P&L in dollars. ``dsr`` uses the implied
    independent trials (:func:`implied_trials`), ``dsr_all_trials`` counts every strategy as independent
    (the paper's upper bound on the search). ``spa_vs_flat`` and ``spa_vs_random`` are the ``consistent``
    p-values of :func:`spa_test` (Hansen's re-centring) with ``studentized`` as asked: Hansen's SPA test when
    True, White's reality check with Hansen's re-centring when False (:attr:`test_name` says which).
    "vs no trading" compares with a flat account, "vs random entries" each pair with its random-entry twin
    (:func:`mesbook.studies.sweep_matrix.random_entry_pnl`); NaN when not computed.
    """

    n_strategies: int
    n_bars: int
    best: object
    best_pnl: float
    best_sharpe: float
    expected_max_sharpe: float
    implied_trials: float
    average_correlation: float
    dsr: float
    dsr_all_trials: float
    spa_vs_flat: float
    spa_vs_random: float
    pbo: float
    periods_per_year: float
    reps: int
    seed: object
    studentized: bool = False

    @property
    def test_name(self) -> str:
        """What the two p-values test with: "SPA" (Hansen's studentized statistic) or "reality check" (White's
        statistic, the best mean P&L itself), both re-centred as Hansen's consistent p-value."""
        return "SPA" if self.studentized else "reality check"

    def table(self) -> pd.DataFrame:
        """The verdict as a two-column table (statistic, value as text) for a book cell."""
        rows = [
            ("strategies tested", f"{self.n_strategies:,}"),
            ("bars", f"{self.n_bars:,}"),
            ("best strategy (in sample)", str(self.best)),
            ("best strategy's net P&L", usd(self.best_pnl, signed=True)),
            ("best strategy's Sharpe ratio (annualized)", f"{self.best_sharpe:.2f}"),
            ("expected best Sharpe with no skill (annualized)", f"{self.expected_max_sharpe:.2f}"),
            ("implied independent trials (average correlation)",
             f"{self.implied_trials:.1f} ({self.average_correlation:.2f})"),
            ("deflated Sharpe ratio: P(true Sharpe > 0)", f"{self.dsr:.3f}"),
            ("same, every strategy an independent trial", f"{self.dsr_all_trials:.3f}"),
            (f"{self.test_name} p-value vs no trading", format_p(self.spa_vs_flat)),
            (f"{self.test_name} p-value vs random entries", format_p(self.spa_vs_random)),
            ("probability of backtest overfitting", f"{self.pbo:.2f}" if np.isfinite(self.pbo) else "n/a"),
        ]
        return pd.DataFrame(rows, columns=["statistic", "value"]).set_index("statistic")

    def __repr__(self) -> str:
        return self.table().to_string()


def verdict(pnl: pd.DataFrame, random_pnl: Optional[pd.DataFrame] = None, *, periods_per_year: float = TRADING_DAYS,
            reps: int = 1000, block_size: Optional[int] = None, n_blocks: int = 16, studentize: bool = False,
            seed: Union[int, np.random.SeedSequence] = 0) -> MultipleTestingVerdict:
    """Every multiple-testing statistic of this module on one P&L matrix (bars × strategies, dollars).

    ``random_pnl`` (same shape) is each strategy's own benchmark, e.g.
    :func:`mesbook.studies.sweep_matrix.random_entry_pnl`; the
    "vs random entries" tests then run on ``pnl − random_pnl`` against zero. ``reps``, ``block_size`` and
    ``studentize`` go to :func:`spa_test` (seeded from children 0 and 1 of ``SeedSequence(seed)``): the default,
    ``False``, is the reality check with Hansen's re-centring, what the book shows; ``True`` Hansen's SPA test;
    ``n_blocks`` to :func:`backtest_overfitting` (0 skips it). Sharpe ratios are annualized with
    ``periods_per_year``.
    """
    values = _pnl_matrix(pnl, min_bars=3, min_strategies=2)
    periods = check_number("periods_per_year", periods_per_year, strict=True)
    n, m = values.shape
    labels = _labels(pnl, m)
    sharpe = per_bar_sharpe(values)
    best = int(np.argmax(sharpe))
    trials, rho = implied_trials(values)
    variance = float(np.var(sharpe, ddof=1))
    skew, kurtosis = _moments(values[:, best])
    kurtosis = max(kurtosis, 1 + skew**2)  # guards rounding on near-degenerate columns
    deflated = deflated_sharpe_ratio(sharpe[best], n, trials, variance, skew, kurtosis)
    every = deflated_sharpe_ratio(sharpe[best], n, m, variance, skew, kurtosis)
    seeds = task_seeds(seed, 2)
    options = dict(reps=reps, block_size=block_size, studentize=studentize)
    spa_flat = spa_test(values, None, seed=seeds[0], **options)
    spa_random = np.nan
    if random_pnl is not None:
        twins = _pnl_matrix(random_pnl, name="random_pnl")
        if twins.shape != values.shape:
            raise ValueError(f"random_pnl has shape {twins.shape}, pnl {values.shape}; pass one twin column per "
                             "strategy on the same bars (random_entry_pnl with the same grid)")
        spa_random = spa_test(values - twins, None, seed=seeds[1], **options).consistent
    n_blocks = check_int("n_blocks", n_blocks, minimum=0, maximum=24)
    pbo = backtest_overfitting(values, n_blocks).probability if n_blocks else np.nan
    root = math.sqrt(periods)
    return MultipleTestingVerdict(m, n, labels[best], float(values[:, best].sum()), float(sharpe[best] * root),
                   deflated.benchmark * root, trials, rho, deflated.probability, every.probability,
                   spa_flat.consistent, float(spa_random), pbo, periods, spa_flat.reps, seed, studentize)
