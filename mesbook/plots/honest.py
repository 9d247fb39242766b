"""Figures of part 2, "Making it honest" (chapters 6-7): caveats, option prices and Greeks, real data.

Money in dollars, premiums and strikes in index points, time in calendar days or dates. The tables
these figures draw come from :mod:`mesbook.studies.caveats`, :mod:`mesbook.options.tables`,
:mod:`mesbook.studies.walkforward` and :mod:`mesbook.studies.real_runs`.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch

from ..constants import FUTURES_MULTIPLIER, OPTION_PREMIUM_FIXED
from ..estimates import Z95
from ..results import SimulationResult
from . import text as words
from .base import COLORS, DOLLARS, BookFigure, artist, book_style, date_axis, figure_usd, new_figure


#: Panel titles of :func:`caveat_figure`, by market generator.
MARKET_NAMES: dict[str, str] = {"article": "the article's market", "realistic": "a realistic market"}


def caveat_figure(effects: pd.DataFrame, *more: pd.DataFrame,
                  names: Sequence[str] = ("article", "realistic")) -> BookFigure:
    """Bars of the mean change in net P&L (dollars) when each caveat alone is removed, ± 1.96 standard errors.

    ``effects`` (and each of ``more``) is a :func:`mesbook.studies.caveats.caveat_effects` table; one panel per
    table, titled from ``names`` (keys of :data:`MARKET_NAMES`, or any text). Bars to the left cost the
    article's bot money; the row labels name the honest alternative.
    """
    tables = (effects, *more)
    labels = list(names)[: len(tables)] + [f"table {i + 1}" for i in range(len(names), len(tables))]
    with book_style():
        fig, axes = new_figure(1, len(tables), figsize=(9.0 if len(tables) > 1 else 7.0, 4.6))
        for k, (ax, table, name) in enumerate(zip(axes, tables, labels)):
            rows = np.arange(len(table))[::-1]
            change = table["change"].to_numpy(dtype=float)
            colors = [COLORS["put"] if c < 0 else COLORS["call"] for c in change]
            ax.barh(rows, change, xerr=Z95 * table["std_error"].to_numpy(dtype=float), color=colors, alpha=0.85,
                    error_kw={"ecolor": COLORS["price"], "lw": 1, "capsize": 2})
            ax.axvline(0, color=COLORS["price"], lw=1)
            ax.set_yticks(rows, table["honest"] if k == 0 else [""] * len(rows))
            ax.xaxis.set_major_formatter(DOLLARS)
            ax.set_xlabel("mean change in net P&L per run")
            before = float(table["before"].iloc[0])
            ax.set_title(f"{MARKET_NAMES.get(name, name)}\n(article's bot: {figure_usd(before, 0, signed=True)} a run)")
            ax.grid(axis="y", visible=False)
            ax.tick_params(axis="x", labelrotation=30)
    return fig.describe(*words.caveats([(MARKET_NAMES.get(name, name), table) for name, table in zip(labels, tables)], Z95))


def caveat_equity_figure(base: SimulationResult, chosen: SimulationResult,
                         label: str = "honest switches") -> BookFigure:
    """Account value of the article's bot (``base``) and of a variant (``chosen``), dollars, on one axis."""
    with book_style():
        fig, (ax,) = new_figure(figsize=(8.0, 4.0))
        times = pd.DatetimeIndex(base.equity.index)
        ax.plot(times, base.equity.to_numpy(), color=COLORS["muted"], lw=1.6, gid="base", label="the article")
        ax.plot(times, chosen.equity.to_numpy(), color=COLORS["equity"], lw=1.6, gid="chosen", label=label)
        ax.axhline(base.initial_cash, color=COLORS["muted"], lw=1, ls=":")
        ax.yaxis.set_major_formatter(DOLLARS)
        ax.set_ylabel("account value")
        ax.legend(loc="upper left")
        date_axis(ax)
        set_caveat_equity(fig, base, chosen, label)
    return fig


