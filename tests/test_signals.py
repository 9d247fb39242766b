from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mesbook import calculate_indicators, generate_signals, simulate_market_data
from mesbook.article.signals import confirmed_by, crossing_bars, crossings, named_signals, signal_bars, signal_table
from mesbook.core.signals import codes_from_labels, signal_codes
from benchmarks.article_loop import loop_indicators, loop_signals


@pytest.mark.parametrize("n, seed", [(1, 0), (2, 1), (30, 2), (31, 3), (500, 4), (5000, 5)])
def test_matches_the_article_reference(n, seed):
    ind = calculate_indicators(simulate_market_data(n, seed=seed))
    expected = loop_signals(loop_indicators(simulate_market_data(n, seed=seed), 10, 30))["signal"]
    got = generate_signals(ind)["signal"]
    assert got.astype(str).tolist() == expected.tolist()


@pytest.mark.parametrize("seed", range(40))
def test_matches_reference_with_other_windows(seed):
    rng = np.random.default_rng(seed)
    short = int(rng.integers(1, 20))
    long = short + int(rng.integers(1, 30))
    df = simulate_market_data(400, seed=seed)
    got = generate_signals(calculate_indicators(df, short, long))["signal"].astype(str)
    assert got.tolist() == loop_signals(loop_indicators(df, short, long))["signal"].tolist()


def test_bar_zero_holds_and_labels_are_known(market):
    sig = generate_signals(calculate_indicators(market))["signal"]
    assert sig.iloc[0] == "HOLD"
    assert set(sig.astype(str)) <= {"BUY", "SELL", "HOLD"}


def test_warm_up_fill_creates_a_crossover_at_bar_short_minus_one():
    # Rising OI: the short average appears at bar 9 while the long one is still 0 -> a BUY that never crossed.
    df = simulate_market_data(100, seed=0).assign(open_interest=np.linspace(20_000, 21_000, 100))
    sig = generate_signals(calculate_indicators(df))["signal"]
    assert sig.iloc[9] == "BUY"
    assert (sig.iloc[10:] == "HOLD").all()  # on a straight line the averages never cross again


def test_input_not_mutated(market):
    ind = calculate_indicators(market)
    before = ind.copy()
    generate_signals(ind)
    pd.testing.assert_frame_equal(ind, before)


def test_needs_indicator_columns(market):
    with pytest.raises(ValueError, match="missing column.*calculate_indicators|missing column"):
        generate_signals(market)


def test_codes_from_labels_accepts_strings_and_rejects_unknown():
    assert codes_from_labels(pd.Series(["HOLD", "BUY", "SELL"])).tolist() == [0, 1, 2]
    with pytest.raises(ValueError, match="'signal' has 'buy' at row 1"):
        codes_from_labels(pd.Series(["HOLD", "buy"]))


def test_crossing_bars_on_hand_built_averages():
    short = np.array([0.0, 5.0, 5.0, 3.0, 3.0, 6.0])
    long = np.array([0.0, 0.0, 4.0, 4.0, 4.0, 4.0])
    up, down = crossing_bars(short, long)
    assert list(up) == [1, 5] and list(down) == [3]


def test_crossings_include_the_zero_fill_artefacts():
    frame = generate_signals(calculate_indicators(simulate_market_data(500, seed=7)))
    up, down = crossings(frame)
    assert up[0] == 9 and down[0] == 29  # short window - 1 and long window - 1


def test_signal_table_and_signal_bars_agree_with_signals():
    frame = generate_signals(calculate_indicators(simulate_market_data(500, seed=7)))
    counts = frame["signal"].astype(str).value_counts()
    table = signal_table(frame)
    assert table.loc["crosses above → BUY", "signals"] == counts["BUY"]
    assert table.loc["crosses below → SELL", "signals"] == counts["SELL"]
    assert (table["crossings"] >= table["signals"]).all()
    assert (table["filtered out by momentum"] == table["crossings"] - table["signals"]).all()
    assert table["signals from the warm-up"].sum() == 2
    bars = signal_bars(frame)
    assert list(bars.index[:2]) == [9, 29] and list(bars["signal"][:2]) == ["BUY", "SELL"]
    assert len(bars) == counts["BUY"] + counts["SELL"]


