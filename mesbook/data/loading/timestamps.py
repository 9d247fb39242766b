"""Stage 4 of the loader, timestamps: text, numbers or typed table columns to tz-naive exchange time.

The common ISO file is parsed by Arrow's strict ISO-8601 parser in one pass (:func:`_iso_fast`), which reads a
subset of what pandas' ISO8601 parser reads, to the same instants, and fails on anything else (an offset, a
zone name, another order of day and month), which then takes the pandas path: numeric encodings (YYYYMMDD,
Unix s/ms/us/ns, Excel days), UTC offsets, zone names such as ``US/Eastern`` after the time, guessed
day/month formats, ``date_format=`` and ``tz=``. Every value ends as **tz-naive America/Chicago time**.
"""
from __future__ import annotations

import datetime
import re
import warnings
import zoneinfo
from typing import Optional

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandas.tseries.api import guess_datetime_format

from .common import EXCHANGE_TZ, MISSING, Load, strip

#: Numeric date encodings ``date_format`` accepts besides strftime formats.
NUMERIC_DATE_UNITS = ("s", "ms", "us", "ns", "excel")
# A UTC offset ends a value only right after its time of day ("13-01-2024" ends in a year, not an offset).
# Patterns spell digits [0-9]: pandas' Arrow strings (RE2) and Python's re disagree on what \d matches.
_OFFSET = r"[0-9]:[0-9][0-9](?::[0-9][0-9](?:[.,][0-9]+)?)?\s?(?:Z|[+-][0-9][0-9]:?[0-9][0-9])$"
_OFFSET_PARTS = re.compile(r"([+-])(\d\d):?(\d\d)$")
_DIGITS = r"^[+-]?[0-9]+([.][0-9]+)?$"
# A zone name after the time, as Interactive Brokers writes it ("20240304 09:30:00 US/Eastern").
_ZONE_NAME = re.compile(r"(?:[A-Za-z][A-Za-z0-9_+-]*(?:/[A-Za-z0-9_+-]+)+|UTC|GMT)")
# Numeric timestamps must decode to 1971-2100: a date in 1970 means a wrong unit (seconds read as ms, ...).
_FIRST_PLAUSIBLE, _LAST_PLAUSIBLE = pd.Timestamp("1971-01-01"), pd.Timestamp("2100-12-31")
# Magnitude of a numeric timestamp between 1971 and 2100 in each encoding (YYYYMMDD dates are 8 digits).
_NUMERIC_RANGES = {"excel": (25_934, 73_415), "s": (3.2e7, 4.2e9), "ms": (3.2e10, 4.2e12), "us": (3.2e13, 4.2e15),
                   "ns": (3.2e16, 4.2e18)}
_NUMERIC_NAMES = {"excel": "Excel serial days", "s": "Unix seconds (UTC)", "ms": "Unix milliseconds (UTC)",
                  "us": "Unix microseconds (UTC)", "ns": "Unix nanoseconds (UTC)"}


def timestamps(load: Load, column: pa.ChunkedArray, series) -> pd.Series:
    """The timestamp column as tz-naive exchange time, or refused at its first bad value."""
    options = load.options
    if pa.types.is_timestamp(column.type) or pa.types.is_date(column.type):
        return _typed(load, column)
    if pa.types.is_string(column.type) and options.date_format is None:
        parsed = _iso_fast(column)
        if parsed is not None:
            return _localize(load, parsed, series) if options.tz is not None else parsed
    return _text(load, series())


def _iso_fast(column: pa.ChunkedArray) -> Optional[pd.Series]:
    try:
        parsed = pc.cast(column, pa.timestamp("ns"))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if parsed.null_count:
        return None
    values = parsed.to_numpy().astype("datetime64[ns]")
    if not (values.view("int64") % 1000).any():
        values = values.astype("datetime64[us]")
    return pd.Series(values)


