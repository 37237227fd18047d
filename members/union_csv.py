"""Reading the students' union membership export.

Unions export their list of paid members as a spreadsheet saved as CSV, with an
email column, a student number column, or both, and headers that vary from
union to union. This module turns the uploaded bytes into plain rows (or a
clear message saying why it cannot); matching rows to members is in services.
"""

import csv
import io
from dataclasses import asdict, dataclass

from django.utils.formats import number_format
from django.utils.translation import gettext as _

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 20_000

# Headers are compared lower-cased, with spaces, dots, hyphens and underscores removed.
EMAIL_HEADERS = {"email", "emailaddress", "universityemail", "studentemail", "mail"}
STUDENT_NUMBER_HEADERS = {
    "studentnumber",
    "studentno",
    "studentid",
    "studentidnumber",
    "idnumber",
    "matriculationnumber",
}


class UnionCsvError(ValueError):
    """The upload cannot be read as a membership list; the message says why, for the committee."""


@dataclass(frozen=True)
class UnionRow:
    line: int
    email: str
    student_number: str

    def as_dict(self) -> dict:
        return asdict(self)


def _header_key(header: str) -> str:
    return "".join(ch for ch in header.lower() if ch not in " ._-\ufeff")


def parse_union_csv(data: bytes) -> list[UnionRow]:
    """The rows of a union export that carry an email or a student number."""
    if len(data) > MAX_BYTES:
        raise UnionCsvError(
            _("The file is larger than %(size)s MB: is it the membership export?")
            % {"size": MAX_BYTES // (1024 * 1024)}
        )
    if b"\x00" in data:
        raise UnionCsvError(_("This is not a CSV file. Export the list from the spreadsheet as CSV and upload that."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnionCsvError(
            _("The file is not in UTF-8. In the spreadsheet, save it as “CSV UTF-8” and upload it again.")
        ) from None
    if not text.strip():
        raise UnionCsvError(_("The file is empty."))
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel  # one column, or nothing to sniff from: plain CSV
    reader = csv.reader(io.StringIO(text), dialect, strict=True)
    try:
        headers = [_header_key(h) for h in next(reader)]
        email_at = next((i for i, h in enumerate(headers) if h in EMAIL_HEADERS), None)
        number_at = next((i for i, h in enumerate(headers) if h in STUDENT_NUMBER_HEADERS), None)
        if email_at is None and number_at is None:
            raise UnionCsvError(
                _(
                    "No column is headed “Email” or “Student number”. "
                    "The first row must name the columns; one of those two is needed."
                )
            )
        rows = []
        for cells in reader:
            email = cells[email_at].strip().lower() if email_at is not None and email_at < len(cells) else ""
            number = cells[number_at].strip() if number_at is not None and number_at < len(cells) else ""
            if email or number:
                rows.append(UnionRow(line=reader.line_num, email=email, student_number=number))
            if len(rows) > MAX_ROWS:
                raise UnionCsvError(
                    _("The file has more than %(rows)s rows: is it the membership export?")
                    % {"rows": number_format(MAX_ROWS, force_grouping=True)}
                )
    except csv.Error as error:
        raise UnionCsvError(
            _("This is not a readable CSV file (line %(line)s: %(error)s).") % {"line": reader.line_num, "error": error}
        ) from None
    if not rows:
        raise UnionCsvError(_("The file has a header but no rows with an email or student number."))
    return rows
