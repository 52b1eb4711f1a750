"""Pupils from a Common Transfer File: matched by UPN, placed at the destination school found by LAESTAB, with their
SEN provision history and every ranked need; a bad file is refused whole with the pupil and element named."""

from __future__ import annotations

import io
from datetime import date

import lxml.html
import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from provision_ledger.audit.chain import verify
from provision_ledger.audit.models import AuditEvent
from provision_ledger.census import ctf
from provision_ledger.census.models import CtfUpload, NeedRecord, SenStatusRecord
from provision_ledger.people.models import Child, LocalAuthority, School
from provision_ledger.rules.upn import check_letter, upn_problem
from tests.ctf_files import FakePupil, ctf_file, three_pupils, upn
from tests.factories import VerifiedClient, make_child, make_la_officer, make_senco, make_staff, make_user

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 23)


@pytest.fixture
def school():
    la = LocalAuthority.objects.create(code="889", name="Northshire")
    return School.objects.create(
        urn="100001", name="Hillside Primary School", local_authority=la, establishment_number="3001"
    )


def verified_client(user) -> VerifiedClient:
    client = VerifiedClient()
    client.force_login(user)
    return client


def _read(data: bytes) -> ctf.Transfer:
    return ctf.read_transfer(data, today=TODAY)


def _import(data: bytes, school: School, by=None) -> ctf.TransferReport:
    return ctf.import_transfer(_read(data), school, by=by or make_senco(school), today=TODAY)


def _refusal(data: bytes, school: School) -> list[str]:
    with pytest.raises(ctf.CtfRefused) as refused:
        _import(data, school)
    assert not Child.objects.exists()
    assert not NeedRecord.objects.exists()
    return [str(p) for p in refused.value.problems]


def test_the_upn_check_letter_follows_the_dfes_worked_examples():
    assert upn_problem("H801200001001") == ""
    assert upn_problem("G80120000101A") == ""  # a temporary UPN ends in a letter
    assert check_letter("Z801200001001") == "H"
    assert upn_problem("Z801200001001") == "Z801200001001: the check letter is wrong (the other characters call for H)."
    assert upn_problem("H80120000100") == "“H80120000100” is not a UPN: a letter, 11 digits, then a digit or a letter."


def test_three_pupils_are_placed_at_the_destination_school_with_their_history_and_every_ranked_need(school):
    senco = make_senco(school)
    report = _import(ctf_file(three_pupils()), school, by=senco)
    ada = Child.objects.get(first_name="Ada")
    assert (ada.school, ada.year_group, ada.sen_status, ada.primary_need, ada.secondary_need) == (
        school,
        "3",
        "E",
        "DS",
        "SLCN",
    )
    assert list(ada.need_records.order_by("rank").values_list("rank", "need", "start_date", "end_date")) == [
        (1, "DS", date(2023, 9, 4), None),
        (2, "SLCN", date(2023, 9, 4), None),
        (3, "PD", date(2024, 1, 8), None),
    ]
    assert list(ada.sen_statuses.values_list("status", "start_date")) == [
        ("K", date(2023, 9, 4)),
        ("E", date(2025, 3, 10)),
    ]
    ben = Child.objects.get(first_name="Ben")
    # An ended need is kept with its dates; the primary and secondary are the needs in force.
    assert (ben.primary_need, ben.secondary_need, ben.sen_status) == ("ASD", "", "K")
    assert ben.need_records.get(need="SEMH").end_date == date(2024, 7, 19)
    assert Child.objects.get(first_name="Cara").year_group == "R"
    assert str(report.outcomes[0]) == (
        f"UPN {ada.upn} Ada Bell: new child — Year 3, Education, health and care plan; SEN support from 4 September "
        "2023; Education, health and care plan from 10 March 2025; need 1 DS from 4 September 2023; need 2 SLCN from "
        "4 September 2023; need 3 PD from 8 January 2024"
    )
    event = AuditEvent.objects.get(child=ada)
    assert (event.action, event.actor, event.summary) == (
        "create",
        senco,
        "Added from a Common Transfer File from Brook Primary School",
    )
    assert event.after["needs"] == [
        [1, "DS", "2023-09-04", None],
        [2, "SLCN", "2023-09-04", None],
        [3, "PD", "2024-01-08", None],
    ]
    assert verify(school.local_authority_id) == []


