"""Exercises of part 2, "Making it honest" (chapters 6-7), registered on import."""
from __future__ import annotations

from ..data.real import weekly_market_from_real_data
from ..options.pricing import implied_volatility
from ..options.tables import greeks_table
from ..studies.caveats import run_caveats
from .base import Question, book_market, register


def _caveat_run(seed: int, *keys: str):
    """The run on the market of ``seed`` with the honest alternative of each caveat in ``keys`` (chapter 6)."""
    return run_caveats(book_market(seed), list(keys))


def _example_greek(row: str, days: int, column: str = "dollars") -> float:
    """A Greek of the book's example option with ``days`` to expiry instead of its 91 (``greeks_table``)."""
    return float(greeks_table(days=days).loc[row, column])


def _implied_vol_percent(premium: float, days: int) -> float:
    return round(100 * float(implied_volatility(premium, 4000.0, 4000.0, days / 365, 0.04, True)), 4)


def _weeks_used_late() -> int:
    """Weeks of the publication frame whose figure is used later after its as-of date than most figures are."""
    pub = weekly_market_from_real_data("publication")
    days = (pub["timestamp"] - pub["as_of"]).dt.days
    return int((days > days.mode().iloc[0]).sum())


register(
    # Chapter 6
    Question("ch6.backward_gradient", "Seed 7: the article's bot with one change, a backward gradient "
             "(ARTICLE.replace(gradient='backward')). What is the net P&L in dollars?",
             lambda seed: float(_caveat_run(seed, "gradient").net_pnl), "float",
             "run_backtest(data, mb.ARTICLE.replace(gradient='backward')).net_pnl, or "
             "caveats.run_caveats(data, ['gradient']).",
             "The backward gradient lets other crossings through, so the bot trades on other days (15 trades instead "
             "of 12) and seed 7 ends in a loss; over 100 markets the change averages out near zero.",
             tolerance=0.01, unit="dollars",
             why_any_seed="The backward gradient lets other crossings through, so the bot trades on other days; "
             "on one market that can go either way, and over 100 markets the change averages out near zero."),
    Question("ch6.costs_total", "Seed 7 with the costs switch alone: how many dollars of fees, spread and slippage "
             "does the run pay in total?", lambda seed: float(_caveat_run(seed, "costs").total_costs), "float",
             "result.total_costs, or the sum of the trade log's costs column.",
             "About $2.84 per round trip (two fees of $0.92 and two 0.05-point ticks each way); $4.84 when the "
             "option is sold above 10 points, where CME's tick is 0.25; less when an option is sold for nothing: "
             "then there is no spread to cross on the way out.", tolerance=0.01, unit="dollars"),
    Question("ch6.theta", "Seed 7: switch on Black-76 premium and marks together with quarterly expiries "
             "(caveats 'marks' and 'expiry'). What is the net P&L in dollars?",
             lambda seed: float(_caveat_run(seed, "marks", "expiry").net_pnl), "float",
             "caveats.run_caveats(data, ['marks', 'expiry']).net_pnl",
             "Once an option both costs its model price and expires, its time value melts every day it is held: "
             "that is theta, and on seed 7 it turns the article's profit into a loss.", tolerance=0.01,
             unit="dollars",
             why_any_seed="Once an option both costs its model price and expires, its time value melts every day "
             "it is held: that is theta, and it is paid on every trade."),
    # Chapter 7
    Question("ch7.theta_dollars", "The book's example option three weeks before expiry (futures 4,000, strike 4,000, "
             "21 days, 18 % vol, 4 % rate): how many dollars does one MES call lose in a day if nothing else "
             "changes?",
             lambda seed: _example_greek("theta", 21), "float",
             "black76_greeks(...).theta_per_day is in points per day, with years = days / 365; one point is $5.",
             "Theta per day in points, times $5 a point, and negative: the option loses value. That is more than "
             "twice what the same option loses with 91 days left: the loss per day grows as expiry comes closer.",
             tolerance=0.006, unit="dollars", seeded=False),
    Question("ch7.implied_vol", "An at-the-money MES call (futures and strike 4,000, 30 days, 4 % rate) trades at "
             "100 points. What volatility does that price imply, in percent?",
             lambda seed: _implied_vol_percent(100.0, 30), "float",
             "mb.implied_volatility(100.0, 4000.0, 4000.0, 30 / 365, 0.04, True) gives a fraction per year.",
             "About 21.9 %: higher than the 18 % that gives 82 points for 30 days, as it must be for a dearer option.",
             tolerance=0.05, unit="%", seeded=False),
    Question("ch7.lag_days", "In the weekly real-data frame with lag='publication', most figures are used three "
             "calendar days after their as-of date, on the Friday. In how many weeks of the frame is a figure used "
             "later than that?", lambda seed: _weeks_used_late(), "int",
             "Subtract the as_of column from the timestamp column, in days, and count the weeks above the most "
             "common value.",
             "Those are weeks with a holiday, when the release schedule moves; in most of them the report comes out "
             "after the weekend, and a backtest that dated every figure on its Friday would read it before it was "
             "public.",
             seeded=False),
)


__all__ = [
]
