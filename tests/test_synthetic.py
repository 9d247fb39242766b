"""Tests of the realistic market generator and the Monte Carlo path generator."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import mesbook as mb
from mesbook.options import calendar as cal
from mesbook.data import synthetic as syn

DAILY_VOL = 0.18 / math.sqrt(252)


def log_returns(frame: pd.DataFrame, start_price: float = 4000.0) -> np.ndarray:
    """Log return into every bar, bar 0 measured from ``start_price``."""
    return np.diff(np.log(np.r_[start_price, frame["futures_price"].to_numpy()]))


# --- the frame -------------------------------------------------------------------------------------


def test_frame_layout_is_a_valid_market_frame() -> None:
    frame = syn.simulate_realistic_market(300, seed=1)
    assert list(frame.columns) == ["timestamp", "futures_price", "open_interest", "volatility", "days_to_expiry"]
    assert len(frame) == 300
    mb.validate_market_data(frame)
    assert frame["timestamp"].iloc[0] == pd.Timestamp("2023-01-02")  # first business day of 2023
    assert (frame["timestamp"].dt.day_of_week < 5).all()
    expiries = cal.select_expiry(frame["timestamp"], min_days=0)
    np.testing.assert_array_equal(frame["days_to_expiry"], cal.days_to_expiry(frame["timestamp"], expiries))


def test_frame_runs_through_the_article_pipeline() -> None:
    frame = syn.simulate_realistic_market(500, seed=2)
    result = mb.run_trading_simulation(mb.generate_signals(mb.calculate_indicators(frame)))
    assert np.isfinite(result.final_value)


@pytest.mark.parametrize("seed", [0, 12345, np.random.SeedSequence(9)])
def test_same_seed_is_bit_identical(seed: object) -> None:
    first = syn.simulate_realistic_market(400, seed=seed, coupling=0.1)
    second = syn.simulate_realistic_market(400, seed=seed, coupling=0.1)
    pd.testing.assert_frame_equal(first, second, check_exact=True)


def test_int_seed_generator_and_seed_sequence_agree() -> None:
    by_int = syn.simulate_realistic_market(200, seed=5)
    by_generator = syn.simulate_realistic_market(200, seed=np.random.default_rng(5))
    by_sequence = syn.simulate_realistic_market(200, seed=np.random.SeedSequence(5))
    pd.testing.assert_frame_equal(by_int, by_generator, check_exact=True)
    pd.testing.assert_frame_equal(by_int, by_sequence, check_exact=True)


def test_unseeded_calls_differ_and_seeds_differ() -> None:
    def price(seed: object) -> pd.Series:
        return syn.simulate_realistic_market(50, seed=seed)["futures_price"]

    assert not price(None).equals(price(None))
    assert not price(1).equals(price(2))


def test_long_series_is_finite_and_positive() -> None:  # its speed is measured by `make bench`, not asserted
    frame = syn.simulate_realistic_market(100_000, seed=3)
    assert np.isfinite(frame["futures_price"]).all() and (frame["futures_price"] > 0).all()


# --- price: volatility and tails -------------------------------------------------------------------


def test_gaussian_shocks_are_recovered_exactly_from_the_volatility_column() -> None:
    """White box: return = drift − h/2 + sqrt(h)·z with z the generator's first draws."""
    n, drift = 2000, 0.06
    frame = syn.simulate_realistic_market(n, seed=21, tail_dof=math.inf, annual_drift=drift)
    variance = frame["volatility"].to_numpy() ** 2 / 252
    shocks = (log_returns(frame) - drift / 252 + variance / 2) / np.sqrt(variance)
    np.testing.assert_allclose(shocks, np.random.default_rng(21).standard_normal(n), atol=1e-8)
    np.testing.assert_allclose(variance, syn.garch_variance(shocks, DAILY_VOL**2, 0.08, 0.90), rtol=1e-9)


def test_garch_variance_matches_the_textbook_recursion() -> None:
    shocks = np.random.default_rng(0).standard_normal(500)
    omega, alpha, beta, long_run = 0.02 * 1e-4, 0.1, 0.88, 1e-4
    expected = [long_run]
    for z in shocks[:-1]:
        expected.append(omega + alpha * expected[-1] * z**2 + beta * expected[-1])
    np.testing.assert_allclose(syn.garch_variance(shocks, long_run, alpha, beta), expected, rtol=1e-12)
    assert len(syn.garch_variance(shocks[:1], long_run, alpha, beta)) == 1


