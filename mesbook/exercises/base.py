"""Self-check machinery for the book's exercises: ``check("ch3.first_crossing", answer)``.

Every answer is computed by mesbook on a seeded market, so an answer can never drift away from the
code it is about. The seed is the book's (:data:`BOOK_SEED`, 7; the book's samples are named in
:mod:`mesbook.studies.samples`) unless :func:`use_seed` chose another: a
classroom handout sets each student's ``MARKET_SEED`` and calls ``use_seed(MARKET_SEED)``, so every
student checks against their own market. Questions without a simulated market in them (payoff
arithmetic, the CFTC file, option pricing) are marked ``seeded=False`` and have one answer for all. The questions live in :mod:`mesbook.exercises.article`,
:mod:`~mesbook.exercises.honest` and :mod:`~mesbook.exercises.edge`, which :func:`register` them here.
:func:`check` prints a verdict — ✓ with the reason, ✗ with a hint, or a reminder that there is no answer
yet — and returns a :class:`Verdict` that is truthy only for a right answer.

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

from ..data.synthetic import simulate_realistic_market
from ..studies.samples import BOOK_BARS, BOOK_SEED
from ..studies.samples import book_market as _article_market

_active_seed: int = BOOK_SEED


def _valid_seed(seed: Any) -> int:
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise TypeError(f"seed must be a non-negative int, e.g. MARKET_SEED, got {type(seed).__name__} {seed!r}")
    return int(seed)


def use_seed(seed: int) -> None:
    """Check answers against the market of ``seed`` from now on (a notebook's ``MARKET_SEED``; 7 in the book)."""
    global _active_seed
    _active_seed = _valid_seed(seed)


def active_seed() -> int:
    """The seed :func:`check` and :func:`expected` use when not given one."""
    return _active_seed


def _seed(seed: Optional[int]) -> int:
    return _active_seed if seed is None else _valid_seed(seed)


@lru_cache(maxsize=8)
def _book_market(seed: int) -> pd.DataFrame:
    return _article_market(seed, BOOK_BARS)


def book_market(seed: Optional[int] = None) -> pd.DataFrame:
    """The article generator's market of ``seed`` (default: the active seed), 500 bars (a fresh copy)."""
    return _book_market(_seed(seed)).copy()


@lru_cache(maxsize=8)
def _realistic_market(seed: int) -> pd.DataFrame:
    return simulate_realistic_market(BOOK_BARS, seed=seed)


def realistic_market(seed: Optional[int] = None) -> pd.DataFrame:
    """The realistic generator's market of ``seed`` (default: the active seed), 500 bars (a fresh copy)."""
    return _realistic_market(_seed(seed)).copy()


@dataclass(frozen=True)
class Question:
    """One exercise: how to compute its answer, how to compare, what to say.

    ``solve(seed)`` computes the answer on the market of ``seed``. ``seeded=False`` marks a question whose
    answer is the same for every seed (no simulated market in it); ``why`` may quote the book's market,
    and then ``why_any_seed`` is what :func:`check` says on other seeds.
    """

    key: str
    prompt: str
    solve: Callable[[int], Any]
    kind: str  # "int", "float", "text" or "date"
    hint: str
    why: str
    tolerance: float = 0.0
    unit: str = ""
    seeded: bool = True
    why_any_seed: str = ""


#: Every registered exercise, by key, in the book's order.
QUESTIONS: dict[str, Question] = {}


def register(*new: Question) -> None:
    """Add exercises to :data:`QUESTIONS` (each part of the book registers its own); a key only once."""
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
def _expected(key: str, seed: int) -> Any:
    return _question(key).solve(seed)


def expected(key: str, seed: Optional[int] = None) -> Any:
    """The right answer to exercise ``key`` on the market of ``seed`` (default: the active seed), cached."""
    q, seed = _question(key), _seed(seed)
    return _expected(key, seed if q.seeded else BOOK_SEED)


def clear_cache() -> None:
    """Forget the answers and markets computed so far (for timing a first computation)."""
    for cached in (_expected, _book_market, _realistic_market):
        cached.cache_clear()


def questions(chapter: Optional[int] = None) -> pd.DataFrame:
    """The exercises (key and question), optionally for one chapter."""
    keys = [k for k in QUESTIONS if chapter is None or k.startswith(f"ch{chapter}.")]
    return pd.DataFrame({"question": [QUESTIONS[k].prompt for k in keys]}, index=pd.Index(keys, name="key"))


def is_correct(key: str, answer: Any, seed: Optional[int] = None) -> bool:
    """Whether ``answer`` is right for ``key`` on the market of ``seed`` (default: the active seed); no printing."""
    q, right = _question(key), expected(key, seed)
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
            day = pd.Timestamp(answer)
        except (ValueError, TypeError):
            return False
        return day is not pd.NaT and day.normalize() == pd.Timestamp(right)
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
    """Print whether ``answer`` is right for exercise ``key`` on the active seed (✓, ✗ with a hint, or no
    answer yet).

    Returns a :class:`Verdict`, truthy exactly when the answer is right.
    """
    q = _question(key)
    if answer is None:
        print(f"… {key}: no answer yet.\n" + _wrap("Replace None with your answer and run the cell again."))
        return Verdict(key, None)
    if is_correct(key, answer):
        why = q.why_any_seed if q.why_any_seed and _active_seed != BOOK_SEED else q.why
        print(f"✓ {key}: {_shown(answer)} is right.\n" + _wrap(why))
        return Verdict(key, True)
    print(f"✗ {key}: {_shown(answer)} is not it.\n" + _wrap(f"Hint: {q.hint}"))
    return Verdict(key, False)


def _wrap(text: str) -> str:
    """Indent and wrap an explanation so it reads in a narrow output cell."""
    return textwrap.fill(text, width=76, initial_indent="  ", subsequent_indent="  ")


__all__ = [
    "BOOK_BARS",
    "book_market",
    "BOOK_SEED",
    "active_seed",
    "check",
    "clear_cache",
    "expected",
    "is_correct",
    "Question",
    "QUESTIONS",
    "questions",
    "realistic_market",
    "register",
    "use_seed",
    "Verdict",
]
