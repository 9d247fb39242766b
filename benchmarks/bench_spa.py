"""The reality check / SPA test: mesbook's (:mod:`mesbook.studies.spa`) against arch 8.0.0's, and arch's import.

Ratios measured in this one run, on chapter 8's sweep as a P&L matrix (100 window pairs × 500 daily bars,
against not trading), 1,000 stationary-bootstrap resamples:
* ``spa_test(studentize=False)`` (the book's p-values) and ``studentize=True`` against ``arch.bootstrap.SPA``
  (the same p-values, bit for bit, tested in tests/test_spa.py), arch's import not counted;
* what a chapter no longer pays: ``import arch.bootstrap`` in a fresh interpreter that has already imported
  mesbook, against that interpreter's ``import mesbook`` (best of three each).
"""
from __future__ import annotations

import subprocess
import sys

import numpy as np

from benchmarks.timing import best_time, report
from mesbook.studies import multiple_testing as mt
from mesbook.studies.samples import SWEEP_LONGS, SWEEP_SHORTS, book_market
from mesbook.studies.sweep_matrix import sweep_pnl

IMPORT_TIMES = ("import time; t = time.perf_counter(); import mesbook; a = time.perf_counter() - t; "
                "t = time.perf_counter(); import arch.bootstrap; print(a, time.perf_counter() - t)")


def _import_seconds() -> tuple[float, float]:
    """Best of three fresh interpreters: (import mesbook, then import arch.bootstrap), seconds."""
    runs = [subprocess.run([sys.executable, "-c", IMPORT_TIMES], capture_output=True, text=True, check=True)
            for _ in range(3)]
    pairs = [tuple(float(x) for x in run.stdout.split()) for run in runs]
    return min(p[0] for p in pairs), min(p[1] for p in pairs)


def main() -> dict[str, float]:
    from arch.bootstrap import SPA

    pnl = mt._pnl_matrix(sweep_pnl(book_market(), SWEEP_SHORTS, SWEEP_LONGS))
    block = int(np.sqrt(len(pnl)))
    flat = np.zeros(len(pnl))

    def arch_spa() -> None:
        SPA(flat, -pnl, block_size=block, reps=1000, seed=np.random.default_rng(0)).compute()

    rows = [("arch.bootstrap.SPA(...).compute() (baseline)", best_time(arch_spa)),
            ("spa_test(studentize=False), the book's", best_time(lambda: mt.spa_test(pnl, studentize=False))),
            ("spa_test(studentize=True)", best_time(lambda: mt.spa_test(pnl, studentize=True)))]
    ratios = report(f"reality check / SPA test, {pnl.shape[1]} strategies x {len(pnl)} bars, 1,000 resamples", rows,
                    baseline="arch.bootstrap.SPA(...).compute() (baseline)")
    mesbook_s, arch_s = _import_seconds()
    imports = report("imports in a fresh interpreter", [("import mesbook (baseline)", mesbook_s),
                                                         ("then import arch.bootstrap", arch_s)],
                     baseline="import mesbook (baseline)")
    out = {"spa_test_vs_arch": ratios["spa_test(studentize=False), the book's"],
           "arch_import_vs_mesbook_import": imports["then import arch.bootstrap"]}
    print(f"  => the book's test takes {out['spa_test_vs_arch']:.2f}x arch's; a chapter no longer imports arch, "
          f"{out['arch_import_vs_mesbook_import']:.2f}x the import of mesbook itself")
    return out


if __name__ == "__main__":
    main()
