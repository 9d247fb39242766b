from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import mesbook as mb
from mesbook.studies.ladder import (
    LADDER_COLUMNS,
    RUNGS,
    ladder_pnl,
    ladder_steps,
    ladder_table,
    realism_ladder,
    summarize_ladder,
)
from mesbook.data.synthetic import seeded_market
from mesbook.parallel import task_seeds
from mesbook.engine.settings import ARTICLE, HONEST, REALISTIC

NUM_SEEDS, BARS = 16, 400


@pytest.fixture(scope="module")
def article_ladder() -> tuple[pd.DataFrame, pd.DataFrame]:
    return ladder_pnl(NUM_SEEDS, BARS, seed=0, generator="article")


def test_steps_start_at_the_article_and_end_at_the_honest_settings():
    steps = ladder_steps()
    assert [name for name, _ in steps] == ["article"] + [name for name, _ in RUNGS]
    assert steps[0][1] == ARTICLE and steps[-1][1] == HONEST
    assert dict(steps)["costs"] == REALISTIC  # REALISTIC is every rung but the roll filter
    for (_, before), (name, after), (_, fields) in zip(steps, steps[1:], RUNGS):
        changed = set(before.differences(after))
        assert changed and changed <= set(fields), name  # cumulative: one simplification at a time


def test_steps_towards_another_target():
    target = REALISTIC.replace(rate=0.0, half_spread_ticks=3.0)
    steps = ladder_steps(target)
    assert steps[-1][1] == target
    with pytest.raises(ValueError, match="stop_loss"):
        ladder_steps(REALISTIC.replace(stop_loss=0.5))
    with pytest.raises(TypeError, match="BacktestSettings"):
        ladder_steps("REALISTIC")


def test_first_rung_is_the_article_and_last_the_honest_run(article_ladder):
    pnl, trades = article_ladder
    for i in (0, 5, NUM_SEEDS - 1):
        market = seeded_market("article", BARS, task_seeds(0, NUM_SEEDS)[i])
        _, article = mb.run_article(market)
        assert pnl.iloc[i, 0] == pytest.approx(article.net_pnl, abs=1e-9)
        assert trades.iloc[i, 0] == len(article.trades)
        assert pnl.iloc[i, -1] == mb.run_backtest(market, HONEST).net_pnl
        assert pnl.loc[i, "costs"] == mb.run_backtest(market, REALISTIC).net_pnl


def test_costs_can_only_hurt(article_ladder):
    pnl, _ = article_ladder
    steps = pnl.diff(axis=1)
    # Same trades, and every one pays commissions, spread and slippage: no seed gains from costs.
    assert (steps["costs"] < 0).all()
    table = summarize_ladder(pnl, article_ladder[1], ladder_steps())
    assert table.loc["costs", "change"] < 0


def test_table_layout_and_arithmetic(article_ladder):
    pnl, trades = article_ladder
    table = summarize_ladder(pnl, trades, ladder_steps())
    assert list(table.columns) == list(LADDER_COLUMNS) and list(table.index) == list(pnl.columns)
    np.testing.assert_allclose(table["mean_pnl"], pnl.mean())
    np.testing.assert_allclose(table["change"].iloc[1:], np.diff(table["mean_pnl"]), atol=1e-9)
    assert np.isnan(table["change"].iloc[0]) and table["changes"].iloc[0] == "—"
    assert (table["low_95"] < table["mean_pnl"]).all() and (table["mean_pnl"] < table["high_95"]).all()
    np.testing.assert_allclose(table["high_95"] - table["mean_pnl"], 1.96 * pnl.std(ddof=1) / np.sqrt(NUM_SEEDS))
    assert table.loc["roll filter", "changes"] == "roll_filter=Timedelta('7 days 00:00:00')"


def test_realism_ladder_is_seeded_and_parallel_safe(article_ladder):
    table = realism_ladder(NUM_SEEDS, BARS, seed=0, generator="article")
    np.testing.assert_allclose(table["mean_pnl"], article_ladder[0].mean())
    pd.testing.assert_frame_equal(realism_ladder(NUM_SEEDS, BARS, seed=0, n_jobs=2), table)


def test_realistic_generator_ladder():
    pnl, trades = ladder_pnl(6, 300, seed=2, generator="realistic", coupling=0.1)
    market = seeded_market("realistic", 300, task_seeds(2, 6)[3], coupling=0.1)
    assert pnl.iloc[3, 0] == mb.run_backtest(market, ARTICLE).net_pnl
    assert (pnl.diff(axis=1)["costs"] < 0).all()


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(num_seeds=1), ValueError, "num_seeds"),
    (dict(generator="garch"), ValueError, "generator"),
    (dict(short_sma_window=40), ValueError, "short_sma_window"),
    (dict(target=REALISTIC.replace(contracts=2)), ValueError, "contracts"),
    (dict(generator="article", coupling=0.1), ValueError, "coupling"),
])
def test_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        realism_ladder(**{"num_seeds": 2, "num_periods": 60, **kwargs})


