from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, strategies as st

import mesbook as mb
from mesbook.core.trades import article_equity, article_run
from mesbook.engine.decisions import SignalCache
from mesbook.engine.fastpath import EXECUTION_FIELDS, require_fast_path, supports_fast_path
from mesbook.core.signals import delay_codes
from mesbook.engine.settings import ARTICLE, REALISTIC, Commission

signal_switches = st.fixed_dictionaries({
    "warmup": st.sampled_from(["fill_zero", "skip"]), "gradient": st.sampled_from(["centred", "backward"]),
    "oi_lag": st.integers(0, 2), "fill_delay": st.integers(0, 2), "roll_filter_bars": st.sampled_from([0, 4]),
    "fixed_premium_points": st.sampled_from([2.5, 0.0, 7.25]),
})


@given(signal_switches, st.integers(0, 500), st.integers(1, 8), st.integers(1, 20), st.integers(1, 6))
def test_fast_path_equals_run_backtest(changes, seed, short, extra, gradient):
    settings = ARTICLE.replace(**changes)
    data = mb.simulate_market_data(300, seed=seed)
    cache = SignalCache(data["open_interest"], settings, data["timestamp"])
    price = data["futures_price"].to_numpy()
    premium = settings.fixed_premium_points * mb.FUTURES_MULTIPLIER
    run = article_run(price, cache.codes(short, short + extra, gradient), premium=premium)
    expected = mb.run_backtest(data, settings, short_sma_window=short, long_sma_window=short + extra, gradient_window=gradient)
    np.testing.assert_array_equal(run.entries, expected.trades["entry_bar"])
    np.testing.assert_array_equal(run.exits, expected.trades["exit_bar"])
    np.testing.assert_array_equal(run.pnl, expected.trades["pnl"])
    np.testing.assert_array_equal(article_equity(run, price, premium=premium), expected.equity.to_numpy())


def test_delay_codes_shifts_and_pads_with_hold():
    codes = np.array([1, 0, 2, 1], dtype=np.int8)
    np.testing.assert_array_equal(delay_codes(codes, 1), [0, 1, 0, 2])
    np.testing.assert_array_equal(delay_codes(codes, 9), [0, 0, 0, 0])
    assert delay_codes(codes, 0) is codes


def test_which_settings_take_the_fast_path():
    assert supports_fast_path(ARTICLE)
    assert supports_fast_path(ARTICLE.replace(warmup="skip", gradient="backward", oi_lag=1, fill_delay=1, roll_filter_bars=3))
    assert not supports_fast_path(REALISTIC)
    for name, value in [("commission", Commission()), ("slippage_ticks", 1.0), ("expiry_cycle", "weekly"),
                        ("contracts", 2), ("stop_loss", 0.5), ("strike", "offset")]:
        assert name in EXECUTION_FIELDS
        assert not supports_fast_path(ARTICLE.replace(**{name: value}))
    with pytest.raises(ValueError, match="slippage_ticks"):
        require_fast_path(ARTICLE.replace(slippage_ticks=1.0), "test")
    with pytest.raises(TypeError, match="BacktestSettings"):
        supports_fast_path("ARTICLE")