def _typed(load: Load, column: pa.ChunkedArray) -> pd.Series:
    """A timestamp or date column parsed already (Parquet, Feather, or the CSV's ISO column): aware values
    converted, naive ones taken as written."""
    if column.null_count:
        mask = column.is_null().to_numpy(zero_copy_only=False)
        load.refuse(mask, "timestamp", ["None"] * len(mask), "missing value", "fill it in or delete that row")
    values = pd.Series(column.to_pandas())
    if pa.types.is_date(column.type):
        return pd.Series(pd.to_datetime(values).to_numpy().astype("datetime64[us]"))
    if values.dt.tz is not None:
        if load.options.tz is not None:
            raise ValueError(f"{load.source} column 'timestamp' carries its zone ({values.dt.tz}); tz= declares the "
                             "zone of timestamps without one: drop tz=")
        return _to_exchange_time(load, values, f"the column's zone {values.dt.tz}")
    values = values.dt.as_unit("us") if (values.dt.nanosecond == 0).all() else values
    return _localize(load, values, lambda: values.astype(str)) if load.options.tz is not None else values


def _text(load: Load, column: pd.Series) -> pd.Series:
    options = load.options
    date_format = options.date_format
    text = strip(column)
    missing = text.str.lower().isin(MISSING).to_numpy()
    if missing.any():
        load.refuse(missing, "timestamp", text, "missing value", "fill it in or delete that row")
    last = text.iloc[0].rsplit(None, 1)
    if len(last) == 2 and _ZONE_NAME.fullmatch(last[1]) and _zone(last[1]) is not None:
        return _zoned(load, text)
    numeric = text.str.fullmatch(_DIGITS).to_numpy()
    if date_format in NUMERIC_DATE_UNITS or (date_format is None and numeric.all()):
        return _numeric(load, text)
    if date_format is None and numeric.any():
        load.refuse(numeric, "timestamp", text, "a number among dates", "write every timestamp the same way")
    aware = text.str.contains(_OFFSET).to_numpy()
    if aware.any() and not aware.all():
        load.refuse(~aware if aware[0] else aware, "timestamp", text,
                    "a value with" + ("out" if aware[0] else "") + " a UTC offset, unlike " + load.lines.where(0),
                    "write every timestamp with an offset, or none (and pass tz=)")
    parsed = _parse_text(load, text, aware.any())
    if aware.any():
        if options.tz is not None:
            raise ValueError(f"{load.source} column 'timestamp' carries UTC offsets ({load.lines.where(0)}: "
                             f"{text.iloc[0]!r}); tz= declares the zone of timestamps without one: drop tz=")
        parts = text.astype(object).str.extract(_OFFSET_PARTS).fillna("0")  # no match: "Z", UTC
        minutes = pd.to_numeric(parts[1]) * 60 + pd.to_numeric(parts[2])
        wall = parsed.dt.tz_localize(None) + pd.to_timedelta(minutes.where(parts[0] != "-", -minutes), unit="min")
        return _to_exchange_time(load, parsed, "UTC offsets", wall)
    if options.tz is not None:
        return _localize(load, parsed, lambda: text)
    return parsed.dt.as_unit("us") if (parsed.dt.nanosecond == 0).all() else parsed


def _zone(name: str):
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def _zoned(load: Load, text: pd.Series) -> pd.Series:
    """Timestamps ending in a zone name: each read in its zone, then converted to exchange time."""
    parts = text.astype(object).str.rsplit(n=1)
    zones = parts.str[1]  # NaN where a value has no second part
    known = [zone for zone in zones.dropna().unique() if _ZONE_NAME.fullmatch(zone) and _zone(zone) is not None]
    bad = ~zones.isin(known).to_numpy()
    if bad.any():
        load.refuse(bad, "timestamp", text, "a value without a time zone name, unlike " + load.lines.where(0),
                    "write every timestamp with its zone name (e.g. 20240304 09:30:00 US/Eastern), or none (and pass "
                    "tz=)")
    if load.options.tz is not None:
        raise ValueError(f"{load.source} column 'timestamp' names its zone ({load.lines.where(0)}: {text.iloc[0]!r}); "
                         "tz= declares the zone of timestamps without one: drop tz=")
    date_format = load.options.date_format
    if date_format is not None:
        date_format = re.sub(r"\s*%Z", "", date_format)
    wall = _parse_text(load, pd.Series(parts.str[0]), False, date_format)
    pieces = []
    for zone in known:
        chosen = (zones == zone).to_numpy()
        try:
            pieces.append(wall[chosen].dt.tz_localize(zone).dt.tz_convert(datetime.timezone.utc))
        except Exception:  # a clock time the zone skips or repeats
            localized = wall.dt.tz_localize(zone, ambiguous="NaT", nonexistent="NaT")
            load.refuse(chosen & localized.isna().to_numpy(), "timestamp", text,
                        f"a clock time that {zone} skips or repeats at a DST change",
                        "write the timestamps with their UTC offset (e.g. 2024-11-03 01:30-05:00) or in UTC")
    instants = pd.concat(pieces).sort_index()
    return _to_exchange_time(load, instants, "zone names (" + ", ".join(known) + ")", wall)


