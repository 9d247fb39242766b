"""The backtest with every switch: the article's bot, or an honest version of it, or anything between.

:func:`run_backtest` takes a market frame and a :class:`~mesbook.engine.settings.BacktestSettings`. With
``ARTICLE`` it reproduces :func:`mesbook.run_trading_simulation` (tested); with ``REALISTIC`` it trades
on information it could have had, at prices it could have paid. Money is in dollars, prices in index
points. The loop runs over trades, not bars: each trade's bars are priced in one vectorized call.
"""
from __future__ import annotations

from dataclasses import dataclass
import numpy as np
import pandas as pd
from scipy.special import ndtri

from ..article.simulation import equity_curve
from ..options.calendar import select_expiry
from ..constants import (
    FUTURES_MULTIPLIER,
    INITIAL_CASH,
    OI_GRADIENT_WINDOW,
    OI_LONG_SMA_WINDOW,
    OI_SHORT_SMA_WINDOW,
    STRIKE_INTERVAL,
    TRADING_DAYS,
)
from ..article.contract import get_atm_strike, intrinsic_value
from ..metrics import compute_stats
from ..options.greeks import black76_greeks
from ..options.pricing import price_option
from ..results import TRADE_COLUMNS, SimulationResult, count_signals
from .decisions import decision_codes
from .rules import contracts_to_buy, drawdown_halted, first_trigger
from .settings import ARTICLE, BacktestSettings, check_settings
from ..article.signals import delay_codes
from ..validation import check_frame, check_number, check_windows
from ..options.volatility import realized_volatility

#: Extra trade-log columns of :func:`run_backtest` (beyond the article's).
ENGINE_COLUMNS: tuple[str, ...] = ("contracts", "expiry", "exit_reason", "entry_premium", "exit_premium",
                                   "gross_pnl", "costs")
# Listed strikes either side of the ideal one compared by the target-delta rule.
_DELTA_SEARCH_STRIKES = 2


@dataclass(frozen=True)
class Market:
    """Per-bar arrays the trade loop reads (prices in points, vol per year, day numbers)."""

    close: np.ndarray
    fill: np.ndarray
    vol: np.ndarray
    fill_vol: np.ndarray
    day: np.ndarray
    times: pd.DatetimeIndex


def market_arrays(data: pd.DataFrame, settings: BacktestSettings, periods_per_year: float) -> Market:
    close = data["futures_price"].to_numpy(dtype=float)
    if settings.fill_price == "open":
        check_frame(data, positive=("open_price",), timestamp=False)
        fill = data["open_price"].to_numpy(dtype=float)
    else:
        fill = close
    if settings.volatility == "column":
        check_frame(data, positive=(settings.vol_column,), timestamp=False)
        vol = data[settings.vol_column].to_numpy(dtype=float)
    elif settings.volatility == "realized":
        vol = realized_volatility(close, settings.vol_window, periods_per_year)
        vol = np.where(np.isfinite(vol) & (vol > 0), vol, settings.constant_vol)  # warm-up: the constant
    else:
        vol = np.full(len(close), settings.constant_vol)
    # An open fill cannot know the bar's own close: it prices with the volatility known the bar before.
    fill_vol = np.r_[settings.constant_vol, vol[:-1]] if settings.fill_price == "open" else vol
    # Options trade at implied volatility: the estimate scaled by the variance risk premium (if any).
    vol, fill_vol = settings.implied_vol(vol), settings.implied_vol(fill_vol)
    times = pd.DatetimeIndex(data["timestamp"])
    day = times.values.astype("datetime64[D]").astype(np.int64)
    return Market(close, fill, vol, fill_vol, day, times)


