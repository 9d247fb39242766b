"""When the CFTC releases its weekly Commitments of Traders reports: :func:`cftc_release_moments`.

The schedule is the one place that knows it; :mod:`mesbook.data.release` (open interest attached to any
bars) and :mod:`mesbook.data.real` (the book's weekly real-data frame) both read it.

**The CFTC's schedule.** Source: U.S. Commodity Futures Trading Commission, "Commitments of Traders: Release
Schedule", https://www.cftc.gov/MarketReports/CommitmentsofTraders/ReleaseSchedule/index.htm (stored copy
https://cftc.gov/es/node/132401, the schedule for December 2023 to December 2024): the reports are released
at 3:30 p.m. Eastern time, usually on Friday, with data from the previous Tuesday; federal holidays may
delay a release, and the schedule marks each delayed date, and the weeks that use Monday's data because
the Tuesday is a holiday. The rule modelled here, :func:`cftc_release_moments`:

* the report is as of a Tuesday close, or a Monday's when that Tuesday is a federal holiday;
* it is released on the Friday of the same week, at 3:30 p.m. ET = 2:30 p.m. CT (the two zones change
  clocks on the same days, so the hour between them never changes);
* when a federal holiday falls on the Wednesday, Thursday or Friday of that week, the release moves to
  the next federal business day after that Friday (the Monday, or the Tuesday after a Monday holiday).
  A Monday holiday delays nothing. Federal holidays are those of 5 U.S.C. 6103, a Saturday holiday
  observed on the Friday before and a Sunday one on the Monday after (pandas' ``USFederalHolidayCalendar``,
  Juneteenth from 2021).

It reproduces every date of the CFTC's 2024 schedule (delayed releases on Monday 24 June for Juneteenth,
8 July for Independence Day, 2 December for Thanksgiving and 30 December for Christmas; Monday holidays
leave their Friday alone) and the original dates of the CFTC's October 2025 – January 2026 table (a
Monday as-of date of 10 November 2025 before Veterans Day, released Friday 14 November; Thanksgiving,
Christmas and New Year's Day moving Friday releases to Monday 1 December, 29 December and 5 January).

Its limits, honestly: closures by executive order (an extra day off around Christmas in some years, the
National Day of Mourning of 9 January 2025) are not federal holidays in the statute and are not modelled —
pass them as ``closures``. Government shutdowns stopped the reports for weeks; :data:`CFTC_SHUTDOWN_RELEASES`
holds the release dates the CFTC published afterwards (October 2025 – January 2026: the CFTC's table,
reprinted by Mondo Visione, https://mondovisione.com/media-and-resources/news/cftc-to-resume-publishing-cot-reports-wednesday-the-agency-also-announced-a-c-20251118/;
December 2018 – March 2019: the first date as announced by the CFTC, reported by The Fence Post,
https://www.thefencepost.com/news/cftc-releases-report-schedule-giancarlo-praises-staff/, and the rest
derived from its announced pattern of one report each Tuesday and each Friday until current, which lands
the report of 5 March 2019 on Friday 8 March, the week the reports were current again). The release dates
of the reports of 1, 8 and 15 October 2013, held back by that shutdown (Reuters, 17 October 2013), are not
in mesbook's sources: the rule's Fridays are earlier than the real releases, and a :class:`ReleaseNote`
says so when a bar would use one of them.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from pandas.tseries.holiday import USFederalHolidayCalendar

from ..clock import exchange_times

#: The CFTC's release time, 3:30 p.m. Eastern = 2:30 p.m. Central, after midnight (exchange time).
CFTC_RELEASE_TIME: pd.Timedelta = pd.Timedelta(hours=14, minutes=30)
#: (as-of date, release date) of reports whose release a government shutdown moved, as published by the
#: CFTC (2025-26) or announced and derived from its pattern (2019); see the module docstring.
CFTC_SHUTDOWN_RELEASES: tuple[tuple[str, str], ...] = (
    ("2018-12-24", "2019-02-01"), ("2018-12-31", "2019-02-05"), ("2019-01-08", "2019-02-08"),
    ("2019-01-15", "2019-02-12"), ("2019-01-22", "2019-02-15"), ("2019-01-29", "2019-02-19"),
    ("2019-02-05", "2019-02-22"), ("2019-02-12", "2019-02-26"), ("2019-02-19", "2019-03-01"),
    ("2019-02-26", "2019-03-05"),
    ("2025-09-30", "2025-11-19"), ("2025-10-07", "2025-11-21"), ("2025-10-14", "2025-11-25"),
    ("2025-10-21", "2025-12-02"), ("2025-10-28", "2025-12-05"), ("2025-11-04", "2025-12-09"),
    ("2025-11-10", "2025-12-12"), ("2025-11-18", "2025-12-16"), ("2025-11-25", "2025-12-19"),
    ("2025-12-02", "2025-12-23"), ("2025-12-09", "2025-12-30"), ("2025-12-16", "2026-01-06"),
    ("2025-12-23", "2026-01-09"), ("2025-12-30", "2026-01-13"), ("2026-01-06", "2026-01-16"),
    ("2026-01-13", "2026-01-20"),
)
#: As-of dates whose real release (delayed by the October 2013 shutdown) is not in mesbook's sources.
CFTC_UNKNOWN_RELEASES: tuple[str, ...] = ("2013-10-01", "2013-10-08", "2013-10-15")

def federal_holidays(start: object, end: object, closures: tuple[str, ...] = ()) -> pd.DatetimeIndex:
    """U.S. federal holidays (5 U.S.C. 6103, as observed by federal offices) from ``start`` to ``end``, both
    included, plus ``closures`` (extra dates the offices closed), as dates."""
    first, last = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
    observed = USFederalHolidayCalendar().holidays(first, last)  # by observed date (31 Dec 2021 for 2022)
    dates = observed.append(pd.DatetimeIndex(list(closures))).normalize().as_unit("ns").unique().sort_values()
    return dates[(dates >= first) & (dates <= last)]


def cftc_release_moments(as_of: object, closures: tuple[str, ...] = (), shutdowns: bool = True) -> pd.DatetimeIndex:
    """Release moment (exchange time, CT) of CFTC Commitments of Traders reports as of ``as_of`` dates.

    The rule, its source and its limits are in the module docstring: the Friday of the as-of week at 14:30
    CT (3:30 p.m. ET), or the next federal business day after it when a federal holiday (or one of
    ``closures``) falls on that week's Wednesday, Thursday or Friday; with ``shutdowns``, the dates of
    :data:`CFTC_SHUTDOWN_RELEASES` replace the rule's. ``as_of`` dates must be Tuesdays, or Mondays
    (holiday weeks): any other day is refused, as it is no CFTC report date (a release date given as
    as-of, say).
    """
    dates = pd.DatetimeIndex(exchange_times(as_of)).normalize()
    weekday = dates.day_of_week.to_numpy()
    bad = ~np.isin(weekday, (0, 1))
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise ValueError(f"as_of {dates[row].date()} (row {row}) is a {dates[row].day_name()}; CFTC reports are "
                         "as of a Tuesday (a Monday when the Tuesday is a holiday): pass the report dates, not "
                         "the release dates, or use another ReleaseRule")
    friday = dates + pd.to_timedelta(4 - weekday, unit="D")
    holidays = federal_holidays(dates.min(), friday.max() + pd.Timedelta(days=14), closures)
    days = holidays.values.astype("datetime64[D]")
    friday_days = friday.values.astype("datetime64[D]")
    held = np.zeros(len(friday), dtype=bool)
    for back in (0, 1, 2):  # Friday, Thursday, Wednesday of the release week
        held |= np.isin(friday_days - np.timedelta64(back, "D"), days)
    after = np.busday_offset(friday_days + np.timedelta64(1, "D"), 0, roll="forward", holidays=days)
    released = pd.DatetimeIndex(np.where(held, after, friday_days).astype("datetime64[ns]"))
    if shutdowns:
        table = dict(CFTC_SHUTDOWN_RELEASES)
        known = pd.Series(pd.to_datetime(list(table.values())).as_unit("ns"), index=pd.to_datetime(list(table)))
        released = pd.DatetimeIndex(pd.Series(dates).map(known).fillna(pd.Series(released)))
    return (released.as_unit("ns") + CFTC_RELEASE_TIME).rename("released")


__all__ = ["CFTC_RELEASE_TIME", "CFTC_SHUTDOWN_RELEASES", "CFTC_UNKNOWN_RELEASES", "cftc_release_moments",
           "federal_holidays"]
