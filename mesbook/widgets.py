"""Interactive explorers for the book's chapters (ipywidgets).

Each ``*_explorer`` function returns an :class:`Explorer`: an ``ipywidgets.VBox`` holding sliders, a
one-line message and an ``ipywidgets.Image`` showing ONE persistent matplotlib figure. Moving a slider
recomputes only what the slider changes (moving averages are cached per window, simulations per pair
of windows), updates the data of the figure's existing artists and re-renders the figure to PNG bytes
for the image, so the picture is replaced in one step, without flicker and without pyplot.

The same callback can be driven from code, which is how the tests and benchmarks use it::

    ex = signal_explorer(data)
    ex.update(short=12)        # recompute + redraw; returns False and shows a message if invalid
    ex.redraw()                # re-render the current figure only (the cost of a bare redraw)

In a static page (the HTML book) widgets cannot run; an explorer's text form is a one-line sentence,
and each chapter shows the explorer's default figure as an ordinary output just before it.
"""
from __future__ import annotations

import html
from typing import Any, Optional

import ipywidgets
import numpy as np
import pandas as pd

from . import plots
from .article.simulation import run_trading_simulation
from .constants import (
    FUTURES_MULTIPLIER,
    OI_GRADIENT_WINDOW,
    OI_LONG_SMA_WINDOW,
    OI_SHORT_SMA_WINDOW,
    OPTION_PREMIUM_FIXED,
    STRIKE_INTERVAL,
)
from .article.indicators import calculate_indicators, rolling_mean
from .article.market import simulate_market_data
from .article.signals import BUY_CODE, SELL_CODE, labels_from_codes, signal_codes

#: What an explorer says about itself where widgets cannot be shown (static HTML, plain consoles).
STATIC_TEXT = "Interactive controls: run this notebook in JupyterLab to use them."

#: The drifts of the article's generator: index points per bar (price), contracts per bar (OI).
ARTICLE_PRICE_DRIFT, ARTICLE_OI_DRIFT = 0.1, 10.0


class Explorer(ipywidgets.VBox):
    """Controls + message + one figure, redrawn in place when a control changes.

    Subclasses implement :meth:`problem` (a friendly sentence when the parameters cannot be used, else
    ``None``) and :meth:`recompute` (update the figure's artists for valid parameters).
    """

    def __init__(self, controls: dict[str, ipywidgets.ValueWidget], figure: plots.BookFigure) -> None:
        self.controls = dict(controls)
        self.figure = figure
        self.image = ipywidgets.Image(format="png", layout=ipywidgets.Layout(max_width="100%", height="auto"))
        self.message = ipywidgets.HTML()
        self.last_valid: Optional[dict[str, Any]] = None
        self._holding = False
        row = ipywidgets.HBox(list(self.controls.values()), layout=ipywidgets.Layout(flex_flow="row wrap"))
        super().__init__(children=[row, self.message, self.image])
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        self.refresh()

    # -- the callback -----------------------------------------------------------------------------
    @property
    def params(self) -> dict[str, Any]:
        """Current control values, by name."""
        return {name: control.value for name, control in self.controls.items()}

    def update(self, **params: Any) -> bool:
        """Set some controls and run the callback once; ``True`` if the figure was redrawn.

        A value outside a slider's range, or a combination the model cannot use (such as a short window
        not shorter than the long one), leaves the figure as it was and shows a message instead.
        """
        unknown = sorted(set(params) - set(self.controls))
        if unknown:
            raise TypeError(f"unknown parameter(s) {unknown}; this explorer has {sorted(self.controls)}")
        for name, value in params.items():
            problem = _control_problem(name, self.controls[name], value)
            if problem:
                self._show_problem(problem)
                return False
        self._holding = True
        try:
            for name, value in params.items():
                self.controls[name].value = bool(value) if isinstance(self.controls[name], ipywidgets.Checkbox) else value
        finally:
            self._holding = False
        return self.refresh()

    def refresh(self) -> bool:
        """Recompute for the current controls and redraw; show a message instead if they are invalid."""
        params = self.params
        problem = self.problem(params)
        if problem:
            self._show_problem(problem)
            return False
        note = self.recompute(params)
        self.message.value = f"<span>{html.escape(note)}</span>" if note else ""
        self.last_valid = params
        self.redraw()
        return True

    def redraw(self) -> None:
        """Render the figure as it stands into the image (no recomputation)."""
        self.image.value = self.figure.png_bytes(tight=False)

    # -- to implement -----------------------------------------------------------------------------
    def problem(self, params: dict[str, Any]) -> Optional[str]:
        """A sentence saying why ``params`` cannot be drawn, or ``None``."""
        return None

    def recompute(self, params: dict[str, Any]) -> Optional[str]:
        """Update the figure for ``params``; may return a short note shown above the figure."""
        raise NotImplementedError

    # -- plumbing ---------------------------------------------------------------------------------
    def _on_change(self, _change: dict) -> None:
        if not self._holding:
            self.refresh()

    def _show_problem(self, text: str) -> None:
        self.message.value = f'<span style="color:#D55E00"><b>⚠ {html.escape(text)}</b></span>'

    def __repr__(self) -> str:
        return STATIC_TEXT


