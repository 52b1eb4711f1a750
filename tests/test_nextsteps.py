"""Next steps: letters drafted from the ledger cite the duty exactly and carry the ledger's numbers."""

from __future__ import annotations

import io
from datetime import date

import docx
import pypdf
import pytest
from django.urls import reverse
from django.utils import timezone

from provision_ledger.audit.models import AuditEvent
from provision_ledger.nextsteps.advice import next_steps_for
from provision_ledger.nextsteps.models import Letter, StatutoryEvent
from provision_ledger.rules.clocks import ClockStatus
from tests.factories import (
    make_child,
    make_la_officer,
    make_line,
    make_parent,
    make_plan,
    make_school,
    make_senco,
    make_session,
    make_staff,
)

pytestmark = pytest.mark.django_db
TODAY = date(2025, 10, 17)  # Friday: 34 school days of the autumn term so far
ADDRESS = "12 Mill Lane\nOakfield\nOK1 2AB"


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)


def _behind(child, senco, kind="sen_support", **line):
    plan = make_plan(child, senco, kind=kind, start=date(2025, 9, 1))
    motor = make_line(plan, senco, **line)
    make_session(motor, senco, date(2025, 9, 10))
    make_session(motor, senco, date(2025, 9, 11), "not_delivered", reason="staff_redeployed")
    return motor


def _pdf_text(content: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(content)).pages).split())


def _send(client, child, kind) -> Letter:
    page = client.get(reverse("letter-write", kwargs={"child_id": child.pk, "kind": kind}))
    form = page.context["form"]
    client.post(
        reverse("letter-write", kwargs={"child_id": child.pk, "kind": kind}),
        {**form.initial, "sent_on": timezone.localdate().isoformat(), "sender_address": ADDRESS},
    )
    return Letter.objects.get(kind=kind)


def test_parent_of_a_sen_support_child_is_told_the_plan_cannot_be_enforced(client, senco, child):
    _behind(child, senco)
    client.force_login(make_parent(child))
    response = client.get(reverse("child-detail", kwargs={"child_id": child.pk}))
    advice = response.context["next_steps"].advice
    assert advice.legal_position.startswith("A SEN Support plan cannot be enforced as a right")
    assert [s.kind.value for s in advice.steps] == [
        "ask_school_to_reinstate",
        "complain_to_governors",
        "request_ehc_needs_assessment",
        "disagreement_resolution",
        "complain_to_secretary_of_state",
        "send_tribunal_info",
    ]


def test_staff_and_the_authority_do_not_see_the_parents_route(client, senco, child):
    _behind(child, senco)
    client.force_login(make_staff(child.school, child))
    assert client.get(reverse("child-detail", kwargs={"child_id": child.pk})).context["next_steps"] is None


def test_letter_to_the_school_cites_s66_and_the_ledgers_numbers(client, senco, child):
    _behind(child, senco)
    parent = make_parent(child, first_name="Daniel", last_name="Bennett")
    client.force_login(parent)
    letter = _send(client, child, "ask_school_to_reinstate")
    # 2 sessions a week over 34 school days: 13.6 promised (14), 1 delivered, 12.6 x 30 = 378 minutes owed.
    assert (letter.evidence["owed_hours"], letter.evidence["lines"][0]["terms"][0]["promised_sessions"]) == ("6.3", 14)
    text = _pdf_text(
        client.get(reverse("letter-download", kwargs={"letter_id": letter.pk, "extension": "pdf"})).content
    )
    assert "Section 66, Children and Families Act 2014" in text
    assert (
        "Motor Skills programme: the plan specifies 2 sessions of 30 minutes a week, one-to-one, with a teaching "
        "assistant. From Monday 1 September 2025 to Friday 17 October 2025: 14 sessions due, 1 delivered, 1 recorded "
        "as missed, 12 with no record at all (nobody has recorded whether they happened). In hours: 6.8 due, 0.5 "
        "delivered (sessions cut short are counted above as delivered). Reasons the school recorded for the sessions "
        "missed or cut short: staff redeployed to other duties (1). Time owed: 6.3 hours." in text
    )
    assert "Thu 11 Sep 2025 Not delivered Staff redeployed to other duties 30" in text
    assert "From the school’s records, Monday 1 September 2025 to Friday 17 October 2025." in text
    assert "not legal advice" in text
    assert letter.reply_due == date(2025, 10, 31)  # our suggested 10 working days


