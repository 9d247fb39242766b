"""The book's exercises and their self-check: ``from mesbook import exercises; exercises.check(key, answer)``.

* :mod:`~mesbook.exercises.base` — :class:`Question`, the registry (:data:`QUESTIONS`, :func:`register`),
  :func:`check`, :func:`matches`, :class:`Verdict`, and the book's seeded markets;
* :mod:`~mesbook.exercises.article`, :mod:`~mesbook.exercises.honest`, :mod:`~mesbook.exercises.edge` —
  the questions of each part of the book (chapters 1-5, 6-7, 8-10), registered in that order on import.

Answers are computed by :mod:`mesbook.article`, :mod:`mesbook.options`, :mod:`mesbook.data` and
:mod:`mesbook.studies`; exercises never need :mod:`mesbook.plots` or :mod:`mesbook.widgets`.
"""
from . import base
from .base import *  # noqa: F401,F403
from . import article, honest, edge  # noqa: E402  (registers the questions, in the book's order)
from .article import *  # noqa: F401,F403
from .edge import *  # noqa: F401,F403

__all__ = [*base.__all__, *article.__all__, *edge.__all__]
