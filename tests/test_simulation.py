from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, strategies as st

from mesbook import calculate_indicators, generate_signals, run_article, run_trading_simulation, simulate_market_data
from mesbook.article.simulation import trade_table
from benchmarks.article_loop import loop_simulation
from conftest import frame_from


def assert_matches_loop(frame: pd.DataFrame, **kwargs) -> None:
    result = run_trading_simulation(frame, **kwargs)
    final, trades, equity = loop_simulation(frame.assign(signal=frame["signal"].astype(str)), **kwargs)
    assert result.final_value == pytest.approx(final, rel=1e-12, abs=1e-9)
    np.testing.assert_allclose(result.equity.to_numpy(), equity, rtol=1e-12, atol=1e-9)
    expected = pd.DataFrame(trades, columns=["entry_bar", "exit_bar", "option_type", "strike", "pnl"])
    got = result.trades[expected.columns].reset_index(drop=True)
    pd.testing.assert_frame_equal(got, expected, check_dtype=False, rtol=1e-12, atol=1e-9)


def signals_for(n: int, seed: int, short: int = 10, long: int = 30) -> pd.DataFrame:
    return generate_signals(calculate_indicators(simulate_market_data(n, seed=seed), short, long))


@pytest.mark.parametrize("n", [1, 2, 30, 31, 500, 5000])
def test_matches_the_per_bar_loop_on_sizes(n):
    assert_matches_loop(signals_for(n, seed=n))


@pytest.mark.parametrize("seed", range(60))
def test_matches_the_per_bar_loop_on_many_seeds(seed):
    rng = np.random.default_rng(seed)
    short = int(rng.integers(1, 15))
    assert_matches_loop(signals_for(int(rng.integers(2, 800)), seed, short, short + int(rng.integers(1, 40))))


def test_the_warm_up_crossover_opens_the_first_trade():
    frame = signals_for(500, seed=1)
    result = run_trading_simulation(frame)
    first = result.trades.iloc[0]
    assert first["entry_bar"] == 9 and first["option_type"] == "CALL"
    assert_matches_loop(frame)


def test_price_on_its_floor():
    prices = np.maximum(np.linspace(300, -200, 120), 100)  # hits the article's 100-point floor
    oi = 20_000 + 400 * np.sin(np.arange(120) / 4)
    frame = generate_signals(calculate_indicators(frame_from(prices, oi), 3, 8))
    assert (frame["futures_price"] == 100).sum() > 30 and (frame["signal"] != "HOLD").sum() >= 4
    assert_matches_loop(frame)


signal_lists = st.lists(st.sampled_from(["HOLD", "HOLD", "BUY", "SELL"]), min_size=1, max_size=120)


@given(signal_lists, st.integers(0, 2**32 - 1), st.sampled_from([0.0, 10.0, 30.0, 100_000.0]), st.sampled_from([0.0, 12.5, 25.0]))
def test_random_signals_and_small_accounts_match_the_loop(signals, seed, cash, premium):
    rng = np.random.default_rng(seed)
    prices = 4000 + np.cumsum(rng.normal(0, 3, len(signals)))
    frame = frame_from(prices, np.full(len(signals), 1000.0)).assign(signal=signals)
    assert_matches_loop(frame, initial_cash=cash, premium=premium)


@given(signal_lists, st.integers(0, 2**32 - 1), st.sampled_from([0.0, 20.0, 100_000.0]))
def test_accounting_identity_and_one_position_at_a_time(signals, seed, cash):
    rng = np.random.default_rng(seed)
    frame = frame_from(4000 + np.cumsum(rng.normal(0, 3, len(signals))), np.ones(len(signals))).assign(signal=signals)
    before = frame.copy()
    result = run_trading_simulation(frame, initial_cash=cash)
    pd.testing.assert_frame_equal(frame, before)  # input untouched
    assert result.trades["pnl"].sum() == pytest.approx(result.final_value - cash, abs=1e-8)
    assert result.equity.iloc[-1] == result.final_value
    entries, exits = result.trades["entry_bar"].to_numpy(), result.trades["exit_bar"].to_numpy()
    assert np.all(entries < exits) and np.all(entries[1:] >= exits[:-1])  # never two options at once
    assert np.all(result.trades["pnl"] >= -result.trades["premium"])  # a bought option loses at most its price
    if len(frame) and not len(result.trades):
        assert (result.equity == cash).all()


def test_seeded_runs_are_bit_identical():
    a, b = run_article(seed=42)[1], run_article(seed=42)[1]
    assert a.final_value == b.final_value
    pd.testing.assert_frame_equal(a.trades, b.trades)
    pd.testing.assert_series_equal(a.equity, b.equity)


