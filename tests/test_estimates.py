"""A sample's mean, standard error, 95 % band and t (mesbook.estimates): hand-built cases with known answers."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from mesbook.estimates import ESTIMATE_COLUMNS, Z95, estimate, estimates, one_sided_t_test


def test_z95_is_the_two_sided_95_percent_normal_quantile():
    assert Z95 == pytest.approx(norm.ppf(0.975), abs=5e-5)  # 1.959964: the book quotes 1.96


def test_estimate_by_hand():
    # 1, 3, 5: mean 3, deviations -2, 0, 2, sd (ddof 1) 2, standard error 2 / sqrt(3)
    e = estimate([1.0, 3.0, 5.0])
    assert (e.n, e.mean) == (3, 3.0)
    assert e.std_error == pytest.approx(2 / math.sqrt(3))
    assert e.half_width_95 == pytest.approx(1.96 * 2 / math.sqrt(3))
    assert (e.low_95, e.high_95) == (pytest.approx(3 - 1.96 * 2 / math.sqrt(3)), pytest.approx(3 + 1.96 * 2 / math.sqrt(3)))
    assert e.t == pytest.approx(3 / (2 / math.sqrt(3)))


def test_one_value_has_no_interval_and_no_spread_no_t():
    one = estimate(np.array([7.5]))
    assert one.mean == 7.5 and math.isnan(one.std_error) and math.isnan(one.low_95) and math.isnan(one.high_95)
    flat = estimate([2.0, 2.0, 2.0])
    assert flat.std_error == 0.0 and math.isnan(flat.t)


def test_estimate_refuses_what_is_no_sample():
    for bad in ([], [1.0, np.nan], [[1.0, 2.0]], [1.0, np.inf]):
        with pytest.raises(ValueError, match="finite numbers"):
            estimate(bad)


def test_estimates_of_a_frame_are_the_estimates_of_its_columns():
    frame = pd.DataFrame({"A": [1.0, 3.0, 5.0], "B": [4.0, 4.0, 10.0]})
    table = estimates(frame)
    assert list(table.columns) == list(ESTIMATE_COLUMNS) and list(table.index) == ["A", "B"]
    for name in frame:
        e = estimate(frame[name])
        assert table.loc[name, "mean"] == e.mean
        assert table.loc[name, "std_error"] == pytest.approx(e.std_error, rel=1e-15)
        assert table.loc[name, "low_95"] == pytest.approx(e.low_95, rel=1e-15)
        assert table.loc[name, "high_95"] == pytest.approx(e.high_95, rel=1e-15)
    with pytest.raises(ValueError, match="two markets"):
        estimates(frame.iloc[:1])
    with pytest.raises(TypeError, match="DataFrame"):
        estimates(frame.to_numpy())


def test_one_sided_t_test_by_hand_and_its_directions():
    # 1, 3, 5: t = 3 / (2 / sqrt 3) = 2.598; P(T_2 > 2.598) = 0.0608 (Student t, 2 degrees of freedom)
    t, p = one_sided_t_test([1.0, 3.0, 5.0])
    assert t == pytest.approx(2.598076, abs=1e-6) and p == pytest.approx(0.06084, abs=1e-5)
    rng = np.random.default_rng(0)
    assert one_sided_t_test(rng.normal(1.0, 1.0, 200))[1] < 1e-6
    assert one_sided_t_test(rng.normal(-1.0, 1.0, 200))[1] > 0.999
    assert one_sided_t_test(np.zeros(10)) == (pytest.approx(np.nan, nan_ok=True), 1.0)
    assert one_sided_t_test(np.ones(10))[1] == 0.0
    with pytest.raises(ValueError, match="at least two"):
        one_sided_t_test([1.0])
