"""The premium tick of MES options: the smallest price step, which depends on the premium.

CME's contract specification for options on Micro E-mini S&P 500 futures (the page in CME's current
layout, ``cme_mes_options_specs`` in ``book/references.bib``; accessed 2026-11-30) gives the Globex
minimum price fluctuation as 0.05 index points ($0.25) for a premium *at or below* 10.00 index points
(the "reduced tick") and 0.25 index points ($1.25) for a premium *above* 10.00. Older CME pages
(``cme_mes_options_quarterly``, ``cme_micro_options``, 2021) put the threshold at 5.00 points; both are
kept here (:data:`TICK_THRESHOLD`, :data:`OLDER_TICK_THRESHOLD`).

* :func:`premium_tick` — the tick that applies to a premium;
* :func:`round_premium` — a premium rounded up (a buyer's price) or down (a seller's) to a price that
  can be quoted: the reduced-tick grid at or below the threshold, the regular-tick grid above it.

Every premium, tick and threshold is in index points (× $5 for dollars). Scalars give floats, arrays
give arrays; inputs are never modified. ``threshold=None`` means one flat tick (``reduced``) for every
premium.
"""
from __future__ import annotations

from typing import Optional

import numpy as np

#: Reduced tick: premiums at or below the threshold, index points ($0.25 per option).
REDUCED_TICK: float = 0.05
#: Regular tick: premiums above the threshold, index points ($1.25 per option).
REGULAR_TICK: float = 0.25
#: Premium threshold of CME's current MES options specification page, index points.
TICK_THRESHOLD: float = 10.0
#: The threshold of CME's older (2021) MES options pages, index points.
OLDER_TICK_THRESHOLD: float = 5.0
#: Rounding slack, in ticks: a price within this of a tick counts as on it (float noise).
_SLACK = 1e-9

__all__ = ["OLDER_TICK_THRESHOLD", "REDUCED_TICK", "REGULAR_TICK", "TICK_THRESHOLD", "premium_tick", "round_premium"]


def _scalar_or_array(values: np.ndarray, like: object) -> float | np.ndarray:
    return float(values) if np.ndim(like) == 0 else values


def premium_tick(premium: float | np.ndarray, threshold: Optional[float] = TICK_THRESHOLD,
                 reduced: float = REDUCED_TICK, regular: float = REGULAR_TICK) -> float | np.ndarray:
    """The tick of each ``premium`` (points): ``reduced`` at or below ``threshold``, ``regular`` above.

    With CME's current numbers: 0.05 for a premium of 10.00 or less, 0.25 above (``premium_tick(10.0)``
    is 0.05, ``premium_tick(10.05)`` is 0.25). ``threshold=None``: ``reduced`` for every premium.
    """
    price = np.asarray(premium, dtype=float)
    if threshold is None:
        return _scalar_or_array(np.full(price.shape, float(reduced)), premium)
    return _scalar_or_array(np.where(price <= threshold + _SLACK * reduced, float(reduced), float(regular)), premium)


def round_premium(premium: float | np.ndarray, direction: str, threshold: Optional[float] = TICK_THRESHOLD,
                  reduced: float = REDUCED_TICK, regular: float = REGULAR_TICK) -> float | np.ndarray:
    """``premium`` (points) rounded to a price that can be quoted, ``direction`` "up" (buying) or "down"
    (selling).

    A premium at or below ``threshold`` goes to the ``reduced``-tick grid, one above it to the
    ``regular``-tick grid. With CME's current numbers: 9.92 rounds up to 9.95 and down to 9.90; 10.02
    rounds up to 10.25 (10.05 is not a price above 10.00) and down to 10.00. ``threshold`` should be a
    multiple of both ticks (CME's 5.00 and 10.00 are), so that rounding never crosses it the wrong way.
    """
    if direction not in ("up", "down"):
        raise ValueError(f"direction={direction!r} is not an option; choose 'up' (a buyer's price) or 'down'")
    price = np.asarray(premium, dtype=float)
    tick = np.asarray(premium_tick(price, threshold, reduced, regular), dtype=float)
    if direction == "up":
        rounded = np.ceil(price / tick - _SLACK) * tick
    else:
        rounded = np.floor(price / tick + _SLACK) * tick
    return _scalar_or_array(rounded, premium)
