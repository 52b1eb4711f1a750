"""Decisions, mediation, phase transfers and exceptions: recorded once, audited, and shown where a parent looks."""

from __future__ import annotations

from datetime import date

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from provision_ledger.audit.models import AuditEvent
from provision_ledger.nextsteps.advice import deadlines_for
from provision_ledger.nextsteps.models import StatutoryEvent
from provision_ledger.parents.alerts import run
from provision_ledger.plans.queries import current_plan
from provision_ledger.rules.clocks import ClockKind, ClockStatus
from tests.factories import make_parent, make_plan

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 2)


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)


def _record(client, child, **data):
    data = {"kind": data.pop("kind"), "date": data.pop("date").isoformat(), **data}
    return client.post(reverse("statutory-events", kwargs={"child_id": child.pk}), data)


def _kinds(child):
    return {v.clock.kind: v for v in deadlines_for(child, TODAY, current_plan(child))}


def test_a_refusal_to_assess_shows_the_appeal_deadline_and_mediation_step_on_the_parents_page(client, child):
    parent = make_parent(child)
    client.force_login(parent)
    _record(client, child, kind="assessment_requested", date=date(2026, 9, 14))
    _record(client, child, kind="request_received", date=date(2026, 9, 16))
    response = _record(client, child, kind="decided_not_to_assess", date=date(2026, 10, 21))
    assert response.status_code == 302
    event = StatutoryEvent.objects.get(kind="decided_not_to_assess")
    assert AuditEvent.objects.filter(summary=f"Recorded: {event}").exists()
    page = client.get(reverse("child-detail", kwargs={"child_id": child.pk})).content.decode()
    # Letter Wednesday 21 October 2026 + 2 months = Monday 21 December 2026 (rule 20).
    assert "Last day to appeal the decision not to carry out an EHC needs assessment: Monday 21 December 2026" in page
    assert "you must contact a mediation adviser" in page
    assert "SENDIASS" in page
    # The decision met the 6 weeks from the council's receipt (Wednesday 16 September + 6 weeks = 28 October).
    decision = _kinds(child)[ClockKind.DECISION_TO_ASSESS]
    assert (decision.clock.limit, decision.status) == (date(2026, 10, 28), ClockStatus.MET)


def test_the_deadlines_page_shows_the_appeal_for_a_child_with_no_plan(client, child):
    """A child with no plan yet can be refused an assessment: the 6 weeks (reg 5(1)) and the appeal (rule 20) show on
    the deadlines page as on the child's page."""
    assert current_plan(child) is None
    client.force_login(make_parent(child))
    _record(client, child, kind="assessment_requested", date=date(2026, 9, 14))
    response = _record(client, child, kind="decided_not_to_assess", date=date(2026, 10, 21))
    page = client.get(response.url).content.decode()
    assert "Last day to appeal the decision not to carry out an EHC needs assessment" in page
    assert "21 December 2026" in page  # Wednesday 21 October 2026 + 2 months
    assert "Decision whether to carry out an EHC needs assessment" in page


def test_the_calendar_feed_and_an_alert_carry_the_appeal_deadline(client, child):
    parent = make_parent(child, email="dad@example.test")
    StatutoryEvent.objects.create(
        local_authority=child.local_authority,
        child=child,
        kind="decided_not_to_assess",
        date=date(2026, 10, 16),
        recorded_by=parent,
    )  # + 2 months = Wednesday 16 December 2026, 14 days after today
    client.force_login(parent)
    link = client.post(reverse("calendar-settings"), {"action": "create"}).context["new_link"]
    client.logout()
    feed = client.get(link.replace("http://testserver", "")).content.decode().replace("\r\n ", "")
    assert "SUMMARY:Oliver: Last day to appeal the decision not to carry out an EHC needs assessment" in feed
    assert "DTSTART;VALUE=DATE:20261216" in feed
    assert run(TODAY).emails == 1
    run(TODAY)  # the job runs again: nothing new
    (email,) = mail.outbox
    assert (
        "2 weeks left to appeal for Oliver: Last day to appeal the decision not to carry out an EHC needs" in email.body
    )
    assert "mediation adviser" in email.body


