"""The engine's trade loop (mesbook.engine.backtest) on small hand-built frames with known answers:
exit accounting, settlement timing for every bar spacing, refusals, time zones."""
from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pytest

from mesbook import run_backtest as mb_run_backtest, simulate_market_data
from mesbook.engine import backtest as _engine
from mesbook.engine.backtest import _trade_frame
from mesbook.engine.prepared import PreparedMarket
from mesbook.options.calendar import EXPIRY_TIMES
from mesbook.engine.settings import ARTICLE, HONEST, Commission

FEES = Commission()  # $0.92 a side


def _trade_loop(codes, m, *args):
    """The engine's trade loop with its columns made into the trade log (as run_backtest's ``trades``)."""
    columns, unrealized = _engine._trade_loop(codes, m, *args)
    return _trade_frame(columns, m), unrealized


def engine_trades(times, prices, codes, settings, cash=100_000.0):
    """The engine's trade log for hand-made executed codes (1 BUY, 2 SELL) on a hand-made market."""
    frame = pd.DataFrame({"timestamp": pd.DatetimeIndex(times), "futures_price": np.asarray(prices, dtype=float),
                          "open_interest": 1.0})
    m = PreparedMarket(frame).arrays(settings, 252)
    trades, unrealized = _trade_loop(np.asarray(codes), m, settings, cash, 5.0, 5.0)
    return trades, unrealized


QUARTERLY = ARTICLE.replace(expiry_cycle="quarterly", min_days_to_expiry=7, commission=FEES)
MARCH = pd.date_range("2024-03-04", "2024-03-22", freq="B")  # the third Friday is 2024-03-15, bar 9


def test_an_expiring_call_settles_at_intrinsic_value_on_the_expiry_day():
    prices = np.full(len(MARCH), 5000.0)
    prices[9] = 5012.3
    codes = np.zeros(len(MARCH), dtype=int)
    codes[1] = 1  # BUY on Tuesday 5 March: first quarterly expiry 7+ days out is 15 March
    t, _ = engine_trades(MARCH, prices, codes, QUARTERLY)
    row = t.iloc[0]
    assert (row["exit_bar"], row["exit_reason"], row["expiry"]) == (9, "expiry", pd.Timestamp("2024-03-15"))
    assert row["exit_premium"] == pytest.approx(12.3)  # F - K = 5012.3 - 5000, no spread at settlement
    assert row["pnl"] == pytest.approx((12.3 - 2.5) * 5 - 2 * 0.92)  # both fees: the option was worth something
    assert row["costs"] == pytest.approx(2 * 0.92)


def test_a_worthless_expiry_pays_no_closing_fee():
    prices = np.full(len(MARCH), 5000.0)
    prices[9] = 5012.3
    codes = np.zeros(len(MARCH), dtype=int)
    codes[1] = 2  # a PUT, worthless at 5012.3
    row = engine_trades(MARCH, prices, codes, QUARTERLY)[0].iloc[0]
    assert row["exit_reason"] == "expiry" and row["exit_premium"] == 0.0
    assert row["pnl"] == pytest.approx(-2.5 * 5 - 0.92) and row["costs"] == pytest.approx(0.92)


def test_the_cost_formula_of_a_signal_exit():
    s = ARTICLE.replace(commission=FEES, half_spread_ticks=1.0, slippage_ticks=1.0)  # 2 ticks of 0.05 a side
    prices = [5000.0, 5000.0, 5010.0, 5010.0]
    t, _ = engine_trades(pd.date_range("2024-01-02", periods=4, freq="B"), prices, [1, 0, 2, 0], s)
    call = t.iloc[0]
    assert call["entry_premium"] == pytest.approx(2.6) and call["exit_premium"] == pytest.approx(9.9)
    # fees both sides + what each fill gave away against the mid: (2.6 - 2.5) + (10 - 9.9) points at $5
    assert call["costs"] == pytest.approx(2 * 0.92 + 0.2 * 5)
    assert call["pnl"] == pytest.approx((9.9 - 2.6) * 5 - 2 * 0.92)
    assert call["gross_pnl"] == pytest.approx((10.0 - 2.5) * 5)  # at the mids, before any cost


