"""Command line: ``python -m mesbook [COMMAND] [OPTIONS]``.

Commands: ``run`` (the default, so ``python -m mesbook --seed 42`` is ``python -m mesbook run --seed 42``)
backtests the OI bot on simulated data or the user's CSV under a named preset; ``classroom`` hands its
arguments to :mod:`mesbook.classroom.cli`. Every error is one ``mesbook: error: ...`` line on stderr,
naming the flag to change, with exit code 2; never a traceback. Outputs are all or nothing: their folders
are checked before the run, they are written to temporary files renamed once every one is written, and
Ctrl-C prints one line, leaves no file behind and exits with 130.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import math
import os
import re
import shlex
import sys
import warnings
from typing import Optional, Sequence

import pandas as pd

from .commandline import OneLineParser, Outputs, UsageError, fail, interrupted, raise_on_ctrl_c
from .constants import (
    INITIAL_CASH,
    NUM_PERIODS,
    OI_GRADIENT_WINDOW,
    OI_LONG_SMA_WINDOW,
    OI_SHORT_SMA_WINDOW,
    OPTION_PREMIUM_FIXED,
)

DESCRIPTION = """\
Run the open-interest MES options bot: simulate (or load) futures prices and open interest, compute the
OI indicators, generate BUY/SELL/HOLD signals and backtest the trades, either as the article does
(--settings article, the default) or with the book's realism presets (realistic, honest).
Educational software, not trading advice."""

EPILOG = """\
commands:
  run        this command (the default): python -m mesbook --seed 42 = python -m mesbook run --seed 42
  classroom  the instructor's tools: python -m mesbook classroom --help"""

#: Presets --settings can name: the article's replay, and two engine presets (mesbook.engine.settings).
SETTINGS_NAMES = ("article", "realistic", "honest")
#: Most simulated bars the command line accepts (about 4,000 years of business days).
MAX_PERIODS = 1_000_000
#: Rows of the statistics table printed under the summary.
KEY_STATS = ("Return [%]", "Buy & Hold Return [%]", "Return (Ann.) [%]", "Sharpe Ratio", "Max. Drawdown [%]",
             "Total Costs [$]", "# Trades", "Win Rate [%]", "Profit Factor")
#: Library parameter names as the flags that set them, for messages.
FLAG_NAMES = {"short_sma_window": "--short", "long_sma_window": "--long", "gradient_window": "--gradient",
              "num_periods": "--periods", "initial_cash": "--cash", "premium": "--premium"}
LOADER_FLAGS = ("sep", "date_format", "dayfirst", "tz", "encoding", "decimal", "thousands", "columns", "names", "symbol",
                "roll", "price_scale", "stamps")
COMMANDS = ("run", "classroom")


def _whole(flag: str, minimum: int, maximum: int = 2**31 - 1):
    def convert(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}") from None
        if not minimum <= value <= maximum:
            raise argparse.ArgumentTypeError(f"must be between {minimum:,} and {maximum:,}, got {value:,}")
        return value
    return convert


