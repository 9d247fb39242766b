"""Layer 4, the backtest with every switch: settings, the signal path, the trade loop and its rules.

* :mod:`.settings` — :class:`~mesbook.engine.settings.BacktestSettings` and every preset
  (``ARTICLE``, ``REALISTIC``, ``HONEST``, ``WEEKLY``), plus the settings guard;
* :mod:`.decisions` — the one cached signal path under settings;
* :mod:`.prepared` — :class:`~mesbook.engine.prepared.PreparedMarket`, a frame checked once, with what its
  backtests share (decisions, volatility, the option clock) computed once;
* :mod:`.backtest` — :func:`~mesbook.engine.backtest.run_backtest`, fills, prices and the trade loop;
* :mod:`.bar_memo` — what a market's timestamps alone decide (expiry schedule, OI release sources, roll
  window, bar clock), computed once per distinct timestamps;
* :mod:`.rules` — position sizing, stops, take-profit and the drawdown switch;
* :mod:`.fastpath` — when a backtest reduces to the article's array simulation, and
  :class:`~mesbook.engine.fastpath.FastMarket`, the one runner of sweeps, Monte Carlo and multiple tests.
"""
