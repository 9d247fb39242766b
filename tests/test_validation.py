"""The boundary checks (mesbook.validation): each refusal names the field, the first bad row and the fix."""
from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from mesbook.validation import MAX_INT, check_frame, check_int, check_number, check_windows


def market(**columns) -> pd.DataFrame:
    base = {"timestamp": pd.date_range("2024-01-01", periods=3, freq="D"), "futures_price": [1.0, 2.0, 3.0],
            "open_interest": [5.0, 6.0, 7.0]}
    return pd.DataFrame({**base, **columns})


def test_check_int_bounds_and_types():
    assert check_int("n", 1) == 1 and check_int("n", np.int64(7)) == 7 and type(check_int("n", np.int64(7))) is int
    assert check_int("n", 0, minimum=0) == 0 and check_int("n", MAX_INT) == MAX_INT
    with pytest.raises(ValueError, match=r"n must be >= 1, got 0; pass a whole number of at least 1"):
        check_int("n", 0)
    with pytest.raises(ValueError, match=r"n must be <= 10, got 11"):
        check_int("n", 11, maximum=10)
    with pytest.raises(ValueError, match="n must be <= 2,147,483,647"):
        check_int("n", MAX_INT + 1)
    for bad in (True, 1.0, "1", None):
        with pytest.raises(TypeError, match="n must be an integer"):
            check_int("n", bad)


@pytest.mark.parametrize("bad", [np.inf, -np.inf, np.nan, float("inf")])
def test_check_number_refuses_every_non_finite_value(bad):
    with pytest.raises(ValueError, match=r"x must be finite"):
        check_number("x", bad, minimum=-np.inf if bad != bad else 0.0)
    with pytest.raises(ValueError, match="x must be finite"):
        check_number("x", bad, minimum=-1e308)


def test_check_number_bounds_and_types():
    assert check_number("x", 0) == 0.0 and type(check_number("x", 3)) is float
    assert check_number("x", -1.0, minimum=-1.0) == -1.0
    with pytest.raises(ValueError, match=r"x must be > -1.0, got -1.0"):
        check_number("x", -1.0, minimum=-1.0, strict=True)
    with pytest.raises(ValueError, match=r"x must be >= 0.0, got -0.5"):
        check_number("x", -0.5)
    assert check_number("x", 1e-300, strict=True) == 1e-300
    for bad in (True, "1", None, [1.0]):
        with pytest.raises(TypeError, match="x must be a real number"):
            check_number("x", bad)


def test_check_windows():
    assert check_windows(10, 30, 5) == (10, 30, 5)
    with pytest.raises(ValueError, match="short_sma_window \\(30\\) must be smaller than long_sma_window \\(30\\)"):
        check_windows(30, 30, 5)
    with pytest.raises(ValueError, match="gradient_window"):
        check_windows(1, 2, 0)
    with pytest.raises(TypeError, match="long_sma_window"):
        check_windows(1, 2.0, 1)


@pytest.mark.parametrize("bad", [np.inf, -np.inf, np.nan])
def test_check_frame_refuses_non_finite_values_naming_the_row(bad):
    frame = market(futures_price=[1.0, bad, 3.0])
    with pytest.raises(ValueError, match=r"column 'futures_price' has missing or infinite values, first at row 1 "
                                         r"\(index 1, value (inf|-inf|nan)\); drop or fill"):
        check_frame(frame, positive=("futures_price",))
    with pytest.raises(ValueError, match="open_interest.*row 2"):
        check_frame(market(open_interest=[1.0, 2.0, bad]), numeric=("open_interest",))


def test_check_frame_positive_types_and_shape():
    frame = market()
    assert check_frame(frame, positive=("futures_price", "open_interest")) is frame  # returned, not copied
    with pytest.raises(ValueError, match=r"column 'open_interest' must be > 0, first bad value at row 1"):
        check_frame(market(open_interest=[1.0, 0.0, 2.0]), positive=("open_interest",))
    assert check_frame(market(open_interest=[1.0, 0.0, -2.0]), numeric=("open_interest",)) is not None  # numeric only
    with pytest.raises(TypeError, match=r"column 'open_interest' must be numeric, got dtype bool"):
        check_frame(market(open_interest=[True, False, True]), numeric=("open_interest",))
    with pytest.raises(TypeError, match=r"column 'futures_price' must be numeric.*pd.to_numeric"):
        check_frame(market(futures_price=["1", "2", "3"]), numeric=("futures_price",))
    with pytest.raises(ValueError, match=r"missing column\(s\) \['volume'\]"):
        check_frame(frame, numeric=("volume",))
    with pytest.raises(ValueError, match="the DataFrame is empty"):
        check_frame(frame.iloc[:0])
    with pytest.raises(TypeError, match="expected a pandas DataFrame, got dict"):
        check_frame({"timestamp": []})
    nullable = market(open_interest=pd.array([1, None, 3], dtype="Int64"))
    with pytest.raises(ValueError, match="open_interest.*row 1"):
        check_frame(nullable, numeric=("open_interest",))


