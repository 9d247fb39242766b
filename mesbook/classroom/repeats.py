"""How often right answers repeat across a class: what per-student seeds protect, question by question.

For every seed-dependent question, over a class of ``n`` students (the seeds :func:`class_seeds` gives
``student0`` … ``student{n-1}``, as handouts would):

* **book's answer right** — the share of students for whom the book's answer (seed 7) counts as right:
  what copying the book's solution earns;
* **two classmates agree** — the share of all pairs of students whose right answers count as each
  other's: what copying a neighbour earns.

Both use the self-check's own comparison (:func:`mesbook.exercises.matches`, with each question's
tolerance). A question marked ``repeats=True`` has the same right answer on most markets by design (a
property of the code); the grader's "it is the book's answer" note (:func:`book_note`) is given only on
the others, and only when the book's answer is wrong for that student. On count questions, a third
column says how often an honest off-by-one mistake (the right count ± 1) would get that note anyway:
how often the note would wrongly read as copying.
``python -m mesbook.classroom.repeats [N] [KEY ...]`` prints the table.
"""
from __future__ import annotations

import sys
from itertools import combinations
from typing import Any, Optional, Sequence

import pandas as pd

from .. import exercises
from ..exercises.base import solution
from ..parallel import parallel_map
from .seeds import student_seed

#: The share (percent) under which a seed-dependent question counts as not repeating.
TARGET_PERCENT: float = 5.0
#: How many student seeds the repeat table reads by default (the tool, ``make bench`` and the instructor's guide).
CLASS_SIZE: int = 300


def class_seeds(n: int, salt: Optional[str] = None) -> list[int]:
    """The seeds of a class of ``n`` students with ids ``student0`` … (as handouts would give them)."""
    return [student_seed(f"student{i}", salt) for i in range(n)]


def seeded_questions() -> list[str]:
    """Keys of the questions whose answer is computed on the student's market."""
    return [key for key, q in exercises.QUESTIONS.items() if q.seeded]


def informative(key: str) -> bool:
    """Whether giving the book's answer to ``key`` can say anything: its answer is computed on the student's
    market and does not repeat across markets by design."""
    q = exercises.QUESTIONS[key]
    return q.seeded and not q.repeats


def book_note(key: str, answer: Any, right: Any, book: Any) -> bool:
    """Whether a wrong ``answer`` to ``key`` earns the grader's note "it is the answer for the book's seed":
    the question is :func:`informative`, ``answer`` counts as the book's answer ``book``, and ``book`` is
    not this student's ``right`` answer."""
    return informative(key) and exercises.matches(key, answer, book) and not exercises.matches(key, book, right)


def _answers(seed: int, keys: Sequence[str]) -> dict[str, Any]:
    return {key: solution(key, seed) for key in keys}


def repeat_rates(keys: Optional[Sequence[str]] = None, n: int = CLASS_SIZE, n_jobs: int = 1) -> pd.DataFrame:
    """One row per question (default: :func:`seeded_questions`) over a class of ``n``: the book's answer
    right (%), two classmates agree (%), off-by-one mistakes called the book's answer (%, count questions
    only), the number of distinct right answers, and ``repeats`` as marked."""
    keys = list(keys) if keys is not None else seeded_questions()
    seeds = class_seeds(n)
    answers = parallel_map(_answers, seeds, shared=keys, n_jobs=n_jobs)
    book = _answers(exercises.BOOK_SEED, keys)
    rows = []
    for key in keys:
        values = [a[key] for a in answers]
        book_right = sum(exercises.matches(key, book[key], v) for v in values)
        agree = sum(exercises.matches(key, a, b) for a, b in combinations(values, 2))
        counts = exercises.QUESTIONS[key].kind == "int"
        near = sum(book_note(key, v + step, v, book[key]) for v in values for step in (-1, 1)) if counts else 0
        rows.append({"key": key, "book's answer right (%)": 100 * book_right / n,
                     "two classmates agree (%)": 100 * agree / (n * (n - 1) / 2),
                     "off by one called the book's (%)": 100 * near / (2 * n) if counts else float("nan"),
                     "distinct answers": len({repr(v) for v in values}),
                     "repeats": exercises.QUESTIONS[key].repeats})
    return pd.DataFrame(rows).set_index("key")


def main(argv: Optional[Sequence[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    n = int(argv.pop(0)) if argv and argv[0].isdigit() else CLASS_SIZE
    table = repeat_rates(argv or None, n, n_jobs=-1)
    print(f"over {n} student seeds (target: under {TARGET_PERCENT:g} % unless the question repeats by design)")
    print(table.round(1).to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())
