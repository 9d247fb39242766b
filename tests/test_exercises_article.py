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
    assert solution("ch1.atm_tie", 7) == 4510
    assert solution("ch1.put_pnl", 7) == pytest.approx((4505 - 4490) * 5 - 12.5)
    assert solution("ch1.breakeven", 7) == pytest.approx(4509)
    assert solution("ch2.ledger", 7) == 1
    assert solution("ch2.independence", 7) == 0
    assert solution("ch3.first_crossing", 7) == 5 - 1
    assert solution("ch3.lookahead", 7) == pytest.approx(600 / 2)
    assert solution("ch3.gradient_window", 7) == 0


def test_answers_that_depend_on_the_seeded_run():
    frame, result = mb.run_article(exercises.book_market())
    assert solution("ch5.winners", 7) == pytest.approx(result.trades["pnl"].clip(lower=0).sum())
    _, dear = mb.run_article(exercises.book_market(), premium=25.0)
    assert solution("ch5.double_premium", 7) == pytest.approx(dear.net_pnl)
    assert solution("ch5.double_premium", 7) == pytest.approx(result.net_pnl - 12.5 * len(result.trades))
    signal_bars = np.flatnonzero(frame["signal"].astype(str).to_numpy() != "HOLD")
    first_real = signal_bars[signal_bars > 29][0]
    assert solution("ch4.first_real_signal", 7) == f"{frame['timestamp'].iloc[first_real]:%Y-%m-%d}"
    assert 0 <= solution("ch5.premium_share", 7) <= 100


def test_price_drift_leaves_the_final_open_interest_alone():
    assert exercises.final_oi_with_price_drift(1.0) == exercises.final_oi_with_price_drift(0.1)
    assert exercises.final_oi_with_price_drift(0.1) == mb.simulate_market_data(500, seed=7)["open_interest"].iloc[-1]
