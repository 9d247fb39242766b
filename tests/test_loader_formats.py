"""load_market_data beyond plain CSV: Parquet, Feather and zstd read with the same checks, a file still being
written, prices off by a power of ten, the arguments ``columns=``/``names=``/``symbol=``/``roll=``/``price_scale=``,
hints that are checked against the values they propose, and the fast path read the same as the diagnostic one.
"""
from __future__ import annotations

import io
import warnings

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.feather as feather
import pyarrow.parquet as pq
import pytest

import mesbook.data.loading.records as records
from mesbook import load_market_data, simulate_market_data
from mesbook.data.loader import DataNote
from loader_support import load, refused

H = "timestamp,futures_price,open_interest\n"
TWO_DAYS = H + "2024-01-02,4000.25,20000\n2024-01-03,4001.5,20010\n"
from mesbook.data.loading.header import PRICES_ONLY_HINT

MUST = "The header must include timestamp, futures_price, open_interest (case and spaces do not matter)"


def table_bytes(frame: pd.DataFrame, kind: str) -> bytes:
    sink = io.BytesIO()
    table = pa.Table.from_pandas(frame, preserve_index=False)
    (pq.write_table if kind == "parquet" else feather.write_feather)(table, sink)
    return sink.getvalue()


# -- Parquet, Feather, zstd ------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["parquet", "feather"])
def test_table_files_load_to_the_same_frame_with_one_note(kind):
    market = simulate_market_data(50, seed=3)
    frame, note = load(table_bytes(market, kind))
    pd.testing.assert_frame_equal(frame, market, check_freq=False)
    assert note == f"the buffer: read a {kind} table"


def test_a_parquet_table_gets_the_same_column_checks_naming_its_row():
    market = simulate_market_data(5, seed=3)
    market.loc[2, "futures_price"] = -1.0
    assert refused(table_bytes(market, "parquet")) == (
        "the buffer row 3, column 'futures_price': must be > 0, got '-1.0'; prices and open interest cannot be zero or "
        "negative: fix or delete that row")
    renamed = simulate_market_data(5, seed=3).rename(columns={"futures_price": "Close", "timestamp": "Date"})
    assert refused(table_bytes(renamed, "parquet")) == (
        "the buffer is missing column(s) ['timestamp', 'futures_price']; its header has ['Date', 'Close', "
        f"'open_interest']. {MUST}; pass columns={{'timestamp': 'Date', 'futures_price': 'Close'}}")


def test_a_parquet_table_with_zone_aware_timestamps_ends_in_exchange_time():
    market = simulate_market_data(3, seed=3)
    market["timestamp"] = (market["timestamp"] + pd.Timedelta(hours=15)).dt.tz_localize("UTC")
    frame, note = load(table_bytes(market, "parquet"))
    assert frame["timestamp"].tolist() == (market["timestamp"].dt.tz_convert("America/Chicago").dt.tz_localize(None)
                                           .tolist())
    assert note == ("the buffer: read a parquet table; converted the column's zone UTC to exchange time "
                    "America/Chicago (tz-naive)")


def test_a_damaged_parquet_file_is_refused():
    data = table_bytes(simulate_market_data(3, seed=3), "parquet")
    assert refused(data[:60]).startswith("the buffer looks like a parquet file but cannot be read (")


def test_zstd_compressed_csv_is_read():
    compressed = pa.compress(TWO_DAYS.encode(), codec="zstd", asbytes=True)
    frame, note = load(compressed)
    assert frame["futures_price"].tolist() == [4000.25, 4001.5]
    assert note == "the buffer: decompressed zstd content"


# -- a file still being written --------------------------------------------------------------------------------

@pytest.mark.parametrize("content", [TWO_DAYS[:-1], TWO_DAYS[:-1] + ',"note"'.replace(',"note"', "")])
def test_a_last_line_without_its_line_break_is_noted(content):
    frame, note = load(content)
    assert frame["open_interest"].tolist() == [20000.0, 20010.0]
    assert note == ("the buffer: the last line (line 3) has no line break at its end, as in a file still being "
                    "written: check that its last row is complete")


def test_a_cut_last_line_is_noted_on_the_diagnostic_path_too():
    text = 'comment,' + H + '"two\nlines",2024-01-02,4000,20000\nx,2024-01-03,4001,1'
    frame, note = load(text)
    assert frame["open_interest"].tolist() == [20000.0, 1.0]
    assert note == ("the buffer: the last line (line 4) has no line break at its end, as in a file still being "
                    "written: check that its last row is complete")


# -- price scale -----------------------------------------------------------------------------------------------

