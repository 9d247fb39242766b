"""Open interest for any bars, by release time: a figure is usable only from the moment it was published.

Most price files (minute and hourly bars, vendor exports) have no open-interest column. Joining an OI
series on its date puts each figure on bars that closed before anyone could read it: the CFTC's weekly
figure, dated Friday, would reach a minute file at Friday 00:01, some 14 hours before its release.
:func:`attach_open_interest` gives every bar the latest figure **released at or before the bar's close**
(:func:`mesbook.clock.bar_moments`: an intraday stamp is its bar's close, a date-only stamp that day's
3:00 p.m. CT close), and no bar anything released later. Bars before the first release get NaN (or are
dropped, or refused). Times are exchange time, tz-naive America/Chicago.

When a figure is released is a :class:`ReleaseRule`, a small value type:

* :class:`CftcSchedule` — the CFTC's Commitments of Traders schedule, the rule of the packaged weekly
  series (:func:`mesbook.data.real.load_cftc_open_interest`), and the default;
* :class:`FixedDelay` — a fixed delay after the as-of moment (a date-only as-of is that day's close);
* :class:`NextBusinessDay` — the next business day at a time of day (exchange OI known the next morning);
* :class:`ReleasedColumn` — release moments given in a column of the OI table.

The CFTC's release schedule, its sources and limits are in :mod:`mesbook.data.cftc`.
"""
from __future__ import annotations

import abc
import datetime as _dt
import warnings
from dataclasses import dataclass
from typing import Optional, Union

import numpy as np
import pandas as pd

from ..clock import EXCHANGE_TZ, bar_moments, exchange_times
from ..formatting import duration_text
from ..validation import check_frame, check_int
from .cftc import (CFTC_RELEASE_TIME, CFTC_SHUTDOWN_RELEASES, CFTC_UNKNOWN_RELEASES, cftc_release_moments,
                   federal_holidays)
from .real import load_cftc_open_interest

#: What :func:`attach_open_interest` does with bars before the first release.
BEFORE_FIRST: tuple[str, ...] = ("nan", "drop", "raise")
#: Columns :func:`attach_open_interest` adds to the bars.
ATTACHED_COLUMNS: tuple[str, ...] = ("open_interest", "oi_as_of", "oi_released")

_DAY = pd.Timedelta(days=1)
_UNITS = ("ns", "us", "ms", "s")  # finest to coarsest
# The last figure is "stale" for bars more than this many typical release intervals after its release.
_STALE_INTERVALS = 2


class ReleaseNote(UserWarning):
    """What :func:`attach_open_interest` could not make exact: stale or unscheduled figures (one per call)."""


class ReleaseRule(abc.ABC):
    """When each figure of an OI table becomes public: :meth:`release_moments` gives one moment per row
    (exchange time) from the table's ``as_of`` moments and, for some rules, its other columns."""

    @abc.abstractmethod
    def release_moments(self, as_of: pd.DatetimeIndex, table: pd.DataFrame) -> pd.DatetimeIndex:
        """One release moment per row of ``table`` (``as_of`` is its checked as-of column)."""

    @abc.abstractmethod
    def describe(self) -> str:
        """The rule in one line, for a run's output."""


@dataclass(frozen=True)
class CftcSchedule(ReleaseRule):
    """The CFTC's Commitments of Traders schedule (:func:`cftc_release_moments`); ``closures`` are extra
    dates the federal offices were closed (ISO strings), ``shutdowns`` applies :data:`CFTC_SHUTDOWN_RELEASES`."""

    closures: tuple[str, ...] = ()
    shutdowns: bool = True

    def release_moments(self, as_of: pd.DatetimeIndex, table: pd.DataFrame) -> pd.DatetimeIndex:
        return cftc_release_moments(as_of, self.closures, self.shutdowns)

    def describe(self) -> str:
        return "CFTC schedule: Friday 14:30 CT (3:30 p.m. ET), the next business day after a holiday week"