class Pricer:
    """Option values in points per contract, vectorized over bars and trades.

    ``expiry_day`` is a day number (days since 1970-01-01), or NaN for the article's options that never
    expire; those are priced as one-year options, so they carry time value but never decay.
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
        atm = get_atm_strike(futures, interval)
        if self.s.strike == "atm":
            return atm
        if self.s.strike == "offset":
            return np.maximum(atm + sign * self.s.strike_offset * interval, interval)
        # Invert Black-76's delta for the ideal strike, then pick the best listed strike next to it.
        years, vol = self.years(bars, expiry_day), self.m.fill_vol[bars]
        spread = vol * np.sqrt(np.maximum(years, 1e-8))
        target = np.clip(self.s.target_delta * np.exp(self.s.rate * years), 1e-6, 1 - 1e-6)
        d1 = sign * ndtri(target)
        ideal = futures * np.exp(-d1 * spread + 0.5 * spread**2)
        grid = get_atm_strike(ideal, interval)[:, None] + interval * np.arange(-_DELTA_SEARCH_STRIKES, _DELTA_SEARCH_STRIKES + 1)
        grid = np.maximum(grid, interval)
        delta = black76_greeks(futures[:, None], grid, years[:, None], self.s.rate, vol[:, None], (sign > 0)[:, None]).delta
        pick = np.argmin(np.abs(np.abs(delta) - self.s.target_delta), axis=1)
        return grid[np.arange(len(bars)), pick]


def run_backtest(
    data: pd.DataFrame,
    settings: BacktestSettings = ARTICLE,
    *,
    short_sma_window: int = OI_SHORT_SMA_WINDOW,
    long_sma_window: int = OI_LONG_SMA_WINDOW,
    gradient_window: int = OI_GRADIENT_WINDOW,
    initial_cash: float = INITIAL_CASH,
    multiplier: float = FUTURES_MULTIPLIER,
    strike_interval: float = STRIKE_INTERVAL,
    periods_per_year: float = TRADING_DAYS,
    statistics: bool = True,
) -> SimulationResult:
    """Backtest the OI crossover bot on ``data`` under ``settings``; returns a result with statistics.

    ``data`` is a market frame (``timestamp``, ``futures_price``, ``open_interest``; plus ``open_price``
    for open fills or a volatility column when the settings ask for them). Trade-log money columns are
    dollars: ``premium`` (paid per contract), ``gross_pnl`` (before costs), ``costs`` (commissions plus
    spread and slippage measured against the model mid) and ``pnl`` (= gross_pnl − costs);
    ``entry_premium``/``exit_premium`` are points per contract. ``stats`` is
    :func:`mesbook.metrics.compute_stats` of the run (``statistics=False`` skips it, for studies over many
    markets that only need the trades and the equity). The input frame is not modified.
    """
    check_settings(settings)
    check_windows(short_sma_window, long_sma_window, gradient_window)
    initial_cash = check_number("initial_cash", initial_cash)
    multiplier = check_number("multiplier", multiplier, strict=True)
    strike_interval = check_number("strike_interval", strike_interval, strict=True)
    check_frame(data, positive=("futures_price", "open_interest"))

    codes = decision_codes(data, settings, short_sma_window, long_sma_window, gradient_window)
    executed = delay_codes(codes, settings.fill_delay)  # the signal of bar t is acted on at bar t + fill_delay
    market = market_arrays(data, settings, periods_per_year)
    trades, unrealized = _trade_loop(executed, market, settings, initial_cash, multiplier, strike_interval)
    equity = pd.Series(equity_curve(trades["exit_bar"].to_numpy(), trades["pnl"].to_numpy(), unrealized, initial_cash),
                       index=pd.Index(market.times, name="timestamp"), name="equity")
    stats = compute_stats(equity, trades, prices=pd.Series(market.close, index=equity.index),
                          periods_per_year=periods_per_year, initial_cash=initial_cash) if statistics else None
    return SimulationResult(
        final_value=float(equity.iloc[-1]),
        trades=trades,
        equity=equity,
        initial_cash=initial_cash,
        signal_counts=count_signals(codes),
        total_costs=float(trades["costs"].sum()),
        stats=stats,
    )


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
    """Strike, expiry, entry price and scheduled exit (next opposite signal, expiry or last bar) per event."""
    s, m = pricer.s, pricer.m
    change = np.flatnonzero(np.r_[signs[1:] != signs[:-1], True])
    next_opposite = change[np.searchsorted(change, np.arange(len(events)))] + 1
    has_opposite = next_opposite < len(events)
    exit_bar = np.where(has_opposite, events[np.minimum(next_opposite, len(events) - 1)], n - 1)
    reason = np.where(has_opposite, "signal", "end").astype(object)
    expiry_day = np.full(len(events), np.nan)
    if s.expiry_cycle:
        expiry = select_expiry(m.times[events], s.min_days_to_expiry, s.expiry_cycle)
        expiry_day = expiry.values.astype("datetime64[D]").astype(np.int64).astype(float)
        # Settle at the last close on or before the expiry date (a holiday or a gap has no bar that day).
        first_after = np.searchsorted(m.day, expiry_day, side="left")
        on_the_day = m.day[np.minimum(first_after, n - 1)] == expiry_day
        settle_bar = np.maximum(np.where(on_the_day, first_after, first_after - 1), events + 1)
        expires = (first_after < n) & (settle_bar <= exit_bar)
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


def _trade_loop(
    executed: np.ndarray, m: Market, s: BacktestSettings, initial_cash: float, multiplier: float, interval: float
) -> tuple[pd.DataFrame, np.ndarray]:
    """Open and close options event by event; returns (trade log, unrealized P&L per bar in dollars).

    Everything that does not depend on the account (strikes, prices, scheduled exits) is computed for all
    events up front, so the loop only keeps the books. Rules that watch the option between entry and exit
    (stop-loss, take-profit, the drawdown switch) need every event's option marked on its bars, which is
    also done up front, in one call; the loop then only slices.
    """
    n = len(executed)
    events = np.flatnonzero(executed[: n - 1] != 0)
    signs = np.where(executed[events] == 1, 1, -1)
    pricer = Pricer(s, m)
    plan = _plan_events(events, signs, pricer, interval, n)
    if s.position == "scale_in":
        trades = _scale_in_trades(events, signs, plan, m, s, multiplier)
        return trades, _unrealized(trades, pricer, n, multiplier)
    watch_value = s.stop_loss is not None or s.take_profit is not None or s.max_drawdown is not None
    watch_path = watch_value or s.underlying_stop_points is not None
    if watch_value:
        all_marks, offsets = _held_marks(events, signs, plan, pricer)
    fee = s.commission.per_side
    rows: list[tuple] = []
    cash = peak = initial_cash
    i = 0
    while i < len(events):
        if drawdown_halted(s, peak, cash):
            break
        bar, sign = int(events[i]), int(signs[i])
        mid, strike, expiry_day = float(plan.entry_mid[i]), float(plan.strike[i]), float(plan.expiry_day[i])
        paid = buy_price(s, mid)
        contracts = contracts_to_buy(s, cash, paid * multiplier, fee)
        outlay = contracts * (paid * multiplier + fee)
        if contracts < 1 or cash < outlay:
            i += 1
            continue
        exit_bar, reason, exit_mid = int(plan.exit_bar[i]), str(plan.reason[i]), float(plan.exit_mid[i])
        if watch_path:
            bars = np.arange(bar + 1, exit_bar)
            marks = all_marks[offsets[i]:offsets[i + 1]] if watch_value else None
            trigger = first_trigger(s, marks, paid, sign * (m.close[bars] - m.fill[bar]))
            if trigger is not None:
                exit_bar, reason = bar + 1 + trigger[0], trigger[1]
                exit_mid = float(marks[trigger[0]]) if marks is not None else float(
                    pricer.mark(np.array([exit_bar]), m.close[[exit_bar]], strike, expiry_day, sign)[0])
            if marks is not None and len(marks):
                held = marks[: exit_bar - bar - 1]
                peak = max(peak, cash + contracts * float(held.max(initial=0.0)) * multiplier - outlay)
        received, pnl, costs = (float(x) for x in _exit_terms(s, reason, mid, paid, exit_mid, contracts, multiplier))
        peak = max(peak, cash + pnl)
        cash += pnl
        exit_price = m.fill[exit_bar] if reason == "signal" else m.close[exit_bar]
        rows.append((bar, exit_bar, sign, strike, m.fill[bar], exit_price, paid * multiplier, pnl, contracts,
                     expiry_day, reason, paid, received, pnl + costs, costs, outlay))
        i = int(np.searchsorted(events, exit_bar, side="left"))
    trades = _trade_frame(rows, m)
    return trades, _unrealized(trades, pricer, n, multiplier)


def segment_bars(starts: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Expand segments (first bar, number of bars) into ``(segment index, bar)`` per element, in order:
    segment ``i`` contributes bars ``starts[i], ..., starts[i] + lengths[i] − 1``."""
    lengths = np.asarray(lengths, dtype=np.int64)
    k = np.repeat(np.arange(len(lengths)), lengths)
    offsets = np.cumsum(lengths) - lengths
    return k, np.arange(int(lengths.sum())) - offsets[k] + np.asarray(starts, dtype=np.int64)[k]


