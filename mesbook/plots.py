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
from .article.contract import get_atm_strike, intrinsic_value, points_to_dollars
from .article.indicators import calculate_indicators
from .results import SimulationResult
from .article.signals import signal_codes

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
    from .options.calendar import option_expiries

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
    from .article.simulation import run_trading_simulation
    from .article.pipeline import run_article

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

# ---------------------------------------------------------------------------------------------------
# Chapter 6 — caveats, measured
# ---------------------------------------------------------------------------------------------------

#: Panel titles of :func:`caveat_figure`, by market generator.
MARKET_NAMES: dict[str, str] = {"article": "the article's market", "realistic": "a realistic market"}


def caveat_figure(effects: pd.DataFrame, *more: pd.DataFrame,
                  names: Sequence[str] = ("article", "realistic")) -> BookFigure:
    """Bars of the mean change in net P&L (dollars) when each caveat alone is removed, ± 1.96 standard errors.

    ``effects`` (and each of ``more``) is a :func:`mesbook.caveats.caveat_effects` table; one panel per
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
            ax.barh(rows, change, xerr=1.96 * table["std_error"].to_numpy(dtype=float), color=colors, alpha=0.85,
                    error_kw={"ecolor": COLORS["price"], "lw": 1, "capsize": 2})
            ax.axvline(0, color=COLORS["price"], lw=1)
            ax.set_yticks(rows, table["honest"] if k == 0 else [""] * len(rows))
            ax.xaxis.set_major_formatter(_DOLLARS)
            ax.set_xlabel("mean change in net P&L per run")
            before = float(table["before"].iloc[0])
            ax.set_title(f"{MARKET_NAMES.get(name, name)}\n(article's bot: {usd(before, 0, signed=True)} a run)")
            ax.grid(axis="y", visible=False)
            ax.tick_params(axis="x", labelrotation=30)
    return fig


def caveat_equity_figure(base: SimulationResult, chosen: SimulationResult,
                         label: str = "honest switches") -> BookFigure:
    """Account value of the article's bot (``base``) and of a variant (``chosen``), dollars, on one axis."""
    with book_style():
        fig, (ax,) = new_figure(figsize=(8.0, 4.0))
        times = pd.DatetimeIndex(base.equity.index)
        ax.plot(times, base.equity.to_numpy(), color=COLORS["muted"], lw=1.6, gid="base", label="the article")
        ax.plot(times, chosen.equity.to_numpy(), color=COLORS["equity"], lw=1.6, gid="chosen", label=label)
        ax.axhline(base.initial_cash, color=COLORS["muted"], lw=1, ls=":")
        ax.yaxis.set_major_formatter(_DOLLARS)
        ax.set_ylabel("account value")
        ax.legend(loc="upper left")
        _date_axis(ax)
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
    ax.set_title(f"article {usd(base.net_pnl, signed=True)} ({len(base.trades)} trades), "
                 f"switched {usd(chosen.net_pnl, signed=True)} ({len(chosen.trades)} trades)")


# ---------------------------------------------------------------------------------------------------
# Chapter 7 — toward a real system
# ---------------------------------------------------------------------------------------------------

def option_price_figure(by_strike: pd.DataFrame, by_time: pd.DataFrame, futures: float = 4000.0) -> BookFigure:
    """Black-76 premiums: against the strike for a few expiries (left), and an ATM option decaying (right).

    ``by_strike`` and ``by_time`` come from :func:`mesbook.greeks.price_by_strike` and
    :func:`mesbook.greeks.price_by_time` (points; days). The left panel also shows the intrinsic value at
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
    return fig


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

    ``curves`` is :func:`mesbook.greeks.greek_curves` for ``strike`` (points), ``days`` to expiry and
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
    return fig


def walk_forward_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Mean in-sample and out-of-sample score of a walk-forward table, and the gap between them."""
    label = table.attrs.get("statistic", "score")
    rows = {"folds": len(table), f"mean in-sample {label}": round(float(table["in_sample"].mean()), 2),
            f"mean out-of-sample {label}": round(float(table["out_of_sample"].mean()), 2),
            "gap": round(float(table["in_sample"].mean() - table["out_of_sample"].mean()), 2),
            "folds where out-of-sample beat in-sample": int((table["out_of_sample"] > table["in_sample"]).sum())}
    return pd.DataFrame({"walk-forward": pd.Series(rows, dtype=object)})


