"""Explorers of part 3, chapters 8-10 (mesbook.widgets.edge), driven from code."""
from __future__ import annotations

import ipywidgets
import numpy as np
import pytest

import mesbook as mb
from mesbook import plots, widgets
from mesbook.formatting import format_p
from mesbook.studies.sweep import SWEEP_LONGS, SWEEP_SHORTS


@pytest.fixture(scope="module")
def sweep_ex():
    return widgets.sweep_explorer()


@pytest.fixture(scope="module")
def mc_ex():
    return widgets.MonteCarloExplorer(coupling=0.1, paths=50)


@pytest.fixture(scope="module")
def realistic():
    return mb.simulate_realistic_market(500, seed=7)


@pytest.fixture(scope="module")
def trade_ex(realistic):
    return widgets.attribution_explorer(realistic)


def heatmap(explorer) -> np.ndarray:
    return np.ma.filled(plots.artist(explorer.figure, "heatmap").get_array(), np.nan)


@pytest.mark.parametrize("name", ["sweep_ex", "mc_ex", "trade_ex"])
def test_explorers_are_quiet_containers(name, request):
    ex = request.getfixturevalue(name)
    assert isinstance(ex, ipywidgets.VBox)
    assert repr(ex) == widgets.STATIC_TEXT
    assert ex.image.value[:8] == b"\x89PNG\r\n\x1a\n"
    assert ex.last_valid == ex.params


def test_sweep_explorer_starts_on_the_chapter_heatmap(sweep_ex):
    data = mb.simulate_market_data(500, seed=7)
    expected = mb.sweep_heatmap(mb.sweep_windows(data, SWEEP_SHORTS, SWEEP_LONGS)).to_numpy()
    sweep_ex.update(statistic="net_pnl", seed=7, signals="article", gradient=5)
    np.testing.assert_allclose(heatmap(sweep_ex), expected, equal_nan=True)
    assert sweep_ex.figure.axes[0].get_title().startswith("seed 7: net P&L of 100 window pairs")


def test_sweep_explorer_statistic_seed_and_gradient(sweep_ex):
    png = sweep_ex.image.value
    assert sweep_ex.update(statistic="sharpe", seed=3) is True
    data = mb.simulate_market_data(500, seed=3)
    expected = mb.sweep_heatmap(mb.sweep_windows(data, SWEEP_SHORTS, SWEEP_LONGS, statistic="sharpe"))
    np.testing.assert_allclose(heatmap(sweep_ex), expected.to_numpy(), equal_nan=True)
    assert sweep_ex.image.value != png and "seed 3: Sharpe ratio" in sweep_ex.figure.axes[0].get_title()
    before = heatmap(sweep_ex)
    assert sweep_ex.update(gradient=12) is True
    assert "never uses it" in sweep_ex.message.value
    np.testing.assert_array_equal(heatmap(sweep_ex), before)  # the centred gradient ignores the window
    assert sweep_ex.update(signals="backward") is True
    backward = mb.ARTICLE.replace(gradient="backward")
    expected = mb.sweep_windows(data, SWEEP_SHORTS, SWEEP_LONGS, (12,), settings=backward, statistic="sharpe")
    np.testing.assert_allclose(heatmap(sweep_ex), mb.sweep_heatmap(expected).to_numpy(), equal_nan=True)
    assert sweep_ex.message.value == ""
    assert (3, "sharpe", "backward", 12) in sweep_ex._tables  # cached


def test_sweep_explorer_refuses_bad_values(sweep_ex):
    before, png = sweep_ex.params, sweep_ex.image.value
    assert sweep_ex.update(statistic="profit") is False
    assert "must be one of" in sweep_ex.message.value
    assert sweep_ex.update(seed=5000) is False and "outside the slider" in sweep_ex.message.value
    assert sweep_ex.params == before and sweep_ex.image.value == png
    with pytest.raises(TypeError, match="unknown parameter"):
        sweep_ex.update(colour="red")


def test_monte_carlo_explorer_recomputes(mc_ex):
    expected = mb.monte_carlo(50, seed=7, coupling=0.1, generator="realistic")
    assert f"p = {format_p(expected.p_value)}" in mc_ex.figure.axes[0].get_title()
    assert mc_ex.update(coupling=0.0, paths=100) is True
    again = mb.monte_carlo(100, seed=7, coupling=0.0, generator="realistic")
    assert f"p = {format_p(again.p_value)}" in mc_ex.figure.axes[0].get_title()
    assert "100 paths" in mc_ex.figure.axes[0].get_title()
    assert f"t = {again.t_statistic:.2f}" in mc_ex.message.value
    assert mc_ex.update(paths=20) is False and "outside the slider" in mc_ex.message.value
    assert (0.0, 100) in mc_ex._results


def test_attribution_explorer_follows_the_trade(trade_ex, realistic):
    attribution = mb.attribute_pnl(realistic, mb.REALISTIC)
    count = len(attribution.trades)
    assert trade_ex.controls["trade"].max == count
    assert trade_ex.update(trade=12) is True
    row = attribution.trades.iloc[11]
    assert plots.artist(trade_ex.figure, "cum_value").get_ydata()[-1] == pytest.approx(row["gross_pnl"])
    assert plots.artist(trade_ex.figure, "net").get_ydata()[0] == pytest.approx(row["pnl"])
    assert "Trade 12 of" in trade_ex.figure.axes[0].get_title()
    assert f"net +${row['pnl']:,.2f}" in trade_ex.message.value
    assert trade_ex.update(trade=count + 1) is False


def test_attribution_explorer_needs_model_prices(realistic):
    with pytest.raises(ValueError, match="Black-76"):
        widgets.attribution_explorer(realistic, mb.ARTICLE)
