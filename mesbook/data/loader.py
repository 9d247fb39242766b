"""Reading a market CSV as people actually have it: :func:`load_market_data`.

A broker export, a vendor download or a spreadsheet saved as CSV differ in separator, encoding,
compression, header spelling, number and date conventions. The loader reads each of these correctly or
refuses the file with a ``ValueError`` that names the column, the first bad line of the file (counting
the header as line 1) and the fix; where the fix is an argument of :func:`load_market_data`, the message
names that argument. It never guesses silently: what it changed to read the file (decompressed it,
decoded it as latin-1, renamed a header, converted Unix times, ...) is reported in one
:class:`DataNote` warning.

The result is a market frame (see :mod:`mesbook.article.market`) in the convention the engine uses end to
end: ``timestamp`` is **tz-naive exchange time, America/Chicago** (CME's clock); ``futures_price`` is
float index points; ``open_interest`` float contracts. Extra columns are kept.
"""
from __future__ import annotations

import bz2
import csv
import difflib
import gzip
import io
import lzma
import os
import re
import warnings
import zipfile
from typing import IO, Optional, Union

import numpy as np
import pandas as pd
from pandas.tseries.api import guess_datetime_format

from ..core.market import MARKET_COLUMNS, validate_market_data

#: The zone naive output timestamps are expressed in: CME's exchange time.
EXCHANGE_TZ = "America/Chicago"
#: Separators the sniffer chooses from.
SEPARATORS = (",", ";", "\t", "|")
#: Numeric date encodings ``date_format`` accepts besides strftime formats.
NUMERIC_DATE_UNITS = ("s", "ms", "us", "ns", "excel")
NUMERIC_COLUMNS = ("futures_price", "open_interest")
_CURRENCY = "$€£¥"
_MISSING = {"", "nan", "na", "n/a", "#n/a", "null", "none", "-", "nat"}
_BOOLEAN = {"true", "false", "yes", "no"}
# A UTC offset ends a value only right after its time of day ("13-01-2024" ends in a year, not an offset).
_OFFSET = re.compile(r"\d:\d\d(?::\d\d(?:[.,]\d+)?)?\s?(?:Z|[+-]\d\d:?\d\d)$")
_OFFSET_PARTS = re.compile(r"([+-])(\d\d):?(\d\d)$")
_DIGITS = re.compile(r"^[+-]?\d+(\.\d+)?$")
# Numeric timestamps must decode to 1971-2100: a date in 1970 means a wrong unit (seconds read as ms, ...).
_FIRST_PLAUSIBLE, _LAST_PLAUSIBLE = pd.Timestamp("1971-01-01"), pd.Timestamp("2100-12-31")
# Magnitude of a numeric timestamp between 1971 and 2100 in each encoding (YYYYMMDD dates are 8 digits).
_NUMERIC_RANGES = {"excel": (25_934, 73_415), "s": (3.2e7, 4.2e9), "ms": (3.2e10, 4.2e12), "us": (3.2e13, 4.2e15),
                   "ns": (3.2e16, 4.2e18)}
_NUMERIC_NAMES = {"excel": "Excel serial days", "s": "Unix seconds (UTC)", "ms": "Unix milliseconds (UTC)",
                  "us": "Unix microseconds (UTC)", "ns": "Unix nanoseconds (UTC)"}

PathOrBuffer = Union[str, os.PathLike, IO[str], IO[bytes]]


class DataNote(UserWarning):
    """What :func:`load_market_data` did to read a file that was not plain UTF-8 ISO CSV (one per load)."""


