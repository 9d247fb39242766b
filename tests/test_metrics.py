"""Tests of mesbook.metrics: hand-computed statistics, edge cases, properties and accounting."""
from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, strategies as st

from mesbook import calculate_indicators, generate_signals, run_trading_simulation, simulate_market_data
from mesbook.core.trades import open_trade_index
from mesbook.metrics import (
    DRAWDOWN_COLUMNS,
    STAT_LABELS,
    annualized_return,
    annualized_volatility,
    bar_returns,
    check_accounting,
    compute_stats,
    drawdown,
    drawdown_periods,
    format_stats,
    sharpe_ratio,
    sortino_ratio,
)
from conftest import frame_from

TRADE_LOG_COLUMNS = ["entry_bar", "exit_bar", "pnl"]


def daily(values, start: str = "2024-01-01") -> pd.Series:
    """An equity curve in dollars on calendar days."""
    values = np.asarray(values, dtype=float)
    return pd.Series(values, index=pd.date_range(start, periods=len(values), freq="D", name="timestamp"), name="equity")


def no_trades() -> pd.DataFrame:
    return trade_log([], [])


def trade_log(bars, pnl, equity: pd.Series | None = None, costs=None) -> pd.DataFrame:
    """A trade log from (entry_bar, exit_bar) pairs and dollar pnl; times taken from ``equity``'s index."""
    entry, exit_ = (np.array(b, dtype=np.int64) for b in zip(*bars)) if bars else (np.zeros(0, np.int64),) * 2
    log = pd.DataFrame({"entry_bar": entry, "exit_bar": exit_, "pnl": np.asarray(pnl, dtype=float)})
    if equity is not None:
        log.insert(0, "entry_time", equity.index[entry])
        log.insert(1, "exit_time", equity.index[exit_])
    if costs is not None:
        log["costs"] = np.asarray(costs, dtype=float)
    return log


def simulate(n: int, seed: int, **kwargs):
    frame = generate_signals(calculate_indicators(simulate_market_data(n, seed=seed)))
    return frame, run_trading_simulation(frame, **kwargs)


