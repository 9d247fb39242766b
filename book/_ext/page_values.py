"""Sphinx extension for the mesbook book: a page that is not a notebook gets its numbers from the code too.

A chapter's paragraphs quote its kernel (``{eval}`prose.name```), and a page may quote a chapter's glued value
(``{glue:text}`chapter.ipynb::name```). book/instructor_guide.md states numbers that no chapter computes: the
grading sandbox's limits and the grader's sizes. This extension adds them, from
:func:`mesbook.classroom.guide.guide_values`, to MyST's substitutions when the build starts, so the page writes
``{{ sandbox_memory }}`` and the reader sees what :class:`mesbook.classroom.sandbox.Limits` sets. A name the page
uses and the code does not give is an undefined substitution, a warning that fails the ``-W`` build.
"""
from __future__ import annotations


def add_values(app, config) -> None:
    """Add the guide's values to ``myst_substitutions`` (a page's own substitutions still win)."""
    from mesbook.classroom.guide import guide_values

    config.myst_substitutions = {**guide_values(), **(config.myst_substitutions or {})}


def setup(app):
    app.connect("config-inited", add_values)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
