"""Self-check for the book's exercises: ``check("ch3.first_crossing", answer)``.

Every answer is computed here, by mesbook, on the book's seeded data (:data:`BOOK_SEED`), so an answer
can never drift away from the code it is about. :func:`check` prints a verdict — ✓ with the reason, ✗ with a
hint, or a reminder that there is no answer yet — and returns a :class:`Verdict` that is truthy only
for a right answer.

    >>> from mesbook.exercises import check
    >>> check("ch1.atm_tie", None)
    … ch1.atm_tie: no answer yet.
      Replace None with your answer and run the cell again.
    Verdict('ch1.atm_tie', correct=None)

In a notebook the returned :class:`Verdict` shows nothing, so only the printed lines appear.
"""
from __future__ import annotations

import numbers
import textwrap
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable, Optional

import numpy as np
import pandas as pd

from . import plots
from .constants import FUTURES_MULTIPLIER, OPTION_PREMIUM_FIXED
from .article.contract import get_atm_strike
from .article.indicators import calculate_indicators
from .article.market import simulate_market_data
from .article.pipeline import run_article

#: The seed of every simulated market in the book.
BOOK_SEED: int = 7
#: Bars in the book's simulated market (the article's NUM_PERIODS).
BOOK_BARS: int = 500


@lru_cache(maxsize=None)
def _book_market() -> pd.DataFrame:
    return simulate_market_data(BOOK_BARS, seed=BOOK_SEED)


def book_market() -> pd.DataFrame:
    """The book's seeded market (a fresh copy: callers may modify it)."""
    return _book_market().copy()


@dataclass(frozen=True)
class Question:
    """One exercise: how to compute its answer, how to compare, what to say."""

    key: str
    prompt: str
    solve: Callable[[], Any]
    kind: str  # "int", "float", "text" or "date"
    hint: str
    why: str
    tolerance: float = 0.0
    unit: str = ""


def _first_crossing(short: int, long: int) -> int:
    up, down = plots.crossings(calculate_indicators(book_market(), short, long))
    return int(min(np.r_[up, down]))


def _first_signal_after_warmup() -> str:
    frame, _ = run_article(book_market())
    warm_end = plots.defined_from(frame["oi_long_sma"].to_numpy())
    acting = np.flatnonzero(frame["signal"].astype(str).to_numpy() != "HOLD")
    return f"{frame['timestamp'].iloc[acting[acting > warm_end][0]]:%Y-%m-%d}"


def _cells_changed_by_gradient_window(other: int) -> int:
    a = calculate_indicators(book_market(), gradient_window=5)
    b = calculate_indicators(book_market(), gradient_window=other)
    columns = ["oi_change", "oi_gradient", "oi_short_sma", "oi_long_sma"]
    return int((a[columns].to_numpy() != b[columns].to_numpy()).sum())


def _unit_factor() -> float:
    from .data.real import find_unit_breaks, load_cftc_open_interest

    breaks = find_unit_breaks(load_cftc_open_interest().set_index("as_of")["open_interest"])
    return float(breaks.loc[pd.Timestamp("2023-05-02"), "factor"])


def _profitable_share(premium: float) -> float:
    return float(100 * (plots.seed_sweep(range(200), premium=premium)["net P&L ($)"] > 0).mean())


def _breakeven(strike: float, premium_points: float) -> float:
    """Lowest exit price (to 0.001 point) at which a long call's P&L is no longer negative."""
    prices = np.arange(strike, strike + 10 * premium_points + 1, 0.001)
    call, _ = plots.payoff_dollars(prices, strike, premium_points)
    return float(np.round(prices[np.argmax(call >= -1e-9)], 3))


def _payoff(sign: int, strike: float, exit_price: float, premium_points: float) -> float:
    call, put = plots.payoff_dollars(np.array([exit_price]), strike, premium_points)
    return float((call if sign > 0 else put)[0])


