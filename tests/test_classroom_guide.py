"""The instructor's guide states the grader's limits as the code sets them (book/instructor_guide.md).

The guide is a page, not a notebook: its numbers are MyST substitutions, ``{{ sandbox_memory }}``, that the book
build fills from :func:`mesbook.classroom.guide.guide_values` (book/_ext/page_values.py). These tests tie each
value to the constant it describes, check that the page writes the substitution where it states the limit, and
check that the build hands the values to MyST.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from mesbook.classroom import gradebook, grader, repeats, sandbox
from mesbook.classroom.guide import guide_values, size_text
from mesbook.classroom.notebooks import BOOK_DIR

GUIDE = (BOOK_DIR / "instructor_guide.md").read_text(encoding="utf-8")
TEXT = " ".join(GUIDE.split())
SUBSTITUTION = re.compile(r"\{\{\s*(\w+)\s*\}\}")


def shown(text: str) -> str:
    """``text`` as the reader sees it: every substitution replaced by its value."""
    values = guide_values()
    return SUBSTITUTION.sub(lambda m: values[m[1]], text)


def test_size_text_on_hand_built_sizes():
    assert size_text(4 << 30) == "4 GiB" and size_text(64 << 20) == "64 MiB" and size_text(1 << 20) == "1 MiB"
    assert size_text(1536) == "1.5 KiB" and size_text(512) == "512 bytes" and size_text(3 << 29) == "1.5 GiB"
    for bad in (-1, 1.5, True):
        with pytest.raises(ValueError, match="size"):
            size_text(bad)


def test_the_values_are_the_codes():
    limits, values = sandbox.Limits(), guide_values()
    assert values["sandbox_memory"] == f"{limits.memory >> 30} GiB"
    assert values["sandbox_processes"] == str(limits.processes)
    assert values["sandbox_file_size"] == f"{limits.file_size >> 20} MiB"
    assert values["sandbox_output"] == f"{limits.output >> 20} MiB"
    assert values["sandbox_first_uid"] == str(sandbox.SANDBOX_UIDS.start)
    assert values["notebook_max"] == f"{grader.MAX_NOTEBOOK_BYTES >> 20} MiB"
    assert values["record_max"] == f"{grader.MAX_RECORD_BYTES >> 20} MiB"
    assert values["answer_cut"] == str(gradebook.MAX_CELL)
    assert values["repeat_seeds"] == str(repeats.CLASS_SIZE)
    assert guide_values(sandbox.Limits(memory=2 << 30))["sandbox_memory"] == "2 GiB"  # read, not typed


def test_the_page_states_each_limit_with_its_value():
    assert ("limits on memory ({{ sandbox_memory }} per process), processes ({{ sandbox_processes }}), "
            "file size ({{ sandbox_file_size }}) and the output kept ({{ sandbox_output }})") in TEXT
    assert "a user id of its own, from {{ sandbox_first_uid }} up" in TEXT
    assert "files up to {{ sandbox_file_size }} each" in TEXT
    assert "a regular file of at most {{ notebook_max }}" in TEXT
    assert "a plain file of at most {{ record_max }}" in TEXT
    assert "an answer longer than {{ answer_cut }} characters is cut" in TEXT
    assert "over {{ repeat_seeds }} student seeds" in TEXT
    limits = sandbox.Limits()
    assert f"limits on memory ({limits.memory >> 30} GiB per process), processes ({limits.processes})" in shown(TEXT)


def test_every_substitution_of_the_page_is_given_and_every_value_used():
    used = set(SUBSTITUTION.findall(GUIDE))
    assert used == set(guide_values())


def test_no_number_is_left_in_the_sandbox_section():
    section = TEXT[TEXT.index("## What the sandbox protects"):TEXT.index("## What stays possible")]
    assert not re.findall(r"\b\d+\b", SUBSTITUTION.sub(" ", section))


def test_the_build_extension_hands_the_values_to_myst():
    sys.path.insert(0, str(Path(BOOK_DIR) / "_ext"))
    try:
        import page_values  # book/_ext/page_values.py
    finally:
        sys.path.pop(0)
    config = SimpleNamespace(myst_substitutions={"answer_cut": "the page's own"})
    page_values.add_values(None, config)
    assert config.myst_substitutions == {**guide_values(), "answer_cut": "the page's own"}
    calls = []
    page_values.setup(SimpleNamespace(connect=lambda event, handler: calls.append((event, handler))))
    assert calls == [("config-inited", page_values.add_values)]
