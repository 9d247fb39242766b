"""Stage 2 of the loader, structure: the separator, the header and the rows, as columns of text.

The rows are split by pyarrow's CSV reader, which reads the common file at the speed of C. It is stricter
than it needs to be: any file it cannot split exactly as Python's strict :mod:`csv` reader would (a ragged
row, a quote left open, text after a closing quote, blank lines above the header) goes to
:func:`scan`, the diagnostic path, which reads it row by row and either refuses it naming the line or
returns the same columns. Rows are never shifted to fit the header.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from typing import Optional

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from .common import MARKET_COLUMNS, NUMERIC_COLUMNS, Lines, Load
from .header import describe, normalise
from .source import Text

#: Separators the sniffer chooses from.
SEPARATORS = (",", ";", "\t", "|")
_HEAD_BYTES = 1 << 20
# A quote between two characters that neither opens a field (after a separator or a line end), closes one (before
# them), nor is doubled; a quote at the text's first or last byte opens or closes a field:
# pyarrow reads '"a"b' as 'ab' where the csv module refuses it, so such a file is read by the diagnostic scan.
_ODD_QUOTE = b'(?<=[^%s\\r\\n"])"(?=[^%s\\r\\n"])'


@dataclass
class Records:
    """The header as written and one column per header field (Arrow arrays: text, or typed from a table file);
    a prices-only file's placeholder open interest is one more column, without a header field."""

    header: list[str]
    columns: list[pa.ChunkedArray]
    _series: dict = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.columns[0])  # a header has at least one column

    def series(self, index: int) -> pd.Series:
        """Column ``index`` as a pandas Series (Arrow-backed text for a CSV)."""
        if index not in self._series:
            column = self.columns[index]
            self._series[index] = column.to_pandas().reset_index(drop=True)  # text: pandas 3's str (Arrow-backed)
        return self._series[index]

    def take(self, positions: np.ndarray) -> "Records":
        indices = pa.array(np.asarray(positions))
        return Records(self.header, [column.take(indices) for column in self.columns])


def read_records(text: Text, load: Load) -> tuple[Records, str]:
    """The header and rows of a CSV text, and the separator they were split with."""
    head = _head(text)
    sep = _separator(head, load)
    records = _fast(text, head, sep, load)
    if records is None:
        records = scan(text.text, sep, load)
    return records, sep


def _head(text: Text) -> str:
    """The first lines of the text, each with its line end (whole lines only, unless the first is longer)."""
    view = text.view
    if len(view) <= _HEAD_BYTES:
        return text.text
    chunk = bytes(view[:_HEAD_BYTES])
    cut = max(chunk.rfind(b"\n"), chunk.rfind(b"\r")) + 1  # just after the last line end (0: none in the chunk)
    return chunk[: cut or len(chunk)].decode(errors="ignore")  # UTF-8; a cut character dropped


def _split(line: str, sep: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=sep))
    except csv.Error:  # a field over the csv module's size limit: the scan refuses the file at its line
        return [line]


def _separator(head: str, load: Load) -> str:
    if load.options.sep is not None:
        return load.options.sep
    lines = head.splitlines()
    sample = "\n".join(lines[:50])
    first = next(line for line in lines if line.strip())  # the source stage refused a blank text
    fits = [d for d in SEPARATORS if set(MARKET_COLUMNS) <= {normalise(n) for n in _split(first, d)}]
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters="".join(SEPARATORS)).delimiter
    except csv.Error:  # none of SEPARATORS splits the lines alike: read one column, which the header check refuses
        sniffed = ","
    chosen = sniffed if sniffed in fits or not fits else fits[0]
    if chosen != ",":
        load.note(f"separator {chosen!r}")
    return chosen


