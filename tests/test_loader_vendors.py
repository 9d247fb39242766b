"""load_market_data on files in the documented layouts of real vendors, one test per layout.

Each file is built from the vendor's documented format (the page is cited in the test) with known values.
A test asserts the exact refusal and its fix, then follows the fix and asserts that the right column was
loaded (where the layout holds no open interest, the fix leads to the one refusal left, "missing column(s)
['open_interest']", or the test adds an ``open_interest`` column as a user who merged one would).
"""
from __future__ import annotations

import pandas as pd
import pytest

from loader_support import load, refused

from mesbook.data.loading.header import PRICES_ONLY_HINT

MUST = "The header must include timestamp, futures_price, open_interest (case and spaces do not matter)"


def csv(header: str, *rows: str, end: str = "\n") -> str:
    return end.join([header, *rows]) + end


def times(*values) -> list:
    return pd.to_datetime(list(values)).tolist()


def missing(header: list, columns: list) -> str:
    """The refusal; a prices-only file (only open interest missing) is pointed to attaching it by release time."""
    hint = f"; {PRICES_ONLY_HINT}" if columns == ["open_interest"] else ""
    return f"the buffer is missing column(s) {columns}; its header has {header}. {MUST}{hint}"


# -- CME DataMine settlements ----------------------------------------------------------------------------------
# Source: CME Group DataMine, "End of Market Summary - Basic Plus" (settlement files cme.settle.s.YYYYMMDD.csv with
# settlement price, volume and open interest), https://cmegroupclientsite.atlassian.net/wiki/spaces/EPICSANDBOX/
# pages/457225592/End+of+Market+Summary+-+Basic+Plus ; what the columns mean: https://www.cmegroup.com/trading/
# about-settlements.html . Columns as the settlement CSV writes them (BizDt ... PrevDayVol, PrevDayOI ...).
CME_HEADER = ("BizDt,Sym,ID,StrkPx,SecTyp,MMY,MatDt,PutCall,Exch,Desc,LastTrdDt,BidPrice,OpeningPrice,SettlePrice,"
              "SettleDelta,HighLimit,LowLimit,DHighPrice,DLowPrice,HighBid,LowBid,PrevDayVol,PrevDayOI,FixingPrice,"
              "UndlyExch,UndlyID,UndlySecTyp,UndlyMMY,BankBusDay")


def cme_row(day: str, mmy: str, opening: float, settle: float, prev_oi: int) -> str:
    return (f"{day},MES,MES,,FUT,{mmy},2024-03-15,,CME,,2024-03-15,,{opening},{settle},,,,{settle + 10},"
            f"{opening - 10},,,1500,{prev_oi},,,,,,{day}")


CME_DAYS = [cme_row("2024-03-04", "202403", 5130.25, 5135.5, 1817427), cme_row("2024-03-05", "202403", 5136.0, 5102.75,
            1820011), cme_row("2024-03-06", "202403", 5103.0, 5120.25, 1811904)]


def test_cme_settlements_use_prevdayoi_moved_back_to_its_day_never_the_opening_price():
    text = csv(CME_HEADER, *CME_DAYS)
    message = refused(text)
    assert message == (missing(CME_HEADER.split(","), ["timestamp", "futures_price", "open_interest"]) +
                       "; this is a CME DataMine settlement file: pass columns={'timestamp': 'BizDt', 'futures_price': "
                       "'SettlePrice', 'open_interest': 'PrevDayOI'} (PrevDayOI is the previous trading day's open "
                       "interest: it is moved back one row to that day)")
    assert "OpeningPrice" not in message.split(MUST)[1]
    frame, note = load(text, columns={"timestamp": "BizDt", "futures_price": "SettlePrice",
                                      "open_interest": "PrevDayOI"})
    assert frame["timestamp"].tolist() == times("2024-03-04", "2024-03-05")
    assert frame["futures_price"].tolist() == [5135.5, 5102.75]  # settlements, not opening prices
    assert frame["open_interest"].tolist() == [1820011.0, 1811904.0]  # each day's OI, from the next day's PrevDayOI
    assert note == ("the buffer: renamed column(s) 'BizDt'->'timestamp', 'SettlePrice'->'futures_price', "
                    "'PrevDayOI'->'open_interest'; moved 'PrevDayOI' (the previous trading day's open interest) back "
                    "one row to the day it counts; dropped the last day of each instrument (1 row(s)), whose open "
                    "interest the file does not hold yet")