def test_returns_have_fat_tails() -> None:
    returns = log_returns(syn.simulate_realistic_market(20_000, seed=7))
    assert stats.kurtosis(returns, fisher=False) > 5
    assert stats.kurtosistest(returns).pvalue < 1e-12
    # Control: constant volatility and Gaussian shocks give kurtosis 3.
    plain = log_returns(syn.simulate_realistic_market(20_000, seed=7, garch=(0.0, 0.0), tail_dof=math.inf))
    assert abs(stats.kurtosis(plain, fisher=False) - 3) < 0.15


def test_volatility_clusters() -> None:
    n = 20_000
    returns = log_returns(syn.simulate_realistic_market(n, seed=8))
    size = np.abs(returns - returns.mean())
    lag1 = np.corrcoef(size[1:], size[:-1])[0, 1]
    assert lag1 > 10 / math.sqrt(n)  # standard error of an autocorrelation is about 1/sqrt(n)
    plain = np.abs(log_returns(syn.simulate_realistic_market(n, seed=8, garch=(0.0, 0.0))))
    assert abs(np.corrcoef(plain[1:], plain[:-1])[0, 1]) < 3 / math.sqrt(n)


def test_long_run_volatility_and_garch_parameters_are_recovered() -> None:
    arch = pytest.importorskip("arch")
    returns = 100 * log_returns(syn.simulate_realistic_market(20_000, seed=11))
    fit = arch.arch_model(returns, mean="Constant", vol="GARCH", p=1, q=1, dist="t").fit(disp="off")
    assert fit.params["alpha[1]"] == pytest.approx(0.08, abs=0.025)
    assert fit.params["beta[1]"] == pytest.approx(0.90, abs=0.025)
    assert fit.params["nu"] == pytest.approx(4.0, abs=1.0)
    assert returns.std() / 100 * math.sqrt(252) == pytest.approx(0.18, rel=0.1)


# --- open interest ---------------------------------------------------------------------------------


def after_expiry_bars(frame: pd.DataFrame) -> np.ndarray:
    """Positions of the first bar after each quarterly expiry (excluding bar 0)."""
    days = frame["days_to_expiry"].to_numpy()
    return np.flatnonzero(days[1:] > days[:-1]) + 1


def test_oi_roll_sawtooth_without_noise() -> None:
    frame = syn.simulate_realistic_market(1500, seed=4, oi_noise=0.0, roll_drop=0.25)
    oi = frame["open_interest"].to_numpy()
    change = oi[1:] / oi[:-1] - 1
    after = after_expiry_bars(frame)
    assert len(after) == 23
    # The bar before each drop is a quarterly expiry (third Friday of Mar/Jun/Sep/Dec).
    expiry_days = frame["timestamp"].iloc[after - 1]
    assert expiry_days.isin(cal.option_expiries("2023-01-01", "2029-12-31")).all()
    assert np.all((change[after - 1] > -0.25) & (change[after - 1] < -0.23))  # "about a quarter"
    others = np.delete(change, after - 1)
    assert (others > 0).all()  # OI builds every other day
    assert oi.min() >= 20000 * 0.999


def test_roll_build_share_goes_into_the_last_eight_days() -> None:
    flat = syn.simulate_realistic_market(600, seed=4, oi_noise=0.0, roll_build=1.0)
    in_window = flat["days_to_expiry"].to_numpy()[1:] < cal.ROLL_DAYS_BEFORE
    change = np.diff(flat["open_interest"].to_numpy())
    outside = ~in_window & np.isin(np.arange(1, 600), after_expiry_bars(flat), invert=True)
    assert np.all(change[outside] == 0)  # all the build happens in the roll window
    assert np.all(change[in_window] > 0)


def test_oi_roll_drops_with_noise_and_positivity() -> None:
    frame = syn.simulate_realistic_market(5000, seed=6)
    oi = frame["open_interest"].to_numpy()
    assert (oi > 0).all()
    change = oi[1:] / oi[:-1] - 1
    drops = change[after_expiry_bars(frame) - 1]
    assert np.median(drops) == pytest.approx(-0.245, abs=0.01)
    # Every one of the biggest daily falls is a post-expiry roll drop.
    biggest = np.argsort(change)[: len(drops)]
    assert set(biggest) == set(after_expiry_bars(frame) - 1)
    noisy = syn.simulate_realistic_market(5000, seed=6, oi_noise=0.2)["open_interest"]
    assert (noisy > 0).all()


