"""Tests of the MES contract calendar."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
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
