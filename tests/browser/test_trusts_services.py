"""In Chromium: an NHS speech and language therapist logs a morning at two schools, in two authorities, from one
register; the SEND lead of the trust that runs both schools then sees both schools' delivery, those sessions in it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from provision_ledger.delivery.models import Session
from provision_ledger.services.models import Commission
from tests.browser.conftest import axe_violations
from tests.factories import (
    make_child,
    make_commission,
    make_la,
    make_line,
    make_plan,
    make_practitioner,
    make_school,
    make_senco,
    make_service,
    make_trust,
    make_trust_lead,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SALT = {"description": "Speech and language therapy", "category": "communication", "delivered_by": "salt"}


def _last_weekday_of_last_month():
    """A school morning the authority's figures already count: they run to the end of the last whole month."""
    day = timezone.localdate().replace(day=1) - timedelta(days=1)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def test_a_therapist_logs_a_morning_at_two_schools_and_the_trust_lead_sees_it(page: Page, live_server, sign_in):
    morning = _last_weekday_of_last_month()
    term = [("Autumn", morning - timedelta(days=40), timezone.localdate() + timedelta(days=30), None, None)]
    north, south = make_la("Northshire County Council"), make_la("Southshire Council")
    oakfield = make_school(north, name="Oakfield Academy", terms=term)
    brookside = make_school(south, name="Brookside Academy", terms=term)
    service = make_service()
    lines, children = [], []
    for school, name in ((oakfield, "Ava"), (brookside, "Noah")):
        senco = make_senco(school)
        child = make_child(school, first_name=name, last_name="Patel")
        plan = make_plan(child, senco, start=morning - timedelta(days=35))
        lines.append(make_line(plan, senco, sessions=1, start_date=plan.start_date, **SALT))
        # The teaching assistant's line is the school's, not the service's: the therapist never sees it.
        make_line(plan, senco, start_date=plan.start_date, description="Motor Skills programme")
        make_commission(service, school, delivered_by="salt", category="", commissioner=Commission.Commissioner.HEALTH)
        children.append(child)
    make_practitioner(service, *children, email="therapist@nhs.test", first_name="Grace", last_name="Adeyemi")
    trust = make_trust(oakfield, brookside, name="Riverside Learning Trust")
    make_trust_lead(trust, email="lead@trust.test")

    sign_in("therapist@nhs.test")
    page.goto(f"{live_server.url}/today/?date={morning.isoformat()}")
    for line in lines:
        expect(page.get_by_test_id(f"due-{line.pk}")).to_be_visible()
    expect(page.get_by_test_id(f"due-{lines[0].pk}")).to_contain_text("Oakfield Academy")
    expect(page.get_by_test_id(f"due-{lines[1].pk}")).to_contain_text("Brookside Academy")
    expect(page.get_by_text("Motor Skills programme")).to_have_count(0)
    assert axe_violations(page) == []
    page.get_by_role("button", name="All 2 delivered as planned").click()
    expect(page.get_by_text("2 sessions recorded")).to_be_visible()
    recorded = Session.objects.filter(recorded_by__email="therapist@nhs.test", date=morning)
    assert sorted(s.child.school.name for s in recorded) == ["Brookside Academy", "Oakfield Academy"]
    assert sorted(s.local_authority_id for s in recorded) == sorted([north.pk, south.pk])

    page.context.clear_cookies()
    sign_in("lead@trust.test")
    expect(page.get_by_role("heading", name="Delivery across Riverside Learning Trust’s schools")).to_be_visible()
    schools = page.get_by_test_id("schools")
    expect(schools).to_contain_text("Oakfield Academy")
    expect(schools).to_contain_text("Northshire County Council")
    expect(schools).to_contain_text("Brookside Academy")
    expect(schools).to_contain_text("Southshire Council")
    # The morning's two sessions of 30 minutes are the trust's delivered hour.
    expect(page.get_by_text("(1 hour of")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Brookside Academy").click()
    expect(page.get_by_role("heading", name="Brookside Academy")).to_be_visible()
    page.get_by_role("link", name="Services delivering provision here").click()
    lines_delivered = page.get_by_test_id("service-lines")
    expect(lines_delivered).to_contain_text("Noah Patel")
    expect(lines_delivered).to_contain_text("Speech and language therapy")
    expect(lines_delivered).not_to_contain_text("Motor Skills programme")
    assert axe_violations(page) == []