def _control_problem(name: str, control: ipywidgets.ValueWidget, value: Any) -> Optional[str]:
    """A message if ``value`` cannot be put in ``control`` (dropdown choice, checkbox, slider), else ``None``."""
    if isinstance(control, ipywidgets.Dropdown):
        return _choice_problem(name, control, value)
    if isinstance(control, ipywidgets.Checkbox):
        return None if isinstance(value, (bool, np.bool_)) else f"{name} is a checkbox: pass True or False, got {value!r}."
    return _range_problem(name, control, value)


def _choice_problem(name: str, control: ipywidgets.Dropdown, value: Any) -> Optional[str]:
    """A message if ``value`` is not one of the dropdown's values, else ``None``."""
    values = [option[1] if isinstance(option, tuple) else option for option in control.options]
    if value not in values:
        return f"{name} must be one of {values}, got {value!r}."
    return None


def _range_problem(name: str, control: ipywidgets.ValueWidget, value: Any) -> Optional[str]:
    """A message if ``value`` is not a number inside ``control``'s range, else ``None``."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        return f"{name} must be a number, got {value!r}."
    low, high = getattr(control, "min", None), getattr(control, "max", None)
    if low is not None and high is not None and not low <= value <= high:
        return f"{name} = {value} is outside the slider's range {low} to {high}."
    if isinstance(control, (ipywidgets.IntSlider, ipywidgets.BoundedIntText)) and int(value) != value:
        return f"{name} must be a whole number of bars, got {value}."
    return None


def _int_slider(description: str, value: int, low: int, high: int) -> ipywidgets.IntSlider:
    return ipywidgets.IntSlider(value=value, min=low, max=high, step=1, description=description,
                                continuous_update=False, style={"description_width": "initial"})


def _float_slider(description: str, value: float, low: float, high: float, step: float) -> ipywidgets.FloatSlider:
    return ipywidgets.FloatSlider(value=value, min=low, max=high, step=step, description=description,
                                  continuous_update=False, style={"description_width": "initial"})


def _window_controls(short: int, long: int, gradient: int) -> dict[str, ipywidgets.IntSlider]:
    return {
        "short": _int_slider("short window (bars)", short, 2, 60),
        "long": _int_slider("long window (bars)", long, 3, 120),
        "gradient": _int_slider("gradient window (bars)", gradient, 1, 30),
    }


def _window_problem(params: dict[str, Any]) -> Optional[str]:
    if params["short"] >= params["long"]:
        return (f"The short window ({params['short']} bars) must be shorter than the long window "
                f"({params['long']} bars): move the short slider left or the long one right.")
    return None


# -------------------------------------------------------------------------------------------------
# Chapter 1 — payoffs
# -------------------------------------------------------------------------------------------------

class PayoffExplorer(Explorer):
    """Strike and premium of a long call and a long put; P&L at exit in dollars."""

    half_width = 40.0

    def __init__(self, strike: float = 4505.0, premium_points: float = OPTION_PREMIUM_FIXED / FUTURES_MULTIPLIER):
        controls = {
            "strike": _float_slider("strike (points)", strike, 4400.0, 4600.0, STRIKE_INTERVAL),
            "premium": _float_slider("premium (points)", premium_points, 0.25, 10.0, 0.25),
        }
        super().__init__(controls, plots.payoff_figure(strike, premium_points, self.half_width))

    def problem(self, params: dict[str, Any]) -> Optional[str]:
        if params["strike"] % STRIKE_INTERVAL:
            return f"MES strikes are listed every {STRIKE_INTERVAL} points; {params['strike']:g} is not one."
        if params["premium"] <= 0:
            return "An option costs something: choose a premium above 0 points."
        return None

    def recompute(self, params: dict[str, Any]) -> Optional[str]:
        strike, premium = float(params["strike"]), float(params["premium"])
        prices = np.linspace(strike - self.half_width, strike + self.half_width, 321)
        call, put = plots.payoff_dollars(prices, strike, premium)
        plots.artist(self.figure, "call").set_data(prices, call)
        plots.artist(self.figure, "put").set_data(prices, put)
        plots.artist(self.figure, "strike").set_xdata([strike, strike])
        plots._label_payoff(self.figure, strike, premium, self.half_width)
        return f"Cost of either option: {premium:g} points × ${FUTURES_MULTIPLIER} = ${premium * FUTURES_MULTIPLIER:,.2f}."


def payoff_explorer(strike: float = 4505.0, premium_points: float = 2.5) -> PayoffExplorer:
    """Sliders for the strike and the premium (index points) of the chapter 1 payoff diagram."""
    return PayoffExplorer(strike, premium_points)


# -------------------------------------------------------------------------------------------------
# Chapter 2 — simulated open interest
# -------------------------------------------------------------------------------------------------

def simulate_with_drift(seed: int, price_drift: float = ARTICLE_PRICE_DRIFT, oi_drift: float = ARTICLE_OI_DRIFT,
                        num_periods: int = 500) -> pd.DataFrame:
    """The article's seeded market with other drifts (price: points per bar; OI: contracts per bar).

    Same random shocks as ``simulate_market_data(num_periods, seed=seed)``; only the mean steps change.
    """
    return simulate_market_data(num_periods, seed=seed, price_drift=price_drift, oi_drift=oi_drift)


class OIExplorer(Explorer):
    """Seed and drifts of the article's synthetic market: price and OI, two independent walks."""

    def __init__(self, seed: int = 7, price_drift: float = ARTICLE_PRICE_DRIFT, oi_drift: float = ARTICLE_OI_DRIFT):
        controls = {
            "seed": _int_slider("seed", seed, 0, 999),
            "price_drift": _float_slider("price drift (points/bar)", price_drift, -1.0, 1.0, 0.05),
            "oi_drift": _float_slider("OI drift (contracts/bar)", oi_drift, -40.0, 60.0, 5.0),
        }
        super().__init__(controls, plots.market_figure(simulate_with_drift(seed, price_drift, oi_drift)))

    def recompute(self, params: dict[str, Any]) -> Optional[str]:
        data = simulate_with_drift(int(params["seed"]), float(params["price_drift"]), float(params["oi_drift"]))
        plots.artist(self.figure, "price").set_ydata(data["futures_price"].to_numpy())
        plots.artist(self.figure, "oi").set_ydata(data["open_interest"].to_numpy())
        for ax in self.figure.axes:
            ax.relim()
            ax.autoscale_view(scalex=False)
        self.figure.axes[0].set_title(f"seed {params['seed']}: final price {data['futures_price'].iloc[-1]:,.1f} "
                                      f"points, final OI {data['open_interest'].iloc[-1]:,.0f} contracts")
        return None