_QUESTIONS: tuple[Question, ...] = (
    # Chapter 1
    Question("ch1.atm_tie", "Futures trade at 4512.5, exactly halfway between two strikes. Which strike does "
             "get_atm_strike choose?", lambda: get_atm_strike(4512.5), "float",
             "Divide by 5. What does Python's round() do with a number that ends in .5?",
             "902.5 rounds to 902 (even), and 902 × 5 = 4510: ties go to the even multiple.", unit="points"),
    Question("ch1.put_pnl", "You buy the ATM put at 4503.25 (strike 4505) for the article's premium and close it "
             "with futures at 4490. What is the P&L in dollars?",
             lambda: _payoff(-1, get_atm_strike(4503.25), 4490.0, OPTION_PREMIUM_FIXED / FUTURES_MULTIPLIER), "float",
             "Intrinsic value is strike − price in points; multiply by $5 and subtract $12.50.",
             "(4505 − 4490) × $5 − $12.50 = $62.50.", tolerance=0.005, unit="dollars"),
    Question("ch1.breakeven", "With a premium of 4 points, at what futures price does a call struck at 4505 break "
             "even when it is closed?", lambda: _breakeven(4505.0, 4.0), "float",
             "At breakeven the intrinsic value exactly pays back the premium, both in points.",
             "The call must be 4 points in the money: 4505 + 4 = 4509.", tolerance=0.01, unit="points"),
    # Chapter 2
    Question("ch2.independence", "Seed 7: raise the price drift from 0.1 to 1.0 point per bar. By how many contracts "
             "does the final open interest change?",
             lambda: float(final_oi_with_price_drift(price_drift=1.0) - final_oi_with_price_drift(price_drift=0.1)), "float",
             "The price and the open interest are drawn from separate random numbers.",
             "Not at all: the simulated OI never looks at the price.", tolerance=1e-6, unit="contracts"),
    Question("ch2.ledger", "In the toy market, Gus buys one contract from Hal, and both open a new position. "
             "What is the open interest after this seventh trade?",
             lambda: int(plots.oi_ledger(plots.LEDGER_TRADES + (("Gus", "opens", "Hal", "opens"),))["open interest"].iloc[-1]),
             "int", "After the sixth trade nobody holds a position; a trade where both sides open adds 1.",
             "Two newcomers create one new contract: open interest goes from 0 to 1."),
    Question("ch2.unit_factor", "In the CFTC file, by what factor does the reported open interest jump from the "
             "report of 2023-04-25 to that of 2023-05-02? Give two decimals.", lambda: _unit_factor(), "float",
             "Divide the 2023-05-02 figure by the 2023-04-25 figure; find_unit_breaks does it for you.",
             "About ×5: the report switched units, from full-size contracts to E-mini equivalents.",
             tolerance=0.0051),
    # Chapter 3
    Question("ch3.first_crossing", "Seed 7, short window 5 and long window 30: on which bar does the first "
             "crossing of the averages appear?", lambda: _first_crossing(5, 30), "int",
             "Bars are numbered from 0. When does a 5-bar average first exist?",
             "Bar 4 = short window − 1: the average appears there and 'crosses' the long one, still 0."),
    Question("ch3.lookahead", "Seed 7: add 600 contracts to the open interest of bar 201 only. By how many "
             "contracts does the gradient at bar 200 move?",
             lambda: float(plots.lookahead_table(book_market(), bar=200, bump=600.0).loc["oi_gradient", "moved by"]),
             "float", "numpy.gradient at bar i is (OI[i+1] − OI[i−1]) / 2.",
             "By 600 / 2 = 300: bar 200 reads bar 201, a value it could not know yet.", tolerance=1e-6,
             unit="contracts"),
    Question("ch3.gradient_window", "Seed 7: how many indicator values change when gradient_window goes from 5 "
             "to 20?", lambda: _cells_changed_by_gradient_window(20), "int",
             "Compare calculate_indicators(data, gradient_window=5) with gradient_window=20.",
             "None: the article passes the gradient window along but never uses it."),
    # Chapter 4
    Question("ch4.buy_20_50", "Seed 7, windows 20 and 50: how many BUY signals does the bot give?",
             lambda: int(run_article(book_market(), short_sma_window=20, long_sma_window=50)[1].signal_counts["BUY"]),
             "int", "Run run_article with short_sma_window=20, long_sma_window=50 and look at signal_counts.",
             "Longer windows cross less often, so fewer signals."),
    Question("ch4.filtered", "Seed 7, the article's windows: how many crossings does the momentum condition throw "
             "away?", lambda: int(plots.signal_table(run_article(book_market())[0])["filtered out by momentum"].sum()),
             "int", "Crossings minus signals, for both directions; signal_table has both columns.",
             "A few: most crossings happen while OI is already moving the same way."),
    Question("ch4.first_real_signal", "Seed 7: on which date (YYYY-MM-DD) does the first signal fall once both "
             "averages really exist?", _first_signal_after_warmup, "date",
             "The long average exists from bar 29; the signal on that bar is still the zero fill at work.",
             "The earlier signals come from the warm-up; this is the first one made by two real averages."),
    # Chapter 5
    Question("ch5.winners", "Seed 7, the article's settings: how many of the round trips make money?",
             lambda: int(run_article(book_market())[1].summary().wins), "int",
             "result.summary() has the number of trades and the win rate; or count trades with pnl > 0.",
             "Few trades win, yet the run ends up: a few long winners pay for many small losses."),
    Question("ch5.double_premium", "Seed 7: pay 5 points ($25) per option instead of 2.5. What is the net P&L in "
             "dollars?", lambda: float(run_article(book_market(), premium=2 * OPTION_PREMIUM_FIXED)[1].net_pnl),
             "float", "run_article(data, premium=25.0) — the premium is in dollars.",
             "Every trade pays $12.50 more, so the result falls by $12.50 times the number of trades.", tolerance=0.01, unit="dollars"),
    Question("ch5.premium_share", "Over seeds 0–199 with a 5-point ($25) premium, what percentage of runs is "
             "profitable?", lambda: _profitable_share(2 * OPTION_PREMIUM_FIXED), "float",
             "seed_sweep(range(200), premium=25.0) gives one row per seed.",
             "Under half: most of the article's 'edge' was the fixed cheap premium.", tolerance=0.51, unit="%"),
)


