"""Figures of part 1, "The article" (chapters 1-5): payoffs, open interest, indicators, signals, the run.

Units: money in dollars, prices and strikes in index points, open interest in contracts, time in bars
(business days) or dates. The tables printed beside these figures are computed where they belong:
:mod:`mesbook.article.market` (ledger, regimes), :mod:`mesbook.article.signals` (crossings, signal
tables), :mod:`mesbook.article.simulation` (trade table), :mod:`mesbook.studies.audit` (look-ahead
table) and :mod:`mesbook.studies.luck` (seed sweeps).
"""
from __future__ import annotations

from typing import Optional

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ..article.contract import get_atm_strike

from ..core.contract import payoff_dollars, points_to_dollars
from ..article.indicators import calculate_indicators, defined_from
from ..core.oi import oi_ledger, regime_table, REGIMES
from ..article.signals import crossing_bars, crossings
from ..constants import FUTURES_MULTIPLIER, OPTION_PREMIUM_FIXED, STRIKE_INTERVAL
from ..options.calendar import option_expiries
from ..results import SimulationResult
from ..studies.audit import bump_open_interest
from ..studies.worked import CONTRACT, LOOKAHEAD
from . import text as words
from .base import (
    COLORS,
    DOLLARS,
    THOUSANDS,
    BookFigure,
    artist,
    book_style,
    date_axis,
    figure_usd,
    masked_warmup,
    new_figure,
)


def payoff_figure(strike: float = CONTRACT.strike, premium_points: float = OPTION_PREMIUM_FIXED / FUTURES_MULTIPLIER,
                  half_width: float = 40.0) -> BookFigure:
    """P&L at exit, in dollars, of a long call and a long put struck at ``strike`` (index points).

    The premium is ``premium_points`` index points (the article: 2.5 points = $12.50). Breakevens are
    strike ± premium points and are written in the legend.
    """
    with book_style():
        fig, (ax,) = new_figure(figsize=(8.0, 4.0))
        prices = np.linspace(strike - half_width, strike + half_width, 321)
        call, put = payoff_dollars(prices, strike, premium_points)
        ax.plot(prices, call, color=COLORS["call"], lw=2, gid="call", label="long call")
        ax.plot(prices, put, color=COLORS["put"], lw=2, ls="--", gid="put", label="long put")
        ax.axhline(0, color=COLORS["muted"], lw=1)
        ax.axvline(strike, color=COLORS["muted"], lw=1, ls=":", gid="strike")
        ax.set_xlabel("MES futures price when the option is closed (index points)")
        ax.set_ylabel("P&L per option")
        ax.yaxis.set_major_formatter(DOLLARS)
        ax.legend(loc="upper center")
        set_payoff(fig, strike, premium_points, half_width)
    return fig


def set_payoff(fig: Figure, strike: float, premium_points: float, half_width: float = 40.0) -> None:
    """Redraw a :func:`payoff_figure` for another strike and premium (index points): lines, title, legend, limits."""
    prices = np.linspace(strike - half_width, strike + half_width, 321)
    call, put = payoff_dollars(prices, strike, premium_points)
    artist(fig, "call").set_data(prices, call)
    artist(fig, "put").set_data(prices, put)
    artist(fig, "strike").set_xdata([strike, strike])
    ax = fig.axes[0]
    premium = points_to_dollars(premium_points, FUTURES_MULTIPLIER)
    ax.set_title(f"Strike {strike:,.0f}, premium {premium_points:g} points = {figure_usd(premium)}: "
                 f"the most either option can lose")
    legend = ax.get_legend()
    legend.get_texts()[0].set_text(f"long call (breakeven {strike + premium_points:,.1f})")
    legend.get_texts()[1].set_text(f"long put (breakeven {strike - premium_points:,.1f})")
    ax.set_xlim(strike - half_width, strike + half_width)
    top = points_to_dollars(half_width, FUTURES_MULTIPLIER) - premium
    ax.set_ylim(-premium - 0.08 * (top + premium) - 5, top * 1.05 + 5)
    fig.describe(*words.payoff(strike, premium_points, premium, points_to_dollars(1.0, FUTURES_MULTIPLIER)))