def test_cme_settlements_with_two_contract_months_a_day_name_the_month_column():
    rows = []
    for day, front, back in (("2024-03-04", 1817427, 402110), ("2024-03-05", 1820011, 450334),
                             ("2024-03-06", 1811904, 512270)):
        rows += [cme_row(day, "202403", 5130.0, 5135.5, front), cme_row(day, "202406", 5190.0, 5196.25, back)]
    columns = {"timestamp": "BizDt", "futures_price": "SettlePrice", "open_interest": "PrevDayOI"}
    message = refused(csv(CME_HEADER, *rows), columns=columns)
    assert message == ("the buffer holds several instruments: column 'MMY' has '202403', '202406' (line 3 and line 2 "
                       "are '202406' and '202403' at '2024-03-04 00:00:00'); pass symbol='202403' (or another of "
                       "them) to read one instrument, or roll='open_interest' for a front-month series (at each "
                       "timestamp, the contract with the most open interest), with columns={'symbol': 'MMY'}")
    assert "drop duplicates" not in message and "daylight" not in message
    frame, note = load(csv(CME_HEADER, *rows), columns={**columns, "symbol": "MMY"}, symbol="202406")
    assert frame["futures_price"].tolist() == [5196.25, 5196.25]
    assert frame["open_interest"].tolist() == [450334.0, 512270.0]  # June's own OI, one day back
    rolled, note = load(csv(CME_HEADER, *rows), columns={**columns, "symbol": "MMY"}, roll="open_interest")
    assert rolled["MMY"].tolist() == [202403, 202403]  # March holds the most open interest on both days
    assert "built a front-month series: at each timestamp the row with the most open interest (2 of 4 rows)" in note


# -- Databento OHLCV -----------------------------------------------------------------------------------------
# Source: Databento, "Aggregate bars (OHLCV)", https://databento.com/docs/schemas/ohlcv : fields ts_event (bar
# start, nanoseconds since the UNIX epoch), rtype (33 = OHLCV-1m), publisher_id, instrument_id, open/high/low/close
# as signed integers where 1 unit is 1e-9, volume; CSV output with symbols mapped adds a symbol column.
DB_HEADER = "ts_event,rtype,publisher_id,instrument_id,open,high,low,close,volume,symbol"
# 2024-03-04 14:30 and 14:31 UTC = 08:30 and 08:31 in Chicago (CST)
DB_ROWS = ("1709562600000000000,33,1,42140878,5130000000000,5131250000000,5129750000000,5130250000000,1200,MESH4",
           "1709562660000000000,33,1,42140878,5130250000000,5131000000000,5130000000000,5130750000000,900,MESH4")


def test_databento_ohlcv_maps_ts_event_and_close_and_rescales_fixed_point_prices():
    message = refused(csv(DB_HEADER, *DB_ROWS))
    assert message == (missing(DB_HEADER.split(","), ["timestamp", "futures_price", "open_interest"]) +
                       "; this is Databento OHLCV: pass columns={'timestamp': 'ts_event', 'futures_price': 'close'}, "
                       "price_scale=1e-9 (its prices are fixed-point integers (1 unit = 1e-9); ts_event is the start "
                       "of each bar)")
    fix = {"columns": {"timestamp": "ts_event", "futures_price": "close"}, "price_scale": 1e-9}
    assert refused(csv(DB_HEADER, *DB_ROWS), **fix) == missing(DB_HEADER.split(","), ["open_interest"])
    merged = csv(DB_HEADER + ",open_interest", DB_ROWS[0] + ",1817427", DB_ROWS[1] + ",1817430")
    frame, note = load(merged, **fix)
    assert frame["timestamp"].tolist() == times("2024-03-04 08:30", "2024-03-04 08:31")
    assert frame["futures_price"].tolist() == [5130.25, 5130.75]
    assert "prices multiplied by price_scale=1e-9" in note


