"""The reality check and the test of superior predictive ability, and the block bootstraps they resample with.

Given a matrix of per-bar differences ``d`` (bars × strategies; each column a strategy's P&L minus its
benchmark's, higher is better), :func:`spa_pvalues` answers "does any column have a positive expected
difference, once the search over all of them is counted?" with the three p-values of Hansen (2005), "A Test
for Superior Predictive Ability", *Journal of Business & Economic Statistics* 23(4), 365-380:

* the statistic is the best column's mean difference ``d̄_k`` (White's 2000 reality check), or with
  ``studentize=True`` the best ``d̄_k / √(ω̂²_k / n)``, Hansen's studentized ``T^SPA``, where ``ω̂²_k`` is
  :func:`long_run_variance`, his estimate of the variance of ``√n · d̄_k``;
* its null distribution comes from resampling the bars in blocks and re-centring each resampled mean on
  ``g(d̄_k)``: ``g(x) = x`` for the ``upper`` p-value (White's reality check: every strategy counts as if it
  were as good as the benchmark), ``max(x, 0)`` for ``lower``, and for ``consistent`` (Hansen's) ``x`` when
  ``x ≥ −√(ω̂²_k / n · 2 ln ln n)`` and ``0`` below it, so that a strategy clearly worse than the benchmark
  no longer inflates the null distribution;
* each p-value is the share of resamples whose re-centred best exceeds the observed best.

With ``studentize=False`` the three p-values are those of ``arch.bootstrap.SPA`` 8.0.0 (Sheppard et al.) for
the same data, block size, bootstrap and ``numpy.random.Generator`` (tested equal on 240 random matrices and the
book's): the resamples draw from the generator in the same order and the means are summed in the same order.
One input is computed differently: the variance behind the ``consistent`` threshold (:func:`long_run_variance`)
agrees with arch's to rounding, not bit for bit, so a strategy whose mean lies within rounding of that
threshold could be re-centred differently from arch (on the book's sweeps every mean is at least 1.6 % away). arch's own ``studentize``
flag changes none of its p-values; here ``studentize=True`` divides by ``√(ω̂²_k / n)`` as Hansen defines
``T^SPA``. Hansen also floors the statistic at 0 (``max(T, 0)``); this module does not, as arch does not.
Whenever the best studentized mean is positive the p-values are the same either way; when every strategy
is behind its benchmark the unfloored ones are larger, as they should be with no strategy ahead.

The bootstraps (:func:`stationary_indices`, :func:`circular_indices`, :func:`moving_block_indices`) return
the bar indices of one resample, computed on arrays without a loop over bars, drawn as arch 8.0.0 draws them
(the same integers for the same generator state, tested): the stationary bootstrap of Politis & Romano (1994),
"The Stationary Bootstrap", *Journal of the American Statistical Association* 89(428), 1303-1313 (blocks of
random length, mean ``block_size``, wrapping around the end), the circular block bootstrap (blocks of
``block_size`` bars, wrapping) and the moving block bootstrap (blocks that never wrap). Inputs are never
modified.
"""
from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

__all__ = [
    "BOOTSTRAPS",
    "bootstrap_indices",
    "circular_indices",
    "long_run_variance",
    "moving_block_indices",
    "spa_pvalues",
    "stationary_indices",
]

#: Every accepted bootstrap name, with arch's short forms, and the bootstrap it means.
BOOTSTRAPS = {"stationary": "stationary", "sb": "stationary", "circular": "circular", "cbb": "circular",
              "moving block": "moving block", "mbb": "moving block"}

#: Most numbers one FFT of :func:`long_run_variance` holds at a time (columns are taken in groups).
_FFT_CELLS = 1 << 22


