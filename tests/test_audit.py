from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import mesbook as mb
from mesbook.studies.audit import (
    audit_summary,
    bump_open_interest,
    lookahead_table,
    AuditResult,
    article_signals,
    backtest_equity,
    backtest_signals,
    crossover_bars,
    lookahead_audit,
    scramble_after,
)
from mesbook.engine.settings import ARTICLE, REALISTIC


@pytest.fixture(scope="module")
def market() -> pd.DataFrame:
    return mb.simulate_market_data(600, seed=21)


def gradient_decided(data: pd.DataFrame) -> list[int]:
    """Crossover bars where the OI change alone does not confirm the cross: the centred gradient decides."""
    ind = mb.calculate_indicators(data)
    change, short, long = (ind[c].to_numpy() for c in ("oi_change", "oi_short_sma", "oi_long_sma"))
    return [int(t) for t in crossover_bars(data)
            if (short[t] > long[t] and change[t] <= 0) or (short[t] < long[t] and change[t] >= 0)]


def test_article_pipeline_leaks_at_the_known_bars(market):
    result = lookahead_audit(article_signals(), market, crossover_bars(market), n_scrambles=10)
    assert result.leaks == [346, 518] == gradient_decided(market)
    assert not result.passed and "346" in repr(result)


@pytest.mark.parametrize("seed", [0, 3, 8])
def test_leaks_are_exactly_the_bars_the_centred_gradient_decides(seed):
    data = mb.simulate_market_data(600, seed=seed)
    result = lookahead_audit(article_signals(), data, crossover_bars(data), n_scrambles=10)
    assert result.leaks == gradient_decided(data) != []


def test_engine_adapters_flag_the_article_settings(market):
    cuts = crossover_bars(market)
    assert lookahead_audit(backtest_signals(ARTICLE), market, cuts, n_scrambles=10).leaks == [346, 518]
    equity = lookahead_audit(backtest_equity(ARTICLE), market, cuts, n_scrambles=10)
    assert set(equity.leaks) & {346, 518}


def test_honest_settings_pass(market):
    result = mb.run_backtest(market, REALISTIC)
    entries = result.trades["entry_bar"].to_numpy()
    cuts = sorted(set(crossover_bars(market)) | set(entries) | set(entries - 1) | set(range(40, 600, 37)))
    assert lookahead_audit(backtest_equity(REALISTIC), market, cuts, n_scrambles=3).passed
    assert lookahead_audit(backtest_signals(REALISTIC), market, n_scrambles=2).passed  # every bar


def test_the_backward_gradient_alone_removes_the_leak(market):
    cuts = crossover_bars(market)
    assert lookahead_audit(backtest_signals(ARTICLE.replace(gradient="backward")), market, cuts, n_scrambles=10).passed


def peeking(data: pd.DataFrame) -> np.ndarray:
    """Buy when tomorrow's price is higher: the plainest look-ahead."""
    price = data["futures_price"].to_numpy()
    return np.append(np.where(np.diff(price) > 0, "BUY", "SELL"), "HOLD")


def honest_equity(data: pd.DataFrame) -> pd.Series:
    return data["futures_price"].expanding().mean()


def test_custom_strategies(market):
    leaky = lookahead_audit(peeking, market, range(50, 60))
    assert leaky.leaks == list(range(50, 60))
    assert (leaky.checks["truncated_bar"] == leaky.checks["cut"]).all()  # truncation: bar t loses its tomorrow
    assert lookahead_audit(honest_equity, market, range(0, 600, 50)).passed


def test_checks_table(market):
    result = lookahead_audit(article_signals(), market, [346, 100], n_scrambles=10)
    assert isinstance(result, AuditResult)
    assert list(result.checks.columns) == ["cut", "scrambled_bar", "truncated_bar"]
    assert result.checks["cut"].tolist() == [100, 346]
    row = result.checks.set_index("cut").loc[346]
    assert row["scrambled_bar"] == 346 or row["truncated_bar"] == 346


def test_audit_is_reproducible_and_more_scrambles_only_add(market):
    cuts = crossover_bars(market)
    one = lookahead_audit(article_signals(), market, cuts, n_scrambles=1, seed=4)
    assert one.checks.equals(lookahead_audit(article_signals(), market, cuts, n_scrambles=1, seed=4).checks)
    assert set(one.leaks) <= set(lookahead_audit(article_signals(), market, cuts, n_scrambles=6, seed=4).leaks)


def test_scramble_keeps_the_past_and_changes_the_future(market):
    before = market.copy()
    out = scramble_after(market, 100, seed=1)
    pd.testing.assert_frame_equal(market, before)
    pd.testing.assert_frame_equal(out.iloc[:101], market.iloc[:101])
    assert (out["futures_price"].iloc[101:].to_numpy() != market["futures_price"].iloc[101:].to_numpy()).all()
    assert (out["open_interest"] > 0).all() and out["timestamp"].equals(market["timestamp"])
    pd.testing.assert_frame_equal(scramble_after(market, 100, seed=1), out)
    mb.validate_market_data(out)