def strict_stats(*args, **kwargs) -> pd.Series:
    """compute_stats with every warning turned into an error."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return compute_stats(*args, **kwargs)


def reference_sharpe_parts(r: np.ndarray, periods: float, rate: float = 0.0) -> tuple[float, float, float, float]:
    """Annual return, volatility, Sharpe and Sortino written out with plain numpy (backtesting.py's formulas)."""
    g = np.prod(1 + r) ** (1 / len(r)) - 1
    annual = (1 + g) ** periods - 1
    vol = np.sqrt((np.var(r, ddof=1) + (1 + g) ** 2) ** periods - (1 + g) ** (2 * periods))
    downside = np.sqrt(np.mean(np.minimum(r, 0) ** 2)) * np.sqrt(periods)
    return annual, vol, (annual - rate) / vol, (annual - rate) / downside


# ---------------------------------------------------------------------------------------------- drawdowns
CURVE = [100, 120, 90, 60, 120, 130, 117]  # peaks 100, 120 (x4), 130 (x2)


def test_drawdown_by_hand():
    dd = drawdown(daily(CURVE))
    np.testing.assert_allclose(dd.to_numpy(), [0, 0, -0.25, -0.5, 0, 0, -0.1])
    assert dd.index.equals(daily(CURVE).index)


def test_drawdown_periods_by_hand():
    equity = daily(CURVE)
    periods = drawdown_periods(equity)
    assert list(periods.columns) == list(DRAWDOWN_COLUMNS)
    idx = equity.index
    assert list(periods["start"]) == [idx[1], idx[5]]
    assert list(periods["trough"]) == [idx[3], idx[6]]
    assert list(periods["end"]) == [idx[4], idx[6]]
    np.testing.assert_allclose(periods["depth"], [-0.5, -0.1])
    assert list(periods["bars"]) == [3, 1]
    assert list(periods["duration"]) == [pd.Timedelta(days=3), pd.Timedelta(days=1)]
    assert list(periods["recovered"]) == [True, False]


def test_drawdown_periods_without_timestamps_count_bars():
    periods = drawdown_periods(pd.Series(CURVE, dtype=float))
    assert list(periods["start"]) == [1, 5] and list(periods["trough"]) == [3, 6] and list(periods["end"]) == [4, 6]
    assert list(periods["duration"]) == [3, 1]


def test_trough_ties_pick_the_first_bar_and_rising_curves_have_no_drawdown():
    periods = drawdown_periods(daily([10, 8, 9, 8, 10]))
    assert len(periods) == 1 and periods["trough"].iloc[0] == daily([0] * 5).index[1]
    assert periods["bars"].iloc[0] == 4
    assert drawdown_periods(daily([1, 2, 3])).empty


def test_drawdown_rows_of_the_table():
    stats = strict_stats(daily(CURVE), no_trades())
    assert stats["Max. Drawdown [%]"] == pytest.approx(-50)
    assert stats["Avg. Drawdown [%]"] == pytest.approx(-30)
    assert stats["Max. Drawdown Duration"] == pd.Timedelta(days=3)
    assert stats["Avg. Drawdown Duration"] == pd.Timedelta(days=2)
    assert stats["Max. Drawdown Duration [bars]"] == 3 and stats["Avg. Drawdown Duration [bars]"] == 2.0
    assert stats["Equity Peak [$]"] == 130 and stats["Equity Final [$]"] == 117
    assert stats["Start"] == pd.Timestamp("2024-01-01") and stats["End"] == pd.Timestamp("2024-01-07")
    assert stats["Duration"] == pd.Timedelta(days=6)
    assert stats["Return [%]"] == pytest.approx(17)
    assert stats["Net P&L [$]"] == pytest.approx(17)
    assert stats["Calmar Ratio"] == pytest.approx(stats["Return (Ann.) [%]"] / 50)


def test_the_average_drawdown_is_a_mean_not_a_median():
    # three drawdowns: 10 % over 1 bar, 50 % over 3 bars, 2 % over 1 bar (still open at the end)
    equity = daily([100, 90, 100, 50, 60, 100, 98])
    periods = drawdown_periods(equity)
    np.testing.assert_allclose(periods["depth"], [-0.1, -0.5, -0.02])
    assert list(periods["bars"]) == [2, 3, 1]
    stats = strict_stats(equity, no_trades())
    assert stats["Avg. Drawdown [%]"] == pytest.approx(-62 / 3)  # the median would be -10
    assert stats["Avg. Drawdown Duration [bars]"] == pytest.approx(2.0) and stats["Max. Drawdown Duration [bars]"] == 3
    assert stats["Avg. Drawdown Duration"] == pd.Timedelta(days=2)
    skewed = daily([100, 90, 100, 99, 100, 98, 99, 97, 100])  # bars 2, 2, 4: mean 8/3, median 2
    assert strict_stats(skewed, no_trades())["Avg. Drawdown Duration [bars]"] == pytest.approx(8 / 3)


@pytest.mark.parametrize("bad", [np.inf, -np.inf, np.nan])
def test_non_finite_values_are_refused_at_every_boundary(bad):
    with pytest.raises(ValueError, match="equity"):
        compute_stats(daily([100.0, bad, 101.0]), no_trades())
    with pytest.raises(ValueError, match="pnl"):
        compute_stats(daily([100.0, 101.0]), trade_log([(0, 1)], [bad]))
    with pytest.raises(ValueError, match="costs"):
        compute_stats(daily([100.0, 101.0]), trade_log([(0, 1)], [1.0], costs=[bad]))
    with pytest.raises(ValueError, match="prices"):
        compute_stats(daily([100.0, 101.0]), no_trades(), prices=pd.Series([10.0, bad]))
    for name, call in [("periods_per_year", lambda: annualized_return([0.01], periods_per_year=bad)),
                       ("risk_free_rate", lambda: sharpe_ratio([0.01, 0.02], risk_free_rate=bad)),
                       ("initial_cash", lambda: compute_stats(daily([1.0, 2.0]), no_trades(), initial_cash=bad)),
                       ("tol", lambda: check_accounting(daily([1.0, 2.0]), no_trades(), initial_cash=1.0, tol=bad))]:
        with pytest.raises(ValueError, match=name):
            call()


# ----------------------------------------------------------------------------- returns and annualization
def test_sharpe_sortino_and_volatility_match_the_numpy_formulas():
    r = np.random.default_rng(5).normal(0.0005, 0.01, 300)
    equity = daily(100_000 * np.cumprod(np.r_[1.0, 1 + r]))
    annual, vol, sharpe, sortino = reference_sharpe_parts(r, 252)
    np.testing.assert_allclose(bar_returns(equity).to_numpy()[1:], r, rtol=1e-9)
    assert annualized_return(r, 252) == pytest.approx(annual, rel=1e-9)
    assert annualized_volatility(r, 252) == pytest.approx(vol, rel=1e-9)
    assert sharpe_ratio(r, 252) == pytest.approx(sharpe, rel=1e-9)
    assert sortino_ratio(r, 252) == pytest.approx(sortino, rel=1e-9)
    stats = strict_stats(equity, no_trades())
    assert stats["Return (Ann.) [%]"] == pytest.approx(100 * annual, rel=1e-8)
    assert stats["Volatility (Ann.) [%]"] == pytest.approx(100 * vol, rel=1e-8)
    assert stats["Sharpe Ratio"] == pytest.approx(sharpe, rel=1e-8)
    assert stats["Sortino Ratio"] == pytest.approx(sortino, rel=1e-8)
    # The compounded volatility stays close to the textbook std · sqrt(T) for small daily returns.
    assert vol == pytest.approx(np.std(r, ddof=1) * np.sqrt(252), rel=0.05)


def test_risk_free_rate_is_an_annual_fraction():
    r = np.random.default_rng(8).normal(0.001, 0.02, 100)
    annual, vol, sharpe, sortino = reference_sharpe_parts(r, 52, rate=0.03)
    assert sharpe_ratio(r, 52, risk_free_rate=0.03) == pytest.approx(sharpe, rel=1e-9)
    assert sortino_ratio(r, 52, risk_free_rate=0.03) == pytest.approx(sortino, rel=1e-9)
    equity = daily(100 * np.cumprod(np.r_[1.0, 1 + r]))
    stats = strict_stats(equity, no_trades(), periods_per_year=52, risk_free_rate=0.03)
    assert stats["Sharpe Ratio"] == pytest.approx((annual - 0.03) / vol, rel=1e-8)


@pytest.mark.parametrize(
    "n_returns, periods_per_year, growth, expected",
    [
        (104, 52, 2.0, np.sqrt(2) - 1),  # doubled over two years of weekly bars
        (12, 12, 1.01**12, 1.01**12 - 1),  # 1 % a month for a year
        (6, 12, 1.1, 1.1**2 - 1),  # +10 % in half a year compounds to 21 %
        (504, 252, 0.81, -0.1),  # lost 19 % over two years of daily bars: −10 % a year
    ],
)
def test_annualization_uses_periods_per_year(n_returns, periods_per_year, growth, expected):
    steps = np.full(n_returns, growth ** (1 / n_returns))
    equity = daily(1000 * np.cumprod(np.r_[1.0, steps]))
    stats = strict_stats(equity, no_trades(), periods_per_year=periods_per_year)
    assert stats["Return (Ann.) [%]"] == pytest.approx(100 * expected, rel=1e-9)
    assert stats["Return [%]"] == pytest.approx(100 * (growth - 1), rel=1e-9)
    assert annualized_return(bar_returns(equity), periods_per_year) == pytest.approx(expected, rel=1e-9)


def test_helpers_ignore_the_leading_nan_of_pct_change():
    equity = daily([100, 103, 99, 104, 108, 101])
    for helper in (annualized_return, annualized_volatility, sharpe_ratio, sortino_ratio):
        assert helper(equity.pct_change(), 252) == pytest.approx(helper(bar_returns(equity).to_numpy()[1:], 252))


def test_a_total_loss_annualizes_to_minus_100_percent():
    equity = daily([100, 50, 0, 0, 0])
    returns = bar_returns(equity)
    assert np.isnan(returns.iloc[0]) and returns.iloc[2] == -1 and returns.iloc[3:].isna().all()
    stats = strict_stats(equity, no_trades())
    assert stats["Return (Ann.) [%]"] == -100 and stats["Max. Drawdown [%]"] == -100
    assert np.isnan(stats["Volatility (Ann.) [%]"]) and np.isnan(stats["Sharpe Ratio"])


# ---------------------------------------------------------------------------------------------- trade rows
def test_trade_statistics_by_hand():
    equity = daily(np.full(12, 1000.0))
    bars = [(0, 2), (2, 5), (6, 6), (7, 9), (9, 11)]
    pnl = [30, -10, 0, 50, -20]
    stats = strict_stats(equity, trade_log(bars, pnl, equity, costs=[1, 1, 0, 2, 1]))
    assert stats["# Trades"] == 5
    assert stats["Win Rate [%]"] == pytest.approx(40)  # a $0 trade is not a win
    assert stats["Best Trade [$]"] == 50 and stats["Worst Trade [$]"] == -20
    assert stats["Avg. Trade [$]"] == pytest.approx(10) and stats["Expectancy [$]"] == pytest.approx(10)
    assert stats["Profit Factor"] == pytest.approx(80 / 30)
    assert stats["SQN"] == pytest.approx(np.sqrt(5) * 10 / np.sqrt(850))
    assert stats["Kelly Criterion"] == pytest.approx(0.4 - 0.6 / (40 / 15))
    # Open at the close of bars 0-4 and 7-10; the zero-length trade at bar 6 adds nothing: 9 of 12 bars.
    assert stats["Exposure Time [%]"] == pytest.approx(75)
    assert stats["Avg. Holding Time [bars]"] == pytest.approx(1.8)
    assert stats["Avg. Holding Time"] == pd.Timedelta(days=1.8)
    assert stats["Total Costs [$]"] == pytest.approx(5)


def test_costs_default_to_zero_and_holding_time_needs_timestamps():
    stats = strict_stats(pd.Series([100.0, 101, 102]), trade_log([(0, 2)], [2.0]))
    assert stats["Total Costs [$]"] == 0 and stats["Avg. Holding Time [bars]"] == 2
    assert stats["Avg. Holding Time"] is pd.NaT
    assert stats["Duration"] == 2 and stats["Start"] == 0 and stats["End"] == 2


def test_exposure_matches_the_backtester_position():
    frame, result = simulate(500, seed=3)
    held = open_trade_index(len(frame), result.trades["entry_bar"].to_numpy(), result.trades["exit_bar"].to_numpy())
    stats = strict_stats(result.equity, result.trades)
    assert stats["Exposure Time [%]"] == pytest.approx(100 * np.mean(held >= 0))


@pytest.mark.parametrize(
    "pnl, profit_factor, win_rate, kelly",
    [
        ([5.0, 7.0], np.inf, 100.0, np.nan),  # all winners: nothing lost
        ([-5.0, -7.0], 0.0, 0.0, np.nan),  # all losers
        ([0.0, 0.0], np.nan, 0.0, np.nan),  # neither profit nor loss
    ],
)
def test_one_sided_trade_logs(pnl, profit_factor, win_rate, kelly):
    equity = daily(1000 + np.r_[0.0, np.cumsum(pnl)])
    stats = strict_stats(equity, trade_log([(0, 1), (1, 2)], pnl, equity), initial_cash=1000)
    np.testing.assert_equal(stats["Profit Factor"], profit_factor)
    assert stats["Win Rate [%]"] == win_rate
    np.testing.assert_equal(stats["Kelly Criterion"], kelly)


def test_buy_and_hold():
    equity = daily([100.0, 101, 102, 103])
    prices = pd.Series([4000.0, 3900, 4100, 4400])
    assert strict_stats(equity, no_trades(), prices=prices)["Buy & Hold Return [%]"] == pytest.approx(10)
    assert strict_stats(equity, no_trades(), prices=prices.to_numpy())["Buy & Hold Return [%]"] == pytest.approx(10)
    assert np.isnan(strict_stats(equity, no_trades())["Buy & Hold Return [%]"])


def test_initial_cash_sets_the_base_of_return_and_net_pnl():
    stats = strict_stats(daily([990.0, 1000, 1100]), no_trades(), initial_cash=1000)
    assert stats["Return [%]"] == pytest.approx(10) and stats["Net P&L [$]"] == pytest.approx(100)
    stats = strict_stats(daily([0.0, 5, 10]), no_trades(), initial_cash=0)
    assert np.isnan(stats["Return [%]"]) and stats["Net P&L [$]"] == 10


# ---------------------------------------------------------------------------------------------- edge cases
EDGE_CASES = {
    "no trades": (daily([100.0, 102, 101, 105]), no_trades()),
    "empty trade frame with object columns": (daily([100.0, 101]), pd.DataFrame(columns=TRADE_LOG_COLUMNS)),
    "flat curve": (daily(np.full(50, 1000.0)), no_trades()),
    "one bar": (daily([1000.0]), no_trades()),
    "two bars": (daily([1000.0, 1010.0]), trade_log([(0, 1)], [10.0])),
    "all winners": (daily([1000.0, 1010, 1030]), trade_log([(0, 1), (1, 2)], [10.0, 20.0])),
    "wiped out": (daily([100.0, 40, 0, 0]), trade_log([(0, 2)], [-100.0])),
    "starts at zero": (daily([0.0, 0, 12.5, 3]), trade_log([(1, 3)], [3.0])),
    "steady growth": (daily(1000 * 1.001 ** np.arange(30)), no_trades()),
}


@pytest.mark.parametrize("case", list(EDGE_CASES))
def test_edge_cases_give_a_full_table_without_warnings(case):
    equity, trades = EDGE_CASES[case]
    stats = strict_stats(equity, trades, prices=pd.Series(np.linspace(10, 20, len(equity))))
    assert list(stats.index) == list(STAT_LABELS)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        text = format_stats(stats)
        drawdown_periods(equity)
        cash = max(float(equity.iloc[0]), 0.0)
        gap = (float(equity.iloc[-1]) - cash) - float(trades["pnl"].sum())
        if gap == 0:  # the log explains the curve: the check passes with no slack at all
            assert check_accounting(equity, trades, initial_cash=cash, tol=0.0) == 0.0
        else:  # it does not: the check must say so, even with a cent of slack
            with pytest.raises(ValueError, match="does not reconcile"):
                check_accounting(equity, trades, initial_cash=cash, tol=0.01 if abs(gap) > 0.01 else 0.0)
    assert len(text.splitlines()) == len(STAT_LABELS)


def test_flat_curve_and_no_trades():
    stats = strict_stats(*EDGE_CASES["flat curve"])
    assert stats["Volatility (Ann.) [%]"] == 0 and stats["Return (Ann.) [%]"] == 0
    for label in ("Sharpe Ratio", "Sortino Ratio", "Calmar Ratio", "Win Rate [%]", "Profit Factor", "Avg. Trade [$]",
                  "Expectancy [$]", "SQN", "Avg. Drawdown [%]", "Max. Drawdown Duration [bars]"):
        assert np.isnan(stats[label]), label
    assert stats["Max. Drawdown Duration"] is pd.NaT and stats["Avg. Holding Time"] is pd.NaT
    assert stats["Max. Drawdown [%]"] == 0 and stats["# Trades"] == 0 and stats["Exposure Time [%]"] == 0
    assert "n/a" in format_stats(stats)


def test_a_jump_from_a_subnormal_value_is_an_infinite_return_not_a_warning():
    equity = daily([5e-324, 4.0, 4.0])
    assert bar_returns(equity).iloc[1] == np.inf
    stats = strict_stats(equity, no_trades())
    assert stats["Return (Ann.) [%]"] == np.inf and stats["Return [%]"] == np.inf
    assert np.isnan(stats["Volatility (Ann.) [%]"]) and np.isnan(stats["Sharpe Ratio"])


def test_one_bar():
    stats = strict_stats(*EDGE_CASES["one bar"])
    assert stats["Duration"] == pd.Timedelta(0) and stats["Return [%]"] == 0
    assert np.isnan(stats["Return (Ann.) [%]"]) and np.isnan(stats["Sharpe Ratio"])
    assert np.isnan(annualized_return([], 252)) and np.isnan(sortino_ratio(np.array([np.nan]), 252))


def test_no_downside_gives_infinite_sortino_only_for_a_positive_excess():
    steady = EDGE_CASES["steady growth"][0]
    assert sortino_ratio(bar_returns(steady), 252) == np.inf
    assert np.isnan(sortino_ratio(bar_returns(steady), 252, risk_free_rate=0.9))


# ---------------------------------------------------------------------------------------------- formatting
def test_format_stats_is_an_aligned_two_column_table():
    equity = daily([100.0, 101, 99, 104])
    text = format_stats(strict_stats(equity, trade_log([(0, 1), (1, 3)], [1.0, 3.0], equity)))
    lines = text.splitlines()
    assert [line.split("  ")[0].rstrip() for line in lines] == list(STAT_LABELS)
    assert len({len(line) for line in lines}) == 1  # right-aligned values: every line equally long
    assert "Profit Factor" in text and "inf" in text and "2024-01-01" in text and "104.00" in text
    with pytest.raises(TypeError, match="stats"):
        format_stats({"Sharpe Ratio": 1.0})


# ------------------------------------------------------------------------------------------ no mutation
def test_inputs_are_not_modified():
    frame, result = simulate(300, seed=4)
    equity, trades = result.equity.copy(), result.trades.assign(costs=0.5)
    prices = frame["futures_price"]
    before = (equity.copy(), trades.copy(), prices.copy())
    compute_stats(equity, trades, prices=prices, initial_cash=100_000)
    drawdown(equity), drawdown_periods(equity), bar_returns(equity)
    returns = equity.pct_change()
    returns_before = returns.copy()
    sharpe_ratio(returns), sortino_ratio(returns), annualized_return(returns), annualized_volatility(returns)
    check_accounting(equity, result.trades, 100_000)
    pd.testing.assert_series_equal(equity, before[0])
    pd.testing.assert_frame_equal(trades, before[1])
    pd.testing.assert_series_equal(prices, before[2])
    pd.testing.assert_series_equal(returns, returns_before)


# ----------------------------------------------------------------------------------------------- properties
equity_values = st.lists(st.floats(0, 1e6, allow_nan=False), min_size=0, max_size=80)


@given(st.floats(1, 1e6), equity_values, st.sampled_from([1, 12, 52, 252, 252 * 78]))
def test_drawdown_and_return_properties(first, rest, periods_per_year):
    equity = daily([first, *rest])
    stats = strict_stats(equity, no_trades(), periods_per_year=periods_per_year)
    assert -100 <= stats["Max. Drawdown [%]"] <= 0
    dd = drawdown(equity)
    assert ((dd <= 0) & (dd >= -1)).all() and dd.iloc[0] == 0
    assert stats["Max. Drawdown [%]"] == pytest.approx(100 * dd.min())
    assert stats["Equity Final [$]"] == pytest.approx(first * (1 + stats["Return [%]"] / 100), rel=1e-9, abs=1e-6)
    assert stats["Equity Peak [$]"] >= stats["Equity Final [$]"]
    periods = drawdown_periods(equity)
    assert (periods["bars"] >= 1).all() and (periods["depth"] < 0).all()
    assert (periods["recovered"].iloc[:-1]).all() if len(periods) else True  # only the last may be unrecovered
    if len(periods):
        assert periods["depth"].min() == pytest.approx(dd.min())


@given(st.integers(0, 2**32 - 1), st.integers(1, 700))
def test_simulations_reconcile_and_give_consistent_stats(seed, n):
    frame, result = simulate(n, seed)
    assert abs(check_accounting(result.equity, result.trades, result.initial_cash)) <= 1e-6
    stats = strict_stats(result.equity, result.trades, prices=frame["futures_price"], initial_cash=result.initial_cash)
    assert stats["# Trades"] == len(result.trades)
    assert stats["Net P&L [$]"] == pytest.approx(result.trades["pnl"].sum(), abs=1e-6)
    assert stats["Equity Final [$]"] == result.final_value
    if len(result.trades):
        assert stats["Win Rate [%]"] == pytest.approx(100 * result.summary().win_rate)


@given(
    st.lists(st.sampled_from(["HOLD", "HOLD", "BUY", "SELL"]), min_size=1, max_size=120),
    st.integers(0, 2**32 - 1),
    st.sampled_from([0.0, 20.0, 100_000.0]),
    st.sampled_from([0.0, 12.5]),
)
def test_small_accounts_and_random_signals_reconcile(signals, seed, cash, premium):
    rng = np.random.default_rng(seed)
    frame = frame_from(4000 + np.cumsum(rng.normal(0, 3, len(signals))), np.ones(len(signals))).assign(signal=signals)
    result = run_trading_simulation(frame, initial_cash=cash, premium=premium)
    check_accounting(result.equity, result.trades, cash)
    stats = strict_stats(result.equity, result.trades, initial_cash=cash)
    assert stats["Net P&L [$]"] == pytest.approx(result.trades["pnl"].sum(), abs=1e-6)


def test_tampered_trade_logs_fail_the_accounting_check():
    _, result = simulate(500, seed=3)
    assert len(result.trades) >= 2
    tampered = result.trades.copy()
    tampered.loc[tampered.index[0], "pnl"] += 1.0
    with pytest.raises(ValueError, match=r"does not reconcile.*gap of \$-1\.000000"):
        check_accounting(result.equity, tampered, result.initial_cash)
    with pytest.raises(ValueError, match="missing from the log"):
        check_accounting(result.equity, result.trades.iloc[1:], result.initial_cash)
    with pytest.raises(ValueError, match="initial_cash"):
        check_accounting(result.equity, result.trades, result.initial_cash + 0.01)
    # A larger tolerance accepts the same gap; the gap is returned in dollars.
    assert check_accounting(result.equity, tampered, result.initial_cash, tol=2.0) == pytest.approx(-1.0)
    # compute_stats itself never judges the bookkeeping.
    assert strict_stats(result.equity, tampered)["# Trades"] == len(tampered)


# ------------------------------------------------------------------------------------------------ bad input
GOOD_EQUITY = daily([100.0, 101, 102])


@pytest.mark.parametrize(
    "args, kwargs, error, match",
    [
        (([100.0, 101.0], no_trades()), {}, TypeError, "equity must be a pandas Series"),
        ((pd.Series([], dtype=float), no_trades()), {}, ValueError, "equity is empty"),
        ((daily([100.0, np.nan]), no_trades()), {}, ValueError, "missing or infinite"),
        ((GOOD_EQUITY.iloc[::-1], no_trades()), {}, ValueError, "strictly increasing"),
        ((GOOD_EQUITY, [1, 2]), {}, TypeError, "trades must be a pandas DataFrame"),
        ((GOOD_EQUITY, pd.DataFrame({"pnl": [1.0]})), {}, ValueError, r"column\(s\) \['entry_bar', 'exit_bar'\]"),
        ((GOOD_EQUITY, trade_log([(0, 3)], [1.0])), {}, ValueError, "exit_bar=3"),
        ((GOOD_EQUITY, trade_log([(2, 1)], [1.0])), {}, ValueError, "entry_bar <= exit_bar"),
        ((GOOD_EQUITY, trade_log([(0, 1)], [1.0]).assign(costs=["x"])), {}, TypeError, "'costs' must be numeric"),
        ((GOOD_EQUITY, no_trades()), {"periods_per_year": 0}, ValueError, "periods_per_year"),
        ((GOOD_EQUITY, no_trades()), {"risk_free_rate": "2%"}, TypeError, "risk_free_rate"),
        ((GOOD_EQUITY, no_trades()), {"initial_cash": -5}, ValueError, "initial_cash"),
        ((GOOD_EQUITY, no_trades()), {"prices": [1.0, 2.0, 3.0]}, TypeError, "prices must be"),
        ((GOOD_EQUITY, no_trades()), {"prices": pd.Series([1.0, 2.0])}, ValueError, "prices has 2 values"),
        ((GOOD_EQUITY, no_trades()), {"prices": pd.Series([1.0, 0.0, 2.0])}, ValueError, "must be > 0"),
    ],
)
def test_bad_arguments(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        compute_stats(*args, **kwargs)


def test_bad_helper_arguments():
    with pytest.raises(TypeError, match="returns must be numeric"):
        sharpe_ratio(["a", "b"])
    with pytest.raises(ValueError, match="one-dimensional"):
        annualized_volatility(np.zeros((2, 2)))
    with pytest.raises(TypeError, match="DataFrame"):
        sortino_ratio(pd.DataFrame({"r": [0.1]}))
    with pytest.raises(ValueError, match="tol"):
        check_accounting(GOOD_EQUITY, no_trades(), 100, tol=-1)
    with pytest.raises(TypeError, match="equity must be"):
        drawdown(np.array([1.0, 2.0]))


# ------------------------------------------------------------------ what mutation testing asked for (make mutate)
def full(message: str) -> str:
    return "^" + re.escape(message) + "$"


def test_refusals_in_full():
    equity = daily([100.0, 101.0, 102.0])
    with pytest.raises(TypeError, match=full("trades must be a pandas DataFrame (one row per round trip), got list; "
                                             "pass result.trades from run_trading_simulation")):
        compute_stats(equity, [])
    with pytest.raises(ValueError, match=full(
            "trades is missing column(s) ['pnl']; it has ['entry_bar', 'exit_bar']. A trade log needs at least "
            "entry_bar, exit_bar and pnl (see mesbook.results.TRADE_COLUMNS)")):
        compute_stats(equity, pd.DataFrame({"entry_bar": [0], "exit_bar": [1]}))
    with pytest.raises(ValueError, match=full(
            "trades row 0 has entry_bar=0.5, exit_bar=2; bars must be whole numbers with 0 <= entry_bar <= exit_bar "
            "< 3 (the equity curve's length). Pass the equity curve and trade log of the same run")):
        compute_stats(equity, pd.DataFrame({"entry_bar": [0.5], "exit_bar": [2.0], "pnl": [1.0]}))
    with pytest.raises(ValueError, match="trades row 0 has entry_bar=0, exit_bar=1.5"):
        compute_stats(equity, pd.DataFrame({"entry_bar": [0.0], "exit_bar": [1.5], "pnl": [1.0]}))
    with pytest.raises(TypeError, match=full("returns must be one column of per-bar returns, got a DataFrame; pick a "
                                             "column first")):
        sharpe_ratio(pd.DataFrame({"r": [0.1, 0.2]}))
    with pytest.raises(TypeError, match=full("returns must be numeric per-bar returns (fractions), got dtype bool; "
                                             "convert them with pd.to_numeric first")):
        sharpe_ratio(pd.Series([True, False]))
    with pytest.raises(TypeError, match="got dtype object"):
        sharpe_ratio(np.array([None, 0.1], dtype=object))
    assert np.isnan(sharpe_ratio(np.array([], dtype=object)))  # an empty object array is no returns at all
    with pytest.raises(TypeError, match=full("prices must be a pandas Series or numpy array of prices, got list")):
        compute_stats(equity, no_trades(), prices=[1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match=full("prices has 2 values but equity has 3 bars; pass one price per bar of "
                                              "the same run (e.g. frame['futures_price'])")):
        compute_stats(equity, no_trades(), prices=np.array([1.0, 2.0]))
    with pytest.raises(ValueError, match=full("initial_cash must be >= 0.0, got -1.0")):
        check_accounting(equity, no_trades(), initial_cash=-1.0)
    with pytest.raises(ValueError, match=full("tol must be >= 0.0, got -1.0")):
        check_accounting(equity, no_trades(), initial_cash=100.0, tol=-1.0)
    with pytest.raises(ValueError, match=full("initial_cash must be >= 0.0, got -1.0")):
        compute_stats(equity, no_trades(), initial_cash=-1.0)
    with pytest.raises(ValueError, match=full("periods_per_year must be > 0.0, got 0.0")):
        annualized_return([0.1], periods_per_year=0)
    with pytest.raises(ValueError, match=full("risk_free_rate must be > -1.0, got -1.0")):
        sharpe_ratio([0.1, 0.2], risk_free_rate=-1.0)
    with pytest.raises(ValueError, match=full("risk_free_rate must be > -1.0, got -1.5")):
        sharpe_ratio([0.1, 0.2], risk_free_rate=-1.5)
    with pytest.raises(TypeError, match=full("stats must be the Series returned by compute_stats, got dict")):
        format_stats({})


def test_the_accounting_message_in_full():
    equity = daily([100.0, 110.0])
    message = ("the trade log does not reconcile with the equity curve: the 1 trades' pnl sums to $4.000000, but equity "
               "went from $100.000000 (initial_cash) to $110.000000, a change of $10.000000; the gap of $+6.000000 "
               "exceeds tol=$0.5. Check for trades missing from the log, costs not deducted from pnl, or a position "
               "still open at the last bar")
    with pytest.raises(ValueError, match=full(message)):
        check_accounting(equity, trade_log([(0, 1)], [4.0]), initial_cash=100.0, tol=0.5)
    assert check_accounting(equity, trade_log([(0, 1)], [9.75]), initial_cash=100.0, tol=0.5) == pytest.approx(0.25)


def test_series_names_and_indexes():
    equity = daily([100.0, 110.0, 99.0])
    for series, name in ((bar_returns(equity), "return"), (drawdown(equity), "drawdown")):
        assert series.name == name and series.index.equals(equity.index)
    stats = compute_stats(equity, no_trades())
    assert stats.name == "stats" and stats.dtype == object and list(stats.index) == list(STAT_LABELS)
    assert list(drawdown_periods(equity).columns) == list(DRAWDOWN_COLUMNS)
    assert list(drawdown_periods(daily([1.0, 2.0])).columns) == list(DRAWDOWN_COLUMNS)  # also when empty


def test_ratios_with_nan_and_infinite_parts():
    from mesbook.metrics import _ratio
    assert np.isnan(_ratio(np.nan, 2.0)) and np.isnan(_ratio(2.0, np.nan)) and np.isnan(_ratio(1.0, 0.0))
    assert np.isnan(_ratio(np.inf, np.inf)) and _ratio(np.inf, 2.0) == np.inf and _ratio(2.0, np.inf) == 0.0
    assert _ratio(3.0, 2.0) == 1.5


def test_two_returns_have_a_volatility_and_sqn_needs_two_trades():
    # one period a year: the formula reduces to the sample standard deviation of the two returns
    assert annualized_volatility([0.01, 0.03], periods_per_year=1) == pytest.approx(np.std([0.01, 0.03], ddof=1))
    equity = daily([100.0, 101.0, 103.0])
    two = compute_stats(equity, trade_log([(0, 1), (1, 2)], [1.0, 2.0]))
    assert two["SQN"] == pytest.approx(np.sqrt(2) * 1.5 / np.std([1.0, 2.0], ddof=1))
    one = compute_stats(equity, trade_log([(0, 2)], [3.0]))
    assert np.isnan(one["SQN"]) and one["Profit Factor"] == np.inf and one["Win Rate [%]"] == 100.0
    none = compute_stats(equity, no_trades())
    assert np.isnan(none["Kelly Criterion"]) and np.isnan(none["Profit Factor"])


def test_holding_time_needs_datetime_columns():
    equity = daily([100.0, 101.0, 103.0])
    log = trade_log([(0, 2)], [3.0], equity)
    assert compute_stats(equity, log)["Avg. Holding Time"] == pd.Timedelta(days=2)
    text = log.assign(entry_time=log["entry_time"].astype(str))
    assert compute_stats(equity, text)["Avg. Holding Time"] is pd.NaT
    assert compute_stats(equity, log.drop(columns="exit_time"))["Avg. Holding Time"] is pd.NaT


@pytest.mark.filterwarnings("error")
def test_overflowing_growth_gives_inf_without_a_warning():
    assert annualized_return([1e6, 1e6], periods_per_year=1e4) == np.inf
    assert sortino_ratio([-1e200, 0.5], periods_per_year=10.0) == 0.0  # -100 % over an infinite downside
    tiny = pd.Series([5e-324, -1.0, 2.0], index=pd.RangeIndex(3))
    assert drawdown(tiny).iloc[1] == -np.inf  # -1 under a subnormal peak


def test_bar_counts_without_timestamps_and_a_flat_start():
    equity = pd.Series([100.0, 90.0, 95.0, 100.0, 80.0])
    stats = compute_stats(equity, no_trades())
    assert stats["Duration"] == 4 and stats["Max. Drawdown Duration"] == 3 and stats["Avg. Drawdown Duration"] == 2.0
    periods = drawdown_periods(equity)
    assert list(periods["start"]) == [0, 3] and list(periods["trough"]) == [1, 4] and periods["bars"].dtype == np.int64
    down_first = drawdown_periods(pd.Series([100.0, 100.0, 90.0, 100.0, 100.0, 90.0, 95.0]))
    assert list(down_first["start"]) == [1, 4] and list(down_first["trough"]) == [2, 5]
    assert stats["Max. Drawdown [%]"] == pytest.approx(-20.0)
    assert str(compute_stats(daily([1.0, 1.0]), no_trades())["Max. Drawdown [%]"]) == "0.0"  # not -0.0


def test_stats_pass_the_periods_and_the_rate_to_every_ratio():
    r = np.random.default_rng(3).normal(0.001, 0.01, 200)
    equity = daily(1000 * np.cumprod(np.r_[1.0, 1 + r]))
    stats = compute_stats(equity, no_trades(), periods_per_year=52, risk_free_rate=0.03)
    assert stats["Volatility (Ann.) [%]"] == pytest.approx(100 * annualized_volatility(r, 52))
    assert stats["Sortino Ratio"] == pytest.approx(sortino_ratio(r, 52, 0.03))
    assert stats["Sharpe Ratio"] == pytest.approx(sharpe_ratio(r, 52, 0.03))


def test_format_values_by_kind():
    from mesbook.metrics import _format_value as fmt
    assert fmt("x", None) == "n/a" and fmt("x", pd.NaT) == "n/a" and fmt("x", np.nan) == "n/a"
    assert fmt("x", np.inf) == "inf" and fmt("x", -np.inf) == "-inf"
    assert fmt("Start", pd.Timestamp("2024-01-02")) == "2024-01-02"
    assert fmt("Start", pd.Timestamp("2024-01-02 09:30")) == "2024-01-02 09:30:00"
    assert fmt("Start", pd.Timestamp("2024-01-02", tz="UTC")) == "2024-01-02 00:00:00+00:00"
    assert fmt("Duration", pd.Timedelta("1 days 02:03:04.6")) == "1 days 02:03:05"
    assert fmt("# Trades", 1234) == "1,234" and fmt("flag", True) == "1.00"
    assert fmt("Net P&L [$]", 0.5) == "0.50" and fmt("Sharpe Ratio", 0.5) == "0.5" and fmt("Sharpe Ratio", 1.0) == "1.00"
    assert fmt("Sharpe Ratio", 1.5) == "1.50" and fmt("Sharpe Ratio", 0.0) == "0.00" and fmt("Sharpe Ratio", -0.25) == "-0.25"
    assert fmt("Sharpe Ratio", 1.23456) == "1.23" and fmt("Sharpe Ratio", 0.123456) == "0.123"
    assert fmt("label", "text") == "text"


def test_format_stats_widths():
    text = format_stats(pd.Series({"a": 1.0, "long label": 22.5}))
    assert text.splitlines() == ["a            1.00", "long label  22.50"]
    assert format_stats(pd.Series([], dtype=object)) == ""


def test_equity_refusals_in_full_and_a_small_win_is_a_win():
    with pytest.raises(TypeError, match=full("equity must be a pandas Series of account values in dollars, got list; "
                                             "pass result.equity from run_trading_simulation")):
        compute_stats([1.0], no_trades())
    with pytest.raises(ValueError, match=full("equity is empty; pass an equity curve with at least one bar")):
        compute_stats(pd.Series([], dtype=float), no_trades())
    backwards = pd.Series([1.0, 2.0], index=pd.DatetimeIndex(["2024-01-02", "2024-01-01"]))
    with pytest.raises(ValueError, match=full("equity's timestamp index must be strictly increasing, without missing "
                                              "(NaT) timestamps; sort it with equity.sort_index() and drop duplicate "
                                              "timestamps")):
        compute_stats(backwards, no_trades())
    stats = compute_stats(daily([100.0, 100.5, 100.0]), trade_log([(0, 1), (1, 2)], [0.5, -0.5]))
    assert stats["Win Rate [%]"] == 50.0 and stats["Profit Factor"] == 1.0  # fifty cents is a win


def test_prices_of_the_wrong_shape_are_refused_not_divided():
    with pytest.raises(ValueError, match="1-dimensional"):
        compute_stats(daily([100.0, 101.0, 102.0]), no_trades(), prices=np.full((3, 2), 4000.0))
    with pytest.raises(ValueError, match="prices has 1 values"):
        compute_stats(daily([100.0, 101.0, 102.0]), no_trades(), prices=np.asarray(4000.0))
