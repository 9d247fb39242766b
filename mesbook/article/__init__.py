"""Layer 2, beside the foundation: the article's script exactly — its five functions (chapters 1–5).

* :mod:`.market` — :func:`~mesbook.article.market.simulate_market_data`, the article's random market;
* :mod:`.indicators` — :func:`~mesbook.article.indicators.calculate_indicators`, the OI indicators;
* :mod:`.signals` — :func:`~mesbook.article.signals.generate_signals`, the crossover rule as labels;
* :mod:`.contract` — :func:`~mesbook.article.contract.get_atm_strike`, the at-the-money strike;
* :mod:`.simulation` — :func:`~mesbook.article.simulation.run_trading_simulation`, and
  :func:`~mesbook.article.simulation.run_article`, the whole script in one call;

and the readouts chapters 1–5 take of them (crossings, signal and trade tables, other drifts). The
primitives they stand on are the package's core (:mod:`mesbook.core`). Nothing here reads a
:class:`~mesbook.engine.settings.BacktestSettings`, and nothing in options, data or the engine imports
it: the article is read, never built upon.
"""