def test_expiry_and_an_opposite_signal_on_one_bar():
    prices = np.full(len(MARCH), 5000.0)
    prices[9] = 4990.0
    codes = np.zeros(len(MARCH), dtype=int)
    codes[1], codes[9] = 1, 2  # the SELL comes on the expiry bar itself
    t, _ = engine_trades(MARCH, prices, codes, QUARTERLY)
    assert list(t["exit_reason"][:1]) == ["expiry"] and t["exit_bar"].iloc[0] == 9  # settled, not sold
    assert t["exit_premium"].iloc[0] == 0.0
    assert (t["entry_bar"].iloc[1], t["option_type"].iloc[1]) == (9, "PUT")  # and the signal opens the next trade


def test_weekly_bars_settle_in_the_bar_the_expiry_falls_in_never_before():
    """Mondays: the expiry of Friday 15 March falls in the bar that closes Monday 18 March. Settling on the
    bar before (the entry bar, Monday 11 March) would close the trade four days before the options stop."""
    weeks = pd.date_range("2024-02-26", periods=6, freq="W-MON")
    s = QUARTERLY.replace(min_days_to_expiry=1)
    codes = [0, 0, 1, 0, 0, 0]  # BUY on Monday 11 March
    t, _ = engine_trades(weeks, [5000.0, 5000, 5000, 5040, 5040, 5040], codes, s)
    row = t.iloc[0]
    assert row["expiry"] == pd.Timestamp("2024-03-15") and row["exit_reason"] == "expiry"
    assert row["exit_bar"] == 3 and row["exit_time"] == pd.Timestamp("2024-03-18")
    assert row["exit_premium"] == 40.0  # settled at the close of the bar that holds the expiry: 5040


def test_a_gap_over_the_expiry_day_settles_at_the_first_bar_after_it():
    days = MARCH.delete([8, 9, 10])  # no bars on 14, 15 and 18 March
    prices = np.arange(len(days), dtype=float) + 5000.0
    codes = np.zeros(len(days), dtype=int)
    codes[1] = 1
    row = engine_trades(days, prices, codes, QUARTERLY)[0].iloc[0]
    assert row["exit_time"] == pd.Timestamp("2024-03-19") and row["exit_reason"] == "expiry"
    assert row["exit_premium"] == pytest.approx(prices[8] - 5000.0)


@pytest.mark.parametrize("cycle, settle_bar", [("quarterly", "2024-03-15 09:00"), ("monthly", "2024-03-15 15:00"),
                                               ("weekly", "2024-03-15 15:00")])
@pytest.mark.parametrize("unit", ["s", "us", "ns"])
def test_intraday_bars_settle_in_the_bar_that_holds_the_expiry_moment(cycle, settle_bar, unit):
    """Hourly bars stamped at their close: the 09:00 bar holds 8:30 (quarterly), the 15:00 bar ends at the
    3:00 p.m. expiry (monthly, weekly). The same in any unit of the timestamps (pandas 3 keeps the unit
    a file was read in, and the settlement once compared integers of two units)."""
    hours = pd.date_range("2024-03-11 00:00", "2024-03-15 23:00", freq="h").as_unit(unit)
    s = ARTICLE.replace(expiry_cycle=cycle, min_days_to_expiry=1)
    codes = np.zeros(len(hours), dtype=int)
    codes[1] = 1
    prices = 5000.0 + np.arange(len(hours)) * 0.1
    row = engine_trades(hours, prices, codes, s)[0].iloc[0]
    assert row["exit_time"] == pd.Timestamp(settle_bar) and row["exit_reason"] == "expiry"
    moment = pd.Timestamp("2024-03-15") + EXPIRY_TIMES[cycle]
    assert pd.Timestamp(settle_bar) - pd.Timedelta("1h") < moment <= pd.Timestamp(settle_bar)
    assert row["expiry"] == moment  # on bars with a time of day the log gives the expiry moment
    assert row["exit_premium"] == pytest.approx(prices[hours.get_loc(pd.Timestamp(settle_bar))] - 5000.0)


def test_data_that_end_before_the_expiry_moment_close_the_trade_unexpired():
    hours = pd.date_range("2024-03-14 00:00", "2024-03-15 08:00", freq="h")  # the last bar closes at 8:00
    s = ARTICLE.replace(expiry_cycle="quarterly", min_days_to_expiry=1)
    codes = np.zeros(len(hours), dtype=int)
    codes[0] = 1
    row = engine_trades(hours, np.full(len(hours), 5000.0), codes, s)[0].iloc[0]
    assert (row["exit_reason"], row["exit_bar"]) == ("end", len(hours) - 1)