def set_caveat_equity(fig: Figure, base: SimulationResult, chosen: SimulationResult, label: str) -> None:
    """Redraw both curves, the legend and the title of a :func:`caveat_equity_figure`."""
    ax = fig.axes[0]
    times = pd.DatetimeIndex(base.equity.index)
    artist(fig, "base").set_data(times, base.equity.to_numpy())
    artist(fig, "chosen").set_data(times, chosen.equity.to_numpy())
    artist(fig, "chosen").set_label(label)
    ax.legend(loc="upper left")
    ax.relim()
    ax.autoscale_view()
    ax.set_title(f"article {figure_usd(base.net_pnl, signed=True)} ({len(base.trades)} trades), "
                 f"switched {figure_usd(chosen.net_pnl, signed=True)} ({len(chosen.trades)} trades)")
    fig.describe(*words.caveat_equity(base.net_pnl, len(base.trades), chosen.net_pnl, len(chosen.trades), label,
                                     base.initial_cash))


def option_price_figure(by_strike: pd.DataFrame, by_time: pd.DataFrame, futures: float = 4000.0) -> BookFigure:
    """Black-76 premiums: against the strike for a few expiries (left), and an ATM option decaying (right).

    ``by_strike`` and ``by_time`` come from :func:`mesbook.options.tables.price_by_strike` and
    :func:`mesbook.options.tables.price_by_time` (points; days). The left panel also shows the intrinsic value at
    ``futures`` and the article's 2.5 points.
    """
    palette = [COLORS["sky"], COLORS["oi"], COLORS["price"], COLORS["accent"]]
    with book_style():
        fig, (ax_k, ax_t) = new_figure(1, 2, figsize=(9.0, 3.9))
        strikes = by_strike.index.to_numpy(dtype=float)
        for color, column in zip(palette, by_strike.columns):
            ax_k.plot(strikes, by_strike[column], color=color, label=f"call, {column} to expiry")
        ax_k.plot(strikes, np.maximum(futures - strikes, 0.0), color=COLORS["muted"], ls="--", label="intrinsic value")
        ax_k.axhline(OPTION_PREMIUM_FIXED / FUTURES_MULTIPLIER, color=COLORS["put"], lw=1.2, ls=":",
                     label="the article's 2.5 points")
        ax_k.axvline(futures, color=COLORS["muted"], lw=0.8, ls=":")
        ax_k.set_xlabel("strike (index points)")
        ax_k.set_ylabel("premium (index points)")
        ax_k.set_title(f"Futures at {futures:,.0f}: the premium by strike")
        ax_k.legend(loc="upper right", fontsize=8)
        days = by_time.index.to_numpy()
        ax_t.plot(days, by_time["premium"], color=COLORS["oi"], lw=2)
        ax_t.invert_xaxis()
        ax_t.set_xlabel("calendar days left to expiry")
        ax_t.set_ylabel("premium (index points)")
        first = by_time.iloc[0]
        ax_t.set_title(f"An ATM option, futures unchanged: {first['premium']:.0f} points → 0")
        for day, offset in ((int(days[0]), (2, -36)), (30, (8, 4)), (7, (8, 22))):
            row = by_time.loc[day]
            ax_t.annotate(f"{day} days: {row['premium']:.1f} pts,\nθ = {row['theta per day']:.2f} pts/day",
                          (day, row["premium"]), xytext=offset, textcoords="offset points", fontsize=8,
                          color=COLORS["price"])
            ax_t.plot([day], [row["premium"]], "o", color=COLORS["accent"], ms=5)
    at_money = {f"{column}": float(np.interp(futures, strikes, by_strike[column])) for column in by_strike.columns}
    thetas = {day: float(by_time.loc[day, "theta per day"]) for day in (int(days[0]), 30, 7)}
    return fig.describe(*words.option_prices(futures, strikes, at_money, OPTION_PREMIUM_FIXED / FUTURES_MULTIPLIER,
                                            int(days[0]), float(first["premium"]), thetas,
                                            by_strike.attrs.get("rate"), by_strike.attrs.get("vol")))


