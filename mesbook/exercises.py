"""Self-check for the book's exercises: ``check("ch3.first_crossing", answer)``.

Every answer is computed here, by mesbook, on the book's seeded data (:data:`BOOK_SEED`), so an answer
can never drift away from the code it is about. :func:`check` prints a verdict — ✓ with the reason, ✗ with a
hint, or a reminder that there is no answer yet — and returns a :class:`Verdict` that is truthy only
for a right answer.

    >>> from mesbook.exercises import check
    >>> check("ch1.atm_tie", None)
    … ch1.atm_tie: no answer yet.
      Replace None with your answer and run the cell again.
    Verdict('ch1.atm_tie', correct=None)

In a notebook the returned :class:`Verdict` shows nothing, so only the printed lines appear.
"""
from __future__ import annotations

import numbers
import textwrap
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable, Optional

import numpy as np
import pandas as pd

from . import plots
from .constants import FUTURES_MULTIPLIER, OPTION_PREMIUM_FIXED
from .contract import get_atm_strike
from .indicators import calculate_indicators
from .market_data import simulate_market_data
from .pipeline import run_article

#: The seed of every simulated market in the book.
BOOK_SEED: int = 7
#: Bars in the book's simulated market (the article's NUM_PERIODS).
BOOK_BARS: int = 500


@lru_cache(maxsize=None)
def _book_market() -> pd.DataFrame:
    return simulate_market_data(BOOK_BARS, seed=BOOK_SEED)


def book_market() -> pd.DataFrame:
    """The book's seeded market (a fresh copy: callers may modify it)."""
    return _book_market().copy()


@dataclass(frozen=True)
class Question:
    """One exercise: how to compute its answer, how to compare, what to say."""

    key: str
    prompt: str
    solve: Callable[[], Any]
    kind: str  # "int", "float", "text" or "date"
    hint: str
    why: str
    tolerance: float = 0.0
    unit: str = ""


def _first_crossing(short: int, long: int) -> int:
    up, down = plots.crossings(calculate_indicators(book_market(), short, long))
    return int(min(np.r_[up, down]))


def _first_signal_after_warmup() -> str:
    frame, _ = run_article(book_market())
    warm_end = plots.defined_from(frame["oi_long_sma"].to_numpy())
    acting = np.flatnonzero(frame["signal"].astype(str).to_numpy() != "HOLD")
    return f"{frame['timestamp'].iloc[acting[acting > warm_end][0]]:%Y-%m-%d}"


def _cells_changed_by_gradient_window(other: int) -> int:
    a = calculate_indicators(book_market(), gradient_window=5)
    b = calculate_indicators(book_market(), gradient_window=other)
    columns = ["oi_change", "oi_gradient", "oi_short_sma", "oi_long_sma"]
    return int((a[columns].to_numpy() != b[columns].to_numpy()).sum())


def _unit_factor() -> float:
    from .real_data import find_unit_breaks, load_cftc_open_interest

    breaks = find_unit_breaks(load_cftc_open_interest().set_index("as_of")["open_interest"])
    return float(breaks.loc[pd.Timestamp("2023-05-02"), "factor"])


def _profitable_share(premium: float) -> float:
    return float(100 * (plots.seed_sweep(range(200), premium=premium)["net P&L ($)"] > 0).mean())


def _breakeven(strike: float, premium_points: float) -> float:
    """Lowest exit price (to 0.001 point) at which a long call's P&L is no longer negative."""
    prices = np.arange(strike, strike + 10 * premium_points + 1, 0.001)
    call, _ = plots.payoff_dollars(prices, strike, premium_points)
    return float(np.round(prices[np.argmax(call >= -1e-9)], 3))


def _payoff(sign: int, strike: float, exit_price: float, premium_points: float) -> float:
    call, put = plots.payoff_dollars(np.array([exit_price]), strike, premium_points)
    return float((call if sign > 0 else put)[0])


