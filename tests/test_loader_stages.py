"""load_market_data's stages on hand-built inputs, one branch each: the arguments' checks, zone names after the
time, typed table columns, the source stage's unusual files, the vendor-layout helpers and the Arrow split.

Complements tests/test_loader_formats.py and tests/test_loader_vendors.py; written so that each rule of
mesbook/data/loading/ has a case with a known answer (the mutation run, ``make mutate MUTATE_ARGS=loader``,
holds the stages to it).
"""
from __future__ import annotations

import io

import pandas as pd
import pyarrow as pa
import pyarrow.feather as feather
import pyarrow.parquet as pq
import pytest

from mesbook import load_market_data, simulate_market_data
from mesbook.data.loading.common import Lines
from loader_support import load, refused

H = "timestamp,futures_price,open_interest\n"
TWO_DAYS = H + "2024-01-02,4000.25,20000\n2024-01-03,4001.5,20010\n"
from mesbook.data.loading.header import PRICES_ONLY_HINT

MUST = "The header must include timestamp, futures_price, open_interest (case and spaces do not matter)"


def times(*values) -> list:
    return pd.to_datetime(list(values)).tolist()


def parquet(frame: pd.DataFrame) -> bytes:
    sink = io.BytesIO()
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), sink)
    return sink.getvalue()


# -- the arguments -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, message", [
    ({"columns": {"date": "Day"}}, "columns names 'date' or 'time' alone: name both, the two columns that together "
                                   "make the timestamp (or the one 'timestamp' column)"),
    ({"columns": {"timestamp": "a", "date": "b", "time": "c"}},
     "columns names 'timestamp' and also 'date'/'time': name the one timestamp column, or the date and time columns "
     "that make it"),
    ({"names": "timestamp,futures_price"}, "names must be a list of column names for a file without a header line, "
                                           "got 'timestamp,futures_price'"),
    ({"names": ["timestamp", 3]}, "names must be a list of column names for a file without a header line, got "
                                  "('timestamp', 3)"),
    ({"symbol": 4}, "symbol must be the text naming one instrument, e.g. symbol='MESM4', got 4"),
    ({"price_scale": True}, "price_scale must be a positive number that multiplies every price, e.g. 1e-9, got True"),
])
def test_a_bad_argument_is_refused_naming_it(kwargs, message):
    assert refused(TWO_DAYS, **kwargs) == message


def test_a_price_scale_that_is_not_a_power_of_ten_is_said_as_written():
    frame, note = load(TWO_DAYS, price_scale=0.25)
    assert frame["futures_price"].tolist() == [1000.0625, 1000.375]
    assert note == "the buffer: prices multiplied by price_scale=0.25"


# -- zone names after the time ---------------------------------------------------------------------------------

def zoned(*stamps: str) -> str:
    return H + "".join(f"{s},{4000 + i},{20000 + i}\n" for i, s in enumerate(stamps))


def test_zone_names_differing_by_row_are_each_read_in_their_zone():
    frame, note = load(zoned("20240304 09:30:00 US/Eastern", "20240304 15:31:00 UTC", "20240304 09:32:00 US/Central"))
    assert frame["timestamp"].tolist() == times("2024-03-04 08:30", "2024-03-04 09:31", "2024-03-04 09:32")
    assert note == ("the buffer: converted zone names (US/Eastern, UTC, US/Central) to exchange time America/Chicago "
                    "(tz-naive)")


def test_daily_dates_with_a_zone_name_keep_their_date():
    frame, note = load(zoned("20240304 00:00:00 US/Eastern", "20240305 00:00:00 US/Eastern"))
    assert frame["timestamp"].tolist() == times("2024-03-04", "2024-03-05")
    assert note == "the buffer: daily dates with zone names (US/Eastern) kept as dates"


def test_a_value_without_the_zone_name_is_refused_at_its_line():
    assert refused(zoned("20240304 09:30:00 US/Eastern", "20240304 09:31:00", "20240304 09:32:00 Mars/Base")) == (
        "the buffer line 3, column 'timestamp': a value without a time zone name, unlike line 2 '20240304 09:31:00'; "
        "write every timestamp with its zone name (e.g. 20240304 09:30:00 US/Eastern), or none (and pass tz=)")


def test_an_unknown_zone_name_is_a_value_without_one():
    assert refused(zoned("20240304 09:30:00 US/Eastern", "20240304 09:31:00 Mars/Base")).startswith(
        "the buffer line 3, column 'timestamp': a value without a time zone name, unlike line 2 "
        "'20240304 09:31:00 Mars/Base'")
    assert refused(zoned("20240304 09:30:00 Mars/Base")).startswith(
        "the buffer line 2, column 'timestamp': not a date '20240304 09:30:00 Mars/Base'")


def test_tz_with_zone_names_is_refused():
    assert refused(zoned("20240304 09:30:00 US/Eastern"), tz="UTC") == (
        "the buffer column 'timestamp' names its zone (line 2: '20240304 09:30:00 US/Eastern'); tz= declares the "
        "zone of timestamps without one: drop tz=")


def test_a_clock_time_the_named_zone_skips_is_refused_at_its_line():
    assert refused(zoned("20240310 01:30:00 US/Eastern", "20240310 02:30:00 US/Eastern")) == (
        "the buffer line 3, column 'timestamp': a clock time that US/Eastern skips or repeats at a DST change "
        "'20240310 02:30:00 US/Eastern'; write the timestamps with their UTC offset (e.g. 2024-11-03 01:30-05:00) or "
        "in UTC")


