"""Figures for the book (and the small tables printed beside them).

Every ``*_figure`` function returns a new :class:`BookFigure`: a matplotlib ``Figure`` built without
pyplot, so nothing is shown twice in a notebook and nothing leaks between calls. A ``BookFigure``
displays itself as a PNG in Jupyter under any backend (including ``MPLBACKEND=Agg``), and
``fig.savefig(...)`` works as usual.

Units: money in dollars, prices and strikes in index points, open interest in contracts, time in bars
(business days) or dates. The look of every figure comes from :data:`BOOK_RC`, applied while the figure
is built, so the book, the widgets and the command line draw the same pictures.

Artists that the explorers in :mod:`mesbook.widgets` update in place carry a ``gid`` (see
:func:`artist`), so a widget can change their data without rebuilding the figure.
"""
from __future__ import annotations

import io
from contextlib import contextmanager
from typing import Iterable, Iterator, Optional, Sequence

import matplotlib as mpl
import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from .constants import FUTURES_MULTIPLIER, OPTION_PREMIUM_FIXED, STRIKE_INTERVAL
from .contract import get_atm_strike, intrinsic_value, points_to_dollars
from .indicators import calculate_indicators
from .results import SimulationResult
from .signals import signal_codes

#: Resolution of PNGs rendered for notebooks and widgets, dots per inch.
PNG_DPI: int = 100

#: The book's matplotlib settings (applied with ``matplotlib.rc_context`` while a figure is built).
BOOK_RC: dict = {
    "figure.figsize": (8.0, 4.2),
    "figure.dpi": PNG_DPI,
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "grid.linewidth": 0.6,
    "legend.frameon": False,
    "legend.fontsize": 9,
    "lines.linewidth": 1.4,
    "savefig.dpi": PNG_DPI,
}

#: Colour-blind-safe palette (Okabe & Ito), one colour per concept.
COLORS: dict[str, str] = {
    "price": "#000000",
    "oi": "#0072B2",
    "short": "#E69F00",
    "long": "#009E73",
    "call": "#009E73",
    "put": "#D55E00",
    "buy": "#009E73",
    "sell": "#D55E00",
    "equity": "#0072B2",
    "accent": "#CC79A7",
    "muted": "#999999",
    "sky": "#56B4E9",
}

def usd(value: float, decimals: int = 2, signed: bool = False) -> str:
    """Dollars for figure text: ``usd(-12.5)`` → "−$12.50" (the $ escaped so matplotlib shows it as money)."""
    sign = "−" if value < 0 else ("+" if signed and value > 0 else "")
    return f"{sign}\\${abs(value):,.{decimals}f}"


_DOLLARS = FuncFormatter(lambda value, _pos: usd(value, 0))
_THOUSANDS = FuncFormatter(lambda value, _pos: f"{value:,.0f}")


class BookFigure(Figure):
    """A matplotlib Figure that shows itself as a PNG in Jupyter, whatever the backend."""

    def png_bytes(self, tight: bool = True) -> bytes:
        """Render the figure to PNG bytes (``tight`` trims the white margin)."""
        buffer = io.BytesIO()
        self.savefig(buffer, format="png", dpi=PNG_DPI, bbox_inches="tight" if tight else None,
                     metadata={"Software": None})
        return buffer.getvalue()

    def _repr_png_(self) -> bytes:
        return self.png_bytes()

    def __repr__(self) -> str:
        width, height = self.get_size_inches() * PNG_DPI
        return f"<mesbook figure {width:.0f}x{height:.0f} with {len(self.axes)} axes>"


@contextmanager
def book_style() -> Iterator[None]:
    """Context manager applying :data:`BOOK_RC`."""
    with mpl.rc_context(BOOK_RC):
        yield


def new_figure(nrows: int = 1, ncols: int = 1, *, figsize: Optional[Sequence[float]] = None,
               sharex: bool = False, height_ratios: Optional[Sequence[float]] = None) -> tuple[BookFigure, np.ndarray]:
    """A :class:`BookFigure` with a grid of axes (always returned as a flat array)."""
    fig = BookFigure(figsize=figsize or BOOK_RC["figure.figsize"], dpi=PNG_DPI, layout="constrained")
    axes = fig.subplots(nrows, ncols, sharex=sharex, squeeze=False,
                        gridspec_kw={"height_ratios": height_ratios} if height_ratios else None)
    return fig, axes.ravel()


