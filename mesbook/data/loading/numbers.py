"""Stage 3 of the loader, numbers: the decimal and thousands marks, ``futures_price``, ``open_interest``, extras.

The common file's numbers are read by Arrow's strict float parser in one pass (:func:`plain_floats`): it
reads plain numbers only (``4000.25``, ``1e5``) and fails on anything else, which then takes the pandas path
below, the one that says why a value is refused. That path decides the marks (``4000,25``, ``"4,000.25"``,
``4.000,25``; refused where a value reads two ways), drops currency signs and refuses missing, true/false,
infinite and malformed values at their line.
"""
from __future__ import annotations

import re
from typing import Optional

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .common import MISSING, NUMERIC_COLUMNS, Load, char_class, strip

_CURRENCY = "$€£¥"
_BOOLEAN = frozenset({"true", "false", "yes", "no"})
_GROUPED = r"[+-]?[0-9]{1,3}([.][0-9]{3})+"  # [0-9]: Python's re and pandas' Arrow strings alike


def number_pattern(decimal: str, thousands: Optional[str]) -> str:
    """A number written with these marks, as a pattern both Python's re and pandas' Arrow strings read alike."""
    d = char_class(decimal)
    whole = "[0-9]+" if thousands is None else f"([0-9]+|[0-9]{{1,3}}({char_class(thousands)}[0-9]{{3}})+)"
    return rf"^[+-]?({whole}({d}[0-9]*)?|{d}[0-9]+)([eE][+-]?[0-9]+)?$"  # 0-9: what pandas parses


def to_float(values: pd.Series, decimal: str, thousands: Optional[str]) -> pd.Series:
    if thousands is not None:
        values = values.str.replace(thousands, "")  # pandas replaces the text as written (regex=False)
    return pd.to_numeric(values.str.replace(decimal, "."), errors="coerce").astype(float)  # '.' replaces itself


