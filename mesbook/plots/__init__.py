"""Figures for the book, one module per part: ``from mesbook import plots; plots.payoff_figure()``.

* :mod:`~mesbook.plots.base` — style (:data:`BOOK_RC`, :data:`COLORS`), :class:`BookFigure`,
  :func:`new_figure`, :func:`artist` and axis helpers;
* :mod:`~mesbook.plots.article` — chapters 1-5 (payoffs, open interest, indicators, signals, the run);
* :mod:`~mesbook.plots.honest` — chapters 6-7 (caveats, Greeks, walk-forward, real data, the broker loop);
* :mod:`~mesbook.plots.edge` — chapters 8-10 (sweeps, Monte Carlo, the realism ladder, attribution, leaks).

Plots only draw: every number they show is computed in :mod:`mesbook.article`, :mod:`mesbook.options`
or :mod:`mesbook.studies`. Each ``*_figure`` returns a new :class:`BookFigure`; ``set_*`` functions
redraw one in place for the explorers of :mod:`mesbook.widgets`.
"""
from . import article, base, edge, honest
from .article import *  # noqa: F401,F403
from .base import *  # noqa: F401,F403
from .edge import *  # noqa: F401,F403
from .honest import *  # noqa: F401,F403

__all__ = [*base.__all__, *article.__all__, *honest.__all__, *edge.__all__]