# --- coupling --------------------------------------------------------------------------------------


def test_oi_trend_signal_uses_only_past_oi() -> None:
    oi = 20000 + np.cumsum(np.random.default_rng(1).normal(10, 100, 300))
    base = syn.oi_trend_signal(oi, 10, 30)
    assert set(np.unique(base)) <= {-1.0, 0.0, 1.0}
    assert (base[:29] == 0).all() and (base[29:] != 0).any()
    bumped = oi.copy()
    bumped[150] += 5000
    moved = np.flatnonzero(syn.oi_trend_signal(bumped, 10, 30) != base)
    assert len(moved) > 0 and moved.min() >= 150


@pytest.mark.parametrize("lag", [0, 1, 3])
def test_planted_edge_is_the_lagged_oi_trend(lag: int) -> None:
    n, coupling = 800, 0.2
    frame = syn.simulate_realistic_market(
        n, seed=13, tail_dof=math.inf, garch=(0.0, 0.0), annual_drift=0.0, coupling=coupling, coupling_lag=lag
    )
    shocks = np.random.default_rng(13).standard_normal(n)
    edge = log_returns(frame) + DAILY_VOL**2 / 2 - DAILY_VOL * shocks
    trend = syn.oi_trend_signal(frame["open_interest"].to_numpy())
    expected = coupling * DAILY_VOL * np.r_[np.zeros(lag), trend[: n - lag]]
    np.testing.assert_allclose(edge, expected, atol=1e-10)


def test_coupling_leaves_oi_untouched() -> None:
    plain = syn.simulate_realistic_market(500, seed=30)
    coupled = syn.simulate_realistic_market(500, seed=30, coupling=0.3)
    pd.testing.assert_series_equal(plain["open_interest"], coupled["open_interest"], check_exact=True)
    pd.testing.assert_series_equal(plain["volatility"], coupled["volatility"], check_exact=True)


def article_pnl(frame: pd.DataFrame) -> tuple[float, float]:
    """Net P&L ($) of the article's bot, and of the same trades with every option's direction flipped."""
    signals = mb.generate_signals(mb.calculate_indicators(frame))
    mirrored = signals.assign(signal=signals["signal"].map({"BUY": "SELL", "SELL": "BUY", "HOLD": "HOLD"}))
    return mb.run_trading_simulation(signals).net_pnl, mb.run_trading_simulation(mirrored).net_pnl


def test_coupling_gives_the_article_strategy_a_real_edge() -> None:
    seeds = range(100)

    def collect(coupling: float) -> np.ndarray:
        frames = (syn.simulate_realistic_market(500, seed=s, annual_drift=0.0, coupling=coupling) for s in seeds)
        return np.array([article_pnl(frame) for frame in frames])

    without, with_edge = collect(0.0), collect(0.1)

    def t_stat(values: np.ndarray) -> float:
        return values.mean() / (values.std(ddof=1) / math.sqrt(len(values)))

    # Same seeds, same OI, same signals: only the planted drift differs.
    assert t_stat(with_edge[:, 0] - without[:, 0]) > 5
    # Directional skill = strategy minus its mirror image (same entry/exit bars, calls <-> puts).
    assert abs(t_stat(without[:, 0] - without[:, 1])) < 3  # no coupling: no skill
    assert t_stat(with_edge[:, 0] - with_edge[:, 1]) > 5
    # Honest caveat: the fixed 2.5-point premium is far below what an option is worth at 18 % volatility,
    # so buying options at that price "makes money" even with no edge at all.
    assert t_stat(without[:, 0]) > 3


# --- many paths of the article's generator ---------------------------------------------------------


def test_paths_equal_seeded_article_calls() -> None:
    paths = syn.simulate_paths(6, 250, seed=42)
    assert paths.futures_price.shape == paths.open_interest.shape == (6, 250)
    for i in (0, 3, 5):
        child = np.random.SeedSequence(42, spawn_key=(i,))
        assert child.generate_state(4).tolist() == np.random.SeedSequence(42).spawn(i + 1)[i].generate_state(4).tolist()
        frame = mb.simulate_market_data(250, seed=np.random.default_rng(child))
        np.testing.assert_array_equal(paths.futures_price[i], frame["futures_price"].to_numpy())
        np.testing.assert_array_equal(paths.open_interest[i], frame["open_interest"].to_numpy())


