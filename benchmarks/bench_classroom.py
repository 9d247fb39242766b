"""Grading a class: seconds per notebook in a sandbox and without, throughput, and how often answers repeat.

1. **Per notebook.** Each chapter's answer key (one student's) is run plainly, graded in its sandbox, and
   graded with ``unsafe=True`` (the same executor, no bubblewrap). The ratios say what grading and what
   the sandbox add to simply executing the notebook.
2. **Throughput.** A class of 30 students × every chapter with exercises is not graded here (it would take
   hours on a shared machine): it is extrapolated from the per-chapter seconds measured in step 1, times
   30, divided by the speed-up that ``jobs=2`` measured on a sample of four chapter-1 notebooks. The
   output says which numbers are measured and which extrapolated.
3. **Repeats.** For every seed-dependent question: how often the book's answer (seed 7) is right, and how
   often two classmates' answers agree, over ``mesbook.classroom.repeats.CLASS_SIZE`` student seeds — except the slowest question (chapter 9's
   realism ladder, 40 markets per seed), measured over a smaller class that the output names. ``MESBOOK_BENCH_SEEDS`` and ``MESBOOK_BENCH_SLOW_SEEDS`` change
   the two class sizes.
"""
from __future__ import annotations

import os
import tempfile
import time

import nbformat

from benchmarks.timing import report
from mesbook import exercises
from mesbook.classroom.dispatch import grade_class
from mesbook.classroom.grader import GradeSettings, Submission, grade_submission
from mesbook.classroom.handouts import key_notebook
from mesbook.classroom.notebooks import chapter_paths, read_chapter
from mesbook.classroom.repeats import CLASS_SIZE, TARGET_PERCENT, repeat_rates, seeded_questions
from mesbook.classroom.runner import run_notebook
from mesbook.classroom.seeds import student_seed

#: A student id whose seed no earlier benchmark has used, so nothing is cached for it.
STUDENT = "bench.student"
CLASS = 30
SLOW = ("ch9.costliest_rung",)


def per_notebook() -> tuple[dict[str, float], dict[str, float]]:
    seed = student_seed(STUDENT)
    rows: list[tuple[str, float]] = []
    totals = {"run": 0.0, "sandboxed": 0.0, "unsafe": 0.0}
    sandboxed = {}
    with tempfile.TemporaryDirectory(prefix="mesbook-bench-") as folder:
        for chapter, path in chapter_paths().items():
            key = key_notebook(read_chapter(path), seed)
            content = nbformat.writes(key).encode()
            start = time.perf_counter()
            run_notebook(nbformat.reads(content.decode(), as_version=4), 900, folder)
            plain = time.perf_counter() - start
            seconds = {"run": plain}
            for name, unsafe in (("sandboxed", False), ("unsafe", True)):
                exercises.clear_cache()  # grading computes the answers for this seed afresh
                start = time.perf_counter()
                graded = grade_submission(Submission(STUDENT, chapter, seed, content), GradeSettings(900, unsafe=unsafe))
                seconds[name] = time.perf_counter() - start
                right = sum(row.correct for row in graded.rows)
                if right != len(graded.rows):
                    print(f"  warning: {chapter} {name}: {right}/{len(graded.rows)} right ({graded.problem})")
            sandboxed[chapter] = seconds["sandboxed"]
            rows += [(f"run {chapter}", plain), (f"grade {chapter} in a sandbox", seconds["sandboxed"]),
                     (f"grade {chapter} without one", seconds["unsafe"])]
            for name in totals:
                totals[name] += seconds[name]
    count = len(sandboxed)
    rows = [("run every key notebook", totals["run"]), ("grade every key, sandboxed", totals["sandboxed"]),
            ("grade every key, no sandbox", totals["unsafe"])] + rows
    ratios = report("classroom grading, one notebook per chapter (kernel start included)", rows,
                    baseline="run every key notebook")
    print(f"  => measured: {totals['sandboxed'] / count:.1f} s per notebook in a sandbox, "
          f"{totals['unsafe'] / count:.1f} s without one (sandbox / none = "
          f"{totals['sandboxed'] / totals['unsafe']:.2f}x), a plain run {totals['run'] / count:.1f} s")
    return sandboxed, ratios


def speedup() -> float:
    """Seconds of grading four chapter-1 keys one at a time, over the same with jobs=2 (measured)."""
    chapter, path = next(iter(chapter_paths(chapters=["01"]).items()))
    students = {f"bench.jobs{i}": student_seed(f"bench.jobs{i}") for i in range(4)}
    with tempfile.TemporaryDirectory(prefix="mesbook-bench-") as folder:
        for sid, seed in students.items():
            os.makedirs(os.path.join(folder, sid))
            nbformat.write(key_notebook(read_chapter(path), seed), os.path.join(folder, sid, f"{chapter}.ipynb"))
        timings = {}
        for jobs in (1, 2):
            start = time.perf_counter()
            grade_class(folder, students, [chapter], GradeSettings(300), jobs=jobs)
            timings[jobs] = time.perf_counter() - start
    print(f"\n  measured: 4 chapter-1 notebooks in {timings[1]:.1f} s one at a time, {timings[2]:.1f} s with "
          f"jobs=2 ({timings[1] / timings[2]:.2f}x) on {os.cpu_count()} cores")
    return timings[1] / timings[2]


def throughput(sandboxed: dict[str, float], gain: float) -> None:
    notebooks = CLASS * len(sandboxed)
    serial = CLASS * sum(sandboxed.values())
    print(f"\nthroughput, {CLASS} students × {len(sandboxed)} chapters = {notebooks} notebooks (EXTRAPOLATED from the "
          "seconds measured above, not a full run)")
    print(f"  one at a time: {serial / 3600:.1f} h, {notebooks / serial * 3600:.0f} notebooks per hour")
    print(f"  jobs=2 (speed-up {gain:.2f}x measured on 4 notebooks): {serial / gain / 3600:.1f} h, "
          f"{notebooks / serial * gain * 3600:.0f} notebooks per hour")


def repeats() -> None:
    seeds = int(os.environ.get("MESBOOK_BENCH_SEEDS", CLASS_SIZE))
    slow_seeds = int(os.environ.get("MESBOOK_BENCH_SLOW_SEEDS", "30"))
    keys = [key for key in seeded_questions() if key not in SLOW]
    for title, chosen, n in ((f"over {seeds} student seeds", keys, seeds),
                             (f"over {slow_seeds} student seeds only (the slowest question)", list(SLOW), slow_seeds)):
        start = time.perf_counter()
        table = repeat_rates(chosen, n, n_jobs=-1)
        print(f"\nhow often right answers repeat, {title}, measured in {time.perf_counter() - start:.0f} s "
              f"(target under {TARGET_PERCENT:g} %, except questions that repeat by design):")
        print(table.round(1).to_string())


def main() -> dict[str, float]:
    sandboxed, ratios = per_notebook()
    throughput(sandboxed, speedup())
    repeats()
    return ratios


if __name__ == "__main__":
    main()