def atm_strike_figure(low: float = 4495.0, high: float = 4515.0,
                      strike_interval: float = STRIKE_INTERVAL, example: float = CONTRACT.entry) -> BookFigure:
    """``get_atm_strike`` as a staircase over futures prices from ``low`` to ``high`` (index points).

    Prices exactly halfway between two strikes are marked: they go to the *even* multiple of the
    interval (Python's rounding), so they do not all round the same way.
    """
    with book_style():
        fig, (ax,) = new_figure(figsize=(8.0, 3.6))
        prices = np.linspace(low, high, 2001)
        ax.plot(prices, get_atm_strike(prices, strike_interval), color=COLORS["oi"], lw=2, gid="atm",
                label="ATM strike")
        ax.plot(prices, prices, color=COLORS["muted"], lw=1, ls=":", label="futures price itself")
        first = np.ceil((low - strike_interval / 2) / strike_interval) * strike_interval + strike_interval / 2
        ties = np.arange(first, high, strike_interval)
        ties = ties[ties >= low]
        ax.plot(ties, get_atm_strike(ties, strike_interval), "o", color=COLORS["accent"], ms=7,
                label="halfway prices (ties go to the even multiple)")
        for tie in ties:
            ax.annotate(f"{tie:g} → {get_atm_strike(float(tie), strike_interval):g}",
                        (tie, get_atm_strike(float(tie), strike_interval)), textcoords="offset points",
                        xytext=(4, -14), fontsize=8, color=COLORS["accent"])
        ax.plot([example], [get_atm_strike(example, strike_interval)], "s", color=COLORS["price"], ms=6,
                label=f"{example:g} → {get_atm_strike(example, strike_interval):g}")
        ax.set_yticks(np.arange(np.floor(low / strike_interval), np.ceil(high / strike_interval) + 1) * strike_interval)
        ax.set_xlabel("MES futures price (index points)")
        ax.set_ylabel("strike (index points)")
        ax.set_title(f"The at-the-money strike is the nearest multiple of {strike_interval:g} points")
        ax.legend(loc="upper left")
    return fig.describe(*words.atm_strike(low, high, strike_interval, ties, get_atm_strike(ties, strike_interval),
                                         example, get_atm_strike(example, strike_interval)))


def oi_ledger_figure(ledger: Optional[pd.DataFrame] = None) -> BookFigure:
    """Cumulative volume and open interest of :func:`oi_ledger`, trade by trade."""
    ledger = oi_ledger() if ledger is None else ledger
    with book_style():
        fig, (ax,) = new_figure(figsize=(8.0, 3.4))
        trades = np.r_[0, ledger.index.to_numpy()]
        ax.step(trades, np.r_[0, ledger["volume"]], where="post", color=COLORS["muted"], lw=2, label="volume")
        ax.step(trades, np.r_[0, ledger["open interest"]], where="post", color=COLORS["oi"], lw=2.5,
                label="open interest")
        ax.set_xlabel("trade number")
        ax.set_ylabel("contracts")
        ax.set_xticks(trades)
        ax.set_title("Every trade adds volume; only opening or closing on both sides moves open interest")
        ax.legend(loc="upper left")
    return fig.describe(*words.oi_ledger(ledger["volume"].to_numpy(), ledger["open interest"].to_numpy()))


def market_figure(data: pd.DataFrame, title: Optional[str] = None) -> BookFigure:
    """Futures price (index points) above open interest (contracts), one bar per business day."""
    with book_style():
        fig, (ax_price, ax_oi) = new_figure(2, 1, figsize=(8.0, 4.8), sharex=True)
        times = pd.DatetimeIndex(data["timestamp"])
        ax_price.plot(times, data["futures_price"], color=COLORS["price"], lw=1.1, gid="price")
        ax_price.set_ylabel("futures price\n(index points)")
        ax_oi.plot(times, data["open_interest"], color=COLORS["oi"], lw=1.3, gid="oi")
        ax_oi.set_ylabel("open interest\n(contracts)")
        ax_oi.yaxis.set_major_formatter(THOUSANDS)
        date_axis(ax_oi)
        if title is not None:
            ax_price.set_title(title)
    return fig.describe(*words.market(times, data["futures_price"].to_numpy(dtype=float),
                                     data["open_interest"].to_numpy(dtype=float)))


