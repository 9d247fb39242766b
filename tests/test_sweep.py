from __future__ import annotations

import distributed
import numpy as np
import pandas as pd
import pytest

import mesbook as mb
from mesbook.engine.settings import ARTICLE, REALISTIC
from mesbook.studies.sweep import (
    SWEEP_LONGS,
    SWEEP_SHORTS,
    neighbour_contrast,
    resolve_statistic,
    statistic_column,
    sweep_heatmap,
    sweep_leaders,
    sweep_rank,
    sweep_windows,
    window_grid,
)

SHORTS, LONGS = (3, 6, 9, 12), (8, 12, 20, 31)


def individual(data, table, settings, label):
    return [
        mb.run_backtest(data, settings, short_sma_window=int(r.short), long_sma_window=int(r.long),
                        gradient_window=int(r.gradient)).stats[label]
        for r in table.itertuples(index=False)
    ]


def same(a, b) -> bool:
    return all((x == y) or (pd.isna(x) and pd.isna(y)) for x, y in zip(a, b))


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    return mb.simulate_market_data(1500, seed=8)


@pytest.mark.parametrize("statistic", ["net_pnl", "sharpe", "trades", "Max. Drawdown [%]", "Win Rate [%]", "SQN"])
def test_fast_sweep_equals_individual_runs_exactly(data, statistic):
    table = sweep_windows(data, SHORTS, LONGS, gradients=(5,), statistic=statistic)
    assert same(table[statistic], individual(data, table, ARTICLE, resolve_statistic(statistic)))


def test_honest_signal_switches_still_take_the_fast_path_and_match(data):
    settings = ARTICLE.replace(warmup="skip", gradient="backward", oi_lag=1, fill_delay=1, roll_filter=4)
    table = sweep_windows(data, SHORTS, LONGS, gradients=(2, 6), settings=settings, statistic="sharpe")
    assert set(table["gradient"]) == {2, 6}
    assert same(table["sharpe"], individual(data, table, settings, "Sharpe Ratio"))


def test_engine_path_for_other_settings_matches(data):
    table = sweep_windows(data.iloc[:600], (4, 8), (10, 25), settings=REALISTIC, statistic="net_pnl")
    assert same(table["net_pnl"], individual(data.iloc[:600], table, REALISTIC, "Net P&L [$]"))


def test_grid_is_tidy_and_skips_short_at_or_above_long(data):
    table = sweep_windows(data, (5, 10, 20), (10, 20), gradients=(3, 5))
    assert list(table.columns) == ["short", "long", "gradient", "net_pnl"]
    assert (table["short"] < table["long"]).all()
    assert len(table) == 3 * 2  # (5,10) (5,20) (10,20), each with two gradient windows
    assert table[["short", "long", "gradient"]].duplicated().sum() == 0


def test_parallel_sweeps_equal_serial(data):
    serial = sweep_windows(data, SHORTS, LONGS, statistic="sharpe")
    pd.testing.assert_frame_equal(sweep_windows(data, SHORTS, LONGS, statistic="sharpe", n_jobs=2), serial)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0") as cluster:
        with distributed.Client(cluster) as client:
            on_dask = sweep_windows(data, SHORTS, LONGS, statistic="sharpe", client=client, progress=True)
    pd.testing.assert_frame_equal(on_dask, serial)


def test_heatmap_pivots_short_by_long(data):
    table = sweep_windows(data, SHORTS, LONGS)
    matrix = sweep_heatmap(table)
    assert list(matrix.index) == list(SHORTS) and list(matrix.columns) == list(LONGS)
    assert np.isnan(matrix.loc[12, 8]) and np.isnan(matrix.loc[12, 12])
    row = table[(table["short"] == 6) & (table["long"] == 20)]
    assert matrix.loc[6, 20] == row["net_pnl"].iloc[0]
    two = sweep_windows(data, SHORTS, LONGS, gradients=(3, 5), settings=ARTICLE.replace(gradient="backward"))
    with pytest.raises(ValueError, match="gradient="):
        sweep_heatmap(two)
    assert sweep_heatmap(two, gradient=3).shape == (4, 4)
    with pytest.raises(ValueError, match="not in the table"):
        sweep_heatmap(two, gradient=4)


def test_input_is_not_modified(data):
    before = data.copy()
    sweep_windows(data, SHORTS, LONGS, statistic="SQN")
    pd.testing.assert_frame_equal(data, before)


