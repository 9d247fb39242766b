"""The canonical runs: built from the studies the chapters call, with the intervals computed right."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import mesbook as mb
from mesbook.studies import canonical
from mesbook.studies.ladder import realism_ladder
from mesbook.data.synthetic import Sample
from mesbook.studies.paired import paired_runs


def test_summarize_sample_hand_built():
    summary = canonical.summarize_sample([1.0, 3.0, -2.0, 6.0], trades=[2, 4, 4, 6])
    # mean 2, sd sqrt(((-1)^2 + 1 + 16 + 16) / 3) = sqrt(34/3); half width 1.96 sd / 2
    half = 1.96 * np.sqrt(34 / 3) / 2
    assert summary["sample"] == 4
    assert summary["mean ($)"] == pytest.approx(2.0)
    assert summary["low 95 ($)"] == pytest.approx(2.0 - half)
    assert summary["high 95 ($)"] == pytest.approx(2.0 + half)
    assert summary["median ($)"] == pytest.approx(2.0)
    assert summary["profitable (%)"] == pytest.approx(75.0)
    assert summary["trades"] == pytest.approx(4.0)


def test_summarize_sample_single_market_has_no_interval():
    summary = canonical.summarize_sample([5.0])
    assert summary["mean ($)"] == 5.0 and np.isnan(summary["low 95 ($)"]) and np.isnan(summary["high 95 ($)"])


@pytest.mark.parametrize("bad", [[], [1.0, np.nan], [[1.0, 2.0]]])
def test_summarize_sample_refuses_bad_input(bad):
    with pytest.raises(ValueError, match="pnl"):
        canonical.summarize_sample(bad)


def test_one_market_rows_are_the_chapter_runs():
    rows = canonical.canonical_runs(["article_seed7", "realistic_gen_seed7"])
    assert rows.loc["article_seed7", "mean ($)"] == mb.run_article(seed=7)[1].summary().net_pnl
    honest = mb.run_backtest(mb.simulate_realistic_market(500, seed=7), mb.REALISTIC)
    assert rows.loc["realistic_gen_seed7", "mean ($)"] == honest.net_pnl
    assert rows.loc["realistic_gen_seed7", "trades"] == len(honest.trades)
    assert rows["sample"].tolist() == [1, 1]


def test_monte_carlo_rows_and_their_subsamples():
    mc = mb.monte_carlo(400, seed=7)
    rows = canonical.canonical_runs(["article_400", "article_40", "random_entry_400", "bot_minus_twin_400"])
    assert rows.loc["article_400", "mean ($)"] == pytest.approx(mc.strategy_pnl.mean())
    assert rows.loc["random_entry_400", "mean ($)"] == pytest.approx(mc.random_pnl.mean())
    assert rows.loc["bot_minus_twin_400", "mean ($)"] == pytest.approx(mc.mean_difference)
    assert rows.loc["bot_minus_twin_400", "high 95 ($)"] - rows.loc["bot_minus_twin_400", "mean ($)"] == \
        pytest.approx(1.96 * mc.std_error)
    # the ladder's 40 markets are the Monte Carlo's first 40: same markets, same bot, same P&L
    direct = paired_runs({"article": mb.ARTICLE}, Sample("article", 40, seed=7))["pnl"]["article"]
    assert rows.loc["article_40", "mean ($)"] == pytest.approx(direct.mean())
    assert rows.loc["article_40", "sample"] == 40


def test_honest_rows_are_the_ladder_rungs():
    ladder = realism_ladder(40, seed=7)
    rows = canonical.canonical_runs(["article_40", "fair_no_costs_40", "variance_premium_40", "realistic_40",
                                     "honest_40"])
    steps = dict((name, s) for name, s in mb.ladder_steps(mb.HONEST))
    by_settings = {canonical._fair_no_costs(): "fair_no_costs_40", mb.REALISTIC: "realistic_40",
                   mb.HONEST: "honest_40", mb.ARTICLE: "article_40", canonical._variance_premium(): "variance_premium_40"}
    matched = 0
    for rung, settings in steps.items():
        if settings in by_settings:
            key = by_settings[settings]
            assert rows.loc[key, "mean ($)"] == pytest.approx(ladder.loc[rung, "mean_pnl"]), rung
            assert rows.loc[key, "low 95 ($)"] == pytest.approx(ladder.loc[rung, "low_95"]), rung
            matched += 1
    assert matched == 5


def test_fair_no_costs_is_realistic_without_its_costs():
    fair = canonical._fair_no_costs()
    changed = fair.differences(mb.REALISTIC)
    assert changed and "commission" in changed
    assert all(getattr(mb.ARTICLE, name) == getattr(fair, name) for name in changed)


def test_table_lists_every_key_and_refuses_unknown_ones():
    table = canonical.canonical_table(["article_seed7", "article_400"])
    assert table.loc["article_seed7", "95 % interval ($)"] == "one market"
    assert list(table.index) == ["article_seed7", "article_400"]
    with pytest.raises(ValueError, match="not a canonical run"):
        canonical.canonical_runs(["article_401"])
    with pytest.raises(TypeError, match="list"):
        canonical.canonical_runs("article_400")
    with pytest.raises(ValueError, match="column"):
        canonical.canonical_value("article_400", "run")
    assert canonical.canonical_value("article_400") == pytest.approx(
        canonical.canonical_runs(["article_400"]).loc["article_400", "mean ($)"])
    assert isinstance(canonical.canonical_runs(["article_seed7"]), pd.DataFrame)


def test_describe_writes_the_row_as_text():
    text = canonical.describe("bot_minus_twin_400")
    row = canonical.canonical_runs(["bot_minus_twin_400"]).iloc[0]
    assert text["mean"] == f"−${abs(row['mean ($)']):,.0f}" and text["sample"] == "400"
    assert text["low"].startswith("−$") and text["high"].startswith("$")
    single = canonical.describe("article_seed7", decimals=2)
    run = mb.run_article(seed=7)[1].summary()
    assert single["mean"] == f"${run.net_pnl:,.2f}" and "low" not in single
    assert single["trades"] == f"{run.num_trades:.1f}"


@pytest.mark.parametrize("low, high, word", [(-1.0, 2.0, "consistent with zero"), (0.0, 2.0, "consistent with zero"),
                                             (0.5, 2.0, "above zero"), (-3.0, -0.1, "below zero"),
                                             (np.nan, np.nan, "one path, no interval")])
def test_interval_verdict_hand_cases(low, high, word):
    assert canonical.interval_verdict(low, high) == word


def test_interval_verdict_refuses_a_reversed_interval():
    with pytest.raises(ValueError, match="low"):
        canonical.interval_verdict(2.0, 1.0)


@pytest.mark.parametrize("low, high, sign, word", [(-1.0, 2.0, 1, "no evidence for it"), (0.5, 2.0, 1, "supported"),
                                                   (0.5, 2.0, -1, "refuted"), (-3.0, -0.1, -1, "supported"),
                                                   (-3.0, -0.1, 1, "refuted"), (-3.0, -0.1, 0, "supported"),
                                                   (np.nan, np.nan, 1, "untestable")])
def test_claim_verdict_hand_cases(low, high, sign, word):
    assert canonical.claim_verdict(low, high, sign) == word
    assert word in canonical.CLAIM_VERDICTS


def test_claim_verdict_refuses_a_sign_that_is_no_direction():
    with pytest.raises(ValueError, match="sign"):
        canonical.claim_verdict(-1.0, 1.0, 2)


def test_verdict_table_rows_come_from_the_studies():
    table = canonical.verdict_table()
    assert list(table.columns) == list(canonical.VERDICT_COLUMNS)
    assert len(table) == len(canonical.CLAIMS)
    mc = mb.monte_carlo(400, seed=7)
    first = table.iloc[0]
    assert first["estimate"] == mb.formatting.usd(mc.mean_difference, 2)
    assert first["the claim is"] == canonical.claim_verdict(mc.mean_difference - 1.96 * mc.std_error,
                                                            mc.mean_difference + 1.96 * mc.std_error, 1)
    single = table[table["sample"].str.startswith("1 ")]
    assert (single["95 % interval"] == "—").all() and (single["the claim is"] == "untestable").all()
    assert table["the claim is"].isin(canonical.CLAIM_VERDICTS).all()
    assert table["where"].str.match(r"(Part \d\.\d|Conclusion)").all()
    assert table["what the book measured"].str.contains("one bar later").any()  # the split gradient rung


def _quote_record():
    """tools/register_quotes.py, imported from the repository (it is a tool, not part of the package)."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "tools" / "register_quotes.py"
    spec = importlib.util.spec_from_file_location("register_quotes", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_quoted_claim_is_recorded_from_the_article_with_its_place():
    """Every quote of a claim was found in the article, word for word, in the section the claim names.

    The article is not shipped, so this reads tests/article_quotes.json: what tools/register_quotes.py recorded
    where the article was (each quote's SHA-256 and the sections holding it). A quote edited, added or moved to
    another section without re-running the tool against the article fails here, on any machine."""
    import json

    tool = _quote_record()
    recorded = json.loads(tool.RECORD.read_text(encoding="utf-8"))["quotes"]
    seen = set()
    for name, claim in canonical.CLAIMS.items():
        for quote in tool.quotes(claim.says):
            key = tool.fingerprint(quote)
            seen.add(key)
            assert key in recorded, f"claim {name!r}: “{quote}” was never found in the article (tools/register_quotes.py)"
            assert claim.where.split(",")[0] in recorded[key], (name, claim.where, recorded[key])
    assert seen == set(recorded), "article_quotes.json records quotes no claim makes: re-run tools/register_quotes.py"


def test_the_quote_record_is_what_the_article_gives():
    """Where the article is present, the record is exactly what the tool derives from it (so it was not typed)."""
    import json

    tool = _quote_record()
    if not tool.ARTICLE.exists():
        pytest.skip("the source article is not on this machine; the record above was checked against it")
    assert tool.record(tool.ARTICLE.read_text(encoding="utf-8")) == json.loads(tool.RECORD.read_text(encoding="utf-8"))


def test_the_quote_tool_refuses_a_quote_the_article_does_not_hold_and_finds_places():
    tool = _quote_record()
    text = "Part 1: Start\nopening words\n1.1. First\nthe first body of text\nConclusion: end\nfinal text here\n"
    places = tool.sections(text)
    assert places["Part 1.1"] == "1.1. First the first body of text"
    assert places["Conclusion"].endswith("final text here") and "Part 1" in places
    with pytest.raises(ValueError, match="does not hold"):
        tool.record("nothing the claims quote")


def test_the_verdict_table_shows_every_cell_whole():
    table = canonical.verdict_table()
    assert "..." not in table._repr_html_() and "..." not in repr(table)


def test_no_edge_row_is_the_baseline_expectation():
    from mesbook.studies import baseline
    expect = baseline.no_edge_table()
    row = canonical.canonical_runs(["no_edge_40"]).iloc[0]
    assert row["mean ($)"] == pytest.approx(expect.loc[baseline.EXPECTATION_ROW, "mean_pnl"])
    assert row["high 95 ($)"] == pytest.approx(expect.loc[baseline.EXPECTATION_ROW, "high_95"])


def test_means_outside_names_each_mean_outside_another_interval():
    keys = ("article_400", "article_100", "article_40", "article_200_runs")
    text = canonical.means_outside(keys)
    runs = canonical.canonical_runs(keys)
    expected = sum(1 for k, row in runs.iterrows() for o, band in runs.iterrows()
                   if o != k and not band["low 95 ($)"] <= row["mean ($)"] <= band["high 95 ($)"])
    assert text.count("lies outside") == expected
    assert canonical.means_outside(["article_400"]) == "each mean lies inside every other interval"
