"""Layer 3, markets to run on: seeded synthetic generators and the real CFTC/S&P 500 weekly data.

* :mod:`.synthetic` — the realistic generator, seeded paths and :func:`~mesbook.data.synthetic.seeded_market`;
* :mod:`.real` — CFTC open interest and S&P 500 closes, as weekly market frames;
* :mod:`.loader` — a user's own market file (CSV, Parquet, Feather; vendor layouts), loaded or refused with
  the fix, in the stages of :mod:`.loading`;
* :mod:`.release` — open interest attached to any bars by release time (never before it was public).
"""
