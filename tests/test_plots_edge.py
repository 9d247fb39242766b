"""Figures of part 3, chapters 8-10 (mesbook.plots.edge); their tables are tested with their studies."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import mesbook as mb
from mesbook import plots
from mesbook.formatting import format_p
from mesbook.studies.luck import best_pairs
from mesbook.studies.sweep import SWEEP_LONGS, SWEEP_SHORTS

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def book_data() -> pd.DataFrame:
    return mb.simulate_market_data(500, seed=7)


@pytest.fixture(scope="module")
def sweep_table(book_data) -> pd.DataFrame:
    return mb.sweep_windows(book_data, SWEEP_SHORTS, SWEEP_LONGS)


@pytest.fixture(scope="module")
def small_mc():
    return mb.monte_carlo(40, 300, seed=7), mb.monte_carlo(40, 300, seed=7, coupling=0.1)


@pytest.fixture(scope="module")
def realistic_run():
    market = mb.simulate_realistic_market(500, seed=7)
    result = mb.run_backtest(market, mb.REALISTIC)
    return market, result, mb.attribute_pnl(market, mb.REALISTIC, result=result)


def texts(fig) -> str:
    parts = []
    for ax in fig.axes:
        parts += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
        legend = ax.get_legend()
        if legend is not None:
            parts += [t.get_text() for t in legend.get_texts()]
        parts += [t.get_text() for t in ax.texts]
        parts += [t.get_text() for t in ax.get_xticklabels()]
    return " | ".join(parts)


# -- chapter 8 ----------------------------------------------------------------------------------------

def test_sweep_figure_marks_the_best_and_the_article(sweep_table):
    fig = plots.sweep_figure(sweep_table)
    matrix = mb.sweep_heatmap(sweep_table)
    image = plots.artist(fig, "heatmap")
    np.testing.assert_allclose(np.ma.filled(image.get_array(), np.nan), matrix.to_numpy(), equal_nan=True)
    row, col = np.unravel_index(np.nanargmax(matrix.to_numpy()), matrix.shape)
    assert plots.artist(fig, "best").get_data() == ([col], [row])
    assert plots.artist(fig, "article").get_data() == ([list(matrix.columns).index(30)], [list(matrix.index).index(10)])
    assert "ranks 13" in fig.axes[0].get_title() and "8 / 60" in fig.axes[0].get_title()
    assert len([t for t in fig.axes[0].texts if t.get_gid() == "cell"]) == 100
    assert fig.png_bytes()[:8] == PNG_MAGIC


def test_set_sweep_switches_statistic_and_colour_scale(book_data, sweep_table):
    fig = plots.sweep_figure(sweep_table)
    trades = mb.sweep_windows(book_data, SWEEP_SHORTS, SWEEP_LONGS, statistic="trades")
    plots.set_sweep(fig, trades, market="seed 7")
    image = plots.artist(fig, "heatmap")
    assert image.get_cmap().name.startswith("cividis")
    assert image.get_clim() == (trades["trades"].min(), trades["trades"].max())
    assert image.colorbar.ax.get_ylabel() == "trades"
    assert len([t for t in fig.axes[0].texts if t.get_gid() == "cell"]) == 100  # old labels removed


def test_best_pairs_figure():
    best = best_pairs(range(3))
    fig = plots.best_pairs_figure(best)
    assert "3 markets" in fig.axes[0].get_title()


# -- chapter 9 ----------------------------------------------------------------------------------------

def test_monte_carlo_figure(small_mc):
    null, edge = small_mc
    fig = plots.monte_carlo_figure(null, edge)
    assert len(fig.axes) == 2
    assert f"p = {format_p(null.p_value)}" in fig.axes[0].get_title()
    counts = sum(p.get_height() for p in fig.axes[1].patches if p.get_gid() == "histogram")
    assert counts == edge.num_paths


def test_draw_monte_carlo_replaces_the_panel(small_mc):
    null, edge = small_mc
    fig = plots.monte_carlo_figure(null)
    plots.draw_monte_carlo(fig.axes[0], edge)
    assert "coupling 0.1" in fig.axes[0].get_title()
    assert sum(p.get_height() for p in fig.axes[0].patches if p.get_gid() == "histogram") == edge.num_paths
    assert fig.png_bytes()[:8] == PNG_MAGIC


def test_ladder_waterfall():
    ladder = mb.realism_ladder(4, 300, seed=7)
    fig = plots.ladder_figure(ladder)
    ax = fig.axes[0]
    steps = [p for p in ax.patches if p.get_width() == pytest.approx(0.56)]
    assert len(steps) == len(ladder)
    tops = [p.get_y() + p.get_height() for p in steps]
    np.testing.assert_allclose(tops, ladder["mean_pnl"].to_numpy())
    assert "costs" in texts(fig) and "From" in ax.get_title()


# -- chapter 10 ---------------------------------------------------------------------------------------

def test_attribution_figures(realistic_run):
    market, result, attribution = realistic_run
    fig = plots.attribution_figure(attribution)
    assert f"{len(attribution.trades)} trades" in fig.axes[0].get_title()
    one = plots.trade_attribution_figure(attribution, market, 0, result.trades["strike"])
    value = plots.artist(one, "cum_value").get_ydata()
    assert value[-1] == pytest.approx(attribution.trades["gross_pnl"].iloc[0])
    lines = sum(plots.artist(one, f"cum_{n}").get_ydata() for n in ("delta", "gamma", "theta", "vega", "residual"))
    np.testing.assert_allclose(lines, value, atol=1e-9)
    plots.set_trade_attribution(one, attribution, market, 3, result.trades["strike"])
    assert one.axes[0].get_title().startswith(f"Trade 4 of {len(attribution.trades)}")
    with pytest.raises(ValueError, match="trade must be"):
        plots.set_trade_attribution(one, attribution, market, len(attribution.trades))


def test_leak_figure(book_data):
    fig = plots.leak_figure(book_data, bar=252)
    assert "With bar 253: BUY. Without it: HOLD." in fig.axes[1].get_title()
    assert "+0.04" in texts(fig) and "−19.12" in texts(fig)
    with pytest.raises(ValueError, match="bar must"):
        plots.leak_figure(book_data, bar=len(book_data) - 1)
