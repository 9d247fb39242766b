"""Sphinx extension for the mesbook book: every page works from file:// with no network at all.

* **MathJax from the build.** Formulas are typeset by MathJax 3.2.2 copied from the pip package
  ``sphinx-mathjax-offline`` (pinned in requirements.txt) into ``_static/mathjax``: only the TeX-to-HTML
  bundle, its web fonts and the TeX extensions it may autoload (about 2 MB instead of the package's
  24 MB). ``mathjax_path`` in ``_config.yml`` points at it; the context menu is switched off because its
  accessibility tools would load more files on demand.
* **No thebe.** jupyter-book always loads ``sphinx_thebe``, which writes an inline script naming
  ``https://unpkg.com/thebe`` and loads ``sphinx-thebe.js`` on every page. The book has no live-code
  button, so both are dropped.
* **No widget state.** myst-nb writes each notebook's executed ipywidgets state into its page (100+ KB
  of JSON, including the explorers' PNGs) for a widget manager the book does not load
  (``nb_ipywidgets_js: {}``); it is dropped. The explorers' offline twins replace it.
* **A guard.** Any script or stylesheet that still names another host is reported as a warning, which
  ``-W`` turns into a failed build.
"""
from __future__ import annotations

import importlib.metadata
import shutil
from pathlib import Path
from urllib.parse import urlsplit

from sphinx.util import logging

logger = logging.getLogger(__name__)

#: The distribution that ships MathJax, and what of it the book needs (relative to its ``static/mathjax``).
MATHJAX_DIST = "sphinx-mathjax-offline"
MATHJAX_ROOT = "sphinx-mathjax-offline/static/mathjax"
MATHJAX_PARTS = ("tex-chtml.js", "output/chtml/fonts/woff-v2", "input/tex/extensions")
MATHJAX_PATH = "mathjax/tex-chtml.js"  # relative to _static, as _config.yml sets it

#: Configuration given to MathJax (Sphinx writes it before the script). No context menu: its explorer and
#: speech options would fetch further components; everything the pages use is already in the bundle.
MATHJAX3_CONFIG = {"options": {"enableMenu": False}, "loader": {"load": []}}

THEBE_MARKERS = ("THEBE_JS_URL", "sphinx-thebe.js")
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def mathjax_source() -> Path:
    """The folder of the installed MathJax copy; a clear error when the package is missing."""
    try:
        dist = importlib.metadata.distribution(MATHJAX_DIST)
    except importlib.metadata.PackageNotFoundError as exc:
        raise RuntimeError(f"the book's formulas need the pip package {MATHJAX_DIST!r} "
                           "(pinned in requirements.txt; run `make venv`)") from exc
    root = Path(dist.locate_file(MATHJAX_ROOT))
    if not (root / MATHJAX_PARTS[0]).is_file():
        raise RuntimeError(f"{MATHJAX_DIST} is installed but {root / MATHJAX_PARTS[0]} is missing")
    return root


def configure(app, config) -> None:
    if config.mathjax_path != MATHJAX_PATH:
        logger.warning(f"offline_assets: mathjax_path is {config.mathjax_path!r}; the book ships MathJax at "
                       f"{MATHJAX_PATH!r} (set it in _config.yml under sphinx.config)")
    merged = dict(MATHJAX3_CONFIG)
    merged.update(config.mathjax3_config or {})
    config.mathjax3_config = merged
    mathjax_source()  # fail early, before hours of execution, if the package is missing


def _script_text(script) -> str:
    filename = getattr(script, "filename", script) or ""
    body = (getattr(script, "attributes", {}) or {}).get("body", "")
    return f"{filename} {body}"


def _remote(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.netloc) or parts.scheme in {"http", "https"}


def _dropped(script) -> bool:
    attributes = getattr(script, "attributes", {}) or {}
    return attributes.get("type") == WIDGET_STATE or any(m in _script_text(script) for m in THEBE_MARKERS)


def clean_page(app, pagename, templatename, context, doctree) -> None:
    """Drop the thebe scripts and the inert widget state; warn about any script or stylesheet from another host."""
    scripts = context.get("script_files")
    if isinstance(scripts, list):
        scripts[:] = [s for s in scripts if not _dropped(s)]
        for script in scripts:
            filename = str(getattr(script, "filename", script) or "")
            if _remote(filename):
                logger.warning(f"offline_assets: page {pagename!r} loads a script from the network: {filename}")
    for sheet in context.get("css_files") or []:
        filename = str(getattr(sheet, "filename", sheet) or "")
        if _remote(filename):
            logger.warning(f"offline_assets: page {pagename!r} loads a stylesheet from the network: {filename}")


def copy_mathjax(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    source, target = mathjax_source(), Path(app.outdir) / "_static" / "mathjax"
    for part in MATHJAX_PARTS:
        src, dst = source / part, target / part
        if src.is_dir():
            shutil.copytree(src, dst, dirs_exist_ok=True)
        else:
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)


def setup(app):
    app.connect("config-inited", configure)
    app.connect("html-page-context", clean_page, priority=998)
    app.connect("build-finished", copy_mathjax)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
