"""The article's simulation on plain arrays: the fast path behind sweeps, walk-forward and Monte Carlo.

When the settings only change *which bars signal* (warm-up, gradient, OI lag, roll filter, fill delay)
and keep the article's execution (a fixed premium, intrinsic marks, no expiry, no costs, one option at
a time), a backtest reduces to a few array operations: signal codes, the article's trade runs
(:func:`mesbook.article.simulation.position_runs`) and an intrinsic-value payoff. :func:`supports_fast_path` says
when that holds; the results are then identical to :func:`mesbook.run_backtest` (tested).

:class:`mesbook.engine.decisions.SignalCache` gives the codes (each distinct window computed once).
Money is in dollars, prices and strikes in index points, OI in contracts.
"""
from __future__ import annotations

from .settings import ARTICLE, BacktestSettings, check_settings

#: Settings that change which bars signal; the fast path handles any value of these.
SIGNAL_FIELDS: tuple[str, ...] = ("warmup", "gradient", "oi_lag", "roll_filter_bars", "fill_delay",
                                  "fixed_premium_points")
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