def test_databento_prices_renamed_without_the_scale_are_refused_with_it():
    text = csv("timestamp,rtype,publisher_id,instrument_id,open,high,low,futures_price,volume,symbol,open_interest",
               DB_ROWS[0] + ",1817427", DB_ROWS[1] + ",1817430")
    assert refused(text) == ("the buffer line 2, column 'futures_price': prices around 5.1305e+12 are not index points "
                             "(this loader takes 500 to 20,000), e.g. '5130250000000.0'; they look like fixed-point "
                             "prices (integers of 1e-9 points, as Databento's raw encoding writes them): pass "
                             "price_scale=1e-9")
    assert load(text, price_scale=1e-9)[0]["futures_price"].tolist() == [5130.25, 5130.75]


def test_databento_roll_week_with_two_instruments_names_the_symbol_column():
    rows = [DB_ROWS[0] + ",1817427", DB_ROWS[0].replace("42140878", "42007065").replace("MESH4", "MESM4") + ",402110",
            DB_ROWS[1] + ",1817430", DB_ROWS[1].replace("42140878", "42007065").replace("MESH4", "MESM4") + ",402200"]
    text = csv(DB_HEADER + ",open_interest", *rows)
    fix = {"columns": {"timestamp": "ts_event", "futures_price": "close"}, "price_scale": 1e-9}
    assert refused(text, **fix) == (
        "the buffer holds several instruments: column 'symbol' has 'MESH4', 'MESM4' (line 3 and line 2 are 'MESM4' "
        "and 'MESH4' at '2024-03-04 08:30:00'); pass symbol='MESH4' (or another of them) to read one instrument, or "
        "roll='open_interest' for a front-month series (at each timestamp, the contract with the most open interest)")
    frame, _ = load(text, symbol="MESM4", **fix)
    assert frame["open_interest"].tolist() == [402110.0, 402200.0] and set(frame["symbol"]) == {"MESM4"}


# -- Barchart ------------------------------------------------------------------------------------------------
# Source: Barchart, end-of-day futures files and field definitions (Open, High, Low, Last, Volume, OI = contracts
# not yet liquidated), http://www.barchart.com/sample/support/datahlp.htm and https://barchartsolutions.atlassian.net/
# wiki/spaces/~111628761/pages/831389707/History ; the historical download's header is
# Time,Open,High,Low,Last,Change,%Chg,Volume,Open Int with month/day/year dates in Time.
BARCHART = csv("Time,Open,High,Low,Last,Change,%Chg,Volume,Open Int",
               "03/13/2024,5180.00,5190.25,5170.50,5175.25,-4.75,-0.09%,1523344,1811904",
               "03/14/2024,5176.00,5188.00,5150.00,5162.75,-12.50,-0.24%,1730210,1790112")


def test_barchart_download_maps_time_last_and_open_int():
    assert refused(BARCHART) == (missing(["Time", "Open", "High", "Low", "Last", "Change", "%Chg", "Volume", "Open Int"],
                                         ["timestamp", "futures_price", "open_interest"]) +
                                 "; this is a Barchart download: pass columns={'timestamp': 'Time', 'futures_price': "
                                 "'Last', 'open_interest': 'Open Int'}")
    frame, _ = load(BARCHART, columns={"timestamp": "Time", "futures_price": "Last", "open_interest": "Open Int"})
    assert frame["timestamp"].tolist() == times("2024-03-13", "2024-03-14")
    assert frame["futures_price"].tolist() == [5175.25, 5162.75]
    assert frame["open_interest"].tolist() == [1811904.0, 1790112.0]


# -- Kibot -----------------------------------------------------------------------------------------------------
# Source: Kibot, "data format for historical text files", http://www.kibot.com/Data_Format.aspx : comma-delimited,
# fields Date,Time,Open,High,Low,Close,Volume, dates mm/dd/yyyy, times hh:mm in US Eastern time, a bar stamped with
# the minute it opens.
KIBOT_ROWS = ("03/04/2024,09:30,5130.25,5131.00,5129.50,5130.50,1200",
              "03/04/2024,09:31,5130.50,5132.00,5130.00,5131.75,900")


