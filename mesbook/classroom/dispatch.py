"""Grade a class: every submission one task, run here, on local worker processes, or on a Dask cluster.

:func:`grade_class` reads each student's notebooks (:func:`~mesbook.classroom.grader.read_submission`),
hands them out as tasks — one at a time in this process, to ``jobs`` local worker processes, or to the
workers of a Dask scheduler (``scheduler="tcp://host:8786"``) — and keeps each notebook's rows in the
:class:`~mesbook.classroom.gradebook.Journal` the moment they come back, in whatever order they finish.
Each task runs :func:`~mesbook.classroom.grader.grade_submission`, which makes its own scratch folder
and sandbox on the machine that runs it, so two notebooks graded at once never share a kernel, a folder
or a user id. At most twice as many notebooks as workers are in flight: memory does not grow with the
class. (:func:`mesbook.parallel.parallel_map` hands back results only when all are done; grading keeps
each one as it arrives, so that a crash loses nothing already graded.)

A notebook whose task fails for a reason that is not the student's (no sandbox on a Dask worker, a bug)
is reported as not graded and left out of the journal: rerunning the same command grades it.
"""
from __future__ import annotations

import concurrent.futures as futures
import json
import os
from dataclasses import dataclass
from typing import Callable, Iterator, Mapping, Optional, Sequence, Union

from .gradebook import GradeRow, Journal
from .grader import GradeSettings, NotebookGrade, Submission, grade_submission, judge, read_submission
from .notebooks import tag_of
from .sandbox import SandboxUnavailable, probe
from .seeds import handout_tag


@dataclass(frozen=True)
class ClassGrades:
    """What grading a class gave: the rows in roster and chapter order, the seconds of each notebook graded
    in this run, the notebooks already graded by an earlier run, and those that could not be graded."""

    rows: tuple[GradeRow, ...]
    seconds: tuple[float, ...]
    resumed: int
    failed: tuple[str, ...]


def _tasks(submissions: Union[str, os.PathLike], students: Mapping[str, int], chapters: Sequence[str],
           skip) -> Iterator[Submission]:
    for student, seed in students.items():
        for chapter in chapters:
            if (student, chapter) not in skip:
                content, problem = read_submission(submissions, student, chapter)
                yield Submission(student, chapter, seed, content, problem)


def _not_graded(sub: Submission, exc: BaseException) -> NotebookGrade:
    reason = f"{type(exc).__name__}: {' '.join(str(exc).split())[:200]}"
    bad = Submission(sub.student, sub.chapter, sub.seed, None, f"not graded ({reason}); run the grader again")
    return NotebookGrade(judge(bad, {}, {}, None, ""), 0.0, "not graded")


def _run_here(tasks: Iterator[Submission], settings: GradeSettings):
    for sub in tasks:
        try:
            yield sub, grade_submission(sub, settings)
        except Exception as exc:  # noqa: BLE001 - one notebook never stops the class
            yield sub, _not_graded(sub, exc)


def _run_pool(tasks: Iterator[Submission], settings: GradeSettings, submit, wait, workers: int):
    """Keep ``2 × workers`` tasks in flight; yield (submission, grade) as each finishes."""
    pending: dict = {}
    tasks = iter(tasks)
    exhausted = False
    while pending or not exhausted:
        while not exhausted and len(pending) < 2 * workers:
            sub = next(tasks, None)
            if sub is None:
                exhausted = True
            else:
                pending[submit(sub)] = sub
        if not pending:
            break
        for done in wait(list(pending)):
            sub = pending.pop(done)
            try:
                yield sub, done.result()
            except Exception as exc:  # noqa: BLE001
                yield sub, _not_graded(sub, exc)


def _local(tasks, settings: GradeSettings, jobs: int):
    with futures.ProcessPoolExecutor(max_workers=jobs) as pool:
        def wait(pending):
            return futures.wait(pending, return_when=futures.FIRST_COMPLETED).done

        yield from _run_pool(tasks, settings, lambda sub: pool.submit(grade_submission, sub, settings), wait, jobs)


