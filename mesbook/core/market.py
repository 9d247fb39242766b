"""Market frames and the random walks of the article's market.

A market frame has one row per bar and the columns ``timestamp`` (datetime, strictly increasing),
``futures_price`` (index points, > 0) and ``open_interest`` (contracts, > 0); :func:`validate_market_data`
checks one. :func:`article_walks` draws the two independent random walks of the article's generator: the
article's script (:func:`mesbook.simulate_market_data`) and the package's seeded generators
(:func:`mesbook.data.synthetic.simulate_paths`, :func:`mesbook.data.synthetic.seeded_market`) all draw
through it, so every simulated article market is the same walk.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from ..validation import check_frame

#: Columns every market frame carries.
MARKET_COLUMNS: tuple[str, str, str] = ("timestamp", "futures_price", "open_interest")

#: The article's generator: mean and standard deviation of a price step (index points per bar) and of
#: an OI step (contracts per bar).
ARTICLE_PRICE_DRIFT, ARTICLE_PRICE_VOLATILITY = 0.1, 1.5
ARTICLE_OI_DRIFT, ARTICLE_OI_VOLATILITY = 10.0, 100.0
#: Where the article's walks start, and the floors they never go below: index points for the price,
#: contracts for open interest.
ARTICLE_PRICE_START, ARTICLE_PRICE_FLOOR = 4000.0, 100.0
ARTICLE_OI_START, ARTICLE_OI_FLOOR = 20000.0, 1000.0


def validate_market_data(df: pd.DataFrame) -> pd.DataFrame:
    """Raise ``TypeError``/``ValueError`` unless ``df`` is a valid market frame; return it unchanged."""
    return check_frame(df, positive=("futures_price", "open_interest"))


def business_days(start: object, num_periods: int) -> pd.DatetimeIndex:
    """``num_periods`` business days from ``start``; a ``ValueError`` naming ``start`` when it is no date."""
    try:
        return pd.date_range(start=start, periods=num_periods, freq="B")
    except (ValueError, TypeError) as exc:
        raise ValueError(f"start must be a date such as '2023-01-01', got {start!r}") from exc


def article_walks(
    draw: Callable[..., np.ndarray],
    num_periods: int,
    price_drift: float = ARTICLE_PRICE_DRIFT,
    price_volatility: float = ARTICLE_PRICE_VOLATILITY,
    oi_drift: float = ARTICLE_OI_DRIFT,
    oi_volatility: float = ARTICLE_OI_VOLATILITY,
) -> tuple[np.ndarray, np.ndarray]:
    """The article's two random walks: ``(futures_price, open_interest)``, ``num_periods`` bars each.

    ``draw`` is a normal sampler called as ``draw(loc=, scale=, size=)`` (NumPy's global
    ``np.random.normal`` or a ``Generator``'s ``normal``): first the price steps N(``price_drift``,
    ``price_volatility``) points, then the OI steps N(``oi_drift``, ``oi_volatility``) contracts. The
    price starts at :data:`ARTICLE_PRICE_START` points and never falls below :data:`ARTICLE_PRICE_FLOOR`; open
    interest starts at :data:`ARTICLE_OI_START` contracts and never falls below :data:`ARTICLE_OI_FLOOR`. Nothing is
    validated here.
    """
    price_steps = draw(loc=price_drift, scale=price_volatility, size=num_periods)
    oi_steps = draw(loc=oi_drift, scale=oi_volatility, size=num_periods)
    return (np.maximum(ARTICLE_PRICE_START + np.cumsum(price_steps), ARTICLE_PRICE_FLOOR),
            np.maximum(ARTICLE_OI_START + np.cumsum(oi_steps), ARTICLE_OI_FLOOR))


def market_frame(timestamps: pd.DatetimeIndex, futures_price: np.ndarray, open_interest: np.ndarray) -> pd.DataFrame:
    """A market frame from its three columns (not validated)."""
    return pd.DataFrame({"timestamp": timestamps, "futures_price": futures_price, "open_interest": open_interest})


__all__ = ["ARTICLE_OI_DRIFT", "ARTICLE_OI_FLOOR", "ARTICLE_OI_START", "ARTICLE_OI_VOLATILITY", "ARTICLE_PRICE_DRIFT",
           "ARTICLE_PRICE_FLOOR", "ARTICLE_PRICE_START", "ARTICLE_PRICE_VOLATILITY",
           "MARKET_COLUMNS", "article_walks", "business_days", "market_frame", "validate_market_data"]