def test_result_layout_and_units():
    _, result = run_article(seed=3)
    assert list(result.trades.columns[:2]) == ["entry_time", "exit_time"]
    assert set(result.trades["option_type"]) <= {"CALL", "PUT"}
    assert (result.trades["strike"] % 5 == 0).all() and (result.trades["premium"] == 12.5).all()
    assert result.equity.index.name == "timestamp" and len(result.equity) == 500
    summary = result.summary()
    assert summary.num_trades == len(result.trades)
    assert summary.net_pnl == pytest.approx(result.trades["pnl"].sum())
    assert sum(summary.signal_counts.values()) == 500
    text = repr(summary)
    assert "final value" in text and "win rate" in text and "BUY" in text
    assert "SimulationResult (500 bars)" in repr(result)
    assert summary.as_series()["trades"] == len(result.trades)


def test_cash_runs_out():
    frame = frame_from(np.full(10, 4000.0), np.ones(10)).assign(signal=["BUY", "SELL"] * 5)
    result = run_trading_simulation(frame, initial_cash=30.0, premium=12.5)  # affords two losing options
    assert len(result.trades) == 2 and result.final_value == 5.0


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"initial_cash": -1}, ValueError, "initial_cash"),
        ({"premium": -0.5}, ValueError, "premium"),
        ({"premium": float("nan")}, ValueError, "premium"),
        ({"multiplier": 0}, ValueError, "multiplier"),
        ({"strike_interval": 0}, ValueError, "strike_interval"),
        ({"initial_cash": "1000"}, TypeError, "initial_cash"),
    ],
)
def test_bad_arguments(market, kwargs, error, match):
    frame = generate_signals(calculate_indicators(market))
    with pytest.raises(error, match=match):
        run_trading_simulation(frame, **kwargs)


def test_bad_frames(market):
    with pytest.raises(ValueError, match="run generate_signals"):
        run_trading_simulation(market)
    frame = generate_signals(calculate_indicators(market))
    shuffled = frame.iloc[::-1].reset_index(drop=True)
    with pytest.raises(ValueError, match="out-of-order timestamp at row 1"):
        run_trading_simulation(shuffled)
    bad = frame.assign(signal=frame["signal"].astype(str).replace({"BUY": "LONG"}))
    with pytest.raises(ValueError, match="allowed values are HOLD, BUY, SELL"):
        run_trading_simulation(bad)
    with pytest.raises(TypeError, match="'timestamp' must hold datetimes"):
        run_trading_simulation(frame.assign(timestamp=frame["timestamp"].astype(str)))


def test_statistics_on_demand_reconcile_with_the_summary():
    frame, result = run_article(seed=5)
    stats = result.statistics(prices=frame.set_index("timestamp")["futures_price"])
    assert stats["# Trades"] == result.summary().num_trades
    assert stats["Equity Final [$]"] == pytest.approx(result.final_value)
    assert stats["Net P&L [$]"] == pytest.approx(result.trades["pnl"].sum())


def test_trade_table_is_the_trade_log_for_reading():
    _, result = run_article(seed=7)
    table = trade_table(result)
    assert len(table) == len(result.trades) and table.index[0] == 1
    np.testing.assert_allclose(table["P&L ($)"], result.trades["pnl"].round(2))
    assert list(table["bars held"]) == list(result.trades["exit_bar"] - result.trades["entry_bar"])
    assert table["opened"].iloc[0] == f"{result.trades['entry_time'].iloc[0]:%Y-%m-%d}"
    sign = np.where(result.trades["option_type"] == "CALL", 1, -1)
    np.testing.assert_allclose(table["in the money at entry"],
                               (sign * (result.trades["entry_price"] - result.trades["strike"])).round(2))


def test_entry_moneyness_hand_built():
    from mesbook.article.simulation import entry_moneyness
    trades = pd.DataFrame({"option_type": ["CALL", "PUT", "CALL", "PUT"], "entry_price": [4503.25, 4503.25, 4507.5, 4500.0],
                           "strike": [4505.0, 4505.0, 4510.0, 4500.0]})
    before = trades.copy()
    assert entry_moneyness(trades).tolist() == [-1.75, 1.75, -2.5, 0.0]
    pd.testing.assert_frame_equal(trades, before)
    assert entry_moneyness(trades.iloc[:0]).empty
    with pytest.raises(ValueError, match="entry_price"):
        entry_moneyness(trades.drop(columns="entry_price"))
    with pytest.raises(TypeError, match="trade log"):
        entry_moneyness(trades.to_numpy())


@pytest.mark.parametrize("interval", [5.0, 0.25])
def test_entry_moneyness_stays_within_half_the_strike_grid(interval):
    from mesbook.article.simulation import entry_moneyness
    moneyness = np.concatenate([entry_moneyness(run_article(seed=seed, strike_interval=interval)[1].trades).to_numpy()
                                for seed in range(20)])
    assert np.abs(moneyness).max() <= interval / 2
    assert 0.3 < (moneyness > 0).mean() < 0.7  # nearest strike: in the money about half the time
    if interval == 5.0:
        assert np.abs(moneyness).max() > 2.0  # and the whole ± 2.5 range is reached


def test_run_article_passes_the_strike_interval():
    _, fine = run_article(seed=7, strike_interval=0.25)
    assert (fine.trades["strike"] % 0.25 == 0).all() and not (fine.trades["strike"] % 5 == 0).all()
    assert run_article(seed=7)[1].net_pnl != fine.net_pnl
