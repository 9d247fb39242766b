"""The article's configuration constants, under the article's own names.

Money is in US dollars; prices and strikes are in index points.
"""
from __future__ import annotations

#: Starting cash of the simulated account, dollars.
INITIAL_CASH: float = 100_000
#: Bars the article simulates (business days).
NUM_PERIODS: int = 500
#: Dollars per index point of one MES contract.
FUTURES_MULTIPLIER: int = 5
#: Distance between listed MES option strikes, index points.
STRIKE_INTERVAL: int = 5
#: The article's fixed option price: 2.5 points x $5 = $12.50 per option, dollars.
OPTION_PREMIUM_FIXED: float = 2.5 * FUTURES_MULTIPLIER
#: Trading days (business-day bars) in a year: the annualization factor of per-bar figures.
TRADING_DAYS: int = 252
#: Weekly bars in a year (the annualization factor of weekly per-bar figures).
WEEKS_PER_YEAR: int = 52
#: Monthly bars in a year.
MONTHS_PER_YEAR: int = 12
#: Calendar days in a year: the annualization factor of bars taken every calendar day (weekends included).
CALENDAR_DAYS: int = 365
#: Short moving-average window of open interest, bars.
OI_SHORT_SMA_WINDOW: int = 10
#: Long moving-average window of open interest, bars.
OI_LONG_SMA_WINDOW: int = 30
#: Gradient window, bars. The article defines and passes it but never uses it.
OI_GRADIENT_WINDOW: int = 5

#: Signal labels used throughout the package.
BUY, SELL, HOLD = "BUY", "SELL", "HOLD"
SIGNAL_LABELS: tuple[str, str, str] = (HOLD, BUY, SELL)
