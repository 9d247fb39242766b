"""Interactive explorers for the book's chapters (ipywidgets), one module per part.

* :mod:`~mesbook.widgets.controls` — sliders, dropdowns and the checks a control's value must pass;
* :mod:`~mesbook.widgets.twin` — offline twins: an explorer's grid computed at build time for the HTML book;
* :mod:`~mesbook.widgets.base` — :class:`Explorer` (controls + message + one persistent figure), which
  declares its twin's grid and numbers;
* :mod:`~mesbook.widgets.article` — chapters 1-5 (payoff, open interest, indicator, signal, simulation);
* :mod:`~mesbook.widgets.honest` — chapters 6-7 (caveats, Greeks);
* :mod:`~mesbook.widgets.edge` — chapters 8-10 (window sweep, Monte Carlo, attribution).

Widgets wire controls to computations in :mod:`mesbook.article`, :mod:`mesbook.options` and
:mod:`mesbook.studies`, and to the ``set_*`` redraw functions of :mod:`mesbook.plots`.
"""
from . import article, base, controls, edge, honest
from .article import *  # noqa: F401,F403
from .base import *  # noqa: F401,F403
from .controls import *  # noqa: F401,F403
from .edge import *  # noqa: F401,F403
from .honest import *  # noqa: F401,F403

__all__ = [*controls.__all__, *base.__all__, *article.__all__, *honest.__all__, *edge.__all__]
