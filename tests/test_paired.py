"""The paired-study kernel (mesbook.studies.paired): hand-built summaries, seed order, parallel = serial."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mesbook.constants import TRADING_DAYS
from mesbook.core.windows import Windows
from mesbook.data.synthetic import Sample, seeded_market
from mesbook.engine.backtest import run_backtest
from mesbook.engine.settings import ARTICLE, REALISTIC
from mesbook.parallel import Workers, task_seeds
from mesbook.studies.paired import SUMMARY_COLUMNS, market_volatility, paired_runs, paired_summary

# Three markets (rows) of three variants (columns), small whole numbers so every answer is exact by hand.
HAND = pd.DataFrame({"A": [1.0, 3.0, 5.0], "B": [4.0, 4.0, 10.0], "C": [4.0, 7.0, 7.0]})
ROOT3 = np.sqrt(3.0)


def test_summary_against_the_first_variant_by_hand():
    table = paired_summary(HAND)
    assert list(table.columns) == list(SUMMARY_COLUMNS) and list(table.index) == ["A", "B", "C"]
    np.testing.assert_allclose(table["mean"], [3.0, 6.0, 6.0])
    # A: deviations -2, 0, 2 -> sd 2; B: -2, -2, 4 -> sd sqrt(12); C: -2, 1, 1 -> sd sqrt(3); SE = sd / sqrt(3)
    np.testing.assert_allclose(table["std_error"], [2 / ROOT3, 2.0, 1.0])
    # B - A = 3, 1, 5 (mean 3, sd 2); C - A = 3, 4, 2 (mean 3, sd 1); A - A = 0
    np.testing.assert_allclose(table["change"], [0.0, 3.0, 3.0])
    np.testing.assert_allclose(table["change_std_error"], [0.0, 2 / ROOT3, 1 / ROOT3])


def test_summary_against_the_previous_variant_by_hand():
    table = paired_summary(HAND, against="previous")
    np.testing.assert_allclose(table["mean"], [3.0, 6.0, 6.0])
    # B - A = 3, 1, 5 (mean 3, sd 2); C - B = 0, 3, -3 (mean 0, sd 3); nothing before A
    np.testing.assert_allclose(table["change"], [np.nan, 3.0, 0.0])
    np.testing.assert_allclose(table["change_std_error"], [np.nan, 2 / ROOT3, 3 / ROOT3])


def test_summary_refuses_bad_input():
    with pytest.raises(ValueError, match="against"):
        paired_summary(HAND, against="last")
    with pytest.raises(ValueError, match="two markets"):
        paired_summary(HAND.iloc[:1])
    with pytest.raises(TypeError, match="DataFrame"):
        paired_summary(HAND.to_numpy())


def test_market_volatility_by_hand():
    # Log returns +0.1 and -0.1: sample sd sqrt(0.02) per bar, annualized by sqrt(252).
    data = pd.DataFrame({"timestamp": pd.bdate_range("2024-01-02", periods=3),  # business days: 252 a year
                         "futures_price": np.exp([0.0, 0.1, 0.0])})
    assert market_volatility(data) == pytest.approx(np.sqrt(0.02) * np.sqrt(TRADING_DAYS))
    assert market_volatility(data, periods_per_year=1) == pytest.approx(np.sqrt(0.02))


VARIANTS = {"article": ARTICLE, "next-bar fills": ARTICLE.replace(fill_delay=1)}
SAMPLE = Sample("article", 4, 250, 11)


@pytest.fixture(scope="module")
def serial_runs() -> pd.DataFrame:
    return paired_runs(VARIANTS, SAMPLE, measures=("pnl", "trades", "max_drawdown"))


def test_market_i_is_child_i_of_the_seed_and_every_variant_runs_on_it(serial_runs):
    assert list(serial_runs.columns.names) == ["measure", "variant"]
    assert list(serial_runs["pnl"].columns) == list(VARIANTS) and serial_runs.index.name == "market"
    assert serial_runs["trades"].dtypes.eq(np.int64).all()
    for i, child in enumerate(task_seeds(11, 4)):
        data = seeded_market("article", 250, child)
        for name, settings in VARIANTS.items():
            result = run_backtest(data, settings)
            assert serial_runs[("pnl", name)].iloc[i] == result.net_pnl
            assert serial_runs[("trades", name)].iloc[i] == len(result.trades)
            assert serial_runs[("max_drawdown", name)].iloc[i] == result.stats["Max. Drawdown [%]"]


def test_variants_as_pairs_keep_their_order_and_windows_reach_the_backtest():
    runs = paired_runs([("b", REALISTIC), ("a", ARTICLE)], Sample("realistic", 2, 200, 3), windows=Windows(5, 12),
                       measures=["pnl", "volatility"])
    assert list(runs["pnl"].columns) == ["b", "a"]
    data = seeded_market("realistic", 200, task_seeds(3, 2)[1])
    expected = run_backtest(data, ARTICLE, short_sma_window=5, long_sma_window=12).net_pnl
    assert runs[("pnl", "a")].iloc[1] == expected
    assert (runs["volatility"]["a"] == runs["volatility"]["b"]).all()  # the market's, not the variant's
    assert runs[("volatility", "a")].iloc[1] == market_volatility(data)


def test_local_processes_give_the_serial_frame(serial_runs):
    parallel = paired_runs(VARIANTS, SAMPLE, measures=("pnl", "trades", "max_drawdown"), workers=Workers(n_jobs=2))
    pd.testing.assert_frame_equal(parallel, serial_runs, check_exact=True)


def test_a_dask_client_gives_the_serial_frame(serial_runs):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0") as cluster:
        with distributed.Client(cluster) as client:
            dask = paired_runs(VARIANTS, SAMPLE, measures=("pnl", "trades", "max_drawdown"),
                               workers=Workers(client=client))
    pd.testing.assert_frame_equal(dask, serial_runs, check_exact=True)


def test_bad_arguments_name_the_fix():
    two = Sample("article", 2)
    with pytest.raises(TypeError, match="variant 'x' must be a BacktestSettings"):
        paired_runs({"x": "ARTICLE"}, two)
    with pytest.raises(ValueError, match="at least one variant"):
        paired_runs({}, two)
    with pytest.raises(ValueError, match="unique"):
        paired_runs([("a", ARTICLE), ("a", REALISTIC)], two)
    with pytest.raises(ValueError, match="measures"):
        paired_runs(VARIANTS, two, measures=["pnl", "sharpe"])
    with pytest.raises(TypeError, match="sample must be a Sample"):
        paired_runs(VARIANTS, {"generator": "article", "markets": 2})
    with pytest.raises(TypeError, match="windows must be a Windows"):
        paired_runs(VARIANTS, two, windows={"short_sma_window": 5})
    with pytest.raises(TypeError, match="workers must be a Workers"):
        paired_runs(VARIANTS, two, workers=2)


def test_the_kernels_measures_are_the_full_backtests_to_the_bit():
    """The kernel skips the statistics table and takes the drawdown itself: the numbers are the table's."""
    from mesbook.studies.memo import clear_memos
    from mesbook.metrics import max_drawdown_percent
    from mesbook.studies.risk_rules import RISK_RULES

    clear_memos()
    import mesbook as mb
    variants = {name: mb.REALISTIC.replace(**changes) for name, changes in RISK_RULES.items()}
    variants["article"] = mb.ARTICLE
    sample = Sample("realistic", 4, 300, 11)
    runs = paired_runs(variants, sample, measures=["pnl", "trades", "max_drawdown"])
    for i, child in enumerate(sample.children()):
        data = sample.market(child)
        for name, settings in variants.items():
            full = mb.run_backtest(data, settings)
            assert runs.loc[i, ("pnl", name)] == full.net_pnl
            assert runs.loc[i, ("trades", name)] == len(full.trades)
            assert runs.loc[i, ("max_drawdown", name)] == full.stats["Max. Drawdown [%]"]
    flat = pd.Series([100.0, 100.0, 100.0])
    assert max_drawdown_percent(flat) == 0.0 and str(max_drawdown_percent(flat)) == "0.0"
    assert max_drawdown_percent(pd.Series([100.0, 80.0, 120.0, 90.0])) == pytest.approx(-25.0)
    assert np.isnan(max_drawdown_percent(pd.Series([-5.0, -1.0])))


