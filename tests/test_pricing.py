"""Black-76 prices, implied vol and the American lattice in mesbook.options.pricing (Greeks: test_greeks.py)."""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, strategies as st

from mesbook.options.greeks import black76_greeks
from mesbook.options.pricing import (
    DAYS_PER_YEAR,
    OPTION_STYLES,
    american_price,
    black76_price,
    implied_volatility,
    premium_dollars,
    price_option,
)

from option_inputs import futures_st, moneyness_st, random_book, rate_st, strike_from, vol_st, years_st


# --------------------------------------------------------------------------------------------------
# Textbook values and identities


def test_hull_futures_option_example():
    # Hull: F = K = 20, r = 9 %, T = 4 months, σ = 25 %; at the money the call and put are equal.
    for is_call in (True, False):
        assert round(black76_price(20.0, 20.0, 4 / 12, 0.09, 0.25, is_call), 4) == 1.1166


def test_haug_black76_example():
    # Haug, Complete Guide to Option Pricing Formulas: F = K = 19, T = 0.75, r = 10 %, σ = 28 % → 1.7011.
    for is_call in (True, False):
        assert abs(black76_price(19.0, 19.0, 0.75, 0.10, 0.28, is_call) - 1.7011) < 5e-5


def test_scalars_give_floats_and_arrays_broadcast():
    assert isinstance(black76_price(100.0, 100, 1, 0.0, 0.2, True), float)
    strikes = np.array([[90.0], [100.0], [110.0]])
    calls = np.array([True, False])
    prices = black76_price(100.0, strikes, 0.5, 0.03, 0.2, calls)
    assert prices.shape == (3, 2)
    assert prices[2, 1] == black76_price(100.0, 110.0, 0.5, 0.03, 0.2, False)
    assert isinstance(black76_greeks(100.0, 100.0, 1.0, 0.0, 0.2, True).delta, float)
    assert black76_greeks(100.0, strikes, 0.5, 0.03, 0.2, calls).gamma.shape == (3, 2)


@given(futures_st, moneyness_st, years_st, rate_st, vol_st)
def test_put_call_parity(futures, z, years, rate, vol):
    strike = strike_from(futures, z, years, vol)
    call = black76_price(futures, strike, years, rate, vol, True)
    put = black76_price(futures, strike, years, rate, vol, False)
    assert call - put == pytest.approx(math.exp(-rate * years) * (futures - strike), rel=1e-10, abs=1e-10 * futures)


def test_put_call_parity_on_arrays():
    book = random_book(5000, seed=1)
    f, k, t, r, v = (book[name] for name in ("futures", "strike", "years", "rate", "vol"))
    difference = black76_price(f, k, t, r, v, True) - black76_price(f, k, t, r, v, False)
    np.testing.assert_allclose(difference, np.exp(-r * t) * (f - k), rtol=1e-10, atol=1e-11 * f.max())


def test_bounds_and_monotonicity():
    book = random_book(5000, seed=2)
    f, k, t, r, v, c = book.values()
    price = black76_price(f, k, t, r, v, c)
    discount = np.exp(-r * t)
    intrinsic = np.maximum(0.0, np.where(c, f - k, k - f))
    assert np.all(price >= discount * intrinsic - 1e-9 * f)
    assert np.all(price <= discount * np.where(c, f, k))
    assert np.all(black76_price(f, k, t, r, v * 1.01, c) >= price)


