"""Exercises on any market seed: use_seed, expected(key, seed), is_correct(key, answer, seed) (exercises/base)."""
from __future__ import annotations

import pytest

import mesbook as mb
from mesbook import exercises
from mesbook.article.signals import signal_table

SEEDS = (7, 1_234, 419_074)


@pytest.fixture
def restore_seed():
    yield
    exercises.use_seed(exercises.BOOK_SEED)


def test_answers_follow_the_seed_and_match_a_direct_computation():
    for seed in SEEDS:
        data = mb.simulate_market_data(500, seed=seed)
        frame, result = mb.run_article(data)
        assert exercises.expected("ch4.filtered", seed) == signal_table(frame)["filtered out by momentum"].sum()
        assert exercises.expected("ch5.winners", seed) == int((result.trades["pnl"] > 0).sum())
        slow = mb.run_article(data, short_sma_window=20, long_sma_window=50)[1]
        assert exercises.expected("ch4.buy_20_50", seed) == slow.signal_counts["BUY"]
    assert len({exercises.expected("ch5.double_premium", s) for s in SEEDS}) == len(SEEDS)


def test_the_book_seed_is_the_default_and_use_seed_moves_it(restore_seed):
    book = exercises.expected("ch4.first_real_signal")
    assert exercises.active_seed() == exercises.BOOK_SEED == 7
    assert book == exercises.expected("ch4.first_real_signal", 7)
    exercises.use_seed(1_234)
    assert exercises.active_seed() == 1_234
    other = exercises.expected("ch4.first_real_signal")
    assert other == exercises.expected("ch4.first_real_signal", 1_234) != book
    assert exercises.is_correct("ch4.first_real_signal", other) and not exercises.is_correct("ch4.first_real_signal", book)
    assert exercises.is_correct("ch4.first_real_signal", book, seed=7)


def test_questions_without_a_market_have_one_answer_for_every_seed():
    fixed = [key for key, q in exercises.QUESTIONS.items() if not q.seeded]
    assert {"ch1.atm_tie", "ch2.ledger", "ch7.implied_vol"} <= set(fixed)
    assert all(key.split(".")[0] in ("ch1", "ch2", "ch5", "ch7") for key in fixed)
    for key in fixed:
        assert exercises.expected(key, 1_234) == exercises.expected(key, 7)


def test_check_explains_without_the_books_numbers_on_other_seeds(restore_seed, capsys):
    question = exercises.QUESTIONS["ch6.theta"]
    assert "seed 7" in question.why and "seed 7" not in question.why_any_seed
    exercises.check("ch6.theta", exercises.expected("ch6.theta"))
    assert "seed 7" in capsys.readouterr().out.replace("\n  ", " ")
    exercises.use_seed(1_234)
    assert exercises.check("ch6.theta", exercises.expected("ch6.theta", 1_234))
    printed = capsys.readouterr().out
    assert printed.startswith("✓ ch6.theta") and "seed 7" not in printed.replace("\n  ", " ")


@pytest.mark.parametrize("bad", [-1, 2.5, "7", True, None])
def test_a_bad_seed_is_refused(bad):
    with pytest.raises(TypeError, match="MARKET_SEED"):
        exercises.use_seed(bad)
    if bad is not None:
        with pytest.raises(TypeError, match="non-negative int"):
            exercises.expected("ch4.filtered", bad)


@pytest.mark.parametrize("key", ["ch4.first_real_signal", "ch4.filtered", "ch6.theta"])
def test_no_answer_is_not_right_whatever_the_kind(key):
    assert exercises.is_correct(key, None) is False
    assert exercises.is_correct(key, None, seed=1_234) is False
