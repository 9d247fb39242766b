"""Sphinx extension for the mesbook book: read (and so execute) several chapters at once.

``make book`` runs Sphinx with ``-j`` (``tools/build_book.py``): each reader process parses, and with
MyST-NB's inline execution runs, its own chapters, so both cores of a 2-core machine work instead of one.
Sphinx reads in parallel only if every extension says it may. Two of jupyter-book's extensions say
nothing, so Sphinx would fall back to a serial read with a warning (which fails the ``-W`` build). For an
HTML build both are safe, and this extension says so when the builder starts:

* ``sphinx_multitoc_numbering`` replaces the toctree collector's ``assign_section_numbers``, which Sphinx
  calls once, in the main process, after the readers' environments are merged;
* ``sphinx_jupyterbook_latex`` acts only for the LaTeX builder (its ``builder-inited`` handler returns at
  once otherwise), and the book builds HTML.

The HTML is byte-for-byte the same as a serial build's (checked for every page when this was added).
"""
from __future__ import annotations

#: Extensions that do not declare parallel safety but are safe for an HTML build (see above).
SAFE_FOR_HTML = ("sphinx_multitoc_numbering", "sphinx_jupyterbook_latex")


def declare_parallel_safe(app) -> None:
    if app.builder.format != "html":
        return
    for name in SAFE_FOR_HTML:
        extension = app.extensions.get(name)
        if extension is not None:
            extension.parallel_read_safe = True
            extension.parallel_write_safe = True


def setup(app):
    app.connect("builder-inited", declare_parallel_safe)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
