"""Command-line plumbing shared by ``python -m mesbook`` and its ``classroom`` verbs: one-line usage errors.

argparse answers a bad command line with its usage block and exits; here every error is one line on stderr
and exit code 2, so parsers are built from :class:`OneLineParser`, whose errors raise :class:`UsageError`,
and :func:`fail` prints that line.
"""
from __future__ import annotations

import argparse
import sys
from typing import NoReturn


class UsageError(Exception):
    """A bad command line: printed as one line, exit code 2."""


class OneLineParser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose errors raise :class:`UsageError` instead of printing usage and exiting."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def fail(message: str) -> int:
    """Print ``mesbook: error: <message>`` as one line on stderr; return the exit code 2."""
    print(f"mesbook: error: {' '.join(str(message).split())}", file=sys.stderr)
    return 2