def test_kibot_file_without_a_header_gets_names_and_its_zone_and_never_time_as_timestamp():
    message = refused(csv(*KIBOT_ROWS))
    assert message == (missing(KIBOT_ROWS[0].split(","), ["timestamp", "futures_price", "open_interest"]) +
                       "; this is a Kibot file (no header line): pass names=['date', 'time', 'open', 'high', 'low', "
                       "'futures_price', 'volume'], dayfirst=False, tz='America/New_York'")
    fix = {"names": ["date", "time", "open", "high", "low", "futures_price", "volume"], "dayfirst": False,
           "tz": "America/New_York"}
    assert refused(csv(*KIBOT_ROWS), **fix) == missing(fix["names"], ["open_interest"])  # no OI in Kibot's files
    frame, note = load(csv(*(row + f",{oi}" for row, oi in zip(KIBOT_ROWS, (1817427, 1817430)))),
                       **{**fix, "names": [*fix["names"], "open_interest"]})
    assert frame["timestamp"].tolist() == times("2024-03-04 08:30", "2024-03-04 08:31")  # 09:30 New York
    assert frame["futures_price"].tolist() == [5130.5, 5131.75]
    assert note.startswith("the buffer: combined 'date' and 'time' into the timestamp")


# -- Sierra Chart --------------------------------------------------------------------------------------------
# Source: Sierra Chart, "Text/CSV Data Format" (first line is the header; comma, tab or semicolon delimiters),
# http://www.sierrachart.com/index.php?page=doc/TextCSVDataFormat.html , and the bar data it writes (Date, Time,
# Open, High, Low, Last, Volume, # of Trades, Bid Vol, Ask Vol), http://www.sierrachart.com/index.php?page=doc/
# StudiesReference.php&ID=379 ; intraday exports write a space after each comma of the header.
SIERRA = csv("Date, Time, Open, High, Low, Last, Volume, NumberOfTrades, BidVolume, AskVolume",
             "2024/03/04, 08:30:00, 5130.25, 5131.00, 5129.50, 5130.50, 1200, 310, 600, 600",
             "2024/03/04, 08:31:00, 5130.50, 5132.00, 5130.00, 5131.75, 900, 240, 400, 500")


def test_sierra_chart_export_combines_date_and_time_and_maps_last():
    header = ["Date", " Time", " Open", " High", " Low", " Last", " Volume", " NumberOfTrades", " BidVolume",
              " AskVolume"]
    message = refused(SIERRA)
    assert message == (missing(header, ["futures_price", "open_interest"]) +
                       "; this is a Sierra Chart export: pass columns={'futures_price': ' Last'}")
    assert "'Time' to 'timestamp'" not in message
    assert refused(SIERRA, columns={"futures_price": "Last"}) == missing(header, ["open_interest"])
    with_oi = SIERRA.replace("AskVolume\n", "AskVolume, OpenInterest\n").replace(" 600\n", " 600, 1817427\n") \
        .replace(" 500\n", " 500, 1817430\n")
    frame, note = load(with_oi, columns={"futures_price": "Last"})
    assert frame["timestamp"].tolist() == times("2024-03-04 08:30", "2024-03-04 08:31")
    assert frame["futures_price"].tolist() == [5130.5, 5131.75]
    assert frame["open_interest"].tolist() == [1817427.0, 1817430.0]
    assert "combined 'Date' and ' Time' into the timestamp" in note


# -- NinjaTrader ---------------------------------------------------------------------------------------------
# Source: NinjaTrader Help Guide, "Import" (minute bars: one bar a line, fields separated by ';',
# yyyyMMdd HHmmss;open;high;low;close;volume, no header), http://www.ninjatrader-support.com/HelpGuideV6/Import.html ;
# NinjaTrader 8 writes its exports in UTC, https://ninjatrader.com/support/helpGuides/nt8/en-us/importing.htm .
NINJA = csv("20240304 143000;5130.25;5131.00;5129.50;5130.50;1200", "20240304 143100;5130.50;5132.00;5130.00;5131.75;900")