def test_expiry_and_zero_vol_limits_without_warnings():
    futures = np.array([4990.0, 5000.0, 5010.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert black76_price(futures, 5000.0, 0.0, 0.05, 0.2, True).tolist() == [0.0, 0.0, 10.0]
        assert black76_price(futures, 5000.0, 0.0, 0.05, 0.2, False).tolist() == [10.0, 0.0, 0.0]
        discount = math.exp(-0.05 * 0.5)
        np.testing.assert_allclose(black76_price(futures, 5000.0, 0.5, 0.05, 0.0, True), [0.0, 0.0, 10 * discount])
        expired = black76_greeks(futures, 5000.0, 0.0, 0.05, 0.2, np.array([True, True, False]))
        still_flat = black76_greeks(futures, 5000.0, 0.5, 0.05, 0.0, True)
    assert expired.delta.tolist() == [0.0, 0.5, 0.0]
    assert black76_greeks(futures, 5000.0, 0.0, 0.05, 0.2, False).delta.tolist() == [-1.0, -0.5, 0.0]
    for name in ("gamma", "vega", "theta", "rho"):
        assert np.all(getattr(expired, name) == 0.0), name
    assert still_flat.gamma.tolist() == [0.0, 0.0, 0.0]
    assert still_flat.theta[2] == pytest.approx(0.05 * 10 * discount)  # only discounting is left


def test_expiry_is_the_limit_of_short_expiries():
    futures, strike = np.array([4900.0, 5100.0]), 5000.0
    near = black76_price(futures, strike, 1e-10, 0.05, 0.3, True)
    np.testing.assert_allclose(near, black76_price(futures, strike, 0.0, 0.05, 0.3, True), atol=1e-6)


# --------------------------------------------------------------------------------------------------
# Cross-check against vollib (scalar reference implementation, loops are fine here)


def test_against_vollib():
    from vollib.black import black
    from vollib.black.greeks.analytical import delta, gamma, rho, theta, vega
    from vollib.black.implied_volatility import implied_volatility as vollib_iv

    book = random_book(3000, seed=4)
    ours = black76_price(**book)
    g = black76_greeks(**book)
    iv = implied_volatility(ours, book["futures"], book["strike"], book["years"], book["rate"], book["is_call"])
    reference = {name: [] for name in ("price", "delta", "gamma", "vega", "theta", "rho", "iv")}
    for f, k, t, r, v, c in zip(*book.values()):
        flag = "c" if c else "p"
        reference["price"].append(black(flag, f, k, t, r, v))
        for name, greek in (("delta", delta), ("gamma", gamma), ("vega", vega), ("theta", theta), ("rho", rho)):
            reference[name].append(greek(flag, f, k, t, r, v))
        reference["iv"].append(vollib_iv(black(flag, f, k, t, r, v), f, k, r, t, flag))  # note: r before t
    ref = {name: np.array(values) for name, values in reference.items()}
    f = book["futures"].max()  # scale of the absolute tolerances

    np.testing.assert_allclose(ours, ref["price"], rtol=1e-8, atol=1e-8)
    np.testing.assert_allclose(g.delta, ref["delta"], rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(g.gamma, ref["gamma"], rtol=1e-8, atol=1e-12)
    # vollib's vega and rho are per 1 % (× 0.01) and its theta is per calendar day (÷ 365).
    np.testing.assert_allclose(g.vega_per_vol_point, ref["vega"], rtol=1e-8, atol=1e-10 * f)
    np.testing.assert_allclose(g.vega / 100, ref["vega"], rtol=1e-8, atol=1e-10 * f)
    np.testing.assert_allclose(g.theta_per_day, ref["theta"], rtol=1e-8, atol=1e-10 * f)
    np.testing.assert_allclose(g.rho / 100, ref["rho"], rtol=1e-8, atol=1e-10 * f)
    np.testing.assert_allclose(iv, ref["iv"], rtol=0, atol=1e-7)


# --------------------------------------------------------------------------------------------------
# Implied volatility


@given(futures_st, moneyness_st, years_st, rate_st, st.floats(0.01, 3.0), st.booleans())
def test_implied_vol_round_trip(futures, z, years, rate, vol, is_call):
    strike = strike_from(futures, z, years, vol)
    price = black76_price(futures, strike, years, rate, vol, is_call)
    assert implied_volatility(price, futures, strike, years, rate, is_call) == pytest.approx(vol, abs=1e-7)


def test_implied_vol_round_trip_on_arrays_without_mutation():
    book = random_book(20_000, seed=5)
    price = black76_price(**book)
    inputs = dict(price=price, **{k: v for k, v in book.items() if k != "vol"})
    copies = {k: v.copy() for k, v in inputs.items()}
    vol = implied_volatility(**inputs)
    np.testing.assert_allclose(vol, book["vol"], rtol=0, atol=1e-7)
    for name, value in inputs.items():
        np.testing.assert_array_equal(value, copies[name])


def test_implied_vol_nan_for_impossible_prices():
    f, k, t, r = 5000.0, 4900.0, 0.25, 0.04
    discount = math.exp(-r * t)
    impossible_call = np.array([-1.0, 0.5 * discount * (f - k), discount * f + 1.0])
    assert np.isnan(implied_volatility(impossible_call, f, k, t, r, True)).all()
    assert math.isnan(implied_volatility(discount * k + 1.0, f, k, t, r, False))  # above the put ceiling
    assert math.isnan(implied_volatility(10.0, f, k, 0.0, r, True))  # expired: vol is undefined
    # Beyond the search bracket: a 600 % vol premium with the default high=5.0.
    beyond = black76_price(f, k, t, r, 6.0, True)
    assert math.isnan(implied_volatility(beyond, f, k, t, r, True))
    assert implied_volatility(beyond, f, k, t, r, True, high=8.0) == pytest.approx(6.0, abs=1e-7)
    # Solvable and unsolvable elements side by side.
    mixed = implied_volatility(np.array([black76_price(f, k, t, r, 0.2, True), -1.0]), f, k, t, r, True)
    assert mixed[0] == pytest.approx(0.2, abs=1e-9) and math.isnan(mixed[1])


def test_implied_vol_bracket_arguments():
    with pytest.raises(ValueError, match="high"):
        implied_volatility(1.0, 100.0, 100.0, 1.0, 0.0, True, low=0.5, high=0.4)
    with pytest.raises(ValueError, match="tol"):
        implied_volatility(1.0, 100.0, 100.0, 1.0, 0.0, True, tol=0.0)
    with pytest.raises(ValueError, match="price"):
        implied_volatility(np.array([1.0, np.nan]), 100.0, 100.0, 1.0, 0.0, True)


# --------------------------------------------------------------------------------------------------
# American lattice


def reference_crr(futures, strike, years, rate, vol, is_call, steps):
    """Textbook CRR lattice for one option, written with plain loops."""
    dt = years / steps
    u = math.exp(vol * math.sqrt(dt))
    d = 1 / u
    p = (1 - d) / (u - d)
    sign = 1 if is_call else -1
    values = [max(0.0, sign * (futures * u**j * d ** (steps - j) - strike)) for j in range(steps + 1)]
    for i in range(steps - 1, -1, -1):
        values = [
            max(math.exp(-rate * dt) * (p * values[j + 1] + (1 - p) * values[j]),
                sign * (futures * u**j * d ** (i - j) - strike))
            for j in range(i + 1)
        ]
    return values[0]


def test_lattice_matches_textbook_loop():
    book = random_book(12, seed=6)
    raw = american_price(**book, steps=40, control_variate=False)
    expected = [reference_crr(*option, steps=40) for option in zip(*book.values())]
    np.testing.assert_allclose(raw, expected, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("control_variate", [True, False])
def test_american_at_least_european_and_intrinsic(control_variate):
    book = random_book(400, seed=7)
    american = american_price(**book, steps=100, control_variate=control_variate)
    f, k, c = book["futures"], book["strike"], book["is_call"]
    assert np.all(american >= np.maximum(0.0, np.where(c, f - k, k - f)))
    european = black76_price(**book)
    if control_variate:
        assert np.all(american >= european)
    else:  # the raw lattice only approximates Black-76: allow its O(F·σ√T / steps) discretisation error
        spread = f * book["vol"] * np.sqrt(book["years"])
        assert np.all(american >= european - 0.5 * spread / 100)


@pytest.mark.parametrize("is_call", [True, False])
def test_american_equals_european_without_interest(is_call):
    rng = np.random.default_rng(8)
    futures = rng.uniform(3000.0, 6000.0, 20)
    strike = futures * rng.uniform(0.97, 1.03, 20)
    args = (futures, strike, rng.uniform(0.1, 1.0, 20), 0.0, rng.uniform(0.1, 0.4, 20), is_call)
    european = black76_price(*args)
    np.testing.assert_allclose(american_price(*args, steps=500, control_variate=False), european, rtol=1e-3)
    np.testing.assert_allclose(american_price(*args, steps=500), european, rtol=1e-12)


def test_lattice_converges_as_steps_grow():
    args = (5000.0, 5000.0, 0.25, 0.0, 0.2, True)  # at the money: CRR error shrinks like 1/steps
    exact = black76_price(*args)
    errors = [abs(american_price(*args, steps=n, control_variate=False) - exact) for n in (50, 200, 800)]
    assert errors[0] > 3 * errors[1] > 9 * errors[2]
    put = (5000.0, 5000.0, 1.0, 0.10, 0.3, False)  # with early exercise: successive estimates settle
    values = [american_price(*put, steps=n) for n in (50, 100, 400, 800)]
    assert abs(values[3] - values[2]) < 0.25 * abs(values[1] - values[0])


def test_deep_in_the_money_put_has_early_exercise_premium():
    args = (3000.0, 5000.0, 1.0, 0.10, 0.2, False)
    european = black76_price(*args)
    american = american_price(*args)
    assert american - european > 150.0  # exercising now earns interest on the 2000-point payoff
    assert american >= 2000.0  # never below intrinsic
    # Unlike calls on stock, calls on futures can also be worth exercising early when r > 0.
    assert american_price(7000.0, 5000.0, 1.0, 0.10, 0.2, True) > black76_price(7000.0, 5000.0, 1.0, 0.10, 0.2, True)


def test_american_edge_cases():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        expired = american_price(np.array([4990.0, 5010.0]), 5000.0, 0.0, 0.05, 0.2, True)
        flat = american_price(np.array([4990.0, 5010.0]), 5000.0, 0.5, 0.05, 0.0, True)
        negative_rate = american_price(5010.0, 5000.0, 0.5, -0.01, 0.0, True)
    assert expired.tolist() == [0.0, 10.0]
    assert flat.tolist() == pytest.approx([0.0, 10.0], rel=1e-12)  # with r > 0 and no vol, exercise at once
    assert negative_rate == pytest.approx(10.0 * math.exp(0.01 * 0.5))  # with r < 0, wait
    assert american_price(np.empty(0), 5000.0, 0.5, 0.05, 0.2, True).shape == (0,)
    assert isinstance(american_price(5000.0, 5000.0, 0.5, 0.05, 0.2, True), float)
    grid = american_price(np.full((2, 3), 5000.0), 5000.0, 0.5, 0.05, 0.2, True, steps=20)
    assert grid.shape == (2, 3)


# --------------------------------------------------------------------------------------------------
# Dispatcher and dollars


def test_price_option_dispatch():
    args = (5000.0, 5100.0, 0.5, 0.05, 0.2, False)
    assert OPTION_STYLES == ("european", "american")
    assert price_option(*args) == black76_price(*args)
    assert price_option(*args, style="european") == black76_price(*args)
    assert price_option(*args, style="american") == american_price(*args)
    assert price_option(*args, style="american", steps=50) == american_price(*args, steps=50)
    with pytest.raises(ValueError, match="european.*american"):
        price_option(*args, style="bermudan")


def test_premium_dollars():
    assert premium_dollars(2.5) == 12.5
    assert premium_dollars(2.5, contracts=4) == 50.0
    assert premium_dollars(2.5, multiplier=50) == 125.0  # the full-size ES contract
    np.testing.assert_array_equal(premium_dollars(np.array([1.0, 2.0]), contracts=np.array([3, 0])), [15.0, 0.0])
    with pytest.raises(ValueError, match="points"):
        premium_dollars(-1.0)
    with pytest.raises(ValueError, match="contracts"):
        premium_dollars(1.0, contracts=-1)
    with pytest.raises(TypeError, match="contracts"):
        premium_dollars(1.0, contracts=1.5)
    with pytest.raises(ValueError, match="multiplier"):
        premium_dollars(1.0, multiplier=0)


# --------------------------------------------------------------------------------------------------
# Input checking


GOOD = dict(futures=5000.0, strike=5000.0, years=0.5, rate=0.05, vol=0.2, is_call=True)


@pytest.mark.parametrize("function", [black76_price, black76_greeks, american_price, price_option])
@pytest.mark.parametrize(
    "name, bad",
    [("futures", -1.0), ("futures", 0.0), ("strike", -5.0), ("years", -0.1), ("vol", -0.2),
     ("futures", np.nan), ("rate", np.nan), ("vol", np.inf), ("years", np.array([0.5, np.nan]))],
)
def test_bad_values_raise_value_error_naming_the_argument(function, name, bad):
    with pytest.raises(ValueError, match=name):
        function(**{**GOOD, name: bad})


@pytest.mark.parametrize("function", [black76_price, black76_greeks, american_price])
@pytest.mark.parametrize(
    "name, bad",
    [("futures", "5000"), ("strike", None), ("rate", "5%"), ("vol", True), ("is_call", 1), ("is_call", "c"),
     ("is_call", np.array([1, -1]))],
)
def test_wrong_types_raise_type_error_naming_the_argument(function, name, bad):
    with pytest.raises(TypeError, match=name):
        function(**{**GOOD, name: bad})


def test_negative_rates_are_allowed_and_shapes_must_broadcast():
    assert black76_price(**{**GOOD, "rate": -0.005}) > black76_price(**GOOD)
    with pytest.raises(ValueError, match="broadcast"):
        black76_price(np.ones(3) * 5000, np.ones(4) * 5000, 0.5, 0.05, 0.2, True)
    with pytest.raises(ValueError, match="steps"):
        american_price(**GOOD, steps=0)


def test_error_message_points_at_the_bad_element():
    with pytest.raises(ValueError, match=r"strike must be > 0(\.0)?, got -1.0 at flat position 2"):
        black76_price(5000.0, np.array([5000.0, 4900.0, -1.0]), 0.5, 0.05, 0.2, True)


def test_inputs_are_not_mutated():
    book = random_book(50, seed=9)
    copies = {k: v.copy() for k, v in book.items()}
    black76_price(**book)
    black76_greeks(**book)
    american_price(**book, steps=20)
    price_option(**book, style="american", steps=20)
    for name, value in book.items():
        np.testing.assert_array_equal(value, copies[name])
        assert value.flags.writeable


# --------------------------------------------------------------------------------------------------
# What a premium buys


def test_atm_days_for_premium_hand_case():
    """At the money with no rate, Black-76 is F·(2N(σ√T/2) − 1): F=100, σ=0.2, T=1 → 7.9656 points."""
    from mesbook.options.pricing import atm_days_for_premium
    premium = 100 * (2 * 0.5 * (1 + math.erf(0.1 / math.sqrt(2))) - 1)
    assert atm_days_for_premium(premium, 100.0, 0.2) == pytest.approx(365.0, rel=1e-9)
    # Half the time value costs a quarter of the time (price ∝ √T near the money, to first order).
    assert atm_days_for_premium(premium / 2, 100.0, 0.2) == pytest.approx(365.0 / 4, rel=0.01)


@given(futures=futures_st, z=st.floats(0.1, 2.5), years=years_st, rate=st.floats(0.0, 0.10), vol=vol_st,
       is_call=st.booleans())
def test_strike_for_premium_round_trip(futures, z, years, rate, vol, is_call):
    from mesbook.options.pricing import strike_for_premium
    strike = strike_from(futures, z if is_call else -z, years, vol)
    premium = black76_price(futures, strike, years, rate, vol, is_call)
    if premium < 1e-6 * futures:
        return  # too far out for a premium to pin the strike down
    found = strike_for_premium(premium, futures, years, vol, rate, is_call)
    assert found == pytest.approx(strike, rel=1e-6)
    assert (found >= futures) if is_call else (found <= futures)


def test_premium_solvers_refuse_what_the_premium_cannot_buy():
    from mesbook.options.pricing import atm_days_for_premium, strike_for_premium
    atm = black76_price(4000.0, 4000.0, 30 / 365, 0.0, 0.18, True)
    with pytest.raises(ValueError, match="at-the-money"):
        strike_for_premium(atm * 1.01, 4000.0, 30 / 365, 0.18)
    with pytest.raises(ValueError, match="one-year"):
        atm_days_for_premium(1000.0, 4000.0, 0.18)
    with pytest.raises(ValueError, match="premium"):
        atm_days_for_premium(0.0, 4000.0, 0.18)
    with pytest.raises(TypeError, match="is_call"):
        strike_for_premium(1.0, 4000.0, 0.1, 0.18, is_call=1)
