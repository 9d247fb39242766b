"""The MES option premium tick (CME: 0.05 point at or below 10.00, 0.25 above), by hand-built cases."""
from __future__ import annotations

import numpy as np
import pytest

from mesbook.options.ticks import (
    OLDER_TICK_THRESHOLD,
    REDUCED_TICK,
    REGULAR_TICK,
    TICK_THRESHOLD,
    premium_tick,
    round_premium,
)


def test_cme_numbers():
    assert (REDUCED_TICK, REGULAR_TICK, TICK_THRESHOLD, OLDER_TICK_THRESHOLD) == (0.05, 0.25, 10.0, 5.0)


@pytest.mark.parametrize("premium, tick", [(0.0, 0.05), (2.5, 0.05), (9.95, 0.05), (10.0, 0.05), (10.05, 0.25),
                                           (10.25, 0.25), (54.0, 0.25), (190.0, 0.25)])
def test_tick_either_side_of_the_current_threshold(premium, tick):
    assert premium_tick(premium) == tick
    assert isinstance(premium_tick(premium), float)


def test_older_threshold_and_flat_tick():
    assert premium_tick(5.0, OLDER_TICK_THRESHOLD) == 0.05
    assert premium_tick(5.05, OLDER_TICK_THRESHOLD) == 0.25
    assert premium_tick(7.5, OLDER_TICK_THRESHOLD) == 0.25 and premium_tick(7.5) == 0.05
    np.testing.assert_array_equal(premium_tick(np.array([1.0, 50.0, 500.0]), None), [0.05, 0.05, 0.05])


def test_arrays_keep_their_shape_and_are_not_modified():
    premiums = np.array([[9.9, 10.0], [10.1, 75.0]])
    before = premiums.copy()
    np.testing.assert_array_equal(premium_tick(premiums), [[0.05, 0.05], [0.25, 0.25]])
    np.testing.assert_array_equal(premiums, before)


@pytest.mark.parametrize("premium, up, down", [
    (9.92, 9.95, 9.90),      # reduced grid
    (9.95, 9.95, 9.95),      # already a price
    (10.0, 10.0, 10.0),      # the threshold itself is a price on both grids
    (10.02, 10.25, 10.0),    # above 10.00 only quarter points exist: 10.05 is not a price
    (54.01, 54.25, 54.0),
    (54.25, 54.25, 54.25),
    (0.01, 0.05, 0.0),
])
def test_rounding_to_a_quotable_price(premium, up, down):
    assert round_premium(premium, "up") == pytest.approx(up, abs=1e-12)
    assert round_premium(premium, "down") == pytest.approx(down, abs=1e-12)


def test_rounding_absorbs_float_noise():
    assert round_premium(0.1 + 0.2, "up") == pytest.approx(0.30, abs=1e-12)  # 0.30000000000000004 is 0.30
    assert round_premium(3 * 0.05, "down") == pytest.approx(0.15, abs=1e-12)


def test_flat_tick_rounding_matches_the_old_formula():
    prices = np.linspace(0.0, 200.0, 4001) + 0.013
    old_up = np.ceil(prices / 0.05 - 1e-9) * 0.05
    old_down = np.floor(prices / 0.05 + 1e-9) * 0.05
    np.testing.assert_array_equal(round_premium(prices, "up", None), old_up)
    np.testing.assert_array_equal(round_premium(prices, "down", None), old_down)


def test_bad_direction():
    with pytest.raises(ValueError, match="direction"):
        round_premium(1.0, "nearest")
