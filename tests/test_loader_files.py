"""load_market_data, the file layer: bytes to text, separator, records and header, on hand-built inputs.

Covers what tests/test_loader.py leaves open in reading a file before any value is parsed: where a
message's file name comes from, binary data, compression (zip edge cases), encodings (byte-order marks,
UTF-16 without one, the latin-1 fallback), the separator when the sniffer and the header disagree, quotes
that never close, the header's hints, and extra columns. Each case loads to known values with the note
that says what changed, or is refused naming the line and the argument to pass.
"""
from __future__ import annotations

import io
import warnings
import zipfile

import pandas as pd
import pytest

import mesbook.data.loader as loader
from mesbook import load_market_data
from loader_support import load, refused

H = "timestamp,futures_price,open_interest\n"
TWO_DAYS = H + "2024-01-02,4000.25,20000\n2024-01-03,4001.5,20010\n"
DAYS = pd.to_datetime(["2024-01-02", "2024-01-03"]).tolist()


def two_days(frame):
    assert frame["timestamp"].tolist() == DAYS
    assert frame["futures_price"].tolist() == [4000.25, 4001.5]
    assert frame["open_interest"].tolist() == [20000.0, 20010.0]


# -- where the message's file name comes from -------------------------------------------------------------

def test_a_named_buffer_is_called_by_its_file_name():
    buffer = io.BytesIO((H + "2024-01-02,abc,10\n").encode())
    buffer.name = "/data/exports/mes.csv"
    with pytest.raises(ValueError, match=r"^'mes\.csv' line 2, column 'futures_price': not a number 'abc'"):
        load_market_data(buffer)


def test_a_buffer_whose_read_returns_neither_text_nor_bytes():
    class Odd:
        def read(self):
            return 42

    with pytest.raises(TypeError, match=r"^the file object's read\(\) returned int; pass a text or binary file$"):
        load_market_data(Odd())


def test_a_directory_is_refused_with_the_os_reason(tmp_path):
    with pytest.raises(ValueError) as info:
        load_market_data(tmp_path)
    assert str(info.value) == f"cannot read {str(tmp_path)!r}: Is a directory; pass the path of a CSV file"


# -- binary data ------------------------------------------------------------------------------------------

BINARY = "is not a text CSV file (it holds binary data); pass the CSV file itself, or its encoding with encoding="


@pytest.mark.parametrize("content", [
    TWO_DAYS.replace("4001.5", "4001.5\x00"),  # one NUL in a text buffer
    TWO_DAYS.replace("4001.5", "4001.5\x00").encode(),  # one NUL byte in UTF-8 bytes
    TWO_DAYS.replace("4001.5", "4001.5\x01"),  # a control character, no NUL
    TWO_DAYS.replace("4001.5", "4001.5\x1b"),
])
def test_nul_or_control_characters_mean_binary_data(content):
    assert refused(content) == "the buffer " + BINARY + " if it is text in an unusual encoding"


# -- compression: zip edge cases --------------------------------------------------------------------------

def zipped(*members: str, directory: str = "") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if directory:
            archive.writestr(zipfile.ZipInfo(directory), "")
        for name in members:
            archive.writestr(name, TWO_DAYS)
    return buffer.getvalue()


def test_an_empty_zip_archive_is_refused_as_a_zip():
    assert zipped()[:4] == b"PK\x05\x06"  # an empty archive starts with its end record
    assert refused(zipped()) == ("the buffer is a zip archive holding 0 files []; extract the CSV you mean and "
                                 "pass that file")


def test_a_zip_folder_entry_is_not_a_file():
    frame, note = load(zipped("export/mes.csv", directory="export/"))
    two_days(frame)
    assert note == "the buffer: read 'export/mes.csv' from a zip archive"


def test_a_zip_of_many_files_lists_the_first_five():
    message = refused(zipped(*(f"day{i}.csv" for i in range(7))))
    assert message.startswith("the buffer is a zip archive holding 7 files "
                              "['day0.csv', 'day1.csv', 'day2.csv', 'day3.csv', 'day4.csv']; extract the CSV")


def test_a_damaged_zip_archive():
    assert refused(b"PK\x03\x04" + b"not really a zip" * 4) == (
        "the buffer looks like a zip archive but cannot be opened (File is not a zip file); "
        "export or download it again")


