"""The backtest with every switch: the article's bot, or an honest version of it, or anything between.

:func:`run_backtest` takes a market frame and a :class:`~mesbook.engine.settings.BacktestSettings`. With
``ARTICLE`` it reproduces :func:`mesbook.run_trading_simulation` (tested); with ``REALISTIC`` it trades
on information it could have had, at prices it could have paid. Money is in dollars, prices in index
points. The loop runs over trades, not bars: each trade's bars are priced in vectorized calls, and the
bars priced are those the trades actually hold (plus at most as many again while a stop or take-profit
is searched for), so time and memory grow linearly in bars + trades whatever the signal pattern.

Time comes from the timestamps, for any bar spacing (daily, weekly, intraday, with gaps), in the conventions
of :mod:`mesbook.clock`: timestamps are exchange time (tz-naive America/Chicago, as
:func:`mesbook.load_market_data` returns them; a tz-aware column is converted), each stamp is the moment its
bar closes, and a date-only stamp is that day's 3:00 p.m. CT close.

* **The year.** Volatility and every annualized statistic use the data's own clock,
  :func:`mesbook.clock.bar_clock` (252 business-day bars a year, 52 weekly bars, the measured bars per
  session × 252 for intraday bars); ``periods_per_year=`` overrides it. The result keeps it as ``clock``.
* **Expiries.** An option is bought on the first expiry of its cycle at least ``min_days_to_expiry`` days
  after the entry bar's close (:func:`mesbook.options.calendar.first_expiry_after`) and priced with the time
  from each bar's close to its **expiry moment** (:func:`~mesbook.options.calendar.time_to_expiry`, years of
  365 days): 8:30 a.m. CT for the quarterly options (CME: "Trading terminates at 8:30 a.m. CT on the 3rd
  Friday of the contract month", MES options product 8933, ``cme_mes_options_quarterly`` in
  ``book/references.bib``), 3:00 p.m. CT for the monthly (week-3) and weekly Friday options (CME: "Trading
  terminates at 3:00 p.m. CT", product 8931, ``cme_mes_options_weekly``); see
  :data:`~mesbook.options.calendar.EXPIRY_TIMES`. It settles at intrinsic value in the **bar in which it
  expires**, the first bar whose close is at or after that moment
  (:func:`~mesbook.options.calendar.settlement_bars`): on date-only bars the bar dated on the expiry day (the
  next bar if that day has none), on hourly bars the bar whose hour holds 8:30. Data that end before the
  moment close the trade at the last bar ("end"), unexpired.
* **Delays.** ``oi_release`` and ``roll_filter`` are given in time (a release rule, a duration; see
  :mod:`mesbook.engine.decisions`); ``fill_delay`` is the next bar, whatever its length.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Optional

import numpy as np
import pandas as pd
from scipy.special import ndtri

from ..clock import BarClock
from ..constants import (
    FUTURES_MULTIPLIER,
    INITIAL_CASH,
    OI_GRADIENT_WINDOW,
    OI_LONG_SMA_WINDOW,
    OI_SHORT_SMA_WINDOW,
    STRIKE_INTERVAL,
)
from ..core.contract import intrinsic_value, nearest_strike
from ..core.signals import delay_codes
from ..core.trades import equity_curve
from ..core.windows import Windows
from ..metrics import compute_stats
from ..options.calendar import expiry_stamps, first_expiry_after, settlement_bars
from ..options.greeks import black76_greeks
from ..options.pricing import price_option
from ..results import TRADE_COLUMNS, DeferredFrame, SimulationResult, count_signals
from ..validation import check_number
from . import bar_memo
from .bar_memo import times_key
from .prepared import Market, PreparedMarket, prepared
from .rules import contracts_to_buy, drawdown_halted, first_trigger
from .settings import ARTICLE, BacktestSettings, check_settings

#: Extra trade-log columns of :func:`run_backtest` (beyond the article's).
ENGINE_COLUMNS: tuple[str, ...] = ("contracts", "expiry", "exit_reason", "entry_premium", "exit_premium",
                                   "gross_pnl", "costs")
# Listed strikes either side of the ideal one compared by the target-delta rule.
_DELTA_SEARCH_STRIKES = 2
#: Bars priced at first while a stop or take-profit is searched for; each further chunk is twice as long.
_FIRST_CHUNK = 64


class Pricer:
    """Option values in points per contract, vectorized over bars and trades.

    ``expiry_day`` is on the clock of :attr:`Market.day` (:meth:`Market.expiry_day`), or NaN for the
    article's options that never expire; those are priced as one-year options, so they carry time value
    but never decay.
    """

    def __init__(self, settings: BacktestSettings, market: Market):
        self.s, self.m = settings, market

    def years(self, bars: np.ndarray, expiry_day: np.ndarray) -> np.ndarray:
        days = np.where(np.isnan(expiry_day), 365.0, expiry_day - self.m.day[bars])
        return np.maximum(days, 0.0) / 365.0

    def model(self, bars: np.ndarray, futures: np.ndarray, strike, expiry_day, sign, vol=None) -> np.ndarray:
        vol = self.m.vol[bars] if vol is None else vol
        return np.asarray(price_option(futures, strike, self.years(bars, expiry_day), self.s.rate, vol,
                                       np.asarray(sign) > 0, style=self.s.exercise), dtype=float)

    def mark(self, bars: np.ndarray, futures: np.ndarray, strike, expiry_day, sign, vol=None) -> np.ndarray:
        """Value of an open option at the given bars and futures prices (intrinsic or model); ``vol``
        defaults to each bar's closing volatility."""
        if self.s.mark == "intrinsic":
            return intrinsic_value(sign, futures, strike)
        return self.model(bars, futures, strike, expiry_day, sign, vol)

    def entry_mid(self, bars: np.ndarray, strike: np.ndarray, expiry_day: np.ndarray, sign: np.ndarray) -> np.ndarray:
        """Mid premium at entry, points: the fixed premium or the model price at the fill price."""
        if self.s.pricing == "fixed":
            return np.full(len(bars), self.s.fixed_premium_points)
        return self.model(bars, self.m.fill[bars], strike, expiry_day, sign, self.m.fill_vol[bars])

    def strike(self, bars: np.ndarray, expiry_day: np.ndarray, sign: np.ndarray, interval: float) -> np.ndarray:
        """Strike chosen at each entry bar by the settings' rule, points."""
        futures = self.m.fill[bars]
        atm = nearest_strike(futures, interval)
        if self.s.strike == "atm":
            if self.s.pricing == "black76" and len(atm) and not atm.min() > 0:
                k = int(np.argmin(atm))
                column = "open_price" if self.s.fill_price == "open" else "futures_price"
                raise ValueError(
                    f"{column} is {futures[k]:g} at bar {int(bars[k])} ({self.m.times[bars[k]]}), at or below half the "
                    f"strike_interval ({interval:g} points), so its nearest strike is 0, which Black-76 cannot price; "
                    f"pass a strike_interval below {2 * futures[k]:g}, or check that {column} is in index points")
            return atm
        if self.s.strike == "offset":
            return np.maximum(atm + sign * self.s.strike_offset * interval, interval)
        # Invert Black-76's delta for the ideal strike, then pick the best listed strike next to it.
        years, vol = self.years(bars, expiry_day), self.m.fill_vol[bars]
        spread = vol * np.sqrt(np.maximum(years, 1e-8))
        target = np.clip(self.s.target_delta * np.exp(self.s.rate * years), 1e-6, 1 - 1e-6)
        d1 = sign * ndtri(target)
        ideal = futures * np.exp(-d1 * spread + 0.5 * spread**2)
        grid = nearest_strike(ideal, interval)[:, None] + interval * np.arange(-_DELTA_SEARCH_STRIKES, _DELTA_SEARCH_STRIKES + 1)
        grid = np.maximum(grid, interval)
        delta = black76_greeks(futures[:, None], grid, years[:, None], self.s.rate, vol[:, None], (sign > 0)[:, None]).delta
        pick = np.argmin(np.abs(np.abs(delta) - self.s.target_delta), axis=1)
        return grid[np.arange(len(bars)), pick]


