from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mesbook import calculate_indicators, simulate_market_data
from mesbook.article.indicators import defined_from
from mesbook.core.indicators import INDICATOR_COLUMNS, fill_warmup, oi_indicators, rolling_mean, rolling_means
from benchmarks.article_loop import loop_indicators
from conftest import frame_from


@pytest.mark.parametrize("n", [1, 2, 9, 10, 30, 31, 500])
def test_matches_the_article_reference(n):
    df = simulate_market_data(n, seed=n)
    pd.testing.assert_frame_equal(calculate_indicators(df), loop_indicators(df, 10, 30))


def test_values_on_a_small_series():
    out = calculate_indicators(frame_from([1, 2, 3, 4, 5], [10, 12, 11, 15, 20]), 2, 3)
    assert out["oi_change"].tolist() == [0, 2, -1, 4, 5]
    assert out["oi_gradient"].tolist() == [2, 0.5, 1.5, 4.5, 5]  # centred inside, one-sided at the ends
    assert out["oi_short_sma"].tolist() == [0, 11, 11.5, 13, 17.5]
    assert out["oi_long_sma"].tolist() == [0, 0, 11, 38 / 3, 46 / 3]


def test_centred_gradient_reads_the_next_bar():
    base = frame_from(np.ones(10) * 4000, np.arange(10, 20))
    changed = base.copy()
    changed.loc[6, "open_interest"] = 1000
    diff = calculate_indicators(changed, 2, 3)["oi_gradient"] != calculate_indicators(base, 2, 3)["oi_gradient"]
    assert diff.tolist()[5] is True  # bar 5 changes when only bar 6 changed


def test_input_not_mutated_and_new_columns_added(market):
    before = market.copy()
    out = calculate_indicators(market)
    pd.testing.assert_frame_equal(market, before)
    assert set(INDICATOR_COLUMNS) <= set(out.columns) and out is not market
    assert not out[list(INDICATOR_COLUMNS)].isna().any().any()


def test_gradient_window_is_accepted_but_unused(market):
    pd.testing.assert_frame_equal(calculate_indicators(market, 10, 30, 5), calculate_indicators(market, 10, 30, 50))


@pytest.mark.parametrize(
    "windows, error, match",
    [
        ((0, 30, 5), ValueError, "short_sma_window"),
        ((10, -1, 5), ValueError, "long_sma_window"),
        ((10, 30, 0), ValueError, "gradient_window"),
        ((30, 30, 5), ValueError, "smaller than long_sma_window"),
        ((31, 30, 5), ValueError, "smaller than long_sma_window"),
        ((2.5, 30, 5), TypeError, "short_sma_window"),
    ],
)
def test_bad_windows(market, windows, error, match):
    with pytest.raises(error, match=match):
        calculate_indicators(market, *windows)


def test_bad_frames(market):
    with pytest.raises(TypeError, match="DataFrame"):
        calculate_indicators(market["open_interest"])
    with pytest.raises(ValueError, match="empty"):
        calculate_indicators(market.iloc[:0])
    with pytest.raises(ValueError, match="missing column"):
        calculate_indicators(market.drop(columns="open_interest"))
    bad = market.copy()
    bad.loc[3, "open_interest"] = np.nan
    with pytest.raises(ValueError, match="'open_interest' has missing or infinite values, first at row 3"):
        calculate_indicators(bad)
    bad = market.copy()
    bad["open_interest"] = bad["open_interest"].astype(str)
    with pytest.raises(TypeError, match="must be numeric"):
        calculate_indicators(bad)


def test_defined_from_finds_the_end_of_the_zero_fill():
    assert defined_from(np.array([0.0, 0.0, 3.5, 0.0, 2.0])) == 2
    assert defined_from(np.zeros(4)) == 4  # never defined
    frame = calculate_indicators(simulate_market_data(500, seed=7))
    assert defined_from(frame["oi_short_sma"].to_numpy()) == 9 and defined_from(frame["oi_long_sma"].to_numpy()) == 29