def oi_explorer(seed: int = 7, price_drift: float = ARTICLE_PRICE_DRIFT, oi_drift: float = ARTICLE_OI_DRIFT) -> OIExplorer:
    """Sliders for the seed and the two drifts of the simulated market (chapter 2)."""
    return OIExplorer(seed, price_drift, oi_drift)


# -------------------------------------------------------------------------------------------------
# Chapters 3–5 — windows
# -------------------------------------------------------------------------------------------------

class _WindowExplorer(Explorer):
    """Shared caching for explorers whose controls are the three OI windows."""

    def __init__(self, data: pd.DataFrame, figure: plots.BookFigure, short: int, long: int, gradient: int):
        base = calculate_indicators(data)  # validates data; change and gradient do not depend on windows
        self.data = data
        self._oi = data["open_interest"].astype(float)
        self._change = base["oi_change"].to_numpy(dtype=float)
        self._gradient = base["oi_gradient"].to_numpy(dtype=float)
        self._sma: dict[int, np.ndarray] = {}
        super().__init__(_window_controls(short, long, gradient), figure)

    def sma(self, window: int) -> np.ndarray:
        """The zero-filled moving average of OI over ``window`` bars, computed once per window."""
        if window not in self._sma:
            self._sma[window] = np.nan_to_num(rolling_mean(self._oi, window), nan=0.0)
        return self._sma[window]

    def codes(self, short: int, long: int) -> np.ndarray:
        """Signal codes of the article's rule for these windows (0 HOLD, 1 BUY, 2 SELL)."""
        return signal_codes(self.sma(short), self.sma(long), self._change, self._gradient)

    def problem(self, params: dict[str, Any]) -> Optional[str]:
        return _window_problem(params)

    @staticmethod
    def gradient_note(params: dict[str, Any]) -> str:
        if params["gradient"] != OI_GRADIENT_WINDOW:
            return (f"Gradient window {params['gradient']}: the article's indicators never use it, "
                    "so nothing in the figure changed.")
        return ""


