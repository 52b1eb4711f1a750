"""Everything the product hands over as a file: CSV and XLSX a spreadsheet cannot turn into formulas, and the
download header that names the file.

A cell beginning with = + - @, a tab or a carriage return is read by Excel, LibreOffice and Google Sheets as a
formula: a provision line's description could become a live HYPERLINK sending children's names elsewhere when
clicked. Such a text is written with a leading apostrophe (OWASP's advice for CSV injection), and XLSX cells holding
text are typed as text, so no text is ever read as a formula. Numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import IO, Any

from django.http import HttpResponse
from django.utils.http import content_disposition_header

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """A value as a spreadsheet may hold it: text that would start a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_csv(out: IO[str], rows: Iterable[Sequence[Any]], header: Sequence[str] = ()) -> None:
    writer = csv.writer(out)
    if header:
        writer.writerow([safe_cell(h) for h in header])
    writer.writerows([safe_cell(value) for value in row] for row in rows)


def csv_text(rows: Iterable[Sequence[Any]], header: Sequence[str] = ()) -> str:
    out = io.StringIO()
    write_csv(out, rows, header)
    return out.getvalue()


def csv_of_dicts(rows: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> str:
    return csv_text(([row.get(column, "") for column in columns] for row in rows), columns)


def xlsx_bytes(rows: Iterable[Sequence[Any]], header: Sequence[str], title: str) -> bytes:
    """One sheet, the header row frozen; every text cell typed as text, never as a formula."""
    from openpyxl import Workbook  # needed only for spreadsheets

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title[:31]  # the longest sheet name Excel allows
    for row_number, row in enumerate([header, *rows], start=1):
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(row=row_number, column=column, value=safe_cell(value))
            if isinstance(value, str):
                cell.data_type = "s"
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def download_name(name: str) -> str:
    """A file name safe in a download header whatever a child is called: no control characters (a newline would
    break the header), no path separators, and not empty."""
    cleaned = "".join(" " if unicodedata.category(c).startswith("C") else c for c in name)
    cleaned = re.sub(r"[\\/]+", "-", cleaned)
    cleaned = re.sub(r"\s+", " ", cleaned).strip(" .-")  # nor a hidden file's leading dot
    return cleaned or "download"


def download(body: bytes | str, content_type: str, filename: str) -> HttpResponse:
    """A file to download: named safely (quotes and non-ASCII letters as RFC 6266 has them), never kept by caches."""
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, download_name(filename))
    response["Cache-Control"] = "no-store"  # special category data: no copies in shared caches
    return response
