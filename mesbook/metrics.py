"""Performance statistics of a backtest: a table laid out like backtesting.py's ``compute_stats``.

Units, once for the whole module:

* money is in **dollars** (labels ending in ``[$]``);
* percentages are **percent** (labels ending in ``[%]``: 12.5 means 12.5 %), while the helper
  functions (:func:`drawdown`, :func:`annualized_return`, …) return plain **fractions** (0.125);
* a *return* is a simple per-bar return, ``equity[t] / equity[t-1] - 1``; anything "annualized"
  is per year, reached through ``periods_per_year`` bars per year
  (:data:`~mesbook.constants.TRADING_DAYS`, 252, for business-day bars);
* ``risk_free_rate`` is an annual fraction (0.02 for 2 % a year), as in backtesting.py;
* durations are in bars, or pandas ``Timedelta`` when the index holds timestamps.

The definitions follow backtesting.py (``backtesting/_stats.py``), adapted to dollar P&L and to
per-bar returns. The differences are deliberate and listed in :func:`compute_stats`.
"""
from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Union

import numpy as np
import pandas as pd

from .constants import TRADING_DAYS
from .validation import check_frame, check_number

__all__ = ["DRAWDOWN_COLUMNS", "STAT_LABELS", "annualized_return", "annualized_volatility", "bar_returns",
           "check_accounting", "compute_stats", "drawdown", "drawdown_periods", "format_stats", "max_drawdown_percent",
           "sharpe_ratio", "sortino_ratio"]

ReturnsLike = Union[pd.Series, np.ndarray, Sequence[float]]

#: Row labels of :func:`compute_stats`, in order (backtesting.py's order, with dollar rows added).
STAT_LABELS: tuple[str, ...] = (
    "Start", "End", "Duration", "Exposure Time [%]", "Equity Final [$]", "Equity Peak [$]",
    "Total Costs [$]", "Net P&L [$]", "Return [%]", "Buy & Hold Return [%]", "Return (Ann.) [%]",
    "Volatility (Ann.) [%]", "Sharpe Ratio", "Sortino Ratio", "Calmar Ratio", "Max. Drawdown [%]",
    "Avg. Drawdown [%]", "Max. Drawdown Duration", "Avg. Drawdown Duration", "Max. Drawdown Duration [bars]",
    "Avg. Drawdown Duration [bars]", "# Trades", "Win Rate [%]", "Best Trade [$]", "Worst Trade [$]",
    "Avg. Trade [$]", "Avg. Holding Time [bars]", "Avg. Holding Time", "Profit Factor", "Expectancy [$]",
    "SQN", "Kelly Criterion",
)

_STAT_INDEX = pd.Index(STAT_LABELS)  # made once: every table's row labels

#: Columns of the table returned by :func:`drawdown_periods`.
DRAWDOWN_COLUMNS: tuple[str, ...] = ("start", "trough", "end", "depth", "duration", "bars", "recovered")


# --------------------------------------------------------------------------------------------------
# input checks
# --------------------------------------------------------------------------------------------------
def _check_equity(equity: object) -> pd.Series:
    """Require a non-empty numeric Series without NaN/inf; a datetime index must be strictly increasing."""
    if not isinstance(equity, pd.Series):
        raise TypeError(
            f"equity must be a pandas Series of account values in dollars, got {type(equity).__name__}; "
            "pass result.equity from run_trading_simulation"
        )
    if len(equity) == 0:
        raise ValueError("equity is empty; pass an equity curve with at least one bar")
    plain = equity.to_numpy()
    if plain.dtype.kind not in "iuf" or not np.isfinite(plain).all():  # plain finite numbers pass as they are
        check_frame(equity.to_frame("equity"), numeric=("equity",), timestamp=False)  # names the first bad row
    index = equity.index
    increasing = index.is_monotonic_increasing and index.is_unique
    if isinstance(index, pd.DatetimeIndex) and (index.hasnans or not increasing):
        raise ValueError(
            "equity's timestamp index must be strictly increasing, without missing (NaT) timestamps; "
            "sort it with equity.sort_index() and drop duplicate timestamps"
        )
    return equity


