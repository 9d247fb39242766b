"""load_market_data: timestamps written as text (missing values, numbers among dates, UTC offsets, guessed
day/month formats, ``date_format=``, ``tz=``, sub-microsecond times).

Hand-built files with known answers: each loads to the exact timestamps (and says what it changed in its
DataNote) or is refused naming column 'timestamp', the first bad file line (the header is line 1) and the
fix. Complements tests/test_loader.py; written to kill the mutants of ``_timestamps``,
``_parse_text_dates``, ``_day_month_readings`` and ``_localize`` that survived it.
"""
from __future__ import annotations

import re
import sys

import pandas as pd
import pytest

from mesbook import load_market_data
import loader_support as support

H = "timestamp,futures_price,open_interest\n"


def csv(stamps) -> str:
    return H + "".join(f"{stamp},{4000 + i},{20000 + i}\n" for i, stamp in enumerate(stamps))


def load(stamps, **kwargs):
    """Load a file of these timestamps; return (frame, the DataNote text or '')."""
    return support.load(csv(stamps), **kwargs)


def refused(stamps, **kwargs) -> str:
    return support.refused(csv(stamps), **kwargs)


def times(*values) -> list:
    return pd.to_datetime(list(values)).tolist()


# -- refusals of _timestamps -------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["NaN", "N/A", "null", "NaT"])
def test_a_missing_timestamp_is_refused_at_its_line(value):
    message = refused(["2024-01-02", "2024-01-03", value, "2024-01-05"])
    assert message == (f"the buffer line 4, column 'timestamp': missing value {value!r}; "
                       "fill it in or delete that row")


@pytest.mark.parametrize("number", ["20240104", "1704326400", "45295"])
def test_a_number_among_text_dates_is_refused_at_its_line(number):
    message = refused(["2024-01-02", "2024-01-03", number])
    assert message == (f"the buffer line 4, column 'timestamp': a number among dates {number!r}; "
                       "write every timestamp the same way")


def test_a_strftime_format_of_digits_reads_digit_timestamps():
    frame, note = load(["202401021530", "202401021545"], date_format="%Y%m%d%H%M")
    assert frame["timestamp"].tolist() == times("2024-01-02 15:30", "2024-01-02 15:45")
    assert note == ""


def test_an_offset_appearing_part_way_is_refused_at_the_first_line_with_one():
    message = refused(["2024-01-02 10:00", "2024-01-02 11:00", "2024-01-02 12:00+01:00", "2024-01-02 13:00"])
    assert message == ("the buffer line 4, column 'timestamp': a value with a UTC offset, unlike line 2 "
                       "'2024-01-02 12:00+01:00'; write every timestamp with an offset, or none (and pass tz=)")


def test_tz_applies_to_yyyymmdd_dates_and_is_refused_for_unix_times():
    frame, note = load(["20240102", "20240103"], tz="Europe/London")
    assert frame["timestamp"].tolist() == times("2024-01-02", "2024-01-03")
    assert note == ("the buffer: timestamps read as YYYYMMDD dates; daily dates with tz='Europe/London' kept "
                    "as dates")
    message = refused(["1704207600", "1704211200"], tz="UTC")
    assert message == ("the buffer column 'timestamp' holds Unix times, which are UTC by definition; drop tz=")


# -- UTC offsets: the clock time as written decides "daily dates" --------------------------------------------

@pytest.mark.parametrize("offset", ["+01:00", "-05:00", "+0530", "-0930", "Z"])
def test_day_first_daily_dates_with_an_offset_keep_their_date(offset):
    frame, note = load([f"02/01/2024 00:00{offset}", f"03/01/2024 00:00{offset}"], dayfirst=True)
    assert frame["timestamp"].tolist() == times("2024-01-02", "2024-01-03")
    assert note == ("the buffer: dates read as %d/%m/%Y %H:%M%z; daily dates with UTC offsets kept as dates")


def test_day_first_intraday_times_with_offsets_across_dst_convert_to_exchange_time():
    # 10:00 in Chicago on both days: CST (-06:00) before the 2024-03-10 change, CDT (-05:00) after
    frame, note = load(["08/03/2024 10:00-06:00", "11/03/2024 10:00-05:00", "11/03/2024 16:30+00:00"],
                       dayfirst=True)
    assert frame["timestamp"].tolist() == times("2024-03-08 10:00", "2024-03-11 10:00", "2024-03-11 11:30")
    assert note == ("the buffer: dates read as %d/%m/%Y %H:%M%z; converted UTC offsets to exchange time "
                    "America/Chicago (tz-naive)")


