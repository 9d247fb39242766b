"""The bot's three open-interest windows as one value: :class:`Windows` (short, long, gradient), in bars.

Every study, sweep and audit that runs the bot with other windows carries one :class:`Windows`, checked
once where it is made, instead of three loose keywords. The public functions still take the article's
keyword names (``short_sma_window``, ``long_sma_window``, ``gradient_window``): :meth:`Windows.of` turns
them, or a mapping of them, into a :class:`Windows`, and :meth:`Windows.keywords` gives them back for
:func:`mesbook.run_backtest`.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Optional, Union

from ..constants import OI_GRADIENT_WINDOW, OI_LONG_SMA_WINDOW, OI_SHORT_SMA_WINDOW
from ..validation import check_windows

#: The keyword names of the three windows in the article's functions and :func:`mesbook.run_backtest`.
WINDOW_KEYWORDS: tuple[str, str, str] = ("short_sma_window", "long_sma_window", "gradient_window")


@dataclass(frozen=True)
class Windows:
    """Short and long moving-average windows of OI and the gradient window, bars (the article's 10, 30, 5).

    Checked when made: whole numbers ≥ 1 with ``short < long`` (a ``TypeError``/``ValueError`` names the
    window otherwise). Unpacks in that order: ``short, long, gradient = windows``.
    """

    short: int = OI_SHORT_SMA_WINDOW
    long: int = OI_LONG_SMA_WINDOW
    gradient: int = OI_GRADIENT_WINDOW

    def __post_init__(self) -> None:
        short, long, gradient = check_windows(self.short, self.long, self.gradient)
        object.__setattr__(self, "short", short)
        object.__setattr__(self, "long", long)
        object.__setattr__(self, "gradient", gradient)

    def __iter__(self) -> Iterator[int]:
        return iter((self.short, self.long, self.gradient))

    def keywords(self) -> dict[str, int]:
        """The windows under the article's keyword names (:data:`WINDOW_KEYWORDS`), e.g. for ``run_backtest``."""
        return dict(zip(WINDOW_KEYWORDS, self))

    @classmethod
    def of(cls, windows: Union["Windows", Mapping[str, int], None] = None, **keywords: Optional[int]) -> "Windows":
        """A :class:`Windows` from a :class:`Windows`, a mapping of the keyword names, or the keywords themselves.

        Windows not given keep the article's values; a keyword given as ``None`` counts as not given. A
        name outside :data:`WINDOW_KEYWORDS`, or ``windows`` and keywords together, is a ``TypeError``.
        """
        if isinstance(windows, Windows):
            given = windows.keywords()
        elif windows is None:
            given = {}
        elif isinstance(windows, Mapping):
            given = dict(windows)
        else:
            raise TypeError(f"windows must be a Windows, a dict of {', '.join(WINDOW_KEYWORDS)} or None, "
                            f"got {type(windows).__name__}")
        keywords = {name: value for name, value in keywords.items() if value is not None}
        unknown = sorted((set(given) | set(keywords)) - set(WINDOW_KEYWORDS))
        if unknown:
            raise TypeError(f"unknown window argument(s) {unknown}; use {', '.join(WINDOW_KEYWORDS)}")
        if windows is not None and keywords:
            raise TypeError(f"windows={windows!r} and {sorted(keywords)} given together: pass the windows one way")
        merged = {**dict(zip(WINDOW_KEYWORDS, cls())), **given, **keywords}
        return cls(*(merged[name] for name in WINDOW_KEYWORDS))


#: The article's windows: 10 and 30 bars, and the gradient window of 5 it defines but never uses.
ARTICLE_WINDOWS = Windows()

__all__ = ["ARTICLE_WINDOWS", "WINDOW_KEYWORDS", "Windows"]