@dataclass(frozen=True)
class FixedDelay(ReleaseRule):
    """Released ``delay`` after the as-of moment (a date-only as-of is that day's 3:00 p.m. CT close)."""

    delay: pd.Timedelta

    def __post_init__(self) -> None:
        duration = isinstance(self.delay, (pd.Timedelta, _dt.timedelta, np.timedelta64))
        if not duration or pd.isna(self.delay) or pd.Timedelta(self.delay) < pd.Timedelta(0):
            raise ValueError(f"delay must be a duration >= 0 such as pd.Timedelta(hours=18), got {self.delay!r}")

    def release_moments(self, as_of: pd.DatetimeIndex, table: pd.DataFrame) -> pd.DatetimeIndex:
        return bar_moments(as_of) + pd.Timedelta(self.delay)

    def describe(self) -> str:
        return f"released {duration_text(pd.Timedelta(self.delay).total_seconds())} after the as-of close"


@dataclass(frozen=True)
class NextBusinessDay(ReleaseRule):
    """Released ``days`` business days (Monday–Friday, not in ``holidays``) after the as-of date, at ``at``
    after midnight (exchange time). The default, the next business morning at 09:00 CT, is daily exchange
    OI known the morning after; on business-day bars it is exactly one bar of lag."""

    at: pd.Timedelta = pd.Timedelta(hours=9)
    days: int = 1
    holidays: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        check_int("days", self.days, minimum=1)
        if not isinstance(self.at, (pd.Timedelta, _dt.timedelta, np.timedelta64)) or pd.isna(self.at) or \
                not pd.Timedelta(0) <= pd.Timedelta(self.at) < _DAY:
            raise ValueError(f"at must be a time of day between 0 and 24 hours, got {self.at!r}")

    def release_moments(self, as_of: pd.DatetimeIndex, table: pd.DataFrame) -> pd.DatetimeIndex:
        dates = as_of.values.astype("datetime64[D]") + np.timedelta64(1, "D")  # the day after, whatever the unit
        holidays = np.array(list(self.holidays), dtype="datetime64[D]")
        released = np.busday_offset(dates, self.days - 1, roll="forward", holidays=holidays)
        # in the as-of's own unit: dates past 2262 (a million simulated business days) do not fit nanoseconds
        return pd.DatetimeIndex(released.astype(f"datetime64[{as_of.unit}]")) + pd.Timedelta(self.at)

    def describe(self) -> str:
        clock_time = (pd.Timestamp(0) + pd.Timedelta(self.at)).strftime("%H:%M")
        when = "the next business day" if self.days == 1 else f"{self.days} business days later"
        return f"released {when} at {clock_time} CT"


@dataclass(frozen=True)
class ReleasedColumn(ReleaseRule):
    """Release moments read from ``column`` of the OI table (exchange time; tz-aware values are converted)."""

    column: str = "released"

    def release_moments(self, as_of: pd.DatetimeIndex, table: pd.DataFrame) -> pd.DatetimeIndex:
        if self.column not in table.columns:
            raise ValueError(f"the OI table has no {self.column!r} column (it has {list(table.columns)}); "
                             "add the release moments or choose another rule")
        values = table[self.column]
        if not pd.api.types.is_datetime64_any_dtype(values):
            raise TypeError(f"column {self.column!r} must hold datetimes, got dtype {values.dtype}; "
                            f"convert it with pd.to_datetime(table[{self.column!r}])")
        if values.isna().any():
            row = int(np.flatnonzero(values.isna().to_numpy())[0])
            raise ValueError(f"column {self.column!r} has a missing release moment at row {row}; fill it or drop the row")
        times = pd.DatetimeIndex(values)
        if times.tz is not None:
            times = times.tz_convert(EXCHANGE_TZ).tz_localize(None)
        return times.as_unit("ns")

    def describe(self) -> str:
        return f"released at the moments of column {self.column!r}"


#: The packaged CFTC series' rule.
CFTC_SCHEDULE = CftcSchedule()