def load_market_data(
    path_or_buffer: PathOrBuffer,
    *,
    sep: Optional[str] = None,
    date_format: Optional[str] = None,
    dayfirst: Optional[bool] = None,
    tz: Optional[str] = None,
    encoding: Optional[str] = None,
    decimal: Optional[str] = None,
    thousands: Optional[str] = None,
) -> pd.DataFrame:
    """Read a market CSV (``timestamp``, ``futures_price``, ``open_interest``; extra columns kept).

    ``path_or_buffer`` is a path or an open file (text or binary). Every argument left at ``None`` is
    detected, and every detection that is not certain refuses the file with a ``ValueError`` naming the
    argument to pass:

    * **compression** — gzip, bz2, zip (one member) or xz, recognised from the content, whatever the name;
    * ``encoding`` — a byte-order mark (UTF-8, UTF-16, UTF-32), UTF-16 without one, else UTF-8, else
      latin-1 (Windows-1252 where it decodes);
    * ``sep`` — ``, ; tab |``, sniffed with :class:`csv.Sniffer` and confirmed by the header;
    * **header** — case, spaces, ``-`` and ``.`` are normalised (``"Open Interest"`` → ``open_interest``)
      for the three market columns; extra columns keep their names;
    * ``decimal``/``thousands`` — the marks of ``futures_price``/``open_interest``: ``4000.25``,
      ``"4,000.25"``, ``4000,25`` (``;``-separated) and ``4.000,25`` are read as 4000.25; a file whose
      values read two ways (only ``"20,000"``-like values) is refused. Currency signs ``$ € £ ¥`` are
      dropped. Booleans are refused.
    * ``date_format`` — a strftime format, or a numeric encoding: ``"s"``, ``"ms"``, ``"us"``, ``"ns"``
      (Unix time, UTC) or ``"excel"`` (serial days). Undeclared numeric timestamps are recognised by size
      (YYYYMMDD, Unix s/ms/us/ns, Excel days; dates 1971–2100) or refused; they are never read as
      nanoseconds after 1970. ``dayfirst`` settles day/month order, which is refused when both orders
      read every date.
    * ``tz`` — the zone of timestamps written **without** an offset (default: already exchange time).

    Timestamps end as **tz-naive America/Chicago time** (CME exchange time), the convention of every
    mesbook function: values with a UTC offset (mixed offsets across a DST change too), Unix times and
    naive values declared with ``tz`` are converted to it. Exception: when every such timestamp is at
    midnight in its own zone, the values are dates of daily bars and keep their date.

    Empty rows at the end of the file (as spreadsheets write them) are dropped; a row with more or fewer
    fields than the header is refused, naming its line, and never shifts columns. The input is not
    modified. Raises ``ValueError`` naming column, line and fix for anything it cannot read exactly.
    """
    notes: list[str] = []
    source, data = _read_source(path_or_buffer)
    text = data if isinstance(data, str) else _decode(_decompress(data, source, notes), source, encoding, notes)
    if "\x00" in text or re.search(r"[\x01-\x08\x0b\x0e-\x1f\x7f]", text):
        raise ValueError(f"{source} is not a text CSV file (it holds binary data); pass the CSV file itself, "
                         "or its encoding with encoding= if it is text in an unusual encoding")
    if not text.strip():
        raise ValueError(f"{source} is empty; a market CSV needs a header line "
                         f"{','.join(MARKET_COLUMNS)} and one line per bar")
    sep = _separator(text, sep, notes)
    header, lines, rows = _records(text, sep, source, notes)
    names = _header_names(header, sep, source, notes)
    raw = pd.DataFrame(rows)  # every row has the header's length: columns 0..n-1
    frame = {}
    decimal, thousands = _number_marks(raw, names, lines, decimal, thousands, source, notes)
    for index, name in enumerate(names):
        column = raw[index]
        if name == "timestamp":
            frame[name] = _timestamps(column, lines, date_format, dayfirst, tz, source, notes)
        elif name in NUMERIC_COLUMNS:
            frame[name] = _numbers(column, name, lines, decimal, thousands, source, notes)
        else:
            frame[name] = _extra(column, decimal, thousands)
    df = pd.DataFrame(frame)
    _check_values(df, lines, source, converted=any("exchange time" in note for note in notes))
    if notes:
        warnings.warn(f"{source}: " + "; ".join(notes), DataNote, stacklevel=2)
    return validate_market_data(df)


# -- bytes to text -----------------------------------------------------------------------------------------

def _read_source(path_or_buffer: PathOrBuffer) -> tuple[str, Union[bytes, str]]:
    if hasattr(path_or_buffer, "read"):
        name = getattr(path_or_buffer, "name", None)
        data = path_or_buffer.read()
        if not isinstance(data, (bytes, str)):
            raise TypeError(f"the file object's read() returned {type(data).__name__}; pass a text or binary file")
        return (repr(os.path.basename(name)) if isinstance(name, str) else "the buffer"), data
    if not isinstance(path_or_buffer, (str, os.PathLike)):
        raise TypeError(f"path_or_buffer must be a path or an open file, got {type(path_or_buffer).__name__}")
    path = os.fspath(path_or_buffer)
    try:
        with open(path, "rb") as handle:
            return repr(path), handle.read()
    except FileNotFoundError as exc:
        raise ValueError(f"no CSV file at {path!r}; check the path") from exc
    except OSError as exc:  # a directory, no permission, ...
        raise ValueError(f"cannot read {path!r}: {exc.strerror or exc}; pass the path of a CSV file") from exc


