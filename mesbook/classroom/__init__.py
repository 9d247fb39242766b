"""The classroom kit: per-student handouts, answer keys, and a grader that survives real student work.

``python -m mesbook classroom handout|key|grade`` (:mod:`~mesbook.classroom.cli`) on top of:

* :mod:`~mesbook.classroom.seeds` — each student's market seed, from the id (and a course salt);
* :mod:`~mesbook.classroom.roster` — the roster CSV, checked;
* :mod:`~mesbook.classroom.notebooks` — a chapter as a handout (no solutions, blank answers, the
  student's seed) or with answers filled in;
* :mod:`~mesbook.classroom.runner` — running a notebook in a fresh kernel within a time budget;
* :mod:`~mesbook.classroom.capture` — what the grader plants in a kernel (no network, a record of answers);
* :mod:`~mesbook.classroom.handouts` and :mod:`~mesbook.classroom.grader` — the three verbs' work.

The kit sits above :mod:`mesbook.exercises` and uses its answers and its comparison; nothing below
imports it.
"""
from .grader import GRADEBOOK_COLUMNS, GradeRow, grade_class, grade_notebook, write_gradebook
from .handouts import write_handouts, write_keys
from .notebooks import chapter_paths, make_handout
from .roster import read_roster
from .seeds import SEED_RANGE, student_seed

__all__ = ["GRADEBOOK_COLUMNS", "GradeRow", "SEED_RANGE", "chapter_paths", "grade_class", "grade_notebook",
           "make_handout", "read_roster", "student_seed", "write_gradebook", "write_handouts", "write_keys"]
