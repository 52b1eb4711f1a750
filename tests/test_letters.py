"""Golden letters: every kind of letter, rendered from one fixed ledger as HTML, PDF and Word, reads as a
professional's letter: addressed to the body that holds the duty, dated, the child named, the duty cited, the
ledger's own figures (what was never recorded apart from what was recorded missed), what is asked and by when, and
a not-legal-advice line; no internal text."""

from __future__ import annotations

import io
import re
from datetime import date

import docx
import pypdf
import pytest
from django.urls import reverse
from django.utils import timezone

from provision_ledger.nextsteps.evidence import evidence_for
from provision_ledger.nextsteps.models import Letter
from provision_ledger.rules.reporting import whole
from tests.factories import make_line, make_parent, make_plan, make_session

pytestmark = pytest.mark.django_db
TODAY = date(2025, 10, 17)  # Friday
LATER = date(2025, 11, 17)  # 4 weeks after the s42 letter of 17 October: the letter before claim is in proportion
INTERNAL = re.compile(r"\[[A-Z]{1,2}\d+[a-z]?\]|§|domain[ -]sheet|re-verified|our sources", re.IGNORECASE)


def _pdf_text(content: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(content)).pages).split())


def _docx_text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return " ".join(" ".join([p.text for p in document.paragraphs] + cells).split())


def _ledger(child, senco, kind: str):
    plan = make_plan(child, senco, kind=kind, start=date(2025, 9, 1))
    line = make_line(plan, senco)  # Motor Skills programme: 2 sessions of 30 minutes a week
    make_session(line, senco, date(2025, 9, 10))
    make_session(line, senco, date(2025, 9, 11), "not_delivered", reason="staff_redeployed")
    return plan


ADDRESS = "12 Mill Lane\nOakfield\nOK1 2AB"


def _send(client, child, kind: str, on: date, address: str = ADDRESS) -> Letter:
    url = reverse("letter-write", kwargs={"child_id": child.pk, "kind": kind})
    page = client.get(url)
    assert page.status_code == 200, kind
    client.post(url, {**page.context["form"].initial, "sent_on": on.isoformat(), "sender_address": address})
    return Letter.objects.get(child=child, kind=kind)


def _renders(client, letter: Letter) -> dict[str, str]:
    html = client.get(reverse("letter-detail", args=[letter.pk])).content.decode()
    pdf = client.get(reverse("letter-download", kwargs={"letter_id": letter.pk, "extension": "pdf"})).content
    word = client.get(reverse("letter-download", kwargs={"letter_id": letter.pk, "extension": "docx"})).content
    return {"stored": " ".join(letter.body.split()), "PDF": _pdf_text(pdf), "Word": _docx_text(word), "page": html}


def _ledger_figures(child, on: date) -> str:
    """The figures as the ledger's own rules give them, for the one line behind."""
    evidence = evidence_for(child, on)
    (line,) = evidence.lines
    a = line.overall
    return (
        f"{whole(a.expected.sessions)} sessions due, {a.delivered_sessions} delivered, {a.missed_sessions} recorded "
        f"as missed, {a.not_recorded_sessions} with no record at all"
    )


# kind, plan kind, the day it is sent, the recipient, the salutation, the duty, what is asked and by when
SCHOOL_LETTERS = [
    (
        "ask_school_to_reinstate",
        "The Headteacher (copy to the SENCO) Hillside Primary School",
        "Dear Headteacher,",
        "Section 66, Children and Families Act 2014",
        "Please reply by Friday 31 October 2025.",
    ),
    (
        "request_ehc_needs_assessment",
        "The Special Educational Needs team",
        "Dear Sir or Madam,",
        "under section 36(1) of the Children and Families Act 2014",
        "Please confirm in writing the date on which the local authority received this request.",
    ),
]
LA_LETTERS = [
    (
        "write_to_la_s42",
        "The Director of Children's Services c/o the Special Educational Needs team",
        "Dear Director of Children's Services,",
        "Section 42(2), Children and Families Act 2014",
        "Please reply by Friday 24 October 2025.",
    ),
    (
        "request_review_or_reassessment",
        "The Special Educational Needs team",
        "Dear Sir or Madam,",
        "section 44(2) of the Children and Families Act 2014",
        "and to tell me its decision in writing.",
    ),
]


