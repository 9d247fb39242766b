"""Numbers quoted in the prose of chapters 6-7 must still be what mesbook computes."""
from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np

import mesbook as mb
from mesbook.studies import caveats
from mesbook.options import tables as greeks
from mesbook.parallel import task_seeds
from mesbook.data.synthetic import seeded_market
from mesbook.options.volatility import realized_volatility

REPO = Path(__file__).resolve().parents[1]


def prose(entry: str) -> str:
    nb = json.loads((REPO / f"{entry}.ipynb").read_text(encoding="utf-8"))
    text = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    text += "\n".join(json.dumps(c.get("metadata", {}).get("mystnb", {}), ensure_ascii=False) for c in nb["cells"])
    return re.sub(r"\s+", " ", text)


def dollars(value: float) -> str:
    return f"{abs(value):,.0f}"


def check(entry: str, facts: list[str]) -> None:
    text = prose(entry)
    stale = [fact for fact in facts if fact not in text]
    assert not stale, f"{entry}: the prose no longer says {stale}"


def test_chapter_6_numbers_are_current():
    data = mb.simulate_market_data(500, seed=7)
    art = caveats.caveat_effects("article", num_seeds=100, seed=7)
    real = caveats.caveat_effects("realistic", num_seeds=100, seed=7)
    prices = mb.black76_price(4000.0, 4000.0, np.array([30, 91]) / 365, 0.04, 0.18, True)
    explorer = caveats.run_caveats(data, ["marks", "expiry", "costs"])
    facts = [
        f"same twelve trades make \\${caveats.run_caveats(data, ['fill']).net_pnl:.2f}",
        f"makes \\${art['before'].iloc[0]:.0f} per run on average",
        f"worth about \\${-art.loc['warmup', 'change']:.0f} per run",
        f"intrinsic value costs \\${-art.loc['premium', 'change']:.0f} per run",
        f"costs only \\${-art.loc['marks', 'change']:.0f}",
        f"Expiry alone costs \\${-art.loc['expiry', 'change']:.0f}",
        f"out of the money costs \\${-art.loc['strike', 'change']:.0f}",
        f"every signal adds \\${art.loc['position', 'change']:.0f}",
        f"\\${real['before'].iloc[0]:,.0f} on the realistic one",
        f"About {prices[0]:.0f} points for a month and {prices[1]:.0f} points for a quarter",
        f"turns +\\${real['before'].iloc[0]:,.0f} into −\\${-real.loc['premium', 'after']:,.0f} per run",
        f"removes \\${-real.loc['marks', 'change']:,.0f} and leaves \\${real.loc['marks', 'after']:,.0f}",
        f"backward gradient (+\\${real.loc['gradient', 'change']:,.0f})",
        f"every signal (+\\${real.loc['position', 'change']:,.0f})",
        f"({real.loc['gradient', 'trades_after']:.1f} and {real.loc['position', 'trades_after']:.1f} options per run "
        f"instead of {real['trades_before'].iloc[0]:.1f})",
        f"ends about {dollars(explorer.net_pnl)} dollars below",
    ]
    check("book/06_caveats_measured", facts)


def test_chapter_7_numbers_are_current():
    table = greeks.greeks_table()
    decay = greeks.price_by_time()
    early = greeks.early_exercise_table()
    facts = [
        f"loses 0.76 points a day with three months left, {-decay.loc[30, 'theta per day']:.2f} with one month",
        f"gains about \\${table.loc['delta', 'dollars']:.2f} for each point",
        f"adds \\${table.loc['vega', 'dollars']:.2f} (vega)",
        f"costs \\${-table.loc['theta', 'dollars']:.2f} (theta)",
        f"\\${early.loc[0, 'early exercise ($)']:.2f}, less than",
        f"(\\${early.loc[4, 'early exercise ($)']:.0f} for a put",
    ]
    # The risk-rule, walk-forward, one-run and real-data paragraphs are glued (myst_nb) from the cells that
    # compute them, and nbval checks those cells.
    check("book/07_toward_a_real_system", facts)


def test_chapter_7_volatility_estimate_runs_about_a_tenth_low():
    """'a 20-day volatility estimate that runs about a tenth below the generator's true volatility'."""
    ratios = []
    for child in task_seeds(7, 50):
        data = seeded_market("realistic", 500, child)
        trades = mb.run_backtest(data, mb.REALISTIC).trades
        estimate = realized_volatility(data["futures_price"].to_numpy(), 20)[trades["entry_bar"].to_numpy()]
        ratios.append(estimate / data["volatility"].to_numpy()[trades["entry_bar"].to_numpy()])
    assert 0.85 <= float(np.mean(np.concatenate(ratios))) <= 0.95
    sized = mb.REALISTIC.replace(equity_fraction=0.01)
    most = max(mb.run_backtest(seeded_market("realistic", 500, c), sized).trades["contracts"].max()
               for c in task_seeds(7, 50))
    assert most > 2  # "several contracts"
    assert "buys several contracts" in prose("book/07_toward_a_real_system")
    assert "about a tenth below" in prose("book/07_toward_a_real_system")
