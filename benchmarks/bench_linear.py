"""Linear cost in bars: the engine's risk rules on step-like (forward-filled) open interest.

Forward-filled OI that steps up every 40 bars signals BUY at every step and never SELL: one long run of
same-direction signals with no expiry cycle to cut it. Each open trade is watched by a stop-loss, a
take-profit and the drawdown switch, which read the option's marked value on every held bar. The run at
40k, 80k and 160k bars prints time and peak memory (``tracemalloc``: numpy and pandas allocations) per
bar; linear growth keeps both per-bar figures flat. Goal: peak memory under 500 MB at 160k bars.
"""
from __future__ import annotations

import time
import tracemalloc

import numpy as np
import pandas as pd

import mesbook as mb

SIZES = (40_000, 80_000, 160_000)
#: Bars between OI steps (longer than the 30-bar long window, so the averages meet between steps).
STEP_BARS = 40
SETTINGS = mb.REALISTIC.replace(expiry_cycle=None, stop_loss=0.9, take_profit=5.0, max_drawdown=0.99)


def step_market(n: int, seed: int = 3) -> pd.DataFrame:
    """``n`` business-day bars of the synthetic price with OI rising one step every :data:`STEP_BARS` bars."""
    frame = mb.simulate_market_data(n, seed=seed)
    steps = np.arange(n) // STEP_BARS
    return frame.assign(open_interest=20_000.0 + 50.0 * steps)


def measure(n: int) -> tuple[float, float, int, int]:
    """(seconds, peak MB, trades, BUY signals) of one run on ``n`` step bars."""
    data = step_market(n)
    tracemalloc.start()
    start = time.perf_counter()
    result = mb.run_backtest(data, SETTINGS)
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return seconds, peak, len(result.trades), result.signal_counts.get("BUY", 0)


def main() -> dict[int, tuple[float, float]]:
    print("\nrisk rules on step-like OI (REALISTIC, no expiry, stop-loss, take-profit, drawdown switch)")
    print(f"  {'bars':>8} {'BUY':>6} {'trades':>7} {'seconds':>9} {'us/bar':>8} {'peak MB':>9} {'bytes/bar':>10}")
    out = {}
    for n in SIZES:
        seconds, peak, trades, buys = measure(n)
        out[n] = (seconds / n, peak / n)
        print(f"  {n:>8,} {buys:>6,} {trades:>7,} {seconds:>9.2f} {1e6 * seconds / n:>8.1f} {peak:>9.1f} "
              f"{1e6 * peak / n:>10.0f}")
    start = time.perf_counter()
    mb.simulate_realistic_market(100_000, seed=3)
    print(f"  realistic generator, 100,000 bars: {time.perf_counter() - start:.2f} s (goal < 1 s; no longer "
          "asserted in tests/test_synthetic.py)")
    first, last = out[SIZES[0]], out[SIZES[-1]]
    print(f"  => per-bar time {last[0] / first[0]:.2f}x and per-bar memory {last[1] / first[1]:.2f}x from "
          f"{SIZES[0]:,} to {SIZES[-1]:,} bars (linear: about 1x); peak at {SIZES[-1]:,} bars "
          f"{last[1] * SIZES[-1]:.0f} MB (goal < 500 MB)")
    return out


if __name__ == "__main__":
    main()
