"""The last stage of the loader: checks on the frame as a whole (positive values, time strictly increasing)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from . import layouts
from .common import EXCHANGE_TZ, NUMERIC_COLUMNS, Load


def check_values(load: Load, df: pd.DataFrame) -> None:
    """Refuse a price or open interest <= 0, and timestamps that are not strictly increasing."""
    for column in NUMERIC_COLUMNS:
        bad = (df[column] <= 0).to_numpy()
        if bad.any():
            load.refuse(bad, column, df[column], "must be > 0, got",
                        "prices and open interest cannot be zero or negative: fix or delete that row")
    layouts.check_scale(load, df)
    times = df["timestamp"].to_numpy()
    step = times[1:] <= times[:-1]
    if step.any():
        _refuse_step(load, df, int(np.flatnonzero(step)[0]) + 1)


def _refuse_step(load: Load, df: pd.DataFrame, position: int) -> None:
    layouts.several_instruments(load, df, position)
    times = df["timestamp"]
    kind = "duplicate" if times.iloc[position] == times.iloc[position - 1] else "out-of-order"
    here, before = load.lines.where(position), load.lines.where(position - 1)
    if any("exchange time" in note for note in load.notes):  # distinct instants can share a clock time
        raise ValueError(
            f"{load.source} {here}, column 'timestamp': in exchange time {EXCHANGE_TZ} this bar is "
            f"{kind} ({str(times.iloc[position])!r}, {before} has {str(times.iloc[position - 1])!r}), as in the "
            "hour clocks repeat when daylight saving time ends; the engine works in tz-naive exchange time: drop or "
            "aggregate the bars of that hour")
    raise ValueError(
        f"{load.source} {here}, column 'timestamp': {kind} timestamp {str(times.iloc[position])!r} "
        f"({before} has {str(times.iloc[position - 1])!r}); timestamps must be strictly "
        "increasing: sort the file by timestamp and drop duplicates")
