"""Prices and implied volatility of options on futures (MES options), vectorized with numpy.

The Greeks of the same model are in :mod:`mesbook.options.greeks`.

Units used throughout:

* ``futures``, ``strike`` and every premium: index points (``premium_dollars`` converts to dollars).
* ``years``: time to expiry in years, ACT/365 (calendar days / 365).
* ``rate``: continuously compounded risk-free rate per year (0.05 = 5 %); may be negative.
* ``vol``: volatility per year (0.20 = 20 %).
* ``is_call``: ``True`` for a call, ``False`` for a put (a bool or a bool array, not ±1 or "c"/"p").

All numeric arguments broadcast against each other like numpy arrays. When every argument is a scalar
the result is a Python ``float``; otherwise it is a numpy array of the broadcast shape. Inputs are never
modified. Bad input raises ``TypeError`` (not a number / not a bool) or ``ValueError`` (NaN, infinite,
negative, or shapes that do not broadcast), naming the argument.

European options use Black (1976): the futures price is a driftless lognormal under the pricing
measure and the premium is paid up front, so it is discounted at ``rate``. Quarterly MES options are
American (``american_price``); weekly and end-of-month ones are European (``black76_price``).
"""
from __future__ import annotations

import numbers
from typing import NamedTuple

import numpy as np
from scipy.special import gammaln, ndtr, xlog1py, xlogy

from ..constants import FUTURES_MULTIPLIER
from ..core.contract import intrinsic_value, points_to_dollars
from ..validation import check_int, check_number

__all__ = [
    "DAYS_PER_YEAR",
    "OPTION_STYLES",
    "american_price",
    "atm_days_for_premium",
    "black76_price",
    "implied_volatility",
    "premium_dollars",
    "price_option",
    "strike_for_premium",
]

#: Calendar days per year of the ACT/365 convention used for ``years`` and ``theta_per_day``.
DAYS_PER_YEAR: float = 365.0
#: Exercise styles understood by ``price_option``.
OPTION_STYLES: tuple[str, str] = ("european", "american")

_INV_SQRT_2PI = 1.0 / np.sqrt(2.0 * np.pi)
_IV_MAX_ITERATIONS = 100
# Options per chunk of the binomial lattice, chosen so one chunk holds about 2 million nodes.
_LATTICE_NODES_PER_CHUNK = 2_000_000


# --------------------------------------------------------------------------------------------------
# Input checks: one vectorized pass per argument, details only computed when something is wrong.


def _numeric(name: str, value: object, minimum: float | None = 0.0, strict: bool = False) -> np.ndarray:
    """``value`` as a float array (a view when it already is one), finite and ≥ / > ``minimum``."""
    array = np.asarray(value)
    if array.dtype.kind not in "iuf":
        raise TypeError(
            f"{name} must be a real number or a numeric array, got {type(value).__name__} "
            f"with dtype {array.dtype}; convert it first, e.g. np.asarray({name}, dtype=float)"
        )
    array = array.astype(float, copy=False)
    if minimum is None:
        ok = np.isfinite(array)
    else:
        ok = (array > minimum if strict else array >= minimum) & (array < np.inf)
    if not ok.all():
        position = int(np.flatnonzero(~ok.ravel())[0])
        bad = array.ravel()[position]
        where = f" at flat position {position}" if array.ndim else ""
        if not np.isfinite(bad):
            raise ValueError(f"{name} must be finite, got {bad}{where}; drop or fill missing values first")
        relation = ">" if strict else ">="
        raise ValueError(f"{name} must be {relation} {minimum}, got {bad}{where}")
    return array


def _flag(is_call: object) -> np.ndarray:
    """``is_call`` as a bool array; integers and strings are refused to avoid sign/flag mix-ups."""
    flags = np.asarray(is_call)
    if flags.dtype != bool:
        raise TypeError(
            f"is_call must be a bool or a bool array, got {type(is_call).__name__} with dtype {flags.dtype}; "
            "pass True for calls and False for puts (e.g. is_call=(sign > 0) or is_call=(flag == 'c'))"
        )
    return flags