def _decompress(data: bytes, source: str, notes: list[str]) -> bytes:
    """Undo gzip/bz2/zip/xz compression recognised by the content's magic bytes."""
    kinds = {b"\x1f\x8b": ("gzip", gzip.decompress), b"BZh": ("bz2", bz2.decompress),
             b"\xfd7zXZ\x00": ("xz", lzma.decompress)}
    for magic, (kind, open_) in kinds.items():
        if data.startswith(magic):
            try:
                data = open_(data)
            except (OSError, EOFError, ValueError, lzma.LZMAError) as exc:
                raise ValueError(f"{source} looks {kind}-compressed but cannot be decompressed ({exc}); "
                                 "the file is damaged: export or download it again") from exc
            notes.append(f"decompressed {kind} content")
            return data
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                members = [m for m in archive.namelist() if not m.endswith("/")]
                if len(members) != 1:
                    raise ValueError(f"{source} is a zip archive holding {len(members)} files {members[:5]}; "
                                     "extract the CSV you mean and pass that file")
                notes.append(f"read {members[0]!r} from a zip archive")
                return archive.read(members[0])
        except zipfile.BadZipFile as exc:
            raise ValueError(f"{source} looks like a zip archive but cannot be opened ({exc}); "
                             "export or download it again") from exc
    return data


def _decode(data: bytes, source: str, encoding: Optional[str], notes: list[str]) -> str:
    if encoding is not None:
        try:
            return data.decode(encoding)
        except LookupError as exc:
            raise ValueError(f"encoding={encoding!r} is not an encoding Python knows; pass e.g. 'utf-8', "
                             "'latin-1' or 'utf-16'") from exc
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise ValueError(f"{source} line {line} cannot be decoded with encoding={encoding!r} ({exc.reason}); "
                             "pass the file's real encoding, e.g. encoding='latin-1'") from exc
    boms = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
            (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
    head = data[:400]
    detected = next((name for bom, name in boms if data.startswith(bom)), None)
    if detected is None and len(head) >= 4 and head.count(0) * 3 >= len(head):  # UTF-16 text without a BOM
        detected = "utf-16-le" if head[1::2].count(0) > head[0::2].count(0) else "utf-16-be"
    for name in ([detected] if detected else ["utf-8", "cp1252", "latin-1"]):
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        if name not in ("utf-8", "utf-8-sig"):
            notes.append(f"decoded as {name} (pass encoding= if that is wrong)")
        return text
    raise ValueError(f"{source} cannot be decoded as {detected}; pass the file's encoding with encoding=")


# -- structure: separator, records, header -----------------------------------------------------------------

def _split(line: str, sep: str) -> list[str]:
    return next(csv.reader([line], delimiter=sep))


def _normalise(name: str) -> str:
    """The market column a header names, ignoring case, spaces, ``_``, ``-`` and ``.``; else a squeezed key."""
    key = re.sub(r"[\s_\-.\ufeff]+", "", name.lower())
    return next((column for column in MARKET_COLUMNS if column.replace("_", "") == key), key)


def _separator(text: str, sep: Optional[str], notes: list[str]) -> str:
    if sep is not None:
        if not isinstance(sep, str) or len(sep) != 1:
            raise ValueError(f"sep must be one character such as ',', ';', '\\t' or '|', got {sep!r}")
        return sep
    sample = "\n".join(text.splitlines()[:50])
    first = next(line for line in text.splitlines() if line.strip())  # the caller refused a blank text
    fits = [d for d in SEPARATORS if set(MARKET_COLUMNS) <= {_normalise(n) for n in _split(first, d)}]
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters="".join(SEPARATORS)).delimiter
    except csv.Error:  # none of SEPARATORS splits the lines alike: read one column, which the header check refuses
        sniffed = ","
    chosen = sniffed if sniffed in fits or not fits else fits[0]
    if chosen != ",":
        notes.append(f"separator {chosen!r}")
    return chosen


