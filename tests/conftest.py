"""Shared test settings and fixtures."""
from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, settings

os.environ.setdefault("MPLBACKEND", "Agg")

# Deterministic property tests: the same examples on every machine and every run.
settings.register_profile(
    "mesbook", derandomize=True, deadline=None, max_examples=60,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.load_profile("mesbook")


def pytest_addoption(parser):
    parser.addoption("--slow", action="store_true", default=False,
                     help="property tests draw 10x more examples (the larger set; CI runs the default)")


def pytest_configure(config):
    if config.getoption("--slow"):
        settings.register_profile("mesbook-slow", parent=settings.get_profile("mesbook"), max_examples=600)
        settings.load_profile("mesbook-slow")


@pytest.fixture
def market() -> pd.DataFrame:
    """500 seeded bars of the article's synthetic market."""
    from mesbook import simulate_market_data

    return simulate_market_data(500, seed=11)


def frame_from(prices, oi, start="2024-01-01") -> pd.DataFrame:
    """A market frame from plain lists (business days from ``start``)."""
    prices, oi = np.asarray(prices, dtype=float), np.asarray(oi, dtype=float)
    return pd.DataFrame(
        {"timestamp": pd.date_range(start, periods=len(prices), freq="B"), "futures_price": prices, "open_interest": oi}
    )