def test_letter_to_the_la_cites_s42_and_lists_the_ta_hours_not_delivered(client, senco, child):
    _behind(
        child,
        senco,
        kind="ehc_plan",
        description="1:1 teaching assistant support",
        weekly_minutes=1200,
        minutes_per_session=240,
        period="day",
        sessions=1,
    )
    client.force_login(make_parent(child))
    letter = _send(client, child, "write_to_la_s42")
    body = letter.body
    assert "Section 42(2), Children and Families Act 2014" in body
    assert "no best-endeavours defence (R (BA) v Nottinghamshire County Council, 2021)" in body
    # 20 hours a week over 34 school days: 136 hours promised; 4 hours delivered; 132 hours owed.
    assert (
        "1:1 teaching assistant support: the plan specifies 20 hours a week, one-to-one, with a teaching assistant. "
        "From Monday 1 September 2025 to Friday 17 October 2025: 34 sessions due, 1 delivered, 1 recorded as missed, "
        "32 with no record at all (nobody has recorded whether they happened). In hours: 136.0 due, 4.0 delivered "
        "(sessions cut short are counted above as delivered). Reasons the school recorded for the sessions missed or "
        "cut short: staff redeployed to other duties (1). Time owed: 132.0 hours." in body
    )
    # 132 hours at £19.74 an hour with the child (£750 a year for an hour a week ÷ 38 weeks of contact).
    assert letter.evidence["lines"][0]["value"] == "2605.68"
    assert letter.reply_due == date(2025, 10, 24)  # 5 working days (IPSEA letter 6)
    document = docx.Document(
        io.BytesIO(client.get(reverse("letter-download", kwargs={"letter_id": letter.pk, "extension": "docx"})).content)
    )
    assert "Evidence schedule" in [p.text for p in document.paragraphs]


def test_request_for_assessment_sets_out_both_limbs_and_starts_the_six_week_clock(client, senco, child):
    _behind(child, senco)
    client.force_login(make_parent(child))
    letter = _send(client, child, "request_ehc_needs_assessment")
    assert "section 36(1) of the Children and Families Act 2014" in letter.body
    assert "section 36(8)" in letter.body
    page = client.get(reverse("statutory-events", kwargs={"child_id": child.pk}))
    # 6 weeks from Friday 17 October 2025 is Friday 28 November 2025 (reg 5).
    decision = page.context["clocks"][0]
    assert (decision.clock.name, decision.clock.limit, decision.status) == (
        "Decision whether to carry out an EHC needs assessment",
        date(2025, 11, 28),
        ClockStatus.RUNNING,
    )


def test_the_councils_recorded_receipt_moves_the_six_weeks_on_the_clock_and_the_step_alike(
    client, senco, child, monkeypatch
):
    """Reg 5(1) SEND Regulations 2014: the request sent Friday 17 October 2025 and received Monday 20 October; on
    Tuesday 21 October, 6 weeks from the receipt is Monday 1 December 2025, on the deadlines page and the step."""
    _behind(child, senco)
    client.force_login(make_parent(child))
    _send(client, child, "request_ehc_needs_assessment")
    today = date(2025, 10, 21)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: today)
    url = reverse("statutory-events", kwargs={"child_id": child.pk})
    client.post(url, {"kind": "request_received", "date": "2025-10-20"})
    clocks = client.get(url).context["clocks"]
    (decision,) = [c for c in clocks if c.clock.name == "Decision whether to carry out an EHC needs assessment"]
    assert decision.clock.limit == date(2025, 12, 1)
    steps = next_steps_for(child, today)
    assert steps is not None
    (step,) = [s for s in steps.advice.steps if s.kind.value == "request_ehc_needs_assessment"]
    assert step.status_text == "Sent, awaiting a reply until Monday 1 December 2025"


def test_a_letter_for_a_step_that_does_not_apply_says_why(client, senco, child):
    _behind(child, senco)
    client.force_login(make_parent(child))
    response = client.get(reverse("letter-write", kwargs={"child_id": child.pk, "kind": "write_to_la_s42"}))
    assert response.status_code == 404
    assert response.context["why"]
    assert Letter.objects.count() == 0


def test_no_letter_when_nothing_is_behind(client, senco, child):
    make_plan(child, senco, start=date(2025, 9, 1))
    client.force_login(make_parent(child))
    response = client.get(reverse("letter-write", kwargs={"child_id": child.pk, "kind": "ask_school_to_reinstate"}))
    assert response.context["why"] == "Nothing in the record is behind, so there is no letter to write about delivery."


def test_when_the_reply_is_overdue_the_next_step_opens(client, senco, child, monkeypatch):
    _behind(child, senco)
    client.force_login(make_parent(child))
    _send(client, child, "ask_school_to_reinstate")
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: date(2025, 11, 3))
    steps = {
        s.kind.value: s
        for s in client.get(reverse("child-detail", kwargs={"child_id": child.pk})).context["next_steps"].advice.steps
    }
    assert (steps["ask_school_to_reinstate"].status, steps["complain_to_governors"].status) == (
        "reply_overdue",
        "available",
    )


