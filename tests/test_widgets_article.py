"""Explorers of part 1, chapters 1-5 (mesbook.widgets.article), driven from code."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import mesbook as mb
from mesbook import plots, widgets


@pytest.fixture(scope="module")
def book_data() -> pd.DataFrame:
    return mb.simulate_market_data(500, seed=7)


@pytest.fixture(scope="module")
def all_explorers(book_data):
    return {
        "payoff": widgets.payoff_explorer(),
        "oi": widgets.oi_explorer(),
        "indicator": widgets.indicator_explorer(book_data),
        "signal": widgets.signal_explorer(book_data),
        "simulation": widgets.simulation_explorer(book_data),
    }


def ydata(explorer, gid):
    return np.asarray(plots.artist(explorer.figure, gid).get_ydata(), dtype=float).copy()


@pytest.mark.parametrize("name", ["payoff", "oi", "indicator", "signal", "simulation"])
def test_explorer_is_a_container_with_a_quiet_text_form(all_explorers, name):
    import ipywidgets

    ex = all_explorers[name]
    assert isinstance(ex, ipywidgets.VBox)
    assert repr(ex) == widgets.STATIC_TEXT
    assert ex._repr_mimebundle_()["text/plain"] == widgets.STATIC_TEXT
    assert ex.image.value[:8] == b"\x89PNG\r\n\x1a\n"
    assert ex.image in ex.children and ex.message in ex.children
    assert ex.last_valid == ex.params


def test_indicator_update_changes_the_figure(book_data):
    ex = widgets.indicator_explorer(book_data)
    before, png = ydata(ex, "short"), ex.image.value
    assert ex.update(short=12) is True
    after = ydata(ex, "short")
    expected = mb.calculate_indicators(book_data, 12, 30)["oi_short_sma"].to_numpy()
    np.testing.assert_allclose(after[11:], expected[11:])
    assert np.isnan(after[:11]).all()
    assert not np.allclose(before[20:], after[20:])
    assert ex.image.value != png
    assert ex.params["short"] == 12 and ex.controls["short"].value == 12


def test_window_too_long_gives_a_message_not_an_error(book_data):
    ex = widgets.signal_explorer(book_data)
    before, png = plots.artist(ex.figure, "buy_oi").get_data(), ex.image.value
    assert ex.update(short=30, long=30) is False
    assert "must be shorter" in ex.message.value
    assert plots.artist(ex.figure, "buy_oi").get_data()[0] is before[0]
    assert ex.image.value == png
    assert ex.last_valid["short"] == 10
    assert ex.update(short=10) is True
    assert ex.message.value == ""


def test_moving_a_slider_runs_the_callback(book_data):
    ex = widgets.simulation_explorer(book_data)
    ex.controls["long"].value = 40  # as if the reader moved the slider
    _, expected = mb.run_article(book_data, long_sma_window=40)
    np.testing.assert_allclose(ydata(ex, "equity"), expected.equity.to_numpy())
    ex.controls["short"].value = 45  # now short > long: message, no crash
    assert "must be shorter" in ex.message.value


def test_gradient_window_changes_nothing_but_says_so(book_data):
    ex = widgets.indicator_explorer(book_data)
    before = ydata(ex, "gap")
    assert ex.update(gradient=17) is True
    np.testing.assert_array_equal(ydata(ex, "gap"), before)
    assert "never use" in ex.message.value


def test_signal_explorer_matches_the_pipeline(book_data):
    ex = widgets.signal_explorer(book_data)
    ex.update(short=7, long=25)
    frame = mb.generate_signals(mb.calculate_indicators(book_data, 7, 25))
    buy_bars = np.flatnonzero(frame["signal"].astype(str).to_numpy() == "BUY")
    x, _ = plots.artist(ex.figure, "buy_oi").get_data()
    assert len(x) == len(buy_bars)
    assert pd.DatetimeIndex(x).equals(pd.DatetimeIndex(frame["timestamp"].iloc[buy_bars]))


def test_simulation_explorer_matches_run_article_and_caches(book_data):
    ex = widgets.simulation_explorer(book_data)
    ex.update(short=12, long=40)
    _, expected = mb.run_article(book_data, short_sma_window=12, long_sma_window=40)
    assert ex.result(12, 40).final_value == pytest.approx(expected.final_value)
    assert ex.result(12, 40) is ex.result(12, 40)
    cached = ex.sma(12)
    ex.update(short=10)
    ex.update(short=12)
    assert ex.sma(12) is cached  # each window's average is computed once
    np.testing.assert_array_equal(cached, mb.calculate_indicators(book_data, 12, 40)["oi_short_sma"].to_numpy())


def test_payoff_explorer(all_explorers):
    ex = widgets.payoff_explorer()
    assert ex.update(strike=4520.0, premium=5.0) is True
    x, y = plots.artist(ex.figure, "call").get_data()
    at = np.argmin(np.abs(np.asarray(x) - 4530.0))
    assert y[at] == pytest.approx(10 * 5 - 25.0)
    assert "$25.00" in ex.message.value
    assert ex.update(strike=4503.0) is False and "every 5 points" in ex.message.value


def test_oi_explorer_price_drift_leaves_open_interest_alone():
    ex = widgets.oi_explorer(seed=7)
    oi_before = ydata(ex, "oi")
    price_before = ydata(ex, "price")
    assert ex.update(price_drift=0.6) is True
    np.testing.assert_array_equal(ydata(ex, "oi"), oi_before)
    np.testing.assert_allclose(ydata(ex, "price") - price_before, 0.5 * np.arange(1, 501))
    ex.update(seed=8)
    assert not np.allclose(ydata(ex, "oi"), oi_before)