def final_oi_with_price_drift(price_drift: float) -> float:
    """Final open interest (contracts) of the book's market with another price drift (chapter 2)."""
    from .widgets import simulate_with_drift

    return float(simulate_with_drift(BOOK_SEED, price_drift=price_drift)["open_interest"].iloc[-1])


QUESTIONS: dict[str, Question] = {q.key: q for q in _QUESTIONS}


def register(*new: Question) -> None:
    """Add exercises (later parts of the book register theirs at the end of this module)."""
    for q in new:
        if q.key in QUESTIONS:
            raise ValueError(f"exercise {q.key!r} is already registered")
        QUESTIONS[q.key] = q


def _question(key: str) -> Question:
    try:
        return QUESTIONS[key]
    except KeyError:
        raise KeyError(f"no exercise {key!r}; known keys: {', '.join(QUESTIONS)}") from None


@lru_cache(maxsize=None)
def expected(key: str) -> Any:
    """The right answer to exercise ``key``, computed by mesbook (cached)."""
    return _question(key).solve()


def questions(chapter: Optional[int] = None) -> pd.DataFrame:
    """The exercises (key and question), optionally for one chapter."""
    keys = [k for k in QUESTIONS if chapter is None or k.startswith(f"ch{chapter}.")]
    return pd.DataFrame({"question": [QUESTIONS[k].prompt for k in keys]}, index=pd.Index(keys, name="key"))


def is_correct(key: str, answer: Any) -> bool:
    """Whether ``answer`` is right for ``key`` (no printing)."""
    q, right = _question(key), expected(key)
    if q.kind in ("int", "float"):
        if isinstance(answer, bool) or not isinstance(answer, numbers.Real):
            try:
                answer = float(str(answer).replace(",", "").replace("$", "").strip())
            except ValueError:
                return False
        if not np.isfinite(float(answer)):
            return False
        return abs(float(answer) - float(right)) <= (q.tolerance if q.kind == "float" else 0)
    if q.kind == "date":
        try:
            return pd.Timestamp(answer).normalize() == pd.Timestamp(right)
        except (ValueError, TypeError):
            return False
    return str(answer).strip().lower() == str(right).strip().lower()


