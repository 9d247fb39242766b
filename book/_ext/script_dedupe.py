"""Sphinx extension for the mesbook book: write each <script> only once per page.

Sphinx 7.4 registers a script added by an extension after the builder starts twice: once with the
filename ``None`` and once with ``''`` (``StandaloneHTMLBuilder.prepare_writing``), and the two copies
no longer compare equal. For inline scripts this duplicates the code in every page; sphinx-thebe's
``const THEBE_JS_URL = ...`` then throws "Identifier 'THEBE_JS_URL' has already been declared" in the
browser. This handler runs last on ``html-page-context`` and drops the exact repeats.
"""
from __future__ import annotations


def _key(script: object) -> tuple:
    filename = getattr(script, "filename", script) or ""
    attributes = getattr(script, "attributes", {}) or {}
    return (filename, getattr(script, "priority", 500), tuple(sorted((str(k), str(v)) for k, v in attributes.items())))


def drop_repeated_scripts(app, pagename, templatename, context, doctree) -> None:
    scripts = context.get("script_files")
    if not isinstance(scripts, list):
        return
    seen: set[tuple] = set()
    unique = []
    for script in scripts:
        key = _key(script)
        if key not in seen:
            seen.add(key)
            unique.append(script)
    scripts[:] = unique


def setup(app):
    app.connect("html-page-context", drop_repeated_scripts, priority=999)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