def run_backtest(
    data: pd.DataFrame | PreparedMarket,
    settings: BacktestSettings = ARTICLE,
    *,
    short_sma_window: int = OI_SHORT_SMA_WINDOW,
    long_sma_window: int = OI_LONG_SMA_WINDOW,
    gradient_window: int = OI_GRADIENT_WINDOW,
    initial_cash: float = INITIAL_CASH,
    multiplier: float = FUTURES_MULTIPLIER,
    strike_interval: float = STRIKE_INTERVAL,
    periods_per_year: Optional[float] = None,
    statistics: bool = True,
) -> SimulationResult:
    """Backtest the OI crossover bot on ``data`` under ``settings``; returns a result with statistics.

    ``data`` is a market frame (``timestamp``, ``futures_price``, ``open_interest``; plus ``open_price``
    for open fills or a volatility column when the settings ask for them), or a
    :class:`~mesbook.engine.prepared.PreparedMarket` of one (what many runs on one market share is then computed
    once; the numbers are the same). Trade-log money columns are
    dollars: ``premium`` (paid per contract), ``gross_pnl`` (before costs), ``costs`` (commissions plus
    spread and slippage measured against the model mid) and ``pnl`` (= gross_pnl − costs);
    ``entry_premium``/``exit_premium`` are points per contract. ``stats`` is
    :func:`mesbook.metrics.compute_stats` of the run (``statistics=False`` skips it, for studies over many
    markets that only need the trades and the equity). ``periods_per_year`` — bars a year for realized
    volatility and the statistics; None: the data's own clock, :func:`mesbook.clock.bar_clock` (kept as the
    result's ``clock``, with ``describe()``; irregular spacing is noted in a ``ClockNote``). Windows are bars
    (``clock.window_text`` says how long they are on these data). The input frame is not modified.
    """
    check_settings(settings)
    windows = Windows(short_sma_window, long_sma_window, gradient_window)
    initial_cash = check_number("initial_cash", initial_cash)
    multiplier = check_number("multiplier", multiplier, strict=True)
    strike_interval = check_number("strike_interval", strike_interval, strict=True)
    ready = prepared(data)  # checked once; a tz-aware timestamp column converted on a new frame
    clock = run_clock(ready.stamps, settings, periods_per_year, statistics)
    codes = ready.decisions(settings, windows)
    executed = delay_codes(codes, settings.fill_delay)  # the signal of bar t is acted on at bar t + fill_delay
    market = ready.arrays(settings, clock.periods_per_year if clock else None)
    columns, unrealized = _trade_loop(executed, market, settings, initial_cash, multiplier, strike_interval)
    equity = pd.Series(equity_curve(columns["exit_bar"], columns["pnl"], unrealized, initial_cash),
                       index=pd.Index(market.times, name="timestamp"), name="equity")
    # The trade log is a frame when read (or for the statistics): many-run studies read P&L and trade_count.
    trades = _trade_frame(columns, market) if statistics else DeferredFrame(partial(_trade_frame, columns, market),
                                                                            len(columns["pnl"]))
    stats = compute_stats(equity, trades, prices=pd.Series(market.close, index=equity.index),
                          periods_per_year=clock.periods_per_year, initial_cash=initial_cash) if statistics else None
    return SimulationResult(
        final_value=float(equity.iloc[-1]),
        trades=trades,
        equity=equity,
        initial_cash=initial_cash,
        signal_counts=count_signals(codes),
        total_costs=float(columns["costs"].sum()),
        stats=stats,
        clock=clock,
        windows=windows,
    )


