"""Layer 5, studies over many runs: what each simplification, rule or choice of windows is worth.

Studies run on a :class:`~mesbook.data.synthetic.Sample` of seeded markets, with the bot's
:class:`~mesbook.core.windows.Windows`, spread over :class:`~mesbook.parallel.Workers`; their public
functions keep the keyword forms (``num_seeds``, ``seed``, ``n_jobs``, ``client``, window keywords), which
:mod:`.keywords` turns into those values.

* :mod:`.samples` — the book's samples by name (its market, the Monte Carlo's, the ladder's, the caveats', ...);
* :mod:`.paired` — the one paired-study kernel (a sample's markets × settings variants → mean, SE, change);
* :mod:`.caveats`, :mod:`.ladder`, :mod:`.risk_rules` — the article's simplifications one at a time,
  cumulatively, and risk rules, all on that kernel;
* :mod:`.sweep`, :mod:`.luck`, :mod:`.walkforward` — window choices, seed sweeps and what choosing costs;
* :mod:`.multiple_testing` (statistics on a P&L matrix) and :mod:`.sweep_matrix` (a sweep as that matrix);
* :mod:`.baseline` — what a buyer with no edge should expect after costs;
* :mod:`.montecarlo`, :mod:`.attribution`, :mod:`.audit`, :mod:`.real_runs`, :mod:`.canonical` — edge tests,
  P&L by Greek, look-ahead audits, real data and the book's headline numbers.
"""