def test_the_same_file_again_changes_nothing(school):
    _import(ctf_file(three_pupils()), school)
    report = _import(ctf_file(three_pupils()), school)
    assert [o.changes for o in report.outcomes] == [[], [], []]
    assert (Child.objects.count(), NeedRecord.objects.count(), SenStatusRecord.objects.count()) == (3, 6, 4)
    assert AuditEvent.objects.count() == 3


def test_a_known_pupil_is_matched_by_upn_and_brought_up_to_date(school):
    pupils = three_pupils()
    known = make_child(
        school,
        first_name="Ada",
        last_name="Bell",
        upn=pupils[0].upn,
        year_group="2",
        primary_need="SLCN",
        sen_status="K",
    )
    report = _import(ctf_file(pupils), school)
    known.refresh_from_db()
    assert (known.year_group, known.primary_need, known.secondary_need, known.sen_status) == ("3", "DS", "SLCN", "E")
    assert report.outcomes[0].changes[:3] == [
        "date of birth 2019-07-01 → 2016-05-04",
        "year group 2 → 3",
        "SEN provision K → E",
    ]
    assert AuditEvent.objects.get(child=known).action == "change"


def test_the_previous_years_version_is_read(school):
    assert _read(ctf_file(three_pupils(), version="25.0")).version == "25.0"


def test_a_file_of_another_version_is_refused_whole(school):
    assert _refusal(ctf_file(three_pupils(), version="22.0"), school) == [
        "CTFversion: version “22.0” is not one the ledger reads (26.0 or 25.0)."
    ]


def test_a_wrong_check_letter_is_refused_with_the_pupil_and_element_named(school):
    pupils = three_pupils()
    wrong = ("A" if pupils[1].upn[0] != "A" else "B") + pupils[1].upn[1:]
    pupils[1].upn = wrong
    assert _refusal(ctf_file(pupils), school) == [
        f"Pupil 2 (UPN {wrong}), UPN: the check letter is wrong (the other characters call for {check_letter(wrong)})."
    ]


def test_a_duplicate_upn_and_an_unknown_need_code_are_each_named(school):
    pupils = three_pupils()
    pupils[2].upn = pupils[0].upn
    pupils[1].needs = [(1, "ADHD", "2024-09-02", "")]
    assert _refusal(ctf_file(pupils), school) == [
        f"Pupil 2 (UPN {pupils[1].upn}), SENtype: “ADHD” is not a type of need in the school census.",
        f"Pupil 3 (UPN {pupils[0].upn}), UPN: the same UPN as pupil 1.",
    ]


def test_two_needs_in_force_with_one_rank_and_no_primary_need_are_refused(school):
    pupils = three_pupils()
    pupils[0].needs = [(2, "DS", "", ""), (2, "SLCN", "", "")]
    assert _refusal(ctf_file(pupils[:1]), school) == [
        f"Pupil 1 (UPN {pupils[0].upn}), SENtypeRank: two needs in force are both ranked 2."
    ]


def test_a_file_for_another_school_or_authority_is_refused(school):
    School.objects.create(
        urn="100002", name="Brook Primary School", local_authority=school.local_authority, establishment_number="2001"
    )
    assert _refusal(ctf_file(three_pupils(), dest=("889", "2001")), school) == [
        "DestSchool: the file is for LAESTAB 8892001 (Brook Primary School), not Hillside Primary School."
    ]
    assert _refusal(ctf_file(three_pupils(), dest=("890", "3001")), school) == [
        "DestSchool: the file is for a school in another authority (LA 890)."
    ]


def test_entity_declarations_are_refused_before_anything_is_expanded(school):
    bomb = '<!DOCTYPE CTfile [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    assert _refusal(ctf_file(three_pupils(), before=bomb), school) == [
        "file: has a document type or entity declaration, which a CTF never carries."
    ]


def test_a_file_that_is_not_a_ctf_says_so(school):
    assert _refusal(b"<CTfile><Header>", school)[0].startswith("file: is not well-formed XML (line 1)")
    assert _refusal(b"<Census/>", school) == [
        "file: is not a Common Transfer File (its root element is Census, not CTfile)."
    ]


def test_a_pupil_without_special_educational_needs_is_not_added(school):
    pupils = [*three_pupils(), FakePupil(upn("889200126009"), "Ellis", "Dev", sen=[("N", "2022-09-05")], needs=[])]
    report = _import(ctf_file(pupils), school)
    assert Child.objects.count() == 3
    assert report.skipped == [f"UPN {pupils[3].upn} Dev Ellis: no special educational need recorded, so not added."]


