"""What the loader's tests share: load a CSV given as text or bytes, and keep its one DataNote.

``load`` and ``refused`` read from an in-memory buffer (text as a text buffer, bytes as a binary one), so
messages name "the buffer". Both fail a test if any warning other than the loader's own ``DataNote``
escapes (a pandas deprecation or "could not infer format" warning means the loader let pandas guess).
"""
from __future__ import annotations

import io
import warnings

import pytest

from mesbook import load_market_data
from mesbook.data.loader import DataNote


def _buffer(content):
    return io.StringIO(content) if isinstance(content, str) else io.BytesIO(content)


def _strays(caught) -> list[str]:
    return [f"{w.category.__name__}: {w.message}" for w in caught if not issubclass(w.category, DataNote)]


def load(content, **kwargs):
    """Load ``content`` (str or bytes); return (frame, the DataNote's text or '')."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        frame = load_market_data(_buffer(content), **kwargs)
    assert not _strays(caught), _strays(caught)
    notes = [str(w.message) for w in caught if issubclass(w.category, DataNote)]
    assert len(notes) <= 1, notes
    return frame, notes[0] if notes else ""


def refused(content, **kwargs) -> str:
    """The ValueError message refusing ``content``; no warning but a DataNote may escape on the way."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(ValueError) as info:
            load_market_data(_buffer(content), **kwargs)
    assert not _strays(caught), _strays(caught)
    return str(info.value)
