"""The MES contract calendar: option expiries and their moments, futures rolls and time to expiry.

Expiry *dates* are calendar dates (time of day is ignored) and exchange holidays are not modelled: when an
expiry Friday is a holiday (Good Friday fell on the March third Friday in 2008, and CME moved that
expiry to Thursday 20 March) the exchange moves it to the previous business day, which this module does
not do. Durations between dates are calendar days, and years are ACT/365 (calendar days / 365).

Expiry *moments* are the date at the time of day the options stop trading, in exchange time
(:data:`EXPIRY_TIMES`): 8:30 a.m. CT for the quarterly options ("Trading terminates at 8:30 a.m. CT on the
3rd Friday of the contract month", CME Group, Micro E-mini S&P 500 options contract specs, product 8933,
https://www.cmegroup.com/trading/equity-index/us-index/micro-e-mini-sandp-500_contractSpecs_options.html?optionProductId=8933;
the quarterly MES future stops at the same moment), 3:00 p.m. CT for the Friday weekly and week-3 (monthly)
options ("Trading terminates at 3:00 p.m. CT", product 8931, the same page with ``optionProductId=8931``;
the stored copy of that page names the last business day of the month, the end-of-month options' rule,
beside the Friday products EX1-EX4; CME's weekly-options article gives the 3:00 p.m. CT fixing,
https://www.cmegroup.com/education/articles-and-reports/wednesday-weekly-options.html). Bars are compared
with moments through :func:`mesbook.clock.bar_moments`: an intraday stamp is its bar's close, a date-only
stamp is that day's 3:00 p.m. CT close, so a daily bar dated on an expiry Friday is the bar in which the
options expire, and the functions on moments give on date-only bars exactly what the date functions give
(:func:`first_expiry_after` = :func:`select_expiry`, :func:`time_to_expiry` = :func:`days_to_expiry` in
days; :func:`roll_window` with 7 days = :func:`roll_window_mask` with 5 bars on business days).

Option cycles on the Micro E-mini S&P 500 future (MES):

* ``"quarterly"`` — the third Friday of March, June, September and December, the same day the
  quarterly futures expire; these options are American-style;
* ``"monthly"`` — the third Friday of every month (European-style serial options);
* ``"weekly"`` — every Friday (European-style weeklies; the Monday–Thursday weeklies are left out).

Futures roll: traders move from the expiring quarterly future to the next one about eight calendar days
before expiry, i.e. on the Thursday of the week before the third Friday (:data:`ROLL_DAYS_BEFORE`). After
each quarterly expiry open interest drops mechanically: :func:`roll_window_mask` (a number of bars) and
:func:`roll_window` (a duration, on any spacing) mark the bars to keep out of signals.
"""
from __future__ import annotations

import datetime as _dt
import numbers
from functools import lru_cache
from typing import Union

import numpy as np
import pandas as pd

from ..clock import bar_moments, exchange_times, is_date_only
from ..validation import check_int

#: Option expiry cycles understood by :func:`option_expiries`.
CYCLES: tuple[str, str, str] = ("quarterly", "monthly", "weekly")
#: Calendar days between the customary futures roll date and the quarterly expiry (Thursday → Friday+1w).
ROLL_DAYS_BEFORE: int = 8
#: Months of the quarterly cycle (March, June, September, December).
QUARTERLY_MONTHS: tuple[int, int, int, int] = (3, 6, 9, 12)
#: CME month codes, January (F) to December (Z).
MONTH_CODES: str = "FGHJKMNQUVXZ"
#: Time of day (exchange time, CT) at which each cycle's options stop trading on their expiry date, after
#: midnight: 8:30 a.m. for quarterly options, 3:00 p.m. for monthly (week-3) and weekly Friday options.
EXPIRY_TIMES: dict[str, pd.Timedelta] = {
    "quarterly": pd.Timedelta(hours=8, minutes=30),
    "monthly": pd.Timedelta(hours=15),
    "weekly": pd.Timedelta(hours=15),
}

