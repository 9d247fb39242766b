"""Sphinx extension for the mesbook book: a figure's alt text and caption come from the run that drew it.

A :class:`mesbook.plots.BookFigure` writes its alt text and caption from the numbers it draws, and its PNG
output carries them in the output's metadata (``{"mesbook": {"alt": ..., "caption": ...}}``). MyST-NB
reads a figure's alt text and caption from the *cell's* metadata (``mystnb.image.alt``,
``mystnb.figure.caption``), which would be typed by hand and go stale when the numbers change. This
extension fills those two options from the output's metadata when the output is rendered, so the page
says what this build's figure shows. A cell keeps only the figure's ``name`` (its cross-reference label).
"""
from __future__ import annotations

import copy

from myst_nb.sphinx_ import SphinxNbRenderer

TEXT_KEY = "mesbook"  # mesbook.plots.base.TEXT_KEY (the extension does not import the package)


def figure_text(outputs) -> dict:
    """The generated ``{"alt": ..., "caption": ...}`` of the first output that carries one, else ``{}``."""
    for output in outputs:
        text = (output.get("metadata") or {}).get(TEXT_KEY)
        if text:
            return dict(text)
    return {}


def with_figure_text(metadata: dict, text: dict) -> dict:
    """A copy of a cell's ``metadata`` whose ``mystnb`` image alt and figure caption are ``text``'s."""
    metadata = copy.deepcopy(dict(metadata))
    mystnb = metadata.setdefault("mystnb", {})
    if text.get("alt"):
        mystnb.setdefault("image", {})["alt"] = text["alt"]
    if text.get("caption") and "figure" in mystnb:
        mystnb["figure"]["caption"] = text["caption"]
    return metadata


def _render_with_figure_text(render):
    def render_outputs(self, token, outputs) -> None:
        text = figure_text(outputs)
        if text:
            token.meta["metadata"] = with_figure_text(token.meta["metadata"], text)
        render(self, token, outputs)

    render_outputs.mesbook_patched = True
    render_outputs.__wrapped__ = render
    return render_outputs


def setup(app):
    if not getattr(SphinxNbRenderer._render_nb_cell_code_outputs, "mesbook_patched", False):
        SphinxNbRenderer._render_nb_cell_code_outputs = _render_with_figure_text(
            SphinxNbRenderer._render_nb_cell_code_outputs)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
