"""The class roster: a CSV file with a ``student_id`` column (other columns are kept and ignored).

Ids become folder names (``DIR/<student_id>/``), so they are checked: not empty, unique, and made of
letters, digits and ``. _ - @ +`` only (an e-mail address is fine). Leading and trailing spaces are
dropped; ids are read as text, so ``007`` stays ``007``. Every problem raises ``ValueError`` naming the
row and the fix.
"""
from __future__ import annotations

import csv
import os
import re
from typing import Union

#: The column that names each student.
ID_COLUMN: str = "student_id"
_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@+-]{0,99}")


def read_roster(path: Union[str, os.PathLike]) -> list[str]:
    """The student ids of the roster CSV at ``path``, in file order."""
    if os.path.isdir(path):
        raise ValueError(f"roster {os.fspath(path)!r} is a folder; pass the roster CSV file itself")
    if os.path.exists(path) and not os.path.isfile(path):
        raise ValueError(f"roster {os.fspath(path)!r} is not a regular file; pass the roster CSV file itself")
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.reader(handle))
    except FileNotFoundError:
        raise ValueError(f"roster {os.fspath(path)!r} does not exist; pass a CSV file with a "
                         f"{ID_COLUMN} column") from None
    except UnicodeDecodeError as exc:
        raise ValueError(f"roster {os.fspath(path)!r} is not UTF-8 text ({exc.reason}); save it as "
                         "CSV UTF-8") from None
    if not rows:
        raise ValueError(f"roster {os.fspath(path)!r} is empty; it needs a header row with a "
                         f"{ID_COLUMN} column")
    header = [name.strip() for name in rows[0]]
    if ID_COLUMN not in header:
        raise ValueError(f"roster {os.fspath(path)!r} has no {ID_COLUMN!r} column (its columns: "
                         f"{', '.join(map(repr, header)) or 'none'}); add a {ID_COLUMN} column to the header row")
    column = header.index(ID_COLUMN)
    ids: list[str] = []
    first_row: dict[str, int] = {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue  # blank line
        sid = row[column].strip() if column < len(row) else ""
        if not sid:
            raise ValueError(f"roster line {line}: {ID_COLUMN} is empty; give every student an id")
        if not _SAFE_ID.fullmatch(sid):
            raise ValueError(f"roster line {line}: {ID_COLUMN} {sid!r} can't be a folder name; use letters, "
                             "digits and . _ - @ + only (at most 100 characters, starting with a letter or digit)")
        if sid in first_row:
            raise ValueError(f"roster line {line}: {ID_COLUMN} {sid!r} repeats line {first_row[sid]}; "
                             "every id must be unique")
        first_row[sid] = line
        ids.append(sid)
    if not ids:
        raise ValueError(f"roster {os.fspath(path)!r} lists no students; add one row per student")
    return ids
