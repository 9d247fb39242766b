from __future__ import annotations

import distributed
import numpy as np
import pandas as pd
import pytest

import mesbook as mb
from mesbook.formatting import format_p
from mesbook.studies.montecarlo import (
    MonteCarloResult,
    monte_carlo,
    monte_carlo_label,
    monte_carlo_table,
)
from mesbook.data.synthetic import seeded_market
from mesbook.parallel import task_seeds
from mesbook.engine.settings import ARTICLE, REALISTIC

HONEST_SIGNALS = ARTICLE.replace(warmup="skip", gradient="backward", oi_lag=1, fill_delay=1)


@pytest.fixture(scope="module")
def no_edge() -> MonteCarloResult:
    return monte_carlo(num_paths=300, num_periods=500, seed=0)


def test_article_generator_shows_no_edge(no_edge):
    # Price and OI are independent random walks: the OI signals cannot beat random entries.
    assert no_edge.generator == "article" and no_edge.coupling == 0
    assert no_edge.p_value > 0.05
    assert abs(no_edge.mean_difference) < 3 * no_edge.std_error


def test_planted_edge_is_found():
    found = monte_carlo(num_paths=200, num_periods=500, seed=0, coupling=0.1)
    assert found.generator == "realistic"
    assert found.p_value < 0.01 and found.mean_difference > 0
    # The same markets without the planted edge (identical OI and shocks) show nothing.
    null = monte_carlo(num_paths=200, num_periods=500, seed=0, generator="realistic")
    assert null.p_value > 0.05
    np.testing.assert_array_equal(null.trades, found.trades)  # same OI, so the same signals


def test_honest_signal_settings_are_supported_and_find_the_edge():
    assert monte_carlo(num_paths=200, seed=1, coupling=0.1, settings=HONEST_SIGNALS).p_value < 0.01
    assert monte_carlo(num_paths=300, seed=1, settings=HONEST_SIGNALS).p_value > 0.05


def test_seeded_runs_are_identical_and_seeds_matter(no_edge):
    again = monte_carlo(num_paths=300, num_periods=500, seed=0)
    np.testing.assert_array_equal(again.strategy_pnl, no_edge.strategy_pnl)
    np.testing.assert_array_equal(again.random_pnl, no_edge.random_pnl)
    assert again.p_value == no_edge.p_value
    other = monte_carlo(num_paths=300, num_periods=500, seed=1)
    assert not np.array_equal(other.strategy_pnl, no_edge.strategy_pnl)


def test_a_seed_sequence_is_the_same_seed():
    by_int = monte_carlo(num_paths=30, seed=6)
    by_sequence = monte_carlo(num_paths=30, seed=np.random.SeedSequence(6))
    np.testing.assert_array_equal(by_int.random_pnl, by_sequence.random_pnl)
    fresh = monte_carlo(num_paths=30, seed=None)
    assert fresh.num_paths == 30 and not np.array_equal(fresh.strategy_pnl, by_int.strategy_pnl)


def test_fewer_paths_are_a_prefix(no_edge):
    head = monte_carlo(num_paths=50, num_periods=500, seed=0)
    np.testing.assert_array_equal(head.strategy_pnl, no_edge.strategy_pnl[:50])
    np.testing.assert_array_equal(head.random_pnl, no_edge.random_pnl[:50])


def test_parallel_runs_equal_serial(no_edge):
    np.testing.assert_array_equal(monte_carlo(num_paths=300, seed=0, n_jobs=2).random_pnl, no_edge.random_pnl)
    serial = monte_carlo(num_paths=40, seed=5, coupling=0.05)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0") as cluster:
        with distributed.Client(cluster) as client:
            on_dask = monte_carlo(num_paths=40, seed=5, coupling=0.05, client=client)
    np.testing.assert_array_equal(on_dask.strategy_pnl, serial.strategy_pnl)
    np.testing.assert_array_equal(on_dask.random_pnl, serial.random_pnl)


@pytest.mark.parametrize("path", [0, 7, 123])
def test_strategy_pnl_is_the_article_run_on_that_path(no_edge, path):
    market = mb.simulate_market_data(500, seed=np.random.default_rng(task_seeds(0, 300)[path]))
    _, result = mb.run_article(market)
    assert no_edge.strategy_pnl[path] == pytest.approx(result.net_pnl, abs=1e-8)
    assert no_edge.trades[path] == len(result.trades)


def test_realistic_paths_are_seeded_markets():
    result = monte_carlo(num_paths=5, num_periods=300, seed=3, coupling=0.2)
    child = task_seeds(3, 5)[4]
    market = seeded_market("realistic", 300, child, coupling=0.2)
    assert result.strategy_pnl[4] == pytest.approx(mb.run_backtest(market, ARTICLE).net_pnl, abs=1e-8)


