"""The open statistics in the DfE's published format pass the EES data screener's rules, and an unfinished period says
it is provisional wherever it appears."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from provision_ledger.oversight import opendata, queries
from provision_ledger.oversight.synth import synthesise
from provision_ledger.people.models import LocalAuthority, User
from tests.ees_screener import screen

pytestmark = pytest.mark.django_db


@pytest.fixture
def synthetic():
    synthesise(children=40, seed=7, year=2025, la_code="990", children_per_school=13)
    la = LocalAuthority.objects.get(code="990")
    la.new_la_code, la.region_code, la.region_name = "E10000002", "E12000008", "South East"
    la.save()
    return la


def _files(la, term, today):
    return opendata.ees_files(opendata.open_statistics([la.pk], term), today)


def _pairs(files):
    return [(name, files[name], name.removesuffix(".csv") + ".meta.csv") for name in files if ".meta." not in name]


def test_every_table_and_its_meta_file_pass_the_screener(synthetic):
    files = _files(synthetic, opendata.make_term("autumn", 2025), date(2026, 9, 1))
    assert len(files) == 6
    for name, text, meta_name in _pairs(files):
        assert screen(name, text, meta_name, files[meta_name]) == [], name


def test_each_file_starts_with_its_header_row_and_carries_time_and_the_authority(synthetic):
    files = _files(synthetic, opendata.make_term("spring", 2026), date(2026, 9, 1))
    rows = list(csv.reader(io.StringIO(files["delivery_by_primary_need_spring_2026.csv"])))
    assert rows[0] == [*opendata.GEOGRAPHY_COLUMNS, "primary_need", "children", "delivered_percent"]
    assert {tuple(r[:10]) for r in rows[1:]} == {
        ("202526", "Spring term", "Local authority", "E92000001", "England", "E12000008", "South East", "990",
         "E10000002", synthetic.name)
    }  # fmt: skip
    assert [r[10] for r in rows[1:]][-1] == "Total"
    assert "Down syndrome" in {r[10] for r in rows[1:]}


def test_small_counts_are_c_and_a_rate_with_nothing_due_is_z_never_blank(synthetic):
    files = _files(synthetic, opendata.make_term("autumn", 2025), date(2026, 9, 1))
    rows = list(csv.DictReader(io.StringIO(files["delivery_by_primary_need_autumn_2025.csv"])))
    by_need = {r["primary_need"]: r for r in rows}
    hidden = [r for r in rows if r["children"] == "c"]
    assert hidden, "40 children over 14 needs: some groups are small"
    assert all(r["delivered_percent"] == "c" for r in hidden)
    assert by_need["Down syndrome"]["children"] == "0"  # the synthetic authority has no child with DS
    assert by_need["Down syndrome"]["delivered_percent"] == "z"
    assert all(value != "" for r in rows for value in r.values())


def test_a_term_not_yet_over_is_provisional_in_its_file_names_and_labels(synthetic):
    files = _files(synthetic, opendata.make_term("autumn", 2026), date(2026, 11, 23))
    assert "plans_in_force_by_kind_autumn_2026_provisional.csv" in files
    meta = list(csv.DictReader(io.StringIO(files["plans_in_force_by_kind_autumn_2026_provisional.meta.csv"])))
    assert [m["label"] for m in meta if m["col_type"] == "Indicator"] == ["Plans in force (provisional)"]
    for name, text, meta_name in _pairs(files):
        assert screen(name, text, meta_name, files[meta_name]) == [], name


def test_an_authority_without_its_ons_code_is_told_what_to_record(client, synthetic):
    LocalAuthority.objects.filter(pk=synthetic.pk).update(new_la_code="")
    client.force_login(User.objects.get(email="officer990@synth.test"))
    response = client.get(reverse("la-open-statistics"), {"term": "autumn-2025"})
    assert response.status_code == 400
    assert "record the authority’s ONS code and region" in response.content.decode().replace("'", "’")


def test_the_dashboard_and_its_csv_mark_a_school_year_not_yet_over_as_provisional(client, synthetic, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda: date(2026, 2, 10))
    client.force_login(User.objects.get(email="officer990@synth.test"))
    page = client.get(reverse("la-delivery"), {"year": 2025}).content.decode()
    assert 'data-testid="provisional"' in page
    assert "The school year has not finished" in page
    rows = list(csv.reader(io.StringIO(client.get(reverse("la-delivery-csv"), {"year": 2025}).content.decode())))
    assert rows[0] == queries.DASHBOARD_COLUMNS
    assert {tuple(r[:4]) for r in rows[1:]} == {("2025/26", "2025-09-01", "2026-01-31", "Provisional")}


def test_the_screener_catches_what_the_old_format_did_wrong():
    stacked = (
        "LA code,Local authority,Term,Table,Group,Children or plans,Delivered (% of expected)\n"
        "990,X,Autumn 2025,T,G,3,\n"
    )
    failures = screen("open-statistics.csv", stacked, "open-statistics.meta.csv", ",".join(["col_name"]) + "\n")
    assert "open-statistics.csv: file names use lower case letters, digits and underscores only" in failures
    assert "the mandatory column time_period is missing" in failures
    assert "row 2, Delivered (% of expected): blank (a symbol belongs there)" in failures