def test_letter_as_sent_is_kept_with_its_date_and_audited(client, senco, child):
    _behind(child, senco)
    parent = make_parent(child)
    client.force_login(parent)
    page = client.get(reverse("letter-write", kwargs={"child_id": child.pk, "kind": "ask_school_to_reinstate"}))
    edited = {**page.context["form"].initial, "body": "My own words.", "sent_on": "2025-10-16"}
    client.post(reverse("letter-write", kwargs={"child_id": child.pk, "kind": "ask_school_to_reinstate"}), edited)
    letter = Letter.objects.get()
    assert (letter.body, letter.sent_on, letter.written_by) == ("My own words.", date(2025, 10, 16), parent)
    assert AuditEvent.objects.filter(object_type="letter", action="create").count() == 1


def test_a_reply_before_the_letter_was_sent_is_refused(client, senco, child):
    _behind(child, senco)
    client.force_login(make_parent(child))
    letter = _send(client, child, "ask_school_to_reinstate")
    response = client.post(reverse("letter-detail", kwargs={"letter_id": letter.pk}), {"replied_on": "2025-10-01"})
    assert response.context["form"].errors == {
        "replied_on": ["The reply cannot come before the letter was sent (17 October 2025)."]
    }
    letter.refresh_from_db()
    assert letter.replied_on is None


def test_dates_that_contradict_each_other_are_refused(client, senco, child):
    make_plan(child, senco, kind="ehc_plan", start=date(2025, 9, 1))
    client.force_login(senco)
    url = reverse("statutory-events", kwargs={"child_id": child.pk})
    client.post(url, {"kind": "assessment_requested", "date": "2025-10-01"})
    response = client.post(url, {"kind": "assessment_decision", "date": "2025-09-20"})
    assert (
        response.context["form"]
        .errors["date"][0]
        .startswith("The decision whether to assess (Saturday 20 September 2025) is before the request")
    )
    assert list(StatutoryEvent.objects.values_list("kind", flat=True)) == ["assessment_requested"]


def test_school_overview_flags_an_overdue_annual_review(client, senco, child, school):
    make_plan(child, senco, kind="ehc_plan", start=date(2024, 9, 2))  # reviewed by 2 September 2025 at the latest
    reviewed = make_child(school, first_name="Ava")
    make_plan(reviewed, senco, kind="ehc_plan", start=date(2024, 9, 2))
    StatutoryEvent.objects.create(
        local_authority_id=reviewed.local_authority_id,
        child=reviewed,
        kind="review_meeting",
        date=date(2025, 10, 10),  # a week ago: its report, decision and amendments are all still in time
        recorded_by=senco,
    )
    client.force_login(senco)
    summaries = client.get(reverse("school-overview", kwargs={"urn": school.urn})).context["summaries"]
    assert {s.child.first_name: [c.name for c in s.overdue] for s in summaries} == {
        "Oliver": ["Annual review of the EHC plan"],
        "Ava": [],
    }


def test_la_overview_counts_overdue_annual_reviews_by_school(client, senco, child, school):
    make_plan(child, senco, kind="ehc_plan", start=date(2024, 9, 2))
    client.force_login(make_la_officer(school.local_authority))
    [row] = client.get(reverse("la-overview")).context["schools"]
    assert (row.ehc_plans, row.overdue_reviews) == (1, 1)


def test_complaint_to_governors_opens_when_the_school_has_not_replied_and_cites_best_endeavours(
    client, senco, child, monkeypatch
):
    _behind(child, senco)
    client.force_login(make_parent(child))
    _send(client, child, "ask_school_to_reinstate")
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: date(2025, 11, 3))  # the 10 working days are over
    letter = _send(client, child, "complain_to_governors")
    assert "formal complaint under the school's complaints policy" in letter.body
    assert "Section 66, Children and Families Act 2014" in letter.body
    # 40 school days from 2 September to 3 November (half-term out): 16 sessions, 480 minutes; 30 delivered.
    assert letter.evidence["lines"][0]["owed_hours"] == "7.5"


