from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mesbook import simulate_market_data
from mesbook.article.market import simulate_with_drift
from mesbook.core.market import ARTICLE_OI_DRIFT, MARKET_COLUMNS
from mesbook.core.oi import LEDGER_TRADES, oi_ledger, regime_table


def test_layout_and_calendar():
    df = simulate_market_data(30, seed=1)
    assert list(df.columns) == list(MARKET_COLUMNS)
    assert df["timestamp"].iloc[0] == pd.Timestamp("2023-01-02")  # first business day from 2023-01-01
    assert (df["timestamp"].dt.day_of_week < 5).all()
    assert df["timestamp"].is_monotonic_increasing and df["timestamp"].is_unique


def test_seeded_draw_order_is_documented():
    rng = np.random.default_rng(5)
    price_steps, oi_steps = rng.normal(0.1, 1.5, 40), rng.normal(10, 100, 40)
    df = simulate_market_data(40, seed=5)
    np.testing.assert_array_equal(df["futures_price"], np.maximum(4000 + np.cumsum(price_steps), 100))
    np.testing.assert_array_equal(df["open_interest"], np.maximum(20000 + np.cumsum(oi_steps), 1000))


def test_seeded_runs_are_bit_identical_and_unseeded_use_global_state():
    pd.testing.assert_frame_equal(simulate_market_data(300, seed=9), simulate_market_data(300, seed=9))
    np.random.seed(3)
    first = simulate_market_data(50)
    np.random.seed(3)
    pd.testing.assert_frame_equal(first, simulate_market_data(50))
    assert not simulate_market_data(50).equals(simulate_market_data(50))


def test_floors_hold():
    df = simulate_market_data(20_000, seed=2)
    assert df["futures_price"].min() >= 100 and df["open_interest"].min() >= 1000


@pytest.mark.parametrize("bad, error", [(0, ValueError), (-5, ValueError), (2.5, TypeError), ("10", TypeError), (True, TypeError)])
def test_bad_num_periods(bad, error):
    with pytest.raises(error, match="num_periods"):
        simulate_market_data(bad)


def test_bad_seed_and_start():
    with pytest.raises(TypeError, match="seed"):
        simulate_market_data(10, seed="abc")
    with pytest.raises(ValueError, match="start"):
        simulate_market_data(10, seed=1, start="not a date")


def test_drift_and_volatility_options_keep_the_shocks():
    base = simulate_market_data(300, seed=6)
    steeper = simulate_market_data(300, seed=6, price_drift=0.6, oi_drift=-5.0)
    np.testing.assert_allclose(steeper["futures_price"] - base["futures_price"], 0.5 * np.arange(1, 301), atol=1e-9)
    np.testing.assert_allclose(steeper["open_interest"] - base["open_interest"], -15.0 * np.arange(1, 301), atol=1e-9)
    calm = simulate_market_data(300, seed=6, price_volatility=0.0, oi_volatility=0.0)
    np.testing.assert_allclose(calm["futures_price"], 4000 + 0.1 * np.arange(1, 301))
    with pytest.raises(ValueError, match="price_volatility"):
        simulate_market_data(10, seed=1, price_volatility=-1.0)
    with pytest.raises(TypeError, match="oi_drift"):
        simulate_market_data(10, seed=1, oi_drift="up")


def test_oi_ledger_volume_and_open_interest():
    ledger = oi_ledger()
    assert list(ledger["volume"]) == [1, 2, 3, 4, 5, 6]
    assert list(ledger["open interest"]) == [1, 1, 2, 1, 1, 0]
    assert list(ledger["OI change"]) == [1, 0, 1, -1, 0, -1]
    assert oi_ledger(LEDGER_TRADES + (("Gus", "opens", "Hal", "opens"),))["open interest"].iloc[-1] == 1
    with pytest.raises(ValueError, match="opens"):
        oi_ledger([("A", "buys", "B", "opens")])
    with pytest.raises(ValueError, match="closes more"):
        oi_ledger([("A", "closes", "B", "closes")])


def test_regime_table_on_hand_built_moves():
    data = pd.DataFrame({"timestamp": pd.bdate_range("2024-01-01", periods=6),
                         "futures_price": [100.0, 101.0, 100.0, 101.0, 100.0, 100.0],
                         "open_interest": [10.0, 11.0, 12.0, 11.0, 10.0, 11.0]})
    table = regime_table(data)
    assert list(table.index) == ["fresh buying", "fresh selling", "short covering", "long liquidation"]
    assert list(table["bars"]) == [1, 1, 1, 1]  # the last bar has a flat price: no regime
    assert list(table["share (%)"]) == [25.0, 25.0, 25.0, 25.0]


def test_regime_table_counts_every_moving_bar():
    data = simulate_market_data(500, seed=7)
    table = regime_table(data)
    moving = (np.diff(data["futures_price"]) != 0) & (np.diff(data["open_interest"]) != 0)
    assert table["bars"].sum() == moving.sum()
    assert table["share (%)"].sum() == pytest.approx(100, abs=0.2)


def test_simulate_with_drift_keeps_the_shocks():
    base = simulate_market_data(500, seed=3)
    pd.testing.assert_frame_equal(simulate_with_drift(3), base)
    shifted = simulate_with_drift(3, oi_drift=ARTICLE_OI_DRIFT + 10.0)
    np.testing.assert_allclose(shifted["open_interest"] - base["open_interest"], 10.0 * np.arange(1, 501))
    np.testing.assert_array_equal(shifted["futures_price"], base["futures_price"])
    assert simulate_with_drift(3, oi_drift=-1000.0)["open_interest"].min() == 1000
