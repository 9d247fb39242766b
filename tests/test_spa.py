"""mesbook's reality check / SPA test (mesbook.studies.spa) against arch 8.0.0, its oracle, and hand-built cases.

arch is imported here only: the book computes the tests itself (issue #23), and these tests hold it to arch's
indices and p-values integer for integer and bit for bit, then check the studentized test arch does not have.
"""
from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from mesbook.studies import multiple_testing as mt
from mesbook.studies import spa

arch_bootstrap = pytest.importorskip("arch.bootstrap")

ARCH_BOOTSTRAPS = {"stationary": ("StationaryBootstrap", spa.stationary_indices),
                   "circular": ("CircularBlockBootstrap", spa.circular_indices),
                   "moving block": ("MovingBlockBootstrap", spa.moving_block_indices)}


def normal_cdf(x: float) -> float:
    return 0.5 * (1 + math.erf(x / math.sqrt(2)))


# --------------------------------------------------------------------------------------------------
# the bootstraps' indices, against arch's for the same generator
# --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", list(ARCH_BOOTSTRAPS))
@pytest.mark.parametrize("n", [1, 2, 5, 64, 499])
def test_indices_are_archs_integer_for_integer(kind, n):
    name, draw = ARCH_BOOTSTRAPS[kind]
    for seed in (0, 1, 2024):
        for block in sorted({1, 2, 3, max(1, n // 4), max(1, n - 1), n} - {b for b in (2, 3) if b > n}):
            theirs = getattr(arch_bootstrap, name)(block, np.arange(n), seed=np.random.default_rng(seed))
            rng = np.random.default_rng(seed)
            for rep in range(4):  # consecutive resamples: the generator advances as arch's does
                ours = draw(rng, n, block)
                assert ours.dtype == np.int64 and ours.shape == (n,)
                np.testing.assert_array_equal(ours, theirs.update_indices(), err_msg=f"{kind} n={n} block={block} "
                                              f"seed={seed} resample {rep}")
            assert rng.bit_generator.state == theirs._generator.bit_generator.state


def test_indices_by_hand():
    n = 10
    rng = np.random.default_rng(3)
    starts = np.random.default_rng(3).integers(n, size=n, dtype=np.int64)
    np.testing.assert_array_equal(spa.stationary_indices(rng, n, 1), starts)  # block 1: every bar a fresh draw
    start = np.random.default_rng(4).integers(n, size=1, dtype=np.int64)[0]
    np.testing.assert_array_equal(spa.circular_indices(np.random.default_rng(4), n, n), (start + np.arange(n)) % n)
    np.testing.assert_array_equal(spa.moving_block_indices(np.random.default_rng(4), n, n), np.arange(n))
    # stationary, mean block 3, written bar by bar as Politis & Romano define it: a bar whose uniform is at most
    # 1/3 starts a block at its own random bar, any other bar takes the bar after the previous one, wrapping.
    for seed in range(20):
        rng = np.random.default_rng(seed)
        starts, uniform = rng.integers(n, size=n, dtype=np.int64), rng.random(n)
        expected = [int(starts[0])]
        for t in range(1, n):
            expected.append(int(starts[t]) if uniform[t] <= 1 / 3 else (expected[-1] + 1) % n)
        np.testing.assert_array_equal(spa.stationary_indices(np.random.default_rng(seed), n, 3), expected)


# --------------------------------------------------------------------------------------------------
# p-values without studentization: arch's SPA, bit for bit
# --------------------------------------------------------------------------------------------------
def _case(rng: np.random.Generator, trial: int) -> tuple[np.ndarray, np.ndarray | None, int, str]:
    """A random P&L matrix (normal, tick-like or mostly flat; C- or Fortran-ordered), maybe a benchmark,
    a block size from 1 to the number of bars, and a bootstrap name."""
    n, k = int(rng.integers(3, 300)), int(rng.integers(1, 25))
    shape = trial % 3
    if shape == 0:
        pnl = rng.standard_normal((n, k)) * rng.uniform(0.1, 10, k) + rng.normal(0, 0.2, k)
    elif shape == 1:
        pnl = rng.integers(-3, 4, (n, k)) * 1.25
    else:
        pnl = np.where(rng.random((n, k)) < 0.05, rng.integers(-40, 41, (n, k)) * 5.0, 0.0)
    if trial % 2:
        pnl = np.asfortranarray(pnl)
    benchmark = rng.standard_normal(n) if trial % 4 >= 2 else None
    block = int(rng.integers(1, n + 1)) if trial % 5 else n
    return pnl, benchmark, block, list(spa.BOOTSTRAPS)[trial % len(spa.BOOTSTRAPS)]


def _arch_pvalues(pnl, benchmark, block, bootstrap, seed, reps) -> tuple[float, float, float]:
    base = np.zeros(len(pnl)) if benchmark is None else np.asarray(benchmark, dtype=float)
    values = pnl.to_numpy(dtype=float) if isinstance(pnl, pd.DataFrame) else pnl
    test = arch_bootstrap.SPA(-base, -values, block_size=block, reps=reps, bootstrap=bootstrap, studentize=False,
                              seed=np.random.default_rng(seed))
    test.compute()
    return tuple(float(test.pvalues[name]) for name in ("lower", "consistent", "upper"))


def test_pvalues_are_archs_on_many_random_matrices():
    rng = np.random.default_rng(23)
    for trial in range(240):
        pnl, benchmark, block, bootstrap = _case(rng, trial)
        ours = mt.spa_test(pnl, benchmark, reps=60, block_size=block, bootstrap=bootstrap, studentize=False, seed=trial)
        theirs = _arch_pvalues(pnl, benchmark, block, bootstrap, trial, 60)
        assert (ours.lower, ours.consistent, ours.upper) == theirs, (trial, pnl.shape, block, bootstrap)


def test_pvalues_are_archs_where_resamples_tie_with_the_best_mean():
    # Blocks nearly as long as the data resample nearly the same bars: a resampled best equals the observed best
    # to the last bit, and which way each tie falls depends on the order the means were summed in.
    rng = np.random.default_rng(5)
    for trial in range(40):
        n = int(rng.integers(20, 200))
        pnl = rng.standard_normal((n, 2)) - 0.3
        if trial % 2:
            pnl = np.asfortranarray(pnl)
        benchmark = rng.standard_normal(n)
        for block in (n - 1, n):
            ours = mt.spa_test(pnl, benchmark, reps=200, block_size=block, studentize=False, seed=trial)
            assert (ours.lower, ours.consistent, ours.upper) == _arch_pvalues(pnl, benchmark, block, "stationary",
                                                                              trial, 200)


def test_pvalues_are_archs_for_a_dataframe_and_the_default_block():
    pnl = pd.DataFrame(np.random.default_rng(1).standard_normal((400, 30)) * 50).round(2)
    ours = mt.spa_test(pnl, reps=300, studentize=False, seed=9)
    assert ours.block_size == 20
    assert (ours.lower, ours.consistent, ours.upper) == _arch_pvalues(pnl, None, 20, "stationary", 9, 300)


def test_long_run_variance_is_archs_to_rounding():
    rng = np.random.default_rng(2)
    for n, k, block in ((3, 1, 1), (50, 4, 7), (257, 12, 256), (600, 3, 24)):
        differences = rng.standard_normal((n, k)) * rng.uniform(0.5, 5, k) + rng.standard_normal((n, 1))
        theirs = arch_bootstrap.SPA(np.zeros(n), -differences, block_size=block)
        theirs._compute_variance()
        ours = spa.long_run_variance(differences, block)
        scale = ((differences - differences.mean(axis=0)) ** 2).mean(axis=0)
        assert np.max(np.abs(ours - theirs._loss_diff_var) / scale) < 1e-12
    assert spa.long_run_variance(np.zeros((30, 2)), 5).tolist() == [0.0, 0.0]


def test_nothing_to_test_when_no_strategy_ever_differs_from_its_benchmark():
    # arch counts a p-value of 0 here (no resampled best exceeds the best of exactly 0); there is no evidence at all.
    for studentize in (False, True):
        result = mt.spa_test(np.zeros((60, 4)), reps=50, studentize=studentize)
        assert (result.lower, result.consistent, result.upper) == (1.0, 1.0, 1.0)


# --------------------------------------------------------------------------------------------------
# studentized: Hansen's T_SPA
# --------------------------------------------------------------------------------------------------
def test_studentized_test_weighs_the_precise_strategy():
    # Two iid strategies with the same mean edge: A with sd 1 (t = 3.5, significant alone), B with sd 25
    # (t = 0.14). Without studentization B's noise swamps the null distribution; with it the best t is A's,
    # against the best of two standard normals: p = 1 − Φ(3.5)² ≈ 0.0005.
    rng = np.random.default_rng(4)
    n = 1000
    noise = rng.standard_normal((n, 2))
    noise = (noise - noise.mean(axis=0)) / noise.std(axis=0)
    edge = 3.5 / math.sqrt(n)
    pnl = noise * [1.0, 25.0] + edge
    raw = mt.spa_test(pnl, reps=2000, block_size=1, bootstrap="circular", studentize=False, seed=1)
    student = mt.spa_test(pnl, reps=2000, block_size=1, bootstrap="circular", studentize=True, seed=1)
    assert raw.consistent > 0.3
    assert student.consistent == pytest.approx(1 - normal_cdf(3.5) ** 2, abs=0.002)


def test_studentized_test_does_not_see_a_column_rescaled():
    # Studentizing divides each column by its own spread: multiplying a column by 4 (exactly, a power of 2)
    # leaves every studentized p-value as it was, while the plain test changes.
    pnl = np.random.default_rng(6).standard_normal((300, 3)) + [0.05, 0.0, 0.08]
    scaled = pnl * [1.0, 4.0, 1.0]
    options = dict(reps=400, block_size=5, seed=2)
    for attribute in ("lower", "consistent", "upper"):
        assert getattr(mt.spa_test(pnl, studentize=True, **options), attribute) == \
            getattr(mt.spa_test(scaled, studentize=True, **options), attribute)
    assert mt.spa_test(pnl, studentize=False, **options) != mt.spa_test(scaled, studentize=False, **options)


def test_studentizing_one_strategy_changes_nothing():
    # With one column, dividing by its (positive) spread keeps the order of every resample against the observed.
    pnl = np.random.default_rng(7).standard_normal((500, 1)) * 3 + 0.1
    raw, student = (mt.spa_test(pnl, reps=500, seed=3, studentize=s) for s in (False, True))
    assert (raw.lower, raw.consistent, raw.upper) == (student.lower, student.consistent, student.upper)


def test_studentized_test_with_strategies_that_never_vary():
    # A pair that never trades (always 0 against a flat account) adds 0 to the best and to every resample: the
    # p-values are those of the other column alone (its best mean is positive); so does a fixed fee paid every
    # bar, whose spread is 0 but whose mean, summed in two orders, can differ in the last bit. An edge that never
    # varies is a sure thing: p = 0.
    rng = np.random.default_rng(8)
    live = rng.standard_normal((400, 1)) + 0.05
    with_flat = np.column_stack([live[:, 0], np.zeros(400)])
    alone, both = (mt.spa_test(x, reps=300, seed=4, studentize=True) for x in (live, with_flat))
    assert (alone.lower, alone.consistent, alone.upper) == (both.lower, both.consistent, both.upper)
    assert 0 < both.consistent < 1
    fee = pd.DataFrame({"live": live[:, 0], "fee": -0.3})  # a fixed cost every bar: its mean is -0.3 to rounding
    alone, both = (mt.spa_test(x, reps=300, seed=4, studentize=True) for x in (live, fee))
    assert (alone.lower, alone.consistent, alone.upper) == (both.lower, both.consistent, both.upper)
    sure = np.column_stack([live[:, 0] - 1.0, np.full(400, 0.5)])
    result = mt.spa_test(sure, reps=300, seed=4, studentize=True)
    assert (result.lower, result.consistent, result.upper) == (0.0, 0.0, 0.0)


# --------------------------------------------------------------------------------------------------
# the book never imports arch
# --------------------------------------------------------------------------------------------------
def test_spa_test_and_the_verdict_never_import_arch():
    code = ("import sys, numpy as np, pandas as pd, mesbook\n"
            "from mesbook.studies import multiple_testing as mt\n"
            "pnl = pd.DataFrame(np.random.default_rng(0).standard_normal((200, 6)))\n"
            "for s in (True, False):\n"
            "    mt.spa_test(pnl, reps=20, studentize=s)\n"
            "mt.reality_check(pnl, reps=20)\n"
            "mt.verdict(pnl, pnl * 0.5, reps=20, n_blocks=4)\n"
            "print(sorted(m for m in sys.modules if m == 'arch' or m.startswith('arch.')))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