class IndicatorExplorer(_WindowExplorer):
    """Short/long/gradient windows of the OI indicators (chapter 3)."""

    def __init__(self, data: pd.DataFrame, short: int = OI_SHORT_SMA_WINDOW, long: int = OI_LONG_SMA_WINDOW,
                 gradient: int = OI_GRADIENT_WINDOW):
        figure = plots.indicator_figure(calculate_indicators(data, short, long, gradient))
        super().__init__(data, figure, short, long, gradient)

    def recompute(self, params: dict[str, Any]) -> Optional[str]:
        plots.set_indicator_lines(self.figure, self.sma(params["short"]), self.sma(params["long"]))
        return self.gradient_note(params)


class SignalExplorer(_WindowExplorer):
    """Short/long/gradient windows and where the BUY/SELL signals land (chapter 4)."""

    def __init__(self, data: pd.DataFrame, short: int = OI_SHORT_SMA_WINDOW, long: int = OI_LONG_SMA_WINDOW,
                 gradient: int = OI_GRADIENT_WINDOW):
        from .article.signals import generate_signals

        figure = plots.signals_figure(generate_signals(calculate_indicators(data, short, long, gradient)))
        super().__init__(data, figure, short, long, gradient)

    def recompute(self, params: dict[str, Any]) -> Optional[str]:
        codes = self.codes(params["short"], params["long"])
        plots.set_signal_bars(self.figure, self.data, np.flatnonzero(codes == BUY_CODE),
                              np.flatnonzero(codes == SELL_CODE), self.sma(params["short"]), self.sma(params["long"]))
        return self.gradient_note(params)


