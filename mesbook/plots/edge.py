"""Figures of part 3, "Is there an edge?" (chapters 8-10): sweeps, Monte Carlo, the ladder, attribution, leaks.

Money in dollars, windows in bars. The numbers behind them are computed in :mod:`mesbook.studies`
(:mod:`~mesbook.studies.sweep`, :mod:`~mesbook.studies.luck`, :mod:`~mesbook.studies.montecarlo`,
:mod:`~mesbook.studies.ladder`, :mod:`~mesbook.studies.attribution`, :mod:`~mesbook.studies.audit`).
"""
from __future__ import annotations

import textwrap
from typing import Optional, Sequence

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ..article.contract import get_atm_strike
from ..article.indicators import calculate_indicators
from ..article.signals import generate_signals
from ..constants import OI_LONG_SMA_WINDOW, OI_SHORT_SMA_WINDOW, STRIKE_INTERVAL
from ..estimates import Z95
from ..formatting import format_p, usd
from ..studies.montecarlo import monte_carlo_label
from ..studies.samples import SWEEP_LONGS, SWEEP_SHORTS
from ..studies.sweep import STATISTIC_NAMES, statistic_column, sweep_heatmap, sweep_rank
from . import text as words
from .base import COLORS, DOLLARS, THOUSANDS, BookFigure, artist, book_style, figure_usd, new_figure


def _cell_text(statistic: str, value: float) -> str:
    if not np.isfinite(value):
        return ""
    if statistic == "trades":
        return f"{value:.0f}"
    if statistic == "net_pnl":
        return f"{value:+.0f}".replace("-", "−")
    return f"{value:+.2f}".replace("-", "−")


def _value_text(statistic: str, value: float, *, escape: bool = True) -> str:
    if statistic == "net_pnl":
        return usd(value, 0, signed=True, escape=escape)
    return _cell_text(statistic, value)


def sweep_figure(table: pd.DataFrame, statistic: Optional[str] = None, gradient: Optional[int] = None,
                 market: str = "seed 7") -> BookFigure:
    """Heatmap of a :func:`mesbook.sweep_windows` table: short windows up, long windows across (bars).

    Each cell shows its value (net P&L in dollars, Sharpe ratio or trades). The best cell is starred and
    the article's pair (10 / 30) framed; pairs with short ≥ long are left blank. ``market`` names the
    data in the title.
    """
    matrix = sweep_heatmap(table, statistic, gradient)
    with book_style():
        fig, (ax,) = new_figure(figsize=(8.0, 4.9))
        image = ax.imshow(np.zeros(matrix.shape), origin="lower", aspect="auto", gid="heatmap")
        ax.set_xticks(range(len(matrix.columns)), [str(c) for c in matrix.columns])
        ax.set_yticks(range(len(matrix.index)), [str(i) for i in matrix.index])
        ax.set_xlabel("long window (bars)")
        ax.set_ylabel("short window (bars)")
        ax.grid(False)
        fig.colorbar(image, ax=ax, shrink=0.92, pad=0.02)
        ax.plot([], [], "*", ms=17, color="#F0E442", mec=COLORS["price"], mew=1, ls="none", gid="best", label="best pair")
        ax.plot([], [], "s", ms=21, mfc="none", mec=COLORS["price"], mew=2, ls="none", gid="article",
                label=f"the article's {OI_SHORT_SMA_WINDOW} / {OI_LONG_SMA_WINDOW}")
        ax.legend(loc="upper left", fontsize=8)
        set_sweep(fig, table, statistic, gradient, market)
    return fig


