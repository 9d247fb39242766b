"""Write the class's notebooks: a handout per student and chapter, and the matching answer keys.

:func:`write_handouts` writes ``DIR/<student_id>/<chapter>.ipynb`` made by
:func:`~mesbook.classroom.notebooks.make_handout` on the student's seed. :func:`write_keys` writes the same
notebooks with every answer filled in (computed by :func:`mesbook.exercises.base.solution` on the student's
seed) and executed in a fresh kernel, so the instructor sees each check print ✓ and every table of that
student's market.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Callable, Mapping, Optional, Union

import nbformat

from ..exercises.base import solution
from ..parallel import parallel_map
from .notebooks import answer_cells, fill_answers, make_handout, read_chapter
from .runner import run_notebook

#: Time budget for executing one answer key, seconds (the slowest chapters take well under a minute).
KEY_TIMEOUT: float = 900.0


def _write(nb: nbformat.NotebookNode, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))


def write_handouts(students: Mapping[str, int], chapters: Mapping[str, Path],
                   out: Union[str, os.PathLike]) -> list[Path]:
    """Write every student's handout of every chapter (``{student_id: seed}``, ``{chapter: path}``)."""
    written = []
    for chapter, source in chapters.items():
        book = read_chapter(source)
        for student, seed in students.items():
            path = Path(out) / student / f"{chapter}.ipynb"
            _write(make_handout(book, seed), path)
            written.append(path)
    return written


def key_notebook(book: nbformat.NotebookNode, seed: int) -> nbformat.NotebookNode:
    """The handout of ``book`` for ``seed`` with the right answers filled in (not executed)."""
    handout = make_handout(book, seed)
    return fill_answers(handout, {key: solution(key, seed) for key in answer_cells(handout)})


def _key_task(task: tuple) -> tuple[str, float]:
    """Write one executed key; returns why it stopped ("" if it ran to the end) and its seconds."""
    source, chapter, student, seed, out, timeout = task
    nb = key_notebook(read_chapter(source), seed)
    with tempfile.TemporaryDirectory(prefix="mesbook-key-") as workdir:
        outcome = run_notebook(nb, timeout, workdir)
    _write(nb, Path(out) / student / f"{chapter}.ipynb")
    return outcome.reason, outcome.seconds


def write_keys(students: Mapping[str, int], chapters: Mapping[str, Path], out: Union[str, os.PathLike],
               timeout: float = KEY_TIMEOUT, progress: Optional[Callable[[str, str, str], None]] = None,
               jobs: int = 1) -> list[str]:
    """Write and execute every student's answer key, ``jobs`` at a time; returns a line per key that did not
    run to the end.

    A key that stops (a bug, not a student's doing) is still written, with the outputs up to the cell
    that stopped it.
    """
    tasks = [(source, chapter, student, seed, os.fspath(out), timeout)
             for chapter, source in chapters.items() for student, seed in students.items()]
    results = []
    if jobs == 1:
        for task in tasks:
            results.append(_key_task(task))
            if progress is not None:
                progress(task[2], task[1], results[-1][0] or f"{results[-1][1]:.1f} s")
    else:
        results = parallel_map(_key_task, tasks, n_jobs=jobs)
        for task, (reason, seconds) in zip(tasks, results):
            if progress is not None:
                progress(task[2], task[1], reason or f"{seconds:.1f} s")
    return [f"{task[2]}/{task[1]}: {reason}" for task, (reason, _) in zip(tasks, results) if reason]
