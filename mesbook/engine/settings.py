"""One settings object for the backtest, with the article's choices and honest ones as presets.

``ARTICLE`` reproduces the article's script exactly; ``REALISTIC`` switches every simplification off.
Any single switch can be flipped with :meth:`BacktestSettings.replace`, which is how the book measures
what each simplification is worth.
"""
from __future__ import annotations

import dataclasses
import datetime as _dt
import math
from dataclasses import dataclass, field
from typing import Optional, Union

import numpy as np
import pandas as pd

from ..data.release import NextBusinessDay, ReleaseRule
from ..options.ticks import REDUCED_TICK, REGULAR_TICK, TICK_THRESHOLD, premium_tick, round_premium
from ..validation import check_int, check_number

WARMUP_MODES = ("fill_zero", "skip")
GRADIENT_MODES = ("centred", "lagged", "backward")
FILL_PRICES = ("close", "open")
PRICING_MODES = ("fixed", "black76")
MARK_MODES = ("intrinsic", "model")
EXERCISE_STYLES = ("european", "american")
VOLATILITY_SOURCES = ("constant", "realized", "column")
EXPIRY_CYCLES = (None, "quarterly", "monthly", "weekly")
STRIKE_RULES = ("atm", "offset", "delta")
POSITION_MODES = ("single", "scale_in")
#: Rules that watch one open position; "scale_in" holds several at once and refuses them.
SINGLE_POSITION_RULES = ("stop_loss", "take_profit", "underlying_stop_points", "max_drawdown", "equity_fraction",
                         "max_premium_at_risk")


@dataclass(frozen=True)
class Commission:
    """Fees per contract per side (opening or closing one option), dollars.

    The defaults are illustrative retail numbers for one MES option, not a quote: CME exchange fee
    $0.30, clearing and NFA regulatory fees $0.12, broker commission $0.50 — $0.92 a side.
    """

    exchange: float = 0.30
    clearing_nfa: float = 0.12
    broker: float = 0.50

    def __post_init__(self) -> None:
        for name in ("exchange", "clearing_nfa", "broker"):
            check_number(f"commission.{name}", getattr(self, name))

    @property
    def per_side(self) -> float:
        """All fees for one contract, one side, dollars."""
        return self.exchange + self.clearing_nfa + self.broker


NO_COMMISSION = Commission(0.0, 0.0, 0.0)


