"""Money and p-values as text (mesbook.formatting): one formatter for figures, tables and messages."""
from __future__ import annotations

import numpy as np

from mesbook.formatting import format_p, usd


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
