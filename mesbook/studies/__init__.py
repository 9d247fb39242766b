"""Layer 5, studies over many runs: what each simplification, rule or choice of windows is worth.

* :mod:`.paired` — the one paired-study kernel (seeded markets × settings variants → mean, SE, change);
* :mod:`.caveats`, :mod:`.ladder`, :mod:`.risk_rules` — the article's simplifications one at a time,
  cumulatively, and risk rules, all on that kernel;
* :mod:`.sweep`, :mod:`.seeds`, :mod:`.walkforward`, :mod:`.multiple_testing` — window choices and what
  choosing them costs;
* :mod:`.baseline` — what a buyer with no edge should expect after costs;
* :mod:`.montecarlo`, :mod:`.attribution`, :mod:`.audit`, :mod:`.real_runs`, :mod:`.canonical` — edge tests,
  P&L by Greek, look-ahead audits, real data and the book's headline numbers.
"""
