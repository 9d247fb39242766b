"""Interactive explorers for the book's chapters (ipywidgets), one module per part.

* :mod:`~mesbook.widgets.base` — :class:`Explorer` (controls + message + one persistent figure) and the
  control helpers;
* :mod:`~mesbook.widgets.article` — chapters 1-5 (payoff, open interest, indicator, signal, simulation);
* :mod:`~mesbook.widgets.honest` — chapters 6-7 (caveats, Greeks);
* :mod:`~mesbook.widgets.edge` — chapters 8-10 (window sweep, Monte Carlo, attribution).

Widgets wire controls to computations in :mod:`mesbook.article`, :mod:`mesbook.options` and
:mod:`mesbook.studies`, and to the ``set_*`` redraw functions of :mod:`mesbook.plots`.
"""
from . import article, base, edge, honest
from .article import *  # noqa: F401,F403
from .base import *  # noqa: F401,F403
from .edge import *  # noqa: F401,F403
from .honest import *  # noqa: F401,F403

__all__ = [*base.__all__, *article.__all__, *honest.__all__, *edge.__all__]