def test_check_frame_timestamps():
    frame = market()
    assert check_frame(frame.drop(columns="timestamp"), timestamp=False) is not None
    with pytest.raises(ValueError, match=r"missing column\(s\) \['timestamp'\]"):
        check_frame(frame.drop(columns="timestamp"))
    with pytest.raises(TypeError, match="'timestamp' must hold datetimes"):
        check_frame(frame.assign(timestamp=["2024-01-01"] * 3))
    times = frame["timestamp"].copy()
    with pytest.raises(ValueError, match=r"duplicate timestamp at row 2"):
        check_frame(frame.assign(timestamp=[times[0], times[1], times[1]]))
    with pytest.raises(ValueError, match=r"out-of-order timestamp at row 1 .*sort the rows"):
        check_frame(frame.assign(timestamp=[times[1], times[0], times[2]]))
    with pytest.raises(ValueError, match=r"'timestamp' has a missing value at row 1"):
        check_frame(frame.assign(timestamp=[times[0], pd.NaT, times[2]]))
    assert check_frame(frame.iloc[:1]) is not None  # one bar is a valid market


def full(message: str) -> str:
    """A regex matching exactly ``message`` (the whole text: field, problem and fix)."""
    return "^" + re.escape(message) + "$"


def test_every_message_in_full():
    with pytest.raises(TypeError, match=full("n must be an integer, got float 1.0")):
        check_int("n", 1.0)
    with pytest.raises(TypeError, match=full("x must be a real number, got str '1'")):
        check_number("x", "1")
    for args, message in [((30, 10, 5), "short_sma_window (30) must be smaller than long_sma_window (10); swap them or "
                                        "shorten the short window"),
                          ((0, 10, 5), "short_sma_window must be >= 1, got 0; pass a whole number of at least 1"),
                          ((1, 0, 5), "long_sma_window must be >= 1, got 0; pass a whole number of at least 1"),
                          ((1, 2, 0), "gradient_window must be >= 1, got 0; pass a whole number of at least 1")]:
        with pytest.raises(ValueError, match=full(message)):
            check_windows(*args)
    frame = market()
    with pytest.raises(ValueError, match=full("the DataFrame is empty; pass at least one row (bar) of market data")):
        check_frame(frame.iloc[:0])
    with pytest.raises(ValueError, match=full(
            "missing column(s) ['volume']; the DataFrame has ['timestamp', 'futures_price', 'open_interest']. "
            "Add them (see simulate_market_data or load_market_data for the expected layout)")):
        check_frame(frame, numeric=("volume",))
    with pytest.raises(ValueError, match=full(
            "column 'open_interest' must be > 0, first bad value at row 1 (index 1, value 0.0); prices and open "
            "interest cannot be zero or negative")):
        check_frame(market(open_interest=[1.0, 0.0, 2.0]), positive=("open_interest",))
    with pytest.raises(TypeError, match=full(
            "column 'timestamp' must hold datetimes, got dtype str; convert it with pd.to_datetime(df['timestamp'])")):
        check_frame(frame.assign(timestamp=["2024-01-01"] * 3))
    two = frame.iloc[:2].assign(timestamp=frame["timestamp"].iloc[[1, 0]].to_numpy())
    with pytest.raises(ValueError, match=full(
            "column 'timestamp' has a out-of-order timestamp at row 1 (2024-01-01 00:00:00); timestamps must be "
            "strictly increasing: sort the rows and drop duplicates")):
        check_frame(two)  # two bars are enough to be out of order


@pytest.mark.parametrize("unit", ["ns", "s"])
@pytest.mark.parametrize("row", [0, 1, 3, 5])
def test_a_missing_timestamp_anywhere_is_named_whatever_the_order_around_it(unit, row):
    """NaT is the smallest tick: a one-pass 'strictly rising' test must not let one through (first, inside, last)."""
    stamps = pd.Series(pd.date_range("2024-01-01", periods=6, freq="D")).astype(f"datetime64[{unit}]")
    stamps[row] = pd.NaT
    frame = pd.DataFrame({"timestamp": stamps, "futures_price": 4000.0, "open_interest": 1e4})
    with pytest.raises(ValueError, match=rf"'timestamp' has a missing value at row {row} "):
        check_frame(frame)
    check_frame(frame.drop(index=row).reset_index(drop=True))  # rising ticks pass


def test_numeric_columns_whose_sum_overflows_are_still_finite():
    """The one-sum proof of 'all finite' gives way to the full check when the sum itself overflows."""
    frame = pd.DataFrame({"timestamp": pd.date_range("2024-01-01", periods=3, freq="D"),
                          "futures_price": [1.5e308, 1.5e308, 1.0], "open_interest": [-1e308, -1e308, 1.0]})
    assert check_frame(frame, numeric=("open_interest",), positive=("futures_price",)) is frame
    with pytest.raises(ValueError, match=r"'open_interest' must be > 0, first bad value at row 0"):
        check_frame(frame, positive=("open_interest",))
    with pytest.raises(ValueError, match=r"'futures_price' has missing or infinite values, first at row 2"):
        check_frame(frame.assign(futures_price=[1.5e308, 1.5e308, np.inf]), positive=("futures_price",))
