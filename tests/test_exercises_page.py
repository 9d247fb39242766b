"""No exercise's answer is on its chapter's page: a student in JupyterLab has to run code to find it.

The page is what a reader of the chapter sees without opening a solution: every markdown cell outside the
solution blocks, with its ``{eval}`` numbers as stored (the handout's :func:`~mesbook.classroom.notebooks.freeze_prose`
writes them in), and every stored output (tables, printed lines, figures' alt texts and captions; not image
bytes). An exercise's answer on the book's market (seed 7) must not appear there in any form the page uses:

* a number the self-check would accept as it stands, sign aside ("loses $62.50" gives away −62.5; a sum of
  money gives no percentage away);
* the answer rounded as the page rounds, to at least three significant digits ("−$4,426" for −4,426.14);
* a date as ``2023-04-06`` or ``6 April 2023``; a text answer as a word.

A one-digit whole answer (0, 1, 4...) is on every page of the book; those few questions are listed in
:data:`SMALL_ANSWERS` with what makes each one a question for reasoning rather than for copying.
"""
from __future__ import annotations

import copy
import re

import pytest

from mesbook import exercises
from mesbook.classroom.notebooks import answer_cells, chapter_paths, chapter_questions, freeze_prose, read_chapter
from mesbook.classroom.notebooks import strip_solutions
from mesbook.exercises.base import solution

#: Questions whose answer on the book's market is a whole number below 10, which no search can find on a page,
#: and why copying cannot answer them.
SMALL_ANSWERS: dict[str, str] = {
    "ch2.ledger": "a seventh trade the chapter's ledger does not have",
    "ch3.first_crossing": "a short window of 5 bars, where the chapter shows only the article's 10",
    "ch10.constant_vol": "a volatility setting the chapter does not run; the answer follows from what vega measures",
}

NUMBER = re.compile(r"[-−]?\$?\d+(?:,\d{3})*(?:\.\d+)?")


def _strings(value, kind: str = "") -> list[str]:
    """The texts in an output: every string in it but image bytes (a figure's words are in its metadata)."""
    if isinstance(value, str):
        return [] if kind.startswith("image/") else [value]
    if isinstance(value, dict):
        return [text for name, item in value.items() for text in _strings(item, name)]
    if isinstance(value, list):
        return [text for item in value for text in _strings(item, kind)]
    return []  # execution counts and other numbers of the notebook format, not of the page


def page_text(path) -> str:
    """What a reader of the chapter at ``path`` sees without opening a solution (prose and stored outputs)."""
    nb = freeze_prose(strip_solutions(copy.deepcopy(read_chapter(path))))
    parts = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            parts.append(str(cell.source))
        else:
            parts.extend(text for out in cell.get("outputs", []) for text in _strings(dict(out)))
    return "\n".join(parts)


def _significant(token: str) -> int:
    return len(token.replace(".", "").lstrip("0"))


def shown_forms(key: str, right, text: str) -> list[str]:
    """The places in ``text`` that give away ``right``, the answer to ``key`` (see the module docstring)."""
    q = exercises.QUESTIONS[key]
    if q.kind == "date":
        day = exercises.read_answer("date", right)
        forms = {f"{day:%Y-%m-%d}", f"{day.day} {day:%B %Y}", f"{day:%B} {day.day}, {day:%Y}"}
        return [form for form in forms if form in text]
    if q.kind == "text":
        wanted = exercises.read_answer("text", right)
        return [wanted] if re.search(rf"(?<!\w){re.escape(wanted)}(?!\w)", text.lower()) else []
    size = abs(exercises.read_answer(q.kind, right))
    found = []
    for match in NUMBER.finditer(text):
        if q.unit == "%" and "$" in match[0]:  # a sum of money gives no percentage away
            continue
        digits = match[0].lstrip("-−$").replace(",", "")
        shown = float(digits)
        decimals = len(digits.partition(".")[2])
        if exercises.matches(key, shown, size) or (_significant(digits) >= 3 and round(size, decimals) == shown):
            found.append(text[max(0, match.start() - 60):match.end() + 20].replace("\n", " "))
    return found


CHAPTERS = chapter_paths()
KEYS = [(chapter, key) for chapter in CHAPTERS for key in chapter_questions(chapter)]


