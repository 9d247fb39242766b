"""load_market_data: one hand-built file per class of real-world input, with its exact outcome.

Each case either loads to known numbers (and says what it changed in one DataNote) or is refused with
the exact message: column, file line (the header is line 1) and the fix, naming the argument to pass.
The randomized dialect suite is tests/test_loader_dialects.py.
"""
from __future__ import annotations

import bz2
import gzip
import io
import lzma
import warnings
import zipfile

import numpy as np
import pandas as pd
import pytest

import mesbook as mb
from mesbook import load_market_data, simulate_market_data
from mesbook.data.loader import EXCHANGE_TZ, DataNote
from loader_support import load, refused

H = "timestamp,futures_price,open_interest\n"
TWO_DAYS = H + "2024-01-02,4000.25,20000\n2024-01-03,4001.5,20010\n"
EXPECTED = pd.DataFrame({"timestamp": pd.to_datetime(["2024-01-02", "2024-01-03"]).as_unit("us"),
                         "futures_price": [4000.25, 4001.5], "open_interest": [20000.0, 20010.0]})


def same(frame, expected=EXPECTED):
    pd.testing.assert_frame_equal(frame[list(expected.columns)], expected, check_dtype=False)


# -- moved from test_market_data.py: the plain file and the validation messages ---------------------------

def test_csv_round_trip(tmp_path):
    df = simulate_market_data(120, seed=4)
    path = tmp_path / "market.csv"
    df.to_csv(path, index=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataNote)  # a plain file needs no note
        loaded = load_market_data(path)
    pd.testing.assert_frame_equal(loaded, df, check_freq=False)


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(ValueError, match="no CSV file at .*nope.csv'; check the path"):
        load_market_data(tmp_path / "nope.csv")
    with pytest.raises(ValueError, match="cannot read .*; pass the path of a CSV file"):
        load_market_data(tmp_path)
    with pytest.raises(TypeError, match="path_or_buffer must be a path or an open file, got int"):
        load_market_data(3)


def test_path_names_the_file(tmp_path):
    path = tmp_path / "mine.csv"
    path.write_text(H + "2024-01-02,abc,10\n")
    with pytest.raises(ValueError) as info:
        load_market_data(path)
    assert str(info.value) == (f"{str(path)!r} line 2, column 'futures_price': not a number 'abc'; "
                               "it must be a number: fix or delete that row")


def test_text_buffer_and_input_not_consumed_twice():
    frame = load_market_data(io.StringIO(TWO_DAYS))
    same(frame)


# -- every refusal: exact message -------------------------------------------------------------------------