_QUESTIONS: tuple[Question, ...] = (
    # Chapter 1
    Question("ch1.atm_tie", "Futures trade at 4512.5, exactly halfway between two strikes. Which strike does "
             "get_atm_strike choose?", lambda: get_atm_strike(4512.5), "float",
             "Divide by 5. What does Python's round() do with a number that ends in .5?",
             "902.5 rounds to 902 (even), and 902 × 5 = 4510: ties go to the even multiple.", unit="points"),
    Question("ch1.put_pnl", "You buy the ATM put at 4503.25 (strike 4505) for the article's premium and close it "
             "with futures at 4490. What is the P&L in dollars?",
             lambda: _payoff(-1, get_atm_strike(4503.25), 4490.0, OPTION_PREMIUM_FIXED / FUTURES_MULTIPLIER), "float",
             "Intrinsic value is strike − price in points; multiply by $5 and subtract $12.50.",
             "(4505 − 4490) × $5 − $12.50 = $62.50.", tolerance=0.005, unit="dollars"),
    Question("ch1.breakeven", "With a premium of 4 points, at what futures price does a call struck at 4505 break "
             "even when it is closed?", lambda: _breakeven(4505.0, 4.0), "float",
             "At breakeven the intrinsic value exactly pays back the premium, both in points.",
             "The call must be 4 points in the money: 4505 + 4 = 4509.", tolerance=0.01, unit="points"),
    # Chapter 2
    Question("ch2.independence", "Seed 7: raise the price drift from 0.1 to 1.0 point per bar. By how many contracts "
             "does the final open interest change?",
             lambda: float(final_oi_with_price_drift(price_drift=1.0) - final_oi_with_price_drift(price_drift=0.1)), "float",
             "The price and the open interest are drawn from separate random numbers.",
             "Not at all: the simulated OI never looks at the price.", tolerance=1e-6, unit="contracts"),
    Question("ch2.ledger", "In the toy market, Gus buys one contract from Hal, and both open a new position. "
             "What is the open interest after this seventh trade?",
             lambda: int(plots.oi_ledger(plots.LEDGER_TRADES + (("Gus", "opens", "Hal", "opens"),))["open interest"].iloc[-1]),
             "int", "After the sixth trade nobody holds a position; a trade where both sides open adds 1.",
             "Two newcomers create one new contract: open interest goes from 0 to 1."),
    Question("ch2.unit_factor", "In the CFTC file, by what factor does the reported open interest jump from the "
             "report of 2023-04-25 to that of 2023-05-02? Give two decimals.", lambda: _unit_factor(), "float",
             "Divide the 2023-05-02 figure by the 2023-04-25 figure; find_unit_breaks does it for you.",
             "About ×5: the report switched units, from full-size contracts to E-mini equivalents.",
             tolerance=0.0051),
    # Chapter 3
    Question("ch3.first_crossing", "Seed 7, short window 5 and long window 30: on which bar does the first "
             "crossing of the averages appear?", lambda: _first_crossing(5, 30), "int",
             "Bars are numbered from 0. When does a 5-bar average first exist?",
             "Bar 4 = short window − 1: the average appears there and 'crosses' the long one, still 0."),
    Question("ch3.lookahead", "Seed 7: add 600 contracts to the open interest of bar 201 only. By how many "
             "contracts does the gradient at bar 200 move?",
             lambda: float(plots.lookahead_table(book_market(), bar=200, bump=600.0).loc["oi_gradient", "moved by"]),
             "float", "numpy.gradient at bar i is (OI[i+1] − OI[i−1]) / 2.",
             "By 600 / 2 = 300: bar 200 reads bar 201, a value it could not know yet.", tolerance=1e-6,
             unit="contracts"),
    Question("ch3.gradient_window", "Seed 7: how many indicator values change when gradient_window goes from 5 "
             "to 20?", lambda: _cells_changed_by_gradient_window(20), "int",
             "Compare calculate_indicators(data, gradient_window=5) with gradient_window=20.",
             "None: the article passes the gradient window along but never uses it."),
    # Chapter 4
    Question("ch4.buy_20_50", "Seed 7, windows 20 and 50: how many BUY signals does the bot give?",
             lambda: int(run_article(book_market(), short_sma_window=20, long_sma_window=50)[1].signal_counts["BUY"]),
             "int", "Run run_article with short_sma_window=20, long_sma_window=50 and look at signal_counts.",
             "Longer windows cross less often, so fewer signals."),
    Question("ch4.filtered", "Seed 7, the article's windows: how many crossings does the momentum condition throw "
             "away?", lambda: int(plots.signal_table(run_article(book_market())[0])["filtered out by momentum"].sum()),
             "int", "Crossings minus signals, for both directions; signal_table has both columns.",
             "A few: most crossings happen while OI is already moving the same way."),
    Question("ch4.first_real_signal", "Seed 7: on which date (YYYY-MM-DD) does the first signal fall once both "
             "averages really exist?", _first_signal_after_warmup, "date",
             "The long average exists from bar 29; the signal on that bar is still the zero fill at work.",
             "The earlier signals come from the warm-up; this is the first one made by two real averages."),
    # Chapter 5
    Question("ch5.winners", "Seed 7, the article's settings: how many of the round trips make money?",
             lambda: int(run_article(book_market())[1].summary().wins), "int",
             "result.summary() has the number of trades and the win rate; or count trades with pnl > 0.",
             "Few trades win, yet the run ends up: a few long winners pay for many small losses."),
    Question("ch5.double_premium", "Seed 7: pay 5 points ($25) per option instead of 2.5. What is the net P&L in "
             "dollars?", lambda: float(run_article(book_market(), premium=2 * OPTION_PREMIUM_FIXED)[1].net_pnl),
             "float", "run_article(data, premium=25.0) — the premium is in dollars.",
             "Every trade pays $12.50 more, so the result falls by $12.50 times the number of trades.", tolerance=0.01, unit="dollars"),
    Question("ch5.premium_share", "Over seeds 0–199 with a 5-point ($25) premium, what percentage of runs is "
             "profitable?", lambda: _profitable_share(2 * OPTION_PREMIUM_FIXED), "float",
             "seed_sweep(range(200), premium=25.0) gives one row per seed.",
             "Under half: most of the article's 'edge' was the fixed cheap premium.", tolerance=0.51, unit="%"),
)


