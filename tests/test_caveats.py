"""The article's simplifications one at a time (mesbook.studies.caveats)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import mesbook as mb
from mesbook.studies import caveats
from mesbook.studies.caveats import (
    ARTICLE_MARKET_VOL,
    CAVEATS,
    EFFECT_COLUMNS,
    caveat,
    caveat_effects,
    caveat_list,
    caveat_pnl,
    caveat_settings,
    caveat_table,
    market_comparison,
    net_pnl,
    run_caveats,
    summarize_caveats,
)
from mesbook.parallel import task_seeds
from mesbook.engine.settings import ARTICLE, REALISTIC
from mesbook.data.synthetic import seeded_market

KEYS = [c.key for c in CAVEATS]


@pytest.fixture(scope="module")
def markets() -> dict[str, pd.DataFrame]:
    return {"article": mb.simulate_market_data(500, seed=7), "realistic": mb.simulate_realistic_market(500, seed=7)}


def test_every_caveat_has_a_unique_key_and_descriptions():
    assert len(set(KEYS)) == len(KEYS) == 10
    for c in CAVEATS:
        assert c.article and c.honest and c.article != c.honest
        assert c.changes  # every caveat is a settings switch


@pytest.mark.parametrize("key", KEYS)
def test_one_key_changes_only_its_own_fields(key):
    settings = caveat_settings([key], "realistic")
    assert set(ARTICLE.differences(settings)) == set(caveat(key).changes)
    for name, value in caveat(key).changes.items():
        assert getattr(settings, name) == value
    # on the article's market the Black-76 switches fall back to the market's own volatility
    extra = {"constant_vol"} if caveat(key).changes.get("pricing") == "black76" else set()
    assert set(ARTICLE.differences(caveat_settings([key], "article"))) == set(caveat(key).changes) | extra


def test_honest_values_match_the_realistic_preset():
    for key in ("warmup", "gradient", "fill", "oi_lag", "marks", "expiry", "costs"):
        for name, value in caveat(key).changes.items():
            assert getattr(REALISTIC, name) == value, (key, name)
    assert caveat_settings(["marks"], "article").constant_vol == pytest.approx(ARTICLE_MARKET_VOL)
    assert ARTICLE_MARKET_VOL == pytest.approx(0.00595, abs=1e-5)


def test_several_keys_combine():
    combined = caveat_settings(["fill", "costs", "marks"])
    assert combined.fill_delay == 1 and combined.mark == "model" and combined.commission.per_side > 0
    assert caveat_settings([]) == ARTICLE


@pytest.mark.parametrize("bad, error", [(["nope"], ValueError), ("fill", TypeError)])
def test_bad_keys_are_refused(bad, error):
    with pytest.raises(error):
        caveat_settings(bad)


def test_bad_generator_is_refused():
    with pytest.raises(ValueError, match="generator"):
        caveat_settings(["fill"], "weekly")
    with pytest.raises(ValueError, match="generator"):
        caveat_pnl("weekly", num_seeds=2)


@pytest.mark.parametrize("generator", ["article", "realistic"])
@pytest.mark.parametrize("key", KEYS)
def test_fast_net_pnl_equals_the_full_backtest(markets, generator, key):
    data = markets[generator]
    full = run_caveats(data, [key], generator)
    fast = net_pnl(data, caveat_settings([key], generator))
    assert fast[0] == pytest.approx(full.net_pnl, abs=1e-6)
    assert fast[1] == len(full.trades)


def test_run_caveats_is_run_backtest_for_settings_switches(markets):
    data = markets["article"]
    direct = mb.run_backtest(data, ARTICLE.replace(fill_delay=1))
    assert run_caveats(data, ["fill"]).net_pnl == pytest.approx(direct.net_pnl)
    assert run_caveats(data, []).net_pnl == pytest.approx(mb.run_backtest(data).net_pnl)


def test_inputs_are_not_modified(markets):
    data = markets["realistic"]
    before = data.copy()
    run_caveats(data, ["position", "marks", "costs"], "realistic")
    pd.testing.assert_frame_equal(data, before)


def test_fill_delay_and_oi_lag_give_the_same_trades_on_close_fills(markets):
    data = markets["article"]
    a, b = run_caveats(data, ["fill"]), run_caveats(data, ["oi_lag"])
    assert a.net_pnl == pytest.approx(b.net_pnl)
    np.testing.assert_array_equal(a.trades["entry_bar"], b.trades["entry_bar"])


# ------------------------------------------------------------------------------------------------
# scale-in: run_backtest with position="scale_in"
# ------------------------------------------------------------------------------------------------

SCALE_IN = ARTICLE.replace(position="scale_in")


def scale_in_backtest(data, settings=ARTICLE, **kwargs):
    return mb.run_backtest(data, settings.replace(position="scale_in"), **kwargs)

def test_scale_in_keeps_every_article_trade_and_adds_repeated_signals(markets):
    data = markets["article"]
    single, stacked = mb.run_backtest(data), scale_in_backtest(data)
    assert set(single.trades["entry_bar"]) <= set(stacked.trades["entry_bar"])
    codes = mb.generate_signals(mb.calculate_indicators(data))["signal"].astype(str).to_numpy()
    assert len(stacked.trades) == int((codes[:-1] != "HOLD").sum())
    # options of the same kind bought on repeated signals close together, at the next opposite signal
    for _, group in stacked.trades.groupby("exit_bar"):
        assert group["option_type"].nunique() == 1


@pytest.mark.parametrize("keys", [[], ["costs"], ["marks", "expiry", "costs"]])
def test_scale_in_accounting(markets, keys):
    data = markets["realistic"]
    result = scale_in_backtest(data, caveat_settings(keys, "realistic"))
    assert result.final_value == pytest.approx(result.initial_cash + result.trades["pnl"].sum(), abs=1e-6)
    assert result.total_costs == pytest.approx(result.trades["costs"].sum())
    np.testing.assert_allclose(result.trades["pnl"], result.trades["gross_pnl"] - result.trades["costs"], atol=1e-9)
    assert result.equity.index.equals(pd.DatetimeIndex(data["timestamp"], name="timestamp"))
    assert np.isfinite(result.equity).all()


def test_scale_in_refuses_rules_it_cannot_apply():
    with pytest.raises(ValueError, match="stop_loss"):
        SCALE_IN.replace(stop_loss=0.5)
    with pytest.raises(ValueError, match="max_drawdown"):
        ARTICLE.replace(max_drawdown=0.1, position="scale_in")


@given(st.integers(min_value=0, max_value=10_000))
def test_scale_in_open_value_is_zero_when_flat_and_marks_match_single_positions(seed):
    data = mb.simulate_market_data(120, seed=seed)
    stacked = scale_in_backtest(data, short_sma_window=3, long_sma_window=8)
    assert stacked.equity.iloc[-1] == pytest.approx(stacked.initial_cash + stacked.trades["pnl"].sum(), abs=1e-6)
    if len(stacked.trades):
        first = int(stacked.trades["entry_bar"].min())
        assert (stacked.equity.iloc[:first] == stacked.initial_cash).all()


# ------------------------------------------------------------------------------------------------
# the study
# ------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def small_study() -> tuple[pd.DataFrame, pd.DataFrame]:
    return caveat_pnl("article", num_seeds=6, num_periods=300, seed=3)


def test_caveat_pnl_runs_each_variant_on_each_market(small_study):
    pnl, trades = small_study
    assert list(pnl.columns) == ["article"] + KEYS and len(pnl) == 6
    children = task_seeds(3, 6)
    data = seeded_market("article", 300, children[4])
    assert pnl.loc[4, "fill"] == pytest.approx(mb.run_backtest(data, ARTICLE.replace(fill_delay=1)).net_pnl)
    assert trades.loc[4, "article"] == len(mb.run_backtest(data).trades)


def test_summary_pairs_the_differences(small_study):
    pnl, trades = small_study
    table = summarize_caveats(pnl, trades)
    assert list(table.columns) == list(EFFECT_COLUMNS) and list(table.index) == KEYS
    np.testing.assert_allclose(table["change"], table["after"] - table["before"])
    diff = pnl["costs"] - pnl["article"]
    assert table.loc["costs", "std_error"] == pytest.approx(diff.std(ddof=1) / np.sqrt(len(diff)))
    assert (table.loc["costs", "change"] < 0) and (table.loc["premium", "change"] < 0)


def test_effects_are_reproducible_and_readable():
    a = caveat_effects("realistic", num_seeds=3, num_periods=250, seed=7, caveats=["costs", "marks"])
    b = caveat_effects("realistic", num_seeds=3, num_periods=250, seed=7, caveats=["costs", "marks"])
    pd.testing.assert_frame_equal(a, b)
    table = caveat_table(a)
    assert list(table.columns) == ["switched to", "before ($)", "after ($)", "change ($)", "trades"]
    assert all("±" in text for text in table["change ($)"])


def test_caveat_list_and_market_comparison():
    listing = caveat_list()
    assert list(listing.index) == KEYS
    assert listing.loc["position", "settings changed"] == "position"
    comparison = market_comparison(num_seeds=4, num_periods=200, seed=7)
    assert list(comparison.columns) == ["article", "realistic"]
    vol = comparison.loc["median realized volatility (% a year)"]
    assert vol["article"] < 2 < vol["realistic"]
    setting = comparison.loc["volatility setting (% a year)"]
    assert setting["realistic"] == 18.0 and setting["article"] == pytest.approx(100 * 1.5 * 252 ** 0.5 / 4000, abs=0.01)


def test_realized_volatility_rows_are_the_median_and_root_mean_square_of_the_markets():
    from mesbook.data.synthetic import Sample
    from mesbook.studies.paired import paired_runs
    comparison = market_comparison(num_seeds=6, num_periods=200, seed=3)
    vols = paired_runs({"article": mb.ARTICLE}, Sample("realistic", 6, 200, 3),
                       measures=("volatility",))["volatility"]["article"].to_numpy()
    assert comparison.loc["median realized volatility (% a year)", "realistic"] == round(100 * float(np.median(vols)), 2)
    assert comparison.loc["root-mean-square realized volatility (% a year)", "realistic"] == \
        round(100 * float(np.sqrt(np.mean(vols ** 2))), 2)


def test_study_arguments_are_checked():
    with pytest.raises(TypeError):
        caveat_pnl(num_seeds=2.5)
    with pytest.raises(ValueError):
        caveat_pnl(num_seeds=1)
    with pytest.raises(ValueError):
        caveat_pnl(num_seeds=2, caveats=["bogus"])
    with pytest.raises(ValueError):
        caveats.caveat("bogus")


@st.composite
def junk_frames(draw):
    n = draw(st.integers(0, 30))
    column = st.one_of(st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=n, max_size=n),
                       st.lists(st.integers(-5, 5), min_size=n, max_size=n),
                       st.lists(st.text(max_size=3), min_size=n, max_size=n))
    values = {name: draw(column) for name in ("futures_price", "open_interest") if draw(st.booleans()) or n == 0}
    frame = pd.DataFrame({"timestamp": pd.date_range("2024-01-01", periods=n, freq="B"), **values})
    return frame.drop(columns="timestamp") if draw(st.booleans()) else frame


@given(junk_frames(), st.sampled_from([[], ["position"], ["marks", "expiry"], ["costs", "position"]]))
def test_junk_data_only_raises_value_or_type_errors(frame, keys):
    for call in (lambda: run_caveats(frame, keys), lambda: net_pnl(frame, caveat_settings(keys))):
        try:
            call()
        except (ValueError, TypeError) as exc:
            assert str(exc)


def test_local_processes_and_dask_give_the_serial_frames(small_study):
    pnl, trades = caveat_pnl("article", num_seeds=6, num_periods=300, seed=3, n_jobs=2)
    pd.testing.assert_frame_equal(pnl, small_study[0], check_exact=True)
    pd.testing.assert_frame_equal(trades, small_study[1], check_exact=True)
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0") as cluster:
        with distributed.Client(cluster) as client:
            pnl, _ = caveat_pnl("article", num_seeds=6, num_periods=300, seed=3, client=client)
            serial = market_comparison(num_seeds=4, num_periods=200, seed=7)
            pd.testing.assert_frame_equal(market_comparison(num_seeds=4, num_periods=200, seed=7, client=client), serial)
    pd.testing.assert_frame_equal(pnl, small_study[0], check_exact=True)
