"""Monte Carlo: seeded paths per second, against a per-path loop of the article's pipeline.

1,000 paths x 500 bars. Ratios measured in this one run:
* ``monte_carlo`` (article generator: strategy plus 10 random-entry twins per path, and the test)
  against a loop that simulates each of the same paths and runs ``run_article`` on it (strategy only);
* the realistic generator (GARCH prices, OI roll cycle, planted edge), which is dominated by drawing
  the markets, against the same loop;
* the realistic generator on two local processes against one (worker pool started beforehand).
"""
from __future__ import annotations

import numpy as np

import mesbook as mb
from benchmarks.timing import best_time, report
from mesbook.studies.montecarlo import monte_carlo
from mesbook.parallel import task_seeds

PATHS, BARS = 1000, 500


def article_loop(seed: int = 0) -> list[float]:
    """The obvious way: one simulate_market_data and one run_article per path."""
    out = []
    for child in task_seeds(seed, PATHS):
        _, result = mb.run_article(mb.simulate_market_data(BARS, seed=np.random.default_rng(child)))
        out.append(result.net_pnl)
    return out


def main() -> dict[str, float]:
    monte_carlo(num_paths=20, num_periods=BARS)  # imports and first-call costs outside the timing
    monte_carlo(num_paths=20, num_periods=BARS, n_jobs=2)  # start joblib's worker pool outside the timing
    loop_s = best_time(article_loop, repeat=1)
    article_s = best_time(lambda: monte_carlo(num_paths=PATHS, num_periods=BARS, seed=0), repeat=3)
    realistic_s = best_time(lambda: monte_carlo(num_paths=PATHS, num_periods=BARS, seed=0, coupling=0.1), repeat=1)
    two_s = best_time(lambda: monte_carlo(num_paths=PATHS, num_periods=BARS, seed=0, coupling=0.1, n_jobs=2), repeat=1)
    report(
        f"Monte Carlo, {PATHS:,} paths x {BARS} bars",
        [("per-path loop of run_article (baseline)", loop_s), ("monte_carlo, article generator", article_s),
         ("monte_carlo, realistic generator", realistic_s), ("monte_carlo, realistic, n_jobs=2", two_s)],
        baseline="per-path loop of run_article (baseline)",
    )
    out = {
        "paths_per_second_article": PATHS / article_s,
        "paths_per_second_realistic": PATHS / realistic_s,
        "speedup_vs_run_article_loop": loop_s / article_s,
        "realistic_n_jobs2_vs_serial": two_s / realistic_s,
    }
    print(f"  => {out['paths_per_second_article']:,.0f} paths/s (article generator), "
          f"{out['paths_per_second_realistic']:,.0f} paths/s (realistic); "
          f"{out['speedup_vs_run_article_loop']:.1f}x faster than the run_article loop, which skips the random twins")
    print(f"  => realistic generator on two processes: {out['realistic_n_jobs2_vs_serial']:.2f}x the serial time")
    return out


if __name__ == "__main__":
    main()
