"""The data's own clock: how far apart the bars are, and how many make a session and a year.

Everything that means a duration (volatility per year, a publication lag, a roll window, an expiry) is
computed from the timestamps, so the package needs to know what the timestamps mean. The conventions, in
one place:

* **Exchange time.** Timestamps are tz-naive America/Chicago time (:data:`EXCHANGE_TZ`), the convention of
  :func:`mesbook.load_market_data`; :func:`exchange_times` converts tz-aware values to it.
* **A stamp is the moment its bar closes.** A timestamp with a time of day is the moment the bar's price
  is observed (its close, the end of the bar). Files stamped at the bar's start must be shifted first:
  :func:`stamps_to_closes` (``load_market_data(..., stamps="start")``, ``--stamps start``) does it. Many
  vendors stamp a bar at its start: Databento's OHLCV ``ts_event`` is "the inclusive start time of the bar
  aggregation period" (https://databento.com/docs/schemas/ohlcv); Kibot's intraday records carry "the time
  when the bar opened", 10:00 covering 10:00 to 10:01 (http://www.kibot.com/Data_Format.aspx);
  TradingView's Pine ``time`` is the time of the bar's open
  (https://tradingview.com/pine-script-docs/faq/times-dates-and-sessions/); Interactive Brokers' API gives
  each historical bar one ``Time``, "the bar's date and time"
  (https://interactivebrokers.github.io/tws-api/classIBApi_1_1Bar.html), which its bars align to their
  start (the page does not say so; check a file against its first bar of a session).
* **A date-only stamp is that day's close.** When every timestamp is at midnight the bars are daily (or
  weekly, monthly) bars labelled by their date, and the stamp stands for that date at :data:`DAILY_CLOSE`,
  3:00 p.m. CT: the time at which CME determines the daily settlement of Micro E-mini S&P 500 futures and
  options since 26 October 2020 (3:15 p.m. CT before; CME Group, "Daily Settlement Price Determination
  Time Change", 22 September 2020,
  https://cmegroup.com/education/articles-and-reports/faq-daily-settlement-price-determination-time-change.html),
  which is also 4:00 p.m. ET, the close of the cash index. So every moment of a day up to 3:00 p.m. CT (an
  8:30 a.m. quarterly expiry, the CFTC's 2:30 p.m. CT release, a 3:00 p.m. weekly expiry) falls at or
  before that day's bar, and nothing later that day does. :func:`bar_moments` applies it.
* **Sessions.** CME Globex trades MES from Sunday to Friday, 5:00 p.m. to 4:00 p.m. CT, with a daily break
  from 4:00 to 5:00 p.m. CT (CME Group, Micro E-mini S&P 500 Options contract specs,
  https://cmegroup.com/trading/equity-index/us-index/micro-e-mini-sandp-500_contractSpecs_options.html).
  A session runs from :data:`SESSION_START` (5:00 p.m. CT) to 5:00 p.m. CT the next day and belongs to the
  later date, its trade date: Sunday evening's bars are Monday's.

:func:`bar_clock` measures a :class:`BarClock` from the timestamps: the spacing (the most common step
between two bars of one session, so weekends, holidays and missing bars do not move it), its kind, the
bars in a session (intraday: the mean count per session, first and last session left out as possibly
partial) and the bars in a year. Business-day daily bars give exactly :data:`~mesbook.constants.TRADING_DAYS`
(252), weekly bars 52, monthly 12, intraday bars the measured bars per session × 252 (× 365 when sessions
are held on weekends too, as are daily bars taken every calendar day). The mean count is what annualizing
needs: with missing bars each return spans more time, and the bars a year count exactly the returns a year
holds. Irregular or mixed spacing is measured anyway and reported in a :class:`ClockNote` that names the
first irregular row and the fix; a spacing that fits no kind is refused unless ``periods_per_year`` is
given. The cost is linear in the bars (a few vectorized passes and one hash count).
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Optional

import numpy as np
import pandas as pd

from .constants import CALENDAR_DAYS, MONTHS_PER_YEAR, TRADING_DAYS, WEEKS_PER_YEAR
from .formatting import duration_text
from .validation import check_frame, check_int, check_number

#: Exchange time zone: tz-aware timestamps are converted to it and made naive.
EXCHANGE_TZ: str = "America/Chicago"
#: The moment a date-only stamp stands for, after its midnight: 3:00 p.m. CT, CME's daily settlement.
DAILY_CLOSE: pd.Timedelta = pd.Timedelta(hours=15)
#: When a Globex session opens, the evening before its trade date: 5:00 p.m. CT.
SESSION_START: pd.Timedelta = pd.Timedelta(hours=17)
#: Kinds of spacing :func:`bar_clock` recognises; "other" is any spacing read with ``periods_per_year`` given.
KINDS: tuple[str, ...] = ("intraday", "daily", "weekly", "monthly", "other")

_DAY = 86_400 * 10**9  # nanoseconds
_HOUR = 3_600 * 10**9
# Median step (nanoseconds) that makes each kind: [low, high].
_KIND_RANGES = (("intraday", 0, 20 * _HOUR), ("daily", 20 * _HOUR, 28 * _HOUR), ("weekly", 6 * _DAY, 8 * _DAY),
                ("monthly", 27 * _DAY, 32 * _DAY))
# A step longer than this is a gap (a holiday run, missing data, another spacing), per kind.
_GAP = {"daily": 5 * _DAY, "weekly": 14 * _DAY, "monthly": 45 * _DAY}
# Shares above which an irregularity is reported: steps off the grid, sessions of another spacing, gaps.
_OFF_GRID_SHARE, _MIXED_SHARE, _GAP_SHARE = 0.01, 0.01, 0.05
# A session is "of another spacing" when fewer than half its steps (at least this many) are the spacing.
_MIN_SESSION_STEPS = 10
# Share of sessions (or daily bars) on Saturdays and Sundays above which the calendar has 365 days.
_WEEKEND_SHARE = 0.10
_SINGLE = "a single bar: no spacing to measure and no return to annualize"


class ClockNote(UserWarning):
    """What :func:`bar_clock` found irregular in the spacing of the bars (one warning per clock)."""


@dataclass(frozen=True)
class BarClock:
    """The spacing of a market's bars and what it implies, measured by :func:`bar_clock`.

    ``spacing`` — the step between two bars (intraday: the most common step inside a session; daily 1 day;
    weekly 7 days; monthly and "other": the median step); ``kind`` — one of :data:`KINDS`; ``date_only`` —
    every stamp is a date (midnight), read as that day's close (:data:`DAILY_CLOSE`); ``bars_per_session``
    — measured mean bars per session (intraday), 1 (daily), None (weekly, monthly); ``sessions_per_year``
    — 252, or 365 when the data trade on weekends; ``periods_per_year`` — bars per year, the annualization
    factor; ``given`` — ``periods_per_year`` was passed by the caller, not measured; ``notes`` — the
    irregularities found, as sentences.
    """

    spacing: pd.Timedelta
    kind: str
    date_only: bool
    bars_per_session: Optional[float]
    sessions_per_year: Optional[int]
    periods_per_year: float
    given: bool = False
    notes: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind={self.kind!r} is not one of {KINDS}")
        check_number("periods_per_year", self.periods_per_year, strict=True)

    def describe(self) -> str:
        """One line for a reader, e.g. "1-minute bars, ~1,380 a session, 347,760 a year"."""
        per_year = f"{self.periods_per_year:,.0f} a year"
        if self.kind == "intraday":
            text = f"{duration_text(self.spacing.total_seconds(), adjective=True)} bars, " \
                   f"~{self.bars_per_session:,.0f} a session, {per_year}"
        elif self.kind == "daily":
            days = "every calendar day" if self.sessions_per_year == CALENDAR_DAYS else "business days"
            text = f"daily bars ({days}), {per_year}"
        elif self.kind in ("weekly", "monthly"):
            text = f"{self.kind} bars, {per_year}"
        elif self.spacing == pd.Timedelta(0):
            text = f"a single bar, {per_year}"
        else:
            text = f"bars every {duration_text(self.spacing.total_seconds())} (median step), {per_year}"
        if self.given:
            text += " (periods_per_year given)"
        if self.notes:
            text += "; spacing irregular: " + "; ".join(self.notes)
        return text

    def span(self, bars: int) -> pd.Timedelta:
        """Trading time that ``bars`` consecutive bars cover: ``bars`` × the spacing (30 one-minute bars:
        30 minutes; 10 daily bars: 10 days of trading). :func:`calendar_span` measures calendar time."""
        return self.spacing * check_int("bars", bars)

    def window_text(self, bars: int, calendar: Optional[pd.Timedelta] = None) -> str:
        """What a window of ``bars`` bars means on this data, e.g. "30 bars = 30 minutes of trading" or
        "10 bars = 10 trading days (typically 14 days of calendar time)"; ``calendar`` is the measured
        :func:`calendar_span` of the same window, added when given."""
        bars = check_int("bars", bars)
        if self.kind == "intraday":
            text = f"{bars:,} bars = {duration_text(self.span(bars).total_seconds())} of trading"
            if bars >= self.bars_per_session / 2:
                text += f", {bars / self.bars_per_session:,.1f} sessions"
        elif self.kind == "daily":
            text = f"{bars:,} bars = {bars:,} trading day{'s' if bars != 1 else ''}"
        elif self.kind in ("weekly", "monthly"):
            unit = "week" if self.kind == "weekly" else "month"
            text = f"{bars:,} bars = {bars:,} {unit}{'s' if bars != 1 else ''}"
        else:
            text = f"{bars:,} bars = about {duration_text(self.span(bars).total_seconds())}"
        if calendar is not None:
            text += f" (typically {duration_text(pd.Timedelta(calendar).total_seconds())} of calendar time)"
        return text

    def as_dict(self) -> dict[str, object]:
        """Plain values for JSON: spacing in seconds, kind, bars per session and per year, the description."""
        return {"spacing_seconds": self.spacing.total_seconds(), "kind": self.kind, "date_only": self.date_only,
                "bars_per_session": self.bars_per_session, "sessions_per_year": self.sessions_per_year,
                "periods_per_year": self.periods_per_year, "periods_per_year_given": self.given,
                "description": self.describe(), "notes": list(self.notes)}


def exchange_times(timestamps: object) -> pd.DatetimeIndex:
    """Timestamps as a checked, naive exchange-time DatetimeIndex (in their own unit); the input is not changed.

    ``timestamps`` is a DatetimeIndex, a Series or array of datetimes, or a market frame (its
    ``timestamp`` column). Tz-aware values are converted to :data:`EXCHANGE_TZ` and made naive; naive
    values are taken as exchange time already. Missing, duplicate or out-of-order values raise the
    ``ValueError`` of :func:`mesbook.validation.check_frame`, naming the row and the fix.
    """
    values = timestamps["timestamp"] if isinstance(timestamps, pd.DataFrame) and "timestamp" in timestamps else timestamps
    if isinstance(values, (pd.DatetimeIndex, pd.Series)) and pd.api.types.is_datetime64_any_dtype(values.dtype):
        times = pd.DatetimeIndex(values)  # the common case, checked without building a frame
        if len(times) and not times.hasnans and times.is_monotonic_increasing and times.is_unique:
            return times.tz_convert(EXCHANGE_TZ).tz_localize(None) if times.tz is not None else times
    if isinstance(timestamps, pd.DataFrame):
        check_frame(timestamps)
        series = timestamps["timestamp"]
    else:
        if isinstance(timestamps, (str, bytes)) or np.ndim(timestamps) != 1:
            raise TypeError(f"timestamps must be a sequence of datetimes (DatetimeIndex, Series or a frame's "
                            f"'timestamp' column), got {type(timestamps).__name__}")
        series = pd.Series(timestamps)
        if series.empty:
            raise ValueError("timestamps is empty; pass at least one bar's timestamp")
        check_frame(pd.DataFrame({"timestamp": series}))
    times = pd.DatetimeIndex(series)
    if times.tz is not None:
        times = times.tz_convert(EXCHANGE_TZ).tz_localize(None)
    return times


def is_date_only(timestamps: object) -> bool:
    """True when every timestamp is at midnight: bars labelled by their date (read as that day's close).
    Any datetimes are accepted (sorted or not); a frame's ``timestamp`` column is used."""
    values = timestamps["timestamp"] if isinstance(timestamps, pd.DataFrame) else timestamps
    return _date_only(pd.DatetimeIndex(values))


def bar_moments(timestamps: object) -> pd.DatetimeIndex:
    """The moment each bar closes, in exchange time: the stamp itself, or for date-only stamps (every
    stamp at midnight) the date at :data:`DAILY_CLOSE` (3:00 p.m. CT). Compare these, not the raw stamps,
    with expiry moments and release moments."""
    times = exchange_times(timestamps)
    return times + DAILY_CLOSE if _date_only(times) else times


def trade_dates(timestamps: object) -> pd.DatetimeIndex:
    """The trade date of each bar: the date of its session, which opens at :data:`SESSION_START` (5:00 p.m.
    CT) the evening before (a bar stamped Sunday 18:00 belongs to Monday). Date-only stamps keep their date."""
    times = exchange_times(timestamps)
    if _date_only(times):
        return times
    return (times + (pd.Timedelta(days=1) - SESSION_START)).normalize()


def calendar_span(timestamps: object, bars: int) -> Optional[pd.Timedelta]:
    """Calendar time a window of ``bars`` bars typically covers on this data: the median, over the data,
    of the time from the bar before a window to its last bar (5 business-day bars: 7 days; 30 one-minute
    bars: 30 minutes). None when the data hold no more than ``bars`` bars."""
    bars = check_int("bars", bars)
    stamps, tick = _ticks(exchange_times(timestamps))
    if len(stamps) <= bars:
        return None
    return pd.Timedelta(int(_median(stamps[bars:] - stamps[:-bars])) * tick, unit="ns")


#: How a file stamps its bars: at their "start" (the vendors above) or their "end" (mesbook's convention).
STAMPS: tuple[str, ...] = ("start", "end")


def stamps_to_closes(timestamps: object, stamps: str = "end") -> pd.DatetimeIndex:
    """Timestamps in mesbook's convention (each the moment its bar closes) from a file that stamps ``stamps``.

    "end": unchanged (exchange time). "start": intraday bars move forward by the spacing of
    :func:`bar_clock` (a 1-minute bar stamped 10:00 closes at 10:01); date-only daily bars keep their date
    (a date labels its day's bar either way); date-only weekly bars move to the last business day before the
    next week's start (Monday → Friday), monthly ones to the month's last business day. Other spacings are
    refused: convert the stamps yourself.
    """
    if stamps not in STAMPS:
        raise ValueError(f"stamps must be one of {STAMPS} (does the file stamp a bar at its start or its end?), "
                         f"got {stamps!r}")
    times = exchange_times(timestamps)
    if stamps == "end" or len(times) < 2:
        return times
    clock = bar_clock(times, periods_per_year=1.0)  # the spacing only: no note about the year
    if clock.kind == "intraday":
        return times + clock.spacing
    if clock.date_only and clock.kind == "daily":
        return times
    if clock.date_only and clock.kind == "weekly":
        ends = np.busday_offset((times + pd.Timedelta(days=7)).values.astype("datetime64[D]"), -1, roll="forward")
        return pd.DatetimeIndex(ends.astype(f"datetime64[{times.unit}]"))
    if clock.date_only and clock.kind == "monthly":
        return (times + pd.offsets.BMonthEnd(0)).as_unit(times.unit)
    raise ValueError(f"stamps='start' on {clock.kind} bars {'with a time of day' if not clock.date_only else ''}: "
                     "mesbook cannot tell when these bars close; shift the timestamps to each bar's close and "
                     "pass stamps='end'")


def bar_clock(timestamps: object, periods_per_year: Optional[float] = None) -> BarClock:
    """The :class:`BarClock` of a market's timestamps (see the module docstring for what is measured).

    ``timestamps`` as in :func:`exchange_times` (a market frame works). ``periods_per_year`` — bars per
    year — overrides the measured value (and allows a spacing of no known kind). Irregular or mixed
    spacing is reported once as a :class:`ClockNote` (unless ``periods_per_year`` is given) and kept in
    ``notes``. A single bar has no spacing (0) and a nominal 252 bars a year, which no figure uses (one bar
    has no return). Raises ``ValueError`` for a spacing of no known kind, naming the fix.
    """
    given = periods_per_year is not None
    if given:
        periods_per_year = check_number("periods_per_year", periods_per_year, strict=True)
    times = exchange_times(timestamps)
    stamps, tick = _ticks(times)
    date_only = _date_only(times)
    if len(stamps) < 2:  # no step to measure and no return to annualize: a nominal year of trading days
        return BarClock(pd.Timedelta(0), "other", date_only, None, None, periods_per_year if given else
                        float(TRADING_DAYS), given, () if given else (_SINGLE,))
    steps = np.diff(stamps) * tick  # nanoseconds
    median = _median(steps)
    kind = next((name for name, low, high in _KIND_RANGES if low <= median < high), None)
    if kind is None and not given:
        raise ValueError(
            f"timestamps: bars are {duration_text(median / 1e9)} apart (median step), which is no spacing "
            "mesbook recognises (intraday, daily, weekly or monthly); pass periods_per_year= (bars per year)")
    if kind == "intraday":
        spacing, per_session, sessions, per_year, notes = _intraday(stamps, tick, steps)
    elif kind is None:
        spacing, per_session, sessions, per_year, notes = pd.Timedelta(int(median), unit="ns"), None, None, None, []
        kind = "other"
    else:
        spacing, per_session, sessions, per_year, notes = _coarse(kind, stamps, tick, steps, median, date_only)
    if given:
        per_year = periods_per_year
    elif notes:
        warnings.warn(f"timestamps: {'; '.join(notes)}. periods_per_year={per_year:,.0f} assumes "
                      f"{duration_text(spacing.total_seconds(), adjective=True)} bars throughout; resample the "
                      "data to one spacing, or pass periods_per_year= (bars per year) to set it", ClockNote,
                      stacklevel=2)
    return BarClock(spacing, kind, date_only, per_session, sessions, float(per_year), given, tuple(notes))


def _intraday(stamps: np.ndarray, tick: int, steps: np.ndarray) -> tuple:
    """Spacing, bars per session, sessions and bars per year, and notes, of intraday bars (``stamps`` in
    units of ``tick`` nanoseconds, ``steps`` in nanoseconds)."""
    absolute = (stamps + (_DAY - SESSION_START.value) // tick) // (_DAY // tick)  # trade dates since 1970-01-01
    day = absolute - absolute[0]
    inside = day[1:] == day[:-1]  # step between two bars of one session
    within = steps[inside]
    values, counts_of = _distinct(within if within.size else steps)
    spacing = int(values[np.argmax(counts_of)])
    counts = np.bincount(day)
    held = np.flatnonzero(counts)
    full = counts[held[1:-1]] if len(held) >= 3 else counts[held]
    per_session = float(full.mean())
    weekend = _weekday(held + absolute[0]) >= 5
    sessions = CALENDAR_DAYS if weekend.mean() > _WEEKEND_SHARE else TRADING_DAYS
    notes = []
    rows = np.flatnonzero(inside) + 1  # the row that ends each inside step
    off = within % spacing != 0
    if off.size and off.mean() > _OFF_GRID_SHARE:
        row = int(rows[np.argmax(off)])
        notes.append(f"{off.mean():.0%} of the steps inside a session are not a whole number of "
                     f"{duration_text(spacing / 1e9, adjective=True)} bars, first at {_row(stamps, tick, row)}")
    on_grid = np.bincount(day[rows], weights=(within == spacing), minlength=len(counts))
    total = np.bincount(day[rows], minlength=len(counts))
    mixed = np.flatnonzero((total >= _MIN_SESSION_STEPS) & (on_grid < total / 2))
    if len(mixed) and len(mixed) > _MIXED_SHARE * len(held):
        first = mixed[0]
        row = int(np.searchsorted(day, first))
        typical = _median(within[day[rows] == first])
        notes.append(f"{len(mixed)} of {len(held)} sessions mostly have steps other than "
                     f"{duration_text(spacing / 1e9)}, the first from {_row(stamps, tick, row)} (steps of "
                     f"{duration_text(typical / 1e9)})")
    return pd.Timedelta(spacing, unit="ns"), per_session, sessions, per_session * sessions, notes


def _coarse(kind: str, stamps: np.ndarray, tick: int, steps: np.ndarray, median: float, date_only: bool) -> tuple:
    """Spacing, bars per session, sessions and bars per year, and notes, of daily, weekly or monthly bars
    (``stamps`` in units of ``tick`` nanoseconds, ``steps`` in nanoseconds)."""
    spacing = {"daily": _DAY, "weekly": 7 * _DAY}.get(kind, int(round(median / _DAY)) * _DAY)
    notes = []
    if kind == "daily":
        weekend = _weekday(stamps // (_DAY // tick)) >= 5
        sessions, per_session = (CALENDAR_DAYS if weekend.mean() > _WEEKEND_SHARE else TRADING_DAYS), 1.0
        per_year = sessions
    else:
        sessions, per_session = None, None
        per_year = WEEKS_PER_YEAR if kind == "weekly" else MONTHS_PER_YEAR
    midnight = stamps % (_DAY // tick) == 0
    if not date_only and midnight.any():
        row = int(np.argmax(midnight != midnight[0]))
        notes.append(f"some bars are stamped with a date only and others with a time of day (row 0 and "
                     f"{_row(stamps, tick, row)}); a date reads as that day's 15:00 CT close, a time as the bar's "
                     "close, so the two read differently: stamp every bar the same way")
    short = steps < spacing / 2
    if short.any():
        unit = {"daily": "day", "weekly": "week", "monthly": "month"}[kind]
        notes.append(f"{short.sum():,} steps are shorter than half a {unit} (more than one bar in a {unit}), "
                     f"first at {_row(stamps, tick, int(np.argmax(short)) + 1)}")
    gaps = steps > _GAP[kind]
    if gaps.mean() > _GAP_SHARE:
        notes.append(f"{gaps.mean():.0%} of the steps are longer than {duration_text(_GAP[kind] / 1e9)} "
                     f"(mixed spacing, or sparse data), first at {_row(stamps, tick, int(np.argmax(gaps)) + 1)}")
    return pd.Timedelta(spacing, unit="ns"), per_session, sessions, per_year, notes


def _distinct(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct values, ascending, and how often each occurs: one hash pass, then a sort of the distinct
    values only (bar steps take few distinct values, so this stays linear where a sort of all would not)."""
    counts = pd.Series(values).value_counts(sort=False).sort_index()
    return counts.index.to_numpy(), counts.to_numpy()


def _median(values: np.ndarray) -> float:
    """The median of integer ``values`` (the lower middle value for an even count) from :func:`_distinct`."""
    distinct, counts = _distinct(values)
    return float(distinct[np.searchsorted(np.cumsum(counts), (len(values) + 1) // 2)])


def _weekday(days: np.ndarray) -> np.ndarray:
    """Day of the week (Monday 0 … Sunday 6) of day numbers since 1970-01-01, a Thursday."""
    return (days + 3) % 7


def _row(stamps: np.ndarray, tick: int, row: int) -> str:
    unit = {1: "ns", 10**3: "us", 10**6: "ms", 10**9: "s"}[tick]
    return f"row {row} ({pd.Timestamp(np.datetime64(int(stamps[row]), unit))})"


def _ticks(times: pd.DatetimeIndex) -> tuple[np.ndarray, int]:
    """The stamps as integers in the index's own unit (so dates past 2262 still work) and the nanoseconds
    in one unit; steps and lengths are then taken in nanoseconds, which they never overflow."""
    return times.asi8, int(pd.Timedelta(1, unit=times.unit).value)


def _date_only(times: pd.DatetimeIndex) -> bool:
    stamps, tick = _ticks(times)
    return bool((stamps % (_DAY // tick) == 0).all())


__all__ = ["BarClock", "ClockNote", "DAILY_CLOSE", "EXCHANGE_TZ", "KINDS", "SESSION_START", "STAMPS", "bar_clock",
           "bar_moments", "calendar_span", "exchange_times", "is_date_only", "stamps_to_closes", "trade_dates"]
