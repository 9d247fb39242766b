"""Randomized settings over random markets of every bar spacing: what must hold for every run.

Markets: daily, weekly, hourly and daily-with-gaps bars (prices a random walk, OI a random mix of noise
and forward-filled steps). Settings: a random draw over the engine's switches, including extreme
numbers. For each run: only ValueError/TypeError may come out; the input is not modified; a second
run is bit-identical; the books balance to the cent and each trade's P&L follows from its premiums and
fees; no option is held past its expiry moment and each settles at the last bar at or before it; the
risk rules fire where they say; the drawdown switch acts on the marked equity curve and latches.
``pytest --slow`` draws ten times more examples.
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings as hypothesis_settings, strategies as st

import mesbook as mb
from mesbook.core.contract import intrinsic_value
from mesbook.clock import bar_moments
from mesbook.engine.backtest import Pricer, run_backtest
from mesbook.engine.prepared import PreparedMarket
from mesbook.options.calendar import expiry_moment
from mesbook.engine.settings import ARTICLE, Commission
from mesbook.metrics import drawdown

SPACINGS = ("daily", "weekly", "hourly", "gaps")
# Bars a year given for the gapped markets (two bars in three missing: no spacing the clock recognises); the
# others run on their own clock.
YEARS = {"gaps": 252.0}


def market(n: int, seed: int, spacing: str) -> pd.DataFrame:
    """A random market frame of ``n`` bars with the given spacing (timestamps naive exchange time)."""
    rng = np.random.default_rng(seed)
    if spacing == "daily":
        times = pd.date_range("2024-01-02", periods=n, freq="B")
    elif spacing == "weekly":
        times = pd.date_range("2024-01-01", periods=n, freq="W-MON")
    elif spacing == "hourly":  # 23 trading hours a day, Sunday-Friday: every expiry day has intraday bars
        hours = pd.date_range("2024-03-10 17:00", periods=8 * n, freq="h")
        times = hours[(hours.hour != 16) & (hours.day_of_week != 5)][:n]
    else:
        days = pd.date_range("2024-01-02", periods=3 * n, freq="B")
        times = days[np.sort(rng.choice(len(days), n, replace=False))]
    price = 4500.0 * np.exp(np.cumsum(rng.normal(0, 0.012, n)))
    steps = np.repeat(rng.normal(0, 300, n // 10 + 1).cumsum(), 10)[:n]
    oi = 50_000 + steps + rng.normal(0, 80, n) * rng.integers(0, 2)
    return pd.DataFrame({"timestamp": times, "futures_price": price, "open_interest": np.maximum(oi, 1.0),
                         "open_price": price * np.exp(rng.normal(0, 0.002, n))})


settings_st = st.fixed_dictionaries({
    "warmup": st.sampled_from(["fill_zero", "skip"]),
    "gradient": st.sampled_from(["centred", "lagged", "backward"]),
    "oi_lag": st.integers(0, 2),
    "fill_delay": st.integers(0, 2),
    "fill_price": st.sampled_from(["close", "open"]),
    "pricing": st.sampled_from(["fixed", "black76"]),
    "fixed_premium_points": st.sampled_from([0.0, 2.5, 40.0]),
    "volatility": st.sampled_from(["constant", "realized"]),
    "constant_vol": st.sampled_from([0.05, 0.18, 2.0]),
    "rate": st.sampled_from([0.0, 0.04, -0.5]),
    "expiry_cycle": st.sampled_from([None, "quarterly", "monthly", "weekly"]),
    "min_days_to_expiry": st.sampled_from([1, 7, 30]),
    "strike": st.sampled_from(["atm", "offset", "delta"]),
    "strike_offset": st.integers(0, 3),
    "commission": st.sampled_from([Commission(0, 0, 0), Commission()]),
    "half_spread_ticks": st.sampled_from([0.0, 1.0]),
    "slippage_ticks": st.sampled_from([0.0, 2.0]),
    "round_to_tick": st.booleans(),
    "contracts": st.sampled_from([1, 3]),
    "equity_fraction": st.sampled_from([None, 0.01, 1.0]),
    "max_premium_at_risk": st.sampled_from([None, 500.0]),
    "stop_loss": st.sampled_from([None, 0.3, 1.0]),
    "take_profit": st.sampled_from([None, 0.2, 3.0]),
    "underlying_stop_points": st.sampled_from([None, 5.0, 60.0]),
    "max_drawdown": st.sampled_from([None, 0.001, 0.05]),
    "roll_filter": st.sampled_from([0, 3]),
})


def build(changes: dict):
    changes = dict(changes)
    if changes["pricing"] == "fixed":
        changes["strike"] = "atm" if changes["strike"] == "delta" else changes["strike"]
    else:
        changes["mark"] = "model"
    return ARTICLE.replace(**changes)


def expiry_moments(trades: pd.DataFrame, cycle: str) -> pd.Series:
    return pd.Series(expiry_moment(trades["expiry"].dt.normalize(), cycle), index=trades.index)


def marks_of(data: pd.DataFrame, settings, trade, bars: np.ndarray, year: float) -> np.ndarray:
    """The option's marks (points) at ``bars``, as the engine values it (``year``: the run's bars a year)."""
    m = PreparedMarket(data).arrays(settings, year)
    sign = 1 if trade["option_type"] == "CALL" else -1
    return Pricer(settings, m).mark(bars, m.close[bars], trade["strike"], trade["expiry_day"], sign)


# Twice the profile's draws (120 in CI, 1,200 with --slow): the main property of the engine.
@hypothesis_settings(max_examples=2 * hypothesis_settings.default.max_examples)
@given(settings_st, st.integers(0, 2**31), st.sampled_from(SPACINGS), st.integers(2, 260),
       st.sampled_from([30.0, 5_000.0, 100_000.0]))
def test_every_run_balances_settles_in_time_and_repeats(changes, seed, spacing, n, cash):
    settings = build(changes)
    data = market(n, seed, spacing)
    before = data.copy()
    try:
        result = run_backtest(data, settings, short_sma_window=3, long_sma_window=9, gradient_window=4,
                              periods_per_year=YEARS.get(spacing),
                              initial_cash=cash)
    except ValueError as exc:  # the only refusal valid settings may meet: a price too small for the grid
        assert "strike_interval" in str(exc)
        return
    pd.testing.assert_frame_equal(data, before)  # input untouched
    again = run_backtest(data, settings, short_sma_window=3, long_sma_window=9, gradient_window=4, initial_cash=cash,
                         periods_per_year=YEARS.get(spacing))
    pd.testing.assert_frame_equal(result.trades, again.trades)  # bit-identical
    pd.testing.assert_series_equal(result.equity, again.equity)
    t = result.trades
    scale = cash + float(np.abs(t["pnl"]).sum()) + 1.0
    # the accounting identity, to a relative 1e-12 of the money that moved
    assert abs((result.final_value - cash) - float(t["pnl"].sum())) <= 1e-12 * scale
    assert result.equity.iloc[-1] == result.final_value
    # each trade's P&L from its own premiums and fees (no exit fee on a worthless expiry)
    fee = settings.commission.per_side
    worthless = (t["exit_reason"] == "expiry") & (t["exit_premium"] <= 0)
    fees = t["contracts"] * (fee + np.where(worthless, 0.0, fee))
    expected = t["contracts"] * (t["exit_premium"] - t["entry_premium"]) * 5.0 - fees
    np.testing.assert_allclose(t["pnl"], expected, rtol=1e-12, atol=1e-9 * scale)
    assert (t["costs"] >= -1e-9).all() and (t["exit_premium"] >= 0).all()
    # one position at a time, in order, never past the last bar
    entry, exit_ = t["entry_bar"].to_numpy(), t["exit_bar"].to_numpy()
    assert np.all(entry <= exit_) and np.all(entry[1:] >= exit_[:-1]) and (exit_ < n).all()
    # flat bars: equity is cash
    flat = np.ones(n, dtype=bool)
    for a, b in zip(entry, exit_):
        flat[a:b] = False
    realized = cash + np.cumsum(np.bincount(exit_, weights=t["pnl"], minlength=n))
    np.testing.assert_allclose(result.equity.to_numpy()[flat], realized[flat], rtol=1e-12)
    if settings.expiry_cycle:
        closes = bar_moments(data["timestamp"])  # a date-only bar closes at 3:00 p.m. CT
        moment = expiry_moments(t, settings.expiry_cycle).to_numpy()
        settled = (t["exit_reason"] == "expiry").to_numpy()
        # other exits close before the expiry moment; an expiry settles in the bar in which it falls: the first
        # bar closing at or after the moment, whose previous bar closed before it
        assert (closes[exit_[~settled]] < moment[~settled]).all()
        assert (closes[exit_[settled]] >= moment[settled]).all()
        assert (closes[exit_[settled] - 1] < moment[settled]).all()
        np.testing.assert_allclose(t.loc[settled, "exit_premium"],
                                   intrinsic_value(np.where(t.loc[settled, "option_type"] == "CALL", 1, -1),
                                                   t.loc[settled, "exit_price"], t.loc[settled, "strike"]))
    else:
        assert (t["exit_reason"] != "expiry").all()


@given(settings_st, st.integers(0, 2**31), st.sampled_from(SPACINGS), st.integers(20, 200))
def test_risk_rules_fire_where_they_say(changes, seed, spacing, n):
    changes.update(half_spread_ticks=0.0, slippage_ticks=0.0, round_to_tick=False, max_drawdown=None)
    settings = build(changes)
    data = market(n, seed, spacing)
    try:
        result = run_backtest(data, settings, short_sma_window=3, long_sma_window=9, gradient_window=4,
                              periods_per_year=YEARS.get(spacing))
    except ValueError as exc:
        assert "strike_interval" in str(exc)
        return
    t, year = result.trades, result.clock.periods_per_year
    close = data["futures_price"].to_numpy()
    fill = data["open_price"].to_numpy() if settings.fill_price == "open" else close
    for _, trade in t.iterrows():
        entry, exit_ = int(trade["entry_bar"]), int(trade["exit_bar"])
        paid, reason = trade["entry_premium"], trade["exit_reason"]
        sign = 1 if trade["option_type"] == "CALL" else -1
        held = np.arange(entry + 1, exit_ + (reason in ("stop_loss", "take_profit", "underlying_stop")))
        marks = marks_of(data, settings, trade, held, year) if len(held) else np.empty(0)
        move = sign * (close[held] - fill[entry])
        before = slice(0, len(held) - (reason in ("stop_loss", "take_profit", "underlying_stop")))
        # no rule crossed on an earlier held bar
        if settings.take_profit is not None:
            assert not (marks[before] >= (1 + settings.take_profit) * paid).any()
        if settings.stop_loss is not None:
            assert not (marks[before] <= (1 - settings.stop_loss) * paid).any()
        if settings.underlying_stop_points is not None:
            assert not (move[before] <= -settings.underlying_stop_points).any()
        if reason == "take_profit":
            assert trade["exit_premium"] >= (1 + settings.take_profit) * paid  # at least (1 + tp) x paid
            assert trade["exit_premium"] == pytest.approx(marks[-1])
        elif reason == "stop_loss":
            assert paid - trade["exit_premium"] >= settings.stop_loss * paid  # an adverse move of at least the stop
        elif reason == "underlying_stop":
            assert move[-1] <= -settings.underlying_stop_points < 0  # against the position, never in its favour
            assert sign * (trade["exit_price"] - trade["entry_price"]) <= -settings.underlying_stop_points


@given(settings_st, st.integers(0, 2**31), st.sampled_from(SPACINGS), st.integers(20, 260))
def test_the_drawdown_switch_reads_the_marked_curve_and_latches(changes, seed, spacing, n):
    changes["max_drawdown"] = changes["max_drawdown"] or 0.01
    settings = build(changes)
    data = market(n, seed, spacing)
    kwargs = dict(short_sma_window=3, long_sma_window=9, gradient_window=4, initial_cash=20_000.0,
                  periods_per_year=YEARS.get(spacing))
    try:
        free = run_backtest(data, settings.replace(max_drawdown=None), **kwargs)
    except ValueError as exc:
        assert "strike_interval" in str(exc)
        return
    switched = run_backtest(data, settings, **kwargs)
    dd = -drawdown(free.equity).to_numpy()
    limit = settings.max_drawdown
    assume(not np.any(np.abs(dd - limit) < 1e-9))  # no close sits on the limit to rounding
    crossed = np.flatnonzero(dd >= limit)
    keep = free.trades if not len(crossed) else free.trades[free.trades["entry_bar"] <= crossed[0]]
    # the same trades up to the first close on or past the limit, none opened after it
    pd.testing.assert_frame_equal(switched.trades.reset_index(drop=True), keep.reset_index(drop=True))
    if len(crossed):
        assert (switched.trades["entry_bar"] <= crossed[0]).all()
        # and the switch's own curve agrees: it tripped at that close
        assert (-drawdown(switched.equity).to_numpy()[: crossed[0] + 1] >= limit).any()


extreme = st.sampled_from([0.0, 5e-324, 1e-300, 1e-9, 1.0, 1e9, 1e300, 1.7e308])
positive_extreme = st.sampled_from([5e-324, 1e-300, 1e-9, 1.0, 1e9, 1e300, 1.7e308])


@given(st.fixed_dictionaries({
    "pricing": st.sampled_from(["fixed", "black76"]), "fixed_premium_points": extreme, "constant_vol": positive_extreme,
    "rate": st.sampled_from([-1.0, -0.5, 0.0, 1e3, 1e300]), "expiry_cycle": st.sampled_from([None, "weekly"]),
    "half_spread_ticks": extreme, "slippage_ticks": extreme, "round_to_tick": st.booleans(),
    "contracts": st.sampled_from([1, 2**31 - 1]), "equity_fraction": st.sampled_from([None, 1e-300, 1.0]),
    "max_premium_at_risk": st.sampled_from([None, 1e-300, 1e300]), "stop_loss": st.sampled_from([None, 1e-300, 1.0]),
    "take_profit": st.sampled_from([None, 1e-300, 1e300]),
    "underlying_stop_points": st.sampled_from([None, 1e-300, 1e300]), "max_drawdown": st.sampled_from([None, 1e-300, 1.0]),
    "implied_vol_add": extreme, "implied_vol_ratio": positive_extreme,
    "commission": st.sampled_from([Commission(0, 0, 0), Commission(1e300, 0, 0), Commission(5e-324, 0, 0)]),
    "strike": st.sampled_from(["atm", "offset"]), "strike_offset": st.sampled_from([0, 10_000]),
}), st.sampled_from([0.0, 1e-300, 30.0, 1e300, 1.7e308]), positive_extreme, positive_extreme,
   st.sampled_from([1e-9, 1.0, 1e9, 1e300]), st.integers(0, 5))
def test_extreme_valid_numbers_raise_nothing_but_value_or_type_errors(changes, cash, multiplier, interval, scale, seed):
    if changes["pricing"] == "black76":
        changes["mark"] = "model"
    try:
        settings = ARTICLE.replace(**changes)
    except (ValueError, TypeError):
        return
    data = mb.simulate_market_data(80, seed=seed)
    data = data.assign(futures_price=data["futures_price"] / 4500 * scale)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # overflow inside Black-76 at 1e300 is allowed
            run_backtest(data, settings, initial_cash=cash, multiplier=multiplier, strike_interval=interval,
                         short_sma_window=3, long_sma_window=8)
    except (ValueError, TypeError) as exc:
        assert str(exc)


# --- the signal path's honest switches, by hand (mesbook.engine.decisions over article.indicators) ------------------
def test_backward_gradient_and_oi_lag_by_hand():
    from mesbook.engine.decisions import SignalCache

    oi = pd.Series([10.0, 12.0, 15.0, 11.0, 20.0])
    skip = ARTICLE.replace(warmup="skip", gradient="backward")
    change, gradient = SignalCache(oi, skip)._momentum_for(1, 2, 2)
    np.testing.assert_array_equal(gradient, [np.nan, np.nan, 2.5, -0.5, 2.5])  # (OI[i] - OI[i-2]) / 2
    np.testing.assert_array_equal(change, [np.nan, 2.0, 3.0, -4.0, 9.0])
    _, gradient3 = SignalCache(oi, skip)._momentum_for(1, 2, 3)
    np.testing.assert_array_equal(gradient3, [np.nan, np.nan, np.nan, 1 / 3, 8 / 3])  # (OI[i] - OI[i-3]) / 3
    lagged = SignalCache(oi, skip.replace(oi_lag=1))
    change, gradient = lagged._momentum_for(1, 2, 2)
    np.testing.assert_array_equal(gradient, [np.nan, np.nan, np.nan, 2.5, -0.5])  # the same, one bar later
    np.testing.assert_array_equal(change, [np.nan, np.nan, 2.0, 3.0, -4.0])
    np.testing.assert_array_equal(lagged.mean(2), [np.nan, np.nan, 11.0, 13.5, 13.0])  # means of the lagged OI
    np.testing.assert_array_equal(SignalCache(oi, skip.replace(oi_lag=2)).mean(1), [np.nan, np.nan, 10.0, 12.0, 15.0])
    # zero-filled warm-up (the article) turns the same NaNs into 0
    np.testing.assert_array_equal(SignalCache(oi, ARTICLE.replace(gradient="backward"))._momentum_for(1, 2, 2)[1],
                                  [0.0, 0.0, 2.5, -0.5, 2.5])