def _broadcast(**arrays: np.ndarray) -> tuple[bool, list[np.ndarray]]:
    """Broadcast the checked arrays together; also report whether all of them were scalars."""
    scalar = all(a.ndim == 0 for a in arrays.values())
    try:
        return scalar, list(np.broadcast_arrays(*arrays.values()))
    except ValueError:
        shapes = ", ".join(f"{k}{a.shape}" for k, a in arrays.items())
        raise ValueError(f"argument shapes do not broadcast together: {shapes}; pass scalars or matching arrays") from None


def _contract_inputs(futures, strike, years, rate, vol, is_call) -> tuple[bool, list[np.ndarray]]:
    return _broadcast(
        futures=_numeric("futures", futures, strict=True),
        strike=_numeric("strike", strike, strict=True),
        years=_numeric("years", years),
        rate=_numeric("rate", rate, minimum=None),
        vol=_numeric("vol", vol),
        is_call=_flag(is_call),
    )


def _out(values: np.ndarray, scalar: bool) -> np.ndarray | float:
    return float(values) if scalar else values


# --------------------------------------------------------------------------------------------------
# Black-76


class _Black(NamedTuple):
    """Shared intermediate terms of the Black-76 formula (all arrays of the broadcast shape)."""

    sign: np.ndarray      # +1 call, -1 put
    discount: np.ndarray  # e^{-rT}
    sqrt_t: np.ndarray    # √T, years^½
    d1: np.ndarray        # ±inf (0 at the money) when vol·√T == 0
    price: np.ndarray     # premium, index points


def _black(futures, strike, years, rate, vol, is_call) -> _Black:
    """Black-76 on already-checked, broadcast arrays (no validation, no warnings at vol·√T == 0)."""
    sign = np.where(is_call, 1.0, -1.0)
    discount = np.exp(-rate * years)
    sqrt_t = np.sqrt(years)
    spread = vol * sqrt_t  # total standard deviation of log(F_T)
    log_moneyness = np.log(futures / strike)
    live = spread > 0
    # With no spread left, d1 → +inf in the money, -inf out of the money and 0 exactly at the money,
    # which makes N(±d1) the exercise step (½ at the money) and the formula its intrinsic limit.
    d1 = np.where(
        live,
        (log_moneyness + 0.5 * spread**2) / np.where(live, spread, 1.0),
        np.where(log_moneyness > 0, np.inf, np.where(log_moneyness < 0, -np.inf, 0.0)),
    )
    d2 = d1 - spread
    price = discount * sign * (futures * ndtr(sign * d1) - strike * ndtr(sign * d2))
    return _Black(sign, discount, sqrt_t, d1, np.maximum(price, 0.0))  # clip tiny negative rounding


def _pdf(x: np.ndarray) -> np.ndarray:
    return _INV_SQRT_2PI * np.exp(-0.5 * x * x)


def black76_price(futures, strike, years, rate, vol, is_call) -> np.ndarray | float:
    """Black-76 premium of a European option on a future, in index points.

    ``futures`` and ``strike`` in points (> 0), ``years`` to expiry (ACT/365, ≥ 0), ``rate`` per year
    (continuous), ``vol`` per year (≥ 0), ``is_call`` bool(s). When ``years == 0`` the result is the
    plain intrinsic value max(0, F − K) / max(0, K − F); when ``vol == 0`` it is the discounted intrinsic
    e^{-rT}·max(0, ±(F − K)). Neither case produces NaN or warnings.

    >>> round(black76_price(20.0, 20.0, 4 / 12, 0.09, 0.25, True), 4)   # Hull's futures-option example
    1.1166
    """
    scalar, args = _contract_inputs(futures, strike, years, rate, vol, is_call)
    return _out(_black(*args).price, scalar)


# --------------------------------------------------------------------------------------------------
# Implied volatility