def test_a_declared_format_with_a_zone_directive_reads_the_wall_time_in_the_named_zone():
    frame, _ = load(zoned("04.03.2024 09:30 US/Eastern", "04.03.2024 09:31 US/Eastern"), date_format="%d.%m.%Y %H:%M %Z")
    assert frame["timestamp"].tolist() == times("2024-03-04 08:30", "2024-03-04 08:31")


# -- typed columns of a table ----------------------------------------------------------------------------------

def test_a_table_date_column_is_read_as_dates():
    market = simulate_market_data(3, seed=1)
    market["timestamp"] = market["timestamp"].dt.date
    frame, _ = load(parquet(market))
    assert frame["timestamp"].tolist() == simulate_market_data(3, seed=1)["timestamp"].tolist()
    assert str(frame["timestamp"].dtype) == "datetime64[us]"


def test_a_table_of_naive_times_takes_tz_and_refuses_tz_for_aware_ones():
    market = simulate_market_data(2, seed=1)
    market["timestamp"] = market["timestamp"] + pd.Timedelta(hours=10)
    frame, note = load(parquet(market), tz="America/New_York")
    assert frame["timestamp"].tolist() == (market["timestamp"] - pd.Timedelta(hours=1)).tolist()
    assert note == ("the buffer: read a parquet table; converted tz='America/New_York' to exchange time America/Chicago "
                    "(tz-naive)")
    market["timestamp"] = market["timestamp"].dt.tz_localize("UTC")
    assert refused(parquet(market), tz="UTC") == ("the buffer column 'timestamp' carries its zone (UTC); tz= declares "
                                                  "the zone of timestamps without one: drop tz=")


def test_a_table_with_a_missing_timestamp_names_its_row():
    table = pa.table({"timestamp": pa.array([pd.Timestamp("2024-01-02"), None], pa.timestamp("us")),
                      "futures_price": [4000.0, 4001.0], "open_interest": [20000.0, 20010.0]})
    sink = io.BytesIO()
    pq.write_table(table, sink)
    assert refused(sink.getvalue()) == ("the buffer row 2, column 'timestamp': missing value 'None'; fill it in or "
                                        "delete that row")


def test_a_table_with_text_columns_reads_them_like_a_csv():
    table = pa.table({"timestamp": ["2024-01-02", "2024-01-03"], "futures_price": ["4000,25", "4001,5"],
                      "open_interest": [20000, 20010]})
    sink = io.BytesIO()
    feather.write_feather(table, sink)
    frame, note = load(sink.getvalue(), decimal=",")
    assert frame["futures_price"].tolist() == [4000.25, 4001.5]
    assert note == "the buffer: read a feather table"


def test_a_table_without_rows_is_refused():
    empty = simulate_market_data(3, seed=1).iloc[:0]
    assert refused(parquet(empty)) == "the buffer is a parquet table without rows; add one row per bar"


# -- the source stage ------------------------------------------------------------------------------------------

def test_damaged_zstd_content_is_refused():
    data = pa.compress(TWO_DAYS.encode(), codec="zstd", asbytes=True)[:12]
    assert refused(data).startswith("the buffer looks zstd-compressed but cannot be decompressed (")


def test_declared_utf8_reads_utf8_and_refuses_other_bytes():
    frame, note = load(TWO_DAYS.encode(), encoding="UTF8")
    assert frame["futures_price"].tolist() == [4000.25, 4001.5] and note == ""
    assert refused(TWO_DAYS.replace("2024-01-03", "2024-01-03é").encode("latin-1"), encoding="utf-8").startswith(
        "the buffer line 3 cannot be decoded with encoding='utf-8' (invalid continuation byte)")


def test_a_long_file_of_blank_lines_is_empty():
    assert refused(b" \n" * 40000) == ("the buffer is empty; a market CSV needs a header line "
                                       "timestamp,futures_price,open_interest and one line per bar")
    assert refused("\u00a0\n" * 10) == ("the buffer is empty; a market CSV needs a header line "
                                        "timestamp,futures_price,open_interest and one line per bar")


def test_a_header_after_70000_bytes_of_blank_lines_is_found():
    frame, note = load("\n" * 70000 + TWO_DAYS)
    assert frame["futures_price"].tolist() == [4000.25, 4001.5]


def test_a_first_line_longer_than_the_sniffed_head_is_read_whole():
    names = [f"c{i}" + "x" * 95_000 for i in range(12)]  # a 1.1 MB header line, longer than the head read first
    text = ";".join(["timestamp", "futures_price", "open_interest", *names]) + "\n"
    frame, note = load(text + ";".join(["2024-01-02", "4000", "20000", *"abcdefghijkl"]) + "\n")
    assert frame["futures_price"].tolist() == [4000.0] and list(frame.columns)[3:] == names
    assert note == "the buffer: separator ';'"


# -- the split ---------------------------------------------------------------------------------------------------

def test_the_header_of_columns_is_read_from_a_quoted_first_line():
    frame, _ = load('"time stamp",futures_price,open_interest\n2024-01-02,4000,20000\n'.replace('"time stamp"',
                                                                                               '"timestamp"'))
    assert frame["timestamp"].tolist() == times("2024-01-02")


def test_a_header_spanning_two_lines_is_read_by_the_scan():
    frame, _ = load('timestamp,futures_price,open_interest,"a\nnote"\n2024-01-02,4000,20000,x\n')
    assert list(frame.columns) == ["timestamp", "futures_price", "open_interest", "a\nnote"]


def test_two_columns_of_one_market_name_are_refused_on_the_fast_path_too():
    assert refused("timestamp,Open Interest,open_interest,futures_price\n2024-01-02,1,2,3\n").startswith(
        "the buffer line 1 has two columns that read as 'open_interest'")


