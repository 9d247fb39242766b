"""Market data: the article's synthetic generator and a validating CSV loader.

A market frame has one row per bar and the columns ``timestamp`` (datetime, strictly increasing),
``futures_price`` (index points, > 0) and ``open_interest`` (contracts, > 0).
"""
from __future__ import annotations

from typing import Union

import numpy as np
import pandas as pd

from ..constants import NUM_PERIODS
from ..validation import check_frame, check_int, check_number

#: Columns every market frame carries.
MARKET_COLUMNS: tuple[str, str, str] = ("timestamp", "futures_price", "open_interest")

SeedLike = Union[int, np.random.Generator, None]


def simulate_market_data(
    num_periods: int = NUM_PERIODS,
    seed: SeedLike = None,
    start: str = "2023-01-01",
    *,
    price_drift: float = 0.1,
    price_volatility: float = 1.5,
    oi_drift: float = 10.0,
    oi_volatility: float = 100.0,
) -> pd.DataFrame:
    """Generate the article's synthetic MES futures prices and open interest.

    Both series are independent Gaussian random walks on business days from ``start``:
    price steps N(``price_drift``, ``price_volatility``) points per bar (article: 0.1, 1.5) from 4000,
    floored at 100 points; OI steps N(``oi_drift``, ``oi_volatility``) contracts per bar (article: 10,
    100) from 20,000, floored at 1,000 contracts. Changing a drift keeps the same random shocks.

    ``seed=None`` reproduces the article exactly, drawing from NumPy's global random state (so two
    calls differ unless ``np.random.seed`` is set). An int or a ``numpy.random.Generator`` draws from
    ``numpy.random.default_rng(seed)``: first the ``num_periods`` price steps, then the OI steps, so a
    seeded call is bit-identical on every run.
    """
    num_periods = check_int("num_periods", num_periods)
    for name, value in (("price_drift", price_drift), ("oi_drift", oi_drift)):
        check_number(name, value, minimum=-np.inf)
    price_volatility = check_number("price_volatility", price_volatility)
    oi_volatility = check_number("oi_volatility", oi_volatility)
    try:
        dates = pd.date_range(start=start, periods=num_periods, freq="B")
    except (ValueError, TypeError) as exc:
        raise ValueError(f"start must be a date such as '2023-01-01', got {start!r}") from exc
    if seed is None:
        draw = np.random.normal
    elif isinstance(seed, (int, np.integer, np.random.Generator)) and not isinstance(seed, bool):
        draw = np.random.default_rng(seed).normal
    else:
        raise TypeError(f"seed must be None, an int or a numpy Generator, got {type(seed).__name__}")
    price_steps = draw(loc=price_drift, scale=price_volatility, size=num_periods)
    oi_steps = draw(loc=oi_drift, scale=oi_volatility, size=num_periods)
    return pd.DataFrame(
        {
            "timestamp": dates,
            "futures_price": np.maximum(4000 + np.cumsum(price_steps), 100),
            "open_interest": np.maximum(20000 + np.cumsum(oi_steps), 1000),
        }
    )


def validate_market_data(df: pd.DataFrame) -> pd.DataFrame:
    """Raise ``TypeError``/``ValueError`` unless ``df`` is a valid market frame; return it unchanged."""
    return check_frame(df, positive=("futures_price", "open_interest"))

