"""The book's chapters as classroom notebooks: find them, and turn one into a handout or an answer key.

A chapter notebook (``book/NN_name.ipynb``) takes part when it has exercises. Three kinds of cell matter:

* the **parameters cell**, the first code cell, tagged ``parameters``: ``MARKET_SEED = 7`` in the book.
  Every seeded call of the chapter reads ``MARKET_SEED``; a student's copy sets their own seed there and
  calls ``exercises.use_seed(MARKET_SEED)``, so the self-check uses it too;
* **answer cells**: ``answer = None  # ...`` followed by ``exercises.check("chN.key", answer)``;
* **solution blocks**: markdown from ``{solution-start}`` to ``{solution-end}`` (or one ``{solution}``
  cell), with the code between them.

:func:`make_handout` removes every solution block and the ``prose(...)`` calls that feed the book's
paragraphs (their numbers describe the book's market; the paragraphs keep the book's numbers as plain
text), clears outputs, blanks the answers and writes the student's seed into the parameters cell; :func:`fill_answers` puts given answers into the answer cells
(the key). Both return new notebooks and leave their input untouched.
"""
from __future__ import annotations

import ast
import copy
import re
from pathlib import Path
from typing import Any, Iterable, Mapping, Optional, Sequence, Union

import nbformat
import numpy as np

from .. import exercises
from ..formatting import EVAL_ROLE
from .seeds import handout_tag

#: The book's chapters, next to the package in a source checkout.
BOOK_DIR: Path = Path(__file__).resolve().parents[2] / "book"
#: Tag of the cell that sets the market seed; the variable it sets.
PARAMETERS_TAG, SEED_VARIABLE = "parameters", "MARKET_SEED"
#: The notebook metadata key under which a handout keeps its tag (:func:`mesbook.classroom.seeds.handout_tag`).
METADATA_KEY = "mesbook"

_CHAPTER_FILE = re.compile(r"(\d\d)_\w+\.ipynb")
_ANSWER_LINE = re.compile(r"^(?P<lead>[ \t]*answer[ \t]*=[ \t]*)(?P<value>[^#\n]*?)(?P<comment>[ \t]*#[^\n]*)?$",
                          re.MULTILINE)
_CHECK_CALL = re.compile(r"""check\(\s*["'](?P<key>ch\d+\.\w+)["']""")
_SOLUTION_START, _SOLUTION_END = re.compile(r"\{solution-start\}"), re.compile(r"\{solution-end\}")
_SOLUTION_CELL = re.compile(r"\{solution\}")
_EXERCISE_CELL = re.compile(r"^\s*:{3,}\s*\{exercise\}")
_BOOK_SEED_TEXT = re.compile(r"\b(seed)([ -])" + str(exercises.BOOK_SEED) + r"\b", re.IGNORECASE)


def chapter_number(chapter: str) -> int:
    """The number of a chapter named like ``04_signals`` (its file stem)."""
    return int(chapter[:2])


def chapter_questions(chapter: str) -> list[str]:
    """The exercise keys of ``chapter`` (e.g. ``04_signals``), in the book's order."""
    return [key for key in exercises.QUESTIONS if key.startswith(f"ch{chapter_number(chapter)}.")]


def chapter_paths(book_dir: Union[str, Path, None] = None,
                  chapters: Optional[Sequence[str]] = None) -> dict[str, Path]:
    """``{chapter: path}`` of the chapters with exercises, in order; ``chapters`` picks some by number prefix.

    ``chapters`` holds prefixes such as ``"01"`` or ``"4"`` (one digit is read as ``"04"``); a prefix that
    matches no chapter with exercises raises ``ValueError`` listing those there are.
    """
    book = Path(book_dir) if book_dir is not None else BOOK_DIR
    found = {p.stem: p for p in sorted(book.glob("[0-9][0-9]_*.ipynb"))
             if _CHAPTER_FILE.fullmatch(p.name) and chapter_questions(p.stem)}
    if not found:
        raise ValueError(f"no chapter with exercises in {book}; expected files like 01_mes_basics.ipynb")
    if chapters is None:
        return found
    chosen: dict[str, Path] = {}
    for prefix in chapters:
        wanted = prefix.strip()
        if wanted.isdigit() and len(wanted) == 1:
            wanted = "0" + wanted
        matches = [stem for stem in found if wanted and stem.startswith(wanted)]
        if not matches:
            raise ValueError(f"--chapters: no chapter with exercises starts with {prefix!r}; choose among "
                             f"{', '.join(s[:2] for s in found)}")
        for stem in matches:
            chosen[stem] = found[stem]
    return {stem: found[stem] for stem in found if stem in chosen}


def parse_chapters(text: Optional[str]) -> Optional[list[str]]:
    """``"01,03"`` as ``["01", "03"]``; None stays None (every chapter)."""
    if text is None:
        return None
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if not parts:
        raise ValueError("--chapters is empty; give chapter numbers such as 01,04")
    return parts


def read_chapter(path: Union[str, Path]) -> nbformat.NotebookNode:
    """A chapter notebook (nbformat 4)."""
    return nbformat.read(str(path), as_version=4)


