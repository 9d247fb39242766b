"""The keyword forms of what every study takes besides its own arguments: the bot's windows, the workers.

A study carries a :class:`~mesbook.core.windows.Windows` (the bot's three OI windows) and a
:class:`~mesbook.parallel.Workers` (serial, local processes or a Dask cluster), each checked once where
it is made. The studies' public functions take them as ``windows=`` and ``workers=``, or in the keyword
forms people use — ``short_sma_window=5``, ``n_jobs=-1``, ``client=``, ``progress=True`` —, which
:func:`windows_and_workers` (and :func:`workers_of`, for studies whose windows are their subject) turns
into the two values at the boundary. Anything else is refused as Python refuses an unknown keyword.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..core.windows import WINDOW_KEYWORDS, Windows
from ..parallel import WORKER_KEYWORDS, Workers


def workers_of(keywords: Mapping[str, Any], caller: str) -> Workers:
    """The :class:`~mesbook.parallel.Workers` of ``keywords`` (``workers=`` or ``n_jobs``/``client``/``progress``);
    a ``TypeError`` naming ``caller`` for any other keyword."""
    rest = dict(keywords)
    workers = rest.pop("workers", None)
    chosen = {name: rest.pop(name) for name in WORKER_KEYWORDS if name in rest}
    if rest:
        raise TypeError(f"{caller}() got unexpected keyword argument(s) {sorted(rest)}")
    return Workers.of(workers, **chosen)


def windows_and_workers(keywords: Mapping[str, Any], caller: str) -> tuple[Windows, Workers]:
    """The :class:`~mesbook.core.windows.Windows` and :class:`~mesbook.parallel.Workers` of ``keywords``:
    ``windows=`` or the three window keywords, ``workers=`` or ``n_jobs``/``client``/``progress``."""
    rest = dict(keywords)
    windows = rest.pop("windows", None)
    chosen = {name: rest.pop(name) for name in WINDOW_KEYWORDS if name in rest}
    return Windows.of(windows, **chosen), workers_of(rest, caller)


__all__ = ["windows_and_workers", "workers_of"]
