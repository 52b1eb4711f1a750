"""GIAS files written in the published layout: every column, all values quoted, Windows-1252, dates dd-mm-yyyy.

The establishments are made up; only the layout is GIAS's. The tests and the benchmark (bench/run.py) both write
their files here. Standard library and gias_layout only: the benchmark imports it without Django."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import IO

from provision_ledger.oversight.gias_layout import GIAS_COLUMNS, LINK_COLUMNS


def establishment(
    urn: str, name: str, la: str = "889", la_name: str = "Northshire", number: str = "2001", **more: str
) -> dict[str, str]:
    row = dict.fromkeys(GIAS_COLUMNS, "")
    row.update({
        "URN": urn, "LA (code)": la, "LA (name)": la_name, "EstablishmentNumber": number, "EstablishmentName": name,
        "TypeOfEstablishment (code)": "01", "TypeOfEstablishment (name)": "Community school",
        "EstablishmentTypeGroup (name)": "Local authority maintained schools", "EstablishmentStatus (code)": "1",
        "EstablishmentStatus (name)": "Open", "OpenDate": "01-09-1995", "PhaseOfEducation (code)": "2",
        "PhaseOfEducation (name)": "Primary", "UKPRN": "10012345", "Country (name)": "United Kingdom",
        "GSSLACode (name)": "E06000009", "GOR (name)": "North West",
    })  # fmt: skip
    row.update(more)
    return row


def write_gias_file(out: IO[bytes], rows: Iterable[dict[str, str]], columns: tuple[str, ...] = GIAS_COLUMNS) -> None:
    """Write the file a row at a time, so the benchmark's 25,000 establishments are never all in memory at once."""
    text = io.TextIOWrapper(out, encoding="cp1252", newline="", write_through=True)
    writer = csv.writer(text, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows([row.get(c, "") for c in columns] for row in rows)
    text.flush()
    text.detach()


def gias_file(rows: list[dict[str, str]], columns: tuple[str, ...] = GIAS_COLUMNS) -> bytes:
    out = io.BytesIO()
    write_gias_file(out, rows, columns)
    return out.getvalue()


def links_file(rows: list[tuple[str, str, str, str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(LINK_COLUMNS)
    writer.writerows(rows)
    return out.getvalue().encode("cp1252")
