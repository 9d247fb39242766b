"""Tiny timing helpers: best-of-N wall time, and ratios printed side by side."""
from __future__ import annotations

import time
from typing import Callable


def best_time(fn: Callable[[], object], repeat: int = 5) -> float:
    """Best wall-clock time of ``repeat`` calls, seconds."""
    best = float("inf")
    for _ in range(repeat):
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
