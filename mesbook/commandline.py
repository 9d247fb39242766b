"""Command-line plumbing shared by ``python -m mesbook`` and its ``classroom`` verbs: one-line errors, whole outputs.

argparse answers a bad command line with its usage block and exits; here every error is one line on stderr
and exit code 2, so parsers are built from :class:`OneLineParser`, whose errors raise :class:`UsageError`,
and :func:`fail` prints that line. Ctrl-C is one line too (:func:`interrupted`, exit code 130), and
:class:`Outputs` writes a run's files all or nothing.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import tempfile
import threading
from typing import Callable, NoReturn


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


#: Exit code of a run stopped with Ctrl-C (128 + SIGINT), as shells report it.
INTERRUPTED = 130


def interrupted() -> int:
    """Print the one line a Ctrl-C gets; return :data:`INTERRUPTED`."""
    print("mesbook: interrupted (Ctrl-C); no output file was written", file=sys.stderr)
    return INTERRUPTED


def exit_on_ctrl_c() -> None:
    """Until :func:`raise_on_ctrl_c`, Ctrl-C prints the one line and ends the process at once (exit code 130).

    The package's first lines install it when it starts as the command (``python -m mesbook``, the ``mesbook``
    script), before numpy, pandas and pyarrow load: no output exists yet, and a KeyboardInterrupt raised inside
    their imports would end in a traceback (or be caught by a library). A Ctrl-C the shell ignores stays ignored.
    """
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, _exit_interrupted)


def _exit_interrupted(signum, frame) -> NoReturn:
    interrupted()
    sys.stderr.flush()
    os._exit(INTERRUPTED)


def raise_on_ctrl_c() -> None:
    """Ctrl-C raises KeyboardInterrupt again (the run removes its temporary files and prints the one line)."""
    if signal.getsignal(signal.SIGINT) is _exit_interrupted:
        signal.signal(signal.SIGINT, signal.default_int_handler)


@contextlib.contextmanager
def _ctrl_c_held(late: str = "raise"):
    """Ctrl-C waits until the block is done; then it is handled as usual (``late="raise"``) or dropped
    (``late="drop"``: the block finished the work the Ctrl-C would have undone).

    Python runs a signal's handler in the main thread whichever thread the signal reached, so the handler is
    swapped for one that notes the press. (Blocking the signal in this thread would not hold it off: a thread
    of numpy's or pyarrow's pools would take it, and the main thread would raise KeyboardInterrupt at once.)
    Outside the main thread, where handlers cannot be set, the block runs as it is.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pressed: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: pressed.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if pressed and late == "raise":
        signal.raise_signal(signal.SIGINT)  # the handler that was in place takes it now


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


class Outputs:
    """A run's output files, all or nothing.

    ``check()`` runs before the work: each target's folder must exist and be writable, and the target must not
    be a folder. ``write(flag, writer)`` has ``writer`` fill a temporary file beside the target; ``commit()``
    renames every temporary file onto its target once all were written (Ctrl-C is held off during the
    renames), and ``discard()`` removes them after an error or Ctrl-C. Every error names the flag.
    """

    def __init__(self, targets: dict[str, str]) -> None:
        self.targets = {flag: path for flag, path in targets.items() if path}
        self._temporary: dict[str, str] = {}

    def check(self) -> None:
        for flag, path in self.targets.items():
            folder = os.path.dirname(os.path.abspath(path))
            if os.path.isdir(path):
                raise UsageError(f"{flag} {path}: cannot write output: it is a folder; give a file name")
            if not os.path.isdir(folder):
                raise UsageError(f"{flag} {path}: cannot write output: the folder {folder} does not exist; create it or "
                                 "choose another path")
            if not os.access(folder, os.W_OK | os.X_OK):
                raise UsageError(f"{flag} {path}: cannot write output: the folder {folder} is not writable; choose "
                                 "another path")

    def write(self, flag: str, writer: Callable[[str], object]) -> None:
        target = self.targets[flag]
        folder, name = os.path.split(os.path.abspath(target))
        with _ctrl_c_held():  # a temporary file exists only once it is listed for discard()
            handle, temporary = tempfile.mkstemp(prefix=f".{name}.", suffix=".part", dir=folder)
            self._temporary[flag] = temporary
            os.close(handle)
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp's file is private; the output gets the usual mode
        try:
            writer(temporary)
        except (OSError, ValueError) as exc:  # a full disk, a format the writer does not know, ...
            raise UsageError(f"{flag} {target}: cannot write output: {exc}") from exc

    def commit(self) -> None:
        """Rename every temporary file onto its target. A Ctrl-C pressed during the renames comes too late to stop
        the run: once the last rename is done the outputs are complete, so it is dropped (were it raised after
        them, the run would end saying that no output file was written, next to the new files)."""
        with _ctrl_c_held(late="drop"):
            for flag, temporary in list(self._temporary.items()):
                try:
                    os.replace(temporary, self.targets[flag])
                except OSError as exc:
                    raise UsageError(f"{flag} {self.targets[flag]}: cannot write output: {exc}") from exc
                del self._temporary[flag]

    def discard(self) -> None:
        for temporary in self._temporary.values():
            try:
                os.remove(temporary)
            except FileNotFoundError:
                pass
        self._temporary.clear()
