"""The book's samples, by name: the market every chapter opens with, the studies' seeded markets, the grid.

Chapters, exercises and the canonical table (:mod:`mesbook.studies.canonical`) read the sizes and seeds of
the book's runs here, so a number such as "400 markets" is written once. A classroom handout keeps the
sizes and swaps the seed for the student's own (``LADDER.replace(seed=MARKET_SEED)``, or ``seed=MARKET_SEED``
beside ``LADDER.markets``).

* the book's market, :func:`book_market`: :data:`BOOK_BARS` bars of the article's generator seeded with
  :data:`BOOK_SEED` (``mb.simulate_market_data(seed=7)``); chapter 8's longer history,
  :data:`WALK_FORWARD_BARS` bars walked forward in folds of :data:`WALK_FORWARD_FOLD` + :data:`WALK_FORWARD_FOLD`;
* seeded samples (:class:`~mesbook.data.synthetic.Sample`; market ``i`` is child ``i`` of the seed):
  :data:`MONTE_CARLO` (chapter 9), :data:`LADDER` (chapters 9–11: its first 40 markets) and :data:`CAVEATS`
  (chapter 6: its first 100) on the article's generator; :data:`RISK_RULES` (chapter 7) and
  :data:`LOOKAHEAD` (chapter 10) on the realistic one;
* :data:`SEED_SWEEP` (chapter 5) and :data:`BEST_PAIRS_SEEDS` (chapter 8): seeds of the article's own
  generator, one market each (``simulate_market_data(seed=s)``, not task seeds);
* the window grid of chapter 8's sweeps: :data:`SWEEP_SHORTS` × :data:`SWEEP_LONGS`, in bars (defined with
  the sweeps, :mod:`mesbook.studies.sweep`).
"""
from __future__ import annotations

import pandas as pd

from ..article.market import simulate_market_data
from ..constants import NUM_PERIODS
from ..data.synthetic import Sample
from .sweep import SWEEP_LONGS, SWEEP_SHORTS

#: The seed of every simulated market in the book (a classroom handout swaps in the student's own).
BOOK_SEED: int = 7
#: Bars of every simulated market in the book (the article's NUM_PERIODS, business days).
BOOK_BARS: int = NUM_PERIODS

#: Chapter 9's Monte Carlo: 400 markets of the article's generator.
MONTE_CARLO: Sample = Sample("article", 400, BOOK_BARS, BOOK_SEED)
#: The realism ladder and the honest runs (chapters 9 to 11): the Monte Carlo's first 40 markets.
LADDER: Sample = MONTE_CARLO.first(40)
#: The caveat tables of chapter 6 (and the verdict's gradient row): the Monte Carlo's first 100 markets.
CAVEATS: Sample = MONTE_CARLO.first(100)
#: The risk rules of chapter 7: 50 markets of the realistic generator.
RISK_RULES: Sample = Sample("realistic", 50, BOOK_BARS, BOOK_SEED)
#: What a look-ahead is worth, chapter 10: 40 markets of the realistic generator.
LOOKAHEAD: Sample = Sample("realistic", 40, BOOK_BARS, BOOK_SEED)

#: Chapter 5's seed sweep: the article's script once per seed, ``simulate_market_data(BOOK_BARS, seed=s)``.
SEED_SWEEP: range = range(200)
#: Chapter 8: the seeds whose markets each pick their own best window pair.
BEST_PAIRS_SEEDS: range = range(30)
#: Chapter 8's window grid, bars: :data:`SWEEP_SHORTS` (the heatmap's rows) × :data:`SWEEP_LONGS` (its
#: columns), defined with the sweeps (:mod:`mesbook.studies.sweep`).
#: Chapter 8's walk-forward: a longer market of the article's generator, in folds of 200 + 200 bars.
WALK_FORWARD_BARS: int = 2000
WALK_FORWARD_FOLD: int = 200


def book_market(seed: int = BOOK_SEED, bars: int = BOOK_BARS) -> pd.DataFrame:
    """The article's market of ``seed``: ``simulate_market_data(bars, seed=seed)`` (the book's: seed 7, 500 bars)."""
    return simulate_market_data(bars, seed=seed)


__all__ = ["BEST_PAIRS_SEEDS", "BOOK_BARS", "BOOK_SEED", "CAVEATS", "LADDER", "LOOKAHEAD", "MONTE_CARLO",
           "RISK_RULES", "SEED_SWEEP", "SWEEP_LONGS", "SWEEP_SHORTS", "WALK_FORWARD_BARS", "WALK_FORWARD_FOLD",
           "book_market"]