class Verdict:
    """What :func:`check` returns: truthy when the answer is right.

    ``correct`` is ``True``, ``False`` or ``None`` (no answer yet). It shows nothing in a notebook (the
    printed line is the message), so a check at the end of a cell does not add an ``Out[...]`` line.
    """

    def __init__(self, key: str, correct: Optional[bool]):
        self.key, self.correct = key, correct

    def __bool__(self) -> bool:
        return bool(self.correct)

    def __repr__(self) -> str:
        return f"Verdict({self.key!r}, correct={self.correct})"

    def _ipython_display_(self) -> None:  # the printed line already says everything
        pass


def _shown(answer: Any) -> str:
    if isinstance(answer, np.generic):
        answer = answer.item()
    if isinstance(answer, float):
        return f"{answer:,.6g}" if abs(answer) < 1e15 else repr(answer)
    if isinstance(answer, (int, str)):
        return f"{answer:,}" if isinstance(answer, int) and not isinstance(answer, bool) else repr(answer)
    return repr(answer)


def check(key: str, answer: Any) -> Verdict:
    """Print whether ``answer`` is right for exercise ``key`` (✓, ✗ with a hint, or no answer yet).

    Returns a :class:`Verdict`, truthy exactly when the answer is right.
    """
    q = _question(key)
    if answer is None:
        print(f"… {key}: no answer yet.\n" + _wrap("Replace None with your answer and run the cell again."))
        return Verdict(key, None)
    if is_correct(key, answer):
        print(f"✓ {key}: {_shown(answer)} is right.\n" + _wrap(q.why))
        return Verdict(key, True)
    print(f"✗ {key}: {_shown(answer)} is not it.\n" + _wrap(f"Hint: {q.hint}"))
    return Verdict(key, False)


def _wrap(text: str) -> str:
    """Indent and wrap an explanation so it reads in a narrow output cell."""
    return textwrap.fill(text, width=76, initial_indent="  ", subsequent_indent="  ")


__all__ = ["BOOK_BARS", "BOOK_SEED", "QUESTIONS", "Question", "Verdict", "book_market", "check", "expected", "is_correct",
           "final_oi_with_price_drift", "questions", "register"]


# === Part "Making it honest" (chapters 6-7): helpers for those chapters go below this line ===

def _caveat_run(*keys: str):
    """The book's market run with the honest alternative of each caveat in ``keys`` (chapter 6)."""
    from .studies.caveats import run_caveats

    return run_caveats(book_market(), list(keys))


def _example_greek(row: str, column: str = "dollars") -> float:
    from .options.tables import greeks_table

    return float(greeks_table().loc[row, column])


def _implied_vol_percent(premium: float, days: int) -> float:
    from .options.pricing import implied_volatility

    return round(100 * float(implied_volatility(premium, 4000.0, 4000.0, days / 365, 0.04, True)), 4)


def _publication_gap_days() -> int:
    from .data.real import weekly_market_from_real_data

    pub = weekly_market_from_real_data("publication")
    return int((pub["timestamp"] - pub["as_of"]).dt.days.mode().iloc[0])


