"""Stage 1b of the loader: Parquet and Feather (Arrow IPC) files, read with pyarrow into the loader's columns.

A table's columns arrive typed: numbers and timestamps are taken as they are, text columns go through the
same stages as a CSV's. Messages name the table's row (the first data row is row 1) instead of a file line.
"""
from __future__ import annotations

import io

import pyarrow as pa

from .common import Lines, Load
from .records import Records


def read_table(kind: str, data: bytes, load: Load) -> Records:
    try:
        if kind == "parquet":
            import pyarrow.parquet as pq

            table = pq.read_table(io.BytesIO(data))
        else:
            import pyarrow.feather as feather

            table = feather.read_table(io.BytesIO(data))
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise ValueError(f"{load.source} looks like a {kind} file but cannot be read ({exc}); "
                         "export or download it again") from exc
    if table.num_rows == 0:
        raise ValueError(f"{load.source} is a {kind} table without rows; add one row per bar")
    load.note(f"read a {kind} table")
    load.lines = Lines(first=1, label="row")
    table = table.combine_chunks()
    return Records([str(name) for name in table.column_names], [table.column(i) for i in range(table.num_columns)])
