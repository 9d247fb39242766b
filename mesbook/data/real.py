"""Real data, labelled for what it is: weekly CFTC open interest and daily S&P 500 index closes.

* :func:`load_cftc_open_interest` — the packaged CFTC Commitments of Traders figures for all S&P 500
  futures combined (full-size + E-mini + Micro E-mini), **weekly**, 2010-06-15 to 2026-08-04, in
  contracts. See ``mesbook/data/README.md`` for the source.
* :func:`find_unit_breaks` / :func:`adjust_unit_break` — the series changes units in May 2023 (the
  consolidated figure jumps about ×5, from full-size to E-mini equivalents); these find and undo it.
* :func:`roll_drops` — the fall in OI after each quarterly expiry, the sawtooth the article's SMA
  crossover keeps reacting to.
* :func:`load_sp500_prices` — daily closes of the S&P 500 **index** (not the futures, and with no open
  interest) shipped with the optional ``arch`` package, 1999-01-04 to 2018-12-31, in index points.
* :func:`weekly_market_from_real_data` — the two joined into a weekly market frame for the article's
  pipeline, with the OI placed on the day it became public (or, to show the look-ahead, on its
  as-of day).
"""
from __future__ import annotations

import importlib.util
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from ..clock import bar_moments
from ..options.calendar import option_expiries
from ..core.market import validate_market_data
from ..validation import check_frame, check_number
from .cftc import cftc_release_moments

#: Packaged CSV, relative to the ``mesbook`` package.
CFTC_RESOURCE: str = "data/cftc_cot_sp500_consolidated.csv"
#: Default week-on-week ratio that marks a change of units (see :func:`find_unit_breaks`).
UNIT_BREAK_THRESHOLD: float = 2.0
#: Ways to date a weekly OI figure in :func:`weekly_market_from_real_data`.
OI_LAGS: tuple[str, str] = ("publication", "as_of")

# The longest gap, in calendar days, accepted between an expiry and the reports either side of it,
# and between an OI date and the next index close (a Friday holiday pushes the bar to Monday).
_REPORT_GAP_DAYS = 7
_PRICE_GAP_DAYS = 4


def load_cftc_open_interest(adjust_units: bool = False, threshold: float = UNIT_BREAK_THRESHOLD) -> pd.DataFrame:
    """The packaged weekly CFTC open interest of all S&P 500 futures combined, one row per report.

    Columns:

    * ``as_of`` — the report date, a Tuesday (a Monday in a few holiday weeks): positions at that close;
    * ``published`` — the Friday of the same week, when the CFTC customarily releases the report
      (3:30 pm ET). Delays are not modelled: a day or two after some holidays, and weeks during federal
      shutdowns (October 2013; the report as of 2018-12-24 came out on 2019-02-01; autumn 2025);
    * ``open_interest`` — total open interest, contracts (the file's ``all`` column);
    * ``long`` / ``short`` — non-commercial (speculator) long and short positions, contracts, spreads
      excluded; ``short`` is stored as a negative number; ``net = long + short``.

    Raw counts are int64. With ``adjust_units=True`` every count column is rescaled by
    :func:`adjust_unit_break` (breaks detected on ``open_interest`` with ``threshold``) so the whole
    history is in the latest units (E-mini equivalents); the counts are then floats.
    """
    if not isinstance(adjust_units, (bool, np.bool_)):
        raise TypeError(f"adjust_units must be True or False, got {type(adjust_units).__name__} {adjust_units!r}")
    threshold = _check_threshold(threshold)
    with resources.files("mesbook").joinpath(CFTC_RESOURCE).open("r", encoding="utf-8") as handle:
        raw = pd.read_csv(handle)
    as_of = pd.to_datetime(raw["date"])
    frame = pd.DataFrame(
        {
            "as_of": as_of,
            "published": as_of + pd.to_timedelta((4 - as_of.dt.day_of_week) % 7, unit="D"),
            "open_interest": raw["all"],
            "long": raw["long"],
            "short": raw["short"],
            "net": raw["net"],
        }
    )
    if not adjust_units:
        return frame
    scale = _unit_scale(frame["open_interest"].to_numpy(dtype=float), threshold)[0]
    counts = ["open_interest", "long", "short", "net"]
    return frame.assign(**{column: frame[column].to_numpy(dtype=float) * scale for column in counts})


def find_unit_breaks(series: pd.Series, threshold: float = UNIT_BREAK_THRESHOLD) -> pd.DataFrame:
    """Week-on-week changes so large they must be a change of units, not of positions.

    A break is a step where the value is multiplied by at least ``threshold`` or divided by at least
    ``threshold`` (a ratio ≥ 2 or ≤ 0.5 by default). A fixed ratio is used on purpose: the quarterly roll
    drops (20–36 % in this file) are rare and large compared with ordinary weeks, so a test in units of
    the series' own spread would flag them, yet none comes near halving the total.

    ``series`` is a pandas Series of positive values (contracts); its index labels the result. Returns a
    DataFrame indexed by the label of the first value in the new units, with columns ``position`` (its
    row number), ``before`` and ``after`` (the two values) and ``factor`` (``after / before``). On the
    CFTC file it finds one break: 453,159 on 2023-04-25 → 2,304,633 on 2023-05-02, factor ≈ 5.09.
    """
    values = _positive_values(series)
    positions, factors = _unit_scale(values, _check_threshold(threshold))[1:]
    return pd.DataFrame(
        {
            "position": positions,
            "before": values[positions - 1],
            "after": values[positions],
            "factor": factors,
        },
        index=series.index[positions],
    )


