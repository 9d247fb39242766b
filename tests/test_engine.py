from __future__ import annotations


import numpy as np
import pandas as pd
import pytest
from hypothesis import given, strategies as st

import mesbook as mb
from mesbook.engine.backtest import run_backtest
from mesbook.options.greeks import black76_greeks
from mesbook.options.pricing import black76_price
from mesbook.engine.settings import ARTICLE, REALISTIC, Commission


@pytest.mark.parametrize("n", [1, 2, 30, 31, 500, 5000])
def test_article_preset_reproduces_the_article_simulation(n):
    data = mb.simulate_market_data(n, seed=n)
    _, expected = mb.run_article(data)
    got = run_backtest(data, ARTICLE)
    assert got.final_value == pytest.approx(expected.final_value, abs=1e-9)
    np.testing.assert_allclose(got.equity.to_numpy(), expected.equity.to_numpy(), atol=1e-9)
    columns = ["entry_bar", "exit_bar", "option_type", "strike", "premium", "pnl"]
    pd.testing.assert_frame_equal(got.trades[columns], expected.trades[columns], check_dtype=False)
    assert got.total_costs == 0


@pytest.mark.parametrize("seed", range(25))
def test_article_preset_with_other_windows(seed):
    data = mb.simulate_market_data(300, seed=seed)
    short = 2 + seed % 7
    _, expected = mb.run_article(data, short_sma_window=short, long_sma_window=short + 5)
    got = run_backtest(data, ARTICLE, short_sma_window=short, long_sma_window=short + 5)
    np.testing.assert_allclose(got.equity.to_numpy(), expected.equity.to_numpy(), atol=1e-9)


def test_fill_delay_equals_the_article_on_shifted_signals():
    frame, _ = mb.run_article(mb.simulate_market_data(800, seed=4))
    shifted = frame.assign(signal=frame["signal"].astype(str).shift(1, fill_value="HOLD"))
    expected = mb.run_trading_simulation(shifted)
    got = run_backtest(frame[["timestamp", "futures_price", "open_interest"]], ARTICLE.replace(fill_delay=1))
    np.testing.assert_allclose(got.equity.to_numpy(), expected.equity.to_numpy(), atol=1e-9)


def test_commission_costs_two_sides_per_trade():
    data = mb.simulate_market_data(600, seed=5)
    fees = Commission(exchange=0.3, clearing_nfa=0.1, broker=0.6)
    plain, charged = run_backtest(data, ARTICLE), run_backtest(data, ARTICLE.replace(commission=fees))
    np.testing.assert_allclose(charged.trades["pnl"], plain.trades["pnl"] - 2 * fees.per_side)
    np.testing.assert_allclose(charged.trades["gross_pnl"], plain.trades["pnl"])
    assert charged.total_costs == pytest.approx(2 * fees.per_side * len(plain.trades))
    assert charged.stats["Total Costs [$]"] == pytest.approx(charged.total_costs)


def test_spread_and_slippage_widen_both_sides():
    data = mb.simulate_market_data(600, seed=6)
    got = run_backtest(data, ARTICLE.replace(half_spread_ticks=2, slippage_ticks=1))
    extra = 3 * 0.05
    assert np.allclose(got.trades["entry_premium"], 2.5 + extra)
    intrinsic = got.trades["exit_premium"]  # received = max(intrinsic - extra, 0)
    assert (intrinsic >= 0).all()
    np.testing.assert_allclose(got.trades["gross_pnl"] - got.trades["costs"], got.trades["pnl"])


def test_black76_entries_are_priced_by_the_model():
    data = mb.simulate_market_data(1500, seed=7)
    settings = ARTICLE.replace(pricing="black76", mark="model", expiry_cycle="monthly", rate=0.03, constant_vol=0.2)
    got = run_backtest(data, settings)
    t = got.trades
    years = (t["expiry"] - t["entry_time"]).dt.days.to_numpy() / 365
    model = black76_price(t["entry_price"].to_numpy(), t["strike"].to_numpy(), years, 0.03, 0.2,
                          (t["option_type"] == "CALL").to_numpy())
    np.testing.assert_allclose(t["entry_premium"], model)
    assert (t["expiry"] >= t["entry_time"] + pd.Timedelta(days=7)).all()
    expired = t[t["exit_reason"] == "expiry"]
    assert len(expired) and (expired["exit_time"] >= expired["expiry"]).all()
    sign = np.where(expired["option_type"] == "CALL", 1, -1)
    np.testing.assert_allclose(expired["exit_premium"], np.maximum(0, sign * (expired["exit_price"] - expired["strike"])))


