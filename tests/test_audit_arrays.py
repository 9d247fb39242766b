"""The look-ahead audit's array path equals the per-copy path it replaced, exactly.

The reference below is the audit as it was: every scrambled copy a frame of its own (the old ``scramble_after``,
kept here verbatim) and its decisions computed by ``decision_codes`` on that frame. The audit now decides the
scrambled copies of a ``backtest_signals`` strategy side by side on arrays; the checks tables must be equal.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import mesbook as mb
from mesbook.core.indicators import rolling_mean_columns, rolling_means
from mesbook.core.windows import Windows
from mesbook.data.release import CftcSchedule, FixedDelay, NextBusinessDay
from mesbook.engine.decisions import decision_codes, decision_columns
from mesbook.engine.settings import ARTICLE, REALISTIC
from mesbook.studies import audit
from mesbook.studies.audit import article_signals, backtest_signals, crossover_bars, lookahead_audit, scramble_after


def old_scramble_after(data: pd.DataFrame, t: int, seed=None) -> pd.DataFrame:
    """``scramble_after`` before the array path (verbatim)."""
    rng = np.random.default_rng(seed)
    out = data.copy()
    tail = slice(t + 1, len(data))
    for column in data.columns:
        series = data[column]
        if column == "timestamp" or pd.api.types.is_bool_dtype(series) or not pd.api.types.is_numeric_dtype(series):
            continue
        values = series.to_numpy().copy()
        part = rng.permutation(values[tail])
        if pd.api.types.is_float_dtype(series):
            part = part * rng.uniform(0.5, 1.5, len(part))
        values[tail] = part
        out[column] = values
    return out


def first_change(full, other, upto):
    differs = np.flatnonzero(full[:upto] != other[:upto])
    return int(differs[0]) if len(differs) else -1


def article_labels(data, windows):
    return np.asarray(mb.generate_signals(mb.calculate_indicators(data, *windows))["signal"].astype(object))


def per_copy_audit(settings, windows, data, cuts, n_scrambles, seed=0) -> pd.DataFrame:
    """The audit's checks table computed the old way: one frame and one ``decision_codes`` call per copy
    (``settings=None``: the article's pipeline, ``calculate_indicators`` and ``generate_signals``, per copy)."""
    def decide(frame):
        return article_labels(frame, windows) if settings is None else decision_codes(frame, settings, windows)

    full = decide(data)
    entropy = np.random.SeedSequence(seed).entropy
    rows = []
    for t in sorted(set(cuts)):
        scrambled = -1
        for j in range(n_scrambles):
            child = np.random.SeedSequence(entropy, spawn_key=(t, j))
            altered = decide(old_scramble_after(data, t, child))
            scrambled = first_change(full, altered, t + 1) if scrambled < 0 else scrambled
        rows.append((t, scrambled, first_change(full, decide(data.iloc[: t + 1]), t + 1)))
    return pd.DataFrame(rows, columns=["cut", "scrambled_bar", "truncated_bar"])


def article_market() -> pd.DataFrame:
    return mb.simulate_market_data(400, seed=21)


def realistic_market() -> pd.DataFrame:
    return mb.simulate_realistic_market(seed=7)


def integer_oi_market() -> pd.DataFrame:
    """Weekly (Tuesday) bars of whole-number OI after an integer and a text column: the generator's draws for
    the earlier columns count."""
    data = mb.simulate_market_data(300, seed=4)
    return pd.DataFrame({"timestamp": pd.date_range("2020-01-07", periods=300, freq="W-TUE"),
                         "volume": np.arange(300, dtype=np.int64) % 17, "note": ["x"] * 300, "futures_price": data["futures_price"],
                         "open_interest": data["open_interest"].round().astype(np.int64)})


def hourly_market() -> pd.DataFrame:
    data = mb.simulate_market_data(300, seed=9)
    return data.assign(timestamp=pd.date_range("2024-03-11 09:00", periods=300, freq="h"))


CASES = [
    (article_market, ARTICLE, Windows()),
    (article_market, ARTICLE.replace(warmup="skip"), Windows(5, 20, 3)),
    (article_market, ARTICLE.replace(gradient="backward"), Windows()),
    (article_market, ARTICLE.replace(gradient="lagged", oi_lag=2), Windows(4, 12, 2)),
    (realistic_market, REALISTIC, Windows()),
    (realistic_market, ARTICLE, Windows(5, 20, 3)),
    (realistic_market, REALISTIC.replace(oi_release=FixedDelay(pd.Timedelta(hours=18)), roll_filter=5), Windows()),
    (integer_oi_market, ARTICLE, Windows()),
    (integer_oi_market, ARTICLE.replace(oi_release=CftcSchedule()), Windows(3, 8, 2)),
    (hourly_market, REALISTIC.replace(oi_release=NextBusinessDay(), roll_filter=pd.Timedelta(days=7)), Windows()),
    (hourly_market, ARTICLE, Windows(5, 20, 3)),
    (article_market, None, Windows()),  # None: the article's pipeline, article_signals
    (article_market, None, Windows(5, 20, 5)),
    (realistic_market, None, Windows()),
    (integer_oi_market, None, Windows(3, 8, 2)),
]


def audit_cuts(data, windows):
    crossings = crossover_bars(data, windows.short, windows.long)
    return sorted(set(crossings) | set(range(0, len(data) - 1, 23)))


@pytest.mark.parametrize("make, settings, windows", CASES)
def test_array_path_equals_the_per_copy_path(make, settings, windows, monkeypatch):
    data = make()
    before = data.copy()
    cuts = audit_cuts(data, windows)
    expected = per_copy_audit(settings, windows, data, cuts, n_scrambles=4, seed=3)
    monkeypatch.setattr(audit, "_CELLS_PER_PASS", 5_000)  # several passes, each of a few cuts' copies
    strategy = article_signals(*windows) if settings is None else backtest_signals(settings, windows=windows)
    result = lookahead_audit(strategy, data, cuts, n_scrambles=4, seed=3)
    pd.testing.assert_frame_equal(result.checks, expected)
    pd.testing.assert_frame_equal(data, before)


def test_the_comparison_sees_leaks_and_clean_runs():
    """The equality above is not between two empty tables: the article's settings leak, the honest ones do not."""
    data = article_market()
    leaky = per_copy_audit(ARTICLE, Windows(), data, audit_cuts(data, Windows()), n_scrambles=4, seed=3)
    assert (leaky["scrambled_bar"] >= 0).sum() >= 1
    honest = per_copy_audit(REALISTIC, Windows(), realistic_market(), range(0, 499, 7), n_scrambles=2)
    assert (honest[["scrambled_bar", "truncated_bar"]] < 0).all().all()


@pytest.mark.parametrize("make", [article_market, realistic_market, integer_oi_market])
def test_scramble_after_is_the_old_scramble(make):
    data = make()
    for t, seed in ((0, 1), (57, np.random.SeedSequence(5, spawn_key=(57, 2))), (len(data) - 1, 2), (len(data), 3)):
        pd.testing.assert_frame_equal(scramble_after(data, t, seed), old_scramble_after(data, t, seed))


@pytest.mark.parametrize("make, settings, windows", [case for case in CASES if case[1] is not None])
def test_decision_columns_is_decision_codes_per_column(make, settings, windows):
    data = make()
    copies = [scramble_after(data, t, t) for t in (0, 40, 150, len(data) - 2)]
    oi = np.column_stack([copy["open_interest"].to_numpy(dtype=float) for copy in copies])
    codes = decision_columns(oi, settings, windows, data["timestamp"])
    assert codes.shape == oi.shape
    for j, copy in enumerate(copies):
        np.testing.assert_array_equal(codes[:, j], decision_codes(copy, settings, windows))


def test_rolling_mean_columns_is_rolling_means_per_column():
    rng = np.random.default_rng(0)
    values = rng.normal(1e6, 3e3, (50, 6))
    values[3, 1], values[10:14, 2], values[20, 4], values[7, 5] = np.nan, np.nan, np.inf, -np.inf
    values[:, 3] = 5.0  # constant: pandas' kernel returns the value itself
    for windows in ((1, 3), (10, 30), (49, 50), (51,)):
        got = rolling_mean_columns(values, *windows)
        for j in range(values.shape[1]):
            for mean, want in zip(got, rolling_means(pd.Series(values[:, j]), *windows)):
                np.testing.assert_array_equal(mean[:, j], want)


def test_first_changes_keeps_the_first_copy_that_changed():
    """Hand-built: two cuts of three copies each; the answer is the first changed bar of the first copy that
    changed anything (not the earliest bar over all copies)."""
    changed = np.zeros((6, 6), dtype=bool)
    changed[[4, 5], 1] = True  # cut 0: copy 1 changes bars 4 and 5
    changed[2, 2] = True  # cut 0: copy 2 changes bar 2, earlier, but copy 1 came first
    changed[3, 3] = True  # cut 1: copy 0 changes bar 3; copies 1 and 2 change nothing
    np.testing.assert_array_equal(audit._first_changes(changed, 3), [4, 3])
    np.testing.assert_array_equal(audit._first_changes(np.zeros((4, 4), dtype=bool), 2), [-1, -1])


def test_decision_columns_refuses_what_it_cannot_do():
    oi = np.ones((10, 2))
    with pytest.raises(ValueError, match="timestamps"):
        decision_columns(oi, REALISTIC, Windows())
    with pytest.raises(ValueError, match="2-D"):
        decision_columns(np.ones(10), ARTICLE, Windows())
    column_rule = ARTICLE.replace(oi_release=mb.data.release.ReleasedColumn("released"))
    with pytest.raises(ValueError, match="reads other columns"):
        decision_columns(oi, column_rule, Windows())