def real_data_figure(markets: dict, results: dict) -> BookFigure:
    """Real weekly data: index close, CFTC open interest, and the account of each OI dating.

    ``markets`` and ``results`` are keyed "publication" and "as_of" (see
    :func:`mesbook.real_backtest.real_markets` and :func:`mesbook.real_backtest.real_results`).
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
                       label=f"{name}: {usd(result.net_pnl, 0, signed=True)}")
        ax_eq.axhline(results["publication"].initial_cash, color=COLORS["muted"], lw=1, ls=":")
        ax_eq.yaxis.set_major_formatter(_DOLLARS)
        ax_eq.set_ylabel("account value")
        ax_eq.legend(loc="upper left", fontsize=8)
        _date_axis(ax_eq)
    return fig


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
    return fig


__all__ += ["GREEK_PANELS", "LOOP_BOXES", "MARKET_NAMES", "broker_loop_figure", "caveat_equity_figure", "caveat_figure",
            "greeks_figure", "option_price_figure", "real_data_figure", "set_caveat_equity", "set_greeks",
            "walk_forward_figure", "walk_forward_summary"]


# === Part "Is there an edge?" (chapters 8-10): helpers for those chapters go below this line ===

# ---------------------------------------------------------------------------------------------------
# Chapter 8 — window sweeps and walk-forward
# ---------------------------------------------------------------------------------------------------

import textwrap  # noqa: E402

from .constants import OI_LONG_SMA_WINDOW as _ARTICLE_LONG, OI_SHORT_SMA_WINDOW as _ARTICLE_SHORT  # noqa: E402

#: The window grid of chapter 8, in bars: short windows (heatmap rows) and long windows (columns).
SWEEP_SHORTS: tuple[int, ...] = tuple(range(2, 21, 2))
SWEEP_LONGS: tuple[int, ...] = tuple(range(10, 61, 5))

#: How the statistics of :func:`mesbook.sweep_windows` are named in figures and tables.
STATISTIC_NAMES: dict[str, str] = {"net_pnl": "net P&L ($)", "sharpe": "Sharpe ratio", "trades": "trades"}


def _statistic_column(table: pd.DataFrame, statistic: Optional[str] = None) -> str:
    from .studies.sweep import WINDOW_COLUMNS

    if statistic is not None:
        return statistic
    others = [c for c in table.columns if c not in WINDOW_COLUMNS]
    if len(others) != 1:
        raise ValueError(f"the table has statistic columns {others}; choose one with statistic=")
    return others[0]


def _cell_text(statistic: str, value: float) -> str:
    if not np.isfinite(value):
        return ""
    if statistic == "trades":
        return f"{value:.0f}"
    if statistic == "net_pnl":
        return f"{value:+.0f}".replace("-", "−")
    return f"{value:+.2f}".replace("-", "−")


def _value_text(statistic: str, value: float) -> str:
    if statistic == "net_pnl":
        return usd(value, 0, signed=True)
    return _cell_text(statistic, value)


def sweep_rank(table: pd.DataFrame, short: int = _ARTICLE_SHORT, long: int = _ARTICLE_LONG,
               statistic: Optional[str] = None) -> int:
    """Rank (1 = best) of the pair ``short``/``long`` among all pairs of a :func:`mesbook.sweep_windows` table.

    Ties share the better rank; a pair that is not in the table raises ``KeyError``.
    """
    statistic = _statistic_column(table, statistic)
    chosen = table[(table["short"] == short) & (table["long"] == long)]
    if chosen.empty:
        raise KeyError(f"the pair {short}/{long} is not in the table")
    value = float(chosen[statistic].iloc[0])
    return int((table[statistic].to_numpy(dtype=float) > value).sum() + 1)


def sweep_figure(table: pd.DataFrame, statistic: Optional[str] = None, gradient: Optional[int] = None,
                 market: str = "seed 7") -> BookFigure:
    """Heatmap of a :func:`mesbook.sweep_windows` table: short windows up, long windows across (bars).

    Each cell shows its value (net P&L in dollars, Sharpe ratio or trades). The best cell is starred and
    the article's pair (10 / 30) framed; pairs with short ≥ long are left blank. ``market`` names the
    data in the title.
    """
    from .studies.sweep import sweep_heatmap

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
                label=f"the article's {_ARTICLE_SHORT} / {_ARTICLE_LONG}")
        ax.legend(loc="upper left", fontsize=8)
        set_sweep(fig, table, statistic, gradient, market)
    return fig


def set_sweep(fig: Figure, table: pd.DataFrame, statistic: Optional[str] = None, gradient: Optional[int] = None,
              market: str = "seed 7") -> None:
    """Redraw a :func:`sweep_figure` for another sweep table (same grid of windows)."""
    from .studies.sweep import sweep_heatmap

    statistic = _statistic_column(table, statistic)
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
    has_article = _ARTICLE_SHORT in shorts and _ARTICLE_LONG in longs
    artist(fig, "article").set_data([longs.index(_ARTICLE_LONG)] if has_article else [],
                                    [shorts.index(_ARTICLE_SHORT)] if has_article else [])
    name = STATISTIC_NAMES.get(statistic, statistic).replace(" ($)", "")
    rank = f"; the article's pair ranks {sweep_rank(table, statistic=statistic)}" if has_article else ""
    ax.set_title(f"{market}: {name} of {int(np.isfinite(values).sum())} window pairs. Best "
                 f"{shorts[best[0]]} / {longs[best[1]]}: {_value_text(statistic, values[best])}{rank}")


def sweep_leaders(table: pd.DataFrame, top: int = 5, statistic: Optional[str] = None) -> pd.DataFrame:
    """The ``top`` pairs of a sweep table by its statistic, then the article's pair (10 / 30), with ranks."""
    statistic = _statistic_column(table, statistic)
    ranked = table.sort_values(statistic, ascending=False, kind="stable").reset_index(drop=True)
    ranked.index = pd.RangeIndex(1, len(ranked) + 1, name="rank")
    article = ranked[(ranked["short"] == _ARTICLE_SHORT) & (ranked["long"] == _ARTICLE_LONG)]
    rows = pd.concat([ranked.head(top), article[article.index > top]])
    out = rows[["short", "long"]].astype(int).copy()
    out[STATISTIC_NAMES.get(statistic, statistic)] = rows[statistic].astype(float).round(2)
    out["share of pairs it beats (%)"] = (100 * (len(ranked) - rows.index) / (len(ranked) - 1)).round(1)
    return out


