"""Multiple-testing statistics: published worked examples, hand-built cases with known answers, seeds."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from mesbook.studies import multiple_testing as mt

SQRT250 = math.sqrt(250)


def normal_cdf(x: float) -> float:
    return 0.5 * (1 + math.erf(x / math.sqrt(2)))


# --------------------------------------------------------------------------------------------------
# deflated Sharpe ratio: Bailey & López de Prado (2014), section "A numerical example"
# --------------------------------------------------------------------------------------------------
def test_deflated_sharpe_reproduces_the_papers_worked_example():
    # N = 100 trials, V[SR_n] = 1/2 (annual), T = 1250 days, annual SR 2.5, skew -3, kurtosis 10,
    # 250 days a year: the paper gives SR0 ~ 0.1132 (per day) and DSR ~ 0.9004.
    result = mt.deflated_sharpe_ratio(2.5 / SQRT250, 1250, 100, 0.5 / 250, skew=-3, kurtosis=10)
    assert result.benchmark == pytest.approx(0.1132, abs=5e-5)
    assert result.probability == pytest.approx(0.9004, abs=5e-5)
    assert result.annualized(250)[0] == pytest.approx(2.5)


@pytest.mark.parametrize("trials, skew, kurtosis", [(46, -3, 10), (88, 0, 3)])
def test_deflated_sharpe_reproduces_the_papers_threshold_cases(trials, skew, kurtosis):
    # The paper: with N = 46 trials (or normal returns and N = 88) "DSR would have been 0.9505".
    result = mt.deflated_sharpe_ratio(2.5 / SQRT250, 1250, trials, 0.5 / 250, skew, kurtosis)
    assert round(result.probability, 4) == 0.9505


def test_probabilistic_sharpe_hand_cases():
    # At the benchmark the estimate is as likely above as below.
    assert mt.probabilistic_sharpe_ratio(0.2, 50, benchmark=0.2) == pytest.approx(0.5)
    # Normal returns: z = SR·sqrt(T-1)/sqrt(1 + SR²/2); SR 0.1, T 101 -> z = 1/sqrt(1.005).
    assert mt.probabilistic_sharpe_ratio(0.1, 101) == pytest.approx(normal_cdf(1 / math.sqrt(1.005)), abs=1e-12)
    # Negative skew and fat tails widen the band, so a positive Sharpe is less convincing.
    assert mt.probabilistic_sharpe_ratio(0.1, 101, skew=-2, kurtosis=9) < mt.probabilistic_sharpe_ratio(0.1, 101)


def test_expected_max_sharpe_against_the_exact_expected_maximum_of_normals():
    # E[max of N standard normals] = ∫ x · N φ(x) Φ(x)^(N-1) dx, integrated numerically.
    x = np.linspace(-8, 8, 160001)
    phi = np.exp(-x**2 / 2) / math.sqrt(2 * math.pi)
    cdf = 0.5 * (1 + np.vectorize(math.erf)(x / math.sqrt(2)))
    for n in (10, 100, 1000):
        exact = float(np.sum(x * n * phi * cdf ** (n - 1)) * (x[1] - x[0]))
        assert mt.expected_max_sharpe(n, 1.0) == pytest.approx(exact, abs=0.05)
    assert mt.expected_max_sharpe(100, 4.0) == pytest.approx(2 * mt.expected_max_sharpe(100, 1.0))
    assert mt.expected_max_sharpe(1, 0.3, mean=0.1) == 0.1  # one trial: nothing selected


def test_implied_trials_hand_cases():
    walsh = np.array([[1, 1, 1, 1, 1, 1, 1, 1], [1, -1, 1, -1, 1, -1, 1, -1], [1, 1, -1, -1, 1, 1, -1, -1],
                      [1, -1, -1, 1, 1, -1, -1, 1], [1, 1, 1, 1, -1, -1, -1, -1]], dtype=float)
    orthogonal = walsh[1:].T  # four zero-mean, mutually uncorrelated columns
    assert mt.implied_trials(orthogonal) == pytest.approx((4.0, 0.0), abs=1e-12)
    same = np.column_stack([walsh[1]] * 5)
    assert mt.implied_trials(same) == pytest.approx((1.0, 1.0))


def test_per_bar_sharpe_hand_values():
    pnl = np.array([[1.0, 0.0], [2.0, 0.0], [3.0, 0.0]])
    np.testing.assert_allclose(mt.per_bar_sharpe(pnl), [2.0, 0.0])  # mean 2, sd 1; a flat column is 0


# --------------------------------------------------------------------------------------------------
# SPA and reality check (mesbook's own, checked against arch in tests/test_spa.py)
# --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("mu", [0.0, 0.02, 0.04, 0.06])
def test_spa_single_strategy_matches_the_normal_tail(mu):
    # One strategy, iid bars, block 1: the p-value is P(mean > observed | mean 0) ≈ 1 − Φ(√T·mean/sd).
    x = np.random.default_rng(3).standard_normal(2000)
    x = x - x.mean() + mu
    expected = 1 - normal_cdf(math.sqrt(len(x)) * mu / x.std(ddof=1))
    result = mt.spa_test(x[:, None], reps=4000, block_size=1, bootstrap="circular", seed=1)
    assert result.consistent == pytest.approx(expected, abs=0.015)
    assert mt.reality_check(x[:, None], reps=4000, block_size=1, bootstrap="circular", seed=1) == pytest.approx(
        expected, abs=0.015)


def test_spa_finds_one_planted_winner_and_rejects_losers():
    rng = np.random.default_rng(0)
    noise = rng.standard_normal((300, 20))
    noise[:, 7] += 1.0
    found = mt.spa_test(pd.DataFrame(noise, columns=[f"s{i}" for i in range(20)]), seed=0)
    assert found.best == "s7" and found.consistent < 0.01
    worse = rng.standard_normal((300, 5)) - 1.0
    assert mt.spa_test(worse, seed=0).upper == 1.0


def test_spa_benchmark_is_subtracted():
    rng = np.random.default_rng(5)
    base = rng.standard_normal(400)
    models = base[:, None] + rng.standard_normal((400, 3)) * 0.01 - 0.5  # the benchmark minus 0.5 a bar
    assert mt.spa_test(models, base, seed=2).upper == 1.0
    assert mt.spa_test(models, seed=2).best_mean == pytest.approx(models.mean(axis=0).max())


def test_spa_is_bit_identical_for_a_seed():
    pnl = np.random.default_rng(9).standard_normal((250, 30))
    assert mt.spa_test(pnl, seed=4) == mt.spa_test(pnl, seed=4)
    assert mt.spa_test(pnl, seed=4).consistent != mt.spa_test(pnl, seed=5).consistent


# --------------------------------------------------------------------------------------------------
# probability of backtest overfitting (CSCV)
# --------------------------------------------------------------------------------------------------
def test_pbo_is_zero_when_the_ranking_never_changes():
    noise = np.random.default_rng(1).standard_normal(400)
    family = noise[:, None] + np.arange(6) * 0.05  # same noise, ever larger mean: same order everywhere
    result = mt.backtest_overfitting(family, n_blocks=8)
    assert result.probability == 0.0 and result.n_combinations == math.comb(8, 4)


def test_pbo_is_one_when_the_in_sample_winner_always_loses_out_of_sample():
    first = np.r_[np.tile([2.0, 1.0], 10), np.tile([-1.0, -2.0], 10)]  # good early, bad late
    second = np.r_[np.tile([-1.0, -2.0], 10), np.tile([2.0, 1.0], 10)]
    result = mt.backtest_overfitting(np.column_stack([first, second]), n_blocks=2)
    assert result.probability == 1.0
    np.testing.assert_allclose(result.logits, math.log((1 / 3) / (2 / 3)))  # rank 1 of 2: omega = 1/3


def test_pbo_of_skill_free_strategies_is_near_one_half():
    result = mt.backtest_overfitting(np.random.default_rng(2).standard_normal((480, 50)), n_blocks=10)
    assert 0.3 < result.probability < 0.7


# --------------------------------------------------------------------------------------------------
# the verdict on a P&L matrix
# --------------------------------------------------------------------------------------------------
def test_verdict_tells_skill_from_noise():
    rng = np.random.default_rng(11)
    noise = pd.DataFrame(rng.standard_normal((500, 40)))
    luck = mt.verdict(noise, reps=300, n_blocks=8)
    best = noise[luck.best].to_numpy()
    naive = mt.probabilistic_sharpe_ratio(best.mean() / best.std(ddof=1), 500)  # as if it were the only test
    assert naive > 0.95 > luck.dsr  # the best of 40 looks significant alone, not after deflation
    assert luck.spa_vs_flat > 0.05 and math.isnan(luck.spa_vs_random)
    skill = noise.copy()
    skill[3] += 0.4  # a real edge of 0.4 sd per bar
    found = mt.verdict(skill, reps=300, n_blocks=8)
    assert found.best == 3 and found.dsr > 0.99 and found.spa_vs_flat < 0.01 and found.pbo < 0.05


# --------------------------------------------------------------------------------------------------
# input validation: the error names the field and the fix
# --------------------------------------------------------------------------------------------------
def test_bad_inputs_are_refused_with_the_field_named():
    pnl = np.zeros((50, 3))
    pnl[7, 1] = np.nan
    with pytest.raises(ValueError, match=r"pnl has a missing or infinite value at row 7, column 1"):
        mt.spa_test(pnl)
    with pytest.raises(TypeError, match="pnl must be a DataFrame or 2-D array"):
        mt.backtest_overfitting([[1, 2], [3, 4]])
    with pytest.raises(TypeError, match="column 'x' has dtype"):
        mt.verdict(pd.DataFrame({"x": ["a"] * 5, "y": [1.0] * 5}))
    with pytest.raises(ValueError, match="n_blocks must be even"):
        mt.backtest_overfitting(np.ones((40, 2)), n_blocks=5)
    with pytest.raises(ValueError, match="too few for 16 blocks"):
        mt.backtest_overfitting(np.ones((20, 2)))
    with pytest.raises(ValueError, match="not the excess kurtosis"):
        mt.probabilistic_sharpe_ratio(0.1, 100, skew=-1, kurtosis=1.5)
    with pytest.raises(ValueError, match="n_trials must be >= 1"):
        mt.expected_max_sharpe(0.5, 1.0)
    with pytest.raises(ValueError, match="n_obs must be >= 2"):
        mt.probabilistic_sharpe_ratio(0.1, 1)
    with pytest.raises(ValueError, match=r"benchmark must be one series with one value per bar of pnl \(50 bars\)"):
        mt.spa_test(np.zeros((50, 2)), np.zeros(49))
    with pytest.raises(ValueError, match="bootstrap='bogus' is unknown"):
        mt.spa_test(np.zeros((50, 2)), bootstrap="bogus")
    with pytest.raises(ValueError, match="random_pnl has shape"):
        mt.verdict(pd.DataFrame(np.zeros((50, 3))), pd.DataFrame(np.zeros((50, 2))), n_blocks=0)