def set_sweep(fig: Figure, table: pd.DataFrame, statistic: Optional[str] = None, gradient: Optional[int] = None,
              market: str = "seed 7") -> None:
    """Redraw a :func:`sweep_figure` for another sweep table (same grid of windows)."""
    statistic = statistic_column(table, statistic)
    matrix = sweep_heatmap(table, statistic, gradient)
    values = matrix.to_numpy(dtype=float)
    ax = fig.axes[0]
    image = artist(fig, "heatmap")
    finite = values[np.isfinite(values)]
    if statistic == "trades":
        cmap, low, high = "cividis", float(finite.min()), float(finite.max())
    else:
        cmap = "RdBu"
        high = float(np.abs(finite).max()) or 1.0
        low = -high
    image.set_cmap(mpl.colormaps[cmap].with_extremes(bad="#f4f4f4"))
    image.set_data(np.ma.masked_invalid(values))
    image.set_clim(low, high)
    image.colorbar.set_label(STATISTIC_NAMES.get(statistic, statistic))
    for text in [t for t in ax.texts if t.get_gid() == "cell"]:
        text.remove()
    middle = (low + high) / 2
    span = (high - low) or 1.0
    for row, col in zip(*np.nonzero(np.isfinite(values))):
        value = values[row, col]
        dark = abs(value - middle) / span > 0.3 if statistic != "trades" else value < middle
        ax.text(col, row, _cell_text(statistic, value), ha="center", va="center", fontsize=6.5, gid="cell",
                color="white" if dark else COLORS["price"])
    best = np.unravel_index(np.nanargmax(values), values.shape)
    artist(fig, "best").set_data([best[1]], [best[0]])
    shorts, longs = list(matrix.index), list(matrix.columns)
    has_article = OI_SHORT_SMA_WINDOW in shorts and OI_LONG_SMA_WINDOW in longs
    artist(fig, "article").set_data([longs.index(OI_LONG_SMA_WINDOW)] if has_article else [],
                                    [shorts.index(OI_SHORT_SMA_WINDOW)] if has_article else [])
    name = STATISTIC_NAMES.get(statistic, statistic).replace(" ($)", "")
    rank = f"; the article's pair ranks {sweep_rank(table, statistic=statistic)}" if has_article else ""
    ax.set_title(f"{market}: {name} of {int(np.isfinite(values).sum())} window pairs. Best "
                 f"{shorts[best[0]]} / {longs[best[1]]}: {_value_text(statistic, values[best])}{rank}")
    worst = np.unravel_index(np.nanargmin(values), values.shape)
    article = ""
    if has_article:
        value = values[shorts.index(OI_SHORT_SMA_WINDOW), longs.index(OI_LONG_SMA_WINDOW)]
        article = (f" The article's pair, {OI_SHORT_SMA_WINDOW} and {OI_LONG_SMA_WINDOW}, is framed and shows "
                   f"{_value_text(statistic, value, escape=False)}, rank {sweep_rank(table, statistic=statistic)}.")
    fig.describe(*words.sweep(market, name, int(np.isfinite(values).sum()), shorts, longs,
                             (shorts[best[0]], longs[best[1]]), _value_text(statistic, values[best], escape=False),
                             (shorts[worst[0]], longs[worst[1]]), _value_text(statistic, values[worst], escape=False),
                             article))


def best_pairs_figure(best: pd.DataFrame, shorts: Sequence[int] = SWEEP_SHORTS,
                      longs: Sequence[int] = SWEEP_LONGS) -> BookFigure:
    """Where the best pair of each market falls on the window grid; marker area = number of markets."""
    counts = best.groupby(["short", "long"]).size()
    with book_style():
        fig, (ax,) = new_figure(figsize=(8.0, 4.2))
        grid_x, grid_y = np.meshgrid(np.arange(len(longs)), np.arange(len(shorts)))
        valid = np.asarray(shorts)[grid_y] < np.asarray(longs)[grid_x]
        ax.plot(grid_x[valid], grid_y[valid], ".", color=COLORS["muted"], ms=3)
        x = [list(longs).index(l) for _, l in counts.index]
        y = [list(shorts).index(s) for s, _ in counts.index]
        ax.scatter(x, y, s=70 * counts.to_numpy(), color=COLORS["oi"], alpha=0.7, lw=0, label="best pair of a market")
        if OI_SHORT_SMA_WINDOW in shorts and OI_LONG_SMA_WINDOW in longs:
            ax.plot([list(longs).index(OI_LONG_SMA_WINDOW)], [list(shorts).index(OI_SHORT_SMA_WINDOW)], "s", ms=14, mfc="none",
                    mec=COLORS["price"], mew=2, label=f"the article's {OI_SHORT_SMA_WINDOW} / {OI_LONG_SMA_WINDOW}")
        ax.set_xticks(range(len(longs)), [str(c) for c in longs])
        ax.set_yticks(range(len(shorts)), [str(s) for s in shorts])
        ax.set_xlim(-0.6, len(longs) - 0.4)
        ax.set_ylim(-0.6, len(shorts) - 0.4)
        ax.set_xlabel("long window (bars)")
        ax.set_ylabel("short window (bars)")
        ax.legend(loc="upper left", fontsize=8)
        ax.set_title(f"The best pair of {len(best)} markets: {len(counts)} different cells, "
                     f"at most {int(counts.max())} markets share one")
    return fig.describe(*words.best_pairs(len(best), len(counts), int(counts.max()),
                                         int(counts.get((OI_SHORT_SMA_WINDOW, OI_LONG_SMA_WINDOW), 0)),
                                         f"{OI_SHORT_SMA_WINDOW} / {OI_LONG_SMA_WINDOW}"))