def _parse_text(load: Load, text: pd.Series, aware: bool, date_format: Optional[str] = "options") -> pd.Series:
    utc = bool(aware)
    if date_format == "options":
        date_format = load.options.date_format
    if date_format is not None:
        try:
            parsed = pd.to_datetime(text, format=date_format, errors="coerce", utc=utc)
        except ValueError as exc:
            raise ValueError(f"date_format={date_format!r} is not a strftime format ({exc}); pass e.g. "
                             "'%d/%m/%Y %H:%M' or one of " + ", ".join(map(repr, NUMERIC_DATE_UNITS))) from exc
        bad = parsed.isna().to_numpy()
        if bad.any():
            load.refuse(bad, "timestamp", text, f"not a date in date_format={date_format!r}",
                        "fix that value or pass the matching date_format=")
        return parsed
    iso = pd.to_datetime(text, format="ISO8601", errors="coerce", utc=utc)
    if iso.notna().all():
        return iso
    with warnings.catch_warnings():  # pandas warns when a guess contradicts dayfirst: both orders are tried here
        warnings.simplefilter("ignore", UserWarning)
        readings = _day_month_readings(text, load.options.dayfirst, utc)
    if not readings:  # no value of the first 200 looks like a date
        load.refuse(iso.isna().to_numpy(), "timestamp", text, "not a date",
                    "use ISO dates such as 2024-03-15 or 2024-03-15 16:00, or pass date_format=")
    return _pick_reading(load, readings, text)


def _day_month_readings(text: pd.Series, dayfirst: Optional[bool], utc: bool) -> dict:
    """For each day/month order to try, the first guessed format that reads every value (or the best one)."""
    readings = {}
    for first in ((False, True) if dayfirst is None else (dayfirst,)):
        # year/day/month is no one's convention: a year-first date is read year/month/day whatever dayfirst says
        formats = {re.sub(r"%Y(.)%d(.)%m", r"%Y\1%m\2%d", f) for v in text.iloc[:200]
                   for f in [guess_datetime_format(v, dayfirst=first)] if f}
        for fmt in sorted(formats):
            parsed = pd.to_datetime(text, format=fmt, errors="coerce", utc=utc)
            if parsed.notna().all():
                readings[first] = (fmt, parsed)
                break
            readings.setdefault(first, (fmt, parsed))
    return readings


def _pick_reading(load: Load, readings: dict, text: pd.Series) -> pd.Series:
    full = {k: v for k, v in readings.items() if v[1].notna().all()}
    if not full:
        fmt, parsed = max(readings.values(), key=lambda item: item[1].notna().sum())
        load.refuse(parsed.isna().to_numpy(), "timestamp", text, f"not a date like {load.lines.where(0)} ({fmt})",
                    "fix that value, or pass date_format= with the file's format")
    if len(full) == 2 and not full[False][1].equals(full[True][1]):
        differ = (full[False][1] != full[True][1]).to_numpy()
        load.refuse(differ, "timestamp", text, "day and month can be read either way in",
                    "pass dayfirst=True (day/month/year) or dayfirst=False (month/day/year), or date_format=")
    fmt, parsed = next(iter(full.values()))
    load.note(f"dates read as {fmt}")
    return parsed


