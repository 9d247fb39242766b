"""Walk-forward testing: choose the windows on the past, judge them on the future.

The data are cut into folds. Each fold has a *training* window of ``train_bars`` bars, on which every
window combination is backtested (:func:`mesbook.studies.sweep.sweep_windows`) and the best one chosen, and
the *test* window of ``test_bars`` bars right after it, on which only the chosen combination is scored.
The next fold starts ``test_bars`` later, so test windows follow each other without overlapping and
together cover the data after the first training window.

The in-sample score of the chosen combination is the best of many tries and is biased upwards; the
out-of-sample score is what the choice was worth. The gap between them is the lesson. Each window is
backtested on its own (a fresh account, indicators warming up from its first bar), so a test score
never depends on any bar outside its test window, and the choice never sees a test bar.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from ..constants import INITIAL_CASH, OI_GRADIENT_WINDOW
from ..engine.settings import ARTICLE, BacktestSettings
from ..validation import check_frame, check_int
from .keywords import workers_of
from .sweep import WINDOW_COLUMNS, resolve_statistic, sweep_windows, window_grid

#: Columns of the table returned by :func:`walk_forward`.
FOLD_COLUMNS: tuple[str, ...] = (
    "train_start", "train_end", "test_start", "test_end", "short", "long", "gradient", "in_sample",
    "out_of_sample", "test_median", "test_best",
)


def fold_bounds(num_bars: int, train_bars: int, test_bars: int) -> list[tuple[int, int, int]]:
    """``(train_start, test_start, test_end)`` of every fold, bar positions, end exclusive.

    Fold ``k`` trains on ``[k·test_bars, k·test_bars + train_bars)`` and tests on the ``test_bars`` bars
    after it; a last, partial test window is dropped. Raises ``ValueError`` when not even one fold fits.
    """
    num_bars = check_int("num_bars", num_bars)
    train_bars, test_bars = check_int("train_bars", train_bars, minimum=2), check_int("test_bars", test_bars, minimum=2)
    starts = range(0, num_bars - train_bars - test_bars + 1, test_bars)
    if not starts:
        raise ValueError(
            f"train_bars + test_bars = {train_bars + test_bars} is more than the {num_bars} bars of data; "
            "shorten the windows or pass more data"
        )
    return [(s, s + train_bars, s + train_bars + test_bars) for s in starts]


def walk_forward(
    data: pd.DataFrame,
    shorts: Iterable[int],
    longs: Iterable[int],
    train_bars: int,
    test_bars: int,
    settings: BacktestSettings = ARTICLE,
    statistic: str = "sharpe",
    *,
    gradients: Iterable[int] = (OI_GRADIENT_WINDOW,),
    initial_cash: float = INITIAL_CASH,
    **keywords: Any,
) -> pd.DataFrame:
    """Per fold: the windows chosen in-sample, their in-sample and out-of-sample ``statistic``.

    Columns: bar positions ``train_start``, ``train_end`` (= ``test_start``), ``test_end`` (ends
    exclusive); the chosen ``short``, ``long``, ``gradient`` (bars); ``in_sample`` — the statistic of
    the chosen windows on the training window (the best of the grid; NaN scores never win);
    ``out_of_sample`` — the same windows on the test window (NaN for "sharpe" when they never trade
    there: a flat account has no Sharpe ratio); ``test_median`` and ``test_best`` — the
    median and best statistic of the whole grid on the test window, for scale (reported after the
    choice, never used for it). ``statistic`` as in :func:`mesbook.studies.sweep.sweep_windows`; prefer one that
    does not grow with the window length ("sharpe") when ``train_bars`` and ``test_bars`` differ.
    ``test_bars`` should exceed the longest window so that the test backtests can trade. ``keywords`` spread
    each fold's sweeps (``workers=``, or ``n_jobs``/``client``/``progress``).
    """
    workers = workers_of(keywords, "walk_forward")
    label = resolve_statistic(statistic)
    check_frame(data, positive=("futures_price", "open_interest"))
    grid = window_grid(shorts, longs, gradients)  # validates, and reads one-shot iterables only once
    shorts, longs, gradients = (sorted({combo[i] for combo in grid}) for i in range(3))
    sweep = dict(gradients=gradients, settings=settings, statistic=label, initial_cash=initial_cash, workers=workers)
    rows = []
    for train_start, test_start, test_end in fold_bounds(len(data), train_bars, test_bars):
        train = sweep_windows(data.iloc[train_start:test_start], shorts, longs, **sweep)
        best = _best_row(train, label)
        windows = [int(best[c]) for c in WINDOW_COLUMNS]
        test = sweep_windows(data.iloc[test_start:test_end], shorts, longs, **sweep)
        chosen = (test[list(WINDOW_COLUMNS)] == windows).all(axis=1)
        scores = test[label].to_numpy(dtype=float)
        traded = scores[np.isfinite(scores)]
        rows.append((train_start, test_start, test_start, test_end, *windows, float(best[label]),
                     float(test.loc[chosen, label].iloc[0]),
                     float(np.median(traded)) if len(traded) else np.nan,
                     float(traded.max()) if len(traded) else np.nan))
    table = pd.DataFrame(rows, columns=list(FOLD_COLUMNS))
    table.index.name = "fold"
    table.attrs.update(statistic=label, test_bars=test_bars)
    return table


def _best_row(table: pd.DataFrame, label: str) -> pd.Series:
    """The first row with the highest finite ``label`` (the first row when none is finite)."""
    scores = table[label].to_numpy(dtype=float)
    scores = np.where(np.isfinite(scores), scores, -np.inf)
    return table.iloc[int(np.argmax(scores))]


def walk_forward_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Mean in-sample and out-of-sample score of a walk-forward table, and the gap between them."""
    label = table.attrs.get("statistic", "score")
    rows = {"folds": len(table), f"mean in-sample {label}": round(float(table["in_sample"].mean()), 2),
            f"mean out-of-sample {label}": round(float(table["out_of_sample"].mean()), 2),
            "gap": round(float(table["in_sample"].mean() - table["out_of_sample"].mean()), 2),
            "folds where out-of-sample beat in-sample": int((table["out_of_sample"] > table["in_sample"]).sum())}
    return pd.DataFrame({"walk-forward": pd.Series(rows, dtype=object)})


