"""Vendor layouts: what a file from CME, Databento, Barchart, Kibot, ... needs to load, and rows of several instruments.

* **Date and time in two columns** (Kibot, Sierra Chart) are combined into the timestamp, detected from the
  header or named with ``columns={'date': ..., 'time': ...}``.
* **Hints** for a missing market column name a column only after checking its values: a timestamp column must
  hold dates (not times of day), a price column numbers, and an open-interest column whole numbers far from
  the price level (``OpeningPrice`` is never proposed as open interest). Known vendor headers
  (:data:`VENDORS`) get the whole fix: ``columns=``, and ``price_scale=``, ``names=``, ``tz=`` where needed.
* **Several instruments** (a settlement file with two contract months a day, a roll-week file with two
  instruments) are refused naming the column that tells them apart and its values; ``symbol=`` reads one,
  ``roll=`` builds a front-month series. ``PrevDayOI`` (CME: the previous trading day's open interest) is
  moved back to the day it counts.
* **Price scale**: MES prices are index points; prices a power of ten too large or too small (cents, a vendor's
  ÷10,000) or in fixed point (×1e9) are refused with the ``price_scale=`` that rescales them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .common import MARKET_COLUMNS, Load

#: Prices this loader takes as index points. MES, ES and the S&P 500 are quoted in the same points; the S&P 500 first
#: closed above 500 on 24 March 1995, and its lowest close since the E-mini began (1997) is 676.53, on 9 March 2009
#: (https://en.wikipedia.org/wiki/Closing_milestones_of_the_S%26P_500); 20,000 leaves it room to grow. A file a
#: power of ten off is told only where it leaves these bounds: ×10 of 1,500 or ÷10 of 6,000 still fit.
PRICE_RANGE = (500.0, 20_000.0)
#: Decimals of index points a rescaled price keeps: 1e-9 point is the finest unit vendors write (fixed point).
PRICE_DECIMALS = 9
#: Header keys (lower case, letters and digits only) of columns naming a row's instrument.
SYMBOL_KEYS = ("symbol", "sym", "rawsymbol", "instrumentid", "instrument", "ticker", "contract", "mmy",
               "contractmonth", "deliverymonth", "expiry", "expiration")
#: Header keys of a date column and of a time-of-day column that together make the timestamp.
DATE_KEYS, TIME_KEYS = ("date", "tradedate", "bizdt", "day"), ("time", "timeofday")
#: Header keys of open interest the file dates one trading day late (CME's settlement files).
PREVIOUS_DAY_OI = ("prevdayoi", "previousdayopeninterest", "prevdayopeninterest", "priordayoi")
_TIMESTAMP_KEYS = ("timestamp", "datetime", "date", "time", "tsevent", "bizdt", "tradedate", "day")
_PRICE_KEYS = ("close", "settle", "settleprice", "settlement", "settlementprice", "last", "lastprice", "closeprice",
               "price")
_OI_KEYS = ("openinterest", "openint", "oi", "prevdayoi", "previousdayopeninterest", "interest")


def key(name: str) -> str:
    """A header name reduced to lower-case letters and digits (``' Open Int'`` -> ``'openint'``)."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


@dataclass(frozen=True)
class Vendor:
    """A documented vendor layout: how to recognise it and the arguments that load it."""

    name: str
    keys: frozenset  # header keys that all appear in its header
    columns: dict = field(default_factory=dict)  # market column -> header key
    remark: str = ""
    fixed_point: bool = False  # prices may be integers x 1e9


