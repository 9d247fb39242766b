"""``python -m mesbook classroom handout|key|grade ...``: the classroom kit's command line.

``main(argv)`` takes the arguments after ``classroom`` and returns the exit code: 0 when the work is done
(for ``grade``, whatever the students scored), 1 when an answer key did not run to its end, 2 for bad
input (a roster, folder or chapter that can't be used), with a message saying what to change.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Optional, Sequence

from ..commandline import OneLineParser, UsageError
from .grader import DEFAULT_TIMEOUT, grade_class, summary, write_gradebook
from .handouts import write_handouts, write_keys
from .notebooks import chapter_paths, parse_chapters
from .roster import read_roster
from .seeds import seed_collisions, student_seed

DESCRIPTION = """\
Per-student copies of the book's chapters, their answer keys, and a grader. Every student gets a market
seed derived from their id (SHA-256 of the id, or HMAC-SHA256 keyed by --salt), so their numbers, and
their answers, are their own."""


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--roster", required=True, metavar="ROSTER.csv",
                        help="CSV file with a student_id column (other columns are ignored)")
    parser.add_argument("--chapters", metavar="01,03,...",
                        help="chapter numbers, comma-separated (default: every chapter with exercises)")
    parser.add_argument("--salt", metavar="TEXT",
                        help="course secret mixed into every seed, so students can't work out each other's "
                             "(use the same salt for handout, key and grade)")


def _jobs(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--jobs", type=int, default=1, metavar="N",
                        help="notebooks run at the same time, each in its own kernel (default 1; more is faster on "
                             "several cores, but notebooks then share the machine, so allow a longer --timeout)")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="python -m mesbook classroom", description=DESCRIPTION)
    verbs = parser.add_subparsers(dest="verb", required=True, metavar="{handout,key,grade}")
    handout = verbs.add_parser("handout", help="write DIR/<student_id>/<chapter>.ipynb without solutions")
    handout.add_argument("--out", required=True, metavar="DIR", help="folder for the handouts")
    _common(handout)
    key = verbs.add_parser("key", help="write each student's notebooks with the right answers, executed")
    key.add_argument("--out", required=True, metavar="DIR", help="folder for the answer keys")
    _common(key)
    _jobs(key)
    grade = verbs.add_parser("grade", help="run and check SUBMISSIONS/<student_id>/<chapter>.ipynb")
    grade.add_argument("submissions", metavar="SUBMISSIONS", help="folder with one subfolder per student")
    grade.add_argument("--out", required=True, metavar="GRADEBOOK.csv", help="gradebook to write")
    grade.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="S",
                       help=f"seconds one notebook may run in all (default {DEFAULT_TIMEOUT:g})")
    _common(grade)
    _jobs(grade)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run one classroom verb; returns the exit code (see the module's docstring)."""
    try:
        args = build_parser().parse_args(argv)
        ids = read_roster(args.roster)
        chapters = chapter_paths(chapters=parse_chapters(args.chapters))
        if args.verb == "grade":
            if not Path(args.submissions).is_dir():
                raise ValueError(f"SUBMISSIONS {args.submissions!r} is not a folder; pass the folder that holds "
                                 "one subfolder per student")
            if not args.timeout > 0:
                raise ValueError(f"--timeout must be a positive number of seconds, got {args.timeout:g}")
        if getattr(args, "jobs", 1) < 1:
            raise ValueError(f"--jobs must be at least 1, got {args.jobs}")
        salt = args.salt if args.salt else None
        students = {sid: student_seed(sid, salt) for sid in ids}
    except (ValueError, UsageError) as exc:
        print(f"mesbook classroom: error: {' '.join(str(exc).split())}", file=sys.stderr)
        return 2
    for seed, shared in seed_collisions(ids, salt).items():
        print(f"note: {', '.join(shared)} share the seed {seed}, so their answers are the same", file=sys.stderr)
    return {"handout": _handout, "key": _key, "grade": _grade}[args.verb](args, students, chapters)


def _handout(args, students, chapters) -> int:
    written = write_handouts(students, chapters, args.out)
    print(f"wrote {len(written)} handouts ({len(students)} students × {len(chapters)} chapters) to {args.out}")
    return 0


def _key(args, students, chapters) -> int:
    started = time.monotonic()
    failures = write_keys(students, chapters, args.out, jobs=args.jobs,
                          progress=lambda s, c, how: print(f"  key {s}/{c}: {how}", flush=True))
    print(f"wrote {len(students) * len(chapters)} answer keys to {args.out} in {time.monotonic() - started:.0f} s")
    for line in failures:
        print(f"error: the key {line}", file=sys.stderr)
    return 1 if failures else 0


def _grade(args, students, chapters) -> int:
    def progress(student, chapter, graded):
        right = sum(row.correct for row in graded.rows)
        extra = f" ({graded.problem})" if graded.problem else ""
        print(f"  {student}/{chapter}: {right}/{len(graded.rows)}{extra}", flush=True)

    started = time.monotonic()
    rows, seconds = grade_class(args.submissions, students, list(chapters), args.timeout, progress, jobs=args.jobs)
    write_gradebook(rows, args.out)
    total = time.monotonic() - started
    per = f", {sum(seconds) / len(seconds):.1f} s per notebook" if seconds else ""
    print(f"\ngraded {len(students)} students × {len(chapters)} chapters in {total:.0f} s{per}; gradebook: {args.out}\n")
    print(summary(rows))
    return 0
