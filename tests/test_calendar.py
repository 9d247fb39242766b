"""Tests of the MES contract calendar."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from mesbook.options import calendar as cal


@pytest.mark.parametrize(
    ("year", "month", "expected"),
    [
        (2023, 3, "2023-03-17"),
        (2023, 6, "2023-06-16"),
        (2023, 9, "2023-09-15"),  # 1 September 2023 was a Friday: the earliest possible third Friday
        (2023, 12, "2023-12-15"),
        (2024, 3, "2024-03-15"),  # 1 March 2024 was a Friday too
        (2023, 4, "2023-04-21"),  # 1 April 2023 was a Saturday: the latest possible third Friday
        (2022, 10, "2022-10-21"),  # 1 October 2022 was a Saturday
        (2024, 6, "2024-06-21"),  # 1 June 2024 was a Saturday
    ],
)
def test_third_friday_known_dates(year: int, month: int, expected: str) -> None:
    assert cal.third_friday(year, month) == pd.Timestamp(expected)


@given(st.integers(1990, 2100), st.integers(1, 12))
@settings(max_examples=200, deadline=None)
def test_third_friday_is_a_friday_between_15_and_21(year: int, month: int) -> None:
    day = cal.third_friday(year, month)
    assert day.day_of_week == 4 and 15 <= day.day <= 21 and (day.year, day.month) == (year, month)


@pytest.mark.parametrize(
    ("args", "error"),
    [
        ((2023, 13), ValueError),
        ((2023, 0), ValueError),
        ((2023.0, 3), TypeError),
        ((2023, "3"), TypeError),
        ((True, 3), TypeError),
    ],
)
def test_third_friday_rejects_bad_input(args: tuple, error: type) -> None:
    with pytest.raises(error, match="year|month"):
        cal.third_friday(*args)


def test_quarterly_expiries_2023() -> None:
    got = cal.option_expiries("2023-01-01", "2023-12-31")
    assert list(got) == [pd.Timestamp(d) for d in ("2023-03-17", "2023-06-16", "2023-09-15", "2023-12-15")]


def test_expiry_cycles_nest_and_are_fridays() -> None:
    quarterly = cal.option_expiries("2020-01-01", "2025-12-31", "quarterly")
    monthly = cal.option_expiries("2020-01-01", "2025-12-31", "monthly")
    weekly = cal.option_expiries("2020-01-01", "2025-12-31", "weekly")
    assert len(quarterly) == 24 and len(monthly) == 72
    assert quarterly.isin(monthly).all() and monthly.isin(weekly).all()
    for index in (quarterly, monthly, weekly):
        assert (index.day_of_week == 4).all() and index.is_monotonic_increasing and index.is_unique
    assert (np.diff(weekly.to_numpy()) == np.timedelta64(7, "D")).all()


def test_expiry_range_includes_both_ends_and_can_be_empty() -> None:
    both_ends = cal.option_expiries("2023-03-17", "2023-06-16")
    assert list(both_ends) == [pd.Timestamp("2023-03-17"), pd.Timestamp("2023-06-16")]
    assert len(cal.option_expiries("2023-03-18", "2023-06-15")) == 0


def test_unknown_cycle_lists_the_allowed_ones() -> None:
    with pytest.raises(ValueError, match="quarterly.*monthly.*weekly"):
        cal.option_expiries("2023-01-01", "2023-12-31", cycle="daily")


@pytest.mark.parametrize(
    ("start", "end", "error"),
    [
        ("2024-01-01", "2023-01-01", ValueError),
        ("not a date", "2023-01-01", ValueError),
        (20230101, "2024-01-01", TypeError),
    ],
)
def test_option_expiries_rejects_bad_dates(start: object, end: object, error: type) -> None:
    with pytest.raises(error, match="start|end"):
        cal.option_expiries(start, end)


@pytest.mark.parametrize("cycle", cal.CYCLES)
@pytest.mark.parametrize("min_days", [0, 1, 7, 30])
def test_select_expiry_is_the_first_far_enough(cycle: str, min_days: int) -> None:
    stamps = pd.date_range("2022-12-01", "2024-02-01", freq="D") + pd.Timedelta(hours=15)
    chosen = cal.select_expiry(stamps, min_days=min_days, cycle=cycle)
    days = cal.days_to_expiry(stamps, chosen)
    assert len(chosen) == len(stamps)
    assert (days >= min_days).all()
    every = cal.option_expiries("2022-12-01", "2024-06-30", cycle)
    assert chosen.isin(every).all()
    # No listed expiry lies between the minimum date and the chosen one: it is the first eligible.
    earliest = stamps.normalize() + pd.Timedelta(days=min_days)
    assert (every.searchsorted(earliest, side="left") == every.searchsorted(chosen, side="left")).all()


def test_select_expiry_around_an_expiry() -> None:
    stamps = pd.to_datetime(["2023-03-09", "2023-03-10", "2023-03-11", "2023-03-17"])
    got = cal.select_expiry(stamps, min_days=7)
    assert list(got) == [pd.Timestamp(d) for d in ("2023-03-17", "2023-03-17", "2023-06-16", "2023-06-16")]
    assert cal.select_expiry(stamps[-1:], min_days=0)[0] == pd.Timestamp("2023-03-17")


def test_select_expiry_accepts_series_and_empty_input_and_keeps_order() -> None:
    frame = pd.DataFrame({"timestamp": pd.to_datetime(["2023-12-10", "2023-01-02"])})
    got = cal.select_expiry(frame["timestamp"])
    assert list(got) == [pd.Timestamp("2024-03-15"), pd.Timestamp("2023-03-17")]
    assert len(cal.select_expiry([])) == 0


@pytest.mark.parametrize(
    ("timestamps", "kwargs", "error"),
    [
        ("2023-01-01", {}, TypeError),
        ([1, 2, 3], {}, TypeError),
        (["2023-01-01", None], {}, ValueError),
        (["2023-01-01", "soon"], {}, ValueError),
        (pd.date_range("2023-01-01", periods=3, tz="UTC"), {}, ValueError),
        (["2023-01-01"], {"min_days": -1}, ValueError),
        (["2023-01-01"], {"min_days": 1.5}, TypeError),
        (["2023-01-01"], {"cycle": "yearly"}, ValueError),
    ],
)
def test_select_expiry_rejects_bad_input(timestamps: object, kwargs: dict, error: type) -> None:
    with pytest.raises(error, match="timestamps|min_days|cycle"):
        cal.select_expiry(timestamps, **kwargs)


def test_days_and_years_to_expiry() -> None:
    stamps = pd.to_datetime(["2023-03-01 00:00", "2023-03-17 10:30", "2023-03-20 23:59"])
    days = cal.days_to_expiry(stamps, "2023-03-17")
    assert days.dtype == np.int64 and list(days) == [16, 0, 0]  # a past expiry counts as 0, never negative
    np.testing.assert_array_equal(cal.years_to_expiry(stamps, "2023-03-17"), days / 365.0)
    aligned = cal.days_to_expiry(stamps, pd.to_datetime(["2023-03-02", "2023-06-16", "2023-06-16"]))
    assert list(aligned) == [1, 91, 88]


def test_days_to_expiry_length_mismatch() -> None:
    with pytest.raises(ValueError, match="expiries has 2 values but timestamps has 3"):
        cal.days_to_expiry(pd.date_range("2023-01-02", periods=3), ["2023-03-17", "2023-06-16"])


def test_roll_dates_are_thursdays_eight_days_before_expiry() -> None:
    rolls = cal.roll_dates("2021-01-01", "2024-12-31")
    expiries = cal.option_expiries("2021-01-01", "2024-12-31")
    assert len(rolls) == 16 and (rolls.day_of_week == 3).all()
    assert (expiries - rolls == pd.Timedelta(days=8)).all()
    assert list(cal.roll_dates("2023-01-01", "2023-06-30")) == [pd.Timestamp("2023-03-09"), pd.Timestamp("2023-06-08")]
    with pytest.raises(ValueError, match="days_before"):
        cal.roll_dates("2023-01-01", "2023-12-31", days_before=-1)


def test_front_contract_switches_on_the_roll_date() -> None:
    stamps = pd.to_datetime(["2023-03-08", "2023-03-09", "2023-03-17", "2023-12-06", "2023-12-07"])
    front = cal.front_contract(stamps)
    expected = ("2023-03-17", "2023-06-16", "2023-06-16", "2023-12-15", "2024-03-15")
    assert list(front) == [pd.Timestamp(d) for d in expected]
    assert list(cal.contract_code(front)) == ["MESH3", "MESM3", "MESM3", "MESZ3", "MESH4"]
    assert list(cal.contract_code(["2029-09-21"], root="ES")) == ["ESU9"]


def test_years_to_expiry_decreases_between_rolls() -> None:
    stamps = pd.date_range("2022-01-03", "2024-12-31", freq="B")
    front = cal.front_contract(stamps)
    years = cal.years_to_expiry(stamps, front)
    same_contract = front[1:] == front[:-1]
    steps = np.diff(years)
    assert (steps[same_contract] < 0).all()  # time runs out while a contract is the front one
    assert (steps[~same_contract] > 0).all()  # and jumps back up at each roll
    assert (~same_contract).sum() == len(cal.roll_dates(stamps[1], stamps[-1]))
    assert years.min() >= 9 / 365  # the front contract never gets closer than the roll distance + 1


def test_inputs_are_not_modified() -> None:
    stamps = pd.Series(pd.to_datetime(["2023-03-08 12:00", "2023-03-09 09:00"]))
    before = stamps.copy()
    cal.select_expiry(stamps)
    cal.days_to_expiry(stamps, "2023-03-17")
    cal.front_contract(stamps)
    pd.testing.assert_series_equal(stamps, before)


def test_roll_window_mask_marks_the_bars_after_each_quarterly_expiry():
    from mesbook.options.calendar import roll_window_mask

    # Business days 11 March – 26 March 2024: the expiry is Friday 15 March (bar 4).
    times = pd.bdate_range("2024-03-11", periods=12)
    np.testing.assert_array_equal(np.flatnonzero(roll_window_mask(times, 3)), [5, 6, 7])
    np.testing.assert_array_equal(np.flatnonzero(roll_window_mask(times, 20)), np.arange(5, 12))  # cut at the end
    assert not roll_window_mask(pd.bdate_range("2024-04-01", periods=30), 3).any()  # no expiry in April


# -- expiry moments, time to expiry and the roll window in time ------------------------------------------
# Moments from CME's MES options contract specs: quarterly options (product 8933) stop trading at 8:30 a.m. CT
# on the third Friday, weekly and week-3 options (product 8931) at 3:00 p.m. CT on their Friday
# (https://www.cmegroup.com/trading/equity-index/us-index/micro-e-mini-sandp-500_contractSpecs_options.html).

def test_expiry_moments_per_cycle() -> None:
    assert list(cal.expiry_moments("2023-01-01", "2023-06-30")) == [pd.Timestamp("2023-03-17 08:30"),
                                                                     pd.Timestamp("2023-06-16 08:30")]
    assert cal.expiry_moment("2023-04-21", "monthly")[0] == pd.Timestamp("2023-04-21 15:00")
    assert list(cal.expiry_moments("2023-03-01", "2023-03-10", "weekly")) == [pd.Timestamp("2023-03-03 15:00"),
                                                                              pd.Timestamp("2023-03-10 15:00")]
    with pytest.raises(ValueError, match="cycle"):
        cal.expiry_moment("2023-03-17", "daily")


def test_time_to_expiry_is_exact_intraday_and_whole_days_on_date_only_bars() -> None:
    timed = ["2023-03-16 15:00", "2023-03-17 08:29", "2023-03-17 08:30", "2023-03-17 09:00"]
    got = cal.time_to_expiry(timed, "2023-03-17")
    assert list(got) == [pd.Timedelta(hours=17, minutes=30), pd.Timedelta(minutes=1), pd.Timedelta(0), pd.Timedelta(0)]
    assert cal.time_to_expiry(["2023-03-10 15:00"], "2023-03-10", "weekly")[0] == pd.Timedelta(0)
    days = pd.bdate_range("2023-01-02", periods=120)
    front = cal.select_expiry(days, min_days=7)
    pd.testing.assert_index_equal(cal.time_to_expiry(days, front),
                                  pd.to_timedelta(cal.days_to_expiry(days, front), unit="D"), exact=False)


@given(st.integers(0, 40), st.integers(0, 3000), st.sampled_from(cal.CYCLES))
@settings(max_examples=80, deadline=None)
def test_first_expiry_after_on_date_only_bars_is_select_expiry(min_days: int, offset: int, cycle: str) -> None:
    days = pd.bdate_range(pd.Timestamp("2012-01-02") + pd.Timedelta(days=offset), periods=90)
    pd.testing.assert_index_equal(cal.first_expiry_after(days, pd.Timedelta(days=min_days), cycle),
                                  cal.select_expiry(days, min_days, cycle), check_exact=True, exact=False)


def test_first_expiry_after_intraday_counts_from_the_moment() -> None:
    times = pd.DatetimeIndex(["2023-03-03 08:29", "2023-03-03 08:30", "2023-03-03 08:31"])
    got = cal.first_expiry_after(times, pd.Timedelta(days=14))
    assert [str(d.date()) for d in got] == ["2023-03-17", "2023-03-17", "2023-06-16"]
    weekly = cal.first_expiry_after(pd.DatetimeIndex(["2023-03-10 14:59", "2023-03-10 15:01"]), pd.Timedelta(0), "weekly")
    assert [str(d.date()) for d in weekly] == ["2023-03-10", "2023-03-17"]


def test_settlement_bar_is_the_one_in_which_the_expiry_falls() -> None:
    days = pd.bdate_range("2023-03-13", periods=10)
    np.testing.assert_array_equal(cal.settlement_bars(days, ["2023-03-17", "2023-03-24", "2023-06-16"], "weekly"),
                                  [4, 9, -1])
    # The same daily closes stamped at 16:00 CT settle the weekly option on the same Friday, not Thursday
    np.testing.assert_array_equal(cal.settlement_bars(days + pd.Timedelta(hours=16), ["2023-03-17"], "weekly"), [4])
    hours = pd.date_range("2023-03-17 07:00", periods=4, freq="h")  # closes 07:00, 08:00, 09:00, 10:00
    assert cal.settlement_bars(hours, "2023-03-17")[0] == 2  # the 09:00 bar holds 8:30
    assert cal.settlement_bars(hours, "2023-03-17", "weekly")[0] == -1  # the data end before 15:00
    assert cal.settlement_bars(pd.DatetimeIndex(["2023-03-17 08:30"]), "2023-03-17")[0] == 0


def test_roll_window_in_time_marks_the_bars_that_open_after_the_expiry_moment() -> None:
    minutes = pd.date_range("2024-03-15 08:28", "2024-03-22 08:32", freq="1min")
    window = cal.roll_window(minutes, pd.Timedelta(days=7))
    blocked = minutes[window]
    assert blocked[0] == pd.Timestamp("2024-03-15 08:31") and blocked[-1] == pd.Timestamp("2024-03-22 08:30")
    assert window.sum() == 7 * 24 * 60
    hours = pd.date_range("2024-03-15 07:00", periods=6, freq="h")  # closes 07:00 ... 12:00
    assert cal.roll_window(hours, pd.Timedelta(hours=2)).tolist() == [False, False, False, True, True, False]


def test_roll_window_of_a_week_is_the_book_s_five_bar_mask_on_business_days() -> None:
    from mesbook import simulate_market_data
    from mesbook.data.synthetic import simulate_realistic_market

    for frame in (simulate_market_data(500, seed=7), simulate_market_data(750, seed=11),
                  simulate_realistic_market(750, seed=3)):
        times = pd.DatetimeIndex(frame["timestamp"])
        np.testing.assert_array_equal(cal.roll_window(times, pd.Timedelta(days=7)), cal.roll_window_mask(times, 5))


@given(st.integers(0, 5000), st.integers(2, 400))
@example(263, 2)  # data starting on the Friday a week after an expiry: that Friday is the window's fifth bar
@settings(max_examples=80, deadline=None)
def test_roll_window_equals_the_mask_on_any_business_day_stretch(offset: int, length: int) -> None:
    """Equal from the first bar on, except when the data start less than a week after an expiry: the
    window in time still covers those first bars, the bar-count mask cannot see an expiry before the data.
    A first bar dated a week after the expiry (Friday to Friday) is inside: it opens before its close."""
    times = pd.bdate_range(pd.Timestamp("2005-01-03") + pd.Timedelta(days=offset), periods=length)
    window, mask = cal.roll_window(times, pd.Timedelta(days=7)), cal.roll_window_mask(times, 5)
    before = cal.option_expiries(times[0] - pd.Timedelta(days=100), times[0])
    inherited = len(before) and before[-1] < times[0] and times[0] - before[-1] <= pd.Timedelta(days=7)
    # the inherited window ends at its first unmarked bar (or covers all of a short stretch)
    start = (int(np.argmin(window)) if not window.all() else len(window)) if inherited else 0
    np.testing.assert_array_equal(window[start:], mask[start:])
    if inherited:
        assert window[0] and not mask[0]


def test_roll_window_on_gapped_days_is_time_not_bars() -> None:
    """Monday after the 2024-03-15 expiry missing: a week still ends on Friday 22 March (4 bars), where the
    bar-count mask reaches Monday 25 March."""
    days = pd.bdate_range("2024-03-11", periods=15).delete(5)
    assert [str(d.date()) for d in days[cal.roll_window(days, pd.Timedelta(days=7))]] == [
        "2024-03-19", "2024-03-20", "2024-03-21", "2024-03-22"]
    assert days[cal.roll_window_mask(days, 5)][-1] == pd.Timestamp("2024-03-25")


@pytest.mark.parametrize("duration", [5, pd.Timedelta(0), pd.Timedelta(days=-1), "7D"])
def test_roll_window_refuses_what_is_no_positive_duration(duration) -> None:
    with pytest.raises((TypeError, ValueError), match="duration"):
        cal.roll_window(pd.bdate_range("2024-03-11", periods=5), duration)


@pytest.mark.parametrize("unit", ["s", "ms", "us", "ns"])
def test_moment_functions_do_not_depend_on_the_stamps_unit(unit: str) -> None:
    """Pandas keeps datetimes in s, ms, us or ns; comparing raw integers of two units would be off by
    1,000s. Bars and expiries in any unit give the same answers."""
    hours = pd.date_range("2024-03-15 07:00", periods=30, freq="h").as_unit(unit)
    expiry = pd.DatetimeIndex(["2024-03-15"]).as_unit("ns" if unit != "ns" else "s")
    assert cal.settlement_bars(hours, expiry)[0] == 2
    assert cal.roll_window(hours, pd.Timedelta(hours=2)).tolist()[:6] == [False, False, False, True, True, False]
    assert cal.time_to_expiry(hours[:1], expiry)[0] == pd.Timedelta(hours=1, minutes=30)


@pytest.mark.parametrize("cycle", cal.CYCLES)
@pytest.mark.parametrize("start, end", [
    ("2023-01-01", "2023-12-31"), ("2023-03-17", "2023-03-17"), ("2023-01-02", "2023-01-05"),
    (pd.Timestamp("2021-06-18 09:00"), pd.Timestamp("2025-02-01").as_unit("s")),
    (pd.Timestamp("2020-01-01").as_unit("ns"), "2020-06-30"),
])
def test_option_expiries_cut_from_the_yearly_grid_are_what_the_range_alone_gives(cycle, start, end):
    """option_expiries slices a grid kept per range of years: values, dtype, name and frequency unchanged."""
    first, last = cal._date_range(start, end)
    direct = cal._expiries_between(first, last, cycle)
    got = cal.option_expiries(start, end, cycle)
    pd.testing.assert_index_equal(got, direct, exact=True)
    assert (got.dtype, got.name, got.freq) == (direct.dtype, direct.name, direct.freq)
