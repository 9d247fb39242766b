"""Command line: ``python -m mesbook`` runs the article's bot and prints its summary."""
from __future__ import annotations

import argparse
import os
import sys
from typing import Optional, Sequence

from .constants import (
    INITIAL_CASH,
    NUM_PERIODS,
    OI_GRADIENT_WINDOW,
    OI_LONG_SMA_WINDOW,
    OI_SHORT_SMA_WINDOW,
    OPTION_PREMIUM_FIXED,
)
from .article.market import load_market_data
from .article.pipeline import run_article

DESCRIPTION = """\
Run the article's open-interest MES options bot: simulate (or load) futures prices and open
interest, compute the OI indicators, generate BUY/SELL/HOLD signals and replay the trades.
Educational software, not trading advice."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m mesbook", description=DESCRIPTION)
    parser.add_argument("--periods", type=int, default=NUM_PERIODS, metavar="N",
                        help=f"number of simulated business-day bars (default {NUM_PERIODS}); ignored with --csv")
    parser.add_argument("--seed", type=int, default=None,
                        help="seed for the simulated data; without it every run differs, as in the article")
    parser.add_argument("--short", type=int, default=OI_SHORT_SMA_WINDOW, metavar="BARS",
                        help=f"short moving-average window of open interest, bars (default {OI_SHORT_SMA_WINDOW})")
    parser.add_argument("--long", type=int, default=OI_LONG_SMA_WINDOW, metavar="BARS",
                        help=f"long moving-average window of open interest, bars (default {OI_LONG_SMA_WINDOW})")
    parser.add_argument("--gradient", type=int, default=OI_GRADIENT_WINDOW, metavar="BARS",
                        help=f"gradient window, bars (default {OI_GRADIENT_WINDOW}; unused by the article's rule)")
    parser.add_argument("--premium", type=float, default=OPTION_PREMIUM_FIXED, metavar="DOLLARS",
                        help=f"fixed price paid per option, dollars (default {OPTION_PREMIUM_FIXED} = 2.5 points x $5)")
    parser.add_argument("--cash", type=float, default=INITIAL_CASH, metavar="DOLLARS",
                        help=f"initial cash, dollars (default {INITIAL_CASH:,})")
    parser.add_argument("--csv", metavar="PATH",
                        help="use your own data: a CSV with columns timestamp, futures_price, open_interest")
    parser.add_argument("--trades-out", metavar="PATH", help="write the trade log to this CSV file")
    parser.add_argument("--plot", metavar="PATH", help="save a figure of price, signals and equity (PNG, SVG or PDF)")
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Entry point; returns the process exit code (0 ok, 1 output pipe closed, 2 bad input)."""
    args = build_parser().parse_args(argv)
    try:
        return run(args)
    except BrokenPipeError:  # e.g. `python -m mesbook | head -1`: the reader left, so leave quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def run(args: argparse.Namespace) -> int:
    """Run the article's job for parsed arguments, printing the summary; returns the exit code."""
    try:
        data = load_market_data(args.csv) if args.csv else None
        frame, result = run_article(
            data,
            num_periods=args.periods,
            seed=args.seed,
            short_sma_window=args.short,
            long_sma_window=args.long,
            gradient_window=args.gradient,
            initial_cash=args.cash,
            premium=args.premium,
        )
    except (ValueError, TypeError) as exc:
        print(f"mesbook: error: {exc}", file=sys.stderr)
        return 2
    source = args.csv if args.csv else f"simulated, {args.periods} bars, seed {args.seed}"
    print(f"data: {source}; {frame['timestamp'].iloc[0]:%Y-%m-%d} to {frame['timestamp'].iloc[-1]:%Y-%m-%d}")
    print(result.summary())
    try:
        if args.trades_out:
            result.trades.to_csv(args.trades_out, index=False)
            print(f"trade log: {args.trades_out}")
        if args.plot:
            from .plots import plot_run  # matplotlib is imported only when a figure is asked for

            plot_run(frame, result).savefig(args.plot, dpi=120, bbox_inches="tight")
            print(f"figure: {args.plot}")
    except (OSError, ValueError) as exc:  # unwritable path, or a figure format matplotlib does not know
        print(f"mesbook: error: cannot write output: {exc}", file=sys.stderr)
        return 2
    return 0
