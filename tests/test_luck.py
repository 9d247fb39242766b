"""Luck (mesbook.studies.luck): seed sweeps: one run per seeded market, and what they add up to."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import mesbook as mb
from mesbook.studies.luck import HALF_NORMAL_MEAN, best_pairs, fair_breakeven_days, seed_sweep, sweep_summary
from mesbook.studies.sweep import SWEEP_LONGS, SWEEP_SHORTS


def test_seed_sweep_matches_single_runs():
    sweep = seed_sweep(range(3))
    for seed in range(3):
        _, result = mb.run_article(seed=seed)
        assert sweep.loc[seed, "net P&L ($)"] == pytest.approx(result.net_pnl)
        assert sweep.loc[seed, "trades"] == len(result.trades)
        assert sweep.loc[seed, "final value ($)"] == pytest.approx(result.final_value)


def test_coin_flip_keeps_the_acting_bars_and_is_seeded():
    again = seed_sweep(range(3), coin_flip=True)
    pd.testing.assert_frame_equal(again, seed_sweep(range(3), coin_flip=True))
    plain = seed_sweep(range(3))
    assert not again["net P&L ($)"].equals(plain["net P&L ($)"])


def test_seed_sweep_passes_article_settings():
    cheap = seed_sweep([5])
    dear = seed_sweep([5], premium=25.0)
    trades = cheap.loc[5, "trades"]
    assert dear.loc[5, "net P&L ($)"] == pytest.approx(cheap.loc[5, "net P&L ($)"] - 12.5 * trades)


def test_sweep_summary_on_a_hand_built_sweep():
    sweep = pd.DataFrame({"net P&L ($)": [-10.0, 5.0, 20.0, 40.0], "trades": [3, 4, 5, 6]},
                         index=pd.Index(range(4), name="seed"))
    other = sweep.assign(**{"net P&L ($)": [-1.0, -2.0, -3.0, 4.0]})
    summary = sweep_summary(sweep, other, names=["a", "b"])
    assert list(summary.columns) == ["a", "b"]
    assert summary.loc["runs", "a"] == 4
    assert summary.loc["profitable runs (%)", "a"] == 75.0 and summary.loc["profitable runs (%)", "b"] == 25.0
    assert summary.loc["median net P&L ($)", "a"] == 12.5
    assert summary.loc["worst net P&L ($)", "a"] == -10.0 and summary.loc["best net P&L ($)", "b"] == 4.0
    assert summary.loc["median trades", "a"] == 4.5
    assert list(sweep_summary(sweep).columns) == ["4 seeds"]
    with pytest.raises(ValueError, match="names"):
        sweep_summary(sweep, names=["a", "b"])
    with pytest.raises(ValueError, match="at least one"):
        sweep_summary()


def test_best_pairs_per_seed():
    best = best_pairs(range(2))
    assert list(best.index) == [0, 1]
    for seed, row in best.iterrows():
        table = mb.sweep_windows(mb.simulate_market_data(500, seed=seed), SWEEP_SHORTS, SWEEP_LONGS)
        top = table.loc[table["net_pnl"].idxmax()]
        assert (row["short"], row["long"]) == (top["short"], top["long"])
        assert row["net P&L ($)"] == round(top["net_pnl"], 2)
        assert row["article's rank"] == 1 + int((table["net_pnl"] > table.query("short == 10 and long == 30")["net_pnl"].iloc[0]).sum())


def test_seed_sweep_counts_options_that_start_in_the_money():
    from mesbook.article.simulation import entry_moneyness
    sweep = seed_sweep([3, 7])
    for seed in (3, 7):
        moneyness = entry_moneyness(mb.run_article(seed=seed)[1].trades)
        assert sweep.loc[seed, "in the money at entry"] == (moneyness > 0).sum()
        assert sweep.loc[seed, "intrinsic at entry ($)"] == pytest.approx(5 * moneyness.clip(lower=0).sum())
        trades = mb.run_article(seed=seed)[1].trades
        assert sweep.loc[seed, "bars held"] == (trades["exit_bar"] - trades["entry_bar"]).sum()
    fine = seed_sweep([7], coin_flip=True, strike_interval=0.25)
    assert fine.loc[7, "intrinsic at entry ($)"] <= 5 * 0.125 * fine.loc[7, "trades"]


def test_sweep_summary_pnl_per_trade_pools_all_runs():
    sweep = pd.DataFrame({"net P&L ($)": [-10.0, 5.0, 20.0, 40.0], "trades": [3, 4, 5, 6]})
    assert sweep_summary(sweep).loc["net P&L per trade ($)"].iloc[0] == round(55 / 18, 2)


def test_paired_difference_hand_built():
    from scipy import stats
    from mesbook.studies.luck import paired_difference
    first, second = pd.Series([1.0, 2.0, 3.0, 6.0]), pd.Series([0.0, 0.0, 0.0, 0.0])
    out = paired_difference(first, second)
    error = (14 / 3) ** 0.5 / 2  # sd of (1, 2, 3, 6) is sqrt(14/3); four markets
    assert out["markets"] == 4 and out["mean"] == 3.0 and out["std_error"] == pytest.approx(error)
    assert out["low 95"] == pytest.approx(3 - 1.96 * error) and out["high 95"] == pytest.approx(3 + 1.96 * error)
    assert out["t statistic"] == pytest.approx(3 / error)
    assert out["p-value"] == pytest.approx(stats.t.sf(3 / error, df=3))
    assert paired_difference(second, first)["mean"] == -3.0
    with pytest.raises(ValueError, match="same markets"):
        paired_difference(first, second.set_axis([9, 8, 7, 6]))
    with pytest.raises(TypeError, match="Series"):
        paired_difference(first.to_numpy(), second)


def test_lead_mechanism_ranks_the_lead_against_each_cause():
    import pandas as pd
    from mesbook.studies.luck import lead_mechanism

    index = pd.Index([0, 1, 2, 3], name="seed")
    first = pd.DataFrame({"net P&L ($)": [10.0, 20.0, 30.0, 40.0], "trades": [4, 3, 2, 1],
                          "call bars − put bars": [1, 2, 3, 4], "bars held": [5, 5, 5, 5]}, index=index)
    second = pd.DataFrame({"net P&L ($)": [0.0] * 4, "trades": [1] * 4, "call bars − put bars": [0] * 4,
                           "bars held": [5] * 4}, index=index)
    lead = lead_mechanism(first, second)
    assert lead["rho trades"] == pytest.approx(-1.0) and lead["rho calls"] == pytest.approx(1.0)
    assert lead["mean trades"] == pytest.approx(1.5) and lead["mean calls"] == pytest.approx(2.5)
    assert np.isnan(lead["rho held"]) and lead["mean held"] == 0.0
    with pytest.raises(ValueError, match="same markets"):
        lead_mechanism(first, second.iloc[:3])


def test_the_half_normal_mean_is_what_an_at_the_money_option_pays_on_average():
    moves = np.random.default_rng(5).standard_normal(400_000)
    assert np.maximum(moves, 0).mean() == pytest.approx(HALF_NORMAL_MEAN, abs=0.003)
    assert HALF_NORMAL_MEAN == pytest.approx(0.3989423, abs=1e-7)


def test_fair_breakeven_days_on_hand_built_cases():
    assert fair_breakeven_days(1.0, 1.0) == pytest.approx(2 * np.pi)  # (1 / (1 / √(2π)))²
    assert fair_breakeven_days(2.0, 1.0) == pytest.approx(8 * np.pi)  # twice the premium: four times as long
    assert fair_breakeven_days() == pytest.approx((2.5 * np.sqrt(2 * np.pi) / 1.5) ** 2)  # the article's option
    with pytest.raises(ValueError, match="premium_points"):
        fair_breakeven_days(0.0, 1.0)


def _one_run_at_a_time(seeds, coin_flip=False, **article_kwargs):
    """The sweep as it was first written: run_article per seed, its trade log read back (the reference)."""
    from mesbook.article.simulation import entry_moneyness, run_trading_simulation
    rows = []
    for seed in seeds:
        frame, result = mb.run_article(seed=int(seed), **article_kwargs)
        if coin_flip:
            acting = frame["signal"].astype(str).to_numpy() != "HOLD"
            coins = np.random.default_rng(int(seed) + 1_000_000).integers(0, 2, acting.sum())
            labels = frame["signal"].astype(str).to_numpy().copy()
            labels[acting] = np.where(coins == 1, "BUY", "SELL")
            terms = {k: v for k, v in article_kwargs.items() if k in ("initial_cash", "premium", "strike_interval")}
            result = run_trading_simulation(frame.assign(signal=labels), **terms)
        summary, trades = result.summary(), result.trades
        moneyness = entry_moneyness(trades).to_numpy()
        held = (trades["exit_bar"] - trades["entry_bar"]).to_numpy()
        calls = (trades["option_type"] == "CALL").to_numpy()
        rows.append({"seed": int(seed), "final value ($)": summary.final_value, "net P&L ($)": summary.net_pnl,
                     "trades": summary.num_trades, "win rate (%)": 100 * summary.win_rate,
                     "in the money at entry": int((moneyness > 0).sum()),
                     "intrinsic at entry ($)": float(5 * moneyness.clip(min=0).sum()),
                     "bars held": int(held.sum()), "call bars − put bars": int(held[calls].sum() - held[~calls].sum())})
    return pd.DataFrame(rows).set_index("seed")


@pytest.mark.parametrize("coin_flip", [False, True])
@pytest.mark.parametrize("kwargs", [{}, {"premium": 25.0}, {"strike_interval": 0.25},
                                    {"short_sma_window": 3, "long_sma_window": 7, "num_periods": 120},
                                    {"initial_cash": 60.0, "premium": 30.0}])  # the account runs dry part-way
def test_seed_sweep_on_arrays_is_the_one_run_at_a_time_sweep_to_the_bit(kwargs, coin_flip):
    from mesbook.studies.memo import clear_memos
    clear_memos()
    seeds = [0, 3, 7, 11, 42, 199]
    pd.testing.assert_frame_equal(seed_sweep(seeds, coin_flip=coin_flip, **kwargs),
                                  _one_run_at_a_time(seeds, coin_flip, **kwargs), check_exact=True)


def test_seed_sweep_refuses_keywords_that_are_not_run_articles():
    with pytest.raises(TypeError, match="data"):
        seed_sweep(range(2), data=mb.simulate_market_data(seed=1))
    with pytest.raises(ValueError, match="short_sma_window"):
        seed_sweep(range(2), short_sma_window=30, long_sma_window=10)


def test_lead_mechanisms_rank_correlation_is_scipys_spearman_to_the_bit():
    from mesbook.studies.luck import _spearman
    rng = np.random.default_rng(5)
    for n in (3, 17, 200, 201):
        first = pd.Series(rng.normal(size=n))
        for second in (pd.Series(rng.normal(size=n)), pd.Series(rng.integers(-4, 4, n)),  # ties
                       first.rank() * 3.0 - 1.0, -first):
            assert _spearman(first, second) == first.corr(second, method="spearman")
    assert np.isnan(_spearman(first, pd.Series(np.ones(n)))) and np.isnan(_spearman(pd.Series(np.ones(n)), first))
