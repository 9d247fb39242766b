"""Risk rules over many markets (mesbook.studies.risk_rules)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import mesbook as mb
from mesbook.parallel import task_seeds
from mesbook.studies.risk_rules import RISK_COLUMNS, RISK_RULES, risk_rules_table
from mesbook.data.synthetic import seeded_market


@pytest.fixture(scope="module")
def table():
    return risk_rules_table(num_seeds=4, num_periods=300, seed=7)


def test_one_row_per_rule_with_the_base_first(table):
    assert list(table.index) == list(RISK_RULES) and list(table.columns) == list(RISK_COLUMNS)
    assert table.loc["no rule", "change ($)"] == 0 and table.loc["no rule", "change std error ($)"] == 0
    base = table.loc["no rule", "mean net P&L ($)"]
    np.testing.assert_allclose(table["change ($)"], table["mean net P&L ($)"] - base, atol=0.02)
    assert (table["mean max drawdown (%)"] <= 0).all()
    assert (table["worst market ($)"] <= table["mean net P&L ($)"]).all()


def test_cells_are_the_engine_runs(table):
    pnl = [mb.run_backtest(seeded_market("realistic", 300, child), mb.REALISTIC.replace(stop_loss=0.5)).net_pnl
           for child in task_seeds(7, 4)]
    assert table.loc["stop-loss: option at half its price", "mean net P&L ($)"] == pytest.approx(np.mean(pnl), abs=0.01)


def test_drawdown_switch_never_trades_more(table):
    assert table.loc["drawdown switch: 2 % below the peak", "mean trades"] <= table.loc["no rule", "mean trades"]


def test_custom_rules_and_errors():
    custom = risk_rules_table(num_seeds=2, num_periods=200, rules={"base": {}, "tight": {"stop_loss": 0.2}},
                              generator="article")
    assert list(custom.index) == ["base", "tight"]
    with pytest.raises(ValueError):
        risk_rules_table(num_seeds=2, rules={})
    with pytest.raises(ValueError):
        risk_rules_table(num_seeds=2, rules={"bad": {"stop_los": 0.2}})
    with pytest.raises(TypeError):
        risk_rules_table(num_seeds=2, base="REALISTIC")
    with pytest.raises(ValueError):
        risk_rules_table(num_seeds=2, generator="weekly")


def test_local_processes_and_dask_give_the_serial_table(table):
    pd.testing.assert_frame_equal(risk_rules_table(num_seeds=4, num_periods=300, seed=7, n_jobs=2), table)
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0") as cluster:
        with distributed.Client(cluster) as client:
            pd.testing.assert_frame_equal(risk_rules_table(num_seeds=4, num_periods=300, seed=7, client=client), table)
