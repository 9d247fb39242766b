"""What the grader plants in a submission's kernel: no network, and a record of every answer checked.

The grader runs a submission with one extra first cell that calls :func:`install`. From then on:

* a socket may connect only to this machine (loopback or a Unix socket), and host names other than
  ``localhost`` do not resolve, so no cell reaches the network;
* every ``exercises.check(key, answer)`` appends ``{"key": ..., "answer": ...}`` as one JSON line to
  the record file before it checks, so the answers given before a cell that fails, or hangs, are on disk
  whatever happens to the kernel afterwards.

The grader decides with the answers on that file (see :mod:`mesbook.classroom.grader`), not with what
the kernel printed. :func:`portable` and :func:`restore` carry an answer across: numbers, text, dates and
``None`` exactly; anything else as its type name, ``str`` and ``repr``, enough for the same comparison
:func:`mesbook.exercises.is_correct` makes on it.
"""
from __future__ import annotations

import datetime
import ipaddress
import json
import numbers
import socket
from typing import Any

import numpy as np
import pandas as pd

_LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


def _is_local(host: Any) -> bool:
    if host in (None, ""):
        return True
    host = host.decode() if isinstance(host, bytes) else str(host)
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def block_network() -> None:
    """Refuse every socket connection and name lookup that leaves this machine (this process only)."""
    if getattr(socket.socket.connect, "_mesbook_guard", False):
        return

    def guarded(method):
        def call(self, address, *args):
            if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address[0]):
                raise OSError(f"network access is disabled while grading (tried {address[0]})")
            return method(self, address, *args)

        call._mesbook_guard = True
        return call

    socket.socket.connect = guarded(socket.socket.connect)
    socket.socket.connect_ex = guarded(socket.socket.connect_ex)
    lookup = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        if not _is_local(host):
            raise socket.gaierror(f"network access is disabled while grading (tried to look up {host})")
        return lookup(host, *args, **kwargs)

    socket.getaddrinfo = getaddrinfo


def portable(answer: Any) -> Any:
    """``answer`` as a JSON value: None, bool, int, float or str as they are; a date as ``{"date": iso}``;
    anything else as ``{"type", "str", "repr"}``."""
    if isinstance(answer, np.datetime64):
        answer = pd.Timestamp(answer)
    if isinstance(answer, np.generic):
        answer = answer.item()
    if answer is None or isinstance(answer, (bool, str)):
        return answer
    if isinstance(answer, numbers.Integral):
        return int(answer)
    if isinstance(answer, numbers.Real):
        return float(answer)
    if isinstance(answer, (datetime.date, pd.Timestamp)):
        return {"date": pd.Timestamp(answer).isoformat()}
    try:
        text, shown = str(answer), repr(answer)
    except Exception as exc:  # a student's own class may fail to print itself
        text = shown = f"<{type(answer).__name__} that can't be printed: {exc}>"
    return {"type": type(answer).__name__, "str": text[:2000], "repr": shown[:200]}


class Other:
    """An answer of a type the record does not keep (a list, a DataFrame...): its ``str`` and ``repr``."""

    def __init__(self, type_name: str, text: str, shown: str):
        self.type_name, self.text, self.shown = type_name, text, shown

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return self.shown


def restore(value: Any) -> Any:
    """The answer :func:`portable` recorded, as close to the original as the record keeps."""
    if isinstance(value, dict):
        if "date" in value:
            return pd.Timestamp(value["date"])
        return Other(str(value.get("type", "?")), str(value.get("str", "")), str(value.get("repr", "")))
    return value


def install(record_path: str, seed: int) -> None:
    """Block the network, check against ``seed``, and record every ``exercises.check`` to ``record_path``."""
    from mesbook import exercises

    block_network()
    if hasattr(exercises, "use_seed"):
        exercises.use_seed(seed)
    original = exercises.check
    if getattr(original, "_mesbook_recorder", False):
        return

    def check(key, answer, *args, **kwargs):
        with open(record_path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps({"key": str(key), "answer": portable(answer)}) + "\n")
        return original(key, answer, *args, **kwargs)

    check._mesbook_recorder = True
    check.__doc__ = original.__doc__
    exercises.check = check


def read_records(record_path: str) -> dict[str, Any]:
    """The last answer recorded for each key (a torn last line, from a killed kernel, is skipped)."""
    answers: dict[str, Any] = {}
    try:
        with open(record_path, encoding="utf-8") as handle:
            for line in handle:
                try:
                    entry = json.loads(line)
                    answers[str(entry["key"])] = restore(entry["answer"])
                except (ValueError, KeyError, TypeError):
                    continue
    except FileNotFoundError:
        pass
    return answers