#: Panels of :func:`greeks_figure`: (column(s) of greek_curves, title, y label).
GREEK_PANELS: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (("call", "put"), "premium", "points"),
    (("call delta", "put delta"), "delta", "points per point"),
    (("gamma",), "gamma", "delta per point"),
    (("vega",), "vega", "points per vol point"),
    (("call theta", "put theta"), "theta", "points per day"),
)


def greeks_figure(curves: pd.DataFrame, strike: float, days: float, vol: float) -> BookFigure:
    """Premium, delta, gamma, vega and theta of a call and a put against the futures price.

    ``curves`` is :func:`mesbook.options.tables.greek_curves` for ``strike`` (points), ``days`` to expiry and
    ``vol`` (per year); the sixth panel is a text summary at the money. Units on every panel.
    """
    with book_style():
        fig, axes = new_figure(2, 3, figsize=(9.0, 5.6))
        for ax, (columns, title, unit) in zip(axes, GREEK_PANELS):
            for column in columns:
                put = column.startswith("put")
                ax.plot([], [], color=COLORS["put" if put else "call"], ls="--" if put else "-",
                        gid=f"greek:{column}", label="put" if put else ("call" if len(columns) > 1 else "call and put"))
            ax.axvline(strike, color=COLORS["muted"], lw=0.8, ls=":", gid=f"strike:{title}")
            ax.set_title(title)
            ax.set_ylabel(unit)
            ax.set_xlabel("futures (points)")
            ax.legend(loc="best", fontsize=7)
        axes[-1].axis("off")
        axes[-1].text(0.0, 0.95, "", va="top", ha="left", fontsize=9, family="monospace", gid="summary",
                      transform=axes[-1].transAxes)
        set_greeks(fig, curves, strike, days, vol)
    return fig


def set_greeks(fig: Figure, curves: pd.DataFrame, strike: float, days: float, vol: float) -> None:
    """Redraw a :func:`greeks_figure` for new curves and parameters."""
    futures = curves.index.to_numpy(dtype=float)
    for ax, (columns, title, _unit) in zip(fig.axes, GREEK_PANELS):
        for column in columns:
            artist(fig, f"greek:{column}").set_data(futures, curves[column].to_numpy(dtype=float))
        artist(fig, f"strike:{title}").set_xdata([strike, strike])
        ax.relim()
        ax.autoscale_view()
    at = curves.iloc[int(np.argmin(np.abs(futures - strike)))]
    lines = [f"strike {strike:,.0f}, {days:g} days, vol {100 * vol:.0f} %", "", "futures at the strike:",
             f"call premium {at['call']:8.2f} pts", f"             {at['call'] * FUTURES_MULTIPLIER:8.2f} $",
             f"call delta   {at['call delta']:8.3f}", f"gamma        {at['gamma']:8.5f}",
             f"vega         {at['vega']:8.3f} pts/vol pt", f"call theta   {at['call theta']:8.3f} pts/day",
             f"             {at['call theta'] * FUTURES_MULTIPLIER:8.2f} $/day"]
    artist(fig, "summary").set_text("\n".join(lines))
    fig.suptitle(f"Black-76 Greeks of a {days:g}-day option struck at {strike:,.0f} (vol {100 * vol:.0f} %)")
    fig.describe(*words.greeks(strike, days, vol, futures, at))