def test_mapped_columns_are_parsed_as_numbers_in_the_split():
    text = "Date,Close,OI\n2024-01-02,4000.25,20000\n2024-01-03,4001.5,20010\n"
    frame, note = load(text, columns={"timestamp": "Date", "futures_price": " Close ", "open_interest": "OI"})
    assert frame["futures_price"].tolist() == [4000.25, 4001.5]
    assert note == "the buffer: renamed column(s) 'Date'->'timestamp', 'Close'->'futures_price', 'OI'->'open_interest'"


@pytest.mark.parametrize("price, kind", [("600.25", float), ("4000", float)])
def test_small_or_whole_prices_read_the_same_through_either_split(price, kind):
    frame, note = load(H + f"2024-01-02,{price},20000\n")
    assert frame["futures_price"].tolist() == [kind(price)] and note == ""


# -- layouts' helpers --------------------------------------------------------------------------------------------

def test_a_date_column_of_times_and_a_time_column_of_dates_are_not_combined():
    text = "Date,Time,futures_price,open_interest\n09:30,2024-01-02,4000,20000\n"
    assert refused(text) == (f"the buffer is missing column(s) ['timestamp']; its header has ['Date', 'Time', "
                             f"'futures_price', 'open_interest']. {MUST}; rename 'time' to 'timestamp'")


def test_a_date_column_alone_is_proposed_as_the_timestamp():
    text = "Date,futures_price,open_interest\n01/02/2024,4000,20000\n01/03/2024,4001,20010\n"
    assert refused(text).endswith(f"{MUST}; pass columns={{'timestamp': 'Date'}}")
    frame, _ = load(text, columns={"timestamp": "Date"}, dayfirst=False)
    assert frame["timestamp"].tolist() == times("2024-01-02", "2024-01-03")


def test_many_instruments_are_listed_six_and_counted():
    rows = "".join(f"2024-01-02,SYM{i},{4000 + i},{20000 + i}\n" for i in range(9))
    message = refused("timestamp,symbol,futures_price,open_interest\n" + rows, symbol="OTHER")
    assert message.startswith("the buffer has no row with 'symbol' = 'OTHER'; its instruments are 'SYM")
    assert message.endswith("' and 3 more: pass one of them as symbol=") and message.count("'SYM") == 6


def test_a_roll_needs_its_column():
    assert refused(TWO_DAYS, roll="volume") == ("roll='volume' needs a numeric 'volume' column; the buffer has "
                                                "['timestamp', 'futures_price', 'open_interest']")


def test_a_repeated_timestamp_with_no_column_telling_rows_apart_stays_a_duplicate():
    text = H[:-1] + ",volume,note\n2024-01-02,4000,20000,1.5,a\n2024-01-02,4001,20010,2.5,a\n"
    assert refused(text).startswith("the buffer line 3, column 'timestamp': duplicate timestamp '2024-01-02 00:00:00'")


def test_a_text_column_of_many_values_is_not_taken_for_instruments():
    days = pd.date_range("2024-01-02", periods=120).strftime("%Y-%m-%d").tolist()
    days[1] = "2024-01-01"
    rows = "".join(f"{day},{4000 + i},{20000 + i},n{i}\n" for i, day in enumerate(days))
    assert refused(H[:-1] + ",comment\n" + rows).startswith(
        "the buffer line 3, column 'timestamp': out-of-order timestamp '2024-01-01 00:00:00'")


def test_lines_follow_selections_of_selections():
    lines = Lines(first=2)
    assert lines[0] == 2 and lines.where(3) == "line 5"
    taken = lines.take([4, 1]).take([0])
    assert taken[0] == 6
    computed = Lines(compute=lambda: [10, 20, 30], label="row").take([2, 0])
    assert computed.where(0) == "row 30" and computed[1] == 10


# -- what a proposed open-interest column must be ------------------------------------------------------------------

@pytest.mark.parametrize("price, oi, proposed", [
    (4000, "20000,20010", True),       # far above the price level
    (4000, "12000,12000", False),      # exactly 3x the price: could be a price
    (4000, "12001,12001", True),
    (3999, "1333,1333", False),        # exactly a third of the price
    (4000, "1332,1332", True),
    (4000, "0,30000", True),           # zero contracts is a count
    (4000, "-5,20010", False),         # a count is never negative
    (4000, "20000.5,20010", False),    # nor fractional
])
def test_open_interest_is_proposed_only_for_whole_counts_far_from_the_price(price, oi, proposed):
    first, second = oi.split(",")
    message = refused(f"timestamp,futures_price,OI\n2024-01-02,{price},{first}\n2024-01-03,{price},{second}\n")
    assert message.endswith("; pass columns={'open_interest': 'OI'}") == proposed, message


def test_open_interest_is_proposed_when_no_price_column_gives_a_level():
    message = refused("timestamp,level,OI\n2024-01-02,4000,4000\n2024-01-03,4001,4010\n")
    assert message.endswith(f"{MUST}; pass columns={{'open_interest': 'OI'}}")


def test_columns_name_date_time_and_symbol_ignoring_surrounding_spaces():
    text = ("Day , Clock,sym,futures_price,open_interest\n2024-01-02,10:00,A,4000,20000\n2024-01-02,10:00,B,4100,9000\n"
            "2024-01-02,10:05,A,4001,20010\n")
    frame, note = load(text, columns={"date": "Day", "time": " Clock ", "symbol": " sym"}, symbol="A")
    assert frame["timestamp"].tolist() == times("2024-01-02 10:00", "2024-01-02 10:05")
    assert note == ("the buffer: combined 'Day ' and ' Clock' into the timestamp; read the 2 row(s) of 'sym' = 'A'")