def test_a_single_trade_has_itself_as_random_twin():
    # With one trade there is one ordering: the twin is the trade itself. No trade, no twin.
    short = monte_carlo(num_paths=200, num_periods=45, seed=0)
    one, none = short.trades == 1, short.trades == 0
    assert one.any() and none.any() and (short.trades > 1).any()
    np.testing.assert_allclose(short.random_pnl[one], short.strategy_pnl[one], atol=1e-9)
    assert (short.random_pnl[none] == 0).all() and (short.strategy_pnl[none] == 0).all()


def test_random_types_changes_only_the_benchmark(no_edge):
    mixed = monte_carlo(num_paths=300, num_periods=500, seed=0, random_types="random")
    np.testing.assert_array_equal(mixed.strategy_pnl, no_edge.strategy_pnl)
    assert not np.array_equal(mixed.random_pnl, no_edge.random_pnl)


def test_result_table_and_summary(no_edge):
    frame = no_edge.frame()
    assert list(frame.columns) == ["strategy_pnl", "random_pnl", "difference", "trades"] and len(frame) == 300
    np.testing.assert_allclose(frame["difference"], frame["strategy_pnl"] - frame["random_pnl"])
    text = repr(no_edge)
    assert "p-value" in text and "no evidence of an edge" in text and "300 paths" in text


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(coupling=0.1, generator="article"), ValueError, "coupling needs generator='realistic'"),
    (dict(settings=REALISTIC), ValueError, "pricing"),
    (dict(settings="ARTICLE"), TypeError, "BacktestSettings"),
    (dict(generator="garch"), ValueError, "generator"),
    (dict(random_types="mixed"), ValueError, "random_types"),
    (dict(num_paths=1), ValueError, "num_paths"),
    (dict(random_draws=0), ValueError, "random_draws"),
    (dict(short_sma_window=30), ValueError, "short_sma_window"),
    (dict(n_jobs=0), ValueError, "n_jobs"),
    (dict(seed=-3), ValueError, "seed"),
    (dict(seed="0"), TypeError, "seed"),
])
def test_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        monte_carlo(**{"num_paths": 4, "num_periods": 60, **kwargs})


def test_monte_carlo_table():
    null, edge = monte_carlo(40, 300, seed=7), monte_carlo(40, 300, seed=7, coupling=0.1)
    table = monte_carlo_table(null, edge)
    assert list(table.index) == ["article's market", "realistic market, coupling 0.1"]
    assert table.loc["article's market", "difference ($)"] == round(null.mean_difference, 2)
    assert table.loc["article's market", "± 95 % ($)"] == round(1.96 * null.std_error, 2)
    assert table.loc["realistic market, coupling 0.1", "p-value"] == format_p(edge.p_value)
    assert monte_carlo_label(edge) == "realistic market, coupling 0.1"
    with pytest.raises(ValueError, match="names"):
        monte_carlo_table(null, names=["a", "b"])
    with pytest.raises(ValueError, match="at least one"):
        monte_carlo_table()


_SIGNAL_VARIANTS = {
    "article": {},
    "warm-up, lagged gradient, next-bar fill": {"warmup": "skip", "gradient": "lagged", "fill_delay": 1},
    "OI lag 1, roll filter 5 bars": {"oi_lag": 1, "roll_filter": 5},
    "next business day, backward gradient": {"oi_release": "next business day", "gradient": "backward"},
    "roll filter 7 days": {"roll_filter": pd.Timedelta(days=7)},
}


@pytest.mark.parametrize("variant", sorted(_SIGNAL_VARIANTS))
@pytest.mark.parametrize("generator, coupling", [("realistic", 0.05), ("realistic", 0.0), ("article", 0.0)])
def test_arrays_path_equals_the_frame_path_exactly(generator, coupling, variant):
    """Monte Carlo decides a chunk's paths in one 2-D pass and reads arrays (no frame per path); every number
    equals the run of the market's own frame through FastMarket, for any signal settings of the fast path."""
    from mesbook.core.windows import ARTICLE_WINDOWS
    from mesbook.data.release import NextBusinessDay
    from mesbook.data.synthetic import Sample
    from mesbook.engine.fastpath import FastMarket
    from mesbook.studies.montecarlo import _random_entry_pnl
    changes = dict(_SIGNAL_VARIANTS[variant])
    if changes.get("oi_release"):
        changes["oi_release"] = NextBusinessDay()
    settings = ARTICLE.replace(**changes)
    sample = Sample(generator, 5, 300, seed=5, coupling=coupling)
    result = monte_carlo(num_paths=5, num_periods=300, seed=5, generator=generator, coupling=coupling,
                         settings=settings, random_draws=7)
    assert result.trades.sum() > 0
    for path, child in enumerate(sample.children()):
        market = FastMarket.from_frame(sample.market(child), settings, caller="monte_carlo")
        run = market.run(ARTICLE_WINDOWS)
        rng = np.random.default_rng(task_seeds(child, 1)[0])
        assert result.strategy_pnl[path] == run.pnl.sum()
        assert result.random_pnl[path] == _random_entry_pnl(rng, market, run, 7, "same")
        assert result.trades[path] == len(run.pnl)
