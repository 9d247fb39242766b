"""Explorers of part 1, "The article" (chapters 1-5): payoff, simulated open interest, windows.

The three window explorers (indicators, signals, simulation) share one
:class:`~mesbook.engine.decisions.SignalCache` under the article's settings, so a slider costs one
rolling mean per new window and one signal pass per pair of windows.
"""
from __future__ import annotations

from typing import Any, Optional

import numpy as np
import pandas as pd

from .. import plots
from ..article.indicators import calculate_indicators
from ..article.market import simulate_with_drift
from ..article.signals import crossing_bars, generate_signals
from ..article.simulation import run_article, run_trading_simulation
from ..constants import (
    FUTURES_MULTIPLIER,
    OI_GRADIENT_WINDOW,
    OI_LONG_SMA_WINDOW,
    OI_SHORT_SMA_WINDOW,
    OPTION_PREMIUM_FIXED,
    STRIKE_INTERVAL,
)
from ..core.market import ARTICLE_OI_DRIFT, ARTICLE_PRICE_DRIFT
from ..core.signals import BUY_CODE, SELL_CODE, labels_from_codes
from ..engine.decisions import SignalCache
from ..formatting import usd
from ..studies.worked import CONTRACT
from .base import Explorer
from .controls import float_slider, int_slider, window_controls, window_problem
from .twin import Axis, slider_axis