def monte_carlo_figure(*results, names: Optional[Sequence[str]] = None) -> BookFigure:
    """Histogram per result of the per-path P&L difference, strategy − random entries (dollars).

    One panel per :class:`mesbook.MonteCarloResult`, side by side, each with its own dollar scale; the
    mean difference and its 95 % interval are marked and the p-value is in the panel's title.
    """
    if not results:
        raise ValueError("pass at least one monte_carlo result")
    names = list(names) if names is not None else [monte_carlo_label(r) for r in results]
    with book_style():
        fig, axes = new_figure(1, len(results), figsize=(8.0 if len(results) == 1 else 9.0, 3.9))
        for ax, result, name in zip(axes, results, names):
            draw_monte_carlo(ax, result, name)
    return fig.describe(*words.monte_carlo(list(zip(names, results))))


def draw_monte_carlo(ax: Axes, result, name: Optional[str] = None) -> None:
    """(Re)draw one panel of :func:`monte_carlo_figure` on ``ax`` (clears it first)."""
    with book_style():
        ax.clear()
        difference = result.difference
        edges = np.histogram_bin_edges(difference, bins=30)
        ax.hist(difference, bins=edges, color=COLORS["oi"], alpha=0.75, gid="histogram")
        mean, half = result.mean_difference, result.estimate.half_width_95
        ax.axvspan(mean - half, mean + half, color=COLORS["accent"], alpha=0.3, lw=0, label="95 % interval of the mean")
        ax.axvline(mean, color=COLORS["accent"], lw=2, label=f"mean {figure_usd(mean, 0, signed=True)}")
        ax.axvline(0, color=COLORS["price"], lw=1)
        ax.xaxis.set_major_formatter(DOLLARS)
        ax.tick_params(axis="x", labelsize=8)
        ax.set_xlabel("strategy − random entries, one path")
        ax.set_ylabel("paths")
        ax.legend(loc="upper left", fontsize=8)
        low, high = ax.get_ylim()
        ax.set_ylim(low, high * 1.35)
        ax.set_title(f"{name or monte_carlo_label(result)}, {result.num_paths} paths\n"
                     f"one-sided p = {format_p(result.p_value)}", fontsize=10)
        ax.xaxis.get_major_ticks()  # create the ticks now, so that their grid lines take the book's style
        ax.yaxis.get_major_ticks()


def ladder_figure(ladder: pd.DataFrame, title: Optional[str] = None) -> BookFigure:
    """The realism ladder as a waterfall: each rung's paired step, from the article's mean net P&L to the last.

    Bars float from one rung's mean to the next (green up, vermillion down), with the 95 % interval of
    the paired step as an error bar; the grey box behind each rung is the 95 % band of its mean across
    markets. Dollars.
    """
    mean = ladder["mean_pnl"].to_numpy(dtype=float)
    step = np.r_[mean[0], np.diff(mean)]
    base = np.r_[0.0, mean[:-1]]
    step_error = np.r_[np.nan, Z95 * ladder["change_std_error"].to_numpy(dtype=float)[1:]]
    x = np.arange(len(mean))
    with book_style():
        fig, (ax,) = new_figure(figsize=(8.0, 4.8))
        ax.bar(x, ladder["high_95"] - ladder["low_95"], bottom=ladder["low_95"], width=0.86, color=COLORS["muted"],
               alpha=0.22, lw=0, label="95 % band of the mean across markets")
        colors = [COLORS["equity"]] + [COLORS["buy"] if s >= 0 else COLORS["sell"] for s in step[1:]]
        ax.bar(x, step, bottom=base, width=0.56, color=colors)
        ax.errorbar(x[1:], mean[1:], yerr=step_error[1:], fmt="none", ecolor=COLORS["price"], elinewidth=1,
                    capsize=3, label="95 % interval of the step (paired)")
        for i in range(len(mean) - 1):
            ax.plot([i + 0.28, i + 0.72], [mean[i], mean[i]], color=COLORS["price"], lw=0.8, ls=":")
        ax.annotate(figure_usd(mean[0], 0), (0, mean[0]), xytext=(0, 4), textcoords="offset points", ha="center",
                    va="bottom", fontsize=8)
        ax.axhline(0, color=COLORS["price"], lw=1)
        ticks = [textwrap.fill(str(name), 10) + "\n" + (figure_usd(mean[0], 0) if i == 0 else figure_usd(s, 0, signed=True))
                 for i, (name, s) in enumerate(zip(ladder.index, step))]
        ax.set_xticks(x, ticks, fontsize=8)
        ax.yaxis.set_major_formatter(DOLLARS)
        ax.set_ylabel("mean net P&L per market")
        ax.legend(loc="upper right", fontsize=8)
        low, high = ax.get_ylim()
        ax.set_ylim(low, high + 0.12 * (high - low))
        ax.set_title(title or f"From {figure_usd(mean[0], 0)} to {figure_usd(mean[-1], 0)}, one simplification at a time")
    return fig.describe(*words.ladder([str(n) for n in ladder.index], mean, step, ladder["low_95"].to_numpy(dtype=float),
                                     ladder["high_95"].to_numpy(dtype=float), ladder.attrs.get("markets")))