#: The layouts tried (README "Your own data" lists them with their sources).
VENDORS = (
    Vendor("a CME DataMine settlement file", frozenset({"bizdt", "sym", "settleprice", "prevdayoi"}),
           {"timestamp": "bizdt", "futures_price": "settleprice", "open_interest": "prevdayoi"},
           "PrevDayOI is the previous trading day's open interest: it is moved back one row to that day"),
    Vendor("Databento OHLCV", frozenset({"tsevent", "rtype", "publisherid", "instrumentid", "close"}),
           {"timestamp": "tsevent", "futures_price": "close"},
           "ts_event is the start of each bar", fixed_point=True),
    Vendor("a Barchart download", frozenset({"time", "open", "high", "low", "last", "openint"}),
           {"timestamp": "time", "futures_price": "last", "open_interest": "openint"}),
    Vendor("a Yahoo Finance download", frozenset({"date", "open", "high", "low", "close", "adjclose"}),
           {"timestamp": "date", "futures_price": "close"}),
    Vendor("a Sierra Chart export", frozenset({"open", "high", "low", "last", "numberoftrades"}),
           {"futures_price": "last"}),
    Vendor("a Norgate Data export", frozenset({"date", "open", "high", "low", "close", "openinterest"}),
           {"timestamp": "date", "futures_price": "close"}, "Norgate's Close is the settlement price"),
    Vendor("an Interactive Brokers bar export", frozenset({"date", "open", "high", "low", "close", "barcount"}),
           {"timestamp": "date", "futures_price": "close"}),
    Vendor("a TradingView chart export", frozenset({"time", "open", "high", "low", "close"}),
           {"timestamp": "time", "futures_price": "close"}),
)

#: Files without a header line, recognised by their first line: (vendor, pattern, names, other arguments).
HEADERLESS = (
    ("a Kibot file", r"\d\d/\d\d/\d{4},\d\d:\d\d,[^,]+,[^,]+,[^,]+,[^,]+,[^,]+",
     ["date", "time", "open", "high", "low", "futures_price", "volume"], "dayfirst=False, tz='America/New_York'"),
    ("a NinjaTrader minute file", r"\d{8} \d{6};[^;]+;[^;]+;[^;]+;[^;]+;[^;]+",
     ["timestamp", "open", "high", "low", "futures_price", "volume"], "date_format='%Y%m%d %H%M%S', tz='UTC'"),
    ("a FirstRate Data file", r"\d{4}-\d\d-\d\d \d\d:\d\d(:\d\d)?,[^,]+,[^,]+,[^,]+,[^,]+,[^,]+",
     ["timestamp", "open", "high", "low", "futures_price", "volume"], "tz='America/New_York'"),
)


# -- date and time in two columns ----------------------------------------------------------------------------

def combine_date_and_time(records, names: list[str], load: Load):
    """The timestamp made of a date column and a time column, when the file has no timestamp column."""
    if "timestamp" in names:
        return records, names
    given = load.options.columns
    keys = [key(n) for n in names]
    if "date" in given and "time" in given:  # the header stage checked that both are columns of the file
        date, time = (records.header.index(_named(records.header, given[part])) for part in ("date", "time"))
    else:
        date = next((i for i, k in enumerate(keys) if k in DATE_KEYS), None)
        time = next((i for i, k in enumerate(keys) if k in TIME_KEYS), None)
        if date is None or time is None or not _dates(records.columns[date]) or _dates(records.columns[time]):
            return records, names
    joined = pc.binary_join_element_wise(pc.utf8_trim_whitespace(_text(records.columns[date])),
                                         pc.utf8_trim_whitespace(_text(records.columns[time])), " ")
    load.note(f"combined {names[date]!r} and {names[time]!r} into the timestamp")
    keep = [i for i in range(len(names)) if i not in (date, time)]
    from .records import Records

    combined = Records(["timestamp", *(records.header[i] for i in keep)],
                       [pa.chunked_array([joined]) if isinstance(joined, pa.Array) else joined,
                        *(records.columns[i] for i in keep)])
    return combined, ["timestamp", *(names[i] for i in keep)]


def _text(column: pa.ChunkedArray) -> pa.ChunkedArray:
    return pc.cast(column, pa.string())  # a no-op on text


# -- what a column's values can be ---------------------------------------------------------------------------

def _sample(column: pa.ChunkedArray) -> list[str]:
    """The first 500 values as text, missing ones left out."""
    return [text for v in column.slice(0, 500).to_pylist() if v is not None for text in [str(v).strip()] if text]


def _dates(column: pa.ChunkedArray) -> bool:
    """Whether the values hold a calendar date (a year, or a number of date size), not only a time of day."""
    values = _sample(column)  # a typed timestamp or date column reads as text with its year
    return bool(values) and all(re.search(r"(?<!\d)(1[89]|2[01])\d\d(?!\d)|\d{8,}", v) for v in values)


