"""Figures of part 2, chapters 6-7 (mesbook.plots.honest)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.patches import FancyBboxPatch

import mesbook as mb
from mesbook import plots
from mesbook.studies import caveats
from mesbook.options import tables as greeks


def png_ok(fig) -> None:
    data = fig.png_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5_000


@pytest.fixture(scope="module")
def effects():
    return caveats.caveat_effects("article", num_seeds=3, num_periods=250, seed=7)


def test_caveat_figure_one_panel_per_table(effects):
    fig = plots.caveat_figure(effects, effects)
    assert isinstance(fig, plots.BookFigure) and len(fig.axes) == 2
    ax = fig.axes[0]
    assert len(ax.patches) == len(effects)
    widths = sorted(p.get_width() for p in ax.patches)
    np.testing.assert_allclose(widths, sorted(effects["change"]))
    by_height = dict(zip(ax.get_yticks(), (t.get_text() for t in ax.get_yticklabels())))
    assert [by_height[y] for y in sorted(by_height, reverse=True)] == list(effects["honest"])  # first caveat on top
    assert "the article's market" in ax.get_title()
    png_ok(fig)


def test_caveat_equity_figure_and_its_setter():
    data = mb.simulate_market_data(300, seed=7)
    base, chosen = mb.run_backtest(data), caveats.run_caveats(data, ["costs"])
    fig = plots.caveat_equity_figure(base, chosen, "costs")
    np.testing.assert_allclose(plots.artist(fig, "chosen").get_ydata(), chosen.equity.to_numpy())
    other = caveats.run_caveats(data, ["strike"])
    plots.set_caveat_equity(fig, base, other, "strike")
    np.testing.assert_allclose(plots.artist(fig, "chosen").get_ydata(), other.equity.to_numpy())
    assert f"{len(other.trades)} trades" in fig.axes[0].get_title()
    assert plots.artist(fig, "chosen").get_label() == "strike"
    png_ok(fig)


def test_option_price_and_greeks_figures():
    fig = plots.option_price_figure(greeks.price_by_strike(), greeks.price_by_time())
    assert len(fig.axes) == 2 and "142 points" in fig.axes[1].get_title()
    png_ok(fig)
    curves = greeks.greek_curves(4000.0, 91, 0.18, 0.04)
    fig = plots.greeks_figure(curves, 4000.0, 91, 0.18)
    assert len(fig.axes) == 6
    np.testing.assert_allclose(plots.artist(fig, "greek:gamma").get_ydata(), curves["gamma"])
    assert "141.95" in plots.artist(fig, "summary").get_text()
    plots.set_greeks(fig, greeks.greek_curves(4100.0, 10, 0.3, 0.04), 4100.0, 10, 0.3)
    assert "10-day" in fig._suptitle.get_text()
    assert list(plots.artist(fig, "strike:delta").get_xdata()) == [4100.0, 4100.0]
    png_ok(fig)


def test_walk_forward_figure():
    table = pd.DataFrame({"short": [5, 10], "long": [30, 40], "in_sample": [1.0, 0.5], "out_of_sample": [-0.2, 0.7],
                          "test_median": [0.0, 0.1]})
    table.attrs["statistic"] = "Sharpe Ratio"
    fig = plots.walk_forward_figure(table)
    assert "gap 0.50" in fig.axes[0].get_title()
    png_ok(fig)


def test_broker_loop_is_seven_boxes_and_no_code():
    fig = plots.broker_loop_figure()
    boxes = [p for p in fig.axes[0].patches if isinstance(p, FancyBboxPatch)]
    assert len(boxes) == len(plots.LOOP_BOXES) == 7
    texts = " ".join(t.get_text() for t in fig.axes[0].texts)
    for word in ("kill switch", "idempotent", "reconcile", "broker API (paper)"):
        assert word in texts
    png_ok(fig)


def test_real_data_figure():
    pytest.importorskip("arch")
    from mesbook.studies import real_runs as real_backtest

    markets = real_backtest.real_markets()
    fig = plots.real_data_figure(markets, real_backtest.real_results(markets=markets))
    assert len(fig.axes) == 3
    labels = [t.get_text() for t in fig.axes[2].get_legend().get_texts()]
    assert any("published" in label for label in labels) and any("Tuesday" in label for label in labels)
    png_ok(fig)


def test_new_names_are_exported():
    for name in ("caveat_figure", "caveat_equity_figure", "set_caveat_equity", "option_price_figure", "greeks_figure",
                 "set_greeks", "walk_forward_figure", "real_data_figure", "broker_loop_figure"):
        assert name in plots.__all__ and callable(getattr(plots, name))