def artist(fig: Figure, gid: str) -> Artist:
    """The artist of ``fig`` whose ``gid`` is ``gid`` (raises ``KeyError`` if there is none)."""
    for ax in fig.axes:
        for child in ax.get_children():
            if child.get_gid() == gid:
                return child
    raise KeyError(f"no artist with gid {gid!r} in this figure")


def _date_axis(ax: Axes) -> None:
    locator = mdates.AutoDateLocator(minticks=4, maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def defined_from(values: np.ndarray) -> int:
    """Index of the first non-zero value: where a zero-filled moving average becomes defined."""
    nonzero = np.flatnonzero(np.asarray(values) != 0)
    return int(nonzero[0]) if len(nonzero) else len(values)


def masked_warmup(values: np.ndarray) -> np.ndarray:
    """A float copy of ``values`` with the zero-filled warm-up replaced by NaN (not drawn)."""
    out = np.asarray(values, dtype=float).copy()
    out[: defined_from(out)] = np.nan
    return out


# ---------------------------------------------------------------------------------------------------
# Chapter 1 — the contract and the option payoffs
# ---------------------------------------------------------------------------------------------------

def payoff_dollars(prices: np.ndarray, strike: float, premium_points: float,
                   multiplier: float = FUTURES_MULTIPLIER) -> tuple[np.ndarray, np.ndarray]:
    """P&L at exit of one long call and one long put, dollars, for each futures price in ``prices``.

    P&L = intrinsic value (points) × ``multiplier`` − premium (``premium_points`` × ``multiplier``),
    the article's rule for closing an option.
    """
    premium = points_to_dollars(premium_points, multiplier)
    call = points_to_dollars(intrinsic_value(1, prices, strike), multiplier) - premium
    put = points_to_dollars(intrinsic_value(-1, prices, strike), multiplier) - premium
    return call, put


def payoff_figure(strike: float = 4505.0, premium_points: float = OPTION_PREMIUM_FIXED / FUTURES_MULTIPLIER,
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
        ax.yaxis.set_major_formatter(_DOLLARS)
        ax.legend(loc="upper center")
        _label_payoff(fig, strike, premium_points, half_width)
    return fig


def _label_payoff(fig: Figure, strike: float, premium_points: float, half_width: float) -> None:
    """(Re)write the payoff figure's title, legend and limits for a strike and premium."""
    ax = fig.axes[0]
    premium = points_to_dollars(premium_points, FUTURES_MULTIPLIER)
    ax.set_title(f"Strike {strike:,.0f}, premium {premium_points:g} points = {usd(premium)}: "
                 f"the most either option can lose")
    legend = ax.get_legend()
    legend.get_texts()[0].set_text(f"long call (breakeven {strike + premium_points:,.1f})")
    legend.get_texts()[1].set_text(f"long put (breakeven {strike - premium_points:,.1f})")
    ax.set_xlim(strike - half_width, strike + half_width)
    top = points_to_dollars(half_width, FUTURES_MULTIPLIER) - premium
    ax.set_ylim(-premium - 0.08 * (top + premium) - 5, top * 1.05 + 5)


def atm_strike_figure(low: float = 4495.0, high: float = 4515.0,
                      strike_interval: float = STRIKE_INTERVAL, example: float = 4503.25) -> BookFigure:
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
    return fig


# ---------------------------------------------------------------------------------------------------
# Chapter 2 — open interest
# ---------------------------------------------------------------------------------------------------

#: A tiny market: who buys from whom, and whether each side opens or closes a position.
LEDGER_TRADES: tuple[tuple[str, str, str, str], ...] = (
    ("Ana", "opens", "Ben", "opens"),
    ("Cai", "opens", "Ana", "closes"),
    ("Dee", "opens", "Eli", "opens"),
    ("Ben", "closes", "Cai", "closes"),
    ("Fay", "opens", "Dee", "closes"),
    ("Eli", "closes", "Fay", "closes"),
)


def oi_ledger(trades: Iterable[tuple[str, str, str, str]] = LEDGER_TRADES) -> pd.DataFrame:
    """Volume and open interest after each trade of a toy market.

    Each trade is ``(buyer, "opens"|"closes", seller, "opens"|"closes")``. Every trade adds 1 to volume;
    open interest rises by 1 when both sides open, falls by 1 when both close, and is unchanged when
    one side hands its position to the other.
    """
    rows, volume, oi = [], 0, 0
    for number, (buyer, buyer_does, seller, seller_does) in enumerate(trades, start=1):
        for side in (buyer_does, seller_does):
            if side not in ("opens", "closes"):
                raise ValueError(f"each side either 'opens' or 'closes', got {side!r}")
        step = {("opens", "opens"): 1, ("closes", "closes"): -1}.get((buyer_does, seller_does), 0)
        volume, oi = volume + 1, oi + step
        if oi < 0:
            raise ValueError(f"trade {number} closes more positions than are open")
        rows.append({"trade": number, "buyer": f"{buyer} {buyer_does}", "seller": f"{seller} {seller_does}",
                     "OI change": step, "volume": volume, "open interest": oi})
    return pd.DataFrame(rows).set_index("trade")


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
    return fig


def market_figure(data: pd.DataFrame, title: Optional[str] = None) -> BookFigure:
    """Futures price (index points) above open interest (contracts), one bar per business day."""
    with book_style():
        fig, (ax_price, ax_oi) = new_figure(2, 1, figsize=(8.0, 4.8), sharex=True)
        times = pd.DatetimeIndex(data["timestamp"])
        ax_price.plot(times, data["futures_price"], color=COLORS["price"], lw=1.1, gid="price")
        ax_price.set_ylabel("futures price\n(index points)")
        ax_oi.plot(times, data["open_interest"], color=COLORS["oi"], lw=1.3, gid="oi")
        ax_oi.set_ylabel("open interest\n(contracts)")
        ax_oi.yaxis.set_major_formatter(_THOUSANDS)
        _date_axis(ax_oi)
        if title is not None:
            ax_price.set_title(title)
    return fig


#: The four readings of price and open interest moving together (in this book's words):
#: (name, price direction, OI direction, the usual reading).
REGIMES: tuple[tuple[str, str, str, str], ...] = (
    ("fresh buying", "up", "up", "new longs arrive: the rise has support"),
    ("fresh selling", "down", "up", "new shorts arrive: the fall has support"),
    ("short covering", "up", "down", "shorts leave: the rally may fade"),
    ("long liquidation", "down", "down", "longs leave: the fall may fade"),
)


def regime_table(data: pd.DataFrame) -> pd.DataFrame:
    """How many bars of ``data`` fall in each price/OI regime (bar-to-bar changes; flat bars skipped)."""
    price = np.diff(data["futures_price"].to_numpy(dtype=float))
    oi = np.diff(data["open_interest"].to_numpy(dtype=float))
    rows = []
    for name, price_way, oi_way, reading in REGIMES:
        in_regime = ((price > 0) if price_way == "up" else (price < 0)) & ((oi > 0) if oi_way == "up" else (oi < 0))
        rows.append({"regime": name, "price": price_way, "open interest": oi_way, "usual reading": reading,
                     "bars": int(in_regime.sum())})
    table = pd.DataFrame(rows).set_index("regime")
    table["share (%)"] = (100 * table["bars"] / table["bars"].sum()).round(1)
    return table


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
    return fig


def real_oi_figure(cot: pd.DataFrame, zoom: tuple[str, str] = ("2021-01-01", "2022-12-31"),
                   unit_break: tuple[str, str] = ("2023-04-25", "2023-05-02")) -> BookFigure:
    """Weekly reported open interest of all S&P 500 futures (CFTC): whole history and a two-year zoom.

    ``cot`` needs the columns ``as_of`` (the Tuesday the positions refer to) and ``open_interest``
    (contracts), as returned by :func:`mesbook.real_data.load_cftc_open_interest`. The left panel marks
    the week the series changes units (``unit_break``); the right panel marks the quarterly expiries
    (third Friday of March, June, September, December).
    """
    from .calendar import option_expiries

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
        _date_axis(ax_all)
        inside = (times >= pd.Timestamp(zoom[0])) & (times <= pd.Timestamp(zoom[1]))
        ax_zoom.plot(times[inside], oi[inside] / 1e6, color=COLORS["oi"], lw=1.4, marker=".", ms=4)
        for expiry in option_expiries(zoom[0], zoom[1], "quarterly"):
            ax_zoom.axvline(expiry, color=COLORS["muted"], lw=1, ls=":")
        ax_zoom.set_title(f"{zoom[0][:4]}–{zoom[1][:4]}: dotted lines are quarterly expiries")
        _date_axis(ax_zoom)
    return fig


def publication_lag_figure(cot: pd.DataFrame, start: str = "2024-02-26", weeks: int = 3) -> BookFigure:
    """A calendar of a few weeks: when each weekly OI figure is measured (Tuesday) and published (Friday).

    ``cot`` needs ``as_of`` and ``published`` columns (see :func:`mesbook.real_data.load_cftc_open_interest`).
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
    return fig


# ---------------------------------------------------------------------------------------------------
# Chapter 3 — indicators
# ---------------------------------------------------------------------------------------------------

def crossings(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Bars where the short OI average crosses above / below the long one, as the bot sees them.

    Uses the article's crossover test (:func:`mesbook.signals.signal_codes`) without the momentum
    filter, on the zero-filled averages of ``frame``.
    """
    return crossing_bars(frame["oi_short_sma"].to_numpy(dtype=float), frame["oi_long_sma"].to_numpy(dtype=float))


def crossing_bars(short: np.ndarray, long: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`crossings` on plain arrays of the two (zero-filled) averages."""
    ones = np.ones(len(short))
    up = np.flatnonzero(signal_codes(short, long, ones, ones) == 1)
    down = np.flatnonzero(signal_codes(short, long, -ones, -ones) == 2)
    return up, down


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
        ax.yaxis.set_major_formatter(_THOUSANDS)
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
        ax.yaxis.set_major_formatter(_THOUSANDS)
        ax.legend(loc="center right")
        ax.set_title(f"The first {bars} bars: every crossing here comes from the zero fill")
        side = np.sign(short - long)
        ax_side.step(x, side, where="mid", color=COLORS["price"], lw=1.5)
        ax_side.plot(up, side[up], "^", color=COLORS["buy"], ms=8)
        ax_side.plot(down, side[down], "v", color=COLORS["sell"], ms=8)
        ax_side.set_yticks([-1, 0, 1], ["below", "equal", "above"])
        ax_side.set_ylabel("short vs long")
        ax_side.set_xlabel("bar")
    return fig


def bump_open_interest(data: pd.DataFrame, bar: int, contracts: float) -> pd.DataFrame:
    """A copy of ``data`` with ``contracts`` added to the open interest of one ``bar`` only."""
    if not 0 <= bar < len(data):
        raise ValueError(f"bar must be between 0 and {len(data) - 1}, got {bar}")
    bumped = data.copy()
    oi = bumped["open_interest"].to_numpy(dtype=float).copy()
    oi[bar] += contracts
    bumped["open_interest"] = oi
    return bumped


def lookahead_table(data: pd.DataFrame, bar: int = 100, bump: float = 1000.0) -> pd.DataFrame:
    """What bar ``bar``'s indicators read when only the *next* bar's OI is changed by ``bump``.

    Returns one row per indicator with its value at ``bar`` before and after the change (contracts).
    A backward-looking indicator must not move; the centred gradient moves by ``bump`` / 2.
    """
    before = calculate_indicators(data).iloc[bar]
    after = calculate_indicators(bump_open_interest(data, bar + 1, bump)).iloc[bar]
    columns = ["oi_change", "oi_gradient", "oi_short_sma", "oi_long_sma"]
    table = pd.DataFrame({"before": before[columns].astype(float), "after": after[columns].astype(float)})
    table["moved by"] = table["after"] - table["before"]
    table.index.name = f"value at bar {bar}"
    return table.round(2)


def lookahead_figure(data: pd.DataFrame, bar: int = 100, bump: float = 1000.0, around: int = 4) -> BookFigure:
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
        ax_oi.yaxis.set_major_formatter(_THOUSANDS)
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
    return fig


# ---------------------------------------------------------------------------------------------------
# Chapter 4 — signals
# ---------------------------------------------------------------------------------------------------

def signal_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Crossings, how many of them the momentum filter lets through, and where they fall.

    ``frame`` needs the indicator and ``signal`` columns. Rows: crossings above (→ BUY) and below
    (→ SELL). Columns: crossings, signals kept, signals inside the warm-up (before the long average
    is defined + 1 bar, i.e. produced by the zero fill).
    """
    up, down = crossings(frame)
    signal = frame["signal"].astype(str).to_numpy()
    warm_end = defined_from(frame["oi_long_sma"].to_numpy())  # first bar with a real long average
    rows = []
    for name, bars, label in (("crosses above → BUY", up, "BUY"), ("crosses below → SELL", down, "SELL")):
        kept = np.flatnonzero(signal == label)
        rows.append({"rule": name, "crossings": len(bars), "signals": len(kept),
                     "filtered out by momentum": len(bars) - len(kept),
                     "signals from the warm-up": int((kept <= warm_end).sum())})
    return pd.DataFrame(rows).set_index("rule")


def signal_bars(frame: pd.DataFrame) -> pd.DataFrame:
    """The bars that carry a BUY or SELL: date, open interest, change and gradient (contracts), signal."""
    acting = frame[frame["signal"].astype(str) != "HOLD"]
    return pd.DataFrame({
        "date": pd.DatetimeIndex(acting["timestamp"]).strftime("%Y-%m-%d"),
        "open interest": acting["open_interest"].to_numpy(dtype=float).round(1),
        "change": acting["oi_change"].to_numpy(dtype=float).round(1),
        "gradient": acting["oi_gradient"].to_numpy(dtype=float).round(2),
        "signal": acting["signal"].astype(str).to_numpy(),
    }, index=pd.Index(acting.index, name="bar"))


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
        ax_oi.yaxis.set_major_formatter(_THOUSANDS)
        ax_oi.legend(loc="upper left", ncols=3)
        ax_price.set_ylabel("index points")
        _date_axis(ax_price)
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


# ---------------------------------------------------------------------------------------------------
# Chapter 5 — the simulation
# ---------------------------------------------------------------------------------------------------

def trade_table(result: SimulationResult) -> pd.DataFrame:
    """The trade log in a readable form: dates, option, strike and prices (points), P&L (dollars)."""
    trades = result.trades
    return pd.DataFrame({
        "opened": pd.DatetimeIndex(trades["entry_time"]).strftime("%Y-%m-%d"),
        "closed": pd.DatetimeIndex(trades["exit_time"]).strftime("%Y-%m-%d"),
        "bars held": (trades["exit_bar"] - trades["entry_bar"]).to_numpy(),
        "option": trades["option_type"].to_numpy(),
        "strike": trades["strike"].to_numpy(),
        "price at exit": trades["exit_price"].round(2).to_numpy(),
        "P&L ($)": trades["pnl"].round(2).to_numpy(),
    }, index=pd.RangeIndex(1, len(trades) + 1, name="trade"))


def equity_figure(frame: pd.DataFrame, result: SimulationResult) -> BookFigure:
    """Account value (dollars, top) and the futures price with each trade's holding period (bottom)."""
    times = pd.DatetimeIndex(frame["timestamp"])
    with book_style():
        fig, (ax_eq, ax_price) = new_figure(2, 1, figsize=(8.0, 5.2), sharex=True, height_ratios=(3, 2))
        ax_eq.plot(times, result.equity.to_numpy(), color=COLORS["equity"], lw=1.5, gid="equity")
        ax_eq.axhline(result.initial_cash, color=COLORS["muted"], lw=1, ls=":")
        ax_eq.yaxis.set_major_formatter(_DOLLARS)
        ax_eq.set_ylabel("account value")
        ax_price.plot(times, frame["futures_price"], color=COLORS["price"], lw=1)
        ax_price.set_ylabel("futures price\n(index points)")
        ax_price.plot([], [], "s", color=COLORS["call"], alpha=0.3, ms=9, label="holding a call")
        ax_price.plot([], [], "s", color=COLORS["put"], alpha=0.3, ms=9, label="holding a put")
        ax_price.legend(loc="lower left", ncols=2)
        _date_axis(ax_price)
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
                    f"net P&L {usd(summary.net_pnl, signed=True)} on {usd(summary.initial_cash, 0)}")


def seed_sweep(seeds: Iterable[int] = range(200), *, coin_flip: bool = False, **article_kwargs) -> pd.DataFrame:
    """Run the article's bot once per seed; one row per seed with its summary numbers.

    ``article_kwargs`` go to :func:`mesbook.run_article` (windows, premium, cash...). With
    ``coin_flip=True`` every BUY/SELL label is replaced by a fair coin (seeded by the seed + 1,000,000),
    keeping the bars on which the bot acts: a bot that ignores open interest when it picks a side.
    """
    from .backtest import run_trading_simulation
    from .pipeline import run_article

    rows = []
    for seed in seeds:
        frame, result = run_article(seed=int(seed), **article_kwargs)
        if coin_flip:
            acting = frame["signal"].astype(str).to_numpy() != "HOLD"
            coins = np.random.default_rng(int(seed) + 1_000_000).integers(0, 2, acting.sum())
            labels = frame["signal"].astype(str).to_numpy().copy()
            labels[acting] = np.where(coins == 1, "BUY", "SELL")
            frame = frame.assign(signal=labels)
            cash_premium = {k: v for k, v in article_kwargs.items() if k in ("initial_cash", "premium")}
            result = run_trading_simulation(frame, **cash_premium)
        summary = result.summary()
        rows.append({"seed": int(seed), "final value ($)": summary.final_value, "net P&L ($)": summary.net_pnl,
                     "trades": summary.num_trades, "win rate (%)": 100 * summary.win_rate})
    return pd.DataFrame(rows).set_index("seed")


def sweep_summary(*sweeps: pd.DataFrame, names: Optional[Sequence[str]] = None) -> pd.DataFrame:
    """A few numbers about one or more :func:`seed_sweep` results, one column each.

    Rows: runs, share of profitable runs (%), median / worst / best net P&L (dollars), median trades.
    """
    if not sweeps:
        raise ValueError("pass at least one seed_sweep result")
    names = list(names) if names is not None else [f"{len(s)} seeds" for s in sweeps]
    if len(names) != len(sweeps):
        raise ValueError(f"got {len(sweeps)} sweeps but {len(names)} names")
    columns = {}
    for name, sweep in zip(names, sweeps):
        pnl = sweep["net P&L ($)"]
        columns[name] = pd.Series({
            "runs": len(pnl),
            "profitable runs (%)": round(100 * float((pnl > 0).mean()), 1),
            "median net P&L ($)": round(float(pnl.median()), 2),
            "worst net P&L ($)": round(float(pnl.min()), 2),
            "best net P&L ($)": round(float(pnl.max()), 2),
            "median trades": float(sweep["trades"].median()),
        }, dtype=object)
    return pd.DataFrame(columns)


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
                   label=f"median {usd(float(np.median(pnl)), 0, signed=True)}")
        if highlight is not None and highlight in sweep.index:
            value = float(sweep.loc[highlight, "net P&L ($)"])
            ax.plot([value], [0], "v", color=COLORS["sell"], ms=10, clip_on=False, label=f"seed {highlight}: {usd(value, signed=True)}")
        ax.xaxis.set_major_formatter(_DOLLARS)
        ax.set_xlabel("net P&L of one 500-bar run")
        ax.set_ylabel("runs")
        ax.set_title(f"{len(pnl)} seeds: {100 * (pnl > 0).mean():.0f}% of runs make money")
        ax.legend(loc="upper right")
    return fig


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
        ax_oi.yaxis.set_major_formatter(_THOUSANDS)
        ax_oi.legend(loc="upper left", ncols=3)
        ax_eq.plot(times, result.equity.to_numpy(), color=COLORS["equity"], lw=1.5)
        ax_eq.axhline(result.initial_cash, color=COLORS["muted"], lw=1, ls=":")
        ax_eq.yaxis.set_major_formatter(_DOLLARS)
        ax_eq.set_ylabel("account value")
        _date_axis(ax_eq)
        summary = result.summary()
        ax_price.set_title(f"{summary.num_trades} trades, net P&L {usd(summary.net_pnl, signed=True)}")
    return fig


__all__ = [
    "BOOK_RC", "COLORS", "PNG_DPI", "BookFigure", "artist", "atm_strike_figure", "book_style", "usd", "bump_open_interest",
    "crossing_bars", "crossings", "defined_from", "equity_figure", "indicator_figure", "lookahead_figure", "lookahead_table",
    "market_figure", "masked_warmup", "new_figure", "oi_ledger", "oi_ledger_figure", "payoff_dollars",
    "payoff_figure", "plot_run", "pnl_distribution_figure", "publication_lag_figure", "real_oi_figure",
    "regime_figure", "regime_table", "seed_sweep", "set_indicator_lines", "set_signal_bars", "signal_bars", "set_signal_markers", "set_trades", "signal_table",
    "signals_figure", "sweep_summary", "trade_table", "warmup_figure",
]


# === Part "Making it honest" (chapters 6-7): helpers for those chapters go below this line ===


# === Part "Is there an edge?" (chapters 8-10): helpers for those chapters go below this line ===
