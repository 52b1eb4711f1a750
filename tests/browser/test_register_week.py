"""In Chromium: a TA catches up on Monday after recording Wednesday, and a register sent twice records once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from provision_ledger.delivery.models import Session
from tests.browser.test_plan_to_statement import _last_full_school_week, school  # noqa: F401  (the fixture)
from tests.factories import make_child, make_line, make_plan, make_senco, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_catching_up_monday_after_wednesday_offers_nothing_twice_and_a_resent_register_writes_once(
    page: Page,
    live_server,
    sign_in,
    school,  # noqa: F811
):
    senco = make_senco(school)
    child = make_child(school, first_name="Oliver", last_name="Bennett")
    make_staff(school, child, email="ta@school.test")
    monday = _last_full_school_week(school, timezone.localdate())
    wednesday = monday + timedelta(days=2)
    line = make_line(make_plan(child, senco, start=monday), senco, sessions=1, start_date=monday)

    sign_in("ta@school.test")
    page.goto(f"{live_server.url}/today/?date={wednesday.isoformat()}")
    row = page.get_by_test_id(f"due-{line.pk}")
    expect(row).to_contain_text("1 still due this week")
    # The row's form as the page rendered it, to send again as a re-sent form or the back button would.
    form = row.locator("form").first
    sent = {
        name: form.locator(f"input[name={name}]").first.get_attribute("value")
        for name in ("csrfmiddlewaretoken", "form_key", "date", "line")
    }
    row.get_by_role("button", name="Delivered").click()
    expect(page.get_by_text("1 session recorded")).to_be_visible()

    again = page.request.post(f"{live_server.url}/today/record/", form={**sent, "status": "delivered"})
    assert again.ok
    assert "That form had already been sent, so nothing was saved a second time." in again.text()
    assert Session.objects.filter(line=line).count() == 1

    page.goto(f"{live_server.url}/today/?date={monday.isoformat()}")
    expect(page.get_by_role("heading", name=monday.strftime("%A %-d %B"))).to_be_visible()
    expect(page.get_by_test_id(f"due-{line.pk}")).to_have_count(0)
    assert Session.objects.filter(line=line).count() == 1
