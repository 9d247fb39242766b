"""The MES contract: strike rounding, intrinsic value, points to dollars and the payoff of a long option.

Primitives on plain numbers or arrays, without validation (callers check their inputs once at the
boundary, as :func:`mesbook.get_atm_strike` does). Prices and strikes are index points, money dollars.
"""
from __future__ import annotations

import numpy as np

from ..constants import FUTURES_MULTIPLIER, STRIKE_INTERVAL


def nearest_strike(price: np.ndarray | float, interval: float = STRIKE_INTERVAL) -> np.ndarray:
    """Nearest multiple of ``interval`` to each ``price`` (index points), as floats.

    Halfway prices round to the even multiple (NumPy's rounding, like Python's ``round``): with 5-point
    strikes 4502.5 → 4500 and 4507.5 → 4510.
    """
    return np.round(np.asarray(price, dtype=float) / interval) * interval


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


__all__ = ["intrinsic_value", "nearest_strike", "payoff_dollars", "points_to_dollars"]
