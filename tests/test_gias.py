"""Schools from the DfE's register: created and updated from a GIAS file, idempotent, all or nothing, and an academy
conversion takes its children to the new URN."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from provision_ledger.audit.chain import verify
from provision_ledger.audit.models import AuditEvent
from provision_ledger.oversight.gias import GiasRefused, import_gias
from provision_ledger.oversight.gias_layout import GIAS_COLUMNS
from provision_ledger.people.models import Child, LocalAuthority, Membership, Role, School
from tests.factories import make_child, make_line, make_plan, make_senco, make_user
from tests.gias_files import establishment, gias_file, links_file

pytestmark = pytest.mark.django_db


def _import(rows, links=None, dry_run=False, by=None):
    return import_gias(
        io.BytesIO(gias_file(rows)),
        links=io.BytesIO(links_file(links)) if links is not None else None,
        by=by or make_user(),
        dry_run=dry_run,
    )


THREE = [
    establishment("100001", "St Mary’s C of E Primary School", number="3001", **{"Trusts (name)": ""}),
    establishment(
        "100002",
        "Brookfield Academy",
        number="4002",
        **{
            "TypeOfEstablishment (name)": "Academy converter",
            "PhaseOfEducation (name)": "Secondary",
            "Trusts (name)": "Northshire Learning Trust",
            "OpenDate": "01-04-2013",
            "UKPRN": "10054321",
        },
    ),
    establishment(
        "100003",
        "Old Mill School",
        la="890",
        la_name="Eastborough",
        number="7",
        **{"EstablishmentStatus (name)": "Closed", "CloseDate": "31-08-2020", "GSSLACode (name)": "E06000008"},
    ),
]


def test_the_test_file_has_every_published_column_in_windows_1252():
    data = gias_file(THREE)
    header = data.split(b"\r\n")[0].decode("cp1252")
    assert header.startswith('"URN","LA (code)","LA (name)","EstablishmentNumber","EstablishmentName"')
    assert header.count('","') + 1 == len(GIAS_COLUMNS) == 139
    assert "St Mary\x92s".encode("latin-1") in data  # the typographic apostrophe as Windows-1252 writes it


def test_authorities_and_schools_are_created_with_their_register_fields():
    report = _import(THREE)
    assert (report.schools_created, report.schools_updated, report.schools_unchanged) == (3, 0, 0)
    assert sorted(report.authorities_created) == ["889 Northshire", "890 Eastborough"]
    northshire = LocalAuthority.objects.get(code="889")
    assert (northshire.new_la_code, northshire.region_code, northshire.region_name) == (
        "E06000009",
        "E12000002",
        "North West",
    )
    mary = School.objects.get(urn="100001")
    assert (mary.name, mary.laestab, mary.establishment_number) == (
        "St Mary’s C of E Primary School",
        "8893001",
        "3001",
    )
    academy = School.objects.get(urn="100002")
    assert (academy.establishment_type, academy.phase, academy.trust, academy.ukprn, academy.opened_on) == (
        "Academy converter",
        "Secondary",
        "Northshire Learning Trust",
        "10054321",
        date(2013, 4, 1),
    )
    mill = School.objects.get(urn="100003")
    assert (mill.laestab, mill.status, mill.closed_on, mill.local_authority.code) == (
        "8900007",
        "Closed",
        date(2020, 8, 31),
        "890",
    )


def test_importing_the_same_file_twice_changes_nothing():
    _import(THREE)
    before = list(School.objects.order_by("urn").values())
    report = _import(THREE)
    assert (report.schools_created, report.schools_updated, report.schools_unchanged) == (0, 0, 3)
    assert report.authorities_created == []
    assert list(School.objects.order_by("urn").values()) == before


def test_a_dry_run_says_what_would_change_and_writes_nothing():
    _import(THREE)
    renamed = [dict(THREE[0], EstablishmentName="St Mary’s Church of England Primary School"), *THREE[1:]]
    renamed.append(establishment("100004", "Riverside Infant School", number="2004"))
    report = _import(renamed, dry_run=True)
    assert (report.schools_created, report.schools_updated) == (1, 1)
    assert report.lines()[1] == "Would create 1 schools and update 1; 2 unchanged."
    assert (
        "URN 100001 St Mary’s C of E Primary School: name “St Mary’s C of E Primary School” → "
        "“St Mary’s Church of England Primary School”" in report.lines()
    )
    assert "URN 100004 Riverside Infant School: new" in report.lines()
    assert School.objects.get(urn="100001").name == "St Mary’s C of E Primary School"
    assert not School.objects.filter(urn="100004").exists()


def test_a_file_without_a_column_the_ledger_reads_is_refused():
    columns = tuple(c for c in GIAS_COLUMNS if c != "EstablishmentNumber")
    with pytest.raises(GiasRefused) as refused:
        import_gias(io.BytesIO(gias_file(THREE, columns)), by=make_user())
    assert [str(e) for e in refused.value.errors] == [
        "Row 1, column EstablishmentNumber: required column missing from the header row."
    ]
    assert not School.objects.exists()


def test_bad_rows_anywhere_keep_the_whole_file_out_and_are_each_named():
    rows = [*THREE, establishment("100005", "Hill School", OpenDate="2020-13-45"), dict(THREE[0])]
    rows[1] = dict(rows[1], URN="10002")
    with pytest.raises(GiasRefused) as refused:
        _import(rows)
    assert [str(e) for e in refused.value.errors] == [
        "Row 3, column URN: “10002” is not a URN (six digits).",
        "Row 5, column OpenDate: “2020-13-45” is not a date (GIAS writes dd-mm-yyyy).",
        "Row 6, column URN: URN 100001 appears twice in the file.",
    ]
    assert not School.objects.exists()
    assert not LocalAuthority.objects.exists()


def test_a_file_in_neither_windows_1252_nor_utf8_says_so():
    data = gias_file(THREE[:1]) + b'"100009","889","Northshire","2009","Bad \x81 name"\r\n'
    with pytest.raises(GiasRefused) as refused:
        import_gias(io.BytesIO(data), by=make_user())
    assert "not in Windows-1252 or UTF-8" in str(refused.value)
    assert not School.objects.exists()


def test_establishments_outside_any_authority_are_left_out_and_counted():
    report = _import([*THREE, establishment("100010", "Offshore School", la="000", la_name="Does not apply")])
    assert report.outside_authorities == 1
    assert not School.objects.filter(urn="100010").exists()


@pytest.fixture
def converted():
    """Old Mill becomes an academy: GIAS gives it a new URN and links the two."""
    _import(THREE)
    old = School.objects.get(urn="100001")
    from provision_ledger.core.demo import add_terms, english_terms

    add_terms(old, english_terms(2025))
    senco = make_senco(old)
    child = make_child(old, first_name="Ada")
    line = make_line(make_plan(child, senco), senco)
    rows = [
        dict(THREE[0], **{"EstablishmentStatus (name)": "Closed", "CloseDate": "31-03-2026"}),
        *THREE[1:],
        establishment(
            "149001",
            "St Mary’s Academy",
            number="3002",
            **{"TypeOfEstablishment (name)": "Academy converter", "OpenDate": "01-04-2026"},
        ),
    ]
    links = [
        ("100001", "149001", "St Mary’s Academy", "Successor", "01-04-2026"),
        ("149001", "100001", "St Mary’s C of E Primary School", "Predecessor", "01-04-2026"),
    ]
    return {"old": old, "senco": senco, "child": child, "line": line, "rows": rows, "links": links}


def test_a_successor_link_carries_the_childrens_record_to_the_new_urn_with_an_audit_event(converted):
    report = _import(converted["rows"], converted["links"], by=converted["senco"])
    child = Child.objects.get(pk=converted["child"].pk)
    new = School.objects.get(urn="149001")
    assert child.school == new
    assert report.conversions == [
        "Moved 1 child from URN 100001 St Mary’s C of E Primary School to its successor URN 149001 St Mary’s Academy."
    ]
    event = AuditEvent.objects.get(child=child, object_type="child")
    assert event.summary == (
        "Moved to St Mary’s Academy (URN 149001): the register records it as the successor of St Mary’s C of E "
        "Primary School (URN 100001) on 1 April 2026"
    )
    assert (event.before["school"], event.after["school"]) == (converted["old"].pk, new.pk)
    assert verify(child.local_authority_id) == []
    # The plan and its line go with the child; the calendar and the SENCO's role go with the school.
    assert converted["line"].plan.child_id == child.pk
    assert new.terms.count() == converted["old"].terms.count() > 0
    assert Membership.objects.filter(user=converted["senco"], school=new, role=Role.SENCO).exists()


def test_applying_the_links_again_moves_nobody(converted):
    _import(converted["rows"], converted["links"], by=converted["senco"])
    report = _import(converted["rows"], converted["links"], by=converted["senco"])
    assert report.conversions == []
    assert AuditEvent.objects.filter(object_type="child").count() == 1


def test_a_dry_run_of_a_conversion_moves_nobody(converted):
    report = _import(converted["rows"], converted["links"], dry_run=True, by=converted["senco"])
    assert report.conversions[0].startswith("Would move 1 child from URN 100001")
    assert Child.objects.get(pk=converted["child"].pk).school_id == converted["old"].pk
    assert not School.objects.filter(urn="149001").exists()
    assert not AuditEvent.objects.filter(object_type="child").exists()


def test_a_split_school_is_not_guessed(converted):
    rows = [*converted["rows"], establishment("149002", "St Mary’s Junior Academy", number="3003")]
    links = [*converted["links"], ("100001", "149002", "St Mary’s Junior Academy", "Successor - Split School", "")]
    report = _import(rows, links, by=converted["senco"])
    assert report.links_not_applied == [
        "URN 100001 St Mary’s C of E Primary School has 2 successors (149001, 149002): its children were not moved; "
        "move each child to their new school by hand."
    ]
    assert Child.objects.get(pk=converted["child"].pk).school_id == converted["old"].pk


def test_the_command_reports_and_names_the_file_it_refuses(tmp_path, converted):
    (tmp_path / "edubasealldata20260401.csv").write_bytes(gias_file(converted["rows"]))
    (tmp_path / "links.csv").write_bytes(links_file([("100001", "14900", "x", "Successor", "")]))
    out = io.StringIO()
    call_command(
        "import-gias", str(tmp_path / "edubasealldata20260401.csv"), "--as", converted["senco"].email, "--dry-run",
        stdout=out,
    )  # fmt: skip
    assert "Would create 1 schools and update 1; 2 unchanged." in out.getvalue()
    assert "Nothing was written (dry run)." in out.getvalue()
    with pytest.raises(CommandError) as refused:
        call_command(
            "import-gias", str(tmp_path / "edubasealldata20260401.csv"), "--links", str(tmp_path / "links.csv"),
            "--as", converted["senco"].email,
        )  # fmt: skip
    assert str(refused.value) == (
        "links.csv was not imported; nothing was written.\nRow 2, column LinkURN: “14900” is not a URN (six digits)."
    )
    assert not School.objects.filter(urn="149001").exists()


def test_an_administrator_checks_then_imports_from_the_admin(client):
    admin = make_user()
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    url = "/admin/people/school/import-gias/"
    from provision_ledger.people.models import User

    assert isinstance(admin, User)
    checked = client.post(url, {"establishments": _upload(THREE), "dry_run": "on"})
    assert checked.status_code == 200
    assert "Would create 3 schools and update 0; 0 unchanged." in checked.content.decode()
    assert not School.objects.exists()
    done = client.post(url, {"establishments": _upload(THREE)})
    assert "Did create 3 schools and update 0; 0 unchanged." in done.content.decode()
    assert School.objects.count() == 3
    refused = client.post(url, {"establishments": _upload([dict(THREE[0], URN="1")])})
    assert "Row 2, column URN: “1” is not a URN (six digits)." in refused.content.decode()


def test_staff_without_the_right_to_add_schools_cannot_import(client):
    clerk = make_user()
    clerk.is_staff = True
    clerk.save()
    client.force_login(clerk)
    assert client.post("/admin/people/school/import-gias/", {"establishments": _upload(THREE)}).status_code == 403
    assert not School.objects.exists()


def _upload(rows):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("edubasealldata.csv", gias_file(rows), content_type="text/csv")
