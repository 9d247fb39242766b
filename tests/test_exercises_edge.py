"""Exercises of chapters 8-10: registered, answerable, and pinned to what the chapters teach.

Right and wrong answers of every registered key are checked by tests/test_exercises_base.py.
"""
from __future__ import annotations

import pandas as pd
import pytest

import mesbook as mb
from mesbook import exercises
from mesbook.exercises.base import solution
from mesbook.studies import samples
from mesbook.studies.samples import SWEEP_LONGS, SWEEP_SHORTS
from mesbook.studies.sweep import sweep_rank

KEYS = ("ch8.article_rank", "ch8.beat_median", "ch9.small_edge", "ch9.random_sides", "ch9.costliest_rung",
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
    assert solution("ch10.constant_vol", 7) == 0.0  # a constant volatility never changes
    ladder = mb.realism_ladder(samples.LADDER.markets, seed=exercises.BOOK_SEED, generator="realistic",
                               short_sma_window=5, long_sma_window=20)
    assert ladder["change"].idxmin() == "Black-76 prices"  # what the answer's explanation says
    assert solution("ch9.costliest_rung", 7) == pytest.approx(ladder["change"].min())
    article_windows = mb.realism_ladder(samples.LADDER.markets, seed=exercises.BOOK_SEED, generator="realistic")
    assert solution("ch9.costliest_rung", 7) < article_windows["change"].min() < 0  # faster windows: a dearer rung
    assert solution("ch9.random_sides", 7) > 2  # an unfair benchmark "finds" an edge in a market with none


def test_answers_agree_with_the_chapter_objects():
    data = exercises.book_market()
    table = mb.sweep_windows(data, SWEEP_SHORTS, SWEEP_LONGS, settings=mb.ARTICLE.replace(gradient="backward"))
    assert solution("ch8.article_rank", 7) == sweep_rank(table)
    centred = sweep_rank(mb.sweep_windows(data, SWEEP_SHORTS, SWEEP_LONGS))
    assert solution("ch8.article_rank", 7) > centred + 10  # what the explanation says: far down, once one rule changes
    history = mb.simulate_market_data(samples.WALK_FORWARD_BARS, seed=exercises.BOOK_SEED)
    folds = mb.walk_forward(history, SWEEP_SHORTS, SWEEP_LONGS, train_bars=200, test_bars=200,
                            statistic="net_pnl")
    assert solution("ch8.beat_median", 7) == pytest.approx((folds["out_of_sample"] - folds["test_median"]).sum())
    first = solution("ch10.first_leak", 7)
    leaks = mb.lookahead_audit(mb.article_signals(5, 20), data, mb.crossover_bars(data, 5, 20), n_scrambles=10).leaks
    assert first in mb.crossover_bars(data, 5, 20) and first > 19
    assert [bar for bar in leaks if bar > 19][0] == first
    other = exercises.book_market(12_345)  # a market whose zero-filled warm-up leaks first: those are skipped
    early = mb.lookahead_audit(mb.article_signals(5, 20), other, mb.crossover_bars(other, 5, 20), n_scrambles=10).leaks
    assert early[0] <= 19 < solution("ch10.first_leak", 12_345) == [bar for bar in early if bar > 19][0]


def test_the_smallest_edge_is_at_the_limit_of_what_400_paths_see():
    smallest, next_one = exercises.COUPLING_STEPS[:2]
    paths = samples.MONTE_CARLO.markets
    test = mb.monte_carlo(paths, seed=exercises.BOOK_SEED, coupling=smallest, generator="realistic")
    assert solution("ch9.small_edge", 7) == round(test.t_statistic, 2)
    # what the explanation says of the book's market: 0.01 is not seen, 0.02 is
    assert test.p_value >= 0.05 and mb.monte_carlo(paths, seed=exercises.BOOK_SEED, coupling=next_one,
                                                   generator="realistic").p_value < 0.05


@pytest.mark.parametrize("key", KEYS)
def test_text_and_number_forms_are_accepted(key):
    right = solution(key, 7)
    if isinstance(right, str):
        assert exercises.matches(key, right.upper(), right)
        assert exercises.matches(key, f"  {right} ", right)
    else:
        assert exercises.matches(key, str(right), right)