def test_a_decision_before_its_request_is_refused_naming_the_date(client, child):
    client.force_login(make_parent(child))
    _record(client, child, kind="assessment_requested", date=date(2026, 10, 1))
    response = _record(client, child, kind="decided_not_to_assess", date=date(2026, 9, 20))
    assert (
        response.context["form"]
        .errors["date"][0]
        .startswith("The decision whether to assess (Sunday 20 September 2026) is before the request")
    )
    response = _record(client, child, kind="request_received", date=date(2026, 9, 30))
    assert (
        "is before the request for an assessment (Thursday 1 October 2026)"
        in response.context["form"].errors["date"][0]
    )
    assert list(StatutoryEvent.objects.values_list("kind", flat=True)) == ["assessment_requested"]


def test_a_certificate_before_the_mediation_contact_is_refused_naming_the_date(client, child):
    client.force_login(make_parent(child))
    _record(client, child, kind="decided_not_to_assess", date=date(2026, 10, 1))
    _record(client, child, kind="mediation_contacted", date=date(2026, 10, 20), mediation="declined")
    response = _record(client, child, kind="mediation_certificate", date=date(2026, 10, 15))
    assert response.context["form"].errors["date"] == [
        "The mediation certificate (15 October 2026) is before you contacted the mediation adviser (20 October 2026): "
        "a certificate follows the contact."
    ]
    _record(client, child, kind="mediation_certificate", date=date(2026, 11, 20))
    # Certificate Friday 20 November 2026 + 1 month = Sunday 20 December, later than 1 December (2 months).
    appeal = _kinds(child)[ClockKind.TRIBUNAL_APPEAL]
    assert appeal.clock.limit == date(2026, 12, 20)
    # Declined on Tuesday 20 October 2026: 3 working days is Friday 23 October (reg 34(1)), so the certificate was late.
    assert _kinds(child)[ClockKind.MEDIATION_CERTIFICATE].status is ClockStatus.MET_LATE


def test_a_mediation_contact_names_the_choice_and_going_to_mediation_starts_no_certificate_clock(client, child):
    """Reg 34(1) SEND Regulations 2014: the 3 working days run from telling the adviser you do not want mediation.
    Where mediation goes ahead the certificate follows it (s55(5) CFA 2014), so nobody is late 3 days after contact."""
    client.force_login(make_parent(child))
    _record(client, child, kind="decided_not_to_assess", date=date(2026, 10, 1))
    response = _record(client, child, kind="mediation_contacted", date=date(2026, 10, 20))
    assert response.context["form"].errors["mediation"] == [
        "Say whether you told the mediation adviser you do not want mediation or chose to go to mediation: only a "
        "refusal starts the 3 working days for the certificate."
    ]
    _record(client, child, kind="mediation_contacted", date=date(2026, 10, 20), mediation="mediation")
    clocks = _kinds(child)
    assert ClockKind.MEDIATION_CERTIFICATE not in clocks
    assert not [v for v in clocks.values() if v.status is ClockStatus.OVERDUE]
    # Letter Thursday 1 October 2026 + 2 months = Tuesday 1 December 2026; nothing moves it without a certificate.
    assert clocks[ClockKind.TRIBUNAL_APPEAL].clock.limit == date(2026, 12, 1)


