from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, strategies as st

import mesbook as mb
from mesbook.core.trades import Terms, article_equity, article_run
from mesbook.engine.decisions import SignalCache
from mesbook.engine.fastpath import EXECUTION_FIELDS, require_fast_path, supports_fast_path
from mesbook.core.signals import delay_codes
from mesbook.engine.settings import ARTICLE, REALISTIC, Commission

signal_switches = st.fixed_dictionaries({
    "warmup": st.sampled_from(["fill_zero", "skip"]), "gradient": st.sampled_from(["centred", "backward"]),
    "oi_lag": st.integers(0, 2), "fill_delay": st.integers(0, 2), "roll_filter": st.sampled_from([0, 4]),
    "fixed_premium_points": st.sampled_from([2.5, 0.0, 7.25]),
})


@given(signal_switches, st.integers(0, 500), st.integers(1, 8), st.integers(1, 20), st.integers(1, 6))
def test_fast_path_equals_run_backtest(changes, seed, short, extra, gradient):
    settings = ARTICLE.replace(**changes)
    data = mb.simulate_market_data(300, seed=seed)
    cache = SignalCache(data["open_interest"], settings, data["timestamp"])
    price = data["futures_price"].to_numpy()
    premium = settings.fixed_premium_points * mb.FUTURES_MULTIPLIER
    run = article_run(price, cache.codes(short, short + extra, gradient), Terms(premium=premium))
    expected = mb.run_backtest(data, settings, short_sma_window=short, long_sma_window=short + extra, gradient_window=gradient)
    np.testing.assert_array_equal(run.entries, expected.trades["entry_bar"])
    np.testing.assert_array_equal(run.exits, expected.trades["exit_bar"])
    np.testing.assert_array_equal(run.pnl, expected.trades["pnl"])
    np.testing.assert_array_equal(article_equity(run, price, Terms(premium=premium)), expected.equity.to_numpy())


def test_delay_codes_shifts_and_pads_with_hold():
    codes = np.array([1, 0, 2, 1], dtype=np.int8)
    np.testing.assert_array_equal(delay_codes(codes, 1), [0, 1, 0, 2])
    np.testing.assert_array_equal(delay_codes(codes, 9), [0, 0, 0, 0])
    assert delay_codes(codes, 0) is codes


def test_which_settings_take_the_fast_path():
    assert supports_fast_path(ARTICLE)
    assert supports_fast_path(ARTICLE.replace(warmup="skip", gradient="backward", oi_lag=1, fill_delay=1, roll_filter=3))
    assert not supports_fast_path(REALISTIC)
    for name, value in [("commission", Commission()), ("slippage_ticks", 1.0), ("expiry_cycle", "weekly"),
                        ("contracts", 2), ("stop_loss", 0.5), ("strike", "offset")]:
        assert name in EXECUTION_FIELDS
        assert not supports_fast_path(ARTICLE.replace(**{name: value}))
    with pytest.raises(ValueError, match="slippage_ticks"):
        require_fast_path(ARTICLE.replace(slippage_ticks=1.0), "test")
    with pytest.raises(TypeError, match="BacktestSettings"):
        supports_fast_path("ARTICLE")


# -- FastMarket: the one runner, and the one random-entry twin --------------------------------------
@given(signal_switches, st.integers(0, 500), st.integers(1, 8), st.integers(1, 20))
def test_the_runner_is_run_backtest(changes, seed, short, extra):
    from mesbook.core.windows import Windows
    from mesbook.engine.fastpath import FastMarket

    settings = ARTICLE.replace(**changes)
    data = mb.simulate_market_data(200, seed=seed)
    market = FastMarket.from_frame(data, settings, initial_cash=5_000.0)
    windows = Windows(short, short + extra)
    run = market.run(windows)
    expected = mb.run_backtest(data, settings, initial_cash=5_000.0, **windows.keywords())
    np.testing.assert_array_equal(run.pnl, expected.trades["pnl"])
    np.testing.assert_array_equal(market.equity(run), expected.equity.to_numpy())
    assert market.bar_pnl(run).sum() == pytest.approx(expected.net_pnl)
    assert market.bar_pnl(run)[0] == expected.equity.iloc[0] - 5_000.0


def test_a_twin_in_the_runs_own_order_is_the_run():
    # The article's trades are back to back (each closes where the next opens) and, on an account that pays
    # for all of them, the twin laid out in the original order is the run itself, trade for trade.
    from mesbook.engine.fastpath import FastMarket

    market = FastMarket.from_frame(mb.simulate_market_data(500, seed=7))
    run = market.run((10, 30, 5))
    assert len(run.pnl) > 5
    same = market.twins(run, np.arange(len(run.pnl)))
    for name in ("entries", "exits", "signs", "strikes", "pnl"):
        np.testing.assert_array_equal(getattr(same, name), getattr(run, name))


def test_twins_keep_count_durations_and_span_and_cost_the_premium_on_a_flat_price():
    from mesbook.engine.fastpath import FastMarket
    from conftest import frame_from

    oi = 1000 + np.cumsum(np.random.default_rng(4).standard_normal(150) * 50)
    flat = FastMarket.from_frame(frame_from(np.full(150, 4000.0), oi), ARTICLE.replace(fixed_premium_points=3.0))
    run = flat.run((3, 8, 5))
    orders = np.argsort(np.random.default_rng(1).random((4, len(run.pnl))), axis=1)
    twins = flat.twins(run, orders)
    assert twins.pnl.shape == (4, len(run.pnl))
    for k in range(4):
        assert sorted(twins.exits[k] - twins.entries[k]) == sorted(run.exits - run.entries)
        assert twins.entries[k][0] == run.entries[0] and twins.exits[k][-1] == run.exits[-1]
    np.testing.assert_array_equal(twins.pnl, np.full(twins.pnl.shape, -3.0 * mb.FUTURES_MULTIPLIER))  # worth 0 at 4000
    puts = flat.twins(run, orders, signs=-np.ones(orders.shape, dtype=int))
    assert (puts.signs == -1).all()


def test_the_runner_refuses_settings_it_cannot_run():
    from mesbook.engine.fastpath import FastMarket

    data = mb.simulate_market_data(100, seed=1)
    with pytest.raises(ValueError, match="my study needs settings that execute trades as the article does"):
        FastMarket.from_frame(data, REALISTIC, caller="my study")
    with pytest.raises(ValueError, match="initial_cash"):
        FastMarket.from_frame(data, initial_cash=-1.0)
    with pytest.raises(ValueError, match="missing column"):
        FastMarket.from_frame(data.drop(columns="open_interest"))


def test_the_terms_are_checked_when_made():
    assert Terms() == Terms(100_000, 12.5, 5, 5) and isinstance(Terms().initial_cash, float)
    with pytest.raises(ValueError, match="premium must be >= 0"):
        Terms(premium=-1.0)
    with pytest.raises(ValueError, match="multiplier must be > 0"):
        Terms(multiplier=0)
    with pytest.raises(ValueError, match="strike_interval must be > 0"):
        Terms(strike_interval=0.0)
    with pytest.raises(TypeError, match="initial_cash must be a real number"):
        Terms(initial_cash="100000")
