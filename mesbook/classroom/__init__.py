"""The classroom kit: per-student handouts, answer keys, and a grader that can be trusted with a class.

``python -m mesbook classroom handout|key|grade`` (:mod:`~mesbook.classroom.cli`) on top of:

* :mod:`~mesbook.classroom.seeds` — each student's market seed, from the id and the course salt, and the
  handout's tag of it;
* :mod:`~mesbook.classroom.roster` — the roster CSV, checked;
* :mod:`~mesbook.classroom.notebooks` — a chapter as a handout (no solutions, blank answers, the
  student's seed) or with answers filled in;
* :mod:`~mesbook.classroom.runner` — running a notebook in a fresh kernel within a time budget;
* :mod:`~mesbook.classroom.sandbox` and :mod:`~mesbook.classroom.executor` — a bubblewrap sandbox per
  submission, and what runs inside it;
* :mod:`~mesbook.classroom.capture` — the answer record a graded kernel writes;
* :mod:`~mesbook.classroom.grader` — one submission read, run and judged;
* :mod:`~mesbook.classroom.dispatch` — a class graded here, on local workers or on a Dask cluster;
* :mod:`~mesbook.classroom.gradebook` — the journal kept as grading goes, and the CSV;
* :mod:`~mesbook.classroom.handouts` — the handouts and keys written;
* :mod:`~mesbook.classroom.repeats` — how often answers repeat across students' seeds.

The kit sits above :mod:`mesbook.exercises` and uses its answers and its comparison; nothing below
imports it.
"""
from .dispatch import ClassGrades, grade_class
from .gradebook import GRADEBOOK_COLUMNS, GradeRow, write_gradebook
from .grader import GradeSettings, Submission, grade_submission
from .handouts import write_handouts, write_keys
from .notebooks import chapter_paths, make_handout
from .roster import read_roster
from .sandbox import Limits
from .seeds import SEED_RANGE, student_seed

__all__ = ["ClassGrades", "GRADEBOOK_COLUMNS", "GradeRow", "GradeSettings", "Limits", "SEED_RANGE", "Submission",
           "chapter_paths", "grade_class", "grade_submission", "make_handout", "read_roster", "student_seed",
           "write_gradebook", "write_handouts", "write_keys"]