def best_pairs(seeds: Iterable[int], shorts: Sequence[int] = SWEEP_SHORTS, longs: Sequence[int] = SWEEP_LONGS,
               statistic: str = "net_pnl") -> pd.DataFrame:
    """For each seeded market of the article (500 bars): the best window pair of the grid and its value."""
    from .article.market import simulate_market_data
    from .studies.sweep import sweep_windows

    rows = []
    for seed in seeds:
        table = sweep_windows(simulate_market_data(500, seed=int(seed)), shorts, longs, statistic=statistic)
        best = table.loc[table[statistic].idxmax()]
        rows.append({"seed": int(seed), "short": int(best["short"]), "long": int(best["long"]),
                     STATISTIC_NAMES.get(statistic, statistic): round(float(best[statistic]), 2),
                     "article's rank": sweep_rank(table, statistic=statistic)})
    return pd.DataFrame(rows).set_index("seed")


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
        if _ARTICLE_SHORT in shorts and _ARTICLE_LONG in longs:
            ax.plot([list(longs).index(_ARTICLE_LONG)], [list(shorts).index(_ARTICLE_SHORT)], "s", ms=14, mfc="none",
                    mec=COLORS["price"], mew=2, label=f"the article's {_ARTICLE_SHORT} / {_ARTICLE_LONG}")
        ax.set_xticks(range(len(longs)), [str(c) for c in longs])
        ax.set_yticks(range(len(shorts)), [str(s) for s in shorts])
        ax.set_xlim(-0.6, len(longs) - 0.4)
        ax.set_ylim(-0.6, len(shorts) - 0.4)
        ax.set_xlabel("long window (bars)")
        ax.set_ylabel("short window (bars)")
        ax.legend(loc="upper left", fontsize=8)
        ax.set_title(f"The best pair of {len(best)} markets: {len(counts)} different cells, "
                     f"at most {int(counts.max())} markets share one")
    return fig