def _held_marks(events: np.ndarray, signs: np.ndarray, plan: _Plan, pricer: Pricer) -> tuple[np.ndarray, np.ndarray]:
    """Marks (points) of each event's option at the closes strictly between its entry and planned exit,
    concatenated, with offsets: event ``i``'s marks are ``marks[offsets[i]:offsets[i + 1]]``."""
    lengths = np.maximum(plan.exit_bar - events - 1, 0)
    k, bars = segment_bars(events + 1, lengths)
    marks = pricer.mark(bars, pricer.m.close[bars], plan.strike[k], plan.expiry_day[k], signs[k])
    return np.asarray(marks, dtype=float), np.r_[0, np.cumsum(lengths)]


def _unrealized(trades: pd.DataFrame, pricer: Pricer, n: int, multiplier: float) -> np.ndarray:
    """Per bar, the open trades' marked value minus what they cost, dollars (0 when flat)."""
    unrealized = np.zeros(n)
    k, bars = segment_bars(trades["entry_bar"].to_numpy(), (trades["exit_bar"] - trades["entry_bar"]).to_numpy())
    if not len(bars):
        return unrealized
    per_bar = {name: trades[name].to_numpy(dtype=float)[k] for name in ("strike", "expiry_day", "contracts", "outlay")}
    sign = np.where(trades["option_type"].to_numpy() == "CALL", 1, -1)[k]
    marks = pricer.mark(bars, pricer.m.close[bars], per_bar["strike"], per_bar["expiry_day"], sign)
    np.add.at(unrealized, bars, per_bar["contracts"] * marks * multiplier - per_bar["outlay"])  # overlaps add up
    return unrealized


