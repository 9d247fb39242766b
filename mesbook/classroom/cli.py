"""``python -m mesbook classroom handout|key|grade ...``: the classroom kit's command line.

``main(argv)`` takes the arguments after ``classroom`` and returns the exit code: 0 when the work is done
(for ``grade``, whatever the students scored), 1 when an answer key did not run to its end or some
notebooks could not be graded (a machine problem; rerunning grades them), 2 for bad input (a roster,
folder, path, salt or chapter that can't be used, or no sandbox), with a one-line message saying what to
change. Everything ``grade`` can refuse is refused before the first notebook runs.

The course salt comes from ``--salt-file FILE`` or the environment variable :data:`SALT_VARIABLE`, which
is removed from this process's environment as soon as it is read; never from the command line, which
every process on the machine can read.
"""
from __future__ import annotations

import argparse
import math
import os
import sys
import time
from typing import Optional, Sequence

from ..commandline import OneLineParser, UsageError
from .dispatch import check_tags, grade_class, probe_workers
from .gradebook import Journal, check_gradebook_path, run_fingerprint, summary, write_gradebook
from .grader import DEFAULT_TIMEOUT, GradeSettings
from .handouts import write_handouts, write_keys
from .notebooks import chapter_paths, parse_chapters
from .roster import read_roster
from .sandbox import SandboxUnavailable, exposed, probe
from .seeds import read_salt, seed_collisions, student_seed

#: The environment variable that may hold the course salt (read once, then removed).
SALT_VARIABLE = "MESBOOK_SALT"

DESCRIPTION = """\
Per-student copies of the book's chapters, their answer keys, and a grader that runs every submission in
a sandbox of its own. Every student gets a market seed derived from their id (SHA-256 of the id, or
HMAC-SHA256 keyed by the course salt from --salt-file or $MESBOOK_SALT), so their numbers, and their
answers, are their own."""


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--roster", required=True, metavar="ROSTER.csv",
                        help="CSV file with a student_id column (other columns are ignored)")
    parser.add_argument("--chapters", metavar="01,03,...",
                        help="chapter numbers, comma-separated (default: every chapter with exercises)")
    parser.add_argument("--salt-file", metavar="FILE",
                        help=f"file holding the course secret mixed into every seed, so students can't work out "
                             f"each other's (or set ${SALT_VARIABLE}); use the same salt for handout, key and grade")
    parser.add_argument("--salt", help=argparse.SUPPRESS)


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
    grade = verbs.add_parser("grade", help="run and check SUBMISSIONS/<student_id>/<chapter>.ipynb, each in a sandbox")
    grade.add_argument("submissions", metavar="SUBMISSIONS", help="folder with one subfolder per student")
    grade.add_argument("--out", required=True, metavar="GRADEBOOK.csv", help="gradebook to write")
    grade.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="S",
                       help=f"seconds one notebook may run in all (default {DEFAULT_TIMEOUT:g})")
    _common(grade)
    _jobs(grade)
    grade.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                       help="grade on the workers of this Dask scheduler instead (each needs bubblewrap and "
                            "this installation at the same path)")
    grade.add_argument("--unsafe-no-sandbox", action="store_true",
                       help="grade without a sandbox: the students' code runs as you, on your files (only for "
                            "notebooks you trust)")
    return parser


def _salt(args) -> Optional[str]:
    if args.salt is not None:
        raise ValueError("--salt on the command line can be read by every process on this machine; write the salt "
                         f"in a file and pass --salt-file FILE, or set ${SALT_VARIABLE}")
    from_env = os.environ.pop(SALT_VARIABLE, None)
    if args.salt_file is not None:
        return read_salt(args.salt_file)
    if from_env is not None and not from_env.strip():
        raise ValueError(f"${SALT_VARIABLE} is empty; set it to the course salt, or unset it for no salt")
    return from_env