@pytest.mark.parametrize("shorts, longs, gradients, error, match", [
    ((10, 20), (5, 10), (5,), ValueError, "short < long"),
    ((), (10,), (5,), ValueError, "shorts is empty"),
    ((2, 0), (10,), (5,), ValueError, "each of shorts"),
    ((2.5,), (10,), (5,), TypeError, "each of shorts"),
    (5, (10,), (5,), TypeError, "shorts must be an iterable"),
    ((2,), "10", (5,), TypeError, "longs must be an iterable"),
    ((2,), (10,), (), ValueError, "gradients is empty"),
])
def test_invalid_grids_raise(shorts, longs, gradients, error, match):
    with pytest.raises(error, match=match):
        window_grid(shorts, longs, gradients)
    with pytest.raises(error, match=match):
        sweep_windows(mb.simulate_market_data(60, seed=1), shorts, longs, gradients)


def test_other_bad_arguments():
    data = mb.simulate_market_data(60, seed=1)
    with pytest.raises(ValueError, match="statistic='profit'"):
        sweep_windows(data, (2,), (5,), statistic="profit")
    with pytest.raises(TypeError, match="BacktestSettings"):
        sweep_windows(data, (2,), (5,), settings="ARTICLE")
    with pytest.raises(ValueError, match="missing column"):
        sweep_windows(data.drop(columns="open_interest"), (2,), (5,))
    with pytest.raises(ValueError, match="n_jobs"):
        sweep_windows(data, (2,), (5,), n_jobs=0)


def test_duplicate_windows_are_dropped():
    assert window_grid((3, 3, 2), (9, 9), (5, 5)) == [(2, 9, 5), (3, 9, 5)]


def test_sweep_grid_is_the_chapter_grid():
    assert SWEEP_SHORTS == tuple(range(2, 21, 2)) and SWEEP_LONGS == tuple(range(10, 61, 5))


def test_sweep_rank_on_a_hand_built_table():
    table = pd.DataFrame({"short": [5, 10, 10, 20], "long": [30, 30, 40, 60], "net_pnl": [3.0, 1.0, 3.0, -2.0]})
    assert sweep_rank(table) == 3  # the article's 10 / 30: two pairs earn more
    assert sweep_rank(table, 5, 30) == sweep_rank(table, 10, 40) == 1  # ties share the better rank
    assert sweep_rank(table, 20, 60) == 4
    with pytest.raises(KeyError, match="not in the table"):
        sweep_rank(table, 3, 11)
    assert statistic_column(table) == "net_pnl"
    with pytest.raises(ValueError, match="statistic="):
        statistic_column(table.assign(sharpe=0.0))


def test_sweep_leaders_lists_the_top_and_the_article():
    table = pd.DataFrame({"short": [2, 4, 6, 8, 10], "long": [20, 20, 20, 20, 30], "net_pnl": [5.0, 4.0, 3.0, 2.0, 1.0]})
    leaders = sweep_leaders(table, top=2)
    assert list(leaders.index) == [1, 2, 5]
    assert tuple(leaders.iloc[-1][["short", "long"]]) == (10, 30)
    assert list(leaders["net P&L ($)"]) == [5.0, 4.0, 1.0]
    assert list(leaders["share of pairs it beats (%)"]) == [100.0, 75.0, 0.0]


def test_neighbour_contrast_on_a_hand_built_grid():
    table = pd.DataFrame({"short": [4, 4, 4, 4, 4, 6], "long": [50, 20, 30, 40, 10, 30], "gradient": 5,
                          "net_pnl": [2.0, -1.0, 3.0, 9.0, -5.0, -7.0]})  # not in window order
    out = neighbour_contrast(table)
    assert list(out.index) == ["nearest", "nearest below zero"]
    assert out.loc["nearest", ["short", "long"]].tolist() == [4, 30]  # 30 and 50 tie at 10 away: the shorter
    assert out.loc["nearest below zero", ["long", "net_pnl"]].tolist() == [20, -1.0]  # not 6/30: another row
    assert list(neighbour_contrast(table.assign(net_pnl=table["net_pnl"].abs())).index) == ["nearest"]


@pytest.mark.parametrize("statistic", ["net_pnl", "sharpe", "trades", "Sortino Ratio"])
def test_an_engine_sweep_reads_each_statistic_as_the_full_backtest_table_has_it(statistic):
    """Off the fast path a sweep skips the statistics table for net P&L and Sharpe: the values are the table's."""
    import mesbook as mb
    from mesbook.studies.memo import clear_memos
    from mesbook.studies.sweep import resolve_statistic

    clear_memos()
    data = mb.simulate_realistic_market(400, seed=3)
    for settings in (mb.REALISTIC, mb.HONEST):
        table = mb.sweep_windows(data, (4, 10), (20, 30), settings=settings, statistic=statistic)
        full = [mb.run_backtest(data, settings, short_sma_window=s, long_sma_window=l).stats[resolve_statistic(statistic)]
                for s, l in zip(table["short"], table["long"])]
        assert table[statistic].tolist() == full and table[statistic].dtype == pd.Series(full).dtype
