from __future__ import annotations

import pandas as pd
import pytest

import mesbook as mb
from mesbook.studies.audit import scramble_after
from mesbook.engine.settings import ARTICLE, REALISTIC
from mesbook.studies.sweep import sweep_windows
from mesbook.studies.walkforward import FOLD_COLUMNS, fold_bounds, walk_forward, walk_forward_summary, walk_forward_table

SHORTS, LONGS = (3, 5, 8, 12), (15, 20, 30, 45)


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    return mb.simulate_market_data(2000, seed=1)


@pytest.fixture(scope="module")
def folds(data) -> pd.DataFrame:
    return walk_forward(data, SHORTS, LONGS, train_bars=500, test_bars=250)


def test_folds_tile_the_data_without_overlapping_tests(folds):
    assert list(folds.columns) == list(FOLD_COLUMNS) and len(folds) == 6
    assert (folds["train_end"] == folds["test_start"]).all()
    assert (folds["train_end"] - folds["train_start"] == 500).all()
    assert (folds["test_end"] - folds["test_start"] == 250).all()
    assert (folds["test_start"].iloc[1:].to_numpy() == folds["test_end"].iloc[:-1].to_numpy()).all()
    assert folds["test_end"].iloc[-1] <= 2000


def test_fold_bounds():
    assert fold_bounds(1000, 400, 200) == [(0, 400, 600), (200, 600, 800), (400, 800, 1000)]
    assert fold_bounds(999, 400, 200) == [(0, 400, 600), (200, 600, 800)]  # no partial test window
    with pytest.raises(ValueError, match="more than the 500 bars"):
        fold_bounds(500, 400, 200)
    with pytest.raises(ValueError, match="train_bars"):
        fold_bounds(500, 1, 200)


def test_choice_is_the_in_sample_best_and_the_score_is_out_of_sample(data, folds):
    fold = folds.iloc[2]
    start, end, test_end = (int(fold[c]) for c in ("train_start", "train_end", "test_end"))
    train = sweep_windows(data.iloc[start:end], SHORTS, LONGS, statistic="sharpe")
    assert fold["in_sample"] == train["sharpe"].max()
    best = train.loc[train["sharpe"].idxmax()]
    assert (fold["short"], fold["long"], fold["gradient"]) == (best["short"], best["long"], best["gradient"])
    test = data.iloc[end:test_end]
    run = mb.run_backtest(test, ARTICLE, short_sma_window=int(fold["short"]), long_sma_window=int(fold["long"]))
    assert fold["out_of_sample"] == run.stats["Sharpe Ratio"]
    traded = folds["out_of_sample"].notna()  # NaN: the chosen windows never traded in that test window
    assert traded.sum() >= 4 and (folds["test_best"] >= folds["out_of_sample"])[traded].all()


def test_test_data_are_never_used_for_choosing(data, folds):
    # Scramble everything from fold 3's test window on: folds 0-3 must choose exactly as before.
    altered = scramble_after(data, int(folds["test_start"].iloc[3]) - 1, seed=5)
    again = walk_forward(altered, SHORTS, LONGS, train_bars=500, test_bars=250)
    chosen = ["short", "long", "gradient", "in_sample"]
    pd.testing.assert_frame_equal(again.loc[:3, chosen], folds.loc[:3, chosen])
    pd.testing.assert_frame_equal(again.loc[:2], folds.loc[:2])  # earlier folds entirely unchanged
    assert again.loc[3, "out_of_sample"] != folds.loc[3, "out_of_sample"]


def test_the_in_sample_winner_disappoints_out_of_sample(folds):
    # The article's OI signals carry no information: the best in-sample Sharpe is mostly luck.
    assert folds["in_sample"].mean() > folds["out_of_sample"].mean() + 0.5
    assert (folds["in_sample"] > folds["out_of_sample"]).mean() >= 0.8


def test_other_settings_and_statistics(data):
    table = walk_forward(data.iloc[:1000], (5, 10), (20, 40), 400, 300, settings=REALISTIC, statistic="net_pnl")
    assert table.attrs["statistic"] == "Net P&L [$]" and len(table) == 2
    run = mb.run_backtest(data.iloc[300:700], REALISTIC, short_sma_window=int(table["short"].iloc[1]),
                          long_sma_window=int(table["long"].iloc[1]))
    assert table["in_sample"].iloc[1] == run.net_pnl


def test_one_shot_iterables_are_read_once(data):
    got = walk_forward(data.iloc[:900], iter((3, 8)), iter((20, 30)), 400, 250, statistic="trades")
    assert set(got["short"]) <= {3, 8} and len(got) == 2


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(train_bars=1900, test_bars=250), ValueError, "more than the 2000 bars"),
    (dict(statistic="alpha"), ValueError, "statistic"),
    (dict(shorts=(50,)), ValueError, "short < long"),
    (dict(settings="ARTICLE"), TypeError, "BacktestSettings"),
])
def test_bad_arguments(data, kwargs, error, match):
    args = {"shorts": SHORTS, "longs": LONGS, "train_bars": 500, "test_bars": 250, **kwargs}
    with pytest.raises(error, match=match):
        walk_forward(data, **args)


def test_walk_forward_table_keeps_fold_numbers_and_adds_means():
    history = mb.simulate_market_data(900, seed=7)
    folds = mb.walk_forward(history, (4, 8), (20, 40), train_bars=200, test_bars=200, statistic="net_pnl")
    table = walk_forward_table(folds)
    assert list(table.index) == [*folds.index, "mean"]
    assert table.loc[0, "trained on bars"] == "0–199" and table.loc[0, "tested on bars"] == "200–399"
    assert table.loc[0, "chosen pair"] == f"{folds.loc[0, 'short']} / {folds.loc[0, 'long']}"
    assert table.loc["mean", "out-of-sample"] == round(folds["out_of_sample"].mean(), 2)


def test_walk_forward_summary_on_a_hand_built_table():
    table = pd.DataFrame({"short": [5, 10], "long": [30, 40], "in_sample": [1.0, 0.5], "out_of_sample": [-0.2, 0.7],
                          "test_median": [0.0, 0.1]})
    table.attrs["statistic"] = "Sharpe Ratio"
    summary = walk_forward_summary(table)["walk-forward"]
    assert summary["gap"] == 0.5 and summary["folds where out-of-sample beat in-sample"] == 1
    assert summary["mean in-sample Sharpe Ratio"] == 0.75 and summary["mean out-of-sample Sharpe Ratio"] == 0.25