def regime_figure(data: pd.DataFrame) -> BookFigure:
    """Bar-to-bar price change against OI change, with the four regimes as quadrants."""
    price = np.diff(data["futures_price"].to_numpy(dtype=float))
    oi = np.diff(data["open_interest"].to_numpy(dtype=float))
    counts = regime_table(data)["bars"]
    corr = float(np.corrcoef(price, oi)[0, 1])
    with book_style():
        fig, (ax,) = new_figure(figsize=(6.6, 5.0))
        ax.scatter(price, oi, s=9, color=COLORS["oi"], alpha=0.55, lw=0)
        ax.axhline(0, color=COLORS["muted"], lw=1)
        ax.axvline(0, color=COLORS["muted"], lw=1)
        for name, price_way, oi_way, _reading in REGIMES:
            x = 0.97 if price_way == "up" else 0.03
            y = 0.96 if oi_way == "up" else 0.04
            ax.text(x, y, f"{name}\n{counts[name]} bars", transform=ax.transAxes,
                    ha="right" if price_way == "up" else "left", va="top" if oi_way == "up" else "bottom",
                    fontsize=9, color=COLORS["price"])
        ax.set_xlabel("price change over one bar (index points)")
        ax.set_ylabel("OI change over one bar (contracts)")
        ax.set_title(f"Simulated OI ignores the price: correlation {corr:+.3f}")
    return fig.describe(*words.regime(counts, corr))


def real_oi_figure(cot: pd.DataFrame, zoom: tuple[str, str] = ("2021-01-01", "2022-12-31"),
                   unit_break: tuple[str, str] = ("2023-04-25", "2023-05-02")) -> BookFigure:
    """Weekly reported open interest of all S&P 500 futures (CFTC): whole history and a two-year zoom.

    ``cot`` needs the columns ``as_of`` (the Tuesday the positions refer to) and ``open_interest``
    (contracts), as returned by :func:`mesbook.data.real.load_cftc_open_interest`. The left panel marks
    the week the series changes units (``unit_break``); the right panel marks the quarterly expiries
    (third Friday of March, June, September, December).
    """
    frame = cot.sort_values("as_of")
    times = pd.DatetimeIndex(frame["as_of"])
    oi = frame["open_interest"].to_numpy(dtype=float)
    with book_style():
        fig, (ax_all, ax_zoom) = new_figure(1, 2, figsize=(9.0, 3.8))
        ax_all.plot(times, oi / 1e6, color=COLORS["oi"], lw=1)
        before, after = (pd.Timestamp(t) for t in unit_break)
        jump = (times >= before) & (times <= after)
        ax_all.plot(times[jump], oi[jump] / 1e6, color=COLORS["accent"], lw=2.5)
        ax_all.annotate(f"{before:%Y-%m-%d} → {after:%Y-%m-%d}:\nunits change, ×{oi[jump][-1] / oi[jump][0]:.2f}",
                        (after, oi[jump][-1] / 1e6), xytext=(-150, -10), textcoords="offset points", fontsize=8,
                        color=COLORS["accent"], arrowprops={"arrowstyle": "->", "color": COLORS["accent"]})
        ax_all.set_ylabel("open interest (million contracts)")
        ax_all.set_title("Every weekly report, as published")
        date_axis(ax_all)
        inside = (times >= pd.Timestamp(zoom[0])) & (times <= pd.Timestamp(zoom[1]))
        ax_zoom.plot(times[inside], oi[inside] / 1e6, color=COLORS["oi"], lw=1.4, marker=".", ms=4)
        for expiry in option_expiries(zoom[0], zoom[1], "quarterly"):
            ax_zoom.axvline(expiry, color=COLORS["muted"], lw=1, ls=":")
        ax_zoom.set_title(f"{zoom[0][:4]}–{zoom[1][:4]}: dotted lines are quarterly expiries")
        date_axis(ax_zoom)
    return fig.describe(*words.real_oi(times, oi, before, after, oi[jump][-1] / oi[jump][0], times[inside], oi[inside],
                                      len(option_expiries(zoom[0], zoom[1], "quarterly"))))