def walk_forward_figure(table: pd.DataFrame) -> BookFigure:
    """In-sample against out-of-sample score per walk-forward fold (:func:`mesbook.walk_forward`'s table)."""
    label = table.attrs.get("statistic", "score")
    folds = np.arange(len(table))
    with book_style():
        fig, (ax,) = new_figure(figsize=(8.0, 3.8))
        ax.bar(folds - 0.2, table["in_sample"], width=0.4, color=COLORS["muted"], label="in-sample (best of the grid)")
        ax.bar(folds + 0.2, table["out_of_sample"], width=0.4, color=COLORS["oi"], label="out-of-sample (same windows)")
        ax.plot(folds + 0.2, table["test_median"], "_", color=COLORS["accent"], ms=18, mew=2,
                label="median of the grid out-of-sample")
        ax.axhline(0, color=COLORS["price"], lw=1)
        ax.set_xticks(folds, [f"fold {i}\n{s}/{lo}" for i, (s, lo) in enumerate(zip(table["short"], table["long"]))])
        ax.set_ylabel(label)
        gap = float(table["in_sample"].mean() - table["out_of_sample"].mean())
        ax.set_title(f"{label}: in-sample {table['in_sample'].mean():.2f} on average, out-of-sample "
                     f"{table['out_of_sample'].mean():.2f} (gap {gap:.2f})")
        ax.legend(loc="upper right", fontsize=8)
    return fig.describe(*words.walk_forward(label, table["in_sample"].to_numpy(dtype=float),
                                           table["out_of_sample"].to_numpy(dtype=float), table.attrs.get("test_bars"),
                                           table["test_median"].to_numpy(dtype=float)))


def real_data_figure(markets: dict, results: dict) -> BookFigure:
    """Real weekly data: index close, CFTC open interest, and the account of each OI dating.

    ``markets`` and ``results`` are keyed "publication" and "as_of" (see
    :func:`mesbook.studies.real_runs.real_markets` and :func:`mesbook.studies.real_runs.real_results`).
    """
    pub = markets["publication"]
    times = pd.DatetimeIndex(pub["timestamp"])
    with book_style():
        fig, (ax_p, ax_oi, ax_eq) = new_figure(3, 1, figsize=(8.0, 6.6), sharex=True, height_ratios=(2, 2, 3))
        ax_p.plot(times, pub["futures_price"], color=COLORS["price"], lw=1)
        ax_p.set_ylabel("S&P 500 index\n(points)")
        ax_p.set_title("Real weekly data, 2010–2018: index close, CFTC open interest, and the bot's account")
        ax_oi.plot(times, pub["open_interest"].to_numpy(dtype=float) / 1e6, color=COLORS["oi"], lw=1)
        ax_oi.set_ylabel("open interest\n(million contracts)")
        for lag, color, name in (("publication", COLORS["equity"], "OI dated when published (Friday)"),
                                 ("as_of", COLORS["accent"], "OI dated as of Tuesday (look-ahead)")):
            result = results[lag]
            ax_eq.plot(pd.DatetimeIndex(result.equity.index), result.equity.to_numpy(), color=color, lw=1.4,
                       label=f"{name}: {figure_usd(result.net_pnl, 0, signed=True)}")
        ax_eq.axhline(results["publication"].initial_cash, color=COLORS["muted"], lw=1, ls=":")
        ax_eq.yaxis.set_major_formatter(DOLLARS)
        ax_eq.set_ylabel("account value")
        ax_eq.legend(loc="upper left", fontsize=8)
        date_axis(ax_eq)
    cash = results["publication"].initial_cash
    swing = max(float(np.abs(results[lag].equity.to_numpy() - cash).max()) for lag in ("publication", "as_of"))
    return fig.describe(*words.real_data(times, pub["futures_price"].to_numpy(dtype=float),
                                        pub["open_interest"].to_numpy(dtype=float), results["publication"].net_pnl,
                                        results["as_of"].net_pnl, cash, swing))


