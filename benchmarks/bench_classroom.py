"""Grading time per notebook: each chapter's answer key graded as a submission, against a plain run of it.

Grading a notebook is running it in a fresh kernel (with a first cell that blocks the network and records
the answers) and then checking every answer on the student's seed, which means computing the right
answers for a market mesbook has not seen before. The ratio says what grading adds to simply executing
the same notebook; the seconds say how long a class takes (students × chapters × seconds per notebook).
"""
from __future__ import annotations

import tempfile
import time
from pathlib import Path

import nbformat

from benchmarks.timing import report
from mesbook import exercises
from mesbook.classroom.grader import grade_notebook
from mesbook.classroom.handouts import key_notebook
from mesbook.classroom.notebooks import chapter_paths, read_chapter
from mesbook.classroom.runner import run_notebook
from mesbook.classroom.seeds import student_seed

#: A student id whose seed no earlier benchmark has used, so nothing is cached for it.
STUDENT = "bench.student"


def main() -> dict[str, float]:
    seed = student_seed(STUDENT)
    rows: list[tuple[str, float]] = []
    plain_total = grade_total = 0.0
    with tempfile.TemporaryDirectory(prefix="mesbook-bench-") as folder:
        for chapter, path in chapter_paths().items():
            key = key_notebook(read_chapter(path), seed)
            exercises.clear_cache()  # grading must compute the answers for this seed afresh
            submission = Path(folder) / STUDENT / f"{chapter}.ipynb"
            submission.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(key, str(submission))
            start = time.perf_counter()
            outcome = run_notebook(nbformat.from_dict(key), 900, folder)
            plain = time.perf_counter() - start
            exercises.clear_cache()
            start = time.perf_counter()
            graded = grade_notebook(submission, STUDENT, chapter, seed, timeout=900)
            grading = time.perf_counter() - start
            right = sum(row.correct for row in graded.rows)
            status = "" if outcome.finished and right == len(graded.rows) else f"  ({right}/{len(graded.rows)} right)"
            rows += [(f"run {chapter}", plain), (f"grade {chapter}{status}", grading)]
            plain_total, grade_total = plain_total + plain, grade_total + grading
    count = len(rows) // 2
    rows = [("run every key notebook", plain_total), ("grade every key notebook", grade_total)] + rows
    ratios = report("classroom grading (kernel start included)", rows, baseline="run every key notebook")
    print(f"  => grading takes {grade_total / count:.1f} s per notebook on average "
          f"({ratios['grade every key notebook']:.2f}x a plain run), so a class of 30 costs "
          f"{30 * grade_total / count / 60:.0f} min per chapter on one core")
    return ratios


if __name__ == "__main__":
    main()
