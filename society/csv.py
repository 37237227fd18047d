"""CSV downloads that are safe to open in a spreadsheet.

A cell whose text starts with =, +, -, @, a tab or a carriage return is read by
Excel, LibreOffice and Google Sheets as a formula ("CSV injection"): a member
who names themselves `=HYPERLINK(...)` could otherwise run it on a committee
member's computer. Such cells are prefixed with a single quote, which the
spreadsheet shows as text.
"""

import csv
from collections.abc import Iterable
from decimal import Decimal

from django.http import HttpResponse, StreamingHttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
STREAMED_ROWS = 500  # rows a chunk of a streamed CSV


def safe_csv_cell(value: object) -> str:
    """`value` as text that a spreadsheet will not evaluate. A number stays as it is
    (-3 is a number, never a formula)."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return str(value)
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_response(filename: str, header: Iterable[object], rows: Iterable[Iterable[object]]) -> HttpResponse:
    """A CSV attachment (UTF-8 with a byte-order mark, so Excel reads accents) with every cell made safe."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([safe_csv_cell(cell) for cell in header])
    writer.writerows([safe_csv_cell(cell) for cell in row] for row in rows)
    return response


class _Lines:
    """What csv.writer writes to when each row's text is wanted back rather than stored."""

    def write(self, text: str) -> str:
        return text


def csv_streaming_response(
    filename: str, header: Iterable[object], rows: Iterable[Iterable[object]]
) -> StreamingHttpResponse:
    """csv_response for a download that grows with the society (every member): sent
    STREAMED_ROWS rows at a time as `rows` are read, so neither the rows nor the file
    are held whole in memory."""
    writer = csv.writer(_Lines())

    def chunks():
        chunk = ["\ufeff", writer.writerow([safe_csv_cell(cell) for cell in header])]
        for row in rows:
            chunk.append(writer.writerow([safe_csv_cell(cell) for cell in row]))
            if len(chunk) >= STREAMED_ROWS:
                yield "".join(chunk)
                chunk = []
        yield "".join(chunk)

    response = StreamingHttpResponse(chunks(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