#: Colour of each part of an option's P&L in the attribution figures.
ATTRIBUTION_COLORS: dict[str, str] = {
    "delta": COLORS["oi"], "gamma": COLORS["long"], "theta": COLORS["sell"], "vega": COLORS["short"],
    "residual": COLORS["muted"], "costs": COLORS["accent"],
}


def attribution_figure(attribution) -> BookFigure:
    """Stacked bars per trade: delta, gamma, theta, vega, residual and costs (dollars); ◆ = net P&L."""
    trades = attribution.trades
    number = np.arange(1, len(trades) + 1)
    parts = {name: trades[name].to_numpy(dtype=float) for name in ("delta", "gamma", "theta", "vega", "residual")}
    parts["costs"] = -trades["costs"].to_numpy(dtype=float)
    with book_style():
        fig, (ax,) = new_figure(figsize=(8.0, 4.4))
        up, down = np.zeros(len(trades)), np.zeros(len(trades))
        for name, values in parts.items():
            bottom = np.where(values >= 0, up, down)
            ax.bar(number, values, bottom=bottom, width=0.7, color=ATTRIBUTION_COLORS[name], label=name)
            up, down = up + np.maximum(values, 0), down + np.minimum(values, 0)
        ax.plot(number, trades["pnl"], "D", color=COLORS["price"], mec="white", ms=6, ls="none", label="net P&L")
        ax.axhline(0, color=COLORS["price"], lw=1)
        ax.set_xticks(number, [f"{n}\n{'C' if k == 'CALL' else 'P'}" for n, k in zip(number, trades["option_type"])])
        ax.set_xlabel("trade (C = call, P = put)")
        ax.set_ylabel("P&L of the trade")
        ax.yaxis.set_major_formatter(DOLLARS)
        ax.legend(loc="upper left", ncols=4, fontsize=8)
        low, high = ax.get_ylim()
        ax.set_ylim(low, high + 0.3 * (high - low))
        totals = attribution.totals()
        ax.set_title(f"{len(trades)} trades, net {figure_usd(totals['pnl'], 0, signed=True)}: gamma "
                     f"{figure_usd(totals['gamma'], 0, signed=True)}, theta {figure_usd(totals['theta'], 0, signed=True)}, "
                     f"residual {figure_usd(totals['residual'], 0, signed=True)}")
    return fig.describe(*words.attribution(trades, totals))


_ATTRIBUTION_LINES = ("delta", "gamma", "theta", "vega", "residual")