def test_a_rolled_series_keeps_its_columns_and_its_lines():
    text = ("timestamp,symbol,futures_price,open_interest\n2024-03-11,MESH4,5100,1500000\n"
            "2024-03-11,MESM4,5150,600000\n2024-03-12,MESH4,-1,900000\n2024-03-12,MESM4,5160,800000\n")
    frame, _ = load(text.replace("-1,", "5110,"), roll="open_interest")
    assert list(frame.columns) == ["timestamp", "symbol", "futures_price", "open_interest"]
    assert refused(text, roll="open_interest").startswith("the buffer line 4, column 'futures_price': must be > 0")


def test_fixed_point_prices_too_small_for_1e9_get_a_power_of_ten():
    assert refused(H + "2024-01-02,30000000000,20000\n").endswith(
        "they look 7 power(s) of ten too large: pass price_scale=1e-7")
    assert refused(H + "2024-01-02,20000000000000,20000\n").endswith(  # 20,000 points exactly in fixed point
        "(integers of 1e-9 points, as Databento's raw encoding writes them): pass price_scale=1e-9")


def test_a_damaged_table_file_says_to_export_it_again():
    sink = io.BytesIO()
    pq.write_table(pa.Table.from_pandas(simulate_market_data(3, seed=1), preserve_index=False), sink)
    assert refused(sink.getvalue()[:60]).endswith("); export or download it again")


def test_a_zoned_value_that_is_no_date_is_refused_at_its_line():
    assert refused(zoned("20240304 09:30:00 US/Eastern", "2024-13-45 09:31:00 US/Eastern")).startswith(
        "the buffer line 3, column 'timestamp': not a date like line 2")


def test_a_clock_time_the_named_zone_repeats_is_refused_at_its_line():
    assert refused(zoned("20241103 00:30:00 US/Eastern", "20241103 01:30:00 US/Eastern")) == (
        "the buffer line 3, column 'timestamp': a clock time that US/Eastern skips or repeats at a DST change "
        "'20241103 01:30:00 US/Eastern'; write the timestamps with their UTC offset (e.g. 2024-11-03 01:30-05:00) or "
        "in UTC")


# -- more of the hints and instruments, each rule at its edge ------------------------------------------------------

def test_a_price_is_proposed_only_from_a_column_of_positive_numbers():
    assert refused("timestamp,Close,open_interest\n2024-01-02,0,20000\n2024-01-03,4000,20010\n").endswith(MUST)
    assert refused("timestamp,Close,open_interest\n2024-01-02,,20000\n2024-01-03,,20010\n").endswith(MUST)
    assert refused("timestamp,Close,open_interest\n2024-01-02,n/a,20000\n2024-01-03,4000,20010\n").endswith(MUST)
    assert refused("timestamp,Close,open_interest\n2024-01-02,0.5,20000\n").endswith(
        f"{MUST}; pass columns={{'futures_price': 'Close'}}")


def test_the_proposed_column_is_the_one_named_like_the_market_column_not_the_first_free_one():
    message = refused("timestamp,Volume,Close,open_interest\n2024-01-02,900,4000,20000\n2024-01-03,800,4001,20010\n")
    assert message.endswith(f"{MUST}; pass columns={{'futures_price': 'Close'}}")


def test_open_interest_written_with_digit_groups_is_proposed():
    message = refused('timestamp,futures_price,OI\n2024-01-02,4000,"1,817,427"\n2024-01-03,4001,"1,817,430"\n')
    assert message.endswith("; pass columns={'open_interest': 'OI'}")


def test_a_near_miss_name_is_not_proposed_when_its_values_sit_at_the_price_level():
    message = refused("timestamp,futures_price,open_interst\n2024-01-02,4000,4001\n2024-01-03,4001,4002\n")
    assert message.endswith(f"{MUST}; {PRICES_ONLY_HINT}")


def test_a_header_that_is_exactly_a_vendor_layout_is_recognised():
    message = refused("time,open,high,low,close\n1709562600,5130.25,5131,5129.5,5130.5\n")
    assert message.endswith("; this is a TradingView chart export: pass columns={'timestamp': 'time', "
                            "'futures_price': 'close'}")


def test_databento_prices_already_in_points_need_no_scale():
    text = ("ts_event,rtype,publisher_id,instrument_id,open,high,low,close,volume\n"
            "2024-03-04T14:30:00.000000000Z,33,1,42140878,5130.0,5131.25,5129.75,5130.25,1200\n")
    assert refused(text).endswith("; this is Databento OHLCV: pass columns={'timestamp': 'ts_event', "
                                  "'futures_price': 'close'} (ts_event is the start of each bar)")


def test_an_integer_instrument_column_of_a_table_selects_by_its_text():
    table = pa.table({"timestamp": pd.to_datetime(["2024-03-11", "2024-03-11", "2024-03-12"]),
                      "instrument_id": [42140878, 42007065, 42140878], "futures_price": [5100.0, 5150.0, 5110.0],
                      "open_interest": [1500000.0, 600000.0, 900000.0]})
    sink = io.BytesIO()
    pq.write_table(table, sink)
    frame, note = load(sink.getvalue(), symbol="42140878")
    assert frame["futures_price"].tolist() == [5100.0, 5110.0]
    assert note == "the buffer: read a parquet table; read the 2 row(s) of 'instrument_id' = '42140878'"


@pytest.mark.parametrize("count, tail", [(6, "'S5': pass"), (7, "'S5' and 1 more: pass")])
def test_instruments_beyond_six_are_counted(count, tail):
    rows = "".join(f"2024-01-02,S{i},{4000 + i},{20000 + i}\n" for i in range(count))
    message = refused("timestamp,symbol,futures_price,open_interest\n" + rows, symbol="X")
    assert message.endswith(f"{tail} one of them as symbol=")


