"""The fast path: the article's execution on plain arrays, behind every sweep, Monte Carlo and multiple test.

When the settings only change *which bars signal* (warm-up, gradient, OI lag, roll filter, fill delay, the
fixed premium) and keep the article's execution (a fixed premium, intrinsic marks, no expiry, no costs, one
option at a time), a backtest reduces to a few array operations: signal codes
(:class:`~mesbook.engine.decisions.SignalCache`, each distinct window computed once), the article's trade
runs (:func:`mesbook.core.trades.article_run`) and an intrinsic-value payoff. :func:`supports_fast_path`
says when that holds; the results are then identical to :func:`mesbook.run_backtest` (tested).

:class:`PricedPath` executes signal codes on one price path; :class:`FastMarket` is the one runner of a market
with its signals: one market under such settings, which runs the bot for any
:class:`~mesbook.core.windows.Windows` (:meth:`FastMarket.run`), prices its account per bar
(:meth:`FastMarket.equity`, :meth:`FastMarket.bar_pnl`) and builds the strategy's *random-entry twins*
(:meth:`FastMarket.twins`): its own trades in another order, laid back to back from its first entry — the
same number of trades, holding periods and time in the market, entered on bars that carry no signal. The
window sweeps (:mod:`mesbook.studies.sweep`), the Monte Carlo (:mod:`mesbook.studies.montecarlo`) and the
sweep's P&L matrix for the multiple tests (:mod:`mesbook.studies.sweep_matrix`) all run on it.
Many markets on the same bars (a Monte Carlo chunk) get their codes in one 2-D pass
(:func:`executed_columns`) and trade on :class:`PricedPath`, with the same numbers.
Money is in dollars, prices and strikes in index points, OI in contracts.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Optional

import numpy as np
import pandas as pd

from ..constants import FUTURES_MULTIPLIER, INITIAL_CASH
from ..core.contract import intrinsic_value, nearest_strike
from ..core.trades import ArrayRun, Terms, article_equity, article_run
from ..validation import check_frame
from ..core.signals import delay_codes
from ..core.windows import Windows
from .decisions import DECISION_FIELDS, SignalCache, decision_columns, needs_times, reads_oi_only
from .prepared import PreparedMarket
from .settings import ARTICLE, BacktestSettings, check_settings

#: Settings that change which bars signal; the fast path handles any value of these.
SIGNAL_FIELDS: tuple[str, ...] = (*DECISION_FIELDS, "fill_delay", "fixed_premium_points")
#: Settings that must keep the article's value for the fast path (they change how trades are executed).
EXECUTION_FIELDS: tuple[str, ...] = (
    "position", "fill_price", "pricing", "mark", "exercise", "expiry_cycle", "strike", "commission", "slippage_ticks",
    "half_spread_ticks", "round_to_tick", "contracts", "equity_fraction", "max_premium_at_risk", "stop_loss", "take_profit",
    "underlying_stop_points", "max_drawdown",
)


def supports_fast_path(settings: BacktestSettings) -> bool:
    """True when ``settings`` execute trades exactly as the article does (see :data:`EXECUTION_FIELDS`)."""
    check_settings(settings)
    return all(getattr(settings, name) == getattr(ARTICLE, name) for name in EXECUTION_FIELDS)


def require_fast_path(settings: BacktestSettings, caller: str) -> None:
    """Raise ``ValueError`` naming the offending settings unless :func:`supports_fast_path` holds."""
    if not supports_fast_path(settings):
        changed = [name for name in EXECUTION_FIELDS if getattr(settings, name) != getattr(ARTICLE, name)]
        raise ValueError(
            f"{caller} needs settings that execute trades as the article does; these differ from ARTICLE: "
            f"{changed}. Only {', '.join(SIGNAL_FIELDS)} may change (run_backtest handles the rest)"
        )


class PricedPath:
    """The article's execution on one price path (index points) under trading ``terms``: trades from signal
    codes (:meth:`execute`), the account per bar (:meth:`equity`, :meth:`bar_pnl`) and random-entry twins
    (:meth:`twins`). :class:`FastMarket` adds the signals of one market; many markets on the same bars get
    their codes at once from :func:`executed_columns` and run here."""

    def __init__(self, price: np.ndarray, terms: Terms):
        self.price, self.terms = price, terms

    def execute(self, codes: np.ndarray) -> ArrayRun:
        """The article's trades for executed signal ``codes`` (one per bar): only those the account could pay for."""
        return article_run(self.price, codes, self.terms)

    def equity(self, run: ArrayRun) -> np.ndarray:
        """Account value per bar of ``run``, dollars: cash plus the open option at intrinsic value."""
        return article_equity(run, self.price, self.terms)

    def bar_pnl(self, run: ArrayRun) -> np.ndarray:
        """Change of the account value from each bar to the next, dollars (the first bar against the
        initial cash): sums to the run's net P&L."""
        return np.diff(self.equity(run), prepend=self.terms.initial_cash)

    def twins(self, run: ArrayRun, orders: np.ndarray, signs: Optional[np.ndarray] = None) -> ArrayRun:
        """Random-entry twins of ``run``: its trades taken in each row's order of ``orders`` (a permutation
        of the trades per twin), laid back to back from its first entry bar.

        Each twin has the run's number of trades, holding periods (bars) and time in the market, but entry
        bars unrelated to the signals; every trade is an at-the-money option at the same fixed premium.
        ``signs`` (+1 call, −1 put per trade of each twin) default to the run's own, reordered. Returns an
        :class:`~mesbook.core.trades.ArrayRun` shaped like ``orders`` (one row per twin for a 2-D
        ``orders``); the account is not checked (a twin pays for every trade, as the run did).
        """
        durations = (run.exits - run.entries)[orders]
        starts = run.entries[0] + np.cumsum(durations, axis=-1) - durations
        signs = run.signs[orders] if signs is None else signs
        strikes = nearest_strike(self.price[starts], self.terms.strike_interval)
        pnl = intrinsic_value(signs, self.price[starts + durations], strikes) * self.terms.multiplier - self.terms.premium
        return ArrayRun(starts, starts + durations, signs, strikes, pnl)


