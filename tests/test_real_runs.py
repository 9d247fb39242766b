"""The bot on real weekly data (mesbook.studies.real_runs)."""
from __future__ import annotations

import pytest

pytest.importorskip("arch")

import mesbook as mb  # noqa: E402
from mesbook.constants import WEEKS_PER_YEAR  # noqa: E402
from mesbook.engine.settings import WEEKLY  # noqa: E402
from mesbook.studies import real_runs as real_backtest  # noqa: E402
from mesbook.studies.real_runs import (  # noqa: E402
    REAL_COLUMNS,
    lag_table,
    real_data_runs,
    real_markets,
    real_results,
)


@pytest.fixture(scope="module")
def markets():
    return real_markets()


def test_weekly_settings_are_realistic_without_extra_delays():
    assert WEEKLY.differences(mb.REALISTIC) == {"oi_release": (None, mb.NextBusinessDay()), "fill_delay": (0, 1)}


def test_frames_differ_only_in_dating(markets):
    pub, as_of = markets["publication"], markets["as_of"]
    assert (pub["timestamp"] >= pub["published"]).all()
    assert (as_of["timestamp"] == as_of["as_of"]).sum() > 0.9 * len(as_of)
    assert 440 <= len(pub) <= 450


def test_runs_table_and_lag_table(markets):
    runs = real_data_runs(markets=markets)
    assert list(runs.columns) == list(REAL_COLUMNS) and len(runs) == 8
    first = runs.iloc[0]
    direct = mb.run_backtest(markets["publication"], mb.ARTICLE, short_sma_window=10, long_sma_window=30,
                             periods_per_year=52)
    assert (first["settings"], first["OI dated"]) == ("article", "publication")
    assert first["net P&L ($)"] == pytest.approx(direct.net_pnl, abs=0.01)
    table = lag_table(runs)
    gain = table["P&L, OI on its as-of date ($)"] - table["P&L, OI when published ($)"]
    assert (table["look-ahead gain ($)"] - gain).abs().max() < 0.02
    assert len(table) == 4


def test_unit_adjustment_changes_no_trade(markets):
    raw = real_results(markets={"publication": markets["publication"]})["publication"]
    rescaled = mb.weekly_market_from_real_data("publication", adjust_units=True)
    adjusted = real_results(markets={"publication": rescaled})["publication"]
    assert adjusted.net_pnl == pytest.approx(raw.net_pnl)
    # the weekly bars annualize on their own clock, 52 a year (constants.WEEKS_PER_YEAR), without being told
    assert (raw.clock.kind, raw.clock.periods_per_year, raw.clock.notes) == ("weekly", WEEKS_PER_YEAR, ())