def test_a_comment_column_of_many_values_does_not_hide_the_instrument_column_after_it():
    rows = "".join(f"2024-01-{2 + i // 2:02d},note {i},{'AB'[i % 2]},{4000 + i},{20000 + i}\n" for i in range(60))
    message = refused("timestamp,comment,Contract Name,futures_price,open_interest\n" + rows)
    assert message.startswith("the buffer holds several instruments: column 'Contract Name' has 'A', 'B' (line 3")


def test_an_instrument_column_with_a_gap_on_the_repeated_row_is_not_taken_for_one():
    text = H[:-1] + ",symbol\n2024-01-02,4000,20000,A\n2024-01-02,4001,20010,\n"
    assert refused(text).startswith("the buffer line 3, column 'timestamp': duplicate timestamp")


def test_previous_day_open_interest_without_an_instrument_column_moves_back_one_row():
    text = "BizDt,SettlePrice,PrevDayOI\n2024-03-04,5135.5,1817427\n2024-03-05,5102.75,1820011\n2024-03-06,5120,1811904\n"
    frame, _ = load(text, columns={"timestamp": "BizDt", "futures_price": "SettlePrice", "open_interest": "PrevDayOI"})
    assert frame["open_interest"].tolist() == [1820011.0, 1811904.0]


def test_blank_rows_only_below_the_header_are_no_data_rows():
    assert refused(H + ",,\n,,\n") == ("the buffer has a header but no data rows (it is empty below line 1); add one "
                                       "line per bar")


def test_a_blank_row_between_the_second_and_third_bars_is_refused():
    assert refused(H + "2024-01-02,4000,20000\n2024-01-03,4001,20010\n,,\n2024-01-04,4002,20020\n") == (
        "the buffer line 4 is an empty row between data rows; delete it (or fill in the missing bar)")


def test_an_undecodable_first_byte_is_not_read_as_utf8():
    assert refused(b"\xff" + TWO_DAYS.encode()).startswith(
        "the buffer is missing column(s) ['timestamp']; its header has ['\u00fftimestamp'")


# -- the diagnostic scan reads and refuses exactly as the Arrow split ------------------------------------------------

def scanned(monkeypatch):
    import mesbook.data.loading.records as records

    monkeypatch.setattr(records, "_fast", lambda *args: None)  # every file through the csv-module scan


@pytest.mark.parametrize("case", ["empty row between bars", "one field too few", "not a number", "zero price",
                                  "duplicate", "missing column", "header only", "near-miss header"])
def test_the_scan_refuses_with_the_same_message(case, monkeypatch):
    from test_loader import REFUSED

    content, kwargs, message = REFUSED[case]
    scanned(monkeypatch)
    assert refused(content, **kwargs) == message


def test_the_scan_names_the_first_of_several_inner_blank_rows(monkeypatch):
    scanned(monkeypatch)
    text = H + "2024-01-02,4000,20000\n,,\n\n2024-01-05,4001,20010\n"
    assert refused(text) == "the buffer line 3 is an empty row between data rows; delete it (or fill in the missing bar)"


def test_the_scan_with_names_and_no_rows(monkeypatch):
    scanned(monkeypatch)
    assert refused(",,\n", names=["timestamp", "futures_price", "open_interest"]) == (
        "the buffer has no data rows; add one line per bar")


def test_lines_after_a_value_spanning_lines_are_counted_as_written():
    text = H[:-1] + ',note\n2024-01-02,4000,20000,"two\nlines"\n2024-01-03,4001,20010,x\n2024-01-04,-1,20020,y\n'
    assert refused(text).startswith("the buffer line 5, column 'futures_price': must be > 0")


@pytest.mark.parametrize("ending", ["\r", "\n"])
def test_a_cut_last_line_after_three_rows_names_its_line_on_the_scan(ending, monkeypatch):
    scanned(monkeypatch)
    frame, note = load(ending.join([H[:-1], "2024-01-02,4000,20000", "2024-01-03,4001,20010", "2024-01-04,4002,1"]))
    assert frame["open_interest"].tolist() == [20000.0, 20010.0, 1.0]
    assert note == ("the buffer: the last line (line 4) has no line break at its end, as in a file still being "
                    "written: check that its last row is complete")
    frame, note = load(ending.join([H[:-1], "2024-01-02,4000,20000", ""]))
    assert note == ""


def test_fixed_point_prices_anywhere_in_range_are_told_to_scale_by_1e9():
    assert refused(H + "2024-01-02,2000000000000,20000\n").endswith("pass price_scale=1e-9")  # 2,000 points
    assert refused(H + "2024-01-02,500000000000,20000\n").endswith("pass price_scale=1e-9")   # 500 points, the floor
    assert refused(H + "2024-01-02,499000000000,20000\n").endswith("pass price_scale=1e-8")   # 4,990 points


def test_two_value_fields_on_the_first_line_mean_no_header():
    message = refused("2024-01-02,4000.25,abc\n2024-01-03,4001.5,def\n")
    assert message.endswith("(the file has no header line): pass names= with one name per column, e.g. "
                            "names=['timestamp', 'futures_price', 'open_interest']")
    assert not refused("Date,4000.25,abc\n2024-01-03,4001.5,def\n").endswith("'open_interest']")


@pytest.mark.parametrize("distinct, named", [(50, True), (51, False)])
def test_a_text_column_of_up_to_50_values_can_be_the_instrument_column(distinct, named):
    rows = [f"2024-01-{1 + (i % 28):02d},{4000 + i},{20000 + i},c{i % distinct}" for i in range(56)]
    rows.sort()
    text = H[:-1] + ",comment\n" + "\n".join(rows) + "\n"
    message = refused(text)
    assert message.startswith("the buffer holds several instruments: column 'comment'") == named, message


