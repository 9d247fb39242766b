"""The explorer machinery: :class:`Explorer`, controls + message + one figure, live and as an offline twin.

Each ``*_explorer`` function of :mod:`mesbook.widgets` returns an :class:`Explorer`: an
``ipywidgets.VBox`` holding controls, a one-line message and an ``ipywidgets.Image`` showing ONE
persistent matplotlib figure. Moving a control recomputes only what it changes, updates the data of the
figure's existing artists (see :func:`mesbook.plots.artist`) and re-renders the figure to PNG bytes,
so the picture is replaced in one step, without flicker and without pyplot.

The same callback can be driven from code, which is how the tests and benchmarks use it::

    ex = signal_explorer(data)
    ex.update(short=12)        # recompute + redraw; returns False and shows a message if invalid
    ex.redraw()                # re-render the current figure only (the cost of a bare redraw)

In a static page (the HTML book) widgets cannot run; an explorer's text form is :data:`STATIC_TEXT`,
and each chapter shows the explorer's default figure as an ordinary output just before it. In a book
build an explorer also carries its offline twin (:mod:`mesbook.widgets.twin`): the grid it declares in
:meth:`Explorer.twin_axes`, with the numbers of :meth:`Explorer.readout` beside each frame. The controls
come from :mod:`mesbook.widgets.controls`.
"""
from __future__ import annotations

import html
from typing import Any, Optional

import ipywidgets

from ..plots.base import BookFigure
from .controls import control_problem
from .twin import Axis, twin_bundle


#: What an explorer says about itself where widgets cannot be shown (static HTML, plain consoles).
STATIC_TEXT = "Interactive controls: run this notebook in JupyterLab to use them."


class Explorer(ipywidgets.VBox):
    """Controls + message + one figure, redrawn in place when a control changes.

    Subclasses implement :meth:`problem` (a friendly sentence when the parameters cannot be used, else
    ``None``) and :meth:`recompute` (update the figure's artists for valid parameters).
    """

    def __init__(self, controls: dict[str, ipywidgets.ValueWidget], figure: BookFigure) -> None:
        self.controls = dict(controls)
        self.figure = figure
        self.image = ipywidgets.Image(format="png", layout=ipywidgets.Layout(max_width="100%", height="auto"))
        self.message = ipywidgets.HTML()
        self.last_valid: Optional[dict[str, Any]] = None
        self._holding = False
        row = ipywidgets.HBox(list(self.controls.values()), layout=ipywidgets.Layout(flex_flow="row wrap"))
        super().__init__(children=[row, self.message, self.image])
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        self.refresh()

    # -- the callback -----------------------------------------------------------------------------
    @property
    def params(self) -> dict[str, Any]:
        """Current control values, by name."""
        return {name: control.value for name, control in self.controls.items()}

    def update(self, **params: Any) -> bool:
        """Set some controls and run the callback once; ``True`` if the figure was redrawn.

        A value outside a slider's range, or a combination the model cannot use (such as a short window
        not shorter than the long one), leaves the figure as it was and shows a message instead.
        """
        unknown = sorted(set(params) - set(self.controls))
        if unknown:
            raise TypeError(f"unknown parameter(s) {unknown}; this explorer has {sorted(self.controls)}")
        for name, value in params.items():
            problem = control_problem(name, self.controls[name], value)
            if problem:
                self._show_problem(problem)
                return False
        self._holding = True
        try:
            for name, value in params.items():
                self.controls[name].value = bool(value) if isinstance(self.controls[name], ipywidgets.Checkbox) else value
        finally:
            self._holding = False
        return self.refresh()

    def refresh(self) -> bool:
        """Recompute for the current controls and redraw; show a message instead if they are invalid."""
        params = self.params
        problem = self.problem(params)
        if problem:
            self._show_problem(problem)
            return False
        note = self.recompute(params)
        self.message.value = f"<span>{html.escape(note)}</span>" if note else ""
        self.last_valid = params
        self.redraw()
        return True

    def redraw(self) -> None:
        """Render the figure as it stands into the image (no recomputation)."""
        self.image.value = self.figure.png_bytes(tight=False)

    # -- to implement -----------------------------------------------------------------------------
    def problem(self, params: dict[str, Any]) -> Optional[str]:
        """A sentence saying why ``params`` cannot be drawn, or ``None``."""
        return None

    def recompute(self, params: dict[str, Any]) -> Optional[str]:
        """Update the figure for ``params``; may return a short note shown above the figure."""
        raise NotImplementedError

    def twin_axes(self) -> Optional[list[Axis]]:
        """The grid of this explorer's offline twin: a few values per control, always including the current
        ones (:func:`mesbook.widgets.twin.slider_axis`, :func:`~mesbook.widgets.twin.choice_axis`); ``None``:
        no twin."""
        return None

    def readout(self, params: dict[str, Any]) -> dict[str, str]:
        """The numbers the twin shows beside the figure for ``params`` (already recomputed), as text."""
        return {}

    # -- plumbing ---------------------------------------------------------------------------------
    def _on_change(self, _change: dict) -> None:
        if not self._holding:
            self.refresh()

    def _show_problem(self, text: str) -> None:
        self.message.value = f'<span style="color:#D55E00"><b>⚠ {html.escape(text)}</b></span>'

    def __repr__(self) -> str:
        return STATIC_TEXT

    def _repr_mimebundle_(self, **kwargs: Any) -> dict:
        """The widget view (live in Jupyter) plus, in a book build, its offline twin as text/html."""
        bundle = super()._repr_mimebundle_(**kwargs)
        return {**bundle, **twin_bundle(self)}


__all__ = [
    "Explorer",
    "STATIC_TEXT",
]
