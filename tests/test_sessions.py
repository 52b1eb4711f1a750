"""Recording, voiding and correcting sessions: refusals say what and where, and nothing is ever deleted."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.urls import reverse

from provision_ledger.audit.actions import snapshot
from provision_ledger.audit.chain import normalised, verify
from provision_ledger.audit.models import AuditEvent
from provision_ledger.audit.sealing import key_of, row_hash
from provision_ledger.delivery.actions import (
    SessionEntry,
    correct_session,
    record_group_session,
    record_session,
    record_sessions,
    void_session,
)
from provision_ledger.delivery.models import Session
from provision_ledger.rules.compliance import MissReason, SessionStatus
from tests.factories import make_child, make_line, make_plan, make_school, make_senco, make_staff

pytestmark = pytest.mark.django_db
TODAY = date(2026, 6, 15)


@pytest.fixture
def line():
    school = make_school()
    senco = make_senco(school)
    plan = make_plan(make_child(school), senco, start=date(2025, 10, 1))
    return make_line(plan, senco, end_date=date(2026, 7, 22))


def _errors(excinfo) -> dict[str, list[str]]:
    return excinfo.value.message_dict


def test_delivered_session_takes_the_lines_minutes(line):
    session = record_session(
        SessionEntry(line, date(2025, 10, 6), SessionStatus.DELIVERED), by=line.created_by, today=TODAY
    )
    assert (session.status, session.planned_minutes, session.delivered_minutes, session.reason) == (
        "delivered",
        30,
        30,
        "",
    )
    assert session.local_authority_id == line.plan.child.local_authority_id


def test_session_before_the_line_starts_is_refused(line):
    with pytest.raises(ValidationError) as excinfo:
        record_session(SessionEntry(line, date(2025, 9, 30), SessionStatus.DELIVERED), by=line.created_by, today=TODAY)
    assert _errors(excinfo) == {"date": ["30 September 2025 is outside the dates of this provision line."]}


def test_session_after_the_line_ends_is_refused(line):
    with pytest.raises(ValidationError) as excinfo:
        record_session(
            SessionEntry(line, date(2026, 7, 23), SessionStatus.DELIVERED),
            by=line.created_by,
            today=date(2026, 8, 1),
        )
    assert _errors(excinfo) == {"date": ["23 July 2026 is outside the dates of this provision line."]}


def test_session_in_the_future_is_refused(line):
    with pytest.raises(ValidationError) as excinfo:
        record_session(SessionEntry(line, date(2026, 6, 16), SessionStatus.DELIVERED), by=line.created_by, today=TODAY)
    assert _errors(excinfo) == {"date": ["A session cannot be recorded for a day that has not happened yet."]}


def test_negative_minutes_are_refused(line):
    with pytest.raises(ValidationError) as excinfo:
        record_session(
            SessionEntry(line, date(2025, 10, 6), SessionStatus.PART_DELIVERED, -5, MissReason.STAFF_ABSENT),
            by=line.created_by,
            today=TODAY,
        )
    assert _errors(excinfo)["delivered_minutes"] == ["Minutes cannot be negative."]


def test_more_minutes_than_a_school_day_are_refused(line):
    with pytest.raises(ValidationError) as excinfo:
        record_session(
            SessionEntry(line, date(2025, 10, 6), SessionStatus.DELIVERED, 400),
            by=line.created_by,
            today=TODAY,
        )
    assert _errors(excinfo) == {"delivered_minutes": ["That is longer than the school day (390 minutes)."]}


def test_missed_session_needs_a_reason(line):
    with pytest.raises(ValidationError) as excinfo:
        record_session(
            SessionEntry(line, date(2025, 10, 6), SessionStatus.NOT_DELIVERED),
            by=line.created_by,
            today=TODAY,
        )
    assert _errors(excinfo) == {"reason": ["Say why the session did not happen."]}


def test_unknown_reason_code_is_refused(line):
    with pytest.raises(ValidationError) as excinfo:
        record_session(
            SessionEntry(line, date(2025, 10, 6), SessionStatus.NOT_DELIVERED, reason="holiday"),
            by=line.created_by,
            today=TODAY,
        )
    assert list(_errors(excinfo)) == ["reason"]
    assert Session.objects.count() == 0


def test_part_delivered_session_keeps_planned_and_delivered_minutes(line):
    session = record_session(
        SessionEntry(line, date(2025, 10, 6), SessionStatus.PART_DELIVERED, 10, MissReason.STAFF_REDEPLOYED),
        by=line.created_by,
        today=TODAY,
    )
    assert (session.planned_minutes, session.delivered_minutes, session.missed_minutes) == (30, 10, 20)


def test_batch_with_one_bad_entry_writes_nothing_and_names_the_entry(line):
    entries = [
        SessionEntry(line, date(2025, 10, 6), SessionStatus.DELIVERED),
        SessionEntry(line, date(2025, 10, 7), SessionStatus.NOT_DELIVERED),
    ]
    with pytest.raises(ValidationError) as excinfo:
        record_sessions(entries, by=line.created_by, today=TODAY)
    assert _errors(excinfo) == {"1": ["Motor Skills programme on 7 October 2025: Say why the session did not happen."]}
    assert (Session.objects.count(), AuditEvent.objects.filter(object_type="session").count()) == (0, 0)


def test_void_keeps_the_entry_with_who_and_why(line):
    session = record_session(
        SessionEntry(line, date(2025, 10, 6), SessionStatus.DELIVERED), by=line.created_by, today=TODAY
    )
    void_session(session, by=line.created_by, reason="Logged against the wrong child")
    session.refresh_from_db()
    assert (session.is_void, session.void_reason, session.voided_by) == (
        True,
        "Logged against the wrong child",
        line.created_by,
    )
    assert Session.objects.count() == 1
    assert Session.objects.current().count() == 0


def test_void_without_a_reason_is_refused(line):
    session = record_session(
        SessionEntry(line, date(2025, 10, 6), SessionStatus.DELIVERED), by=line.created_by, today=TODAY
    )
    with pytest.raises(ValidationError) as excinfo:
        void_session(session, by=line.created_by, reason="  ")
    assert _errors(excinfo) == {"reason": ["Say why this entry is being voided."]}


def test_correction_voids_the_old_entry_and_links_the_new_one(line):
    old = record_session(
        SessionEntry(line, date(2025, 10, 6), SessionStatus.DELIVERED), by=line.created_by, today=TODAY
    )
    new = correct_session(
        old,
        SessionEntry(line, date(2025, 10, 6), SessionStatus.NOT_DELIVERED, reason=MissReason.CHILD_ABSENT),
        by=line.created_by,
        reason="He was off sick",
        today=TODAY,
    )
    old.refresh_from_db()
    assert (old.is_void, new.corrects, new.status, new.reason) == (True, old, "not_delivered", "child_absent")
    assert list(AuditEvent.objects.filter(object_type="session").order_by("id").values_list("action", flat=True)) == [
        "create",
        "void",
        "create",
    ]


def test_group_session_is_recorded_once_for_every_child(line):
    other_child = make_child(line.plan.child.school, first_name="Ava")
    other_line = make_line(make_plan(other_child, line.created_by, start=date(2025, 10, 1)), line.created_by)
    sessions = record_group_session(
        [line, other_line],
        day=date(2025, 10, 8),
        status=SessionStatus.DELIVERED,
        by=line.created_by,
        today=TODAY,
    )
    stored = Session.objects.filter(group_ref=sessions[0].group_ref).order_by("child__first_name")
    assert [s.child.first_name for s in stored] == ["Ava", "Oliver"]


def test_each_session_of_a_group_is_sealed_by_its_own_event_with_its_snapshot_and_group_reference(line):
    other_child = make_child(line.plan.child.school, first_name="Zoë")
    other_line = make_line(make_plan(other_child, line.created_by, start=date(2025, 10, 1)), line.created_by)
    sessions = record_group_session(
        [line, other_line],
        day=date(2025, 10, 8),
        status=SessionStatus.PART_DELIVERED,
        delivered_minutes=20,
        reason=MissReason.CHILD_ABSENT.value,
        note='Left early, "unwell" \\ back tomorrow',
        by=line.created_by,
        today=TODAY,
    )
    for session in sessions:
        stored = Session.objects.get(pk=session.pk)
        [event] = AuditEvent.objects.filter(object_type="session", object_id=session.pk)
        assert (event.action, event.actor, event.child, event.local_authority_id) == (
            "create",
            line.created_by,
            stored.child,
            stored.local_authority_id,
        )
        assert event.summary == f"Session recorded: {stored}"
        assert event.after == normalised(snapshot(stored))
        assert event.after["group_ref"] == str(sessions[0].group_ref)
        assert event.seals == {key_of(stored): row_hash(stored)}
        assert (event.before, event.reason, event.at) == (None, "", stored.recorded_at)
        assert model_to_dict(session) == model_to_dict(stored)
    assert verify() == []


def test_audit_records_values_after_a_session_is_created(line):
    session = record_session(
        SessionEntry(line, date(2025, 10, 6), SessionStatus.DELIVERED), by=line.created_by, today=TODAY
    )
    event = AuditEvent.objects.get(object_type="session", object_id=session.pk)
    assert (
        event.action,
        event.actor,
        event.child,
        event.after["delivered_minutes"],
        event.after["date"],
    ) == ("create", line.created_by, line.plan.child, 30, "2025-10-06")


def test_staff_correct_an_entry_through_the_form_and_the_old_one_is_kept(client, line):
    staff = make_staff(line.plan.child.school, line.plan.child)
    old = record_session(SessionEntry(line, date(2025, 10, 6), SessionStatus.DELIVERED), by=staff, today=TODAY)
    client.force_login(staff)
    client.post(
        reverse("session-correct", kwargs={"session_id": old.pk}),
        {
            "date": "2025-10-06",
            "status": "part_delivered",
            "delivered_minutes": "15",
            "reason": "staff_redeployed",
            "correction_reason": "Called away to cover after 15 minutes",
        },
    )
    assert list(Session.objects.order_by("id").values_list("status", "delivered_minutes", "void_reason")) == [
        ("delivered", 30, "Called away to cover after 15 minutes"),
        ("part_delivered", 15, ""),
    ]


def test_session_form_shows_a_refusal_by_field_and_saves_nothing(client, line):
    client.force_login(line.created_by)
    response = client.post(
        reverse("session-create", kwargs={"line_id": line.pk}), {"date": "2025-09-01", "status": "delivered"}
    )
    assert response.context["form"].errors == {
        "date": ["1 September 2025 is outside the dates of this provision line."]
    }
    assert Session.objects.count() == 0


def test_a_session_on_a_saturday_is_refused_on_the_page_until_the_school_was_open_is_ticked(client, line):
    client.force_login(line.created_by)
    url = reverse("session-create", kwargs={"line_id": line.pk})
    response = client.post(url, {"date": "2025-10-11", "status": "delivered"})
    assert response.context["form"].errors == {
        "school_was_open": [
            f"Saturday 11 October 2025 is not a school day at {line.plan.child.school.name}. If the school was open "
            "and the session took place, tick “The school was open that day”."
        ]
    }
    assert Session.objects.count() == 0
    response = client.post(url, {"date": "2025-10-11", "status": "delivered", "school_was_open": "on"})
    assert response.status_code == 302
    assert list(Session.objects.values_list("date", flat=True)) == [date(2025, 10, 11)]


def test_a_second_session_on_a_day_is_refused_on_the_page_until_another_that_day_is_ticked(client, line):
    record_session(SessionEntry(line, date(2025, 10, 6), SessionStatus.DELIVERED), by=line.created_by, today=TODAY)
    client.force_login(line.created_by)
    url = reverse("session-create", kwargs={"line_id": line.pk})
    response = client.post(url, {"date": "2025-10-06", "status": "delivered"})
    assert response.context["form"].errors == {
        "another_that_day": [
            f"A session is already recorded for {line} on 6 October 2025. To add a second one that day, tick "
            "“Record another session that day”."
        ]
    }
    assert Session.objects.count() == 1
    response = client.post(url, {"date": "2025-10-06", "status": "delivered", "another_that_day": "on"})
    assert response.status_code == 302
    assert Session.objects.count() == 2


def test_a_correction_that_would_contradict_its_line_is_refused_naming_the_field_and_voids_nothing(client, line):
    old = record_session(
        SessionEntry(line, date(2025, 10, 6), SessionStatus.DELIVERED), by=line.created_by, today=TODAY
    )
    client.force_login(line.created_by)
    response = client.post(
        reverse("session-correct", kwargs={"session_id": old.pk}),
        {
            "date": "2025-10-06",
            "status": "part_delivered",
            "delivered_minutes": "45",
            "reason": "staff_redeployed",
            "correction_reason": "Cut short",
        },
    )
    assert response.context["form"].errors == {"delivered_minutes": ["Part delivered means between 1 and 29 minutes."]}
    assert list(Session.objects.values_list("pk", "voided_at")) == [(old.pk, None)]
