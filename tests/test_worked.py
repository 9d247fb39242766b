"""The book's worked examples (mesbook.studies.worked): the numbers chapter 1's paragraphs quote are the package's own
strikes and payoffs of the example prices, worked by hand here; the look-ahead bumps are what chapter 3 and its
exercise run."""
from __future__ import annotations

import numpy as np
import pytest

import mesbook as mb
from mesbook import exercises, plots
from mesbook.studies import audit
from mesbook.studies.worked import (
    CONTRACT,
    LOOKAHEAD,
    LOOKAHEAD_EXERCISE,
    Bump,
    ContractExample,
    contract_texts,
    dollars_text,
    points_text,
)


def test_the_chapter_one_example_worked_by_hand():
    texts = contract_texts()
    # 4,503.25 lies 1.75 points below 4,505 and 3.25 above 4,500: strike 4,505.
    assert (texts["entry"], texts["strike"]) == ("4,503.25", "4,505")
    # 4,502.5 / 5 = 900.5 rounds to the even 900 (strike 4,500); 4,507.5 / 5 = 901.5 rounds to 902 (4,510).
    assert [texts[k] for k in ("half_low", "half_low_ratio", "half_low_rounded", "half_low_strike")] == [
        "4,502.5", "900.5", "900", "4,500"]
    assert [texts[k] for k in ("half_high", "half_high_ratio", "half_high_rounded", "half_high_strike")] == [
        "4,507.5", "901.5", "902", "4,510"]
    # 4,500 to 4,520: 20 points, $100 at $5 a point.
    assert [texts[k] for k in ("move_from", "move_to", "move_points", "move_dollars")] == ["4,500", "4,520", "20", "100"]
    # A call struck at 4,505 closed at 4,520 is worth 15 points; breakevens 2.5 points either side of the strike.
    assert [texts[k] for k in ("close", "close_points", "breakeven_call", "breakeven_put")] == [
        "4,520", "15", "4,507.5", "4,502.5"]
    assert texts["dearer_premium"] == "4"
    # The exercises' answers are not in the texts the page prints (tests/test_exercises_page.py).
    assert not {"tie", "tie_strike", "put_close", "put_dollars"} & set(texts)


def test_another_example_is_computed_not_copied():
    texts = contract_texts(ContractExample(move=(4100.0, 4090.0), entry=4497.6, halfway=(4512.5, 4517.5), close=4530.0,
                                           tie=4492.5, tie_interval=5.0, put_close=4480.0, dearer_premium=3.0))
    assert texts["strike"] == "4,500" and texts["move_points"] == "-10"
    assert (texts["half_low_rounded"], texts["half_low_strike"]) == ("902", "4,510")
    assert (texts["half_high_rounded"], texts["half_high_strike"]) == ("904", "4,520")
    assert (texts["close_points"], texts["breakeven_call"], texts["breakeven_put"]) == ("30", "4,502.5", "4,497.5")
    assert texts["dearer_premium"] == "3"


def test_the_formats_the_book_writes():
    assert [points_text(v) for v in (4503.25, 4505.0, 902.5, 0.0, 12_000.5)] == ["4,503.25", "4,505", "902.5", "0",
                                                                               "12,000.5"]
    assert [dollars_text(v) for v in (75.0, 62.5, 1250.0)] == ["75", "62.50", "1,250"]


def test_the_example_is_what_the_figures_widgets_and_exercises_use():
    assert CONTRACT.strike == mb.get_atm_strike(CONTRACT.entry) == 4505.0
    assert f"futures trade at {CONTRACT.tie:g}," in exercises.QUESTIONS["ch1.atm_tie"].prompt
    assert f"strike_interval={CONTRACT.tie_interval:g}" in exercises.QUESTIONS["ch1.atm_tie"].prompt
    assert exercises.check("ch1.atm_tie", mb.get_atm_strike(CONTRACT.tie, strike_interval=CONTRACT.tie_interval)).correct
    assert not exercises.check("ch1.atm_tie", mb.get_atm_strike(CONTRACT.tie)).correct  # the book's 5-point grid
    # on a 10-point grid the tie 4,545 goes down to the even 4,540; the put closed at 4,491.75 makes $53.75
    assert mb.get_atm_strike(CONTRACT.tie, strike_interval=CONTRACT.tie_interval) == 4540.0
    call, put = mb.core.contract.payoff_dollars(np.array([CONTRACT.put_close]), CONTRACT.strike, 2.5)
    assert float(put[0]) == 53.75
    assert exercises.check("ch1.put_pnl", float(put[0])).correct
    assert exercises.check("ch1.breakeven", CONTRACT.strike + CONTRACT.dearer_premium).correct
    assert "Strike 4,505" in plots.payoff_figure().axes[0].get_title()


def test_the_lookahead_bumps():
    assert (LOOKAHEAD.bar, LOOKAHEAD.bumped, LOOKAHEAD.contracts) == (100, 101, 1000.0)
    assert (LOOKAHEAD_EXERCISE.bar, LOOKAHEAD_EXERCISE.bumped) == (200, 201)
    assert Bump(7, 5.0).bumped == 8
    data = mb.simulate_market_data(seed=7)
    assert audit.lookahead_table(data).equals(audit.lookahead_table(data, bar=LOOKAHEAD.bar, bump=LOOKAHEAD.contracts))
    moved = audit.lookahead_table(data, LOOKAHEAD_EXERCISE.bar, LOOKAHEAD_EXERCISE.contracts).loc["oi_gradient", "moved by"]
    assert moved == pytest.approx(LOOKAHEAD_EXERCISE.contracts / 2)
    assert exercises.check("ch3.lookahead", float(moved)).correct
