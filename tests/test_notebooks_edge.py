"""Chapters 8-10 ("Is there an edge?"): numbers quoted in the prose are what mesbook computes today,
and the chapters' studies give the same numbers in one process or in several."""
from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

import mesbook as mb
from mesbook import exercises
from mesbook.formatting import format_p
from mesbook.studies.luck import best_pairs
from mesbook.studies import samples
from mesbook.studies.samples import SWEEP_LONGS, SWEEP_SHORTS
from mesbook.studies.sweep import sweep_rank
from test_notebooks_honest import check_glued

REPO = Path(__file__).resolve().parents[1]
ORDINAL = {1: "st", 2: "nd", 3: "rd"}


def prose(entry: str) -> str:
    """Markdown and figure metadata (captions, alt text) of a chapter, whitespace collapsed."""
    nb = json.loads((REPO / f"{entry}.ipynb").read_text(encoding="utf-8"))
    text = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    text += "\n".join(json.dumps(out["metadata"]["mesbook"], ensure_ascii=False) for c in nb["cells"]
                      for out in c.get("outputs", []) if "mesbook" in out.get("metadata", {}))  # figure text
    return re.sub(r"\s+", " ", text)


def check(entry: str, facts: list[str]) -> None:
    text = prose(entry)
    stale = [fact for fact in facts if fact not in text]
    assert not stale, f"{entry}: the prose no longer says {stale}"


def money(value: float, decimals: int = 2) -> str:
    """How the prose writes dollars: \\$1,234.56, −\\$2.89."""
    return f"{'−' if value < 0 else ''}\\${abs(value):,.{decimals}f}"


@pytest.fixture(scope="module")
def data():
    return mb.simulate_market_data(500, seed=exercises.BOOK_SEED)


@pytest.fixture(scope="module")
def realistic_ladder():
    return mb.realism_ladder(samples.LADDER.markets, seed=exercises.BOOK_SEED, generator="realistic")


def test_chapter_8_numbers_are_current(data):
    table = mb.sweep_windows(data, SWEEP_SHORTS, SWEEP_LONGS)
    best = table.loc[table["net_pnl"].idxmax()]
    article = float(table.query("short == 10 and long == 30")["net_pnl"].iloc[0])
    rank = sweep_rank(table)
    cell = table.set_index(["short", "long"])["net_pnl"]
    pairs = best_pairs(range(30))
    history = mb.simulate_market_data(samples.WALK_FORWARD_BARS, seed=exercises.BOOK_SEED)
    folds = mb.walk_forward(history, SWEEP_SHORTS, SWEEP_LONGS, train_bars=200, test_bars=200,
                            statistic="net_pnl")
    beat = int((folds["out_of_sample"] > folds["test_median"]).sum())
    usd = mb.formatting.usd
    check_glued("book/08_window_sweeps", {
        "ch8_sweep_article": usd(article, 0),
        "ch8_sweep_best": usd(best["net_pnl"]),
        "ch8_sweep_best_round": usd(best["net_pnl"], 0),
        "ch8_nb_near_pair": "8 / 55", "ch8_nb_near": usd(cell[(8, 55)], 0),
        "ch8_nb_loss_pair": "8 / 45", "ch8_nb_loss": usd(-cell[(8, 45)], 0),
        "ch8_winners": str(len(pairs.groupby(["short", "long"]))),
        "ch8_wf_folds": str(len(folds)),
    })
    assert cell[(8, 55)] > 0 > cell[(8, 45)]  # "8 / 55 makes ... but 8 / 45 loses ..."
    facts = [  # the figures' own alt texts (mesbook.plots.text), as stored with their outputs
        f"{usd(table['net_pnl'].min(), 0, signed=True)}.",
        f"shows {usd(best['net_pnl'], 0, signed=True)} and is starred",
        f"shows {usd(article, 0, signed=True)}, rank {rank}",
        f"fall in {len(pairs.groupby(['short', 'long']))} different cells",
        f"below that mark in {len(folds) - beat} of the {len(folds)} folds",
    ]
    # The best pair, the grid counts and the walk-forward means are glued from the cells that compute them.
    check("book/08_window_sweeps", facts)


def test_chapter_9_numbers_are_current():
    seed, paths = exercises.BOOK_SEED, samples.MONTE_CARLO.markets
    planted = mb.monte_carlo(paths, seed=seed, coupling=0.05)
    facts = [  # the Monte Carlo figure's own alt text
        f"mean {mb.formatting.usd(planted.mean_difference, 0, signed=True)}",
        f"one-sided p = {format_p(planted.p_value)}",
    ]
    # The ladder and no-edge paragraphs are glued (myst_nb) from the cells that compute them; nbval checks them.
    check("book/09_monte_carlo_and_ladder", facts)


def test_chapter_10_numbers_are_current(data):
    audit = mb.lookahead_audit(mb.article_signals(), data, mb.crossover_bars(data), n_scrambles=10)
    frame = mb.calculate_indicators(data)
    assert 252 in audit.leaks
    # The attribution paragraphs are glued (myst_nb) from the cell that computes them; nbval checks it.
    check_glued("book/10_greeks_and_lookahead", {
        "ch10_cuts": str(len(audit.checks)),
        "ch10_leaks": str(len(audit.leaks)),
        "ch10_others": str(len(audit.leaks) - 1),
        "ch10_bar_fall": f"{-frame['oi_change'].iloc[252]:.2f}",
        "ch10_bar_gradient": f"{frame['oi_gradient'].iloc[252]:+.2f}",
        "ch10_bar_change": f"{frame['oi_change'].iloc[252]:.2f}".replace("-", "−"),
    })
    # "it fell ... that day", "a hair above zero": the day's change and the centred gradient disagree in sign.
    assert frame["oi_change"].iloc[252] < 0 < frame["oi_gradient"].iloc[252]


def test_the_chapter_studies_do_not_depend_on_the_number_of_processes():
    serial = mb.monte_carlo(samples.MONTE_CARLO.markets, seed=exercises.BOOK_SEED, coupling=0.05)
    parallel = mb.monte_carlo(samples.MONTE_CARLO.markets, seed=exercises.BOOK_SEED, coupling=0.05, n_jobs=2)
    np.testing.assert_array_equal(serial.difference, parallel.difference)
    assert serial.p_value == parallel.p_value
    one = mb.realism_ladder(8, seed=exercises.BOOK_SEED, generator="realistic")
    two = mb.realism_ladder(8, seed=exercises.BOOK_SEED, generator="realistic", n_jobs=2)
    assert one.drop(columns="changes").equals(two.drop(columns="changes"))