def publication_lag_figure(cot: pd.DataFrame, start: str = "2024-02-26", weeks: int = 3) -> BookFigure:
    """A calendar of a few weeks: when each weekly OI figure is measured (Tuesday) and published (Friday).

    ``cot`` needs ``as_of`` and ``published`` columns (see :func:`mesbook.data.real.load_cftc_open_interest`).
    """
    first = pd.Timestamp(start)
    days = pd.date_range(first, periods=7 * weeks, freq="D")
    reports = cot[(cot["as_of"] >= days[0]) & (cot["as_of"] <= days[-1])]
    with book_style():
        fig, (ax,) = new_figure(figsize=(8.0, 2.4))
        weekday = np.asarray(days.day_of_week)
        ax.scatter(days[weekday < 5], np.zeros((weekday < 5).sum()), s=18, color=COLORS["muted"], zorder=2)
        for _, row in reports.iterrows():
            ax.annotate("", xy=(row["published"], 0), xytext=(row["as_of"], 0),
                        arrowprops={"arrowstyle": "->", "color": COLORS["oi"], "lw": 2,
                                    "connectionstyle": "arc3,rad=-0.5"})
            ax.plot([row["as_of"]], [0], "o", color=COLORS["oi"], ms=9, zorder=3)
            ax.plot([row["published"]], [0], "s", color=COLORS["accent"], ms=9, zorder=3)
        ax.plot([], [], "o", color=COLORS["oi"], ms=8, ls="none", label="positions measured (Tuesday close)")
        ax.plot([], [], "s", color=COLORS["accent"], ms=8, ls="none", label="figure published (Friday afternoon)")
        ax.set_yticks([])
        ax.set_ylim(-0.5, 1.0)
        ax.spines["left"].set_visible(False)
        ax.grid(False)
        ax.xaxis.set_major_locator(mdates.DayLocator(bymonthday=range(1, 32), interval=1))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%a\n%d"))
        ax.tick_params(axis="x", labelsize=7)
        ax.legend(loc="upper left", ncols=2)
        ax.set_title("Each weekly figure describes a Tuesday and becomes public three days later")
    return fig.describe(*words.publication_lag(days, reports["as_of"], reports["published"]))


def indicator_figure(frame: pd.DataFrame) -> BookFigure:
    """OI with its two moving averages (top) and the gap between them as the bot sees it (bottom).

    x is the bar number. Top: the averages are drawn only where defined; the shaded band is the
    warm-up that the article fills with 0. Bottom: short − long average (contracts) on a symmetric-log
    scale, so both the normal gaps of a few hundred contracts and the jump of ~20,000 created by the
    zero fill are visible; crossings are marked.
    """
    bars = np.arange(len(frame))
    with book_style():
        fig, (ax, ax_gap) = new_figure(2, 1, figsize=(8.0, 5.4), sharex=True, height_ratios=(3, 2))
        ax.plot(bars, frame["open_interest"], color=COLORS["oi"], lw=1, alpha=0.8, label="open interest")
        ax.plot(bars, np.full(len(bars), np.nan), color=COLORS["short"], gid="short", label="short average")
        ax.plot(bars, np.full(len(bars), np.nan), color=COLORS["long"], gid="long", label="long average")
        ax.axvspan(-0.5, 0.5, color=COLORS["muted"], alpha=0.15, gid="warmup", label="warm-up (filled with 0)")
        ax.set_ylabel("contracts")
        ax.yaxis.set_major_formatter(THOUSANDS)
        ax.legend(loc="upper left", ncols=2)
        ax_gap.plot(bars, np.zeros(len(bars)), color=COLORS["price"], lw=1, gid="gap")
        ax_gap.axhline(0, color=COLORS["muted"], lw=1)
        ax_gap.set_yscale("symlog", linthresh=100)
        ax_gap.plot([], [], "^", color=COLORS["buy"], ms=6, gid="cross_up", label="crosses above")
        ax_gap.plot([], [], "v", color=COLORS["sell"], ms=6, gid="cross_down", label="crosses below")
        ax_gap.set_ylim(-3e4, 3e4)
        ax_gap.set_ylabel("short − long\n(contracts, symlog)")
        ax_gap.set_xlabel("bar")
        ax_gap.legend(loc="upper right", ncols=2)
        ax_gap.set_xlim(-2, len(frame) + 1)
        set_indicator_lines(fig, frame["oi_short_sma"].to_numpy(dtype=float), frame["oi_long_sma"].to_numpy(dtype=float))
    return fig