def _records(text: str, sep: str, source: str, notes: list[str]) -> tuple[list[str], np.ndarray, list[list[str]]]:
    """The header, the file line of each data row, and the rows; refuses ragged rows and inner blank rows."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=True)  # an unclosed quote is an error
    header, header_line, rows, lines, blank = None, None, [], [], []
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
                raise ValueError(f"{source} line {blank[0]} is an empty row between data rows; "
                                 "delete it (or fill in the missing bar)")
            if len(record) != len(header):
                raise ValueError(
                    f"{source} line {line} has {len(record)} fields but the header (line {header_line}) has "
                    f"{len(header)}: {_describe(header)}. A value holding the separator {sep!r} must be quoted "
                    f"(\"4,000.25\"), and a stray or missing separator must be fixed on line {line}; "
                    "columns are never shifted to make it fit")
            rows.append(record)
            lines.append(line)
    except csv.Error as exc:
        raise ValueError(f"{source} line {start}: {exc}; check the quotes on that line") from exc
    if header is None:
        raise ValueError(f"{source} has no header, only empty fields; a market CSV needs a header line "
                         f"{','.join(MARKET_COLUMNS)} and one line per bar")
    if not rows:
        raise ValueError(f"{source} has a header but no data rows (it is empty below line {header_line}); "
                         "add one line per bar")
    if blank:
        notes.append(f"dropped {len(blank)} empty row(s) at the end (from line {blank[0]})")
    return header, np.asarray(lines), rows


def _describe(header: list[str]) -> str:
    return ", ".join(repr(h) for h in header)


def _header_names(header: list[str], sep: str, source: str, notes: list[str]) -> list[str]:
    """Column names: the three market columns normalised, every other column as written."""
    names, renamed = [], []
    for position, name in enumerate(header):
        key = _normalise(name)
        if key in MARKET_COLUMNS:
            if key in names:
                raise ValueError(f"{source} line 1 has two columns that read as {key!r} ({_describe(header)}); "
                                 "delete or rename one of them")
            if name != key:
                renamed.append(f"{name!r}->{key!r}")
            names.append(key)
        else:
            names.append(name if name.strip() else f"unnamed_{position}")
    missing = [c for c in MARKET_COLUMNS if c not in names]
    if missing:
        hints = []
        for column in missing:
            close = difflib.get_close_matches(column, [_normalise(n) for n in header], cutoff=0.5)  # best first
            if close:
                hints.append(f"rename {close[0]!r} to {column!r}")
        if len(header) == 1:  # one glued column: the separator is what splits it into the market columns
            fits = [d for d in (*SEPARATORS, " ") if set(MARKET_COLUMNS) <= {_normalise(n) for n in header[0].split(d)}]
            if fits:
                hints = [f"pass sep={fits[0]!r}: the header splits on it into the market columns"]
            elif any(d in header[0] for d in SEPARATORS):
                hints.append(f"pass sep= with the file's separator (read with {sep!r})")
        raise ValueError(
            f"{source} is missing column(s) {missing}; its header has {header}. The header must include "
            f"{', '.join(MARKET_COLUMNS)} (case and spaces do not matter)" + ("; " + "; ".join(hints) if hints else ""))
    if renamed:
        notes.append("renamed column(s) " + ", ".join(renamed))
    return names


# -- values ------------------------------------------------------------------------------------------------

def _refuse(source: str, lines: np.ndarray, mask: np.ndarray, column: str, values: pd.Series, problem: str,
            fix: str) -> None:
    position = int(np.flatnonzero(mask)[0])
    raise ValueError(f"{source} line {lines[position]}, column {column!r}: {problem} "
                     f"{str(values.iloc[position])!r}; {fix}")


def _strip(column: pd.Series) -> pd.Series:
    return column.astype(str).str.strip()


def _number_pattern(decimal: str, thousands: Optional[str]) -> re.Pattern:
    d = re.escape(decimal)
    whole = r"\d+" if thousands is None else rf"(\d+|\d{{1,3}}({re.escape(thousands)}\d{{3}})+)"
    return re.compile(rf"^[+-]?({whole}({d}\d*)?|{d}\d+)([eE][+-]?\d+)?$", re.ASCII)  # 0-9: what pandas parses


def _to_float(values: pd.Series, decimal: str, thousands: Optional[str]) -> pd.Series:
    marks = {decimal: ".", thousands: ""} if thousands is not None else {decimal: "."}  # single characters
    return pd.to_numeric(values.str.translate(str.maketrans(marks)), errors="coerce").astype(float)


def _clean_numbers(column: pd.Series) -> pd.Series:
    return _strip(column).str.strip(_CURRENCY).str.strip()


def _number_marks(raw, names, lines, decimal, thousands, source, notes) -> tuple[str, Optional[str]]:
    """The decimal mark and thousands separator of the file's numbers: given, or the one reading that fits."""
    for name, value in (("decimal", decimal), ("thousands", thousands)):
        if value is not None and (not isinstance(value, str) or len(value) != 1 or value.isdigit()):
            raise ValueError(f"{name} must be one non-digit character such as '.' or ',', got {value!r}")
    if decimal is not None and decimal == thousands:
        raise ValueError(f"decimal and thousands must differ, both are {decimal!r}")
    values = pd.concat([_clean_numbers(raw[names.index(c)]) for c in NUMERIC_COLUMNS], ignore_index=True)
    values = values[~values.str.lower().isin(_MISSING | _BOOLEAN) & ~values.str.lower().str.contains("inf")]
    if decimal is not None:
        return decimal, thousands
    has_comma = values.str.contains(",").any()
    candidates = [(".", thousands)] if not has_comma else [(".", ","), (",", thousands), (",", ".")]
    dotted = values[values.str.contains(r"\.")]
    grouped = r"[+-]?\d{1,3}(\.\d{3})+"
    if not has_comma and len(dotted) and re.fullmatch(grouped, dotted.iloc[0]) and dotted.str.fullmatch(grouped).all():
        candidates.append((",", "."))  # "4.012" alone: 4.012, or 4012 with a European digit-group dot
    if thousands is not None:
        # none is left only for thousands='.' (with no comma nor grouping dot): the decimal mark is then ','
        candidates = [(d, t) for d, t in candidates if t == thousands and d != t] or [(",", thousands)]
    if len(candidates) == 1:  # one possible reading: its values are checked column by column
        return candidates[0]
    read = {c: int(values.str.fullmatch(_number_pattern(*c)).sum()) for c in candidates}
    readings = {c: _to_float(values, *c) for c in candidates if read[c] == len(values)}
    if not readings:  # none reads every value: the one reading most names the first it cannot, column by column
        return max(candidates, key=read.get)
    first, *others = readings.items()
    for mark, reading in others:
        differ = (first[1] != reading).to_numpy()  # two readings of a text agree exactly or differ tenfold
        if differ.any():
            at = int(np.flatnonzero(differ)[0])
            where = int(values.index[at])  # its place among both columns' values, gaps and flags included
            raise ValueError(
                f"{source} line {lines[where % len(raw)]}, column {NUMERIC_COLUMNS[where // len(raw)]!r}: "
                f"{values.iloc[at]!r} reads as "
                f"{first[1].iloc[at]:g} with decimal={first[0][0]!r}, thousands={first[0][1]!r} and as "
                f"{reading.iloc[at]:g} with decimal={mark[0]!r}, thousands={mark[1]!r}; pass decimal= and "
                "thousands= to say which")
    mark = first[0]  # several conventions could apply (the plain one agrees only on zeros): say which read it
    notes.append(f"numbers read with decimal={mark[0]!r}" + (f", thousands={mark[1]!r}" if mark[1] else ""))
    return mark