def _numbers(column: pa.ChunkedArray) -> Optional[np.ndarray]:
    values = _sample(column)
    try:
        numbers = np.array([float(v.replace(",", "")) for v in values])
    except ValueError:
        return None
    return numbers if len(numbers) and np.isfinite(numbers).all() else None


def _is_price(column) -> bool:
    numbers = _numbers(column)
    return numbers is not None and (numbers > 0).all()


def _is_count(column, price_level: Optional[float]) -> bool:
    """Whole numbers >= 0 and, when the price level is known, far from it (OI is a count, not a price)."""
    numbers = _numbers(column)
    if numbers is None or not (numbers >= 0).all() or not (numbers == np.round(numbers)).all():
        return False
    if price_level is None:
        return True
    level = float(np.median(numbers))
    return not price_level / 3 <= level <= price_level * 3


def _fits(column: str, records, index: int, price_level: Optional[float]) -> bool:
    values = records.columns[index]
    if column == "timestamp":
        return _dates(values)
    if column == "futures_price":
        return _is_price(values)
    return _is_count(values, price_level)


# -- hints for a missing column ------------------------------------------------------------------------------

def hints(records, names: list[str], missing: list[str], load: Load) -> list[str]:
    """Fixes for the missing market columns, each checked against the values of the column it proposes."""
    import difflib

    from .header import normalise

    header = records.header
    keys = [key(n) for n in header]
    if load.options.names is None:
        headerless = _headerless(header)
        if headerless:
            return [headerless]
    present = {c: names.index(c) for c in MARKET_COLUMNS if c in names}
    price_level = _price_level(records, present.get("futures_price"), keys)
    vendor = next((v for v in VENDORS if v.keys <= set(keys)), None)
    if vendor is not None:
        hint = _vendor_hint(vendor, records, keys, missing, price_level, load)
        return [hint] if hint else []
    result, mapping = [], {}
    taken = set(present.values())
    for column in missing:
        close = difflib.get_close_matches(column, [normalise(n) for n in header], cutoff=0.5)
        index = next((i for i, n in enumerate(header) if close and normalise(n) == close[0]), None)
        if index is not None and index not in taken and _fits(column, records, index, price_level):
            result.append(f"rename {close[0]!r} to {column!r}")
            taken.add(index)
            continue
        wanted = {"timestamp": _TIMESTAMP_KEYS, "futures_price": _PRICE_KEYS, "open_interest": _OI_KEYS}[column]
        for k in wanted:
            index = next((i for i, h in enumerate(keys) if h == k and i not in taken), None)
            if index is not None and _fits(column, records, index, price_level):
                mapping[column] = header[index]
                taken.add(index)
                break
    if mapping:
        result.append(f"pass columns={mapping!r}")
    return result


def _price_level(records, index: Optional[int], keys: list[str]) -> Optional[float]:
    candidates = [index] if index is not None else [keys.index(k) for k in _PRICE_KEYS if k in keys]
    for i in candidates:
        numbers = _numbers(records.columns[i])
        if numbers is not None and len(numbers):
            return float(np.median(numbers))
    return None


def _vendor_hint(vendor: Vendor, records, keys: list[str], missing: list[str], price_level, load: Load) -> str:
    """The arguments that load a known vendor's file ('' when its missing columns are not in the file at all)."""
    mapping, extra = {}, []
    for column, wanted in vendor.columns.items():
        index = keys.index(wanted)
        if column in missing and _fits(column, records, index, price_level):
            mapping[column] = records.header[index]
    if not mapping:
        return ""
    arguments = [f"columns={mapping!r}"]
    if vendor.fixed_point and load.options.price_scale is None and price_level is not None and \
            _too_large(price_level):
        arguments.append(f"price_scale={_scale_text(_scale(price_level))}")
        extra.append("its prices are fixed-point integers (1 unit = 1e-9)")
    if vendor.remark:
        extra.append(vendor.remark)
    return f"this is {vendor.name}: pass {', '.join(arguments)}" + (f" ({'; '.join(extra)})" if extra else "")


