"""load_market_data's numbers: marks, extra columns, value checks and dates that fit no reading.

Hand-built files with known answers for the parts of the loader that decide what a number is: the
``decimal``/``thousands`` arguments and their detection (currency signs, gaps and flags must not sway it; an
ambiguous value is refused at its own line and column), the hint of a "not a number" refusal, extra columns
(kept as integers, floats or text, never misread), the value checks (positive, strictly increasing) and a
date column with one value no reading parses. Refusals are checked for what makes them useful: the column,
the file line (the header is line 1) and the argument or fix they name.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mesbook import load_market_data
from loader_support import load

H = "timestamp,futures_price,open_interest\n"
SEMI = "timestamp;futures_price;open_interest\n"


def refusal(content: str, **kwargs) -> str:
    with pytest.raises(ValueError) as info:
        load(content, **kwargs)
    return str(info.value)


# -- the decimal= and thousands= arguments ------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, message", [
    ({"decimal": "ab"}, "decimal must be one non-digit character such as '.' or ',', got 'ab'"),
    ({"decimal": "5"}, "decimal must be one non-digit character such as '.' or ',', got '5'"),
    ({"decimal": 1}, "decimal must be one non-digit character such as '.' or ',', got 1"),
    ({"thousands": ".."}, "thousands must be one non-digit character such as '.' or ',', got '..'"),
    ({"thousands": "0"}, "thousands must be one non-digit character such as '.' or ',', got '0'"),
    ({"decimal": ",", "thousands": ","}, "decimal and thousands must differ, both are ','"),
])
def test_a_bad_mark_argument_is_refused_naming_the_argument(kwargs, message):
    assert refusal(H + "2024-01-02,4000.25,20000\n", **kwargs) == message


def test_thousands_dot_declared_for_a_european_file():
    frame, note = load(SEMI + "2024-01-02;4.000,25;20.000\n2024-01-03;4.001,5;20.010\n", thousands=".")
    assert frame["futures_price"].tolist() == [4000.25, 4001.5]
    assert frame["open_interest"].tolist() == [20000.0, 20010.0]
    assert "decimal=','" in note


def test_thousands_dot_declared_makes_the_comma_the_decimal_mark():
    # No value has a comma or a grouping dot: with thousands='.' the decimal mark can only be ','.
    frame, _ = load("timestamp;futures_price;open_interest;ratio\n2024-01-02;4000;20000;1,5\n"
                    "2024-01-03;4001;20010;2,25\n", thousands=".")
    assert frame["futures_price"].tolist() == [4000.0, 4001.0]
    assert frame["ratio"].tolist() == [1.5, 2.25]


def test_thousands_dot_declared_refuses_a_dotted_decimal_instead_of_misreading_it():
    # '4001.5' is no number when '.' groups thousands (it used to load as 40015).
    message = refusal(H + "2024-01-02,4000,20000\n2024-01-03,4001.5,20010\n", thousands=".")
    assert message.startswith("the buffer line 3, column 'futures_price': not a number '4001.5'; pass decimal=")


# -- detection: what must not sway it, and an ambiguous value named where it is -----------------------------

def test_a_currency_sign_does_not_hide_an_ambiguous_comma():
    message = refusal(H + '2024-01-02,"$4,000",20000\n')
    assert message.startswith("the buffer line 2, column 'futures_price': '4,000' reads as 4000 with decimal='.', "
                              "thousands=','")
    assert "as 4 with decimal=','" in message and message.endswith("pass decimal= and thousands= to say which")


def test_a_currency_sign_with_a_decimal_comma():
    frame, note = load(SEMI + "2024-01-02;€4000,25;20000\n2024-01-03;€4001,5;20010\n")
    assert frame["futures_price"].tolist() == [4000.25, 4001.5]
    assert note == ("the buffer: separator ';'; numbers read with decimal=','; "
                    "dropped currency signs in 'futures_price'")


@pytest.mark.parametrize("value, problem", [
    ("n/a", "missing value 'n/a'; fill it in"),
    ("NaN", "missing value 'NaN'; fill it in"),
    ("TRUE", "a true/false value 'TRUE'; the column must hold numbers"),
    ("inf", "infinite value 'inf'; replace it with a finite number"),
    ("-Inf", "infinite value '-Inf'; replace it with a finite number"),
])
def test_a_gap_or_flag_in_a_decimal_comma_file_is_refused_as_what_it_is(value, problem):
    # The marks are detected without it: the prices still read with decimal=',', the bad value is named.
    message = refusal(SEMI + f"2024-01-02;4000,25;20000\n2024-01-03;4001,5;{value}\n")
    assert message.startswith(f"the buffer line 3, column 'open_interest': {problem}")


@pytest.mark.parametrize("rows, where", [
    ('2024-01-02,4000,20000\n2024-01-03,4001,"20,010"\n', "line 3, column 'open_interest': '20,010' reads as 20010"),
    ('2024-01-02,n/a,"20,000"\n2024-01-03,"4,001",20010\n', "line 3, column 'futures_price': '4,001' reads as 4001"),
    ('2024-01-02,4000,n/a\n2024-01-03,4001,"20,010"\n', "line 3, column 'open_interest': '20,010' reads as 20010"),
])
def test_an_ambiguous_value_is_refused_at_its_own_line_and_column(rows, where):
    # A gap elsewhere in the file must not shift the line or blur the column of the value that reads two ways.
    message = refusal(H + rows)
    assert message.startswith(f"the buffer {where} with decimal='.', thousands=','"), message
    assert message.endswith("pass decimal= and thousands= to say which")


def test_a_lone_grouping_dot_value_is_ambiguous():
    # '4.012' is 4.012, or 4012 with a European digit-group dot; the plain open interest does not settle it.
    message = refusal(H + "2024-01-02,4.012,20074\n")
    assert message == ("the buffer line 2, column 'futures_price': '4.012' reads as 4.012 with decimal='.', "
                       "thousands=None and as 4012 with decimal=',', thousands='.'; pass decimal= and thousands= "
                       "to say which")


def test_zero_written_with_grouping_dots_is_refused_as_zero():
    # '0.000' reads as 0 either way: not ambiguous, but not a price either.
    assert refusal(H + "2024-01-02,0.000,20000\n").startswith(
        "the buffer line 2, column 'futures_price': must be > 0, got '0.0'")


def test_a_value_no_convention_reads_is_refused_in_its_own_column():
    # The prices use thousands=','; the text in open interest is reported there, not as a misread price.
    message = refusal(H + '2024-01-02,"4,000.25",20000\n2024-01-03,"4,001.5",abc\n')
    assert message == ("the buffer line 3, column 'open_interest': not a number 'abc'; "
                       "it must be a number: fix or delete that row")


def test_digits_other_than_0_to_9_are_refused_as_not_a_number():
    # Python reads '٤٠٠٠' (Arabic-Indic digits) as 4000, pandas does not: refused at its line, never lost as NaN.
    message = refusal(SEMI + "2024-01-02;4000,25;20000\n2024-01-03;٤٠٠١,5;20010\n", decimal=",")
    assert message.startswith("the buffer line 3, column 'futures_price': not a number '٤٠٠١,5'")
    message = refusal(SEMI + "2024-01-02;٤٠٠٠,5;20000\n")  # detected marks: refused the same way
    assert message.startswith("the buffer line 2, column 'futures_price': not a number '٤٠٠٠,5'")


def test_a_malformed_number_names_the_mark_arguments():
    message = refusal(H + "2024-01-02,4000.25,20000\n2024-01-03,4001.5x,20010\n")
    assert message == ("the buffer line 3, column 'futures_price': not a number '4001.5x'; pass decimal= and "
                       "thousands= with the file's marks, e.g. decimal=',', thousands='.'")


# -- extra columns: numbers where every value is one, text otherwise ----------------------------------------

X = "timestamp,futures_price,open_interest,volume\n"


@pytest.mark.parametrize("volumes, dtype, expected", [
    (("100", "250"), "int64", [100, 250]),
    (("1.5", "2"), "float64", [1.5, 2.0]),
    (("2.0", "3.0"), "float64", [2.0, 3.0]),  # written with decimals: stays float
    (("100", "NA"), "float64", [100.0, np.nan]),  # a gap: float with NaN
    (("A", "B"), None, ["A", "B"]),
])
def test_extra_column_values_and_type(volumes, dtype, expected):
    frame, _ = load(X + f"2024-01-02,4000,20000,{volumes[0]}\n2024-01-03,4001,20010,{volumes[1]}\n")
    column = frame["volume"]
    if dtype is None:
        assert not pd.api.types.is_numeric_dtype(column)
        assert column.tolist() == expected
    else:
        assert column.dtype == dtype
        np.testing.assert_array_equal(column.to_numpy(), np.array(expected, dtype=dtype))


def test_extra_column_with_the_files_thousands_mark():
    frame, _ = load(X + '2024-01-02,"4,000.25",20000,"1,200"\n2024-01-03,4001.5,20010,"12,500"\n')
    assert frame["volume"].dtype == "int64"
    assert frame["volume"].tolist() == [1200, 12500]


def test_extra_column_that_is_a_number_only_in_another_convention_stays_text():
    # In a decimal-comma file, '03.2024' (a contract month) is no number: it is kept as written, not read as 3.2024.
    frame, _ = load("timestamp;futures_price;open_interest;contract\n2024-01-02;4000,25;20000;03.2024\n"
                    "2024-01-03;4001,5;20010;03.2024\n")
    assert frame["futures_price"].tolist() == [4000.25, 4001.5]
    assert frame["contract"].tolist() == ["03.2024", "03.2024"]


# -- value checks -------------------------------------------------------------------------------------------

def test_small_open_interest_and_prices_at_the_floor_are_accepted():
    frame, _ = load(H + "2024-01-02,500,1\n2024-01-03,500.25,2\n")
    assert frame["futures_price"].tolist() == [500.0, 500.25]
    assert frame["open_interest"].tolist() == [1.0, 2.0]


@pytest.mark.parametrize("third, kind", [("2024-01-03", "out-of-order"), ("2024-01-04", "duplicate")])
def test_a_step_back_after_the_first_row_is_refused_at_its_line(third, kind):
    # Row 3 is after row 1 but not after row 2: the refusal names line 4 and compares it with line 3.
    message = refusal(H + f"2024-01-02,4000,20000\n2024-01-04,4001,20010\n{third},4002,20020\n")
    assert message.startswith(f"the buffer line 4, column 'timestamp': {kind} timestamp '{third} 00:00:00' "
                              "(line 3 has '2024-01-04 00:00:00'); timestamps must be strictly increasing")


# -- dates: a value no day/month reading parses -------------------------------------------------------------

def test_a_date_no_reading_parses_is_refused_at_its_line():
    message = refusal(H + "15/01/2024,4000,20000\n16/01/2024,4001,20010\nbad,4002,20020\n")
    assert message == ("the buffer line 4, column 'timestamp': not a date like line 2 (%d/%m/%Y) 'bad'; "
                       "fix that value, or pass date_format= with the file's format")


def test_a_date_no_reading_parses_names_the_best_reading():
    # Month-first reads two of the three values, day-first only the first: the refusal follows month-first.
    message = refusal(H + "01/02/2024,4000,20000\n01/13/2024,4001,20010\n01/14/2024x,4002,20020\n")
    assert message.startswith("the buffer line 4, column 'timestamp': not a date like line 2 (%m/%d/%Y) ")


@pytest.mark.parametrize("bad, line", [("4001,5x", 3), ("40,01,5", 3), ("4002,2.5", 4)])
def test_when_no_convention_reads_every_value_the_refusal_names_the_bad_one(bad, line):
    # The decimal-comma reading reads every other price: the value it cannot read is the one refused.
    rows = ["2024-01-02;4000,25;100", "2024-01-03;4001,75;101", "2024-01-04;4002,5;102"]
    rows[line - 2] = rows[line - 2].split(";")[0] + f";{bad};10{line}"
    with pytest.raises(ValueError) as refusal:
        load("timestamp;futures_price;open_interest\n" + "\n".join(rows) + "\n")
    assert f"line {line}, column 'futures_price': not a number {bad!r}" in str(refusal.value)


def test_an_infinite_value_does_not_hide_an_ambiguous_one_above_it():
    # Infinite values are refused later, column by column; the marks are first decided without them, so the
    # earlier problem, line 2's '4,001' (4001 or 4.001?), is the one reported.
    with pytest.raises(ValueError) as refusal:
        load('timestamp,futures_price,open_interest\n2024-01-02,"4,001",100\n2024-01-03,inf,101\n')
    assert str(refusal.value).startswith("the buffer line 2, column 'futures_price': '4,001' reads as 4001 with")
    assert "pass decimal= and thousands= to say which" in str(refusal.value)


# -- readings that only the text path decides -----------------------------------------------------------------

def test_a_price_like_4_012_beside_plain_counts_reads_two_ways_and_is_refused():
    """'4.012' is 4.012, or 4012 with a grouping dot; the open interest (no dot) does not settle it."""
    assert refusal(H + "2024-01-02,4.012,20000\n") == (
        "the buffer line 2, column 'futures_price': '4.012' reads as 4.012 with decimal='.', thousands=None and as "
        "4012 with decimal=',', thousands='.'; pass decimal= and thousands= to say which")


def test_undotted_prices_with_currency_signs_read_one_way_without_a_note_on_marks():
    frame, note = load(H + "2024-01-02,$4000,20000\n2024-01-03,$4001,20010\n")
    assert frame["futures_price"].tolist() == [4000.0, 4001.0]
    assert note == "the buffer: dropped currency signs in 'futures_price'"


def test_an_extra_column_of_grouped_whole_numbers_stays_whole():
    frame, _ = load("timestamp,futures_price,open_interest,volume\n2024-01-02,4000.25,20000,\"1,500\"\n"
                    "2024-01-03,4001.5,20010,\"2,000\"\n", thousands=",")
    assert frame["volume"].tolist() == [1500, 2000] and frame["volume"].dtype == np.int64