def test_a_fixed_premium_cannot_buy_in_the_money_strikes():
    with pytest.raises(ValueError, match=r"strike_offset=-2.*pricing='fixed'.*pricing='black76'"):
        ARTICLE.replace(strike="offset", strike_offset=-2)
    with pytest.raises(ValueError, match=r"strike='delta'.*fixed_premium_points"):
        ARTICLE.replace(strike="delta")
    assert ARTICLE.replace(strike="offset", strike_offset=1).strike_offset == 1  # out of the money: allowed
    assert ARTICLE.replace(strike="delta", pricing="black76").strike == "delta"


def test_a_price_under_half_the_strike_interval_names_futures_price_and_strike_interval():
    frame = pd.DataFrame({"timestamp": pd.date_range("2024-01-02", periods=60, freq="B"),
                          "futures_price": 2.0 + np.abs(np.sin(np.arange(60) / 5)),
                          "open_interest": 1000 + 100 * np.sin(np.arange(60) / 3)})
    with pytest.raises(ValueError, match=r"futures_price is 2.19867 at bar 1 \(2024-01-03.*half the strike_interval \(5 points\).*strike_interval below 4.39734"):
        mb_run_backtest(frame, ARTICLE.replace(pricing="black76"), short_sma_window=2, long_sma_window=5)
    assert len(mb_run_backtest(frame, ARTICLE.replace(pricing="black76"), short_sma_window=2, long_sma_window=5,
                               strike_interval=0.25).trades)


def test_tz_aware_timestamps_run_end_to_end_with_expiries_and_the_roll_filter():
    naive = simulate_market_data(300, seed=4)
    aware = naive.assign(timestamp=naive["timestamp"].dt.tz_localize("America/Chicago"))
    before = aware.copy()
    a, b = mb_run_backtest(aware, HONEST), mb_run_backtest(naive, HONEST)
    pd.testing.assert_frame_equal(aware, before)
    pd.testing.assert_frame_equal(a.trades, b.trades)
    utc = naive.assign(timestamp=naive["timestamp"].dt.tz_localize("America/Chicago").dt.tz_convert("UTC"))
    pd.testing.assert_frame_equal(mb_run_backtest(utc, HONEST).trades, b.trades)  # converted to exchange time


