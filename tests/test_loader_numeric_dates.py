"""load_market_data on numeric timestamps: YYYYMMDD dates, Unix s/ms/us/ns and Excel serial days.

Hand-built files with known answers for the rules of ``_numeric_timestamps``: which encoding an
undeclared number is read in (the 1971-2100 window and its edges), that a declared ``date_format`` is
obeyed, the exact instant each encoding gives (nanoseconds kept, fractional microseconds rounded), how
``tz=`` combines with each encoding, and the refusals: each names the column, the first bad line of the
file (the header is line 1), the value and the argument to pass. Every load here emits the one DataNote
saying what was done and no other warning.
"""
from __future__ import annotations

import pandas as pd
import pytest

from mesbook import load_market_data
import loader_support as support

H = "timestamp,futures_price,open_interest\n"


def rows(*stamps) -> str:
    """A file body: one bar per timestamp, prices and open interest increasing from 4000 and 20000."""
    return "".join(f"{stamp},{4000 + i},{20000 + i}\n" for i, stamp in enumerate(stamps))


def load(body: str, **kwargs):
    """Load ``H + body``; return (frame, the DataNote text or '')."""
    return support.load(H + body, **kwargs)


def refused(body: str, **kwargs) -> str:
    return support.refused(H + body, **kwargs)


def stamps(*values) -> list[pd.Timestamp]:
    return [pd.Timestamp(v) for v in values]


# -- YYYYMMDD ----------------------------------------------------------------------------------------------

def test_yyyymmdd_dates_load_as_dates_with_one_exact_note():
    frame, note = load(rows("20240102", "20240103"))
    assert frame["timestamp"].tolist() == stamps("2024-01-02", "2024-01-03")
    assert note == "the buffer: timestamps read as YYYYMMDD dates"


def test_yyyymmdd_dates_with_tz_stay_dates_and_say_so():
    frame, note = load(rows("20240102", "20240103"), tz="America/New_York")
    assert frame["timestamp"].tolist() == stamps("2024-01-02", "2024-01-03")
    assert str(frame["timestamp"].dtype) == "datetime64[us]"
    assert note == ("the buffer: timestamps read as YYYYMMDD dates; daily dates with tz='America/New_York' "
                    "kept as dates")


def test_yyyymmdd_midnight_that_the_zone_skips_is_refused_at_its_line():
    """Chile moved its clocks from 00:00 to 01:00 on 2024-09-08: that midnight does not exist there."""
    message = refused(rows("20240906", "20240907", "20240908"), tz="America/Santiago")
    assert message.startswith("the buffer line 4, column 'timestamp': ")
    assert "America/Santiago skips or repeats" in message
    assert "'20240908'" in message
    assert "tz='UTC'" in message


@pytest.mark.parametrize("first, second, bad", [
    ("20241301", "20240102", "20241301"),   # month 13 first: no format can be inferred from it
    ("20240102", "20241301", "20240102"),   # month 13 second: 8-digit numbers that no encoding fits
])
def test_yyyymmdd_with_an_impossible_month_is_refused_not_guessed(first, second, bad):
    message = refused(rows(first, second))
    assert message.startswith(f"the buffer line 2, column 'timestamp': a number that is not a recognisable date "
                              f"'{bad}'")
    assert message.endswith("; pass date_format= with its encoding: 's', 'ms', 'us', 'ns' (Unix time), 'excel' "
                            "(serial days) or a strftime format such as '%Y%m%d'")


def test_yyyymmdd_before_1971_is_refused():
    message = refused(rows("19650104", "19650105"))
    assert message.startswith("the buffer line 2, column 'timestamp': a number that is not a recognisable date "
                              "'19650104'")


def test_a_declared_unit_beats_the_yyyymmdd_look():
    """date_format='s' says these are seconds: 20,240,102 s is August 1970, refused, not read as 2024-01-02."""
    message = refused(rows("20240102", "20240103"), date_format="s")
    assert message.startswith("the buffer line 2, column 'timestamp': a date outside 1971-2100 as Unix seconds "
                              "(UTC) '20240102'")