def set_indicator_lines(fig: Figure, short: np.ndarray, long: np.ndarray) -> None:
    """Redraw an :func:`indicator_figure` for new zero-filled averages (contracts, one per bar)."""
    artist(fig, "short").set_ydata(masked_warmup(short))
    artist(fig, "long").set_ydata(masked_warmup(long))
    warm_end = defined_from(long)
    span = artist(fig, "warmup")
    span.set_x(-0.5)
    span.set_width(warm_end)
    artist(fig, "gap").set_ydata(short - long)
    up, down = crossing_bars(short, long)
    artist(fig, "cross_up").set_data(up, np.zeros(len(up)))
    artist(fig, "cross_down").set_data(down, np.zeros(len(down)))
    ax = fig.axes[0]
    ax.relim()
    ax.autoscale_view(scalex=False)
    ax.set_title(f"{len(up)} crossings above, {len(down)} below; averages defined from bars "
                 f"{defined_from(short)} and {warm_end}")
    fig.describe(*words.indicator(len(short), defined_from(short), warm_end, up, down,
                                 float(np.median((short - long)[defined_from(short):warm_end]))
                                 if warm_end > defined_from(short) else 0.0))


def warmup_figure(frame: pd.DataFrame, bars: int = 40) -> BookFigure:
    """The first ``bars`` bars as the bot sees them: zero-filled averages and the crossings they fake.

    Top: OI and the two averages, zeros included (y starts at 0). Bottom: the side the short average
    is on (+1 above, −1 below, 0 equal); a jump of that line is a crossing.
    """
    view = frame.iloc[:bars]
    x = np.arange(len(view))
    short = view["oi_short_sma"].to_numpy(dtype=float)
    long = view["oi_long_sma"].to_numpy(dtype=float)
    up, down = crossings(frame)
    up, down = up[up < bars], down[down < bars]
    with book_style():
        fig, (ax, ax_side) = new_figure(2, 1, figsize=(8.0, 5.0), sharex=True, height_ratios=(3, 1.4))
        ax.plot(x, view["open_interest"], color=COLORS["oi"], marker=".", ms=4, lw=1, label="open interest")
        ax.step(x, short, where="mid", color=COLORS["short"], lw=2, label="short average (as stored)")
        ax.step(x, long, where="mid", color=COLORS["long"], lw=2, ls="--", label="long average (as stored)")
        for bar in up:
            ax.annotate(f"bar {bar}: short average\nappears, 'crosses' a 0", (bar, short[bar]), xytext=(12, -55),
                        textcoords="offset points", fontsize=8, color=COLORS["buy"],
                        arrowprops={"arrowstyle": "->", "color": COLORS["buy"]})
        for bar in down:
            ax.annotate(f"bar {bar}: long average\nappears", (bar, long[bar]), xytext=(-95, -70),
                        textcoords="offset points", fontsize=8, color=COLORS["sell"],
                        arrowprops={"arrowstyle": "->", "color": COLORS["sell"]})
        ax.set_ylim(bottom=-500)
        ax.set_ylabel("contracts")
        ax.yaxis.set_major_formatter(THOUSANDS)
        ax.legend(loc="center right")
        ax.set_title(f"The first {bars} bars: every crossing here comes from the zero fill")
        side = np.sign(short - long)
        ax_side.step(x, side, where="mid", color=COLORS["price"], lw=1.5)
        ax_side.plot(up, side[up], "^", color=COLORS["buy"], ms=8)
        ax_side.plot(down, side[down], "v", color=COLORS["sell"], ms=8)
        ax_side.set_yticks([-1, 0, 1], ["below", "equal", "above"])
        ax_side.set_ylabel("short vs long")
        ax_side.set_xlabel("bar")
    return fig.describe(*words.warmup(bars, view["open_interest"].to_numpy(dtype=float), defined_from(short),
                                     defined_from(long), up, down))


