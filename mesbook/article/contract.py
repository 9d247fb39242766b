"""The article's helper for options: :func:`get_atm_strike`, the at-the-money strike (chapter 1).

The contract arithmetic behind it (strike rounding on arrays, intrinsic value, points to dollars,
payoffs) is the package's foundation and lives in :mod:`mesbook.core.contract`.
"""
from __future__ import annotations

import numbers

import numpy as np

from ..constants import STRIKE_INTERVAL
from ..core.contract import nearest_strike
from ..validation import check_number


def get_atm_strike(futures_price: float | np.ndarray, strike_interval: float = STRIKE_INTERVAL) -> float | np.ndarray:
    """Nearest listed strike to ``futures_price`` (index points) on a grid of ``strike_interval`` points.

    Works on a scalar (returns a float) or an array (returns a float array). Halfway prices round to the
    even multiple, like Python's ``round`` in the article: 4502.5 → 4500, 4507.5 → 4510.
    """
    interval = check_number("strike_interval", strike_interval, strict=True)
    if isinstance(futures_price, numbers.Real) and not isinstance(futures_price, bool):
        price = check_number("futures_price", futures_price)
        return float(round(price / interval) * interval)
    prices = np.asarray(futures_price)
    if prices.dtype.kind not in "iuf":
        raise TypeError(f"futures_price must be a number or numeric array, got dtype {prices.dtype}")
    if not np.isfinite(prices).all() or (prices < 0).any():
        raise ValueError("futures_price must be finite and >= 0; drop missing or negative prices first")
    return nearest_strike(prices, interval)


__all__ = ["get_atm_strike"]
