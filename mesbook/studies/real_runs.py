"""The bot on real weekly data: CFTC open interest and S&P 500 index closes, 2010–2018.

:func:`real_data_runs` backtests the bot on the two frames of
:func:`mesbook.weekly_market_from_real_data`: open interest dated on the Friday it is published
(``"publication"``, honest) and on its Tuesday as-of date (``"as_of"``, three days of look-ahead).
Bars are weeks, so windows are in weeks and annualized figures use the weekly clock of the data, 52 bars a
year (:func:`mesbook.clock.bar_clock`). The price is the cash index standing in for the futures (see
:mod:`mesbook.data.real`).
"""
from __future__ import annotations

from typing import Mapping, Optional, Sequence

import pandas as pd

from ..engine.backtest import run_backtest
from ..engine.prepared import PreparedMarket
from ..data.real import OI_LAGS, weekly_market_from_real_data
from ..results import SimulationResult
from ..engine.settings import ARTICLE, WEEKLY, BacktestSettings

#: Settings compared on real data (``WEEKLY``, the honest prices and costs for weekly bars, is a preset of
#: :mod:`mesbook.engine.settings`).
REAL_SETTINGS: dict[str, BacktestSettings] = {"article": ARTICLE, "honest prices": WEEKLY}

#: Window pairs (short, long), in weeks: the article's numbers read as weeks, and its 10 and 30 days
#: expressed in weeks.
REAL_WINDOWS: dict[str, tuple[int, int]] = {"10 / 30 weeks": (10, 30), "2 / 6 weeks": (2, 6)}

#: Columns of :func:`real_data_runs`.
REAL_COLUMNS: tuple[str, ...] = ("settings", "windows", "OI dated", "bars", "trades", "net P&L ($)", "Sharpe",
                                 "max drawdown (%)")


def real_markets(adjust_units: bool = False) -> dict[str, pd.DataFrame]:
    """The two weekly market frames, keyed "publication" and "as_of"."""
    return {lag: weekly_market_from_real_data(lag, adjust_units=adjust_units) for lag in OI_LAGS}


def real_data_runs(settings: Optional[Mapping[str, BacktestSettings]] = None,
                   windows: Optional[Mapping[str, Sequence[int]]] = None,
                   markets: Optional[Mapping[str, pd.DataFrame]] = None) -> pd.DataFrame:
    """One row per (settings, windows, frame): trades, net P&L (dollars), Sharpe, max drawdown (%).

    Defaults: :data:`REAL_SETTINGS`, :data:`REAL_WINDOWS` and :func:`real_markets`. Each run is
    :func:`mesbook.run_backtest` on the data's weekly clock (52 bars a year).
    """
    settings = dict(REAL_SETTINGS if settings is None else settings)
    windows = dict(REAL_WINDOWS if windows is None else windows)
    ready = {lag: PreparedMarket(data) for lag, data in (real_markets() if markets is None else markets).items()}
    rows = []
    for name, s in settings.items():
        for label, (short, long) in windows.items():
            for lag, data in ready.items():  # each frame checked and read once for every run on it
                result = run_backtest(data, s, short_sma_window=int(short), long_sma_window=int(long))
                rows.append((name, label, lag, len(data), len(result.trades), round(result.net_pnl, 2),
                             round(float(result.stats["Sharpe Ratio"]), 2),
                             round(float(result.stats["Max. Drawdown [%]"]), 2)))
    return pd.DataFrame(rows, columns=list(REAL_COLUMNS))


def real_results(settings: BacktestSettings = WEEKLY, short_sma_window: int = 10, long_sma_window: int = 30,
                 markets: Optional[Mapping[str, pd.DataFrame]] = None) -> dict[str, SimulationResult]:
    """The run on each weekly frame ("publication", "as_of"), for the figure of chapter 7."""
    markets = dict(real_markets() if markets is None else markets)
    return {lag: run_backtest(data, settings, short_sma_window=short_sma_window, long_sma_window=long_sma_window)
            for lag, data in markets.items()}


def lag_table(runs: pd.DataFrame) -> pd.DataFrame:
    """:func:`real_data_runs` side by side: net P&L and trades by frame, and the look-ahead's gain (dollars)."""
    wide = runs.pivot_table(index=["settings", "windows"], columns="OI dated", values=["net P&L ($)", "trades"],
                            sort=False)
    table = pd.DataFrame({
        "P&L, OI when published ($)": wide[("net P&L ($)", "publication")],
        "P&L, OI on its as-of date ($)": wide[("net P&L ($)", "as_of")],
        "look-ahead gain ($)": wide[("net P&L ($)", "as_of")] - wide[("net P&L ($)", "publication")],
        "trades (published / as-of)": [f"{int(a)} / {int(b)}" for a, b in
                                       zip(wide[("trades", "publication")], wide[("trades", "as_of")])],
    })
    return table.round(2)


__all__ = ["REAL_COLUMNS", "REAL_SETTINGS", "REAL_WINDOWS", "lag_table", "real_data_runs",
           "real_markets", "real_results"]
