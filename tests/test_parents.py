"""Parents: invitations that work once, concerns as threads nobody can edit, and the whole record to take away."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta

import pypdf
import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from provision_ledger.audit.models import AuditEvent
from provision_ledger.delivery.actions import void_session
from provision_ledger.parents.models import CalendarFeed, Concern, ConcernMessage, Invitation
from provision_ledger.people.models import Guardianship, User
from tests.factories import (
    make_child,
    make_line,
    make_parent,
    make_plan,
    make_session,
    make_staff,
)

pytestmark = pytest.mark.django_db


def _invite(client, senco, child, email="dad@example.test") -> str:
    client.force_login(senco)
    client.post(reverse("parent-invite", kwargs={"child_id": child.pk}), {"email": email, "relationship": "Father"})
    client.logout()
    [message] = mail.outbox
    return message.body.split("/invitations/")[1].split("/")[0]


def _accept(client, token, password="a-long-Passphrase-9"):
    return client.post(
        reverse("invitation-accept", kwargs={"token": token}),
        {"first_name": "Daniel", "last_name": "Bennett", "password": password, "password_again": password},
    )


def test_invited_parent_sets_a_password_and_sees_only_that_child(client, senco, child, school):
    other = make_child(school, first_name="Ava")
    token = _invite(client, senco, child)
    response = _accept(client, token)
    parent = User.objects.get(email="dad@example.test")
    assert response["Location"] == reverse("child-detail", kwargs={"child_id": child.pk})
    assert list(Guardianship.objects.filter(user=parent).values_list("child_id", "relationship")) == [
        (child.pk, "Father")
    ]
    assert client.get(reverse("child-detail", kwargs={"child_id": other.pk})).status_code == 404
    assert Invitation.objects.get().accepted_by == parent


def test_used_invitation_link_says_so_and_grants_nothing(client, senco, child):
    token = _invite(client, senco, child)
    _accept(client, token)
    client.logout()
    response = client.get(reverse("invitation-accept", kwargs={"token": token}))
    assert response.status_code == 410
    assert response.context["reason"] == "This invitation has already been used. Sign in with your email and password."
    assert _accept(client, token).status_code == 410
    assert Guardianship.objects.count() == 1


def test_expired_invitation_link_says_so_and_grants_nothing(client, senco, child):
    token = _invite(client, senco, child)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    response = _accept(client, token)
    assert (response.status_code, response.context["reason"]) == (
        410,
        "This invitation has expired. Ask the school to send a new one.",
    )
    assert not User.objects.filter(email="dad@example.test").exists()


def test_unknown_invitation_token_grants_nothing(client):
    response = client.get(reverse("invitation-accept", kwargs={"token": "not-a-real-token"}))
    assert response.status_code == 410


def test_invitation_stores_only_a_hash_of_the_token(client, senco, child):
    token = _invite(client, senco, child)
    assert token not in Invitation.objects.get().token_hash
    assert len(token) >= 40


def test_invitation_with_a_weak_password_saves_nothing(client, senco, child):
    token = _invite(client, senco, child)
    response = _accept(client, token, password="12345678")
    assert "This password is too common." in response.context["form"].errors["__all__"]
    assert not User.objects.filter(email="dad@example.test").exists()
    assert Invitation.objects.get().accepted_at is None


def test_parent_raises_a_concern_about_a_session_and_the_school_answers(client, senco, child):
    line = make_line(make_plan(child, senco), senco)
    session = make_session(line, senco, date(2025, 9, 10))
    parent = make_parent(child)
    client.force_login(parent)
    response = client.post(
        reverse("concerns", kwargs={"child_id": child.pk}) + f"?session={session.pk}",
        {
            "session": session.pk,
            "line": "",
            "subject": "Group today",
            "body": "He says he didn't go to the group today.",
        },
    )
    concern = Concern.objects.get()
    assert response["Location"] == reverse("concern-detail", kwargs={"concern_id": concern.pk})
    assert (concern.session, concern.line, concern.status) == (session, line, "awaiting_school")

    client.force_login(senco)
    overview = client.get(reverse("school-overview", kwargs={"urn": child.school.urn}))
    assert [c.subject for c in overview.context["open_concerns"]] == ["Group today"]
    client.post(reverse("concern-detail", kwargs={"concern_id": concern.pk}), {"body": "He went; he was late."})

    client.force_login(parent)
    page = client.get(reverse("concern-detail", kwargs={"concern_id": concern.pk}))
    assert [(m.from_school, m.body) for m in page.context["thread"]] == [
        (False, "He says he didn't go to the group today."),
        (True, "He went; he was late."),
    ]
    concern.refresh_from_db()
    assert concern.status == "answered"
    assert AuditEvent.objects.filter(object_type="concern").count() == 2


def test_staff_cannot_raise_a_concern_for_a_family(client, senco, child):
    staff = make_staff(child.school, child)
    client.force_login(staff)
    response = client.post(reverse("concerns", kwargs={"child_id": child.pk}), {"subject": "x", "body": "y"})
    assert response.status_code == 403
    assert Concern.objects.count() == 0


def test_an_empty_message_is_refused_and_nothing_is_added(client, senco, child):
    parent = make_parent(child)
    client.force_login(parent)
    client.post(reverse("concerns", kwargs={"child_id": child.pk}), {"line": "", "subject": "Help", "body": "Hi"})
    concern = Concern.objects.get()
    response = client.post(reverse("concern-detail", kwargs={"concern_id": concern.pk}), {"body": "   "})
    assert response.context["form"].errors == {"body": ["This field is required."]}
    assert ConcernMessage.objects.count() == 1


def test_csv_lists_every_session_void_ones_included(client, senco, child):
    line = make_line(make_plan(child, senco), senco)
    kept = make_session(line, senco, date(2025, 9, 10))
    voided = make_session(line, senco, date(2025, 9, 11), "not_delivered", reason="staff_absent")
    void_session(voided, by=senco, reason="Was delivered after all")
    client.force_login(make_parent(child))
    response = client.get(reverse("record-csv", kwargs={"child_id": child.pk}))
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(int(r["session_id"]), r["status"], r["void"], r["void_reason"]) for r in rows] == [
        (kept.pk, "delivered", "False", ""),
        (voided.pk, "not_delivered", "True", "Was delivered after all"),
    ]
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="oliver-bennett-record-{timezone.localdate():%Y-%m-%d}.csv"'
    )


def test_json_record_holds_plan_lines_sessions_concerns_and_history(client, senco, child):
    line = make_line(make_plan(child, senco), senco)
    make_session(line, senco, date(2025, 9, 10))
    parent = make_parent(child)
    client.force_login(parent)
    client.post(reverse("concerns", kwargs={"child_id": child.pk}), {"line": line.pk, "subject": "Motor", "body": "?"})
    record = json.loads(client.get(reverse("record-json", kwargs={"child_id": child.pk})).content)
    assert sorted(record) == [
        "child",
        "concerns",
        "generated_at",
        "generated_for",
        "history",
        "ledger_seal",
        "outcomes",
        "plans",
        "record_reference",
        "reviews",
        "sessions",
    ]
    assert record["plans"][0]["lines"][0]["versions"][0]["promise"] == (
        "2 sessions of 30 minutes a week, one-to-one, with a teaching assistant"
    )
    assert [s["date"] for s in record["sessions"]] == ["2025-09-10"]
    assert record["concerns"][0]["messages"][0]["body"] == "?"
    assert [h["what"] for h in record["history"]] == ["plan", "provisionline", "session", "concern"]


def test_pdf_statement_carries_the_same_numbers_as_the_page(client, senco, child, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: date(2025, 10, 17))
    line = make_line(make_plan(child, senco, start=date(2025, 9, 1)), senco)
    make_session(line, senco, date(2025, 9, 10))
    client.force_login(make_parent(child))
    response = client.get(reverse("record-pdf", kwargs={"child_id": child.pk}))
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(response.content)).pages)
    assert response["Content-Type"] == "application/pdf"
    words = " ".join(text.split())
    assert "1 of 14 sessions delivered 7% of the promised time (30 minutes of 6 hours 48 minutes)" in words
    assert "13 not recorded" in words
    assert "It is not legal advice." in " ".join(text.split())


def _feed_link(client, parent) -> str:
    client.force_login(parent)
    response = client.post(reverse("calendar-settings"), {"action": "create"})
    return response.context["new_link"].replace("http://testserver", "")


def test_calendar_feed_lists_timetabled_sessions_and_the_review_date(client, senco, child, school, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: date(2025, 10, 13))
    plan = make_plan(child, senco, start=date(2025, 9, 1))
    make_line(plan, senco, description="Sensory circuit", weekdays=[0])  # Mondays
    other = make_child(school, first_name="Ava")
    make_line(make_plan(other, senco, start=date(2025, 9, 1)), senco, description="Ava's group", weekdays=[0])
    parent = make_parent(child)
    link = _feed_link(client, parent)
    client.logout()
    body = client.get(link).content.decode()
    summaries = sorted(line.split(":", 1)[1] for line in body.splitlines() if line.startswith("SUMMARY:"))
    # Mondays from 13 October to 8 December, less the half-term break (27 to 31 October):
    # 13 and 20 October, 3, 10, 17 and 24 November, 1 and 8 December.
    assert summaries.count("Oliver: Sensory circuit") == 8
    assert "Oliver: plan review due" in summaries
    assert not any("Ava" in s for s in summaries)


def test_revoked_calendar_link_stops_working(client, senco, child):
    make_plan(child, senco)
    parent = make_parent(child)
    link = _feed_link(client, parent)
    client.post(reverse("calendar-settings"), {"action": "revoke"})
    client.logout()
    assert client.get(link).status_code == 404


def test_calendar_token_is_stored_only_as_a_hash(client, senco, child):
    parent = make_parent(child)
    token = _feed_link(client, parent).rsplit("/", 1)[1].removesuffix(".ics")
    assert len(token) >= 40
    assert CalendarFeed.objects.get().token_hash != token
    assert client.get(reverse("calendar-feed", kwargs={"token": token + "x"})).status_code == 404


def test_parent_can_ask_about_a_particular_session_from_the_lines_page(client, senco, child):
    line = make_line(make_plan(child, senco), senco)
    session = make_session(line, senco, date(2025, 9, 10))
    client.force_login(make_parent(child))
    html = client.get(reverse("line-detail", kwargs={"line_id": line.pk})).content.decode()
    link = f"{reverse('concerns', kwargs={'child_id': child.pk})}?session={session.pk}#raise"
    assert link in html
    page = client.get(link.removesuffix("#raise"))
    assert page.context["session"] == session


def test_calendar_feed_carries_statutory_deadlines(client, senco, child, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: date(2025, 10, 13))
    make_plan(child, senco, kind="ehc_plan", start=date(2025, 9, 1))
    parent = make_parent(child)
    link = _feed_link(client, parent)
    client.logout()
    body = client.get(link).content.decode()
    assert "SUMMARY:Oliver: Annual review of the EHC plan due" in body
    assert "DTSTART;VALUE=DATE:20260831" in body  # 12 months starting with 1 September 2025 (s44(1))


@pytest.mark.parametrize("typed", ["abc", "-1", "1e3", "٣", "9" * 40, ""])
def test_a_session_in_the_concerns_address_that_is_not_a_number_is_ignored(client, senco, child, typed):
    make_plan(child, senco)
    client.force_login(make_parent(child))
    response = client.get(reverse("concerns", kwargs={"child_id": child.pk}), {"session": typed})
    assert response.status_code == 200
    assert response.context["session"] is None