# --------------------------------------------------------------------------------------------------
# the three block bootstraps: the bar indices of one resample
# --------------------------------------------------------------------------------------------------
def stationary_indices(rng: np.random.Generator, n: int, block_size: int) -> np.ndarray:
    """Bar indices (``n`` int64 in ``[0, n)``) of one stationary-bootstrap resample, mean block ``block_size``.

    Each bar starts a new block with probability ``1 / block_size`` (the first always does) at a uniformly
    drawn bar, and otherwise takes the bar after the previous one, wrapping from ``n − 1`` to 0. Draws ``n``
    integers and then ``n`` uniforms from ``rng``, the first uniform unused, as arch 8.0.0 does.
    """
    starts = rng.integers(n, size=n, dtype=np.int64)
    uniform = rng.random(n)
    bars = np.arange(n, dtype=np.int64)
    opens = uniform <= 1.0 / block_size  # a block goes on only while the uniform is above 1 / block_size
    opens[0] = True
    first = np.maximum.accumulate(np.where(opens, bars, 0))  # the bar that opened each bar's block
    return (starts[first] + (bars - first)) % n


def circular_indices(rng: np.random.Generator, n: int, block_size: int) -> np.ndarray:
    """Bar indices of one circular-block-bootstrap resample: ``ceil(n / block_size)`` blocks of ``block_size``
    consecutive bars from uniformly drawn starts in ``[0, n)``, wrapping at the end, cut to ``n`` bars."""
    blocks = -(-n // block_size)
    starts = rng.integers(n, size=blocks, dtype=np.int64)
    return ((starts[:, None] + np.arange(block_size, dtype=np.int64)) % n).ravel()[:n]


def moving_block_indices(rng: np.random.Generator, n: int, block_size: int) -> np.ndarray:
    """Bar indices of one moving-block-bootstrap resample: ``ceil(n / block_size)`` blocks of ``block_size``
    consecutive bars from starts drawn in ``[0, n − block_size]`` (no block passes the last bar), cut to
    ``n`` bars."""
    blocks = -(-n // block_size)
    starts = rng.integers(n - block_size + 1, size=blocks, dtype=np.int64)
    return (starts[:, None] + np.arange(block_size, dtype=np.int64)).ravel()[:n]


_DRAWS: dict[str, Callable[[np.random.Generator, int, int], np.ndarray]] = {
    "stationary": stationary_indices, "circular": circular_indices, "moving block": moving_block_indices}


def bootstrap_indices(bootstrap: str, rng: np.random.Generator, n: int, block_size: int) -> np.ndarray:
    """Bar indices of one resample of the bootstrap named ``bootstrap`` (a key of :data:`BOOTSTRAPS`)."""
    if bootstrap not in BOOTSTRAPS:
        raise ValueError(f"bootstrap={bootstrap!r} is unknown; use one of {sorted(set(BOOTSTRAPS.values()))}")
    return _DRAWS[BOOTSTRAPS[bootstrap]](rng, n, block_size)


# --------------------------------------------------------------------------------------------------
# the variance of each column's mean, and the p-values
# --------------------------------------------------------------------------------------------------
def long_run_variance(differences: np.ndarray, block_size: int) -> np.ndarray:
    """``ω̂²_k``: the variance of ``√n`` times each column's mean under the stationary bootstrap, one per column.

    ``ω̂² = γ̂_0 + 2 Σ_{i=1}^{n−1} κ_i γ̂_i`` with ``γ̂_i = (1/n) Σ_t (d_t − d̄)(d_{t+i} − d̄)`` and
    ``κ_i = (1 − i/n)(1 − q)^i + (i/n)(1 − q)^{n−i}``, ``q = 1 / block_size``: the variance of the
    stationary bootstrap's resampled mean (Politis & Romano 1994), the estimate Hansen (2005) studentizes
    with and arch's non-nested one. The autocovariances of all lags come from one zero-padded FFT per group
    of columns, ``n log n`` work instead of the ``n²`` of summing lag by lag as arch does; the two agree to
    rounding (within 1e-12 of ``γ̂_0``, tested; about 4e-15 of the variance on the book's sweep). A column
    that never varies gets 0, or a residue of rounding when its mean is not exactly its value.
    """
    n, k = differences.shape
    centred = differences - differences.mean(axis=0)
    lags = np.arange(1, n, dtype=float)
    stay = 1.0 - 1.0 / block_size
    kappa = (1.0 - lags / n) * stay**lags + (lags / n) * stay ** (n - lags)
    size = 1 << (2 * n - 1).bit_length()  # at least 2n − 1: no lag wraps onto another
    variance = np.empty(k)
    step = max(1, _FFT_CELLS // size)
    for left in range(0, k, step):
        part = centred[:, left:left + step]
        spectrum = np.fft.rfft(part, n=size, axis=0)
        sums = np.fft.irfft(spectrum.real**2 + spectrum.imag**2, n=size, axis=0)[1:n]  # Σ_t d_t d_{t+i}, i ≥ 1
        variance[left:left + step] = (np.sum(part**2, axis=0) + 2.0 * (kappa @ sums)) / n
    return variance


def spa_pvalues(differences: np.ndarray, *, block_size: int, reps: int, bootstrap: str, studentize: bool,
                rng: np.random.Generator) -> tuple[float, float, float]:
    """The ``(lower, consistent, upper)`` p-values of "no column of ``differences`` has a positive mean".

    ``differences`` is a float (bars × strategies) array with at least 3 bars, each column a strategy's P&L
    minus its benchmark's; ``block_size`` (1 to the number of bars) the block length of the ``bootstrap``
    (a key of :data:`BOOTSTRAPS`); ``reps`` resamples drawn from ``rng``. See the module docstring for the
    statistic, the re-centring and what ``studentize`` changes. When studentizing, a column that never
    varies (e.g. a strategy that never trades, against a flat benchmark) has no standard deviation to divide
    by: its studentized mean counts as 0 if it is 0 and as ±∞ otherwise, and it resamples to itself exactly.
    When every difference is exactly 0 there is nothing to test and the p-values are 1 (arch's would be 0:
    no resample beats the best of 0 strictly); otherwise ``studentize=False`` gives arch's p-values.
    """
    n, k = differences.shape
    if not differences.any():  # no strategy ever differs from its benchmark: arch would count p = 0 (no
        return 1.0, 1.0, 1.0   # resample strictly beats the best of 0), yet there is no evidence at all
    mean = differences.mean(axis=0)  # summed in the input's own layout, as arch sums it
    variance = long_run_variance(differences, block_size)
    floor = -np.sqrt((variance / n) * 2 * np.log(np.log(n)))
    centres = (np.where(mean < 0, 0.0, mean),  # lower: a strategy worse than its benchmark is set to 0
               np.where(mean >= floor, mean, 0.0),  # consistent: only a clearly worse one is set to 0
               mean)  # upper: every strategy re-centred on its own mean
    rows = np.ascontiguousarray(differences)  # the resampled rows are C-ordered either way; this gathers faster
    resampled = np.empty((reps, k))
    for rep in range(reps):
        resampled[rep] = rows[bootstrap_indices(bootstrap, rng, n, block_size)].mean(axis=0)
    if not studentize:
        # arch compares with the means of a column-ordered copy (summed pairwise down each column) while it
        # re-centres on means summed in the input's layout; the two can differ in the last bit, and a resample
        # can tie with the best mean to that bit (blocks nearly as long as the data), so both are kept.
        best = np.asfortranarray(differences).mean(axis=0).max()
        return tuple(float(np.mean((resampled - centre).max(axis=1) > best)) for centre in centres)
    flat = (differences == differences[0]).all(axis=0)  # never varies: its variance is 0 or rounding residue
    scale = np.sqrt(np.where(flat | (variance <= 0), 0.0, variance) / n)
    flat |= scale == 0
    best = _studentized(mean, scale, flat).max()
    p = []
    for centre in centres:
        shifted = resampled - centre
        shifted[:, flat] = (mean - centre)[flat]  # a constant column resamples to itself: exactly, not to rounding
        p.append(float(np.mean(_studentized(shifted, scale, flat).max(axis=1) > best)))
    return tuple(p)


def _studentized(values: np.ndarray, scale: np.ndarray, flat: np.ndarray) -> np.ndarray:
    """``values / scale`` column by column; where ``scale`` is 0 (``flat``), 0 for 0 and ±∞ for the rest."""
    ratio = np.divide(values, scale, out=np.zeros_like(values), where=~flat)
    signed = np.where(values > 0, math.inf, np.where(values < 0, -math.inf, 0.0))
    return np.where(flat, signed, ratio)