def lookahead_figure(data: pd.DataFrame, bar: int = LOOKAHEAD.bar, bump: float = LOOKAHEAD.contracts,
                     around: int = 4) -> BookFigure:
    """Change the OI of bar ``bar`` + 1 only, and watch bar ``bar``'s gradient move (look-ahead)."""
    bumped = bump_open_interest(data, bar + 1, bump)
    before, after = calculate_indicators(data), calculate_indicators(bumped)
    window = np.arange(max(bar - around, 0), min(bar + around + 1, len(data)))
    with book_style():
        fig, (ax_oi, ax_ind) = new_figure(1, 2, figsize=(9.0, 3.8))
        ax_oi.plot(window, before["open_interest"].to_numpy()[window], "o-", color=COLORS["oi"], label="original")
        ax_oi.plot(window, after["open_interest"].to_numpy()[window], "o--", color=COLORS["accent"], ms=4,
                   label=f"bar {bar + 1} raised by {bump:,.0f}")
        ax_oi.axvline(bar, color=COLORS["muted"], ls=":", lw=1)
        ax_oi.set_title("The input: only the future bar differs")
        ax_oi.set_xlabel("bar")
        ax_oi.set_ylabel("open interest (contracts)")
        ax_oi.yaxis.set_major_formatter(THOUSANDS)
        ax_oi.legend(loc="upper left")
        for column, color, name in (("oi_gradient", COLORS["sell"], "gradient"), ("oi_change", COLORS["long"], "change")):
            ax_ind.plot(window, before[column].to_numpy()[window], "o-", color=color, label=f"{name}, original")
            ax_ind.plot(window, after[column].to_numpy()[window], "x--", color=color, ms=7, label=f"{name}, after")
        ax_ind.axvline(bar, color=COLORS["muted"], ls=":", lw=1)
        moved = after["oi_gradient"].iloc[bar] - before["oi_gradient"].iloc[bar]
        ax_ind.set_title(f"At bar {bar} the gradient moves by {moved:+,.0f}; the change does not")
        ax_ind.set_xlabel("bar")
        ax_ind.set_ylabel("contracts per bar")
        ax_ind.legend(loc="upper left", fontsize=8)
    return fig.describe(*words.lookahead(bar, bump, window, before["oi_gradient"].iloc[bar],
                                        after["oi_gradient"].iloc[bar], before["oi_change"].iloc[bar],
                                        after["oi_change"].iloc[bar]))


def signals_figure(frame: pd.DataFrame) -> BookFigure:
    """Where BUY (▲) and SELL (▼) signals fall: on open interest with its averages, and on the price."""
    times = pd.DatetimeIndex(frame["timestamp"])
    with book_style():
        fig, (ax_oi, ax_price) = new_figure(2, 1, figsize=(8.0, 5.4), sharex=True, height_ratios=(3, 2))
        ax_oi.plot(times, frame["open_interest"], color=COLORS["oi"], lw=1, alpha=0.8, label="open interest")
        ax_oi.plot(times, masked_warmup(frame["oi_short_sma"].to_numpy()), color=COLORS["short"], gid="short",
                   label="short average")
        ax_oi.plot(times, masked_warmup(frame["oi_long_sma"].to_numpy()), color=COLORS["long"], gid="long",
                   label="long average")
        ax_price.plot(times, frame["futures_price"], color=COLORS["price"], lw=1, label="futures price")
        for label, marker, color in (("BUY", "^", COLORS["buy"]), ("SELL", "v", COLORS["sell"])):
            name = label.lower()
            ax_oi.plot([], [], marker, color=color, ms=8, mec="white", mew=0.6, ls="none", gid=f"{name}_oi",
                       label=label)
            ax_price.plot([], [], marker, color=color, ms=8, mec="white", mew=0.6, ls="none", gid=f"{name}_price")
        ax_oi.set_ylabel("contracts")
        ax_oi.yaxis.set_major_formatter(THOUSANDS)
        ax_oi.legend(loc="upper left", ncols=3)
        ax_price.set_ylabel("index points")
        date_axis(ax_price)
        set_signal_markers(fig, frame)
    return fig


def set_signal_markers(fig: Figure, frame: pd.DataFrame) -> None:
    """Move the BUY/SELL markers of a :func:`signals_figure` to the signals of ``frame``."""
    signal = frame["signal"].astype(str).to_numpy()
    set_signal_bars(fig, frame, np.flatnonzero(signal == "BUY"), np.flatnonzero(signal == "SELL"))