def _fast(text: Text, head: str, sep: str, load: Load) -> Optional[Records]:
    """The rows split by pyarrow, or None where only the diagnostic scan can say what the file holds."""
    view = text.view
    if load.options.names is not None:  # no header line: every line is a row
        header, body = list(load.options.names), view
        load.lines = Lines(first=1)
    else:
        first_line = re.match(r"[^\r\n]*(\r\n|\r|\n|$)", head).group(0)
        if '"' in first_line and first_line.count('"') % 2 or not first_line.endswith(("\n", "\r")):
            return None  # a header spanning lines, longer than the head read, or the text's only line
        header = _split(first_line, sep)  # the csv module drops the line end
        if not any(name.strip() for name in header):
            return None  # blank lines above the header
        body = view[len(first_line.encode("utf-8")):]
    quoted = b'"' in text.data  # a byte-order mark (before text.start) holds no quote
    if quoted and re.search(_ODD_QUOTE % (re.escape(sep.encode()), re.escape(sep.encode())), view):
        return None
    if not re.search(rb"\S", body):
        return None  # no data rows (or only blank ones): the scan says which
    columns = _split_typed(body, header, sep, quoted, load)
    if columns is None:
        columns = _arrow_split(body, header, sep, quoted, {})
    if columns is None:
        return None
    if quoted and any(pc.any(pc.match_substring_regex(c, "[\r\n]")).as_py() for c in columns
                      if pa.types.is_string(c.type)):
        return None  # a value spanning lines (or a quote left open to the end): the scan counts the lines
    records = Records(header, columns)
    blank = _blank_rows(columns)
    if blank is not None:
        records = _drop_trailing_blank(records, blank, load)
    if blank is None and view[-1:] not in (b"\n", b"\r"):
        load.note(f"the last line ({load.lines.where(len(records) - 1)}) has no line break at its end, as in a file "
                  "still being written: check that its last row is complete")
    return records


def _arrow_split(body, header: list[str], sep: str, quoted: bool, types: dict) -> Optional[list[pa.ChunkedArray]]:
    """pyarrow's split of the rows: text columns, or ``types`` for some; None where it cannot split exactly."""
    names = [f"f{i}" for i in range(len(header))]
    try:
        table = pcsv.read_csv(
            pa.py_buffer(body),
            read_options=pcsv.ReadOptions(column_names=names, block_size=1 << 24, use_threads=False),
            parse_options=pcsv.ParseOptions(delimiter=sep, newlines_in_values=quoted, ignore_empty_lines=False),
            # text is never null (strings_can_be_null=False by default); a null in a typed column makes
            # _split_typed fall back to text
            convert_options=pcsv.ConvertOptions(column_types={n: types.get(i, pa.string()) for i, n in enumerate(names)}))
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None
    return [table.column(i) for i in range(len(names))]


def _split_typed(body, header: list[str], sep: str, quoted: bool, load: Load) -> Optional[list[pa.ChunkedArray]]:
    """The common file in one pass: the market columns parsed as numbers and ISO timestamps by pyarrow.

    Only when every value of them is one the later stages would read the same from text: plain finite numbers
    that no other decimal convention reads (no value like ``4.012``) and ISO timestamps without a zone. Else
    None, and the file is split as text.
    """
    options = load.options
    if options.thousands is not None or options.decimal not in (None, "."):
        return None
    mapped = {name: market for market, column in options.columns.items() for name in header
              if market in MARKET_COLUMNS and name.strip() == column.strip()}
    markets = [mapped.get(name, normalise(name)) for name in header]
    if any(markets.count(c) != 1 for c in MARKET_COLUMNS):
        return None  # the header stage refuses it, or it needs a date and a time combined
    types = {markets.index(c): pa.float64() for c in NUMERIC_COLUMNS}
    if options.date_format is None and options.tz is None:  # a tz= refusal quotes the text as written
        types[markets.index("timestamp")] = pa.timestamp("ns")
    columns = _arrow_split(body, header, sep, quoted, types)
    if columns is None or any(columns[i].null_count for i in types):
        return None
    for i, kind in types.items():
        if kind == pa.float64():
            values = columns[i].to_numpy()
            if not np.isfinite(values).all():
                return None
            if options.decimal is None and ((np.abs(values) < 1000) & (values != np.round(values))).any():
                return None  # '4.012' might be 4012 with a grouping dot: the text decides
    return columns