def _small(key: str) -> bool:
    q = exercises.QUESTIONS[key]
    if q.kind not in ("int", "float"):
        return False
    value = exercises.read_answer(q.kind, solution(key, exercises.BOOK_SEED))
    return value == int(value) and abs(value) < 10


@pytest.mark.parametrize("chapter, key", KEYS, ids=[key for _, key in KEYS])
def test_the_answer_is_not_on_the_page(chapter, key):
    assert key in answer_cells(read_chapter(CHAPTERS[chapter])), f"{chapter} has no answer cell for {key}"
    if key in SMALL_ANSWERS:
        assert _small(key), f"{key} no longer has a one-digit answer: take it off SMALL_ANSWERS"
        return
    assert not _small(key), f"{key}: a one-digit answer can't be searched for; add it to SMALL_ANSWERS with a reason"
    shown = shown_forms(key, solution(key, exercises.BOOK_SEED), page_text(CHAPTERS[chapter]))
    assert not shown, f"{key}: the answer is on the page of {chapter}, e.g. …{shown[0]}…"


#: Inputs a registered prompt states that its chapter's statement leaves to the page, with where the page gives them.
STATED_ELSEWHERE: dict[str, set[float]] = {
    "ch1.put_pnl": {4505},  # the ATM strike of 4,503.25: the statement asks for it to be found
    "ch8.article_rank": {1},  # "1 = best": the answer cell's comment
    "ch8.beat_median": {200, 2000},  # "this chapter's walk-forward", described in the chapter
    "ch10.constant_vol": {7},  # "the same run": the chapter's market, seed 7
}

STATED_NUMBER = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")


def _numbers(text: str) -> set[float]:
    return {float(number.replace(",", "")) for number in STATED_NUMBER.findall(text)}


def exercise_statement(nb, key: str) -> str:
    """The ``{exercise}`` cell that introduces the answer cell of ``key``."""
    at = answer_cells(nb)[key]
    return next(nb.cells[i].source for i in range(at - 1, -1, -1)
                if nb.cells[i].cell_type == "markdown" and "{exercise}" in nb.cells[i].source)


@pytest.mark.parametrize("chapter, key", KEYS, ids=[key for _, key in KEYS])
def test_the_chapter_states_the_inputs_the_check_uses(chapter, key):
    """Every number of the registered prompt (what ``check`` computes from) is in the chapter's statement."""
    statement = exercise_statement(read_chapter(CHAPTERS[chapter]), key)
    missing = _numbers(exercises.QUESTIONS[key].prompt) - _numbers(statement) - STATED_ELSEWHERE.get(key, set())
    assert not missing, f"{key}: the prompt uses {sorted(missing)}, which the statement in {chapter} does not give"


def test_every_exercise_has_a_chapter():
    assert sorted(key for _, key in KEYS) == sorted(exercises.QUESTIONS)


@pytest.mark.parametrize("text, found", [
    ("the put loses \\$62.50 of its premium", True), ("a P&L of 62.5 dollars", True), ("−$62", False),
    ("strike 4,562.5", False), ("62.55", False),
])
def test_a_number_is_found_as_the_page_writes_it(text, found):
    assert bool(shown_forms("ch1.put_pnl", 62.5, text)) is found


@pytest.mark.parametrize("text, found", [
    ("Black-76 prices \u2212$4,426, quarterly expiry", True), ("-4426.1", True), ("$4,430", False), ("44", False),
])
def test_a_rounded_number_is_found(text, found):
    assert bool(shown_forms("ch9.costliest_rung", -4426.14, text)) is found


@pytest.mark.parametrize("text, found", [
    ("68   2023-04-06   19178.8", True), ("on 6 April 2023 it", True), ("in April 2023", False), ("2023-04-07", False),
])
def test_a_date_is_found_in_either_form(text, found):
    assert bool(shown_forms("ch4.first_real_signal", "2023-04-06", text)) is found


def test_the_page_has_prose_numbers_and_figure_text_but_no_solutions():
    text = page_text(CHAPTERS["01_mes_basics"])
    assert "{eval}" not in text and "solution-start" not in text
    assert "goes to 4,510" in text  # a figure's alt text (the staircase of strikes)
    assert "2.5 points" in text
