from __future__ import annotations

import pandas as pd
import pytest

from mesbook.data.release import NextBusinessDay
from mesbook.engine.settings import ARTICLE, REALISTIC, BacktestSettings, Commission


def test_presets():
    assert ARTICLE == BacktestSettings()
    changed = ARTICLE.differences(REALISTIC)
    assert {"warmup", "gradient", "oi_release", "fill_delay", "pricing", "mark", "expiry_cycle", "commission"} <= set(changed)
    assert changed["warmup"] == ("fill_zero", "skip")


def test_commission_parts_add_up():
    fees = Commission()
    assert fees.per_side == pytest.approx(fees.exchange + fees.clearing_nfa + fees.broker)
    with pytest.raises(ValueError, match="commission.broker"):
        Commission(broker=-1)


def test_replace_is_a_copy_and_names_unknown_settings():
    cheaper = REALISTIC.replace(slippage_ticks=0.0)
    assert cheaper.slippage_ticks == 0.0 and REALISTIC.slippage_ticks == 1.0
    with pytest.raises(ValueError, match=r"unknown setting\(s\) \['stoploss'\].*stop_loss"):
        REALISTIC.replace(stoploss=0.5)


@pytest.mark.parametrize(
    "changes, error, match",
    [
        ({"warmup": "drop"}, ValueError, "warmup='drop' is not an option"),
        ({"gradient": "forward"}, ValueError, "gradient"),
        ({"expiry_cycle": "daily"}, ValueError, "expiry_cycle"),
        ({"oi_lag": -1}, ValueError, "oi_lag"),
        ({"fill_delay": 1.5}, TypeError, "fill_delay"),
        ({"constant_vol": 0.0}, ValueError, "constant_vol"),
        ({"stop_loss": 1.5}, ValueError, "stop_loss is a fraction"),
        ({"target_delta": 1.0}, ValueError, "target_delta"),
        ({"contracts": 0}, ValueError, "contracts"),
        ({"commission": 1.0}, TypeError, "commission"),
        ({"mark": "model"}, ValueError, "need pricing='black76'"),
        ({"strike_offset": 1.5}, TypeError, "strike_offset"),
    ],
)
def test_bad_settings(changes, error, match):
    with pytest.raises(error, match=match):
        ARTICLE.replace(**changes)


def test_every_preset_is_realistic_plus_named_changes():
    from mesbook.engine.settings import HONEST, ROLL_FILTER, WEEKLY

    assert HONEST.differences(REALISTIC) == {"roll_filter": (ROLL_FILTER, 0)} and ROLL_FILTER == pd.Timedelta(days=7)
    assert WEEKLY.differences(REALISTIC) == {"oi_release": (None, NextBusinessDay()), "fill_delay": (0, 1)}


def test_check_settings_names_the_argument_and_the_fix():
    from mesbook.engine.settings import check_settings

    assert check_settings(REALISTIC) is REALISTIC
    with pytest.raises(TypeError, match=r"^base must be a BacktestSettings \(e.g. mesbook.ARTICLE.*replace.*got str$"):
        check_settings("REALISTIC", "base")
    with pytest.raises(TypeError, match="^settings must be"):
        check_settings({"warmup": "skip"})


@pytest.mark.parametrize(
    "changes, error, match",
    [
        ({"tick_threshold": 10.1}, ValueError, r"tick_threshold=10.1 must be a whole number of tick_size_above"),
        ({"tick_threshold": -5.0}, ValueError, "tick_threshold"),
        ({"tick_size_above": 0.0}, ValueError, "tick_size_above"),
        ({"tick_size": 0.3}, ValueError, "whole number of tick_size "),
        ({"implied_vol_ratio": 0.0}, ValueError, "implied_vol_ratio"),
        ({"implied_vol_add": -0.01}, ValueError, "implied_vol_add"),
        ({"implied_vol_ratio": "1.35"}, TypeError, "implied_vol_ratio"),
        ({"gradient": "one_bar"}, ValueError, r"\('centred', 'lagged', 'backward'\)"),
    ],
)
def test_bad_tick_premium_and_gradient_settings(changes, error, match):
    with pytest.raises(error, match=match):
        REALISTIC.replace(**changes)


def test_tick_defaults_are_cme_current_page_and_realistic_adds_the_variance_premium():
    from mesbook.engine.settings import IMPLIED_VOL_RATIO

    assert (ARTICLE.tick_size, ARTICLE.tick_size_above, ARTICLE.tick_threshold) == (0.05, 0.25, 10.0)
    assert ARTICLE.tick(10.0) == 0.05 and ARTICLE.tick(10.05) == 0.25
    assert ARTICLE.replace(tick_threshold=None).tick(500.0) == 0.05
    assert ARTICLE.replace(tick_threshold=5.0).tick(7.5) == 0.25
    assert ARTICLE.round_premium(10.02, "up") == pytest.approx(10.25)
    assert (ARTICLE.implied_vol_ratio, ARTICLE.implied_vol_add) == (1.0, 0.0)
    assert REALISTIC.differences(ARTICLE)["implied_vol_ratio"] == (IMPLIED_VOL_RATIO, 1.0)
    for name in ("tick_size", "tick_size_above", "tick_threshold", "implied_vol_add"):
        assert name not in REALISTIC.differences(ARTICLE)
    assert ARTICLE.replace(gradient="lagged").gradient == "lagged"
