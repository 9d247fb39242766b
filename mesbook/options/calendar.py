"""The MES contract calendar: option expiries, futures rolls and time to expiry.

Dates are calendar dates (time of day is ignored) and exchange holidays are not modelled: when an
expiry Friday is a holiday (Good Friday has landed on a March third Friday, e.g. 2008) the exchange moves
it to the previous business day, which this module does not do. Durations are calendar days, and years
are ACT/365 (calendar days / 365).

Option cycles on the Micro E-mini S&P 500 future (MES):

* ``"quarterly"`` — the third Friday of March, June, September and December, the same day the
  quarterly futures expire; these options are American-style;
* ``"monthly"`` — the third Friday of every month (European-style serial options);
* ``"weekly"`` — every Friday (European-style weeklies; the Monday–Thursday weeklies are left out).

Futures roll: traders move from the expiring quarterly future to the next one about eight calendar days
before expiry, i.e. on the Thursday of the week before the third Friday (:data:`ROLL_DAYS_BEFORE`).
"""
from __future__ import annotations

import datetime as _dt
import numbers
from typing import Union

import numpy as np
import pandas as pd

from ..validation import check_int

#: Option expiry cycles understood by :func:`option_expiries`.
CYCLES: tuple[str, str, str] = ("quarterly", "monthly", "weekly")
#: Calendar days between the customary futures roll date and the quarterly expiry (Thursday → Friday+1w).
ROLL_DAYS_BEFORE: int = 8
#: Months of the quarterly cycle (March, June, September, December).
QUARTERLY_MONTHS: tuple[int, int, int, int] = (3, 6, 9, 12)
#: CME month codes, January (F) to December (Z).
MONTH_CODES: str = "FGHJKMNQUVXZ"

DateLike = Union[str, _dt.date, np.datetime64, pd.Timestamp]

# How far past a date the next expiry of a cycle can be, calendar days (a quarterly third Friday is at
# most 13 weeks after the previous one); used to size the expiry grid behind the vectorized look-ups.
_MAX_CYCLE_GAP_DAYS = 98


def third_friday(year: int, month: int) -> pd.Timestamp:
    """The third Friday of ``month`` (1–12) in ``year``, the monthly and quarterly expiry day.

    It always falls between the 15th and the 21st: e.g. ``third_friday(2023, 12)`` is 2023-12-15.
    """
    year = check_int("year", year)
    month = check_int("month", month)
    if month > 12:
        raise ValueError(f"month must be between 1 and 12, got {month}")
    return _third_fridays(pd.DatetimeIndex([pd.Timestamp(year, month, 1)]))[0]


def option_expiries(start: DateLike, end: DateLike, cycle: str = "quarterly") -> pd.DatetimeIndex:
    """Option expiry dates of ``cycle`` from ``start`` to ``end`` (both dates included), ascending.

    ``cycle`` is one of :data:`CYCLES`. An empty index is returned when no expiry falls in the range.
    """
    first, last = _date_range(start, end)
    cycle = _check_cycle(cycle)
    if cycle == "weekly":
        return pd.date_range(first, last, freq="W-FRI", name="expiry")
    month_starts = pd.period_range(first.to_period("M"), last.to_period("M"), freq="M").to_timestamp()
    if cycle == "quarterly":
        month_starts = month_starts[month_starts.month.isin(QUARTERLY_MONTHS)]
    expiries = _third_fridays(month_starts)
    return expiries[(expiries >= first) & (expiries <= last)].rename("expiry")


def select_expiry(timestamps: object, min_days: int = 7, cycle: str = "quarterly") -> pd.DatetimeIndex:
    """For each timestamp, the first expiry of ``cycle`` at least ``min_days`` calendar days away.

    Vectorized (one ``searchsorted``); the result is aligned by position with ``timestamps``. With
    ``min_days=0`` an expiry on the timestamp's own date is eligible.
    """
    dates = _as_dates("timestamps", timestamps)
    min_days = check_int("min_days", min_days, minimum=0)
    cycle = _check_cycle(cycle)
    if len(dates) == 0:
        return pd.DatetimeIndex([], dtype=dates.dtype, name="expiry")
    earliest = dates + pd.Timedelta(days=min_days)
    grid = option_expiries(earliest.min(), earliest.max() + pd.Timedelta(days=_MAX_CYCLE_GAP_DAYS), cycle)
    return grid[grid.searchsorted(earliest, side="left")]


def days_to_expiry(timestamps: object, expiries: object) -> np.ndarray:
    """Whole calendar days from each timestamp's date to its expiry date, as an int64 array.

    ``expiries`` is one date (used for every timestamp) or a sequence aligned with ``timestamps``.
    An expiry already past counts as 0 days, so the result is never negative.
    """
    dates = _as_dates("timestamps", timestamps)
    targets = _as_dates("expiries", [expiries] if _is_scalar_date(expiries) else expiries)
    if len(targets) == 1 and len(dates) != 1:
        targets = targets.repeat(len(dates))
    if len(targets) != len(dates):
        raise ValueError(
            f"expiries has {len(targets)} values but timestamps has {len(dates)}; "
            "pass one expiry, or one per timestamp (e.g. from select_expiry)"
        )
    days = np.asarray((targets - dates).days, dtype=np.int64)
    return np.maximum(days, 0)


def years_to_expiry(timestamps: object, expiries: object) -> np.ndarray:
    """Time to expiry in years, ACT/365: :func:`days_to_expiry` / 365, as a float array (never negative)."""
    return days_to_expiry(timestamps, expiries) / 365.0


