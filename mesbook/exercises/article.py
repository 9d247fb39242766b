"""Exercises of part 1, "The article" (chapters 1-5), registered on import."""
from __future__ import annotations

from typing import Optional

import numpy as np
import pandas as pd

from ..article.contract import get_atm_strike

from ..core.contract import payoff_dollars
from ..article.indicators import calculate_indicators, defined_from
from ..article.market import simulate_with_drift
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


def _first_signal_after_warmup(seed: int) -> str:
    frame, _ = run_article(book_market(seed))
    warm_end = defined_from(frame["oi_long_sma"].to_numpy())
    acting = np.flatnonzero(frame["signal"].astype(str).to_numpy() != "HOLD")
    return f"{frame['timestamp'].iloc[acting[acting > warm_end][0]]:%Y-%m-%d}"


def _cells_changed_by_gradient_window(seed: int, other: int) -> int:
    a = calculate_indicators(book_market(seed), gradient_window=5)
    b = calculate_indicators(book_market(seed), gradient_window=other)
    columns = ["oi_change", "oi_gradient", "oi_short_sma", "oi_long_sma"]
    return int((a[columns].to_numpy() != b[columns].to_numpy()).sum())


def _unit_factor() -> float:
    breaks = find_unit_breaks(load_cftc_open_interest().set_index("as_of")["open_interest"])
    return float(breaks.loc[pd.Timestamp("2023-05-02"), "factor"])


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


def final_oi_with_price_drift(price_drift: float, seed: Optional[int] = None) -> float:
    """Final open interest (contracts) of the market of ``seed`` (default: the active seed) with another price
    drift (chapter 2)."""
    return float(simulate_with_drift(active_seed() if seed is None else seed,
                                     price_drift=price_drift)["open_interest"].iloc[-1])


def _put_pnl() -> float:
    """Chapter 1's put, bought at the example entry and closed at ``put_close`` (mesbook.studies.worked), dollars."""
    return _payoff(-1, _ex.strike, _ex.put_close, OPTION_PREMIUM_FIXED / FUTURES_MULTIPLIER)


register(
    # Chapter 1
    Question("ch1.atm_tie", f"Futures trade at {_ex.tie:g}, exactly halfway between two strikes. Which strike does "
             "get_atm_strike choose?", lambda seed: get_atm_strike(_ex.tie), "float",
             "Divide by 5. What does Python's round() do with a number that ends in .5?",
             f"{_ex.tie / STRIKE_INTERVAL:g} rounds to {get_atm_strike(_ex.tie) / STRIKE_INTERVAL:g} (even), and "
             f"{get_atm_strike(_ex.tie) / STRIKE_INTERVAL:g} × {STRIKE_INTERVAL:g} = {get_atm_strike(_ex.tie):g}: ties go to "
             "the even multiple.", unit="points", seeded=False),
    Question("ch1.put_pnl", f"You buy the ATM put at {_ex.entry:g} (strike {_ex.strike:g}) for the article's premium "
             f"and close it with futures at {_ex.put_close:g}. What is the P&L in dollars?",
             lambda seed: _put_pnl(), "float",
             "Intrinsic value is strike − price in points; multiply by $5 and subtract $12.50.",
             f"({_ex.strike:g} − {_ex.put_close:g}) × $5 − $12.50 = {usd(_put_pnl())}.", tolerance=0.005, unit="dollars",
             seeded=False),
    Question("ch1.breakeven", f"With a premium of {_ex.dearer_premium:g} points, at what futures price does a call "
             f"struck at {_ex.strike:g} break even when it is closed?",
             lambda seed: _breakeven(_ex.strike, _ex.dearer_premium), "float",
             "At breakeven the intrinsic value exactly pays back the premium, both in points.",
             f"The call must be {_ex.dearer_premium:g} points in the money: {_ex.strike:g} + {_ex.dearer_premium:g} = "
             f"{_ex.strike + _ex.dearer_premium:g}.", tolerance=0.01, unit="points", seeded=False),
    # Chapter 2
    Question("ch2.independence", "Seed 7: raise the price drift from 0.1 to 1.0 point per bar. By how many contracts "
             "does the final open interest change?",
             lambda seed: float(final_oi_with_price_drift(1.0, seed) - final_oi_with_price_drift(0.1, seed)), "float",
             "The price and the open interest are drawn from separate random numbers.",
             "Not at all: the simulated OI never looks at the price.", tolerance=1e-6, unit="contracts", repeats=True),
    Question("ch2.ledger", "In the toy market, Gus buys one contract from Hal, and both open a new position. "
             "What is the open interest after this seventh trade?",
             lambda seed: int(oi_ledger(LEDGER_TRADES + (("Gus", "opens", "Hal", "opens"),))["open interest"].iloc[-1]),
             "int", "After the sixth trade nobody holds a position; a trade where both sides open adds 1.",
             "Two newcomers create one new contract: open interest goes from 0 to 1.", seeded=False),
    Question("ch2.unit_factor", "In the CFTC file, by what factor does the reported open interest jump from the "
             "report of 2023-04-25 to that of 2023-05-02? Give two decimals.", lambda seed: _unit_factor(), "float",
             "Divide the 2023-05-02 figure by the 2023-04-25 figure; find_unit_breaks does it for you.",
             "About ×5: the report switched units, from full-size contracts to E-mini equivalents.",
             tolerance=0.0051, seeded=False),
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
             "to 20?", lambda seed: _cells_changed_by_gradient_window(seed, 20), "int",
             "Compare calculate_indicators(data, gradient_window=5) with gradient_window=20.",
             "None: the article passes the gradient window along but never uses it.", repeats=True),
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
    Question("ch4.first_real_signal", "Seed 7: on which date (YYYY-MM-DD) does the first signal fall once both "
             "averages really exist?", _first_signal_after_warmup, "date",
             "The long average exists from bar 29; the signal on that bar is still the zero fill at work.",
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
