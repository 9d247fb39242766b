"""The self-check machinery of the exercises (mesbook.exercises.base): registry, check, verdicts."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import mesbook as mb
from mesbook import exercises
from mesbook.exercises.base import solution


def test_book_market_is_the_seeded_market_and_a_copy():
    data = exercises.book_market()
    pd.testing.assert_frame_equal(data, mb.simulate_market_data(exercises.BOOK_BARS, seed=exercises.BOOK_SEED))
    data.loc[0, "open_interest"] = -1
    assert exercises.book_market().loc[0, "open_interest"] > 0


@pytest.mark.parametrize("key", list(exercises.QUESTIONS))
def test_right_answers_pass_and_wrong_ones_fail(key, capsys):
    right = solution(key, 7)
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


def test_lenient_forms_of_right_answers(capsys):
    assert exercises.check("ch1.put_pnl", "53.75")
    assert exercises.check("ch1.put_pnl", "$53.75")
    assert exercises.check("ch1.put_pnl", np.float64(53.75))
    assert exercises.check("ch1.atm_tie", 4540)
    assert exercises.check("ch4.first_real_signal", pd.Timestamp(solution("ch4.first_real_signal", 7)))
    assert not exercises.check("ch1.put_pnl", "sixty")
    assert not exercises.check("ch1.put_pnl", float("nan"))
    assert not exercises.check("ch1.put_pnl", True)
    assert not exercises.check("ch4.first_real_signal", "someday")
    capsys.readouterr()


def test_float_tolerance():
    right = solution("ch2.unit_factor", 7)
    assert exercises.matches("ch2.unit_factor", round(right, 2), right)
    assert not exercises.matches("ch2.unit_factor", round(right, 2) + 0.01, right)


def test_unknown_key_names_the_known_ones():
    with pytest.raises(KeyError, match="ch1.atm_tie"):
        exercises.check("ch9.nothing", 1)


def test_verdict_shows_nothing_in_a_notebook():
    verdict = exercises.Verdict("ch1.atm_tie", True)
    assert verdict._ipython_display_() is None
    assert "ch1.atm_tie" in repr(verdict)


def test_questions_are_registered_in_the_books_order():
    chapters = [int(key.split(".")[0][2:]) for key in exercises.QUESTIONS]
    assert chapters == sorted(chapters) and chapters[0] == 1 and chapters[-1] == 10
    with pytest.raises(ValueError, match="already registered"):
        exercises.register(exercises.QUESTIONS["ch1.atm_tie"])


def test_exercises_import_neither_plots_nor_widgets():
    import subprocess
    import sys

    code = ("import sys, mesbook.exercises.base as e; e.solution('ch3.lookahead', 7); e.solution('ch2.independence', 7); "
            "print(sorted(m for m in sys.modules if m.startswith(('mesbook.plots', 'mesbook.widgets'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