def roll_dates(start: DateLike, end: DateLike, days_before: int = ROLL_DAYS_BEFORE) -> pd.DatetimeIndex:
    """Quarterly futures roll dates from ``start`` to ``end`` (both included), ascending.

    Each is ``days_before`` calendar days before a quarterly expiry; the default 8 gives the Thursday
    of the week before the third Friday, when volume customarily moves to the next contract.
    """
    days_before = check_int("days_before", days_before, minimum=0)
    first, last = _date_range(start, end)
    shift = pd.Timedelta(days=days_before)
    return (option_expiries(first + shift, last + shift, "quarterly") - shift).rename("roll_date")


def front_contract(timestamps: object, days_before: int = ROLL_DAYS_BEFORE) -> pd.DatetimeIndex:
    """For each timestamp, the expiry date of the front (most traded) quarterly MES future.

    The front contract is the nearest quarterly expiry whose roll date (``days_before`` days earlier)
    is still ahead: on the roll date itself the next contract has taken over. The result is a
    DatetimeIndex of expiry dates aligned by position with ``timestamps``; turn it into exchange codes
    such as ``"MESZ3"`` with :func:`contract_code`.
    """
    days_before = check_int("days_before", days_before, minimum=0)
    return select_expiry(timestamps, min_days=days_before + 1, cycle="quarterly")


def contract_code(expiries: object, root: str = "MES") -> pd.Index:
    """Exchange-style codes for contract expiries: root + month code + last digit of the year.

    E.g. an expiry of 2023-12-15 gives ``"MESZ3"`` (Z = December; H, M, U, Z are the quarterly months).
    """
    if not isinstance(root, str) or not root:
        raise TypeError(f"root must be a non-empty string such as 'MES', got {root!r}")
    dates = _as_dates("expiries", [expiries] if _is_scalar_date(expiries) else expiries)
    letters = np.array(list(MONTH_CODES))[np.asarray(dates.month) - 1]
    digits = np.asarray(dates.year % 10).astype(str)
    return pd.Index(np.char.add(np.char.add(root, letters), digits).tolist(), name="contract")


def roll_window_mask(times: pd.DatetimeIndex, bars: int) -> np.ndarray:
    """True on the ``bars`` bars that follow each quarterly expiry (when OI drops mechanically).

    ``times`` are the bars' timestamps (sorted); the result has one boolean per bar.
    """
    times = pd.DatetimeIndex(times)
    n = len(times)
    starts = times.searchsorted(option_expiries(times[0], times[-1], "quarterly"), side="right")
    edges = np.zeros(n + 1, dtype=np.int64)
    np.add.at(edges, starts, 1)
    np.add.at(edges, np.minimum(starts + bars, n), -1)
    return np.cumsum(edges[:n]) > 0


def _third_fridays(month_starts: pd.DatetimeIndex) -> pd.DatetimeIndex:
    """Third Friday of each month, given the first day of each month (vectorized)."""
    to_first_friday = (4 - month_starts.day_of_week) % 7
    return month_starts + pd.to_timedelta(to_first_friday + 14, unit="D")


def _check_cycle(cycle: object) -> str:
    if cycle not in CYCLES:
        raise ValueError(f"cycle must be one of {', '.join(repr(c) for c in CYCLES)}; got {cycle!r}")
    return str(cycle)


def _is_scalar_date(value: object) -> bool:
    return isinstance(value, (str, _dt.date, np.datetime64))  # pd.Timestamp is a datetime.date


def _date_range(start: object, end: object) -> tuple[pd.Timestamp, pd.Timestamp]:
    """Validated (start, end) dates, start not after end."""
    first, last = _as_date("start", start), _as_date("end", end)
    if first > last:
        raise ValueError(f"start ({first.date()}) must not be after end ({last.date()}); swap them")
    return first, last


def _as_date(name: str, value: object) -> pd.Timestamp:
    """One date (time of day dropped) from a string, date, datetime, numpy datetime64 or Timestamp."""
    if not _is_scalar_date(value):
        raise TypeError(
            f"{name} must be a date such as '2023-03-17' or pd.Timestamp('2023-03-17'), "
            f"got {type(value).__name__} {value!r}"
        )
    return _as_dates(name, [value])[0]


def _as_dates(name: str, values: object) -> pd.DatetimeIndex:
    """A tz-naive DatetimeIndex of dates (time of day dropped) from a sequence of date-like values."""
    if _is_scalar_date(values) or isinstance(values, numbers.Number) or values is None:
        raise TypeError(
            f"{name} must be a sequence of dates (list, array, Series or DatetimeIndex), got "
            f"{type(values).__name__} {values!r}; wrap a single date in a list"
        )
    array = values if isinstance(values, (pd.Index, pd.Series)) else np.asarray(values)
    numeric = pd.api.types.is_numeric_dtype(array.dtype) or pd.api.types.is_bool_dtype(array.dtype)
    if numeric and len(array) > 0:
        raise TypeError(
            f"{name} must hold dates, got numbers (dtype {array.dtype}); "
            "convert them first, e.g. pd.to_datetime(values)"
        )
    try:
        # Strings may mix plain dates and date-times, so let pandas parse each one on its own.
        parse = {} if pd.api.types.is_datetime64_any_dtype(array.dtype) else {"format": "mixed"}
        dates = pd.DatetimeIndex(pd.to_datetime(array, **parse))
    except (ValueError, TypeError, OverflowError) as exc:
        raise ValueError(f"{name} has a value that is not a date ({exc}); use ISO dates such as 2023-03-17") from exc
    if dates.tz is not None:
        raise ValueError(f"{name} is timezone-aware ({dates.tz}); drop the zone first with .tz_localize(None)")
    if dates.hasnans:
        position = int(np.flatnonzero(dates.isna())[0])
        raise ValueError(f"{name} has a missing date at position {position}; drop or fill it first")
    return dates.normalize()
