"""No internal note, working or reference code reaches a parent, a SENCO or a letter's recipient.

The source of each rule lives in the code beside it; a page, PDF, Word document, letter or calendar feed shows only a
readable citation ("section 42, Children and Families Act 2014"). This test renders every letter kind in every format
and every page that shows advice or deadlines, as the parent and as the SENCO, and fails on any reference code.
"""

from __future__ import annotations

import io
import re
from datetime import date

import docx
import pypdf
import pytest
from django.urls import reverse
from django.utils import timezone

from provision_ledger.nextsteps.models import Letter, StatutoryEvent
from provision_ledger.rules.advisor import StepKind
from tests.factories import make_child, make_line, make_parent, make_plan, make_session

pytestmark = pytest.mark.django_db
TODAY = date(2025, 10, 17)

# "[T5]", "[E13b]", "[L3][L4]", "§4", and the working notes reviewers found on pages and in letters.
INTERNAL = re.compile(
    r"\[[A-Z]{1,2}\d+[a-z]?\]|§|domain[ -]sheet|re-verified|our sources|as cited\b|domain-england",
    re.IGNORECASE,
)


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)


def _behind(child, senco, kind):
    plan = make_plan(child, senco, kind=kind, start=date(2025, 9, 1))
    line = make_line(plan, senco)
    make_session(line, senco, date(2025, 9, 10))
    make_session(line, senco, date(2025, 9, 11), "not_delivered", reason="staff_redeployed")
    return plan


def _pdf_text(content: bytes) -> str:
    return " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(content)).pages)


def _docx_text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def _clean(where: str, text: str) -> None:
    found = INTERNAL.search(text)
    assert found is None, (
        f"{where} shows internal text {found.group(0)!r}: …{text[max(0, found.start() - 80) : found.end() + 80]}…"
    )


def _send_every_letter(client, child) -> list[Letter]:
    letters = []
    for kind in StepKind:
        url = reverse("letter-write", kwargs={"child_id": child.pk, "kind": kind.value})
        page = client.get(url)
        if page.status_code == 404:
            continue  # not a letter for this plan kind
        _clean(f"the {kind} letter page", page.content.decode())
        # A letter below the proportion threshold goes only with the warning accepted.
        client.post(
            url,
            {
                **page.context["form"].initial,
                "sent_on": TODAY.isoformat(),
                "override": "on",
                "sender_address": "12 Mill Lane\nOakfield",
            },
        )
        letters.append(Letter.objects.get(child=child, kind=kind.value))
    return letters


@pytest.mark.parametrize("plan_kind", ["sen_support", "iep_school_action", "ehc_plan", "statement"])
def test_no_page_letter_pdf_docx_or_feed_shows_a_reference_code_or_working_note(client, senco, school, plan_kind):
    child = make_child(school)
    _behind(child, senco, plan_kind)
    parent = make_parent(child)
    StatutoryEvent.objects.create(
        local_authority=child.local_authority,
        child=child,
        kind="assessment_requested",
        date=date(2025, 9, 15),
        recorded_by=parent,
    )
    StatutoryEvent.objects.create(
        local_authority=child.local_authority,
        child=child,
        kind="review_meeting",
        date=date(2025, 9, 20),
        recorded_by=senco,
    )
    client.force_login(parent)
    letters = _send_every_letter(client, child)
    assert letters, "every plan kind has at least one letter"
    for letter in letters:
        _clean(f"the stored {letter.kind} letter", letter.body + letter.addressee + letter.subject)
        _clean(
            f"the {letter.kind} letter page", client.get(reverse("letter-detail", args=[letter.pk])).content.decode()
        )
        pdf = client.get(reverse("letter-download", kwargs={"letter_id": letter.pk, "extension": "pdf"})).content
        _clean(f"the {letter.kind} PDF", _pdf_text(pdf))
        word = client.get(reverse("letter-download", kwargs={"letter_id": letter.pk, "extension": "docx"})).content
        _clean(f"the {letter.kind} Word document", _docx_text(word))
    for viewer in (parent, senco):
        client.force_login(viewer)
        for name in ("child-detail", "statutory-events"):
            response = client.get(reverse(name, kwargs={"child_id": child.pk}))
            assert response.status_code == 200
            _clean(f"{name} as {viewer.email}", response.content.decode())
    client.force_login(senco)
    _clean("the school overview", client.get(reverse("school-overview", args=[school.urn])).content.decode())
    client.force_login(parent)
    link = client.post(reverse("calendar-settings"), {"action": "create"}).context["new_link"]
    client.logout()
    feed = client.get(link.replace("http://testserver", "")).content.decode()
    assert "BEGIN:VEVENT" in feed
    _clean("the calendar feed", feed.replace("\r\n ", ""))


def test_the_pattern_catches_what_the_reviewers_found():
    for text in ("[T5][T6]", "domain sheet §4 [F1]", "not re-verified by our sources", "[E13b]"):
        assert INTERNAL.search(text), text
    assert INTERNAL.search("section 42, Children and Families Act 2014") is None