def _numbers(column, name, lines, decimal, thousands, source, notes) -> pd.Series:
    text = _strip(column)
    lower = text.str.lower()
    missing = lower.isin(_MISSING).to_numpy()
    if missing.any():
        _refuse(source, lines, missing, name, text, "missing value", "fill it in or delete that row")
    boolean = lower.isin(_BOOLEAN).to_numpy()
    if boolean.any():
        _refuse(source, lines, boolean, name, text, "a true/false value",
                "the column must hold numbers (prices in index points, open interest in contracts)")
    cleaned = text.str.strip(_CURRENCY).str.strip()
    if (cleaned != text).any():
        notes.append(f"dropped currency signs in {name!r}")
    infinite = lower.str.contains("inf").to_numpy()
    if infinite.any():
        _refuse(source, lines, infinite, name, text, "infinite value", "replace it with a finite number")
    if decimal == "." and thousands is None:  # the plain case: pandas' own parser, fast
        numbers = pd.to_numeric(cleaned, errors="coerce").astype(float)
        valid = numbers.notna().to_numpy()
    else:
        valid = cleaned.str.fullmatch(_number_pattern(decimal, thousands)).to_numpy()
    if not valid.all():
        bad = cleaned[~valid]
        hint = "pass decimal= and thousands= with the file's marks, e.g. decimal=',', thousands='.'"
        if bad.str.contains(r"\d[ \u00a0\u202f']\d").any():
            hint = "pass thousands= with the file's digit-group separator, e.g. thousands=' '"
        elif not bad.str.contains(r"\d").any():
            hint = "it must be a number: fix or delete that row"
        _refuse(source, lines, ~valid, name, text, "not a number", hint)
    return numbers if decimal == "." and thousands is None else _to_float(cleaned, decimal, thousands)


