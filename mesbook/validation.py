"""Boundary checks shared by every public function.

Each check raises ``TypeError`` (wrong kind of thing) or ``ValueError`` (right kind, bad value) with a
message that names the field and says how to fix it. Nothing here modifies its argument.
"""
from __future__ import annotations

import numbers
from collections.abc import Iterable

import numpy as np
import pandas as pd


#: Largest whole number the checks accept (bar counts, windows, seeds of size): beyond it arrays overflow.
MAX_INT = 2**31 - 1


def check_int(name: str, value: object, minimum: int = 1, maximum: int = MAX_INT) -> int:
    """Return ``value`` as an int, requiring an integer in [``minimum``, ``maximum``] (bools are refused)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__} {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}; pass a whole number of at least {minimum}")
    if value > maximum:
        raise ValueError(f"{name} must be <= {maximum:,}, got {value}; pass a smaller number")
    return int(value)


def check_number(name: str, value: object, minimum: float = 0.0, strict: bool = False) -> float:
    """Return ``value`` as a finite float ≥ ``minimum`` (> when ``strict``)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__} {value!r}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    if value < minimum or (strict and value == minimum):
        relation = ">" if strict else ">="
        raise ValueError(f"{name} must be {relation} {minimum}, got {value}")
    return value


def check_windows(short_sma_window: object, long_sma_window: object, gradient_window: object) -> tuple[int, int, int]:
    """Validate the three open-interest windows (bars): each ≥ 1 and short < long."""
    short = check_int("short_sma_window", short_sma_window)
    long = check_int("long_sma_window", long_sma_window)
    gradient = check_int("gradient_window", gradient_window)
    if short >= long:
        raise ValueError(
            f"short_sma_window ({short}) must be smaller than long_sma_window ({long}); "
            "swap them or shorten the short window"
        )
    return short, long, gradient


def check_frame(
    df: object,
    numeric: Iterable[str] = (),
    positive: Iterable[str] = (),
    timestamp: bool = True,
) -> pd.DataFrame:
    """Check a market frame: a non-empty DataFrame with the named columns.

    ``numeric`` columns must be real-valued with no NaN/inf; ``positive`` ones must also be > 0. When
    ``timestamp`` is true the frame needs a datetime ``timestamp`` column, strictly increasing. The frame
    is returned unchanged (not copied).
    """
    checked_columns(df, numeric, positive, timestamp)
    return df


def checked_columns(
    df: object,
    numeric: Iterable[str] = (),
    positive: Iterable[str] = (),
    timestamp: bool = True,
) -> dict[str, pd.Series]:
    """:func:`check_frame`, returning the columns it checked by name (``timestamp`` first), each read once."""
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"expected a pandas DataFrame, got {type(df).__name__}")
    if len(df) == 0:
        raise ValueError("the DataFrame is empty; pass at least one row (bar) of market data")
    positive = tuple(positive)
    needed = (["timestamp"] if timestamp else []) + list(dict.fromkeys([*numeric, *positive]))
    missing = [c for c in needed if c not in df.columns]
    if missing:
        raise ValueError(
            f"missing column(s) {missing}; the DataFrame has {list(df.columns)}. "
            "Add them (see simulate_market_data or load_market_data for the expected layout)"
        )
    columns = {column: df[column] for column in needed}
    for column, series in columns.items():
        if column == "timestamp":
            _check_timestamps(series)
        else:
            _check_numeric(series, column, column in positive)
    return columns


def _first_bad_row(series: pd.Series, mask: np.ndarray) -> str:
    position = int(np.flatnonzero(mask)[0])
    plain = lambda x: x.item() if isinstance(x, np.generic) else x  # 5.0, not np.float64(5.0)
    return f"row {position} (index {plain(series.index[position])!r}, value {plain(series.iloc[position])!r})"


def _check_numeric(series: pd.Series, column: str, positive: bool) -> None:
    if pd.api.types.is_bool_dtype(series) or not pd.api.types.is_numeric_dtype(series):
        raise TypeError(
            f"column {column!r} must be numeric, got dtype {series.dtype}; "
            f"convert it first, e.g. df[{column!r}] = pd.to_numeric(df[{column!r}])"
        )
    values = series.to_numpy(dtype=float, na_value=np.nan)
    with np.errstate(over="ignore"):  # a sum beyond the float range is not finite: the full check below
        if len(values) and np.isfinite(values.sum()) and (not positive or values.min() > 0):
            return  # a finite sum has no NaN or infinity in it (the usual case: two passes, no mask)
    bad = ~np.isfinite(values)
    if bad.any():
        raise ValueError(
            f"column {column!r} has missing or infinite values, first at {_first_bad_row(series, bad)}; "
            "drop or fill those rows before passing the data"
        )
    if positive:
        bad = values <= 0
        if bad.any():
            raise ValueError(
                f"column {column!r} must be > 0, first bad value at {_first_bad_row(series, bad)}; "
                "prices and open interest cannot be zero or negative"
            )


def _check_timestamps(series: pd.Series) -> None:
    if not pd.api.types.is_datetime64_any_dtype(series):
        raise TypeError(
            f"column 'timestamp' must hold datetimes, got dtype {series.dtype}; "
            "convert it with pd.to_datetime(df['timestamp'])"
        )
    if isinstance(series.dtype, np.dtype):  # tz-naive: NaT is the smallest int64, so ticks strictly rising
        ticks = series.to_numpy().view(np.int64)  # from a first one that is not NaT hold no NaT either
        if ticks[0] != np.iinfo(np.int64).min and bool((ticks[1:] > ticks[:-1]).all()):
            return  # the usual case, in one pass; otherwise the checks below name the first bad row
    if series.isna().any():
        raise ValueError(f"column 'timestamp' has a missing value at {_first_bad_row(series, series.isna().to_numpy())}")
    if len(series) > 1:
        values = series.to_numpy()
        step = values[1:] <= values[:-1]
        if step.any():
            position = int(np.flatnonzero(step)[0]) + 1
            kind = "duplicate" if values[position] == values[position - 1] else "out-of-order"
            raise ValueError(
                f"column 'timestamp' has a {kind} timestamp at row {position} ({series.iloc[position]}); "
                "timestamps must be strictly increasing: sort the rows and drop duplicates"
            )