@dataclass(frozen=True)
class BacktestSettings:
    """Every switch of :func:`mesbook.run_backtest`. Defaults are the article's.

    Signals
        ``warmup`` — "fill_zero" (article: warm-up gaps become 0, a false crossover) or "skip" (no
        signal until every indicator exists). ``gradient`` — "centred" (article's ``numpy.gradient``,
        (OI[i+1] − OI[i−1]) / 2, reads the next bar), "lagged" (the same centred difference one bar late,
        (OI[i] − OI[i−2]) / 2: the article's two-bar span and scale, reading only the past) or "backward"
        ((OI[i] − OI[i−w]) / w over ``gradient_window`` = w bars). ``oi_lag`` — bars before an OI figure
        may be used (0: the bar it is dated, the article; 1: the next bar, whatever its length).
        ``oi_release`` — or, in time, a :class:`~mesbook.data.release.ReleaseRule`: each bar's figure is as
        of its close and usable from its release moment on, on any spacing (``NextBusinessDay()``: daily
        exchange OI known the next business morning at 09:00 CT, the realistic presets; on business-day bars
        that is exactly one bar, on intraday bars the next morning). None: ``oi_lag`` alone. ``roll_filter`` — no signals at all (neither opening nor closing) while
        OI drops mechanically after each quarterly expiry: a duration (``pd.Timedelta(days=7)``, HONEST:
        the bars that open within a week of the 8:30 a.m. CT expiry moment, on any spacing;
        :func:`mesbook.options.calendar.roll_window`) or a whole number of bars after the expiry bar
        (0: off).
    Fills
        ``fill_delay`` — bars between a signal and its fill (article: 0, the same close).
        ``fill_price`` — "close" or "open" (the latter needs an ``open_price`` column).
    Option prices (points)
        ``pricing`` — "fixed" (article: ``fixed_premium_points`` = 2.5 for every option) or "black76".
        ``mark`` — open options valued at "intrinsic" (article) or by the "model".
        ``exercise`` — "european" (Black-76) or "american" (binomial tree, slower).
        ``volatility`` — "constant" (``constant_vol``, per year), "realized" (from the last
        ``vol_window`` daily returns, annualized) or "column" (``vol_column`` of the data, per year).
        ``rate`` — risk-free rate per year, continuous. ``expiry_cycle`` — None (article: options never
        expire) or "quarterly"/"monthly"/"weekly", choosing the first expiry whose moment is at least
        ``min_days_to_expiry`` (≥ 1) days after the entry bar's close
        (:func:`mesbook.options.calendar.first_expiry_after`; whole calendar days on date-only bars); an
        option is settled at intrinsic value in the bar in which it expires, the first bar whose close is
        at or after its expiry moment (8:30 a.m. CT on the date for quarterly options, 3:00 p.m. CT for
        monthly and weekly ones; :data:`mesbook.options.calendar.EXPIRY_TIMES`,
        :func:`~mesbook.options.calendar.settlement_bars`). Time to expiry is
        :func:`~mesbook.options.calendar.time_to_expiry` in years of 365 days.
        ``strike`` — "atm" (article), "offset" (``strike_offset`` strikes out of the money; negative = in
        the money) or "delta" (|delta| nearest ``target_delta``); with ``pricing="fixed"`` only "atm" and
        offsets ≥ 0 are allowed (a fixed premium cannot pay for an in-the-money option).
        ``implied_vol_ratio`` and ``implied_vol_add`` — the variance risk premium: options are priced
        (bought, marked and sold) at implied volatility = ``implied_vol_ratio`` × the volatility above
        + ``implied_vol_add`` (per year: 0.066 = 6.6 volatility points). 1 and 0 (the default): at the
        volatility itself. :data:`IMPLIED_VOL_RATIO` is a sourced ratio (Carr & Wu 2009).
        The premium tick (points) is :meth:`BacktestSettings.tick`: ``tick_size`` (MES options: 0.05 =
        $0.25) for a premium at or below ``tick_threshold``, ``tick_size_above`` (0.25 = $1.25) above it;
        the defaults are CME's current MES options page (:mod:`mesbook.options.ticks`; the older pages
        used a 5.00 threshold). ``tick_threshold=None``: ``tick_size`` for every premium.
        ``round_to_tick`` — buy at the model price rounded up to a quotable price and sell rounded down
        (off by default: prices stay at the model's).
    Costs
        ``commission`` — a :class:`Commission` (dollars per contract per side). ``slippage_ticks`` and
        ``half_spread_ticks`` — paid on each side, in premium ticks: the tick of the mid premium
        (:meth:`BacktestSettings.tick`), so a 50-point option's tick costs five times a 5-point one's.
    Size and risk
        ``position`` — "single" (article: one option at a time; a signal in the direction already held is
        ignored) or "scale_in" (every signal buys ``contracts`` more options, each closed at the next
        opposite signal, its expiry or the last bar; cash is not checked and the rules in
        :data:`SINGLE_POSITION_RULES` are refused). ``contracts`` — options per trade; ``equity_fraction`` — if set, size each trade to spend at most
        this share of equity on premium. ``max_premium_at_risk`` — dollars per trade cap.
        ``stop_loss`` / ``take_profit`` — exit when the option's marked value falls to (1 − stop_loss) or
        rises to (1 + take_profit) times its entry price. ``underlying_stop_points`` — exit when the
        future moves this many points against the position. ``max_drawdown`` — once the marked equity
        curve closes this fraction or more below its running peak, open no new trades for the rest of
        the run (the switch latches; an option already held runs to its own exit; see
        :func:`mesbook.engine.rules.drawdown_halted`). The exit rules first look at the close of the bar after
        the entry (a rule never closes a trade on its entry bar) and exit at the close where they fire, even
        when signals fill a bar late.
    """

    warmup: str = "fill_zero"
    gradient: str = "centred"
    oi_lag: int = 0
    oi_release: Optional[ReleaseRule] = None
    roll_filter: Union[int, pd.Timedelta] = 0
    fill_delay: int = 0
    fill_price: str = "close"
    pricing: str = "fixed"
    fixed_premium_points: float = 2.5
    mark: str = "intrinsic"
    exercise: str = "european"
    volatility: str = "constant"
    constant_vol: float = 0.18
    vol_window: int = 20
    vol_column: str = "volatility"
    rate: float = 0.0
    expiry_cycle: Optional[str] = None
    min_days_to_expiry: int = 7
    strike: str = "atm"
    strike_offset: int = 0
    target_delta: float = 0.5
    implied_vol_ratio: float = 1.0
    implied_vol_add: float = 0.0
    tick_size: float = REDUCED_TICK
    tick_size_above: float = REGULAR_TICK
    tick_threshold: Optional[float] = TICK_THRESHOLD
    round_to_tick: bool = False
    commission: Commission = field(default=NO_COMMISSION)
    slippage_ticks: float = 0.0
    half_spread_ticks: float = 0.0
    position: str = "single"
    contracts: int = 1
    equity_fraction: Optional[float] = None
    max_premium_at_risk: Optional[float] = None
    stop_loss: Optional[float] = None
    take_profit: Optional[float] = None
    underlying_stop_points: Optional[float] = None
    max_drawdown: Optional[float] = None

    def __post_init__(self) -> None:
        choices = {
            "warmup": WARMUP_MODES, "gradient": GRADIENT_MODES, "fill_price": FILL_PRICES, "pricing": PRICING_MODES,
            "mark": MARK_MODES, "exercise": EXERCISE_STYLES, "volatility": VOLATILITY_SOURCES,
            "expiry_cycle": EXPIRY_CYCLES, "strike": STRIKE_RULES, "position": POSITION_MODES,
        }
        for name, allowed in choices.items():
            if getattr(self, name) not in allowed:
                raise ValueError(f"{name}={getattr(self, name)!r} is not an option; choose one of {allowed}")
        check_int("fill_delay", self.fill_delay, minimum=0)
        if isinstance(self.oi_lag, ReleaseRule):
            raise TypeError(f"oi_lag is a whole number of bars; a release rule goes in oi_release: "
                            f"replace(oi_lag=0, oi_release={self.oi_lag!r})")
        check_int("oi_lag", self.oi_lag, minimum=0)
        if self.oi_release is not None:
            if not isinstance(self.oi_release, ReleaseRule):
                raise TypeError(f"oi_release must be a ReleaseRule such as NextBusinessDay() or None, "
                                f"got {type(self.oi_release).__name__} {self.oi_release!r}")
            if self.oi_lag:
                raise ValueError(f"oi_lag={self.oi_lag} (bars) and oi_release={self.oi_release!r} (time) both delay the "
                                 "open interest; set one of them (oi_lag=0 with a release rule)")
        if isinstance(self.roll_filter, (pd.Timedelta, _dt.timedelta, np.timedelta64)):
            if pd.isna(self.roll_filter) or pd.Timedelta(self.roll_filter) <= pd.Timedelta(0):
                raise ValueError(f"roll_filter must be a duration > 0 such as pd.Timedelta(days=7), or 0 (off), "
                                 f"got {self.roll_filter!r}")
            object.__setattr__(self, "roll_filter", pd.Timedelta(self.roll_filter))
        else:
            if isinstance(self.roll_filter, bool) or not isinstance(self.roll_filter, (int, np.integer)):
                raise TypeError(f"roll_filter must be a duration such as pd.Timedelta(days=7) or a whole number of "
                                f"bars, got {type(self.roll_filter).__name__} {self.roll_filter!r}")
            check_int("roll_filter", self.roll_filter, minimum=0)
        check_int("min_days_to_expiry", self.min_days_to_expiry, minimum=1, maximum=3660)
        check_int("vol_window", self.vol_window, minimum=2)
        check_int("contracts", self.contracts, minimum=1)
        check_int("strike_offset", self.strike_offset, minimum=-10_000, maximum=10_000)
        check_number("fixed_premium_points", self.fixed_premium_points)
        check_number("constant_vol", self.constant_vol, strict=True)
        check_number("rate", self.rate, minimum=-1.0)
        check_number("implied_vol_ratio", self.implied_vol_ratio, strict=True)
        check_number("implied_vol_add", self.implied_vol_add)
        check_number("tick_size", self.tick_size, strict=True)
        check_number("tick_size_above", self.tick_size_above, strict=True)
        if self.tick_threshold is not None:
            check_number("tick_threshold", self.tick_threshold)
            for name in ("tick_size", "tick_size_above"):
                steps = self.tick_threshold / getattr(self, name)
                if abs(steps - round(steps)) > 1e-6:
                    raise ValueError(f"tick_threshold={self.tick_threshold} must be a whole number of {name} "
                                     f"({getattr(self, name)} points), e.g. CME's 10.0 or 5.0; or None for one flat tick")
        check_number("slippage_ticks", self.slippage_ticks)
        check_number("half_spread_ticks", self.half_spread_ticks)
        if not 0 < check_number("target_delta", self.target_delta) < 1:
            raise ValueError(f"target_delta must be between 0 and 1, got {self.target_delta}")
        if not isinstance(self.round_to_tick, bool):
            raise TypeError(f"round_to_tick must be True or False, got {self.round_to_tick!r}")
        if not isinstance(self.commission, Commission):
            raise TypeError(f"commission must be a Commission, got {type(self.commission).__name__}")
        for name in ("equity_fraction", "max_premium_at_risk", "stop_loss", "take_profit", "underlying_stop_points",
                     "max_drawdown"):
            if getattr(self, name) is not None:
                check_number(name, getattr(self, name), strict=True)
        for name in ("equity_fraction", "stop_loss", "max_drawdown"):
            if getattr(self, name) is not None and getattr(self, name) > 1:
                raise ValueError(f"{name} is a fraction between 0 and 1, got {getattr(self, name)}")
        if self.position == "scale_in":
            rules = [name for name in SINGLE_POSITION_RULES if getattr(self, name) is not None]
            if rules:
                raise ValueError(f"position='scale_in' holds many options at once and cannot apply {rules}; "
                                 "set them to None or use position='single'")
        if self.pricing == "fixed" and (self.mark == "model" or self.exercise == "american"):
            raise ValueError("mark='model' and exercise='american' need pricing='black76'; set pricing='black76' too")
        if self.pricing == "fixed" and (self.strike == "delta" or (self.strike == "offset" and self.strike_offset < 0)):
            chosen = "strike='delta'" if self.strike == "delta" else f"strike='offset' with strike_offset={self.strike_offset}"
            raise ValueError(
                f"{chosen} with pricing='fixed' would buy options that can be deep in the money for "
                f"fixed_premium_points={self.fixed_premium_points:g}, less than their intrinsic value (a sure "
                "win); set pricing='black76' to price them, or use strike='atm' or a strike_offset >= 0")

    def tick(self, premium: float | np.ndarray) -> float | np.ndarray:
        """The premium tick (points) of each ``premium`` (points): ``tick_size`` at or below
        ``tick_threshold``, ``tick_size_above`` above (:func:`mesbook.options.ticks.premium_tick`)."""
        return premium_tick(premium, self.tick_threshold, self.tick_size, self.tick_size_above)

    def round_premium(self, premium: float | np.ndarray, direction: str) -> float | np.ndarray:
        """``premium`` (points) rounded "up" or "down" to a quotable price under these ticks
        (:func:`mesbook.options.ticks.round_premium`)."""
        return round_premium(premium, direction, self.tick_threshold, self.tick_size, self.tick_size_above)

    def implied_vol(self, volatility: float | np.ndarray) -> float | np.ndarray:
        """Volatility the options are priced at (per year): ``implied_vol_ratio`` × ``volatility`` (per
        year) + ``implied_vol_add``; ``volatility`` itself (bit for bit) with the defaults 1 and 0."""
        if self.implied_vol_ratio == 1.0 and self.implied_vol_add == 0.0:
            return volatility
        return volatility * self.implied_vol_ratio + self.implied_vol_add

    def replace(self, **changes: object) -> "BacktestSettings":
        """A copy with ``changes`` applied; an unknown name raises ``ValueError`` listing the valid ones."""
        unknown = sorted(set(changes) - {f.name for f in dataclasses.fields(self)})
        if unknown:
            valid = ", ".join(f.name for f in dataclasses.fields(self))
            raise ValueError(f"unknown setting(s) {unknown}; valid settings are: {valid}")
        return dataclasses.replace(self, **changes)

    def differences(self, other: "BacktestSettings") -> dict[str, tuple[object, object]]:
        """Settings whose values differ: name -> (this value, other value)."""
        return {
            f.name: (getattr(self, f.name), getattr(other, f.name))
            for f in dataclasses.fields(self)
            if getattr(self, f.name) != getattr(other, f.name)
        }


