"""The answer record of a graded kernel: mesbook.classroom.capture (what it keeps, what it reads back)."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from mesbook import exercises
from mesbook.classroom import capture
from mesbook.exercises import base


@pytest.mark.parametrize("value, stored", [
    (None, None), (True, True), ("2023-04-05", "2023-04-05"), (np.int64(12), 12), (np.float64(76.125), 76.125),
    (3, 3), (-0.1, -0.1), (pd.Timestamp("2023-04-05"), {"date": "2023-04-05T00:00:00"}),
    (np.datetime64("2023-04-05T00:00:00.000000000"), {"date": "2023-04-05T00:00:00"}),
])
def test_portable_keeps_numbers_text_and_dates_exactly(value, stored):
    assert capture.portable(value) == stored
    back = capture.restore(json.loads(json.dumps(capture.portable(value))))
    assert back == (pd.Timestamp(value) if isinstance(value, np.datetime64) else value)
    assert type(back) is type(stored) or isinstance(back, pd.Timestamp)


def test_other_types_travel_as_their_str_and_repr():
    record = json.loads(json.dumps(capture.portable([12, 3])))
    assert record == {"type": "list", "str": "[12, 3]", "repr": "[12, 3]"}
    back = capture.restore(record)
    assert isinstance(back, capture.Other) and back.type_name == "list" and str(back) == "[12, 3]"
    assert str(capture.restore(capture.portable(np.array(5)))) == "5"  # the same str matches() would read


def test_long_text_is_cut_and_then_is_no_answer():
    huge = "2" * 20_000_000
    record = capture.portable(huge)
    assert len(json.dumps(record)) < 2 * capture.MAX_RECORDED_TEXT
    back = capture.restore(record)
    assert isinstance(back, capture.Other) and len(str(back)) == capture.MAX_RECORDED_TEXT + 1
    assert "too long" in exercises.answer_problem("ch4.first_real_signal", back)
    forged = capture.restore("9" * 5_000)  # a record line written by hand is cut the same way
    assert isinstance(forged, capture.Other) and len(str(forged)) == capture.MAX_RECORDED_TEXT + 1


def test_records_keep_the_last_answer_per_key_and_skip_what_is_not_a_record():
    data = (b'{"key": "ch4.filtered", "answer": 3}\n{"key": "ch4.filtered", "answer": 4}\n'
            b'{"key": "ch5.winners", "answer": {"date": "2023-01-02T00:00:00"}}\n\xff\xfe not utf-8\n[1, 2]\n'
            b'{"key": 5, "answer": 1}\n{"key": "ch4.x", "answer": ' + b"[" * 100_000 + b'\n{"key": "ch4.x", "ans')
    assert capture.read_records(data) == {"ch4.filtered": 4, "ch5.winners": pd.Timestamp("2023-01-02")}
    assert capture.read_records(b"") == {}


def test_in_a_graded_kernel_check_records_and_is_no_oracle(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(base, "_SOLVERS", dict(base._SOLVERS))
    monkeypatch.setattr(exercises, "check", exercises.check)
    monkeypatch.setattr(base, "check", base.check)
    record = tmp_path / "answers.jsonl"
    capture.install(str(record), 1_234)
    right = None
    for guess in range(-1, 500):  # brute force: no verdict ever says which guess is right
        verdict = exercises.check("ch4.filtered", guess)
        assert verdict.correct is None and not verdict
    assert "recorded" in capsys.readouterr().out
    assert capture.read_records(record.read_bytes()) == {"ch4.filtered": 499}
    with pytest.raises(LookupError):
        right = base.solution("ch4.filtered", 1_234)
    assert right is None and exercises.active_seed() == 1_234
    exercises.use_seed(exercises.BOOK_SEED)