class SimulationExplorer(_WindowExplorer):
    """Short/long/gradient windows and the resulting account value (chapter 5)."""

    def __init__(self, data: pd.DataFrame, short: int = OI_SHORT_SMA_WINDOW, long: int = OI_LONG_SMA_WINDOW,
                 gradient: int = OI_GRADIENT_WINDOW):
        from .article.pipeline import run_article

        frame, result = run_article(data, short_sma_window=short, long_sma_window=long, gradient_window=gradient)
        self._results: dict[tuple[int, int], Any] = {}
        super().__init__(data, plots.equity_figure(frame, result), short, long, gradient)

    def result(self, short: int, long: int):
        """The article's simulation for these windows, computed once per pair."""
        key = (short, long)
        if key not in self._results:
            frame = self.data.assign(signal=labels_from_codes(self.codes(short, long)))
            self._results[key] = run_trading_simulation(frame)
        return self._results[key]

    def recompute(self, params: dict[str, Any]) -> Optional[str]:
        plots.set_trades(self.figure, self.data, self.result(params["short"], params["long"]))
        return self.gradient_note(params)


def indicator_explorer(data: pd.DataFrame, short: int = OI_SHORT_SMA_WINDOW, long: int = OI_LONG_SMA_WINDOW,
                       gradient: int = OI_GRADIENT_WINDOW) -> IndicatorExplorer:
    """Window sliders over the OI averages and their crossings (chapter 3)."""
    return IndicatorExplorer(data, short, long, gradient)


def signal_explorer(data: pd.DataFrame, short: int = OI_SHORT_SMA_WINDOW, long: int = OI_LONG_SMA_WINDOW,
                    gradient: int = OI_GRADIENT_WINDOW) -> SignalExplorer:
    """Window sliders over the BUY/SELL signals on OI and on the price (chapter 4)."""
    return SignalExplorer(data, short, long, gradient)


def simulation_explorer(data: pd.DataFrame, short: int = OI_SHORT_SMA_WINDOW, long: int = OI_LONG_SMA_WINDOW,
                        gradient: int = OI_GRADIENT_WINDOW) -> SimulationExplorer:
    """Window sliders over the simulated account value and its trades (chapter 5)."""
    return SimulationExplorer(data, short, long, gradient)


__all__ = [
    "STATIC_TEXT", "Explorer", "IndicatorExplorer", "OIExplorer", "PayoffExplorer", "SignalExplorer",
    "SimulationExplorer", "indicator_explorer", "oi_explorer", "payoff_explorer", "signal_explorer",
    "simulate_with_drift", "simulation_explorer",
]


# === Part "Making it honest" (chapters 6-7): helpers for those chapters go below this line ===

# -------------------------------------------------------------------------------------------------
# Chapter 6 — caveats, switched off one by one (or several at once)
# -------------------------------------------------------------------------------------------------

def _money(value: float) -> str:
    """Signed dollars for a message line: ``_money(-12.5)`` → "−$12.50"."""
    return f"{'−' if value < 0 else '+'}${abs(value):,.2f}"