def walk_forward_table(folds: pd.DataFrame) -> pd.DataFrame:
    """A :func:`mesbook.walk_forward` table for reading: bars, the chosen pair and its three scores per fold.

    Scores are in the fold's statistic (dollars for net P&L); the last row holds the means.
    """
    def span(a: int, b: int) -> str:
        return f"{a}–{b - 1}"

    scores = folds[["in_sample", "out_of_sample", "test_median"]].astype(float)
    table = pd.DataFrame({
        "trained on bars": [span(a, b) for a, b in zip(folds["train_start"], folds["train_end"])],
        "tested on bars": [span(a, b) for a, b in zip(folds["test_start"], folds["test_end"])],
        "chosen pair": [f"{s} / {l}" for s, l in zip(folds["short"], folds["long"])],
        "in-sample": scores["in_sample"].round(2).to_numpy(),
        "out-of-sample": scores["out_of_sample"].round(2).to_numpy(),
        "median pair, test": scores["test_median"].round(2).to_numpy(),
    }, index=pd.Index(folds.index, name="fold"))
    mean = pd.DataFrame({"trained on bars": [""], "tested on bars": [""], "chosen pair": [""],
                         "in-sample": [round(scores["in_sample"].mean(), 2)],
                         "out-of-sample": [round(scores["out_of_sample"].mean(), 2)],
                         "median pair, test": [round(scores["test_median"].mean(), 2)]}, index=pd.Index(["mean"]))
    out = pd.concat([table.astype({"in-sample": object, "out-of-sample": object, "median pair, test": object}), mean])
    out.index.name = "fold"
    return out
