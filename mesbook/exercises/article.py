"""Exercises of part 1, "The article" (chapters 1-5), registered on import."""
from __future__ import annotations

from typing import Optional

import numpy as np
import pandas as pd

from ..article.contract import get_atm_strike

from ..core.contract import payoff_dollars
from ..article.indicators import calculate_indicators, defined_from
from ..article.market import simulate_with_drift
from ..core.market import ARTICLE_OI_DRIFT, ARTICLE_PRICE_DRIFT
from ..core.oi import LEDGER_TRADES, oi_ledger
from ..article.simulation import run_article
from ..article.signals import crossings
from ..constants import FUTURES_MULTIPLIER, OPTION_PREMIUM_FIXED, STRIKE_INTERVAL
from ..data.real import find_unit_breaks, load_cftc_open_interest
from ..formatting import usd
from ..studies.audit import lookahead_table
from ..studies.luck import seed_sweep
from ..studies.samples import SEED_SWEEP
from ..studies.worked import CONTRACT as _ex, LOOKAHEAD_EXERCISE as _bump
from .base import Question, active_seed, book_market, register


def _first_crossing(seed: int, short: int, long: int) -> int:
    up, down = crossings(calculate_indicators(book_market(seed), short, long))
    return int(min(np.r_[up, down]))


def _mean_signal_gap(seed: int, short: int, long: int) -> float:
    """Mean number of bars between consecutive signals (BUY or SELL) with these windows; 0 with fewer than two."""
    frame, _ = run_article(book_market(seed), short_sma_window=short, long_sma_window=long)
    bars = np.flatnonzero(frame["signal"].astype(str).to_numpy() != "HOLD")
    return float(np.diff(bars).mean()) if len(bars) > 1 else 0.0


def _last_rejected_crossing(seed: int) -> int:
    """Bar of the last crossing that the momentum condition rejects (the article's windows); -1 if none."""
    frame, _ = run_article(book_market(seed))
    kept = np.flatnonzero(frame["signal"].astype(str).to_numpy() != "HOLD")
    rejected = np.setdiff1d(np.concatenate(crossings(frame)), kept)
    return int(rejected[-1]) if len(rejected) else -1


def _winners_dollars(seed: int) -> float:
    """Dollars made by the winning round trips together (the article's settings)."""
    pnl = run_article(book_market(seed))[1].trades["pnl"].to_numpy(dtype=float)
    return float(pnl[pnl > 0].sum())


def _first_signal_after_warmup(seed: int, short: int, long: int) -> str:
    """Date of the first signal after the bar on which the long average appears (windows ``short`` and ``long``)."""
    frame, _ = run_article(book_market(seed), short_sma_window=short, long_sma_window=long)
    warm_end = defined_from(frame["oi_long_sma"].to_numpy())
    acting = np.flatnonzero(frame["signal"].astype(str).to_numpy() != "HOLD")
    return f"{frame['timestamp'].iloc[acting[acting > warm_end][0]]:%Y-%m-%d}"


def _cells_changed(seed: int, **other: int) -> int:
    """How many indicator values of the market of ``seed`` change from the article's windows to ``other`` ones."""
    a = calculate_indicators(book_market(seed))
    b = calculate_indicators(book_market(seed), **other)
    columns = ["oi_change", "oi_gradient", "oi_short_sma", "oi_long_sma"]
    return int((a[columns].to_numpy() != b[columns].to_numpy()).sum())


def _change_in_new_units(day: str, per_old_unit: float) -> float:
    """Percent change of open interest over the unit break of the CFTC file that ends on ``day``, with the figure
    before it counted in the new units (``per_old_unit`` new units for one old one)."""
    breaks = find_unit_breaks(load_cftc_open_interest().set_index("as_of")["open_interest"])
    before, after = breaks.loc[pd.Timestamp(day), ["before", "after"]]
    return float(100 * (after / (per_old_unit * before) - 1))


def _profitable_share(premium: float) -> float:
    return float(100 * (seed_sweep(SEED_SWEEP, premium=premium)["net P&L ($)"] > 0).mean())


def _breakeven(strike: float, premium_points: float) -> float:
    """Lowest exit price (to 0.001 point) at which a long call's P&L is no longer negative."""
    prices = np.arange(strike, strike + 10 * premium_points + 1, 0.001)
    call, _ = payoff_dollars(prices, strike, premium_points)
    return float(np.round(prices[np.argmax(call >= -1e-9)], 3))


def _payoff(sign: int, strike: float, exit_price: float, premium_points: float) -> float:
    call, put = payoff_dollars(np.array([exit_price]), strike, premium_points)
    return float((call if sign > 0 else put)[0])


