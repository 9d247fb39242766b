"""Reading big minute files: ``load_market_data`` against ``pandas.read_csv`` + ``pandas.to_datetime``.

One-minute bars (ISO timestamps, prices in quarter points, open interest as whole contracts), 1M and 5M rows,
written once to a temporary folder. Each measurement runs in its own child process, which first imports
pandas and mesbook (so both sides pay the same imports) and then reads the file once; the child reports
the wall time of the read and its peak resident memory (``ru_maxrss``). Goals: the loader within 2x the
time and 1.5x the peak memory of the pandas baseline, measured in this run.
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

ROWS = (1_000_000, 5_000_000)
REPEATS = 2  # the best of two children per side: the machine is shared
CHILD = r"""
import json, resource, sys, time, warnings
import pandas as pd
import mesbook.data.loader as loader
warnings.simplefilter("ignore")
kind, path = sys.argv[1], sys.argv[2]
start = time.perf_counter()
if kind == "pandas":
    frame = pd.read_csv(path)
    frame["timestamp"] = pd.to_datetime(frame["timestamp"])
else:
    frame = loader.load_market_data(path)
seconds = time.perf_counter() - start
assert len(frame) > 0
print(json.dumps({"seconds": seconds, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def write_minutes(path: Path, rows: int) -> None:
    rng = np.random.default_rng(1)
    price = np.round((4000 + np.cumsum(rng.normal(0, 0.5, rows))).clip(100) * 4) / 4
    oi = (1_800_000 + np.cumsum(rng.integers(-50, 51, rows))).clip(1000)
    pd.DataFrame({"timestamp": pd.date_range("2015-01-02 09:30", periods=rows, freq="min"),
                  "futures_price": price, "open_interest": oi}).to_csv(path, index=False)


def measure(kind: str, path: Path) -> dict[str, float]:
    best = None
    for _ in range(REPEATS):
        out = subprocess.run([sys.executable, "-c", CHILD, kind, str(path)], capture_output=True, text=True,
                             check=True).stdout
        result = json.loads(out.strip().splitlines()[-1])
        best = result if best is None else {k: min(best[k], result[k]) for k in result}
    return best


def main() -> dict[str, float]:
    ratios = {}
    with tempfile.TemporaryDirectory(prefix="mesbook-bench-loader-") as folder:
        for rows in ROWS:
            path = Path(folder) / f"minutes-{rows}.csv"
            write_minutes(path, rows)
            base, mine = measure("pandas", path), measure("loader", path)
            time_ratio, memory_ratio = mine["seconds"] / base["seconds"], mine["peak_mb"] / base["peak_mb"]
            print(f"\nload {rows:,} one-minute rows ({path.stat().st_size / 1e6:.0f} MB CSV)")
            print(f"  {'pandas.read_csv + to_datetime':<36}{base['seconds']:>8.2f} s {base['peak_mb']:>8.0f} MB peak")
            print(f"  {'load_market_data':<36}{mine['seconds']:>8.2f} s {mine['peak_mb']:>8.0f} MB peak")
            print(f"  => {time_ratio:.2f}x the time (goal <= 2x), {memory_ratio:.2f}x the peak memory (goal <= 1.5x)")
            ratios[f"time_{rows}"], ratios[f"memory_{rows}"] = time_ratio, memory_ratio
    return ratios


if __name__ == "__main__":
    main()
