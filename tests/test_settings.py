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
