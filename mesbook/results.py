"""The result of a simulation and its one-screen summary."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Optional, Union

import numpy as np
import pandas as pd

from .clock import BarClock, bar_clock, calendar_span
from .constants import SIGNAL_LABELS
from .metrics import compute_stats

#: Columns of a trade log, one row per round trip (money in dollars, prices in index points).
TRADE_COLUMNS: tuple[str, ...] = (
    "entry_time", "exit_time", "entry_bar", "exit_bar", "option_type", "strike",
    "entry_price", "exit_price", "premium", "pnl",
)


@dataclass(frozen=True)
class Summary:
    """The article's closing printout: performance in dollars and how often each signal fired."""

    initial_cash: float
    final_value: float
    num_trades: int
    wins: int
    signal_counts: dict[str, int]

    @property
    def net_pnl(self) -> float:
        """Final value minus initial cash, dollars."""
        return self.final_value - self.initial_cash

    @property
    def win_rate(self) -> float:
        """Share of round trips with P&L > 0 (0.0 when there were no trades)."""
        return self.wins / self.num_trades if self.num_trades else 0.0

    def as_series(self) -> pd.Series:
        """The summary as a labelled Series (handy for tables and comparisons)."""
        rows = {
            "initial cash ($)": self.initial_cash,
            "final value ($)": self.final_value,
            "net P&L ($)": self.net_pnl,
            "trades": self.num_trades,
            "win rate (%)": 100 * self.win_rate,
        }
        rows.update({f"{label} signals": self.signal_counts.get(label, 0) for label in SIGNAL_LABELS})
        return pd.Series(rows, dtype=object, name="summary")

    def __repr__(self) -> str:
        lines = [
            f"{'initial cash':<16}{self.initial_cash:>14,.2f} $",
            f"{'final value':<16}{self.final_value:>14,.2f} $",
            f"{'net P&L':<16}{self.net_pnl:>+14,.2f} $",
            f"{'trades':<16}{self.num_trades:>14d}",
            f"{'win rate':<16}{100 * self.win_rate:>13.1f} %",
            "signals         " + ", ".join(f"{k} {self.signal_counts.get(k, 0)}" for k in ("BUY", "SELL", "HOLD")),
        ]
        return "\n".join(lines)


class DeferredFrame:
    """A trade log not built yet: ``make()`` builds the frame of ``rows`` rows when it is first read.

    A study over thousands of runs that reads only the P&L and the number of trades never builds it
    (:attr:`SimulationResult.trade_count`); ``make`` must be picklable (a module function or a partial of one).
    """

    def __init__(self, make: Callable[[], pd.DataFrame], rows: int):
        self.make, self.rows = make, int(rows)

    def __len__(self) -> int:
        return self.rows


class _BuiltOnRead:
    """The ``trades`` field: holds a frame or a :class:`DeferredFrame`, and hands out a frame (built once)."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.key = f"_{name}_stored"

    def __get__(self, result: object, owner: Optional[type] = None) -> pd.DataFrame:
        if result is None:
            raise AttributeError(self.key)  # no default for the dataclass field
        value = result.__dict__[self.key]
        if isinstance(value, DeferredFrame):
            value = result.__dict__[self.key] = value.make()
        return value

    def __set__(self, result: object, value: Union[pd.DataFrame, DeferredFrame]) -> None:
        result.__dict__[self.key] = value


@dataclass(frozen=True)
class SimulationResult:
    """What a backtest returns.

    ``final_value`` — account value after the last bar, dollars.
    ``trades`` — one row per round trip (see ``TRADE_COLUMNS``); ``pnl`` in dollars, after premium and
    any costs (given as a frame or as a :class:`DeferredFrame`, built when first read). ``equity`` — account
    value (cash + open option value) at each bar's close, dollars,
    indexed by timestamp. ``stats`` — optional statistics table (see :mod:`mesbook.metrics`).
    ``clock`` — the :class:`~mesbook.clock.BarClock` the run annualized with (:func:`mesbook.run_backtest`;
    None when nothing was annualized); ``windows`` — the OI windows (short, long, gradient) in bars.
    """

    final_value: float
    trades: pd.DataFrame = _BuiltOnRead()
    equity: pd.Series
    initial_cash: float
    signal_counts: dict[str, int]
    total_costs: float = 0.0
    stats: Optional[pd.Series] = field(default=None, repr=False)
    clock: Optional[BarClock] = field(default=None, repr=False)
    windows: Optional[tuple[int, int, int]] = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.windows is not None:
            object.__setattr__(self, "windows", tuple(int(w) for w in self.windows))

    @property
    def net_pnl(self) -> float:
        """Final value minus initial cash, dollars."""
        return self.final_value - self.initial_cash

    @property
    def trade_count(self) -> int:
        """Round trips in ``trades`` (its length), counted without building a deferred trade log."""
        return len(self.__dict__[type(self).__dict__["trades"].key])

    def statistics(self, prices: Optional[pd.Series] = None, periods_per_year: Optional[float] = None) -> pd.Series:
        """The statistics table: ``stats`` when the backtest computed it, otherwise computed now.

        ``prices`` (the underlying, points) adds the buy-and-hold return; see
        :func:`mesbook.metrics.compute_stats` for every row's definition and unit. ``periods_per_year``
        (bars a year) defaults to the run's clock (:meth:`bar_clock`).
        """
        if self.stats is not None and prices is None and periods_per_year is None:
            return self.stats
        year = self.bar_clock().periods_per_year if periods_per_year is None else periods_per_year
        return compute_stats(self.equity, self.trades, prices=prices, periods_per_year=year,
                             initial_cash=self.initial_cash)

    def bar_clock(self) -> BarClock:
        """The run's clock: ``clock`` if the backtest kept one, else :func:`mesbook.clock.bar_clock` of the
        equity's timestamps (the data's own spacing)."""
        return self.clock if self.clock is not None else bar_clock(self.equity.index)

    def window_lines(self) -> list[str]:
        """What the OI windows mean on these data, one line each, e.g. "short 10 bars = 10 trading days
        (typically 14 days of calendar time)" (empty without ``windows``)."""
        if self.windows is None:
            return []
        clock = self.bar_clock()
        return [f"{name} {clock.window_text(bars, calendar_span(self.equity.index, bars))}"
                for name, bars in zip(("short", "long", "gradient"), self.windows)]

    def summary(self) -> Summary:
        """The article's summary numbers."""
        pnl = self.trades["pnl"].to_numpy()
        return Summary(
            initial_cash=self.initial_cash,
            final_value=self.final_value,
            num_trades=len(pnl),
            wins=int((pnl > 0).sum()),
            signal_counts=dict(self.signal_counts),
        )

    def __repr__(self) -> str:
        lines = [f"SimulationResult ({len(self.equity)} bars)", repr(self.summary())]
        if self.clock is not None:
            lines.append(f"clock           {self.clock.describe()}")
            lines += [f"window          {line}" for line in self.window_lines()]
        return "\n".join(lines)


def count_signals(codes: np.ndarray) -> dict[str, int]:
    """How many bars carry each signal label."""
    return {label: int(np.count_nonzero(codes == code)) for code, label in enumerate(SIGNAL_LABELS)}
