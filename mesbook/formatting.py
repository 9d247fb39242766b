"""Text for readers: money in dollars, p-values and durations, formatted one way across the book.

:func:`usd` is the only money formatter of mesbook: figures, tables, explorer messages and exercises all
use it (figures with ``escape=True``, so that matplotlib shows the dollar sign instead of reading
mathtext). :func:`format_p` writes a p-value for a table or a title, :func:`duration_text` a length of
time ("30 minutes", "1-minute"), :func:`grid_text` an evenly spaced grid ("2, 4, …, 20"). :class:`Prose` holds the numbers a chapter's paragraphs quote, as the
text they show.
"""
from __future__ import annotations

import importlib.util
import math
import numbers
import re

import pandas as pd

#: An inline expression in a paragraph, {eval}`expression` (MyST); group 1 is the expression.
EVAL_ROLE = re.compile(r"\{eval\}`([^`]+)`")

#: The MIME prefix under which ``myst_nb.glue(name, value, display=False)`` records a value (myst-nb's
#: ``myst_nb.ext.glue.GLUE_PREFIX``), which the book build reads back.
GLUE_PREFIX = "application/papermill.record/"

MINUS = "−"  # U+2212, the typographic minus sign used in every figure and message


def usd(value: float, decimals: int = 2, signed: bool = False, *, escape: bool = False) -> str:
    """Dollars as text: ``usd(-12.5)`` → "−$12.50", ``usd(760.87, signed=True)`` → "+$760.87".

    ``value`` is in dollars; ``decimals`` digits after the point, thousands separated by commas;
    ``signed`` adds "+" to positive values (zero has no sign); negative values take the minus sign
    U+2212. ``escape=True`` writes the dollar sign as ``\\$`` for matplotlib text.
    """
    sign = MINUS if value < 0 else ("+" if signed and value > 0 else "")
    dollar = "\\$" if escape else "$"
    return f"{sign}{dollar}{abs(value):,.{decimals}f}"


def format_p(p: float) -> str:
    """A p-value for a table or a title: three decimals, or scientific notation below 0.001 ("n/a" if not finite)."""
    if not math.isfinite(p):
        return "n/a"
    return f"{p:.3f}" if p >= 0.001 else f"{p:.1e}"


# Units of duration_text, largest first: (name, length in seconds).
_DURATION_UNITS = (("day", 86_400), ("hour", 3_600), ("minute", 60), ("second", 1))


def duration_text(seconds: float, adjective: bool = False) -> str:
    """A length of time in the largest unit it fills at least once, at most one decimal.

    ``seconds`` is the duration in seconds (``pd.Timedelta.total_seconds()``): 1800 → "30 minutes",
    5400 → "1.5 hours", 86400 → "1 day", 1209600 → "14 days"; a fraction of a second is written in
    seconds ("0.5 seconds"). ``adjective=True`` gives the form that qualifies a noun, "1-minute",
    "4-hour", "1.5-day" (as in "1-minute bars").
    """
    if isinstance(seconds, bool) or not isinstance(seconds, numbers.Real) or not math.isfinite(seconds) or seconds < 0:
        raise ValueError(f"seconds must be a finite number >= 0, got {seconds!r}")
    name, size = next(((n, s) for n, s in _DURATION_UNITS if seconds >= s), _DURATION_UNITS[-1])
    count = round(seconds / size, 1)
    number = f"{count:,.0f}" if count == int(count) else f"{count:,.1f}"
    if adjective:
        return f"{number}-{name}"
    return f"{number} {name}{'' if count == 1 else 's'}"


def grid_text(values) -> str:
    """An evenly spaced grid of numbers as a reader writes it: its first two values, an ellipsis and its last
    ("2, 4, …, 20"); a grid of three values or fewer is written out ("10, 30"). Other grids raise ValueError."""
    values = [float(v) for v in values]
    steps = {round(b - a, 9) for a, b in zip(values, values[1:])}
    if not values or len(steps) > 1 or steps and min(steps) <= 0:
        raise ValueError(f"values: {values!r} is not an increasing, evenly spaced grid; write it out instead")
    shown = values if len(values) <= 3 else [values[0], values[1], None, values[-1]]
    return ", ".join("…" if v is None else f"{v:g}" for v in shown)


class FullTable(pd.DataFrame):
    """A DataFrame that Jupyter and the book show whole: no cell cut to "..." and no column hidden, in HTML and in
    text, whatever pandas' display options. Made by :func:`full_table`."""

    @property
    def _constructor(self):
        return FullTable

    def _repr_html_(self):
        with pd.option_context("display.max_colwidth", None, "display.max_columns", None):
            return super()._repr_html_()

    def __repr__(self):
        with pd.option_context("display.max_colwidth", None, "display.max_columns", None,
                               "display.expand_frame_repr", False):
            return super().__repr__()


def full_table(frame: pd.DataFrame) -> FullTable:
    """``frame`` as a :class:`FullTable` (a table of sentences, like the closing verdict, read in full)."""
    return FullTable(frame)


class Prose:
    """The numbers a chapter's paragraphs quote, each kept as the exact text the reader sees.

    A chapter makes one, ``prose = Prose()``, and a code cell states a number with
    ``prose("fee_total", fees, ",.2f")``; its paragraph then writes ``{eval}`prose.fee_total```. The same
    text reaches both readers: the HTML build evaluates the role in the chapter's kernel (MyST-NB inline
    execution) and JupyterLab evaluates it with jupyterlab-myst. Each call also glues the text
    (``myst_nb.glue``, when installed) under the same name: that output is what nbval compares, and what
    a page other than the chapter quotes with ``{glue:text}`chapter.ipynb::name```.
    """

    def __call__(self, name: str, value: object, spec: str = "") -> None:
        """Keep ``format(value, spec)`` as ``self.<name>``; ``name`` must be an identifier.

        Returns nothing, so that a cell ending with a call shows no output of its own."""
        if not isinstance(name, str) or not name.isidentifier() or name.startswith("_"):
            raise ValueError(f"name: {name!r} cannot be read as prose.<name>; use letters, digits and _ "
                             "(not starting with a digit or _)")
        text = format(value, spec)
        setattr(self, name, text)
        glue_text(name, text)

    def __repr__(self) -> str:
        names = sorted(key for key in vars(self))
        return f"Prose({len(names)} numbers: {', '.join(names[:5])}{', ...' if len(names) > 5 else ''})"


def glue_text(name: str, text: str) -> None:
    """Send what ``myst_nb.glue(name, text, display=False)`` sends, without importing myst-nb.

    Importing ``myst_nb``'s glue pulls in nbformat, jsonschema and the grammars of rfc3987-syntax, seconds
    of a chapter's Run All for one display message: the text's display data under :data:`GLUE_PREFIX`,
    with the ``scrapbook`` metadata naming it (tests/test_formatting.py checks it against myst-nb's own
    message). Outside the book's environment (no myst-nb or IPython) nothing is sent.
    """
    if importlib.util.find_spec("myst_nb") is None:
        return
    try:
        from IPython.core.formatters import format_display_data
        from IPython.display import display
    except ImportError:
        return
    bundle, metadata = format_display_data(text)
    metadata["scrapbook"] = dict(name=name, mime_prefix=GLUE_PREFIX)
    display({GLUE_PREFIX + key: data for key, data in bundle.items()}, raw=True, metadata=metadata)


__all__ = ["EVAL_ROLE", "MINUS", "Prose", "duration_text", "format_p", "FullTable", "full_table", "grid_text", "usd"]
