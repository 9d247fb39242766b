"""What the grader plants in a kernel: mesbook.classroom.capture (network guard, answer record)."""
from __future__ import annotations

import json
import socket

import numpy as np
import pandas as pd
import pytest

from mesbook.classroom import capture


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
    assert str(capture.restore(capture.portable(np.array(5)))) == "5"  # the same str is_correct would read


def test_records_keep_the_last_answer_per_key_and_skip_a_torn_line(tmp_path):
    path = tmp_path / "r.jsonl"
    path.write_text('{"key": "ch4.filtered", "answer": 3}\n{"key": "ch4.filtered", "answer": 4}\n'
                    '{"key": "ch4.winners", "answer": {"date": "2023-01-02T00:00:00"}}\n{"key": "ch4.x", "ans')
    assert capture.read_records(str(path)) == {"ch4.filtered": 4, "ch4.winners": pd.Timestamp("2023-01-02")}
    assert capture.read_records(str(tmp_path / "none.jsonl")) == {}


@pytest.fixture
def guarded(monkeypatch):
    for name in ("connect", "connect_ex"):
        monkeypatch.setattr(socket.socket, name, getattr(socket.socket, name))
    monkeypatch.setattr(socket, "getaddrinfo", socket.getaddrinfo)
    capture.block_network()


def test_network_guard_refuses_remote_hosts_and_lookups(guarded):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        with pytest.raises(OSError, match="network access is disabled while grading"):
            s.connect(("192.0.2.1", 80))  # TEST-NET-1: never reached, refused before trying
        with pytest.raises(OSError, match="disabled"):
            s.connect_ex(("192.0.2.1", 80))
    with pytest.raises(socket.gaierror, match="disabled"):
        socket.getaddrinfo("example.org", 443)


def test_network_guard_lets_loopback_through(guarded):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        with socket.create_connection(("localhost", server.getsockname()[1]), timeout=5):
            pass
