"""``make book``: ``jupyter-book build . -W -n --keep-going``, reading ``BOOK_JOBS`` chapters at once.

jupyter-book 1.x builds with Sphinx but has no option for Sphinx's ``-j``; this runs its own ``build``
command with ``jobs`` set. Each reader process executes its chapters in its own kernels (MyST-NB inline
execution), so a 2-core machine builds the book in about the time one core needed for half of it.
``BOOK_JOBS`` (environment) sets the number of processes: default every core, ``1`` for a serial build.
``book/_ext/parallel_read.py`` lets Sphinx read in parallel.

    .venv/bin/python tools/build_book.py [extra jupyter-book build options]
"""
from __future__ import annotations

import functools
import os
import sys

import jupyter_book.cli.main as cli
import jupyter_book.sphinx


def jobs() -> int:
    raw = os.environ.get("BOOK_JOBS", "").strip()
    if not raw:
        return os.cpu_count() or 1
    if not raw.isdigit() or int(raw) < 1:
        sys.exit(f"BOOK_JOBS must be a whole number >= 1 (processes reading chapters at once), got {raw!r}")
    return int(raw)


if __name__ == "__main__":
    # jupyter-book's `build` imports build_sphinx when it runs: replace it where it is imported from.
    jupyter_book.sphinx.build_sphinx = functools.partial(jupyter_book.sphinx.build_sphinx, jobs=jobs())
    cli.main(["build", ".", "-W", "-n", "--keep-going", *sys.argv[1:]])