def test_stop_loss_and_take_profit_fire_where_they_should():
    data = mb.simulate_market_data(3000, seed=8)
    settings = REALISTIC.replace(stop_loss=0.3, take_profit=0.5)
    got = run_backtest(data, settings)
    reasons = set(got.trades["exit_reason"])
    assert {"stop_loss", "take_profit"} <= reasons
    for _, trade in got.trades[got.trades["exit_reason"] == "stop_loss"].iterrows():
        assert trade["exit_premium"] + 0.1 <= 0.7 * trade["entry_premium"] + 0.1 + 1e-9 or trade["exit_premium"] == 0


def test_drawdown_switch_stops_new_trades():
    data = mb.simulate_market_data(3000, seed=9)
    free, capped = run_backtest(data, REALISTIC, initial_cash=200), run_backtest(data, REALISTIC.replace(max_drawdown=0.05), initial_cash=200)
    assert len(capped.trades) < len(free.trades)
    last_entry = capped.trades["entry_bar"].iloc[-1]
    equity = capped.equity.to_numpy()
    peak_before = np.maximum.accumulate(equity)[last_entry - 1]
    assert (peak_before - equity[last_entry - 1]) / peak_before < 0.05 + 1e-12


def test_sizing_by_equity_and_premium_cap():
    data = mb.simulate_market_data(800, seed=10)
    sized = run_backtest(data, REALISTIC.replace(equity_fraction=0.02))
    t = sized.trades
    assert (t["contracts"] > 1).all()
    equity_before = sized.equity.shift(1, fill_value=sized.initial_cash).to_numpy()[t["entry_bar"]]
    assert (t["contracts"] * t["premium"] <= 0.02 * equity_before + 1e-6).all()
    capped = run_backtest(data, REALISTIC.replace(equity_fraction=0.02, max_premium_at_risk=100.0))
    assert (capped.trades["contracts"] * capped.trades["premium"] <= 100.0 + 1e-9).all()


def test_delta_and_offset_strikes():
    data = mb.simulate_market_data(800, seed=12)
    otm = run_backtest(data, REALISTIC.replace(strike="offset", strike_offset=2)).trades
    sign = np.where(otm["option_type"] == "CALL", 1, -1)
    assert (sign * (otm["strike"] - otm["entry_price"]) > 5).all()
    settings = REALISTIC.replace(strike="delta", target_delta=0.25, volatility="constant", constant_vol=0.2)
    t = run_backtest(data, settings).trades
    years = ((t["expiry"] - t["entry_time"]).dt.days.to_numpy() / 365)[:, None]
    is_call = (t["option_type"] == "CALL").to_numpy()[:, None]
    grid = t["strike"].to_numpy()[:, None] + np.array([-5.0, 0.0, 5.0])  # the chosen strike and its neighbours
    implied = settings.implied_vol(0.2)  # the strike is chosen at the volatility the option trades at
    delta = black76_greeks(t["entry_price"].to_numpy()[:, None], grid, years, 0.04, implied, is_call).delta
    assert (np.argmin(np.abs(np.abs(delta) - 0.25), axis=1) == 1).all()


def test_open_fills_need_an_open_column():
    data = mb.simulate_market_data(100, seed=1)
    with pytest.raises(ValueError, match="open_price"):
        run_backtest(data, ARTICLE.replace(fill_price="open"))
    with_open = data.assign(open_price=data["futures_price"].shift(1, fill_value=4000.0))
    assert run_backtest(with_open, ARTICLE.replace(fill_price="open", fill_delay=1)).final_value > 0


