"""Time, not bars, through the engine: one market seen at daily, hourly and minute spacing (issue 19).

The same price path gives the same annualized volatility, the same expiry settlement and, when the open
interest steps once, the same trade; weekly OI attached to minute bars never moves a signal before its release;
and the command line on a million minute bars annualizes over the period the file covers.
"""
from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings as hypothesis_settings
from hypothesis import strategies as st

import mesbook as mb
from clock_support import globex_bars
from mesbook.clock import bar_clock, bar_moments, trade_dates
from mesbook.data.release import NextBusinessDay, ReleaseNote, attach_open_interest
from mesbook.engine.prepared import PreparedMarket
from mesbook.engine.decisions import decision_codes
from mesbook.core.windows import Windows
from mesbook.options.calendar import expiry_moment
from mesbook.studies.paired import market_volatility

SPACINGS = ("minute", "hourly", "daily")


def views(minute_values: pd.Series) -> dict[str, pd.Series]:
    """One path on Globex minutes (stamped at their close) seen at three spacings: every minute, the bars
    closing on the hour, and each session's last close stamped with its trade date (date-only daily bars)."""
    hourly = minute_values[minute_values.index.minute == 0]
    daily = minute_values.groupby(trade_dates(minute_values.index)).last()
    return {"minute": minute_values, "hourly": hourly, "daily": daily}


def frame(values: pd.Series, oi: object = 50_000.0) -> pd.DataFrame:
    oi = oi.reindex(values.index).to_numpy() if isinstance(oi, pd.Series) else oi
    return pd.DataFrame({"timestamp": values.index, "futures_price": values.to_numpy(), "open_interest": oi})


# -- the year: volatility from the data's own clock ------------------------------------------------------------

def test_the_same_path_gives_the_same_annualized_volatility_at_every_spacing():
    """A 20 %-a-year random walk over a year of Globex minutes. The engine's realized volatility (its median over
    the bars) and the market's volatility agree at every spacing within sampling error; the daily series, 252
    returns, has the widest error (20 % / sqrt(2 x 251), about 0.9 points)."""
    minutes = globex_bars("2023-01-01 17:00", "2023-12-29 16:00")
    sigma = 0.20
    steps = np.random.default_rng(19).normal(0.0, sigma / np.sqrt(1380 * 252), len(minutes))
    path = pd.Series(4000.0 * np.exp(np.cumsum(steps)), index=minutes)
    realistic = mb.REALISTIC.replace(vol_window=60, implied_vol_ratio=1.0)  # the realized estimate itself
    for name, values in views(path).items():
        data = frame(values)
        clock = bar_clock(data["timestamp"])
        error = 3 * sigma / np.sqrt(2 * (len(values) - 1))  # three standard errors of a sample volatility
        assert market_volatility(data) == pytest.approx(sigma, abs=error), (name, clock.describe())
        vol = PreparedMarket(data).arrays(realistic, clock.periods_per_year).vol[realistic.vol_window:]
        assert np.median(vol) == pytest.approx(sigma, abs=max(error, 0.015)), (name, clock.describe())
        # read as 252 bars a year (the old default), hourly bars look ~5 times calmer, minutes ~37 times
        if name != "daily":
            assert market_volatility(data, periods_per_year=252) < sigma / 4


# -- the expiry: one moment, settled in the bar that holds it --------------------------------------------------

def test_the_same_path_settles_the_same_option_at_every_spacing():
    """A call bought on Monday 4 March 2024 (quarterly cycle, at least 7 days out) expires on Friday 15 March
    at 8:30 a.m. CT at every spacing: it settles in the bar that holds that moment (the minute closing 8:30,
    the hour closing 9:00, the day's date-only bar) at the same intrinsic value, the price being flat on the
    expiry morning."""
    minutes = globex_bars("2024-03-03 17:00", "2024-03-22 16:00")
    rng = np.random.default_rng(3)
    price = 5000.0 + np.cumsum(rng.normal(0.0, 0.3, len(minutes)))
    flat = (minutes >= pd.Timestamp("2024-03-15 06:00")) & (minutes <= pd.Timestamp("2024-03-15 16:00"))
    price[flat] = 5042.0
    path = pd.Series(price, index=minutes)
    moment = expiry_moment(pd.DatetimeIndex(["2024-03-15"]), "quarterly")[0]
    settings = mb.ARTICLE.replace(expiry_cycle="quarterly", min_days_to_expiry=7, strike_offset=0)
    rows = {}
    for name, values in views(path).items():
        data = frame(values)
        data.loc[data["timestamp"] >= pd.Timestamp("2024-03-04 10:00"), "open_interest"] = 60_000.0  # one step up
        trades = mb.run_backtest(data, settings, short_sma_window=2, long_sma_window=4, gradient_window=2).trades
        first = trades.iloc[0]
        closes = bar_moments(data["timestamp"])
        exit_bar = int(first["exit_bar"])
        assert first["exit_reason"] == "expiry", name
        assert first["expiry"].normalize() == pd.Timestamp("2024-03-15"), name
        assert closes[exit_bar - 1] < moment <= closes[exit_bar], name  # the bar in which the option expires
        assert first["exit_premium"] == pytest.approx(max(5042.0 - first["strike"], 0.0)), name
        rows[name] = (first["option_type"], first["strike"], first["exit_premium"], closes[exit_bar].normalize())
    assert rows["minute"][3] == rows["hourly"][3] == rows["daily"][3] == pd.Timestamp("2024-03-15")


