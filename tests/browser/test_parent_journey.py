"""In Chromium, on the demo: the Year 1 boy's father sees the gap, takes the PDF and raises a concern."""

from __future__ import annotations

import io
from datetime import timedelta

import pypdf
import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Page, expect

from provision_ledger.api.actions import issue_token
from provision_ledger.core.demo import load_demo
from provision_ledger.people.models import Child, User
from provision_ledger.rules.reporting import whole
from provision_ledger.statements import child_statement
from tests.browser.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_parent_sees_the_gap_takes_the_pdf_and_gets_an_answer_to_a_concern(page: Page, live_server, sign_in):
    load_demo(timezone.localdate())
    oliver = Child.objects.get(first_name="Oliver", last_name="Bennett")
    motor = oliver.plans.get().lines.get(versions__description="Motor Skills programme")
    # The demo is laid out back from today, so its school days, and the count promised, move with the date.
    report = next(r for r in child_statement(oliver, timezone.localdate()).reports if r.line == motor)
    since_plan = report.assessments["plan"]
    assert since_plan.delivered_sessions == 1
    promised = whole(since_plan.expected.sessions)
    shown = f"1 of {promised} sessions delivered {since_plan.percent}% of the promised time"

    sign_in("parent@demo.test", "demo")
    expect(page.get_by_role("heading", name="Oliver Bennett")).to_be_visible()
    heading = page.locator(f"#line-{motor.pk}-title")
    expect(heading).to_contain_text("Motor Skills programme")
    expect(heading).to_contain_text("In breach")
    since_start = page.get_by_test_id(f"line-{motor.pk}-plan")
    expect(since_start).to_contain_text(f"1 of {promised} sessions delivered")
    expect(since_start).to_contain_text(f"{since_plan.percent}% of the promised time")
    # What nobody recorded is counted, on the page as in the PDF.
    not_recorded = f"{since_plan.not_recorded_sessions} not recorded"
    assert since_plan.not_recorded_sessions > 0
    expect(since_start).to_contain_text(not_recorded)
    expect(page.get_by_test_id("legal-force")).to_contain_text("not legally binding")

    with page.expect_download() as download:
        page.get_by_role("link", name="statement (PDF)").click()
    pdf = pypdf.PdfReader(io.BytesIO(download.value.path().read_bytes()))
    text = " ".join(" ".join(p.extract_text() for p in pdf.pages).split())
    assert "Motor Skills programme: in breach" in text
    assert shown in text
    assert not_recorded in text
    # The API says the same of the same line and period.
    token = issue_token(by=User.objects.get(email="senco@demo.test"), name="MIS", school=oliver.school)[1]
    body = Client().get(f"/api/v1/children/{oliver.pk}/compliance", headers={"Authorization": f"Bearer {token}"}).json()
    [api_line] = [line for line in body["lines"] if line["line_id"] == motor.pk]
    [api_plan] = [a for a in api_line["assessments"] if a["window"] == "plan"]
    assert api_plan["not_recorded_sessions"] == since_plan.not_recorded_sessions

    page.get_by_role("link", name="Raise a concern").click()
    page.get_by_label("Which support is it about?").select_option(label="Motor Skills programme")
    page.get_by_label("In a few words, what is it about?").fill("Motor Skills sessions")
    page.get_by_label("What happened?").fill("He says he has not been to Motor Skills since the spring.")
    page.get_by_role("button", name="Send to the school").click()
    expect(page.get_by_text("Your concern has been sent to the school.")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Sign out").click()

    sign_in("senco@demo.test", "demo")
    page.get_by_role("link", name="Oliver Bennett: Motor Skills sessions").click()
    page.get_by_label("Your message").fill("You are right. Sessions restart on Monday, with 24 hours to make up.")
    page.get_by_role("button", name="Send answer").click()
    expect(page.get_by_text("Message sent.")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    sign_in("parent@demo.test", "demo")
    page.get_by_role("link", name="Concerns").first.click()
    expect(page.get_by_text("Answered")).to_be_visible()
    page.get_by_role("link", name="Motor Skills sessions").click()
    expect(page.get_by_test_id("message").nth(1)).to_contain_text("Sessions restart on Monday")


def test_parent_pages_work_at_320_pixels_and_with_the_keyboard(page: Page, live_server, sign_in):
    load_demo(timezone.localdate())
    page.set_viewport_size({"width": 320, "height": 640})
    sign_in("parent@demo.test", "demo")
    oliver = Child.objects.get(first_name="Oliver", last_name="Bennett")
    widths = {}
    for path in (
        f"/children/{oliver.pk}/",
        f"/children/{oliver.pk}/concerns/",
        "/account/alerts/",
        "/account/calendar/",
    ):
        page.goto(live_server.url + path)
        widths[path] = page.evaluate("document.documentElement.scrollWidth")
        assert axe_violations(page) == []
    page.goto(live_server.url + f"/children/{oliver.pk}/")
    page.screenshot(path="test-results/parent-320.png", full_page=True)
    assert widths == dict.fromkeys(widths, 320)

    # Keyboard only: the skip link first, then through the menu to the statement's links.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent").strip().startswith("Concerns"):
            break
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Concerns")).to_be_visible()


def test_a_reply_dated_tomorrow_is_refused_and_the_parents_pages_still_load(page: Page, live_server, sign_in):
    today = timezone.localdate()
    load_demo(today)
    oliver = Child.objects.get(first_name="Oliver", last_name="Bennett")
    sign_in("parent@demo.test", "demo")
    page.goto(f"{live_server.url}/children/{oliver.pk}/letters/ask_school_to_reinstate/")
    page.get_by_role("button", name="Save as sent, then download").click()
    expect(page.get_by_text("Your letter is saved as sent.")).to_be_visible()
    tomorrow = today + timedelta(days=1)
    page.get_by_label("Date of the reply").fill(tomorrow.isoformat())
    page.get_by_role("button", name="Save the reply").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        f"A reply cannot be dated after today: {tomorrow:%-d %B %Y} has not come yet."
    )
    expect(page.get_by_text("None recorded yet")).to_be_visible()
    statuses = {}
    for path in (f"/children/{oliver.pk}/", f"/children/{oliver.pk}/deadlines/", "/"):
        response = page.goto(live_server.url + path)
        statuses[path] = response.status if response else None
    assert statuses == {f"/children/{oliver.pk}/": 200, f"/children/{oliver.pk}/deadlines/": 200, "/": 200}