def test_ninjatrader_minute_file_gets_names_format_and_utc():
    message = refused(NINJA)
    assert message.endswith("; this is a NinjaTrader minute file (no header line): pass names=['timestamp', 'open', "
                            "'high', 'low', 'futures_price', 'volume'], date_format='%Y%m%d %H%M%S', tz='UTC'")
    names = ["timestamp", "open", "high", "low", "futures_price", "volume", "open_interest"]
    with_oi = NINJA.replace(";1200\n", ";1200;1817427\n").replace(";900\n", ";900;1817430\n")
    frame, _ = load(with_oi, names=names, date_format="%Y%m%d %H%M%S", tz="UTC")
    assert frame["timestamp"].tolist() == times("2024-03-04 08:30", "2024-03-04 08:31")  # 14:30 UTC = 08:30 CST
    assert frame["futures_price"].tolist() == [5130.5, 5131.75]


# -- FirstRate Data ------------------------------------------------------------------------------------------
# Source: FirstRate Data, futures API documentation (zip archives of .txt files in CSV format; format and time zone
# in the bundle's readme, https://firstratedata.com/_readme/futures.txt ), https://firstratedata.com/about/
# api-docs?type=futures : bars as timestamp,open,high,low,close,volume without a header, US Eastern time.
FIRSTRATE = csv("2024-03-04 09:30:00,5130.25,5131.0,5129.5,5130.5,1200", "2024-03-04 09:31:00,5130.5,5132.0,5130.0,5131.75,900")


def test_firstrate_file_without_a_header_gets_names_and_its_zone():
    assert refused(FIRSTRATE).endswith("; this is a FirstRate Data file (no header line): pass names=['timestamp', "
                                       "'open', 'high', 'low', 'futures_price', 'volume'], tz='America/New_York'")
    names = ["timestamp", "open", "high", "low", "futures_price", "volume"]
    assert refused(FIRSTRATE, names=names, tz="America/New_York") == missing(names, ["open_interest"])


# -- Interactive Brokers ---------------------------------------------------------------------------------------
# Source: Interactive Brokers TWS API, historical bars (formatDate 1: "yyyymmdd HH:mm:ss ttt", ttt the time zone),
# http://www.interactivebrokers.com/php/apiUsersGuide/apiguide/c/reqhistoricaldata.htm and
# https://interactivebrokers.github.io/tws-api/historical_bars.html ; bars carry open, high, low, close, volume,
# average (WAP) and bar count.
IB_HEADER = "date,open,high,low,close,volume,average,barCount"
IB_ROWS = ("20240304 09:30:00 US/Eastern,5130.25,5131.0,5129.5,5130.5,1200,5130.2,310",
           "20240311 09:30:00 US/Eastern,5160.0,5161.0,5158.5,5159.25,900,5159.9,240")


def test_interactive_brokers_zone_names_become_tz_naive_exchange_time():
    assert refused(csv(IB_HEADER, *IB_ROWS)) == (
        missing(IB_HEADER.split(","), ["timestamp", "futures_price", "open_interest"]) +
        "; this is an Interactive Brokers bar export: pass columns={'timestamp': 'date', 'futures_price': 'close'}")
    text = csv(IB_HEADER + ",open_interest", IB_ROWS[0] + ",1817427", IB_ROWS[1] + ",1790112")
    frame, note = load(text, columns={"timestamp": "date", "futures_price": "close"})
    # 09:30 New York is 08:30 Chicago on both sides of the 2024-03-10 change (both cities move together)
    assert frame["timestamp"].tolist() == times("2024-03-04 08:30", "2024-03-11 08:30")
    assert frame["timestamp"].dt.tz is None
    assert "converted zone names (US/Eastern) to exchange time America/Chicago (tz-naive)" in note
    declared, _ = load(text, columns={"timestamp": "date", "futures_price": "close"}, date_format="%Y%m%d %H:%M:%S %Z")
    assert declared["timestamp"].tolist() == frame["timestamp"].tolist() and declared["timestamp"].dt.tz is None


