"""Sphinx extension for the mesbook book: the theme's controls pass WCAG 2.1 A/AA (axe-core, tests/test_browser.py).

axe-core found three controls of the theme whose accessible name does not contain their visible label
(WCAG 2.5.3 "label in name", rule ``label-content-name-mismatch``), on every page:

* pydata-sphinx-theme's search field button and colour-mode button: overridden by the templates in
  ``book/_templates`` (``search-button-field.html``, ``theme-switcher.html``; each says what it changes),
  which this extension puts first on Sphinx's template path;
* MyST-NB's "Show code cell source" toggle of a hidden cell: its ``<summary>`` is named "Toggle hidden
  content" by aria-label. The HTML writer for MyST-NB's ``HideCodeCellNode`` is replaced by the same markup
  without the aria-label, so the toggle is named by what it shows ("Show code cell source", then "Hide
  code cell source"; the theme's CSS hides the other one).

It also ships ``book/_static/mesbook-contrast.css``: links on sphinx-exercise's tinted exercise box take a darker
shade of the theme's link colour in light mode (the theme's own is 4.3:1 there, under AA's 4.5:1).

No axe rule is switched off; the browser test runs them all on every page, in light and dark mode.
"""
from __future__ import annotations

from html import escape
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[1] / "_templates"
STATIC = Path(__file__).resolve().parents[1] / "_static"


def configure(app, config) -> None:
    if str(TEMPLATES) not in [str(p) for p in config.templates_path]:
        config.templates_path.insert(0, str(TEMPLATES))
    if str(STATIC) not in [str(p) for p in config.html_static_path]:
        config.html_static_path.append(str(STATIC))


def visit_hidden_cell(self, node) -> None:
    classes = " ".join(node["classes"])
    self.body.append(f'<details class="admonition hide {classes}">\n<summary>\n')
    self.body.append(f'<p class="collapsed admonition-title">{escape(node["prompt_show"])}</p>\n')
    self.body.append(f'<p class="expanded admonition-title">{escape(node["prompt_hide"])}</p>\n')
    self.body.append("</summary>\n")


def depart_hidden_cell(self, node) -> None:
    self.body.append("</details>\n")


def setup(app):
    from myst_nb.sphinx_ import HideCodeCellNode

    app.connect("config-inited", configure)
    app.add_css_file("mesbook-contrast.css")
    app.add_node(HideCodeCellNode, override=True, html=(visit_hidden_cell, depart_hidden_cell))
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
