"""Black-76 Greeks in mesbook.options.greeks: finite differences, signs, units helpers, a hand case."""
from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import given, strategies as st

from mesbook.options.greeks import Greeks, black76_greeks
from mesbook.options.pricing import DAYS_PER_YEAR, black76_price
from option_inputs import futures_st, moneyness_st, random_book, rate_st, strike_from, vol_st, years_st


@given(futures_st, moneyness_st, years_st, rate_st, vol_st, st.booleans())
def test_greeks_match_finite_differences(futures, z, years, rate, vol, is_call):
    strike = strike_from(futures, z, years, vol)
    g = black76_greeks(futures, strike, years, rate, vol, is_call)

    def price(f=futures, t=years, r=rate, v=vol):
        return black76_price(f, strike, t, r, v, is_call)

    spread = futures * vol * math.sqrt(years)  # natural scale of futures moves
    h = 1e-4 * spread
    delta = (price(f=futures + h) - price(f=futures - h)) / (2 * h)
    h = 1e-3 * spread
    gamma = (price(f=futures + h) - 2 * price() + price(f=futures - h)) / h**2
    h = 1e-5 * vol
    vega = (price(v=vol + h) - price(v=vol - h)) / (2 * h)
    h = 1e-5 * years
    theta = -(price(t=years + h) - price(t=years - h)) / (2 * h)  # per year of calendar time
    h = 1e-5
    rho = (price(r=rate + h) - price(r=rate - h)) / (2 * h)

    scale = price() + 1e-6 * futures  # absolute floor for round-off in the differences
    assert g.delta == pytest.approx(delta, rel=1e-5, abs=1e-7)
    assert g.gamma == pytest.approx(gamma, rel=1e-4, abs=1e-6 / spread)
    assert g.vega == pytest.approx(vega, rel=1e-6, abs=1e-6 * scale)
    assert g.theta == pytest.approx(theta, rel=1e-5, abs=1e-5 * scale / years)
    assert g.rho == pytest.approx(rho, rel=1e-6, abs=1e-6 * scale)


def test_greek_signs_and_helpers():
    book = random_book(2000, seed=3)
    g = black76_greeks(**book)
    calls = book["is_call"]
    assert np.all(g.delta[calls] >= 0) and np.all(g.delta[~calls] <= 0)
    assert np.all(g.gamma >= 0) and np.all(g.vega >= 0) and np.all(g.rho <= 0)
    # Theta = r·price − (time decay ≥ 0): only the carry on the premium can make it positive (deep ITM).
    assert np.all(g.theta <= book["rate"] * black76_price(**book) + 1e-12)
    at_the_money = black76_greeks(**{**book, "strike": book["futures"]})
    assert np.all(at_the_money.theta < 0)
    np.testing.assert_array_equal(g.vega_per_vol_point, g.vega / 100)
    np.testing.assert_array_equal(g.theta_per_day, g.theta / DAYS_PER_YEAR)
    assert DAYS_PER_YEAR == 365.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        g.delta = 0.0  # type: ignore[misc]
    assert isinstance(g, Greeks)


def test_at_the_money_hand_case():
    # F = K = 100, one year, no rate, vol 20 %: d1 = 0.1, so delta = N(0.1) and vega = F·φ(0.1).
    g = black76_greeks(100.0, 100.0, 1.0, 0.0, 0.2, True)
    phi = math.exp(-0.005) / math.sqrt(2 * math.pi)
    assert g.delta == pytest.approx(0.5 + 0.5 * math.erf(0.1 / math.sqrt(2)), rel=1e-12)
    assert g.vega == pytest.approx(100.0 * phi, rel=1e-12)
    assert g.gamma == pytest.approx(phi / (100.0 * 0.2), rel=1e-12)
    assert g.theta == pytest.approx(-100.0 * phi * 0.2 / 2, rel=1e-12)
    # rho = −years·price, and the price is F·(N(0.1) − N(−0.1)) = 100·erf(0.1/√2).
    assert g.rho == pytest.approx(-100.0 * math.erf(0.1 / math.sqrt(2)), rel=1e-12)
