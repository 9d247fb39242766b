"""Explorers of part 2, chapters 6-7 (mesbook.widgets.honest), driven from code."""
from __future__ import annotations

import numpy as np
import pytest

import mesbook as mb
from mesbook import plots, widgets
from mesbook.studies import caveats


@pytest.fixture(scope="module")
def caveat_ex():
    return widgets.caveat_explorer(checked=("marks", "expiry", "costs"))


def test_caveat_explorer_starts_with_the_chosen_boxes(caveat_ex):
    assert repr(caveat_ex) == widgets.STATIC_TEXT
    assert caveat_ex.params["market"] == "article"
    assert caveat_ex.checked(caveat_ex.params) == ("marks", "expiry", "costs")
    expected = caveats.run_caveats(mb.simulate_market_data(500, seed=7), ["marks", "expiry", "costs"])
    np.testing.assert_allclose(plots.artist(caveat_ex.figure, "chosen").get_ydata(), expected.equity.to_numpy())
    assert "+$76.12" in caveat_ex.message.value
    assert caveat_ex.image.value[:4] == b"\x89PNG"


def test_caveat_explorer_boxes_and_market(caveat_ex):
    assert caveat_ex.update(market="realistic", fill=True)
    realistic = mb.simulate_realistic_market(500, seed=7)
    expected = caveats.run_caveats(realistic, ["fill", "marks", "expiry", "costs"], "realistic")
    np.testing.assert_allclose(plots.artist(caveat_ex.figure, "chosen").get_ydata(), expected.equity.to_numpy())
    np.testing.assert_allclose(plots.artist(caveat_ex.figure, "base").get_ydata(),
                               mb.run_backtest(realistic).equity.to_numpy())
    assert caveat_ex.update(fill=False, marks=False, expiry=False, costs=False, position=True)
    assert caveat_ex.last_valid["position"] is True
    assert caveat_ex.update(market="article", position=False)


def test_caveat_explorer_caches_and_refuses_bad_values(caveat_ex):
    caveat_ex.update(market="article", costs=True)
    run = caveat_ex.run("article", ("costs",))
    assert caveat_ex.run("article", ("costs",)) is run
    before = caveat_ex.last_valid
    assert not caveat_ex.update(costs=1)
    assert "checkbox" in caveat_ex.message.value
    assert not caveat_ex.update(market="weekly")
    assert caveat_ex.last_valid == before
    with pytest.raises(TypeError):
        caveat_ex.update(colour=True)
    with pytest.raises(ValueError):
        widgets.caveat_explorer(checked=("bogus",))


def test_greeks_explorer_redraws():
    ex = widgets.greeks_explorer()
    assert "141.95" in plots.artist(ex.figure, "summary").get_text()
    assert ex.update(strike=4100.0, days=10, vol=30.0)
    text = plots.artist(ex.figure, "summary").get_text()
    assert "strike 4,100, 10 days, vol 30 %" in text
    curve = plots.artist(ex.figure, "greek:call").get_ydata()
    assert curve.shape == ex.futures.shape
    assert not ex.update(strike=4101.0)
    assert "5 points" in ex.message.value
    assert not ex.update(days=400)


def test_new_names_are_exported():
    for name in ("CaveatExplorer", "GreeksExplorer", "caveat_explorer", "greeks_explorer"):
        assert name in widgets.__all__
