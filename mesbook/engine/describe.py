"""A backtest's settings in words: what a preset does, written from its values, never typed beside it.

The book describes ``ARTICLE``, ``REALISTIC``, ``HONEST`` and ``WEEKLY`` in many paragraphs; a sentence typed by
hand goes stale the day a preset changes (the book once said "priced at realized volatility" long after the
presets priced at 1.35 × realized). These functions read a :class:`~mesbook.engine.settings.BacktestSettings`
and say what it does:

* :func:`describe` — every switch that differs from the article, as one phrase per group ("signals",
  "fills", "prices", "expiry", "costs", "size and risk"), joined with semicolons;
* :func:`describe_parts` — the same phrases by group, for a paragraph that quotes one of them;
* :func:`pricing_phrase` — how an option is priced ("Black-76 at 1.35 × the realized volatility of ...").

Numbers come from the settings (the ratio, the rate, the window, the ticks, the fees), money through
:func:`mesbook.formatting.usd`.
"""
from __future__ import annotations

import pandas as pd

from ..formatting import duration_text, usd
from .settings import BacktestSettings, check_settings

#: The groups of :func:`describe_parts`, in the order :func:`describe` joins them.
GROUPS: tuple[str, ...] = ("signals", "fills", "prices", "expiry", "costs", "size and risk")


def _bars(count: int, unit: str = "bar") -> str:
    return f"{count} {unit}{'' if count == 1 else 's'}"


def _volatility(settings: BacktestSettings) -> str:
    if settings.volatility == "constant":
        base = f"a constant {100 * settings.constant_vol:g} % volatility"
    elif settings.volatility == "realized":
        base = f"the realized volatility of the last {_bars(settings.vol_window, 'return')}"
    else:
        base = f"the volatility in the column {settings.vol_column!r}"
    ratio, add = settings.implied_vol_ratio, settings.implied_vol_add
    if ratio != 1.0:
        base = f"{ratio:.2f} × {base}"
    if add:
        base = f"{base} + {100 * add:g} volatility points"
    return base


def pricing_phrase(settings: BacktestSettings) -> str:
    """How an option is priced under ``settings``, e.g. "a fixed 2.5 points" or "Black-76 (European) at 1.35 × the
    realized volatility of the last 20 returns, 4 % rate, marked to the model"."""
    settings = check_settings(settings)
    if settings.pricing == "fixed":
        marked = "marked at intrinsic value" if settings.mark == "intrinsic" else "marked to the model"
        return f"a fixed {settings.fixed_premium_points:g} points, {marked}"
    model = "Black-76" if settings.exercise == "european" else "a binomial tree (American exercise)"
    marked = "marked to the model" if settings.mark == "model" else "marked at intrinsic value"
    return f"{model} at {_volatility(settings)}, {100 * settings.rate:g} % rate, {marked}"


def describe_parts(settings: BacktestSettings) -> dict[str, str]:
    """One phrase per group of :data:`GROUPS` in which ``settings`` differs from the article's defaults."""
    settings = check_settings(settings)
    article = BacktestSettings()
    changed = set(settings.differences(article))
    parts: dict[str, str] = {}
    signals = []
    if "warmup" in changed:
        signals.append("no signal in the warm-up" if settings.warmup == "skip" else "warm-up gaps filled with 0")
    if "gradient" in changed:
        signals.append({"backward": f"a backward gradient over the gradient window",
                        "lagged": "the centred gradient one bar late",
                        "centred": "the centred gradient"}[settings.gradient])
    if "oi_lag" in changed:
        signals.append(f"open interest used {_bars(settings.oi_lag)} late")
    if "oi_release" in changed and settings.oi_release is not None:
        signals.append(f"each open-interest figure used from its release ({settings.oi_release.describe()})")
    if "roll_filter" in changed and settings.roll_filter:
        span = (duration_text(settings.roll_filter.total_seconds()) if isinstance(settings.roll_filter, pd.Timedelta)
                else _bars(settings.roll_filter))
        signals.append(f"no signal for {span} after each quarterly expiry")
    if signals:
        parts["signals"] = ", ".join(signals)
    if {"fill_delay", "fill_price"} & changed:
        delay = "on the signal's bar" if settings.fill_delay == 0 else f"{_bars(settings.fill_delay)} after the signal"
        parts["fills"] = f"fills {delay}, at the {settings.fill_price}"
    price_fields = {"pricing", "fixed_premium_points", "mark", "exercise", "volatility", "constant_vol", "vol_window",
                    "vol_column", "rate", "implied_vol_ratio", "implied_vol_add", "strike", "strike_offset",
                    "target_delta", "round_to_tick"}
    if price_fields & changed:
        strike = {"atm": "", "offset": f", {settings.strike_offset} strikes out of the money",
                  "delta": f", the strike nearest delta {settings.target_delta:g}"}[settings.strike]
        ticks = ", bought and sold at quotable prices" if settings.round_to_tick else ""
        parts["prices"] = f"options priced with {pricing_phrase(settings)}{strike}{ticks}"
    if {"expiry_cycle", "min_days_to_expiry"} & changed and settings.expiry_cycle:
        parts["expiry"] = (f"{settings.expiry_cycle} expiries at least {_bars(settings.min_days_to_expiry, 'day')} "
                           "away, settled at intrinsic value")
    costs = []
    if "commission" in changed:
        costs.append(f"fees of {usd(settings.commission.per_side)} per contract a side")
    if "half_spread_ticks" in changed:
        costs.append(f"a half spread of {settings.half_spread_ticks:g} tick{'' if settings.half_spread_ticks == 1 else 's'}")
    if "slippage_ticks" in changed:
        costs.append(f"{settings.slippage_ticks:g} tick{'' if settings.slippage_ticks == 1 else 's'} of slippage")
    if costs:
        parts["costs"] = ", ".join(costs)
    risk = [f"{name.replace('_', ' ')} {getattr(settings, name)!r}" for name in
            ("position", "contracts", "equity_fraction", "max_premium_at_risk", "stop_loss", "take_profit",
             "underlying_stop_points", "max_drawdown") if name in changed]
    if risk:
        parts["size and risk"] = ", ".join(risk)
    return parts


def describe(settings: BacktestSettings) -> str:
    """``settings`` in words: the phrases of :func:`describe_parts` joined with semicolons, or "the article's
    settings" when nothing differs."""
    parts = describe_parts(settings)
    return "; ".join(parts[group] for group in GROUPS if group in parts) or "the article's settings"


__all__ = ["GROUPS", "describe", "describe_parts", "pricing_phrase"]
