"""Before census day: each child on whom the MIS export and the ledger disagree, with one action to put it right."""

from __future__ import annotations

from datetime import date

import lxml.html
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from provision_ledger.audit.models import AuditEvent
from provision_ledger.census import reconcile
from provision_ledger.census.models import NeedRecord
from provision_ledger.people.models import Child
from provision_ledger.rules.census import census_days, next_census_day
from tests.factories import VerifiedClient, make_child, make_la_officer, make_line, make_plan, make_school, make_senco

pytestmark = pytest.mark.django_db
HEADER = "upn,sen_provision,primary_need,secondary_need,top_up_funding\n"


def test_census_days_are_the_first_thursday_of_october_and_the_third_of_january_and_may():
    assert [(c.term, c.day) for c in census_days(2026)] == [
        ("spring", date(2026, 1, 15)),
        ("summer", date(2026, 5, 21)),
        ("autumn", date(2026, 10, 1)),
    ]
    assert next_census_day(date(2026, 10, 2)).day == date(2027, 1, 21)
    assert next_census_day(date(2026, 10, 1)).label == "Autumn census, Thursday 1 October 2026"


@pytest.fixture
def school():
    school = make_school()
    senco = make_senco(school)
    ehc = make_child(school, first_name="Ada", upn="M88920012600A", primary_need="DS", sen_status="E")
    make_plan(ehc, senco, kind="ehc_plan")
    support = make_child(school, first_name="Ben", upn="Q889200126002", primary_need="ASD", sen_status="K")
    make_line(make_plan(support, senco), senco, funder="la")
    plain = make_child(school, first_name="Cara", upn="E889200126003", primary_need="SPLD", sen_status="K")
    make_plan(plain, senco)
    return {"school": school, "senco": senco, "ada": ehc, "ben": support, "cara": plain}


def _found(world, text):
    rows = reconcile.read_export((HEADER + text).encode())
    children = list(Child.objects.filter(school=world["school"]))
    return reconcile.disagreements(world["school"], children, rows, date(2027, 1, 21))


def test_an_export_that_agrees_finds_nothing(school):
    assert _found(school, "M88920012600A,E,DS,,false\nQ889200126002,K,ASD,,true\nE889200126003,K,SPLD,,false\n") == []


def test_each_disagreement_comes_with_one_action(school):
    found = _found(
        school,
        "M88920012600A,K,DS,,false\n"  # the MIS says K, an EHC plan is in force
        "Q889200126002,E,ASD,SEMH,false\n"  # E without an EHC plan; needs differ; the authority funds a line
        "H801200001001,K,MLD,,false\n",  # on the MIS's roll, not in the ledger (Cara is missing from the export)
    )
    said = [(d.upn, d.topic, d.mis, d.ledger, d.action.kind, d.action.label) for d in found]
    assert said == [
        ("M88920012600A", "SEN provision", "K", "E (EHC plan in force)", "mis",
         "Change the child's SEN provision in the MIS to E"),
        ("Q889200126002", "SEN provision", "E", "K (SEN support plan in force)", "page",
         "Record the EHC plan in the ledger"),
        ("Q889200126002", "Needs", "ASD (1), SEMH (2)", "ASD (1)", "ledger", "Record ASD (1), SEMH (2) in the ledger"),
        ("Q889200126002", "Top-up funding", "no", "yes", "mis",
         "Set the top-up funding indicator in the MIS: the authority funds a line"),
        ("H801200001001", "On roll", "K, on roll", "not in the ledger", "page",
         "Take in the child's Common Transfer File"),
        ("E889200126003", "On roll", "not in the export", "K (SEN support plan in force)", "mis",
         "Check the child is on roll in the MIS, with their SEN provision"),
    ]  # fmt: skip


