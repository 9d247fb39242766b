"""The article's main block as one call: data → indicators → signals → simulation."""
from __future__ import annotations

from typing import Optional

import pandas as pd

from .simulation import run_trading_simulation
from ..constants import (
    INITIAL_CASH,
    NUM_PERIODS,
    OI_GRADIENT_WINDOW,
    OI_LONG_SMA_WINDOW,
    OI_SHORT_SMA_WINDOW,
    OPTION_PREMIUM_FIXED,
)
from .indicators import calculate_indicators
from .market import SeedLike, simulate_market_data, validate_market_data
from ..results import SimulationResult
from .signals import generate_signals


def run_article(
    data: Optional[pd.DataFrame] = None,
    *,
    num_periods: int = NUM_PERIODS,
    seed: SeedLike = None,
    short_sma_window: int = OI_SHORT_SMA_WINDOW,
    long_sma_window: int = OI_LONG_SMA_WINDOW,
    gradient_window: int = OI_GRADIENT_WINDOW,
    initial_cash: float = INITIAL_CASH,
    premium: float = OPTION_PREMIUM_FIXED,
) -> tuple[pd.DataFrame, SimulationResult]:
    """Run the article's script end to end; return (frame with indicators and signals, result).

    With ``data=None`` the market is simulated (``num_periods`` bars, ``seed``); otherwise ``data`` is
    validated and used as is. ``premium`` and ``initial_cash`` are dollars.
    """
    if data is None:
        data = simulate_market_data(num_periods, seed=seed)
    else:
        validate_market_data(data)
    frame = generate_signals(calculate_indicators(data, short_sma_window, long_sma_window, gradient_window))
    return frame, run_trading_simulation(frame, initial_cash=initial_cash, premium=premium)
