"""Bar grids the clock, release and calendar tests share: CME Globex intraday bars stamped at their close.

Globex trades MES from Sunday 5:00 p.m. to Friday 4:00 p.m. CT with a daily break from 4:00 to 5:00 p.m. CT
(CME Group, Micro E-mini S&P 500 Options contract specs, trading hours:
https://cmegroup.com/trading/equity-index/us-index/micro-e-mini-sandp-500_contractSpecs_options.html).
A bar of ``step`` stamped at its close is in the session when the interval (close − step, close] is.
"""
from __future__ import annotations

import pandas as pd

#: Bars of each spacing in one full Globex session (23 hours of trading).
SESSION_HOURS = 23


def globex_bars(start: str, end: str, step: str = "1min") -> pd.DatetimeIndex:
    """Close stamps of every ``step`` bar from ``start`` to ``end`` that falls inside Globex trading hours."""
    size = pd.Timedelta(step)
    closes = pd.date_range(pd.Timestamp(start) + size, end, freq=size).as_unit("ns")
    opens = closes - size
    time = opens - opens.normalize()
    day = opens.day_of_week  # Monday 0 ... Sunday 6
    in_break = (time >= pd.Timedelta(hours=16)) & (time < pd.Timedelta(hours=17))
    closed = (day == 5) | ((day == 4) & (time >= pd.Timedelta(hours=16))) | ((day == 6) & (time < pd.Timedelta(hours=17)))
    return closes[~in_break & ~closed]


def regular_hours_bars(start: str, end: str, step: str = "1min") -> pd.DatetimeIndex:
    """Close stamps of ``step`` bars in the cash session only, 8:30 a.m. to 3:00 p.m. CT, Monday to Friday."""
    size = pd.Timedelta(step)
    closes = pd.date_range(pd.Timestamp(start) + size, end, freq=size).as_unit("ns")
    opens = closes - size
    time = opens - opens.normalize()
    keep = (time >= pd.Timedelta(hours=8, minutes=30)) & (time < pd.Timedelta(hours=15)) & (opens.day_of_week < 5)
    return closes[keep]