def test_confirmed_by_names_the_condition_that_agreed_with_each_signal():
    frame = pd.DataFrame({"oi_change": [1.0, 2.0, -3.0, 4.0, -1.0, 0.0],
                          "oi_gradient": [0.0, 1.5, 0.5, -2.0, -0.5, 0.2],
                          "signal": ["HOLD", "BUY", "SELL", "BUY", "SELL", "BUY"]})
    reasons = confirmed_by(frame)
    assert list(reasons.index) == [1, 2, 3, 4, 5]
    assert list(reasons) == ["both", "change", "change", "both", "gradient"]


def test_named_signals_on_a_hand_built_frame():
    frame = pd.DataFrame({"timestamp": pd.date_range("2024-01-01", periods=8, freq="D"),
                          "open_interest": np.arange(100.0, 108.0),
                          "oi_long_sma": [0.0, 0.0, 0.0, 5.0, 5.0, 5.0, 5.0, 5.0],
                          "oi_change": [0.0, 1.0, 0.0, -1.0, 0.0, -2.0, -1.0, 0.0],
                          "oi_gradient": [0.0, 1.0, 0.0, -1.0, 0.0, 1.0, 2.0, 0.0],
                          "signal": ["HOLD", "BUY", "HOLD", "SELL", "HOLD", "BUY", "SELL", "HOLD"]})
    named = named_signals(frame)
    assert named["bar"].to_dict() == {"warm_first": 1, "warm_last": 3, "first_real": 5, "change": 6, "gradient": 5}
    assert named.loc["gradient", "confirmed by"] == "gradient" and named.loc["warm_first", "date"] == "2024-01-02"
    assert list(named_signals(frame.assign(signal="HOLD")).index) == []  # no signal, no row, no error


def test_the_book_market_names_its_warm_up_and_one_condition_signals():
    frame = generate_signals(calculate_indicators(simulate_market_data(500, seed=7)))
    named = named_signals(frame)
    assert named.loc[["warm_first", "warm_last"], "bar"].tolist() == [9, 29]  # short window - 1, long window - 1
    for by in ("change", "gradient"):
        row = named.loc[by]
        side = 1 if row["signal"] == "BUY" else -1
        agrees = {"change": row["change"] * side > 0, "gradient": row["gradient"] * side > 0}
        assert agrees[by] and not agrees["gradient" if by == "change" else "change"]


def _rule_bar_by_bar(short, long, change, gradient):
    """The article's rule one bar at a time (the reference for the vectorized signal_codes)."""
    codes = []
    for i in range(len(short)):
        if i == 0:
            codes.append(0)
        elif short[i] > long[i] and short[i - 1] <= long[i - 1] and (change[i] > 0 or gradient[i] > 0):
            codes.append(1)
        elif short[i] < long[i] and short[i - 1] >= long[i - 1] and (change[i] < 0 or gradient[i] < 0):
            codes.append(2)
        else:
            codes.append(0)
    return np.array(codes, dtype=np.int8)


@pytest.mark.parametrize("seed", range(30))
def test_signal_codes_is_the_rule_bar_by_bar(seed):
    """Ties, NaN (warm-up kept as NaN) and zero momentum included; int8 codes."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(0, 80))
    short, long = rng.integers(-2, 3, n).astype(float), rng.integers(-2, 3, n).astype(float)
    change, gradient = rng.integers(-1, 2, n).astype(float), rng.integers(-1, 2, n).astype(float)
    for values in (short, long, change, gradient):
        values[rng.random(n) < 0.1] = np.nan
    got = signal_codes(short, long, change, gradient)
    assert got.dtype == np.int8 and got.tolist() == _rule_bar_by_bar(short, long, change, gradient).tolist()