def test_the_indicators_are_read_when_the_file_carries_them(school):
    pupils = three_pupils()[:1]
    pupils[
        0
    ].extra = (
        "<SENunitIndicator>true</SENunitIndicator><ResourcedProvisionIndicator>false</ResourcedProvisionIndicator>"
    )
    _import(ctf_file(pupils), school)
    assert Child.objects.values_list("sen_unit", "resourced_provision").get() == (True, False)


def test_an_administrators_xsd_is_applied_first(school, tmp_path):
    xsd = tmp_path / "CTF.xsd"
    xsd.write_text(
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:element name="CTfile"><xs:complexType>'
        '<xs:sequence><xs:element name="Header"/><xs:element name="CTFpupilData"/><xs:element name="Signature"/>'
        "</xs:sequence></xs:complexType></xs:element></xs:schema>"
    )
    with override_settings(CTF_XSD=str(xsd)):
        problems = _refusal(ctf_file(three_pupils()), school)
    assert len(problems) == 1
    assert problems[0].startswith("schema: line 2: ")
    assert "Signature" in problems[0]


def test_the_sen_summary_export_is_a_ctf_the_receiving_school_takes_in(school):
    _import(ctf_file(three_pupils()), school)
    ada = Child.objects.get(first_name="Ada")
    data = ctf.export_sen_summary(ada, to_laestab="8904001")
    other_la = LocalAuthority.objects.create(code="890", name="Eastborough")
    receiving = School.objects.create(
        urn="100009", name="River School", local_authority=other_la, establishment_number="4001"
    )
    transfer = _read(data)
    assert (transfer.source_laestab, transfer.dest_laestab, transfer.version) == ("8893001", "8904001", "26.0")
    ctf.import_transfer(transfer, receiving, by=make_senco(receiving), today=TODAY)
    moved = Child.objects.get(school=receiving)
    assert (moved.upn, moved.year_group, moved.sen_status) == (ada.upn, "3", "E")
    assert list(moved.need_records.order_by("rank").values_list("rank", "need", "start_date")) == list(
        ada.need_records.order_by("rank").values_list("rank", "need", "start_date")
    )


def test_the_command_imports_at_the_school_its_laestab_names(school, tmp_path):
    senco = make_senco(school)
    path = tmp_path / "CTF_889_3001.xml"
    path.write_bytes(ctf_file(three_pupils()))
    out = io.StringIO()
    call_command("import-ctf", str(path), "--as", senco.email, "--dry-run", stdout=out)
    assert (
        out.getvalue().splitlines()[-1] == "Would import 3 pupils at Hillside Primary School from Brook Primary School."
    )
    assert not Child.objects.exists()
    call_command("import-ctf", str(path), "--as", senco.email, stdout=out)
    assert Child.objects.filter(school=school).count() == 3
    with pytest.raises(CommandError) as refused:
        call_command("import-ctf", str(path), "--as", make_user().email)
    assert "is not a SENCO of Hillside Primary School" in str(refused.value)


# The SENCO's upload page


def _upload(client, school, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        f"/schools/{school.urn}/transfer/", {"file": SimpleUploadedFile("ctf.xml", data, "application/xml")}
    )