class CaveatExplorer(Explorer):
    """One checkbox per caveat of :data:`mesbook.caveats.CAVEATS` and a choice of market (seeded).

    Ticking a box replaces that simplification of the article by its honest alternative; several ticks
    combine. The figure shows the account of the article's bot and of the chosen variant on the same
    market; the line above it gives both net P&Ls in dollars.
    """

    def __init__(self, seed: int = 7, num_periods: int = 500, checked: tuple[str, ...] = ()):
        from .studies import caveats
        from .engine.backtest import run_backtest
        from .data.synthetic import simulate_realistic_market

        self._caveats = caveats
        self.markets = {"article": simulate_market_data(num_periods, seed=seed),
                        "realistic": simulate_realistic_market(num_periods, seed=seed)}
        self.base = {name: run_backtest(data) for name, data in self.markets.items()}
        self._runs: dict[tuple, Any] = {}
        unknown = sorted(set(checked) - {c.key for c in caveats.CAVEATS})
        if unknown:
            raise ValueError(f"unknown caveat(s) {unknown}; choose from {[c.key for c in caveats.CAVEATS]}")
        controls: dict[str, ipywidgets.ValueWidget] = {
            "market": ipywidgets.Dropdown(options=[("the article's generator", "article"),
                                                   ("realistic generator", "realistic")], value="article",
                                          description="market", style={"description_width": "initial"}),
        }
        for c in caveats.CAVEATS:
            controls[c.key] = ipywidgets.Checkbox(value=c.key in checked, description=c.honest, indent=False,
                                                  layout=ipywidgets.Layout(width="330px"))
        chosen = self.run("article", tuple(checked))
        figure = plots.caveat_equity_figure(self.base["article"], chosen, self.label(tuple(checked)))
        super().__init__(controls, figure)

    def run(self, market: str, keys: tuple[str, ...]):
        """The variant with ``keys`` switched on ``market`` ("article" or "realistic"), computed once."""
        key = (market, tuple(sorted(keys)))
        if key not in self._runs:
            self._runs[key] = self._caveats.run_caveats(self.markets[market], list(keys), generator=market)
        return self._runs[key]

    def label(self, keys: tuple[str, ...]) -> str:
        """Legend text for the variant with ``keys`` switched."""
        if not keys:
            return "no switch: the article itself"
        if len(keys) > 2:
            return f"{len(keys)} switches"
        return ", ".join(self._caveats.caveat(k).honest for k in keys)

    def checked(self, params: dict[str, Any]) -> tuple[str, ...]:
        """The caveat keys whose boxes are ticked in ``params``, in the book's order."""
        return tuple(c.key for c in self._caveats.CAVEATS if params[c.key])

    def recompute(self, params: dict[str, Any]) -> Optional[str]:
        market, keys = params["market"], self.checked(params)
        base, chosen = self.base[market], self.run(market, keys)
        plots.set_caveat_equity(self.figure, base, chosen, self.label(keys))
        return (f"Article {_money(base.net_pnl)} ({len(base.trades)} trades), switched {_money(chosen.net_pnl)} "
                f"({len(chosen.trades)} trades): a change of {_money(chosen.net_pnl - base.net_pnl)}.")


def caveat_explorer(seed: int = 7, num_periods: int = 500, checked: tuple[str, ...] = ()) -> CaveatExplorer:
    """Checkboxes that switch the article's simplifications off, alone or together (chapter 6)."""
    return CaveatExplorer(seed, num_periods, tuple(checked))


# -------------------------------------------------------------------------------------------------
# Chapter 7 — Black-76 Greeks
# -------------------------------------------------------------------------------------------------

class GreeksExplorer(Explorer):
    """Strike, days to expiry and volatility of an MES option; premium and Greeks against the futures."""

    def __init__(self, strike: float = 4000.0, days: int = 91, vol_percent: float = 18.0, rate: float = 0.04):
        from .options.tables import greek_curves

        self._curves = greek_curves
        self.rate = rate
        self.futures = np.arange(3600.0, 4400.0 + 1e-9, 2.0)
        controls = {
            "strike": _float_slider("strike (points)", strike, 3600.0, 4400.0, STRIKE_INTERVAL),
            "days": _int_slider("days to expiry", days, 1, 182),
            "vol": _float_slider("volatility (% a year)", vol_percent, 5.0, 60.0, 1.0),
        }
        curves = greek_curves(strike, days, vol_percent / 100, rate, futures=self.futures)
        super().__init__(controls, plots.greeks_figure(curves, strike, days, vol_percent / 100))

    def problem(self, params: dict[str, Any]) -> Optional[str]:
        if params["strike"] % STRIKE_INTERVAL:
            return f"MES strikes are listed every {STRIKE_INTERVAL} points; {params['strike']:g} is not one."
        return None

    def recompute(self, params: dict[str, Any]) -> Optional[str]:
        strike, days, vol = float(params["strike"]), int(params["days"]), float(params["vol"]) / 100
        curves = self._curves(strike, days, vol, self.rate, futures=self.futures)
        plots.set_greeks(self.figure, curves, strike, days, vol)
        return f"Futures from 3,600 to 4,400 points; rate {100 * self.rate:g} % a year; $5 per point."


def greeks_explorer(strike: float = 4000.0, days: int = 91, vol_percent: float = 18.0) -> GreeksExplorer:
    """Sliders for the strike, the days to expiry and the volatility of a Black-76 option (chapter 7)."""
    return GreeksExplorer(strike, days, vol_percent)


