"""Re-execute chapter notebooks and store them the way the book keeps them.

    .venv/bin/python tools/store_notebooks.py book/06_caveats_measured.ipynb [...]

Each notebook is run top to bottom in ``book/`` (seeded, ``MPLBACKEND=Agg``) and written back with its
outputs — nbval compares the cells tagged ``nbval-check-output`` against them — but without what would
change from run to run or machine to machine: execution timings and widget state. Errors and stderr
output are reported and make the script fail.
"""
from __future__ import annotations

import copy
import os
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

BOOK = Path(__file__).resolve().parents[1] / "book"


def store(path: Path) -> list[str]:
    """Execute ``path`` in place; return the problems found (errors, stderr output)."""
    nb = nbformat.read(path, as_version=4)
    metadata = copy.deepcopy(nb.metadata)  # execution adds widget state to the notebook's metadata
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(BOOK)}}).execute()
    metadata.pop("widgets", None)
    nb.metadata = metadata
    problems = []
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        for out in cell.get("outputs", []):
            out.get("data", {}).pop("application/vnd.jupyter.widget-view+json", None)
            if out.get("output_type") == "error" or (out.get("output_type") == "stream" and out.get("name") == "stderr"):
                problems.append(f"{path.name} cell {cell.get('id')}: {out.get('ename') or out.get('text', '')[:200]}")
    nbformat.validate(nb)
    nbformat.write(nb, path)
    return problems


if __name__ == "__main__":
    os.environ["MPLBACKEND"] = "Agg"
    found = [problem for name in sys.argv[1:] for problem in store(Path(name).resolve())]
    print("\n".join(found) or f"stored {len(sys.argv) - 1} notebook(s)")
    sys.exit(1 if found else 0)
