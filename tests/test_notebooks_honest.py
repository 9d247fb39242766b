"""Numbers quoted in the prose of chapters 6-7 must still be what mesbook computes."""
from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import numpy as np

import mesbook as mb
from mesbook.studies import caveats
from mesbook.options import tables as option_tables
from mesbook.parallel import task_seeds
from mesbook.data.synthetic import seeded_market
from mesbook.options.volatility import realized_volatility

REPO = Path(__file__).resolve().parents[1]


def prose(entry: str) -> str:
    nb = json.loads((REPO / f"{entry}.ipynb").read_text(encoding="utf-8"))
    text = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    text += "\n".join(json.dumps(out["metadata"]["mesbook"], ensure_ascii=False) for c in nb["cells"]
                      for out in c.get("outputs", []) if "mesbook" in out.get("metadata", {}))  # figure text
    return re.sub(r"\s+", " ", text)


def dollars(value: float) -> str:
    return f"{abs(value):,.0f}"


def check(entry: str, facts: list[str]) -> None:
    text = prose(entry)
    stale = [fact for fact in facts if fact not in text]
    assert not stale, f"{entry}: the prose no longer says {stale}"


#: A paragraph quoting a number: {eval}`prose.name` (mesbook.formatting.Prose).
GLUE_ROLE = re.compile(r"\{eval\}`prose\.(\w+)`")


def glued(entry: str) -> dict[str, str]:
    """The text each ``prose(name, ...)`` of a chapter stored (its glue record), by name."""
    nb = json.loads((REPO / f"{entry}.ipynb").read_text(encoding="utf-8"))
    return {out["metadata"]["scrapbook"]["name"]: ast.literal_eval(out["data"]["application/papermill.record/text/plain"])
            for c in nb["cells"] if c["cell_type"] == "code" for out in c.get("outputs", [])
            if "scrapbook" in out.get("metadata", {})}


def check_glued(entry: str, expected: dict[str, str]) -> None:
    """Each name is quoted by an {eval}`prose.name` role in the prose and stores what mesbook computes now."""
    used, stored = set(GLUE_ROLE.findall(prose(entry))), glued(entry)
    unused = sorted(set(expected) - used)
    assert not unused, f"{entry}: no {{eval}}`prose.name` role in the prose uses {unused}"
    stale = {name: (stored.get(name), text) for name, text in expected.items() if stored.get(name) != text}
    assert not stale, f"{entry}: glued (stored, computed now): {stale}"


