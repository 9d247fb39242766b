"""What each figure says in words: its alt text and caption, written from the numbers it draws.

Every ``*_figure`` of :mod:`mesbook.plots` ends with ``fig.describe(*text.<name>(...))``, passing the same
arrays and tables it has just drawn, so that the alt text a screen reader reads and the caption under the
figure cannot drift from the picture (:meth:`mesbook.plots.base.BookFigure.describe`). Each function here
returns ``(alt, caption)``; money goes through :func:`mesbook.formatting.usd` ("−$12.50"), counts and
prices through ``format``. No number in these sentences is typed: each one is an argument.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from ..formatting import format_p, usd


def _n(value: float, decimals: int = 0) -> str:
    """A number with thousands separators and the typographic minus."""
    return f"{value:,.{decimals}f}".replace("-", "−")


def _list(items: Sequence[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _span(times: pd.DatetimeIndex) -> str:
    return f"from {times[0]:%B %Y} to {times[-1]:%B %Y}"


# ---- chapters 1-5 ------------------------------------------------------------------------------------------

def payoff(strike: float, premium_points: float, premium: float, per_point: float) -> tuple[str, str]:
    alt = (f"Profit and loss at exit for a long call and a long put, both struck at {_n(strike, 0)} with a premium "
           f"of {premium_points:g} points. Both lines are flat at {usd(-premium)} on their losing side and rise by "
           f"{usd(per_point)} per point on the other; the call breaks even at {_n(strike + premium_points, 1)} and "
           f"the put at {_n(strike - premium_points, 1)}.")
    return alt, f"P&L when the option is closed, per option, for a premium of {usd(premium)}."


def atm_strike(low: float, high: float, interval: float, ties: np.ndarray, tie_strikes: np.ndarray,
               example: float, example_strike: float) -> tuple[str, str]:
    pairs = [f"{_n(t, 1)} goes to {_n(s, 0)}" for t, s in zip(ties, tie_strikes)]
    alt = (f"A staircase of the at-the-money strike against the futures price from {_n(low, 0)} to {_n(high, 0)}; "
           f"each step is {interval:g} points wide. The halfway prices are marked: {_list(pairs)}. The article's "
           f"example {example:,g} goes to {_n(example_strike, 0)}.")
    caption = (f"The at-the-money strike: the nearest multiple of {interval:g} points, with halfway prices rounded "
               "to the even multiple.")
    return alt, caption


def oi_ledger(volume: np.ndarray, open_interest: np.ndarray) -> tuple[str, str]:
    alt = (f"Step plot over {len(volume)} trades: volume climbs by one at every trade to {_n(volume[-1])}, while "
           f"open interest goes {', '.join(_n(v) for v in open_interest)}.")
    return alt, "Volume grows with every trade; open interest only when both sides open or both close."


def market(times: pd.DatetimeIndex, price: np.ndarray, oi: np.ndarray) -> tuple[str, str]:
    low = int(np.argmin(oi))
    alt = (f"Two stacked line charts over {len(times)} bars {_span(times)}. Top: the futures price, from "
           f"{_n(price[0])} to {_n(price[-1])} points, between {_n(price.min())} and {_n(price.max())}. Bottom: open "
           f"interest, from {_n(oi[0])} to {_n(oi[-1])} contracts, lowest at {_n(oi[low])} in {times[low]:%B %Y}.")
    return alt, "The futures price (top) and the open interest (bottom) of the market, bar by bar."


def regime(counts: pd.Series, corr: float) -> tuple[str, str]:
    quadrants = [f"{name} {_n(bars)} bars" for name, bars in counts.items()]
    alt = (f"Scatter plot of the price change against the open-interest change over one bar, for {_n(counts.sum())} "
           f"bars, with the four quadrants labelled {_list(quadrants)}. The correlation is {corr:+.3f}.")
    return alt, f"Price change against open-interest change, bar by bar: correlation {corr:+.3f}."


def real_oi(times: pd.DatetimeIndex, oi: np.ndarray, before: pd.Timestamp, after: pd.Timestamp, ratio: float,
            zoom_times: pd.DatetimeIndex, zoom_oi: np.ndarray, expiries: int) -> tuple[str, str]:
    alt = (f"Two panels of weekly open interest of all S&P 500 futures. Left, every report from {times[0]:%B %Y} to "
           f"{times[-1]:%B %Y}: from {oi[0] / 1e6:.2f} to {oi[-1] / 1e6:.2f} million contracts, with the week from "
           f"{before:%d %B %Y} to {after:%d %B %Y} marked, when the reported number is multiplied by {ratio:.2f} as its "
           f"units change. Right, {zoom_times[0]:%B %Y} to {zoom_times[-1]:%B %Y}: open interest between "
           f"{zoom_oi.min() / 1e6:.2f} and {zoom_oi.max() / 1e6:.2f} million contracts, with the {expiries} quarterly "
           "expiries drawn as dotted lines.")
    return alt, "Reported open interest of all S&P 500 futures (CFTC, weekly)."


def publication_lag(days: pd.DatetimeIndex, as_of: pd.Series, published: pd.Series) -> tuple[str, str]:
    lags = sorted({int(d) for d in (published - as_of).dt.days})
    measured = ", ".join(f"{t:%A %d %B}" for t in as_of)
    alt = (f"A calendar from {days[0]:%d %B} to {days[-1]:%d %B %Y}. Each day positions were measured ({measured}) "
           f"carries a circle, and an arrow leads to a square on the day the figure was published, "
           f"{_list([str(lag) for lag in lags])} days later.")
    first_as_of, first_published = as_of.dt.day_name().mode()[0], published.dt.day_name().mode()[0]
    return alt, f"Measured on {first_as_of}, public on {first_published}."


def indicator(bars: int, short_from: int, long_from: int, up: np.ndarray, down: np.ndarray,
              warm_gap: float) -> tuple[str, str]:
    alt = (f"Top: open interest over {bars} bars with its {short_from + 1}-bar and {long_from + 1}-bar moving "
           f"averages; the first {long_from} bars are shaded as warm-up. Bottom: the short average minus the long "
           f"average, with {len(up)} upward and {len(down)} downward crossings marked on the zero line; while only the "
           f"short average is defined, bars {short_from} to {long_from - 1}, the gap is about {_n(warm_gap)} "
           "contracts.")
    return alt, "Open interest with its moving averages (top) and the gap between them as the bot sees it (bottom)."


def warmup(bars: int, oi: np.ndarray, short_from: int, long_from: int, up: np.ndarray,
           down: np.ndarray) -> tuple[str, str]:
    crossings = [f"an upward crossing at bar {b}" for b in up] + [f"a downward crossing at bar {b}" for b in down]
    alt = (f"The first {bars} bars. Top: open interest between {_n(oi.min())} and {_n(oi.max())} contracts, the "
           f"short average drawn at 0 until bar {short_from - 1} and near open interest from bar {short_from}, the "
           f"long average at 0 until bar {long_from - 1} and near open interest from bar {long_from}. Bottom: the side "
           f"of the short average relative to the long one, with {_list(crossings) if crossings else 'no crossing'}.")
    return alt, f"The first {bars} bars as the bot sees them: {len(crossings)} crossings, all from the zero fill."


def lookahead(bar: int, bump: float, window: np.ndarray, before: float, after: float, change_before: float,
              change_after: float) -> tuple[str, str]:
    same = "stays the same" if change_before == change_after else f"moves from {_n(change_before)} to {_n(change_after)}"
    alt = (f"Left: open interest for bars {window[0]} to {window[-1]}, original and with bar {bar + 1} raised by "
           f"{_n(bump)} contracts; only bar {bar + 1} differs. Right: the gradient and the change over the same bars "
           f"before and after. The gradient at bar {bar} moves from {_n(before)} to {_n(after)}, while the change at "
           f"bar {bar} {same}.")
    caption = (f"Only bar {bar + 1} was changed, yet the gradient at bar {bar} moves: the centred gradient reads the "
               "next bar.")
    return alt, caption


def signals(times: pd.DatetimeIndex, buy: int, sell: int) -> tuple[str, str]:
    alt = (f"Two stacked panels over {len(times)} bars {_span(times)}. Top: open interest with its short and long "
           f"averages and {buy} upward triangles (BUY) and {sell} downward triangles (SELL) at the crossings. Bottom: "
           "the futures price with the same signals marked.")
    return alt, "BUY (▲) and SELL (▼) signals on open interest (top) and on the price (bottom)."


def equity(times: pd.DatetimeIndex, equity: np.ndarray, initial_cash: float, calls: int, puts: int,
           net_pnl: float) -> tuple[str, str]:
    low, high = int(np.argmin(equity)), int(np.argmax(equity))
    alt = (f"Top: the account value over {len(times)} bars {_span(times)}, starting at {usd(initial_cash, 0)}, lowest "
           f"at {usd(equity[low], 0)} in {times[low]:%B %Y}, highest at {usd(equity[high], 0)} in {times[high]:%B %Y}, "
           f"and ending at {usd(equity[-1], 0)} (net {usd(net_pnl, signed=True)}). Bottom: the futures price with "
           f"shaded spans for the {calls} calls and {puts} puts held.")
    return alt, "Account value (top) and the futures price with each holding period (bottom)."


def pnl_distribution(pnl: np.ndarray, compare: np.ndarray | None, compare_label: str, highlight: int | None,
                     value: float | None) -> tuple[str, str]:
    low, high = np.percentile(pnl, [5, 95])
    alt = (f"Histogram of the net P&L of {len(pnl)} runs of the article's bot, 90 % of them between {usd(low, 0)} and "
           f"{usd(high, 0)}, median {usd(float(np.median(pnl)), 0, signed=True)}, {100 * (pnl > 0).mean():.0f} % of "
           "them profitable.")
    if compare is not None:
        alt += (f" An outline histogram shows {compare_label} on the same {len(compare)} markets: median "
                f"{usd(float(np.median(compare)), 0, signed=True)}, {100 * (compare > 0).mean():.0f} % profitable.")
    if value is not None:
        alt += f" A marker shows seed {highlight} at {usd(value, signed=True)}."
    caption = f"Net P&L over {len(pnl)} seeded markets" + (
        f": the article's signals and {compare_label}." if compare is not None else ".")
    return alt, caption


# ---- chapters 6-7 ------------------------------------------------------------------------------------------

def caveats(panels: Sequence[tuple[str, pd.DataFrame]], z: float) -> tuple[str, str]:
    parts = []
    for name, table in panels:
        rows = [f"{label} {usd(change, 0, signed=True)}" for label, change in zip(table["honest"], table["change"])]
        parts.append(f"{name[:1].upper()}{name[1:]} (the article's bot makes {usd(float(table['before'].iloc[0]), 0, signed=True)} a run): "
                     + "; ".join(rows))
    alt = (f"{len(panels)} panel{'s' if len(panels) > 1 else ''} of horizontal bars, one row per honest switch, each "
           "the mean change in net P&L per run with its 95 % interval. " + ". ".join(parts) + ".")
    caption = (f"What each simplification is worth, switched off alone: mean change in net P&L per run, ± {z:.2f} "
               "standard errors across markets.")
    return alt, caption


def caveat_equity(base_pnl: float, base_trades: int, chosen_pnl: float, chosen_trades: int, label: str,
                  initial_cash: float) -> tuple[str, str]:
    alt = (f"The account value of the article's bot ({base_trades} trades), ending {usd(base_pnl, signed=True)}, and "
           f"of the same bot with {label} ({chosen_trades} trades), ending {usd(chosen_pnl, signed=True)}, both from "
           f"{usd(initial_cash, 0)}.")
    return alt, f"The article's bot against the bot with {label}."


def option_prices(futures: float, strikes: np.ndarray, at_money: dict, fixed_points: float, first_day: int,
                  first_premium: float, thetas: dict, rate: float | None = None,
                  vol: float | None = None) -> tuple[str, str]:
    premiums = _list([f"{p:.0f} points at {label}" for label, p in at_money.items()])
    decay = "; ".join(f"{_n(t, 2)} points a day with {day} days left" for day, t in thetas.items())
    alt = (f"Left: Black-76 call premiums against the strike, from {_n(strikes.min())} to {_n(strikes.max())}, with "
           f"the futures at {_n(futures)}, above the intrinsic value (a dashed line); at the money the premiums are "
           f"{premiums}. The article's fixed {fixed_points:g} points is a flat line near zero. Right: an at-the-money "
           f"option losing value with the futures unchanged, from {first_premium:.0f} points with {first_day} days "
           f"left to 0 at expiry, faster near the end: theta is {decay}.")
    caption = "Black-76 premiums by strike for several expiries (left), and an at-the-money option decaying (right)."
    if rate is not None and vol is not None:
        caption = f"Black-76 premiums ({100 * vol:.0f} % volatility, {100 * rate:.0f} % rate): by strike (left), decay (right)."
    return alt, caption


def greeks(strike: float, days: float, vol: float, futures: np.ndarray, at: pd.Series) -> tuple[str, str]:
    alt = (f"Premium, delta, gamma, vega and theta of a {days:g}-day call and put struck at {_n(strike)} with "
           f"{100 * vol:.0f} % volatility, against futures prices from {_n(futures.min())} to {_n(futures.max())}. At "
           f"the strike: call premium {at['call']:.2f} points, call delta {_n(at['call delta'], 3)}, put delta "
           f"{_n(at['put delta'], 3)}, gamma {at['gamma']:.5f}, vega {at['vega']:.2f} points per vol point and call theta "
           f"{_n(at['call theta'], 3)} points a day. A text panel repeats these values.")
    return alt, f"Black-76 Greeks of a {days:g}-day option struck at {_n(strike)}."


def walk_forward(label: str, in_sample: np.ndarray, out_of_sample: np.ndarray, test_bars: int | None,
                 test_median: np.ndarray | None = None) -> tuple[str, str]:
    folds = len(in_sample)
    label = label.replace(" [$]", "").replace(" ($)", "")
    gap = float(in_sample.mean() - out_of_sample.mean())
    fmt = (lambda v: usd(v, 0, signed=True)) if "P&L" in label else (lambda v: _n(v, 2))
    after = f"the next {test_bars} bars" if test_bars else "the following bars"
    alt = (f"Bar chart of {folds} walk-forward folds. In each, a grey bar shows the {label} of the best window pair "
           f"on its training bars and a blue bar the same pair's {label} on {after}. The grey bars range from "
           f"{fmt(in_sample.min())} to {fmt(in_sample.max())}, the blue bars from {fmt(out_of_sample.min())} to "
           f"{fmt(out_of_sample.max())}; {int((out_of_sample < 0).sum())} of the {folds} blue bars are below zero. "
           f"Marks show the median of all pairs out of sample"
           + (f"; the chosen pair is below that mark in {int((out_of_sample < test_median).sum())} of the {folds} folds"
              if test_median is not None else "") + f". On average: in-sample {fmt(in_sample.mean())}, "
           f"out-of-sample {fmt(out_of_sample.mean())}, a gap of {fmt(gap)}.")
    caption = f"Walk-forward: the window pair that looks best on the training bars, and its {label} on {after}."
    return alt, caption


def real_data(times: pd.DatetimeIndex, price: np.ndarray, oi: np.ndarray, published: float, as_of: float,
              initial_cash: float, swing: float) -> tuple[str, str]:
    alt = (f"Three stacked panels, weekly, {_span(times)}. Top: the S&P 500 index close, from {_n(price[0])} to "
           f"{_n(price[-1])}, highest at {_n(price.max())}. Middle: the CFTC open interest of all S&P 500 futures, "
           f"between {oi.min() / 1e6:.2f} and {oi.max() / 1e6:.2f} million contracts. Bottom: the honest bot's account "
           f"from {usd(initial_cash, 0)}, with open interest dated when published (ending "
           f"{usd(published, 0, signed=True)}) and dated as of its Tuesday (ending {usd(as_of, 0, signed=True)}); "
           f"both stay within {usd(swing, 0)} of the start.")
    caption = "The bot on real weekly data, honest prices and costs: open interest dated when published against as of its Tuesday."
    return alt, caption


def broker_loop(boxes: Sequence[tuple[str, str]], flow: Sequence[tuple[str, str]]) -> tuple[str, str]:
    named = "; ".join(f"{name} ({' '.join(what.split())})" for name, what in boxes)
    path = " → ".join([flow[0][0]] + [b for _, b in flow])
    alt = (f"Diagram of {len(boxes)} boxes joined by arrows: {named}. The arrows run {path}. A dashed arrow feeds "
           "positions back to the risk checks, and a dotted arrow labelled kill switch runs from monitoring to the "
           "risk checks.")
    return alt, "The loop of a paper-trading bot, described but not implemented."


# ---- chapters 8-10 -----------------------------------------------------------------------------------------

def sweep(market: str, name: str, pairs: int, shorts: Sequence, longs: Sequence, best: tuple, best_text: str,
          worst: tuple, worst_text: str, article: str) -> tuple[str, str]:
    alt = (f"Heatmap of the {name} on {market} for {pairs} window pairs: short windows {shorts[0]} to {shorts[-1]} "
           f"bars up the side, long windows {longs[0]} to {longs[-1]} bars across. The best cell, short {best[0]} and "
           f"long {best[1]}, shows {best_text} and is starred; the worst, short {worst[0]} and long {worst[1]}, "
           f"{worst_text}.{article}")
    return alt, f"{name.capitalize()} of every window pair on {market}."


def best_pairs(markets: int, cells: int, most: int, on_article: int, article: str) -> tuple[str, str]:
    alt = (f"A grid of window pairs with a dot for the best pair of each of {markets} seeded markets. The dots fall in "
           f"{cells} different cells; no cell holds more than {most} of them, and {on_article} sit on the article's "
           f"pair {article}.")
    return alt, f"The best window pair of each of {markets} seeded markets."


def monte_carlo(panels: Sequence[tuple[str, object]]) -> tuple[str, str]:
    parts = []
    for name, result in panels:
        low, high = np.percentile(result.difference, [1, 99])
        side = ("holds zero" if result.estimate.low_95 <= 0 <= result.estimate.high_95
                else "lies to the right of zero" if result.estimate.low_95 > 0 else "lies to the left of zero")
        parts.append(f"{name[:1].upper()}{name[1:]}, {result.num_paths} paths: 98 % of them between {usd(low, 0)} and {usd(high, 0)}, mean "
                     f"{usd(result.mean_difference, 0, signed=True)}, whose 95 % interval ({usd(result.estimate.low_95, 0)} "
                     f"to {usd(result.estimate.high_95, 0)}) {side}; one-sided p = {format_p(result.p_value)}")
    alt = (f"{len(panels)} histogram{'s' if len(panels) > 1 else ''} of the per-path difference between the strategy's "
           "P&L and its random-entry twin. " + ". ".join(parts) + ".")
    return alt, "Strategy minus random entries, per path: " + "; ".join(name for name, _ in panels) + "."


def ladder(names: Sequence[str], mean: np.ndarray, step: np.ndarray, low: np.ndarray, high: np.ndarray,
           markets: int | None) -> tuple[str, str]:
    steps = _list([f"{name} {usd(s, 0, signed=True)}" for name, s in zip(names[1:], step[1:])])
    holds = [str(n) for n, lo, hi in zip(names, low, high) if lo <= 0 <= hi]
    band = (f"The 95 % band of the mean holds zero at {_list(holds)}." if holds
            else "No rung's 95 % band holds zero.")
    alt = (f"Waterfall chart of the mean net P&L per market{f' over {markets} markets' if markets else ''}, one rung at "
           f"a time. It starts at {usd(mean[0], 0)} for {names[0]}, then steps by {steps}, and ends at "
           f"{usd(mean[-1], 0)} after {names[-1]}, with a 95 % band from {usd(low[-1], 0)} to {usd(high[-1], 0)}. "
           + band)
    caption = f"The realism ladder: from {usd(mean[0], 0)} to {usd(mean[-1], 0)}, one simplification at a time" + (
        f" ({markets} markets)." if markets else ".")
    return alt, caption


def attribution(trades: pd.DataFrame, totals: pd.Series) -> tuple[str, str]:
    pnl = trades["pnl"].to_numpy(dtype=float)
    best, worst = int(np.argmax(pnl)), int(np.argmin(pnl))
    kind = {"CALL": "a call", "PUT": "a put"}
    alt = (f"Stacked bar chart of {len(trades)} trades. Each bar splits a trade's P&L into delta, gamma, theta, vega, "
           f"a residual and costs; a diamond marks the net P&L. Gamma is positive in {int((trades['gamma'] > 0).sum())} "
           f"trades and theta negative in {int((trades['theta'] < 0).sum())}. The best, trade {best + 1} "
           f"({kind.get(trades['option_type'].iloc[best], 'an option')}), makes {usd(pnl[best], 0, signed=True)}; the "
           f"worst, trade {worst + 1}, {usd(pnl[worst], 0, signed=True)}; {int((pnl < 0).sum())} trades lose. In total: "
           f"net {usd(totals['pnl'], 0, signed=True)}, delta {usd(totals['delta'], 0, signed=True)}, gamma "
           f"{usd(totals['gamma'], 0, signed=True)}, theta {usd(totals['theta'], 0, signed=True)}, vega "
           f"{usd(totals['vega'], 0, signed=True)}.")
    return alt, f"Greeks P&L attribution of each of {len(trades)} trades."


def trade_attribution(trade: int, trades: int, kind: str, strike: float, entry: int, exit_: int,
                      price: np.ndarray, parts: dict, net: float) -> tuple[str, str]:
    shares = ", ".join(f"{name} {usd(value, 0, signed=True)}" for name, value in parts.items())
    alt = (f"Trade {trade + 1} of {trades}, a {kind} struck at {_n(strike)} held from bar {entry} to bar {exit_}. Top: "
           f"the futures price from {_n(price[0])} to {_n(price[-1])}, between {_n(price.min())} and {_n(price.max())}. "
           f"Bottom: each part's cumulative P&L; at the exit {shares}, net {usd(net, signed=True)} after costs.")
    return alt, f"Trade {trade + 1}, bar by bar: where its P&L came from."


def leak(bar: int, window: np.ndarray, change: float, centred: float, honest: float, with_next: str,
         without_next: str) -> tuple[str, str]:
    alt = (f"Left: open interest for bars {window[0]} to {bar}, with bar {bar + 1} drawn hollow in a shaded area marked "
           f"not yet published; the change from bar {bar - 1} to {bar} and the centred gradient from bar {bar - 1} to "
           f"bar {bar + 1} are drawn as slopes. Right: three bars: the OI change {_n(change, 2)}, the centred gradient "
           f"{_n(centred, 2)} and the gradient from data ending at bar {bar}, {_n(honest, 2)}. With bar {bar + 1} the "
           f"article's rule says {with_next}; without it, {without_next}.")
    caption = f"Bar {bar}: the article's rule says {with_next} with bar {bar + 1}'s open interest, {without_next} without."
    return alt, caption
