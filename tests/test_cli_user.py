"""``python -m mesbook`` used as a reader of the README would: from their own folder, on their own files.

tests/test_cli.py covers the options against the library (summaries, presets, JSON, loader flags, bad
arguments). This file adds what a user meets and that does not hold there: the command run from a folder
that is not the repository (relative paths resolve against the user's folder), the defaults, the figure
written by ``--plot`` (a real PNG/SVG/PDF), CSVs as spreadsheets and vendors export them, every other way a
CSV can be broken, and output piped into ``head``. The code run is this checkout's (``PYTHONPATH`` points
at it), not whatever copy happens to be installed. A failing run must exit 2 with one line saying what is
wrong and no traceback.
"""
from __future__ import annotations

import gzip
import os
import shutil
import struct
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
GOOD_HEADER = "timestamp,futures_price,open_interest\n"


def user_env() -> dict:
    """A user's shell (no PYTHONHOME/PYTHONSTARTUP, a headless backend) running this checkout's mesbook."""
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP"}}
    env["MPLBACKEND"] = "Agg"
    env["PYTHONPATH"] = str(REPO)  # the code under test, whatever copy is installed
    return env


def mesbook(*args: str, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    """``python -m mesbook ARGS`` run in ``cwd`` (never the repository)."""
    assert Path(cwd).resolve() != REPO
    return subprocess.run([sys.executable, "-m", "mesbook", *args], cwd=cwd, env=user_env(), capture_output=True,
                          text=True, timeout=timeout, stdin=subprocess.DEVNULL)


def assert_clean_failure(proc: subprocess.CompletedProcess, *words: str) -> None:
    """Exit code 2, one ``mesbook: error:`` line containing ``words``, no traceback, nothing on stdout."""
    output = proc.stdout + proc.stderr
    assert "Traceback" not in output and "Exception ignored" not in output, output
    assert proc.returncode == 2, f"exit code {proc.returncode}\n{output}"
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("mesbook: error:"), proc.stderr
    assert proc.stdout == "", proc.stdout
    message = lines[-1]
    for word in words:
        assert word.lower() in message.lower(), f"{word!r} not in {message!r}"
    # Written for people: no numpy/pandas reprs such as np.float64(-5.0) or Timestamp('2024-01-02 00:00:00').
    assert "np.float64" not in message and "np.int64" not in message and "Timestamp(" not in message, message


def summary_lines(stdout: str) -> list[str]:
    return [line for line in stdout.splitlines() if line.strip()]


@pytest.fixture
def home(tmp_path) -> Path:
    """The user's own folder."""
    folder = tmp_path / "home"
    folder.mkdir()
    return folder


def write_market_csv(path: Path, bars: int = 300, seed: int = 8, **to_csv) -> Path:
    from mesbook import simulate_market_data

    simulate_market_data(bars, seed=seed).to_csv(path, index=False, **to_csv)
    return path


# -- the installed package, from anywhere ------------------------------------------------------------------

def test_the_command_runs_this_checkout_from_any_folder(home):
    proc = subprocess.run([sys.executable, "-c", "import mesbook, sys; print(mesbook.__file__)"], cwd=home,
                          env=user_env(), capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert Path(proc.stdout.strip()).resolve() == REPO / "mesbook" / "__init__.py"


def test_defaults_run_the_article(home):
    proc = mesbook(cwd=home)
    assert proc.returncode == 0, proc.stderr
    lines = summary_lines(proc.stdout)
    assert lines[0].startswith("data: simulated, 500 bars, seed None;"), lines[0]
    for label in ("initial cash", "final value", "net P&L", "trades", "win rate", "signals"):
        assert any(line.startswith(label) for line in lines), f"no {label!r} line in\n{proc.stdout}"
    assert proc.stderr.strip() == "", proc.stderr
    assert list(home.iterdir()) == [], "a plain run must not write files into the user's folder"


def test_a_seed_gives_the_same_output_in_any_folder(home, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    first, second = mesbook("--seed", "7", cwd=home), mesbook("--seed", "7", cwd=elsewhere)
    assert first.returncode == second.returncode == 0, first.stderr + second.stderr
    assert first.stdout == second.stdout
    assert "seed 7" in first.stdout
    assert mesbook("--seed", "8", cwd=home).stdout != first.stdout


def test_console_script_matches_python_dash_m(home):
    try:
        metadata.distribution("mesbook")
    except metadata.PackageNotFoundError:
        pytest.skip("mesbook is not pip-installed in this interpreter (run `make venv`)")
    script = Path(sys.executable).with_name("mesbook")
    if not script.exists():
        script = Path(shutil.which("mesbook") or script)
    assert script.exists(), "pip installed mesbook but not its `mesbook` command (pyproject [project.scripts])"
    proc = subprocess.run([str(script), "--seed", "3"], cwd=home, env=user_env(), capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == mesbook("--seed", "3", cwd=home).stdout


# -- the user's own CSV and output files, relative to the user's folder ------------------------------------

def test_relative_paths_are_the_users(home):
    write_market_csv(home / "mine.csv")
    proc = mesbook("--csv", "mine.csv", "--trades-out", "trades.csv", "--plot", "run.png", cwd=home)
    assert proc.returncode == 0, proc.stderr
    assert "data: mine.csv;" in proc.stdout
    assert (home / "trades.csv").is_file() and (home / "run.png").is_file()
    assert not (REPO / "trades.csv").exists() and not (REPO / "run.png").exists()


def test_plot_writes_a_real_png(home):
    proc = mesbook("--seed", "42", "--plot", "out.png", cwd=home)
    assert proc.returncode == 0, proc.stderr
    assert "figure: out.png" in proc.stdout
    data = (home / "out.png").read_bytes()
    assert data[:8] == PNG_SIGNATURE, "not a PNG file"
    width, height = struct.unpack(">II", data[16:24])  # the IHDR chunk
    assert width >= 400 and height >= 300, (width, height)
    import matplotlib.image as mpimg

    pixels = mpimg.imread(home / "out.png")
    assert pixels.shape[:2] == (height, width)
    assert float(pixels[..., :3].std()) > 0.05, "the figure is blank"


@pytest.mark.parametrize("name, magic", [("out.svg", b"<?xml"), ("out.pdf", b"%PDF")])
def test_plot_writes_svg_and_pdf(home, name, magic):
    proc = mesbook("--seed", "1", "--plot", name, cwd=home)
    assert proc.returncode == 0, proc.stderr
    assert (home / name).read_bytes()[: len(magic)] == magic


def test_plot_library_function_exists():
    from mesbook.plots import plot_run  # what --plot uses; the book and users can call it too

    assert callable(plot_run)


def test_spreadsheet_export_csv(home):
    """Excel-style: UTF-8 with BOM, CRLF line ends, US dates, columns in another order, an extra column."""
    from mesbook import simulate_market_data

    data = simulate_market_data(150, seed=5)
    data["volume"] = 1000
    data["timestamp"] = data["timestamp"].dt.strftime("%m/%d/%Y")
    path = home / "Export From Excel.csv"
    data[["volume", "open_interest", "timestamp", "futures_price"]].to_csv(
        path, index=False, lineterminator="\r\n", encoding="utf-8-sig")
    proc = mesbook("--csv", path.name, "--seed", "99", cwd=home)
    assert proc.returncode == 0, proc.stderr
    first, last = simulate_market_data(150, seed=5)["timestamp"].iloc[[0, -1]]
    assert f"{first:%Y-%m-%d} to {last:%Y-%m-%d}" in proc.stdout.splitlines()[0]


# -- broken CSVs: a clear one-line message, exit code 2, no traceback --------------------------------------

BROKEN = {
    "missing column": (GOOD_HEADER.replace(",open_interest", "") + "2024-01-02,4000\n", ["missing column", "open_interest"]),
    "NaN value": (GOOD_HEADER + "2024-01-02,4000,20000\n2024-01-03,NaN,20010\n", ["futures_price", "missing"]),
    "empty cell": (GOOD_HEADER + "2024-01-02,4000,20000\n2024-01-03,4001,\n", ["open_interest", "missing"]),
    "unsorted dates": (GOOD_HEADER + "2024-01-03,4000,20000\n2024-01-02,4001,20010\n", ["timestamp"]),
    "duplicate dates": (GOOD_HEADER + "2024-01-02,4000,20000\n2024-01-02,4001,20010\n", ["duplicate", "timestamp"]),
    "non-numeric price": (GOOD_HEADER + "2024-01-02,4000,20000\n2024-01-03,abc,20010\n", ["futures_price", "not a number", "abc"]),
    "non-numeric OI": (GOOD_HEADER + "2024-01-02,4000,20000\n2024-01-03,4001,lots\n", ["open_interest", "not a number"]),
    "not a date": (GOOD_HEADER + "2024-01-02,4000,20000\nyesterday,4001,20010\n", ["timestamp", "not a date", "yesterday"]),
    "negative price": (GOOD_HEADER + "2024-01-02,-5,20000\n2024-01-03,4001,20010\n", ["futures_price", "> 0"]),
    "infinite OI": (GOOD_HEADER + "2024-01-02,4000,inf\n2024-01-03,4001,20010\n", ["open_interest", "infinite"]),
    "empty file": ("", ["empty.csv", "is empty", "header line"]),
    "header only": (GOOD_HEADER, ["empty", "no data rows"]),
    "missing separator quotes": (GOOD_HEADER + "2024-01-02,4,000.25,20000\n", ["line 2 has 4 fields", "quoted"]),
    "a value from another format": (GOOD_HEADER + "2024-01-02,4000,20000\n03.01.2024,4001,20010\n",
                                    ["line 3", "timestamp", "--date-format"]),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_csv(home, case):
    content, words = BROKEN[case]
    name = "empty.csv" if case == "empty file" else "broken.csv"
    (home / name).write_text(content, encoding="utf-8")
    assert_clean_failure(mesbook("--csv", name, cwd=home), *words)


@pytest.mark.parametrize("name, make", [
    ("semicolons.csv", lambda df: df.to_csv(index=False, sep=";", decimal=",").encode()),
    ("tabs.txt", lambda df: df.to_csv(index=False, sep="\t").encode("utf-16")),
    ("download.csv", lambda df: gzip.compress(df.to_csv(index=False).encode())),
    ("excel.csv", lambda df: (df.to_csv(index=False, lineterminator="\r\n") + ",,\r\n,,\r\n").encode("utf-8-sig")),
])
def test_real_world_exports_load_with_a_note(home, name, make):
    """A semicolon/decimal-comma file, UTF-16 tabs, gzip under .csv, Excel's trailing rows: the numbers of
    the plain file, and one ``mesbook: note:`` line saying what was read differently."""
    from mesbook import simulate_market_data

    write_market_csv(home / "plain.csv", bars=200, seed=4)
    (home / name).write_bytes(make(simulate_market_data(200, seed=4)))
    plain, other = mesbook("--csv", "plain.csv", cwd=home), mesbook("--csv", name, cwd=home)
    assert other.returncode == 0, other.stderr
    assert other.stdout.replace(name, "plain.csv") == plain.stdout
    notes = other.stderr.splitlines()
    assert len(notes) == 1 and notes[0].startswith(f"mesbook: note: {name!r}"), other.stderr


def test_binary_file_as_csv(home):
    (home / "photo.csv").write_bytes(PNG_SIGNATURE + bytes(range(256)) * 4)
    assert_clean_failure(mesbook("--csv", "photo.csv", cwd=home), "photo.csv")


def test_csv_not_found(home):
    assert_clean_failure(mesbook("--csv", "nowhere.csv", cwd=home), "nowhere.csv", "no csv file")


def test_csv_is_a_directory(home):
    (home / "data").mkdir()
    assert_clean_failure(mesbook("--csv", "data", cwd=home), "data")


def test_plot_in_a_missing_folder(home):
    assert_clean_failure(mesbook("--seed", "1", "--plot", "no/such/dir/out.png", cwd=home), "cannot write")


def test_plot_with_an_unknown_file_type(home):
    assert_clean_failure(mesbook("--seed", "1", "--plot", "figure.xyz", cwd=home), "xyz")


def test_output_piped_into_head_does_not_crash(home):
    """``python -m mesbook | head -1``: the reader closes the pipe early; no BrokenPipeError traceback."""
    proc = subprocess.Popen([sys.executable, "-m", "mesbook", "--seed", "1"], cwd=home, env=user_env(),
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # before the interpreter has even imported pandas: every write hits a closed pipe
    try:
        err = proc.stderr.read().decode(errors="replace")
        proc.wait(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stderr.close()
    assert "Traceback" not in err and "BrokenPipeError" not in err, err
