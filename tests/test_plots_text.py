"""mesbook/plots/text.py: each figure's alt text and caption state the numbers the figure draws."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from IPython.core.interactiveshell import InteractiveShell

import mesbook as mb
from mesbook import plots
from mesbook.formatting import usd
from mesbook.plots import text


def test_ladder_alt_text_follows_the_ladder_it_draws():
    ladder = pd.DataFrame({"mean_pnl": [131.0, 116.0, -46.0], "low_95": [100.0, 90.0, -80.0],
                           "high_95": [160.0, 140.0, -12.0], "change_std_error": [np.nan, 2.0, 5.0],
                           "change": [np.nan, -15.0, -162.0]}, index=["article", "warm-up skipped", "costs"])
    ladder.attrs["markets"] = 40
    fig = plots.ladder_figure(ladder)
    assert "starts at $131 for article" in fig.alt and "ends at −$46 after costs" in fig.alt
    assert "warm-up skipped −$15" in fig.alt and "costs −$162" in fig.alt
    assert "from −$80 to −$12" in fig.alt and "No rung's 95 % band holds zero" in fig.alt
    assert fig.caption == "The realism ladder: from $131 to −$46, one simplification at a time (40 markets)."
    ladder.loc["costs", "high_95"] = 5.0
    assert "holds zero at costs" in plots.ladder_figure(ladder).alt


def test_a_redrawn_figure_says_what_it_now_shows():
    fig = plots.payoff_figure(strike=4505.0, premium_points=2.5)
    assert "−$12.50" in fig.alt and "4,507.5" in fig.alt
    plots.set_payoff(fig, 4000.0, 4.0)
    assert "struck at 4,000" in fig.alt and "−$20.00" in fig.alt and "4,004.0" in fig.alt and "4,507.5" not in fig.alt


def test_equity_alt_text_reads_the_run(book_run=None):
    data = mb.simulate_market_data(500, seed=7)
    frame, result = mb.run_article(data)
    fig = plots.equity_figure(frame, result)
    assert usd(result.equity.min(), 0) in fig.alt and usd(result.net_pnl, signed=True) in fig.alt
    calls = int((result.trades["option_type"] == "CALL").sum())
    assert f"the {calls} calls" in fig.alt


def test_the_png_output_carries_the_text_in_its_metadata():
    fig = plots.atm_strike_figure()
    data, metadata = InteractiveShell.instance().display_formatter.format(fig)
    assert "image/png" in data
    assert metadata[plots.TEXT_KEY] == {"alt": fig.alt, "caption": fig.caption}


def test_describe_refuses_an_empty_alt_text():
    with pytest.raises(ValueError, match="alt"):
        plots.payoff_figure().describe("  ")


def test_walk_forward_text_counts_the_folds_below_zero():
    alt, caption = text.walk_forward("Sharpe ratio", np.array([1.0, 0.5, 0.2]), np.array([-0.5, 0.1, -1.0]), 250)
    assert "2 of the 3 blue bars are below zero" in alt and "the next 250 bars" in caption
    assert "a gap of 1.03" in alt