def run_clock(timestamps: pd.Series, settings: BacktestSettings, periods_per_year: Optional[float],
              statistics: bool = True) -> Optional[BarClock]:
    """The clock a run annualizes with: :func:`mesbook.clock.bar_clock` of the bars' ``timestamps``
    (``periods_per_year`` overriding its bars a year), or None when nothing in the run is annualized (no
    statistics, no realized volatility) and no year was given."""
    if periods_per_year is None and not statistics and settings.volatility != "realized":
        return None
    return bar_memo.clock_of(timestamps, periods_per_year)  # bar_clock, once per distinct stamps


@dataclass(frozen=True)
class _Plan:
    """What each signal event would do if it opened a trade, computed for all events at once."""

    strike: np.ndarray
    expiry_day: np.ndarray
    entry_mid: np.ndarray
    exit_bar: np.ndarray
    reason: np.ndarray
    exit_mid: np.ndarray


def _plan_events(events: np.ndarray, signs: np.ndarray, pricer: Pricer, interval: float, n: int) -> _Plan:
    """Strike, expiry, entry price and scheduled exit (next opposite signal, expiry or last bar) per event.

    An expiry and an opposite signal on the same bar: the option settles ("expiry"), and the signal opens
    the next trade on that bar.
    """
    s, m = pricer.s, pricer.m
    change = np.flatnonzero(np.r_[signs[1:] != signs[:-1], True])
    next_opposite = change[np.searchsorted(change, np.arange(len(events)))] + 1
    has_opposite = next_opposite < len(events)
    exit_bar = np.where(has_opposite, events[np.minimum(next_opposite, len(events) - 1)], n - 1)
    reason = np.where(has_opposite, "signal", "end").astype(object)
    expiry_day = np.full(len(events), np.nan)
    if s.expiry_cycle and len(events):
        every_day, every_settle = _expiry_schedule(m, s.min_days_to_expiry, s.expiry_cycle)
        expiry_day, settle_bar = every_day[events], every_settle[events]  # copies of the memo's arrays
        expires = (settle_bar >= 0) & (settle_bar <= exit_bar)  # the data reach the expiry moment
        exit_bar = np.where(expires, settle_bar, exit_bar)
        reason[expires] = "expiry"
    strike = pricer.strike(events, expiry_day, signs, interval)
    entry_mid = pricer.entry_mid(events, strike, expiry_day, signs)
    at_fill = reason == "signal"
    futures = np.where(at_fill, m.fill[exit_bar], m.close[exit_bar])
    exit_mid = pricer.mark(exit_bar, futures, strike, expiry_day, signs, np.where(at_fill, m.fill_vol[exit_bar], m.vol[exit_bar]))
    settled = reason == "expiry"
    exit_mid[settled] = intrinsic_value(signs[settled], futures[settled], strike[settled])
    return _Plan(strike, expiry_day, entry_mid, exit_bar, reason, exit_mid)