def final_oi_with_price_drift(price_drift: float) -> float:
    """Final open interest (contracts) of the book's market with another price drift (chapter 2)."""
    from .widgets import simulate_with_drift

    return float(simulate_with_drift(BOOK_SEED, price_drift=price_drift)["open_interest"].iloc[-1])


QUESTIONS: dict[str, Question] = {q.key: q for q in _QUESTIONS}


def register(*new: Question) -> None:
    """Add exercises (later parts of the book register theirs at the end of this module)."""
    for q in new:
        if q.key in QUESTIONS:
            raise ValueError(f"exercise {q.key!r} is already registered")
        QUESTIONS[q.key] = q


def _question(key: str) -> Question:
    try:
        return QUESTIONS[key]
    except KeyError:
        raise KeyError(f"no exercise {key!r}; known keys: {', '.join(QUESTIONS)}") from None


@lru_cache(maxsize=None)
def expected(key: str) -> Any:
    """The right answer to exercise ``key``, computed by mesbook (cached)."""
    return _question(key).solve()


def questions(chapter: Optional[int] = None) -> pd.DataFrame:
    """The exercises (key and question), optionally for one chapter."""
    keys = [k for k in QUESTIONS if chapter is None or k.startswith(f"ch{chapter}.")]
    return pd.DataFrame({"question": [QUESTIONS[k].prompt for k in keys]}, index=pd.Index(keys, name="key"))


def is_correct(key: str, answer: Any) -> bool:
    """Whether ``answer`` is right for ``key`` (no printing)."""
    q, right = _question(key), expected(key)
    if q.kind in ("int", "float"):
        if isinstance(answer, bool) or not isinstance(answer, numbers.Real):
            try:
                answer = float(str(answer).replace(",", "").replace("$", "").strip())
            except ValueError:
                return False
        if not np.isfinite(float(answer)):
            return False
        return abs(float(answer) - float(right)) <= (q.tolerance if q.kind == "float" else 0)
    if q.kind == "date":
        try:
            return pd.Timestamp(answer).normalize() == pd.Timestamp(right)
        except (ValueError, TypeError):
            return False
    return str(answer).strip().lower() == str(right).strip().lower()


class Verdict:
    """What :func:`check` returns: truthy when the answer is right.

    ``correct`` is ``True``, ``False`` or ``None`` (no answer yet). It shows nothing in a notebook (the
    printed line is the message), so a check at the end of a cell does not add an ``Out[...]`` line.
    """

    def __init__(self, key: str, correct: Optional[bool]):
        self.key, self.correct = key, correct

    def __bool__(self) -> bool:
        return bool(self.correct)

    def __repr__(self) -> str:
        return f"Verdict({self.key!r}, correct={self.correct})"

    def _ipython_display_(self) -> None:  # the printed line already says everything
        pass


def _shown(answer: Any) -> str:
    if isinstance(answer, np.generic):
        answer = answer.item()
    if isinstance(answer, float):
        return f"{answer:,.6g}" if abs(answer) < 1e15 else repr(answer)
    if isinstance(answer, (int, str)):
        return f"{answer:,}" if isinstance(answer, int) and not isinstance(answer, bool) else repr(answer)
    return repr(answer)


def check(key: str, answer: Any) -> Verdict:
    """Print whether ``answer`` is right for exercise ``key`` (✓, ✗ with a hint, or no answer yet).

    Returns a :class:`Verdict`, truthy exactly when the answer is right.
    """
    q = _question(key)
    if answer is None:
        print(f"… {key}: no answer yet.\n" + _wrap("Replace None with your answer and run the cell again."))
        return Verdict(key, None)
    if is_correct(key, answer):
        print(f"✓ {key}: {_shown(answer)} is right.\n" + _wrap(q.why))
        return Verdict(key, True)
    print(f"✗ {key}: {_shown(answer)} is not it.\n" + _wrap(f"Hint: {q.hint}"))
    return Verdict(key, False)


def _wrap(text: str) -> str:
    """Indent and wrap an explanation so it reads in a narrow output cell."""
    return textwrap.fill(text, width=76, initial_indent="  ", subsequent_indent="  ")


__all__ = ["BOOK_BARS", "BOOK_SEED", "QUESTIONS", "Question", "Verdict", "book_market", "check", "expected", "is_correct",
           "final_oi_with_price_drift", "questions", "register"]


# === Part "Making it honest" (chapters 6-7): helpers for those chapters go below this line ===


# === Part "Is there an edge?" (chapters 8-10): helpers for those chapters go below this line ===
