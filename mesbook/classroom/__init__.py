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
import importlib

#: Where each promoted name lives. The modules load on first use, so that a graded kernel's first cell
#: (``from mesbook.classroom import capture``) loads only the answer record, not the grader.
_NAMES = {
    "ClassGrades": "dispatch", "grade_class": "dispatch",
    "GRADEBOOK_COLUMNS": "gradebook", "GradeRow": "gradebook", "write_gradebook": "gradebook",
    "GradeSettings": "grader", "Submission": "grader", "grade_submission": "grader",
    "write_handouts": "handouts", "write_keys": "handouts",
    "chapter_paths": "notebooks", "make_handout": "notebooks",
    "read_roster": "roster", "Limits": "sandbox", "SEED_RANGE": "seeds", "student_seed": "seeds",
}

__all__ = sorted(_NAMES)


def __getattr__(name: str):
    if name in _NAMES:
        return getattr(importlib.import_module(f".{_NAMES[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
