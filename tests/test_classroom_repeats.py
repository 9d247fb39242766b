"""How often right answers repeat across students (mesbook.classroom.repeats), on the cheap questions.

The full measurement over 300 seeds, every seed-dependent question, is in ``make bench``
(benchmarks/bench_classroom.py). Here: the questions that take well under a second each, over 120
student seeds — both rates under 5 % unless a question is marked as repeating by design, and an
off-by-one count rarely called the book's answer — and the grader's "it is the book's answer" note,
given only where it says something.
"""
from __future__ import annotations

import copy

import pytest

from mesbook import exercises
from mesbook.classroom.grader import _why_wrong
from mesbook.classroom.repeats import TARGET_PERCENT, book_note, class_seeds, repeat_rates
from mesbook.exercises.base import solution

CHEAP = ["ch4.buy_20_50", "ch4.filtered", "ch4.first_real_signal", "ch5.winners", "ch5.double_premium",
         "ch6.backward_gradient", "ch6.costs_total", "ch6.theta", "ch8.article_rank"]
BY_DESIGN = ["ch2.independence", "ch3.first_crossing", "ch3.lookahead", "ch3.gradient_window", "ch10.constant_vol"]


@pytest.fixture(scope="module")
def rates():
    return repeat_rates([*CHEAP, *BY_DESIGN, "ch1.atm_tie"], n=120, n_jobs=2)


def test_answers_to_the_cheap_questions_rarely_repeat(rates):
    assert not any(exercises.QUESTIONS[key].repeats for key in CHEAP)
    table = rates.loc[CHEAP]
    assert (table["book's answer right (%)"] < TARGET_PERCENT).all(), table
    assert (table["two classmates agree (%)"] < TARGET_PERCENT).all(), table


def test_an_off_by_one_count_is_rarely_called_the_books_answer(rates):
    counts = [key for key in CHEAP if exercises.QUESTIONS[key].kind == "int"]
    assert counts == ["ch4.filtered", "ch8.article_rank"]
    assert (rates.loc[counts, "off by one called the book's (%)"] < TARGET_PERCENT).all(), rates.loc[counts]
    assert rates.loc[["ch4.buy_20_50", "ch3.lookahead"], "off by one called the book's (%)"].isna().all()
    assert (rates.loc[["ch3.first_crossing", "ch3.gradient_window"], "off by one called the book's (%)"] == 0).all()


def test_book_note_by_hand():
    key = "ch4.filtered"
    assert book_note(key, 300, 302, 300) and not book_note(key, 301, 302, 300)
    assert not book_note(key, 300, 300, 300)  # the book's answer is right here: no note
    assert not book_note("ch3.first_crossing", 3, 4, 3)  # repeats by design: never


def test_questions_marked_as_repeating_do_repeat(rates):
    assert all(exercises.QUESTIONS[key].repeats for key in BY_DESIGN)
    assert (rates.loc[BY_DESIGN, "two classmates agree (%)"] > 50).all()
    columns = ["book's answer right (%)", "two classmates agree (%)", "distinct answers"]
    assert rates.loc["ch1.atm_tie", columns].tolist() == [100.0, 100.0, 1]  # no market at all: one answer for all


def test_the_class_seeds_are_the_handouts_seeds():
    assert len(set(class_seeds(300))) == 300 and exercises.BOOK_SEED not in class_seeds(300)


def test_the_books_answer_note_only_where_it_says_something(monkeypatch):
    seed = class_seeds(1)[0]
    key = "ch4.buy_20_50"
    book = solution(key, exercises.BOOK_SEED)
    assert solution(key, seed) != book
    assert _why_wrong(key, book, seed).endswith("it is the answer for the book's seed 7")
    assert _why_wrong(key, book + 1, seed) == "wrong answer"
    repeating = copy.copy(exercises.QUESTIONS[key])
    object.__setattr__(repeating, "repeats", True)
    monkeypatch.setitem(exercises.QUESTIONS, key, repeating)
    assert _why_wrong(key, book, seed) == "wrong answer"  # a question whose answers repeat: says nothing
