"""Alerts: a missed session the school owes is told to the parent once, however often the job runs."""

from __future__ import annotations

from datetime import date
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.management import call_command

from provision_ledger.parents.alerts import run
from provision_ledger.parents.models import AlertChoice, AlertPreference
from tests.factories import make_child, make_line, make_parent, make_plan, make_school, make_senco, make_session

pytestmark = pytest.mark.django_db
FRIDAY = date(2025, 10, 17)
MONDAY = date(2025, 10, 20)


@pytest.fixture
def setting():
    school = make_school()
    senco = make_senco(school, email="senco@school.test")
    child = make_child(school)
    # Ten sessions a week: one missed session does not on its own put the line behind.
    line = make_line(
        make_plan(child, senco, start=date(2025, 9, 1)), senco, sessions=2, period="day", minutes_per_session=30
    )
    for day in school.calendar().school_days(date(2025, 9, 2), FRIDAY):
        make_session(line, senco, day)
        if day != FRIDAY:  # Friday's second session is the one each test records
            make_session(line, senco, day)
    parent = make_parent(child, email="dad@example.test", first_name="Daniel", last_name="Bennett")
    return SimpleNamespace(school=school, senco=senco, child=child, line=line, parent=parent)


def test_missed_owed_session_sends_exactly_one_email_even_if_the_job_runs_twice(setting):
    make_session(setting.line, setting.senco, FRIDAY, "not_delivered", reason="staff_redeployed")
    first, second = run(FRIDAY), run(FRIDAY)
    assert (first.found, first.emails, second.found, second.emails) == (1, 1, 0, 0)
    [email] = mail.outbox
    assert (email.to, email.subject) == (["dad@example.test"], "Provision Ledger: Oliver")
    assert (
        "Motor Skills programme for Oliver was not delivered on Friday 17 October: "
        "staff redeployed to other duties. 30 minutes missed, which the school still owes."
    ) in email.body
    assert "It does not give legal advice." in email.body


def test_a_miss_the_school_does_not_owe_sends_nothing(setting):
    make_session(setting.line, setting.senco, FRIDAY, "not_delivered", reason="child_absent")
    assert run(FRIDAY).emails == 0
    assert mail.outbox == []


def test_parent_who_turned_emails_off_hears_nothing(setting):
    AlertPreference.objects.create(user=setting.parent, frequency=AlertChoice.OFF)
    make_session(setting.line, setting.senco, FRIDAY, "not_delivered", reason="staff_absent")
    assert run(FRIDAY).found == 0
    assert mail.outbox == []


def test_weekly_parent_gets_one_digest_on_monday_and_not_before(setting):
    AlertPreference.objects.create(user=setting.parent, frequency=AlertChoice.WEEKLY)
    make_session(setting.line, setting.senco, FRIDAY, "not_delivered", reason="staff_absent")
    assert run(FRIDAY).emails == 0
    run(MONDAY)
    run(MONDAY)
    parent_emails = [m for m in mail.outbox if m.to == ["dad@example.test"]]
    assert [m.subject for m in parent_emails] == ["Provision Ledger: this week"]
    assert "was not delivered on Friday 17 October: staff absent" in parent_emails[0].body


def test_line_falling_behind_this_term_is_told_once(setting):
    slow = make_line(
        setting.line.plan, setting.senco, description="Speech and language therapy", sessions=1, period="week"
    )
    make_session(slow, setting.senco, date(2025, 9, 10))
    run(FRIDAY)
    run(FRIDAY)
    behind = [m.body for m in mail.outbox if "Speech and language therapy" in m.body]
    # Autumn 2025 to 17 October: 34 school days, 6.8 sessions expected, 1 delivered.
    assert len(behind) == 1
    assert (
        "Speech and language therapy for Oliver is in breach this term: 1 of 7 sessions delivered (15%)." in behind[0]
    )


def test_senco_gets_one_school_digest_a_week(setting):
    call_command("send-alerts", "--today", MONDAY.isoformat(), stdout=StringIO())
    call_command("send-alerts", "--today", MONDAY.isoformat(), stdout=StringIO())
    digests = [m for m in mail.outbox if m.to == ["senco@school.test"]]
    assert [m.subject for m in digests] == [f"Provision Ledger: {setting.school.name} this week"]
    assert "Concerns waiting for an answer: 0." in digests[0].body