def _numeric(load: Load, text: pd.Series) -> pd.Series:
    date_format, tz = load.options.date_format, load.options.tz
    if date_format is None and text.str.fullmatch("[0-9]{8}").all():
        parsed = pd.to_datetime(text, format="%Y%m%d", errors="coerce")
        if parsed.notna().all() and parsed.between(_FIRST_PLAUSIBLE, _LAST_PLAUSIBLE).all():
            load.note("timestamps read as YYYYMMDD dates")
            parsed = parsed.dt.as_unit("us")
            return _localize(load, parsed, lambda: text) if tz else parsed
    numbers = pd.to_numeric(text, errors="coerce")
    bad = ~np.isfinite(numbers).to_numpy()  # also "inf", "1e400"
    if bad.any():
        load.refuse(bad, "timestamp", text, f"not a number for date_format={date_format!r}",
                    "fix that value or pass the matching date_format=")
    unit = date_format
    if unit is None:
        fits = [u for u, (low, high) in _NUMERIC_RANGES.items() if ((numbers >= low) & (numbers < high)).all()]
        if len(fits) != 1:
            bad = ~((numbers >= _NUMERIC_RANGES["excel"][0]) & (numbers < _NUMERIC_RANGES["ns"][1])).to_numpy()
            # every value is some encoding's date but no one encoding reads them all: blame the first line
            load.refuse(bad if bad.any() else ~bad, "timestamp", text, "a number that is not a recognisable date",
                        "pass date_format= with its encoding: 's', 'ms', 'us', 'ns' (Unix time), 'excel' (serial "
                        "days) or a strftime format such as '%Y%m%d'")
        unit = fits[0]
    if unit == "excel":
        # a serial beyond any timestamp becomes NaT, refused below as outside 1971-2100
        parsed = pd.Timestamp("1899-12-30") + pd.to_timedelta((numbers * 86_400_000_000).round(), unit="us",
                                                              errors="coerce")
    elif unit == "ns" and numbers.dtype == "int64":  # pandas' own integers are ns: every ns kept, unlike float
        parsed = pd.to_datetime(numbers)
    else:
        scale = {"s": 1e6, "ms": 1e3, "us": 1.0, "ns": 1e-3}[unit]
        parsed = pd.to_datetime((numbers * scale).round().astype("int64"), unit="us")
    outside = ~parsed.between(_FIRST_PLAUSIBLE, _LAST_PLAUSIBLE).to_numpy()
    if outside.any():
        load.refuse(outside, "timestamp", text, f"a date outside 1971-2100 as {_NUMERIC_NAMES[unit]}",
                    "pass date_format= with the right encoding ('s', 'ms', 'us', 'ns', 'excel')")
    load.note(f"timestamps read as {_NUMERIC_NAMES[unit]}")
    if unit == "excel":
        return _localize(load, parsed, lambda: text) if tz else parsed
    if tz is not None:
        raise ValueError(f"{load.source} column 'timestamp' holds Unix times, which are UTC by definition; drop tz=")
    return _to_exchange_time(load, parsed.dt.tz_localize("UTC"), "Unix time")


def _to_exchange_time(load: Load, aware: pd.Series, what: str, wall: Optional[pd.Series] = None) -> pd.Series:
    """Instants to tz-naive exchange time, unless every one is a midnight in its own zone (daily dates).

    ``wall`` holds the clock times as written (offsets dropped); by default the instants' own wall time.
    """
    wall = aware.dt.tz_localize(None) if wall is None else wall
    if wall.notna().all() and (wall == wall.dt.normalize()).all():
        load.note(f"daily dates with {what} kept as dates")
        return wall
    load.note(f"converted {what} to exchange time {EXCHANGE_TZ} (tz-naive)")
    return aware.dt.tz_convert(EXCHANGE_TZ).dt.tz_localize(None)


def _localize(load: Load, parsed: pd.Series, text) -> pd.Series:
    """Naive times declared to be in ``tz=`` as exchange time; ``text()`` gives the values for a refusal."""
    tz = load.options.tz
    try:
        aware = parsed.dt.tz_localize(tz)  # pandas' default raises at a skipped or repeated clock time
    except Exception:  # pytz/zoneinfo errors: find the first time the zone skips or repeats
        earlier = parsed.dt.tz_localize(tz, ambiguous="NaT", nonexistent="NaT")
        load.refuse(earlier.isna().to_numpy(), "timestamp", strip(text()),
                    f"a clock time that {tz} skips or repeats at a DST change",
                    "write the timestamps with their UTC offset (e.g. 2024-11-03 01:30-05:00) or in UTC with tz='UTC'")
    if str(tz) == EXCHANGE_TZ:
        return parsed
    return _to_exchange_time(load, aware, f"tz={tz!r}")