def test_an_exception_without_its_ground_or_evidence_is_refused_naming_the_field(client, child):
    client.force_login(make_parent(child))
    _record(client, child, kind="assessment_requested", date=date(2026, 11, 3))
    response = _record(client, child, kind="exception", date=date(2026, 12, 1), evidence="Council's letter")
    assert response.context["form"].errors["ground"] == ["Say which exception the local authority relies on."]
    response = _record(client, child, kind="exception", date=date(2026, 12, 1), ground="absence_from_area")
    assert "evidence" in response.context["form"].errors
    response = _record(
        client,
        child,
        kind="exception",
        date=date(2026, 12, 1),
        ground="absence_from_area",
        ends_on="2026-12-10",
        evidence="Council's letter of 1 December",
    )
    assert "shorter than the 4 weeks the regulations require" in response.context["form"].errors["ends_on"][0]
    _record(
        client,
        child,
        kind="exception",
        date=date(2026, 12, 1),
        ground="absence_from_area",
        evidence="Council's letter of 1 December 2026",
    )
    # The 6-week decision (Tuesday 15 December) is suspended, not extended (reg 5(4)).
    decision = _kinds(child)[ClockKind.DECISION_TO_ASSESS]
    assert (decision.status, decision.clock.due) == (ClockStatus.SUSPENDED, None)


def test_a_decision_to_maintain_after_review_clears_the_twelve_week_clock_and_can_be_appealed(client, senco, child):
    make_plan(child, senco, kind="ehc_plan", start=date(2025, 9, 1))
    client.force_login(senco)
    _record(client, child, kind="review_meeting", date=date(2026, 9, 10))
    assert ClockKind.AMENDED_PLAN_AFTER_MEETING in _kinds(child)
    response = _record(client, child, kind="review_decision", date=date(2026, 10, 1))
    assert response.context["form"].errors["outcome"] == [
        "Say what the local authority decided: keep the plan as it is, amend it or stop it."
    ]
    _record(client, child, kind="review_decision", date=date(2026, 10, 1), outcome="maintain")
    clocks = _kinds(child)
    assert ClockKind.AMENDED_PLAN_AFTER_MEETING not in clocks
    assert clocks[ClockKind.REVIEW_DECISION].status is ClockStatus.MET
    assert (
        clocks[ClockKind.TRIBUNAL_APPEAL].clock.name
        == "Last day to appeal the decision after the review not to amend the plan"
    )
    assert clocks[ClockKind.TRIBUNAL_APPEAL].clock.limit == date(2026, 12, 1)


def test_a_refusal_to_reassess_shows_its_appeal_deadline(client, senco, child):
    """s51 CFA 2014: a refusal to re-assess can be appealed; rule 20: letter Monday 2 November 2026 + 2 months is
    Saturday 2 January 2027, not moved off the weekend."""
    make_plan(child, senco, kind="ehc_plan", start=date(2025, 9, 1))
    client.force_login(make_parent(child))
    _record(client, child, kind="decided_not_to_reassess", date=date(2026, 11, 2))
    appeal = _kinds(child)[ClockKind.TRIBUNAL_APPEAL]
    assert appeal.clock.name == "Last day to appeal the decision not to re-assess your child's needs"
    assert (appeal.clock.limit, appeal.status) == (date(2027, 1, 2), ClockStatus.RUNNING)


def test_a_draft_plan_and_a_phase_transfer_start_their_clocks(client, senco, child):
    make_plan(child, senco, kind="ehc_plan", start=date(2025, 9, 1))
    client.force_login(senco)
    _record(client, child, kind="draft_plan_served", date=date(2026, 11, 25))
    response = _record(client, child, kind="phase_transfer", date=date(2027, 9, 1))
    assert response.context["form"].errors["transfer"] == ["Say which kind of move this is."]
    _record(client, child, kind="phase_transfer", date=date(2027, 9, 1), transfer="most")
    clocks = _kinds(child)
    # Served Wednesday 25 November 2026: the 15th day, counting it, is Wednesday 9 December 2026 (reg 13(1)).
    assert clocks[ClockKind.DRAFT_PLAN_COMMENTS].clock.limit == date(2026, 12, 9)
    assert clocks[ClockKind.PHASE_TRANSFER].clock.limit == date(2027, 2, 15)  # reg 18
    page = client.get(reverse("child-detail", kwargs={"child_id": child.pk})).content.decode()
    assert "Comment on the draft plan and ask for a school: Wednesday 9 December 2026" in page
