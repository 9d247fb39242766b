"""Figures and the tables beside them (mesbook.plots)."""
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
def book_run(book_data):
    return mb.run_article(book_data)


def texts(fig) -> str:
    """Every title, label, legend entry and annotation of a figure, as one string."""
    parts = [fig.get_suptitle() if hasattr(fig, "get_suptitle") else ""]
    for ax in fig.axes:
        parts += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
        legend = ax.get_legend()
        if legend is not None:
            parts += [t.get_text() for t in legend.get_texts()]
        parts += [t.get_text() for t in ax.texts]
    return " | ".join(parts)


def test_book_figure_renders_png_without_pyplot(book_data):
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    fig = plots.market_figure(book_data)
    assert isinstance(fig, plots.BookFigure)
    png = fig._repr_png_()
    assert png[:8] == PNG_MAGIC and len(png) > 5_000
    assert plt.get_fignums() == before, "figures must not be registered with pyplot"
    assert repr(fig).startswith("<mesbook figure")


def test_usd_formats_money_for_matplotlib():
    assert plots.usd(-12.5) == "−\\$12.50"
    assert plots.usd(76.123, signed=True) == "+\\$76.12"
    assert plots.usd(100000, 0) == "\\$100,000"


def test_payoff_figure_lines_are_the_article_payoffs():
    fig = plots.payoff_figure(strike=4505, premium_points=2.5)
    call, put = plots.artist(fig, "call"), plots.artist(fig, "put")
    x, y = call.get_data()
    at = np.argmin(np.abs(np.asarray(x) - 4515.0))
    assert x[at] == pytest.approx(4515.0)
    assert y[at] == pytest.approx(10 * 5 - 12.5)
    assert np.asarray(put.get_ydata())[at] == pytest.approx(-12.5)
    assert min(call.get_ydata()) == pytest.approx(-12.5)
    assert "breakeven 4,507.5" in texts(fig) and "breakeven 4,502.5" in texts(fig)
    assert "$12.50" in texts(fig).replace("\\$", "$")


def test_payoff_dollars_in_dollars():
    call, put = plots.payoff_dollars(np.array([4490.0, 4505.0, 4520.0]), 4505.0, 2.5)
    np.testing.assert_allclose(call, [-12.5, -12.5, 62.5])
    np.testing.assert_allclose(put, [62.5, -12.5, -12.5])


def test_atm_strike_figure_marks_ties_to_even():
    fig = plots.atm_strike_figure(4495, 4515)
    labels = texts(fig)
    for tie, strike in ((4497.5, 4500), (4502.5, 4500), (4507.5, 4510), (4512.5, 4510)):
        assert f"{tie:g} → {strike:g}" in labels
    assert "4503.25 → 4505" in labels


def test_oi_ledger_volume_and_open_interest():
    ledger = plots.oi_ledger()
    assert list(ledger["volume"]) == [1, 2, 3, 4, 5, 6]
    assert list(ledger["open interest"]) == [1, 1, 2, 1, 1, 0]
    with pytest.raises(ValueError, match="opens"):
        plots.oi_ledger([("A", "buys", "B", "opens")])
    with pytest.raises(ValueError, match="closes more"):
        plots.oi_ledger([("A", "closes", "B", "closes")])
    assert len(plots.oi_ledger_figure(ledger).axes) == 1


def test_market_figure_draws_the_data(book_data):
    fig = plots.market_figure(book_data, title="seed 7")
    np.testing.assert_allclose(plots.artist(fig, "oi").get_ydata(), book_data["open_interest"])
    np.testing.assert_allclose(plots.artist(fig, "price").get_ydata(), book_data["futures_price"])
    assert "open interest" in fig.axes[1].get_ylabel() and "seed 7" in texts(fig)


def test_regime_table_counts_every_moving_bar(book_data):
    table = plots.regime_table(book_data)
    assert list(table.index) == ["fresh buying", "fresh selling", "short covering", "long liquidation"]
    assert list(table["price"]) == ["up", "down", "up", "down"]
    assert list(table["open interest"]) == ["up", "up", "down", "down"]
    moving = (np.diff(book_data["futures_price"]) != 0) & (np.diff(book_data["open_interest"]) != 0)
    assert table["bars"].sum() == moving.sum()
    assert table["share (%)"].sum() == pytest.approx(100, abs=0.2)
    assert "correlation" in texts(plots.regime_figure(book_data))


def test_crossings_include_the_zero_fill_artefacts(book_run):
    frame, _ = book_run
    up, down = plots.crossings(frame)
    assert up[0] == 9 and down[0] == 29  # short window − 1 and long window − 1
    assert plots.defined_from(frame["oi_short_sma"].to_numpy()) == 9
    assert np.isnan(plots.masked_warmup(frame["oi_long_sma"].to_numpy())[:29]).all()


def test_indicator_figure_shows_averages_and_gap(book_run):
    frame, _ = book_run
    fig = plots.indicator_figure(frame)
    short = plots.artist(fig, "short").get_ydata()
    assert np.isnan(short[:9]).all() and short[9] == pytest.approx(frame["oi_short_sma"].iloc[9])
    gap = plots.artist(fig, "gap").get_ydata()
    np.testing.assert_allclose(gap, frame["oi_short_sma"] - frame["oi_long_sma"])
    assert fig.axes[1].get_yscale() == "symlog"
    up_x, _ = plots.artist(fig, "cross_up").get_data()
    assert list(up_x) == list(plots.crossings(frame)[0])