def adjust_unit_break(series: pd.Series, threshold: float = UNIT_BREAK_THRESHOLD) -> pd.Series:
    """Return ``series`` rescaled into the units of its last segment, as floats; the input is unchanged.

    Every value before a break found by :func:`find_unit_breaks` is multiplied by that break's measured
    factor (``after / before``), so the two weeks either side of the break become equal and the rest
    of the history keeps its week-on-week changes. On the CFTC file the pre-May-2023 figures are
    multiplied by ≈ 5.09 (the nominal full-size/E-mini ratio is 5; the extra 1.7 % is that week's
    ordinary change, which the adjustment cannot tell apart from the unit change).
    """
    values = _positive_values(series)
    scale = _unit_scale(values, _check_threshold(threshold))[0]
    return pd.Series(values * scale, index=series.index, name=series.name)


def roll_drops(oi: pd.Series | pd.DataFrame) -> pd.DataFrame:
    """The change in weekly OI across each quarterly expiry (third Friday of Mar/Jun/Sep/Dec).

    ``oi`` is a Series of weekly OI indexed by report date, or a frame from
    :func:`load_cftc_open_interest` (its ``as_of`` and ``open_interest`` columns are used). For each
    expiry with a report at most 7 days before it and one at most 7 days after, one row:

    * ``expiry``; ``before`` / ``after`` — the report dates either side (the expiry week's Tuesday and
      the next one);
    * ``oi_before`` / ``oi_after`` — contracts; ``drop_pct`` — ``100 × (1 − after / before)``, the
      percentage fall (negative if OI rose).

    In the CFTC file OI falls across every quarterly expiry, typically by 20–30 %: the expiring contract
    disappears while most of its holders have already rolled into the next one.
    """
    dates, values = _weekly_series(oi)
    if len(dates) < 2:
        return pd.DataFrame(columns=["expiry", "before", "after", "oi_before", "oi_after", "drop_pct"])
    expiries = option_expiries(dates[0], dates[-1], "quarterly")
    before = dates.searchsorted(expiries, side="right") - 1
    after = np.minimum(before + 1, len(dates) - 1)
    gap = pd.Timedelta(days=_REPORT_GAP_DAYS)
    usable = (before >= 0) & (before + 1 < len(dates))
    usable &= np.asarray(expiries - dates[before] <= gap) & np.asarray(dates[after] - expiries <= gap)
    before, after = before[usable], after[usable]
    return pd.DataFrame(
        {
            "expiry": expiries[usable],
            "before": dates[before],
            "after": dates[after],
            "oi_before": values[before],
            "oi_after": values[after],
            "drop_pct": 100.0 * (1.0 - values[after] / values[before]),
        }
    )


def load_sp500_prices() -> pd.DataFrame:
    """Daily closes of the S&P 500 **index**, 1999-01-04 to 2018-12-31, from the ``arch`` package.

    Columns ``timestamp`` (trading day) and ``close`` (index points). These are cash-index levels, not
    futures prices: the futures trade at a small basis to the index (financing minus dividends) and
    there is no open interest here. Needs the optional dependency ``arch`` (``pip install arch``).
    """
    return _sp500_prices().copy()


@lru_cache(maxsize=1)
def _sp500_prices() -> pd.DataFrame:
    """The closes of :func:`load_sp500_prices`, read once per process from the file ``arch`` ships
    (``arch/data/sp500/sp500.csv.gz``, what ``arch.data.sp500.load()`` reads) without importing ``arch``,
    whose import takes seconds (its models, scipy and statsmodels)."""
    spec = importlib.util.find_spec("arch")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError(
            "load_sp500_prices needs the optional package 'arch'; install it with pip install arch "
            "(or pip install mesbook[data])"
        )
    raw = pd.read_csv(Path(spec.submodule_search_locations[0]) / "data" / "sp500" / "sp500.csv.gz",
                      usecols=["Date", "Close"])
    return pd.DataFrame({"timestamp": pd.DatetimeIndex(pd.to_datetime(raw["Date"])).normalize(),
                         "close": pd.to_numeric(raw["Close"], errors="coerce").to_numpy(dtype=float)})