def _money(flag: str, strict: bool):
    def convert(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be a number of dollars, got {text!r}") from None
        if not math.isfinite(value) or value < 0 or (strict and value == 0):
            raise argparse.ArgumentTypeError(f"must be a finite number {'>' if strict else '>='} 0, got {text}")
        return value
    return convert


def _separator(text: str) -> str:
    return {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}.get(text.lower(), text)


def _column(text: str) -> tuple[str, str]:
    market, sep, column = text.partition("=")
    if not sep or not market.strip() or not column:
        raise argparse.ArgumentTypeError(f"must be MARKET=COLUMN such as futures_price=Close, got {text!r}")
    return market.strip(), column


def _names(text: str) -> list[str]:
    return [name.strip() for name in text.split(",")]


def _positive(example: str):
    """A converter to a finite number > 0; ``example`` completes "must be a number such as ..."."""
    def convert(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be a number such as {example}, got {text!r}") from None
        if not math.isfinite(value) or value <= 0:
            raise argparse.ArgumentTypeError(f"must be a finite number > 0, got {text}")
        return value
    return convert


_scale = _positive("1e-9")
_year = _positive("252 (bars a year)")


def _duration(text: str) -> pd.Timedelta:
    try:
        value = pd.Timedelta(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a duration such as 18h or '1 day', got {text!r}") from None
    if pd.isna(value) or value < pd.Timedelta(0):
        raise argparse.ArgumentTypeError(f"must be a duration >= 0, got {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The parser of the ``run`` command (what ``python -m mesbook`` without a command runs)."""
    parser = OneLineParser(prog="python -m mesbook", description=DESCRIPTION, epilog=EPILOG,
                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--settings", choices=SETTINGS_NAMES, default="article",
                        help="article: the article's script exactly (default); realistic: option pricing, "
                             "expiries, costs, next-bar fills, OI lag; honest: realistic plus the roll filter")
    parser.add_argument("--periods", type=_whole("--periods", 1, MAX_PERIODS), default=NUM_PERIODS, metavar="N",
                        help=f"number of simulated business-day bars (default {NUM_PERIODS}); ignored with --csv")
    parser.add_argument("--seed", type=_whole("--seed", 0), default=None,
                        help="seed for the simulated data; without it every run differs, as in the article")
    parser.add_argument("--short", type=_whole("--short", 1), default=OI_SHORT_SMA_WINDOW, metavar="BARS",
                        help=f"short moving-average window of open interest, bars (default {OI_SHORT_SMA_WINDOW})")
    parser.add_argument("--long", type=_whole("--long", 2), default=OI_LONG_SMA_WINDOW, metavar="BARS",
                        help=f"long moving-average window of open interest, bars (default {OI_LONG_SMA_WINDOW})")
    parser.add_argument("--gradient", type=_whole("--gradient", 1), default=OI_GRADIENT_WINDOW, metavar="BARS",
                        help=f"gradient window, bars (default {OI_GRADIENT_WINDOW}; unused by the article's rule)")
    parser.add_argument("--premium", type=_money("--premium", strict=True), default=None, metavar="DOLLARS",
                        help=f"fixed price paid per option, dollars (default {OPTION_PREMIUM_FIXED} = 2.5 points x $5; "
                             "--settings article only)")
    parser.add_argument("--cash", type=_money("--cash", strict=False), default=INITIAL_CASH, metavar="DOLLARS",
                        help=f"initial cash, dollars (default {INITIAL_CASH:,})")
    parser.add_argument("--periods-per-year", type=_year, default=None, metavar="BARS",
                        help="bars a year for volatility and every annualized figure (default: measured from the "
                             "timestamps, e.g. 252 for business-day bars; the output says which was used)")
    data = parser.add_argument_group("your own data (see mesbook.load_market_data)")
    data.add_argument("--csv", metavar="PATH",
                      help="a CSV with columns timestamp, futures_price, open_interest (any case; extra columns kept); "
                           "separator, encoding and compression are detected")
    data.add_argument("--sep", type=_separator, metavar="CHAR", help="the CSV's separator: , ; tab | (default: sniffed)")
    data.add_argument("--encoding", metavar="NAME", help="the CSV's encoding, e.g. latin-1 (default: detected)")
    data.add_argument("--date-format", metavar="FMT",
                      help="strftime format of the timestamps (e.g. %%d.%%m.%%Y), or s, ms, us, ns (Unix time) or excel")
    order = data.add_mutually_exclusive_group()
    order.add_argument("--dayfirst", action="store_const", const=True, default=None,
                       help="dates are day/month/year (refused as ambiguous otherwise, when both orders fit)")
    order.add_argument("--monthfirst", dest="dayfirst", action="store_const", const=False,
                       help="dates are month/day/year")
    data.add_argument("--tz", metavar="ZONE",
                      help="time zone of timestamps written without an offset, e.g. America/New_York; "
                           "data end in exchange time America/Chicago")
    data.add_argument("--decimal", metavar="CHAR", help="decimal mark of the numbers (default: detected)")
    data.add_argument("--thousands", metavar="CHAR", help="digit-group separator of the numbers (default: detected)")
    data.add_argument("--column", dest="columns", type=_column, action="append", metavar="MARKET=COLUMN",
                      help="read a market column from the file's column, e.g. --column futures_price=Close (repeat for "
                           "open_interest, timestamp, date, time, symbol)")
    data.add_argument("--names", type=_names, metavar="A,B,...", help="column names of a file without a header line")
    data.add_argument("--symbol", metavar="NAME", help="the one instrument to read from a file holding several")
    data.add_argument("--roll", choices=("open_interest", "volume"),
                      help="a front-month series from a file holding several contracts: at each timestamp the "
                           "contract with the most open interest (or volume)")
    data.add_argument("--price-scale", type=_scale, metavar="FACTOR",
                      help="multiply every price by FACTOR, e.g. 1e-9 for fixed-point prices")
    data.add_argument("--stamps", choices=("start", "end"), default=None,
                      help="the file stamps each bar at its start (Databento, Kibot, TradingView, Interactive "
                           "Brokers) or its end (default: end, the moment its price is observed)")
    data.add_argument("--attach-oi", nargs="?", const="cftc", metavar="OI_CSV",
                      help="a prices-only file: attach open interest by its release time, never before; alone, the "
                           "packaged weekly CFTC series; with OI_CSV, your series (columns as_of, open_interest, and "
                           "released or --oi-delay)")
    data.add_argument("--oi-delay", type=_duration, metavar="DURATION",
                      help="with --attach-oi OI_CSV: each figure is released this long after its as-of close, "
                           "e.g. 18h")
    out = parser.add_argument_group("outputs")
    out.add_argument("--trades-out", metavar="PATH", help="write the trade log to this CSV file")
    out.add_argument("--plot", metavar="PATH", help="save a figure of price, signals and equity (PNG, SVG or PDF)")
    out.add_argument("--json", nargs="?", const="-", metavar="PATH",
                     help="machine-readable results: to stdout (only the JSON) or to PATH")
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Entry point; returns the process exit code (0 ok, 1 output pipe closed, 2 bad input or failure)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        raise_on_ctrl_c()  # the libraries are loaded: Ctrl-C is a KeyboardInterrupt, handled below
        if argv and argv[0] == "classroom":
            return _classroom(argv[1:])
        if argv and argv[0] == "run":
            argv = argv[1:]
        return run(build_parser().parse_args(argv))
    except UsageError as exc:
        return fail(str(exc))
    except BrokenPipeError:  # e.g. `python -m mesbook | head -1`: the reader left, so leave quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except KeyboardInterrupt:  # Ctrl-C: the outputs' temporary files are already removed
        return interrupted()


def _classroom(argv: list[str]) -> int:
    try:
        from .classroom import cli as classroom_cli
    except ImportError as exc:
        return fail(f"the classroom command is not available in this installation ({exc})")
    return classroom_cli.main(argv)


#: The loader's pointer for a prices-only file, as the command line says it.
PRICES_ONLY_FLAGS = ("for a prices-only file, pass --attach-oi to attach the packaged weekly CFTC open interest at "
                     "its release time, or --attach-oi OI_CSV with your own series")


def flag_words(message: str) -> str:
    """A library message with parameter names replaced by the flags that set them."""
    from .data.loading.header import PRICES_ONLY_HINT

    message = message.replace(PRICES_ONLY_HINT, PRICES_ONLY_FLAGS)
    for name, flag in FLAG_NAMES.items():
        message = re.sub(rf"(?<![\w-]){name}\b", flag, message)
    message = re.sub(r"\bdayfirst=True\b", "--dayfirst", message)
    message = re.sub(r"\bdayfirst=False\b", "--monthfirst", message)
    message = re.sub(r"\bcolumns=\{([^{}]*)\}", lambda m: " ".join(
        f"--column {shlex.quote(f'{market}={column}')}" for market, column in re.findall(r"'(\w+)': '([^']*)'",
                                                                                        m.group(1))), message)
    message = re.sub(r"\bnames=\[([^\]]*)\]",
                     lambda m: "--names " + shlex.quote(",".join(re.findall(r"'([^']*)'", m.group(1)))), message)
    message = re.sub(r"^(sep|decimal|thousands|encoding|tz|date_format|columns|names|symbol|roll|price_scale) (must|=)",
                     lambda m: f"--{m.group(1).replace('_', '-')} {m.group(2)}", message)
    return re.sub(r"\b(sep|date_format|encoding|tz|decimal|thousands|columns|names|symbol|roll|price_scale)="
                  r"(?:('[^']*'|\"[^\"]*\"|[0-9][^\s,;)]*))?",
                  lambda m: f"--{m.group(1).replace('_', '-')}" + (f" {m.group(2)}" if m.group(2) else ""), message)


def run(args: argparse.Namespace) -> int:
    """Run the ``run`` command for parsed arguments, printing the results; returns the exit code.

    Output files are checked before the run and written all or nothing (:class:`~mesbook.commandline.Outputs`).
    """
    outputs = Outputs({"--trades-out": args.trades_out, "--plot": args.plot,
                       "--json": args.json if args.json != "-" else None})
    try:
        try:
            _check_args(args)
            outputs.check()
            figure_format = _figure_format(args.plot) if args.plot else None
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                report = _backtest(args)
            notes = [str(w.message) for w in caught
                     if w.category.__name__ in ("DataNote", "ClockNote", "ReleaseNote")]
        except (ValueError, TypeError, UsageError) as exc:
            return fail(flag_words(str(exc)))
        except (MemoryError, OverflowError) as exc:
            return fail(f"the run is too large for this machine ({type(exc).__name__}); use fewer --periods or a "
                        "shorter --csv")
        report["notes"] = notes
        frame, result = report.pop("frame"), report.pop("result")
        try:
            _write_outputs(args, outputs, report, frame, result, figure_format)
        except UsageError as exc:
            return fail(str(exc))
    finally:
        outputs.discard()
    for note in notes:
        print(f"mesbook: note: {' '.join(note.split())}", file=sys.stderr)
    if args.json == "-":
        print(json.dumps(report, indent=2))
    else:
        _print_report(report, result)
    return 0


def _figure_format(path: str) -> str:
    """The figure type ``--plot`` asks for (its file name's ending), refused before the run if unknown."""
    from matplotlib.figure import Figure

    kind = os.path.splitext(path)[1][1:].lower() or "png"
    known = Figure().canvas.get_supported_filetypes()
    if kind not in known:
        raise UsageError(f"--plot {path}: unknown figure type {kind!r}; use a name ending in .png, .svg or .pdf "
                         f"(or {', '.join('.' + k for k in sorted(known) if k not in ('png', 'svg', 'pdf'))})")
    return kind


def _write_outputs(args, outputs: Outputs, report: dict, frame, result, figure_format) -> None:
    """Every output to its temporary file, then all renamed at once."""
    if args.trades_out:
        outputs.write("--trades-out", lambda path: result.trades.to_csv(path, index=False))
        report["outputs"]["trades"] = args.trades_out
    if args.plot:
        from .plots import plot_run  # matplotlib's pyplot is imported only when a figure is asked for

        figure = plot_run(frame, result)
        outputs.write("--plot", lambda path: figure.savefig(path, format=figure_format, dpi=120, bbox_inches="tight"))
        report["outputs"]["figure"] = args.plot
    if args.json not in (None, "-"):
        def write_json(path: str) -> None:
            with open(path, "w", encoding="utf-8") as handle:
                json.dump(report, handle, indent=2)
                handle.write("\n")

        outputs.write("--json", write_json)
        report["outputs"]["json"] = args.json
    outputs.commit()


def _check_args(args: argparse.Namespace) -> None:
    if args.short >= args.long:
        raise UsageError(f"--short ({args.short}) must be smaller than --long ({args.long}); swap them or "
                         "shorten the short window")
    if args.premium is not None and args.settings != "article":
        raise UsageError(f"--premium applies to --settings article only; the {args.settings} preset prices options "
                         "with Black-76")
    given = [f"--{name.replace('_', '-')}" for name in (*LOADER_FLAGS, "attach_oi", "oi_delay")
             if getattr(args, name) is not None]
    if given and not args.csv:
        raise UsageError(f"{', '.join(given)} describe(s) a CSV file: add --csv PATH")
    outputs = {"--trades-out": args.trades_out, "--plot": args.plot,
               "--json": args.json if args.json != "-" else None}
    for flag, path in outputs.items():
        if path and args.csv and _same_file(path, args.csv):
            raise UsageError(f"{flag} {path} is the --csv input file; write the output to another path")
    paths = [(flag, path) for flag, path in outputs.items() if path]
    for i, (flag, path) in enumerate(paths):
        for other, other_path in paths[i + 1:]:
            if _same_file(path, other_path):
                raise UsageError(f"{flag} and {other} name the same file {path}; give each output its own path")


def _same_file(first: str, second: str) -> bool:
    try:
        if os.path.exists(first) and os.path.exists(second):
            return os.path.samefile(first, second)
    except OSError:
        pass
    return os.path.realpath(first) == os.path.realpath(second)


def _backtest(args: argparse.Namespace) -> dict:
    import mesbook as mb  # the presets through the package root, wherever their module lives

    data = None
    if args.csv:
        options = {name: getattr(args, name) for name in LOADER_FLAGS}
        options["columns"] = dict(options["columns"] or [])
        options["stamps"] = options["stamps"] or "end"
        options.update(_attached_oi(args))
        try:
            data = mb.load_market_data(args.csv, **options)
        except (ValueError, TypeError) as exc:
            message = flag_words(str(exc))
            raise ValueError(message if "--" in message else f"--csv {args.csv}: {message}") from exc
    windows = dict(short_sma_window=args.short, long_sma_window=args.long, gradient_window=args.gradient)
    if args.settings == "article":
        premium = OPTION_PREMIUM_FIXED if args.premium is None else args.premium
        frame, result = mb.run_article(data, num_periods=args.periods, seed=args.seed, initial_cash=args.cash,
                                       premium=premium, **windows)
        clock = mb.bar_clock(frame["timestamp"], args.periods_per_year)
        result = dataclasses.replace(result, clock=clock, windows=(args.short, args.long, args.gradient))
        stats = result.statistics(prices=frame["futures_price"], periods_per_year=clock.periods_per_year)
    else:
        if data is None:
            data = mb.simulate_market_data(args.periods, seed=args.seed)
        preset = {"realistic": mb.REALISTIC, "honest": mb.HONEST}[args.settings]
        result = mb.run_backtest(data, preset, initial_cash=args.cash, periods_per_year=args.periods_per_year,
                                 **windows)
        frame = mb.generate_signals(mb.calculate_indicators(data, args.short, args.long, args.gradient))
        stats = result.statistics()
    summary = result.summary()
    source = args.csv if args.csv else f"simulated, {args.periods} bars, seed {args.seed}"
    return {
        "frame": frame, "result": result,
        "settings": args.settings,
        "data": {"source": source, "bars": len(frame), "start": _plain(frame["timestamp"].iloc[0]),
                 "end": _plain(frame["timestamp"].iloc[-1]), "timestamps": "exchange time America/Chicago, tz-naive; each stamp is its bar's close"
                 + (" (the file's bar-start stamps moved to the close)" if args.stamps == "start" else "")},
        "clock": {key: _plain(value) for key, value in result.clock.as_dict().items()},
        "windows": result.window_lines(),
        "summary": {key: _plain(value) for key, value in summary.as_series().items()},
        "statistics": {str(key): _plain(value) for key, value in stats.items()},
        "outputs": {},
    }


def _attached_oi(args: argparse.Namespace) -> dict:
    """The loader's ``open_interest``/``oi_release`` for ``--attach-oi`` (and ``--oi-delay``)."""
    from .data.release import FixedDelay, ReleasedColumn

    if args.attach_oi is None:
        if args.oi_delay is not None:
            raise UsageError("--oi-delay says when an attached OI series is released: add --attach-oi OI_CSV")
        return {}
    if args.attach_oi == "cftc":
        if args.oi_delay is not None:
            raise UsageError("--oi-delay applies to your own series (--attach-oi OI_CSV); the packaged CFTC series "
                             "follows the CFTC's release schedule")
        return {"open_interest": "cftc"}
    try:
        table = pd.read_csv(args.attach_oi)
    except (OSError, ValueError) as exc:
        raise UsageError(f"--attach-oi {args.attach_oi}: cannot read it ({exc})") from None
    for column in ("as_of", "released"):
        if column in table.columns:
            table[column] = pd.to_datetime(table[column], format="ISO8601", errors="coerce")
    if args.oi_delay is not None:
        return {"open_interest": table, "oi_release": FixedDelay(args.oi_delay)}
    if "released" not in table.columns:
        raise UsageError(f"--attach-oi {args.attach_oi} has no 'released' column (when each figure became public); "
                         "add one, or pass --oi-delay DURATION (the time from each as-of close to its release)")
    return {"open_interest": table, "oi_release": ReleasedColumn()}


def _plain(value):
    """A JSON-ready value: numbers as numbers (NaN/inf as null), times and durations as ISO text."""
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if isinstance(value, pd.Timedelta):
        return None if pd.isna(value) else value.isoformat()
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return None
    if hasattr(value, "item"):
        return _plain(value.item())
    if value is pd.NaT:
        return None
    return value


def _print_report(report: dict, result) -> None:
    from .metrics import format_stats

    data = report["data"]
    print(f"data: {data['source']}; {data['start'][:10]} to {data['end'][:10]}")
    print(result.summary())
    stats = pd.Series({key: report["statistics"][key] for key in KEY_STATS if key in report["statistics"]},
                      dtype=object).fillna(float("nan"))
    print(f"settings: {report['settings']}")
    print(f"clock: {report['clock']['description']}")
    for line in report["windows"]:
        print(f"window: {line}")
    print(format_stats(stats))
    for kind, path in report["outputs"].items():
        print(f"{'trade log' if kind == 'trades' else kind}: {path}")
