"""In Chromium, on the demo: a council's decision recorded by a parent shows its deadline where the parent looks.

The Year 1 boy's refusal to assess shows the appeal deadline (2 months from the decision letter, rule 20 of the
Tribunal Procedure (First-tier Tribunal) (HESC) Rules 2008) and the mediation step (s55 CFA 2014) on his page and in
the parent's calendar feed; for the EHC-plan child a decision to maintain the plan after a review ends the 12 weeks
for a final amended plan (reg 22 SEND Regulations 2014 applies them only to a decision to amend).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from provision_ledger.core.demo import load_demo
from provision_ledger.rules.clocks import add_months, long_date
from tests.browser.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _record(page: Page, what: str, day, outcome: str | None = None) -> None:
    page.get_by_label("What happened").select_option(label=what)
    page.get_by_label("Date (the date on the letter, or the day it happened)").fill(day.isoformat())
    if outcome is not None:
        page.get_by_label("What the local authority decided (after a review)").select_option(label=outcome)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Recorded.")).to_be_visible()


def test_a_refusal_to_assess_shows_the_appeal_deadline_and_mediation_on_the_page_and_in_the_feed(
    page: Page, live_server, sign_in
):
    today = timezone.localdate()
    load_demo(today)
    sign_in("parent@demo.test", "demo")
    page.get_by_role("link", name="Statutory deadlines").click()
    requested, refused = today - timedelta(days=50), today - timedelta(days=7)
    _record(page, "EHC needs assessment requested", requested)
    _record(page, "Local authority refused to assess", refused)
    deadline = add_months(refused, 2)  # 2 months from the decision letter (rule 20)
    law = page.get_by_test_id("law-deadlines")
    expect(law).to_contain_text("Last day to appeal the decision not to carry out an EHC needs assessment")

    page.get_by_role("link", name="Oliver Bennett").first.click()
    banner = page.get_by_test_id("parent-deadlines")
    expect(banner).to_contain_text(
        f"Last day to appeal the decision not to carry out an EHC needs assessment: {long_date(deadline)}"
    )
    expect(banner).to_contain_text("Before you appeal you must contact a mediation adviser")

    page.goto(f"{live_server.url}/account/calendar/")
    page.get_by_role("button", name="Make a private link").click()
    link = page.get_by_test_id("calendar-link").inner_text().strip()
    feed = page.request.get(link).text().replace("\r\n ", "")
    assert f"DTSTART;VALUE=DATE:{deadline:%Y%m%d}" in feed
    assert "Oliver: Last day to appeal the decision not to carry out an EHC needs assessment" in feed
    assert "mediation adviser" in feed


def test_a_decision_to_maintain_after_the_review_clears_the_12_week_clock(page: Page, live_server, sign_in):
    today = timezone.localdate()
    load_demo(today)
    sign_in("ehcp.parent@demo.test", "demo")
    page.get_by_role("link", name="Statutory deadlines").click()
    _record(page, "Annual review meeting held", today - timedelta(days=20))
    law = page.get_by_test_id("law-deadlines")
    expect(law).to_contain_text("Final amended plan (12 weeks from the meeting)")
    decided = today - timedelta(days=3)
    _record(page, "Local authority decided after the review", decided, outcome="Keep the plan as it is")
    law = page.get_by_test_id("law-deadlines")
    expect(law).not_to_contain_text("Final amended plan (12 weeks from the meeting)")
    # Keeping the plan as it is can be appealed: its deadline replaces the amendment clock.
    expect(law).to_contain_text("Last day to appeal")


def test_the_senco_records_the_boy_as_disabled_and_his_parent_is_offered_the_equality_act_claim_at_320px(
    page: Page, live_server, sign_in
):
    load_demo(timezone.localdate())
    sign_in("senco@demo.test", "demo")
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Bennett").first.click()
    page.get_by_role("link", name="Change whether Oliver is recorded as disabled").click()
    expect(page.get_by_text("substantial and long-term effect on their ability")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_label("This child is disabled under the Equality Act 2010").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("recorded as disabled", exact=False).first).to_be_visible()
    page.context.clear_cookies()
    page.set_viewport_size({"width": 320, "height": 900})
    sign_in("parent@demo.test", "demo")
    steps = page.get_by_test_id("next-steps")
    expect(steps).to_contain_text("Claim disability discrimination at the Tribunal")
    expect(steps).to_contain_text("What it costs you:")
    expect(steps).to_contain_text("Free help with this step: your local SENDIASS")
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    assert axe_violations(page) == []
    page.screenshot(path="/tmp/oliver-320.png", full_page=True)
