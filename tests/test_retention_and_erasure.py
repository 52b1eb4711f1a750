"""Records kept to the retention date and listed when it comes; a parent's account closed without losing the record."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from axes.models import AccessAttempt
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from provision_ledger.accounts.actions import close_parent_account
from provision_ledger.audit.chain import verify
from provision_ledger.audit.models import AuditEvent
from provision_ledger.parents.actions import add_message, invite_parent, raise_concern
from provision_ledger.parents.models import Alert, AlertPreference, CalendarFeed, Concern, Invitation
from provision_ledger.people.models import User
from tests.factories import make_child, make_line, make_parent, make_plan, make_session

pytestmark = pytest.mark.django_db


def _retention(*args: str) -> str:
    out = io.StringIO()
    call_command("retention", *args, stdout=out)
    return out.getvalue()


def test_the_retention_command_lists_records_on_their_thirty_first_birthday_and_not_before(school):
    make_child(school, first_name="Due", date_of_birth=date(1994, 5, 10))
    make_child(school, first_name="Tomorrow", date_of_birth=date(1994, 5, 11))
    make_child(school, first_name="Young")

    rows = _retention("--date", "2025-05-10", "--format", "csv").splitlines()

    assert rows[0] == "child_id,child,date_of_birth,retention_ended,school_urn,school,sessions,last"
    assert [r.split(",")[1] for r in rows[1:]] == ["Due Bennett"]
    assert rows[1].split(",")[2:4] == ["1994-05-10", "2025-05-10"]


def test_the_retention_period_is_a_setting(school, settings):
    settings.RETENTION_YEARS_AFTER_BIRTH = 25
    make_child(school, first_name="Due", date_of_birth=date(2000, 5, 10))

    text = _retention("--date", "2025-05-10")

    assert text.splitlines()[0] == (
        "Records due for review on 10 May 2025: 1. Rule: date of birth + 25 years (RETENTION_YEARS_AFTER_BIRTH)."
    )
    assert "Nothing has been deleted." in text


def test_the_retention_command_refuses_a_date_it_cannot_read():
    with pytest.raises(CommandError, match=re.escape("Not a date: '10/05/2025'. Use YYYY-MM-DD.")):
        _retention("--date", "10/05/2025")


@pytest.fixture
def parent_with_a_record(school, senco, child):
    line = make_line(make_plan(child, senco), senco)
    session = make_session(line, senco, date(2025, 9, 10))
    parent = make_parent(child, email="jo.parent@example.test", first_name="Jo", last_name="Bennett")
    concern = raise_concern(child=child, by=parent, subject="Group", body="Did he go?", session=session)
    add_message(concern=concern, by=parent, from_school=False, body="He says not.")
    AlertPreference.objects.create(user=parent)
    Alert.objects.create(user=parent, child=child, kind="missed", key="k1", message="A session was missed")
    CalendarFeed.objects.create(user=parent, token_hash="a" * 64)
    invite_parent(child=child, email="jo.parent@example.test", relationship="Mother", by=senco, base_url="http://x")
    AccessAttempt.objects.create(
        username="jo.parent@example.test", ip_address="127.0.0.1", failures_since_start=1, attempt_time=timezone.now()
    )
    return parent, concern


def test_a_parent_closes_their_account_and_their_personal_data_goes(client, parent_with_a_record):
    parent, _ = parent_with_a_record
    client.force_login(parent)

    response = client.post(reverse("account-close"), {"password": "pw", "reason": ""})

    assert (response.status_code, response.url) == (302, reverse("login"))
    parent.refresh_from_db()
    assert (parent.first_name, parent.last_name, parent.email, parent.is_active) == (
        "Former",
        "parent or carer",
        f"closed-account-{parent.pk}@closed.invalid",
        False,
    )
    assert not parent.has_usable_password()
    assert not AlertPreference.objects.filter(user=parent).exists()
    assert not Alert.objects.filter(user=parent).exists()
    assert CalendarFeed.objects.get(user=parent).revoked_at is not None
    assert not Invitation.objects.filter(email__iexact="jo.parent@example.test").exists()
    assert not AccessAttempt.objects.filter(username="jo.parent@example.test").exists()
    assert not User.objects.filter(email__iexact="jo.parent@example.test").exists()


def test_closing_an_account_keeps_the_childs_record_and_its_history_intact(client, child, parent_with_a_record):
    parent, concern = parent_with_a_record
    events_before = AuditEvent.objects.filter(child=child).count()

    close_parent_account(user=parent, by=parent, reason="Moving abroad")

    concern = Concern.objects.get(pk=concern.pk)
    assert (concern.subject, concern.raised_by_id, concern.messages.count()) == ("Group", parent.pk, 2)
    assert str(concern.raised_by) == "Former parent or carer"
    assert child.sessions.count() == 1
    assert AuditEvent.objects.filter(child=child).count() == events_before + 1
    assert AuditEvent.objects.filter(child=child).latest("seq").reason == "Moving abroad"
    assert verify() == []


def test_a_closed_account_cannot_sign_in(client, parent_with_a_record):
    parent, _ = parent_with_a_record
    close_parent_account(user=parent, by=parent, reason="Moving abroad")
    client.logout()

    response = client.post(reverse("login"), {"username": "jo.parent@example.test", "password": "pw"})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_a_wrong_password_closes_nothing(client, parent_with_a_record):
    parent, _ = parent_with_a_record
    client.force_login(parent)

    response = client.post(reverse("account-close"), {"password": "wrong", "reason": ""})

    assert response.context["form"].errors == {"password": ["That password is not right."]}
    parent.refresh_from_db()
    assert (parent.email, parent.is_active) == ("jo.parent@example.test", True)


def test_a_member_of_staff_cannot_close_their_account_as_a_parent_would(client, senco):
    client.force_login(senco)

    response = client.post(reverse("account-close"), {"password": "pw", "reason": ""})

    assert (response.status_code, response.url) == (302, reverse("home"))
    senco.refresh_from_db()
    assert senco.is_active


def test_an_administrator_closes_an_account_from_the_command_line(parent_with_a_record):
    parent, _ = parent_with_a_record
    admin = User.objects.create_superuser("admin@example.test", "pw")
    out = io.StringIO()

    call_command(
        "close-account", "Jo.Parent@example.test", "--reason", "Asked by email", "--by", admin.email, stdout=out
    )

    parent.refresh_from_db()
    assert parent.email == f"closed-account-{parent.pk}@closed.invalid"
    assert out.getvalue() == f"Closed account {parent.pk}: personal data removed, the children's records kept.\n"


def test_the_command_refuses_an_actor_who_is_not_an_administrator(parent_with_a_record, senco):
    with pytest.raises(CommandError, match=re.escape(f"{senco.email} is not a site administrator.")):
        call_command("close-account", "jo.parent@example.test", "--reason", "x", "--by", senco.email)


def test_closing_an_account_twice_is_refused(parent_with_a_record):
    parent, _ = parent_with_a_record
    close_parent_account(user=parent, by=parent, reason="Moving abroad")
    with pytest.raises(ValidationError, match=re.escape("This account is already closed.")):
        close_parent_account(user=parent, by=parent, reason="Again")


def test_a_future_date_of_birth_is_not_due(school):
    make_child(school, first_name="Baby", date_of_birth=timezone.localdate() + timedelta(days=1))
    assert _retention("--format", "csv").splitlines()[1:] == []
