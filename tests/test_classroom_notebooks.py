"""Handout and key transforms of chapter notebooks: mesbook.classroom.notebooks (on hand-built notebooks)."""
from __future__ import annotations

import copy
import re

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from mesbook import exercises
from mesbook.classroom import notebooks as nbs


def chapter() -> nbformat.NotebookNode:
    """A small chapter shaped like the book's: parameters, an exercise, its answer cell, two solutions."""
    solved = new_code_cell('exercises.check("ch4.filtered", 3)', metadata={"tags": ["nbval-check-output"]})
    solved.outputs = [new_output("stream", name="stdout", text="✓ ch4.filtered: 3 is right.\n")]
    table = new_code_cell("data.head()", execution_count=3)
    table.outputs = [new_output("execute_result", data={"text/plain": "the book's seed-7 table"}, execution_count=3)]
    return new_notebook(cells=[
        new_markdown_cell("# Signals"),
        new_code_cell("MARKET_SEED = 7", metadata={"tags": ["parameters"]}),
        new_code_cell("from mesbook import exercises"),
        new_markdown_cell(":::{exercise} Filtered\n:label: ch4-filtered\n\nWith seed 7 (the seed-7 market), how many?\n:::"),
        new_code_cell('answer = None  # replace None with a count\nexercises.check("ch4.filtered", answer)'),
        new_markdown_cell("````{solution-start} ch4-filtered\n:class: dropdown\n````"),
        new_markdown_cell("SECRET REASONING: crossings minus signals."),
        solved,
        new_markdown_cell("````{solution-end}\n````"),
        new_markdown_cell(":::{exercise} Winners\n:label: ch5-winners\n\nHow many win on seed 7?\n:::"),
        new_code_cell('answer = 12  # replace None with a count\nexercises.check("ch5.winners", answer)'),
        new_markdown_cell("```{solution} ch5-winners\nSECRET: count them.\n```"),
        new_markdown_cell("Seed 7 stays seed 7 outside the exercises."),
        table,
    ])


def test_handout_removes_solutions_outputs_and_answers_and_sets_the_seed():
    book = chapter()
    pristine = copy.deepcopy(book)
    handout = nbs.make_handout(book, 123_456)
    assert book == pristine  # the input is not touched
    text = "\n".join(cell.source for cell in handout.cells)
    assert "SECRET" not in text and "solution" not in text
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in handout.cells if c.cell_type == "code")
    assert handout.cells[nbs.parameters_cell(handout)].source.startswith("MARKET_SEED = 123456  #")
    assert handout.cells[nbs.parameters_cell(handout)].source.endswith("\nexercises.use_seed(MARKET_SEED)")
    answers = [handout.cells[i].source.splitlines()[0] for i in nbs.answer_cells(handout).values()]
    assert answers == ["answer = None  # replace None with a count"] * 2
    exercise_text = [c.source for c in handout.cells if c.source.startswith(":::{exercise}")]
    assert "With seed 123456 (the seed-123456 market)" in exercise_text[0] and "on seed 123456?" in exercise_text[1]
    assert "Seed 7 stays seed 7" in text
    assert "market seed 123456" in handout.cells[1].source  # the note, before the first code cell
    nbformat.validate(handout)


def test_a_chapter_without_parameters_cell_is_refused():
    book = chapter()
    del book.cells[1]
    with pytest.raises(ValueError, match="tagged 'parameters'"):
        nbs.make_handout(book, 1000)


def test_fill_answers_writes_literals_into_answer_cells_only():
    handout = nbs.make_handout(chapter(), 1000)
    key = nbs.fill_answers(handout, {"ch4.filtered": 5, "ch5.winners": "2023-04-05"})
    cells = nbs.answer_cells(key)
    assert key.cells[cells["ch4.filtered"]].source == ('answer = 5  # replace None with a count\n'
                                                        'exercises.check("ch4.filtered", answer)')
    assert key.cells[cells["ch5.winners"]].source.startswith("answer = '2023-04-05'  #")
    assert nbs.answer_cells(handout) == cells and "None" in handout.cells[cells["ch4.filtered"]].source
    with pytest.raises(TypeError, match="list"):
        nbs.answer_literal([1])


def test_set_seed_inserts_a_parameters_cell_when_it_is_missing():
    book = chapter()
    del book.cells[1]
    nbs.set_seed(book, 4242)
    assert nbs.parameters_cell(book) == 0 and book.cells[0].source.startswith("MARKET_SEED = 4242")