# -- a declared unit with values that are not numbers ------------------------------------------------------

def test_a_non_number_under_a_declared_unit_names_line_value_and_argument():
    message = refused(rows("1704153600", "2024-01-03"), date_format="s")
    assert message == ("the buffer line 3, column 'timestamp': not a number for date_format='s' '2024-01-03'; "
                       "fix that value or pass the matching date_format=")


def test_a_non_number_refusal_names_the_file(tmp_path):
    path = tmp_path / "bars.csv"
    path.write_text(H + rows("45293", "45294", "x"))
    with pytest.raises(ValueError, match=r"^'.*bars\.csv' line 4, column 'timestamp': not a number for "
                                         r"date_format='excel' 'x'"):
        load_market_data(path, date_format="excel")


# -- which encoding an undeclared number is read in ---------------------------------------------------------

def test_excel_serial_25934_is_1971_01_01_the_first_plausible_day():
    frame, note = load(rows("25934", "25935"))
    assert frame["timestamp"].tolist() == stamps("1971-01-01", "1971-01-02")
    assert note == "the buffer: timestamps read as Excel serial days"


def test_the_upper_edge_of_a_range_belongs_to_no_encoding():
    """4.2e9 is the exclusive top of the Unix-seconds range (2103): no encoding claims it."""
    message = refused(rows("4200000000"))
    assert message.startswith("the buffer line 2, column 'timestamp': a number that is not a recognisable date "
                              "'4200000000'")


@pytest.mark.parametrize("values, line, bad", [
    (("25934", "5"), 3, "5"),                                        # 5 is below every encoding
    (("25934", "4200000000000000000", "5"), 3, "4200000000000000000"),  # 4.2e18 is past the top of ns
])
def test_the_first_number_no_encoding_reads_is_the_one_named(values, line, bad):
    message = refused(rows(*values))
    assert message.startswith(f"the buffer line {line}, column 'timestamp': a number that is not a recognisable "
                              f"date '{bad}'")


def test_numbers_each_plausible_in_a_different_encoding_are_refused_at_the_first_line():
    """45293 is an Excel day and 1704240000 Unix seconds: each is a date, but no one encoding reads both."""
    message = refused(rows("45293", "1704240000"))
    assert message.startswith("the buffer line 2, column 'timestamp': a number that is not a recognisable date "
                              "'45293'; pass date_format= with its encoding")


# -- the instant each encoding gives -------------------------------------------------------------------------

@pytest.mark.parametrize("first, second, name", [
    ("1709928000", "1710187200", "seconds"),
    ("1709928000250", "1710187200000", "milliseconds"),
    ("1709928000000250", "1710187200000000", "microseconds"),
])
def test_integer_unix_times_become_exchange_time(first, second, name):
    """2024-03-08 and 2024-03-11 20:00 UTC (+250 ms or us): 14:00 Chicago before the DST change, 15:00 after."""
    frame, note = load(rows(first, second))
    fraction = {"seconds": "", "milliseconds": ".250", "microseconds": ".000250"}[name]
    assert frame["timestamp"].tolist() == stamps(f"2024-03-08 14:00:00{fraction}", "2024-03-11 15:00")
    assert note == (f"the buffer: timestamps read as Unix {name} (UTC); converted Unix time to exchange time "
                    "America/Chicago (tz-naive)")


def test_declared_integer_microseconds_are_read_as_microseconds():
    frame, _ = load(rows("1709928000000000", "1710187200000000"), date_format="us")
    assert frame["timestamp"].tolist() == stamps("2024-03-08 14:00", "2024-03-11 15:00")


def test_integer_unix_nanoseconds_keep_their_nanoseconds():
    frame, note = load(rows("1709928000123456789", "1710187200000000001"))
    assert frame["timestamp"].tolist() == stamps("2024-03-08 14:00:00.123456789", "2024-03-11 15:00:00.000000001")
    assert note.startswith("the buffer: timestamps read as Unix nanoseconds (UTC); converted Unix time")