def _blank_rows(columns: list[pa.ChunkedArray]) -> Optional[np.ndarray]:
    if not all(pa.types.is_string(column.type) for column in columns):
        return None  # a parsed number or timestamp is never blank
    blank = None
    for column in columns:
        empty = pc.or_(pc.equal(pc.binary_length(column), 0), pc.utf8_is_space(column))
        blank = empty if blank is None else pc.and_(blank, empty)
        if not pc.any(blank).as_py():
            return None
    return blank.to_numpy()  # a ChunkedArray's: a bool array (CSV text is never null)


def _drop_trailing_blank(records: Records, blank: np.ndarray, load: Load) -> Records:
    filled = np.flatnonzero(~blank)
    if not len(filled):
        raise ValueError(f"{load.source} has a header but no data rows (it is empty below line 1); "
                         "add one line per bar")
    first_blank = int(np.flatnonzero(blank)[0])
    if not blank[first_blank:].all():  # a filled row below the first blank one
        raise ValueError(f"{load.source} {load.lines.where(first_blank)} is an empty row between data rows; "
                         "delete it (or fill in the missing bar)")
    load.note(f"dropped {len(blank) - first_blank} empty row(s) at the end (from {load.lines.where(first_blank)})")
    return records.take(np.arange(first_blank))


def scan(text: str, sep: str, load: Load) -> Records:
    """The diagnostic path: Python's strict csv reader, row by row; refuses ragged rows and inner blank rows."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=True)  # an unclosed quote is an error
    header, header_line, rows, lines, blank = None, None, [], [], []
    named = load.options.names is not None
    if named:  # a file without a header line: names= is its header
        header = list(load.options.names)
    start = 1
    try:
        for record in reader:
            line, start = start, reader.line_num + 1
            if not any(field.strip() for field in record):
                if header is not None:
                    blank.append(line)
                continue
            if header is None:
                header, header_line = record, line
                continue
            if blank:
                raise ValueError(f"{load.source} line {blank[0]} is an empty row between data rows; "
                                 "delete it (or fill in the missing bar)")
            if len(record) != len(header) and named:
                raise ValueError(f"{load.source} line {line} has {len(record)} fields but names= has {len(header)}: "
                                 f"{describe(header)}; give one name per field")
            if len(record) != len(header):
                raise ValueError(
                    f"{load.source} line {line} has {len(record)} fields but the header (line {header_line}) has "
                    f"{len(header)}: {describe(header)}. A value holding the separator {sep!r} must be quoted "
                    f"(\"4,000.25\"), and a stray or missing separator must be fixed on line {line}; "
                    "columns are never shifted to make it fit")
            rows.append(record)
            lines.append(line)
    except csv.Error as exc:
        raise ValueError(f"{load.source} line {start}: {exc}; check the quotes on that line") from exc
    if header is None:
        raise ValueError(f"{load.source} has no header, only empty fields; a market CSV needs a header line "
                         f"{','.join(MARKET_COLUMNS)} and one line per bar")
    if not rows:
        raise ValueError(f"{load.source} has a header but no data rows (it is empty below line {header_line}); "
                         "add one line per bar" if not named else f"{load.source} has no data rows; add one line per bar")
    if blank:
        load.note(f"dropped {len(blank)} empty row(s) at the end (from line {blank[0]})")
    array = np.asarray(lines)
    load.lines = Lines(compute=lambda: array)
    if not blank and text[-1:] not in ("\n", "\r"):
        load.note(f"the last line (line {lines[-1]}) has no line break at its end, as in a file still being "
                  "written: check that its last row is complete")
    return Records(header, [pa.chunked_array([pa.array(list(values))]) for values in zip(*rows)])