def test_paths_do_not_depend_on_how_many_are_drawn() -> None:
    few, many = syn.simulate_paths(3, 100, seed=7), syn.simulate_paths(10, 100, seed=7)
    np.testing.assert_array_equal(few.futures_price, many.futures_price[:3])
    prices, oi = syn.simulate_paths(2, 100, seed=7)  # unpacks as a pair
    np.testing.assert_array_equal(oi, few.open_interest[:2])


def test_paths_seed_sequence_is_not_modified() -> None:
    root = np.random.SeedSequence(99)
    first = syn.simulate_paths(4, 50, seed=root)
    assert root.n_children_spawned == 0
    np.testing.assert_array_equal(first.futures_price, syn.simulate_paths(4, 50, seed=99).futures_price)


def test_paths_distribution_matches_the_article() -> None:
    prices, oi = syn.simulate_paths(2000, 100, seed=1)
    steps = np.diff(prices, axis=1)
    assert steps.mean() == pytest.approx(0.1, abs=0.01) and steps.std() == pytest.approx(1.5, rel=0.01)
    oi_steps = np.diff(oi, axis=1)
    assert oi_steps.mean() == pytest.approx(10, abs=1) and oi_steps.std() == pytest.approx(100, rel=0.01)
    assert prices.min() >= 100 and oi.min() >= 1000


# --- validation ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "name"),
    [
        ({"num_periods": 0}, ValueError, "num_periods"),
        ({"num_periods": 10.0}, TypeError, "num_periods"),
        ({"seed": -1}, ValueError, "seed"),
        ({"seed": 1.5}, TypeError, "seed"),
        ({"seed": True}, TypeError, "seed"),
        ({"start": "someday"}, ValueError, "start"),
        ({"start_price": 0.0}, ValueError, "start_price"),
        ({"annual_vol": -0.1}, ValueError, "annual_vol"),
        ({"annual_vol": float("nan")}, ValueError, "annual_vol"),
        ({"garch": (0.5, 0.5)}, ValueError, "garch"),
        ({"garch": (-0.1, 0.5)}, ValueError, "garch alpha"),
        ({"garch": 0.9}, TypeError, "garch"),
        ({"tail_dof": 2.0}, ValueError, "tail_dof"),
        ({"tail_dof": "4"}, TypeError, "tail_dof"),
        ({"annual_drift": float("inf")}, ValueError, "annual_drift"),
        ({"oi_base": -5.0}, ValueError, "oi_base"),
        ({"roll_build": 1.5}, ValueError, "roll_build"),
        ({"roll_drop": 1.0}, ValueError, "roll_drop"),
        ({"roll_drop": -0.1}, ValueError, "roll_drop"),
        ({"oi_noise": -0.01}, ValueError, "oi_noise"),
        ({"coupling": "big"}, TypeError, "coupling"),
        ({"coupling_lag": -1}, ValueError, "coupling_lag"),
        ({"coupling_windows": (30, 10)}, ValueError, "coupling_windows"),
        ({"coupling_windows": 10}, TypeError, "coupling_windows"),
    ],
)
def test_realistic_market_rejects_bad_arguments(kwargs: dict, error: type, name: str) -> None:
    with pytest.raises(error, match=name):
        syn.simulate_realistic_market(**{"num_periods": 20, **kwargs})


def test_explosive_parameters_are_reported() -> None:
    with pytest.raises(ValueError, match="lower"):
        syn.simulate_realistic_market(5000, seed=1, oi_noise=100.0)


@pytest.mark.parametrize(
    ("args", "error", "name"),
    [((0, 10), ValueError, "num_paths"), ((3, 0), ValueError, "num_periods"), ((3, 10, "x"), TypeError, "seed")],
)
def test_paths_reject_bad_arguments(args: tuple, error: type, name: str) -> None:
    with pytest.raises(error, match=name):
        syn.simulate_paths(*args)


def test_public_helpers_validate_their_arguments() -> None:
    with pytest.raises(ValueError, match="garch"):
        syn.garch_variance(np.zeros(5), 1e-4, 0.2, 0.9)
    with pytest.raises(ValueError, match="short_window"):
        syn.oi_trend_signal(np.ones(50), 30, 10)
    with pytest.raises(ValueError, match="roll_drop"):
        syn.roll_cycle(pd.date_range("2023-01-02", periods=10, freq="B"), 0.35, 1.2)


