"""What every stage of the loader shares: its constants, the one :class:`Load` state, and how a value is refused.

A load's state lives in one :class:`Load` object that each stage receives: the options the caller gave
(:class:`Options`), the name messages use for the file, the notes that end up in the one :class:`DataNote`,
and :class:`Lines`, which turns a row's position into the file line a message names. The market frame's
columns and its check come from the core layer (:mod:`mesbook.core.market`) through the one import below.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Mapping, Optional, Sequence

import numpy as np
import pandas as pd

from ...core.market import MARKET_COLUMNS, validate_market_data  # the loader's only import of the core's market frame

__all__ = ["MARKET_COLUMNS", "validate_market_data", "EXCHANGE_TZ", "NUMERIC_COLUMNS", "DataNote", "Options",
           "Load", "Lines", "refuse", "strip", "MISSING"]

#: The zone naive output timestamps are expressed in: CME's exchange time.
EXCHANGE_TZ = "America/Chicago"
NUMERIC_COLUMNS = ("futures_price", "open_interest")
#: Spellings of a missing value (lower case).
MISSING = frozenset({"", "nan", "na", "n/a", "#n/a", "null", "none", "-", "nat"})
#: Keys ``columns=`` may map besides the market columns: two columns that together make the timestamp, and
#: the column naming each row's instrument.
PART_COLUMNS = ("date", "time", "symbol")
#: Rules ``roll=`` may name: at each timestamp, the row with the most of that column.
ROLL_RULES = ("open_interest", "volume")


class DataNote(UserWarning):
    """What :func:`load_market_data` did to read a file that was not plain UTF-8 ISO CSV (one per load)."""


@dataclass(frozen=True)
class Options:
    """The caller's arguments of :func:`~mesbook.data.loader.load_market_data`, checked once."""

    sep: Optional[str] = None
    date_format: Optional[str] = None
    dayfirst: Optional[bool] = None
    tz: Optional[str] = None
    encoding: Optional[str] = None
    decimal: Optional[str] = None
    thousands: Optional[str] = None
    columns: Mapping[str, str] = field(default_factory=dict)
    names: Optional[tuple[str, ...]] = None
    symbol: Optional[str] = None
    roll: Optional[str] = None
    price_scale: Optional[float] = None
    prices_only: bool = False  # the file has no open interest (it is attached by release time afterwards)

    def __post_init__(self) -> None:
        if self.sep is not None and (not isinstance(self.sep, str) or len(self.sep) != 1):
            raise ValueError(f"sep must be one character such as ',', ';', '\\t' or '|', got {self.sep!r}")
        for name in ("decimal", "thousands"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, str) or len(value) != 1 or value.isdigit() or
                                      value in ("[", "]", "\\", "^")):  # no mark, none a pattern could mistake
                raise ValueError(f"{name} must be one non-digit character such as '.' or ',', got {value!r}")
        if self.decimal is not None and self.decimal == self.thousands:
            raise ValueError(f"decimal and thousands must differ, both are {self.decimal!r}")
        if self.tz is not None:
            try:
                pd.Timestamp("2024-01-02").tz_localize(self.tz)
            except Exception as exc:  # zoneinfo/pytz raise several kinds
                raise ValueError(f"tz={self.tz!r} is not a time zone; pass an IANA name such as 'America/New_York' "
                                 "or 'UTC'") from exc
        allowed = (*MARKET_COLUMNS, *PART_COLUMNS)
        if not isinstance(self.columns, Mapping) or any(
                key not in allowed or not isinstance(value, str) for key, value in self.columns.items()):
            raise ValueError(f"columns must map some of {list(allowed)} to the file's column names, "
                             f"e.g. columns={{'futures_price': 'Close'}}; got {self.columns!r}")
        if ("date" in self.columns) != ("time" in self.columns):
            raise ValueError("columns names 'date' or 'time' alone: name both, the two columns that together make the "
                             "timestamp (or the one 'timestamp' column)")
        if "timestamp" in self.columns and "date" in self.columns:  # 'time' comes with 'date' (checked above)
            raise ValueError("columns names 'timestamp' and also 'date'/'time': name the one timestamp column, or the "
                             "date and time columns that make it")
        if self.names is not None and (isinstance(self.names, str) or not all(isinstance(n, str) for n in self.names)):
            raise ValueError(f"names must be a list of column names for a file without a header line, got {self.names!r}")
        if self.symbol is not None and not isinstance(self.symbol, str):
            raise ValueError(f"symbol must be the text naming one instrument, e.g. symbol='MESM4', got {self.symbol!r}")
        if self.roll is not None and self.roll not in ROLL_RULES:
            raise ValueError(f"roll must be one of {list(ROLL_RULES)} (at each timestamp, the contract with the most "
                             f"of that column), got {self.roll!r}")
        if self.prices_only and self.roll == "open_interest":
            raise ValueError("roll='open_interest' needs the file's open interest, and open_interest= attaches it "
                             "from elsewhere; pass roll='volume' or symbol=")
        if self.symbol is not None and self.roll is not None:
            raise ValueError("pass symbol= (one instrument) or roll= (a front-month series), not both")
        if self.price_scale is not None and (isinstance(self.price_scale, bool) or
                                             not isinstance(self.price_scale, (int, float)) or
                                             not np.isfinite(self.price_scale) or self.price_scale <= 0):
            raise ValueError(f"price_scale must be a positive number that multiplies every price, e.g. 1e-9, "
                             f"got {self.price_scale!r}")


