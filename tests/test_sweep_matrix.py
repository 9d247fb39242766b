"""A window sweep as a P&L matrix (mesbook.studies.sweep_matrix): the same runs as the sweep, the twins, the verdict."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import mesbook as mb
from mesbook.constants import FUTURES_MULTIPLIER
from mesbook.engine.settings import ARTICLE, REALISTIC
from mesbook.studies import multiple_testing as mt
from mesbook.studies import sweep_matrix as sm
from mesbook.studies.sweep import sweep_windows

from conftest import frame_from

SHORTS, LONGS = (3, 6, 9), (8, 12, 20)


# --------------------------------------------------------------------------------------------------
# the sweep's P&L, random-entry twins and the verdict
# --------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def market() -> pd.DataFrame:
    return mb.simulate_market_data(500, seed=7)


def test_sweep_pnl_sums_to_the_sweeps_net_pnl(market):
    before = market.copy()
    pnl = sm.sweep_pnl(market, SHORTS, LONGS)
    table = sweep_windows(market, SHORTS, LONGS, statistic="net_pnl")
    assert list(pnl.columns.names) == ["short", "long", "gradient"]
    assert list(pnl.columns) == list(table[["short", "long", "gradient"]].itertuples(index=False, name=None))
    np.testing.assert_allclose(pnl.sum().to_numpy(), table["net_pnl"].to_numpy(), atol=1e-9)
    pd.testing.assert_frame_equal(market, before)  # input not modified


def test_random_twins_on_a_flat_price_lose_exactly_the_premiums():
    # Constant price on the strike grid: every trade is worth nothing and costs the premium, in any order.
    oi = 1000 + np.cumsum(np.random.default_rng(4).standard_normal(120) * 50)
    flat = frame_from(np.full(120, 4000.0), oi)
    pnl = sm.sweep_pnl(flat, (3,), (8,))
    twins = sm.random_entry_pnl(flat, (3,), (8,), draws=3, seed=1)
    trades = len(mb.run_backtest(flat, short_sma_window=3, long_sma_window=8).trades)
    premium = ARTICLE.fixed_premium_points * FUTURES_MULTIPLIER
    assert trades > 2
    assert pnl.sum().iloc[0] == pytest.approx(-premium * trades)
    assert twins.sum().iloc[0] == pytest.approx(-premium * trades)


def test_random_twins_are_bit_identical_for_a_seed(market):
    a = sm.random_entry_pnl(market, SHORTS, LONGS, draws=4, seed=3)
    pd.testing.assert_frame_equal(a, sm.random_entry_pnl(market, SHORTS, LONGS, draws=4, seed=3))
    assert not a.equals(sm.random_entry_pnl(market, SHORTS, LONGS, draws=4, seed=4))


def test_sweep_verdict_is_bit_identical_and_consistent(market):
    first = sm.sweep_verdict(market, SHORTS, LONGS, seed=1, reps=200)
    assert first == sm.sweep_verdict(market, SHORTS, LONGS, seed=1, reps=200)
    pnl = sm.sweep_pnl(market, SHORTS, LONGS)
    assert first.best_pnl == pytest.approx(pnl.sum()[first.best])
    assert first.n_strategies == 8 and first.n_bars == 500  # (9, 8) is not a pair: short < long
    assert first.best_sharpe == pytest.approx(mt.per_bar_sharpe(pnl).max() * math.sqrt(252))
    table = first.table()
    assert table.loc["strategies tested", "value"] == "8"


def test_the_matrix_needs_fast_path_settings(market):
    with pytest.raises(ValueError, match="sweep_pnl needs settings that execute trades as the article does"):
        sm.sweep_pnl(market, SHORTS, LONGS, settings=REALISTIC)
    with pytest.raises(ValueError, match="random_entry_pnl needs settings"):
        sm.random_entry_pnl(market, SHORTS, LONGS, settings=REALISTIC)