def test_prices_a_power_of_ten_too_large_are_refused_with_the_scale_that_fixes_them():
    cents = H + "2024-01-02,400025,20000\n2024-01-03,400150,20010\n"
    assert refused(cents) == ("the buffer line 2, column 'futures_price': prices around 400088 are not index points "
                              "(this loader takes 500 to 20,000), e.g. '400025.0'; they look 2 power(s) of ten too "
                              "large: pass price_scale=1e-2")
    frame, note = load(cents, price_scale=1e-2)
    assert frame["futures_price"].tolist() == [4000.25, 4001.5]
    assert note == "the buffer: prices multiplied by price_scale=1e-2"


@pytest.mark.parametrize("rows, level, example, power, scale, right", [
    # cents of a point divided by 100 twice over (a price written in hundreds of points): 40.0025 is 4000.25
    ("2024-01-02,40.0025,20000\n2024-01-03,40.015,20010\n", "40.0087", "40.0025", 2, "1e2", [4000.25, 4001.5]),
    # a vendor dividing by 10,000: 0.400425 is 4004.25 (times 1e4 it is 4004.2499999999995 before rounding)
    ("2024-01-02,0.400425,20000\n2024-01-03,0.40045,20010\n", "0.400438", "0.400425", 4, "1e4", [4004.25, 4004.5]),
    # MES's levels near the ends of its history, each a hundred times too small: the power nearest the middle
    ("2024-01-02,69.5,20000\n", "69.5", "69.5", 2, "1e2", [6950.0]),
    ("2024-01-02,21.74,20000\n", "21.74", "21.74", 2, "1e2", [2174.0]),
    ("2024-01-02,499.75,20000\n", "499.75", "499.75", 1, "1e1", [4997.5]),  # just under the floor
])
def test_prices_a_power_of_ten_too_small_are_refused_with_the_scale_that_fixes_them(rows, level, example, power,
                                                                                   scale, right):
    assert refused(H + rows) == (f"the buffer line 2, column 'futures_price': prices around {level} are not index "
                                 f"points (this loader takes 500 to 20,000), e.g. '{example}'; they look {power} "
                                 f"power(s) of ten too small: pass price_scale={scale}")
    frame, note = load(H + rows, price_scale=float(scale))
    assert frame["futures_price"].tolist() == right
    assert note == f"the buffer: prices multiplied by price_scale={scale}"


def test_the_refusal_names_the_first_row_outside_the_range():
    text = H + "2024-01-02,500,20000\n2024-01-03,40.5,20010\n2024-01-04,41,20020\n"  # 500 is in range
    assert refused(text).startswith("the buffer line 3, column 'futures_price': prices around 41 are not index points")
    text = H + "2024-01-02,20000,20000\n2024-01-03,405000,20010\n2024-01-04,410000,20020\n"  # 20,000 is in range
    assert refused(text).startswith("the buffer line 3, column 'futures_price': prices around 405000 are not index")


def test_a_rescaled_price_is_rounded_to_a_billionth_of_a_point():
    frame, _ = load(H + "2024-01-02,4000.0000000004,20000\n2024-01-03,4000.000000006,20000\n", price_scale=1.0)
    assert frame["futures_price"].tolist() == [4000.0, 4000.000000006]


def test_prices_at_the_bottom_of_the_range_load():
    frame, _ = load(H + "2024-01-02,500,20000\n")
    assert frame["futures_price"].tolist() == [500.0]


def test_prices_at_the_top_of_the_range_load():
    frame, _ = load(H + "2024-01-02,20000,20000\n")
    assert frame["futures_price"].tolist() == [20000.0]
    assert refused(H + "2024-01-02,20001,20000\n").endswith("they look 1 power(s) of ten too large: pass "
                                                          "price_scale=1e-1")


@pytest.mark.parametrize("value", [0, -1e-9, float("nan"), "1e-9"])
def test_price_scale_must_be_a_positive_number(value):
    assert refused(TWO_DAYS, price_scale=value) == ("price_scale must be a positive number that multiplies every price, "
                                                    f"e.g. 1e-9, got {value!r}")


# -- columns=, names=, symbol=, roll= ----------------------------------------------------------------------------

def test_columns_naming_no_column_is_refused():
    assert refused(TWO_DAYS, columns={"futures_price": "Close"}) == (
        "columns={'futures_price': 'Close'} names no column of the buffer; its header has ['timestamp', "
        "'futures_price', 'open_interest']")