def _expiry_schedule(m: Market, min_days: int, cycle: str) -> tuple[np.ndarray, np.ndarray]:
    """Per bar, the expiry an entry there would buy (on the clock of :attr:`Market.day`) and the bar it
    settles in (-1 past the data); decided by the timestamps alone, so memoized on them (:mod:`.bar_memo`)."""
    def compute() -> tuple[np.ndarray, np.ndarray]:
        expiry = first_expiry_after(m.times, pd.Timedelta(days=min_days), cycle)
        return m.expiry_day(expiry, cycle), settlement_bars(m.times, expiry, cycle)
    return bar_memo.EXPIRIES.get((times_key(m.times), min_days, cycle), compute)


def _trade_loop(
    executed: np.ndarray, m: Market, s: BacktestSettings, initial_cash: float, multiplier: float, interval: float
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Open and close options event by event; returns (trade log columns, unrealized P&L per bar in dollars).

    Everything that does not depend on the account (strikes, prices, scheduled exits) is computed for all
    events up front (:func:`_plan_events`). Without exit rules, a drawdown switch or equity sizing, each
    trade exits as planned, so the trades chain from one plan to the next and the account only has to
    pay for them: :func:`_chained_trades`, on arrays. Otherwise :func:`_account_trades` keeps the books
    trade by trade. Either gives the trade log's columns as arrays (:func:`_trade_frame` makes the frame).
    """
    n = len(executed)
    events = np.flatnonzero(executed[: n - 1] != 0)
    signs = np.where(executed[events] == 1, 1, -1)
    pricer = Pricer(s, m)
    plan = _plan_events(events, signs, pricer, interval, n)
    if s.position == "scale_in":
        columns = _scale_in_trades(events, signs, plan, m, s, multiplier)
    else:
        columns = _chained_trades(events, signs, plan, m, s, initial_cash, multiplier)
        if columns is None:
            columns = _account_trades(events, signs, plan, pricer, s, initial_cash, multiplier)
    return columns, _unrealized(columns, pricer, n, multiplier)


def _chained_trades(events: np.ndarray, signs: np.ndarray, plan: _Plan, m: Market, s: BacktestSettings,
                    initial_cash: float, multiplier: float) -> Optional[dict[str, np.ndarray]]:
    """The trades of ``position="single"`` when every one exits as planned, on arrays; None when the
    account decides more than whether a trade is paid for (exit rules, the drawdown switch, equity
    sizing) or when some trade is not (then :func:`_account_trades` keeps the books).

    A trade opens at an event whose size is at least one contract; the next opens at the first such event
    at or after its exit bar (and after it). The walk from one trade to the next is a loop over trades on
    integers; prices and P&L are computed for all trades at once, as :func:`_account_trades` computes them
    one at a time (the same operations, so the same floats; cash is a running sum in the same order).
    """
    if (s.stop_loss is not None or s.take_profit is not None or s.underlying_stop_points is not None
            or s.max_drawdown is not None or s.equity_fraction is not None):
        return None
    fee = s.commission.per_side
    paid = np.asarray(buy_price(s, plan.entry_mid), dtype=float)
    contracts = np.array([contracts_to_buy(s, initial_cash, cost, fee) for cost in (paid * multiplier).tolist()],
                         dtype=np.int64)
    count = len(events)
    # next_sized[i]: the first event at or after i that buys at least one contract (count if none)
    sized = np.flatnonzero(contracts >= 1)
    next_sized = np.r_[sized, count][np.searchsorted(sized, np.arange(count + 1))].tolist()
    after = np.maximum(np.arange(1, count + 1), np.searchsorted(events, plan.exit_bar, side="left")).tolist()
    taken: list[int] = []
    i = next_sized[0]
    while i < count:
        taken.append(i)
        i = next_sized[after[i]]
    k = np.asarray(taken, dtype=np.int64)
    paid_k, contracts_k = paid[k], contracts[k]
    outlay = contracts_k * (paid_k * multiplier + fee)
    reason = plan.reason[k]
    received, pnl, costs = _exit_terms(s, reason, plan.entry_mid[k], paid_k, plan.exit_mid[k], contracts_k, multiplier)
    cash_before = np.cumsum(np.r_[initial_cash, pnl])[:-1]  # the loop's running sum, in its order
    if np.any(cash_before < outlay):
        return None
    exit_bar = plan.exit_bar[k]
    return _columns(entry_bar=events[k], exit_bar=exit_bar, sign=signs[k], strike=plan.strike[k],
                    entry_price=m.fill[events[k]], exit_price=np.where(reason == "signal", m.fill[exit_bar], m.close[exit_bar]),
                    premium=paid_k * multiplier, pnl=pnl, contracts=contracts_k, expiry_day=plan.expiry_day[k],
                    exit_reason=reason, entry_premium=paid_k, exit_premium=received, gross_pnl=pnl + costs,
                    costs=costs, outlay=outlay)


def _account_trades(events: np.ndarray, signs: np.ndarray, plan: _Plan, pricer: Pricer, s: BacktestSettings,
                    initial_cash: float, multiplier: float) -> dict[str, np.ndarray]:
    """The trades of ``position="single"``, keeping the books trade by trade (a loop over trades).

    The loop keeps the cash and the drawdown switch and watches each trade it opens. A stop or
    take-profit is searched for in chunks of bars that double in length, so a trade's bars are priced
    about once (at most twice) however far its scheduled exit lies; the drawdown switch reads the marked
    equity of the bars each trade is held (:func:`mesbook.engine.rules.drawdown_halted`).
    """
    m = pricer.m
    fee = s.commission.per_side
    rows: list[tuple] = []
    cash, realized = initial_cash, 0.0
    watch = _DrawdownWatch(s)
    flat_from = 0  # from this bar on the account is flat (equity = initial_cash + realized) until the next entry
    i = 0
    while i < len(events):
        bar, sign = int(events[i]), int(signs[i])
        if bar > flat_from and watch.sees(np.array([initial_cash + realized])):
            break
        if watch.halted:
            break
        mid, strike, expiry_day = float(plan.entry_mid[i]), float(plan.strike[i]), float(plan.expiry_day[i])
        paid = buy_price(s, mid)
        contracts = contracts_to_buy(s, cash, paid * multiplier, fee)
        outlay = contracts * (paid * multiplier + fee)
        if contracts < 1 or cash < outlay:
            i += 1
            continue
        exit_bar, reason, exit_mid = int(plan.exit_bar[i]), str(plan.reason[i]), float(plan.exit_mid[i])
        held = _watch_trade(s, pricer, bar, exit_bar, strike, expiry_day, sign, paid)
        if held.trigger is not None:
            exit_bar, reason, exit_mid = held.trigger
        if s.max_drawdown is not None and exit_bar > bar:
            watch.sees((initial_cash + realized) + (contracts * held.marks[: exit_bar - bar] * multiplier - outlay))
        received, pnl, costs = (float(x) for x in _exit_terms(s, reason, mid, paid, exit_mid, contracts, multiplier))
        cash += pnl
        realized += pnl
        flat_from = exit_bar
        exit_price = m.fill[exit_bar] if reason == "signal" else m.close[exit_bar]
        rows.append((bar, exit_bar, sign, strike, m.fill[bar], exit_price, paid * multiplier, pnl, contracts,
                     expiry_day, reason, paid, received, pnl + costs, costs, outlay))
        i = max(i + 1, int(np.searchsorted(events, exit_bar, side="left")))
    return _columns(**{name: [row[j] for row in rows] for j, name in enumerate(_ROW_FIELDS)})


class _DrawdownWatch:
    """The drawdown switch's view of the equity curve: its running peak, and whether it has tripped."""

    def __init__(self, s: BacktestSettings):
        self.s, self.peak, self.halted = s, -np.inf, False

    def sees(self, equity: np.ndarray) -> bool:
        """Take in the curve's next values (dollars, consecutive closes); True once the switch has tripped."""
        if self.s.max_drawdown is None or self.halted or not len(equity):
            return self.halted
        peaks = np.maximum.accumulate(np.r_[self.peak, equity])[1:]
        self.peak = float(peaks[-1])
        self.halted = bool(np.any(drawdown_halted(self.s, peaks, equity)))
        return self.halted


@dataclass(frozen=True)
class _Held:
    """What watching one trade found: its marks from the entry bar on (points; at least up to its exit
    when the drawdown switch is on) and the ``(exit bar, reason, exit mid)`` of a rule that fired."""

    marks: np.ndarray
    trigger: Optional[tuple[int, str, float]]


def _watch_trade(s: BacktestSettings, pricer: Pricer, bar: int, planned: int, strike: float, expiry_day: float,
                 sign: int, paid: float) -> _Held:
    """Mark one trade on its bars ``bar .. planned − 1`` and look for the first stop or take-profit.

    The rules look at the closes strictly between the entry and the planned exit. Without them the bars
    are marked in one call (only when the drawdown switch needs the marks); with them, in chunks of
    :data:`_FIRST_CHUNK`, 2×, 4×, … bars until a rule fires or the planned exit is reached.
    """
    m = pricer.m
    rules = s.stop_loss is not None or s.take_profit is not None or s.underlying_stop_points is not None
    need_marks = s.stop_loss is not None or s.take_profit is not None or s.max_drawdown is not None
    empty = np.empty(0)
    if not rules:
        if not need_marks or planned <= bar:
            return _Held(empty, None)
        bars = np.arange(bar, planned)
        return _Held(np.asarray(pricer.mark(bars, m.close[bars], strike, expiry_day, sign), dtype=float), None)
    parts: list[np.ndarray] = []
    start, size = bar, _FIRST_CHUNK
    while start < planned:
        stop = min(planned, start + size)
        bars = np.arange(start, stop)
        marks = (np.asarray(pricer.mark(bars, m.close[bars], strike, expiry_day, sign), dtype=float) if need_marks
                 else np.zeros(len(bars)))
        parts.append(marks)
        watched = bars > bar  # the rules start at the close after the entry
        hit = first_trigger(s, marks[watched] if need_marks else None, paid,
                            sign * (m.close[bars[watched]] - m.fill[bar]))
        if hit is not None:
            offset = int(np.flatnonzero(watched)[hit[0]])
            exit_bar = int(bars[offset])
            exit_mid = float(marks[offset]) if need_marks else float(
                pricer.mark(np.array([exit_bar]), m.close[[exit_bar]], strike, expiry_day, sign)[0])
            return _Held(np.concatenate(parts), (exit_bar, hit[1], exit_mid))
        start, size = stop, 2 * size
    return _Held(np.concatenate(parts) if parts else empty, None)


def segment_bars(starts: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Expand segments (first bar, number of bars) into ``(segment index, bar)`` per element, in order:
    segment ``i`` contributes bars ``starts[i], ..., starts[i] + lengths[i] − 1``."""
    lengths = np.asarray(lengths, dtype=np.int64)
    k = np.repeat(np.arange(len(lengths)), lengths)
    offsets = np.cumsum(lengths) - lengths
    return k, np.arange(int(lengths.sum())) - offsets[k] + np.asarray(starts, dtype=np.int64)[k]


def _unrealized(trades: dict[str, np.ndarray], pricer: Pricer, n: int, multiplier: float) -> np.ndarray:
    """Per bar, the open trades' marked value minus what they cost, dollars (0 when flat); ``trades`` is
    the trade log's columns (:func:`_columns`)."""
    unrealized = np.zeros(n)
    k, bars = segment_bars(trades["entry_bar"], trades["exit_bar"] - trades["entry_bar"])
    if not len(bars):
        return unrealized
    per_bar = {name: trades[name].astype(float)[k] for name in ("strike", "expiry_day", "contracts", "outlay")}
    sign = np.where(trades["sign"] > 0, 1, -1)[k]
    marks = pricer.mark(bars, pricer.m.close[bars], per_bar["strike"], per_bar["expiry_day"], sign)
    np.add.at(unrealized, bars, per_bar["contracts"] * marks * multiplier - per_bar["outlay"])  # overlaps add up
    return unrealized


def _scale_in_trades(events: np.ndarray, signs: np.ndarray, plan: _Plan, m: Market, s: BacktestSettings,
                     multiplier: float) -> dict[str, np.ndarray]:
    """``position="scale_in"``: every event opens ``s.contracts`` options, each exiting as planned.

    No account is kept (cash is not checked), so no loop is needed: each event's trade is its plan.
    """
    paid = buy_price(s, plan.entry_mid)
    outlay = s.contracts * (paid * multiplier + s.commission.per_side)
    received, pnl, costs = _exit_terms(s, plan.reason, plan.entry_mid, paid, plan.exit_mid, s.contracts, multiplier)
    exit_price = np.where(plan.reason == "signal", m.fill[plan.exit_bar], m.close[plan.exit_bar])
    return _columns(entry_bar=events, exit_bar=plan.exit_bar, sign=signs, strike=plan.strike, entry_price=m.fill[events],
                    exit_price=exit_price, premium=paid * multiplier, pnl=pnl, contracts=np.full(len(events), s.contracts),
                    expiry_day=plan.expiry_day, exit_reason=plan.reason, entry_premium=paid, exit_premium=received,
                    gross_pnl=pnl + costs, costs=costs, outlay=outlay)


def _exit_terms(s: BacktestSettings, reason, mid, paid, exit_mid, contracts, multiplier: float):
    """(premium received in points, net P&L in dollars, costs in dollars) of trades closing for ``reason``.

    An expiring option settles at ``exit_mid`` (its intrinsic value) with no spread, and no fee when it is
    worthless; any other exit sells at :func:`sell_price`. Costs are fees plus what the fills gave away
    against the model mid on both sides. Scalars or arrays.
    """
    fee = s.commission.per_side
    expired = np.asarray(reason) == "expiry"
    received = np.where(expired, exit_mid, sell_price(s, exit_mid))
    exit_fee = np.where(expired & (np.asarray(exit_mid) <= 0), 0.0, fee)
    pnl = contracts * (received * multiplier - exit_fee) - contracts * (paid * multiplier + fee)
    costs = contracts * (fee + exit_fee + ((paid - mid) + (exit_mid - received)) * multiplier)
    return received, pnl, costs


def buy_price(s: BacktestSettings, mid: float | np.ndarray) -> float | np.ndarray:
    """Premium paid per option, points: the mid plus half the spread and the slippage, in ticks of the
    mid's premium (:meth:`BacktestSettings.tick`), rounded up to a quotable price when ``s.round_to_tick``."""
    price = mid + (s.half_spread_ticks + s.slippage_ticks) * s.tick(mid)
    return s.round_premium(price, "up") if s.round_to_tick else price


def sell_price(s: BacktestSettings, mid: float | np.ndarray) -> float | np.ndarray:
    """Premium received per option, points: the mid less half the spread and the slippage, in ticks of
    the mid's premium, rounded down to a quotable price when ``s.round_to_tick``, never below 0."""
    price = mid - (s.half_spread_ticks + s.slippage_ticks) * s.tick(mid)
    if s.round_to_tick:
        price = s.round_premium(price, "down")
    return np.maximum(price, 0.0)


_ROW_FIELDS = ("entry_bar", "exit_bar", "sign", "strike", "entry_price", "exit_price", "premium", "pnl", "contracts",
               "expiry_day", "exit_reason", "entry_premium", "exit_premium", "gross_pnl", "costs", "outlay")


_INTEGER_FIELDS = ("entry_bar", "exit_bar", "sign", "contracts")


def _columns(**fields) -> dict[str, np.ndarray]:
    """The trade log's columns as arrays (:data:`_ROW_FIELDS`): bars, signs and contracts int64, the
    exit reason as objects, every other field float (dollars or points)."""
    def array(name: str, values) -> np.ndarray:
        if name == "exit_reason":
            return np.asarray(values, dtype=object)
        return np.asarray(values, dtype=np.int64 if name in _INTEGER_FIELDS else float)
    return {name: array(name, fields[name]) for name in _ROW_FIELDS}


def _trade_frame(columns: dict[str, np.ndarray], m: Market) -> pd.DataFrame:
    """The trade log, one frame made from its columns: the article's, the engine's, two bookkeeping ones."""
    entry, exit_, stamps = columns["entry_bar"], columns["exit_bar"], m.times.values  # numpy: no index built
    return pd.DataFrame({
        "entry_time": stamps[entry], "exit_time": stamps[exit_], "entry_bar": entry, "exit_bar": exit_,
        "option_type": np.where(columns["sign"] > 0, "CALL", "PUT"),
        **{c: columns[c] for c in ("strike", "entry_price", "exit_price", "premium", "pnl", "contracts")},
        "expiry": expiry_stamps(columns["expiry_day"]),
        "exit_reason": columns["exit_reason"],
        **{c: columns[c] for c in ("entry_premium", "exit_premium", "gross_pnl", "costs", "expiry_day", "outlay")},
    })
