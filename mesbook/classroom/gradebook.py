"""The gradebook: its rows, the journal that keeps them as grading goes, and the CSV written at the end.

Grading a class takes long, so nothing waits for the end:

* :class:`Journal` appends the rows of each notebook as one JSON line to ``GRADEBOOK.csv.partial`` as soon
  as it is graded (flushed to disk), under a first line naming the run (students, their seeds and the
  chapters). A grader stopped half-way, by Ctrl-C or a crash, keeps every notebook graded so far, and a
  rerun with the same roster, chapters and salt grades only the rest. A torn last line is dropped (that
  notebook is graded again).
* :func:`write_gradebook` writes the CSV to a new file in the same folder and renames it over
  ``GRADEBOOK.csv`` in one step: the gradebook is whole or absent, never half-written, and a link in its
  place is replaced, not followed.

Cells are spreadsheet-safe: text that a spreadsheet would run as a formula (starting with ``=``, ``+``,
``-``, ``@`` or a control character, unless it is a plain number) gets a leading ``'``, and answer text
is cut at :data:`MAX_CELL` characters.
"""
from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import tempfile
from dataclasses import astuple, dataclass, fields
from typing import Iterable, Mapping, Optional, Sequence, Union

import pandas as pd

#: Columns of the gradebook, in order.
GRADEBOOK_COLUMNS: tuple[str, ...] = ("student_id", "chapter", "question", "correct", "answer", "expected", "note")
#: Longest text of one gradebook cell (an answer may be much longer: it is cut, with its length said).
MAX_CELL: int = 200
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d[\d,]*(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


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


def cell(text: str) -> str:
    """``text`` as a safe gradebook cell: cut at :data:`MAX_CELL` characters, and never a spreadsheet formula."""
    text = str(text)
    if len(text) > MAX_CELL:
        text = f"{text[:MAX_CELL]}… (cut: longer than {MAX_CELL} characters)"
    if text.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text):
        text = "'" + text
    return text


def _csv_row(row: GradeRow) -> list[str]:
    return [cell(value) if isinstance(value, str) else str(value) for value in astuple(row)]


def write_gradebook(rows: Sequence[GradeRow], path: Union[str, os.PathLike]) -> None:
    """Write ``rows`` as CSV with :data:`GRADEBOOK_COLUMNS` (``correct`` as True/False), all at once: to a new
    file beside ``path``, then renamed over it."""
    assert tuple(f.name for f in fields(GradeRow)) == GRADEBOOK_COLUMNS
    path = os.path.abspath(os.fspath(path))
    fd, temp = tempfile.mkstemp(prefix=".gradebook-", suffix=".csv.tmp", dir=os.path.dirname(path))
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(GRADEBOOK_COLUMNS)
            writer.writerows(_csv_row(row) for row in rows)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise


def check_gradebook_path(path: Union[str, os.PathLike], *others: Union[str, os.PathLike]) -> None:
    """Refuse, before any grading, a gradebook path that can't be written as a file: a missing folder, a
    folder, a link, or one of ``others`` (the roster, the salt file). Raises ``ValueError`` naming the fix."""
    name = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(name))
    if os.path.islink(name):
        raise ValueError(f"--out {name!r} is a symbolic link; the gradebook is written as a file of its own, so "
                         "remove the link or choose another name")
    if os.path.isdir(name):
        raise ValueError(f"--out {name!r} is a folder; give a file name such as {os.path.join(name, 'gradebook.csv')!r}")
    if not os.path.isdir(folder):
        raise ValueError(f"--out {name!r}: the folder {folder!r} does not exist; create it first")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ValueError(f"--out {name!r}: the folder {folder!r} is not writable; choose a folder you can write to")
    if os.path.exists(name) and not os.path.isfile(name):
        raise ValueError(f"--out {name!r} is not a regular file; choose another name")
    for other in others:
        if other is not None and os.path.exists(name) and os.path.exists(other) and os.path.samefile(name, other):
            raise ValueError(f"--out {name!r} is the same file as {os.fspath(other)!r}; choose another name")


def run_fingerprint(students: Mapping[str, int], chapters: Sequence[str]) -> str:
    """What identifies a grading run: every student with their seed, and the chapters."""
    text = "\n".join([*(f"{sid}:{seed}" for sid, seed in students.items()), *chapters])
    return hashlib.sha256(text.encode()).hexdigest()


class Journal:
    """The grades of a run so far, one JSON line per notebook, beside the gradebook (see the module's docstring)."""

    def __init__(self, gradebook: Union[str, os.PathLike], fingerprint: str):
        self.path = os.fspath(gradebook) + ".partial"
        self.fingerprint = fingerprint
        self.done: dict[tuple[str, str], tuple[GradeRow, ...]] = {}
        if os.path.islink(self.path) or (os.path.exists(self.path) and not os.path.isfile(self.path)):
            raise ValueError(f"{self.path!r} is in the way (not a file); remove it")
        if os.path.exists(self.path):
            self._load()
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
        self._handle = os.fdopen(fd, "a", encoding="utf-8")
        if os.fstat(fd).st_size == 0:
            self._write({"mesbook_journal": 1, "run": fingerprint})

    def _load(self) -> None:
        with open(self.path, encoding="utf-8", errors="replace") as handle:
            lines = handle.read().splitlines()
        try:
            head = json.loads(lines[0]) if lines else {"run": self.fingerprint}
        except ValueError:
            head = {}
        if head.get("run") != self.fingerprint:
            raise ValueError(f"{self.path!r} holds grades of another run (another roster, chapters or salt); "
                             "rerun with the same options to resume it, or delete it to start over")
        for line in lines[1:]:
            try:
                entry = json.loads(line)
                rows = tuple(GradeRow(*row) for row in entry["rows"])
                self.done[(entry["student"], entry["chapter"])] = rows
            except (ValueError, KeyError, TypeError):
                continue  # a line torn by a crash: that notebook is graded again

    def _write(self, entry: dict) -> None:
        self._handle.write(json.dumps(entry, ensure_ascii=False) + "\n")
        self._handle.flush()
        os.fsync(self._handle.fileno())

    def add(self, student: str, chapter: str, rows: Iterable[GradeRow]) -> None:
        """Keep one notebook's rows, on disk before this returns."""
        rows = tuple(rows)
        self._write({"student": student, "chapter": chapter, "rows": [list(astuple(r)) for r in rows]})
        self.done[(student, chapter)] = rows

    def close(self, remove: bool = False) -> None:
        self._handle.close()
        if remove:
            os.unlink(self.path)


def summary(rows: Sequence[GradeRow], order: Optional[Sequence[str]] = None) -> str:
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