@pytest.mark.parametrize("columns", [{"price": "x"}, {"futures_price": 3}, ["futures_price"]])
def test_columns_must_map_market_columns_to_names(columns):
    assert refused(TWO_DAYS, columns=columns).startswith("columns must map some of ['timestamp', 'futures_price', "
                                                         "'open_interest', 'date', 'time', 'symbol']")


def test_columns_date_and_time_name_the_parts_of_the_timestamp():
    text = "Day,Clock,futures_price,open_interest\n2024-01-02,10:00,4000,20000\n2024-01-02,10:05,4001,20010\n"
    frame, note = load(text, columns={"date": "Day", "time": "Clock"})
    assert frame["timestamp"].tolist() == pd.to_datetime(["2024-01-02 10:00", "2024-01-02 10:05"]).tolist()
    assert note == "the buffer: combined 'Day' and 'Clock' into the timestamp"


def test_a_time_only_column_is_never_proposed_as_the_timestamp():
    text = "Time,futures_price,open_interest\n09:30,4000,20000\n09:31,4001,20010\n"
    assert refused(text) == (f"the buffer is missing column(s) ['timestamp']; its header has ['Time', 'futures_price', "
                             f"'open_interest']. {MUST}")


def test_an_opening_price_is_never_proposed_as_open_interest():
    text = "timestamp,futures_price,OpeningPrice\n2024-01-02,4000,3999.5\n2024-01-03,4001,4000.25\n"
    assert refused(text) == (f"the buffer is missing column(s) ['open_interest']; its header has ['timestamp', "
                             f"'futures_price', 'OpeningPrice']. {MUST}; {PRICES_ONLY_HINT}")


def test_a_count_far_from_the_price_is_proposed_as_open_interest():
    text = "timestamp,Close,OI\n2024-01-02,4000,1817427\n2024-01-03,4001,1817430\n"
    message = refused(text)
    assert message.endswith(f"{MUST}; pass columns={{'futures_price': 'Close', 'open_interest': 'OI'}}")
    frame, _ = load(text, columns={"futures_price": "Close", "open_interest": "OI"})
    assert frame["open_interest"].tolist() == [1817427.0, 1817430.0]


def test_names_for_a_file_without_a_header_and_a_row_that_does_not_fit_them():
    body = "2024-01-02,4000.25,20000\n2024-01-03,4001.5,20010\n"
    frame, _ = load(body, names=["timestamp", "futures_price", "open_interest"])
    assert frame["futures_price"].tolist() == [4000.25, 4001.5]
    assert refused(body + "2024-01-04,4002\n", names=["timestamp", "futures_price", "open_interest"]) == (
        "the buffer line 3 has 2 fields but names= has 3: 'timestamp', 'futures_price', 'open_interest'; give one "
        "name per field")


def test_a_headerless_file_of_unknown_layout_is_told_to_pass_names():
    message = refused("2024-01-02,4000.25,20000\n2024-01-03,4001.5,20010\n")
    assert message.endswith("; the first line holds values, not column names (the file has no header line): pass "
                            "names= with one name per column, e.g. names=['timestamp', 'futures_price', "
                            "'open_interest']")


TWO_CONTRACTS = ("timestamp,symbol,futures_price,open_interest,volume\n2024-03-11,MESH4,5100,1500000,900\n"
                 "2024-03-11,MESM4,5150,600000,1200\n2024-03-12,MESH4,5110,900000,700\n2024-03-12,MESM4,5160,1400000,1500\n")


def test_symbol_reads_one_instrument_and_refuses_one_the_file_lacks():
    frame, note = load(TWO_CONTRACTS, symbol="MESM4")
    assert frame["futures_price"].tolist() == [5150.0, 5160.0]
    assert note == "the buffer: read the 2 row(s) of 'symbol' = 'MESM4'"
    assert refused(TWO_CONTRACTS, symbol="MESU4") == ("the buffer has no row with 'symbol' = 'MESU4'; its instruments "
                                                      "are 'MESH4', 'MESM4': pass one of them as symbol=")
    assert refused(TWO_DAYS, symbol="MESM4").startswith("symbol='MESM4' picks rows by the column naming each "
                                                        "instrument, and the buffer has none I know")


@pytest.mark.parametrize("rule, expected", [("open_interest", ["MESH4", "MESM4"]), ("volume", ["MESM4", "MESM4"])])
def test_roll_takes_the_contract_with_the_most_of_its_column(rule, expected):
    frame, note = load(TWO_CONTRACTS, roll=rule)
    assert frame["symbol"].tolist() == expected
    assert note.endswith(f"at each timestamp the row with the most {rule.replace('_', ' ')} (2 of 4 rows)")


