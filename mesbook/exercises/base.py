"""Self-check machinery for the book's exercises: ``check("ch3.first_crossing", answer)``.

Every answer is computed by mesbook on a seeded market, so an answer can never drift away from the
code it is about. The seed is the book's (:data:`BOOK_SEED`, 7; the book's samples are named in
:mod:`mesbook.studies.samples`) unless :func:`use_seed` chose another: a
classroom handout sets each student's ``MARKET_SEED`` and calls ``use_seed(MARKET_SEED)``, so every
student checks against their own market. Questions without a simulated market in them (payoff
arithmetic, the CFTC file, option pricing) are marked ``seeded=False`` and have one answer for all. The
questions live in :mod:`mesbook.exercises.article`, :mod:`~mesbook.exercises.honest` and
:mod:`~mesbook.exercises.edge`, which :func:`register` them here. :func:`check` prints a verdict — ✓ with
the reason, ✗ with a hint, or a reminder that there is no answer yet — and returns a :class:`Verdict`
that is truthy only for a right answer.

No exported name hands out an answer: a registered :class:`Question` keeps no solver, and
:func:`solution` (what the classroom's keys and grader use) is not among ``mesbook.exercises``' names;
in a notebook being graded, :func:`seal` removes the solvers altogether. :func:`matches` is the one
comparison (the self-check's and the grader's), and :func:`read_answer` reads an answer in bounded time.

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
import datetime
from dataclasses import InitVar, dataclass
from functools import lru_cache
from typing import Any, Callable, Optional

import numpy as np
import pandas as pd

from ..data.synthetic import simulate_realistic_market
from ..studies.memo import clear_memos
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
    """The seed :func:`check` and the book's markets use when not given one."""
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
    """One exercise: what it asks, how to compare, what to say.

    ``solve(seed)``, given when the question is made, computes the answer on the market of ``seed``;
    :func:`register` files it away in a private table, so a registered question carries no way to
    compute its answer (see :func:`solution`). ``seeded=False`` marks a question whose answer is the same
    for every seed (no simulated market in it); ``repeats=True`` one whose right answers repeat across
    markets although they are computed on one (a property of the code, such as a gradient that reads
    half of the next bar, or a choice among a few values). ``why`` may quote the book's market, and then
    ``why_any_seed`` is what :func:`check` says on other seeds.
    """

    key: str
    prompt: str
    solve: InitVar[Callable[[int], Any]]
    kind: str  # "int", "float", "text" or "date"
    hint: str
    why: str
    tolerance: float = 0.0
    unit: str = ""
    seeded: bool = True
    why_any_seed: str = ""
    repeats: bool = False

    def __post_init__(self, solve: Callable[[int], Any]) -> None:
        if self.kind not in _KINDS:
            raise ValueError(f"Question {self.key!r}: kind must be one of {', '.join(_KINDS)}, got {self.kind!r}")
        self.__dict__["_solve"] = solve  # taken by register()


_KINDS = ("int", "float", "text", "date")

#: Every registered exercise, by key, in the book's order (statements only: no solver).
QUESTIONS: dict[str, Question] = {}
_SOLVERS: dict[str, Callable[[int], Any]] = {}


def register(*new: Question) -> None:
    """Add exercises to :data:`QUESTIONS` (each part of the book registers its own); a key only once."""
    for q in new:
        if q.key in QUESTIONS:
            raise ValueError(f"exercise {q.key!r} is already registered")
        _SOLVERS[q.key] = q.__dict__.pop("_solve")
        QUESTIONS[q.key] = q


def _question(key: str) -> Question:
    try:
        return QUESTIONS[key]
    except KeyError:
        raise KeyError(f"no exercise {key!r}; known keys: {', '.join(QUESTIONS)}") from None


@lru_cache(maxsize=None)
def _answer(key: str, seed: int) -> Any:
    try:
        solve = _SOLVERS[key]
    except KeyError:
        raise LookupError(f"the answer to {key!r} is not available here: this notebook is being graded, and "
                          "check() only records answers") from None
    return solve(seed)


