"""Option price and Greek tables (mesbook.options.tables)."""
from __future__ import annotations

import numpy as np
import pytest

import mesbook as mb
from mesbook.options import tables as greeks
from mesbook.options.tables import EXAMPLE


def test_greeks_table_matches_black76_with_stated_units():
    table = greeks.greeks_table()
    g = mb.black76_greeks(4000.0, 4000.0, 91 / 365, 0.04, 0.18, True)
    premium = mb.black76_price(4000.0, 4000.0, 91 / 365, 0.04, 0.18, True)
    assert table.loc["premium", "value"] == pytest.approx(premium, abs=1e-4)
    assert table.loc["vega", "value"] == pytest.approx(g.vega / 100, abs=1e-4)
    assert table.loc["theta", "value"] == pytest.approx(g.theta / 365, abs=1e-4)
    assert table.loc["rho", "value"] == pytest.approx(g.rho / 100, abs=1e-4)
    assert table.loc["theta", "dollars"] == pytest.approx(-3.82, abs=0.005)
    assert table.loc["vega", "unit"] == "points per vol point"
    np.testing.assert_allclose(table["dollars"], (table["value"] * 5).round(2), atol=0.01)


def test_premium_by_strike_and_expiry_is_ordered():
    table = greeks.price_by_strike()
    assert (np.diff(table.to_numpy(), axis=0) <= 1e-12).all()  # calls get cheaper as the strike rises
    assert (np.diff(table.to_numpy(), axis=1) >= -1e-12).all()  # and dearer with more time
    intrinsic = np.maximum(EXAMPLE["futures"] - table.index.to_numpy(), 0)
    assert (table.to_numpy() >= intrinsic[:, None] * np.exp(-0.04 * 91 / 365) - 1e-9).all()


def test_time_decay_reaches_intrinsic_and_accelerates():
    table = greeks.price_by_time()
    assert table.index[0] == 91 and table.index[-1] == 0
    assert table["premium"].iloc[-1] == 0 and table["theta per day"].iloc[-1] == 0
    assert (np.diff(table["premium"].to_numpy()) < 0).all()
    theta = table["theta per day"].to_numpy()[:-1]
    assert (np.diff(theta) < 0).all()  # more negative every day closer to expiry
    assert table.loc[91, "premium ($)"] == pytest.approx(5 * table.loc[91, "premium"])


def test_greek_curves_obey_put_call_parity():
    curves = greeks.greek_curves(4100.0, 30, 0.25, 0.03)
    discount = np.exp(-0.03 * 30 / 365)
    futures = curves.index.to_numpy()
    np.testing.assert_allclose(curves["call"] - curves["put"], discount * (futures - 4100.0), atol=1e-8)
    np.testing.assert_allclose(curves["call delta"] - curves["put delta"], discount, atol=1e-12)
    assert (curves["gamma"] > 0).all() and (curves["vega"] > 0).all()
    assert futures[0] == 3700.0 and futures[-1] == 4500.0


def test_implied_vol_round_trip_recovers_every_vol():
    table = greeks.implied_vol_round_trip((0.05, 0.18, 0.6))
    np.testing.assert_allclose(table["vol out (%)"], table["vol in (%)"], atol=1e-6)
    assert (table["error (vol points)"].abs() < 1e-6).all()


def test_early_exercise_premium_is_small_positive_and_grows_in_the_money():
    table = greeks.early_exercise_table()
    assert (table["American"] >= table["European"]).all()
    puts = table[table["option"] == "put"]
    assert puts["early exercise (points)"].is_monotonic_increasing
    assert table.loc[0, "early exercise ($)"] == pytest.approx(1.22, abs=0.01)
    assert (table["share of premium (%)"] < 1).all()
    with pytest.raises(ValueError, match="call"):
        greeks.early_exercise_table((("straddle", 4000.0),))
    assert greeks.early_exercise_table(rate=0.0)["early exercise (points)"].abs().max() < 1e-9


def test_bad_days_are_refused():
    with pytest.raises(ValueError):
        greeks.price_by_strike(days=(-1,))
    with pytest.raises(ValueError):
        greeks.price_by_time(days=0)