def weekly_market_from_real_data(lag: str = "publication", adjust_units: bool = False) -> pd.DataFrame:
    """A weekly market frame from real data: CFTC open interest joined with S&P 500 index closes.

    Each weekly OI figure is placed by ``lag``:

    * ``"publication"`` (honest) — at its **release moment** (:func:`mesbook.data.cftc.cftc_release_moments`:
      Friday 2:30 p.m. CT, the next business day after a holiday week, the CFTC's dates after the 2018-19
      shutdown): the bar is the first index close at or after it (a date-only close is that day's 3:00 p.m.
      CT), so every bar uses only figures public at its close. When several reports are first public at the
      same bar (after a shutdown), the bar takes the latest of them;
    * ``"as_of"`` (look-ahead) — its Tuesday as-of date; a strategy trading on that bar uses a figure
      the market only learns three days later.

    The reports held back by the October 2013 shutdown are placed on their rule's Friday, earlier than
    their real (unrecorded) release (:data:`mesbook.data.cftc.CFTC_UNKNOWN_RELEASES`).

    Columns: ``timestamp`` (bar date), ``futures_price`` (the S&P 500 **index** close, index points,
    standing in for the futures price), ``open_interest`` (contracts, all S&P 500 futures),
    ``as_of``, ``published`` (the customary Friday) and ``released`` (the release moment, exchange time).
    Prices end in 2018, so the frame covers the overlap of the two sources, 2010-06 to 2018-12 (about 445
    weekly bars), before the 2023 unit break; ``adjust_units`` (see :func:`load_cftc_open_interest`) merely
    rescales it. The bars are weeks, so the article's windows of 10 and 30 bars mean 10 and 30 weeks here.
    """
    if lag not in OI_LAGS:
        raise ValueError(f"lag must be one of {', '.join(repr(x) for x in OI_LAGS)}; got {lag!r}")
    oi = load_cftc_open_interest(adjust_units=adjust_units)
    oi = oi.assign(released=cftc_release_moments(oi["as_of"]).as_unit(oi["as_of"].dt.unit))
    prices = load_sp500_prices()
    unit = oi["as_of"].dt.unit
    if lag == "publication":  # the first close at or after the release moment
        known, closes = oi["released"], bar_moments(prices["timestamp"]).as_unit(unit)
    else:  # the bar dated on (or first after) the as-of day
        known, closes = oi["as_of"], pd.DatetimeIndex(prices["timestamp"]).as_unit(unit)
    merged = pd.merge_asof(
        oi.assign(_known=known),
        prices.assign(_close=closes, timestamp=prices["timestamp"].dt.as_unit(unit)),  # merge keys share a unit
        left_on="_known",
        right_on="_close",
        direction="forward",
        tolerance=pd.Timedelta(days=_PRICE_GAP_DAYS),
    ).dropna(subset=["timestamp"])
    merged = merged.drop_duplicates("timestamp", keep="last")  # reports first public together: the latest
    frame = pd.DataFrame(
        {
            "timestamp": merged["timestamp"],
            "futures_price": merged["close"],
            "open_interest": merged["open_interest"],
            "as_of": merged["as_of"],
            "published": merged["published"],
            "released": merged["released"],
        }
    ).reset_index(drop=True)
    return validate_market_data(frame)


def _unit_scale(values: np.ndarray, threshold: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-row multipliers into the last segment's units, plus break positions and factors."""
    ratio = values[1:] / values[:-1]
    positions = np.flatnonzero((ratio >= threshold) | (ratio <= 1.0 / threshold)) + 1
    factors = ratio[positions - 1]
    jumps = np.ones(len(values))
    jumps[positions] = factors
    # scale[i] = product of the factors of every break after row i
    scale = np.r_[np.cumprod(jumps[::-1])[::-1][1:], 1.0] if len(values) else jumps
    return scale, positions, factors


def _check_threshold(threshold: object) -> float:
    return check_number("threshold", threshold, minimum=1.0, strict=True)


def _positive_values(series: object) -> np.ndarray:
    if not isinstance(series, pd.Series):
        raise TypeError(
            f"series must be a pandas Series, got {type(series).__name__}; "
            "e.g. load_cftc_open_interest().set_index('as_of')['open_interest']"
        )
    check_frame(series.to_frame(name="series"), positive=("series",), timestamp=False)
    return series.to_numpy(dtype=float)


def _weekly_series(oi: object) -> tuple[pd.DatetimeIndex, np.ndarray]:
    """Report dates and OI values from a CFTC frame or a date-indexed Series, checked."""
    if isinstance(oi, pd.DataFrame):
        check_frame(oi.rename(columns={"as_of": "timestamp"}), positive=("open_interest",))
        return pd.DatetimeIndex(oi["as_of"]), oi["open_interest"].to_numpy(dtype=float)
    if isinstance(oi, pd.Series):
        if not isinstance(oi.index, pd.DatetimeIndex):
            raise TypeError(
                "oi must be indexed by report date (a DatetimeIndex); "
                "use load_cftc_open_interest().set_index('as_of')['open_interest']"
            )
        frame = pd.DataFrame({"timestamp": oi.index, "open_interest": oi.to_numpy()})
        check_frame(frame, positive=("open_interest",))
        return pd.DatetimeIndex(oi.index), frame["open_interest"].to_numpy(dtype=float)
    raise TypeError(f"oi must be a pandas Series or DataFrame, got {type(oi).__name__}")
