"""Study results computed once per process (mesbook.studies.memo): shared by later asks, never corrupted by one."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import pandas as pd

from mesbook.data.synthetic import Sample
from mesbook.parallel import Workers
from mesbook.studies import luck, montecarlo
from mesbook.studies.memo import Memo, clear_memos


def test_a_memo_computes_once_per_key_keeps_the_latest_and_skips_unhashable_keys():
    memo, calls = Memo(size=2), []

    def compute(value):
        calls.append(value)
        return value * 10

    assert [memo.get(k, lambda k=k: compute(k)) for k in (1, 2, 1, 1)] == [10, 20, 10, 10]
    assert calls == [1, 2]
    memo.get(3, lambda: compute(3))  # 2 is the least recently used: it goes
    memo.get(2, lambda: compute(2))
    assert calls == [1, 2, 3, 2]
    assert memo.get([1], lambda: "fresh") == "fresh" and memo.get([1], lambda: "again") == "again"
    memo.clear()
    memo.get(1, lambda: compute(1))
    assert calls[-1] == 1 and len(calls) == 5


def test_seed_sweep_is_computed_once_and_each_caller_gets_its_own_copy(monkeypatch):
    clear_memos()
    calls = []
    real = luck._seed_sweep
    monkeypatch.setattr(luck, "_seed_sweep", lambda *args: calls.append(args) or real(*args))
    first = luck.seed_sweep(range(3), premium=25.0)
    first.loc[0, "net P&L ($)"] = 1e9  # a caller changing its copy
    second = luck.seed_sweep([0, 1, 2], premium=25.0)
    assert len(calls) == 1
    fresh = real((0, 1, 2), False, {"premium": 25.0})
    pd.testing.assert_frame_equal(second, fresh)
    luck.seed_sweep(range(3), premium=25)  # an int premium is another key, not the float's result
    luck.seed_sweep(range(3), coin_flip=True, premium=25.0)
    assert len(calls) == 3


def test_monte_carlo_runs_once_per_sample_whatever_the_workers_and_copies_its_arrays(monkeypatch):
    clear_memos()
    calls = []
    real = montecarlo._run
    monkeypatch.setattr(montecarlo, "_run", lambda *args: calls.append(args) or real(*args))
    sample = Sample("article", 6, 120, 3)
    first = montecarlo.monte_carlo_runs(sample)
    kept = first.strategy_pnl.copy()
    first.strategy_pnl[:] = 0.0
    second = montecarlo.monte_carlo_runs(sample, workers=Workers(progress=False, n_jobs=1))
    assert len(calls) == 1
    np.testing.assert_array_equal(second.strategy_pnl, kept)
    assert second.strategy_pnl is not first.strategy_pnl
    montecarlo.monte_carlo_runs(sample, random_types="random")
    montecarlo.monte_carlo_runs(sample.replace(seed=np.random.SeedSequence(3)))  # no key: run each time
    montecarlo.monte_carlo_runs(sample.replace(seed=np.random.SeedSequence(3)))
    assert len(calls) == 4
    clear_memos()
    third = montecarlo.monte_carlo_runs(sample)
    assert len(calls) == 5 and third.t_statistic == second.t_statistic


def test_the_paired_kernel_runs_each_variant_once_per_sample_and_hands_out_copies(monkeypatch):
    import mesbook as mb
    from mesbook.studies import ladder, paired

    clear_memos()
    runs = []
    real = paired._one_market
    monkeypatch.setattr(paired, "_one_market", lambda child, **kw: runs.append(len(kw["settings"])) or real(child, **kw))
    sample = Sample("article", 3, 150, 5)
    variants = {"article": mb.ARTICLE, "honest": mb.HONEST}
    first = paired.paired_runs(variants, sample)
    assert runs == [2, 2, 2]
    kept = first.copy()
    first.iloc[:, :] = 0  # a caller changing its frame
    again = paired.paired_runs({"honest again": mb.HONEST, "realistic": mb.REALISTIC, "article": mb.ARTICLE}, sample)
    assert runs == [2, 2, 2, 1, 1, 1]  # only REALISTIC is new
    pd.testing.assert_frame_equal(again[[("pnl", "article"), ("trades", "article")]], kept[[("pnl", "article"), ("trades", "article")]])
    assert again[("pnl", "honest again")].equals(kept[("pnl", "honest")])
    paired.paired_runs(variants, sample, measures=["pnl"])  # other measures, other key
    paired.paired_runs(variants, sample.replace(seed=6))  # other markets
    assert runs[6:] == [2] * 6
    # A ladder whose markets were run before costs nothing more, and equals its fresh computation.
    clear_memos()
    fresh = ladder.ladder_runs(sample)
    count = len(runs)
    for frame, again_frame in zip(fresh, ladder.ladder_runs(sample, workers=Workers(n_jobs=1))):
        pd.testing.assert_frame_equal(frame, again_frame, check_exact=True)
    assert len(runs) == count


def test_a_frame_key_is_the_frames_content_and_text_columns_are_never_keys():
    import mesbook as mb
    from mesbook.studies.memo import frame_key

    book, again = mb.simulate_market_data(seed=7), mb.simulate_market_data(seed=7)
    assert frame_key(book) == frame_key(again) and hash(frame_key(book)) == hash(frame_key(again))
    assert frame_key(book.iloc[100:300]) == frame_key(again.iloc[100:300])
    for other in (mb.simulate_market_data(seed=8), book.iloc[101:301], book.iloc[:, :2],
                  book.rename(columns={"open_interest": "oi"}), book.assign(open_interest=book["open_interest"].astype("float32")),
                  book.set_axis(book.index + 1)):
        assert frame_key(other) != frame_key(book.iloc[100:300]) and frame_key(other) != frame_key(book)
    changed = book.copy()
    changed.loc[499, "futures_price"] += 1e-9
    assert frame_key(changed) != frame_key(book)
    for unkeyed in (book.assign(signal="BUY"), book.assign(signal=pd.Categorical(["BUY"] * 500)), 7):
        key = frame_key(unkeyed)
        with pytest.raises(TypeError):
            hash(key)


def test_a_sweep_is_computed_once_per_market_content_and_arguments(monkeypatch):
    import mesbook as mb
    from mesbook.studies import sweep

    clear_memos()
    calls = []
    real = sweep._sweep
    monkeypatch.setattr(sweep, "_sweep", lambda *args: calls.append(args) or real(*args))
    first = sweep.sweep_windows(mb.simulate_market_data(seed=7), (5, 10), (20, 30))
    first.loc[0, "net_pnl"] = 1e9
    second = sweep.sweep_windows(mb.simulate_market_data(seed=7), [5, 10], [20, 30], workers=Workers(n_jobs=1))
    assert len(calls) == 1 and second.loc[0, "net_pnl"] != 1e9
    pd.testing.assert_frame_equal(second, real(*calls[0]))
    sweep.sweep_windows(mb.simulate_market_data(seed=7), (5, 10), (20, 30), statistic="trades")
    sweep.sweep_windows(mb.simulate_market_data(seed=8), (5, 10), (20, 30))
    sweep.sweep_windows(mb.simulate_market_data(seed=7), (5, 10), (20, 30), settings=mb.HONEST)
    assert len(calls) == 4


def test_a_smaller_sample_of_the_same_markets_is_read_from_a_larger_one_kept(monkeypatch):
    """Market i of a sample does not depend on how many it has: its first markets are the smaller sample's, to the bit."""
    import mesbook as mb
    from mesbook.studies import paired

    for generator, coupling in (("article", 0.0), ("realistic", 0.05)):
        big = Sample(generator, 7, 150, 4, coupling)
        clear_memos()
        fresh_runs = paired.paired_runs({"a": mb.ARTICLE, "r": mb.REALISTIC}, big.first(3), measures=["pnl", "trades"])
        fresh_mc = montecarlo.monte_carlo_runs(big.first(3))
        clear_memos()
        paired.paired_runs({"r": mb.REALISTIC, "a": mb.ARTICLE}, big, measures=["pnl", "trades"])
        montecarlo.monte_carlo_runs(big)
        calls = []
        monkeypatch.setattr(paired, "_one_market", lambda *a, **k: calls.append(a))
        monkeypatch.setattr(montecarlo, "_run", lambda *a: calls.append(a))
        pd.testing.assert_frame_equal(paired.paired_runs({"a": mb.ARTICLE, "r": mb.REALISTIC}, big.first(3),
                                                         measures=["pnl", "trades"]), fresh_runs, check_exact=True)
        small = montecarlo.monte_carlo_runs(big.first(3))
        assert not calls
        for name in ("strategy_pnl", "random_pnl", "trades"):
            np.testing.assert_array_equal(getattr(small, name), getattr(fresh_mc, name))
            assert getattr(small, name).dtype == getattr(fresh_mc, name).dtype
        assert (small.t_statistic, small.p_value, small.num_paths) == (fresh_mc.t_statistic, fresh_mc.p_value, 3)
        assert small == dataclasses.replace(fresh_mc, strategy_pnl=small.strategy_pnl, random_pnl=small.random_pnl,
                                            trades=small.trades)
        monkeypatch.undo()
    # Other markets (another seed), other settings or another measure are never read from it.
    clear_memos()
    paired.paired_runs({"a": mb.ARTICLE}, Sample("article", 7, 150, 4))
    cash = float(mb.INITIAL_CASH)
    assert paired._kept((Sample("article", 3, 150, 4), mb.ARTICLE, ("pnl", "trades"), paired.ARTICLE_WINDOWS,
                         cash)) is not None
    for sample, variants, measures in ((Sample("article", 3, 150, 5), {"a": mb.ARTICLE}, ["pnl", "trades"]),
                                       (Sample("article", 3, 150, 4), {"h": mb.HONEST}, ["pnl", "trades"]),
                                       (Sample("article", 3, 150, 4), {"a": mb.ARTICLE}, ["pnl"]),
                                       (Sample("article", 3, 160, 4), {"a": mb.ARTICLE}, ["pnl", "trades"])):
        assert paired._kept((sample, variants[next(iter(variants))], tuple(measures), paired.ARTICLE_WINDOWS,
                             cash)) is None
