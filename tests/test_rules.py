"""The engine's risk and sizing rules (mesbook.engine.rules), each on hand-built numbers."""
from __future__ import annotations

import numpy as np
import pytest

from mesbook.engine.rules import contracts_to_buy, drawdown_halted, first_trigger
from mesbook.engine.settings import ARTICLE, REALISTIC


def test_contracts_fixed_by_equity_share_and_capped_by_premium_at_risk():
    assert contracts_to_buy(ARTICLE.replace(contracts=3), 100_000.0, 50.0, 1.0) == 3
    # 1 % of $100,000 = $1,000 at $49 + $1 a contract: 20 contracts
    assert contracts_to_buy(REALISTIC.replace(equity_fraction=0.01), 100_000.0, 49.0, 1.0) == 20
    # $1,000 at $49 + $2: 19.6 -> 19 (whole contracts, rounded down)
    assert contracts_to_buy(REALISTIC.replace(equity_fraction=0.01), 100_000.0, 49.0, 2.0) == 19
    # at most $120 of premium at $50 a contract: 2, however many the share would buy
    capped = REALISTIC.replace(equity_fraction=0.01, max_premium_at_risk=120.0)
    assert contracts_to_buy(capped, 100_000.0, 50.0, 0.0) == 2
    assert contracts_to_buy(ARTICLE.replace(contracts=5, max_premium_at_risk=120.0), 1e6, 50.0, 0.0) == 2
    assert contracts_to_buy(REALISTIC.replace(equity_fraction=0.01), 100_000.0, 0.0, 0.0) == 1  # free: fixed count


def test_first_trigger_finds_the_first_bar_and_the_rule():
    marks = np.array([2.0, 1.6, 0.9, 3.1, 0.5])  # option paid 2.0 points
    moves = np.array([1.0, -10.0, -60.0, 5.0, 0.0])
    assert first_trigger(ARTICLE, marks, 2.0, moves) is None  # no rule set
    assert first_trigger(ARTICLE.replace(stop_loss=0.5), marks, 2.0, moves) == (2, "stop_loss")  # 0.9 <= 1.0
    assert first_trigger(ARTICLE.replace(take_profit=0.5), marks, 2.0, moves) == (3, "take_profit")  # 3.1 >= 3.0
    assert first_trigger(ARTICLE.replace(underlying_stop_points=50.0), None, 2.0, moves) == (2, "underlying_stop")
    assert first_trigger(ARTICLE.replace(stop_loss=0.1, underlying_stop_points=5.0), marks, 2.0, moves) == (1, "stop_loss")
    both = ARTICLE.replace(stop_loss=0.5, underlying_stop_points=50.0)  # both fire on bar 2
    assert first_trigger(both, marks, 2.0, moves) == (2, "stop_loss")
    assert first_trigger(ARTICLE.replace(stop_loss=0.9), marks, 2.0, moves) is None  # never down to 0.2
    at_the_levels = np.array([1.5, 1.0, 3.0])  # exactly half and exactly twice the 2.0 paid
    assert first_trigger(ARTICLE.replace(stop_loss=0.5), at_the_levels, 2.0, moves[:3]) == (1, "stop_loss")
    assert first_trigger(ARTICLE.replace(take_profit=0.5), at_the_levels, 2.0, moves[:3]) == (2, "take_profit")


def test_drawdown_switch():
    rule = REALISTIC.replace(max_drawdown=0.02)
    assert not drawdown_halted(rule, 100_000.0, 98_001.0)  # 1.999 % below the peak
    assert drawdown_halted(rule, 100_000.0, 98_000.0)  # exactly 2 %
    assert not drawdown_halted(REALISTIC, 100_000.0, 1.0)  # switch off
    assert not drawdown_halted(rule, 0.0, -5.0)  # no positive peak to measure from


def test_an_underlying_stop_never_fires_on_a_favourable_move():
    rule = ARTICLE.replace(underlying_stop_points=50.0)
    assert first_trigger(rule, None, 2.0, np.array([80.0, 120.0, 49.9])) is None  # far in the trade's favour
    assert first_trigger(rule, None, 2.0, np.array([80.0, -49.9, -50.0])) == (2, "underlying_stop")


def test_take_profit_needs_one_plus_the_fraction_times_the_price():
    rule = ARTICLE.replace(take_profit=0.5)
    assert first_trigger(rule, np.array([1.2, 2.9, 2.99]), 2.0, np.zeros(3)) is None  # 0.5 x 2 = 1 is not enough
    assert first_trigger(ARTICLE.replace(stop_loss=0.25), np.array([1.6, 1.5]), 2.0, np.zeros(2)) == (1, "stop_loss")


@pytest.mark.filterwarnings("error")  # and silently: no overflow or division warning either
def test_contracts_are_whole_and_bounded_whatever_the_numbers():
    from mesbook.validation import MAX_INT
    share = REALISTIC.replace(equity_fraction=1.0)
    assert contracts_to_buy(share, 1e300, 1e-300, 0.0) == MAX_INT  # an absurdly cheap option: capped, no overflow
    assert contracts_to_buy(share, -5_000.0, 50.0, 1.0) == 0  # negative equity buys nothing
    assert contracts_to_buy(share, float("inf"), 1.0, 0.0) == MAX_INT
    assert contracts_to_buy(ARTICLE.replace(max_premium_at_risk=1e300), 1.0, 5e-324, 0.0) == 1  # fixed count wins
    assert contracts_to_buy(share, 1_000.0, 99.0, 1.0) == 10 and contracts_to_buy(share, 999.0, 99.0, 1.0) == 9
    assert contracts_to_buy(share, 100.0, 0.5, 1.0) == 66  # the fee counts even when it exceeds the premium
    assert contracts_to_buy(share, float("inf"), float("inf"), 0.0) == 0  # undefined: buys nothing
    assert contracts_to_buy(share, float("nan"), 1.0, 0.0) == 0
    capped = ARTICLE.replace(contracts=7, max_premium_at_risk=100.0)
    assert contracts_to_buy(capped, 0.0, 0.0, 0.0) == 7  # a free option: the cap on premium does not bind
    assert contracts_to_buy(capped, 0.0, 30.0, 0.0) == 3 and contracts_to_buy(capped, 0.0, 0.4, 0.0) == 7


@pytest.mark.filterwarnings("error")
def test_drawdown_switch_on_arrays_of_the_marked_curve():
    rule = REALISTIC.replace(max_drawdown=0.1)
    peaks = np.array([100.0, 100.0, 120.0, 0.0, -10.0])
    equity = np.array([95.0, 90.0, 107.0, -50.0, -20.0])
    assert drawdown_halted(rule, peaks, equity).tolist() == [False, True, True, False, False]
    assert drawdown_halted(REALISTIC, peaks, equity).tolist() == [False] * 5
    assert drawdown_halted(rule, 100.0, 90.0) is True and drawdown_halted(rule, 100.0, 90.01) is False
    assert drawdown_halted(rule, 0.5, 0.44) is True and drawdown_halted(rule, 0.5, 0.46) is False  # a peak under $1
    assert drawdown_halted(rule, np.array([100, 100]), np.array([91, 89])).tolist() == [False, True]  # whole dollars
    assert drawdown_halted(REALISTIC, np.array([100.0, 50.0]), 1.0).tolist() == [False, False]  # broadcast, off
    off = drawdown_halted(REALISTIC, 100.0, np.array([1.0, 2.0, 3.0]))
    assert off.dtype == bool and off.shape == (3,) and not off.any()