def answer_cells(nb: nbformat.NotebookNode) -> dict[str, int]:
    """``{key: cell index}`` of the answer cells (code cells with ``answer = ...`` and a check of ``key``)."""
    found: dict[str, int] = {}
    for index, cell in enumerate(nb.cells):
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        if _ANSWER_LINE.search(source):
            for match in _CHECK_CALL.finditer(source):
                found.setdefault(match["key"], index)
    return found


def check_cells(nb: nbformat.NotebookNode) -> dict[str, list[int]]:
    """``{key: [cell indices]}`` of every code cell that calls ``check`` on ``key``."""
    found: dict[str, list[int]] = {}
    for index, cell in enumerate(nb.cells):
        if cell.get("cell_type") == "code":
            for match in _CHECK_CALL.finditer(str(cell.get("source", ""))):
                found.setdefault(match["key"], []).append(index)
    return found


def tag_of(nb: Mapping) -> Optional[str]:
    """The handout tag a notebook carries in its metadata (None when it has none, or not as text)."""
    meta = nb.get("metadata") if isinstance(nb, Mapping) else None
    found = meta.get(METADATA_KEY) if isinstance(meta, Mapping) else None
    tag = found.get("handout_tag") if isinstance(found, Mapping) else None
    return tag[:64] if isinstance(tag, str) else None


def parameters_cell(nb: nbformat.NotebookNode) -> Optional[int]:
    """Index of the cell tagged ``parameters``, or None."""
    for index, cell in enumerate(nb.cells):
        if PARAMETERS_TAG in cell.get("metadata", {}).get("tags", []):
            return index
    return None


def parameters_source(seed: int) -> str:
    """What the parameters cell of a student's notebook says: the seed, and the self-check told to use it."""
    return (f"{SEED_VARIABLE} = {int(seed)}  # your own market: your answers are checked on it, keep this number\n"
            f"from mesbook import exercises\nexercises.use_seed({SEED_VARIABLE})")


def set_seed(nb: nbformat.NotebookNode, seed: int) -> nbformat.NotebookNode:
    """Write ``seed`` into the parameters cell of ``nb`` (in place); insert one first if there is none."""
    index = parameters_cell(nb)
    if index is None:
        cell = nbformat.v4.new_code_cell(parameters_source(seed), metadata={"tags": [PARAMETERS_TAG]})
        nb.cells.insert(0, cell)
    else:
        nb.cells[index].source = parameters_source(seed)
        nb.cells[index].outputs, nb.cells[index].execution_count = [], None
    return nb


