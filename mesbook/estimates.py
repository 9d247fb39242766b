"""What a sample of markets says about a mean: standard error, 95 % band and t, computed one way.

Every study that averages one number over seeded markets (the paired kernel and the ladder, the Monte
Carlo, the seed sweeps, the look-ahead gain, the canonical table) and every figure that draws an error
bar reads its interval here:

* :func:`estimate` — one sample (a 1-D array): an :class:`Estimate` with the mean, the standard error
  (standard deviation with ddof 1 over √n), the 95 % band mean ± :data:`Z95` standard errors and t;
* :func:`estimates` — the same for every column of a frame (markets down), as a table;
* :func:`one_sided_t_test` — the paired one-sided Student-t test that a mean difference is above 0.

The band is the normal approximation (1.96 = the two-sided 95 % quantile of the standard normal law),
as the book quotes it; the p-value of :func:`one_sided_t_test` uses Student's t with n − 1 degrees of
freedom. Units are those of the sample.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import stdtr

#: Two-sided 95 % quantile of the standard normal law: a 95 % band is mean ± Z95 standard errors.
Z95: float = 1.96

#: Columns of :func:`estimates`.
ESTIMATE_COLUMNS: tuple[str, ...] = ("mean", "std_error", "low_95", "high_95")


@dataclass(frozen=True)
class Estimate:
    """The mean of ``n`` values with its standard error (NaN for one value), in the values' units."""

    n: int
    mean: float
    std_error: float

    @property
    def half_width_95(self) -> float:
        """Half the width of the 95 % band: :data:`Z95` standard errors."""
        return Z95 * self.std_error

    @property
    def low_95(self) -> float:
        """Lower end of the 95 % band, mean − :data:`Z95` standard errors."""
        return self.mean - Z95 * self.std_error

    @property
    def high_95(self) -> float:
        """Upper end of the 95 % band, mean + :data:`Z95` standard errors."""
        return self.mean + Z95 * self.std_error

    @property
    def t(self) -> float:
        """The mean in standard errors (t statistic against 0); NaN without a spread."""
        return self.mean / self.std_error if self.std_error > 0 else math.nan


def estimate(values: object) -> Estimate:
    """:class:`Estimate` of a non-empty 1-D sample of finite numbers (a list, array or Series)."""
    sample = np.asarray(values, dtype=float)
    if sample.ndim != 1 or len(sample) == 0 or not np.isfinite(sample).all():
        raise ValueError("values must be a non-empty 1-D sequence of finite numbers (one per market)")
    n = len(sample)
    error = float(sample.std(ddof=1) / np.sqrt(n)) if n > 1 else math.nan
    return Estimate(n, float(sample.mean()), error)


def estimates(frame: pd.DataFrame) -> pd.DataFrame:
    """:func:`estimate` of every column of ``frame`` (markets down, at least two): one row per column,
    columns :data:`ESTIMATE_COLUMNS`."""
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"frame must be a DataFrame (markets down, one sample per column), got {type(frame).__name__}")
    if len(frame) < 2:
        raise ValueError(f"frame needs at least two markets (rows) for a standard error, got {len(frame)}")
    mean, error = frame.mean(), frame.std(ddof=1) / np.sqrt(len(frame))
    return pd.DataFrame({"mean": mean, "std_error": error, "low_95": mean - Z95 * error,
                         "high_95": mean + Z95 * error}, index=frame.columns)


def one_sided_t_test(difference: object) -> tuple[float, float]:
    """(t, p) of a one-sided t-test that the mean of ``difference`` (at least two values) is above 0.

    With no spread at all the p-value is 0 for a positive mean and 1 otherwise (t is ±inf or NaN).
    """
    difference = np.asarray(difference, dtype=float)
    if len(difference) < 2:
        raise ValueError("difference needs at least two values (markets) for a t-test")
    mean, spread = difference.mean(), difference.std(ddof=1)
    if spread == 0:
        return (np.inf if mean > 0 else (np.nan if mean == 0 else -np.inf)), (0.0 if mean > 0 else 1.0)
    t = mean / (spread / np.sqrt(len(difference)))
    return float(t), float(stdtr(len(difference) - 1, -t))  # Student-t upper tail, P(T > t)


__all__ = ["ESTIMATE_COLUMNS", "Estimate", "Z95", "estimate", "estimates", "one_sided_t_test"]