def test_the_loaders_output_runs_end_to_end(tmp_path):
    from mesbook.data.loader import load_market_data
    naive = simulate_market_data(300, seed=4)
    text = naive.assign(timestamp=naive["timestamp"].dt.tz_localize("America/Chicago").dt.tz_convert("UTC")
                        .dt.strftime("%Y-%m-%dT%H:%M:%S%z"))
    path = tmp_path / "zoned.csv"
    text.to_csv(path, index=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        loaded = load_market_data(path)
    result = mb_run_backtest(loaded, HONEST)
    pd.testing.assert_frame_equal(result.trades, mb_run_backtest(naive, HONEST).trades)


# --- run_backtest's arguments, result layout and model prices, by hand -------------------------------------------
def small_market(n=120, seed=5):
    return simulate_market_data(n, seed=seed)


@pytest.mark.parametrize("kwargs, error, message", [
    ({"initial_cash": -1.0}, ValueError, "initial_cash must be >= 0.0, got -1.0"),
    ({"initial_cash": "1"}, TypeError, "initial_cash must be a real number, got str '1'"),
    ({"multiplier": 0.0}, ValueError, "multiplier must be > 0.0, got 0.0"),
    ({"strike_interval": 0.0}, ValueError, "strike_interval must be > 0.0, got 0.0"),
    ({"periods_per_year": 0.0}, ValueError, "periods_per_year must be > 0.0, got 0.0"),
])
def test_argument_refusals_in_full(kwargs, error, message):
    with pytest.raises(error, match="^" + re.escape(message) + "$"):
        mb_run_backtest(small_market(), ARTICLE, **kwargs)


def test_bad_market_columns_are_refused_before_anything_runs():
    market = small_market()
    with pytest.raises(ValueError, match="^column 'open_interest' must be > 0"):
        mb_run_backtest(market.assign(open_interest=0.0))
    with pytest.raises(ValueError, match="^column 'futures_price' must be > 0"):
        mb_run_backtest(market.assign(futures_price=-market["futures_price"]))


def test_result_layout_and_statistics():
    market = small_market()
    result = mb_run_backtest(market, ARTICLE)
    assert result.equity.name == "equity" and result.equity.index.name == "timestamp"
    pd.testing.assert_index_equal(result.equity.index, pd.Index(market["timestamp"], name="timestamp"))
    assert result.stats is not None and result.stats["Equity Final [$]"] == result.final_value
    assert result.stats["Buy & Hold Return [%]"] == pytest.approx(
        100 * (market["futures_price"].iloc[-1] / market["futures_price"].iloc[0] - 1))
    assert result.stats["Return [%]"] == pytest.approx(100 * (result.final_value / 100_000 - 1))
    cheap = mb_run_backtest(market, ARTICLE, initial_cash=50_000.0)
    assert cheap.stats["Return [%]"] == pytest.approx(100 * (cheap.final_value / 50_000 - 1))
    assert mb_run_backtest(market, ARTICLE, statistics=False).stats is None
    assert result.initial_cash == 100_000.0 and result.total_costs == result.trades["costs"].sum()


def test_fill_delay_moves_every_entry_by_that_many_bars():
    market = small_market(300)
    now, later = mb_run_backtest(market, ARTICLE), mb_run_backtest(market, ARTICLE.replace(fill_delay=2))
    assert len(now.trades) and (later.trades["entry_bar"].to_numpy()[:3] == now.trades["entry_bar"].to_numpy()[:3] + 2).all()


def test_model_prices_use_the_years_to_expiry_and_the_option_type():
    from mesbook import black76_price
    market = small_market(300)
    never = ARTICLE.replace(pricing="black76", mark="model", rate=0.03, constant_vol=0.2)
    t = mb_run_backtest(market, never).trades
    is_call = (t["option_type"] == "CALL").to_numpy()
    assert is_call.any() and (~is_call).any()
    # an option that never expires is priced as a one-year option (365 days)
    np.testing.assert_allclose(t["entry_premium"], black76_price(t["entry_price"].to_numpy(), t["strike"].to_numpy(),
                                                                 1.0, 0.03, 0.2, is_call), rtol=1e-12)
    np.testing.assert_allclose(t["exit_premium"], black76_price(t["exit_price"].to_numpy(), t["strike"].to_numpy(),
                                                                1.0, 0.03, 0.2, is_call), rtol=1e-12)
    monthly = never.replace(expiry_cycle="monthly")
    t = mb_run_backtest(market, monthly).trades
    is_call = (t["option_type"] == "CALL").to_numpy()
    entry_years = (t["expiry"] - t["entry_time"].dt.normalize()).dt.days.to_numpy() / 365.0
    np.testing.assert_allclose(t["entry_premium"], black76_price(t["entry_price"].to_numpy(), t["strike"].to_numpy(),
                                                                 entry_years, 0.03, 0.2, is_call), rtol=1e-12)
    sold = (t["exit_reason"] == "signal").to_numpy()
    exit_years = (t["expiry"] - t["exit_time"].dt.normalize()).dt.days.to_numpy()[sold] / 365.0
    np.testing.assert_allclose(t.loc[sold, "exit_premium"], black76_price(
        t.loc[sold, "exit_price"].to_numpy(), t.loc[sold, "strike"].to_numpy(), exit_years, 0.03, 0.2, is_call[sold]),
        rtol=1e-12)


def test_american_exercise_is_priced_by_the_tree():
    from mesbook import price_option
    market = small_market(200)
    s = ARTICLE.replace(pricing="black76", mark="model", exercise="american", rate=0.05, constant_vol=0.2,
                        expiry_cycle="quarterly")
    t = mb_run_backtest(market, s).trades.iloc[:3]
    years = (t["expiry"] - t["entry_time"]).dt.days.to_numpy() / 365.0
    np.testing.assert_allclose(t["entry_premium"], price_option(t["entry_price"].to_numpy(), t["strike"].to_numpy(),
                                                                years, 0.05, 0.2, (t["option_type"] == "CALL").to_numpy(),
                                                                style="american"), rtol=1e-12)


# --- each risk rule alone, on a hand-built path (the engine's watch of one trade) ----------------------------------
DAYS = pd.date_range("2024-01-02", periods=8, freq="B")


@pytest.mark.parametrize("rule, prices, exit_bar, reason", [
    ({"take_profit": 1.0}, [5000, 5002, 5004, 5005, 5006, 5001, 5001, 5001], 3, "take_profit"),  # 5 >= 2 x 2.5
    ({"stop_loss": 0.5}, [5000, 5002, 5001, 4999, 5003, 5003, 5003, 5003], 2, "stop_loss"),  # 1 <= 0.5 x 2.5
    ({"underlying_stop_points": 3.0}, [5000, 5010, 4998, 4997, 5003, 5003, 5003, 5003], 3, "underlying_stop"),
])
def test_each_rule_alone_fires_at_its_first_bar(rule, prices, exit_bar, reason):
    codes = [1, 0, 0, 0, 0, 0, 0, 0]  # one CALL at 5000, strike 5000, paid 2.5; no opposite signal
    t, _ = engine_trades(DAYS, prices, codes, ARTICLE.replace(**rule))
    row = t.iloc[0]
    assert (row["exit_bar"], row["exit_reason"]) == (exit_bar, reason)
    assert row["exit_premium"] == max(prices[exit_bar] - 5000.0, 0.0)  # sold at the mark where the rule fired
    assert engine_trades(DAYS, prices, codes, ARTICLE)[0]["exit_reason"].iloc[0] == "end"  # without the rule


def test_the_drawdown_switch_alone_reads_the_marks_and_latches():
    prices = [5000, 4990, 4990, 4990, 5000, 5000, 5000, 5000]
    codes = [1, 0, 0, 2, 0, 1, 0, 0]  # CALL, then PUT at bar 3 (allowed: it opens at the close that trips)
    s = ARTICLE.replace(max_drawdown=0.0001)  # $10 on $100,000
    free, _ = engine_trades(DAYS, prices, codes, ARTICLE)
    t, _ = engine_trades(DAYS, prices, codes, s)
    assert len(free) == 3 and list(t["entry_bar"]) == [0, 3]  # the marked loss at bar 1 stops new trades after it
    # realized cash alone would not have tripped it before bar 3: the CALL's loss is only booked there
    assert (t["exit_bar"] == free["exit_bar"].iloc[:2]).all()


def test_expiry_settles_at_intrinsic_without_spread_and_charges_fees_on_any_value():
    prices = np.full(len(MARCH), 5000.0)
    prices[9] = 5000.5  # half a point in the money
    codes = np.zeros(len(MARCH), dtype=int)
    codes[1] = 1
    s = QUARTERLY.replace(half_spread_ticks=1.0, slippage_ticks=1.0)
    row = engine_trades(MARCH, prices, codes, s)[0].iloc[0]
    assert row["exit_reason"] == "expiry" and row["exit_premium"] == pytest.approx(0.5)  # no spread at settlement
    assert row["entry_premium"] == pytest.approx(2.6)  # the buy still pays it
    assert row["costs"] == pytest.approx(2 * 0.92 + 0.1 * 5)  # closing fee: worth 0.5 point, not worthless


def test_years_to_expiry_by_hand():
    """Date-only bars count whole days to the expiry date; bars with a time of day count exactly to the
    8:30 expiry moment (time_to_expiry, in years of 365 days); never negative."""
    from mesbook.engine.backtest import Pricer
    from mesbook.options.calendar import time_to_expiry
    expiry = pd.DatetimeIndex(["2024-03-15"])
    days = pd.DataFrame({"timestamp": pd.DatetimeIndex(["2024-03-14", "2024-03-15", "2024-03-18"]),
                         "futures_price": 5000.0, "open_interest": 1.0})
    m = PreparedMarket(days).arrays(ARTICLE, 252)
    years = Pricer(ARTICLE, m).years(np.array([0, 1, 2]), np.repeat(m.expiry_day(expiry, "quarterly"), 3))
    np.testing.assert_array_equal(years, [1 / 365, 0.0, 0.0])  # a day before, on the day, after
    stamped = days.assign(timestamp=pd.DatetimeIndex(["2024-03-14 00:00", "2024-03-15 08:00", "2024-03-15 09:00"]))
    m = PreparedMarket(stamped).arrays(ARTICLE, 252)
    years = Pricer(ARTICLE, m).years(np.array([0, 1, 2]), np.repeat(m.expiry_day(expiry, "quarterly"), 3))
    np.testing.assert_allclose(years, [32.5 / 24 / 365, 0.5 / 24 / 365, 0.0], rtol=1e-9)
    np.testing.assert_allclose(years, time_to_expiry(stamped["timestamp"], expiry[0]) / pd.Timedelta(days=365),
                               rtol=1e-9)
    assert Pricer(ARTICLE, m).years(np.array([0]), np.array([np.nan])).tolist() == [1.0]  # no expiry: one year


def test_an_expiry_on_the_last_bar_of_the_data_is_settled():
    prices = np.full(10, 5000.0)
    prices[9] = 5003.0
    codes = np.zeros(10, dtype=int)
    codes[1] = 1
    row = engine_trades(MARCH[:10], prices, codes, QUARTERLY)[0].iloc[0]  # the data end on expiry day, bar 9
    assert (row["exit_bar"], row["exit_reason"], row["exit_premium"]) == (9, "expiry", 3.0)
    short = engine_trades(MARCH[:9], prices[:9], codes[:9], QUARTERLY)[0].iloc[0]  # they end the day before
    assert (short["exit_bar"], short["exit_reason"]) == (8, "end")


def test_the_cycle_chooses_the_expiry():
    days = pd.date_range("2024-01-02", periods=60, freq="B")
    codes = np.zeros(60, dtype=int)
    codes[0] = 1
    expiries = {cycle: engine_trades(days, np.full(60, 5000.0), codes, ARTICLE.replace(expiry_cycle=cycle,
                                                                                      min_days_to_expiry=1))[0]
                .iloc[0]["expiry"] for cycle in ("weekly", "monthly", "quarterly")}
    assert expiries == {"weekly": pd.Timestamp("2024-01-05"), "monthly": pd.Timestamp("2024-01-19"),
                        "quarterly": pd.Timestamp("2024-03-15")}


def test_signal_counts_are_the_decisions_of_every_bar():
    market = small_market(300)
    result = mb_run_backtest(market, ARTICLE)
    assert sum(result.signal_counts.values()) == 300 and result.signal_counts["BUY"] >= len(result.trades) // 2 > 0


def test_small_price_refusal_names_the_first_unpriceable_fill():
    frame = pd.DataFrame({"timestamp": pd.date_range("2024-01-02", periods=60, freq="B"),
                          "futures_price": np.r_[np.full(30, 3000.0), np.full(30, 2.0)] + np.sin(np.arange(60)),
                          "open_interest": 1000 + 100 * np.sin(np.arange(60) / 3)})
    black = ARTICLE.replace(pricing="black76")
    with pytest.raises(ValueError, match=r"^futures_price is [\d.]+ at bar (3\d|4\d|5\d) "):
        mb_run_backtest(frame, black, short_sma_window=2, long_sma_window=5)  # not bar 0: those fills are priced
    opened = frame.assign(open_price=frame["futures_price"])
    with pytest.raises(ValueError, match=r"^open_price is .*check that open_price is in index points$"):
        mb_run_backtest(opened, black.replace(fill_price="open"), short_sma_window=2, long_sma_window=5)
    cents = frame.assign(futures_price=0.6 + 0.01 * np.sin(np.arange(60)))  # strikes of 0.5 on a 0.25 grid: fine
    assert len(mb_run_backtest(cents, black, short_sma_window=2, long_sma_window=5, strike_interval=0.25).trades)


@pytest.mark.parametrize("rate, target", [(0.3, 0.25), (0.3, 0.6), (0.05, 0.75)])
def test_the_delta_rule_picks_the_listed_strike_nearest_the_target(rate, target):
    from mesbook import black76_greeks
    market = small_market(300)
    s = ARTICLE.replace(pricing="black76", mark="model", strike="delta", target_delta=target, rate=rate,
                        constant_vol=0.2, expiry_cycle="quarterly", min_days_to_expiry=30)
    t = mb_run_backtest(market, s).trades
    assert len(t) and np.isfinite(t["strike"]).all()
    years = ((t["expiry"] - t["entry_time"]).dt.days.to_numpy() / 365)[:, None]
    is_call = (t["option_type"] == "CALL").to_numpy()[:, None]
    grid = np.maximum(5.0 * np.round(t["entry_price"].to_numpy()[:, None] / 5.0) + 5.0 * np.arange(-80, 81), 5.0)
    delta = black76_greeks(t["entry_price"].to_numpy()[:, None], grid, years, rate, 0.2, is_call).delta
    best = grid[np.arange(len(t)), np.argmin(np.abs(np.abs(delta) - target), axis=1)]
    np.testing.assert_array_equal(t["strike"], best)


def test_open_fills_exit_at_the_open_with_the_volatility_known_then():
    from mesbook import black76_price
    days = pd.date_range("2024-01-02", periods=6, freq="B")
    frame = pd.DataFrame({"timestamp": days, "futures_price": [5000.0, 5010, 5020, 5030, 5040, 5050],
                          "open_interest": 1.0, "open_price": [4995.0, 5005, 5015, 5025, 5035, 5045],
                          "volatility": [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]})
    s = ARTICLE.replace(pricing="black76", mark="model", fill_price="open", volatility="column", rate=0.0)
    m = PreparedMarket(frame).arrays(s, 252)
    t, _ = _trade_loop(np.array([1, 0, 0, 2, 0, 0]), m, s, 100_000.0, 5.0, 5.0)
    call = t.iloc[0]
    assert call["exit_reason"] == "signal" and call["exit_price"] == 5025.0
    # sold at bar 3's open, priced with bar 2's volatility (0.3): the close's 0.4 is not known at the open
    assert call["exit_premium"] == pytest.approx(black76_price(5025.0, call["strike"], 1.0, 0.0, 0.3, True))


def test_scale_in_opens_one_option_per_signal_each_closed_at_the_next_opposite():
    prices = [5000.0, 5004, 5008, 5006, 5002, 5000, 5000, 5000]
    t, unrealized = engine_trades(DAYS, prices, [1, 1, 0, 2, 0, 0, 0, 0], ARTICLE.replace(position="scale_in",
                                                                                           contracts=2))
    assert list(zip(t["entry_bar"], t["exit_bar"], t["option_type"])) == [(0, 3, "CALL"), (1, 3, "CALL"), (3, 7, "PUT")]
    assert t["contracts"].tolist() == [2, 2, 2]
    np.testing.assert_allclose(t["pnl"], [(6 - 2.5) * 10, (1 - 2.5) * 10, (5 - 2.5) * 10])  # K 5000, 5005, 5005
    # bar 2: two calls open, marked at intrinsic 8 and 3 points, less what they cost ($25 each)
    assert unrealized[2] == pytest.approx(2 * 8 * 5 - 25 + 2 * 3 * 5 - 25)


def test_a_trade_the_account_cannot_pay_is_skipped_not_the_rest():
    prices = [5000.0, 5010, 5010, 5000, 5000, 5000, 5000, 5000]
    t, _ = engine_trades(DAYS, prices, [1, 0, 2, 0, 1, 0, 0, 0], ARTICLE, cash=12.5)  # exactly one 2.5-point option
    assert list(t["entry_bar"]) == [0, 2, 4] and t["pnl"].iloc[0] == pytest.approx((10 - 2.5) * 5)
    poor, _ = engine_trades(DAYS, prices, [1, 0, 2, 0, 1, 0, 0, 0], ARTICLE, cash=12.0)
    assert poor.empty  # $12 cannot pay $12.50, ever


@pytest.mark.parametrize("offset", [1, 2, 5])
def test_a_fixed_premium_is_allowed_only_where_it_covers_the_intrinsic_value(offset):
    # strike='offset' moves the strike whole intervals away from the at-the-money one (itself at most half an
    # interval in the money), so with an offset >= 1 every option starts out of the money: its intrinsic value
    # at entry is 0, below any fixed premium. Negative offsets and delta strikes are refused (test_settings).
    from mesbook.article.simulation import trade_table
    from mesbook.constants import STRIKE_INTERVAL

    settings = ARTICLE.replace(strike="offset", strike_offset=offset)
    for seed in range(5):
        moneyness = trade_table(mb_run_backtest(simulate_market_data(300, seed=seed), settings))["in the money at entry"]
        assert len(moneyness) and (moneyness <= -(offset - 0.5) * STRIKE_INTERVAL).all(), (seed, moneyness.max())


CHAIN_CASES = [(ARTICLE, 100_000.0), (HONEST, 100_000.0), (HONEST.replace(max_premium_at_risk=40.0), 100_000.0),
               (ARTICLE.replace(contracts=40, commission=FEES), 3_000.0), (HONEST.replace(strike="delta"), 100_000.0)]


@pytest.mark.parametrize("case", range(len(CHAIN_CASES)))
@pytest.mark.parametrize("seed", range(4))
def test_chained_trades_are_the_account_loops_trades_bit_for_bit(case, seed, monkeypatch):
    """Without exit rules, drawdown switch or equity sizing the trades are chained on arrays
    (_chained_trades); the account loop (_account_trades) must give the same frame and unrealized P&L, float
    for float, including when an option is too dear for the cap (skipped) or the cash runs out (the loop
    takes over)."""
    import mesbook.engine.backtest as engine

    settings, cash = CHAIN_CASES[case]
    rng = np.random.default_rng(seed)
    frame = simulate_market_data(300, seed=seed)
    codes = rng.choice([0, 1, 2], size=len(frame), p=[0.8, 0.1, 0.1])
    m = PreparedMarket(frame).arrays(settings, 252)
    chained = []
    real_chain = engine._chained_trades
    monkeypatch.setattr(engine, "_chained_trades", lambda *a: chained.append(real_chain(*a)) or chained[-1])
    fast, fast_unrealized = _trade_loop(codes, m, settings, cash, 5.0, 5.0)
    monkeypatch.setattr(engine, "_chained_trades", lambda *a: None)
    slow, slow_unrealized = _trade_loop(codes, m, settings, cash, 5.0, 5.0)
    assert len(slow) > 0
    pd.testing.assert_frame_equal(fast, slow, check_exact=True)
    np.testing.assert_array_equal(fast_unrealized.view(np.int64), slow_unrealized.view(np.int64))
    if case != 3:
        assert chained[0] is not None  # the trades were chained on arrays
    elif seed == 0:
        assert chained[0] is None  # this small account runs out: the loop kept the books


def test_expiry_stamps_are_what_pandas_parses_from_whole_seconds():
    from mesbook.options.calendar import expiry_stamps
    rng = np.random.default_rng(7)
    cases = [rng.uniform(-1e5, 3e5, 40), np.r_[np.nan, 19_797.35416666, 19_797.0, np.nan], np.full(2, np.nan),
             np.empty(0), np.r_[1e8, -1e8], np.r_[1e9]]  # the last is past datetime64[us]: pandas refuses it
    for days in cases[:-1]:
        want = pd.DataFrame({"expiry": pd.to_datetime(np.round(days * 86_400), unit="s")})
        pd.testing.assert_frame_equal(pd.DataFrame({"expiry": expiry_stamps(days)}), want)
    with pytest.raises(Exception) as ours:
        expiry_stamps(cases[-1])
    with pytest.raises(Exception) as theirs:
        pd.to_datetime(np.round(cases[-1] * 86_400), unit="s")
    assert type(ours.value) is type(theirs.value)


@pytest.mark.parametrize("settings", [ARTICLE, HONEST])
def test_a_run_without_statistics_builds_the_same_trade_log_only_when_read(settings):
    """``statistics=False`` (the many-run studies) defers the trade log; read, it is the same frame to the bit."""
    import pickle

    data = simulate_market_data(400, seed=4)
    full = mb_run_backtest(data, settings)
    lean = mb_run_backtest(data, settings, statistics=False)
    assert isinstance(lean.__dict__["_trades_stored"], _engine.DeferredFrame)  # not built by the run
    assert lean.trade_count == full.trade_count == len(full.trades) > 0
    assert isinstance(lean.__dict__["_trades_stored"], _engine.DeferredFrame)  # counting did not build it
    copy = pickle.loads(pickle.dumps(lean))  # a worker's result travels unbuilt
    pd.testing.assert_frame_equal(lean.trades, full.trades, check_exact=True)
    assert lean.trades is lean.trades  # built once, then kept
    pd.testing.assert_frame_equal(copy.trades, full.trades, check_exact=True)
    assert (lean.final_value, lean.total_costs) == (full.final_value, full.total_costs)
    pd.testing.assert_series_equal(lean.equity, full.equity, check_exact=True)