class Lines:
    """The file line of each data row (the header is line 1), or the table row for Parquet/Feather files.

    Most files have one line per row, so a line is ``first + position``; where values hold line breaks or rows
    were dropped, ``compute`` (the diagnostic scan of the file) gives every row's line, run only when a message
    needs one. ``take`` follows a selection of rows (one instrument, a front-month series).
    """

    def __init__(self, first: int = 2, compute: Optional[Callable[[], np.ndarray]] = None,
                 label: str = "line", rows: Optional[np.ndarray] = None) -> None:
        self.first, self.label, self._compute, self._array, self._rows = first, label, compute, None, rows

    def __getitem__(self, position: int) -> int:
        row = int(position if self._rows is None else self._rows[position])
        if self._compute is None:
            return self.first + row
        if self._array is None:
            self._array = self._compute()
        return int(self._array[row])

    def take(self, positions: np.ndarray) -> "Lines":
        positions = np.asarray(positions)
        rows = positions if self._rows is None else self._rows[positions]
        return Lines(self.first, self._compute, self.label, rows)

    def where(self, position: int) -> str:
        return f"{self.label} {self[position]}"


@dataclass
class Load:
    """One load's state: the options, the file's name in messages, the notes and the row-to-line map."""

    options: Options
    source: str = "the buffer"
    notes: list[str] = field(default_factory=list)
    lines: Lines = field(default_factory=Lines)
    sources: dict[str, str] = field(default_factory=dict)  # market column -> the header name it was read from

    def note(self, text: str) -> None:
        self.notes.append(text)

    def refuse(self, mask, column: str, values: Sequence, problem: str, fix: str) -> None:
        """Raise the ValueError for the first row in ``mask``: file line, column, problem, value and fix."""
        refuse(self.source, self.lines, mask, column, values, problem, fix)


def refuse(source: str, lines: Lines, mask, column: str, values, problem: str, fix: str) -> None:
    position = int(np.flatnonzero(np.asarray(mask))[0])
    value = pd.Series(values).iloc[position]
    raise ValueError(f"{source} {lines.where(position)}, column {column!r}: {problem} {str(value)!r}; {fix}")


def strip(column: pd.Series) -> pd.Series:
    """Values as text without surrounding spaces; a null (a table file's missing text) as ``'None'``, a missing value."""
    return column.astype(str).str.strip().fillna("None")


def char_class(char: str) -> str:
    """One mark (never ``[ ] \\ ^``, see :class:`Options`) as a pattern Python's re and RE2 read alike."""
    return "[" + char + "]"