switches = {
    "warmup": ["fill_zero", "skip"], "gradient": ["centred", "backward"], "oi_lag": [0, 1], "fill_delay": [0, 1],
    "pricing": ["fixed", "black76"], "expiry_cycle": [None, "quarterly", "weekly"], "slippage_ticks": [0.0, 2.0],
    "commission": [Commission(0, 0, 0), Commission()], "stop_loss": [None, 0.4], "take_profit": [None, 0.8],
    "underlying_stop_points": [None, 15.0], "max_drawdown": [None, 0.001], "equity_fraction": [None, 0.01],
    "roll_filter": [0, 5], "volatility": ["constant", "realized"], "strike": ["atm", "offset", "delta"],
    "round_to_tick": [False, True], "half_spread_ticks": [0.0, 1.0],
}


@given(st.fixed_dictionaries({k: st.sampled_from(v) for k, v in switches.items()}), st.integers(0, 10_000),
       st.sampled_from([30.0, 2_000.0, 100_000.0]))
def test_accounting_identity_under_every_combination(changes, seed, cash):
    if changes["pricing"] == "fixed" and changes["strike"] == "delta":
        changes["pricing"] = "black76"  # a fixed premium cannot pay for an in-the-money option: refused
    if changes["pricing"] == "black76":
        changes["mark"] = "model"
    settings = ARTICLE.replace(**changes)
    data = mb.simulate_market_data(400, seed=seed)
    before = data.copy()
    result = run_backtest(data, settings, short_sma_window=5, long_sma_window=15, initial_cash=cash)
    pd.testing.assert_frame_equal(data, before)
    t = result.trades
    assert t["pnl"].sum() == pytest.approx(result.final_value - cash, abs=1e-6)
    # each trade's P&L from its premiums (points, $5 each) and fees (none to close a worthless expiry)
    fee = settings.commission.per_side
    fees = t["contracts"] * (fee + np.where((t["exit_reason"] == "expiry") & (t["exit_premium"] <= 0), 0.0, fee))
    np.testing.assert_allclose(t["pnl"], t["contracts"] * (t["exit_premium"] - t["entry_premium"]) * 5 - fees, atol=1e-6)
    assert result.equity.iloc[-1] == result.final_value
    assert np.all(t["entry_bar"].to_numpy() < t["exit_bar"].to_numpy())
    assert np.all(t["entry_bar"].to_numpy()[1:] >= t["exit_bar"].to_numpy()[:-1])  # one position at a time
    assert (t["costs"] >= -1e-9).all() and (t["pnl"] >= -t["contracts"] * t["premium"] - t["costs"] - 1e-9).all()
    flat = np.ones(len(data), dtype=bool)
    for entry, exit_ in zip(t["entry_bar"], t["exit_bar"]):
        flat[entry:exit_] = False
    realized = np.cumsum(np.bincount(t["exit_bar"], weights=t["pnl"], minlength=len(data)))
    np.testing.assert_allclose(result.equity.to_numpy()[flat], cash + realized[flat], atol=1e-6)  # flat: equity = cash


def test_seeded_runs_are_bit_identical():
    data = mb.simulate_market_data(2000, seed=3)
    a, b = run_backtest(data, REALISTIC), run_backtest(data, REALISTIC)
    pd.testing.assert_series_equal(a.equity, b.equity)
    pd.testing.assert_frame_equal(a.trades, b.trades)


