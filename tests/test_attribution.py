from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import mesbook as mb
from mesbook.studies.attribution import COMPONENTS, Attribution, attribute_pnl, attribution_table
from mesbook.engine.settings import ARTICLE, REALISTIC
from mesbook.data.synthetic import simulate_realistic_market


@pytest.fixture(scope="module")
def market() -> pd.DataFrame:
    return simulate_realistic_market(1500, seed=4)


@pytest.fixture(scope="module")
def attribution(market) -> Attribution:
    return attribute_pnl(market, REALISTIC)


def test_parts_sum_to_each_trades_pnl(attribution, market):
    t = attribution.trades
    expected = mb.run_backtest(market, REALISTIC).trades
    assert len(t) == len(expected) > 10
    np.testing.assert_array_equal(t["pnl"], expected["pnl"])
    parts = t[list(COMPONENTS)].sum(axis=1)
    np.testing.assert_allclose(parts, t["gross_pnl"], rtol=0, atol=1e-9)
    np.testing.assert_allclose(parts - t["costs"], t["pnl"], rtol=0, atol=1e-9)
    totals = attribution.totals()
    assert totals["pnl"] == pytest.approx(mb.run_backtest(market, REALISTIC).net_pnl, abs=1e-6)


def test_bar_steps_rebuild_each_trade(attribution):
    bars, t = attribution.bars, attribution.trades
    per_trade = bars.groupby("trade")["value_change"].sum()
    np.testing.assert_allclose(per_trade, t["gross_pnl"], rtol=1e-12, atol=1e-9)
    assert (bars.groupby("trade").size().to_numpy() == (t["exit_bar"] - t["entry_bar"]).to_numpy()).all()
    np.testing.assert_allclose(bars[list(COMPONENTS)].sum(axis=1), bars["value_change"], atol=1e-9)


def test_residual_is_small_on_daily_bars(attribution):
    t = attribution.trades
    assert np.median(np.abs(t["residual"])) < 0.10 * np.median(np.abs(t["pnl"]))


def test_greeks_have_the_expected_signs(attribution):
    bars, t = attribution.bars, attribution.trades
    call = (t["option_type"] == "CALL").to_numpy()[bars["trade"]]
    moved = bars["futures_change"].to_numpy() != 0
    direction = np.sign(bars["futures_change"].to_numpy()) * np.where(call, 1, -1)
    assert (np.sign(bars["delta"].to_numpy())[moved] == direction[moved]).all()  # calls gain on up-moves, puts on down
    assert (bars["gamma"] >= 0).all()  # long options: curvature always helps
    assert attribution.totals()["theta"] < 0  # time decay costs the option buyer
    assert (bars["years_elapsed"] >= 0).all()


def test_no_expiry_means_no_theta_and_constant_vol_no_vega(market):
    never = attribute_pnl(market, REALISTIC.replace(expiry_cycle=None))
    assert (never.trades["theta"] == 0).all()
    constant = attribute_pnl(market, REALISTIC.replace(volatility="constant"))
    assert (constant.trades["vega"] == 0).all()
    assert np.abs(constant.trades["residual"]).median() < 0.10 * np.abs(constant.trades["pnl"]).median()


def test_money_is_in_dollars(market):
    settings = REALISTIC.replace(commission=mb.Commission(0, 0, 0), slippage_ticks=0.0, half_spread_ticks=0.0)
    five, fifty = attribute_pnl(market, settings), attribute_pnl(market, settings, multiplier=50)
    for name in (*COMPONENTS, "pnl"):
        np.testing.assert_allclose(fifty.trades[name], 10 * five.trades[name], rtol=1e-9, atol=1e-6)


def test_an_existing_result_can_be_attributed(market, attribution):
    result = mb.run_backtest(market, REALISTIC)
    pd.testing.assert_frame_equal(attribute_pnl(market, REALISTIC, result=result).trades, attribution.trades)
    other = mb.run_backtest(market, REALISTIC.replace(rate=0.10))
    with pytest.raises(ValueError, match="same data, settings"):
        attribute_pnl(market, REALISTIC, result=other)
    with pytest.raises(TypeError, match="SimulationResult"):
        attribute_pnl(market, REALISTIC, result=result.trades)


def test_summary_and_input_untouched(market):
    before = market.copy()
    text = repr(attribute_pnl(market, REALISTIC))
    pd.testing.assert_frame_equal(market, before)
    assert "delta" in text and "residual" in text and "dollars" in text


@pytest.mark.parametrize("settings, error, match", [
    (ARTICLE, ValueError, "pricing='black76'"),
    (REALISTIC.replace(exercise="american"), ValueError, "exercise='european'"),
    ("REALISTIC", TypeError, "BacktestSettings"),
])
def test_bad_settings(market, settings, error, match):
    with pytest.raises(error, match=match):
        attribute_pnl(market.iloc[:200], settings)


def test_no_trades_gives_empty_tables():
    flat = mb.simulate_market_data(40, seed=1)
    empty = attribute_pnl(flat, REALISTIC)
    assert len(empty.trades) == 0 and len(empty.bars) == 0
    assert empty.totals()["pnl"] == 0


def test_attribution_table_adds_up(attribution):
    table = attribution_table(attribution)["total ($)"]
    parts = table[list(COMPONENTS)].sum()
    assert parts == pytest.approx(table["= gross P&L"], abs=0.05)
    assert table["= gross P&L"] + table["costs"] == pytest.approx(table["= net P&L"], abs=0.02)
    assert table["= net P&L"] == pytest.approx(attribution.trades["pnl"].sum(), abs=0.01)
    helped = attribution_table(attribution)["trades it helped"]
    assert helped["costs"] == 0  # costs are paid, never earned