REFUSED = {
    "0-byte file": (b"", {}, "the buffer is empty; a market CSV needs a header line "
                             "timestamp,futures_price,open_interest and one line per bar"),
    "header only": (H, {}, "the buffer has a header but no data rows (it is empty below line 1); add one line per bar"),
    "missing column": ("timestamp,futures_price\n2024-01-02,4000\n", {},
                       "the buffer is missing column(s) ['open_interest']; its header has ['timestamp', "
                       "'futures_price']. The header must include timestamp, futures_price, open_interest (case and "
                       "spaces do not matter); for a prices-only file, pass open_interest='cftc' to attach the packaged "
                       "weekly CFTC open interest at its release time (or your own OI table with oi_release=; see "
                       "mesbook.attach_open_interest), on the command line --attach-oi"),
    "near-miss header": ("timestamp,futures_price,open_interst\n2024-01-02,4000,5\n", {},
                         "the buffer is missing column(s) ['open_interest']; its header has ['timestamp', "
                         "'futures_price', 'open_interst']. The header must include timestamp, futures_price, "
                         "open_interest (case and spaces do not matter); rename 'openinterst' to 'open_interest'"),
    "two columns read the same": ("timestamp,Futures Price,futures_price,open_interest\n2024-01-02,1,1,1\n", {},
                                  "the buffer line 1 has two columns that read as 'futures_price' ('timestamp', "
                                  "'Futures Price', 'futures_price', 'open_interest'); delete or rename one of them"),
    "one field too many (unquoted thousands)": (H + "2024-01-02,4000,20000\n2024-01-03,4001,20,010\n", {},
        "the buffer line 3 has 4 fields but the header (line 1) has 3: 'timestamp', 'futures_price', 'open_interest'. "
        "A value holding the separator ',' must be quoted (\"4,000.25\"), and a stray or missing separator must be "
        "fixed on line 3; columns are never shifted to make it fit"),
    "trailing comma on data rows": (H + "2024-01-02,4000,20000,\n", {},
        "the buffer line 2 has 4 fields but the header (line 1) has 3: 'timestamp', 'futures_price', 'open_interest'. "
        "A value holding the separator ',' must be quoted (\"4,000.25\"), and a stray or missing separator must be "
        "fixed on line 2; columns are never shifted to make it fit"),
    "one field too few": (H + "2024-01-02,4000\n", {},
        "the buffer line 2 has 2 fields but the header (line 1) has 3: 'timestamp', 'futures_price', 'open_interest'. "
        "A value holding the separator ',' must be quoted (\"4,000.25\"), and a stray or missing separator must be "
        "fixed on line 2; columns are never shifted to make it fit"),
    "empty row between bars": (H + "2024-01-02,4000,20000\n,,\n2024-01-03,4001,20010\n", {},
                               "the buffer line 3 is an empty row between data rows; delete it (or fill in the missing bar)"),
    "not a number": (H + "2024-01-02,4000,20000\n2024-01-03,abc,20010\n", {},
                     "the buffer line 3, column 'futures_price': not a number 'abc'; it must be a number: fix or delete that row"),
    "missing value": (H + "2024-01-02,4000,\n", {},
                      "the buffer line 2, column 'open_interest': missing value ''; fill it in or delete that row"),
    "NaN": (H + "2024-01-02,NaN,20000\n", {},
            "the buffer line 2, column 'futures_price': missing value 'NaN'; fill it in or delete that row"),
    "infinite": (H + "2024-01-02,4000,inf\n", {},
                 "the buffer line 2, column 'open_interest': infinite value 'inf'; replace it with a finite number"),
    "boolean column": (H + "2024-01-02,4000,True\n2024-01-03,4001,False\n", {},
                       "the buffer line 2, column 'open_interest': a true/false value 'True'; the column must hold "
                       "numbers (prices in index points, open interest in contracts)"),
    "zero price": (H + "2024-01-02,4000,20000\n2024-01-03,0,20010\n", {},
                   "the buffer line 3, column 'futures_price': must be > 0, got '0.0'; prices and open interest cannot "
                   "be zero or negative: fix or delete that row"),
    "out of order": (H + "2024-01-03,4000,20000\n2024-01-02,4001,20010\n", {},
                     "the buffer line 3, column 'timestamp': out-of-order timestamp '2024-01-02 00:00:00' (line 2 has "
                     "'2024-01-03 00:00:00'); timestamps must be strictly increasing: sort the file by timestamp and "
                     "drop duplicates"),
    "duplicate": (H + "2024-01-02,4000,20000\n2024-01-02,4001,20010\n", {},
                  "the buffer line 3, column 'timestamp': duplicate timestamp '2024-01-02 00:00:00' (line 2 has "
                  "'2024-01-02 00:00:00'); timestamps must be strictly increasing: sort the file by timestamp and "
                  "drop duplicates"),
    "DST hour repeated after conversion": (H + "2024-11-03T01:30:00-05:00,4000,20000\n2024-11-03T01:10:00-06:00,4001,20010\n",
                                           {}, "the buffer line 3, column 'timestamp': in exchange time America/Chicago "
                                           "this bar is out-of-order ('2024-11-03 01:10:00', line 2 has '2024-11-03 "
                                           "01:30:00'), as in the hour clocks repeat when daylight saving time ends; "
                                           "the engine works in tz-naive exchange time: drop or aggregate the bars of "
                                           "that hour"),
    "not a date": (H + "yesterday,4000,20000\n", {},
                   "the buffer line 2, column 'timestamp': not a date 'yesterday'; use ISO dates such as 2024-03-15 or "
                   "2024-03-15 16:00, or pass date_format="),
    "ambiguous day/month": (H + "01/02/2024,4000,20000\n01/03/2024,4001,20010\n", {},
                            "the buffer line 2, column 'timestamp': day and month can be read either way in "
                            "'01/02/2024'; pass dayfirst=True (day/month/year) or dayfirst=False (month/day/year), "
                            "or date_format="),
    "date not in the format": (H + "2024-01-02,4000,20000\n", {"date_format": "%d.%m.%Y"},
                               "the buffer line 2, column 'timestamp': not a date in date_format='%d.%m.%Y' "
                               "'2024-01-02'; fix that value or pass the matching date_format="),
    "small numbers as dates": (H + "1,4000,20000\n2,4001,20010\n", {},
                               "the buffer line 2, column 'timestamp': a number that is not a recognisable date '1'; "
                               "pass date_format= with its encoding: 's', 'ms', 'us', 'ns' (Unix time), 'excel' "
                               "(serial days) or a strftime format such as '%Y%m%d'"),
    "Unix seconds declared as ms": (H + "1704182400,4000,20000\n", {"date_format": "ms"},
                                    "the buffer line 2, column 'timestamp': a date outside 1971-2100 as Unix "
                                    "milliseconds (UTC) '1704182400'; pass date_format= with the right encoding "
                                    "('s', 'ms', 'us', 'ns', 'excel')"),
    "mixed offset and none": (H + "2024-01-02T10:00Z,4000,20000\n2024-01-02T11:00,4001,20010\n", {},
                              "the buffer line 3, column 'timestamp': a value without a UTC offset, unlike line 2 "
                              "'2024-01-02T11:00'; write every timestamp with an offset, or none (and pass tz=)"),
    "tz with offsets": (H + "2024-01-02T10:00Z,4000,20000\n", {"tz": "UTC"},
                        "the buffer column 'timestamp' carries UTC offsets (line 2: '2024-01-02T10:00Z'); tz= "
                        "declares the zone of timestamps without one: drop tz="),
    "unknown zone": (TWO_DAYS, {"tz": "Mars/Base"},
                     "tz='Mars/Base' is not a time zone; pass an IANA name such as 'America/New_York' or 'UTC'"),
    "repeated DST hour": (H + "2024-11-03 00:30,4000,20000\n2024-11-03 01:30,4001,20010\n", {"tz": "America/New_York"},
                          "the buffer line 3, column 'timestamp': a clock time that America/New_York skips or repeats "
                          "at a DST change '2024-11-03 01:30'; write the timestamps with their UTC offset (e.g. "
                          "2024-11-03 01:30-05:00) or in UTC with tz='UTC'"),
    "thousands-or-decimal comma": (H + '2024-01-02,"4,000","20,000"\n', {},
                                   "the buffer line 2, column 'futures_price': '4,000' reads as 4000 with "
                                   "decimal='.', thousands=',' and as 4 with decimal=',', thousands=None; pass "
                                   "decimal= and thousands= to say which"),
    "thousands-or-decimal dot": ("timestamp;futures_price;open_interest\n2024-01-02;4.012;20.074\n", {},
                                 "the buffer line 2, column 'futures_price': '4.012' reads as 4.012 with decimal='.', "
                                 "thousands=None and as 4012 with decimal=',', thousands='.'; pass decimal= and "
                                 "thousands= to say which"),
    "space thousands": (H + "2024-01-02,4 000,20000\n", {},
                        "the buffer line 2, column 'futures_price': not a number '4 000'; pass thousands= with the "
                        "file's digit-group separator, e.g. thousands=' '"),
    "binary file": (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), {},
                    "the buffer is not a text CSV file (it holds binary data); pass the CSV file itself, or its "
                    "encoding with encoding= if it is text in an unusual encoding"),
    "wrong declared encoding": ("timestamp,futures_price,open_interest,note\n2024-01-02,4000,20000,€\n".encode("utf-8"),
                                {"encoding": "ascii"},
                                "the buffer line 2 cannot be decoded with encoding='ascii' (ordinal not in range(128)); "
                                "pass the file's real encoding, e.g. encoding='latin-1'"),
    "damaged gzip": (gzip.compress(TWO_DAYS.encode())[:20], {},
                     "the buffer looks gzip-compressed but cannot be decompressed (Compressed file ended before the "
                     "end-of-stream marker was reached); the file is damaged: export or download it again"),
    "two files in a zip": (None, {}, "the buffer is a zip archive holding 2 files ['a.csv', 'b.csv']; extract the "
                                     "CSV you mean and pass that file"),
    "multi-character sep": (TWO_DAYS, {"sep": ";;"},
                            "sep must be one character such as ',', ';', '\\t' or '|', got ';;'"),
}