DateLike = Union[str, _dt.date, np.datetime64, pd.Timestamp]

# How far past a date the next expiry of a cycle can be, calendar days (a quarterly third Friday is at
# most 13 weeks after the previous one); used to size the expiry grid behind the vectorized look-ups.
_MAX_CYCLE_GAP_DAYS = 98
_MAX_SECONDS = 9.2e12  # whole seconds a datetime64[us] holds either side of 1970


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
    try:
        grid = _expiry_grid(cycle, first.year, last.year, first.unit, last.unit)
    except (OverflowError, ValueError):  # years at the edge of what the time unit holds: no grid
        return _expiries_between(first, last, cycle)
    return grid[grid.searchsorted(first, side="left"):grid.searchsorted(last, side="right")]


@lru_cache(maxsize=64)
def _expiry_grid(cycle: str, first_year: int, last_year: int, first_unit: str, last_unit: str) -> pd.DatetimeIndex:
    """Every expiry of ``cycle`` in the calendar years ``first_year`` to ``last_year``, computed once per range
    of years and time units (the backtests and generators ask for the same years again and again);
    :func:`option_expiries` slices it, which keeps its values, dtype, name and frequency."""
    first = pd.Timestamp(first_year, 1, 1).as_unit(first_unit)
    last = pd.Timestamp(last_year, 12, 31).as_unit(last_unit)
    return _expiries_between(first, last, cycle)


def _expiries_between(first: pd.Timestamp, last: pd.Timestamp, cycle: str) -> pd.DatetimeIndex:
    """Expiry dates of ``cycle`` from ``first`` to ``last`` (checked dates, both included)."""
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
    days = np.asarray((_aligned_expiries(dates, expiries) - dates).days, dtype=np.int64)
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


def expiry_moment(expiries: object, cycle: str = "quarterly") -> pd.DatetimeIndex:
    """The moment each expiry date of ``cycle`` stops trading: the date at :data:`EXPIRY_TIMES` (exchange
    time), e.g. 2023-03-17 08:30 for the quarterly options of 2023-03-17. ``expiries`` is one date or a
    sequence of dates (time of day dropped)."""
    cycle = _check_cycle(cycle)
    dates = _as_dates("expiries", [expiries] if _is_scalar_date(expiries) else expiries)
    return (dates + EXPIRY_TIMES[cycle]).rename("expiry_moment")


def expiry_stamps(expiry_day: np.ndarray) -> np.ndarray | pd.DatetimeIndex:
    """Expiry moments from days since 1970 (NaN: none): whole seconds, as ``pd.to_datetime(seconds,
    unit="s")`` gives them (datetime64[us], NaT for NaN), made on the integers without a parse."""
    seconds = np.round(expiry_day * 86_400)  # expiry moments are whole seconds
    known = ~np.isnan(seconds)
    if not np.all(np.abs(seconds[known]) < _MAX_SECONDS):
        return pd.to_datetime(seconds, unit="s")  # out of range: pandas says so
    ticks = np.where(known, seconds, 0).astype(np.int64) * 10**6
    return np.where(known, ticks, np.iinfo(np.int64).min).view("datetime64[us]")


def expiry_moments(start: DateLike, end: DateLike, cycle: str = "quarterly") -> pd.DatetimeIndex:
    """Expiry moments of ``cycle`` whose dates fall from ``start`` to ``end`` (both dates included):
    :func:`option_expiries` at :data:`EXPIRY_TIMES`."""
    return expiry_moment(option_expiries(start, end, cycle), cycle)