def test_roll_and_symbol_together_are_refused():
    assert refused(TWO_CONTRACTS, roll="volume", symbol="MESH4") == ("pass symbol= (one instrument) or roll= (a "
                                                                     "front-month series), not both")
    assert refused(TWO_CONTRACTS, roll="price").startswith("roll must be one of ['open_interest', 'volume']")


def test_several_instruments_without_a_known_column_name_the_text_column_that_differs():
    text = TWO_CONTRACTS.replace("symbol", "Contract Name")
    assert refused(text) == ("the buffer holds several instruments: column 'Contract Name' has 'MESH4', 'MESM4' (line 3 "
                             "and line 2 are 'MESM4' and 'MESH4' at '2024-03-11 00:00:00'); pass symbol='MESH4' (or "
                             "another of them) to read one instrument, or roll='open_interest' for a front-month series "
                             "(at each timestamp, the contract with the most open interest), with "
                             "columns={'symbol': 'Contract Name'}")
    frame, _ = load(text, symbol="MESH4", columns={"symbol": "Contract Name"})
    assert frame["futures_price"].tolist() == [5100.0, 5110.0]


# -- the fast path reads what the diagnostic path reads ----------------------------------------------------------

@pytest.mark.parametrize("text", [
    TWO_DAYS,
    H + '2024-01-02 09:30:00.000000001,"4000.25",20000\n2024-01-02 09:31,4001.5,20010\n',
    H[:-1] + ",note,volume\n2024-01-02,4000.25,20000,a;b,7\n2024-01-03,4001.5,20010,,8\n",
    TWO_DAYS.replace("\n", "\r\n") + ",,\r\n",
    TWO_DAYS.replace(",", ";"),
])
def test_the_arrow_split_equals_the_diagnostic_scan(text, monkeypatch):
    fast, fast_note = load(text)
    monkeypatch.setattr(records, "_fast", lambda *args: None)  # every file through the csv-module scan
    slow, slow_note = load(text)
    pd.testing.assert_frame_equal(fast, slow)
    assert fast_note == slow_note


def test_a_big_plain_file_is_split_by_arrow_not_scanned(monkeypatch):
    def no_scan(*args):
        raise AssertionError("the diagnostic scan ran on a plain file")

    monkeypatch.setattr(records, "scan", no_scan)
    market = simulate_market_data(2000, seed=1)
    buffer = io.StringIO(market.to_csv(index=False))
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataNote)
        pd.testing.assert_frame_equal(load_market_data(buffer), market, check_freq=False)
    np.testing.assert_array_equal(market["open_interest"].to_numpy(), market["open_interest"].to_numpy())


def test_a_missing_text_price_in_a_table_file_is_refused_as_missing():
    """A table's text column holds a null: it is refused as a missing value, not as 'not a number'."""
    market = pd.DataFrame({"timestamp": pd.to_datetime(["2024-01-02", "2024-01-03"]),
                           "futures_price": ["4000.25", None], "open_interest": [20000.0, 20010.0]})
    assert refused(table_bytes(market, "parquet")) == (
        "the buffer row 2, column 'futures_price': missing value 'None'; fill it in or delete that row")


def test_a_missing_text_timestamp_in_a_table_file_is_refused_as_missing():
    market = pd.DataFrame({"timestamp": ["2024-01-02", None], "futures_price": [4000.25, 4001.5],
                           "open_interest": [20000.0, 20010.0]})
    assert refused(table_bytes(market, "parquet")) == (
        "the buffer row 2, column 'timestamp': missing value 'None'; fill it in or delete that row")


def test_a_table_file_time_the_declared_zone_skips_is_refused_quoting_it():
    market = pd.DataFrame({"timestamp": pd.to_datetime(["2024-03-10 01:30", "2024-03-10 02:30"]),
                           "futures_price": [4000.25, 4001.5], "open_interest": [20000.0, 20010.0]})
    assert refused(table_bytes(market, "parquet"), tz="America/New_York") == (
        "the buffer row 2, column 'timestamp': a clock time that America/New_York skips or repeats at a DST change "
        "'2024-03-10 02:30:00'; write the timestamps with their UTC offset (e.g. 2024-11-03 01:30-05:00) or in UTC "
        "with tz='UTC'")


def test_a_utf8_bom_before_a_non_ascii_header_needs_no_decoding_note():
    frame, note = load(b"\xef\xbb\xbf" + "état,timestamp,futures_price,open_interest\nA,2024-01-02,4000.25,20000\n"
                       .encode("utf-8"))
    assert list(frame.columns) == ["état", "timestamp", "futures_price", "open_interest"] and note == ""

