"""Grade one submission: read it with care, run it in its own sandbox, judge its answers out of its reach.

:func:`read_submission` reads ``SUBMISSIONS/<student_id>/<chapter>.ipynb`` in the grader: a regular file
only (a link, say to an answer key, is refused), at most :data:`MAX_NOTEBOOK_BYTES`. :func:`grade_submission`
then, given those bytes and the student's seed:

1. writes the student's seed into the notebook's parameters cell (whatever the student left there) and
   puts a first cell before it that records every ``exercises.check`` (:mod:`~mesbook.classroom.capture`);
2. writes that copy into a new scratch folder and runs it there, in a sandbox of its own
   (:mod:`~mesbook.classroom.sandbox`), within the timeout;
3. reads back the answer record and the run's outcome as untrusted files, and judges the last answer to
   each question with :func:`mesbook.exercises.matches` against the answer computed here, in the grader,
   on the student's seed (:func:`solve_ahead`, while the sandbox runs): no code of the student's runs
   where the answers are computed and judged;
4. deletes the scratch folder.

Nothing in a submission stops the grading: a missing or unreadable file, a cell that raises, a cell that
never ends, a kernel killed, an answer record that is missing, too large or not a file, a deleted answer
cell or an answer of the wrong type each becomes rows with ``correct`` False and a ``note`` saying why.
Answers given before a failing cell still count. Only a sandbox that can't be made at all (a machine
problem) raises :class:`~mesbook.classroom.sandbox.SandboxUnavailable`.
"""
from __future__ import annotations

import errno
import json
import os
import stat
import threading
import time
import warnings
from dataclasses import dataclass, field, replace
from typing import Any, Mapping, Optional

import nbformat
import pandas as pd

from .. import exercises
from ..exercises.base import solution
from . import capture
from .executor import ANSWERS_FILE, OUTCOME_FILE
from .gradebook import GradeRow
from .notebooks import chapter_questions, check_cells, set_seed, tag_of
from .repeats import book_note, informative
from .sandbox import SCRATCH, Limits, UntrustedFile, make_scratch, read_untrusted, remove_scratch, run_sandboxed
from .seeds import handout_tag

#: Default time budget of one submission, seconds (the Monte Carlo chapter needs the most, on a busy machine a minute or two).
DEFAULT_TIMEOUT: float = 300.0
#: Largest submission read, and largest answer record and outcome file read back, bytes.
MAX_NOTEBOOK_BYTES, MAX_RECORD_BYTES, MAX_OUTCOME_BYTES = 64 << 20, 1 << 20, 16 << 10
#: The name the prepared notebook has in its scratch folder.
NOTEBOOK_FILE = "submission.ipynb"


@dataclass(frozen=True)
class Submission:
    """What grading one notebook needs: who, which chapter, the seed, and the file's bytes (None when it
    could not be read; then ``problem`` is the note every question gets)."""

    student: str
    chapter: str
    seed: int
    content: Optional[bytes]
    problem: str = ""


@dataclass(frozen=True)
class GradeSettings:
    """How every notebook of a run is graded: the time budget, the limits, and whether without a sandbox."""

    timeout: float = DEFAULT_TIMEOUT
    limits: Limits = field(default_factory=Limits)
    unsafe: bool = False


@dataclass(frozen=True)
class NotebookGrade:
    """The rows of one submission, how long grading it took (seconds: sandbox, run and checks; 0 if it never
    ran), why its run stopped, and a warning for the instructor (a handout tag for another seed)."""

    rows: tuple[GradeRow, ...]
    seconds: float
    problem: str = ""
    warning: str = ""


def read_submission(folder: str | os.PathLike, student: str, chapter: str) -> tuple[Optional[bytes], str]:
    """The bytes of ``folder/student/chapter.ipynb``, or None and the note why not (missing, a link, not a
    regular file, too large); neither the student's folder nor the file may be a link."""
    name = f"{chapter}.ipynb"
    try:
        directory = os.open(os.path.join(os.fspath(folder), student),
                            os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENOTDIR):
            return None, f"no submission: the folder {student} is a link or not a folder"
        return None, f"no submission: {name} is missing"
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC,
                     dir_fd=directory)
    except OSError as exc:
        if exc.errno == errno.ENOENT:
            return None, f"no submission: {name} is missing"
        return None, f"not a readable notebook ({name} is a link, or can't be opened)"
    finally:
        os.close(directory)
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            return None, f"not a readable notebook ({name} is not a regular file)"
        data = handle.read(MAX_NOTEBOOK_BYTES + 1)
    if len(data) > MAX_NOTEBOOK_BYTES:
        return None, f"not a readable notebook (larger than {MAX_NOTEBOOK_BYTES >> 20} MiB)"
    return data, ""


