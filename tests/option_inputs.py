"""Random and hypothesis inputs shared by the option tests (test_pricing.py, test_greeks.py)."""
from __future__ import annotations

import math

import numpy as np
from hypothesis import strategies as st

# Reasonable ranges for MES-like and textbook inputs.
futures_st = st.floats(10.0, 8000.0)
moneyness_st = st.floats(-2.5, 2.5)  # log(K/F) in units of vol·√T
years_st = st.floats(0.01, 2.0)
rate_st = st.floats(-0.01, 0.10)
vol_st = st.floats(0.05, 1.2)


def random_book(n: int, seed: int, z: float = 3.0) -> dict[str, np.ndarray]:
    """``n`` random options with strikes within ``z`` standard deviations of the futures price."""
    rng = np.random.default_rng(seed)
    futures = rng.uniform(10.0, 8000.0, n)
    years = rng.uniform(0.01, 2.0, n)
    vol = rng.uniform(0.05, 1.2, n)
    strike = futures * np.exp(rng.uniform(-z, z, n) * vol * np.sqrt(years))
    return dict(futures=futures, strike=strike, years=years, rate=rng.uniform(-0.01, 0.10, n), vol=vol,
                is_call=rng.random(n) < 0.5)


def strike_from(futures: float, z: float, years: float, vol: float) -> float:
    return futures * math.exp(z * vol * math.sqrt(years))