__all__ += ["CaveatExplorer", "GreeksExplorer", "caveat_explorer", "greeks_explorer"]


# === Part "Is there an edge?" (chapters 8-10): helpers for those chapters go below this line ===

def _dropdown(description: str, options: list[tuple[str, str]], value: str) -> ipywidgets.Dropdown:
    return ipywidgets.Dropdown(options=options, value=value, description=description,
                               style={"description_width": "initial"})


def _dollars(value: float, decimals: int = 2) -> str:
    """Signed dollars for an explorer's message: −$49.56, +$760.87."""
    return f"{'−' if value < 0 else '+'}${abs(value):,.{decimals}f}"


# -------------------------------------------------------------------------------------------------
# Chapter 8 — window sweeps
# -------------------------------------------------------------------------------------------------

#: The signal rules the sweep explorer offers: the article's, and the same with a backward gradient.
SWEEP_SIGNALS: dict[str, str] = {"article": "centred gradient (article)", "backward": "backward gradient over the window"}


class SweepExplorer(Explorer):
    """Statistic, seed, signal rule and gradient window of the chapter 8 heatmap (the grid of plots.SWEEP_*)."""

    def __init__(self, seed: int = 7, statistic: str = "net_pnl", signals: str = "article",
                 gradient: int = OI_GRADIENT_WINDOW):
        controls = {
            "statistic": _dropdown("statistic", [(v, k) for k, v in plots.STATISTIC_NAMES.items()], statistic),
            "seed": _int_slider("seed", seed, 0, 999),
            "signals": _dropdown("signals", [(v, k) for k, v in SWEEP_SIGNALS.items()], signals),
            "gradient": _int_slider("gradient window (bars)", gradient, 1, 30),
        }
        self._markets: dict[int, pd.DataFrame] = {}
        self._tables: dict[tuple, pd.DataFrame] = {}
        first = self.table(seed, statistic, signals, gradient)
        super().__init__(controls, plots.sweep_figure(first, market=f"seed {seed}"))

    def market(self, seed: int) -> pd.DataFrame:
        """The article's 500-bar market for ``seed``, simulated once."""
        if seed not in self._markets:
            self._markets[seed] = simulate_market_data(500, seed=seed)
        return self._markets[seed]

    def table(self, seed: int, statistic: str, signals: str, gradient: int) -> pd.DataFrame:
        """The sweep of the chapter's grid for these choices, computed once per combination."""
        from .engine.settings import ARTICLE
        from .studies.sweep import sweep_windows

        key = (seed, statistic, signals, gradient)
        if key not in self._tables:
            settings = ARTICLE if signals == "article" else ARTICLE.replace(gradient="backward")
            self._tables[key] = sweep_windows(self.market(seed), plots.SWEEP_SHORTS, plots.SWEEP_LONGS, (gradient,),
                                              settings=settings, statistic=statistic)
        return self._tables[key]

    def recompute(self, params: dict[str, Any]) -> Optional[str]:
        seed, gradient = int(params["seed"]), int(params["gradient"])
        table = self.table(seed, params["statistic"], params["signals"], gradient)
        plots.set_sweep(self.figure, table, market=f"seed {seed}")
        if params["signals"] == "article" and gradient != OI_GRADIENT_WINDOW:
            return (f"Gradient window {gradient}: the article's centred gradient never uses it, so the heatmap is the "
                    "same. Choose the backward gradient to make the window count.")
        return None


def sweep_explorer(seed: int = 7, statistic: str = "net_pnl") -> SweepExplorer:
    """Heatmap of the chapter 8 window grid: pick the statistic, the market's seed, the gradient rule and window."""
    return SweepExplorer(seed, statistic)


# -------------------------------------------------------------------------------------------------
# Chapter 9 — Monte Carlo
# -------------------------------------------------------------------------------------------------

