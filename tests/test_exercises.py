"""Self-check of the book's exercises (mesbook.exercises)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import mesbook as mb
from mesbook import exercises


def test_book_market_is_the_seeded_market_and_a_copy():
    data = exercises.book_market()
    pd.testing.assert_frame_equal(data, mb.simulate_market_data(exercises.BOOK_BARS, seed=exercises.BOOK_SEED))
    data.loc[0, "open_interest"] = -1
    assert exercises.book_market().loc[0, "open_interest"] > 0


@pytest.mark.parametrize("chapter", [1, 2, 3, 4, 5])
def test_every_chapter_has_at_least_two_exercises(chapter):
    assert len(exercises.questions(chapter)) >= 2


@pytest.mark.parametrize("key", list(exercises.QUESTIONS))
def test_right_answers_pass_and_wrong_ones_fail(key, capsys):
    right = exercises.expected(key)
    assert right is not None
    verdict = exercises.check(key, right)
    assert verdict and verdict.correct is True
    assert capsys.readouterr().out.startswith(f"✓ {key}")
    q = exercises.QUESTIONS[key]
    if q.kind in ("int", "float"):
        wrong = float(right) + 1 + 2 * q.tolerance
    elif q.kind == "date":
        wrong = f"{pd.Timestamp(right) + pd.Timedelta(days=1):%Y-%m-%d}"
    else:
        wrong = f"not {right}"
    verdict = exercises.check(key, wrong)
    assert not verdict and verdict.correct is False
    out = capsys.readouterr().out
    assert out.startswith(f"✗ {key}") and "Hint:" in out


@pytest.mark.parametrize("key", list(exercises.QUESTIONS))
def test_no_answer_yet(key, capsys):
    verdict = exercises.check(key, None)
    assert verdict.correct is None and not verdict
    assert "no answer yet" in capsys.readouterr().out


def test_answers_that_follow_from_the_definitions():
    """Facts that hold whatever the random data: these pin the questions to what the chapters teach."""
    assert exercises.expected("ch1.atm_tie") == 4510
    assert exercises.expected("ch1.put_pnl") == pytest.approx((4505 - 4490) * 5 - 12.5)
    assert exercises.expected("ch1.breakeven") == pytest.approx(4509)
    assert exercises.expected("ch2.ledger") == 1
    assert exercises.expected("ch2.independence") == 0
    assert exercises.expected("ch3.first_crossing") == 5 - 1
    assert exercises.expected("ch3.lookahead") == pytest.approx(600 / 2)
    assert exercises.expected("ch3.gradient_window") == 0


def test_answers_that_depend_on_the_seeded_run():
    frame, result = mb.run_article(exercises.book_market())
    assert exercises.expected("ch5.winners") == int((result.trades["pnl"] > 0).sum())
    _, dear = mb.run_article(exercises.book_market(), premium=25.0)
    assert exercises.expected("ch5.double_premium") == pytest.approx(dear.net_pnl)
    assert exercises.expected("ch5.double_premium") == pytest.approx(result.net_pnl - 12.5 * len(result.trades))
    signal_bars = np.flatnonzero(frame["signal"].astype(str).to_numpy() != "HOLD")
    first_real = signal_bars[signal_bars > 29][0]
    assert exercises.expected("ch4.first_real_signal") == f"{frame['timestamp'].iloc[first_real]:%Y-%m-%d}"
    assert 0 <= exercises.expected("ch5.premium_share") <= 100


def test_lenient_forms_of_right_answers(capsys):
    assert exercises.check("ch1.put_pnl", "62.5")
    assert exercises.check("ch1.put_pnl", "$62.50")
    assert exercises.check("ch1.put_pnl", np.float64(62.5))
    assert exercises.check("ch1.atm_tie", 4510)
    assert exercises.check("ch4.first_real_signal", pd.Timestamp(exercises.expected("ch4.first_real_signal")))
    assert not exercises.check("ch1.put_pnl", "sixty")
    assert not exercises.check("ch1.put_pnl", float("nan"))
    assert not exercises.check("ch1.put_pnl", True)
    assert not exercises.check("ch4.first_real_signal", "someday")
    capsys.readouterr()


def test_float_tolerance():
    right = exercises.expected("ch2.unit_factor")
    assert exercises.is_correct("ch2.unit_factor", round(right, 2))
    assert not exercises.is_correct("ch2.unit_factor", 5.0)


def test_unknown_key_names_the_known_ones():
    with pytest.raises(KeyError, match="ch1.atm_tie"):
        exercises.check("ch9.nothing", 1)


def test_verdict_shows_nothing_in_a_notebook():
    verdict = exercises.Verdict("ch1.atm_tie", True)
    assert verdict._ipython_display_() is None
    assert "ch1.atm_tie" in repr(verdict)
