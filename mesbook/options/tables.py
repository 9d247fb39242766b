"""Option prices and Greeks as small tables, every unit spelled out (chapter 7 of the book).

The functions wrap :mod:`mesbook.options.pricing` for one MES option on a future: premiums in index points (and
dollars at $5 a point), time in calendar days (ACT/365), volatility and rate per year. The book's example
is :data:`EXAMPLE`: the futures at 4,000, an at-the-money strike, 91 days to a quarterly expiry, 18 %
volatility and a 4 % rate.
"""
from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from ..constants import FUTURES_MULTIPLIER
from ..formatting import full_table
from .greeks import black76_greeks
from .pricing import DAYS_PER_YEAR, american_price, black76_price, implied_volatility
from ..validation import check_int, check_number

#: The book's example option: futures and strike in points, days to expiry, vol and rate per year.
EXAMPLE: dict = {"futures": 4000.0, "strike": 4000.0, "days": 91, "vol": 0.18, "rate": 0.04}


def _years(days: object) -> np.ndarray:
    values = np.asarray(days, dtype=float)
    if not np.isfinite(values).all() or (values < 0).any():
        raise ValueError("days to expiry must be finite and >= 0")
    return values / DAYS_PER_YEAR


def price_by_strike(futures: float = EXAMPLE["futures"], strikes: Iterable[float] = np.arange(3700.0, 4305.0, 5.0),
                    days: Sequence[int] = (7, 30, 91), vol: float = EXAMPLE["vol"], rate: float = EXAMPLE["rate"],
                    is_call: bool = True) -> pd.DataFrame:
    """Black-76 premiums (points) over ``strikes`` (points), one column per number of ``days`` to expiry.

    ``attrs`` keeps ``vol`` and ``rate`` (per year)."""
    futures = check_number("futures", futures, strict=True)
    strikes = np.asarray(list(strikes), dtype=float)
    columns = {f"{int(d)} days": black76_price(futures, strikes, _years(d), rate, vol, is_call) for d in days}
    table = pd.DataFrame(columns, index=pd.Index(strikes, name="strike"))
    table.attrs.update(vol=vol, rate=rate)  # for the figure's caption
    return table


def price_by_time(futures: float = EXAMPLE["futures"], strike: float = EXAMPLE["strike"], days: int = EXAMPLE["days"],
                  vol: float = EXAMPLE["vol"], rate: float = EXAMPLE["rate"], is_call: bool = True) -> pd.DataFrame:
    """An option held from ``days`` to expiry down to 0, futures unchanged: premium and daily theta.

    Index: calendar days left. Columns: ``premium`` (points), ``premium ($)`` and ``theta per day`` —
    points lost over the next calendar day (Black-76 theta / 365; at 0 days nothing is left to lose).
    """
    days = check_int("days", days, minimum=1)
    left = np.arange(days, -1, -1, dtype=float)
    premium = np.asarray(black76_price(futures, strike, _years(left), rate, vol, is_call))
    theta = np.asarray(black76_greeks(futures, strike, _years(left), rate, vol, is_call).theta_per_day)
    return pd.DataFrame({"premium": premium, "premium ($)": premium * FUTURES_MULTIPLIER, "theta per day": theta},
                        index=pd.Index(left.astype(int), name="days left"))


def greeks_table(futures: float = EXAMPLE["futures"], strike: float = EXAMPLE["strike"], days: int = EXAMPLE["days"],
                 vol: float = EXAMPLE["vol"], rate: float = EXAMPLE["rate"], is_call: bool = True,
                 multiplier: float = FUTURES_MULTIPLIER) -> pd.DataFrame:
    """The premium and the five Greeks of one option, in the units traders quote, and in dollars.

    Rows: premium (points), delta (points per point of futures), gamma (delta per point), vega (points
    per vol point, i.e. per 0.01 of vol), theta (points per calendar day) and rho (points per percentage
    point of rate: from 4 % to 5 %). Columns: ``value``, ``unit``, ``dollars`` (value × ``multiplier``; for delta and gamma the
    dollars per point of futures, for gamma the change of that dollar delta) and ``reads as``.
    """
    years = float(_years(check_number("days", days)))
    premium = float(black76_price(futures, strike, years, rate, vol, is_call))
    g = black76_greeks(futures, strike, years, rate, vol, is_call)
    rows = [
        ("premium", premium, "points", "what the option costs"),
        ("delta", g.delta, "points per point of futures", "premium change when the futures rise 1 point"),
        ("gamma", g.gamma, "delta per point of futures", "delta change when the futures rise 1 point"),
        ("vega", g.vega_per_vol_point, "points per vol point", "premium change when volatility rises 1 point"),
        ("theta", g.theta_per_day, "points per calendar day", "premium change after one day, all else equal"),
        ("rho", g.rho / 100.0, "points per percentage point of rate",
         "premium change when the rate rises 1 percentage point"),
    ]
    return full_table(pd.DataFrame({
        "value": [float(v) for _, v, _, _ in rows],
        "unit": [u for _, _, u, _ in rows],
        "dollars": [float(v) * multiplier for _, v, _, _ in rows],
        "reads as": [m for _, _, _, m in rows],
    }, index=pd.Index([name for name, _, _, _ in rows], name="")).round({"value": 4, "dollars": 2}))