def plain_floats(column: pa.ChunkedArray) -> Optional[np.ndarray]:
    """The column as floats when Arrow reads every value as a plain finite number; else None."""
    try:
        values = pc.cast(column, pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        return None
    if values.null_count:
        return None
    array = values.to_numpy()
    return array if np.isfinite(array).all() else None


def plain_marks(load: Load, columns: list[pa.ChunkedArray]) -> bool:
    """Whether numbers Arrow read as plain floats are read the same by :func:`number_marks` (no other reading)."""
    options = load.options
    if options.thousands is not None or options.decimal not in (None, "."):
        return False
    for column in columns:  # only a first dotted value like '4.012' (4.012, or 4012 grouped) opens another reading
        if not pa.types.is_string(column.type):
            continue
        dotted = pc.match_substring(column, ".")
        first = pc.index(dotted, True).as_py()
        if first >= 0:
            return not re.fullmatch(_GROUPED, column[first].as_py())
    return True


def _clean_numbers(column: pd.Series) -> pd.Series:
    return strip(column).str.strip(_CURRENCY).str.strip()


def number_marks(load: Load, price: pd.Series, oi: pd.Series) -> tuple[str, Optional[str]]:
    """The decimal mark and thousands separator of the file's numbers: given, or the one reading that fits."""
    decimal, thousands = load.options.decimal, load.options.thousands
    values = pd.concat([_clean_numbers(price), _clean_numbers(oi)], ignore_index=True)
    lower = values.str.lower()
    values = values[~lower.isin(MISSING | _BOOLEAN) & ~lower.str.contains("inf")]
    if decimal is not None:
        return decimal, thousands
    has_comma = values.str.contains(",").any()
    candidates = [(".", thousands)] if not has_comma else [(".", ","), (",", thousands), (",", ".")]
    dotted = values[values.str.contains("[.]")]
    if not has_comma and len(dotted) and re.fullmatch(_GROUPED, dotted.iloc[0]) and \
            dotted.str.fullmatch(_GROUPED).all():
        candidates.append((",", "."))  # "4.012" alone: 4.012, or 4012 with a European digit-group dot
    if thousands is not None:
        # none is left only for thousands='.' (with no comma nor grouping dot): the decimal mark is then ','
        candidates = [(d, t) for d, t in candidates if t == thousands and d != t] or [(",", thousands)]
    if len(candidates) == 1:  # one possible reading: its values are checked column by column
        return candidates[0]
    read = {c: int(values.str.fullmatch(number_pattern(*c)).sum()) for c in candidates}
    readings = {c: to_float(values, *c) for c in candidates if read[c] == len(values)}
    if not readings:  # none reads every value: the one reading most names the first it cannot, column by column
        return max(candidates, key=read.get)
    rows = len(price)
    first, *others = readings.items()
    for mark, reading in others:
        differ = (first[1] != reading).to_numpy()  # two readings of a text agree exactly or differ tenfold
        if differ.any():
            at = int(np.flatnonzero(differ)[0])
            where = int(values.index[at])  # its place among both columns' values, gaps and flags included
            raise ValueError(
                f"{load.source} {load.lines.where(where % rows)}, column {NUMERIC_COLUMNS[where // rows]!r}: "
                f"{values.iloc[at]!r} reads as "
                f"{first[1].iloc[at]:g} with decimal={first[0][0]!r}, thousands={first[0][1]!r} and as "
                f"{reading.iloc[at]:g} with decimal={mark[0]!r}, thousands={mark[1]!r}; pass decimal= and "
                "thousands= to say which")
    mark = first[0]  # several conventions could apply (the plain one agrees only on zeros): say which read it
    load.note(f"numbers read with decimal={mark[0]!r}" + (f", thousands={mark[1]!r}" if mark[1] else ""))
    return mark


def numbers(load: Load, column: pd.Series, name: str, decimal: str, thousands: Optional[str]) -> pd.Series:
    """A market number column read with the file's marks, or refused at its first bad value."""
    text = strip(column)
    lower = text.str.lower()
    missing = lower.isin(MISSING).to_numpy()
    if missing.any():
        load.refuse(missing, name, text, "missing value", "fill it in or delete that row")
    boolean = lower.isin(_BOOLEAN).to_numpy()
    if boolean.any():
        load.refuse(boolean, name, text, "a true/false value",
                    "the column must hold numbers (prices in index points, open interest in contracts)")
    cleaned = text.str.strip(_CURRENCY).str.strip()
    if (cleaned != text).any():
        load.note(f"dropped currency signs in {name!r}")
    infinite = lower.str.contains("inf").to_numpy()
    if infinite.any():
        load.refuse(infinite, name, text, "infinite value", "replace it with a finite number")
    valid = cleaned.str.fullmatch(number_pattern(decimal, thousands)).to_numpy()
    if not valid.all():
        bad = cleaned[~valid]
        hint = "pass decimal= and thousands= with the file's marks, e.g. decimal=',', thousands='.'"
        if bad.str.contains("[0-9][ \u00a0\u202f'][0-9]").any():
            hint = "pass thousands= with the file's digit-group separator, e.g. thousands=' '"
        elif not bad.str.contains("[0-9]").any():
            hint = "it must be a number: fix or delete that row"
        load.refuse(~valid, name, text, "not a number", hint)
    return to_float(cleaned, decimal, thousands)


def extra(column: pa.ChunkedArray, series, decimal: str, thousands: Optional[str]) -> pd.Series:
    """A column besides the market ones: whole numbers, numbers or text (missing values as NaN)."""
    if not pa.types.is_string(column.type):
        return series()
    try:
        return pd.Series(pc.cast(column, pa.int64()).to_numpy())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    if decimal == "." and thousands is None:
        floats = plain_floats(column)
        if floats is not None:
            whole = (floats == np.round(floats)).all() and not pc.any(pc.match_substring(column, ".")).as_py()
            return pd.Series(floats.astype("int64") if whole else floats)
    return _extra_text(series(), decimal, thousands)


def _extra_text(column: pd.Series, decimal: str, thousands: Optional[str]) -> pd.Series:
    text = strip(column)
    text = text.where(~text.str.lower().isin(MISSING))
    present = text.dropna()
    if len(present) and present.str.fullmatch(number_pattern(decimal, thousands)).all():
        numbers = to_float(text, decimal, thousands)
        if numbers.notna().sum() == len(present):
            whole = numbers.dropna()
            return numbers.astype("int64") if numbers.notna().all() and (whole == whole.round()).all() \
                and not present.str.contains(char_class(decimal)).any() else numbers
    return text