# -- encodings --------------------------------------------------------------------------------------------

def test_an_encoding_python_does_not_know():
    assert refused(TWO_DAYS.encode(), encoding="klingon") == (
        "encoding='klingon' is not an encoding Python knows; pass e.g. 'utf-8', 'latin-1' or 'utf-16'")


@pytest.mark.parametrize("bom, codec, name", [
    (b"\xff\xfe\x00\x00", "utf-32-le", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32-be", "utf-32"),
    (b"\xff\xfe", "utf-16-le", "utf-16"),
    (b"\xfe\xff", "utf-16-be", "utf-16"),
])
def test_a_byte_order_mark_names_the_encoding(bom, codec, name):
    frame, note = load(bom + TWO_DAYS.encode(codec))
    two_days(frame)
    assert note == f"the buffer: decoded as {name} (pass encoding= if that is wrong)"


def test_bytes_windows_1252_leaves_undefined_fall_back_to_latin_1():
    frame, note = load((H[:-1] + ",note\n2024-01-02,4000,20000,\x81\u00e9\n").encode("latin-1"))
    assert frame["note"].tolist() == ["\x81\u00e9"]
    assert note == "the buffer: decoded as latin-1 (pass encoding= if that is wrong)"


def test_a_byte_order_mark_on_bytes_that_do_not_decode():
    assert refused(b"\xff\xfe" + TWO_DAYS.encode("utf-16-le") + b"x") == (
        "the buffer cannot be decoded as utf-16; pass the file's encoding with encoding=")


def utf16_with_note(note: str, codec: str) -> bytes:
    return (H[:-1] + f",note\n2024-01-02,4000.25,20000,{note}\n2024-01-03,4001.5,20010,x\n").encode(codec)


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_mark_exactly_a_third_nul_bytes(codec):
    """ASCII is one NUL in two bytes, '€' none: two ASCII characters per euro make exactly a third."""
    odd = len(utf16_with_note("", "ascii")) % 2  # one more ASCII letter if the count is odd
    ascii_count = len(utf16_with_note("e" * odd, "ascii"))
    data = utf16_with_note("e" * odd + "€" * (ascii_count // 2), codec)
    assert len(data) < 400 and data.count(0) * 3 == len(data)
    frame, note = load(data)
    two_days(frame)
    assert note == f"the buffer: decoded as {codec} (pass encoding= if that is wrong)"


def test_utf16_without_a_mark_under_a_third_nul_bytes_needs_encoding():
    data = utf16_with_note("€" * 60, "utf-16-le")
    assert len(data) < 400 and 4 * data.count(0) >= len(data) > 3 * data.count(0)  # between a quarter and a third
    assert refused(data) == "the buffer " + BINARY + " if it is text in an unusual encoding"
    two_days(load(data, encoding="utf-16-le")[0])


def test_four_bytes_of_utf16_without_a_mark_are_read_as_utf16():
    """'a' and a line end: the shortest input the UTF-16 test looks at, a header and no data."""
    assert refused("a\n".encode("utf-16-le")) == (
        "the buffer has a header but no data rows (it is empty below line 1); add one line per bar")


@pytest.mark.parametrize("codec, cjk", [("utf-16-le", 60), ("utf-16-be", 60), ("utf-16-be", 1)])
def test_utf16_byte_order_is_voted_by_the_nul_bytes(codec, cjk):
    """'一' (U+4E00) puts its NUL byte on the other side from ASCII; the side with more NULs wins."""
    data = utf16_with_note("一" * cjk, codec)
    frame, note = load(data)
    two_days(frame)
    assert frame["note"].tolist() == ["一" * cjk, "x"]
    assert note == f"the buffer: decoded as {codec} (pass encoding= if that is wrong)"


def test_utf16_byte_order_tie_reads_big_endian():
    """Equal NULs on both sides: big-endian, the Unicode default for UTF-16 without a mark."""
    cjk = len(utf16_with_note("", "ascii"))  # as many '一' as ASCII characters
    data = utf16_with_note("一" * cjk, "utf-16-be")
    assert len(data) < 400 and data[1::2].count(0) == data[0::2].count(0)
    frame, note = load(data)
    assert frame["note"].iloc[0] == "一" * cjk
    assert note == "the buffer: decoded as utf-16-be (pass encoding= if that is wrong)"


# -- separator --------------------------------------------------------------------------------------------

def test_the_header_overrules_the_sniffer():
    """Every comment holds ';"..."', so csv.Sniffer votes ';'; only ',' splits out the market columns."""
    text = H[:-1] + ',comment\n2024-01-02,4000.25,20000,buy;"roll";ok\n2024-01-03,4001.5,20010,sell;"hold";ok\n'
    frame, note = load(text)
    two_days(frame)
    assert frame["comment"].tolist() == ['buy;"roll";ok', 'sell;"hold";ok']
    assert note == ""  # ',' is no news


def test_a_header_without_market_columns_is_shown_split_by_the_sniffed_separator():
    message = refused("Date;Price;OI\n2024-01-02;4000;20000\n2024-01-03;4001;20010\n")
    assert "missing column(s) ['timestamp', 'futures_price', 'open_interest']; its header has ['Date', 'Price', " \
           "'OI']" in message
    assert "sep=" not in message


def test_a_space_separated_file_is_one_column():
    message = refused("timestamp futures_price open_interest\n2024-01-02 4000 20000\n2024-01-03 4001 20010\n")
    assert "its header has ['timestamp futures_price open_interest']" in message


def test_a_quoted_header_with_semicolons():
    frame, note = load('"timestamp";"futures_price";"open_interest"\n"2024-01-02";"4000.25";"20000"\n'
                       '"2024-01-03";"4001.5";"20010"\n')
    two_days(frame)
    assert note == "the buffer: separator ';'"


# -- records ----------------------------------------------------------------------------------------------

def test_a_quote_that_never_closes_is_refused_at_its_line():
    """Read loosely, the open quote would swallow line 4 into line 3's comment: one bar silently lost."""
    text = H[:-1] + ',comment\n2024-01-02,4000,20000,ok\n2024-01-03,4001,20010,"oops\n2024-01-04,4002,20020,x\n'
    assert refused(text) == "the buffer line 3: unexpected end of data; check the quotes on that line"


def test_text_after_a_closing_quote_is_refused_at_its_line():
    text = H[:-1] + ',comment\n2024-01-02,4000,20000,ok\n2024-01-03,4001,20010,"a"b\n'
    assert refused(text).startswith("the buffer line 3: ',' expected after '\"'; check the quotes on that line")


def test_a_quoted_value_keeps_its_line_break_as_written():
    frame, _ = load(H[:-1] + ',comment\r\n2024-01-02,4000.25,20000,"two\r\nlines"\r\n2024-01-03,4001.5,20010,x\r\n')
    two_days(frame)
    assert frame["comment"].tolist() == ["two\r\nlines", "x"]


def test_only_separators_is_no_header():
    assert refused(",,\n , \n") == ("the buffer has no header, only empty fields; a market CSV needs a header line "
                                    "timestamp,futures_price,open_interest and one line per bar")


# -- header -----------------------------------------------------------------------------------------------

def test_a_column_without_a_name_is_named_by_its_position():
    frame, _ = load(H[:-1] + ",\n2024-01-02,4000.25,20000,a\n2024-01-03,4001.5,20010,b\n")
    assert list(frame.columns) == ["timestamp", "futures_price", "open_interest", "unnamed_3"]
    assert frame["unnamed_3"].tolist() == ["a", "b"]


@pytest.mark.parametrize("separator, kwargs", [(";", {"sep": ","}), (" ", {}), ("\t", {"sep": ","})])
def test_one_column_that_splits_into_the_market_columns_names_its_separator(separator, kwargs):
    text = separator.join(["timestamp", "futures_price", "open_interest"]) + "\n"
    message = refused(text + separator.join(["2024-01-02", "4000", "20000"]) + "\n", **kwargs)
    assert message.endswith(f"(case and spaces do not matter); pass sep={separator!r}: the header splits on it "
                            "into the market columns")


def test_one_column_holding_a_separator_asks_for_sep():
    message = refused("time;price;oi\n2024-01-02;4000;20000\n", sep=",")
    assert message.endswith("; pass sep= with the file's separator (read with ',')")


def test_one_column_without_a_separator_does_not_ask_for_sep():
    message = refused("timestamp\n2024-01-02\n")
    assert message == ("the buffer is missing column(s) ['futures_price', 'open_interest']; its header has "
                       "['timestamp']. The header must include timestamp, futures_price, open_interest (case and "
                       "spaces do not matter)")


def test_every_near_miss_gets_its_own_hint():
    message = refused("timestmp,futures_prise,open_interest\n2024-01-02,4000,20000\n")
    assert message.endswith("(case and spaces do not matter); rename 'timestmp' to 'timestamp'; "
                            "rename 'futuresprise' to 'futures_price'")


def test_price_alone_is_a_near_miss_for_futures_price():
    message = refused("timestamp,price,open_interest\n2024-01-02,4000,20000\n")
    assert message.endswith("; rename 'price' to 'futures_price'")


# -- extra columns and the note ---------------------------------------------------------------------------

def test_an_extra_column_follows_the_declared_number_marks():
    frame, _ = load("timestamp;futures_price;open_interest;volume\n2024-01-02;4000,25;20000;1.234\n"
                    "2024-01-03;4001,5;20010;2.345\n", decimal=",", thousands=".")
    two_days(frame)
    assert frame["volume"].tolist() == [1234, 2345]


def test_the_note_points_at_the_callers_line():
    """stacklevel: the DataNote names the code that called load_market_data, not the loader."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        load_market_data(io.StringIO(TWO_DAYS.replace(",", ";")))
    (note,) = [w for w in caught if issubclass(w.category, loader.DataNote)]
    assert note.filename != loader.__file__
    assert "_pytest" not in note.filename and "pluggy" not in note.filename


# -- the records stage: the head it sniffs, the header line, which files the Arrow split reads -------------------

MIB = 1 << 20


@pytest.mark.parametrize("data, head", [
    (b"a,b\n" * (MIB // 4), "a,b\n" * (MIB // 4)),                 # exactly the head's size: read whole
    (b"a,b\n" * (MIB // 4 - 1) + b"a,bc", "a,b\n" * (MIB // 4 - 1) + "a,bc"),  # that size, no line end: whole
    (b"a,b\n" * (MIB // 4 - 1) + b"a,bcd", "a,b\n" * (MIB // 4 - 1)),  # longer: cut after its last line break
    (b"a,b\r" * (MIB // 4 - 1) + b"a,bcd", "a,b\r" * (MIB // 4 - 1)),
    (b"x" * (MIB + 1), "x" * MIB),                                 # no line break in it: all of it
    (b"\n" + b"x" * MIB, "\n"),                                    # a break only at its first byte: that line
    (b"a\n" + b"x" * MIB, "a\n"),                                  # a break at its second byte: the first line
    (b"a" + "\u00e9".encode() * (MIB // 2), "a" + "\u00e9" * (MIB // 2 - 1)),  # a character cut at its end: left out
])
def test_the_head_is_the_first_mib_cut_after_its_last_line_break(data, head):
    from mesbook.data.loading.records import _head
    from mesbook.data.loading.source import Text

    assert _head(Text(data)) == head


def test_a_text_column_is_arrow_backed_text_with_nan_for_a_missing_value():
    import numpy as np
    import pyarrow as pa

    from mesbook.data.loading.records import Records

    series = Records(["note"], [pa.chunked_array([pa.array(["a", None, "b"])])]).series(0)
    assert series.dtype == pd.StringDtype("pyarrow", na_value=np.nan)
    assert series.iloc[0] == "a" and series.iloc[1] is np.nan and series.iloc[2] == "b"


def test_only_the_four_separators_are_sniffed():
    assert refused("aXbXc\n1X2X3\n4X5X6\n").startswith(
        "the buffer is missing column(s) ['timestamp', 'futures_price', 'open_interest']; its header has ['aXbXc']")


def test_a_file_without_a_header_line_counts_its_rows_from_line_1():
    assert refused("2024-01-02,4000,20000\n2024-01-03,-1,20010\n",
                   names=["timestamp", "futures_price", "open_interest"]).startswith(
        "the buffer line 2, column 'futures_price': must be > 0")


def test_a_header_line_longer_than_the_head_is_split_whole():
    # 20 names of 120,000 characters: the head's first MiB ends inside the 9th, so its first line has 12 fields,
    # and the rest of the header line (12 fields too) would read as a first row of the 12 fields a row has
    names = ",".join(f"{i:02d}" + "A" * 119_998 for i in range(20))
    text = H[:-1] + "," + names + "\n2024-01-02,4000,20000" + ",a" * 9 + "\n"
    assert refused(text).startswith("the buffer line 2 has 12 fields but the header (line 1) has 23: ")


def test_a_header_whose_quoted_name_spans_two_lines_is_split_whole():
    text = H[:-1] + ',"a\nb",c,d,e\n2024-01-02,4000,20000,x\n'
    assert refused(text).startswith("the buffer line 3 has 4 fields but the header (line 1) has 7: ")


@pytest.mark.parametrize("last", ["note ", "MAX"])
def test_the_last_header_name_keeps_its_spaces_and_letters(last):
    frame, _ = load(H[:-1] + f",{last}\n2024-01-02,4000,20000,a\n2024-01-03,4001,20010,b\n")
    assert list(frame.columns) == ["timestamp", "futures_price", "open_interest", last]
    assert frame[last].tolist() == ["a", "b"]


def test_a_stray_quote_is_refused_in_a_file_whose_first_byte_is_a_quote():
    assert refused('"timestamp",futures_price,open_interest,note\n2024-01-02,4000,20000,"a"b\n') == (
        "the buffer line 2: ',' expected after '\"'; check the quotes on that line")


def test_a_file_of_cr_line_ends_ending_in_one_has_no_cut_line_note():
    frame, note = load("\r".join([H[:-1], "2024-01-02,4000,20000", "2024-01-03,4001,20010", ""]))
    assert frame["open_interest"].tolist() == [20000.0, 20010.0] and note == ""


def test_the_separator_is_sniffed_from_the_first_50_lines_only():
    # no separator in lines 1-50 repeats alike, so ',' is read; line 51's quoted fields are never looked at
    assert refused("x;y\n" + "z\n" * 49 + '"a";"b"\n') == (
        "the buffer line 51: ',' expected after '\"'; check the quotes on that line")


def test_a_quoted_first_field_on_the_second_line_tells_the_separator():
    assert refused('x;y\n"a";b\nz\nz\nz\n').startswith(
        "the buffer line 3 has 1 fields but the header (line 1) has 2: 'x', 'y'. A value holding the separator ';'")


# -- the source stage: the 64 KiB head it checks for emptiness, UTF-16 found from the first 400 bytes ---------------

def test_a_character_cut_at_the_end_of_the_64_kib_head_is_read():
    start = H[:-1] + ",note\n2024-01-02,4000,20000,"
    cut = "\u00e9" * ((65536 - len(start)) // 2 + 1)  # 'é' is 2 bytes: one of them straddles byte 65,536
    text = start + ("a" if (65536 - len(start)) % 2 == 0 else "") + cut + "\n2024-01-03,4001,20010,x\n"
    frame, _ = load(text)
    assert frame["futures_price"].tolist() == [4000.0, 4001.0] and frame["note"].tolist()[1] == "x"


@pytest.mark.parametrize("euros, loads", [(66, True), (67, False)])
def test_utf16_without_a_bom_is_found_when_a_third_of_the_first_400_bytes_are_zero(euros, loads):
    # big-endian: each ASCII character is a zero byte and its code, '\u20ac' (20 AC) has no zero byte;
    # 38 + (162 - euros) zero bytes in the first 400: 134 (402 >= 400) is UTF-16, 133 (399 < 400) is not
    text = H[:-1] + "," + "\u20ac" * euros + "\n" + "".join(f"2024-01-{d:02d},{4000 + d},{20000 + d},x\n" for d in
                                                              range(2, 12))
    data = text.encode("utf-16-be")
    assert data[:400].count(0) == 200 - euros and data[400] == 0
    if loads:
        assert load(data)[0]["futures_price"].tolist()[:2] == [4002.0, 4003.0]
    else:
        assert refused(data).startswith("the buffer is not a text CSV file (it holds binary data)")