def walk_forward_table(folds: pd.DataFrame) -> pd.DataFrame:
    """A :func:`mesbook.walk_forward` table for reading: bars, the chosen pair and its three scores per fold.

    Scores are in the fold's statistic (dollars for net P&L); the last row holds the means.
    """
    def span(a: int, b: int) -> str:
        return f"{a}–{b - 1}"

    scores = folds[["in_sample", "out_of_sample", "test_median"]].astype(float)
    table = pd.DataFrame({
        "trained on bars": [span(a, b) for a, b in zip(folds["train_start"], folds["train_end"])],
        "tested on bars": [span(a, b) for a, b in zip(folds["test_start"], folds["test_end"])],
        "chosen pair": [f"{s} / {l}" for s, l in zip(folds["short"], folds["long"])],
        "in-sample": scores["in_sample"].round(2).to_numpy(),
        "out-of-sample": scores["out_of_sample"].round(2).to_numpy(),
        "median pair, test": scores["test_median"].round(2).to_numpy(),
    }, index=pd.Index(folds.index, name="fold"))
    mean = pd.DataFrame({"trained on bars": [""], "tested on bars": [""], "chosen pair": [""],
                         "in-sample": [round(scores["in_sample"].mean(), 2)],
                         "out-of-sample": [round(scores["out_of_sample"].mean(), 2)],
                         "median pair, test": [round(scores["test_median"].mean(), 2)]}, index=pd.Index(["mean"]))
    out = pd.concat([table.astype({"in-sample": object, "out-of-sample": object, "median pair, test": object}), mean])
    out.index.name = "fold"
    return out


# ---------------------------------------------------------------------------------------------------
# Chapter 9 — Monte Carlo and the realism ladder
# ---------------------------------------------------------------------------------------------------

def format_p(p: float) -> str:
    """A p-value for a table or a title: three decimals, or scientific notation below 0.001."""
    if not np.isfinite(p):
        return "n/a"
    return f"{p:.3f}" if p >= 0.001 else f"{p:.1e}"


def _monte_carlo_name(result) -> str:
    if result.generator == "article":
        return "article's market"
    return f"realistic market, coupling {result.coupling:g}"


def monte_carlo_table(*results, names: Optional[Sequence[str]] = None) -> pd.DataFrame:
    """One row per :class:`mesbook.MonteCarloResult`: mean P&L per path (dollars), the edge, t and p."""
    if not results:
        raise ValueError("pass at least one monte_carlo result")
    names = list(names) if names is not None else [_monte_carlo_name(r) for r in results]
    if len(names) != len(results):
        raise ValueError(f"got {len(results)} results but {len(names)} names")
    rows = []
    for result in results:
        rows.append({
            "paths": result.num_paths,
            "strategy ($)": round(float(result.strategy_pnl.mean()), 2),
            "random entries ($)": round(float(result.random_pnl.mean()), 2),
            "difference ($)": round(result.mean_difference, 2),
            "± 95 % ($)": round(1.96 * result.std_error, 2),
            "t": round(result.t_statistic, 2),
            "p-value": format_p(result.p_value),
        })
    return pd.DataFrame(rows, index=pd.Index(names, name="market"))


def monte_carlo_figure(*results, names: Optional[Sequence[str]] = None) -> BookFigure:
    """Histogram per result of the per-path P&L difference, strategy − random entries (dollars).

    One panel per :class:`mesbook.MonteCarloResult`, side by side, each with its own dollar scale; the
    mean difference and its 95 % interval are marked and the p-value is in the panel's title.
    """
    if not results:
        raise ValueError("pass at least one monte_carlo result")
    names = list(names) if names is not None else [_monte_carlo_name(r) for r in results]
    with book_style():
        fig, axes = new_figure(1, len(results), figsize=(8.0 if len(results) == 1 else 9.0, 3.9))
        for ax, result, name in zip(axes, results, names):
            draw_monte_carlo(ax, result, name)
    return fig


