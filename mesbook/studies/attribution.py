"""Where did an option trade's money come from? Greeks P&L attribution, bar by bar.

For a backtest whose options are priced and marked by Black-76 (``pricing="black76"``, ``mark="model"``)
each trade's value path is known at every bar. Over one bar the value change dV is split with the
Greeks taken at the start of the bar:

* **delta** — Δ·dF, the futures move (dF in index points);
* **gamma** — ½·Γ·dF², the curvature of that move;
* **theta** — θ·(elapsed years), time passing (θ per year, as :class:`mesbook.options.greeks.Greeks` gives it;
  options that never expire carry no theta);
* **vega** — ν·dσ, the change of the volatility fed to the model (σ per year, ν per 1.00 of vol);
* **residual** — what the four miss (higher-order and cross terms, the jump to intrinsic at expiry).

Summed over the trade and converted to dollars (× contracts × $5 per point), delta + gamma + theta +
vega + residual is the trade's gross P&L *by construction* (the residual is defined as the rest), and
gross P&L − costs is its net P&L. On daily bars the residual is small next to the P&L (tested).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

import numpy as np
import pandas as pd

from ..clock import bar_clock
from ..constants import FUTURES_MULTIPLIER
from ..core.contract import intrinsic_value
from ..engine.backtest import Pricer, run_backtest, segment_bars
from ..engine.prepared import prepared
from ..options.greeks import black76_greeks
from ..results import SimulationResult
from ..engine.settings import REALISTIC, BacktestSettings, check_settings
from ..validation import check_number

#: The Greek components, in the order of the tables.
COMPONENTS: tuple[str, ...] = ("delta", "gamma", "theta", "vega", "residual")
# Largest relative gap tolerated between the recomputed value path and the trade log's gross P&L.
_RECONCILE_TOLERANCE = 1e-6


@dataclass(frozen=True)
class Attribution:
    """P&L attribution of every trade of one run, dollars.

    ``trades`` — one row per trade: ``entry_bar``, ``exit_bar``, ``option_type``, ``contracts``,
    ``exit_reason``, then ``delta``, ``gamma``, ``theta``, ``vega``, ``residual`` (they sum to
    ``gross_pnl``), ``costs`` and ``pnl`` (= ``gross_pnl`` − ``costs``), all dollars.
    ``bars`` — one row per bar step of every trade: ``trade`` (row of ``trades``), ``bar`` (the step ends
    here), ``futures_change`` (points), ``vol_change`` (per year), ``years_elapsed``, ``value_change`` and
    the five components, dollars.
    """

    trades: pd.DataFrame
    bars: pd.DataFrame

    def totals(self) -> pd.Series:
        """Each component summed over all trades, plus costs and net P&L, dollars."""
        return self.trades[[*COMPONENTS, "gross_pnl", "costs", "pnl"]].sum().rename("total [$]")

    def __repr__(self) -> str:
        lines = [f"Greeks P&L attribution of {len(self.trades)} trades (dollars)"]
        lines += [f"  {name:<12}{value:>+14,.2f}" for name, value in self.totals().items()]
        return "\n".join(lines)


def attribute_pnl(
    data: pd.DataFrame,
    settings: BacktestSettings = REALISTIC,
    *,
    result: Optional[SimulationResult] = None,
    multiplier: float = FUTURES_MULTIPLIER,
    periods_per_year: Optional[float] = None,
    **backtest: Any,
) -> Attribution:
    """Split each trade's P&L of ``run_backtest(data, settings, ...)`` into Greeks, residual and costs.

    ``settings`` must price with Black-76 and mark with the model (``pricing="black76"``,
    ``mark="model"``, ``exercise="european"``), as ``REALISTIC`` does. Pass ``result`` to attribute a run
    you already have; it must come from these data, settings and ``multiplier`` (checked: the value path
    must reproduce each trade's gross P&L). ``backtest`` are the other keywords of
    :func:`mesbook.run_backtest` (the windows, ``initial_cash``, ``strike_interval``), used when ``result``
    is not given. ``periods_per_year`` (bars a year, for realized volatility) defaults to the data's clock.
    The input frame is not modified.
    """
    check_settings(settings)
    if settings.pricing != "black76" or settings.mark != "model" or settings.exercise != "european":
        raise ValueError(
            "attribution needs Black-76 values at every bar; use settings with pricing='black76', mark='model' and "
            f"exercise='european' (got pricing={settings.pricing!r}, mark={settings.mark!r}, exercise={settings.exercise!r})"
        )
    multiplier = check_number("multiplier", multiplier, strict=True)
    if result is None:
        result = run_backtest(data, settings, multiplier=multiplier, periods_per_year=periods_per_year, **backtest)
    elif not isinstance(result, SimulationResult) or "gross_pnl" not in result.trades.columns:
        raise TypeError("result must be a SimulationResult returned by run_backtest (its trades need gross_pnl)")
    year = bar_clock(data["timestamp"], periods_per_year).periods_per_year
    pricer = Pricer(settings, prepared(data).arrays(settings, year))
    trades = result.trades
    path = _value_paths(trades, pricer)
    bars = _bar_steps(path, pricer, trades["contracts"].to_numpy(dtype=float) * multiplier)
    per_trade = bars.groupby("trade")[list(COMPONENTS[:-1])].sum().reindex(range(len(trades)), fill_value=0.0)
    gross = trades["gross_pnl"].to_numpy(dtype=float)
    recomputed = np.bincount(bars["trade"], weights=bars["value_change"], minlength=len(trades))
    gap = np.abs(recomputed - gross)
    if (gap > _RECONCILE_TOLERANCE * np.maximum(1.0, np.abs(gross))).any():
        k = int(np.argmax(gap))
        raise ValueError(
            f"the value path of trade {k} gives gross P&L ${recomputed[k]:,.6f} but the trade log says "
            f"${gross[k]:,.6f}; pass the result of run_backtest on these same data, settings and multiplier"
        )
    out = trades[["entry_bar", "exit_bar", "option_type", "contracts", "exit_reason"]].reset_index(drop=True)
    for name in COMPONENTS[:-1]:
        out[name] = per_trade[name].to_numpy()
    out["residual"] = gross - out[list(COMPONENTS[:-1])].sum(axis=1).to_numpy()
    out["gross_pnl"], out["costs"] = gross, trades["costs"].to_numpy(dtype=float)
    out["pnl"] = trades["pnl"].to_numpy(dtype=float)
    return Attribution(out, bars)


@dataclass(frozen=True)
class _Path:
    """Every trade's value path, concatenated: one point per bar from entry to exit (points, years)."""

    trade: np.ndarray
    bar: np.ndarray
    futures: np.ndarray
    strike: np.ndarray
    expiry_day: np.ndarray
    sign: np.ndarray
    value: np.ndarray
    last: np.ndarray  # True on each trade's exit point


def _value_paths(trades: pd.DataFrame, pricer: Pricer) -> _Path:
    """Model value of each option at entry (fill price), every close in between, and exit (as the engine)."""
    m = pricer.m
    entry = trades["entry_bar"].to_numpy(dtype=np.int64)
    lengths = trades["exit_bar"].to_numpy(dtype=np.int64) - entry + 1
    k, bar = segment_bars(entry, lengths)
    offset = bar - entry[k]
    first, last = offset == 0, offset == (lengths - 1)[k]
    reason = trades["exit_reason"].to_numpy(dtype=object)[k]
    futures = np.where(first | (last & (reason == "signal")), m.fill[bar], m.close[bar])
    strike = trades["strike"].to_numpy(dtype=float)[k]
    expiry_day = trades["expiry_day"].to_numpy(dtype=float)[k]
    sign = np.where(trades["option_type"].to_numpy() == "CALL", 1, -1)[k]
    value = pricer.model(bar, futures, strike, expiry_day, sign)
    settled = last & (reason == "expiry")
    value[settled] = intrinsic_value(sign[settled], futures[settled], strike[settled])
    return _Path(k, bar, futures, strike, expiry_day, sign, value, last)


def _bar_steps(path: _Path, pricer: Pricer, dollars_per_point: np.ndarray) -> pd.DataFrame:
    """One row per bar step of every trade: moves, Greeks terms and residual, in dollars."""
    start = np.flatnonzero(~path.last)  # every point but a trade's last begins a step
    end = start + 1
    years = pricer.years(path.bar, path.expiry_day)
    vol = pricer.m.vol[path.bar]
    greeks = black76_greeks(path.futures[start], path.strike[start], years[start], pricer.s.rate, vol[start],
                            path.sign[start] > 0)
    d_futures = path.futures[end] - path.futures[start]
    d_vol = vol[end] - vol[start]
    elapsed = years[start] - years[end]
    scale = dollars_per_point[path.trade[start]]
    parts = {
        "delta": greeks.delta * d_futures,
        "gamma": 0.5 * greeks.gamma * d_futures**2,
        "theta": greeks.theta * elapsed,
        "vega": greeks.vega * d_vol,
    }
    value_change = path.value[end] - path.value[start]
    frame = pd.DataFrame({
        "trade": path.trade[start], "bar": path.bar[end], "futures_change": d_futures, "vol_change": d_vol,
        "years_elapsed": elapsed, "value_change": value_change * scale,
        **{name: part * scale for name, part in parts.items()},
    })
    frame["residual"] = frame["value_change"] - frame[list(parts)].sum(axis=1)
    return frame


def attribution_table(attribution: Attribution) -> pd.DataFrame:
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
