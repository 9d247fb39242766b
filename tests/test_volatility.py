"""Realized volatility (mesbook.options.volatility) on arrays: the same numbers as pandas' rolling std, bit for bit."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mesbook.options.volatility import realized_volatility, rolling_std


def _bits(values: np.ndarray) -> np.ndarray:
    return np.asarray(values, dtype=np.float64).view(np.int64)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("window", [2, 3, 20, 60, 600])
def test_rolling_std_is_pandas_rolling_std_bit_for_bit(seed, window):
    rng = np.random.default_rng(seed)
    values = rng.standard_t(3, 500) * 10.0 ** rng.integers(-6, 3)
    values[rng.integers(0, 500, 5)] = np.nan
    values[7] = np.inf  # pandas reads infinities as NaN
    values[100:140] = 1e-3  # a flat stretch: the variance is 0 (or a rounding negative, clipped to 0)
    want = pd.Series(values).rolling(window).std().to_numpy()
    np.testing.assert_array_equal(_bits(rolling_std(values, window)), _bits(want))


def test_rolling_std_of_nothing_and_of_too_little():
    assert len(rolling_std(np.array([]), 5)) == 0
    assert np.isnan(rolling_std(np.array([1.0, 2.0]), 3)).all()


def test_realized_volatility_is_the_annualized_rolling_std_of_log_returns():
    prices = 4000 * np.exp(np.cumsum(np.random.default_rng(9).normal(0, 0.01, 400)))
    returns = pd.Series(np.r_[np.nan, np.diff(np.log(prices))])
    want = returns.rolling(20).std().to_numpy() * np.sqrt(252.0)
    np.testing.assert_array_equal(_bits(realized_volatility(prices, 20, 252.0)), _bits(want))


def test_a_negative_rounding_variance_is_a_zero_std_as_pandas_zsqrt_makes_it(monkeypatch):
    import mesbook.options.volatility as vol
    monkeypatch.setattr(vol, "_roll_var", lambda data, start, end, minp, ddof: np.array([np.nan, -1e-18, 4.0]))
    np.testing.assert_array_equal(vol.rolling_std(np.ones(3), 2), [np.nan, 0.0, 2.0])
