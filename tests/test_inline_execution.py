"""book/_ext/inline_execution.py: a paragraph's {eval}`prose.name` shows the number its chapter computed.

A two-page book is built with jupyter-book (``-W``: any warning fails), inline execution and the
extension, from a notebook stored *with* outputs (as the chapters are), where the numbers come from
hidden (``remove-cell``) cells right before the paragraphs, and a markdown page quotes one of them.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import yaml
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parents[1]
BOOK_CONFIG = yaml.safe_load((REPO / "_config.yml").read_text(encoding="utf-8"))
#: The book's execution mode and {eval} pattern, with only this extension.
CONFIG = {"title": "inline", "execute": {"execute_notebooks": BOOK_CONFIG["execute"]["execute_notebooks"]},
          "sphinx": {"local_extensions": {"inline_execution": "_ext"},
                     "config": {"nb_eval_name_regex": BOOK_CONFIG["sphinx"]["config"]["nb_eval_name_regex"]}}}


def hidden(source: str):
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["tags"] = ["remove-cell"]
    return cell


def test_prose_numbers_render_from_hidden_cells_of_a_stored_notebook(tmp_path):
    (tmp_path / "_ext").mkdir()
    shutil.copy(REPO / "book" / "_ext" / "inline_execution.py", tmp_path / "_ext")
    (tmp_path / "_config.yml").write_text(yaml.safe_dump(CONFIG), encoding="utf-8")
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: intro\nchapters:\n- file: chapter\n", encoding="utf-8")
    (tmp_path / "intro.md").write_text("# Intro\n\nQuoted: {glue:text}`chapter.ipynb::total:s`.\n", encoding="utf-8")
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                           "language": "python"}})
    nb.cells = [nbformat.v4.new_code_cell("from mesbook.formatting import Prose\nprose = Prose()"),
                hidden('prose("total", 1234.5678, ",.2f")'),
                nbformat.v4.new_markdown_cell("# Chapter\n\nThe total is {eval}`prose.total`."),
                hidden('prose("count", 17, "d")'),
                nbformat.v4.new_markdown_cell("Over {eval}`prose.count` trades.")]
    NotebookClient(nb, resources={"metadata": {"path": str(tmp_path)}}).execute()  # stored with outputs
    nbformat.write(nb, tmp_path / "chapter.ipynb")

    build = subprocess.run([str(Path(sys.executable).with_name("jupyter-book")), "build", str(tmp_path), "-W", "-n", "--keep-going"],
                           capture_output=True, text=True, cwd=tmp_path)
    warnings = [line for line in build.stdout.splitlines() + build.stderr.splitlines() if "WARNING: " in line]
    assert build.returncode == 0 and not warnings, "\n".join(warnings) or build.stdout[-2000:]
    page = (tmp_path / "_build" / "html" / "chapter.html").read_text(encoding="utf-8")
    assert 'The total is <span class="output text_plain">1,234.57</span>' in page
    assert 'Over <span class="output text_plain">17</span> trades' in page
    assert "Quoted: <span" in (tmp_path / "_build" / "html" / "intro.html").read_text(encoding="utf-8")
