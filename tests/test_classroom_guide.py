"""The instructor's guide states the grader's limits as the code sets them (book/instructor_guide.md).

The guide is prose, so its numbers are typed; this test ties each one to the constant it describes, so
that changing a limit without the guide (or the guide without the code) fails.
"""
from __future__ import annotations

import re

from mesbook.classroom import gradebook, grader, sandbox
from mesbook.classroom.notebooks import BOOK_DIR

GUIDE = (BOOK_DIR / "instructor_guide.md").read_text(encoding="utf-8")
TEXT = " ".join(GUIDE.split())


def test_the_sandbox_limits_are_the_codes():
    limits = sandbox.Limits()
    stated = (f"limits on memory ({limits.memory >> 30} GiB per process), processes ({limits.processes}), "
              f"file size ({limits.file_size >> 20} MiB) and the output kept ({limits.output >> 20} MiB)")
    assert stated in TEXT
    assert f"a user id of its own, from {sandbox.SANDBOX_UIDS.start} up" in TEXT
    assert f"files up to {limits.file_size >> 20} MiB each" in TEXT


def test_the_file_limits_are_the_codes():
    assert f"a regular file of at most {grader.MAX_NOTEBOOK_BYTES >> 20} MiB" in TEXT
    assert f"a plain file of at most {grader.MAX_RECORD_BYTES >> 20} MiB" in TEXT
    assert f"an answer longer than {gradebook.MAX_CELL} characters is cut" in TEXT


def test_every_number_of_the_sandbox_section_is_one_of_those():
    section = TEXT[TEXT.index("## What the sandbox protects"):TEXT.index("## What stays possible")]
    limits = sandbox.Limits()
    known = {limits.memory >> 30, limits.processes, limits.file_size >> 20, limits.output >> 20,
             grader.MAX_RECORD_BYTES >> 20, sandbox.SANDBOX_UIDS.start}
    assert {int(n) for n in re.findall(r"\b\d+\b", section)} <= known
