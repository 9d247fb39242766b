"""The book's samples by name (mesbook.studies.samples): what the chapters and the canonical table rest on."""
from __future__ import annotations

import pandas as pd

import mesbook as mb
from mesbook.data.synthetic import Sample
from mesbook.studies import samples, sweep


def test_the_seeded_samples_share_their_markets():
    assert samples.MONTE_CARLO == Sample("article", 400, 500, 7)
    assert samples.LADDER == samples.MONTE_CARLO.first(40) and samples.CAVEATS == samples.MONTE_CARLO.first(100)
    first = samples.MONTE_CARLO.children()[0]
    pd.testing.assert_frame_equal(samples.LADDER.market(first), samples.CAVEATS.market(samples.CAVEATS.children()[0]))
    assert samples.RISK_RULES.generator == samples.LOOKAHEAD.generator == "realistic"
    assert {s.seed for s in (samples.MONTE_CARLO, samples.RISK_RULES, samples.LOOKAHEAD)} == {samples.BOOK_SEED}


def test_the_book_market_is_the_articles_seeded_market():
    pd.testing.assert_frame_equal(samples.book_market(), mb.simulate_market_data(500, seed=7))
    pd.testing.assert_frame_equal(samples.book_market(3, 60), mb.simulate_market_data(60, seed=3))
    assert samples.BOOK_BARS == mb.NUM_PERIODS and samples.BOOK_SEED == 7


def test_the_grid_and_the_walk_forward():
    assert samples.SWEEP_SHORTS is sweep.SWEEP_SHORTS and samples.SWEEP_LONGS is sweep.SWEEP_LONGS
    assert samples.WALK_FORWARD_BARS % samples.WALK_FORWARD_FOLD == 0
    assert list(samples.SEED_SWEEP) == list(range(200)) and list(samples.BEST_PAIRS_SEEDS) == list(range(30))