#: The boxes of :func:`broker_loop_figure`: name, what it does, (x, y) centre in axes units.
LOOP_BOXES: tuple[tuple[str, str, tuple[float, float]], ...] = (
    ("data feed", "prices, OI (with its\npublication time)", (0.125, 0.76)),
    ("signal", "indicators on data\nalready public", (0.375, 0.76)),
    ("risk checks", "size, stops, drawdown,\nkill switch", (0.625, 0.76)),
    ("order manager", "one id per order;\nretries are idempotent", (0.875, 0.76)),
    ("broker API (paper)", "accepts, fills,\nrejects orders", (0.875, 0.26)),
    ("fills & positions", "reconcile with the\nbroker's own record", (0.50, 0.26)),
    ("monitoring", "P&L, latency, errors;\nalerts a person", (0.125, 0.26)),
)


def broker_loop_figure() -> BookFigure:
    """The loop of a paper-trading bot as boxes and arrows (a diagram: no trading code behind it)."""
    from matplotlib.patches import FancyBboxPatch

    with book_style():
        fig, (ax,) = new_figure(figsize=(9.0, 4.2))
        ax.set_xlim(0, 1)
        ax.set_ylim(0.1, 0.92)
        ax.axis("off")
        width, height = 0.21, 0.22
        centres = {}
        for name, text, (x, y) in LOOP_BOXES:
            centres[name] = (x, y)
            broker = name.startswith("broker")
            ax.add_patch(FancyBboxPatch((x - width / 2, y - height / 2), width, height,
                                        boxstyle="round,pad=0.01,rounding_size=0.02",
                                        facecolor="#F3F3F3" if not broker else "#E8F1F8",
                                        edgecolor=COLORS["oi"] if broker else COLORS["price"], lw=1.2))
            ax.text(x, y + 0.05, name, ha="center", va="center", fontsize=9.5, fontweight="bold")
            ax.text(x, y - 0.04, text, ha="center", va="center", fontsize=7.5, color="#333333")
        flow = [("data feed", "signal"), ("signal", "risk checks"), ("risk checks", "order manager"),
                ("order manager", "broker API (paper)"), ("broker API (paper)", "fills & positions"),
                ("fills & positions", "monitoring")]
        for a, b in flow:
            (xa, ya), (xb, yb) = centres[a], centres[b]
            if ya == yb:
                start, end = (xa + np.sign(xb - xa) * width / 2, ya), (xb - np.sign(xb - xa) * width / 2, yb)
            else:
                start, end = (xa, ya - height / 2), (xb, yb + height / 2)
            ax.annotate("", xy=end, xytext=start, arrowprops={"arrowstyle": "-|>", "color": COLORS["price"], "lw": 1.3})
        # feedback: positions go back to the risk checks; monitoring can pull the kill switch
        (xf, yf), (xr, yr) = centres["fills & positions"], centres["risk checks"]
        ax.annotate("", xy=(xr - 0.03, yr - height / 2), xytext=(xf + 0.03, yf + height / 2),
                    arrowprops={"arrowstyle": "-|>", "color": COLORS["oi"], "lw": 1.2, "ls": "--"})
        ax.text((xf + xr) / 2 + 0.035, 0.50, "positions\nfeed back", fontsize=7.5, color=COLORS["oi"])
        (xm, ym) = centres["monitoring"]
        ax.annotate("", xy=(xr - 0.07, yr - height / 2), xytext=(xm + 0.06, ym + height / 2),
                    arrowprops={"arrowstyle": "-|>", "color": COLORS["put"], "lw": 1.4, "ls": ":"})
        ax.text(0.27, 0.50, "kill switch", fontsize=8, color=COLORS["put"], fontweight="bold", rotation=32)
        ax.set_title("A paper-trading loop: every arrow is a place where something can fail")
    return fig.describe(*words.broker_loop([(name, what) for name, what, _ in LOOP_BOXES], flow))


__all__ = [
    "broker_loop_figure",
    "caveat_equity_figure",
    "caveat_figure",
    "GREEK_PANELS",
    "greeks_figure",
    "LOOP_BOXES",
    "MARKET_NAMES",
    "option_price_figure",
    "real_data_figure",
    "set_caveat_equity",
    "set_greeks",
    "walk_forward_figure",
]
