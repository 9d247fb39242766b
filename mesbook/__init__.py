"""mesbook — the article's open-interest MES options bot, exact and then honest.

The five functions of the article keep its names, parameters and behaviour::

    >>> import mesbook as mb
    >>> data = mb.simulate_market_data(500, seed=7)
    >>> data = mb.generate_signals(mb.calculate_indicators(data))
    >>> result = mb.run_trading_simulation(data)
    >>> result.summary()            # doctest: +SKIP

Money is in dollars, prices and strikes in index points; each docstring says which.
Educational software: not trading advice.
"""
import os as _os
import sys as _sys

# Started as the command, `python -m mesbook` (runpy imports the package first, sys.argv[0] being '-m' until
# it runs __main__) or the `mesbook` script: Ctrl-C while the libraries below load is one line, exit code 130.
if (_sys.argv[:1] == ["-m"] and _sys.orig_argv[-len(_sys.argv):][:1] == ["mesbook"]) or \
        _os.path.basename(_sys.argv[0] if _sys.argv else "") == "mesbook":
    from .commandline import exit_on_ctrl_c

    exit_on_ctrl_c()
del _os, _sys

from .studies.attribution import Attribution, attribute_pnl
from .studies.audit import AuditResult, article_signals, backtest_equity, backtest_signals, crossover_bars, lookahead_audit
from .article.simulation import run_trading_simulation
from .studies.caveats import CAVEATS, caveat_effects, caveat_settings, run_caveats
from .options.calendar import (
    contract_code,
    days_to_expiry,
    front_contract,
    option_expiries,
    roll_dates,
    select_expiry,
    third_friday,
    years_to_expiry,
)
from .constants import (
    FUTURES_MULTIPLIER,
    INITIAL_CASH,
    NUM_PERIODS,
    OI_GRADIENT_WINDOW,
    OI_LONG_SMA_WINDOW,
    OI_SHORT_SMA_WINDOW,
    OPTION_PREMIUM_FIXED,
    STRIKE_INTERVAL,
)
from .article.contract import get_atm_strike
from .engine.backtest import run_backtest
from .article.indicators import calculate_indicators
from .article.market import simulate_market_data
from .core.market import validate_market_data
from .data.loader import load_market_data
from .options.tables import greeks_table
from .studies.ladder import ladder_pnl, ladder_steps, realism_ladder
from .metrics import (
    annualized_return,
    annualized_volatility,
    bar_returns,
    check_accounting,
    compute_stats,
    drawdown,
    drawdown_periods,
    format_stats,
    sharpe_ratio,
    sortino_ratio,
)
from .studies.montecarlo import MonteCarloResult, monte_carlo
from .parallel import parallel_map, task_seeds
from .article.simulation import run_article
from .studies.real_runs import real_data_runs
from .data.real import (
    adjust_unit_break,
    find_unit_breaks,
    load_cftc_open_interest,
    load_sp500_prices,
    roll_drops,
    weekly_market_from_real_data,
)
from .options.greeks import Greeks, black76_greeks
from .options.pricing import (
    american_price,
    black76_price,
    implied_volatility,
    premium_dollars,
    price_option,
)
from .results import SimulationResult, Summary
from .studies.risk_rules import RISK_RULES, risk_rules_table
from .engine.settings import ARTICLE, HONEST, REALISTIC, WEEKLY, BacktestSettings, Commission
from .article.signals import generate_signals
from .studies.sweep import sweep_heatmap, sweep_windows
from .data.synthetic import MarketPaths, simulate_paths, simulate_realistic_market
from .studies.walkforward import walk_forward
from .clock import BarClock, ClockNote, bar_clock
from .data.release import CftcSchedule, FixedDelay, NextBusinessDay, ReleasedColumn, attach_open_interest

__version__ = "0.1.0"

__all__ = [
    "FUTURES_MULTIPLIER", "INITIAL_CASH", "NUM_PERIODS", "OI_GRADIENT_WINDOW", "OI_LONG_SMA_WINDOW",
    "OI_SHORT_SMA_WINDOW", "OPTION_PREMIUM_FIXED", "STRIKE_INTERVAL",
    "ARTICLE", "REALISTIC", "BacktestSettings", "Commission", "Greeks", "SimulationResult", "Summary",
    "american_price", "black76_greeks", "black76_price", "implied_volatility", "premium_dollars", "price_option",
    "run_backtest",
    "contract_code", "days_to_expiry", "front_contract", "option_expiries", "roll_dates", "select_expiry",
    "third_friday", "years_to_expiry",
    "adjust_unit_break", "find_unit_breaks", "load_cftc_open_interest", "load_sp500_prices", "roll_drops",
    "weekly_market_from_real_data",
    "MarketPaths", "simulate_paths", "simulate_realistic_market",
    "annualized_return", "annualized_volatility", "bar_returns", "check_accounting", "compute_stats", "drawdown",
    "drawdown_periods", "format_stats", "sharpe_ratio", "sortino_ratio",
    "Attribution", "attribute_pnl", "AuditResult", "article_signals", "backtest_equity", "backtest_signals",
    "crossover_bars", "lookahead_audit", "HONEST", "ladder_pnl", "ladder_steps", "realism_ladder",
    "CAVEATS", "caveat_effects", "caveat_settings", "run_caveats", "greeks_table", "WEEKLY", "real_data_runs",
    "RISK_RULES", "risk_rules_table",
    "MonteCarloResult", "monte_carlo", "parallel_map", "task_seeds", "sweep_heatmap", "sweep_windows", "walk_forward",
    "calculate_indicators", "generate_signals", "get_atm_strike", "load_market_data", "run_article",
    "run_trading_simulation", "simulate_market_data", "validate_market_data",
    "BarClock", "ClockNote", "bar_clock", "CftcSchedule", "FixedDelay", "NextBusinessDay", "ReleasedColumn",
    "attach_open_interest",
]