register(
    # Chapter 6
    Question("ch6.backward_gradient", "Seed 7: the article's bot with one change, a backward gradient "
             "(ARTICLE.replace(gradient='backward')). What is the net P&L in dollars?",
             lambda: float(_caveat_run("gradient").net_pnl), "float",
             "run_backtest(data, mb.ARTICLE.replace(gradient='backward')).net_pnl, or "
             "caveats.run_caveats(data, ['gradient']).",
             "The backward gradient lets other crossings through, so the bot trades on other days (15 trades instead "
             "of 12) and seed 7 ends in a loss; over 100 markets the change averages out near zero.",
             tolerance=0.01, unit="dollars"),
    Question("ch6.costs_total", "Seed 7 with the costs switch alone: how many dollars of fees, spread and slippage "
             "does the run pay in total?", lambda: float(_caveat_run("costs").total_costs), "float",
             "result.total_costs, or the sum of the trade log's costs column.",
             "About $2.84 per round trip (two fees of $0.92 and two ticks each way), less when an option is sold "
             "for nothing: then there is no spread to cross on the way out.", tolerance=0.01, unit="dollars"),
    Question("ch6.theta", "Seed 7: switch on Black-76 premium and marks together with quarterly expiries "
             "(caveats 'marks' and 'expiry'). What is the net P&L in dollars?",
             lambda: float(_caveat_run("marks", "expiry").net_pnl), "float",
             "caveats.run_caveats(data, ['marks', 'expiry']).net_pnl",
             "Once an option both costs its model price and expires, its time value melts every day it is held: "
             "that is theta, and on seed 7 it turns the article's profit into a loss.", tolerance=0.01,
             unit="dollars"),
    # Chapter 7
    Question("ch7.theta_dollars", "The book's example option (futures 4,000, strike 4,000, 91 days, 18 % vol, 4 % "
             "rate): how many dollars does one MES call lose in a day if nothing else changes?",
             lambda: _example_greek("theta"), "float",
             "black76_greeks(...).theta_per_day is in points per day; one point is $5.",
             "About −$3.82 a day: theta per day is −0.76 points, and each point is $5. The loss per day grows "
             "as expiry comes closer.", tolerance=0.006, unit="dollars"),
    Question("ch7.implied_vol", "An at-the-money MES call (futures and strike 4,000, 30 days, 4 % rate) trades at "
             "100 points. What volatility does that price imply, in percent?",
             lambda: _implied_vol_percent(100.0, 30), "float",
             "mb.implied_volatility(100.0, 4000.0, 4000.0, 30 / 365, 0.04, True) gives a fraction per year.",
             "About 21.9 %: higher than the 18 % that gives 82 points for 30 days, as it must be for a dearer option.",
             tolerance=0.05, unit="%"),
    Question("ch7.lag_days", "In the weekly real-data frame with lag='publication', how many calendar days after its "
             "as-of date is a figure most often used?", _publication_gap_days, "int",
             "Subtract the as_of column from the timestamp column and take the most common number of days.",
             "Three: measured on a Tuesday, published and used on the Friday of the same week."),
)


# === Part "Is there an edge?" (chapters 8-10): helpers for those chapters go below this line ===

#: Bars of the longer seeded market on which chapter 8 walks forward (folds of 200 + 200 bars).
WALK_FORWARD_BARS: int = 2000
#: Paths of the Monte Carlo runs in chapter 9 and seeds of its realism ladder.
MC_PATHS, LADDER_SEEDS = 400, 40
#: The planted edges tried in chapter 9's exercise, per-bar Sharpe ratios.
COUPLING_STEPS: tuple[float, ...] = tuple(round(0.01 * k, 2) for k in range(1, 11))


@lru_cache(maxsize=None)
def _book_sweep(statistic: str = "net_pnl") -> pd.DataFrame:
    from .studies.sweep import sweep_windows

    return sweep_windows(book_market(), plots.SWEEP_SHORTS, plots.SWEEP_LONGS, statistic=statistic)


@lru_cache(maxsize=None)
def _book_walk_forward() -> pd.DataFrame:
    from .studies.walkforward import walk_forward

    history = simulate_market_data(WALK_FORWARD_BARS, seed=BOOK_SEED)
    return walk_forward(history, plots.SWEEP_SHORTS, plots.SWEEP_LONGS, train_bars=200, test_bars=200,
                        statistic="net_pnl")


@lru_cache(maxsize=None)
def _realistic_market() -> pd.DataFrame:
    from .data.synthetic import simulate_realistic_market

    return simulate_realistic_market(BOOK_BARS, seed=BOOK_SEED)


def realistic_market() -> pd.DataFrame:
    """The realistic generator's market for the book's seed, 500 bars (a fresh copy)."""
    return _realistic_market().copy()


def _weakest_coupling() -> float:
    from .studies.montecarlo import monte_carlo

    for coupling in COUPLING_STEPS:
        if monte_carlo(MC_PATHS, seed=BOOK_SEED, coupling=coupling, generator="realistic").p_value < 0.05:
            return coupling
    return float("nan")


def _random_sides_t() -> float:
    from .studies.montecarlo import monte_carlo

    return round(monte_carlo(MC_PATHS, seed=BOOK_SEED, random_types="random").t_statistic, 2)


def _costliest_rung() -> str:
    from .studies.ladder import realism_ladder

    return str(realism_ladder(LADDER_SEEDS, seed=BOOK_SEED, generator="realistic")["change"].idxmin())


