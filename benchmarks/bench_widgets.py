"""Widget callbacks: recompute + redraw against a bare redraw of the same figure (goal: at most 1.5x).

Each explorer's callback is driven programmatically (``update``), alternating between two parameter
sets so that every call really recomputes; the baseline re-renders the figure without changing it.
"""
from __future__ import annotations

import statistics
import time
from typing import Callable

from mesbook import widgets
from mesbook.exercises import book_market
from benchmarks.timing import report


def median_time(calls: list[Callable[[], object]]) -> float:
    """Median wall time of the calls, seconds (medians resist the odd slow frame)."""
    samples = []
    for call in calls:
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def explorers() -> dict[str, tuple[widgets.Explorer, list[dict]]]:
    """Each explorer with 15 distinct valid parameter sets, so that every callback really recomputes."""
    data = book_market()
    shorts = [{"short": s} for s in range(4, 19)]
    return {
        "payoff (ch 1)": (widgets.payoff_explorer(), [{"strike": 4450.0 + 10 * i} for i in range(15)]),
        "open interest (ch 2)": (widgets.oi_explorer(), [{"seed": 100 + i} for i in range(15)]),
        "indicators (ch 3)": (widgets.indicator_explorer(data), shorts),
        "signals (ch 4)": (widgets.signal_explorer(data), shorts),
        "simulation (ch 5)": (widgets.simulation_explorer(data), shorts),
    }


def main() -> dict[str, float]:
    ratios = {}
    for name, (explorer, settings) in explorers().items():
        callback = median_time([lambda p=p: explorer.update(**p) for p in settings])
        redraw = median_time([explorer.redraw] * len(settings))
        ratios[name] = report(f"widget: {name}", [("bare redraw", redraw), ("callback (recompute + redraw)", callback)],
                              baseline="bare redraw")["callback (recompute + redraw)"]
    print("  => callback / redraw: " + ", ".join(f"{k} {v:.2f}x" for k, v in ratios.items()) + " (goal <= 1.5x)")
    return ratios


if __name__ == "__main__":
    main()
