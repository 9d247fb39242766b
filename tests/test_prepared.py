"""A prepared market: one frame checked and read once, for many backtests, with the numbers of the frame itself."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import mesbook as mb
from mesbook.core.windows import Windows
from mesbook.data.release import NextBusinessDay
from mesbook.data.synthetic import seeded_market
from mesbook.engine.backtest import run_backtest
from mesbook.engine.prepared import PreparedMarket
from mesbook.engine.settings import ARTICLE, HONEST, REALISTIC, WEEKLY
from mesbook.parallel import task_seeds
from mesbook.studies.ladder import ladder_steps

#: Settings that share some decisions, volatility or columns and differ in others, run in this order on one
#: prepared market: a value kept for one must never answer for another that decides or prices differently.
VARIANTS = [
    *(s for _, s in ladder_steps()),
    WEEKLY,
    REALISTIC.replace(vol_window=10),
    REALISTIC.replace(fill_price="open", fill_delay=0),
    REALISTIC.replace(volatility="column", vol_column="volatility"),
    REALISTIC.replace(volatility="constant", constant_vol=0.3),
    ARTICLE.replace(oi_release=NextBusinessDay(), warmup="skip"),
    HONEST.replace(roll_filter=pd.Timedelta(days=3)),
    ARTICLE.replace(gradient="backward"),
]


def _market(seed: int = 3, bars: int = 400) -> pd.DataFrame:
    data = seeded_market("realistic", bars, task_seeds(seed, 1)[0])
    return data.assign(open_price=data["futures_price"].shift(1).fillna(4000.0) + 0.25)


def _same(a: mb.SimulationResult, b: mb.SimulationResult) -> None:
    assert a.final_value == b.final_value
    pd.testing.assert_series_equal(a.equity, b.equity, check_exact=True)
    pd.testing.assert_frame_equal(a.trades, b.trades, check_exact=True)
    assert a.signal_counts == b.signal_counts and a.total_costs == b.total_costs


@pytest.mark.parametrize("windows", [Windows(10, 30, 5), Windows(5, 20, 3)])
def test_every_variant_on_one_prepared_market_is_the_run_on_the_frame(windows):
    data = _market()
    market = PreparedMarket(data)
    for order in (VARIANTS, VARIANTS[::-1]):  # kept values reused forwards and backwards
        for settings in order:
            on_frame = run_backtest(data, settings, **windows.keywords())
            _same(run_backtest(market, settings, **windows.keywords()), on_frame)


def test_the_frame_is_not_modified_and_the_kept_arrays_are_read_only():
    data = _market()
    before = data.copy(deep=True)
    market = PreparedMarket(data)
    for settings in VARIANTS:
        run_backtest(market, settings)
    pd.testing.assert_frame_equal(data, before, check_exact=True)
    data.loc[0, "futures_price"] = 1.0  # the frame stays the caller's to edit: the kept prices are a copy
    assert market.arrays(ARTICLE, 252.0).close[0] == before.loc[0, "futures_price"]
    codes = market.decisions(HONEST, Windows(10, 30, 5))
    with pytest.raises(ValueError, match="read-only"):
        codes[0] = 1
    with pytest.raises(ValueError, match="read-only"):
        market.arrays(REALISTIC, 252.0).close[0] = 1.0


def test_a_tz_aware_frame_is_converted_once_and_runs_as_the_frame():
    data = _market(bars=200)
    aware = data.assign(timestamp=data["timestamp"].dt.tz_localize("America/Chicago").dt.tz_convert("UTC"))
    market = PreparedMarket(aware)
    assert market.data["timestamp"].dt.tz is None and aware["timestamp"].dt.tz is not None
    for settings in (ARTICLE, REALISTIC, HONEST):
        _same(run_backtest(market, settings), run_backtest(aware, settings))


def test_a_bad_frame_is_refused_when_prepared_naming_the_column():
    data = _market(bars=100)
    data.loc[7, "open_interest"] = -1.0
    with pytest.raises(ValueError, match="open_interest"):
        PreparedMarket(data)
    market = PreparedMarket(_market(bars=100).drop(columns="open_price"))
    with pytest.raises(ValueError, match="open_price"):
        run_backtest(market, REALISTIC.replace(fill_price="open"))


def test_decisions_are_kept_per_deciding_settings_only():
    market = PreparedMarket(_market(bars=300))
    windows = Windows(10, 30, 5)
    a = market.decisions(REALISTIC, windows)
    assert market.decisions(REALISTIC.replace(commission=mb.REALISTIC.commission, vol_window=5), windows) is a
    assert market.decisions(REALISTIC.replace(fill_delay=0), windows) is a  # the delay is applied after
    assert market.decisions(HONEST, windows) is not a  # a roll filter decides differently
    assert not np.array_equal(market.decisions(HONEST, windows), a)


def _other_values() -> dict[str, list]:
    """For each settings field, the values the presets (and a few more settings) give it other than ARTICLE's."""
    import dataclasses

    from mesbook.engine.settings import BacktestSettings
    others = [REALISTIC, HONEST, WEEKLY, REALISTIC.replace(fill_price="open", fill_delay=0),
              REALISTIC.replace(volatility="column", vol_column="volatility"), ARTICLE.replace(gradient="lagged"),
              REALISTIC.replace(stop_loss=0.5, take_profit=1.0, max_drawdown=0.2), ARTICLE.replace(oi_lag=2),
              ARTICLE.replace(fixed_premium_points=4.0), REALISTIC.replace(strike="offset", strike_offset=1)]
    values: dict[str, list] = {}
    for field in dataclasses.fields(BacktestSettings):
        mine = getattr(ARTICLE, field.name)
        values[field.name] = [v for v in dict.fromkeys(getattr(s, field.name) for s in others) if v != mine]
    return values


def test_a_field_outside_the_deciding_ones_never_changes_a_decision():
    """PreparedMarket keeps decisions under DECISION_FIELDS: any other field must leave the codes as they are (and
    every deciding field must be able to change them), or a kept decision would answer for other settings."""
    from mesbook.engine.decisions import DECISION_FIELDS, decision_codes
    data = _market(bars=400)
    windows = Windows(10, 30, 5)
    base = decision_codes(data, ARTICLE, windows)
    tried = 0
    for name, values in _other_values().items():
        for value in values:
            try:
                settings = ARTICLE.replace(**{name: value})
            except (ValueError, TypeError):  # a value that needs another field set with it
                continue
            codes = decision_codes(data, settings, windows)
            if name in DECISION_FIELDS:
                continue
            tried += 1
            assert np.array_equal(codes, base), f"{name}={value!r} changed the decisions but is not in DECISION_FIELDS"
    assert tried >= 15
    for name in DECISION_FIELDS:  # each deciding field moves some decision on this market
        changed = [v for v in _other_values()[name] if not np.array_equal(
            decision_codes(data, ARTICLE.replace(**{name: v}), windows), base)]
        assert changed, f"{name} is in DECISION_FIELDS but no preset value of it changes a decision"