def test_chapter_6_numbers_are_current():
    usd = mb.formatting.usd
    data = mb.simulate_market_data(500, seed=7)
    art = caveats.caveat_effects("article", num_seeds=100, seed=7)
    real = caveats.caveat_effects("realistic", num_seeds=100, seed=7)
    comparison = caveats.market_comparison(num_seeds=100, seed=7)
    prices = mb.black76_price(4000.0, 4000.0, np.array([30, 91]) / 365, 0.04, 0.18, True)
    explorer = caveats.run_caveats(data, ["marks", "expiry", "costs"])
    next_bar = caveats.run_caveats(data, ["fill"])
    expected = {
        "ch6_fill_article": usd(mb.run_backtest(data, mb.ARTICLE).net_pnl),
        "ch6_fill_next": usd(next_bar.net_pnl),
        "ch6_fill_trades": str(len(next_bar.trades)),
        "ch6_art_before": usd(art["before"].iloc[0], 0),
        **{f"ch6_art_{key}": usd(-art.loc[key, "change"], 0) for key in ("warmup", "premium", "marks", "expiry", "strike")},
        "ch6_art_position": usd(art.loc["position", "change"], 0),
        "ch6_art_fill": usd(art.loc["fill", "change"], 0),
        "ch6_art_fill_se": usd(art.loc["fill", "std_error"], 0),
        "ch6_cmp_article": usd(comparison.loc["mean net P&L ($)", "article"], 0),
        "ch6_cmp_realistic": usd(comparison.loc["mean net P&L ($)", "realistic"], 0),
        "ch6_cmp_profitable": f"{comparison.loc['profitable markets (%)', 'realistic']:.0f}",
        "ch6_cmp_trades": f"{comparison.loc['mean trades', 'realistic']:.0f}",
        "ch6_cmp_vol_article": f"{comparison.loc['volatility setting (% a year)', 'article']:.1f}",
        "ch6_b76_month": f"{prices[0]:.0f}",
        "ch6_b76_quarter": f"{prices[1]:.0f}",
        "ch6_b76_month_x": f"{prices[0] / 2.5:.0f}",
        "ch6_b76_quarter_x": f"{prices[1] / 2.5:.0f}",
        "ch6_real_before": usd(real["before"].iloc[0], 0, signed=True),
        "ch6_real_premium_after": usd(real.loc["premium", "after"], 0, signed=True),
        "ch6_real_marks": usd(-real.loc["marks", "change"], 0),
        "ch6_real_marks_after": usd(real.loc["marks", "after"], 0),
        "ch6_real_gradient": usd(real.loc["gradient", "change"], 0, signed=True),
        "ch6_real_position": usd(real.loc["position", "change"], 0, signed=True),
        "ch6_real_gradient_trades": f"{real.loc['gradient', 'trades_after']:.1f}",
        "ch6_real_position_trades": f"{real.loc['position', 'trades_after']:.1f}",
        "ch6_real_trades": f"{real['trades_before'].iloc[0]:.1f}",
    }
    check_glued("book/06_caveats_measured", expected)
    # The prose's words around the glued numbers: "costs", "adds", "removes", "leaves".
    assert min(-art.loc[key, "change"] for key in ("warmup", "premium", "marks", "expiry", "strike")) > 0
    assert art.loc["position", "change"] > 0 and -real.loc["marks", "change"] > 0 and real.loc["marks", "after"] > 0
    check("book/06_caveats_measured", [f"ending {usd(explorer.net_pnl, signed=True)}"])  # the figure's own alt text


def test_chapter_7_numbers_are_current():
    usd = mb.formatting.usd
    table = option_tables.greeks_table()
    decay = option_tables.price_by_time()
    early = option_tables.early_exercise_table()
    expected = {
        "ch7_decay_quarter": f"{-decay.loc[91, 'theta per day']:.2f}",
        "ch7_decay_month": f"{-decay.loc[30, 'theta per day']:.2f}",
        "ch7_decay_week": f"{-decay.loc[7, 'theta per day']:.2f}",
        "ch7_decay_premium": f"{mb.black76_price(4000.0, 4000.0, 91 / 365, 0.04, 0.18, True):.0f}",
        "ch7_delta": f"{table.loc['delta', 'value']:.2f}",
        "ch7_gamma": f"{table.loc['gamma', 'value']:.4f}",
        "ch7_delta_dollars": usd(table.loc["delta", "dollars"]),
        "ch7_vega_dollars": usd(table.loc["vega", "dollars"]),
        "ch7_theta_dollars": usd(-table.loc["theta", "dollars"]),
        "ch7_rho_points": f"{-table.loc['rho', 'value']:.2f}",
        "ch7_rho_dollars": usd(-table.loc["rho", "dollars"]),
        "ch7_early_atm_points": f"{early.loc[0, 'early exercise (points)']:.2f}",
        "ch7_early_atm": usd(early.loc[0, "early exercise ($)"]),
        "ch7_early_atm_share": f"{early.loc[0, 'share of premium (%)']:.2f}",
        "ch7_early_deep": usd(early.iloc[-1]["early exercise ($)"], 0),
    }
    # The risk-rule, walk-forward, one-run and real-data paragraphs are glued too; nbval checks those cells.
    check_glued("book/07_toward_a_real_system", expected)
    assert table.loc["theta", "dollars"] < 0 < table.loc["vega", "dollars"]  # "costs" and "adds"
    assert early.iloc[-1]["strike"] > 4000 and early.iloc[-1]["strike"] == early["strike"].max()  # "the deepest put"


def test_chapter_7_volatility_estimate_runs_about_a_tenth_low():
    """'a volatility estimate over the last 20 returns that runs about a tenth below the generator's true volatility'."""
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
