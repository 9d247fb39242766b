"""Explorers of part 3, "Is there an edge?" (chapters 8-10): window sweeps, Monte Carlo, Greeks attribution."""
from __future__ import annotations

from typing import Any, Optional

import ipywidgets
import pandas as pd

from .. import plots
from ..constants import OI_GRADIENT_WINDOW
from ..engine.backtest import run_backtest
from ..engine.settings import ARTICLE, REALISTIC
from ..formatting import usd
from ..studies.attribution import COMPONENTS, attribute_pnl
from ..studies.montecarlo import monte_carlo
from ..studies.samples import BOOK_SEED, SWEEP_LONGS, SWEEP_SHORTS, book_market
from ..studies.sweep import STATISTIC_NAMES, statistic_column, sweep_windows
from .base import Explorer
from .controls import dropdown, float_slider, int_slider
from .twin import Axis, choice_axis, slider_axis


#: The signal rules the sweep explorer offers: the article's, and the same with a backward gradient.
SWEEP_SIGNALS: dict[str, str] = {"article": "centred gradient (article)", "backward": "backward gradient over the window"}


class SweepExplorer(Explorer):
    """Statistic, seed, signal rule and gradient window of the chapter 8 heatmap (the grid of studies.samples.SWEEP_*)."""

    def __init__(self, seed: int = BOOK_SEED, statistic: str = "net_pnl", signals: str = "article",
                 gradient: int = OI_GRADIENT_WINDOW):
        controls = {
            "statistic": dropdown("statistic", [(v, k) for k, v in STATISTIC_NAMES.items()], statistic),
            "seed": int_slider("seed", seed, 0, 999),
            "signals": dropdown("signals", [(v, k) for k, v in SWEEP_SIGNALS.items()], signals),
            "gradient": int_slider("gradient window (bars)", gradient, 1, 30),
        }
        self._markets: dict[int, pd.DataFrame] = {}
        self._tables: dict[tuple, pd.DataFrame] = {}
        first = self.table(seed, statistic, signals, gradient)
        super().__init__(controls, plots.sweep_figure(first, market=f"seed {seed}"))

    def market(self, seed: int) -> pd.DataFrame:
        """The article's market of ``seed`` (the book's 500 bars), simulated once."""
        if seed not in self._markets:
            self._markets[seed] = book_market(seed)
        return self._markets[seed]

    def table(self, seed: int, statistic: str, signals: str, gradient: int) -> pd.DataFrame:
        """The sweep of the chapter's grid for these choices, computed once per combination."""
        key = (seed, statistic, signals, gradient)
        if key not in self._tables:
            settings = ARTICLE if signals == "article" else ARTICLE.replace(gradient="backward")
            self._tables[key] = sweep_windows(self.market(seed), SWEEP_SHORTS, SWEEP_LONGS, (gradient,),
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

    def twin_axes(self) -> list[Axis]:
        return [choice_axis(self, "statistic"), slider_axis(self, "seed", range(3, 8), "{}")]

    def readout(self, params: dict[str, Any]) -> dict[str, str]:
        table = self.table(int(params["seed"]), params["statistic"], params["signals"], int(params["gradient"]))
        column = statistic_column(table, params["statistic"])
        best = table.loc[table[column].idxmax()]
        value = usd(best[column], signed=True) if params["statistic"] == "net_pnl" else f"{best[column]:.2f}"
        return {"best pair": f"{int(best['short'])} / {int(best['long'])}", "its value": value}


def sweep_explorer(seed: int = BOOK_SEED, statistic: str = "net_pnl") -> SweepExplorer:
    """Heatmap of the chapter 8 window grid: pick the statistic, the market's seed, the gradient rule and window."""
    return SweepExplorer(seed, statistic)


class MonteCarloExplorer(Explorer):
    """Coupling (planted edge) and number of paths of a small Monte Carlo on the realistic generator."""

    def __init__(self, coupling: float = 0.05, paths: int = 200, seed: int = BOOK_SEED):
        controls = {
            "coupling": float_slider("coupling (edge per bar, Sharpe)", coupling, 0.0, 0.15, 0.01),
            "paths": ipywidgets.IntSlider(value=paths, min=50, max=500, step=50, description="paths",
                                          continuous_update=False, style={"description_width": "initial"}),
        }
        self.seed = seed
        self._results: dict[tuple[float, int], Any] = {}
        super().__init__(controls, plots.monte_carlo_figure(self.result(coupling, paths)))

    def result(self, coupling: float, paths: int):
        """``monte_carlo`` on the realistic generator for these settings, computed once per pair."""
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
        return (f"Mean P&L per path: strategy {usd(result.strategy_pnl.mean(), 0, signed=True)}, random entries "
                f"{usd(result.random_pnl.mean(), 0, signed=True)}; t = {result.t_statistic:.2f}.")

    def twin_axes(self) -> list[Axis]:
        return [slider_axis(self, "coupling", (0.0, 0.02, 0.05, 0.1, 0.15), "{:.2f}"),
                slider_axis(self, "paths", (100, 200), "{}")]

    def readout(self, params: dict[str, Any]) -> dict[str, str]:
        r = self.result(params["coupling"], params["paths"])
        return {"strategy, mean per path": usd(r.strategy_pnl.mean(), 0, signed=True),
                "random entries": usd(r.random_pnl.mean(), 0, signed=True),
                "t statistic": f"{r.t_statistic:.2f}", "p-value": f"{r.p_value:.3f}"}


def monte_carlo_explorer(coupling: float = 0.05, paths: int = 200) -> MonteCarloExplorer:
    """Sliders for the planted edge and the number of paths; redraws the histogram and the p-value (chapter 9)."""
    return MonteCarloExplorer(coupling, paths)


class AttributionExplorer(Explorer):
    """Pick one trade of a Black-76 backtest and see its P&L split into Greeks, bar by bar."""

    def __init__(self, data: pd.DataFrame, settings: Any = None, trade: int = 1):
        settings = REALISTIC if settings is None else settings
        self.data = data
        self.result = run_backtest(data, settings)
        self.attribution = attribute_pnl(data, settings, result=self.result)
        count = len(self.attribution.trades)
        if count == 0:
            raise ValueError("this backtest makes no trades: there is nothing to attribute")
        self._strikes = self.result.trades["strike"].to_numpy(dtype=float)
        controls = {"trade": int_slider("trade", min(max(trade, 1), count), 1, max(count, 2))}
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
        parts = ", ".join(f"{name} {usd(row[name], signed=True)}" for name in COMPONENTS)
        return f"{parts}, costs {usd(-row['costs'], signed=True)}: net {usd(row['pnl'], signed=True)}."

    def twin_axes(self) -> list[Axis]:
        return [slider_axis(self, "trade", range(1, min(len(self.attribution.trades), 30) + 1), "{}")]

    def readout(self, params: dict[str, Any]) -> dict[str, str]:
        row = self.attribution.trades.iloc[int(params["trade"]) - 1]
        return {"net P&L of the trade": usd(row["pnl"], signed=True), "costs": usd(-row["costs"], signed=True)}


def attribution_explorer(data: pd.DataFrame, settings: Any = None, trade: int = 1) -> AttributionExplorer:
    """A trade slider over the Greeks attribution of ``run_backtest(data, settings)`` (default ``REALISTIC``)."""
    return AttributionExplorer(data, settings, trade)


__all__ = [
    "attribution_explorer",
    "AttributionExplorer",
    "monte_carlo_explorer",
    "MonteCarloExplorer",
    "sweep_explorer",
    "SWEEP_SIGNALS",
    "SweepExplorer",
]