def implied_volatility(
    price, futures, strike, years, rate, is_call, *, low: float = 1e-4, high: float = 5.0, tol: float = 1e-10
) -> np.ndarray | float:
    """Black-76 implied volatility (per year) of a premium ``price`` in index points.

    Vectorized Newton–Raphson on vol with a bisection safeguard: every element keeps a bracket
    [lo, hi] that contains its root, and a Newton step that would leave the bracket is replaced by the
    midpoint, so the search always converges; it stops when every step or bracket is below ``tol``
    (absolute, in vol units).

    Returns NaN (never raises) for an element whose price has no implied vol in [``low``, ``high``]:
    below the no-arbitrage floor e^{-rT}·max(0, ±(F − K)), above the ceiling e^{-rT}·F (calls) or
    e^{-rT}·K (puts), outside the prices that ``low``/``high`` produce, or at ``years == 0`` (the
    premium no longer depends on vol). A negative ``price`` is below the floor, so it gives NaN too.
    Premiums many standard deviations in or out of the money carry almost no vol information (vega is
    tiny next to the premium's rounding error): their vol is only as precise as that rounding allows,
    and a deep in-the-money premium that rounds below the ``low``-vol price comes back NaN.
    """
    low = check_number("low", low, strict=True)
    high = check_number("high", high, strict=True)
    tol = check_number("tol", tol, strict=True)
    if high <= low:
        raise ValueError(f"high ({high}) must be greater than low ({low}); widen the search bracket")
    premium = _numeric("price", price, minimum=None)
    scalar, args = _broadcast(
        price=premium,
        futures=_numeric("futures", futures, strict=True),
        strike=_numeric("strike", strike, strict=True),
        years=_numeric("years", years),
        rate=_numeric("rate", rate, minimum=None),
        is_call=_flag(is_call),
    )
    premium, futures, strike, years, rate, is_call = (a.ravel() for a in args)  # 1-D for the index work
    market = (futures, strike, years, rate)

    floor = _black(*market, np.full(premium.shape, low), is_call)
    ceiling = _black(*market, np.full(premium.shape, high), is_call)
    solvable = (years > 0) & (floor.price <= premium) & (ceiling.price >= premium)

    # Start from the at-the-money approximation σ√T ≈ √(2π)·(time value)/F, clipped into the bracket.
    time_value = premium / floor.discount - intrinsic_value(floor.sign, futures, strike)
    guess = np.sqrt(2.0 * np.pi) * time_value / (futures * np.where(years > 0, floor.sqrt_t, 1.0))
    vol = np.where(solvable, np.clip(guess, low, high), np.nan)
    lo = np.full(premium.shape, low)
    hi = np.full(premium.shape, high)

    active = np.flatnonzero(solvable)  # iterate only on the elements still moving
    for _ in range(_IV_MAX_ITERATIONS):
        if active.size == 0:
            break
        x, a, z = vol[active], lo[active], hi[active]
        b = _black(*(m[active] for m in market), x, is_call[active])
        error = b.price - premium[active]
        a = np.where(error < 0, x, a)
        z = np.where(error > 0, x, z)
        slope = b.discount * futures[active] * _pdf(b.d1) * b.sqrt_t  # vega, points per 1.00 of vol
        # Take the Newton step only if it lands strictly inside the bracket (tested before dividing).
        fits = np.abs(error) < slope * (z - a)
        newton = x - error / np.where(fits, slope, 1.0)
        inside = fits & (newton > a) & (newton < z)
        step_to = np.where(error == 0, x, np.where(inside, newton, 0.5 * (a + z)))
        vol[active], lo[active], hi[active] = step_to, a, z
        active = active[(np.abs(step_to - x) > tol) & (z - a > tol)]
    return _out(vol.reshape(args[0].shape), scalar)


# --------------------------------------------------------------------------------------------------
# American options: Cox–Ross–Rubinstein binomial lattice


