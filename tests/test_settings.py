from __future__ import annotations

import pytest

from mesbook.engine.settings import ARTICLE, REALISTIC, BacktestSettings, Commission


def test_presets():
    assert ARTICLE == BacktestSettings()
    changed = ARTICLE.differences(REALISTIC)
    assert {"warmup", "gradient", "oi_lag", "fill_delay", "pricing", "mark", "expiry_cycle", "commission"} <= set(changed)
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
    from mesbook.engine.settings import HONEST, ROLL_FILTER_BARS, WEEKLY

    assert HONEST.differences(REALISTIC) == {"roll_filter_bars": (ROLL_FILTER_BARS, 0)} and ROLL_FILTER_BARS == 5
    assert WEEKLY.differences(REALISTIC) == {"oi_lag": (0, 1), "fill_delay": (0, 1)}


def test_check_settings_names_the_argument_and_the_fix():
    from mesbook.engine.settings import check_settings

    assert check_settings(REALISTIC) is REALISTIC
    with pytest.raises(TypeError, match=r"^base must be a BacktestSettings \(e.g. mesbook.ARTICLE.*replace.*got str$"):
        check_settings("REALISTIC", "base")
    with pytest.raises(TypeError, match="^settings must be"):
        check_settings({"warmup": "skip"})
