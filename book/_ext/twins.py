"""Sphinx extension for the mesbook book: the explorers' offline twins (mesbook/widgets/twin.py).

* Sets ``MESBOOK_TWINS=1`` in the build's environment before any notebook runs. The kernels that
  myst-nb starts inherit it, so each explorer's output carries, besides the widget view, its twin as
  ``text/html``: every frame of a small slider grid, computed now. JupyterLab, nbval and
  ``tools/store_notebooks.py`` run without it and never pay for the frames.
* Ships ``book/_static/mesbook-twin.js`` and ``.css`` once, in ``_static``; the script builds the
  controls and swaps the frames in the browser, from ``file://``, with no request.
"""
from __future__ import annotations

import os
from pathlib import Path

STATIC = Path(__file__).resolve().parents[1] / "_static"
TWIN_ENV = "MESBOOK_TWINS"  # the same name as mesbook.widgets.twin.TWIN_ENV (the build does not import mesbook)


def configure(app, config) -> None:
    os.environ[TWIN_ENV] = "1"
    if str(STATIC) not in [str(p) for p in config.html_static_path]:
        config.html_static_path.append(str(STATIC))


def setup(app):
    app.connect("config-inited", configure)
    app.add_js_file("mesbook-twin.js", defer="defer")
    app.add_css_file("mesbook-twin.css")
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
