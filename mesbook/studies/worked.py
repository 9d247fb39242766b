"""The book's worked examples, named once: the prices chapter 1 rounds to strikes and pays out on, and the bars and
bumps of chapter 3's look-ahead experiment and its exercise.

A paragraph that works an example through ("4,503.25 rounds to the strike 4,505") quotes numbers computed here, from
these inputs, by the package's own functions (:func:`mesbook.get_atm_strike`, the payoff of
:mod:`mesbook.core.contract`), so the text cannot drift from the code; the chapters' cells and exercises use the same
inputs. Prices and strikes are in index points, open interest in contracts, money in dollars.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..article.contract import get_atm_strike
from ..constants import FUTURES_MULTIPLIER, OPTION_PREMIUM_FIXED, STRIKE_INTERVAL
from ..core.contract import intrinsic_value, points_to_dollars


@dataclass(frozen=True)
class ContractExample:
    """Chapter 1's worked prices, index points.

    ``move``: a move of the future, from and to; ``entry``: where the bot buys, between two strikes (its strike is the
    chapter's example strike); ``halfway``: two prices exactly halfway between strikes, which round different ways;
    ``close``: where the example option is closed. The exercises: ``tie`` (which strike does it round to on a grid
    of strikes ``tie_interval`` points apart?), ``put_close`` (the put bought at ``entry`` is closed there) and
    ``dearer_premium`` (points: where does a call at the example strike break even at that premium?).
    """

    move: tuple[float, float] = (4500.0, 4520.0)
    entry: float = 4503.25
    halfway: tuple[float, float] = (4502.5, 4507.5)
    close: float = 4520.0
    tie: float = 4545.0
    tie_interval: float = 10.0
    put_close: float = 4491.75
    dearer_premium: float = 4.0

    @property
    def strike(self) -> float:
        """The example strike: the at-the-money strike of ``entry``."""
        return get_atm_strike(self.entry)


#: Chapter 1's example prices.
CONTRACT = ContractExample()


@dataclass(frozen=True)
class Bump:
    """A look-ahead experiment (chapter 3): ``contracts`` added to the open interest of bar ``bar`` + 1 only, and
    what bar ``bar``'s indicators read (:func:`mesbook.studies.audit.lookahead_table`)."""

    bar: int
    contracts: float

    @property
    def bumped(self) -> int:
        """The bar whose open interest changes: the one after ``bar``."""
        return self.bar + 1


#: Chapter 3's experiment: 1,000 contracts more on bar 101, read at bar 100.
LOOKAHEAD = Bump(100, 1000.0)
#: Chapter 3's exercise ch3.lookahead: 600 contracts more on bar 201, read at bar 200.
LOOKAHEAD_EXERCISE = Bump(200, 600.0)


def points_text(value: float) -> str:
    """A price in points as the book writes it: thousands separated, no trailing zeros ("4,503.25", "4,505")."""
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def dollars_text(value: float) -> str:
    """Dollars as the book writes them after a typed "\\$": whole dollars bare ("75"), else with cents ("62.50")."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def contract_texts(example: ContractExample = CONTRACT) -> dict[str, str]:
    """The numbers chapter 1's paragraphs quote about ``example``, as they show them: name → text.

    The answers of the exercises (``tie``, ``put_close``) are not among them: the chapter's page must not print them.

    Strikes come from :func:`mesbook.get_atm_strike`, values from the article's payoff (intrinsic value, the fixed
    premium of :data:`mesbook.constants.OPTION_PREMIUM_FIXED`), dollars at the multiplier.
    """
    premium = OPTION_PREMIUM_FIXED / FUTURES_MULTIPLIER  # points
    strike, (start, end), (low, high) = example.strike, example.move, example.halfway
    points = {
        "move_from": start, "move_to": end, "move_points": end - start,
        "entry": example.entry, "strike": strike,
        "half_low": low, "half_low_ratio": low / STRIKE_INTERVAL,
        "half_low_rounded": get_atm_strike(low) / STRIKE_INTERVAL, "half_low_strike": get_atm_strike(low),
        "half_high": high, "half_high_ratio": high / STRIKE_INTERVAL,
        "half_high_rounded": get_atm_strike(high) / STRIKE_INTERVAL, "half_high_strike": get_atm_strike(high),
        "close": example.close, "close_points": float(intrinsic_value(1, example.close, strike)),
        "breakeven_call": strike + premium, "breakeven_put": strike - premium,
        "dearer_premium": example.dearer_premium,
    }
    dollars = {"move_dollars": points_to_dollars(end - start)}
    return {**{name: points_text(value) for name, value in points.items()},
            **{name: dollars_text(value) for name, value in dollars.items()}}


__all__ = ["Bump", "CONTRACT", "ContractExample", "LOOKAHEAD", "LOOKAHEAD_EXERCISE", "contract_texts", "dollars_text",
           "points_text"]