def _crr_american(futures, strike, years, rate, vol, sign, steps: int) -> tuple[np.ndarray, np.ndarray]:
    """American and European CRR lattice values (points) for 1-D arrays of options.

    Vectorized over options and over the nodes of each time step; the only loop is backward over steps.
    A futures price has no drift under the pricing measure, so with u = e^{σ√Δt}, d = 1/u the up
    probability is p = (1 − d)/(u − d) = 1/(1 + u).
    """
    dt = years / steps
    log_up = vol * np.sqrt(dt)
    p_up = 1.0 / (1.0 + np.exp(log_up))
    step_discount = np.exp(-rate * dt)
    # Every node price is F·u^k for k = -steps..steps; node j of step i sits at k = 2j − i.
    k = np.arange(-steps, steps + 1)
    grid = futures[:, None] * np.exp(log_up[:, None] * k)
    exercise = np.maximum(sign[:, None] * (grid - strike[:, None]), 0.0)

    terminal = exercise[:, ::2]  # k = -steps, -steps+2, ..., steps
    # European lattice value in closed form: discounted binomial expectation of the terminal payoff.
    ups = np.arange(steps + 1)
    log_choose = gammaln(steps + 1) - gammaln(ups + 1) - gammaln(steps - ups + 1)
    weights = np.exp(log_choose + xlogy(ups, p_up[:, None]) + xlog1py(steps - ups, -p_up[:, None]))  # binomial pmf
    european = np.exp(-rate * years) * np.sum(weights * terminal, axis=1)

    up = (step_discount * p_up)[:, None]
    down = (step_discount * (1.0 - p_up))[:, None]
    value = terminal
    for i in range(steps - 1, -1, -1):
        hold = down * value[:, :-1] + up * value[:, 1:]
        value = np.maximum(hold, exercise[:, steps - i : steps + i + 1 : 2])
    return value[:, 0], european