# -- the release: one OI step, one trade, on the morning it is known -----------------------------------------

def test_one_oi_step_gives_the_same_trade_at_every_spacing_on_the_morning_it_is_released():
    """Daily OI steps up at Tuesday 5 March 2024's settlement (the figure as of its close) and is released on Wednesday
    at 09:00 CT (``oi_release=NextBusinessDay()``). On every spacing the only signal is a BUY on Wednesday,
    at the first bar closing at or after 09:00 (the daily bar of Wednesday), filled at the next bar: one call
    at the same strike, never a bar before the release."""
    minutes = globex_bars("2024-02-25 17:00", "2024-03-08 16:00")  # a week of daily bars before the step
    path = pd.Series(5000.0, index=minutes)
    # the figure as of Tuesday's 3:00 p.m. settlement: bars closing after it carry it (the daily bar of Tuesday too)
    daily_oi = pd.Series(np.where(minutes > pd.Timestamp("2024-03-05 15:00"), 61_000.0, 60_000.0), index=minutes)
    settings = mb.ARTICLE.replace(warmup="skip", gradient="backward", oi_release=NextBusinessDay(), fill_delay=1)
    release = pd.Timestamp("2024-03-06 09:00")
    seen = {}
    for name, values in views(path).items():
        oi = daily_oi.groupby(trade_dates(minutes)).last().reindex(values.index) if name == "daily" else daily_oi
        data = frame(values, oi)
        codes = decision_codes(data, settings, Windows(2, 4, 2))
        closes = bar_moments(data["timestamp"])
        signal_bars = np.flatnonzero(codes)
        assert len(signal_bars) == 1 and codes[signal_bars[0]] == 1, name  # one BUY
        bar = signal_bars[0]
        assert closes[bar] >= release and (bar == 0 or closes[bar - 1] < release), name
        trades = mb.run_backtest(data, settings, short_sma_window=2, long_sma_window=4, gradient_window=2).trades
        assert len(trades) == 1 and trades["entry_bar"].iloc[0] == bar + 1, name  # filled at the next bar
        seen[name] = (trades["option_type"].iloc[0], trades["strike"].iloc[0],
                      closes[bar].normalize())
    assert seen["minute"] == seen["hourly"] == seen["daily"] == ("CALL", 5000.0, pd.Timestamp("2024-03-06"))


# -- weekly OI on minute bars: no signal moves before a figure is out --------------------------------------------

@st.composite
def weekly_calendars(draw):
    """Weekly figures as of Tuesdays, each released 0 to 10 days later at any minute (out of order too)."""
    count = draw(st.integers(2, 6))
    as_of = pd.Timestamp("2024-01-02") + pd.to_timedelta(7 * np.arange(count), unit="D")
    delays = draw(st.lists(st.integers(0, 10 * 24 * 60), min_size=count, max_size=count))
    values = draw(st.lists(st.integers(40_000, 80_000), min_size=count, max_size=count))
    return pd.DataFrame({"as_of": as_of, "open_interest": np.asarray(values, dtype=float),
                         "released": as_of + pd.to_timedelta(delays, unit="min")})