def _check_trades(trades: object, columns: tuple[str, ...], n_bars: int | None = None) -> pd.DataFrame:
    """Require a trade log with numeric ``columns`` (and ``costs``, if present).

    With ``n_bars`` given, ``entry_bar``/``exit_bar`` must be whole bar numbers on an equity curve of that
    length.
    """
    if not isinstance(trades, pd.DataFrame):
        raise TypeError(
            f"trades must be a pandas DataFrame (one row per round trip), got {type(trades).__name__}; "
            "pass result.trades from run_trading_simulation"
        )
    missing = [c for c in columns if c not in trades.columns]
    if missing:
        raise ValueError(
            f"trades is missing column(s) {missing}; it has {list(trades.columns)}. "
            "A trade log needs at least entry_bar, exit_bar and pnl (see mesbook.results.TRADE_COLUMNS)"
        )
    if len(trades) == 0:
        return trades
    numeric = columns + (("costs",) if "costs" in trades.columns else ())
    if not _plain_finite(trades, numeric):  # check_frame names the first bad row
        check_frame(trades, numeric=numeric, timestamp=False)
    if n_bars is not None:
        entry, exit_ = (trades[c].to_numpy(dtype=float) for c in ("entry_bar", "exit_bar"))
        whole = (entry == np.round(entry)) & (exit_ == np.round(exit_))
        bad = ~whole | (entry < 0) | (exit_ < entry) | (exit_ >= n_bars)
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise ValueError(
                f"trades row {row} has entry_bar={entry[row]:g}, exit_bar={exit_[row]:g}; bars must be whole "
                f"numbers with 0 <= entry_bar <= exit_bar < {n_bars} (the equity curve's length). "
                "Pass the equity curve and trade log of the same run"
            )
    return trades


def _plain_finite(frame: pd.DataFrame, columns: tuple[str, ...]) -> bool:
    """Whether every one of ``columns`` is a NumPy integer or float column without NaN/inf: a frame that
    :func:`mesbook.validation.check_frame`'s numeric check passes, recognised on its arrays."""
    for column in columns:
        values = frame[column].to_numpy()
        if values.ndim != 1 or values.dtype.kind not in "iuf" or not np.isfinite(values).all():
            return False
    return True


def _returns_array(returns: object) -> np.ndarray:
    """Per-bar returns as a float array with NaN entries dropped; refuses text and 2-D input."""
    if isinstance(returns, pd.DataFrame):
        raise TypeError("returns must be one column of per-bar returns, got a DataFrame; pick a column first")
    types = pd.api.types
    if isinstance(returns, pd.Series) and types.is_numeric_dtype(returns) and not types.is_bool_dtype(returns):
        returns = returns.to_numpy(dtype=float, na_value=np.nan)  # also nullable dtypes (pd.NA -> NaN)
    values = np.asarray(returns)
    if values.dtype.kind not in "iuf" and not (values.dtype == object and values.size == 0):
        raise TypeError(
            f"returns must be numeric per-bar returns (fractions), got dtype {values.dtype}; "
            "convert them with pd.to_numeric first"
        )
    values = values.astype(float)
    if values.ndim != 1:
        raise ValueError(f"returns must be one-dimensional, got shape {values.shape}")
    return values[~np.isnan(values)]


def _periods(periods_per_year: object) -> float:
    return check_number("periods_per_year", periods_per_year, strict=True)


def _rate(risk_free_rate: object) -> float:
    return check_number("risk_free_rate", risk_free_rate, minimum=-1.0, strict=True)


def _ratio(numerator: float, denominator: float) -> float:
    """``numerator / denominator``, or NaN when that is undefined (zero or NaN denominator, inf/inf)."""
    if np.isnan(numerator) or np.isnan(denominator) or denominator == 0:
        return np.nan
    if np.isinf(numerator) and np.isinf(denominator):
        return np.nan
    return float(numerator) / float(denominator)


