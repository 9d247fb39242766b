"""Text for readers: money in dollars and p-values, formatted one way across the book.

:func:`usd` is the only money formatter of mesbook: figures, tables, explorer messages and exercises all
use it (figures with ``escape=True``, so that matplotlib shows the dollar sign instead of reading
mathtext). :func:`format_p` writes a p-value for a table or a title.
"""
from __future__ import annotations

import math

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


__all__ = ["MINUS", "format_p", "usd"]