def _extra(column: pd.Series, decimal: str, thousands: Optional[str]) -> pd.Series:
    text = _strip(column)
    text = text.where(~text.str.lower().isin(_MISSING))
    present = text.dropna()
    if len(present) and present.str.fullmatch(_number_pattern(decimal, thousands)).all():
        numbers = _to_float(text, decimal, thousands)
        if numbers.notna().sum() == len(present):
            whole = numbers.dropna()
            return numbers.astype("int64") if numbers.notna().all() and (whole == whole.round()).all() \
                and not present.str.contains(re.escape(decimal)).any() else numbers
    return text


def _timestamps(column, lines, date_format, dayfirst, tz, source, notes) -> pd.Series:
    text = _strip(column)
    missing = text.str.lower().isin(_MISSING).to_numpy()
    if missing.any():
        _refuse(source, lines, missing, "timestamp", text, "missing value", "fill it in or delete that row")
    if tz is not None:
        try:
            pd.Timestamp("2024-01-02").tz_localize(tz)
        except Exception as exc:  # zoneinfo/pytz raise several kinds
            raise ValueError(f"tz={tz!r} is not a time zone; pass an IANA name such as 'America/New_York' or 'UTC'") from exc
    numeric = text.str.fullmatch(_DIGITS).to_numpy()
    if date_format in NUMERIC_DATE_UNITS or (date_format is None and numeric.all()):
        return _numeric_timestamps(text, lines, date_format, tz, source, notes)
    if date_format is None and numeric.any():
        _refuse(source, lines, numeric, "timestamp", text, "a number among dates",
                "write every timestamp the same way")
    aware = text.str.contains(_OFFSET).to_numpy()
    if aware.any() and not aware.all():
        _refuse(source, lines, ~aware if aware[0] else aware, "timestamp", text,
                "a value with" + ("out" if aware[0] else "") + " a UTC offset, unlike line "
                + str(lines[0]), "write every timestamp with an offset, or none (and pass tz=)")
    parsed = _parse_text_dates(text, lines, date_format, dayfirst, aware.any(), source, notes)
    if aware.any():
        if tz is not None:
            raise ValueError(f"{source} column 'timestamp' carries UTC offsets (line {lines[0]}: {text.iloc[0]!r}); "
                             "tz= declares the zone of timestamps without one: drop tz=")
        parts = text.str.extract(_OFFSET_PARTS).fillna("0")  # no match: "Z", UTC
        minutes = pd.to_numeric(parts[1]) * 60 + pd.to_numeric(parts[2])
        wall = parsed.dt.tz_localize(None) + pd.to_timedelta(minutes.where(parts[0] != "-", -minutes), unit="min")
        return _to_exchange_time(parsed, "UTC offsets", notes, wall)
    if tz is not None:
        return _localize(parsed, tz, lines, text, source, notes)
    return parsed.dt.as_unit("us") if (parsed.dt.nanosecond == 0).all() else parsed