# -- fast paths give what the reference paths give, and are the ones taken --------------------------------------------

@pytest.mark.parametrize("values, dtype, expected", [
    (("100", "250"), "int64", [100, 250]),
    (("1.5", "2"), "float64", [1.5, 2.0]),
    (("1e3", "2e3"), "int64", [1000, 2000]),      # whole, written without a decimal mark
    (("2.0", "3.0"), "float64", [2.0, 3.0]),      # whole, written with one: stays float
])
def test_plain_extra_columns_are_read_by_arrow_not_the_text_path(values, dtype, expected, monkeypatch):
    import mesbook.data.loading.numbers as numbers

    monkeypatch.setattr(numbers, "_extra_text", lambda *args: pytest.fail("the text path read a plain column"))
    frame, _ = load(H[:-1] + f",volume\n2024-01-02,4000,20000,{values[0]}\n2024-01-03,4001,20010,{values[1]}\n")
    assert str(frame["volume"].dtype) == dtype and frame["volume"].tolist() == expected


@pytest.mark.parametrize("stamps, unit", [(("2024-01-02 09:30", "2024-01-02 09:31"), "us"),
                                          (("2024-01-02 09:30:00.000000001", "2024-01-02 09:31"), "ns")])
def test_parsed_timestamps_are_microseconds_unless_a_value_needs_nanoseconds(stamps, unit):
    frame, _ = load(H + f"{stamps[0]},4000,20000\n{stamps[1]},4001,20010\n")
    assert str(frame["timestamp"].dtype) == f"datetime64[{unit}]"
    assert frame["timestamp"].tolist() == [pd.Timestamp(s) for s in stamps]
    frame, _ = load(H + "02/01/2024 09:30,4000,20000\n03/01/2024 09:31,4001,20010\n", dayfirst=True)
    assert str(frame["timestamp"].dtype) == "datetime64[us]"


def test_a_guessed_format_in_a_skipped_hour_of_tz_is_refused_quoting_the_text():
    assert refused(H + "10/03/2024 01:30,4000,20000\n10/03/2024 02:30,4001,20010\n", dayfirst=True,
                   tz="America/New_York") == (
        "the buffer line 3, column 'timestamp': a clock time that America/New_York skips or repeats at a DST change "
        "'10/03/2024 02:30'; write the timestamps with their UTC offset (e.g. 2024-11-03 01:30-05:00) or in UTC with "
        "tz='UTC'")


def test_a_grouping_dot_value_after_a_plain_one_is_still_ambiguous():
    assert refused(H + "2024-01-02,4000,20000\n2024-01-03,4.012,20010\n") == (
        "the buffer line 3, column 'futures_price': '4.012' reads as 4.012 with decimal='.', thousands=None and as "
        "4012 with decimal=',', thousands='.'; pass decimal= and thousands= to say which")


@pytest.mark.parametrize("mark", ["^", "[", "]", "\\"])
def test_a_mark_a_pattern_would_misread_is_refused(mark):
    assert refused(TWO_DAYS, thousands=mark) == (f"thousands must be one non-digit character such as '.' or ',', got "
                                                 f"{mark!r}")


# -- the fast split: which files are parsed in one typed pass, and which never need the scan -------------------

def split_types(text: str, **options) -> list[str]:
    """The Arrow types ``read_records`` gives the columns of ``text`` (typed: the one-pass split; string: text)."""
    from mesbook.data.loading.common import Load, Options
    from mesbook.data.loading.records import read_records
    from mesbook.data.loading.source import Text

    records, _ = read_records(Text(text.encode("utf-8")), Load(Options(**options)))
    return [str(column.type) for column in records.columns]


TYPED, TEXT = ["timestamp[ns]", "double", "double"], ["string", "string", "string"]


@pytest.mark.parametrize("rows, options, types", [
    ("2024-01-02,4000.25,20000\n2024-01-03,4001.5,500\n", {}, TYPED),  # the common file (a small integer count too)
    ("2024-01-02,4000.25,20000\n", {"decimal": "."}, TYPED),
    ("2024-01-02,999.5,20000\n", {"decimal": "."}, TYPED),  # decimal='.' given: no other reading to rule out
    ("2024-01-02,999.5,20000\n", {}, TEXT),  # 999.5 might be written with a grouping dot: the text decides
    ("2024-01-02,1000.5,20000\n", {}, TYPED),  # from 1,000 a dotted value has no grouped reading
    ("2024-01-02,4000,20000\n", {"decimal": ","}, TEXT),
    ("2024-01-02,4000,20000\n", {"thousands": ","}, TEXT),
    ("2024-01-02,inf,20000\n", {}, TEXT),  # refused by the text path, which names it
    ("2024-01-02,NA,20000\n", {}, TEXT),  # a missing value: the text path names it
    ("2024-01-02,4000.25,\n", {}, TEXT),
    ("NA,4000.25,20000\n", {}, TEXT),
    ("2024-01-02,4000.25,20000\n", {"date_format": "%Y-%m-%d"}, ["string", "double", "double"]),
])
def test_the_common_file_is_split_in_one_typed_pass(rows, options, types):
    assert split_types(H + rows, **options) == types


def test_a_semicolon_file_is_split_in_one_typed_pass():
    assert split_types(H.replace(",", ";") + "2024-01-02;4000.25;20000\n") == TYPED


def test_a_mapped_header_is_split_in_one_typed_pass():
    assert split_types("Date,Close,OI\n2024-01-02,4000.25,20000\n",
                       columns={"timestamp": "Date", "futures_price": " Close ", "open_interest": "OI"}) == TYPED
    assert split_types("timestamp,Close,open_interest\n2024-01-02,4000.25,20000\n",
                       columns={"futures_price": "Close"}) == TYPED


