"""Grade students' notebooks: run each in a fresh kernel, collect its answers, check them on the student's seed.

For every student and chapter, :func:`grade_notebook` reads ``SUBMISSIONS/<student_id>/<chapter>.ipynb``,
writes the student's seed into its parameters cell (whatever the student left there), adds a first cell
that blocks the network and records every ``exercises.check`` call (:mod:`~mesbook.classroom.capture`),
and runs it with :func:`~mesbook.classroom.runner.run_notebook` within the timeout. The last answer
checked for each question is then judged here, in the grader's process, by
:func:`mesbook.exercises.is_correct` on the student's seed: the logic of the self-check, out of the
student's reach.

Nothing a submission does stops the grading: a missing or unreadable file, a cell that raises, a cell that
never ends, a deleted answer cell or an answer of the wrong type each becomes rows with ``correct`` False
and a ``note`` saying why. Answers given before a failing cell still count.
"""
from __future__ import annotations

import csv
import numbers
import os
import tempfile
import time
from dataclasses import astuple, dataclass, fields
from pathlib import Path
from typing import Any, Callable, Mapping, Optional, Sequence, Union

import nbformat
import pandas as pd
from nbformat.reader import NotJSONError

from .. import exercises
from ..parallel import parallel_map
from . import capture
from .notebooks import chapter_questions, check_cells, set_seed
from .runner import run_notebook

#: Columns of the gradebook, in order.
GRADEBOOK_COLUMNS: tuple[str, ...] = ("student_id", "chapter", "question", "correct", "answer", "expected", "note")
#: Default time budget of one submission, seconds (the Monte Carlo chapter needs the most, on a busy machine a minute or two).
DEFAULT_TIMEOUT: float = 300.0


@dataclass(frozen=True)
class GradeRow:
    """One gradebook line: one student's answer to one question."""

    student_id: str
    chapter: str
    question: str
    correct: bool
    answer: str
    expected: str
    note: str


@dataclass(frozen=True)
class NotebookGrade:
    """The rows of one submission, how long grading it took (seconds: kernel start, run and checks; 0 if it
    never ran) and why its run stopped."""

    rows: tuple[GradeRow, ...]
    seconds: float
    problem: str = ""


def shown(value: Any) -> str:
    """An answer or an expected value as the gradebook writes it (``""`` for none)."""
    if value is None:
        return ""
    if isinstance(value, pd.Timestamp):
        return value.isoformat() if value != value.normalize() else f"{value:%Y-%m-%d}"
    if isinstance(value, str):
        return value
    return repr(capture.restore(capture.portable(value)))


def expected_answer(key: str, seed: int) -> Any:
    """The right answer to ``key`` on the market of ``seed``."""
    return exercises.expected(key, seed=seed)


def judge(key: str, answer: Any, seed: int) -> bool:
    """Whether ``answer`` is right for ``key`` on ``seed``: the self-check's own comparison."""
    return bool(exercises.is_correct(key, answer, seed=seed))


def _type_problem(key: str, answer: Any) -> str:
    kind = exercises.QUESTIONS[key].kind
    name = answer.type_name if isinstance(answer, capture.Other) else type(answer).__name__
    if kind in ("int", "float"):
        if isinstance(answer, bool):
            return f"the answer is {answer}, not a number"
        if isinstance(answer, numbers.Real):
            return ""
        try:
            float(str(answer).replace(",", "").replace("$", "").strip())
            return ""
        except ValueError:
            return f"the answer is a {name}, not a number"
    if kind == "date":
        try:
            pd.Timestamp(answer)
            return ""
        except (ValueError, TypeError):
            return f"the answer is a {name}, not a date"
    return ""


def _why_wrong(key: str, answer: Any, seed: int) -> str:
    if answer is None:
        return "no answer: still None"
    problem = _type_problem(key, answer)
    if problem:
        return problem
    book = exercises.BOOK_SEED
    if seed != book:
        try:
            if judge(key, answer, book) and not judge(key, expected_answer(key, book), seed):
                return f"wrong for this student's seed {seed}; it is the answer for the book's seed {book}"
        except Exception:  # noqa: BLE001 - a diagnosis must never stop the grading
            pass
    return "wrong answer"


def _rows(student: str, chapter: str, seed: int, verdicts: Mapping[str, tuple[bool, Any, str]]) -> tuple[GradeRow, ...]:
    rows = []
    for key in chapter_questions(chapter):
        correct, answer, note = verdicts[key]
        try:
            right = shown(expected_answer(key, seed))
        except Exception as exc:  # noqa: BLE001
            right, correct, note = "", False, f"{note}; " * bool(note) + f"no expected answer ({type(exc).__name__}: {exc})"
        rows.append(GradeRow(student, chapter, key, bool(correct), shown(answer), right, note))
    return tuple(rows)


def _all(chapter: str, note: str) -> dict[str, tuple[bool, Any, str]]:
    return {key: (False, None, note) for key in chapter_questions(chapter)}


