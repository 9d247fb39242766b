"""The MES contract: dollar multiplier, strike grid and the at-the-money strike."""
from __future__ import annotations

import numbers

import numpy as np

from ..constants import FUTURES_MULTIPLIER, STRIKE_INTERVAL
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
    prices = prices.astype(float)
    if not np.isfinite(prices).all() or (prices < 0).any():
        raise ValueError("futures_price must be finite and >= 0; drop missing or negative prices first")
    return np.round(prices / interval) * interval


def intrinsic_value(option_sign: np.ndarray | int, futures_price: np.ndarray | float, strike: np.ndarray | float) -> np.ndarray:
    """Exercise value in index points: max(0, F − K) for calls (sign +1), max(0, K − F) for puts (−1)."""
    return np.maximum(0.0, np.asarray(option_sign) * (np.asarray(futures_price) - np.asarray(strike)))


def points_to_dollars(points: np.ndarray | float, multiplier: float = FUTURES_MULTIPLIER) -> np.ndarray | float:
    """Convert index points to dollars per contract ($5 per point for MES)."""
    return points * multiplier


def payoff_dollars(prices: np.ndarray, strike: float, premium_points: float,
                   multiplier: float = FUTURES_MULTIPLIER) -> tuple[np.ndarray, np.ndarray]:
    """P&L at exit of one long call and one long put, dollars, for each futures price in ``prices``.

    P&L = intrinsic value (points) × ``multiplier`` − premium (``premium_points`` × ``multiplier``),
    the article's rule for closing an option.
    """
    premium = points_to_dollars(premium_points, multiplier)
    call = points_to_dollars(intrinsic_value(1, prices, strike), multiplier) - premium
    put = points_to_dollars(intrinsic_value(-1, prices, strike), multiplier) - premium
    return call, put
