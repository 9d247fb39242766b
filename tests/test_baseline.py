"""The no-edge expectation (mesbook.studies.baseline): rows are the runs they name, and add up."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import mesbook as mb
from mesbook.data.synthetic import Sample, seeded_market
from mesbook.engine.settings import ARTICLE, NO_COMMISSION, REALISTIC
from mesbook.parallel import task_seeds
from mesbook.studies.baseline import (
    EXPECTATION_ROW,
    NO_EDGE_COLUMNS,
    NO_EDGE_ROWS,
    no_edge_runs,
    no_edge_steps,
    no_edge_table,
    summarize_no_edge,
)

SEEDS, BARS = 12, 300


@pytest.fixture(scope="module")
def runs() -> pd.DataFrame:
    return no_edge_runs(REALISTIC, Sample("article", SEEDS, BARS, 7))


def test_steps_take_off_the_premium_and_the_costs():
    (fair_name, fair), (premium_name, premium), (last_name, last) = no_edge_steps(REALISTIC)
    assert (fair_name, premium_name, last_name) == NO_EDGE_ROWS[:3] and last_name == EXPECTATION_ROW
    assert last == REALISTIC
    assert set(fair.differences(REALISTIC)) == {"implied_vol_ratio", "commission", "slippage_ticks", "half_spread_ticks"}
    assert premium.differences(fair) == {"implied_vol_ratio": (REALISTIC.implied_vol_ratio, 1.0)}
    assert fair.commission == NO_COMMISSION and fair.slippage_ticks == fair.half_spread_ticks == 0


def test_rows_are_the_runs_they_name(runs):
    market = 4
    child = task_seeds(7, SEEDS)[market]
    flat, drifting = seeded_market("article_driftless", BARS, child), seeded_market("article", BARS, child)
    steps = dict(no_edge_steps(REALISTIC))
    for name in NO_EDGE_ROWS[:3]:
        assert runs[("pnl", name)].iloc[market] == mb.run_backtest(flat, steps[name]).net_pnl
    assert runs[("pnl", NO_EDGE_ROWS[3])].iloc[market] == mb.run_backtest(drifting, REALISTIC).net_pnl
    assert runs[("trades", NO_EDGE_ROWS[3])].iloc[market] == len(mb.run_backtest(drifting, REALISTIC).trades)


def test_the_costs_step_is_exactly_the_costs_paid(runs):
    # Same trades with and without costs (nothing sizes on cash here): the step is minus what was charged.
    child = task_seeds(7, SEEDS)
    charged = [mb.run_backtest(seeded_market("article_driftless", BARS, c), REALISTIC).total_costs for c in child]
    step = runs[("pnl", EXPECTATION_ROW)] - runs[("pnl", NO_EDGE_ROWS[1])]
    np.testing.assert_allclose(step.to_numpy(), -np.array(charged), atol=1e-9)
    np.testing.assert_array_equal(runs[("trades", EXPECTATION_ROW)], runs[("trades", NO_EDGE_ROWS[1])])


def test_table_arithmetic(runs):
    table = summarize_no_edge(runs)
    assert list(table.index) == list(NO_EDGE_ROWS) and list(table.columns) == list(NO_EDGE_COLUMNS)
    pnl = runs["pnl"]
    np.testing.assert_allclose(table["mean_pnl"], pnl[list(NO_EDGE_ROWS)].mean())
    np.testing.assert_allclose(table["change"].iloc[1:], np.diff(table["mean_pnl"]), atol=1e-9)
    np.testing.assert_allclose(table["high_95"] - table["mean_pnl"], 1.96 * table["std_error"])
    np.testing.assert_allclose(table["pnl_per_trade"], pnl.sum() / runs["trades"].sum())
    assert np.isnan(table["change"].iloc[0])


def test_no_premium_and_no_costs_leave_those_steps_at_zero():
    bare = REALISTIC.replace(implied_vol_ratio=1.0, commission=NO_COMMISSION, slippage_ticks=0.0, half_spread_ticks=0.0)
    table = no_edge_table(bare, "article", 4, 200, seed=1)
    assert table.loc[NO_EDGE_ROWS[1], "change"] == 0 and table.loc[EXPECTATION_ROW, "change"] == 0


def test_a_fair_buyer_on_a_driftless_market_expects_about_nothing():
    # Fair options (priced at the market's volatility), no trend, no costs: consistent with zero, while
    # the variance premium and the costs are sure losses.
    table = no_edge_table(REALISTIC, "realistic", 40, 250, seed=3)
    fair = table.loc[NO_EDGE_ROWS[0]]
    assert fair["low_95"] < 0 < fair["high_95"]
    assert table.loc[NO_EDGE_ROWS[1], "change"] + 3 * table.loc[NO_EDGE_ROWS[1], "change_std_error"] < 0
    assert table.loc[EXPECTATION_ROW, "change"] < 0


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(settings=ARTICLE), ValueError, "pricing='black76'"),
    (dict(generator="article_driftless"), ValueError, "generator='article_driftless' is not an option"),
    (dict(generator="article", coupling=0.1), ValueError, "coupling"),
    (dict(settings="REALISTIC"), TypeError, "BacktestSettings"),
    (dict(num_seeds=1), ValueError, "num_seeds"),
])
def test_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        no_edge_table(**{"num_seeds": 2, "num_periods": 60, **kwargs})


def test_variance_premium_sensitivity_scales_with_the_ratio():
    from mesbook.studies.baseline import SMALLER_VOL_RATIO, variance_premium_sensitivity

    table = variance_premium_sensitivity([1.0, SMALLER_VOL_RATIO, mb.REALISTIC.implied_vol_ratio], num_seeds=6,
                                         num_periods=300)
    steps = table["premium step ($)"].to_numpy()
    assert steps[0] == 0.0  # no premium, no step: the same runs twice
    assert steps[2] < steps[1] < 0  # a dearer option costs a buyer more
    assert table.index[1] == pytest.approx(1.16, abs=0.005)
    expect = table["no-edge expectation ($)"].to_numpy()
    assert (table["low 95 ($)"] <= expect).all() and (expect <= table["high 95 ($)"]).all()