def grade_notebook(path: Union[str, os.PathLike], student: str, chapter: str, seed: int,
                   timeout: float = DEFAULT_TIMEOUT) -> NotebookGrade:
    """Grade one submission (see the module's docstring); never raises for anything in the file."""
    path, started = Path(path), time.monotonic()
    if not path.is_file():
        return NotebookGrade(_rows(student, chapter, seed, _all(chapter, f"no submission: {path.name} is missing")), 0.0,
                             "missing")
    try:
        nb = nbformat.read(str(path), as_version=4)
        if not isinstance(nb.get("cells"), list):
            raise ValueError("it has no list of cells")
    except NotJSONError:
        return NotebookGrade(_rows(student, chapter, seed, _all(chapter, "not a readable notebook (not valid JSON)")),
                             0.0, "unreadable")
    except Exception as exc:  # noqa: BLE001 - wrong format, unreadable bytes...
        reason = f"{type(exc).__name__}: {str(exc).splitlines()[0][:160]}" if str(exc) else type(exc).__name__
        return NotebookGrade(_rows(student, chapter, seed, _all(chapter, f"not a readable notebook ({reason})")), 0.0,
                             "unreadable")
    with tempfile.TemporaryDirectory(prefix="mesbook-grade-") as workdir:
        record = os.path.join(workdir, ".mesbook-answers.jsonl")
        before = len(nb.cells)
        try:
            set_seed(nb, seed)
            prelude = nbformat.v4.new_code_cell(
                "from mesbook.classroom import capture as _mesbook_capture\n"
                f"_mesbook_capture.install({record!r}, {int(seed)})\ndel _mesbook_capture")
            nb.cells.insert(0, prelude)
            outcome = run_notebook(nb, timeout, workdir, first_counted_cell=len(nb.cells) - before)
            stopped_at, reason = outcome.stopped_at, outcome.reason
        except Exception as exc:  # noqa: BLE001 - a kernel that can't start, a malformed cell...
            stopped_at, reason = 0, f"could not run the notebook ({type(exc).__name__}: {exc})"
        answers = capture.read_records(record)
    calls = check_cells(nb)
    verdicts: dict[str, tuple[bool, Any, str]] = {}
    for key in chapter_questions(chapter):
        if key in answers and answers[key] is None:  # what check() calls "no answer yet"
            verdicts[key] = (False, None, "no answer: still None")
        elif key in answers:
            answer = answers[key]
            try:
                correct = judge(key, answer, seed)
                note = "" if correct else _why_wrong(key, answer, seed)
            except Exception as exc:  # noqa: BLE001
                correct, note = False, f"could not check the answer ({type(exc).__name__}: {exc})"
            verdicts[key] = (correct, answer, note)
        elif key not in calls:
            verdicts[key] = (False, None, f'answer cell deleted: no exercises.check("{key}", ...) in the notebook')
        elif stopped_at is not None and min(calls[key]) >= stopped_at:
            verdicts[key] = (False, None, f"not reached: {reason}")
        else:
            verdicts[key] = (False, None, "the check of this question never ran")
    rows = _rows(student, chapter, seed, verdicts)
    return NotebookGrade(rows, time.monotonic() - started, reason)


def write_gradebook(rows: Sequence[GradeRow], path: Union[str, os.PathLike]) -> None:
    """Write ``rows`` as CSV with :data:`GRADEBOOK_COLUMNS` (``correct`` as True/False)."""
    assert tuple(f.name for f in fields(GradeRow)) == GRADEBOOK_COLUMNS
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(GRADEBOOK_COLUMNS)
        writer.writerows(astuple(row) for row in rows)


def summary(rows: Sequence[GradeRow]) -> str:
    """Per-student summary: right answers out of questions, per chapter and in total."""
    if not rows:
        return "no rows"
    frame = pd.DataFrame([astuple(r) for r in rows], columns=list(GRADEBOOK_COLUMNS))
    frame["student_id"] = pd.Categorical(frame["student_id"], categories=list(dict.fromkeys(frame["student_id"])))
    frame["chapter"] = pd.Categorical(frame["chapter"], categories=list(dict.fromkeys(frame["chapter"])))
    right = frame.pivot_table(index="student_id", columns="chapter", values="correct", aggfunc="sum", observed=True)
    asked = frame.pivot_table(index="student_id", columns="chapter", values="correct", aggfunc="size", observed=True)
    table = right.astype(int).astype(str) + "/" + asked.astype(int).astype(str)
    table["total"] = (right.sum(axis=1).astype(int).astype(str) + "/" + asked.sum(axis=1).astype(int).astype(str))
    table.columns.name = None
    return table.to_string()


def _grade_task(task: tuple) -> NotebookGrade:
    return grade_notebook(*task)


def grade_class(submissions: Union[str, os.PathLike], students: Mapping[str, int], chapters: Sequence[str],
                timeout: float = DEFAULT_TIMEOUT, progress: Optional[Callable[[str, str, NotebookGrade], None]] = None,
                jobs: int = 1) -> tuple[list[GradeRow], list[float]]:
    """Grade every student (``{student_id: seed}``) × chapter, ``jobs`` notebooks at a time (each in its own
    kernel; see :func:`mesbook.parallel.parallel_map`). Returns the rows, in roster and chapter order, and
    the seconds each notebook that ran took. ``progress(student, chapter, grade)`` is called per notebook."""
    tasks = [(Path(submissions) / student / f"{chapter}.ipynb", student, chapter, seed, timeout)
             for student, seed in students.items() for chapter in chapters]
    if jobs == 1:
        graded = []
        for task in tasks:
            graded.append(_grade_task(task))
            if progress is not None:
                progress(task[1], task[2], graded[-1])
    else:
        graded = parallel_map(_grade_task, tasks, n_jobs=jobs)
        for task, grade in zip(tasks, graded):
            if progress is not None:
                progress(task[1], task[2], grade)
    rows = [row for grade in graded for row in grade.rows]
    return rows, [grade.seconds for grade in graded if grade.problem not in ("missing", "unreadable")]
