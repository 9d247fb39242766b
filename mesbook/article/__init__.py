"""Layer 1, the article exactly: its market, indicators, signals, contract and simulation (chapters 1–5).

* :mod:`.market` — the article's random market and its frame checks;
* :mod:`.indicators` — OI moving averages, change and gradient (and their honest variants);
* :mod:`.signals` — the crossover rule as BUY/SELL/HOLD codes;
* :mod:`.contract` — the MES contract: ATM strikes, intrinsic value, points to dollars;
* :mod:`.simulation` — the article's one-option-at-a-time simulation and :func:`run_article`.

Nothing here reads a :class:`~mesbook.engine.settings.BacktestSettings`; higher layers build on it.
"""
