"""Layer 1, the core: the primitives the article's script and the whole package stand on.

* :mod:`.contract` — the MES contract: strike rounding, intrinsic value, points to dollars, payoffs;
* :mod:`.market` — market frames (columns and their check) and the random walks of the article's market;
* :mod:`.oi` — open-interest basics: how trades move it, the four price/OI readings;
* :mod:`.indicators` — OI moving averages, change and gradient, the article's and the honest ones;
* :mod:`.signals` — the crossover rule on plain arrays, signal codes and labels, fill delays;
* :mod:`.trades` — one option at a time on plain arrays: trade runs, affordability, the equity curve;
* :mod:`.windows` — :class:`~mesbook.core.windows.Windows`, the bot's three OI windows as one value.

Nothing here reads a :class:`~mesbook.engine.settings.BacktestSettings`; the article's script
(:mod:`mesbook.article`), option mathematics, data, the engine and the studies build on it.
"""
