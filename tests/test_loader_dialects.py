"""Property suite: a known market written in many real-world CSV dialects must load to the same numbers
or be refused with a ValueError naming a line and a column. Never a silent difference.

Each example draws a market (daily dates or intraday hours, 2-40 bars, any year 2019-2030), then a
dialect: separator, quoting, decimal and thousands marks, printed precision, encoding (BOM or not),
compression (under a ``.csv`` name), line ending, header spelling, date format (text in several orders,
YYYYMMDD, Unix s/ms, Excel days, UTC offsets crossing DST, naive New York time with ``tz=``), an extra
column and Excel's trailing empty rows. With ``declare`` the file's conventions are passed as arguments,
and then the file must load. CI draws 5x the profile's examples (300); ``pytest --slow`` draws 3,000.
"""
from __future__ import annotations

import bz2
import csv
import gzip
import io
import lzma
import re
import warnings
import zipfile

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from mesbook import simulate_market_data
from mesbook.data.loader import EXCHANGE_TZ, DataNote, load_market_data

EXCEL_EPOCH = pd.Timestamp("1899-12-30")
DATE_KINDS = ("iso", "us", "eu", "dots", "yyyymmdd", "unix_s", "unix_ms", "excel", "offset_chicago", "offset_utc",
              "naive_new_york")
TEXT_FORMATS = {"iso": "%Y-%m-%d", "us": "%m/%d/%Y", "eu": "%d/%m/%Y", "dots": "%d.%m.%Y"}
MARKS = ((".", None), (".", ","), (",", None), (",", "."), (",", " "))
PACK = {"none": lambda b: b, "gzip": gzip.compress, "bz2": bz2.compress, "xz": lzma.compress}


def zip_one(data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("export.csv", data)
    return buffer.getvalue()


PACK["zip"] = zip_one


@st.composite
def markets(draw) -> pd.DataFrame:
    bars = draw(st.integers(2, 40))
    seed = draw(st.integers(0, 2**16))
    df = simulate_market_data(bars, seed=seed, start=str(draw(st.dates(pd.Timestamp("2019-01-01").date(),
                                                                         pd.Timestamp("2030-06-01").date()))))
    if draw(st.booleans()):  # intraday: hourly bars from 08:00 exchange time
        df["timestamp"] = pd.date_range(df["timestamp"].iloc[0] + pd.Timedelta(hours=8), periods=bars, freq="h")
    if draw(st.booleans()):
        df["note"] = [draw(st.sampled_from(["", "roll", "a,b", 'say "hi"', "été", "x;y|z"])) for _ in range(bars)]
    return df


def number_text(value: float, decimal: str, thousands, places) -> str:
    text = repr(float(value)) if places is None else (f"{value:,.{places}f}" if thousands else f"{value:.{places}f}")
    if places is None:
        return text.replace(".", decimal)
    return text.replace(",", "\0").replace(".", decimal).replace("\0", thousands or "")


def stamp_texts(times: pd.Series, kind: str, intraday: bool) -> list[str]:
    if kind in TEXT_FORMATS:
        fmt = TEXT_FORMATS[kind] + (" %H:%M" if intraday else "")
        return list(times.dt.strftime(fmt))
    if kind == "yyyymmdd":
        return list(times.dt.strftime("%Y%m%d"))
    instants = times.dt.tz_localize(EXCHANGE_TZ)
    if kind in ("unix_s", "unix_ms"):
        seconds = (instants.dt.tz_convert("UTC").dt.tz_localize(None) - pd.Timestamp("1970-01-01")).dt.total_seconds()
        return [str(int(s) * (1000 if kind == "unix_ms" else 1)) for s in seconds]
    if kind == "excel":
        return [repr((t - EXCEL_EPOCH) / pd.Timedelta(days=1)) for t in times]
    if kind == "offset_chicago":
        return [t.isoformat() for t in instants]
    if kind == "offset_utc":
        return [t.isoformat().replace("+00:00", "Z") for t in instants.dt.tz_convert("UTC")]
    if kind == "naive_new_york":
        return list(instants.dt.tz_convert("America/New_York").dt.strftime("%Y-%m-%d %H:%M:%S"))
    raise AssertionError(kind)


@st.composite
def dialects(draw) -> dict:
    decimal, thousands = draw(st.sampled_from(MARKS))
    return {
        "sep": draw(st.sampled_from([",", ";", "\t", "|"])),
        "quoting": draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, "none"])),
        "decimal": decimal,
        "thousands": thousands,
        "places": draw(st.sampled_from([None, 2, 4])) if thousands is None else draw(st.sampled_from([0, 2, 4])),
        "encoding": draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "latin-1", "cp1252"])),
        "pack": draw(st.sampled_from(sorted(PACK))),
        "newline": draw(st.sampled_from(["\n", "\r\n"])),
        "header": draw(st.sampled_from(["plain", "title", "upper spaced"])),
        "dates": draw(st.sampled_from(DATE_KINDS)),
        "trailing_rows": draw(st.integers(0, 3)),
        "declare": draw(st.booleans()),
    }


HEADERS = {"plain": ("timestamp", "futures_price", "open_interest"),
           "title": ("Timestamp", "Futures_Price", "Open_Interest"),
           "upper spaced": ("TIMESTAMP", "FUTURES PRICE", "OPEN INTEREST")}