@pytest.mark.parametrize("text", [
    "timestamp;futures_price;open_interest\n2024-01-02;4000,25;20000\n2024-01-03;4001,5;20010\n",
    'timestamp,futures_price,open_interest,note\n2024-01-02,4000.25,20000,"a, b"\n2024-01-03,4001.5,20010,""\n',
    "timestamp,futures_price,open_interest,note\n2024-01-02,4000.25,20000,\n2024-01-03,4001.5,20010,NA\n",
    'timestamp,"futures_price","open_interest"\n2024-01-02,4000.25,20000\n2024-01-03,4001.5,20010\n',
    "timestamp,futures_price,open_interest,note\n2024-01-02,4000.25,20000,caf\u00e9\n2024-01-03,4001.5,20010,th\u00e9\n",
    "timestamp,futures_price,open_interest\n2024-01-02,4000.25,20000\n2024-01-03,4001.5,20010\n,,\n,,\n",
    "timestamp,futures_price,open_interest\r2024-01-02,4000.25,20000\r2024-01-03,4001.5,20010\r",  # old Mac line ends
    # every field quoted (as some exports write): the text's first byte opens a field
    '"timestamp","futures_price","open_interest"\n"2024-01-02","4000.25","20000"\n"2024-01-03","4001.5","20010"\n',
])
def test_common_files_never_need_the_scan(text, monkeypatch):
    """Separators, quoted values and empty or 'NA' fields are split by pyarrow exactly (no fallback to the scan)."""
    import mesbook.data.loading.records as records

    def no_scan(*args):
        raise AssertionError("the file went through the diagnostic scan")

    monkeypatch.setattr(records, "scan", no_scan)
    frame, _ = load(text)
    assert frame["futures_price"].tolist() == [4000.25, 4001.5]


def test_a_quote_at_the_last_byte_closes_its_field_without_the_scan(monkeypatch):
    """A file cut after a closing quote (no line break) is split by pyarrow, and its last line noted."""
    import mesbook.data.loading.records as records

    monkeypatch.setattr(records, "scan", lambda *args: pytest.fail("the file went through the diagnostic scan"))
    frame, note = load(H + '2024-01-02,4000.25,20000\n"2024-01-03","4001.5","20010"')
    assert frame["open_interest"].tolist() == [20000.0, 20010.0]
    assert "the last line (line 3) has no line break at its end" in note


@pytest.mark.parametrize("text, message", [
    ('"timestamp"x,futures_price,open_interest\n2024-01-02,4000.25,20000\n', "line 1: ',' expected after '\"'"),
    (H + '2024-01-02,4000.25,"20000"x\n', "line 2: ',' expected after '\"'"),
])
def test_text_after_a_closing_quote_at_either_end_is_refused_by_the_scan(text, message):
    assert message in refused(text)


@pytest.mark.parametrize("text, options", [
    (H + "2024-01-02,999.5,20000\n2024-01-03,1000.25,20010\n", {}),  # text split (999.5), no grouped reading
    (H + "2024-01-02,999.5,20000\n2024-01-03,1000.25,20010\n", {"decimal": "."}),
    ("timestamp,futures_price,open_interest\n2024-01-02,999.5,20000\n2024-01-03,1000.25,20010\n",
     {"date_format": "%Y-%m-%d"}),
])
def test_plain_numbers_split_as_text_are_read_by_arrow_without_deciding_marks(text, options, monkeypatch):
    import mesbook.data.loader as loader

    def no_marks(*args):
        raise AssertionError("the numbers took the pandas path that decides the marks")

    monkeypatch.setattr(loader, "number_marks", no_marks)
    monkeypatch.setattr(loader, "numbers", no_marks)
    frame, _ = load(text, **options)
    assert frame["futures_price"].tolist() == [999.5, 1000.25]


# -- the front: stamps=, and a prices-only file with open interest attached by release time ----------------------

def test_bar_start_stamps_move_to_each_bars_close():
    frame, _ = load(H + "2024-01-02 10:00,4000.25,20000\n2024-01-02 10:01,4001.5,20010\n", stamps="start")
    assert frame["timestamp"].tolist() == times("2024-01-02 10:01", "2024-01-02 10:02")
    frame, _ = load(H + "2024-01-02 10:00,4000.25,20000\n2024-01-02 10:01,4001.5,20010\n", stamps="end")
    assert frame["timestamp"].tolist() == times("2024-01-02 10:00", "2024-01-02 10:01")


PRICES = "timestamp,futures_price\n2024-01-02,4000.25\n2024-01-03,4001.5\n2024-01-04,4002.75\n"


def oi_table() -> pd.DataFrame:
    return pd.DataFrame({"as_of": pd.to_datetime(["2024-01-02", "2024-01-03"]), "open_interest": [21000.0, 22000.0],
                         "released": pd.to_datetime(["2024-01-03 09:00", "2024-01-04 16:00"])})


def test_a_prices_only_file_gets_the_open_interest_released_by_each_close():
    """Daily bars close at 15:00 CT: the 2 January bar closes before any figure is out (dropped), the 3 January bar
    gets the figure released at 09:00 that day, and so does the 4 January bar: the next is out at 16:00, after it."""
    table = oi_table()
    frame, note = load(PRICES, open_interest=table)
    assert frame["timestamp"].tolist() == times("2024-01-03", "2024-01-04")
    assert frame.index.tolist() == [0, 1]
    assert frame["futures_price"].tolist() == [4001.5, 4002.75]
    assert frame["open_interest"].tolist() == [21000.0, 21000.0]
    assert frame["oi_as_of"].tolist() == times("2024-01-02", "2024-01-02")
    assert frame["oi_released"].tolist() == times("2024-01-03 09:00", "2024-01-03 09:00")
    assert list(frame.columns) == ["timestamp", "futures_price", "open_interest", "oi_as_of", "oi_released"]
    assert table.equals(oi_table())  # the caller's table is not modified