def _dask(tasks, settings: GradeSettings, scheduler: str):
    from distributed import Client, wait as dask_wait

    with Client(scheduler, timeout="30s") as client:
        workers = max(1, sum(client.nthreads().values()))

        def wait(pending):
            return dask_wait(pending, return_when="FIRST_COMPLETED").done

        yield from _run_pool(tasks, settings, lambda sub: client.submit(grade_submission, sub, settings, pure=False),
                             wait, workers)


def grade_class(submissions: Union[str, os.PathLike], students: Mapping[str, int], chapters: Sequence[str],
                settings: GradeSettings = GradeSettings(), jobs: int = 1, scheduler: Optional[str] = None,
                journal: Optional[Journal] = None,
                progress: Optional[Callable[[str, str, NotebookGrade], None]] = None) -> ClassGrades:
    """Grade every student (``{student_id: seed}``) × chapter (see the module's docstring). With a
    ``journal``, notebooks it already holds are not graded again and every new one is added to it as it
    finishes. ``progress(student, chapter, grade)`` is called per notebook graded."""
    done: dict[tuple[str, str], tuple[GradeRow, ...]] = dict(journal.done) if journal is not None else {}
    resumed = sum((s, c) in done for s in students for c in chapters)
    tasks = _tasks(submissions, students, chapters, set(done))
    if scheduler is not None:
        results = _dask(tasks, settings, scheduler)
    elif jobs > 1:
        results = _local(tasks, settings, jobs)
    else:
        results = _run_here(tasks, settings)
    seconds, failed = [], []
    for sub, grade in results:
        done[(sub.student, sub.chapter)] = grade.rows
        if grade.problem == "not graded":
            failed.append(f"{sub.student}/{sub.chapter}: {grade.rows[0].note if grade.rows else ''}")
        else:
            if journal is not None:
                journal.add(sub.student, sub.chapter, grade.rows)
            if grade.problem not in ("missing", "unreadable"):
                seconds.append(grade.seconds)
        if progress is not None:
            progress(sub.student, sub.chapter, grade)
    rows = tuple(row for s in students for c in chapters for row in done.get((s, c), ()))
    return ClassGrades(rows, tuple(seconds), resumed, tuple(failed))


def check_tags(submissions: Union[str, os.PathLike], students: Mapping[str, int],
               chapters: Sequence[str]) -> tuple[int, int]:
    """How many submissions carry a handout tag, and how many of those were made for another seed than the
    one these students get (all of them: the salt is not the handouts'; a few: notebooks swapped)."""
    checked = other = 0
    for sub in _tasks(submissions, students, chapters, set()):
        try:
            tag = tag_of(json.loads(sub.content)) if sub.content is not None else None
        except (ValueError, UnicodeDecodeError, RecursionError):
            tag = None
        if tag is not None:
            checked += 1
            other += tag != handout_tag(sub.seed)
    return checked, other


def _probe_here() -> str:
    try:
        probe()
    except SandboxUnavailable as exc:
        return str(exc)
    return ""


def probe_workers(scheduler: str) -> None:
    """Make a sandbox on every worker of the Dask scheduler; raises :class:`SandboxUnavailable` for the first
    worker that can't (or when the scheduler can't be reached, or has no worker)."""
    from distributed import Client

    try:
        with Client(scheduler, timeout="30s") as client:
            answers = client.run(_probe_here)
    except OSError as exc:
        raise SandboxUnavailable(f"the Dask scheduler {scheduler} can't be reached ({exc})") from None
    if not answers:
        raise SandboxUnavailable(f"the Dask scheduler {scheduler} has no worker")
    for worker, problem in answers.items():
        if problem:
            raise SandboxUnavailable(f"on the Dask worker {worker}: {problem}")
