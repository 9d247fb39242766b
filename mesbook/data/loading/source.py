"""Stage 1 of the loader, bytes to text: the file or buffer read, unpacked and decoded.

Compression (gzip, bz2, xz, zstd, zip with one member) is recognised from the content's first bytes, whatever
the file's name; Parquet and Feather (Arrow IPC) files are recognised the same way and read as tables by
:mod:`.tables`. Text ends as UTF-8 bytes, which the parser reads without a copy for the common file; the
decoded ``str`` is made only when the diagnostic scan of :mod:`.records` needs it.
"""
from __future__ import annotations

import bz2
import codecs
import gzip
import io
import lzma
import os
import re
import zipfile
from dataclasses import dataclass
from typing import IO, Optional, Union

from .common import MARKET_COLUMNS, Load

PathOrBuffer = Union[str, os.PathLike, IO[str], IO[bytes]]

_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
         (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
#: Bytes that never occur in text: NUL and the control characters other than tab, line ends and form feed.
_CONTROL = bytes([*range(0x00, 0x09), 0x0b, *range(0x0e, 0x20), 0x7f])
_NOT_CONTROL = bytes(b for b in range(256) if b not in _CONTROL)
_CONTROL_TEXT = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
#: First bytes of the binary table formats read by :mod:`.tables`.
TABLE_MAGIC = {b"PAR1": "parquet", b"ARROW1": "feather", b"FEA1": "feather (version 1)"}
_ZSTD = b"\x28\xb5\x2f\xfd"


@dataclass
class Text:
    """A CSV's content as UTF-8 bytes (``data[start:]``), its ``str`` made on demand."""

    data: bytes
    start: int = 0
    _text: Optional[str] = None

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = codecs.decode(memoryview(self.data)[self.start:], "utf-8")
        return self._text

    @property
    def view(self) -> memoryview:
        return memoryview(self.data)[self.start:]


def read_source(path_or_buffer: PathOrBuffer, load: Load) -> Union[Text, tuple[str, bytes]]:
    """The CSV text of ``path_or_buffer`` (refused if empty or binary), or ``(kind, bytes)`` of a table file."""
    load.source, data = _read(path_or_buffer)
    if isinstance(data, str):
        _refuse_binary_text(data, load)
        return _text_or_empty(Text(data.encode("utf-8"), 0, data), load)
    data = _decompress(data, load)
    kind = next((kind for magic, kind in TABLE_MAGIC.items() if data.startswith(magic)), None)
    if kind is not None:
        return kind, data
    text = _decode(data, load)
    if text.data.translate(None, _NOT_CONTROL):  # any control byte; in UTF-8 they stand for themselves
        raise ValueError(f"{load.source} is not a text CSV file (it holds binary data); pass the CSV file itself, "
                         "or its encoding with encoding= if it is text in an unusual encoding")
    return _text_or_empty(text, load)


def _refuse_binary_text(text: str, load: Load) -> None:
    if _CONTROL_TEXT.search(text):
        raise ValueError(f"{load.source} is not a text CSV file (it holds binary data); pass the CSV file itself, "
                         "or its encoding with encoding= if it is text in an unusual encoding")


def _text_or_empty(text: Text, load: Load) -> Text:
    head = bytes(text.view[:65536]).decode("utf-8", "ignore")
    if not head.strip() and (len(text.view) <= 65536 or not text.text.strip()):
        raise ValueError(f"{load.source} is empty; a market CSV needs a header line "
                         f"{','.join(MARKET_COLUMNS)} and one line per bar")
    return text


def _read(path_or_buffer: PathOrBuffer) -> tuple[str, Union[bytes, str]]:
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


def _zstd(data: bytes) -> bytes:
    import pyarrow as pa

    return pa.input_stream(pa.py_buffer(data), compression="zstd").read()


def _decompress(data: bytes, load: Load) -> bytes:
    """Undo gzip/bz2/xz/zstd/zip compression recognised by the content's magic bytes."""
    kinds = {b"\x1f\x8b": ("gzip", gzip.decompress), b"BZh": ("bz2", bz2.decompress),
             b"\xfd7zXZ\x00": ("xz", lzma.decompress), _ZSTD: ("zstd", _zstd)}
    for magic, (kind, open_) in kinds.items():
        if data.startswith(magic):
            try:
                data = open_(data)
            except (OSError, EOFError, ValueError, lzma.LZMAError) as exc:  # pyarrow's errors are OSError/ValueError
                raise ValueError(f"{load.source} looks {kind}-compressed but cannot be decompressed ({exc}); "
                                 "the file is damaged: export or download it again") from exc
            load.note(f"decompressed {kind} content")
            return data
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                members = [m for m in archive.namelist() if not m.endswith("/")]
                if len(members) != 1:
                    raise ValueError(f"{load.source} is a zip archive holding {len(members)} files {members[:5]}; "
                                     "extract the CSV you mean and pass that file")
                load.note(f"read {members[0]!r} from a zip archive")
                return archive.read(members[0])
        except zipfile.BadZipFile as exc:
            raise ValueError(f"{load.source} looks like a zip archive but cannot be opened ({exc}); "
                             "export or download it again") from exc
    return data


def _is_utf8(data) -> bool:
    """Whether ``data`` decodes as UTF-8, checked by Arrow's validator without making a ``str``."""
    import numpy as np
    import pyarrow as pa

    offsets = pa.py_buffer(np.array([0, len(data)], np.int64))
    try:
        pa.Array.from_buffers(pa.large_string(), 1, [None, offsets, pa.py_buffer(data)]).validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


def _decode(data: bytes, load: Load) -> Text:
    encoding = load.options.encoding
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError as exc:
            raise ValueError(f"encoding={encoding!r} is not an encoding Python knows; pass e.g. 'utf-8', "
                             "'latin-1' or 'utf-16'") from exc
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise ValueError(f"{load.source} line {line} cannot be decoded with encoding={encoding!r} ({exc.reason}); "
                             "pass the file's real encoding, e.g. encoding='latin-1'") from exc
        return Text(text.encode())
    head = data[:400]
    detected = next((name for bom, name in _BOMS if data.startswith(bom)), None)
    if detected is None and len(head) >= 4 and head.count(0) * 3 >= len(head):  # UTF-16 text without a BOM
        detected = "utf-16-le" if head[1::2].count(0) > head[0::2].count(0) else "utf-16-be"
    if detected == "utf-8-sig" and _is_utf8(memoryview(data)[3:]):
        return Text(data, 3)
    if detected is None and _is_utf8(data):
        return Text(data)
    for name in ([detected] if detected else ["cp1252", "latin-1"]):
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        load.note(f"decoded as {name} (pass encoding= if that is wrong)")  # not UTF-8: that returned above
        return Text(text.encode())
    raise ValueError(f"{load.source} cannot be decoded as {detected}; pass the file's encoding with encoding=")
