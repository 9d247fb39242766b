"""A chapter that prints the package's source stores that source as it is now.

Chapters 1 to 5 print the article functions and the core code behind them (``print(inspect.getsource(...))``).
The HTML book executes them at build time, but a student opening a chapter in JupyterLab first sees the stored
output: it must be the code the package runs, not an older version of it.
"""
from __future__ import annotations

import inspect
import json
import re
from pathlib import Path

import pytest

import mesbook as mb

BOOK = Path(__file__).resolve().parents[1] / "book"
PRINTED = re.compile(r"^print\(inspect\.getsource\(([\w.]+)\)\)$")


def source_cells():
    for path in sorted(BOOK.glob("[0-9][0-9]_*.ipynb")):
        for index, cell in enumerate(json.loads(path.read_text(encoding="utf-8"))["cells"]):
            lines = "".join(cell["source"]).strip().splitlines()
            if cell["cell_type"] == "code" and lines and all(PRINTED.match(line) for line in lines):
                yield pytest.param(cell, [PRINTED.match(line).group(1) for line in lines], id=f"{path.stem}-{index}")


CELLS = list(source_cells())


def test_the_chapters_print_sources():
    assert len(CELLS) >= 5


@pytest.mark.parametrize("cell, names", CELLS)
def test_a_printed_source_is_stored_as_the_package_has_it(cell, names):
    expected = "".join(inspect.getsource(eval(name, {"mb": mb})) + "\n" for name in names)
    stored = "".join("".join(out["text"]) for out in cell["outputs"] if out.get("name") == "stdout")
    assert stored == expected
