"""Fuzzing the public API: whatever comes in, the only errors out are ValueError/TypeError with a message."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, strategies as st

import mesbook as mb

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
        st.lists(st.integers(-5, 5), min_size=n, max_size=n),
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


def only_clean_errors(call) -> None:
    try:
        call()
    except (ValueError, TypeError) as exc:
        assert str(exc), "errors must say what is wrong"
        assert "Traceback" not in str(exc)


@given(junk_frames(), junk_scalars, junk_scalars)
def test_pipeline_functions_on_junk(frame, a, b):
    before = frame.copy()
    only_clean_errors(lambda: mb.calculate_indicators(frame))
    only_clean_errors(lambda: mb.calculate_indicators(frame, a, b))
    only_clean_errors(lambda: mb.generate_signals(frame))
    only_clean_errors(lambda: mb.run_trading_simulation(frame.assign(signal="HOLD") if len(frame) else frame))
    only_clean_errors(lambda: mb.run_trading_simulation(frame, initial_cash=a, premium=b))
    only_clean_errors(lambda: mb.run_backtest(frame))
    only_clean_errors(lambda: mb.run_backtest(frame, mb.REALISTIC, short_sma_window=a))
    only_clean_errors(lambda: mb.validate_market_data(frame))
    pd.testing.assert_frame_equal(frame, before)


@given(junk_scalars, junk_scalars, junk_scalars)
def test_scalar_functions_on_junk(a, b, c):
    only_clean_errors(lambda: mb.simulate_market_data(a, seed=b))
    only_clean_errors(lambda: mb.get_atm_strike(a, b))
    only_clean_errors(lambda: mb.black76_price(a, b, c, 0.01, 0.2, True))
    only_clean_errors(lambda: mb.black76_greeks(4000.0, 4000.0, a, b, c, True))
    only_clean_errors(lambda: mb.implied_volatility(a, 4000.0, 4000.0, 0.25, 0.0, True))
    only_clean_errors(lambda: mb.price_option(4000.0, 4000.0, 0.25, 0.0, 0.2, True, style=a))
    only_clean_errors(lambda: mb.ARTICLE.replace(fill_delay=a, stop_loss=b))
    only_clean_errors(lambda: mb.run_article(num_periods=a, seed=b, short_sma_window=c))


@given(st.dictionaries(st.sampled_from(["warmup", "gradient", "pricing", "mark", "expiry_cycle", "strike", "volatility",
                                        "fill_price", "exercise"]), junk_scalars, max_size=3))
def test_unknown_options_are_named(changes):
    only_clean_errors(lambda: mb.REALISTIC.replace(**changes))


@pytest.mark.parametrize("bad", [np.array(["a"]), np.array([np.nan]), np.array([-1.0])])
def test_arrays_with_bad_values(bad):
    with pytest.raises((ValueError, TypeError), match="futures"):
        mb.black76_price(bad, 4000.0, 0.25, 0.0, 0.2, True)