def test_fast_variants_give_the_backtest_s_numbers_bit_for_bit():
    """Variants that execute as the article does run on the fast path over the prepared market; every measure
    equals run_backtest's on the same market (the ladder's first rungs, the caveats, other windows and cash)."""
    from mesbook.data.release import NextBusinessDay
    from mesbook.engine.fastpath import supports_fast_path
    from mesbook.engine.prepared import PreparedMarket
    from mesbook.studies.ladder import ladder_steps
    from mesbook.metrics import max_drawdown_percent
    from mesbook.studies.paired import _variant_run

    fast = [s for _, s in ladder_steps() if supports_fast_path(s)] + [
        ARTICLE.replace(oi_release=NextBusinessDay(), roll_filter=pd.Timedelta(days=7)),
        ARTICLE.replace(fixed_premium_points=40.0), ARTICLE.replace(fill_delay=3, gradient="backward")]
    assert len(fast) >= 8
    checked = 0
    for generator in ("article", "realistic"):
        for child in task_seeds(11, 6):
            data = seeded_market(generator, 300, child)
            market = PreparedMarket(data)
            for settings in fast:
                for windows, cash in ((Windows(10, 30, 5), 100_000.0), (Windows(3, 8, 2), 60.0)):
                    pnl, trades, equity = _variant_run(market, settings, windows, cash)
                    result = run_backtest(data, settings, initial_cash=cash, statistics=False, **windows.keywords())
                    assert (pnl, trades) == (result.net_pnl, result.trade_count)
                    assert max_drawdown_percent(equity()) == max_drawdown_percent(result.equity)
                    np.testing.assert_array_equal(equity().to_numpy(), result.equity.to_numpy())
                    checked += trades > 0
    assert checked > 100


def test_a_fast_variant_is_refused_as_the_backtest_refuses_it():
    """A variant run on the fast path still checks the columns its settings name, as run_backtest does."""
    settings = ARTICLE.replace(volatility="column", vol_column="implied")
    data = seeded_market("article", 200, task_seeds(1, 1)[0])
    with pytest.raises(ValueError, match="implied"):
        run_backtest(data, settings)
    with pytest.raises(ValueError, match="implied"):
        paired_runs({"article": ARTICLE, "column": settings}, Sample("article", 3, 200, seed=1))
