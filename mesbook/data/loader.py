"""Reading a market file as people actually have it: :func:`load_market_data`.

A broker export, a vendor download or a spreadsheet saved as CSV differ in separator, encoding,
compression, header spelling, number and date conventions. The loader reads each of these correctly or
refuses the file with a ``ValueError`` that names the column, the first bad line of the file (counting
the header as line 1) and the fix; where the fix is an argument of :func:`load_market_data`, the message
names that argument. It never guesses silently: what it changed to read the file (decompressed it,
decoded it as latin-1, renamed a header, converted Unix times, ...) is reported in one
:class:`DataNote` warning.

The work is done in stages, one module each under :mod:`mesbook.data.loading`: bytes to text
(:mod:`~.loading.source`, and :mod:`~.loading.tables` for Parquet/Feather), structure
(:mod:`~.loading.records`, :mod:`~.loading.header`, :mod:`~.loading.layouts`), numbers
(:mod:`~.loading.numbers`), timestamps (:mod:`~.loading.timestamps`) and the checks of the whole frame
(:mod:`~.loading.checks`). Each stage reads the common file with Arrow's C parsers and runs its Python
diagnostics only to explain a refusal.

The result is a market frame (see :mod:`mesbook.core.market`) in the convention the engine uses end to
end: ``timestamp`` is **tz-naive exchange time, America/Chicago** (CME's clock); ``futures_price`` is
float index points; ``open_interest`` float contracts. Extra columns are kept.
"""
from __future__ import annotations

import warnings
from typing import Mapping, Optional, Sequence, Union

import pandas as pd

from ..clock import STAMPS, stamps_to_closes
from .loading import checks, layouts
from .loading.common import EXCHANGE_TZ, NUMERIC_COLUMNS, DataNote, Load, Options, validate_market_data
from .loading.header import market_names
from .loading.numbers import extra, number_marks, numbers, plain_floats, plain_marks
from .loading.records import read_records
from .loading.source import PathOrBuffer, read_source
from .loading.tables import read_table
from .release import ReleaseRule, attach_open_interest
from .loading.timestamps import NUMERIC_DATE_UNITS, timestamps

__all__ = ["load_market_data", "DataNote", "EXCHANGE_TZ", "NUMERIC_DATE_UNITS"]