#: Carr & Wu (2009, "Variance Risk Premiums", Review of Financial Studies 22(3)): S&P 500, 30-day
#: windows, January 1996 – February 2003, mean ln(realized variance / variance swap rate) = −0.594
#: (transcribed from the paper's SPX table via secondary notes; the table itself was not readable).
VRP_LOG_VARIANCE_RATIO: float = 0.594
#: Implied over realized *volatility* implied by that number: exp(0.594 / 2) ≈ 1.35 (a geometric-mean
#: ratio; our arithmetic, not the paper's). Bollerslev, Tauchen & Zhou (2009) give a gap of about 6.6
#: volatility points (S&P 500, 1990–2007), i.e. ``implied_vol_add=0.066``, ratio about 1.49.
IMPLIED_VOL_RATIO: float = math.exp(VRP_LOG_VARIANCE_RATIO / 2)

#: The article, exactly: zero-filled warm-up, centred gradient, same-close fills, fixed 2.5-point premium
#: marked at intrinsic value, no expiry, no costs, one option at a time.
ARTICLE = BacktestSettings()

#: Every simplification switched off: honest signals (no warm-up trades, backward gradient, OI used the
#: morning after its bar: ``oi_release=NextBusinessDay()``, the next business day at 09:00 CT, one bar on
#: business-day bars and the same morning on intraday bars), next-bar fills, Black-76 with realized volatility
#: and a 4 % rate, quarterly expiries at least two weeks out (theta is real), options bought and sold at implied volatility
#: (:data:`IMPLIED_VOL_RATIO` × realized: the variance risk premium), commissions, a one-tick half spread
#: and one tick of slippage, in CME's premium-dependent ticks.
REALISTIC = BacktestSettings(
    warmup="skip",
    gradient="backward",
    oi_release=NextBusinessDay(),
    fill_delay=1,
    pricing="black76",
    mark="model",
    volatility="realized",
    rate=0.04,
    expiry_cycle="quarterly",
    min_days_to_expiry=14,
    implied_vol_ratio=IMPLIED_VOL_RATIO,
    commission=Commission(),
    slippage_ticks=1.0,
    half_spread_ticks=1.0,
)