def american_price(
    futures, strike, years, rate, vol, is_call, *, steps: int = 200, control_variate: bool = True
) -> np.ndarray | float:
    """Premium (index points) of an American option on a future from a CRR binomial lattice.

    Arguments and units as for ``black76_price``; ``steps`` is the number of time steps of the lattice.
    By default the lattice's early-exercise premium (American lattice − European lattice) is added to
    the exact Black-76 price (the classic control variate), which removes most of the lattice's
    odd/even oscillation and guarantees ``black76_price ≤ result``. With ``control_variate=False`` the
    raw lattice value is returned. Either way the result is floored at the intrinsic value, since an
    American option can be exercised at once.

    Cost is O(n_options · steps²) time; memory is bounded by pricing the options in chunks. The lattice
    spans F·e^{±vol·√(years·steps)}, so absurd inputs (vol·√years above about 50 at 200 steps) overflow.
    """
    steps = check_int("steps", steps)
    if not isinstance(control_variate, (bool, np.bool_)):
        raise TypeError(f"control_variate must be True or False, got {type(control_variate).__name__}")
    scalar, args = _contract_inputs(futures, strike, years, rate, vol, is_call)
    shape = args[0].shape
    futures, strike, years, rate, vol, is_call = (a.ravel() for a in args)
    sign = np.where(is_call, 1.0, -1.0)

    chunk = max(1, _LATTICE_NODES_PER_CHUNK // (2 * steps + 1))
    pieces = [
        _crr_american(futures[s], strike[s], years[s], rate[s], vol[s], sign[s], steps)
        for s in (slice(start, start + chunk) for start in range(0, futures.size, chunk))
    ]
    lattice = np.concatenate([p[0] for p in pieces]) if pieces else np.empty(0)
    if control_variate:
        lattice_european = np.concatenate([p[1] for p in pieces]) if pieces else np.empty(0)
        exact = _black(futures, strike, years, rate, vol, is_call).price
        lattice = exact + np.maximum(lattice - lattice_european, 0.0)
    intrinsic = intrinsic_value(sign, futures, strike)
    price = np.where(years > 0, np.maximum(lattice, intrinsic), intrinsic)  # exact intrinsic at expiry
    return _out(price.reshape(shape), scalar)


def price_option(
    futures, strike, years, rate, vol, is_call, style: str = "european", *, steps: int = 200
) -> np.ndarray | float:
    """Premium in index points for ``style`` "european" (Black-76) or "american" (CRR, ``steps`` steps)."""
    if style == "european":
        return black76_price(futures, strike, years, rate, vol, is_call)
    if style == "american":
        return american_price(futures, strike, years, rate, vol, is_call, steps=steps)
    raise ValueError(f"style must be one of {OPTION_STYLES}, got {style!r}")


# --------------------------------------------------------------------------------------------------
# What a premium buys: the inverse questions for one quoted price


def _bisect(price_of, lo: float, hi: float, target: float, rising: bool, steps: int = 200) -> float:
    """The x in [lo, hi] where the monotone ``price_of(x)`` equals ``target`` (bisection, ``steps`` halvings)."""
    for _ in range(steps):
        mid = 0.5 * (lo + hi)
        if (price_of(mid) < target) == rising:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def atm_days_for_premium(premium: float, futures: float, vol: float, rate: float = 0.0) -> float:
    """Calendar days to expiry (ACT/365) at which an at-the-money Black-76 option costs ``premium`` points.

    ``premium`` and ``futures`` in index points (> 0), ``vol`` per year (> 0), ``rate`` per year (≥ 0).
    The search runs up to one year; a premium dearer than a one-year at-the-money option raises ValueError.
    """
    premium = check_number("premium", premium, strict=True)
    futures = check_number("futures", futures, strict=True)
    vol = check_number("vol", vol, strict=True)
    rate = check_number("rate", rate)
    year = black76_price(futures, futures, 1.0, rate, vol, True)
    if premium >= year:
        raise ValueError(f"premium {premium} points buys more than a one-year at-the-money option ({year:.2f} "
                         "points); pass a smaller premium")
    years = _bisect(lambda t: black76_price(futures, futures, t, rate, vol, True), 0.0, 1.0, premium, rising=True)
    return years * DAYS_PER_YEAR


def strike_for_premium(premium: float, futures: float, years: float, vol: float, rate: float = 0.0,
                       is_call: bool = True) -> float:
    """The strike (index points) of the out-of-the-money Black-76 option that costs ``premium`` points.

    ``years`` to expiry (> 0, ACT/365), ``vol`` per year (> 0), ``rate`` per year. For a call the strike is
    at or above ``futures``, for a put at or below. A premium at or above the at-the-money price raises
    ValueError: it buys an option in the money.
    """
    premium = check_number("premium", premium, strict=True)
    futures = check_number("futures", futures, strict=True)
    years = check_number("years", years, strict=True)
    vol = check_number("vol", vol, strict=True)
    is_call = bool(_flag(is_call))
    atm = black76_price(futures, futures, years, rate, vol, is_call)
    if premium >= atm:
        raise ValueError(f"premium {premium} points is at least the at-the-money price ({atm:.2f} points); "
                         "an out-of-the-money option costs less")
    reach = futures * float(np.exp(12.0 * vol * np.sqrt(years)))  # 12 standard deviations: price ~ 0 there
    def price(k):
        return black76_price(futures, k, years, rate, vol, is_call)
    if is_call:
        return _bisect(price, futures, reach, premium, rising=False)
    return _bisect(price, futures * futures / reach, futures, premium, rising=True)


# --------------------------------------------------------------------------------------------------
# Money


def premium_dollars(points, multiplier: float = FUTURES_MULTIPLIER, contracts=1) -> np.ndarray | float:
    """Dollar premium of ``contracts`` options quoted at ``points`` index points each.

    ``multiplier`` is dollars per index point ($5 for MES). ``points`` must be ≥ 0; ``contracts`` a
    whole number ≥ 0 (an int or an integer array). Floats for scalar inputs, arrays otherwise.
    """
    multiplier = check_number("multiplier", multiplier, strict=True)
    if isinstance(contracts, numbers.Integral) and not isinstance(contracts, bool):
        count = np.asarray(check_int("contracts", contracts, minimum=0))
    else:
        count = np.asarray(contracts)
        if count.dtype.kind not in "iu":
            raise TypeError(f"contracts must be an integer or an integer array, got dtype {count.dtype}")
        if (count < 0).any():
            raise ValueError("contracts must be >= 0; record the side of a trade separately from its size")
    scalar, (quoted, count) = _broadcast(points=_numeric("points", points), contracts=count)
    return _out(points_to_dollars(quoted, multiplier) * count, scalar)
