"""The command line's outputs are all or nothing: folders checked before the run, temporary files renamed at the end,
nothing left behind by an error or Ctrl-C, and every error naming its flag.

The SIGINT test runs ``python -m mesbook`` in a subprocess of this checkout and interrupts it; the others call
``cli.main`` in-process with one step made to fail or to be interrupted at a known moment.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from mesbook import cli, commandline
from mesbook.commandline import Outputs, UsageError

REPO = Path(__file__).resolve().parents[1]


def env() -> dict:
    return {**os.environ, "MPLBACKEND": "Agg", "PYTHONPATH": str(REPO)}


def resident_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:")) / 1024
    except (OSError, StopIteration):
        return 0.0


def outputs_args(folder: Path) -> list[str]:
    return ["--seed", "1", "--periods", "300", "--trades-out", str(folder / "trades.csv"), "--json",
            str(folder / "run.json"), "--plot", str(folder / "run.png")]


def _interrupted_run(tmp_path: Path, moment: str, attempt: int) -> tuple[subprocess.Popen, str, str, Path] | None:
    """One run of the CLI, sent SIGINT at ``moment``; None when the run got past the moment before the signal
    landed (a loaded machine can deschedule this process long enough for the child to finish its outputs)."""
    out = tmp_path / f"out{attempt}"
    out.mkdir()
    args = ["--seed", "1", "--periods", "1000000", "--settings", "honest", "--trades-out", str(out / "trades.csv"),
            "--json", str(out / "run.json"), "--plot", str(out / "run.png")]
    # A shell without job control starts background jobs with SIGINT ignored, and Python keeps it ignored: the
    # child gets the default disposition back, as a terminal's foreground run has it.
    proc = subprocess.Popen([sys.executable, "-m", "mesbook", *args], cwd=tmp_path, env=env(), stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None and not (
            any(out.iterdir()) if moment == "writing" else resident_mb(proc.pid) > 250):
        time.sleep(0.005)  # "backtest": the imports take about 200 MB, the million-bar run grows past 250 MB
    assert proc.poll() is None, "the run ended before it could be interrupted"
    if moment == "writing":
        assert all(p.name.endswith(".part") for p in out.iterdir())  # the outputs are being written, none finished
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=120)
    if proc.returncode == 0 and moment == "writing":
        # the signal came after the last output was renamed into place: the run was over, not interrupted
        assert sorted(p.name for p in out.iterdir()) == ["run.json", "run.png", "trades.csv"]
        return None
    return proc, stdout, stderr, out


@pytest.mark.parametrize("moment", ["backtest", "writing"])
def test_sigint_leaves_no_output_file_and_one_line(tmp_path, moment):
    """Ctrl-C during the million-bar backtest (once past the imports), or as the first output's temporary file
    appears (the moment a file exists that must not be left behind)."""
    for attempt in range(5):
        run = _interrupted_run(tmp_path, moment, attempt)
        if run is not None:
            break
    assert run is not None, "five runs finished their outputs before SIGINT reached them"
    proc, stdout, stderr, out = run
    assert proc.returncode == 130, (proc.returncode, stderr)
    assert stderr.splitlines() == ["mesbook: interrupted (Ctrl-C); no output file was written"], stderr
    assert "Traceback" not in stdout + stderr
    assert sorted(p.name for p in out.iterdir()) == []


def mapped(pid: int, library: str) -> bool:
    """Whether the process has loaded a shared object of ``library`` (its import has begun)."""
    try:
        with open(f"/proc/{pid}/maps", encoding="ascii", errors="replace") as maps:
            return f"/{library}/" in maps.read()
    except OSError:
        return False


@pytest.mark.parametrize("entry", ["python -m mesbook", "mesbook script"])
@pytest.mark.parametrize("library", ["numpy", "pyarrow"])
def test_sigint_while_the_libraries_load_is_one_line_and_130(tmp_path, entry, library):
    """Ctrl-C while the package imports numpy (its first library) or pandas' pyarrow, before any of the command's
    code runs: one line on stderr, nothing on stdout, exit code 130 (not a traceback through importlib)."""
    if entry == "mesbook script":  # the console script pip writes for [project.scripts] (pyproject.toml)
        script = tmp_path / "mesbook"
        script.write_text("import sys\nfrom mesbook.cli import main\nif __name__ == '__main__':\n    sys.exit(main())\n")
        command = [sys.executable, str(script)]
    else:
        command = [sys.executable, "-m", "mesbook"]
    proc = subprocess.Popen([*command, "--seed", "1", "--periods", "1000000", "--json", str(tmp_path / "run.json")],
                            cwd=tmp_path, env=env(), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None and not mapped(proc.pid, library):
        time.sleep(0.001)
    assert proc.poll() is None, "the command ended before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)
    assert (proc.returncode, stderr, stdout) == (130, "mesbook: interrupted (Ctrl-C); no output file was written\n",
                                                 "")
    assert not (tmp_path / "run.json").exists()


def test_ctrl_c_while_writing_removes_the_files_already_written(tmp_path, monkeypatch, capsys):
    """The trade log is written (to its temporary file) when Ctrl-C comes during the figure: nothing stays."""
    import mesbook.plots

    def interrupted_figure(*args, **kwargs):
        assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".trades.csv.")], "trade log not yet written"
        raise KeyboardInterrupt

    monkeypatch.setattr(mesbook.plots, "plot_run", interrupted_figure)
    assert cli.main(outputs_args(tmp_path)) == 130
    assert list(tmp_path.iterdir()) == []
    assert capsys.readouterr().err == "mesbook: interrupted (Ctrl-C); no output file was written\n"


def test_one_output_failing_leaves_none_of_the_others(tmp_path, monkeypatch, capsys):
    from matplotlib.figure import Figure

    def full_disk(self, *args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Figure, "savefig", full_disk)
    assert cli.main(outputs_args(tmp_path)) == 2
    assert list(tmp_path.iterdir()) == []
    err = capsys.readouterr().err
    assert err == (f"mesbook: error: --plot {tmp_path / 'run.png'}: cannot write output: [Errno 28] No space left on "
                   "device\n")


def test_a_missing_output_folder_is_refused_before_the_run(tmp_path, monkeypatch, capsys):
    def no_run(args):
        raise AssertionError("the backtest ran although an output folder is missing")

    monkeypatch.setattr(cli, "_backtest", no_run)
    args = outputs_args(tmp_path)
    args[args.index("--json") + 1] = str(tmp_path / "missing" / "run.json")
    assert cli.main(args) == 2
    assert list(tmp_path.iterdir()) == []
    assert capsys.readouterr().err == (f"mesbook: error: --json {tmp_path / 'missing' / 'run.json'}: cannot write "
                                       f"output: the folder {tmp_path / 'missing'} does not exist; create it or choose "
                                       "another path\n")


def test_an_unknown_figure_type_is_refused_before_the_run(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(cli, "_backtest", lambda args: pytest.fail("the backtest ran"))
    assert cli.main(["--seed", "1", "--plot", str(tmp_path / "run.xyz")]) == 2
    assert capsys.readouterr().err.startswith(f"mesbook: error: --plot {tmp_path / 'run.xyz'}: unknown figure type "
                                              "'xyz'; use a name ending in .png, .svg or .pdf")


def test_a_folder_as_output_names_its_flag(tmp_path, capsys):
    assert cli.main(["--seed", "1", "--trades-out", str(tmp_path)]) == 2
    assert capsys.readouterr().err == (f"mesbook: error: --trades-out {tmp_path}: cannot write output: it is a folder; "
                                       "give a file name\n")


def test_a_read_error_of_the_csv_names_the_flag(tmp_path, capsys):
    assert cli.main(["--csv", str(tmp_path / "nowhere.csv")]) == 2
    assert capsys.readouterr().err == (f"mesbook: error: --csv {tmp_path / 'nowhere.csv'}: no CSV file at "
                                       f"{str(tmp_path / 'nowhere.csv')!r}; check the path\n")


def test_outputs_all_written_then_renamed(tmp_path):
    outputs = Outputs({"--a": str(tmp_path / "a.txt"), "--b": str(tmp_path / "b.txt"), "--c": None})
    outputs.check()
    outputs.write("--a", lambda path: Path(path).write_text("A"))
    outputs.write("--b", lambda path: Path(path).write_text("B"))
    assert not (tmp_path / "a.txt").exists() and len(list(tmp_path.iterdir())) == 2  # two temporary files
    outputs.commit()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.txt"]
    assert (tmp_path / "a.txt").read_text() == "A"
    assert (tmp_path / "a.txt").stat().st_mode & 0o777 == 0o666 & ~commandline._umask()  # not mkstemp's 0600


class _PoolThread:
    """A thread started before the work, as a library's pool thread is (so it does not inherit a signal mask the
    work sets): ``press()`` has SIGINT reach it, not the main thread. Only the main thread's Python handler can
    then hold the Ctrl-C off."""

    def __init__(self) -> None:
        import threading
        self._go, self._done = threading.Event(), threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        import threading
        self._go.wait()
        signal.pthread_kill(threading.get_ident(), signal.SIGINT)
        self._done.set()

    def press(self) -> None:
        self._go.set()
        self._done.wait(5)


@pytest.mark.parametrize("thread", ["main", "other"])
def test_a_ctrl_c_during_the_renames_is_held_and_dropped(tmp_path, monkeypatch, thread):
    """Ctrl-C pressed while the outputs are renamed: every rename still happens, and no KeyboardInterrupt follows
    (the outputs are complete; the run must not end saying that none was written), whichever thread it hit."""
    outputs = Outputs({"--a": str(tmp_path / "a.txt"), "--b": str(tmp_path / "b.txt")})
    outputs.write("--a", lambda path: Path(path).write_text("A"))
    outputs.write("--b", lambda path: Path(path).write_text("B"))
    replace, pool = os.replace, _PoolThread()

    def replace_and_press_ctrl_c(source, target):
        replace(source, target)
        if target.endswith("a.txt"):
            if thread == "main":
                signal.raise_signal(signal.SIGINT)
            else:
                pool.press()
            time.sleep(0.05)  # a handler runs here, if one is going to

    monkeypatch.setattr(commandline.os, "replace", replace_and_press_ctrl_c)
    outputs.commit()
    time.sleep(0.05)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.txt"]


def test_a_ctrl_c_while_a_temporary_file_is_made_is_raised_once_it_is_listed(tmp_path, monkeypatch):
    """Ctrl-C between the temporary file's creation and its listing for discard() waits for the listing, then
    raises KeyboardInterrupt as usual, so discard() removes the file."""
    outputs = Outputs({"--a": str(tmp_path / "a.txt")})
    mkstemp, pool = commandline.tempfile.mkstemp, _PoolThread()

    def mkstemp_and_press_ctrl_c(*args, **kwargs):
        made = mkstemp(*args, **kwargs)
        pool.press()
        time.sleep(0.05)
        return made

    monkeypatch.setattr(commandline.tempfile, "mkstemp", mkstemp_and_press_ctrl_c)
    with pytest.raises(KeyboardInterrupt):
        outputs.write("--a", lambda path: Path(path).write_text("A"))
    outputs.discard()
    assert list(tmp_path.iterdir()) == []


def test_outputs_discarded_after_a_failed_writer(tmp_path):
    outputs = Outputs({"--a": str(tmp_path / "a.txt"), "--b": str(tmp_path / "b.txt")})
    outputs.write("--a", lambda path: Path(path).write_text("A"))
    with pytest.raises(UsageError, match=r"^--b .*b\.txt: cannot write output: bad$"):
        outputs.write("--b", lambda path: (_ for _ in ()).throw(ValueError("bad")))
    outputs.discard()
    assert list(tmp_path.iterdir()) == []


def test_interrupted_is_one_line_and_130(capsys):
    assert commandline.interrupted() == 130
    assert capsys.readouterr().err == "mesbook: interrupted (Ctrl-C); no output file was written\n"


def test_flag_words_translates_the_vendor_arguments():
    assert cli.flag_words("pass columns={'timestamp': 'Date', 'futures_price': 'Close'}, price_scale=1e-9") == (
        "pass --column timestamp=Date --column futures_price=Close, --price-scale 1e-9")
    assert cli.flag_words("pass names=['date', 'time'], dayfirst=False, tz='America/New_York'") == (
        "pass --names date,time, --monthfirst, --tz 'America/New_York'")
    assert cli.flag_words("pass symbol='MESH4' (or another of them), or roll='open_interest'") == (
        "pass --symbol 'MESH4' (or another of them), or --roll 'open_interest'")
    assert cli.flag_words("price_scale must be a positive number") == "--price-scale must be a positive number"


def test_a_vendor_file_is_refused_with_flags_and_the_flags_load_it(tmp_path, capsys):
    path = tmp_path / "barchart.csv"
    rows = [f"{day:%m/%d/%Y},5180.00,5190.25,5170.50,{5175.25 + i},-4.75,-0.09%,1523344,{1811904 + 10 * i}"
            for i, day in enumerate(pd.bdate_range("2024-01-02", periods=60))]
    path.write_text("Time,Open,High,Low,Last,Change,%Chg,Volume,Open Int\n" + "\n".join(rows) + "\n")
    assert cli.main(["--csv", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"mesbook: error: {str(path)!r} is missing column(s) ")
    assert err.endswith("this is a Barchart download: pass --column timestamp=Time --column futures_price=Last "
                        "--column 'open_interest=Open Int'\n")
    assert cli.main(["--csv", str(path), "--column", "timestamp=Time", "--column", "futures_price=Last",
                     "--column", "open_interest=Open Int", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["data"]["bars"] == 60 and report["data"]["start"] == "2024-01-02T00:00:00"


def test_prices_a_hundred_times_too_small_are_refused_with_the_flag_that_loads_them(tmp_path, capsys):
    path = tmp_path / "hundreds.csv"
    rows = [f"{day:%Y-%m-%d},{(5123.25 + i) / 100:.4f},{1811904 + 10 * i}"
            for i, day in enumerate(pd.bdate_range("2024-01-02", periods=60))]
    path.write_text("timestamp,futures_price,open_interest\n" + "\n".join(rows) + "\n")
    assert cli.main(["--csv", str(path)]) == 2
    assert capsys.readouterr().err == (
        f"mesbook: error: {str(path)!r} line 2, column 'futures_price': prices around 51.5275 are not index points "
        "(this loader takes 500 to 20,000), e.g. '51.2325'; they look 2 power(s) of ten too small: pass "
        "--price-scale 1e2\n")
    assert cli.main(["--csv", str(path), "--price-scale", "1e2", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["data"]["bars"] == 60


def test_help_names_the_vendor_flags():
    text = cli.build_parser().format_help()
    for flag in ("--column MARKET=COLUMN", "--names A,B,...", "--symbol NAME", "--roll", "--price-scale FACTOR"):
        assert flag in text, flag


@pytest.mark.parametrize("args, words", [
    (["--column", "futures_price"], "argument --column: must be MARKET=COLUMN such as futures_price=Close, got "
                                    "'futures_price'"),
    (["--price-scale", "0"], "argument --price-scale: must be a finite number > 0, got 0"),
    (["--price-scale", "x"], "argument --price-scale: must be a number such as 1e-9, got 'x'"),
    (["--symbol", "MESM4"], "--symbol describe(s) a CSV file: add --csv PATH"),
])
def test_bad_vendor_flags_are_one_line(args, words, capsys):
    assert cli.main(args) == 2
    assert capsys.readouterr().err == f"mesbook: error: {words}\n"
