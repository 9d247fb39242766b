"""Black-76 Greeks of options on futures: the :class:`Greeks` type and :func:`black76_greeks`.

Units and argument conventions are those of :mod:`mesbook.options.pricing` (points, years ACT/365,
rates and volatilities per year, ``is_call`` bools); every argument broadcasts like a numpy array and
scalar inputs give floats. Prices and implied volatility stay in :mod:`mesbook.options.pricing`.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import ndtr

from .pricing import DAYS_PER_YEAR, _black, _contract_inputs, _out, _pdf

__all__ = ["Greeks", "black76_greeks"]


@dataclass(frozen=True, eq=False)
class Greeks:
    """Black-76 sensitivities (floats for scalar inputs, arrays otherwise).

    * ``delta``: points of premium per 1 point of futures.
    * ``gamma``: change of delta per 1 point of futures (points per point²).
    * ``vega``: points per 1.00 of vol (per 100 vol points); see ``vega_per_vol_point``.
    * ``theta``: points per YEAR of calendar time passing, −∂price/∂years (negative for most long
      options); see ``theta_per_day``.
    * ``rho``: points per 1.00 of rate (per 100 % of rate), futures held fixed, so rho = −years·price.

    At expiry (``years == 0``) delta is the exercise step (±1 in the money, 0 out of it, ±½ exactly at
    the money) and the other four are 0. With ``vol == 0`` and ``years > 0`` gamma is 0 and the rest are
    the one-sided limits (e.g. vega at the money is e^{-rT}·F·√T/√(2π)).
    """

    delta: np.ndarray | float
    gamma: np.ndarray | float
    vega: np.ndarray | float
    theta: np.ndarray | float
    rho: np.ndarray | float

    @property
    def vega_per_vol_point(self) -> np.ndarray | float:
        """Points per 1 vol point (0.01 of vol), i.e. ``vega / 100``; the convention of most quote screens."""
        return self.vega / 100.0

    @property
    def theta_per_day(self) -> np.ndarray | float:
        """Points per calendar day, i.e. ``theta / 365``."""
        return self.theta / DAYS_PER_YEAR


def black76_greeks(futures, strike, years, rate, vol, is_call) -> Greeks:
    """Analytic Black-76 Greeks of a European option on a future; units on ``Greeks``.

    Arguments as for ``black76_price``. No NaN or warnings at ``years == 0`` or ``vol == 0``.
    """
    scalar, (futures, strike, years, rate, vol, is_call) = _contract_inputs(futures, strike, years, rate, vol, is_call)
    b = _black(futures, strike, years, rate, vol, is_call)
    live = (vol * b.sqrt_t) > 0
    expired = years == 0
    density = b.discount * futures * _pdf(b.d1)  # e^{-rT}·F·φ(d1) = e^{-rT}·K·φ(d2)
    delta = b.discount * b.sign * ndtr(b.sign * b.d1) + 0.0  # + 0.0 turns -0.0 into 0.0
    gamma = np.where(live, density / np.where(live, futures**2 * vol * b.sqrt_t, 1.0), 0.0)
    vega = density * b.sqrt_t
    decay = np.where(expired, 0.0, density * vol / (2.0 * np.where(expired, 1.0, b.sqrt_t)))
    theta = np.where(expired, 0.0, rate * b.price - decay)
    rho = -years * b.price + 0.0
    return Greeks(*(_out(g, scalar) for g in (delta, gamma, vega, theta, rho)))