def test_bad_arguments(market):
    with pytest.raises(TypeError, match="callable"):
        lookahead_audit("article", market)
    with pytest.raises(ValueError, match="beyond the last bar"):
        lookahead_audit(article_signals(), market, [700])
    with pytest.raises(ValueError, match="one per bar"):
        lookahead_audit(lambda d: np.zeros(3), market, [5])
    with pytest.raises(TypeError, match="'signal' column"):
        lookahead_audit(lambda d: d, market, [5])
    with pytest.raises(ValueError, match="n_scrambles"):
        lookahead_audit(article_signals(), market, [5], n_scrambles=0)
    with pytest.raises(ValueError, match="short_sma_window"):
        article_signals(30, 10)
    with pytest.raises(TypeError, match="unknown window"):
        backtest_signals(REALISTIC, short=5)
    with pytest.raises(TypeError, match="BacktestSettings"):
        backtest_equity("REALISTIC")


def test_oi_from_the_future_hand_built():
    from mesbook.studies.audit import oi_from_the_future
    data = pd.DataFrame({"futures_price": [10.0, 11, 12, 13], "open_interest": [1.0, 2, 3, 4]})
    before = data.copy()
    assert oi_from_the_future(data, 1)["open_interest"].tolist() == [2, 3, 4, 4]
    assert oi_from_the_future(data, 3)["open_interest"].tolist() == [4, 4, 4, 4]
    assert oi_from_the_future(data, 0)["open_interest"].tolist() == [1, 2, 3, 4]
    pd.testing.assert_frame_equal(data, before)  # input not mutated
    with pytest.raises(ValueError, match="lead"):
        oi_from_the_future(data, -1)


def test_lookahead_gain_is_zero_without_a_lead_and_positive_on_a_strong_edge():
    from mesbook.studies.audit import lookahead_gain
    none = lookahead_gain((0.1,), num_seeds=4, seed=1, lead=0)
    assert none.loc[0.1, "gain ($)"] == 0 and none.loc[0.1, "gain ± 95 % ($)"] == 0
    strong = lookahead_gain((0.3,), num_seeds=10, seed=1)
    assert strong.loc[0.3, "gain ($)"] - strong.loc[0.3, "gain ± 95 % ($)"] > 0
    assert list(strong.columns) == ["honest ($)", "with look-ahead ($)", "gain ($)", "gain ± 95 % ($)"]


def test_lookahead_table_only_gradient_moves(market):
    table = lookahead_table(market, bar=100, bump=1000)
    assert table.loc["oi_gradient", "moved by"] == pytest.approx(500)
    for column in ("oi_change", "oi_short_sma", "oi_long_sma"):
        assert table.loc[column, "moved by"] == 0
    with pytest.raises(ValueError, match="bar must be between"):
        bump_open_interest(market, len(market), 1.0)


def test_bump_changes_one_bar_and_not_the_input(market):
    before = market.copy()
    bumped = bump_open_interest(market, 3, 100.0)
    pd.testing.assert_frame_equal(market, before)
    diff = bumped["open_interest"].to_numpy() - market["open_interest"].to_numpy()
    assert list(np.flatnonzero(diff)) == [3] and diff[3] == 100.0


def test_audit_summary_on_the_book_market():
    market = mb.simulate_market_data(500, seed=7)
    summary = audit_summary(market)
    leaks = summary["leaking bars"]
    assert leaks["the article's signals"] == "200, 252, 322, 363, 486, 491"
    assert leaks["warm-up skipped only"] == leaks["the article's signals"]
    assert (leaks[["backward gradient only", "REALISTIC signals", "REALISTIC backtest (account value)"]] == "none").all()
    assert summary.loc["REALISTIC signals", "bars checked"] == len(market) - 1


def test_an_audit_spread_over_processes_finds_what_the_serial_one_finds():
    data = mb.simulate_market_data(160, seed=7)
    cuts = mb.crossover_bars(data)
    serial = mb.lookahead_audit(mb.article_signals(), data, cuts, n_scrambles=3)
    spread = mb.lookahead_audit(mb.article_signals(), data, cuts, n_scrambles=3, n_jobs=2)
    pd.testing.assert_frame_equal(spread.checks, serial.checks)
    assert serial.leaks  # the article's centred gradient leaks: the comparison has something to find
    with pytest.raises(TypeError, match="lookahead_audit"):
        mb.lookahead_audit(mb.article_signals(), data, cuts, jobs=2)