@hypothesis_settings(deadline=None)
@given(weekly_calendars(), st.integers(0, 5), st.integers(-20_000, 20_000))
def test_weekly_oi_attached_to_minute_bars_moves_no_signal_before_its_release(oi, which, change):
    """Change one weekly figure: every decision of the honest signals (skipped warm-up, backward gradient) at a
    bar closing before that figure's release stays the same. Attached the naive way (on the as-of date) the
    same change moves decisions days before the figure is public."""
    which %= len(oi)
    minutes = globex_bars("2024-01-01 17:00", "2024-02-23 16:00", "15min")
    price = pd.Series(5000.0, index=minutes)
    bars = pd.DataFrame({"timestamp": minutes, "futures_price": price.to_numpy()})
    moved = oi.copy()
    moved.loc[which, "open_interest"] = max(1.0, moved.loc[which, "open_interest"] + change)
    settings = mb.ARTICLE.replace(warmup="skip", gradient="backward")
    windows = Windows(12, 36, 12)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ReleaseNote)
        a, b = (attach_open_interest(bars, table, before_first="drop").reset_index(drop=True) for table in (oi, moved))
    codes_a, codes_b = (decision_codes(f[["timestamp", "futures_price", "open_interest"]], settings, windows) for f in (a, b))
    before = np.asarray(bar_moments(a["timestamp"]) < oi["released"].iloc[which])
    np.testing.assert_array_equal(codes_a[before], codes_b[before])
    assert (pd.DatetimeIndex(a["oi_released"]) <= bar_moments(a["timestamp"])).all()


# -- the command line on a million minute bars ------------------------------------------------------------------