def attach_open_interest(
    bars: pd.DataFrame,
    open_interest: Union[pd.DataFrame, pd.Series, None] = None,
    rule: Optional[ReleaseRule] = None,
    *,
    before_first: str = "nan",
) -> pd.DataFrame:
    """``bars`` with the open interest known at each bar's close: a copy with ``open_interest`` (contracts),
    ``oi_as_of`` and ``oi_released`` (the figure's as-of and release moments) added.

    ``bars`` — any market frame with a ``timestamp`` column (strictly increasing, exchange time; daily,
    intraday or gapped; a date-only stamp is that day's 3:00 p.m. CT close) and no ``open_interest``.
    ``open_interest`` — a table with ``as_of`` (datetimes, strictly increasing) and ``open_interest``
    (contracts > 0), or a Series of OI indexed by as-of; None: the packaged weekly CFTC series, raw units
    (its unit break of May 2023 included; see :func:`mesbook.data.real.load_cftc_open_interest`).
    ``rule`` — a :class:`ReleaseRule`; None: :data:`CFTC_SCHEDULE` for the packaged series,
    :class:`ReleasedColumn` for a table with a ``released`` column, else refused (an OI series without
    a release rule is the look-ahead this function exists to prevent). ``before_first`` — bars before
    the first release get NaN ("nan"), are dropped ("drop") or refuse the call ("raise").

    Each bar gets, among the figures released at or before its close, the one with the latest as-of
    date (so a late report never hides a newer one already out). Bars after the series' last release
    keep its last figure; a :class:`ReleaseNote` says when that figure is stale. Linear in bars + figures.
    """
    if before_first not in BEFORE_FIRST:
        raise ValueError(f"before_first must be one of {BEFORE_FIRST}, got {before_first!r}")
    check_frame(bars)
    taken = [c for c in ATTACHED_COLUMNS if c in bars.columns]
    if taken:
        raise ValueError(f"bars already has column(s) {taken}; drop them first, e.g. "
                         f"bars.drop(columns={taken}), to attach open interest by release time")
    table, rule = _oi_table(open_interest, rule)
    as_of = exchange_times(table["as_of"])
    released = pd.DatetimeIndex(rule.release_moments(as_of, table))
    early = released < as_of
    if early.any():
        row = int(np.flatnonzero(early)[0])
        raise ValueError(f"the release moment {released[row]} of row {row} is before its as-of moment {as_of[row]}; "
                         "the rule or the released column is wrong (swapped columns?)")
    closes = bar_moments(bars["timestamp"])
    figure = latest_released(released, closes)
    known = figure >= 0
    if not known.any():
        raise ValueError(f"no bar closes at or after the first release ({released.min()}); the bars end at "
                         f"{closes[-1]}: pass bars that overlap the OI series")
    if not known.all() and before_first == "raise":
        row = int(np.flatnonzero(~known)[0])
        raise ValueError(f"bar at row {row} ({bars['timestamp'].iloc[row]}) closes before the first release "
                         f"({released.min()}); pass before_first='drop' or 'nan', or start the bars later")
    _notes(table, as_of, released, figure, closes)
    pick = np.maximum(figure, 0)
    values = np.where(known, table["open_interest"].to_numpy(dtype=float)[pick], np.nan)
    out = bars.assign(open_interest=values, oi_as_of=as_of[pick].where(known), oi_released=released[pick].where(known))
    return out[known] if before_first == "drop" else out


def latest_released(released: pd.DatetimeIndex, closes: pd.DatetimeIndex) -> np.ndarray:
    """The one look-up behind every release-time join: for each bar close, the row of the figure with the
    latest as-of among those released at or before it, or -1 when none is. ``released`` holds one release
    moment per figure, the figures in as-of order (so the latest as-of is the largest row released);
    ``closes`` are bar closes (:func:`mesbook.clock.bar_moments`). An argsort, a running maximum and a
    binary search: n log n in figures, linear in bars."""
    released = pd.DatetimeIndex(released)
    closes = pd.DatetimeIndex(closes)
    unit = max(released.unit, closes.unit, key=_UNITS.index)  # one unit for both, the coarser: no overflow
    moments = released.as_unit(unit).asi8
    order = np.argsort(moments, kind="stable")
    best = np.maximum.accumulate(order)
    count = np.searchsorted(moments[order], closes.as_unit(unit).asi8, side="right")
    return np.where(count > 0, best[np.maximum(count - 1, 0)], -1)


