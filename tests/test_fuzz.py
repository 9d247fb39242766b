"""Fuzzing the public API against an oracle: bad input is refused, good input is accepted.

Each junk input is classified independently of mesbook (is the frame a valid market? is the number a
finite real in range?). Bad input must raise ValueError/TypeError with a message naming the culprit;
good input must not raise. Whatever comes in, no other exception type comes out.
"""
from __future__ import annotations

import math
import numbers
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, strategies as st

import mesbook as mb
from mesbook.engine import settings as settings_module

junk_scalars = st.one_of(
    st.none(), st.booleans(), st.text(max_size=5), st.integers(-10**6, 10**6),
    st.floats(allow_nan=True, allow_infinity=True), st.lists(st.integers(), max_size=3),
)


def _frame(draw_values, n):
    return pd.DataFrame({"timestamp": pd.date_range("2024-01-01", periods=n, freq="B"), **draw_values})


@st.composite
def junk_frames(draw):
    n = draw(st.integers(0, 40))
    column = st.one_of(
        st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=n, max_size=n),
        st.lists(st.floats(1e-3, 1e6), min_size=n, max_size=n),
        st.lists(st.integers(-5, 5), min_size=n, max_size=n),
        st.lists(st.integers(1, 9), min_size=n, max_size=n),
        st.lists(st.text(max_size=3), min_size=n, max_size=n),
    )
    values = {}
    for name in ("futures_price", "open_interest"):
        if draw(st.booleans()) or n == 0:
            values[name] = draw(column)
    frame = _frame(values, n)
    if n > 1 and draw(st.booleans()):
        frame = frame.iloc[::-1].reset_index(drop=True)  # unsorted timestamps
    if draw(st.booleans()):
        frame = frame.drop(columns="timestamp")
    return frame


def frame_problem(frame: pd.DataFrame) -> str | None:
    """Why ``frame`` is not a valid market frame (a word the refusal must contain), or None if it is."""
    if len(frame) == 0:
        return "empty"
    for name in ("timestamp", "futures_price", "open_interest"):
        if name not in frame.columns:
            return name
    if not frame["timestamp"].is_monotonic_increasing or len(frame) > 1 and frame["timestamp"].duplicated().any():
        return "timestamp"
    for name in ("futures_price", "open_interest"):
        column = frame[name]
        if column.dtype == object or not all(isinstance(v, numbers.Real) and math.isfinite(v) and v > 0 for v in column):
            return name
    return None


def refused(call, naming: str) -> None:
    with pytest.raises((ValueError, TypeError)) as info:
        call()
    assert naming in str(info.value), f"the refusal should name {naming!r}: {info.value}"
    assert "Traceback" not in str(info.value)


def only_clean_errors(call) -> None:
    try:
        call()
    except (ValueError, TypeError) as exc:
        assert str(exc), "errors must say what is wrong"
        assert "Traceback" not in str(exc)


@given(junk_frames())
def test_bad_frames_are_refused_and_good_ones_accepted(frame):
    before = frame.copy()
    problem = frame_problem(frame)
    if problem is None:
        assert mb.validate_market_data(frame) is frame
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # overflow on prices near 1e308 is not a refusal
            only_clean_errors(lambda: mb.run_backtest(frame))
    else:
        refused(lambda: mb.validate_market_data(frame), problem)
        refused(lambda: mb.run_backtest(frame), problem)
        refused(lambda: mb.run_backtest(frame, mb.REALISTIC), problem)
        if problem in ("empty", "open_interest"):  # the indicators read open interest only
            refused(lambda: mb.calculate_indicators(frame), problem)
    pd.testing.assert_frame_equal(frame, before)


