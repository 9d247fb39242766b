"""A class graded on a Dask cluster (mesbook.classroom.dispatch): the same rows as here, every task sandboxed.

A local Dask cluster (worker processes, reached through the scheduler's address, as a remote one would
be) grades three small chapter-4 notebooks. Each reports, as its answer, whether it could see a file of
the test's and which user it ran as: the workers made a sandbox for every task. The rows equal those of
grading the same notebooks here, one at a time.
"""
from __future__ import annotations

import os

import distributed
import nbformat
import pytest
from browser_support import cannot_run

from mesbook.classroom import sandbox
from mesbook.classroom.dispatch import grade_class, probe_workers
from mesbook.classroom.notebooks import chapter_paths, chapter_questions
from mesbook.classroom.sandbox import find_bwrap
from mesbook.classroom.seeds import student_seed
from mesbook.exercises.base import solution


@pytest.fixture(scope="module", autouse=True)
def _bubblewrap():
    """Skipped here without bubblewrap; failed on CI (CI=true), where .ci/run installs it."""
    if find_bwrap() is None:
        cannot_run("bubblewrap is not installed (.ci/run installs it)")



SIGNALS = next(iter(chapter_paths(chapters=["04"])))
STUDENTS = {sid: student_seed(sid) for sid in ("ana", "ben", "cy")}


def notebook(sid: str, secret: str) -> nbformat.NotebookNode:
    gap, rejected, first = chapter_questions(SIGNALS)
    report = (f"import os\nwhere = 'saw the secret' if os.path.exists({secret!r}) else 'sandboxed'\n"
              "where += ' as root' if os.getuid() == 0 else ''\n")
    checks = (f"from mesbook import exercises\nexercises.use_seed({STUDENTS[sid]})\n"
              f"exercises.check({gap!r}, where)\nexercises.check({rejected!r}, {solution(rejected, STUDENTS[sid])!r})\n")
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(report), nbformat.v4.new_code_cell(checks)])


def test_a_dask_cluster_grades_every_notebook_in_its_own_sandbox(tmp_path):
    secret = tmp_path / "keys.txt"
    secret.write_text("the key")
    for sid in STUDENTS:
        (tmp_path / "subs" / sid).mkdir(parents=True)
        nbformat.write(notebook(sid, str(secret)), str(tmp_path / "subs" / sid / f"{SIGNALS}.ipynb"))
    here = grade_class(tmp_path / "subs", STUDENTS, [SIGNALS])
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster:
        probe_workers(cluster.scheduler_address)
        there = grade_class(tmp_path / "subs", STUDENTS, [SIGNALS], scheduler=cluster.scheduler_address)
        workers = list(cluster.workers)
    assert len(workers) == 2 and there.rows == here.rows and not there.failed
    by_question = {(row.student_id, row.question): row for row in there.rows}
    gap, rejected, first = chapter_questions(SIGNALS)
    for sid in STUDENTS:
        assert by_question[(sid, gap)].answer == "sandboxed"
        assert by_question[(sid, rejected)].correct and not by_question[(sid, first)].correct
    assert os.path.exists(secret)


def test_an_unreachable_scheduler_is_refused():
    with pytest.raises(sandbox.SandboxUnavailable, match="can't be reached"):
        probe_workers("tcp://127.0.0.1:9")