# -- TradingView -----------------------------------------------------------------------------------------------
# Source: TradingView's "Export chart data" columns time, open, high, low, close (+ Volume),
# https://smartswingtools.com/docs/ssi-pro/csv-export ; time as a UNIX timestamp,
# https://tradingview.com/pine-script-docs/concepts/time/ .
TRADINGVIEW = csv("time,open,high,low,close,Volume", "1709562600,5130.25,5131,5129.5,5130.5,1200",
                  "1709562660,5130.5,5132,5130,5131.75,900")


def test_tradingview_export_maps_time_and_close_and_reads_unix_seconds():
    assert refused(TRADINGVIEW) == (missing(["time", "open", "high", "low", "close", "Volume"],
                                            ["timestamp", "futures_price", "open_interest"]) +
                                    "; this is a TradingView chart export: pass columns={'timestamp': 'time', "
                                    "'futures_price': 'close'}")
    with_oi = TRADINGVIEW.replace("Volume\n", "Volume,open_interest\n").replace(",1200\n", ",1200,1817427\n") \
        .replace(",900\n", ",900,1817430\n")
    frame, note = load(with_oi, columns={"timestamp": "time", "futures_price": "close"})
    assert frame["timestamp"].tolist() == times("2024-03-04 08:30", "2024-03-04 08:31")
    assert frame["futures_price"].tolist() == [5130.5, 5131.75]
    assert "timestamps read as Unix seconds (UTC)" in note


# -- Yahoo Finance ---------------------------------------------------------------------------------------------
# Source: Yahoo! Finance Help, "Historical Quotes" (daily open, high, low, close, volume and an Adjusted Close column;
# "Download to Spreadsheet"), http://help.yahoo.com/l/us/yahoo/finance/quotes/quote-12.html .
YAHOO = csv("Date,Open,High,Low,Close,Adj Close,Volume", "2024-03-04,5130.25,5149.5,5117.0,5135.5,5135.5,1523344",
            "2024-03-05,5136.0,5140.0,5090.0,5102.75,5102.75,1730210")


def test_yahoo_download_maps_date_and_close_never_adj_close():
    message = refused(YAHOO)
    assert message == (missing(["Date", "Open", "High", "Low", "Close", "Adj Close", "Volume"],
                               ["timestamp", "futures_price", "open_interest"]) +
                       "; this is a Yahoo Finance download: pass columns={'timestamp': 'Date', 'futures_price': 'Close'}")
    fix = {"columns": {"timestamp": "Date", "futures_price": "Close"}}
    assert refused(YAHOO, **fix) == missing(["Date", "Open", "High", "Low", "Close", "Adj Close", "Volume"],
                                            ["open_interest"])


# -- Norgate Data ----------------------------------------------------------------------------------------------
# Source: Norgate Data, futures package (the Close is the official settlement price),
# https://norgatedata.com/futurespackage.php ; fields Date, Open, High, Low, Close, Volume and Open Interest (open
# interest may be one day late for some exchanges), https://premiumdata.net/products/datatools/ .
NORGATE = csv("Date,Open,High,Low,Close,Volume,Open Interest", "20240304,5130.25,5149.5,5117.0,5135.5,1523344,1817427",
              "20240305,5136.0,5140.0,5090.0,5102.75,1730210,1820011")


def test_norgate_export_maps_date_and_close_and_reads_open_interest():
    assert refused(NORGATE) == (missing(["Date", "Open", "High", "Low", "Close", "Volume", "Open Interest"],
                                        ["timestamp", "futures_price"]) +
                                "; this is a Norgate Data export: pass columns={'timestamp': 'Date', 'futures_price': "
                                "'Close'} (Norgate's Close is the settlement price)")
    frame, _ = load(NORGATE, columns={"timestamp": "Date", "futures_price": "Close"})
    assert frame["timestamp"].tolist() == times("2024-03-04", "2024-03-05")
    assert frame["futures_price"].tolist() == [5135.5, 5102.75]
    assert frame["open_interest"].tolist() == [1817427.0, 1820011.0]