def time_to_expiry(timestamps: object, expiries: object, cycle: str = "quarterly") -> pd.TimedeltaIndex:
    """Time from each bar's close to its expiry moment, never negative (0 once the moment has passed).

    ``expiries`` is one expiry date (for every bar) or one per bar. Intraday stamps measure exactly, from
    the stamp to the expiry moment (a bar at 2023-03-16 15:00 is 17.5 hours from the 8:30 expiry on the
    17th). Date-only stamps, which know their day and not the hour, count whole calendar days from the
    bar's date to the expiry date, exactly :func:`days_to_expiry`, so daily results do not change.
    """
    times = _as_times("timestamps", timestamps)
    targets = _aligned_expiries(times, expiries)
    if is_date_only(times):
        return pd.to_timedelta(days_to_expiry(times, targets), unit="D")
    left = pd.TimedeltaIndex(expiry_moment(targets, cycle) - times)
    return left.where(left > pd.Timedelta(0), pd.Timedelta(0))


def first_expiry_after(timestamps: object, min_time: pd.Timedelta = pd.Timedelta(days=7),
                       cycle: str = "quarterly") -> pd.DatetimeIndex:
    """For each bar, the date of the first expiry of ``cycle`` whose moment is at least ``min_time`` after
    the bar's close (:func:`time_to_expiry` ≥ ``min_time``).

    Date-only bars count whole days, as :func:`time_to_expiry` does: the first expiry at least
    ``min_time`` rounded up to whole days away, which is :func:`select_expiry` with that many days.
    """
    min_time = _check_duration("min_time", min_time, allow_zero=True)
    times = _as_times("timestamps", timestamps)
    if len(times) == 0:
        return pd.DatetimeIndex([], dtype="datetime64[ns]", name="expiry")
    if is_date_only(times):
        return select_expiry(times, int(np.ceil(min_time / pd.Timedelta(days=1))), cycle)
    cycle = _check_cycle(cycle)
    earliest = times + min_time
    grid = option_expiries(earliest.min(), earliest.max() + pd.Timedelta(days=_MAX_CYCLE_GAP_DAYS), cycle)
    moments = expiry_moment(grid, cycle)
    return grid[moments.searchsorted(earliest, side="left")]


def settlement_bars(timestamps: object, expiries: object, cycle: str = "quarterly") -> np.ndarray:
    """For each expiry (one date or a sequence), the bar in which it expires: the first bar whose close
    (:func:`mesbook.clock.bar_moments`) is at or after the expiry moment; -1 when the data end before it.

    On date-only bars that is the bar dated on the expiry date (or the next bar, if that day has none); on
    bars stamped at their close it is the bar whose interval holds the moment (hourly bars ending 08:00
    and 09:00: the 09:00 bar for an 8:30 expiry), whose close is the first price after the options stop.
    """
    moments = bar_moments(_bars(timestamps))
    position = moments.searchsorted(expiry_moment(expiries, cycle).as_unit(moments.unit), side="left")
    return np.where(position < len(moments), position, -1).astype(np.int64)


def roll_window(timestamps: object, duration: pd.Timedelta) -> np.ndarray:
    """True on the bars that open within ``duration`` after a quarterly expiry moment (8:30 a.m. CT on the
    third Friday of Mar/Jun/Sep/Dec), when OI drops mechanically; one boolean per bar, on any spacing.

    A bar opens at the previous bar's close (:func:`mesbook.clock.bar_moments`; the first bar one step
    before its own close), so the bar in which the expiry falls is not in the window and the first bar
    that lies wholly after the moment is. On business-day bars, 7 days marks exactly the 5 bars that
    :func:`roll_window_mask` marks with ``bars=5`` (Monday to Friday after the expiry Friday); on minute
    bars, 7 days marks the minutes from 8:31 on the expiry Friday to 8:30 a week later. Unlike the bar
    mask, it also covers the first bars of data that start inside a window (an expiry just before them).
    """
    duration = _check_duration("duration", duration)
    closes = bar_moments(_bars(timestamps))
    step = closes[1] - closes[0] if len(closes) > 1 else pd.Timedelta(0)
    opens = closes[:-1].insert(0, closes[0] - step)
    moments = expiry_moments(opens[0] - duration - pd.Timedelta(days=1), closes[-1], "quarterly").as_unit(closes.unit)
    if len(moments) == 0:
        return np.zeros(len(closes), dtype=bool)
    latest = moments.searchsorted(opens, side="right") - 1  # the last expiry moment at or before the open
    since = opens - moments[np.maximum(latest, 0)]
    return np.asarray((latest >= 0) & (since < duration))


