"""The figure machinery (mesbook.plots.base): BookFigure, new_figure, artist, helpers."""
from __future__ import annotations

import numpy as np
import pytest

from mesbook.plots import base

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_book_figure_renders_png_without_pyplot():
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    fig, axes = base.new_figure(2, 2)
    assert isinstance(fig, base.BookFigure) and axes.shape == (4,)
    axes[0].plot([0, 1], [1, 0], gid="line")
    png = fig._repr_png_()
    assert png[:8] == PNG_MAGIC and len(png) > 1_000
    assert plt.get_fignums() == before, "figures must not be registered with pyplot"
    assert repr(fig).startswith("<mesbook figure 800x420 with 4 axes")


def test_artist_finds_by_gid_or_says_which_is_missing():
    fig, (ax,) = base.new_figure()
    line, = ax.plot([0, 1], [0, 1], gid="line")
    assert base.artist(fig, "line") is line
    with pytest.raises(KeyError, match="no artist with gid 'other'"):
        base.artist(fig, "other")


def test_masked_warmup_hides_the_zero_fill_only():
    out = base.masked_warmup(np.array([0, 0, 3, 0, 5]))
    assert np.isnan(out[:2]).all() and list(out[2:]) == [3.0, 0.0, 5.0]


def test_figure_money_escapes_the_dollar():
    assert base.figure_usd(-12.5) == "−\\$12.50"
    assert base.figure_usd(76.123, signed=True) == "+\\$76.12"
    assert base.DOLLARS(100000, 0) == "\\$100,000" and base.THOUSANDS(20500.4, 0) == "20,500"