def test_roll_cycle_lifts_to_the_expiry_and_restarts() -> None:
    dates = pd.to_datetime(["2023-03-08", "2023-03-09", "2023-03-16", "2023-03-17", "2023-03-20"])
    lift, days = syn.roll_cycle(dates, roll_build=0.35, roll_drop=0.25)
    assert list(days) == [9, 8, 1, 0, 88]
    assert lift[3] == pytest.approx(-math.log(0.75))  # full lift on expiry day
    assert np.all(np.diff(lift[:4]) > 0) and lift[4] < 0.01


def test_driftless_twins_share_every_draw_and_lose_only_the_drift() -> None:
    seed = np.random.SeedSequence(11)
    article, flat = syn.seeded_market("article", 300, seed), syn.seeded_market("article_driftless", 300, seed)
    pd.testing.assert_series_equal(article["open_interest"], flat["open_interest"])  # same OI, same signals
    # the article's walk adds 0.1 point a bar: the twin is the same walk without it (no floor is hit here)
    np.testing.assert_allclose(article["futures_price"] - flat["futures_price"], 0.1 * np.arange(1, 301), atol=1e-9)
    realistic = syn.seeded_market("realistic", 300, seed)
    quiet = syn.seeded_market("realistic_driftless", 300, seed)
    pd.testing.assert_series_equal(realistic["open_interest"], quiet["open_interest"])
    pd.testing.assert_series_equal(realistic["volatility"], quiet["volatility"])
    gap = np.diff(np.log(realistic["futures_price"].to_numpy())) - np.diff(np.log(quiet["futures_price"].to_numpy()))
    np.testing.assert_allclose(gap, 0.06 / 252, atol=1e-12)  # annual_drift / 252 a bar, nothing else
    assert syn.MARKET_GENERATORS == syn.GENERATORS + syn.DRIFTLESS_GENERATORS


def test_driftless_realistic_price_is_a_martingale() -> None:
    # E[P_t / P_0] = 1 without drift; with the default 6 % drift it is exp(0.06 t / 252)
    seeds = np.random.SeedSequence(5).spawn(400)
    ratios = np.array([syn.seeded_market("realistic_driftless", 126, s)["futures_price"].iloc[-1] / 4000.0 for s in seeds])
    error = ratios.std(ddof=1) / np.sqrt(len(ratios))
    assert abs(ratios.mean() - 1.0) < 3 * error


def test_driftless_generators_refuse_what_their_twins_refuse() -> None:
    with pytest.raises(ValueError, match="coupling needs generator='realistic'"):
        syn.seeded_market("article_driftless", 50, np.random.SeedSequence(1), coupling=0.1)
    with pytest.raises(ValueError, match="article_driftless"):
        syn.seeded_market("flat", 50, np.random.SeedSequence(1))


# -- Sample: the seeding rule, in one place -------------------------------------------------------
def test_market_i_of_a_sample_is_the_generator_on_child_i() -> None:
    from mesbook.data.synthetic import Sample, seeded_market
    from mesbook.parallel import task_seeds

    sample = Sample("realistic", 3, 80, 5, coupling=0.1)
    assert [c.spawn_key for c in sample.children()] == [c.spawn_key for c in task_seeds(5, 3)]
    for child in sample.children():
        pd.testing.assert_frame_equal(sample.market(child), seeded_market("realistic", 80, child, 0.1))


def test_a_samples_first_markets_are_the_same_markets() -> None:
    from mesbook.data.synthetic import Sample

    big = Sample("article", 10, 60, 7)
    small = big.first(4)
    assert small == Sample("article", 4, 60, 7)
    for a, b in zip(big.children()[:4], small.children()):
        pd.testing.assert_frame_equal(big.market(a), small.market(b))
    with pytest.raises(ValueError, match="markets must be <= 10"):
        big.first(11)


def test_article_sample_paths_are_its_markets() -> None:
    from mesbook.data.synthetic import Sample

    sample = Sample("article", 5, 70, np.random.SeedSequence(3))
    prices, oi = sample.paths()
    for row, child in enumerate(sample.children()):
        market = sample.market(child)
        np.testing.assert_array_equal(prices[row], market["futures_price"].to_numpy())
        np.testing.assert_array_equal(oi[row], market["open_interest"].to_numpy())
    with pytest.raises(ValueError, match="article generator"):
        Sample("realistic", 2).paths()


