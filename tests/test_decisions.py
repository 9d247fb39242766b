"""The one signal path under settings (mesbook.engine.decisions): hand-built codes and the cache."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import mesbook as mb
from mesbook.core.indicators import oi_indicators
from mesbook.core.signals import signal_codes
from mesbook.core.windows import Windows
from mesbook.engine.decisions import SignalCache, decision_codes
from mesbook.engine.settings import ARTICLE

# Short window 1 (the OI itself) against a 3-bar mean: the short line crosses above on bar 4 (OI rising)
# and below on bar 8 (OI falling); nothing else crosses.
OI = [10, 10, 10, 10, 20, 30, 30, 30, 10, 0, 0, 0]
SKIP = ARTICLE.replace(warmup="skip")


def hand_frame() -> pd.DataFrame:
    # Business days from Monday 11 March 2024; Friday 15 March (bar 4) is a quarterly expiry.
    times = pd.bdate_range("2024-03-11", periods=len(OI))
    return pd.DataFrame({"timestamp": times, "futures_price": 4000.0, "open_interest": np.array(OI, dtype=float)})


def test_hand_built_decisions_and_executed_codes():
    data = hand_frame()
    expected = np.zeros(len(OI), dtype=np.int8)
    expected[4], expected[8] = 1, 2
    np.testing.assert_array_equal(decision_codes(data, SKIP, Windows(1, 3, 5)), expected)
    delayed = SignalCache.from_frame(data, SKIP.replace(fill_delay=1))
    np.testing.assert_array_equal(delayed.decisions(1, 3, 5), expected)  # decided on the same bars
    np.testing.assert_array_equal(np.flatnonzero(delayed.codes(1, 3, 5)), [5, 9])  # acted on a bar later
    lagged = SignalCache.from_frame(data, SKIP.replace(oi_lag=1))
    np.testing.assert_array_equal(np.flatnonzero(lagged.decisions(1, 3, 5)), [5, 9])  # OI read a bar late


def test_roll_filter_blocks_the_bars_after_the_expiry():
    data = hand_frame()
    # Expiry on bar 4: a 5-bar filter blocks bars 5..9, so the SELL of bar 8 goes; the BUY of bar 4 stays.
    codes = decision_codes(data, SKIP.replace(roll_filter=5), Windows(1, 3, 5))
    np.testing.assert_array_equal(np.flatnonzero(codes), [4])
    assert codes[4] == 1


def test_cache_matches_oi_indicators_and_computes_each_window_once():
    data = mb.simulate_market_data(400, seed=2)
    settings = ARTICLE.replace(warmup="skip", oi_lag=1, gradient="backward")
    cache = SignalCache(data["open_interest"], settings)
    ind = oi_indicators(data["open_interest"], 7, 19, 4, warmup="skip", gradient="backward", lag=1)
    np.testing.assert_array_equal(cache.mean(7), ind["oi_short_sma"])
    np.testing.assert_array_equal(cache.mean(19), ind["oi_long_sma"])
    assert cache.mean(7) is cache.mean(7)  # cached, not recomputed
    reference = signal_codes(ind["oi_short_sma"], ind["oi_long_sma"], ind["oi_change"], ind["oi_gradient"])
    np.testing.assert_array_equal(cache.decisions(7, 19, 4), reference)
    np.testing.assert_array_equal(decision_codes(data, settings, Windows(7, 19, 4)), reference)
    assert len(cache) == 400


def test_article_cache_is_the_zero_filled_mean_of_the_article():
    data = mb.simulate_market_data(300, seed=5)
    cache = SignalCache.from_frame(data)
    article = mb.generate_signals(mb.calculate_indicators(data, 6, 25, 5))
    np.testing.assert_array_equal(cache.mean(6), article["oi_short_sma"].to_numpy())
    codes = np.array(["HOLD", "BUY", "SELL"])[cache.codes(6, 25, 5)]
    np.testing.assert_array_equal(codes, article["signal"].astype(str).to_numpy())


def test_centred_gradient_ignores_its_window_as_the_article_does():
    data = mb.simulate_market_data(300, seed=3)
    cache = SignalCache(data["open_interest"])
    np.testing.assert_array_equal(cache.codes(5, 20, 2), cache.codes(5, 20, 9))


def test_bad_cache_input():
    data = mb.simulate_market_data(50, seed=1)
    with pytest.raises(TypeError, match="Series"):
        SignalCache(data["open_interest"].to_numpy())
    with pytest.raises(TypeError, match="settings must be a BacktestSettings"):
        SignalCache(data["open_interest"], "ARTICLE")
    with pytest.raises(ValueError, match="timestamps"):
        SignalCache(data["open_interest"], ARTICLE.replace(roll_filter=2))


def test_inputs_are_not_modified():
    data = mb.simulate_market_data(200, seed=4)
    before = data.copy()
    SignalCache.from_frame(data, ARTICLE.replace(oi_lag=1, roll_filter=3)).codes(5, 20, 5)
    pd.testing.assert_frame_equal(data, before)


def test_lagged_gradient_runs_through_the_cache_and_ignores_the_window():
    data = mb.simulate_market_data(400, seed=2)
    settings = ARTICLE.replace(warmup="skip", gradient="lagged")
    ind = oi_indicators(data["open_interest"], 7, 19, 4, warmup="skip", gradient="lagged")
    reference = signal_codes(ind["oi_short_sma"], ind["oi_long_sma"], ind["oi_change"], ind["oi_gradient"])
    cache = SignalCache.from_frame(data, settings)
    np.testing.assert_array_equal(cache.decisions(7, 19, 4), reference)
    np.testing.assert_array_equal(cache.decisions(7, 19, 9), reference)  # no window: same codes
    differs = decision_codes(data, ARTICLE.replace(warmup="skip"), Windows(7, 19, 4))
    assert (differs != reference).any()  # and not the centred gradient's