def parse_notebook(content: bytes) -> nbformat.NotebookNode:
    """A submission's bytes as a version-4 notebook; ``ValueError`` with a short reason otherwise."""
    try:
        with warnings.catch_warnings():  # a student's notebook may lack cell ids and the like: not our business
            warnings.simplefilter("ignore")
            nb = nbformat.reads(content.decode("utf-8"), as_version=4)
    except UnicodeDecodeError:
        raise ValueError("not UTF-8 text") from None
    except Exception as exc:  # noqa: BLE001 - not JSON, a wrong format...
        first = str(exc).splitlines()[0][:160] if str(exc) else ""
        reason = "not valid JSON" if type(exc).__name__ == "NotJSONError" else \
            f"{type(exc).__name__}: {first}" if first else type(exc).__name__
        raise ValueError(reason) from None
    if not isinstance(nb.get("cells"), list) or not all(isinstance(c, dict) for c in nb["cells"]):
        raise ValueError("it has no list of cells")
    return nb


def tag_warning(nb: Mapping, seed: int) -> str:
    """A warning when the notebook carries the handout tag of another seed ("" when it matches or has none)."""
    tag = tag_of(nb)
    if tag is None or tag == handout_tag(seed):
        return ""
    return ("its handout was made for another seed (graded with another salt than the handouts', or another "
            "student's notebook)")


def shown(value: Any) -> str:
    """An answer or an expected value as the gradebook writes it (``""`` for none)."""
    if value is None:
        return ""
    if isinstance(value, pd.Timestamp):
        return value.isoformat() if value != value.normalize() else f"{value:%Y-%m-%d}"
    if isinstance(value, (str, capture.Other)):
        return str(value)
    return repr(capture.restore(capture.portable(value)))


def _kind_problem(key: str, answer: Any) -> str:
    problem = exercises.answer_problem(key, answer)
    if not problem or problem == "no answer":
        return ""
    if "too long" in problem:
        return f"the answer is {problem}"
    if isinstance(answer, bool):
        return f"the answer is {answer}, {problem}"
    name = answer.type_name if isinstance(answer, capture.Other) else type(answer).__name__
    return f"the answer is a {name}, {problem}"


def _why_wrong(key: str, answer: Any, seed: int) -> str:
    problem = _kind_problem(key, answer)
    if problem:
        return problem
    book = exercises.BOOK_SEED
    if informative(key) and seed != book:  # only where the book's answer says something
        try:
            if book_note(key, answer, solution(key, seed), solution(key, book)):
                return f"wrong for this student's seed {seed}; it is the answer for the book's seed {book}"
        except Exception:  # noqa: BLE001 - a diagnosis must never stop the grading
            pass
    return "wrong answer"


def judge(sub: Submission, answers: Mapping[str, Any], calls: Mapping[str, list], stopped_at: Optional[int],
          reason: str) -> tuple[GradeRow, ...]:
    """The gradebook rows of ``sub`` from the answers its run recorded (see the module's docstring)."""
    rows = []
    for key in chapter_questions(sub.chapter):
        answer, correct = answers.get(key), False
        if sub.problem:
            note = sub.problem
        elif key in answers and answer is None:  # what check() calls "no answer yet"
            note = "no answer: still None"
        elif key in answers:
            try:
                correct = exercises.matches(key, answer, solution(key, sub.seed))
                note = "" if correct else _why_wrong(key, answer, sub.seed)
            except Exception as exc:  # noqa: BLE001
                note = f"could not check the answer ({type(exc).__name__}: {str(exc)[:160]})"
        elif key not in calls:
            note = f'answer cell deleted: no exercises.check("{key}", ...) in the notebook'
        elif stopped_at is not None and min(calls[key]) >= stopped_at:
            note = f"not reached: {reason}"
        else:
            note = f"the check of this question never ran{f' ({reason})' if reason else ''}"
        try:
            right = shown(solution(key, sub.seed))
        except Exception as exc:  # noqa: BLE001
            right, correct = "", False
            note = f"{note}; " * bool(note) + f"no expected answer ({type(exc).__name__}: {exc})"
        rows.append(GradeRow(sub.student, sub.chapter, key, bool(correct), shown(answer), right, note))
    return tuple(rows)


