"""Linear cost in bars: the data's clock and open interest attached by release time, on minute bars.

Globex one-minute bars (Sunday 17:00 to Friday 16:00 CT, 1,380 a session) of about 3.6, 7.2 and 14.4
years (1.25M, 2.5M and 5M bars, the size of a long vendor export) are measured by
:func:`mesbook.clock.bar_clock` and given the packaged CFTC open interest by
:func:`mesbook.data.release.attach_open_interest`, and the calendar's roll window in time is taken. Each
prints time per bar; linear growth keeps the per-bar figures flat.
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from benchmarks.timing import best_time
from mesbook.clock import bar_clock
from mesbook.data.release import ReleaseNote, attach_open_interest
from mesbook.options.calendar import roll_window

SIZES = (1_250_000, 2_500_000, 5_000_000)
START = pd.Timestamp("2011-01-02 17:00")


def minute_bars(n: int) -> pd.DatetimeIndex:
    """The first ``n`` one-minute Globex bar closes from :data:`START` (exchange time)."""
    closes = pd.date_range(START + pd.Timedelta(minutes=1), periods=int(n * 7 / 5 * 24 / 23) + 20_000,
                           freq="1min").as_unit("ns")
    opens = closes - pd.Timedelta(minutes=1)
    time_of_day = opens - opens.normalize()
    day = opens.day_of_week
    closed = ((time_of_day >= pd.Timedelta(hours=16)) & (time_of_day < pd.Timedelta(hours=17))) | (day == 5) | (
        (day == 4) & (time_of_day >= pd.Timedelta(hours=16))) | ((day == 6) & (time_of_day < pd.Timedelta(hours=17)))
    return closes[~closed][:n]


def main() -> dict[int, tuple[float, float, float]]:
    print("\nthe data's clock, OI by release time and the roll window on one-minute Globex bars")
    print(f"  {'bars':>10} {'clock s':>8} {'attach s':>9} {'window s':>9} {'ns/bar clock':>13} {'ns/bar attach':>14}")
    out = {}
    for n in SIZES:
        times = minute_bars(n)
        bars = pd.DataFrame({"timestamp": times, "futures_price": np.full(n, 4000.0)})
        clock_s = best_time(lambda: bar_clock(times), 3)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ReleaseNote)  # the 2013 shutdown weeks are noted
            attach_s = best_time(lambda: attach_open_interest(bars), 3)
        window_s = best_time(lambda: roll_window(times, pd.Timedelta(days=7)), 3)
        out[n] = (clock_s / n, attach_s / n, window_s / n)
        print(f"  {n:>10,} {clock_s:>8.2f} {attach_s:>9.2f} {window_s:>9.2f} {1e9 * clock_s / n:>13.0f} "
              f"{1e9 * attach_s / n:>14.0f}")
    growth = ", ".join(f"{late / early:.2f}x ({name})" for name, early, late
                       in zip(("clock", "attach", "roll window"), out[SIZES[0]], out[SIZES[-1]]))
    print(f"  => per-bar time {growth} from {SIZES[0]:,} to {SIZES[-1]:,} bars (linear: about 1x); the clock "
          f"reads {bar_clock(minute_bars(SIZES[-1])).describe()}")
    return out


if __name__ == "__main__":
    main()