def set_signal_bars(fig: Figure, frame: pd.DataFrame, buy: np.ndarray, sell: np.ndarray,
                    short: Optional[np.ndarray] = None, long: Optional[np.ndarray] = None) -> None:
    """Put the markers of a :func:`signals_figure` on bars ``buy`` and ``sell``; optionally new averages."""
    times = pd.DatetimeIndex(frame["timestamp"])
    oi = frame["open_interest"].to_numpy(dtype=float)
    price = frame["futures_price"].to_numpy(dtype=float)
    for label, bars in (("buy", buy), ("sell", sell)):
        artist(fig, f"{label}_oi").set_data(times[bars], oi[bars])
        artist(fig, f"{label}_price").set_data(times[bars], price[bars])
    if short is not None:
        artist(fig, "short").set_ydata(masked_warmup(short))
    if long is not None:
        artist(fig, "long").set_ydata(masked_warmup(long))
    fig.axes[0].set_title(f"{len(buy)} BUY and {len(sell)} SELL signals in {len(frame)} bars")
    fig.describe(*words.signals(times, len(buy), len(sell)))


def equity_figure(frame: pd.DataFrame, result: SimulationResult) -> BookFigure:
    """Account value (dollars, top) and the futures price with each trade's holding period (bottom)."""
    times = pd.DatetimeIndex(frame["timestamp"])
    with book_style():
        fig, (ax_eq, ax_price) = new_figure(2, 1, figsize=(8.0, 5.2), sharex=True, height_ratios=(3, 2))
        ax_eq.plot(times, result.equity.to_numpy(), color=COLORS["equity"], lw=1.5, gid="equity")
        ax_eq.axhline(result.initial_cash, color=COLORS["muted"], lw=1, ls=":")
        ax_eq.yaxis.set_major_formatter(DOLLARS)
        ax_eq.set_ylabel("account value")
        ax_price.plot(times, frame["futures_price"], color=COLORS["price"], lw=1)
        ax_price.set_ylabel("futures price\n(index points)")
        ax_price.plot([], [], "s", color=COLORS["call"], alpha=0.3, ms=9, label="holding a call")
        ax_price.plot([], [], "s", color=COLORS["put"], alpha=0.3, ms=9, label="holding a put")
        ax_price.legend(loc="lower left", ncols=2)
        date_axis(ax_price)
        set_trades(fig, frame, result)
    return fig


def set_trades(fig: Figure, frame: pd.DataFrame, result: SimulationResult) -> None:
    """Redraw the equity line, holding spans and title of an :func:`equity_figure` for ``result``."""
    ax_eq, ax_price = fig.axes[:2]
    times = pd.DatetimeIndex(frame["timestamp"])
    artist(fig, "equity").set_ydata(result.equity.to_numpy())
    for patch in [p for p in ax_price.patches if p.get_gid() == "holding"]:
        patch.remove()
    trades = result.trades
    for entry, exit_, kind in zip(trades["entry_bar"], trades["exit_bar"], trades["option_type"]):
        ax_price.axvspan(times[entry], times[exit_], color=COLORS["call" if kind == "CALL" else "put"],
                         alpha=0.18, lw=0, gid="holding")
    ax_eq.relim()
    ax_eq.autoscale_view(scalex=False)
    summary = result.summary()
    ax_eq.set_title(f"{summary.num_trades} trades, {100 * summary.win_rate:.0f}% winners, "
                    f"net P&L {figure_usd(summary.net_pnl, signed=True)} on {figure_usd(summary.initial_cash, 0)}")
    kinds = trades["option_type"].astype(str)
    fig.describe(*words.equity(times, result.equity.to_numpy(dtype=float), summary.initial_cash,
                              int((kinds == "CALL").sum()), int((kinds == "PUT").sum()), summary.net_pnl))