def _check_grade(args) -> None:
    """Everything ``grade`` refuses, checked before any notebook runs."""
    if not os.path.isdir(args.submissions):
        raise ValueError(f"SUBMISSIONS {args.submissions!r} is not a folder; pass the folder that holds one subfolder "
                         "per student")
    if not (math.isfinite(args.timeout) and 0 < args.timeout <= 86_400):
        raise ValueError(f"--timeout must be a number of seconds above 0 and at most 86400, got {args.timeout:g}")
    if args.scheduler is not None and args.jobs != 1:
        raise ValueError("pass either --jobs (notebooks at once on this machine) or --scheduler (a Dask cluster), "
                         "not both")
    check_gradebook_path(args.out, args.roster, args.salt_file)
    for what, path in (("--out", args.out), ("the roster", args.roster), ("--salt-file", args.salt_file),
                       ("SUBMISSIONS", args.submissions)):
        shown = exposed(path) if path is not None else None
        if shown is not None and not args.unsafe_no_sandbox:
            raise ValueError(f"{what} {path!r} is inside {shown!r}, which every sandbox shows read-only to the "
                             "students' kernels; keep grades, rosters and salts outside the Python environment "
                             "and the mesbook package")


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run one classroom verb; returns the exit code (see the module's docstring)."""
    try:
        args = build_parser().parse_args(argv)
        if getattr(args, "jobs", 1) < 1:
            raise ValueError(f"--jobs must be at least 1, got {args.jobs}")
        salt = _salt(args)
        ids = read_roster(args.roster)
        chapters = chapter_paths(chapters=parse_chapters(args.chapters))
        if args.verb == "grade":
            _check_grade(args)
        students = {sid: student_seed(sid, salt) for sid in ids}
    except (ValueError, UsageError) as exc:
        return _error(exc)
    for seed, shared in seed_collisions(ids, salt).items():
        print(f"note: {', '.join(shared)} share the seed {seed}, so their answers are the same", file=sys.stderr)
    return {"handout": _handout, "key": _key, "grade": _grade}[args.verb](args, students, chapters)


def _error(exc: BaseException) -> int:
    print(f"mesbook classroom: error: {' '.join(str(exc).split())}", file=sys.stderr)
    return 2


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
    chapters = list(chapters)
    try:
        if args.unsafe_no_sandbox:
            print("warning: grading WITHOUT a sandbox (--unsafe-no-sandbox): the notebooks run as you and can read, "
                  "change or delete your files, keys and grades", file=sys.stderr)
        elif args.scheduler is not None:
            probe_workers(args.scheduler)
        else:
            probe()
        checked, other = check_tags(args.submissions, students, chapters)
        if checked >= 2 and other == checked:
            raise ValueError(f"all {checked} submissions that carry a handout tag were made for other seeds: the salt "
                             "is not the one the handouts were made with; pass the same --salt-file (or none, if the "
                             "handouts had none)")
        journal = Journal(args.out, run_fingerprint(students, chapters))
    except SandboxUnavailable as exc:
        return _error(f"no sandbox to grade in: {exc}")
    except (ValueError, OSError) as exc:
        return _error(exc)
    if other:
        print(f"warning: {other} of {checked} submissions carry the handout tag of another seed (another student's "
              "notebook, or a handout made with another salt); their notes say which", file=sys.stderr)
    if journal.done:
        print(f"resuming: {len(journal.done)} notebooks already graded in {journal.path}")

    def progress(student, chapter, graded):
        right = sum(row.correct for row in graded.rows)
        extra = f" ({graded.problem})" if graded.problem else ""
        warn = f" [warning: {graded.warning}]" if graded.warning else ""
        print(f"  {student}/{chapter}: {right}/{len(graded.rows)}{extra}{warn}", flush=True)

    started = time.monotonic()
    settings = GradeSettings(timeout=args.timeout, unsafe=args.unsafe_no_sandbox)
    try:
        graded = grade_class(args.submissions, students, chapters, settings, jobs=args.jobs, scheduler=args.scheduler,
                             journal=journal, progress=progress)
    finally:
        journal.close()
    write_gradebook(graded.rows, args.out)
    total = time.monotonic() - started
    per = f", {sum(graded.seconds) / len(graded.seconds):.1f} s per notebook" if graded.seconds else ""
    print(f"\ngraded {len(students)} students × {len(chapters)} chapters in {total:.0f} s{per}; gradebook: {args.out}\n")
    print(summary(graded.rows))
    if graded.failed:
        for line in graded.failed:
            print(f"error: not graded: {line}", file=sys.stderr)
        print(f"error: {len(graded.failed)} notebooks could not be graded; run the same command again to grade them",
              file=sys.stderr)
        return 1
    os.unlink(journal.path)
    return 0