def test_lagged_gradient_is_the_centred_one_a_bar_late():
    from mesbook.core.indicators import oi_indicators

    oi = pd.Series([1.0, 4.0, 9.0, 16.0, 25.0, 20.0])
    # numpy.gradient: [3, 4, 6, 8, 2, -5] (one-sided at the ends, (OI[i+1] - OI[i-1]) / 2 inside)
    centred = oi_indicators(oi, 2, 3, 5, warmup="skip")["oi_gradient"]
    np.testing.assert_array_equal(centred, [3.0, 4.0, 6.0, 8.0, 2.0, -5.0])
    lagged = oi_indicators(oi, 2, 3, 5, warmup="skip", gradient="lagged")["oi_gradient"]
    np.testing.assert_array_equal(lagged, [np.nan, 3.0, 4.0, 6.0, 8.0, 2.0])
    # inside the series: (OI[i] - OI[i-2]) / 2, the same two-bar span, ending at bar i
    np.testing.assert_array_equal(lagged[2:], (oi.to_numpy()[2:] - oi.to_numpy()[:-2]) / 2)
    assert oi_indicators(oi, 2, 3, 5, gradient="lagged")["oi_gradient"][0] == 0.0  # the article's zero fill
    shifted = oi_indicators(oi, 2, 3, 5, warmup="skip", gradient="lagged", lag=1)["oi_gradient"]
    np.testing.assert_array_equal(shifted, [np.nan, np.nan, np.nan, 4.0, 6.0, 8.0])


def test_lagged_gradient_never_reads_a_later_bar():
    from mesbook.core.indicators import oi_indicators

    oi = simulate_market_data(200, seed=3)["open_interest"]
    base = oi_indicators(oi, 10, 30, 5, gradient="lagged")["oi_gradient"]
    for bar in (1, 57, 150, 199):
        changed = oi.copy()
        changed.iloc[bar] += 5000.0
        moved = oi_indicators(changed, 10, 30, 5, gradient="lagged")["oi_gradient"]
        np.testing.assert_array_equal(moved[:bar], base[:bar])  # nothing before the changed bar moves
    centred = oi_indicators(oi, 10, 30, 5)["oi_gradient"]
    changed = oi.copy()
    changed.iloc[57] += 5000.0
    assert oi_indicators(changed, 10, 30, 5)["oi_gradient"][56] != centred[56]  # the article's does read ahead


def _pandas_rolling_mean(values: pd.Series, window) -> np.ndarray:
    return values.rolling(window=window).mean().to_numpy()


