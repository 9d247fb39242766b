"""The article's pipeline: mesbook's vectorized core against a per-bar loop and against the floor.

Two ratios, both measured in this one run:
* speed-up over the article-style loop at 100k bars (goal: at least 1000x);
* cost at 1M bars relative to one pandas rolling mean over the same series (goal: within 5x, issue 23;
  benchmarks/bench_chapters.py prints it beside the chapters).
"""
from __future__ import annotations

import mesbook as mb
from benchmarks.article_loop import loop_indicators, loop_signals, loop_simulation
from benchmarks.timing import best_time, report


def vectorized(data):
    return mb.run_trading_simulation(mb.generate_signals(mb.calculate_indicators(data)))


def article_loop(data):
    return loop_simulation(loop_signals(loop_indicators(data, 10, 30)))


def main() -> dict[str, float]:
    data = mb.simulate_market_data(100_000, seed=1)
    loop_s = best_time(lambda: article_loop(data), repeat=1)
    fast_s = best_time(lambda: vectorized(data), repeat=5)
    speedup = report("article pipeline, 100,000 bars", [("article-style per-bar loop", loop_s), ("mesbook vectorized", fast_s)],
                     baseline="mesbook vectorized")["article-style per-bar loop"]

    big = mb.simulate_market_data(1_000_000, seed=2)
    oi = big["open_interest"]
    floor_s = best_time(lambda: oi.rolling(10).mean(), repeat=5)
    full_s = best_time(lambda: vectorized(big), repeat=3)
    floor_ratio = report("article pipeline, 1,000,000 bars", [("one pandas rolling mean (floor)", floor_s), ("mesbook vectorized", full_s)],
                         baseline="one pandas rolling mean (floor)")["mesbook vectorized"]
    print(f"  => speed-up over the loop at 100k bars: {speedup:,.0f}x (goal >= 1000x)")
    print(f"  => cost at 1M bars: {floor_ratio:.1f}x one rolling mean (goal <= 5x)")
    return {"loop_speedup_100k": speedup, "floor_ratio_1m": floor_ratio}


if __name__ == "__main__":
    main()