def _scramble_after(data: pd.DataFrame, t: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    out = data.copy()
    for column in ("futures_price", "open_interest"):
        tail = out[column].to_numpy()[t + 1:].copy()
        rng.shuffle(tail)
        out.loc[out.index[t + 1:], column] = tail * rng.uniform(0.9, 1.1, len(tail))
    return out


def _leaks(settings, data, cut_points) -> list[int]:
    full = run_backtest(data, settings).equity.to_numpy()
    leaking = []
    for t in cut_points:
        scrambled = run_backtest(_scramble_after(data, t, t), settings).equity.to_numpy()
        truncated = run_backtest(data.iloc[: t + 1], settings).equity.to_numpy()
        if not (np.array_equal(full[: t + 1], scrambled[: t + 1]) and np.array_equal(full[:t], truncated[:t])):
            leaking.append(t)
    return leaking


def test_honest_settings_never_look_ahead():
    data = mb.simulate_market_data(600, seed=21)
    result = run_backtest(data, REALISTIC)
    cuts = sorted(set(result.trades["entry_bar"]) | set(result.trades["entry_bar"] - 1) | set(range(40, 600, 37)))
    assert _leaks(REALISTIC, data, cuts) == []


def test_article_preset_leaks_the_next_bar():
    # The centred gradient only decides a signal on a crossover bar where the OI change alone does not,
    # so audit every crossover bar: some of the article's decisions change when the future changes.
    data = mb.simulate_market_data(600, seed=21)
    ind = mb.calculate_indicators(data)
    short, long = ind["oi_short_sma"].to_numpy(), ind["oi_long_sma"].to_numpy()
    crossed = np.r_[False, (np.sign(short[1:] - long[1:]) != np.sign(short[:-1] - long[:-1]))]
    assert _leaks(ARTICLE, data, np.flatnonzero(crossed)) == [346, 518]


def test_bad_arguments():
    data = mb.simulate_market_data(50, seed=1)
    with pytest.raises(TypeError, match="BacktestSettings"):
        run_backtest(data, "realistic")
    with pytest.raises(ValueError, match="smaller than long_sma_window"):
        run_backtest(data, REALISTIC, short_sma_window=30, long_sma_window=30)
    with pytest.raises(ValueError, match="initial_cash"):
        run_backtest(data, REALISTIC, initial_cash=-5)
    with pytest.raises(ValueError, match="'volatility'"):
        run_backtest(data, REALISTIC.replace(volatility="column"))
    with pytest.raises(ValueError, match="missing column"):
        run_backtest(data.drop(columns="open_interest"), REALISTIC)


def test_rounding_to_the_premium_tick():
    data = mb.simulate_market_data(1500, seed=7)
    settings = REALISTIC.replace(constant_vol=0.2, volatility="constant")
    exact, ticked = run_backtest(data, settings), run_backtest(data, settings.replace(round_to_tick=True))
    np.testing.assert_array_equal(exact.trades["entry_bar"], ticked.trades["entry_bar"])
    paid, got = ticked.trades["entry_premium"].to_numpy(), ticked.trades["exit_premium"].to_numpy()
    unrounded = exact.trades["entry_premium"].to_numpy()
    assert (paid > 10).all()  # 60-220-point options: CME's 0.25-point tick
    np.testing.assert_allclose(paid / 0.25, np.round(paid / 0.25), atol=1e-9)  # on the grid
    assert (paid >= unrounded - 1e-12).all() and (paid - unrounded < 0.25).all()
    sold = (ticked.trades["exit_reason"] != "expiry").to_numpy()
    tick = settings.tick(got[sold])
    np.testing.assert_allclose(got[sold] / tick, np.round(got[sold] / tick), atol=1e-9)
    assert (ticked.trades["costs"] >= exact.trades["costs"] - 1e-9).all()  # rounding only ever costs
    assert ticked.trades["pnl"].sum() == pytest.approx(ticked.final_value - ticked.initial_cash, abs=1e-6)
    with pytest.raises(TypeError, match="round_to_tick"):
        REALISTIC.replace(round_to_tick=1)


def _with_open(data: pd.DataFrame) -> pd.DataFrame:
    return data.assign(open_price=data["futures_price"].shift(1, fill_value=float(data["futures_price"].iloc[0])))


def test_open_fills_price_with_the_volatility_known_at_the_open():
    data = _with_open(mb.simulate_realistic_market(400, seed=3))
    settings = REALISTIC.replace(fill_price="open")
    base = run_backtest(data, settings)
    bar = int(base.trades["entry_bar"].iloc[0])
    moved = data.copy()
    moved.loc[bar, "futures_price"] *= 1.03  # the entry bar's own close: unknown at its open
    again = run_backtest(moved, settings)
    assert again.trades["entry_premium"].iloc[0] == base.trades["entry_premium"].iloc[0]
    assert again.trades["strike"].iloc[0] == base.trades["strike"].iloc[0]


def test_expiry_without_a_bar_settles_at_the_first_close_after_it():
    """No bar on the expiry day: the option expires within the next bar (its close is the first at or after
    the expiry moment), and settles there, never at a close before the options stop trading."""
    data = mb.simulate_market_data(300, seed=2)
    settings = ARTICLE.replace(expiry_cycle="weekly", min_days_to_expiry=3)
    full = run_backtest(data, settings).trades
    expired = full[full["exit_reason"] == "expiry"]
    assert len(expired) and (expired["exit_time"] == expired["expiry"]).all()
    holiday = expired["expiry"].iloc[0]
    gap = data[data["timestamp"] != holiday].reset_index(drop=True)
    trade = run_backtest(gap, settings).trades.set_index("expiry").loc[holiday]
    after = gap["timestamp"][gap["timestamp"] > holiday].iloc[0]
    assert trade["exit_reason"] == "expiry" and trade["exit_time"] == after


def test_risk_rules_first_look_at_the_close_after_the_entry():
    data = _with_open(mb.simulate_realistic_market(600, seed=4))
    for settings in (REALISTIC.replace(underlying_stop_points=1e-9), REALISTIC.replace(fill_price="open", stop_loss=0.999)):
        t = run_backtest(data, settings).trades
        assert (t["exit_reason"] != "signal").any()
        assert (t["exit_bar"] - t["entry_bar"]).min() >= 1


def test_min_days_to_expiry_and_huge_counts_are_refused():
    with pytest.raises(ValueError, match="min_days_to_expiry"):
        ARTICLE.replace(min_days_to_expiry=0)
    with pytest.raises(ValueError, match="oi_lag must be <="):
        ARTICLE.replace(oi_lag=10**19)
    with pytest.raises(ValueError, match="long_sma_window must be <="):
        run_backtest(mb.simulate_market_data(50, seed=1), ARTICLE, long_sma_window=10**19)


# --- issue 12: CME's premium-dependent tick, the variance risk premium, ARTICLE unchanged -------------------------

def test_spread_and_slippage_are_charged_in_the_tick_of_the_premium():
    from mesbook.engine.backtest import buy_price, sell_price

    s = REALISTIC  # one-tick half spread and one tick of slippage: two ticks a side
    assert buy_price(s, 2.5) == pytest.approx(2.6)         # 2 x 0.05 at or below 10.00 points
    assert buy_price(s, 10.0) == pytest.approx(10.1)
    assert buy_price(s, 54.0) == pytest.approx(54.5)       # 2 x 0.25 above
    assert sell_price(s, 54.0) == pytest.approx(53.5)
    assert sell_price(s, 10.05) == pytest.approx(9.55)     # the tick of the mid, not of the fill
    assert sell_price(s, 0.05) == 0.0                      # never below zero
    np.testing.assert_allclose(buy_price(s, np.array([9.95, 190.0])), [10.05, 190.5])
    older = s.replace(tick_threshold=5.0)                  # CME's older pages
    assert buy_price(older, 7.5) == pytest.approx(8.0) and buy_price(s, 7.5) == pytest.approx(7.6)
    flat = s.replace(tick_threshold=None)                  # the old flat 0.05 tick
    assert buy_price(flat, 54.0) == pytest.approx(54.1)
    rounded = s.replace(round_to_tick=True)
    assert buy_price(rounded, 9.97) == pytest.approx(10.25)  # 10.07 is no price above 10.00
    assert sell_price(rounded, 12.3) == pytest.approx(11.75)  # 11.80 rounded down to the quarter point
    assert sell_price(rounded, 9.92) == pytest.approx(9.80)


def test_costs_per_trade_of_big_premiums_are_the_cme_tick():
    data = mb.simulate_realistic_market(500, seed=7)
    t = run_backtest(data, REALISTIC).trades
    fees = 2 * REALISTIC.commission.per_side
    big = (t["exit_reason"] == "signal") & (t["entry_premium"] > 10.5) & (t["exit_premium"] > 10.5)
    assert big.sum() >= 5
    # two 0.25-point ticks on each side, $5 a point, plus fees: $6.84 a trade
    np.testing.assert_allclose(t.loc[big, "costs"], fees + 2 * (2 * 0.25) * 5)
    flat = run_backtest(data, REALISTIC.replace(tick_threshold=None)).trades
    np.testing.assert_allclose(flat.loc[big, "costs"], fees + 2 * (2 * 0.05) * 5)


def test_implied_volatility_is_the_ratio_times_the_volatility_plus_the_addition():
    data = mb.simulate_market_data(1500, seed=7)
    base = ARTICLE.replace(pricing="black76", mark="model", expiry_cycle="monthly", rate=0.03, constant_vol=0.2)
    plain = run_backtest(data, base.replace(constant_vol=0.3)).trades
    for premium in ({"implied_vol_ratio": 1.5}, {"implied_vol_add": 0.1}, {"implied_vol_ratio": 1.25, "implied_vol_add": 0.05}):
        t = run_backtest(data, base.replace(**premium)).trades
        years = (t["expiry"] - t["entry_time"]).dt.days.to_numpy() / 365
        model = black76_price(t["entry_price"].to_numpy(), t["strike"].to_numpy(), years, 0.03, 0.3,
                              (t["option_type"] == "CALL").to_numpy())
        np.testing.assert_allclose(t["entry_premium"], model, rtol=1e-12)  # priced at 0.3 = implied
        np.testing.assert_allclose(t["pnl"], plain["pnl"], rtol=1e-9, atol=1e-9)
    assert base.implied_vol(0.2) == 0.2
    assert base.replace(implied_vol_ratio=2.0, implied_vol_add=0.01).implied_vol(0.2) == pytest.approx(0.41, abs=1e-15)


def test_realistic_buys_at_carr_and_wu_implied_volatility():
    from mesbook.engine.settings import IMPLIED_VOL_RATIO

    assert IMPLIED_VOL_RATIO == pytest.approx(np.exp(0.594 / 2)) and round(IMPLIED_VOL_RATIO, 2) == 1.35
    assert REALISTIC.implied_vol_ratio == IMPLIED_VOL_RATIO and ARTICLE.implied_vol_ratio == 1.0
    data = mb.simulate_realistic_market(500, seed=7)
    fair = run_backtest(data, REALISTIC.replace(implied_vol_ratio=1.0)).trades
    rich = run_backtest(data, REALISTIC).trades
    np.testing.assert_array_equal(fair["entry_bar"], rich["entry_bar"])  # same trades, dearer options
    assert (rich["entry_premium"] > fair["entry_premium"]).all()


# Digests of ARTICLE runs measured before issue 12's changes (commit c10f387): equity and the trade log,
# bit for bit. The last case is the flat 0.05 tick of the old cost model, which tick_threshold=None keeps.
_ARTICLE_GOLDEN = {
    "article seed 7": (100076.11729889322, 12, "1828e9d50d0fa2e5"),
    "realistic seed 7": (104832.23961668776, 9, "05c1bbcaa08723c3"),
    "realistic seed 3, honest signals": (104852.25945575917, 7, "2a04cd56778180cc"),
    "article seed 7, costs, flat tick": (100044.53729889322, 12, "a72f67e01439c3b5"),
}


def _golden_case(name: str):
    honest_signals = ARTICLE.replace(warmup="skip", gradient="backward", oi_lag=1, fill_delay=1)
    costs = ARTICLE.replace(commission=Commission(), half_spread_ticks=1.0, slippage_ticks=1.0, tick_threshold=None)
    return {
        "article seed 7": (mb.simulate_market_data(seed=7), ARTICLE),
        "realistic seed 7": (mb.simulate_realistic_market(500, seed=7), ARTICLE),
        "realistic seed 3, honest signals": (mb.simulate_realistic_market(300, seed=3), honest_signals),
        "article seed 7, costs, flat tick": (mb.simulate_market_data(seed=7), costs),
    }[name]


@pytest.mark.parametrize("name", list(_ARTICLE_GOLDEN))
def test_article_runs_are_bit_identical_to_before_issue_12(name):
    import hashlib

    data, settings = _golden_case(name)
    result = run_backtest(data, settings)
    digest = hashlib.sha256(np.ascontiguousarray(result.equity.to_numpy(dtype=float)).tobytes())
    for column in ("entry_bar", "exit_bar", "premium", "pnl", "costs", "strike"):
        digest.update(np.ascontiguousarray(result.trades[column].to_numpy()).tobytes())
    final_value, trades, expected = _ARTICLE_GOLDEN[name]
    assert (result.final_value, len(result.trades), digest.hexdigest()[:16]) == (final_value, trades, expected)