class PayoffExplorer(Explorer):
    """Strike and premium of a long call and a long put; P&L at exit in dollars."""

    half_width = 40.0

    def __init__(self, strike: float = CONTRACT.strike,
                 premium_points: float = OPTION_PREMIUM_FIXED / FUTURES_MULTIPLIER):
        controls = {
            "strike": float_slider("strike (points)", strike, 4400.0, 4600.0, STRIKE_INTERVAL),
            "premium": float_slider("premium (points)", premium_points, 0.25, 10.0, 0.25),
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
        plots.set_payoff(self.figure, strike, premium, self.half_width)
        cost = usd(premium * FUTURES_MULTIPLIER)
        return f"Cost of either option: {premium:g} points × ${FUTURES_MULTIPLIER} = {cost}."

    def twin_axes(self) -> list[Axis]:
        return [slider_axis(self, "strike", (4480, 4495, 4515, 4530), "{:,.0f}"),
                slider_axis(self, "premium", (1.0, 2.5, 5.0, 10.0), "{:g} points")]

    def readout(self, params: dict[str, Any]) -> dict[str, str]:
        strike, premium = float(params["strike"]), float(params["premium"])
        return {"premium": usd(premium * FUTURES_MULTIPLIER), "call breaks even at": f"{strike + premium:,.2f} points",
                "put breaks even at": f"{strike - premium:,.2f} points"}


def payoff_explorer(strike: float = CONTRACT.strike,
                    premium_points: float = OPTION_PREMIUM_FIXED / FUTURES_MULTIPLIER) -> PayoffExplorer:
    """Sliders for the strike and the premium (index points) of the chapter 1 payoff diagram."""
    return PayoffExplorer(strike, premium_points)


class OIExplorer(Explorer):
    """Seed and drifts of the article's synthetic market: price and OI, two independent walks."""

    def __init__(self, seed: int = 7, price_drift: float = ARTICLE_PRICE_DRIFT, oi_drift: float = ARTICLE_OI_DRIFT):
        controls = {
            "seed": int_slider("seed", seed, 0, 999),
            "price_drift": float_slider("price drift (points/bar)", price_drift, -1.0, 1.0, 0.05),
            "oi_drift": float_slider("OI drift (contracts/bar)", oi_drift, -40.0, 60.0, 5.0),
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

    def twin_axes(self) -> list[Axis]:
        return [slider_axis(self, "seed", range(1, 7), "{}"),
                slider_axis(self, "oi_drift", (-20.0, 10.0, 40.0), "{:+g} contracts/bar")]

    def readout(self, params: dict[str, Any]) -> dict[str, str]:
        price, oi = plots.artist(self.figure, "price").get_ydata(), plots.artist(self.figure, "oi").get_ydata()
        return {"final price": f"{price[-1]:,.2f} points", "final open interest": f"{oi[-1]:,.0f} contracts"}


def oi_explorer(seed: int = 7, price_drift: float = ARTICLE_PRICE_DRIFT, oi_drift: float = ARTICLE_OI_DRIFT) -> OIExplorer:
    """Sliders for the seed and the two drifts of the simulated market (chapter 2)."""
    return OIExplorer(seed, price_drift, oi_drift)


class _WindowExplorer(Explorer):
    """Explorers whose controls are the three OI windows, sharing one signal cache (the article's settings)."""

    def __init__(self, data: pd.DataFrame, figure: plots.BookFigure, short: int, long: int, gradient: int):
        calculate_indicators(data)  # validates data, naming the bad column or row
        self.data = data
        self.signals = SignalCache.from_frame(data)
        super().__init__(window_controls(short, long, gradient), figure)

    def sma(self, window: int) -> np.ndarray:
        """The zero-filled moving average of OI over ``window`` bars (contracts), computed once per window."""
        return self.signals.mean(window)

    def codes(self, short: int, long: int) -> np.ndarray:
        """Signal codes of the article's rule for these windows (0 HOLD, 1 BUY, 2 SELL).

        The article's centred gradient ignores its window, so the gradient slider does not enter.
        """
        return self.signals.decisions(short, long, OI_GRADIENT_WINDOW)

    def problem(self, params: dict[str, Any]) -> Optional[str]:
        return window_problem(params)

    def twin_axes(self) -> list[Axis]:
        return [slider_axis(self, "short", (3, 5, 8, 10, 15), "{} bars"),
                slider_axis(self, "long", (20, 30, 40, 60), "{} bars")]

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

    def readout(self, params: dict[str, Any]) -> dict[str, str]:
        up, down = crossing_bars(self.sma(params["short"]), self.sma(params["long"]))
        first = min(np.concatenate([up, down]), default=None)
        return {"crossings above": str(len(up)), "crossings below": str(len(down)),
                "first crossing at bar": "none" if first is None else str(int(first))}


class SignalExplorer(_WindowExplorer):
    """Short/long/gradient windows and where the BUY/SELL signals land (chapter 4)."""

    def __init__(self, data: pd.DataFrame, short: int = OI_SHORT_SMA_WINDOW, long: int = OI_LONG_SMA_WINDOW,
                 gradient: int = OI_GRADIENT_WINDOW):
        figure = plots.signals_figure(generate_signals(calculate_indicators(data, short, long, gradient)))
        super().__init__(data, figure, short, long, gradient)

    def recompute(self, params: dict[str, Any]) -> Optional[str]:
        codes = self.codes(params["short"], params["long"])
        plots.set_signal_bars(self.figure, self.data, np.flatnonzero(codes == BUY_CODE),
                              np.flatnonzero(codes == SELL_CODE), self.sma(params["short"]), self.sma(params["long"]))
        return self.gradient_note(params)

    def readout(self, params: dict[str, Any]) -> dict[str, str]:
        codes = self.codes(params["short"], params["long"])
        return {"BUY signals": str(int((codes == BUY_CODE).sum())), "SELL signals": str(int((codes == SELL_CODE).sum()))}


class SimulationExplorer(_WindowExplorer):
    """Short/long/gradient windows and the resulting account value (chapter 5)."""

    def __init__(self, data: pd.DataFrame, short: int = OI_SHORT_SMA_WINDOW, long: int = OI_LONG_SMA_WINDOW,
                 gradient: int = OI_GRADIENT_WINDOW):
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

    def readout(self, params: dict[str, Any]) -> dict[str, str]:
        result = self.result(params["short"], params["long"])
        return {"net P&L": usd(result.net_pnl, signed=True), "trades": str(len(result.trades))}


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
    "indicator_explorer",
    "IndicatorExplorer",
    "oi_explorer",
    "OIExplorer",
    "payoff_explorer",
    "PayoffExplorer",
    "signal_explorer",
    "SignalExplorer",
    "simulation_explorer",
    "SimulationExplorer",
]
