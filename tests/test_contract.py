from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, strategies as st

from mesbook import get_atm_strike
from mesbook.core.contract import intrinsic_value, payoff_dollars, points_to_dollars


def test_article_example():
    assert get_atm_strike(4503.25, 5) == 4505.0


@pytest.mark.parametrize("price, strike", [(4502.5, 4500.0), (4507.5, 4510.0), (4502.49, 4500.0), (4502.51, 4505.0)])
def test_ties_round_to_even_like_python(price, strike):
    assert get_atm_strike(price) == strike == round(price / 5) * 5


@given(st.lists(st.floats(100, 10_000, allow_nan=False), min_size=1, max_size=50))
def test_array_matches_scalar_and_is_nearest(prices):
    arr = np.array(prices)
    strikes = get_atm_strike(arr)
    assert np.array_equal(strikes, [get_atm_strike(p) for p in prices])
    assert np.all(np.abs(strikes - arr) <= 2.5 + 1e-9)
    assert np.all(strikes % 5 == 0)


def test_input_not_mutated():
    arr = np.array([4501.0, 4503.0])
    get_atm_strike(arr)
    assert arr.tolist() == [4501.0, 4503.0]


@pytest.mark.parametrize("bad", [0, -5, float("nan")])
def test_bad_interval(bad):
    with pytest.raises(ValueError, match="strike_interval"):
        get_atm_strike(4500.0, bad)


def test_bad_prices():
    with pytest.raises(ValueError, match="futures_price"):
        get_atm_strike(-1.0)
    with pytest.raises(ValueError, match="futures_price"):
        get_atm_strike(np.array([4500.0, np.nan]))
    with pytest.raises(TypeError, match="futures_price"):
        get_atm_strike("4500")


def test_intrinsic_and_dollars():
    assert intrinsic_value(1, 4510.0, 4500.0) == 10.0
    assert intrinsic_value(-1, 4510.0, 4500.0) == 0.0
    assert intrinsic_value(-1, 4490.0, 4500.0) == 10.0
    assert points_to_dollars(2.5) == 12.5


def test_payoff_dollars_in_dollars():
    call, put = payoff_dollars(np.array([4490.0, 4505.0, 4520.0]), 4505.0, 2.5)
    np.testing.assert_allclose(call, [-12.5, -12.5, 62.5])
    np.testing.assert_allclose(put, [62.5, -12.5, -12.5])


def test_ties_on_the_array_path_round_half_to_even():
    prices = 4400.0 + 0.25 * np.arange(800)  # every 0.25-point price over 200 points: 40 exact ties (x.5 of 5)
    strikes = get_atm_strike(prices)
    ties = (prices % 5) == 2.5
    assert ties.sum() == 40
    expected = np.array([round(p / 5) * 5 for p in prices], dtype=float)  # Python's round: halves to even
    np.testing.assert_array_equal(strikes, expected)
    np.testing.assert_array_equal(strikes[ties], np.where((prices[ties] - 2.5) % 10 == 0, prices[ties] - 2.5,
                                                          prices[ties] + 2.5))
    assert get_atm_strike(np.array([4502.5, 4507.5, 4512.5])).tolist() == [4500.0, 4510.0, 4510.0]


@pytest.mark.parametrize("bad", [np.inf, -np.inf, np.nan])
def test_non_finite_values_are_refused_on_both_paths(bad):
    with pytest.raises(ValueError, match="futures_price"):
        get_atm_strike(bad)
    with pytest.raises(ValueError, match="futures_price"):
        get_atm_strike(np.array([4500.0, bad]))
    with pytest.raises(ValueError, match="strike_interval"):
        get_atm_strike(4500.0, bad)
    with pytest.raises(ValueError, match="strike_interval"):
        get_atm_strike(np.array([4500.0]), bad)


def test_array_path_types_and_signs():
    assert get_atm_strike(np.array([4503, 4498])).tolist() == [4505.0, 4500.0]  # integers are prices too
    assert get_atm_strike(np.array([0.0])).tolist() == [0.0]  # zero is allowed, negative is not
    with pytest.raises(ValueError, match="futures_price"):
        get_atm_strike(np.array([4500.0, -0.01]))
    with pytest.raises(TypeError, match="futures_price"):
        get_atm_strike(np.array([True, False]))
    with pytest.raises(TypeError, match="futures_price"):
        get_atm_strike(True)
    assert isinstance(get_atm_strike(4503.25, 5), float) and isinstance(get_atm_strike(np.array([1.0])), np.ndarray)


def test_messages_and_result_types_exactly():
    with pytest.raises(ValueError, match=r"^strike_interval must be > 0"):
        get_atm_strike(4500.0, 0.0)
    with pytest.raises(ValueError, match=r"^futures_price must be >= 0"):
        get_atm_strike(-1.0)
    with pytest.raises(ValueError, match=r"^futures_price must be finite and >= 0; drop missing or negative prices first$"):
        get_atm_strike(np.array([-1.0]))
    assert type(get_atm_strike(4503.25, 5)) is float and type(get_atm_strike(4503, 5)) is float


def test_payoff_dollars_uses_the_multiplier():
    call, put = payoff_dollars(np.array([4490.0, 4520.0]), 4505.0, 2.5, multiplier=50.0)  # the E-mini's $50
    np.testing.assert_allclose(call, [-125.0, 625.0])
    np.testing.assert_allclose(put, [625.0, -125.0])
