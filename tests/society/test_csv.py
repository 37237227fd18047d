import csv
import io

import pytest

from society.csv import STREAMED_ROWS, csv_response, csv_streaming_response, safe_csv_cell


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+44 20 7946 0000", "'+44 20 7946 0000"),
        ("-2", "'-2"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Ada Lovelace", "Ada Lovelace"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
        (42, "42"),
        # A number is never a formula: a negative one stays a number.
        (-3, "-3"),
        (-16.7, "-16.7"),
        (True, "True"),
    ],
)
def test_safe_csv_cell_defuses_formulas_only(value, expected):
    assert safe_csv_cell(value) == expected


def test_csv_response_makes_every_cell_safe():
    response = csv_response("x.csv", ["=Name"], [["=evil()", "fine"], ["@x", None]])

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [["'=Name"], ["'=evil()", "fine"], ["'@x", ""]]
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'


def test_csv_streaming_response_sends_safe_rows_a_chunk_at_a_time():
    rows = ([f"=row{n}", n] for n in range(STREAMED_ROWS * 2 + 1))

    response = csv_streaming_response("all.csv", ["=Name", "n"], rows)

    chunks = [chunk.decode("utf-8") for chunk in response.streaming_content]
    parsed = list(csv.reader(io.StringIO("".join(chunks).removeprefix("\ufeff"))))
    assert len(chunks) == 3
    assert parsed[:2] == [["'=Name", "n"], ["'=row0", "0"]]
    assert len(parsed) == STREAMED_ROWS * 2 + 2
    assert response["Content-Disposition"] == 'attachment; filename="all.csv"'
