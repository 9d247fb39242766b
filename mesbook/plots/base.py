"""The book's figure machinery: style, palette, the :class:`BookFigure` class and small axis helpers.

Every ``*_figure`` function of :mod:`mesbook.plots` returns a new :class:`BookFigure`: a matplotlib
``Figure`` built without pyplot, so nothing is shown twice in a notebook and nothing leaks between
calls. A ``BookFigure`` displays itself as a PNG in Jupyter under any backend (including
``MPLBACKEND=Agg``), and ``fig.savefig(...)`` works as usual.

The look of every figure comes from :data:`BOOK_RC`, applied while the figure is built, so the book,
the widgets and the command line draw the same pictures. Artists that the explorers in
:mod:`mesbook.widgets` update in place carry a ``gid`` (see :func:`artist`).
"""
from __future__ import annotations

import io
from contextlib import contextmanager
from typing import Iterator, Optional, Sequence

import matplotlib as mpl
import matplotlib.dates as mdates
import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from ..article.indicators import defined_from
from ..formatting import usd


#: Resolution of PNGs rendered for notebooks and widgets, dots per inch.
PNG_DPI: int = 100

#: The book's matplotlib settings (applied with ``matplotlib.rc_context`` while a figure is built).
BOOK_RC: dict = {
    "figure.figsize": (8.0, 4.2),
    "figure.dpi": PNG_DPI,
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "grid.linewidth": 0.6,
    "legend.frameon": False,
    "legend.fontsize": 9,
    "lines.linewidth": 1.4,
    "savefig.dpi": PNG_DPI,
}

#: Colour-blind-safe palette (Okabe & Ito), one colour per concept.
COLORS: dict[str, str] = {
    "price": "#000000",
    "oi": "#0072B2",
    "short": "#E69F00",
    "long": "#009E73",
    "call": "#009E73",
    "put": "#D55E00",
    "buy": "#009E73",
    "sell": "#D55E00",
    "equity": "#0072B2",
    "accent": "#CC79A7",
    "muted": "#999999",
    "sky": "#56B4E9",
}


def figure_usd(value: float, decimals: int = 2, signed: bool = False) -> str:
    """:func:`mesbook.formatting.usd` for figure text: the $ escaped so matplotlib shows it as money."""
    return usd(value, decimals, signed, escape=True)


#: Axis tick formatters: whole dollars, and whole numbers with thousands separators.
DOLLARS = FuncFormatter(lambda value, _pos: figure_usd(value, 0))
THOUSANDS = FuncFormatter(lambda value, _pos: f"{value:,.0f}")


#: Key of a figure output's metadata holding its generated text: ``{"alt": ..., "caption": ...}``. The book's
#: build reads it (book/_ext/figure_text.py) so that the alt text and caption come from the run, never typed.
TEXT_KEY: str = "mesbook"


class BookFigure(Figure):
    """A matplotlib Figure that shows itself as a PNG in Jupyter, whatever the backend.

    ``alt`` (what a screen reader says instead of the picture) and ``caption`` are written by the function
    that draws the figure, from the numbers it draws (:meth:`describe`); the PNG output carries them in its
    metadata under :data:`TEXT_KEY`.
    """

    alt: str = ""
    caption: str = ""

    def describe(self, alt: str, caption: str = "") -> "BookFigure":
        """Keep the figure's alt text and caption (plain text, dollars as "$"); returns the figure."""
        if not isinstance(alt, str) or not alt.strip():
            raise ValueError("alt: a figure needs a non-empty alt text")
        self.alt, self.caption = " ".join(alt.split()), " ".join(caption.split())
        return self

    def _repr_mimebundle_(self, include=None, exclude=None):
        text = {key: value for key, value in (("alt", self.alt), ("caption", self.caption)) if value}
        return {"image/png": self.png_bytes(), "text/plain": repr(self)}, ({TEXT_KEY: text} if text else {})

    def png_bytes(self, tight: bool = True) -> bytes:
        """Render the figure to PNG bytes (``tight`` trims the white margin)."""
        buffer = io.BytesIO()
        self.savefig(buffer, format="png", dpi=PNG_DPI, bbox_inches="tight" if tight else None,
                     metadata={"Software": None})
        return buffer.getvalue()

    def _repr_png_(self) -> bytes:
        return self.png_bytes()

    def __repr__(self) -> str:
        width, height = self.get_size_inches() * PNG_DPI
        return f"<mesbook figure {width:.0f}x{height:.0f} with {len(self.axes)} axes>"


@contextmanager
def book_style() -> Iterator[None]:
    """Context manager applying :data:`BOOK_RC`."""
    with mpl.rc_context(BOOK_RC):
        yield


def new_figure(nrows: int = 1, ncols: int = 1, *, figsize: Optional[Sequence[float]] = None,
               sharex: bool = False, height_ratios: Optional[Sequence[float]] = None) -> tuple[BookFigure, np.ndarray]:
    """A :class:`BookFigure` with a grid of axes (always returned as a flat array)."""
    fig = BookFigure(figsize=figsize or BOOK_RC["figure.figsize"], dpi=PNG_DPI, layout="constrained")
    axes = fig.subplots(nrows, ncols, sharex=sharex, squeeze=False,
                        gridspec_kw={"height_ratios": height_ratios} if height_ratios else None)
    return fig, axes.ravel()


def artist(fig: Figure, gid: str) -> Artist:
    """The artist of ``fig`` whose ``gid`` is ``gid`` (raises ``KeyError`` if there is none)."""
    for ax in fig.axes:
        for child in ax.get_children():
            if child.get_gid() == gid:
                return child
    raise KeyError(f"no artist with gid {gid!r} in this figure")


def date_axis(ax: Axes) -> None:
    """Concise date ticks (4 to 8 of them) on the x axis of ``ax``."""
    locator = mdates.AutoDateLocator(minticks=4, maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def masked_warmup(values: np.ndarray) -> np.ndarray:
    """A float copy of ``values`` with the zero-filled warm-up replaced by NaN (not drawn)."""
    out = np.asarray(values, dtype=float).copy()
    out[: defined_from(out)] = np.nan
    return out


__all__ = [
    "TEXT_KEY",
    "artist",
    "BOOK_RC",
    "book_style",
    "BookFigure",
    "COLORS",
    "date_axis",
    "DOLLARS",
    "figure_usd",
    "masked_warmup",
    "new_figure",
    "PNG_DPI",
    "THOUSANDS",
]