def test_warmup_figure_annotates_both_fake_crossings(book_run):
    frame, _ = book_run
    labels = texts(plots.warmup_figure(frame, bars=40))
    assert "bar 9" in labels and "bar 29" in labels


def test_lookahead_table_only_gradient_moves(book_data):
    table = plots.lookahead_table(book_data, bar=100, bump=1000)
    assert table.loc["oi_gradient", "moved by"] == pytest.approx(500)
    for column in ("oi_change", "oi_short_sma", "oi_long_sma"):
        assert table.loc[column, "moved by"] == 0
    assert "moves by +500" in texts(plots.lookahead_figure(book_data, bar=100, bump=1000))
    with pytest.raises(ValueError, match="bar must be between"):
        plots.bump_open_interest(book_data, 500, 1.0)


def test_bump_does_not_touch_the_input(book_data):
    before = book_data.copy()
    plots.bump_open_interest(book_data, 3, 100.0)
    pd.testing.assert_frame_equal(book_data, before)


def test_signal_table_and_signal_bars_agree_with_signals(book_run):
    frame, result = book_run
    table = plots.signal_table(frame)
    assert table.loc["crosses above → BUY", "signals"] == result.signal_counts["BUY"]
    assert table.loc["crosses below → SELL", "signals"] == result.signal_counts["SELL"]
    assert (table["crossings"] >= table["signals"]).all()
    assert table["signals from the warm-up"].sum() == 2
    bars = plots.signal_bars(frame)
    assert list(bars.index[:2]) == [9, 29] and list(bars["signal"][:2]) == ["BUY", "SELL"]
    assert len(bars) == result.signal_counts["BUY"] + result.signal_counts["SELL"]


def test_signals_figure_markers_sit_on_signal_bars(book_run):
    frame, result = book_run
    fig = plots.signals_figure(frame)
    x, y = plots.artist(fig, "buy_oi").get_data()
    assert len(x) == result.signal_counts["BUY"]
    buy_bars = np.flatnonzero(frame["signal"].astype(str).to_numpy() == "BUY")
    np.testing.assert_allclose(np.asarray(y, dtype=float), frame["open_interest"].to_numpy()[buy_bars])
    assert f"{result.signal_counts['BUY']} BUY and {result.signal_counts['SELL']} SELL" in texts(fig)


def test_trade_table_and_equity_figure(book_run):
    frame, result = book_run
    table = plots.trade_table(result)
    assert len(table) == len(result.trades) and table.index[0] == 1
    np.testing.assert_allclose(table["P&L ($)"], result.trades["pnl"].round(2))
    fig = plots.equity_figure(frame, result)
    np.testing.assert_allclose(plots.artist(fig, "equity").get_ydata(), result.equity.to_numpy())
    spans = [p for p in fig.axes[1].patches if p.get_gid() == "holding"]
    assert len(spans) == len(result.trades)
    assert f"{len(result.trades)} trades" in texts(fig)


def test_seed_sweep_matches_single_runs():
    sweep = plots.seed_sweep(range(3))
    for seed in range(3):
        _, result = mb.run_article(seed=seed)
        assert sweep.loc[seed, "net P&L ($)"] == pytest.approx(result.net_pnl)
        assert sweep.loc[seed, "trades"] == len(result.trades)
    again = plots.seed_sweep(range(3), coin_flip=True)
    pd.testing.assert_frame_equal(again, plots.seed_sweep(range(3), coin_flip=True))
    summary = plots.sweep_summary(sweep, again, names=["article", "coin"])
    assert list(summary.columns) == ["article", "coin"]
    assert summary.loc["runs", "article"] == 3
    assert summary.loc["median net P&L ($)", "article"] == pytest.approx(sweep["net P&L ($)"].median(), abs=0.01)
    with pytest.raises(ValueError, match="names"):
        plots.sweep_summary(sweep, names=["a", "b"])


def test_seed_sweep_passes_article_settings():
    cheap = plots.seed_sweep([5])
    dear = plots.seed_sweep([5], premium=25.0)
    trades = cheap.loc[5, "trades"]
    assert dear.loc[5, "net P&L ($)"] == pytest.approx(cheap.loc[5, "net P&L ($)"] - 12.5 * trades)


def test_pnl_distribution_figure(book_run):
    sweep = plots.seed_sweep(range(8))
    fig = plots.pnl_distribution_figure(sweep, highlight=7, compare=plots.seed_sweep(range(8), coin_flip=True))
    labels = texts(fig)
    assert "8 seeds" in labels and "seed 7" in labels and "coin-flip" in labels


def test_plot_run_for_the_command_line(book_run, tmp_path):
    frame, result = book_run
    fig = plots.plot_run(frame, result)
    assert len(fig.axes) == 3
    out = tmp_path / "run.png"
    fig.savefig(out)
    assert out.read_bytes()[:8] == PNG_MAGIC


def test_real_data_figures():
    real_data = pytest.importorskip("mesbook.data.real")
    cot = real_data.load_cftc_open_interest()
    fig = plots.real_oi_figure(cot)
    assert "×5.09" in texts(fig)
    lag = plots.publication_lag_figure(cot)
    assert "three days" in texts(lag)
