"""Exercises of chapters 6-7: registered, answered by mesbook, checked."""
from __future__ import annotations

import pytest

import mesbook as mb
from mesbook import exercises
from mesbook.exercises.base import solution
from mesbook.options.tables import greeks_table

KEYS = ["ch6.backward_gradient", "ch6.costs_total", "ch6.theta", "ch7.theta_dollars", "ch7.implied_vol", "ch7.lag_days"]


@pytest.mark.parametrize("chapter", [6, 7])
def test_every_chapter_has_at_least_two_exercises(chapter):
    assert len(exercises.questions(chapter)) >= 2


@pytest.mark.parametrize("key", KEYS)
def test_expected_answers_are_right_and_a_far_answer_is_wrong(key, capsys):
    right = solution(key, 7)
    assert exercises.check(key, right)
    assert not exercises.check(key, float(right) + 1000)
    assert exercises.check(key, None).correct is None
    out = capsys.readouterr().out
    assert "is right" in out and "is not it" in out and "no answer yet" in out


def test_answers_are_the_ones_the_chapters_teach():
    # two of the 12 exits sell above 10 points, where CME's premium tick is 0.25 (31.58 with a flat 0.05 tick)
    assert solution("ch6.costs_total", 7) == pytest.approx(35.58, abs=0.01)
    assert solution("ch6.backward_gradient", 7) < 0
    assert solution("ch6.theta", 7) < 0
    three_weeks = 5 * mb.black76_greeks(4000.0, 4000.0, 21 / 365, 0.04, 0.18, True).theta_per_day
    assert solution("ch7.theta_dollars", 7) == pytest.approx(three_weeks, abs=0.005)
    assert solution("ch7.theta_dollars", 7) < 2 * greeks_table().loc["theta", "dollars"]  # twice the 91-day loss
    assert solution("ch7.implied_vol", 7) == pytest.approx(21.93, abs=0.01)
    published = mb.weekly_market_from_real_data("publication")
    days = (published["timestamp"] - published["as_of"]).dt.days
    assert days.mode()[0] == 3  # what the question says: most figures are used on the Friday
    assert solution("ch7.lag_days", 7) == (days > 3).sum() > 0
    assert exercises.check("ch7.implied_vol", "21.93")
    with pytest.raises(ValueError):
        exercises.register(exercises.QUESTIONS["ch6.theta"])