def test_a_bad_export_names_its_row_and_column():
    with pytest.raises(reconcile.ExportRefused) as refused:
        reconcile.read_export((HEADER + "M88920012600A,S,DS,,false\n").encode())
    assert str(refused.value) == "Row 2, column sen_provision: “S” is not N, K or E."
    with pytest.raises(reconcile.ExportRefused) as refused:
        reconcile.read_export(b"upn,sen_provision\n")
    assert str(refused.value) == "Row 1: the header row has no primary_need, secondary_need, top_up_funding column."


def test_the_senco_compares_and_fixes_the_ledger_with_one_button_each(school):
    client = VerifiedClient()
    client.force_login(school["senco"])
    url = f"/schools/{school['school'].urn}/census/"
    export = HEADER + "M88920012600A,E,DS,,true\nQ889200126002,K,ASD,SEMH,true\nE889200126003,K,SPLD,,false\n"
    response = client.post(url, {"file": SimpleUploadedFile("census.csv", export.encode(), "text/csv")})
    assert response["Location"] == url
    page = client.get(url).content.decode()
    assert "Record ASD (1), SEMH (2) in the ledger" in page
    assert "Set the ledger&#x27;s top-up indicator to yes" in page
    client.post(url, {"upn": "Q889200126002", "fix": "needs"})
    client.post(url, {"upn": "M88920012600A", "fix": "top_up"})
    ben, ada = Child.objects.get(pk=school["ben"].pk), Child.objects.get(pk=school["ada"].pk)
    assert (ben.primary_need, ben.secondary_need, ada.top_up_funding) == ("ASD", "SEMH", True)
    assert AuditEvent.objects.filter(child=ben, object_type="child").get().summary == (
        "Needs set from the MIS before census day: ASD (1), SEMH (2)"
    )
    assert "The MIS export and the ledger agree for every child." in client.get(url).content.decode()


def _posted_forms(html: str) -> list[dict[str, str]]:
    """The forms that post to the page itself (not the sign-out button), each with the values a browser sends as
    rendered, its one-time key included."""
    forms = lxml.html.fromstring(html).forms
    return [dict(f.form_values()) for f in forms if f.method.upper() == "POST" and not f.get("action")]


def test_a_fix_sent_twice_changes_the_ledger_once_and_the_repeat_says_it_was_already_sent(school):
    client = VerifiedClient()
    client.force_login(school["senco"])
    url = f"/schools/{school['school'].urn}/census/"
    [upload] = [v for v in _posted_forms(client.get(url).content.decode()) if "fix" not in v]
    export = HEADER + "M88920012600A,E,DS,,false\nQ889200126002,K,ASD,SEMH,true\nE889200126003,K,SPLD,,false\n"
    before = (NeedRecord.objects.count(), AuditEvent.objects.count())
    compared = client.post(url, {**upload, "file": SimpleUploadedFile("census.csv", export.encode(), "text/csv")})
    assert (compared["Location"], (NeedRecord.objects.count(), AuditEvent.objects.count())) == (url, before)
    [needs] = [v for v in _posted_forms(client.get(url).content.decode()) if v.get("fix") == "needs"]
    assert (needs["upn"], bool(needs["form_key"])) == ("Q889200126002", True)

    first = client.post(url, needs)
    again = client.post(url, needs, follow=True)

    assert (first["Location"], again.redirect_chain) == (url, [(url, 302)])
    assert "That form had already been sent, so nothing was saved a second time." in again.content.decode()
    ben = Child.objects.get(pk=school["ben"].pk)
    recorded = ben.need_records.order_by("rank").values_list("need", "rank", "end_date")
    assert list(recorded) == [("ASD", 1, None), ("SEMH", 2, None)]
    assert (NeedRecord.objects.count(), AuditEvent.objects.count()) == (before[0] + 2, before[1] + 1)
    assert AuditEvent.objects.filter(child=ben, summary__startswith="Needs set from the MIS").count() == 1


def test_only_the_schools_senco_may_check(school):
    client = VerifiedClient()
    client.force_login(make_la_officer(school["school"].local_authority))
    assert client.get(f"/schools/{school['school'].urn}/census/").status_code == 403
