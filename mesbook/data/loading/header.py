"""Stage 2b of the loader, the header: which column is the timestamp, the price and the open interest.

Header names are normalised for the three market columns (case, spaces, ``_ - .`` ignored), ``names=`` names
the columns of a file without a header line and ``columns=`` maps file columns to market columns. A date and
a time kept in two columns are combined into the timestamp. A missing column is refused with hints that were
checked against the column's values (see :mod:`.layouts`), never a look-alike name whose values cannot be
what is asked.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Optional

import pyarrow as pa
import pyarrow.compute as pc

from .common import MARKET_COLUMNS, Load

if TYPE_CHECKING:
    from .records import Records

SEPARATORS = (",", ";", "\t", "|")


def normalise(name: str) -> str:
    """The market column a header names, ignoring case, spaces, ``_``, ``-`` and ``.``; else a squeezed key."""
    key = re.sub("[\\s_\\-.\ufeff]+", "", name.lower())  # not raw: \ufeff (a byte-order mark) is one character
    return next((column for column in MARKET_COLUMNS if column.replace("_", "") == key), key)


def describe(header: list[str]) -> str:
    return ", ".join(repr(h) for h in header)


def market_names(records: "Records", sep: Optional[str], load: Load) -> tuple["Records", list[str]]:
    """The column names the value stages read: the market columns named, every other column as written."""
    from . import layouts  # the vendor layouts read values, which needs the records

    header = records.header
    names, renamed = [], []
    mapped = {}
    for market, file_column in load.options.columns.items():
        written = next((n for n in header if n == file_column), None) or \
            next((n for n in header if n.strip() == file_column.strip()), None)
        if written is None:
            raise ValueError(f"columns={{{market!r}: {file_column!r}}} names no column of {load.source}; its header has "
                             f"{header}")
        if market in MARKET_COLUMNS:
            mapped[written] = market
    for position, name in enumerate(header):
        key = _market_key(name, mapped)
        if key in MARKET_COLUMNS:
            if key in names:
                raise ValueError(f"{load.source} line 1 has two columns that read as {key!r} ({describe(header)}); "
                                 "delete or rename one of them")
            if name != key:
                renamed.append(f"{name!r}->{key!r}")
            names.append(key)
            load.sources[key] = name
        else:
            names.append(name if name.strip() else f"unnamed_{position}")
    records, names = layouts.combine_date_and_time(records, names, load)
    missing = [c for c in MARKET_COLUMNS if c not in names]
    if load.options.prices_only:
        if "open_interest" in names:
            raise ValueError(f"{load.source} has an open-interest column ({load.sources['open_interest']!r}) and "
                             "open_interest= attaches it from elsewhere; drop open_interest= to read the file's own")
        missing.remove("open_interest")
        if not missing:  # a placeholder the loader replaces with the open interest known at each bar
            return _placeholder(records), [*names, "open_interest"]
    if missing:
        hints = _glued(layouts.hints(records, names, missing, load), header, sep)
        if missing == ["open_interest"] and not any("open_interest" in hint for hint in hints):
            hints.append(PRICES_ONLY_HINT)
        raise ValueError(
            f"{load.source} is missing column(s) {missing}; its header has {header}. The header must include "
            f"{', '.join(MARKET_COLUMNS)} (case and spaces do not matter)" + ("; " + "; ".join(hints) if hints else ""))
    if renamed:
        load.note("renamed column(s) " + ", ".join(renamed))
    return records, names


#: The fix a prices-only file is refused with: attach open interest by release time, never by its date.
PRICES_ONLY_HINT = ("for a prices-only file, pass open_interest='cftc' to attach the packaged weekly CFTC open "
                    "interest at its release time (or your own OI table with oi_release=; see "
                    "mesbook.attach_open_interest), on the command line --attach-oi")


def _placeholder(records: "Records") -> "Records":
    """The records with a last column of ones; the header stays as written (messages quote the file's header)."""
    import numpy as np

    from .records import Records

    return Records(records.header, [*records.columns, pa.chunked_array([pa.array(np.ones(len(records)))])])


def _market_key(name: str, mapped: dict[str, str]) -> str:
    return mapped[name] if name in mapped else normalise(name)


def _glued(hints: list[str], header: list[str], sep: Optional[str]) -> list[str]:
    """A CSV header read as one column: the separator that splits it into the market columns replaces other hints
    (``sep`` is None for a Parquet or Feather file, whose columns no separator splits)."""
    if len(header) != 1 or sep is None:
        return hints
    fits = [d for d in (*SEPARATORS, " ") if set(MARKET_COLUMNS) <= {normalise(n) for n in header[0].split(d)}]
    if fits:
        return [f"pass sep={fits[0]!r}: the header splits on it into the market columns"]
    if any(d in header[0] for d in SEPARATORS):
        return [*hints, f"pass sep= with the file's separator (read with {sep!r})"]
    return hints
