"""mesbook.core.trades: the account value per bar, trade by trade, equals its bar-by-bar definition bit for bit."""
from __future__ import annotations

import numpy as np
import pytest

from mesbook.core.contract import intrinsic_value
from mesbook.core.trades import Terms, article_equity, article_run, equity_curve, open_trade_index


def bar_by_bar(run, price, terms):
    """The definition: the open trade of each bar (open_trade_index), its intrinsic value, the realized P&L
    booked on exit bars (equity_curve)."""
    n = len(price)
    unrealized = np.zeros(n)
    if len(run.entries):
        span = slice(run.entries[0], run.exits[-1])
        k = open_trade_index(n, run.entries, run.exits)[span]
        unrealized[span] = intrinsic_value(run.signs[k], price[span], run.strikes[k]) * terms.multiplier - terms.premium
    return equity_curve(run.exits, run.pnl, unrealized, terms.initial_cash)


TERMS = [Terms(), Terms(initial_cash=40.0), Terms(initial_cash=0.0, premium=0.0), Terms(premium=0.0),
         Terms(strike_interval=0.25), Terms(initial_cash=-0.0, premium=12.5, multiplier=50.0)]


@pytest.mark.parametrize("seed", range(40))
def test_article_equity_is_its_bar_by_bar_definition(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 300))
    codes = rng.choice(np.array([0, 0, 0, 1, 2], dtype=np.int8), size=n)
    price = np.round(4000 + rng.normal(0, 4, n).cumsum(), 2)
    price[rng.random(n) < 0.2] = 4005.0  # on a strike: F − K is exactly 0 for calls and puts
    terms = TERMS[seed % len(TERMS)]
    run = article_run(price, codes, terms)
    got, want = article_equity(run, price, terms), bar_by_bar(run, price, terms)
    assert got.dtype == want.dtype and got.tobytes() == want.tobytes()


def test_article_equity_by_hand():
    """A call bought at 100 on bar 1 (strike 100), reversed into a put at 110 on bar 3, closed on the last bar."""
    price = np.array([98.0, 100.0, 104.0, 110.0, 107.0, 101.0])
    codes = np.array([0, 1, 0, 2, 0, 0], dtype=np.int8)
    terms = Terms(initial_cash=1000.0, premium=10.0, multiplier=5.0, strike_interval=5.0)
    run = article_run(price, codes, terms)
    assert run.entries.tolist() == [1, 3] and run.strikes.tolist() == [100.0, 110.0]
    # bar 1: call worth 0, paid 10; bar 2: 4 points = 20 - 10; bar 3: the call closes at 10 points (+40), the
    # put opens worth 0 (-10); bar 4: 3 points (+5); bar 5: the put closes at 9 points (+35)
    assert article_equity(run, price, terms).tolist() == [1000.0, 990.0, 1010.0, 1030.0, 1045.0, 1075.0]
