"""Figures and tables of chapters 8-10 (the 'Is there an edge?' part of mesbook.plots)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import mesbook as mb
from mesbook import plots

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def book_data() -> pd.DataFrame:
    return mb.simulate_market_data(500, seed=7)


@pytest.fixture(scope="module")
def sweep_table(book_data) -> pd.DataFrame:
    return mb.sweep_windows(book_data, plots.SWEEP_SHORTS, plots.SWEEP_LONGS)


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

def test_sweep_grid_is_the_chapter_grid(sweep_table):
    assert plots.SWEEP_SHORTS == tuple(range(2, 21, 2)) and plots.SWEEP_LONGS == tuple(range(10, 61, 5))
    assert len(sweep_table) == 100 and (sweep_table["short"] < sweep_table["long"]).all()


def test_sweep_rank_counts_better_pairs(sweep_table):
    rank = plots.sweep_rank(sweep_table)
    article = sweep_table.query("short == 10 and long == 30")["net_pnl"].iloc[0]
    assert rank == 1 + int((sweep_table["net_pnl"] > article).sum())
    best = sweep_table.loc[sweep_table["net_pnl"].idxmax()]
    assert plots.sweep_rank(sweep_table, int(best["short"]), int(best["long"])) == 1
    with pytest.raises(KeyError, match="not in the table"):
        plots.sweep_rank(sweep_table, 3, 11)


def test_sweep_leaders_lists_the_top_and_the_article(sweep_table):
    leaders = plots.sweep_leaders(sweep_table, top=5)
    assert list(leaders.index[:5]) == [1, 2, 3, 4, 5]
    assert leaders["net P&L ($)"].iloc[:5].is_monotonic_decreasing
    assert leaders.index[-1] == plots.sweep_rank(sweep_table)
    assert tuple(leaders.iloc[-1][["short", "long"]]) == (10, 30)
    assert leaders["share of pairs it beats (%)"].iloc[0] == 100.0


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
    trades = mb.sweep_windows(book_data, plots.SWEEP_SHORTS, plots.SWEEP_LONGS, statistic="trades")
    plots.set_sweep(fig, trades, market="seed 7")
    image = plots.artist(fig, "heatmap")
    assert image.get_cmap().name.startswith("cividis")
    assert image.get_clim() == (trades["trades"].min(), trades["trades"].max())
    assert image.colorbar.ax.get_ylabel() == "trades"
    assert len([t for t in fig.axes[0].texts if t.get_gid() == "cell"]) == 100  # old labels removed


def test_best_pairs_per_seed():
    best = plots.best_pairs(range(3))
    assert list(best.index) == [0, 1, 2]
    for seed, row in best.iterrows():
        table = mb.sweep_windows(mb.simulate_market_data(500, seed=seed), plots.SWEEP_SHORTS, plots.SWEEP_LONGS)
        top = table.loc[table["net_pnl"].idxmax()]
        assert (row["short"], row["long"]) == (top["short"], top["long"])
        assert row["net P&L ($)"] == round(top["net_pnl"], 2)
    fig = plots.best_pairs_figure(best)
    assert "3 markets" in fig.axes[0].get_title()


def test_walk_forward_table_keeps_fold_numbers_and_adds_means():
    history = mb.simulate_market_data(900, seed=7)
    folds = mb.walk_forward(history, (4, 8), (20, 40), train_bars=200, test_bars=200, statistic="net_pnl")
    table = plots.walk_forward_table(folds)
    assert list(table.index) == [*folds.index, "mean"]
    assert table.loc[0, "trained on bars"] == "0–199" and table.loc[0, "tested on bars"] == "200–399"
    assert table.loc[0, "chosen pair"] == f"{folds.loc[0, 'short']} / {folds.loc[0, 'long']}"
    assert table.loc["mean", "out-of-sample"] == round(folds["out_of_sample"].mean(), 2)


# -- chapter 9 ----------------------------------------------------------------------------------------

def test_format_p():
    assert plots.format_p(0.75473) == "0.755"
    assert plots.format_p(3.69e-17) == "3.7e-17"
    assert plots.format_p(float("nan")) == "n/a"


def test_monte_carlo_table_and_figure(small_mc):
    null, edge = small_mc
    table = plots.monte_carlo_table(null, edge)
    assert list(table.index) == ["article's market", "realistic market, coupling 0.1"]
    assert table.loc["article's market", "difference ($)"] == round(null.mean_difference, 2)
    assert table.loc["realistic market, coupling 0.1", "p-value"] == plots.format_p(edge.p_value)
    with pytest.raises(ValueError, match="names"):
        plots.monte_carlo_table(null, names=["a", "b"])
    fig = plots.monte_carlo_figure(null, edge)
    assert len(fig.axes) == 2
    assert f"p = {plots.format_p(null.p_value)}" in fig.axes[0].get_title()
    counts = sum(p.get_height() for p in fig.axes[1].patches if p.get_gid() == "histogram")
    assert counts == edge.num_paths


def test_draw_monte_carlo_replaces_the_panel(small_mc):
    null, edge = small_mc
    fig = plots.monte_carlo_figure(null)
    plots.draw_monte_carlo(fig.axes[0], edge)
    assert "coupling 0.1" in fig.axes[0].get_title()
    assert sum(p.get_height() for p in fig.axes[0].patches if p.get_gid() == "histogram") == edge.num_paths
    assert fig.png_bytes()[:8] == PNG_MAGIC


def test_ladder_table_and_waterfall():
    ladder = mb.realism_ladder(4, 300, seed=7)
    table = plots.ladder_table(ladder)
    assert list(table.index) == list(ladder.index)
    assert table["step ($)"].iloc[1:].tolist() == ladder["change"].round(1).iloc[1:].tolist()
    fig = plots.ladder_figure(ladder)
    ax = fig.axes[0]
    steps = [p for p in ax.patches if p.get_width() == pytest.approx(0.56)]
    assert len(steps) == len(ladder)
    tops = [p.get_y() + p.get_height() for p in steps]
    np.testing.assert_allclose(tops, ladder["mean_pnl"].to_numpy())
    assert "costs" in texts(fig) and "From" in ax.get_title()


# -- chapter 10 ---------------------------------------------------------------------------------------

def test_attribution_table_adds_up(realistic_run):
    _, _, attribution = realistic_run
    table = plots.attribution_table(attribution)["total ($)"]
    parts = table[["delta", "gamma", "theta", "vega", "residual"]].sum()
    assert parts == pytest.approx(table["= gross P&L"], abs=0.05)
    assert table["= gross P&L"] + table["costs"] == pytest.approx(table["= net P&L"], abs=0.02)
    helped = plots.attribution_table(attribution)["trades it helped"]
    assert helped["gamma"] == len(attribution.trades) and helped["theta"] == 0


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


def test_audit_summary_and_leak_figure(book_data):
    summary = plots.audit_summary(book_data)
    leaks = summary["leaking bars"]
    assert leaks["the article's signals"] == "200, 252, 322, 363, 486, 491"
    assert leaks["warm-up skipped only"] == leaks["the article's signals"]
    assert (leaks[["backward gradient only", "REALISTIC signals", "REALISTIC backtest (account value)"]] == "none").all()
    assert summary.loc["REALISTIC signals", "bars checked"] == len(book_data) - 1
    fig = plots.leak_figure(book_data, bar=252)
    assert "With bar 253: BUY. Without it: HOLD." in fig.axes[1].get_title()
    assert "+0.04" in texts(fig) and "−19.12" in texts(fig)
    with pytest.raises(ValueError, match="bar must"):
        plots.leak_figure(book_data, bar=len(book_data) - 1)