# --------------------------------------------------------------------------------------------------
# returns and their annualized summaries
# --------------------------------------------------------------------------------------------------
def bar_returns(equity: pd.Series) -> pd.Series:
    """Simple per-bar returns of an equity curve, as fractions, indexed like ``equity``.

    ``r[t] = equity[t] / equity[t-1] - 1``. The first bar has no return (NaN); so does every bar whose
    previous value is ≤ 0 dollars, where a percentage return is undefined (a wiped-out account).
    """
    return pd.Series(_return_values(_check_equity(equity).to_numpy(dtype=float)), index=equity.index, name="return")


def _return_values(values: np.ndarray) -> np.ndarray:
    """:func:`bar_returns` on an array of account values (dollars, already checked)."""
    previous = values[:-1]
    with np.errstate(over="ignore"):  # a jump from a near-zero (subnormal) value gives +inf
        growth = np.divide(values[1:], previous, out=np.full(len(previous), np.nan), where=previous > 0)
    return np.r_[np.nan, growth - 1.0]


def _log_growth(r: np.ndarray) -> float:
    """Mean log growth per bar, ``mean(log(1 + r))``; −inf once any bar loses 100 % or more."""
    if (r <= -1).any():
        return -np.inf
    return float(np.log1p(r).mean())


def annualized_return(returns: ReturnsLike, periods_per_year: float = TRADING_DAYS) -> float:
    """Compound annual growth rate of per-bar returns, as a fraction per year.

    ``(1 + g) ** periods_per_year - 1`` where ``g`` is the geometric mean per-bar return, i.e.
    ``prod(1 + r) ** (periods_per_year / len(r)) - 1``. NaN entries are ignored; with no returns the
    result is NaN, and a result too large for a float is +inf. A bar that loses 100 % or more (equity
    at or below zero) makes it −1.0 (−100 %): the account was wiped out. backtesting.py instead sets
    the mean to 0 in that case.
    """
    r, periods = _returns_array(returns), _periods(periods_per_year)
    if len(r) == 0:
        return np.nan
    with np.errstate(over="ignore"):
        return float(np.expm1(periods * _log_growth(r)))


def annualized_volatility(returns: ReturnsLike, periods_per_year: float = TRADING_DAYS) -> float:
    """Annual volatility of compounded per-bar returns, as a fraction per year (backtesting.py's formula).

    With ``s²`` the sample variance (ddof = 1) of the per-bar returns, ``g`` their geometric mean and
    ``T = periods_per_year``, the standard deviation of a product of ``T`` independent bars is
    ``sqrt((s² + (1 + g)²) ** T − (1 + g) ** (2T))``. For small returns this is close to the familiar
    ``s · sqrt(T)``. NaN with fewer than two returns, an infinite return, or when the account was wiped
    out; 0.0 for a flat curve.
    """
    r, periods = _returns_array(returns), _periods(periods_per_year)
    if len(r) < 2 or not np.isfinite(r).all() or not np.isfinite(log_growth := _log_growth(r)):
        return np.nan
    # Worked in logs so that neither tiny variances nor long horizons lose precision:
    # log vol = T·log(1+g) + ½·log(expm1(y)),  y = T·log(1 + s² / (1+g)²).  Overflow gives +inf.
    with np.errstate(over="ignore"):
        variance = float(np.var(r, ddof=1))
        y = periods * np.logaddexp(0.0, np.log(variance) - 2.0 * log_growth) if variance > 0 else 0.0
        if y == 0:
            return 0.0
        return float(np.exp(periods * log_growth + 0.5 * (y + np.log(-np.expm1(-y)))))


def sharpe_ratio(returns: ReturnsLike, periods_per_year: float = TRADING_DAYS, risk_free_rate: float = 0.0) -> float:
    """Annualized Sharpe ratio, dimensionless: (annualized return − risk_free_rate) / annualized volatility.

    Both terms come from :func:`annualized_return` and :func:`annualized_volatility`, as in
    backtesting.py (which is why it differs from ``mean(r) / std(r) · sqrt(T)``). ``risk_free_rate``
    is an annual fraction. NaN when the volatility is 0 or undefined (a flat curve, under two returns).
    """
    rate = _rate(risk_free_rate)
    return _ratio(annualized_return(returns, periods_per_year) - rate, annualized_volatility(returns, periods_per_year))


