"""mesbook.engine.describe: a preset in words, from its values."""
import pytest

import mesbook as mb
from mesbook.engine.describe import describe, describe_parts, pricing_phrase
from mesbook.engine.settings import BacktestSettings


def test_the_article_is_the_article():
    assert describe(mb.ARTICLE) == "the article's settings"
    assert pricing_phrase(mb.ARTICLE) == "a fixed 2.5 points, marked at intrinsic value"


def test_realistic_says_it_prices_at_the_ratio_times_realized():
    text = pricing_phrase(mb.REALISTIC)
    assert f"{mb.REALISTIC.implied_vol_ratio:.2f} × the realized volatility of the last 20 returns" in text
    assert "4 % rate" in text


def test_a_changed_ratio_changes_the_words():
    assert "1.10 ×" in pricing_phrase(mb.REALISTIC.replace(implied_vol_ratio=1.1))
    assert "×" not in pricing_phrase(mb.REALISTIC.replace(implied_vol_ratio=1.0))
    assert "+ 6.6 volatility points" in pricing_phrase(mb.REALISTIC.replace(implied_vol_add=0.066))


def test_groups_appear_only_when_changed():
    parts = describe_parts(BacktestSettings(fill_delay=2))
    assert parts == {"fills": "fills 2 bars after the signal, at the close"}
    assert "no signal for 7 days after each quarterly expiry" in describe(mb.HONEST)  # a duration, since issue 19
    assert "no signal for 5 bars after" in describe(mb.HONEST.replace(roll_filter=5))  # a bar count stays one
    assert "used from its release (released the next business day at 09:00 CT)" in describe(mb.REALISTIC)
    assert "release" not in describe(mb.WEEKLY)
    assert "roll" not in describe(mb.REALISTIC) and "after each quarterly expiry" not in describe(mb.REALISTIC)
    assert "fees of $0.92 per contract a side" in describe(mb.WEEKLY)
    assert "late" not in describe_parts(mb.WEEKLY)["signals"]


def test_refuses_what_is_not_settings():
    with pytest.raises(TypeError, match="BacktestSettings"):
        describe({"pricing": "black76"})
