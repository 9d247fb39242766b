"""Exercises on any market seed, and the answers kept out of reach (mesbook.exercises.base).

use_seed moves the self-check to another market; solution(key, seed) is the answer the classroom's keys
and grader use; matches is the one comparison; read_answer reads an answer in bounded time; no exported
name hands out an answer, and seal() removes the solvers from a graded kernel.
"""
from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest

import mesbook as mb
from mesbook import exercises
from mesbook.article.signals import crossings
from mesbook.exercises.base import solution

SEEDS = (7, 1_234, 419_074)


@pytest.fixture
def restore_seed():
    yield
    exercises.use_seed(exercises.BOOK_SEED)


def test_the_reshaped_questions_follow_the_seed_and_a_direct_computation():
    for seed in SEEDS:
        data = mb.simulate_market_data(500, seed=seed)
        frame, result = mb.run_article(data)
        kept = set(np.flatnonzero(frame["signal"].astype(str).to_numpy() != "HOLD"))
        up, down = crossings(frame)
        rejected = sorted((set(up) | set(down)) - kept)
        assert solution("ch4.filtered", seed) == (rejected[-1] if rejected else -1)
        assert solution("ch5.winners", seed) == pytest.approx(result.trades["pnl"][result.trades["pnl"] > 0].sum())
        slow, _ = mb.run_article(data, short_sma_window=20, long_sma_window=50)
        bars = np.flatnonzero(slow["signal"].astype(str).to_numpy() != "HOLD")
        assert solution("ch4.buy_20_50", seed) == pytest.approx((bars[-1] - bars[0]) / (len(bars) - 1))
    assert len({solution("ch5.double_premium", s) for s in SEEDS}) == len(SEEDS)


def test_use_seed_moves_the_self_check(restore_seed, capsys):
    book, other = solution("ch4.first_real_signal", 7), solution("ch4.first_real_signal", 1_234)
    assert book != other and exercises.active_seed() == exercises.BOOK_SEED == 7
    assert exercises.check("ch4.first_real_signal", book)
    exercises.use_seed(1_234)
    assert exercises.active_seed() == 1_234
    assert exercises.check("ch4.first_real_signal", other) and not exercises.check("ch4.first_real_signal", book)
    capsys.readouterr()


def test_questions_without_a_market_have_one_answer_for_every_seed():
    fixed = [key for key, q in exercises.QUESTIONS.items() if not q.seeded]
    assert {"ch1.atm_tie", "ch2.ledger", "ch7.implied_vol"} <= set(fixed)
    assert all(key.split(".")[0] in ("ch1", "ch2", "ch5", "ch7") for key in fixed)
    for key in fixed:
        assert solution(key, 1_234) == solution(key, 7)


def test_check_explains_without_the_books_numbers_on_other_seeds(restore_seed, capsys):
    question = exercises.QUESTIONS["ch6.theta"]
    assert "seed 7" in question.why and "seed 7" not in question.why_any_seed
    exercises.check("ch6.theta", solution("ch6.theta", 7))
    assert "seed 7" in capsys.readouterr().out.replace("\n  ", " ")
    exercises.use_seed(1_234)
    assert exercises.check("ch6.theta", solution("ch6.theta", 1_234))
    printed = capsys.readouterr().out
    assert printed.startswith("✓ ch6.theta") and "seed 7" not in printed.replace("\n  ", " ")


@pytest.mark.parametrize("bad", [-1, 2.5, "7", True, None])
def test_a_bad_seed_is_refused(bad):
    with pytest.raises(TypeError, match="MARKET_SEED"):
        exercises.use_seed(bad)
    if bad is not None:
        with pytest.raises(TypeError, match="non-negative int"):
            solution("ch4.filtered", bad)


@pytest.mark.parametrize("key", ["ch4.first_real_signal", "ch4.filtered", "ch6.theta", "ch9.costliest_rung"])
def test_no_answer_is_not_right_whatever_the_kind(key):
    assert exercises.matches(key, None, "2023-01-02" if key == "ch4.first_real_signal" else 1) is False
    assert exercises.answer_problem(key, None) == "no answer"


def test_no_exported_name_hands_out_an_answer():
    assert not hasattr(exercises, "expected") and not hasattr(exercises, "solution")
    assert not any(callable(getattr(q, "solve", None)) for q in exercises.QUESTIONS.values())
    assert all("solve" not in vars(q) and "_solve" not in vars(q) for q in exercises.QUESTIONS.values())
    exported = {name: getattr(exercises, name) for name in exercises.__all__}
    right = solution("ch4.filtered", 1_234)
    for name, thing in exported.items():  # nothing exported returns the answer from a key and a seed
        if callable(thing) and name not in ("book_market", "realistic_market", "questions", "Question", "Verdict"):
            try:
                assert thing("ch4.filtered", 1_234) != right, name
            except Exception:  # noqa: BLE001 - a function of another shape
                pass


def test_seal_leaves_no_answer_in_the_process(monkeypatch):
    from mesbook.exercises import base

    monkeypatch.setattr(base, "_SOLVERS", dict(base._SOLVERS))  # sealed for this test only
    solution("ch4.filtered", 1_234)  # computed and cached before the seal
    base.seal()
    with pytest.raises(LookupError, match="being graded"):
        solution("ch4.filtered", 1_234)
    with pytest.raises(LookupError):
        exercises.check("ch4.filtered", 3)


@pytest.mark.parametrize("kind, answer, problem", [
    ("int", True, "not a number"), ("float", "sixty", "not a number"), ("float", 10 ** 400, "not a finite number"),
    ("float", "1e999", "not a finite number"), ("float", "x" * 65, "more than 64 characters, too long to be an answer"),
    ("date", "someday", "not a date"), ("date", 20230406, "not a date"), ("date", "NaT", "not a date"),
    ("text", "y" * 201, "more than 200 characters, too long to be an answer"),
])
def test_read_answer_says_what_an_answer_is_not(kind, answer, problem):
    with pytest.raises(ValueError) as refused:
        exercises.read_answer(kind, answer)
    assert str(refused.value) == problem


def test_read_answer_accepts_the_lenient_forms():
    assert exercises.read_answer("float", "$1,234.50") == 1234.5
    assert exercises.read_answer("int", np.int64(12)) == 12.0
    assert exercises.read_answer("date", "2023-04-06") == pd.Timestamp("2023-04-06")
    assert exercises.read_answer("date", pd.Timestamp("2023-04-06 13:45")) == pd.Timestamp("2023-04-06")
    assert exercises.read_answer("text", "  Black-76 Prices ") == "black-76 prices"


def test_a_huge_answer_is_refused_in_bounded_time():
    huge = "2023-04-06 " * 100_000  # about a megabyte: the old parse took about 80 s on this
    started = time.perf_counter()
    assert not exercises.matches("ch4.first_real_signal", huge, "2023-04-06")
    assert not exercises.matches("ch5.double_premium", "9" * 1_000_000, 1.0)
    assert time.perf_counter() - started < 0.5
