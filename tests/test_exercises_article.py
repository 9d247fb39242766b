"""Exercises of part 1, chapters 1-5 (mesbook.exercises.article): answers pinned to what the chapters teach."""
from __future__ import annotations

import numpy as np
import pytest

import mesbook as mb
from mesbook import exercises
from mesbook.exercises.base import solution


@pytest.mark.parametrize("chapter", [1, 2, 3, 4, 5])
def test_every_chapter_has_at_least_two_exercises(chapter):
    assert len(exercises.questions(chapter)) >= 2


def test_answers_that_follow_from_the_definitions():
    """Facts that hold whatever the random data: these pin the questions to what the chapters teach."""
    assert solution("ch1.atm_tie", 7) == 4540  # 454.5 rounds to the even 454, on the 10-point grid
    assert mb.get_atm_strike(4545.0, strike_interval=10.0) == 4540
    assert solution("ch1.put_pnl", 7) == pytest.approx((4505 - 4491.75) * 5 - 12.5)
    assert solution("ch1.breakeven", 7) == pytest.approx(4509)
    assert solution("ch2.ledger", 7) == 1
    assert solution("ch2.independence", 7) == pytest.approx(3 * 500)  # 3 more contracts a bar; the price adds none
    assert solution("ch3.first_crossing", 7) == 5 - 1
    assert solution("ch3.lookahead", 7) == pytest.approx(600 / 2)
    data, columns = exercises.book_market(), ["oi_change", "oi_gradient", "oi_short_sma", "oi_long_sma"]
    longer = mb.calculate_indicators(data, long_sma_window=40)[columns]
    assert solution("ch3.gradient_window", 7) == (longer != mb.calculate_indicators(data)[columns]).sum().sum()
    assert solution("ch3.gradient_window", 7) == 500 - 29  # bars 29 on: the 30-bar average exists, the 40-bar one differs


def test_answers_that_depend_on_the_seeded_run():
    frame, result = mb.run_article(exercises.book_market())
    fast, _ = mb.run_article(exercises.book_market(), short_sma_window=5, long_sma_window=20)
    assert solution("ch5.winners", 7) == pytest.approx(result.trades["pnl"].clip(lower=0).sum())
    _, dear = mb.run_article(exercises.book_market(), premium=25.0)
    assert solution("ch5.double_premium", 7) == pytest.approx(dear.net_pnl)
    assert solution("ch5.double_premium", 7) == pytest.approx(result.net_pnl - 12.5 * len(result.trades))
    signal_bars = np.flatnonzero(fast["signal"].astype(str).to_numpy() != "HOLD")
    first_real = signal_bars[signal_bars > 19][0]  # the 20-bar average appears on bar 19
    assert solution("ch4.first_real_signal", 7) == f"{fast['timestamp'].iloc[first_real]:%Y-%m-%d}"
    assert 0 <= solution("ch5.premium_share", 7) <= 100


def test_unit_change_counted_in_the_new_units():
    breaks = mb.find_unit_breaks(mb.load_cftc_open_interest().set_index("as_of")["open_interest"])
    before, after = breaks.loc["2023-05-02", ["before", "after"]]
    assert solution("ch2.unit_factor", 7) == pytest.approx(100 * (after / (5 * before) - 1))
    assert 0 < solution("ch2.unit_factor", 7) < 5  # an ordinary week, once the units agree


def test_price_drift_leaves_the_final_open_interest_alone():
    assert exercises.final_oi_with_price_drift(1.0) == exercises.final_oi_with_price_drift(0.1)
    assert exercises.final_oi_with_price_drift(1.0, oi_drift=13.0) == exercises.final_oi_with_price_drift(0.1, oi_drift=13.0)
    assert exercises.final_oi_with_price_drift(0.1) == mb.simulate_market_data(500, seed=7)["open_interest"].iloc[-1]