def _two_file_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.csv", TWO_DAYS)
        archive.writestr("b.csv", TWO_DAYS)
    return buffer.getvalue()


@pytest.mark.parametrize("case", list(REFUSED))
def test_refusal_message(case):
    content, kwargs, message = REFUSED[case]
    assert refused(_two_file_zip() if content is None else content, **kwargs) == message


# -- every class that loads: known numbers and the note that says what changed ----------------------------

def test_header_case_and_spaces_normalised_and_said():
    frame, note = load(" Timestamp ,Futures Price,OPEN-INTEREST,Volume\n2024-01-02,4000.25,20000,7\n"
                       "2024-01-03,4001.5,20010,8\n")
    same(frame)
    assert list(frame.columns) == ["timestamp", "futures_price", "open_interest", "Volume"]  # extras keep their name
    assert frame["Volume"].tolist() == [7, 8]
    assert note == ("the buffer: renamed column(s) ' Timestamp '->'timestamp', 'Futures Price'->'futures_price', "
                    "'OPEN-INTEREST'->'open_interest'")


@pytest.mark.parametrize("sep", [";", "\t", "|"])
def test_other_separators_are_sniffed(sep):
    frame, note = load(TWO_DAYS.replace(",", sep))
    same(frame)
    assert note == f"the buffer: separator {sep!r}"