def test_an_unseeded_sample_draws_its_entropy_once() -> None:
    from mesbook.data.synthetic import Sample

    sample = Sample("article", 3, 40, seed=None)
    first, again = sample.children(), sample.children()
    assert [c.entropy for c in first] == [c.entropy for c in again]
    assert Sample("article", 3, 40, seed=None).children()[0].entropy != first[0].entropy


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(generator="weekly"), ValueError, "generator='weekly' is not an option"),
    (dict(markets=1), ValueError, r"markets \(num_seeds, num_paths\) must be >= 2"),
    (dict(markets=2.5), TypeError, "markets"),
    (dict(bars=1), ValueError, r"bars \(num_periods\) must be >= 2"),
    (dict(coupling=float("nan")), ValueError, "coupling must be finite"),
    (dict(coupling=0.1), ValueError, "coupling needs generator='realistic'"),
    (dict(generator="article_driftless", coupling=0.1), ValueError, "coupling needs generator='realistic'"),
    (dict(seed=-1), ValueError, "seed must be >= 0"),
    (dict(seed="7"), TypeError, "seed"),
])
def test_a_sample_is_checked_when_made(kwargs: dict, error: type, match: str) -> None:
    from mesbook.data.synthetic import Sample

    with pytest.raises(error, match=match):
        Sample(**{"generator": "article", "markets": 4, **kwargs})
    with pytest.raises(error, match=match):
        Sample("article", 4).replace(**kwargs)


@pytest.mark.parametrize("generator", ["realistic", "realistic_driftless", "article", "article_driftless"])
def test_market_columns_are_the_frame_exactly(generator):
    """``frame=False`` gives the frame's columns as arrays, bit for bit (the Monte Carlo path reads these)."""
    from mesbook.data.synthetic import Sample
    sample = Sample(generator, 3, 250, seed=11, coupling=0.1 if generator == "realistic" else 0.0)
    for child in sample.children():
        frame, columns = sample.market(child), sample.market(child, frame=False)
        assert list(columns) == list(frame.columns)
        assert isinstance(columns["timestamp"], pd.DatetimeIndex)
        pd.testing.assert_frame_equal(pd.DataFrame(columns), frame, check_exact=True)
        for name in frame.columns:
            assert np.array_equal(np.asarray(columns[name]), frame[name].to_numpy())


@pytest.mark.parametrize("generator, coupling", [("realistic", 0.0), ("realistic", 0.05), ("realistic", -0.3),
                                                 ("realistic_driftless", 0.0), ("article", 0.0),
                                                 ("article_driftless", 0.0)])
def test_many_markets_at_once_are_each_market_alone(generator, coupling):
    """seeded_markets draws each market from its own seed and computes the rest on all rows together: every row is
    the market seeded_market gives alone, bit for bit, and its bars are the same."""
    from mesbook.data.synthetic import seeded_market, seeded_markets
    from mesbook.parallel import task_seeds
    seeds = task_seeds(13, 7)
    many = seeded_markets(generator, 260, seeds, coupling)
    assert many["futures_price"].shape == many["open_interest"].shape == (7, 260)
    for row, seed in enumerate(seeds):
        alone = seeded_market(generator, 260, seed, coupling, frame=False)
        pd.testing.assert_index_equal(pd.DatetimeIndex(many["timestamp"]), pd.DatetimeIndex(alone["timestamp"]))
        for name in ("futures_price", "open_interest"):
            np.testing.assert_array_equal(many[name][row], alone[name])
    assert seeded_markets(generator, 30, [], coupling)["futures_price"].shape == (0, 30)


def test_the_trend_signal_of_many_series_is_each_series_alone():
    from mesbook.data.synthetic import oi_trend_signal
    rng = np.random.default_rng(4)
    oi = 20_000 + np.cumsum(rng.normal(0, 50, (300, 5)), axis=0)
    both = oi_trend_signal(oi, 4, 15)
    assert set(np.unique(both)) == {-1.0, 0.0, 1.0}
    for j in range(5):
        np.testing.assert_array_equal(both[:, j], oi_trend_signal(oi[:, j], 4, 15))