def sortino_ratio(returns: ReturnsLike, periods_per_year: float = TRADING_DAYS, risk_free_rate: float = 0.0) -> float:
    """Annualized Sortino ratio, dimensionless: excess annualized return over annualized downside deviation.

    Downside deviation = ``sqrt(mean(min(r, 0)²)) · sqrt(periods_per_year)``, the mean taken over all
    bars, as in backtesting.py. When no bar lost money the ratio is +inf if the excess return is
    positive and NaN otherwise (backtesting.py would give −inf for a negative excess).
    """
    r, rate = _returns_array(returns), _rate(risk_free_rate)
    if len(r) == 0:
        return np.nan
    excess = annualized_return(r, periods_per_year) - rate
    with np.errstate(over="ignore"):
        downside = float(np.sqrt(np.mean(np.minimum(r, 0.0) ** 2) * _periods(periods_per_year)))
    if downside == 0:
        return np.inf if excess > 0 else np.nan
    return _ratio(excess, downside)


# --------------------------------------------------------------------------------------------------
# drawdowns
# --------------------------------------------------------------------------------------------------
def drawdown(equity: pd.Series) -> pd.Series:
    """Drawdown per bar: the fraction by which equity sits below its running peak (≤ 0).

    ``equity / cummax(equity) − 1``; 0 at every new high, −0.25 when 25 % below the best value so far,
    −1 when the account is worth nothing. NaN while the running peak is still ≤ 0 dollars (no
    percentage can be taken from it). Indexed like ``equity``.
    """
    return pd.Series(_drawdown_values(_check_equity(equity).to_numpy(dtype=float)), index=equity.index, name="drawdown")


def _drawdown_values(values: np.ndarray) -> np.ndarray:
    """:func:`drawdown` on an array of account values (dollars, already checked)."""
    peak = np.maximum.accumulate(values)
    with np.errstate(over="ignore"):  # only a negative value under a subnormal peak overflows (to −inf)
        return np.divide(values, peak, out=np.full(len(values), np.nan), where=peak > 0) - 1.0


def _deepest(drawdowns: np.ndarray) -> float:
    """The deepest of per-bar drawdowns (:func:`_drawdown_values`), a fraction ≤ 0; NaN when none is defined."""
    defined = drawdowns[~np.isnan(drawdowns)]
    return float(defined.min()) if len(defined) else np.nan


def max_drawdown_percent(equity: pd.Series) -> float:
    """The statistics table's "Max. Drawdown [%]" of ``equity`` to the bit, without the rest of the table: the
    deepest :func:`drawdown`, percent (≤ 0; NaN when no drawdown is defined)."""
    return 100.0 * _deepest(_drawdown_values(_check_equity(equity).to_numpy(dtype=float))) + 0.0  # −0.0 → 0.0


def drawdown_periods(equity: pd.Series) -> pd.DataFrame:
    """Every drawdown of ``equity``, one row each, in time order.

    A drawdown starts at the last bar at a running peak before equity falls below it and ends at the
    first bar back at that peak (``recovered`` True) or, if that never happens, at the last bar
    (``recovered`` False) — the convention of backtesting.py. Columns:

    * ``start``, ``trough``, ``end`` — index labels (timestamps) of the peak, the lowest point and the end;
    * ``depth`` — drawdown at the trough, a fraction ≤ 0 (−0.1 = 10 % below the peak);
    * ``bars`` — length from start to end, in bars;
    * ``duration`` — ``end − start`` as a ``Timedelta`` for a datetime index, otherwise equal to ``bars``.
    """
    dd = drawdown(equity).to_numpy()
    index = equity.index
    start, trough, end, recovered = _drawdown_bounds(dd)
    bars = (end - start).astype(np.int64)
    duration = index[end] - index[start] if isinstance(index, pd.DatetimeIndex) else bars
    return pd.DataFrame(
        {
            "start": index[start],
            "trough": index[trough],
            "end": index[end],
            "depth": dd[trough],
            "duration": duration,
            "bars": bars,
            "recovered": recovered,
        },
        columns=list(DRAWDOWN_COLUMNS),
    )


