"""Open-interest basics: how trades move volume and open interest, and the four price/OI readings.

:func:`oi_ledger` replays a toy market trade by trade (chapter 2's ledger); :func:`regime_table` counts
the bars of a market frame in each of the four readings of price and open interest moving together.
"""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd


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


__all__ = ["LEDGER_TRADES", "REGIMES", "oi_ledger", "regime_table"]