def test_fractional_unix_microseconds_round_to_the_microsecond():
    """0.25 us after 2024-01-02 00:00 UTC rounds down to it, 0.75 us after 2024-01-03 00:00 UTC rounds up."""
    frame, note = load(rows("1704153600000000.25", "1704240000000000.75"))
    assert frame["timestamp"].tolist() == stamps("2024-01-01 18:00:00", "2024-01-02 18:00:00.000001")
    assert note == ("the buffer: timestamps read as Unix microseconds (UTC); converted Unix time to exchange time "
                    "America/Chicago (tz-naive)")


def test_nanoseconds_written_as_floats_by_a_spreadsheet():
    frame, note = load(rows("1.709928e+18", "1.7101872e+18"), date_format="ns")
    assert frame["timestamp"].tolist() == stamps("2024-03-08 14:00", "2024-03-11 15:00")
    assert note.startswith("the buffer: timestamps read as Unix nanoseconds (UTC)")


@pytest.mark.parametrize("first, value, unit, name", [
    ("1709928000", "100000000000000000000", "s", "Unix seconds (UTC)"),  # 1e26 microseconds: past int64
    ("1709928000000000000", "10000000000000000000", "ns", "Unix nanoseconds (UTC)"),  # past int64
    ("45293", "1e30", "excel", "Excel serial days"),  # past any Timedelta
])
def test_values_far_beyond_any_date_are_refused_by_the_loader_not_by_pandas(first, value, unit, name):
    message = refused(rows(first, value), date_format=unit)
    assert message == (f"the buffer line 3, column 'timestamp': a date outside 1971-2100 as {name} '{value}'; "
                       "pass date_format= with the right encoding ('s', 'ms', 'us', 'ns', 'excel')")


@pytest.mark.parametrize("value", ["inf", "-inf", "1e400"])
def test_infinite_values_are_not_numbers_for_a_declared_unit(value):
    message = refused(rows("1709928000", value), date_format="s")
    assert message == (f"the buffer line 3, column 'timestamp': not a number for date_format='s' '{value}'; "
                       "fix that value or pass the matching date_format=")


def test_excel_serial_days_with_a_time_of_day_emit_no_pandas_warning():
    """45293.75 is 2024-01-02 18:00 (Excel days count from 1899-12-30); no tz: already exchange time."""
    frame, note = load(rows("45293.75", "45294.5"))
    assert frame["timestamp"].tolist() == stamps("2024-01-02 18:00", "2024-01-03 12:00")
    assert note == "the buffer: timestamps read as Excel serial days"


# -- tz= with each encoding ----------------------------------------------------------------------------------

def test_excel_serial_days_with_tz_are_converted_to_exchange_time():
    """New York midnight and noon are 23:00 the day before and 11:00 in Chicago."""
    frame, note = load(rows("45293", "45294.5"), tz="America/New_York")
    assert frame["timestamp"].tolist() == stamps("2024-01-01 23:00", "2024-01-03 11:00")
    assert note == ("the buffer: timestamps read as Excel serial days; converted tz='America/New_York' to exchange "
                    "time America/Chicago (tz-naive)")


def test_excel_time_in_the_hour_the_zone_skips_is_refused_at_its_line():
    """45361.104166666664 is 2024-03-10 02:30, a time New York skips (02:00 -> 03:00)."""
    message = refused(rows("45360.5", "45361.104166666664"), tz="America/New_York")
    assert message.startswith("the buffer line 3, column 'timestamp': a clock time that America/New_York skips or "
                              "repeats at a DST change '45361.104166666664'")


def test_unix_times_with_tz_are_refused_because_they_are_utc():
    message = refused(rows("1709928000", "1710187200"), tz="America/New_York")
    assert message == "the buffer column 'timestamp' holds Unix times, which are UTC by definition; drop tz="
