"""Figures of part 1, chapters 1-5 (mesbook.plots.article); the tables beside them are tested with their modules."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import mesbook as mb
from mesbook import plots
from mesbook.article.signals import crossings
from mesbook.studies.luck import seed_sweep

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


def test_set_payoff_redraws_for_another_strike():
    fig = plots.payoff_figure(strike=4505, premium_points=2.5)
    plots.set_payoff(fig, 4520.0, 5.0)
    x, y = plots.artist(fig, "call").get_data()
    at = np.argmin(np.abs(np.asarray(x) - 4530.0))
    assert y[at] == pytest.approx(10 * 5 - 25.0)
    assert list(plots.artist(fig, "strike").get_xdata()) == [4520.0, 4520.0]
    assert "breakeven 4,525.0" in texts(fig)


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


def test_atm_strike_figure_marks_ties_to_even():
    fig = plots.atm_strike_figure(4495, 4515)
    labels = texts(fig)
    for tie, strike in ((4497.5, 4500), (4502.5, 4500), (4507.5, 4510), (4512.5, 4510)):
        assert f"{tie:g} → {strike:g}" in labels
    assert "4503.25 → 4505" in labels


def test_oi_ledger_figure_steps_through_the_trades():
    fig = plots.oi_ledger_figure()
    assert len(fig.axes) == 1 and list(fig.axes[0].get_xticks()) == list(range(7))
    assert "only opening or closing" in texts(fig)


def test_market_figure_draws_the_data(book_data):
    fig = plots.market_figure(book_data, title="seed 7")
    np.testing.assert_allclose(plots.artist(fig, "oi").get_ydata(), book_data["open_interest"])
    np.testing.assert_allclose(plots.artist(fig, "price").get_ydata(), book_data["futures_price"])
    assert "open interest" in fig.axes[1].get_ylabel() and "seed 7" in texts(fig)


def test_regime_figure_names_the_quadrants(book_data):
    labels = texts(plots.regime_figure(book_data))
    assert "correlation" in labels and "fresh buying" in labels and "long liquidation" in labels


def test_indicator_figure_shows_averages_and_gap(book_run):
    frame, _ = book_run
    fig = plots.indicator_figure(frame)
    short = plots.artist(fig, "short").get_ydata()
    assert np.isnan(short[:9]).all() and short[9] == pytest.approx(frame["oi_short_sma"].iloc[9])
    gap = plots.artist(fig, "gap").get_ydata()
    np.testing.assert_allclose(gap, frame["oi_short_sma"] - frame["oi_long_sma"])
    assert fig.axes[1].get_yscale() == "symlog"
    up_x, _ = plots.artist(fig, "cross_up").get_data()
    assert list(up_x) == list(crossings(frame)[0])


def test_warmup_figure_annotates_both_fake_crossings(book_run):
    frame, _ = book_run
    labels = texts(plots.warmup_figure(frame, bars=40))
    assert "bar 9" in labels and "bar 29" in labels


def test_lookahead_figure_shows_the_gradient_moving(book_data):
    assert "moves by +500" in texts(plots.lookahead_figure(book_data, bar=100, bump=1000))


def test_signals_figure_markers_sit_on_signal_bars(book_run):
    frame, result = book_run
    fig = plots.signals_figure(frame)
    x, y = plots.artist(fig, "buy_oi").get_data()
    assert len(x) == result.signal_counts["BUY"]
    buy_bars = np.flatnonzero(frame["signal"].astype(str).to_numpy() == "BUY")
    np.testing.assert_allclose(np.asarray(y, dtype=float), frame["open_interest"].to_numpy()[buy_bars])
    assert f"{result.signal_counts['BUY']} BUY and {result.signal_counts['SELL']} SELL" in texts(fig)


def test_equity_figure(book_run):
    frame, result = book_run
    fig = plots.equity_figure(frame, result)
    np.testing.assert_allclose(plots.artist(fig, "equity").get_ydata(), result.equity.to_numpy())
    spans = [p for p in fig.axes[1].patches if p.get_gid() == "holding"]
    assert len(spans) == len(result.trades)
    assert f"{len(result.trades)} trades" in texts(fig)


def test_pnl_distribution_figure(book_run):
    sweep = seed_sweep(range(8))
    fig = plots.pnl_distribution_figure(sweep, highlight=7, compare=seed_sweep(range(8), coin_flip=True))
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