def test_oi_release_decides_when_each_attached_figure_is_out():
    """FixedDelay(1 h): each as-of day's figure is out at 16:00 that day (its 15:00 close + 1 h), so the 4 January
    bar gets the 3 January figure, which the table's own 'released' column would hold back until 16:00 on the 4th."""
    from mesbook.data.release import FixedDelay

    frame, _ = load(PRICES, open_interest=oi_table(), oi_release=FixedDelay(pd.Timedelta("1h")))
    assert frame["timestamp"].tolist() == times("2024-01-03", "2024-01-04")
    assert frame["open_interest"].tolist() == [21000.0, 22000.0]
    assert frame["oi_released"].tolist() == times("2024-01-02 16:00", "2024-01-03 16:00")


def test_open_interest_cftc_attaches_the_packaged_weekly_figure_by_its_release():
    """The CFTC publishes Tuesday's positions on Friday at 3:30 p.m. ET (14:30 CT): the daily bars of 4 to 7 March
    2024 get the figure as of 27 February (out 1 March); the bar of Friday 8 March, closing at 15:00 CT, the one
    as of 5 March."""
    from mesbook.data.real import load_cftc_open_interest

    text = "timestamp,futures_price\n" + "".join(f"2024-03-0{d},{5100 + d}\n" for d in range(4, 9))
    frame, _ = load(text, open_interest="cftc")
    assert frame["oi_as_of"].tolist() == times(*["2024-02-27"] * 4, "2024-03-05")
    assert frame["oi_released"].tolist() == times(*["2024-03-01 14:30"] * 4, "2024-03-08 14:30")
    cftc = load_cftc_open_interest().set_index("as_of")["open_interest"]
    assert frame["open_interest"].tolist() == [cftc[pd.Timestamp("2024-02-27")]] * 4 + [cftc[pd.Timestamp("2024-03-05")]]



@pytest.mark.parametrize("kwargs, message", [
    ({"stamps": "middle"}, "stamps must be one of ('start', 'end'): does the file stamp each bar at its start or its "
                           "end? got 'middle'"),
    ({"oi_release": object()}, "oi_release= says when an attached open-interest series is released; pass the series "
                               "as open_interest= (or 'cftc'), or drop oi_release= to read the file's own column"),
    ({"open_interest": "CFTC"}, "open_interest must be 'cftc' (the packaged weekly CFTC series), an OI table or "
                                "Series, or None (the file's column); got 'CFTC'"),
    ({"open_interest": "cftc", "roll": "open_interest"},
     "roll='open_interest' needs the file's open interest, and open_interest= attaches it from elsewhere; pass "
     "roll='volume' or symbol="),
])
def test_a_bad_front_argument_is_refused_naming_it(kwargs, message):
    assert refused(PRICES, **kwargs) == message


def test_a_file_with_its_own_open_interest_and_an_attached_one_is_refused():
    text = "timestamp,futures_price,Open Interest\n2024-01-03,4001.5,20000\n"
    assert refused(text, open_interest=oi_table()) == (
        "the buffer has an open-interest column ('Open Interest') and open_interest= attaches it from elsewhere; "
        "drop open_interest= to read the file's own")


@pytest.mark.parametrize("name", ["timestamp,futures_price,open_interest", "a;b"])
def test_a_table_file_of_one_column_gets_no_separator_hint(name):
    """sep= splits CSV lines, not the column names of a Parquet file: no hint proposes it there."""
    frame = pd.DataFrame({name: ["2024-01-02,4000.25,20000"]})
    assert refused(parquet(frame)) == (
        f"the buffer is missing column(s) ['timestamp', 'futures_price', 'open_interest']; its header has [{name!r}]. "
        f"{MUST}")


def test_symbol_on_a_prices_only_file_without_a_symbol_column_quotes_its_header():
    assert refused(PRICES, open_interest=oi_table(), symbol="MESH4") == (
        "symbol='MESH4' picks rows by the column naming each instrument, and the buffer has none I know "
        "(['timestamp', 'futures_price']); name it with columns={'symbol': ...}")


def test_a_quoted_value_holding_a_line_break_and_separators_is_one_field():
    """Its second line has the header's field count: split line by line it would pass for a row of its own."""
    text = ('timestamp,futures_price,open_interest,note\n2024-01-02,4000.25,20000,"x\n2024-01-03,4001.5,20010,y"\n'
            "2024-01-04,4002.75,20020,z\n")
    frame, _ = load(text)
    assert frame["timestamp"].tolist() == times("2024-01-02", "2024-01-04")
    assert frame["note"].tolist() == ["x\n2024-01-03,4001.5,20010,y", "z"]
    assert split_types(text) == ["string"] * 4  # read by the scan, which counts the lines


def test_a_row_over_a_mebibyte_is_split_by_pyarrow_in_one_block(monkeypatch):
    """pyarrow reads 16 MiB blocks: a 1.5 MB note (over its default 1 MiB block, and over the csv module's field
    limit, which the scan would refuse) is read without the scan."""
    import mesbook.data.loading.records as records

    monkeypatch.setattr(records, "scan", lambda *args: pytest.fail("the file went through the diagnostic scan"))
    note = "n" * 1_500_000
    frame, _ = load(f"{H[:-1]},note\n2024-01-02,4000.25,20000,{note}\n2024-01-03,4001.5,20010,b\n")
    assert frame["note"].tolist() == [note, "b"]
