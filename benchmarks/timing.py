"""Tiny timing helpers: best-of-N wall time, and ratios printed side by side."""
from __future__ import annotations

import time
from typing import Callable


def forget_results() -> None:
    """Empty the package's memos of results (studies' :mod:`~mesbook.studies.memo`, the engine's
    :mod:`~mesbook.engine.bar_memo`), so that a timed call computes what it is timed for instead of reading
    what the call before it kept."""
    from mesbook.engine import bar_memo
    from mesbook.studies import memo

    memo.clear_memos()
    bar_memo.clear()


def best_time(fn: Callable[[], object], repeat: int = 5) -> float:
    """Best wall-clock time of ``repeat`` calls, seconds, each on emptied memos (:func:`forget_results`)."""
    best = float("inf")
    for _ in range(repeat):
        forget_results()
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def report(title: str, rows: list[tuple[str, float]], baseline: str) -> dict[str, float]:
    """Print each row's time and its ratio to the ``baseline`` row; return the ratios."""
    base = dict(rows)[baseline]
    print(f"\n{title}")
    ratios = {}
    for name, seconds in rows:
        ratios[name] = seconds / base
        print(f"  {name:<48}{seconds * 1e3:>12.2f} ms   {ratios[name]:>10.2f} x {baseline}")
    return ratios