def solve_ahead(chapter: str, seed: int) -> threading.Thread:
    """Start computing the right answers of ``chapter`` for ``seed`` in this process, in a thread of its own,
    and return it (``join()`` it before judging).

    The answers depend on the seed alone, never on the notebook, so they are computed while the sandbox
    runs the student's notebook instead of after it; :func:`~mesbook.exercises.base.solution` keeps them
    for :func:`judge`. No code of the student's runs in this process, and nothing of theirs is read here.
    A question whose answer can't be computed is left to :func:`judge`, which says why.
    """
    def solve() -> None:
        for key in chapter_questions(chapter):
            try:
                solution(key, seed)
            except Exception:  # noqa: BLE001 - judge() computes it again and notes the error
                pass

    thread = threading.Thread(target=solve, name=f"expected answers of {chapter}", daemon=True)
    thread.start()
    return thread


def _outcome(scratch: str, run) -> tuple[Optional[int], str]:
    """Where the run stopped and why, from the executor's outcome file (the student's, so checked)."""
    if run.stopped:
        return 0, f"the sandbox was stopped after {run.seconds:.0f} s (the notebook did not end in time)"
    try:
        outcome = json.loads(read_untrusted(scratch, OUTCOME_FILE, MAX_OUTCOME_BYTES))
        stopped = outcome["stopped_at"]
        if stopped is not None and (not isinstance(stopped, int) or isinstance(stopped, bool)):
            raise ValueError
        return stopped, str(outcome["reason"])[:300]
    except FileNotFoundError:
        how = f"killed by signal {-run.status}" if run.status < 0 else f"exit status {run.status}"
        return 0, f"the run ended without a report ({how}): the notebook stopped its own run, or ran out of memory"
    except (UntrustedFile, ValueError, KeyError, TypeError) as exc:
        return 0, f"its run report can't be used ({exc})" if isinstance(exc, UntrustedFile) else \
            "its run report can't be used (not the executor's)"


def grade_submission(sub: Submission, settings: GradeSettings = GradeSettings()) -> NotebookGrade:
    """Grade one submission (see the module's docstring); never raises for anything in the file."""
    started = time.monotonic()
    if sub.content is None:
        return NotebookGrade(judge(sub, {}, {}, None, ""), 0.0, "missing")
    try:
        nb = parse_notebook(sub.content)
    except ValueError as exc:
        bad = Submission(sub.student, sub.chapter, sub.seed, None, f"not a readable notebook ({exc})")
        return NotebookGrade(judge(bad, {}, {}, None, ""), 0.0, "unreadable")
    warning = tag_warning(nb, sub.seed)
    expected = solve_ahead(sub.chapter, sub.seed)
    scratch = make_scratch()
    try:
        try:
            first, calls = _prepare(nb, sub.seed, scratch, settings.unsafe)
        except Exception as exc:  # noqa: BLE001 - cells of a shape nbformat reads but can't write back
            bad = replace(sub, content=None, problem=f"not a readable notebook ({type(exc).__name__})")
            expected.join()
            return NotebookGrade(judge(bad, {}, {}, None, ""), 0.0, "unreadable")
        run = run_sandboxed(scratch, NOTEBOOK_FILE, settings.timeout, first, settings.limits, settings.unsafe)
        stopped_at, reason = _outcome(scratch, run)
        try:
            answers = capture.read_records(read_untrusted(scratch, ANSWERS_FILE, MAX_RECORD_BYTES))
        except FileNotFoundError:
            answers = {}
        except UntrustedFile as exc:
            answers, sub = {}, replace(sub, problem=f"no answer: its answer record can't be used ({exc})")
    finally:
        remove_scratch(scratch)
    expected.join()
    rows = judge(sub, answers, calls, stopped_at, reason)
    return NotebookGrade(rows, time.monotonic() - started, reason, warning)


def _prepare(nb: nbformat.NotebookNode, seed: int, scratch: str, unsafe: bool) -> tuple[int, dict]:
    """Write the student's seed and the recording cell into ``nb`` and save it in ``scratch``; returns how
    many cells were added first and where each question is checked."""
    before = len(nb.cells)
    set_seed(nb, seed)
    record = f"{SCRATCH if not unsafe else scratch}/{ANSWERS_FILE}"
    nb.cells.insert(0, nbformat.v4.new_code_cell(
        "from mesbook.classroom import capture as _mesbook_capture\n"
        f"_mesbook_capture.install({record!r}, {int(seed)})\ndel _mesbook_capture"))
    with open(os.path.join(scratch, NOTEBOOK_FILE), "w", encoding="utf-8") as handle, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        nbformat.write(nb, handle)
    return len(nb.cells) - before, check_cells(nb)
