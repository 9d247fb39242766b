"""Market data: the article's synthetic generator, the market-frame check, and the open-interest basics.

Chapter 2's small tools live here too: :func:`oi_ledger` (how trades move volume and open interest),
:func:`regime_table` (the four price/OI readings) and :func:`simulate_with_drift` (other drifts, same shocks).

A market frame has one row per bar and the columns ``timestamp`` (datetime, strictly increasing),
``futures_price`` (index points, > 0) and ``open_interest`` (contracts, > 0).
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Union

import numpy as np
import pandas as pd

from ..constants import NUM_PERIODS
from ..validation import check_frame, check_int, check_number

#: Columns every market frame carries.
MARKET_COLUMNS: tuple[str, str, str] = ("timestamp", "futures_price", "open_interest")

SeedLike = Union[int, np.random.Generator, None]

#: The drifts of the article's generator: index points per bar (price), contracts per bar (OI).
ARTICLE_PRICE_DRIFT, ARTICLE_OI_DRIFT = 0.1, 10.0


def simulate_market_data(
    num_periods: int = NUM_PERIODS,
    seed: SeedLike = None,
    start: str = "2023-01-01",
    *,
    price_drift: float = ARTICLE_PRICE_DRIFT,
    price_volatility: float = 1.5,
    oi_drift: float = ARTICLE_OI_DRIFT,
    oi_volatility: float = 100.0,
) -> pd.DataFrame:
    """Generate the article's synthetic MES futures prices and open interest.

    Both series are independent Gaussian random walks on business days from ``start``:
    price steps N(``price_drift``, ``price_volatility``) points per bar (article: 0.1, 1.5) from 4000,
    floored at 100 points; OI steps N(``oi_drift``, ``oi_volatility``) contracts per bar (article: 10,
    100) from 20,000, floored at 1,000 contracts. Changing a drift keeps the same random shocks.

    ``seed=None`` reproduces the article exactly, drawing from NumPy's global random state (so two
    calls differ unless ``np.random.seed`` is set). An int or a ``numpy.random.Generator`` draws from
    ``numpy.random.default_rng(seed)``: first the ``num_periods`` price steps, then the OI steps, so a
    seeded call is bit-identical on every run.
    """
    num_periods = check_int("num_periods", num_periods)
    for name, value in (("price_drift", price_drift), ("oi_drift", oi_drift)):
        check_number(name, value, minimum=-np.inf)
    price_volatility = check_number("price_volatility", price_volatility)
    oi_volatility = check_number("oi_volatility", oi_volatility)
    try:
        dates = pd.date_range(start=start, periods=num_periods, freq="B")
    except (ValueError, TypeError) as exc:
        raise ValueError(f"start must be a date such as '2023-01-01', got {start!r}") from exc
    if seed is None:
        draw = np.random.normal
    elif isinstance(seed, (int, np.integer, np.random.Generator)) and not isinstance(seed, bool):
        draw = np.random.default_rng(seed).normal
    else:
        raise TypeError(f"seed must be None, an int or a numpy Generator, got {type(seed).__name__}")
    price_steps = draw(loc=price_drift, scale=price_volatility, size=num_periods)
    oi_steps = draw(loc=oi_drift, scale=oi_volatility, size=num_periods)
    return pd.DataFrame(
        {
            "timestamp": dates,
            "futures_price": np.maximum(4000 + np.cumsum(price_steps), 100),
            "open_interest": np.maximum(20000 + np.cumsum(oi_steps), 1000),
        }
    )


def validate_market_data(df: pd.DataFrame) -> pd.DataFrame:
    """Raise ``TypeError``/``ValueError`` unless ``df`` is a valid market frame; return it unchanged."""
    return check_frame(df, positive=("futures_price", "open_interest"))


def simulate_with_drift(seed: int, price_drift: float = ARTICLE_PRICE_DRIFT, oi_drift: float = ARTICLE_OI_DRIFT,
                        num_periods: int = NUM_PERIODS) -> pd.DataFrame:
    """The article's seeded market with other drifts (price: points per bar; OI: contracts per bar).

    Same random shocks as ``simulate_market_data(num_periods, seed=seed)``; only the mean steps change.
    """
    return simulate_market_data(num_periods, seed=seed, price_drift=price_drift, oi_drift=oi_drift)


#: A tiny market: who buys from whom, and whether each side opens or closes a position.
LEDGER_TRADES: tuple[tuple[str, str, str, str], ...] = (
    ("Ana", "opens", "Ben", "opens"),
    ("Cai", "opens", "Ana", "closes"),
    ("Dee", "opens", "Eli", "opens"),
    ("Ben", "closes", "Cai", "closes"),
    ("Fay", "opens", "Dee", "closes"),
    ("Eli", "closes", "Fay", "closes"),
)

def oi_ledger(trades: Iterable[tuple[str, str, str, str]] = LEDGER_TRADES) -> pd.DataFrame:
    """Volume and open interest after each trade of a toy market.

    Each trade is ``(buyer, "opens"|"closes", seller, "opens"|"closes")``. Every trade adds 1 to volume;
    open interest rises by 1 when both sides open, falls by 1 when both close, and is unchanged when
    one side hands its position to the other.
    """
    rows, volume, oi = [], 0, 0
    for number, (buyer, buyer_does, seller, seller_does) in enumerate(trades, start=1):
        for side in (buyer_does, seller_does):
            if side not in ("opens", "closes"):
                raise ValueError(f"each side either 'opens' or 'closes', got {side!r}")
        step = {("opens", "opens"): 1, ("closes", "closes"): -1}.get((buyer_does, seller_does), 0)
        volume, oi = volume + 1, oi + step
        if oi < 0:
            raise ValueError(f"trade {number} closes more positions than are open")
        rows.append({"trade": number, "buyer": f"{buyer} {buyer_does}", "seller": f"{seller} {seller_does}",
                     "OI change": step, "volume": volume, "open interest": oi})
    return pd.DataFrame(rows).set_index("trade")

#: The four readings of price and open interest moving together (in this book's words):
#: (name, price direction, OI direction, the usual reading).
REGIMES: tuple[tuple[str, str, str, str], ...] = (
    ("fresh buying", "up", "up", "new longs arrive: the rise has support"),
    ("fresh selling", "down", "up", "new shorts arrive: the fall has support"),
    ("short covering", "up", "down", "shorts leave: the rally may fade"),
    ("long liquidation", "down", "down", "longs leave: the fall may fade"),
)

def regime_table(data: pd.DataFrame) -> pd.DataFrame:
    """How many bars of ``data`` fall in each price/OI regime (bar-to-bar changes; flat bars skipped)."""
    price = np.diff(data["futures_price"].to_numpy(dtype=float))
    oi = np.diff(data["open_interest"].to_numpy(dtype=float))
    rows = []
    for name, price_way, oi_way, reading in REGIMES:
        in_regime = ((price > 0) if price_way == "up" else (price < 0)) & ((oi > 0) if oi_way == "up" else (oi < 0))
        rows.append({"regime": name, "price": price_way, "open interest": oi_way, "usual reading": reading,
                     "bars": int(in_regime.sum())})
    table = pd.DataFrame(rows).set_index("regime")
    table["share (%)"] = (100 * table["bars"] / table["bars"].sum()).round(1)
    return table