def fast_terms(settings: BacktestSettings, initial_cash: float = INITIAL_CASH) -> Terms:
    """The :class:`~mesbook.core.trades.Terms` of a fast-path run: ``initial_cash`` and the settings' fixed
    premium, ``fixed_premium_points`` × $5 a point."""
    return Terms(initial_cash, settings.fixed_premium_points * FUTURES_MULTIPLIER)


class FastMarket(PricedPath):
    """One market on the fast path: prices (index points), timestamps and OI (contracts) under ``settings``.

    ``settings`` must pass :func:`require_fast_path` (``caller`` names who asked, in the error);
    ``initial_cash`` is the account's starting value, dollars. Each trade pays the fixed premium of the
    settings, ``fixed_premium_points`` × $5: the run's :class:`~mesbook.core.trades.Terms` are :attr:`terms`. Use :meth:`from_frame` for a market frame; the arrays given
    here are taken as they are (checked once by the caller).
    """

    def __init__(self, price: np.ndarray, open_interest: pd.Series, times: pd.DatetimeIndex,
                 settings: BacktestSettings = ARTICLE, *, initial_cash: float = INITIAL_CASH,
                 caller: str = "the fast path"):
        require_fast_path(settings, caller)
        super().__init__(price, fast_terms(settings, initial_cash))
        self.times = pd.DatetimeIndex(times)
        self.cache = SignalCache(open_interest, settings, self.times if needs_times(settings) else None)

    @classmethod
    def from_frame(cls, data: pd.DataFrame, settings: BacktestSettings = ARTICLE, *,
                   initial_cash: float = INITIAL_CASH, caller: str = "the fast path") -> "FastMarket":
        """The fast path on a market frame (``timestamp``, ``futures_price``, ``open_interest``), checked here."""
        check_settings(settings)
        require_fast_path(settings, caller)
        Terms(initial_cash)  # a ValueError naming initial_cash before the frame is read
        check_frame(data, positive=("futures_price", "open_interest"))
        return cls(data["futures_price"].to_numpy(dtype=float), data["open_interest"], data["timestamp"], settings,
                   initial_cash=initial_cash, caller=caller)

    def warm(self, windows: Iterable[int]) -> "FastMarket":
        """Compute the moving average of each distinct window now (e.g. before the work is split); returns self."""
        for window in sorted(set(windows)):
            self.cache.mean(window)
        return self

    def run(self, windows: Iterable[int]) -> ArrayRun:
        """The article's trades for these windows (a :class:`~mesbook.core.windows.Windows` or
        ``(short, long, gradient)``, bars): only those the account could pay for."""
        return self.execute(self.cache.codes(*windows))


def prepared_run(market: PreparedMarket, settings: BacktestSettings, windows: Windows,
                 initial_cash: float = INITIAL_CASH) -> tuple[PricedPath, ArrayRun]:
    """The fast path on a :class:`~mesbook.engine.prepared.PreparedMarket`: the market's decisions under
    ``settings`` (the ones :func:`mesbook.run_backtest` reads, computed once for every variant that decides
    alike), delayed by ``fill_delay`` and executed on its closes. Returns the path (for :meth:`PricedPath.equity`)
    and the run; the trades, P&L and account are :func:`mesbook.run_backtest`'s on the same market, bit for bit
    (tested). ``settings`` must pass :func:`require_fast_path`."""
    require_fast_path(settings, "prepared_run")
    if settings.volatility == "column":  # read by run_backtest even with a fixed premium: refused alike if unusable
        market.column(settings.vol_column)
    path = PricedPath(market.close, fast_terms(settings, initial_cash))
    return path, path.execute(delay_codes(market.decisions(settings, windows), settings.fill_delay))


def executed_columns(open_interest: np.ndarray, settings: BacktestSettings, windows: Windows,
                     timestamps: Optional[object] = None) -> Optional[np.ndarray]:
    """The executed codes (bars × markets) of many markets on the same bars, one column per column of
    ``open_interest`` (contracts): column j is ``FastMarket(...).cache.codes(*windows)`` of market j, bit for bit,
    decided in one 2-D pass (:func:`~mesbook.engine.decisions.decision_columns`) and delayed by ``fill_delay``.
    None when the settings' signals read a column other than open interest (then run each :class:`FastMarket`)."""
    if not reads_oi_only(settings):
        return None
    return delay_codes(decision_columns(open_interest, settings, windows, timestamps), settings.fill_delay)


__all__ = ["EXECUTION_FIELDS", "FastMarket", "PricedPath", "SIGNAL_FIELDS", "executed_columns", "fast_terms", "prepared_run", "require_fast_path",
           "supports_fast_path"]