def _drawdown_bounds(dd: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Positions of each drawdown period's start, trough and end, and whether it recovered, from the
    drawdown per bar (:func:`drawdown_periods` describes the periods)."""
    n = len(dd)
    under = dd < 0
    begins = under & ~np.r_[False, under[:-1]]
    first = np.flatnonzero(begins)
    after = np.flatnonzero(under & ~np.r_[under[1:], False]) + 1  # one past each period's last bar
    # Trough: the underwater bar with the lowest drawdown in each period (earliest one on ties).
    positions = np.flatnonzero(under)
    period = np.cumsum(begins)[positions] - 1
    order = np.lexsort((dd[positions], period))
    trough = positions[order][np.diff(period[order], prepend=-1) != 0]
    return first - 1, trough, np.minimum(after, n - 1), after < n


# --------------------------------------------------------------------------------------------------
# accounting
# --------------------------------------------------------------------------------------------------
def check_accounting(equity: pd.Series, trades: pd.DataFrame, initial_cash: float, tol: float = 1e-6) -> float:
    """Check that the trade log explains the equity curve; return the gap in dollars.

    The identity is ``sum(trades.pnl) == equity[-1] − initial_cash`` (dollars, within ``tol`` dollars).
    It holds when every dollar the account gained or lost went through a closed trade whose ``pnl`` is
    net of premium and costs. Raises ``ValueError`` describing the gap otherwise. Typical causes: a trade
    missing from the log, costs charged to cash but not to ``pnl``, or a position still open at the last
    bar. The returned gap is ``(equity[-1] − initial_cash) − sum(pnl)``.
    """
    final = float(_check_equity(equity).iloc[-1])
    pnl = _check_trades(trades, ("pnl",))["pnl"].to_numpy(dtype=float)
    initial_cash = check_number("initial_cash", initial_cash)
    tol = check_number("tol", tol)
    total = float(pnl.sum())
    gap = (final - initial_cash) - total
    if not abs(gap) <= tol:
        raise ValueError(
            f"the trade log does not reconcile with the equity curve: the {len(pnl)} trades' pnl sums to "
            f"${total:,.6f}, but equity went from ${initial_cash:,.6f} (initial_cash) to ${final:,.6f}, a change "
            f"of ${final - initial_cash:,.6f}; the gap of ${gap:+,.6f} exceeds tol=${tol:g}. Check for trades "
            "missing from the log, costs not deducted from pnl, or a position still open at the last bar"
        )
    return gap


# --------------------------------------------------------------------------------------------------
# the statistics table
# --------------------------------------------------------------------------------------------------
def _exposure(entry: np.ndarray, exit_: np.ndarray, n_bars: int) -> float:
    """Percent of bars whose close finds an option open: bars ``entry_bar <= t < exit_bar`` of any trade."""
    depth = np.cumsum(np.bincount(entry, minlength=n_bars + 1) - np.bincount(exit_, minlength=n_bars + 1))
    return 100.0 * float((depth[:n_bars] > 0).mean())


def _buy_and_hold(prices: object, n_bars: int) -> float:
    """Percent change from the first to the last of ``prices`` (one price per equity bar)."""
    if prices is None:
        return np.nan
    if not isinstance(prices, (pd.Series, np.ndarray)):
        raise TypeError(f"prices must be a pandas Series or numpy array of prices, got {type(prices).__name__}")
    plain = np.asarray(prices)
    if plain.ndim == 1 and len(plain) == n_bars and plain.dtype.kind in "iuf":  # plain numbers, checked on the array
        checked = plain.astype(float)
        if np.isfinite(checked).all() and (checked > 0).all():
            return 100.0 * (checked[-1] / checked[0] - 1.0)
    values = pd.Series(plain)
    if len(values) != n_bars:
        raise ValueError(
            f"prices has {len(values)} values but equity has {n_bars} bars; pass one price per bar of the same run "
            "(e.g. frame['futures_price'])"
        )
    check_frame(values.to_frame("prices"), positive=("prices",), timestamp=False)
    first, last = values.to_numpy(dtype=float)[[0, -1]]
    return 100.0 * (last / first - 1.0)


def _trade_stats(trades: pd.DataFrame, n_bars: int) -> dict[str, object]:
    """The per-trade rows of the table (dollars, percent of trades, bars)."""
    pnl = trades["pnl"].to_numpy(dtype=float)
    entry, exit_ = (trades[c].to_numpy(dtype=float).astype(np.int64) for c in ("entry_bar", "exit_bar"))
    n = len(pnl)
    wins, losses = pnl[pnl > 0], pnl[pnl < 0]
    win_rate = len(wins) / n if n else np.nan
    avg_win = float(wins.mean()) if len(wins) else np.nan
    avg_loss = float(losses.mean()) if len(losses) else np.nan  # ≤ 0 dollars
    gross_profit, gross_loss = float(wins.sum()), float(-losses.sum())
    if n == 0 or (gross_loss == 0 and gross_profit == 0):
        profit_factor = np.nan
    else:
        profit_factor = gross_profit / gross_loss if gross_loss else np.inf
    # win rate · mean win − loss rate · mean |loss| = (gross profit − gross loss) / # trades
    expectancy = (gross_profit - gross_loss) / n if n else np.nan
    holding_bars = exit_ - entry
    times = [trades.get(c) for c in ("entry_time", "exit_time")]
    if n and all(t is not None and pd.api.types.is_datetime64_any_dtype(t) for t in times):
        holding_time = (times[1] - times[0]).mean()
    else:
        holding_time = pd.NaT
    return {
        "Exposure Time [%]": _exposure(entry, exit_, n_bars),
        "# Trades": n,
        "Win Rate [%]": 100.0 * win_rate,
        "Best Trade [$]": float(pnl.max()) if n else np.nan,
        "Worst Trade [$]": float(pnl.min()) if n else np.nan,
        "Avg. Trade [$]": float(pnl.mean()) if n else np.nan,
        "Avg. Holding Time [bars]": float(holding_bars.mean()) if n else np.nan,
        "Avg. Holding Time": holding_time,
        "Profit Factor": profit_factor,
        "Expectancy [$]": expectancy,
        "SQN": _ratio(np.sqrt(n) * pnl.mean(), float(pnl.std(ddof=1))) if n > 1 else np.nan,
        "Kelly Criterion": win_rate - (1 - win_rate) / _ratio(avg_win, -avg_loss) if n else np.nan,
        "Total Costs [$]": float(trades["costs"].to_numpy(dtype=float).sum()) if "costs" in trades.columns else 0.0,
    }


def _drawdown_durations(index: pd.Index, start: np.ndarray, end: np.ndarray) -> dict[str, object]:
    """Longest and mean drawdown length, as index durations and in bars (NaN/NaT with no drawdown), of the
    periods from positions ``start`` to ``end`` (:func:`_drawdown_bounds`)."""
    empty = len(start) == 0
    bars = (end - start).astype(np.int64)
    longest_bars = np.nan if empty else int(bars.max())
    mean_bars = np.nan if empty else float(_mean(bars))
    if isinstance(index, pd.DatetimeIndex):  # the periods' durations are Timedeltas (drawdown_periods)
        duration = index[end] - index[start]
        longest, mean = (pd.NaT, pd.NaT) if empty else (duration.max(), duration.mean())
    else:
        longest, mean = longest_bars, mean_bars
    return {
        "Max. Drawdown Duration": longest,
        "Avg. Drawdown Duration": mean,
        "Max. Drawdown Duration [bars]": longest_bars,
        "Avg. Drawdown Duration [bars]": mean_bars,
    }


def _mean(values: np.ndarray) -> float:
    """The mean of a non-empty array without NaN, summed as pandas' ``Series.mean`` sums (in float64, then
    divided by the count), so that it equals the mean of the same values in a frame bit for bit."""
    return values.sum(dtype=np.float64) / np.float64(len(values))


def compute_stats(
    equity: pd.Series,
    trades: pd.DataFrame,
    *,
    prices: pd.Series | np.ndarray | None = None,
    periods_per_year: float = TRADING_DAYS,
    risk_free_rate: float = 0.0,
    initial_cash: float | None = None,
) -> pd.Series:
    """Backtest statistics in the layout of backtesting.py's ``compute_stats``; returns a labelled Series.

    ``equity`` is the account value per bar in dollars (``result.equity``); ``trades`` the trade log
    (``result.trades``: at least ``entry_bar``, ``exit_bar``, ``pnl``; optional ``entry_time``,
    ``exit_time``, ``costs``). ``prices`` (optional) holds one underlying price per bar for the buy &
    hold benchmark. ``periods_per_year`` is bars per year; ``risk_free_rate`` an annual fraction;
    ``initial_cash`` the starting capital in dollars, defaulting to the first equity value. The inputs are
    not modified, and the function does not check that trades and equity agree (see
    :func:`check_accounting`): statistics of any curve are well defined.

    Rows (``r`` = per-bar returns of :func:`bar_returns`, ``T`` = ``periods_per_year``):

    * **Start**, **End** — first and last index label; **Duration** — End − Start (``Timedelta``) for a
      datetime index, otherwise the number of bar-to-bar steps.
    * **Exposure Time [%]** — percent of bars whose close finds an option open, i.e. bars
      ``entry_bar ≤ t < exit_bar`` of some trade (an option bought at bar 3's close and sold at bar 5's
      is exposed over two bars). backtesting.py counts ``entry_bar..exit_bar`` inclusive, because its
      orders fill at the next bar's open.
    * **Equity Final [$]**, **Equity Peak [$]** — last and highest equity.
    * **Total Costs [$]** — sum of the ``costs`` column (0 when there is none); already inside ``pnl``.
    * **Net P&L [$]** — Equity Final − initial_cash.
    * **Return [%]** — Net P&L / initial_cash · 100 (NaN if initial_cash ≤ 0).
    * **Buy & Hold Return [%]** — (last price / first price − 1) · 100; NaN without ``prices``.
    * **Return (Ann.) [%]**, **Volatility (Ann.) [%]** — :func:`annualized_return` and
      :func:`annualized_volatility` of ``r``, · 100. Unlike backtesting.py the bars are not resampled to
      days first, and the geometric mean is taken over the ``n − 1`` real returns (backtesting.py counts
      the missing first return as a zero).
    * **Sharpe Ratio**, **Sortino Ratio** — :func:`sharpe_ratio`, :func:`sortino_ratio` of ``r``.
    * **Calmar Ratio** — annualized return / |max drawdown|; NaN without a drawdown.
    * **Max. Drawdown [%]** — deepest :func:`drawdown`, · 100 (≤ 0; −100 means wiped out).
    * **Avg. Drawdown [%]** — mean depth of the :func:`drawdown_periods`, · 100.
    * **Max./Avg. Drawdown Duration** — longest/mean period length as index time; the ``[bars]`` rows
      give the same in bars. NaN/NaT with no drawdown.
    * **# Trades**; **Win Rate [%]** — percent of trades with pnl > 0 (a $0 trade is not a win); NaN
      with no trades, as in backtesting.py (``Summary.win_rate`` reports 0 instead).
    * **Best/Worst/Avg. Trade [$]** — max/min/mean trade pnl (backtesting.py reports % returns here).
    * **Avg. Holding Time [bars]** — mean ``exit_bar − entry_bar``; **Avg. Holding Time** — mean
      ``exit_time − entry_time`` as a ``Timedelta`` (NaT without datetime columns or trades).
    * **Profit Factor** — gross profit / gross loss of the trades; +inf when trades made money and none
      lost (backtesting.py gives NaN there), NaN with no trades or all-zero pnl.
    * **Expectancy [$]** — win rate · mean win + loss rate · mean loss, the expected dollars per trade.
      In dollars it equals Avg. Trade [$]; backtesting.py shows both because its Avg. Trade is a
      geometric mean of % returns.
    * **SQN** — System Quality Number, √(# trades) · mean(pnl) / std(pnl, ddof=1); NaN under two trades.
    * **Kelly Criterion** — win rate − loss rate / (mean win / |mean loss|); NaN without both wins and
      losses.

    Nothing here warns or raises on edge cases (no trades, one bar, a flat curve); undefined ratios
    are NaN. Bad arguments raise ``TypeError``/``ValueError`` naming the argument.
    """
    equity = _check_equity(equity)
    n_bars = len(equity)
    trades = _check_trades(trades, ("entry_bar", "exit_bar", "pnl"), n_bars)
    periods, rate = _periods(periods_per_year), _rate(risk_free_rate)
    values = equity.to_numpy(dtype=float)
    base = float(values[0]) if initial_cash is None else check_number("initial_cash", initial_cash)
    index = equity.index

    returns = _return_values(values)
    annual = annualized_return(returns, periods)
    dd_all = _drawdown_values(values)
    max_dd = _deepest(dd_all)
    start, trough, end, _ = _drawdown_bounds(dd_all)
    depth = dd_all[trough]

    rows: dict[str, object] = {
        "Start": index[0],
        "End": index[-1],
        "Duration": index[-1] - index[0] if isinstance(index, pd.DatetimeIndex) else n_bars - 1,
        "Equity Final [$]": float(values[-1]),
        "Equity Peak [$]": float(values.max()),
        "Net P&L [$]": float(values[-1] - base),
        "Return [%]": 100.0 * (float(values[-1]) / base - 1.0) if base > 0 else np.nan,
        "Buy & Hold Return [%]": _buy_and_hold(prices, n_bars),
        "Return (Ann.) [%]": 100.0 * annual,
        "Volatility (Ann.) [%]": 100.0 * annualized_volatility(returns, periods),
        "Sharpe Ratio": sharpe_ratio(returns, periods, rate),
        "Sortino Ratio": sortino_ratio(returns, periods, rate),
        "Calmar Ratio": _ratio(annual, -max_dd),
        "Max. Drawdown [%]": 100.0 * max_dd + 0.0,  # as max_drawdown_percent: + 0.0 turns −0.0 into 0.0
        "Avg. Drawdown [%]": 100.0 * float(_mean(depth)) if len(depth) else np.nan,
        **_drawdown_durations(index, start, end),
        **_trade_stats(trades, n_bars),
    }
    return pd.Series([rows[label] for label in STAT_LABELS], index=_STAT_INDEX, dtype=object, name="stats")


# --------------------------------------------------------------------------------------------------
# printing
# --------------------------------------------------------------------------------------------------
def _format_value(label: str, value: object) -> str:
    if value is None or value is pd.NaT:
        return "n/a"
    if isinstance(value, pd.Timestamp):
        return str(value.date()) if value == value.normalize() and value.tz is None else str(value)
    if isinstance(value, pd.Timedelta):
        return str(value.round("s"))
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return f"{int(value):,d}"
    if isinstance(value, numbers.Real):
        if np.isnan(value):
            return "n/a"
        if np.isinf(value):
            return "inf" if value > 0 else "-inf"
        if label.endswith("[$]") or abs(value) >= 1 or value == 0:
            return f"{float(value):,.2f}"
        return f"{float(value):.3g}"  # small percents and ratios: keep three significant digits
    return str(value)


def format_stats(stats: pd.Series) -> str:
    """The statistics table as aligned text: labels on the left, values right-aligned.

    Dollars get two decimals; percents, ratios and bar counts two decimals, or three significant digits
    when smaller than 1 in size; timestamps at midnight print as dates, durations to the second, and
    undefined values (NaN, NaT) as ``n/a``.
    """
    if not isinstance(stats, pd.Series):
        raise TypeError(f"stats must be the Series returned by compute_stats, got {type(stats).__name__}")
    labels = [str(label) for label in stats.index]
    texts = [_format_value(label, value) for label, value in zip(labels, stats.to_numpy())]
    label_width = max(map(len, labels), default=0)
    value_width = max(map(len, texts), default=0)
    return "\n".join(f"{label:<{label_width}}  {text:>{value_width}}" for label, text in zip(labels, texts))