def test_declared_separator():
    same(load(TWO_DAYS.replace(",", ";"), sep=";")[0])


def test_decimal_comma_with_semicolons():
    frame, note = load("timestamp;futures_price;open_interest\n2024-01-02;4000,25;20000\n2024-01-03;4001,5;20010\n")
    same(frame)
    assert note == "the buffer: separator ';'; numbers read with decimal=','"


def test_european_thousands_and_decimal():
    frame, note = load("timestamp;futures_price;open_interest\n2024-01-02;4.000,25;20.000\n2024-01-03;4.001,5;20.010\n")
    same(frame)
    assert note == "the buffer: separator ';'; numbers read with decimal=',', thousands='.'"


def test_quoted_thousands_with_comma_separator():
    frame, note = load(H + '2024-01-02,"4,000.25","20,000"\n2024-01-03,4001.5,"20,010"\n')
    same(frame)
    assert note == "the buffer: numbers read with decimal='.', thousands=','"


def test_ambiguous_thousands_resolved_by_the_argument():
    content = H + '2024-01-02,4000,"20,000"\n'
    assert load(content, thousands=",")[0]["open_interest"].tolist() == [20000.0]
    assert load(content, decimal=",")[0]["open_interest"].tolist() == [20.0]


def test_currency_signs_dropped_and_said():
    frame, note = load(H + "2024-01-02,$4000.25,20000\n2024-01-03,4001.5 €,20010\n")
    same(frame)
    assert note == "the buffer: dropped currency signs in 'futures_price'"


def test_excel_trailing_empty_rows_dropped_and_said():
    frame, note = load(TWO_DAYS.replace("\n", "\r\n") + ",,\r\n,,\r\n\r\n")
    same(frame)
    assert note == "the buffer: dropped 3 empty row(s) at the end (from line 4)"  # two ",," and a blank line


@pytest.mark.parametrize("encoding, note", [("utf-8-sig", ""), ("utf-16", "decoded as utf-16"),
                                            ("utf-16-le", "decoded as utf-16-le"), ("utf-16-be", "decoded as utf-16-be"),
                                            ("latin-1", "decoded as cp1252"), ("cp1252", "decoded as cp1252")])
def test_encodings(encoding, note):
    text = "timestamp,futures_price,open_interest,Börse €\n2024-01-02,4000.25,20000,ä\n2024-01-03,4001.5,20010,ö\n"
    if encoding == "latin-1":
        text = text.replace("€", "¤")
    frame, said = load(text.encode(encoding))
    same(frame)
    assert frame.columns[-1] == text.split("\n")[0].split(",")[-1] and frame.iloc[:, -1].tolist() == ["ä", "ö"]
    assert (note in said) if note else said == ""


def test_declared_encoding():
    same(load(TWO_DAYS.encode("utf-16"), encoding="utf-16")[0])


@pytest.mark.parametrize("kind, pack", [("gzip", gzip.compress), ("bz2", bz2.compress), ("xz", lzma.compress)])
def test_compression_recognised_by_content(tmp_path, kind, pack):
    path = tmp_path / "plain-looking.csv"
    path.write_bytes(pack(TWO_DAYS.encode()))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        same(load_market_data(path))
    assert f"decompressed {kind} content" in str(caught[0].message)


def test_zip_with_one_member():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("export/data.csv", TWO_DAYS)
    frame, note = load(buffer.getvalue())
    same(frame)
    assert note == "the buffer: read 'export/data.csv' from a zip archive"


def test_line_endings():
    for ending in ("\r\n", "\r"):
        same(load(TWO_DAYS.replace("\n", ending))[0])


# -- dates ------------------------------------------------------------------------------------------------

DAYS = pd.to_datetime(["2024-01-02", "2024-01-03"]).as_unit("us")