@pytest.mark.parametrize(("kind", "to", "dear", "duty", "ask"), SCHOOL_LETTERS)
def test_a_sen_support_letter_is_addressed_dated_and_carries_the_ledgers_figures(
    client, senco, child, monkeypatch, kind, to, dear, duty, ask
):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)
    _ledger(child, senco, "sen_support")
    client.force_login(make_parent(child, first_name="Daniel", last_name="Bennett"))
    letter = _send(client, child, kind, TODAY)
    figures = _ledger_figures(child, TODAY)
    assert figures == "14 sessions due, 1 delivered, 1 recorded as missed, 12 with no record at all"
    for where, text in _renders(client, letter).items():
        assert INTERNAL.search(text) is None, where
        for expected in (dear, duty, ask, figures, "Date of birth: Monday 1 July 2019", "Year group: Year 1"):
            assert expected in text.replace("&#x27;", "'"), (where, expected)
        assert "not legal advice" in text, where
    text = _renders(client, letter)["PDF"]
    assert text.startswith("Daniel Bennett")  # the sender's block heads the letter
    assert "Friday 17 October 2025" in text
    assert to in text


def test_the_assessment_request_is_in_the_parents_voice_with_evidence_for_both_limbs(client, senco, child, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)
    _ledger(child, senco, "sen_support")
    client.force_login(make_parent(child))
    body = _send(client, child, "request_ehc_needs_assessment", TODAY).body
    assert "1. My child has or may have special educational needs." in body
    assert "Your child has" not in body
    assert "The school records my child's primary need as" in body
    assert "recorded special educational provision for them in a SEN Support plan since Monday 1 September 2025" in body
    assert "2. It may be necessary for special educational provision to be made through an EHC plan." in body
    assert "The provision the school itself put in place (the provision tried) is not being delivered:" in body
    assert "The school has recorded no measured progress towards the plan's outcomes." in body
    assert "within 6 weeks of receiving this request (regulation 5(1)" in body


def test_an_assessment_request_from_an_independent_school_says_it_has_no_best_endeavours_duty(
    client, senco, child, monkeypatch
):
    """s66(1), (5) CFA 2014: the best-endeavours duty binds mainstream schools only, so the second limb's evidence
    does not claim an independent school owes one."""
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)
    child.school.establishment_type = "Other independent school"
    child.school.save(update_fields=["establishment_type"])
    _ledger(child, senco, "sen_support")
    client.force_login(make_parent(child))
    body = _send(client, child, "request_ehc_needs_assessment", TODAY).body
    assert (
        "Without an EHC plan nobody can be made to deliver this provision: as an independent school the school has no "
        "duty even to use its best endeavours (section 66, Children and Families Act 2014, binds mainstream schools "
        "only)." in body
    )


@pytest.mark.parametrize(("kind", "to", "dear", "duty", "ask"), LA_LETTERS)
def test_an_ehc_plan_letter_to_the_council_is_addressed_dated_and_carries_the_ledgers_figures(
    client, senco, child, monkeypatch, kind, to, dear, duty, ask
):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)
    _ledger(child, senco, "ehc_plan")
    client.force_login(make_parent(child))
    letter = _send(client, child, kind, TODAY)
    figures = _ledger_figures(child, TODAY)
    for where, text in _renders(client, letter).items():
        assert INTERNAL.search(text) is None, where
        for expected in (dear, duty, ask, figures, "School: Hillside Primary School"):
            assert expected in text.replace("&#x27;", "'"), (where, expected)
    assert to in _renders(client, letter)["PDF"]


def test_the_governors_and_council_complaints_follow_their_earlier_letters(client, senco, child, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)
    _ledger(child, senco, "ehc_plan")
    client.force_login(make_parent(child))
    _send(client, child, "ask_school_to_reinstate", TODAY)
    _send(client, child, "write_to_la_s42", TODAY)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: LATER)
    governors = _send(client, child, "complain_to_governors", LATER)
    assert governors.addressee == "The Chair of Governors\nHillside Primary School"
    assert governors.body.startswith("Dear Chair of Governors,")
    assert "including one with an EHC plan" not in governors.body  # the why stays on the page; the duty is cited
    assert "Section 66, Children and Families Act 2014" in governors.body
    council = _send(client, child, "complain_to_council", LATER)
    assert council.addressee.startswith("The Complaints team\n")
    assert (
        "On Friday 17 October 2025 I wrote to the local authority, setting out its duty under section 42(2) and the "
        "provision missed, and asked it to confirm by Friday 24 October 2025 the steps it would take. I have had no "
        "reply." in council.body
    )
    assert _ledger_figures(child, LATER) in " ".join(council.body.split())