@given(junk_frames(), junk_scalars, junk_scalars)
def test_pipeline_functions_on_junk(frame, a, b):
    before = frame.copy()
    only_clean_errors(lambda: mb.calculate_indicators(frame))
    only_clean_errors(lambda: mb.calculate_indicators(frame, a, b))
    only_clean_errors(lambda: mb.generate_signals(frame))
    only_clean_errors(lambda: mb.run_trading_simulation(frame.assign(signal="HOLD") if len(frame) else frame))
    only_clean_errors(lambda: mb.run_trading_simulation(frame, initial_cash=a, premium=b))
    only_clean_errors(lambda: mb.run_backtest(frame, mb.REALISTIC, short_sma_window=a))
    pd.testing.assert_frame_equal(frame, before)


def number_problem(value, minimum: float = 0.0, strict: bool = False) -> bool:
    """True unless ``value`` is a finite real (not a bool) >= ``minimum`` (> when ``strict``)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        return True
    return value < minimum or (strict and value == minimum)


@given(junk_scalars, junk_scalars)
def test_the_atm_strike_refuses_exactly_the_bad_numbers(price, interval):
    if number_problem(price) or number_problem(interval, strict=True):
        refused(lambda: mb.get_atm_strike(price, interval), "strike_interval" if number_problem(interval, strict=True)
                else "futures_price")
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            strike = mb.get_atm_strike(price, interval)
        assert isinstance(strike, float)


@given(junk_scalars, junk_scalars)
def test_settings_refuse_exactly_the_bad_numbers(delay, stop):
    bad_delay = isinstance(delay, bool) or not isinstance(delay, numbers.Integral) or delay < 0
    bad_stop = stop is not None and (number_problem(stop, strict=True) or stop > 1)
    if bad_delay or bad_stop:
        refused(lambda: mb.ARTICLE.replace(fill_delay=delay, stop_loss=stop), "fill_delay" if bad_delay else "stop_loss")
    else:
        settings = mb.ARTICLE.replace(fill_delay=delay, stop_loss=stop)
        assert (settings.fill_delay, settings.stop_loss) == (delay, stop)


@given(junk_scalars, junk_scalars, junk_scalars)
def test_scalar_functions_on_junk(a, b, c):
    only_clean_errors(lambda: mb.simulate_market_data(a, seed=b))
    only_clean_errors(lambda: mb.black76_price(a, b, c, 0.01, 0.2, True))
    only_clean_errors(lambda: mb.black76_greeks(4000.0, 4000.0, a, b, c, True))
    only_clean_errors(lambda: mb.implied_volatility(a, 4000.0, 4000.0, 0.25, 0.0, True))
    only_clean_errors(lambda: mb.price_option(4000.0, 4000.0, 0.25, 0.0, 0.2, True, style=a))
    only_clean_errors(lambda: mb.run_article(num_periods=a, seed=b, short_sma_window=c))


ALLOWED = {"warmup": settings_module.WARMUP_MODES, "gradient": settings_module.GRADIENT_MODES,
           "pricing": settings_module.PRICING_MODES, "mark": settings_module.MARK_MODES,
           "expiry_cycle": settings_module.EXPIRY_CYCLES, "strike": settings_module.STRIKE_RULES,
           "volatility": settings_module.VOLATILITY_SOURCES, "fill_price": settings_module.FILL_PRICES,
           "exercise": settings_module.EXERCISE_STYLES}


@given(st.dictionaries(st.sampled_from(sorted(ALLOWED)), junk_scalars, min_size=1, max_size=3))
def test_unknown_options_are_named(changes):
    bad = [name for name, value in changes.items() if not any(value is a or (type(value) is str and value == a)
                                                              for a in ALLOWED[name])]
    for name in bad:  # each junk value of a field is refused, naming the field
        refused(lambda: mb.REALISTIC.replace(**{name: changes[name]}), name)
    if bad:
        refused(lambda: mb.REALISTIC.replace(**changes), "")


@pytest.mark.parametrize("bad", [np.array(["a"]), np.array([np.nan]), np.array([np.inf]), np.array([-np.inf]),
                                 np.array([-1.0])])
def test_arrays_with_bad_values(bad):
    with pytest.raises((ValueError, TypeError), match="futures"):
        mb.black76_price(bad, 4000.0, 0.25, 0.0, 0.2, True)