def draw_monte_carlo(ax: Axes, result, name: Optional[str] = None) -> None:
    """(Re)draw one panel of :func:`monte_carlo_figure` on ``ax`` (clears it first)."""
    with book_style():
        ax.clear()
        difference = result.difference
        edges = np.histogram_bin_edges(difference, bins=30)
        ax.hist(difference, bins=edges, color=COLORS["oi"], alpha=0.75, gid="histogram")
        mean, half = result.mean_difference, 1.96 * result.std_error
        ax.axvspan(mean - half, mean + half, color=COLORS["accent"], alpha=0.3, lw=0, label="95 % interval of the mean")
        ax.axvline(mean, color=COLORS["accent"], lw=2, label=f"mean {usd(mean, 0, signed=True)}")
        ax.axvline(0, color=COLORS["price"], lw=1)
        ax.xaxis.set_major_formatter(_DOLLARS)
        ax.tick_params(axis="x", labelsize=8)
        ax.set_xlabel("strategy − random entries, one path")
        ax.set_ylabel("paths")
        ax.legend(loc="upper left", fontsize=8)
        low, high = ax.get_ylim()
        ax.set_ylim(low, high * 1.35)
        ax.set_title(f"{name or _monte_carlo_name(result)}, {result.num_paths} paths\n"
                     f"one-sided p = {format_p(result.p_value)}", fontsize=10)
        ax.xaxis.get_major_ticks()  # create the ticks now, so that their grid lines take the book's style
        ax.yaxis.get_major_ticks()


def ladder_table(ladder: pd.DataFrame) -> pd.DataFrame:
    """A :func:`mesbook.realism_ladder` table for reading: mean net P&L with its 95 % band, the step, trades."""
    return pd.DataFrame({
        "mean net P&L ($)": ladder["mean_pnl"].round(1),
        "95 % band ($)": [f"{a:,.0f} to {b:,.0f}" for a, b in zip(ladder["low_95"], ladder["high_95"])],
        "step ($)": ladder["change"].round(1),
        "step ± 95 % ($)": (1.96 * ladder["change_std_error"]).round(1),
        "trades per market": ladder["mean_trades"].round(1),
    }, index=pd.Index(ladder.index, name="rung"))


def ladder_figure(ladder: pd.DataFrame, title: Optional[str] = None) -> BookFigure:
    """The realism ladder as a waterfall: each rung's paired step, from the article's mean net P&L to the last.

    Bars float from one rung's mean to the next (green up, vermillion down), with the 95 % interval of
    the paired step as an error bar; the grey box behind each rung is the 95 % band of its mean across
    markets. Dollars.
    """
    mean = ladder["mean_pnl"].to_numpy(dtype=float)
    step = np.r_[mean[0], np.diff(mean)]
    base = np.r_[0.0, mean[:-1]]
    step_error = np.r_[np.nan, 1.96 * ladder["change_std_error"].to_numpy(dtype=float)[1:]]
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
        ax.annotate(usd(mean[0], 0), (0, mean[0]), xytext=(0, 4), textcoords="offset points", ha="center",
                    va="bottom", fontsize=8)
        ax.axhline(0, color=COLORS["price"], lw=1)
        ticks = [textwrap.fill(str(name), 10) + "\n" + (usd(mean[0], 0) if i == 0 else usd(s, 0, signed=True))
                 for i, (name, s) in enumerate(zip(ladder.index, step))]
        ax.set_xticks(x, ticks, fontsize=8)
        ax.yaxis.set_major_formatter(_DOLLARS)
        ax.set_ylabel("mean net P&L per market")
        ax.legend(loc="upper right", fontsize=8)
        low, high = ax.get_ylim()
        ax.set_ylim(low, high + 0.12 * (high - low))
        ax.set_title(title or f"From {usd(mean[0], 0)} to {usd(mean[-1], 0)}, one simplification at a time")
    return fig


# ---------------------------------------------------------------------------------------------------
# Chapter 10 — Greeks attribution and the look-ahead audit
# ---------------------------------------------------------------------------------------------------

#: Colour of each part of an option's P&L in the attribution figures.
ATTRIBUTION_COLORS: dict[str, str] = {
    "delta": COLORS["oi"], "gamma": COLORS["long"], "theta": COLORS["sell"], "vega": COLORS["short"],
    "residual": COLORS["muted"], "costs": COLORS["accent"],
}


