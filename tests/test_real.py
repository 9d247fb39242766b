"""Tests of the real-data loaders, on the packaged CFTC file and arch's S&P 500 closes."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import mesbook as mb
from mesbook.options import calendar as cal
from mesbook.data import real as rd


@pytest.fixture(scope="module")
def cftc() -> pd.DataFrame:
    return rd.load_cftc_open_interest()


@pytest.fixture(scope="module")
def oi_series(cftc: pd.DataFrame) -> pd.Series:
    return cftc.set_index("as_of")["open_interest"]


def value_on(frame: pd.DataFrame, day: str, column: str = "open_interest") -> float:
    return frame.loc[frame["as_of"] == pd.Timestamp(day), column].item()


# --- the CFTC file ---------------------------------------------------------------------------------


def test_cftc_layout_and_known_values(cftc: pd.DataFrame) -> None:
    assert list(cftc.columns) == ["as_of", "published", "open_interest", "long", "short", "net"]
    assert len(cftc) == 843
    assert cftc["as_of"].iloc[0] == pd.Timestamp("2010-06-15") and cftc["as_of"].iloc[-1] == pd.Timestamp("2026-08-04")
    assert cftc["as_of"].is_monotonic_increasing and cftc["as_of"].is_unique
    assert cftc["as_of"].dt.day_of_week.isin([0, 1]).all()  # Tuesdays, Mondays in holiday weeks
    assert (cftc["published"].dt.day_of_week == 4).all()
    assert ((cftc["published"] - cftc["as_of"]).dt.days.isin([3, 4])).all()  # same week's Friday
    assert value_on(cftc, "2023-04-25") == 453_159 and value_on(cftc, "2023-05-02") == 2_304_633
    assert value_on(cftc, "2010-09-14") == 1_103_826 and value_on(cftc, "2010-09-21") == 779_357
    assert (cftc["net"] == cftc["long"] + cftc["short"]).all() and (cftc["short"] <= 0).all()
    assert cftc["open_interest"].dtype == np.int64


def test_cftc_loads_fresh_copies(cftc: pd.DataFrame) -> None:
    again = rd.load_cftc_open_interest()
    again.loc[0, "open_interest"] = -1
    assert rd.load_cftc_open_interest()["open_interest"].iloc[0] == 1_132_309


# --- the unit break --------------------------------------------------------------------------------


def test_exactly_one_unit_break_is_found(oi_series: pd.Series) -> None:
    breaks = rd.find_unit_breaks(oi_series)
    assert list(breaks.index) == [pd.Timestamp("2023-05-02")]
    row = breaks.iloc[0]
    assert (row["before"], row["after"]) == (453_159, 2_304_633)
    assert row["factor"] == pytest.approx(2_304_633 / 453_159) and 5.0 < row["factor"] < 5.2
    assert oi_series.index[int(row["position"])] == pd.Timestamp("2023-05-02")


def test_roll_drops_are_not_unit_breaks(oi_series: pd.Series) -> None:
    assert pd.Timestamp("2010-09-21") not in rd.find_unit_breaks(oi_series).index
    # Even a much tighter threshold leaves every quarterly roll alone (the deepest is about 36 %).
    assert len(rd.find_unit_breaks(oi_series, threshold=1.6)) == 1
    assert len(rd.find_unit_breaks(oi_series, threshold=1.5)) > 1  # ...while 1.5 starts to catch them


def test_adjusted_series_is_continuous(oi_series: pd.Series) -> None:
    adjusted = rd.adjust_unit_break(oi_series)
    factor = 2_304_633 / 453_159
    assert adjusted[pd.Timestamp("2023-04-25")] == pytest.approx(2_304_633)
    assert adjusted[pd.Timestamp("2010-09-14")] == pytest.approx(1_103_826 * factor)
    assert adjusted[pd.Timestamp("2023-05-02")] == 2_304_633  # the latest units are kept
    assert len(rd.find_unit_breaks(adjusted)) == 0
    # Every other week-on-week change is kept (row 672 is the break).
    adjusted_ratios = adjusted.to_numpy()[1:] / adjusted.to_numpy()[:-1]
    raw_ratios = oi_series.to_numpy()[1:] / oi_series.to_numpy()[:-1]
    np.testing.assert_allclose(np.delete(adjusted_ratios, 671), np.delete(raw_ratios, 671))
    assert adjusted_ratios[671] == pytest.approx(1.0)
    assert oi_series[pd.Timestamp("2023-04-25")] == 453_159  # input untouched


def test_adjust_units_rescales_every_count_column(cftc: pd.DataFrame) -> None:
    adjusted = rd.load_cftc_open_interest(adjust_units=True)
    factor = 2_304_633 / 453_159
    early, late = cftc["as_of"] < pd.Timestamp("2023-05-01"), cftc["as_of"] > pd.Timestamp("2023-05-01")
    for column in ("open_interest", "long", "short", "net"):
        np.testing.assert_allclose(adjusted.loc[early, column], cftc.loc[early, column] * factor)
        np.testing.assert_array_equal(adjusted.loc[late, column], cftc.loc[late, column].astype(float))
    pd.testing.assert_series_equal(adjusted["published"], cftc["published"])


def test_unit_break_helpers_on_small_series() -> None:
    series = pd.Series([10.0, 11.0, 100.0, 105.0, 9.0, 10.0], index=list("abcdef"))
    breaks = rd.find_unit_breaks(series)
    assert list(breaks.index) == ["c", "e"] and list(breaks["position"]) == [2, 4]
    adjusted = rd.adjust_unit_break(series)
    assert adjusted["f"] == 10.0 and adjusted["d"] == pytest.approx(105 * 9 / 105)
    assert adjusted["a"] == pytest.approx(10 * (100 / 11) * (9 / 105))
    assert len(rd.find_unit_breaks(pd.Series([5.0]))) == 0


@pytest.mark.parametrize(
    ("series", "kwargs", "error", "name"),
    [
        ([1.0, 2.0], {}, TypeError, "Series"),
        (pd.Series([1.0, 0.0]), {}, ValueError, "> 0"),
        (pd.Series([1.0, np.nan]), {}, ValueError, "missing"),
        (pd.Series(["1", "2"]), {}, TypeError, "numeric"),
        (pd.Series([1.0, 2.0]), {"threshold": 1.0}, ValueError, "threshold"),
        (pd.Series([1.0, 2.0]), {"threshold": "2"}, TypeError, "threshold"),
    ],
)
def test_unit_break_bad_input(series: object, kwargs: dict, error: type, name: str) -> None:
    with pytest.raises(error, match=name):
        rd.find_unit_breaks(series, **kwargs)
    with pytest.raises(error, match=name):
        rd.adjust_unit_break(series, **kwargs)


# --- quarterly roll drops --------------------------------------------------------------------------


def test_roll_drops_known_week(cftc: pd.DataFrame) -> None:
    drops = rd.roll_drops(cftc)
    row = drops.loc[drops["expiry"] == pd.Timestamp("2010-09-17")].iloc[0]
    assert (row["before"], row["after"]) == (pd.Timestamp("2010-09-14"), pd.Timestamp("2010-09-21"))
    assert row["drop_pct"] == pytest.approx(100 * (1 - 779_357 / 1_103_826))


def test_roll_drops_are_typical_and_follow_quarterly_expiries(cftc: pd.DataFrame, oi_series: pd.Series) -> None:
    drops = rd.roll_drops(oi_series)
    pd.testing.assert_frame_equal(drops, rd.roll_drops(cftc))
    expiries = cal.option_expiries("2010-06-15", "2026-08-04")
    assert len(drops) == len(expiries) == 65
    assert drops["expiry"].isin(expiries).all()
    assert drops["expiry"].dt.month.isin([3, 6, 9, 12]).all()
    assert ((drops["after"] - drops["expiry"]).dt.days.between(1, 7)).all()  # the report right after expiry
    assert ((drops["expiry"] - drops["before"]).dt.days.between(0, 6)).all()
    assert (drops["drop_pct"] > 0).all()  # OI falls across every quarterly expiry in the file
    assert drops["drop_pct"].between(15, 40).mean() > 0.95
    assert 20 < drops["drop_pct"].median() < 27


def test_the_largest_weekly_falls_are_all_roll_drops() -> None:
    adjusted = rd.load_cftc_open_interest(adjust_units=True)
    drops = rd.roll_drops(adjusted)
    change = adjusted["open_interest"].pct_change().to_numpy()[1:]
    largest = adjusted["as_of"].iloc[1:].to_numpy()[np.argsort(change)[: len(drops)]]
    assert set(largest) == set(drops["after"].to_numpy())


def test_roll_drops_bad_input(oi_series: pd.Series) -> None:
    with pytest.raises(TypeError, match="DatetimeIndex"):
        rd.roll_drops(oi_series.reset_index(drop=True))
    with pytest.raises(TypeError, match="Series or DataFrame"):
        rd.roll_drops([1, 2, 3])
    with pytest.raises(ValueError, match="open_interest"):
        rd.roll_drops(pd.DataFrame({"as_of": pd.to_datetime(["2020-01-07"])}))


# --- S&P 500 index prices and the weekly market ----------------------------------------------------


@pytest.fixture(scope="module")
def sp500() -> pd.DataFrame:
    pytest.importorskip("arch")
    return rd.load_sp500_prices()


@pytest.fixture(scope="module")
def weekly(sp500: pd.DataFrame) -> pd.DataFrame:
    return rd.weekly_market_from_real_data()


def test_sp500_prices_are_what_arch_loads_read_once_each_caller_its_own_copy(sp500: pd.DataFrame) -> None:
    from arch.data import sp500 as arch_sp500

    raw = arch_sp500.load()
    expected = pd.DataFrame({"timestamp": pd.DatetimeIndex(raw.index).normalize(),
                             "close": raw["Close"].to_numpy(dtype=float)})
    pd.testing.assert_frame_equal(sp500, expected, check_exact=True)
    mine = rd.load_sp500_prices()
    mine.loc[0, "close"] = -1.0
    assert rd.load_sp500_prices().loc[0, "close"] == expected.loc[0, "close"]


def test_sp500_prices(sp500: pd.DataFrame) -> None:
    assert list(sp500.columns) == ["timestamp", "close"]
    assert sp500["timestamp"].iloc[0] == pd.Timestamp("1999-01-04")
    assert sp500["timestamp"].iloc[-1] == pd.Timestamp("2018-12-31")
    assert sp500["timestamp"].is_monotonic_increasing and (sp500["close"] > 0).all()
    close = sp500.loc[sp500["timestamp"] == pd.Timestamp("2018-12-28"), "close"].item()
    assert close == pytest.approx(2485.74, abs=0.01)


def test_publication_frame_never_uses_a_figure_before_its_friday(weekly: pd.DataFrame, cftc: pd.DataFrame) -> None:
    mb.validate_market_data(weekly)
    assert (weekly["published"].dt.day_of_week == 4).all()
    assert (weekly["timestamp"] >= weekly["published"]).all()
    assert ((weekly["timestamp"] - weekly["as_of"]).dt.days >= 3).all()
    assert ((weekly["timestamp"] - weekly["published"]).dt.days <= 3).all()  # Friday holidays: the Monday
    # The Tuesday figure of 2010-09-14 is on the bar of Friday 2010-09-17, and not before.
    row = weekly.loc[weekly["as_of"] == pd.Timestamp("2010-09-14")].iloc[0]
    assert row["timestamp"] == pd.Timestamp("2010-09-17") and row["open_interest"] == 1_103_826
    assert weekly.loc[weekly["timestamp"] < pd.Timestamp("2010-09-17"), "open_interest"].ne(1_103_826).all()
    # The OI is the CFTC figure of its own report.
    merged = weekly.merge(cftc, on="as_of", suffixes=("", "_cftc"))
    assert len(merged) == len(weekly) and (merged["open_interest"] == merged["open_interest_cftc"]).all()


def test_publication_frame_prices_are_that_days_index_close(weekly: pd.DataFrame, sp500: pd.DataFrame) -> None:
    closes = sp500.set_index("timestamp")["close"]
    np.testing.assert_array_equal(weekly["futures_price"].to_numpy(), closes.loc[weekly["timestamp"]].to_numpy())


def test_overlap_period(weekly: pd.DataFrame) -> None:
    assert weekly["timestamp"].iloc[0] == pd.Timestamp("2010-06-18")
    # the report as of 2018-12-24 came out on 2019-02-01, after the prices end: the last bar is 21 December
    assert weekly["timestamp"].iloc[-1] == pd.Timestamp("2018-12-21")
    assert 440 <= len(weekly) <= 450


def test_as_of_frame_has_the_look_ahead(weekly: pd.DataFrame) -> None:
    early = rd.weekly_market_from_real_data(lag="as_of")
    mb.validate_market_data(early)
    assert ((early["timestamp"] - early["as_of"]).dt.days <= 1).all()  # Tuesday (or the next trading day)
    both = weekly.merge(early, on="as_of", suffixes=("_published", "_as_of"))
    # Usually three days earlier; 2 when the Tuesday itself was closed (hurricane Sandy, 2012-10-30).
    assert (both["timestamp_published"] > both["timestamp_as_of"]).all()
    assert ((both["timestamp_published"] - both["timestamp_as_of"]).dt.days >= 3).mean() > 0.99


def test_weekly_frame_runs_through_the_article_pipeline(weekly: pd.DataFrame) -> None:
    _, result = mb.run_article(weekly)
    assert np.isfinite(result.final_value) and len(result.equity) == len(weekly)


def test_weekly_frame_adjusted_units_only_rescale(weekly: pd.DataFrame) -> None:
    adjusted = rd.weekly_market_from_real_data(adjust_units=True)
    np.testing.assert_allclose(adjusted["open_interest"], weekly["open_interest"] * 2_304_633 / 453_159)
    pd.testing.assert_series_equal(adjusted["timestamp"], weekly["timestamp"])


def test_bad_lag_lists_the_choices() -> None:
    with pytest.raises(ValueError, match="publication.*as_of"):
        rd.weekly_market_from_real_data(lag="tuesday")
    with pytest.raises(TypeError, match="adjust_units"):
        rd.load_cftc_open_interest(adjust_units="yes")