def _scale_in_trades(events: np.ndarray, signs: np.ndarray, plan: _Plan, m: Market, s: BacktestSettings,
                     multiplier: float) -> pd.DataFrame:
    """``position="scale_in"``: every event opens ``s.contracts`` options, each exiting as planned.

    No account is kept (cash is not checked), so no loop is needed: each event's trade is its plan.
    """
    paid = buy_price(s, plan.entry_mid)
    outlay = s.contracts * (paid * multiplier + s.commission.per_side)
    received, pnl, costs = _exit_terms(s, plan.reason, plan.entry_mid, paid, plan.exit_mid, s.contracts, multiplier)
    exit_price = np.where(plan.reason == "signal", m.fill[plan.exit_bar], m.close[plan.exit_bar])
    rows = list(zip(events, plan.exit_bar, signs, plan.strike, m.fill[events], exit_price, paid * multiplier, pnl,
                    np.full(len(events), s.contracts), plan.expiry_day, plan.reason, paid, received, pnl + costs, costs,
                    outlay))
    return _trade_frame(rows, m)


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


def _trade_frame(rows: list[tuple], m: Market) -> pd.DataFrame:
    """The trade log: the article's columns, then the engine's, then two bookkeeping columns."""
    raw = pd.DataFrame(rows, columns=list(_ROW_FIELDS))
    entry = raw["entry_bar"].to_numpy(dtype=np.int64)
    exit_ = raw["exit_bar"].to_numpy(dtype=np.int64)
    expiry_day = raw["expiry_day"].to_numpy(dtype=float)
    floats = {c: raw[c].to_numpy(dtype=float) for c in ("strike", "entry_price", "exit_price", "premium", "pnl",
                                                          "entry_premium", "exit_premium", "gross_pnl", "costs", "outlay")}
    frame = pd.DataFrame({
        "entry_time": m.times[entry], "exit_time": m.times[exit_], "entry_bar": entry, "exit_bar": exit_,
        "option_type": np.where(raw["sign"].to_numpy() > 0, "CALL", "PUT"),
        **floats,
        "contracts": raw["contracts"].to_numpy(dtype=np.int64),
        "expiry": pd.to_datetime(expiry_day, unit="D"),
        "exit_reason": raw["exit_reason"].to_numpy(dtype=object),
        "expiry_day": expiry_day,
    })
    return frame[list(TRADE_COLUMNS) + list(ENGINE_COLUMNS) + ["expiry_day", "outlay"]]
