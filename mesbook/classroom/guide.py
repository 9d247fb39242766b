"""The classroom's numbers as the instructor's guide states them, read from the code that sets them.

book/instructor_guide.md is a page, not a notebook: it has no kernel to compute its numbers in. The book build
(book/_ext/page_values.py) gives it :func:`guide_values` as MyST substitutions, so the page writes
``{{ sandbox_memory }}`` where a reader sees "4 GiB", and a limit changed in :class:`~mesbook.classroom.sandbox.Limits`
changes the page with it. tests/test_classroom_guide.py checks that the page uses them where it states a limit.
"""
from __future__ import annotations

from . import gradebook, grader, repeats, sandbox

#: Binary units, largest first: (name, bytes).
_UNITS = (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10))


def size_text(size: int) -> str:
    """A size in bytes in the largest binary unit that holds it whole: 4 << 30 → "4 GiB", 64 << 20 → "64 MiB",
    1536 → "1.5 KiB"; below a kibibyte, bytes ("512 bytes")."""
    if isinstance(size, bool) or not isinstance(size, int) or size < 0:
        raise ValueError(f"size must be a whole number of bytes >= 0, got {size!r}")
    for name, unit in _UNITS:
        if size >= unit:
            return f"{size / unit:g} {name}"
    return f"{size} bytes"


def guide_values(limits: sandbox.Limits = sandbox.Limits()) -> dict[str, str]:
    """The guide's numbers by name, each as the text the page shows: the sandbox's :class:`~sandbox.Limits`, the
    user ids a root grader leases, the largest notebook and answer record the grader reads, where a gradebook
    cell is cut, and how many student seeds the repeat table reads by default."""
    return {
        "sandbox_memory": size_text(limits.memory),
        "sandbox_processes": f"{limits.processes:d}",
        "sandbox_file_size": size_text(limits.file_size),
        "sandbox_output": size_text(limits.output),
        "sandbox_first_uid": f"{sandbox.SANDBOX_UIDS.start:d}",
        "notebook_max": size_text(grader.MAX_NOTEBOOK_BYTES),
        "record_max": size_text(grader.MAX_RECORD_BYTES),
        "answer_cut": f"{gradebook.MAX_CELL:d}",
        "repeat_seeds": f"{repeats.CLASS_SIZE:d}",
    }


__all__ = ["guide_values", "size_text"]
