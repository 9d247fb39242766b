"""The memo of what timestamps alone decide (mesbook.engine.bar_memo): keys, bounds, read-only values, and
the engine's and the signal path's use of it giving what a fresh computation gives."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mesbook.data.release import FixedDelay, NextBusinessDay, ReleasedColumn
from mesbook.engine import bar_memo
from mesbook.engine.backtest import _expiry_schedule
from mesbook.engine.prepared import PreparedMarket
from mesbook.engine.bar_memo import BarMemo, times_key
from mesbook.engine.decisions import SignalCache, known_oi
from mesbook.engine.settings import ARTICLE, REALISTIC

START = pd.Timestamp("2024-03-04")  # a Monday; Friday 15 March 2024 is a quarterly expiry


def stamps(moved: bool = False) -> pd.DatetimeIndex:
    """30 business days from START; ``moved`` puts Friday 8 March on Saturday 9 March and Monday 11 March on
    Sunday 10 March: the same first and last stamp and length, the first quarterly expiry at least 7 days
    after the moved Friday is June, not March, and the Sunday bar knows less OI the next morning."""
    times = pd.bdate_range(START, periods=30)
    if moved:
        times = times.where(times != "2024-03-08", pd.Timestamp("2024-03-09"))
        times = times.where(times != "2024-03-11", pd.Timestamp("2024-03-10"))
    return times


def frame(times: pd.DatetimeIndex) -> pd.DataFrame:
    oi = 20_000.0 + np.arange(len(times)) * np.r_[1.0, -1.0][np.arange(len(times)) % 2]
    return pd.DataFrame({"timestamp": times, "futures_price": 4000.0 + np.arange(len(times)), "open_interest": oi})


@pytest.fixture(autouse=True)
def empty_memo():
    bar_memo.clear()
    yield
    bar_memo.clear()


def test_the_key_is_the_content_of_the_stamps():
    a, b = stamps(), stamps(moved=True)
    assert (a[0], a[-1], len(a)) == (b[0], b[-1], len(b))  # what a range key would see: the same
    assert times_key(a) == times_key(pd.DatetimeIndex(list(a)))  # equal content, another object: one entry
    assert times_key(a) == times_key(pd.Series(a))
    assert times_key(a) != times_key(b)
    assert times_key(a) != times_key(a.as_unit("s"))  # the unit is part of it
    assert times_key(a) != times_key(a.tz_localize("UTC"))  # so is the zone
    assert times_key(a.astype(str)) is None and times_key(list(a)) is None  # not datetimes: not memoized


def test_the_memo_is_bounded_read_only_and_computes_once_per_key():
    memo, calls = BarMemo(size=2), []

    def compute(value):
        return lambda: calls.append(value) or np.array([value])

    first = memo.get(("a",), compute(1))
    assert not first.flags.writeable
    with pytest.raises(ValueError):
        first[0] = 5
    assert memo.get(("a",), compute(99))[0] == 1 and calls == [1]  # a hit does not compute
    memo.get(("b",), compute(2))
    memo.get(("c",), compute(3))  # the least recently used, ("a",), is dropped
    assert len(memo) == 2
    assert memo.get(("a",), compute(4))[0] == 4 and calls == [1, 2, 3, 4]
    memo.get(None, compute(5)), memo.get(None, compute(6))  # no key: computed every time, never kept
    assert calls[-2:] == [5, 6] and len(memo) == 2


def fresh_schedule(times: pd.DatetimeIndex) -> tuple[np.ndarray, np.ndarray]:
    bar_memo.clear()
    return _expiry_schedule(PreparedMarket(frame(times)).arrays(REALISTIC, 252.0), 7, "quarterly")


def test_a_changed_stamp_gets_its_own_expiry_schedule():
    b_fresh = fresh_schedule(stamps(moved=True))
    a_fresh = fresh_schedule(stamps())
    # a warmed by a, then b: b's own schedule, not a's (same first, last and length)
    a_memo = _expiry_schedule(PreparedMarket(frame(stamps())).arrays(REALISTIC, 252.0), 7, "quarterly")
    b_memo = _expiry_schedule(PreparedMarket(frame(stamps(moved=True))).arrays(REALISTIC, 252.0), 7, "quarterly")
    assert not np.array_equal(a_fresh[0], b_fresh[0])  # the moved bar buys June, not March
    for got, want in zip(a_memo + b_memo, a_fresh + b_fresh):
        np.testing.assert_array_equal(got, want)
    # the cycle and the days are in the key too
    weekly = _expiry_schedule(PreparedMarket(frame(stamps())).arrays(REALISTIC, 252.0), 7, "weekly")
    assert not np.array_equal(weekly[0], a_fresh[0])
    assert not np.array_equal(_expiry_schedule(PreparedMarket(frame(stamps())).arrays(REALISTIC, 252.0), 0, "quarterly")[0],
                              a_fresh[0])


def fresh_known(times: pd.DatetimeIndex, rule) -> pd.Series:
    bar_memo.clear()
    data = frame(times)
    return known_oi(data["open_interest"], rule, data["timestamp"], data)


@pytest.mark.parametrize("rule", [FixedDelay(pd.Timedelta(hours=30)), NextBusinessDay()])
def test_a_changed_stamp_gets_its_own_release_sources(rule):
    a_fresh, b_fresh = fresh_known(stamps(), rule), fresh_known(stamps(moved=True), rule)
    assert not a_fresh.equals(b_fresh)
    data_a, data_b = frame(stamps()), frame(stamps(moved=True))
    pd.testing.assert_series_equal(known_oi(data_a["open_interest"], rule, data_a["timestamp"]), a_fresh)
    pd.testing.assert_series_equal(known_oi(data_b["open_interest"], rule, data_b["timestamp"]), b_fresh)
    other_rule = FixedDelay(pd.Timedelta(hours=80))
    assert not known_oi(data_a["open_interest"], other_rule, data_a["timestamp"]).equals(a_fresh)
    shifted = data_a["open_interest"] + 1.0  # new OI on the same stamps: the values follow the OI
    pd.testing.assert_series_equal(known_oi(shifted, rule, data_a["timestamp"]), a_fresh + 1.0)


def test_a_rule_that_reads_the_table_is_not_memoized():
    data = frame(stamps())
    early = data.assign(released=data["timestamp"] + pd.Timedelta(hours=20))
    late = data.assign(released=data["timestamp"] + pd.Timedelta(days=3))
    rule = ReleasedColumn("released")
    first = known_oi(early["open_interest"], rule, early["timestamp"], early)
    second = known_oi(late["open_interest"], rule, late["timestamp"], late)
    assert first.notna().sum() > second.notna().sum()


@pytest.mark.parametrize("roll", [pd.Timedelta(days=7), 3])
def test_a_changed_stamp_gets_its_own_roll_window(roll):
    settings = ARTICLE.replace(roll_filter=roll)

    def blocked(times):
        data = frame(times)
        return SignalCache(data["open_interest"], settings, data["timestamp"])._blocked

    late = stamps() + pd.Timedelta(days=1)  # every bar a day later: the window moves by a bar
    want_a, want_late = blocked(stamps()), (bar_memo.clear(), blocked(late))[1]
    bar_memo.clear()
    assert not np.array_equal(want_a, want_late)
    assert np.array_equal(blocked(stamps()), want_a) and np.array_equal(blocked(late), want_late)
    assert not blocked(stamps()).flags.writeable


def test_a_run_clock_is_memoized_on_the_stamps_and_a_warning_clock_is_not():
    import warnings

    from mesbook.clock import ClockNote, bar_clock
    from mesbook.engine.bar_memo import clock_of
    daily, weekly = pd.Series(stamps()), pd.Series(pd.date_range(START, periods=30, freq="W-FRI"))
    assert clock_of(daily) == bar_clock(daily) and clock_of(daily).periods_per_year == 252
    assert clock_of(weekly) == bar_clock(weekly) and clock_of(weekly).periods_per_year == 52
    assert clock_of(daily, 100.0).periods_per_year == 100.0 and clock_of(daily).periods_per_year == 252
    # daily bars half stamped at midnight, half at 16:00: a clock that warns, on every call
    days = pd.bdate_range("2024-01-01", periods=60)
    gapped = pd.Series(days.where(np.arange(60) < 30, days + pd.Timedelta(hours=16)))
    for _ in range(2):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            assert clock_of(gapped) == bar_clock(gapped)
        assert sum(issubclass(w.category, ClockNote) for w in caught) == 2  # ours and bar_clock's


def test_the_memo_is_bounded_in_bytes():
    memo = BarMemo(size=100, max_bytes=3 * 8 * 10)  # three arrays of ten float64
    for key in range(5):
        memo.get((key,), lambda: np.zeros(10))
    assert len(memo) == 3 and memo.nbytes == 240
    big = memo.get(("big",), lambda: np.zeros(100))  # larger than the memo: returned, not kept
    assert len(big) == 100 and ("big",) not in memo._store and memo.nbytes == 240
    memo.get((7,), lambda: (np.zeros(10), np.zeros(10)))  # a pair counts both arrays
    assert len(memo) == 2 and memo.nbytes == 240
    memo.clear()
    assert len(memo) == 0 and memo.nbytes == 0
