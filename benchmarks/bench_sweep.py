"""Window sweep: the cost of one grid cell against one single backtest, and vectorbt side by side.

A 20 x 20 grid of (short, long) OI windows over 100,000 bars. Ratios measured in this one run:
* sweep cost per combination / one single run (goal: <= 1x), against both the article's vectorized
  pipeline (``run_article``) and ``run_backtest(ARTICLE)``, for net P&L and for the Sharpe ratio;
* if vectorbt is installed (a benchmark-only dependency): the same grid as ``vbt.MA.run`` crossovers fed
  to ``vbt.Portfolio.from_signals`` (futures reversals, not options: a like-for-like *cost*, not result),
  per combination, against mesbook's per-combination cost.
"""
from __future__ import annotations

import numpy as np

import mesbook as mb
from benchmarks.timing import best_time, report
from mesbook.studies.sweep import sweep_windows

SHORTS = list(range(2, 22))            # 20 short windows, bars
LONGS = list(range(25, 225, 10))       # 20 long windows, bars: every pair has short < long
BARS = 100_000


def vectorbt_grid(data) -> object:
    """The grid the vectorbt way: per-combination MAs of OI, confirmed crossovers, one portfolio per column."""
    import vectorbt as vbt

    oi, price = data["open_interest"], data["futures_price"]
    pairs = [(s, l) for s in SHORTS for l in LONGS]
    fast = vbt.MA.run(oi, window=[s for s, _ in pairs], short_name="fast")
    slow = vbt.MA.run(oi, window=[l for _, l in pairs], short_name="slow")
    change = oi.diff().to_numpy()[:, None]
    gradient = np.gradient(oi.to_numpy())[:, None]
    up = fast.ma_crossed_above(slow) & ((change > 0) | (gradient > 0))
    down = fast.ma_crossed_below(slow) & ((change < 0) | (gradient < 0))
    portfolio = vbt.Portfolio.from_signals(price, up, down, short_entries=down, short_exits=up, size=1.0)
    return portfolio.total_return()


def main() -> dict[str, float]:
    data = mb.simulate_market_data(BARS, seed=11)
    combos = len(SHORTS) * len(LONGS)
    single_article_s = best_time(lambda: mb.run_article(data), repeat=5)
    single_engine_s = best_time(lambda: mb.run_backtest(data, mb.ARTICLE), repeat=3)
    pnl_s = best_time(lambda: sweep_windows(data, SHORTS, LONGS, statistic="net_pnl"), repeat=2) / combos
    sharpe_s = best_time(lambda: sweep_windows(data, SHORTS, LONGS, statistic="sharpe"), repeat=2) / combos
    rows = [("one run_article (baseline)", single_article_s), ("one run_backtest(ARTICLE)", single_engine_s),
            ("sweep, net P&L, per combination", pnl_s), ("sweep, Sharpe, per combination", sharpe_s)]
    vbt_s = _vectorbt_per_combination(data, combos)
    if vbt_s is not None:
        rows.append(("vectorbt MA.run + from_signals, per combination", vbt_s))
    ratios = report(f"window sweep, {len(SHORTS)} x {len(LONGS)} grid, {BARS:,} bars", rows,
                    baseline="one run_article (baseline)")
    out = {
        "pnl_per_combo_vs_run_article": ratios["sweep, net P&L, per combination"],
        "sharpe_per_combo_vs_run_article": ratios["sweep, Sharpe, per combination"],
        "sharpe_per_combo_vs_run_backtest": sharpe_s / single_engine_s,
    }
    print(f"  => per combination: {out['pnl_per_combo_vs_run_article']:.2f}x (net P&L) and "
          f"{out['sharpe_per_combo_vs_run_article']:.2f}x (Sharpe) one run_article; "
          f"{out['sharpe_per_combo_vs_run_backtest']:.2f}x one run_backtest (goal <= 1x)")
    if vbt_s is not None:
        out["vectorbt_per_combo_vs_sweep_sharpe"] = vbt_s / sharpe_s
        print(f"  => vectorbt costs {out['vectorbt_per_combo_vs_sweep_sharpe']:.2f}x mesbook's Sharpe sweep per combination")
    else:
        print("  => vectorbt is not installed; its column is skipped (pip install vectorbt to compare)")
    return out


def _vectorbt_per_combination(data, combos: int) -> float | None:
    try:
        import vectorbt  # noqa: F401  (benchmark-only dependency)
    except ImportError:
        return None
    vectorbt_grid(data.iloc[:2_000])  # compile numba kernels outside the timing
    return best_time(lambda: vectorbt_grid(data), repeat=1) / combos


if __name__ == "__main__":
    main()