def test_a_declared_format_with_mixed_offsets_converts_to_exchange_time():
    frame, note = load(["2024-03-08 10:00-0600", "2024-03-11 10:00-0500"], date_format="%Y-%m-%d %H:%M%z")
    assert frame["timestamp"].tolist() == times("2024-03-08 10:00", "2024-03-11 10:00")
    assert note == "the buffer: converted UTC offsets to exchange time America/Chicago (tz-naive)"


@pytest.mark.parametrize("stamps, fmt, expected", [
    (["13-01-2024", "14-01-2024"], "%d-%m-%Y", ("2024-01-13", "2024-01-14")),
    (["01-13-2024", "01-14-2024"], "%m-%d-%Y", ("2024-01-13", "2024-01-14")),
    (["13-01-2024 10:00", "14-01-2024 10:00"], "%d-%m-%Y %H:%M", ("2024-01-13 10:00", "2024-01-14 10:00")),
])
def test_a_dash_separated_year_at_the_end_is_not_a_utc_offset(stamps, fmt, expected):
    frame, note = load(stamps)  # "-2024" once read as an offset of -20:24, moving every date to 18:00 the day before
    assert frame["timestamp"].tolist() == times(*expected)
    assert note == f"the buffer: dates read as {fmt}"


# -- date_format= and guessed formats ------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["%Q", "%Y-%m-%d %"])
def test_a_date_format_that_is_not_strftime_is_refused_with_examples(fmt):
    message = refused(["2024-01-02", "2024-01-03"], date_format=fmt)
    assert message.startswith(f"date_format={fmt!r} is not a strftime format (")
    assert message.endswith("); pass e.g. '%d/%m/%Y %H:%M' or one of 's', 'ms', 'us', 'ns', 'excel'")


@pytest.mark.parametrize("dayfirst", [None, True, False])
def test_year_first_dates_read_year_month_day_whatever_dayfirst(dayfirst):
    frame, note = load(["2024-01-02 10:00 AM", "2024-01-02 02:30 PM", "2024-02-01 10:00 AM"], dayfirst=dayfirst)
    assert frame["timestamp"].tolist() == times("2024-01-02 10:00", "2024-01-02 14:30", "2024-02-01 10:00")
    assert note == "the buffer: dates read as %Y-%m-%d %I:%M %p"


def test_day_month_order_is_refused_when_both_read_and_settled_by_dayfirst():
    stamps = ["12/01/2024", "01/02/2024", "02/02/2024"]  # 12 January/1 December, 1 February/2 January, ...
    message = refused(stamps)
    assert message == ("the buffer line 2, column 'timestamp': day and month can be read either way in '12/01/2024'; "
                       "pass dayfirst=True (day/month/year) or dayfirst=False (month/day/year), or date_format=")
    frame, note = load(stamps, dayfirst=True)
    assert frame["timestamp"].tolist() == times("2024-01-12", "2024-02-01", "2024-02-02")
    assert note == "the buffer: dates read as %d/%m/%Y"
    frame, note = load(["01/12/2024", "02/01/2024", "02/02/2024"], dayfirst=False)
    assert frame["timestamp"].tolist() == times("2024-01-12", "2024-02-01", "2024-02-02")
    assert note == "the buffer: dates read as %m/%d/%Y"


def test_a_value_not_in_the_declared_format_is_refused_at_its_line():
    message = refused(["02.01.2024", "03.01.2024", "2024-01-04"], date_format="%d.%m.%Y")
    assert message == ("the buffer line 4, column 'timestamp': not a date in date_format='%d.%m.%Y' '2024-01-04'; "
                       "fix that value or pass the matching date_format=")


def test_year_day_month_dates_are_refused_naming_the_line():
    message = refused(["2024.13.01", "2024.14.01"])
    assert message == ("the buffer line 2, column 'timestamp': not a date like line 2 (%Y.%m.%d) '2024.13.01'; "
                       "fix that value, or pass date_format= with the file's format")


def test_a_value_breaking_the_guessed_format_is_refused_at_its_line():
    message = refused(["13/01/2024 10:00", "14/01/2024 10:00", "15/01/2024 25:00"])
    assert message == ("the buffer line 4, column 'timestamp': not a date like line 2 (%d/%m/%Y %H:%M) "
                       "'15/01/2024 25:00'; fix that value, or pass date_format= with the file's format")