def _parse_text_dates(text, lines, date_format, dayfirst, aware, source, notes) -> pd.Series:
    utc = bool(aware)
    if date_format is not None:
        try:
            parsed = pd.to_datetime(text, format=date_format, errors="coerce", utc=utc)
        except ValueError as exc:
            raise ValueError(f"date_format={date_format!r} is not a strftime format ({exc}); pass e.g. "
                             "'%d/%m/%Y %H:%M' or one of " + ", ".join(map(repr, NUMERIC_DATE_UNITS))) from exc
        bad = parsed.isna().to_numpy()
        if bad.any():
            _refuse(source, lines, bad, "timestamp", text, f"not a date in date_format={date_format!r}",
                    "fix that value or pass the matching date_format=")
        return parsed
    iso = pd.to_datetime(text, format="ISO8601", errors="coerce", utc=utc)
    if iso.notna().all():
        return iso
    with warnings.catch_warnings():  # pandas warns when a guess contradicts dayfirst: both orders are tried here
        warnings.simplefilter("ignore", UserWarning)
        readings = _day_month_readings(text, dayfirst, utc)
    if not readings:  # no value of the first 200 looks like a date
        _refuse(source, lines, iso.isna().to_numpy(), "timestamp", text, "not a date",
                "use ISO dates such as 2024-03-15 or 2024-03-15 16:00, or pass date_format=")
    return _pick_reading(readings, text, lines, source, notes)


def _day_month_readings(text, dayfirst, utc) -> dict:
    """For each day/month order to try, the first guessed format that reads every value (or the best one)."""
    readings = {}
    for first in ((False, True) if dayfirst is None else (dayfirst,)):
        # year/day/month is no one's convention: a year-first date is read year/month/day whatever dayfirst says
        formats = {re.sub(r"%Y(.)%d(.)%m", r"%Y\1%m\2%d", f) for v in text.iloc[:200]
                   for f in [guess_datetime_format(v, dayfirst=first)] if f}
        for fmt in sorted(formats):
            parsed = pd.to_datetime(text, format=fmt, errors="coerce", utc=utc)
            if parsed.notna().all():
                readings[first] = (fmt, parsed)
                break
            readings.setdefault(first, (fmt, parsed))
    return readings


def _pick_reading(readings, text, lines, source, notes) -> pd.Series:
    full = {k: v for k, v in readings.items() if v[1].notna().all()}
    if not full:
        fmt, parsed = max(readings.values(), key=lambda item: item[1].notna().sum())
        _refuse(source, lines, parsed.isna().to_numpy(), "timestamp", text, f"not a date like line {lines[0]} ({fmt})",
                "fix that value, or pass date_format= with the file's format")
    if len(full) == 2 and not full[False][1].equals(full[True][1]):
        differ = (full[False][1] != full[True][1]).to_numpy()
        _refuse(source, lines, differ, "timestamp", text, "day and month can be read either way in",
                "pass dayfirst=True (day/month/year) or dayfirst=False (month/day/year), or date_format=")
    fmt, parsed = next(iter(full.values()))
    notes.append(f"dates read as {fmt}")
    return parsed


def _numeric_timestamps(text, lines, date_format, tz, source, notes) -> pd.Series:
    if date_format is None and text.str.fullmatch(r"\d{8}").all():
        parsed = pd.to_datetime(text, format="%Y%m%d", errors="coerce")
        if parsed.notna().all() and parsed.between(_FIRST_PLAUSIBLE, _LAST_PLAUSIBLE).all():
            notes.append("timestamps read as YYYYMMDD dates")
            return _localize(parsed.dt.as_unit("us"), tz, lines, text, source, notes) if tz else parsed.dt.as_unit("us")
    numbers = pd.to_numeric(text, errors="coerce")
    bad = ~np.isfinite(numbers).to_numpy()  # also "inf", "1e400"
    if bad.any():
        _refuse(source, lines, bad, "timestamp", text, f"not a number for date_format={date_format!r}",
                "fix that value or pass the matching date_format=")
    unit = date_format
    if unit is None:
        fits = [u for u, (low, high) in _NUMERIC_RANGES.items() if ((numbers >= low) & (numbers < high)).all()]
        if len(fits) != 1:
            bad = ~((numbers >= _NUMERIC_RANGES["excel"][0]) & (numbers < _NUMERIC_RANGES["ns"][1])).to_numpy()
            # every value is some encoding's date but no one encoding reads them all: blame the first line
            _refuse(source, lines, bad if bad.any() else ~bad, "timestamp", text,
                    "a number that is not a recognisable date",
                    "pass date_format= with its encoding: 's', 'ms', 'us', 'ns' (Unix time), 'excel' (serial "
                    "days) or a strftime format such as '%Y%m%d'")
        unit = fits[0]
    if unit == "excel":
        # a serial beyond any timestamp becomes NaT, refused below as outside 1971-2100
        parsed = pd.Timestamp("1899-12-30") + pd.to_timedelta((numbers * 86_400_000_000).round(), unit="us",
                                                              errors="coerce")
    elif unit == "ns" and numbers.dtype == "int64":  # pandas' own integers are ns: every ns kept, unlike float
        parsed = pd.to_datetime(numbers)
    else:
        scale = {"s": 1e6, "ms": 1e3, "us": 1.0, "ns": 1e-3}[unit]
        parsed = pd.to_datetime((numbers * scale).round().astype("int64"), unit="us")
    outside = ~parsed.between(_FIRST_PLAUSIBLE, _LAST_PLAUSIBLE).to_numpy()
    if outside.any():
        _refuse(source, lines, outside, "timestamp", text, f"a date outside 1971-2100 as {_NUMERIC_NAMES[unit]}",
                "pass date_format= with the right encoding ('s', 'ms', 'us', 'ns', 'excel')")
    notes.append(f"timestamps read as {_NUMERIC_NAMES[unit]}")
    if unit == "excel":
        return _localize(parsed, tz, lines, text, source, notes) if tz else parsed
    if tz is not None:
        raise ValueError(f"{source} column 'timestamp' holds Unix times, which are UTC by definition; drop tz=")
    return _to_exchange_time(parsed.dt.tz_localize("UTC"), "Unix time", notes)