@pytest.mark.parametrize("seed", range(40))
def test_rolling_mean_is_pandas_rolling_mean_on_random_series(seed):
    """rolling_mean calls pandas' kernel directly; it must equal Series.rolling(window).mean() exactly (same
    floats, NaN in the same places) on open interest as the book makes it, on wild magnitudes, with NaN and
    inf, on whole numbers and on any window, longer than the series too."""
    from mesbook.core.indicators import rolling_mean

    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 400))
    kind = seed % 4
    if kind == 0:
        values = simulate_market_data(n, seed=seed)["open_interest"]
    elif kind == 1:
        values = pd.Series(rng.normal(0, 1, n) * 10.0 ** rng.integers(-8, 12, n))
    elif kind == 2:
        values = pd.Series(rng.integers(-50, 10**6, n))
    else:
        x = rng.normal(1e5, 3e4, n)
        x[rng.random(n) < 0.1] = np.nan
        x[rng.random(n) < 0.03] = np.inf
        x[rng.random(n) < 0.03] = -np.inf
        values = pd.Series(x)
    for window in {1, 2, int(rng.integers(1, n + 1)), n, n + 3, np.int64(max(n // 2, 1))}:
        out = rolling_mean(values, window)
        expected = _pandas_rolling_mean(values, window)
        assert out.dtype == expected.dtype and out.shape == expected.shape
        np.testing.assert_array_equal(out.view(np.int64), expected.view(np.int64))  # bit for bit, NaN payloads too


@pytest.mark.parametrize("values, window", [(pd.Series([1.0, 2.0, 3.0]), 0), (pd.Series([], dtype=float), 3),
                                            (pd.Series([1, 2, 3], dtype="Int64"), 2), (pd.Series([True, False]), 1)])
def test_rolling_mean_hands_anything_else_to_pandas(values, window):
    from mesbook.core.indicators import rolling_mean

    np.testing.assert_array_equal(rolling_mean(values, window), _pandas_rolling_mean(values, window))


def _same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def _awkward_series() -> dict[str, pd.Series]:
    """Series whose rolling mean takes every branch of pandas' kernel and wrapper: NaN runs, infinities of
    both signs, a sum beyond the float range, constant stretches, negative values, ints, one and no value."""
    rng = np.random.default_rng(23)
    noisy = 20_000 + rng.normal(0, 100, 400).cumsum()
    holes = noisy.copy()
    holes[[0, 5, 6, 7, 50, 399]] = np.nan
    infinite = noisy.copy()
    infinite[[3, 200]] = np.inf
    infinite[100] = -np.inf
    return {"noisy": pd.Series(noisy), "holes": pd.Series(holes), "infinite": pd.Series(infinite),
            "huge": pd.Series([1e308] * 12 + [5.0] * 12), "constant": pd.Series(np.full(40, 3.25)),
            "signs": pd.Series(rng.normal(0, 1e6, 200)), "ints": pd.Series(np.arange(60, dtype=np.int64) ** 2),
            "one": pd.Series([7.0]), "none": pd.Series([], dtype=float),
            "lagged": pd.Series(noisy).shift(3)}


@pytest.mark.parametrize("name", list(_awkward_series()))
@pytest.mark.parametrize("window", [1, 2, 3, 10, 30, 500])
def test_rolling_mean_is_pandas_rolling_mean_bit_for_bit(name, window):
    """rolling_mean calls pandas' kernel without its wrapper: every bit as Series.rolling(w).mean() (the
    article's numbers rest on it), and an array of the caller's own."""
    series = _awkward_series()[name]
    ours = rolling_mean(series, window)
    assert _same_bits(ours, series.rolling(window).mean().to_numpy())
    assert ours.flags.writeable and not np.shares_memory(ours, series.to_numpy())
    several = rolling_means(series, window, 4, window + 1)  # one pass over the series, its bounds reused
    for got, each in zip(several, (window, 4, window + 1)):
        assert _same_bits(got, series.rolling(each).mean().to_numpy())


@pytest.mark.parametrize("warmup", ["fill_zero", "skip"])
@pytest.mark.parametrize("gradient", ["centred", "lagged", "backward"])
@pytest.mark.parametrize("lag", [0, 2])
@pytest.mark.parametrize("name", ["noisy", "holes", "infinite", "huge", "one", "none", "lagged"])
def test_indicators_fill_as_nan_to_num_does(warmup, gradient, lag, name):
    """The warm-up fill in place is numpy.nan_to_num(nan=0) exactly: NaN to 0, infinities to the largest
    finite numbers, on every column and every choice."""
    series = _awkward_series()[name]
    oi = series.shift(lag) if lag else series
    values = oi.to_numpy(dtype=float)
    grad = {"centred": np.gradient(values) if len(values) > 1 else np.zeros(len(values)),
            "lagged": np.r_[np.nan, np.gradient(values)[:-1]] if len(values) > 1 else np.full(len(values), np.nan),
            "backward": (values - np.r_[np.full(2, np.nan), values[:-2]][: len(values)]) / 2}[gradient]
    expected = {"oi_change": np.r_[np.nan, np.diff(values)][: len(values)], "oi_gradient": grad,
                "oi_short_sma": oi.rolling(3).mean().to_numpy(), "oi_long_sma": oi.rolling(5).mean().to_numpy()}
    with np.errstate(all="ignore"):
        got = oi_indicators(series, 3, 5, 2, warmup=warmup, gradient=gradient, lag=lag)
        for column, values in expected.items():
            want = np.nan_to_num(values, nan=0.0) if warmup == "fill_zero" else values
            assert _same_bits(got[column], want), column
    x = np.array([np.nan, np.inf, -np.inf, -0.0, 1.5])
    assert _same_bits(fill_warmup(x, "fill_zero"), np.nan_to_num(x, nan=0.0)) and np.isnan(x[0])


def test_the_warm_up_fill_works_on_many_markets_side_by_side():
    """A 2-D array (bars × markets, as the seed sweep reads them) is filled as nan_to_num fills it."""
    x = np.arange(24, dtype=float).reshape(6, 4)
    x[:3, 1] = np.nan
    x[5, 3] = np.inf
    x[0, :] = -np.inf
    got = fill_warmup(x, "fill_zero")
    assert _same_bits(got, np.nan_to_num(x, nan=0.0)) and np.isnan(x[1, 1])  # the input is left as it was
