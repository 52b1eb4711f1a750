"""In Chromium: a SENCO writes a plan, a TA logs a week with one miss, and the child page adds it up."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from provision_ledger.people.models import School
from tests.browser.conftest import axe_violations
from tests.factories import make_child, make_school, make_senco, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _last_full_school_week(school: School, today: date) -> date:
    """The Monday of the latest Monday-to-Friday week before today with five school days."""
    calendar = school.calendar()
    monday = today - timedelta(days=today.weekday() + 7)
    while calendar.count_school_days(monday, monday + timedelta(days=4)) != 5:
        monday -= timedelta(days=7)
    return monday


@pytest.fixture
def school():
    today = timezone.localdate()
    return make_school(terms=[("Test term", today - timedelta(days=70), today + timedelta(days=30), None, None)])


def test_senco_plan_and_ta_week_give_the_right_percentages_and_owed_minutes(page: Page, live_server, sign_in, school):
    senco = make_senco(school, email="senco@school.test")
    child = make_child(school, first_name="Oliver", last_name="Bennett")
    make_staff(school, child, email="ta@school.test")
    monday = _last_full_school_week(school, timezone.localdate())
    friday = monday + timedelta(days=4)

    # The SENCO writes the plan and its two lines.
    sign_in(senco.email)
    page.get_by_role("link", name="Oliver Bennett").click()
    page.get_by_role("link", name="Start a plan").click()
    page.get_by_label("SEN Support plan").check()
    page.get_by_label("Start date").fill(monday.isoformat())
    page.get_by_label("Review due by").fill((monday + timedelta(days=90)).isoformat())
    page.get_by_label("In force").check()
    page.get_by_role("button", name="Save plan").click()

    def add_line(description: str, sessions: int, category: str) -> None:
        page.get_by_label("What is provided").fill(description)
        page.get_by_label("Category").select_option(label=category)
        page.get_by_label("Who delivers it").select_option(label="Teaching assistant")
        page.get_by_label("How many sessions").fill(str(sessions))
        page.get_by_label("Per", exact=True).select_option(label="a week")
        page.get_by_label("Minutes each session").fill("30")
        page.get_by_label("Start date").fill(monday.isoformat())
        page.get_by_label("End date (optional)").fill(friday.isoformat())

    expect(page.get_by_role("heading", name="Add a provision line")).to_be_visible()
    assert axe_violations(page) == []
    add_line("Motor Skills programme", 2, "Sensory and/or physical")
    page.get_by_role("button", name="Save and add another").click()
    add_line("Narrative Therapy", 1, "Communication and interaction")
    page.get_by_role("button", name="Save line").click()
    expect(page.get_by_role("heading", name="Oliver Bennett")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    # The TA logs the week: Motor Skills delivered once and missed once; Narrative delivered.
    sign_in("ta@school.test")
    page.goto(f"{live_server.url}/today/?date={monday.isoformat()}")
    assert axe_violations(page) == []
    motor = page.get_by_test_id(f"due-{child.plans.get().lines.get(versions__description='Motor Skills programme').pk}")
    expect(motor).to_contain_text("2 still due this week")
    motor.get_by_role("button", name="Delivered").click()
    # Each click is awaited by what it changes, so no request is still in flight when the page moves on.
    expect(page.get_by_text("Oliver Bennett: Motor Skills programme – delivered.")).to_be_visible()
    narrative = page.locator(".pl-register-row", has_text="Narrative Therapy")
    narrative.get_by_role("button", name="Delivered").click()
    expect(page.get_by_text("Oliver Bennett: Narrative Therapy – delivered.")).to_be_visible()
    page.goto(f"{live_server.url}/today/?date={(monday + timedelta(days=1)).isoformat()}")
    motor = page.locator(".pl-register-row", has_text="Motor Skills programme")
    expect(motor).to_contain_text("1 still due this week")
    motor.get_by_text("Not delivered or cut short").click()
    motor.get_by_role("button", name="Staff redeployed to other duties").click()
    expect(
        page.get_by_text("Oliver Bennett: Motor Skills programme – not delivered (staff redeployed to other duties).")
    ).to_be_visible()
    expect(page.get_by_text("1 session recorded")).to_have_count(1)

    # The child page adds it up: Motor Skills 1 of 2 (50%), 30 minutes owed; Narrative 1 of 1 (100%).
    page.goto(f"{live_server.url}/children/{child.pk}/")
    motor_line = child.plans.get().lines.get(versions__description="Motor Skills programme")
    narrative_line = child.plans.get().lines.get(versions__description="Narrative Therapy")
    motor_row = page.get_by_test_id(f"line-{motor_line.pk}-plan")
    expect(motor_row).to_contain_text("1 of 2 sessions delivered")
    expect(motor_row).to_contain_text("50% of the promised time (30 minutes of 1 hour)")
    expect(motor_row).to_contain_text("1 not delivered")
    expect(motor_row.locator("td").nth(1)).to_have_text("30 minutes")
    expect(motor_row).to_contain_text("In breach")
    narrative_row = page.get_by_test_id(f"line-{narrative_line.pk}-plan")
    expect(narrative_row).to_contain_text("1 of 1 session delivered")
    expect(narrative_row).to_contain_text("100% of the promised time")
    expect(narrative_row.locator("td").nth(1)).to_have_text("none")
    expect(narrative_row).to_contain_text("On track")
    tuesday = monday + timedelta(days=1)
    page.get_by_text("1 session missed or cut short since the plan started").click()
    expect(
        page.get_by_text(
            f"{tuesday:%A} {tuesday.day} {tuesday:%B}: not delivered, 30 minutes missed – "
            "Staff redeployed to other duties"
        )
    ).to_be_visible()
    assert axe_violations(page) == []
