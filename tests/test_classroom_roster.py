"""The class roster: mesbook.classroom.roster."""
from __future__ import annotations

import pytest

from mesbook.classroom.roster import read_roster


def write(tmp_path, text):
    path = tmp_path / "roster.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_roster_keeps_ids_as_text_in_order_and_ignores_other_columns(tmp_path):
    path = write(tmp_path, "\ufeffname,student_id,email\nAda,007,a@x.org\n\nBo, b.o@uni.edu ,b@x\n")
    assert read_roster(path) == ["007", "b.o@uni.edu"]


def test_roster_without_the_id_column_names_it(tmp_path):
    with pytest.raises(ValueError, match=r"no 'student_id' column \(its columns: 'name', 'email'\)"):
        read_roster(write(tmp_path, "name,email\nAda,a@x\n"))


@pytest.mark.parametrize("text, message", [
    ("student_id\nada\n\nada\n", r"line 4: student_id 'ada' repeats line 2"),
    ("student_id,name\n,Ada\n", r"line 2: student_id is empty"),
    ("student_id\n../etc\n", r"line 2: student_id '../etc' can't be a folder name"),
    ("student_id\na b\n", r"line 2: student_id 'a b' can't be a folder name"),
    ("student_id\n", r"lists no students"),
    ("", r"is empty"),
])
def test_roster_problems_name_the_line_and_the_fix(tmp_path, text, message):
    with pytest.raises(ValueError, match=message):
        read_roster(write(tmp_path, text))


def test_missing_roster_file(tmp_path):
    with pytest.raises(ValueError, match="does not exist"):
        read_roster(tmp_path / "nope.csv")


def test_a_folder_or_a_fifo_as_roster_is_refused_at_once(tmp_path):
    import os

    with pytest.raises(ValueError, match="is a folder; pass the roster CSV file itself"):
        read_roster(tmp_path)
    os.mkfifo(tmp_path / "fifo.csv")
    with pytest.raises(ValueError, match="not a regular file"):
        read_roster(tmp_path / "fifo.csv")