def solution(key: str, seed: int) -> Any:
    """The right answer to exercise ``key`` on the market of ``seed`` (cached).

    For the classroom kit (answer keys, the grader), the self-check and tests; it is not among the names
    ``mesbook.exercises`` exports, and :func:`seal` removes it from a notebook that is being graded.
    Python keeps nothing private: a student who reads this module can call it, which is writing the
    exercise's solution in code (the book's own solution blocks show the same few lines).
    """
    q = _question(key)
    return _answer(key, _valid_seed(seed) if q.seeded else BOOK_SEED)


def seal() -> None:
    """Forget every solver and every answer computed in this process (the grader does this in the kernel of a
    notebook it grades, whose ``check`` only records: there, no call hands out an answer)."""
    _SOLVERS.clear()
    _answer.cache_clear()


def clear_cache() -> None:
    """Forget the answers, markets and study results computed so far (for timing a first computation)."""
    for cached in (_answer, _book_market, _realistic_market):
        cached.cache_clear()
    clear_memos()


def questions(chapter: Optional[int] = None) -> pd.DataFrame:
    """The exercises (key and question), optionally for one chapter."""
    keys = [k for k in QUESTIONS if chapter is None or k.startswith(f"ch{chapter}.")]
    return pd.DataFrame({"question": [QUESTIONS[k].prompt for k in keys]}, index=pd.Index(keys, name="key"))


#: The longest text read as a number or a date, and as a text answer: anything longer is no answer and is
#: never parsed (a date parser can take seconds on a megabyte of text).
MAX_NUMBER_TEXT, MAX_TEXT = 64, 200


def _text(answer: Any, limit: int) -> str:
    text = answer if isinstance(answer, str) else str(answer)
    if len(text) > limit:
        raise ValueError(f"more than {limit} characters, too long to be an answer")
    return text


def read_answer(kind: str, answer: Any) -> Any:
    """``answer`` as the value an exercise of ``kind`` compares: a finite float, a day (``pd.Timestamp``) or
    lower-case text. Raises ``ValueError`` saying what it is not ("not a number", ...); text is read only
    up to :data:`MAX_NUMBER_TEXT` characters (:data:`MAX_TEXT` for text answers), so reading is fast."""
    if answer is None:
        raise ValueError("no answer")
    if kind in ("int", "float"):
        if isinstance(answer, bool):
            raise ValueError("not a number")
        if isinstance(answer, numbers.Real):
            try:
                value = float(answer)
            except OverflowError:
                raise ValueError("not a finite number") from None
        else:
            try:
                value = float(_text(answer, MAX_NUMBER_TEXT).replace(",", "").replace("$", "").strip())
            except ValueError as exc:
                raise ValueError("not a number" if "too long" not in str(exc) else str(exc)) from None
        if not np.isfinite(value):
            raise ValueError("not a finite number")
        return value
    if kind == "date":
        if isinstance(answer, (bool, numbers.Number)):
            raise ValueError("not a date")
        if not isinstance(answer, (datetime.date, np.datetime64)):
            answer = _text(answer, MAX_NUMBER_TEXT)
        try:
            day = pd.Timestamp(answer)
        except (ValueError, TypeError, OverflowError):
            raise ValueError("not a date") from None
        if day is pd.NaT:
            raise ValueError("not a date")
        return day.normalize()
    return _text(answer, MAX_TEXT).strip().lower()


def answer_problem(key: str, answer: Any) -> str:
    """Why ``answer`` can't be right for ``key`` whatever the market ("not a number", ...), or ``""``."""
    try:
        read_answer(_question(key).kind, answer)
    except ValueError as exc:
        return str(exc)
    return ""


def matches(key: str, answer: Any, right: Any) -> bool:
    """Whether ``answer`` counts as ``right`` for exercise ``key``: the self-check's comparison (within the
    question's tolerance for numbers, the same day for dates, the same text ignoring case and spaces)."""
    q = _question(key)
    try:
        given = read_answer(q.kind, answer)
    except ValueError:
        return False
    wanted = read_answer(q.kind, right)
    if q.kind in ("int", "float"):
        return abs(given - wanted) <= (q.tolerance if q.kind == "float" else 0)
    return given == wanted


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
    if matches(key, answer, solution(key, _active_seed)):
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
    "answer_problem",
    "check",
    "clear_cache",
    "matches",
    "MAX_NUMBER_TEXT",
    "MAX_TEXT",
    "Question",
    "QUESTIONS",
    "questions",
    "read_answer",
    "realistic_market",
    "register",
    "use_seed",
    "Verdict",
]
