"""The article's market: its synthetic generator, and the same market with other drifts (chapter 2).

:func:`simulate_market_data` is the article's function: two independent random walks on business days
(:func:`mesbook.core.market.article_walks`), drawn from NumPy's global random state as the article does,
or reproducibly from a seed. :func:`simulate_with_drift` is chapter 2's variation: other drifts, the same
random shocks. Market frames and their check live in :mod:`mesbook.core.market`, the open-interest basics
of chapter 2 in :mod:`mesbook.core.oi`.
"""
from __future__ import annotations

from typing import Union

import numpy as np
import pandas as pd

from ..constants import NUM_PERIODS
from ..core.market import ARTICLE_OI_DRIFT, ARTICLE_PRICE_DRIFT, article_walks, business_days, market_frame
from ..validation import check_int, check_number

#: What the article's generator takes as ``seed``: ``None`` (NumPy's global random state, as the article),
#: an int or a ``numpy.random.Generator``.
ArticleSeed = Union[int, np.random.Generator, None]


def simulate_market_data(
    num_periods: int = NUM_PERIODS,
    seed: ArticleSeed = None,
    start: str = "2023-01-01",
    *,
    price_drift: float = ARTICLE_PRICE_DRIFT,
    price_volatility: float = 1.5,
    oi_drift: float = ARTICLE_OI_DRIFT,
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
    dates = business_days(start, num_periods)
    if seed is None:
        draw = np.random.normal
    elif isinstance(seed, (int, np.integer, np.random.Generator)) and not isinstance(seed, bool):
        draw = np.random.default_rng(seed).normal
    else:
        raise TypeError(f"seed must be None, an int or a numpy Generator, got {type(seed).__name__}")
    price, oi = article_walks(draw, num_periods, price_drift, price_volatility, oi_drift, oi_volatility)
    return market_frame(dates, price, oi)


def simulate_with_drift(seed: int, price_drift: float = ARTICLE_PRICE_DRIFT, oi_drift: float = ARTICLE_OI_DRIFT,
                        num_periods: int = NUM_PERIODS) -> pd.DataFrame:
    """The article's seeded market with other drifts (price: points per bar; OI: contracts per bar).

    Same random shocks as ``simulate_market_data(num_periods, seed=seed)``; only the mean steps change.
    """
    return simulate_market_data(num_periods, seed=seed, price_drift=price_drift, oi_drift=oi_drift)


__all__ = ["ArticleSeed", "simulate_market_data", "simulate_with_drift"]