#: How long after each quarterly expiry moment the realism ladder's last rung sends no signal: a week, which on
#: business-day bars is the five bars from the Monday to the Friday after the expiry Friday.
ROLL_FILTER: pd.Timedelta = pd.Timedelta(days=7)
#: The top of the realism ladder: every simplification off, including roll-blind OI (``REALISTIC`` plus
#: a :data:`ROLL_FILTER` roll filter).
HONEST: BacktestSettings = REALISTIC.replace(roll_filter=ROLL_FILTER)

#: Honest prices and costs for weekly bars: Black-76 with realized volatility, quarterly expiries,
#: fees and spread — trading at the close of the bar on which the OI figure is dated. On the publication
#: frame that is the Friday it is released (no extra lag needed); on the as-of frame it is a look-ahead.
WEEKLY: BacktestSettings = REALISTIC.replace(oi_release=None, fill_delay=0)


def check_settings(value: object, name: str = "settings") -> BacktestSettings:
    """``value`` if it is a :class:`BacktestSettings`; else a ``TypeError`` naming the argument and the fix."""
    if not isinstance(value, BacktestSettings):
        raise TypeError(f"{name} must be a BacktestSettings (e.g. mesbook.ARTICLE or mesbook.REALISTIC, changed "
                        f"with .replace(...)), got {type(value).__name__}")
    return value