def write(df: pd.DataFrame, d: dict, intraday: bool) -> bytes:
    header = [*HEADERS[d["header"]], *[c for c in df.columns if c not in HEADERS["plain"]]]
    stamps = stamp_texts(df["timestamp"], d["dates"], intraday)
    rows = [header]
    for i in range(len(df)):
        row = [stamps[i], *(number_text(df[c].iloc[i], d["decimal"], d["thousands"], d["places"])
                            for c in ("futures_price", "open_interest"))]
        rows.append(row + [df[c].iloc[i] for c in df.columns if c not in HEADERS["plain"]])
    rows += [[""] * len(header)] * d["trailing_rows"]
    if d["quoting"] == "none":  # hand-joined, as some exports do: a value holding the separator breaks the row
        text = "".join(d["sep"].join(map(str, row)) + d["newline"] for row in rows)
    else:
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=d["sep"], quoting=d["quoting"], lineterminator=d["newline"]).writerows(rows)
        text = buffer.getvalue()
    encoding = d["encoding"]
    if encoding in ("latin-1", "cp1252"):
        text = text.replace("€", "EUR")
    return PACK[d["pack"]](text.encode(encoding))


def arguments(d: dict, intraday: bool) -> dict:
    kwargs = {}
    if d["dates"] == "naive_new_york":
        kwargs["tz"] = "America/New_York"  # a zone-less file says nothing of its zone: the user must
    if d["declare"]:
        kwargs.update(sep=d["sep"], decimal=d["decimal"], thousands=d["thousands"])
        if d["dates"] in ("us", "eu"):
            kwargs["dayfirst"] = d["dates"] == "eu"
        elif d["dates"] == "dots":
            kwargs["date_format"] = "%d.%m.%Y" + (" %H:%M" if intraday else "")
        elif d["dates"] in ("unix_s", "unix_ms"):
            kwargs["date_format"] = d["dates"][5:]
    return kwargs


def may_be_refused(df: pd.DataFrame, d: dict, intraday: bool) -> bool:
    """Files the loader cannot read for sure, so refusing is a right answer: anything undeclared, rows a
    hand-joined file breaks, dates a zone skips or repeats, and dots/us/eu text the guesser needs declared."""
    if not d["declare"]:
        return True
    if d["quoting"] == "none":
        return True
    if d["dates"] == "naive_new_york" and intraday:
        return True  # an hour that New York repeats at the November change is refused, by design
    return False


def expected_numbers(df: pd.DataFrame, d: dict) -> dict:
    places = d["places"]
    return {c: df[c].to_numpy() if places is None else np.round(df[c].to_numpy(), places)
            for c in ("futures_price", "open_interest")}


@settings(max_examples=5 * settings().max_examples)
@given(df=markets(), d=dialects())
def test_every_dialect_round_trips_or_is_refused_by_line_and_column(df, d):
    intraday = bool((df["timestamp"].dt.hour != 0).any())
    if d["dates"] == "yyyymmdd" and intraday:
        d = {**d, "dates": "iso"}
    data = write(df, d, intraday)
    original = data
    buffer = io.BytesIO(data)
    buffer.name = "market.csv"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DataNote)
            loaded = load_market_data(buffer, **arguments(d, intraday))
    except ValueError as exc:
        message = str(exc)
        assert may_be_refused(df, d, intraday), f"refused a declared, well-formed file: {message}\n{d}"
        assert re.search(r"line \d+", message), message
        assert re.search(r"time[_ ]?stamp|futures[_ ]price|open[_ ]interest", message, re.I), message
        return
    assert data == original  # the bytes are not touched
    assert len(loaded) == len(df), d
    assert loaded["timestamp"].dt.tz is None
    np.testing.assert_array_equal(loaded["timestamp"].to_numpy(dtype="datetime64[ns]"),
                                  df["timestamp"].to_numpy(dtype="datetime64[ns]"), err_msg=str(d))
    for column, values in expected_numbers(df, d).items():
        np.testing.assert_allclose(loaded[column].to_numpy(), values, rtol=1e-15, atol=0, err_msg=f"{column} {d}")
    if "note" in df.columns:
        assert loaded["note"].fillna("").astype(str).tolist() == df["note"].tolist(), d


@settings(max_examples=settings().max_examples)
@given(df=markets(), sep=st.sampled_from([",", ";", "\t", "|"]), extra=st.integers(1, 38))
def test_a_row_with_one_field_more_or_less_is_refused_with_its_line(df, sep, extra):
    """One field added or removed on one data row: refused, naming that row's file line; never shifted."""
    df = df[["timestamp", "futures_price", "open_interest"]]
    lines = df.to_csv(index=False, sep=sep).splitlines()
    row = 1 + extra % len(df)
    fields = lines[row].split(sep)
    lines[row] = sep.join(fields + ["1"] if extra % 2 else fields[:-1])
    try:
        load_market_data(io.StringIO("\n".join(lines) + "\n"))
    except ValueError as exc:
        assert f"line {row + 1} has {len(fields) + (1 if extra % 2 else -1)} fields" in str(exc), str(exc)
    else:
        raise AssertionError("a ragged row was accepted")
