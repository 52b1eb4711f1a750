"""What is the family's stays the family's: a parent's letters, replies and their notes never reach the school or
the authority through the trail, the child's history or any export."""

from __future__ import annotations

import io
from datetime import date

import docx
import openpyxl
import pypdf
import pytest
from django.urls import reverse
from django.utils import timezone

from provision_ledger.audit.models import AuditEvent
from provision_ledger.nextsteps.actions import record_reply, save_letter
from provision_ledger.nextsteps.advice import next_steps_for
from provision_ledger.outcomes.actions import create_review
from tests.factories import make_la_officer, make_line, make_parent, make_plan, make_session, make_staff

pytestmark = pytest.mark.django_db

TODAY = date(2025, 10, 17)
# One marker for each field of a letter a parent writes; none may reach anyone but the family.
PRIVATE = {
    "addressee": "PRIVATEADDRESSEE Ms Solicitor",
    "subject": "PRIVATESUBJECT tribunal against Oakfield",
    "body": "PRIVATEBODY our solicitor says we have a strong tribunal case against Oakfield",
    "reply_note": "PRIVATEREPLY they refused, we go to tribunal",
}


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)


@pytest.fixture
def family(school, senco, child):
    plan = make_plan(child, senco)
    line = make_line(plan, senco)
    make_session(line, senco, date(2025, 9, 10))
    make_session(line, senco, date(2025, 9, 11), "not_delivered", reason="staff_redeployed")
    review = create_review(plan=plan, by=senco, meeting_date=date(2026, 6, 1), period_start=plan.start_date)
    parent = make_parent(child)
    steps = next_steps_for(child, TODAY)
    assert steps is not None
    step = next(s for s in steps.advice.steps if s.is_letter)
    letter = save_letter(
        child=child, step=step, evidence=steps.evidence, by=parent, addressee=PRIVATE["addressee"],
        subject=PRIVATE["subject"], body=PRIVATE["body"], sent_on=TODAY,
    )  # fmt: skip
    record_reply(letter=letter, by=parent, replied_on=TODAY, note=PRIVATE["reply_note"])
    return {"parent": parent, "letter": letter, "review": review}


def _text(response) -> str:  # type: ignore[no-untyped-def]
    """What a person is given, as text: pages and CSV/JSON as they are, PDFs and spreadsheets read out."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response["Content-Type"]
    if kind.startswith("application/pdf"):
        return " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(body)).pages)
    if "wordprocessingml" in kind:
        return " ".join(p.text for p in docx.Document(io.BytesIO(body)).paragraphs)
    if "spreadsheet" in kind:
        book = openpyxl.load_workbook(io.BytesIO(body))
        return " ".join(str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row)
    return body.decode()


def _views(child, school, review) -> list[str]:  # type: ignore[no-untyped-def]
    """Every history view and export of the child, the school and the authority."""
    by_child = ("child-history", "record-json", "record-csv", "record-pdf", "cost-statement-pdf", "child-detail")
    return [
        *(reverse(name, kwargs={"child_id": child.pk}) for name in by_child),
        reverse("review-pack", kwargs={"review_id": review.pk, "extension": "pdf"}),
        reverse("review-pack", kwargs={"review_id": review.pk, "extension": "docx"}),
        reverse("provision-map-csv", kwargs={"urn": school.urn}),
        reverse("provision-map-xlsx", kwargs={"urn": school.urn}),
        reverse("la-delivery-csv"),
        reverse("la-open-statistics"),
    ]


def test_no_trace_of_a_familys_letters_in_the_trail(family):
    letter_events = AuditEvent.objects.filter(object_type="letter").order_by("seq")
    assert [(e.summary, e.before, e.after) for e in letter_events] == [
        ("A letter of the family's was kept in their record", None, {"id": family["letter"].pk}),
        ("The family recorded the reply to one of their letters", None, {"id": family["letter"].pk}),
    ]
    for event in letter_events:
        assert set(event.seals) == {f"letter:{family['letter'].pk}"}  # the letter is sealed by its hash, not its text


@pytest.mark.parametrize("role", ["ta", "senco", "la_officer"])
def test_no_history_view_or_export_shows_a_familys_letters_to_staff_or_the_authority(
    client, family, school, senco, child, role
):
    person = {
        "ta": lambda: make_staff(school, child),
        "senco": lambda: senco,
        "la_officer": lambda: make_la_officer(school.local_authority),
    }[role]()
    client.force_login(person)
    reached = 0
    for url in _views(child, school, family["review"]):
        response = client.get(url)
        if response.status_code != 200:
            # Out of this role's reach; the open statistics (counts only) answer 400 until a term is chosen.
            assert response.status_code in (403, 404) or (response.status_code == 400 and "open-statistics" in url), url
            continue
        reached += 1
        text = _text(response)
        for field, marker in PRIVATE.items():
            assert marker.split()[0] not in text, f"{field} reached the {role} at {url}"
        assert "A letter of the family's" not in text  # nor that the family wrote at all
    assert reached >= 2  # each role reaches at least the history and one export


def test_the_family_still_sees_its_own_letters_in_its_history(client, family, child):
    client.force_login(family["parent"])
    history = client.get(reverse("child-history", kwargs={"child_id": child.pk})).content.decode()
    assert "A letter of the family&#x27;s was kept in their record" in history
    record = client.get(reverse("record-json", kwargs={"child_id": child.pk})).json()
    assert [h["summary"] for h in record["history"] if h["what"] == "letter"] == [
        "A letter of the family's was kept in their record",
        "The family recorded the reply to one of their letters",
    ]


def test_an_event_from_before_that_carried_a_letters_text_is_not_shown_to_staff(client, family, senco, child):
    """Events written before this change carried the subject and the reply note; they stay in the chain (it is
    never rewritten), and the history and exports leave them out for anyone but the family."""
    AuditEvent.objects.filter(object_type="letter").update(summary=f"Letter sent: {PRIVATE['subject']}")
    client.force_login(senco)
    for name in ("child-history", "record-json"):
        text = client.get(reverse(name, kwargs={"child_id": child.pk})).content.decode()
        assert "PRIVATESUBJECT" not in text