def _headerless(header: list[str]) -> Optional[str]:
    """A hint for a file whose first line holds values rather than column names."""
    for vendor, pattern, names, more in HEADERLESS:
        line = ("," if "," in pattern else ";").join(header)  # the fields rejoined with the layout's separator
        if re.fullmatch(pattern, line.strip()):
            return f"this is {vendor} (no header line): pass names={names!r}, {more}"
    looks_like_values = sum(bool(re.fullmatch(r"[+-]?[\d.,:/ -]+", h.strip())) for h in header)
    if looks_like_values >= 2:
        return ("the first line holds values, not column names (the file has no header line): pass names= with "
                "one name per column, e.g. names=['timestamp', 'futures_price', 'open_interest']")
    return None


# -- instruments ---------------------------------------------------------------------------------------------

def symbol_column(names: list[str], load: Load) -> Optional[str]:
    """The column naming each row's instrument: ``columns={'symbol': ...}``, else a known header."""
    if "symbol" in load.options.columns:
        return _named(names, load.options.columns["symbol"])
    return next((n for k in SYMBOL_KEYS for n in names if key(n) == k), None)


def _named(names: list[str], wanted: str) -> Optional[str]:
    """The column ``columns=`` names, as written in the header (surrounding spaces ignored)."""
    return next((n for n in names if n == wanted), None) or next((n for n in names if n.strip() == wanted.strip()), None)


def select_instrument(records, names: list[str], load: Load):
    """The rows of ``symbol=``, refused naming the choices when the file has no such instrument."""
    symbol = load.options.symbol
    if symbol is None:
        return records
    column = symbol_column(names, load)
    if column is None:  # symbol_column names only columns of names
        raise ValueError(f"symbol={symbol!r} picks rows by the column naming each instrument, and {load.source} has "
                         f"none I know ({records.header}); name it with columns={{'symbol': ...}}")
    values = pc.utf8_trim_whitespace(_text(records.columns[names.index(column)]))
    chosen = pc.equal(values, symbol)
    positions = np.flatnonzero(chosen.to_numpy(zero_copy_only=False))
    if not len(positions):
        raise ValueError(f"{load.source} has no row with {column!r} = {symbol!r}; its instruments are "
                         f"{_choices(values.to_pandas())}: pass one of them as symbol=")
    load.note(f"read the {len(positions)} row(s) of {column!r} = {symbol!r}")
    load.lines = load.lines.take(positions)
    return records.take(positions)


def _choices(values: pd.Series) -> str:
    counts = values.value_counts()
    shown = ", ".join(repr(str(v)) for v in counts.index[:6])
    return shown + (f" and {len(counts) - 6} more" if len(counts) > 6 else "")


def several_instruments(load: Load, df: pd.DataFrame, position: int) -> None:
    """Refuse a repeated or backward timestamp that two instruments explain, naming the column and the choices."""
    names = list(df.columns)
    column = symbol_column(names, load)
    candidates = [column] if column in names else []
    candidates += [n for n in names if n not in MARKET_COLUMNS and n not in candidates
                   and not pd.api.types.is_float_dtype(df[n])]
    for name in candidates:
        here, before = df[name].iloc[position], df[name].iloc[position - 1]
        if pd.isna(here) or pd.isna(before) or here == before:
            continue
        if name != column and key(name) not in SYMBOL_KEYS and df[name].nunique() > 50:
            continue
        raise ValueError(
            f"{load.source} holds several instruments: column {name!r} has {_choices(df[name].astype(str))} "
            f"({load.lines.where(position)} and {load.lines.where(position - 1)} are {str(here)!r} and "
            f"{str(before)!r} at {str(df['timestamp'].iloc[position])!r}); pass symbol={str(before)!r} (or another "
            f"of them) to read one instrument, or roll='open_interest' for a front-month series (at each timestamp, the "
            f"contract with the most open interest)" +
            ("" if name == column else f", with columns={{'symbol': {name!r}}}"))


# -- after the values are read -------------------------------------------------------------------------------