class MonteCarloExplorer(Explorer):
    """Coupling (planted edge) and number of paths of a small Monte Carlo on the realistic generator."""

    def __init__(self, coupling: float = 0.05, paths: int = 200, seed: int = 7):
        controls = {
            "coupling": _float_slider("coupling (edge per bar, Sharpe)", coupling, 0.0, 0.15, 0.01),
            "paths": ipywidgets.IntSlider(value=paths, min=50, max=500, step=50, description="paths",
                                          continuous_update=False, style={"description_width": "initial"}),
        }
        self.seed = seed
        self._results: dict[tuple[float, int], Any] = {}
        super().__init__(controls, plots.monte_carlo_figure(self.result(coupling, paths)))

    def result(self, coupling: float, paths: int):
        """``monte_carlo`` on the realistic generator for these settings, computed once per pair."""
        from .studies.montecarlo import monte_carlo

        key = (round(float(coupling), 6), int(paths))
        if key not in self._results:
            self._results[key] = monte_carlo(key[1], seed=self.seed, coupling=key[0], generator="realistic")
        return self._results[key]

    def problem(self, params: dict[str, Any]) -> Optional[str]:
        if params["paths"] < 2:
            return "A test across paths needs at least two paths."
        return None

    def recompute(self, params: dict[str, Any]) -> Optional[str]:
        result = self.result(params["coupling"], params["paths"])
        plots.draw_monte_carlo(self.figure.axes[0], result)
        return (f"Mean P&L per path: strategy {_dollars(result.strategy_pnl.mean(), 0)}, random entries "
                f"{_dollars(result.random_pnl.mean(), 0)}; t = {result.t_statistic:.2f}.")


def monte_carlo_explorer(coupling: float = 0.05, paths: int = 200) -> MonteCarloExplorer:
    """Sliders for the planted edge and the number of paths; redraws the histogram and the p-value (chapter 9)."""
    return MonteCarloExplorer(coupling, paths)


# -------------------------------------------------------------------------------------------------
# Chapter 10 — Greeks attribution
# -------------------------------------------------------------------------------------------------

class AttributionExplorer(Explorer):
    """Pick one trade of a Black-76 backtest and see its P&L split into Greeks, bar by bar."""

    def __init__(self, data: pd.DataFrame, settings: Any = None, trade: int = 1):
        from .studies.attribution import attribute_pnl
        from .engine.backtest import run_backtest
        from .engine.settings import REALISTIC

        settings = REALISTIC if settings is None else settings
        self.data = data
        self.result = run_backtest(data, settings)
        self.attribution = attribute_pnl(data, settings, result=self.result)
        count = len(self.attribution.trades)
        if count == 0:
            raise ValueError("this backtest makes no trades: there is nothing to attribute")
        self._strikes = self.result.trades["strike"].to_numpy(dtype=float)
        controls = {"trade": _int_slider("trade", min(max(trade, 1), count), 1, max(count, 2))}
        figure = plots.trade_attribution_figure(self.attribution, data, controls["trade"].value - 1, self._strikes)
        super().__init__(controls, figure)

    def problem(self, params: dict[str, Any]) -> Optional[str]:
        count = len(self.attribution.trades)
        if params["trade"] > count:
            return f"This run has {count} trades; choose one from 1 to {count}."
        return None

    def recompute(self, params: dict[str, Any]) -> Optional[str]:
        k = int(params["trade"]) - 1
        plots.set_trade_attribution(self.figure, self.attribution, self.data, k, self._strikes)
        row = self.attribution.trades.iloc[k]
        parts = ", ".join(f"{name} {_dollars(row[name])}" for name in ("delta", "gamma", "theta", "vega", "residual"))
        return f"{parts}, costs {_dollars(-row['costs'])}: net {_dollars(row['pnl'])}."


def attribution_explorer(data: pd.DataFrame, settings: Any = None, trade: int = 1) -> AttributionExplorer:
    """A trade slider over the Greeks attribution of ``run_backtest(data, settings)`` (default ``REALISTIC``)."""
    return AttributionExplorer(data, settings, trade)


__all__ += ["AttributionExplorer", "MonteCarloExplorer", "SWEEP_SIGNALS", "SweepExplorer", "attribution_explorer",
            "monte_carlo_explorer", "sweep_explorer"]
