"""Re-execute chapter notebooks and store them the way the book keeps them.

    .venv/bin/python tools/store_notebooks.py book/06_caveats_measured.ipynb [...]

Each notebook is run top to bottom in ``book/`` (seeded, ``MPLBACKEND=Agg``) and written back with its
outputs — nbval compares the cells tagged ``nbval-check-output`` against them — but without what would
change from run to run or machine to machine: execution timings and widget state. Errors and stderr
output are reported and make the script fail.

A markdown cell's ``{eval}`prose.name``` roles are evaluated in the kernel when the run reaches the cell
(as the book's inline execution and JupyterLab do), and their results are stored in the cell's
``user_expressions`` metadata, the form jupyterlab-myst writes and reads: a student who opens the chapter
sees the numbers before running anything. Citations are written from references.bib as tools/write_citations.py
writes them (a ``{cite:p}`key``` role becomes its "(Author, year)" link). A figure's alt text and caption
are not typed in the cell: the figure's output carries them (``BookFigure.describe``), and the typed ones are dropped.
"""
from __future__ import annotations

import copy
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "book" / "_ext"))

import nbformat
from nbclient import NotebookClient

import citations  # noqa: E402  (book/_ext/citations.py)
from mesbook.formatting import EVAL_ROLE  # noqa: E402
from mesbook.plots.base import TEXT_KEY  # noqa: E402

BOOK = Path(__file__).resolve().parents[1] / "book"


class ProseClient(NotebookClient):
    """nbclient, plus the markdown cells' inline expressions, evaluated when the run reaches each cell."""

    async def async_execute_cell(self, cell, cell_index, execution_count=None, store_history=True):
        if cell.cell_type != "markdown":
            return await super().async_execute_cell(cell, cell_index, execution_count, store_history)
        expressions = list(dict.fromkeys(EVAL_ROLE.findall(cell.source)))
        if not expressions:
            cell.metadata.pop("user_expressions", None)
            return cell
        msg_id = self.kc.execute("", silent=True, store_history=False,
                                 user_expressions={str(i): text for i, text in enumerate(expressions)})
        results = (await self.async_wait_for_reply(msg_id, cell))["content"]["user_expressions"]
        cell.metadata["user_expressions"] = [{"expression": text, "result": results[str(i)]}
                                             for i, text in enumerate(expressions)]
        return cell


def generated_figure_text(path: Path, cell) -> list[str]:
    """Drop a figure cell's typed alt text and caption: the figure's output carries both, written from its numbers
    (``mesbook.plots.BookFigure.describe``; book/_ext/figure_text.py reads them). A figure without them is a problem."""
    images = [out for out in cell.get("outputs", []) if "image/png" in out.get("data", {})]
    if not images:
        return []
    mystnb = cell.metadata.get("mystnb", {})
    mystnb.get("image", {}).pop("alt", None)
    mystnb.get("figure", {}).pop("caption", None)
    for key in [k for k, v in mystnb.items() if v == {}]:
        del mystnb[key]
    if not mystnb:
        cell.metadata.pop("mystnb", None)
    if not all((out.get("metadata", {}).get(TEXT_KEY) or {}).get("alt") for out in images):
        return [f"{path.name} cell {cell.get('id')}: a figure without its generated alt text (BookFigure.describe)"]
    return []


def store(path: Path) -> list[str]:
    """Execute ``path`` in place; return the problems found (errors, stderr output)."""
    nb = nbformat.read(path, as_version=4)
    citations.rewrite_notebook(nb, citations.load(), citations.link_target(path))
    metadata = copy.deepcopy(nb.metadata)  # execution adds widget state to the notebook's metadata
    ProseClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(BOOK)}}).execute()
    metadata.pop("widgets", None)
    nb.metadata = metadata
    problems = []
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        problems += generated_figure_text(path, cell)
        for out in cell.get("outputs", []):
            out.get("data", {}).pop("application/vnd.jupyter.widget-view+json", None)
            if out.get("output_type") == "error" or (out.get("output_type") == "stream" and out.get("name") == "stderr"):
                problems.append(f"{path.name} cell {cell.get('id')}: {out.get('ename') or out.get('text', '')[:200]}")
        for item in cell.metadata.get("user_expressions", []):
            if item["result"].get("status") != "ok":
                problems.append(f"{path.name} cell {cell.get('id')}: {{eval}}`{item['expression']}` gave "
                                f"{item['result'].get('ename')}: {item['result'].get('evalue')}")
    nbformat.validate(nb)
    nbformat.write(nb, path)
    return problems


if __name__ == "__main__":
    os.environ["MPLBACKEND"] = "Agg"
    found = [problem for name in sys.argv[1:] for problem in store(Path(name).resolve())]
    print("\n".join(found) or f"stored {len(sys.argv) - 1} notebook(s)")
    sys.exit(1 if found else 0)