@pytest.fixture(scope="module")
def million_minutes(tmp_path_factory) -> tuple[str, pd.DataFrame]:
    """1,000,000 Globex minute bars (about 2.9 years of 1,380-minute sessions) of a market falling about 27 %
    a year at 20 % volatility, with a constant open interest stepping every 5,000 bars."""
    minutes = globex_bars("2021-01-03 17:00", "2024-12-31 16:00")[:1_000_000]
    assert len(minutes) == 1_000_000
    rng = np.random.default_rng(27)
    per_year = 1380 * 252
    steps = rng.normal(np.log(0.73) / per_year, 0.20 / np.sqrt(per_year), len(minutes))
    price = np.round(4000.0 * np.exp(np.cumsum(steps)), 2)
    oi = 2_000_000.0 + np.repeat(rng.normal(0.0, 20_000.0, len(minutes) // 5_000 + 1).cumsum(), 5_000)[:len(minutes)]
    data = pd.DataFrame({"timestamp": minutes, "futures_price": price, "open_interest": np.round(oi)})
    path = tmp_path_factory.mktemp("million") / "minutes.csv"
    data.to_csv(path, index=False, date_format="%Y-%m-%d %H:%M")
    return str(path), data


def test_the_cli_on_a_million_minute_bars_annualizes_over_the_period(million_minutes):
    """The issue's case: 1M minute bars covering about 2.9 years. Annualized figures must use the minute clock
    (1,380 bars a session x 252 sessions): the buy-and-hold return a year is the total compounded over the
    calendar years the file spans (about -27 %), not -0.02 % as when each bar was taken for a day."""
    from test_cli import run_cli

    path, data = million_minutes
    proc = run_cli("--csv", path, "--json")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    clock = report["clock"]
    assert clock["kind"] == "intraday" and clock["spacing_seconds"] == 60.0
    assert clock["periods_per_year"] == pytest.approx(1380 * 252, rel=0.01)
    assert report["windows"][0].startswith("short 10 bars = 10 minutes of trading")
    stats = report["statistics"]
    years = len(data) / clock["periods_per_year"]
    calendar_years = (data["timestamp"].iloc[-1] - data["timestamp"].iloc[0]) / pd.Timedelta(days=365.25)
    assert years == pytest.approx(calendar_years, rel=0.05)  # the clock's year is the calendar's
    total = stats["Return [%]"] / 100
    assert stats["Return (Ann.) [%]"] / 100 == pytest.approx((1 + total) ** (1 / years) - 1, rel=1e-3)
    hold = data["futures_price"].iloc[-1] / data["futures_price"].iloc[0]
    assert hold ** (1 / calendar_years) - 1 == pytest.approx(-0.27, abs=0.08)  # the market the file holds
    text = run_cli("--csv", path)
    assert text.returncode == 0, text.stderr
    assert "clock: 1-minute bars, ~1,380 a session" in text.stdout
    given = json.loads(run_cli("--csv", path, "--json", "--periods-per-year", "252").stdout)
    assert given["clock"]["periods_per_year"] == 252 and given["clock"]["periods_per_year_given"]
    assert abs(given["statistics"]["Return (Ann.) [%]"]) < abs(stats["Return (Ann.) [%]"]) / 100


# -- dates past 2262 keep their unit ------------------------------------------------------------------------

def test_a_release_rule_on_a_hundred_thousand_business_days_is_one_bar_of_lag():
    """100,000 simulated business days end in 2406, past what nanoseconds hold: the release moments (and the
    pricer's day numbers) stay in the data's own unit, so the next-morning rule is still exactly one bar."""
    from mesbook.engine.decisions import SignalCache

    data = mb.simulate_market_data(100_000, seed=1)
    assert data["timestamp"].iloc[-1].year > 2262
    by_rule = SignalCache.from_frame(data, mb.REALISTIC).codes(10, 30, 5)
    by_bars = SignalCache.from_frame(data, mb.REALISTIC.replace(oi_release=None, oi_lag=1)).codes(10, 30, 5)
    np.testing.assert_array_equal(by_rule, by_bars)
    assert (by_rule != 0).sum() > 1000
    days = PreparedMarket(data).arrays(mb.REALISTIC, 252.0).day
    assert days[-1] - days[0] == (data["timestamp"].iloc[-1] - data["timestamp"].iloc[0]).days


# -- stamps at the bar's start, and prices-only files -------------------------------------------------------

KIBOT_STYLE = ("Date,Time,Open,High,Low,Close,Volume\n"  # Kibot's layout: the time the bar opened, US Eastern
               "03/06/2024,10:29,5100,5101,5099,5100.25,10\n"
               "03/06/2024,10:30,5100,5101,5099,5100.50,10\n"
               "03/06/2024,10:31,5100,5101,5099,5100.75,10\n")


def test_bar_start_stamps_move_to_the_close_and_prices_only_files_get_oi_by_release(tmp_path):
    """A Kibot-style minute file (stamped at each bar's start, no open interest): with stamps='start' the bar
    opened 10:29 ET closes at 9:30 CT; open_interest='cftc' attaches the packaged CFTC figure released by then
    (as of Tuesday 27 February, out Friday 1 March), never the one of 5 March, released Friday 8 March."""
    path = tmp_path / "kibot.csv"
    path.write_text(KIBOT_STYLE)
    options = dict(columns={"futures_price": "Close"}, dayfirst=False, tz="America/New_York")
    with pytest.raises(ValueError, match="prices-only file, pass open_interest='cftc'"):
        mb.load_market_data(path, **options)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        end = mb.load_market_data(path, **options, open_interest="cftc")
        start = mb.load_market_data(path, **options, open_interest="cftc", stamps="start")
    assert list(end["timestamp"].dt.strftime("%H:%M")) == ["09:29", "09:30", "09:31"]
    assert list(start["timestamp"].dt.strftime("%H:%M")) == ["09:30", "09:31", "09:32"]
    assert (start["oi_as_of"] == pd.Timestamp("2024-02-27")).all()
    assert (start["oi_released"] <= start["timestamp"]).all()
    weekly = mb.clock.stamps_to_closes(pd.DatetimeIndex(["2024-03-04", "2024-03-11", "2024-03-18"]), "start")
    assert list(weekly.day_name()) == ["Friday"] * 3  # a week opened on Monday closes on Friday
    daily = pd.DatetimeIndex(["2024-03-04", "2024-03-05", "2024-03-06"])
    assert mb.clock.stamps_to_closes(daily, "start").equals(daily)  # a date labels its day's bar either way


def test_the_cli_attaches_oi_by_release_and_reads_start_stamps(tmp_path):
    from test_cli import one_line_error, run_cli

    path = tmp_path / "kibot.csv"
    path.write_text(KIBOT_STYLE.replace("Close", "futures_price"))
    base = ["--csv", str(path), "--monthfirst", "--tz", "America/New_York"]
    message = one_line_error(run_cli(*base), "pass --attach-oi")
    assert "open_interest='cftc'" not in message
    report = json.loads(run_cli(*base, "--stamps", "start", "--attach-oi", "--json").stdout)
    assert report["data"]["start"] == "2024-03-06T09:30:00" and "bar-start stamps" in report["data"]["timestamps"]
    own = tmp_path / "oi.csv"
    own.write_text("as_of,open_interest\n2024-03-05,1000\n2024-03-06,2000\n")
    one_line_error(run_cli(*base, "--attach-oi", str(own)), "--oi-delay")
    ok = run_cli(*base, "--attach-oi", str(own), "--oi-delay", "18h", "--json")
    assert ok.returncode == 0, ok.stderr  # 5 March's figure, out at 9:00 on the 6th, is the one the bars see
