"""The realism engine's price: a REALISTIC run against the article-exact run on the same 100k bars.

Goal: the REALISTIC backtest (Black-76 marks every bar, expiries, costs, lagged OI, next-bar fills)
stays within 20x of the article's vectorized simulation.
"""
from __future__ import annotations

import mesbook as mb
from benchmarks.timing import best_time, report


def main() -> dict[str, float]:
    data = mb.simulate_market_data(100_000, seed=3)
    article_s = best_time(lambda: mb.run_article(data), repeat=5)
    engine_article_s = best_time(lambda: mb.run_backtest(data, mb.ARTICLE), repeat=3)
    realistic_s = best_time(lambda: mb.run_backtest(data, mb.REALISTIC), repeat=3)
    risky = mb.REALISTIC.replace(stop_loss=0.5, take_profit=1.0, max_drawdown=0.2)
    risky_s = best_time(lambda: mb.run_backtest(data, risky), repeat=3)
    ratios = report(
        "backtest, 100,000 bars",
        [("article-exact (vectorized run_article)", article_s), ("run_backtest(ARTICLE)", engine_article_s),
         ("run_backtest(REALISTIC)", realistic_s), ("REALISTIC + stops + drawdown switch", risky_s)],
        baseline="article-exact (vectorized run_article)",
    )
    print(f"  => REALISTIC costs {ratios['run_backtest(REALISTIC)']:.1f}x the article-exact run (goal <= 20x)")
    return ratios


if __name__ == "__main__":
    main()