def trade_attribution_figure(attribution, data: pd.DataFrame, trade: int = 0,
                             strikes: Optional[Sequence[float]] = None) -> BookFigure:
    """One trade bar by bar: futures price and strike (top, points), each Greek's cumulative P&L (bottom, dollars).

    ``trade`` is a row of ``attribution.trades`` (0 = the first trade); ``data`` is the market frame the
    attribution was computed on; ``strikes`` (points, one per trade, e.g. ``result.trades["strike"]``)
    defaults to the at-the-money strike of each entry bar's price.
    """
    with book_style():
        fig, (ax_price, ax_pnl) = new_figure(2, 1, figsize=(8.0, 5.2), sharex=True, height_ratios=(2, 3))
        ax_price.plot([], [], color=COLORS["price"], lw=1.2, gid="price", label="futures price")
        ax_price.plot([], [], color=COLORS["muted"], lw=1.2, ls="--", gid="strike", label="strike")
        ax_price.set_ylabel("index points")
        ax_price.legend(loc="upper left", ncols=2, fontsize=8)
        for name in _ATTRIBUTION_LINES:
            ax_pnl.plot([], [], color=ATTRIBUTION_COLORS[name], lw=1.6, gid=f"cum_{name}", label=name)
        ax_pnl.plot([], [], color=COLORS["price"], lw=2.2, gid="cum_value", label="option value change")
        ax_pnl.plot([], [], "D", color=COLORS["accent"], ms=7, ls="none", gid="net", label="net P&L (after costs)")
        ax_pnl.axhline(0, color=COLORS["price"], lw=0.8)
        ax_pnl.set_xlabel("bar")
        ax_pnl.set_ylabel("cumulative P&L")
        ax_pnl.yaxis.set_major_formatter(DOLLARS)
        ax_pnl.legend(loc="upper left", ncols=4, fontsize=8)
        set_trade_attribution(fig, attribution, data, trade, strikes)
    return fig


def set_trade_attribution(fig: Figure, attribution, data: pd.DataFrame, trade: int,
                          strikes: Optional[Sequence[float]] = None) -> None:
    """Redraw a :func:`trade_attribution_figure` for another trade (a row of ``attribution.trades``)."""
    trades = attribution.trades
    if not 0 <= trade < len(trades):
        raise ValueError(f"trade must be between 0 and {len(trades) - 1}, got {trade}")
    row = trades.iloc[trade]
    steps = attribution.bars[attribution.bars["trade"] == trade]
    entry, exit_ = int(row["entry_bar"]), int(row["exit_bar"])
    bars = np.r_[entry, steps["bar"].to_numpy()]
    price = data["futures_price"].to_numpy(dtype=float)
    strike = float(strikes[trade]) if strikes is not None else float(get_atm_strike(price[entry], STRIKE_INTERVAL))
    artist(fig, "price").set_data(bars, price[bars])
    artist(fig, "strike").set_data([entry, exit_], [strike, strike])
    for name in _ATTRIBUTION_LINES:
        artist(fig, f"cum_{name}").set_data(bars, np.r_[0.0, steps[name].cumsum().to_numpy()])
    artist(fig, "cum_value").set_data(bars, np.r_[0.0, steps["value_change"].cumsum().to_numpy()])
    artist(fig, "net").set_data([exit_], [float(row["pnl"])])
    ax_price, ax_pnl = fig.axes[:2]
    for ax in (ax_price, ax_pnl):
        ax.relim()
        ax.autoscale_view()
    ax_price.set_xlim(entry - 1, exit_ + 1)
    low, high = ax_pnl.get_ylim()
    ax_pnl.set_ylim(low, high + 0.35 * (high - low))
    low, high = ax_price.get_ylim()
    ax_price.set_ylim(low, high + 0.3 * (high - low))
    kind = "call" if row["option_type"] == "CALL" else "put"
    ax_price.set_title(f"Trade {trade + 1} of {len(trades)}: a {kind} struck at {strike:,.0f}, bars {entry}–{exit_} "
                       f"(exit: {row['exit_reason']}), net {figure_usd(float(row['pnl']), 2, signed=True)}")
    parts = {name: float(steps[name].sum()) for name in _ATTRIBUTION_LINES}
    parts["option value change"] = float(steps["value_change"].sum())
    fig.describe(*words.trade_attribution(trade, len(trades), kind, strike, entry, exit_, price[bars], parts,
                                         float(row["pnl"])))


def _signed(value: float) -> str:
    return f"{value:+,.2f}".replace("-", "−")


