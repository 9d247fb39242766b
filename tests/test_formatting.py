"""Money and p-values as text (mesbook.formatting): one formatter for figures, tables and messages."""
from __future__ import annotations

import numpy as np
import pytest

from mesbook import formatting

from mesbook.formatting import format_p, grid_text, usd


def test_usd_signs_separators_and_decimals():
    assert usd(-12.5) == "−$12.50"
    assert usd(76.123, signed=True) == "+$76.12"
    assert usd(100000, 0) == "$100,000"
    assert usd(0.0, signed=True) == "$0.00"  # zero has no sign
    assert usd(-1234.567, 1) == "−$1,234.6"


def test_usd_escapes_the_dollar_for_matplotlib():
    assert usd(-12.5, escape=True) == "−\\$12.50"
    assert usd(760.87, 0, signed=True, escape=True) == "+\\$761"


def test_format_p():
    assert format_p(0.75473) == "0.755"
    assert format_p(0.001) == "0.001"
    assert format_p(3.69e-17) == "3.7e-17"
    assert format_p(float("nan")) == "n/a"
    assert format_p(np.float64(0.04321)) == "0.043"


def test_prose_keeps_each_number_as_the_text_the_paragraph_shows(monkeypatch):
    glued = []
    monkeypatch.setattr(formatting, "glue_text", lambda name, text: glued.append((name, text)))
    prose = formatting.Prose()
    assert prose("fees", 1234.5, ",.2f") is None  # a cell ending with the call shows no output of its own
    prose("trades", 17, "d")
    prose("verdict", "no edge")
    assert (prose.fees, prose.trades, prose.verdict) == ("1,234.50", "17", "no edge")
    assert glued == [("fees", "1,234.50"), ("trades", "17"), ("verdict", "no edge")]
    assert repr(prose) == "Prose(3 numbers: fees, trades, verdict)"


def test_glue_text_sends_exactly_what_myst_nb_glue_sends(monkeypatch):
    """Prose glues without importing myst-nb (seconds of import); the message must stay myst-nb's own."""
    import IPython.display
    import myst_nb.ext.glue

    sent = {"mesbook": [], "myst_nb": []}
    monkeypatch.setattr(IPython.display, "display", lambda *a, **k: sent["mesbook"].append((a, k)))
    monkeypatch.setattr(myst_nb.ext.glue, "ipy_display", lambda *a, **k: sent["myst_nb"].append((a, k)))
    for name, text in (("fees", "1,234.50"), ("verdict", "no edge"), ("quote", "a 'quoted' <b>text</b> −1")):
        formatting.glue_text(name, text)
        myst_nb.ext.glue.glue(name, text, display=False)
    assert len(sent["mesbook"]) == 3 and sent["mesbook"] == sent["myst_nb"]
    assert myst_nb.ext.glue.GLUE_PREFIX == formatting.GLUE_PREFIX


@pytest.mark.parametrize("name", ["2x", "with space", "_private", "", "a.b", 3])
def test_prose_refuses_a_name_a_paragraph_could_not_quote(name):
    with pytest.raises(ValueError, match="name"):
        formatting.Prose()(name, 1.0)


def test_prose_without_myst_nb_keeps_the_text(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_myst_nb(name, *args, **kwargs):
        if name == "myst_nb":
            raise ImportError("no myst_nb here")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_myst_nb)
    prose = formatting.Prose()
    prose("share", 61.04, ".0f")
    assert prose.share == "61"


@pytest.mark.parametrize(
    ("seconds", "noun", "adjective"),
    [
        (60, "1 minute", "1-minute"),
        (1800, "30 minutes", "30-minute"),
        (5400, "1.5 hours", "1.5-hour"),
        (3600, "1 hour", "1-hour"),
        (86_400, "1 day", "1-day"),
        (14 * 86_400, "14 days", "14-day"),
        (30, "30 seconds", "30-second"),
        (0.5, "0.5 seconds", "0.5-second"),
        (0, "0 seconds", "0-second"),
        (np.int64(120), "2 minutes", "2-minute"),
    ],
)
def test_duration_text_uses_the_largest_unit_filled(seconds, noun, adjective):
    assert formatting.duration_text(seconds) == noun
    assert formatting.duration_text(seconds, adjective=True) == adjective


@pytest.mark.parametrize("bad", [-1, float("nan"), float("inf"), "60", None, True])
def test_duration_text_refuses_what_is_no_duration(bad):
    with pytest.raises(ValueError, match="seconds"):
        formatting.duration_text(bad)


def test_grid_text_writes_an_even_grid_with_an_ellipsis():
    assert grid_text((2, 4, 6, 8, 10, 12, 14, 16, 18, 20)) == "2, 4, …, 20"
    assert grid_text(range(10, 61, 5)) == "10, 15, …, 60"
    assert grid_text([10, 30]) == "10, 30" and grid_text([0.5, 1.0, 1.5]) == "0.5, 1, 1.5"
    for bad in ([1, 2, 4, 8], [3, 2, 1], []):
        with pytest.raises(ValueError, match="evenly spaced"):
            grid_text(bad)
