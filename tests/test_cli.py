"""The command line, run as a user would: a subprocess, its exit code and its words."""
from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

from mesbook import run_article, simulate_market_data


def run_cli(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mesbook", *args], capture_output=True, text=True, cwd=cwd, timeout=120)


def test_help_explains_every_option():
    proc = run_cli("--help")
    assert proc.returncode == 0
    for option in ("--periods", "--seed", "--short", "--long", "--premium", "--csv", "--trades-out", "--plot"):
        assert option in proc.stdout
    assert "not trading advice" in proc.stdout


def test_seeded_run_prints_the_library_summary():
    proc = run_cli("--seed", "42")
    assert proc.returncode == 0, proc.stderr
    assert repr(run_article(seed=42)[1].summary()) in proc.stdout


def test_unseeded_runs_work():
    assert run_cli("--periods", "60").returncode == 0


def test_user_csv_and_trade_log(tmp_path):
    data = tmp_path / "mine.csv"
    simulate_market_data(300, seed=8).to_csv(data, index=False)
    trades = tmp_path / "trades.csv"
    proc = run_cli("--csv", str(data), "--short", "5", "--long", "20", "--trades-out", str(trades))
    assert proc.returncode == 0, proc.stderr
    log = pd.read_csv(trades)
    expected = run_article(simulate_market_data(300, seed=8), short_sma_window=5, long_sma_window=20)[1].trades
    assert len(log) == len(expected) and log["pnl"].sum() == pytest.approx(expected["pnl"].sum())


@pytest.mark.parametrize(
    "content, words",
    [
        ("timestamp,futures_price\n2024-01-02,4000\n", "missing column"),
        ("timestamp,futures_price,open_interest\n2024-01-02,4000,\n", "missing or infinite"),
        ("timestamp,futures_price,open_interest\n2024-01-03,4000,5\n2024-01-02,4000,5\n", "out-of-order"),
    ],
)
def test_broken_csv_fails_cleanly(tmp_path, content, words):
    path = tmp_path / "broken.csv"
    path.write_text(content)
    proc = run_cli("--csv", str(path))
    assert proc.returncode == 2
    assert words in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize("args, words", [(("--short", "30", "--long", "10"), "smaller than long_sma_window"),
                                         (("--periods", "0"), "num_periods"), (("--premium", "-1"), "premium")])
def test_bad_arguments_fail_cleanly(args, words):
    proc = run_cli(*args)
    assert proc.returncode == 2 and words in proc.stderr and "Traceback" not in proc.stderr


def test_unwritable_output_fails_cleanly(tmp_path):
    proc = run_cli("--seed", "1", "--trades-out", str(tmp_path / "missing-dir" / "t.csv"))
    assert proc.returncode == 2 and "cannot write" in proc.stderr