def _to_exchange_time(aware: pd.Series, what: str, notes: list[str], wall: Optional[pd.Series] = None) -> pd.Series:
    """Instants to tz-naive exchange time, unless every one is a midnight in its own zone (daily dates).

    ``wall`` holds the clock times as written (offsets dropped); by default the instants' own wall time.
    """
    wall = aware.dt.tz_localize(None) if wall is None else wall
    if wall.notna().all() and (wall == wall.dt.normalize()).all():
        notes.append(f"daily dates with {what} kept as dates")
        return wall
    notes.append(f"converted {what} to exchange time {EXCHANGE_TZ} (tz-naive)")
    return aware.dt.tz_convert(EXCHANGE_TZ).dt.tz_localize(None)


def _localize(parsed, tz, lines, text, source, notes) -> pd.Series:
    try:
        aware = parsed.dt.tz_localize(tz)  # pandas' default raises at a skipped or repeated clock time
    except Exception:  # pytz/zoneinfo errors: find the first time the zone skips or repeats
        earlier = parsed.dt.tz_localize(tz, ambiguous="NaT", nonexistent="NaT")
        _refuse(source, lines, earlier.isna().to_numpy(), "timestamp", text,
                f"a clock time that {tz} skips or repeats at a DST change",
                "write the timestamps with their UTC offset (e.g. 2024-11-03 01:30-05:00) or in UTC with tz='UTC'")
    if str(tz) == EXCHANGE_TZ:
        return parsed
    return _to_exchange_time(aware, f"tz={tz!r}", notes)


def _check_values(df: pd.DataFrame, lines: np.ndarray, source: str, converted: bool) -> None:
    for column in NUMERIC_COLUMNS:
        bad = (df[column] <= 0).to_numpy()
        if bad.any():
            _refuse(source, lines, bad, column, df[column], "must be > 0, got",
                    "prices and open interest cannot be zero or negative: fix or delete that row")
    times = df["timestamp"].to_numpy()
    step = times[1:] <= times[:-1]
    if step.any():
        position = int(np.flatnonzero(step)[0]) + 1
        kind = "duplicate" if times[position] == times[position - 1] else "out-of-order"
        if converted:  # distinct instants can share a clock time in the hour that repeats when DST ends
            raise ValueError(
                f"{source} line {lines[position]}, column 'timestamp': in exchange time {EXCHANGE_TZ} this bar is "
                f"{kind} ({str(df['timestamp'].iloc[position])!r}, line {lines[position - 1]} has "
                f"{str(df['timestamp'].iloc[position - 1])!r}), as in the hour clocks repeat when daylight saving "
                "time ends; the engine works in tz-naive exchange time: drop or aggregate the bars of that hour")
        raise ValueError(
            f"{source} line {lines[position]}, column 'timestamp': {kind} timestamp {str(df['timestamp'].iloc[position])!r} "
            f"(line {lines[position - 1]} has {str(df['timestamp'].iloc[position - 1])!r}); timestamps must be strictly "
            "increasing: sort the file by timestamp and drop duplicates")