def _third_fridays(month_starts: pd.DatetimeIndex) -> pd.DatetimeIndex:
    """Third Friday of each month, given the first day of each month (vectorized)."""
    to_first_friday = (4 - month_starts.day_of_week) % 7
    return month_starts + pd.to_timedelta(to_first_friday + 14, unit="D")


def _aligned_expiries(times: pd.DatetimeIndex, expiries: object) -> pd.DatetimeIndex:
    """Expiry dates aligned with ``times``: one date repeated, or one per timestamp (checked)."""
    targets = _as_dates("expiries", [expiries] if _is_scalar_date(expiries) else expiries)
    if len(targets) == 1 and len(times) != 1:
        targets = targets.repeat(len(times))
    if len(targets) != len(times):
        raise ValueError(
            f"expiries has {len(targets)} values but timestamps has {len(times)}; "
            "pass one expiry, or one per timestamp (e.g. from select_expiry)"
        )
    return targets


def _check_duration(name: str, value: object, allow_zero: bool = False) -> pd.Timedelta:
    """``value`` as a Timedelta ≥ 0 (> 0 unless ``allow_zero``); a TypeError names the fix."""
    if not isinstance(value, (pd.Timedelta, _dt.timedelta, np.timedelta64)):
        raise TypeError(f"{name} must be a duration such as pd.Timedelta(days=7), got {type(value).__name__} {value!r}")
    duration = pd.Timedelta(value)
    if pd.isna(duration) or duration < pd.Timedelta(0) or (duration == pd.Timedelta(0) and not allow_zero):
        raise ValueError(f"{name} must be {'at least' if allow_zero else 'more than'} 0, got {value!r}; "
                         "pass e.g. pd.Timedelta(days=7)")
    return duration


def _sequence(name: str, values: object) -> object:
    """``values`` if it is a sequence (not one date, number or None), else a TypeError naming the fix."""
    if _is_scalar_date(values) or isinstance(values, numbers.Number) or values is None:
        raise TypeError(
            f"{name} must be a sequence of dates (list, array, Series or DatetimeIndex), got "
            f"{type(values).__name__} {values!r}; wrap a single date in a list"
        )
    return values


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
    if isinstance(value, pd.Timestamp) and value.tz is None:  # already one: its date, in its own time unit
        return value.normalize()
    return _as_dates(name, [value])[0]


def _as_dates(name: str, values: object) -> pd.DatetimeIndex:
    """A tz-naive DatetimeIndex of dates (time of day dropped) from a sequence of date-like values."""
    return _as_times(name, values).normalize()


def _bars(values: object) -> pd.DatetimeIndex:
    """Bar timestamps (strings, dates or datetimes) as a checked, strictly increasing DatetimeIndex."""
    return exchange_times(_as_times("timestamps", values))


def _as_times(name: str, values: object) -> pd.DatetimeIndex:
    """A tz-naive DatetimeIndex (nanoseconds) from a sequence of date-like values, time of day kept."""
    _sequence(name, values)
    array = values if isinstance(values, (pd.Index, pd.Series)) else np.asarray(values)
    numeric = pd.api.types.is_numeric_dtype(array.dtype) or pd.api.types.is_bool_dtype(array.dtype)
    if numeric and len(array) > 0:
        raise TypeError(
            f"{name} must hold dates, got numbers (dtype {array.dtype}); "
            "convert them first, e.g. pd.to_datetime(values)"
        )
    try:
        if isinstance(array, (pd.Index, pd.Series)) and isinstance(array.dtype, np.dtype) and array.dtype.kind == "M":
            dates = pd.DatetimeIndex(array)  # already tz-naive datetimes: nothing to parse
        else:
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
    return dates
