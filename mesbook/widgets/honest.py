"""Explorers of part 2, "Making it honest" (chapters 6-7): caveats switched off, Black-76 Greeks."""
from __future__ import annotations

from typing import Any, Optional

import ipywidgets
import numpy as np

from .. import plots
from ..article.market import simulate_market_data
from ..constants import FUTURES_MULTIPLIER, STRIKE_INTERVAL
from ..data.synthetic import simulate_realistic_market
from ..engine.backtest import run_backtest
from ..formatting import usd
from ..options.tables import greek_curves
from ..studies import caveats
from .base import Explorer
from .controls import float_slider, int_slider
from .twin import Axis, choice_axis, slider_axis


class CaveatExplorer(Explorer):
    """One checkbox per caveat of :data:`mesbook.studies.caveats.CAVEATS` and a choice of market (seeded).

    Ticking a box replaces that simplification of the article by its honest alternative; several ticks
    combine. The figure shows the account of the article's bot and of the chosen variant on the same
    market; the line above it gives both net P&Ls in dollars.
    """

    def __init__(self, seed: int = 7, num_periods: int = 500, checked: tuple[str, ...] = ()):
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
            self._runs[key] = caveats.run_caveats(self.markets[market], list(keys), generator=market)
        return self._runs[key]

    def label(self, keys: tuple[str, ...]) -> str:
        """Legend text for the variant with ``keys`` switched."""
        if not keys:
            return "no switch: the article itself"
        if len(keys) > 2:
            return f"{len(keys)} switches"
        return ", ".join(caveats.caveat(k).honest for k in keys)

    def checked(self, params: dict[str, Any]) -> tuple[str, ...]:
        """The caveat keys whose boxes are ticked in ``params``, in the book's order."""
        return tuple(c.key for c in caveats.CAVEATS if params[c.key])

    def recompute(self, params: dict[str, Any]) -> Optional[str]:
        market, keys = params["market"], self.checked(params)
        base, chosen = self.base[market], self.run(market, keys)
        plots.set_caveat_equity(self.figure, base, chosen, self.label(keys))
        return (f"Article {usd(base.net_pnl, signed=True)} ({len(base.trades)} trades), "
                f"switched {usd(chosen.net_pnl, signed=True)} ({len(chosen.trades)} trades): a change of {usd(chosen.net_pnl - base.net_pnl, signed=True)}.")

    def twin_axes(self) -> list[Axis]:
        """No switch, each switch alone, the ones ticked now (if several), all of them; times the two markets."""
        keys = [c.key for c in caveats.CAVEATS]
        checked = self.checked(self.params)
        sets: list[tuple[str, tuple[str, ...]]] = [("none (the article)", ())]
        sets += [(self.controls[k].description, (k,)) for k in keys]
        if len(checked) > 1:
            sets.append((" + ".join(self.controls[k].description for k in checked), checked))
        sets.append((f"all {len(keys)}", tuple(keys)))
        settings = tuple({k: k in chosen for k in keys} for _, chosen in sets)
        start = next(i for i, (_, chosen) in enumerate(sets) if set(chosen) == set(checked))
        return [Axis("switched on", settings, tuple(t for t, _ in sets), start), choice_axis(self, "market")]

    def readout(self, params: dict[str, Any]) -> dict[str, str]:
        base, chosen = self.base[params["market"]], self.run(params["market"], self.checked(params))
        return {"article net P&L": usd(base.net_pnl, signed=True),
                "switched net P&L": usd(chosen.net_pnl, signed=True), "switched trades": str(len(chosen.trades))}


def caveat_explorer(seed: int = 7, num_periods: int = 500, checked: tuple[str, ...] = ()) -> CaveatExplorer:
    """Checkboxes that switch the article's simplifications off, alone or together (chapter 6)."""
    return CaveatExplorer(seed, num_periods, tuple(checked))


class GreeksExplorer(Explorer):
    """Strike, days to expiry and volatility of an MES option; premium and Greeks against the futures."""

    def __init__(self, strike: float = 4000.0, days: int = 91, vol_percent: float = 18.0, rate: float = 0.04):
        self.rate = rate
        self.futures = np.arange(3600.0, 4400.0 + 1e-9, 2.0)
        controls = {
            "strike": float_slider("strike (points)", strike, 3600.0, 4400.0, STRIKE_INTERVAL),
            "days": int_slider("days to expiry", days, 1, 182),
            "vol": float_slider("volatility (% a year)", vol_percent, 5.0, 60.0, 1.0),
        }
        curves = greek_curves(strike, days, vol_percent / 100, rate, futures=self.futures)
        super().__init__(controls, plots.greeks_figure(curves, strike, days, vol_percent / 100))

    def problem(self, params: dict[str, Any]) -> Optional[str]:
        if params["strike"] % STRIKE_INTERVAL:
            return f"MES strikes are listed every {STRIKE_INTERVAL} points; {params['strike']:g} is not one."
        return None

    def recompute(self, params: dict[str, Any]) -> Optional[str]:
        strike, days, vol = float(params["strike"]), int(params["days"]), float(params["vol"]) / 100
        curves = greek_curves(strike, days, vol, self.rate, futures=self.futures)
        plots.set_greeks(self.figure, curves, strike, days, vol)
        return f"Futures from 3,600 to 4,400 points; rate {100 * self.rate:g} % a year; $5 per point."

    def twin_axes(self) -> list[Axis]:
        return [slider_axis(self, "days", (7, 30, 91, 182), "{} days"),
                slider_axis(self, "vol", (10.0, 18.0, 30.0, 60.0), "{:g} %")]

    def readout(self, params: dict[str, Any]) -> dict[str, str]:
        strike = float(params["strike"])
        row = greek_curves(strike, int(params["days"]), float(params["vol"]) / 100, self.rate, futures=[strike]).iloc[0]
        return {"at-the-money call": f"{row['call']:.2f} points ({usd(row['call'] * FUTURES_MULTIPLIER)})",
                "at-the-money put": f"{row['put']:.2f} points ({usd(row['put'] * FUTURES_MULTIPLIER)})",
                "call delta": f"{row['call delta']:.3f}"}


def greeks_explorer(strike: float = 4000.0, days: int = 91, vol_percent: float = 18.0) -> GreeksExplorer:
    """Sliders for the strike, the days to expiry and the volatility of a Black-76 option (chapter 7)."""
    return GreeksExplorer(strike, days, vol_percent)


__all__ = [
    "caveat_explorer",
    "CaveatExplorer",
    "greeks_explorer",
    "GreeksExplorer",
]