def leak_figure(data: pd.DataFrame, bar: int, around: int = 5) -> BookFigure:
    """One decision that reads the future: the article's signal at ``bar`` with and without the next bar's OI.

    Left: open interest around ``bar`` (contracts); the next bar, which is not known yet, is hollow. The
    backward change (bar − 1 → bar) and the centred gradient (bar − 1 → bar + 1, halved) are drawn as
    slopes. Right: the three numbers the rule can use at ``bar`` and the signal each version gives.
    """
    if not 1 <= bar < len(data) - 1:
        raise ValueError(f"bar must have a bar before and after it: between 1 and {len(data) - 2}, got {bar}")
    full = generate_signals(calculate_indicators(data))
    known = generate_signals(calculate_indicators(data.iloc[: bar + 1]))
    oi = data["open_interest"].to_numpy(dtype=float)
    window = np.arange(max(bar - around, 0), bar + 1)
    change = float(full["oi_change"].iloc[bar])
    centred, honest = float(full["oi_gradient"].iloc[bar]), float(known["oi_gradient"].iloc[bar])
    signal_full, signal_known = str(full["signal"].iloc[bar]), str(known["signal"].iloc[bar])
    above = full["oi_short_sma"].iloc[bar] > full["oi_long_sma"].iloc[bar]
    rule, side = ("BUY", ">") if above else ("SELL", "<")
    with book_style():
        fig, (ax_oi, ax_num) = new_figure(1, 2, figsize=(9.0, 4.4))
        ax_oi.axvspan(bar + 0.5, bar + 1.6, color=COLORS["muted"], alpha=0.15, lw=0)
        ax_oi.text(bar + 1.05, 0.03, "not yet\npublished", transform=ax_oi.get_xaxis_transform(), ha="center",
                   va="bottom", fontsize=8, color=COLORS["price"])
        ax_oi.plot(window, oi[window], "o-", color=COLORS["oi"], label="open interest, known at the bar")
        ax_oi.plot([bar, bar + 1], oi[[bar, bar + 1]], ":", color=COLORS["oi"])
        ax_oi.plot([bar + 1], [oi[bar + 1]], "o", mfc="white", mec=COLORS["oi"], mew=2, ms=8,
                   label=f"bar {bar + 1}: tomorrow's figure")
        ax_oi.plot([bar - 1, bar + 1], oi[[bar - 1, bar + 1]], "--", color=COLORS["sell"], lw=1.6,
                   label=f"centred gradient: slope {_signed(centred)}")
        ax_oi.plot([bar - 1, bar], oi[[bar - 1, bar]], "-", color=COLORS["long"], lw=3, alpha=0.6,
                   label=f"change: slope {_signed(change)}")
        ax_oi.set_xlim(window[0] - 0.5, bar + 1.6)
        ax_oi.set_xlabel("bar")
        ax_oi.set_ylabel("open interest (contracts)")
        ax_oi.yaxis.set_major_formatter(THOUSANDS)
        ax_oi.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=2, fontsize=8)
        ax_oi.set_title(f"Bar {bar}: the short average crosses {'above' if above else 'below'} the long one",
                        fontsize=10)
        labels = ["OI change", f"centred gradient\n(reads bar {bar + 1})", f"gradient from data\nending at bar {bar}"]
        values = [change, centred, honest]
        colors = [COLORS["long"], COLORS["sell"], COLORS["oi"]]
        y = np.arange(3)[::-1]
        ax_num.barh(y, values, color=colors, height=0.55)
        ax_num.axvline(0, color=COLORS["price"], lw=1)
        for yy, value in zip(y, values):
            ax_num.annotate(_signed(value), (max(value, 0.0), yy), xytext=(4, 0), textcoords="offset points",
                            ha="left", va="center", fontsize=9)
        ax_num.set_yticks(y, labels)
        ax_num.grid(False, axis="y")
        limit = 1.35 * max(abs(v) for v in values)
        ax_num.set_xlim(-limit, limit)
        ax_num.set_xlabel("contracts per bar")
        ax_num.set_title(f"With bar {bar + 1}: {signal_full}. Without it: {signal_known}.\n"
                         f"({rule} needs change or gradient {side} 0)", fontsize=10)
    return fig.describe(*words.leak(bar, window, change, centred, honest, signal_full, signal_known))


__all__ = [
    "ATTRIBUTION_COLORS",
    "attribution_figure",
    "best_pairs_figure",
    "draw_monte_carlo",
    "ladder_figure",
    "leak_figure",
    "monte_carlo_figure",
    "set_sweep",
    "set_trade_attribution",
    "sweep_figure",
    "trade_attribution_figure",
]
