"""Sphinx extension for the mesbook book: MyST-NB's inline execution, made to suit stored chapters.

The book runs its chapters with MyST-NB's ``inline`` execution, so that a paragraph's
``{eval}`prose.name``` role reads the number the chapter's code computed (see
:class:`mesbook.formatting.Prose`). Two behaviours of MyST-NB 1.4 get in the way, and this extension
changes both:

* **Stored outputs.** The chapters are stored *with* their outputs, because nbval compares them. The
  inline client collects glue data from those stored outputs when it starts, and again from each cell
  it executes, so every glued name is reported as a duplicate ("glue key ... duplicate", a warning that
  fails the ``-W`` build). The stored outputs are cleared before the kernel starts: a page shows only
  what this build computed, as with ``force`` execution.
* **Hidden cells.** A code cell runs only when a *code* cell at or after it is rendered, and cells
  tagged ``remove-cell`` are never rendered. So a paragraph right after a hidden cell that computes its
  numbers would be evaluated before that cell ran. Every cell before a markdown cell is executed before
  the markdown cell is rendered, in the notebook's order, as in JupyterLab.
"""
from __future__ import annotations

from myst_nb.core.execute.inline import NotebookClientInline
from myst_nb.core.render import MditRenderMixin


def clear_outputs(notebook) -> None:
    """Drop the stored outputs and execution counts of every code cell of ``notebook`` (in place)."""
    for cell in notebook.cells:
        if cell.get("cell_type") == "code":
            cell["outputs"], cell["execution_count"] = [], None


def _patched(function, wrapper):
    wrapper.mesbook_patched = True
    wrapper.__wrapped__ = function
    return wrapper


def _start_fresh(start_client):
    def start_client_fresh(self) -> None:
        clear_outputs(self.notebook)
        start_client(self)

    return _patched(start_client, start_client_fresh)


def _run_before_markdown(render_markdown):
    def render_after_the_cells_above(self, token) -> None:
        index = (getattr(token, "meta", None) or {}).get("index")
        if index is not None and isinstance(self.nb_client, NotebookClientInline):
            self.nb_client.code_cell_outputs(index)  # runs every code cell up to this one (none twice)
        render_markdown(self, token)

    return _patched(render_markdown, render_after_the_cells_above)


def setup(app):
    if not getattr(NotebookClientInline.start_client, "mesbook_patched", False):
        NotebookClientInline.start_client = _start_fresh(NotebookClientInline.start_client)
    if not getattr(MditRenderMixin.render_nb_cell_markdown, "mesbook_patched", False):
        MditRenderMixin.render_nb_cell_markdown = _run_before_markdown(MditRenderMixin.render_nb_cell_markdown)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
