"""Layer 2, option mathematics for MES options on futures.

* :mod:`.pricing` — Black-76 and American (binomial) prices, implied volatility, premium solvers;
* :mod:`.greeks` — the :class:`~mesbook.options.greeks.Greeks` type and Black-76 Greeks;
* :mod:`.calendar` — expiries and their moments, rolls, time to expiry and the post-expiry roll window;
* :mod:`.volatility` — realized volatility per year;
* :mod:`.ticks` — MES option premium ticks and rounding to a quotable price;
* :mod:`.tables` — price and Greek tables for the book.
"""
