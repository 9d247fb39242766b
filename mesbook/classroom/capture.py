"""The answer record: what a graded kernel writes of each ``exercises.check``, and how the grader reads it.

The grader runs a submission with one extra first cell that calls :func:`install`. From then on, in that
kernel:

* ``exercises.check(key, answer)`` appends ``{"key": ..., "answer": ...}`` as one JSON line to the
  record file and says that the answer was recorded; it does not say whether the answer is right, so it
  is no oracle to try answers against;
* the exercises are sealed (:func:`mesbook.exercises.base.seal`): no call in the kernel hands out an
  answer.

The record is the student's file (a kernel can write anything into it), so :func:`read_records` treats it
as untrusted text: a line that is not a record is skipped, and only the last answer to each key counts.
:func:`portable` and :func:`restore` carry an answer across as JSON: numbers, text, dates and ``None``
exactly (text up to :data:`MAX_RECORDED_TEXT` characters); anything else as its type name and a short
``str`` and ``repr``, enough for :func:`mesbook.exercises.matches` to judge it.
"""
from __future__ import annotations

import datetime
import json
import numbers
from typing import Any

import numpy as np
import pandas as pd

#: Longest text an answer keeps in the record (longer text is cut, and then it is no answer).
MAX_RECORDED_TEXT: int = 1000
#: Longest ``repr`` kept of an answer of another type.
MAX_RECORDED_REPR: int = 200


def portable(answer: Any) -> Any:
    """``answer`` as a JSON value: None, bool, int, float or short str as they are; a date as
    ``{"date": iso}``; anything else (longer text too) as ``{"type", "str", "repr"}``, cut short."""
    if isinstance(answer, np.datetime64):
        answer = pd.Timestamp(answer)
    if isinstance(answer, np.generic):
        answer = answer.item()
    if answer is None or isinstance(answer, bool) or (isinstance(answer, str) and len(answer) <= MAX_RECORDED_TEXT):
        return answer
    if isinstance(answer, numbers.Integral):
        return int(answer)
    if isinstance(answer, numbers.Real):
        return float(answer)
    if isinstance(answer, (datetime.date, pd.Timestamp)):
        try:
            return {"date": pd.Timestamp(answer).isoformat()}
        except (ValueError, OverflowError):
            pass
    try:
        text, shown = str(answer), repr(answer)
    except Exception as exc:  # a student's own class may fail to print itself
        text = shown = f"<{type(answer).__name__} that can't be printed: {exc}>"
    return {"type": type(answer).__name__, "str": text[:MAX_RECORDED_TEXT + 1], "repr": shown[:MAX_RECORDED_REPR]}


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
        if isinstance(value.get("date"), str) and len(value["date"]) <= 64:
            try:
                return pd.Timestamp(value["date"])
            except (ValueError, TypeError, OverflowError):
                pass
        return Other(str(value.get("type", "?"))[:40], str(value.get("str", ""))[:MAX_RECORDED_TEXT + 1],
                     str(value.get("repr", ""))[:MAX_RECORDED_REPR])
    if isinstance(value, str) and len(value) > MAX_RECORDED_TEXT:
        return Other("str", value[:MAX_RECORDED_TEXT + 1], repr(value[:MAX_RECORDED_REPR]))
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return Other(type(value).__name__, str(value)[:MAX_RECORDED_TEXT + 1], repr(value)[:MAX_RECORDED_REPR])


def install(record_path: str, seed: int) -> None:
    """In a graded kernel: check against ``seed``, seal the answers, record every ``exercises.check``."""
    from mesbook import exercises
    from mesbook.exercises import base

    exercises.use_seed(seed)
    base.seal()

    def check(key, answer, *args, **kwargs):
        with open(record_path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps({"key": str(key)[:100], "answer": portable(answer)}) + "\n")
        print(f"… {key}: answer recorded; it is checked after the run, on your market.")
        return base.Verdict(str(key), None)

    check.__doc__ = base.check.__doc__
    exercises.check = base.check = check


def read_records(data: bytes) -> dict[str, Any]:
    """The last answer recorded for each key in ``data`` (the record file's bytes); lines that are not
    records (a torn last line from a killed kernel, text that is not UTF-8 or not JSON) are skipped."""
    answers: dict[str, Any] = {}
    for line in data.splitlines():
        try:
            entry = json.loads(line.decode("utf-8"))
            if isinstance(entry, dict) and isinstance(entry.get("key"), str) and "answer" in entry:
                answers[entry["key"]] = restore(entry["answer"])
        except (ValueError, UnicodeDecodeError, RecursionError):
            continue
    return answers