def test_ladder_table_for_reading():
    ladder = realism_ladder(4, 300, seed=7)
    table = ladder_table(ladder)
    assert list(table.index) == list(ladder.index)
    assert table["step ($)"].iloc[1:].tolist() == ladder["change"].round(1).iloc[1:].tolist()
    assert table["step ± 95 % ($)"].iloc[1:].tolist() == (1.96 * ladder["change_std_error"]).round(1).iloc[1:].tolist()
    assert table["95 % band ($)"].iloc[0] == f"{ladder['low_95'].iloc[0]:,.0f} to {ladder['high_95'].iloc[0]:,.0f}"


def test_rungs_split_the_gradient_and_price_the_variance_premium():
    from mesbook.engine.settings import IMPLIED_VOL_RATIO
    from mesbook.studies.ladder import FAIR_RUNG, rung_settings

    steps = dict(ladder_steps())
    assert list(steps) == ["article", "warm-up skipped", "gradient one bar late", "gradient window", "next-bar fills",
                           "OI lag 1", "Black-76 prices", "quarterly expiry", "variance premium", "costs", "roll filter"]
    # look-ahead removed at the article's span first, then the window switched on
    assert steps["warm-up skipped"].differences(steps["gradient one bar late"]) == {"gradient": ("centred", "lagged")}
    assert steps["gradient one bar late"].differences(steps["gradient window"]) == {"gradient": ("lagged", "backward")}
    assert steps["quarterly expiry"].differences(steps["variance premium"]) == {
        "implied_vol_ratio": (1.0, IMPLIED_VOL_RATIO)}
    assert FAIR_RUNG == "quarterly expiry" and rung_settings(FAIR_RUNG) == steps["quarterly expiry"]
    fair = rung_settings(FAIR_RUNG)
    assert fair.implied_vol_ratio == 1.0 and fair.commission.per_side == 0 and fair.half_spread_ticks == 0
    assert REALISTIC.replace(implied_vol_ratio=1.0, commission=fair.commission, slippage_ticks=0.0,
                             half_spread_ticks=0.0) == fair
    with pytest.raises(ValueError, match="no rung 'backward gradient'"):
        rung_settings("backward gradient")


def test_the_gradient_waypoint_only_applies_on_the_way_to_the_window():
    to_lagged = dict(ladder_steps(HONEST.replace(gradient="lagged")))
    assert to_lagged["gradient one bar late"].gradient == "lagged"
    assert to_lagged["gradient window"] == to_lagged["gradient one bar late"]  # nothing left to switch on
    centred = dict(ladder_steps(HONEST.replace(gradient="centred")))
    assert centred["gradient window"].gradient == "centred" and centred["gradient one bar late"].gradient == "centred"


def test_split_rungs_are_the_runs_they_name(article_ladder):
    pnl, _ = article_ladder
    market = seeded_market("article", BARS, task_seeds(0, NUM_SEEDS)[2])
    skip = ARTICLE.replace(warmup="skip")
    assert pnl.loc[2, "gradient one bar late"] == mb.run_backtest(market, skip.replace(gradient="lagged")).net_pnl
    assert pnl.loc[2, "gradient window"] == mb.run_backtest(market, skip.replace(gradient="backward")).net_pnl
    fair = REALISTIC.replace(implied_vol_ratio=1.0, commission=ARTICLE.commission, slippage_ticks=0.0,
                             half_spread_ticks=0.0)
    assert pnl.loc[2, "quarterly expiry"] == mb.run_backtest(market, fair).net_pnl
    assert pnl.loc[2, "variance premium"] == mb.run_backtest(market, fair.replace(
        implied_vol_ratio=REALISTIC.implied_vol_ratio)).net_pnl


def test_the_variance_premium_costs_the_buyer(article_ladder):
    pnl, trades = article_ladder
    # same trades at dearer implied volatility: bought dear, sold dear, but time value bleeds faster
    np.testing.assert_array_equal(trades["variance premium"], trades["quarterly expiry"])
    table = summarize_ladder(pnl, trades, ladder_steps())
    assert table.loc["variance premium", "change"] + 3 * table.loc["variance premium", "change_std_error"] < 0