def load_market_data(
    path_or_buffer: PathOrBuffer,
    *,
    sep: Optional[str] = None,
    date_format: Optional[str] = None,
    dayfirst: Optional[bool] = None,
    tz: Optional[str] = None,
    encoding: Optional[str] = None,
    decimal: Optional[str] = None,
    thousands: Optional[str] = None,
    columns: Optional[Mapping[str, str]] = None,
    names: Optional[Sequence[str]] = None,
    symbol: Optional[str] = None,
    roll: Optional[str] = None,
    price_scale: Optional[float] = None,
    stamps: str = "end",
    open_interest: Union[str, pd.DataFrame, pd.Series, None] = None,
    oi_release: Optional[ReleaseRule] = None,
) -> pd.DataFrame:
    """Read a market file (``timestamp``, ``futures_price``, ``open_interest``; extra columns kept).

    ``path_or_buffer`` is a path or an open file (text or binary): a CSV, or a Parquet or Feather file. Every
    argument left at ``None`` is detected, and every detection that is not certain refuses the file with a
    ``ValueError`` naming the argument to pass:

    * **compression** — gzip, bz2, zip (one member), xz or zstd, recognised from the content, whatever the
      name; Parquet and Feather files are recognised the same way and read with the same column checks;
    * ``encoding`` — a byte-order mark (UTF-8, UTF-16, UTF-32), UTF-16 without one, else UTF-8, else
      latin-1 (Windows-1252 where it decodes);
    * ``sep`` — ``, ; tab |``, sniffed with :class:`csv.Sniffer` and confirmed by the header;
    * **header** — case, spaces, ``-`` and ``.`` are normalised (``"Open Interest"`` → ``open_interest``)
      for the three market columns; extra columns keep their names. ``columns`` maps file columns to market
      columns (``{'futures_price': 'Close'}``; ``'date'`` and ``'time'`` name two columns that together make
      the timestamp, ``'symbol'`` the column naming the instrument); ``names`` names the columns of a file
      without a header line. Two columns named like a date and a time are combined into the timestamp.
    * ``decimal``/``thousands`` — the marks of ``futures_price``/``open_interest``: ``4000.25``,
      ``"4,000.25"``, ``4000,25`` (``;``-separated) and ``4.000,25`` are read as 4000.25; a file whose
      values read two ways (only ``"20,000"``-like values) is refused. Currency signs ``$ € £ ¥`` are
      dropped. Booleans are refused.
    * ``date_format`` — a strftime format, or a numeric encoding: ``"s"``, ``"ms"``, ``"us"``, ``"ns"``
      (Unix time, UTC) or ``"excel"`` (serial days). Undeclared numeric timestamps are recognised by size
      (YYYYMMDD, Unix s/ms/us/ns, Excel days; dates 1971–2100) or refused; they are never read as
      nanoseconds after 1970. ``dayfirst`` settles day/month order, which is refused when both orders
      read every date.
    * ``tz`` — the zone of timestamps written **without** an offset (default: already exchange time).
    * ``symbol`` — the one instrument to read from a file holding several; ``roll`` instead builds a
      front-month series: at each timestamp the row with the most ``'open_interest'`` (or ``'volume'``).
    * ``price_scale`` — a factor every price is multiplied by (the product rounded to 1e-9 point, so that
      ``40.0025`` times ``1e2`` is ``4000.25`` exactly): prices must be index points (500 to 20,000), and a file
      whose prices are a power of ten too large or too small, or in fixed point (×1e9), is refused with the
      factor to pass.

    Timestamps end as **tz-naive America/Chicago time** (CME exchange time), the convention of every
    mesbook function: values with a UTC offset (mixed offsets across a DST change too), zone names, Unix
    times and naive values declared with ``tz`` are converted to it. Exception: when every such timestamp is
    at midnight in its own zone, the values are dates of daily bars and keep their date.

    * ``stamps`` — "end" (default, mesbook's convention: each stamp is the moment its bar closes) or "start"
      (Databento, Kibot, TradingView and Interactive Brokers stamp a bar at its start): the stamps are moved
      to each bar's close by :func:`mesbook.clock.stamps_to_closes` (a 1-minute bar stamped 10:00 closes at
      10:01; a date-only daily bar keeps its date).
    * ``open_interest`` — None (default): the file's own column. For a **prices-only** file (no open-interest
      column): "cftc" attaches the packaged weekly CFTC series, or pass your own OI table (``as_of``,
      ``open_interest``, optionally ``released``) or Series, with ``oi_release`` (a
      :class:`~mesbook.data.release.ReleaseRule`) saying when each figure became public. Each bar then gets
      the figure known at its close (:func:`mesbook.data.release.attach_open_interest`, never before its
      release); bars before the first release are dropped, and ``oi_as_of``/``oi_released`` are added.

    Empty rows at the end of the file (as spreadsheets write them) are dropped; a row with more or fewer
    fields than the header is refused, naming its line, and never shifts columns; a last line without its
    line break (a file still being written) is noted. The input is not modified. Raises ``ValueError``
    naming column, line and fix for anything it cannot read exactly.
    """
    if stamps not in STAMPS:
        raise ValueError(f"stamps must be one of {STAMPS}: does the file stamp each bar at its start or its end? "
                         f"got {stamps!r}")
    if open_interest is None and oi_release is not None:
        raise ValueError("oi_release= says when an attached open-interest series is released; pass the series as "
                         "open_interest= (or 'cftc'), or drop oi_release= to read the file's own column")
    if isinstance(open_interest, str) and open_interest != "cftc":
        raise ValueError(f"open_interest must be 'cftc' (the packaged weekly CFTC series), an OI table or Series, or "
                         f"None (the file's column); got {open_interest!r}")
    options = Options(sep=sep, date_format=date_format, dayfirst=dayfirst, tz=tz, encoding=encoding, decimal=decimal,
                      thousands=thousands,
                      columns={} if columns is None else columns,
                      names=None if names is None else tuple(names) if not isinstance(names, str) else names,
                      symbol=symbol, roll=roll, price_scale=price_scale, prices_only=open_interest is not None)
    load = Load(options)
    content = read_source(path_or_buffer, load)
    if isinstance(content, tuple):
        records, sep_used = read_table(*content, load), None  # no separator: no sep= hint for a table file
    else:
        records, sep_used = read_records(content, load)
    del content  # the columns are copies: the file's bytes are freed before the values are read
    records, names_ = market_names(records, sep_used, load)
    records = layouts.select_instrument(records, names_, load)
    df = _values(load, records, names_)
    df = layouts.finish(load, names_, df)
    checks.check_values(load, df)
    if load.notes:
        warnings.warn(f"{load.source}: " + "; ".join(load.notes), DataNote, stacklevel=2)
    df = validate_market_data(df)
    if stamps == "start":
        df = df.assign(timestamp=stamps_to_closes(df["timestamp"], "start"))
    if open_interest is None:
        return df
    table = None if isinstance(open_interest, str) else open_interest
    attached = attach_open_interest(df.drop(columns="open_interest"), table, oi_release, before_first="drop")
    return validate_market_data(attached.reset_index(drop=True))


def _values(load: Load, records, names_: list[str]) -> pd.DataFrame:
    """Every column read, in the header's order: timestamps, the two market numbers, the extras."""
    price, oi = (records.columns[names_.index(c)] for c in NUMERIC_COLUMNS)
    fast = {}
    if plain_marks(load, [price, oi]):
        fast = {name: plain_floats(column) for name, column in zip(NUMERIC_COLUMNS, (price, oi))}
    if all(values is not None for values in fast.values()) and fast:
        decimal, thousands = ".", load.options.thousands
    else:
        fast = {}
        decimal, thousands = number_marks(load, *(records.series(names_.index(c)) for c in NUMERIC_COLUMNS))
    frame = {}
    for index, name in enumerate(names_):
        series = lambda index=index: records.series(index)  # noqa: E731 - made only when a stage needs it
        if name == "timestamp":
            frame[name] = timestamps(load, records.columns[index], series)
        elif name in NUMERIC_COLUMNS:
            frame[name] = pd.Series(fast[name]) if name in fast else numbers(load, series(), name, decimal, thousands)
        else:
            frame[name] = extra(records.columns[index], series, decimal, thousands)
    return pd.DataFrame(frame)
