"""The book's execution cost: every chapter run top to bottom, against as many empty notebooks.

An empty notebook still starts a kernel and imports nothing, so the ratio says how much the chapters
themselves add to the unavoidable start-up (goal: at most 3x).
"""
from __future__ import annotations

import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from benchmarks.timing import report

BOOK = Path(__file__).resolve().parents[1] / "book"


def execute(notebook: nbformat.NotebookNode, cwd: Path) -> float:
    """Seconds to start a kernel and run every cell of ``notebook``."""
    start = time.perf_counter()
    NotebookClient(notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(cwd)}}).execute()
    return time.perf_counter() - start


def main() -> dict[str, float]:
    chapters = sorted(BOOK.glob("[0-9][0-9]_*.ipynb"))
    per_chapter = {path.stem: execute(nbformat.read(path, as_version=4), BOOK) for path in chapters}
    empty = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("pass")])
    empty_total = sum(execute(nbformat.from_dict(empty), BOOK) for _ in chapters)
    rows = [(f"{len(chapters)} empty notebooks", empty_total), (f"the {len(chapters)} chapters", sum(per_chapter.values()))]
    rows += [(f"  {name}", seconds) for name, seconds in per_chapter.items()]
    ratios = report("book execution (kernel start included)", rows, baseline=f"{len(chapters)} empty notebooks")
    print(f"  => the chapters cost {ratios[f'the {len(chapters)} chapters']:.2f}x empty notebooks (goal <= 3x)")
    return ratios


if __name__ == "__main__":
    main()