def strip_solutions(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Remove every solution block (in place): the cells from ``{solution-start}`` to ``{solution-end}``
    inclusive, and any single ``{solution}`` cell."""
    kept, inside = [], False
    for cell in nb.cells:
        text = str(cell.get("source", "")) if cell.get("cell_type") == "markdown" else ""
        if _SOLUTION_START.search(text):
            inside = True
        if not inside and not _SOLUTION_CELL.search(text):
            kept.append(cell)
        if _SOLUTION_END.search(text):
            inside = False
    nb.cells = kept
    return nb


def _assigned(node: ast.AST) -> set[str]:
    """Names a statement sets for later use (loop and comprehension variables do not count)."""
    loops = {sub.id for loop in ast.walk(node) if isinstance(loop, (ast.For, ast.comprehension))
             for sub in ast.walk(loop.target) if isinstance(sub, ast.Name)}
    names = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
            names.add(sub.id)
        elif isinstance(sub, (ast.Import, ast.ImportFrom)):
            names.update((alias.asname or alias.name).split(".")[0] for alias in sub.names)
        elif isinstance(sub, (ast.FunctionDef, ast.ClassDef)):
            names.add(sub.name)
    return names - loops


#: A statement feeding the prose: ``prose("name", ...)`` (mesbook.formatting.Prose), or MyST-NB's ``glue``.
_PROSE_CALLS = ("prose", "glue")


def _feeds_prose(node: ast.AST) -> bool:
    return any(isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name) and sub.func.id in _PROSE_CALLS
               for sub in ast.walk(node))


def freeze_prose(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Write (in place) each paragraph's ``{eval}`prose.name``` role as the text the book shows.

    The text comes from the cell's ``user_expressions`` metadata, which ``tools/store_notebooks.py``
    stores (jupyterlab-myst's format); the metadata goes, so nothing is evaluated in the student's kernel.
    A role without a stored result is left as it is.
    """
    for cell in nb.cells:
        if cell.get("cell_type") != "markdown":
            continue
        shown = {}
        for item in cell.get("metadata", {}).pop("user_expressions", []) or []:
            result = item.get("result", {})
            if result.get("status") == "ok" and "text/plain" in result.get("data", {}):
                text = result["data"]["text/plain"]
                try:  # a string comes back as its repr: '1,234'
                    value = ast.literal_eval(text)
                except (ValueError, SyntaxError):
                    value = text
                shown[item.get("expression")] = value if isinstance(value, str) else text
        cell.source = EVAL_ROLE.sub(lambda m: shown.get(m[1], m[0]), str(cell.source))
    return nb


def strip_prose(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Remove (in place) the statements that only feed the book's prose with ``prose(...)`` numbers.

    Those numbers describe the book's market; on a student's seed they mean nothing, and some of them
    index bars that only the book's market has. A top-level statement that calls ``prose`` (or ``glue``)
    goes unless a later code cell uses a name it sets; a cell left empty goes too.
    """
    code = [i for i, cell in enumerate(nb.cells) if cell.get("cell_type") == "code"]
    drop = set()
    for position, index in enumerate(code):
        source = str(nb.cells[index].get("source", ""))
        if not re.search(r"\b(?:prose|glue)\(", source):
            continue
        try:
            tree = ast.parse(source)
        except SyntaxError:  # IPython syntax (magics): leave the cell alone
            continue
        later = "\n".join(str(nb.cells[i].get("source", "")) for i in code[position + 1:])
        kept = [node for node in tree.body if not _feeds_prose(node)
                or any(re.search(rf"\b{re.escape(name)}\b", later) for name in _assigned(node))]
        if len(kept) == len(tree.body):
            continue
        text = "\n".join(ast.get_source_segment(source, node) or "" for node in kept)
        if not text.strip() or all(isinstance(node, (ast.Import, ast.ImportFrom)) for node in kept) and \
                not re.search(r"\b(?:prose|glue)\(", later):
            drop.add(index)
        else:
            nb.cells[index].source = text
    nb.cells = [cell for i, cell in enumerate(nb.cells) if i not in drop]
    return nb


def _set_answer(source: str, literal: str) -> str:
    def put(match: re.Match) -> str:
        return f"{match['lead']}{literal}{match['comment'] or ''}"

    return _ANSWER_LINE.sub(put, source, count=1)


def answer_literal(value: Any) -> str:
    """Python source for an answer value (``None``, a number or a string)."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is not None and not isinstance(value, (int, float, str)):
        raise TypeError(f"an answer must be None, a number or a string, got {type(value).__name__}")
    return repr(value)


def fill_answers(nb: nbformat.NotebookNode, answers: Mapping[str, Any]) -> nbformat.NotebookNode:
    """A copy of ``nb`` with ``answer = <value>`` in the answer cell of each key of ``answers``."""
    nb = copy.deepcopy(nb)
    for key, index in answer_cells(nb).items():
        if key in answers:
            nb.cells[index].source = _set_answer(nb.cells[index].source, answer_literal(answers[key]))
    return nb


def handout_note(seed: int, same_for_everyone: Iterable[str] = ()) -> str:
    """The markdown cell at the top of a student's handout."""
    text = (f"> **Your own market.** This copy of the chapter runs on **market seed {seed}** (`{SEED_VARIABLE}` "
            "in the first code cell; keep it). The text was written for the book's market, seed "
            f"{exercises.BOOK_SEED}, so your tables and figures differ from what it describes. Answer the exercises "
            f"from your own market: `exercises.check` checks them against seed {seed}. Solutions are not included.")
    shared = list(same_for_everyone)
    if shared:
        text += (" These exercises do not depend on the market, so their answers are the same for everyone: "
                 + ", ".join(f"`{key}`" for key in shared) + ".")
    return text


def _independent(keys: Iterable[str]) -> list[str]:
    return [key for key in keys if not getattr(exercises.QUESTIONS[key], "seeded", True)]


def make_handout(nb: nbformat.NotebookNode, seed: int) -> nbformat.NotebookNode:
    """A student's copy of a chapter: no solutions, no outputs, blank answers, the student's seed.

    Mentions of the book's seed in the exercise statements ("seed 7") become the student's seed. Raises
    ``ValueError`` if the chapter has no parameters cell (then its code could not use the student's seed).
    """
    nb = copy.deepcopy(nb)
    if parameters_cell(nb) is None:
        raise ValueError(f"this chapter has no cell tagged {PARAMETERS_TAG!r} setting {SEED_VARIABLE}; add one "
                         "before its first seeded call")
    strip_solutions(nb)
    strip_prose(nb)
    freeze_prose(nb)
    for cell in nb.cells:
        if cell.get("cell_type") == "code":
            cell.outputs, cell.execution_count = [], None
        elif cell.get("cell_type") == "markdown" and _EXERCISE_CELL.match(cell.source):
            cell.source = _BOOK_SEED_TEXT.sub(lambda m: f"{m[1]}{m[2]}{seed}", cell.source)
    nb.metadata.pop("widgets", None)
    nb.metadata[METADATA_KEY] = {"handout_tag": handout_tag(seed)}
    nb = fill_answers(nb, {key: None for key in answer_cells(nb)})
    set_seed(nb, seed)
    keys = list(answer_cells(nb))
    note = nbformat.v4.new_markdown_cell(handout_note(seed, _independent(keys)))
    first_code = next((i for i, c in enumerate(nb.cells) if c.get("cell_type") == "code"), len(nb.cells))
    nb.cells.insert(first_code, note)
    return nb