def final_oi_with_price_drift(price_drift: float, seed: Optional[int] = None,
                              oi_drift: float = ARTICLE_OI_DRIFT) -> float:
    """Final open interest (contracts) of the market of ``seed`` (default: the active seed) with another price
    drift, and optionally another open-interest drift (chapter 2)."""
    return float(simulate_with_drift(active_seed() if seed is None else seed, price_drift=price_drift,
                                     oi_drift=oi_drift)["open_interest"].iloc[-1])


def _put_pnl() -> float:
    """Chapter 1's put, bought at the example entry and closed at ``put_close`` (mesbook.studies.worked), dollars."""
    return _payoff(-1, _ex.strike, _ex.put_close, OPTION_PREMIUM_FIXED / FUTURES_MULTIPLIER)


def _tie_strike() -> float:
    """The strike chapter 1's tie rounds to on its coarser grid (mesbook.studies.worked)."""
    return get_atm_strike(_ex.tie, strike_interval=_ex.tie_interval)


register(
    # Chapter 1
    Question("ch1.atm_tie", f"On a grid of strikes {_ex.tie_interval:g} points apart, futures trade at {_ex.tie:g}, "
             "exactly halfway between two strikes. Which strike does "
             f"get_atm_strike({_ex.tie:g}, strike_interval={_ex.tie_interval:g}) choose?",
             lambda seed: get_atm_strike(_ex.tie, strike_interval=_ex.tie_interval), "float",
             f"Divide by {_ex.tie_interval:g}. What does Python's round() do with a number that ends in .5?",
             f"{_ex.tie / _ex.tie_interval:g} rounds to {_tie_strike() / _ex.tie_interval:g} (even), and "
             f"{_tie_strike() / _ex.tie_interval:g} × {_ex.tie_interval:g} = {_tie_strike():g}: on any grid, ties go "
             f"to the even multiple, here the strike {'below' if _tie_strike() < _ex.tie else 'above'} the price.",
             unit="points", seeded=False),
    Question("ch1.put_pnl", f"You buy the ATM put at {_ex.entry:g} (strike {_ex.strike:g}) for the article's premium "
             f"and close it with futures at {_ex.put_close:g}. What is the P&L in dollars?",
             lambda seed: _put_pnl(), "float",
             "Intrinsic value is strike − price in points; multiply by $5 and subtract $12.50.",
             f"({_ex.strike:g} − {_ex.put_close:g}) × $5 − $12.50 = {usd(_put_pnl())}.", tolerance=0.005,
             unit="dollars", seeded=False),
    Question("ch1.breakeven", f"With a premium of {_ex.dearer_premium:g} points, at what futures price does a call "
             f"struck at {_ex.strike:g} break even when it is closed?",
             lambda seed: _breakeven(_ex.strike, _ex.dearer_premium), "float",
             "At breakeven the intrinsic value exactly pays back the premium, both in points.",
             f"The call must be {_ex.dearer_premium:g} points in the money: {_ex.strike:g} + {_ex.dearer_premium:g} = "
             f"{_ex.strike + _ex.dearer_premium:g}.", tolerance=0.01, unit="points", seeded=False),
    # Chapter 2
    Question("ch2.independence", "Seed 7: raise the price drift from 0.1 to 1.0 point per bar and, at the same time, "
             "the open-interest drift from 10 to 13 contracts per bar. By how many contracts does the final open "
             "interest change?",
             lambda seed: float(final_oi_with_price_drift(1.0, seed, oi_drift=13.0)
                                - final_oi_with_price_drift(ARTICLE_PRICE_DRIFT, seed, oi_drift=ARTICLE_OI_DRIFT)),
             "float",
             "Change one drift at a time with simulate_with_drift(seed, price_drift=..., oi_drift=...) and compare "
             "the last open interest each time.",
             "The open-interest drift adds 3 contracts on every bar; the price drift adds nothing: "
             "the simulated OI never looks at the price.", tolerance=1e-6, unit="contracts", repeats=True),
    Question("ch2.ledger", "In the toy market, Gus buys one contract from Hal, and both open a new position. "
             "What is the open interest after this seventh trade?",
             lambda seed: int(oi_ledger(LEDGER_TRADES + (("Gus", "opens", "Hal", "opens"),))["open interest"].iloc[-1]),
             "int", "After the sixth trade nobody holds a position; a trade where both sides open adds 1.",
             "Two newcomers create one new contract: open interest goes from 0 to 1.", seeded=False),
    Question("ch2.unit_factor", "In the CFTC file, the report of 2023-04-25 counts full-size contracts and the "
             "report of 2023-05-02 E-mini equivalents, five to one. Counted in E-mini equivalents both weeks, by how "
             "many percent did open interest change from one report to the next? Give two decimals.",
             lambda seed: _change_in_new_units("2023-05-02", 5.0), "float",
             "find_unit_breaks gives both figures (before, after): multiply the one before by 5, then compare.",
             "An ordinary week's change: the jump of about ×5 in the file is the new unit, and what is left is "
             "the change in positions.", tolerance=0.0051, unit="%", seeded=False),
    # Chapter 3
    Question("ch3.first_crossing", "Seed 7, short window 5 and long window 30: on which bar does the first "
             "crossing of the averages appear?", lambda seed: _first_crossing(seed, 5, 30), "int",
             "Bars are numbered from 0. When does a 5-bar average first exist?",
             "Bar 4 = short window − 1: the average appears there and 'crosses' the long one, still 0.", repeats=True),
    Question("ch3.lookahead", f"Seed 7: add {_bump.contracts:g} contracts to the open interest of bar {_bump.bumped} "
             f"only. By how many contracts does the gradient at bar {_bump.bar} move?",
             lambda seed: float(lookahead_table(book_market(seed), bar=_bump.bar, bump=_bump.contracts)
                                .loc["oi_gradient", "moved by"]),
             "float", "numpy.gradient at bar i is (OI[i+1] − OI[i−1]) / 2.",
             f"By {_bump.contracts:g} / 2 = {_bump.contracts / 2:g}: bar {_bump.bar} reads bar {_bump.bumped}, a value "
             "it could not know yet.", tolerance=1e-6,
             unit="contracts", repeats=True),
    Question("ch3.gradient_window", "Seed 7: how many indicator values change when gradient_window goes from 5 "
             "to 20 and long_sma_window from 30 to 40, both at once?",
             lambda seed: _cells_changed(seed, gradient_window=20, long_sma_window=40), "int",
             "Compare calculate_indicators(data) with calculate_indicators(data, long_sma_window=40, "
             "gradient_window=20) cell by cell; then change one of the two windows alone.",
             "Exactly as many as the long window changes on its own: the gradient window adds none, because the "
             "article passes it along but never uses it.", repeats=True),
    # Chapter 4
    Question("ch4.buy_20_50", "Seed 7, windows 20 and 50: how many bars apart are the bot's signals (BUY or SELL) "
             "on average? Give two decimals.", lambda seed: _mean_signal_gap(seed, 20, 50), "float",
             "Run run_article with short_sma_window=20, long_sma_window=50; take the bar numbers whose signal is not "
             "HOLD, then the mean of their differences (numpy.diff).",
             "Longer windows cross less often, so the signals are fewer and further apart than with 10 and 30.",
             tolerance=0.0051, unit="bars"),
    Question("ch4.filtered", "Seed 7, the article's windows: on which bar does the last crossing that the momentum "
             "condition rejects fall? (-1 if it rejects none.)", _last_rejected_crossing, "int",
             "crossings(frame) gives the bars where the averages cross; a crossing without a BUY or SELL on its bar "
             "was rejected.",
             "A crossing is rejected when open interest is not already moving its way: the table counts those "
             "crossings, the bars say which they are."),
    Question("ch4.first_real_signal", "Seed 7, windows 5 and 20: on which date (YYYY-MM-DD) does the first signal "
             "fall once both averages really exist?", lambda seed: _first_signal_after_warmup(seed, 5, 20), "date",
             "With a 20-bar long window the long average exists from bar 19; the signal on that bar is still the "
             "zero fill at work.",
             "The earlier signals come from the warm-up; this is the first one made by two real averages."),
    # Chapter 5
    Question("ch5.winners", "Seed 7, the article's settings: how many dollars do the winning round trips make "
             "together?", _winners_dollars, "float",
             "The trade log, result.trades, has a pnl column in dollars: add up the positive ones.",
             "Few trades win, yet the run ends up: a few long winners pay for many small losses.",
             tolerance=0.01, unit="dollars",
             why_any_seed="Compare the total with the number of winners: a few long winners carry the run and pay "
             "for many small losses."),
    Question("ch5.double_premium", "Seed 7: pay 5 points ($25) per option instead of 2.5. What is the net P&L in "
             "dollars?", lambda seed: float(run_article(book_market(seed), premium=2 * OPTION_PREMIUM_FIXED)[1].net_pnl),
             "float", "run_article(data, premium=25.0) — the premium is in dollars.",
             "Every trade pays $12.50 more, so the result falls by $12.50 times the number of trades.", tolerance=0.01, unit="dollars"),
    Question("ch5.premium_share", "Over seeds 0–199 with a 5-point ($25) premium, what percentage of runs is "
             "profitable?", lambda seed: _profitable_share(2 * OPTION_PREMIUM_FIXED), "float",
             "seed_sweep(premium=25.0) gives one row per seed of the chapter's 200.",
             "Under half: most of the article's 'edge' was the fixed cheap premium.", tolerance=0.51, unit="%",
             seeded=False),
)


__all__ = [
    "final_oi_with_price_drift",
]