@pytest.mark.parametrize("stamps, kwargs, note", [
    (("20240102", "20240103"), {}, "timestamps read as YYYYMMDD dates"),
    (("45293", "45294"), {}, "timestamps read as Excel serial days"),
    (("1704153600", "1704240000"), {}, "timestamps read as Unix seconds (UTC); daily dates with Unix time kept as dates"),
    (("1704153600000", "1704240000000"), {}, "Unix milliseconds (UTC); daily dates with Unix time kept as dates"),
    (("02/01/2024", "03/01/2024"), {"dayfirst": True}, "dates read as %d/%m/%Y"),
    (("01/02/2024", "01/03/2024"), {"dayfirst": False}, "dates read as %m/%d/%Y"),
    (("02.01.2024", "03.01.2024"), {"date_format": "%d.%m.%Y"}, ""),
    (("2024/01/02", "2024/01/03"), {}, ""),
])
def test_dates_convert_to_the_right_day(stamps, kwargs, note):
    frame, said = load(H + f"{stamps[0]},4000.25,20000\n{stamps[1]},4001.5,20010\n", **kwargs)
    assert frame["timestamp"].tolist() == DAYS.tolist()
    assert note in said
    assert frame["timestamp"].iloc[0].year != 1970


def test_unambiguous_day_first_is_read_without_an_argument():
    frame, note = load(H + "12/01/2024,4000,20000\n13/01/2024,4001,20010\n")
    assert frame["timestamp"].tolist() == pd.to_datetime(["2024-01-12", "2024-01-13"]).tolist()
    assert note == "the buffer: dates read as %d/%m/%Y"


def test_intraday_unix_seconds_become_exchange_time():
    instants = pd.to_datetime(["2024-03-08 15:00", "2024-03-11 15:00"]).tz_localize(EXCHANGE_TZ)
    seconds = [int(t.timestamp()) for t in instants]
    frame, note = load(H + f"{seconds[0]},4000,20000\n{seconds[1]},4001,20010\n")
    assert frame["timestamp"].tolist() == instants.tz_localize(None).tolist()
    assert note == ("the buffer: timestamps read as Unix seconds (UTC); converted Unix time to exchange time "
                    "America/Chicago (tz-naive)")


def test_mixed_offsets_across_a_dst_change():
    """New York 10:00 before and after the March change: offsets -05:00 then -04:00; Chicago 09:00 both days."""
    frame, note = load(H + "2024-03-08 10:00:00-05:00,4000,20000\n2024-03-11 10:00:00-04:00,4001,20010\n")
    assert frame["timestamp"].tolist() == pd.to_datetime(["2024-03-08 09:00", "2024-03-11 09:00"]).tolist()
    assert frame["timestamp"].dt.tz is None
    assert note == "the buffer: converted UTC offsets to exchange time America/Chicago (tz-naive)"


def test_daily_dates_with_offsets_keep_their_date():
    frame, note = load(H + "2024-03-08T00:00:00-06:00,4000,20000\n2024-03-11T00:00:00-05:00,4001,20010\n")
    assert frame["timestamp"].tolist() == pd.to_datetime(["2024-03-08", "2024-03-11"]).tolist()
    assert note == "the buffer: daily dates with UTC offsets kept as dates"


def test_tz_declares_naive_times():
    frame, note = load(H + "2024-01-02 10:00,4000,20000\n2024-01-02 11:00,4001,20010\n", tz="America/New_York")
    assert frame["timestamp"].tolist() == pd.to_datetime(["2024-01-02 09:00", "2024-01-02 10:00"]).tolist()
    assert note == "the buffer: converted tz='America/New_York' to exchange time America/Chicago (tz-naive)"


def test_timezone_aware_file_runs_the_honest_engine_end_to_end(tmp_path):
    """Offsets in the file, expiries and the roll filter on: the engine takes the loaded frame."""
    data = simulate_market_data(300, seed=2)
    aware = data.assign(timestamp=(data["timestamp"] + pd.Timedelta(hours=15)).dt.tz_localize(EXCHANGE_TZ))
    path = tmp_path / "aware.csv"
    aware.to_csv(path, index=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataNote)
        loaded = load_market_data(path)
    assert loaded["timestamp"].tolist() == (data["timestamp"] + pd.Timedelta(hours=15)).tolist()
    for preset in (mb.REALISTIC, mb.HONEST):
        result = mb.run_backtest(loaded, preset)
        assert len(result.equity) == 300 and np.isfinite(result.final_value)


def test_input_buffer_and_file_are_not_modified(tmp_path):
    path = tmp_path / "m.csv"
    path.write_bytes(TWO_DAYS.encode())
    before = path.read_bytes()
    load_market_data(path)
    assert path.read_bytes() == before
