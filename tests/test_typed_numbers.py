"""No number a reader sees in the book's prose, alt texts or captions is typed by hand.

A number in a paragraph must come from the object that computes it: an ``{eval}`prose.name``` role (a chapter's
glued value), a ``{glue:text}`` role on a page, or a figure's own text (``BookFigure.describe``, carried by its
output; a typed alt text or caption in a cell is refused by tests/test_notebooks_static.py). This test reads every
markdown cell of the chapters and every page of the book (book/*.md; the bibliography is written from
references.bib by tools/write_citations.py, so it is generated and skipped), removes what is not a number the
book claims, and fails on any number left.

Not counted as typed:

* a sentence that cites a source (a fact quoted with its citation);
* code (``inline``, fenced blocks), roles (``{eval}``, ``{doc}``, ``{ref}``, ``{term}``, ``{math}``, ...), MyST
  labels and directive options, link targets and citation links ("[Carr and Wu, 2009](bibliography.md#...)");
* ordinal labels ("chapter 5", "chapters 6 and 7", "Part 3", "section 2.3", "rung 9", "step 2", "trade 6"), list
  markers, dates and years,
  and quotes of the article with their place, written ``“...” (Part 2.2)`` or ``“...” (section 2.2)``;
* an exercise's prompt (``:::{exercise}`` ... ``:::``): it states the inputs the student must use, and the exercise's
  ``check()`` computes the answer from them;
* names that contain digits (:data:`NAMES`, e.g. "S&P 500", "Black-76");
* the values of the article's constants and of the book's example option, formatted as the book writes them, read
  from :mod:`mesbook.constants` and :data:`mesbook.options.tables.EXAMPLE` (:func:`generated_constants`): they are
  the article's code, not measurements;
* a short list, :data:`ALLOWED`, each number with the reason it is not a measurement.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
BOOK = REPO / "book"

#: Names with digits in them: not numbers the book claims.
NAMES: tuple[str, ...] = ("S&P 500", "Black-76", "GARCH(1,1)", "Nasdaq-100", "WCAG 2.1", "Python 3.11", "E-mini",
                          "jupyter-book 1", "MyST-NB", "Micro E-mini", "1.x", "Okabe", "ISO 8601", "UTF-8",
                          "SHA-256")

#: Numbers allowed in prose although typed, each with its reason (kept small; every entry is a definition or a
#: convention, not a result).
ALLOWED: dict[str, str] = {
    "0": "zero as a concept (a price of 0, at 0 the two are unrelated)",
    "1": "one as a word-number (one contract, a 1 % move as a unit, +1 / −1 sides)",
    "2": "two as a word-number (two sides, a t statistic 'beyond about 2', a factor of two)",
    "95": "the 95 % interval: the level of every interval in the book (mesbook.estimates.Z95)",
    "1.96": "the 95 % multiplier of a standard error (mesbook.estimates.Z95)",
    "100": "per cent (× 100) and the 100-point scale of a share",
    "365": "calendar days in a year: the book's day count (mesbook.constants.CALENDAR_DAYS)",
    "252": "trading days in a year (mesbook.constants.TRADING_DAYS)",
    "0.5": "a half (a probability of one half, halfway prices)",
}

CODE_BLOCK = re.compile(r"^(```|~~~)(?!\{)[^\n]*\n.*?^\1\s*$", re.S | re.M)
ROLE = re.compile(r"\{[\w:-]+\}`[^`\n]*`")
CODE = re.compile(r"`[^`\n]*`")
LABEL = re.compile(r"^\([\w-]+\)=\s*$", re.M)
OPTION = re.compile(r"^:[\w-]+:.*$", re.M)
DIRECTIVE = re.compile(r"^[`:]{3,}(?:\{[^}]+\}.*)?\s*$", re.M)
CITATION = re.compile(r"\[[^\]]*\]\(bibliography\.md#[^)]*\)")
LINK_TARGET = re.compile(r"\]\([^)]*\)")
URL = re.compile(r"https?://\S+")
HTML_COMMENT = re.compile(r"<!--.*?-->|^%.*$", re.S | re.M)
CHAPTER = re.compile(r"\b(?:[Cc]hapters?|[Pp]arts?|[Ss]ections?|[Ss]teps?|[Rr]ungs?|[Tt]rades?|§)\s+\d+(?:\.\d+)*(?:(?:,|\s+and|\s+to|–|-)\s*\d+(?:\.\d+)*)*")
QUOTE = re.compile(r"[“\"][^”\"]{1,400}[”\"]\s*\((?:the article, )?(?:Part|section|§)\s*\d+(?:\.\d+)*[^)]*\)")
YEAR = re.compile(r"\b(?:1[89]\d\d|20\d\d)\b")
DATE = re.compile(r"\b\d{4}-\d\d-\d\d\b|\b\d{1,2} (?:January|February|March|April|May|June|July|August|September|"
                  r"October|November|December)\b")
LIST_MARKER = re.compile(r"^\s*\d+\.\s", re.M)
EXERCISE = re.compile(r"^(:{3,})\{exercise\}.*?^\1\s*$", re.S | re.M)
NUMBER = re.compile(r"(?<![\w.])[−+-]?\\?\$?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\w])")


def generated_constants() -> set[str]:
    """The values the book names once in code, as the prose writes them ("2.5", "12.50", "4,000"): the article's
    constants (mesbook.constants) and its random walks' steps (mesbook.core.market), the CME ticks (mesbook.options.ticks), the example option
    (mesbook.options.tables.EXAMPLE) and the book's samples: its seed, sample sizes and grids
    (mesbook.studies.samples). They are the design of the experiments, named in one place, not their results."""
    from mesbook import constants
    from mesbook.core import market
    from mesbook.options import ticks
    from mesbook.options.tables import EXAMPLE
    from mesbook.studies import samples

    values = {constants.INITIAL_CASH, constants.NUM_PERIODS, constants.FUTURES_MULTIPLIER, constants.STRIKE_INTERVAL,
              constants.OPTION_PREMIUM_FIXED, constants.OPTION_PREMIUM_FIXED / constants.FUTURES_MULTIPLIER,
              constants.OI_SHORT_SMA_WINDOW, constants.OI_LONG_SMA_WINDOW, constants.OI_GRADIENT_WINDOW,
              ticks.REDUCED_TICK, ticks.REGULAR_TICK, ticks.TICK_THRESHOLD, ticks.OLDER_TICK_THRESHOLD,
              constants.FUTURES_MULTIPLIER * ticks.REDUCED_TICK, constants.FUTURES_MULTIPLIER * ticks.REGULAR_TICK,
              market.ARTICLE_PRICE_DRIFT, market.ARTICLE_PRICE_VOLATILITY, market.ARTICLE_OI_DRIFT,
              market.ARTICLE_OI_VOLATILITY, EXAMPLE["futures"], EXAMPLE["days"], 100 * EXAMPLE["vol"], 100 * EXAMPLE["rate"],
              samples.BOOK_SEED, samples.MONTE_CARLO.markets, samples.LADDER.markets, samples.CAVEATS.markets,
              samples.RISK_RULES.markets, samples.LOOKAHEAD.markets, len(samples.SEED_SWEEP), samples.SEED_SWEEP[0],
              samples.SEED_SWEEP[-1], len(samples.BEST_PAIRS_SEEDS), samples.WALK_FORWARD_BARS,
              samples.WALK_FORWARD_FOLD, samples.SWEEP_SHORTS[0], samples.SWEEP_SHORTS[-1], samples.SWEEP_LONGS[0],
              samples.SWEEP_LONGS[-1], len(samples.SWEEP_SHORTS) * len(samples.SWEEP_LONGS)}
    texts = set()
    for value in values:
        for spec in (",.0f", ".0f", ",.1f", ",.2f", "g"):
            texts.add(format(value, spec))
    return texts


SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z(*])")


def uncited(text: str) -> str:
    """``text`` without the sentences that cite a source: a fact quoted with its citation (a contract size, a date
    of listing) comes from that source, not from a run."""
    kept = []
    for paragraph in re.split(r"\n\s*\n", text):
        sentences = SENTENCE.split(paragraph)
        kept.append(" ".join(s for s in sentences if "bibliography.md#" not in s and "{cite" not in s))
    return "\n\n".join(kept)


def cleaned(text: str) -> str:
    """``text`` without what is not a claimed number (see the module's docstring)."""
    text = uncited(text)
    for pattern in (CODE_BLOCK, EXERCISE, HTML_COMMENT, DIRECTIVE, QUOTE, CITATION, ROLE, CODE, LABEL, OPTION, URL,
                    LINK_TARGET, CHAPTER, DATE, YEAR, LIST_MARKER):
        text = pattern.sub(" ", text)
    for name in NAMES:
        text = text.replace(name, " ")
    return text


def typed_numbers(text: str, allowed: set[str]) -> list[str]:
    """The numbers left in ``text`` once cleaned, minus the allowed ones (compared without sign, $ and escapes)."""
    found = []
    for match in NUMBER.finditer(cleaned(text)):
        bare = match.group().lstrip("−+-").replace("\\", "").replace("$", "")
        if bare not in allowed:
            found.append(match.group())
    return found


def pages() -> dict[str, list[str]]:
    """Each page of the book: its markdown cells (chapters) or its text (book/*.md), bibliography excluded."""
    out = {}
    for path in sorted(BOOK.glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        out[path.name] = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"]
    for path in sorted(BOOK.glob("*.md")):
        if path.name != "bibliography.md":
            out[path.name] = [path.read_text(encoding="utf-8")]
    return out


ALL_ALLOWED = set(ALLOWED) | generated_constants()


def found() -> dict[str, list[str]]:
    """Every typed number of every page, sorted."""
    return {page: sorted(n for text in texts for n in typed_numbers(text, ALL_ALLOWED)) for page, texts in pages().items()}


@pytest.mark.parametrize("page", sorted(pages()))
def test_no_number_in_the_prose_is_typed(page):
    typed = []
    for text in pages()[page]:
        for line in cleaned(text).splitlines():
            numbers = typed_numbers(line, ALL_ALLOWED)
            if numbers:
                typed.append(f"{numbers}: {' '.join(line.split())[:160]}")
    assert not typed, (f"{page}: numbers typed by hand: {found()[page]}; glue them ({{eval}}`prose.name`) "
                       "from the object that computes them, or say why in ALLOWED:\n" + "\n".join(typed))


def test_the_scanner_finds_a_typed_number_and_spares_generated_ones():
    allowed = ALL_ALLOWED
    assert typed_numbers("The bot makes \\$131 per market.", allowed) == ["\\$131"]
    assert typed_numbers("It loses −46 dollars, a 1.71 gap.", allowed) == ["−46", "1.71"]
    assert typed_numbers("It makes {eval}`prose.ch9_lad_top` per market.", allowed) == []
    assert typed_numbers("See chapters 6 and 7, Part 3 and [Carr and Wu, 2009](bibliography.md#cite-carr).", allowed) == []
    assert typed_numbers("“NUM_PERIODS = 612: the number” (Part 2.2)", allowed) == []
    assert typed_numbers("the S&P 500 with Black-76 at 2.5 points and windows 10 and 30", allowed) == []
    assert typed_numbers("`run(seed=812)` in code", allowed) == []
    assert typed_numbers("an 18 % volatility and a 4 % rate, 91 days", allowed) == []
    assert typed_numbers("a 19 % volatility", allowed) == ["19"]


def test_the_allowed_list_stays_small_and_explained():
    assert len(ALLOWED) <= 12
    assert all(len(reason) > 15 for reason in ALLOWED.values())
