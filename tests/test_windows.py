"""The bot's three OI windows as one value (mesbook.core.windows): checked once, and the keyword forms."""
from __future__ import annotations

import pytest

from mesbook.constants import OI_GRADIENT_WINDOW, OI_LONG_SMA_WINDOW, OI_SHORT_SMA_WINDOW
from mesbook.core.windows import ARTICLE_WINDOWS, WINDOW_KEYWORDS, Windows


def test_the_default_is_the_articles_and_unpacks_in_order():
    assert Windows() == ARTICLE_WINDOWS == Windows(OI_SHORT_SMA_WINDOW, OI_LONG_SMA_WINDOW, OI_GRADIENT_WINDOW)
    short, long, gradient = Windows(5, 20, 3)
    assert (short, long, gradient) == (5, 20, 3)
    assert Windows(5, 20, 3).keywords() == {"short_sma_window": 5, "long_sma_window": 20, "gradient_window": 3}
    assert list(Windows(5, 20, 3).keywords()) == list(WINDOW_KEYWORDS)


def test_windows_are_checked_when_made():
    with pytest.raises(ValueError, match=r"short_sma_window \(30\) must be smaller than long_sma_window \(10\)"):
        Windows(30, 10)
    with pytest.raises(ValueError, match="short_sma_window must be >= 1"):
        Windows(0, 10)
    with pytest.raises(TypeError, match="gradient_window must be an integer"):
        Windows(5, 10, 2.5)
    with pytest.raises(TypeError, match="long_sma_window must be an integer"):
        Windows(5, True)


def test_numpy_integers_become_plain_ints():
    import numpy as np

    windows = Windows(np.int64(4), np.int32(9))
    assert type(windows.short) is int and type(windows.long) is int and windows == Windows(4, 9)


def test_the_keyword_forms():
    assert Windows.of() == ARTICLE_WINDOWS
    assert Windows.of(short_sma_window=5) == Windows(5, 30, 5)
    assert Windows.of(short_sma_window=None, long_sma_window=40) == Windows(10, 40, 5)  # None: not given
    assert Windows.of({"long_sma_window": 12, "short_sma_window": 3}) == Windows(3, 12, 5)
    given = Windows(2, 8, 4)
    assert Windows.of(given) is not None and Windows.of(given) == given


def test_the_keyword_forms_refuse_what_they_cannot_read():
    with pytest.raises(TypeError, match=r"unknown window argument\(s\) \['short'\]"):
        Windows.of(short=5)
    with pytest.raises(TypeError, match=r"unknown window argument\(s\) \['slow'\]"):
        Windows.of({"slow": 5})
    with pytest.raises(TypeError, match="one way"):
        Windows.of(Windows(2, 8), short_sma_window=3)
    with pytest.raises(TypeError, match="windows must be a Windows"):
        Windows.of((5, 20, 3))
    with pytest.raises(ValueError, match="must be smaller"):
        Windows.of(short_sma_window=40)