def attribution_table(attribution) -> pd.DataFrame:
    """Totals of a :func:`mesbook.attribute_pnl` result (dollars): the Greeks, residual, costs and net P&L.

    Rows add up: delta + gamma + theta + vega + residual = gross P&L; gross P&L + costs = net P&L (costs
    are shown negative, as paid). Columns: the total over all trades, the mean per trade, and how many
    trades the part helped (> 0).
    """
    trades = attribution.trades
    parts = {name: trades[name].to_numpy(dtype=float) for name in ("delta", "gamma", "theta", "vega", "residual")}
    parts["= gross P&L"] = trades["gross_pnl"].to_numpy(dtype=float)
    parts["costs"] = -trades["costs"].to_numpy(dtype=float)
    parts["= net P&L"] = trades["pnl"].to_numpy(dtype=float)
    return pd.DataFrame({
        "total ($)": {k: round(float(v.sum()), 2) for k, v in parts.items()},
        "mean per trade ($)": {k: round(float(v.mean()), 2) for k, v in parts.items()},
        "trades it helped": {k: int((v > 0).sum()) for k, v in parts.items()},
    }).rename_axis(f"{len(trades)} trades")


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
        ax.yaxis.set_major_formatter(_DOLLARS)
        ax.legend(loc="upper left", ncols=4, fontsize=8)
        low, high = ax.get_ylim()
        ax.set_ylim(low, high + 0.3 * (high - low))
        totals = attribution.totals()
        ax.set_title(f"{len(trades)} trades, net {usd(totals['pnl'], 0, signed=True)}: gamma "
                     f"{usd(totals['gamma'], 0, signed=True)}, theta {usd(totals['theta'], 0, signed=True)}, "
                     f"residual {usd(totals['residual'], 0, signed=True)}")
    return fig


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
        ax_pnl.yaxis.set_major_formatter(_DOLLARS)
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
                       f"(exit: {row['exit_reason']}), net {usd(float(row['pnl']), 2, signed=True)}")


def audit_summary(data: pd.DataFrame, n_scrambles: int = 10) -> pd.DataFrame:
    """The look-ahead audit of five strategies on ``data``: how many bars were checked, which ones leaked.

    The article's signals and two single fixes are audited at the crossover bars (where the rule can
    decide); the honest settings' signals at every bar, and their whole backtest (account value) at the
    crossovers and around every entry. Each check uses ``n_scrambles`` scrambled futures plus the
    truncated data (see :func:`mesbook.lookahead_audit`).
    """
    from .studies.audit import article_signals, backtest_equity, backtest_signals, crossover_bars, lookahead_audit
    from .engine.backtest import run_backtest
    from .engine.settings import ARTICLE, REALISTIC

    crossings_ = crossover_bars(data)
    entries = run_backtest(data, REALISTIC).trades["entry_bar"].to_numpy()
    around_entries = sorted(set(crossings_) | set(entries) | set(entries - 1))
    checks = (
        ("the article's signals", article_signals(), crossings_),
        ("warm-up skipped only", backtest_signals(ARTICLE.replace(warmup="skip")), crossings_),
        ("backward gradient only", backtest_signals(ARTICLE.replace(gradient="backward")), crossings_),
        ("REALISTIC signals", backtest_signals(REALISTIC), range(len(data) - 1)),
        ("REALISTIC backtest (account value)", backtest_equity(REALISTIC), around_entries),
    )
    rows = []
    for name, strategy, cuts in checks:
        audit = lookahead_audit(strategy, data, cuts, n_scrambles=n_scrambles)
        rows.append({"strategy": name, "bars checked": len(audit.checks),
                     "leaking bars": ", ".join(map(str, audit.leaks)) or "none"})
    return pd.DataFrame(rows).set_index("strategy")


def _signed(value: float) -> str:
    return f"{value:+,.2f}".replace("-", "−")


def leak_figure(data: pd.DataFrame, bar: int, around: int = 5) -> BookFigure:
    """One decision that reads the future: the article's signal at ``bar`` with and without the next bar's OI.

    Left: open interest around ``bar`` (contracts); the next bar, which is not known yet, is hollow. The
    backward change (bar − 1 → bar) and the centred gradient (bar − 1 → bar + 1, halved) are drawn as
    slopes. Right: the three numbers the rule can use at ``bar`` and the signal each version gives.
    """
    from .article.signals import generate_signals

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
        ax_oi.yaxis.set_major_formatter(_THOUSANDS)
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
    return fig


__all__ += [
    "ATTRIBUTION_COLORS", "STATISTIC_NAMES", "SWEEP_LONGS", "SWEEP_SHORTS", "attribution_figure", "attribution_table",
    "audit_summary", "best_pairs", "best_pairs_figure", "draw_monte_carlo", "format_p", "ladder_figure", "ladder_table",
    "leak_figure", "monte_carlo_figure", "monte_carlo_table", "set_sweep", "set_trade_attribution", "sweep_figure",
    "sweep_leaders", "sweep_rank", "trade_attribution_figure", "walk_forward_table",
]