def test_a_senco_uploads_sees_the_report_and_confirms(school):
    senco = make_senco(school)
    client = verified_client(senco)
    response = _upload(client, school, ctf_file(three_pupils()))
    upload = CtfUpload.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/schools/{school.urn}/transfer/{upload.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "What the file holds, pupil by pupil" in page
    assert "need 1 DS from 4 September 2023" in page
    assert not Child.objects.exists()
    done = client.post(response["Location"])
    assert done["Location"] == f"/schools/{school.urn}/"
    assert Child.objects.filter(school=school).count() == 3
    overview = client.get(done["Location"]).content.decode()
    ada = Child.objects.get(first_name="Ada")
    assert (
        f'data-testid="needs-{ada.pk}">Needs: <abbr title="Down syndrome">DS</abbr> (1), '
        '<abbr title="Speech, language and communication needs">SLCN</abbr> (2), '
        '<abbr title="Physical disability">PD</abbr> (3)</span>' in overview
    )
    again = client.post(response["Location"])  # a second confirmation writes nothing
    assert again.status_code == 200
    assert AuditEvent.objects.count() == 3


def _as_rendered(html: str) -> dict[str, str]:
    """The page's own form (not the sign-out button) as a browser sends it, its one-time key included."""
    forms = lxml.html.fromstring(html).forms
    [values] = [dict(f.form_values()) for f in forms if f.method.upper() == "POST" and not f.get("action")]
    assert values["form_key"]
    return values


def test_a_transfer_file_sent_twice_from_one_form_is_kept_once_and_the_repeat_goes_to_its_report(school):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = verified_client(make_senco(school))
    url = f"/schools/{school.urn}/transfer/"
    values = _as_rendered(client.get(url).content.decode())
    data = ctf_file(three_pupils())

    first = client.post(url, {**values, "file": SimpleUploadedFile("ctf.xml", data, "application/xml")})
    again = client.post(url, {**values, "file": SimpleUploadedFile("ctf.xml", data, "application/xml")}, follow=True)

    upload = CtfUpload.objects.get()
    assert first["Location"] == f"/schools/{school.urn}/transfer/{upload.pk}/"
    assert again.redirect_chain == [(first["Location"], 302)]
    assert "That form had already been sent, so nothing was saved a second time." in again.content.decode()
    assert (bytes(upload.data), Child.objects.count()) == (data, 0)


def test_a_transfer_confirmed_twice_from_one_form_imports_once_and_the_repeat_says_it_was_already_sent(school):
    senco = make_senco(school)
    data = ctf_file(three_pupils())
    upload = CtfUpload.objects.create(school=school, uploaded_by=senco, filename="ctf.xml", data=data)
    client = verified_client(senco)
    url = f"/schools/{school.urn}/transfer/{upload.pk}/"
    values = _as_rendered(client.get(url).content.decode())

    first = client.post(url, values)
    upload.refresh_from_db()
    imported_at = upload.imported_at
    assert imported_at is not None
    again = client.post(url, values, follow=True)

    assert first["Location"] == f"/schools/{school.urn}/"
    assert again.redirect_chain == [(first["Location"], 302)]
    assert "That form had already been sent, so nothing was saved a second time." in again.content.decode()
    upload.refresh_from_db()
    assert upload.imported_at == imported_at
    assert (Child.objects.filter(school=school).count(), AuditEvent.objects.count()) == (3, 3)


def test_a_refused_upload_names_each_pupil_and_element_and_saves_no_child(school):
    client = verified_client(make_senco(school))
    pupils = three_pupils()
    pupils[0].needs = [(1, "XX", "", "")]
    page = client.get(_upload(client, school, ctf_file(pupils))["Location"]).content.decode()
    assert f"Pupil 1 (UPN {pupils[0].upn}), SENtype: “XX” is not a type of need in the school census." in page
    assert "Confirm and save" not in page
    assert not Child.objects.exists()


def test_only_the_schools_senco_may_upload_or_confirm(school):
    senco = make_senco(school)
    upload = CtfUpload.objects.create(
        school=school, uploaded_by=senco, filename="ctf.xml", data=ctf_file(three_pupils())
    )
    other_school = School.objects.create(urn="100005", name="Other School", local_authority=school.local_authority)
    for person, status in (
        (make_la_officer(school.local_authority), 403),
        (make_staff(school), 404),
        (make_senco(other_school), 404),
    ):
        client = verified_client(person)
        assert client.get(f"/schools/{school.urn}/transfer/").status_code == status
        assert client.post(f"/schools/{school.urn}/transfer/{upload.pk}/").status_code == status
    assert not Child.objects.exists()


def test_the_export_is_for_those_who_manage_the_child(school):
    _import(ctf_file(three_pupils()), school)
    ada = Child.objects.get(first_name="Ada")
    response = verified_client(make_senco(school)).get(f"/children/{ada.pk}/transfer.xml?to=8904001")
    assert response.status_code == 200
    assert b"<UPN>" + ada.upn.encode() + b"</UPN>" in response.content
    assert (
        verified_client(make_la_officer(school.local_authority)).get(f"/children/{ada.pk}/transfer.xml").status_code
        == 403
    )
    assert verified_client(make_senco(school)).get(f"/children/{ada.pk}/transfer.xml?to=12").status_code == 400