def greek_curves(strike: float = EXAMPLE["strike"], days: float = EXAMPLE["days"], vol: float = EXAMPLE["vol"],
                 rate: float = EXAMPLE["rate"], futures: Iterable[float] | None = None) -> pd.DataFrame:
    """Premium and Greeks of a call and a put struck at ``strike`` over a range of futures prices.

    Index: futures price (points; default ``strike`` ± 400 in steps of 2). Columns: ``call``/``put``
    premium (points), ``call delta``/``put delta`` (points per point), ``gamma`` (per point, the same
    for both), ``vega`` (points per vol point, the same for both), ``call theta``/``put theta``
    (points per calendar day).
    """
    strike = check_number("strike", strike, strict=True)
    if futures is None:
        grid = np.arange(strike - 400.0, strike + 400.0 + 1e-9, 2.0)
    else:
        grid = np.asarray(list(futures), dtype=float)
    grid = grid[grid > 0]
    years = float(_years(days))
    call = black76_greeks(grid, strike, years, rate, vol, True)
    put = black76_greeks(grid, strike, years, rate, vol, False)
    return pd.DataFrame({
        "call": black76_price(grid, strike, years, rate, vol, True),
        "put": black76_price(grid, strike, years, rate, vol, False),
        "call delta": call.delta, "put delta": put.delta, "gamma": call.gamma, "vega": call.vega_per_vol_point,
        "call theta": call.theta_per_day, "put theta": put.theta_per_day,
    }, index=pd.Index(grid, name="futures"))


def implied_vol_round_trip(vols: Iterable[float] = (0.10, 0.18, 0.30), futures: float = EXAMPLE["futures"],
                           strike: float = EXAMPLE["strike"], days: int = EXAMPLE["days"],
                           rate: float = EXAMPLE["rate"], is_call: bool = True) -> pd.DataFrame:
    """Price an option at each volatility, then recover the volatility from the price alone.

    Columns: ``vol in (%)``, ``premium`` (points), ``vol out (%)`` (:func:`mesbook.implied_volatility`
    of that premium) and ``error (vol points)``.
    """
    vols = np.asarray(list(vols), dtype=float)
    years = float(_years(days))
    premium = np.asarray(black76_price(futures, strike, years, rate, vols, is_call))
    back = np.asarray(implied_volatility(premium, futures, strike, years, rate, is_call))
    error = np.round(100 * (back - vols), 9) + 0.0  # below 1e-9 vol points is rounding noise; + 0.0 drops -0.0
    return pd.DataFrame({"vol in (%)": 100 * vols, "premium": premium.round(4), "vol out (%)": (100 * back).round(9),
                         "error (vol points)": error})


def early_exercise_table(options: Sequence[tuple[str, float]] = (("call", 4000.0), ("put", 4000.0), ("put", 4200.0),
                                                                  ("put", 4400.0), ("put", 4800.0)),
                         futures: float = EXAMPLE["futures"], days: int = EXAMPLE["days"], vol: float = EXAMPLE["vol"],
                         rate: float = EXAMPLE["rate"], steps: int = 200) -> pd.DataFrame:
    """European (Black-76) against American (binomial lattice) premiums, points and dollars.

    ``options`` are ``("call"|"put", strike)`` pairs. Quarterly MES options are American, the weekly and
    end-of-month ones European; the difference is the early-exercise premium, which is what the right to
    exercise early is worth (it grows with the rate and with how deep in the money the option is).
    """
    kinds = [kind for kind, _ in options]
    if any(kind not in ("call", "put") for kind in kinds):
        raise ValueError(f"each option is ('call' or 'put', strike), got kinds {kinds}")
    strikes = np.array([strike for _, strike in options], dtype=float)
    is_call = np.array([kind == "call" for kind in kinds])
    years = float(_years(days))
    european = np.asarray(black76_price(futures, strikes, years, rate, vol, is_call))
    american = np.asarray(american_price(futures, strikes, years, rate, vol, is_call, steps=steps))
    premium = american - european
    return pd.DataFrame({
        "option": kinds, "strike": [int(k) if float(k).is_integer() else float(k) for k in strikes],
        "European": european.round(3), "American": american.round(3),
        "early exercise (points)": premium.round(3), "early exercise ($)": (premium * FUTURES_MULTIPLIER).round(2),
        "share of premium (%)": (100 * premium / american).round(2),
    })


__all__ = ["EXAMPLE", "early_exercise_table", "greek_curves", "greeks_table", "implied_vol_round_trip", "price_by_strike",
           "price_by_time"]