def pnl_distribution_figure(sweep: pd.DataFrame, highlight: Optional[int] = None,
                            compare: Optional[pd.DataFrame] = None, compare_label: str = "coin-flip sides") -> BookFigure:
    """Histogram of net P&L (dollars) over the seeds of ``sweep``; optionally a second sweep to compare."""
    pnl = sweep["net P&L ($)"].to_numpy()
    with book_style():
        fig, (ax,) = new_figure(figsize=(8.0, 3.8))
        everything = pnl if compare is None else np.r_[pnl, compare["net P&L ($)"].to_numpy()]
        edges = np.histogram_bin_edges(everything, bins=30)
        ax.hist(pnl, bins=edges, color=COLORS["oi"], alpha=0.75, label="the article's signals")
        if compare is not None:
            ax.hist(compare["net P&L ($)"].to_numpy(), bins=edges, histtype="step", lw=2, color=COLORS["accent"],
                    label=compare_label)
        ax.axvline(0, color=COLORS["price"], lw=1)
        ax.axvline(float(np.median(pnl)), color=COLORS["oi"], lw=1.5, ls="--",
                   label=f"median {figure_usd(float(np.median(pnl)), 0, signed=True)}")
        if highlight is not None and highlight in sweep.index:
            value = float(sweep.loc[highlight, "net P&L ($)"])
            ax.plot([value], [0], "v", color=COLORS["sell"], ms=10, clip_on=False, label=f"seed {highlight}: {figure_usd(value, signed=True)}")
        ax.xaxis.set_major_formatter(DOLLARS)
        ax.set_xlabel("net P&L of one 500-bar run")
        ax.set_ylabel("runs")
        ax.set_title(f"{len(pnl)} seeds: {100 * (pnl > 0).mean():.0f}% of runs make money")
        ax.legend(loc="upper right")
    shown = highlight is not None and highlight in sweep.index
    return fig.describe(*words.pnl_distribution(
        pnl, None if compare is None else compare["net P&L ($)"].to_numpy(), compare_label,
        highlight if shown else None, float(sweep.loc[highlight, "net P&L ($)"]) if shown else None))


def plot_run(frame: pd.DataFrame, result: SimulationResult) -> BookFigure:
    """One figure of a whole run: price with signals, OI with its averages, account value (dollars)."""
    times = pd.DatetimeIndex(frame["timestamp"])
    signal = frame["signal"].astype(str).to_numpy()
    with book_style():
        fig, (ax_price, ax_oi, ax_eq) = new_figure(3, 1, figsize=(8.0, 7.0), sharex=True)
        ax_price.plot(times, frame["futures_price"], color=COLORS["price"], lw=1)
        for label, marker, color in (("BUY", "^", COLORS["buy"]), ("SELL", "v", COLORS["sell"])):
            bars = np.flatnonzero(signal == label)
            ax_price.plot(times[bars], frame["futures_price"].to_numpy()[bars], marker, color=color, ms=7,
                          ls="none", label=label)
        ax_price.set_ylabel("futures price\n(index points)")
        ax_price.legend(loc="upper left", ncols=2)
        ax_oi.plot(times, frame["open_interest"], color=COLORS["oi"], lw=1, label="open interest")
        if "oi_short_sma" in frame and "oi_long_sma" in frame:
            ax_oi.plot(times, masked_warmup(frame["oi_short_sma"].to_numpy()), color=COLORS["short"], label="short average")
            ax_oi.plot(times, masked_warmup(frame["oi_long_sma"].to_numpy()), color=COLORS["long"], label="long average")
        ax_oi.set_ylabel("contracts")
        ax_oi.yaxis.set_major_formatter(THOUSANDS)
        ax_oi.legend(loc="upper left", ncols=3)
        ax_eq.plot(times, result.equity.to_numpy(), color=COLORS["equity"], lw=1.5)
        ax_eq.axhline(result.initial_cash, color=COLORS["muted"], lw=1, ls=":")
        ax_eq.yaxis.set_major_formatter(DOLLARS)
        ax_eq.set_ylabel("account value")
        date_axis(ax_eq)
        summary = result.summary()
        ax_price.set_title(f"{summary.num_trades} trades, net P&L {figure_usd(summary.net_pnl, signed=True)}")
    return fig


__all__ = [
    "atm_strike_figure",
    "equity_figure",
    "indicator_figure",
    "lookahead_figure",
    "market_figure",
    "oi_ledger_figure",
    "payoff_figure",
    "plot_run",
    "pnl_distribution_figure",
    "publication_lag_figure",
    "real_oi_figure",
    "regime_figure",
    "set_indicator_lines",
    "set_payoff",
    "set_signal_bars",
    "set_signal_markers",
    "set_trades",
    "signals_figure",
    "warmup_figure",
]
