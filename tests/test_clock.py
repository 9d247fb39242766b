"""The data's own clock (mesbook.clock): spacing, bars per session and per year, from the timestamps."""
from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pandas.tseries.holiday import USFederalHolidayCalendar

from clock_support import SESSION_HOURS, globex_bars, regular_hours_bars
from mesbook import clock
from mesbook.clock import BarClock, ClockNote, bar_clock, bar_moments, calendar_span, trade_dates
from mesbook.constants import TRADING_DAYS


def quiet_clock(times, **kwargs) -> BarClock:
    """The clock of ``times``; fails the test if any warning (a ClockNote included) escapes."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return bar_clock(times, **kwargs)


def noted_clock(times, **kwargs) -> tuple[BarClock, str]:
    """The clock of ``times`` and the text of its one ClockNote."""
    with pytest.warns(ClockNote) as caught:
        found = bar_clock(times, **kwargs)
    assert len(caught) == 1
    return found, str(caught[0].message)


# -- the kinds of spacing, with known answers ---------------------------------------------------------------

def test_business_day_bars_give_exactly_the_book_s_252():
    found = quiet_clock(pd.bdate_range("2024-01-01", periods=500))
    assert (found.kind, found.spacing, found.date_only) == ("daily", pd.Timedelta(days=1), True)
    assert found.periods_per_year == TRADING_DAYS == 252 and found.bars_per_session == 1.0
    assert found.describe() == "daily bars (business days), 252 a year"


def test_gapped_business_days_keep_252():
    """US holidays and a random tenth of the days missing: still daily bars, 252 a year, no note."""
    days = pd.bdate_range("2015-01-01", "2024-12-31")
    holidays = USFederalHolidayCalendar().holidays("2015-01-01", "2024-12-31")
    days = days[~days.isin(holidays)]
    days = days[np.random.default_rng(3).random(len(days)) > 0.1]
    assert quiet_clock(days).periods_per_year == 252


def test_weekly_monthly_and_calendar_day_bars():
    weekly = pd.date_range("2010-01-08", periods=300, freq="W-FRI")
    shifted = weekly.where(weekly != weekly[40], weekly[40] - pd.Timedelta(days=1))  # a Thursday in a holiday week
    assert quiet_clock(shifted).describe() == "weekly bars, 52 a year"
    assert quiet_clock(pd.date_range("2010-01-31", periods=120, freq="ME")).describe() == "monthly bars, 12 a year"
    every_day = quiet_clock(pd.date_range("2024-01-01", periods=400, freq="D"))
    assert every_day.describe() == "daily bars (every calendar day), 365 a year"


def test_globex_minute_bars_count_1380_a_session():
    """23 hours × 60 one-minute bars a session (Sunday evening belongs to Monday), × 252 sessions a year."""
    found = quiet_clock(globex_bars("2024-01-07 17:00", "2024-03-29 16:00"))
    assert found.kind == "intraday" and found.spacing == pd.Timedelta(minutes=1)
    assert found.bars_per_session == SESSION_HOURS * 60 == 1380
    assert found.periods_per_year == 1380 * 252 == 347_760
    assert found.describe() == "1-minute bars, ~1,380 a session, 347,760 a year"


def test_hourly_and_regular_hours_bars():
    hourly = quiet_clock(globex_bars("2024-01-07 17:00", "2024-03-29 16:00", "1h"))
    assert (hourly.bars_per_session, hourly.periods_per_year) == (23, 23 * 252)
    assert hourly.describe() == "1-hour bars, ~23 a session, 5,796 a year"
    cash = quiet_clock(regular_hours_bars("2024-01-08", "2024-03-29 16:00"))
    assert (cash.bars_per_session, cash.periods_per_year) == (390, 390 * 252)  # 8:30 to 15:00


def test_missing_minutes_count_the_bars_each_session_really_has():
    """Drop a random tenth of the minutes: the spacing stays 1 minute, and bars a year are the bars the
    data hold per session × 252 (each return then spans more time, which is what annualizing needs)."""
    times = globex_bars("2024-01-07 17:00", "2024-03-29 16:00")
    kept = times[np.random.default_rng(0).random(len(times)) > 0.1]
    found = quiet_clock(kept)
    sessions = trade_dates(kept).nunique()
    assert found.spacing == pd.Timedelta(minutes=1)
    assert found.bars_per_session == pytest.approx(len(kept) / sessions, rel=0.01)
    assert found.periods_per_year == pytest.approx(found.bars_per_session * 252)


def test_data_that_start_and_end_inside_a_session_still_count_full_sessions():
    """The first and last session may be cut short by where the file starts and ends: they are left out."""
    found = quiet_clock(globex_bars("2024-01-10 10:00", "2024-02-14 09:00"))
    assert found.bars_per_session == 1380 and found.periods_per_year == 347_760


def test_sparse_minutes_keep_their_one_minute_spacing():
    """Six minutes in ten missing (a thin overnight market): most steps are longer than a minute, yet
    the spacing is the most common step, 1 minute, not the median (2 minutes here)."""
    times = globex_bars("2024-01-07 17:00", "2024-02-02 16:00")
    kept = times[np.random.default_rng(5).random(len(times)) > 0.6]
    with pytest.warns(ClockNote):  # most sessions have few one-minute steps: noted
        found = bar_clock(kept)
    assert found.spacing == pd.Timedelta(minutes=1)
    assert np.median(np.diff(kept.asi8)) > pd.Timedelta(minutes=1).value


def test_bars_around_the_clock_on_weekends_count_365_sessions():
    """Hourly bars every hour of every day (a market that never closes): 24 a session, 365 sessions."""
    found = quiet_clock(pd.date_range("2024-01-01 01:00", periods=24 * 120, freq="h"))
    assert (found.bars_per_session, found.sessions_per_year, found.periods_per_year) == (24, 365, 24 * 365)


def test_the_same_path_has_the_same_volatility_a_year_at_every_spacing():
    """A 20 %-a-year random walk in trading minutes, seen as minute, hourly and date-only daily bars: each
    clock annualizes its own returns to about 20 % (the issue: hourly bars read as days gave 4.9 %)."""
    minutes = globex_bars("2022-01-02 17:00", "2023-12-29 16:00")
    sigma = 0.20
    steps = np.random.default_rng(42).normal(0.0, sigma / np.sqrt(1380 * 252), len(minutes))
    log_price = pd.Series(np.log(4000.0) + np.cumsum(steps), index=minutes)
    hourly = log_price[minutes.minute == 0]
    daily = log_price.groupby(trade_dates(minutes)).last()  # the session's last close, stamped with its date
    for series, tolerance in ((log_price, 0.002), (hourly, 0.006), (daily, 0.025)):
        found = quiet_clock(series.index)
        measured = np.std(np.diff(series.to_numpy()), ddof=1) * np.sqrt(found.periods_per_year)
        assert measured == pytest.approx(sigma, abs=tolerance), found.describe()
        # read as daily bars (the old default), the hourly path looks far calmer than it is
    assert np.std(np.diff(hourly.to_numpy()), ddof=1) * np.sqrt(TRADING_DAYS) < 0.06


# -- irregular and mixed spacing: a note that names the row and the fix ------------------------------------

def test_mixed_minute_and_five_minute_sessions_are_noted_at_their_first_row():
    minutes = globex_bars("2024-01-07 17:00", "2024-02-02 16:00")
    fives = globex_bars("2024-02-04 17:00", "2024-03-01 16:00", "5min")
    found, note = noted_clock(minutes.append(fives))
    assert f"row {len(minutes)} ({fives[0]})" in note and "steps of 5 minutes" in note
    assert "pass periods_per_year=" in note and "resample" in note
    assert found.notes and "spacing irregular" in found.describe()


def test_off_grid_stamps_are_noted():
    times = globex_bars("2024-01-07 17:00", "2024-01-19 16:00")
    jitter = pd.to_timedelta(np.where(np.arange(len(times)) % 20 == 7, 17, 0), unit="s")
    found, note = noted_clock(times + jitter)
    assert "not a whole number of 1-minute bars" in note and f"row 7 ({times[7] + pd.Timedelta(seconds=17)})" in note
    assert found.spacing == pd.Timedelta(minutes=1)


def test_daily_bars_stamped_two_ways_are_noted():
    days = pd.bdate_range("2024-01-01", periods=60)
    mixed = days.where(np.arange(60) < 30, days + pd.Timedelta(hours=16))
    _, note = noted_clock(mixed)
    assert f"row 30 ({mixed[30]})" in note and "stamp every bar the same way" in note


def test_daily_turning_weekly_and_two_bars_a_day_are_noted():
    daily = pd.bdate_range("2020-01-01", periods=200)
    weekly = pd.date_range(daily[-1] + pd.Timedelta(days=7), periods=40, freq="7D")
    _, note = noted_clock(daily.append(weekly))
    assert "longer than 5 days" in note and f"row 200 ({weekly[0]})" in note
    doubled = daily.append(pd.DatetimeIndex([daily[-1] + pd.Timedelta(hours=6)]))
    _, note = noted_clock(doubled)
    assert "more than one bar in a day" in note and "row 200" in note


def test_a_given_periods_per_year_overrides_and_silences_the_note():
    minutes = globex_bars("2024-01-07 17:00", "2024-02-02 16:00")
    fives = globex_bars("2024-02-04 17:00", "2024-03-01 16:00", "5min")
    found = quiet_clock(minutes.append(fives), periods_per_year=200_000)
    assert found.periods_per_year == 200_000 and found.given and found.notes
    assert "(periods_per_year given)" in found.describe()


def test_a_spacing_of_no_known_kind_is_refused_unless_periods_are_given():
    every_other_day = pd.date_range("2024-01-01", periods=100, freq="2D")
    with pytest.raises(ValueError, match="2 days apart.*pass periods_per_year="):
        bar_clock(every_other_day)
    found = quiet_clock(every_other_day, periods_per_year=182.5)
    assert (found.kind, found.periods_per_year) == ("other", 182.5)
    assert found.describe() == "bars every 2 days (median step), 182 a year (periods_per_year given)"


def test_one_bar_has_no_spacing():
    one = bar_clock(pd.DatetimeIndex(["2024-01-02"]))  # no warning: nothing is annualized over one bar
    assert (one.spacing, one.kind, one.given) == (pd.Timedelta(0), "other", False) and "single bar" in one.notes[0]
    assert one.describe().startswith("a single bar, 252 a year; ")
    assert quiet_clock(pd.DatetimeIndex(["2024-01-02"]), periods_per_year=252).periods_per_year == 252


# -- input -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("times", "error", "match"),
    [
        (pd.DatetimeIndex(["2024-01-02", "2024-01-02", "2024-01-03"]), ValueError, "duplicate timestamp at row 1"),
        (pd.DatetimeIndex(["2024-01-03", "2024-01-02"]), ValueError, "out-of-order timestamp at row 1"),
        (pd.Series(["2024-01-02", "2024-01-03"]), TypeError, "must hold datetimes"),
        (pd.DatetimeIndex(["2024-01-02", None]), ValueError, "missing value"),
        ("2024-01-02", TypeError, "sequence of datetimes"),
        (pd.DatetimeIndex([]), ValueError, "empty"),
    ],
)
def test_bad_timestamps_are_refused_with_the_row(times, error, match):
    with pytest.raises(error, match=match):
        bar_clock(times)


def test_a_frame_works_and_is_not_modified():
    frame = pd.DataFrame({"timestamp": pd.bdate_range("2024-01-01", periods=30), "futures_price": 1.0})
    before = frame.copy()
    assert quiet_clock(frame).periods_per_year == 252
    bar_moments(frame)
    pd.testing.assert_frame_equal(frame, before)


def test_the_stamps_keep_their_unit_so_long_synthetic_series_work():
    """100,000 business days run past 2262, the last date nanoseconds can hold; the clock reads the stamps
    in their own unit (microseconds here) and steps in nanoseconds."""
    days = pd.bdate_range("2000-01-03", periods=100_000, unit="us")
    assert days[-1].year > 2262
    assert quiet_clock(days).periods_per_year == 252 and bar_moments(days)[-1] == days[-1] + pd.Timedelta(hours=15)
    assert calendar_span(days, 5) == pd.Timedelta(days=7)


def test_tz_aware_stamps_are_read_in_exchange_time():
    local = globex_bars("2024-01-07 17:00", "2024-02-02 16:00")
    utc = local.tz_localize(clock.EXCHANGE_TZ).tz_convert("UTC")
    assert quiet_clock(utc) == quiet_clock(local)
    pd.testing.assert_index_equal(clock.exchange_times(utc), local)


# -- moments, sessions, windows ----------------------------------------------------------------------------

def test_a_date_only_stamp_is_that_day_s_3pm_close_and_a_timed_stamp_is_itself():
    days = pd.bdate_range("2024-03-11", periods=5)
    assert list(bar_moments(days)) == list(days + pd.Timedelta(hours=15))
    timed = pd.DatetimeIndex(["2024-03-15 08:29", "2024-03-15 08:30"])
    assert list(bar_moments(timed)) == list(timed)
    assert clock.is_date_only(days) and not clock.is_date_only(timed)


def test_sunday_evening_belongs_to_monday_s_session():
    times = pd.DatetimeIndex(["2024-03-08 15:59", "2024-03-10 17:01", "2024-03-11 15:59", "2024-03-11 17:01"])
    assert list(trade_dates(times)) == list(pd.DatetimeIndex(["2024-03-08", "2024-03-11", "2024-03-11", "2024-03-12"]))


def test_calendar_span_and_window_text():
    days = pd.bdate_range("2024-01-01", periods=250)
    assert calendar_span(days, 5) == pd.Timedelta(days=7)
    assert calendar_span(days, 300) is None
    daily = quiet_clock(days)
    assert daily.window_text(10, calendar_span(days, 10)) == "10 bars = 10 trading days (typically 14 days of calendar time)"
    minutes = globex_bars("2024-01-07 17:00", "2024-02-02 16:00")
    intraday = quiet_clock(minutes)
    assert calendar_span(minutes, 30) == pd.Timedelta(minutes=30) and intraday.span(30) == pd.Timedelta(minutes=30)
    assert intraday.window_text(30) == "30 bars = 30 minutes of trading"
    assert intraday.window_text(2760) == "2,760 bars = 1.9 days of trading, 2.0 sessions"
    weekly = quiet_clock(pd.date_range("2010-01-08", periods=60, freq="W-FRI"))
    assert weekly.window_text(10) == "10 bars = 10 weeks"
    with pytest.raises(ValueError, match="bars"):
        intraday.window_text(0)


def test_as_dict_is_plain_json():
    found = quiet_clock(globex_bars("2024-01-07 17:00", "2024-02-02 16:00"))
    text = json.dumps(found.as_dict())
    assert json.loads(text)["periods_per_year"] == 347_760 and "1-minute bars" in text


@given(st.integers(0, 3000), st.integers(40, 400), st.sampled_from(["1min", "5min", "15min", "30min", "1h"]))
def test_any_stretch_of_regular_globex_bars_measures_its_own_spacing(offset_days, days, step):
    start = pd.Timestamp("2012-01-01 17:00") + pd.Timedelta(days=offset_days)
    times = globex_bars(str(start), str(start + pd.Timedelta(days=days)), step)
    found = quiet_clock(times)
    per_session = SESSION_HOURS * pd.Timedelta(hours=1) / pd.Timedelta(step)
    assert found.spacing == pd.Timedelta(step) and found.bars_per_session == pytest.approx(per_session)
    assert found.periods_per_year == pytest.approx(per_session * 252)