def test_the_letter_before_claim_follows_annex_a_and_states_the_claim(client, senco, child, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)
    _ledger(child, senco, "ehc_plan")
    parent = make_parent(child, first_name="Daniel", last_name="Bennett")
    client.force_login(parent)
    _send(client, child, "write_to_la_s42", TODAY)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: LATER)
    letter = _send(client, child, "pre_action_protocol_letter", LATER)
    assert letter.addressee.startswith("Legal Services\n")
    texts = _renders(client, letter)
    for where, text in texts.items():
        text = text.replace("&#x27;", "'")
        assert INTERNAL.search(text) is None, where
        for heading in (
            "Letter before claim: Pre-Action Protocol for Judicial Review",
            "1. Proposed claim: a claim for judicial review",
            "2. The defendant:",
            "3. The claimant: Oliver Bennett (born Monday 1 July 2019), by their parent and litigation friend, "
            "Daniel Bennett.",
            "4. The matter being challenged:",
            "5. The details of the matter being challenged:",
            "6. The issues (the claim in law): the local authority is in breach of its duty under section 42(2), "
            "Children and Families Act 2014",
            "7. The action the defendant is expected to take:",
            "8. Alternative dispute resolution:",
            "9. Interested parties: Hillside Primary School",
            "11. Legal advisers: none at present.",
            "Reference: the EHC plan of Oliver Bennett (born Monday 1 July 2019); please give the council's own "
            "reference for it in your reply.",
            "12. Address for reply and service of documents: Daniel Bennett, at the address at the head of this "
            "letter; by email to",
            "13. Proposed reply date: Monday 1 December 2025, 14 days from the date of this letter.",
            "On Friday 17 October 2025 I wrote to the local authority",
            _ledger_figures(child, LATER),
        ):
            assert heading in text, (where, heading)
        assert "The law: Pre-Action Protocol" not in text  # it states the claim, not what such a letter is
    assert letter.reply_due == date(2025, 12, 1)
    # The address for reply heads the letter, under the sender's name, on paper and in Word.
    assert texts["PDF"].startswith("Daniel Bennett 12 Mill Lane Oakfield OK1 2AB")
    assert texts["Word"].startswith("Daniel Bennett 12 Mill Lane Oakfield OK1 2AB")


def test_no_letter_before_claim_until_the_council_has_been_written_to_and_never_without_an_address(
    client, senco, child, monkeypatch
):
    """Annex A asks for the history of the matter and an address for reply and service: a letter before claim with
    no earlier s42 letter would be the first the council hears of it, and an email alone is no address."""
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: LATER)
    _ledger(child, senco, "ehc_plan")
    client.force_login(make_parent(child))
    url = reverse("letter-write", kwargs={"child_id": child.pk, "kind": "pre_action_protocol_letter"})
    refused = client.get(url)
    assert refused.status_code == 404
    assert "Write to the local authority first (the letter citing section 42" in refused.content.decode()
    _send(client, child, "write_to_la_s42", TODAY)
    page = client.get(url)
    # The form offers the address given on the earlier letter; cleared, the letter is refused.
    assert page.context["form"].initial["sender_address"] == ADDRESS
    response = client.post(
        url, {**page.context["form"].initial, "sent_on": LATER.isoformat(), "override": "on", "sender_address": ""}
    )
    assert response.context["form"].errors["sender_address"] == [
        "Give your postal address: a letter before claim needs an address where the council's lawyers can reply "
        "and send papers."
    ]
    assert not Letter.objects.filter(kind="pre_action_protocol_letter").exists()


def test_a_complaint_to_the_council_before_any_letter_to_it_never_says_it_was_told(client, senco, child, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)
    _ledger(child, senco, "ehc_plan")
    client.force_login(make_parent(child))
    body = _send(client, child, "complain_to_council", TODAY).body
    assert "since I wrote to it" not in body
    assert "I am making a formal complaint under the council's complaints procedure. The special educational " in body
    assert "I have not yet written to the local authority about this." in body


def test_a_new_plan_does_not_hide_what_the_plan_it_replaced_owed_from_the_letter(client, senco, child, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)
    _ledger(child, senco, "sen_support")  # Motor Skills from 1 September: 1 delivered, 1 missed, the rest unrecorded
    make_plan(child, senco, kind="sen_support", start=date(2025, 10, 15))  # in force two days before the letter
    client.force_login(make_parent(child, first_name="Daniel", last_name="Bennett"))
    evidence = evidence_for(child, TODAY)
    [line] = evidence.lines
    assert (line.start, line.end, line.under_earlier_plan) == (
        date(2025, 9, 1),
        date(2025, 10, 14),
        "Under the earlier SEN Support plan, 1 September 2025 to 14 October 2025",
    )
    assert (whole(line.overall.expected.sessions), line.overall.not_recorded_sessions) == (12, 10)
    letter = _send(client, child, "ask_school_to_reinstate", TODAY)
    renders = _renders(client, letter)
    for where, text in renders.items():
        assert "12 sessions due, 1 delivered, 1 recorded as missed, 10 with no record at all" in text, where
    for where in ("PDF", "Word"):
        assert "Under the earlier SEN Support plan, 1 September 2025 to 14 October 2025." in renders[where], where