def test_pre_action_letter_before_four_weeks_needs_the_parent_to_accept_the_warning_and_the_trail_keeps_it(
    client, senco, child, monkeypatch
):
    _behind(child, senco, kind="ehc_plan")
    client.force_login(make_parent(child))
    _send(client, child, "write_to_la_s42")
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: date(2025, 10, 27))  # reply was due on 24 October
    url = reverse("letter-write", kwargs={"child_id": child.pk, "kind": "pre_action_protocol_letter"})
    page = client.get(url)
    assert "This is below the point we suggest." in page.content.decode()
    form = page.context["form"]
    refused = client.post(url, {**form.initial, "sent_on": "2025-10-27"})
    assert refused.context["form"].errors["override"] == ["Tick the box to say you have read the warning, or wait."]
    assert not Letter.objects.filter(kind="pre_action_protocol_letter").exists()
    client.post(url, {**form.initial, "sent_on": "2025-10-27", "override": "on", "sender_address": ADDRESS})
    letter = Letter.objects.get(kind="pre_action_protocol_letter")
    assert letter.reply_due == date(2025, 11, 10)  # 14 days from Monday 27 October (Pre-Action Protocol)
    event = AuditEvent.objects.filter(
        object_id=str(letter.pk), summary="A letter of the family's was kept in their record"
    ).get()
    assert "4 weeks from it end on Friday 14 November 2025." in event.after["below_threshold"]
    assert event.after["warning_accepted"].startswith("This is below the point we suggest.")


def test_pre_action_letter_past_the_threshold_states_the_claim_without_a_warning(client, senco, child, monkeypatch):
    _behind(child, senco, kind="ehc_plan")
    client.force_login(make_parent(child))
    _send(client, child, "write_to_la_s42")
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: date(2025, 11, 17))  # 4 weeks since 17 October
    page = client.get(reverse("letter-write", kwargs={"child_id": child.pk, "kind": "pre_action_protocol_letter"}))
    assert "override" not in page.context["form"].fields
    letter = _send(client, child, "pre_action_protocol_letter")
    assert "in breach of its duty under section 42(2), Children and Families Act 2014" in letter.body
    assert letter.reply_due == date(2025, 12, 1)


def test_a_reply_dated_after_today_is_refused_and_the_childs_page_still_loads(client, senco, child):
    _behind(child, senco)
    client.force_login(make_parent(child))
    letter = _send(client, child, "ask_school_to_reinstate")
    response = client.post(reverse("letter-detail", kwargs={"letter_id": letter.pk}), {"replied_on": "2030-01-01"})
    assert response.context["form"].errors == {
        "replied_on": ["A reply cannot be dated after today: 1 January 2030 has not come yet."]
    }
    letter.refresh_from_db()
    assert letter.replied_on is None
    assert client.get(reverse("child-detail", kwargs={"child_id": child.pk})).status_code == 200


def test_a_letter_dated_before_the_childs_first_plan_is_refused(client, senco, child):
    _behind(child, senco)
    client.force_login(make_parent(child))
    url = reverse("letter-write", kwargs={"child_id": child.pk, "kind": "ask_school_to_reinstate"})
    page = client.get(url)
    response = client.post(url, {**page.context["form"].initial, "sent_on": "2020-01-08"})
    assert response.context["form"].errors == {
        "sent_on": [f"That is before {child.first_name}’s first plan began (1 September 2025)."]
    }
    assert Letter.objects.count() == 0


def test_a_statutory_event_dated_after_today_is_refused(client, senco, child):
    make_plan(child, senco, kind="ehc_plan", start=date(2025, 9, 1))
    client.force_login(senco)
    url = reverse("statutory-events", kwargs={"child_id": child.pk})
    response = client.post(url, {"kind": "assessment_requested", "date": "2025-10-18"})
    assert response.context["form"].errors["date"] == [
        "An event cannot be dated after today: 18 October 2025 has not come yet."
    ]


def test_the_senco_records_a_child_as_disabled_with_an_event_and_the_parent_is_offered_the_equality_act_claim(
    client, senco, child
):
    _behind(child, senco)
    client.force_login(senco)
    url = reverse("child-disability", kwargs={"child_id": child.pk})
    page = client.get(url)
    assert (
        "substantial and long-term effect on their ability to do normal day-to-day activities" in page.content.decode()
    )
    client.post(url, {"disabled": "on"})
    child.refresh_from_db()
    assert child.disabled
    event = AuditEvent.objects.get(summary="Oliver recorded as disabled (Equality Act 2010)")
    assert (event.before, event.after) == ({"disabled": False}, {"disabled": True})
    client.post(url, {"disabled": "on"})  # sent again: no change, no second event
    assert AuditEvent.objects.filter(summary__contains="recorded as disabled").count() == 1
    client.force_login(make_parent(child))
    advice = client.get(reverse("child-detail", kwargs={"child_id": child.pk})).context["next_steps"].advice
    assert "disability_claim" in [s.kind.value for s in advice.steps]


def test_only_the_childs_senco_may_record_disability(client, senco, child):
    url = reverse("child-disability", kwargs={"child_id": child.pk})
    client.force_login(make_parent(child))
    assert client.post(url, {"disabled": "on"}).status_code == 403
    client.force_login(make_senco(make_school(name="Other School"), email="other@school.test"))
    assert client.get(url).status_code == 404
    child.refresh_from_db()
    assert not child.disabled
