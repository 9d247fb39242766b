"""The command line against the library: a subprocess of the checkout under test, its exit code and its words.

``PYTHONPATH`` points at this checkout, so the code tested is the code in this tree (not an installed copy).
Every failure must be one ``mesbook: error:`` line on stderr naming the flag, with exit code 2.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import mesbook as mb
from mesbook import cli, run_article, simulate_market_data

REPO = Path(__file__).resolve().parents[1]


def checkout_env() -> dict:
    env = dict(os.environ, MPLBACKEND="Agg")
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), *filter(None, [os.environ.get("PYTHONPATH")])])
    return env


def run_cli(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mesbook", *args], capture_output=True, text=True, cwd=cwd,
                          env=checkout_env(), timeout=120, stdin=subprocess.DEVNULL)


def one_line_error(proc: subprocess.CompletedProcess, *words: str) -> str:
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    lines = [line for line in proc.stderr.splitlines() if line.strip() and not line.startswith("mesbook: note:")]
    assert len(lines) == 1 and lines[0].startswith("mesbook: error: "), proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == "", proc.stdout
    for word in words:
        assert word in lines[0], f"{word!r} not in {lines[0]!r}"
    return lines[0]


def test_the_subprocess_runs_this_checkout():
    proc = subprocess.run([sys.executable, "-c", "import mesbook; print(mesbook.__file__)"], capture_output=True,
                          text=True, env=checkout_env(), cwd="/", timeout=60)
    assert Path(proc.stdout.strip()).resolve() == REPO / "mesbook" / "__init__.py"


def test_help_explains_every_option():
    proc = run_cli("--help")
    assert proc.returncode == 0
    for option in ("--periods", "--seed", "--short", "--long", "--premium", "--csv", "--trades-out", "--plot",
                   "--settings", "--json", "--sep", "--date-format", "--dayfirst", "--monthfirst", "--tz",
                   "--encoding", "--decimal", "--thousands", "classroom"):
        assert option in proc.stdout, option
    assert "not trading advice" in proc.stdout


def test_seeded_run_prints_the_library_summary_and_key_statistics():
    proc = run_cli("--seed", "42")
    assert proc.returncode == 0, proc.stderr
    frame, result = run_article(seed=42)
    lines = proc.stdout.splitlines()
    assert lines[0] == "data: simulated, 500 bars, seed 42; 2023-01-02 to 2024-11-29"
    assert "\n".join(lines[1:7]) == repr(result.summary())
    assert lines[7] == "settings: article"
    assert lines[8] == "clock: daily bars (business days), 252 a year"  # the spacing the figures used
    assert lines[9] == "window: short 10 bars = 10 trading days (typically 14 days of calendar time)"
    assert lines[10].startswith("window: long 30 bars") and lines[11].startswith("window: gradient 5 bars")
    stats = result.statistics(prices=frame["futures_price"])
    assert lines[12].split()[-1] == f"{stats['Return [%]']:.3g}" and lines[12].startswith("Return [%]")
    assert any(line.split()[-1] == str(stats["# Trades"]) and line.startswith("# Trades") for line in lines)
    assert run_cli("--seed", "42").stdout == proc.stdout and run_cli("run", "--seed", "42").stdout == proc.stdout


@pytest.mark.parametrize("name", ["realistic", "honest"])
def test_settings_presets_run_the_engine(name):
    proc = run_cli("--seed", "5", "--periods", "300", "--settings", name)
    assert proc.returncode == 0, proc.stderr
    preset = {"realistic": mb.REALISTIC, "honest": mb.HONEST}[name]
    expected = mb.run_backtest(simulate_market_data(300, seed=5), preset)
    assert repr(expected.summary()) in proc.stdout
    assert f"settings: {name}" in proc.stdout
    article = run_article(num_periods=300, seed=5)[1]
    assert repr(article.summary()) != repr(expected.summary())  # the presets really change the run


def test_json_is_machine_readable_and_matches_the_library():
    proc = run_cli("--seed", "3", "--periods", "200", "--settings", "honest", "--json")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)  # stdout holds only the JSON
    expected = mb.run_backtest(simulate_market_data(200, seed=3), mb.HONEST)
    assert report["settings"] == "honest"
    assert report["summary"]["final value ($)"] == pytest.approx(expected.final_value, rel=1e-12)
    assert report["statistics"]["# Trades"] == len(expected.trades)
    assert report["statistics"]["Sharpe Ratio"] == pytest.approx(expected.stats["Sharpe Ratio"], rel=1e-12, nan_ok=True)
    assert report["data"] == {"source": "simulated, 200 bars, seed 3", "bars": 200, "start": "2023-01-02T00:00:00",
                              "end": "2023-10-06T00:00:00",
                              "timestamps": "exchange time America/Chicago, tz-naive; each stamp is its bar's close"}
    assert report["clock"]["periods_per_year"] == 252 and report["clock"]["kind"] == "daily"
    assert report["windows"][0] == "short 10 bars = 10 trading days (typically 14 days of calendar time)"


def test_json_to_a_file_keeps_the_text_report(tmp_path):
    path = tmp_path / "out.json"
    proc = run_cli("--seed", "3", "--json", str(path))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("data: simulated") and f"json: {path}" in proc.stdout
    assert json.loads(path.read_text())["settings"] == "article"


def test_user_csv_and_trade_log(tmp_path):
    data = tmp_path / "mine.csv"
    simulate_market_data(300, seed=8).to_csv(data, index=False)
    trades = tmp_path / "trades.csv"
    proc = run_cli("--csv", str(data), "--short", "5", "--long", "20", "--trades-out", str(trades))
    assert proc.returncode == 0, proc.stderr
    log = pd.read_csv(trades)
    expected = run_article(simulate_market_data(300, seed=8), short_sma_window=5, long_sma_window=20)[1].trades
    assert len(log) == len(expected) and log["pnl"].sum() == pytest.approx(expected["pnl"].sum())


def test_loader_flags_reach_the_loader(tmp_path):
    """A European export: ';', decimal comma, day-first dates, latin-1 header, New York time."""
    data = simulate_market_data(120, seed=9)
    text = data.assign(timestamp=data["timestamp"].dt.strftime("%d/%m/%Y 10:00")).rename(
        columns={"open_interest": "Open Interest"})
    text["Börse"] = "CME"
    path = tmp_path / "export.csv"
    path.write_bytes(text.to_csv(index=False, sep=";", decimal=",").encode("latin-1"))
    proc = run_cli("--csv", str(path), "--dayfirst", "--tz", "America/New_York", "--json")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["data"]["start"] == f"{data['timestamp'].iloc[0]:%Y-%m-%d}T09:00:00"  # 10:00 New York = 09:00 Chicago
    assert any("renamed column(s) 'Open Interest'->'open_interest'" in note for note in report["notes"])
    assert "mesbook: note:" in proc.stderr
    loaded = mb.load_market_data(path, dayfirst=True, tz="America/New_York")
    assert report["summary"]["final value ($)"] == pytest.approx(run_article(loaded)[1].final_value, rel=1e-12)
    explicit = run_cli("--csv", str(path), "--sep", ";", "--decimal", ",", "--encoding", "latin-1",
                       "--date-format", "%d/%m/%Y %H:%M", "--tz", "America/New_York", "--json")
    assert json.loads(explicit.stdout)["summary"] == report["summary"], explicit.stderr


@pytest.mark.parametrize(
    "content, words",
    [
        ("timestamp,futures_price\n2024-01-02,4000\n", ["missing column", "open_interest"]),
        ("timestamp,futures_price,open_interest\n2024-01-02,4000,\n", ["line 2, column 'open_interest': missing value"]),
        ("timestamp,futures_price,open_interest\n2024-01-03,4000,5\n2024-01-02,4000,5\n", ["line 3", "out-of-order"]),
        ("timestamp,futures_price,open_interest\n01/02/2024,4000,5\n01/03/2024,4001,5\n",
         ["line 2, column 'timestamp'", "pass --dayfirst (day/month/year) or --monthfirst (month/day/year), or --date-format"]),
        ('timestamp,futures_price,open_interest\n2024-01-02,"4,000","20,000"\n', ["pass --decimal and --thousands"]),
        ("timestamp,futures_price,open_interest\n2024-01-02,4000,20,000\n", ["line 2 has 4 fields", "never shifted"]),
        ("timestamp,futures_price,open_interest\n1,4000,20000\n2,4001,20010\n", ["pass --date-format with its encoding"]),
    ],
)
def test_broken_csv_fails_cleanly_naming_the_flag(tmp_path, content, words):
    path = tmp_path / "broken.csv"
    path.write_text(content)
    message = one_line_error(run_cli("--csv", str(path)), *words)
    assert "=" not in message.replace("==", "")  # flags, never keyword arguments such as dayfirst=True


@pytest.mark.parametrize("args, words", [
    (("--short", "30", "--long", "10"), "--short (30) must be smaller than --long (10)"),
    (("--periods", "0"), "argument --periods: must be between 1 and 1,000,000, got 0"),
    (("--periods", "10000000000000"), "argument --periods: must be between 1 and 1,000,000"),
    (("--periods", "many"), "argument --periods: must be a whole number, got 'many'"),
    (("--seed", "-1"), "argument --seed: must be between 0"),
    (("--premium", "-1"), "argument --premium: must be a finite number > 0, got -1"),
    (("--cash", "nan"), "argument --cash: must be a finite number >= 0"),
    (("--settings", "wild"), "argument --settings: invalid choice: 'wild'"),
    (("--premium", "5", "--settings", "honest"), "--premium applies to --settings article only"),
    (("--sep", ";"), "--sep describe(s) a CSV file: add --csv PATH"),
    (("--dayfirst", "--monthfirst"), "not allowed with argument"),
    (("--bogus",), "unrecognized arguments: --bogus"),
])
def test_bad_arguments_fail_in_one_line_naming_the_flag(args, words):
    message = one_line_error(run_cli(*args), words)
    for internal in ("short_sma_window", "long_sma_window", "num_periods", "initial_cash", "expected non-negative"):
        assert internal not in message


@pytest.mark.parametrize("flag", ["--trades-out", "--plot", "--json"])
def test_outputs_never_overwrite_the_input(tmp_path, flag):
    path = tmp_path / "mine.csv"
    simulate_market_data(60, seed=1).to_csv(path, index=False)
    before = path.read_bytes()
    one_line_error(run_cli("--csv", str(path), flag, str(path)), f"{flag} {path} is the --csv input file")
    same_file_other_spelling = str(tmp_path / "." / "mine.csv")
    one_line_error(run_cli("--csv", str(path), flag, same_file_other_spelling), "is the --csv input file")
    assert path.read_bytes() == before


def test_two_outputs_to_one_path_are_refused(tmp_path):
    one_line_error(run_cli("--seed", "1", "--trades-out", str(tmp_path / "a"), "--json", str(tmp_path / "a")),
                   "--trades-out and --json name the same file")


def test_unwritable_output_fails_cleanly(tmp_path):
    one_line_error(run_cli("--seed", "1", "--trades-out", str(tmp_path / "missing-dir" / "t.csv")), "cannot write")


def test_classroom_is_dispatched():
    proc = run_cli("classroom", "--help")
    assert proc.returncode == 0, proc.stderr
    assert "classroom" in proc.stdout


def test_a_missing_classroom_module_is_one_line(monkeypatch, capsys):
    # an installation without the classroom package: importing it raises ImportError, whatever ran before
    monkeypatch.setitem(sys.modules, "mesbook.classroom", None)
    monkeypatch.setitem(sys.modules, "mesbook.classroom.cli", None)
    assert cli.main(["classroom", "grade"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("mesbook: error: the classroom command is not available")


def test_flag_words_translates_every_loader_argument():
    assert cli.flag_words("pass sep= or encoding='latin-1' or date_format='%Y' or tz= or decimal=',', thousands='.'"
                          ) == ("pass --sep or --encoding 'latin-1' or --date-format '%Y' or --tz or --decimal ',', "
                                "--thousands '.'")
    assert cli.flag_words("premium must be > 0; short_sma_window (5)") == "--premium must be > 0; --short (5)"


def test_a_bad_classroom_command_line_is_one_line(capsys):
    """argparse's usage block never reaches the user: a classroom verb's bad arguments are one line, exit 2."""
    assert cli.main(["classroom", "grade"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("mesbook classroom: error: "), err
    assert "SUBMISSIONS" in err or "required" in err, err
