"""The gradebook (mesbook.classroom.gradebook, .dispatch): safe cells, a journal per notebook, resume, one rename.

Grading is stopped half-way on purpose (an interrupt after the first notebook) and run again: the rerun
grades only what is left, and its gradebook is the same as one uninterrupted run's. Submissions here are
missing or unreadable, so no kernel is needed; the notebooks that do run are in the other tests.
"""
from __future__ import annotations

import csv
import json
import os

import pytest

from mesbook.classroom import dispatch, grader
from mesbook.classroom.dispatch import grade_class
from mesbook.classroom.gradebook import (GradeRow, Journal, cell, check_gradebook_path, run_fingerprint,
                                         write_gradebook)

STUDENTS = {"ana": 1_001, "ben": 1_002, "cy": 1_003}
CHAPTERS = ["01_mes_basics"]


@pytest.mark.parametrize("text, safe", [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+1+1", "'+1+1"), ("@SUM(A1)", "'@SUM(A1)"),
    ("-2+3", "'-2+3"), ("\t=1", "'\t=1"), ("-12.5", "-12.5"), ("+3", "+3"), ("-1,234.5", "-1,234.5"),
    ("1e-3", "1e-3"), ("2023-04-06", "2023-04-06"), ("wrong answer", "wrong answer"),
])
def test_cells_never_run_as_spreadsheet_formulas(text, safe):
    assert cell(text) == safe


def test_long_cells_are_cut():
    assert cell("x" * 5_000) == "x" * 200 + "… (cut: longer than 200 characters)"


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "subs" / "ben").mkdir(parents=True)
    (tmp_path / "subs" / "ben" / "01_mes_basics.ipynb").write_text("not json", encoding="utf-8")
    return tmp_path


def read(path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def test_a_link_in_place_of_the_gradebook_is_replaced_not_followed(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id\nana\n")
    os.symlink(roster, tmp_path / "gradebook.csv")
    with pytest.raises(ValueError, match="symbolic link"):
        check_gradebook_path(tmp_path / "gradebook.csv", roster)
    write_gradebook([GradeRow("ana", "01", "ch1.atm_tie", True, "4510", "4510", "")], tmp_path / "gradebook.csv")
    assert roster.read_text() == "student_id\nana\n" and not os.path.islink(tmp_path / "gradebook.csv")
    assert read(tmp_path / "gradebook.csv")[1] == ["ana", "01", "ch1.atm_tie", "True", "4510", "4510", ""]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gradebook.csv", "roster.csv"]  # no temporary file left


@pytest.mark.parametrize("make, message", [
    (lambda t: t / "missing" / "g.csv", "does not exist; create it first"),
    (lambda t: t, "is a folder"),
    (lambda t: t / "roster.csv", "is the same file as"),
])
def test_unusable_gradebook_paths_are_refused_before_grading(tmp_path, make, message):
    (tmp_path / "roster.csv").write_text("student_id\nana\n")
    with pytest.raises(ValueError, match=message):
        check_gradebook_path(make(tmp_path), tmp_path / "roster.csv")


def test_a_stopped_run_resumes_and_ends_with_the_same_gradebook(folder, monkeypatch):
    fingerprint = run_fingerprint(STUDENTS, CHAPTERS)
    clean = grade_class(folder / "subs", STUDENTS, CHAPTERS)

    journal = Journal(folder / "g.csv", fingerprint)

    def stop(student, chapter, grade):
        raise KeyboardInterrupt  # Ctrl-C right after the first notebook was kept

    with pytest.raises(KeyboardInterrupt):
        grade_class(folder / "subs", STUDENTS, CHAPTERS, journal=journal, progress=stop)
    journal.close()
    lines = (folder / "g.csv.partial").read_text().splitlines()
    assert len(lines) == 2 and json.loads(lines[0])["run"] == fingerprint
    with open(folder / "g.csv.partial", "a") as handle:
        handle.write('{"student": "cy", "chapter": "01_mes_basics", "rows": [["cy", "01')  # torn by a crash

    graded = []

    def counting(sub, settings):
        graded.append(sub.student)
        return grader.grade_submission(sub, settings)

    monkeypatch.setattr(dispatch, "grade_submission", counting)
    journal = Journal(folder / "g.csv", fingerprint)
    assert list(journal.done) == [("ana", "01_mes_basics")]
    resumed = grade_class(folder / "subs", STUDENTS, CHAPTERS, journal=journal)
    journal.close()
    assert graded == ["ben", "cy"] and resumed.resumed == 1
    assert resumed.rows == clean.rows
    write_gradebook(resumed.rows, folder / "g.csv")
    write_gradebook(clean.rows, folder / "clean.csv")
    assert read(folder / "g.csv") == read(folder / "clean.csv")


def test_a_journal_of_another_run_is_not_mixed_in(folder):
    Journal(folder / "g.csv", run_fingerprint(STUDENTS, CHAPTERS)).close()
    other_salt = {sid: seed + 1 for sid, seed in STUDENTS.items()}
    with pytest.raises(ValueError, match="another run"):
        Journal(folder / "g.csv", run_fingerprint(other_salt, CHAPTERS))