def _oi_table(open_interest: object, rule: Optional[ReleaseRule]) -> tuple[pd.DataFrame, ReleaseRule]:
    """The OI table (``as_of``, ``open_interest``, other columns kept) and its rule, checked."""
    if open_interest is None:
        return load_cftc_open_interest(), CFTC_SCHEDULE if rule is None else _check_rule(rule)
    if isinstance(open_interest, pd.Series):
        if not isinstance(open_interest.index, pd.DatetimeIndex):
            raise TypeError("an open_interest Series must be indexed by as-of datetimes (a DatetimeIndex); "
                            "or pass a table with 'as_of' and 'open_interest' columns")
        table = pd.DataFrame({"as_of": open_interest.index, "open_interest": open_interest.to_numpy()})
    elif isinstance(open_interest, pd.DataFrame):
        table = open_interest
    else:
        raise TypeError(f"open_interest must be a DataFrame with 'as_of' and 'open_interest' columns, a Series "
                        f"indexed by as-of, or None for the packaged CFTC series; got {type(open_interest).__name__}")
    missing = [c for c in ("as_of", "open_interest") if c not in table.columns]
    if missing:
        raise ValueError(f"the OI table lacks column(s) {missing} (it has {list(table.columns)}); it needs 'as_of' "
                         "(when each figure was measured) and 'open_interest' (contracts)")
    try:
        check_frame(table.rename(columns={"timestamp": "_timestamp", "as_of": "timestamp"}), positive=("open_interest",))
    except (TypeError, ValueError) as exc:  # the check names the as-of column 'timestamp': say 'as_of'
        raise type(exc)(str(exc).replace("'timestamp'", "'as_of'").replace("df['as_of']", "table['as_of']")) from None
    if rule is None:
        if "released" not in table.columns:
            raise ValueError("open_interest has no 'released' column and no rule was given: say when each figure "
                             "became public, e.g. rule=NextBusinessDay() for daily OI known the next morning, "
                             "rule=FixedDelay(pd.Timedelta(hours=18)), rule=CftcSchedule() for CFTC reports, or "
                             "add a 'released' column")
        rule = ReleasedColumn()
    return table, _check_rule(rule)


def _check_rule(rule: object) -> ReleaseRule:
    if not isinstance(rule, ReleaseRule):
        raise TypeError(f"rule must be a ReleaseRule (CftcSchedule, FixedDelay, NextBusinessDay or ReleasedColumn), "
                        f"got {type(rule).__name__}")
    return rule


def _notes(table: pd.DataFrame, as_of: pd.DatetimeIndex, released: pd.DatetimeIndex, figure: np.ndarray,
           closes: pd.DatetimeIndex) -> None:
    """One ReleaseNote for stale figures after the series' end and for figures of unknown release."""
    notes = []
    used = np.unique(figure[figure >= 0])
    unknown = [str(d.date()) for d in as_of[used].normalize() if str(d.date()) in CFTC_UNKNOWN_RELEASES]
    if unknown:
        notes.append(f"bars use CFTC figures as of {', '.join(unknown)}, whose release was delayed by the October "
                     "2013 shutdown to dates not in mesbook's sources: those bars see them earlier than anyone did")
    if len(released) > 1:
        last = released.max()
        interval = pd.Series(released.sort_values()).diff().median()
        stale = np.asarray(closes > last + _STALE_INTERVALS * interval)
        if stale.any():
            notes.append(f"{int(stale.sum()):,} bars from {closes[np.argmax(stale)]} still use the last "
                         f"figure, released {last} ({_STALE_INTERVALS} release intervals earlier or more): the OI "
                         "series ends before the bars; extend it or cut the bars")
    if notes:
        warnings.warn("attach_open_interest: " + "; ".join(notes), ReleaseNote, stacklevel=3)


__all__ = ["ATTACHED_COLUMNS", "BEFORE_FIRST", "CFTC_RELEASE_TIME", "CFTC_SCHEDULE", "CFTC_SHUTDOWN_RELEASES",
           "CFTC_UNKNOWN_RELEASES", "CftcSchedule", "FixedDelay", "NextBusinessDay", "ReleaseNote", "ReleaseRule",
           "ReleasedColumn", "attach_open_interest", "cftc_release_moments", "federal_holidays", "latest_released"]