def test_text_that_looks_like_no_date_is_refused_with_the_iso_hint():
    message = refused(["2024-01-02", "Q1 2024", "Q2 2024"])
    assert message == ("the buffer line 3, column 'timestamp': not a date like line 2 (%Y-%m-%d) 'Q1 2024'; "
                       "fix that value, or pass date_format= with the file's format")
    message = refused(["Q1 2024", "Q2 2024"])
    assert message == ("the buffer line 2, column 'timestamp': not a date 'Q1 2024'; use ISO dates such as "
                       "2024-03-15 or 2024-03-15 16:00, or pass date_format=")


def test_the_format_is_guessed_from_the_first_200_values():
    start = pd.date_range("2024-01-13", periods=200, freq="h")
    stamps = list(start.strftime("%d/%m/%Y %H:%M")) + ["2024-01-22 10:00"]
    message = refused(stamps, dayfirst=True)
    assert message == ("the buffer line 202, column 'timestamp': not a date like line 2 (%d/%m/%Y %H:%M) "
                       "'2024-01-22 10:00'; fix that value, or pass date_format= with the file's format")


def test_guessing_day_first_dates_shows_the_user_only_the_data_note(monkeypatch):
    ignored = []
    monkeypatch.setattr(sys, "unraisablehook", ignored.append)  # "Exception ignored in ..." on stderr otherwise
    frame, note = load(["13/01/2024", "14/01/2024"])  # load() also fails on any warning but the DataNote
    assert frame["timestamp"].tolist() == times("2024-01-13", "2024-01-14")
    assert note == "the buffer: dates read as %d/%m/%Y"
    assert ignored == []


# -- sub-microsecond times -----------------------------------------------------------------------------------

def test_nanosecond_timestamps_keep_their_nanoseconds():
    frame, _ = load(["2024-01-02 09:30:00.000000001", "2024-01-02 09:30:00.000000002"])
    assert frame["timestamp"].tolist() == [pd.Timestamp("2024-01-02 09:30:00.000000001"),
                                           pd.Timestamp("2024-01-02 09:30:00.000000002")]


@pytest.mark.parametrize("stamps", [["2024-01-02 09:30", "2024-01-02 09:31"],
                                    ["2024-01-02 09:30:00.000000000", "2024-01-02 09:31:00.000001000"]])
def test_whole_microsecond_timestamps_load_in_microseconds(stamps):
    frame, _ = load(stamps)
    assert frame["timestamp"].dtype == "datetime64[us]"
    assert frame["timestamp"].tolist() == times(*stamps)


# -- tz= : _localize ---------------------------------------------------------------------------------------

def test_tz_of_the_exchange_itself_changes_nothing_and_says_nothing():
    frame, note = load(["2024-01-02 10:00", "2024-01-02 11:00"], tz="America/Chicago")
    assert frame["timestamp"].tolist() == times("2024-01-02 10:00", "2024-01-02 11:00")
    assert note == ""


def test_tz_converts_intraday_times_and_keeps_daily_dates():
    frame, note = load(["2024-01-02 15:00", "2024-07-02 15:00"], tz="Europe/London")
    assert frame["timestamp"].tolist() == times("2024-01-02 09:00", "2024-07-02 09:00")
    assert note == "the buffer: converted tz='Europe/London' to exchange time America/Chicago (tz-naive)"
    frame, note = load(["2024-01-02", "2024-01-03"], tz="Asia/Tokyo")
    assert frame["timestamp"].tolist() == times("2024-01-02", "2024-01-03")
    assert note == "the buffer: daily dates with tz='Asia/Tokyo' kept as dates"


@pytest.mark.parametrize("stamps, line, value", [
    (["2024-03-10 01:30", "2024-03-10 02:30", "2024-03-10 03:30"], 3, "2024-03-10 02:30"),  # skipped hour
    (["2024-11-03 00:30", "2024-11-03 01:30", "2024-11-03 02:30"], 3, "2024-11-03 01:30"),  # repeated hour
])
def test_a_clock_time_the_zone_skips_or_repeats_is_refused_at_its_line(stamps, line, value):
    message = refused(stamps, tz="America/New_York")
    assert message == (f"the buffer line {line}, column 'timestamp': a clock time that America/New_York skips or "
                       f"repeats at a DST change {value!r}; write the timestamps with their UTC offset (e.g. "
                       "2024-11-03 01:30-05:00) or in UTC with tz='UTC'")