def test_check_cells_and_answer_cells():
    book = chapter()
    assert nbs.answer_cells(book) == {"ch4.filtered": 4, "ch5.winners": 10}
    assert nbs.check_cells(book) == {"ch4.filtered": [4, 7], "ch5.winners": [10]}


def test_chapter_paths_pick_chapters_with_exercises_by_prefix(tmp_path):
    for name in ("01_mes_basics", "04_signals", "11_no_exercises", "notes"):
        nbformat.write(new_notebook(), str(tmp_path / f"{name}.ipynb"))
    assert list(nbs.chapter_paths(tmp_path)) == ["01_mes_basics", "04_signals"]
    assert list(nbs.chapter_paths(tmp_path, ["4"])) == ["04_signals"]
    assert list(nbs.chapter_paths(tmp_path, ["04", "01"])) == ["01_mes_basics", "04_signals"]
    with pytest.raises(ValueError, match=r"no chapter with exercises starts with '11'; choose among 01, 04"):
        nbs.chapter_paths(tmp_path, ["11"])
    assert nbs.parse_chapters("01, 04,") == ["01", "04"] and nbs.parse_chapters(None) is None
    with pytest.raises(ValueError, match="--chapters is empty"):
        nbs.parse_chapters(" , ")


def test_prose_statements_for_the_books_paragraphs_go_unless_a_later_cell_needs_them():
    book = new_notebook(cells=[
        new_code_cell("prose = mb.formatting.Prose()\nacting = frame[frame.signal != 'HOLD']"),
        new_code_cell('prose("fall_79", float(acting.loc[79, "change"]), ".0f")'),
        new_code_cell('table = signal_table(frame)\nprose("n", int(table.sum()), "d"); x = 1'),
        new_code_cell('for key in ("a", "b"):\n    prose(f"ch_{key}", "1")\nlast = acting.iloc[-1]'),
        new_code_cell('glue("old", 1, display=False)\nprint(table, last, [key for key in "ab"])'),
    ])
    nbs.strip_prose(book)
    assert [c.source for c in book.cells] == [
        "prose = mb.formatting.Prose()\nacting = frame[frame.signal != 'HOLD']",
        "table = signal_table(frame)\nx = 1",
        "last = acting.iloc[-1]",
        'print(table, last, [key for key in "ab"])',
    ]


def test_a_handout_paragraph_keeps_the_books_numbers_as_text():
    ok = lambda text: {"status": "ok", "data": {"text/plain": text}, "metadata": {}}
    cell = new_markdown_cell("Lost {eval}`prose.a` on {eval}`prose.b` trades; {eval}`prose.c` and {eval}`prose.d`.")
    cell.metadata["user_expressions"] = [
        {"expression": "prose.a", "result": ok("'−$1,234'")}, {"expression": "prose.b", "result": ok("17")},
        {"expression": "prose.c", "result": {"status": "error", "ename": "NameError", "evalue": "x", "traceback": []}}]
    book = new_notebook(cells=[cell])
    nbs.freeze_prose(book)
    assert book.cells[0].source == "Lost −$1,234 on 17 trades; {eval}`prose.c` and {eval}`prose.d`."
    assert "user_expressions" not in book.cells[0].metadata


@pytest.mark.parametrize("chapter", list(nbs.chapter_paths()))
def test_the_books_chapters_read_their_seed_from_the_parameters_cell(chapter):
    nb = nbs.read_chapter(nbs.chapter_paths()[chapter])
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert nbs.parameters_cell(nb) == nb.cells.index(code[0])
    assert code[0].source.startswith(f"MARKET_SEED = {exercises.BOOK_SEED}  #")
    for cell in code[1:]:
        assert not re.search(rf"\bseed=\s*{exercises.BOOK_SEED}\b|simulate_with_drift\(\s*{exercises.BOOK_SEED}\b",
                             cell.source), f"{chapter}: use MARKET_SEED, not the literal seed:\n{cell.source}"
    assert set(nbs.answer_cells(nb)) == set(nbs.chapter_questions(chapter))
    handout = nbs.make_handout(nb, 4242)
    assert set(nbs.answer_cells(handout)) == set(nbs.chapter_questions(chapter))
    assert not re.search(r"\b(?:glue|prose)\(", "\n".join(c.source for c in handout.cells if c.cell_type == "code"))
    paragraphs = [c for c in handout.cells if c.cell_type == "markdown"]
    assert not [c.source for c in paragraphs if "{eval}" in c.source or "user_expressions" in c.metadata]