def finish(load: Load, names: list[str], df: pd.DataFrame) -> pd.DataFrame:
    """Previous-day open interest moved to its day, the front-month roll, and ``price_scale=``."""
    source = load.sources.get("open_interest", "")  # none in a prices-only file that open_interest= completes
    if key(source) in PREVIOUS_DAY_OI:
        df = _previous_day(load, df, source, names)
    if load.options.roll is not None:
        df = _roll(load, df)
    if load.options.price_scale is not None:  # rounded to 1e-9 point: 40.0025 x 100 is 4000.25, not 4000.2499999999995
        df = df.assign(futures_price=(df["futures_price"] * load.options.price_scale).round(PRICE_DECIMALS))
        load.note(f"prices multiplied by price_scale={_scale_text(load.options.price_scale)}")
    return df


def _previous_day(load: Load, df: pd.DataFrame, source: str, names: list[str]) -> pd.DataFrame:
    """Each row's open interest is the next row's previous-day figure (per instrument); the last has none."""
    column = symbol_column(names, load)
    groups = df[column].astype(str).to_numpy() if column in df.columns else np.zeros(len(df))
    shifted = df["open_interest"].groupby(groups).shift(-1)
    keep = np.flatnonzero(shifted.notna().to_numpy())
    dropped = len(df) - len(keep)
    load.note(f"moved {source!r} (the previous trading day's open interest) back one row to the day it counts; "
              f"dropped the last day of each instrument ({dropped} row(s)), whose open interest the file does not "
              "hold yet")
    load.lines = load.lines.take(keep)
    return df.assign(open_interest=shifted).iloc[keep].reset_index(drop=True)


def _roll(load: Load, df: pd.DataFrame) -> pd.DataFrame:
    rule = load.options.roll
    column = next((c for c in df.columns if key(c) == key(rule)), None)
    if column is None or not pd.api.types.is_numeric_dtype(df[column]):
        raise ValueError(f"roll={rule!r} needs a numeric {rule!r} column; {load.source} has {list(df.columns)}")
    times = df["timestamp"].to_numpy()
    order = np.lexsort((-df[column].to_numpy(), times))
    first = np.ones(len(order), dtype=bool)
    first[1:] = times[order][1:] != times[order][:-1]
    keep = order[first]
    load.note(f"built a front-month series: at each timestamp the row with the most {rule.replace('_', ' ')} "
              f"({len(keep)} of {len(df)} rows)")
    load.lines = load.lines.take(keep)
    return df.iloc[keep].reset_index(drop=True)


def _scale(level: float) -> float:
    """The factor that brings a price level out of :data:`PRICE_RANGE` into it: 1e-9 (fixed point) if it does, else
    the power of ten that brings it nearest the range's middle on a log scale (3,162; the result is 1,000 to 10,000).
    """
    if PRICE_RANGE[0] <= level / 1e9 <= PRICE_RANGE[1]:  # divided: 5e11 / 1e9 is 500 exactly, 5e11 * 1e-9 is not
        return 1e-9
    return 10.0 ** round(float(np.mean(np.log10(PRICE_RANGE)) - np.log10(level)))


def _scale_text(scale: float) -> str:
    power = np.log10(scale)
    return f"1e{int(round(power))}" if np.isclose(power, round(power)) else f"{scale:g}"


def _too_large(level: float) -> bool:
    """Whether a price level is above what index points can be (:data:`PRICE_RANGE`)."""
    return level > PRICE_RANGE[1]


def check_scale(load: Load, df: pd.DataFrame) -> None:
    """Refuse prices outside :data:`PRICE_RANGE` (index points), naming the ``price_scale=`` that rescales them."""
    prices = df["futures_price"]
    level = float(prices.median())
    low, high = PRICE_RANGE
    if low <= level <= high:
        return
    scale, large = _scale(level), _too_large(level)
    power = int(round(abs(np.log10(scale))))
    why = ("they look like fixed-point prices (integers of 1e-9 points, as Databento's raw encoding writes them)"
           if scale == 1e-9 else f"they look {power} power(s) of ten too {'large' if large else 'small'}")
    load.refuse((prices > high if large else prices < low).to_numpy(), "futures_price", prices.map(repr),
                f"prices around {level:.6g} are not index points (this loader takes {low:g} to {high:,.0f}), e.g.",
                f"{why}: pass price_scale={_scale_text(scale)}")