def _constant_vol_vega() -> float:
    from .studies.attribution import attribute_pnl
    from .engine.settings import REALISTIC

    return float(attribute_pnl(realistic_market(), REALISTIC.replace(volatility="constant")).totals()["vega"])


def _first_leak(short: int, long: int) -> int:
    from .studies.audit import article_signals, crossover_bars, lookahead_audit

    data = book_market()
    return lookahead_audit(article_signals(short, long), data, crossover_bars(data, short, long), n_scrambles=10).leaks[0]


register(
    # Chapter 8
    Question("ch8.article_rank", "Seed 7, the chapter's grid of windows, net P&L: what rank does the article's pair "
             "10 / 30 take (1 = best)?", lambda: plots.sweep_rank(_book_sweep()), "int",
             "Count the pairs whose net P&L is higher, and add 1; plots.sweep_rank does it.",
             "Near the top, but not at it: a dozen pairs did better on this one market, and none of them knew it "
             "in advance."),
    Question("ch8.beat_median", "In the chapter's walk-forward (2,000 bars, folds of 200 + 200), in how many folds "
             "does the chosen pair beat the median pair out of sample?",
             lambda: int((_book_walk_forward()["out_of_sample"] > _book_walk_forward()["test_median"]).sum()), "int",
             "Compare the columns out_of_sample and test_median of the walk_forward table.",
             "Only a few: the pair that was best in the past does no better than a typical pair in the future."),
    # Chapter 9
    Question("ch9.weakest_coupling", "With 400 paths (seed 7) on the realistic generator, what is the smallest "
             "coupling among 0.01, 0.02, …, 0.10 for which the test reports p < 0.05?", _weakest_coupling, "float",
             "Loop over the couplings with monte_carlo(400, seed=7, coupling=c, generator='realistic') and stop "
             "at the first p_value below 0.05.",
             "A very small edge needs many paths to show; at this size the test sees it from a per-bar Sharpe "
             "ratio of about 0.02.", tolerance=0.001),
    Question("ch9.random_sides", "Article generator, 400 paths, seed 7, but random entries that pick call or put "
             "by a coin (random_types='random'). What is the t statistic, to two decimals?", _random_sides_t, "float",
             "monte_carlo(400, seed=7, random_types='random').t_statistic",
             "Large, and still no information in the signals: OI drifts up, so the strategy holds calls longer "
             "than puts, and on a price that drifts up that alone beats a coin. A fair benchmark keeps the "
             "strategy's option types.", tolerance=0.005),
    Question("ch9.costliest_rung", "On the realistic generator (40 seeds, seed 7), which rung of the realism ladder "
             "lowers the mean net P&L the most? Give its name as in the table.", _costliest_rung, "text",
             "realism_ladder(40, seed=7, generator='realistic'), column change: the most negative one.",
             "Pricing the option with the market's own volatility: a fixed 2.5 points is far too cheap at 18 % a "
             "year, and the article's profit was mostly that gift."),
    # Chapter 10
    Question("ch10.constant_vol", "Attribute the REALISTIC run on the realistic seed-7 market again, but with "
             "volatility='constant'. What is the total vega P&L in dollars?", _constant_vol_vega, "float",
             "REALISTIC.replace(volatility='constant') in attribute_pnl, then .totals()['vega'].",
             "Zero: vega pays for changes of the volatility fed to the model, and a constant never changes.",
             tolerance=0.005, unit="dollars"),
    Question("ch10.first_leak", "Audit the article's signals on the book's market with windows 5 and 20 (cut points "
             "at their crossovers, 10 scrambles). At which bar is the first leak?", lambda: _first_leak(5, 20), "int",
             "lookahead_audit(article_signals(5, 20), data, crossover_bars(data, 5, 20), n_scrambles=10).leaks",
             "Other windows, other crossings, same flaw: wherever the change alone does not confirm the cross, the "
             "centred gradient decides with the next bar's figure."),
)

__all__ += ["COUPLING_STEPS", "LADDER_SEEDS", "MC_PATHS", "WALK_FORWARD_BARS", "realistic_market"]
