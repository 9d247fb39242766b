"""Exercises of chapters 8-10: registered, answerable, and pinned to what the chapters teach.

Right and wrong answers of every registered key are checked by tests/test_exercises_base.py.
"""
from __future__ import annotations

import pandas as pd
import pytest

import mesbook as mb
from mesbook import exercises
from mesbook.studies import samples
from mesbook.studies.samples import SWEEP_LONGS, SWEEP_SHORTS
from mesbook.studies.sweep import sweep_rank

KEYS = ("ch8.article_rank", "ch8.beat_median", "ch9.weakest_coupling", "ch9.random_sides", "ch9.costliest_rung",
        "ch10.constant_vol", "ch10.first_leak")


@pytest.mark.parametrize("chapter", [8, 9, 10])
def test_every_chapter_has_at_least_two_exercises(chapter):
    assert len(exercises.questions(chapter)) >= 2


def test_the_keys_are_registered_once():
    assert set(KEYS) <= set(exercises.QUESTIONS)
    with pytest.raises(ValueError, match="already registered"):
        exercises.register(exercises.QUESTIONS["ch8.article_rank"])


def test_realistic_market_is_seeded_and_a_copy():
    data = exercises.realistic_market()
    pd.testing.assert_frame_equal(data, mb.simulate_realistic_market(500, seed=exercises.BOOK_SEED))
    data.loc[0, "futures_price"] = -1.0
    assert exercises.realistic_market().loc[0, "futures_price"] > 0


def test_answers_that_follow_from_the_definitions():
    assert exercises.expected("ch10.constant_vol") == 0.0  # a constant volatility never changes
    assert exercises.expected("ch9.costliest_rung") == "Black-76 prices"
    assert exercises.expected("ch9.weakest_coupling") in exercises.COUPLING_STEPS
    assert exercises.expected("ch9.random_sides") > 2  # an unfair benchmark "finds" an edge in a market with none


def test_answers_agree_with_the_chapter_objects():
    data = exercises.book_market()
    table = mb.sweep_windows(data, SWEEP_SHORTS, SWEEP_LONGS)
    assert exercises.expected("ch8.article_rank") == sweep_rank(table)
    history = mb.simulate_market_data(samples.WALK_FORWARD_BARS, seed=exercises.BOOK_SEED)
    folds = mb.walk_forward(history, SWEEP_SHORTS, SWEEP_LONGS, train_bars=200, test_bars=200,
                            statistic="net_pnl")
    assert exercises.expected("ch8.beat_median") == int((folds["out_of_sample"] > folds["test_median"]).sum())
    first = exercises.expected("ch10.first_leak")
    assert first in mb.crossover_bars(data, 5, 20)


def test_the_weakest_coupling_is_the_first_significant_one():
    weakest = exercises.expected("ch9.weakest_coupling")
    before = [c for c in exercises.COUPLING_STEPS if c < weakest]
    for coupling in before:
        assert mb.monte_carlo(samples.MONTE_CARLO.markets, seed=exercises.BOOK_SEED, coupling=coupling,
                              generator="realistic").p_value >= 0.05
    assert mb.monte_carlo(samples.MONTE_CARLO.markets, seed=exercises.BOOK_SEED, coupling=weakest,
                          generator="realistic").p_value < 0.05


@pytest.mark.parametrize("key", KEYS)
def test_text_and_number_forms_are_accepted(key):
    right = exercises.expected(key)
    if isinstance(right, str):
        assert exercises.is_correct(key, right.upper())
        assert exercises.is_correct(key, f"  {right} ")
    else:
        assert exercises.is_correct(key, str(right))
